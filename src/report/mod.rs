//! Rendering already-computed results: the CSV files, the terminal table and the
//! manifest. Nothing here simulates or computes statistics.

pub mod check;
pub mod csv;
pub mod manifest;
pub mod table;
