//! `who-can OPERATION --scope S`: every principal holding a grant of the operation at S (or,
//! with `below`, only at scopes under S), each grant with its chain — principal → group path →
//! assignment (scope) → role → entry — and the principals a deny assignment stops, with the
//! deny that stops them.

use super::conditions::Target;
use super::index::{AccessIndex, Marks, closure};
use super::verdict::{OpQuery, PlaneGrant, role_verdicts};
use super::{Warning, deny_group_warnings, input_warnings, path_warnings, plural};
use crate::effective::EntryRef;
use crate::model::Plane;
use crate::model::assignment::{DenyEffect, PrincipalType};
use crate::model::inventory::InputKind;
use crate::model::inventory::pim::InForce;
use crate::model::scope::{ScopeKind, ScopePath};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

mod denies;
mod seeds;
mod sets;
pub use sets::{SetChain, SetPrincipal, SetsAnswer, who_can_sets};
use std::sync::Arc;

/// One way a principal holds the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub assignment: u32,
    /// Scope node of the assignment.
    pub scope: u32,
    /// Resolved role.
    pub role: u32,
    /// Groups from the principal's direct group to the group holding the assignment (that
    /// group last); empty when the assignment names the principal itself.
    pub via: Arc<[u32]>,
    /// `via` was cut at [`super::index::VIA_MAX`] groups; the path goes on from its last group.
    pub via_cut: bool,
    pub plane: Plane,
    pub entry: Arc<EntryRef>,
    /// The assignment carries a condition, or the role grants it only in conditional blocks.
    pub conditional: bool,
    /// The assignment's condition (index into the inventory's conditions), if any.
    pub condition: Option<u32>,
    /// What is left of the condition for this operation when azrbac cannot decide it.
    pub residual: Option<Arc<str>>,
    /// `assignment` indexes the inventory's PIM records (an eligibility), not its role
    /// assignments.
    pub pim: bool,
    /// In `below` answers: the grant is stopped at this scope node itself, only by deny
    /// assignments with `doNotApplyToChildScopes`, so it applies to the scopes under it.
    pub only_below: Option<u32>,
    /// In `denied` lists: the deny assignment that stops this grant.
    pub stopped_by: Option<u32>,
}

/// A deny assignment that covers a principal for the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyHit {
    pub deny: u32,
    pub plane: Plane,
    /// The deny's entry that matches the operation.
    pub entry: EntryRef,
    /// The deny names everyone.
    pub everyone: bool,
    /// Groups from the principal to the deny's principal entry (that entry last); empty when
    /// the deny names the principal itself (or everyone).
    pub via: Vec<u32>,
    /// `via` was cut at [`super::index::VIA_MAX`] groups.
    pub via_cut: bool,
    /// The deny carries a condition azrbac does not evaluate (or an effect it does not
    /// know): it may not apply.
    pub conditional: bool,
    /// The deny's effect is `audit`: it logs the request and blocks nothing.
    pub audit: bool,
}

/// One principal in an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub principal: u32,
    /// Every grant is conditional, or a conditional deny may stop it.
    pub conditional: bool,
    pub grants: Vec<Grant>,
    pub denied_by: Vec<DenyHit>,
    /// Audit-only deny assignments that match (they log the request, block nothing).
    pub audited_by: Vec<DenyHit>,
}

/// An assignment on the path whose role definition is unknown: not evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unevaluated {
    pub assignment: u32,
    pub reason: String,
}

/// Principals (allowed and denied) for one set of grants.
#[derive(Debug, Clone, Default)]
pub struct Split {
    pub allowed: Vec<Answer>,
    pub denied: Vec<Answer>,
}

#[derive(Debug, Clone)]
pub struct WhoCan {
    pub op: OpQuery,
    pub path: ScopePath,
    /// Principals that can perform the operation at the scope (conditionally or not).
    pub at: Split,
    /// With `below`: grants that apply only to scopes under the scope.
    pub below: Option<Split>,
    /// PIM: principals not allowed now that could activate an eligible grant (in force at
    /// the index's moment); `denied` is always empty.
    pub eligible: Split,
    /// Eligible records on the path that would grant the operation but are not in force
    /// (expired, future, or not provisioned).
    pub inactive: Vec<(u32, InForce)>,
    pub unevaluated: Vec<Unevaluated>,
    pub warnings: Vec<Warning>,
}

impl WhoCan {
    /// False when anything the answer depends on was not evaluated or not supplied.
    pub fn complete(&self) -> bool {
        !self.warnings.iter().any(|w| w.incomplete)
    }
}

