//! The analysis commands: `sensitivity`, `solve` and `replay`, over a [`Session`].

use crate::analysis::inputs::{Metric, terms_inputs, uncertain_inputs};
use crate::analysis::sensitivity::{CapCondition, Sensitivity, cap_conditions, rank_inputs};
use crate::analysis::solve::{Solution, SolveMetric, SolveParam, Worlds, solve};
use crate::engine::Plan;
use crate::error::{Error, Problem};
use crate::output::OutputDir;
use crate::report::csv::Num;
use crate::run::{REPORT_FILE, Session, SimOptions};
use serde::Serialize;
use std::fmt::Write;
use std::path::PathBuf;

/// Name of the sensitivity file.
pub const SENSITIVITY_FILE: &str = "sensitivity.csv";
/// Name of the cap-conditions file.
pub const CAP_CONDITIONS_FILE: &str = "cap_conditions.csv";

/// Options of `revshare sensitivity`.
#[derive(Debug, Clone)]
pub struct SensitivityOptions {
    /// Inputs, paths, seed, threads.
    pub sim: SimOptions,
    /// Scenario analysed.
    pub scenario: String,
    /// `paid`, `net`, `pv`, `delta_net` or `delta_pv`.
    pub metric: String,
    /// Terms row explained.
    pub terms_row: Option<String>,
    /// Baseline of the paired differences.
    pub baseline: Option<String>,
    /// Output folder.
    pub out: PathBuf,
}

/// A row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[allow(missing_docs)]
pub struct SensitivityRow {
    pub scenario: String,
    pub terms: String,
    pub baseline: String,
    pub metric: String,
    pub metric_mean: Num,
    pub input: String,
    pub n: usize,
    pub rho: Num,
    pub rho_lo: Num,
    pub rho_hi: Num,
    pub mean_low_decile: Num,
    pub mean_high_decile: Num,
    pub variance_share: Num,
}

/// A row of `cap_conditions.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[allow(missing_docs)]
pub struct CapConditionRow {
    pub scenario: String,
    pub terms: String,
    pub input: String,
    pub n_binds: usize,
    pub mean_binds: Num,
    pub median_binds: Num,
    pub n_not: usize,
    pub mean_not: Num,
    pub median_not: Num,
}

fn short(v: f64) -> String {
    if v.is_infinite() { "never".to_string() } else { format!("{v:.3}") }
}

/// What `revshare sensitivity` found.
#[derive(Debug, Clone)]
pub struct SensitivityOutput {
    /// Inputs, most influential first.
    pub ranked: Vec<Sensitivity>,
    /// Inputs conditional on each cap binding or not.
    pub conditions: Vec<CapCondition>,
    /// The text for the terminal.
    pub text: String,
}

