//! AZR110 key-case: a key spelled so that `az role definition create` ignores it.

use super::Rule;
use crate::analyses::lint::context::RoleCtx;
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR110",
    name: "key-case",
    severity: Severity::Warning,
    summary: "A key's spelling is read by azrbac and PowerShell but ignored by the Azure CLI (`notactions`)",
    doc: include_str!("../../../../docs/rules/AZR110.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    for k in &ctx.role.key_case {
        out.push(Hit::new(
            &k.pointer,
            format!(
                "key `{}`: azrbac reads it ignoring case, but `az role definition create` reads only {} and ignores this one, so created with the Azure CLI {}",
                k.written, k.accepted, k.effect
            ),
        ));
    }
}
