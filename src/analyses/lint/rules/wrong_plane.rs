//! AZR004 wrong-plane: a data operation in Actions/NotActions, or a control operation in
//! DataActions/NotDataActions.

use super::Rule;
use crate::analyses::lint::context::{Class, RoleCtx, other, plane_word};
use crate::analyses::lint::{Hit, Severity};
use crate::model::Field;

pub const RULE: Rule = Rule {
    code: "AZR004",
    name: "wrong-plane",
    severity: Severity::Error,
    summary: "A data operation in Actions/NotActions, or a control operation in DataActions/NotDataActions",
    doc: include_str!("../../../../docs/rules/AZR004.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for e in &ctx.entries {
        let Class::WrongPlane { other: n } = e.class else {
            continue;
        };
        let there = other(e.plane());
        let target = if e.field.is_exclusion() {
            Field::exclusion(there)
        } else {
            Field::grant(there)
        };
        let msg = if e.entry.pattern.is_literal() {
            format!(
                "`{}` is a {} operation: it belongs in {}, not {}",
                e.text(),
                plane_word(there),
                target.name(),
                e.field.name()
            )
        } else {
            format!(
                "`{}` matches no {} operation but {n} {} operation{}: it belongs in {}, not {}",
                e.text(),
                plane_word(e.plane()),
                plane_word(there),
                if n == 1 { "" } else { "s" },
                target.name(),
                e.field.name()
            )
        };
        out.push(Hit::at_entry(&e.entry.pointer, &e.entry.raw, msg));
    }
}
