//! Correlated scenario parameters (MODEL.md §7): the realised rank correlations of
//! the Gaussian copula, the draws it must leave alone, the quantile functions it
//! relies on, and every way a correlation file can be refused.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::PredicateBooleanExt;
use revshare::dist::{normal_cdf, normal_quantile};
use revshare::input::correlate;
use revshare::model::copula::{Copula, Correlation, pearson_of_rank};
use revshare::{Choice, Dist, Plan, Scenario, ScenarioParam, Source};
use std::fs;

const SCENARIOS: &str = "name,revenue0,growth0,growth_inf,sigma,jump_mean,agi_delay,panel_lag,ms_ratio,discount_rate\n\
    s1,20,\"pert(0.7, 1.1, 1.5)\",\"pert(0.03, 0.1, 0.2)\",\"triangular(0.1, 0.2, 0.5)\",\"normal(-0.3, 0.1)\",\
    \"lognormal(5, 0.8)\",\"gamma(2, 0.5)\",\"uniform(0.3, 0.5)\",0.09\n\
    s2,10,0.5,0.1,0.2,0,\"triangular(1, 2, 4)\",0.5,0.4,\"cdf(0: 0, 0.05: 0.5, 0.12: 1)\"\n";

fn with_file(text: &str) -> Result<Vec<Scenario>, revshare::Error> {
    let scenarios = common::scenarios(SCENARIOS);
    correlate(&Source { name: "c.csv".into(), bytes: text.as_bytes().to_vec() }, "s.csv", scenarios)
}

/// Ranks 0..n-1 of `x` (no ties among continuous draws).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|a, b| x[*a].total_cmp(&x[*b]));
    let mut r = vec![0.0; x.len()];
    for (rank, i) in order.into_iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

/// Spearman's rank correlation: the Pearson correlation of the ranks.
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mean) * (b - mean)).sum();
    let var: f64 = rx.iter().map(|a| (a - mean).powi(2)).sum();
    cov / var
}

/// The drawn value of every parameter on each of `paths` paths.
fn draws(s: &Scenario, paths: u64, seed: u64) -> Vec<[f64; ScenarioParam::COUNT]> {
    let plan = Plan::new(s, &[], seed);
    (0..paths).map(|i| plan.world(i).0.values()).collect()
}

fn column(d: &[[f64; ScenarioParam::COUNT]], p: ScenarioParam) -> Vec<f64> {
    d.iter().map(|v| v[p as usize]).collect()
}

#[test]
fn a_three_by_three_copula_gives_each_pair_its_rank_correlation_on_200000_paths() {
    use ScenarioParam::{AgiDelay, Growth0, PanelLag};
    let file = "scenario,a,b,rank_correlation\ns1,growth0,agi_delay,-0.5\ns1,panel_lag,growth0,0.3\n\
                s1,agi_delay,panel_lag,-0.2\n";
    let s = &with_file(file).unwrap()[0];
    assert_eq!(s.copula().unwrap().params(), [Growth0, AgiDelay, PanelLag]);
    let d = draws(s, 200_000, 7);
    for (a, b, rho) in [(Growth0, AgiDelay, -0.5), (PanelLag, Growth0, 0.3), (AgiDelay, PanelLag, -0.2)] {
        let got = spearman(&column(&d, a), &column(&d, b));
        assert!((got - rho).abs() < 0.01, "{} ~ {}: {got} vs {rho}", a.name(), b.name());
    }
    // Each parameter keeps its own distribution: the pert's mean (min + 4 mode + max) / 6,
    // the lognormal's median, the gamma's mean.
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!((mean(&column(&d, Growth0)) - 1.1).abs() < 0.002);
    let mut delay = column(&d, AgiDelay);
    delay.sort_by(f64::total_cmp);
    assert!((delay[100_000] / 5.0 - 1.0).abs() < 0.01, "median {}", delay[100_000]);
    assert!((mean(&column(&d, PanelLag)) - 1.0).abs() < 0.01);
}

