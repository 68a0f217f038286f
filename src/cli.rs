//! The command line: clap derive types, and their conversion into the typed
//! options of the application layer. Nothing else sees clap.
//!
//! Every closed set of choices (`--metric`, `--param`) is parsed by
//! [`ChoiceParser`] from the library's own [`Choice`] type, so a name is spelled
//! once, in the library, and `--help` lists exactly what parsing accepts.

use crate::app::merge::MergeOptions;
use crate::app::part::Shard;
use crate::app::run::RunOptions;
use crate::app::sensitivity::SensitivityOptions;
use crate::app::session::{DEFAULT_PATHS, DEFAULT_SEED, PrecisionTarget, SimOptions};
use crate::app::solve::{SolveOptions, SolveTarget};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use revshare::engine::MAX_PATHS;
use revshare::input::Sweep;
use revshare::periods::{PeriodLength, Periods};
use revshare::{Choice, Explained, Metric, SolveParam};
use std::path::PathBuf;

/// Parses one of the values of a [`Choice`] type (or of a subset of them).
#[derive(Clone)]
pub struct ChoiceParser<T: 'static> {
    allowed: &'static [T],
}

impl<T: Choice> ChoiceParser<T> {
    /// Accepts every value of `T`.
    pub fn all() -> ChoiceParser<T> {
        ChoiceParser { allowed: T::ALL }
    }

    /// Accepts only these values.
    pub fn only(allowed: &'static [T]) -> ChoiceParser<T> {
        ChoiceParser { allowed }
    }

    fn names(&self) -> Vec<&'static str> {
        self.allowed.iter().map(|c| c.name()).collect()
    }
}

impl<T: Choice + Send + Sync> TypedValueParser for ChoiceParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        // clap checks the value against the names and words the error; a name it
        // accepts is one of `allowed`.
        let name = PossibleValuesParser::new(self.names()).parse_ref(cmd, arg, value)?;
        self.allowed
            .iter()
            .copied()
            .find(|c| c.name() == name)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.names().into_iter().map(PossibleValue::new)))
    }
}

/// Parses a whole count written as `100000`, `100_000`, `100,000` or `1e5`, from
/// `min` to `max`.
fn parse_count(text: &str, min: u64, max: u64) -> Result<u64, String> {
    let rule = format!("a whole number from {min} to {max} (100000, 100_000, 100,000 and 1e5 are accepted)");
    let text = text.trim();
    // Commas only as thousands separators: `100,000`, never `1,0,0`.
    let groups: Vec<&str> = text.split(',').collect();
    let thousands = groups.len() == 1
        || (groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit())));
    if !thousands {
        return Err(rule);
    }
    let plain: String = text.chars().filter(|c| *c != '_' && *c != ',').collect();
    // Scientific notation below 2^53, where a decimal that rounds to a whole number
    // is that number.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let value = match plain.parse::<u64>() {
        Ok(v) => Some(v),
        Err(_) if plain.contains(['e', 'E']) => {
            plain.parse::<f64>().ok().filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v < EXACT).map(|v| v as u64)
        }
        Err(_) => None,
    };
    match value {
        Some(v) if (min..=max).contains(&v) => Ok(v),
        Some(v) => Err(format!("{v} is out of range: {rule}")),
        None => Err(rule),
    }
}

/// Parses `--paths`.
fn parse_paths(text: &str) -> Result<u64, String> {
    parse_count(text, 1, MAX_PATHS)
}

/// Parses `--seed`.
fn parse_seed(text: &str) -> Result<u64, String> {
    parse_count(text, 0, u64::MAX)
}

/// Parses `--threads`.
fn parse_threads(text: &str) -> Result<u64, String> {
    parse_count(text, 1, 1024)
}

