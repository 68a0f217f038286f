//! A scenario: the world of MODEL.md §3 as one validated row, with the columns,
//! domains and defaults of §8 declared once in [`ScenarioParam`].
//!
//! A [`Scenario`] is built by [`Scenario::builder`] in code or by
//! [`crate::input::read_scenarios`] from a CSV file; both check the same rules, so
//! every `Scenario` that exists can be simulated without failing.

use super::params::{BuildProblems, IfEmpty, Param, params};
use crate::choice::Choice;
use crate::date::Date;
use crate::dist::Dist;
use crate::error::{Error, Invalid};

params! {
    /// The numeric parameters of a scenario row, in column order.
    enum ScenarioParam;
    /// The parameters of one path, drawn from the scenario row.
    struct WorldParams {}
    /// Annualized revenue run-rate at `start`, $B.
    revenue0 / Revenue0: Positive, IfEmpty::Required, inf: false;
    /// Expected simple growth per year now.
    growth0 / Growth0: AboveMinusOne, IfEmpty::Value(0.0), inf: false;
    /// Expected simple growth per year in the long run.
    growth_inf / GrowthInf: AboveMinusOne, IfEmpty::Value(0.0), inf: false;
    /// Years for growth to move halfway from `growth0` to `growth_inf`.
    growth_halflife / GrowthHalflife: Positive, IfEmpty::Value(2.0), inf: false;
    /// Volatility of log revenue per year.
    sigma / Sigma: NonNegative, IfEmpty::Value(0.0), inf: false;
    /// Shocks per year (bounded: a thousand a month on average at most).
    jump_rate / JumpRate: NonNegative, IfEmpty::Value(0.0), inf: false, max: (MAX_JUMP_RATE, "shocks per year");
    /// Mean of each shock to log revenue.
    jump_mean / JumpMean: Any, IfEmpty::Value(0.0), inf: false;
    /// Standard deviation of each shock.
    jump_sd / JumpSd: NonNegative, IfEmpty::Value(0.0), inf: false;
    /// Years until AGI is declared; `inf` = never.
    agi_delay / AgiDelay: NonNegative, IfEmpty::Value(f64::INFINITY), inf: true;
    /// Years from declaration to the panel's verification.
    panel_lag / PanelLag: NonNegative, IfEmpty::Value(0.0), inf: false;
    /// Probability AGI is never declared.
    agi_never / AgiNever: UnitInterval, IfEmpty::Value(0.0), inf: false;
    /// Revenue level factor from the month AGI is declared.
    agi_multiplier / AgiMultiplier: Positive, IfEmpty::Value(1.0), inf: false;
    /// OpenAI's failure rate per year (exponential).
    default_rate / DefaultRate: NonNegative, IfEmpty::Value(0.0), inf: false;
    /// OpenAI fails in the first month (after the first) whose run-rate is below this, $B a year; 0 = off.
    failure_below / FailureBelow: NonNegative, IfEmpty::Value(0.0), inf: false;
    /// Microsoft's OpenAI-related revenue / OpenAI's revenue.
    ms_ratio / MsRatio: NonNegative, IfEmpty::Value(0.0), inf: false;
    /// Microsoft's discount rate, annual compounding.
    discount_rate / DiscountRate: AboveMinusOne, IfEmpty::Value(0.0), inf: false;
}

/// Default simulation start.
pub const DEFAULT_START: Date = Date::known_month_start(2026, 1);
/// Default simulation horizon.
pub const DEFAULT_HORIZON: Date = Date::known_month_start(2036, 1);
/// Largest jump rate accepted, per year (a thousand shocks a month on average).
pub const MAX_JUMP_RATE: f64 = 12_000.0;
/// Longest horizon accepted, in months (keeps per-path memory bounded).
pub const MAX_MONTHS: i64 = 12 * 100;

/// Every column a scenario file may have: `name`, `start`, `horizon`,
/// `valuation_date`, then the parameters in [`ScenarioParam::ALL`] order, then
/// `stream` and `weight`.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["name", "start", "horizon", "valuation_date"];
    c.extend(ScenarioParam::ALL.iter().map(|p| p.name()));
    c.push("stream");
    c.push("weight");
    c
}

/// The name of the pseudo-scenario that combines the rows with a weight
/// (MODEL.md §5, "Mixture"). No scenario row may take it, weighted or not, so a
/// row of the output files named `mixture` is always the combination.
pub const MIXTURE: &str = "mixture";

