//! Role definitions of a tenant export: `az role definition list --custom-role-only -o json`,
//! REST list responses, or Azure Resource Graph rows (`{"data": [...]}` from `az graph query`,
//! with the row columns ARG adds). Parsing itself is the shared role parser's.

use super::deny::list_items;
use crate::error::Result;
use crate::model::json;
use crate::model::role::{Field, PermissionBlock, RoleDefinition};
use crate::model::role_parse::parse_roles_json;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Keys of a REST/ARG wrapper the role parser reads; other ARG columns are dropped.
const KEEP: &[&str] = &["id", "name", "type", "properties"];

pub(super) fn parse(
    text: &str,
    origin: &str,
    notes: &mut Vec<String>,
    gaps: &mut Vec<String>,
) -> Result<Vec<RoleDefinition>> {
    let v = json::parse(text, origin)?;
    let (items, _) = list_items(&v, origin, "role definition", gaps)?;
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

/// A permission block's contents, independent of where it was written: each list's entries
/// trimmed, lower-cased and sorted, and the condition.
pub(super) type BlockKey = ([Vec<String>; 4], Option<String>);

fn block_key(b: &PermissionBlock, role_condition: Option<&str>) -> BlockKey {
    let list = |f: Field| {
        let mut v: Vec<String> = b
            .list(f)
            .iter()
            .map(|e| e.raw.trim().to_ascii_lowercase())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    (
        [
            list(Field::Actions),
            list(Field::NotActions),
            list(Field::DataActions),
            list(Field::NotDataActions),
        ],
        block_condition(b.condition.as_deref(), role_condition),
    )
}

/// A block's own condition combined with the role's (both must hold).
fn block_condition(block: Option<&str>, role: Option<&str>) -> Option<String> {
    let b = block.map(str::trim).filter(|c| !c.is_empty());
    let r = role.map(str::trim).filter(|c| !c.is_empty());
    match (b, r) {
        (Some(b), Some(r)) => Some(format!("({r}) AND ({b})")),
        (Some(c), None) | (None, Some(c)) => Some(c.to_string()),
        (None, None) => None,
    }
}

pub(super) fn role_key(r: &RoleDefinition) -> Vec<BlockKey> {
    let mut v: Vec<BlockKey> = r
        .permissions
        .iter()
        .map(|b| block_key(b, r.condition.as_deref()))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// One definition per role GUID. Copies with the same permissions are counted once (a
/// note); copies that differ are merged into one role holding every block of every copy,
/// so it grants the union of what the copies grant, and the answer is incomplete (a gap):
/// which copy is current is unknown. The result does not depend on the order of the copies.
pub(super) fn merge_duplicates(
    roles: &mut Vec<RoleDefinition>,
    gaps: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let mut by_guid: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in roles.iter().enumerate() {
        if let Some(g) = &r.guid {
            by_guid.entry(g.clone()).or_default().push(i);
        }
    }
    let mut drop = vec![false; roles.len()];
    let mut same = 0usize;
    let mut conflicts: Vec<String> = Vec::new();
    for (guid, ix) in by_guid {
        if ix.len() < 2 {
            continue;
        }
        let keys: Vec<Vec<BlockKey>> = ix.iter().map(|i| role_key(&roles[*i])).collect();
        if keys.iter().all(|k| *k == keys[0]) {
            same += ix.len() - 1;
            for i in &ix[1..] {
                drop[*i] = true;
            }
            continue;
        }
        // Merge into the first copy: every block, with the role-level condition moved into
        // the blocks, so that one copy's condition does not restrict the other's grants.
        let mut blocks: Vec<(BlockKey, PermissionBlock)> = Vec::new();
        let mut names: BTreeSet<String> = BTreeSet::new();
        let mut origins: BTreeSet<String> = BTreeSet::new();
        let mut unresolved: BTreeSet<String> = BTreeSet::new();
        let mut scopes: Vec<(String, String)> = Vec::new();
        for i in &ix {
            let r = &roles[*i];
            if let Some(n) = &r.name {
                names.insert(n.clone());
            }
            origins.insert(format!("{}{}", r.origin, r.pointer));
            unresolved.extend(r.unresolved.iter().cloned());
            scopes.extend(r.assignable_scopes.iter().cloned());
            for b in &r.permissions {
                let mut b = b.clone();
                b.condition = block_condition(b.condition.as_deref(), r.condition.as_deref());
                if b.condition.is_some() {
                    b.condition_version = b
                        .condition_version
                        .clone()
                        .or_else(|| r.condition_version.clone());
                }
                blocks.push((block_key(&b, None), b));
            }
        }
        blocks.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.pointer.cmp(&b.1.pointer)));
        blocks.dedup_by(|a, b| a.0 == b.0);
        scopes.sort();
        scopes.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
        let host = &mut roles[ix[0]];
        host.permissions = blocks.into_iter().map(|(_, b)| b).collect();
        host.condition = None;
        host.condition_version = None;
        host.name = names.iter().next().cloned().or(host.name.take());
        host.unresolved = unresolved.into_iter().collect();
        host.assignable_scopes = scopes;
        for i in &ix[1..] {
            drop[*i] = true;
        }
        let shown: Vec<&str> = names.iter().map(String::as_str).collect();
        let at: Vec<&str> = origins.iter().map(String::as_str).collect();
        conflicts.push(format!(
            "{guid} ({}; {})",
            if shown.is_empty() {
                "unnamed".to_string()
            } else {
                shown.join(" / ")
            },
            at.join(", ")
        ));
    }
    if same > 0 {
        notes.push(format!(
            "{same} role definitions appear more than once with the same permissions; each is counted once"
        ));
    }
    if !conflicts.is_empty() {
        gaps.push(format!(
            "{} defined more than once with different permissions: azrbac grants the union of the definitions, as either could be the current one: {}",
            if conflicts.len() == 1 {
                "1 role definition is".to_string()
            } else {
                format!("{} role definitions are", conflicts.len())
            },
            conflicts.join("; ")
        ));
    }
    let mut i = 0;
    roles.retain(|_| {
        let keep = !drop[i];
        i += 1;
        keep
    });
}
