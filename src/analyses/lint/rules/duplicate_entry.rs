//! AZR103 duplicate-entry: the same entry twice in one list of one block.

use super::Rule;
use crate::analyses::lint::context::RoleCtx;
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR103",
    name: "duplicate-entry",
    severity: Severity::Warning,
    summary: "The same entry appears twice in one list (compared ignoring case and surrounding whitespace)",
    doc: include_str!("../../../../docs/rules/AZR103.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for (i, e) in ctx.entries.iter().enumerate() {
        let first = ctx.entries[..i].iter().find(|f| {
            f.block == e.block
                && f.field == e.field
                && f.entry.pattern.lower() == e.entry.pattern.lower()
        });
        if let Some(f) = first {
            out.push(Hit::at_entry(
                &e.entry.pointer,
                &e.entry.raw,
                format!(
                    "`{}` repeats the {} entry at {}",
                    e.text(),
                    e.field.name(),
                    f.entry.pointer
                ),
            ));
        }
    }
}
