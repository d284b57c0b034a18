//! AZR011 invalid-assignable-scope: an assignable scope that is not a scope id at all.

use super::Rule;
use crate::analyses::generate::validate_scope;
use crate::analyses::lint::context::{RoleCtx, literal_scopes};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR011",
    name: "invalid-assignable-scope",
    severity: Severity::Error,
    summary: "An assignable scope is not the id of a management group, subscription, resource group or resource",
    doc: include_str!("../../../../docs/rules/AZR011.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    if !ctx.is_custom() {
        return;
    }
    for (scope, pointer) in literal_scopes(ctx.role) {
        let s = scope.trim();
        // `/`, wildcards and placeholders have rules of their own (AZR005, AZR006, AZR010).
        if s == "/" || s.contains('*') || s.contains(['{', '}', '<', '>']) {
            continue;
        }
        let why = if scope != s {
            Some(format!(
                "`{scope}` has whitespace around it; Azure reads scope ids exactly"
            ))
        } else {
            validate_scope(scope).err()
        };
        if let Some(why) = why {
            out.push(Hit::at_entry(
                pointer,
                scope,
                format!("invalid assignable scope: {why}"),
            ));
        }
    }
}
