//! Rows sharing a stream and sweeps (MODEL.md §7, "Shared streams"): the paired
//! differences between scenario rows, `--vary` and `--vary-terms`.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use revshare::engine::{Metric, Plan};
use revshare::groups::GroupAccumulator;
use revshare::input::{Source, Sweep, read_scenarios_varied, read_terms_varied};
use revshare::results::{Accumulator, Budget};
use std::fs;

const SCENARIOS: &str = "name,revenue0,growth0,sigma,jump_rate,jump_sd,agi_delay,default_rate,discount_rate\n\
                         base,20,\"pert(0.7, 1.1, 1.5)\",0.3,0.5,0.2,\"lognormal(7, 0.8)\",0.03,0.09\n";
const TERMS: &str = "name,share,end,trigger,cap\nopen,0.2,,verified,\nfixed,0.2,2031,none,38\n";

fn source(text: &str) -> Source {
    Source { name: "s.csv".into(), bytes: text.as_bytes().to_vec() }
}

fn sweep(flag: &str, text: &str) -> Sweep {
    Sweep::parse(flag, text).unwrap()
}

#[test]
fn a_sweep_is_paired_and_its_standard_error_is_far_below_the_unpaired_one() {
    let rows = read_scenarios_varied(&source(SCENARIOS), &[sweep("--vary", "discount_rate=0.075,0.109")]).unwrap();
    let names: Vec<&str> = rows.iter().map(|s| s.name()).collect();
    assert_eq!(names, ["base", "base@discount_rate=0.075", "base@discount_rate=0.109"]);
    assert!(rows.iter().all(|s| s.stream() == "base"), "the variants share the row's stream");
    let terms = common::terms(TERMS);
    let plans: Vec<Plan> = rows.iter().map(|s| Plan::new(s, &terms, 11)).collect();
    let paths = 20_000;
    let group = GroupAccumulator::simulate(&plans, 0, 0, paths, Budget::DEFAULT, &|_| {});
    let refs: Vec<_> = rows.iter().collect();
    let (results, deltas) = group.finish(&refs, &terms);
    // Each row's results are those it has alone: simulating in lockstep changes nothing.
    for (plan, r) in plans.iter().zip(&results) {
        let alone = Accumulator::simulate(plan, 0, 0, paths, Budget::DEFAULT, &|_| {}).finish(&r.scenario, &terms);
        assert_eq!(&alone, r, "{}", r.scenario);
    }
    assert_eq!(deltas.len(), 2 * 2 * 2, "two variants, two terms rows, net and pv");
    for d in &deltas {
        let (row, first) = (results.iter().find(|r| r.scenario == d.scenario).unwrap(), &results[0]);
        assert_eq!(d.against, "base");
        let t = row.terms.iter().position(|t| t.name == d.terms).unwrap();
        let (own, base) = (row.terms[t].metric(d.metric), first.terms[t].metric(d.metric));
        if d.metric == Metric::Net {
            // The discount rate changes no payment: the net difference is zero on every path.
            assert_eq!((d.summary.mean, d.summary.sd, d.prob_positive.p), (0.0, Some(0.0), 0.0), "{d:?}");
            continue;
        }
        // The mean of a paired difference is the difference of the means.
        let diff = own.mean - base.mean;
        assert!(
            (d.summary.mean - diff).abs() <= 1e-9 * diff.abs(),
            "{} {}: {} vs {diff}",
            d.scenario,
            d.terms,
            d.summary.mean
        );
        let paired = d.summary.se.unwrap();
        let unpaired = (own.se.unwrap().powi(2) + base.se.unwrap().powi(2)).sqrt();
        println!(
            "{} {}: PV difference {:.4}, paired se {paired:.5}, unpaired se {unpaired:.5} ({:.0}x)",
            d.scenario,
            d.terms,
            d.summary.mean,
            unpaired / paired
        );
        assert!(paired < unpaired / 10.0, "{} {}: paired {paired} vs unpaired {unpaired}", d.scenario, d.terms);
        // A lower discount rate gives a higher PV on every path that pays after the valuation date.
        let lower = d.scenario.ends_with("0.075");
        assert!(if lower { d.summary.min >= 0.0 } else { d.summary.max <= 0.0 }, "{d:?}");
    }
}

