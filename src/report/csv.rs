//! The output CSV files: `summary.csv`, `deltas.csv`, `outcomes.csv`, `annual.csv`
//! and `curves.csv`, written by `run` and read back by `report`.
//!
//! Rows are serde structs whose field order is the column order; the same structs
//! serialize and deserialize, so a folder re-read gives exactly what was written.
//! Numbers are written with Rust's shortest round-trip formatting in plain decimal
//! (never exponent notation), so parsing a cell gives back the exact `f64`; an
//! undefined number (the standard deviation of one path) is an empty cell.

use crate::analysis::sensitivity::Explanation;
use crate::choice::Choice;
use crate::date::Date;
use crate::engine::{Flow, Metric};
use crate::groups::ScenarioDelta;
use crate::model::Terms;
use crate::model::contract::EndCause;
use crate::results::{Annual, NO_TERMS, Outcome, Quantity, ScenarioResults};
use crate::stats::{Proportion, Summary};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number cell: plain decimal that round-trips, empty when undefined.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Num(pub Option<f64>);

impl Num {
    /// The value, NaN when undefined.
    pub fn get(self) -> f64 {
        self.0.unwrap_or(f64::NAN)
    }
}

impl From<f64> for Num {
    fn from(v: f64) -> Num {
        Num(Some(v))
    }
}

impl std::fmt::Display for Num {
    /// Shortest round-trip decimal; `inf`, `-inf`; empty when undefined or NaN.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(v) if v.is_finite() => write!(f, "{v}"),
            Some(v) if v.is_infinite() => f.write_str(if v > 0.0 { "inf" } else { "-inf" }),
            _ => Ok(()),
        }
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() {
            return Ok(Num(None));
        }
        text.parse::<f64>().map(|v| Num(Some(v))).map_err(|_| {
            serde::de::Error::custom(format!("`{text}` is not a number (a decimal such as 12.5, inf, -inf, or empty)"))
        })
    }
}

/// A row of `summary.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// The scenario row.
    pub scenario: String,
    /// The terms row (`-` for a scenario-level row).
    pub terms: String,
    /// What is summarised.
    pub metric: String,
    /// Paths (values) summarised.
    pub n: usize,
    /// Mean.
    pub mean: Num,
    /// Standard deviation (n − 1); empty for one value.
    pub sd: Num,
    /// Standard error of the mean; empty for one value.
    pub se: Num,
    /// Smallest value.
    pub min: Num,
    /// 1% quantile.
    pub p01: Num,
    /// 5% quantile.
    pub p05: Num,
    /// 10% quantile.
    pub p10: Num,
    /// 25% quantile.
    pub p25: Num,
    /// Median.
    pub p50: Num,
    /// 75% quantile.
    pub p75: Num,
    /// 90% quantile.
    pub p90: Num,
    /// 95% quantile.
    pub p95: Num,
    /// 99% quantile.
    pub p99: Num,
    /// Largest value.
    pub max: Num,
}

impl SummaryRow {
    fn new(scenario: &str, terms: &str, metric: &str, s: &Summary) -> SummaryRow {
        let [p01, p05, p10, p25, p50, p75, p90, p95, p99] = s.quantiles.map(Num::from);
        SummaryRow {
            scenario: scenario.to_string(),
            terms: terms.to_string(),
            metric: metric.to_string(),
            n: s.n,
            mean: s.mean.into(),
            sd: Num(s.sd),
            se: Num(s.se),
            min: s.min.into(),
            p01,
            p05,
            p10,
            p25,
            p50,
            p75,
            p90,
            p95,
            p99,
            max: s.max.into(),
        }
    }
}

/// A row of `deltas.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeltaRow {
    /// The scenario row.
    pub scenario: String,
    /// The terms row (`-` for a scenario-level row).
    pub terms: String,
    /// The row the difference is taken against.
    pub baseline: String,
    /// What is summarised.
    pub metric: String,
    /// Paths (values) summarised.
    pub n: usize,
    /// Mean.
    pub mean: Num,
    /// Standard deviation (n − 1); empty for one value.
    pub sd: Num,
    /// Standard error of the mean; empty for one value.
    pub se: Num,
    /// 5% quantile.
    pub p05: Num,
    /// Median.
    pub p50: Num,
    /// 95% quantile.
    pub p95: Num,
    /// Share of paths where the difference is above zero.
    pub prob_positive: Num,
}

