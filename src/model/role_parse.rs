//! Reading role definitions from every JSON shape users hold: `az role definition create`
//! input, `az role definition list/show` output, REST/ARM GET objects, Resource Graph rows,
//! REST list responses (`value`) and ARM templates (nested deployments included).

use super::iac::arm::{Params, read_template};
use super::json::{Obj, kind};
use super::pattern::Pattern;
use super::role::{Entry, Field, PermissionBlock, RoleDefinition, RoleFormat, guid_of, is_guid};
use crate::error::{Error, Result};
use serde_json::Value;

/// Keys of a flat role object (CLI input, PowerShell, CLI output).
const FLAT_KEYS: &[&str] = &[
    "Name",
    "Id",
    "IsCustom",
    "Description",
    "Actions",
    "NotActions",
    "DataActions",
    "NotDataActions",
    "AssignableScopes",
    "Condition",
    "ConditionVersion",
    "roleName",
    "roleType",
    "type",
    "permissions",
    "createdOn",
    "updatedOn",
    "createdBy",
    "updatedBy",
    "systemData",
];
/// Keys of the REST wrapper (GET output, Resource Graph row, ARM template resource).
pub(super) const WRAPPER_KEYS: &[&str] = &[
    "id",
    "name",
    "type",
    "properties",
    "apiVersion",
    "dependsOn",
    "scope",
    "condition",
    "comments",
    "metadata",
    "copy",
    "tenantId",
    "subscriptionId",
    "resourceGroup",
    "location",
    "kind",
    "managedBy",
    "sku",
    "plan",
    "tags",
    "identity",
    "zones",
    "extendedLocation",
    "systemData",
    "existing",
];
/// Keys inside `properties`.
pub(super) const PROPERTY_KEYS: &[&str] = &[
    "roleName",
    "description",
    "type",
    "roleType",
    "assignableScopes",
    "permissions",
    "createdOn",
    "updatedOn",
    "createdBy",
    "updatedBy",
    "condition",
    "conditionVersion",
];
pub(super) const BLOCK_KEYS: &[&str] = &[
    "actions",
    "notActions",
    "dataActions",
    "notDataActions",
    "condition",
    "conditionVersion",
];

/// Parses every role definition in a JSON document.
pub fn parse_roles_json(value: &Value, origin: &str) -> Result<Vec<RoleDefinition>> {
    parse_roles_json_with(value, origin, &Params::new())
}

/// Parses every role definition in a JSON document, with parameter values for templates.
pub fn parse_roles_json_with(
    value: &Value,
    origin: &str,
    params: &Params,
) -> Result<Vec<RoleDefinition>> {
    let mut out = Vec::new();
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                parse_any(item, origin, &format!("/{i}"), params, &mut out)?;
            }
        }
        Value::Object(_) => parse_any(value, origin, "", params, &mut out)?,
        other => {
            return Err(Error::shape(
                origin,
                "",
                format!(
                    "expected a role definition object or an array of them, found {}",
                    kind(other)
                ),
            ));
        }
    }
    Ok(out)
}

fn parse_any(
    value: &Value,
    origin: &str,
    pointer: &str,
    params: &Params,
    out: &mut Vec<RoleDefinition>,
) -> Result<()> {
    let obj = Obj::new(value, origin, pointer, "role definition")?;
    if obj.has("resources") || obj.has("$schema") {
        return read_template(value, origin, pointer, params, out);
    }
    if let Some((k, Value::Array(items))) = obj.get("value")
        && !obj.has("properties")
        && !obj.has("permissions")
    {
        for (i, item) in items.iter().enumerate() {
            parse_any(
                item,
                origin,
                &format!("{pointer}/{}/{i}", super::json::escape(k)),
                params,
                out,
            )?;
        }
        return Ok(());
    }
    out.push(parse_role_object(&obj, RoleFormat::CliInput)?);
    Ok(())
}

