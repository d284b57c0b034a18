//! `explain ROLE OPERATION`.

use crate::cli::EXIT_OK;
use crate::cli::args::ExplainArgs;
use crate::cli::input::resolve_roles;
use crate::data::Model;
use crate::effective::explain;
use crate::error::{Error, Result};
use crate::report::{self, Format};

pub fn run(model: &Model, a: &ExplainArgs) -> Result<i32> {
    let op = a.operation.trim();
    if op.is_empty() || op.chars().any(char::is_whitespace) {
        return Err(Error::usage(format!(
            "explain: `{}` is not an operation name",
            a.operation
        )));
    }
    if op.contains('*') {
        return Err(Error::usage(format!(
            "explain: `{op}` is a pattern; explain takes one operation name (`azrbac actions '{op}'` lists what it matches)"
        )));
    }
    let roles = resolve_roles(model, &a.role)?;
    if roles.len() > 1 {
        return Err(Error::usage(format!(
            "explain: {} holds {} roles; explain takes one (extract it first)",
            a.role,
            roles.len()
        )));
    }
    let mut texts = String::new();
    for role in &roles {
        let planes = explain(&model.index, role, op, model.mode);
        let rep = report::explain::build(
            &role.label(),
            role.guid.clone(),
            op,
            model.mode.as_str(),
            &planes,
        );
        texts.push_str(&match a.format {
            Format::Json => report::explain::json(&rep),
            _ => report::explain::text(&rep),
        });
    }
    report::out(&texts);
    Ok(EXIT_OK)
}
