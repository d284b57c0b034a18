//! AZR104 surrounding-whitespace: an entry with leading or trailing whitespace.

use super::Rule;
use crate::analyses::lint::context::RoleCtx;
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR104",
    name: "surrounding-whitespace",
    severity: Severity::Warning,
    summary: "An entry has leading or trailing whitespace",
    doc: include_str!("../../../../docs/rules/AZR104.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for e in ctx
        .entries
        .iter()
        .filter(|e| e.entry.raw.trim() != e.entry.raw)
    {
        out.push(Hit::at_entry(
            &e.entry.pointer,
            &e.entry.raw,
            format!(
                "{:?} has surrounding whitespace; write `{}`",
                e.entry.raw,
                e.text()
            ),
        ));
    }
}
