//! AZR008 missing-name: a role without a display name.

use super::Rule;
use crate::analyses::lint::context::{RoleCtx, unresolved_key};
use crate::analyses::lint::{Hit, Severity};
use crate::model::RoleFormat;

pub const RULE: Rule = Rule {
    code: "AZR008",
    name: "missing-name",
    severity: Severity::Error,
    summary: "The role has no name (`Name`, `roleName`)",
    doc: include_str!("../../../../docs/rules/AZR008.md"),
    check,
};

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    if ctx
        .role
        .name
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty())
    {
        return;
    }
    // A name lint cannot read (a Terraform interpolation) is reported by AZR201.
    if unresolved_key(ctx.role, &["Name", "roleName"]) {
        return;
    }
    let key = match ctx.role.format {
        RoleFormat::CliInput => "`Name`",
        RoleFormat::CliOutput | RoleFormat::Rest | RoleFormat::ArmTemplate | RoleFormat::Bicep => {
            "`roleName`"
        }
        RoleFormat::Terraform => "`name`",
    };
    let what = if ctx.role.name.is_some() {
        "an empty name"
    } else {
        "no name"
    };
    out.push(Hit::new(
        &ctx.role.pointer,
        format!("the role has {what} ({key}); Azure requires a display name, unique in the tenant"),
    ));
}
