//! Scenario files: CSV rows checked against the rules of [`crate::model::scenario`].

use super::table::{FileKind, Source, Table};
use super::vary::Sweep;
use super::{MAX_SCENARIO_ROWS, parse_name, parse_param, parse_rows};
use crate::date::Date;
use crate::error::{Error, Problem};
use crate::model::scenario::{
    DEFAULT_HORIZON, DEFAULT_START, MIXTURE, check_grid_date, check_horizon, check_name, check_scenario_name,
    check_weight, columns,
};
use crate::model::{Param, Scenario, ScenarioParam};

/// Parses and validates a scenario file, reporting every problem at once.
pub fn read_scenarios(source: &Source) -> Result<Vec<Scenario>, Error> {
    read_scenarios_varied(source, &[])
}

/// [`read_scenarios`] with the variants of `sweeps` (`--vary`, see
/// [`super::vary`]) after the rows they vary, sharing their streams.
pub fn read_scenarios_varied(source: &Source, sweeps: &[Sweep]) -> Result<Vec<Scenario>, Error> {
    let cols = columns();
    let terms = crate::model::terms::columns();
    let kind = FileKind {
        name: "scenario",
        columns: &cols,
        required: &["name", "revenue0"],
        max_rows: MAX_SCENARIO_ROWS,
        others: &[super::terms_kind(&terms), super::correlation_kind()],
    };
    let mut table = Table::read(source, kind)?;
    // A bad sweep is reported with the problems already found in the file.
    super::vary::apply(&mut table, sweeps, &kind, true).map_err(|e| Error::Input(table.problems.clone()).and(e))?;
    let mut seen = Vec::new();
    let scenarios = parse_rows(&table, |rec, problems| {
        let name = parse_name(&table, rec, &mut seen).map_err(|p| problems.push(p)).ok();
        let name = name.and_then(|n| match check_scenario_name(&n) {
            Ok(()) => Some(n),
            Err(m) => {
                problems.push(Problem::cell(&table.file, rec.line, "name", &n, m.0));
                None
            }
        });
        let weight = match table.get(rec, "weight") {
            None => Some(0.0),
            Some(text) => {
                // Text that is not a number fails the rule as NaN does.
                let w = text.parse::<f64>().unwrap_or(f64::NAN);
                check_weight(w)
                    .map(|()| w)
                    .map_err(|m| problems.push(Problem::cell(&table.file, rec.line, "weight", text, m.0)))
                    .ok()
            }
        };
        let date = |col: &str, default: Date, problems: &mut Vec<Problem>| -> Option<(Date, bool)> {
            let Some(text) = table.get(rec, col) else {
                return Some((default, true));
            };
            let checked = Date::parse(text).and_then(|d| check_grid_date(col, d).map(|()| d));
            checked
                .map(|d| (d, false))
                .map_err(|m| problems.push(Problem::cell(&table.file, rec.line, col, text, m.0)))
                .ok()
        };
        let start = date("start", DEFAULT_START, problems);
        let horizon = date("horizon", DEFAULT_HORIZON, problems);
        let valuation = match table.get(rec, "valuation_date") {
            None => Some(None),
            Some(text) => Date::parse(text)
                .map(Some)
                .map_err(|m| {
                    let msg = format!("{m}; leave empty to take present values at the start");
                    problems.push(Problem::cell(&table.file, rec.line, "valuation_date", text, msg))
                })
                .ok(),
        };
        let stream = match table.get(rec, "stream") {
            None => Some(None),
            Some(text) => check_name(text)
                .map(|()| Some(text.to_string()))
                .map_err(|m| problems.push(Problem::cell(&table.file, rec.line, "stream", text, m.0)))
                .ok(),
        };
        let mut dates_ok = false;
        if let (Some((s, _)), Some((h, _))) = (start, horizon) {
            match check_horizon(s, h) {
                Ok(()) => dates_ok = true,
                Err(m) => problems.push(Problem::cell(&table.file, rec.line, "horizon", &h.to_string(), m.0)),
            }
        }
        let mut params = Vec::with_capacity(ScenarioParam::COUNT);
        for p in ScenarioParam::ALL {
            match parse_param(&table, rec, &p.rule()) {
                Ok(Some(v)) => params.push(v),
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        let (name, start, horizon, valuation, stream, weight) = (name?, start?, horizon?, valuation?, stream?, weight?);
        let params: [Param; ScenarioParam::COUNT] = params.try_into().ok()?;
        dates_ok.then(|| {
            Scenario::checked(name, Some(rec.line), start, horizon, valuation, params, stream).with_weight(weight)
        })
    })?;
    check_mixture(&table.file, &scenarios)?;
    Ok(super::mark_variants(scenarios, &table, Scenario::with_variant_of))
}

/// Checks that the rows with a weight share `start` and `horizon` (MODEL.md §5,
/// "Mixture"): their paths are combined period by period; and that no two of
/// them share a stream, since the mixture's standard errors treat them as
/// independent; and that their weights add up to a finite number, by which they
/// are normalised. Each row that differs
/// from the first weighted row is named with the column and value that differ.
fn check_mixture(file: &str, scenarios: &[Scenario]) -> Result<(), Error> {
    let mut weighted = scenarios.iter().filter(|s| s.weight() > 0.0);
    let Some(first) = weighted.next() else { return Ok(()) };
    let line = |s: &Scenario| s.line().unwrap_or(0);
    let mut problems = Vec::new();
    for s in weighted {
        for (column, theirs, ours) in [("start", first.start(), s.start()), ("horizon", first.horizon(), s.horizon())] {
            if theirs != ours {
                let msg = format!(
                    "rows with a weight are combined into the `{MIXTURE}` scenario and must share start and horizon; \
                     the first weighted row, `{}` (line {}), has {column} {theirs}: give this row the same {column} \
                     or a weight of 0",
                    first.name(),
                    line(first)
                );
                problems.push(Problem::cell(file, line(s), column, &ours.to_string(), msg));
            }
        }
    }
    // The mixture's standard errors (MODEL.md §5) hold for independent rows.
    let weighted: Vec<&Scenario> = scenarios.iter().filter(|s| s.weight() > 0.0).collect();
    for (i, s) in weighted.iter().enumerate() {
        if let Some(earlier) = weighted[..i].iter().find(|e| e.stream() == s.stream()) {
            let msg = format!(
                "rows with a weight are combined into the `{MIXTURE}` scenario as independent samples, but this row \
                 shares the stream `{}` with the weighted row `{}` (line {}): give it its own stream or a weight of 0",
                s.stream(),
                earlier.name(),
                line(earlier)
            );
            problems.push(Problem::cell(file, line(s), "weight", &s.weight().to_string(), msg));
        }
    }
    // The weights are normalised by their sum, which must be a number.
    let weights: Vec<f64> = weighted.iter().map(|s| s.weight()).collect();
    if !weights.iter().sum::<f64>().is_finite() {
        let lines: Vec<String> = weighted.iter().map(|s| line(s).to_string()).collect();
        let values: Vec<String> = weights.iter().map(|w| short(*w)).collect();
        let msg = format!(
            "the weights of the rows on lines {} add up to more than the largest number (about 1.8e308), so they \
             cannot be normalised; only their ratios matter: divide them all by the same number (1e300, say)",
            lines.join(", ")
        );
        problems.push(Problem::file(file, msg).with_column("weight").with_value(values.join(", ")));
    }
    if problems.is_empty() { Ok(()) } else { Err(Error::Input(problems)) }
}

/// `w` in its shorter decimal form: `1e308` rather than 309 digits, `0.5` as it is.
fn short(w: f64) -> String {
    let (plain, exp) = (w.to_string(), format!("{w:e}"));
    if exp.len() < plain.len() { exp } else { plain }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choice::Choice;
    use crate::dist::Dist;

    fn read(text: &str) -> Result<Vec<Scenario>, Error> {
        read_scenarios(&Source { name: "s.csv".into(), bytes: text.as_bytes().to_vec() })
    }

    fn c(v: f64) -> Dist {
        Dist::constant(v).unwrap()
    }

    #[test]
    fn missing_columns_and_empty_cells_take_the_defaults() {
        let s = read("name,revenue0,sigma\nbase,20,\n").unwrap();
        let s = &s[0];
        assert_eq!((s.start(), s.horizon()), (DEFAULT_START, DEFAULT_HORIZON));
        assert_eq!(s.months(), 120);
        assert_eq!(s.param(ScenarioParam::Revenue0).dist(), &c(20.0));
        assert!(s.param(ScenarioParam::Sigma).is_default());
        assert_eq!(s.param(ScenarioParam::GrowthHalflife).dist(), &c(2.0));
        assert_eq!(s.param(ScenarioParam::AgiDelay).dist(), &c(f64::INFINITY));
        assert_eq!(s.param(ScenarioParam::AgiMultiplier).dist(), &c(1.0));
    }

    #[test]
    fn each_domain_rule_is_enforced_with_the_rule_in_the_message() {
        let cases = [
            ("revenue0", "0", "> 0"),
            ("growth0", "-1", "> -1"),
            ("growth_halflife", "0", "> 0"),
            ("sigma", "-0.1", ">= 0"),
            ("jump_rate", "-1", ">= 0"),
            ("jump_sd", "-1", ">= 0"),
            ("agi_delay", "-1", ">= 0"),
            ("panel_lag", "normal(1, 0.5)", "lognormal"),
            ("agi_never", "1.5", "in [0, 1]"),
            ("agi_multiplier", "0", "> 0"),
            ("default_rate", "-0.01", ">= 0"),
            ("ms_ratio", "-0.3", ">= 0"),
            ("discount_rate", "-1", "> -1"),
            ("sigma", "inf", "finite"),
            ("jump_rate", "20000", "<= 12000"),
            ("jump_rate", "gamma(2, 10000)", "<= 12000"),
        ];
        for (col, value, expect) in cases {
            let text = format!("name,revenue0,{col}\nbase,20,\"{value}\"\n");
            let text = if col == "revenue0" { format!("name,revenue0\nbase,{value}\n") } else { text };
            let e = read(&text).unwrap_err().to_string();
            assert!(
                e.contains(&format!("s.csv, line 2, column `{col}`, value `{value}`")) && e.contains(expect),
                "{col}={value}: {e}"
            );
        }
    }

    #[test]
    fn dates_must_be_month_starts_with_start_before_horizon() {
        let e = read("name,revenue0,start\nb,20,2026-01-15\n").unwrap_err().to_string();
        assert!(e.contains("start of a month"), "{e}");
        let e = read("name,revenue0,start,horizon\nb,20,2030,2030\n").unwrap_err().to_string();
        assert!(e.contains("column `horizon`, value `2030-01`") && e.contains("after start"), "{e}");
        let e = read("name,revenue0,horizon\nb,20,20x6\n").unwrap_err().to_string();
        assert!(e.contains("not a date"), "{e}");
        let e = read("name,revenue0,valuation_date\nb,20,2026-13\n").unwrap_err().to_string();
        assert!(e.contains("column `valuation_date`, value `2026-13`: the month must be between 01 and 12"), "{e}");
        let s = read("name,revenue0,valuation_date\nb,20,2026-04-27\nc,20,\n").unwrap();
        assert!((s[0].valuation_offset() - (3.0 / 12.0 + 26.0 / 360.0)).abs() < 1e-12);
        assert_eq!((s[1].valuation_date(), s[1].valuation_offset()), (None, 0.0));
    }

    #[test]
    fn names_are_required_and_unique_and_all_problems_are_reported() {
        let e = read("name,revenue0\nb,20\nb,30\n,5\nc,-1\n").unwrap_err().to_string();
        assert!(e.starts_with("3 problems"), "{e}");
        assert!(e.contains("line 3, column `name`, value `b`: duplicate name: already used on line 2"), "{e}");
        assert!(e.contains("line 4, column `name`: a name is required"), "{e}");
        assert!(e.contains("line 5, column `revenue0`"), "{e}");
        let e = read("name,revenue0,sigma\nb,,0.1\n").unwrap_err().to_string();
        assert!(e.contains("column `revenue0`: a value is required"), "{e}");
    }

    #[test]
    fn agi_delay_accepts_inf_for_never() {
        let s = read("name,revenue0,agi_delay\nb,20,inf\nc,20,\"discrete(2: 0.5, inf: 0.5)\"\n").unwrap();
        assert_eq!(s[0].param(ScenarioParam::AgiDelay).dist(), &c(f64::INFINITY));
        assert!(!s[1].param(ScenarioParam::AgiDelay).dist().is_constant());
    }

    #[test]
    fn a_file_row_and_a_built_scenario_are_the_same_scenario_but_for_the_line() {
        let s = &read("name,revenue0,sigma,horizon\nb,20,\"uniform(0.1, 0.3)\",2031\n").unwrap()[0];
        let built = Scenario::builder("b")
            .set(ScenarioParam::Revenue0, c(20.0))
            .set(ScenarioParam::Sigma, Dist::uniform(0.1, 0.3).unwrap())
            .horizon(Date::month_start(2031, 1).unwrap())
            .build()
            .unwrap();
        assert_eq!((s.line(), built.line()), (Some(2), None));
        assert_eq!(s.months(), built.months());
        for p in ScenarioParam::ALL {
            assert_eq!(s.param(p), built.param(p), "{}", p.name());
        }
    }
}
