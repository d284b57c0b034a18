//! The naive who-can: the rules of spec section 2.6 applied literally to every principal —
//! transitive groups by fixpoint, ancestors by walking scope strings and the management-group
//! export, every entry of every role matched with the reference matcher. No index, no
//! bitsets. Property tests compare [`super::who_can`] with it.

use crate::data::Model;
use crate::model::condition::Tri;
use crate::model::inventory::Inventory;
use crate::model::scope::{ScopeKind, kind_of, normalize, structural_parent};
use crate::model::{Field, Plane, RoleDefinition};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The naive answer: who is allowed (with which (assignment, plane) grants and whether
/// every one is conditional) and who holds grants that deny assignments all block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NaiveAnswer {
    pub allowed: BTreeMap<u32, (bool, BTreeSet<(u32, Plane)>)>,
    pub denied: BTreeSet<u32>,
}

/// Whether a role (or deny permissions) covers `op` on `plane`: `Some(conditional)`.
pub fn covers(model: &Model, role: &RoleDefinition, op: &str, plane: Plane) -> Option<bool> {
    let cat = model.index.catalog();
    let here = cat.find(plane, op).is_some();
    let other = match plane {
        Plane::Control => Plane::Data,
        Plane::Data => Plane::Control,
    };
    let elsewhere = cat.find(other, op).is_some();
    let mut any_grant = false;
    let mut literal = false;
    let mut result: Option<bool> = None;
    for block in &role.permissions {
        let grants: Vec<_> = block
            .list(Field::grant(plane))
            .iter()
            .filter(|e| e.pattern.matches(op, model.mode))
            .collect();
        let removals: Vec<_> = block
            .list(Field::exclusion(plane))
            .iter()
            .filter(|e| e.pattern.matches(op, model.mode))
            .collect();
        any_grant |= !grants.is_empty();
        literal |= grants
            .iter()
            .chain(&removals)
            .any(|e| e.pattern.is_literal());
        if !grants.is_empty() && removals.is_empty() {
            // The block's conditions (its own and the role's), read by the rules' evaluator.
            let conditional = if role.block_conditional(block) {
                let own = [role.condition.as_deref(), block.condition.as_deref()];
                let v: Vec<Tri> = own
                    .iter()
                    .flatten()
                    .map(|t| naive_condition(model, t, op, ""))
                    .collect();
                if v.contains(&Tri::False) {
                    continue;
                }
                v.contains(&Tri::Unknown)
            } else {
                false
            };
            result = Some(result.map_or(conditional, |c| c && conditional));
        }
    }
    if !here && (!any_grant || (elsewhere && !literal)) {
        return None;
    }
    result
}

/// The ancestors-or-self of a scope (lower-cased): structural parents from the string,
/// subscriptions and management groups placed by the export, then `/`.
fn ancestors(placement: &HashMap<String, Option<String>>, scope: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = normalize(scope).to_ascii_lowercase();
    loop {
        if out.contains(&cur) {
            break;
        }
        out.push(cur.clone());
        if cur == "/" {
            break;
        }
        cur = match structural_parent(&cur) {
            Some(p) => p.to_string(),
            None => match placement.get(&cur) {
                Some(Some(p)) => p.clone(),
                _ => "/".to_string(),
            },
        };
    }
    out
}

/// The management-group export as lower-cased child → parent strings.
fn placement_of(inv: &Inventory) -> HashMap<String, Option<String>> {
    let s = &inv.scopes;
    inv.placement
        .iter()
        .map(|(c, p)| {
            (
                s.display(*c).to_ascii_lowercase(),
                p.map(|p| s.display(p).to_ascii_lowercase()),
            )
        })
        .collect()
}

/// Who can perform `op` at `scope` or anywhere under it, by the rules: the union of the
/// answers at the scope, at every scope of the inventory whose ancestry (from the string and
/// the management-group export) passes through it, and at a probe child of each of those that
/// is not a management group (where denies with `doNotApplyToChildScopes` no longer apply).
pub fn who_can_at_or_below_naive(
    model: &Model,
    inv: &Inventory,
    op: &str,
    scope: &str,
) -> BTreeSet<u32> {
    let placement = placement_of(inv);
    let target = normalize(scope).to_ascii_lowercase();
    let mut scopes = vec![target.clone()];
    for i in 0..inv.scopes.len() as u32 {
        let d = inv.scopes.display(i).to_ascii_lowercase();
        if d != target && ancestors(&placement, &d).contains(&target) {
            scopes.push(d);
        }
    }
    let mut out = BTreeSet::new();
    for t in &scopes {
        out.extend(who_can_naive(model, inv, op, t).allowed.keys());
        if kind_of(t) != ScopeKind::ManagementGroup {
            let base = if t == "/" { "" } else { t.as_str() };
            let probe = format!("{base}/providers/Azrbac.Test/probes/p");
            out.extend(who_can_naive(model, inv, op, &probe).allowed.keys());
        }
    }
    out
}

