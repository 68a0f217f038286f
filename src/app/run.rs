//! `revshare run`: simulate every scenario under every terms row, compute the
//! results and write the result folder, all of it or nothing.

use super::output::OutputDir;
use super::per_path::PerPathWriter;
use super::progress::Progress;
use super::session::{PrecisionTarget, Session, SimOptions, Stopped};
use rayon::prelude::*;
use revshare::engine::CHUNK_PATHS;
use revshare::groups::Group;
use revshare::report::manifest::{
    Manifest, MixtureWeight, PeriodsInfo, Precision, PrecisionStop, SweepInfo, TermsInfo, Valuation,
};
use revshare::report::{OutputFile, csv, readings, sweeps, table};
use revshare::results::{HalfWidth, QuantileMethod};
use revshare::{Choice, Error, Problem, RunResults, Scenario, ScenarioResults};
use std::path::PathBuf;
use std::time::Instant;

/// Options of `revshare run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Inputs, paths, seed, threads.
    pub sim: SimOptions,
    /// Baseline terms row; `None` for the first.
    pub baseline: Option<String>,
    /// Output folder.
    pub out: PathBuf,
    /// Write `report.html` and the chart SVGs.
    pub report: bool,
    /// Show a progress bar on stderr for runs longer than a second.
    pub progress: bool,
    /// Also write one row per path and terms row to this file.
    pub per_path: Option<PathBuf>,
    /// Run in rounds until this precision (`sim.paths` is then the most paths).
    pub precision: Option<PrecisionTarget>,
    /// Compute only this shard's share of the paths and write a partial result
    /// (see [`super::shard`]).
    pub shard: Option<super::part::Shard>,
}

/// What the simulation of every scenario gave, before anything is written: what a
/// run computes, or a merge of the shards of one.
#[derive(Debug)]
pub struct Computed {
    /// Every row's results, the mixture and the paired differences.
    pub run: RunResults,
    /// How a run with a precision target stopped, per scenario row.
    pub stops: Vec<(String, Stopped)>,
    /// Seconds spent simulating and summarising.
    pub wall_seconds: f64,
    /// The worker threads used.
    pub threads: usize,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The manifest written with them.
    pub manifest: Manifest,
    /// The terminal table.
    pub table: String,
}

/// Runs everything; on any error nothing in `opts.out` has changed.
pub fn run(opts: &RunOptions) -> Result<RunOutput, Error> {
    if opts.precision.is_some() && opts.per_path.is_some() {
        let msg = "writes every path of a fixed number of paths; run with --paths N (without a precision target)";
        return Err(Problem::option("--per-path", msg).into());
    }
    if let Some(per_path) = &opts.per_path {
        super::output::check_outside_outputs(per_path, &opts.out)?;
    }
    let session = Session::open(&opts.sim)?;
    let baseline = session.inputs.terms_row("--baseline", opts.baseline.as_deref())?;
    super::part::keep_apart(&opts.out, false)?;
    let out = OutputDir::prepare(&opts.out)?;
    // Whatever fails from here on, a folder the run created is removed again.
    simulate_and_write(&session, baseline, opts, &out).inspect_err(|_| out.abandon())
}

/// `revshare run`: returns the text to print.
pub fn command(opts: &RunOptions) -> Result<String, Error> {
    let out = run(opts)?;
    let paths = match out.manifest.precision {
        Some(_) => format!("up to {} paths per scenario (see above)", out.manifest.paths),
        None => format!("{} paths per scenario", out.manifest.paths),
    };
    Ok(format!(
        "{}\n{paths}, seed {}, {} threads, {:.1} s; results in {}/\n",
        out.table,
        out.manifest.seed,
        out.manifest.threads,
        out.manifest.wall_seconds,
        opts.out.display()
    ))
}

