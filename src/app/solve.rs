//! `revshare solve`: the contract term at which two deals are worth the same.

use super::session::{Session, SimOptions};
use revshare::analysis::solve::SolveError;
use revshare::report::solution::Question;
use revshare::{Error, Metric, Problem, Solution, SolveParam, Target, Worlds, solve};

/// What the row's mean must equal, as the command line says it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SolveTarget {
    /// The mean of `metric` of the `--against` row.
    Equal(Metric),
    /// A value, $B, of the `--metric` metric.
    Value(f64),
}

/// Options of `revshare solve`.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Inputs, paths, seed, threads.
    pub sim: SimOptions,
    /// Scenario whose paths are used.
    pub scenario: String,
    /// Row whose term is solved for.
    pub terms_row: String,
    /// The term solved for.
    pub param: SolveParam,
    /// What the mean must equal.
    pub target: SolveTarget,
    /// Row matched by an `Equal` target; `None` for the first row.
    pub against: Option<String>,
    /// Metric of a `Value` target.
    pub metric: Metric,
}

/// A refusal of [`solve`], named by the option it concerns.
fn problem(e: SolveError) -> Problem {
    let flag = match e {
        SolveError::SameRow => "--against",
        SolveError::NoCap => "--param",
    };
    Problem::option(flag, e.to_string())
}

/// Runs `revshare solve`; returns the solution and the text to print.
pub fn run(o: &SolveOptions) -> Result<(Solution, String), Error> {
    let session = Session::open(&o.sim)?;
    let inputs = &session.inputs;
    let scenario = inputs.scenario(&o.scenario)?;
    let t = inputs.terms_row("--terms-row", Some(&o.terms_row))?;
    let against = inputs.terms_row("--against", o.against.as_deref())?;
    let (target, metric) = match o.target {
        SolveTarget::Equal(metric) => (Target::Row(against), metric),
        SolveTarget::Value(v) => (Target::Value(v), o.metric),
    };
    if target == Target::Row(t) {
        // Refused before the worlds are simulated; the library would refuse it after.
        return Err(problem(SolveError::SameRow).into());
    }
    // The worlds keep each path's monthly revenue and discount factors.
    session.check_memory("solve", [scenario], |s| (s.months() as u128 * 2 + 8) * 8)?;
    let terms = &inputs.terms;
    let plan = session.plan(scenario, terms);
    let worlds = session.pool.install(|| Worlds::simulate(&plan, session.paths));
    if let Some(path) = worlds.overflow() {
        return Err(plan.overflow(path).into());
    }
    let solution = session.pool.install(|| solve(&worlds, t, target, o.param, metric)).map_err(problem)?;
    let question = Question {
        scenario: scenario.name(),
        paths: session.paths,
        seed: session.seed,
        terms,
        row: t,
        param: o.param,
        target,
        metric,
        start: plan.start_year(),
    };
    let text = revshare::report::solution::render(&question, &solution);
    Ok((solution, text))
}

/// `revshare solve`: returns the text to print.
pub fn command(o: &SolveOptions) -> Result<String, Error> {
    run(o).map(|(_, text)| text)
}
