//! A run split into shards (`run --shard I/N`), each a separate process, and
//! merged (`merge`) in any order gives the files of the run made at once, byte for
//! byte; parts that do not belong together are refused before anything is written.

use assert_cmd::cargo::cargo_bin_cmd;
use std::fs;
use std::path::{Path, PathBuf};

/// Two weighted rows, so that the mixture pseudo-scenario is merged too.
const SCENARIOS: &str = "name,revenue0,growth0,sigma,jump_rate,jump_sd,agi_delay,default_rate,discount_rate,weight\n\
                         base,20,\"pert(0.7, 1.1, 1.5)\",0.3,0.5,0.2,\"lognormal(7, 0.8)\",0.03,0.09,2\n\
                         bear,12,\"pert(0.4, 0.7, 1)\",0.35,0.5,0.25,\"lognormal(8, 0.8)\",0.05,0.09,1\n";
const TERMS: &str = "name,share,end,trigger,cap\nopen,0.2,,verified,\nfixed,0.2,2031,none,38\n";

/// Paths of every run: 8 blocks of 256 and a short one, so that 7 shards differ in size.
const PATHS: &str = "2100";

/// The options every run here shares: the `bear` row and two variants of `base`
/// sharing its stream, so that `scenario_deltas.csv` has paired rows, and
/// correlated growth and AGI timing.
fn args(dir: &Path, seed: &str, terms: &Path) -> Vec<String> {
    let s = dir.join("scenarios.csv").display().to_string();
    let t = terms.display().to_string();
    let c = dir.join("correlations.csv").display().to_string();
    let vary = "base:discount_rate=0.075,0.109";
    ["--paths", PATHS, "--seed", seed, "--terms", &t, "--correlations", &c, "--vary", vary, "--quiet", &s]
        .map(String::from)
        .to_vec()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("scenarios.csv"), SCENARIOS).unwrap();
    fs::write(dir.path().join("terms.csv"), TERMS).unwrap();
    fs::write(dir.path().join("correlations.csv"), "scenario,a,b,rank_correlation\n*,growth0,agi_delay,-0.4\n")
        .unwrap();
    dir
}

fn run(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    run_with(dir, "7", &dir.join("terms.csv"), extra)
}

fn run_with(dir: &Path, seed: &str, terms: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("revshare").arg("run").args(args(dir, seed, terms)).args(extra).current_dir(dir).assert()
}

fn merge(dir: &Path, parts: &[PathBuf], out: &Path) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("revshare").arg("merge").args(parts).arg("--out").arg(out).current_dir(dir).assert()
}

/// Every file under `dir`, by relative name; the manifest without the lines that
/// legitimately differ (wall time, threads).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            let mut bytes = fs::read(&p).unwrap();
            if name == "manifest.json" {
                let text = String::from_utf8(bytes).unwrap();
                let keep: Vec<&str> =
                    text.lines().filter(|l| !l.contains("\"wall_seconds\"") && !l.contains("\"threads\"")).collect();
                bytes = keep.join("\n").into_bytes();
            }
            out.push((name, bytes));
        }
    }
    out.sort();
    out
}

/// Writes the shards of `n` and returns their folders.
fn shards(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let part = dir.join(format!("part-{n}-{i}"));
            // Shards run with one thread, the single run with two: nothing depends on it.
            run(dir, &["--threads", "1", "--shard", &format!("{i}/{n}"), "--out", part.to_str().unwrap()]).success();
            assert!(part.join("part.json").is_file() && part.join("state.bin").is_file());
            assert!(!part.join("summary.csv").exists() && !part.join("report.html").exists(), "a part has no report");
            part
        })
        .collect()
}

#[test]
fn merged_shards_give_the_single_runs_files_byte_for_byte_in_any_order() {
    let tmp = setup();
    let dir = tmp.path();
    run(dir, &["--threads", "2", "--out", "single"]).success();
    let single = files(&dir.join("single"));
    let names: Vec<&str> = single.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"scenario_deltas.csv") && names.contains(&"report.html"), "{names:?}");
    let paired = String::from_utf8(fs::read(dir.join("single/scenario_deltas.csv")).unwrap()).unwrap();
    assert!(paired.lines().count() > 1, "the sweep's rows are paired:\n{paired}");
    let summary = String::from_utf8(fs::read(dir.join("single/summary.csv")).unwrap()).unwrap();
    assert!(summary.lines().any(|l| l.starts_with("mixture,")), "the weighted rows make a mixture:\n{summary}");
    // A fixed shuffle of each N's parts.
    let orders: [(usize, &[usize]); 3] = [(1, &[0]), (3, &[2, 0, 1]), (7, &[3, 6, 0, 5, 1, 4, 2])];
    for (n, order) in orders {
        let parts = shards(dir, n);
        let shuffled: Vec<PathBuf> = order.iter().map(|i| parts[*i].clone()).collect();
        let out = dir.join(format!("merged-{n}"));
        merge(dir, &shuffled, &out).success();
        let merged = files(&out);
        assert_eq!(merged.len(), single.len(), "N = {n}: the same files");
        for ((a, x), (b, y)) in single.iter().zip(&merged) {
            assert_eq!(a, b, "N = {n}");
            assert!(x == y, "N = {n}: {a} differs from the single run's");
        }
    }
}

