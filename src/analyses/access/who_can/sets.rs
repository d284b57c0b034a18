//! `who-can` over many operation sets in one pass: the grants of each set's representative
//! operation are seeded together (a seed carries the sets it grants, as a bitset), spread down
//! group membership once, and split by the deny assignments of each set with bitsets — the
//! same answer as one [`who_can_query`] per set, without walking the tenant once per set.

use super::denies::cover_warnings;
use super::*;
use fixedbitset::FixedBitSet;
use rustc_hash::FxHashMap;

/// A chain of a principal with the sets it grants (for a principal every grant of which a
/// deny stops: the sets in which it is stopped).
#[derive(Debug, Clone)]
pub struct SetChain {
    pub grant: Grant,
    pub sets: FixedBitSet,
}

/// One principal of a many-set answer.
#[derive(Debug, Clone)]
pub struct SetPrincipal {
    pub principal: u32,
    /// Sets it can perform at the scope (conditionally or not).
    pub allowed: FixedBitSet,
    /// Of those, the ones it holds only conditionally: every grant is conditional, or a
    /// conditional deny may stop it.
    pub conditional: FixedBitSet,
    /// Sets it holds grants of at the scope, every one of which a deny stops.
    pub stopped: FixedBitSet,
    /// With `allowed` not empty, the chains that grant (with the sets each grants); else the
    /// chains a deny stops (with those sets).
    pub chains: Vec<SetChain>,
    pub denied_by: Vec<DenyHit>,
    pub audited_by: Vec<DenyHit>,
}

/// Who can perform each of several operation sets at a scope.
#[derive(Debug, Clone, Default)]
pub struct SetsAnswer {
    /// Principals allowed or stopped in at least one set.
    pub principals: Vec<SetPrincipal>,
    /// PIM: principals that could activate a grant of sets they are not allowed now
    /// (`allowed` holds those sets).
    pub eligible: Vec<SetPrincipal>,
    pub unevaluated: Vec<Unevaluated>,
    pub warnings: Vec<Warning>,
}

/// A seed with the sets it grants.
struct Keyed {
    seed: Seed,
    sets: FixedBitSet,
}

/// What makes two seeds one: the source, plane, entry (by content), condition state.
type SeedKey = (bool, u32, Plane, u32, bool, Option<Arc<str>>);

/// One plane of a deny assignment over the sets.
struct DenyPlane {
    plane: Plane,
    /// Sets in which the deny applies on this plane.
    all: FixedBitSet,
    /// Of those, the ones where it may not apply (a condition azrbac cannot decide, an
    /// unknown effect, or only conditional blocks).
    conditional: FixedBitSet,
    /// The entry that matches, per set.
    entries: Vec<(Arc<EntryRef>, FixedBitSet)>,
}

struct SetDeny {
    deny: u32,
    audit: bool,
    /// `None`: the deny names everyone.
    covered: Option<Marks>,
    excluded: Marks,
    planes: Vec<DenyPlane>,
}

/// Numbers entries by content.
#[derive(Default)]
struct Entries {
    by_content: FxHashMap<Arc<EntryRef>, u32>,
}

impl Entries {
    fn id(&mut self, e: &Arc<EntryRef>) -> u32 {
        let next = self.by_content.len() as u32;
        *self.by_content.entry(e.clone()).or_insert(next)
    }
}

/// Seeds of every set, merged: each distinct seed once with the sets it grants.
#[derive(Default)]
struct SeedTable {
    keyed: Vec<Keyed>,
    at: FxHashMap<SeedKey, usize>,
}

impl SeedTable {
    fn add(&mut self, entries: &mut Entries, seeds: Vec<Seed>, set: usize, n: usize) {
        for s in seeds {
            let key = (
                s.pim,
                s.assignment,
                s.plane,
                entries.id(&s.entry),
                s.conditional,
                s.residual.clone(),
            );
            let i = *self.at.entry(key).or_insert(self.keyed.len());
            if i == self.keyed.len() {
                self.keyed.push(Keyed {
                    seed: s,
                    sets: FixedBitSet::with_capacity(n),
                });
            }
            self.keyed[i].sets.insert(set);
        }
    }
}

