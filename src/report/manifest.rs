//! `manifest.json`: what produced a result folder, so it can be traced and re-run.

use crate::choice::Choice;
use crate::model::{Terms, TermsParam};
use crate::periods::{PeriodLength, Periods};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// One input file and its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    /// `scenarios`, `terms` or `correlations`.
    pub role: String,
    /// The file as named by the user (or the built-in name).
    pub file: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

impl InputFile {
    /// Describes `bytes` read from `file`.
    pub fn new(role: &str, file: &str, bytes: &[u8]) -> InputFile {
        let digest = Sha256::digest(bytes);
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        InputFile { role: role.to_string(), file: file.to_string(), sha256 }
    }
}

/// An optional term in the manifest: its canonical text, or `none`.
mod none_as_text {
    use super::*;
    use crate::model::NONE;

    pub fn serialize<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_deref().unwrap_or(NONE))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let text = String::deserialize(d)?;
        Ok((text != NONE).then_some(text))
    }
}

/// A terms row as parsed, each value as written in canonical form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermsInfo {
    /// The row name.
    pub name: String,
    /// `share` as parsed.
    pub share: String,
    /// `end` as parsed; `None` (written `none`) for no end date.
    #[serde(with = "none_as_text")]
    pub end: Option<String>,
    /// `trigger`.
    pub trigger: String,
    /// `cap` as parsed; `None` (written `none`) for no cap.
    #[serde(with = "none_as_text")]
    pub cap: Option<String>,
    /// `cap_counted` as parsed.
    pub cap_counted: String,
    /// `reverse_share` as parsed.
    pub reverse_share: String,
    /// `spread_years` as parsed.
    pub spread_years: String,
    /// `recovery` as parsed (absent from manifests written before the column existed).
    #[serde(default)]
    pub recovery: String,
    /// The contract the row is one reading of, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
}

impl TermsInfo {
    /// Describes a validated terms row.
    pub fn new(t: &Terms) -> TermsInfo {
        let v = |p: TermsParam| t.param(p).map(|x| x.dist().to_string());
        let text = |p: TermsParam| v(p).unwrap_or_default();
        TermsInfo {
            name: t.name().to_string(),
            share: text(TermsParam::Share),
            end: match t.end() {
                crate::model::EndTerm::Date(None) => None,
                end => Some(end.to_string()),
            },
            trigger: t.trigger().to_string(),
            cap: v(TermsParam::Cap),
            cap_counted: text(TermsParam::CapCounted),
            reverse_share: text(TermsParam::ReverseShare),
            spread_years: text(TermsParam::SpreadYears),
            recovery: text(TermsParam::Recovery),
            reading: t.reading().map(str::to_string),
        }
    }

    /// The cap, when the row has one and it is a constant.
    pub fn constant_cap(&self) -> Option<f64> {
        self.cap.as_deref()?.parse().ok()
    }
}

/// The contents of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Program name.
    pub program: String,
    /// Program version.
    pub version: String,
    /// Seed of the run.
    pub seed: u64,
    /// Paths per scenario.
    pub paths: usize,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Paths per work chunk (results do not depend on it).
    pub chunk_paths: usize,
    /// Baseline terms row.
    pub baseline: String,
    /// The input files.
    pub inputs: Vec<InputFile>,
    /// The scenario rows, in order.
    pub scenarios: Vec<String>,
    /// Each scenario row's dates and discount rate, in the same order: what its
    /// present values mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub valuation: Vec<Valuation>,
    /// The terms rows as parsed, in order.
    pub terms: Vec<TermsInfo>,
    /// The reporting periods of `annual.csv`.
    #[serde(default)]
    pub periods: PeriodsInfo,
    /// The random-number scheme.
    pub rng: String,
    /// Quantile definition.
    pub quantiles: String,
    /// Wall time of the simulation and statistics, seconds.
    pub wall_seconds: f64,
    /// The precision target of a run that stopped when precise enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
    /// Warnings a reader of the results must see (a terms row cut off at the horizon).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The sweeps (`--vary`, `--vary-terms`) that made variant rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sweeps: Vec<SweepInfo>,
    /// The scenario rows combined into the `mixture` pseudo-scenario, with their
    /// weights (MODEL.md §5); empty when no row has a weight.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mixture: Vec<MixtureWeight>,
}

