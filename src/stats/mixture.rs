//! Statistics of a mixture of samples (MODEL.md §5, "Mixture").
//!
//! In a mixture of samples `j` with weights `a_j` (summing to 1), each value of
//! sample `j` (of `n_j`) weighs `a_j / n_j`. From each sample's [`Summary`] and
//! its [`Finished`] distribution:
//!
//! - the mean is `sum a_j m_j`, and its standard error `sqrt(sum a_j^2 se_j^2)`
//!   (the samples are independent);
//! - the standard deviation is that of the weighted distribution,
//!   `sqrt(sum a_j (v_j + (m_j - m)^2))`, with `v_j` the variance with divisor `n_j`;
//! - a quantile `q_p` is the smallest value `x` with `F(x) >= p`, where
//!   `F(x) = sum a_j #{values of j <= x} / n_j` is the weighted CDF (no
//!   interpolation), found by bisection on the bits of `x`: the answer is one of
//!   the values, exactly, when every sample kept its values; from a sketch, it is
//!   a bucket's representative, within the sketch's relative bound. Level 0 is the
//!   least value and level 1 the greatest. A relative slack of `1e-12` on `p`
//!   keeps a level that the weights reach exactly (weights 1, 2, 1 and `p = 0.25`)
//!   from being missed by the rounding of the sum;
//! - a probability is `sum a_j p_j`, with the standard error `sqrt(sum a_j^2 se_j^2)`;
//! - a histogram is `sum a_j h_j`, `h_j` sample `j`'s fractions in the same bins.

use super::sketch::Sketch;
use super::{LEVELS, Proportion, Summary};

/// Values up to which a series hands its values to a mixture as they are (8
/// bytes each: 160 kB); beyond, it hands over a sketch (2 bytes a bucket).
pub const EXACT_VALUES: usize = 20_000;

/// The finished distribution of one sample, held compactly until a mixture is
/// computed: its values in ascending order, or a sketch of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Finished {
    /// Every value, ascending.
    Sorted(Vec<f64>),
    /// A sketch of `x - origin` for every value `x`.
    Sketched {
        /// The sketch.
        sketch: Sketch,
        /// What was subtracted before counting.
        origin: f64,
    },
}

impl Finished {
    /// Every value of a sample (NaN values are left out), exact.
    pub fn sorted(mut values: Vec<f64>) -> Finished {
        values.retain(|v| !v.is_nan());
        values.sort_unstable_by(f64::total_cmp);
        Finished::Sorted(values)
    }

    /// Values counted.
    pub fn len(&self) -> u64 {
        match self {
            Finished::Sorted(v) => v.len() as u64,
            Finished::Sketched { sketch, .. } => sketch.len(),
        }
    }

    /// True when no value was counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every value is held as it is.
    pub fn is_exact(&self) -> bool {
        matches!(self, Finished::Sorted(_))
    }

    /// The relative bound on the values (0 when exact).
    pub fn relative_error(&self) -> f64 {
        match self {
            Finished::Sorted(_) => 0.0,
            Finished::Sketched { sketch, .. } => sketch.relative_error(),
        }
    }

    /// The distribution as ascending values with counts, made once per use.
    fn view(&self) -> View<'_> {
        match self {
            Finished::Sorted(v) => View { values: std::borrow::Cow::Borrowed(v), cumulative: Vec::new() },
            Finished::Sketched { sketch, origin } => {
                let (mut values, mut cumulative, mut seen) = (Vec::new(), Vec::new(), 0);
                for (v, c) in sketch.buckets() {
                    seen += c;
                    values.push(v + origin);
                    cumulative.push(seen);
                }
                View { values: std::borrow::Cow::Owned(values), cumulative }
            }
        }
    }

    /// Fractions of the values in `bins` equal bins over `[lo, hi]` (values
    /// outside in the edge bins).
    pub fn histogram(&self, lo: f64, hi: f64, bins: usize) -> Vec<f64> {
        match self {
            Finished::Sorted(v) => super::histogram(v, lo, hi, bins),
            Finished::Sketched { sketch, origin } => sketch.histogram(lo - origin, hi - origin, bins),
        }
    }
}

