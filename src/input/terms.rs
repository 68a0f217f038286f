//! Terms rows: a revenue-share contract of MODEL.md §4 with the domains of §8.

use super::table::{Source, Table, closest};
use super::{ColumnRule, Param, parse_name, parse_param, parse_rows};
use crate::date::Date;
use crate::dist::Domain;
use crate::error::{Error, Problem};
use std::fmt;

/// The event that stops a contract's share, besides its end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// No event stops the share.
    None,
    /// The share stops when AGI is declared (`T_D`).
    Declared,
    /// The share stops when the panel verifies AGI (`T_V`).
    Verified,
}

impl Trigger {
    const NAMES: [&'static str; 3] = ["none", "declared", "verified"];

    fn parse(text: &str) -> Result<Trigger, String> {
        match text {
            "none" => Ok(Trigger::None),
            "declared" => Ok(Trigger::Declared),
            "verified" => Ok(Trigger::Verified),
            other => {
                let hint = closest(&other.to_ascii_lowercase(), &Trigger::NAMES)
                    .map_or(String::new(), |c| format!("did you mean `{c}`? "));
                Err(format!("unknown trigger; {hint}a trigger is one of none, declared, verified"))
            }
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Trigger::NAMES[*self as usize])
    }
}

/// The numeric parameters of a terms row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermsParam {
    /// `share` (a): fraction of OpenAI's revenue paid to Microsoft.
    Share,
    /// `cap` (C): total cap on payments to Microsoft; empty means none.
    Cap,
    /// `cap_counted` (C0): amount already counted toward the cap at start.
    CapCounted,
    /// `reverse_share` (b): fraction of Microsoft's related revenue paid back.
    ReverseShare,
    /// `spread_years` (S): years over which each accrual is paid.
    SpreadYears,
}

/// Number of numeric terms parameters.
pub const N_TERMS_PARAMS: usize = 5;

impl TermsParam {
    /// All numeric terms parameters in column order.
    pub const ALL: [TermsParam; N_TERMS_PARAMS] =
        [TermsParam::Share, TermsParam::Cap, TermsParam::CapCounted, TermsParam::ReverseShare, TermsParam::SpreadYears];

    /// The column's rule.
    pub fn rule(self) -> ColumnRule {
        let (name, domain, default) = match self {
            TermsParam::Share => ("share", Domain::UnitInterval, None),
            TermsParam::Cap => ("cap", Domain::NonNegative, Some(f64::INFINITY)),
            TermsParam::CapCounted => ("cap_counted", Domain::NonNegative, Some(0.0)),
            TermsParam::ReverseShare => ("reverse_share", Domain::UnitInterval, Some(0.0)),
            TermsParam::SpreadYears => ("spread_years", Domain::NonNegative, Some(0.0)),
        };
        ColumnRule { name, domain, default, allow_inf: false }
    }

    /// The column name.
    pub fn name(self) -> &'static str {
        self.rule().name
    }
}

/// Every column a terms file may have.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["name", "end", "trigger"];
    c.extend(TermsParam::ALL.iter().map(|p| p.name()));
    c
}

/// A validated terms row.
#[derive(Debug, Clone)]
pub struct Terms {
    /// Unique name; keys the row's random streams.
    pub name: String,
    /// Line of the row in its file.
    pub line: u64,
    /// Calendar end of the share (`E`); `None` means no end date.
    pub end: Option<Date>,
    /// Event that stops the share.
    pub trigger: Trigger,
    params: Vec<Param>,
}

impl Terms {
    /// The parameter `p`; an absent cap is the constant `inf`.
    pub fn param(&self, p: TermsParam) -> &Param {
        &self.params[p as usize]
    }

    /// True when the row has a cap.
    pub fn has_cap(&self) -> bool {
        self.param(TermsParam::Cap).dist.constant() != Some(f64::INFINITY)
    }