/// The merge's error, with nothing written and exit code 1.
fn refused(dir: &Path, parts: &[PathBuf]) -> String {
    let out = dir.join("refused");
    let a = merge(dir, parts, &out).failure().code(1);
    assert!(!out.exists(), "a refused merge writes nothing");
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn parts_that_do_not_belong_together_are_refused_naming_the_part() {
    let tmp = setup();
    let dir = tmp.path();
    let parts = shards(dir, 3);
    let e = refused(dir, &parts[..2]);
    assert!(e.contains("split into 3 shards") && e.contains("missing: 2/3"), "{e}");
    let e = refused(dir, &[parts[0].clone(), parts[1].clone(), parts[1].clone(), parts[2].clone()]);
    assert!(e.contains("part-3-1") && e.contains("shard 1/3 is given twice"), "{e}");
    // Another seed.
    let seed = dir.join("seed-1");
    run_with(dir, "8", &dir.join("terms.csv"), &["--shard", "1/3", "--out", seed.to_str().unwrap()]).success();
    let e = refused(dir, &[parts[0].clone(), seed.clone(), parts[2].clone()]);
    assert!(e.contains("seed-1") && e.contains("its seed is 8, that part's is 7"), "{e}");
    // Other inputs under the same name.
    let terms = dir.join("terms.csv");
    let kept = fs::read(&terms).unwrap();
    fs::write(&terms, TERMS.replace("38", "39")).unwrap();
    let changed = dir.join("terms-2");
    run(dir, &["--shard", "2/3", "--out", changed.to_str().unwrap()]).success();
    fs::write(&terms, kept).unwrap();
    let e = refused(dir, &[parts[0].clone(), parts[1].clone(), changed]);
    assert!(e.contains("terms-2") && e.contains("its terms file is"), "{e}");
    // No correlation file where the others had one: the fields still line up.
    let uncorrelated = dir.join("uncorrelated");
    // Without `--correlations` and its file.
    let plain: Vec<String> = args(dir, "7", &terms).into_iter().filter(|a| !a.contains("correlations")).collect();
    cargo_bin_cmd!("revshare")
        .arg("run")
        .args(plain)
        .args(["--shard", "2/3", "--out", uncorrelated.to_str().unwrap()])
        .current_dir(dir)
        .assert()
        .success();
    let e = refused(dir, &[parts[0].clone(), parts[1].clone(), uncorrelated]);
    assert!(e.contains("uncorrelated") && e.contains("its correlation file is (none), that part's is `"), "{e}");
    // The same terms under another name are the same input.
    let copy = dir.join("terms-copy.csv");
    fs::copy(&terms, &copy).unwrap();
    let renamed = dir.join("renamed");
    run_with(dir, "7", &copy, &["--shard", "2/3", "--out", renamed.to_str().unwrap()]).success();
    merge(dir, &[parts[0].clone(), parts[1].clone(), renamed], &dir.join("merged-renamed")).success();
    // Another number of shards, and a folder that is no part.
    let four = dir.join("four");
    run(dir, &["--shard", "3/4", "--out", four.to_str().unwrap()]).success();
    let e = refused(dir, &[parts[0].clone(), parts[1].clone(), parts[2].clone(), four]);
    assert!(e.contains("number of shards is 4, that part's is 3"), "{e}");
    let e = refused(dir, &[parts[0].clone(), dir.join("nothing")]);
    assert!(e.contains("nothing") && e.contains("not a partial result"), "{e}");
    // A state that is not the one its manifest describes.
    fs::write(parts[2].join("state.bin"), b"REVSHARD").unwrap();
    let e = refused(dir, &parts);
    assert!(e.contains("part-3-2") && e.contains("SHA-256 differs"), "{e}");
}

#[test]
fn shards_that_cannot_be_are_refused() {
    let tmp = setup();
    let dir = tmp.path();
    let stderr = |a: assert_cmd::assert::Assert| String::from_utf8(a.get_output().stderr.clone()).unwrap();
    let e = stderr(run(dir, &["--shard", "3/3", "--out", "p"]).failure().code(2));
    assert!(e.contains("there is no shard 3 of 3: shards are numbered from 0 to 2"), "{e}");
    let e = stderr(run(dir, &["--shard", "0/0", "--out", "p"]).failure().code(2));
    assert!(e.contains("0 shards: N must be at least 1"), "{e}");
    let e = stderr(run(dir, &["--shard", "x", "--out", "p"]).failure().code(2));
    assert!(e.contains("expected I/N"), "{e}");
    let e = stderr(run(dir, &["--shard", "0/2", "--precision", "0.5", "--out", "p"]).failure().code(1));
    assert!(e.contains("--shard") && e.contains("stopping rule needs the paths of every shard"), "{e}");
    let e = stderr(run(dir, &["--shard", "0/2", "--per-path", "p.csv", "--out", "p"]).failure().code(1));
    assert!(e.contains("--per-path writes every path"), "{e}");
    assert!(!dir.join("p").exists() && !dir.join("p.csv").exists(), "nothing written");
}

#[test]
fn parts_and_results_do_not_share_a_folder() {
    let tmp = setup();
    let dir = tmp.path();
    let stderr = |a: assert_cmd::assert::Assert| String::from_utf8(a.get_output().stderr.clone()).unwrap();
    run(dir, &["--out", "results", "--no-report"]).success();
    run(dir, &["--shard", "0/1", "--out", "part"]).success();
    let e = stderr(run(dir, &["--shard", "0/1", "--out", "results"]).failure().code(1));
    assert!(
        e.contains("`results` holds the results of a run (manifest.json); a part goes to a folder of its own"),
        "{e}"
    );
    let e = stderr(run(dir, &["--out", "part"]).failure().code(1));
    assert!(e.contains("`part` holds a shard's part (part.json)"), "{e}");
    let e = stderr(merge(dir, &[dir.join("part")], &dir.join("part")).failure().code(1));
    assert!(e.contains("holds a shard's part"), "{e}");
    assert!(!dir.join("results/part.json").exists() && !dir.join("part/summary.csv").exists());
}
