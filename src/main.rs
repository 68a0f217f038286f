//! `revshare`: parse the command line, call the application layer, print what it
//! returns, and map errors to exit codes (0 success, 1 input or I/O error, 2 usage
//! error, which clap reports itself).

mod app;
mod cli;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

/// `revshare run`, or one shard of it.
fn run(opts: &app::run::RunOptions) -> Result<String, revshare::Error> {
    match opts.shard {
        Some(shard) => app::shard::command(opts, shard),
        None => app::run::command(opts),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(cli::command_first(std::env::args_os().collect()));
    app::interrupt::install();
    let result = match cli.command {
        Some(Command::Run(args)) => run(&args.options()),
        Some(Command::Check(args)) => {
            app::check::command(&args.scenarios, args.terms.as_ref(), args.correlations.as_ref())
        }
        Some(Command::Report(args)) => app::report::command(&args.dir),
        Some(Command::Sensitivity(args)) => app::sensitivity::command(&args.options()),
        Some(Command::Solve(args)) => app::solve::command(&args.options()),
        Some(Command::Replay(args)) => app::replay::command(&args.options(), &args.scenario, args.path),
        Some(Command::Merge(args)) => app::merge::command(&args.options()),
        None => run(&cli.run.options()),
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
