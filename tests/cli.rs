//! The `revshare` binary: output files, reproducibility across threads, and bad input.

use assert_cmd::cargo::cargo_bin_cmd;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const CSV_OUTPUTS: [&str; 4] = ["summary.csv", "deltas.csv", "outcomes.csv", "annual.csv"];

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, text).unwrap();
        p
    }
}

fn revshare(dir: &Dir, args: &[&str]) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("revshare").current_dir(dir.0.path()).args(args).assert()
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap()
}

/// Every file under `dir` with its contents.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().into_string().unwrap(), fs::read(e.path()).unwrap_or_default())
        })
        .collect()
}

const SCENARIOS: &str = "name,revenue0,growth0,growth_inf,sigma,agi_delay,panel_lag,default_rate,ms_ratio,discount_rate\n\
    s1,20,\"pert(0.7, 1.1, 1.5)\",0.1,0.3,\"lognormal(5, 0.8)\",\"gamma(2, 0.5)\",0.03,\"uniform(0.3, 0.5)\",0.09\n\
    s2,10,0.5,0.1,0.2,\"triangular(1, 2, 4)\",0.5,0,0.4,0.05\n";
const TERMS: &str = "name,share,end,trigger,cap,reverse_share,spread_years\n\
    old,0.2,,verified,,0.2,1\n\
    new,0.2,2031,none,38,0,0\n";

#[test]
fn a_run_writes_the_five_files_with_the_documented_columns() {
    let d = Dir::new();
    d.write("s.csv", SCENARIOS);
    d.write("t.csv", TERMS);
    revshare(&d, &["run", "s.csv", "--terms", "t.csv", "--paths", "500", "--out", "out"])
        .success()
        .stdout(predicates::str::contains("PV vs baseline"))
        .stdout(predicates::str::contains("s2"));
    let out = d.path("out");
    let header = |f: &str| read(&out.join(f)).lines().next().unwrap().to_string();
    assert_eq!(header("summary.csv"), "scenario,terms,metric,n,mean,sd,se,min,p01,p05,p10,p25,p50,p75,p90,p95,p99,max");
    assert_eq!(header("deltas.csv"), "scenario,terms,baseline,metric,n,mean,sd,se,p05,p50,p95,prob_positive");
    assert_eq!(header("outcomes.csv"), "scenario,terms,outcome,probability,se");
    assert_eq!(header("annual.csv"), "scenario,terms,period,start,quantity,mean,p05,p25,p50,p75,p95");
    let summary = read(&out.join("summary.csv"));
    assert!(summary.contains("\ns1,-,revenue,500,"));
    assert!(summary.contains("\ns1,new,cap_year,"));
    assert!(!summary.contains("\ns1,old,cap_year,"), "no cap_year row for an uncapped row");
    let metrics: Vec<&str> =
        summary.lines().filter(|l| l.starts_with("s2,old,")).map(|l| l.split(',').nth(2).unwrap()).collect();
    assert_eq!(metrics, ["paid", "lost", "received", "net", "pv", "end_year"]);
    let deltas = read(&out.join("deltas.csv"));
    assert_eq!(deltas.lines().count(), 1 + 2 * 2, "net and pv for one non-baseline row in two scenarios");
    assert!(deltas.contains("\ns1,new,old,net,500,"));
    let outcomes: Vec<String> = read(&out.join("outcomes.csv"))
        .lines()
        .filter(|l| l.starts_with("s1,new,"))
        .map(|l| l.split(',').nth(2).unwrap().to_string())
        .collect();
    assert_eq!(
        outcomes,
        ["cap_hit", "end_by_cap", "end_by_cutoff", "end_by_trigger", "end_by_failure", "end_by_horizon"]
    );
    let annual = read(&out.join("annual.csv"));
    assert!(annual.contains("\ns1,-,2035,2035-01,revenue,"));
    assert!(annual.contains("\ns2,new,2030,2030-01,net,"));
    let manifest: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["seed"], 42);
    assert_eq!(manifest["paths"], 500);
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["rng"].as_str().unwrap().contains("revshare-rng-v2"));
}

fn rows_of(file: &Path, keep: impl Fn(&str) -> bool) -> Vec<String> {
    read(file).lines().filter(|l| keep(l)).map(str::to_string).collect()
}

#[test]
fn rows_inserted_before_or_removed_around_a_row_leave_its_numbers_unchanged() {
    // Keys are names, not positions: an extra terms row in the middle (after the
    // baseline) and an extra scenario row at the top shift every later row's index,
    // and removing a scenario shifts the others back; no row's lines may change.
    let d = Dir::new();
    d.write("s.csv", SCENARIOS);
    d.write("t.csv", TERMS);
    let (t_header, t_rows) = TERMS.split_once('\n').unwrap();
    let (baseline, rest) = t_rows.split_once('\n').unwrap();
    d.write("t2.csv", &format!("{t_header}\n{baseline}\nextra,\"uniform(0.1, 0.3)\",2030,declared,20,0.1,0\n{rest}"));
    let (s_header, s_rows) = SCENARIOS.split_once('\n').unwrap();
    d.write("s2.csv", &format!("{s_header}\ns3,5,0.2,0.1,0.5,inf,0,0.1,0.3,0.1\n{s_rows}"));
    let s1_only: String = SCENARIOS.lines().filter(|l| !l.starts_with("s2,")).map(|l| format!("{l}\n")).collect();
    d.write("s1.csv", &s1_only);
    let args = |s: &str, t: &str, out: &str| ["run", s, "--terms", t, "--paths", "800", "--out", out].map(String::from);
    for (s, t, out) in
        [("s.csv", "t.csv", "a"), ("s.csv", "t2.csv", "b"), ("s2.csv", "t.csv", "c"), ("s1.csv", "t.csv", "e")]
    {
        revshare(&d, &args(s, t, out).iter().map(String::as_str).collect::<Vec<_>>()).success();
    }
    for f in CSV_OUTPUTS {
        let original = rows_of(&d.path("a").join(f), |_| true);
        let with_terms = rows_of(&d.path("b").join(f), |l| !l.contains(",extra,"));
        assert_eq!(with_terms, original, "{f} with an extra terms row");
        let with_scenario = rows_of(&d.path("c").join(f), |l| !l.starts_with("s3,"));
        assert_eq!(with_scenario, original, "{f} with an extra scenario row");
        assert!(!rows_of(&d.path("c").join(f), |l| l.starts_with("s3,")).is_empty());
        let without = rows_of(&d.path("e").join(f), |_| true);
        assert_eq!(without, rows_of(&d.path("a").join(f), |l| !l.starts_with("s2,")), "{f} without s2");
    }
}

#[test]
fn check_prints_every_row_with_defaults_and_distributions() {
    let d = Dir::new();
    d.write("s.csv", SCENARIOS);
    revshare(&d, &["check", "s.csv"])
        .success()
        .stdout(predicates::str::contains("s.csv: 2 scenario(s), all valid"))
        .stdout(predicates::str::contains("growth0          pert(0.7, 1.1, 1.5)"))
        .stdout(predicates::str::contains("agi_multiplier   1  (default)"))
        .stdout(predicates::str::contains("fixed-2026"))
        .stdout(predicates::str::contains("cap              38"));
    assert!(!d.path("results").exists(), "check writes nothing");
}

#[test]
fn usage_errors_exit_with_2() {
    let d = Dir::new();
    revshare(&d, &["--paths", "0"]).code(2);
    revshare(&d, &["run", "--bogus"]).code(2);
    revshare(&d, &["--threads", "0"]).code(2);
}

