//! `access PRINCIPAL --scope S`: every operation one principal can perform at S, each with
//! its chains (group path → assignment → role → entry), the operations a deny assignment
//! removes, and the risk categories of each operation when a taxonomy is given.

use super::index::{AccessIndex, Marks, closure};
use super::verdict::{OpQuery, role_verdicts};
use super::who_can::Unevaluated;
use super::{Warning, deny_group_warnings, input_warnings, path_warnings, plural};
use crate::analyses::risk::{RiskIndex, Taxonomy};
use crate::effective::{EntryRef, expand};
use crate::error::{Error, Result};
use crate::model::assignment::DenyEffect;
use crate::model::catalog::canonical_cmp;
use crate::model::scope::ScopePath;
use crate::model::{OpId, Pattern, Plane};
use fixedbitset::FixedBitSet;
use std::collections::{BTreeMap, HashMap};

/// One assignment that reaches the principal at the scope (the chain without its entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub assignment: u32,
    pub scope: u32,
    pub role: u32,
    /// Groups from the principal's direct group up to the assigned group (that one last).
    pub via: Vec<u32>,
    pub condition: Option<u32>,
}

/// One chain granting one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpGrant {
    /// Index into [`AccessAnswer::chains`].
    pub chain: usize,
    pub entry: EntryRef,
    pub conditional: bool,
}

/// A deny assignment that applies to the principal at the scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedDeny {
    pub deny: u32,
    pub everyone: bool,
    /// Groups from the principal to the deny's principal entry (that one last).
    pub via: Vec<u32>,
}

/// One operation the principal holds (or held before a deny).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpAccess {
    pub name: String,
    pub plane: Plane,
    /// Catalog id; `None` for a literal grant the catalog does not list.
    pub id: Option<OpId>,
    pub provider: String,
    /// Risk categories (indices into the taxonomy), when one was given.
    pub categories: Vec<usize>,
    pub grants: Vec<OpGrant>,
    /// Every grant is conditional, or a conditional deny may remove it.
    pub conditional: bool,
    /// Indices into [`AccessAnswer::denies`] of the denies that remove (or may remove) it.
    pub denied_by: Vec<(usize, EntryRef)>,
}

#[derive(Debug, Clone)]
pub struct AccessAnswer {
    pub principal: u32,
    /// Role assignments of the principal (or its groups) at scopes under the scope asked.
    pub below: usize,
    pub path: ScopePath,
    pub action: Option<String>,
    pub chains: Vec<Chain>,
    pub denies: Vec<AppliedDeny>,
    /// Operations the principal can perform (conditionally or not).
    pub allowed: Vec<OpAccess>,
    /// Operations a deny assignment removes.
    pub denied: Vec<OpAccess>,
    /// PIM eligibilities on the path the principal (or a group of it) could activate: (record
    /// index, group path, whether it is in force now).
    pub eligible: Vec<(u32, Vec<u32>, bool)>,
    pub unevaluated: Vec<Unevaluated>,
    pub warnings: Vec<Warning>,
}

impl AccessAnswer {
    pub fn complete(&self) -> bool {
        !self.warnings.iter().any(|w| w.incomplete)
    }
}

/// Finds a principal by id, or by display or sign-in name when the export carries names.
pub fn find_principal(ix: &AccessIndex, who: &str) -> Result<u32> {
    if let Some(p) = ix.inv.principals.find(who) {
        return Ok(p);
    }
    let hits = ix.inv.principals.by_name(who);
    match hits.as_slice() {
        [p] => Ok(*p),
        [] => {
            let names = ix
                .inv
                .principals
                .all()
                .iter()
                .filter_map(|p| p.name.as_deref().or(p.upn.as_deref()));
            let hint = crate::error::did_you_mean(who, names)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(Error::usage(format!(
                "no principal in the inventory has the id or name `{who}`{hint}"
            )))
        }
        many => {
            let ids: Vec<&str> = many
                .iter()
                .take(5)
                .map(|p| &*ix.inv.principals.get(*p).id)
                .collect();
            Err(Error::usage(format!(
                "{} principals are named `{who}`; give an id instead (e.g. {})",
                many.len(),
                ids.join(", ")
            )))
        }
    }
}

