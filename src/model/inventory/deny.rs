//! Deny assignments as the REST API returns them (`properties.permissions`, `principals`,
//! `excludePrincipals`, `doNotApplyToChildScopes`; a list response `{"value": [...]}` or an
//! array), or as PowerShell's `Get-AzDenyAssignment | ConvertTo-Json` prints them (flat).

use super::Inventory;
use super::fields::{ObjectKind, check_obj};
use super::keys::Paging;
use crate::error::{Error, Result};
use crate::model::assignment::{DenyAssignment, DenyEffect, EVERYONE, PrincipalType};
use crate::model::json::{self, Obj, kind};
use crate::model::role::{Field, PermissionBlock, RoleDefinition, RoleFormat};
use crate::model::role_parse::{entries, permissions_array};
use serde_json::Value;

/// The items of a top-level list: an array, or `value` / `data` of an object. A list
/// response that is one page of several adds a gap to `gaps`.
pub(super) fn list_items<'a>(
    v: &'a Value,
    origin: &'a str,
    what: &str,
    gaps: &mut Vec<String>,
) -> Result<(Vec<&'a Value>, String)> {
    match v {
        Value::Array(a) => Ok((a.iter().collect(), String::new())),
        Value::Object(m) => {
            let o = Obj::new(v, origin, "", what)?;
            for key in ["value", "data"] {
                if let Some((k, Value::Array(a))) = o.get(key) {
                    let mut paging = Paging::default();
                    for (pk, pv) in m {
                        paging.take(pk, pv);
                    }
                    if let Some(n) = paging.note(origin, a.len()) {
                        gaps.push(n);
                    }
                    return Ok((a.iter().collect(), format!("/{}", json::escape(k))));
                }
            }
            Ok((vec![v], String::new()))
        }
        other => Err(Error::shape(
            origin,
            "",
            format!("expected an array of {what}s, found {}", kind(other)),
        )),
    }
}

pub(super) fn parse(inv: &mut Inventory, text: &str, origin: &str) -> Result<usize> {
    let v = json::parse(text, origin)?;
    let (items, base) = list_items(&v, origin, "deny assignment", &mut inv.gaps)?;
    let single = matches!(v, Value::Object(_)) && base.is_empty();
    for (i, item) in items.iter().enumerate() {
        let pointer = if single {
            String::new()
        } else {
            format!("{base}/{i}")
        };
        let d = parse_one(inv, item, origin, &pointer)?;
        inv.denies.push(d);
    }
    Ok(items.len())
}