/// A row of `scenario_deltas.csv`: a paired difference between a scenario row and
/// the first row of its stream group, under one terms row.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ScenarioDeltaRow {
    /// The stream the rows share.
    pub stream: String,
    /// The scenario row.
    pub scenario: String,
    /// The group's first row, which the difference is taken against.
    pub against: String,
    /// The terms row.
    pub terms: String,
    /// What is summarised: `net` or `pv`.
    pub metric: String,
    /// Paths summarised.
    pub n: usize,
    /// Mean.
    pub mean: Num,
    /// Standard deviation (n − 1); empty for one value.
    pub sd: Num,
    /// Standard error of the mean; empty for one value.
    pub se: Num,
    /// 5% quantile.
    pub p05: Num,
    /// Median.
    pub p50: Num,
    /// 95% quantile.
    pub p95: Num,
    /// Share of paths where the difference is above zero.
    pub prob_positive: Num,
}

/// A row of `outcomes.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeRow {
    /// The scenario row.
    pub scenario: String,
    /// The terms row (`-` for a scenario-level row).
    pub terms: String,
    /// The outcome.
    pub outcome: String,
    /// Share of paths with the outcome.
    pub probability: Num,
    /// Standard error of the mean; empty for one value.
    pub se: Num,
}

/// A row of `annual.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualRow {
    /// The scenario row.
    pub scenario: String,
    /// The terms row (`-` for a scenario-level row).
    pub terms: String,
    /// The reporting period: `2026`, `2026Q3`, `FY2027` or `FY2027Q1` (see
    /// [`crate::periods`]).
    pub period: String,
    /// The period's first month, `YYYY-MM`.
    pub start: Date,
    /// What accrued in the period.
    pub quantity: String,
    /// Mean.
    pub mean: Num,
    /// 5% quantile.
    pub p05: Num,
    /// 25% quantile.
    pub p25: Num,
    /// Median.
    pub p50: Num,
    /// 75% quantile.
    pub p75: Num,
    /// 95% quantile.
    pub p95: Num,
}

/// A row of `curves.csv`: a point of a chart's curve, or a histogram bin `[x, x_end)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveRow {
    /// The scenario row.
    pub scenario: String,
    /// The terms row (`-` for a scenario-level row).
    pub terms: String,
    /// Which curve.
    pub curve: String,
    /// Abscissa, or the start of a histogram bin.
    pub x: Num,
    /// End of a histogram bin; empty for a line.
    pub x_end: Num,
    /// Ordinate: a probability or a share of paths.
    pub y: Num,
}

/// A row of `sensitivity.csv`: how one input relates to the explained metric.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SensitivityRow {
    /// The scenario row.
    pub scenario: String,
    /// The terms row (`-` for a scenario-level row).
    pub terms: String,
    /// The row the difference is taken against.
    pub baseline: String,
    /// What is summarised.
    pub metric: String,
    /// Mean of the explained metric.
    pub metric_mean: Num,
    /// The input ranked or conditioned on.
    pub input: String,
    /// Paths (values) summarised.
    pub n: usize,
    /// Spearman's rank correlation.
    pub rho: Num,
    /// Lower end of its 95% interval.
    pub rho_lo: Num,
    /// Upper end of its 95% interval.
    pub rho_hi: Num,
    /// Mean metric over the paths in the input's lowest 10%.
    pub mean_low_decile: Num,
    /// Mean metric over the paths in the input's highest 10%.
    pub mean_high_decile: Num,
    /// First-order share of the metric's variance the input explains.
    pub variance_share: Num,
    /// Only when the scenario has rank correlations (`--correlations`): the
    /// parameters this input is correlated with and their rank correlations
    /// (`agi_delay -0.4; growth_inf 0.3`), whose influence its own `rho` includes;
    /// empty for an input correlated with none. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlated_with: Option<String>,
}

