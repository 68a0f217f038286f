//! Which conclusions hold under every reading of an uncertain contract.
//!
//! Terms rows with the same `reading` column are readings of one contract (the
//! October 2025 terms read with no calendar end, through 2030 and through 2032,
//! say). For each scenario, every other row is compared with each reading, path by
//! path (`pv(row) - pv(reading)`, the rows of `deltas.csv` whose baseline is a
//! reading), and the comparison is classed by the sign of its 95% interval
//! (mean ± 1.96 se): a conclusion *holds* when the interval is on the same side of
//! zero against every reading, and *flips* when it is above zero against one
//! reading and below against another. An interval that contains zero settles
//! nothing against that reading.

use super::csv::DeltaRow;
use crate::choice::Choice;
use crate::engine::Metric;
use crate::stats::Z_95;
use std::fmt::Write;

/// `x` $B with its sign and one decimal; `0.0` for what rounds to zero (never `-0.0`).
pub fn signed(x: f64) -> String {
    if (10.0 * x).round() == 0.0 { "0.0".to_string() } else { format!("{x:+.1}") }
}

/// A difference of at most this many $B (one dollar) is no difference.
pub const NO_DIFFERENCE: f64 = 1e-9;

/// One row compared with one reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The reading.
    pub reading: String,
    /// Mean of `pv(row) - pv(reading)` over the paths, $B.
    pub mean: f64,
    /// Its 95% half-width (1.96 standard errors); NaN with one path.
    pub half_width: f64,
}

impl Comparison {
    /// `+1` when the interval is above zero, `-1` below, `0` when it contains zero
    /// (or is undefined). A mean within [`NO_DIFFERENCE`] of zero is no difference:
    /// on deterministic paths two readings that pay the same differ by rounding.
    pub fn sign(&self) -> i8 {
        let (lo, hi) = (self.mean - self.half_width, self.mean + self.half_width);
        if self.mean.abs() <= NO_DIFFERENCE {
            0
        } else if lo > 0.0 {
            1
        } else if hi < 0.0 {
            -1
        } else {
            0
        }
    }
}

/// A terms row against every reading of a contract in one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct RowAgainstReadings {
    /// The row.
    pub terms: String,
    /// One comparison per reading, in the order of the terms file.
    pub against: Vec<Comparison>,
}

impl RowAgainstReadings {
    /// The conclusion in words: `pays less under every reading`, `flips: less than
    /// a, b; more than c`, ...
    pub fn verdict(&self) -> String {
        let signs: Vec<i8> = self.against.iter().map(Comparison::sign).collect();
        let names = |s: i8| -> Vec<&str> {
            self.against.iter().zip(&signs).filter(|(_, g)| **g == s).map(|(c, _)| c.reading.as_str()).collect()
        };
        let (more, less, open) = (names(1), names(-1), names(0));
        if self.same() {
            return "pays the same under every reading".to_string();
        }
        let range = || {
            let lo = self.against.iter().map(|c| c.mean).fold(f64::INFINITY, f64::min);
            let hi = self.against.iter().map(|c| c.mean).fold(f64::NEG_INFINITY, f64::max);
            format!("{} to {} $B PV", signed(lo), signed(hi))
        };
        if open.is_empty() && more.is_empty() {
            format!("pays Microsoft less under every reading ({})", range())
        } else if open.is_empty() && less.is_empty() {
            format!("pays Microsoft more under every reading ({})", range())
        } else if !more.is_empty() && !less.is_empty() {
            let mut s = format!("flips: pays less than {}; more than {}", less.join(" and "), more.join(" and "));
            if !open.is_empty() {
                let _ = write!(s, "; no clear sign against {}", open.join(" and "));
            }
            s
        } else {
            let side = if more.is_empty() { "less" } else { "more" };
            let settled = if more.is_empty() { &less } else { &more };
            if settled.is_empty() {
                format!("no clear sign against any reading ({})", range())
            } else {
                format!(
                    "pays {side} than {}; no clear sign against {} (the sign does not flip)",
                    settled.join(", "),
                    open.join(", ")
                )
            }
        }
    }
}

impl RowAgainstReadings {
    /// Whether the row pays exactly what every reading pays, on every path.
    pub fn same(&self) -> bool {
        self.against.iter().all(|c| c.mean.abs() <= NO_DIFFERENCE && c.half_width <= NO_DIFFERENCE)
    }

    /// `+1` or `-1` when the sign holds under every reading, `0` when it flips,
    /// `None` when some reading settles nothing and none contradicts the others.
    fn holds(&self) -> Option<i8> {
        let signs: Vec<i8> = self.against.iter().map(Comparison::sign).collect();
        if signs.contains(&1) && signs.contains(&-1) {
            Some(0)
        } else if signs.iter().all(|s| *s == 1) {
            Some(1)
        } else if signs.iter().all(|s| *s == -1) {
            Some(-1)
        } else {
            None
        }
    }
}

