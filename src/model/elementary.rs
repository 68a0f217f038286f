//! `exp` and `ln(1 + x)` for the monthly grid, over whole slices, in plain IEEE
//! arithmetic.
//!
//! Method: the algorithms of fdlibm's `e_exp.c` and `s_log1p.c` (Sun Microsystems,
//! 1993; "Developed at SunPro, a Sun Microsystems, Inc. business. Permission to use,
//! copy, modify, and distribute this software is freely granted, provided that this
//! notice is preserved."), whose error is below one unit in the last place:
//!
//! - `exp(x)`: `x = k ln2 + r` with `|r| <= ln2 / 2`, `exp(r)` from the rational
//!   approximation `1 + r + r c / (2 - c)`, `c = r - r^2 (P1 + ... + P5 r^8)`, and
//!   `exp(x) = 2^k exp(r)`;
//! - `ln(1 + x)`: `1 + x = 2^k (1 + f)` with `sqrt(2)/2 <= 1 + f < sqrt(2)`, the
//!   rounding of `1 + x` carried as a correction `c`, and
//!   `ln(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2))`, `s = f / (2 + f)`, `R` the
//!   degree-14 minimax polynomial `Lg1 s^2 + ... + Lg7 s^14`.
//!
//! Why not the platform's `f64::exp` and `f64::ln_1p`: they are calls into the C
//! library, one value at a time, and their last bit may differ between C libraries
//! and versions. These are written without branches on the value (but for the one
//! that sends a slice holding a value out of their range to the platform's
//! functions), so the compiler turns a slice's loop into vector instructions,
//! and every machine computes the same bits from the same inputs: no fused
//! multiply-add, no table, nothing but `+ - * /` and bit operations. Each is tested
//! against the platform's function to within one unit in the last place.

// The constants are fdlibm's, digit for digit as published (more digits than an
// f64 holds; each rounds to the intended double).
#![allow(clippy::excessive_precision)]

/// `ln 2` split in a high part with trailing zero bits (`k ln2_hi` is exact for
/// `|k| < 2^11`) and the rest.
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// `1.5 * 2^52`: adding it rounds a number of magnitude below `2^51` to an integer
/// (round half to even) and leaves that integer in the low bits.
const ROUND: f64 = 6_755_399_441_055_744.0;

const P1: f64 = 1.666_666_666_666_660_190_37e-1;
const P2: f64 = -2.777_777_777_701_559_338_42e-3;
const P3: f64 = 6.613_756_321_437_934_361_17e-5;
const P4: f64 = -1.653_390_220_546_525_153_90e-6;
const P5: f64 = 4.138_136_797_057_238_460_39e-8;

const LG1: f64 = 6.666_666_666_666_735_130e-1;
const LG2: f64 = 3.999_999_999_940_941_908e-1;
const LG3: f64 = 2.857_142_874_366_239_149e-1;
const LG4: f64 = 2.222_219_843_214_978_396e-1;
const LG5: f64 = 1.818_357_216_161_805_012e-1;
const LG6: f64 = 1.531_383_769_920_937_332e-1;
const LG7: f64 = 1.479_819_860_511_658_591e-1;

/// `|x|` below which [`exp_in_range`] is exact to its bound: the result and its
/// scale `2^k` are normal numbers.
const EXP_LIMIT: f64 = 708.0;

/// `exp(x)` for `|x| < 708` (NaN is not: see [`exp_slice`]).
#[inline]
fn exp_in_range(x: f64) -> f64 {
    let shifted = x * INV_LN2 + ROUND;
    let k = shifted - ROUND;
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    // 2^k from its bits: k is the low bits of `shifted`, in [-1022, 1022].
    let scale = f64::from_bits((shifted.to_bits().wrapping_add(1023) & 0x7ff) << 52);
    y * scale
}

/// Whether `within` holds for every value of `xs`, tested for all of them without
/// stopping at the first that fails (a loop that stops early is one value at a
/// time; this one tests four at once, and nearly every slice passes).
#[inline]
fn all_within(xs: &[f64], within: impl Fn(f64) -> bool) -> bool {
    xs.iter().fold(true, |ok, x| ok & within(*x))
}

/// Replaces every `x` of `xs` with `exp(x)`: within one unit in the last place.
pub fn exp_slice(xs: &mut [f64]) {
    if all_within(xs, |x| x.abs() < EXP_LIMIT) {
        xs.iter_mut().for_each(|x| *x = exp_in_range(*x));
    } else {
        // Overflow, underflow to subnormals or zero, NaN: the platform's function.
        xs.iter_mut().for_each(|x| *x = x.exp());
    }
}

