//! AZR111 bad-suppression: an `azrbac: ignore[...]` comment that gives no reason or
//! suppresses nothing. Found by `lint::suppress`, which reads the file's comments; the rule
//! itself checks no role.

use super::Rule;
use crate::analyses::lint::context::RoleCtx;
use crate::analyses::lint::{Hit, Severity};

pub const RULE: Rule = Rule {
    code: "AZR111",
    name: "bad-suppression",
    severity: Severity::Warning,
    summary: "An `azrbac: ignore[...]` comment gives no reason or suppresses nothing",
    doc: include_str!("../../../../docs/rules/AZR111.md"),
    check,
};

fn check(_: &RoleCtx<'_>, _: &mut Vec<Hit>) {}
