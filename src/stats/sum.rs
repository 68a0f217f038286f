//! Exact, mergeable sums: the floating-point sum of many values rounded once, so
//! that it does not depend on the order in which they, or partial sums of them, are
//! added.
//!
//! The method is Shewchuk's (Shewchuk 1997, "Adaptive precision floating-point
//! arithmetic and fast robust geometric predicates"; the algorithm behind Python's
//! `math.fsum`): the running sum is kept as a short list of non-overlapping
//! partials whose exact sum is the exact sum of everything added; [`ExactSum::value`]
//! rounds it correctly to the nearest `f64` (ties to even). Two sums merge exactly
//! by adding one's partials into the other.
//!
//! Values are added scaled by 2^-64 (exact for every value above 2^-958) and the sum
//! scaled back, so that no partial sum of up to 2^60 finite values can overflow: an
//! overflow would make the result depend on the order of the values.

/// The scale of the values summed, and its inverse.
const DOWN: f64 = 1.0 / 18_446_744_073_709_551_616.0;
const UP: f64 = 18_446_744_073_709_551_616.0;

/// The exact sum of the values added so far.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExactSum {
    /// Non-overlapping partials in increasing magnitude; their exact sum is the sum.
    partials: Vec<f64>,
    /// The sum of non-finite values (`inf`, `-inf`, NaN), which have no partials.
    special: f64,
}

impl ExactSum {
    /// An empty sum (zero).
    pub fn new() -> ExactSum {
        ExactSum::default()
    }

    /// Adds `x` exactly.
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            self.special += x;
            return;
        }
        self.add_scaled(x * DOWN);
    }

    /// Adds a value already scaled by [`DOWN`].
    fn add_scaled(&mut self, x: f64) {
        let mut x = x;
        let mut kept = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        self.partials.push(x);
    }

    /// Adds everything `other` holds, exactly.
    pub fn merge(&mut self, other: &ExactSum) {
        for p in &other.partials {
            self.add_scaled(*p);
        }
        self.special += other.special;
    }

    /// The exact sum rounded to the nearest `f64`, ties to even (`inf` beyond the
    /// largest `f64`).
    pub fn value(&self) -> f64 {
        if self.special != 0.0 || self.special.is_nan() {
            return self.special;
        }
        self.scaled_value() * UP
    }

    /// The exact sum of the scaled values, rounded.
    fn scaled_value(&self) -> f64 {
        let p = &self.partials;
        let Some(mut n) = p.len().checked_sub(1) else { return 0.0 };
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            n -= 1;
            let x = hi;
            let y = p[n];
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                break;
            }
        }
        // Round half to even when the rest of the partials push the halfway case.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn sum(values: &[f64]) -> f64 {
        let mut s = ExactSum::new();
        values.iter().for_each(|v| s.add(*v));
        s.value()
    }

    #[test]
    fn sums_are_exact_where_naive_addition_is_not() {
        assert_eq!(sum(&[1e16, 1.0, -1e16]), 1.0);
        assert_eq!(sum(&[0.1; 10]), 1.0);
        assert_eq!(sum(&[]), 0.0);
        // No partial sum overflows, so the order cannot matter.
        assert_eq!(sum(&[1e308, 1e308, -1e308]), 1e308);
        assert_eq!(sum(&[1e308, -1e308, 1e308]), 1e308);
        assert_eq!(sum(&[1e308, 1e308]), f64::INFINITY);
        // Python's math.fsum([1, 1e100, 1, -1e100] * 10000) == 20000.0
        let many: Vec<f64> = (0..10_000).flat_map(|_| [1.0, 1e100, 1.0, -1e100]).collect();
        assert_eq!(sum(&many), 20000.0);
        assert_eq!(sum(&[f64::INFINITY, 1.0]), f64::INFINITY);
        assert!(sum(&[f64::INFINITY, f64::NEG_INFINITY]).is_nan());
    }

    #[test]
    fn the_value_does_not_depend_on_the_order_or_the_grouping() {
        let mut rng = rand::rngs::ChaCha8Rng::from_seed([3; 32]);
        let values: Vec<f64> =
            (0..5000).map(|_| (rng.random::<f64>() - 0.5) * 10f64.powi(rng.random_range(-20..20))).collect();
        let reference = sum(&values);
        let mut reversed = values.clone();
        reversed.reverse();
        assert_eq!(sum(&reversed).to_bits(), reference.to_bits());
        for chunk in [1, 7, 256, 1000] {
            let mut total = ExactSum::new();
            for part in values.chunks(chunk).rev() {
                let mut s = ExactSum::new();
                part.iter().for_each(|v| s.add(*v));
                total.merge(&s);
            }
            assert_eq!(total.value().to_bits(), reference.to_bits(), "chunks of {chunk}");
        }
    }
}
