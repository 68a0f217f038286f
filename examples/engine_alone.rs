//! The engine alone on a scenario file: every row's paths simulated as `revshare run`
//! computes them (blocks of 256 paths folded in parallel) and dropped, with no
//! statistics, files or report; prints the wall time. The yardstick of the README's
//! whole-run figures:
//!
//! ```text
//! cargo run --release --example engine_alone -- SCENARIOS.csv TERMS.csv PATHS
//! ```

use revshare::engine::{Block, simulate_fold};
use revshare::{Plan, Source, read_scenarios, read_terms};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, scenarios, terms, paths] = args.as_slice() else {
        return Err("usage: engine_alone SCENARIOS.csv TERMS.csv PATHS".into());
    };
    let source =
        |path: &str| -> Result<Source, std::io::Error> { Ok(Source::builtin(path, &std::fs::read_to_string(path)?)) };
    let scenarios = read_scenarios(&source(scenarios)?)?;
    let terms = read_terms(&source(terms)?)?;
    let paths: usize = paths.parse()?;
    let start = std::time::Instant::now();
    // One number of every block, so that nothing can be optimised away.
    let mut checksum = 0.0;
    for scenario in &scenarios {
        let plan = Plan::new(scenario, &terms, 42);
        let fold = |sum: &mut f64, block: &Block| *sum += block.column(0)[0];
        checksum += simulate_fold(&plan, 0, paths, &|_| {}, || 0.0, fold, |a, b| a + b);
    }
    println!(
        "{} paths of {} scenario rows: {:.2} s (checksum {checksum})",
        paths,
        scenarios.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
