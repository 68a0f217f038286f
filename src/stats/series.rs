//! The statistics of one per-path quantity, accumulated block by block and merged
//! without depending on the order of the merges.
//!
//! A block is a fixed run of consecutive paths (the engine's chunk). For each block
//! the accumulator takes the block's first value `c` and the naive sums of `x - c`
//! and `(x - c)^2` in path order, both functions of the block alone, and adds
//! `n c`, `sum (x - c)`, `n c^2`, `2 c sum (x - c)` and `sum (x - c)^2` to two
//! [`ExactSum`]s (products split exactly with a fused multiply-add). So `sum x` and
//! `sum x^2` are exact sums of per-block terms: the same for any thread count, any
//! order of blocks and any split into shards on block boundaries. The mean is
//! `sum x / n`; the variance `(sum x^2 - (sum x)^2 / n) / (n - 1)` is formed in
//! double-double arithmetic from the exact sums, so the cancellation that plagues
//! the one-pass formula does not arise; a series whose minimum equals its maximum
//! has exactly its value as mean and zero spread.
//!
//! Quantiles come from the values themselves ([`Store::Exact`], type 7, while they
//! fit in memory) or from a [`Sketch`] (each order statistic within its relative
//! bound).

use super::sketch::Sketch;
use super::sum::ExactSum;
use super::{LEVELS, Summary, quantiles_of_parts};

/// Where a series keeps what its quantiles are computed from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Store {
    /// Every value: exact type-7 quantiles. The values are kept as they were
    /// added, one part per accumulator merged in (per worker thread, and per
    /// batch, round or shard of a run): merging lists the parts, copying no value.
    Exact(Vec<Vec<f64>>),
    /// A sketch: quantiles within its relative bound. Each block's values are
    /// counted as they come (the sketch's 16-bit counts are small enough that
    /// collecting values first to count them in larger batches gains nothing).
    Sketch(Sketch),
}

/// Values shifted by a series' origin at a time before they are counted.
const SHIFTED: usize = 64;

/// The accumulated statistics of one series.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    /// What a sketch subtracts before counting (and adds back to its quantiles).
    origin: f64,
    n: u64,
    sum: ExactSum,
    sum_sq: ExactSum,
    min: f64,
    max: f64,
    store: Store,
}

/// `a * b` as `(product, error)` with `product + error` exactly `a b`.
#[inline]
fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// `a + b` as `(sum, error)` with `sum + error` exactly `a + b`.
#[inline]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

impl Series {
    /// An empty series that keeps its values (`exact`) or a sketch of them.
    pub fn new(exact: bool) -> Series {
        Series {
            origin: 0.0,
            n: 0,
            sum: ExactSum::new(),
            sum_sq: ExactSum::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            store: if exact { Store::Exact(vec![Vec::new()]) } else { Store::Sketch(Sketch::new()) },
        }
    }

    /// The same series, sketching `x - origin` rather than `x` (for calendar years,
    /// whose relative bound would otherwise be a fraction of 2030). Exact values and
    /// the moments are unaffected.
    pub fn with_origin(mut self, origin: f64) -> Series {
        self.origin = origin;
        self
    }

    /// Adds a block's path-by-path differences `own - against` (written into
    /// `scratch`, reused so that nothing is allocated) and returns how many of them
    /// are positive.
    pub fn add_differences(&mut self, own: &[f64], against: &[f64], scratch: &mut Vec<f64>) -> u64 {
        scratch.clear();
        scratch.extend(own.iter().zip(against).map(|(a, b)| a - b));
        self.add_block(scratch);
        scratch.iter().filter(|d| **d > 0.0).count() as u64
    }

    /// Adds the values of one block, in path order (NaN values are skipped).
    pub fn add_block(&mut self, values: &[f64]) {
        let Some(sums) = BlockSums::of(values) else { return };
        // A NaN value makes the sums NaN, so only then are the values searched for one
        // (sums NaN from infinities of both signs alone are those of the values as they are).
        if (sums.a.is_nan() || sums.b.is_nan()) && values.iter().any(|v| v.is_nan()) {
            let kept: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
            if let Some(sums) = BlockSums::of(&kept) {
                self.add_numbers(&kept, sums);
            }
        } else {
            self.add_numbers(values, sums);
        }
    }