/// Runs with a bad input and checks the message, the exit code, and that the
/// existing output folder is left exactly as it was.
fn refused(scenarios: &str, terms: &str, extra: &[&str], expect: &[&str]) {
    let d = Dir::new();
    d.write("s.csv", scenarios);
    d.write("t.csv", terms);
    let out = d.path("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("summary.csv"), "an earlier result\n").unwrap();
    let before = snapshot(&out);
    let mut args = vec!["run", "s.csv", "--terms", "t.csv", "--paths", "50", "--out", "out"];
    args.extend_from_slice(extra);
    let assert = revshare(&d, &args).code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for e in expect {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(snapshot(&out), before, "the output folder changed");
}

const GOOD_S: &str = "name,revenue0\ns,20\n";
const GOOD_T: &str = "name,share\nt,0.2\n";

#[test]
fn an_unknown_column_is_refused() {
    refused(
        "name,revenue0,sigmaa\ns,20,0.1\n",
        GOOD_T,
        &[],
        &["s.csv, line 1, column `sigmaa`: unknown column; did you mean `sigma`?"],
    );
    // The header is named at its own line, after comments and empty lines, and the
    // rows' bad cells are listed with it; a required column that is missing is said
    // once, not in every row.
    let shipped = include_str!("../scenarios/terms.csv");
    let header = shipped.lines().position(|l| l.starts_with("name,")).unwrap() + 1;
    assert!(header > 1, "the shipped terms file starts with comments");
    // A column `sharee` added at the end, and a share of 1.5 in the first row.
    let broken: String = shipped
        .lines()
        .enumerate()
        .map(|(i, l)| match i + 1 {
            n if n < header => format!("{l}\n"),
            n if n == header => format!("{l},sharee\n"),
            n if n == header + 1 => format!("{},x\n", l.replacen(",0.2,", ",1.5,", 1)),
            _ => format!("{l},\n"),
        })
        .collect();
    refused(
        GOOD_S,
        &broken,
        &[],
        &[
            "2 problems in the input:",
            &format!("t.csv, line {header}, column `sharee`: unknown column; did you mean `share`?"),
            &format!("t.csv, line {}, column `share`, value `1.5`: must be in [0, 1]", header + 1),
        ],
    );
    refused(
        "# a comment\n\nname,sigma\ns,-1\nt,0.1\n",
        GOOD_T,
        &[],
        &[
            "2 problems in the input:",
            "s.csv, line 3: the required column `revenue0` is missing",
            "s.csv, line 4, column `sigma`, value `-1`",
        ],
    );
}

#[test]
fn a_missing_required_value_is_refused() {
    refused(
        "name,revenue0\ns,\n",
        GOOD_T,
        &[],
        &["s.csv, line 2, column `revenue0`: a value is required: revenue0 > 0"],
    );
    refused(GOOD_S, "name,share\nt,\n", &[], &["t.csv, line 2, column `share`: a value is required"]);
}

#[test]
fn a_value_out_of_its_domain_is_refused() {
    refused(
        "name,revenue0,agi_never\ns,20,1.2\n",
        GOOD_T,
        &[],
        &["s.csv, line 2, column `agi_never`, value `1.2`: must be in [0, 1]"],
    );
    refused(GOOD_S, "name,share,cap\nt,0.2,-1\n", &[], &["t.csv, line 2, column `cap`, value `-1`: must be >= 0"]);
}

#[test]
fn a_distribution_whose_support_leaves_the_domain_is_refused() {
    refused(
        "name,revenue0\ns,\"normal(20, 5)\"\n",
        GOOD_T,
        &[],
        &["s.csv, line 2, column `revenue0`, value `normal(20, 5)`", "must be > 0", "use a lognormal"],
    );
    refused("name,revenue0,agi_never\ns,20,\"uniform(0.5, 1.5)\"\n", GOOD_T, &[], &["reach 1.5", "in [0, 1]"]);
}

#[test]
fn a_malformed_distribution_is_refused() {
    refused(
        "name,revenue0,sigma\ns,20,\"lognormal(0.3)\"\n",
        GOOD_T,
        &[],
        &["column `sigma`, value `lognormal(0.3)`: lognormal takes 2 arguments"],
    );
    refused(
        "name,revenue0,sigma\ns,20,\"beta(1, 2)\"\n",
        GOOD_T,
        &[],
        &["unknown distribution `beta`", "lognormal(median, sigma)"],
    );
}

#[test]
fn a_bad_date_is_refused() {
    refused(
        "name,revenue0,start\ns,20,2026-13\n",
        GOOD_T,
        &[],
        &["column `start`, value `2026-13`: the month must be between 01 and 12"],
    );
    refused(
        GOOD_S,
        "name,share,end\nt,0.2,31/12/2030\n",
        &[],
        &["t.csv, line 2, column `end`, value `31/12/2030`: not a date", "YYYY-MM-DD"],
    );
}

#[test]
fn a_start_not_before_the_horizon_is_refused() {
    refused(
        "name,revenue0,start,horizon\ns,20,2030-01,2029-06\n",
        GOOD_T,
        &[],
        &["s.csv, line 2, column `horizon`, value `2029-06`: the horizon must be after start (2030-01)"],
    );
}

#[test]
fn a_duplicate_name_is_refused() {
    refused(
        "name,revenue0\ns,20\ns,30\n",
        GOOD_T,
        &[],
        &["s.csv, line 3, column `name`, value `s`: duplicate name: already used on line 2"],
    );
}

#[test]
fn an_unknown_baseline_is_refused() {
    refused(
        GOOD_S,
        GOOD_T,
        &["--baseline", "nope"],
        &["--baseline, value `nope`: no terms row of that name in t.csv; the rows are: t"],
    );
}

#[test]
fn an_empty_file_is_refused() {
    refused("", GOOD_T, &[], &["s.csv: the file is empty"]);
    refused(GOOD_S, "name,share\n", &[], &["t.csv: the file has a header but no terms rows"]);
}

#[test]
fn a_file_that_is_not_a_csv_is_refused() {
    refused(
        "name,revenue0,sigma\ns,20,lognormal(0.3, 0.1)\n",
        GOOD_T,
        &[],
        &["s.csv, line 2: found 4 fields where the header has 3", "must be quoted"],
    );
    refused("{\"scenarios\": [1, 2]}\n", GOOD_T, &[], &["s.csv, line 1, column `{\"scenarios\": [1`: unknown column"]);
    let d = Dir::new();
    fs::write(d.path("bin.csv"), [0x89, b'P', b'N', b'G', 0xff, 0x00]).unwrap();
    revshare(&d, &["check", "bin.csv"]).code(1).stderr(predicates::str::contains(
        "bin.csv, line 1: not a text file (invalid UTF-8 at column 1, the file's byte 1); expected a CSV scenario file",
    ));
    // Where the bad byte is: its line and column, counting a Windows line end once.
    fs::write(d.path("latin1.csv"), b"name,revenue0\r\nbase,20\r\nd\xe9j\xe0,10\r\n").unwrap();
    revshare(&d, &["check", "latin1.csv"]).code(1).stderr(predicates::str::contains(
        "latin1.csv, line 3: not a text file (invalid UTF-8 at column 2, the file's byte 26)",
    ));
    // A file without an end is refused at the size limit, not read until memory runs out.
    #[cfg(unix)]
    revshare(&d, &["check", "/dev/zero"]).code(1).stderr(predicates::str::contains(
        "error: /dev/zero: the file is larger than 64 MiB, the most an input file may be",
    ));
    #[cfg(unix)]
    revshare(&d, &["run", "--terms", "/dev/zero", "--out", "never"])
        .code(1)
        .stderr(predicates::str::contains("/dev/zero: the file is larger than 64 MiB"));
    assert!(!d.path("never").exists());
}

#[test]
fn every_problem_in_both_files_is_reported_at_once() {
    refused(
        "name,revenue0\ns,-1\n",
        "name,share,trigger\nt,2,later\n",
        &[],
        &[
            "3 problems in the input",
            "s.csv, line 2, column `revenue0`",
            "t.csv, line 2, column `share`",
            "column `trigger`, value `later`",
        ],
    );
}

#[test]
fn a_missing_file_or_an_output_path_that_is_a_file_is_refused() {
    let d = Dir::new();
    revshare(&d, &["run", "missing.csv"]).code(1).stderr(predicates::str::contains("missing.csv: No such file"));
    revshare(&d, &["--paths", "10", "--out", "o", "--per-path", "no/such/dir/p.csv"]).code(1).stderr(
        predicates::str::contains("--per-path, value `no/such/dir/p.csv`: cannot write a file in `no/such/dir`"),
    );
    assert!(!d.path("o").exists(), "the output folder it would have created is not left behind");
    d.write("taken", "x");
    revshare(&d, &["--paths", "10", "--out", "taken"])
        .code(1)
        .stderr(predicates::str::contains("`taken` exists and is not a folder"));
    assert_eq!(read(&d.path("taken")), "x");
}

#[test]
fn extreme_but_valid_inputs_run_without_panicking() {
    let d = Dir::new();
    d.write(
        "s.csv",
        "name,revenue0,growth0,growth_inf,growth_halflife,sigma,jump_rate,jump_mean,jump_sd,agi_delay,agi_never,panel_lag,agi_multiplier,default_rate,ms_ratio,discount_rate,start,horizon\n\
         a,1e300,1e9,1e9,1e-300,50,12000,1e300,1e300,0,0,1e300,1e300,1e300,1e300,-0.9999999,1900,2000\n\
         b,1e-300,-0.9999999,-0.9999999,1e300,0,0,-1e300,0,\"lognormal(1, 700)\",1,0,1e-300,0,0,1e300,2199-12,2200-01\n\
         c,5,\"cdf(0: 0, 1e-300: 1)\",\"discrete(1: 1)\",2,\"gamma(1e-300, 1e300)\",0,0,0,\"discrete(inf: 1)\",0,\"uniform(0, 1e300)\",1,0,1,0,,\n",
    );
    d.write(
        "t.csv",
        "name,share,end,trigger,cap,cap_counted,reverse_share,spread_years\n\
         x,1,1900,declared,0,1e300,1,1e300\n\
         y,\"uniform(0, 1)\",2200-12-31,verified,1e300,0,0,1e-300\n",
    );
    // Revenue of 1e300 $B overflows the statistics: refused, naming the path.
    revshare(&d, &["run", "s.csv", "--terms", "t.csv", "--paths", "200", "--out", "out"])
        .code(1)
        .stderr(predicates::str::contains("scenario `a`, path 0: OpenAI's revenue overflows from 1900-01 on"));
    let without_a: String =
        read(&d.path("s.csv")).lines().filter(|l| !l.starts_with("a,")).map(|l| format!("{l}\n")).collect();
    d.write("bc.csv", &without_a);
    let a = revshare(&d, &["run", "bc.csv", "--terms", "t.csv", "--paths", "200", "--out", "out"]).success();
    assert!(!String::from_utf8_lossy(&a.get_output().stderr).contains("panicked"));
    revshare(
        &d,
        &["sensitivity", "s.csv", "--terms", "t.csv", "--scenario", "c", "--metric", "delta_pv", "--paths", "200"],
    )
    .success();
    revshare(&d, &["replay", "s.csv", "--terms", "t.csv", "--scenario", "a", "--path", "3"]).success();
    for (scenario, param) in [("a", "cap"), ("b", "share"), ("c", "end"), ("c", "cap_counted")] {
        let args = ["solve", "s.csv", "--terms", "t.csv", "--scenario", scenario, "--terms-row", "y", "--param", param];
        let a = revshare(&d, &[&args[..], &["--target", "equal-pv", "--against", "x", "--paths", "50"]].concat());
        let out = a.get_output();
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{scenario} {param}");
        assert!(matches!(out.status.code(), Some(0) | Some(1)), "{scenario} {param}");
    }
}

#[test]
fn a_run_to_a_precision_target_equals_the_fixed_run_of_the_paths_it_stopped_at() {
    let d = Dir::new();
    // The first edition's `base` over ten years, and three rows of terms.
    d.write(
        "s.csv",
        "name,revenue0,growth0,growth_inf,growth_halflife,sigma,jump_rate,jump_mean,jump_sd,agi_delay,agi_never,\
         panel_lag,default_rate,ms_ratio,discount_rate\n\
         base,20,\"pert(0.7, 1.1, 1.5)\",\"pert(0.03, 0.1, 0.2)\",2.278,0.25,0.15,-0.35,0.2,\"lognormal(7, 0.8)\",0.1,\
         \"gamma(2, 0.5)\",0.03,\"uniform(0.3, 0.5)\",0.09\n",
    );
    d.write(
        "t.csv",
        "name,share,end,trigger,cap,reverse_share,spread_years\n\
         panel-2025,0.2,,verified,,0.2,2\nboard-2019,0.2,2031,declared,,0.2,0\nfixed-2026,0.2,2031,none,38,0,0\n",
    );
    let common = ["s.csv", "--terms", "t.csv", "--no-report", "--quiet"];
    let out =
        revshare(&d, &[&["run"][..], &common, &["--precision", "20", "--paths", "100000", "--out", "p"]].concat())
            .success()
            .get_output()
            .stdout
            .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("precision target: 95% half-width <= 20 $B"), "{text}");
    let manifest: serde_json::Value = serde_json::from_str(&read(&d.path("p").join("manifest.json"))).unwrap();
    let stop = &manifest["precision"]["scenarios"][0];
    let paths = stop["paths"].as_u64().unwrap();
    assert!(stop["met"].as_bool().unwrap());
    assert!(paths > 40 * 256 && paths < 100_000, "more than one round, fewer than the most: {paths}");
    assert!(stop["half_width"].as_f64().unwrap() <= 20.0);
    let n = paths.to_string();
    revshare(&d, &[&["run"][..], &common, &["--paths", &n, "--out", "f"]].concat()).success();
    for f in CSV_OUTPUTS.iter().chain(&["curves.csv"]) {
        assert_eq!(read(&d.path("p").join(f)), read(&d.path("f").join(f)), "{f}");
    }
    // A target the most paths cannot meet is reported, not hidden.
    revshare(&d, &[&["run"][..], &common, &["--precision", "0.001", "--paths", "3000", "--out", "q"]].concat())
        .success()
        .stdout(predicates::str::contains("3000 paths, NOT met: the most paths were reached"));
    revshare(&d, &["run", "s.csv", "--rel-precision", "0.1", "--per-path", "x.csv", "--out", "r"])
        .code(1)
        .stderr(predicates::str::contains("--per-path: writes every path of a fixed number of paths"));
    // One path estimates no half-width: the target is not met, not met by default.
    revshare(&d, &[&["run"][..], &common, &["--precision", "0.1", "--paths", "1", "--out", "one"]].concat())
        .success()
        .stdout(predicates::str::contains("1 paths, NOT met"));
    revshare(&d, &["run", "--precision", "0.1", "--rel-precision", "0.1"]).code(2);
    revshare(&d, &["run", "--precision", "-1"]).code(2);
}

#[test]
fn the_per_path_file_streams_in_path_order_and_changes_no_other_file() {
    let d = Dir::new();
    d.write("s.csv", SCENARIOS);
    d.write("t.csv", TERMS);
    let run = |extra: &[&str], out: &str| {
        let args = [&["run", "s.csv", "--terms", "t.csv", "--paths", "700", "--no-report", "--out", out][..], extra];
        revshare(&d, &args.concat()).success();
    };
    run(&["--per-path", "p1.csv", "--threads", "1"], "a");
    run(&["--per-path", "p2.csv", "--threads", "2"], "b");
    run(&[], "c");
    assert_eq!(read(&d.path("p1.csv")), read(&d.path("p2.csv")));
    for f in CSV_OUTPUTS.iter().chain(&["curves.csv"]) {
        assert_eq!(read(&d.path("a").join(f)), read(&d.path("c").join(f)), "{f}");
    }
    let per_path = read(&d.path("p1.csv"));
    let paths: Vec<usize> = per_path
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("s1,") && l.contains(",old,"))
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(paths, (0..700).collect::<Vec<_>>());
}

