//! `revshare`: parse the command line, call the library, map errors to exit codes
//! (0 success, 1 input or I/O error, 2 usage error).

use clap::Parser;
use revshare::cli::{CheckArgs, Cli, Command, ReportArgs, RunArgs};
use revshare::error::Error;
use revshare::run::{Inputs, RunOptions, run};
use std::process::ExitCode;

fn run_command(args: RunArgs) -> Result<(), Error> {
    let opts = RunOptions {
        scenarios: args.scenarios,
        terms: args.terms,
        paths: args.paths as usize,
        seed: args.seed,
        threads: args.threads.map(|t| t as usize),
        baseline: args.baseline,
        out: args.out,
        report: !args.no_report,
        progress: !args.quiet,
    };
    let out = run(&opts)?;
    print!("{}", out.table);
    println!(
        "\n{} paths per scenario, seed {}, {} threads, {:.1} s; results in {}/",
        out.manifest.paths,
        out.manifest.seed,
        out.manifest.threads,
        out.manifest.wall_seconds,
        opts.out.display()
    );
    Ok(())
}

fn check_command(args: CheckArgs) -> Result<(), Error> {
    let inputs = Inputs::load(Some(&args.scenarios), args.terms.as_ref())?;
    print!(
        "{}",
        revshare::report::check::render(
            &inputs.scenario_source.name,
            &inputs.scenarios,
            &inputs.terms_source.name,
            &inputs.terms
        )
    );
    Ok(())
}

fn report_command(args: ReportArgs) -> Result<(), Error> {
    let page = revshare::run::report(&args.dir)?;
    println!("wrote {} and {}/charts/", page.display(), args.dir.display());
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => run_command(args),
        Some(Command::Check(args)) => check_command(args),
        Some(Command::Report(args)) => report_command(args),
        None => run_command(cli.run),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