/// The command line with a command written after options of the default `run`
/// (`revshare --paths 10 --out y run`) moved to the front, where clap expects it:
/// the options then apply to that command. Option values are skipped, so
/// `--out run` still names a folder called `run`.
pub fn command_first(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let cli = Cli::command();
    let commands: Vec<String> = cli.get_subcommands().map(|c| c.get_name().to_string()).collect();
    let takes_value = |flag: &str| {
        cli.get_arguments().any(|a| {
            let named = a.get_long().is_some_and(|l| flag == format!("--{l}"))
                || a.get_short().is_some_and(|s| flag == format!("-{s}"));
            named && a.get_action().takes_values()
        })
    };
    let mut i = 1;
    while i < args.len() {
        let Some(token) = args[i].to_str() else { break };
        if token == "--" {
            break;
        }
        if commands.iter().any(|c| c == token) {
            if i > 1 {
                let mut out = args.clone();
                let command = out.remove(i);
                out.insert(1, command);
                return out;
            }
            break;
        }
        i += if token.starts_with('-') && !token.contains('=') && takes_value(token) { 2 } else { 1 };
    }
    args
}

/// `e` with tips that apply to this command line. For an unexpected argument clap
/// suggests `-- X`, which would pass `X` as a file name; that tip is dropped and,
/// where one applies, replaced: a negative number after an option that takes a
/// value is written `--option=-5`, and an option written before a command that does
/// not take it is said to have been given to that command. `original` is the
/// command line as typed, `parsed` the one parsed (see [`command_first`]).
pub fn with_tips(e: clap::Error, original: &[std::ffi::OsString], parsed: &[std::ffi::OsString]) -> clap::Error {
    use clap::CommandFactory;
    use clap::builder::StyledStr;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return e;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg).cloned() else { return e };
    let mut tips: Vec<StyledStr> = match e.get(ContextKind::Suggested) {
        Some(ContextValue::StyledStrs(tips)) => {
            tips.iter().filter(|t| !t.to_string().contains("as a value, use '--")).cloned().collect()
        }
        _ => Vec::new(),
    };
    let cli = Cli::command();
    let typed: Vec<&str> = parsed.iter().map(|a| a.to_str().unwrap_or_default()).collect();
    let at = typed.iter().position(|a| *a == arg);
    let before = at.and_then(|i| i.checked_sub(1)).map(|i| typed[i]);
    let takes_value = |flag: &str| {
        let commands = std::iter::once(&cli).chain(cli.get_subcommands());
        commands
            .flat_map(|c| c.get_arguments())
            .any(|a| a.get_long().is_some_and(|l| flag == format!("--{l}")) && a.get_action().takes_values())
    };
    let command = (original != parsed).then(|| typed.get(1).copied()).flatten();
    if arg.starts_with('-') && arg.parse::<f64>().is_ok() {
        if let Some(flag) = before.filter(|f| f.starts_with("--") && takes_value(f)) {
            tips.push(format!("a value that starts with '-' is written with '=': '{flag}={arg}'").into());
        }
    } else if let Some(command) = command {
        let typed_first = original.iter().position(|a| a.to_str() == Some(command));
        // Both must be found: `None < Some(_)` would call an argument clap spelled
        // otherwise (`--x` for a typed `--x=1`) written before.
        let typed_arg = original.iter().position(|a| a.to_str() == Some(arg.as_ref()));
        let was_before = matches!((typed_arg, typed_first), (Some(a), Some(c)) if a < c);
        if was_before {
            tips.push(
                format!(
                    "options written before '{command}' are given to it, and it has no '{arg}' (see 'revshare \
                     {command} --help')"
                )
                .into(),
            );
        }
    }
    let mut e = e;
    if tips.is_empty() {
        e.remove(ContextKind::Suggested);
    } else {
        e.insert(ContextKind::Suggested, ContextValue::StyledStrs(tips));
    }
    e
}

/// Parses `--target`: `equal-pv`, `equal-net` or a finite number.
fn parse_target(text: &str) -> Result<SolveTarget, String> {
    match text {
        "equal-pv" => Ok(SolveTarget::Equal(Metric::Pv)),
        "equal-net" => Ok(SolveTarget::Equal(Metric::Net)),
        other => other
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(SolveTarget::Value)
            .ok_or_else(|| "equal-pv, equal-net, or a number ($B)".to_string()),
    }
}

