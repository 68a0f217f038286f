//! `revshare sensitivity`: what drives a metric across the paths of one scenario,
//! and what makes each cap bind; writes `sensitivity.csv` and `cap_conditions.csv`.

use super::output::OutputDir;
use super::session::{Session, SimOptions};
use revshare::analysis::sensitivity::{Explanation, explain, explain_pooled};
use revshare::engine::{self, CHUNK_PATHS};
use revshare::mixture::MIXTURE;
use revshare::report::OutputFile;
use revshare::{Choice, Error, Explained, Problem, Scenario};
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
    let mixture = o.scenario == MIXTURE;
    let scenario = if mixture { weighted(inputs)?[0].0 } else { inputs.scenario(&o.scenario)? };
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
    let (name, e, composition) = if mixture {
        let (e, composition) = explain_mixture(&session, o, t, baseline).inspect_err(|_| out.abandon())?;
        (MIXTURE, e, composition)
    } else {
        let table = session.simulate(scenario, &|_| {});
        if let Some(path) = table.overflow() {
            out.abandon();
            return Err(session.plan(scenario, terms).overflow(path).into());
        }
        let e = session.pool.install(|| explain(&table, scenario, terms, o.explained, t, baseline));
        (scenario.name(), e, String::new())
    };
    let (ranked, conditions) = revshare::report::csv::explanation(name, terms, &e);
    let mut files = vec![
        (OutputFile::Sensitivity.name().to_string(), ranked),
        (OutputFile::CapConditions.name().to_string(), conditions),
    ];
    // A report already in the folder is redrawn with the tornado chart and written
    // with the analysis, all or nothing: never an analysis beside a report that
    // does not show it.
    let page = o.out.join(OutputFile::Report.name());
    let redraw = std::fs::symlink_metadata(&page).is_ok();
    let written = if redraw {
        report_with(&o.out, &files)
            .and_then(|report| {
                files.extend(report);
                out.commit(&files, &[])
            })
            .map_err(|err| -> Error {
                let msg = format!(
                    "could not be redrawn with the new analysis, so nothing was written (neither {} nor {}): {err}",
                    OutputFile::Sensitivity.name(),
                    OutputFile::CapConditions.name()
                );
                Problem::file(&page.display().to_string(), msg).into()
            })
    } else {
        out.commit(&files, &[])
    };
    written.inspect_err(|_| out.abandon())?;
    let mut text = revshare::report::explanation::render(name, terms, session.paths, session.seed, &e);
    text.push_str(&composition);
    let _ = write!(
        text,
        "\nwrote {} and {}",
        o.out.join(OutputFile::Sensitivity.name()).display(),
        o.out.join(OutputFile::CapConditions.name()).display()
    );
    if redraw {
        let _ = write!(text, "; redrew {} with the tornado chart", page.display());
    }
    text.push('\n');
    Ok(text)
}

/// The report of the run in `dir` drawn with the analysis `files` (its new
/// `sensitivity.csv` in place of any there): `report.html` and the charts.
fn report_with(dir: &std::path::Path, files: &[(String, Vec<u8>)]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let sensitivity = OutputFile::Sensitivity.name();
    let mut data = super::report::folder_files(dir)?;
    data.retain(|(n, _)| n != sensitivity);
    data.extend(files.iter().filter(|(n, _)| n == sensitivity).cloned());
    super::report::render_in(dir, &data)
}

/// The scenario rows with a weight and their weights; an error naming
/// `--scenario` when there are none.
fn weighted(inputs: &super::session::Inputs) -> Result<Vec<(&Scenario, f64)>, Error> {
    let rows: Vec<(&Scenario, f64)> =
        inputs.scenarios.iter().filter(|s| s.weight() > 0.0).map(|s| (s, s.weight())).collect();
    if rows.is_empty() {
        let msg = format!("no row of {} has a weight, so there is no mixture", inputs.scenario_source.name);
        return Err(Problem::option("--scenario", msg).with_value(MIXTURE).into());
    }
    Ok(rows)
}

/// Paths per weighted row, in proportion to the weights and `total` in all (the
/// largest remainders get the paths rounding leaves over; ties to the earlier row).
pub fn proportional_paths(weights: &[f64], total: usize) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut paths: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| (exact[*b] - exact[*b].floor()).total_cmp(&(exact[*a] - exact[*a].floor())).then(a.cmp(b)));
    let left = total - paths.iter().sum::<usize>();
    order.iter().take(left).for_each(|i| paths[*i] += 1);
    paths
}

/// `sensitivity --scenario mixture`: each weighted row simulated with paths in
/// proportion to its weight (`--paths` in all: its first paths, the same as a
/// run's), pooled so that every path weighs the same; with a line saying how the
/// paths were shared.
fn explain_mixture(
    session: &Session,
    o: &SensitivityOptions,
    t: usize,
    baseline: usize,
) -> Result<(Explanation, String), Error> {
    let rows = weighted(&session.inputs)?;
    let terms = &session.inputs.terms;
    let weights: Vec<f64> = rows.iter().map(|(_, w)| *w).collect();
    let paths = proportional_paths(&weights, session.paths);
    let mut tables = Vec::new();
    for ((s, _), n) in rows.iter().zip(&paths).filter(|(_, n)| **n > 0) {
        let plan = session.plan(s, terms);
        let table = session.pool.install(|| engine::simulate_observed(&plan, *n, CHUNK_PATHS, &|_| {}));
        if let Some(path) = table.overflow() {
            return Err(plan.overflow(path).into());
        }
        tables.push((*s, table));
    }
    let parts: Vec<(&Scenario, &revshare::PathTable)> = tables.iter().map(|(s, t)| (*s, t)).collect();
    let e = session.pool.install(|| explain_pooled(&parts, terms, o.explained, t, baseline));
    let shares: Vec<String> =
        rows.iter().zip(&paths).map(|((s, w), n)| format!("{} (weight {w}): {n} paths", s.name())).collect();
    let composition = format!(
        "The mixture's paths are the weighted rows' first paths in proportion to the weights, so each weighs the \
         same: {}.\n",
        shares.join(", ")
    );
    Ok((e, composition))
}

#[cfg(test)]
mod tests {
    use super::proportional_paths;

    #[test]
    fn paths_follow_the_weights_and_add_up() {
        assert_eq!(proportional_paths(&[1.0, 2.0, 1.0], 400), [100, 200, 100]);
        assert_eq!(proportional_paths(&[50.0, 25.0, 25.0], 1001), [501, 250, 250]);
        assert_eq!(proportional_paths(&[1.0, 1.0, 1.0], 10), [4, 3, 3]);
        assert_eq!(proportional_paths(&[1.0, 1000.0], 10), [0, 10]);
    }
}
