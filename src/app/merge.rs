//! `revshare merge PART... --out DIR`: check that partial results are the shards
//! of one run, every one of them once, merge their statistics, and write the
//! run's result folder through the run's own writer ([`super::run::write`]), so
//! that the files are those of the run made on one machine.
//!
//! Every check is made before anything is written: a part that is not one, parts of
//! different runs (inputs, seed, paths, periods, sweeps, baseline, version), a
//! shard given twice or missing are refused naming the part and what differs.

use super::output::OutputDir;
use super::part::{self, PartManifest, PartState};
use super::run::{self, Computed, RunOptions, RunOutput};
use super::session::{Inputs, Session, SimOptions};
use revshare::engine::Plan;
use revshare::groups::GroupAccumulator;
use revshare::periods::{PeriodLength, Periods};
use revshare::results::Budget;
use revshare::{Choice, Error, Problem, Scenario};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `revshare merge`.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// The part folders, in any order.
    pub parts: Vec<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
    /// Write `report.html` and the chart SVGs.
    pub report: bool,
    /// Worker threads; `None` for all cores.
    pub threads: Option<usize>,
}

/// `revshare merge`: returns the text to print.
pub fn command(opts: &MergeOptions) -> Result<String, Error> {
    let out = merge(opts)?;
    Ok(format!(
        "{}\n{} paths per scenario, seed {}, merged from {} shards; results in {}/\n",
        out.table,
        out.manifest.paths,
        out.manifest.seed,
        opts.parts.len(),
        opts.out.display()
    ))
}

/// A part's name in messages.
fn name(dir: &Path) -> String {
    format!("part `{}`", dir.display())
}

/// Reads and checks `part.json` of `dir`.
fn read_manifest(dir: &Path) -> Result<PartManifest, Error> {
    let file = dir.join(part::MANIFEST_FILE);
    let refuse = |m: String| -> Error { Problem::file(&name(dir), m).into() };
    let bytes = std::fs::read(&file).map_err(|e| {
        refuse(format!(
            "not a partial result: cannot read {} ({e}); parts are the --out folders of `revshare run --shard I/N`",
            part::MANIFEST_FILE
        ))
    })?;
    let m: PartManifest = serde_json::from_slice(&bytes)
        .map_err(|e| refuse(format!("{} is not the manifest of a partial result: {e}", part::MANIFEST_FILE)))?;
    if m.format != part::FORMAT || m.format_version != part::FORMAT_VERSION {
        return Err(refuse(format!(
            "format {} version {}; this program reads {} version {}",
            m.format,
            m.format_version,
            part::FORMAT,
            part::FORMAT_VERSION
        )));
    }
    let version = env!("CARGO_PKG_VERSION");
    if m.version != version {
        return Err(refuse(format!(
            "written by revshare {}, this is revshare {version}: merge with the version that ran the shards",
            m.version
        )));
    }
    let expected = part::Shard { index: m.shard, count: m.shards };
    if m.shards == 0 || m.shard >= m.shards || expected.blocks(m.paths) != (m.blocks[0]..m.blocks[1]) {
        return Err(refuse(format!("shard {}/{} does not hold that shard's blocks", m.shard, m.shards)));
    }
    Ok(m)
}

/// Checks that the parts are every shard of one run, once each.
fn check_together(parts: &[(PathBuf, PartManifest)]) -> Result<(), Error> {
    let Some((first_dir, first)) = parts.first() else {
        return Err(Problem::option("PARTS", "no part given: name the --out folders of every shard").into());
    };
    let theirs = first.run_fields();
    for (dir, m) in &parts[1..] {
        for ((what, a, shown), (_, b, theirs)) in m.run_fields().into_iter().zip(&theirs) {
            if a != *b {
                let (a, b) = (shown, theirs);
                let msg = format!(
                    "not a shard of the same run as {}: its {what} is {a}, that part's is {b}; the parts of one run \
                     share their inputs, seed, paths, periods, sweeps, baseline and number of shards",
                    name(first_dir)
                );
                return Err(Problem::file(&name(dir), msg).into());
            }
        }
    }
    let n = first.shards;
    let mut seen: Vec<Option<&PathBuf>> = vec![None; n];
    for (dir, m) in parts {
        if let Some(other) = seen[m.shard] {
            let msg = format!("shard {}/{n} is given twice: also as {}", m.shard, name(other));
            return Err(Problem::file(&name(dir), msg).into());
        }
        seen[m.shard] = Some(dir);
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, d)| d.is_none()).map(|(i, _)| format!("{i}/{n}")).collect();
    if !missing.is_empty() {
        let msg = format!(
            "the run was split into {n} shards and {} missing: {}; merge needs every shard (have {} of {n})",
            if missing.len() == 1 { "this one is" } else { "these are" },
            missing.join(", "),
            n - missing.len()
        );
        return Err(Problem::option("PARTS", msg).into());
    }
    Ok(())
}

/// Reads `state.bin` of a part, checked against the SHA-256 its manifest records.
fn read_state(dir: &Path, m: &PartManifest) -> Result<PartState, Error> {
    let file = dir.join(part::STATE_FILE);
    let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
    if part::sha256(&bytes) != m.state_sha256 {
        let msg =
            format!("{} is not the one its {} describes (its SHA-256 differs)", part::STATE_FILE, part::MANIFEST_FILE);
        return Err(Problem::file(&name(dir), msg).into());
    }
    PartState::decode(dir, &bytes)
}

