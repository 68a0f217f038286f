//! A mergeable quantile sketch with a relative-error bound: a histogram over the
//! bits of the values.
//!
//! A finite value `x != 0` falls in the bucket of `|x|`'s IEEE 754 bits with the
//! lowest `52 - m` mantissa bits dropped, counted separately for negative and
//! positive values (the idea of HdrHistogram, Tene, and of DDSketch, Masson, Rim and
//! Lee 2019, with a bucket index that costs one shift). A bucket spans values within
//! a factor `1 + 2^-m` of each other, so its midpoint is within a relative
//! `2^-(m+1)` of every value in it: with the default `m = 10`, 0.049%.
//!
//! The sketch is a set of integer counts, so merging two sketches adds counts and
//! the result does not depend on the order of the values or of the merges: shards,
//! chunks and threads give the same bytes. A sketch whose buckets would span more
//! than [`MAX_BUCKETS`] (values across more than 2^16 / 2^m binades) halves its
//! resolution until they fit; the final resolution depends only on the range of the
//! values, and [`Sketch::relative_error`] reports the bound that holds.
//!
//! **The bound.** Let `x_(r)` be the order statistic of rank `r` (0-based) of the
//! values added. [`Sketch::order_statistic`] returns a value within
//! `relative_error() * |x_(r)|` of it (exactly `x_(r)` at the minimum and the
//! maximum), or within `f64::MIN_POSITIVE` (2.2e-308) of it for a subnormal value,
//! which is counted as zero; a type-7 quantile interpolating two order statistics is within
//! `relative_error()` times the larger of their magnitudes of the exact one.

/// Most buckets one sign may span before the resolution is halved.
pub const MAX_BUCKETS: usize = 1 << 16;

/// Mantissa bits kept by a new sketch: a relative error of at most 2^-11.
pub const MANTISSA_BITS: u32 = 10;

/// Counts over a contiguous range of bucket indices, 16 bits each: a quarter of the
/// memory of 64-bit counts, so that a sketch's counts stay in the cache while a batch
/// of values is counted, and a run holds many sketches in little memory. A count that
/// would pass `u16::MAX` moves to `carry`, 64-bit counts over the same range,
/// allocated only once some bucket needs it. A bucket's count is the sum of both.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Buckets {
    first: u64,
    counts: Vec<u16>,
    /// Counts moved out of `counts`: empty, or as long as `counts`.
    carry: Vec<u64>,
}

impl PartialEq for Buckets {
    /// The same range and the same count in every bucket, however they are held.
    fn eq(&self, other: &Buckets) -> bool {
        self.first == other.first
            && self.span() == other.span()
            && (0..self.span()).all(|j| self.count(j) == other.count(j))
    }
}

impl Buckets {
    /// Adds `count` to bucket `index`; true when the range had to grow.
    #[inline]
    fn add(&mut self, index: u64, count: u64) -> bool {
        // The common case: a bucket already in range.
        let j = index.wrapping_sub(self.first) as usize;
        if j < self.counts.len() {
            self.bump(j, count);
            return false;
        }
        self.add_outside(index, count);
        true
    }

    /// Adds `count` to the bucket at `j` in the range.
    #[inline]
    fn bump(&mut self, j: usize, count: u64) {
        let total = u64::from(self.counts[j]) + count;
        match u16::try_from(total) {
            Ok(c) => self.counts[j] = c,
            Err(_) => self.move_to_carry(j, total),
        }
    }

    /// Moves the count at `j`, `total`, to `carry`.
    #[cold]
    fn move_to_carry(&mut self, j: usize, total: u64) {
        if self.carry.is_empty() {
            self.carry = vec![0; self.counts.len()];
        }
        self.counts[j] = 0;
        self.carry[j] += total;
    }

    /// The count of the bucket at `j` in the range.
    fn count(&self, j: usize) -> u64 {
        u64::from(self.counts[j]) + self.carry.get(j).copied().unwrap_or(0)
    }

    fn add_outside(&mut self, index: u64, count: u64) {
        if self.counts.is_empty() {
            self.first = index;
            self.counts.push(0);
            self.carry.clear();
        } else if index < self.first {
            let grow = (self.first - index) as usize;
            let mut counts = vec![0; grow + self.counts.len()];
            counts[grow..].copy_from_slice(&self.counts);
            self.counts = counts;
            if !self.carry.is_empty() {
                let mut carry = vec![0; grow + self.carry.len()];
                carry[grow..].copy_from_slice(&self.carry);
                self.carry = carry;
            }
            self.first = index;
        } else if index >= self.first + self.counts.len() as u64 {
            let span = (index - self.first) as usize + 1;
            self.counts.resize(span, 0);
            if !self.carry.is_empty() {
                self.carry.resize(span, 0);
            }
        }
        self.bump((index - self.first) as usize, count);
    }

