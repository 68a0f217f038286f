//! From a [`PathTable`] to the results users read: summaries per metric, outcome
//! probabilities, annual fans and paired differences against the baseline.

use crate::choice::Choice;
use crate::engine::{Flow, Layout, Metric, PathTable, TermsField};
use crate::model::Terms;
use crate::model::contract::EndCause;
use crate::stats::{Proportion, Summary};
use rayon::prelude::*;

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
    /// Summaries of every [`Metric`], in [`Metric::ALL`] order.
    pub metrics: Vec<Summary>,
    /// Calendar year of the cap hit over the paths where it bound.
    pub cap_year: Option<Summary>,
    /// P(the cap binds before the horizon); `None` for a row with no cap.
    pub cap_hit: Option<Proportion>,
    /// P(the flows end by each cause), in [`EndCause::ALL`] order.
    pub end_by: Vec<Proportion>,
    /// Annual paid, received and net (in [`Flow::ALL`] order).
    pub annual: Vec<Vec<Annual>>,
    /// Cumulative paid to Microsoft by the end of each calendar year.
    pub cum_paid: Vec<Annual>,
}

impl TermsResults {
    /// The summary of `metric`.
    pub fn metric(&self, metric: Metric) -> &Summary {
        &self.metrics[metric as usize]
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
    /// [`Metric::Net`] or [`Metric::Pv`].
    pub metric: Metric,
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
    /// Curves for the charts.
    pub curves: Vec<Curve>,
}

/// Bins of the PV and paired-difference histograms.
pub const HISTOGRAM_BINS: usize = 40;

/// Levels of the PV quantile function drawn as a CDF: 0, 0.01, ..., 1.
pub const CDF_POINTS: usize = 101;

/// Which curve of the report a [`Curve`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurveKind {
    /// The quantile function of the PV, drawn as a CDF.
    PvCdf,
    /// The histogram of the PV.
    PvHist,
    /// The histogram of the PV minus the baseline's.
    DeltaPvHist,
    /// P(the cap not reached by a date).
    CapSurvival,
    /// P(ended by a date, with this cause).
    EndedBy(EndCause),
}

impl Choice for CurveKind {
    const ALL: &'static [CurveKind] = &[
        CurveKind::PvCdf,
        CurveKind::PvHist,
        CurveKind::DeltaPvHist,
        CurveKind::CapSurvival,
        CurveKind::EndedBy(EndCause::Cap),
        CurveKind::EndedBy(EndCause::Cutoff),
        CurveKind::EndedBy(EndCause::Trigger),
        CurveKind::EndedBy(EndCause::Failure),
        CurveKind::EndedBy(EndCause::Horizon),
    ];

    /// The name in `curves.csv`.
    fn name(self) -> &'static str {
        match self {
            CurveKind::PvCdf => "pv_cdf",
            CurveKind::PvHist => "pv_hist",
            CurveKind::DeltaPvHist => "delta_pv_hist",
            CurveKind::CapSurvival => "cap_survival",
            CurveKind::EndedBy(EndCause::Cap) => "ended_by_cap",
            CurveKind::EndedBy(EndCause::Cutoff) => "ended_by_cutoff",
            CurveKind::EndedBy(EndCause::Trigger) => "ended_by_trigger",
            CurveKind::EndedBy(EndCause::Failure) => "ended_by_failure",
            CurveKind::EndedBy(EndCause::Horizon) => "ended_by_horizon",
        }
    }
}

/// An outcome whose probability `outcomes.csv` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The cap binds before the horizon.
    CapHit,
    /// The flows end with this cause.
    EndBy(EndCause),
}

impl Choice for Outcome {
    const ALL: &'static [Outcome] = &[
        Outcome::CapHit,
        Outcome::EndBy(EndCause::Cap),
        Outcome::EndBy(EndCause::Cutoff),
        Outcome::EndBy(EndCause::Trigger),
        Outcome::EndBy(EndCause::Failure),
        Outcome::EndBy(EndCause::Horizon),
    ];

    /// The name in `outcomes.csv`.
    fn name(self) -> &'static str {
        match self {
            Outcome::CapHit => "cap_hit",
            Outcome::EndBy(EndCause::Cap) => "end_by_cap",
            Outcome::EndBy(EndCause::Cutoff) => "end_by_cutoff",
            Outcome::EndBy(EndCause::Trigger) => "end_by_trigger",
            Outcome::EndBy(EndCause::Failure) => "end_by_failure",
            Outcome::EndBy(EndCause::Horizon) => "end_by_horizon",
        }
    }
}