/// Runs `revshare sensitivity`.
pub fn sensitivity(o: &SensitivityOptions) -> Result<SensitivityOutput, Error> {
    let session = Session::open(&o.sim)?;
    let scenario = session.scenario(&o.scenario)?;
    let metric = Metric::parse(&o.metric).ok_or_else(|| Problem {
        value: Some(o.metric.clone()),
        ..Problem::file("--metric", format!("one of {}", Metric::NAMES.join(", ")))
    })?;
    let terms = &session.inputs.terms;
    let baseline = session.inputs.baseline(o.baseline.as_deref())?;
    let t = match &o.terms_row {
        Some(name) => session.terms_row("--terms-row", name)?,
        None if metric.is_delta() => (0..terms.len()).find(|t| *t != baseline).unwrap_or(baseline),
        None => baseline,
    };
    if metric.is_delta() && t == baseline {
        return Err(
            Problem::file("--terms-row", "a paired difference needs a terms row other than the baseline").into()
        );
    }
    let out = OutputDir::prepare(&o.out)?;
    let table = session.simulate(scenario, &|_| {});
    let values = metric.values(&table, t, baseline);
    let mut inputs = uncertain_inputs(scenario, terms, t, &table);
    if metric.is_delta() {
        // A paired difference also moves with the baseline's own random terms.
        inputs.extend(terms_inputs(terms, baseline, &table));
    }
    let ranked = session.pool.install(|| rank_inputs(&table, &inputs, &values));
    let metric_mean = values.iter().sum::<f64>() / values.len() as f64;
    let rows: Vec<SensitivityRow> = ranked
        .iter()
        .map(|s: &Sensitivity| SensitivityRow {
            scenario: scenario.name.clone(),
            terms: terms[t].name.clone(),
            baseline: terms[baseline].name.clone(),
            metric: metric.name().to_string(),
            metric_mean: metric_mean.into(),
            input: s.input.clone(),
            n: s.n,
            rho: s.rho.into(),
            rho_lo: s.rho_lo.into(),
            rho_hi: s.rho_hi.into(),
            mean_low_decile: s.mean_low.into(),
            mean_high_decile: s.mean_high.into(),
            variance_share: s.variance_share.into(),
        })
        .collect();
    let mut conditions: Vec<CapCondition> = Vec::new();
    for (c, row) in terms.iter().enumerate().filter(|(_, r)| r.has_cap()) {
        conditions.extend(cap_conditions(&table, c, &row.name, &uncertain_inputs(scenario, terms, c, &table)));
    }
    let condition_rows: Vec<CapConditionRow> = conditions
        .iter()
        .map(|c| CapConditionRow {
            scenario: scenario.name.clone(),
            terms: c.terms.clone(),
            input: c.input.clone(),
            n_binds: c.n_binds,
            mean_binds: c.mean_binds.into(),
            median_binds: c.median_binds.into(),
            n_not: c.n_not,
            mean_not: c.mean_not.into(),
            median_not: c.median_not.into(),
        })
        .collect();
    let files = vec![
        (SENSITIVITY_FILE.to_string(), crate::report::csv::write(&rows)),
        (CAP_CONDITIONS_FILE.to_string(), crate::report::csv::write(&condition_rows)),
    ];
    out.commit(&files, &[])?;
    let redrawn = o.out.join(REPORT_FILE).exists() && crate::run::report(&o.out).is_ok();

    let mut text = String::new();
    let what = if metric.is_delta() {
        format!("{} of {} minus {}", metric.name(), terms[t].name, terms[baseline].name)
    } else {
        format!("{} of {}", metric.name(), terms[t].name)
    };
    let _ = writeln!(
        text,
        "What drives {what} under `{}` ({} paths, seed {}): mean {metric_mean:.2} $B",
        scenario.name, session.paths, session.seed
    );
    let _ = writeln!(
        text,
        "{:<28} {:>24} {:>16} {:>16} {:>10}",
        "input", "Spearman rho [95% CI]", "mean, low 10%", "mean, high 10%", "var share"
    );
    for s in &ranked {
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
    for row in terms.iter().filter(|r| r.has_cap()) {
        let _ = writeln!(
            text,
            "\nWhen the cap of {} binds, and when it does not (medians; means in {CAP_CONDITIONS_FILE}):",
            row.name
        );
        let mine: Vec<&CapCondition> = conditions.iter().filter(|c| c.terms == row.name).collect();
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
        o.out.join(SENSITIVITY_FILE).display(),
        o.out.join(CAP_CONDITIONS_FILE).display(),
        if redrawn {
            format!("; redrew {} with the tornado chart", o.out.join(REPORT_FILE).display())
        } else {
            String::new()
        }
    );
    Ok(SensitivityOutput { ranked, conditions, text })
}

/// Options of `revshare solve`.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Inputs, paths, seed, threads.
    pub sim: SimOptions,
    /// Scenario whose paths are used.
    pub scenario: String,
    /// Row whose term is solved for.
    pub terms_row: String,
    /// `cap`, `share`, `end` or `cap_counted`.
    pub param: String,
    /// `equal-pv`, `equal-net` or a number.
    pub target: String,
    /// Row matched by `equal-*`.
    pub against: Option<String>,
    /// Metric of a numeric target: `net` or `pv`.
    pub metric: String,
}