/// `ln(1 + x)` for `1 - sqrt(2)/2 < x + 1 < 2^1000` (the range where `1 + x`
/// has a binary exponent `k >= 0`).
#[inline]
fn ln_1p_in_range(x: f64) -> f64 {
    let u = 1.0 + x;
    // Adding 0x3ff00000 - 0x3fe6a09e to the high word carries into the exponent
    // exactly when u's mantissa is at least sqrt(2)'s: then `e` is one more than
    // u's exponent field, and `m` is u's mantissa moved into [sqrt(2)/2, sqrt(2)).
    let high = (u.to_bits() >> 32) + (0x3ff0_0000 - 0x3fe6_a09e);
    let e = high >> 20;
    let m = f64::from_bits((((high & 0x000f_ffff) + 0x3fe6_a09e) << 32) | (u.to_bits() & 0xffff_ffff));
    // f = m - 1 is exact; the rounding error of u = 1 + x, relative to u, is c
    // (none when k = 0: then f is x itself), computed without a rounding error:
    // `u - 1` is exact for u < 2, `u - x` for u >= 2 (x >= 1).
    let zero = e == 1023;
    let f = if zero { x } else { m - 1.0 };
    let error = if u < 2.0 { x - (u - 1.0) } else { 1.0 - (u - x) };
    // One division for s = f / (2 + f) and c / u: the two roundings it adds to s
    // move the result by under a hundredth of its last place (s enters through
    // s (f^2/2 + R), below f^3/4), and c is itself a rounding error.
    let inverse = 1.0 / ((2.0 + f) * u);
    let c = if zero { 0.0 } else { error * (2.0 + f) * inverse };
    // k = e - 1023 as a float, without an integer conversion (2^52 + e is exact).
    let dk = (f64::from_bits(TWO_52.to_bits() | e) - TWO_52) - 1023.0;
    let hfsq = 0.5 * f * f;
    let s = f * u * inverse;
    let z = s * s;
    let w = z * z;
    let r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
    let y = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + (dk * LN2_LO + c))) - f);
    // ln(1 + 0) = 0 with the sign of the zero.
    if x == 0.0 { x } else { y }
}

/// `2^52`.
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// `x` bounds of [`ln_1p_in_range`].
const LN_1P_LOW: f64 = -0.292_893_218_813_452_4;
const LN_1P_HIGH: f64 = 1e300;

/// Replaces every `x` of `xs` with `ln(1 + x)`: within one unit in the last place.
pub fn ln_1p_slice(xs: &mut [f64]) {
    if all_within(xs, |x| (x > LN_1P_LOW) & (x < LN_1P_HIGH)) {
        xs.iter_mut().for_each(|x| *x = ln_1p_in_range(*x));
    } else {
        // Below -0.29 (or -1 and beyond), huge, NaN: the platform's function.
        xs.iter_mut().for_each(|x| *x = x.ln_1p());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    /// Distance in units in the last place between two finite numbers of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    fn within_one_ulp(xs: &[f64], f: fn(&mut [f64]), g: fn(f64) -> f64, what: &str) {
        let mut ys = xs.to_vec();
        f(&mut ys);
        let mut worst = (0, 0.0);
        for (x, y) in xs.iter().zip(&ys) {
            let want = g(*x);
            if want.is_nan() {
                assert!(y.is_nan(), "{what}({x}) = {y}, not NaN");
                continue;
            }
            if *y == want {
                continue;
            }
            let d = ulps(*y, want);
            if d > worst.0 {
                worst = (d, *x);
            }
        }
        assert!(worst.0 <= 1, "{what} is {} ulps off at {}", worst.0, worst.1);
    }

    fn uniform(lo: f64, hi: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| lo + (hi - lo) * rng.random::<f64>()).collect()
    }

    #[test]
    fn exp_is_within_one_ulp_of_the_platforms_over_its_range() {
        for (lo, hi) in [(-1.0, 1.0), (-0.4, 0.4), (-40.0, 40.0), (-707.9, 707.9), (-1e-9, 1e-9)] {
            within_one_ulp(&uniform(lo, hi, 200_000, 1), exp_slice, f64::exp, "exp");
        }
        // Month-to-month logs of revenue in $B, and the points where k changes.
        let edges: Vec<f64> = (-20..=20).flat_map(|k| [k as f64 * 0.5 * std::f64::consts::LN_2; 1]).collect();
        within_one_ulp(&edges, exp_slice, f64::exp, "exp");
        let mut exact = [0.0, -0.0, std::f64::consts::LN_2, -std::f64::consts::LN_2];
        exp_slice(&mut exact);
        assert_eq!(exact, [1.0, 1.0, 2.0, 0.5]);
    }

    #[test]
    fn exp_hands_values_out_of_its_range_to_the_platform() {
        let xs = [0.5, 710.0, -746.0, -720.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 708.5];
        let mut ys = xs;
        exp_slice(&mut ys);
        for (x, y) in xs.iter().zip(ys) {
            assert_eq!(y.to_bits(), x.exp().to_bits(), "exp({x})");
        }
    }

    #[test]
    fn ln_1p_is_within_one_ulp_of_the_platforms_over_its_range() {
        for (lo, hi) in [(-0.29, 0.0), (0.0, 3.0), (-1e-6, 1e-6), (-1e-12, 1e-12), (3.0, 1e6), (1e6, 1e300)] {
            within_one_ulp(&uniform(lo, hi, 200_000, 2), ln_1p_slice, f64::ln_1p, "ln_1p");
        }
        let mut exact = [0.0, 1.0, -0.0];
        ln_1p_slice(&mut exact);
        assert_eq!(exact.map(f64::to_bits), [0.0, std::f64::consts::LN_2, -0.0].map(f64::to_bits));
    }

    #[test]
    fn ln_1p_hands_values_out_of_its_range_to_the_platform() {
        let xs = [0.5, -0.5, -1.0, -2.0, f64::NAN, f64::INFINITY, f64::MAX];
        let mut ys = xs;
        ln_1p_slice(&mut ys);
        for (x, y) in xs.iter().zip(ys) {
            assert_eq!(y.to_bits(), x.ln_1p().to_bits(), "ln_1p({x})");
        }
    }
}
