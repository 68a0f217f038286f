//! A partial result: what `revshare run --shard I/N` writes and `revshare merge`
//! reads.
//!
//! A shard of a run computes the blocks of [`CHUNK_PATHS`] paths of every scenario
//! that [`Shard::blocks`] gives it (a contiguous range: block `b` of `B` belongs to
//! the shard `I` with `floor(I B / N) <= b < floor((I + 1) B / N)`), so every block
//! is computed by exactly one shard, and a block's paths are the run's. Its folder
//! holds two files:
//!
//! - `part.json` ([`PartManifest`]): which shard of which run: the inputs (named
//!   and hashed, SHA-256), the seed, the paths, the periods, the sweeps, the
//!   baseline, the shard and its blocks, and the SHA-256 of `state.bin`. The merge
//!   compares these across the parts before it reads any state.
//! - `state.bin` ([`PartState`]): the magic bytes `REVSHARD`, the format version
//!   as a little-endian `u32`, then the state in `postcard` (a compact, versioned
//!   serde encoding: integers as varints, each `f64` as its 8 little-endian bytes, so
//!   every bit of every value, NaN and -0 included, comes back): copies of both input
//!   files and the mergeable state of every statistic of every stream group (kept
//!   values, sketches, exact sums, counts), as the run's worker threads hold it.

use revshare::Choice;
use revshare::engine::CHUNK_PATHS;
use revshare::groups::GroupAccumulator;
use revshare::input::{Source, Sweep};
use revshare::report::OutputFile;
use revshare::report::manifest::InputFile;
use revshare::{Error, Problem};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::Path;

/// The folder file that says which shard of which run a part is.
pub const MANIFEST_FILE: &str = "part.json";
/// The folder file with the shard's statistics.
pub const STATE_FILE: &str = "state.bin";
/// What `part.json`'s `format` says.
pub const FORMAT: &str = "revshare-part";
/// The version of the part format; a merge refuses parts of another. Version 2
/// keeps a series' exact values as a list of parts (one per accumulator merged in).
pub const FORMAT_VERSION: u32 = 2;
/// The first bytes of `state.bin`.
const MAGIC: &[u8; 8] = b"REVSHARD";
/// The most shards a run may be split into.
pub const MAX_SHARDS: usize = 1_000_000;

/// Shard `index` of `count` (`--shard I/N`, 0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 0 to `count - 1`.
    pub index: usize,
    /// How many shards the run is split into.
    pub count: usize,
}

