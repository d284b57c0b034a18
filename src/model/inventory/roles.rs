//! Role definitions of a tenant export: `az role definition list --custom-role-only -o json`,
//! REST list responses, or Azure Resource Graph rows (`{"data": [...]}` from `az graph query`,
//! with the row columns ARG adds). Parsing itself is the shared role parser's.

use super::deny::list_items;
use crate::error::Result;
use crate::model::json;
use crate::model::role::RoleDefinition;
use crate::model::role_parse::parse_roles_json;
use serde_json::{Map, Value};

/// Keys of a REST/ARG wrapper the role parser reads; other ARG columns are dropped.
const KEEP: &[&str] = &["id", "name", "type", "properties"];

pub(super) fn parse(
    text: &str,
    origin: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<RoleDefinition>> {
    let v = json::parse(text, origin)?;
    let (items, _) = list_items(&v, origin, "role definition")?;
    let mut kept = Vec::with_capacity(items.len());
    let mut skipped = 0;
    for item in items {
        let Value::Object(m) = item else {
            kept.push(item.clone());
            continue;
        };
        let ty = m
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("type"))
            .and_then(|(_, v)| v.as_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ty.ends_with("/roleassignments")
            || ty.ends_with("/classicadministrators")
            || ty.ends_with("/denyassignments")
        {
            skipped += 1;
            continue;
        }
        if m.keys().any(|k| k.eq_ignore_ascii_case("properties")) {
            let trimmed: Map<String, Value> = m
                .iter()
                .filter(|(k, _)| KEEP.iter().any(|x| x.eq_ignore_ascii_case(k)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            kept.push(Value::Object(trimmed));
        } else {
            kept.push(item.clone());
        }
    }
    if skipped > 0 {
        notes.push(format!(
            "{origin}: {skipped} rows are not role definitions and were skipped"
        ));
    }
    parse_roles_json(&Value::Array(kept), origin)
}
