//! A whole run: load and validate the inputs, check the output folder, simulate
//! every scenario, compute the results and write the files.

use crate::engine::{self, CHUNK_PATHS, PathTable, Plan};
use crate::error::{Error, Problem};
use crate::input::{Scenario, Source, Terms};
use crate::output::OutputDir;
use crate::progress::Progress;
use crate::report::html::{self, ReportData};
use crate::report::manifest::{InputFile, Manifest, TermsInfo};
use crate::report::{csv, table};
use crate::results::ScenarioResults;
use crate::trace::PerPathWriter;
use std::path::{Path, PathBuf};
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

/// The options every simulating command shares.
#[derive(Debug, Clone)]
pub struct SimOptions {
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
}

impl Default for SimOptions {
    fn default() -> SimOptions {
        SimOptions { scenarios: None, terms: None, paths: DEFAULT_PATHS, seed: DEFAULT_SEED, threads: None }
    }
}

/// Validated inputs and a worker pool, ready to simulate: everything that can be
/// refused is refused before a [`Session`] exists.
pub struct Session {
    /// The validated files.
    pub inputs: Inputs,
    /// The worker threads.
    pub pool: rayon::ThreadPool,
    /// Paths per scenario.
    pub paths: usize,
    /// Seed.
    pub seed: u64,
}

impl Session {
    /// Loads and checks the inputs and the memory a run needs, and starts the pool.
    pub fn open(o: &SimOptions) -> Result<Session, Error> {
        let inputs = Inputs::load(o.scenarios.as_ref(), o.terms.as_ref())?;
        if o.paths == 0 {
            return Err(Problem::file("--paths", "must be at least 1").into());
        }
        for s in &inputs.scenarios {
            let bytes = engine::table_bytes(s, inputs.terms.len(), o.paths);
            if bytes > MAX_TABLE_BYTES {
                return Err(Problem {
                    value: Some(o.paths.to_string()),
                    ..Problem::file("--paths", format!(
                        "scenario `{}` would need {:.1} GiB of memory for its paths (at most {} GiB); use fewer paths or a shorter horizon",
                        s.name, bytes as f64 / (1u64 << 30) as f64, MAX_TABLE_BYTES >> 30
                    ))
                }
                .into());
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(o.threads.unwrap_or(0))
            .build()
            .map_err(|e| Problem::file("--threads", format!("cannot start the worker threads: {e}")))?;
        Ok(Session { inputs, pool, paths: o.paths, seed: o.seed })
    }

    /// The scenario named by `--scenario`.
    pub fn scenario(&self, name: &str) -> Result<&Scenario, Error> {
        self.inputs.scenarios.iter().find(|s| s.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.inputs.scenarios.iter().map(|s| s.name.as_str()).collect();
            Problem {
                value: Some(name.to_string()),
                ..Problem::file(
                    "--scenario",
                    format!(
                        "no scenario of that name in {}; the scenarios are: {}",
                        self.inputs.scenario_source.name,
                        names.join(", ")
                    ),
                )
            }
            .into()
        })
    }

    /// Index of the terms row named by option `flag`.
    pub fn terms_row(&self, flag: &str, name: &str) -> Result<usize, Error> {
        self.inputs.terms.iter().position(|t| t.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.inputs.terms.iter().map(|t| t.name.as_str()).collect();
            Problem {
                value: Some(name.to_string()),
                ..Problem::file(
                    flag,
                    format!(
                        "no terms row of that name in {}; the rows are: {}",
                        self.inputs.terms_source.name,
                        names.join(", ")
                    ),
                )
            }
            .into()
        })
    }

    /// Simulates one scenario into its path table.
    pub fn simulate(&self, scenario: &Scenario, done: &(dyn Fn(u64) + Sync)) -> PathTable {
        self.pool.install(|| {
            let plan = Plan::new(scenario, &self.inputs.terms, self.seed);
            engine::simulate_observed(&plan, self.paths, CHUNK_PATHS, done)
        })
    }
}

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
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            sim: SimOptions::default(),
            baseline: None,
            out: PathBuf::from("results"),
            report: true,
            progress: false,
            per_path: None,
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

/// The data files of a run, by name, in the order they are written; with the
/// report come `report.html` and `charts/*.svg`.
pub const OUTPUT_FILES: [&str; 6] =
    ["summary.csv", "deltas.csv", "outcomes.csv", "annual.csv", "curves.csv", "manifest.json"];

