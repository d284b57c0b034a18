//! Whether one role (or one deny assignment's permissions) covers an operation, on which
//! plane, conditionally or not, and the entry that decides it: the precomputed bitsets answer
//! for catalog operations, `effective::explain` gives the entry (and answers outright for
//! names the catalog does not list).

use crate::effective::{EntryRef, Verdict, explain};
use crate::graph::Index;
use crate::model::{OpId, Plane, RoleDefinition, WildcardMode};

/// An operation name as a query asks about it.
#[derive(Debug, Clone)]
pub struct OpQuery {
    /// Trimmed; the catalog's spelling when it lists the name.
    pub name: String,
    /// Catalog id per plane (control, data).
    pub ids: [Option<OpId>; 2],
}

impl OpQuery {
    pub fn new(index: &Index, op: &str) -> OpQuery {
        let t = op.trim();
        let ids = [
            index.catalog().find(Plane::Control, t),
            index.catalog().find(Plane::Data, t),
        ];
        let name = ids
            .iter()
            .flatten()
            .next()
            .map(|id| index.catalog().name(*id).to_string())
            .unwrap_or_else(|| t.to_string());
        OpQuery { name, ids }
    }

    pub fn in_catalog(&self) -> bool {
        self.ids.iter().any(Option::is_some)
    }
}

/// One plane on which a role grants the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaneGrant {
    pub plane: Plane,
    /// Granted only by blocks carrying a condition.
    pub conditional: bool,
    /// The entry that grants it (first in an effective block, unconditional blocks first).
    pub entry: EntryRef,
}

/// The planes on which `role` grants `q`. `effective` (the role's precomputed expansion)
/// lets a catalog operation the role does not grant be dismissed without pattern matching.
pub fn role_verdicts(
    index: &Index,
    role: &RoleDefinition,
    effective: Option<&crate::effective::Effective>,
    q: &OpQuery,
    mode: WildcardMode,
) -> Vec<PlaneGrant> {
    if let Some(eff) = effective
        && q.in_catalog()
    {
        let mut maybe = false;
        for plane in Plane::BOTH {
            match q.ids[plane as usize] {
                Some(id) => maybe |= eff.contains(id),
                None => {
                    maybe |= eff.unknown[plane as usize]
                        .iter()
                        .any(|u| u.name.eq_ignore_ascii_case(&q.name))
                }
            }
        }
        if !maybe {
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    for pe in explain(index, role, &q.name, mode) {
        if !matches!(pe.verdict, Verdict::Granted | Verdict::Conditional) {
            continue;
        }
        let mut best: Option<(bool, &EntryRef)> = None;
        for b in &pe.blocks {
            if b.grants.is_empty() || !b.removals.is_empty() {
                continue;
            }
            if best.is_none_or(|(c, _)| c && !b.conditional) {
                best = Some((b.conditional, &b.grants[0]));
            }
        }
        if let Some((_, e)) = best {
            out.push(PlaneGrant {
                plane: pe.plane,
                conditional: pe.verdict == Verdict::Conditional,
                entry: e.clone(),
            });
        }
    }
    out
}