/// Groups from `p`'s direct group up to `g` (`g` last), from an upward closure.
fn up_path(marks: &Marks, g: u32) -> Vec<u32> {
    let mut v = marks.via(g);
    v.pop();
    v.reverse();
    if !marks.via(g).is_empty() {
        v.push(g);
    }
    v
}

type OpKey = (Plane, String);

/// Everything `principal` can do at `scope`, optionally limited to operations `action`
/// matches.
pub fn access_of(
    ix: &AccessIndex,
    principal: u32,
    scope: &str,
    action: Option<&Pattern>,
    risk: Option<(&Taxonomy, &RiskIndex)>,
) -> AccessAnswer {
    let model = ix.model;
    let index = &model.index;
    let path = ix.inv.scopes.path(scope);
    let mut marks = Marks::new(ix.inv.principals.len());
    let mut groups = Vec::new();
    closure(&ix.member_of, &[principal], &mut marks, &mut groups);

    let mut chains = Vec::new();
    let mut unevaluated = Vec::new();
    for &node in &path.nodes {
        for &ai in ix.assignments_at(node) {
            let a = &ix.inv.assignments[ai as usize];
            if !marks.contains(a.principal) {
                continue;
            }
            match ix.assignment_role(a) {
                Some(role) => chains.push(Chain {
                    assignment: ai,
                    scope: a.scope,
                    role,
                    via: up_path(&marks, a.principal),
                    condition: a.condition,
                }),
                None => {
                    let rr = &ix.inv.role_refs[a.role as usize];
                    unevaluated.push(Unevaluated {
                        assignment: ai,
                        reason: format!(
                            "role definition {} is neither a built-in role nor in the supplied role definitions",
                            rr.guid
                        ),
                    });
                }
            }
        }
    }

    // PIM eligibilities on the path that the principal (or a group of it) holds.
    let mut eligible = Vec::new();
    for &node in &path.nodes {
        for &ri in ix.eligible_by_scope.row(node) {
            let r = &ix.inv.pim[ri as usize];
            if marks.contains(r.principal) {
                let live = r.in_force(ix.at) == crate::model::inventory::pim::InForce::Yes;
                eligible.push((ri, up_path(&marks, r.principal), live));
            }
        }
    }

    // Assignments of the principal (or its groups) off the path: below S, or elsewhere.
    let on_path: std::collections::HashSet<u32> = path.nodes.iter().copied().collect();
    let mut elsewhere: BTreeMap<u32, usize> = BTreeMap::new();
    for a in &ix.inv.assignments {
        if marks.contains(a.principal) && !on_path.contains(&a.scope) {
            *elsewhere.entry(a.scope).or_default() += 1;
        }
    }
    let below: usize = match path.exact {
        Some(s) => ix
            .inv
            .scopes
            .descendants(s)
            .iter()
            .filter_map(|d| elsewhere.get(d))
            .sum(),
        None => 0,
    };
    let other: usize = elsewhere.values().sum::<usize>() - below;

    // The filter as a bitset over catalog operations.
    let filter: Option<FixedBitSet> = action.map(|p| {
        let mut f = index.empty_set();
        for plane in Plane::BOTH {
            index.resolve_into(p, plane, model.mode, &mut f);
        }
        f
    });
    let unknown_literal =
        action.filter(|p| p.is_literal() && !OpQuery::new(index, p.as_str()).in_catalog());

    let mut ops: BTreeMap<OpKey, OpAccess> = BTreeMap::new();
    let mut entry_cache: HashMap<(u32, OpKey), Option<(bool, EntryRef)>> = HashMap::new();
    for (ci, c) in chains.iter().enumerate() {
        let eff = &ix.roles[c.role as usize].effective;
        let def = ix.role_def(c.role);
        let mut named: Vec<(Plane, String, Option<OpId>)> = Vec::new();
        let mut set = eff.granted.clone();
        if let Some(f) = &filter {
            set.intersect_with(f);
        }
        for id in set.ones() {
            let id = id as OpId;
            named.push((
                index.catalog().op(id).plane,
                index.catalog().name(id).to_string(),
                Some(id),
            ));
        }
        for plane in Plane::BOTH {
            for u in &eff.unknown[plane as usize] {
                if action.is_none_or(|p| p.matches(&u.name, model.mode)) {
                    named.push((plane, u.name.clone(), None));
                }
            }
        }
        if let Some(p) = unknown_literal {
            let q = OpQuery::new(index, p.as_str());
            for pg in role_verdicts(index, def, None, &q, model.mode) {
                if !named
                    .iter()
                    .any(|(pl, n, _)| *pl == pg.plane && n.eq_ignore_ascii_case(&q.name))
                {
                    named.push((pg.plane, q.name.clone(), None));
                }
            }
        }
        for (plane, name, id) in named {
            let key = (plane, name.to_ascii_lowercase());
            let verdict = entry_cache
                .entry((c.role, key.clone()))
                .or_insert_with(|| {
                    let q = OpQuery::new(index, &name);
                    role_verdicts(index, def, None, &q, model.mode)
                        .into_iter()
                        .find(|pg| pg.plane == plane)
                        .map(|pg| (pg.conditional, pg.entry))
                })
                .clone();
            let Some((cond, entry)) = verdict else {
                continue;
            };
            // The assignment's condition for this operation: false grants nothing here.
            let cv = c.condition.map(|x| ix.assignment_condition(x, &name));
            if cv.as_ref().is_some_and(|v| v.is_false()) {
                continue;
            }
            let op = ops.entry(key).or_insert_with(|| OpAccess {
                provider: match id {
                    Some(id) => index.catalog().provider_name(id).to_string(),
                    None => name.split('/').next().unwrap_or(&name).to_string(),
                },
                categories: match (risk, id) {
                    (Some((_, ri)), Some(id)) => ri.categories(id).to_vec(),
                    (Some((t, _)), None) => t.classify_name(&name, plane, model.mode),
                    _ => Vec::new(),
                },
                name: name.clone(),
                plane,
                id,
                grants: Vec::new(),
                conditional: true,
                denied_by: Vec::new(),
            });
            let conditional = cond || cv.as_ref().is_some_and(|v| v.is_unknown());
            op.conditional &= conditional;
            op.grants.push(OpGrant {
                chain: ci,
                entry,
                conditional,
            });
        }
    }

    // Deny assignments on the path that name the principal (or a group of it, or everyone)
    // and do not exclude it.
    let mut denies = Vec::new();
    let mut deny_ops: Vec<(usize, crate::effective::Effective)> = Vec::new();
    let mut deny_notes = Vec::new();
    for (k, &node) in path.nodes.iter().enumerate() {
        for &d in ix.denies_at(node) {
            let da = &ix.inv.denies[d as usize];
            if da.do_not_apply_to_child_scopes && !(k == 0 && path.exact == Some(node)) {
                continue;
            }
            deny_notes.extend(deny_group_warnings(ix, d));
            if da.exclude.iter().any(|x| marks.contains(*x)) {
                continue;
            }
            let through = da
                .principals
                .iter()
                .copied()
                .filter(|x| marks.contains(*x))
                .min_by_key(|x| marks.via(*x).len());
            if !da.everyone && through.is_none() {
                continue;
            }
            denies.push(AppliedDeny {
                deny: d,
                everyone: da.everyone,
                via: if da.everyone {
                    Vec::new()
                } else {
                    through.map(|t| up_path(&marks, t)).unwrap_or_default()
                },
            });
            deny_ops.push((denies.len() - 1, expand(index, &da.permissions, model.mode)));
        }
    }
    let mut allowed = Vec::new();
    let mut denied = Vec::new();
    for ((plane, _), mut op) in ops {
        let mut hard = false;
        for (di, eff) in &deny_ops {
            let da = &ix.inv.denies[denies[*di].deny as usize];
            let q = OpQuery::new(index, &op.name);
            let audit = da.effect == DenyEffect::Audit;
            let Some(pg) = role_verdicts(index, &da.permissions, Some(eff), &q, model.mode)
                .into_iter()
                .find(|pg| pg.plane == plane)
            else {
                continue;
            };
            op.denied_by.push((*di, pg.entry));
            if audit {
                // Logs the request, blocks nothing: listed, never removes the operation.
            } else if ix.deny_condition(denies[*di].deny, &op.name).is_false() {
                // Its condition excludes this operation: the deny does not apply to it.
                op.denied_by.pop();
            } else if ix.deny_condition(denies[*di].deny, &op.name).is_unknown()
                || matches!(da.effect, DenyEffect::Other(_))
            {
                op.conditional = true;
            } else {
                hard = true;
            }
        }
        if hard {
            denied.push(op)
        } else {
            allowed.push(op)
        }
    }
    let order = |a: &OpAccess, b: &OpAccess| {
        a.plane
            .cmp(&b.plane)
            .then_with(|| canonical_cmp(&a.name, &b.name))
    };
    allowed.sort_by(order);
    denied.sort_by(order);

    let mut warnings = input_warnings(ix);
    warnings.extend(path_warnings(ix, &path));
    deny_notes.sort();
    deny_notes.dedup();
    warnings.extend(deny_notes);
    if !unevaluated.is_empty() {
        warnings.push(Warning::incomplete(format!(
            "{} of this principal on the path {} a role definition azrbac does not have: not evaluated (see `unevaluated`)",
            plural(unevaluated.len(), "role assignment"),
            if unevaluated.len() == 1 { "names" } else { "name" }
        )));
    }
    if below > 0 {
        warnings.push(Warning::note(format!(
            "{} of this principal (or its groups) {} below this scope and {} not counted here: `access --everywhere` lists every scope where it holds grants",
            plural(below, "role assignment"),
            if below == 1 { "sits" } else { "sit" },
            if below == 1 { "is" } else { "are" }
        )));
    }
    if other > 0 && allowed.is_empty() && denied.is_empty() {
        warnings.push(Warning::note(format!(
            "{} of this principal (or its groups) {} at scopes outside this one: `access --everywhere` lists them",
            plural(other, "role assignment"),
            if other == 1 { "sits" } else { "sit" }
        )));
    }
    let cond = allowed.iter().filter(|o| o.conditional).count();
    if cond > 0 {
        warnings.push(Warning::incomplete(format!(
            "{} granted only conditionally: an assignment or deny condition depends on attributes azrbac cannot know offline (see `condition`), or a role grants it only in a block with a condition",
            if cond == 1 { "1 operation is".to_string() } else { format!("{cond} operations are") }
        )));
    }
    AccessAnswer {
        principal,
        below,
        eligible,
        path,
        action: action.map(|p| p.as_str().to_string()),
        chains,
        denies,
        allowed,
        denied,
        unevaluated,
        warnings,
    }
}

/// Every scope where `principal` (or a group of it) holds a role assignment, each with what
/// the principal can do there (inherited grants included), highest severity first.
pub fn access_everywhere(
    ix: &AccessIndex,
    principal: u32,
    action: Option<&Pattern>,
    risk: Option<(&Taxonomy, &RiskIndex)>,
) -> Vec<AccessAnswer> {
    let mut marks = Marks::new(ix.inv.principals.len());
    let mut groups = Vec::new();
    closure(&ix.member_of, &[principal], &mut marks, &mut groups);
    let mut scopes: Vec<u32> = ix
        .inv
        .assignments
        .iter()
        .filter(|a| marks.contains(a.principal))
        .map(|a| a.scope)
        .collect();
    scopes.sort_unstable_by_key(|s| ix.scope_rank[*s as usize]);
    scopes.dedup();
    scopes
        .into_iter()
        .map(|s| access_of(ix, principal, ix.inv.scopes.display(s), action, risk))
        .collect()
}
