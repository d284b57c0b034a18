//! One module per command: gather inputs, call an analysis, hand the result to a renderer.

pub mod actions;
pub mod catalog;
pub mod expand;
pub mod explain;
pub mod import;
pub mod roles;
pub mod generate;
pub mod scenarios;

use crate::data::Model;
use crate::model::OpId;

/// The risk categories of an operation (taxonomy keys), for reports that tag operations.
pub fn risk_lookup(_model: &Model) -> impl Fn(OpId) -> Vec<String> {
    |_| Vec::new()
}

/// The operation sets an access level leaves out unless asked: (category, flag, ids).
pub fn risky_sets(_model: &Model, _secrets: bool, _escalation: bool) -> Vec<(String, &'static str, fixedbitset::FixedBitSet)> {
    Vec::new()
}
