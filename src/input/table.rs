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

/// The largest input file read (64 MiB, some 600 bytes for each of the 100,000 rows
/// a scenario file may have): a larger file, or one without an end (`/dev/zero`), is
/// refused after reading one byte more than this.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

impl Source {
    /// Reads a file from disk, at most [`MAX_INPUT_BYTES`] of it.
    pub fn from_path(path: &Path) -> Result<Source, Error> {
        use std::io::Read;
        let name = path.display().to_string();
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| Error::io(path, e))?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            let msg = format!(
                "the file is larger than {} MiB, the most an input file may be; is it the right file?",
                MAX_INPUT_BYTES >> 20
            );
            return Err(Problem::file(&name, msg).into());
        }
        Ok(Source { name, bytes })
    }

    /// A file compiled into the program.
    pub fn builtin(name: &str, text: &str) -> Source {
        Source { name: format!("{name} (built in)"), bytes: text.as_bytes().to_vec() }
    }
}

/// Where a row a sweep made comes from.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    /// The option's flag.
    pub flag: String,
    /// The option as typed.
    pub option: String,
    /// The name of the row it varies.
    pub of: String,
}

/// A raw data row.
#[derive(Debug, Clone)]
pub struct Record {
    /// 1-based line number where the row starts.
    pub line: u64,
    cells: Vec<String>,
    /// For a row a sweep made from a file row (see [`super::vary`]): the option
    /// that made it, so that a problem in it is reported as the option's, and the
    /// row it varies.
    pub(crate) variant: Option<Variant>,
}

/// What kind of file a [`Table`] is read as.
#[derive(Debug, Clone, Copy)]
pub struct FileKind<'a> {
    /// `scenario` or `terms`, for messages.
    pub name: &'a str,
    /// Every column the file may have.
    pub columns: &'a [&'a str],
    /// The columns it must have.
    pub required: &'a [&'a str],
    /// The most data rows it may have.
    pub max_rows: usize,
    /// The other kinds of input file: a file whose header is all of one's columns
    /// was passed in the wrong place.
    pub others: &'a [OtherKind<'a>],
}

/// Another kind of input file than the one read, as a [`FileKind`] recognises it.
#[derive(Debug, Clone, Copy)]
pub struct OtherKind<'a> {
    /// `scenario`, `terms` or `correlation`, for messages.
    pub name: &'a str,
    /// Its columns.
    pub columns: &'a [&'a str],
    /// Where it is passed: `--terms`, `the SCENARIOS.csv argument`.
    pub passed: &'a str,
    /// The option that sweeps its columns (`--vary`, `--vary-terms`), if any.
    pub sweep: Option<&'a str>,
}

/// A CSV file as header names and raw rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file's name for messages.
    pub file: String,
    headers: Vec<String>,
    /// The data rows in file order (rows with the wrong number of fields left out).
    pub rows: Vec<Record>,
    /// The problems of the header (an unknown, repeated or missing column) and the
    /// rows that could not be read (the wrong number of fields), to report with
    /// those of the cells.
    pub problems: Vec<Problem>,
    /// The required columns the header lacks.
    missing: Vec<String>,
}