/// Merges the parts and writes the results; on any error nothing in `opts.out` has changed.
pub fn merge(opts: &MergeOptions) -> Result<RunOutput, Error> {
    let clock = Instant::now();
    let parts: Vec<(PathBuf, PartManifest)> =
        opts.parts.iter().map(|p| read_manifest(p).map(|m| (p.clone(), m))).collect::<Result<_, _>>()?;
    check_together(&parts)?;
    let (first_dir, first) = &parts[0];
    let state = read_state(first_dir, first)?;
    let copies = [Some(&state.scenarios), Some(&state.terms), state.correlations.as_ref()].into_iter().flatten();
    if copies.clone().count() != first.inputs.len() {
        let msg = "its state does not hold a copy of every input file its manifest names";
        return Err(Problem::file(&name(first_dir), msg).into());
    }
    for (copy, recorded) in copies.zip(&first.inputs) {
        if part::sha256(&copy.bytes) != recorded.sha256 {
            let msg = format!("its copy of `{}` is not the file its manifest hashes", recorded.file);
            return Err(Problem::file(&name(first_dir), msg).into());
        }
    }
    let sweeps = |flag: &str| first.sweeps.iter().filter(|s| s.flag == flag).map(|s| s.sweep()).collect::<Vec<_>>();
    let sim = SimOptions {
        scenarios: None,
        terms: None,
        paths: first.paths,
        seed: first.seed,
        threads: opts.threads,
        periods: PeriodLength::parse(&first.period)
            .and_then(|l| Periods::new(l, first.year_start))
            .ok_or_else(|| Problem::file(&name(first_dir), format!("unknown periods `{}`", first.period)))?,
        vary: sweeps("--vary"),
        vary_terms: sweeps("--vary-terms"),
        correlations: None,
    };
    let inputs = Inputs::from_sources(state.scenarios.source(), state.terms.source(), &sim.vary, &sim.vary_terms)?
        .correlate_source(state.correlations.as_ref().map(super::part::SourceCopy::source))?;
    let session = Session::with_inputs(inputs, &sim)?;
    let baseline = session.inputs.terms_row("--baseline", first.baseline.as_deref())?;
    let run_opts = RunOptions {
        sim,
        baseline: first.baseline.clone(),
        out: opts.out.clone(),
        report: opts.report,
        progress: false,
        per_path: None,
        precision: None,
        shard: None,
    };
    super::part::keep_apart(&opts.out, false)?;
    let out = OutputDir::prepare(&opts.out)?;
    merge_and_write(&session, baseline, &run_opts, &parts, state, clock, &out).inspect_err(|_| out.abandon())
}

fn merge_and_write(
    session: &Session,
    baseline: usize,
    opts: &RunOptions,
    parts: &[(PathBuf, PartManifest)],
    first_state: PartState,
    clock: Instant,
    out: &OutputDir,
) -> Result<RunOutput, Error> {
    let inputs = &session.inputs;
    let groups = revshare::groups::groups(&inputs.scenarios);
    let rows: Vec<Vec<&Scenario>> =
        groups.iter().map(|g| g.members.iter().map(|i| &inputs.scenarios[*i]).collect()).collect();
    let plans: Vec<Vec<Plan>> =
        rows.iter().map(|r| r.iter().map(|s| session.plan(s, &inputs.terms)).collect()).collect();
    let mut accs: Vec<GroupAccumulator> =
        plans.iter().map(|p| GroupAccumulator::with_budget(p, baseline, session.paths, Budget::DEFAULT)).collect();
    // One part's state in memory at a time, besides the merged one.
    let mut first_state = Some(first_state);
    for (dir, m) in parts {
        let state = match first_state.take() {
            Some(s) => s,
            None => read_state(dir, m)?,
        };
        if state.groups.len() != accs.len() {
            let msg = format!("holds {} stream groups, the inputs make {}", state.groups.len(), accs.len());
            return Err(Problem::file(&name(dir), msg).into());
        }
        accs = accs.into_iter().zip(state.groups).map(|(a, b)| a.merge(b)).collect();
    }
    // The groups come in the order of `groups`, as the accumulators are.
    let mut accs = accs.into_iter();
    let run = revshare::assemble(&inputs.scenarios, |_, rows| {
        let acc = accs.next().expect("one accumulator per stream group");
        if acc.paths() as usize != session.paths {
            let msg = format!("the parts hold {} paths of the run's {} per scenario", acc.paths(), session.paths);
            return Err(Problem::option("PARTS", msg).into());
        }
        let (results, deltas) = session.pool.install(|| acc.finish(rows, &inputs.terms));
        // No number that overflowed reaches a file or the terminal.
        if let Some((path, s)) = results.iter().zip(rows).find_map(|(r, s)| Some((r.overflow?, s))) {
            return Err(session.plan(s, &inputs.terms).overflow(path).into());
        }
        Ok((results, deltas))
    })?;
    let computed = Computed {
        run,
        stops: Vec::new(),
        // The simulation's time is the shards' together; the merge's own is added.
        wall_seconds: parts.iter().map(|(_, m)| m.wall_seconds).sum::<f64>() + clock.elapsed().as_secs_f64(),
        threads: parts.iter().map(|(_, m)| m.threads).max().unwrap_or(1),
    };
    run::write(session, baseline, opts, out, computed)
}
