//! AZR201 unresolved-value: a value lint cannot read (an ARM expression, a Terraform
//! variable), so the checks that need it did not run on it.

use super::Rule;
use crate::analyses::lint::context::{RoleCtx, is_expression};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR201",
    name: "unresolved-value",
    severity: Severity::Info,
    summary: "A value is not a literal (ARM expression, variable): lint could not check it",
    doc: include_str!("../../../../docs/rules/AZR201.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for u in &ctx.role.unresolved {
        // The parsers write "<pointer> is ..." when they know where the value is.
        let pointer = match u.split_once(' ') {
            Some((p, _)) if p.starts_with('/') => p,
            _ => ctx.role.pointer.as_str(),
        };
        out.push(Hit::new(pointer, format!("not checked: {u}")));
    }
    for (scope, pointer) in &ctx.role.assignable_scopes {
        if is_expression(scope) {
            out.push(Hit::at_entry(
                pointer,
                scope,
                format!(
                    "not checked: assignable scope is the expression `{}`",
                    scope.trim()
                ),
            ));
        }
    }
}