/// Checks a scenario row's name: [`check_name`], and not [`MIXTURE`].
pub fn check_scenario_name(name: &str) -> Result<(), Invalid> {
    check_name(name)?;
    if name == MIXTURE {
        return Err(format!(
            "`{MIXTURE}` is reserved for the pseudo-scenario that combines the rows with a weight (MODEL.md §5); \
             choose another name"
        )
        .into());
    }
    Ok(())
}

/// Checks a `weight` (MODEL.md §8): a finite number >= 0.
pub fn check_weight(weight: f64) -> Result<(), Invalid> {
    if weight.is_finite() && weight >= 0.0 {
        Ok(())
    } else {
        Err("the weight must be a finite number >= 0 (0, the default, leaves the row out of the mixture)".into())
    }
}

/// Checks a name (a row's, a reading's) against [`NAME_RULE`].
pub fn check_name(name: &str) -> Result<(), Invalid> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.@=+".contains(c);
    if name.trim().is_empty() {
        Err("a name is required".into())
    } else if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        Err(format!("{NAME_RULE}: it starts with `{}`", name.chars().next().unwrap_or(' ').escape_default()).into())
    } else if let Some(c) = name.chars().find(|c| !allowed(*c)) {
        Err(format!("{NAME_RULE}: `{}` is not allowed", c.escape_default()).into())
    } else if name.len() > MAX_NAME {
        Err(format!("{NAME_RULE}: this one has {}", name.len()).into())
    } else {
        Ok(())
    }
}

/// The longest name (MODEL.md §8).
pub const MAX_NAME: usize = 64;

/// The rule for names (MODEL.md §8): they end up in file names, CSV cells (where a
/// leading `=`, `+`, `-` or `@` would be a spreadsheet formula) and HTML.
pub const NAME_RULE: &str =
    "a name is ASCII letters, digits and `-_.@=+`, at most 64 characters, starting with a letter or a digit";

/// Checks that `date` can be the start or horizon of a grid: a month start.
pub fn check_grid_date(column: &str, date: Date) -> Result<(), Invalid> {
    if date.is_month_start() {
        Ok(())
    } else {
        Err(format!("{column} must be the start of a month (YYYY-MM or YYYY-MM-01)").into())
    }
}

/// Checks that the horizon is after `start` and at most [`MAX_MONTHS`] later.
pub fn check_horizon(start: Date, horizon: Date) -> Result<(), Invalid> {
    let months = start.months_until(&horizon);
    if months <= 0 || months > MAX_MONTHS {
        Err(format!("the horizon must be after start ({start}) and at most {} years later", MAX_MONTHS / 12).into())
    } else {
        Ok(())
    }
}

/// A validated scenario row.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    name: String,
    line: Option<u64>,
    start: (Date, bool),
    horizon: (Date, bool),
    valuation: Option<Date>,
    params: [Param; ScenarioParam::COUNT],
    stream: Option<String>,
    weight: f64,
    /// Rank correlations between parameters (MODEL.md §7), when some are given.
    copula: Option<super::copula::Copula>,
    /// The row this one is a sweep's variant of (`--vary`), if it is one.
    variant_of: Option<String>,
}

impl Scenario {
    /// Starts building a scenario named `name` in code; see [`ScenarioBuilder`].
    pub fn builder(name: impl Into<String>) -> ScenarioBuilder {
        ScenarioBuilder {
            name: name.into(),
            start: None,
            horizon: None,
            valuation: None,
            params: std::array::from_fn(|_| None),
            stream: None,
            weight: None,
        }
    }

    /// A scenario whose every part has been checked by its front end.
    pub(crate) fn checked(
        name: String,
        line: Option<u64>,
        start: (Date, bool),
        horizon: (Date, bool),
        valuation: Option<Date>,
        params: [Param; ScenarioParam::COUNT],
        stream: Option<String>,
    ) -> Scenario {
        Scenario { name, line, start, horizon, valuation, params, stream, weight: 0.0, copula: None, variant_of: None }
    }

    /// The same scenario with weight `weight` (checked by the caller).
    pub(crate) fn with_weight(mut self, weight: f64) -> Scenario {
        self.weight = weight;
        self
    }

    /// Marks the row as a sweep's variant of row `original` (`--vary`): it takes
    /// the original's correlations, as it takes its stream.
    pub fn with_variant_of(mut self, original: impl Into<String>) -> Scenario {
        self.variant_of = Some(original.into());
        self
    }

