//! Role assignments, streamed: `az role assignment list --all -o json` objects, REST/ARM
//! objects (`properties.*`) and Azure Resource Graph `authorizationresources` rows. Keys are
//! matched ignoring case; fields the model does not use are skipped.

use super::Inventory;
use super::fields::{ObjectKind, check_key};
use super::keys::{ItemSink, Key, MaybeStr, parse_with};
use crate::model::assignment::{Assignment, PrincipalType};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The fields of one assignment row the model reads (top level and `properties` merged).
#[derive(Debug, Default)]
pub(super) struct Raw<'de> {
    id: Option<Cow<'de, str>>,
    name: Option<Cow<'de, str>>,
    kind: Option<Cow<'de, str>>,
    principal_id: Option<Cow<'de, str>>,
    principal_type: Option<Cow<'de, str>>,
    principal_name: Option<Cow<'de, str>>,
    role_definition_id: Option<Cow<'de, str>>,
    role_definition_name: Option<Cow<'de, str>>,
    scope: Option<Cow<'de, str>>,
    condition: Option<Cow<'de, str>>,
}

impl<'de> de::Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut raw = Raw::default();
        d.deserialize_map(RawVisitor {
            raw: &mut raw,
            nested: false,
        })?;
        Ok(raw)
    }
}

struct RawVisitor<'r, 'de> {
    raw: &'r mut Raw<'de>,
    nested: bool,
}

fn set<'de>(slot: &mut Option<Cow<'de, str>>, v: MaybeStr<'de>) {
    if let Some(s) = v.0 {
        slot.get_or_insert(s);
    }
}

impl<'de> Visitor<'de> for RawVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a role assignment object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let r = self.raw;
        while let Some(k) = map.next_key::<Key<'de>>()? {
            let key = k.0.as_ref();
            let lower_is = |n: &str| key.eq_ignore_ascii_case(n);
            if lower_is("properties") && !self.nested {
                map.next_value_seed(NestedSeed(&mut *r))?;
            } else if lower_is("principalId") {
                set(&mut r.principal_id, map.next_value()?);
            } else if lower_is("roleDefinitionId") {
                set(&mut r.role_definition_id, map.next_value()?);
            } else if lower_is("scope") {
                set(&mut r.scope, map.next_value()?);
            } else if lower_is("principalType") {
                set(&mut r.principal_type, map.next_value()?);
            } else if lower_is("principalName") {
                set(&mut r.principal_name, map.next_value()?);
            } else if lower_is("roleDefinitionName") {
                set(&mut r.role_definition_name, map.next_value()?);
            } else if lower_is("condition") {
                set(&mut r.condition, map.next_value()?);
            } else if lower_is("id") && !self.nested {
                set(&mut r.id, map.next_value()?);
            } else if lower_is("name") && !self.nested {
                set(&mut r.name, map.next_value()?);
            } else if lower_is("type") && !self.nested {
                set(&mut r.kind, map.next_value()?);
            } else {
                check_key(
                    ObjectKind::Assignment {
                        nested: self.nested,
                    },
                    key,
                )
                .map_err(de::Error::custom)?;
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct NestedSeed<'r, 'de>(&'r mut Raw<'de>);

impl<'de> de::DeserializeSeed<'de> for NestedSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(NestedVisitor(self.0))
    }
}

struct NestedVisitor<'r, 'de>(&'r mut Raw<'de>);

impl<'de> Visitor<'de> for NestedVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a `properties` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        RawVisitor {
            raw: self.0,
            nested: true,
        }
        .visit_map(map)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A row that passed validation, ready to be interned (strings still borrowed from the text).
struct Row<'de> {
    name: Cow<'de, str>,
    principal: Cow<'de, str>,
    principal_type: Option<Cow<'de, str>>,
    principal_name: Option<Cow<'de, str>>,
    role: Cow<'de, str>,
    role_name: Option<Cow<'de, str>>,
    scope: Cow<'de, str>,
    condition: Option<Cow<'de, str>>,
}

const ASSIGNMENT_MARK: &str = "/providers/microsoft.authorization/roleassignments/";
const BATCH: usize = 4096;

