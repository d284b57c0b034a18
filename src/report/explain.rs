//! Rendering `explain`: the verdict and the entries that decided it.

use super::to_json;
use crate::effective::{EntryRef, PlaneExplanation, Verdict};
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct EntryOut {
    pub block: usize,
    pub field: &'static str,
    pub index: usize,
    pub entry: String,
    pub pointer: String,
    #[serde(rename = "needsCollapse")]
    pub needs_collapse: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockOut {
    pub block: usize,
    pub conditional: bool,
    pub grants: Vec<EntryOut>,
    pub removals: Vec<EntryOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaneOut {
    pub plane: &'static str,
    #[serde(rename = "inCatalog")]
    pub in_catalog: bool,
    pub operation: String,
    pub verdict: &'static str,
    pub blocks: Vec<BlockOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExplainReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub role: String,
    pub id: Option<String>,
    pub operation: String,
    pub wildcards: &'static str,
    pub granted: bool,
    pub planes: Vec<PlaneOut>,
}

fn entry(e: &EntryRef) -> EntryOut {
    EntryOut {
        block: e.block,
        field: e.field.name(),
        index: e.index,
        entry: e.text.clone(),
        pointer: e.pointer.clone(),
        needs_collapse: e.needs_collapse,
    }
}

pub fn build(
    role: &str,
    id: Option<String>,
    operation: &str,
    wildcards: &'static str,
    planes: &[PlaneExplanation],
) -> ExplainReport {
    ExplainReport {
        schema_version: 1,
        role: role.to_string(),
        id,
        operation: operation.trim().to_string(),
        wildcards,
        granted: planes
            .iter()
            .any(|p| matches!(p.verdict, Verdict::Granted | Verdict::Conditional)),
        planes: planes
            .iter()
            .map(|p| PlaneOut {
                plane: p.plane.as_str(),
                in_catalog: p.catalog_name.is_some(),
                operation: p
                    .catalog_name
                    .clone()
                    .unwrap_or_else(|| operation.trim().to_string()),
                verdict: p.verdict.as_str(),
                blocks: p
                    .blocks
                    .iter()
                    .map(|b| BlockOut {
                        block: b.block,
                        conditional: b.conditional,
                        grants: b.grants.iter().map(entry).collect(),
                        removals: b.removals.iter().map(entry).collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

pub fn json(r: &ExplainReport) -> String {
    to_json(r)
}

fn describe(e: &EntryOut, multi_block: bool) -> String {
    let block = if multi_block {
        format!("block {} ", e.block)
    } else {
        String::new()
    };
    let collapse = if e.needs_collapse {
        " — matches only because `/*/` also matches a single `/`"
    } else {
        ""
    };
    format!("{block}{}[{}] `{}`{collapse}", e.field, e.index, e.entry)
}

pub fn text(r: &ExplainReport) -> String {
    let mut s = String::new();
    let id =
        r.id.as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
    let _ = writeln!(s, "role:      {}{id}", r.role);
    if r.planes.is_empty() {
        let _ = writeln!(s, "operation: {}", r.operation);
        let _ = writeln!(
            s,
            "verdict:   not granted — the catalog does not list this name and no entry of the role matches it"
        );
        return s;
    }
    for p in &r.planes {
        let multi = p.blocks.len() > 1;
        let elsewhere = r.planes.iter().find(|o| o.plane != p.plane && o.in_catalog);
        let cat = match (p.in_catalog, elsewhere) {
            (true, _) => String::new(),
            (false, Some(o)) => {
                format!(", not in the catalog: it is a {}-plane operation", o.plane)
            }
            (false, None) => ", not in the catalog".to_string(),
        };
        let _ = writeln!(s, "operation: {} ({} plane{cat})", p.operation, p.plane);
        let verdict = match p.verdict {
            "granted" => "GRANTED".to_string(),
            "conditional" => {
                "GRANTED CONDITIONALLY (the block's condition is not evaluated)".to_string()
            }
            "removed" => "NOT GRANTED — removed by an exclusion in the same block".to_string(),
            _ => "NOT GRANTED — no entry matches".to_string(),
        };
        let _ = writeln!(s, "verdict:   {verdict}");
        for b in &p.blocks {
            for g in &b.grants {
                let state = if b.removals.is_empty() {
                    "granted by"
                } else {
                    "matched by"
                };
                let cond = if b.conditional {
                    " (conditional block)"
                } else {
                    ""
                };
                let _ = writeln!(s, "  {state} {}{cond}", describe(g, multi));
            }
            for x in &b.removals {
                let _ = writeln!(s, "  removed by {}", describe(x, multi));
            }
        }
    }
    s
}
