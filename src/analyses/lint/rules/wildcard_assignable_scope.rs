//! AZR006 wildcard-assignable-scope: a `*` in a custom role's AssignableScopes.

use super::Rule;
use crate::analyses::lint::context::{RoleCtx, literal_scopes};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR006",
    name: "wildcard-assignable-scope",
    severity: Severity::Error,
    summary: "A custom role's assignable scope contains a wildcard (Azure does not expand them)",
    doc: include_str!("../../../../docs/rules/AZR006.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    if !ctx.is_custom() {
        return;
    }
    for (scope, pointer) in literal_scopes(ctx.role) {
        if scope.contains('*') {
            out.push(Hit::at_entry(
                pointer,
                scope,
                format!(
                    "assignable scope `{}` contains a wildcard; Azure accepts only literal scopes",
                    scope.trim()
                ),
            ));
        }
    }
}
