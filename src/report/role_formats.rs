//! Rendering a generated role in the forms pipelines deploy: `az role definition create`
//! JSON, an ARM template, a Bicep file and a Terraform `azurerm_role_definition`.

use crate::analyses::generate::{GeneratedRole, is_management_group};
use crate::model::Plane;
use serde::Serialize;
use std::fmt::Write;

/// The output forms of `generate --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleOutput {
    /// JSON for `az role definition create --role-definition` (and `New-AzRoleDefinition`).
    Az,
    /// An ARM deployment template with one `Microsoft.Authorization/roleDefinitions` resource.
    Arm,
    /// A Bicep file with one `Microsoft.Authorization/roleDefinitions` resource.
    Bicep,
    /// A Terraform `azurerm_role_definition` resource.
    Terraform,
}

impl RoleOutput {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleOutput::Az => "az",
            RoleOutput::Arm => "arm",
            RoleOutput::Bicep => "bicep",
            RoleOutput::Terraform => "terraform",
        }
    }
}

/// The API version of `Microsoft.Authorization/roleDefinitions` used in templates.
pub const ROLE_DEFINITIONS_API: &str = "2022-04-01";

pub fn render(role: &GeneratedRole, form: RoleOutput) -> String {
    match form {
        RoleOutput::Az => az(role),
        RoleOutput::Arm => arm(role),
        RoleOutput::Bicep => bicep(role),
        RoleOutput::Terraform => terraform(role),
    }
}

#[derive(Serialize)]
struct AzRole<'a> {
    #[serde(rename = "Name")]
    name: &'a str,
    #[serde(rename = "IsCustom")]
    is_custom: bool,
    #[serde(rename = "Description")]
    description: &'a str,
    #[serde(rename = "Actions")]
    actions: &'a [String],
    #[serde(rename = "NotActions")]
    not_actions: [&'a str; 0],
    #[serde(rename = "DataActions")]
    data_actions: &'a [String],
    #[serde(rename = "NotDataActions")]
    not_data_actions: [&'a str; 0],
    #[serde(rename = "AssignableScopes")]
    assignable_scopes: &'a [String],
}

/// The `az role definition create` input, keys in the documented order.
pub fn az(role: &GeneratedRole) -> String {
    let v = AzRole {
        name: &role.name,
        is_custom: true,
        description: &role.description,
        actions: &role.actions,
        not_actions: [],
        data_actions: &role.data_actions,
        not_data_actions: [],
        assignable_scopes: &role.assignable_scopes,
    };
    pretty(&v)
}

#[derive(Serialize)]
struct ArmTemplate<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "contentVersion")]
    content_version: &'static str,
    resources: [ArmResource<'a>; 1],
}

#[derive(Serialize)]
struct ArmResource<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    name: String,
    properties: ArmProperties<'a>,
}

#[derive(Serialize)]
struct ArmProperties<'a> {
    #[serde(rename = "roleName")]
    role_name: String,
    description: String,
    #[serde(rename = "type")]
    ty: &'static str,
    permissions: [ArmBlock<'a>; 1],
    #[serde(rename = "assignableScopes")]
    assignable_scopes: &'a [String],
}

