//! Correlation files (MODEL.md §7, "Correlated parameters"): rank correlations
//! between the parameters of scenario rows, turned into each scenario's
//! [`Copula`].
//!
//! A correlation file has the columns `scenario, a, b, rank_correlation`, one row
//! per pair:
//!
//! ```text
//! scenario,a,b,rank_correlation
//! *,growth0,agi_delay,-0.4
//! bull,growth0,agi_delay,-0.6
//! ```
//!
//! `scenario` names a row of the scenario file, or is `*` for every row. `a` and
//! `b` are two different parameter columns of the scenario file; in a named
//! scenario both must be distributions (a constant has nothing to correlate). A `*`
//! row applies to every scenario in which both are distributions and leaves the
//! others alone (the shipped `company-plan` has no distribution at all), but must
//! apply to at least one. A row naming a scenario overrides a `*` row for the same
//! pair in that scenario; the same pair twice at the same level (in either order)
//! is an error, as is a parameter paired with itself or a rank correlation that is
//! not a number in `[-1, 1]`. Each scenario's pairs must form a positive definite
//! matrix (see [`Copula::new`]). Every problem names the file, the line, the column
//! and the value, and all are reported at once.

use super::table::{FileKind, Source, Table, closest};
use crate::choice::Choice;
use crate::error::{Error, Problem};
use crate::model::copula::{Copula, Correlation};
use crate::model::{Scenario, ScenarioParam};

/// The columns of a correlation file, all required.
pub const COLUMNS: [&str; 4] = ["scenario", "a", "b", "rank_correlation"];

/// What the `scenario` column holds to apply a row to every scenario.
pub const EVERY: &str = "*";

/// The most rows a correlation file may have (more pairs than the parameters have).
pub const MAX_CORRELATION_ROWS: usize = 10_000;

/// One valid row: where it applies (`None`: every scenario), the pair, its line.
struct Row {
    scenario: Option<usize>,
    pair: Correlation,
    line: u64,
}

