//! azrbac: an exact, explainable model of Azure RBAC, and the analyses built on it.
//!
//! Layers, each using only those below it: `cli` → `report` → `analyses` → `effective` →
//! `graph` → `model`.

pub mod analyses;
pub mod cli;
pub mod data;
pub mod effective;
pub mod error;
pub mod graph;
pub mod model;
pub mod report;
pub mod text;

pub use data::Model;
pub use error::{Error, Result};
