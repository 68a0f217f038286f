//! Sweeps and rows sharing a stream, in the terminal and the report, drawn from
//! the output files alone (`manifest.json`, `scenario_deltas.csv`, `deltas.csv`).
//!
//! A sweep over a scenario column (`--vary`) is read from the paired differences
//! of each variant against the row it varies (MODEL.md §7, "Shared streams"): PV
//! minus the row's PV on the same paths, per terms row. A sweep over a terms
//! column (`--vary-terms`) is read from each variant's paired difference against
//! the terms row it varies, per scenario (every terms row is evaluated on the
//! same paths; `deltas.csv` has these rows). Each [`Panel`] gives, per value of the sweep, the mean of the paired
//! difference and its 95% interval (mean ± 1.96 standard errors). Rows sharing a
//! stream that no sweep made are listed as [`Pair`]s.

use super::charts::{self, ChartError, Frame};
use super::csv::{DeltaRow, ScenarioDeltaRow};
use super::manifest::Manifest;
use crate::stats::Z_95;

/// The paired difference of one line of a panel at one value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Mean of the paired difference, $B.
    pub mean: f64,
    /// Its 95% half-width (1.96 standard errors; 0 when the difference is the
    /// same on every path).
    pub half_width: f64,
}

/// One line of a panel: a terms row (a sweep over scenarios) or a scenario (a
/// sweep over terms), with its point at each value (`None` where the files have
/// none).
#[derive(Debug, Clone, PartialEq)]
pub struct PanelLine {
    /// The terms row or scenario.
    pub label: String,
    /// Per value of the sweep, in order.
    pub points: Vec<Option<Point>>,
}

/// One row varied by one sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The option as typed.
    pub option: String,
    /// The column varied.
    pub column: String,
    /// The row varied.
    pub row: String,
    /// What each point is, in words.
    pub measure: String,
    /// The values, as written.
    pub values: Vec<String>,
    /// Per terms row or scenario.
    pub lines: Vec<PanelLine>,
}

fn point(mean: f64, se: Option<f64>) -> Point {
    Point { mean, half_width: se.map_or(0.0, |s| Z_95 * s) }
}

/// The panels of every sweep the manifest records.
pub fn panels(m: &Manifest, scenario_deltas: &[ScenarioDeltaRow], deltas: &[DeltaRow]) -> Vec<Panel> {
    let mut out = Vec::new();
    for sweep in &m.sweeps {
        for swept in &sweep.rows {
            let values: Vec<String> = swept.variants.iter().map(|(v, _)| v.clone()).collect();
            // A line's point at each value: `find(variant)`.
            let line = |label: &str, find: &dyn Fn(&str) -> Option<Point>| PanelLine {
                label: label.to_string(),
                points: swept.variants.iter().map(|(_, variant)| find(variant)).collect(),
            };
            let lines = if sweep.of == "terms" {
                // Per scenario of the file (not the variants of a scenario sweep) and the
                // mixture: the variant's PV minus the row's, from deltas.csv.
                let mixture = (!m.mixture.is_empty()).then(|| crate::model::scenario::MIXTURE.to_string());
                let scenarios = m.scenarios.iter().filter(|s| !made_by_sweep(m, s)).chain(&mixture);
                scenarios
                    .map(|s| {
                        line(s, &|variant| {
                            deltas
                                .iter()
                                .find(|d| {
                                    d.scenario == *s
                                        && d.terms == variant
                                        && d.baseline == swept.row
                                        && d.metric == "pv"
                                })
                                .map(|d| point(d.mean.get(), d.se.0))
                        })
                    })
                    .collect()
            } else {
                // Per terms row: the variant's PV minus the row's, from scenario_deltas.csv.
                m.terms
                    .iter()
                    .map(|t| {
                        line(&t.name, &|variant| {
                            scenario_deltas
                                .iter()
                                .find(|d| {
                                    d.scenario == variant
                                        && d.against == swept.row
                                        && d.terms == t.name
                                        && d.metric == "pv"
                                })
                                .map(|d| point(d.mean.get(), d.se.0))
                        })
                    })
                    .collect()
            };
            let measure = format!("PV minus {}'s, paired on the same paths", swept.row);
            out.push(Panel {
                option: sweep.option.clone(),
                column: sweep.column.clone(),
                row: swept.row.clone(),
                measure,
                values,
                lines,
            });
        }
    }
    out
}

/// Whether row `name` (a scenario or terms row) is a variant a sweep made.
fn made_by_sweep(m: &Manifest, name: &str) -> bool {
    m.sweeps.iter().flat_map(|w| &w.rows).flat_map(|r| &r.variants).any(|(_, v)| v == name)
}