/// Name of the report page.
pub const REPORT_FILE: &str = "report.html";

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

/// Renders `report.html` and the charts from the named output files.
fn render_report(files: &[(String, Vec<u8>)]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let get = |name: &str| -> Result<Vec<u8>, Error> {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| Problem::file(name, "missing from the output folder").into())
    };
    let rendered = html::render(&ReportData::read(&get)?)?;
    let mut out = vec![(REPORT_FILE.to_string(), rendered.html)];
    out.extend(rendered.charts);
    Ok(out)
}

/// `revshare report DIR`: draws the report again from the files of an earlier
/// run in `dir`, without simulating; the page and charts are the same bytes the
/// run wrote, plus a tornado chart when `revshare sensitivity` has since written
/// `sensitivity.csv` there.
pub fn report(dir: &Path) -> Result<PathBuf, Error> {
    if !dir.is_dir() {
        return Err(
            Problem::file(&dir.display().to_string(), "not a folder; name the --out folder of an earlier run").into()
        );
    }
    let mut files = Vec::new();
    for name in html::INPUT_FILES {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| {
            Problem::file(
                &path.display().to_string(),
                format!("cannot be read ({e}); is this the --out folder of a run?"),
            )
        })?;
        files.push((name.to_string(), bytes));
    }
    let sensitivity = dir.join(crate::analyze::SENSITIVITY_FILE);
    if sensitivity.is_file() {
        let bytes = std::fs::read(&sensitivity).map_err(|e| Error::io(&sensitivity, e))?;
        files.push((crate::analyze::SENSITIVITY_FILE.to_string(), bytes));
    }
    let out = OutputDir::prepare(dir)?;
    out.commit(&render_report(&files)?, &[])?;
    Ok(dir.join(REPORT_FILE))
}

/// Runs everything; on any error nothing in `opts.out` has changed.
pub fn run(opts: &RunOptions) -> Result<RunOutput, Error> {
    let session = Session::open(&opts.sim)?;
    let baseline = session.inputs.baseline(opts.baseline.as_deref())?;
    let out = OutputDir::prepare(&opts.out)?;
    // Whatever fails from here on, a folder the run created is removed again.
    simulate_and_write(&session, baseline, opts, &out).inspect_err(|_| out.abandon())
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
    let progress = Progress::new((session.paths * inputs.scenarios.len()) as u64, opts.progress);
    let mut results = Vec::with_capacity(inputs.scenarios.len());
    for s in &inputs.scenarios {
        progress.set_scenario(&s.name);
        let table = session.simulate(s, &|n| progress.inc(n));
        if let Some(w) = per_path.as_mut() {
            w.write(&s.name, &inputs.terms, &table)?;
        }
        results.push(pool.install(|| ScenarioResults::compute(&s.name, &inputs.terms, baseline, &table)));
    }
    progress.finish();
    let manifest = Manifest {
        program: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        seed: session.seed,
        paths: session.paths,
        threads: pool.current_num_threads(),
        chunk_paths: CHUNK_PATHS,
        baseline: inputs.terms[baseline].name.clone(),
        scenarios: inputs.scenarios.iter().map(|s| s.name.clone()).collect(),
        terms: inputs.terms.iter().map(TermsInfo::new).collect(),
        inputs: vec![
            InputFile::new("scenarios", &inputs.scenario_source.name, &inputs.scenario_source.bytes),
            InputFile::new("terms", &inputs.terms_source.name, &inputs.terms_source.bytes),
        ],
        rng: crate::streams::SCHEME.to_string(),
        quantiles: "linear interpolation between order statistics (Hyndman-Fan type 7, numpy/R default)".to_string(),
        wall_seconds: clock.elapsed().as_secs_f64(),
    };
    let data = [
        csv::summary(&results),
        csv::deltas(&results),
        csv::outcomes(&results),
        csv::annual(&results),
        csv::curves(&results),
        manifest.to_json(),
    ];
    let mut files: Vec<(String, Vec<u8>)> = OUTPUT_FILES.iter().map(|n| n.to_string()).zip(data).collect();
    if opts.report {
        files.extend(pool.install(|| render_report(&files))?);
    }
    out.commit(&files, &[crate::analyze::SENSITIVITY_FILE, crate::analyze::CAP_CONDITIONS_FILE])?;
    if let Some(w) = per_path {
        w.finish()?;
    }
    let table = table::render(&results);
    Ok(RunOutput { results, manifest, table })
}
