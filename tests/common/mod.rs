//! Helpers shared by the integration tests.
#![allow(dead_code)]

use revshare::{Scenario, ScenarioResults, Source, Terms, read_scenarios, read_terms, simulate_scenario};

/// Parses scenario rows given as CSV text.
pub fn scenarios(text: &str) -> Vec<Scenario> {
    read_scenarios(&Source { name: "scenarios.csv".into(), bytes: text.as_bytes().to_vec() }).unwrap()
}

/// Parses terms rows given as CSV text.
pub fn terms(text: &str) -> Vec<Terms> {
    read_terms(&Source { name: "terms.csv".into(), bytes: text.as_bytes().to_vec() }).unwrap()
}

/// The shipped scenario named `name`, with the shipped terms.
pub fn shipped(name: &str) -> (Scenario, Vec<Terms>) {
    let (s, t) = revshare::input::shipped();
    (s.into_iter().find(|s| s.name() == name).unwrap(), t)
}

/// Simulates the first scenario of `scenario_csv` under `terms_csv`.
pub fn simulate(scenario_csv: &str, terms_csv: &str, paths: usize, seed: u64) -> ScenarioResults {
    let s = scenarios(scenario_csv);
    let t = terms(terms_csv);
    simulate_scenario(&s[0], &t, 0, seed, paths).unwrap()
}

/// Asserts `a` equals `b` to relative tolerance `tol`.
pub fn assert_rel(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol * b.abs(), "{what}: {a} vs {b} (relative error {})", (a - b).abs() / b.abs());
}

/// Asserts a Monte Carlo mean is within `k` standard errors of `expected`.
pub fn assert_within_se(mean: f64, se: f64, expected: f64, k: f64, what: &str) {
    assert!(
        (mean - expected).abs() <= k * se,
        "{what}: mean {mean} ± {se}, expected {expected} ({:.2} se off)",
        (mean - expected).abs() / se
    );
}

/// The first edition's shipped `base`, `company-plan` and `bear` scenarios (ten
/// years from January 2026), kept so that pinned values and benchmark workloads
/// do not move when the shipped scenarios are recalibrated.
pub const FIRST_EDITION_SCENARIOS: &str = "name,revenue0,growth0,growth_inf,growth_halflife,sigma,jump_rate,jump_mean,\
    jump_sd,agi_delay,agi_never,panel_lag,agi_multiplier,default_rate,ms_ratio,discount_rate\n\
    base,20,\"pert(0.7, 1.1, 1.5)\",\"pert(0.03, 0.1, 0.2)\",2.278,0.25,0.15,-0.35,0.2,\"lognormal(7, 0.8)\",0.1,\
    \"gamma(2, 0.5)\",1,0.03,\"uniform(0.3, 0.5)\",0.09\n\
    company-plan,20,1.386,0.128,2.278,0,0,0,0,inf,0,0,1,0,0.4,0.09\n\
    bear,20,\"pert(0.4, 0.7, 1)\",\"pert(0, 0.05, 0.1)\",2.278,0.35,0.3,-0.5,0.25,\"lognormal(7, 0.8)\",0.1,\
    \"gamma(2, 0.5)\",1,0.08,\"uniform(0.3, 0.5)\",0.109\n";

/// The first edition's shipped terms.
pub const FIRST_EDITION_TERMS: &str = "name,share,end,trigger,cap,cap_counted,reverse_share,spread_years\n\
    panel-2025,0.2,,verified,,0,0.2,2\n\
    board-2019,0.2,2031,declared,,0,0.2,0\n\
    fixed-2026,0.2,2031,none,38,0,0,0\n\
    uncapped-2026,0.2,2031,none,,0,0,0\n";

/// The first edition's `base` under [`FIRST_EDITION_TERMS`].
pub fn first_edition_base() -> (Scenario, Vec<Terms>) {
    (scenarios(FIRST_EDITION_SCENARIOS).remove(0), terms(FIRST_EDITION_TERMS))
}
