//! `revshare._native`: the compiled part of the `revshare` Python package.
//!
//! It holds no model of its own. Files are read and validated by
//! `revshare::input` (sweeps included), every scenario is simulated by
//! `revshare::simulate_all` (what `revshare run` computes: rows sharing a stream
//! together, the mixture of the weighted rows) and the output CSV files are the bytes of
//! `revshare::report::csv`, so a Python run gives the command line's files byte for
//! byte. The per-path table is `revshare::engine::simulate` into a `PathTable`,
//! handed to Python column by column as little-endian `f64` bytes, in the row and
//! column order of the `--per-path` file. The GIL is released while simulating.
//!
//! The pure-Python package (`revshare/__init__.py`) turns these into pandas
//! DataFrames; `revshare/_native.pyi` types this module.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use revshare::analysis::inputs::all_inputs;
use revshare::choice::Choice;
use revshare::engine::{self, Metric, Plan, TermsField};
use revshare::input::{Source, Sweep, read_scenarios_varied, read_terms_varied, shipped_scenarios, shipped_terms};
use revshare::model::contract::EndCause;
use revshare::periods::{PeriodLength, Periods};
use revshare::report::{OutputFile, csv, per_path};
use revshare::{Error, Problem, Scenario, ScenarioResults, Terms, simulate_all};
use std::path::PathBuf;

create_exception!(
    revshare,
    RevshareError,
    PyValueError,
    "A problem in the inputs of revshare, or a file that could not be read.\n\n\
     Its message is exactly what the `revshare` command prints after `error: ` for the same input."
);

/// The Python exception for a library error: its message is the error's Display,
/// which the command line prints after `error: `.
fn py_err(e: Error) -> PyErr {
    RevshareError::new_err(e.to_string())
}

/// A problem with an argument of a Python call, named as the keyword is.
fn argument(name: &str, value: impl Into<String>, message: impl Into<String>) -> PyErr {
    py_err(Problem::value_of(name, message).with_value(value).into())
}

/// The output CSV files of a run and their writers, in the order `revshare run`
/// writes them.
type Writer = fn(&[ScenarioResults]) -> Vec<u8>;
const RUN_FILES: [(OutputFile, Writer); 5] = [
    (OutputFile::Summary, csv::summary),
    (OutputFile::Deltas, csv::deltas),
    (OutputFile::Outcomes, csv::outcomes),
    (OutputFile::Annual, csv::annual),
    (OutputFile::Curves, csv::curves),
];

/// A worker pool of `threads` threads (all cores for `None`).
fn pool(threads: Option<usize>) -> PyResult<rayon::ThreadPool> {
    if threads == Some(0) {
        return Err(argument("threads", "0", "must be at least 1 (or None for all cores)"));
    }
    rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build().map_err(|e| {
        argument("threads", threads.unwrap_or(0).to_string(), format!("cannot start the worker threads: {e}"))
    })
}

/// Validated scenario and terms rows, read from two files (or the shipped ones).
#[pyclass(frozen, module = "revshare._native")]
struct Inputs {
    scenarios: Vec<Scenario>,
    terms: Vec<Terms>,
    scenario_source: String,
    terms_source: String,
}

/// Parses sweep options given as text (`COLUMN=V1,V2` or `ROW:COLUMN=V1,V2`),
/// each named as the keyword `name` is.
fn sweeps(name: &str, flag: &str, texts: Vec<String>) -> PyResult<Vec<Sweep>> {
    texts.iter().map(|t| Sweep::parse(flag, t).map_err(|m| argument(name, t.clone(), m))).collect()
}

