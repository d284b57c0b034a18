//! The set core of the role diff: which effective operations two expansions differ by, per
//! plane, including unknown literals and changes of conditionality. Pure bitset work.

use crate::effective::{Effective, Unknown};
use crate::graph::Index;
use crate::model::catalog::canonical_cmp;
use crate::model::{OpId, Plane};
use fixedbitset::FixedBitSet;

/// Risk tags of one changed operation (filled in by a [`Tagger`]; empty without one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    /// Category indices into the tagger's taxonomy, ascending.
    pub categories: Vec<usize>,
    /// Whether any of the categories is high risk (severity high or critical).
    pub high: bool,
}

/// Where a granted operation comes from in the role that grants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The entry, trimmed.
    pub entry: String,
    /// JSON pointer (or locator) of the entry in its file.
    pub pointer: String,
    pub block: usize,
}

/// One operation that a change adds, removes, or whose conditionality it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpChange {
    /// Catalog spelling, or the literal as written for operations the catalog lacks.
    pub name: String,
    pub plane: Plane,
    /// Catalog id; `None` for an unknown literal (granted exactly as written).
    pub id: Option<OpId>,
    /// Granted only under a condition on the side that grants it.
    pub conditional: bool,
    pub tags: Tags,
    /// The entry that grants it (for high-risk additions; see [`super::attribute`]).
    pub source: Option<Source>,
    /// The reason of the configuration's accepted grant that covers it (see
    /// [`super::accept`]): reported, but it does not trip the gate.
    pub accepted: Option<String>,
}

/// Attaches risk tags to operations. Implemented over the risk taxonomy; [`NoTags`]
/// attaches none.
pub trait Tagger {
    fn tag(&self, plane: Plane, id: Option<OpId>, name: &str) -> Tags;
}

/// A tagger that tags nothing.
pub struct NoTags;

impl Tagger for NoTags {
    fn tag(&self, _: Plane, _: Option<OpId>, _: &str) -> Tags {
        Tags::default()
    }
}

/// How two expansions differ. Every list is indexed by `Plane as usize` and sorted
/// canonically (catalog names and unknown literals merged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpsDiff {
    /// Granted by NEW, not by OLD.
    pub added: [Vec<OpChange>; 2],
    /// Granted by OLD, not by NEW.
    pub removed: [Vec<OpChange>; 2],
    /// Granted by both; OLD unconditionally, NEW only under a condition.
    pub now_conditional: [Vec<OpChange>; 2],
    /// Granted by both; OLD only under a condition, NEW unconditionally (a widening).
    pub now_unconditional: [Vec<OpChange>; 2],
}

impl OpsDiff {
    /// True when the two expansions grant exactly the same operations, equally conditioned.
    pub fn is_empty(&self) -> bool {
        [
            &self.added,
            &self.removed,
            &self.now_conditional,
            &self.now_unconditional,
        ]
        .iter()
        .all(|l| l.iter().all(Vec::is_empty))
    }

    pub fn added_count(&self) -> usize {
        self.added.iter().map(Vec::len).sum()
    }

    pub fn removed_count(&self) -> usize {
        self.removed.iter().map(Vec::len).sum()
    }

    /// Whether access widened: operations added or freed from a condition.
    pub fn widens(&self) -> bool {
        self.added_count() > 0 || self.now_unconditional.iter().any(|l| !l.is_empty())
    }

    /// Every operation that widens access (added, or now unconditional).
    pub fn widening(&self) -> impl Iterator<Item = &OpChange> {
        self.added.iter().chain(&self.now_unconditional).flatten()
    }

    /// Tags every listed operation.
    pub fn tag(&mut self, tagger: &dyn Tagger) {
        for list in [
            &mut self.added,
            &mut self.removed,
            &mut self.now_conditional,
            &mut self.now_unconditional,
        ] {
            for ops in list.iter_mut() {
                for op in ops.iter_mut() {
                    op.tags = tagger.tag(op.plane, op.id, &op.name);
                }
            }
        }
    }

