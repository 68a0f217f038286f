//! `revshare run --shard I/N --out DIR`: compute one shard's share of every
//! scenario's paths and write it as a partial result ([`super::part`]), to be
//! merged with the others by `revshare merge` ([`super::merge`]).

use super::output::OutputDir;
use super::part::{self, PartManifest, PartState, Shard, SourceCopy, SweepSpec};
use super::progress::Progress;
use super::run::RunOptions;
use super::session::Session;
use revshare::engine::{CHUNK_PATHS, Plan};
use revshare::groups::GroupAccumulator;
use revshare::results::Budget;
use revshare::{Choice, Error, Problem, Scenario};
use std::time::Instant;

/// Writes shard `shard` of the run `opts` describes; returns the text to print.
/// On any error nothing in `opts.out` has changed.
pub fn command(opts: &RunOptions, shard: Shard) -> Result<String, Error> {
    if opts.precision.is_some() {
        let msg = "a run with a precision target cannot be split into shards: its stopping rule needs the paths \
                   of every shard at once; shard a run of a fixed number of paths (--paths N, without --precision \
                   or --rel-precision), or run it on one machine";
        return Err(Problem::option("--shard", msg).with_value(shard.to_string()).into());
    }
    if opts.per_path.is_some() {
        let msg = "--per-path writes every path of the run to one file and cannot be split into shards; run \
                   without --shard to write it";
        return Err(Problem::option("--shard", msg).with_value(shard.to_string()).into());
    }
    let session = Session::open(&opts.sim)?;
    // The baseline is checked here, not first at the merge.
    session.inputs.terms_row("--baseline", opts.baseline.as_deref())?;
    part::keep_apart(&opts.out, true)?;
    let out = OutputDir::prepare(&opts.out)?;
    let manifest = simulate_and_write(&session, opts, shard, &out).inspect_err(|_| out.abandon())?;
    let [first, end] = manifest.blocks;
    Ok(format!(
        "shard {shard}: blocks {first} to {end} of {} ({} of {} paths per scenario), seed {}, {} threads, {:.1} s; \
         partial result in {}/ (merge all {} with `revshare merge`)\n",
        manifest.paths.div_ceil(CHUNK_PATHS),
        manifest.shard_paths,
        manifest.paths,
        manifest.seed,
        manifest.threads,
        manifest.wall_seconds,
        opts.out.display(),
        shard.count
    ))
}

fn simulate_and_write(
    session: &Session,
    opts: &RunOptions,
    shard: Shard,
    out: &OutputDir,
) -> Result<PartManifest, Error> {
    let inputs = &session.inputs;
    let baseline = inputs.terms_row("--baseline", opts.baseline.as_deref())?;
    let clock = Instant::now();
    let blocks = shard.blocks(session.paths);
    let progress = Progress::new((shard.paths(session.paths) * inputs.scenarios.len()) as u64, opts.progress);
    let mut groups = Vec::new();
    for g in revshare::groups::groups(&inputs.scenarios) {
        let rows: Vec<&Scenario> = g.members.iter().map(|i| &inputs.scenarios[*i]).collect();
        let names: Vec<&str> = rows.iter().map(|s| s.name()).collect();
        progress.set_scenario(&names.join(", "));
        let done = |n| progress.inc(n);
        let acc = session.pool.install(|| {
            let plans: Vec<Plan> = rows.iter().map(|s| session.plan(s, &inputs.terms)).collect();
            GroupAccumulator::simulate_blocks(&plans, baseline, blocks.clone(), session.paths, Budget::DEFAULT, &done)
        });
        groups.push(acc);
    }
    progress.finish();
    let state = PartState {
        scenarios: SourceCopy::of(&inputs.scenario_source),
        terms: SourceCopy::of(&inputs.terms_source),
        correlations: inputs.correlations_source.as_ref().map(SourceCopy::of),
        groups,
    }
    .encode()?;
    let manifest = PartManifest {
        format: part::FORMAT.to_string(),
        format_version: part::FORMAT_VERSION,
        program: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        shard: shard.index,
        shards: shard.count,
        blocks: [blocks.start, blocks.end],
        shard_paths: shard.paths(session.paths),
        seed: session.seed,
        paths: session.paths,
        chunk_paths: CHUNK_PATHS,
        period: session.periods.length().name().to_string(),
        year_start: session.periods.year_start(),
        baseline: opts.baseline.clone(),
        sweeps: opts.sim.vary.iter().chain(&opts.sim.vary_terms).map(SweepSpec::of).collect(),
        inputs: inputs.files(),
        scenarios: inputs.scenarios.iter().map(|s| s.name().to_string()).collect(),
        threads: session.pool.current_num_threads(),
        wall_seconds: clock.elapsed().as_secs_f64(),
        state_sha256: part::sha256(&state),
    };
    let mut json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| Problem::value_of("part.json", format!("cannot encode the part's manifest: {e}")))?;
    json.push(b'\n');
    let files = [(part::MANIFEST_FILE.to_string(), json), (part::STATE_FILE.to_string(), state)];
    out.commit(&files, &[])?;
    Ok(manifest)
}