/// What makes two chains of a principal one: the source, whether it is an eligibility, the
/// group path, the plane and the entry (by content).
type ChainKey = (u32, bool, Arc<[u32]>, Plane, u32);

/// A chain reaching a principal: a seed (index into the table) and the group path.
type Reached = (u32, Arc<[u32]>, bool);

/// Answers who can perform each of `reps` (one operation standing for each set) at `scope`.
pub fn who_can_sets(ix: &AccessIndex, reps: &[&OpQuery], scope: &str) -> SetsAnswer {
    let n = reps.len();
    let Some(&first_rep) = reps.first() else {
        return SetsAnswer::default();
    };
    let path = ix.inv.scopes.path(scope);
    let mut warnings: BTreeSet<Warning> = BTreeSet::new();
    let mut entries = Entries::default();
    let mut at = SeedTable::default();
    let mut eligible = SeedTable::default();
    let mut unevaluated: Vec<Unevaluated> = Vec::new();
    for (set, q) in reps.iter().enumerate() {
        let mut ctx = Ctx::new_unmarked(ix, q);
        ctx.target = Target::of(scope);
        let mut seeds = Vec::new();
        for &node in &path.nodes {
            ctx.seeds_at(node, &mut seeds);
        }
        at.add(&mut entries, seeds, set, n);
        let (mut eseeds, mut inactive) = (Vec::new(), Vec::new());
        for &node in &path.nodes {
            ctx.eligible_seeds_at(node, &mut eseeds, &mut inactive);
        }
        eligible.add(&mut entries, eseeds, set, n);
        warnings.append(&mut ctx.warnings);
        unevaluated.append(&mut ctx.unevaluated);
    }
    let denies = set_denies(ix, reps, &path, &Target::of(scope), &mut warnings);

    let mut walk = Ctx::new(ix, first_rep);
    let reached = walk.reach_keyed(&at.keyed);
    let ereached = walk.reach_keyed(&eligible.keyed);
    let mut principals = Vec::with_capacity(reached.len());
    let mut allowed_of: FxHashMap<u32, usize> = FxHashMap::default();
    for (r, chains) in reached {
        let p = settle(ix, &at.keyed, &denies, r, &chains, n, &mut entries);
        if !p.allowed.is_clear() {
            allowed_of.insert(r, principals.len());
        }
        if !p.allowed.is_clear() || !p.stopped.is_clear() {
            principals.push(p);
        }
    }
    let mut eligible_out = Vec::new();
    for (r, chains) in ereached {
        let mut p = settle(ix, &eligible.keyed, &denies, r, &chains, n, &mut entries);
        // Eligible for the sets it is not allowed now; denies never list it.
        let mut only = p.allowed.clone();
        if let Some(&i) = allowed_of.get(&r) {
            only.difference_with(&principals[i].allowed);
        }
        if only.is_clear() {
            continue;
        }
        p.conditional.intersect_with(&only);
        p.chains.retain_mut(|c| {
            c.sets.intersect_with(&only);
            !c.sets.is_clear()
        });
        sort_chains(ix, &mut p.chains);
        p.allowed = only;
        p.stopped.clear();
        p.denied_by.clear();
        p.audited_by.clear();
        eligible_out.push(p);
    }

    let mut out = input_warnings(ix);
    out.extend(path_warnings(ix, &path));
    unevaluated.sort_by_key(|u| u.assignment);
    unevaluated.dedup_by_key(|u| u.assignment);
    if !unevaluated.is_empty() {
        out.push(Warning::incomplete(format!(
            "{} on the path {} a role definition azrbac does not have: not evaluated (see `unevaluated`)",
            plural(unevaluated.len(), "role assignment"),
            if unevaluated.len() == 1 { "names" } else { "name" }
        )));
    }
    let conditional = principals
        .iter()
        .filter(|p| !p.allowed.is_clear())
        .flat_map(|p| &p.chains)
        .filter(|c| c.grant.conditional)
        .count();
    if conditional > 0 {
        out.push(Warning::incomplete(format!(
            "{} conditional: an assignment condition depends on request, resource or principal attributes azrbac cannot know offline (see each grant's `residual`), or the role grants it only in a block with a condition",
            if conditional == 1 {
                "1 grant is".to_string()
            } else {
                format!("{conditional} grants are")
            }
        )));
    }
    out.extend(walk.gap_warnings());
    out.extend(std::mem::take(&mut walk.warnings));
    out.extend(warnings);
    SetsAnswer {
        principals,
        eligible: eligible_out,
        unevaluated,
        warnings: out,
    }
}