/// Parses one role object of any shape.
pub fn parse_role_object(obj: &Obj<'_>, hint: RoleFormat) -> Result<RoleDefinition> {
    let origin = obj.origin;
    if obj.is_empty() {
        return Err(Error::shape(
            origin,
            &obj.pointer,
            "an empty object is not a role definition",
        ));
    }
    if let Some((pk, props)) = obj.get("properties") {
        obj.deny_unknown(WRAPPER_KEYS, "role definition")?;
        let format = if hint == RoleFormat::ArmTemplate {
            RoleFormat::ArmTemplate
        } else {
            RoleFormat::Rest
        };
        let mut role = RoleDefinition::empty(format, origin, &obj.pointer);
        role.keys = obj_keys(obj);
        role.id = obj.opt_str("id")?.map(str::to_string);
        let name = obj.opt_str("name")?;
        role.guid = name
            .filter(|n| is_guid(n))
            .map(str::to_ascii_lowercase)
            .or_else(|| role.id.as_deref().and_then(guid_of));
        if role.id.is_none()
            && let Some(n) = name
        {
            role.id = Some(n.to_string());
        }
        let p = Obj::new(
            props,
            origin,
            &obj.child_pointer(pk),
            "role definition properties",
        )?;
        p.deny_unknown(PROPERTY_KEYS, "role definition properties")?;
        role.keys.extend(obj_keys(&p));
        role.name = p.opt_str("roleName")?.map(str::to_string);
        role.description = p.opt_str("description")?.map(str::to_string);
        let ty = match p.opt_str("type")? {
            Some(t) => Some(t),
            None => p.opt_str("roleType")?,
        };
        role.is_custom = ty.and_then(role_type_is_custom);
        role.condition = condition_text(p.opt_str("condition")?);
        role.condition_version = p.opt_str("conditionVersion")?.map(str::to_string);
        role.assignable_scopes = string_list(&p, "assignableScopes", &mut role.unresolved)?;
        role.permissions = permissions_array(&p, &mut role.unresolved)?;
        return Ok(role);
    }

    obj.deny_unknown(FLAT_KEYS, "role definition")?;
    let mut role = RoleDefinition::empty(hint, origin, &obj.pointer);
    role.keys = obj_keys(obj);
    role.key_case = super::key_case::cli_keys(obj);
    if let Some(display) = obj.opt_str("roleName")? {
        // `az role definition list` output: `name` is the GUID.
        role.format = RoleFormat::CliOutput;
        role.name = Some(display.to_string());
        role.id = obj.opt_str("id")?.map(str::to_string);
        let guid = obj.opt_str("name")?;
        role.guid = guid
            .filter(|g| is_guid(g))
            .map(str::to_ascii_lowercase)
            .or_else(|| role.id.as_deref().and_then(guid_of));
    } else {
        role.name = obj.opt_str("Name")?.map(str::to_string);
        role.id = obj.opt_str("Id")?.map(str::to_string);
        role.guid = role.id.as_deref().and_then(guid_of);
    }
    role.description = obj.opt_str("Description")?.map(str::to_string);
    role.is_custom = match obj.opt_bool("IsCustom")? {
        Some(b) => Some(b),
        None => match obj.opt_str("roleType")? {
            Some(t) => role_type_is_custom(t),
            None => obj.opt_str("type")?.and_then(role_type_is_custom),
        },
    };
    role.condition = condition_text(obj.opt_str("Condition")?);
    role.condition_version = obj.opt_str("ConditionVersion")?.map(str::to_string);
    role.assignable_scopes = string_list(obj, "AssignableScopes", &mut role.unresolved)?;
    let flat: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| obj.has(f.name()))
        .collect();
    if let Some((pk, pv)) = obj.get("permissions") {
        if let Some(f) = flat.first()
            && pv.is_null()
        {
            return Err(Error::shape(
                origin,
                &obj.child_pointer(pk),
                format!(
                    "`{pk}` is null next to a top-level `{}`; remove `{pk}`, or move the lists into it",
                    f.name()
                ),
            ));
        }
        if let Some(f) = flat.first() {
            return Err(Error::shape(
                origin,
                &obj.pointer,
                format!(
                    "role has both a `permissions` array and a top-level `{}`; use one form",
                    f.name()
                ),
            ));
        }
        role.permissions = permissions_array(obj, &mut role.unresolved)?;
    } else {
        let mut block = PermissionBlock {
            pointer: obj.pointer.clone(),
            ..PermissionBlock::default()
        };
        for f in Field::ALL {
            *block.list_mut(f) = entries(obj, f.name(), &mut role.unresolved)?;
        }
        role.permissions.push(block);
    }
    Ok(role)
}

fn obj_keys(obj: &Obj<'_>) -> Vec<String> {
    let mut keys = Vec::new();
    for k in FLAT_KEYS.iter().chain(WRAPPER_KEYS).chain(PROPERTY_KEYS) {
        if let Some((actual, _)) = obj.get(k)
            && !keys.iter().any(|x: &String| x == actual)
        {
            keys.push(actual.to_string());
        }
    }
    keys
}

fn role_type_is_custom(t: &str) -> Option<bool> {
    if t.eq_ignore_ascii_case("CustomRole") {
        Some(true)
    } else if t.eq_ignore_ascii_case("BuiltInRole") {
        Some(false)
    } else {
        None
    }
}

pub(crate) fn is_arm_expression(s: &str) -> bool {
    let t = s.trim();
    t.starts_with('[') && t.ends_with(']') && !t.starts_with("[[")
}