#[test]
fn every_continuous_kind_and_a_strong_correlation_are_reached() {
    use ScenarioParam::{GrowthInf, JumpMean, MsRatio, Sigma};
    let file = "scenario,a,b,rank_correlation\ns1,sigma,jump_mean,0.8\ns1,ms_ratio,growth_inf,-0.7\n";
    let s = &with_file(file).unwrap()[0];
    let d = draws(s, 200_000, 11);
    for (a, b, rho) in [(Sigma, JumpMean, 0.8), (MsRatio, GrowthInf, -0.7)] {
        let got = spearman(&column(&d, a), &column(&d, b));
        assert!((got - rho).abs() < 0.01, "{} ~ {}: {got} vs {rho}", a.name(), b.name());
    }
    // Uncoupled pairs stay independent.
    let got = spearman(&column(&d, Sigma), &column(&d, MsRatio));
    assert!(got.abs() < 0.01, "sigma ~ ms_ratio: {got}");
}

#[test]
fn parameters_the_file_does_not_name_are_drawn_bit_for_bit_as_without_it() {
    let plain = &common::scenarios(SCENARIOS)[0];
    let coupled = &with_file("scenario,a,b,rank_correlation\ns1,growth0,agi_delay,-0.5\n").unwrap()[0];
    let (a, b) = (draws(plain, 20_000, 42), draws(coupled, 20_000, 42));
    let named = [ScenarioParam::Growth0, ScenarioParam::AgiDelay];
    let mut changed = 0;
    for p in ScenarioParam::ALL {
        let same = a.iter().zip(&b).all(|(x, y)| x[p as usize].to_bits() == y[p as usize].to_bits());
        if named.contains(&p) {
            changed += usize::from(!same);
        } else {
            assert!(same, "{} moved", p.name());
        }
    }
    assert_eq!(changed, 2, "the correlated parameters are drawn anew");
    // The events and revenue shocks come from their own streams: a terms row with no
    // random term sees the same failure times wherever growth is not involved.
    let events = |s: &Scenario| {
        let plan = Plan::new(s, &[], 42);
        (0..1000).map(|i| plan.world(i).1.failure.to_bits()).collect::<Vec<_>>()
    };
    assert_eq!(events(plain), events(coupled));
}

