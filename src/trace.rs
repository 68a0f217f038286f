//! Single paths: the `--per-path` file (one row per path and terms row, streamed to
//! disk) and `revshare replay`, which prints one path month by month with the very
//! numbers the run computed for it.

use crate::analysis::inputs::all_inputs;
use crate::engine::{Layout, PathTable, Plan, TermsField};
use crate::error::{Error, Problem};
use crate::input::Terms;
use crate::model::contract::{EndCause, MonthFlow};
use crate::report::csv::Num;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The per-path result columns, before the inputs.
pub const RESULT_COLUMNS: [&str; 10] =
    ["scenario", "path", "terms", "paid", "received", "net", "pv", "end_year", "end_cause", "cap_year"];

/// The totals of terms row `t` on one path, as `(column, text)` in file order.
pub fn totals(layout: &Layout, row: &[f64], t: usize) -> Vec<(&'static str, String)> {
    let v = |f: TermsField| row[layout.terms_field(t, f)];
    vec![
        ("paid", Num::from(v(TermsField::Paid)).to_string()),
        ("received", Num::from(v(TermsField::Received)).to_string()),
        ("net", Num::from(v(TermsField::Net)).to_string()),
        ("pv", Num::from(v(TermsField::Pv)).to_string()),
        ("end_year", Num::from(v(TermsField::EndYear)).to_string()),
        ("end_cause", EndCause::from_code(v(TermsField::Cause)).name().to_string()),
        ("cap_year", Num::from(v(TermsField::CapYear)).to_string()),
    ]
}

/// The `--per-path` file, written to a temporary file beside its target and
/// renamed into place by [`PerPathWriter::finish`], so a failed run leaves no
/// half-written file.
pub struct PerPathWriter {
    target: PathBuf,
    temp: tempfile::NamedTempFile,
    csv: Option<csv::Writer<BufWriter<std::fs::File>>>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

impl PerPathWriter {
    /// Checks that `target` can be written (before anything is simulated).
    pub fn create(target: &Path) -> Result<PerPathWriter, Error> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if target.is_dir() {
            return Err(Problem::file("--per-path", format!("`{}` is a folder; name a file", target.display())).into());
        }
        let temp =
            tempfile::Builder::new().prefix(".revshare-per-path-").tempfile_in(&parent).map_err(|e| Problem {
                value: Some(target.display().to_string()),
                ..Problem::file("--per-path", format!("cannot write a file in `{}`: {}", parent.display(), e.kind()))
            })?;
        Ok(PerPathWriter { target: target.to_path_buf(), temp, csv: None })
    }

    /// Appends every path of one scenario.
    pub fn write(&mut self, scenario: &str, terms: &[Terms], table: &PathTable) -> Result<(), Error> {
        let l = table.layout;
        if self.csv.is_none() {
            let file = self.temp.reopen().map_err(io(&self.target))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(file));
            let header =
                RESULT_COLUMNS.iter().map(|c| c.to_string()).chain(all_inputs(&l, 0).into_iter().map(|c| c.name));
            w.write_record(header.collect::<Vec<_>>()).map_err(|e| Error::io(&self.target, e.into()))?;
            self.csv = Some(w);
        }
        let w = self.csv.as_mut().expect("created above");
        let inputs: Vec<_> = (0..terms.len()).map(|t| all_inputs(&l, t)).collect();
        for i in 0..table.paths {
            let row = table.row(i);
            for (t, row_terms) in terms.iter().enumerate() {
                let mut rec = vec![scenario.to_string(), i.to_string(), row_terms.name.clone()];
                rec.extend(totals(&l, &row, t).into_iter().map(|(_, v)| v));
                rec.extend(inputs[t].iter().map(|c| Num::from(row[c.column]).to_string()));
                w.write_record(&rec).map_err(|e| Error::io(&self.target, e.into()))?;
            }
        }
        Ok(())
    }

    /// Flushes the file and moves it to its name.
    pub fn finish(mut self) -> Result<(), Error> {
        if let Some(w) = self.csv.take() {
            let mut inner = w.into_inner().map_err(|e| Error::io(&self.target, e.into_error()))?;
            inner.flush().map_err(io(&self.target))?;
        }
        self.temp.persist(&self.target).map_err(|e| Error::io(&self.target, e.error))?;
        Ok(())
    }
}

/// `revshare replay`: path `path` of `plan`, month by month, then each terms row's
/// totals formatted exactly as in the `--per-path` file.
pub fn replay(plan: &Plan<'_>, scenario: &str, terms: &[Terms], seed: u64, path: u64) -> String {
    let l = plan.layout;
    let mut ws = plan.workspace();
    let mut row = vec![0.0; l.stride()];
    let mut run_rate = vec![0.0; plan.months()];
    // Month-by-month flows of each row, from the run's own evaluation of the path.
    let mut months: Vec<Vec<Option<MonthFlow>>> = vec![vec![None; plan.months()]; terms.len()];
    let (p, events, growth) =
        plan.simulate_path_traced(path, &mut ws, &mut row, Some(&mut run_rate), |t, m| months[t][m.month] = Some(m));
    let start = plan.start_year;
    let when = |t: f64| if t.is_finite() { format!("{:.3}", start + t) } else { "never".to_string() };
    let mut out = String::new();
    let _ = writeln!(out, "scenario {scenario}, path {path}, seed {seed}");
    let _ = writeln!(
        out,
        "AGI declared {}, verified {}; OpenAI fails {}; realised revenue growth {:.4}; ms_ratio {}; discount rate {}",
        when(events.declared),
        when(events.verified),
        when(events.failure),
        growth,
        p.ms_ratio,
        p.discount_rate
    );
    let mut header = format!("{:<8} {:>10} {:>10} {:<6}", "month", "run-rate", "earned", "events");
    for t in terms {
        let _ = write!(header, " | {:>26}", format!("{}: paid / received / paid so far / cap room", t.name));
    }
    let _ = writeln!(out, "{header}");
    for k in 0..plan.months() {
        let u = crate::model::month_start(k);
        let next = crate::model::month_start(k + 1);
        let mut marks = String::new();
        for (flag, t) in [('D', events.declared), ('V', events.verified), ('F', events.failure)] {
            if (u..next).contains(&t) {
                marks.push(flag);
            }
        }
        let _ = write!(out, "{:<8} {:>10.4} {:>10.4} {:<6}", plan.month_label(k), run_rate[k], ws.monthly[k], marks);
        for flows in &months {
            match flows[k] {
                Some(m) => {
                    let room = if m.room.is_finite() { format!("{:.4}", m.room) } else { "-".to_string() };
                    let _ = write!(out, " | {:>9.4} {:>9.4} {:>9.4} {:>9}", m.paid, m.received, m.cum_paid, room);
                }
                None => {
                    let _ = write!(out, " | {:>9} {:>9} {:>9} {:>9}", "-", "-", "-", "-");
                }
            }
        }
        out.push('\n');
    }
    for (t, terms_row) in terms.iter().enumerate() {
        let fields: Vec<String> = totals(&l, &row, t).into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(out, "totals {}: {}", terms_row.name, fields.join(" "));
    }
    out
}
