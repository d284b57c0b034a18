//! Role text of any supported format → role definitions: JSON (every shape of
//! [`super::role_parse`]), Terraform HCL (`.tf`), Terraform plan JSON (`terraform show -json`)
//! and Bicep (`.bicep`). The format is chosen by the file extension, and for JSON by the
//! plan's `format_version`/`resource_changes` keys; text without a known extension (standard
//! input) that does not start like JSON is recognised by its resource declarations.

use super::iac::arm::{self, Params};
use super::iac::value::{Files, NoFiles};
use super::json;
use super::role::RoleDefinition;
use super::role_parse::parse_roles_json_with;
use crate::error::{Error, Result};

/// The formats a role file can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleFileKind {
    Json,
    TerraformHcl,
    TerraformPlan,
    Bicep,
    /// Terraform variable values (`.tfvars`): never a role, never parsed as JSON.
    TerraformVars,
    /// Bicep parameter values (`.bicepparam`): never a role.
    BicepParams,
}

/// What the IaC evaluators may read besides the text: files next to it, and the values of
/// `--parameters FILE` (ARM) and `--var-file FILE` (Terraform): (shown name, text).
pub struct IacInputs<'a> {
    pub files: &'a dyn Files,
    pub parameters: Option<&'a (String, String)>,
    pub var_files: &'a [(String, String)],
}

impl IacInputs<'static> {
    /// Nothing but the text itself.
    pub fn none() -> IacInputs<'static> {
        IacInputs {
            files: &NoFiles,
            parameters: None,
            var_files: &[],
        }
    }
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
    if lower.ends_with(".tfvars") {
        return RoleFileKind::TerraformVars;
    }
    if lower.ends_with(".bicepparam") {
        return RoleFileKind::BicepParams;
    }
    if let Some(serde_json::Value::Object(m)) = value
        && (m.contains_key("resource_changes")
            || (m.contains_key("format_version") && m.contains_key("terraform_version")))
    {
        return RoleFileKind::TerraformPlan;
    }
    RoleFileKind::Json
}

/// The format of a text whose name does not tell it (standard input, an unusual extension):
/// `None` when it starts like JSON or declares no role resource, so the name decides.
fn sniff(text: &str) -> Option<RoleFileKind> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        return None;
    }
    if body.contains("azurerm_role_definition") {
        Some(RoleFileKind::TerraformHcl)
    } else if body.contains("Microsoft.Authorization/roleDefinitions@") {
        Some(RoleFileKind::Bicep)
    } else {
        None
    }
}

/// Parses every role in a text of any supported format. `origin` (the file name) selects
/// HCL and Bicep by extension. An input holding no role is an error.
pub fn parse_role_text(text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    parse_role_text_with(text, origin, &IacInputs::none())
}

/// [`parse_role_text`] with the files and values the evaluators may read.
pub fn parse_role_text_with(
    text: &str,
    origin: &str,
    inputs: &IacInputs<'_>,
) -> Result<Vec<RoleDefinition>> {
    let roles = read_roles(text, origin, inputs)?;
    if roles.is_empty() {
        return Err(Error::shape(origin, "", "holds no role definition"));
    }
    Ok(roles)
}

/// Every role of a text (none for parameter files, tfvars, module wrappers and samples
/// without roles).
pub fn read_roles(text: &str, origin: &str, inputs: &IacInputs<'_>) -> Result<Vec<RoleDefinition>> {
    let roles = read_roles_unchecked(text, origin, inputs)?;
    one_deployment(&roles, origin)?;
    Ok(roles)
}