/// A quantity `annual.csv` gives per calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// OpenAI's revenue earned in the year (terms [`NO_TERMS`]).
    Revenue,
    /// A terms row's flow accrued in the year.
    Flow(Flow),
    /// A terms row's total paid by the end of the year.
    CumPaid,
}

impl Choice for Quantity {
    const ALL: &'static [Quantity] = &[
        Quantity::Revenue,
        Quantity::Flow(Flow::Paid),
        Quantity::Flow(Flow::Received),
        Quantity::Flow(Flow::Net),
        Quantity::CumPaid,
    ];

    /// The name in `annual.csv`.
    fn name(self) -> &'static str {
        match self {
            Quantity::Revenue => "revenue",
            Quantity::Flow(f) => f.name(),
            Quantity::CumPaid => "cum_paid",
        }
    }
}

/// The terms column of the rows that belong to a scenario, not a terms row (revenue).
pub const NO_TERMS: &str = "-";

/// One point of a curve, or one histogram bin `[x, x_end)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Abscissa (bin start for a histogram).
    pub x: f64,
    /// Bin end, for a histogram.
    pub x_end: Option<f64>,
    /// Ordinate: a probability or a fraction of paths.
    pub y: f64,
}

/// A curve of the report, computed from the paths so that the report can be
/// drawn again from the output files alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Terms row.
    pub terms: String,
    /// Which curve.
    pub kind: CurveKind,
    /// The points, in increasing `x`.
    pub points: Vec<CurvePoint>,
}

fn line(terms: &str, kind: CurveKind, points: impl Iterator<Item = (f64, f64)>) -> Curve {
    Curve { terms: terms.to_string(), kind, points: points.map(|(x, y)| CurvePoint { x, x_end: None, y }).collect() }
}

fn bars(terms: &str, kind: CurveKind, values: &[f64], (lo, hi): (f64, f64)) -> Curve {
    let width = (hi - lo) / HISTOGRAM_BINS as f64;
    let h = crate::stats::histogram(values, lo, hi, HISTOGRAM_BINS);
    let points = h
        .iter()
        .enumerate()
        .map(|(i, y)| CurvePoint { x: lo + i as f64 * width, x_end: Some(lo + (i + 1) as f64 * width), y: *y })
        .collect();
    Curve { terms: terms.to_string(), kind, points }
}

/// Histogram range covering the samples from their lowest 0.5% to their highest
/// 0.5% quantile, so that a long tail does not squash the body; the paths beyond
/// are counted in the edge bins.
fn tail_range(samples: &[Vec<f64>]) -> (f64, f64) {
    let ends =
        samples.iter().filter(|s| !s.is_empty()).flat_map(|s| crate::stats::quantiles(&mut s.clone(), &[0.005, 0.995]));
    crate::stats::histogram_range(ends)
}

/// The calendar years of the cap hits of terms row `t`, over the paths where it bound.
fn cap_hits(table: &PathTable, t: usize) -> Vec<f64> {
    table.column(table.layout().terms_field(t, TermsField::CapYear)).into_iter().filter(|y| !y.is_nan()).collect()
}

/// Share of `sorted` at or below each date of the monthly grid.
fn by_date(sorted: &[f64], n: usize, grid: &[f64]) -> Vec<(f64, f64)> {
    grid.iter().map(|x| (*x, sorted.partition_point(|v| v <= x) as f64 / n as f64)).collect()
}