#[test]
fn the_quantile_functions_match_known_values() {
    let q = |text: &str, u: f64| Dist::parse(text, true).unwrap().quantile(u);
    let close =
        |a: f64, b: f64, tol: f64, what: &str| assert!((a - b).abs() <= tol * b.abs().max(1.0), "{what}: {a} vs {b}");
    // The standard normal.
    close(normal_quantile(0.975), 1.959963984540054, 1e-14, "z 0.975");
    close(normal_quantile(0.5), 0.0, 1e-15, "z 0.5");
    close(normal_quantile(0.999), 3.090232306167813, 1e-14, "z 0.999");
    close(normal_quantile(1e-6), -4.753424308822899, 1e-14, "z 1e-6");
    close(normal_cdf(1.959963984540054), 0.975, 1e-15, "Phi 1.96");
    close(normal_cdf(-1.0), 0.15865525393145707, 1e-14, "Phi -1");
    close(q("normal(5, 2)", 0.975), 5.0 + 2.0 * 1.959963984540054, 1e-14, "normal");
    close(q("lognormal(7, 0.8)", 0.5), 7.0, 1e-14, "lognormal median");
    close(q("lognormal(7, 0.8)", normal_cdf(1.0)), 7.0 * 0.8f64.exp(), 1e-13, "lognormal +1 sd");
    close(q("uniform(2, 4)", 0.25), 2.5, 0.0, "uniform");
    // Triangular(1, 2, 6): F(2) = 1/5, and below the mode F(x) = (x-1)^2 / 5.
    close(q("triangular(1, 2, 6)", 0.2), 2.0, 1e-15, "triangular at the mode");
    close(q("triangular(1, 2, 6)", 0.1), 1.0 + 0.5f64.sqrt(), 1e-15, "triangular left");
    close(q("triangular(1, 2, 6)", 0.8), 6.0 - (0.2f64 * 5.0 * 4.0).sqrt(), 1e-15, "triangular right");
    // pert(0, 0.25, 1) is Beta(2, 4): F(x) = 1 - (1-x)^5 - 5x(1-x)^4; pert(0, 0.5, 1) is symmetric.
    let beta24 = |x: f64| 1.0 - (1.0 - x).powi(5) - 5.0 * x * (1.0 - x).powi(4);
    for u in [0.001, 0.05, 0.3, 0.5, 0.77, 0.999] {
        close(beta24(q("pert(0, 0.25, 1)", u)), u, 1e-12, "pert(0, 0.25, 1)");
        close(beta24(q("pert(10, 12.5, 20)", u) / 10.0 - 1.0), u, 1e-12, "pert(10, 12.5, 20)");
    }
    close(q("pert(0, 0.5, 1)", 0.5), 0.5, 1e-14, "symmetric pert median");
    // gamma(2, 0.5): F(x) = 1 - exp(-2x)(1 + 2x); gamma(1, 2) is exponential with mean 2.
    for u in [0.001, 0.1, 0.5, 0.9, 0.999] {
        let x = q("gamma(2, 0.5)", u);
        close(1.0 - (-2.0 * x).exp() * (1.0 + 2.0 * x), u, 1e-12, "gamma(2, 0.5)");
        close(q("gamma(1, 2)", u), -2.0 * (1.0 - u).ln(), 1e-12, "exponential");
    }
    close(q("gamma(2, 0.5)", 0.5), 0.8391734950083546, 1e-12, "gamma median");
    // Below its mode a small shape puts quantiles far under 1e-15, where P(a, x) is
    // x^a / Gamma(a + 1) to first order: gamma(0.2, 1) at 1e-6 is (1e-6 Gamma(1.2))^5.
    close(q("gamma(0.2, 1)", 1e-6), (1e-6f64 * 0.9181687423997607).powi(5), 1e-9, "gamma lower tail");
    close(q("gamma(0.2, 1)", 0.5), 0.020746339192824873, 1e-9, "gamma(0.2, 1) median");
    // cdf: piecewise linear.
    close(q("cdf(0: 0, 1: 0.5, 3: 1)", 0.75), 2.0, 1e-15, "cdf");
    // discrete: the smallest value whose cumulative probability reaches u, in value
    // order whatever the order written, never a value of probability 0.
    let d = "discrete(inf: 0.3, 2: 0.5, 1: 0.0, 3: 0.2)";
    assert_eq!(
        [0.0, 0.3, 0.5, 0.5000001, 0.7, 0.71, 1.0].map(|u| q(d, u)),
        [2.0, 2.0, 2.0, 3.0, 3.0, f64::INFINITY, f64::INFINITY]
    );
    // The ends stay finite and inside the support.
    assert!(q("normal(0, 1)", 0.0).is_finite() && q("normal(0, 1)", 1.0).is_finite());
    assert!(q("gamma(2, 0.5)", 0.0) > 0.0 && q("lognormal(7, 0.8)", 0.0) > 0.0);
    let (lo, hi) = (q("pert(1, 2, 3)", 0.0), q("pert(1, 2, 3)", 1.0));
    assert!((1.0..1.0001).contains(&lo) && (2.9999..=3.0).contains(&hi), "{lo} {hi}");
}

#[test]
fn the_tabulated_score_maps_agree_with_the_exact_quantiles() {
    use revshare::dist::ScoreMap;
    for text in
        ["pert(0.7, 1.1, 1.5)", "pert(0, 0, 1)", "pert(-5, 0, 1e6)", "gamma(2, 0.5)", "gamma(0.2, 1)", "gamma(50, 0.1)"]
    {
        let d = Dist::parse(text, false).unwrap();
        let map = ScoreMap::new(&d);
        let scale = if text.starts_with("pert") { d.support().hi - d.support().lo } else { 0.0 };
        for i in 0..20_000 {
            let z = -9.0 + 18.0 * (i as f64 + 0.37) / 20_000.0;
            let (got, exact) = (map.value(z), d.from_normal_score(z));
            let tol = 1e-10 * if scale > 0.0 { scale } else { exact.abs() };
            assert!((got - exact).abs() <= tol, "{text} at z = {z}: {got} vs {exact}");
        }
    }
    // Exact where nothing is slow.
    let d = Dist::parse("triangular(1, 2, 6)", false).unwrap();
    assert_eq!(ScoreMap::new(&d).value(0.3), d.from_normal_score(0.3));
}

