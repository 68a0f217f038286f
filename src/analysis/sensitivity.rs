//! What drives a metric across paths, and what makes a cap bind.
//!
//! For each uncertain input (see [`super::inputs::uncertain_inputs`]):
//!
//! - **Spearman's rank correlation** with the metric (average ranks for ties, so
//!   "never" = `inf` ranks above every date), with a 95% confidence interval from
//!   Fisher's z with the Fieller–Hartley–Pearson variance `1.06 / (n - 3)`;
//! - the **tornado**: the metric's mean over the paths whose input is in its
//!   lowest and in its highest decile (paths sorted by the input, ties in path order);
//! - the **share of variance explained**, first order, by binning: the correlation
//!   ratio `eta^2 = Var(E[metric | bin]) / Var(metric)` over 20 equal-count bins of
//!   the sorted input (or one bin per value when the input takes at most 20 values).
//!
//! Paths where the input is NaN (the realised growth of a one-month grid) are left out.
//!
//! **The mixture** ([`explain_pooled`]): the weighted scenarios' paths pooled into one
//! sample, each scenario simulated with a number of paths in proportion to its
//! weight (the caller's task), so that every path weighs the same in the mixture
//! (`w_j / (n_j W)` is then one over the paths) and the statistics above, unweighted,
//! are the mixture's. A scenario parameter that is a constant in each scenario but
//! differs between them is an input too: over the pooled paths it varies with the
//! scenario.

use super::inputs::{Explained, InputColumn, pooled_inputs, terms_inputs, uncertain_inputs};
use crate::choice::Choice;
use crate::engine::{PathTable, TermsField};
use crate::model::copula::Correlation;
use crate::model::{Scenario, Terms};
use crate::stats::quantiles;

/// Bins of the first-order variance share.
pub const VARIANCE_BINS: usize = 20;

/// How one input relates to the metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// The input's name.
    pub input: String,
    /// Paths used.
    pub n: usize,
    /// Spearman's rank correlation.
    pub rho: f64,
    /// Lower end of its 95% confidence interval.
    pub rho_lo: f64,
    /// Upper end of its 95% confidence interval.
    pub rho_hi: f64,
    /// Mean metric over the paths in the input's lowest decile.
    pub mean_low: f64,
    /// Mean metric over the paths in the input's highest decile.
    pub mean_high: f64,
    /// First-order share of the metric's variance explained by the input.
    pub variance_share: f64,
}

/// Indices of `values` in ascending order (ties in index order).
fn ascending(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    order
}

