//! Terms files: CSV rows checked against the rules of [`crate::model::terms`].

use super::table::{FileKind, Source, Table, closest};
use super::vary::Sweep;
use super::{MAX_TERMS_ROWS, parse_name, parse_param, parse_rows};
use crate::choice::Choice;
use crate::date::{Date, MAX_YEAR, MIN_YEAR};
use crate::dist::Dist;
use crate::error::{Error, Problem};
use crate::model::scenario::check_name;
use crate::model::terms::columns;
use crate::model::{EndTerm, NONE, Param, Terms, TermsParam, Trigger, TriggerTerm};

/// Parses a trigger cell; the error suggests the closest name.
fn parse_trigger(text: &str) -> Result<Trigger, String> {
    Trigger::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Trigger::ALL.iter().map(|t| t.name()).collect();
        let hint =
            closest(&text.to_ascii_lowercase(), &names).map_or(String::new(), |c| format!("did you mean `{c}`? "));
        format!("unknown trigger; {hint}a trigger is one of {}", Trigger::names())
    })
}

/// The inside of a `discrete(...)` cell, if the cell is one.
fn discrete_inside(text: &str) -> Option<&str> {
    let t = text.trim();
    let open = t.find('(')?;
    (t[..open].trim().eq_ignore_ascii_case("discrete") && t.ends_with(')')).then(|| &t[open + 1..t.len() - 1])
}

/// `(value, probability)` pairs of a `discrete(...)` cell, each value read by `value`.
fn discrete_pairs(inside: &str, value: impl Fn(&str) -> Result<f64, String>) -> Result<Vec<(f64, f64)>, String> {
    inside
        .split(',')
        .map(|pair| {
            let (v, p) =
                pair.split_once(':').ok_or_else(|| format!("`{}` should be `value: probability`", pair.trim()))?;
            let p: f64 = p.trim().parse().map_err(|_| format!("`{}` is not a probability", p.trim()))?;
            Ok((value(v.trim())?, p))
        })
        .collect()
}

/// A calendar decimal year: a date (`2031`, `2033-01`), a plain number, or `none` (`inf`).
fn end_year(text: &str) -> Result<f64, String> {
    if text == NONE {
        return Ok(f64::INFINITY);
    }
    match Date::parse(text) {
        Ok(d) => Ok(d.decimal_year()),
        Err(e) => {
            text.parse::<f64>().ok().filter(|v| (f64::from(MIN_YEAR)..=f64::from(MAX_YEAR + 1)).contains(v)).ok_or(e.0)
        }
    }
}

/// Parses an `end` cell: a date, `none`, a plain calendar decimal year, or a
/// distribution of them (MODEL.md §4).
fn parse_end(text: &str) -> Result<EndTerm, String> {
    let drawn = |dist: Dist| EndTerm::Drawn { dist, text: text.to_string() };
    if let Some(inside) = discrete_inside(text) {
        let dist = Dist::discrete(&discrete_pairs(inside, end_year)?).map_err(|e| e.0)?;
        return Ok(drawn(dist));
    }
    if text.contains('(') {
        let dist = Dist::parse(text, false).map_err(|e| e.0)?;
        let s = dist.support();
        if s.lo < f64::from(MIN_YEAR) || s.hi > f64::from(MAX_YEAR + 1) {
            return Err(format!(
                "an end drawn from a distribution is a calendar decimal year from {MIN_YEAR} to {MAX_YEAR}"
            ));
        }
        return Ok(drawn(dist));
    }
    match Date::parse(text) {
        Ok(d) => Ok(EndTerm::Date(Some(d))),
        Err(e) => match text.parse::<f64>() {
            Ok(v) if (f64::from(MIN_YEAR)..=f64::from(MAX_YEAR + 1)).contains(&v) => {
                Ok(drawn(Dist::constant(v).map_err(|e| e.0)?))
            }
            _ => Err(format!("{}; leave empty for no end date", e.0)),
        },
    }
}

/// Parses a trigger cell: a name, or `discrete(verified: 0.8, none: 0.2)`.
fn parse_trigger_term(text: &str) -> Result<TriggerTerm, String> {
    match discrete_inside(text) {
        Some(inside) => {
            let code = |name: &str| parse_trigger(name).map(Trigger::code);
            let dist = Dist::discrete(&discrete_pairs(inside, code)?).map_err(|e| e.0)?;
            Ok(TriggerTerm::Drawn { dist, text: text.to_string() })
        }
        None => parse_trigger(text).map(TriggerTerm::Fixed),
    }
}

/// Parses and validates a terms file, reporting every problem at once.
pub fn read_terms(source: &Source) -> Result<Vec<Terms>, Error> {
    read_terms_varied(source, &[])
}