/// Monte Carlo simulator of revenue-share contracts: what OpenAI's revenue share is
/// worth to Microsoft under the old AGI-trigger terms and the new fixed-date terms.
///
/// With no command, runs the shipped scenarios (100,000 paths) and writes results/.
#[derive(Debug, Parser)]
#[command(name = "revshare", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; `run` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `run` when no command is given.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate every scenario under every terms row and write the results.
    Run(RunArgs),
    /// Validate a scenario file (and terms file) and print every row as parsed; simulates nothing.
    Check(CheckArgs),
    /// Draw report.html and the charts again from the files of an earlier run, without simulating.
    Report(ReportArgs),
    /// Rank what drives a metric across paths, and what makes each cap bind.
    Sensitivity(SensitivityArgs),
    /// Find the contract term at which two deals are worth the same (break-even terms).
    Solve(SolveArgs),
    /// Print one path month by month: revenue, events and every contract's payments.
    Replay(ReplayArgs),
    /// Merge the partial results of `run --shard I/N` into the run's result folder.
    Merge(MergeArgs),
}

/// Inputs and simulation options shared by the simulating commands.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Scenario CSV file: one row per world of OpenAI revenue, AGI and failure
    /// [default: the shipped scenarios/openai.csv]
    #[arg(value_name = "SCENARIOS.csv")]
    pub scenarios: Option<PathBuf>,
    /// Terms CSV file: one row per revenue-share contract; the first row is the
    /// baseline of the paired differences [default: the shipped scenarios/terms.csv]
    #[arg(long, value_name = "TERMS.csv")]
    pub terms: Option<PathBuf>,
    /// Rank correlations between scenario parameters that are distributions (columns
    /// scenario, a, b, rank_correlation; scenario `*` for every row), joined by a
    /// Gaussian copula [default: none, the parameters are independent]
    #[arg(long, value_name = "FILE.csv")]
    pub correlations: Option<PathBuf>,
    /// Simulated paths (worlds) per scenario; every terms row is evaluated on the same paths
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PATHS as u64, value_parser = parse_paths, allow_negative_numbers = true)]
    pub paths: u64,
    /// Seed of the random streams: the same seed gives byte-identical result files
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Worker threads; results do not depend on it [default: all cores]
    #[arg(long, value_name = "T", value_parser = parse_threads, allow_negative_numbers = true)]
    pub threads: Option<u64>,
    /// Sweep a scenario column: one variant of every row (or of ROW) per value, named
    /// <row>@<column>=<value>, sharing the row's random stream so that its difference
    /// from the row is paired path by path (scenario_deltas.csv); repeatable
    #[arg(long, value_name = "[ROW:]COLUMN=V1,V2,...", value_parser = parse_vary, action = clap::ArgAction::Append)]
    pub vary: Vec<Sweep>,
    /// Sweep a terms column: one variant of every terms row (or of ROW) per value,
    /// named <row>@<column>=<value>, evaluated on the same paths; repeatable
    #[arg(long, value_name = "[ROW:]COLUMN=V1,V2,...", value_parser = parse_vary_terms, action = clap::ArgAction::Append)]
    pub vary_terms: Vec<Sweep>,
}

/// The reporting periods, of the commands that report per period (`run`,
/// `sensitivity`; not `solve`, whose answer has none).
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// Reporting periods of annual.csv and of the per-period inputs of sensitivity
    #[arg(long, value_parser = ChoiceParser::<PeriodLength>::all(), default_value = "year")]
    pub period: PeriodLength,
    /// The month (1-12) a year starts in; other than 1 gives fiscal years named after
    /// the calendar year they end in (7: FY2027 is July 2026 to June 2027)
    #[arg(long, value_name = "M", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=12), allow_negative_numbers = true)]
    pub year_start: u32,
}

impl PeriodArgs {
    /// The periods these options name.
    pub fn periods(&self) -> Periods {
        // clap has already limited --year-start to 1..=12.
        Periods::new(self.period, self.year_start).unwrap_or_default()
    }
}