/// The part of [`run`] after every check: simulate, summarise, write.
fn simulate_and_write(
    session: &Session,
    baseline: usize,
    opts: &RunOptions,
    out: &OutputDir,
) -> Result<RunOutput, Error> {
    let inputs = &session.inputs;
    let mut per_path = opts.per_path.as_deref().map(PerPathWriter::create).transpose()?;
    let pool = &session.pool;
    let clock = Instant::now();
    let groups = revshare::groups::groups(&inputs.scenarios);
    // With --per-path, the rows of a group are simulated once for their rows and
    // results, then again together for their paired differences.
    let again: usize =
        groups.iter().filter(|g| g.members.len() > 1 && per_path.is_some()).map(|g| g.members.len()).sum();
    let progress = Progress::new((session.paths * (inputs.scenarios.len() + again)) as u64, opts.progress);
    let mut stops = Vec::new();
    let show = |rows: &[&Scenario]| {
        let names: Vec<&str> = rows.iter().map(|s| s.name()).collect();
        progress.set_scenario(&names.join(", "));
    };
    let done = |n| progress.inc(n);
    let run = match (per_path.as_mut(), opts.precision) {
        // Each group's results are finished while the next group is simulated.
        (None, None) => pool.install(|| {
            let simulate = |_: &Group, rows: &[&Scenario]| {
                show(rows);
                session.simulate_group(rows, baseline, &done)
            };
            revshare::assemble_overlapped(&inputs.scenarios, simulate, |acc, rows| Ok(acc.finish(rows, &inputs.terms)))
        }),
        (Some(w), _) => revshare::assemble(&inputs.scenarios, |_, rows| {
            show(rows);
            let mut own = Vec::new();
            for s in rows {
                let mut write = |layout, block: &_| w.write(s.name(), &inputs.terms, layout, block);
                own.push(session.results_with_rows(s, baseline, &done, &mut write)?);
            }
            let deltas = if rows.len() > 1 { session.results(rows, baseline, &done)?.1 } else { Vec::new() };
            session.checked(rows, own, deltas)
        }),
        (None, Some(target)) => revshare::assemble(&inputs.scenarios, |g, rows| {
            show(rows);
            let status = |w: &HalfWidth, ratio: f64| {
                let (name, hw) = (&g.stream, w.half_width);
                progress.set_status(format!("{name}: widest ±{hw:.4}, {ratio:.2}x the target ({})", w.name))
            };
            let (r, d, stopped) = session.results_to_precision(rows, baseline, target, session.paths, &done, &status);
            stops.extend(rows.iter().map(|s| (s.name().to_string(), stopped.clone())));
            session.checked(rows, r, d)
        }),
    }?;
    // Stops in file order, as the scenarios are.
    stops.sort_by_key(|(name, _)| inputs.scenarios.iter().position(|s| s.name() == name));
    progress.finish();
    let wall_seconds = clock.elapsed().as_secs_f64();
    let computed = Computed { run, stops, wall_seconds, threads: pool.current_num_threads() };
    let output = write(session, baseline, opts, out, computed)?;
    if let Some(w) = per_path {
        w.finish()?;
    }
    Ok(output)
}

