//! `revshare sensitivity`: what drives a metric across the paths of one scenario,
//! and what makes each cap bind; writes `sensitivity.csv` and `cap_conditions.csv`.

use super::output::OutputDir;
use super::session::{Session, SimOptions};
use revshare::analysis::sensitivity::{CapCondition, Explanation, explain};
use revshare::report::OutputFile;
use revshare::{Choice, Error, Explained, Problem, Terms};
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

fn short(v: f64) -> String {
    if v.is_infinite() { "never".to_string() } else { format!("{v:.3}") }
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
    let out = OutputDir::prepare(&o.out)?;
    let table = session.simulate(scenario, &|_| {});
    let e = session.pool.install(|| explain(&table, scenario, terms, o.explained, t, baseline));
    let (ranked, conditions) = revshare::report::csv::explanation(scenario.name(), terms, &e);
    let files = vec![
        (OutputFile::Sensitivity.name().to_string(), ranked),
        (OutputFile::CapConditions.name().to_string(), conditions),
    ];
    out.commit(&files, &[])?;
    let redrawn = o.out.join(OutputFile::Report.name()).exists() && super::report::redraw(&o.out).is_ok();
    Ok(text(o, &session, scenario.name(), terms, &e, redrawn))
}

/// The terminal text: the ranking, then each cap's conditions.
fn text(
    o: &SensitivityOptions,
    session: &Session,
    scenario: &str,
    terms: &[Terms],
    e: &Explanation,
    redrawn: bool,
) -> String {
    let mut text = String::new();
    let (row, baseline) = (terms[e.terms].name(), terms[e.baseline].name());
    let what = if e.explained.is_delta() {
        format!("{} of {row} minus {baseline}", e.explained.name())
    } else {
        format!("{} of {row}", e.explained.name())
    };
    let _ = writeln!(
        text,
        "What drives {what} under `{scenario}` ({} paths, seed {}): mean {:.2} $B",
        session.paths, session.seed, e.mean
    );
    let _ = writeln!(
        text,
        "{:<28} {:>24} {:>16} {:>16} {:>10}",
        "input", "Spearman rho [95% CI]", "mean, low 10%", "mean, high 10%", "var share"
    );
    for s in &e.ranked {
        let _ = writeln!(
            text,
            "{:<28} {:>24} {:>16.2} {:>16.2} {:>9.1}%",
            s.input,
            format!("{:+.3} [{:+.3}, {:+.3}]", s.rho, s.rho_lo, s.rho_hi),
            s.mean_low,
            s.mean_high,
            100.0 * s.variance_share
        );
    }
    let cap_file = OutputFile::CapConditions.name();
    for capped in terms.iter().filter(|r| r.cap().is_some()) {
        let _ = writeln!(
            text,
            "\nWhen the cap of {} binds, and when it does not (medians; means in {cap_file}):",
            capped.name()
        );
        let mine: Vec<&CapCondition> = e.conditions.iter().filter(|c| c.terms == capped.name()).collect();
        if let Some(first) = mine.first() {
            let _ = writeln!(
                text,
                "{:<28} {:>16} {:>16}",
                "input",
                format!("binds ({})", first.n_binds),
                format!("not ({})", first.n_not)
            );
        }
        for c in mine {
            let _ = writeln!(text, "{:<28} {:>16} {:>16}", c.input, short(c.median_binds), short(c.median_not));
        }
    }
    let _ = writeln!(
        text,
        "\nwrote {} and {}{}",
        o.out.join(OutputFile::Sensitivity.name()).display(),
        o.out.join(cap_file).display(),
        if redrawn {
            format!("; redrew {} with the tornado chart", o.out.join(OutputFile::Report.name()).display())
        } else {
            String::new()
        }
    );
    text
}
