//! AZR001 unknown-operation: a literal entry no provider publishes.

use super::Rule;
use crate::analyses::lint::context::{Class, RoleCtx, plane_word};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR001",
    name: "unknown-operation",
    severity: Severity::Error,
    summary: "An entry names an operation the catalog does not list (Azure rejects the role)",
    doc: include_str!("../../../../docs/rules/AZR001.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    let index = &ctx.env.model.index;
    for e in &ctx.entries {
        let msg = match e.class {
            Class::UnknownOperation => {
                let hint = ctx
                    .env
                    .suggestions
                    .operation(index, e.plane(), e.text())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                format!(
                    "`{}` is not a {} operation in the catalog{hint}",
                    e.text(),
                    plane_word(e.plane())
                )
            }
            Class::NotAnOperation => format!(
                "`{}` is not an operation name: expected `Namespace.Provider/resourceType/verb`",
                e.text()
            ),
            _ => continue,
        };
        out.push(Hit::at_entry(&e.entry.pointer, &e.entry.raw, msg));
    }
}
