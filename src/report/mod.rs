//! Rendering already-computed results: the CSV files, the terminal table, the
//! manifest, the charts and the HTML report. Nothing here simulates or computes
//! statistics; the report is drawn from the output files alone.

pub mod charts;
pub mod check;
pub mod csv;
pub mod html;
pub mod manifest;
pub mod table;
