//! `expand ROLE... [--all-builtins]`.

use crate::analyses::expand::{expand_role, expand_roles};
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
    let warn = |r: &crate::analyses::expand::RoleExpansion| {
        for u in &r.unresolved {
            report::warn(&format!("{}: incomplete: {u}", r.name));
        }
    };
    if a.format == Format::Json {
        // Role by role: `--all-builtins` lists some 234,000 names.
        let date = &model.index.catalog().provenance.source_date;
        report::expand::print_json_stream(
            1,
            date,
            model.mode.as_str(),
            roles.iter().map(|r| {
                let e = expand_role(model, r).0;
                warn(&e);
                e
            }),
        );
        return Ok(EXIT_OK);
    }
    let rep = expand_roles(model, &roles);
    for r in &rep.roles {
        warn(r);
    }
    report::out(&report::expand::table_text(&rep));
    Ok(EXIT_OK)
}