/// Parses a `--vary` option.
fn parse_vary(text: &str) -> Result<Sweep, String> {
    Sweep::parse("--vary", text)
}

/// Parses a `--vary-terms` option.
fn parse_vary_terms(text: &str) -> Result<Sweep, String> {
    Sweep::parse("--vary-terms", text)
}

impl SimArgs {
    /// The application's form of these options, with the reporting `periods`.
    pub fn options(&self, periods: Periods) -> SimOptions {
        SimOptions {
            scenarios: self.scenarios.clone(),
            terms: self.terms.clone(),
            correlations: self.correlations.clone(),
            paths: self.paths as usize,
            seed: self.seed,
            threads: self.threads.map(|t| t as usize),
            periods,
            vary: self.vary.clone(),
            vary_terms: self.vary_terms.clone(),
        }
    }
}

/// Options of `revshare run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Inputs and simulation options.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Reporting periods.
    #[command(flatten)]
    pub periods: PeriodArgs,
    /// Terms row the others are compared with, path by path [default: the first row]
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// Folder for summary.csv, deltas.csv, outcomes.csv, annual.csv, curves.csv,
    /// manifest.json, report.html and charts/; created if needed, left untouched if the run fails
    #[arg(long, value_name = "DIR", default_value = "results")]
    pub out: PathBuf,
    /// Skip report.html and the chart SVGs (the CSV files and manifest are still written)
    #[arg(long)]
    pub no_report: bool,
    /// No progress bar (it is shown on a terminal for runs longer than a second)
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write one row per path and terms row (totals, end cause, every drawn
    /// input) to this CSV file, streamed to disk
    #[arg(long, value_name = "FILE.csv")]
    pub per_path: Option<PathBuf>,
    /// Run each scenario in rounds until the 95% confidence half-width of every
    /// reported money mean (revenue; paid, lost, received, net and PV of every row; the
    /// paired differences) is at most this many $B; --paths is then the most paths
    #[arg(long, value_name = "ABS", value_parser = positive, conflicts_with = "rel_precision", allow_negative_numbers = true)]
    pub precision: Option<f64>,
    /// The same, with the half-width at most this fraction of each mean (0.01 = 1%)
    #[arg(long, value_name = "R", value_parser = positive, allow_negative_numbers = true)]
    pub rel_precision: Option<f64>,
    /// Compute only shard I (0 to N-1) of N of every scenario's paths and write a
    /// partial result to --out, for `revshare merge` (no report)
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
}

/// Options of `revshare merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The --out folders of every shard of one run (`run --shard I/N`), in any order
    #[arg(value_name = "PART", required = true)]
    pub parts: Vec<PathBuf>,
    /// Folder for the results, as `run --out` writes them; left untouched if the merge fails
    #[arg(long, value_name = "DIR", default_value = "results")]
    pub out: PathBuf,
    /// Skip report.html and the chart SVGs
    #[arg(long)]
    pub no_report: bool,
    /// Worker threads for the statistics; results do not depend on it [default: all cores]
    #[arg(long, value_name = "T", value_parser = parse_threads, allow_negative_numbers = true)]
    pub threads: Option<u64>,
}

impl MergeArgs {
    /// The application's form of these options.
    pub fn options(self) -> MergeOptions {
        MergeOptions {
            parts: self.parts,
            out: self.out,
            report: !self.no_report,
            threads: self.threads.map(|t| t as usize),
        }
    }
}

/// Parses a finite number above zero.
fn positive(text: &str) -> Result<f64, String> {
    text.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0).ok_or_else(|| "a number above zero".to_string())
}