/// The planes and entries by which one role grants the operation.
type RoleGrants = Arc<[(Plane, bool, Arc<EntryRef>)]>;

struct Seed {
    assignment: u32,
    principal: u32,
    scope: u32,
    role: u32,
    plane: Plane,
    conditional: bool,
    entry: Arc<EntryRef>,
    condition: Option<u32>,
    residual: Option<Arc<str>>,
    pim: bool,
}

struct DenyCover {
    planes: Vec<PlaneGrant>,
    /// `None`: the deny names everyone.
    covered: Option<Marks>,
    excluded: Marks,
    conditional: bool,
    audit: bool,
}

/// Target key for the query scope itself (which need not be a node).
const AT: u32 = u32::MAX;

struct Ctx<'a, 'm> {
    ix: &'a AccessIndex<'m>,
    q: &'a OpQuery,
    roles: HashMap<u32, RoleGrants>,
    covers: HashMap<u32, Option<DenyCover>>,
    deny_lists: HashMap<u32, Vec<u32>>,
    marks: Marks,
    buf: Vec<u32>,
    warnings: BTreeSet<Warning>,
    /// Principals with no type in any input, and groups the group export lacks (with the
    /// group that names them): one warning each kind, with a count (see `gap_warnings`).
    untyped: BTreeSet<u32>,
    missing_groups: BTreeMap<u32, Option<u32>>,
    unevaluated: Vec<Unevaluated>,
    seen_unevaluated: HashSet<u32>,
    /// What the target's id tells conditions about the resource.
    target: Target,
}

impl<'a, 'm> Ctx<'a, 'm> {
    fn new(ix: &'a AccessIndex<'m>, q: &'a OpQuery) -> Self {
        Self::with_marks(ix, q, ix.inv.principals.len())
    }

    /// A context that gathers seeds and never walks groups (no marks to allocate).
    fn new_unmarked(ix: &'a AccessIndex<'m>, q: &'a OpQuery) -> Self {
        Self::with_marks(ix, q, 0)
    }

    fn with_marks(ix: &'a AccessIndex<'m>, q: &'a OpQuery, n: usize) -> Self {
        Ctx {
            ix,
            q,
            roles: HashMap::new(),
            covers: HashMap::new(),
            deny_lists: HashMap::new(),
            marks: Marks::new(n),
            buf: Vec::new(),
            warnings: BTreeSet::new(),
            untyped: BTreeSet::new(),
            missing_groups: BTreeMap::new(),
            unevaluated: Vec::new(),
            seen_unevaluated: HashSet::new(),
            target: Target::default(),
        }
    }
}

fn push_unique(list: &mut Vec<DenyHit>, h: DenyHit) {
    if !list.iter().any(|x| x.deny == h.deny && x.plane == h.plane) {
        list.push(h);
    }
}

fn answer(principal: u32, grants: Vec<Grant>, denied_by: Vec<DenyHit>) -> Answer {
    Answer {
        principal,
        conditional: grants.iter().all(|g| g.conditional),
        grants,
        denied_by,
        audited_by: Vec::new(),
    }
}

/// Answers who can perform `op` at `scope` (and, with `below`, only under it).
pub fn who_can(ix: &AccessIndex, op: &str, scope: &str, below: bool) -> WhoCan {
    who_can_query(ix, &OpQuery::new(&ix.model.index, op), scope, below)
}