/// Reads and validates a scenario file and a terms file (`None`: the shipped file,
/// compiled in), with the variants of the sweeps `vary` and `vary_terms` (as
/// `--vary` and `--vary-terms`) and the rank correlations of the file
/// `correlations` (as `--correlations`), reporting the problems of both at once,
/// as `revshare run` does.
#[pyfunction]
#[pyo3(signature = (scenarios=None, terms=None, vary=Vec::new(), vary_terms=Vec::new(), correlations=None))]
fn load(
    py: Python<'_>,
    scenarios: Option<PathBuf>,
    terms: Option<PathBuf>,
    vary: Vec<String>,
    vary_terms: Vec<String>,
    correlations: Option<PathBuf>,
) -> PyResult<Inputs> {
    let (vary, vary_terms) = (sweeps("vary", "--vary", vary)?, sweeps("vary_terms", "--vary-terms", vary_terms)?);
    py.detach(|| {
        let scenario_source = match &scenarios {
            Some(p) => Source::from_path(p)?,
            None => shipped_scenarios(),
        };
        let terms_source = match &terms {
            Some(p) => Source::from_path(p)?,
            None => shipped_terms(),
        };
        match (read_scenarios_varied(&scenario_source, &vary), read_terms_varied(&terms_source, &vary_terms)) {
            (Ok(scenarios), Ok(terms)) => {
                // The rank correlations of the file, as --correlations attaches them.
                let scenarios = match &correlations {
                    Some(p) => revshare::input::correlate(&Source::from_path(p)?, &scenario_source.name, scenarios)?,
                    None => scenarios,
                };
                Ok(Inputs { scenarios, terms, scenario_source: scenario_source.name, terms_source: terms_source.name })
            }
            (Err(a), Err(b)) => Err(a.and(b)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    })
    .map_err(py_err)
}

/// A column of the per-path table, as handed to Python.
enum Column {
    /// Numbers, one per row.
    F64(Vec<f64>),
    /// Integers, one per row.
    I64(Vec<i64>),
    /// Strings: a code per row into the names.
    Codes(Vec<u32>, Vec<String>),
}

impl Inputs {
    /// The index of the terms row named `name` (`None`: the first row).
    fn baseline(&self, name: Option<&str>) -> PyResult<usize> {
        let Some(name) = name else { return Ok(0) };
        self.terms.iter().position(|t| t.name() == name).ok_or_else(|| {
            let names: Vec<&str> = self.terms.iter().map(|t| t.name()).collect();
            let msg = format!("no terms row of that name in {}; the rows are: {}", self.terms_source, names.join(", "));
            argument("baseline", name, msg)
        })
    }

    /// The scenario named `name`.
    fn scenario(&self, name: &str) -> PyResult<&Scenario> {
        self.scenarios.iter().find(|s| s.name() == name).ok_or_else(|| {
            let names: Vec<&str> = self.scenarios.iter().map(|s| s.name()).collect();
            let msg = format!(
                "no scenario of that name in {}; the scenarios are: {}",
                self.scenario_source,
                names.join(", ")
            );
            argument("scenario", name, msg)
        })
    }

    /// The bytes an in-memory per-path table of `paths` paths of `scenario` would
    /// take at its peak: the path table, the columns handed over, and the DataFrame.
    fn per_path_bytes(&self, s: &Scenario, paths: usize) -> u128 {
        let table = engine::table_bytes(s, self.terms.len(), Periods::default(), paths);
        let layout = Plan::new(s, &self.terms, 0).layout();
        let columns = per_path::result_columns().len() + all_inputs(&layout, 0).len();
        let frame = paths as u128 * self.terms.len() as u128 * columns as u128 * 8;
        table + 2 * frame
    }

    /// The columns of the `--per-path` file for `paths` paths of `scenario`, one
    /// row per path and terms row (path-major), built from the path table.
    fn per_path_columns(&self, scenario: &Scenario, seed: u64, paths: usize) -> Vec<(String, Column)> {
        let terms = &self.terms;
        let n_terms = terms.len();
        let plan = Plan::new(scenario, terms, seed);
        let table = engine::simulate(&plan, paths);
        let layout = table.layout();
        let rows = paths * n_terms;
        // Per row `i * n_terms + t`: the value of field `column(t)` of path `i`.
        let spread = |column: &dyn Fn(usize) -> usize| {
            let mut out = vec![0.0; rows];
            for t in 0..n_terms {
                for (i, v) in table.column(column(t)).into_iter().enumerate() {
                    out[i * n_terms + t] = v;
                }
            }
            out
        };
        let mut columns = vec![
            ("scenario".to_string(), Column::Codes(vec![0; rows], vec![scenario.name().to_string()])),
            ("path".to_string(), Column::I64((0..rows).map(|r| (r / n_terms) as i64).collect())),
            (
                "terms".to_string(),
                Column::Codes(
                    (0..rows).map(|r| (r % n_terms) as u32).collect(),
                    terms.iter().map(|t| t.name().to_string()).collect(),
                ),
            ),
        ];
        for m in Metric::ALL {
            columns.push((m.name().to_string(), Column::F64(spread(&|t| layout.terms_field(t, m.field())))));
        }
        let causes = spread(&|t| layout.terms_field(t, TermsField::Cause));
        let codes = causes.iter().map(|&c| EndCause::from_code(c) as u32).collect();
        let names = EndCause::ALL.iter().map(|c| c.name().to_string()).collect();
        columns.push(("end_cause".to_string(), Column::Codes(codes, names)));
        columns.push(("cap_year".to_string(), Column::F64(spread(&|t| layout.terms_field(t, TermsField::CapYear)))));
        let inputs: Vec<_> = (0..n_terms).map(|t| all_inputs(&layout, t)).collect();
        for (k, input) in inputs[0].iter().enumerate() {
            columns.push((input.name.clone(), Column::F64(spread(&|t| inputs[t][k].column))));
        }
        columns
    }
}

/// The bytes of `values`, little-endian.
fn le_bytes<'py, T: Copy, const N: usize>(py: Python<'py>, values: &[T], to: fn(T) -> [u8; N]) -> Bound<'py, PyBytes> {
    PyBytes::new_with(py, values.len() * N, |buf| {
        for (chunk, v) in buf.chunks_exact_mut(N).zip(values) {
            chunk.copy_from_slice(&to(*v));
        }
        Ok(())
    })
    .expect("filling a bytes object cannot fail")
}

#[pymethods]
impl Inputs {
    /// The scenario names, in file order.
    #[getter]
    fn scenario_names(&self) -> Vec<String> {
        self.scenarios.iter().map(|s| s.name().to_string()).collect()
    }

