//! AZR105 covered-entry: an entry whose every catalog operation another entry of the same
//! list of the same block already matches.

use super::Rule;
use crate::analyses::lint::context::{Class, EntryFacts, RoleCtx};
use crate::analyses::lint::{Hit, Severity};
use crate::model::Field;

pub const RULE: Rule = Rule {
    code: "AZR105",
    name: "covered-entry",
    severity: Severity::Warning,
    summary: "An entry adds nothing: another entry of the same list of the same block matches all it matches",
    doc: include_str!("../../../../docs/rules/AZR105.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    let mode = ctx.env.model.mode;
    for (i, a) in ctx.entries.iter().enumerate() {
        // Entries that match nothing on their plane are reported by the error rules (or
        // AZR101); whether a wildcard also matches their text is beside the point.
        // Entries Azure rejects (several `*`) neither cover nor are covered: AZR003 says what
        // to fix first.
        if a.class != Class::Known || a.entry.pattern.star_count() > 1 {
            continue;
        }
        // Names of the literal grants of this block and plane that the catalog lacks.
        let unknown_grants: Vec<&str> = if a.is_grant() {
            Vec::new()
        } else {
            ctx.list(a.block, Field::grant(a.plane()))
                .filter(|g| g.count == 0 && g.entry.pattern.is_literal())
                .map(|g| g.entry.pattern.lower())
                .collect()
        };
        let mut best: Option<&EntryFacts<'_>> = None;
        for (j, b) in ctx.entries.iter().enumerate() {
            if j == i
                || b.block != a.block
                || b.field != a.field
                || b.class != Class::Known
                || b.entry.pattern.star_count() > 1
            {
                continue;
            }
            if b.entry.pattern.lower() == a.entry.pattern.lower() {
                continue; // a duplicate (AZR103), not a cover
            }
            // Equal sets: only the later entry is the redundant one. An exclusion also removes
            // the grants the catalog does not list whose names it matches: B must match those
            // too.
            let covers = a.set.is_subset(&b.set)
                && (a.count < b.count || j < i)
                && (a.is_grant()
                    || unknown_grants.iter().all(|n| {
                        !a.entry.pattern.matches(n, mode) || b.entry.pattern.matches(n, mode)
                    }));
            if covers && best.is_none_or(|x| b.count > x.count) {
                best = Some(b);
            }
        }
        let Some(b) = best else {
            continue;
        };
        let verb = if a.is_grant() { "granted" } else { "removed" };
        let msg = if a.entry.pattern.is_literal() {
            format!(
                "`{}` is already {verb} by `{}` ({})",
                a.text(),
                b.text(),
                b.entry.pointer
            )
        } else if a.count == 1 {
            format!(
                "`{}` adds nothing: the one catalog operation it matches is already {verb} by `{}` ({})",
                a.text(),
                b.text(),
                b.entry.pointer
            )
        } else {
            format!(
                "`{}` adds nothing: all {} catalog operations it matches are already {verb} by `{}` ({})",
                a.text(),
                a.count,
                b.text(),
                b.entry.pointer
            )
        };
        out.push(Hit::at_entry(&a.entry.pointer, &a.entry.raw, msg));
    }
}
