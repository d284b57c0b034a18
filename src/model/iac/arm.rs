//! ARM templates: `Microsoft.Authorization/roleDefinitions` resources of a deployment
//! template (array and symbolic-name `resources`, child resources, nested deployments'
//! inline templates), evaluated with [`super::arm_eval`]: parameters, variables, `copy`
//! loops (one role per iteration) and `condition` (a role whose condition is false is not
//! deployed). Entries that came through a variable or parameter point at the line where
//! they are written.

use super::arm_eval::Env;
use super::value::{At, Budget, Kind, Val};
use crate::error::{Error, Result};
use crate::model::json::{Obj, escape, kind};
use crate::model::role::{RoleDefinition, RoleFormat};
use crate::model::role_parse::parse_role_object;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

pub(crate) const ROLE_DEF_TYPE: &str = "Microsoft.Authorization/roleDefinitions";

/// Parameter values supplied to a template (lower-cased name → value).
pub type Params = BTreeMap<String, Val>;

/// Whether a JSON document is a deployment parameter file (`parameters` of `{value}` or
/// `{reference}` objects, and no resources).
pub fn is_parameter_file(v: &Value) -> bool {
    let Value::Object(m) = v else { return false };
    if m.keys().any(|k| k.eq_ignore_ascii_case("resources")) {
        return false;
    }
    let schema = m
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("$schema"))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or("");
    if schema.to_ascii_lowercase().contains("deploymentparameters") {
        return true;
    }
    matches!(
        m.iter().find(|(k, _)| k.eq_ignore_ascii_case("parameters")).map(|(_, v)| v),
        Some(Value::Object(p)) if !p.is_empty() && p.values().all(|x| {
            matches!(x, Value::Object(o) if o.keys().any(|k| k == "value" || k == "reference"))
        })
    )
}

/// The values of a deployment parameter file. A Key Vault `reference` stays symbolic.
pub fn parameter_file(v: &Value, origin: &str) -> Result<Params> {
    let top = Obj::new(v, origin, "", "parameter file")?;
    let mut out = Params::new();
    let Some((pk, p)) = top.get("parameters") else {
        return Ok(out);
    };
    let params = Obj::new(p, origin, &top.child_pointer(pk), "`parameters`")?;
    for name in params.keys() {
        let Some((_, decl)) = params.get(name) else {
            continue;
        };
        let d = Obj::new(decl, origin, &params.child_pointer(name), "parameter value")?;
        let val = match d.get("value") {
            Some((_, x)) => Val::from_json(x, &format!("/parameters/{}", escape(name)), None),
            None => Val::sym(format!("reference to a secret for parameter `{name}`")),
        };
        out.insert(name.to_ascii_lowercase(), val);
    }
    Ok(out)
}

/// Reads every role of the template at `base` in `doc`, with supplied parameter values.
pub(crate) fn read_template(
    doc: &Value,
    origin: &str,
    base: &str,
    supplied: &Params,
    out: &mut Vec<RoleDefinition>,
) -> Result<()> {
    let mut budget = Budget::new(origin);
    let mut env = Env::new(doc, origin, base, supplied.clone(), &mut budget)?;
    walk(&mut env, doc, base, &mut budget, out)
}

/// Walks a template's (or a resource's) `resources`: array or symbolic-name object.
fn walk(
    env: &mut Env<'_>,
    container: &Value,
    base: &str,
    budget: &mut Budget,
    out: &mut Vec<RoleDefinition>,
) -> Result<()> {
    let origin = env.origin;
    let template = Obj::new(container, origin, base, "template")?;
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
        budget.enter("a template resource")?;
        let r = resource(env, res, &pointer, budget, out);
        budget.leave();
        r?;
    }
    Ok(())
}