/// Ascending values, each counted once, or with the number of values at or
/// below each.
struct View<'a> {
    values: std::borrow::Cow<'a, [f64]>,
    /// Empty when each value counts once.
    cumulative: Vec<u64>,
}

impl View<'_> {
    fn len(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(self.values.len() as u64)
    }

    /// How many values are at or below `x`.
    fn count_at_or_below(&self, x: f64) -> u64 {
        let i = self.values.partition_point(|v| *v <= x);
        match (self.cumulative.is_empty(), i) {
            (true, _) => i as u64,
            (false, 0) => 0,
            (false, i) => self.cumulative[i - 1],
        }
    }
}

/// One sample of a mixture: its weight (any scale; the weights are normalised
/// over the samples that have values), its summary and its distribution.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    /// The weight of the sample as a whole.
    pub weight: f64,
    /// Its summary.
    pub summary: &'a Summary,
    /// Its values.
    pub dist: &'a Finished,
}

/// The weights `a_j` (summing to 1) of the samples with a positive weight and at
/// least one value, with their distributions.
fn normalised<'a>(parts: impl Iterator<Item = (f64, &'a Finished)>) -> Vec<(f64, &'a Finished)> {
    let parts: Vec<(f64, &Finished)> = parts.filter(|(w, d)| *w > 0.0 && !d.is_empty()).collect();
    let total: f64 = parts.iter().map(|(w, _)| w).sum();
    parts.into_iter().map(|(w, d)| (w / total, d)).collect()
}

/// Key of `x` in the total order of `f64` as an unsigned integer.
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

fn from_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// The weighted CDF `F(x) = sum a_j #{values of j <= x} / n_j` of normalised parts.
fn cdf(parts: &[(f64, View<'_>)], x: f64) -> f64 {
    parts.iter().map(|(a, d)| a * d.count_at_or_below(x) as f64 / d.len() as f64).sum()
}

/// The quantiles at `levels` (each in [0, 1]) of the mixture of `parts`
/// (`(weight, distribution)`): the smallest value `x` with `F(x) >= p`; NaN when
/// no part has a value.
pub fn quantiles<'a>(parts: impl Iterator<Item = (f64, &'a Finished)>, levels: &[f64]) -> Vec<f64> {
    let parts: Vec<(f64, View)> = normalised(parts).into_iter().map(|(a, d)| (a, d.view())).collect();
    let ends = parts.iter().map(|(_, d)| (d.values[0], d.values[d.values.len() - 1]));
    let (lo, hi) = ends.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (l, h)| (a.min(l), b.max(h)));
    levels
        .iter()
        .map(|p| {
            if parts.is_empty() {
                return f64::NAN;
            }
            if *p <= 0.0 {
                return lo;
            }
            let reached = |x: f64| cdf(&parts, x) >= p * (1.0 - 1e-12);
            if reached(lo) {
                return lo;
            }
            // F(lo) < p <= F(hi): bisect on the order of the bits, keeping F(hi) >= p.
            let (mut a, mut b) = (key(lo), key(hi));
            while b - a > 1 {
                let mid = a + (b - a) / 2;
                if reached(from_key(mid)) { b = mid } else { a = mid }
            }
            // `+ 0.0`: -0 and 0 are one value.
            from_key(b) + 0.0
        })
        .collect()
}

/// The histogram of the mixture of `parts` (`(weight, distribution)`) in `bins`
/// equal bins over `[lo, hi]`.
pub fn histogram<'a>(parts: impl Iterator<Item = (f64, &'a Finished)>, lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut out = vec![0.0; bins];
    for (a, d) in normalised(parts) {
        out.iter_mut().zip(d.histogram(lo, hi, bins)).for_each(|(o, h)| *o += a * h);
    }
    out
}