/// Roles that one deployment (one template, Bicep or Terraform file) creates twice under the
/// same name or the same GUID: Azure rejects the second, so the file is an input error.
fn one_deployment(roles: &[RoleDefinition], origin: &str) -> Result<()> {
    use super::role::RoleFormat;
    let deployed: Vec<&RoleDefinition> = roles
        .iter()
        .filter(|r| {
            matches!(
                r.format,
                RoleFormat::ArmTemplate | RoleFormat::Bicep | RoleFormat::Terraform
            )
        })
        .collect();
    for (i, r) in deployed.iter().enumerate() {
        for earlier in &deployed[..i] {
            let same_name = matches!((&r.name, &earlier.name), (Some(a), Some(b))
                if !a.trim().is_empty() && a.trim().eq_ignore_ascii_case(b.trim()));
            let same_guid = matches!((&r.guid, &earlier.guid), (Some(a), Some(b)) if a == b);
            if same_name || same_guid {
                let what = if same_name {
                    format!("the name `{}`", r.label())
                } else {
                    format!("the GUID {}", r.guid.as_deref().unwrap_or(""))
                };
                return Err(Error::shape(
                    origin,
                    &r.pointer,
                    format!(
                        "this role has {what} of the role at {}; one deployment cannot create both (Azure rejects the second)",
                        earlier.pointer
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn read_roles_unchecked(
    text: &str,
    origin: &str,
    inputs: &IacInputs<'_>,
) -> Result<Vec<RoleDefinition>> {
    Ok(match sniff(text).unwrap_or_else(|| kind_of(origin, None)) {
        RoleFileKind::TerraformHcl => {
            super::terraform::parse_hcl_with(text, origin, inputs.files, inputs.var_files)?
        }
        RoleFileKind::Bicep => super::bicep::parse_bicep(text, origin)?,
        RoleFileKind::TerraformVars | RoleFileKind::BicepParams => Vec::new(),
        _ => {
            let value = json::parse(text, origin)?;
            match kind_of(origin, Some(&value)) {
                RoleFileKind::TerraformPlan => super::terraform::plan_roles(&value, origin)?,
                _ if arm::is_parameter_file(&value) => Vec::new(),
                _ => {
                    let params = template_parameters(&value, origin, inputs)?;
                    parse_roles_json_with(&value, origin, &params)?
                }
            }
        }
    })
}

/// Whether a file found in a directory may hold a role: Terraform and Bicep files always
/// (they are parsed), JSON only when it names a role's parts; other JSON (package manifests,
/// editor settings, policy definitions) is skipped without being read as a role.
pub fn may_hold_roles(text: &str, origin: &str) -> bool {
    if !matches!(kind_of(origin, None), RoleFileKind::Json) {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    [
        "roledefinitions",
        "\"permissions\"",
        "\"actions\"",
        "\"rolename\"",
    ]
    .iter()
    .any(|k| lower.contains(k))
}

/// The parameter values of a template: `--parameters FILE`, else a sibling
/// `NAME.parameters.json` when there is one.
fn template_parameters(
    value: &serde_json::Value,
    origin: &str,
    inputs: &IacInputs<'_>,
) -> Result<Params> {
    let is_template = matches!(value, serde_json::Value::Object(m)
        if m.keys().any(|k| k.eq_ignore_ascii_case("resources") || k == "$schema"));
    if !is_template {
        return Ok(Params::new());
    }
    let supplied = match inputs.parameters {
        Some((o, t)) => Some((o.clone(), t.clone())),
        None => {
            let name = std::path::Path::new(origin)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("");
            match name.strip_suffix(".json") {
                Some(stem) if !stem.is_empty() => inputs
                    .files
                    .read(origin, &format!("{stem}.parameters.json"))?,
                _ => None,
            }
        }
    };
    match supplied {
        Some((o, t)) => arm::parameter_file(&json::parse(&t, &o)?, &o),
        None => Ok(Params::new()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const HCL: &str = r#"resource "azurerm_role_definition" "r" {
  name  = "ML reader"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  permissions {
    actions = ["Microsoft.MachineLearningServices/workspaces/read"]
  }
  assignable_scopes = ["/subscriptions/00000000-0000-0000-0000-000000000000"]
}
"#;

    const BICEP: &str = "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: 'x'
  properties: {
    roleName: 'ML reader'
    permissions: [ { actions: [ 'Microsoft.MachineLearningServices/workspaces/read' ] } ]
    assignableScopes: [ '/subscriptions/00000000-0000-0000-0000-000000000000' ]
  }
}
";

    /// Standard input carries no extension: HCL and Bicep are recognised by their content,
    /// JSON by its first character, and the extension still wins for JSON-looking text.
    /// Two roles of one deployment with the same name or GUID: an error naming both places.
    #[test]
    fn duplicates_in_one_deployment_are_errors() {
        let twice = format!("{HCL}{}", HCL.replace("\"r\"", "\"s\""));
        let e = parse_role_text(&twice, "two.tf").unwrap_err().to_string();
        assert!(
            e.contains("the name `ML reader` of the role at azurerm_role_definition.r@1:1"),
            "{e}"
        );
        let arm = r#"{"$schema":"x","resources":[
          {"type":"Microsoft.Authorization/roleDefinitions","name":"11111111-2222-3333-4444-555555555555","properties":{"roleName":"A"}},
          {"type":"Microsoft.Authorization/roleDefinitions","name":"11111111-2222-3333-4444-555555555555","properties":{"roleName":"B"}}]}"#;
        let e = parse_role_text(arm, "t.json").unwrap_err().to_string();
        assert!(
            e.contains("the GUID 11111111-2222-3333-4444-555555555555"),
            "{e}"
        );
        // A role list (not one deployment) may repeat a name.
        let list = r#"[{"Name":"A","Actions":["a/read"]},{"Name":"A","Actions":["b/read"]}]"#;
        assert_eq!(parse_role_text(list, "l.json").unwrap().len(), 2);
    }

    #[test]
    fn stdin_text_is_recognised_by_content() {
        for (text, origin) in [(HCL, "<stdin>"), (BICEP, "<stdin>"), (HCL, "role.tf")] {
            let roles = parse_role_text(text, origin).unwrap();
            assert_eq!(roles.len(), 1, "{origin}");
            assert_eq!(roles[0].name.as_deref(), Some("ML reader"), "{origin}");
        }
        assert_eq!(sniff("  {\"Name\": \"azurerm_role_definition\"}"), None);
        assert_eq!(
            sniff("\u{feff}resource \"azurerm_role_definition\" \"r\" {}"),
            Some(RoleFileKind::TerraformHcl)
        );
        assert_eq!(sniff("hello"), None);
        let err = parse_role_text("hello", "<stdin>").unwrap_err().to_string();
        assert!(err.contains("<stdin>"), "{err}");
    }
}
