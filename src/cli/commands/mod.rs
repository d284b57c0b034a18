//! One module per command: gather inputs, call an analysis, hand the result to a renderer.

pub mod access;
pub mod actions;
pub mod catalog;
pub mod check;
pub mod expand;
pub mod explain;
pub mod import;
pub mod recommend;
pub mod risks;
pub mod roles;
pub mod synth;
pub mod who_can;