/// Results to files: the manifest, the CSV files and the report of `computed`,
/// committed into `out`, and the table to print. A run and a merge of its shards
/// both write through here, so their files are the same.
pub fn write(
    session: &Session,
    baseline: usize,
    opts: &RunOptions,
    out: &OutputDir,
    computed: Computed,
) -> Result<RunOutput, Error> {
    let Computed { run, stops, wall_seconds, threads } = computed;
    let inputs = &session.inputs;
    let pool = &session.pool;
    let results = &run.results;
    let manifest = Manifest {
        program: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        seed: session.seed,
        paths: results.iter().map(|r| r.paths).max().unwrap_or(session.paths),
        threads,
        chunk_paths: CHUNK_PATHS,
        baseline: inputs.terms[baseline].name().to_string(),
        scenarios: inputs.scenarios.iter().map(|s| s.name().to_string()).collect(),
        valuation: Valuation::of(&inputs.scenarios),
        terms: inputs.terms.iter().map(TermsInfo::new).collect(),
        inputs: inputs.files(),
        periods: PeriodsInfo::new(session.periods),
        rng: revshare::streams::scheme(),
        quantiles: quantile_note(results)
            + &run.mixture.as_ref().map_or(String::new(), revshare::mixture::quantile_note),
        wall_seconds,
        precision: opts.precision.map(|target| Precision {
            target: target.describe(),
            max_paths: session.paths,
            scenarios: stops
                .iter()
                .map(|(scenario, st)| PrecisionStop {
                    scenario: scenario.clone(),
                    paths: st.paths,
                    met: st.met,
                    widest: st.widest.as_ref().map_or(String::new(), |w| w.name.clone()),
                    half_width: st.widest.as_ref().map_or(0.0, |w| w.half_width),
                    mean: st.widest.as_ref().map_or(0.0, |w| w.mean),
                })
                .collect(),
        }),
        warnings: revshare::report::manifest::warnings(results),
        sweeps: sweeps(session, opts),
        mixture: MixtureWeight::of(&inputs.scenarios),
    };
    let results = run.all();
    type Bytes<'a> = &'a (dyn Fn() -> Vec<u8> + Sync);
    let data: [(OutputFile, Bytes); 7] = [
        (OutputFile::Summary, &|| csv::summary(&results)),
        (OutputFile::Deltas, &|| csv::deltas(&results)),
        (OutputFile::ScenarioDeltas, &|| csv::scenario_deltas(&run.scenario_deltas)),
        (OutputFile::Outcomes, &|| csv::outcomes(&results)),
        (OutputFile::Annual, &|| csv::annual(&results)),
        (OutputFile::Curves, &|| csv::curves(&results)),
        (OutputFile::Manifest, &|| manifest.to_json()),
    ];
    // The files are formatted side by side, in the order listed.
    let mut files: Vec<(String, Vec<u8>)> =
        pool.install(|| data.par_iter().map(|(f, bytes)| (f.name().to_string(), bytes())).collect());
    if opts.report {
        files.extend(pool.install(|| super::report::render(&files))?);
    }
    // The analyses of an earlier run are stale; so are its report and charts when
    // this run draws none.
    let charts = format!("{}/", revshare::report::CHARTS_DIR);
    let mut stale: Vec<&str> = OutputFile::ANALYSIS.iter().map(|f| f.name()).collect();
    if !opts.report {
        stale.extend([OutputFile::Report.name(), charts.as_str()]);
    }
    out.commit(&files, &stale)?;
    let mut table = table::render(&results);
    let deltas: Vec<csv::DeltaRow> = csv::delta_rows(&results).collect();
    let readings = readings::render(&readings::compare_run(&deltas, &manifest));
    if !readings.is_empty() {
        table.push('\n');
        table.push_str(readings.trim_end());
        table.push('\n');
    }
    let paired: Vec<csv::ScenarioDeltaRow> = csv::scenario_delta_rows(&run.scenario_deltas).collect();
    table.push_str(&sweeps::render(&sweeps::panels(&manifest, &paired, &deltas), &sweeps::pairs(&manifest, &paired)));
    if !manifest.warnings.is_empty() {
        table.push_str("\nwarnings:\n");
        for w in &manifest.warnings {
            table.push_str(&format!("  {w}\n"));
        }
    }
    if let Some(p) = &manifest.precision {
        table.push_str(&format!("\nprecision target: {}\n", p.target));
        for st in &p.scenarios {
            let how = if st.met { "met" } else { "NOT met: the most paths were reached" };
            table.push_str(&format!(
                "  {}: {} paths, {how}; widest ±{:.4} around {:.4} ({})\n",
                st.scenario, st.paths, st.half_width, st.mean, st.widest
            ));
        }
    }
    Ok(RunOutput { manifest, table })
}

/// The manifest's record of the run's sweeps.
fn sweeps(session: &Session, opts: &RunOptions) -> Vec<SweepInfo> {
    let inputs = &session.inputs;
    let scenarios: Vec<&str> = inputs.scenarios.iter().map(|s| s.name()).collect();
    let terms: Vec<&str> = inputs.terms.iter().map(|t| t.name()).collect();
    let over_scenarios = opts.sim.vary.iter().map(|s| SweepInfo::new(s, &scenarios));
    over_scenarios.chain(opts.sim.vary_terms.iter().map(|s| SweepInfo::new(s, &terms))).collect()
}

/// The manifest's account of how quantiles were computed: exact everywhere, or
/// which series of which scenario were sketched and within what bound.
fn quantile_note(results: &[ScenarioResults]) -> String {
    let method = revshare::stats::QUANTILE_METHOD;
    let sketched: Vec<String> = results
        .iter()
        .filter_map(|r| {
            let QuantileMethod { main_exact, annual_exact, .. } = r.quantiles;
            let which = match (main_exact, annual_exact) {
                (true, true) => return None,
                (true, false) => "annual series",
                (false, true) => "main series",
                (false, false) => "all series",
            };
            Some(format!("{}: {which}", r.scenario))
        })
        .collect();
    let readings = results.iter().map(|r| r.quantiles.readings_error).fold(0.0, f64::max);
    let readings = if readings > 0.0 {
        format!(
            "; the differences against the readings of a contract (deltas.csv rows whose baseline is a reading) \
             always from a mergeable sketch within a relative {readings:e}"
        )
    } else {
        String::new()
    };
    if sketched.is_empty() {
        return format!("{method}, on every value{readings}");
    }
    let bound = results.iter().map(|r| r.quantiles.sketch_error).fold(0.0, f64::max);
    format!(
        "{method}, on every value, except where the values would not fit in memory: a mergeable sketch whose order \
         statistics are within a relative {bound:e} of the exact ones, for {}{readings}",
        sketched.join(", ")
    )
}
