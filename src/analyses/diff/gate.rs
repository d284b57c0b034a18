//! The `--fail-on` gate: whether a set of role changes should fail a pull-request check.

use super::RoleChange;

/// What trips the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Never.
    None,
    /// Any operation added (or freed from a condition).
    #[default]
    Added,
    /// Any high-risk operation added (or freed from a condition), or assignable scopes
    /// widened for a role that grants high-risk operations.
    HighRisk,
    /// Assignable scopes widened (a scope added, or replaced by an ancestor).
    ScopeWidened,
}

impl FailOn {
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::None => "none",
            FailOn::Added => "added",
            FailOn::HighRisk => "high-risk",
            FailOn::ScopeWidened => "scope-widened",
        }
    }
}

/// The gate's outcome, with one reason per role that trips it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gate {
    pub fail_on: FailOn,
    pub failed: bool,
    pub reasons: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `ROLE: assignable scopes widened: S (replaces R), T`.
fn scope_reason(c: &RoleChange, fail_on: FailOn) -> String {
    let list: Vec<String> = c
        .scopes
        .widened_unaccepted()
        .map(|w| {
            if w.replaces.is_empty() {
                w.scope.clone()
            } else {
                format!("{} (replaces {})", w.scope, w.replaces.join(", "))
            }
        })
        .collect();
    let risk = if fail_on == FailOn::HighRisk {
        format!(
            "; it grants {}",
            plural(
                c.high_risk_granted,
                "high-risk operation",
                "high-risk operations"
            )
        )
    } else {
        String::new()
    };
    format!(
        "{}: assignable scopes widened: {}{risk}",
        c.role,
        list.join(", ")
    )
}

/// How the gate treats values azrbac cannot read (variables, parameters, expressions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unresolved {
    /// The two sides come from different texts (a changed file): an unresolved value whose
    /// text is the same on both sides may still stand for a different value (a variable's
    /// default changed in the same file, say).
    pub sources_differ: bool,
    /// `--allow-unresolved`: the reviewer has checked them; unresolved values never trip it.
    pub allowed: bool,
}

/// Evaluates the gate. A role whose NEW side holds values azrbac cannot read trips any gate
/// but `none` when they are new, or when the sources differ at all: the change may add access
/// nobody can see. `--allow-unresolved` turns this off.
pub fn evaluate(changes: &[RoleChange], fail_on: FailOn, unresolved: Unresolved) -> Gate {
    let mut reasons = Vec::new();
    if fail_on != FailOn::None {
        for c in changes {
            let (n, what) = match fail_on {
                FailOn::HighRisk => (
                    c.unaccepted_widening().filter(|o| o.tags.high).count(),
                    ("high-risk operation", "high-risk operations"),
                ),
                FailOn::ScopeWidened => (0, ("", "")),
                _ => (c.unaccepted_widening().count(), ("operation", "operations")),
            };
            if n > 0 {
                reasons.push(format!("{}: {} added", c.role, plural(n, what.0, what.1)));
            }
            let scope_trips = match fail_on {
                FailOn::HighRisk => c.high_risk_granted > 0,
                _ => true,
            };
            if c.scopes.widened_unaccepted().next().is_some() && scope_trips {
                reasons.push(scope_reason(c, fail_on));
            }
            if unresolved.allowed {
                continue;
            }
            if c.unresolved_changed() {
                reasons.push(format!(
                    "{}: incomplete: the new version holds values azrbac cannot read, so it cannot show what they add",
                    c.role
                ));
            } else if unresolved.sources_differ
                && c.new.as_ref().is_some_and(|n| !n.unresolved.is_empty())
            {
                reasons.push(format!(
                    "{}: incomplete: the new version holds values azrbac cannot read; their text is unchanged, but what they stand for may have changed with the file (check them, then pass --allow-unresolved)",
                    c.role
                ));
            }
        }
    }
    Gate {
        fail_on,
        failed: !reasons.is_empty(),
        reasons,
    }
}
