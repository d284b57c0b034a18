//! Conditions of role assignments and deny assignments, parsed once per distinct text and
//! decided for one operation (docs/conditions.md): true grants (or denies) plainly, false
//! grants (or denies) nothing, unknown is conditional with the residual expression.

use crate::model::WildcardMode;
use crate::model::condition::{Condition, ParseError, Query, Tri};
use crate::model::inventory::Inventory;
use std::collections::HashMap;
use std::sync::Arc;

/// A condition as read: parsed, or the reason it did not parse.
pub type Parsed = Arc<Result<Condition, ParseError>>;

/// The value of a condition for one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CondValue {
    True,
    False,
    /// Depends on request, resource, principal or environment attributes not known
    /// offline, or did not parse: the text says what is left to decide.
    Unknown(Arc<str>),
}

impl CondValue {
    pub fn is_false(&self) -> bool {
        matches!(self, CondValue::False)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, CondValue::Unknown(_))
    }
    pub fn residual(&self) -> Option<&str> {
        match self {
            CondValue::Unknown(s) => Some(s),
            _ => None,
        }
    }
}

/// Parsed conditions: one per entry of the inventory's condition arena, one per deny.
#[derive(Debug, Default)]
pub struct Conditions {
    arena: Vec<Parsed>,
    deny: Vec<Option<Parsed>>,
}

impl Conditions {
    pub fn build(inv: &Inventory) -> Conditions {
        let mut seen: HashMap<String, Parsed> = HashMap::new();
        let mut parse = |text: &str| -> Parsed {
            let t = text.trim();
            if let Some(p) = seen.get(t) {
                return p.clone();
            }
            let p: Parsed = Arc::new(Condition::parse(t));
            seen.insert(t.to_string(), p.clone());
            p
        };
        let arena = (0..inv.conditions.len() as u32)
            .map(|i| parse(inv.conditions.get(i)))
            .collect();
        let deny = inv
            .denies
            .iter()
            .map(|d| d.condition.as_deref().map(&mut parse))
            .collect();
        Conditions { arena, deny }
    }

    /// The condition at index `i` of the inventory's condition arena.
    pub fn assignment(&self, i: u32) -> Option<&Parsed> {
        self.arena.get(i as usize)
    }

    pub fn deny(&self, d: u32) -> Option<&Parsed> {
        self.deny.get(d as usize).and_then(Option::as_ref)
    }

    /// Conditions that do not parse: (arena index or deny, message), for warnings.
    pub fn unparsed_count(&self) -> usize {
        self.arena.iter().filter(|p| p.is_err()).count()
            + self.deny.iter().flatten().filter(|p| p.is_err()).count()
    }
}

/// What the target's resource id tells about `@Resource` attributes: a container-scoped (or
/// queue-scoped) target names its container (queue). Everything else stays unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    attributes: Vec<(&'static str, String)>,
}

impl Target {
    /// The attributes the scope id `scope` gives.
    pub fn of(scope: &str) -> Target {
        const DERIVED: [(&str, &str, &str); 2] = [
            (
                "blobservices",
                "containers",
                "Microsoft.Storage/storageAccounts/blobServices/containers:name",
            ),
            (
                "queueservices",
                "queues",
                "Microsoft.Storage/storageAccounts/queueServices/queues:name",
            ),
        ];
        let segs: Vec<&str> = scope.split('/').filter(|s| !s.is_empty()).collect();
        let mut attributes = Vec::new();
        // storageAccounts/{account}/{service}/default/{child}/{name}
        for i in 0..segs.len() {
            for (service, child, attr) in DERIVED {
                if segs[i].eq_ignore_ascii_case(service)
                    && segs
                        .get(i + 2)
                        .is_some_and(|c| c.eq_ignore_ascii_case(child))
                    && i >= 2
                    && segs[i - 2].eq_ignore_ascii_case("storageAccounts")
                    && let Some(name) = segs.get(i + 3)
                {
                    // Container and queue names are lower-case in Azure; resource ids are
                    // compared ignoring case, so the id may be written in any case.
                    attributes.push((attr, name.to_ascii_lowercase()));
                }
            }
        }
        Target { attributes }
    }