#[test]
fn the_same_stream_and_the_same_parameters_give_the_same_paths_and_a_zero_difference() {
    let rows = read_scenarios_varied(&source(SCENARIOS), &[sweep("--vary", "discount_rate=0.09")]).unwrap();
    let terms = common::terms(TERMS);
    let plans: Vec<Plan> = rows.iter().map(|s| Plan::new(s, &terms, 3)).collect();
    let tables: Vec<_> = plans.iter().map(|p| revshare::engine::simulate(p, 700)).collect();
    assert_eq!(tables[0].column(0), tables[1].column(0), "revenue path by path");
    let refs: Vec<_> = rows.iter().collect();
    let (_, deltas) = GroupAccumulator::simulate(&plans, 0, 0, 700, Budget::DEFAULT, &|_| {}).finish(&refs, &terms);
    assert!(deltas.iter().all(|d| d.summary.mean == 0.0 && d.summary.max == 0.0 && d.summary.min == 0.0));
}

#[test]
fn a_terms_variant_is_compared_with_the_row_it_varies() {
    let terms = read_terms_varied(&source(TERMS), &[sweep("--vary-terms", "fixed:cap=30,38")]).unwrap();
    let names: Vec<&str> = terms.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["open", "fixed", "fixed@cap=30", "fixed@cap=38"]);
    assert_eq!(terms[2].variant_of(), Some("fixed"));
    let s = &common::scenarios(SCENARIOS)[0];
    let r = revshare::simulate_scenario(s, &terms, 0, 5, 4000).unwrap();
    let against = |t: &str| r.delta_against(t, "fixed", Metric::Pv).unwrap();
    // The same cap as the row: no difference on any path.
    assert_eq!((against("fixed@cap=38").summary.min, against("fixed@cap=38").summary.max), (0.0, 0.0));
    // A lower cap pays no more on any path, and less where the cap binds.
    let lower = against("fixed@cap=30");
    assert!(lower.summary.max <= 0.0 && lower.summary.mean < 0.0, "{lower:?}");
    // Still compared with the baseline, as every row is.
    assert!(r.delta("fixed@cap=30", Metric::Pv).is_some());
}

fn revshare(dir: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("revshare").current_dir(dir).args(args).assert()
}

