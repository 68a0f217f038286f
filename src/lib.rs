//! # revshare
//!
//! A Monte Carlo simulator of revenue-share contracts, built first for the question
//! of what OpenAI's revenue share is worth to Microsoft under the October 2025
//! terms (20% until an expert panel verifies AGI), the 2019 board terms (until AGI
//! is declared or the end of 2030) and the April 2026 terms (through 2030, up to a
//! total cap, whatever happens to AGI).
//!
//! The model is specified in `MODEL.md` (shipped as `docs/MODEL.md`): a monthly
//! log-Euler revenue path with decaying expected growth, volatility and
//! compound-Poisson jumps; AGI declared, verified by a panel after a lag, or never;
//! exponential failure; and, per contract, a share that stops at an end date or a
//! trigger, a cumulative cap, a reverse share and a spread-out present value.
//!
//! This crate is the library: it knows no command line, draws nothing on a
//! terminal and decides nothing about which files to write where. The `revshare`
//! binary's application layer does that on top of it; a program that uses only the
//! library depends on it with `default-features = false` and gets neither the binary
//! nor its dependencies (clap, indicatif, tempfile).
//!
//! ## Layers
//!
//! Each layer imports only the ones above it in this list:
//!
//! - [`error`], [`choice`], [`date`], [`dist`], [`stats`]: errors, named choices,
//!   dates, the distribution grammar, statistics over samples;
//! - [`model`]: what a scenario and a contract are (their parameters declared once)
//!   and the formulas of one path;
//! - [`streams`] and [`engine`]: keyed random numbers and the chunked parallel
//!   simulation into a per-path table;
//! - [`results`], [`groups`], [`mixture`], [`analysis`]: the summaries users read,
//!   paired differences between scenario rows sharing a stream, the weighted
//!   mixture of scenarios, sensitivity and break-even terms;
//! - [`input`]: CSV files to validated model types;
//! - [`report`]: CSV bytes, the terminal table, the manifest, charts and the HTML
//!   report, rendered from computed results.
//!
//! ## Example
//!
//! A scenario and a contract built in code, without CSV, and simulated:
//!
//! ```
//! use revshare::{Date, Dist, Metric, Scenario, ScenarioParam, Terms, simulate_scenario};
//!
//! let flat = Scenario::builder("flat")
//!     .horizon(Date::month_start(2031, 1)?)
//!     .set(ScenarioParam::Revenue0, Dist::constant(12.0)?)
//!     .build()?;
//! let capped = Terms::builder("capped")
//!     .share(Dist::constant(0.2)?)
//!     .end(Date::month_start(2031, 1)?)
//!     .cap(Dist::constant(38.0)?)
//!     .build()?;
//! let uncertain = Terms::builder("uncertain").share(Dist::uniform(0.1, 0.3)?).build()?;
//! // 12 $B a year for 5 years at 20%: 12 $B paid, under the cap; the uncertain
//! // share averages 20% too, within Monte Carlo error.
//! let r = simulate_scenario(&flat, &[capped, uncertain], 0, 42, 2000)?;
//! assert!((r.terms[0].metric(Metric::Paid).mean - 12.0).abs() < 1e-9);
//! let other = r.terms[1].metric(Metric::Paid);
//! assert!((other.mean - 12.0).abs() < 4.0 * other.se.unwrap());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Reproducibility contract
//!
//! Every random number of path `i` of scenario `s` is drawn from a xoshiro256++
//! generator whose state is derived from `i` and a key hashed from (seed, scenario
//! name, purpose) (see [`streams`]).
//! So the same seed gives byte-identical `summary.csv`, `deltas.csv`,
//! `outcomes.csv` and `annual.csv` for any thread count and chunking; every terms
//! row sees the same worlds; and adding, removing or reordering scenario or terms
//! rows changes no other row's numbers (a terms row's own random parameters are
//! keyed by its name).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod choice;
pub mod date;
pub mod dist;
pub mod engine;
pub mod error;
pub mod groups;
pub mod input;
pub mod mixture;
pub mod model;
pub mod periods;
pub mod report;
pub mod results;
pub mod stats;
pub mod streams;

pub use analysis::inputs::Explained;
pub use analysis::sensitivity::{Explanation, explain};
pub use analysis::solve::{Solution, SolveParam, Target, Worlds, solve};
pub use choice::Choice;
pub use date::Date;
pub use dist::Dist;
pub use engine::{Metric, PathTable, Plan};
pub use error::{Error, Invalid, Origin, Problem};
pub use input::{Source, read_scenarios, read_terms};
pub use model::{
    EndTerm, Scenario, ScenarioBuilder, ScenarioParam, Terms, TermsBuilder, TermsParam, Trigger, TriggerTerm,
};
pub use results::ScenarioResults;

/// Refuses no paths, or a baseline that is not one of the terms rows.
fn check_run(terms: &[Terms], baseline: usize, paths: usize) -> Result<(), Error> {
    if paths == 0 {
        return Err(Problem::value_of("paths", "at least one path is needed").into());
    }
    if baseline >= terms.len() {
        let msg =
            format!("the baseline must be one of the {} terms rows (0 to {})", terms.len(), terms.len().max(1) - 1);
        return Err(Problem::value_of("baseline", msg).with_value(baseline.to_string()).into());
    }
    Ok(())
}

