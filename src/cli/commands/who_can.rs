//! `who-can OPERATION --scope S [--below] [inventory flags]`.

use crate::analyses::access::who_can;
use crate::cli::args::WhoCanArgs;
use crate::cli::{EXIT_OK, inventory};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::validate_user_pattern;
use crate::report::{self, Format, access_csv, access_who_can};

pub fn run(model: &Model, a: &WhoCanArgs) -> Result<i32> {
    // `control:NAME` / `data:NAME`: no operation name holds a `:`, and who-can already
    // answers for both planes of a name.
    if let Some((prefix, rest)) = a.operation.split_once(':')
        && !prefix.contains('/')
    {
        return Err(Error::usage(format!(
            "who-can: `{}` is not an operation name (names have no `:`); give `{}`: who-can answers for every plane that has the name",
            crate::text::escape(&a.operation),
            crate::text::escape(rest.trim())
        )));
    }
    let op =
        validate_user_pattern(&a.operation).map_err(|m| Error::usage(format!("who-can: {m}")))?;
    if !op.is_literal() {
        return Err(Error::usage(format!(
            "who-can: `{}` is a pattern; who-can takes one operation name (list matching names with `azrbac actions`)",
            op.as_str()
        )));
    }
    if a.scope.trim().is_empty() {
        return Err(Error::usage(
            "who-can: --scope is empty (use `/` for the tenant root)",
        ));
    }
    crate::model::scope::check_scope_arg(&a.scope)
        .map_err(|m| Error::usage(format!("who-can: --scope {m}")))?;
    let ix = inventory::index(model, &a.inventory, "who-can")?;
    let t0 = std::time::Instant::now();
    let ans = who_can(&ix, op.as_str(), &a.scope, a.below);
    inventory::timing("who-can query", t0);
    if !ans.op.in_catalog() {
        let hint = crate::analyses::suggest::operation_either_plane(&model.index, op.as_str())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        report::warn(&format!(
            "`{}` is not in the operation catalog{hint}: evaluated anyway (literal entries grant exactly this name, matching wildcards grant it)",
            op.as_str()
        ));
    }
    let rep = access_who_can::build(&ix, &ans);
    if a.format == Format::Csv {
        for note in access_csv::side_notes(rep.complete, &rep.warnings, &rep.unevaluated) {
            report::warn(&note);
        }
    }
    report::out(&match a.format {
        Format::Json => report::to_json(&rep),
        Format::Csv => access_csv::who_can(&rep),
        _ => access_who_can::table(&rep),
    });
    Ok(EXIT_OK)
}