#[test]
fn a_per_path_file_that_the_run_writes_into_out_itself_is_refused_before_simulating() {
    let d = Dir::new();
    d.write("s.csv", SCENARIOS);
    d.write("t.csv", TERMS);
    let run = |per_path: &str| {
        let args = ["run", "s.csv", "--terms", "t.csv", "--paths", "50", "--out", "same", "--quiet"];
        revshare(&d, &[&args[..], &["--per-path", per_path]].concat())
    };
    run("same/per-path.csv").success();
    let before = snapshot(&d.path("same"));
    for (per_path, clash) in [
        ("same/summary.csv", "is where the run writes its own `summary.csv`"),
        ("same/manifest.json", "is where the run writes its own `manifest.json`"),
        ("./same/../same/report.html", "is where the run writes its own `report.html`"),
        ("same/sensitivity.csv", "is where the run writes its own `sensitivity.csv`"),
        ("same/charts/p.csv", "is in the `charts/` folder the run draws into"),
        ("same/charts/.revshare-charts", "is in the `charts/` folder the run draws into"),
    ] {
        let expected = format!(
            "--per-path, value `{per_path}`: {clash} (--out `same`); name a file the run does not write, such as \
             `same/per-path.csv`, or one outside the folder"
        );
        run(per_path).code(1).stderr(predicates::str::contains(expected));
        assert_eq!(snapshot(&d.path("same")), before, "{per_path}");
    }
    // Through a link to the folder, too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("same", d.path("link")).unwrap();
        run("link/summary.csv").code(1).stderr(predicates::str::contains("its own `summary.csv`"));
        assert_eq!(snapshot(&d.path("same")), before);
    }
}