/// What a scenario row's present values mean: the span simulated, the date they
/// are valued at and the rate they are discounted at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Valuation {
    /// The scenario row.
    pub scenario: String,
    /// The first month simulated.
    pub start: String,
    /// The end of the simulation.
    pub horizon: String,
    /// The date present values are at (the start unless the row names one).
    pub valuation_date: String,
    /// The annual discount rate, as written (a number or a distribution).
    pub discount_rate: String,
}

impl Valuation {
    /// The dates and discount rate of every row of `scenarios`.
    pub fn of(scenarios: &[crate::model::Scenario]) -> Vec<Valuation> {
        use crate::model::ScenarioParam;
        scenarios
            .iter()
            .map(|s| Valuation {
                scenario: s.name().to_string(),
                start: s.start().to_string(),
                horizon: s.horizon().to_string(),
                valuation_date: s.valuation_date().unwrap_or(s.start()).to_string(),
                discount_rate: s.param(ScenarioParam::DiscountRate).dist().to_string(),
            })
            .collect()
    }
}

/// A scenario row in the mixture and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MixtureWeight {
    /// The scenario row.
    pub scenario: String,
    /// Its `weight`.
    pub weight: f64,
}

impl MixtureWeight {
    /// The rows of `scenarios` with a weight.
    pub fn of(scenarios: &[crate::model::Scenario]) -> Vec<MixtureWeight> {
        scenarios
            .iter()
            .filter(|s| s.weight() > 0.0)
            .map(|s| MixtureWeight { scenario: s.name().to_string(), weight: s.weight() })
            .collect()
    }
}

/// A sweep as the manifest records it: the option, and for each row it varied the
/// variants it made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepInfo {
    /// The option as typed: `--vary discount_rate=0.075,0.09`.
    pub option: String,
    /// `scenario` (`--vary`) or `terms` (`--vary-terms`).
    pub of: String,
    /// The column varied.
    pub column: String,
    /// Each row varied, in file order.
    pub rows: Vec<SweptRow>,
}

/// The variants of one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweptRow {
    /// The row varied.
    pub row: String,
    /// `(value, variant name)`, in the option's order.
    pub variants: Vec<(String, String)>,
}

impl SweepInfo {
    /// The record of `sweep` over rows named `names` (the rows after the sweeps,
    /// variants included): every row for which all the sweep's variants exist.
    pub fn new(sweep: &crate::input::Sweep, names: &[&str]) -> SweepInfo {
        let rows = names
            .iter()
            .filter(|n| sweep.row.as_deref().is_none_or(|r| r == **n))
            .filter_map(|n| {
                let variants: Vec<(String, String)> =
                    sweep.values.iter().map(|v| (v.clone(), sweep.variant_name(n, v))).collect();
                variants
                    .iter()
                    .all(|(_, name)| names.contains(&name.as_str()))
                    .then(|| SweptRow { row: n.to_string(), variants })
            })
            .collect();
        let of = if sweep.flag == "--vary-terms" { "terms" } else { "scenario" };
        SweepInfo { option: sweep.describe(), of: of.to_string(), column: sweep.column.clone(), rows }
    }
}

/// Paths below which the 1% and 99% quantiles rest on fewer than ten paths each.
pub const TAIL_PATHS: usize = 1000;

/// The warnings of a run's results: every scenario with too few paths for its tail
/// quantiles, and every terms row whose totals the horizon cuts off on more than
/// 1% of a scenario's paths.
pub fn warnings(results: &[crate::results::ScenarioResults]) -> Vec<String> {
    let few = results.iter().filter(|r| r.paths < TAIL_PATHS).map(|r| {
        format!(
            "{}: only {} paths, so its 1% and 99% quantiles rest on fewer than ten paths each (and the 5% and 95% \
             on fewer than {}); run {TAIL_PATHS} paths or more to read the tails",
            r.scenario,
            r.paths,
            (r.paths / 20).max(1)
        )
    });
    let cut = results.iter().flat_map(|r| {
        r.truncated()
            .into_iter()
            .map(move |(row, p)| format!("{}: {row}{STILL_PAYING}{:.1}{CUT_OFF}", r.scenario, 100.0 * p))
    });
    few.chain(cut).collect()
}

