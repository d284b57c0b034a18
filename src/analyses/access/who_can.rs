//! `who-can OPERATION --scope S`: every principal holding a grant of the operation at S (or,
//! with `below`, only at scopes under S), each grant with its chain — principal → group path →
//! assignment (scope) → role → entry — and the principals a deny assignment stops, with the
//! deny that stops them.

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
    roles: HashMap<u32, Vec<(Plane, bool, Arc<EntryRef>)>>,
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
}

impl<'a, 'm> Ctx<'a, 'm> {
    fn new(ix: &'a AccessIndex<'m>, q: &'a OpQuery) -> Self {
        Ctx {
            ix,
            q,
            roles: HashMap::new(),
            covers: HashMap::new(),
            deny_lists: HashMap::new(),
            marks: Marks::new(ix.inv.principals.len()),
            buf: Vec::new(),
            warnings: BTreeSet::new(),
            untyped: BTreeSet::new(),
            missing_groups: BTreeMap::new(),
            unevaluated: Vec::new(),
            seen_unevaluated: HashSet::new(),
        }
    }

    /// Grants of the operation by the assignments at one scope node.
    fn seeds_at(&mut self, node: u32, seeds: &mut Vec<Seed>) {
        let ix = self.ix;
        for &ai in ix.assignments_at(node) {
            let a = &ix.inv.assignments[ai as usize];
            let Some(r) = ix.assignment_role(a) else {
                if self.seen_unevaluated.insert(ai) {
                    let rr = &ix.inv.role_refs[a.role as usize];
                    let name = rr
                        .name
                        .as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default();
                    self.unevaluated.push(Unevaluated {
                        assignment: ai,
                        reason: format!(
                            "role definition {}{name} is neither a built-in role nor in the supplied role definitions",
                            rr.guid
                        ),
                    });
                }
                continue;
            };
            let q = self.q;
            let grants = self.roles.entry(r).or_insert_with(|| {
                role_verdicts(
                    &ix.model.index,
                    ix.role_def(r),
                    Some(&ix.roles[r as usize].effective),
                    q,
                    ix.model.mode,
                )
                .into_iter()
                .map(|g| (g.plane, g.conditional, Arc::new(g.entry)))
                .collect()
            });
            if grants.is_empty() {
                continue;
            }
            // The assignment's condition for this operation: false grants nothing.
            let cv = a.condition.map(|c| ix.assignment_condition(c, &q.name));
            if cv.as_ref().is_some_and(|v| v.is_false()) {
                continue;
            }
            let residual: Option<Arc<str>> = cv.as_ref().and_then(|v| v.residual()).map(Arc::from);
            for (plane, conditional, entry) in grants.iter() {
                seeds.push(Seed {
                    assignment: ai,
                    principal: a.principal,
                    scope: a.scope,
                    role: r,
                    plane: *plane,
                    conditional: *conditional || residual.is_some(),
                    entry: entry.clone(),
                    condition: a.condition,
                    residual: residual.clone(),
                    pim: false,
                });
            }
        }
    }

    /// Grants of the operation by eligible PIM records at one scope node, if activated; the
    /// records not in force at the index's moment go to `inactive`.
    fn eligible_seeds_at(
        &mut self,
        node: u32,
        seeds: &mut Vec<Seed>,
        inactive: &mut Vec<(u32, InForce)>,
    ) {
        let ix = self.ix;
        for &ri in ix.eligible_by_scope.row(node) {
            let r = &ix.inv.pim[ri as usize];
            let Some(role) = ix.ref_role[r.role as usize] else {
                self.warnings.insert(Warning::incomplete(format!(
                    "an eligible PIM assignment on the path names role definition {}, which azrbac does not have: not evaluated",
                    ix.inv.role_refs[r.role as usize].guid
                )));
                continue;
            };
            let q = self.q;
            let grants = self.roles.entry(role).or_insert_with(|| {
                role_verdicts(
                    &ix.model.index,
                    ix.role_def(role),
                    Some(&ix.roles[role as usize].effective),
                    q,
                    ix.model.mode,
                )
                .into_iter()
                .map(|g| (g.plane, g.conditional, Arc::new(g.entry)))
                .collect()
            });
            if grants.is_empty() {
                continue;
            }
            let state = r.in_force(ix.at);
            if state != InForce::Yes {
                inactive.push((ri, state));
                continue;
            }
            let cv = r.condition.map(|c| ix.assignment_condition(c, &q.name));
            if cv.as_ref().is_some_and(|v| v.is_false()) {
                continue;
            }
            let residual: Option<Arc<str>> = cv.as_ref().and_then(|v| v.residual()).map(Arc::from);
            for (plane, conditional, entry) in grants.iter() {
                seeds.push(Seed {
                    assignment: ri,
                    principal: r.principal,
                    scope: r.scope,
                    role,
                    plane: *plane,
                    conditional: *conditional || residual.is_some(),
                    entry: entry.clone(),
                    condition: r.condition,
                    residual: residual.clone(),
                    pim: true,
                });
            }
        }
    }

