//! `who-can` over a set of operations (a pattern, `--any`, `--category`): per principal, the
//! operations it can perform at S and the chains that grant them, sorted by severity.
//!
//! Operations whose grants and denies on the scope's path are the same (the same assignments
//! through the same entries, the same deny entries) have the same answer: they are grouped by
//! that signature and each group is answered once by [`who_can`], so a category of hundreds
//! of operations that roles reach through `*` costs a handful of queries.

use super::Warning;
use super::conditions::Target;
use super::index::AccessIndex;
use super::verdict::{OpQuery, role_verdicts};
use super::who_can::Unevaluated;
use super::who_can::{DenyHit, Grant, SetPrincipal, who_can_query, who_can_sets};

mod per_group;
#[cfg(test)]
mod tests;
use crate::analyses::risk::{RiskIndex, Severity};
use crate::effective::EntryRef;
use crate::model::Plane;
use crate::model::scope::ScopePath;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// One signature item: an assignment (0) or PIM eligibility (2) granting through an entry,
/// or a deny entry covering (1).
type SigItem = (u8, u32, Plane, bool, String, usize);

/// Verdicts per (is a deny, role or deny index) for one operation.
type VerdictCache = HashMap<(bool, u32), Vec<(Plane, bool, EntryRef)>>;

/// Operations answered together (their grants and denies on the path are the same).
#[derive(Debug, Clone)]
pub struct OpGroup {
    /// Indices into [`Many::ops`].
    pub ops: Vec<usize>,
}

/// One chain of a principal with the operations it grants at the scope.
#[derive(Debug, Clone)]
pub struct ManyChain {
    pub grant: Grant,
    /// The operation groups (indices into [`Many::groups`]) it grants, ascending.
    pub groups: Vec<usize>,
}

/// A principal in a many-operation answer.
#[derive(Debug, Clone)]
pub struct ManyPrincipal {
    pub principal: u32,
    /// Operations it can perform (indices into [`Many::ops`]), ascending.
    pub ops: Vec<usize>,
    /// Of those, the ones it holds only conditionally.
    pub conditional_ops: Vec<usize>,
    /// Operations a deny assignment stops for it.
    pub denied_ops: Vec<usize>,
    pub severity: Option<Severity>,
    pub chains: Vec<ManyChain>,
    /// Deny assignments that stop (or, conditionally, may stop) some of its grants.
    pub denied_by: Vec<DenyHit>,
    /// Audit-only deny assignments that match some of its grants.
    pub audited_by: Vec<DenyHit>,
    /// Groups (indices into [`Many::groups`]) that allow it, ascending.
    pub groups: Vec<usize>,
    /// Groups that stop it by a deny, ascending.
    pub denied_groups: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Many {
    pub ops: Vec<OpQuery>,
    /// Highest severity of each operation.
    pub severity: Vec<Option<Severity>>,
    /// Category indices of each operation.
    pub categories: Vec<Vec<usize>>,
    pub path: ScopePath,
    pub groups: Vec<OpGroup>,
    /// Principals allowed at least one operation, highest severity first.
    pub principals: Vec<ManyPrincipal>,
    /// Principals every grant of which a deny stops (for every operation they hold).
    pub denied: Vec<ManyPrincipal>,
    /// PIM: principals that could activate a grant of some operations they do not hold now
    /// (their `ops` and `groups` are those eligible ones).
    pub eligible: Vec<ManyPrincipal>,
    /// Assignments on the path whose role definition is unknown.
    pub unevaluated: Vec<Unevaluated>,
    pub warnings: Vec<Warning>,
}

impl Many {
    pub fn complete(&self) -> bool {
        !self.warnings.iter().any(|w| w.incomplete)
    }
}

/// The grants and denies of `q` on the path, as comparable data.
fn signature(
    ix: &AccessIndex,
    q: &OpQuery,
    path: &ScopePath,
    target: &Target,
    cache: &mut VerdictCache,
) -> Vec<SigItem> {
    let mut sig = Vec::new();
    let entry_key = |e: &EntryRef| (e.text.clone(), e.block);
    for &node in &path.nodes {
        for &ai in ix.assignments_at(node) {
            let a = &ix.inv.assignments[ai as usize];
            let Some(r) = ix.assignment_role(a) else {
                continue;
            };
            let v = role_sig(ix, q, cache, r);
            let cv = a
                .condition
                .map(|c| ix.assignment_condition_at(c, &q.name, target));
            if cv.as_ref().is_some_and(|c| c.is_false()) || v.is_empty() {
                continue;
            }
            // The residual is part of the answer: operations differing in it differ.
            let residual = cv
                .as_ref()
                .and_then(|c| c.residual())
                .map(str::to_string)
                .unwrap_or_default();
            for (plane, c, e) in v.iter() {
                let (t, b) = entry_key(e);
                sig.push((0, ai, *plane, *c, format!("{t}\u{0}{residual}"), b));
            }
        }
        // Eligibilities in force answer the eligible tier: part of the answer too.
        for &ri in ix.eligible_by_scope.row(node) {
            let rec = &ix.inv.pim[ri as usize];
            let Some(r) = ix.ref_role[rec.role as usize] else {
                continue;
            };
            if rec.in_force(ix.at) != crate::model::inventory::pim::InForce::Yes {
                continue;
            }
            let v = role_sig(ix, q, cache, r);
            let cv = rec
                .condition
                .map(|c| ix.assignment_condition_at(c, &q.name, target));
            if cv.as_ref().is_some_and(|c| c.is_false()) {
                continue;
            }
            let residual = cv
                .as_ref()
                .and_then(|c| c.residual())
                .map(str::to_string)
                .unwrap_or_default();
            for (plane, c, e) in v.iter() {
                let (t, b) = entry_key(e);
                sig.push((2, ri, *plane, *c, format!("{t}\u{0}{residual}"), b));
            }
        }
        for &d in ix.denies_at(node) {
            let da = &ix.inv.denies[d as usize];
            let v = cache.entry((true, d)).or_insert_with(|| {
                role_verdicts(&ix.model.index, &da.permissions, None, q, ix.model.mode)
                    .into_iter()
                    .map(|g| (g.plane, g.conditional, g.entry))
                    .collect()
            });
            let cv = ix.deny_condition_at(d, &q.name, target);
            if cv.is_false() {
                continue;
            }
            for (plane, c, e) in v.iter() {
                let (t, b) = entry_key(e);
                sig.push((1, d, *plane, *c || cv.is_unknown(), t, b));
            }
        }
    }
    sig
}

/// How role `r` grants `q` (cached per role for one operation).
fn role_sig<'c>(
    ix: &AccessIndex,
    q: &OpQuery,
    cache: &'c mut VerdictCache,
    r: u32,
) -> &'c Vec<(Plane, bool, EntryRef)> {
    cache.entry((false, r)).or_insert_with(|| {
        role_verdicts(
            &ix.model.index,
            ix.role_def(r),
            Some(&ix.roles[r as usize].effective),
            q,
            ix.model.mode,
        )
        .into_iter()
        .map(|g| (g.plane, g.conditional, g.entry))
        .collect()
    })
}