/// Average ranks (1-based) of `values` given their ascending `order`.
fn ranks_in_order(values: &[f64], order: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for k in &order[i..=j] {
            out[*k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Average ranks (1-based), ties sharing the mean of their positions.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    ranks_in_order(values, &ascending(values))
}

/// Pearson's correlation; `None` when either sample is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// The 95% interval of a Spearman rho from `n` pairs: Fisher's z with the
/// Fieller–Hartley–Pearson variance `1.06 / (n - 3)`.
fn fisher_interval(rho: f64, n: usize) -> (f64, f64) {
    if n < 4 {
        return (-1.0, 1.0);
    }
    let z = rho.clamp(-1.0 + 1e-15, 1.0 - 1e-15).atanh();
    let half = crate::stats::Z_95 * (1.06 / (n as f64 - 3.0)).sqrt();
    ((z - half).tanh(), (z + half).tanh())
}

/// Spearman's rho of `x` and `y` with its 95% confidence interval.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<(f64, f64, f64)> {
    let rho = pearson(&ranks(x), &ranks(y))?;
    let (lo, hi) = fisher_interval(rho, x.len());
    Some((rho, lo, hi))
}

/// The correlation ratio of `y` binned by `x`, whose ascending order is `order`.
fn variance_share(x: &[f64], y: &[f64], order: &[usize]) -> f64 {
    let n = x.len();
    let mut distinct: Vec<f64> = order.iter().map(|i| x[*i]).collect();
    distinct.dedup();
    let bin_of = |pos: usize, i: usize| -> usize {
        if distinct.len() <= VARIANCE_BINS {
            distinct.partition_point(|v| v.total_cmp(&x[i]).is_lt())
        } else {
            pos * VARIANCE_BINS / n
        }
    };
    let mean = y.iter().sum::<f64>() / n as f64;
    let total: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut sums = [0.0; VARIANCE_BINS];
    let mut counts = [0usize; VARIANCE_BINS];
    for (pos, i) in order.iter().enumerate() {
        let b = bin_of(pos, *i);
        sums[b] += y[*i];
        counts[b] += 1;
    }
    let between: f64 = sums
        .iter()
        .zip(&counts)
        .filter(|(_, c)| **c > 0)
        .map(|(s, c)| {
            let m = s / *c as f64;
            *c as f64 * (m - mean) * (m - mean)
        })
        .sum();
    (between / total).clamp(0.0, 1.0)
}

/// The sensitivity of `metric` to one input; `None` when the input or the metric
/// does not vary over the paths.
pub fn sensitivity(name: &str, input: &[f64], metric: &[f64]) -> Option<Sensitivity> {
    assess(name, input, metric, None)
}

/// [`sensitivity`], reusing the metric's ranks when no path has to be left out.
fn assess(name: &str, input: &[f64], metric: &[f64], metric_ranks: Option<&[f64]>) -> Option<Sensitivity> {
    let (x, y): (Vec<f64>, Vec<f64>) = input.iter().zip(metric).filter(|(a, b)| !a.is_nan() && !b.is_nan()).unzip();
    let n = x.len();
    // One sort of the input serves its ranks, its deciles and its bins.
    let order = ascending(&x);
    let ry = match metric_ranks {
        Some(r) if n == metric.len() => std::borrow::Cow::Borrowed(r),
        _ => std::borrow::Cow::Owned(ranks(&y)),
    };
    let rho = pearson(&ranks_in_order(&x, &order), &ry)?;
    let (rho_lo, rho_hi) = fisher_interval(rho, n);
    let decile = (n / 10).max(1);
    let mean_of = |idx: &[usize]| idx.iter().map(|i| y[*i]).sum::<f64>() / idx.len() as f64;
    Some(Sensitivity {
        input: name.to_string(),
        n,
        rho,
        rho_lo,
        rho_hi,
        mean_low: mean_of(&order[..decile]),
        mean_high: mean_of(&order[n - decile..]),
        variance_share: variance_share(&x, &y, &order),
    })
}

/// The sensitivities of `metric` to every input that varies, most influential
/// (largest |rho|) first.
pub fn rank_inputs(table: &PathTable, inputs: &[InputColumn], metric: &[f64]) -> Vec<Sensitivity> {
    rank_columns(&|j| table.column(j), inputs, metric)
}

/// [`rank_inputs`] with the path table's columns given by `column`.
fn rank_columns(column: &Columns<'_>, inputs: &[InputColumn], metric: &[f64]) -> Vec<Sensitivity> {
    use rayon::prelude::*;
    let metric_ranks = ranks(metric);
    let mut out: Vec<Sensitivity> =
        inputs.par_iter().filter_map(|c| assess(&c.name, &column(c.column), metric, Some(&metric_ranks))).collect();
    out.sort_by(|a, b| b.rho.abs().total_cmp(&a.rho.abs()).then_with(|| a.input.cmp(&b.input)));
    out
}

/// An input's mean and median among the paths where a cap bound and where it did not.
#[derive(Debug, Clone, PartialEq)]
pub struct CapCondition {
    /// The capped terms row.
    pub terms: String,
    /// The input.
    pub input: String,
    /// Paths where the cap bound.
    pub n_binds: usize,
    /// Mean of the input over them (`inf` if any is "never").
    pub mean_binds: f64,
    /// Median over them.
    pub median_binds: f64,
    /// Paths where it did not bind.
    pub n_not: usize,
    /// Mean over them.
    pub mean_not: f64,
    /// Median over them.
    pub median_not: f64,
}

fn mean_median(mut v: Vec<f64>) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    (mean, quantiles(&mut v, &[0.5])[0])
}

/// A column of paths by its index in the layout: one table's, or several pooled.
type Columns<'a> = dyn Fn(usize) -> Vec<f64> + Sync + 'a;

/// For capped row `t`: each input conditional on the cap binding and on it not binding.
pub fn cap_conditions(table: &PathTable, t: usize, terms: &str, inputs: &[InputColumn]) -> Vec<CapCondition> {
    cap_conditions_in(&|j| table.column(j), table.layout(), t, terms, inputs)
}