    /// The row this one is a sweep's variant of, if it is one.
    pub fn variant_of(&self) -> Option<&str> {
        self.variant_of.as_deref()
    }

    /// The row's weight in the mixture (MODEL.md §5): 0, the default, leaves it out.
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// Unique name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The random streams the scenario draws from (MODEL.md §7, "Shared
    /// streams"): its `stream` column, or its name. Rows with the same stream draw
    /// the same random numbers, path by path.
    pub fn stream(&self) -> &str {
        self.stream.as_deref().unwrap_or(&self.name)
    }

    /// Line of the row in its file, when it was read from one.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// First month simulated.
    pub fn start(&self) -> Date {
        self.start.0
    }

    /// End of the simulation (exclusive), a month start after `start`.
    pub fn horizon(&self) -> Date {
        self.horizon.0
    }

    /// The date present values are taken at (MODEL.md §4), when it is not `start`.
    pub fn valuation_date(&self) -> Option<Date> {
        self.valuation
    }

    /// `u_V`: the valuation date in years since `start` (0 by default; negative
    /// before the start).
    pub fn valuation_offset(&self) -> f64 {
        self.valuation.map_or(0.0, |d| d.decimal_year() - self.start().decimal_year())
    }

    /// Whether start and horizon took their defaults.
    pub fn dates_defaulted(&self) -> (bool, bool) {
        (self.start.1, self.horizon.1)
    }

    /// The parameter `p`.
    pub fn param(&self, p: ScenarioParam) -> &Param {
        &self.params[p as usize]
    }

    /// The same scenario with its parameters joined by `copula` (MODEL.md §7,
    /// "Correlated parameters"); refuses a parameter of it that is a constant here,
    /// naming it. The other parameters are drawn as without it.
    pub fn with_copula(mut self, copula: super::copula::Copula) -> Result<Scenario, Invalid> {
        if let Some(p) = copula.params().iter().find(|p| self.param(**p).dist().is_constant()) {
            return Err(Invalid(format!(
                "`{}` is the constant {} in scenario `{}`: only a parameter that is a distribution there can be \
                 correlated",
                p.name(),
                self.param(*p).dist(),
                self.name
            )));
        }
        self.copula = Some(copula);
        Ok(self)
    }

    /// A sweep's variant with the copula of the row it varies, unchecked: a
    /// parameter the sweep made a constant keeps its place in the copula, the
    /// constant being its own quantile at every score, so that the variant's other
    /// correlated parameters are drawn as the row's are.
    pub fn with_copula_of_row(mut self, copula: super::copula::Copula) -> Scenario {
        self.copula = Some(copula);
        self
    }

    /// The rank correlations between the scenario's parameters, if any.
    pub fn copula(&self) -> Option<&super::copula::Copula> {
        self.copula.as_ref()
    }

    /// Number of simulated months `K`.
    pub fn months(&self) -> usize {
        self.start().months_until(&self.horizon()) as usize
    }
}

/// Builds a [`Scenario`] in code, with the same checks as a scenario file: every
/// parameter not set takes its column's default, `revenue0` is required.
///
/// ```
/// use revshare::{Date, Dist, Scenario, ScenarioParam};
/// let s = Scenario::builder("flat")
///     .horizon(Date::month_start(2031, 1)?)
///     .set(ScenarioParam::Revenue0, Dist::constant(12.0)?)
///     .set(ScenarioParam::Sigma, Dist::uniform(0.1, 0.3)?)
///     .build()?;
/// assert_eq!(s.months(), 60);
/// assert!(Scenario::builder("x").build().is_err(), "revenue0 is required");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ScenarioBuilder {
    name: String,
    start: Option<Date>,
    horizon: Option<Date>,
    valuation: Option<Date>,
    params: [Option<Dist>; ScenarioParam::COUNT],
    stream: Option<String>,
    weight: Option<f64>,
}

impl ScenarioBuilder {
    /// The first month simulated (default 2026-01).
    pub fn start(mut self, date: Date) -> ScenarioBuilder {
        self.start = Some(date);
        self
    }

    /// The end of the simulation, exclusive (default 2036-01).
    pub fn horizon(mut self, date: Date) -> ScenarioBuilder {
        self.horizon = Some(date);
        self
    }