/// The principals of a many-operation answer, before sorting.
struct Tiers {
    principals: Vec<ManyPrincipal>,
    denied: Vec<ManyPrincipal>,
    eligible: Vec<ManyPrincipal>,
    warnings: BTreeSet<Warning>,
    unevaluated: Vec<Unevaluated>,
}

/// How the sets are answered: all at once with bitsets, or one [`who_can_query`] per set
/// (the baseline the first is tested and measured against).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sets,
    PerGroup,
}

/// Answers who can perform any of `ops` at `scope`. `risk` gives severities.
pub fn who_can_many(ix: &AccessIndex, ops: Vec<OpQuery>, scope: &str, risk: &RiskIndex) -> Many {
    who_can_many_with(ix, ops, scope, risk, Engine::Sets)
}

/// [`who_can_many`] with the engine chosen.
pub fn who_can_many_with(
    ix: &AccessIndex,
    ops: Vec<OpQuery>,
    scope: &str,
    risk: &RiskIndex,
    engine: Engine,
) -> Many {
    let path = ix.inv.scopes.path(scope);
    let target = Target::of(scope);
    // Group operations by signature; verdict caches are per operation.
    let mut by_sig: BTreeMap<Vec<SigItem>, Vec<usize>> = BTreeMap::new();
    for (i, q) in ops.iter().enumerate() {
        let mut cache = HashMap::new();
        let sig = signature(ix, q, &path, &target, &mut cache);
        // Operations nobody holds or could activate have no answer to give.
        if sig.iter().any(|s| s.0 != 1) {
            by_sig.entry(sig).or_default().push(i);
        }
    }
    let severity: Vec<Option<Severity>> = ops
        .iter()
        .map(|q| {
            q.ids
                .iter()
                .flatten()
                .filter_map(|id| risk.max_severity(*id))
                .max()
        })
        .collect();
    let categories: Vec<Vec<usize>> = ops
        .iter()
        .map(|q| {
            let mut c: Vec<usize> = q
                .ids
                .iter()
                .flatten()
                .flat_map(|id| risk.categories(*id).iter().copied())
                .collect();
            c.sort_unstable();
            c.dedup();
            c
        })
        .collect();

    let groups: Vec<OpGroup> = by_sig
        .into_values()
        .map(|members| OpGroup { ops: members })
        .collect();
    let Tiers {
        mut principals,
        mut denied,
        mut eligible,
        warnings: group_warnings,
        mut unevaluated,
    } = match engine {
        Engine::Sets => sets_tiers(ix, &ops, &groups, scope),
        Engine::PerGroup => per_group::tiers(ix, &ops, &groups, scope),
    };
    let finish = |p: &mut ManyPrincipal| {
        for v in [
            &mut p.ops,
            &mut p.conditional_ops,
            &mut p.denied_ops,
            &mut p.groups,
            &mut p.denied_groups,
        ] {
            v.sort_unstable();
            v.dedup();
        }
        for c in &mut p.chains {
            c.groups.sort_unstable();
            c.groups.dedup();
        }
        let held = if p.ops.is_empty() {
            &p.denied_ops
        } else {
            &p.ops
        };
        p.severity = held.iter().filter_map(|i| severity[*i]).max();
    };
    principals.iter_mut().for_each(finish);
    denied.iter_mut().for_each(finish);
    eligible.iter_mut().for_each(finish);
    let order = |a: &ManyPrincipal, b: &ManyPrincipal| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.ops.len().cmp(&a.ops.len()))
            .then_with(|| {
                ix.principal_rank[a.principal as usize]
                    .cmp(&ix.principal_rank[b.principal as usize])
            })
    };
    principals.sort_by(order);
    denied.sort_by(order);
    eligible.sort_by(order);

    let mut warnings = group_warnings;
    if groups.is_empty()
        && let Some(q) = ops.first()
    {
        // Nobody holds any of them: the input and path warnings still apply.
        let w = who_can_query(ix, q, scope, false);
        warnings.extend(
            w.warnings
                .into_iter()
                .filter(|w| !w.text.contains("is not in the operation catalog")),
        );
        unevaluated.extend(w.unevaluated);
    }
    let unknown = ops.iter().filter(|q| !q.in_catalog()).count();
    if unknown > 0 {
        warnings.insert(Warning::note(format!(
            "{} not in the operation catalog: evaluated anyway on both planes",
            if unknown == 1 {
                "1 operation is".to_string()
            } else {
                format!("{unknown} operations are")
            }
        )));
    }
    unevaluated.sort_by_key(|u| u.assignment);
    unevaluated.dedup_by_key(|u| u.assignment);
    Many {
        ops,
        unevaluated,
        severity,
        categories,
        path,
        groups,
        principals,
        denied,
        eligible,
        warnings: warnings.into_iter().collect(),
    }
}

