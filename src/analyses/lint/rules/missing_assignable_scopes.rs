//! AZR009 missing-assignable-scopes: a role without assignable scopes.

use super::Rule;
use crate::analyses::lint::context::{RoleCtx, unresolved_key};
use crate::analyses::lint::{Hit, Severity};
use crate::model::RoleFormat;

pub const RULE: Rule = Rule {
    code: "AZR009",
    name: "missing-assignable-scopes",
    severity: Severity::Error,
    summary: "The role lists no assignable scope",
    doc: include_str!("../../../../docs/rules/AZR009.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    let role = ctx.role;
    if !role.assignable_scopes.is_empty() {
        return;
    }
    // A value lint cannot read (an ARM expression, a Terraform variable) is reported by
    // AZR201, not as missing; Terraform adds `scope` to the assignable scopes.
    let mut keys = vec!["assignableScopes", "assignable_scopes"];
    if role.format == RoleFormat::Terraform {
        keys.push("scope");
    }
    let unreadable = unresolved_key(role, &keys);
    if unreadable {
        return;
    }
    out.push(Hit::new(
        &role.pointer,
        "the role has no assignable scopes; Azure requires at least one management group, subscription or resource group",
    ));
}