#[test]
fn the_copula_is_built_in_code_too() {
    use ScenarioParam::{AgiDelay, Growth0, GrowthInf};
    let pairs = [
        Correlation { a: Growth0, b: AgiDelay, rank: -0.4 },
        Correlation { a: GrowthInf, b: Growth0, rank: 0.5 },
        Correlation { a: AgiDelay, b: GrowthInf, rank: -0.3 },
    ];
    let c = Copula::new(&pairs).unwrap();
    assert_eq!(c.rank(AgiDelay, GrowthInf), -0.3);
    // L applied to the unit vectors gives the columns of L; L L^T is the matrix of 2 sin(pi rho / 6).
    let cols: Vec<[f64; 3]> = (0..3)
        .map(|j| {
            let mut z = [0.0; 3];
            z[j] = 1.0;
            c.correlate(&mut z);
            z
        })
        .collect();
    for (i, a) in c.params().iter().enumerate() {
        for (j, b) in c.params().iter().enumerate() {
            let got: f64 = (0..3).map(|p| cols[p][i] * cols[p][j]).sum();
            let want = if i == j { 1.0 } else { pearson_of_rank(c.rank(*a, *b)) };
            assert!((got - want).abs() < 1e-14, "({i}, {j}): {got} vs {want}");
        }
    }
    let s = common::scenarios(SCENARIOS).remove(1);
    let e = s.with_copula(c).unwrap_err().to_string();
    assert!(e.contains("`growth0` is the constant 0.5 in scenario `s2`"), "{e}");
}

// ---- the command line ----

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        let d = Dir(tempfile::tempdir().unwrap());
        d.write("s.csv", SCENARIOS);
        d
    }
    fn write(&self, name: &str, text: &str) {
        fs::write(self.0.path().join(name), text).unwrap();
    }
    fn read(&self, name: &str) -> String {
        fs::read_to_string(self.0.path().join(name)).unwrap()
    }
}

fn revshare(d: &Dir, args: &[&str]) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("revshare").current_dir(d.0.path()).args(args).assert()
}

