//! Rendering already-computed results: the CSV files, the terminal table, the
//! manifest, the charts, the HTML report, the per-path rows, a replayed path, and
//! the answers of `sensitivity` and `solve`.
//! Nothing here simulates or computes statistics; the report is drawn from the
//! output files alone. Every output file is named once, by [`OutputFile`].

pub mod charts;
pub mod check;
mod compact;
pub mod csv;
pub mod explanation;
pub mod html;
pub mod manifest;
pub mod per_path;
pub mod readings;
pub mod replay;
pub mod solution;
pub mod sweeps;
pub mod table;

use crate::choice::Choice;

/// The files a result folder holds, each named here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFile {
    /// `summary.csv`: distributions of every metric.
    Summary,
    /// `deltas.csv`: paired differences against the baseline.
    Deltas,
    /// `scenario_deltas.csv`: paired differences between scenario rows sharing a stream.
    ScenarioDeltas,
    /// `outcomes.csv`: cap and end-cause probabilities.
    Outcomes,
    /// `annual.csv`: per calendar year fans.
    Annual,
    /// `curves.csv`: the data of the charts.
    Curves,
    /// `manifest.json`: what produced the folder.
    Manifest,
    /// `report.html`: the page.
    Report,
    /// `sensitivity.csv`: written by `revshare sensitivity`.
    Sensitivity,
    /// `cap_conditions.csv`: written by `revshare sensitivity`.
    CapConditions,
}

impl Choice for OutputFile {
    const ALL: &'static [OutputFile] = &[
        OutputFile::Summary,
        OutputFile::Deltas,
        OutputFile::ScenarioDeltas,
        OutputFile::Outcomes,
        OutputFile::Annual,
        OutputFile::Curves,
        OutputFile::Manifest,
        OutputFile::Report,
        OutputFile::Sensitivity,
        OutputFile::CapConditions,
    ];

    fn name(self) -> &'static str {
        match self {
            OutputFile::Summary => "summary.csv",
            OutputFile::Deltas => "deltas.csv",
            OutputFile::ScenarioDeltas => "scenario_deltas.csv",
            OutputFile::Outcomes => "outcomes.csv",
            OutputFile::Annual => "annual.csv",
            OutputFile::Curves => "curves.csv",
            OutputFile::Manifest => "manifest.json",
            OutputFile::Report => "report.html",
            OutputFile::Sensitivity => "sensitivity.csv",
            OutputFile::CapConditions => "cap_conditions.csv",
        }
    }
}

impl OutputFile {
    /// The data files of a run, in the order they are written; the report is drawn
    /// from them alone (a folder written before `scenario_deltas.csv` existed has
    /// none, and its report draws without it).
    pub const DATA: [OutputFile; 7] = [
        OutputFile::Summary,
        OutputFile::Deltas,
        OutputFile::ScenarioDeltas,
        OutputFile::Outcomes,
        OutputFile::Annual,
        OutputFile::Curves,
        OutputFile::Manifest,
    ];

    /// The files of an analysis of a run's paths, stale once the folder holds a new run.
    pub const ANALYSIS: [OutputFile; 2] = [OutputFile::Sensitivity, OutputFile::CapConditions];
}

/// The folder of the chart SVGs inside a result folder.
pub const CHARTS_DIR: &str = "charts";