/// Options of `revshare report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The --out folder of an earlier `revshare run`
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Options of `revshare sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Inputs and simulation options.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Reporting periods (of the per-period revenue inputs).
    #[command(flatten)]
    pub periods: PeriodArgs,
    /// The scenario to analyse
    #[arg(long, value_name = "NAME")]
    pub scenario: String,
    /// What to explain: total paid, net, PV, or the paired difference of net or PV
    /// against the baseline
    #[arg(long, value_parser = ChoiceParser::<Explained>::all())]
    pub metric: Explained,
    /// The terms row whose metric is explained [default: the first row that is not the
    /// baseline for delta_*, else the baseline]
    #[arg(long, value_name = "NAME")]
    pub terms_row: Option<String>,
    /// Baseline of delta_* metrics [default: the first terms row]
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// Folder for sensitivity.csv and cap_conditions.csv; a report.html already there
    /// is redrawn with the tornado chart
    #[arg(long, value_name = "DIR", default_value = "results")]
    pub out: PathBuf,
}

/// Options of `revshare solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Inputs and simulation options.
    #[command(flatten)]
    pub sim: SimArgs,
    /// The scenario whose paths are used
    #[arg(long, value_name = "NAME")]
    pub scenario: String,
    /// The terms row whose term is solved for
    #[arg(long, value_name = "NAME")]
    pub terms_row: String,
    /// The term to solve for
    #[arg(long, value_parser = ChoiceParser::<SolveParam>::all())]
    pub param: SolveParam,
    /// equal-pv or equal-net (match the mean of --against), or a number ($B) for the
    /// mean of --metric
    #[arg(long, value_name = "TARGET", value_parser = parse_target, allow_negative_numbers = true)]
    pub target: SolveTarget,
    /// The row whose mean is matched [default: the first terms row]
    #[arg(long, value_name = "NAME")]
    pub against: Option<String>,
    /// The metric of a numeric --target
    #[arg(long, value_parser = ChoiceParser::only(&[Metric::Net, Metric::Pv]), default_value = "pv")]
    pub metric: Metric,
}

/// Options of `revshare replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Scenario CSV file [default: the shipped scenarios/openai.csv]
    #[arg(value_name = "SCENARIOS.csv")]
    pub scenarios: Option<PathBuf>,
    /// Terms CSV file [default: the shipped scenarios/terms.csv]
    #[arg(long, value_name = "TERMS.csv")]
    pub terms: Option<PathBuf>,
    /// The correlation file of the run whose path is replayed [default: none]
    #[arg(long, value_name = "FILE.csv")]
    pub correlations: Option<PathBuf>,
    /// Seed of the run whose path is replayed (a path's numbers depend only on the
    /// seed, the scenario and the path's index, not on the run's paths or threads)
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// The scenario
    #[arg(long, value_name = "NAME")]
    pub scenario: String,
    /// The path index (0-based, as in --per-path)
    #[arg(long, value_name = "I", value_parser = parse_seed, allow_negative_numbers = true)]
    pub path: u64,
}

/// Options of `revshare check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario CSV file to validate
    #[arg(value_name = "SCENARIOS.csv")]
    pub scenarios: PathBuf,
    /// Terms CSV file to validate [default: the shipped scenarios/terms.csv]
    #[arg(long, value_name = "TERMS.csv")]
    pub terms: Option<PathBuf>,
    /// Correlation CSV file to validate against the scenarios [default: none]
    #[arg(long, value_name = "FILE.csv")]
    pub correlations: Option<PathBuf>,
}

impl RunArgs {
    /// The application's form of these options.
    pub fn options(self) -> RunOptions {
        RunOptions {
            sim: self.sim.options(self.periods.periods()),
            baseline: self.baseline,
            out: self.out,
            report: !self.no_report,
            progress: !self.quiet,
            per_path: self.per_path,
            precision: match (self.precision, self.rel_precision) {
                (Some(a), _) => Some(PrecisionTarget::Absolute(a)),
                (None, Some(r)) => Some(PrecisionTarget::Relative(r)),
                (None, None) => None,
            },
            shard: self.shard,
        }
    }
}

impl ReplayArgs {
    /// The application's form of these options: one path, on this thread.
    pub fn options(&self) -> SimOptions {
        SimOptions {
            scenarios: self.scenarios.clone(),
            terms: self.terms.clone(),
            correlations: self.correlations.clone(),
            paths: 1,
            seed: self.seed,
            threads: Some(1),
            periods: Periods::default(),
            vary: Vec::new(),
            vary_terms: Vec::new(),
        }
    }
}

