//! The access index over an inventory: every assigned role resolved (by GUID) and expanded
//! once to bitsets, assignments and deny assignments bucketed by scope node, and group
//! membership in both directions as compressed adjacency lists.

use super::conditions::{CondValue, Target, decide_at};
use crate::data::Model;
use crate::effective::{Effective, Resolver, expand_with};
use crate::graph::Index;
use crate::model::assignment::Assignment;
use crate::model::inventory::Inventory;
use crate::model::inventory::pim::{InForce, PimKind};
use crate::model::{Pattern, Plane, RoleDefinition, WildcardMode};
use fixedbitset::FixedBitSet;
use std::cell::RefCell;
use std::collections::HashMap;

/// Where a resolved role's definition lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleSource {
    /// An embedded built-in role (index into `model.builtins.roles()`).
    Builtin(usize),
    /// A definition from the inventory's role export (index into `inv.roles`).
    Export(usize),
}

/// A role some assignment names, with its effective permissions.
#[derive(Debug, Clone)]
pub struct ResolvedRole {
    pub source: RoleSource,
    pub effective: Effective,
}

/// Compressed adjacency: `items[start[i]..start[i + 1]]` are the neighbours of `i`.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Csr {
    /// Builds from (from, to) pairs over `n` nodes; each row keeps insertion order.
    pub fn build(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Csr {
        let mut start = vec![0u32; n + 1];
        for (a, _) in pairs.clone() {
            start[a as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[n] as usize];
        for (a, b) in pairs {
            items[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
        }
        Csr { start, items }
    }

    pub fn row(&self, i: u32) -> &[u32] {
        let i = i as usize;
        if i + 1 >= self.start.len() {
            return &[];
        }
        &self.items[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

/// Resolves wildcard patterns once per distinct (pattern, plane) across all roles: custom
/// roles of one tenant repeat the same entries.
struct CachingResolver<'a> {
    index: &'a Index,
    cache: RefCell<HashMap<(Plane, String), FixedBitSet>>,
}

impl Resolver for CachingResolver<'_> {
    fn width(&self) -> usize {
        self.index.catalog().len()
    }
    fn resolve_into(
        &self,
        pattern: &Pattern,
        plane: Plane,
        mode: WildcardMode,
        out: &mut FixedBitSet,
    ) -> usize {
        if pattern.is_literal() {
            return self.index.resolve_into(pattern, plane, mode, out);
        }
        let mut cache = self.cache.borrow_mut();
        let key = (plane, pattern.lower().to_string());
        let set = cache
            .entry(key)
            .or_insert_with(|| self.index.resolve(pattern, plane, mode));
        out.union_with(set);
        set.count_ones(..)
    }
}

/// The index every access query runs on. Immutable once built.
#[derive(Debug)]
pub struct AccessIndex<'m> {
    pub model: &'m Model,
    pub inv: Inventory,
    pub roles: Vec<ResolvedRole>,
    /// Role reference → resolved role (`None`: no definition known for that GUID).
    pub ref_role: Vec<Option<u32>>,
    /// Scope node → assignment indices.
    pub by_scope: Csr,
    /// Scope node → deny-assignment indices.
    pub deny_by_scope: Csr,
    /// Group → direct members.
    pub members: Csr,
    /// Principal → groups it is a direct member of.
    pub member_of: Csr,
    /// Position of each principal in display order (label, then id, ignoring case).
    pub principal_rank: Vec<u32>,
    /// Position of each scope node in display order (ignoring case).
    pub scope_rank: Vec<u32>,
    /// Assignment and deny conditions, parsed once.
    pub conds: super::conditions::Conditions,
    /// Scope node → eligible PIM records (indices into `inv.pim`), whatever their dates.
    pub eligible_by_scope: Csr,
    /// Role assignment → the active PIM record that produced it (by `originRoleAssignmentId`).
    pub pim_active: HashMap<u32, u32>,
    /// Active PIM records in force that match no role assignment of the export.
    pub pim_unmatched: Vec<u32>,
    /// The moment PIM schedules are judged at (seconds since the Unix epoch, UTC).
    pub at: i64,
}

/// Positions of `n` items sorted by a key.
fn ranks<K: Ord>(n: usize, key: impl Fn(usize) -> K) -> Vec<u32> {
    let mut order: Vec<(K, usize)> = (0..n).map(|i| (key(i), i)).collect();
    order.sort_unstable();
    let mut rank = vec![0u32; n];
    for (pos, (_, i)) in order.into_iter().enumerate() {
        rank[i] = pos as u32;
    }
    rank
}

impl<'m> AccessIndex<'m> {
    /// Builds the index; `progress` is called with (done, total) while roles are expanded.
    pub fn build(
        model: &'m Model,
        mut inv: Inventory,
        progress: &mut dyn FnMut(usize, usize),
    ) -> AccessIndex<'m> {
        inv.finish();
        // An exported definition of a built-in GUID that grants differently from the built-in
        // as azrbac knows it (an export or data from another date): both could be current,
        // so the two are merged (the union) and answers say so.
        let redefined: Vec<RoleDefinition> = {
            let builtins = model.builtins.roles();
            let by_guid: HashMap<&str, &RoleDefinition> = builtins
                .iter()
                .filter_map(|r| r.guid.as_deref().map(|g| (g, r)))
                .collect();
            inv.roles
                .iter()
                .filter_map(|r| {
                    let b = by_guid.get(r.guid.as_deref()?)?;
                    let differs = expand_with(&model.index, r, model.mode)
                        != expand_with(&model.index, b, model.mode);
                    differs.then(|| (*b).clone())
                })
                .collect()
        };
        inv.merge_definitions(redefined);
        let mut export_by_guid: HashMap<&str, usize> = HashMap::new();
        for (i, r) in inv.roles.iter().enumerate() {
            if let Some(g) = &r.guid {
                export_by_guid.entry(g.as_str()).or_insert(i);
            }
        }
        let mut builtin_by_guid: HashMap<&str, usize> = HashMap::new();
        for (i, r) in model.builtins.roles().iter().enumerate() {
            if let Some(g) = &r.guid {
                builtin_by_guid.entry(g.as_str()).or_insert(i);
            }
        }
        let sources: Vec<Option<RoleSource>> = inv
            .role_refs
            .iter()
            .map(|r| {
                export_by_guid
                    .get(r.guid.as_ref())
                    .map(|i| RoleSource::Export(*i))
                    .or_else(|| {
                        builtin_by_guid
                            .get(r.guid.as_ref())
                            .map(|i| RoleSource::Builtin(*i))
                    })
            })
            .collect();
        let resolver = CachingResolver {
            index: &model.index,
            cache: RefCell::new(HashMap::new()),
        };
        let total = sources.iter().filter(|s| s.is_some()).count();
        let mut roles = Vec::with_capacity(total);
        let mut ref_role = Vec::with_capacity(sources.len());
        for s in sources {
            match s {
                Some(source) => {
                    let def = match source {
                        RoleSource::Builtin(i) => &model.builtins.roles()[i],
                        RoleSource::Export(i) => &inv.roles[i],
                    };
                    let effective = expand_with(&resolver, def, model.mode);
                    ref_role.push(Some(roles.len() as u32));
                    roles.push(ResolvedRole { source, effective });
                    if roles.len() % 256 == 0 {
                        progress(roles.len(), total);
                    }
                }
                None => ref_role.push(None),
            }
        }
        progress(total, total);
        let nscopes = inv.scopes.len();
        let by_scope = Csr::build(
            nscopes,
            inv.assignments
                .iter()
                .enumerate()
                .map(|(i, a)| (a.scope, i as u32)),
        );
        let deny_by_scope = Csr::build(
            nscopes,
            inv.denies
                .iter()
                .enumerate()
                .map(|(i, d)| (d.scope, i as u32)),
        );
        let np = inv.principals.len();
        let edges = || {
            inv.groups
                .iter()
                .flat_map(|g| g.members.iter().map(move |m| (g.principal, *m)))
        };
        let members = Csr::build(np, edges());
        let member_of = Csr::build(np, edges().map(|(g, m)| (m, g)));
        let principal_rank = ranks(np, |i| {
            let p = inv.principals.get(i as u32);
            let label = p.name.as_deref().or(p.upn.as_deref()).unwrap_or(&p.id);
            (label.to_ascii_lowercase(), p.id.to_ascii_lowercase())
        });
        let scope_rank = ranks(nscopes, |i| {
            inv.scopes.display(i as u32).to_ascii_lowercase()
        });
        let conds = super::conditions::Conditions::build(&inv);
        let eligible_by_scope = Csr::build(
            nscopes,
            inv.pim
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kind == PimKind::Eligible)
                .map(|(i, r)| (r.scope, i as u32)),
        );
        let at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let (pim_active, pim_unmatched) = link_active(&inv, at);
        AccessIndex {
            conds,
            eligible_by_scope,
            pim_active,
            pim_unmatched,
            at,
            model,
            inv,
            roles,
            ref_role,
            by_scope,
            deny_by_scope,
            members,
            member_of,
            principal_rank,
            scope_rank,
        }
    }

    /// The definition of a resolved role.
    pub fn role_def(&self, role: u32) -> &RoleDefinition {
        match self.roles[role as usize].source {
            RoleSource::Builtin(i) => &self.model.builtins.roles()[i],
            RoleSource::Export(i) => &self.inv.roles[i],
        }
    }

    /// The resolved role of an assignment, if its definition is known.
    pub fn assignment_role(&self, a: &Assignment) -> Option<u32> {
        self.ref_role[a.role as usize]
    }

    /// Assignments at one scope node.
    pub fn assignments_at(&self, scope: u32) -> &[u32] {
        self.by_scope.row(scope)
    }

    pub fn denies_at(&self, scope: u32) -> &[u32] {
        self.deny_by_scope.row(scope)
    }

    /// A principal's display: name, else sign-in name, else id.
    pub fn principal_label(&self, p: u32) -> &str {
        let pr = self.inv.principals.get(p);
        pr.name.as_deref().or(pr.upn.as_deref()).unwrap_or(&pr.id)
    }

    /// A role's display name for an assignment (the definition's name, else the export's
    /// `roleDefinitionName`, else the GUID).
    pub fn role_label(&self, a: &Assignment) -> String {
        if let Some(r) = self.assignment_role(a)
            && let Some(n) = &self.role_def(r).name
        {
            return n.clone();
        }
        let rr = &self.inv.role_refs[a.role as usize];
        rr.name.as_deref().unwrap_or(&rr.guid).to_string()
    }
}