#[test]
fn a_sweep_run_is_the_same_for_any_thread_count_and_moves_no_other_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("s.csv"), SCENARIOS).unwrap();
    fs::write(d.join("t.csv"), TERMS).unwrap();
    let common = ["run", "s.csv", "--terms", "t.csv", "--paths", "3000", "--no-report", "-q"];
    let vary = ["--vary", "discount_rate=0.075,0.109", "--vary-terms", "fixed:cap=30,45"];
    let runs = [("one", "1"), ("two", "2")];
    for (out, threads) in runs {
        revshare(d, &[&common[..], &vary, &["--out", out, "--threads", threads]].concat()).success();
    }
    for f in ["summary.csv", "deltas.csv", "scenario_deltas.csv", "annual.csv", "curves.csv"] {
        assert_eq!(fs::read(d.join("one").join(f)).unwrap(), fs::read(d.join("two").join(f)).unwrap(), "{f}");
    }
    let paired = fs::read_to_string(d.join("one/scenario_deltas.csv")).unwrap();
    assert!(paired.starts_with("stream,scenario,against,terms,metric,n,mean,sd,se,p05,p50,p95,prob_positive\n"));
    assert!(paired.contains("\nbase,base@discount_rate=0.075,base,fixed@cap=30,pv,3000,"), "{paired}");
    // Without the sweeps, the file's rows have the same numbers.
    revshare(d, &[&common[..], &["--out", "plain"]].concat()).success();
    let rows = |out: &str| -> Vec<String> {
        fs::read_to_string(d.join(out).join("summary.csv"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("base,open,") || l.starts_with("base,fixed,"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(rows("one"), rows("plain"));
    assert!(rows("plain").len() >= 12);
    // No row shares a stream: the file has its header alone.
    assert_eq!(
        fs::read_to_string(d.join("plain/scenario_deltas.csv")).unwrap(),
        "stream,scenario,against,terms,metric,n,mean,sd,se,p05,p50,p95,prob_positive\n"
    );
    let manifest = fs::read_to_string(d.join("one/manifest.json")).unwrap();
    assert!(manifest.contains("\"option\": \"--vary discount_rate=0.075,0.109\""), "{manifest}");
}

#[test]
fn the_terminal_and_the_report_show_each_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("s.csv"), SCENARIOS.to_string() + "other,20,0.5,0.3,0,0,inf,0,0.05\n").unwrap();
    fs::write(d.join("t.csv"), TERMS).unwrap();
    let out = revshare(
        d,
        &[
            "run",
            "s.csv",
            "--terms",
            "t.csv",
            "--paths",
            "2000",
            "--out",
            "r",
            "-q",
            "--vary",
            "base:discount_rate=0.075,0.109",
        ],
    )
    .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("--vary base:discount_rate=0.075,0.109 · base: PV minus base's, paired on the same paths"),
        "{text}"
    );
    assert!(!text.contains("other@"), "only the named row is varied: {text}");
    let html = fs::read_to_string(d.join("r/report.html")).unwrap();
    assert!(html.contains("How the answer moves with what was varied"));
    assert!(html.contains("data-chart=\"sweep\""));
    assert!(d.join("r/charts/sweep-01-base.svg").is_file());
    // The report drawn again from the files is the same page.
    revshare(d, &["report", "r"]).success();
    assert_eq!(fs::read_to_string(d.join("r/report.html")).unwrap(), html);
}

#[test]
fn bad_sweeps_are_refused_with_the_option_the_value_and_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("s.csv"), SCENARIOS).unwrap();
    let run = |args: &[&str]| {
        let a =
            revshare(d, &[&["run", "s.csv", "--paths", "100", "--out", "r", "-q"], args].concat()).failure().code(1);
        String::from_utf8(a.get_output().stderr.clone()).unwrap()
    };
    let e = run(&["--vary", "discount_rat=0.1"]);
    assert!(e.contains("--vary, value `--vary discount_rat=0.1`: `discount_rat` is not a scenario column; did you mean `discount_rate`?"), "{e}");
    let e = run(&["--vary", "nobody:sigma=0.1"]);
    assert!(e.contains("no row named `nobody` in s.csv; the rows are: base"), "{e}");
    let e = run(&["--vary", "sigma=0.1,-2"]);
    assert!(
        e.contains("--vary, column `sigma`, value `-2`: must be >= 0") && e.contains("made by `--vary sigma=0.1,-2`"),
        "{e}"
    );
    let e = run(&["--vary", "name=x"]);
    assert!(e.contains("a sweep cannot vary `name`"), "{e}");
    // A malformed option is a usage error (exit code 2), as clap reports it.
    let a = revshare(d, &["run", "s.csv", "--out", "r", "--vary", "sigma"]).failure().code(2);
    let e = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(e.contains("expected COLUMN=V1,V2,... or ROW:COLUMN=V1,V2,..."), "{e}");
    let e = run(&["--vary-terms", "cap=30,-1"]);
    assert!(e.contains("--vary-terms, column `cap`, value `-1`: must be >= 0"), "{e}");
    assert_eq!(e.matches("value `-1`").count(), 1, "the same problem in every row's variant is listed once: {e}");
    let e = run(&["--vary", "agi_delay=uniform(1, 2)"]);
    assert!(e.contains("base@agi_delay=uniform(1, 2)") && e.contains("name"), "a value that makes no valid name: {e}");
    assert!(!d.join("r").exists(), "nothing written");
}