fn describe(param: SolveParam, x: f64, start: f64) -> String {
    match param {
        SolveParam::End => {
            let year = start + x;
            let month = ((year.fract() * 12.0).floor() as u32 + 1).min(12);
            format!("{year:.4} (about {:04}-{month:02})", year.floor() as i32)
        }
        SolveParam::Share => format!("{x:.6}"),
        SolveParam::Cap | SolveParam::CapCounted => format!("{x:.4} $B"),
    }
}

/// Runs `revshare solve`; returns the solution and the text for the terminal.
pub fn solve_command(o: &SolveOptions) -> Result<(Solution, String), Error> {
    let session = Session::open(&o.sim)?;
    let scenario = session.scenario(&o.scenario)?;
    let t = session.terms_row("--terms-row", &o.terms_row)?;
    let against = match &o.against {
        Some(name) => session.terms_row("--against", name)?,
        None => 0,
    };
    let param = SolveParam::parse(&o.param).ok_or_else(|| Problem {
        value: Some(o.param.clone()),
        ..Problem::file("--param", "one of cap, share, end, cap_counted")
    })?;
    let (value, metric) = match o.target.as_str() {
        "equal-pv" => (None, SolveMetric::Pv),
        "equal-net" => (None, SolveMetric::Net),
        other => {
            let v: f64 = other.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| Problem {
                value: Some(other.to_string()),
                ..Problem::file("--target", "equal-pv, equal-net, or a number ($B)")
            })?;
            (Some(v), if o.metric == "net" { SolveMetric::Net } else { SolveMetric::Pv })
        }
    };
    if value.is_none() && t == against {
        return Err(Problem::file("--against", "the row cannot be matched against itself; name another row").into());
    }
    let terms = &session.inputs.terms;
    let plan = Plan::new(scenario, terms, session.seed);
    let solution = session.pool.install(|| {
        let worlds = Worlds::simulate(&plan, session.paths);
        solve(&worlds, t, against, value, param, metric)
    });
    let solution = solution.map_err(|m| Problem::file("--param", m))?;
    let start = plan.start_year;
    let target = match value {
        Some(v) => format!("a mean {} of {v} $B", metric.name()),
        None => format!("the mean {} of {} ({:.4} $B)", metric.name(), terms[against].name, solution.target),
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "scenario {}, {} paths, seed {}: the {} of {} at which it has {target}",
        scenario.name,
        session.paths,
        session.seed,
        param.name(),
        terms[t].name
    );
    if solution.reachable {
        let ci = match solution.ci {
            Some((lo, hi)) => format!("95% CI {} to {}", describe(param, lo, start), describe(param, hi, start)),
            None => "95% CI unbounded: the mean does not move with the term here".to_string(),
        };
        let _ = writeln!(text, "{} = {}", param.name(), describe(param, solution.value, start));
        let _ = writeln!(
            text,
            "  {ci} (delta method: standard error of the mean difference {:.4} $B, slope {:.4} per unit)",
            solution.se, solution.slope
        );
        let _ = writeln!(text, "  mean {} there: {:.4} $B", metric.name(), solution.achieved);
    } else {
        let _ = writeln!(
            text,
            "no {} in [{}, {}] reaches the target: the mean {} ranges from {:.4} to {:.4} $B",
            param.name(),
            describe(param, solution.domain.0, start),
            describe(param, solution.domain.1, start),
            metric.name(),
            solution.range.0,
            solution.range.1
        );
        let _ = writeln!(
            text,
            "  nearest: {} = {}, mean {} {:.4} $B against a target of {:.4} $B",
            param.name(),
            describe(param, solution.value, start),
            metric.name(),
            solution.achieved,
            solution.target
        );
    }
    Ok((solution, text))
}

/// Runs `revshare replay`.
pub fn replay_command(sim: &SimOptions, scenario: &str, path: u64) -> Result<String, Error> {
    let session = Session::open(&SimOptions { paths: 1, ..sim.clone() })?;
    let s = session.scenario(scenario)?;
    let plan = Plan::new(s, &session.inputs.terms, session.seed);
    Ok(crate::trace::replay(&plan, &s.name, &session.inputs.terms, session.seed, path))
}
