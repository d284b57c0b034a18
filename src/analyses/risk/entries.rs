//! Risk per role entry: which grant entries (`Actions`/`DataActions`) of a role reach which
//! dangerous operations, after the NotActions of their own block. Lint and diff use it to
//! report one finding per entry, at the entry's place in the file.

use super::index::RiskIndex;
use super::taxonomy::Taxonomy;
use crate::graph::Index;
use crate::model::{Field, OpId, Plane, RoleDefinition, WildcardMode};
use fixedbitset::FixedBitSet;

/// The operations of one category that one entry grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryCategory {
    /// Index into `taxonomy.categories()`.
    pub category: usize,
    /// Catalog operations of the category this entry grants (ascending ids = sorted names).
    pub ops: Vec<OpId>,
    /// The entry is a literal the catalog does not list, and the name itself is in the category.
    pub unknown_literal: bool,
}

/// One grant entry and the risks it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRisk {
    pub block: usize,
    /// `Actions` or `DataActions`.
    pub field: Field,
    /// Position of the entry in its list.
    pub index: usize,
    /// The entry, trimmed.
    pub text: String,
    /// Where it is written (JSON pointer or format-specific locator).
    pub pointer: String,
    /// The block (or role) carries a condition: the grant is conditional.
    pub conditional: bool,
    /// Every catalog operation this entry grants after its block's exclusions.
    pub ops: FixedBitSet,
    /// Categories reached, ascending by category index.
    pub categories: Vec<EntryCategory>,
}

impl EntryRisk {
    /// Whether the entry reaches a category.
    pub fn has(&self, category: usize) -> bool {
        self.categories.iter().any(|c| c.category == category)
    }
}

/// Classifies every grant entry of a role. Entries are returned in file order (block, field,
/// index), including those that reach no category (their `categories` is empty).
pub fn classify_entries(
    index: &Index,
    taxonomy: &Taxonomy,
    risk: &RiskIndex,
    role: &RoleDefinition,
    mode: WildcardMode,
) -> Vec<EntryRisk> {
    let mut out = Vec::new();
    let mut removed = index.empty_set();
    for (b, block) in role.permissions.iter().enumerate() {
        let conditional = role.block_conditional(block);
        for plane in Plane::BOTH {
            let removes = block.list(Field::exclusion(plane));
            removed.clear();
            for e in removes {
                index.resolve_into(&e.pattern, plane, mode, &mut removed);
            }
            let field = Field::grant(plane);
            for (i, e) in block.list(field).iter().enumerate() {
                let mut ops = index.resolve(&e.pattern, plane, mode);
                ops.difference_with(&removed);
                let mut categories: Vec<EntryCategory> = Vec::new();
                for cat in 0..risk.category_count() {
                    let mut hit = ops.clone();
                    hit.intersect_with(risk.ops_in(cat));
                    if hit.is_clear() {
                        continue;
                    }
                    categories.push(EntryCategory {
                        category: cat,
                        ops: hit.ones().map(|x| x as OpId).collect(),
                        unknown_literal: false,
                    });
                }
                let unknown = e.pattern.is_literal()
                    && index
                        .catalog()
                        .find_lower(plane, e.pattern.lower())
                        .is_none()
                    && !removes
                        .iter()
                        .any(|x| x.pattern.matches(e.pattern.lower(), mode));
                if unknown {
                    for cat in taxonomy.classify_name(e.pattern.as_str(), plane, mode) {
                        categories.push(EntryCategory {
                            category: cat,
                            ops: Vec::new(),
                            unknown_literal: true,
                        });
                    }
                    categories.sort_by_key(|c| c.category);
                }
                out.push(EntryRisk {
                    block: b,
                    field,
                    index: i,
                    text: e.pattern.as_str().to_string(),
                    pointer: e.pointer.clone(),
                    conditional,
                    ops,
                    categories,
                });
            }
        }
    }
    out
}
