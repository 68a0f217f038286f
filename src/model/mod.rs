//! The model of MODEL.md §3–§4: what a scenario and a contract are, the world of
//! one path and a contract's cash flows on it.
//!
//! [`scenario`] and [`terms`] declare the parameters of each row type once
//! ([`params`]: column, domain, default, drawn-value struct) and hold the validated
//! rows; [`world`] draws the events (AGI declared and verified, failure) and the monthly
//! revenue path; [`contract`] turns a path into the payments of one terms row,
//! including the cap, the trigger, the reverse share and the spread-out present value.
//! Both are plain functions over slices: no allocation, no randomness of their own
//! beyond the generators they are handed.

pub mod contract;
pub mod params;
pub mod scenario;
pub mod terms;
pub mod world;

pub use params::{NONE, Param};

pub use scenario::{Scenario, ScenarioBuilder, ScenarioParam, WorldParams};
pub use terms::{ContractDraw, EndTerm, Terms, TermsBuilder, TermsParam, Trigger, TriggerTerm};

/// Months per year: the grid is monthly.
pub const MONTHS_PER_YEAR: f64 = 12.0;

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

/// Fraction of month `k` before time `t`: `clamp(12 (t - u_k), 0, 1)`.
#[inline]
pub fn fraction_before(t: f64, k: usize) -> f64 {
    (MONTHS_PER_YEAR * (t - month_start(k))).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_month_table_is_the_division() {
        for k in [0, 1, 5, 11, 12, 13, 119, 1200, 1201, 1202, 5000] {
            assert_eq!(super::month_start(k).to_bits(), (k as f64 / 12.0).to_bits(), "{k}");
        }
    }
}