/// The deny assignments that apply at the scope, with the sets and entries by which each
/// covers the sets' operations; in the order [`Ctx::deny_list`] gives.
fn set_denies(
    ix: &AccessIndex,
    reps: &[&OpQuery],
    path: &ScopePath,
    target: &Target,
    warnings: &mut BTreeSet<Warning>,
) -> Vec<SetDeny> {
    let n = reps.len();
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for (k, &node) in path.nodes.iter().enumerate() {
        for &d in ix.denies_at(node) {
            let da = &ix.inv.denies[d as usize];
            if da.do_not_apply_to_child_scopes && !(k == 0 && path.exact == Some(node)) {
                continue;
            }
            let mut planes: Vec<DenyPlane> = Vec::new();
            for (set, q) in reps.iter().enumerate() {
                let pv = role_verdicts(&ix.model.index, &da.permissions, None, q, ix.model.mode);
                let cv = ix.deny_condition_at(d, &q.name, target);
                if pv.is_empty() || cv.is_false() {
                    continue;
                }
                warnings.extend(cover_warnings(ix, d, &cv));
                let soft = cv.is_unknown() || matches!(da.effect, DenyEffect::Other(_));
                for pg in pv {
                    let i = match planes.iter().position(|p| p.plane == pg.plane) {
                        Some(i) => i,
                        None => {
                            planes.push(DenyPlane {
                                plane: pg.plane,
                                all: FixedBitSet::with_capacity(n),
                                conditional: FixedBitSet::with_capacity(n),
                                entries: Vec::new(),
                            });
                            planes.len() - 1
                        }
                    };
                    let dp = &mut planes[i];
                    dp.all.insert(set);
                    if soft || pg.conditional {
                        dp.conditional.insert(set);
                    }
                    match dp.entries.iter_mut().find(|(e, _)| **e == pg.entry) {
                        Some((_, b)) => b.insert(set),
                        None => {
                            let mut b = FixedBitSet::with_capacity(n);
                            b.insert(set);
                            dp.entries.push((Arc::new(pg.entry), b));
                        }
                    }
                }
            }
            if planes.is_empty() {
                continue;
            }
            let np = ix.inv.principals.len();
            let covered = if da.everyone {
                None
            } else {
                let mut m = Marks::new(np);
                closure(&ix.members, &da.principals, &mut m, &mut buf);
                Some(m)
            };
            let mut excluded = Marks::new(np);
            closure(&ix.members, &da.exclude, &mut excluded, &mut buf);
            out.push(SetDeny {
                deny: d,
                audit: da.effect == DenyEffect::Audit,
                covered,
                excluded,
                planes,
            });
        }
    }
    out
}

/// Bits of `a` also in `b`.
fn and(a: &FixedBitSet, b: &FixedBitSet) -> FixedBitSet {
    let mut x = a.clone();
    x.intersect_with(b);
    x
}

fn or_into(into: &mut FixedBitSet, b: &FixedBitSet) {
    into.union_with(b);
}

