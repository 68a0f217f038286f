//! The `mixture` pseudo-scenario (MODEL.md §5, "Mixture"): the scenario rows with
//! a `weight` > 0 combined into one, in which a path of scenario `j` weighs
//! `w_j / (n_j W)`, `W` the sum of the weights.
//!
//! [`combine`] builds it as one more [`ScenarioResults`], so that every output
//! file, the terminal table and the report carry it like a scenario, from each
//! weighted scenario's results and the distributions it kept
//! ([`ScenarioResults::distributions`]), with the statistics of
//! [`crate::stats::mixture`]: means, standard errors, standard deviations of the
//! weighted distribution, probabilities as weighted means, and quantiles as the
//! smallest value whose weighted CDF reaches the level (no interpolation), found by
//! bisection. Every summary of the scenarios is combined so:
//!
//! - the money metrics, the end year, the total and per-period revenue, the flows
//!   per period and the cumulative paid, and every paired difference (against the
//!   baseline and against each reading), with the weights `w_j`;
//! - the probabilities of `outcomes.csv` and the probability a paired difference is
//!   positive, as weighted means;
//! - the year the cap binds, which is summarised over the paths where it bound:
//!   scenario `j`'s part of those paths weighs `w_j p_j`, `p_j` its share of paths
//!   where the cap bound (the mixture's own probability that a path is one of them
//!   is `sum w_j p_j / W`). Its standard error is `sqrt(sum b_j^2 se_j^2)` with
//!   `b_j = w_j p_j / sum w_k p_k`, treating the `p_j` as known: it leaves out the
//!   (small) uncertainty of the shares themselves;
//! - the curves: the PV CDF from the mixture's quantile function, the histograms as
//!   weighted sums of the scenarios' fractions over ranges from the mixture's 0.5%
//!   and 99.5% quantiles, the cap survival and ended-by curves as weighted means on
//!   the common monthly grid.
//!
//! The weighted rows share `start` and `horizon` (the scenario file is refused
//! otherwise), so they share the periods and the grid of the curves.
//!
//! **Memory.** A weighted scenario's distributions are held until every scenario
//! has run: each series' values, sorted, up to
//! [`crate::stats::mixture::EXACT_VALUES`] values (160 kB; a per-period quantity,
//! that many over its periods), otherwise a sketch (2 bytes a bucket, tens of kB).
//! So a run holds, until the end, about what each weighted scenario's statistics
//! take while it runs.

use crate::choice::Choice;
use crate::engine::{Flow, Metric};
use crate::model::Scenario;
use crate::model::contract::EndCause;
use crate::results::{
    Annual, CDF_POINTS, Curve, CurveKind, CurvePoint, Delta, Distributions, HISTOGRAM_BINS, QuantileMethod,
    ScenarioResults, TAILS, TermsResults,
};
use crate::stats::mixture::{Finished, Part, histogram, proportion, quantiles, summary};
use crate::stats::{Proportion, Summary, histogram_range};

pub use crate::model::scenario::MIXTURE;

/// One weighted scenario.
struct Component<'a> {
    weight: f64,
    results: &'a ScenarioResults,
    dists: &'a Distributions,
    /// Its paired differences' distributions, flattened in the order of its deltas.
    deltas: Vec<&'a Finished>,
}

/// A summary with no value (never reported: every scenario has paths).
fn empty() -> Summary {
    Summary { n: 0, mean: f64::NAN, sd: None, se: None, min: f64::NAN, max: f64::NAN, quantiles: [f64::NAN; 9] }
}

/// The mixture of one series of every component, `get` giving its summary and
/// distribution.
fn mix<'a>(parts: &[Component<'a>], get: impl Fn(&Component<'a>) -> (&'a Summary, &'a Finished)) -> Summary {
    let parts: Vec<Part<'a>> = parts
        .iter()
        .map(|c| {
            let (summary, dist) = get(c);
            Part { weight: c.weight, summary, dist }
        })
        .collect();
    summary(&parts).unwrap_or_else(empty)
}

/// The mixture of a per-period series.
fn annual<'a>(parts: &[Component<'a>], get: impl Fn(&Component<'a>) -> (&'a [Annual], &'a [Finished])) -> Vec<Annual> {
    let periods = get(&parts[0]).0;
    (0..periods.len())
        .map(|y| Annual {
            period: periods[y].period.clone(),
            summary: mix(parts, |c| {
                let (a, d) = get(c);
                (&a[y].summary, &d[y])
            }),
        })
        .collect()
}

