//! Accepted grants in the diff: operations and assignable scopes the configuration file
//! (`[[accept]]`) says a role may have, each with a reason. They are still reported, marked
//! with the reason, but do not trip the gate.

use super::RoleChange;
use super::scopes::covers;
use crate::model::WildcardMode;
use crate::model::config::Accepted;

/// Marks every operation a change widens, and every scope it widens to, that an accepted
/// grant of the role covers.
pub fn mark_accepted(changes: &mut [RoleChange], accepted: &[Accepted], mode: WildcardMode) {
    if accepted.is_empty() {
        return;
    }
    for c in changes {
        let (name, guid) = match c.new.as_ref().or(c.old.as_ref()) {
            Some(s) => (s.name.clone(), s.guid.clone()),
            None => (None, None),
        };
        let mine: Vec<&Accepted> = accepted
            .iter()
            .filter(|a| a.is_for(name.as_deref(), guid.as_deref()))
            .collect();
        if mine.is_empty() {
            continue;
        }
        for list in [&mut c.ops.added, &mut c.ops.now_unconditional] {
            for op in list.iter_mut().flatten() {
                op.accepted = mine
                    .iter()
                    .find(|a| a.operations.iter().any(|p| p.matches(&op.name, mode)))
                    .map(|a| a.reason.clone());
            }
        }
        for w in &mut c.scopes.widened {
            w.accepted = mine
                .iter()
                .find(|a| a.scopes.iter().any(|s| covers(s, &w.scope)))
                .map(|a| a.reason.clone());
        }
    }
}
