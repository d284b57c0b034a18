//! The risk taxonomy: categories of dangerous operations (privilege escalation, secret
//! exposure, ...) with severities, defined as pattern rules in `data/risk.toml` and evaluated
//! with the model's matcher. See docs/risk.md.
//!
//! - [`Taxonomy`] holds the categories and rules; [`Taxonomy::embedded`] parses the shipped file.
//! - [`Taxonomy::classify`] precomputes a [`RiskIndex`]: the categories of every catalog operation.
//! - [`Taxonomy::classify_name`] classifies a name the catalog does not list.
//! - [`classify_entries`] says which entries of a role grant which dangerous operations.

mod entries;
mod index;
mod taxonomy;

pub use entries::{EntryCategory, EntryRisk, classify_entries};
pub use index::RiskIndex;
pub use taxonomy::{Category, Rule, RuleMatch, Taxonomy};

use crate::data::Model;
use crate::error::Result;
use crate::model::{OpId, Plane};
use serde::Serialize;
use std::fmt;

/// The embedded taxonomy with its index over a model's catalog: what a command builds once.
#[derive(Debug, Clone)]
pub struct RiskModel {
    pub taxonomy: Taxonomy,
    pub index: RiskIndex,
}

impl RiskModel {
    /// The shipped taxonomy, classified over the model's catalog in the model's wildcard mode.
    pub fn new(model: &Model) -> Result<RiskModel> {
        let taxonomy = Taxonomy::embedded()?;
        let index = taxonomy.classify(&model.index, model.mode);
        Ok(RiskModel { taxonomy, index })
    }

    /// Categories of a catalog operation.
    pub fn categories(&self, id: OpId) -> &[usize] {
        self.index.categories(id)
    }

    /// Categories of a name the catalog does not list.
    pub fn classify_name(&self, model: &Model, name: &str, plane: Plane) -> Vec<usize> {
        self.taxonomy.classify_name(name, plane, model.mode)
    }

    /// Keys of categories, in the order given.
    pub fn keys(&self, categories: &[usize]) -> Vec<String> {
        categories
            .iter()
            .map(|c| self.taxonomy.category(*c).key.clone())
            .collect()
    }
}

/// How bad a category is. Ordered from least to most severe, so `max()` is the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// All severities, most severe first.
    pub const DESCENDING: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }

    /// Weight of one operation of this severity when ranking roles by risk-weighted excess.
    /// Each step is worth far more than the one below, so one critical operation outweighs
    /// a role's worth of low ones.
    pub fn weight(self) -> u64 {
        match self {
            Severity::Low => 3,
            Severity::Medium => 20,
            Severity::High => 400,
            Severity::Critical => 10_000,
        }
    }

    /// High or critical: what summaries call "high-risk".
    pub fn is_high_risk(self) -> bool {
        self >= Severity::High
    }
}

/// Weight of an operation in no category (reads and other harmless operations).
pub const UNCLASSIFIED_WEIGHT: u64 = 1;

/// The weight of an operation given its highest severity (`None` when unclassified).
pub fn weight_of(severity: Option<Severity>) -> u64 {
    severity.map_or(UNCLASSIFIED_WEIGHT, Severity::weight)
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
