//! `catalog info`.

use crate::cli::EXIT_OK;
use crate::cli::args::GlobalArgs;
use crate::data::Model;
use crate::error::Result;
use crate::model::Plane;
use crate::report::{self, Format, catalog::CatalogInfo};

pub fn info(model: &Model, global: &GlobalArgs, format: Format) -> Result<i32> {
    let c = model.index.catalog();
    let mut with_ops = vec![false; c.providers().len()];
    for op in c.operations() {
        with_ops[op.provider as usize] = true;
    }
    let both = c.both_planes().len();
    let info = CatalogInfo {
        schema_version: 1,
        origin: global
            .catalog
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "embedded".into()),
        source: c.provenance.source.clone(),
        source_date: c.provenance.source_date.clone(),
        providers: c.providers().len(),
        providers_with_operations: with_ops.iter().filter(|b| **b).count(),
        operations: c.len(),
        control: c.count(Plane::Control),
        data: c.count(Plane::Data),
        both_planes: both,
        distinct_names: c.len() - both,
        descriptions: c.has_descriptions(),
        builtin_roles: model.builtins.len(),
        builtin_roles_date: model.builtins.provenance.source_date.clone(),
    };
    report::out(&match format {
        Format::Json => report::catalog::json(&info),
        _ => report::catalog::text(&info),
    });
    Ok(EXIT_OK)
}