impl Table {
    /// The trimmed cell of `column` in `record`; `None` when the column is absent
    /// or the cell is empty.
    pub fn get<'a>(&self, record: &'a Record, column: &str) -> Option<&'a str> {
        let i = self.headers.iter().position(|h| h == column)?;
        record.cells.get(i).map(String::as_str).filter(|c| !c.is_empty())
    }

    /// The index of `column`, if the file has it.
    pub(crate) fn column_index(&self, column: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == column)
    }

    /// The index of `column`, added (empty in every row) when the file has none.
    pub(crate) fn column_or_add(&mut self, column: &str) -> usize {
        if let Some(i) = self.column_index(column) {
            return i;
        }
        self.headers.push(column.to_string());
        self.rows.iter_mut().for_each(|r| r.cells.push(String::new()));
        self.headers.len() - 1
    }

    /// A copy of `record` with cell `i` set to `value`.
    pub(crate) fn with_cell(record: &Record, i: usize, value: &str) -> Record {
        let mut r = record.clone();
        r.cells[i] = value.to_string();
        r
    }

    /// Parses `source`: every header must be one of the kind's columns (once),
    /// every required column present, and there must be at least one row and at
    /// most the kind's limit. Lines starting with `#` are comments; lines of empty
    /// cells are skipped. A problem of the header (named at the header's line) or a
    /// row with the wrong number of fields is a problem of its own, in
    /// [`Table::problems`], and the rows are still read, so that their cells'
    /// problems are listed with it.
    pub fn read(source: &Source, of: FileKind<'_>) -> Result<Table, Error> {
        let (kind, known, required) = (of.name, of.columns, of.required);
        let file = source.name.as_str();
        let text = std::str::from_utf8(&source.bytes).map_err(|e| {
            let (line, column) = line_and_column(&source.bytes[..e.valid_up_to()]);
            let msg = format!(
                "not a text file (invalid UTF-8 at column {column}, the file's byte {}); expected a CSV {kind} file \
                 saved as UTF-8",
                e.valid_up_to() + 1
            );
            Problem::line(file, line, msg)
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
        // Windows and old Mac line ends: the csv reader would count a CRLF row's line
        // one short, and a lone CR not at all.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> =
            reader.headers().map_err(|e| csv_problem(file, &e))?.iter().map(str::to_string).collect();
        // The header's own line, after the comment and empty lines the reader skips.
        let header_line = text
            .trim_start_matches('\u{feff}')
            .split('\n')
            .position(|l| !l.is_empty() && !l.starts_with('#'))
            .map_or(1, |i| i as u64 + 1);
        let ours = |h: &String| known.contains(&h.as_str());
        for other in of.others {
            let theirs = |h: &String| other.columns.contains(&h.as_str());
            if headers.iter().all(theirs) && !headers.iter().all(ours) {
                let msg = format!(
                    "this looks like a {} file (its columns are those of one); pass it with {}",
                    other.name, other.passed
                );
                return Err(Problem::line(file, header_line, msg).into());
            }
        }
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
                        header_line,
                        format!("unknown column; {hint}the {kind} columns are: {}", known.join(", ")),
                    )
                });
            } else if headers[..i].contains(h) {
                let twice = Problem::line(file, header_line, "this column appears twice");
                problems.push(Problem { column: Some(h.clone()), ..twice });
            }
        }
        let missing: Vec<String> =
            required.iter().filter(|r| !headers.iter().any(|h| h == *r)).map(|r| r.to_string()).collect();
        for r in &missing {
            problems.push(Problem::line(file, header_line, format!("the required column `{r}` is missing")));
        }
        // A header with no known column is not one of this kind's: its rows would
        // only repeat that. Otherwise the rows are still read, so that the problems
        // of their cells are listed with the header's.
        if !headers.iter().any(|h| known.contains(&h.as_str())) {
            return Err(Error::Input(problems));
        }
        let mut rows = Vec::new();
        for result in reader.records() {
            let rec = match result {
                Ok(rec) => rec,
                Err(e) => {
                    problems.push(csv_problem(file, &e));
                    continue;
                }
            };
            let line = rec.position().map_or(0, csv::Position::line);
            if rec.iter().all(str::is_empty) {
                continue; // a row of empty cells, as spreadsheets export below the data
            }
            if rec.len() != headers.len() {
                problems.push(Problem::line(file, line, unequal(rec.len(), headers.len())));
                continue;
            }
            if rows.len() == of.max_rows {
                let msg = format!("more than {} {kind} rows; split the file into several runs", of.max_rows);
                return Err(Problem::line(file, line, msg).into());
            }
            rows.push(Record { line, cells: rec.iter().map(str::to_string).collect(), variant: None });
        }
        if rows.is_empty() && problems.is_empty() {
            return Err(Problem::file(file, format!("the file has a header but no {kind} rows")).into());
        }
        Ok(Table { file: file.to_string(), headers, rows, problems, missing })
    }

    /// Drops from `problems` those a missing required column causes in every row
    /// (its empty cell): the header's problem says it once.
    pub(crate) fn drop_missing_cells(&self, problems: &mut Vec<Problem>) {
        problems.retain(|p| !(p.value.is_none() && p.column.as_ref().is_some_and(|c| self.missing.contains(c))));
    }
}

/// The 1-based line and column (in characters) just after `text`, valid UTF-8 that
/// starts a file: line ends are `\n`, `\r\n` or a lone `\r`, as the reader counts them.
fn line_and_column(text: &[u8]) -> (u64, usize) {
    let text = std::str::from_utf8(text).unwrap_or_default();
    let lines = text.replace("\r\n", "\n").replace('\r', "\n");
    let last = lines.rsplit('\n').next().unwrap_or_default();
    (lines.matches('\n').count() as u64 + 1, last.chars().count() + 1)
}

/// The message for a row with `len` fields under a header of `expected`.
fn unequal(len: usize, expected: usize) -> String {
    format!(
        "found {len} fields where the header has {expected}; is this a CSV file? Cells containing commas must be \
         quoted, e.g. \"lognormal(7, 0.8)\""
    )
}

fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => unequal(*len as usize, *expected_len as usize),
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

    const KIND: FileKind<'static> =
        FileKind { name: "test", columns: &["name", "a", "b"], required: &["name"], max_rows: 3, others: &[] };

    fn read(text: &str) -> Result<Table, Error> {
        let table = Table::read(&Source { name: "t.csv".into(), bytes: text.as_bytes().to_vec() }, KIND)?;
        if table.problems.is_empty() { Ok(table) } else { Err(Error::Input(table.problems)) }
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
        let e = Table::read(&Source { name: "b.bin".into(), bytes: vec![0xff, 0xfe, 0x00] }, KIND).unwrap_err();
        assert!(e.to_string().contains("not a text file"));
    }

    #[test]
    fn every_row_with_the_wrong_number_of_fields_is_listed_and_the_others_are_read() {
        let t =
            Table::read(&Source { name: "t.csv".into(), bytes: b"name,a\nx,1,2\ny,2\nz\n".to_vec() }, KIND).unwrap();
        assert_eq!(t.rows.len(), 1);
        let lines: Vec<u64> = t.problems.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, [2, 4]);
        assert!(t.problems[0].message.contains("found 3 fields where the header has 2"));
    }

    #[test]
    fn empty_rows_lone_carriage_returns_and_too_many_rows() {
        let t = read("name,a\rx,1\r,\r\n\n,,\n").unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 2);
        let e = read("name\na\nb\nc\nd\n").unwrap_err().to_string();
        assert!(e.contains("line 5") && e.contains("more than 3 test rows"), "{e}");
    }

    #[test]
    fn a_file_of_the_other_kind_is_named_as_such() {
        let terms = OtherKind { name: "terms", columns: &["name", "z"], passed: "--terms", sweep: None };
        let kind = FileKind { others: &[terms], ..KIND };
        let e = Table::read(&Source { name: "o.csv".into(), bytes: b"name,z\nx,1\n".to_vec() }, kind).unwrap_err();
        assert_eq!(
            e.to_string(),
            "o.csv, line 1: this looks like a terms file (its columns are those of one); pass it with --terms"
        );
    }
}
