//! `needs from-error FILE|-`: a needs file from pasted authorization errors.

use crate::analyses::from_error::{extract, to_needs_text};
use crate::analyses::needs::Needs;
use crate::cli::EXIT_OK;
use crate::cli::args::FromErrorArgs;
use crate::cli::input::read_text;
use crate::data::Model;
use crate::error::{Error, Result};
use crate::report;
use std::path::Path;

pub fn run(model: &Model, a: &FromErrorArgs) -> Result<i32> {
    let text = needs_text(model, &a.file)?;
    report::out(&text);
    Ok(EXIT_OK)
}

/// The needs file text of the errors in `path`; no authorization error found is an input
/// error.
pub fn needs_text(model: &Model, path: &Path) -> Result<String> {
    let shown = path.display().to_string();
    let origin = if shown == "-" {
        "<stdin>".to_string()
    } else {
        shown
    };
    let text = read_text(path)?;
    let x = extract(&text);
    if x.denied.is_empty() {
        let why = x
            .remarks
            .first()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        return Err(Error::usage(format!(
            "{origin}: no operation found in an authorization error (AuthorizationFailed, LinkedAuthorizationFailed, an Azure ML permission error or ForbiddenByRbac){why}"
        )));
    }
    Ok(to_needs_text(&model.index, &origin, &x))
}

/// The needs of `--needs-from-error FILE`.
pub fn needs(model: &Model, path: &Path) -> Result<Needs> {
    let text = needs_text(model, path)?;
    let shown = path.display().to_string();
    Needs::parse(&text, &format!("{shown} (from-error)"))
}
