//! Reading a CSV file into raw rows with their line numbers, checking the header
//! against the known columns.

use crate::error::{Error, Problem};
use std::path::Path;

/// An input file's name (for messages) and contents.
#[derive(Debug, Clone)]
pub struct Source {
    /// How the file is named in messages and in the manifest.
    pub name: String,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

impl Source {
    /// Reads a file from disk.
    pub fn from_path(path: &Path) -> Result<Source, Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Ok(Source { name: path.display().to_string(), bytes })
    }

    /// A file compiled into the program.
    pub fn builtin(name: &str, text: &str) -> Source {
        Source { name: format!("{name} (built in)"), bytes: text.as_bytes().to_vec() }
    }
}

/// A raw data row.
#[derive(Debug, Clone)]
pub struct Record {
    /// 1-based line number where the row starts.
    pub line: u64,
    cells: Vec<String>,
}

/// A CSV file as header names and raw rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file's name for messages.
    pub file: String,
    headers: Vec<String>,
    /// The data rows in file order.
    pub rows: Vec<Record>,
}

impl Table {
    /// The trimmed cell of `column` in `record`; `None` when the column is absent
    /// or the cell is empty.
    pub fn get<'a>(&self, record: &'a Record, column: &str) -> Option<&'a str> {
        let i = self.headers.iter().position(|h| h == column)?;
        record.cells.get(i).map(String::as_str).filter(|c| !c.is_empty())
    }

    /// Parses `source`: every header must be one of `known` (once), every
    /// `required` column present, and there must be at least one row. Lines
    /// starting with `#` are comments.
    pub fn read(source: &Source, kind: &str, known: &[&str], required: &[&str]) -> Result<Table, Error> {
        let file = source.name.as_str();
        let text = std::str::from_utf8(&source.bytes).map_err(|e| {
            Problem::file(
                file,
                format!("not a text file (invalid UTF-8 at byte {}); expected a CSV {kind} file", e.valid_up_to()),
            )
        })?;
        if text.trim().is_empty() {
            return Err(Problem::file(
                file,
                format!(
                    "the file is empty; expected a CSV {kind} file with a header row naming columns such as {}",
                    required.join(", ")
                ),
            )
            .into());
        }
        // Windows line ends: the csv reader would count a CRLF row's line one short.
        let text = text.replace("\r\n", "\n");
        let mut reader =
            csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).from_reader(text.as_bytes());
        let headers: Vec<String> =
            reader.headers().map_err(|e| csv_problem(file, &e))?.iter().map(str::to_string).collect();
        let mut problems = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if !known.contains(&h.as_str()) {
                let hint = if h.contains(';') || h.contains('\t') {
                    "cells must be separated by commas, not semicolons or tabs; ".to_string()
                } else {
                    closest(h, known).map_or(String::new(), |c| format!("did you mean `{c}`? "))
                };
                problems.push(Problem {
                    column: Some(h.clone()),
                    ..Problem::line(
                        file,
                        1,
                        format!("unknown column; {hint}the {kind} columns are: {}", known.join(", ")),
                    )
                });
            } else if headers[..i].contains(h) {
                problems
                    .push(Problem { column: Some(h.clone()), ..Problem::line(file, 1, "this column appears twice") });
            }
        }
        for r in required {
            if !headers.iter().any(|h| h == r) {
                problems.push(Problem::line(file, 1, format!("the required column `{r}` is missing")));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        let mut rows = Vec::new();
        for result in reader.records() {
            let rec = result.map_err(|e| csv_problem(file, &e))?;
            let line = rec.position().map_or(0, csv::Position::line);
            rows.push(Record { line, cells: rec.iter().map(str::to_string).collect() });
        }
        if rows.is_empty() {
            return Err(Problem::file(file, format!("the file has a header but no {kind} rows")).into());
        }
        Ok(Table { file: file.to_string(), headers, rows })
    }
}

fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
            "found {len} fields where the header has {expected_len}; is this a CSV file? \
             Cells containing commas must be quoted, e.g. \"lognormal(7, 0.8)\""
        ),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8; expected a CSV text file".to_string(),
        _ => format!("not a readable CSV file: {e}"),
    };
    if line > 0 { Problem::line(file, line, message) } else { Problem::file(file, message) }
}

/// The known name closest to `name`, if it is close enough to be a typo.
pub fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Table, Error> {
        Table::read(
            &Source { name: "t.csv".into(), bytes: text.as_bytes().to_vec() },
            "test",
            &["name", "a", "b"],
            &["name"],
        )
    }

    #[test]
    fn cells_are_found_by_header_in_any_column_order_and_trimmed() {
        let t = read("# comment\nb, name ,a\n 2 ,x,\n").unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 3);
        assert_eq!(t.get(&t.rows[0], "name"), Some("x"));
        assert_eq!(t.get(&t.rows[0], "b"), Some("2"));
        assert_eq!(t.get(&t.rows[0], "a"), None);
    }

    #[test]
    fn windows_line_ends_and_a_byte_order_mark_are_read_with_the_right_lines() {
        let t = read("\u{feff}name,a\r\nx,1\r\ny,2\r\n").unwrap();
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(t.get(&t.rows[0], "name"), Some("x"));
    }

    #[test]
    fn a_semicolon_separated_file_is_told_to_use_commas() {
        let e = read("name;a\nx;1\n").unwrap_err().to_string();
        assert!(e.contains("separated by commas, not semicolons"), "{e}");
    }

    #[test]
    fn an_unknown_column_suggests_the_closest_known_one() {
        let e = read("name,bb\nx,1\n").unwrap_err().to_string();
        assert!(e.contains("column `bb`") && e.contains("did you mean `b`?"), "{e}");
    }

    #[test]
    fn structural_problems_are_reported_with_their_line() {
        assert!(read("").unwrap_err().to_string().contains("empty"));
        assert!(read("name,a\n").unwrap_err().to_string().contains("no test rows"));
        assert!(read("a\n1\n").unwrap_err().to_string().contains("`name` is missing"));
        assert!(read("name,a\nx,a\n").is_ok());
        assert!(read("name,name\nx,y\n").unwrap_err().to_string().contains("twice"));
        let e = read("name,a\nx,lognormal(7, 0.8)\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("must be quoted"), "{e}");
        assert!(read("name\n\u{0}\u{1}\u{2}\n").is_ok());
        let e =
            Table::read(&Source { name: "b.bin".into(), bytes: vec![0xff, 0xfe, 0x00] }, "test", &["name"], &["name"])
                .unwrap_err();
        assert!(e.to_string().contains("not a text file"));
    }
}
