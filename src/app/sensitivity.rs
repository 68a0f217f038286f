//! `revshare sensitivity`: what drives a metric across the paths of one scenario,
//! and what makes each cap bind; writes `sensitivity.csv` and `cap_conditions.csv`.

use super::output::OutputDir;
use super::session::{Session, SimOptions};
use revshare::analysis::sensitivity::explain;
use revshare::report::OutputFile;
use revshare::{Choice, Error, Explained, Problem};
use std::fmt::Write;
use std::path::PathBuf;

/// Options of `revshare sensitivity`.
#[derive(Debug, Clone)]
pub struct SensitivityOptions {
    /// Inputs, paths, seed, threads.
    pub sim: SimOptions,
    /// Scenario analysed.
    pub scenario: String,
    /// What is explained.
    pub explained: Explained,
    /// Terms row explained.
    pub terms_row: Option<String>,
    /// Baseline of the paired differences.
    pub baseline: Option<String>,
    /// Output folder.
    pub out: PathBuf,
}

/// Runs `revshare sensitivity`: returns the text to print.
pub fn command(o: &SensitivityOptions) -> Result<String, Error> {
    let session = Session::open(&o.sim)?;
    let inputs = &session.inputs;
    let scenario = inputs.scenario(&o.scenario)?;
    let terms = &inputs.terms;
    let baseline = inputs.terms_row("--baseline", o.baseline.as_deref())?;
    let t = match &o.terms_row {
        Some(name) => inputs.terms_row("--terms-row", Some(name))?,
        None if o.explained.is_delta() => (0..terms.len()).find(|t| *t != baseline).unwrap_or(baseline),
        None => baseline,
    };
    if o.explained.is_delta() && t == baseline {
        return Err(
            Problem::option("--terms-row", "a paired difference needs a terms row other than the baseline").into()
        );
    }
    session.check_memory("sensitivity", [scenario], |s| session.table_bytes(s))?;
    let out = OutputDir::prepare(&o.out)?;
    let table = session.simulate(scenario, &|_| {});
    if let Some(path) = table.overflow() {
        out.abandon();
        return Err(session.plan(scenario, terms).overflow(path).into());
    }
    let e = session.pool.install(|| explain(&table, scenario, terms, o.explained, t, baseline));
    let (ranked, conditions) = revshare::report::csv::explanation(scenario.name(), terms, &e);
    let files = vec![
        (OutputFile::Sensitivity.name().to_string(), ranked),
        (OutputFile::CapConditions.name().to_string(), conditions),
    ];
    out.commit(&files, &[])?;
    let mut text = revshare::report::explanation::render(scenario.name(), terms, session.paths, session.seed, &e);
    let _ = write!(
        text,
        "\nwrote {} and {}",
        o.out.join(OutputFile::Sensitivity.name()).display(),
        o.out.join(OutputFile::CapConditions.name()).display()
    );
    let page = o.out.join(OutputFile::Report.name());
    if page.exists() {
        // The analysis is written; a report that cannot be redrawn is said, not fatal.
        let _ = match super::report::redraw(&o.out) {
            Ok(_) => write!(text, "; redrew {} with the tornado chart", page.display()),
            Err(err) => write!(text, "; could not redraw {}: {err}", page.display()),
        };
    }
    text.push('\n');
    Ok(text)
}
