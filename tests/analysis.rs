//! Sensitivity, break-even terms, replay and the per-path file.

use assert_cmd::cargo::cargo_bin_cmd;
use revshare::analyze::{SensitivityOptions, SolveOptions, sensitivity, solve_command};
use revshare::run::SimOptions;
use std::fs;
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

fn shipped(paths: usize) -> SimOptions {
    SimOptions { paths, ..SimOptions::default() }
}

fn solve(
    scenario: &str,
    row: &str,
    param: &str,
    target: &str,
    against: Option<&str>,
    metric: &str,
    sim: SimOptions,
) -> revshare::analysis::solve::Solution {
    let o = SolveOptions {
        sim,
        scenario: scenario.into(),
        terms_row: row.into(),
        param: param.into(),
        target: target.into(),
        against: against.map(String::from),
        metric: metric.into(),
    };
    solve_command(&o).unwrap().0
}

#[test]
fn the_cap_that_matches_uncapped_terms_on_the_company_plan_is_the_uncapped_total() {
    let s = solve("company-plan", "fixed-2026", "cap", "equal-net", Some("uncapped-2026"), "pv", shipped(50));
    assert!(s.reachable);
    assert!((s.value - 134.1).abs() < 0.1, "cap {}", s.value);
    assert!((s.achieved - s.target).abs() < 1e-6);
}

#[test]
fn the_share_that_pays_a_given_net_under_a_cap_is_the_closed_form() {
    // Below the cap, net = share * (revenue 2026-2030), so share = 20 / that revenue.
    let s = solve("company-plan", "fixed-2026", "share", "20", None, "net", shipped(20));
    // The company plan's revenue in 2026-2030, from MODEL.md §3 with no randomness:
    // R_0 = 20, ln R_{k+1} = ln R_k + ln(1 + G(k/12)) / 12, M_k = R_k / 12.
    let growth = |u: f64| 0.128 + (1.386 - 0.128) * 2f64.powf(-u / 2.278);
    let (mut ln_r, mut revenue) = (20f64.ln(), 0.0);
    for k in 0..60 {
        revenue += ln_r.exp() / 12.0;
        ln_r += (1.0 + growth(k as f64 / 12.0)).ln() / 12.0;
    }
    let expect = 20.0 / revenue;
    assert!((s.value - expect).abs() < 1e-9 * expect, "{} vs {expect}", s.value);
    // A net of 50 is beyond the cap of 38: no share reaches it, and the nearest is the cap.
    let s = solve("company-plan", "fixed-2026", "share", "50", None, "net", shipped(20));
    assert!(!s.reachable);
    assert!((s.achieved - 38.0).abs() < 1e-9, "{}", s.achieved);
}

#[test]
fn a_stochastic_break_even_comes_with_a_confidence_interval_that_covers_it() {
    let s = solve("base", "fixed-2026", "cap", "equal-pv", Some("board-2019"), "pv", shipped(4000));
    assert!(s.reachable);
    let (lo, hi) = s.ci.unwrap();
    assert!(lo < s.value && s.value < hi && hi - lo < 5.0, "{lo} {} {hi}", s.value);
    assert!((s.achieved - s.target).abs() < 1e-6);
    // The interval must reflect the real Monte Carlo error: estimates from other
    // seeds, independent of this one, differ from it by sqrt(2) standard errors
    // on average, and by more than 4 sqrt(2) almost never.
    let se = (hi - lo) / 2.0 / revshare::stats::Z_95;
    for seed in [7, 8, 9] {
        let other = solve(
            "base",
            "fixed-2026",
            "cap",
            "equal-pv",
            Some("board-2019"),
            "pv",
            SimOptions { seed, ..shipped(4000) },
        );
        assert!(
            (other.value - s.value).abs() < 4.0 * std::f64::consts::SQRT_2 * se,
            "seed {seed}: {} vs {} ± {se}",
            other.value,
            s.value
        );
    }
}

/// Runs `sensitivity` on the given files, writing into `dir/out`.
fn sensitivity_of(
    dir: &Path,
    scenarios: PathBuf,
    terms: PathBuf,
    scenario: &str,
    metric: &str,
    paths: usize,
) -> revshare::analyze::SensitivityOutput {
    let o = SensitivityOptions {
        sim: SimOptions { scenarios: Some(scenarios), terms: Some(terms), paths, ..SimOptions::default() },
        scenario: scenario.into(),
        metric: metric.into(),
        terms_row: None,
        baseline: None,
        out: dir.join("out"),
    };
    sensitivity(&o).unwrap()
}

#[test]
fn an_input_that_drives_the_metric_by_construction_ranks_first_and_idle_ones_are_not_significant() {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = write(
        tmp.path(),
        "s.csv",
        "name,revenue0,agi_delay,panel_lag,ms_ratio,jump_mean\n\
         agi,12,\"uniform(1, 8)\",0.5,\"uniform(0.3, 0.5)\",\"normal(0, 1)\"\n",
    );
    let terms = write(tmp.path(), "t.csv", "name,share,trigger,reverse_share\nold,0.2,verified,0.2\n");
    let out = sensitivity_of(tmp.path(), scenarios, terms, "agi", "paid", 20_000);
    let top = &out.ranked[0];
    assert!(top.rho.abs() > 0.999, "{top:?}");
    let delay = out.ranked.iter().find(|s| s.input == "agi_delay").unwrap();
    assert!(delay.rho > 0.999 && delay.variance_share > 0.99, "{delay:?}");
    assert!(delay.mean_high > delay.mean_low);
    for idle in ["ms_ratio", "jump_mean"] {
        let s = out.ranked.iter().find(|s| s.input == idle).unwrap();
        assert!(s.rho_lo <= 0.0 && 0.0 <= s.rho_hi, "{s:?}");
        assert!(s.variance_share < 0.01, "{s:?}");
    }
    let csv = fs::read_to_string(tmp.path().join("out/sensitivity.csv")).unwrap();
    assert!(csv.starts_with("scenario,terms,baseline,metric,metric_mean,input,n,rho,rho_lo,rho_hi,mean_low_decile,mean_high_decile,variance_share\n"));
    assert_eq!(csv.lines().count(), 1 + out.ranked.len());
}