    /// [`Series::add_block`] of values that are all numbers, with their sums.
    fn add_numbers(&mut self, values: &[f64], sums: BlockSums) {
        let BlockSums { c, a, b, lo, hi } = sums;
        match &mut self.store {
            Store::Exact(parts) => match parts.last_mut() {
                Some(last) => last.extend_from_slice(values),
                None => parts.push(values.to_vec()),
            },
            Store::Sketch(sketch) if self.origin == 0.0 => sketch.add_numbers(values, lo, hi),
            Store::Sketch(sketch) => {
                // `x - origin` is monotonic in `x`, so the shifted extremes are those of
                // the shifted values.
                let mut shifted = [0.0; SHIFTED];
                for chunk in values.chunks(SHIFTED) {
                    let shifted = &mut shifted[..chunk.len()];
                    shifted.iter_mut().zip(chunk).for_each(|(s, v)| *s = v - self.origin);
                    sketch.add_numbers(shifted, lo - self.origin, hi - self.origin);
                }
            }
        }
        let count = values.len() as u64;
        self.n += count;
        self.min = self.min.min(lo);
        self.max = self.max.max(hi);
        let nb = count as f64;
        let (p, e) = two_product(nb, c);
        self.sum.add(p);
        self.sum.add(e);
        self.sum.add(a);
        let (cc, cc_err) = two_product(c, c);
        for part in [cc, cc_err] {
            let (p, e) = two_product(nb, part);
            self.sum_sq.add(p);
            self.sum_sq.add(e);
        }
        let (p, e) = two_product(2.0 * c, a);
        self.sum_sq.add(p);
        self.sum_sq.add(e);
        self.sum_sq.add(b);
    }

    /// Adds everything `other` accumulated.
    pub fn merge(&mut self, other: Series) {
        self.n += other.n;
        self.sum.merge(&other.sum);
        self.sum_sq.merge(&other.sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        match (&mut self.store, other.store) {
            (Store::Exact(a), Store::Exact(b)) => {
                a.retain(|p| !p.is_empty());
                a.extend(b.into_iter().filter(|p| !p.is_empty()));
            }
            (Store::Sketch(a), Store::Sketch(b)) => a.merge(&b),
            (Store::Sketch(a), Store::Exact(b)) => b.iter().flatten().for_each(|v| a.add(v - self.origin)),
            (store @ Store::Exact(_), Store::Sketch(mut b)) => {
                if let Store::Exact(a) = store {
                    a.iter().flatten().for_each(|v| b.add(v - self.origin));
                }
                *store = Store::Sketch(b);
            }
        }
    }

    /// Reserves room for `values` more values when they are kept.
    pub fn reserve(&mut self, values: usize) {
        if let Store::Exact(parts) = &mut self.store {
            match parts.last_mut() {
                Some(last) => last.reserve(values),
                None => parts.push(Vec::with_capacity(values)),
            }
        }
    }

    /// Turns the kept values into a sketch (the same sketch as one fed from the
    /// start, since a sketch does not depend on the order of its values).
    pub fn into_sketch(&mut self) {
        if let Store::Exact(values) = &self.store {
            let mut sketch = Sketch::new();
            let shifted: Vec<f64> = values.iter().flatten().map(|v| v - self.origin).collect();
            sketch.add_all(&shifted);
            self.store = Store::Sketch(sketch);
        }
    }

    /// Values counted.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// True when no value was counted.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The relative bound on the quantiles' order statistics: 0 when exact.
    pub fn relative_error(&mut self) -> f64 {
        match &self.store {
            Store::Exact(_) => 0.0,
            Store::Sketch(sketch) => sketch.relative_error(),
        }
    }

    /// The mean and the standard deviation (`n - 1`); `None` when empty.
    pub fn moments(&self) -> Option<(f64, Option<f64>)> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        if self.min == self.max {
            return Some((self.min, (self.n > 1).then_some(0.0)));
        }
        let (h1, l1) = dd(&self.sum);
        let (h2, l2) = dd(&self.sum_sq);
        let mean = h1 / n;
        // (sum x)^2 / n in double-double.
        let (sq, sq_err) = two_product(h1, h1);
        let sq_err = sq_err + 2.0 * h1 * l1;
        let q_hi = sq / n;
        let q_lo = ((-q_hi).mul_add(n, sq) + sq_err) / n;
        let (s, e) = two_sum(h2, -q_hi);
        let ss = s + (e + l2 - q_lo);
        // Rounding can leave a hair below zero; non-finite sums stay NaN or inf.
        let ss = if ss < 0.0 { 0.0 } else { ss };
        Some((mean, (self.n > 1).then(|| (ss / (n - 1.0)).sqrt())))
    }

