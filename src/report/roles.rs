//! Rendering the built-in role list (`azrbac roles`).

use super::{table, to_json};
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct RoleRow {
    pub name: String,
    pub id: String,
    pub actions: usize,
    #[serde(rename = "dataActions")]
    pub data_actions: usize,
    pub conditional: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RolesReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub search: Option<String>,
    pub wildcards: &'static str,
    pub roles: Vec<RoleRow>,
    pub count: usize,
}

pub fn json(r: &RolesReport) -> String {
    to_json(r)
}

pub fn table_text(r: &RolesReport) -> String {
    let mut s = String::new();
    if !r.roles.is_empty() {
        let mut t = table(&["role", "id", "control ops", "data ops"]);
        for row in &r.roles {
            let name = if row.conditional {
                format!("{} (conditional)", row.name)
            } else {
                row.name.clone()
            };
            t.add_row(super::safe_row(vec![
                name,
                row.id.clone(),
                row.actions.to_string(),
                row.data_actions.to_string(),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    let _ = writeln!(
        s,
        "{} built-in role{}",
        r.count,
        if r.count == 1 { "" } else { "s" }
    );
    s
}
