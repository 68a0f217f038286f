//! Scenario and terms files: raw CSV rows turned into validated model types.
//!
//! [`table`] reads a file into raw rows with line numbers; [`scenario`] and
//! [`terms`] check every cell against the rules the model declares
//! ([`crate::model::ScenarioParam`], [`crate::model::TermsParam`]: columns,
//! domains and defaults of MODEL.md §8) and build [`Scenario`] and [`Terms`] values,
//! so that the simulation cannot fail. All problems in a file are reported at once,
//! each naming the file, line, column, value and what is allowed. The shipped files
//! are compiled in ([`SHIPPED_SCENARIOS`], [`SHIPPED_TERMS`]).

pub mod correlations;
pub mod scenario;
pub mod table;
pub mod terms;
pub mod vary;

pub use correlations::correlate;
pub use scenario::{read_scenarios, read_scenarios_varied};
pub use table::{MAX_INPUT_BYTES, Source};
pub use terms::{read_terms, read_terms_varied};
pub use vary::Sweep;

use crate::dist::Dist;
use crate::error::{Error, Problem};
use crate::model::Param;
use crate::model::params::{ColumnRule, IfEmpty};
use crate::model::{NONE, Scenario, Terms};
use table::{Record, Table};

/// The most rows a scenario file may have: each is simulated in turn, so more is a
/// sweep to split into several runs.
pub const MAX_SCENARIO_ROWS: usize = 100_000;
/// The most rows a terms file may have: every row is evaluated on every path and
/// keeps its own statistics in memory.
pub const MAX_TERMS_ROWS: usize = 256;

/// The scenario file as another kind of input than the one read (see [`table::OtherKind`]).
pub(crate) fn scenario_kind<'a>(columns: &'a [&'a str]) -> table::OtherKind<'a> {
    table::OtherKind { name: "scenario", columns, passed: "the SCENARIOS.csv argument", sweep: Some("--vary") }
}

/// The terms file as another kind of input than the one read.
pub(crate) fn terms_kind<'a>(columns: &'a [&'a str]) -> table::OtherKind<'a> {
    table::OtherKind { name: "terms", columns, passed: "--terms", sweep: Some("--vary-terms") }
}

/// The correlation file as another kind of input than the one read.
pub(crate) fn correlation_kind() -> table::OtherKind<'static> {
    table::OtherKind { name: "correlation", columns: &correlations::COLUMNS, passed: "--correlations", sweep: None }
}

/// The shipped scenario file, compiled in.
pub const SHIPPED_SCENARIOS: &str = include_str!("../../scenarios/openai.csv");
/// The shipped terms file, compiled in.
pub const SHIPPED_TERMS: &str = include_str!("../../scenarios/terms.csv");

/// The shipped scenario file, as a source named `scenarios/openai.csv (built in)`.
pub fn shipped_scenarios() -> Source {
    Source::builtin("scenarios/openai.csv", SHIPPED_SCENARIOS)
}

/// The shipped terms file, as a source named `scenarios/terms.csv (built in)`.
pub fn shipped_terms() -> Source {
    Source::builtin("scenarios/terms.csv", SHIPPED_TERMS)
}

/// The shipped scenarios and terms rows, parsed.
///
/// # Panics
/// If the shipped files are invalid: a build that does that is never released
/// (`shipped_files_are_valid` tests it).
pub fn shipped() -> (Vec<Scenario>, Vec<Terms>) {
    let s = read_scenarios(&shipped_scenarios());
    let t = read_terms(&shipped_terms());
    (s.expect("the shipped scenarios are valid"), t.expect("the shipped terms are valid"))
}

/// Parses one numeric cell according to `rule`: `Ok(None)` for an absent term.
pub(crate) fn parse_param(table: &Table, rec: &Record, rule: &ColumnRule) -> Result<Option<Param>, Problem> {
    let text = table.get(rec, rule.name);
    let Some(text) = text.filter(|t| !(rule.if_empty == IfEmpty::Absent && *t == NONE)) else {
        return rule.missing().map_err(|m| Problem::line(&table.file, rec.line, m.0).with_column(rule.name));
    };
    let bad = |msg: String| Problem::cell(&table.file, rec.line, rule.name, text, msg);
    let dist = Dist::parse(text, rule.allow_inf).map_err(|e| bad(e.0))?;
    rule.check(&dist).map_err(|e| bad(e.0))?;
    Ok(Some(Param::checked(dist, false)))
}

/// Reads the `name` column, checking that it is present and unique in the file.
pub(crate) fn parse_name(table: &Table, rec: &Record, seen: &mut Vec<(String, u64)>) -> Result<String, Problem> {
    let Some(name) = table.get(rec, "name") else {
        return Err(Problem::line(&table.file, rec.line, "a name is required").with_column("name"));
    };
    if let Err(e) = crate::model::scenario::check_name(name) {
        return Err(Problem::cell(&table.file, rec.line, "name", name, e.0));
    }
    if let Some((_, first)) = seen.iter().find(|(n, _)| n == name) {
        return Err(Problem::cell(
            &table.file,
            rec.line,
            "name",
            name,
            format!("duplicate name: already used on line {first}; names must be unique in the file"),
        ));
    }
    seen.push((name.to_string(), rec.line));
    Ok(name.to_string())
}

/// Marks each of `parsed` (one per row of `table`, in order: every row parsed)
/// that a sweep made with the row it varies, by `mark`.
pub(crate) fn mark_variants<T>(parsed: Vec<T>, table: &Table, mark: impl Fn(T, String) -> T) -> Vec<T> {
    parsed
        .into_iter()
        .zip(&table.rows)
        .map(|(t, rec)| match &rec.variant {
            Some(v) => mark(t, v.of.clone()),
            None => t,
        })
        .collect()
}

/// Runs `parse` on every row, collecting every problem.
pub(crate) fn parse_rows<T>(
    table: &Table,
    mut parse: impl FnMut(&Record, &mut Vec<Problem>) -> Option<T>,
) -> Result<Vec<T>, Error> {
    let mut out = Vec::with_capacity(table.rows.len());
    let mut problems = table.problems.clone();
    for rec in &table.rows {
        let before = problems.len();
        if let Some(v) = parse(rec, &mut problems) {
            out.push(v);
        }
        if let Some(v) = &rec.variant {
            vary::as_option_problems(&mut problems[before..], &v.flag, &v.option);
        }
    }
    table.drop_missing_cells(&mut problems);
    // A sweep's bad value is the same problem in the variant of every row.
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert(p.to_string()));
    if problems.is_empty() { Ok(out) } else { Err(Error::Input(problems)) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shipped_files_are_valid() {
        let (s, t) = super::shipped();
        assert_eq!(s.len(), 6);
        assert_eq!(t.len(), 7);
    }
}