    /// The type-7 quantiles at `levels`; `None` when empty.
    pub fn quantiles(&mut self, levels: &[f64]) -> Option<Vec<f64>> {
        if self.n == 0 {
            return None;
        }
        Some(match &mut self.store {
            Store::Exact(parts) => {
                let mut parts: Vec<&mut [f64]> = parts.iter_mut().map(|p| p.as_mut_slice()).collect();
                quantiles_of_parts(&mut parts, levels)
            }
            Store::Sketch(sketch) => sketch.quantiles(levels).into_iter().map(|q| q + self.origin).collect(),
        })
    }

    /// The finished distribution of the values, for a mixture of series (see
    /// [`super::mixture`]): every value, sorted, when they are kept and at most
    /// `exact_values`; otherwise a sketch (the series' own, or one made from the
    /// kept values), within its relative bound.
    pub fn finished(&self, exact_values: usize) -> super::mixture::Finished {
        use super::mixture::Finished;
        let origin = self.origin;
        match &self.store {
            Store::Exact(parts) if self.n as usize <= exact_values => Finished::sorted(parts.concat()),
            Store::Exact(parts) => {
                let mut sketch = Sketch::new();
                let shifted: Vec<f64> = parts.iter().flatten().map(|x| x - origin).collect();
                sketch.add_all(&shifted);
                Finished::Sketched { sketch, origin }
            }
            Store::Sketch(sketch) => Finished::Sketched { sketch: sketch.clone(), origin },
        }
    }

    /// Fractions of the values in `bins` equal bins over `[lo, hi]` (values
    /// outside in the edge bins).
    pub fn histogram(&mut self, lo: f64, hi: f64, bins: usize) -> Vec<f64> {
        match &self.store {
            Store::Exact(parts) => super::histogram(parts.iter().flatten(), lo, hi, bins),
            Store::Sketch(sketch) => sketch.histogram(lo - self.origin, hi - self.origin, bins),
        }
    }

    /// The summary of the series; `None` when empty.
    pub fn summary(&mut self) -> Option<Summary> {
        self.summary_and_quantiles(&[]).map(|(summary, _)| summary)
    }

    /// The summary of the series and its quantiles at `extra` levels, all found in
    /// one selection (each the same number as found on its own); `None` when empty.
    pub fn summary_and_quantiles(&mut self, extra: &[f64]) -> Option<(Summary, Vec<f64>)> {
        let (mean, sd) = self.moments()?;
        let levels: Vec<f64> = [0.0].into_iter().chain(LEVELS).chain([1.0]).chain(extra.iter().copied()).collect();
        let mut q = self.quantiles(&levels)?;
        let extra = q.split_off(LEVELS.len() + 2);
        let n = self.n as usize;
        let summary = Summary {
            n,
            mean,
            sd,
            se: sd.map(|s| s / (n as f64).sqrt()),
            min: q[0],
            max: q[LEVELS.len() + 1],
            quantiles: std::array::from_fn(|i| q[i + 1]),
        };
        Some((summary, extra))
    }
}

/// What a block contributes before it is stored: its first value `c`, the naive
/// sums of `x - c` and `(x - c)^2` in path order, and its extremes.
struct BlockSums {
    c: f64,
    a: f64,
    b: f64,
    lo: f64,
    hi: f64,
}

