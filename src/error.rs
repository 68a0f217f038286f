//! Errors: every input problem says where (a file's line and column, a command-line
//! option, or a value built in code), what (the value) and what is allowed.
//!
//! [`Error`] has one variant per kind users meet: problems in the inputs (all of them
//! at once, nothing simulated or written), an I/O failure on a path, and a chart that
//! could not be drawn. The library returns these; the binary turns them into a
//! message on stderr and exit code 1.

use std::fmt;
use std::path::PathBuf;

/// Where a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file, as the user named it (or a built-in file's name).
    File(String),
    /// A command-line option, such as `--baseline`.
    Option(String),
    /// A value built in code rather than read from a file, named by what it is
    /// (for example ``scenario `base` ``).
    Value(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(s) | Origin::Option(s) | Origin::Value(s) => f.write_str(s),
        }
    }
}

/// One problem found in an input file, an option or a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it was found.
    pub origin: Origin,
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
    fn new(origin: Origin, message: impl Into<String>) -> Problem {
        Problem { origin, line: None, column: None, value: None, message: message.into() }
    }

    /// A problem with a file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Problem {
        Problem::new(Origin::File(file.to_string()), message)
    }

    /// A problem with a command-line option (named with its dashes).
    pub fn option(flag: &str, message: impl Into<String>) -> Problem {
        Problem::new(Origin::Option(flag.to_string()), message)
    }

    /// A problem with a value built in code.
    pub fn value_of(what: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem::new(Origin::Value(what.into()), message)
    }

    /// A problem on a line of a file.
    pub fn line(file: &str, line: u64, message: impl Into<String>) -> Problem {
        Problem { line: Some(line), ..Problem::file(file, message) }
    }

    /// A problem with one cell of a file.
    pub fn cell(file: &str, line: u64, column: &str, value: &str, message: impl Into<String>) -> Problem {
        Problem {
            column: Some(column.to_string()),
            value: Some(value.to_string()),
            ..Problem::line(file, line, message)
        }
    }

    /// The same problem, naming the offending value.
    pub fn with_value(self, value: impl Into<String>) -> Problem {
        Problem { value: Some(value.into()), ..self }
    }

    /// The same problem, naming the column.
    pub fn with_column(self, column: impl Into<String>) -> Problem {
        Problem { column: Some(column.into()), ..self }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
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

/// A value that breaks a rule, with the rule in words: what a validating
/// constructor ([`crate::Dist::uniform`], [`crate::Date::parse`], ...) returns. The
/// caller knows where the value came from and turns it into a located [`Problem`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl From<String> for Invalid {
    fn from(s: String) -> Invalid {
        Invalid(s)
    }
}

impl From<&str> for Invalid {
    fn from(s: &str) -> Invalid {
        Invalid(s.to_string())
    }
}

/// Everything that can stop a command. Simulation itself cannot fail once the
/// inputs are validated.
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
    /// A chart could not be drawn.
    #[error("{chart}: {message}")]
    Chart {
        /// The chart's file name.
        chart: String,
        /// What the plotting library reported.
        message: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    /// Puts the problems of `self` and `other` together (both inputs are reported at
    /// once); any other error wins as it is.
    pub fn and(self, other: Error) -> Error {
        match (self, other) {
            (Error::Input(mut a), Error::Input(b)) => {
                a.extend(b);
                Error::Input(a)
            }
            (Error::Input(_), e) | (e, _) => e,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_problem_names_file_line_column_and_value() {
        let p = Problem::cell("s.csv", 3, "sigma", "-0.1", "must be >= 0");
        assert_eq!(p.to_string(), "s.csv, line 3, column `sigma`, value `-0.1`: must be >= 0");
    }

    #[test]
    fn an_option_problem_names_the_option_and_value() {
        let p = Problem::option("--baseline", "no terms row of that name").with_value("nope");
        assert_eq!(p.origin, Origin::Option("--baseline".into()));
        assert_eq!(p.to_string(), "--baseline, value `nope`: no terms row of that name");
    }

    #[test]
    fn several_problems_are_listed_one_per_line() {
        let e = Error::Input(vec![Problem::file("a.csv", "x"), Problem::line("a.csv", 2, "y")]);
        assert_eq!(e.to_string(), "2 problems in the input:\n  a.csv: x\n  a.csv, line 2: y");
        let both = Error::from(Problem::file("a.csv", "x")).and(Problem::file("b.csv", "y").into());
        assert_eq!(both.to_string(), "2 problems in the input:\n  a.csv: x\n  b.csv: y");
    }
}