#[test]
fn rows_sharing_a_stream_stop_together_at_a_precision_target_and_equal_that_fixed_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("s.csv"), SCENARIOS).unwrap();
    fs::write(d.join("t.csv"), TERMS).unwrap();
    let common = ["run", "s.csv", "--terms", "t.csv", "--no-report", "-q", "--vary", "discount_rate=0.075"];
    revshare(d, &[&common[..], &["--rel-precision", "0.05", "--paths", "200000", "--out", "p"]].concat()).success();
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("p/manifest.json")).unwrap()).unwrap();
    let stops = manifest["precision"]["scenarios"].as_array().unwrap();
    assert_eq!(stops.len(), 2);
    let paths = stops[0]["paths"].as_u64().unwrap();
    assert_eq!(stops[1]["paths"].as_u64().unwrap(), paths, "the group stops together");
    assert!(stops[0]["met"].as_bool().unwrap() && paths < 200_000, "{stops:?}");
    revshare(d, &[&common[..], &["--paths", &paths.to_string(), "--out", "f"]].concat()).success();
    for f in ["summary.csv", "deltas.csv", "scenario_deltas.csv", "annual.csv", "curves.csv"] {
        assert_eq!(fs::read(d.join("p").join(f)).unwrap(), fs::read(d.join("f").join(f)).unwrap(), "{f}");
    }
}

#[test]
fn a_variant_takes_the_correlations_of_the_row_it_varies() {
    let rows = read_scenarios_varied(&source(SCENARIOS), &[sweep("--vary", "discount_rate=0.075")]).unwrap();
    let file = Source {
        name: "c.csv".into(),
        bytes: b"scenario,a,b,rank_correlation\nbase,growth0,agi_delay,-0.5\n".to_vec(),
    };
    let rows = revshare::input::correlate(&file, "s.csv", rows).unwrap();
    assert_eq!(rows[1].variant_of(), Some("base"));
    assert!(rows[0].copula().is_some());
    assert_eq!(rows[0].copula(), rows[1].copula(), "the same copula, so the same worlds");
    // The same worlds: the paired net difference is zero on every path.
    let terms = common::terms(TERMS);
    let plans: Vec<Plan> = rows.iter().map(|s| Plan::new(s, &terms, 9)).collect();
    let refs: Vec<_> = rows.iter().collect();
    let (_, deltas) = GroupAccumulator::simulate(&plans, 0, 0, 2000, Budget::DEFAULT, &|_| {}).finish(&refs, &terms);
    let net = deltas.iter().find(|d| d.metric == Metric::Net).unwrap();
    assert_eq!((net.summary.min, net.summary.max), (0.0, 0.0));
}

#[test]
fn a_terms_variant_draws_its_rows_random_terms_and_is_no_new_reading() {
    // The row's end is drawn per path: a variant with the same value must be the
    // row itself on every path, and a variant of a reading is not another reading.
    let terms = "name,share,end,trigger,reading\n\
                 blend,0.2,\"discrete(none: 0.5, 2031: 0.5)\",verified,\n\
                 open,0.2,,verified,oct\nto-2030,0.2,2031,verified,oct\n";
    let sweeps = [sweep("--vary-terms", "blend:share=0.2,0.1"), sweep("--vary-terms", "open:share=0.1")];
    let terms = read_terms_varied(&source(terms), &sweeps).unwrap();
    assert_eq!(terms[3].name(), "open");
    assert_eq!(terms[4].reading(), None, "a variant of a reading is compared with it, not counted as one");
    let s = &common::scenarios(SCENARIOS)[0];
    let r = revshare::simulate_scenario(s, &terms, 0, 5, 3000).unwrap();
    let same = r.delta("blend@share=0.2", Metric::Pv).unwrap();
    assert_eq!((same.summary.min, same.summary.max), (0.0, 0.0), "the same draws of the end on every path");
    let half = r.delta("blend@share=0.1", Metric::Pv).unwrap();
    let blend = r.terms[0].metric(Metric::Pv);
    assert!((half.summary.mean + 0.5 * blend.mean).abs() < 1e-9 * blend.mean, "half the share, half the PV");
}

