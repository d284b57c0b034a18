//! Role text of any supported format → role definitions: JSON (every shape of
//! [`super::role_parse`]), Terraform HCL (`.tf`), Terraform plan JSON (`terraform show -json`)
//! and Bicep (`.bicep`). The format is chosen by the file extension, and for JSON by the
//! plan's `format_version`/`resource_changes` keys.

use super::json;
use super::role::RoleDefinition;
use super::role_parse::parse_roles_json;
use crate::error::{Error, Result};

/// The formats a role file can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleFileKind {
    Json,
    TerraformHcl,
    TerraformPlan,
    Bicep,
}

/// The kind of a role file from its name (and, for JSON, its parsed value).
pub fn kind_of(origin: &str, value: Option<&serde_json::Value>) -> RoleFileKind {
    let lower = origin.to_ascii_lowercase();
    if lower.ends_with(".tf") {
        return RoleFileKind::TerraformHcl;
    }
    if lower.ends_with(".bicep") {
        return RoleFileKind::Bicep;
    }
    if let Some(serde_json::Value::Object(m)) = value
        && (m.contains_key("resource_changes")
            || (m.contains_key("format_version") && m.contains_key("terraform_version")))
    {
        return RoleFileKind::TerraformPlan;
    }
    RoleFileKind::Json
}

/// Parses every role in a text of any supported format. `origin` (the file name) selects
/// HCL and Bicep by extension. An input holding no role is an error.
pub fn parse_role_text(text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    let roles = match kind_of(origin, None) {
        RoleFileKind::TerraformHcl => super::terraform::parse_hcl(text, origin)?,
        RoleFileKind::Bicep => super::bicep::parse_bicep(text, origin)?,
        _ => {
            let value = json::parse(text, origin)?;
            match kind_of(origin, Some(&value)) {
                RoleFileKind::TerraformPlan => super::terraform::plan_roles(&value, origin)?,
                _ => parse_roles_json(&value, origin)?,
            }
        }
    };
    if roles.is_empty() {
        return Err(Error::shape(origin, "", "holds no role definition"));
    }
    Ok(roles)
}

/// The 1-based line and column where the value at `pointer` starts in a role file's text.
/// Handles JSON pointers (empty or starting with `/`) and the `PATH@LINE:COLUMN` locators
/// of Terraform and Bicep entries.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    if pointer.is_empty() || pointer.starts_with('/') {
        return json::locate(text, pointer);
    }
    let (_, pos) = pointer.rsplit_once('@')?;
    let (l, c) = pos.split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}