    /// The terms row names, in file order.
    #[getter]
    fn terms_names(&self) -> Vec<String> {
        self.terms.iter().map(|t| t.name().to_string()).collect()
    }

    /// The scenario file's name as given (or `scenarios/openai.csv (built in)`).
    #[getter]
    fn scenario_source(&self) -> &str {
        &self.scenario_source
    }

    /// The terms file's name as given (or `scenarios/terms.csv (built in)`).
    #[getter]
    fn terms_source(&self) -> &str {
        &self.terms_source
    }

    /// Simulates `paths` paths of every scenario under every terms row and returns
    /// the output CSV files of `revshare run` (name -> bytes).
    #[pyo3(signature = (paths, seed, baseline=None, threads=None, period="year", year_start=1))]
    #[allow(clippy::too_many_arguments)]
    fn run<'py>(
        &self,
        py: Python<'py>,
        paths: usize,
        seed: u64,
        baseline: Option<&str>,
        threads: Option<usize>,
        period: &str,
        year_start: u32,
    ) -> PyResult<Bound<'py, PyDict>> {
        let length = PeriodLength::parse(period)
            .ok_or_else(|| argument("period", period, format!("must be one of {}", PeriodLength::names())))?;
        let periods = Periods::new(length, year_start)
            .ok_or_else(|| argument("year_start", year_start.to_string(), "must be a month, 1 to 12"))?;
        let baseline = self.baseline(baseline)?;
        let pool = pool(threads)?;
        let files = py.detach(|| {
            pool.install(|| {
                // Rows sharing a stream together, then the mixture of the weighted rows,
                // as the command line does (MODEL.md §5, §7).
                let run = simulate_all(&self.scenarios, &self.terms, baseline, seed, paths, periods)?;
                let results = run.all();
                let mut files: Vec<(&str, Vec<u8>)> =
                    RUN_FILES.iter().map(|(file, write)| (file.name(), write(&results))).collect();
                files.insert(2, (OutputFile::ScenarioDeltas.name(), csv::scenario_deltas(&run.scenario_deltas)));
                Ok::<_, Error>(files)
            })
        });
        let dict = PyDict::new(py);
        for (name, bytes) in files.map_err(py_err)? {
            dict.set_item(name, PyBytes::new(py, &bytes))?;
        }
        Ok(dict)
    }

    /// Simulates `paths` paths of `scenario` into a path table and returns its
    /// rows as columns, in the order of the `--per-path` file: `(rows, columns)`,
    /// each column `(name, "f64" | "i64", bytes)` or `(name, "str", (codes, names))`
    /// with codes little-endian `u32`.
    #[pyo3(signature = (scenario, paths, seed, threads=None, max_bytes=None))]
    fn per_path<'py>(
        &self,
        py: Python<'py>,
        scenario: &str,
        paths: usize,
        seed: u64,
        threads: Option<usize>,
        max_bytes: Option<u64>,
    ) -> PyResult<(usize, Bound<'py, PyList>)> {
        let s = self.scenario(scenario)?;
        if paths == 0 {
            return Err(argument("paths", "0", "must be at least 1"));
        }
        let need = self.per_path_bytes(s, paths);
        if let Some(max) = max_bytes.map(u128::from).filter(|max| need > *max) {
            let gib = |b: u128| b as f64 / (1u64 << 30) as f64;
            let msg = format!(
                "per_path keeps every path in memory: {paths} paths of scenario `{}` under {} terms rows would need \
                 about {:.2} GiB (at most {:.2} GiB, max_bytes); ask for fewer paths (per_path(..., paths=N) gives the \
                 first N), raise max_bytes, or write the table to disk with `revshare run --per-path FILE.csv`",
                s.name(),
                self.terms.len(),
                gib(need),
                gib(max)
            );
            return Err(argument("paths", paths.to_string(), msg));
        }
        let pool = pool(threads)?;
        let columns = py.detach(|| pool.install(|| self.per_path_columns(s, seed, paths)));
        let expected = per_path::result_columns();
        let names: Vec<&str> = columns.iter().take(expected.len()).map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, expected, "the per-path columns changed in the library: update python/src/lib.rs");
        let list = PyList::empty(py);
        for (name, column) in columns {
            let item = match column {
                Column::F64(v) => (name, "f64", le_bytes(py, &v, f64::to_le_bytes)).into_pyobject(py)?,
                Column::I64(v) => (name, "i64", le_bytes(py, &v, i64::to_le_bytes)).into_pyobject(py)?,
                Column::Codes(codes, names) => {
                    let payload = (le_bytes(py, &codes, u32::to_le_bytes), names).into_pyobject(py)?;
                    (name, "str", payload).into_pyobject(py)?
                }
            };
            list.append(item)?;
        }
        Ok((paths * self.terms.len(), list))
    }
}

/// The compiled part of the `revshare` package (use `revshare`, not this module).
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("RevshareError", m.py().get_type::<RevshareError>())?;
    m.add("MAX_PATHS", revshare::engine::MAX_PATHS)?;
    m.add_class::<Inputs>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    Ok(())
}
