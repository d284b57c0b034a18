//! A set of role definitions looked up by name or GUID: the built-in roles, or a user's
//! custom roles; and its compact on-disk form (`data/roles.json`).

use super::catalog::{Provenance, canonical_cmp};
use super::json;
use super::role::RoleDefinition;
use super::role_parse::parse_roles_json;
use crate::error::{Error, Result, did_you_mean};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

pub const ROLES_KIND: &str = "azrbac.roles";

#[derive(Debug, Clone, Default)]
pub struct RoleSet {
    roles: Vec<RoleDefinition>,
    by_name: HashMap<String, usize>,
    by_guid: HashMap<String, usize>,
    pub provenance: Provenance,
}

impl RoleSet {
    /// Builds a set; roles are kept sorted by name (case-insensitive), then GUID.
    pub fn new(mut roles: Vec<RoleDefinition>, provenance: Provenance) -> RoleSet {
        roles.sort_by(|a, b| {
            canonical_cmp(
                a.name.as_deref().unwrap_or(""),
                b.name.as_deref().unwrap_or(""),
            )
            .then_with(|| a.guid.cmp(&b.guid))
        });
        let mut by_name = HashMap::new();
        let mut by_guid = HashMap::new();
        for (i, r) in roles.iter().enumerate() {
            if let Some(n) = &r.name {
                by_name.entry(n.to_ascii_lowercase()).or_insert(i);
            }
            if let Some(g) = &r.guid {
                by_guid.entry(g.clone()).or_insert(i);
            }
        }
        RoleSet {
            roles,
            by_name,
            by_guid,
            provenance,
        }
    }

    pub fn roles(&self) -> &[RoleDefinition] {
        &self.roles
    }

    pub fn len(&self) -> usize {
        self.roles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }

    pub fn by_name(&self, name: &str) -> Option<&RoleDefinition> {
        self.by_name
            .get(&name.trim().to_ascii_lowercase())
            .map(|i| &self.roles[*i])
    }

    pub fn by_guid(&self, guid: &str) -> Option<&RoleDefinition> {
        self.by_guid
            .get(&guid.trim().to_ascii_lowercase())
            .map(|i| &self.roles[*i])
    }

    /// The closest role name, for "did you mean" help.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        did_you_mean(name, self.roles.iter().filter_map(|r| r.name.as_deref()))
    }

    /// Roles whose name contains `needle` (case-insensitive).
    pub fn search<'a>(&'a self, needle: &'a str) -> impl Iterator<Item = &'a RoleDefinition> + 'a {
        let n = needle.to_ascii_lowercase();
        self.roles.iter().filter(move |r| {
            r.name
                .as_deref()
                .unwrap_or("")
                .to_ascii_lowercase()
                .contains(&n)
        })
    }

    /// Serialises to the compact file: `az role definition list` objects without
    /// description sentences (unless asked) or timestamps.
    pub fn to_compact_json(&self, keep_descriptions: bool) -> Result<String> {
        let roles: Vec<Value> = self
            .roles
            .iter()
            .map(|r| r.to_cli_output_json(keep_descriptions))
            .collect();
        let mut m = Map::new();
        m.insert("schemaVersion".into(), json!(1));
        m.insert("kind".into(), json!(ROLES_KIND));
        m.insert("source".into(), json!(self.provenance.source));
        m.insert("sourceDate".into(), json!(self.provenance.source_date));
        m.insert("count".into(), json!(roles.len()));
        m.insert("roles".into(), Value::Array(roles));
        let mut s = serde_json::to_string_pretty(&Value::Object(m))
            .map_err(|e| Error::Internal(format!("cannot serialise roles: {e}")))?;
        s.push('\n');
        Ok(s)
    }

    pub fn from_compact_json(text: &str, origin: &str) -> Result<RoleSet> {
        let v = json::parse(text, origin)?;
        let obj = json::Obj::new(&v, origin, "", "role set")?;
        obj.deny_unknown(
            &[
                "schemaVersion",
                "kind",
                "source",
                "sourceDate",
                "count",
                "roles",
            ],
            "role set",
        )?;
        match obj.opt_str("kind")? {
            Some(ROLES_KIND) => {}
            other => {
                return Err(Error::shape(
                    origin,
                    "/kind",
                    format!(
                        "expected `{ROLES_KIND}`, found {other:?} (import an `az` export with `azrbac roles import`)"
                    ),
                ));
            }
        }
        let provenance = Provenance {
            source: obj.opt_str("source")?.unwrap_or("").to_string(),
            source_date: obj.opt_str("sourceDate")?.unwrap_or("").to_string(),
        };
        let roles = match obj.get("roles") {
            Some((_, list)) => parse_roles_json(list, origin)?,
            None => Vec::new(),
        };
        Ok(RoleSet::new(roles, provenance))
    }
}
