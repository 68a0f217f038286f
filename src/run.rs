//! A whole run: load and validate the inputs, check the output folder, simulate
//! every scenario, compute the results and write the files.

use crate::engine::{self, CHUNK_PATHS, Plan};
use crate::error::{Error, Problem};
use crate::input::{Scenario, Source, Terms};
use crate::output::OutputDir;
use crate::report::manifest::{InputFile, Manifest};
use crate::report::{csv, table};
use crate::results::ScenarioResults;
use std::path::PathBuf;
use std::time::Instant;

/// The shipped scenario file, compiled in.
pub const SHIPPED_SCENARIOS: &str = include_str!("../scenarios/openai.csv");
/// The shipped terms file, compiled in.
pub const SHIPPED_TERMS: &str = include_str!("../scenarios/terms.csv");

/// Default number of paths per scenario.
pub const DEFAULT_PATHS: usize = 100_000;
/// Default seed.
pub const DEFAULT_SEED: u64 = 42;
/// Largest path table a run may hold in memory for one scenario.
pub const MAX_TABLE_BYTES: u128 = 12 << 30;

/// The validated inputs of a run.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Scenario rows in file order.
    pub scenarios: Vec<Scenario>,
    /// Terms rows in file order.
    pub terms: Vec<Terms>,
    /// The scenario file.
    pub scenario_source: Source,
    /// The terms file.
    pub terms_source: Source,
}

impl Inputs {
    /// Reads and validates both files (the shipped ones where `None`), reporting
    /// the problems of both at once.
    pub fn load(scenarios: Option<&PathBuf>, terms: Option<&PathBuf>) -> Result<Inputs, Error> {
        let scenario_source = match scenarios {
            Some(p) => Source::from_path(p)?,
            None => Source::builtin("scenarios/openai.csv", SHIPPED_SCENARIOS),
        };
        let terms_source = match terms {
            Some(p) => Source::from_path(p)?,
            None => Source::builtin("scenarios/terms.csv", SHIPPED_TERMS),
        };
        match (Scenario::read_all(&scenario_source), Terms::read_all(&terms_source)) {
            (Ok(scenarios), Ok(terms)) => Ok(Inputs { scenarios, terms, scenario_source, terms_source }),
            (Err(Error::Input(mut a)), Err(Error::Input(b))) => {
                a.extend(b);
                Err(Error::Input(a))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// Index of the baseline terms row: `name`, or the first row.
    pub fn baseline(&self, name: Option<&str>) -> Result<usize, Error> {
        let Some(name) = name else { return Ok(0) };
        self.terms.iter().position(|t| t.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.terms.iter().map(|t| t.name.as_str()).collect();
            Problem {
                value: Some(name.to_string()),
                ..Problem::file(
                    "--baseline",
                    format!(
                        "no terms row of that name in {}; the rows are: {}",
                        self.terms_source.name,
                        names.join(", ")
                    ),
                )
            }
            .into()
        })
    }
}

/// Options of `revshare run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Scenario file; `None` for the shipped one.
    pub scenarios: Option<PathBuf>,
    /// Terms file; `None` for the shipped one.
    pub terms: Option<PathBuf>,
    /// Paths per scenario (at least 1).
    pub paths: usize,
    /// Seed.
    pub seed: u64,
    /// Worker threads; `None` for all cores.
    pub threads: Option<usize>,
    /// Baseline terms row; `None` for the first.
    pub baseline: Option<String>,
    /// Output folder.
    pub out: PathBuf,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            scenarios: None,
            terms: None,
            paths: DEFAULT_PATHS,
            seed: DEFAULT_SEED,
            threads: None,
            baseline: None,
            out: PathBuf::from("results"),
        }
    }
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Results per scenario, in file order.
    pub results: Vec<ScenarioResults>,
    /// The manifest written with them.
    pub manifest: Manifest,
    /// The terminal table.
    pub table: String,
}

/// The output files of a run, by name, in the order they are written.
pub const OUTPUT_FILES: [&str; 5] = ["summary.csv", "deltas.csv", "outcomes.csv", "annual.csv", "manifest.json"];

/// Simulates one scenario and computes its results on the current rayon pool.
pub fn simulate_scenario(
    scenario: &Scenario,
    terms: &[Terms],
    baseline: usize,
    seed: u64,
    paths: usize,
) -> ScenarioResults {
    let plan = Plan::new(scenario, terms, seed);
    let table = engine::simulate(&plan, paths);
    ScenarioResults::compute(&scenario.name, terms, baseline, &table)
}

/// Runs everything; on any error nothing in `opts.out` has changed.
pub fn run(opts: &RunOptions) -> Result<RunOutput, Error> {
    let inputs = Inputs::load(opts.scenarios.as_ref(), opts.terms.as_ref())?;
    let baseline = inputs.baseline(opts.baseline.as_deref())?;
    if opts.paths == 0 {
        return Err(Problem::file("--paths", "must be at least 1").into());
    }
    for s in &inputs.scenarios {
        let bytes = engine::table_bytes(s, inputs.terms.len(), opts.paths);
        if bytes > MAX_TABLE_BYTES {
            return Err(Problem {
                value: Some(opts.paths.to_string()),
                ..Problem::file("--paths", format!(
                    "scenario `{}` would need {:.1} GiB of memory for its paths (at most {} GiB); use fewer paths or a shorter horizon",
                    s.name, bytes as f64 / (1u64 << 30) as f64, MAX_TABLE_BYTES >> 30
                ))
            }
            .into());
        }
    }
    let out = OutputDir::prepare(&opts.out)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(|e| Problem::file("--threads", format!("cannot start the worker threads: {e}")))?;
    let clock = Instant::now();
    let results: Vec<ScenarioResults> = inputs
        .scenarios
        .iter()
        .map(|s| pool.install(|| simulate_scenario(s, &inputs.terms, baseline, opts.seed, opts.paths)))
        .collect();
    let manifest = Manifest {
        program: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        seed: opts.seed,
        paths: opts.paths,
        threads: pool.current_num_threads(),
        chunk_paths: CHUNK_PATHS,
        baseline: inputs.terms[baseline].name.clone(),
        inputs: vec![
            InputFile::new("scenarios", &inputs.scenario_source.name, &inputs.scenario_source.bytes),
            InputFile::new("terms", &inputs.terms_source.name, &inputs.terms_source.bytes),
        ],
        rng: crate::streams::SCHEME.to_string(),
        quantiles: "linear interpolation between order statistics (Hyndman-Fan type 7, numpy/R default)".to_string(),
        wall_seconds: clock.elapsed().as_secs_f64(),
    };
    let files = [
        (OUTPUT_FILES[0], csv::summary(&results)),
        (OUTPUT_FILES[1], csv::deltas(&results)),
        (OUTPUT_FILES[2], csv::outcomes(&results)),
        (OUTPUT_FILES[3], csv::annual(&results)),
        (OUTPUT_FILES[4], manifest.to_json()),
    ];
    if let Err(e) = out.commit(&files) {
        out.abandon();
        return Err(e);
    }
    let table = table::render(&results);
    Ok(RunOutput { results, manifest, table })
}
