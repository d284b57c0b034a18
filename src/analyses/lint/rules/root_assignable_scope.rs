//! AZR005 root-assignable-scope: `/` in a custom role's AssignableScopes.

use super::Rule;
use crate::analyses::lint::context::{RoleCtx, literal_scopes};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR005",
    name: "root-assignable-scope",
    severity: Severity::Error,
    summary: "A custom role lists the root scope `/` in AssignableScopes (only built-in roles may)",
    doc: include_str!("../../../../docs/rules/AZR005.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    if !ctx.is_custom() {
        return;
    }
    for (scope, pointer) in literal_scopes(ctx.role) {
        if scope.trim() == "/" {
            out.push(Hit::at_entry(
                pointer,
                scope,
                "the root scope `/` is reserved for built-in roles; list management groups, subscriptions or resource groups",
            ));
        }
    }
}
