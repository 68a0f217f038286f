//! From a [`PathTable`] to the results users read: summaries per metric, outcome
//! probabilities, annual fans and paired differences against the baseline.

use crate::engine::{Flow, Layout, PathTable, TermsField};
use crate::input::Terms;
use crate::model::contract::EndCause;
use crate::stats::{Proportion, Summary};
use rayon::prelude::*;

/// Per-terms metrics of `summary.csv`, in output order.
pub const METRICS: [(&str, TermsField); 5] = [
    ("paid", TermsField::Paid),
    ("received", TermsField::Received),
    ("net", TermsField::Net),
    ("pv", TermsField::Pv),
    ("end_year", TermsField::EndYear),
];

/// One calendar year of an annual quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Annual {
    /// Calendar year.
    pub year: i32,
    /// Distribution of the quantity in that year.
    pub summary: Summary,
}

/// The results of one terms row.
#[derive(Debug, Clone, PartialEq)]
pub struct TermsResults {
    /// Terms row name.
    pub name: String,
    /// Whether the row has a cap.
    pub capped: bool,
    /// Summaries of [`METRICS`], in that order.
    pub metrics: Vec<Summary>,
    /// Calendar year of the cap hit over the paths where it bound.
    pub cap_year: Option<Summary>,
    /// P(the cap binds before the horizon).
    pub cap_hit: Proportion,
    /// P(the flows end by each cause), in [`EndCause::ALL`] order.
    pub end_by: Vec<Proportion>,
    /// Annual paid, received and net (in [`Flow::ALL`] order).
    pub annual: Vec<Vec<Annual>>,
}

impl TermsResults {
    /// The summary of metric `name` (one of [`METRICS`]).
    pub fn metric(&self, name: &str) -> &Summary {
        let i = METRICS.iter().position(|(n, _)| *n == name).expect("a known metric");
        &self.metrics[i]
    }

    /// The most likely end cause and its probability.
    pub fn likeliest_end(&self) -> (EndCause, Proportion) {
        let mut best = 0;
        for (i, p) in self.end_by.iter().enumerate() {
            if p.p > self.end_by[best].p {
                best = i;
            }
        }
        (EndCause::ALL[best], self.end_by[best])
    }
}

/// A paired difference `metric(terms) - metric(baseline)` over paths.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    /// Terms row.
    pub terms: String,
    /// Baseline row.
    pub baseline: String,
    /// `net` or `pv`.
    pub metric: &'static str,
    /// Distribution of the per-path differences.
    pub summary: Summary,
    /// P(difference > 0): the terms pay Microsoft more than the baseline.
    pub prob_positive: Proportion,
}

/// Everything reported for one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioResults {
    /// Scenario name.
    pub scenario: String,
    /// Number of paths.
    pub paths: usize,
    /// Total revenue over the horizon.
    pub revenue: Summary,
    /// Annual revenue.
    pub annual_revenue: Vec<Annual>,
    /// Per terms row, in file order.
    pub terms: Vec<TermsResults>,
    /// Index of the baseline in `terms`.
    pub baseline: usize,
    /// Paired differences of each non-baseline row: `net` then `pv`.
    pub deltas: Vec<Delta>,
}

fn summarize(values: Vec<f64>) -> Summary {
    Summary::of(values).expect("at least one path")
}

/// Summaries of the given columns, computed in parallel; each is a function of its
/// column alone, so the result does not depend on the threads.
fn summaries(table: &PathTable, columns: &[usize]) -> Vec<Summary> {
    columns.par_iter().map(|j| summarize(table.column(*j))).collect()
}

fn annual(table: &PathTable, index: impl Fn(usize) -> usize) -> Vec<Annual> {
    let cols: Vec<usize> = (0..table.years.len()).map(index).collect();
    table.years.iter().zip(summaries(table, &cols)).map(|(year, summary)| Annual { year: *year, summary }).collect()
}

impl ScenarioResults {
    /// Computes the results of `table` (at least one path).
    pub fn compute(scenario: &str, terms: &[Terms], baseline: usize, table: &PathTable) -> ScenarioResults {
        let l: Layout = table.layout;
        let n = table.paths;
        let terms_results = terms
            .iter()
            .enumerate()
            .map(|(t, row)| {
                let causes = table.column(l.terms_field(t, TermsField::Cause));
                let cap_years: Vec<f64> =
                    table.column(l.terms_field(t, TermsField::CapYear)).into_iter().filter(|y| !y.is_nan()).collect();
                TermsResults {
                    name: row.name.clone(),
                    capped: row.has_cap(),
                    metrics: summaries(table, &METRICS.map(|(_, f)| l.terms_field(t, f))),
                    cap_hit: Proportion::of(cap_years.len(), n),
                    cap_year: Summary::of(cap_years),
                    end_by: EndCause::ALL
                        .iter()
                        .map(|c| Proportion::of(causes.iter().filter(|x| EndCause::from_code(**x) == *c).count(), n))
                        .collect(),
                    annual: Flow::ALL.iter().map(|q| annual(table, |y| l.terms_annual(t, *q, y))).collect(),
                }
            })
            .collect();
        let mut deltas = Vec::new();
        for t in (0..terms.len()).filter(|t| *t != baseline) {
            for (metric, field) in [("net", TermsField::Net), ("pv", TermsField::Pv)] {
                let a = table.column(l.terms_field(t, field));
                let b = table.column(l.terms_field(baseline, field));
                let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
                let positive = d.iter().filter(|x| **x > 0.0).count();
                deltas.push(Delta {
                    terms: terms[t].name.clone(),
                    baseline: terms[baseline].name.clone(),
                    metric,
                    summary: summarize(d),
                    prob_positive: Proportion::of(positive, n),
                });
            }
        }
        ScenarioResults {
            scenario: scenario.to_string(),
            paths: n,
            revenue: summarize(table.column(Layout::REVENUE_TOTAL)),
            annual_revenue: annual(table, |y| l.revenue_year(y)),
            terms: terms_results,
            baseline,
            deltas,
        }
    }

    /// The paired difference of `metric` for terms row `name`, if it is not the baseline.
    pub fn delta(&self, name: &str, metric: &str) -> Option<&Delta> {
        self.deltas.iter().find(|d| d.terms == name && d.metric == metric)
    }
}
