//! Errors: every input problem says where (file, line, column), what (the value)
//! and what is allowed.

use std::fmt;
use std::path::PathBuf;

/// One problem found in an input file or option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (as the user named it) or option the problem is in.
    pub file: String,
    /// 1-based line number in the file, when the problem has one.
    pub line: Option<u64>,
    /// The column (header name), when the problem has one.
    pub column: Option<String>,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Problem {
    /// A problem with the file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Problem {
        Problem { file: file.to_string(), line: None, column: None, value: None, message: message.into() }
    }

    /// A problem on a line of the file.
    pub fn line(file: &str, line: u64, message: impl Into<String>) -> Problem {
        Problem { line: Some(line), ..Problem::file(file, message) }
    }

    /// A problem with one cell.
    pub fn cell(file: &str, line: u64, column: &str, value: &str, message: impl Into<String>) -> Problem {
        Problem {
            line: Some(line),
            column: Some(column.to_string()),
            value: Some(value.to_string()),
            ..Problem::file(file, message)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column `{column}`")?;
        }
        if let Some(value) = &self.value {
            write!(f, ", value `{value}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything that can stop a run. Simulation itself cannot fail once the inputs
/// are validated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more problems in the inputs; nothing was simulated or written.
    #[error("{}", list(.0))]
    Input(Vec<Problem>),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

impl From<Problem> for Error {
    fn from(p: Problem) -> Error {
        Error::Input(vec![p])
    }
}

fn list(problems: &[Problem]) -> String {
    match problems {
        [one] => one.to_string(),
        many => {
            let mut s = format!("{} problems in the input:", many.len());
            for p in many {
                s.push_str("\n  ");
                s.push_str(&p.to_string());
            }
            s
        }
    }
}

/// Library result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_problem_names_file_line_column_and_value() {
        let p = Problem::cell("s.csv", 3, "sigma", "-0.1", "must be >= 0");
        assert_eq!(p.to_string(), "s.csv, line 3, column `sigma`, value `-0.1`: must be >= 0");
    }

    #[test]
    fn several_problems_are_listed_one_per_line() {
        let e = Error::Input(vec![Problem::file("a.csv", "x"), Problem::line("a.csv", 2, "y")]);
        assert_eq!(e.to_string(), "2 problems in the input:\n  a.csv: x\n  a.csv, line 2: y");
    }
}
