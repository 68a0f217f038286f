//! Explaining the difference between contracts: which inputs drive a metric
//! ([`sensitivity`]), what makes a cap bind, and which contract term would make two
//! deals equal ([`solve`]). Every analysis runs on the same keyed paths as `run`.

pub mod inputs;
pub mod sensitivity;
pub mod solve;
