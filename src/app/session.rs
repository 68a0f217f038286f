//! What every simulating command shares: the validated inputs, the options of a
//! simulation, and a worker pool, opened once as a [`Session`] before anything is
//! simulated.

use rayon::prelude::*;
use revshare::engine::{self, Block, CHUNK_PATHS, Layout, PathTable, Plan};
use revshare::groups::{GroupAccumulator, ScenarioDelta};
use revshare::input::{Source, Sweep, read_scenarios_varied, read_terms_varied, shipped_scenarios, shipped_terms};
use revshare::periods::Periods;
use revshare::report::manifest::InputFile;
use revshare::results::{Accumulator, Budget, HalfWidth};
use revshare::{Error, Problem, Scenario, ScenarioResults, Terms};
use std::path::PathBuf;

/// Default number of paths per scenario.
pub const DEFAULT_PATHS: usize = 100_000;
/// Default seed.
pub const DEFAULT_SEED: u64 = 42;
/// Largest table of every path a command that needs one (`sensitivity`, `solve`,
/// `--per-path`) may hold in memory for one scenario.
pub const MAX_TABLE_BYTES: u128 = 12 << 30;

/// Blocks a thread simulates ahead of the `--per-path` file.
const ROWS_BATCH: usize = 32;

/// The paths of the first round of a run with a precision target.
pub const FIRST_ROUND: usize = 40 * CHUNK_PATHS;

/// A precision target for the 95% confidence half-width of every reported money mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PrecisionTarget {
    /// At most this many $B.
    Absolute(f64),
    /// At most this fraction of the mean's magnitude.
    Relative(f64),
}

impl PrecisionTarget {
    /// The largest ratio of a half-width to what the target allows (at most 1 when
    /// every mean meets it), and that half-width.
    fn worst(self, widths: &[HalfWidth]) -> (f64, Option<&HalfWidth>) {
        let ratio = |w: &HalfWidth| {
            let allowed = match self {
                PrecisionTarget::Absolute(a) => a,
                PrecisionTarget::Relative(r) => r * w.mean.abs(),
            };
            // A mean known exactly meets any target, even a relative one of zero; one
            // whose spread is not a number meets none.
            if w.half_width == 0.0 {
                0.0
            } else if w.half_width.is_nan() {
                f64::INFINITY
            } else {
                w.half_width / allowed
            }
        };
        widths
            .iter()
            .map(|w| (ratio(w), w))
            .fold((0.0, None), |best, (r, w)| if best.1.is_none() || r > best.0 { (r, Some(w)) } else { best })
    }

    /// The target in words.
    pub fn describe(self) -> String {
        match self {
            PrecisionTarget::Absolute(a) => format!("95% half-width <= {a} $B"),
            PrecisionTarget::Relative(r) => format!("95% half-width <= {r} of each mean"),
        }
    }
}

/// How a run with a precision target stopped for one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopped {
    /// The paths simulated.
    pub paths: usize,
    /// Whether every half-width met the target (otherwise the maximum was reached).
    pub met: bool,
    /// The widest half-width relative to the target.
    pub widest: Option<HalfWidth>,
}

/// The validated inputs of a command.
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
    /// The correlation file, when one was given (MODEL.md §7).
    pub correlations_source: Option<Source>,
}

impl Inputs {
    /// Reads and validates both files (the shipped ones where `None`), reporting
    /// the problems of both at once.
    pub fn load(scenarios: Option<&PathBuf>, terms: Option<&PathBuf>) -> Result<Inputs, Error> {
        Inputs::load_varied(scenarios, terms, &[], &[])
    }

    /// [`Inputs::load`] with the variants of the sweeps over scenario rows (`vary`)
    /// and over terms rows (`vary_terms`) after the rows they vary.
    pub fn load_varied(
        scenarios: Option<&PathBuf>,
        terms: Option<&PathBuf>,
        vary: &[Sweep],
        vary_terms: &[Sweep],
    ) -> Result<Inputs, Error> {
        let scenario_source = match scenarios {
            Some(p) => Source::from_path(p)?,
            None => shipped_scenarios(),
        };
        let terms_source = match terms {
            Some(p) => Source::from_path(p)?,
            None => shipped_terms(),
        };
        Inputs::from_sources(scenario_source, terms_source, vary, vary_terms)
    }

