//! The command line (clap derive types only; the library never sees clap).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
    /// Simulated paths (worlds) per scenario; every terms row is evaluated on the same paths
    #[arg(long, value_name = "N", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub paths: u64,
    /// Seed of the random streams: the same seed gives byte-identical result files
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,
    /// Worker threads; results do not depend on it [default: all cores]
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

impl SimArgs {
    /// The library's form of these options.
    pub fn options(&self) -> crate::run::SimOptions {
        crate::run::SimOptions {
            scenarios: self.scenarios.clone(),
            terms: self.terms.clone(),
            paths: self.paths as usize,
            seed: self.seed,
            threads: self.threads.map(|t| t as usize),
        }
    }
}

/// Options of `revshare run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Inputs and simulation options.
    #[command(flatten)]
    pub sim: SimArgs,
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
    /// The scenario to analyse
    #[arg(long, value_name = "NAME")]
    pub scenario: String,
    /// What to explain: total paid, net, PV, or the paired difference of net or PV
    /// against the baseline
    #[arg(long, value_parser = ["paid", "net", "pv", "delta_net", "delta_pv"])]
    pub metric: String,
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
    #[arg(long, value_parser = ["cap", "share", "end", "cap_counted"])]
    pub param: String,
    /// equal-pv or equal-net (match the mean of --against), or a number ($B) for the
    /// mean of --metric
    #[arg(long, value_name = "TARGET")]
    pub target: String,
    /// The row whose mean is matched [default: the first terms row]
    #[arg(long, value_name = "NAME")]
    pub against: Option<String>,
    /// The metric of a numeric --target
    #[arg(long, value_parser = ["net", "pv"], default_value = "pv")]
    pub metric: String,
}

/// Options of `revshare replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Inputs and simulation options (--paths is not used: a path's numbers depend
    /// only on the seed, the scenario and its index).
    #[command(flatten)]
    pub sim: SimArgs,
    /// The scenario
    #[arg(long, value_name = "NAME")]
    pub scenario: String,
    /// The path index (0-based, as in --per-path)
    #[arg(long, value_name = "I")]
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
}
