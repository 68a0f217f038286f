//! Statistics over paths (MODEL.md §5).
//!
//! [`sum`] adds exactly (Shewchuk), [`sketch`] approximates quantiles within a
//! relative bound; both merge without depending on the order of what they merge.
//!
//! [`series`] accumulates one per-path quantity block by block from both. Standard
//! deviations use `n - 1`, and quantiles interpolate linearly between order
//! statistics: Hyndman and Fan's type 7, the default of numpy and R. [`Summary::of`]
//! summarises a sample held whole (a mean summed in order around the first value,
//! so a constant sample has exactly its value as mean and zero spread).

pub mod mixture;
pub mod series;
pub mod sketch;
pub mod sum;

/// The quantile method of every quantile this module computes, as the manifest
/// names it.
pub const QUANTILE_METHOD: &str = "linear interpolation between order statistics (Hyndman-Fan type 7, numpy/R default)";

/// The 97.5% quantile of the standard normal: half-width of a 95% interval in standard errors.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Quantile levels reported in `summary.csv`.
pub const LEVELS: [f64; 9] = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99];

/// The type-7 quantiles of `values` at `levels` (each in [0, 1]), in that order.
/// Only the order statistics they need are found, by selection: the same numbers
/// as a full sort, in a fraction of the time. `values` is left partly reordered.
///
/// # Panics
/// If `values` is empty: a programming error.
pub fn quantiles(values: &mut [f64], levels: &[f64]) -> Vec<f64> {
    quantiles_of_parts(&mut [values], levels)
}

/// [`quantiles`] of the values of all of `parts` together, found without joining
/// them into one sample (but for a sample too small to select by radix, whose
/// parts are joined unless one holds them all).
///
/// # Panics
/// If every part is empty: a programming error.
pub fn quantiles_of_parts(parts: &mut [&mut [f64]], levels: &[f64]) -> Vec<f64> {
    let n = parts.iter().map(|p| p.len()).sum::<usize>();
    let mut positions: Vec<usize> = levels
        .iter()
        .flat_map(|p| {
            let lo = ((n - 1) as f64 * p).floor() as usize;
            [lo, (lo + 1).min(n - 1)]
        })
        .collect();
    positions.sort_unstable();
    positions.dedup();
    // The radix pass counts in 32 bits and names at most 2^16 - 1 buckets.
    if n < RADIX_FROM || n > u32::MAX as usize || positions.len() >= u16::MAX as usize {
        // A sample with one non-empty part is selected in place; others are joined
        // (below 65,536 values in a run; only a library caller reaches the rest).
        let mut joined;
        let mut non_empty = parts.iter_mut().filter(|p| !p.is_empty());
        let values: &mut [f64] = match (non_empty.next(), non_empty.next()) {
            (Some(one), None) => one,
            _ => {
                joined = parts.concat();
                &mut joined
            }
        };
        select_positions(values, &positions, 0);
        return levels.iter().map(|p| quantile_sorted(values, *p)).collect();
    }
    let found = select_by_radix(parts, &positions);
    let at = |i: usize| found[positions.binary_search(&i).expect("every position a level reads was selected")];
    levels
        .iter()
        .map(|p| {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            interpolate(at(lo), at((lo + 1).min(n - 1)), h - lo as f64)
        })
        .collect()
}

/// Samples from which order statistics are found by [`select_by_radix`]; smaller
/// ones are selected in place.
const RADIX_FROM: usize = 1 << 16;

/// Leading bits of [`order_key`] that name a bucket of [`select_by_radix`].
const RADIX_BITS: u32 = 16;

