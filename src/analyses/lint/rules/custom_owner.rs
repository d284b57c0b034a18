//! AZR107 custom-owner: a custom role whose control-plane grant equals or exceeds
//! Contributor's, or that grants role-assignment writes.

use super::Rule;
use crate::analyses::lint::context::RoleCtx;
use crate::analyses::lint::{CONTRIBUTOR, Hit, ROLE_ASSIGNMENT_WRITE, Severity};
use crate::model::Field;

pub const RULE: Rule = Rule {
    code: "AZR107",
    name: "custom-owner",
    severity: Severity::Warning,
    summary: "A custom role grants all Contributor grants, or role-assignment writes: an owner in all but name",
    doc: include_str!("../../../../docs/rules/AZR107.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    if !ctx.is_custom() {
        return;
    }
    let eff = ctx.effective();
    let index = &ctx.env.model.index;
    let superset = ctx
        .env
        .contributor
        .as_ref()
        .filter(|c| !c.is_clear() && c.is_subset(&eff.granted))
        .map(|c| {
            let mine = eff.count(index, crate::model::Plane::Control);
            let theirs = c.count_ones(..);
            (theirs, mine - theirs)
        });
    // The entry that grants role-assignment writes (net of its block's NotActions).
    let assign = ctx
        .env
        .role_assignment_write
        .filter(|id| eff.contains(*id))
        .and_then(|id| {
            ctx.entries
                .iter()
                .filter(|e| e.field == Field::Actions && e.set.contains(id as usize))
                .find(|e| !ctx.blocks[e.block].exclusions.contains(id as usize))
                .map(|e| (e, eff.conditional_only.contains(id as usize)))
        });
    let contributor = match superset {
        Some((n, 0)) => Some(format!(
            "the same {n} control-plane operations as {CONTRIBUTOR}"
        )),
        Some((n, more)) => Some(format!(
            "all {n} control-plane operations {CONTRIBUTOR} grants and {more} more"
        )),
        None => None,
    };
    match (assign, contributor) {
        (Some((e, conditional)), c) => {
            let (cond, unless) = if conditional {
                (" under a condition azrbac does not evaluate", "unless the condition restricts it, ")
            } else {
                ("", "")
            };
            let also = c.map(|c| format!(", and {c}")).unwrap_or_default();
            out.push(Hit::at_entry(
                &e.entry.pointer,
                &e.entry.raw,
                format!(
                    "`{}` grants `{ROLE_ASSIGNMENT_WRITE}`{cond}{also}: {unless}the holder can give any role, Owner included, to anyone (itself too) within the assignable scopes",
                    e.text()
                ),
            ));
        }
        (None, Some(c)) => out.push(Hit::new(
            &ctx.role.pointer,
            format!("the role grants {c}: a Contributor in all but name; grant what the job needs instead"),
        )),
        (None, None) => {}
    }
}
