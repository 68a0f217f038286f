//! The `mixture` pseudo-scenario (MODEL.md §5): hand computations on constant
//! scenarios, the input rules of the `weight` column, and the output files.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use revshare::engine::Metric;
use revshare::model::contract::EndCause;
use revshare::results::CurveKind;
use revshare::stats::LEVELS;
use revshare::{ScenarioResults, Source, read_scenarios, simulate_scenario};

/// Three constant worlds (no volatility, no AGI, no failure, no discounting), in
/// the mixture with weights 1, 2, 1, and one left out of it.
const SCENARIOS: &str = "name,revenue0,weight\nlow,10,1\nmid,20,2\nhigh,30,1\nout,40,0\n";
/// No cap, a cap that binds only in `high`, a cap that binds in `mid` and `high`.
const TERMS: &str = "name,share,cap\nflat,0.2,\ncap50,0.2,50\ncap30,0.2,30\n";

/// Each scenario's results (with different numbers of paths) and the mixture.
fn mixture() -> (Vec<ScenarioResults>, ScenarioResults) {
    let scenarios = common::scenarios(SCENARIOS);
    let terms = common::terms(TERMS);
    let results: Vec<ScenarioResults> = scenarios
        .iter()
        .zip([100, 300, 50, 20])
        .map(|(s, paths)| simulate_scenario(s, &terms, 0, 7, paths).unwrap())
        .collect();
    let mixture = revshare::mixture::combine(&scenarios, &results).unwrap();
    (results, mixture)
}

#[test]
fn constant_scenarios_mix_as_computed_by_hand() {
    let (r, m) = mixture();
    assert_eq!(m.scenario, "mixture");
    assert_eq!(m.paths, 450, "the paths of the weighted scenarios");
    assert!(r[0].distributions.is_some() && r[3].distributions.is_none(), "only weighted scenarios keep theirs");
    // Each scenario pays one constant: 0.2 of ten years of revenue.
    let paid: Vec<f64> = r.iter().map(|s| s.terms[0].metric(Metric::Paid).mean).collect();
    for (s, p) in r.iter().zip(&paid) {
        assert_eq!(s.terms[0].metric(Metric::Paid).sd, Some(0.0));
        assert!((p - 0.2 * s.revenue.mean).abs() < 1e-9 * p);
    }
    let (a, b, c) = (paid[0], paid[1], paid[2]);
    let mean = 0.25 * a + 0.5 * b + 0.25 * c;
    let sd = (0.25 * (a - mean).powi(2) + 0.5 * (b - mean).powi(2) + 0.25 * (c - mean).powi(2)).sqrt();
    let s = m.terms[0].metric(Metric::Paid);
    assert_eq!(s.n, 450);
    assert!((s.mean - mean).abs() < 1e-9 * mean, "{} vs {mean}", s.mean);
    assert!((s.sd.unwrap() - sd).abs() < 1e-9 * sd, "{:?} vs {sd}", s.sd);
    assert_eq!(s.se, Some(0.0), "every scenario's mean is known exactly");
    assert_eq!((s.min, s.max), (a, c));
    // F = 0.25 at `low`'s value, 0.75 at `mid`'s, 1 at `high`'s: no interpolation.
    let expected = LEVELS.map(|p| {
        if p <= 0.25 {
            a
        } else if p <= 0.75 {
            b
        } else {
            c
        }
    });
    assert_eq!(s.quantiles, expected);
    // `out` (weight 0) is in no figure: the largest value is `high`'s.
    assert!(m.revenue.max < r[3].revenue.min);
}

