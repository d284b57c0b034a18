//! `risks ROLE...`: a role's effective operations by risk category.

use crate::analyses::risk::RiskModel;
use crate::analyses::risks::risks_report;
use crate::cli::EXIT_OK;
use crate::cli::args::RisksArgs;
use crate::cli::input::resolve_roles;
use crate::data::Model;
use crate::error::Result;
use crate::report::{self, Format};

pub fn run(model: &Model, a: &RisksArgs) -> Result<i32> {
    let mut roles = Vec::new();
    for r in &a.roles {
        roles.extend(resolve_roles(model, r)?);
    }
    let risk = RiskModel::new(model)?;
    let rep = risks_report(model, &risk, &roles);
    for r in &rep.roles {
        for u in &r.unresolved {
            report::warn(&format!("{}: incomplete: {u}", r.role));
        }
    }
    report::out(&match a.format {
        Format::Json => report::risks::json(&rep),
        Format::Markdown => report::risks::markdown(&rep),
        _ => report::risks::table_text(&rep),
    });
    Ok(EXIT_OK)
}