#[test]
fn a_row_cut_off_at_the_horizon_is_warned_about_and_one_that_ends_before_is_not() {
    let d = Dir::new();
    d.write("s.csv", "name,revenue0,horizon\nflat,12,2031\n");
    d.write("t.csv", "name,share,end\nopen,0.2,\nthrough-2030,0.2,2031\n");
    let out = revshare(&d, &["run", "s.csv", "--terms", "t.csv", "--paths", "10", "--out", "o"]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let warning = "flat: open is still paying at the horizon on 100.0% of paths; its totals stop there";
    assert!(text.contains(warning), "{text}");
    assert!(!text.contains("through-2030 is still paying"), "{text}");
    let manifest: serde_json::Value = serde_json::from_str(&read(&d.path("o").join("manifest.json"))).unwrap();
    let warnings = manifest["warnings"].as_array().unwrap();
    // Ten paths are too few for the tails: said first; then the horizon.
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].as_str().unwrap().starts_with("flat: only 10 paths, so its 1% and 99% quantiles rest on"));
    assert!(text.contains("warnings:\n  flat: only 10 paths"), "{text}");
    // The report says a scenario's cut-off rows in one line.
    let report = read(&d.path("o").join("report.html"));
    assert!(report.contains("<li>flat: still paying at the horizon, so their totals stop there (a later horizon would add to them): open on 100.0% of paths</li>"), "{report}");
    // With enough paths, only the horizon is warned about.
    revshare(&d, &["run", "s.csv", "--terms", "t.csv", "--paths", "1000", "--out", "o2", "--no-report"]).success();
    let manifest: serde_json::Value = serde_json::from_str(&read(&d.path("o2").join("manifest.json"))).unwrap();
    assert_eq!(manifest["warnings"].as_array().unwrap().len(), 1);
}

#[test]
fn fiscal_quarters_are_named_after_the_year_they_end_in_and_add_up_to_the_years() {
    let d = Dir::new();
    d.write("s.csv", SCENARIOS);
    d.write("t.csv", TERMS);
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["run", "s.csv", "--terms", "t.csv", "--paths", "300", "--out", out, "--no-report"];
        args.extend(extra);
        revshare(&d, &args).success();
        read(&d.path(out).join("annual.csv"))
    };
    let quarters = run("q", &["--period", "quarter", "--year-start", "7"]);
    let years = run("y", &["--year-start", "7"]);
    assert!(quarters.contains("\ns1,-,FY2026Q3,2026-01,revenue,"), "{quarters}");
    assert!(quarters.contains("\ns1,old,FY2027Q1,2026-07,paid,"), "{quarters}");
    assert!(years.contains("\ns1,-,FY2027,2026-07,revenue,"), "{years}");
    // The mean of a fiscal year's revenue is the sum of its quarters' means.
    let mean = |text: &str, period: &str| -> f64 {
        let prefix = format!("s1,-,{period},");
        let line = text.lines().find(|l| l.starts_with(&prefix)).unwrap();
        line.split(',').nth(5).unwrap().parse().unwrap()
    };
    let sum: f64 = (1..=4).map(|q| mean(&quarters, &format!("FY2028Q{q}"))).sum();
    assert!((sum - mean(&years, "FY2028")).abs() < 1e-9 * sum, "{sum}");
    let manifest: serde_json::Value = serde_json::from_str(&read(&d.path("q").join("manifest.json"))).unwrap();
    assert_eq!(manifest["periods"]["description"], "quarters of fiscal years starting in July");
    // Every other file is the same whatever the periods.
    for f in ["summary.csv", "deltas.csv", "outcomes.csv"] {
        assert_eq!(read(&d.path("q").join(f)), read(&d.path("y").join(f)), "{f}");
    }
    revshare(&d, &["run", "s.csv", "--year-start", "13", "--out", "z"])
        .code(2)
        .stderr(predicates::str::contains("--year-start"))
        .stderr(predicates::str::contains("1..=12"));
    assert!(!d.path("z").exists());
}

