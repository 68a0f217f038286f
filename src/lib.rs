pub mod date;
pub mod dist;
pub mod error;
pub mod input;
pub mod model;
pub mod streams;