/// A grant source for the naive rules: a role assignment, or an eligibility treated as one.
struct Source<'a> {
    index: u32,
    principal: u32,
    scope: u32,
    role: &'a str,
    condition: Option<&'a str>,
}

/// The rules' own three-valued reading of a condition for one operation, with nothing known
/// of the request: `ActionMatches` is decided by matching the operation; `SubOperationMatches`
/// is false for an operation without suboperations (only three blob actions have them); a
/// container's (queue's) name is known when the target `scope` is one, and compared with
/// `StringEquals` / `StringNotEquals` (and their `IgnoreCase` forms); everything else is
/// unknown; `!`, `AND` and `OR` combine by Kleene's tables. A condition that does not parse is
/// unknown.
pub fn naive_condition(model: &Model, text: &str, op: &str, scope: &str) -> Tri {
    use crate::model::condition::Condition;
    use crate::model::condition::ast::{BaseOp, Cmp, Expr, Family, Operand, Source, Value};
    // The container (queue) the target names, if it is one: …/storageAccounts/A/S/default/C/N.
    let low = scope.to_ascii_lowercase();
    let parts: Vec<&str> = low.split('/').collect();
    let named = |service: &str, child: &str| -> Option<String> {
        (2..parts.len()).find_map(|i| {
            (parts[i] == service
                && parts[i - 2] == "storageaccounts"
                && parts.get(i + 2) == Some(&child))
            .then(|| parts.get(i + 3).map(|s| s.to_string()))
            .flatten()
        })
    };
    let known = [
        (
            "microsoft.storage/storageaccounts/blobservices/containers:name",
            named("blobservices", "containers"),
        ),
        (
            "microsoft.storage/storageaccounts/queueservices/queues:name",
            named("queueservices", "queues"),
        ),
    ];
    let eval = |e: &Expr, op: &str| -> Tri { eval_with(model, e, op, &known) };
    fn eval_with(model: &Model, e: &Expr, op: &str, known: &[(&str, Option<String>); 2]) -> Tri {
        let eval = |e: &Expr, op: &str| eval_with(model, e, op, known);
        match e {
            Expr::Or(xs) => {
                let v: Vec<Tri> = xs.iter().map(|x| eval(x, op)).collect();
                if v.contains(&Tri::True) {
                    Tri::True
                } else if v.iter().all(|t| *t == Tri::False) {
                    Tri::False
                } else {
                    Tri::Unknown
                }
            }
            Expr::And(xs) => {
                let v: Vec<Tri> = xs.iter().map(|x| eval(x, op)).collect();
                if v.contains(&Tri::False) {
                    Tri::False
                } else if v.iter().all(|t| *t == Tri::True) {
                    Tri::True
                } else {
                    Tri::Unknown
                }
            }
            Expr::Not(x) => match eval(x, op) {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Unknown => Tri::Unknown,
            },
            Expr::ActionMatches(p) => match crate::model::Pattern::parse(p) {
                Ok(pat) if pat.matches(op, model.mode) => Tri::True,
                Ok(_) => Tri::False,
                Err(_) => Tri::Unknown,
            },
            Expr::SubOperationMatches(_) => {
                let with_subs = [
                    "microsoft.storage/storageaccounts/blobservices/containers/blobs/read",
                    "microsoft.storage/storageaccounts/blobservices/containers/blobs/write",
                    "microsoft.storage/storageaccounts/blobservices/containers/blobs/add/action",
                ];
                if with_subs.contains(&op.to_ascii_lowercase().as_str()) {
                    Tri::Unknown
                } else {
                    Tri::False
                }
            }
            Expr::Compare {
                left: Operand::Attr(a),
                op: o,
                right: Operand::Value(Value::Str(v)),
            } if a.source == Source::Resource && o.quant.is_none() => {
                let name = a.name.trim().to_ascii_lowercase();
                let Some(Some(have)) = known.iter().find(|k| k.0 == name).map(|k| &k.1) else {
                    return Tri::Unknown;
                };
                let BaseOp::Known(k) = &o.base else {
                    return Tri::Unknown;
                };
                let same = if k.ignore_case {
                    have.eq_ignore_ascii_case(v)
                } else {
                    have == v
                };
                match (k.family, k.cmp) {
                    (Family::String, Cmp::Equals) => Tri::from_bool(same),
                    (Family::String, Cmp::NotEquals) => Tri::from_bool(!same),
                    _ => Tri::Unknown,
                }
            }
            _ => Tri::Unknown,
        }
    }
    match Condition::parse(text.trim()) {
        Ok(c) => eval(c.expr(), op),
        Err(_) => Tri::Unknown,
    }
}

/// Who can perform `op` at `scope`, by the rules.
pub fn who_can_naive(model: &Model, inv: &Inventory, op: &str, scope: &str) -> NaiveAnswer {
    let sources: Vec<Source> = inv
        .assignments
        .iter()
        .enumerate()
        .map(|(i, a)| Source {
            index: i as u32,
            principal: a.principal,
            scope: a.scope,
            role: &inv.role_refs[a.role as usize].guid,
            condition: a.condition.map(|c| inv.conditions.get(c)),
        })
        .collect();
    naive_with(model, inv, op, scope, &sources)
}