impl SensitivityArgs {
    /// The application's form of these options.
    pub fn options(self) -> SensitivityOptions {
        SensitivityOptions {
            sim: self.sim.options(self.periods.periods()),
            scenario: self.scenario,
            explained: self.metric,
            terms_row: self.terms_row,
            baseline: self.baseline,
            out: self.out,
        }
    }
}

impl SolveArgs {
    /// The application's form of these options.
    pub fn options(self) -> SolveOptions {
        SolveOptions {
            // A solution has no periods: solve takes no --period or --year-start.
            sim: self.sim.options(Periods::default()),
            scenario: self.scenario,
            terms_row: self.terms_row,
            param: self.param,
            target: self.target,
            against: self.against,
            metric: self.metric,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_forms_people_write() {
        for text in ["100000", "100_000", "100,000", "1e5", "1E5", " 100000 "] {
            assert_eq!(parse_paths(text), Ok(100_000), "{text}");
        }
        assert!(parse_paths("-5").unwrap_err().starts_with("a whole number from 1 to 100000000"));
        assert!(parse_paths("0").unwrap_err().starts_with("0 is out of range"));
        assert_eq!(parse_paths("1.5e1"), Ok(15));
        assert!(parse_paths("1.5e0").is_err() && parse_paths("1e9").unwrap_err().contains("out of range"));
        assert_eq!(parse_seed("0"), Ok(0));
        // Commas only between thousands; e-notation only where it is exact.
        assert!(parse_seed("1,0,0").is_err() && parse_seed(",100").is_err() && parse_seed("1000,00").is_err());
        assert_eq!(parse_seed("1,234,567"), Ok(1_234_567));
        assert!(parse_seed("9007199254740993e0").is_err() && parse_seed("1.8446744073709551616e19").is_err());
        assert_eq!(parse_seed("18446744073709551615"), Ok(u64::MAX));
    }

    #[test]
    fn a_command_after_run_options_is_moved_first() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let moved = command_first(args(&["revshare", "--paths", "10", "--out", "y", "run"]));
        assert_eq!(moved, args(&["revshare", "run", "--paths", "10", "--out", "y"]));
        let cli = Cli::try_parse_from(moved).unwrap();
        let Some(Command::Run(run)) = cli.command else { panic!("run") };
        assert_eq!((run.sim.paths, run.out), (10, PathBuf::from("y")));
        // A value that happens to be a command's name stays a value.
        let kept = args(&["revshare", "--out", "run", "--quiet", "--paths=5"]);
        assert_eq!(command_first(kept.clone()), kept);
        let moved = command_first(args(&["revshare", "-q", "--seed", "3", "check", "s.csv"]));
        assert_eq!(moved, args(&["revshare", "check", "-q", "--seed", "3", "s.csv"]));
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn choices_are_parsed_from_the_library_names_and_listed_in_errors() {
        let cli =
            Cli::try_parse_from(["revshare", "sensitivity", "--scenario", "base", "--metric", "delta_pv"]).unwrap();
        let Some(Command::Sensitivity(args)) = cli.command else { panic!("not sensitivity") };
        assert_eq!(args.metric, Explained::DeltaPv);
        let e = Cli::try_parse_from(["revshare", "sensitivity", "--scenario", "base", "--metric", "profit"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("[possible values: paid, net, pv, delta_net, delta_pv]"), "{e}");
        let e = Cli::try_parse_from([
            "revshare",
            "solve",
            "--scenario",
            "b",
            "--terms-row",
            "t",
            "--param",
            "cap",
            "--target",
            "1",
            "--metric",
            "paid",
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("[possible values: net, pv]"), "{e}");
        assert_eq!(parse_target("equal-net"), Ok(SolveTarget::Equal(Metric::Net)));
        assert_eq!(parse_target("12.5"), Ok(SolveTarget::Value(12.5)));
        assert!(parse_target("inf").is_err() && parse_target("lots").is_err());
    }
}