#[test]
fn readings_of_a_contract_are_compared_with_every_other_row_in_every_output() {
    let d = Dir::new();
    d.write("s.csv", "name,revenue0,growth0,growth_inf,sigma,discount_rate,agi_delay\nflat,12,0,0,0,0,inf\n");
    // Constant revenue 12 a year to 2036: 2.4 a year at 20%. The readings end in 2029
    // and 2031; `new` ends in 2030, between them.
    d.write(
        "t.csv",
        "name,share,end,reading\nblend,0.2,\"discrete(2029: 0.5, 2031: 0.5)\",\n\
         early,0.2,2029,old\nlate,0.2,2031,old\nnew,0.2,2030,\n",
    );
    let out = revshare(&d, &["run", "s.csv", "--terms", "t.csv", "--paths", "200", "--out", "o"]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("flat: PV against each reading of old, $B (95% interval)"), "{text}");
    assert!(text.contains("  new flips: pays less than late; more than early"), "{text}");
    assert!(text.contains("Under flat, no row's sign holds under every reading of old; the sign of"), "{text}");
    let deltas = read(&d.path("o").join("deltas.csv"));
    // new - early = one year of 2.4; new - late = minus one year.
    let mean = |terms: &str, against: &str| -> f64 {
        let prefix = format!("flat,{terms},{against},pv,");
        let line = deltas.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("{prefix}\n{deltas}"));
        line.split(',').nth(5).unwrap().parse().unwrap()
    };
    assert!((mean("new", "early") - 2.4).abs() < 1e-9);
    assert!((mean("new", "late") + 2.4).abs() < 1e-9);
    let report = read(&d.path("o").join("report.html"));
    assert!(report.contains("Which conclusions hold under every reading"));
    assert!(report.contains("<td class=\"text\">flips: pays less than late; more than early</td>"), "readings table");
    revshare(&d, &["check", "s.csv", "--terms", "t.csv"])
        .success()
        .stdout(predicates::str::contains("reading          one reading of `old`"));
}

#[test]
fn a_name_a_spreadsheet_would_run_or_a_file_system_would_trip_on_is_refused() {
    let rule = "a name is ASCII letters, digits and `-_.@=+`, at most 64 characters, starting with a letter or a digit";
    refused(
        "name,revenue0\n=cmd|calc,20\n",
        GOOD_T,
        &[],
        &[&format!("s.csv, line 2, column `name`, value `=cmd|calc`: {rule}: it starts with `=`")],
    );
    refused(
        GOOD_S,
        "name,share\n\"a b\",0.2\n",
        &[],
        &[&format!("t.csv, line 2, column `name`, value `a b`: {rule}: ` ` is not allowed")],
    );
    refused(GOOD_S, "name,share,reading\nt,0.2,../x\n", &[], &["column `reading`, value `../x`", "it starts with `.`"]);
    let long = "x".repeat(65);
    refused(&format!("name,revenue0\n{long},20\n"), GOOD_T, &[], &[&format!("{rule}: this one has 65")]);
    // Every character the rule allows, as a sweep's variant names use them.
    let d = Dir::new();
    d.write("s.csv", "name,revenue0\nbase@discount_rate=0.075+x_1.2-b,20\n");
    d.write("t.csv", GOOD_T);
    revshare(&d, &["run", "s.csv", "--terms", "t.csv", "--paths", "10", "--out", "o", "--no-report"]).success();
}

#[test]
fn a_run_replaces_only_its_own_files() {
    let d = Dir::new();
    d.write("s.csv", GOOD_S);
    d.write("t.csv", GOOD_T);
    fs::create_dir_all(d.path("r/charts")).unwrap();
    d.write("r/charts/mine.svg", "x");
    d.write("r/notes.txt", "mine");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "s.csv", "--terms", "t.csv", "--paths", "100", "--out", "r", "--quiet"];
        args.extend(extra);
        revshare(&d, &args)
    };
    run(&[]).success();
    assert_eq!(read(&d.path("r/charts/mine.svg")), "x", "a user's file among the charts stays");
    assert_eq!(read(&d.path("r/notes.txt")), "mine");
    let ours = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        v.sort();
        v
    };
    let first = ours(&d.path("r/charts"));
    assert!(first.len() > 5 && first.contains(&"mine.svg".to_string()), "{first:?}");
    // A run with a second scenario draws more charts; a run with one again removes
    // the second scenario's charts, which it drew, and nothing else.
    d.write("s2.csv", "name,revenue0\ns,20\nt,30\n");
    revshare(&d, &["run", "s2.csv", "--terms", "t.csv", "--paths", "100", "--out", "r", "--quiet"]).success();
    assert!(ours(&d.path("r/charts")).len() > first.len());
    run(&[]).success();
    assert_eq!(ours(&d.path("r/charts")), first);
    // A run without a report leaves no report or chart of an earlier run beside its
    // files, and still not the user's.
    run(&["--no-report"]).success();
    assert!(!d.path("r/report.html").exists());
    assert_eq!(ours(&d.path("r/charts")), ["mine.svg"]);
    // Nothing goes because of its name: without an index (the run without a report
    // left none), a file named as runs name their charts stays; one the run draws
    // again is replaced.
    assert!(!d.path("r/charts/.revshare-charts").exists());
    d.write("r/charts/01-s-revenue.svg", "an old chart");
    d.write("r/charts/09-gone-pv-cdf.svg", "an old chart");
    run(&[]).success();
    assert!(!read(&d.path("r/charts/01-s-revenue.svg")).contains("an old chart"));
    assert_eq!(read(&d.path("r/charts/09-gone-pv-cdf.svg")), "an old chart", "an unlisted chart name stays");
    // The index lists each chart with its SHA-256, as `sha256sum` writes it.
    let index = read(&d.path("r/charts/.revshare-charts"));
    for line in index.lines() {
        let (hash, name) = line.split_once("  ").unwrap();
        let bytes = fs::read(d.path("r/charts").join(name)).unwrap();
        let digest: String =
            <sha2::Sha256 as sha2::Digest>::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hash, digest, "{name}");
    }
    // A forged or hand-edited index removes nothing it cannot show the run drew: a
    // name without a hash, a wrong hash, or a chart edited since.
    let first_chart = index.lines().next().unwrap().split_once("  ").unwrap().1.to_string();
    d.write(&format!("r/charts/{first_chart}"), "edited by hand");
    let forged = format!("mine.svg\n{}  09-gone-pv-cdf.svg\n{index}", "0".repeat(64));
    d.write("r/charts/.revshare-charts", &forged);
    run(&["--no-report"]).success();
    assert_eq!(read(&d.path("r/charts/mine.svg")), "x");
    assert_eq!(read(&d.path("r/charts/09-gone-pv-cdf.svg")), "an old chart");
    assert_eq!(read(&d.path(&format!("r/charts/{first_chart}"))), "edited by hand");
    assert_eq!(ours(&d.path("r/charts")).len(), 3, "the unchanged charts went: {:?}", ours(&d.path("r/charts")));
    // A per-path target that is not one of ours is refused; one of ours is replaced
    // with its mode kept.
    d.write("notes.csv", "my,own\n1,2\n");
    run(&["--per-path", "notes.csv"])
        .code(1)
        .stderr(predicates::str::contains("`notes.csv` exists and is not a --per-path file written by revshare"));
    assert_eq!(read(&d.path("notes.csv")), "my,own\n1,2\n");
    run(&["--per-path", "p.csv"]).success();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&d.path("p.csv")), mode(&d.path("r/summary.csv")), "the mode of the other results");
        fs::set_permissions(d.path("p.csv"), fs::Permissions::from_mode(0o640)).unwrap();
        run(&["--per-path", "p.csv"]).success();
        assert_eq!(mode(&d.path("p.csv")), 0o640, "a replaced file keeps its mode");
    }
}