    fn note_principal(&mut self, p: u32, parent: Option<u32>) {
        let ix = self.ix;
        let pr = ix.inv.principals.get(p);
        let has_record = ix.inv.group(p).is_some();
        if pr.kind == PrincipalType::Unknown && !has_record {
            self.untyped.insert(p);
        } else if pr.kind.is_group() && !has_record && ix.inv.has(InputKind::Groups) {
            self.missing_groups.entry(p).or_insert(parent);
        }
    }

    /// The warnings for untyped principals and groups missing from the group export: each
    /// named when there are a few, else counted with the first three in id order (a
    /// truncated group export would otherwise give thousands of lines).
    fn gap_warnings(&self) -> Vec<Warning> {
        const NAMED: usize = 3;
        let ix = self.ix;
        let mut out = Vec::new();
        let id = |p: u32| crate::text::escape(&ix.inv.principals.get(p).id).into_owned();
        let group = |p: u32, parent: Option<u32>| {
            let inside = parent
                .map(|g| {
                    format!(
                        ", a member of {},",
                        crate::text::escape(ix.principal_label(g))
                    )
                })
                .unwrap_or_default();
            format!(
                "{} ({}){inside}",
                crate::text::escape(ix.principal_label(p)),
                id(p)
            )
        };
        // In id order, so that the text does not depend on the order of the input.
        let mut missing: Vec<(u32, Option<u32>)> =
            self.missing_groups.iter().map(|(p, g)| (*p, *g)).collect();
        missing.sort_by(|a, b| {
            ix.inv
                .principals
                .get(a.0)
                .id
                .cmp(&ix.inv.principals.get(b.0).id)
        });
        let mut untyped: Vec<u32> = self.untyped.iter().copied().collect();
        untyped.sort_by(|a, b| {
            ix.inv
                .principals
                .get(*a)
                .id
                .cmp(&ix.inv.principals.get(*b).id)
        });
        if missing.len() <= NAMED {
            for (p, parent) in &missing {
                out.push(Warning::incomplete(format!(
                    "group {} is not in the group export: its members are not listed",
                    group(*p, *parent)
                )));
            }
        } else {
            let shown: Vec<String> = missing
                .iter()
                .take(NAMED)
                .map(|(p, parent)| group(*p, *parent))
                .collect();
            out.push(Warning::incomplete(format!(
                "{} groups on the path are not in the group export, so their members are not listed: {} and {} more",
                self.missing_groups.len(),
                shown.join("; "),
                self.missing_groups.len() - NAMED
            )));
        }
        if untyped.len() <= NAMED {
            for p in &untyped {
                out.push(Warning::incomplete(format!(
                    "principal {} has no type in any input: if it is a group, its members are not listed",
                    id(*p)
                )));
            }
        } else {
            let shown: Vec<String> = untyped.iter().take(NAMED).map(|p| id(*p)).collect();
            out.push(Warning::incomplete(format!(
                "{} principals have no type in any input (if they are groups, their members are not listed): {} and {} more",
                self.untyped.len(),
                shown.join(", "),
                self.untyped.len() - NAMED
            )));
        }
        out
    }