/// The readings of one contract in one scenario, with every other row against them.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioReadings {
    /// The scenario.
    pub scenario: String,
    /// The contract read several ways (the `reading` column's value).
    pub contract: String,
    /// Its readings, in the order of the terms file.
    pub readings: Vec<String>,
    /// Every row that is not one of the readings.
    pub rows: Vec<RowAgainstReadings>,
}

impl ScenarioReadings {
    /// One plain sentence: which rows pay Microsoft less (or more) than the contract
    /// under every reading, and which flip.
    pub fn summary(&self) -> String {
        let pick = |want: Option<i8>| -> Vec<&str> {
            self.rows.iter().filter(|r| !r.same() && r.holds() == want).map(|r| r.terms.as_str()).collect()
        };
        let (less, more, flips, open) = (pick(Some(-1)), pick(Some(1)), pick(Some(0)), pick(None));
        let mut parts = Vec::new();
        let verb = |rows: &[&str]| if rows.len() == 1 { "pays" } else { "pay" };
        if !less.is_empty() {
            parts.push(format!("{} {} Microsoft less", less.join(", "), verb(&less)));
        }
        if !more.is_empty() {
            parts.push(format!("{} {} Microsoft more", more.join(", "), verb(&more)));
        }
        let mut s = if parts.is_empty() {
            format!("Under {}, no row's sign holds under every reading of {}", self.scenario, self.contract)
        } else {
            format!("Under {}, whatever the reading of {}: {}", self.scenario, self.contract, parts.join("; "))
        };
        if !flips.is_empty() {
            let _ = write!(s, "; the sign of {} flips with the reading", flips.join(", "));
        }
        if !open.is_empty() {
            let _ = write!(s, "; {} cannot be told apart from some reading", open.join(", "));
        }
        s.push('.');
        // A row that pays what every reading pays, path by path, means the readings
        // pay the same as each other: nothing here is a conclusion about them.
        if self.rows.iter().any(RowAgainstReadings::same) {
            let _ = write!(
                s,
                " The readings of {} pay the same on every path of {} (they differ only past what it simulates, \
                 such as its horizon), so {} cannot tell them apart.",
                self.contract, self.scenario, self.scenario
            );
        }
        s
    }
}

/// [`compare`] for a run described by `m`: its terms rows, the contract each is a
/// reading of, and its baseline.
pub fn compare_run(deltas: &[DeltaRow], m: &super::manifest::Manifest) -> Vec<ScenarioReadings> {
    let terms: Vec<(String, Option<String>)> = m.terms.iter().map(|t| (t.name.clone(), t.reading.clone())).collect();
    compare(deltas, &terms, &m.baseline)
}

/// Groups the PV differences of `deltas` by scenario and contract. `terms` are the
/// terms rows in file order, each with the contract it is a reading of, if any;
/// `baseline` is the baseline row, whose own differences are those of `deltas`
/// against it. Scenarios follow the order of `deltas`.
pub fn compare(deltas: &[DeltaRow], terms: &[(String, Option<String>)], baseline: &str) -> Vec<ScenarioReadings> {
    let mut contracts: Vec<&str> = Vec::new();
    for c in terms.iter().filter_map(|(_, r)| r.as_deref()) {
        if !contracts.contains(&c) {
            contracts.push(c);
        }
    }
    let mut scenarios: Vec<&str> = Vec::new();
    for d in deltas {
        if !scenarios.contains(&d.scenario.as_str()) {
            scenarios.push(&d.scenario);
        }
    }
    let pv = Metric::Pv.name();
    let find = |scenario: &str, row: &str, against: &str| -> Option<Comparison> {
        if row == against {
            return None;
        }
        // The baseline's difference against a reading is the reading's against the
        // baseline, negated.
        let (a, b, flip) = if row == baseline { (against, row, -1.0) } else { (row, against, 1.0) };
        let d = deltas.iter().find(|d| d.scenario == scenario && d.terms == a && d.baseline == b && d.metric == pv)?;
        Some(Comparison { reading: against.to_string(), mean: flip * d.mean.get(), half_width: Z_95 * d.se.get() })
    };
    let mut out = Vec::new();
    for scenario in scenarios {
        for contract in &contracts {
            let readings: Vec<String> =
                terms.iter().filter(|(_, r)| r.as_deref() == Some(*contract)).map(|(n, _)| n.clone()).collect();
            let rows = terms
                .iter()
                .filter(|(_, r)| r.as_deref() != Some(*contract))
                .filter_map(|(row, _)| {
                    let against: Option<Vec<Comparison>> = readings.iter().map(|r| find(scenario, row, r)).collect();
                    Some(RowAgainstReadings { terms: row.clone(), against: against? })
                })
                .collect();
            out.push(ScenarioReadings {
                scenario: scenario.to_string(),
                contract: contract.to_string(),
                readings,
                rows,
            });
        }
    }
    out
}