    /// [`Inputs::load_varied`] of files already read (a shard's copies, at a merge).
    pub fn from_sources(
        scenario_source: Source,
        terms_source: Source,
        vary: &[Sweep],
        vary_terms: &[Sweep],
    ) -> Result<Inputs, Error> {
        match (read_scenarios_varied(&scenario_source, vary), read_terms_varied(&terms_source, vary_terms)) {
            (Ok(scenarios), Ok(terms)) => {
                Ok(Inputs { scenarios, terms, scenario_source, terms_source, correlations_source: None })
            }
            (Err(a), Err(b)) => Err(a.and(b)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// The same inputs with the rank correlations of the file at `path` (none when
    /// `None`) attached to their scenarios.
    pub fn correlate(self, path: Option<&PathBuf>) -> Result<Inputs, Error> {
        self.correlate_source(path.map(|p| Source::from_path(p)).transpose()?)
    }

    /// [`Inputs::correlate`] with a correlation file already read (a shard's copy, at
    /// a merge).
    pub fn correlate_source(mut self, source: Option<Source>) -> Result<Inputs, Error> {
        let Some(source) = source else { return Ok(self) };
        self.scenarios = revshare::input::correlate(&source, &self.scenario_source.name, self.scenarios)?;
        self.correlations_source = Some(source);
        Ok(self)
    }

    /// The input files, each with its role and SHA-256, as the manifest records them.
    pub fn files(&self) -> Vec<InputFile> {
        [
            Some(InputFile::new("scenarios", &self.scenario_source.name, &self.scenario_source.bytes)),
            Some(InputFile::new("terms", &self.terms_source.name, &self.terms_source.bytes)),
            self.correlations_source.as_ref().map(|c| InputFile::new("correlations", &c.name, &c.bytes)),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The terms row named `name` by option `flag`; `None` names the first row.
    pub fn terms_row(&self, flag: &str, name: Option<&str>) -> Result<usize, Error> {
        let Some(name) = name else { return Ok(0) };
        self.terms.iter().position(|t| t.name() == name).ok_or_else(|| {
            let names: Vec<&str> = self.terms.iter().map(|t| t.name()).collect();
            let msg =
                format!("no terms row of that name in {}; the rows are: {}", self.terms_source.name, names.join(", "));
            Problem::option(flag, msg).with_value(name).into()
        })
    }

    /// The scenario named by `--scenario`.
    pub fn scenario(&self, name: &str) -> Result<&Scenario, Error> {
        if name == revshare::mixture::MIXTURE {
            let msg = "the mixture of the weighted rows is not a scenario row, and this command works on one row's \
                       paths: name one of the rows it combines";
            return Err(Problem::option("--scenario", msg).with_value(name).into());
        }
        self.scenarios.iter().find(|s| s.name() == name).ok_or_else(|| {
            let names: Vec<&str> = self.scenarios.iter().map(|s| s.name()).collect();
            let msg = format!(
                "no scenario of that name in {}; the scenarios are: {}",
                self.scenario_source.name,
                names.join(", ")
            );
            Problem::option("--scenario", msg).with_value(name).into()
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
    /// Correlation file; `None` for independent parameters.
    pub correlations: Option<PathBuf>,
    /// Paths per scenario (at least 1).
    pub paths: usize,
    /// Seed.
    pub seed: u64,
    /// Worker threads; `None` for all cores.
    pub threads: Option<usize>,
    /// The reporting periods.
    pub periods: Periods,
    /// Sweeps over scenario rows (`--vary`).
    pub vary: Vec<Sweep>,
    /// Sweeps over terms rows (`--vary-terms`).
    pub vary_terms: Vec<Sweep>,
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
    /// The reporting periods.
    pub periods: Periods,
}

impl Session {
    /// Loads and checks the inputs and the memory a run needs, and starts the pool.
    pub fn open(o: &SimOptions) -> Result<Session, Error> {
        let inputs = Inputs::load_varied(o.scenarios.as_ref(), o.terms.as_ref(), &o.vary, &o.vary_terms)?
            .correlate(o.correlations.as_ref())?;
        Session::with_inputs(inputs, o)
    }

    /// [`Session::open`] with the inputs already loaded (`o`'s files are not read).
    pub fn with_inputs(inputs: Inputs, o: &SimOptions) -> Result<Session, Error> {
        if o.paths == 0 {
            return Err(Problem::option("--paths", "must be at least 1").into());
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(o.threads.unwrap_or(0))
            .build()
            .map_err(|e| Problem::option("--threads", format!("cannot start the worker threads: {e}")))?;
        Ok(Session { inputs, pool, paths: o.paths, seed: o.seed, periods: o.periods })
    }

    /// Refuses a command that keeps `bytes_per_path` bytes of every path of a
    /// scenario when that would exceed [`MAX_TABLE_BYTES`]; `what` names what needs
    /// them.
    pub fn check_memory<'s>(
        &self,
        what: &str,
        scenarios: impl IntoIterator<Item = &'s Scenario>,
        bytes_per_path: impl Fn(&Scenario) -> u128,
    ) -> Result<(), Error> {
        for s in scenarios {
            let bytes = bytes_per_path(s) * self.paths as u128;
            if bytes > MAX_TABLE_BYTES {
                let msg = format!(
                    "{what} keeps every path in memory: scenario `{}` would need {:.1} GiB (at most {} GiB); use fewer \
                     paths or a shorter horizon (a plain run streams its paths and needs no such memory)",
                    s.name(),
                    bytes as f64 / (1u64 << 30) as f64,
                    MAX_TABLE_BYTES >> 30
                );
                return Err(Problem::option("--paths", msg).with_value(self.paths.to_string()).into());
            }
        }
        Ok(())
    }

    /// The bytes a path table of one path of `s` takes.
    pub fn table_bytes(&self, s: &Scenario) -> u128 {
        engine::table_bytes(s, self.inputs.terms.len(), self.periods, 1)
    }

    /// The plan of `scenario` under `terms` with the session's seed and periods.
    pub fn plan<'a>(&self, scenario: &'a Scenario, terms: &'a [Terms]) -> Plan<'a> {
        Plan::new(scenario, terms, self.seed).with_periods(self.periods)
    }

    /// Simulates one scenario into its path table, calling `done(n)` after each
    /// chunk of `n` paths.
    pub fn simulate(&self, scenario: &Scenario, done: &(dyn Fn(u64) + Sync)) -> PathTable {
        self.pool.install(|| {
            let plan = self.plan(scenario, &self.inputs.terms);
            engine::simulate_observed(&plan, self.paths, CHUNK_PATHS, done)
        })
    }

    /// Simulates the rows of a stream group (see [`revshare::groups`]) in lockstep
    /// and computes each row's results and the paired differences against the
    /// first, streaming the paths through the statistics without keeping them;
    /// `done(n)` after each chunk of one row.
    pub fn results(
        &self,
        rows: &[&Scenario],
        baseline: usize,
        done: &(dyn Fn(u64) + Sync),
    ) -> Result<(Vec<ScenarioResults>, Vec<ScenarioDelta>), Error> {
        self.pool.install(|| Ok(self.simulate_group(rows, baseline, done)?.finish(rows, &self.inputs.terms)))
    }

    /// The paths of a stream group's rows into their accumulator, the first step of
    /// [`Session::results`] (on the current rayon pool: call it inside
    /// `self.pool.install`), or the error of the first row whose numbers
    /// overflowed, found before anything is finished.
    pub fn simulate_group(
        &self,
        rows: &[&Scenario],
        baseline: usize,
        done: &(dyn Fn(u64) + Sync),
    ) -> Result<GroupAccumulator, Error> {
        let plans: Vec<Plan> = rows.iter().map(|s| self.plan(s, &self.inputs.terms)).collect();
        GroupAccumulator::simulate(&plans, baseline, 0, self.paths, Budget::DEFAULT, done).checked(&plans)
    }

    /// The results of `rows`, or the error of the first whose numbers overflowed:
    /// no number that overflowed reaches a file or the terminal.
    pub fn checked(
        &self,
        rows: &[&Scenario],
        results: Vec<ScenarioResults>,
        deltas: Vec<ScenarioDelta>,
    ) -> Result<(Vec<ScenarioResults>, Vec<ScenarioDelta>), Error> {
        match results.iter().zip(rows).find_map(|(r, s)| Some((r.overflow?, s))) {
            Some((path, s)) => Err(self.plan(s, &self.inputs.terms).overflow(path).into()),
            None => Ok((results, deltas)),
        }
    }

    /// Simulates the rows of a stream group in rounds until the 95% half-width of
    /// every money mean they report (paired differences included) meets `target`,
    /// or `max_paths` paths; returns the results (identical to a run of that many
    /// paths) and how it stopped. Each round ends on a block boundary (or at
    /// `max_paths`), so the rounds fold exactly the blocks of a run made at once.
    /// `status` is told the widest half-width after each round, with its ratio to
    /// what the target allows.
    pub fn results_to_precision(
        &self,
        rows: &[&Scenario],
        baseline: usize,
        target: PrecisionTarget,
        max_paths: usize,
        done: &(dyn Fn(u64) + Sync),
        status: &(dyn Fn(&HalfWidth, f64) + Sync),
    ) -> (Vec<ScenarioResults>, Vec<ScenarioDelta>, Stopped) {
        let terms = &self.inputs.terms;
        let names: Vec<&str> = terms.iter().map(|t| t.name()).collect();
        let row_names: Vec<&str> = rows.iter().map(|s| s.name()).collect();
        self.pool.install(|| {
            let plans: Vec<Plan> = rows.iter().map(|s| self.plan(s, terms)).collect();
            let mut acc = GroupAccumulator::with_budget(&plans, baseline, 0, Budget::DEFAULT);
            let mut next = FIRST_ROUND.min(max_paths);
            loop {
                let from = acc.paths() as usize;
                acc = acc.merge(GroupAccumulator::simulate(&plans, baseline, from, next, Budget::DEFAULT, done));
                acc.limit_memory();
                let widths = acc.half_widths(&row_names, &names);
                // With fewer than two paths no half-width can be estimated yet.
                let (ratio, widest) = if widths.is_empty() { (f64::INFINITY, None) } else { target.worst(&widths) };
                if let Some(w) = widest {
                    status(w, ratio);
                }
                let paths = acc.paths() as usize;
                if ratio <= 1.0 || paths >= max_paths {
                    let stopped = Stopped { paths, met: ratio <= 1.0, widest: widest.cloned() };
                    let (results, deltas) = acc.finish(rows, terms);
                    return (results, deltas, stopped);
                }
                // The half-width falls as 1/sqrt(paths): aim 10% past the estimate.
                let needed = (paths as f64 * ratio * ratio * 1.1).min(max_paths as f64) as usize;
                next = needed.max(paths + CHUNK_PATHS).next_multiple_of(CHUNK_PATHS).min(max_paths);
            }
        })
    }

    /// Simulates one scenario and computes its results as [`Session::results`]
    /// does for a row alone, handing every block of paths to `rows` in path order (for the
    /// `--per-path` file); a batch of blocks at a time is kept, so memory does not
    /// grow with the paths.
    pub fn results_with_rows(
        &self,
        scenario: &Scenario,
        baseline: usize,
        done: &(dyn Fn(u64) + Sync),
        rows: &mut (dyn FnMut(Layout, &Block) -> Result<(), Error> + Send),
    ) -> Result<ScenarioResults, Error> {
        let terms = &self.inputs.terms;
        self.pool.install(|| {
            let plan = self.plan(scenario, terms);
            let blocks = self.paths.div_ceil(CHUNK_PATHS);
            let batch = ROWS_BATCH * self.pool.current_num_threads();
            let mut acc = Accumulator::new(&plan, baseline, self.paths);
            for start in (0..blocks).step_by(batch) {
                let simulated = engine::simulate_blocks(&plan, start..(start + batch).min(blocks), self.paths, done);
                for block in &simulated {
                    rows(plan.layout(), block)?;
                }
                acc = acc.merge(Accumulator::of_blocks(&plan, baseline, self.paths, simulated.par_iter()));
            }
            Ok(acc.finish(scenario.name(), terms))
        })
    }
}