/// The summary of the mixture of `parts` (see the module docs); `None` when no
/// part with a positive weight has a value. `n` is the number of values of all
/// the parts.
pub fn summary(parts: &[Part<'_>]) -> Option<Summary> {
    let parts: Vec<&Part> = parts.iter().filter(|p| p.weight > 0.0 && p.summary.n > 0).collect();
    let total: f64 = parts.iter().map(|p| p.weight).sum();
    let first = parts.first()?.summary;
    let a = |p: &Part| p.weight / total;
    // Around the first mean, so that equal means give exactly that mean.
    let mean = first.mean + parts.iter().map(|p| a(p) * (p.summary.mean - first.mean)).sum::<f64>();
    let n: usize = parts.iter().map(|p| p.summary.n).sum();
    let variance: f64 = parts
        .iter()
        .map(|p| {
            let s = p.summary;
            let v = s.sd.map_or(0.0, |sd| sd * sd * (s.n - 1) as f64 / s.n as f64);
            let d = s.mean - mean;
            a(p) * (v + d * d)
        })
        .sum();
    let se: Option<f64> = parts.iter().map(|p| p.summary.se.map(|se| (a(p) * se).powi(2))).sum();
    let levels: Vec<f64> = LEVELS.to_vec();
    let q = quantiles(parts.iter().map(|p| (p.weight, p.dist)), &levels);
    Some(Summary {
        n,
        mean,
        sd: (n > 1).then(|| variance.sqrt()),
        se: se.map(f64::sqrt),
        min: parts.iter().map(|p| p.summary.min).fold(f64::INFINITY, f64::min),
        max: parts.iter().map(|p| p.summary.max).fold(f64::NEG_INFINITY, f64::max),
        quantiles: std::array::from_fn(|i| q[i]),
    })
}

/// The probability of the mixture of `parts` (`(weight, probability)`): the
/// weighted mean, with the standard error `sqrt(sum a_j^2 se_j^2)`.
pub fn proportion(parts: impl Iterator<Item = (f64, Proportion)>) -> Proportion {
    let parts: Vec<(f64, Proportion)> = parts.filter(|(w, _)| *w > 0.0).collect();
    let total: f64 = parts.iter().map(|(w, _)| w).sum();
    let p = parts.iter().map(|(w, x)| w / total * x.p).sum();
    let se = parts.iter().map(|(w, x)| (w / total * x.se).powi(2)).sum::<f64>().sqrt();
    Proportion { p, se }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketched(values: &[f64]) -> Finished {
        let mut sketch = Sketch::new();
        sketch.add_all(values);
        Finished::Sketched { sketch, origin: 0.0 }
    }

    #[test]
    fn keys_follow_the_order_of_the_numbers() {
        let xs = [f64::NEG_INFINITY, -3.5, -1e-300, -0.0, 0.0, 1e-300, 2.0, f64::INFINITY];
        for w in xs.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{w:?}");
        }
        for x in xs {
            assert_eq!(from_key(key(x)).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn quantiles_of_exact_samples_are_the_smallest_values_reaching_the_level() {
        // Weights 1, 2, 1 on constant samples 1, 2, 3: F = 0.25, 0.75, 1.
        let (a, b, c) = (Finished::sorted(vec![1.0; 3]), Finished::sorted(vec![2.0; 5]), Finished::sorted(vec![3.0]));
        let parts = || [(1.0, &a), (2.0, &b), (1.0, &c)].into_iter();
        let q = quantiles(parts(), &[0.0, 0.01, 0.25, 0.2500001, 0.5, 0.75, 0.76, 0.99, 1.0]);
        assert_eq!(q, [1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0]);
        // One sample: the smallest order statistic whose rank reaches n p, not type 7.
        let s = Finished::sorted(vec![4.0, 1.0, 3.0, 2.0]);
        assert_eq!(quantiles([(1.0, &s)].into_iter(), &[0.25, 0.3, 0.5, 0.51, 1.0]), [1.0, 2.0, 2.0, 3.0, 4.0]);
        // Negative values, zeros of both signs and a weight of zero.
        let n = Finished::sorted(vec![-2.0, -0.0, 0.0, 5.0]);
        let z = Finished::sorted(vec![100.0]);
        assert_eq!(quantiles([(1.0, &n), (0.0, &z)].into_iter(), &[0.25, 0.5, 0.75, 1.0]), [-2.0, 0.0, 0.0, 5.0]);
        assert!(quantiles(std::iter::empty(), &[0.5])[0].is_nan());
    }

    #[test]
    fn quantiles_of_sketches_are_within_their_bound() {
        let x: Vec<f64> = (1..=1000).map(|i| i as f64 * 0.37).collect();
        let y: Vec<f64> = (1..=3000).map(|i| 500.0 + i as f64).collect();
        let (sx, sy) = (sketched(&x), sketched(&y));
        let (ex, ey) = (Finished::sorted(x.clone()), Finished::sorted(y.clone()));
        assert!(!sx.is_exact() && sx.len() == 1000 && sy.len() == 3000);
        let levels = [0.01, 0.1, 0.3, 0.5, 0.6, 0.9, 0.99];
        let approx = quantiles([(3.0, &sx), (1.0, &sy)].into_iter(), &levels);
        let exact = quantiles([(3.0, &ex), (1.0, &ey)].into_iter(), &levels);
        let bound = sx.relative_error().max(sy.relative_error());
        for (a, e) in approx.iter().zip(&exact) {
            assert!((a - e).abs() <= bound * e.abs() * 1.000001, "{a} vs {e}");
        }
        // Exact and sketched samples mix.
        let mixed = quantiles([(3.0, &ex), (1.0, &sy)].into_iter(), &[0.5, 0.75, 0.76]);
        assert_eq!(mixed[0], 0.37 * 667.0);
        assert_eq!(mixed[1], 1000.0 * 0.37);
        assert!((mixed[2] / 620.0 - 1.0).abs() <= bound, "{}", mixed[2]);
    }

    #[test]
    fn summaries_combine_means_spreads_and_standard_errors() {
        let s1 = Summary::of(vec![1.0, 3.0]).unwrap();
        let s2 = Summary::of(vec![10.0, 10.0, 10.0, 10.0]).unwrap();
        let (d1, d2) = (Finished::sorted(vec![1.0, 3.0]), Finished::sorted(vec![10.0; 4]));
        let m =
            summary(&[Part { weight: 1.0, summary: &s1, dist: &d1 }, Part { weight: 3.0, summary: &s2, dist: &d2 }])
                .unwrap();
        assert_eq!(m.n, 6);
        assert_eq!(m.mean, 0.25 * 2.0 + 0.75 * 10.0);
        // Weighted distribution: 1 and 3 weigh 1/8 each, 10 weighs 3/4.
        let var = 0.125 * (1.0f64 - 8.0).powi(2) + 0.125 * (3.0f64 - 8.0).powi(2) + 0.75 * 4.0;
        assert!((m.sd.unwrap() - var.sqrt()).abs() < 1e-12);
        assert!((m.se.unwrap() - 0.25 * s1.se.unwrap()).abs() < 1e-15);
        assert_eq!((m.min, m.max), (1.0, 10.0));
        assert_eq!(m.quantile(0.05), 1.0);
        assert_eq!(m.quantile(0.25), 3.0);
        assert_eq!(m.quantile(0.5), 10.0);
        assert_eq!(m.quantile(0.10), 1.0);
        assert!(summary(&[Part { weight: 0.0, summary: &s1, dist: &d1 }]).is_none());
    }

    #[test]
    fn probabilities_are_weighted_means() {
        let p = proportion([(1.0, Proportion::of(1, 4)), (3.0, Proportion::of(3, 4))].into_iter());
        assert_eq!(p.p, 0.25 * 0.25 + 0.75 * 0.75);
        let se = (0.0625f64 * Proportion::of(1, 4).se.powi(2) + 0.5625 * Proportion::of(3, 4).se.powi(2)).sqrt();
        assert!((p.se - se).abs() < 1e-15);
    }

    #[test]
    fn histograms_weigh_each_sample() {
        let (a, b) = (Finished::sorted(vec![0.1, 0.2]), Finished::sorted(vec![1.5]));
        assert_eq!(histogram([(1.0, &a), (1.0, &b)].into_iter(), 0.0, 2.0, 2), [0.5, 0.5]);
        let s = sketched(&[0.1, 0.2, 1.5, 1.6]);
        assert_eq!(s.histogram(0.0, 2.0, 2), [0.5, 0.5]);
    }
}
