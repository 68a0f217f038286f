//! A progress bar on stderr for long runs (indicatif).
//!
//! The bar stays hidden for the first second, so short runs print nothing; it is
//! never drawn when stderr is not a terminal or when the user asked for quiet. It
//! is advanced once per chunk of paths, not per path.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a run must take before the bar appears.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Paths per second without decimals.
fn rate(state: &ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = write!(w, "{:.0} paths/s", state.per_sec());
}

/// Progress over all the paths of a run.
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    shown: AtomicBool,
    enabled: bool,
}

impl Progress {
    /// A bar over `total` paths; `enabled = false` never draws it.
    pub fn new(total: u64, enabled: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let style =
            ProgressStyle::with_template("{msg:>14} [{bar:32}] {human_pos}/{human_len} paths  {rate}  {eta} left")
                .map(|s| s.progress_chars("=> ").with_key("rate", rate))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Progress { bar, start: Instant::now(), shown: AtomicBool::new(false), enabled }
    }

    /// Names what is being simulated.
    pub fn set_scenario(&self, name: &str) {
        self.bar.set_message(name.to_string());
    }

    /// Names what is being simulated and where it stands.
    pub fn set_status(&self, text: String) {
        self.bar.set_message(text);
    }

    /// Records `n` more paths done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        if self.enabled && self.start.elapsed() >= SHOW_AFTER && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