/// A pair of scenario rows sharing a stream that no sweep made: per terms row, the
/// paired differences of net and PV.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The scenario row.
    pub scenario: String,
    /// The first row of its stream group.
    pub against: String,
    /// Per terms row: `(terms, net, pv, P(pv difference > 0))`.
    pub rows: Vec<(String, Point, Point, f64)>,
}

/// The pairs of `scenario_deltas.csv` that are not a sweep's variants.
pub fn pairs(m: &Manifest, scenario_deltas: &[ScenarioDeltaRow]) -> Vec<Pair> {
    let mut out: Vec<Pair> = Vec::new();
    for d in scenario_deltas.iter().filter(|d| d.metric == "pv" && !made_by_sweep(m, &d.scenario)) {
        let net = scenario_deltas
            .iter()
            .find(|n| n.scenario == d.scenario && n.terms == d.terms && n.metric == "net")
            .map_or(Point { mean: f64::NAN, half_width: f64::NAN }, |n| point(n.mean.get(), n.se.0));
        let row = (d.terms.clone(), net, point(d.mean.get(), d.se.0), d.prob_positive.get());
        match out.iter_mut().find(|p| p.scenario == d.scenario) {
            Some(p) => p.rows.push(row),
            None => out.push(Pair { scenario: d.scenario.clone(), against: d.against.clone(), rows: vec![row] }),
        }
    }
    out
}

/// `mean ± half-width` with two decimals and a sign.
pub fn interval(p: &Point) -> String {
    format!("{:+.2} ± {:.2}", p.mean, p.half_width)
}

/// The terminal's account of the sweeps and the pairs: per panel a table of lines
/// by values, per pair a table of terms rows.
pub fn render(panels: &[Panel], pairs: &[Pair]) -> String {
    let mut out = String::new();
    for p in panels {
        out.push_str(&format!("\n{} · {}: {}, $B (mean ± 95% half-width)\n", p.option, p.row, p.measure));
        let width = p.lines.iter().map(|l| l.label.len()).max().unwrap_or(0).max(5);
        let cells: Vec<Vec<String>> = p
            .lines
            .iter()
            .map(|l| l.points.iter().map(|pt| pt.as_ref().map_or("-".to_string(), interval)).collect())
            .collect();
        let col = cells.iter().flatten().chain(&p.values).map(String::len).max().unwrap_or(0) + 2;
        out.push_str(&format!("  {:<width$}", format!("{}=", p.column)));
        for v in &p.values {
            out.push_str(&format!("{v:>col$}"));
        }
        out.push('\n');
        for (l, cells) in p.lines.iter().zip(&cells) {
            out.push_str(&format!("  {:<width$}", l.label));
            for c in cells {
                out.push_str(&format!("{c:>col$}"));
            }
            out.push('\n');
        }
    }
    for p in pairs {
        out.push_str(&format!(
            "\n{} minus {} on the same paths (they share a stream), $B (mean ± 95% half-width)\n",
            p.scenario, p.against
        ));
        let width = p.rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(5);
        out.push_str(&format!("  {:<width$}  {:>18}  {:>18}  {:>10}\n", "terms", "net", "PV", "P(PV up)"));
        for (terms, net, pv, prob) in &p.rows {
            out.push_str(&format!(
                "  {terms:<width$}  {:>18}  {:>18}  {:>9.1}%\n",
                interval(net),
                interval(pv),
                100.0 * prob
            ));
        }
    }
    out
}

/// The chart of a panel: per line, the mean paired difference against the value
/// with its 95% band. Values that are all numbers are placed on a numeric axis,
/// others one step apart in the option's order.
pub fn chart(p: &Panel) -> Result<String, ChartError> {
    let numbers: Option<Vec<f64>> = p.values.iter().map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite())).collect();
    let labels = if numbers.is_some() { None } else { Some(p.values.clone()) };
    let xs: Vec<f64> = numbers.unwrap_or_else(|| (0..p.values.len()).map(|i| i as f64).collect());
    let bands: Vec<charts::Band> = p
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut points: Vec<[f64; 4]> = xs
                .iter()
                .zip(&l.points)
                .filter_map(|(x, pt)| pt.map(|pt| [*x, pt.mean, pt.mean - pt.half_width, pt.mean + pt.half_width]))
                .collect();
            points.sort_by(|a, b| a[0].total_cmp(&b[0]));
            charts::Band { label: l.label.clone(), color: charts::color(i), points }
        })
        .collect();
    let title = format!("{}: how the PV moves with {} (paired on the same paths)", p.row, p.column);
    let frame = Frame { title: &title, x: &p.column, y: "paired difference, $B", size: charts::WIDE };
    charts::bands(&frame, &bands, labels.as_deref())
}