fn principals(
    inv: &mut Inventory,
    obj: &Obj<'_>,
    key: &str,
    everyone: &mut bool,
) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    let Some((k, v)) = obj.get(key) else {
        return Ok(out);
    };
    let base = obj.child_pointer(k);
    let items = match v {
        Value::Null => return Ok(out),
        Value::Array(a) => a,
        other => {
            return Err(Error::shape(
                obj.origin,
                &base,
                format!("`{k}` must be an array, found {}", kind(other)),
            ));
        }
    };
    for (i, item) in items.iter().enumerate() {
        let p = format!("{base}/{i}");
        let (id, ty, name) = match item {
            Value::String(s) => (s.as_str(), None, None),
            _ => {
                let o = Obj::new(item, obj.origin, &p, "principal")?;
                check_obj(&o, ObjectKind::DenyPrincipal)?;
                let id = o
                    .opt_str("id")?
                    .ok_or_else(|| Error::shape(obj.origin, &p, "principal has no `id`"))?;
                (id, o.opt_str("type")?, o.opt_str("displayName")?)
            }
        };
        if id.trim() == EVERYONE {
            *everyone = true;
            continue;
        }
        let ix = inv.set_principal(id, ty.map(PrincipalType::parse).unwrap_or_default());
        if let Some(n) = name {
            inv.principals.set_name(ix, n);
        }
        out.push(ix);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn parse_one(
    inv: &mut Inventory,
    item: &Value,
    origin: &str,
    pointer: &str,
) -> Result<DenyAssignment> {
    let obj = Obj::new(item, origin, pointer, "deny assignment")?;
    let id = obj.opt_str("id")?.unwrap_or("").to_string();
    let (props, rest) = match obj.get("properties") {
        Some((k, p @ Value::Object(_))) => {
            check_obj(&obj, ObjectKind::DenyWrapper)?;
            let pointer = obj.child_pointer(k);
            (
                Obj::new(p, origin, &pointer, "deny assignment properties")?,
                true,
            )
        }
        _ => (Obj::new(item, origin, pointer, "deny assignment")?, false),
    };
    check_obj(&props, ObjectKind::DenyProperties)?;
    let name = props
        .opt_str("denyAssignmentName")?
        .or(if rest { obj.opt_str("name")? } else { None })
        .map(str::to_string);
    let scope_text = match props.opt_str("scope")? {
        Some(s) if !s.trim().is_empty() => s.to_string(),
        _ => {
            let lower = id.to_ascii_lowercase();
            match lower.rfind("/providers/microsoft.authorization/denyassignments/") {
                Some(0) => "/".to_string(),
                Some(i) => id[..i].to_string(),
                None => {
                    return Err(Error::shape(
                        origin,
                        pointer,
                        "deny assignment has no `scope` (and its `id` does not name one)",
                    ));
                }
            }
        }
    };
    let mut role = RoleDefinition::empty(RoleFormat::Rest, origin, pointer);
    role.name = name.clone();
    role.id = Some(id.clone());
    if props.has("permissions") {
        role.permissions = permissions_array(&props, &mut role.unresolved)?;
    } else {
        let mut block = PermissionBlock {
            pointer: props.pointer.clone(),
            ..PermissionBlock::default()
        };
        for f in Field::ALL {
            *block.list_mut(f) = entries(&props, f.name(), &mut role.unresolved)?;
        }
        role.permissions.push(block);
    }
    let mut everyone = false;
    let principals_list = principals(inv, &props, "principals", &mut everyone)?;
    let mut never = false;
    let exclude = principals(inv, &props, "excludePrincipals", &mut never)?;
    let scope = inv.scopes.intern(&scope_text);
    Ok(DenyAssignment {
        id: if id.is_empty() {
            name.clone().unwrap_or_default()
        } else {
            id
        },
        name,
        scope,
        permissions: role,
        principals: principals_list,
        everyone,
        exclude,
        do_not_apply_to_child_scopes: props.opt_bool("doNotApplyToChildScopes")?.unwrap_or(false),
        condition: props
            .opt_str("condition")?
            .filter(|c| !c.trim().is_empty())
            .map(str::to_string),
        effect: props
            .opt_str("denyAssignmentEffect")?
            .map(DenyEffect::parse)
            .unwrap_or_default(),
        system_protected: props.opt_bool("isSystemProtected")?,
    })
}

/// One deny assignment per id. Identical copies are counted once. Copies that differ
/// (exports taken at different times) are all set aside with a gap: which copy is current is
/// unknown, and applying either could hide access the other allows, so none blocks anything
/// (answers may overstate access, never understate it) and the answer says so.
pub(super) fn settle_duplicates(inv: &mut Inventory) {
    type Key = (
        u32,
        Vec<super::roles::BlockKey>,
        Vec<u32>,
        bool,
        Vec<u32>,
        bool,
        Option<String>,
        DenyEffect,
    );
    let key = |d: &DenyAssignment| -> Key {
        (
            d.scope,
            super::roles::role_key(&d.permissions),
            d.principals.clone(),
            d.everyone,
            d.exclude.clone(),
            d.do_not_apply_to_child_scopes,
            d.condition.as_deref().map(|c| c.trim().to_string()),
            d.effect.clone(),
        )
    };
    let mut by_id: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, d) in inv.denies.iter().enumerate() {
        if !d.id.trim().is_empty() {
            by_id
                .entry(d.id.trim().to_ascii_lowercase())
                .or_default()
                .push(i);
        }
    }
    let mut drop = vec![false; inv.denies.len()];
    let mut same = 0;
    let mut conflicts = Vec::new();
    for (id, ix) in by_id {
        if ix.len() < 2 {
            continue;
        }
        let first = key(&inv.denies[ix[0]]);
        if ix.iter().all(|i| key(&inv.denies[*i]) == first) {
            same += ix.len() - 1;
            ix[1..].iter().for_each(|i| drop[*i] = true);
        } else {
            ix.iter().for_each(|i| drop[*i] = true);
            conflicts.push(crate::text::escape(&id).into_owned());
        }
    }
    if same > 0 {
        inv.notes.push(format!(
            "{same} deny assignments appear more than once with the same contents; each is counted once"
        ));
    }
    if !conflicts.is_empty() {
        let n = conflicts.len();
        conflicts.truncate(5);
        inv.gaps.push(format!(
            "{} listed more than once with different contents: which copy is current is unknown, so {} set aside and blocks nothing (answers may overstate access): {}{}",
            if n == 1 {
                "1 deny assignment is".to_string()
            } else {
                format!("{n} deny assignments are")
            },
            if n == 1 { "it is" } else { "they are" },
            conflicts.join("; "),
            if n > 5 { format!("; and {} more", n - 5) } else { String::new() }
        ));
    }
    let mut i = 0;
    inv.denies.retain(|_| {
        let keep = !drop[i];
        i += 1;
        keep
    });
}
