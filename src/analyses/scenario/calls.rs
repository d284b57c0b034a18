//! The call map: which operations each Azure ML CLI v2 / SDK v2 command needs, per variant
//! (`data/call-map.json`, embedded; built by `azrbac scenarios import` from a traced
//! reference). Only facts are kept: command names, variant labels, operation names, planes,
//! how firmly each is needed, how it was established and where it is checked.

use crate::error::{Error, Result};
use crate::model::Plane;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The embedded call map.
pub const CALL_MAP_JSON: &str = include_str!("../../../data/call-map.json");

/// How firmly an operation is needed by a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    /// The command fails (403) without it.
    Required,
    /// Needed only in a sub-case of the call.
    Conditional,
    /// A low-risk read, or an item the source lists but nobody confirmed.
    Optional,
}

impl Need {
    pub fn as_str(self) -> &'static str {
        match self {
            Need::Required => "required",
            Need::Conditional => "conditional",
            Need::Optional => "optional",
        }
    }
}

/// Where Azure checks an operation, relative to the workspace a scenario's role is assigned at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeKind {
    /// The workspace or a resource below it (endpoint, deployment).
    Workspace,
    /// A subscription-level path (`Microsoft.X/locations/...`): no assignment at a
    /// workspace or resource group reaches it.
    Subscription,
    /// An Azure ML registry (another resource).
    Registry,
    /// A storage account container (data plane).
    Storage,
    /// A user-assigned managed identity.
    Identity,
    /// A Log Analytics workspace.
    LogAnalytics,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Workspace => "workspace",
            ScopeKind::Subscription => "subscription",
            ScopeKind::Registry => "registry",
            ScopeKind::Storage => "storage",
            ScopeKind::Identity => "identity",
            ScopeKind::LogAnalytics => "log-analytics",
        }
    }

    /// Where to assign, in words.
    pub fn place(self) -> &'static str {
        match self {
            ScopeKind::Workspace => "the workspace",
            ScopeKind::Subscription => "the resource group or subscription",
            ScopeKind::Registry => "the Azure ML registry",
            ScopeKind::Storage => "the storage container",
            ScopeKind::Identity => "the user-assigned identity",
            ScopeKind::LogAnalytics => "the Log Analytics workspace",
        }
    }

    /// The kind of a reference's free-text scope; `None` when it names none azrbac knows.
    pub fn from_reference(text: &str) -> Option<ScopeKind> {
        let t = text.to_ascii_lowercase();
        if t.starts_with("subscription")
            || (t.contains("resource group") && !t.contains("endpoint"))
        {
            Some(ScopeKind::Subscription)
        } else if t.contains("storage") || t.contains("container") {
            Some(ScopeKind::Storage)
        } else if t.contains("identity") {
            Some(ScopeKind::Identity)
        } else if t.contains("log analytics") {
            Some(ScopeKind::LogAnalytics)
        } else if t.starts_with("registry") {
            Some(ScopeKind::Registry)
        } else if t.starts_with("workspace") || t.starts_with("endpoint") {
            Some(ScopeKind::Workspace)
        } else {
            None
        }
    }
}

/// One operation of a call.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallOp {
    pub name: String,
    pub plane: String,
    pub need: Need,
    /// `traced` (read in client code), `docs` (documented), `inferred`.
    pub confidence: String,
    pub scope: ScopeKind,
}

impl CallOp {
    pub fn plane(&self) -> Plane {
        Plane::parse(&self.plane).unwrap_or(Plane::Control)
    }
}

/// One command in one variant.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub command: String,
    pub variant: String,
    pub operations: Vec<CallOp>,
}

