//! AZR007 multiple-management-groups: more than one management group in AssignableScopes.

use super::{Rule, is_management_group};
use crate::analyses::lint::context::{RoleCtx, literal_scopes};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR007",
    name: "multiple-management-groups",
    severity: Severity::Error,
    summary: "A custom role lists more than one management group in AssignableScopes",
    doc: include_str!("../../../../docs/rules/AZR007.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    if !ctx.is_custom() {
        return;
    }
    // One management group spelled twice (case, a trailing `/`) is still one.
    let key = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    let mut groups = literal_scopes(ctx.role).filter(|(s, _)| is_management_group(s));
    let Some((first, _)) = groups.next() else {
        return;
    };
    let mut seen = vec![key(first)];
    for (scope, pointer) in groups {
        if seen.contains(&key(scope)) {
            continue;
        }
        seen.push(key(scope));
        out.push(Hit::at_entry(
            pointer,
            scope,
            format!(
                "`{}` is a second management group (the first is `{}`); a custom role may list at most one",
                scope.trim(),
                first.trim()
            ),
        ));
    }
}
