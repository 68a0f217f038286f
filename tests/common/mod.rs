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
