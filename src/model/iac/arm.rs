//! ARM templates: `Microsoft.Authorization/roleDefinitions` resources of a deployment
//! template (array and symbolic-name `resources`, child resources, nested deployments'
//! inline templates), read through the partial evaluator of [`super::arm_eval`].

use crate::error::{Error, Result};
use crate::model::json::{Obj, escape, kind};
use crate::model::role::{RoleDefinition, RoleFormat};
use crate::model::role_parse::parse_role_object;
use serde_json::Value;

pub(crate) const ROLE_DEF_TYPE: &str = "Microsoft.Authorization/roleDefinitions";

/// Walks an ARM template's `resources` (array or symbolic-name object), child resources and
/// nested deployments' inline templates.
pub(crate) fn walk_template(
    template: &Obj<'_>,
    origin: &str,
    out: &mut Vec<RoleDefinition>,
) -> Result<()> {
    let Some((key, resources)) = template.get("resources") else {
        return Ok(());
    };
    let base = template.child_pointer(key);
    let items: Vec<(String, &Value)> = match resources {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{base}/{i}"), v))
            .collect(),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| (format!("{base}/{}", escape(k)), v))
            .collect(),
        other => {
            return Err(Error::shape(
                origin,
                &base,
                format!(
                    "`resources` must be an array or an object, found {}",
                    kind(other)
                ),
            ));
        }
    };
    for (pointer, res) in items {
        let r = Obj::new(res, origin, &pointer, "template resource")?;
        let ty = r.opt_str("type")?.unwrap_or("");
        let ty_base = ty.split('@').next().unwrap_or("");
        if ty_base.eq_ignore_ascii_case(ROLE_DEF_TYPE) {
            out.push(parse_role_object(&r, RoleFormat::ArmTemplate)?);
        } else if ty_base.eq_ignore_ascii_case("Microsoft.Resources/deployments")
            && let Some((pk, props)) = r.get("properties")
            && let Value::Object(_) = props
        {
            let p = Obj::new(props, origin, &r.child_pointer(pk), "deployment properties")?;
            if let Some((tk, t)) = p.get("template") {
                let inner = Obj::new(t, origin, &p.child_pointer(tk), "nested template")?;
                walk_template(&inner, origin, out)?;
            }
        }
        if r.has("resources") {
            walk_template(&r, origin, out)?;
        }
    }
    Ok(())
}

/// What makes a template resource stand for something other than one definition: a `name`
/// computed by an expression, a `copy` loop (several definitions), a `condition` that is not
/// literally `true` (perhaps none), recorded as unresolved like Bicep's `for` and `if`.
pub(crate) fn template_resource_notes(
    obj: &Obj<'_>,
    name_expression: Option<&str>,
    unresolved: &mut Vec<String>,
) {
    if let Some(n) = name_expression {
        let k = obj.get("name").map_or("name", |(k, _)| k);
        unresolved.push(format!("{} is the expression `{n}`", obj.child_pointer(k)));
    }
    if let Some((k, v)) = obj.get("copy")
        && !v.is_null()
    {
        unresolved.push(format!(
            "{}: the resource is repeated by a `copy` loop; each instance is read as this one definition",
            obj.child_pointer(k)
        ));
    }
    match obj.get("condition") {
        None | Some((_, Value::Bool(true))) => {}
        Some((_, Value::String(s))) if s.trim().eq_ignore_ascii_case("true") => {}
        Some((k, v)) => {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            unresolved.push(format!(
                "{}: the resource is deployed only if `{shown}`",
                obj.child_pointer(k)
            ));
        }
    }
}
