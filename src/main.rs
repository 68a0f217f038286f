//! `revshare`: parse the command line, call the library, map errors to exit codes
//! (0 success, 1 input or I/O error, 2 usage error).

use clap::Parser;
use revshare::cli::{CheckArgs, Cli, Command, ReportArgs, RunArgs};
use revshare::error::Error;
use revshare::run::{Inputs, RunOptions, run};
use std::process::ExitCode;

fn run_command(args: RunArgs) -> Result<(), Error> {
    let opts = RunOptions {
        sim: args.sim.options(),
        baseline: args.baseline,
        out: args.out,
        report: !args.no_report,
        progress: !args.quiet,
        per_path: args.per_path,
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
        Some(Command::Sensitivity(args)) => {
            let opts = revshare::analyze::SensitivityOptions {
                sim: args.sim.options(),
                scenario: args.scenario,
                metric: args.metric,
                terms_row: args.terms_row,
                baseline: args.baseline,
                out: args.out,
            };
            revshare::analyze::sensitivity(&opts).map(|o| print!("{}", o.text))
        }
        Some(Command::Solve(args)) => {
            let opts = revshare::analyze::SolveOptions {
                sim: args.sim.options(),
                scenario: args.scenario,
                terms_row: args.terms_row,
                param: args.param,
                target: args.target,
                against: args.against,
                metric: args.metric,
            };
            revshare::analyze::solve_command(&opts).map(|(_, text)| print!("{text}"))
        }
        Some(Command::Replay(args)) => {
            revshare::analyze::replay_command(&args.sim.options(), &args.scenario, args.path)
                .map(|text| print!("{text}"))
        }
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