impl Call {
    /// `command | variant`, as scenarios name it.
    pub fn label(&self) -> String {
        format!("{} | {}", self.command, self.variant)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallMap {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub source: String,
    #[serde(rename = "sourceDate")]
    pub source_date: String,
    pub calls: Vec<Call>,
}

impl CallMap {
    pub fn parse(text: &str, origin: &str) -> Result<CallMap> {
        let m: CallMap = serde_json::from_str(text).map_err(|e| Error::Syntax {
            origin: origin.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if m.schema_version != 1 {
            return Err(Error::shape(
                origin,
                "/schemaVersion",
                format!("schema version {} is not 1", m.schema_version),
            ));
        }
        Ok(m)
    }

    /// The embedded call map (parsed once per process; a test checks that it parses).
    pub fn embedded() -> &'static CallMap {
        static M: OnceLock<CallMap> = OnceLock::new();
        M.get_or_init(|| {
            CallMap::parse(CALL_MAP_JSON, "data/call-map.json").unwrap_or(CallMap {
                schema_version: 1,
                source: String::new(),
                source_date: String::new(),
                calls: Vec::new(),
            })
        })
    }

    /// The call a scenario names: `COMMAND` (the command's only variant, or the one whose
    /// label starts with `default`) or `COMMAND | VARIANT` (the variant whose label starts
    /// with VARIANT). Case-insensitive.
    pub fn find(&self, reference: &str) -> std::result::Result<&Call, String> {
        let (cmd, variant) = match reference.split_once('|') {
            Some((c, v)) => (c.trim(), Some(v.trim().to_ascii_lowercase())),
            None => (reference.trim(), None),
        };
        let of_cmd: Vec<&Call> = self
            .calls
            .iter()
            .filter(|c| c.command.eq_ignore_ascii_case(cmd))
            .collect();
        if of_cmd.is_empty() {
            let hint =
                crate::error::did_you_mean(cmd, self.calls.iter().map(|c| c.command.as_str()))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
            return Err(format!("`{cmd}` is not a command of the call map{hint}"));
        }
        let hits: Vec<&Call> = match &variant {
            Some(v) => of_cmd
                .iter()
                .copied()
                .filter(|c| c.variant.to_ascii_lowercase().starts_with(v.as_str()))
                .collect(),
            None if of_cmd.len() == 1 => of_cmd.clone(),
            None => of_cmd
                .iter()
                .copied()
                .filter(|c| c.variant.to_ascii_lowercase().starts_with("default"))
                .collect(),
        };
        match hits.as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "`{reference}` names no variant of `{cmd}`; its variants: {}",
                of_cmd
                    .iter()
                    .map(|c| format!("`{}`", c.variant))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Err(format!(
                "`{reference}` names {} variants of `{cmd}`; add the start of one after `|`",
                hits.len()
            )),
        }
    }
}

/// Builds a call map from the traced reference (an array of `{command, variant, operations:
/// [{name, plane, need, confidence, scope, ...}], ...}`), dropping its prose (`why`,
/// `source`, `notes`).
pub fn import_reference(text: &str, origin: &str, source: &str, date: &str) -> Result<CallMap> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Syntax {
        origin: origin.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let arr = v
        .as_array()
        .ok_or_else(|| Error::shape(origin, "", "expected an array of commands"))?;
    let mut calls = Vec::new();
    for (i, c) in arr.iter().enumerate() {
        let s = |key: &str, ptr: &str| -> Result<String> {
            c.get(key)
                .and_then(|x| x.as_str())
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .ok_or_else(|| Error::shape(origin, ptr, format!("`{key}` is missing or empty")))
        };
        let command = s("command", &format!("/{i}/command"))?;
        let variant = s("variant", &format!("/{i}/variant"))?;
        let ops = c
            .get("operations")
            .and_then(|x| x.as_array())
            .ok_or_else(|| {
                Error::shape(origin, &format!("/{i}/operations"), "expected an array")
            })?;
        let mut operations = Vec::new();
        for (j, o) in ops.iter().enumerate() {
            let ptr = format!("/{i}/operations/{j}");
            let f = |key: &str| -> Result<String> {
                o.get(key)
                    .and_then(|x| x.as_str())
                    .map(|x| x.trim().to_string())
                    .ok_or_else(|| Error::shape(origin, &format!("{ptr}/{key}"), "missing"))
            };
            let name = f("name")?;
            crate::model::validate_user_pattern(&name)
                .map_err(|m| Error::shape(origin, &format!("{ptr}/name"), m))?;
            let plane = f("plane")?;
            if Plane::parse(&plane).is_none() {
                return Err(Error::shape(
                    origin,
                    &format!("{ptr}/plane"),
                    format!("`{plane}` is not control or data"),
                ));
            }
            let need_text = f("need")?;
            let need = match need_text.split_whitespace().next().unwrap_or("") {
                "required" => Need::Required,
                "conditional" => Need::Conditional,
                "optional" => Need::Optional,
                _ => {
                    return Err(Error::shape(
                        origin,
                        &format!("{ptr}/need"),
                        format!("`{need_text}` is not required, conditional or optional"),
                    ));
                }
            };
            let confidence = f("confidence")?;
            if !["traced", "docs", "inferred"].contains(&confidence.as_str()) {
                return Err(Error::shape(
                    origin,
                    &format!("{ptr}/confidence"),
                    format!("`{confidence}` is not traced, docs or inferred"),
                ));
            }
            let scope_text = f("scope")?;
            let scope = ScopeKind::from_reference(&scope_text).ok_or_else(|| {
                Error::shape(
                    origin,
                    &format!("{ptr}/scope"),
                    format!("`{scope_text}` names no scope azrbac knows"),
                )
            })?;
            operations.push(CallOp {
                name,
                plane: Plane::parse(&plane)
                    .unwrap_or(Plane::Control)
                    .as_str()
                    .to_string(),
                need,
                confidence,
                scope,
            });
        }
        calls.push(Call {
            command,
            variant,
            operations,
        });
    }
    if calls.is_empty() {
        return Err(Error::shape(origin, "", "no commands"));
    }
    Ok(CallMap {
        schema_version: 1,
        source: source.to_string(),
        source_date: date.to_string(),
        calls,
    })
}

fn enc<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Internal(e.to_string()))
}

