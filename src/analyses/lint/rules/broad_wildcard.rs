//! AZR106 broad-wildcard: `*`, a wildcard across every provider, or a provider-wide wildcard
//! in Actions or DataActions.

use super::Rule;
use crate::analyses::lint::context::{Class, RoleCtx, plane_word};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR106",
    name: "broad-wildcard",
    severity: Severity::Warning,
    summary: "A grant of `*`, of a pattern across every provider (`*/read`), or of a whole provider (`Microsoft.Storage/*`)",
    doc: include_str!("../../../../docs/rules/AZR106.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for e in ctx
        .entries
        .iter()
        .filter(|e| e.is_grant() && e.class == Class::Known)
    {
        let p = &e.entry.pattern;
        if p.is_literal() {
            continue;
        }
        let plane = plane_word(e.plane());
        let first = p.as_str().split('/').next().unwrap_or("");
        let msg = if p.as_str() == "*" {
            format!(
                "`*` grants every {plane} operation of every provider ({} in the catalog), and every one Azure adds later",
                e.count
            )
        } else if first.contains('*') {
            format!(
                "`{}` spans every provider: {} {plane} operations in the catalog, and any Azure adds later",
                p.as_str(),
                e.count
            )
        } else if p.star_count() == 1
            && p.suffix().is_empty()
            && p.prefix().matches('/').count() == 1
            && p.prefix().ends_with('/')
        {
            format!(
                "`{}` grants every {plane} operation of {first} ({} in the catalog), and every one Azure adds later",
                p.as_str(),
                e.count
            )
        } else {
            continue;
        };
        out.push(Hit::at_entry(&e.entry.pointer, &e.entry.raw, msg));
    }
}
