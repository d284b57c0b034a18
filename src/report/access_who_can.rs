//! Rendering `who-can`: the JSON contract (`schemaVersion`, `operation`, `scope`, `complete`,
//! `warnings`, `principals`, `denied`, ...) and a table of chains. Also the pieces shared with
//! `access` (principal, grant and deny records, the inputs summary, short scopes).

use crate::analyses::access::{AccessIndex, Answer, DenyHit, Grant, Unevaluated, WhoCan};
use crate::effective::EntryRef;
use crate::model::inventory::InputKind;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct GrantJson {
    pub scope: String,
    pub role: String,
    #[serde(rename = "roleId")]
    pub role_id: String,
    /// Group ids from the principal's direct group to the assigned group.
    pub via: Vec<String>,
    /// `via` lists only the first 16 groups: the path goes on as the `via` of its last group,
    /// which the answer lists as a principal.
    #[serde(rename = "viaContinues", skip_serializing_if = "std::ops::Not::not")]
    pub via_continues: bool,
    /// The role entry that grants the operation, as written (trimmed).
    pub entry: String,
    /// `Actions` or `DataActions` (and the block when the role has several).
    #[serde(rename = "entryField")]
    pub entry_field: String,
    pub plane: &'static str,
    pub conditional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// What is left of `condition` for this operation once everything azrbac can decide
    /// offline is decided (present only when the grant is conditional on it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residual: Option<String>,
    /// For role-assignment writes and deletes under a delegation condition: what the holder
    /// may assign ("may assign only Backup Reader to User, Group").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegation: Option<String>,
    pub assignment: String,
    /// In `below`: the scope where deny assignments with `doNotApplyToChildScopes` stop this
    /// grant; it applies only under that scope.
    #[serde(rename = "onlyBelow", skip_serializing_if = "Option::is_none")]
    pub only_below: Option<String>,
    /// In `denied`: the id of the deny assignment that stops this grant.
    #[serde(rename = "stoppedBy", skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<String>,
    /// PIM: for an active assignment, how it came to be and until when; for an eligible
    /// grant, the eligibility's window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pim: Option<PimJson>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PimJson {
    /// `eligible`, or the active record's `assignmentType` (`Activated`, `Assigned`).
    pub kind: String,
    pub id: String,
    pub status: Option<String>,
    #[serde(rename = "startDateTime")]
    pub start: Option<String>,
    /// `null`: no expiry.
    #[serde(rename = "endDateTime")]
    pub end: Option<String>,
    #[serde(rename = "memberType", skip_serializing_if = "Option::is_none")]
    pub member_type: Option<String>,
}

pub fn pim_json(ix: &AccessIndex, r: u32, eligible: bool) -> PimJson {
    let rec = &ix.inv.pim[r as usize];
    PimJson {
        kind: if eligible {
            "eligible".to_string()
        } else {
            rec.assignment_type
                .clone()
                .unwrap_or_else(|| "active".to_string())
        },
        id: rec.id.clone(),
        status: rec.status.clone(),
        start: rec.start_text.clone(),
        end: rec.end_text.clone(),
        member_type: rec.member_type.clone(),
    }
}

/// One eligible record that would grant the operation but is not in force.
#[derive(Debug, Clone, Serialize)]
pub struct InactiveJson {
    pub principal: String,
    pub role: String,
    pub scope: String,
    /// `expired`, `not started` or `not provisioned`.
    pub state: &'static str,
    pub pim: PimJson,
}

pub fn inactive_json(
    ix: &AccessIndex,
    r: u32,
    state: crate::model::inventory::pim::InForce,
) -> InactiveJson {
    let rec = &ix.inv.pim[r as usize];
    InactiveJson {
        principal: ix.inv.principals.get(rec.principal).id.to_string(),
        role: pim_role_label(ix, rec.role),
        scope: ix.inv.scopes.display(rec.scope).to_string(),
        state: state.as_str(),
        pim: pim_json(ix, r, true),
    }
}