/// The weights of `parts` normalised to sum to 1.
fn shares(parts: &[Component<'_>]) -> Vec<f64> {
    let total: f64 = parts.iter().map(|c| c.weight).sum();
    parts.iter().map(|c| c.weight / total).collect()
}

/// The rows of `scenarios` with a weight whose results (in `results`, by name)
/// kept their distributions, combined into the `mixture` pseudo-scenario; `None`
/// when there are none. The weighted rows must share `start` and `horizon`, as
/// [`crate::input::read_scenarios`] checks.
pub fn combine(scenarios: &[Scenario], results: &[ScenarioResults]) -> Option<ScenarioResults> {
    let parts: Vec<Component> = scenarios
        .iter()
        .filter(|s| s.weight() > 0.0)
        .filter_map(|s| {
            let results = results.iter().find(|r| r.scenario == s.name())?;
            let dists = results.distributions.as_deref()?;
            let deltas = dists.terms.iter().flat_map(|t| t.deltas.iter()).collect();
            Some(Component { weight: s.weight(), results, dists, deltas })
        })
        .collect();
    let first = parts.first()?.results;
    let terms: Vec<TermsResults> = (0..first.terms.len()).map(|t| terms_row(&parts, t)).collect();
    let deltas: Vec<Delta> = first
        .deltas
        .iter()
        .enumerate()
        .map(|(k, d)| Delta {
            terms: d.terms.clone(),
            baseline: d.baseline.clone(),
            metric: d.metric,
            summary: mix(&parts, |c| (&c.results.deltas[k].summary, c.deltas[k])),
            prob_positive: proportion(parts.iter().map(|c| (c.weight, c.results.deltas[k].prob_positive))),
        })
        .collect();
    let curves = first.curves.iter().map(|c| curve(&parts, &terms, c)).collect();
    Some(ScenarioResults {
        scenario: MIXTURE.to_string(),
        paths: parts.iter().map(|c| c.results.paths).sum(),
        revenue: mix(&parts, |c| (&c.results.revenue, &c.dists.revenue)),
        annual_revenue: annual(&parts, |c| (&c.results.annual_revenue, &c.dists.annual_revenue)),
        terms,
        baseline: first.baseline,
        deltas,
        curves,
        quantiles: method(&parts),
        overflow: None,
        distributions: None,
    })
}

/// The mixture of terms row `t`.
fn terms_row<'a>(parts: &[Component<'a>], t: usize) -> TermsResults {
    let row = |c: &Component<'a>| -> &'a TermsResults { &c.results.terms[t] };
    let first = row(&parts[0]);
    // The cap year is over the paths where the cap bound: scenario j's part weighs
    // w_j times its share of such paths.
    let cap_parts: Vec<Part> = parts
        .iter()
        .filter_map(|c| {
            let s = row(c).cap_year.as_ref()?;
            let weight = c.weight * s.n as f64 / c.results.paths as f64;
            Some(Part { weight, summary: s, dist: &c.dists.terms[t].cap_year })
        })
        .collect();
    let by_weight = |get: &dyn Fn(&Component<'a>) -> Proportion| proportion(parts.iter().map(|c| (c.weight, get(c))));
    TermsResults {
        name: first.name.clone(),
        metrics: (0..Metric::ALL.len())
            .map(|m| mix(parts, |c| (&c.results.terms[t].metrics[m], &c.dists.terms[t].metrics[m])))
            .collect(),
        cap_year: summary(&cap_parts),
        cap_hit: first.cap_hit.map(|_| by_weight(&|c| row(c).cap_hit.unwrap_or(Proportion { p: 0.0, se: 0.0 }))),
        end_by: (0..EndCause::ALL.len()).map(|k| by_weight(&|c| row(c).end_by[k])).collect(),
        annual: (0..Flow::ALL.len())
            .map(|q| annual(parts, |c| (&c.results.terms[t].annual[q], &c.dists.terms[t].annual[q])))
            .collect(),
        cum_paid: annual(parts, |c| (&c.results.terms[t].cum_paid, &c.dists.terms[t].cum_paid)),
    }
}

/// The mixture's version of `like`, a curve of the first weighted scenario.
fn curve<'a>(parts: &[Component<'a>], terms: &[TermsResults], like: &Curve) -> Curve {
    let t = terms.iter().position(|r| r.name == like.terms).expect("a curve's terms row is a terms row");
    let pv = |c: &Component<'a>| -> &'a Finished { &c.dists.terms[t].metrics[Metric::Pv as usize] };
    let weighted = |get: &dyn Fn(&Component<'a>) -> &'a Finished| -> std::vec::IntoIter<(f64, &'a Finished)> {
        parts.iter().map(|c| (c.weight, get(c))).collect::<Vec<_>>().into_iter()
    };
    let bars = |get: &dyn Fn(&Component<'a>) -> &'a Finished, (lo, hi): (f64, f64)| {
        let width = (hi - lo) / HISTOGRAM_BINS as f64;
        histogram(weighted(get), lo, hi, HISTOGRAM_BINS)
            .into_iter()
            .enumerate()
            .map(|(i, y)| CurvePoint { x: lo + i as f64 * width, x_end: Some(lo + (i + 1) as f64 * width), y })
            .collect()
    };
    let tails = |get: &dyn Fn(&Component<'a>) -> &'a Finished| quantiles(weighted(get), &TAILS);
    let points = match like.kind {
        CurveKind::PvCdf => {
            let levels: Vec<f64> = (0..CDF_POINTS).map(|i| i as f64 / (CDF_POINTS - 1) as f64).collect();
            let mut q = quantiles(weighted(&pv), &levels);
            // The ends are the least and greatest PV, exactly.
            let s = terms[t].metric(Metric::Pv);
            (q[0], q[CDF_POINTS - 1]) = (s.min, s.max);
            q.into_iter().zip(levels).map(|(x, y)| CurvePoint { x, x_end: None, y }).collect()
        }
        CurveKind::PvHist => {
            // One range for every row's PV, as in each scenario.
            let ends: Vec<f64> = (0..terms.len())
                .flat_map(|r| {
                    tails(&|c: &Component<'a>| -> &'a Finished { &c.dists.terms[r].metrics[Metric::Pv as usize] })
                })
                .collect();
            bars(&pv, histogram_range(ends.into_iter()))
        }
        CurveKind::DeltaPvHist => {
            // The row's second difference is its PV against the baseline.
            let d_pv = |c: &Component<'a>| -> &'a Finished { &c.dists.terms[t].deltas[1] };
            bars(&d_pv, histogram_range(tails(&d_pv).into_iter()))
        }
        CurveKind::CapSurvival | CurveKind::EndedBy(_) => {
            let a = shares(parts);
            let mut points = like.points.clone();
            points.iter_mut().for_each(|p| p.y = 0.0);
            for (c, a) in parts.iter().zip(a) {
                let same = c.results.curves.iter().find(|x| x.terms == like.terms && x.kind == like.kind);
                for (p, q) in points.iter_mut().zip(same.map(|x| x.points.as_slice()).unwrap_or_default()) {
                    p.y += a * q.y;
                }
            }
            points
        }
    };
    Curve { terms: like.terms.clone(), kind: like.kind, points }
}

/// How the mixture's quantiles were computed: exact when every weighted
/// scenario's series handed over its values.
fn method(parts: &[Component<'_>]) -> QuantileMethod {
    let first = parts[0].results;
    let baseline = &first.terms[first.baseline].name;
    let mut main: Vec<&Finished> = Vec::new();
    let mut annual: Vec<&Finished> = Vec::new();
    let mut readings: Vec<&Finished> = Vec::new();
    for c in parts {
        let d = c.dists;
        main.push(&d.revenue);
        annual.extend(&d.annual_revenue);
        for t in &d.terms {
            main.extend(t.metrics.iter().chain([&t.cap_year]));
            annual.extend(t.annual.iter().flatten().chain(&t.cum_paid));
        }
        for (delta, dist) in c.results.deltas.iter().zip(&c.deltas) {
            if delta.baseline == *baseline { main.push(dist) } else { readings.push(dist) }
        }
    }
    let error = |v: &[&Finished]| v.iter().map(|d| d.relative_error()).fold(0.0, f64::max);
    QuantileMethod {
        main_exact: main.iter().all(|d| d.is_exact()),
        annual_exact: annual.iter().all(|d| d.is_exact()),
        readings_error: error(&readings),
        sketch_error: error(&main).max(error(&annual)),
    }
}

/// The manifest's note on the mixture's quantiles.
pub fn quantile_note(mixture: &ScenarioResults) -> String {
    let q = mixture.quantiles;
    let from = if q.main_exact && q.annual_exact {
        "from every value of the weighted scenarios".to_string()
    } else {
        format!(
            "from the weighted scenarios' values while a series has at most {} of them (a per-period quantity, that \
             many over its periods), otherwise from a sketch within a relative {:e}",
            crate::stats::mixture::EXACT_VALUES,
            q.sketch_error
        )
    };
    format!(
        "; the `{MIXTURE}` rows' quantiles are the smallest value whose weighted P(X <= x) reaches the level (no \
         interpolation), {from}"
    )
}
