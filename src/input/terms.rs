//! Terms files: CSV rows checked against the rules of [`crate::model::terms`].

use super::table::{Source, Table, closest};
use super::{parse_name, parse_param, parse_rows};
use crate::choice::Choice;
use crate::date::Date;
use crate::error::{Error, Problem};
use crate::model::terms::columns;
use crate::model::{NONE, Param, Terms, TermsParam, Trigger};

/// Parses a trigger cell; the error suggests the closest name.
fn parse_trigger(text: &str) -> Result<Trigger, String> {
    Trigger::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Trigger::ALL.iter().map(|t| t.name()).collect();
        let hint =
            closest(&text.to_ascii_lowercase(), &names).map_or(String::new(), |c| format!("did you mean `{c}`? "));
        format!("unknown trigger; {hint}a trigger is one of {}", Trigger::names())
    })
}

/// Parses and validates a terms file, reporting every problem at once.
pub fn read_terms(source: &Source) -> Result<Vec<Terms>, Error> {
    let cols = columns();
    let table = Table::read(source, "terms", &cols, &["name", "share"])?;
    let mut seen = Vec::new();
    parse_rows(&table, |rec, problems| {
        let name = parse_name(&table, rec, &mut seen).map_err(|p| problems.push(p)).ok();
        let mut cell =
            |column: &str, text: &str, m: String| problems.push(Problem::cell(&table.file, rec.line, column, text, m));
        let end = match table.get(rec, "end") {
            None | Some(NONE) => Some(None),
            Some(text) => Date::parse(text)
                .map(Some)
                .map_err(|m| cell("end", text, format!("{m}; leave empty for no end date")))
                .ok(),
        };
        let trigger = match table.get(rec, "trigger") {
            None => Some(Trigger::None),
            Some(text) => parse_trigger(text).map_err(|m| cell("trigger", text, m)).ok(),
        };
        let mut params: Vec<Option<Param>> = Vec::with_capacity(TermsParam::COUNT);
        for p in TermsParam::ALL {
            match parse_param(&table, rec, &p.rule()) {
                Ok(v) => params.push(v),
                Err(e) => problems.push(e),
            }
        }
        let (name, end, trigger) = (name?, end?, trigger?);
        let params: [Option<Param>; TermsParam::COUNT] = params.try_into().ok()?;
        Some(Terms::checked(name, Some(rec.line), end, trigger, params))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;

    fn read(text: &str) -> Result<Vec<Terms>, Error> {
        read_terms(&Source { name: "t.csv".into(), bytes: text.as_bytes().to_vec() })
    }

    #[test]
    fn a_minimal_row_has_no_end_no_trigger_and_no_cap() {
        let t = &read("name,share\nflat,0.2\n").unwrap()[0];
        assert_eq!((t.end(), t.trigger()), (None, Trigger::None));
        assert!(t.cap().is_none());
        assert_eq!(t.param(TermsParam::CapCounted).unwrap().dist(), &Dist::constant(0.0).unwrap());
        assert_eq!(t.param(TermsParam::ReverseShare).unwrap().dist(), &Dist::constant(0.0).unwrap());
        assert!(read("name,share,cap\nflat,0.2,none\n").unwrap()[0].cap().is_none());
    }

    #[test]
    fn every_column_is_parsed() {
        let t = &read("trigger,name,share,end,cap,cap_counted,reverse_share,spread_years\nverified,p,0.2,2031,38,\"uniform(0, 5)\",0.2,2\n").unwrap()[0];
        assert_eq!(t.trigger(), Trigger::Verified);
        assert_eq!(t.end(), Some(Date::month_start(2031, 1).unwrap()));
        assert!(t.cap().is_some());
        assert!(!t.param(TermsParam::CapCounted).unwrap().dist().is_constant());
        assert_eq!(t.param(TermsParam::SpreadYears).unwrap().dist(), &Dist::constant(2.0).unwrap());
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
