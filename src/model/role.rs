//! Role definitions: the typed form every input shape is normalised into.

use super::pattern::Pattern;
use super::plane::Plane;
use serde_json::{Map, Value, json};

/// One string of a permission list, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Exactly as written (whitespace included).
    pub raw: String,
    pub pattern: Pattern,
    /// JSON pointer (or a format-specific locator) of the entry in its file.
    pub pointer: String,
}

/// The four lists of a permission block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Actions,
    NotActions,
    DataActions,
    NotDataActions,
}

impl Field {
    pub const ALL: [Field; 4] = [
        Field::Actions,
        Field::NotActions,
        Field::DataActions,
        Field::NotDataActions,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Actions => "Actions",
            Field::NotActions => "NotActions",
            Field::DataActions => "DataActions",
            Field::NotDataActions => "NotDataActions",
        }
    }

    /// camelCase key as in `az role definition list` output.
    pub fn camel(self) -> &'static str {
        match self {
            Field::Actions => "actions",
            Field::NotActions => "notActions",
            Field::DataActions => "dataActions",
            Field::NotDataActions => "notDataActions",
        }
    }

    pub fn plane(self) -> Plane {
        match self {
            Field::Actions | Field::NotActions => Plane::Control,
            Field::DataActions | Field::NotDataActions => Plane::Data,
        }
    }

    pub fn is_exclusion(self) -> bool {
        matches!(self, Field::NotActions | Field::NotDataActions)
    }

    pub fn grant(plane: Plane) -> Field {
        match plane {
            Plane::Control => Field::Actions,
            Plane::Data => Field::DataActions,
        }
    }

    pub fn exclusion(plane: Plane) -> Field {
        match plane {
            Plane::Control => Field::NotActions,
            Plane::Data => Field::NotDataActions,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionBlock {
    pub actions: Vec<Entry>,
    pub not_actions: Vec<Entry>,
    pub data_actions: Vec<Entry>,
    pub not_data_actions: Vec<Entry>,
    pub condition: Option<String>,
    pub condition_version: Option<String>,
    pub pointer: String,
}

impl PermissionBlock {
    pub fn list(&self, field: Field) -> &[Entry] {
        match field {
            Field::Actions => &self.actions,
            Field::NotActions => &self.not_actions,
            Field::DataActions => &self.data_actions,
            Field::NotDataActions => &self.not_data_actions,
        }
    }

    pub fn list_mut(&mut self, field: Field) -> &mut Vec<Entry> {
        match field {
            Field::Actions => &mut self.actions,
            Field::NotActions => &mut self.not_actions,
            Field::DataActions => &mut self.data_actions,
            Field::NotDataActions => &mut self.not_data_actions,
        }
    }

    pub fn is_empty(&self) -> bool {
        Field::ALL.iter().all(|f| self.list(*f).is_empty())
    }
}

/// The file format a role was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleFormat {
    /// `az role definition create` input / PowerShell (`Name`, `Actions`, ...).
    CliInput,
    /// `az role definition list/show` output (`roleName`, `permissions`).
    CliOutput,
    /// REST / ARM GET shape or Azure Resource Graph row (`id` + `properties`).
    Rest,
    /// A resource in an ARM template.
    ArmTemplate,
    /// `azurerm_role_definition` in Terraform.
    Terraform,
    /// A `Microsoft.Authorization/roleDefinitions` resource in Bicep.
    Bicep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDefinition {
    /// Display name (`Name` / `roleName`).
    pub name: Option<String>,
    /// The id as written (full ARM id, or a bare GUID).
    pub id: Option<String>,
    /// Lower-cased GUID, when one is known.
    pub guid: Option<String>,
    /// `CustomRole` / `BuiltInRole` / `IsCustom`, when stated.
    pub is_custom: Option<bool>,
    pub description: Option<String>,
    pub permissions: Vec<PermissionBlock>,
    /// (scope, pointer)
    pub assignable_scopes: Vec<(String, String)>,
    /// Role-level condition (some built-in roles), applying to every block.
    pub condition: Option<String>,
    pub condition_version: Option<String>,
    pub format: RoleFormat,
    /// The file (or `builtin`, or a command-line argument) the role came from.
    pub origin: String,
    /// JSON pointer of the role object in its file.
    pub pointer: String,
    /// Values the model could not read as literals (ARM expressions, Terraform
    /// variables): each is a message naming the field. Non-empty means the role is incomplete.
    pub unresolved: Vec<String>,
    /// Deploy-time values that touch neither permissions nor assignable scopes (a name or id
    /// from `guid()`, a `condition` known at deployment): named, the role stays complete.
    pub symbolic: Vec<String>,
    /// Top-level keys present in the input, as written (for lint and diff of metadata).
    pub keys: Vec<String>,
    /// Keys azrbac read ignoring case that `az role definition create` would not read.
    pub key_case: Vec<KeyCase>,
}

/// A key spelled so that the Azure CLI ignores it (see `model::key_case`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCase {
    /// JSON pointer of the key's value.
    pub pointer: String,
    pub written: String,
    /// The spellings the CLI reads, for messages.
    pub accepted: String,
    /// What the CLI's role lacks as a result.
    pub effect: &'static str,
}

impl RoleDefinition {
    pub fn empty(format: RoleFormat, origin: &str, pointer: &str) -> RoleDefinition {
        RoleDefinition {
            name: None,
            id: None,
            guid: None,
            is_custom: None,
            description: None,
            permissions: Vec::new(),
            assignable_scopes: Vec::new(),
            condition: None,
            condition_version: None,
            format,
            origin: origin.to_string(),
            pointer: pointer.to_string(),
            unresolved: Vec::new(),
            symbolic: Vec::new(),
            keys: Vec::new(),
            key_case: Vec::new(),
        }
    }

    /// A name for messages: display name, else GUID, else where it was found.
    /// Line breaks, control and invisible characters in the name are escaped.
    pub fn label(&self) -> String {
        if let Some(n) = &self.name {
            return crate::text::escape(n).into_owned();
        }
        if let Some(g) = &self.guid {
            return g.clone();
        }
        if self.pointer.is_empty() {
            format!("unnamed role in {}", self.origin)
        } else {
            format!("unnamed role at {} in {}", self.pointer, self.origin)
        }
    }

    /// Whether any block (or the role itself) carries a condition.
    pub fn has_condition(&self) -> bool {
        self.condition.is_some() || self.permissions.iter().any(|b| b.condition.is_some())
    }

    /// Whether a block's grants are conditional (its own condition or the role's).
    pub fn block_conditional(&self, block: &PermissionBlock) -> bool {
        self.condition.is_some() || block.condition.is_some()
    }

    /// All entries with their block index and field.
    pub fn entries(&self) -> impl Iterator<Item = (usize, Field, &Entry)> {
        self.permissions.iter().enumerate().flat_map(|(b, block)| {
            Field::ALL
                .into_iter()
                .flat_map(move |f| block.list(f).iter().map(move |e| (b, f, e)))
        })
    }

    /// The role in `az role definition list` shape (descriptions only when asked).
    pub fn to_cli_output_json(&self, keep_description: bool) -> Value {
        let mut m = Map::new();
        if keep_description && let Some(d) = &self.description {
            m.insert("description".into(), json!(d));
        }
        m.insert(
            "assignableScopes".into(),
            json!(
                self.assignable_scopes
                    .iter()
                    .map(|(s, _)| s)
                    .collect::<Vec<_>>()
            ),
        );
        if let Some(id) = &self.id {
            m.insert("id".into(), json!(id));
        }
        if let Some(g) = &self.guid {
            m.insert("name".into(), json!(g));
        }
        let blocks: Vec<Value> = self
            .permissions
            .iter()
            .map(|b| {
                let mut bm = Map::new();
                for f in Field::ALL {
                    bm.insert(
                        f.camel().into(),
                        json!(b.list(f).iter().map(|e| &e.raw).collect::<Vec<_>>()),
                    );
                }
                if let Some(c) = &b.condition {
                    bm.insert("condition".into(), json!(c));
                }
                if let Some(c) = &b.condition_version {
                    bm.insert("conditionVersion".into(), json!(c));
                }
                Value::Object(bm)
            })
            .collect();
        m.insert("permissions".into(), Value::Array(blocks));
        if let Some(n) = &self.name {
            m.insert("roleName".into(), json!(n));
        }
        if let Some(c) = self.is_custom {
            m.insert(
                "roleType".into(),
                json!(if c { "CustomRole" } else { "BuiltInRole" }),
            );
        }
        if let Some(c) = &self.condition {
            m.insert("condition".into(), json!(c));
        }
        if let Some(c) = &self.condition_version {
            m.insert("conditionVersion".into(), json!(c));
        }
        Value::Object(m)
    }
}

/// Whether a string is a GUID (8-4-4-4-12 hex digits).
pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The GUID at the end of a role definition id (`.../roleDefinitions/{guid}`), or the id
/// itself when it is a bare GUID.
pub fn guid_of(id: &str) -> Option<String> {
    let last = id.trim().trim_end_matches('/').rsplit('/').next()?;
    if is_guid(last) {
        Some(last.to_ascii_lowercase())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(is_guid("f6c7c914-8db3-469d-8ca1-694a8f32e121"));
        assert!(!is_guid("f6c7c914-8db3-469d-8ca1-694a8f32e12"));
        assert_eq!(
            guid_of(
                "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/F6C7C914-8DB3-469D-8CA1-694A8F32E121"
            ),
            Some("f6c7c914-8db3-469d-8ca1-694a8f32e121".to_string())
        );
        assert_eq!(guid_of("[guid(subscription().id)]"), None);
    }
}