#[cfg(unix)]
#[test]
fn a_target_that_is_a_device_a_fifo_or_a_link_is_refused_and_left_alone() {
    let d = Dir::new();
    d.write("s.csv", GOOD_S);
    d.write("t.csv", GOOD_T);
    let fifo = d.path("fifo.csv");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let args = ["run", "s.csv", "--terms", "t.csv", "--paths", "10", "--out", "r", "--quiet"];
    revshare(&d, &[&args[..], &["--per-path", "fifo.csv"]].concat())
        .code(1)
        .stderr(predicates::str::contains("fifo.csv: exists and is not a regular file (it is a FIFO)"));
    revshare(&d, &[&args[..], &["--per-path", "/dev/null"]].concat())
        .code(1)
        .stderr(predicates::str::contains("/dev/null: exists and is not a regular file (it is a device)"));
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&fs::symlink_metadata(&fifo).unwrap().file_type()));
    fs::create_dir(d.path("r")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", d.path("r/summary.csv")).unwrap();
    revshare(&d, &args)
        .code(1)
        .stderr(predicates::str::contains("summary.csv: exists and is not a regular file (it is a symbolic link)"));
    assert!(fs::symlink_metadata(d.path("r/summary.csv")).unwrap().file_type().is_symlink());
    assert!(!d.path("r/deltas.csv").exists(), "refused before anything was written");
}

#[test]
fn one_path_or_nothing_that_varies_prints_no_nan_and_writes_every_header() {
    let d = Dir::new();
    let out = revshare(&d, &["run", "--paths", "1", "--out", "one", "--quiet"]).success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!text.contains("NaN"), "{text}");
    for entry in fs::read_dir(d.path("one")).unwrap().chain(fs::read_dir(d.path("one/charts")).unwrap()) {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert!(!read(&path).contains("NaN"), "{}", path.display());
        }
    }
    let out = revshare(
        &d,
        &[
            "sensitivity",
            "--scenario",
            "company-plan",
            "--metric",
            "pv",
            "--terms-row",
            "fixed-2026",
            "--paths",
            "50",
            "--out",
            "s",
        ],
    )
    .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("(nothing to rank: no input varies across the paths of `company-plan`"), "{text}");
    assert!(!text.contains("NaN"), "{text}");
    assert_eq!(
        read(&d.path("s/sensitivity.csv")),
        "scenario,terms,baseline,metric,metric_mean,input,n,rho,rho_lo,rho_hi,mean_low_decile,mean_high_decile,variance_share\n"
    );
    // Where inputs vary, an empty ranking says what is the case: a metric that does
    // not vary (a share of 0), or too few paths.
    d.write("t0.csv", "name,share\nzero,0\nsome,0.2\n");
    let sensitivity = |extra: &[&str]| {
        let args = ["sensitivity", "--scenario", "base", "--metric", "pv", "--out", "s"];
        let out = revshare(&d, &[&args[..], extra].concat()).success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let text = sensitivity(&["--terms", "t0.csv", "--terms-row", "zero", "--paths", "50"]);
    assert!(
        text.contains(
            "(nothing to rank: pv of zero is 0.00 $B on every path of `base`: the metric does not vary, so no input \
             can explain it)"
        ),
        "{text}"
    );
    let text = sensitivity(&["--paths", "1"]);
    assert!(
        text.contains("(nothing to rank: 1 path cannot show anything varying: a rank correlation needs many paths"),
        "{text}"
    );
    assert!(!text.contains("its parameters are constants"), "{text}");
}

#[test]
fn options_may_come_before_the_command_and_counts_take_common_forms() {
    let d = Dir::new();
    revshare(&d, &["--paths", "1e2", "--out", "y", "--no-report", "--quiet", "run"])
        .success()
        .stdout(predicates::str::contains("100 paths per scenario"));
    assert!(d.path("y/summary.csv").exists());
    revshare(&d, &["run", "--paths=-5"])
        .code(2)
        .stderr(predicates::str::contains("invalid value '-5' for '--paths <N>': a whole number from 1 to 100000000"));
}

#[test]
fn a_negative_value_or_a_misplaced_option_gets_a_tip_that_applies_never_the_double_dash() {
    let d = Dir::new();
    let usage_error = |args: &[&str]| {
        let assert = revshare(&d, args).code(2);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(!stderr.contains("use '-- "), "{stderr}");
        stderr
    };
    // Options whose value may be negative take it as typed, and say what they allow.
    let solve = ["solve", "--scenario", "base", "--terms-row", "fixed-2026", "--param", "share", "--paths", "100"];
    revshare(&d, &[&solve[..], &["--target", "-5"]].concat())
        .success()
        .stdout(predicates::str::contains("a mean pv of -5 $B"));
    for (option, says) in [
        ("--precision", "invalid value '-1' for '--precision <ABS>': a number above zero"),
        ("--rel-precision", "invalid value '-1' for '--rel-precision <R>': a number above zero"),
        ("--year-start", "invalid value '-1' for '--year-start <M>'"),
    ] {
        assert!(usage_error(&["run", option, "-1"]).contains(says), "{option}");
    }
    let stderr = usage_error(&["replay", "--scenario", "base", "--path", "-1"]);
    assert!(stderr.contains("invalid value '-1' for '--path <I>': a whole number from 0"), "{stderr}");
    // A text option: the tip says how to write a value starting with '-'.
    let stderr = usage_error(&["sensitivity", "--scenario", "-5", "--metric", "pv"]);
    assert!(stderr.contains("tip: a value that starts with '-' is written with '=': '--scenario=-5'"), "{stderr}");
    // After a flag that takes no value, no tip at all.
    let stderr = usage_error(&["run", "--quiet", "-5"]);
    assert!(stderr.contains("unexpected argument '-5' found") && !stderr.contains("tip:"), "{stderr}");
    // Options before a command that does not take them.
    let stderr = usage_error(&["--paths", "10", "--out", "y", "merge"]);
    assert!(
        stderr.contains(
            "tip: options written before 'merge' are given to it, and it has no '--paths' (see 'revshare merge --help')"
        ),
        "{stderr}"
    );
}

#[test]
fn swapped_files_are_named_and_every_broken_row_is_listed() {
    refused(
        "name,share\nt,0.2\n",
        GOOD_T,
        &[],
        &["s.csv, line 1: this looks like a terms file (its columns are those of one); pass it with --terms"],
    );
    refused(
        GOOD_S,
        "name,revenue0\ns,20\n",
        &[],
        &[
            "t.csv, line 1: this looks like a scenario file (its columns are those of one); pass it with the SCENARIOS.csv argument",
        ],
    );
    // The correlation file in either place, or another file as the correlation file:
    // one message naming the kind, not a line per unknown column.
    let correlations = "scenario,a,b,rank_correlation\n*,growth0,agi_delay,-0.4\n";
    refused(
        correlations,
        GOOD_T,
        &[],
        &["error: s.csv, line 1: this looks like a correlation file (its columns are those of one); pass it with \
           --correlations\n"],
    );
    refused(
        GOOD_S,
        &format!("# pairs\n{correlations}"),
        &[],
        &["error: t.csv, line 2: this looks like a correlation file (its columns are those of one); pass it with \
           --correlations\n"],
    );
    refused(
        GOOD_S,
        GOOD_T,
        &["--correlations", "t.csv"],
        &["error: t.csv, line 1: this looks like a terms file (its columns are those of one); pass it with --terms\n"],
    );
    refused(
        GOOD_S,
        GOOD_T,
        &["--correlations", "s.csv"],
        &["error: s.csv, line 1: this looks like a scenario file (its columns are those of one); pass it with the \
           SCENARIOS.csv argument\n"],
    );
    // Two rows with the wrong number of fields and a bad value: all three reported.
    refused(
        "name,revenue0,sigma\na,20,0.1,9\nb,-1,0.1\nc,20\n",
        GOOD_T,
        &[],
        &[
            "3 problems",
            "s.csv, line 2: found 4 fields where the header has 3",
            "s.csv, line 3, column `revenue0`, value `-1`",
            "s.csv, line 4: found 2 fields where the header has 3",
        ],
    );
    // A lone carriage return ends a line; rows of empty cells and trailing blank lines are skipped.
    let d = Dir::new();
    d.write("s.csv", "name,revenue0\ra,20\r,\r\n\n");
    d.write("t.csv", GOOD_T);
    revshare(&d, &["check", "s.csv", "--terms", "t.csv"]).success().stdout(predicates::str::contains("1 scenario(s)"));
}