/// The error a `run` with correlation file `text` stops with.
fn refused(text: &str) -> String {
    let d = Dir::new();
    d.write("c.csv", text);
    let out = revshare(&d, &["run", "s.csv", "--correlations", "c.csv", "--paths", "10", "--out", "out"])
        .failure()
        .code(1)
        .get_output()
        .clone();
    assert!(!d.0.path().join("out").exists(), "nothing is written");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn every_bad_correlation_file_is_refused_naming_the_file_line_column_and_value() {
    let h = "scenario,a,b,rank_correlation\n";
    let cases: &[(&str, &[&str])] = &[
        (
            "s1,growth0,growth_inf,0.9\ns1,growth_inf,agi_delay,0.9\ns1,growth0,agi_delay,-0.9\n",
            &["c.csv: scenario `s1` (lines 2, 3, 4)", "not positive definite"],
        ),
        (
            "s1,growth0,agi_delay,1\n",
            &[
                "line 2, column `rank_correlation`, value `1`: a rank correlation of 1 or -1 makes the correlation \
               matrix singular",
                "use 0.99 or -0.99",
            ],
        ),
        (
            "s1,growth0,discount_rate,0.3\n",
            &[
                "c.csv, line 2, column `b`, value `discount_rate`: `discount_rate` is the constant 0.09 in scenario `s1`",
            ],
        ),
        (
            "s1,growth0,horizon,0.3\n",
            &["line 2, column `b`, value `horizon`: not a parameter column", "growth0, growth_inf"],
        ),
        (
            "s1,growth0,agi_delay,1.5\n",
            &["line 2, column `rank_correlation`, value `1.5`: a rank correlation must be in [-1, 1]"],
        ),
        ("s1,growth0,agi_delay,-3\n", &["value `-3`: a rank correlation must be in [-1, 1]"]),
        ("s1,growth0,agi_delay,strong\n", &["value `strong`: not a number; a rank correlation is a number in [-1, 1]"]),
        ("s1,growth0,agi_delay,NaN\n", &["value `NaN`: a rank correlation must be in [-1, 1]"]),
        ("s1,growth0,agi_delay,\n", &["line 2, column `rank_correlation`", "not a number"]),
        (
            "s1,growth0,agi_delay,0.3\ns1,agi_delay,growth0,0.3\n",
            &["line 3: the pair `agi_delay`, `growth0` is given twice for scenario `s1` (first on line 2)"],
        ),
        ("*,growth0,agi_delay,0.3\n*,growth0,agi_delay,-0.3\n", &["line 3: the pair", "given twice for `*`"]),
        ("s1,agi_delay,agi_delay,0.3\n", &["line 2, column `b`, value `agi_delay`: `agi_delay` is paired with itself"]),
        (
            "s3,growth0,agi_delay,0.3\n",
            &["line 2, column `scenario`, value `s3`: no scenario of that name in s.csv", "the scenarios are: s1, s2"],
        ),
        ("*,revenue0,sigma,0.3\n", &["line 2: no scenario in s.csv has both `revenue0` and `sigma` as distributions"]),
        (",growth0,agi_delay,0.3\n", &["line 2, column `scenario`: a scenario name is required"]),
    ];
    for (rows, parts) in cases {
        let e = refused(&format!("{h}{rows}"));
        for part in *parts {
            assert!(e.contains(part), "{rows}: `{part}` not in {e}");
        }
    }
    let e = refused("scenario,a,b\ns1,growth0,agi_delay\n");
    assert!(e.contains("c.csv, line 1: the required column `rank_correlation` is missing"), "{e}");
    let e = refused("scenario,a,b,rank_correlation,weight\ns1,growth0,agi_delay,0.3,1\n");
    assert!(e.contains("column `weight`: unknown column"), "{e}");
    let e = refused(h);
    assert!(e.contains("c.csv: the file has a header but no correlation rows"), "{e}");
    // Every problem at once.
    let e = refused(&format!("{h}s3,growth0,agi_delay,0.3\ns1,growth0,agi_delay,2\n"));
    assert!(e.starts_with("error: 2 problems in the input"), "{e}");
    // Binary garbage is refused, not a panic.
    let d = Dir::new();
    fs::write(d.0.path().join("c.csv"), [0xff, 0xfe, 0x00, 0x01]).unwrap();
    revshare(&d, &["check", "s.csv", "--correlations", "c.csv"])
        .failure()
        .code(1)
        .stderr(predicates::str::contains("not a text file"));
    revshare(&d, &["check", "s.csv", "--correlations", "missing.csv"]).failure().code(1);
}

#[test]
fn a_named_row_overrides_a_star_row_and_check_lists_the_pairs() {
    let d = Dir::new();
    d.write("c.csv", "scenario,a,b,rank_correlation\n*,growth0,agi_delay,-0.4\ns1,agi_delay,growth0,-0.6\n");
    revshare(&d, &["check", "s.csv", "--correlations", "c.csv"])
        .success()
        .stdout(predicates::str::contains(
            "correlation      agi_delay ~ growth0: rank -0.6 (Gaussian copula, r = -0.6180)",
        ))
        .stdout(predicates::str::contains("rank -0.4").not());
}

#[test]
fn a_run_with_correlations_records_the_file_and_moves_only_the_correlated_scenario() {
    let d = Dir::new();
    d.write("c.csv", "scenario,a,b,rank_correlation\ns1,growth0,agi_delay,-0.8\n");
    let run = |out: &str, extra: &[&str]| {
        let mut args =
            vec!["run", "s.csv", "--paths", "2000", "--threads", "2", "--no-report", "--quiet", "--out", out];
        args.extend_from_slice(extra);
        revshare(&d, &args).success();
    };
    run("plain", &[]);
    run("coupled", &["--correlations", "c.csv"]);
    run("again", &["--correlations", "c.csv"]);
    assert_eq!(d.read("coupled/summary.csv"), d.read("again/summary.csv"), "reproducible");
    let rows = |dir: &str, scenario: &str| -> Vec<String> {
        d.read(&format!("{dir}/summary.csv"))
            .lines()
            .filter(|l| l.starts_with(&format!("{scenario},")))
            .map(String::from)
            .collect()
    };
    assert_eq!(rows("plain", "s2"), rows("coupled", "s2"), "s2 has no correlations");
    assert_ne!(rows("plain", "s1"), rows("coupled", "s1"));
    let manifest = d.read("coupled/manifest.json");
    assert!(manifest.contains("\"role\": \"correlations\"") && manifest.contains("\"file\": \"c.csv\""), "{manifest}");
    assert!(!d.read("plain/manifest.json").contains("correlations"));
    // replay draws the same correlated world as the run.
    let replay = |extra: &[&str]| {
        let mut args = vec!["replay", "s.csv", "--scenario", "s1", "--path", "3"];
        args.extend_from_slice(extra);
        String::from_utf8(revshare(&d, &args).success().get_output().stdout.clone()).unwrap()
    };
    assert_ne!(replay(&[]), replay(&["--correlations", "c.csv"]));
}

#[test]
fn sensitivity_says_a_correlated_input_carries_its_partners_influence() {
    let d = Dir::new();
    d.write("c.csv", "scenario,a,b,rank_correlation\ns1,growth0,agi_delay,-0.5\n");
    let args = ["sensitivity", "s.csv", "--scenario", "s1", "--metric", "pv", "--paths", "2000"];
    let with: Vec<&str> = args.iter().copied().chain(["--correlations", "c.csv", "--out", "with"]).collect();
    revshare(&d, &with)
        .success()
        .stdout(predicates::str::contains(
            "note: `s1` draws correlated parameters (growth0 ~ agi_delay -0.5; --correlations)",
        ))
        .stdout(predicates::str::contains("includes what its partners explain"));
    let csv = d.read("with/sensitivity.csv");
    assert!(csv.lines().next().unwrap().ends_with(",variance_share,correlated_with"), "{csv}");
    assert!(csv.lines().any(|l| l.contains(",growth0,") && l.ends_with(",agi_delay -0.5")), "{csv}");
    assert!(csv.lines().any(|l| l.contains(",agi_delay,") && l.ends_with(",growth0 -0.5")), "{csv}");
    let without: Vec<&str> = args.iter().copied().chain(["--out", "without"]).collect();
    revshare(&d, &without).success().stdout(predicates::str::contains("note:").not());
    assert!(!d.read("without/sensitivity.csv").contains("correlated_with"));
}

#[test]
fn the_shipped_correlations_fit_the_shipped_scenarios() {
    let text = include_str!("../scenarios/correlations.csv");
    let (scenarios, _) = revshare::input::shipped();
    let s = correlate(&Source::builtin("scenarios/correlations.csv", text), "scenarios/openai.csv", scenarios).unwrap();
    let pairs = |name: &str| s.iter().find(|s| s.name() == name).unwrap().copula().map_or(0, |c| c.pairs().len());
    assert_eq!(["company-plan", "base", "bear", "bull", "early-agi", "no-agi"].map(pairs), [0, 2, 2, 2, 2, 1]);
}

#[test]
fn the_report_marks_a_correlated_input_of_the_tornado() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Two years, so that every input is on the chart.
    let scenarios = "name,revenue0,growth0,growth_inf,agi_delay,horizon,discount_rate\n\
                     s,20,\"pert(0.5, 1, 1.5)\",\"uniform(0.05, 0.2)\",\"lognormal(1, 0.5)\",2028,0.09\n";
    std::fs::write(d.join("s.csv"), scenarios).unwrap();
    std::fs::write(d.join("c.csv"), "scenario,a,b,rank_correlation\ns,growth0,agi_delay,-0.6\n").unwrap();
    let base = ["s.csv", "--paths", "3000", "--correlations", "c.csv", "--out", "r"];
    cargo_bin_cmd!("revshare").current_dir(d).args(["run", "-q"]).args(base).assert().success();
    cargo_bin_cmd!("revshare")
        .current_dir(d)
        .args(["sensitivity", "--scenario", "s", "--metric", "pv"])
        .args(base)
        .assert()
        .success();
    let html = std::fs::read_to_string(d.join("r/report.html")).unwrap();
    assert!(html.contains("† A correlated input (<code>--correlations</code>)"), "the note");
    assert!(html.contains("growth0 with agi_delay -0.6") && html.contains("agi_delay with growth0 -0.6"), "partners");
    assert!(html.contains("growth0 † (ρ"), "the mark on the bar's label");
}
