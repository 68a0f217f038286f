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
}

/// Options of `revshare run`.
#[derive(Debug, Args)]
pub struct RunArgs {
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
}

/// Options of `revshare report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The --out folder of an earlier `revshare run`
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
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
