//! Analyses: questions asked of the model (expand, explain, and later diff, check, lint,
//! generate, who-can), returning plain data for the report layer.

pub mod expand;
pub mod group;
pub mod lint;