/// A list of strings; an ARM expression in place of the list is recorded as unresolved.
fn string_list(
    obj: &Obj<'_>,
    key: &str,
    unresolved: &mut Vec<String>,
) -> Result<Vec<(String, String)>> {
    if let Some((k, Value::String(s))) = obj.get(key)
        && is_arm_expression(s)
    {
        unresolved.push(format!("{} is the expression `{s}`", obj.child_pointer(k)));
        return Ok(Vec::new());
    }
    Ok(obj.opt_str_list(key)?.unwrap_or_default())
}

pub(crate) fn entries(
    obj: &Obj<'_>,
    key: &str,
    unresolved: &mut Vec<String>,
) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for (raw, pointer) in string_list(obj, key, unresolved)? {
        if is_arm_expression(&raw) {
            unresolved.push(format!("{pointer} is the expression `{raw}`"));
            continue;
        }
        let pattern =
            Pattern::parse(&raw).map_err(|e| Error::shape(obj.origin, &pointer, e.to_string()))?;
        out.push(Entry {
            raw,
            pattern,
            pointer,
        });
    }
    Ok(out)
}

pub(crate) fn permissions_array(
    obj: &Obj<'_>,
    unresolved: &mut Vec<String>,
) -> Result<Vec<PermissionBlock>> {
    let origin = obj.origin;
    let Some((k, v)) = obj.get("permissions") else {
        return Ok(Vec::new());
    };
    let base = obj.child_pointer(k);
    let items = match v {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        Value::String(s) if is_arm_expression(s) => {
            unresolved.push(format!("{base} is the expression `{s}`"));
            return Ok(Vec::new());
        }
        other => {
            return Err(Error::shape(
                origin,
                &base,
                format!(
                    "`{k}` must be an array of permission blocks, found {}",
                    kind(other)
                ),
            ));
        }
    };
    let mut blocks = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("{base}/{i}");
        let b = Obj::new(item, origin, &pointer, "permission block")?;
        b.deny_unknown(BLOCK_KEYS, "permission block")?;
        let mut block = PermissionBlock {
            pointer: pointer.clone(),
            condition: condition_text(b.opt_str("condition")?),
            condition_version: b.opt_str("conditionVersion")?.map(str::to_string),
            ..PermissionBlock::default()
        };
        for f in Field::ALL {
            *block.list_mut(f) = entries(&b, f.camel(), unresolved)?;
        }
        blocks.push(block);
    }
    Ok(blocks)
}

