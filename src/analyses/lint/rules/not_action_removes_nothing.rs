//! AZR102 not-action-removes-nothing: a NotActions/NotDataActions entry that removes nothing
//! its own block grants.

use super::Rule;
use crate::analyses::lint::context::{Class, RoleCtx, plane_word};
use crate::analyses::lint::{Hit, Severity};
use crate::model::Field;

pub const RULE: Rule = Rule {
    code: "AZR102",
    name: "not-action-removes-nothing",
    severity: Severity::Warning,
    summary: "A NotActions/NotDataActions entry removes nothing that its own block grants",
    doc: include_str!("../../../../docs/rules/AZR102.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    let mode = ctx.env.model.mode;
    for e in ctx
        .entries
        .iter()
        .filter(|e| !e.is_grant() && e.class == Class::Known)
    {
        let grants = &ctx.blocks[e.block].grants;
        if !e.set.is_disjoint(grants) {
            continue;
        }
        let grant_field = Field::grant(e.plane());
        if ctx.blocks[e.block].is_unresolved(grant_field) {
            continue; // what the block grants is not known
        }
        // A grant the catalog does not list (kept as written) that this entry matches is
        // removed by it.
        let removes_unknown = ctx.list(e.block, grant_field).any(|g| {
            g.count == 0
                && g.entry.pattern.is_literal()
                && e.entry.pattern.matches(g.entry.pattern.lower(), mode)
        });
        if removes_unknown {
            continue;
        }
        let msg = if ctx.list(e.block, grant_field).all(|g| g.count == 0) {
            format!(
                "`{}` removes nothing: this block's {} grant no {} operation",
                e.text(),
                grant_field.name(),
                plane_word(e.plane())
            )
        } else if e.count == 1 {
            format!(
                "`{}` removes nothing: the operation it matches is not granted by this block's {}",
                e.text(),
                grant_field.name()
            )
        } else {
            format!(
                "`{}` removes nothing: none of the {} operations it matches is granted by this block's {}",
                e.text(),
                e.count,
                grant_field.name()
            )
        };
        out.push(Hit::at_entry(&e.entry.pointer, &e.entry.raw, msg));
    }
}
