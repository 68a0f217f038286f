//! `revshare sensitivity` for the terminal: the inputs ranked by their influence on
//! the explained metric, then each cap's conditions.

use crate::analysis::inputs::Explained;
use crate::analysis::sensitivity::{CapCondition, Explanation, Unranked};
use crate::choice::Choice;
use crate::model::Terms;
use std::fmt::Write;

/// What is explained, in words: `delta_pv of fixed-2026 minus panel-2025`, `pv of fixed-2026`.
pub fn describe(explained: Explained, row: &str, baseline: &str) -> String {
    if explained.is_delta() {
        format!("{} of {row} minus {baseline}", explained.name())
    } else {
        format!("{} of {row}", explained.name())
    }
}

/// A time or value that may be `inf` ("never"), with three decimals; `-` when
/// there is none (a median over no paths).
pub fn never_or(v: f64) -> String {
    if v.is_nan() {
        "-".to_string()
    } else if v.is_infinite() {
        "never".to_string()
    } else {
        format!("{v:.3}")
    }
}

/// Why nothing is ranked, in words: `what` is explained under `scenario`.
fn unranked(why: Unranked, scenario: &str, what: &str) -> String {
    match why {
        Unranked::TooFewPaths(n) => format!(
            "{n} path cannot show anything varying: a rank correlation needs many paths (run --paths 1000 or more)"
        ),
        Unranked::NothingVaries => format!(
            "no input varies across the paths of `{scenario}`; its parameters are constants and no random event \
             changes them"
        ),
        Unranked::ConstantMetric(v) => format!(
            "{what} is {v:.2} $B on every path of `{scenario}`: the metric does not vary, so no input can explain it"
        ),
        Unranked::NoAssociation => format!("no input of `{scenario}` varies on the paths where {what} does"),
    }
}

/// The ranking and the cap conditions of `e` over `paths` paths of `scenario` under `seed`.
pub fn render(scenario: &str, terms: &[Terms], paths: usize, seed: u64, e: &Explanation) -> String {
    let mut text = String::new();
    let what = describe(e.explained, terms[e.terms].name(), terms[e.baseline].name());
    let _ = writeln!(text, "What drives {what} under `{scenario}` ({paths} paths, seed {seed}): mean {:.2} $B", e.mean);
    let _ = writeln!(
        text,
        "{:<28} {:>24} {:>16} {:>16} {:>10}",
        "input", "Spearman rho [95% CI]", "mean, low 10%", "mean, high 10%", "var share"
    );
    if let Some(why) = e.unranked {
        let _ = writeln!(text, "(nothing to rank: {})", unranked(why, scenario, &what));
    }
    for s in &e.ranked {
        let _ = writeln!(
            text,
            "{:<28} {:>24} {:>16.2} {:>16.2} {:>9.1}%",
            s.input,
            format!("{:+.3} [{:+.3}, {:+.3}]", s.rho, s.rho_lo, s.rho_hi),
            s.mean_low,
            s.mean_high,
            100.0 * s.variance_share
        );
    }
    if !e.correlations.is_empty() {
        let pairs: Vec<String> =
            e.correlations.iter().map(|c| format!("{} ~ {} {}", c.a.name(), c.b.name(), c.rank)).collect();
        let _ = writeln!(
            text,
            "note: `{scenario}` draws correlated parameters ({}; --correlations): the rank correlation of a correlated \
             input with the metric includes what its partners explain, so it is not that input's own effect \
             (sensitivity.csv names the partners in its correlated_with column)",
            pairs.join(", ")
        );
    }
    let cap_file = super::OutputFile::CapConditions.name();
    for capped in terms.iter().filter(|r| r.cap().is_some()) {
        let _ = writeln!(
            text,
            "\nWhen the cap of {} binds, and when it does not (medians; means in {cap_file}):",
            capped.name()
        );
        let mine: Vec<&CapCondition> = e.conditions.iter().filter(|c| c.terms == capped.name()).collect();
        if let Some(first) = mine.first() {
            let _ = writeln!(
                text,
                "{:<28} {:>16} {:>16}",
                "input",
                format!("binds ({})", first.n_binds),
                format!("not ({})", first.n_not)
            );
        }
        for c in mine {
            let _ = writeln!(text, "{:<28} {:>16} {:>16}", c.input, never_or(c.median_binds), never_or(c.median_not));
        }
    }
    text
}
