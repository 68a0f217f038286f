//! `revshare solve`: the contract term at which two deals are worth the same.

use super::session::{Session, SimOptions};
use revshare::{Choice, Error, Metric, Plan, Problem, Solution, SolveParam, Target, Worlds, solve};
use std::fmt::Write;

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

fn describe(param: SolveParam, x: f64, start: f64) -> String {
    match param {
        SolveParam::End => {
            let year = start + x;
            let month = ((year.fract() * 12.0).floor() as u32 + 1).min(12);
            format!("{year:.4} (about {:04}-{month:02})", year.floor() as i32)
        }
        SolveParam::Share => format!("{x:.6}"),
        SolveParam::Cap | SolveParam::CapCounted => format!("{x:.4} $B"),
    }
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
        return Err(Problem::option("--against", "the row cannot be matched against itself; name another row").into());
    }
    let terms = &inputs.terms;
    let plan = Plan::new(scenario, terms, session.seed);
    let solution = session.pool.install(|| {
        let worlds = Worlds::simulate(&plan, session.paths);
        solve(&worlds, t, target, o.param, metric)
    });
    let solution = solution.map_err(|e| Problem::option("--param", e.to_string()))?;
    let start = plan.start_year;
    let target = match target {
        Target::Value(v) => format!("a mean {} of {v} $B", metric.name()),
        Target::Row(r) => format!("the mean {} of {} ({:.4} $B)", metric.name(), terms[r].name(), solution.target),
    };
    let param = o.param;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "scenario {}, {} paths, seed {}: the {} of {} at which it has {target}",
        scenario.name(),
        session.paths,
        session.seed,
        param.name(),
        terms[t].name()
    );
    if solution.reachable {
        let ci = match solution.ci {
            Some((lo, hi)) => format!("95% CI {} to {}", describe(param, lo, start), describe(param, hi, start)),
            None => "95% CI unbounded: the mean does not move with the term here".to_string(),
        };
        let _ = writeln!(text, "{} = {}", param.name(), describe(param, solution.value, start));
        let _ = writeln!(
            text,
            "  {ci} (delta method: standard error of the mean difference {:.4} $B, slope {:.4} per unit)",
            solution.se, solution.slope
        );
        let _ = writeln!(text, "  mean {} there: {:.4} $B", metric.name(), solution.achieved);
    } else {
        let _ = writeln!(
            text,
            "no {} in [{}, {}] reaches the target: the mean {} ranges from {:.4} to {:.4} $B",
            param.name(),
            describe(param, solution.domain.0, start),
            describe(param, solution.domain.1, start),
            metric.name(),
            solution.range.0,
            solution.range.1
        );
        let _ = writeln!(
            text,
            "  nearest: {} = {}, mean {} {:.4} $B against a target of {:.4} $B",
            param.name(),
            describe(param, solution.value, start),
            metric.name(),
            solution.achieved,
            solution.target
        );
    }
    Ok((solution, text))
}

/// `revshare solve`: returns the text to print.
pub fn command(o: &SolveOptions) -> Result<String, Error> {
    run(o).map(|(_, text)| text)
}