/// PIM by the rules: the principals not allowed `op` at `scope` now who would be if they
/// activated the eligibilities in force at `at` (start ≤ at < end, status provisioned), each
/// with whether all its grants would be conditional; grants are eligibility indices.
pub fn who_can_eligible_naive(
    model: &Model,
    inv: &Inventory,
    op: &str,
    scope: &str,
    at: i64,
) -> BTreeMap<u32, (bool, BTreeSet<(u32, Plane)>)> {
    let now = who_can_naive(model, inv, op, scope);
    let sources: Vec<Source> = inv
        .pim
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.kind == crate::model::inventory::pim::PimKind::Eligible
                && r.status
                    .as_deref()
                    .is_none_or(|s| s.trim().eq_ignore_ascii_case("provisioned"))
                && r.start.is_none_or(|s| s <= at)
                && r.end.is_none_or(|e| e > at)
        })
        .map(|(i, r)| Source {
            index: i as u32,
            principal: r.principal,
            scope: r.scope,
            role: &inv.role_refs[r.role as usize].guid,
            condition: r.condition.map(|c| inv.conditions.get(c)),
        })
        .collect();
    let mut out = naive_with(model, inv, op, scope, &sources).allowed;
    out.retain(|p, _| !now.allowed.contains_key(p));
    out
}

fn naive_with(
    model: &Model,
    inv: &Inventory,
    op: &str,
    scope: &str,
    sources: &[Source],
) -> NaiveAnswer {
    let op = op.trim();
    let s = &inv.scopes;
    let placement = placement_of(inv);
    let up: HashSet<String> = ancestors(&placement, scope).into_iter().collect();
    let target = normalize(scope).to_ascii_lowercase();
    let planes: Vec<Plane> = Plane::BOTH.to_vec();
    let role_of = |guid: &str| -> Option<&RoleDefinition> {
        inv.roles
            .iter()
            .find(|r| r.guid.as_deref() == Some(guid))
            .or_else(|| model.builtins.by_guid(guid))
    };
    let mut out = NaiveAnswer::default();
    for p in 0..inv.principals.len() as u32 {
        // G = {P} ∪ groups*(P), by fixpoint.
        let mut g: BTreeSet<u32> = BTreeSet::from([p]);
        loop {
            let before = g.len();
            for grp in &inv.groups {
                if grp.members.iter().any(|m| g.contains(m)) {
                    g.insert(grp.principal);
                }
            }
            if g.len() == before {
                break;
            }
        }
        let mut grants: Vec<(u32, Plane, bool)> = Vec::new();
        for a in sources {
            if !g.contains(&a.principal) || !up.contains(&s.display(a.scope).to_ascii_lowercase()) {
                continue;
            }
            let Some(role) = role_of(a.role) else {
                continue;
            };
            // The condition, decided for this operation (false: no grant).
            let cond = match a.condition.map(|t| naive_condition(model, t, op, scope)) {
                None | Some(Tri::True) => false,
                Some(Tri::False) => continue,
                Some(Tri::Unknown) => true,
            };
            for &plane in &planes {
                if let Some(c) = covers(model, role, op, plane) {
                    grants.push((a.index, plane, c || cond));
                }
            }
        }
        if grants.is_empty() {
            continue;
        }
        let mut hard: BTreeSet<Plane> = BTreeSet::new();
        let mut soft = false;
        for d in &inv.denies {
            if d.effect == crate::model::assignment::DenyEffect::Audit {
                continue;
            }
            let ds = s.display(d.scope).to_ascii_lowercase();
            if !up.contains(&ds) || (d.do_not_apply_to_child_scopes && ds != target) {
                continue;
            }
            if !(d.everyone || d.principals.iter().any(|x| g.contains(x)))
                || d.exclude.iter().any(|x| g.contains(x))
            {
                continue;
            }
            for &plane in &planes {
                if covers(model, &d.permissions, op, plane).is_some()
                    && grants.iter().any(|x| x.1 == plane)
                {
                    let dc = d
                        .condition
                        .as_deref()
                        .map(|t| naive_condition(model, t, op, scope));
                    if dc == Some(Tri::False) {
                        continue;
                    }
                    if dc == Some(Tri::Unknown)
                        || matches!(d.effect, crate::model::assignment::DenyEffect::Other(_))
                    {
                        soft = true;
                    } else {
                        hard.insert(plane);
                    }
                }
            }
        }
        let kept: Vec<&(u32, Plane, bool)> =
            grants.iter().filter(|x| !hard.contains(&x.1)).collect();
        if kept.is_empty() {
            out.denied.insert(p);
        } else {
            let conditional = kept.iter().all(|x| x.2) || soft;
            out.allowed
                .insert(p, (conditional, kept.iter().map(|x| (x.0, x.1)).collect()));
        }
    }
    out
}
