//! The rows of the `--per-path` file: one per path and terms row, its totals and
//! end cause, then every drawn input. The writing (streamed to a temporary file and
//! renamed into place) is the application's; this module only lays out the rows.

use crate::analysis::inputs::{InputColumn, all_inputs};
use crate::choice::Choice;
use crate::engine::{Block, Layout, Metric, TermsField};
use crate::model::Terms;
use crate::model::contract::EndCause;
use crate::report::csv::Num;

/// The columns naming a row, before its totals.
const KEY_COLUMNS: [&str; 3] = ["scenario", "path", "terms"];

/// The per-path result columns, before the inputs: the key, every [`Metric`], the
/// end cause and the cap year.
pub fn result_columns() -> Vec<&'static str> {
    let metrics = Metric::ALL.iter().map(|m| m.name());
    KEY_COLUMNS.into_iter().chain(metrics).chain(["end_cause", "cap_year"]).collect()
}

/// How every `--per-path` file begins: its key columns.
pub const HEADER_START: &str = "scenario,path,terms,";

/// The header: [`result_columns`] (beginning with [`HEADER_START`]), then every
/// input in [`all_inputs`] order.
pub fn header(layout: &Layout) -> Vec<String> {
    let results = result_columns().into_iter().map(str::to_string);
    results.chain(all_inputs(layout, 0).into_iter().map(|c| c.name)).collect()
}

/// The totals of terms row `t` on one path, as `(column, text)` in file order.
pub fn totals(layout: &Layout, row: &[f64], t: usize) -> Vec<(&'static str, String)> {
    let v = |f: TermsField| row[layout.terms_field(t, f)];
    let columns = &result_columns()[KEY_COLUMNS.len()..];
    let metrics = Metric::ALL.iter().map(|m| Num::from(v(m.field())).to_string());
    let cause = EndCause::from_code(v(TermsField::Cause)).name().to_string();
    let values = metrics.chain([cause, Num::from(v(TermsField::CapYear)).to_string()]);
    columns.iter().copied().zip(values).collect()
}

/// Every row of the paths of one block of a scenario, path by path and terms row by
/// terms row.
pub fn records<'a>(
    scenario: &'a str,
    terms: &'a [Terms],
    layout: Layout,
    block: &'a Block,
) -> impl Iterator<Item = Vec<String>> + 'a {
    let l = layout;
    let inputs: Vec<Vec<InputColumn>> = (0..terms.len()).map(|t| all_inputs(&l, t)).collect();
    (0..block.paths).flat_map(move |j| {
        let (i, row) = (block.first + j, block.row(j));
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
