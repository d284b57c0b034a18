//! AZR108 data-actions-management-group: a custom role with DataActions and a management
//! group among its assignable scopes.

use super::{Rule, is_management_group};
use crate::analyses::lint::context::{RoleCtx, literal_scopes};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR108",
    name: "data-actions-management-group",
    severity: Severity::Warning,
    summary: "A custom role with DataActions lists a management group as an assignable scope",
    doc: include_str!("../../../../docs/rules/AZR108.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    if !ctx.is_custom()
        || ctx
            .role
            .permissions
            .iter()
            .all(|b| b.data_actions.is_empty())
    {
        return;
    }
    for (scope, pointer) in literal_scopes(ctx.role).filter(|(s, _)| is_management_group(s)) {
        out.push(Hit::at_entry(
            pointer,
            scope,
            format!(
                "the role has DataActions and the management-group scope `{}`: a role with data actions cannot be assigned at management-group scope (older Azure versions reject the role outright)",
                scope.trim()
            ),
        ));
    }
}
