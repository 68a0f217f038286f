//! The `--per-path` file: streamed, block by block in path order, to a temporary
//! file beside its target while the run goes on, and renamed into place only when
//! the run succeeds.

use revshare::engine::{Block, Layout};
use revshare::report::per_path;
use revshare::{Error, Problem, Terms};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Whether `path` begins with the header of a `--per-path` file (an earlier
/// run's, which a new one may replace), or is empty.
fn written_by_us(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 32];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(usize::MAX);
    n == 0 || (n != usize::MAX && head[..n].starts_with(per_path::HEADER_START.as_bytes()))
}

/// The `--per-path` file being written.
pub struct PerPathWriter {
    target: PathBuf,
    temp: tempfile::NamedTempFile,
    csv: Option<csv::Writer<BufWriter<std::fs::File>>>,
}

impl PerPathWriter {
    /// Checks that `target` can be written (before anything is simulated).
    pub fn create(target: &Path) -> Result<PerPathWriter, Error> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if target.is_dir() {
            return Err(
                Problem::option("--per-path", format!("`{}` is a folder; name a file", target.display())).into()
            );
        }
        super::output::check_regular(target)?;
        if target.exists() && !written_by_us(target) {
            let msg = format!(
                "`{}` exists and is not a --per-path file written by revshare; move it or name another file",
                target.display()
            );
            return Err(Problem::option("--per-path", msg).with_value(target.display().to_string()).into());
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(".revshare-per-path-");
        // The mode of the file it replaces, or that of the other result files.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode() & 0o777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let temp = builder.tempfile_in(&parent).map_err(|e| {
            Problem::option("--per-path", format!("cannot write a file in `{}`: {}", parent.display(), e.kind()))
                .with_value(target.display().to_string())
        })?;
        super::interrupt::temp(temp.path());
        Ok(PerPathWriter { target: target.to_path_buf(), temp, csv: None })
    }

    fn io(&self) -> impl Fn(csv::Error) -> Error + '_ {
        |e| Error::io(&self.target, e.into())
    }

    /// Appends the paths of one block of a scenario (blocks come in path order).
    pub fn write(&mut self, scenario: &str, terms: &[Terms], layout: Layout, block: &Block) -> Result<(), Error> {
        if self.csv.is_none() {
            let file = self.temp.reopen().map_err(|e| Error::io(&self.target, e))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(file));
            w.write_record(per_path::header(&layout)).map_err(self.io())?;
            self.csv = Some(w);
        }
        let target = self.target.clone();
        if let Some(w) = self.csv.as_mut() {
            for rec in per_path::records(scenario, terms, layout, block) {
                w.write_record(&rec).map_err(|e| Error::io(&target, e.into()))?;
            }
        }
        Ok(())
    }

    /// Flushes the file and moves it to its name.
    pub fn finish(mut self) -> Result<(), Error> {
        if let Some(w) = self.csv.take() {
            let mut inner = w.into_inner().map_err(|e| Error::io(&self.target, e.into_error()))?;
            inner.flush().map_err(|e| Error::io(&self.target, e))?;
        }
        let mut committing = super::interrupt::Committing::start(&self.target);
        let temp = self.temp.path().to_path_buf();
        self.temp.persist(&self.target).map_err(|e| Error::io(&self.target, e.error))?;
        committing.done_with(&temp);
        committing.succeeded();
        Ok(())
    }
}