#[derive(Serialize)]
struct ArmBlock<'a> {
    actions: &'a [String],
    #[serde(rename = "notActions")]
    not_actions: [&'a str; 0],
    #[serde(rename = "dataActions")]
    data_actions: &'a [String],
    #[serde(rename = "notDataActions")]
    not_data_actions: [&'a str; 0],
}

/// Where the template deploys: a management group when the first scope is one, else a
/// subscription. Returns (ARM schema, Bicep target scope).
fn deployment_scope(role: &GeneratedRole) -> (&'static str, &'static str) {
    if role
        .assignable_scopes
        .first()
        .is_some_and(|s| is_management_group(s))
    {
        (
            "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
            "managementGroup",
        )
    } else {
        (
            "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
            "subscription",
        )
    }
}

/// An ARM template (subscription or management-group deployment) holding the role.
pub fn arm(role: &GeneratedRole) -> String {
    let (schema, _) = deployment_scope(role);
    let v = ArmTemplate {
        schema,
        content_version: "1.0.0.0",
        resources: [ArmResource {
            ty: "Microsoft.Authorization/roleDefinitions",
            api_version: ROLE_DEFINITIONS_API,
            name: role.guid.clone(),
            properties: ArmProperties {
                role_name: arm_literal(&role.name),
                description: arm_literal(&role.description),
                ty: "CustomRole",
                permissions: [ArmBlock {
                    actions: role.list(Plane::Control),
                    not_actions: [],
                    data_actions: role.list(Plane::Data),
                    not_data_actions: [],
                }],
                assignable_scopes: &role.assignable_scopes,
            },
        }],
    };
    pretty(&v)
}

/// A string ARM must not read as an expression: one that starts with `[` and ends with `]`
/// gets its leading `[` doubled (ARM's escape).
fn arm_literal(s: &str) -> String {
    if s.starts_with('[') && s.ends_with(']') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

/// A Bicep file holding the role.
pub fn bicep(role: &GeneratedRole) -> String {
    let (_, target) = deployment_scope(role);
    let mut s = String::new();
    for n in &role.notes {
        let _ = writeln!(s, "// {}", one_line(n));
    }
    let _ = writeln!(s, "targetScope = '{target}'\n");
    let _ = writeln!(
        s,
        "resource roleDefinition 'Microsoft.Authorization/roleDefinitions@{ROLE_DEFINITIONS_API}' = {{"
    );
    let _ = writeln!(s, "  name: '{}'", role.guid);
    s.push_str("  properties: {\n");
    let _ = writeln!(s, "    roleName: {}", bicep_str(&role.name));
    let _ = writeln!(s, "    description: {}", bicep_str(&role.description));
    s.push_str("    type: 'CustomRole'\n    permissions: [\n      {\n");
    bicep_list(&mut s, "        ", "actions", role.list(Plane::Control));
    bicep_list(&mut s, "        ", "notActions", &[]);
    bicep_list(&mut s, "        ", "dataActions", role.list(Plane::Data));
    bicep_list(&mut s, "        ", "notDataActions", &[]);
    s.push_str("      }\n    ]\n");
    bicep_list(&mut s, "    ", "assignableScopes", &role.assignable_scopes);
    s.push_str("  }\n}\n");
    s
}

fn bicep_list(s: &mut String, indent: &str, key: &str, items: &[String]) {
    if items.is_empty() {
        let _ = writeln!(s, "{indent}{key}: []");
        return;
    }
    let _ = writeln!(s, "{indent}{key}: [");
    for i in items {
        let _ = writeln!(s, "{indent}  {}", bicep_str(i));
    }
    let _ = writeln!(s, "{indent}]");
}

/// A note as one comment line (control characters become spaces).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A Bicep single-quoted string literal.
pub fn bicep_str(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('\'');
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A Terraform `azurerm_role_definition` resource, laid out as `terraform fmt` does.
pub fn terraform(role: &GeneratedRole) -> String {
    let mut lines: Vec<Line> = Vec::new();
    for n in &role.notes {
        lines.push(Line::Raw(format!("# {}", one_line(n))));
    }
    lines.push(Line::Raw(format!(
        "resource \"azurerm_role_definition\" \"{}\" {{",
        tf_label(&role.name)
    )));
    lines.push(Line::attr(2, "name", hcl_str(&role.name)));
    let scope = role
        .assignable_scopes
        .first()
        .map(String::as_str)
        .unwrap_or("");
    lines.push(Line::attr(2, "scope", hcl_str(scope)));
    lines.push(Line::attr(2, "description", hcl_str(&role.description)));
    lines.push(Line::Raw(String::new()));
    lines.push(Line::Raw("  permissions {".into()));
    hcl_list(&mut lines, 4, "actions", role.list(Plane::Control));
    hcl_list(&mut lines, 4, "not_actions", &[]);
    hcl_list(&mut lines, 4, "data_actions", role.list(Plane::Data));
    hcl_list(&mut lines, 4, "not_data_actions", &[]);
    lines.push(Line::Raw("  }".into()));
    lines.push(Line::Raw(String::new()));
    hcl_list(&mut lines, 2, "assignable_scopes", &role.assignable_scopes);
    lines.push(Line::Raw("}".into()));
    layout(&lines)
}

enum Line {
    Attr {
        indent: usize,
        key: String,
        value: String,
    },
    Raw(String),
}

impl Line {
    fn attr(indent: usize, key: &str, value: String) -> Line {
        Line::Attr {
            indent,
            key: key.to_string(),
            value,
        }
    }
}

fn hcl_list(lines: &mut Vec<Line>, indent: usize, key: &str, items: &[String]) {
    if items.is_empty() {
        lines.push(Line::attr(indent, key, "[]".into()));
        return;
    }
    lines.push(Line::attr(indent, key, "[".into()));
    for i in items {
        lines.push(Line::Raw(format!(
            "{}{},",
            " ".repeat(indent + 2),
            hcl_str(i)
        )));
    }
    lines.push(Line::Raw(format!("{}]", " ".repeat(indent))));
}

/// Aligns the `=` of consecutive attribute lines, as `terraform fmt` does.
fn layout(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        match &lines[i] {
            Line::Raw(t) => {
                out.push_str(t);
                out.push('\n');
                i += 1;
            }
            Line::Attr { .. } => {
                let mut j = i;
                while j < lines.len() && matches!(lines[j], Line::Attr { .. }) {
                    j += 1;
                }
                let width = lines[i..j]
                    .iter()
                    .map(|l| {
                        if let Line::Attr { key, .. } = l {
                            key.len()
                        } else {
                            0
                        }
                    })
                    .max()
                    .unwrap_or(0);
                for l in &lines[i..j] {
                    if let Line::Attr { indent, key, value } = l {
                        let _ = writeln!(out, "{}{key:<width$} = {value}", " ".repeat(*indent));
                    }
                }
                i = j;
            }
        }
    }
    out
}

/// A Terraform resource label from a role name: lower case, `_` for anything else.
pub fn tf_label(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let t = out.trim_matches('_');
    if t.is_empty() {
        "role".to_string()
    } else if t.starts_with(|c: char| c.is_ascii_digit()) {
        format!("role_{t}")
    } else {
        t.to_string()
    }
}

/// An HCL double-quoted string literal (template sequences escaped).
pub fn hcl_str(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("$$"),
            '%' if chars.peek() == Some(&'{') => out.push_str("%%"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn pretty<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn role() -> GeneratedRole {
        GeneratedRole {
            name: "Team's \"ML\" role".into(),
            guid: "3f2504e0-4f89-81d3-9a0c-0305e82c3301".into(),
            description: "Reads ${things}".into(),
            assignable_scopes: vec!["/subscriptions/00000000-0000-0000-0000-000000000000".into()],
            actions: vec!["Microsoft.A/x/read".into(), "Microsoft.A/y/*".into()],
            data_actions: vec![],
            wildcards: vec![],
            unknown: vec![],
            compact: false,
            notes: vec![],
        }
    }

    #[test]
    fn az_keys_in_documented_order() {
        let s = az(&role());
        let keys: Vec<usize> = [
            "\"Name\"",
            "\"IsCustom\"",
            "\"Description\"",
            "\"Actions\"",
            "\"NotActions\"",
            "\"DataActions\"",
            "\"NotDataActions\"",
            "\"AssignableScopes\"",
        ]
        .iter()
        .map(|k| s.find(k).unwrap())
        .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{s}");
    }

    #[test]
    fn templates_name_the_role_by_its_guid() {
        let s = arm(&role());
        assert!(
            s.contains(r#""name": "3f2504e0-4f89-81d3-9a0c-0305e82c3301""#),
            "{s}"
        );
        assert!(s.contains("subscriptionDeploymentTemplate"));
        assert!(bicep(&role()).contains("  name: '3f2504e0-4f89-81d3-9a0c-0305e82c3301'\n"));
        let mut mg = role();
        mg.assignable_scopes = vec!["/providers/Microsoft.Management/managementGroups/mg".into()];
        assert!(arm(&mg).contains("managementGroupDeploymentTemplate"));
        assert!(bicep(&mg).starts_with("targetScope = 'managementGroup'"));
        assert_eq!(arm_literal("[x] y"), "[x] y");
        assert_eq!(arm_literal("[x]"), "[[x]");
    }

    #[test]
    fn literals_escape() {
        assert_eq!(bicep_str("it's ${x} \\"), r"'it\'s \${x} \\'");
        assert_eq!(hcl_str("say \"${x}\" %{y}"), r#""say \"$${x}\" %%{y}""#);
        assert_eq!(
            tf_label("Azure ML: Online Endpoint Monitor"),
            "azure_ml_online_endpoint_monitor"
        );
        assert_eq!(tf_label("1 role"), "role_1_role");
        assert_eq!(tf_label("!!"), "role");
    }

    #[test]
    fn terraform_aligns_like_fmt() {
        let s = terraform(&role());
        assert!(
            s.contains(
                "  name        = \"Team's \\\"ML\\\" role\"\n  scope       = \"/subscriptions/"
            ),
            "{s}"
        );
        assert!(
            s.contains("    actions = [\n      \"Microsoft.A/x/read\",\n"),
            "{s}"
        );
        assert!(
            s.contains(
                "    not_actions      = []\n    data_actions     = []\n    not_data_actions = []\n"
            ),
            "{s}"
        );
    }
}
