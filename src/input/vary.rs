//! Sweeps: `--vary [ROW:]COLUMN=V1,V2,...` over scenario rows and `--vary-terms`
//! over terms rows.
//!
//! For every row of the file (or the row named before `:`), a sweep adds one
//! variant per value, identical to the row but for that column, named
//! `<name>@<column>=<value>` (MODEL.md §8 allows `@` and `=` in names) and placed
//! right after the row. A scenario variant keeps the row's stream (MODEL.md §7,
//! "Shared streams"), so it draws the same worlds path by path and its difference
//! from the row is paired; a terms variant is evaluated on the same paths as every
//! terms row, as all terms rows are. A scenario variant's `weight` is 0: it is not
//! in the mixture of weighted rows (MODEL.md §5) unless the sweep varies `weight`.
//! Variants are checked as file rows are; a problem in one is reported as the
//! option's, with the value that made it.

use super::table::{FileKind, Table, Variant, closest};
use crate::error::{Error, Problem};

/// One `--vary` or `--vary-terms` option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// The option: `--vary` or `--vary-terms`.
    pub flag: String,
    /// The row to vary; `None` for every row.
    pub row: Option<String>,
    /// The column varied.
    pub column: String,
    /// The values, as written.
    pub values: Vec<String>,
}

/// The columns a sweep may not vary, and why: a variant's own name and stream are
/// set by the sweep; a variant shares its row's paths, so it is neither in the
/// mixture of weighted rows (MODEL.md §5, whose rows are independent) nor another
/// reading of a contract.
const FIXED: [(&str, &str); 4] = [
    ("name", "it sets each variant's own"),
    ("stream", "a variant shares its row's"),
    (
        "weight",
        "a variant shares its row's paths and stays out of the mixture, whose rows are independent; to weigh the scenarios otherwise, run again with other weights",
    ),
    ("reading", "a variant is compared with its row, not counted as another reading"),
];

/// Membership columns a variant does not inherit from its row, with the value it
/// takes: the mixture's `weight` and a contract's `reading`.
const NOT_INHERITED: [(&str, &str); 2] = [("weight", "0"), ("reading", "")];

impl Sweep {
    /// Parses the text of option `flag`: `COLUMN=V1,V2,...` or `ROW:COLUMN=V1,...`.
    /// Values are separated by commas outside parentheses, so a distribution such
    /// as `uniform(0.1, 0.3)` is one value.
    pub fn parse(flag: &str, text: &str) -> Result<Sweep, String> {
        let form = "expected COLUMN=V1,V2,... or ROW:COLUMN=V1,V2,... (e.g. discount_rate=0.075,0.09,0.109)";
        // A name has no `:`, but may have `=`: the row is what comes before the first `:`.
        let (row, rest) = match text.split_once(':') {
            Some((r, rest)) if !r.contains('(') => (Some(r.trim()), rest),
            _ => (None, text),
        };
        let (column, rhs) = rest.split_once('=').ok_or_else(|| form.to_string())?;
        let column = column.trim();
        if column.is_empty() || row == Some("") {
            return Err(form.to_string());
        }
        let mut values: Vec<String> = Vec::new();
        for v in split_values(rhs) {
            if v.is_empty() {
                return Err(format!("an empty value in `{rhs}`; {form}"));
            }
            if values.contains(&v) {
                return Err(format!("the value `{v}` is given twice"));
            }
            values.push(v);
        }
        Ok(Sweep { flag: flag.to_string(), row: row.map(str::to_string), column: column.to_string(), values })
    }

    /// The name of the variant of row `name` with `value`.
    pub fn variant_name(&self, name: &str, value: &str) -> String {
        format!("{name}@{}={value}", self.column)
    }

    /// The option as it would be typed.
    pub fn describe(&self) -> String {
        let row = self.row.as_ref().map_or(String::new(), |r| format!("{r}:"));
        format!("{} {row}{}={}", self.flag, self.column, self.values.join(","))
    }
}

/// `text` split on the commas outside parentheses, each piece trimmed.
fn split_values(text: &str) -> Vec<String> {
    let (mut out, mut depth, mut piece) = (Vec::new(), 0i32, String::new());
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(piece.trim().to_string());
                piece.clear();
                continue;
            }
            _ => {}
        }
        piece.push(c);
    }
    out.push(piece.trim().to_string());
    out
}

