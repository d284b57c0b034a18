//! Provenance: why a role grants (or does not grant) one operation — which block and entry
//! granted it, or which NotAction removed it.

use crate::graph::Index;
use crate::model::{Field, Plane, RoleDefinition, WildcardMode};

/// One entry of a role that matched the operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EntryRef {
    pub block: usize,
    pub field: Field,
    pub index: usize,
    /// The entry, trimmed.
    pub text: String,
    /// Where it was written (JSON pointer or locator).
    pub pointer: String,
    /// True when the entry matches only because `/*/` may match a single `/`
    /// (it would not match with `--wildcards literal`).
    pub needs_collapse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Granted,
    /// Granted only by blocks that carry a condition (not evaluated).
    Conditional,
    /// Matched by a grant entry but removed by an exclusion in the same block.
    Removed,
    NotGranted,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Granted => "granted",
            Verdict::Conditional => "conditional",
            Verdict::Removed => "removed",
            Verdict::NotGranted => "not granted",
        }
    }
}

/// What one permission block does with the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockTrace {
    pub block: usize,
    pub conditional: bool,
    pub grants: Vec<EntryRef>,
    pub removals: Vec<EntryRef>,
}

/// The explanation on one plane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaneExplanation {
    pub plane: Plane,
    /// Catalog spelling, or `None` when the catalog does not list the name on this plane.
    pub catalog_name: Option<String>,
    pub verdict: Verdict,
    /// Only blocks where some entry matched.
    pub blocks: Vec<BlockTrace>,
}

/// Explains an operation name against a role on every plane where the catalog lists it or
/// an entry of that plane matches it.
pub fn explain(
    index: &Index,
    role: &RoleDefinition,
    operation: &str,
    mode: WildcardMode,
) -> Vec<PlaneExplanation> {
    let op = operation.trim();
    let mut out = Vec::new();
    for plane in Plane::BOTH {
        let catalog_name = index
            .catalog()
            .find(plane, op)
            .map(|id| index.catalog().name(id).to_string());
        // Planes never mix: when the catalog lists the name only on the other plane, it is not
        // an operation of this plane, so only a literal entry naming it exactly grants it here
        // (as `expand` does). A name the catalog lists on neither plane is explained as a
        // hypothetical operation of every plane whose entries match it.
        let other_plane_only = catalog_name.is_none()
            && Plane::BOTH
                .iter()
                .any(|p| *p != plane && index.catalog().find(*p, op).is_some());
        let mut blocks = Vec::new();
        for (b, block) in role.permissions.iter().enumerate() {
            let matching = |field: Field| -> Vec<EntryRef> {
                block
                    .list(field)
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.pattern.matches(op, mode))
                    .filter(|(_, e)| {
                        !(other_plane_only && !field.is_exclusion() && !e.pattern.is_literal())
                    })
                    .map(|(i, e)| EntryRef {
                        block: b,
                        field,
                        index: i,
                        text: e.pattern.as_str().to_string(),
                        pointer: e.pointer.clone(),
                        needs_collapse: mode == WildcardMode::Azure
                            && !e.pattern.matches(op, WildcardMode::Literal),
                    })
                    .collect()
            };
            let grants = matching(Field::grant(plane));
            let removals = matching(Field::exclusion(plane));
            if !grants.is_empty() || !removals.is_empty() {
                blocks.push(BlockTrace {
                    block: b,
                    conditional: role.block_conditional(block),
                    grants,
                    removals,
                });
            }
        }
        // A plane where the catalog lacks the name is reported only when an entry grants it
        // there (a literal, or for a name unknown on both planes, a wildcard hypothetically).
        if catalog_name.is_none() && blocks.iter().all(|b| b.grants.is_empty()) {
            continue;
        }
        let effective: Vec<&BlockTrace> = blocks
            .iter()
            .filter(|b| !b.grants.is_empty() && b.removals.is_empty())
            .collect();
        let verdict = if effective.iter().any(|b| !b.conditional) {
            Verdict::Granted
        } else if !effective.is_empty() {
            Verdict::Conditional
        } else if blocks.iter().any(|b| !b.grants.is_empty()) {
            Verdict::Removed
        } else {
            Verdict::NotGranted
        };
        out.push(PlaneExplanation {
            plane,
            catalog_name,
            verdict,
            blocks,
        });
    }
    out
}
