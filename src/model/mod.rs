//! The model of MODEL.md §3–§4: what a scenario and a contract are, the world of
//! one path and a contract's cash flows on it.
//!
//! [`scenario`] and [`terms`] declare the parameters of each row type once
//! ([`params`]: column, domain, default, drawn-value struct) and hold the validated
//! rows; [`world`] draws the events (AGI declared and verified, failure) and the monthly
//! revenue path; [`contract`] turns a path into the payments of one terms row,
//! including the cap, the trigger, the reverse share and the spread-out present value.
//! Both are plain functions over slices: no allocation, no randomness of their own
//! beyond the generators they are handed; [`elementary`] gives the month loops their
//! `exp` and `ln(1 + x)` over whole slices.

pub mod contract;
pub mod copula;
pub mod elementary;
pub mod params;
pub mod scenario;
pub mod terms;
pub mod world;

pub use params::{NONE, Param};

pub use scenario::{Scenario, ScenarioBuilder, ScenarioParam, WorldParams};
pub use terms::{ContractDraw, EndTerm, Terms, TermsBuilder, TermsParam, Trigger, TriggerTerm};

/// Months per year: the grid is monthly.
pub const MONTHS_PER_YEAR: f64 = 12.0;

/// `1/12`, rounded: a month's share of a yearly rate, multiplied rather than
/// divided by 12 in the loops over months.
pub const TWELFTH: f64 = 1.0 / MONTHS_PER_YEAR;

/// `k / 12` for every month of the longest grid and its end, computed once at
/// compile time: the same numbers as the division, without a division per month.
static MONTH_STARTS: [f64; scenario::MAX_MONTHS as usize + 2] = {
    let mut t = [0.0; scenario::MAX_MONTHS as usize + 2];
    let mut k = 0;
    while k < t.len() {
        t[k] = k as f64 / MONTHS_PER_YEAR;
        k += 1;
    }
    t
};

/// Start of month `k` in years since the simulation start (`u_k = k / 12`).
#[inline]
pub fn month_start(k: usize) -> f64 {
    match MONTH_STARTS.get(k) {
        Some(u) => *u,
        None => k as f64 / MONTHS_PER_YEAR,
    }
}

/// The first of `months` months starting at or after `t` (years since the start),
/// `months` when none does: the month from which an event at `t` has happened.
#[inline]
pub fn first_month_from(t: f64, months: usize) -> usize {
    first_where(months, |k| month_start(k) >= t)
}

/// The first `k < n` for which `pred(k)` holds, `n` when none does, by bisection;
/// `pred` is false and then true as `k` grows.
pub(crate) fn first_where(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) { hi = mid } else { lo = mid + 1 }
    }
    lo
}

/// `t` (years since the start) moved onto the monthly grid when it is within a
/// billionth of a month of a month start: a date converted to years since the start
/// can miss `k / 12` by a rounding error, which would make an end on the horizon lose
/// its tie to the horizon or accrue a sliver of the next month.
pub fn snap_to_month(t: f64) -> f64 {
    let months = t * MONTHS_PER_YEAR;
    let k = months.round();
    if t.is_finite() && (months - k).abs() < 1e-9 { k / MONTHS_PER_YEAR } else { t }
}

/// Fraction of month `k` before time `t`: `clamp(12 (t - u_k), 0, 1)`, computed as
/// `12 t - k` so that a time on the grid (`t = k'/12`) gives exactly whole months:
/// `12 (k'/12 - k/12)` misses 1 by a rounding error for almost every `k`.
#[inline]
pub fn fraction_before(t: f64, k: usize) -> f64 {
    (MONTHS_PER_YEAR * t - k as f64).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_a_rounding_error_off_a_month_start_snap_to_it() {
        use super::{month_start, snap_to_month};
        let feb = 2026.0 + 1.0 / 12.0;
        let end = 2031.0 - feb;
        assert_ne!(end * 12.0, 59.0, "the conversion misses the grid");
        assert_eq!(snap_to_month(end), month_start(59));
        assert_eq!(snap_to_month(0.5 + 1.0 / 360.0), 0.5 + 1.0 / 360.0, "a date inside a month stays");
        assert_eq!(snap_to_month(f64::INFINITY), f64::INFINITY);
        assert_eq!(snap_to_month(-1.0), -1.0);
    }

    #[test]
    fn an_end_on_the_grid_leaves_whole_months() {
        use super::{fraction_before, month_start};
        for end in 1..=2400 {
            let t = month_start(end);
            assert_eq!(fraction_before(t, end - 1), 1.0, "the month before {end}");
            assert_eq!(fraction_before(t, end), 0.0, "month {end}");
        }
        assert_eq!(fraction_before(0.5 + 1.0 / 24.0, 6), 0.5);
    }

    #[test]
    fn the_month_table_is_the_division() {
        for k in [0, 1, 5, 11, 12, 13, 119, 1200, 1201, 1202, 5000] {
            assert_eq!(super::month_start(k).to_bits(), (k as f64 / 12.0).to_bits(), "{k}");
        }
    }
}
