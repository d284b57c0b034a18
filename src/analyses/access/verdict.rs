//! Whether one role (or one deny assignment's permissions) covers an operation, on which
//! plane, conditionally or not, and the entry that decides it: the precomputed bitsets answer
//! for catalog operations, `effective::explain` gives the entry (and answers outright for
//! names the catalog does not list).

use crate::effective::{EntryRef, Verdict, explain};
use crate::graph::Index;
use crate::model::condition::{Condition, Query, Tri};
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

/// The conditions of block `block` of `role` (its own and the role's), decided for `op` with
/// nothing known of the request. A condition that does not parse is unknown.
pub fn block_condition(role: &RoleDefinition, block: usize, op: &str, mode: WildcardMode) -> Tri {
    let one = |text: Option<&str>| -> Tri {
        match text.map(|t| Condition::parse(t.trim())) {
            None => Tri::True,
            Some(Err(_)) => Tri::Unknown,
            Some(Ok(c)) => c.evaluate(&Query::new(op).with_mode(mode)).value,
        }
    };
    let own = role
        .permissions
        .get(block)
        .and_then(|b| b.condition.as_deref());
    one(role.condition.as_deref()).and(one(own))
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
            // A block's condition (and the role's) decided for this operation: false grants
            // nothing, true grants plainly, unknown grants conditionally.
            let conditional = if b.conditional {
                match block_condition(role, b.block, &q.name, mode) {
                    Tri::False => continue,
                    Tri::True => false,
                    Tri::Unknown => true,
                }
            } else {
                false
            };
            if best.is_none_or(|(c, _)| c && !conditional) {
                best = Some((conditional, &b.grants[0]));
            }
        }
        if let Some((conditional, e)) = best {
            out.push(PlaneGrant {
                plane: pe.plane,
                conditional,
                entry: e.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Model;

    /// Key Vault Data Access Administrator's block condition restricts only role-assignment
    /// writes and deletes: decided per operation, its other grants are plain.
    #[test]
    fn block_conditions_are_decided_per_operation() {
        let model = Model::embedded().unwrap();
        let role = model
            .builtins
            .by_guid("8b54135c-b56d-4d72-a534-26097cfdc8d8")
            .unwrap();
        let verdict = |op: &str| {
            let q = OpQuery::new(&model.index, op);
            role_verdicts(&model.index, role, None, &q, model.mode)
        };
        let write = verdict("Microsoft.Authorization/roleAssignments/write");
        assert_eq!(write.len(), 1);
        assert!(write[0].conditional, "the condition names the request");
        let read = verdict("Microsoft.KeyVault/vaults/secrets/read");
        assert!(read.iter().all(|p| !p.conditional), "{read:?}");
        assert!(!read.is_empty());
        let support = verdict("Microsoft.Support/supportTickets/write");
        assert_eq!(support.len(), 1);
        assert!(!support[0].conditional);
        assert!(verdict("Microsoft.KeyVault/vaults/write").is_empty());
    }

    /// A block whose condition is false for the operation grants nothing through it.
    #[test]
    fn a_block_condition_false_for_the_operation_grants_nothing() {
        let model = Model::embedded().unwrap();
        let text = r#"{"roleName":"r","permissions":[{"actions":["Microsoft.Storage/*"],"condition":"(ActionMatches{'Microsoft.Storage/storageAccounts/read'})","conditionVersion":"2.0"}]}"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let role = crate::model::role_parse::parse_roles_json(&value, "r.json")
            .unwrap()
            .remove(0);
        let verdict = |op: &str| {
            let q = OpQuery::new(&model.index, op);
            role_verdicts(&model.index, &role, None, &q, model.mode)
        };
        let read = verdict("Microsoft.Storage/storageAccounts/read");
        assert_eq!(read.len(), 1);
        assert!(!read[0].conditional);
        assert!(verdict("Microsoft.Storage/storageAccounts/delete").is_empty());
    }
}