impl CallMap {
    /// The compact JSON written to `data/call-map.json`: one call a line.
    pub fn to_json(&self) -> Result<String> {
        let mut out = String::from("{\n");
        out.push_str(&format!("  \"schemaVersion\": {},\n", self.schema_version));
        out.push_str(&format!("  \"source\": {},\n", enc(&self.source)?));
        out.push_str(&format!("  \"sourceDate\": {},\n", enc(&self.source_date)?));
        out.push_str("  \"calls\": [\n");
        for (i, c) in self.calls.iter().enumerate() {
            out.push_str("    ");
            out.push_str(&enc(c)?);
            out.push_str(if i + 1 < self.calls.len() {
                ",\n"
            } else {
                "\n"
            });
        }
        out.push_str("  ]\n}\n");
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_map_parses_and_finds_calls() {
        let m = CallMap::parse(CALL_MAP_JSON, "data/call-map.json").unwrap();
        assert!(m.calls.len() >= 40);
        assert_eq!(
            m.find("az ml online-endpoint show").unwrap().command,
            "az ml online-endpoint show"
        );
        assert!(m.find("az ml online-deployment create").is_err());
        let b = m.find("az ml online-deployment create | (b)").unwrap();
        assert!(
            b.operations
                .iter()
                .any(|o| o.name.ends_with("startPendingUpload/action"))
        );
        let e = m.find("az ml online-endpoint shwo").unwrap_err();
        assert!(e.contains("did you mean"), "{e}");
    }

    #[test]
    fn scopes_of_the_reference() {
        for (t, k) in [
            ("workspace or endpoint", ScopeKind::Workspace),
            (
                "subscription or resource group (see notes)",
                ScopeKind::Subscription,
            ),
            (
                "endpoint or deployment resource (or workspace/RG)",
                ScopeKind::Workspace,
            ),
            ("workspace default storage container", ScopeKind::Storage),
            (
                "the user-assigned identity (or its RG)",
                ScopeKind::Identity,
            ),
            ("Log Analytics workspace", ScopeKind::LogAnalytics),
            ("registry", ScopeKind::Registry),
            ("output container(s)", ScopeKind::Storage),
        ] {
            assert_eq!(ScopeKind::from_reference(t), Some(k), "{t}");
        }
        assert_eq!(ScopeKind::from_reference("elsewhere"), None);
    }
}
