//! `revshare solve` for the terminal: the break-even term with its interval, or
//! the nearest value when none reaches the target.

use crate::analysis::solve::{Solution, SolveParam, Target};
use crate::choice::Choice;
use crate::engine::Metric;
use crate::model::Terms;
use std::fmt::Write;

/// A value of `param` in its unit: an end date as a decimal year with its month,
/// a share as a fraction, money in $B. `start` is the decimal year of the start.
pub fn describe(param: SolveParam, x: f64, start: f64) -> String {
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

/// What `solve` was asked and found.
pub struct Question<'a> {
    /// The scenario's name.
    pub scenario: &'a str,
    /// Paths used.
    pub paths: usize,
    /// The seed.
    pub seed: u64,
    /// The terms rows.
    pub terms: &'a [Terms],
    /// The row whose term was solved for.
    pub row: usize,
    /// The term.
    pub param: SolveParam,
    /// What its mean had to equal.
    pub target: Target,
    /// The metric matched.
    pub metric: Metric,
    /// The decimal year of the scenario's start.
    pub start: f64,
}

/// The answer to `q`.
pub fn render(q: &Question<'_>, solution: &Solution) -> String {
    let (param, metric, start) = (q.param, q.metric, q.start);
    let target = match q.target {
        Target::Value(v) => format!("a mean {} of {v} $B", metric.name()),
        Target::Row(r) => format!("the mean {} of {} ({:.4} $B)", metric.name(), q.terms[r].name(), solution.target),
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "scenario {}, {} paths, seed {}: the {} of {} at which it has {target}",
        q.scenario,
        q.paths,
        q.seed,
        param.name(),
        q.terms[q.row].name()
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
    text
}