#[test]
fn probabilities_cap_years_and_differences_are_weighted() {
    let (r, m) = mixture();
    let cap50 = &m.terms[1];
    // The 50 cap binds in `high` alone (paid 60 there, 40 and 20 elsewhere).
    assert_eq!(cap50.cap_hit.unwrap().p, 0.25);
    assert_eq!(cap50.cap_hit.unwrap().se, 0.0);
    assert_eq!(cap50.end_by[EndCause::Cap as usize].p, 0.25);
    assert_eq!(cap50.end_by[EndCause::Horizon as usize].p, 0.75);
    assert_eq!(cap50.cap_year.as_ref().unwrap().mean, r[2].terms[1].cap_year.as_ref().unwrap().mean);
    // The 30 cap binds in `mid` (weight 2) and `high` (weight 1) on every path: the
    // cap year weighs them 2 : 1.
    let cap30 = &m.terms[2];
    assert_eq!(cap30.cap_hit.unwrap().p, 0.75);
    let (ym, yh) = (r[1].terms[2].cap_year.as_ref().unwrap().mean, r[2].terms[2].cap_year.as_ref().unwrap().mean);
    assert!(yh < ym);
    let y = cap30.cap_year.as_ref().unwrap();
    assert!((y.mean - (2.0 * ym + yh) / 3.0).abs() < 1e-9, "{} vs {}", y.mean, (2.0 * ym + yh) / 3.0);
    assert_eq!(y.n, 350);
    assert_eq!(y.quantile(0.5), ym);
    assert_eq!(y.quantile(0.25), yh);
    // Paired differences: cap30 - flat is 0, -10, -30 in the three worlds.
    let d = m.delta("cap30", Metric::Pv).unwrap();
    let own: Vec<f64> = r[..3].iter().map(|s| s.delta("cap30", Metric::Pv).unwrap().summary.mean).collect();
    assert!((d.summary.mean - (0.25 * own[0] + 0.5 * own[1] + 0.25 * own[2])).abs() < 1e-9);
    assert_eq!(d.summary.quantile(0.1), own[2]);
    assert_eq!(d.summary.quantile(0.5), own[1]);
    assert_eq!(d.summary.quantile(0.9), own[0]);
    assert_eq!(d.prob_positive.p, 0.0);
    // Per period: the revenue of a year is the weighted mean of the three.
    let y0: Vec<f64> = r[..3].iter().map(|s| s.annual_revenue[0].summary.mean).collect();
    let mixed = &m.annual_revenue[0];
    assert_eq!(mixed.period, r[0].annual_revenue[0].period);
    assert!((mixed.summary.mean - (0.25 * y0[0] + 0.5 * y0[1] + 0.25 * y0[2])).abs() < 1e-9);
    assert_eq!(mixed.summary.quantile(0.5), y0[1]);
}

