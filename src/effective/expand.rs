//! Effective permissions of a role: per block (Actions − NotActions) and
//! (DataActions − NotDataActions), united over blocks, with conditions and unknown literals.

use crate::graph::Index;
use crate::model::catalog::canonical_cmp;
use crate::model::{Field, OpId, Plane, RoleDefinition, WildcardMode};
use fixedbitset::FixedBitSet;
use std::borrow::Cow;

/// A literal entry the catalog does not list: granted exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// Trimmed, as written.
    pub name: String,
    /// Granted only by conditional blocks.
    pub conditional: bool,
}

/// What a role grants. Both planes share one id space (see [`crate::model::Catalog`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// Every catalog operation granted, conditionally or not.
    pub granted: FixedBitSet,
    /// The subset of `granted` that only conditional blocks grant.
    pub conditional_only: FixedBitSet,
    /// Unknown literal grants per plane (control, data), in canonical order.
    pub unknown: [Vec<Unknown>; 2],
}

impl Effective {
    pub fn empty(len: usize) -> Effective {
        Effective {
            granted: FixedBitSet::with_capacity(len),
            conditional_only: FixedBitSet::with_capacity(len),
            unknown: [Vec::new(), Vec::new()],
        }
    }

    pub fn contains(&self, id: OpId) -> bool {
        self.granted.contains(id as usize)
    }

    /// Catalog ids granted on one plane, ascending (= sorted by name).
    pub fn ids<'a>(&'a self, index: &'a Index, plane: Plane) -> impl Iterator<Item = OpId> + 'a {
        index.plane_ids(&self.granted, plane)
    }

    /// Number of catalog operations granted on one plane.
    pub fn count(&self, index: &Index, plane: Plane) -> usize {
        index.plane_count(&self.granted, plane)
    }

    /// Every effective operation name of a plane: catalog spelling for known operations,
    /// unknown literals as written; sorted canonically.
    pub fn names(&self, index: &Index, plane: Plane) -> Vec<String> {
        self.names_borrowed(index, plane)
            .into_iter()
            .map(Cow::into_owned)
            .collect()
    }

    /// [`Effective::names`] without copying catalog names (unknown literals are copied).
    pub fn names_borrowed<'a>(&self, index: &'a Index, plane: Plane) -> Vec<Cow<'a, str>> {
        let mut out: Vec<Cow<'a, str>> = Vec::with_capacity(self.count(index, plane));
        out.extend(
            self.ids(index, plane)
                .map(|i| Cow::Borrowed(index.catalog().name(i))),
        );
        let unknown = &self.unknown[plane as usize];
        if !unknown.is_empty() {
            out.extend(unknown.iter().map(|u| Cow::Owned(u.name.clone())));
            out.sort_by(|a, b| canonical_cmp(a, b));
        }
        out
    }

    /// Names granted only conditionally on a plane, sorted.
    pub fn conditional_names(&self, index: &Index, plane: Plane) -> Vec<String> {
        let (lo, hi) = index.catalog().plane_range(plane);
        let mut out: Vec<String> = self
            .conditional_only
            .ones()
            .filter(|i| *i >= lo as usize && *i < hi as usize)
            .map(|i| index.catalog().name(i as OpId).to_string())
            .collect();
        out.extend(
            self.unknown[plane as usize]
                .iter()
                .filter(|u| u.conditional)
                .map(|u| u.name.clone()),
        );
        out.sort_by(|a, b| canonical_cmp(a, b));
        out
    }

    /// Unions another grant into this one (used when several roles or assignments combine).
    pub fn union_with(&mut self, other: &Effective) {
        let uncond_self = difference(&self.granted, &self.conditional_only);
        let uncond_other = difference(&other.granted, &other.conditional_only);
        self.granted.union_with(&other.granted);
        let mut uncond = uncond_self;
        uncond.union_with(&uncond_other);
        self.conditional_only = difference(&self.granted, &uncond);
        for p in 0..2 {
            for u in &other.unknown[p] {
                add_unknown(&mut self.unknown[p], &u.name, u.conditional);
            }
        }
    }
}

fn difference(a: &FixedBitSet, b: &FixedBitSet) -> FixedBitSet {
    let mut out = a.clone();
    out.difference_with(b);
    out
}

/// Adds an unknown literal, keeping canonical order; an unconditional grant wins over a
/// conditional one of the same name (names compared ignoring ASCII case).
pub(crate) fn add_unknown(list: &mut Vec<Unknown>, name: &str, conditional: bool) {
    match list.binary_search_by(|u| {
        canonical_cmp(&u.name.to_ascii_lowercase(), &name.to_ascii_lowercase())
    }) {
        Ok(i) => list[i].conditional &= conditional,
        Err(i) => list.insert(
            i,
            Unknown {
                name: name.to_string(),
                conditional,
            },
        ),
    }
}

