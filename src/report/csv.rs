//! The output CSV files: `summary.csv`, `deltas.csv`, `outcomes.csv`, `annual.csv`.
//!
//! Rows are serde structs whose field order is the column order. Numbers are
//! written with Rust's shortest round-trip formatting in plain decimal (never
//! exponent notation), so parsing a cell gives back the exact `f64`; an undefined
//! number (the standard deviation of one path) is an empty cell.

use crate::model::contract::EndCause;
use crate::results::{Annual, METRICS, ScenarioResults};
use crate::stats::Summary;
use serde::{Serialize, Serializer};

/// A number cell: plain decimal that round-trips, empty when undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub Option<f64>);

impl From<f64> for Num {
    fn from(v: f64) -> Num {
        Num(Some(v))
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(v) if v.is_finite() => s.collect_str(&v),
            Some(v) if v.is_infinite() => s.serialize_str(if v > 0.0 { "inf" } else { "-inf" }),
            _ => s.serialize_str(""),
        }
    }
}

/// The terms column of scenario-level rows (revenue).
pub const NO_TERMS: &str = "-";

#[derive(Serialize)]
struct SummaryRow<'a> {
    scenario: &'a str,
    terms: &'a str,
    metric: &'a str,
    n: usize,
    mean: Num,
    sd: Num,
    se: Num,
    min: Num,
    p01: Num,
    p05: Num,
    p10: Num,
    p25: Num,
    p50: Num,
    p75: Num,
    p90: Num,
    p95: Num,
    p99: Num,
    max: Num,
}

impl<'a> SummaryRow<'a> {
    fn new(scenario: &'a str, terms: &'a str, metric: &'a str, s: &Summary) -> SummaryRow<'a> {
        let q = s.quantiles.map(Num::from);
        SummaryRow {
            scenario,
            terms,
            metric,
            n: s.n,
            mean: s.mean.into(),
            sd: Num(s.sd),
            se: Num(s.se),
            min: s.min.into(),
            p01: q[0],
            p05: q[1],
            p10: q[2],
            p25: q[3],
            p50: q[4],
            p75: q[5],
            p90: q[6],
            p95: q[7],
            p99: q[8],
            max: s.max.into(),
        }
    }
}

#[derive(Serialize)]
struct DeltaRow<'a> {
    scenario: &'a str,
    terms: &'a str,
    baseline: &'a str,
    metric: &'a str,
    n: usize,
    mean: Num,
    sd: Num,
    se: Num,
    p05: Num,
    p50: Num,
    p95: Num,
    prob_positive: Num,
}

#[derive(Serialize)]
struct OutcomeRow<'a> {
    scenario: &'a str,
    terms: &'a str,
    outcome: String,
    probability: Num,
    se: Num,
}

#[derive(Serialize)]
struct AnnualRow<'a> {
    scenario: &'a str,
    terms: &'a str,
    year: i32,
    quantity: &'a str,
    mean: Num,
    p05: Num,
    p25: Num,
    p50: Num,
    p75: Num,
    p95: Num,
}

fn write<R: Serialize>(rows: impl IntoIterator<Item = R>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).expect("serializing to memory cannot fail");
    }
    w.into_inner().expect("flushing to memory cannot fail")
}

/// `summary.csv`: per scenario, the revenue row, then per terms the metrics
/// `paid, received, net, pv, end_year, cap_year` (no cap_year row when the cap never bound).
pub fn summary(results: &[ScenarioResults]) -> Vec<u8> {
    let mut rows = Vec::new();
    for r in results {
        rows.push(SummaryRow::new(&r.scenario, NO_TERMS, "revenue", &r.revenue));
        for t in &r.terms {
            for ((metric, _), s) in METRICS.iter().zip(&t.metrics) {
                rows.push(SummaryRow::new(&r.scenario, &t.name, metric, s));
            }
            if let Some(s) = &t.cap_year {
                rows.push(SummaryRow::new(&r.scenario, &t.name, "cap_year", s));
            }
        }
    }
    write(rows)
}

/// `deltas.csv`: paired differences against the baseline, `net` and `pv`.
pub fn deltas(results: &[ScenarioResults]) -> Vec<u8> {
    write(results.iter().flat_map(|r| {
        r.deltas.iter().map(move |d| DeltaRow {
            scenario: &r.scenario,
            terms: &d.terms,
            baseline: &d.baseline,
            metric: d.metric,
            n: d.summary.n,
            mean: d.summary.mean.into(),
            sd: Num(d.summary.sd),
            se: Num(d.summary.se),
            p05: d.summary.quantile(0.05).into(),
            p50: d.summary.quantile(0.5).into(),
            p95: d.summary.quantile(0.95).into(),
            prob_positive: d.prob_positive.p.into(),
        })
    }))
}

/// `outcomes.csv`: P(cap hit) and P(end by each cause), with binomial standard errors.
pub fn outcomes(results: &[ScenarioResults]) -> Vec<u8> {
    let mut rows = Vec::new();
    for r in results {
        for t in &r.terms {
            let p = |outcome: String, p: &crate::stats::Proportion| OutcomeRow {
                scenario: &r.scenario,
                terms: &t.name,
                outcome,
                probability: p.p.into(),
                se: p.se.into(),
            };
            rows.push(p("cap_hit".to_string(), &t.cap_hit));
            for (c, prob) in EndCause::ALL.iter().zip(&t.end_by) {
                rows.push(p(format!("end_by_{}", c.name()), prob));
            }
        }
    }
    write(rows)
}

fn annual_rows<'a>(
    scenario: &'a str,
    terms: &'a str,
    quantity: &'a str,
    years: &'a [Annual],
) -> impl Iterator<Item = AnnualRow<'a>> {
    years.iter().map(move |a| AnnualRow {
        scenario,
        terms,
        year: a.year,
        quantity,
        mean: a.summary.mean.into(),
        p05: a.summary.quantile(0.05).into(),
        p25: a.summary.quantile(0.25).into(),
        p50: a.summary.quantile(0.5).into(),
        p75: a.summary.quantile(0.75).into(),
        p95: a.summary.quantile(0.95).into(),
    })
}

/// `annual.csv`: per calendar year, revenue (terms `-`) and each terms row's paid,
/// received and net, as accrued in that year.
pub fn annual(results: &[ScenarioResults]) -> Vec<u8> {
    let mut rows = Vec::new();
    for r in results {
        rows.extend(annual_rows(&r.scenario, NO_TERMS, "revenue", &r.annual_revenue));
        for t in &r.terms {
            for (q, years) in crate::engine::Flow::ALL.iter().zip(&t.annual) {
                rows.extend(annual_rows(&r.scenario, &t.name, q.name(), years));
            }
        }
    }
    write(rows)
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
}