impl BlockSums {
    /// The sums of `values` (`None` when empty), in four lanes combined in a fixed
    /// order: a function of the block alone.
    fn of(values: &[f64]) -> Option<BlockSums> {
        let &c = values.first()?;
        const LANES: usize = 4;
        let (mut a, mut b, mut lo, mut hi) = ([0.0; LANES], [0.0; LANES], [c; LANES], [c; LANES]);
        let chunks = values.chunks_exact(LANES);
        let rest = chunks.remainder();
        for chunk in chunks {
            // Whole lanes at a time, so that the compiler keeps them in vector registers.
            let x: [f64; LANES] = std::array::from_fn(|j| chunk[j]);
            let d = x.map(|x| x - c);
            a = std::array::from_fn(|j| a[j] + d[j]);
            b = std::array::from_fn(|j| b[j] + d[j] * d[j]);
            lo = std::array::from_fn(|j| if x[j] < lo[j] { x[j] } else { lo[j] });
            hi = std::array::from_fn(|j| if x[j] > hi[j] { x[j] } else { hi[j] });
        }
        for (j, x) in rest.iter().enumerate() {
            let d = x - c;
            a[j] += d;
            b[j] += d * d;
            lo[j] = lo[j].min(*x);
            hi[j] = hi[j].max(*x);
        }
        Some(BlockSums {
            c,
            a: (a[0] + a[1]) + (a[2] + a[3]),
            b: (b[0] + b[1]) + (b[2] + b[3]),
            // `+ 0.0` makes -0 and 0 one value, so the order of a merge cannot pick either.
            lo: lo.iter().copied().fold(f64::INFINITY, f64::min) + 0.0,
            hi: hi.iter().copied().fold(f64::NEG_INFINITY, f64::max) + 0.0,
        })
    }
}

/// An exact sum as a double-double: its rounded value and the rounded remainder.
fn dd(sum: &ExactSum) -> (f64, f64) {
    let hi = sum.value();
    let mut rest = sum.clone();
    rest.add(-hi);
    (hi, rest.value())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn series_of(values: &[f64], exact: bool, block: usize) -> Series {
        let mut s = Series::new(exact);
        values.chunks(block).for_each(|b| s.add_block(b));
        s
    }

    #[test]
    fn moments_match_two_pass_formulas_even_far_from_zero() {
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([2; 32]);
        // End years: a large mean and a small spread, where one-pass formulas fail.
        let values: Vec<f64> = (0..10_000).map(|_| 2030.0 + rng.random::<f64>() * 1e-3).collect();
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = (values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt();
        let (m, s) = series_of(&values, true, 256).moments().unwrap();
        assert!((m - mean).abs() <= 1e-12 * mean, "{m} vs {mean}");
        assert!((s.unwrap() / sd - 1.0).abs() < 1e-9, "{s:?} vs {sd}");
    }

    #[test]
    fn a_constant_series_has_exactly_its_value_and_no_spread() {
        let mut s = series_of(&[0.1; 1000], false, 7);
        assert_eq!(s.moments(), Some((0.1, Some(0.0))));
        let summary = s.summary().unwrap();
        assert!(summary.quantiles.iter().all(|q| *q == 0.1));
        assert_eq!(series_of(&[3.0], true, 256).moments(), Some((3.0, None)));
        assert_eq!(Series::new(true).summary(), None);
    }

    #[test]
    fn block_merges_in_any_order_give_the_same_bits() {
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([6; 32]);
        let values: Vec<f64> = (0..9000).map(|_| (rng.random::<f64>() - 0.2) * 300.0).collect();
        for exact in [true, false] {
            let whole = series_of(&values, exact, 256);
            let blocks: Vec<Series> = values.chunks(256).map(|b| series_of(b, exact, 256)).collect();
            let mut backward = Series::new(exact);
            blocks.into_iter().rev().for_each(|b| backward.merge(b));
            let (mut a, mut b) = (whole.clone(), backward);
            assert_eq!(a.moments(), b.moments());
            assert_eq!(a.summary(), b.summary());
        }
    }

    #[test]
    fn nan_values_are_left_out() {
        let s = series_of(&[f64::NAN, 1.0, 3.0, f64::NAN], true, 256);
        assert_eq!(s.len(), 2);
        assert_eq!(s.moments().unwrap().0, 2.0);
    }
}
