//! `revshare check`: validate both files and print every row as parsed.

use super::session::Inputs;
use revshare::Error;
use std::path::PathBuf;

/// Returns the listing to print; simulates nothing and writes nothing.
pub fn command(scenarios: &PathBuf, terms: Option<&PathBuf>, correlations: Option<&PathBuf>) -> Result<String, Error> {
    let inputs = Inputs::load(Some(scenarios), terms)?.correlate(correlations)?;
    Ok(revshare::report::check::render(
        &inputs.scenario_source.name,
        &inputs.scenarios,
        &inputs.terms_source.name,
        &inputs.terms,
    ))
}
