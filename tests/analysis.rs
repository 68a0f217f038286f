//! Sensitivity, break-even terms, replay and the per-path file: the numbers
//! through the library, the files and text through the binary.

mod common;
use assert_cmd::cargo::cargo_bin_cmd;
use common::{scenarios, shipped, terms};
use revshare::analysis::sensitivity::Explanation;
use revshare::engine::simulate;
use revshare::{Explained, Metric, Plan, Solution, SolveParam, Target, Worlds, explain, solve};
use std::fs;

/// Solves `param` of the shipped row `row` under `scenario` for `target`.
fn solve_shipped(
    scenario: &str,
    row: &str,
    param: SolveParam,
    target: Target,
    metric: Metric,
    paths: usize,
    seed: u64,
) -> Solution {
    let (s, t) = shipped(scenario);
    let index = |name: &str| t.iter().position(|r| r.name() == name).unwrap();
    let plan = Plan::new(&s, &t, seed);
    let worlds = Worlds::simulate(&plan, paths);
    solve(&worlds, index(row), target, param, metric).unwrap()
}

/// The index of a shipped terms row.
fn row(name: &str) -> usize {
    shipped("base").1.iter().position(|r| r.name() == name).unwrap()
}

#[test]
fn the_cap_that_matches_uncapped_terms_on_the_company_plan_is_the_uncapped_total() {
    let against = Target::Row(row("uncapped-2026"));
    let s = solve_shipped("company-plan", "fixed-2026", SolveParam::Cap, against, Metric::Net, 50, 42);
    assert!(s.reachable);
    assert!((s.value - 134.1).abs() < 0.1, "cap {}", s.value);
    assert!((s.achieved - s.target).abs() < 1e-6);
}

#[test]
fn the_share_that_pays_a_given_net_under_a_cap_is_the_closed_form() {
    // Below the cap, net = share * (revenue 2026-2030), so share = 20 / that revenue.
    let s = solve_shipped("company-plan", "fixed-2026", SolveParam::Share, Target::Value(20.0), Metric::Net, 20, 42);
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
    let s = solve_shipped("company-plan", "fixed-2026", SolveParam::Share, Target::Value(50.0), Metric::Net, 20, 42);
    assert!(!s.reachable);
    assert!((s.achieved - 38.0).abs() < 1e-9, "{}", s.achieved);
}

#[test]
fn a_stochastic_break_even_comes_with_a_confidence_interval_that_covers_it() {
    let against = Target::Row(row("board-2019"));
    let at = |seed| solve_shipped("base", "fixed-2026", SolveParam::Cap, against, Metric::Pv, 4000, seed);
    let s = at(42);
    assert!(s.reachable);
    let (lo, hi) = s.ci.unwrap();
    assert!(lo < s.value && s.value < hi && hi - lo < 5.0, "{lo} {} {hi}", s.value);
    assert!((s.achieved - s.target).abs() < 1e-6);
    // The interval must reflect the real Monte Carlo error: estimates from other
    // seeds, independent of this one, differ from it by sqrt(2) standard errors
    // on average, and by more than 4 sqrt(2) almost never.
    let se = (hi - lo) / 2.0 / revshare::stats::Z_95;
    for seed in [7, 8, 9] {
        let other = at(seed);
        assert!(
            (other.value - s.value).abs() < 4.0 * std::f64::consts::SQRT_2 * se,
            "seed {seed}: {} vs {} ± {se}",
            other.value,
            s.value
        );
    }
}

#[test]
fn a_row_cannot_be_matched_against_itself_nor_an_uncapped_rows_counted_amount_solved() {
    let (s, t) = shipped("base");
    let plan = Plan::new(&s, &t, 1);
    let worlds = Worlds::simulate(&plan, 10);
    let fixed = row("fixed-2026");
    let e = solve(&worlds, fixed, Target::Row(fixed), SolveParam::Cap, Metric::Pv).unwrap_err();
    assert!(e.to_string().contains("against itself"), "{e}");
    let e = solve(&worlds, row("panel-2025"), Target::Value(1.0), SolveParam::CapCounted, Metric::Pv).unwrap_err();
    assert!(e.to_string().contains("has no cap"), "{e}");
}

/// Explains `explained` of the first row that is not the baseline (or of the
/// baseline) under the first scenario of the given files.
fn explain_files(scenario_csv: &str, terms_csv: &str, explained: Explained, paths: usize) -> Explanation {
    let s = scenarios(scenario_csv).remove(0);
    let t = terms(terms_csv);
    let plan = Plan::new(&s, &t, 42);
    let table = simulate(&plan, paths);
    let row = if explained.is_delta() { 1 } else { 0 };
    explain(&table, &s, &t, explained, row, 0)
}

#[test]
fn an_input_that_drives_the_metric_by_construction_ranks_first_and_idle_ones_are_not_significant() {
    let out = explain_files(
        "name,revenue0,agi_delay,panel_lag,ms_ratio,jump_mean\n\
         agi,12,\"uniform(1, 8)\",0.5,\"uniform(0.3, 0.5)\",\"normal(0, 1)\"\n",
        "name,share,trigger,reverse_share\nold,0.2,verified,0.2\n",
        Explained::Paid,
        20_000,
    );
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
}