    /// The date present values are taken at (default: the start).
    pub fn valuation_date(mut self, date: Date) -> ScenarioBuilder {
        self.valuation = Some(date);
        self
    }

    /// The random streams to draw from (default: the scenario's name).
    pub fn stream(mut self, stream: impl Into<String>) -> ScenarioBuilder {
        self.stream = Some(stream.into());
        self
    }

    /// The weight in the mixture (default 0: not in it).
    pub fn weight(mut self, weight: f64) -> ScenarioBuilder {
        self.weight = Some(weight);
        self
    }

    /// Sets parameter `p` to a constant or a distribution.
    pub fn set(mut self, p: ScenarioParam, dist: Dist) -> ScenarioBuilder {
        self.params[p as usize] = Some(dist);
        self
    }

    /// Checks every rule and builds the scenario; the error lists every problem.
    pub fn build(self) -> Result<Scenario, Error> {
        let mut problems = BuildProblems::new(format!("scenario `{}`", self.name));
        if let Err(m) = check_scenario_name(&self.name) {
            problems.add("name", None, m);
        }
        if let Some(Err(m)) = self.weight.map(check_weight) {
            problems.add("weight", self.weight.map(|w| w.to_string()), m);
        }
        if let Some(Err(m)) = self.stream.as_deref().map(check_name) {
            problems.add("stream", self.stream.clone(), m);
        }
        let start = self.start.unwrap_or(DEFAULT_START);
        let horizon = self.horizon.unwrap_or(DEFAULT_HORIZON);
        for (column, date) in [("start", start), ("horizon", horizon)] {
            if let Err(m) = check_grid_date(column, date) {
                problems.add(column, Some(date.to_string()), m);
            }
        }
        if let Err(m) = check_horizon(start, horizon) {
            problems.add("horizon", Some(horizon.to_string()), m);
        }
        let params: Option<Vec<Param>> =
            problems.params(ScenarioParam::ALL.map(ScenarioParam::rule), self.params).into_iter().collect();
        match params.map(<[Param; ScenarioParam::COUNT]>::try_from) {
            Some(Ok(params)) if problems.list.is_empty() => {
                let (start, horizon) = ((start, self.start.is_none()), (horizon, self.horizon.is_none()));
                let s = Scenario::checked(self.name, None, start, horizon, self.valuation, params, self.stream);
                Ok(s.with_weight(self.weight.unwrap_or(0.0)))
            }
            _ => Err(Error::Input(problems.list)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_from_values_are_inverse_in_column_order() {
        let v: [f64; ScenarioParam::COUNT] = std::array::from_fn(|i| i as f64 + 0.5);
        let p = WorldParams::from_values(&v);
        assert_eq!(p.values(), v);
        assert_eq!(p.sigma, v[ScenarioParam::Sigma as usize]);
        assert_eq!(p.discount_rate, v[ScenarioParam::DiscountRate as usize]);
        assert_eq!(ScenarioParam::parse("growth_inf"), Some(ScenarioParam::GrowthInf));
    }

    #[test]
    fn a_builder_applies_the_file_rules_and_defaults() {
        let s = Scenario::builder("b").set(ScenarioParam::Revenue0, Dist::constant(20.0).unwrap()).build().unwrap();
        assert_eq!((s.start(), s.horizon(), s.dates_defaulted()), (DEFAULT_START, DEFAULT_HORIZON, (true, true)));
        assert!(s.param(ScenarioParam::Sigma).is_default());
        assert_eq!(s.param(ScenarioParam::AgiDelay).dist(), &Dist::constant(f64::INFINITY).unwrap());
        let e = Scenario::builder("")
            .set(ScenarioParam::Sigma, Dist::normal(0.2, 0.1).unwrap())
            .set(ScenarioParam::GrowthInf, Dist::constant(f64::INFINITY).unwrap())
            .horizon(Date::month_start(2020, 1).unwrap())
            .build()
            .unwrap_err()
            .to_string();
        for part in [
            "5 problems",
            "scenario ``, column `name`: a name is required",
            "column `horizon`, value `2020-01`: the horizon must be after start",
            "column `sigma`, value `normal(0.2, 0.1)`: a normal can take any value",
            "column `growth_inf`, value `inf`: `inf` is not finite",
            "column `revenue0`: a value is required: revenue0 > 0",
        ] {
            assert!(e.contains(part), "{part} not in {e}");
        }
    }
}