/// [`cap_conditions`] with the path table's columns given by `column`.
fn cap_conditions_in(
    column: &Columns<'_>,
    layout: crate::engine::Layout,
    t: usize,
    terms: &str,
    inputs: &[InputColumn],
) -> Vec<CapCondition> {
    let hit: Vec<bool> = column(layout.terms_field(t, TermsField::CapYear)).iter().map(|y| !y.is_nan()).collect();
    inputs
        .iter()
        .map(|c| {
            let values = column(c.column);
            let split = |want: bool| -> Vec<f64> {
                values.iter().zip(&hit).filter(|(v, h)| **h == want && !v.is_nan()).map(|(v, _)| *v).collect()
            };
            let (binds, not) = (split(true), split(false));
            let (n_binds, n_not) = (binds.len(), not.len());
            let ((mean_binds, median_binds), (mean_not, median_not)) = (mean_median(binds), mean_median(not));
            CapCondition {
                terms: terms.to_string(),
                input: c.name.clone(),
                n_binds,
                mean_binds,
                median_binds,
                n_not,
                mean_not,
                median_not,
            }
        })
        .collect()
}

/// Why an [`Explanation`] ranks no input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unranked {
    /// Fewer than two paths: nothing can vary.
    TooFewPaths(usize),
    /// No input takes more than one value over the paths.
    NothingVaries,
    /// Inputs vary, but the metric takes this one value on every path.
    ConstantMetric(f64),
    /// Inputs and the metric vary, but no input varies where the metric does
    /// (every path where one is defined has the same metric, say).
    NoAssociation,
}

/// Why nothing was ranked (`None` when something was): the paths, whether any
/// input varies (`column` gives an input's values), whether the metric does.
fn unranked(ranked: &[Sensitivity], metric: &[f64], inputs: &[InputColumn], column: &Columns<'_>) -> Option<Unranked> {
    if !ranked.is_empty() {
        return None;
    }
    let varies = |v: &[f64]| {
        let mut defined = v.iter().filter(|x| !x.is_nan());
        defined.next().is_some_and(|first| defined.any(|x| x != first))
    };
    Some(if metric.len() < 2 {
        Unranked::TooFewPaths(metric.len())
    } else if !inputs.iter().any(|c| varies(&column(c.column))) {
        Unranked::NothingVaries
    } else if !varies(metric) {
        Unranked::ConstantMetric(metric.iter().copied().find(|x| !x.is_nan()).unwrap_or(f64::NAN))
    } else {
        Unranked::NoAssociation
    })
}

/// What explains one metric over the paths of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// What is explained.
    pub explained: Explained,
    /// The terms row whose metric is explained.
    pub terms: usize,
    /// The baseline of a paired difference (the row itself otherwise).
    pub baseline: usize,
    /// The metric's mean over the paths.
    pub mean: f64,
    /// Every input that varies, most influential first.
    pub ranked: Vec<Sensitivity>,
    /// Why `ranked` is empty, when it is.
    pub unranked: Option<Unranked>,
    /// For every capped row, each input when its cap binds and when it does not.
    pub conditions: Vec<CapCondition>,
    /// The scenario's rank correlations between parameters (MODEL.md §7), empty when
    /// its parameters are independent: a correlated input's rank correlation with
    /// the metric then includes what its partners explain.
    pub correlations: Vec<Correlation>,
}

impl Explanation {
    /// The parameters `input` is correlated with, with the rank correlation asked
    /// for each pair (none for an input that is not a correlated parameter).
    pub fn partners(&self, input: &str) -> Vec<(&'static str, f64)> {
        self.correlations
            .iter()
            .filter_map(|c| match (c.a.name(), c.b.name()) {
                (a, b) if a == input => Some((b, c.rank)),
                (a, b) if b == input => Some((a, c.rank)),
                _ => None,
            })
            .collect()
    }
}

/// Explains `explained` of terms row `t` (against `baseline` for a paired
/// difference) over the paths of `table`: ranks every parameter of the scenario
/// and of the row that is a distribution (and of the baseline row, which a
/// difference also moves with) and the drawn path quantities, and conditions the
/// inputs on each cap binding.
pub fn explain(
    table: &PathTable,
    scenario: &Scenario,
    terms: &[Terms],
    explained: Explained,
    t: usize,
    baseline: usize,
) -> Explanation {
    let values = explained.values(table, t, baseline);
    let mut inputs = uncertain_inputs(scenario, terms, t, table);
    if explained.is_delta() {
        inputs.extend(terms_inputs(terms, baseline, table));
    }
    let ranked = rank_inputs(table, &inputs, &values);
    let unranked = unranked(&ranked, &values, &inputs, &|j| table.column(j));
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let mut conditions = Vec::new();
    for (c, row) in terms.iter().enumerate().filter(|(_, r)| r.cap().is_some()) {
        conditions.extend(cap_conditions(table, c, row.name(), &uncertain_inputs(scenario, terms, c, table)));
    }
    let correlations = scenario.copula().map_or_else(Vec::new, |c| c.pairs().to_vec());
    Explanation { explained, terms: t, baseline, mean, ranked, unranked, conditions, correlations }
}

