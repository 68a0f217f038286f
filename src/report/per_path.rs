//! The rows of the `--per-path` file: one per path and terms row, its totals and
//! end cause, then every drawn input. The writing (streamed to a temporary file and
//! renamed into place) is the application's; this module only lays out the rows.

use crate::analysis::inputs::{InputColumn, all_inputs};
use crate::choice::Choice;
use crate::engine::{Layout, PathTable, TermsField};
use crate::model::Terms;
use crate::model::contract::EndCause;
use crate::report::csv::Num;

/// The per-path result columns, before the inputs.
pub const RESULT_COLUMNS: [&str; 10] =
    ["scenario", "path", "terms", "paid", "received", "net", "pv", "end_year", "end_cause", "cap_year"];

/// The header: [`RESULT_COLUMNS`], then every input in [`all_inputs`] order.
pub fn header(layout: &Layout) -> Vec<String> {
    RESULT_COLUMNS.iter().map(|c| c.to_string()).chain(all_inputs(layout, 0).into_iter().map(|c| c.name)).collect()
}

/// The totals of terms row `t` on one path, as `(column, text)` in file order.
pub fn totals(layout: &Layout, row: &[f64], t: usize) -> Vec<(&'static str, String)> {
    let v = |f: TermsField| row[layout.terms_field(t, f)];
    vec![
        ("paid", Num::from(v(TermsField::Paid)).to_string()),
        ("received", Num::from(v(TermsField::Received)).to_string()),
        ("net", Num::from(v(TermsField::Net)).to_string()),
        ("pv", Num::from(v(TermsField::Pv)).to_string()),
        ("end_year", Num::from(v(TermsField::EndYear)).to_string()),
        ("end_cause", EndCause::from_code(v(TermsField::Cause)).name().to_string()),
        ("cap_year", Num::from(v(TermsField::CapYear)).to_string()),
    ]
}

/// Every row of one scenario's paths, path by path and terms row by terms row.
pub fn records<'a>(
    scenario: &'a str,
    terms: &'a [Terms],
    table: &'a PathTable,
) -> impl Iterator<Item = Vec<String>> + 'a {
    let l = table.layout;
    let inputs: Vec<Vec<InputColumn>> = (0..terms.len()).map(|t| all_inputs(&l, t)).collect();
    (0..table.paths).flat_map(move |i| {
        let row = table.row(i);
        let inputs = &inputs;
        terms
            .iter()
            .enumerate()
            .map(move |(t, row_terms)| {
                let mut rec = vec![scenario.to_string(), i.to_string(), row_terms.name().to_string()];
                rec.extend(totals(&l, &row, t).into_iter().map(|(_, v)| v));
                rec.extend(inputs[t].iter().map(|c| Num::from(row[c.column]).to_string()));
                rec
            })
            .collect::<Vec<_>>()
    })
}
