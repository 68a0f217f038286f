//! `revshare report DIR`, and drawing the report of a result folder for every
//! command that writes one.

use super::output::OutputDir;
use revshare::report::OutputFile;
use revshare::report::html::{self, ReportData};
use revshare::{Choice, Error, Problem};
use std::path::{Path, PathBuf};

/// Renders `report.html` and the charts from the named output files.
pub fn render(files: &[(String, Vec<u8>)]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let get = |f: OutputFile| -> Result<Option<Vec<u8>>, Error> {
        Ok(files.iter().find(|(n, _)| n == f.name()).map(|(_, b)| b.clone()))
    };
    let rendered = html::render(&ReportData::read(&get)?)?;
    let mut out = vec![(OutputFile::Report.name().to_string(), rendered.html)];
    out.extend(rendered.charts);
    Ok(out)
}

/// Draws the report again from the files of an earlier run in `dir`, without
/// simulating: the same bytes the run wrote, plus a tornado chart when
/// `revshare sensitivity` has since written `sensitivity.csv` there.
pub fn redraw(dir: &Path) -> Result<PathBuf, Error> {
    if !dir.is_dir() {
        return Err(
            Problem::file(&dir.display().to_string(), "not a folder; name the --out folder of an earlier run").into()
        );
    }
    let files = folder_files(dir)?;
    let out = OutputDir::prepare(dir)?;
    out.commit(&render_in(dir, &files)?, &[])?;
    Ok(dir.join(OutputFile::Report.name()))
}

/// The files of the run in `dir` that its report is drawn from (its data files, and
/// `sensitivity.csv` when there is one), named as [`render`] takes them.
pub fn folder_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut files = Vec::new();
    for f in OutputFile::DATA {
        let path = dir.join(f.name());
        // Folders written before it existed have no scenario_deltas.csv.
        if f == OutputFile::ScenarioDeltas && !path.exists() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| {
            Problem::file(
                &path.display().to_string(),
                format!("cannot be read ({e}); is this the --out folder of a run?"),
            )
        })?;
        files.push((f.name().to_string(), bytes));
    }
    let sensitivity = dir.join(OutputFile::Sensitivity.name());
    if sensitivity.is_file() {
        let bytes = std::fs::read(&sensitivity).map_err(|e| Error::io(&sensitivity, e))?;
        files.push((OutputFile::Sensitivity.name().to_string(), bytes));
    }
    Ok(files)
}

/// [`render`] of the files of the run in `dir`: a problem in one of them names it
/// with its folder.
pub fn render_in(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let in_folder = |e: Error| match e {
        Error::Input(problems) => Error::Input(
            problems
                .into_iter()
                .map(|mut p| {
                    if let revshare::Origin::File(f) = &p.origin {
                        p.origin = revshare::Origin::File(dir.join(f).display().to_string());
                    }
                    p
                })
                .collect(),
        ),
        other => other,
    };
    render(files).map_err(in_folder)
}

/// `revshare report DIR`: returns the line to print.
pub fn command(dir: &Path) -> Result<String, Error> {
    let page = redraw(dir)?;
    Ok(format!("wrote {} and {}/charts/\n", page.display(), dir.display()))
}
