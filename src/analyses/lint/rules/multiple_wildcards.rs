//! AZR003 multiple-wildcards: more than one `*` in an entry.

use super::Rule;
use crate::analyses::lint::context::RoleCtx;
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR003",
    name: "multiple-wildcards",
    severity: Severity::Error,
    summary: "An entry has more than one `*` (Azure allows one per entry)",
    doc: include_str!("../../../../docs/rules/AZR003.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for e in ctx
        .entries
        .iter()
        .filter(|e| e.entry.pattern.star_count() > 1)
    {
        out.push(Hit::at_entry(
            &e.entry.pointer,
            &e.entry.raw,
            format!(
                "`{}` has {} wildcards; Azure allows only one `*` per entry",
                e.text(),
                e.entry.pattern.star_count()
            ),
        ));
    }
}