/// [`who_can`] for an operation already looked up in the catalog.
pub fn who_can_query(ix: &AccessIndex, q: &OpQuery, scope: &str, below: bool) -> WhoCan {
    let path = ix.inv.scopes.path(scope);
    let mut ctx = Ctx::new(ix, q);
    ctx.target = Target::of(scope);
    let mut seeds = Vec::new();
    for &node in &path.nodes {
        ctx.seeds_at(node, &mut seeds);
    }
    let reached = ctx.reach(seeds);
    ctx.deny_list(AT, &path.nodes, path.exact);
    let at = ctx.split(reached, |_| (AT, path.exact), false);
    // PIM eligibilities: who could activate a grant, and is not allowed already.
    let mut eseeds = Vec::new();
    let mut inactive = Vec::new();
    for &node in &path.nodes {
        ctx.eligible_seeds_at(node, &mut eseeds, &mut inactive);
    }
    let mut eligible = if eseeds.is_empty() {
        Split::default()
    } else {
        let reached = ctx.reach(eseeds);
        ctx.split(reached, |_| (AT, path.exact), false)
    };
    {
        let now: HashSet<u32> = at.allowed.iter().map(|a| a.principal).collect();
        eligible.allowed.retain(|a| !now.contains(&a.principal));
        eligible.denied.clear();
    }
    inactive.sort_unstable();
    let below = if below {
        let mut seeds = Vec::new();
        if let Some(s) = path.exact {
            // An assignment under S is decided at its own scope (its container, say).
            let at_s = std::mem::take(&mut ctx.target);
            for t in ix.inv.scopes.descendants(s) {
                ctx.target = Target::of(ix.inv.scopes.display(t));
                ctx.seeds_at(t, &mut seeds);
            }
            ctx.target = at_s;
        }
        let targets: BTreeSet<u32> = seeds.iter().map(|s| s.scope).collect();
        for t in targets {
            let nodes = ix.inv.scopes.ancestors(t);
            ctx.deny_list(t, &nodes, Some(t));
        }
        let mut reached = ctx.reach(seeds);
        let mut split = ctx.split(
            std::mem::take(&mut reached),
            |g| (g.scope, Some(g.scope)),
            true,
        );
        // Principals stopped at S only by denies that do not apply to child scopes can still
        // act under S.
        if path.exact.is_some() {
            for a in &at.denied {
                reached.insert(a.principal, a.grants.clone());
            }
            let under_s = ctx.split(reached, |_| (AT, path.exact), true);
            for a in under_s.allowed {
                match split
                    .allowed
                    .iter_mut()
                    .find(|x| x.principal == a.principal)
                {
                    Some(x) => {
                        x.conditional &= a.conditional;
                        x.grants.extend(a.grants);
                        for h in a.denied_by {
                            push_unique(&mut x.denied_by, h);
                        }
                        for h in a.audited_by {
                            push_unique(&mut x.audited_by, h);
                        }
                    }
                    None => split.allowed.push(a),
                }
            }
            ctx.sort(&mut split.allowed);
        }
        Some(split)
    } else {
        None
    };
    let mut warnings = input_warnings(ix);
    warnings.extend(path_warnings(ix, &path));
    if below.is_some()
        && path.kind == ScopeKind::ManagementGroup
        && ix.inv.has(InputKind::ManagementGroups)
    {
        let s = &ix.inv.scopes;
        let stray = (0..s.len() as u32)
            .filter(|i| {
                let n = s.node(*i);
                !n.placed && matches!(n.kind, ScopeKind::Subscription | ScopeKind::ManagementGroup)
            })
            .count();
        if stray > 0 {
            warnings.push(Warning::incomplete(format!(
                "{} the inputs name {} not placed by the management-group export: grants under {} are not reported below {}, though {} may lie under it",
                if stray == 1 {
                    "1 subscription or management group".to_string()
                } else {
                    format!("{stray} subscriptions or management groups")
                },
                if stray == 1 { "is" } else { "are" },
                if stray == 1 { "it" } else { "them" },
                path.display,
                if stray == 1 { "it" } else { "they" },
            )));
        }
    }
    if !q.in_catalog() {
        warnings.push(Warning::note(format!(
            "`{}` is not in the operation catalog: evaluated anyway on both planes (a literal entry grants exactly this name; wildcards that match it grant it)",
            q.name
        )));
    }
    if !ctx.unevaluated.is_empty() {
        warnings.push(Warning::incomplete(format!(
            "{} on the path {} a role definition azrbac does not have: not evaluated (see `unevaluated`)",
            plural(ctx.unevaluated.len(), "role assignment"),
            if ctx.unevaluated.len() == 1 { "names" } else { "name" }
        )));
    }
    let conditional = at
        .allowed
        .iter()
        .chain(below.iter().flat_map(|b| b.allowed.iter()))
        .flat_map(|a| &a.grants)
        .filter(|g| g.conditional)
        .count();
    if conditional > 0 {
        warnings.push(Warning::incomplete(format!(
            "{} conditional: an assignment condition depends on request, resource or principal attributes azrbac cannot know offline (see each grant's `residual`), or the role grants it only in a block with a condition",
            if conditional == 1 { "1 grant is".to_string() } else { format!("{conditional} grants are") }
        )));
    }
    warnings.extend(ctx.gap_warnings());
    warnings.extend(std::mem::take(&mut ctx.warnings));
    let mut unevaluated = std::mem::take(&mut ctx.unevaluated);
    unevaluated.sort_by_key(|u| u.assignment);
    WhoCan {
        op: q.clone(),
        path,
        at,
        below,
        eligible,
        inactive,
        unevaluated,
        warnings,
    }
}