    fn span(&self) -> usize {
        self.counts.len()
    }

    /// Drops one more mantissa bit: bucket `i` becomes `i / 2`.
    fn coarsen(&mut self) {
        if self.counts.is_empty() {
            return;
        }
        let old = std::mem::take(self);
        self.first = old.first / 2;
        let last = (old.first + old.span() as u64 - 1) / 2;
        self.counts = vec![0; (last - self.first + 1) as usize];
        for (i, c) in old.iter() {
            self.bump((i / 2 - self.first) as usize, c);
        }
    }

    /// `(index, count)` of the non-empty buckets, ascending.
    fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, u64)> + '_ {
        (0..self.span()).map(|j| (self.first + j as u64, self.count(j))).filter(|(_, c)| *c > 0)
    }
}

/// A quantile sketch; see the module docs for its bound.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sketch {
    bits: u32,
    negative: Buckets,
    positive: Buckets,
    zeros: u64,
    neg_inf: u64,
    pos_inf: u64,
    n: u64,
    min: f64,
    max: f64,
}

impl Default for Sketch {
    fn default() -> Sketch {
        Sketch::new()
    }
}

impl Sketch {
    /// An empty sketch at the full resolution.
    pub fn new() -> Sketch {
        Sketch {
            bits: MANTISSA_BITS,
            negative: Buckets::default(),
            positive: Buckets::default(),
            zeros: 0,
            neg_inf: 0,
            pos_inf: 0,
            n: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    fn shift(&self) -> u32 {
        52 - self.bits
    }

    /// Adds `x` (NaN is ignored).
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_all(std::slice::from_ref(&x));
    }

    /// Adds every value of `values` (NaN values are ignored): the same sketch as
    /// adding them one by one.
    pub fn add_all(&mut self, values: &[f64]) {
        // The extremes and the count of numbers in four lanes, so that no value waits
        // on the previous one (`f64::min` and `f64::max` pass over NaN).
        const LANES: usize = 4;
        let (mut lo, mut hi, mut nan) = ([f64::INFINITY; LANES], [f64::NEG_INFINITY; LANES], [0u64; LANES]);
        let chunks = values.chunks_exact(LANES);
        let rest = chunks.remainder();
        for chunk in chunks {
            for j in 0..LANES {
                lo[j] = lo[j].min(chunk[j]);
                hi[j] = hi[j].max(chunk[j]);
                nan[j] += chunk[j].is_nan() as u64;
            }
        }
        for (j, x) in rest.iter().enumerate() {
            lo[j] = lo[j].min(*x);
            hi[j] = hi[j].max(*x);
            nan[j] += x.is_nan() as u64;
        }
        let numbers = values.len() as u64 - nan.iter().sum::<u64>();
        let lo = lo.iter().fold(f64::INFINITY, |a, b| a.min(*b));
        let hi = hi.iter().fold(f64::NEG_INFINITY, |a, b| a.max(*b));
        self.count(values, numbers, lo, hi);
    }

    /// [`Sketch::add_all`] of values that are all numbers, whose least and greatest
    /// are `lo` and `hi` (a caller that has them spares a pass over the values).
    pub fn add_numbers(&mut self, values: &[f64], lo: f64, hi: f64) {
        debug_assert!(values.iter().all(|v| !v.is_nan() && (lo..=hi).contains(v)));
        self.count(values, values.len() as u64, lo, hi);
    }

    /// Counts `values` (NaN values skipped): `numbers` of them, from `lo` to `hi`.
    fn count(&mut self, values: &[f64], numbers: u64, lo: f64, hi: f64) {
        if numbers == 0 {
            return;
        }
        // `+ 0.0` makes -0 and 0 one value, so the order of the values cannot pick either.
        self.n += numbers;
        self.min = self.min.min(lo) + 0.0;
        self.max = self.max.max(hi) + 0.0;
        if lo == 0.0 && hi == 0.0 {
            // Nothing but zeros (a year after a contract's end): no bucket to find.
            self.zeros += numbers;
            return;
        }
        let mut rest = values;
        while !rest.is_empty() {
            rest = &rest[self.count_in_range(rest)..];
            if let Some((&x, tail)) = rest.split_first() {
                self.count_one(x);
                rest = tail;
            }
        }
    }

    /// Counts the values of `values` up to the first one that falls outside the
    /// buckets' range or would carry a count past 16 bits, and returns how many it
    /// counted. The loop of nearly every value: the buckets' ranges stay in
    /// registers, and each value is one increment.
    #[inline]
    fn count_in_range(&mut self, values: &[f64]) -> usize {
        const SIGN: u64 = 1 << 63;
        let shift = self.shift();
        let (positive_first, positive) = (self.positive.first, &mut self.positive.counts[..]);
        let (negative_first, negative) = (self.negative.first, &mut self.negative.counts[..]);
        let (mut zeros, mut neg_inf, mut pos_inf) = (0, 0, 0);
        let mut counted = values.len();
        // `|x|`'s bits moved up one place: the sign drops out with one shift. (Masking
        // it off instead is compiled with a constant written into part of a
        // register, which can make each value wait on the previous value's count.)
        let (min_positive, infinity) = (f64::MIN_POSITIVE.to_bits() << 1, f64::INFINITY.to_bits() << 1);
        for (i, x) in values.iter().enumerate() {
            let bits = x.to_bits();
            let doubled = bits << 1;
            if doubled < min_positive {
                zeros += 1; // zero or subnormal
                continue;
            }
            if doubled >= infinity {
                if doubled == infinity {
                    if bits & SIGN == 0 { pos_inf += 1 } else { neg_inf += 1 }
                }
                continue; // NaN is not counted
            }
            let (first, counts) =
                if bits & SIGN == 0 { (positive_first, &mut *positive) } else { (negative_first, &mut *negative) };
            match counts.get_mut((doubled >> (shift + 1)).wrapping_sub(first) as usize) {
                Some(c) if *c < u16::MAX => *c += 1,
                _ => {
                    counted = i;
                    break;
                }
            }
        }
        self.zeros += zeros;
        self.neg_inf += neg_inf;
        self.pos_inf += pos_inf;
        counted
    }

    /// Counts one finite value that [`Sketch::count_in_range`] left: its bucket is
    /// added to the range (halving the resolution if the range grows too wide), or
    /// its count carried past 16 bits.
    #[cold]
    fn count_one(&mut self, x: f64) {
        let index = x.abs().to_bits() >> self.shift();
        let grew = if x > 0.0 { self.positive.add(index, 1) } else { self.negative.add(index, 1) };
        // Only a range that grew can need a coarser resolution.
        if grew && (self.positive.span() > MAX_BUCKETS || self.negative.span() > MAX_BUCKETS) {
            self.fit();
        }
    }

    /// Halves the resolution until both signs fit in [`MAX_BUCKETS`].
    fn fit(&mut self) {
        while (self.positive.span() > MAX_BUCKETS || self.negative.span() > MAX_BUCKETS) && self.bits > 0 {
            self.coarsen();
        }
    }

    fn coarsen(&mut self) {
        self.positive.coarsen();
        self.negative.coarsen();
        self.bits -= 1;
    }

    /// Adds everything `other` counted.
    pub fn merge(&mut self, other: &Sketch) {
        while self.bits > other.bits {
            self.coarsen();
        }
        let coarser;
        let other = if other.bits > self.bits {
            let mut o = other.clone();
            while o.bits > self.bits {
                o.coarsen();
            }
            coarser = o;
            &coarser
        } else {
            other
        };
        for (i, c) in other.positive.iter() {
            let _ = self.positive.add(i, c);
        }
        for (i, c) in other.negative.iter() {
            let _ = self.negative.add(i, c);
        }
        self.zeros += other.zeros;
        self.neg_inf += other.neg_inf;
        self.pos_inf += other.pos_inf;
        self.n += other.n;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.fit();
    }

    /// Values counted.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The bound on the relative error of an order statistic: `2^-(m+1)` for the
    /// `m` mantissa bits kept.
    pub fn relative_error(&self) -> f64 {
        0.5f64.powi(self.bits as i32 + 1)
    }

    /// The midpoint of bucket `index` of magnitudes.
    fn midpoint(&self, index: u64) -> f64 {
        let lo = f64::from_bits(index << self.shift());
        let hi = f64::from_bits((index + 1) << self.shift());
        if hi.is_finite() { lo + 0.5 * (hi - lo) } else { lo }
    }

    /// The buckets in increasing order of value: `(representative, count)`.
    fn ascending(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let neg_inf = (self.neg_inf > 0).then_some((f64::NEG_INFINITY, self.neg_inf));
        let negative = self.negative.iter().rev().map(|(i, c)| (-self.midpoint(i), c));
        let zeros = (self.zeros > 0).then_some((0.0, self.zeros));
        let positive = self.positive.iter().map(|(i, c)| (self.midpoint(i), c));
        let pos_inf = (self.pos_inf > 0).then_some((f64::INFINITY, self.pos_inf));
        neg_inf.into_iter().chain(negative).chain(zeros).chain(positive).chain(pos_inf)
    }

    /// The order statistic of rank `r` (0-based, `r < len()`), within the bound;
    /// the exact minimum and maximum at the ends.
    ///
    /// # Panics
    /// If `r >= len()`: a programming error.
    pub fn order_statistic(&self, r: u64) -> f64 {
        self.order_statistics(&[r])[0]
    }

    /// [`Sketch::order_statistic`] of each of `ranks` (ascending), in one pass over
    /// the buckets.
    fn order_statistics(&self, ranks: &[u64]) -> Vec<f64> {
        let mut buckets = self.ascending();
        let (mut seen, mut current) = (0, None);
        ranks
            .iter()
            .map(|&r| {
                assert!(r < self.n, "rank {r} of {} values", self.n);
                if r == 0 {
                    return self.min;
                }
                if r == self.n - 1 {
                    return self.max;
                }
                while seen <= r {
                    let Some((v, c)) = buckets.next() else { break };
                    seen += c;
                    current = Some(v);
                }
                // A representative never lies outside the values seen.
                match current {
                    Some(v) if r < seen => v.clamp(self.min, self.max),
                    _ => self.max,
                }
            })
            .collect()
    }

    /// The type-7 quantiles at `levels` (each in [0, 1]), from the order statistics
    /// within the bound.
    ///
    /// # Panics
    /// If the sketch is empty: a programming error.
    pub fn quantiles(&self, levels: &[f64]) -> Vec<f64> {
        assert!(self.n > 0, "quantiles of an empty sketch");
        let ranks = |p: f64| {
            let h = (self.n - 1) as f64 * p;
            let lo = h.floor() as u64;
            (h, lo, (lo + 1).min(self.n - 1))
        };
        let mut wanted: Vec<u64> = levels
            .iter()
            .flat_map(|p| {
                let (_, lo, hi) = ranks(*p);
                [lo, hi]
            })
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let stats = self.order_statistics(&wanted);
        let at = |r: u64| stats[wanted.partition_point(|w| *w < r)];
        levels
            .iter()
            .map(|p| {
                let (h, lo, hi) = ranks(*p);
                let (a, b) = (at(lo), at(hi));
                super::interpolate(a, b, h - lo as f64)
            })
            .collect()
    }

    /// The non-empty buckets in increasing order of value, each as `(value, count)`:
    /// its representative within the bound of every value in it, kept within the
    /// least and greatest values counted. What a mixture of sketches needs (see
    /// [`crate::stats::mixture`]).
    pub fn buckets(&self) -> Vec<(f64, u64)> {
        self.ascending().map(|(v, c)| (v.clamp(self.min, self.max), c)).collect()
    }

    /// Fractions of the values in `bins` equal bins over `[lo, hi]`, each bucket
    /// counted in the bin of its representative (values outside in the edge bins).
    pub fn histogram(&self, lo: f64, hi: f64, bins: usize) -> Vec<f64> {
        let mut counts = vec![0u64; bins];
        let width = (hi - lo) / bins as f64;
        for (v, c) in self.ascending() {
            let b = ((v - lo) / width).floor().clamp(0.0, (bins - 1) as f64) as usize;
            counts[b] += c;
        }
        let n = self.n.max(1) as f64;
        counts.into_iter().map(|c| c as f64 / n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;
    use rand::{RngExt, SeedableRng};
    use rand_distr::{Distribution, LogNormal, Normal};

    fn sketch_of(values: &[f64]) -> Sketch {
        let mut s = Sketch::new();
        s.add_all(values);
        s
    }

    /// Every type-7 quantile of the sketch is within its bound of the exact one.
    fn check_bound(values: &[f64]) {
        let s = sketch_of(values);
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let levels: Vec<f64> = (0..=200).map(|i| i as f64 / 200.0).collect();
        for (p, got) in levels.iter().zip(s.quantiles(&levels)) {
            let exact = quantile_sorted(&sorted, *p);
            let h = (sorted.len() - 1) as f64 * p;
            let (a, b) = (sorted[h.floor() as usize], sorted[(h.floor() as usize + 1).min(sorted.len() - 1)]);
            let bound = s.relative_error() * a.abs().max(b.abs());
            assert!((got - exact).abs() <= bound, "p = {p}: {got} vs {exact}, bound {bound}");
        }
    }

    #[test]
    fn quantiles_are_within_the_relative_bound_of_the_exact_ones() {
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([8; 32]);
        let lognormal = LogNormal::new(3.0, 1.5).unwrap();
        let normal = Normal::new(-2.0, 40.0).unwrap();
        let skewed: Vec<f64> = (0..100_000).map(|_| lognormal.sample(&mut rng)).collect();
        let signed: Vec<f64> = (0..100_000).map(|_| normal.sample(&mut rng)).collect();
        let mut mixed: Vec<f64> =
            (0..50_000).map(|i| if i % 5 == 0 { 0.0 } else { rng.random::<f64>() * 38.0 }).collect();
        mixed.extend([38.0; 1000]);
        for values in [skewed, signed, mixed, vec![7.0], vec![-1.0, 1.0]] {
            check_bound(&values);
        }
        assert!(Sketch::new().relative_error() < 0.0005);
    }

    #[test]
    fn merging_gives_the_same_sketch_in_any_order() {
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([9; 32]);
        let values: Vec<f64> = (0..20_000).map(|_| (rng.random::<f64>() - 0.3) * 1e3).collect();
        let whole = sketch_of(&values);
        for chunk in [1, 256, 7000] {
            let mut forward = Sketch::new();
            let mut backward = Sketch::new();
            let parts: Vec<Sketch> = values.chunks(chunk).map(sketch_of).collect();
            parts.iter().for_each(|p| forward.merge(p));
            parts.iter().rev().for_each(|p| backward.merge(p));
            assert_eq!(forward, whole, "chunks of {chunk}");
            assert_eq!(backward, whole, "chunks of {chunk}, reversed");
        }
    }

    #[test]
    fn a_huge_range_coarsens_the_resolution_and_reports_the_bound_that_holds() {
        let values: Vec<f64> = (-300..300).map(|e| 10f64.powi(e)).chain([f64::INFINITY, -5.0]).collect();
        let s = sketch_of(&values);
        assert!(s.relative_error() > Sketch::new().relative_error());
        assert!(s.positive.span() <= MAX_BUCKETS);
        check_bound(&values[..values.len() - 2]);
        assert_eq!(s.order_statistic(s.len() - 1), f64::INFINITY);
        assert_eq!(s.order_statistic(0), -5.0);
        // Merging a fine sketch into a coarse one gives the coarse resolution.
        let mut fine = sketch_of(&[1.0, 2.0]);
        fine.merge(&s);
        assert_eq!(fine.relative_error(), s.relative_error());
        assert_eq!(fine.len(), s.len() + 2);
    }

    #[test]
    fn counts_past_16_bits_are_carried_exactly() {
        // 70,000 equal values pass a 16-bit count; merges and coarsening keep them.
        let mut values = vec![1.0; 70_000];
        values.extend((0..1000).map(|i| 2.0 + i as f64));
        values.extend(std::iter::repeat_n(1.0, 70_000));
        let whole = sketch_of(&values);
        assert_eq!(whole.len(), 141_000);
        let (one, two) = (whole.order_statistic(139_999), whole.order_statistic(140_000));
        assert!((one - 1.0).abs() <= whole.relative_error() && (two - 2.0).abs() <= 2.0 * whole.relative_error());
        let mut merged = Sketch::new();
        values.chunks(30_000).for_each(|c| merged.merge(&sketch_of(c)));
        assert_eq!(merged, whole);
        let mut twice = whole.clone();
        twice.merge(&whole);
        assert_eq!(twice.len(), 282_000);
        assert_eq!((twice.order_statistic(279_999), twice.order_statistic(280_000)), (one, two));
        check_bound(&values);
        // Coarsening adds the counts of neighbouring buckets, carried ones too.
        let mut coarse = whole.clone();
        coarse.coarsen();
        assert_eq!(coarse.positive.iter().map(|(_, c)| c).sum::<u64>(), 141_000);
        assert_eq!(coarse.order_statistic(70_000), coarse.midpoint(1.0f64.to_bits() >> coarse.shift()));
    }

    #[test]
    fn blocks_of_values_count_as_one_by_one() {
        // Zeros, -0, subnormals, a range wide enough to coarsen, and 16-bit carries:
        // counted a block at a time and one by one, the same sketch.
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([11; 32]);
        let mut values: Vec<f64> = (0..40_000)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => -0.0,
                2 => 1e-310,
                3 => 10f64.powi(rng.random_range(-300..300)),
                _ => rng.random::<f64>() * 38.0,
            })
            .collect();
        values.extend(std::iter::repeat_n(3.0, 70_000));
        for block in [1, 3, 256, 50_000] {
            let mut blocks = Sketch::new();
            let mut single = Sketch::new();
            for chunk in values.chunks(block) {
                blocks.add_all(chunk);
                chunk.iter().for_each(|x| single.add(*x));
            }
            assert_eq!(blocks, single, "blocks of {block}");
            assert_eq!(blocks.len(), values.len() as u64);
        }
        let mut zeros = Sketch::new();
        zeros.add_all(&[0.0, 1e-320, -0.0]);
        assert_eq!((zeros.len(), zeros.order_statistic(1)), (3, 0.0));
    }

    #[test]
    fn every_value_is_counted_where_its_bits_say() {
        // Against counting value by value from the definition: NaN of either sign
        // left out, zeros and subnormals counted as zeros, infinities by sign, and
        // every other value in the bucket of its magnitude's top bits, by sign, at
        // the resolution the sketch ends with (the least normal number widens the
        // range enough to coarsen it part-way through), and a bucket carried past
        // 16 bits. The first two blocks hold nothing but zeros of both signs and NaN,
        // which are counted at once.
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([12; 32]);
        let specials =
            [0.0, -0.0, 1e-310, -4.9e-324, f64::MIN_POSITIVE, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN];
        let mut values: Vec<f64> = [0.0, -0.0, f64::NAN].iter().copied().cycle().take(512).collect();
        values.extend((0..30_000).map(|i| match i % 4 {
            0 => specials[rng.random_range(0..specials.len())],
            1 => -(10f64.powf(rng.random_range(-5.0..5.0))),
            _ => 10f64.powf(rng.random_range(-5.0..5.0)),
        }));
        values.extend(std::iter::repeat_n(7.25, 70_000));
        let mut sketch = Sketch::new();
        values.chunks(256).for_each(|block| sketch.add_all(block));
        assert!(sketch.bits < MANTISSA_BITS, "coarsened part-way");
        let shift = 52 - sketch.bits;
        let (mut zeros, mut pos_inf, mut neg_inf) = (0, 0, 0);
        let (mut positive, mut negative) = (std::collections::BTreeMap::new(), std::collections::BTreeMap::new());
        for x in values.iter().filter(|x| !x.is_nan()) {
            if x.abs() < f64::MIN_POSITIVE {
                zeros += 1;
            } else if x.is_infinite() {
                if *x > 0.0 { pos_inf += 1 } else { neg_inf += 1 }
            } else {
                let side = if *x > 0.0 { &mut positive } else { &mut negative };
                *side.entry(x.abs().to_bits() >> shift).or_insert(0u64) += 1;
            }
        }
        assert_eq!((sketch.zeros, sketch.pos_inf, sketch.neg_inf), (zeros, pos_inf, neg_inf));
        assert_eq!(sketch.positive.iter().collect::<Vec<_>>(), positive.into_iter().collect::<Vec<_>>());
        assert_eq!(sketch.negative.iter().collect::<Vec<_>>(), negative.into_iter().collect::<Vec<_>>());
        assert_eq!(sketch.len(), values.iter().filter(|x| !x.is_nan()).count() as u64);
    }

    #[test]
    fn histograms_count_every_value_once() {
        let s = sketch_of(&[0.0, 0.5, 1.0, 1.5, 2.0, 9.0, -3.0]);
        let h = s.histogram(0.0, 2.0, 2);
        assert_eq!(h, vec![3.0 / 7.0, 4.0 / 7.0]);
    }
}
