//! `revshare replay`: one path month by month, with the numbers the run computed.

use super::session::{Session, SimOptions};
use revshare::Error;

/// Returns the text to print. A path depends only on the seed, the scenario and
/// its index, so `sim.paths` is not used.
pub fn command(sim: &SimOptions, scenario: &str, path: u64) -> Result<String, Error> {
    let session = Session::open(&SimOptions { paths: 1, ..sim.clone() })?;
    let s = session.inputs.scenario(scenario)?;
    let terms = &session.inputs.terms;
    let plan = session.plan(s, terms);
    let trace = plan.trace(path);
    Ok(revshare::report::replay::render(&plan, s.name(), terms, session.seed, &trace))
}
