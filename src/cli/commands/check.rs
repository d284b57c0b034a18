//! `check ROLE (--needs FILE | --action OP... | --scenario NAME) [--fail-on-excess]`.

use crate::analyses::check::check;
use crate::analyses::risk::RiskModel;
use crate::cli::args::CheckArgs;
use crate::cli::input::resolve_roles;
use crate::cli::needs_arg::load_needs;
use crate::cli::{EXIT_FINDINGS, EXIT_OK};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::report::{self, Format};

pub fn run(model: &Model, a: &CheckArgs) -> Result<i32> {
    let mut roles = resolve_roles(model, &a.role)?;
    if roles.len() != 1 {
        let names: Vec<String> = roles.iter().map(|r| r.label()).collect();
        return Err(Error::usage(format!(
            "check: {} holds {} roles ({}); check takes one",
            a.role,
            roles.len(),
            names.join(", ")
        )));
    }
    let role = roles.remove(0);
    let (needs, set) = load_needs(model, &a.needs, &a.with)?;
    let risk = RiskModel::new(model)?;
    let rep = check(model, &risk, &role, &needs, &set);
    for u in &role.unresolved {
        report::warn(&format!("{}: incomplete: {u}", rep.role));
    }
    report::out(&match a.format {
        Format::Json => report::check::json(&rep),
        Format::Markdown => report::check::markdown(&rep),
        _ => report::check::table_text(&rep),
    });
    let failed = !rep.missing.is_empty() || (a.fail_on_excess && !rep.excess.is_empty());
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}
