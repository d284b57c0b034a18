//! The `scenarios` report data: the library as a list, and one scenario with its resolved
//! operations and their risk categories.

use super::{Library, Scenario};
use crate::graph::Index;
use crate::model::{OpId, Plane, WildcardMode};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub actions: usize,
    #[serde(rename = "dataActions")]
    pub data_actions: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListItem {
    pub name: String,
    pub title: String,
    pub summary: String,
    /// Operations needed in the active catalog.
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioList {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub scenarios: Vec<ListItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OperationView {
    pub name: String,
    pub plane: &'static str,
    /// Whether the catalog lists it.
    pub known: bool,
    /// Risk categories (taxonomy keys), sorted.
    pub risks: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeaveOutView {
    pub operations: Vec<String>,
    pub plane: &'static str,
    pub reason: String,
    /// Catalog operations the entries match (what the role will not grant).
    pub matches: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioView {
    pub name: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    #[serde(rename = "roleName")]
    pub role_name: String,
    #[serde(rename = "roleDescription")]
    pub role_description: String,
    #[serde(rename = "assignAt")]
    pub assign_at: String,
    #[serde(rename = "assignableScopes")]
    pub assignable_scopes: Vec<String>,
    /// The entries as written in the scenario file.
    pub entries: Entries,
    /// The operations needed in the active catalog (after `leavesOut`).
    pub operations: Vec<OperationView>,
    pub counts: Counts,
    #[serde(rename = "leavesOut")]
    pub leaves_out: Vec<LeaveOutView>,
    #[serde(rename = "notInCatalog")]
    pub not_in_catalog: Vec<super::NotInCatalog>,
    pub sources: Vec<super::Source>,
    /// Patterns among the entries that match nothing in the active catalog.
    #[serde(rename = "emptyPatterns")]
    pub empty_patterns: Vec<String>,
    pub wildcards: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Entries {
    pub actions: Vec<String>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub scenario: ScenarioView,
}

/// Every scenario with its operation counts in this catalog.
pub fn list(lib: &Library, index: &Index, mode: WildcardMode) -> ScenarioList {
    let scenarios = lib
        .all()
        .iter()
        .map(|s| {
            let r = s.resolve(index, mode);
            ListItem {
                name: s.name.clone(),
                title: s.title.clone(),
                summary: s.summary.clone(),
                counts: Counts {
                    actions: r.requirement.count(index, Plane::Control),
                    data_actions: r.requirement.count(index, Plane::Data),
                },
            }
        })
        .collect();
    ScenarioList {
        schema_version: 1,
        scenarios,
    }
}

/// One scenario resolved in this catalog; `risks` names the risk categories of an operation.
pub fn describe(
    s: &Scenario,
    index: &Index,
    mode: WildcardMode,
    risks: &dyn Fn(OpId) -> Vec<String>,
) -> ScenarioReport {
    let cat = index.catalog();
    let r = s.resolve(index, mode);
    let req = &r.requirement;
    let mut operations = Vec::new();
    for plane in Plane::BOTH {
        let mut ops: Vec<(String, OperationView)> = req
            .ids(index, plane)
            .map(|id| {
                let mut rk = risks(id);
                rk.sort();
                rk.dedup();
                (
                    cat.name(id).to_string(),
                    OperationView {
                        name: cat.name(id).to_string(),
                        plane: plane.as_str(),
                        known: true,
                        risks: rk,
                    },
                )
            })
            .collect();
        ops.extend(req.unknown[plane as usize].iter().map(|u| {
            (
                u.clone(),
                OperationView {
                    name: u.clone(),
                    plane: plane.as_str(),
                    known: false,
                    risks: Vec::new(),
                },
            )
        }));
        ops.sort_by(|a, b| crate::model::canonical_cmp(&a.0, &b.0));
        operations.extend(ops.into_iter().map(|(_, v)| v));
    }
    let leaves_out = s
        .leaves_out
        .iter()
        .map(|l| {
            let plane = Scenario::leave_out_plane(l);
            let mut hit = index.empty_set();
            for e in &l.operations {
                if let Ok(p) = crate::model::validate_user_pattern(e) {
                    index.resolve_into(&p, plane, mode, &mut hit);
                }
            }
            LeaveOutView {
                operations: l.operations.clone(),
                plane: plane.as_str(),
                reason: l.reason.clone(),
                matches: hit.count_ones(..),
            }
        })
        .collect();
    ScenarioReport {
        schema_version: 1,
        scenario: ScenarioView {
            name: s.name.clone(),
            title: s.title.clone(),
            summary: s.summary.clone(),
            description: s.description.clone(),
            role_name: s.role_name.clone(),
            role_description: s.role_description.clone(),
            assign_at: s.assign_at.clone(),
            assignable_scopes: s.assignable_scopes.clone(),
            entries: Entries {
                actions: s.actions.clone(),
                data_actions: s.data_actions.clone(),
            },
            counts: Counts {
                actions: req.count(index, Plane::Control),
                data_actions: req.count(index, Plane::Data),
            },
            operations,
            leaves_out,
            not_in_catalog: s.not_in_catalog.clone(),
            sources: s.sources.clone(),
            empty_patterns: r.empty_patterns,
            wildcards: mode.as_str(),
        },
    }
}
