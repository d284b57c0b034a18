//! AZR010 placeholder: documentation placeholder text (`{name}`, `<id>`) in an entry or scope.

use super::Rule;
use crate::analyses::lint::context::{RoleCtx, literal_scopes, placeholder};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR010",
    name: "placeholder",
    severity: Severity::Error,
    summary: "An entry or assignable scope still holds placeholder text such as `{name}` or `<id>`",
    doc: include_str!("../../../../docs/rules/AZR010.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for e in &ctx.entries {
        if let Some(p) = placeholder(&e.entry.raw) {
            out.push(Hit::at_entry(
                &e.entry.pointer,
                &e.entry.raw,
                format!(
                    "`{}` contains the placeholder `{p}`: replace it with an operation name",
                    e.text()
                ),
            ));
        }
    }
    for (scope, pointer) in literal_scopes(ctx.role) {
        if let Some(p) = placeholder(scope) {
            out.push(Hit::at_entry(
                pointer,
                scope,
                format!("assignable scope `{}` contains the placeholder `{p}`: replace it with a real id", scope.trim()),
            ));
        }
    }
}