#[test]
fn a_file_of_a_million_rows_is_refused_with_its_limit() {
    let d = Dir::new();
    let mut text = String::from("name,revenue0\n");
    for i in 0..1_000_000 {
        text.push_str(&format!("s{i},20\n"));
    }
    d.write("s.csv", &text);
    revshare(&d, &["check", "s.csv"]).code(1).stderr(predicates::str::contains(
        "s.csv, line 100002: more than 100000 scenario rows; split the file into several runs",
    ));
}

/// Starts a long run in `d`, waits until it is writing, sends `signal`, and returns
/// its exit code and stderr.
#[cfg(unix)]
fn interrupted(d: &Dir, signal: &str, out: &str) -> (Option<i32>, String) {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("revshare"))
        .current_dir(d.0.path())
        .args(["run", "--paths", "5000000", "--out", out, "--per-path", "p.csv", "--quiet", "--no-report"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Until the per-path file is being written: the run is well under way.
    let writing = || {
        fs::read_dir(d.0.path())
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".revshare-per-path-"))
    };
    let start = std::time::Instant::now();
    while !writing() && start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(writing(), "the run never started writing");
    let status = std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    (output.status.code(), String::from_utf8(output.stderr).unwrap())
}

#[cfg(unix)]
#[test]
fn ctrl_c_or_sigterm_mid_run_leaves_the_folders_exactly_as_they_were() {
    let d = Dir::new();
    fs::create_dir(d.path("r")).unwrap();
    d.write("r/summary.csv", "an earlier result\n");
    let before = snapshot(&d.path("r"));
    let (code, stderr) = interrupted(&d, "-TERM", "r");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("error: interrupted; nothing was written"), "{stderr}");
    assert_eq!(snapshot(&d.path("r")), before, "the output folder changed");
    // A folder the run created is removed again, and so is the per-path file.
    let (code, stderr) = interrupted(&d, "-INT", "fresh");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!d.path("fresh").exists());
    let names: Vec<String> =
        fs::read_dir(d.0.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names, ["r"], "nothing left beside the results");
}

/// A 64 kB file system for the test, when it may mount one (as root); `None` otherwise.
#[cfg(target_os = "linux")]
fn tiny_disk(d: &Dir) -> Option<PathBuf> {
    let dir = d.path("tiny");
    fs::create_dir(&dir).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&dir)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    mounted.then_some(dir)
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_fails_clearly_and_changes_nothing() {
    let d = Dir::new();
    let Some(tiny) = tiny_disk(&d) else {
        // Mounting needs root, which CI has; a developer's machine may not.
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    let out = tiny.join("r");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("summary.csv"), "an earlier result\n").unwrap();
    let before = snapshot(&out);
    let o = out.display().to_string();
    let assert = revshare(&d, &["run", "--paths", "2000", "--out", &o, "--quiet"]).code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let after = snapshot(&out);
    let per_path = tiny.join("p.csv").display().to_string();
    let assert2 =
        revshare(&d, &["run", "--paths", "20000", "--out", "x", "--per-path", &per_path, "--quiet", "--no-report"])
            .code(1);
    let stderr2 = String::from_utf8(assert2.get_output().stderr.clone()).unwrap();
    let left: Vec<_> = fs::read_dir(&tiny).unwrap().map(|e| e.unwrap().file_name()).collect();
    let _ = std::process::Command::new("umount").arg(&tiny).status();
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(!stderr.contains(".revshare-staging"), "the error names the user's file: {stderr}");
    assert_eq!(after, before, "the output folder changed");
    assert!(stderr2.contains(&format!("{per_path}: No space left on device")), "{stderr2}");
    assert_eq!(left, ["r"], "no temporary file left");
    assert!(!d.path("x").exists(), "a folder the failed run created is removed");
}

/// Whether the tests run with the power to write in a read-only folder (as root).
#[cfg(unix)]
fn writes_anywhere(d: &Dir) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = d.path("probe");
    fs::create_dir(&probe).unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o555)).unwrap();
    let writable = fs::write(probe.join("x"), "x").is_ok();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o755)).unwrap();
    fs::remove_dir_all(&probe).unwrap();
    writable
}

#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_written_is_named_as_given_never_by_the_staging_path() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    let check = |out: &str, what: &str| {
        let assert = revshare(&d, &["run", "--paths", "10", "--out", out, "--quiet", "--no-report"]).code(1);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains(&format!("error: {out}: {what} (")), "{stderr}");
        assert!(stderr.contains("; name a folder you can write to"), "{stderr}");
        assert!(!stderr.contains("staging"), "{stderr}");
    };
    // /proc/self is a folder in which nothing can be made, whoever runs the test.
    #[cfg(target_os = "linux")]
    check("/proc/self", "nothing can be written in this folder");
    if writes_anywhere(&d) {
        eprintln!("skipped the mode-0555 folder: the tests run as root, who may write in it");
        return;
    }
    fs::create_dir(d.path("ro")).unwrap();
    fs::set_permissions(d.path("ro"), fs::Permissions::from_mode(0o555)).unwrap();
    check("ro", "nothing can be written in this folder (Permission denied");
    check("ro/new", "this folder cannot be created (Permission denied");
    assert_eq!(fs::read_dir(d.path("ro")).unwrap().count(), 0);
}

#[test]
fn report_on_an_edited_file_names_the_folder_line_column_and_value() {
    let d = Dir::new();
    revshare(&d, &["run", "--paths", "50", "--out", "r", "--quiet"]).success();
    let summary = read(&d.path("r/summary.csv"));
    // A count and a number, each edited in turn.
    for (cell, column, what) in [(3, "n", "not a whole number"), (4, "mean", "not a number (a decimal such as 12.5")] {
        let mut lines: Vec<String> = summary.lines().map(str::to_string).collect();
        let mut cells: Vec<&str> = lines[2].split(',').collect();
        cells[cell] = "abc";
        lines[2] = cells.join(",");
        d.write("r/summary.csv", &(lines.join("\n") + "\n"));
        let before = snapshot(&d.path("r"));
        let expected =
            format!("{}, line 3, column `{column}`, value `abc`: {what}", Path::new("r").join("summary.csv").display());
        let assert = revshare(&d, &["report", "r"]).code(1).stderr(predicates::str::contains(expected));
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(!stderr.contains("deserialize") && !stderr.contains("byte"), "{stderr}");
        assert_eq!(snapshot(&d.path("r")), before);
    }
}

