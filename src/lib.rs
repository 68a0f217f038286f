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
//! ## Data flow
//!
//! [`input`] parses and validates the scenario and terms files →
//! [`engine`] simulates every path of a scenario once and evaluates every terms
//! row on it ([`model`] holds the formulas, [`streams`] the keyed random numbers)
//! → [`results`] summarises the per-path table with [`stats`] → [`report`] renders
//! CSV files, the terminal table, the manifest, the charts and the HTML report →
//! [`output`] writes them atomically. [`run`] ties it together, with a
//! [`progress`] bar. [`analysis`] explains differences between contracts
//! (sensitivity, what makes a cap bind, break-even terms), [`analyze`] runs those
//! commands, and [`trace`] writes single paths (`--per-path`, `replay`).
//!
//! ## Example
//!
//! ```
//! use revshare::input::{Scenario, Source, Terms};
//! use revshare::run::simulate_scenario;
//!
//! let scenarios = Scenario::read_all(&Source {
//!     name: "s.csv".into(),
//!     bytes: b"name,revenue0,growth0,growth_inf\nflat,12,0,0\n".to_vec(),
//! })?;
//! let terms = Terms::read_all(&Source {
//!     name: "t.csv".into(),
//!     bytes: b"name,share,end,cap\ncapped,0.2,2031,38\n".to_vec(),
//! })?;
//! // 12 $B a year for 5 years at 20%: 12 $B paid, under the cap.
//! let r = simulate_scenario(&scenarios[0], &terms, 0, 42, 100);
//! assert!((r.terms[0].metric("paid").mean - 12.0).abs() < 1e-9);
//! # Ok::<(), revshare::error::Error>(())
//! ```
//!
//! ## Reproducibility contract
//!
//! Every random number of path `i` of scenario `s` is drawn from a ChaCha8 stream
//! keyed by (seed, scenario name, purpose) with stream number `i` (see [`streams`]).
//! So the same seed gives byte-identical `summary.csv`, `deltas.csv`,
//! `outcomes.csv` and `annual.csv` for any thread count and chunking; every terms
//! row sees the same worlds; and adding, removing or reordering scenario or terms
//! rows changes no other row's numbers (a terms row's own random parameters are
//! keyed by its name).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod analyze;
pub mod cli;
pub mod date;
pub mod dist;
pub mod engine;
pub mod error;
pub mod input;
pub mod model;
pub mod output;
pub mod progress;
pub mod report;
pub mod results;
pub mod run;
pub mod stats;
pub mod streams;
pub mod trace;