/// The comparison for the terminal: per scenario and contract, each row's
/// difference against each reading with its 95% interval, then one line per row
/// saying what holds.
pub fn render(groups: &[ScenarioReadings]) -> String {
    let mut s = String::new();
    for g in groups {
        if g.rows.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{}: PV against each reading of {}, $B (95% interval)", g.scenario, g.contract);
        let mut rows = vec![std::iter::once(String::new()).chain(g.readings.iter().cloned()).collect::<Vec<_>>()];
        for r in &g.rows {
            let cells = r.against.iter().map(|c| {
                if c.half_width.is_nan() {
                    signed(c.mean)
                } else {
                    format!("{} ± {:.1}", signed(c.mean), c.half_width)
                }
            });
            rows.push(std::iter::once(format!("  {}", r.terms)).chain(cells).collect());
        }
        s.push_str(&super::table::layout(&rows, 1));
        let _ = writeln!(s, "  {}", g.summary());
        for r in &g.rows {
            let _ = writeln!(s, "  {} {}", r.terms, r.verdict());
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv::Num;

    fn row(terms: &str, against: &str, mean: f64, se: f64) -> DeltaRow {
        DeltaRow {
            scenario: "s".into(),
            terms: terms.into(),
            baseline: against.into(),
            metric: "pv".into(),
            n: 100,
            mean: mean.into(),
            sd: Num(Some(se * 10.0)),
            se: Num(Some(se)),
            p05: Num(None),
            p50: Num(None),
            p95: Num(None),
            prob_positive: 0.5.into(),
        }
    }

    fn terms() -> Vec<(String, Option<String>)> {
        [("blend", None), ("open", Some("old")), ("to-2030", Some("old")), ("new", None)]
            .iter()
            .map(|(n, r)| (n.to_string(), r.map(str::to_string)))
            .collect()
    }

    /// `deltas.csv` rows: against the baseline (the blend), the readings and the
    /// new terms; then the new terms against each reading.
    fn deltas() -> Vec<DeltaRow> {
        vec![
            row("open", "blend", 10.0, 1.0),
            row("to-2030", "blend", -5.0, 1.0),
            row("new", "blend", -3.0, 1.0),
            row("new", "open", -13.0, 1.0),
            row("new", "to-2030", 2.0, 0.5),
        ]
    }

    #[test]
    fn a_sign_that_holds_and_one_that_flips_are_told_apart() {
        let deltas = deltas();
        let g = compare(&deltas, &terms(), "blend");
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].readings, ["open", "to-2030"]);
        let rows: Vec<&str> = g[0].rows.iter().map(|r| r.terms.as_str()).collect();
        assert_eq!(rows, ["blend", "new"]);
        // The blend against the readings is the readings against it, negated.
        assert_eq!(g[0].rows[0].against[0].mean, -10.0);
        assert_eq!(g[0].rows[0].against[1].mean, 5.0);
        assert_eq!(g[0].rows[1].verdict(), "flips: pays less than open; more than to-2030");
        let row = |terms: &str, against: &[(&str, f64, f64)]| RowAgainstReadings {
            terms: terms.into(),
            against: against
                .iter()
                .map(|(r, mean, half_width)| Comparison {
                    reading: r.to_string(),
                    mean: *mean,
                    half_width: *half_width,
                })
                .collect(),
        };
        let holds = row("x", &[("a", -4.0, 1.0), ("b", -1.5, 1.0)]);
        assert_eq!(holds.verdict(), "pays Microsoft less under every reading (-4.0 to -1.5 $B PV)");
        let open = row("z", &[("a", -4.0, 1.0), ("b", -0.5, 1.0)]);
        assert_eq!(open.verdict(), "pays less than a; no clear sign against b (the sign does not flip)");
        let two = row("w", &[("a", -4.0, 1.0), ("b", -3.0, 1.0), ("c", 2.0, 1.0), ("d", 0.1, 1.0)]);
        assert_eq!(two.verdict(), "flips: pays less than a and b; more than c; no clear sign against d");
        let same = row("y", &[("a", 1e-14, 0.0)]);
        assert_eq!(same.verdict(), "pays the same under every reading");
        let g = ScenarioReadings {
            scenario: "base".into(),
            contract: "old".into(),
            readings: vec!["a".into(), "b".into()],
            rows: vec![holds, open, same],
        };
        assert_eq!(
            g.summary(),
            "Under base, whatever the reading of old: x pays Microsoft less; z cannot be told apart from some reading. \
             The readings of old pay the same on every path of base (they differ only past what it simulates, such as \
             its horizon), so base cannot tell them apart."
        );
        // Without a row that pays what every reading pays, nothing is said of the readings themselves.
        let g = ScenarioReadings { rows: g.rows[..2].to_vec(), ..g };
        assert!(!g.summary().contains("cannot tell them apart"), "{}", g.summary());
    }

    #[test]
    fn the_terminal_block_lists_every_row_against_every_reading() {
        let deltas = deltas();
        let text = render(&compare(&deltas, &terms(), "blend"));
        assert!(text.starts_with("s: PV against each reading of old, $B (95% interval)\n"), "{text}");
        assert!(text.contains("  new    -13.0 ± 2.0  +2.0 ± 1.0"), "{text}");
        assert!(text.contains("  new flips: pays less than open; more than to-2030"), "{text}");
        assert!(text.contains("  Under s, no row's sign holds under every reading of old; the sign of blend, new flips with the reading."), "{text}");
    }
}