/// [`explain`] over the pooled paths of several scenarios that share a layout (the
/// same terms, start and horizon): the mixture of the weighted rows when each was
/// simulated with paths in proportion to its weight, so that every path weighs the
/// same (see the module docs). `parts` are each scenario and its path table.
///
/// # Panics
/// If `parts` is empty or the tables' layouts differ: a programming error.
pub fn explain_pooled(
    parts: &[(&Scenario, &PathTable)],
    terms: &[Terms],
    explained: Explained,
    t: usize,
    baseline: usize,
) -> Explanation {
    let first = parts[0].1;
    assert!(parts.iter().all(|(_, p)| p.layout() == first.layout()), "pooled tables share a layout");
    let column = |j: usize| -> Vec<f64> { parts.iter().flat_map(|(_, p)| p.column(j)).collect() };
    let scenarios: Vec<&Scenario> = parts.iter().map(|(s, _)| *s).collect();
    let values: Vec<f64> = parts.iter().flat_map(|(_, p)| explained.values(p, t, baseline)).collect();
    let mut inputs = pooled_inputs(&scenarios, terms, t, first);
    if explained.is_delta() {
        inputs.extend(terms_inputs(terms, baseline, first));
    }
    let ranked = rank_columns(&column, &inputs, &values);
    let unranked = unranked(&ranked, &values, &inputs, &column);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let mut conditions = Vec::new();
    for (c, row) in terms.iter().enumerate().filter(|(_, r)| r.cap().is_some()) {
        let inputs = pooled_inputs(&scenarios, terms, c, first);
        conditions.extend(cap_conditions_in(&column, first.layout(), c, row.name(), &inputs));
    }
    // The pairs correlated in any of the pooled scenarios, each once.
    let mut correlations: Vec<crate::model::copula::Correlation> = Vec::new();
    for c in scenarios.iter().filter_map(|s| s.copula()).flat_map(|c| c.pairs()) {
        if !correlations.iter().any(|x| x.same_pair(c)) {
            correlations.push(*c);
        }
    }
    Explanation { explained, terms: t, baseline, mean, ranked, unranked, conditions, correlations }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties_and_put_infinity_last() {
        assert_eq!(ranks(&[3.0, 1.0, f64::INFINITY, 1.0]), vec![3.0, 1.5, 4.0, 1.5]);
    }

    #[test]
    fn spearman_is_one_for_any_increasing_transform_and_its_interval_shrinks_with_n() {
        let x: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let y: Vec<f64> = x.iter().map(|v| (v / 100.0).exp()).collect();
        let (rho, lo, hi) = spearman(&x, &y).unwrap();
        assert_eq!(rho, 1.0);
        assert!(lo > 0.999 && hi > 0.999_999 && hi <= 1.0, "{lo} {hi}");
        let neg: Vec<f64> = x.iter().map(|v| -v * v).collect();
        assert_eq!(spearman(&x, &neg).unwrap().0, -1.0);
        assert!(spearman(&x, &vec![1.0; 1000]).is_none());
        // A textbook value: ranks (1,2,3,4,5) against (2,1,4,3,5) give rho = 0.8.
        let r = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]).unwrap().0;
        assert!((r - 0.8).abs() < 1e-12);
    }

    #[test]
    fn the_tornado_and_variance_share_follow_the_input() {
        // y = x for x in 0..1000: lowest decile mean 49.5, highest 949.5; x explains almost all.
        let x: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64).collect();
        let s = sensitivity("x", &x, &x).unwrap();
        assert_eq!((s.mean_low, s.mean_high), (49.5, 949.5));
        assert!(s.variance_share > 0.99, "{}", s.variance_share);
        // A two-valued input explains exactly the between-group variance.
        let g: Vec<f64> = (0..1000).map(|i| (i % 2) as f64).collect();
        let y: Vec<f64> = (0..1000).map(|i| (i % 2) as f64 * 2.0 + if i % 4 < 2 { 1.0 } else { -1.0 }).collect();
        let s = sensitivity("g", &g, &y).unwrap();
        assert!((s.variance_share - 0.5).abs() < 1e-12, "{}", s.variance_share);
    }
}
