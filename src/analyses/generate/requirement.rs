//! A requirement: the exact set of operations a generated role must grant (catalog
//! operations as ids, names the catalog does not list kept as written), and how entries
//! (names or patterns) add to it.

use crate::graph::Index;
use crate::model::catalog::canonical_cmp;
use crate::model::{OpId, Pattern, Plane, WildcardMode};
use fixedbitset::FixedBitSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// Needed catalog operations; both planes share the catalog's id space.
    pub ids: FixedBitSet,
    /// Needed names the catalog does not list, per plane (control, data), trimmed, in
    /// canonical order, without duplicates (compared ignoring ASCII case).
    pub unknown: [Vec<String>; 2],
    /// Wildcard entries granted as written, per plane: the only way to grant an operation the
    /// catalog does not list. The catalog operations they match are in `ids` too.
    pub kept: [Vec<String>; 2],
}

impl Requirement {
    pub fn new(index: &Index) -> Requirement {
        Requirement {
            ids: index.empty_set(),
            unknown: [Vec::new(), Vec::new()],
            kept: [Vec::new(), Vec::new()],
        }
    }

    /// Adds one entry on one plane: a catalog name adds its operation, a pattern every
    /// catalog operation it matches, an unknown literal is kept as written. Returns how many
    /// catalog operations the entry matched (0 for an unknown literal or an empty pattern).
    pub fn add_entry(
        &mut self,
        index: &Index,
        mode: WildcardMode,
        plane: Plane,
        pattern: &Pattern,
    ) -> usize {
        let n = index.resolve_into(pattern, plane, mode, &mut self.ids);
        if n == 0 && pattern.is_literal() {
            self.add_unknown(plane, pattern.as_str());
        }
        n
    }

    /// Adds a name the catalog does not list (ignored if already present in any case).
    pub fn add_unknown(&mut self, plane: Plane, name: &str) {
        let list = &mut self.unknown[plane as usize];
        let lower = name.to_ascii_lowercase();
        if let Err(i) = list.binary_search_by(|u| canonical_cmp(&u.to_ascii_lowercase(), &lower)) {
            list.insert(i, name.to_string());
        }
    }

    /// Adds a wildcard entry kept as written (ignored if already present in any case).
    pub fn add_kept(&mut self, plane: Plane, entry: &str) {
        let list = &mut self.kept[plane as usize];
        if !list.iter().any(|k| k.eq_ignore_ascii_case(entry)) {
            list.push(entry.to_string());
            list.sort_by(|a, b| canonical_cmp(a, b));
        }
    }

    /// Removes every operation a pattern matches on one plane (catalog operations through the
    /// index, unknown names through the reference matcher). Returns the catalog ids removed.
    pub fn remove_pattern(
        &mut self,
        index: &Index,
        mode: WildcardMode,
        plane: Plane,
        pattern: &Pattern,
    ) -> Vec<OpId> {
        let hit = index.resolve(pattern, plane, mode);
        let removed: Vec<OpId> = hit.intersection(&self.ids).map(|i| i as OpId).collect();
        for id in &removed {
            self.ids.set(*id as usize, false);
        }
        self.unknown[plane as usize].retain(|u| !pattern.matches(u, mode));
        removed
    }

    /// Removes a set of catalog operations.
    pub fn remove_ids(&mut self, ids: &FixedBitSet) {
        self.ids.difference_with(ids);
    }

    pub fn union_with(&mut self, other: &Requirement) {
        self.ids.union_with(&other.ids);
        for plane in Plane::BOTH {
            for u in &other.unknown[plane as usize] {
                self.add_unknown(plane, u);
            }
            for k in &other.kept[plane as usize] {
                self.add_kept(plane, k);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_clear()
            && self.unknown.iter().all(Vec::is_empty)
            && self.kept.iter().all(Vec::is_empty)
    }

    /// Catalog ids needed on one plane, ascending (canonical order).
    pub fn ids<'a>(&'a self, index: &'a Index, plane: Plane) -> impl Iterator<Item = OpId> + 'a {
        index.plane_ids(&self.ids, plane)
    }

    /// Number of needed operations on a plane, unknown names included.
    pub fn count(&self, index: &Index, plane: Plane) -> usize {
        index.plane_count(&self.ids, plane) + self.unknown[plane as usize].len()
    }

    /// Every needed name of a plane (catalog spelling, unknown names as written), sorted.
    pub fn names(&self, index: &Index, plane: Plane) -> Vec<String> {
        let cat = index.catalog();
        let mut out: Vec<String> = self
            .ids(index, plane)
            .map(|i| cat.name(i).to_string())
            .collect();
        out.extend(self.unknown[plane as usize].iter().cloned());
        out.sort_by(|a, b| canonical_cmp(a, b));
        out
    }
}