/// Splits one principal's chains by the denies that reach it, set by set: what [`Ctx::split`]
/// does for one operation, over all sets at once.
fn settle(
    ix: &AccessIndex,
    keyed: &[Keyed],
    denies: &[SetDeny],
    r: u32,
    chains: &[Reached],
    n: usize,
    entries: &mut Entries,
) -> SetPrincipal {
    let empty = || FixedBitSet::with_capacity(n);
    // The denies that name the principal (through its groups), with the path to them.
    let mut hitting: Vec<(usize, Vec<u32>, bool)> = Vec::new();
    for (di, sd) in denies.iter().enumerate() {
        if sd.excluded.contains(r) {
            continue;
        }
        match &sd.covered {
            None => hitting.push((di, Vec::new(), false)),
            Some(m) if m.contains(r) => {
                let (via, cut) = m.via_capped(r);
                hitting.push((di, via, cut));
            }
            Some(_) => {}
        }
    }
    let (mut allowed, mut blocked, mut plain) = (empty(), empty(), empty());
    // Per (deny in `hitting`, plane index): sets where it stops first, may stop, audits.
    let mut first: FxHashMap<(usize, usize), FixedBitSet> = FxHashMap::default();
    let mut maybe: FxHashMap<(usize, usize), FixedBitSet> = FxHashMap::default();
    let mut audited: FxHashMap<(usize, usize), FixedBitSet> = FxHashMap::default();
    // Per chain: the sets kept, and the sets stopped with the first deny stopping each.
    let mut kept: Vec<FixedBitSet> = Vec::with_capacity(chains.len());
    let mut stops: Vec<Vec<(usize, FixedBitSet)>> = Vec::with_capacity(chains.len());
    let mut maybe_any = empty();
    for (ki, _, _) in chains {
        let k = &keyed[*ki as usize];
        let mut rem = k.sets.clone();
        let mut stop_list = Vec::new();
        for (hi, (di, _, _)) in hitting.iter().enumerate() {
            let sd = &denies[*di];
            let Some(pi) = sd.planes.iter().position(|p| p.plane == k.seed.plane) else {
                continue;
            };
            let dp = &sd.planes[pi];
            let on = and(&k.sets, &dp.all);
            if on.is_clear() {
                continue;
            }
            if sd.audit {
                or_into(audited.entry((hi, pi)).or_insert_with(empty), &on);
                continue;
            }
            let soft = and(&on, &dp.conditional);
            if !soft.is_clear() {
                or_into(&mut maybe_any, &soft);
                or_into(maybe.entry((hi, pi)).or_insert_with(empty), &soft);
            }
            let mut hard = on;
            hard.difference_with(&dp.conditional);
            let fresh = and(&hard, &rem);
            if !fresh.is_clear() {
                rem.difference_with(&fresh);
                or_into(first.entry((hi, pi)).or_insert_with(empty), &fresh);
                stop_list.push((hi, fresh));
            }
        }
        or_into(&mut allowed, &rem);
        if !k.seed.conditional {
            or_into(&mut plain, &rem);
        }
        let mut stopped = k.sets.clone();
        stopped.difference_with(&rem);
        or_into(&mut blocked, &stopped);
        kept.push(rem);
        stops.push(stop_list);
    }
    let mut stopped = blocked;
    stopped.difference_with(&allowed);
    let mut conditional = allowed.clone();
    conditional.difference_with(&plain);
    or_into(&mut conditional, &and(&allowed, &maybe_any));

    // The chains: those that grant, or (stopped everywhere) those a deny stops.
    let mut out_chains: Vec<SetChain> = Vec::new();
    let mut merged: FxHashMap<ChainKey, usize> = FxHashMap::default();
    let granting = !allowed.is_clear();
    for (ci, (ki, via, cut)) in chains.iter().enumerate() {
        let s = &keyed[*ki as usize].seed;
        let (sets, stopped_by) = if granting {
            (kept[ci].clone(), None)
        } else {
            let mut sets = empty();
            for (_, b) in &stops[ci] {
                or_into(&mut sets, b);
            }
            // The deny that stops it in its first set.
            let lowest = sets.minimum();
            let by = stops[ci]
                .iter()
                .find(|(_, b)| lowest.is_some_and(|l| b.contains(l)))
                .map(|(hi, _)| denies[hitting[*hi].0].deny);
            (sets, by)
        };
        if sets.is_clear() {
            continue;
        }
        let key = (
            s.assignment,
            s.pim,
            via.clone(),
            s.plane,
            entries.id(&s.entry),
        );
        let lowest = sets.minimum();
        match merged.get(&key) {
            Some(&i) => {
                let c: &mut SetChain = &mut out_chains[i];
                if lowest < c.sets.minimum() {
                    c.grant = s.grant(via, *cut, stopped_by);
                }
                or_into(&mut c.sets, &sets);
            }
            None => {
                merged.insert(key, out_chains.len());
                out_chains.push(SetChain {
                    grant: s.grant(via, *cut, stopped_by),
                    sets,
                });
            }
        }
    }
    sort_chains(ix, &mut out_chains);

    // Deny hits: stopping ones wherever they stop; conditional and audit ones where allowed.
    let mut denied_by: Vec<DenyHit> = Vec::new();
    let mut audited_by: Vec<DenyHit> = Vec::new();
    let hit_list = |list: &mut Vec<DenyHit>,
                    map: &FxHashMap<(usize, usize), FixedBitSet>,
                    within: Option<&FixedBitSet>| {
        let mut keys: Vec<&(usize, usize)> = map.keys().collect();
        keys.sort_unstable();
        for &(hi, pi) in keys {
            let Some(bits) = map.get(&(hi, pi)) else {
                continue;
            };
            let bits = match within {
                Some(w) => and(bits, w),
                None => bits.clone(),
            };
            let (di, via, cut) = &hitting[hi];
            let sd = &denies[*di];
            let dp = &sd.planes[pi];
            for (e, eb) in &dp.entries {
                let Some(g) = and(&bits, eb).minimum() else {
                    continue;
                };
                let h = DenyHit {
                    deny: sd.deny,
                    plane: dp.plane,
                    entry: (**e).clone(),
                    everyone: sd.covered.is_none(),
                    via: via.clone(),
                    via_cut: *cut,
                    conditional: dp.conditional.contains(g),
                    audit: sd.audit,
                };
                if !list
                    .iter()
                    .any(|x| x.deny == h.deny && x.plane == h.plane && x.entry.text == h.entry.text)
                {
                    list.push(h);
                }
            }
        }
    };
    hit_list(&mut denied_by, &first, None);
    hit_list(&mut denied_by, &maybe, Some(&allowed));
    hit_list(&mut audited_by, &audited, Some(&allowed));
    SetPrincipal {
        principal: r,
        allowed,
        conditional,
        stopped,
        chains: out_chains,
        denied_by,
        audited_by,
    }
}