/// Simulates `paths` paths of `scenario` under every row of `terms` on the current
/// rayon pool and computes the results, with `terms[baseline]` as the baseline of
/// the paired differences. Refuses a path whose numbers overflow (naming it and
/// its month), no paths, no terms row, or a baseline that is
/// not one of the rows.
pub fn simulate_scenario(
    scenario: &Scenario,
    terms: &[Terms],
    baseline: usize,
    seed: u64,
    paths: usize,
) -> Result<ScenarioResults, Error> {
    check_run(terms, baseline, paths)?;
    let plan = Plan::new(scenario, terms, seed);
    let acc = results::Accumulator::simulate(&plan, baseline, 0, paths, results::Budget::DEFAULT, &|_| {});
    let results = acc.finish(scenario.name(), terms);
    match results.overflow {
        Some(path) => Err(plan.overflow(path).into()),
        None => Ok(results),
    }
}

/// What [`simulate_all`] computes: what `revshare run` writes for a fixed number of
/// paths and calendar years.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// Every scenario row's results, in file order.
    pub results: Vec<ScenarioResults>,
    /// The `mixture` of the rows with a weight, if any (MODEL.md §5).
    pub mixture: Option<ScenarioResults>,
    /// The paired differences between rows sharing a stream ([`groups`]).
    pub scenario_deltas: Vec<groups::ScenarioDelta>,
}

impl RunResults {
    /// The scenario rows' results then the mixture's, as the output files list
    /// them.
    pub fn all(&self) -> Vec<ScenarioResults> {
        self.results.iter().chain(&self.mixture).cloned().collect()
    }
}

/// The results of every row of `scenarios` as `revshare run` assembles them:
/// `group` computes the rows of each stream group (in the order of the groups'
/// first rows) and their paired differences; the results come back in file
/// order, with the `mixture` of the weighted rows, if any (MODEL.md §5). The first
/// error `group` returns stops the run.
pub fn assemble(
    scenarios: &[Scenario],
    mut group: impl FnMut(&groups::Group, &[&Scenario]) -> Result<(Vec<ScenarioResults>, Vec<groups::ScenarioDelta>), Error>,
) -> Result<RunResults, Error> {
    let mut results: Vec<Option<ScenarioResults>> = vec![None; scenarios.len()];
    let mut scenario_deltas = Vec::new();
    for g in groups::groups(scenarios) {
        let rows: Vec<&Scenario> = g.members.iter().map(|i| &scenarios[*i]).collect();
        let (group_results, deltas) = group(&g, &rows)?;
        for (i, r) in g.members.iter().zip(group_results) {
            results[*i] = Some(r);
        }
        scenario_deltas.extend(deltas);
    }
    let mut results: Vec<ScenarioResults> = results.into_iter().flatten().collect();
    let mixture = mixture::combine(scenarios, &results);
    // The scenarios' distributions were kept for the mixture alone.
    results.iter_mut().for_each(|r| r.distributions = None);
    Ok(RunResults { results, mixture, scenario_deltas })
}

/// [`assemble`] for a `group` in two steps, `simulate` (the paths, into an
/// accumulator `A`, or the error that stops the run, such as numbers that
/// overflowed) and `finish` (its results): the results of a group are finished
/// while the next group is simulated, on the current rayon pool, so that the
/// finishing's serial stretches (the last rows' exact quantiles) do not leave a
/// core idle. The results are those of [`assemble`] with `finish(simulate(..))`,
/// and the first error in the order of the groups stops the run; two groups'
/// accumulators are held at once.
pub fn assemble_overlapped<A: Send>(
    scenarios: &[Scenario],
    simulate: impl Fn(&groups::Group, &[&Scenario]) -> Result<A, Error> + Sync,
    finish: impl Fn(A, &[&Scenario]) -> Result<(Vec<ScenarioResults>, Vec<groups::ScenarioDelta>), Error> + Sync,
) -> Result<RunResults, Error> {
    let groups = groups::groups(scenarios);
    let rows: Vec<Vec<&Scenario>> = groups.iter().map(|g| g.members.iter().map(|i| &scenarios[*i]).collect()).collect();
    let mut finished = Vec::with_capacity(groups.len());
    let mut pending: Option<(A, usize)> = None;
    for k in 0..=groups.len() {
        let previous = pending.take();
        let (done, next) = rayon::join(
            || previous.map(|(acc, j)| finish(acc, &rows[j])),
            || groups.get(k).map(|g| simulate(g, &rows[k])),
        );
        if let Some(result) = done {
            finished.push(result?);
        }
        pending = next.transpose()?.map(|acc| (acc, k));
    }
    let mut finished = finished.into_iter();
    assemble(scenarios, |_, _| Ok(finished.next().expect("one result per group, in the order of the groups")))
}

/// Simulates `paths` paths of every row of `scenarios` under every row of `terms`
/// on the current rayon pool, as `revshare run` does: rows sharing a stream
/// together and compared with their group's first, then the mixture of the
/// weighted rows, with per-period figures in `periods`. Refuses what
/// [`simulate_scenario`] refuses.
pub fn simulate_all(
    scenarios: &[Scenario],
    terms: &[Terms],
    baseline: usize,
    seed: u64,
    paths: usize,
    periods: periods::Periods,
) -> Result<RunResults, Error> {
    check_run(terms, baseline, paths)?;
    let simulate = |_: &groups::Group, rows: &[&Scenario]| {
        let plans: Vec<Plan> = rows.iter().map(|s| Plan::new(s, terms, seed).with_periods(periods)).collect();
        // Numbers that overflowed stop the run before they are finished into results.
        groups::GroupAccumulator::simulate(&plans, baseline, 0, paths, results::Budget::DEFAULT, &|_| {})
            .checked(&plans)
    };
    assemble_overlapped(scenarios, simulate, |acc, rows| Ok(acc.finish(rows, terms)))
}