/// A key whose unsigned order is the order of [`f64::total_cmp`]: the sign bit
/// flipped for positive values, every bit for negative ones.
#[inline]
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The values a full ascending sort (by [`f64::total_cmp`]) of all the values of
/// `parts` would put at each of `positions` (ascending, distinct), in that order:
/// the order statistics themselves, exactly those of [`select_positions`], in two
/// passes over the values rather than one partition per position. The first pass
/// counts the values in buckets of the leading [`RADIX_BITS`] of their
/// [`order_key`] (a sixteenth of a binade each), which tells the bucket of every
/// order statistic and its rank in it; the second gathers the values of those
/// buckets only, and each is selected in (the radix selection of Knuth, TAOCP
/// vol. 3, §5.2.5, one digit deep).
fn select_by_radix(parts: &[&mut [f64]], positions: &[usize]) -> Vec<f64> {
    const BUCKETS: usize = 1 << RADIX_BITS;
    const SHIFT: u32 = 64 - RADIX_BITS;
    const NONE: u16 = u16::MAX;
    let mut counts = vec![0u32; BUCKETS];
    // Part by part: a loop over one slice stays a plain loop.
    for part in parts {
        for v in part.iter() {
            counts[(order_key(*v) >> SHIFT) as usize] += 1;
        }
    }
    // The bucket of each position, its rank in the bucket, and each bucket's slot.
    let mut slot = vec![NONE; BUCKETS];
    let mut targets: Vec<(usize, usize)> = Vec::new(); // (bucket, its first position)
    let mut located: Vec<(u16, usize)> = Vec::with_capacity(positions.len()); // (slot, rank)
    let (mut bucket, mut before) = (0usize, 0usize);
    for &p in positions {
        while before + counts[bucket] as usize <= p {
            before += counts[bucket] as usize;
            bucket += 1;
        }
        if slot[bucket] == NONE {
            slot[bucket] = targets.len() as u16;
            targets.push((bucket, before));
        }
        located.push((slot[bucket], p - before));
    }
    // Each target bucket's values, side by side.
    let mut start: Vec<usize> = Vec::with_capacity(targets.len() + 1);
    start.push(0);
    for (b, _) in &targets {
        start.push(start.last().copied().unwrap_or(0) + counts[*b] as usize);
    }
    let mut gathered = vec![0.0; start[targets.len()]];
    let mut next: Vec<usize> = start[..targets.len()].to_vec();
    for part in parts {
        for v in part.iter() {
            let s = slot[(order_key(*v) >> SHIFT) as usize];
            if s != NONE {
                gathered[next[s as usize]] = *v;
                next[s as usize] += 1;
            }
        }
    }
    // Select each bucket's order statistics within it; a bucket of one value (a cap
    // that binds, a year many paths end in) needs no selection.
    for (s, _) in targets.iter().enumerate() {
        let bucket = &mut gathered[start[s]..start[s + 1]];
        let first = bucket[0].to_bits();
        if bucket.iter().all(|v| v.to_bits() == first) {
            continue;
        }
        let ranks: Vec<usize> = located.iter().filter(|(t, _)| *t as usize == s).map(|(_, r)| *r).collect();
        select_positions(bucket, &ranks, 0);
    }
    located.iter().map(|(s, r)| gathered[start[*s as usize] + r]).collect()
}

/// Rearranges `values` so that each index in `positions` (ascending, relative to
/// the whole sample, `offset` being where `values` starts) holds the value a full
/// ascending sort would put there, by recursive selection.
fn select_positions(values: &mut [f64], positions: &[usize], offset: usize) {
    if positions.is_empty() || values.len() <= 1 {
        return;
    }
    let mid = positions.len() / 2;
    let at = positions[mid] - offset;
    values.select_nth_unstable_by(at, f64::total_cmp);
    let (left, rest) = values.split_at_mut(at);
    select_positions(left, &positions[..mid], offset);
    select_positions(&mut rest[1..], &positions[mid + 1..], offset + at + 1);
}

/// The type-7 quantile at level `p` of an ascending, non-empty sample (or of one
/// whose order statistics at the positions it reads are in place).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    interpolate(sorted[lo], sorted[hi], h - lo as f64)
}

/// `a + f (b - a)`, the type-7 step between two order statistics, exactly `a` when
/// `f = 0` or `a = b`: so that a sample of `inf` (an event that never happens) has
/// `inf` as its quantiles, not `inf - inf`.
pub fn interpolate(a: f64, b: f64, f: f64) -> f64 {
    if f == 0.0 || a == b { a } else { a + f * (b - a) }
}

/// Summary of one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Number of values.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Standard deviation with `n - 1`; `None` when `n < 2`.
    pub sd: Option<f64>,
    /// Standard error of the mean, `sd / sqrt(n)`.
    pub se: Option<f64>,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Quantiles at [`LEVELS`].
    pub quantiles: [f64; 9],
}

impl Summary {
    /// Summarises `values` (in path order); `None` for an empty sample.
    pub fn of(mut values: Vec<f64>) -> Option<Summary> {
        let n = values.len();
        let first = *values.first()?;
        let shifted: f64 = values.iter().map(|x| x - first).sum();
        let mean = first + shifted / n as f64;
        let sd = (n > 1).then(|| {
            let ss: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
            (ss / (n - 1) as f64).sqrt()
        });
        let se = sd.map(|s| s / (n as f64).sqrt());
        // Levels 0 and 1 are the minimum and maximum.
        let levels: Vec<f64> = [0.0].into_iter().chain(LEVELS).chain([1.0]).collect();
        let q = quantiles(&mut values, &levels);
        let quantiles = std::array::from_fn(|i| q[i + 1]);
        Some(Summary { n, mean, sd, se, min: q[0], max: q[LEVELS.len() + 1], quantiles })
    }