    /// Spreads seeds down group membership: principal → its grants.
    fn reach(&mut self, mut seeds: Vec<Seed>) -> HashMap<u32, Vec<Grant>> {
        seeds.sort_by_key(|s| (s.principal, s.assignment));
        let mut out: HashMap<u32, Vec<Grant>> = HashMap::new();
        let mut i = 0;
        while i < seeds.len() {
            let sp = seeds[i].principal;
            let j = i + seeds[i..].iter().take_while(|s| s.principal == sp).count();
            self.note_principal(sp, None);
            let mut buf = std::mem::take(&mut self.buf);
            closure(&self.ix.members, &[sp], &mut self.marks, &mut buf);
            for &r in &buf {
                let (via, via_cut) = self.marks.via_capped(r);
                let via: Arc<[u32]> = via.into();
                if r != sp && self.ix.inv.principals.get(r).kind.is_group() {
                    self.note_principal(r, via.first().copied());
                }
                let list = out.entry(r).or_default();
                for s in &seeds[i..j] {
                    list.push(Grant {
                        assignment: s.assignment,
                        scope: s.scope,
                        role: s.role,
                        via: via.clone(),
                        via_cut,
                        plane: s.plane,
                        entry: s.entry.clone(),
                        conditional: s.conditional,
                        condition: s.condition,
                        residual: s.residual.clone(),
                        pim: s.pim,
                        only_below: None,
                        stopped_by: None,
                    });
                }
            }
            self.buf = buf;
            i = j;
        }
        out
    }

    /// The deny's coverage for this operation, or `None` when it does not deny it.
    fn cover(&mut self, d: u32) -> Option<&DenyCover> {
        if !self.covers.contains_key(&d) {
            let ix = self.ix;
            let da = &ix.inv.denies[d as usize];
            let planes = role_verdicts(
                &ix.model.index,
                &da.permissions,
                None,
                self.q,
                ix.model.mode,
            );
            let cv = ix.deny_condition(d, &self.q.name);
            let cover = if planes.is_empty() || cv.is_false() {
                None
            } else {
                let n = ix.inv.principals.len();
                let mut buf = Vec::new();
                let covered = if da.everyone {
                    None
                } else {
                    let mut m = Marks::new(n);
                    closure(&ix.members, &da.principals, &mut m, &mut buf);
                    Some(m)
                };
                let mut excluded = Marks::new(n);
                closure(&ix.members, &da.exclude, &mut excluded, &mut buf);
                self.warnings.extend(deny_group_warnings(ix, d));
                let audit = da.effect == DenyEffect::Audit;
                if let Some(r) = cv.residual()
                    && !audit
                {
                    self.warnings.insert(Warning::incomplete(format!(
                        "deny assignment {} applies to this operation only under a condition azrbac cannot decide offline ({}): principals it may stop are kept and marked conditional (possibly denied)",
                        da.name.as_deref().unwrap_or(&da.id),
                        crate::text::escape(r)
                    )));
                }
                if let DenyEffect::Other(e) = &da.effect {
                    self.warnings.insert(Warning::incomplete(format!(
                        "deny assignment {} has effect `{}`, which azrbac does not know (`enforced` blocks, `audit` only logs): principals it may stop are kept and marked conditional",
                        da.name.as_deref().unwrap_or(&da.id),
                        crate::text::escape(e)
                    )));
                }
                Some(DenyCover {
                    planes,
                    covered,
                    excluded,
                    conditional: cv.is_unknown() || matches!(da.effect, DenyEffect::Other(_)),
                    audit,
                })
            };
            self.covers.insert(d, cover);
        }
        self.covers.get(&d).and_then(Option::as_ref)
    }

    /// Deny assignments that apply at a target: on its path to `/`, those with
    /// `doNotApplyToChildScopes` only at the target itself.
    fn deny_list(&mut self, key: u32, nodes: &[u32], exact: Option<u32>) {
        if self.deny_lists.contains_key(&key) {
            return;
        }
        let mut list = Vec::new();
        for (k, &node) in nodes.iter().enumerate() {
            for &d in self.ix.denies_at(node) {
                let da = &self.ix.inv.denies[d as usize];
                if da.do_not_apply_to_child_scopes && !(k == 0 && exact == Some(node)) {
                    continue;
                }
                if self.cover(d).is_some() {
                    list.push(d);
                }
            }
        }
        self.deny_lists.insert(key, list);
    }