/// Chains in the order of their first set, then as [`Ctx::sort`] orders grants.
fn sort_chains(ix: &AccessIndex, chains: &mut [SetChain]) {
    chains.sort_by(|x, y| {
        x.sets
            .minimum()
            .cmp(&y.sets.minimum())
            .then_with(|| {
                ix.scope_rank[x.grant.scope as usize].cmp(&ix.scope_rank[y.grant.scope as usize])
            })
            .then_with(|| x.grant.role.cmp(&y.grant.role))
            .then_with(|| x.grant.via.cmp(&y.grant.via))
            .then_with(|| x.grant.plane.cmp(&y.grant.plane))
            .then_with(|| x.grant.assignment.cmp(&y.grant.assignment))
    });
}

impl Ctx<'_, '_> {
    /// Spreads merged seeds down group membership, each seed principal's closure walked once:
    /// principal → the seeds that reach it, with the group path. In first-reached order.
    fn reach_keyed(&mut self, keyed: &[Keyed]) -> Vec<(u32, Vec<Reached>)> {
        let mut order: Vec<usize> = (0..keyed.len()).collect();
        order.sort_by_key(|&i| (keyed[i].seed.principal, keyed[i].seed.assignment, i));
        let mut at: FxHashMap<u32, usize> = FxHashMap::default();
        let mut out: Vec<(u32, Vec<Reached>)> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let sp = keyed[order[i]].seed.principal;
            let j = i + order[i..]
                .iter()
                .take_while(|&&k| keyed[k].seed.principal == sp)
                .count();
            self.walk_from(sp, |r, via, via_cut| {
                let slot = *at.entry(r).or_insert(out.len());
                if slot == out.len() {
                    out.push((r, Vec::new()));
                }
                for &k in &order[i..j] {
                    out[slot].1.push((k as u32, via.clone(), via_cut));
                }
            });
            i = j;
        }
        out
    }
}