impl ManyPrincipal {
    fn new(principal: u32) -> ManyPrincipal {
        ManyPrincipal {
            principal,
            ops: Vec::new(),
            conditional_ops: Vec::new(),
            denied_ops: Vec::new(),
            severity: None,
            chains: Vec::new(),
            denied_by: Vec::new(),
            audited_by: Vec::new(),
            groups: Vec::new(),
            denied_groups: Vec::new(),
        }
    }
}

/// The tiers from one pass over all sets ([`who_can_sets`]).
fn sets_tiers(ix: &AccessIndex, ops: &[OpQuery], groups: &[OpGroup], scope: &str) -> Tiers {
    let reps: Vec<&OpQuery> = groups.iter().map(|g| &ops[g.ops[0]]).collect();
    let ans = who_can_sets(ix, &reps, scope);
    let ops_of = |bits: &fixedbitset::FixedBitSet| -> Vec<usize> {
        bits.ones()
            .flat_map(|g| groups[g].ops.iter().copied())
            .collect()
    };
    let convert = |p: SetPrincipal| -> ManyPrincipal {
        let mut m = ManyPrincipal::new(p.principal);
        m.ops = ops_of(&p.allowed);
        m.groups = p.allowed.ones().collect();
        if !p.allowed.is_clear() {
            m.conditional_ops = ops_of(&p.conditional);
        }
        m.denied_ops = ops_of(&p.stopped);
        m.denied_groups = p.stopped.ones().collect();
        m.chains = p
            .chains
            .into_iter()
            .map(|c| ManyChain {
                groups: c.sets.ones().collect(),
                grant: c.grant,
            })
            .collect();
        m.denied_by = p.denied_by;
        m.audited_by = p.audited_by;
        m
    };
    let (mut principals, mut denied) = (Vec::new(), Vec::new());
    for p in ans.principals {
        if p.allowed.is_clear() {
            denied.push(convert(p));
        } else {
            principals.push(convert(p));
        }
    }
    Tiers {
        principals,
        denied,
        eligible: ans.eligible.into_iter().map(convert).collect(),
        warnings: ans.warnings.into_iter().collect(),
        unevaluated: ans.unevaluated,
    }
}