/// [`read_terms`] with the variants of `sweeps` (`--vary-terms`, see
/// [`super::vary`]) after the rows they vary.
pub fn read_terms_varied(source: &Source, sweeps: &[Sweep]) -> Result<Vec<Terms>, Error> {
    let cols = columns();
    let scenarios = crate::model::scenario::columns();
    let kind = FileKind {
        name: "terms",
        columns: &cols,
        required: &["name", "share"],
        max_rows: MAX_TERMS_ROWS,
        others: &[super::scenario_kind(&scenarios), super::correlation_kind()],
    };
    let mut table = Table::read(source, kind)?;
    super::vary::apply(&mut table, sweeps, &kind, false).map_err(|e| Error::Input(table.problems.clone()).and(e))?;
    let mut seen = Vec::new();
    let terms = parse_rows(&table, |rec, problems| {
        let name = parse_name(&table, rec, &mut seen).map_err(|p| problems.push(p)).ok();
        let mut cell =
            |column: &str, text: &str, m: String| problems.push(Problem::cell(&table.file, rec.line, column, text, m));
        let end = match table.get(rec, "end") {
            None | Some(NONE) => Some(EndTerm::Date(None)),
            Some(text) => parse_end(text).map_err(|m| cell("end", text, m)).ok(),
        };
        let trigger = match table.get(rec, "trigger") {
            None => Some(TriggerTerm::Fixed(Trigger::None)),
            Some(text) => parse_trigger_term(text).map_err(|m| cell("trigger", text, m)).ok(),
        };
        let reading = match table.get(rec, "reading") {
            None | Some(NONE) => Some(None),
            Some(text) => {
                check_name(text).map(|()| Some(text.to_string())).map_err(|m| cell("reading", text, m.0)).ok()
            }
        };
        let mut params: Vec<Option<Param>> = Vec::with_capacity(TermsParam::COUNT);
        for p in TermsParam::ALL {
            match parse_param(&table, rec, &p.rule()) {
                Ok(v) => params.push(v),
                Err(e) => problems.push(e),
            }
        }
        let (name, end, trigger, reading) = (name?, end?, trigger?, reading?);
        let params: [Option<Param>; TermsParam::COUNT] = params.try_into().ok()?;
        Some(Terms::checked(name, Some(rec.line), end, trigger, params, reading))
    })?;
    Ok(super::mark_variants(terms, &table, Terms::with_variant_of))
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
        assert_eq!((t.end(), t.trigger()), (&EndTerm::Date(None), &TriggerTerm::Fixed(Trigger::None)));
        assert!(t.cap().is_none());
        assert_eq!(t.param(TermsParam::CapCounted).unwrap().dist(), &Dist::constant(0.0).unwrap());
        assert_eq!(t.param(TermsParam::ReverseShare).unwrap().dist(), &Dist::constant(0.0).unwrap());
        assert!(read("name,share,cap\nflat,0.2,none\n").unwrap()[0].cap().is_none());
    }

    #[test]
    fn every_column_is_parsed() {
        let t = &read("trigger,name,share,end,cap,cap_counted,reverse_share,spread_years\nverified,p,0.2,2031,38,\"uniform(0, 5)\",0.2,2\n").unwrap()[0];
        assert_eq!(t.trigger(), &TriggerTerm::Fixed(Trigger::Verified));
        assert_eq!(t.end(), &EndTerm::Date(Some(Date::month_start(2031, 1).unwrap())));
        assert!(t.cap().is_some());
        assert!(!t.param(TermsParam::CapCounted).unwrap().dist().is_constant());
        assert_eq!(t.param(TermsParam::SpreadYears).unwrap().dist(), &Dist::constant(2.0).unwrap());
    }

    #[test]
    fn an_end_and_a_trigger_may_be_drawn() {
        let t = &read(
            "name,share,end,trigger\np,0.2,\"discrete(2031: 0.4, 2033-01: 0.3, none: 0.3)\",\"discrete(verified: 0.8, none: 0.2)\"\n\
             q,0.2,\"uniform(2030, 2033)\",declared\nr,0.2,2030.5,\n",
        )
        .unwrap();
        let EndTerm::Drawn { dist, text } = t[0].end() else { panic!("drawn end") };
        assert_eq!(text, "discrete(2031: 0.4, 2033-01: 0.3, none: 0.3)");
        assert_eq!(dist, &Dist::discrete(&[(2031.0, 0.4), (2033.0, 0.3), (f64::INFINITY, 0.3)]).unwrap());
        let TriggerTerm::Drawn { dist, .. } = t[0].trigger() else { panic!("drawn trigger") };
        assert_eq!(dist, &Dist::discrete(&[(Trigger::Verified.code(), 0.8), (Trigger::None.code(), 0.2)]).unwrap());
        assert!(matches!(t[1].end(), EndTerm::Drawn { .. }));
        assert_eq!(t[2].end(), &EndTerm::Drawn { dist: Dist::constant(2030.5).unwrap(), text: "2030.5".into() });
        for (cell, expect) in [
            ("\"discrete(2031: 0.5, someday: 0.5)\"", "not a date"),
            ("\"normal(2031, 1)\"", "calendar decimal year from 1900"),
            ("\"discrete(2031: 0.5, 2033: 0.4)\"", "sum to 1"),
            ("\"discrete(5: 0.5, 2030: 0.5)\"", "not a date"),
        ] {
            let e = read(&format!("name,share,end\np,0.2,{cell}\n")).unwrap_err().to_string();
            assert!(e.contains("column `end`") && e.contains(expect), "{cell}: {e}");
        }
        let e = read("name,share,trigger\np,0.2,\"discrete(verifed: 1)\"\n").unwrap_err().to_string();
        assert!(e.contains("did you mean `verified`?"), "{e}");
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
