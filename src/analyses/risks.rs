//! The `risks` analysis: a role's effective operations sorted into risk categories, with the
//! entries that grant them.

use super::risk::{RiskModel, Severity, classify_entries};
use crate::data::Model;
use crate::effective::{Effective, expand};
use crate::model::catalog::canonical_cmp;
use crate::model::{OpId, Plane, RoleDefinition};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PlaneCounts {
    pub actions: usize,
    #[serde(rename = "dataActions")]
    pub data_actions: usize,
}

/// An entry of the role that grants operations of a category.
#[derive(Debug, Clone, Serialize)]
pub struct EntryHit {
    pub entry: String,
    pub field: &'static str,
    pub block: usize,
    pub pointer: String,
    /// How many operations of the category this entry grants (1 for an unknown literal).
    pub count: usize,
    pub conditional: bool,
}

/// The operations of one category a role grants.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryRisk {
    pub key: String,
    pub name: String,
    pub severity: Severity,
    pub reason: String,
    pub count: usize,
    pub actions: Vec<String>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<String>,
    /// Grant entries reaching the category, in file order.
    pub entries: Vec<EntryHit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleRisks {
    pub role: String,
    pub id: Option<String>,
    pub origin: String,
    #[serde(rename = "maxSeverity")]
    pub max_severity: Option<Severity>,
    /// Effective operations per plane (unknown literals included).
    pub counts: PlaneCounts,
    /// Operations per severity (each counted once, at its highest severity).
    #[serde(rename = "bySeverity")]
    pub by_severity: SeverityCounts,
    /// Non-empty categories, most severe first, then in taxonomy order.
    pub categories: Vec<CategoryRisk>,
    /// Effective operations in no category.
    pub unclassified: PlaneCounts,
    pub conditional: bool,
    pub unresolved: Vec<String>,
    pub complete: bool,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
        }
    }

    pub fn high_risk(&self) -> usize {
        self.critical + self.high
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RisksReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub wildcards: &'static str,
    pub roles: Vec<RoleRisks>,
}

/// Sorts category indices most severe first, then in taxonomy order.
pub fn severity_order(risk: &RiskModel, cats: &mut [usize]) {
    cats.sort_by(|a, b| {
        risk.taxonomy
            .category(*b)
            .severity
            .cmp(&risk.taxonomy.category(*a).severity)
            .then(a.cmp(b))
    });
}

/// The risks of one role.
pub fn role_risks(model: &Model, risk: &RiskModel, role: &RoleDefinition) -> RoleRisks {
    let eff = expand(&model.index, role, model.mode);
    role_risks_with(model, risk, role, &eff)
}

/// The risks of one role whose expansion is already known.
pub fn role_risks_with(
    model: &Model,
    risk: &RiskModel,
    role: &RoleDefinition,
    eff: &Effective,
) -> RoleRisks {
    let ix = &model.index;
    let cat = ix.catalog();
    let ncat = risk.taxonomy.categories().len();
    let mut names: Vec<[Vec<String>; 2]> = vec![[Vec::new(), Vec::new()]; ncat];
    let mut unclassified = PlaneCounts::default();
    let mut by_severity = SeverityCounts::default();
    let mut max: Option<Severity> = None;
    for id in eff.granted.ones() {
        let id = id as OpId;
        let plane = cat.op(id).plane;
        let cats = risk.categories(id);
        if cats.is_empty() {
            bump(&mut unclassified, plane);
        }
        for c in cats {
            names[*c][plane as usize].push(cat.name(id).to_string());
        }
        if let Some(s) = risk.index.max_severity(id) {
            by_severity.add(s);
            max = max.max(Some(s));
        }
    }
    for plane in Plane::BOTH {
        for u in &eff.unknown[plane as usize] {
            let cats = risk.classify_name(model, &u.name, plane);
            if cats.is_empty() {
                bump(&mut unclassified, plane);
            }
            for c in &cats {
                names[*c][plane as usize].push(u.name.clone());
            }
            if let Some(s) = risk.taxonomy.max_severity_of(&cats) {
                by_severity.add(s);
                max = max.max(Some(s));
            }
        }
    }
    let entries = classify_entries(ix, &risk.taxonomy, &risk.index, role, model.mode);
    let mut order: Vec<usize> = (0..ncat).collect();
    severity_order(risk, &mut order);
    let mut categories = Vec::new();
    for c in order {
        let [mut actions, mut data_actions] = std::mem::take(&mut names[c]);
        if actions.is_empty() && data_actions.is_empty() {
            continue;
        }
        actions.sort_by(|a, b| canonical_cmp(a, b));
        data_actions.sort_by(|a, b| canonical_cmp(a, b));
        let hits = entries
            .iter()
            .filter_map(|e| {
                let ec = e.categories.iter().find(|x| x.category == c)?;
                Some(EntryHit {
                    entry: e.text.clone(),
                    field: e.field.name(),
                    block: e.block,
                    pointer: e.pointer.clone(),
                    count: if ec.unknown_literal { 1 } else { ec.ops.len() },
                    conditional: e.conditional,
                })
            })
            .collect();
        let def = risk.taxonomy.category(c);
        categories.push(CategoryRisk {
            key: def.key.clone(),
            name: def.name.clone(),
            severity: def.severity,
            reason: def.reason.clone(),
            count: actions.len() + data_actions.len(),
            actions,
            data_actions,
            entries: hits,
        });
    }
    RoleRisks {
        role: role.label(),
        id: role.guid.clone().or_else(|| role.id.clone()),
        origin: role.origin.clone(),
        max_severity: max,
        counts: PlaneCounts {
            actions: eff.count(ix, Plane::Control) + eff.unknown[0].len(),
            data_actions: eff.count(ix, Plane::Data) + eff.unknown[1].len(),
        },
        by_severity,
        categories,
        unclassified,
        conditional: role.has_condition(),
        unresolved: role.unresolved.clone(),
        complete: role.unresolved.is_empty(),
    }
}

fn bump(c: &mut PlaneCounts, plane: Plane) {
    match plane {
        Plane::Control => c.actions += 1,
        Plane::Data => c.data_actions += 1,
    }
}

pub fn risks_report(model: &Model, risk: &RiskModel, roles: &[RoleDefinition]) -> RisksReport {
    RisksReport {
        schema_version: 1,
        wildcards: model.mode.as_str(),
        roles: roles.iter().map(|r| role_risks(model, risk, r)).collect(),
    }
}