#[test]
fn curves_come_from_the_mixture() {
    let (r, m) = mixture();
    let curve = |s: &ScenarioResults, terms: &str, kind: CurveKind| {
        s.curves.iter().find(|c| c.terms == terms && c.kind == kind).unwrap().points.clone()
    };
    let cdf = curve(&m, "flat", CurveKind::PvCdf);
    let pv: Vec<f64> = r[..3].iter().map(|s| s.terms[0].metric(Metric::Pv).mean).collect();
    assert_eq!((cdf[0].x, cdf[0].y), (pv[0], 0.0));
    assert_eq!((cdf[25].x, cdf[26].x, cdf[75].x, cdf[76].x), (pv[0], pv[1], pv[1], pv[2]));
    assert_eq!((cdf[100].x, cdf[100].y), (pv[2], 1.0));
    let hist = curve(&m, "flat", CurveKind::PvHist);
    assert!((hist.iter().map(|p| p.y).sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(hist.iter().filter(|p| p.y > 0.0).map(|p| p.y).collect::<Vec<_>>(), [0.25, 0.5, 0.25]);
    // The 30 cap has not bound by a date in `low` ever, in `mid` and `high` until
    // their cap dates: the mixture's survival ends at 0.25.
    let survival = curve(&m, "cap30", CurveKind::CapSurvival);
    assert_eq!((survival[0].y, survival.last().unwrap().y), (1.0, 0.25));
    assert_eq!(survival.len(), curve(&r[0], "cap30", CurveKind::CapSurvival).len());
}

fn read(text: &str) -> String {
    read_scenarios(&Source { name: "s.csv".into(), bytes: text.as_bytes().to_vec() }).unwrap_err().to_string()
}

#[test]
fn weighted_rows_must_share_start_and_horizon_and_weights_be_numbers_at_least_zero() {
    let e = read("name,revenue0,horizon,weight\na,10,2036-01,1\nb,10,2040-01,1\nc,10,2040-01,0\n");
    assert!(e.contains("s.csv, line 3, column `horizon`, value `2040-01`"), "{e}");
    assert!(e.contains("must share start and horizon") && e.contains("`a` (line 2)"), "{e}");
    assert!(!e.contains("line 4"), "a row without weight may differ: {e}");
    let e = read("name,revenue0,start,weight\na,10,2026-01,1\nb,10,2027-01,3\n");
    assert!(e.contains("line 3, column `start`, value `2027-01`"), "{e}");
    for bad in ["-1", "abc", "inf", "nan"] {
        let e = read(&format!("name,revenue0,weight\na,10,{bad}\n"));
        assert!(e.contains(&format!("line 2, column `weight`, value `{bad}`")) && e.contains(">= 0"), "{bad}: {e}");
    }
    for weight in ["1", "0", ""] {
        let e = read(&format!("name,revenue0,weight\nmixture,10,{weight}\n"));
        assert!(e.contains("column `name`, value `mixture`") && e.contains("reserved"), "{e}");
    }
    let s = common::scenarios("name,revenue0,weight\na,10,2.5\nb,10,\n");
    assert_eq!((s[0].weight(), s[1].weight()), (2.5, 0.0));
    let built =
        revshare::Scenario::builder("x").set(revshare::ScenarioParam::Revenue0, revshare::Dist::constant(1.0).unwrap());
    assert!(built.clone().weight(-1.0).build().unwrap_err().to_string().contains("weight"));
    assert!(revshare::Scenario::builder("mixture").build().unwrap_err().to_string().contains("reserved"));
    assert_eq!(built.weight(3.0).build().unwrap().weight(), 3.0);
}

#[test]
fn weights_whose_sum_overflows_are_refused_naming_the_file_column_and_values() {
    let e = read("name,revenue0,weight\na,20,1e308\nb,10,1e308\nc,5,0\n");
    assert_eq!(
        e,
        "s.csv, column `weight`, value `1e308, 1e308`: the weights of the rows on lines 2, 3 add up to more than \
         the largest number (about 1.8e308), so they cannot be normalised; only their ratios matter: divide them all \
         by the same number (1e300, say)"
    );
    // Large weights whose sum is a number are accepted as written.
    let s = common::scenarios("name,revenue0,weight\na,20,8e307\nb,10,0.5\n");
    assert_eq!((s[0].weight(), s[1].weight()), (8e307, 0.5));
}

#[test]
fn a_run_writes_mixture_rows_to_every_file_and_the_report() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("s.csv"), SCENARIOS).unwrap();
    std::fs::write(d.path().join("t.csv"), TERMS).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "s.csv", "--terms", "t.csv", "--paths", "300", "--quiet"];
        args.extend_from_slice(extra);
        cargo_bin_cmd!("revshare").current_dir(d.path()).args(&args).assert().success()
    };
    let out = run(&["--out", "out"]);
    let table = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(table.lines().any(|l| l.starts_with("mixture ")), "{table}");
    let file = |dir: &str, f: &str| std::fs::read_to_string(d.path().join(dir).join(f)).unwrap();
    for f in ["summary.csv", "deltas.csv", "outcomes.csv", "annual.csv", "curves.csv"] {
        let text = file("out", f);
        assert!(text.lines().any(|l| l.starts_with("mixture,")), "{f}");
        assert!(!text.lines().any(|l| l.starts_with("out,") && l.contains("mixture")), "{f}");
    }
    let paid = file("out", "summary.csv").lines().find(|l| l.starts_with("mixture,flat,paid,")).unwrap().to_string();
    assert!(paid.starts_with("mixture,flat,paid,900,"), "{paid}");
    let manifest: serde_json::Value = serde_json::from_str(&file("out", "manifest.json")).unwrap();
    assert_eq!(manifest["mixture"][1]["scenario"], "mid");
    assert_eq!(manifest["mixture"][1]["weight"], 2.0);
    assert_eq!(manifest["scenarios"].as_array().unwrap().len(), 4);
    assert!(manifest["quantiles"].as_str().unwrap().contains("no interpolation"));
    let report = file("out", "report.html");
    assert!(report.contains("<h3>mixture</h3>") && report.contains("weights low 1, mid 2, high 1"));
    // Drawn again from the files alone: the same page.
    cargo_bin_cmd!("revshare").current_dir(d.path()).args(["report", "out"]).assert().success();
    assert_eq!(file("out", "report.html"), report);
    // To a precision target and with the per-path file (which has no mixture rows).
    run(&["--precision", "1", "--no-report", "--out", "p"]);
    assert!(file("p", "summary.csv").contains("\nmixture,flat,pv,"));
    run(&["--per-path", "paths.csv", "--no-report", "--out", "q"]);
    assert_eq!(file("q", "summary.csv"), file("out", "summary.csv"));
    let rows = std::fs::read_to_string(d.path().join("paths.csv")).unwrap();
    assert!(!rows.contains("mixture") && rows.contains("\nhigh,"));
    // Sensitivity over the mixture: 100, 200 and 100 of 400 paths, pooled, each
    // weighing the same. revenue0 differs between the rows, so it is an input.
    let text = cargo_bin_cmd!("revshare")
        .current_dir(d.path())
        .args(["sensitivity", "s.csv", "--terms", "t.csv", "--scenario", "mixture", "--metric", "pv"])
        .args(["--paths", "400", "--out", "x"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("low (weight 1): 100 paths, mid (weight 2): 200 paths, high (weight 1): 100 paths"),
        "{text}"
    );
    let ranked = file("x", "sensitivity.csv");
    let row = ranked.lines().find(|l| l.starts_with("mixture,flat,flat,pv,")).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    let mean: f64 = cells[4].parse().unwrap();
    let mixture_pv: f64 = file("out", "summary.csv")
        .lines()
        .find(|l| l.starts_with("mixture,flat,pv,"))
        .map(|l| l.split(',').nth(4).unwrap().parse().unwrap())
        .unwrap();
    assert!((mean - mixture_pv).abs() < 1e-9 * mixture_pv, "{mean} vs {mixture_pv}");
    assert_eq!((cells[5], cells[6], cells[7]), ("revenue0", "400", "1"), "{row}");
    // The commands that replay or solve one row's paths say the mixture is not one.
    let refused = cargo_bin_cmd!("revshare")
        .current_dir(d.path())
        .args(["replay", "s.csv", "--terms", "t.csv", "--scenario", "mixture", "--path", "0"])
        .assert()
        .failure();
    let stderr = String::from_utf8(refused.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("--scenario") && stderr.contains("not a scenario row"), "{stderr}");
    // Without weights, no mixture.
    std::fs::write(d.path().join("s.csv"), "name,revenue0\nlow,10\n").unwrap();
    run(&["--no-report", "--out", "n"]);
    assert!(!file("n", "summary.csv").contains("mixture"));
    assert!(!file("n", "manifest.json").contains("mixture"));
    cargo_bin_cmd!("revshare")
        .current_dir(d.path())
        .args(["sensitivity", "s.csv", "--terms", "t.csv", "--scenario", "mixture", "--metric", "pv", "--out", "y"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("no row of s.csv has a weight, so there is no mixture"));
}
