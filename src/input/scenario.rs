//! Scenario rows: the world of MODEL.md §3 with the domains and defaults of §8.

use super::table::{Source, Table};
use super::{ColumnRule, Param, parse_name, parse_param, parse_rows};
use crate::date::Date;
use crate::dist::Domain;
use crate::error::{Error, Problem};

/// Declares [`ScenarioParam`] from one table: variant, column, domain, default.
macro_rules! scenario_params {
    ($($variant:ident => $name:literal, $domain:ident, $default:expr;)*) => {
        /// The numeric parameters of a scenario row, in column order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum ScenarioParam { $($variant),* }

        /// Number of numeric scenario parameters.
        pub const N_SCENARIO_PARAMS: usize = [$($name),*].len();

        impl ScenarioParam {
            /// All parameters in column order.
            pub const ALL: [ScenarioParam; N_SCENARIO_PARAMS] = [$(ScenarioParam::$variant),*];

            /// The column's rule: name, domain, default (`None`: required).
            pub fn rule(self) -> ColumnRule {
                let (name, domain, default) = match self {
                    $(ScenarioParam::$variant => ($name, Domain::$domain, $default),)*
                };
                ColumnRule { name, domain, default, allow_inf: self == ScenarioParam::AgiDelay }
            }
        }
    };
}

scenario_params! {
    Revenue0 => "revenue0", Positive, None;
    Growth0 => "growth0", AboveMinusOne, Some(0.0);
    GrowthInf => "growth_inf", AboveMinusOne, Some(0.0);
    GrowthHalflife => "growth_halflife", Positive, Some(2.0);
    Sigma => "sigma", NonNegative, Some(0.0);
    JumpRate => "jump_rate", NonNegative, Some(0.0);
    JumpMean => "jump_mean", Any, Some(0.0);
    JumpSd => "jump_sd", NonNegative, Some(0.0);
    AgiDelay => "agi_delay", NonNegative, Some(f64::INFINITY);
    PanelLag => "panel_lag", NonNegative, Some(0.0);
    AgiNever => "agi_never", UnitInterval, Some(0.0);
    AgiMultiplier => "agi_multiplier", Positive, Some(1.0);
    DefaultRate => "default_rate", NonNegative, Some(0.0);
    MsRatio => "ms_ratio", NonNegative, Some(0.0);
    DiscountRate => "discount_rate", AboveMinusOne, Some(0.0);
}

impl ScenarioParam {
    /// The column name.
    pub fn name(self) -> &'static str {
        self.rule().name
    }
}

/// Every column a scenario file may have.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["name", "start", "horizon"];
    c.extend(ScenarioParam::ALL.iter().map(|p| p.name()));
    c
}

/// Default simulation start.
pub const DEFAULT_START: Date = Date { year: 2026, month: 1, day: 1 };
/// Default simulation horizon.
pub const DEFAULT_HORIZON: Date = Date { year: 2036, month: 1, day: 1 };
/// Largest jump rate accepted, per year (a thousand shocks a month on average).
pub const MAX_JUMP_RATE: f64 = 12_000.0;

/// Longest horizon accepted, in months (keeps per-path memory bounded).
pub const MAX_MONTHS: i64 = 12 * 100;

/// A validated scenario row.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Unique name; keys the scenario's random streams.
    pub name: String,
    /// Line of the row in its file.
    pub line: u64,
    /// First month simulated.
    pub start: Date,
    /// End of the simulation (exclusive), a month start after `start`.
    pub horizon: Date,
    /// Whether start and horizon were defaulted.
    pub dates_defaulted: (bool, bool),
    params: Vec<Param>,
}

impl Scenario {
    /// The parameter `p`.
    pub fn param(&self, p: ScenarioParam) -> &Param {
        &self.params[p as usize]
    }

    /// Number of simulated months `K`.
    pub fn months(&self) -> usize {
        self.start.months_until(&self.horizon) as usize
    }