/// Validates one row (errors carry the JSON position): required fields, the scope (from
/// `scope` or the `id`), the name (from `name` or the `id`).
fn check<'de>(index: usize, r: Raw<'de>) -> Result<Option<Row<'de>>, String> {
    if let Some(t) = &r.kind
        && !t.eq_ignore_ascii_case("Microsoft.Authorization/roleAssignments")
    {
        return Ok(None);
    }
    let nonempty = |c: &Option<Cow<'de, str>>| c.as_deref().is_some_and(|s| !s.trim().is_empty());
    if !nonempty(&r.principal_id) {
        return Err(format!("role assignment {index} has no `principalId`"));
    }
    if !nonempty(&r.role_definition_id) {
        return Err(format!("role assignment {index} has no `roleDefinitionId`"));
    }
    let id = r.id.as_deref().unwrap_or("");
    let scope: Cow<'de, str> = match r.scope {
        Some(s) if !s.trim().is_empty() => s,
        _ => {
            let lower = id.to_ascii_lowercase();
            match lower.rfind(ASSIGNMENT_MARK) {
                Some(0) => Cow::Owned("/".to_string()),
                Some(i) => Cow::Owned(id[..i].to_string()),
                None => {
                    return Err(format!(
                        "role assignment {index} has no `scope` (and its `id` does not name one)"
                    ));
                }
            }
        }
    };
    let name: Cow<'de, str> = match r.name {
        Some(n) if !n.trim().is_empty() => n,
        _ => match id
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
        {
            Some(n) => Cow::Owned(n.to_string()),
            None => Cow::Owned(format!("#{index}")),
        },
    };
    Ok(Some(Row {
        name,
        principal: r.principal_id.unwrap_or_default(),
        principal_type: r.principal_type,
        principal_name: r.principal_name,
        role: r.role_definition_id.unwrap_or_default(),
        role_name: r.role_definition_name,
        scope,
        condition: r.condition.filter(|c| !c.trim().is_empty()),
    }))
}

/// Interns one validated row into the inventory.
fn add(inv: &mut Inventory, r: Row<'_>, origin: &str) {
    let name = r.name.trim();
    let kind = r
        .principal_type
        .as_deref()
        .map(PrincipalType::parse)
        .unwrap_or_default();
    let is_user = kind == PrincipalType::User;
    let p = inv.set_principal(&r.principal, kind);
    if let Some(n) = r.principal_name.as_deref() {
        if is_user {
            inv.principals.set_upn(p, n);
        } else {
            inv.principals.set_name(p, n);
        }
    }
    let role = inv.role_ref(&r.role, r.role_name.as_deref());
    let scope = inv.scopes.intern(&r.scope);
    let condition = r.condition.as_deref().map(|c| inv.conditions.push(c));
    let mut a = Assignment {
        name: 0,
        principal: p,
        scope,
        role,
        condition,
    };
    if inv.is_duplicate(name, &a, origin) {
        return;
    }
    a.name = match super::guid_slice(name) {
        Some(g) => inv.assignment_names.push_lower(g),
        None => inv.assignment_names.push(name),
    };
    inv.assignments.push(a);
}

/// The parsing side of the pipeline: validates rows and hands batches to the interning
/// thread.
struct Sink<'de, 'p> {
    tx: std::sync::mpsc::SyncSender<Vec<Row<'de>>>,
    batch: Vec<Row<'de>>,
    progress: &'p mut dyn FnMut(usize),
    skipped: usize,
}

impl<'de> ItemSink<'de> for Sink<'de, '_> {
    type Item = Raw<'de>;
    fn what(&self) -> &'static str {
        "role assignment"
    }
    fn accept(&mut self, index: usize, r: Raw<'de>) -> Result<(), String> {
        if index.is_multiple_of(16384) {
            (self.progress)(index);
        }
        match check(index, r)? {
            Some(row) => self.batch.push(row),
            None => self.skipped += 1,
        }
        if self.batch.len() >= BATCH {
            let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            // The receiver only hangs up when this function returns.
            let _ = self.tx.send(full);
        }
        Ok(())
    }
}

/// Parses on this thread while another interns the rows (two cores in use).
pub(super) fn parse(
    inv: &mut Inventory,
    text: &str,
    origin: &str,
    progress: &mut dyn FnMut(usize),
) -> crate::error::Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row<'_>>>(8);
    let (result, skipped) = std::thread::scope(|scope| {
        let inv_ref = &mut *inv;
        let worker = scope.spawn(move || {
            for batch in rx {
                for row in batch {
                    add(inv_ref, row, origin);
                }
            }
        });
        let mut sink = Sink {
            tx,
            batch: Vec::with_capacity(BATCH),
            progress,
            skipped: 0,
        };
        let result = parse_with(text, origin, &mut sink);
        let Sink {
            tx, batch, skipped, ..
        } = sink;
        if result.is_ok() && !batch.is_empty() {
            let _ = tx.send(batch);
        }
        drop(tx);
        let _ = worker.join();
        (result, skipped)
    });
    let (_, paging) = result?;
    if let Some(n) = paging {
        inv.gaps.push(n);
    }
    if skipped > 0 {
        inv.notes.push(format!(
            "{origin}: {skipped} rows are not role assignments (their `type` says otherwise) and were skipped"
        ));
    }
    Ok(())
}