/// The longest group path a `who-can` grant lists (real tenants nest groups a few levels;
/// hostile exports nest thousands).
pub const VIA_MAX: usize = 16;

/// A reusable visited set with predecessors: a generation stamp per node, so resetting is
/// O(1).
#[derive(Debug, Clone)]
pub struct Marks {
    stamp: Vec<u32>,
    pred: Vec<u32>,
    generation: u32,
}

impl Marks {
    pub fn new(n: usize) -> Marks {
        Marks {
            stamp: vec![0; n],
            pred: vec![0; n],
            generation: 1,
        }
    }

    pub fn reset(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    /// Marks `i`, reached from `pred`; true when it was not marked yet.
    pub fn insert(&mut self, i: u32, pred: u32) -> bool {
        let s = &mut self.stamp[i as usize];
        if *s == self.generation {
            false
        } else {
            *s = self.generation;
            self.pred[i as usize] = pred;
            true
        }
    }

    pub fn contains(&self, i: u32) -> bool {
        self.stamp[i as usize] == self.generation
    }

    /// The group path of a marked `node` back to the closure start that reached it: the
    /// nodes between them, nearest first, the start last; empty for a start itself.
    pub fn via(&self, node: u32) -> Vec<u32> {
        self.via_upto(node, usize::MAX).0
    }

    /// [`Marks::via`] cut to its first [`VIA_MAX`] groups (those nearest `node`), and whether
    /// it was cut. The rest of the path is the cut path of its last group, which the same
    /// answer lists as a principal: output stays linear in the group nesting depth.
    pub fn via_capped(&self, node: u32) -> (Vec<u32>, bool) {
        self.via_upto(node, VIA_MAX)
    }

    fn via_upto(&self, node: u32, cap: usize) -> (Vec<u32>, bool) {
        let mut out = Vec::new();
        let mut cur = node;
        while self.contains(cur) {
            let p = self.pred[cur as usize];
            if p == cur || out.len() > self.stamp.len() {
                break;
            }
            if out.len() == cap {
                return (out, true);
            }
            out.push(p);
            cur = p;
        }
        (out, false)
    }

    /// The closure start that reached a marked node.
    pub fn origin(&self, node: u32) -> u32 {
        let mut cur = node;
        let mut steps = 0;
        while self.contains(cur) && self.pred[cur as usize] != cur && steps <= self.stamp.len() {
            cur = self.pred[cur as usize];
            steps += 1;
        }
        cur
    }
}

/// Breadth-first closure over one adjacency (members downwards, or groups upwards) from
/// `starts`, cycle-safe: fills `out` with the nodes reached, the starts first.
pub fn closure(adj: &Csr, starts: &[u32], marks: &mut Marks, out: &mut Vec<u32>) {
    marks.reset();
    out.clear();
    for &s in starts {
        if marks.insert(s, s) {
            out.push(s);
        }
    }
    let mut head = 0;
    while head < out.len() {
        let node = out[head];
        head += 1;
        for &next in adj.row(node) {
            if marks.insert(next, node) {
                out.push(next);
            }
        }
    }
}

/// Active PIM records → the role assignment each produced (its name is the assignment's
/// GUID); records in force that match none are returned apart.
fn link_active(inv: &Inventory, at: i64) -> (HashMap<u32, u32>, Vec<u32>) {
    let mut by_name: HashMap<String, u32> = HashMap::new();
    if inv.pim.iter().any(|r| r.kind == PimKind::Active) {
        for (i, a) in inv.assignments.iter().enumerate() {
            let n = inv.assignment_names.get(a.name);
            let guid = n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase();
            by_name.insert(guid, i as u32);
        }
    }
    let mut linked = HashMap::new();
    let mut unmatched = Vec::new();
    for (ri, r) in inv.pim.iter().enumerate() {
        if r.kind != PimKind::Active {
            continue;
        }
        match by_name.get(&r.assignment_key()) {
            Some(ai) => {
                linked.insert(*ai, ri as u32);
            }
            None if r.in_force(at) == InForce::Yes => unmatched.push(ri as u32),
            None => {}
        }
    }
    (linked, unmatched)
}

impl AccessIndex<'_> {
    /// Judges PIM schedules at `at` (seconds since the Unix epoch) instead of now.
    pub fn set_at(&mut self, at: i64) {
        self.at = at;
        let (linked, unmatched) = link_active(&self.inv, at);
        self.pim_active = linked;
        self.pim_unmatched = unmatched;
    }

    /// The value of assignment condition `c` (arena index) for operation `op`.
    pub fn assignment_condition(&self, c: u32, op: &str) -> CondValue {
        self.assignment_condition_at(c, op, &Target::default())
    }

    /// [`Self::assignment_condition`] on a target whose id gives `target`.
    pub fn assignment_condition_at(&self, c: u32, op: &str, target: &Target) -> CondValue {
        match self.conds.assignment(c) {
            Some(p) => decide_at(p, op, self.model.mode, target),
            None => CondValue::Unknown("the condition is missing".into()),
        }
    }

    /// The value of deny `d`'s condition for `op` (`True` when it has none).
    pub fn deny_condition(&self, d: u32, op: &str) -> CondValue {
        self.deny_condition_at(d, op, &Target::default())
    }

    /// [`Self::deny_condition`] on a target whose id gives `target`.
    pub fn deny_condition_at(&self, d: u32, op: &str, target: &Target) -> CondValue {
        match self.conds.deny(d) {
            Some(p) => decide_at(p, op, self.model.mode, target),
            None => CondValue::True,
        }
    }
}
