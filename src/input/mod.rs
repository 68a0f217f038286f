//! Scenario and terms files: raw CSV rows turned into validated types.
//!
//! [`table`] reads a file into raw rows with line numbers; [`scenario`] and
//! [`terms`] check every cell against the columns, domains and defaults of
//! MODEL.md §8 and build [`Scenario`] and [`Terms`] values whose invariants hold,
//! so that the simulation cannot fail. All problems in a file are reported at
//! once, each naming the file, line, column, value and what is allowed.

pub mod scenario;
pub mod table;
pub mod terms;

pub use scenario::{Scenario, ScenarioParam};
pub use table::Source;
pub use terms::{Terms, TermsParam, Trigger};

use crate::dist::{Dist, Domain, Sampler};
use crate::error::Problem;
use std::fmt;
use table::{Record, Table};

/// A numeric parameter: its distribution, whether it was defaulted, and its sampler.
#[derive(Debug, Clone)]
pub struct Param {
    /// The parsed distribution (a constant is `Dist::Const`).
    pub dist: Dist,
    /// True when the cell was empty or the column absent.
    pub defaulted: bool,
    /// Built once from `dist`.
    pub sampler: Sampler,
}

impl Param {
    /// A parameter with a constant value.
    pub fn constant(value: f64, defaulted: bool) -> Param {
        Param { dist: Dist::Const(value), defaulted, sampler: Sampler::Const(value) }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.dist)?;
        if self.defaulted {
            write!(f, "  (default)")?;
        }
        Ok(())
    }
}

/// What a column accepts.
#[derive(Debug, Clone, Copy)]
pub struct ColumnRule {
    /// Column name.
    pub name: &'static str,
    /// Domain of every value.
    pub domain: Domain,
    /// Default for an empty cell; `None` means the value is required.
    pub default: Option<f64>,
    /// Whether `inf` is allowed (for `agi_delay`, meaning "never").
    pub allow_inf: bool,
}

/// Parses one numeric cell according to `rule`.
pub(crate) fn parse_param(table: &Table, rec: &Record, rule: &ColumnRule) -> Result<Param, Problem> {
    let Some(text) = table.get(rec, rule.name) else {
        return match rule.default {
            Some(v) => Ok(Param::constant(v, true)),
            None => Err(Problem {
                column: Some(rule.name.to_string()),
                ..Problem::line(
                    &table.file,
                    rec.line,
                    format!("a value is required: {} {}", rule.name, rule.domain.describe()),
                )
            }),
        };
    };
    let bad = |msg: String| Problem::cell(&table.file, rec.line, rule.name, text, msg);
    let dist = Dist::parse(text, rule.allow_inf).map_err(bad)?;
    rule.domain.check(&dist).map_err(|m| bad(format!("{m} ({} {})", rule.name, rule.domain.describe())))?;
    let sampler = dist.sampler().map_err(bad)?;
    Ok(Param { dist, defaulted: false, sampler })
}

/// Reads the `name` column, checking that it is present and unique in the file.
pub(crate) fn parse_name(table: &Table, rec: &Record, seen: &mut Vec<(String, u64)>) -> Result<String, Problem> {
    let Some(name) = table.get(rec, "name") else {
        return Err(Problem {
            column: Some("name".into()),
            ..Problem::line(&table.file, rec.line, "a name is required")
        });
    };
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

/// Runs `parse` on every row, collecting every problem.
pub(crate) fn parse_rows<T>(
    table: &Table,
    mut parse: impl FnMut(&Record, &mut Vec<Problem>) -> Option<T>,
) -> Result<Vec<T>, crate::error::Error> {
    let mut out = Vec::with_capacity(table.rows.len());
    let mut problems = Vec::new();
    for rec in &table.rows {
        if let Some(v) = parse(rec, &mut problems) {
            out.push(v);
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(crate::error::Error::Input(problems)) }
}
