//! Ctrl-C and SIGTERM in the middle of a command: nothing is left behind.
//!
//! Whatever a command creates before its results are complete is registered here:
//! the staging folder inside `--out`, the temporary `--per-path` file, and the
//! `--out` folder itself when the command created it. On an interrupt the handler
//! (the `ctrlc` crate's thread) removes them, says so, and exits with code 1, so
//! that `--out` is exactly as it was. Moving finished files into place is done
//! while holding the same lock, so an interrupt then waits until the results are
//! in place (and says that they are).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// What exists only until the command finishes.
struct Pending {
    /// Staging folders and temporary files, removed on an interrupt.
    temps: Vec<PathBuf>,
    /// Folders the command created, removed on an interrupt if empty.
    created: Vec<PathBuf>,
    /// Results moved into place by now, for the message.
    committed: Vec<PathBuf>,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending { temps: Vec::new(), created: Vec::new(), committed: Vec::new() });

fn pending() -> MutexGuard<'static, Pending> {
    // A panic while holding the lock cannot leave the lists inconsistent.
    PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Installs the handler of Ctrl-C and SIGTERM.
pub fn install() {
    // Without a handler (another one is installed) an interrupt ends the process
    // as it would anyway; nothing to report.
    let _ = ctrlc::set_handler(|| {
        let p = pending();
        for t in &p.temps {
            let _ = if t.is_dir() { std::fs::remove_dir_all(t) } else { std::fs::remove_file(t) };
        }
        for dir in p.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        if p.committed.is_empty() {
            eprintln!("error: interrupted; nothing was written");
        } else {
            let list: Vec<String> = p.committed.iter().map(|c| c.display().to_string()).collect();
            eprintln!("error: interrupted after the results were written to {}", list.join(", "));
        }
        std::process::exit(1);
    });
}

/// Registers a temporary file or folder to remove on an interrupt.
pub fn temp(path: &Path) {
    pending().temps.push(path.to_path_buf());
}

/// Registers a folder the command created, to remove (if empty) on an interrupt.
pub fn created(path: &Path) {
    pending().created.push(path.to_path_buf());
}

/// Holds off an interrupt while finished results are moved into place; once
/// [`Committing::succeeded`] the results in `dir` are complete.
pub struct Committing {
    guard: MutexGuard<'static, Pending>,
    dir: PathBuf,
    ok: bool,
}

impl Committing {
    /// Starts moving results into `dir`.
    pub fn start(dir: &Path) -> Committing {
        Committing { guard: pending(), dir: dir.to_path_buf(), ok: false }
    }

    /// Every file is in place.
    pub fn succeeded(&mut self) {
        self.ok = true;
    }

    /// Forgets a temporary file or folder while committing.
    pub fn done_with(&mut self, path: &Path) {
        self.guard.temps.retain(|t| t != path);
    }
}

impl Drop for Committing {
    fn drop(&mut self) {
        if self.ok {
            let dir = std::mem::take(&mut self.dir);
            // The folder now holds results: it is no longer only the command's.
            self.guard.created.retain(|c| *c != dir);
            self.guard.committed.push(dir);
        }
    }
}
