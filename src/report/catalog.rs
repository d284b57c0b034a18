//! Rendering `catalog info`.

use super::to_json;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct CatalogInfo {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub origin: String,
    pub source: String,
    #[serde(rename = "sourceDate")]
    pub source_date: String,
    pub providers: usize,
    #[serde(rename = "providersWithOperations")]
    pub providers_with_operations: usize,
    pub operations: usize,
    #[serde(rename = "controlOperations")]
    pub control: usize,
    #[serde(rename = "dataOperations")]
    pub data: usize,
    #[serde(rename = "namesOnBothPlanes")]
    pub both_planes: usize,
    #[serde(rename = "distinctNames")]
    pub distinct_names: usize,
    pub descriptions: bool,
    #[serde(rename = "builtinRoles")]
    pub builtin_roles: usize,
    #[serde(rename = "builtinRolesSourceDate")]
    pub builtin_roles_date: String,
}

pub fn json(i: &CatalogInfo) -> String {
    to_json(i)
}

pub fn text(i: &CatalogInfo) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "catalog:            {}", i.origin);
    let _ = writeln!(s, "source:             {}", i.source);
    let _ = writeln!(s, "source date:        {}", i.source_date);
    let _ = writeln!(
        s,
        "providers:          {} ({} with operations)",
        i.providers, i.providers_with_operations
    );
    let _ = writeln!(
        s,
        "operations:         {} ({} control, {} data)",
        i.operations, i.control, i.data
    );
    let _ = writeln!(
        s,
        "distinct names:     {} ({} on both planes)",
        i.distinct_names, i.both_planes
    );
    let _ = writeln!(
        s,
        "descriptions:       {}",
        if i.descriptions { "yes" } else { "no" }
    );
    let _ = writeln!(
        s,
        "built-in roles:     {} (source date {})",
        i.builtin_roles, i.builtin_roles_date
    );
    s
}
