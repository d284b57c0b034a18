//! `roles [SEARCH]`: the built-in roles with their effective operation counts.

use crate::cli::EXIT_OK;
use crate::data::Model;
use crate::effective::expand;
use crate::error::Result;
use crate::model::Plane;
use crate::report::{self, Format, roles::RoleRow, roles::RolesReport};

pub fn list(model: &Model, search: Option<&str>, format: Format) -> Result<i32> {
    let rows: Vec<RoleRow> = model
        .builtins
        .search(search.unwrap_or(""))
        .map(|r| {
            let eff = expand(&model.index, r, model.mode);
            RoleRow {
                name: r.label(),
                id: r.guid.clone().unwrap_or_default(),
                actions: eff.count(&model.index, Plane::Control) + eff.unknown[0].len(),
                data_actions: eff.count(&model.index, Plane::Data) + eff.unknown[1].len(),
                conditional: r.has_condition(),
            }
        })
        .collect();
    let rep = RolesReport {
        schema_version: 1,
        search: search.map(str::to_string),
        wildcards: model.mode.as_str(),
        count: rows.len(),
        roles: rows,
    };
    report::out(&match format {
        Format::Json => report::roles::json(&rep),
        _ => report::roles::table_text(&rep),
    });
    Ok(EXIT_OK)
}