/// Reads the correlation file `source` for `scenarios` (read from the file named
/// `scenario_file`) and returns them with their copulas attached; a scenario no row
/// applies to is returned as it was. Refuses the file with every problem at once.
pub fn correlate(source: &Source, scenario_file: &str, scenarios: Vec<Scenario>) -> Result<Vec<Scenario>, Error> {
    let (scenario_columns, terms_columns) = (crate::model::scenario::columns(), crate::model::terms::columns());
    let kind = FileKind {
        name: "correlation",
        columns: &COLUMNS,
        required: &COLUMNS,
        max_rows: MAX_CORRELATION_ROWS,
        others: &[super::scenario_kind(&scenario_columns), super::terms_kind(&terms_columns)],
    };
    let table = Table::read(source, kind)?;
    let file = table.file.as_str();
    let mut problems = table.problems.clone();
    let mut rows: Vec<Row> = Vec::new();
    for rec in &table.rows {
        let cell = |column: &str| table.get(rec, column).unwrap_or("");
        let mut bad = |column: &str, msg: String| {
            problems.push(match cell(column) {
                "" => Problem::line(file, rec.line, msg).with_column(column),
                value => Problem::cell(file, rec.line, column, value, msg),
            })
        };
        let scenario = match cell("scenario") {
            EVERY => Some(None),
            "" => {
                bad("scenario", format!("a scenario name is required, or `{EVERY}` for every scenario"));
                None
            }
            name => match scenarios.iter().position(|s| s.name() == name) {
                Some(i) => Some(Some(i)),
                None => {
                    let names: Vec<&str> = scenarios.iter().map(Scenario::name).collect();
                    let hint = closest(name, &names).map_or(String::new(), |c| format!("did you mean `{c}`? "));
                    bad(
                        "scenario",
                        format!(
                            "no scenario of that name in {scenario_file}; {hint}the scenarios are: {} (or `{EVERY}` \
                             for every scenario)",
                            names.join(", ")
                        ),
                    );
                    None
                }
            },
        };
        let mut param = |column: &str| match ScenarioParam::parse(cell(column)) {
            Some(p) => Some(p),
            None => {
                let names: Vec<&str> = ScenarioParam::ALL.iter().map(|p| p.name()).collect();
                let text = cell(column);
                let hint = closest(text, &names).map_or(String::new(), |c| format!("did you mean `{c}`? "));
                let what = if text.is_empty() { "a parameter column is required" } else { "not a parameter column" };
                bad(
                    column,
                    format!(
                        "{what}; {hint}the scenario columns that can be correlated (where they are distributions) are: {}",
                        names.join(", ")
                    ),
                );
                None
            }
        };
        let (a, b) = (param("a"), param("b"));
        let rank = match cell("rank_correlation").parse::<f64>() {
            // Reported here, with the file's other problems and once, rather than
            // as each scenario's matrix that is not positive definite.
            Ok(r) if r.abs() == 1.0 => {
                let msg = "a rank correlation of 1 or -1 makes the correlation matrix singular (the two parameters \
                           would be one); use 0.99 or -0.99";
                bad("rank_correlation", msg.to_string());
                None
            }
            Ok(r) if r.is_finite() && (-1.0..=1.0).contains(&r) => Some(r),
            Ok(_) => {
                bad("rank_correlation", "a rank correlation must be in [-1, 1]".to_string());
                None
            }
            Err(_) => {
                bad("rank_correlation", "not a number; a rank correlation is a number in [-1, 1]".to_string());
                None
            }
        };
        let (Some(scenario), Some(a), Some(b), Some(rank)) = (scenario, a, b, rank) else { continue };
        if a == b {
            bad("b", format!("`{}` is paired with itself; name two different parameters", a.name()));
            continue;
        }
        let pair = Correlation { a, b, rank };
        if let Some(first) = rows.iter().find(|r| r.scenario == scenario && r.pair.same_pair(&pair)) {
            let level =
                scenario.map_or(format!("for `{EVERY}`"), |i| format!("for scenario `{}`", scenarios[i].name()));
            problems.push(Problem::line(
                file,
                rec.line,
                format!(
                    "the pair `{}`, `{}` is given twice {level} (first on line {}); give each pair once (a row \
                     naming a scenario overrides a `{EVERY}` row for that scenario)",
                    a.name(),
                    b.name(),
                    first.line
                ),
            ));
            continue;
        }
        match scenario {
            Some(i) => {
                for (column, p) in [("a", a), ("b", b)] {
                    if scenarios[i].param(p).dist().is_constant() {
                        let msg = format!(
                            "`{}` is the constant {} in scenario `{}`: only a parameter that is a distribution there \
                             can be correlated",
                            p.name(),
                            scenarios[i].param(p).dist(),
                            scenarios[i].name()
                        );
                        problems.push(Problem::cell(file, rec.line, column, p.name(), msg));
                    }
                }
            }
            None => {
                if !scenarios.iter().any(|s| random(s, a) && random(s, b)) {
                    problems.push(Problem::line(
                        file,
                        rec.line,
                        format!(
                            "no scenario in {scenario_file} has both `{}` and `{}` as distributions, so this `{EVERY}` \
                             row applies nowhere; only parameters that are distributions can be correlated",
                            a.name(),
                            b.name()
                        ),
                    ));
                }
            }
        }
        rows.push(Row { scenario, pair, line: rec.line });
    }
    table.drop_missing_cells(&mut problems);
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let mut out = Vec::with_capacity(scenarios.len());
    for (i, s) in scenarios.into_iter().enumerate() {
        // A sweep's variant takes its row's copula, below.
        if s.variant_of().is_some() {
            out.push(s);
            continue;
        }
        // A row naming the scenario wins over a `*` row for the same pair.
        let own: Vec<&Row> = rows.iter().filter(|r| r.scenario == Some(i)).collect();
        let every = rows.iter().filter(|r| {
            r.scenario.is_none()
                && random(&s, r.pair.a)
                && random(&s, r.pair.b)
                && !own.iter().any(|o| o.pair.same_pair(&r.pair))
        });
        let applied: Vec<&Row> = own.iter().copied().chain(every).collect();
        if applied.is_empty() {
            out.push(s);
            continue;
        }
        let pairs: Vec<Correlation> = applied.iter().map(|r| r.pair).collect();
        let name = s.name().to_string();
        let attached = Copula::new(&pairs).and_then(|c| s.with_copula(c));
        match attached {
            Ok(s) => out.push(s),
            Err(e) => {
                let mut lines: Vec<u64> = applied.iter().map(|r| r.line).collect();
                lines.sort_unstable();
                let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
                problems.push(Problem::file(file, format!("scenario `{name}` (lines {}): {}", lines.join(", "), e.0)));
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    // A sweep's variant draws its row's correlated parameters from the same normal
    // scores, so the two stay paired; a parameter the sweep made a constant is that
    // constant whatever its score.
    let copulas: Vec<(String, Option<Copula>)> =
        out.iter().filter(|s| s.variant_of().is_none()).map(|s| (s.name().to_string(), s.copula().cloned())).collect();
    Ok(out
        .into_iter()
        .map(|s| match s.variant_of().and_then(|o| copulas.iter().find(|(n, _)| n == o)) {
            Some((_, Some(c))) => s.with_copula_of_row(c.clone()),
            _ => s,
        })
        .collect())
}

/// Whether `p` is a distribution (not a constant) in `s`.
fn random(s: &Scenario, p: ScenarioParam) -> bool {
    !s.param(p).dist().is_constant()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::shipped_scenarios;

    fn read(text: &str) -> Result<Vec<Scenario>, Error> {
        let scenarios = crate::input::read_scenarios(&shipped_scenarios()).unwrap();
        correlate(&Source { name: "c.csv".into(), bytes: text.as_bytes().to_vec() }, "s.csv", scenarios)
    }

    #[test]
    fn a_star_row_applies_where_both_are_distributions_and_a_named_row_overrides_it() {
        let s = read("scenario,a,b,rank_correlation\n*,growth0,agi_delay,-0.4\nbull,agi_delay,growth0,-0.6\n").unwrap();
        let rank = |name: &str| {
            let s = s.iter().find(|s| s.name() == name).unwrap();
            s.copula().map(|c| c.rank(ScenarioParam::Growth0, ScenarioParam::AgiDelay))
        };
        assert_eq!(rank("company-plan"), None, "constants are left alone");
        assert_eq!(rank("no-agi"), None, "agi_delay is the constant inf there");
        assert_eq!(rank("base"), Some(-0.4));
        assert_eq!(rank("bull"), Some(-0.6));
    }

    #[test]
    fn a_correlation_of_one_is_refused_once_with_the_other_problems() {
        let e = read("scenario,a,b,rank_correlation\n*,growth0,agi_delay,1\nbase,sigma,growth0,x\n").unwrap_err();
        let e = e.to_string();
        assert!(e.starts_with("2 problems"), "{e}");
        assert!(
            e.contains("c.csv, line 2, column `rank_correlation`, value `1`: a rank correlation of 1 or -1"),
            "{e}"
        );
        assert_eq!(e.matches("singular").count(), 1, "{e}");
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_cell() {
        let e = read(
            "scenario,a,b,rank_correlation\nbase,growth0,growth0,0.5\nbse,growth0,agi_delay,0.1\n\
             base,growth0,sigma,0.1\nbase,growth0,agi_delay,x\nbase,growth_0,agi_delay,0.2\n",
        )
        .unwrap_err()
        .to_string();
        for part in [
            "5 problems",
            "c.csv, line 2, column `b`, value `growth0`: `growth0` is paired with itself",
            "c.csv, line 3, column `scenario`, value `bse`: no scenario of that name in s.csv; did you mean `base`?",
            "c.csv, line 4, column `b`, value `sigma`: `sigma` is the constant 0.25 in scenario `base`",
            "c.csv, line 5, column `rank_correlation`, value `x`: not a number",
            "c.csv, line 6, column `a`, value `growth_0`: not a parameter column; did you mean `growth0`?",
        ] {
            assert!(e.contains(part), "{part} not in {e}");
        }
    }
}