#[test]
fn a_paired_difference_is_explained_by_both_rows_random_terms() {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = write(tmp.path(), "s.csv", "name,revenue0,horizon\nflat,12,2031\n");
    let terms = write(tmp.path(), "t.csv", "name,share,cap\nbase,\"uniform(0.1, 0.3)\",\nnew,0.2,\"uniform(5, 15)\"\n");
    let out = sensitivity_of(tmp.path(), scenarios, terms, "flat", "delta_net", 5000);
    let rho = |name: &str| out.ranked.iter().find(|s| s.input == name).unwrap().rho;
    // delta = min(12, cap) - 60 * share: rises with the new cap, falls with the baseline share.
    assert!(rho("new.cap") > 0.3, "{}", rho("new.cap"));
    assert!(rho("base.share") < -0.8, "{}", rho("base.share"));
}

#[test]
fn cap_conditions_show_higher_revenue_when_the_cap_binds() {
    let tmp = tempfile::tempdir().unwrap();
    let o = SensitivityOptions {
        sim: shipped(5000),
        scenario: "base".into(),
        metric: "delta_pv".into(),
        terms_row: Some("fixed-2026".into()),
        baseline: None,
        out: tmp.path().join("out"),
    };
    let out = sensitivity(&o).unwrap();
    let rev = out.conditions.iter().find(|c| c.terms == "fixed-2026" && c.input == "revenue_2029").unwrap();
    assert!(rev.n_binds + rev.n_not == 5000);
    assert!(rev.median_binds > 2.0 * rev.median_not, "{rev:?}");
    assert!(out.text.contains("When the cap of fixed-2026 binds"));
    assert!(tmp.path().join("out/cap_conditions.csv").exists());
}

#[test]
fn sensitivity_adds_a_tornado_to_an_existing_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    cargo_bin_cmd!("revshare").args(["--paths", "1000", "-q", "--out"]).arg(&out).assert().success();
    cargo_bin_cmd!("revshare")
        .args(["sensitivity", "--scenario", "base", "--metric", "pv", "--paths", "1000", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("redrew"));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("data-chart=\"tornado\""));
    assert!(out.join("charts/sensitivity-base.svg").exists());
    // A new run replaces the stale sensitivity results and its report has no tornado.
    cargo_bin_cmd!("revshare").args(["--paths", "1000", "-q", "--out"]).arg(&out).assert().success();
    assert!(!out.join("sensitivity.csv").exists());
    assert!(!fs::read_to_string(out.join("report.html")).unwrap().contains("tornado"));
}

#[test]
fn replay_prints_the_same_totals_as_the_per_path_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("paths.csv");
    cargo_bin_cmd!("revshare")
        .args(["--paths", "300", "-q", "--no-report", "--out"])
        .arg(tmp.path().join("out"))
        .arg("--per-path")
        .arg(&file)
        .assert()
        .success();
    let per_path = fs::read_to_string(&file).unwrap();
    let header: Vec<&str> = per_path.lines().next().unwrap().split(',').collect();
    assert_eq!(&header[..10], revshare::trace::RESULT_COLUMNS);
    assert_eq!(per_path.lines().count(), 1 + 6 * 300 * 4);
    for (scenario, path) in [("base", 7), ("bear", 123), ("early-agi", 299)] {
        let out = cargo_bin_cmd!("revshare")
            .args(["replay", "--scenario", scenario, "--path", &path.to_string()])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let replay = String::from_utf8(out).unwrap();
        for row in per_path.lines().filter(|l| l.starts_with(&format!("{scenario},{path},"))) {
            let cells: Vec<&str> = row.split(',').collect();
            let expected: Vec<String> =
                header[3..10].iter().zip(&cells[3..10]).map(|(k, v)| format!("{k}={v}")).collect();
            let line = format!("totals {}: {}", cells[2], expected.join(" "));
            assert!(replay.contains(&line), "{line}\nnot in\n{replay}");
        }
    }
}

#[test]
fn unknown_names_in_analysis_options_are_refused_with_the_choices() {
    cargo_bin_cmd!("revshare")
        .args(["solve", "--scenario", "nope", "--terms-row", "fixed-2026", "--param", "cap", "--target", "equal-pv"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--scenario, value `nope`: no scenario of that name"))
        .stderr(predicates::str::contains("base, bear"));
    cargo_bin_cmd!("revshare")
        .args(["solve", "--scenario", "base", "--terms-row", "fixed-2026", "--param", "cap", "--target", "lots"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--target, value `lots`: equal-pv, equal-net, or a number"));
    cargo_bin_cmd!("revshare").args(["sensitivity", "--scenario", "base", "--metric", "profit"]).assert().code(2);
    cargo_bin_cmd!("revshare")
        .args([
            "sensitivity",
            "--scenario",
            "base",
            "--metric",
            "delta_pv",
            "--terms-row",
            "panel-2025",
            "--paths",
            "10",
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("other than the baseline"));
}
