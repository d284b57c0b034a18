//! Management groups: `az account management-group entities list -o json` (flat entities
//! with `parent.id`), the REST forms (`properties.parent.id`), and the expanded tree of
//! `az account management-group show --expand --recurse` (`children`). They place
//! subscriptions and management groups in the scope tree.

use super::Inventory;
use super::deny::list_items;
use super::fields::{ObjectKind, check_obj};
use crate::error::{Error, Result};
use crate::model::json::{self, Obj, kind};
use crate::model::scope::{ScopeKind, kind_of, normalize};
use serde_json::Value;

pub(super) fn parse(inv: &mut Inventory, text: &str, origin: &str) -> Result<usize> {
    let v = json::parse(text, origin)?;
    let (items, base) = list_items(&v, origin, "management-group entity", &mut inv.gaps)?;
    let single = matches!(v, Value::Object(_)) && base.is_empty();
    let mut count = 0;
    let mut skipped = 0;
    for (i, item) in items.iter().enumerate() {
        let pointer = if single {
            String::new()
        } else {
            format!("{base}/{i}")
        };
        walk(inv, item, origin, &pointer, None, &mut count, &mut skipped)?;
    }
    if skipped > 0 {
        inv.notes.push(format!(
            "{origin}: {skipped} entities are neither management groups nor subscriptions and were skipped"
        ));
    }
    Ok(count)
}

fn get_ci<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// The parent id an entity names: `parent.id`, `details.parent.id`, or the same under
/// `properties`. `Some("")` means "explicitly no parent" (a top group).
fn parent_of(item: &Value, origin: &str, pointer: &str) -> Result<Option<String>> {
    let props = get_ci(item, "properties");
    let candidates = [
        get_ci(item, "parent"),
        get_ci(item, "details").and_then(|d| get_ci(d, "parent")),
        props.and_then(|p| get_ci(p, "parent")),
        props
            .and_then(|p| get_ci(p, "details"))
            .and_then(|d| get_ci(d, "parent")),
    ];
    let mut stated = None;
    for c in candidates.into_iter().flatten() {
        match c {
            Value::Null => stated = Some(String::new()),
            Value::String(s) => return Ok(Some(s.clone())),
            Value::Object(_) => match get_ci(c, "id") {
                Some(Value::String(s)) => return Ok(Some(s.clone())),
                _ => stated = Some(String::new()),
            },
            other => {
                return Err(Error::shape(
                    origin,
                    pointer,
                    format!(
                        "`parent` must be an object with `id`, found {}",
                        kind(other)
                    ),
                ));
            }
        }
    }
    Ok(stated)
}

fn walk(
    inv: &mut Inventory,
    item: &Value,
    origin: &str,
    pointer: &str,
    tree_parent: Option<u32>,
    count: &mut usize,
    skipped: &mut usize,
) -> Result<()> {
    let obj = Obj::new(item, origin, pointer, "management-group entity")?;
    let id = obj
        .opt_str("id")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Error::shape(origin, pointer, "entity has no `id`"))?;
    let k = kind_of(&normalize(id));
    if !matches!(k, ScopeKind::ManagementGroup | ScopeKind::Subscription) {
        *skipped += 1;
        return Ok(());
    }
    check_obj(&obj, ObjectKind::ManagementGroup)?;
    for (key, kind) in [
        ("properties", ObjectKind::ManagementGroup),
        ("details", ObjectKind::ManagementGroupDetails),
    ] {
        if let Some((k, v @ Value::Object(_))) = obj.get(key) {
            let o = Obj::new(v, origin, &obj.child_pointer(k), key)?;
            check_obj(&o, kind)?;
            if let Some((dk, d @ Value::Object(_))) = o.get("details") {
                check_obj(
                    &Obj::new(d, origin, &o.child_pointer(dk), "details")?,
                    ObjectKind::ManagementGroupDetails,
                )?;
            }
        }
    }
    *count += 1;
    let node = inv.scopes.intern(id);
    let stated = match tree_parent {
        Some(p) => Some(Some(p)),
        None => match parent_of(item, origin, pointer)? {
            Some(p) if !p.trim().is_empty() => Some(Some(inv.scopes.intern(&p))),
            Some(_) => Some(None),
            None => None,
        },
    };
    match stated {
        Some(parent) => inv.state_parent(node, parent, origin, pointer),
        None => inv.list_unstated(node),
    }
    let mut children: Vec<(String, &Value)> = Vec::new();
    if let Some((ck, Value::Array(a))) = obj.get("children") {
        let b = obj.child_pointer(ck);
        children.extend(a.iter().enumerate().map(|(i, c)| (format!("{b}/{i}"), c)));
    }
    if let Some((pk, p @ Value::Object(_))) = obj.get("properties") {
        let po = Obj::new(p, origin, &obj.child_pointer(pk), "properties")?;
        if let Some((ck, Value::Array(a))) = po.get("children") {
            let b = po.child_pointer(ck);
            children.extend(a.iter().enumerate().map(|(i, c)| (format!("{b}/{i}"), c)));
        }
    }
    for (p, c) in children {
        walk(inv, c, origin, &p, Some(node), count, skipped)?;
    }
    Ok(())
}