#[test]
fn a_variant_of_a_row_sharing_an_earlier_rows_stream_is_compared_with_its_row() {
    let text = format!("{SCENARIOS}other,20,\"pert(0.7, 1.1, 1.5)\",0.3,0.5,0.2,\"lognormal(7, 0.8)\",0.03,0.05\n")
        .replace("discount_rate\n", "discount_rate,stream\n")
        .replace("0.09\n", "0.09,\n")
        .replace("0.05\n", "0.05,base\n");
    let rows = read_scenarios_varied(&source(&text), &[sweep("--vary", "other:discount_rate=0.06")]).unwrap();
    let terms = common::terms(TERMS);
    let plans: Vec<Plan> = rows.iter().map(|s| Plan::new(s, &terms, 2)).collect();
    let refs: Vec<_> = rows.iter().collect();
    let (_, deltas) = GroupAccumulator::simulate(&plans, 0, 0, 1000, Budget::DEFAULT, &|_| {}).finish(&refs, &terms);
    let against: Vec<(&str, &str)> = deltas.iter().map(|d| (d.scenario.as_str(), d.against.as_str())).collect();
    assert!(against.contains(&("other", "base")) && against.contains(&("other@discount_rate=0.06", "other")));
}

#[test]
fn sweeps_that_would_break_the_mixture_or_pairing_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let refused = |args: &[&str]| {
        let a = revshare(d, &[&["run", "--paths", "100", "--out", "r", "-q"], args].concat()).failure().code(1);
        String::from_utf8(a.get_output().stderr.clone()).unwrap()
    };
    let e = refused(&["--vary", "weight=1"]);
    assert!(e.contains("a sweep cannot vary `weight`: a variant shares its row's paths"), "{e}");
    let e = refused(&["--vary", "cap=30"]);
    assert!(e.contains("it is a terms column: sweep it with --vary-terms"), "{e}");
    // Weighted rows are independent samples of the mixture.
    fs::write(d.join("w.csv"), "name,revenue0,sigma,weight,stream\na,20,0.3,1,\nb,20,0.3,1,a\n").unwrap();
    let e = refused(&["w.csv"]);
    assert!(e.contains("w.csv, line 3, column `weight`, value `1`") && e.contains("shares the stream `a`"), "{e}");
    // A row name with `=` can be named before the `:`.
    let s = Sweep::parse("--vary", "x=y:discount_rate=0.1,0.2").unwrap();
    assert_eq!((s.row.as_deref(), s.column.as_str()), (Some("x=y"), "discount_rate"));
}

#[test]
fn a_variant_that_fixes_a_correlated_parameter_draws_its_partners_as_its_row() {
    let rows = read_scenarios_varied(&source(SCENARIOS), &[sweep("--vary", "growth0=1.2")]).unwrap();
    let file = Source {
        name: "c.csv".into(),
        bytes: b"scenario,a,b,rank_correlation\nbase,growth0,agi_delay,-0.6\n".to_vec(),
    };
    let rows = revshare::input::correlate(&file, "s.csv", rows).unwrap();
    let terms = common::terms(TERMS);
    let (row, variant) = (Plan::new(&rows[0], &terms, 4), Plan::new(&rows[1], &terms, 4));
    for path in 0..500 {
        let (a, b) = (row.world(path).0, variant.world(path).0);
        assert_eq!(b.growth0, 1.2);
        assert_eq!(a.agi_delay, b.agi_delay, "path {path}: the partner is drawn from the same score");
    }
}
