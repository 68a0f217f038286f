//! The application layer of the `revshare` binary: one module per command over
//! one shared [`session::Session`], and the policies the library leaves to it:
//! which files a command writes and how (staged, then renamed into place:
//! [`output`]), the `--per-path` stream ([`per_path`]) and the progress bar
//! ([`progress`]). Each command takes typed options and returns the text to print;
//! `main` prints it or turns the error into a message and an exit code.

pub mod check;
pub mod interrupt;
pub mod merge;
pub mod output;
pub mod part;
pub mod per_path;
pub mod progress;
pub mod replay;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod session;
pub mod shard;
pub mod solve;
