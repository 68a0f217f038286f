//! `manifest.json`: what produced a result folder, so it can be traced and re-run.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// One input file and its hash.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// `scenarios` or `terms`.
    pub role: String,
    /// The file as named by the user (or the built-in name).
    pub file: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

impl InputFile {
    /// Describes `bytes` read from `file`.
    pub fn new(role: &str, file: &str, bytes: &[u8]) -> InputFile {
        let digest = Sha256::digest(bytes);
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        InputFile { role: role.to_string(), file: file.to_string(), sha256 }
    }
}

/// The contents of `manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Program name.
    pub program: String,
    /// Program version.
    pub version: String,
    /// Seed of the run.
    pub seed: u64,
    /// Paths per scenario.
    pub paths: usize,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Paths per work chunk (results do not depend on it).
    pub chunk_paths: usize,
    /// Baseline terms row.
    pub baseline: String,
    /// The input files.
    pub inputs: Vec<InputFile>,
    /// The random-number scheme.
    pub rng: String,
    /// Quantile definition.
    pub quantiles: String,
    /// Wall time of the simulation and statistics, seconds.
    pub wall_seconds: f64,
}

impl Manifest {
    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a manifest always serializes");
        v.push(b'\n');
        v
    }
}
