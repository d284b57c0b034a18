//! AZR101 matches-nothing: a wildcard entry that matches no catalog operation.

use super::Rule;
use crate::analyses::lint::context::{Class, RoleCtx};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR101",
    name: "matches-nothing",
    severity: Severity::Warning,
    summary: "A wildcard entry matches no operation in the catalog",
    doc: include_str!("../../../../docs/rules/AZR101.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for e in ctx.entries.iter().filter(|e| e.class == Class::NoMatch) {
        out.push(Hit::at_entry(
            &e.entry.pointer,
            &e.entry.raw,
            format!(
                "`{}` matches no operation in the catalog (on either plane); it {} nothing today",
                e.text(),
                if e.is_grant() { "grants" } else { "removes" }
            ),
        ));
    }
}
