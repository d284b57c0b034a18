//! `expand ROLE... [--all-builtins]`.

use crate::analyses::expand::expand_roles;
use crate::cli::EXIT_OK;
use crate::cli::args::ExpandArgs;
use crate::cli::input::resolve_roles;
use crate::data::Model;
use crate::error::Result;
use crate::model::RoleDefinition;
use crate::report::{self, Format};

pub fn run(model: &Model, a: &ExpandArgs) -> Result<i32> {
    let mut owned: Vec<RoleDefinition> = Vec::new();
    for r in &a.roles {
        owned.extend(resolve_roles(model, r)?);
    }
    let mut roles: Vec<&RoleDefinition> = owned.iter().collect();
    if a.all_builtins {
        roles.extend(model.builtins.roles());
    }
    let rep = expand_roles(model, &roles);
    for r in &rep.roles {
        for u in &r.unresolved {
            report::warn(&format!("{}: incomplete: {u}", r.name));
        }
    }
    report::out(&match a.format {
        Format::Json => report::expand::json(&rep),
        _ => report::expand::table_text(&rep),
    });
    Ok(EXIT_OK)
}
