//! The validation case from history (`scenarios/history.csv`): OpenAI's reported
//! 2024 and 2025 revenue under the 2019 terms must bracket the leaked net payments to
//! Microsoft, $493.8M for 2024 and $865.8M for the first three quarters of 2025
//! (TechCrunch, Nov 2025), within the scenario's stated uncertainty (its 5–95% band).

use revshare::{Metric, Source, read_scenarios, read_terms, simulate_scenario};

fn shipped(file: &str) -> Source {
    Source::from_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file)).unwrap()
}

#[test]
fn the_history_scenario_brackets_the_leaked_net_payments() {
    let s = read_scenarios(&shipped("history.csv")).unwrap();
    let t = read_terms(&shipped("history-terms.csv")).unwrap();
    let r = simulate_scenario(&s[0], &t, 0, 42, 20_000).unwrap();
    let period = |rows: &[revshare::results::Annual], label: &str| {
        rows.iter().find(|a| a.period.label == label).unwrap().summary.clone()
    };
    // The reported revenue: ~$3.7B in 2024 (NYT, Sep 2024); the grid stops at the
    // end of September 2025, so "2025" is its first three quarters.
    let revenue = period(&r.annual_revenue, "2024");
    assert!((revenue.mean - 3.7).abs() < 0.1, "2024 revenue {}", revenue.mean);
    let net = &r.terms[0].annual[revshare::engine::Flow::Net as usize];
    for (label, leaked) in [("2024", 0.4938), ("2025", 0.8658)] {
        let s = period(net, label);
        let (lo, hi) = (s.quantile(0.05), s.quantile(0.95));
        assert!(lo <= leaked && leaked <= hi, "{label}: leaked {leaked} outside the 5-95% band [{lo}, {hi}]");
    }
    // Net over both periods is the total net.
    let total = r.terms[0].metric(Metric::Net).mean;
    assert!((total - period(net, "2024").mean - period(net, "2025").mean).abs() < 1e-9);
}