pub fn pim_role_label(ix: &AccessIndex, role_ref: u32) -> String {
    if let Some(r) = ix.ref_role[role_ref as usize]
        && let Some(n) = &ix.role_def(r).name
    {
        return n.clone();
    }
    let rr = &ix.inv.role_refs[role_ref as usize];
    rr.name.as_deref().unwrap_or(&rr.guid).to_string()
}

#[derive(Debug, Clone, Serialize)]
pub struct DenyJson {
    pub id: String,
    pub name: Option<String>,
    pub scope: String,
    pub entry: String,
    pub plane: &'static str,
    /// The deny names everyone (`00000000-0000-0000-0000-000000000000`).
    pub everyone: bool,
    /// Group ids from the principal to the deny's principal entry.
    pub via: Vec<String>,
    /// `via` lists only the first 16 groups.
    #[serde(rename = "viaContinues", skip_serializing_if = "std::ops::Not::not")]
    pub via_continues: bool,
    /// The deny carries a condition that is not evaluated: it may not apply.
    pub conditional: bool,
    /// `enforced`, or `audit` (logs the request, blocks nothing), or the export's value.
    pub effect: String,
    /// `isSystemProtected`: created by Azure (`true`) or user-assigned (`false`).
    #[serde(rename = "systemProtected", skip_serializing_if = "Option::is_none")]
    pub system_protected: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrincipalJson {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: Option<String>,
    pub conditional: bool,
    pub grants: Vec<GrantJson>,
    #[serde(rename = "deniedBy", skip_serializing_if = "Vec::is_empty")]
    pub denied_by: Vec<DenyJson>,
    /// Audit-only deny assignments that match this principal's grants: logged, not blocked.
    #[serde(rename = "auditedBy", skip_serializing_if = "Vec::is_empty")]
    pub audited_by: Vec<DenyJson>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BelowJson {
    pub principals: Vec<PrincipalJson>,
    pub denied: Vec<PrincipalJson>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnevaluatedJson {
    pub assignment: String,
    pub scope: String,
    pub principal: String,
    #[serde(rename = "roleId")]
    pub role_id: String,
    #[serde(rename = "roleName")]
    pub role_name: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputJson {
    pub supplied: bool,
    pub origin: Option<String>,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct WhoCanReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub operation: String,
    #[serde(rename = "inCatalog")]
    pub in_catalog: bool,
    pub scope: String,
    pub complete: bool,
    pub warnings: Vec<String>,
    pub principals: Vec<PrincipalJson>,
    pub denied: Vec<PrincipalJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<BelowJson>,
    /// PIM: principals not allowed now that could activate an eligible grant.
    pub eligible: Vec<PrincipalJson>,
    /// PIM eligibilities on the path that would grant the operation but are not in force.
    #[serde(rename = "eligibleNotInForce")]
    pub eligible_not_in_force: Vec<InactiveJson>,
    /// The moment PIM schedules were judged at (UTC).
    #[serde(rename = "pimAt", skip_serializing_if = "Option::is_none")]
    pub pim_at: Option<String>,
    pub unevaluated: Vec<UnevaluatedJson>,
    pub inputs: BTreeMap<&'static str, InputJson>,
    pub wildcards: &'static str,
    /// Display names of every principal the report mentions (for tables).
    #[serde(skip)]
    pub names: BTreeMap<String, String>,
}

/// The full ARM id of an assignment.
pub fn assignment_id(ix: &AccessIndex, a: u32) -> String {
    let asg = &ix.inv.assignments[a as usize];
    let scope = ix.inv.scopes.display(asg.scope);
    let base = if scope == "/" { "" } else { scope };
    format!(
        "{base}/providers/Microsoft.Authorization/roleAssignments/{}",
        ix.inv.assignment_names.get(asg.name)
    )
}

pub fn entry_field(ix: &AccessIndex, role: u32, e: &EntryRef) -> String {
    if ix.role_def(role).permissions.len() > 1 {
        format!("{} (block {})", e.field.name(), e.block)
    } else {
        e.field.name().to_string()
    }
}

pub fn ids(ix: &AccessIndex, list: &[u32]) -> Vec<String> {
    list.iter()
        .map(|p| ix.inv.principals.get(*p).id.to_string())
        .collect()
}

pub fn grant_json(ix: &AccessIndex, g: &Grant) -> GrantJson {
    if g.pim {
        let rec = &ix.inv.pim[g.assignment as usize];
        let def = ix.role_def(g.role);
        return GrantJson {
            scope: ix.inv.scopes.display(g.scope).to_string(),
            role: pim_role_label(ix, rec.role),
            role_id: def
                .guid
                .clone()
                .unwrap_or_else(|| ix.inv.role_refs[rec.role as usize].guid.to_string()),
            via: ids(ix, &g.via),
            via_continues: g.via_cut,
            entry: g.entry.text.clone(),
            entry_field: entry_field(ix, g.role, &g.entry),
            plane: g.plane.as_str(),
            conditional: g.conditional,
            condition: g.condition.map(|c| ix.inv.conditions.get(c).to_string()),
            residual: g.residual.as_deref().map(str::to_string),
            delegation: None,
            assignment: rec.id.clone(),
            only_below: g.only_below.map(|n| ix.inv.scopes.display(n).to_string()),
            stopped_by: g.stopped_by.map(|d| ix.inv.denies[d as usize].id.clone()),
            pim: Some(pim_json(ix, g.assignment, true)),
        };
    }
    let a = &ix.inv.assignments[g.assignment as usize];
    let def = ix.role_def(g.role);
    GrantJson {
        scope: ix.inv.scopes.display(g.scope).to_string(),
        role: ix.role_label(a),
        role_id: def
            .guid
            .clone()
            .unwrap_or_else(|| ix.inv.role_refs[a.role as usize].guid.to_string()),
        via: ids(ix, &g.via),
        via_continues: g.via_cut,
        entry: g.entry.text.clone(),
        entry_field: entry_field(ix, g.role, &g.entry),
        plane: g.plane.as_str(),
        conditional: g.conditional,
        condition: g.condition.map(|c| ix.inv.conditions.get(c).to_string()),
        residual: g.residual.as_deref().map(str::to_string),
        delegation: None,
        assignment: assignment_id(ix, g.assignment),
        only_below: g.only_below.map(|n| ix.inv.scopes.display(n).to_string()),
        stopped_by: g.stopped_by.map(|d| ix.inv.denies[d as usize].id.clone()),
        pim: ix
            .pim_active
            .get(&g.assignment)
            .map(|r| pim_json(ix, *r, false)),
    }
}

pub fn deny_json(ix: &AccessIndex, d: &DenyHit) -> DenyJson {
    let da = &ix.inv.denies[d.deny as usize];
    DenyJson {
        id: da.id.clone(),
        name: da.name.clone(),
        scope: ix.inv.scopes.display(da.scope).to_string(),
        entry: d.entry.text.clone(),
        plane: d.plane.as_str(),
        everyone: d.everyone,
        via: ids(ix, &d.via),
        via_continues: d.via_cut,
        conditional: d.conditional,
        effect: da.effect.as_str().to_string(),
        system_protected: da.system_protected,
    }
}

fn principal_json(ix: &AccessIndex, a: &Answer) -> PrincipalJson {
    let p = ix.inv.principals.get(a.principal);
    PrincipalJson {
        id: p.id.to_string(),
        kind: p.kind.as_str().to_string(),
        name: p.name.as_deref().or(p.upn.as_deref()).map(str::to_string),
        conditional: a.conditional,
        grants: a.grants.iter().map(|g| grant_json(ix, g)).collect(),
        denied_by: a.denied_by.iter().map(|d| deny_json(ix, d)).collect(),
        audited_by: a.audited_by.iter().map(|d| deny_json(ix, d)).collect(),
    }
}

pub fn unevaluated_json(ix: &AccessIndex, u: &Unevaluated) -> UnevaluatedJson {
    let a = &ix.inv.assignments[u.assignment as usize];
    let rr = &ix.inv.role_refs[a.role as usize];
    UnevaluatedJson {
        assignment: assignment_id(ix, u.assignment),
        scope: ix.inv.scopes.display(a.scope).to_string(),
        principal: ix.inv.principals.get(a.principal).id.to_string(),
        role_id: rr.guid.to_string(),
        role_name: rr.name.as_deref().map(str::to_string),
        reason: u.reason.clone(),
    }
}

pub fn inputs_json(ix: &AccessIndex) -> BTreeMap<&'static str, InputJson> {
    InputKind::EVERY
        .iter()
        .map(|k| {
            let s = ix.inv.sources.get(k);
            (
                k.key(),
                InputJson {
                    supplied: s.is_some(),
                    origin: s.map(|s| s.origin.clone()),
                    count: s.map_or(0, |s| s.count),
                },
            )
        })
        .collect()
}

/// The delegation summary of a grant's condition when the operation writes or deletes role
/// assignments, with role names from the built-ins and the inventory's definitions.
pub fn delegation_text(ix: &AccessIndex, op: &str, condition: &str) -> Option<String> {
    use crate::model::condition::{AssignmentAction, Condition};
    let action = AssignmentAction::BOTH
        .into_iter()
        .find(|a| a.action().eq_ignore_ascii_case(op))?;
    let c = Condition::parse(condition.trim()).ok()?;
    let d = c.delegation(action)?;
    Some(d.describe(|guid| {
        ix.model
            .builtins
            .by_guid(guid)
            .or_else(|| {
                ix.inv.roles.iter().find(|r| {
                    r.guid
                        .as_deref()
                        .is_some_and(|g| g.eq_ignore_ascii_case(guid))
                })
            })
            .and_then(|r| r.name.clone())
    }))
}

pub fn build(ix: &AccessIndex, w: &WhoCan) -> WhoCanReport {
    let list = |v: &[Answer]| {
        let mut out = v.iter().map(|a| principal_json(ix, a)).collect::<Vec<_>>();
        for p in &mut out {
            for g in &mut p.grants {
                if let Some(c) = &g.condition {
                    g.delegation = delegation_text(ix, &w.op.name, c);
                }
            }
        }
        out
    };
    WhoCanReport {
        schema_version: 1,
        operation: w.op.name.clone(),
        in_catalog: w.op.in_catalog(),
        scope: w.path.display.clone(),
        complete: w.complete(),
        warnings: w.warnings.iter().map(|x| x.text.clone()).collect(),
        principals: list(&w.at.allowed),
        denied: list(&w.at.denied),
        below: w.below.as_ref().map(|b| BelowJson {
            principals: list(&b.allowed),
            denied: list(&b.denied),
        }),
        eligible: list(&w.eligible.allowed),
        eligible_not_in_force: w
            .inactive
            .iter()
            .map(|(r, st)| inactive_json(ix, *r, *st))
            .collect(),
        pim_at: ix.inv.has(InputKind::Eligible).then(|| format_time(ix.at)),
        unevaluated: w
            .unevaluated
            .iter()
            .map(|u| unevaluated_json(ix, u))
            .collect(),
        inputs: inputs_json(ix),
        wildcards: ix.model.mode.as_str(),
        names: names_of(ix, w),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` of seconds since the Unix epoch.
pub fn format_time(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil date from days since 1970-01-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Display names (name, else sign-in name, else id) of every principal in the answer.
fn names_of(ix: &AccessIndex, w: &WhoCan) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut add = |p: u32| {
        let pr = ix.inv.principals.get(p);
        m.entry(pr.id.to_string())
            .or_insert_with(|| ix.principal_label(p).to_string());
    };
    let splits = std::iter::once(&w.at)
        .chain(w.below.as_ref())
        .chain(std::iter::once(&w.eligible));
    for sp in splits {
        for a in sp.allowed.iter().chain(&sp.denied) {
            add(a.principal);
            for g in &a.grants {
                g.via.iter().for_each(|p| add(*p));
            }
            for d in &a.denied_by {
                d.via.iter().for_each(|p| add(*p));
            }
        }
    }
    for u in &w.unevaluated {
        add(ix.inv.assignments[u.assignment as usize].principal);
    }
    for (r, _) in &w.inactive {
        add(ix.inv.pim[*r as usize].principal);
    }
    m
}

pub use super::access_who_can_table::{short_scope, table};