/// Adds the variants of `sweeps` to `table`, a `kind` file, each after the row it
/// varies; a scenario variant (`keep_stream`) takes its row's stream.
pub(crate) fn apply(table: &mut Table, sweeps: &[Sweep], kind: &FileKind<'_>, keep_stream: bool) -> Result<(), Error> {
    if sweeps.is_empty() {
        return Ok(());
    }
    let name_col = table.column_or_add("name");
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for s in sweeps {
        let option = |msg: String| Problem::option(&s.flag, msg).with_value(s.describe());
        let fixed = |c: &str| FIXED.iter().find(|(f, _)| *f == c).map(|(_, why)| *why);
        if let Some(why) = fixed(&s.column) {
            problems.push(option(format!("a sweep cannot vary `{}`: {why}", s.column)));
        } else if !kind.columns.contains(&s.column.as_str()) {
            let allowed: Vec<&str> = kind.columns.iter().copied().filter(|c| fixed(c).is_none()).collect();
            let other = kind.others.iter().find(|o| o.columns.contains(&s.column.as_str()));
            let hint = match other.and_then(|o| Some((o.name, o.sweep?))) {
                Some((other, flag)) => format!("it is a {other} column: sweep it with {flag}; "),
                None => closest(&s.column, &allowed).map_or(String::new(), |c| format!("did you mean `{c}`? ")),
            };
            problems.push(option(format!(
                "`{}` is not a {} column; {hint}the columns are: {}",
                s.column,
                kind.name,
                allowed.join(", ")
            )));
        }
        if let Some(row) = &s.row
            && !table.rows.iter().any(|r| table.get(r, "name") == Some(row.as_str()))
        {
            let names: Vec<&str> = table.rows.iter().filter_map(|r| table.get(r, "name")).collect();
            problems.push(option(format!(
                "no row named `{row}` in {}; the rows are: {}",
                table.file,
                names.join(", ")
            )));
        }
        columns.push(table.column_or_add(&s.column));
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let stream_col = keep_stream.then(|| table.column_or_add("stream"));
    let not_inherited: Vec<(usize, &str)> =
        NOT_INHERITED.iter().filter_map(|(c, v)| table.column_index(c).map(|i| (i, *v))).collect();
    let mut rows = Vec::with_capacity(table.rows.len());
    for rec in std::mem::take(&mut table.rows) {
        let Some(name) = table.get(&rec, "name").map(str::to_string) else {
            rows.push(rec);
            continue;
        };
        let stream = table.get(&rec, "stream").unwrap_or(&name).to_string();
        let mut variants = Vec::new();
        for (s, col) in sweeps.iter().zip(&columns) {
            if s.row.as_ref().is_some_and(|r| *r != name) {
                continue;
            }
            for v in &s.values {
                let mut variant = Table::with_cell(&rec, *col, v);
                variant = Table::with_cell(&variant, name_col, &s.variant_name(&name, v));
                if let Some(i) = stream_col {
                    variant = Table::with_cell(&variant, i, &stream);
                }
                for (i, value) in &not_inherited {
                    variant = Table::with_cell(&variant, *i, value);
                }
                variant.variant = Some(Variant { flag: s.flag.clone(), option: s.describe(), of: name.clone() });
                variants.push(variant);
            }
        }
        rows.push(rec);
        rows.extend(variants);
    }
    if rows.len() > kind.max_rows {
        let flag = &sweeps[0].flag;
        let msg = format!(
            "the sweeps make {} {} rows, more than {}; vary fewer rows (ROW:COLUMN=...) or fewer values",
            rows.len(),
            kind.name,
            kind.max_rows
        );
        return Err(Problem::option(flag, msg).into());
    }
    table.rows = rows;
    Ok(())
}

/// Turns the problems found in a variant row into problems of the option that
/// made it (`flag`, written as `option`), keeping the column and the value; the
/// same problem in the variants of several rows reads the same, and is listed once.
pub(crate) fn as_option_problems(problems: &mut [Problem], flag: &str, option: &str) {
    for p in problems {
        let file = p.origin.to_string();
        let mut q =
            Problem::option(flag, format!("{} (in the variants of the rows of {file} made by `{option}`)", p.message));
        q.column = p.column.take();
        q.value = p.value.take();
        *p = q;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_on_commas_outside_parentheses() {
        let s = Sweep::parse("--vary", "base:growth0=0.1, uniform(0.1, 0.3) ,0.2").unwrap();
        assert_eq!(s.row.as_deref(), Some("base"));
        assert_eq!(s.column, "growth0");
        assert_eq!(s.values, ["0.1", "uniform(0.1, 0.3)", "0.2"]);
        assert_eq!(s.variant_name("base", "0.1"), "base@growth0=0.1");
        assert_eq!(s.describe(), "--vary base:growth0=0.1,uniform(0.1, 0.3),0.2");
    }

    #[test]
    fn malformed_sweeps_say_what_is_expected() {
        for bad in ["discount_rate", "=0.1", ":cap=1", "cap=1,,2", "cap="] {
            let e = Sweep::parse("--vary", bad).unwrap_err();
            assert!(e.contains("COLUMN=V1,V2") || e.contains("empty value"), "{bad}: {e}");
        }
        assert!(Sweep::parse("--vary", "cap=1,1").unwrap_err().contains("`1` is given twice"));
    }
}
