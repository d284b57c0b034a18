//! Role assignments, streamed: `az role assignment list --all -o json` objects, REST/ARM
//! objects (`properties.*`) and Azure Resource Graph `authorizationresources` rows. Keys are
//! matched ignoring case; fields the model does not use are skipped.

use super::Inventory;
use super::keys::{ItemSink, Key, MaybeStr, parse_with};
use crate::model::assignment::{Assignment, PrincipalType};
use crate::model::role::guid_of;
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

struct Sink<'i, 'p> {
    inv: &'i mut Inventory,
    progress: &'p mut dyn FnMut(usize),
    skipped: usize,
}

const ASSIGNMENT_MARK: &str = "/providers/microsoft.authorization/roleassignments/";

impl<'de> ItemSink<'de> for Sink<'_, '_> {
    type Item = Raw<'de>;
    fn what(&self) -> &'static str {
        "role assignment"
    }
    fn accept(&mut self, index: usize, r: Raw<'de>) -> Result<(), String> {
        if index % 16384 == 0 {
            (self.progress)(index);
        }
        if let Some(t) = &r.kind
            && !t.eq_ignore_ascii_case("Microsoft.Authorization/roleAssignments")
        {
            self.skipped += 1;
            return Ok(());
        }
        let principal = r
            .principal_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| format!("role assignment {index} has no `principalId`"))?;
        let role = r
            .role_definition_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| format!("role assignment {index} has no `roleDefinitionId`"))?;
        let id = r.id.as_deref().unwrap_or("");
        let scope: Cow<str> = match r.scope.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => Cow::Borrowed(s),
            None => {
                let lower = id.to_ascii_lowercase();
                match lower.rfind(ASSIGNMENT_MARK) {
                    Some(i) => Cow::Owned(if i == 0 {
                        "/".to_string()
                    } else {
                        id[..i].to_string()
                    }),
                    None => {
                        return Err(format!(
                            "role assignment {index} has no `scope` (and its `id` does not name one)"
                        ));
                    }
                }
            }
        };
        let name: Cow<str> = match r.name.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(n) => Cow::Borrowed(n.trim()),
            None => match id
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .filter(|s| !s.is_empty())
            {
                Some(n) => Cow::Borrowed(n),
                None => Cow::Owned(format!("#{index}")),
            },
        };
        let inv = &mut *self.inv;
        if inv.is_duplicate(&name) {
            return Ok(());
        }
        let kind = r
            .principal_type
            .as_deref()
            .map(PrincipalType::parse)
            .unwrap_or_default();
        let is_user = kind == PrincipalType::User;
        let p = inv.set_principal(principal, kind);
        if let Some(n) = r.principal_name.as_deref() {
            if is_user {
                inv.principals.set_upn(p, n);
            } else {
                inv.principals.set_name(p, n);
            }
        }
        let role_ref = inv.role_ref(role, r.role_definition_name.as_deref());
        let scope = inv.scopes.intern(&scope);
        let condition = r
            .condition
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| inv.conditions.push(c));
        let name = match guid_of(&name) {
            Some(g) => inv.assignment_names.push(&g),
            None => inv.assignment_names.push(&name),
        };
        inv.assignments.push(Assignment {
            name,
            principal: p,
            scope,
            role: role_ref,
            condition,
        });
        Ok(())
    }
}

pub(super) fn parse(
    inv: &mut Inventory,
    text: &str,
    origin: &str,
    progress: &mut dyn FnMut(usize),
) -> crate::error::Result<()> {
    let mut sink = Sink {
        inv: &mut *inv,
        progress,
        skipped: 0,
    };
    parse_with(text, origin, &mut sink)?;
    let skipped = sink.skipped;
    if skipped > 0 {
        inv.notes.push(format!(
            "{origin}: {skipped} rows are not role assignments (their `type` says otherwise) and were skipped"
        ));
    }
    Ok(())
}
