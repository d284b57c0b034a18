//! The baseline many-operation engine: one [`who_can_query`] per operation set, folded per
//! principal. [`super::who_can_sets`] answers the same in one pass; this one stays as the
//! model it is tested and measured against.

use super::*;
use crate::analyses::access::who_can::Answer;

/// The tiers, one set at a time.
pub(super) fn tiers(ix: &AccessIndex, ops: &[OpQuery], groups: &[OpGroup], scope: &str) -> Tiers {
    // Each group is answered once and folded per principal at once, so that only one
    // group's answer is held at a time: the allowed tier, the principals a deny stops,
    // and the PIM eligible tier (principals not allowed for a set who could activate it).
    let mut allowed = Fold::default();
    let mut stopped = Fold::default();
    let mut eligible = Fold::default();
    let mut group_warnings: BTreeSet<Warning> = BTreeSet::new();
    let mut unevaluated: Vec<Unevaluated> = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        let members = &g.ops;
        let answer = who_can_query(ix, &ops[members[0]], scope, false);
        for a in &answer.at.allowed {
            let p = allowed.add(gi, members, a, a.conditional);
            p.add_hits(&a.denied_by, &a.audited_by);
        }
        for a in &answer.at.denied {
            let p = stopped.add(gi, members, a, false);
            p.add_hits(&a.denied_by, &a.audited_by);
        }
        for a in &answer.eligible.allowed {
            eligible.add(gi, members, a, a.conditional);
        }
        // Per-operation notes ("not in the catalog") are stated once, for the set.
        group_warnings.extend(
            answer
                .warnings
                .into_iter()
                .filter(|w| !w.text.contains("is not in the operation catalog")),
        );
        unevaluated.extend(answer.unevaluated);
    }
    let mut principals = allowed.done();
    // A principal a deny stops for some sets but allowed others is listed once, among the
    // allowed, with the stopped sets; one stopped for every set it holds is listed as denied,
    // with the chains the denies stop.
    let mut denied = Vec::new();
    {
        let at: HashMap<u32, usize> = principals
            .iter()
            .enumerate()
            .map(|(i, p)| (p.principal, i))
            .collect();
        for mut s in stopped.done() {
            match at.get(&s.principal) {
                Some(&i) => {
                    let p = &mut principals[i];
                    p.denied_ops.append(&mut s.ops);
                    p.denied_groups.append(&mut s.groups);
                    p.add_hits(&s.denied_by, &s.audited_by);
                }
                None => {
                    s.denied_ops = std::mem::take(&mut s.ops);
                    s.denied_groups = std::mem::take(&mut s.groups);
                    s.conditional_ops.clear();
                    denied.push(s);
                }
            }
        }
    }
    Tiers {
        principals,
        denied,
        eligible: eligible.done(),
        warnings: group_warnings,
        unevaluated,
    }
}

impl ManyPrincipal {
    /// Adds deny hits, each deny entry once.
    fn add_hits(&mut self, denied_by: &[DenyHit], audited_by: &[DenyHit]) {
        let same = |a: &DenyHit, b: &DenyHit| {
            a.deny == b.deny && a.plane == b.plane && a.entry.text == b.entry.text
        };
        for h in denied_by {
            if !self.denied_by.iter().any(|x| same(x, h)) {
                self.denied_by.push(h.clone());
            }
        }
        for h in audited_by {
            if !self.audited_by.iter().any(|x| same(x, h)) {
                self.audited_by.push(h.clone());
            }
        }
    }
}

/// What makes two grants of one principal one chain: the principal's place in the fold, the
/// assignment (or eligibility), the group path, the plane and the entry (by [`Fold::entry_id`]).
type ChainKey = (usize, u32, bool, Arc<[u32]>, Plane, u32);

/// One tier of a many-operation answer, folded group by group: per principal, the
/// operations and groups it holds there and its chains (a chain met again in another group
/// gains that group).
#[derive(Default)]
struct Fold {
    at: FxHashMap<u32, usize>,
    list: Vec<ManyPrincipal>,
    chains: FxHashMap<ChainKey, usize>,
    /// Entries by content, numbered; and the number of each entry object already seen
    /// (grants of one answer share their entry objects, so content is hashed once each).
    entries: FxHashMap<Arc<EntryRef>, u32>,
    seen: FxHashMap<usize, (Arc<EntryRef>, u32)>,
}

impl Fold {
    fn add(
        &mut self,
        gi: usize,
        ops: &[usize],
        a: &Answer,
        conditional: bool,
    ) -> &mut ManyPrincipal {
        let next = self.list.len();
        let i = *self.at.entry(a.principal).or_insert(next);
        if i == next {
            self.list.push(ManyPrincipal::new(a.principal));
        }
        let p = &mut self.list[i];
        p.ops.extend(ops);
        p.groups.push(gi);
        if conditional {
            p.conditional_ops.extend(ops);
        }
        for gr in &a.grants {
            let entry = self.entry_id(&gr.entry);
            let key = (i, gr.assignment, gr.pim, gr.via.clone(), gr.plane, entry);
            let p = &mut self.list[i];
            match self.chains.get(&key) {
                Some(&c) => p.chains[c].groups.push(gi),
                None => {
                    self.chains.insert(key, p.chains.len());
                    p.chains.push(ManyChain {
                        grant: gr.clone(),
                        groups: vec![gi],
                    });
                }
            }
        }
        &mut self.list[i]
    }

    /// The number of an entry, equal for equal content.
    fn entry_id(&mut self, e: &Arc<EntryRef>) -> u32 {
        let ptr = Arc::as_ptr(e) as usize;
        if let Some((_, id)) = self.seen.get(&ptr) {
            return *id;
        }
        let next = self.entries.len() as u32;
        let id = *self.entries.entry(e.clone()).or_insert(next);
        // The Arc is kept so that its address is not reused by another entry.
        self.seen.insert(ptr, (e.clone(), id));
        id
    }

    fn done(self) -> Vec<ManyPrincipal> {
        self.list
    }
}