#[test]
fn numbers_that_overflow_are_refused_with_the_scenario_path_and_month() {
    let d = Dir::new();
    // R_k = 20 * 5001^(k/12) first exceeds 1e150 at k = 483 (12 ln(5e148) / ln 5001 = 482.4):
    // the month 40 years and 3 months after January 2026.
    d.write("boom.csv", "name,revenue0,growth0,growth_inf,sigma,horizon\nboom,20,5000,5000,0,2126\n");
    revshare(&d, &["run", "boom.csv", "--paths", "10", "--out", "o", "--quiet"]).code(1).stderr(
        predicates::str::contains(
            "scenario `boom`, path 0: OpenAI's revenue overflows from 2066-04 on (beyond 1e150 $B, where no \
             statistics can be computed)",
        ),
    );
    assert!(!d.path("o").exists(), "nothing written");
    // Before or after a scenario that runs well (the run finishes one scenario while
    // it simulates the next), the same refusal and nothing written.
    for rows in
        ["calm,20,0.5,0.1,0.3,2036\nboom,20,5000,5000,0,2126\n", "boom,20,5000,5000,0,2126\ncalm,20,0.5,0.1,0.3,2036\n"]
    {
        d.write("two.csv", &format!("name,revenue0,growth0,growth_inf,sigma,horizon\n{rows}"));
        revshare(&d, &["run", "two.csv", "--paths", "10", "--out", "o2", "--quiet"])
            .code(1)
            .stderr(predicates::str::contains("scenario `boom`, path 0: OpenAI's revenue overflows from 2066-04 on"));
        assert!(!d.path("o2").exists(), "nothing written");
    }
    // The commands that keep every path refuse it the same way.
    let overflow = "scenario `boom`, path 0: OpenAI's revenue overflows from 2066-04 on";
    let solve = ["solve", "boom.csv", "--scenario", "boom", "--terms-row", "fixed-2026", "--param", "share"];
    revshare(&d, &[&solve[..], &["--target", "10", "--paths", "10"]].concat())
        .code(1)
        .stderr(predicates::str::contains(overflow));
    revshare(&d, &["sensitivity", "boom.csv", "--scenario", "boom", "--metric", "pv", "--paths", "10", "--out", "s"])
        .code(1)
        .stderr(predicates::str::contains(overflow));
    assert!(!d.path("s").exists(), "nothing written");
    // So does one whose revenue stays finite but whose squares would not.
    d.write("fast.csv", "name,revenue0,growth0,growth_inf,sigma,horizon\nfast,20,50,50,0,2126\n");
    revshare(&d, &["run", "fast.csv", "--paths", "10", "--out", "f", "--quiet"])
        .code(1)
        .stderr(predicates::str::contains("scenario `fast`, path 0: OpenAI's revenue overflows from"));
    // replay shows the path up to the month it overflows, then says where and why,
    // and names the rows whose totals overflow without them: no inf, no NaN.
    let replay = revshare(&d, &["replay", "boom.csv", "--scenario", "boom", "--path", "0"]).success();
    let text = String::from_utf8(replay.get_output().stdout.clone()).unwrap();
    assert!(text.contains("\n2066-03 ") && !text.contains("\n2066-04 "), "{text}");
    assert!(
        text.contains(
            "\n2066-04: the path overflows here, and its months from here on are not shown: OpenAI's revenue \
             overflows from 2066-04 on (beyond 1e150 $B"
        ),
        "{text}"
    );
    assert!(text.contains("\ntotals panel-2025: not shown, they overflow (see above)\n"), "{text}");
    assert!(text.contains("\ntotals fixed-2026: paid=38 "), "a row that ended before it is shown: {text}");
    for bad in ["inf", "NaN", "received= ", "net= ", "pv= "] {
        assert!(!text.contains(bad), "{bad}: {text}");
    }
    // A discount rate near -1 makes the present values overflow, not the revenue:
    // DF(u_{k+1}) = (1e-6)^-(u_{k+1} - u_V) = 10^(6 (u_{k+1} - u_V)), with u_V the
    // start, so the factor at the end of January 2051 is 10^(6 (25 + 1/12)) = 3.2e150.
    // The month itself is where path 0's running present value (its payments times
    // DF) first passes 1e150; it depends on that path's payments, so it is pinned as
    // observed.
    d.write("disc.csv", "name,revenue0,growth0,discount_rate,horizon\nd,20,0.1,-0.999999,2100\n");
    let assert = revshare(&d, &["run", "disc.csv", "--paths", "10", "--out", "o", "--quiet"]).code(1).stderr(
        predicates::str::contains(
            "scenario `d`, path 0: its present values overflow from 2051-01 on, because of the discount rate \
             -0.999999: a payment then counts 3.2e150 times its amount at the valuation date",
        ),
    );
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("a discount rate this close to -1 makes every later payment worth ever more"), "{stderr}");
    assert!(!stderr.contains("totals") && !stderr.contains("lower the growth"), "{stderr}");
    let replay = revshare(&d, &["replay", "disc.csv", "--scenario", "d", "--path", "0"]).success();
    let text = String::from_utf8(replay.get_output().stdout.clone()).unwrap();
    assert!(text.contains("\n2099-12 "), "every month is shown: {text}");
    assert!(text.contains("\nthe path overflows: its present values overflow from 2051-01 on"), "{text}");
    assert!(!text.contains("inf") && !text.contains("NaN"), "{text}");
    // A fast growth within the bound runs.
    d.write("fast.csv", "name,revenue0,growth0,growth_inf,sigma,horizon\nfast,20,50,50,0,2076\n");
    let out = revshare(&d, &["run", "fast.csv", "--paths", "10", "--out", "f", "--quiet"]).success();
    assert!(!String::from_utf8(out.get_output().stdout.clone()).unwrap().contains("NaN"));
}

#[test]
fn replay_lists_only_the_options_it_uses() {
    let d = Dir::new();
    let help = revshare(&d, &["replay", "--help"]).success();
    let text = String::from_utf8(help.get_output().stdout.clone()).unwrap();
    for used in ["--terms", "--seed", "--scenario", "--path"] {
        assert!(text.contains(used), "{used}: {text}");
    }
    for unused in ["--paths", "--threads", "--period"] {
        assert!(!text.contains(unused), "{unused}: {text}");
    }
}

#[test]
fn solve_takes_no_reporting_periods() {
    let d = Dir::new();
    let help = revshare(&d, &["solve", "--help"]).success();
    let text = String::from_utf8(help.get_output().stdout.clone()).unwrap();
    assert!(!text.contains("--period") && !text.contains("--year-start"), "{text}");
    let solve = ["solve", "--scenario", "base", "--terms-row", "fixed-2026", "--param", "share", "--target", "10"];
    for option in [&["--period", "quarter"][..], &["--year-start", "7"]] {
        revshare(&d, &[&solve[..], option].concat())
            .code(2)
            .stderr(predicates::str::contains(format!("unexpected argument '{}' found", option[0])));
    }
    // run and sensitivity still take them.
    for command in ["run", "sensitivity"] {
        let help = revshare(&d, &[command, "--help"]).success();
        let text = String::from_utf8(help.get_output().stdout.clone()).unwrap();
        assert!(text.contains("--period") && text.contains("--year-start"), "{command}: {text}");
    }
}
