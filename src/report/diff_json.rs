//! Rendering `diff` as JSON: the stable contract (`schemaVersion` 1, names as in `expand`,
//! sorted), built with serde and written with sorted keys.

use super::diff_table::verdict;
use super::to_json;
use crate::analyses::diff::{DiffReport, OpChange, OpsDiff, RoleChange, RoleSide, Status};
use crate::model::Plane;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Planes {
    pub actions: Vec<String>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<String>,
}

impl Planes {
    fn of(list: &[Vec<OpChange>; 2]) -> Planes {
        Planes {
            actions: OpsDiff::names(list, Plane::Control),
            data_actions: OpsDiff::names(list, Plane::Data),
        }
    }

    fn filtered(list: &[Vec<OpChange>; 2], keep: impl Fn(&OpChange) -> bool) -> Planes {
        let pick = |p: Plane| {
            list[p as usize]
                .iter()
                .filter(|o| keep(o))
                .map(|o| o.name.clone())
                .collect()
        };
        Planes {
            actions: pick(Plane::Control),
            data_actions: pick(Plane::Data),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SideOut {
    pub origin: String,
    pub path: Option<String>,
    pub pointer: String,
    pub name: Option<String>,
    pub id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GrantedBy {
    pub entry: String,
    pub pointer: String,
    pub block: usize,
}

#[derive(Debug, Serialize)]
pub struct RiskOut {
    pub operation: String,
    pub plane: &'static str,
    /// `added`, `removed`, `nowUnconditional` or `nowConditional`.
    pub change: &'static str,
    pub categories: Vec<String>,
    pub severity: Option<String>,
    #[serde(rename = "highRisk")]
    pub high_risk: bool,
    #[serde(rename = "grantedBy")]
    pub granted_by: Option<GrantedBy>,
    /// The reason of the accepted grant (configuration file) that covers it, else `null`.
    pub accepted: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AcceptedOut {
    pub operation: String,
    pub plane: &'static str,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct EntryOut {
    pub field: &'static str,
    pub entry: String,
    /// As written, whitespace included.
    pub raw: String,
    pub pointer: String,
    pub block: usize,
    /// Operations of this change the entry accounts for (see docs/pr-review.md).
    pub affects: usize,
}

#[derive(Debug, Serialize)]
pub struct AddedRemoved<T> {
    pub added: Vec<T>,
    pub removed: Vec<T>,
}

#[derive(Debug, Serialize)]
pub struct TextOut {
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ConditionOut {
    /// `null` for the role-level condition.
    pub block: Option<usize>,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct OldNew<T> {
    pub old: T,
    pub new: T,
}

#[derive(Debug, Serialize)]
pub struct ChangeOut {
    pub role: String,
    pub id: Option<String>,
    pub status: &'static str,
    #[serde(rename = "effectiveChange")]
    pub effective_change: bool,
    pub old: Option<SideOut>,
    pub new: Option<SideOut>,
    pub added: Planes,
    pub removed: Planes,
    /// Subset of `added` granted only under a condition azrbac does not evaluate.
    #[serde(rename = "addedConditional")]
    pub added_conditional: Planes,
    #[serde(rename = "nowConditional")]
    pub now_conditional: Planes,
    #[serde(rename = "nowUnconditional")]
    pub now_unconditional: Planes,
    pub risks: Vec<RiskOut>,
    #[serde(rename = "highRiskAdded")]
    pub high_risk_added: usize,
    pub entries: AddedRemoved<EntryOut>,
    #[serde(rename = "assignableScopes")]
    pub assignable_scopes: AddedRemoved<String>,
    /// Assignable scopes in effect: widened (with the OLD scopes each replaces) and narrowed.
    #[serde(rename = "scopeChange")]
    pub scope_change: ScopeChangeOut,
    /// Operations added or freed from a condition that accepted grants cover, with the
    /// reason; they do not trip the gate.
    pub accepted: Vec<AcceptedOut>,
    /// The repository path the role was moved from (`--git`), else `null`.
    #[serde(rename = "movedFrom")]
    pub moved_from: Option<String>,
    pub name: Option<TextOut>,
    pub description: Option<TextOut>,
    pub conditions: Vec<ConditionOut>,
    #[serde(rename = "permissionBlocks")]
    pub permission_blocks: OldNew<usize>,
    pub complete: bool,
    pub unresolved: OldNew<Vec<String>>,
    /// Keys the Azure CLI would not read, per side (the operations include both readings).
    #[serde(rename = "cliIgnores")]
    pub cli_ignores: OldNew<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct WidenedOut {
    pub scope: String,
    pub pointer: String,
    pub replaces: Vec<String>,
    pub accepted: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ScopeChangeOut {
    pub widened: Vec<WidenedOut>,
    pub narrowed: Vec<String>,
    /// When widened: the high-risk operations the role grants in all.
    #[serde(rename = "highRiskGranted")]
    pub high_risk_granted: usize,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub roles: usize,
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    #[serde(rename = "noEffectiveChange")]
    pub no_effective_change: usize,
    pub moved: usize,
    /// Roles whose assignable scopes widen.
    #[serde(rename = "scopeWidened")]
    pub scope_widened: usize,
    #[serde(rename = "addedOperations")]
    pub added_operations: usize,
    #[serde(rename = "removedOperations")]
    pub removed_operations: usize,
    #[serde(rename = "highRiskAdded")]
    pub high_risk_added: usize,
}

#[derive(Debug, Serialize)]
pub struct GateOut {
    #[serde(rename = "failOn")]
    pub fail_on: &'static str,
    pub failed: bool,
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct GitOut {
    pub base: String,
    /// `null` for the working tree.
    pub head: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SkippedOut {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct CategoryOut {
    pub key: String,
    pub name: String,
    pub severity: String,
}

#[derive(Debug, Serialize)]
pub struct DiffOut {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub wildcards: &'static str,
    pub verdict: String,
    pub complete: bool,
    pub gate: GateOut,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<GitOut>,
    pub files: Vec<String>,
    pub skipped: Vec<SkippedOut>,
    pub categories: Vec<CategoryOut>,
    pub changes: Vec<ChangeOut>,
}

fn side(s: &Option<RoleSide>) -> Option<SideOut> {
    s.as_ref().map(|s| SideOut {
        origin: s.origin.clone(),
        path: s.path.clone(),
        pointer: s.pointer.clone(),
        name: s.name.clone(),
        id: s.guid.clone(),
    })
}

fn risks(r: &DiffReport, c: &RoleChange) -> Vec<RiskOut> {
    let lists: [(&'static str, &[Vec<OpChange>; 2]); 4] = [
        ("added", &c.ops.added),
        ("nowUnconditional", &c.ops.now_unconditional),
        ("removed", &c.ops.removed),
        ("nowConditional", &c.ops.now_conditional),
    ];
    let mut out = Vec::new();
    for (change, list) in lists {
        for o in list
            .iter()
            .flatten()
            .filter(|o| !o.tags.categories.is_empty())
        {
            let cats: Vec<&crate::analyses::diff::CategoryInfo> = o
                .tags
                .categories
                .iter()
                .filter_map(|i| r.categories.get(*i))
                .collect();
            out.push(RiskOut {
                operation: o.name.clone(),
                plane: o.plane.as_str(),
                change,
                categories: cats.iter().map(|c| c.key.clone()).collect(),
                severity: super::diff_table::top_severity(r, o).map(str::to_string),
                high_risk: o.tags.high,
                granted_by: o.source.as_ref().map(|s| GrantedBy {
                    entry: s.entry.clone(),
                    pointer: s.pointer.clone(),
                    block: s.block,
                }),
                accepted: o.accepted.clone(),
            });
        }
    }
    out
}

fn entries(list: &[crate::analyses::diff::EntryChange]) -> Vec<EntryOut> {
    list.iter()
        .map(|e| EntryOut {
            field: e.field.name(),
            entry: e.entry.clone(),
            raw: e.raw.clone(),
            pointer: e.pointer.clone(),
            block: e.block,
            affects: e.affects,
        })
        .collect()
}

fn change(r: &DiffReport, c: &RoleChange) -> ChangeOut {
    let w = &c.written;
    let text = |t: &Option<crate::analyses::diff::TextChange>| {
        t.as_ref().map(|t| TextOut {
            old: t.old.clone(),
            new: t.new.clone(),
        })
    };
    ChangeOut {
        role: c.role.clone(),
        id: c.guid.clone(),
        status: c.status.as_str(),
        effective_change: c.effective(),
        old: side(&c.old),
        new: side(&c.new),
        added: Planes::of(&c.ops.added),
        removed: Planes::of(&c.ops.removed),
        added_conditional: Planes::filtered(&c.ops.added, |o| o.conditional),
        now_conditional: Planes::of(&c.ops.now_conditional),
        now_unconditional: Planes::of(&c.ops.now_unconditional),
        risks: risks(r, c),
        high_risk_added: c.high_risk_widening().count(),
        entries: AddedRemoved {
            added: entries(&w.entries_added),
            removed: entries(&w.entries_removed),
        },
        assignable_scopes: AddedRemoved {
            added: w.scopes_added.clone(),
            removed: w.scopes_removed.clone(),
        },
        scope_change: ScopeChangeOut {
            widened: c
                .scopes
                .widened
                .iter()
                .map(|x| WidenedOut {
                    scope: x.scope.clone(),
                    pointer: x.pointer.clone(),
                    replaces: x.replaces.clone(),
                    accepted: x.accepted.clone(),
                })
                .collect(),
            narrowed: c.scopes.narrowed.clone(),
            high_risk_granted: c.high_risk_granted,
        },
        moved_from: c.moved_from().map(str::to_string),
        accepted: c
            .ops
            .widening()
            .filter_map(|o| {
                o.accepted.as_ref().map(|reason| AcceptedOut {
                    operation: o.name.clone(),
                    plane: o.plane.as_str(),
                    reason: reason.clone(),
                })
            })
            .collect(),
        name: text(&w.name),
        description: text(&w.description),
        conditions: w
            .conditions
            .iter()
            .map(|x| ConditionOut {
                block: x.block,
                old: x.old.clone(),
                new: x.new.clone(),
            })
            .collect(),
        permission_blocks: OldNew {
            old: w.blocks.0,
            new: w.blocks.1,
        },
        complete: c.complete(),
        unresolved: OldNew {
            old: c
                .old
                .as_ref()
                .map(|s| s.unresolved.clone())
                .unwrap_or_default(),
            new: c
                .new
                .as_ref()
                .map(|s| s.unresolved.clone())
                .unwrap_or_default(),
        },
        cli_ignores: OldNew {
            old: c
                .old
                .as_ref()
                .map(|s| s.cli_ignores.clone())
                .unwrap_or_default(),
            new: c
                .new
                .as_ref()
                .map(|s| s.cli_ignores.clone())
                .unwrap_or_default(),
        },
    }
}

/// The JSON document.
pub fn build(r: &DiffReport) -> DiffOut {
    let count = |s: Status| r.changes.iter().filter(|c| c.status == s).count();
    DiffOut {
        schema_version: 1,
        wildcards: r.wildcards,
        verdict: verdict(r),
        complete: r.complete(),
        gate: GateOut {
            fail_on: r.gate.fail_on.as_str(),
            failed: r.gate.failed,
            reasons: r.gate.reasons.clone(),
        },
        summary: Summary {
            roles: r.changes.len(),
            changed: count(Status::Changed),
            added: count(Status::Added),
            removed: count(Status::Removed),
            no_effective_change: count(Status::NoEffectiveChange),
            moved: count(Status::Moved),
            scope_widened: r.changes.iter().filter(|c| c.scopes.widens()).count(),
            added_operations: r.added_ops(),
            removed_operations: r.removed_ops(),
            high_risk_added: r.high_risk_added(),
        },
        git: r.git.as_ref().map(|g| GitOut {
            base: g.base.clone(),
            head: g.head.clone(),
        }),
        files: r.files.clone(),
        skipped: r
            .skipped
            .iter()
            .map(|s| SkippedOut {
                path: s.path.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
        categories: r
            .categories
            .iter()
            .map(|c| CategoryOut {
                key: c.key.clone(),
                name: c.name.clone(),
                severity: c.severity.clone(),
            })
            .collect(),
        changes: r.changes.iter().map(|c| change(r, c)).collect(),
    }
}

pub fn json(r: &DiffReport) -> String {
    to_json(&build(r))
}
