//! AZR002 unknown-namespace: an entry whose provider namespace is not in the catalog.

use super::Rule;
use crate::analyses::lint::context::{Class, RoleCtx};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR002",
    name: "unknown-namespace",
    severity: Severity::Error,
    summary: "An entry's provider namespace is not in the catalog (Azure rejects the role)",
    doc: include_str!("../../../../docs/rules/AZR002.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for e in ctx
        .entries
        .iter()
        .filter(|e| e.class == Class::UnknownNamespace)
    {
        let ns = e.entry.pattern.namespace().unwrap_or_default();
        let hint = ctx
            .env
            .suggestions
            .namespace(&ctx.env.model.index, ns)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        out.push(Hit::at_entry(
            &e.entry.pointer,
            &e.entry.raw,
            format!(
                "`{ns}` in `{}` is not a resource provider namespace in the catalog{hint}",
                e.text()
            ),
        ));
    }
}