    fn hit(&self, d: u32, r: u32, plane: Plane) -> Option<DenyHit> {
        let c = self.covers.get(&d)?.as_ref()?;
        let pg = c.planes.iter().find(|p| p.plane == plane)?;
        if c.excluded.contains(r) {
            return None;
        }
        let (via, via_cut) = match &c.covered {
            None => (Vec::new(), false),
            Some(m) if m.contains(r) => m.via_capped(r),
            Some(_) => return None,
        };
        Some(DenyHit {
            deny: d,
            plane,
            entry: pg.entry.clone(),
            everyone: c.covered.is_none(),
            via,
            via_cut,
            conditional: c.conditional || pg.conditional,
            audit: c.audit,
        })
    }

    /// Applies deny assignments. `target` maps a grant to its deny-list key and the scope node
    /// the key stands for. With `per_grant` (the `below` answer), a principal may appear in both
    /// lists (some grants blocked, some not), and a grant stopped at its target only by denies
    /// with `doNotApplyToChildScopes` (which the target's list holds only when they sit at the
    /// target itself) is kept as applying under the target.
    fn split(
        &self,
        reached: HashMap<u32, Vec<Grant>>,
        target: impl Fn(&Grant) -> (u32, Option<u32>),
        per_grant: bool,
    ) -> Split {
        let mut out = Split::default();
        for (r, grants) in reached {
            let mut keep = Vec::new();
            let mut blocked = Vec::new();
            let mut hits: Vec<DenyHit> = Vec::new();
            let mut maybe: Vec<DenyHit> = Vec::new();
            let mut audited: Vec<DenyHit> = Vec::new();
            for mut g in grants {
                let (key, node) = target(&g);
                let mut stop = None;
                let mut stop_children = false;
                let mut maybe_here = Vec::new();
                for &d in self.deny_lists.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                    if let Some(h) = self.hit(d, r, g.plane) {
                        if h.audit {
                            push_unique(&mut audited, h);
                            continue;
                        }
                        let here_only = self.ix.inv.denies[d as usize].do_not_apply_to_child_scopes;
                        if h.conditional {
                            maybe_here.push(h);
                        } else {
                            stop_children |= !here_only;
                            if stop.is_none() {
                                stop = Some(h);
                            }
                        }
                    }
                }
                let beneath = per_grant && stop.is_some() && !stop_children && node.is_some();
                if beneath {
                    // Conditional denies that stop only at the node do not reach under it.
                    maybe_here.retain(|h| {
                        !self.ix.inv.denies[h.deny as usize].do_not_apply_to_child_scopes
                    });
                    g.only_below = node;
                }
                for h in maybe_here {
                    push_unique(&mut maybe, h);
                }
                match stop {
                    Some(h) if !beneath => {
                        g.stopped_by = Some(h.deny);
                        blocked.push(g);
                        push_unique(&mut hits, h);
                    }
                    _ => keep.push(g),
                }
            }
            let all_blocked = keep.is_empty();
            if !blocked.is_empty() && (per_grant || all_blocked) {
                out.denied
                    .push(answer(r, blocked, std::mem::take(&mut hits)));
            }
            if !all_blocked {
                let mut a = answer(r, keep, maybe.clone());
                a.denied_by.extend(hits);
                a.audited_by = audited;
                a.conditional |= !maybe.is_empty();
                out.allowed.push(a);
            }
        }
        self.sort(&mut out.allowed);
        self.sort(&mut out.denied);
        out
    }

    fn sort(&self, list: &mut [Answer]) {
        let ix = self.ix;
        list.sort_unstable_by_key(|a| ix.principal_rank[a.principal as usize]);
        for a in list.iter_mut() {
            a.grants.sort_by(|x, y| {
                ix.scope_rank[x.scope as usize]
                    .cmp(&ix.scope_rank[y.scope as usize])
                    .then_with(|| x.role.cmp(&y.role))
                    .then_with(|| x.via.cmp(&y.via))
                    .then_with(|| x.plane.cmp(&y.plane))
                    .then_with(|| x.assignment.cmp(&y.assignment))
            });
            a.grants.dedup();
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
            for t in ix.inv.scopes.descendants(s) {
                ctx.seeds_at(t, &mut seeds);
            }
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
