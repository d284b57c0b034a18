//! `access PRINCIPAL (--scope S | --everywhere) [--action PATTERN] [inventory flags]`.

use crate::analyses::access::{access_everywhere, access_of, find_principal};
use crate::analyses::risk::Taxonomy;
use crate::cli::args::AccessArgs;
use crate::cli::{EXIT_OK, inventory};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::validate_user_pattern;
use crate::report::{self, Format, access_csv, access_everywhere, access_principal};

pub fn run(model: &Model, a: &AccessArgs) -> Result<i32> {
    let action = match &a.action {
        Some(p) => Some(
            validate_user_pattern(p).map_err(|m| Error::usage(format!("access: --action {m}")))?,
        ),
        None => None,
    };
    let scope = match (&a.scope, a.everywhere) {
        (Some(s), _) => {
            if s.trim().is_empty() {
                return Err(Error::usage(
                    "access: --scope is empty (use `/` for the tenant root)",
                ));
            }
            crate::model::scope::check_scope_arg(s)
                .map_err(|m| Error::usage(format!("access: --scope {m}")))?;
            Some(s.as_str())
        }
        (None, true) => None,
        (None, false) => {
            return Err(Error::usage("access: give --scope SCOPE or --everywhere"));
        }
    };
    let taxonomy = Taxonomy::embedded()?;
    let risk = taxonomy.classify(&model.index, model.mode);
    let ix = inventory::index(model, &a.inventory, "access")?;
    let who = find_principal(&ix, &a.principal)?;
    let Some(scope) = scope else {
        let all = access_everywhere(&ix, who, action.as_ref(), Some((&taxonomy, &risk)));
        let rep = access_everywhere::build(&ix, who, &all, &taxonomy);
        if a.format == Format::Csv {
            return Err(Error::usage(
                "access --everywhere: CSV is not offered (one row per scope would drop the operations); use --format json or table",
            ));
        }
        report::out(&match a.format {
            Format::Json => report::to_json(&rep),
            _ => access_everywhere::table(&rep),
        });
        return Ok(EXIT_OK);
    };
    let ans = access_of(&ix, who, scope, action.as_ref(), Some((&taxonomy, &risk)));
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