fn curves(terms: &[Terms], baseline: usize, table: &PathTable) -> Vec<Curve> {
    let l = table.layout();
    let n = table.paths();
    let grid: Vec<f64> = (0..=table.months()).map(|k| table.start_year() + k as f64 / 12.0).collect();
    let pv: Vec<Vec<f64>> = (0..terms.len()).map(|t| table.column(l.terms_field(t, TermsField::Pv))).collect();
    let range = tail_range(&pv);
    // Each terms row's curves are independent: computed in parallel, collected in order.
    let per_terms: Vec<Vec<Curve>> = terms
        .par_iter()
        .enumerate()
        .map(|(t, row)| {
            let mut out = Vec::new();
            let name = row.name();
            let levels: Vec<f64> = (0..CDF_POINTS).map(|i| i as f64 / (CDF_POINTS - 1) as f64).collect();
            let q = crate::stats::quantiles(&mut pv[t].clone(), &levels);
            out.push(line(name, CurveKind::PvCdf, q.into_iter().zip(levels)));
            out.push(bars(name, CurveKind::PvHist, &pv[t], range));
            if t != baseline {
                let d: Vec<f64> = pv[t].iter().zip(&pv[baseline]).map(|(a, b)| a - b).collect();
                let range = tail_range(std::slice::from_ref(&d));
                out.push(bars(name, CurveKind::DeltaPvHist, &d, range));
            }
            if row.cap().is_some() {
                let mut hits = cap_hits(table, t);
                hits.sort_unstable_by(f64::total_cmp);
                out.push(line(
                    name,
                    CurveKind::CapSurvival,
                    by_date(&hits, n, &grid).into_iter().map(|(x, p)| (x, 1.0 - p)),
                ));
            }
            let ends = table.column(l.terms_field(t, TermsField::EndYear));
            let causes = table.column(l.terms_field(t, TermsField::Cause));
            for &cause in EndCause::ALL {
                let mut at: Vec<f64> = ends
                    .iter()
                    .zip(&causes)
                    .filter(|(_, c)| EndCause::from_code(**c) == cause)
                    .map(|(e, _)| *e)
                    .collect();
                at.sort_unstable_by(f64::total_cmp);
                out.push(line(name, CurveKind::EndedBy(cause), by_date(&at, n, &grid).into_iter()));
            }
            out
        })
        .collect();
    per_terms.concat()
}

/// Cumulative paid by the end of each year, per path.
fn cumulative_paid(table: &PathTable, t: usize) -> Vec<Annual> {
    let l = table.layout();
    let mut cum = vec![0.0; table.paths()];
    let columns: Vec<Vec<f64>> = (0..table.years().len())
        .map(|y| {
            for (c, p) in cum.iter_mut().zip(table.column(l.terms_annual(t, Flow::Paid, y))) {
                *c += p;
            }
            cum.clone()
        })
        .collect();
    let summaries: Vec<Summary> = columns.into_par_iter().map(summarize).collect();
    table.years().iter().zip(summaries).map(|(year, summary)| Annual { year: *year, summary }).collect()
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
    let cols: Vec<usize> = (0..table.years().len()).map(index).collect();
    table.years().iter().zip(summaries(table, &cols)).map(|(year, summary)| Annual { year: *year, summary }).collect()
}

impl ScenarioResults {
    /// Computes the results of `table` (at least one path).
    pub fn compute(scenario: &str, terms: &[Terms], baseline: usize, table: &PathTable) -> ScenarioResults {
        let l: Layout = table.layout();
        let n = table.paths();
        let terms_results = terms
            .iter()
            .enumerate()
            .map(|(t, row)| {
                let causes = table.column(l.terms_field(t, TermsField::Cause));
                let cap_years = cap_hits(table, t);
                let fields: Vec<usize> = Metric::ALL.iter().map(|m| l.terms_field(t, m.field())).collect();
                TermsResults {
                    name: row.name().to_string(),
                    metrics: summaries(table, &fields),
                    cap_hit: row.cap().map(|_| Proportion::of(cap_years.len(), n)),
                    cap_year: Summary::of(cap_years),
                    end_by: EndCause::ALL
                        .iter()
                        .map(|c| Proportion::of(causes.iter().filter(|x| EndCause::from_code(**x) == *c).count(), n))
                        .collect(),
                    annual: Flow::ALL.iter().map(|q| annual(table, |y| l.terms_annual(t, *q, y))).collect(),
                    cum_paid: cumulative_paid(table, t),
                }
            })
            .collect();
        let mut deltas = Vec::new();
        for t in (0..terms.len()).filter(|t| *t != baseline) {
            for metric in [Metric::Net, Metric::Pv] {
                let a = table.column(l.terms_field(t, metric.field()));
                let b = table.column(l.terms_field(baseline, metric.field()));
                let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
                let positive = d.iter().filter(|x| **x > 0.0).count();
                deltas.push(Delta {
                    terms: terms[t].name().to_string(),
                    baseline: terms[baseline].name().to_string(),
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
            curves: curves(terms, baseline, table),
        }
    }

    /// The paired difference of `metric` for terms row `name`, if it is not the baseline.
    pub fn delta(&self, name: &str, metric: Metric) -> Option<&Delta> {
        self.deltas.iter().find(|d| d.terms == name && d.metric == metric)
    }
}
