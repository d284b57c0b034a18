//! `report [--scope S] [--min-severity SEV] [--details] [inventory flags]`: the
//! privileged-access review.

use crate::analyses::risk::{Severity, Taxonomy};
use crate::analyses::tenant::review;
use crate::cli::args::ReportArgs;
use crate::cli::{EXIT_OK, inventory};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::report::{self, Format, review as render};

pub fn run(model: &Model, a: &ReportArgs) -> Result<i32> {
    let min = Severity::parse(&a.min_severity).ok_or_else(|| {
        Error::usage(format!(
            "report: --min-severity `{}` is not a severity (critical, high, medium, low)",
            crate::text::escape(&a.min_severity)
        ))
    })?;
    crate::model::scope::check_scope_arg(&a.scope)
        .map_err(|m| Error::usage(format!("report: --scope {m}")))?;
    let taxonomy = Taxonomy::embedded()?;
    let risk = taxonomy.classify(&model.index, model.mode);
    let ix = inventory::index(model, &a.inventory, "report")?;
    let t0 = std::time::Instant::now();
    let rv = review(&ix, &risk, &a.scope, min);
    inventory::timing("review", t0);
    let limit = if a.details { usize::MAX } else { a.limit };
    let rep = render::build(&ix, &taxonomy, &rv, a.details, limit);
    report::out(&match a.format {
        Format::Json => report::to_json(&rep),
        Format::Csv => render::csv(&rep),
        Format::Markdown => render::markdown(&rep),
        _ => render::table(&rep),
    });
    Ok(EXIT_OK)
}