/// A row of `cap_conditions.csv`: an input when a cap binds and when it does not.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CapConditionRow {
    /// The scenario row.
    pub scenario: String,
    /// The terms row (`-` for a scenario-level row).
    pub terms: String,
    /// The input ranked or conditioned on.
    pub input: String,
    /// Paths where the cap bound.
    pub n_binds: usize,
    /// Mean input where it bound.
    pub mean_binds: Num,
    /// Median input where it bound.
    pub median_binds: Num,
    /// Paths where it did not bind.
    pub n_not: usize,
    /// Mean input where it did not.
    pub mean_not: Num,
    /// Median input where it did not.
    pub median_not: Num,
}

/// Serializes rows (with a header from the first) into CSV bytes.
/// With no rows, the file is empty.
pub fn write<R: Serialize>(rows: impl IntoIterator<Item = R>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        // Rows of plain strings and numbers always serialize.
        w.serialize(r).expect("serializing a row to memory cannot fail");
    }
    w.into_inner().expect("flushing to memory cannot fail")
}

/// [`write()`], with the header alone when there are no rows, so that a reader of
/// the file (pandas, say) still finds its columns.
pub fn write_or_header<R: Serialize + Default>(rows: impl IntoIterator<Item = R>) -> Vec<u8> {
    let mut rows = rows.into_iter().peekable();
    if rows.peek().is_some() {
        return write(rows);
    }
    let one = write([R::default()]);
    let end = one.iter().position(|b| *b == b'\n').map_or(one.len(), |i| i + 1);
    one[..end].to_vec()
}

/// Reads the rows of one output file; the error names the file, the line, and the
/// column and value when one cell is wrong.
pub fn read<R: DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<Vec<R>, crate::error::Problem> {
    use crate::error::Problem;
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().cloned().unwrap_or_default();
    let mut rows = Vec::new();
    for record in reader.records() {
        let not_ours = |what: String| format!("{what}; not as `revshare run` writes it (was the file edited?)");
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            Problem::line(file, line, not_ours(e.to_string()))
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let row = record.deserialize(Some(&headers)).map_err(|e| {
            let csv::ErrorKind::Deserialize { err, .. } = e.kind() else {
                return Problem::line(file, line, not_ours(e.to_string()));
            };
            use csv::DeserializeErrorKind as Kind;
            let what = match err.kind() {
                Kind::ParseInt(_) => "not a whole number".to_string(),
                Kind::ParseFloat(_) => "not a number".to_string(),
                other => other.to_string(),
            };
            // The csv reader knows the field of an error of its own parsing; one that
            // a cell's type raises (a [`Num`]) names the value in backticks instead,
            // which finds its cell.
            let field = err
                .field()
                .and_then(|f| usize::try_from(f).ok())
                .or_else(|| record.iter().position(|cell| !cell.is_empty() && what.contains(&format!("`{cell}`"))));
            match field.and_then(|f| Some((headers.get(f)?, record.get(f)?))) {
                Some((column, value)) => {
                    let what = what.replace(&format!("`{value}` is "), "");
                    Problem::cell(file, line, column, value, not_ours(what))
                }
                None => Problem::line(file, line, not_ours(e.to_string())),
            }
        })?;
        rows.push(row);
    }
    Ok(rows)
}

/// The `metric` of the `summary.csv` rows of when the cap bound.
pub const CAP_YEAR: &str = "cap_year";

/// `summary.csv`: per scenario, the revenue row, then per terms the metrics
/// `paid, received, net, pv, end_year, cap_year` (no cap_year row when the cap never bound).
pub fn summary(results: &[ScenarioResults]) -> Vec<u8> {
    let mut rows = Vec::new();
    for r in results {
        rows.push(SummaryRow::new(&r.scenario, NO_TERMS, Quantity::Revenue.name(), &r.revenue));
        for t in &r.terms {
            for (metric, s) in Metric::ALL.iter().zip(&t.metrics) {
                rows.push(SummaryRow::new(&r.scenario, &t.name, metric.name(), s));
            }
            if let Some(s) = &t.cap_year {
                rows.push(SummaryRow::new(&r.scenario, &t.name, CAP_YEAR, s));
            }
        }
    }
    write(rows)
}

