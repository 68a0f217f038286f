//! # revshare
//!
//! A Monte Carlo simulator of revenue-share contracts, built first for the question
//! of what OpenAI's revenue share is worth to Microsoft under the October 2025
//! terms (20% until an expert panel verifies AGI), the 2019 board terms (until AGI
//! is declared or the end of 2030) and the April 2026 terms (through 2030, up to a
//! total cap, whatever happens to AGI).
//!
//! The model is specified in `MODEL.md` (shipped as `docs/MODEL.md`): a monthly
//! log-Euler revenue path with decaying expected growth, volatility and
//! compound-Poisson jumps; AGI declared, verified by a panel after a lag, or never;
//! exponential failure; and, per contract, a share that stops at an end date or a
//! trigger, a cumulative cap, a reverse share and a spread-out present value.
//!
//! This crate is the library: it knows no command line, draws nothing on a
//! terminal and decides nothing about which files to write where. The `revshare`
//! binary's application layer does that on top of it; a program that uses only the
//! library depends on it with `default-features = false` and gets neither the binary
//! nor its dependencies (clap, indicatif, tempfile).
//!
//! ## Layers
//!
//! Each layer imports only the ones above it in this list:
//!
//! - [`error`], [`choice`], [`date`], [`dist`], [`stats`]: errors, named choices,
//!   dates, the distribution grammar, statistics over samples;
//! - [`model`]: what a scenario and a contract are (their parameters declared once)
//!   and the formulas of one path;
//! - [`streams`] and [`engine`]: keyed random numbers and the chunked parallel
//!   simulation into a per-path table;
//! - [`results`], [`groups`], [`mixture`], [`analysis`]: the summaries users read,
//!   paired differences between scenario rows sharing a stream, the weighted
//!   mixture of scenarios, sensitivity and break-even terms;
//! - [`input`]: CSV files to validated model types;
//! - [`report`]: CSV bytes, the terminal table, the manifest, charts and the HTML
//!   report, rendered from computed results.
//!
//! ## Example
//!
//! A scenario and a contract built in code, without CSV, and simulated:
//!
//! ```
//! use revshare::{Date, Dist, Metric, Scenario, ScenarioParam, Terms, simulate_scenario};
//!
//! let flat = Scenario::builder("flat")
//!     .horizon(Date::month_start(2031, 1)?)
//!     .set(ScenarioParam::Revenue0, Dist::constant(12.0)?)
//!     .build()?;
//! let capped = Terms::builder("capped")
//!     .share(Dist::constant(0.2)?)
//!     .end(Date::month_start(2031, 1)?)
//!     .cap(Dist::constant(38.0)?)
//!     .build()?;
//! let uncertain = Terms::builder("uncertain").share(Dist::uniform(0.1, 0.3)?).build()?;
//! // 12 $B a year for 5 years at 20%: 12 $B paid, under the cap; the uncertain
//! // share averages 20% too, within Monte Carlo error.
//! let r = simulate_scenario(&flat, &[capped, uncertain], 0, 42, 2000)?;
//! assert!((r.terms[0].metric(Metric::Paid).mean - 12.0).abs() < 1e-9);
//! let other = r.terms[1].metric(Metric::Paid);
//! assert!((other.mean - 12.0).abs() < 4.0 * other.se.unwrap());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Reproducibility contract
//!
//! Every random number of path `i` of scenario `s` is drawn from a xoshiro256++
//! generator whose state is derived from `i` and a key hashed from (seed, scenario
//! name, purpose) (see [`streams`]).
//! So the same seed gives byte-identical `summary.csv`, `deltas.csv`,
//! `outcomes.csv` and `annual.csv` for any thread count and chunking; every terms
//! row sees the same worlds; and adding, removing or reordering scenario or terms
//! rows changes no other row's numbers (a terms row's own random parameters are
//! keyed by its name).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod choice;
pub mod date;
pub mod dist;
pub mod engine;
pub mod error;
pub mod groups;
pub mod input;
pub mod mixture;
pub mod model;
pub mod periods;
pub mod report;
pub mod results;
pub mod stats;
pub mod streams;

pub use analysis::inputs::Explained;
pub use analysis::sensitivity::{Explanation, explain};
pub use analysis::solve::{Solution, SolveParam, Target, Worlds, solve};
pub use choice::Choice;
pub use date::Date;
pub use dist::Dist;
pub use engine::{Metric, PathTable, Plan};
pub use error::{Error, Invalid, Origin, Problem};
pub use input::{Source, read_scenarios, read_terms};
pub use model::{
    EndTerm, Scenario, ScenarioBuilder, ScenarioParam, Terms, TermsBuilder, TermsParam, Trigger, TriggerTerm,
};
pub use results::ScenarioResults;

/// Simulates `paths` paths of `scenario` under every row of `terms` on the current
/// rayon pool and computes the results, with `terms[baseline]` as the baseline of
/// the paired differences. Refuses a path whose numbers overflow (naming it and
/// its month), no paths, no terms row, or a baseline that is
/// not one of the rows.
pub fn simulate_scenario(
    scenario: &Scenario,
    terms: &[Terms],
    baseline: usize,
    seed: u64,
    paths: usize,
) -> Result<ScenarioResults, Error> {
    if paths == 0 {
        return Err(Problem::value_of("paths", "at least one path is needed").into());
    }
    if baseline >= terms.len() {
        let msg =
            format!("the baseline must be one of the {} terms rows (0 to {})", terms.len(), terms.len().max(1) - 1);
        return Err(Problem::value_of("baseline", msg).with_value(baseline.to_string()).into());
    }
    let plan = Plan::new(scenario, terms, seed);
    let acc = results::Accumulator::simulate(&plan, baseline, 0, paths, results::Budget::DEFAULT, &|_| {});
    let results = acc.finish(scenario.name(), terms);
    match results.overflow {
        Some(path) => Err(plan.overflow(path).into()),
        None => Ok(results),
    }
}
