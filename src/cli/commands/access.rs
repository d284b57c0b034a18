//! `access PRINCIPAL --scope S [--action PATTERN] [inventory flags]`.

use crate::analyses::access::{access_of, find_principal};
use crate::analyses::risk::Taxonomy;
use crate::cli::args::AccessArgs;
use crate::cli::{EXIT_OK, inventory};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::validate_user_pattern;
use crate::report::{self, Format, access_csv, access_principal};

pub fn run(model: &Model, a: &AccessArgs) -> Result<i32> {
    let action = match &a.action {
        Some(p) => Some(
            validate_user_pattern(p).map_err(|m| Error::usage(format!("access: --action {m}")))?,
        ),
        None => None,
    };
    if a.scope.trim().is_empty() {
        return Err(Error::usage(
            "access: --scope is empty (use `/` for the tenant root)",
        ));
    }
    crate::model::scope::check_scope_arg(&a.scope)
        .map_err(|m| Error::usage(format!("access: --scope {m}")))?;
    let taxonomy = Taxonomy::embedded()?;
    let risk = taxonomy.classify(&model.index, model.mode);
    let ix = inventory::index(model, &a.inventory, "access")?;
    let who = find_principal(&ix, &a.principal)?;
    let ans = access_of(
        &ix,
        who,
        &a.scope,
        action.as_ref(),
        Some((&taxonomy, &risk)),
    );
    let rep = access_principal::build(&ix, &ans, &taxonomy);
    if a.format == Format::Csv {
        for note in access_csv::side_notes(rep.complete, &rep.warnings, &rep.unevaluated) {
            report::warn(&note);
        }
    }
    report::out(&match a.format {
        Format::Json => report::to_json(&rep),
        Format::Csv => access_csv::access(&rep),
        _ => access_principal::table(&rep),
    });
    Ok(EXIT_OK)
}