    /// Names of one list on one plane (for tests and the JSON contract).
    pub fn names(list: &[Vec<OpChange>; 2], plane: Plane) -> Vec<String> {
        list[plane as usize]
            .iter()
            .map(|o| o.name.clone())
            .collect()
    }
}

/// Compares two expansions made over the same index.
pub fn diff_effective(index: &Index, old: &Effective, new: &Effective) -> OpsDiff {
    let mut added = new.granted.clone();
    added.difference_with(&old.granted);
    let mut removed = old.granted.clone();
    removed.difference_with(&new.granted);
    let mut both = old.granted.clone();
    both.intersect_with(&new.granted);
    // Granted by both: conditionality flips.
    let mut now_cond = both.clone();
    now_cond.intersect_with(&new.conditional_only);
    now_cond.difference_with(&old.conditional_only);
    let mut now_uncond = both;
    now_uncond.intersect_with(&old.conditional_only);
    now_uncond.difference_with(&new.conditional_only);

    let mut out = OpsDiff::default();
    for plane in Plane::BOTH {
        let p = plane as usize;
        let (old_u, new_u) = (&old.unknown[p], &new.unknown[p]);
        out.added[p] = merge(
            ops_of(index, &added, plane, &new.conditional_only),
            unknown_minus(new_u, old_u).map(|u| unknown_op(u, plane, u.conditional)),
        );
        out.removed[p] = merge(
            ops_of(index, &removed, plane, &old.conditional_only),
            unknown_minus(old_u, new_u).map(|u| unknown_op(u, plane, u.conditional)),
        );
        let flips = unknown_both(old_u, new_u);
        out.now_conditional[p] = merge(
            ops_of(index, &now_cond, plane, &new.conditional_only),
            flips
                .iter()
                .filter(|(o, n)| !o.conditional && n.conditional)
                .map(|(_, n)| unknown_op(n, plane, true)),
        );
        out.now_unconditional[p] = merge(
            ops_of(index, &now_uncond, plane, &new.conditional_only),
            flips
                .iter()
                .filter(|(o, n)| o.conditional && !n.conditional)
                .map(|(_, n)| unknown_op(n, plane, false)),
        );
    }
    out
}

/// Catalog operations of one plane in `set`, ascending id = canonical order.
fn ops_of(
    index: &Index,
    set: &FixedBitSet,
    plane: Plane,
    conditional: &FixedBitSet,
) -> Vec<OpChange> {
    let (lo, hi) = index.catalog().plane_range(plane);
    set.ones()
        .skip_while(|i| *i < lo as usize)
        .take_while(|i| *i < hi as usize)
        .map(|i| OpChange {
            name: index.catalog().name(i as OpId).to_string(),
            plane,
            id: Some(i as OpId),
            conditional: conditional.contains(i),
            tags: Tags::default(),
            source: None,
            accepted: None,
        })
        .collect()
}

fn unknown_op(u: &Unknown, plane: Plane, conditional: bool) -> OpChange {
    OpChange {
        name: u.name.clone(),
        plane,
        id: None,
        conditional,
        tags: Tags::default(),
        source: None,
        accepted: None,
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Unknown literals of `a` that `b` lacks (names compared ignoring ASCII case).
fn unknown_minus<'a>(a: &'a [Unknown], b: &'a [Unknown]) -> impl Iterator<Item = &'a Unknown> + 'a {
    a.iter()
        .filter(move |u| !b.iter().any(|v| same_name(&u.name, &v.name)))
}

/// Unknown literals on both sides, as (old, new).
fn unknown_both<'a>(old: &'a [Unknown], new: &'a [Unknown]) -> Vec<(&'a Unknown, &'a Unknown)> {
    old.iter()
        .filter_map(|o| {
            new.iter()
                .find(|n| same_name(&o.name, &n.name))
                .map(|n| (o, n))
        })
        .collect()
}

/// Merges catalog operations (already sorted) with unknown literals, canonically sorted.
fn merge(mut known: Vec<OpChange>, unknown: impl Iterator<Item = OpChange>) -> Vec<OpChange> {
    let before = known.len();
    known.extend(unknown);
    if known.len() != before {
        known.sort_by(|a, b| canonical_cmp(&a.name, &b.name));
    }
    known
}