    /// The attributes, for display.
    pub fn attributes(&self) -> &[(&'static str, String)] {
        &self.attributes
    }
}

/// Decides a condition for operation `op`.
pub fn decide(c: &Parsed, op: &str, mode: WildcardMode) -> CondValue {
    decide_at(c, op, mode, &Target::default())
}

/// Decides a condition for operation `op` on a target whose id gives `target`.
pub fn decide_at(c: &Parsed, op: &str, mode: WildcardMode, target: &Target) -> CondValue {
    match c.as_ref() {
        Err(e) => CondValue::Unknown(format!("the condition does not parse ({e})").into()),
        Ok(c) => {
            let mut q = Query::new(op).with_mode(mode);
            for (name, value) in &target.attributes {
                q = q.with_attribute(
                    crate::model::condition::Source::Resource,
                    name,
                    [value.clone()],
                );
            }
            let out = c.evaluate(&q);
            match out.value {
                Tri::True => CondValue::True,
                Tri::False => CondValue::False,
                Tri::Unknown => CondValue::Unknown(
                    out.residual
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| c.to_string())
                        .into(),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_target_decides_container_name_conditions() {
        let c = p(
            "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'public'))",
        );
        let op = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
        let account =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa";
        let at = |scope: &str| decide_at(&c, op, WildcardMode::Azure, &Target::of(scope));
        assert_eq!(
            at(&format!("{account}/blobServices/default/containers/public")),
            CondValue::True
        );
        assert_eq!(
            at(&format!("{account}/blobServices/default/containers/other")),
            CondValue::False
        );
        assert!(at(account).is_unknown());
        // Resource ids ignore case; container names are lower-case.
        assert_eq!(
            at(&format!("{account}/blobServices/default/containers/Public")),
            CondValue::True
        );
        assert!(Target::of(account).attributes().is_empty());
        assert_eq!(
            Target::of(&format!("{account}/queueServices/default/queues/q1")).attributes(),
            &[(
                "Microsoft.Storage/storageAccounts/queueServices/queues:name",
                "q1".to_string()
            )]
        );
        // Another operation is untouched by the condition, wherever it is asked.
        assert_eq!(
            decide_at(
                &c,
                "Microsoft.Storage/storageAccounts/read",
                WildcardMode::Azure,
                &Target::of(account)
            ),
            CondValue::True
        );
    }

    fn p(s: &str) -> Parsed {
        Arc::new(Condition::parse(s))
    }

    #[test]
    fn an_action_only_condition_is_true_for_the_other_actions() {
        let c = p(
            "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'public'))",
        );
        let m = WildcardMode::default();
        assert_eq!(
            decide(
                &c,
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
                m
            ),
            CondValue::True
        );
        let v = decide(
            &c,
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
            m,
        );
        let r = v.residual().unwrap_or_default().to_string();
        assert!(
            r.contains("containers:name") && !r.contains("ActionMatches"),
            "{r}"
        );
    }

    #[test]
    fn a_condition_that_does_not_parse_is_unknown_never_true() {
        let c = p("@Request[x] StringEquals");
        let v = decide(
            &c,
            "Microsoft.Storage/storageAccounts/read",
            WildcardMode::default(),
        );
        assert!(
            v.residual().unwrap_or_default().contains("does not parse"),
            "{v:?}"
        );
    }

    #[test]
    fn false_for_the_action_means_no_grant() {
        let c = p("ActionMatches{'Microsoft.Compute/*'}");
        assert!(
            decide(
                &c,
                "Microsoft.Storage/storageAccounts/read",
                WildcardMode::default()
            )
            .is_false()
        );
    }
}
