//! Assignable-scope changes as effective changes: a scope NEW adds that no scope of OLD
//! already covers widens where the role can be assigned (and so where its operations can be
//! granted); a scope of OLD that no scope of NEW covers narrows it. Coverage is decided from
//! the scope strings alone: `/` covers everything, and a subscription covers its resource
//! groups and resources, a resource group its resources, a resource its child resources.
//! Which management group holds a subscription is not in a role file, so a management group
//! is never taken to cover a subscription: replacing one by the other is reported as both a
//! widening and a narrowing, never as neither.

use crate::model::RoleDefinition;
use crate::model::scope::{normalize, structural_parent};

/// A scope NEW can be assigned at that OLD could not reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Widened {
    /// As written in NEW.
    pub scope: String,
    /// Where it is written (JSON pointer or locator).
    pub pointer: String,
    /// The scopes of OLD it covers and replaces (a resource group replaced by its
    /// subscription); empty for a scope simply added.
    pub replaces: Vec<String>,
    /// The reason of the accepted grant that covers this scope, if any.
    pub accepted: Option<String>,
}

/// How the assignable scopes of a role changed in effect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeChange {
    pub widened: Vec<Widened>,
    /// Scopes of OLD (as written) that NEW no longer reaches.
    pub narrowed: Vec<String>,
}

impl ScopeChange {
    pub fn is_empty(&self) -> bool {
        self.widened.is_empty() && self.narrowed.is_empty()
    }

    pub fn widens(&self) -> bool {
        !self.widened.is_empty()
    }

    /// Widened scopes no accepted grant covers.
    pub fn widened_unaccepted(&self) -> impl Iterator<Item = &Widened> {
        self.widened.iter().filter(|w| w.accepted.is_none())
    }
}

/// The comparison key of a scope: normalized and lower-cased.
fn key(scope: &str) -> String {
    normalize(scope).to_ascii_lowercase()
}

/// Whether scope `a` is `b` or one of its ancestors, as far as the strings tell.
pub fn covers(a: &str, b: &str) -> bool {
    let (a, b) = (key(a), key(b));
    if a == "/" {
        return true;
    }
    let mut cur: &str = &b;
    loop {
        if cur == a {
            return true;
        }
        match structural_parent(cur) {
            Some(p) => cur = p,
            None => return false,
        }
    }
}

/// Compares the assignable scopes of two versions of a role. Both must be present: an added
/// or removed role is reported whole and has no scope change.
pub fn compare_scopes(old: &RoleDefinition, new: &RoleDefinition) -> ScopeChange {
    let mut out = ScopeChange::default();
    let mut seen: Vec<String> = Vec::new();
    for (s, pointer) in &new.assignable_scopes {
        let k = key(s);
        if seen.contains(&k) {
            continue;
        }
        seen.push(k);
        if old.assignable_scopes.iter().any(|(o, _)| covers(o, s)) {
            continue;
        }
        let replaces = old
            .assignable_scopes
            .iter()
            .filter(|(o, _)| covers(s, o))
            .filter(|(o, _)| !new.assignable_scopes.iter().any(|(n, _)| key(n) == key(o)))
            .map(|(o, _)| o.clone())
            .collect();
        out.widened.push(Widened {
            scope: s.clone(),
            pointer: pointer.clone(),
            replaces,
            accepted: None,
        });
    }
    let mut seen: Vec<String> = Vec::new();
    for (o, _) in &old.assignable_scopes {
        let k = key(o);
        if seen.contains(&k) {
            continue;
        }
        seen.push(k);
        if !new.assignable_scopes.iter().any(|(n, _)| covers(n, o)) {
            out.narrowed.push(o.clone());
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::parse_roles_json;

    const RG: &str = "/subscriptions/S/resourceGroups/rg";
    const SUB: &str = "/subscriptions/S";
    const MG: &str = "/providers/Microsoft.Management/managementGroups/mg";

    fn role(scopes: &[&str]) -> RoleDefinition {
        let v = serde_json::json!({"Name": "R", "Actions": ["x/read"], "AssignableScopes": scopes});
        parse_roles_json(&v, "t.json").unwrap().remove(0)
    }

    fn cmp(old: &[&str], new: &[&str]) -> ScopeChange {
        compare_scopes(&role(old), &role(new))
    }

    #[test]
    fn coverage_follows_the_structure() {
        assert!(covers(SUB, RG));
        assert!(covers("/", MG));
        assert!(covers("/SUBSCRIPTIONS/s/", RG));
        assert!(!covers(RG, SUB));
        assert!(
            !covers(MG, SUB),
            "management-group placement is not in a role file"
        );
        assert!(covers(
            RG,
            &format!("{RG}/providers/Microsoft.Storage/storageAccounts/a")
        ));
    }

    #[test]
    fn widened_narrowed_and_unrelated() {
        let c = cmp(&[RG], &[SUB]);
        assert_eq!(c.widened.len(), 1);
        assert_eq!(c.widened[0].replaces, vec![RG.to_string()]);
        assert!(c.narrowed.is_empty());

        let c = cmp(&[RG], &[RG, MG]);
        assert_eq!(c.widened[0].scope, MG);
        assert!(c.widened[0].replaces.is_empty());

        let c = cmp(&[SUB], &[RG]);
        assert!(c.widened.is_empty());
        assert_eq!(c.narrowed, vec![SUB.to_string()]);

        let c = cmp(&[SUB], &[MG]);
        assert_eq!(c.widened.len(), 1);
        assert!(c.widened[0].replaces.is_empty());
        assert_eq!(c.narrowed, vec![SUB.to_string()]);

        // Case, a trailing slash and a covered addition are no change in effect.
        assert!(cmp(&[SUB], &["/SUBSCRIPTIONS/S/", RG]).is_empty());
    }
}