impl Shard {
    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let form = "expected I/N: shard I (0 to N-1) of N, e.g. 0/4";
        let (i, n) = text.trim().split_once('/').ok_or_else(|| form.to_string())?;
        let number = |s: &str| s.trim().parse::<usize>().map_err(|_| form.to_string());
        let (index, count) = (number(i)?, number(n)?);
        if count == 0 {
            return Err(format!("0 shards: N must be at least 1; {form}"));
        }
        if count > MAX_SHARDS {
            return Err(format!("at most {MAX_SHARDS} shards"));
        }
        if index >= count {
            return Err(format!(
                "there is no shard {index} of {count}: shards are numbered from 0 to {} (I/N takes I below N)",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// The blocks of a run of `paths` paths this shard computes.
    pub fn blocks(self, paths: usize) -> Range<usize> {
        let blocks = paths.div_ceil(CHUNK_PATHS) as u128;
        let at = |i: usize| (i as u128 * blocks / self.count as u128) as usize;
        at(self.index)..at(self.index + 1)
    }

    /// The paths of those blocks.
    pub fn paths(self, paths: usize) -> usize {
        let b = self.blocks(paths);
        (b.end * CHUNK_PATHS).min(paths) - (b.start * CHUNK_PATHS).min(paths)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A `--vary` or `--vary-terms` option, as a part records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// `--vary` or `--vary-terms`.
    pub flag: String,
    /// The row varied; `None` for every row.
    pub row: Option<String>,
    /// The column varied.
    pub column: String,
    /// The values, as written.
    pub values: Vec<String>,
}

impl SweepSpec {
    /// The record of `s`.
    pub fn of(s: &Sweep) -> SweepSpec {
        SweepSpec { flag: s.flag.clone(), row: s.row.clone(), column: s.column.clone(), values: s.values.clone() }
    }

    /// The sweep again.
    pub fn sweep(&self) -> Sweep {
        Sweep {
            flag: self.flag.clone(),
            row: self.row.clone(),
            column: self.column.clone(),
            values: self.values.clone(),
        }
    }
}

/// `part.json`: which shard of which run a part is. Every field but `shard`,
/// `blocks`, `shard_paths`, `threads`, `wall_seconds` and `state_sha256` is the
/// same in every part of one run, and the merge checks that it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartManifest {
    /// [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The program that wrote it.
    pub program: String,
    /// Its version: a merge takes parts of its own version only.
    pub version: String,
    /// This shard's index, from 0.
    pub shard: usize,
    /// How many shards the run is split into.
    pub shards: usize,
    /// The blocks this shard computed, `[first, end)`.
    pub blocks: [usize; 2],
    /// The paths of those blocks, per scenario.
    pub shard_paths: usize,
    /// Seed of the run.
    pub seed: u64,
    /// Paths per scenario of the whole run.
    pub paths: usize,
    /// Paths per block.
    pub chunk_paths: usize,
    /// `--period`.
    pub period: String,
    /// `--year-start`.
    pub year_start: u32,
    /// `--baseline` as given; `None` for the first terms row.
    pub baseline: Option<String>,
    /// The sweeps, in the order given.
    pub sweeps: Vec<SweepSpec>,
    /// The input files, named and hashed as the run's manifest has them.
    pub inputs: Vec<InputFile>,
    /// The scenario rows, in order.
    pub scenarios: Vec<String>,
    /// Worker threads of this shard.
    pub threads: usize,
    /// Seconds this shard spent simulating.
    pub wall_seconds: f64,
    /// SHA-256 of `state.bin`, hex.
    pub state_sha256: String,
}

impl PartManifest {
    /// The fields that must agree between the parts of one run: what each is, its
    /// value as compared, and as shown (an input file is compared by its content
    /// and shown with its name too).
    pub fn run_fields(&self) -> Vec<(&'static str, String, String)> {
        let sweeps: Vec<String> = self.sweeps.iter().map(|s| s.sweep().describe()).collect();
        let mut fields: Vec<(&'static str, String, String)> = [
            ("format version", self.format_version.to_string()),
            ("program version", format!("{} {}", self.program, self.version)),
            ("number of shards", self.shards.to_string()),
            ("seed", self.seed.to_string()),
            ("paths", self.paths.to_string()),
            ("paths per block", self.chunk_paths.to_string()),
            ("periods", format!("--period {} --year-start {}", self.period, self.year_start)),
            ("baseline", self.baseline.clone().unwrap_or_else(|| "(the first terms row)".to_string())),
            ("sweeps", if sweeps.is_empty() { "(none)".to_string() } else { sweeps.join(" ") }),
        ]
        .into_iter()
        .map(|(what, value)| (what, value.clone(), value))
        .collect();
        // One field per role whether or not the run had that file, so that the fields
        // of any two parts line up.
        for (role, what) in
            [("scenarios", "scenario file"), ("terms", "terms file"), ("correlations", "correlation file")]
        {
            fields.push(match self.inputs.iter().find(|f| f.role == role) {
                Some(f) => (what, f.sha256.clone(), format!("`{}` (sha256 {})", f.file, f.sha256)),
                None => (what, "(none)".to_string(), "(none)".to_string()),
            });
        }
        let rows = self.scenarios.join(", ");
        fields.push(("scenario rows", rows.clone(), rows));
        fields
    }
}

/// An input file as a part carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCopy {
    /// The name the run gave it.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl SourceCopy {
    /// A copy of `s`.
    pub fn of(s: &Source) -> SourceCopy {
        SourceCopy { name: s.name.clone(), bytes: s.bytes.clone() }
    }

    /// The source again.
    pub fn source(&self) -> Source {
        Source { name: self.name.clone(), bytes: self.bytes.clone() }
    }
}

/// `state.bin`: the inputs and the statistics of a shard.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartState {
    /// The scenario file.
    pub scenarios: SourceCopy,
    /// The terms file.
    pub terms: SourceCopy,
    /// The correlation file, if the run had one.
    pub correlations: Option<SourceCopy>,
    /// Per stream group (in the order of [`revshare::groups::groups`]), the state of
    /// the shard's paths.
    pub groups: Vec<GroupAccumulator>,
}

/// Refuses to write a part (`part: true`) into a folder that holds a run's
/// results, or a run's results into a folder that holds a part: the two kinds of
/// folder are not mixed.
pub fn keep_apart(out: &Path, part: bool) -> Result<(), Error> {
    let (theirs, what, instead) = if part {
        (OutputFile::Manifest.name(), "the results of a run", "a part goes to a folder of its own")
    } else {
        (MANIFEST_FILE, "a shard's part", "results go to a folder of their own (merge the parts into it)")
    };
    if out.join(theirs).is_file() {
        let msg = format!("`{}` holds {what} ({theirs}); {instead}", out.display());
        return Err(Problem::option("--out", msg).with_value(out.display().to_string()).into());
    }
    Ok(())
}

/// SHA-256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl PartState {
    /// The bytes of `state.bin`.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        postcard::to_io(self, &mut out)
            .map_err(|e| Problem::value_of("partial result", format!("cannot encode the state: {e}")))?;
        Ok(out)
    }

    /// Reads `state.bin` of part `dir`.
    pub fn decode(dir: &Path, bytes: &[u8]) -> Result<PartState, Error> {
        let file = dir.join(STATE_FILE);
        let bad = |m: String| -> Error { Problem::file(&file.display().to_string(), m).into() };
        let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
            return Err(bad("not the state of a partial result of `revshare run --shard` (no REVSHARD header)".into()));
        };
        let version = rest.get(..4).map(|v| u32::from_le_bytes([v[0], v[1], v[2], v[3]]));
        if version != Some(FORMAT_VERSION) {
            return Err(bad(format!(
                "partial-result format version {}, this program reads version {FORMAT_VERSION}",
                version.map_or("(none)".to_string(), |v| v.to_string())
            )));
        }
        postcard::from_bytes(&rest[4..]).map_err(|e| bad(format!("cannot decode the state: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use revshare::engine::Plan;
    use revshare::results::Budget;

    #[test]
    fn shard_blocks_cover_every_block_once() {
        for paths in [1, 255, 256, 257, 2100, 10_000_000] {
            for count in [1, 2, 3, 7, 64, 100_000] {
                let mut next = 0;
                for index in 0..count {
                    let b = Shard { index, count }.blocks(paths);
                    assert_eq!(b.start, next, "{paths} paths, shard {index}/{count}");
                    next = b.end;
                }
                assert_eq!(next, paths.div_ceil(CHUNK_PATHS));
                let total: usize = (0..count).map(|index| Shard { index, count }.paths(paths)).sum();
                assert_eq!(total, paths);
            }
        }
        assert_eq!(Shard::parse(" 2/7 "), Ok(Shard { index: 2, count: 7 }));
        assert!(Shard::parse("7/7").is_err() && Shard::parse("0/0").is_err() && Shard::parse("-1/2").is_err());
    }

    /// Sketched series too (a budget of a few values), through the bytes of `state.bin`.
    #[test]
    fn encoded_shards_merge_into_the_run_with_sketches_too() {
        let (scenarios, terms) = revshare::input::shipped();
        let rows: Vec<&revshare::Scenario> = scenarios.iter().take(2).collect();
        let plans: Vec<Plan> = rows.iter().map(|s| Plan::new(s, &terms, 3)).collect();
        let paths = 3000;
        for budget in [Budget::DEFAULT, Budget { main: 100, annual_values: 100 }] {
            let whole = GroupAccumulator::simulate(&plans, 0, 0, paths, budget, &|_| {}).finish(&rows, &terms);
            let count = 5;
            let mut merged = GroupAccumulator::with_budget(&plans, 0, paths, budget);
            for index in [3, 0, 4, 1, 2] {
                let blocks = Shard { index, count }.blocks(paths);
                let acc = GroupAccumulator::simulate_blocks(&plans, 0, blocks, paths, budget, &|_| {});
                let source = SourceCopy { name: "x".into(), bytes: vec![1, 2] };
                let state =
                    PartState { scenarios: source.clone(), terms: source, correlations: None, groups: vec![acc] };
                let bytes = state.encode().unwrap();
                let back = PartState::decode(Path::new("p"), &bytes).unwrap();
                merged = merged.merge(back.groups.into_iter().next().unwrap());
            }
            assert_eq!(merged.finish(&rows, &terms), whole, "{budget:?}");
        }
    }
}