/// `deltas.csv`: paired differences against the baseline, `net` and `pv`, then
/// `pv` against each reading of a contract.
pub fn deltas(results: &[ScenarioResults]) -> Vec<u8> {
    write(delta_rows(results))
}

/// The rows of `deltas.csv`.
pub fn delta_rows(results: &[ScenarioResults]) -> impl Iterator<Item = DeltaRow> + '_ {
    results.iter().flat_map(|r| {
        r.deltas.iter().map(move |d| DeltaRow {
            scenario: r.scenario.clone(),
            terms: d.terms.clone(),
            baseline: d.baseline.clone(),
            metric: d.metric.name().to_string(),
            n: d.summary.n,
            mean: d.summary.mean.into(),
            sd: Num(d.summary.sd),
            se: Num(d.summary.se),
            p05: d.summary.quantile(0.05).into(),
            p50: d.summary.quantile(0.5).into(),
            p95: d.summary.quantile(0.95).into(),
            prob_positive: d.prob_positive.p.into(),
        })
    })
}

/// `scenario_deltas.csv`: per stream group, every row after the first against the
/// first, per terms row, `net` then `pv`; the header alone when no rows share a
/// stream.
pub fn scenario_deltas(deltas: &[ScenarioDelta]) -> Vec<u8> {
    write_or_header(scenario_delta_rows(deltas))
}

/// The rows of `scenario_deltas.csv`.
pub fn scenario_delta_rows(deltas: &[ScenarioDelta]) -> impl Iterator<Item = ScenarioDeltaRow> + '_ {
    deltas.iter().map(|d| ScenarioDeltaRow {
        stream: d.stream.clone(),
        scenario: d.scenario.clone(),
        against: d.against.clone(),
        terms: d.terms.clone(),
        metric: d.metric.name().to_string(),
        n: d.summary.n,
        mean: d.summary.mean.into(),
        sd: Num(d.summary.sd),
        se: Num(d.summary.se),
        p05: d.summary.quantile(0.05).into(),
        p50: d.summary.quantile(0.5).into(),
        p95: d.summary.quantile(0.95).into(),
        prob_positive: d.prob_positive.p.into(),
    })
}

/// `outcomes.csv`: P(cap hit) and P(end by each cause), with binomial standard errors.
pub fn outcomes(results: &[ScenarioResults]) -> Vec<u8> {
    let mut rows = Vec::new();
    for r in results {
        for t in &r.terms {
            let row = |outcome: Outcome, p: &Proportion| OutcomeRow {
                scenario: r.scenario.clone(),
                terms: t.name.clone(),
                outcome: outcome.name().to_string(),
                probability: p.p.into(),
                se: p.se.into(),
            };
            // A row with no cap never hits one.
            rows.push(row(Outcome::CapHit, &t.cap_hit.unwrap_or(Proportion::of(0, r.paths))));
            for (c, prob) in EndCause::ALL.iter().zip(&t.end_by) {
                rows.push(row(Outcome::EndBy(*c), prob));
            }
        }
    }
    write(rows)
}

fn annual_rows<'a>(
    scenario: &'a str,
    terms: &'a str,
    quantity: Quantity,
    years: &'a [Annual],
) -> impl Iterator<Item = AnnualRow> + 'a {
    years.iter().map(move |a| AnnualRow {
        scenario: scenario.to_string(),
        terms: terms.to_string(),
        period: a.period.label.clone(),
        start: a.period.start,
        quantity: quantity.name().to_string(),
        mean: a.summary.mean.into(),
        p05: a.summary.quantile(0.05).into(),
        p25: a.summary.quantile(0.25).into(),
        p50: a.summary.quantile(0.5).into(),
        p75: a.summary.quantile(0.75).into(),
        p95: a.summary.quantile(0.95).into(),
    })
}

