//! The risk index: the categories of every catalog operation, computed once per process by
//! resolving each rule's patterns through the graph index.

use super::Severity;
use super::taxonomy::Taxonomy;
use crate::graph::Index;
use crate::model::{OpId, WildcardMode};
use fixedbitset::FixedBitSet;

/// Categories per catalog operation (compressed rows) and operations per category (bitsets).
#[derive(Debug, Clone)]
pub struct RiskIndex {
    /// `offsets[id]..offsets[id + 1]` is the slice of `cats` for operation `id`.
    offsets: Vec<u32>,
    cats: Vec<usize>,
    /// One bitset over catalog ids per category.
    per_category: Vec<FixedBitSet>,
    /// Highest severity per operation.
    max: Vec<Option<Severity>>,
    /// Severity of each category (copied from the taxonomy).
    severities: Vec<Severity>,
}

impl RiskIndex {
    pub(super) fn build(taxonomy: &Taxonomy, index: &Index, mode: WildcardMode) -> RiskIndex {
        let n = index.catalog().len();
        let ncat = taxonomy.categories().len();
        let mut per_category = vec![FixedBitSet::with_capacity(n); ncat];
        let mut hits = FixedBitSet::with_capacity(n);
        let mut excluded = FixedBitSet::with_capacity(n);
        for rule in taxonomy.rules() {
            hits.clear();
            excluded.clear();
            for plane in &rule.planes {
                for p in &rule.patterns {
                    index.resolve_into(p, *plane, mode, &mut hits);
                }
                for p in &rule.except {
                    index.resolve_into(p, *plane, mode, &mut excluded);
                }
            }
            hits.difference_with(&excluded);
            per_category[rule.category].union_with(&hits);
        }
        let mut counts = vec![0u32; n];
        for set in &per_category {
            for id in set.ones() {
                counts[id] += 1;
            }
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut total = 0u32;
        offsets.push(0);
        for c in &counts {
            total += c;
            offsets.push(total);
        }
        let mut cats = vec![0usize; total as usize];
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        // Categories in ascending order per operation: fill category by category.
        for (c, set) in per_category.iter().enumerate() {
            for id in set.ones() {
                cats[fill[id] as usize] = c;
                fill[id] += 1;
            }
        }
        let severities: Vec<Severity> = taxonomy.categories().iter().map(|c| c.severity).collect();
        let max = (0..n)
            .map(|id| {
                cats[offsets[id] as usize..offsets[id + 1] as usize]
                    .iter()
                    .map(|c| severities[*c])
                    .max()
            })
            .collect();
        RiskIndex {
            offsets,
            cats,
            per_category,
            max,
            severities,
        }
    }

    /// Categories (indices into `taxonomy.categories()`, ascending) of a catalog operation.
    pub fn categories(&self, id: OpId) -> &[usize] {
        let i = id as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(a), Some(b)) => &self.cats[*a as usize..*b as usize],
            _ => &[],
        }
    }

    /// Every catalog operation in a category.
    pub fn ops_in(&self, cat: usize) -> &FixedBitSet {
        &self.per_category[cat]
    }

    /// The highest severity of an operation's categories; `None` when it is in none.
    pub fn max_severity(&self, id: OpId) -> Option<Severity> {
        self.max.get(id as usize).copied().flatten()
    }

    /// Number of categories.
    pub fn category_count(&self) -> usize {
        self.per_category.len()
    }

    /// Severity of a category.
    pub fn severity(&self, cat: usize) -> Severity {
        self.severities[cat]
    }

    /// Sum of [`super::weight_of`] over a set of operations: the risk-weighted size of a set.
    pub fn weight(&self, ops: &FixedBitSet) -> u64 {
        ops.ones()
            .map(|id| super::weight_of(self.max_severity(id as OpId)))
            .sum()
    }

    /// How many operations of a set are high-risk (high or critical).
    pub fn high_risk_count(&self, ops: &FixedBitSet) -> usize {
        ops.ones()
            .filter(|id| {
                self.max_severity(*id as OpId)
                    .is_some_and(Severity::is_high_risk)
            })
            .count()
    }
}