/// How a role's entries are resolved to operation sets; lets the naive matcher and the
/// graph index share the same role algebra.
pub trait Resolver {
    /// Number of operation ids (the bitset width).
    fn width(&self) -> usize;
    /// Adds the catalog operations of `plane` that `pattern` matches to `out` and returns how
    /// many it matched (for a literal: 1 when the catalog lists it on this plane, else 0).
    fn resolve_into(
        &self,
        pattern: &crate::model::Pattern,
        plane: Plane,
        mode: WildcardMode,
        out: &mut FixedBitSet,
    ) -> usize;
}

impl Resolver for Index {
    fn width(&self) -> usize {
        self.catalog().len()
    }
    fn resolve_into(
        &self,
        pattern: &crate::model::Pattern,
        plane: Plane,
        mode: WildcardMode,
        out: &mut FixedBitSet,
    ) -> usize {
        Index::resolve_into(self, pattern, plane, mode, out)
    }
}

/// Expands a role through the graph index.
pub fn expand(index: &Index, role: &RoleDefinition, mode: WildcardMode) -> Effective {
    expand_with(index, role, mode)
}

/// Expands a role with any resolver (the index, or the naive scan in tests and benches).
pub fn expand_with<R: Resolver>(
    resolver: &R,
    role: &RoleDefinition,
    mode: WildcardMode,
) -> Effective {
    let n = resolver.width();
    let mut uncond = FixedBitSet::with_capacity(n);
    let mut cond = FixedBitSet::with_capacity(n);
    let mut allow = FixedBitSet::with_capacity(n);
    let mut deny = FixedBitSet::with_capacity(n);
    // Unknown literals are gathered, then sorted once (inserting each into a sorted list
    // was quadratic on roles with many thousands of them).
    let mut raw_unknown: [Vec<(String, bool)>; 2] = [Vec::new(), Vec::new()];
    for block in &role.permissions {
        let conditional = role.block_conditional(block);
        allow.clear();
        deny.clear();
        for plane in Plane::BOTH {
            let grants = block.list(Field::grant(plane));
            let removes = block.list(Field::exclusion(plane));
            for e in grants {
                let matched = resolver.resolve_into(&e.pattern, plane, mode, &mut allow);
                // A literal the catalog lacks on this plane is granted as written, unless an
                // exclusion of the same block matches it.
                if matched == 0
                    && e.pattern.is_literal()
                    && !removes
                        .iter()
                        .any(|x| x.pattern.matches(e.pattern.lower(), mode))
                {
                    raw_unknown[plane as usize].push((e.pattern.as_str().to_string(), conditional));
                }
            }
            for e in removes {
                resolver.resolve_into(&e.pattern, plane, mode, &mut deny);
            }
        }
        allow.difference_with(&deny);
        if conditional {
            cond.union_with(&allow);
        } else {
            uncond.union_with(&allow);
        }
    }
    let mut granted = uncond.clone();
    granted.union_with(&cond);
    cond.difference_with(&uncond);
    let [control, data] = raw_unknown;
    Effective {
        granted,
        conditional_only: cond,
        unknown: [settle_unknown(control), settle_unknown(data)],
    }
}

/// Unknown literals in canonical order, one per name (ignoring ASCII case; the first
/// spelling kept), conditional only when every grant of the name is: what repeated
/// [`add_unknown`] calls give, in O(n log n).
fn settle_unknown(raw: Vec<(String, bool)>) -> Vec<Unknown> {
    let mut keyed: Vec<(String, String, bool)> = raw
        .into_iter()
        .map(|(n, c)| (n.to_ascii_lowercase(), n, c))
        .collect();
    keyed.sort_by(|a, b| canonical_cmp(&a.0, &b.0));
    let mut out: Vec<Unknown> = Vec::with_capacity(keyed.len());
    let mut last: Option<String> = None;
    for (key, name, conditional) in keyed {
        if last.as_deref() == Some(key.as_str()) {
            if let Some(u) = out.last_mut() {
                u.conditional &= conditional;
            }
            continue;
        }
        out.push(Unknown { name, conditional });
        last = Some(key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Sorting once gives what inserting one by one gave.
        #[test]
        fn settling_unknowns_equals_inserting_each(
            names in prop::collection::vec(("[aAbB]{1,3}(/[xX])?", any::<bool>()), 0..40)
        ) {
            let mut one_by_one = Vec::new();
            for (n, c) in &names {
                add_unknown(&mut one_by_one, n, *c);
            }
            let raw: Vec<(String, bool)> = names.clone();
            prop_assert_eq!(settle_unknown(raw), one_by_one);
        }
    }
}