#[test]
fn a_paired_difference_is_explained_by_both_rows_random_terms() {
    let out = explain_files(
        "name,revenue0,horizon\nflat,12,2031\n",
        "name,share,cap\nbase,\"uniform(0.1, 0.3)\",\nnew,0.2,\"uniform(5, 15)\"\n",
        Explained::DeltaNet,
        5000,
    );
    let rho = |name: &str| out.ranked.iter().find(|s| s.input == name).unwrap().rho;
    // delta = min(12, cap) - 60 * share: rises with the new cap, falls with the baseline share.
    assert!(rho("new.cap") > 0.3, "{}", rho("new.cap"));
    assert!(rho("base.share") < -0.8, "{}", rho("base.share"));
}

#[test]
fn cap_conditions_show_higher_revenue_when_the_cap_binds() {
    let (s, t) = shipped("base");
    let plan = Plan::new(&s, &t, 42);
    let table = simulate(&plan, 5000);
    let out = explain(&table, &s, &t, Explained::DeltaPv, row("fixed-2026"), 0);
    let rev = out.conditions.iter().find(|c| c.terms == "fixed-2026" && c.input == "revenue_2029").unwrap();
    assert!(rev.n_binds + rev.n_not == 5000);
    assert!(rev.median_binds > 2.0 * rev.median_not, "{rev:?}");
    assert!(out.conditions.iter().all(|c| c.terms == "fixed-2026"), "only capped rows are conditioned on");
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
        .stdout(predicates::str::contains("redrew"))
        .stdout(predicates::str::contains("When the cap of fixed-2026 binds"));
    let csv = fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(csv.starts_with("scenario,terms,baseline,metric,metric_mean,input,n,rho,rho_lo,rho_hi,mean_low_decile,mean_high_decile,variance_share\n"));
    let conditions = fs::read_to_string(out.join("cap_conditions.csv")).unwrap();
    assert!(conditions.starts_with(
        "scenario,terms,input,n_binds,mean_binds,median_binds,n_not,mean_not,median_not\nbase,fixed-2026,"
    ));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("data-chart=\"tornado\""));
    assert!(out.join("charts/sensitivity-base.svg").exists());
    // A new run replaces the stale sensitivity results and its report has no tornado.
    cargo_bin_cmd!("revshare").args(["--paths", "1000", "-q", "--out"]).arg(&out).assert().success();
    assert!(!out.join("sensitivity.csv").exists());
    assert!(!fs::read_to_string(out.join("report.html")).unwrap().contains("tornado"));
}

#[cfg(unix)]
#[test]
fn sensitivity_that_cannot_redraw_the_report_fails_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    cargo_bin_cmd!("revshare").args(["--paths", "200", "-q", "--out"]).arg(&out).assert().success();
    // A chart the redraw would replace is now a link: the report cannot be redrawn.
    let chart = fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "svg"))
        .unwrap();
    fs::remove_file(&chart).unwrap();
    std::os::unix::fs::symlink("/dev/null", &chart).unwrap();
    let listing = |dir: &std::path::Path| {
        let mut v: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
            .collect();
        v.sort();
        v
    };
    let (before, charts) = (listing(&out), listing(&out.join("charts")));
    let assert = cargo_bin_cmd!("revshare")
        .args(["sensitivity", "--scenario", "base", "--metric", "pv", "--paths", "200", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(&format!(
            "{}: could not be redrawn with the new analysis, so nothing was written (neither sensitivity.csv nor \
             cap_conditions.csv): {}: exists and is not a regular file (it is a symbolic link)",
            out.join("report.html").display(),
            chart.display()
        )),
        "{stderr}"
    );
    assert_eq!(listing(&out), before, "the folder is as it was");
    assert_eq!(listing(&out.join("charts")), charts);
    assert!(fs::symlink_metadata(&chart).unwrap().file_type().is_symlink());
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
    assert_eq!(
        &header[..11],
        ["scenario", "path", "terms", "paid", "lost", "received", "net", "pv", "end_year", "end_cause", "cap_year"]
    );
    assert_eq!(per_path.lines().count(), 1 + 6 * 300 * 7);
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
                header[3..11].iter().zip(&cells[3..11]).map(|(k, v)| format!("{k}={v}")).collect();
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
        .code(2)
        .stderr(predicates::str::contains("'lots' for '--target <TARGET>': equal-pv, equal-net, or a number"));
    cargo_bin_cmd!("revshare")
        .args(["solve", "--scenario", "base", "--terms-row", "fixed-2026", "--param", "cap", "--target", "equal-pv"])
        .args(["--against", "fixed-2026", "--paths", "10"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--against: the row cannot be matched against itself"));
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

#[test]
fn a_drawn_end_is_ranked_as_an_input_and_written_per_path() {
    let out = explain_files(
        "name,revenue0,horizon\nflat,12,2036\n",
        "name,share,end\nopen,0.2,\nnew,0.2,\"uniform(2028, 2034)\"\n",
        Explained::DeltaNet,
        3000,
    );
    let end = out.ranked.iter().find(|s| s.input == "new.end").unwrap();
    assert!(end.rho > 0.999, "a later end pays more, path by path: {end:?}");
    assert_eq!(out.ranked[0].input, "new.end");
}