    /// Parses and validates a scenario file, reporting every problem at once.
    pub fn read_all(source: &Source) -> Result<Vec<Scenario>, Error> {
        let cols = columns();
        let table = Table::read(source, "scenario", &cols, &["name", "revenue0"])?;
        let mut seen = Vec::new();
        parse_rows(&table, |rec, problems| {
            let name = parse_name(&table, rec, &mut seen).map_err(|p| problems.push(p)).ok();
            let date = |col: &str, default: Date, problems: &mut Vec<Problem>| -> Option<(Date, bool)> {
                let Some(text) = table.get(rec, col) else {
                    return Some((default, true));
                };
                let bad = |m: String| Problem::cell(&table.file, rec.line, col, text, m);
                match Date::parse(text) {
                    Ok(d) if d.is_month_start() => Some((d, false)),
                    Ok(_) => {
                        problems.push(bad(format!("{col} must be the start of a month (YYYY-MM or YYYY-MM-01)")));
                        None
                    }
                    Err(m) => {
                        problems.push(bad(m));
                        None
                    }
                }
            };
            let start = date("start", DEFAULT_START, problems);
            let horizon = date("horizon", DEFAULT_HORIZON, problems);
            if let (Some((s, _)), Some((h, _))) = (start, horizon) {
                let months = s.months_until(&h);
                if months <= 0 || months > MAX_MONTHS {
                    problems.push(Problem::cell(
                        &table.file,
                        rec.line,
                        "horizon",
                        &h.to_string(),
                        format!("the horizon must be after start ({s}) and at most {} years later", MAX_MONTHS / 12),
                    ));
                }
            }
            let mut params = Vec::with_capacity(N_SCENARIO_PARAMS);
            for p in ScenarioParam::ALL {
                match parse_param(&table, rec, &p.rule()) {
                    Ok(v) if p == ScenarioParam::JumpRate && v.dist.support().hi > MAX_JUMP_RATE => {
                        let text = table.get(rec, p.name()).unwrap_or_default();
                        let msg = format!("jump_rate must be <= {MAX_JUMP_RATE} shocks per year");
                        problems.push(Problem::cell(&table.file, rec.line, p.name(), text, msg));
                    }
                    Ok(v) => params.push(v),
                    Err(e) => problems.push(e),
                }
            }
            let (name, (start, s_def), (horizon, h_def)) = (name?, start?, horizon?);
            if params.len() != N_SCENARIO_PARAMS || start.months_until(&horizon) <= 0 {
                return None;
            }
            Some(Scenario { name, line: rec.line, start, horizon, dates_defaulted: (s_def, h_def), params })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;

    fn read(text: &str) -> Result<Vec<Scenario>, Error> {
        Scenario::read_all(&Source { name: "s.csv".into(), bytes: text.as_bytes().to_vec() })
    }

    #[test]
    fn missing_columns_and_empty_cells_take_the_defaults() {
        let s = read("name,revenue0,sigma\nbase,20,\n").unwrap();
        let s = &s[0];
        assert_eq!((s.start, s.horizon), (DEFAULT_START, DEFAULT_HORIZON));
        assert_eq!(s.months(), 120);
        assert_eq!(s.param(ScenarioParam::Revenue0).dist, Dist::Const(20.0));
        assert!(s.param(ScenarioParam::Sigma).defaulted);
        assert_eq!(s.param(ScenarioParam::GrowthHalflife).dist, Dist::Const(2.0));
        assert_eq!(s.param(ScenarioParam::AgiDelay).dist, Dist::Const(f64::INFINITY));
        assert_eq!(s.param(ScenarioParam::AgiMultiplier).dist, Dist::Const(1.0));
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
        assert_eq!(s[0].param(ScenarioParam::AgiDelay).dist, Dist::Const(f64::INFINITY));
        assert!(!s[1].param(ScenarioParam::AgiDelay).dist.is_constant());
    }
}
