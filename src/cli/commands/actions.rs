//! `actions PATTERN`: catalog operations a pattern matches.

use crate::cli::EXIT_OK;
use crate::cli::args::{ActionsArgs, PlaneArg};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::{OpId, Plane, validate_user_pattern};
use crate::report::{self, Format, actions::ActionRow, actions::ActionsReport};

pub fn run(model: &Model, a: &ActionsArgs) -> Result<i32> {
    let pattern =
        validate_user_pattern(&a.pattern).map_err(|m| Error::usage(format!("actions: {m}")))?;
    let planes: Vec<Plane> = match a.plane {
        Some(PlaneArg::Control) => vec![Plane::Control],
        Some(PlaneArg::Data) => vec![Plane::Data],
        None => Plane::BOTH.to_vec(),
    };
    let ix = &model.index;
    let cat = ix.catalog();
    let mut rows = Vec::new();
    for plane in &planes {
        let set = ix.resolve(&pattern, *plane, model.mode);
        for id in set.ones() {
            let op = cat.op(id as OpId);
            rows.push(ActionRow {
                name: op.name.clone(),
                plane: plane.as_str(),
                provider: cat.provider_name(id as OpId).to_string(),
                description: op.description.clone(),
            });
        }
    }
    let mut note = None;
    if rows.is_empty() && pattern.is_literal() {
        let hint = crate::analyses::suggest::operation_either_plane(&model.index, pattern.as_str())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        note = Some(format!(
            "`{}` is not in the catalog{hint}; a role entry naming it would still grant exactly that name",
            pattern.as_str()
        ));
    }
    let rep = ActionsReport {
        schema_version: 1,
        pattern: pattern.as_str().to_string(),
        wildcards: model.mode.as_str(),
        count: rows.len(),
        operations: rows,
        note,
    };
    report::out(&match a.format {
        Format::Json => report::actions::json(&rep),
        _ => report::actions::table_text(&rep),
    });
    Ok(EXIT_OK)
}
