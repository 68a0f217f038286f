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

/// Stops with a clear message at start-up, before the simulation's vector code,
/// when the binary was built for x86-64-v3 (`.cargo/config.toml`) and the CPU
/// lacks its instructions.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
fn check_cpu() -> Result<(), ExitCode> {
    use std::arch::is_x86_feature_detected as has;
    let v3 = has!("avx2") && has!("fma") && has!("bmi1") && has!("bmi2") && has!("lzcnt") && has!("movbe");
    if v3 {
        return Ok(());
    }
    eprintln!(
        "error: this revshare was built for x86-64-v3 CPUs (AVX2, 2013 on) and this CPU lacks some of its \
         instructions; build it for this one with RUSTFLAGS=\"-C target-cpu=x86-64\" cargo build --release \
         (the numbers are the same bit for bit)"
    );
    Err(ExitCode::from(1))
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
fn check_cpu() -> Result<(), ExitCode> {
    Ok(())
}

fn main() -> ExitCode {
    if let Err(code) = check_cpu() {
        return code;
    }
    let typed: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = cli::command_first(typed.clone());
    let cli = Cli::try_parse_from(&parsed).unwrap_or_else(|e| cli::with_tips(e, &typed, &parsed).exit());
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