    /// The quantile at one of the [`LEVELS`] (e.g. `0.05`).
    ///
    /// # Panics
    /// If `level` is not one of [`LEVELS`]: a programming error.
    pub fn quantile(&self, level: f64) -> f64 {
        let i = LEVELS.iter().position(|l| *l == level).expect("level is one of LEVELS");
        self.quantiles[i]
    }
}

/// A probability estimated as a share of paths, with its binomial standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    /// `count / n`.
    pub p: f64,
    /// `sqrt(p (1 - p) / n)`.
    pub se: f64,
}

impl Proportion {
    /// The share of `count` in `n`.
    pub fn of(count: usize, n: usize) -> Proportion {
        let p = count as f64 / n as f64;
        Proportion { p, se: (p * (1.0 - p) / n as f64).sqrt() }
    }
}

/// Fractions of `values` in `bins` equal bins over `[lo, hi]`; values outside the
/// range are counted in the first or last bin. `lo < hi` is required.
pub fn histogram<'a>(values: impl IntoIterator<Item = &'a f64>, lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut counts = vec![0usize; bins];
    let width = (hi - lo) / bins as f64;
    let mut n = 0usize;
    // `for_each` runs a loop per part of values given in parts (a flattened
    // iterator), not one step of the outer iterator per value.
    values.into_iter().for_each(|v| {
        n += 1;
        if !v.is_nan() {
            let b = ((v - lo) / width).floor().clamp(0.0, (bins - 1) as f64) as usize;
            counts[b] += 1;
        }
    });
    let n = n.max(1) as f64;
    counts.into_iter().map(|c| c as f64 / n).collect()
}

