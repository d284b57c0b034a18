//! AZR109 dangerous-operation: a grant entry that reaches operations of a risk category
//! (privilege escalation, secret exposure, code execution, ...): one finding per entry and
//! category, naming the operations.

use super::Rule;
use crate::analyses::lint::context::{Class, RoleCtx, quote_list};
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR109",
    name: "dangerous-operation",
    severity: Severity::Warning,
    summary: "A grant entry reaches operations of a risk category (privilege escalation, secrets, code execution, ...)",
    doc: include_str!("../../../../docs/rules/AZR109.md"),
    check,
};

/// How many operation names a message lists before "and N more" (the finding's
/// `operations` carries them all).
const SHOWN: usize = 4;

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    let env = ctx.env;
    let risk = &env.risk;
    for e in ctx
        .entries
        .iter()
        .filter(|e| e.is_grant() && e.class == Class::Known)
    {
        let mut granted = ctx.granted_by(e);
        granted.intersect_with(&env.dangerous_ops);
        if granted.is_clear() {
            continue;
        }
        let conditional = ctx.role.block_conditional(&ctx.role.permissions[e.block]);
        for &c in &env.dangerous {
            let mut hit = granted.clone();
            hit.intersect_with(risk.index.ops_in(c));
            if hit.is_clear() {
                continue;
            }
            let cat = risk.taxonomy.category(c);
            let names = ctx.names(&hit);
            let n = names.len();
            let cond = if conditional {
                ", under a condition azrbac does not evaluate"
            } else {
                ""
            };
            let msg = format!(
                "`{}` grants {n} {} operation{} ({}){cond}: {}",
                e.text(),
                cat.key,
                if n == 1 { "" } else { "s" },
                cat.severity.as_str(),
                quote_list(&names, SHOWN)
            );
            let mut h = Hit::at_entry(&e.entry.pointer, &e.entry.raw, msg);
            h.operations = names;
            out.push(h);
        }
    }
}