/// `annual.csv`: per reporting period, revenue (terms `-`) and each terms row's paid,
/// received and net as accrued in that period, and `cum_paid`, the total paid by
/// the end of the period.
pub fn annual(results: &[ScenarioResults]) -> Vec<u8> {
    let mut rows = Vec::new();
    for r in results {
        rows.extend(annual_rows(&r.scenario, NO_TERMS, Quantity::Revenue, &r.annual_revenue));
        for t in &r.terms {
            for (q, years) in Flow::ALL.iter().zip(&t.annual) {
                rows.extend(annual_rows(&r.scenario, &t.name, Quantity::Flow(*q), years));
            }
            rows.extend(annual_rows(&r.scenario, &t.name, Quantity::CumPaid, &t.cum_paid));
        }
    }
    write(rows)
}

/// `sensitivity.csv` and `cap_conditions.csv` of an explanation over `scenario`.
pub fn explanation(scenario: &str, terms: &[Terms], e: &Explanation) -> (Vec<u8>, Vec<u8>) {
    let (row, baseline) = (terms[e.terms].name(), terms[e.baseline].name());
    let ranked = e.ranked.iter().map(|s| SensitivityRow {
        scenario: scenario.to_string(),
        terms: row.to_string(),
        baseline: baseline.to_string(),
        metric: e.explained.name().to_string(),
        metric_mean: e.mean.into(),
        input: s.input.clone(),
        n: s.n,
        rho: s.rho.into(),
        rho_lo: s.rho_lo.into(),
        rho_hi: s.rho_hi.into(),
        mean_low_decile: s.mean_low.into(),
        mean_high_decile: s.mean_high.into(),
        variance_share: s.variance_share.into(),
        correlated_with: (!e.correlations.is_empty()).then(|| {
            let partners: Vec<String> = e.partners(&s.input).iter().map(|(p, r)| format!("{p} {r}")).collect();
            partners.join("; ")
        }),
    });
    let conditions = e.conditions.iter().map(|c| CapConditionRow {
        scenario: scenario.to_string(),
        terms: c.terms.clone(),
        input: c.input.clone(),
        n_binds: c.n_binds,
        mean_binds: c.mean_binds.into(),
        median_binds: c.median_binds.into(),
        n_not: c.n_not,
        mean_not: c.mean_not.into(),
        median_not: c.median_not.into(),
    });
    (write_or_header(ranked), write_or_header(conditions))
}

/// `curves.csv`: the data of the report's charts (CDFs, histograms, survival and
/// end-cause curves).
pub fn curves(results: &[ScenarioResults]) -> Vec<u8> {
    write(results.iter().flat_map(|r| {
        r.curves.iter().flat_map(move |c| {
            c.points.iter().map(move |p| CurveRow {
                scenario: r.scenario.clone(),
                terms: c.terms.clone(),
                curve: c.kind.name().to_string(),
                x: p.x.into(),
                x_end: Num(p.x_end),
                y: p.y.into(),
            })
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimals_that_round_trip() {
        let cell = |v: f64| String::from_utf8(write([(Num(Some(v)),)])).unwrap().trim().to_string();
        for v in [0.1, 134.1 + 1e-13, 1e-7, 3.5e16, -2.25, 0.0, 1.0 / 3.0] {
            let s = cell(v);
            assert!(!s.contains('e'), "{s}");
            assert_eq!(s.parse::<f64>().unwrap(), v);
        }
        assert_eq!(String::from_utf8(write([(Num(None),)])).unwrap(), "\"\"\n");
    }

    #[test]
    fn rows_read_back_exactly_as_written() {
        let row = OutcomeRow {
            scenario: "s, with comma".into(),
            terms: "t".into(),
            outcome: "cap_hit".into(),
            probability: Num(Some(1.0 / 3.0)),
            se: Num(None),
        };
        let bytes = write([row.clone()]);
        assert_eq!(read::<OutcomeRow>("o.csv", &bytes).unwrap(), vec![row]);
        let e = read::<OutcomeRow>("o.csv", b"scenario,terms,outcome,probability,se\ns,t,x,abc,\n").unwrap_err();
        assert!(e.to_string().contains("o.csv, line 2"), "{e}");
    }
}