/// The words of a truncation warning between the row and the share of paths...
const STILL_PAYING: &str = " is still paying at the horizon on ";
/// ... and after the share.
const CUT_OFF: &str = "% of paths; its totals stop there (a later horizon would add to them)";

/// [`warnings`] with the truncation warnings of one scenario said in one line
/// (`base: still paying at the horizon, so their totals stop there (...): panel-2025
/// on 5.4% of paths, panel-2025-open on 10.7%`), at the place of its first; the
/// others as they are.
pub fn grouped_warnings(warnings: &[String]) -> Vec<String> {
    let cut_off = |w: &str| -> Option<(String, String, String)> {
        let (scenario, rest) = w.split_once(": ")?;
        let (row, rest) = rest.split_once(STILL_PAYING)?;
        let share = rest.strip_suffix(CUT_OFF)?;
        Some((scenario.to_string(), row.to_string(), share.to_string()))
    };
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    for w in warnings {
        match cut_off(w) {
            Some((scenario, row, share)) => match out.iter_mut().find(|(s, _)| s.as_deref() == Some(&scenario)) {
                Some((_, line)) => line.push_str(&format!(", {row} on {share}%")),
                None => out.push((
                    Some(scenario.clone()),
                    format!(
                        "{scenario}: still paying at the horizon, so their totals stop there (a later horizon would \
                         add to them): {row} on {share}% of paths"
                    ),
                )),
            },
            None => out.push((None, w.clone())),
        }
    }
    out.into_iter().map(|(_, line)| line).collect()
}

/// How a run with a precision target stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Precision {
    /// The target, in words.
    pub target: String,
    /// The most paths a scenario could use.
    pub max_paths: usize,
    /// Per scenario, in order.
    pub scenarios: Vec<PrecisionStop>,
}

/// Where one scenario of a run with a precision target stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionStop {
    /// The scenario.
    pub scenario: String,
    /// The paths it used.
    pub paths: usize,
    /// Whether every mean met the target.
    pub met: bool,
    /// The mean whose half-width was widest relative to the target.
    pub widest: String,
    /// Its 95% half-width.
    pub half_width: f64,
    /// Its value.
    pub mean: f64,
}

/// The reporting periods as the manifest records them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodsInfo {
    /// `year` or `quarter`.
    pub length: String,
    /// The month (1 to 12) the year starts in.
    pub year_start: u32,
    /// In words: `calendar years`, `quarters of fiscal years starting in July`.
    pub description: String,
}

impl PeriodsInfo {
    /// The record of `periods`.
    pub fn new(periods: Periods) -> PeriodsInfo {
        PeriodsInfo {
            length: periods.length().name().to_string(),
            year_start: periods.year_start(),
            description: periods.describe(),
        }
    }

    /// The periods recorded (calendar years if the record is not one of ours).
    pub fn periods(&self) -> Periods {
        PeriodLength::parse(&self.length).and_then(|l| Periods::new(l, self.year_start)).unwrap_or_default()
    }
}

impl Default for PeriodsInfo {
    /// Calendar years, for a manifest written before periods could be chosen.
    fn default() -> PeriodsInfo {
        PeriodsInfo::new(Periods::default())
    }
}

impl Manifest {
    /// The scenarios the output files have rows of: the scenario rows, then the
    /// `mixture` when rows have weights.
    pub fn report_scenarios(&self) -> Vec<&str> {
        let mixture = (!self.mixture.is_empty()).then_some(crate::mixture::MIXTURE);
        self.scenarios.iter().map(String::as_str).chain(mixture).collect()
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a manifest always serializes");
        v.push(b'\n');
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenarios_truncation_warnings_are_said_in_one_line() {
        let w = |s: &str, row: &str, p: &str| format!("{s}: {row}{STILL_PAYING}{p}{CUT_OFF}");
        let few = "tiny: only 10 paths, so its 1% and 99% quantiles rest on fewer than ten paths each".to_string();
        let warnings = [w("a", "x", "5.4"), few.clone(), w("b", "x", "1.0"), w("a", "y", "10.7")];
        let said = "still paying at the horizon, so their totals stop there (a later horizon would add to them)";
        assert_eq!(
            grouped_warnings(&warnings),
            [format!("a: {said}: x on 5.4% of paths, y on 10.7%"), few, format!("b: {said}: x on 1.0% of paths")]
        );
    }
}
