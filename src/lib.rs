pub mod date;
pub mod dist;
pub mod streams;