    /// Parses and validates a terms file, reporting every problem at once.
    pub fn read_all(source: &Source) -> Result<Vec<Terms>, Error> {
        let cols = columns();
        let table = Table::read(source, "terms", &cols, &["name", "share"])?;
        let mut seen = Vec::new();
        parse_rows(&table, |rec, problems| {
            let name = parse_name(&table, rec, &mut seen).map_err(|p| problems.push(p)).ok();
            let end = match table.get(rec, "end") {
                None | Some("none") => Some(None),
                Some(text) => Date::parse(text)
                    .map(Some)
                    .map_err(|m| {
                        problems.push(Problem::cell(
                            &table.file,
                            rec.line,
                            "end",
                            text,
                            format!("{m}; leave empty for no end date"),
                        ))
                    })
                    .ok(),
            };
            let trigger = match table.get(rec, "trigger") {
                None => Some(Trigger::None),
                Some(text) => Trigger::parse(text)
                    .map_err(|m| problems.push(Problem::cell(&table.file, rec.line, "trigger", text, m)))
                    .ok(),
            };
            let mut params = Vec::with_capacity(N_TERMS_PARAMS);
            for p in TermsParam::ALL {
                let parsed = if p == TermsParam::Cap && table.get(rec, "cap") == Some("none") {
                    Ok(Param::constant(f64::INFINITY, false))
                } else {
                    parse_param(&table, rec, &p.rule())
                };
                match parsed {
                    Ok(v) => params.push(v),
                    Err(e) => problems.push(e),
                }
            }
            let (name, end, trigger) = (name?, end?, trigger?);
            (params.len() == N_TERMS_PARAMS).then_some(Terms { name, line: rec.line, end, trigger, params })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;

    fn read(text: &str) -> Result<Vec<Terms>, Error> {
        Terms::read_all(&Source { name: "t.csv".into(), bytes: text.as_bytes().to_vec() })
    }

    #[test]
    fn a_minimal_row_has_no_end_no_trigger_and_no_cap() {
        let t = &read("name,share\nflat,0.2\n").unwrap()[0];
        assert_eq!((t.end, t.trigger), (None, Trigger::None));
        assert!(!t.has_cap());
        assert_eq!(t.param(TermsParam::CapCounted).dist, Dist::Const(0.0));
        assert_eq!(t.param(TermsParam::ReverseShare).dist, Dist::Const(0.0));
    }

    #[test]
    fn every_column_is_parsed() {
        let t = &read("trigger,name,share,end,cap,cap_counted,reverse_share,spread_years\nverified,p,0.2,2031,38,\"uniform(0, 5)\",0.2,2\n").unwrap()[0];
        assert_eq!(t.trigger, Trigger::Verified);
        assert_eq!(t.end, Some(Date::month_start(2031, 1)));
        assert!(t.has_cap());
        assert!(!t.param(TermsParam::CapCounted).dist.is_constant());
        assert_eq!(t.param(TermsParam::SpreadYears).dist, Dist::Const(2.0));
    }

    #[test]
    fn bad_terms_cells_name_the_rule() {
        let cases = [
            ("share", "1.2", "in [0, 1]"),
            ("share", "", "a value is required"),
            ("end", "2031-02-30", "days 01 to 28"),
            ("trigger", "verifed", "did you mean `verified`?"),
            ("cap", "-5", ">= 0"),
            ("cap_counted", "normal(1, 1)", "lognormal"),
            ("reverse_share", "2", "in [0, 1]"),
            ("spread_years", "-1", ">= 0"),
        ];
        for (col, value, expect) in cases {
            let mut cells = vec![("name", "x"), ("share", "0.2")];
            cells.retain(|(c, _)| *c != col);
            cells.push((col, value));
            let header: Vec<&str> = cells.iter().map(|c| c.0).collect();
            let row: Vec<String> = cells.iter().map(|c| format!("\"{}\"", c.1)).collect();
            let e = read(&format!("{}\n{}\n", header.join(","), row.join(","))).unwrap_err().to_string();
            assert!(e.contains(&format!("column `{col}`")) && e.contains(expect), "{col}={value}: {e}");
        }
    }
}
