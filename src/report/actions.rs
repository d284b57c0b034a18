//! Rendering `actions`: the catalog operations a pattern matches.

use super::{table, to_json};
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub name: String,
    pub plane: &'static str,
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionsReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub pattern: String,
    pub wildcards: &'static str,
    pub operations: Vec<ActionRow>,
    pub count: usize,
    /// Set when the pattern is a literal name the catalog does not list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub fn json(r: &ActionsReport) -> String {
    to_json(r)
}

pub fn table_text(r: &ActionsReport) -> String {
    let mut s = String::new();
    let with_desc = r.operations.iter().any(|o| o.description.is_some());
    if !r.operations.is_empty() {
        let mut header = vec!["operation", "plane", "provider"];
        if with_desc {
            header.push("description");
        }
        let mut t = table(&header);
        for o in &r.operations {
            let mut row = vec![o.name.clone(), o.plane.to_string(), o.provider.clone()];
            if with_desc {
                row.push(o.description.clone().unwrap_or_default());
            }
            t.add_row(super::safe_row(row));
        }
        let _ = writeln!(s, "{t}");
    }
    if let Some(n) = &r.note {
        let _ = writeln!(s, "{n}");
    }
    let _ = writeln!(
        s,
        "{} operation{} match `{}`",
        r.count,
        if r.count == 1 { "" } else { "s" },
        r.pattern
    );
    s
}