fn resource(
    env: &mut Env<'_>,
    res: &Value,
    pointer: &str,
    budget: &mut Budget,
    out: &mut Vec<RoleDefinition>,
) -> Result<()> {
    let origin = env.origin;
    let r = Obj::new(res, origin, pointer, "template resource")?;
    let ty = match r.get("type") {
        Some((k, v)) => env.eval_json(v, &r.child_pointer(k), budget)?,
        None => Val::str("", None),
    };
    let ty = match &ty.kind {
        Kind::Str(s) => s.clone(),
        _ => String::new(),
    };
    let ty_base = ty.split('@').next().unwrap_or("");
    // Copy loop instances: (loop name, count) when the count is known.
    let copy = match r.get("copy") {
        Some((ck, c @ Value::Object(_))) => {
            let cp = r.child_pointer(ck);
            let co = Obj::new(c, origin, &cp, "`copy`")?;
            let name = co.opt_str("name")?.unwrap_or("").to_ascii_lowercase();
            let count = match co.get("count") {
                Some((k, v)) => env.eval_json(v, &co.child_pointer(k), budget)?,
                None => return Err(Error::shape(origin, &cp, "`copy` needs a `count`")),
            };
            match count.kind {
                Kind::Num(n) if n >= 0.0 && n.fract() == 0.0 && n <= 800.0 => {
                    Some((name, Some(n as i64)))
                }
                Kind::Sym(_) => Some((name, None)),
                _ => {
                    return Err(Error::shape(
                        origin,
                        &cp,
                        format!(
                            "`copy` count is {}, not a whole number from 0 to 800",
                            count.kind_name()
                        ),
                    ));
                }
            }
        }
        _ => None,
    };
    let instances: Vec<Option<i64>> = match &copy {
        Some((_, Some(n))) => (0..*n).map(Some).collect(),
        _ => vec![None],
    };
    for i in instances {
        if let (Some((name, _)), Some(i)) = (&copy, i) {
            env.copies.push((name.clone(), i));
        }
        let copy_unknown = matches!(copy, Some((_, None)));
        let r = instance(env, &r, res, ty_base, pointer, copy_unknown, budget, out);
        if copy.is_some() && i.is_some() {
            env.copies.pop();
        }
        r?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn instance(
    env: &mut Env<'_>,
    r: &Obj<'_>,
    res: &Value,
    ty_base: &str,
    pointer: &str,
    copy_unknown: bool,
    budget: &mut Budget,
    out: &mut Vec<RoleDefinition>,
) -> Result<()> {
    let origin = env.origin;
    let mut notes = Vec::new();
    let mut symbolic = Vec::new();
    if let Some((ck, c)) = r.get("condition") {
        let cp = r.child_pointer(ck);
        match env.eval_json(c, &cp, budget)?.kind {
            Kind::Bool(false) => return Ok(()),
            Kind::Bool(true) => {}
            Kind::Sym(s) => symbolic.push(format!(
                "{cp}: the resource is deployed only if `{s}`, known at deployment; read as deployed"
            )),
            other => {
                return Err(Error::shape(
                    origin,
                    &cp,
                    format!(
                        "`condition` is {}, not a boolean",
                        Val::new(other, None).kind_name()
                    ),
                ));
            }
        }
    }
    if ty_base.eq_ignore_ascii_case(ROLE_DEF_TYPE) {
        let mut v = env.eval_json(res, pointer, budget)?;
        if let Kind::Map(m) = &mut v.kind {
            m.retain(|(k, _)| {
                !k.eq_ignore_ascii_case("copy") && !k.eq_ignore_ascii_case("condition")
            });
        }
        if copy_unknown {
            let ck = r.get("copy").map_or("copy", |(k, _)| k);
            notes.push(format!(
                "{}: the resource is repeated by a `copy` loop of a count known at deployment; each instance is read as this one definition",
                r.child_pointer(ck)
            ));
        }
        let json = v.to_json();
        let obj = Obj::new(&json, origin, pointer, "template resource")?;
        let mut role = parse_role_object(&obj, RoleFormat::ArmTemplate)?;
        if let Some(n) = v.get("name", true)
            && let Some(s) = n.first_sym()
        {
            let k = r.get("name").map_or("name", |(k, _)| k);
            symbolic.push(format!(
                "{} is `{s}`, known at deployment",
                r.child_pointer(k)
            ));
        }
        remap(&mut role, &v, pointer);
        role.unresolved.extend(notes);
        role.symbolic.extend(symbolic);
        out.push(role);
    } else if ty_base.eq_ignore_ascii_case("Microsoft.Resources/deployments")
        && let Some((pk, props)) = r.get("properties")
        && let Value::Object(_) = props
    {
        let pp = r.child_pointer(pk);
        let p = Obj::new(props, origin, &pp, "deployment properties")?;
        if let Some((tk, t)) = p.get("template") {
            let tp = p.child_pointer(tk);
            let inner_scope = p
                .get("expressionEvaluationOptions")
                .and_then(|(_, o)| o.get("scope"))
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
            if inner_scope {
                let mut supplied = Params::new();
                if let Some((ak, Value::Object(args))) = p.get("parameters") {
                    for (name, a) in args {
                        let ap = format!("{}/{}", p.child_pointer(ak), escape(name));
                        let val = match a.get("value") {
                            Some(x) => env.eval_json(x, &format!("{ap}/value"), budget)?,
                            None => Val::sym(format!("reference for parameter `{name}`")),
                        };
                        supplied.insert(name.to_ascii_lowercase(), val);
                    }
                }
                let mut inner = Env::new(t, origin, &tp, supplied, budget)?;
                walk(&mut inner, t, &tp, budget, out)?;
            } else {
                walk(env, t, &tp, budget, out)?;
            }
        }
    }
    if r.has("resources") {
        walk(env, res, pointer, budget, out)?;
    }
    Ok(())
}

/// Points every entry and scope of `role` at where its value is written (a variable, a
/// parameter default) instead of the resource that uses it.
fn remap(role: &mut RoleDefinition, v: &Val, pointer: &str) {
    let mut map: HashMap<String, String> = HashMap::new();
    fn walk(v: &Val, path: String, map: &mut HashMap<String, String>) {
        if let Some(o) = &v.origin
            && o.file.is_none()
            && let At::Pointer(p) = &o.at
            && *p != path
        {
            map.insert(path.clone(), p.clone());
        }
        match &v.kind {
            Kind::List(items) => {
                for (i, x) in items.iter().enumerate() {
                    walk(x, format!("{path}/{i}"), map);
                }
            }
            Kind::Map(m) => {
                for (k, x) in m {
                    walk(x, format!("{path}/{}", escape(k)), map);
                }
            }
            _ => {}
        }
    }
    walk(v, pointer.to_string(), &mut map);
    if map.is_empty() {
        return;
    }
    for b in &mut role.permissions {
        for f in crate::model::role::Field::ALL {
            for e in b.list_mut(f) {
                if let Some(p) = map.get(&e.pointer) {
                    e.pointer = p.clone();
                }
            }
        }
    }
    for (_, p) in &mut role.assignable_scopes {
        if let Some(to) = map.get(p.as_str()) {
            *p = to.clone();
        }
    }
}

#[cfg(test)]
#[path = "arm_tests.rs"]
mod tests;