/// A condition as written; an empty or blank one is no condition (Azure stores none).
fn condition_text(c: Option<&str>) -> Option<String> {
    c.filter(|c| !c.trim().is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Result<Vec<RoleDefinition>> {
        let v: Value = serde_json::from_str(text).unwrap();
        parse_roles_json(&v, "t.json")
    }

    #[test]
    fn cli_input_shape() {
        let r = roles(r#"{"Name":"X","IsCustom":true,"Actions":["a/b"," c/* "],"NotActions":["c/d"],"AssignableScopes":["/subscriptions/1"]}"#).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].name.as_deref(), Some("X"));
        assert_eq!(r[0].format, RoleFormat::CliInput);
        assert_eq!(r[0].permissions[0].actions[1].pattern.as_str(), "c/*");
        assert_eq!(r[0].permissions[0].actions[1].raw, " c/* ");
        assert_eq!(r[0].permissions[0].not_actions[0].pointer, "/NotActions/0");
        assert_eq!(r[0].is_custom, Some(true));
    }

    #[test]
    fn cli_output_shape_uses_role_name() {
        let r = roles(r#"[{"roleName":"Reader","name":"ACDD72A7-3385-48EF-BD42-F606FBA81AE7","id":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7","roleType":"BuiltInRole","permissions":[{"actions":["*/read"],"notActions":[],"dataActions":[],"notDataActions":[],"condition":null,"conditionVersion":null}],"assignableScopes":["/"]}]"#).unwrap();
        assert_eq!(r[0].name.as_deref(), Some("Reader"));
        assert_eq!(
            r[0].guid.as_deref(),
            Some("acdd72a7-3385-48ef-bd42-f606fba81ae7")
        );
        assert_eq!(r[0].is_custom, Some(false));
        assert_eq!(
            r[0].permissions[0].actions[0].pointer,
            "/0/permissions/0/actions/0"
        );
    }

    #[test]
    fn rest_shape_and_list_response() {
        let one = r#"{"id":"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7","name":"acdd72a7-3385-48ef-bd42-f606fba81ae7","type":"Microsoft.Authorization/roleDefinitions","properties":{"roleName":"R","type":"CustomRole","assignableScopes":["/subscriptions/1"],"permissions":[{"actions":["a/*"],"notActions":["a/b"]},{"dataActions":["d/*"]}]}}"#;
        let r = roles(one).unwrap();
        assert_eq!(r[0].format, RoleFormat::Rest);
        assert_eq!(r[0].permissions.len(), 2);
        let list = roles(&format!(r#"{{"value":[{one},{one}]}}"#)).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].pointer, "/value/1");
    }

    #[test]
    fn arm_template_with_nested_deployment() {
        let t = r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[
          {"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"[guid(subscription().id)]",
           "properties":{"roleName":"A","permissions":[{"actions":["x/read"]}],"assignableScopes":["[subscription().id]"]}},
          {"type":"Microsoft.Resources/deployments","name":"nested","properties":{"template":{"resources":[
            {"type":"Microsoft.Authorization/roleDefinitions","name":"n","properties":{"roleName":"B","permissions":[{"actions":"[parameters('a')]"}]}}]}}}]}"#;
        let r = roles(t).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].assignable_scopes[0].0, "[subscription().id]");
        assert_eq!(r[0].format, RoleFormat::ArmTemplate);
        assert_eq!(r[1].name.as_deref(), Some("B"));
        assert_eq!(r[1].unresolved.len(), 1);
        assert_eq!(r[1].pointer, "/resources/1/properties/template/resources/0");
    }

    #[test]
    fn errors_name_the_place() {
        let e = roles(r#"{"Name":"X","Actions":["a", 3]}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "t.json: /Actions/1: entries of `Actions` must be strings, found a number"
        );
        let e = roles(r#"{"Name":"X","NotAction":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `NotActions`"), "{e}");
        let e = roles(r#"{"Name":"X","Actions":["a"],"permissions":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("both"), "{e}");
        let e = roles(r#"{"Name":"X","Actions":["  "]}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.json: /Actions/0: empty entry");
        assert!(roles("3").is_err());
        let e = roles(r#"{"properties":{"roleName":"x","permissions":[{"actions":[],"notactions":[],"bogus":1}]}}"#).unwrap_err().to_string();
        assert!(e.contains("unknown field `bogus`"), "{e}");
    }

    #[test]
    fn keys_ignore_case() {
        let r = roles(r#"{"name":"X","ACTIONS":["a/b"],"assignablescopes":["/"]}"#).unwrap();
        assert_eq!(r[0].name.as_deref(), Some("X"));
        assert_eq!(r[0].permissions[0].actions.len(), 1);
        assert_eq!(r[0].assignable_scopes.len(), 1);
    }

    /// A blank condition is no condition: the block is not conditional (found by an audit).
    #[test]
    fn blank_conditions_are_no_condition() {
        let r = roles(r#"[{"roleName":"R","permissions":[{"actions":["*/read"],"condition":"  "}],"condition":"","assignableScopes":["/"]}]"#).unwrap();
        assert_eq!(r[0].condition, None);
        assert_eq!(r[0].permissions[0].condition, None);
        assert!(!r[0].block_conditional(&r[0].permissions[0]));
        let r =
            roles(r#"{"Name":"R","Actions":["*/read"],"Condition":" ","AssignableScopes":["/"]}"#)
                .unwrap();
        assert_eq!(r[0].condition, None);
    }

    /// In an ARM template, `[[` escapes a literal `[` (found by an audit: generate writes
    /// `[[Team Reader]` and azrbac read it back with both brackets).
    #[test]
    fn arm_template_double_bracket_is_a_literal() {
        let r = roles(r#"{"resources":[{"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"11111111-2222-3333-4444-555555555555","properties":{"roleName":"[[Team Reader]","description":"[[x] y","permissions":[{"actions":["*/read"]}],"assignableScopes":["/subscriptions/s"]}}]}"#).unwrap();
        assert_eq!(r[0].name.as_deref(), Some("[Team Reader]"));
        assert_eq!(r[0].description.as_deref(), Some("[x] y"));
        // Outside templates the text is read as written.
        let r = roles(r#"{"Name":"[[Team Reader]","Actions":["*/read"],"AssignableScopes":["/subscriptions/s"]}"#).unwrap();
        assert_eq!(r[0].name.as_deref(), Some("[[Team Reader]"));
    }

    /// `{}` is not a role (found by an audit: it expanded as an unnamed role granting nothing).
    #[test]
    fn an_empty_object_is_not_a_role() {
        let e = roles("{}").unwrap_err().to_string();
        assert!(
            e.contains("an empty object is not a role definition"),
            "{e}"
        );
        let e = roles(r#"[{"Name":"a","Actions":["*/read"]},{}]"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("/1: an empty object"), "{e}");
    }
}
