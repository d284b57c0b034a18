//! Analyses: questions asked of the model (expand, explain, risk, needs, check, recommend,
//! and later diff, lint, generate, who-can), returning plain data for the report layer.

pub mod access;
pub mod check;
pub mod diff;
pub mod drift;
pub mod expand;
pub mod from_error;
pub mod generate;
pub mod group;
pub mod lint;
pub mod needs;
pub mod recommend;
pub mod risk;
pub mod risks;
pub mod scenario;
pub mod suggest;
pub mod tenant;
