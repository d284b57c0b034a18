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
    /// The Azure ML CLI / SDK calls the operations come from (`command | variant`), the
    /// chosen variants' included.
    pub commands: Vec<String>,
    /// Every variant of the scenario, and whether it was chosen (`--with`).
    pub variants: Vec<VariantView>,
    /// What the role takes for granted (the scenario's, then the chosen variants').
    pub assumptions: Vec<String>,
    /// Wildcard entries kept for operations the catalog does not list.
    #[serde(rename = "keptWildcards")]
    pub kept_wildcards: Vec<KeptWildcardView>,
    /// Needed operations Azure checks at another scope than the workspace.
    #[serde(rename = "otherScopes")]
    pub other_scopes: Vec<OtherScopeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantView {
    pub name: String,
    pub summary: String,
    pub chosen: bool,
    pub commands: Vec<String>,
    pub assumptions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeptWildcardView {
    pub entry: String,
    #[serde(rename = "forOperation")]
    pub for_operation: String,
    pub reason: String,
    /// The catalog operations it matches today.
    pub reach: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OtherScopeView {
    pub operation: String,
    pub scope: &'static str,
    /// Whether the role holds it (false: subscription-level, granted by a second role).
    #[serde(rename = "inRole")]
    pub in_role: bool,
    pub confidence: String,
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

/// One scenario resolved in this catalog with the chosen variants; `risks` names the risk
/// categories of an operation.
pub fn describe(
    s: &Scenario,
    index: &Index,
    mode: WildcardMode,
    with: &[String],
    risks: &dyn Fn(OpId) -> Vec<String>,
) -> crate::error::Result<ScenarioReport> {
    let cat = index.catalog();
    let r = s.resolve_with(index, mode, with)?;
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
    let map = super::calls::CallMap::embedded();
    let variants = s
        .variants
        .iter()
        .map(|v| VariantView {
            name: v.name.clone(),
            summary: v.summary.clone(),
            chosen: r.variants.contains(&v.name),
            commands: v
                .calls
                .iter()
                .filter_map(|c| map.find(c).ok().map(|c| c.label()))
                .collect(),
            assumptions: v.assumptions.clone(),
        })
        .collect();
    let kept_wildcards = r
        .kept_wildcards
        .iter()
        .map(|k| KeptWildcardView {
            entry: k.entry.clone(),
            for_operation: k.for_operation.clone(),
            reason: k.reason.clone(),
            reach: k.reach.clone(),
        })
        .collect();
    let other_scopes = r
        .elsewhere
        .iter()
        .map(|e| OtherScopeView {
            operation: e.operation.clone(),
            scope: e.scope.as_str(),
            in_role: e.scope != super::calls::ScopeKind::Subscription,
            confidence: e.confidence.clone(),
        })
        .collect();
    Ok(ScenarioReport {
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
            empty_patterns: r.empty_patterns.clone(),
            wildcards: mode.as_str(),
            commands: r.commands.clone(),
            variants,
            assumptions: r.assumptions.clone(),
            kept_wildcards,
            other_scopes,
        },
    })
}