/// A range for a histogram of `values`: its min and max, widened by 0.5 on each
/// side when all values are equal.
pub fn histogram_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) =
        values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (-0.5, 0.5);
    }
    if lo < hi { (lo, hi) } else { (lo - 0.5, hi + 0.5) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_parts_are_those_of_the_joined_sample() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(9);
        let levels = [0.0, 0.005, 0.01, 0.3333, 0.5, 0.95, 0.995, 1.0];
        // Below and above the size from which order statistics are found by radix;
        // uneven parts, an empty one, ties and both signs.
        for n in [1_000, 70_000, 200_001] {
            let values: Vec<f64> =
                (0..n).map(|i| if i % 7 == 0 { 3.5 } else { rng.random::<f64>() * 200.0 - 50.0 }).collect();
            let cuts = [0, n / 5, n / 5, n / 2 + 3, n];
            let mut parts: Vec<Vec<f64>> = cuts.windows(2).map(|w| values[w[0]..w[1]].to_vec()).collect();
            let mut slices: Vec<&mut [f64]> = parts.iter_mut().map(|p| p.as_mut_slice()).collect();
            let got = quantiles_of_parts(&mut slices, &levels);
            let want = quantiles(&mut values.clone(), &levels);
            assert_eq!(
                got.iter().map(|q| q.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|q| q.to_bits()).collect::<Vec<_>>(),
                "n = {n}"
            );
            // And those of a full sort, at every level.
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let by_sort: Vec<f64> = levels.iter().map(|p| quantile_sorted(&sorted, *p)).collect();
            assert_eq!(got, by_sort, "n = {n}");
        }
    }

    #[test]
    fn a_sample_of_never_has_never_as_its_quantiles() {
        let mut never = vec![f64::INFINITY; 5];
        assert_eq!(quantiles(&mut never, &[0.0, 0.5, 0.95]), [f64::INFINITY; 3]);
        let mut mixed = vec![1.0, 2.0, f64::INFINITY];
        assert_eq!(quantiles(&mut mixed, &[0.5, 0.75]), [2.0, f64::INFINITY]);
    }

    #[test]
    fn quantiles_match_numpy_linear_interpolation() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.01, 0.25, 0.5, 0.9]) = [1.04, 2, 3, 7.6]
        let s = Summary::of(vec![3.0, 1.0, 10.0, 2.0, 4.0]).unwrap();
        assert!((s.quantile(0.01) - 1.04).abs() < 1e-12);
        assert_eq!(s.quantile(0.25), 2.0);
        assert_eq!(s.quantile(0.5), 3.0);
        assert!((s.quantile(0.9) - 7.6).abs() < 1e-12);
        assert_eq!((s.min, s.max), (1.0, 10.0));
    }

    #[test]
    fn selection_gives_the_same_quantiles_as_a_full_sort() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([5; 32]);
        for n in [1, 2, 3, 10, 101, 1000, 4097] {
            let values: Vec<f64> =
                (0..n).map(|i| if i % 7 == 0 { 1.0 } else { rng.random::<f64>() * 100.0 - 50.0 }).collect();
            let mut sorted = values.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let s = Summary::of(values).unwrap();
            assert_eq!(s.quantiles, LEVELS.map(|p| quantile_sorted(&sorted, p)), "n = {n}");
            assert_eq!((s.min, s.max), (sorted[0], sorted[n - 1]));
        }
    }

    #[test]
    fn radix_selection_gives_the_same_quantiles_as_a_full_sort() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([9; 32]);
        let levels: Vec<f64> = (0..=100).map(|i| i as f64 / 100.0).chain(LEVELS).chain([0.123_456_7]).collect();
        let n = RADIX_FROM + 4321;
        // Lognormal money, a cap binding on most paths, signed flows with zeros of
        // both signs, values in one bucket, and infinities.
        let samples: [Vec<f64>; 5] = [
            (0..n).map(|_| (rng.random::<f64>() * 8.0 - 4.0).exp()).collect(),
            (0..n).map(|_| if rng.random::<f64>() < 0.89 { 38.0 } else { rng.random::<f64>() * 38.0 }).collect(),
            (0..n)
                .map(|i| match i % 5 {
                    0 => 0.0,
                    1 => -0.0,
                    _ => (rng.random::<f64>() - 0.4) * 1e3,
                })
                .collect(),
            (0..n).map(|_| 1.0 + rng.random::<f64>() * 1e-3).collect(),
            (0..n).map(|i| if i % 3 == 0 { f64::INFINITY } else { -rng.random::<f64>() * 10.0 }).collect(),
        ];
        for (k, values) in samples.into_iter().enumerate() {
            let mut sorted = values.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let want: Vec<u64> = levels.iter().map(|p| quantile_sorted(&sorted, *p).to_bits()).collect();
            let got: Vec<u64> = quantiles(&mut values.clone(), &levels).into_iter().map(f64::to_bits).collect();
            assert_eq!(got, want, "sample {k}");
        }
    }

    #[test]
    fn mean_sd_and_se_use_n_minus_one() {
        let s = Summary::of(vec![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.mean, 5.0);
        let sd = (32.0f64 / 7.0).sqrt();
        assert!((s.sd.unwrap() - sd).abs() < 1e-12);
        assert!((s.se.unwrap() - sd / 8f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn a_constant_sample_has_exactly_its_value_and_no_spread() {
        let s = Summary::of(vec![0.1; 100_003]).unwrap();
        assert_eq!((s.mean, s.sd, s.min, s.max), (0.1, Some(0.0), 0.1, 0.1));
        assert!(s.quantiles.iter().all(|q| *q == 0.1));
    }

    #[test]
    fn tiny_samples_have_no_spread_and_empty_ones_no_summary() {
        let s = Summary::of(vec![3.0]).unwrap();
        assert_eq!((s.n, s.mean, s.sd, s.se), (1, 3.0, None, None));
        assert!(s.quantiles.iter().all(|q| *q == 3.0));
        assert!(Summary::of(Vec::new()).is_none());
    }

    #[test]
    fn histograms_count_fractions_and_clamp_to_the_edges() {
        let h = histogram(&[0.0, 0.5, 1.0, 1.5, 2.0, 9.0, -3.0], 0.0, 2.0, 2);
        assert_eq!(h, vec![3.0 / 7.0, 4.0 / 7.0]);
        assert_eq!(histogram_range([2.0, 2.0].into_iter()), (1.5, 2.5));
        assert_eq!(histogram_range([1.0, f64::INFINITY, 3.0].into_iter()), (1.0, 3.0));
    }

    #[test]
    fn proportions_carry_the_binomial_standard_error() {
        let p = Proportion::of(25, 100);
        assert_eq!(p.p, 0.25);
        assert!((p.se - (0.25f64 * 0.75 / 100.0).sqrt()).abs() < 1e-15);
        assert_eq!(Proportion::of(0, 10).se, 0.0);
    }
}
