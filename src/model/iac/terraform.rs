//! Terraform: `azurerm_role_definition` resources in `.tf` files (HCL, parsed with hcl-edit)
//! and in plan JSON (`terraform show -json`), whose resource changes give each role before
//! and after the plan.
//!
//! Values that are not literals (variables, references, function calls, interpolation,
//! `dynamic` blocks, values known only after apply) are never guessed: each is recorded in
//! [`RoleDefinition::unresolved`]. Entries of `.tf` files carry `ADDRESS.field[i]@LINE:COLUMN`
//! locators (see [`crate::model::role_text::locate`]); plan entries carry JSON pointers.

use crate::error::{Error, Result, did_you_mean};
use crate::model::json::{self, Obj};
use crate::model::line_index::LineIndex;
use crate::model::pattern::Pattern;
use crate::model::role::{
    Entry, Field, PermissionBlock, RoleDefinition, RoleFormat, guid_of, is_guid,
};
use crate::model::shown;
use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, BlockLabel, Body};
use hcl_edit::template::{Element, Template};
use serde_json::Value;

/// The Terraform resource type of a role definition.
pub const RESOURCE_TYPE: &str = "azurerm_role_definition";

/// The arguments of `azurerm_role_definition`, and the meta-arguments every resource has.
const RESOURCE_ARGS: &[&str] = &[
    "name",
    "scope",
    "role_definition_id",
    "description",
    "assignable_scopes",
    "count",
    "for_each",
    "depends_on",
    "provider",
];

/// The nested blocks a role definition resource may have besides `permissions` (and
/// `dynamic`): Terraform's meta-argument blocks and `timeouts`.
const RESOURCE_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection", "timeouts"];

/// Every nested block name of the resource, for "did you mean".
const ALL_BLOCKS: [&str; 6] = [
    "permissions",
    "dynamic",
    "lifecycle",
    "provisioner",
    "connection",
    "timeouts",
];

/// The arguments of a `permissions` block.
const PERMISSION_ARGS: [&str; 4] = ["actions", "not_actions", "data_actions", "not_data_actions"];

/// The Terraform attribute of each permission list.
fn tf_key(field: Field) -> &'static str {
    match field {
        Field::Actions => "actions",
        Field::NotActions => "not_actions",
        Field::DataActions => "data_actions",
        Field::NotDataActions => "not_data_actions",
    }
}

struct Ctx<'a> {
    text: &'a str,
    origin: &'a str,
    lines: LineIndex<'a>,
}

impl Ctx<'_> {
    fn at(&self, path: &str, span: Option<std::ops::Range<usize>>) -> String {
        match span {
            Some(s) => {
                let (l, c) = self.lines.line_col(s.start);
                format!("{path}@{l}:{c}")
            }
            None => path.to_string(),
        }
    }

    /// An argument (`block` false) or block that `azurerm_role_definition` does not have:
    /// an error, as an unknown key of a JSON role is, with the closest name (Terraform names
    /// are case-sensitive: `Actions` is not `actions`).
    fn unknown(
        &self,
        key: &str,
        block: bool,
        span: Option<std::ops::Range<usize>>,
        allowed: &[&str],
        where_: &str,
    ) -> Error {
        let (line, column) = span.map_or((1, 1), |s| self.lines.line_col(s.start));
        let is_block = key == "permissions" || RESOURCE_BLOCKS.contains(&key);
        let is_arg = RESOURCE_ARGS.contains(&key) || PERMISSION_ARGS.contains(&key);
        let hint = if !block && is_block {
            format!(" (`{key}` is a block: `{key} {{ ... }}`)")
        } else if block && is_arg {
            format!(" (`{key}` is an argument: `{key} = ...`)")
        } else {
            did_you_mean(key, allowed.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default()
        };
        let kind = if block { "block" } else { "argument" };
        Error::Syntax {
            origin: self.origin.to_string(),
            line,
            column,
            message: format!(
                "unknown {kind} `{}` in {where_}{hint}",
                shown::one_line(key)
            ),
        }
    }

    /// An expression's source text, on one line (a heredoc's lines folded).
    fn source(&self, e: &Expression) -> String {
        e.span()
            .and_then(|s| self.text.get(s))
            .map(|s| shown::one_line(s.trim()))
            .unwrap_or_else(|| "an expression".to_string())
    }

    /// A literal string, or `None` after recording why not. A heredoc or quoted template
    /// without `${...}` or `%{...}` is a literal (hcl-edit has already stripped a `<<-`
    /// heredoc's indentation and unescaped `$${` and `%%{`).
    fn literal(&self, e: &Expression, path: &str, unresolved: &mut Vec<String>) -> Option<String> {
        let template = match e {
            Expression::StringTemplate(t) => Some(&**t),
            Expression::HeredocTemplate(h) => Some(&h.template),
            _ => None,
        };
        if let Some(text) = template.and_then(template_literal) {
            return Some(text);
        }
        match e {
            Expression::String(s) => Some(s.value().to_string()),
            Expression::Null(_) => None,
            other => {
                unresolved.push(format!("{path} is `{}`, not a literal", self.source(other)));
                None
            }
        }
    }

    /// A list of literal strings with their locators; non-literal items (or a non-literal
    /// list) are recorded as unresolved.
    fn list(
        &self,
        e: &Expression,
        path: &str,
        unresolved: &mut Vec<String>,
    ) -> Vec<(String, String)> {
        match e {
            Expression::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    if let Some(s) = self.literal(item, &p, unresolved) {
                        out.push((s, self.at(&p, item.span())));
                    }
                }
                out
            }
            Expression::Null(_) => Vec::new(),
            other => {
                unresolved.push(format!(
                    "{path} is `{}`, not a literal list",
                    self.source(other)
                ));
                Vec::new()
            }
        }
    }
}

/// The text of a template made only of literal pieces (no interpolation, no directive).
fn template_literal(t: &Template) -> Option<String> {
    let mut out = String::new();
    for element in t.iter() {
        match element {
            Element::Literal(piece) => out.push_str(piece.as_str()),
            Element::Interpolation(_) | Element::Directive(_) => return None,
        }
    }
    Some(out)
}

fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Ident(i) => i.value().as_str(),
        BlockLabel::String(s) => s.value().as_str(),
    }
}

/// Every `azurerm_role_definition` resource of a `.tf` file.
pub fn parse_hcl(text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    let body: Body = hcl_edit::parser::parse_body(text).map_err(|e| Error::Syntax {
        origin: origin.to_string(),
        line: e.location().line(),
        column: e.location().column(),
        message: e.message().trim().to_string(),
    })?;
    let ctx = Ctx {
        text,
        origin,
        lines: LineIndex::new(text),
    };
    let mut out = Vec::new();
    for block in body.blocks() {
        if block.ident.value().as_str() != "resource" {
            continue;
        }
        let labels: Vec<&str> = block.labels.iter().map(label).collect();
        if labels.first() != Some(&RESOURCE_TYPE) {
            continue;
        }
        let address = format!("{RESOURCE_TYPE}.{}", labels.get(1).copied().unwrap_or(""));
        out.push(role_from_block(&ctx, block, &address)?);
    }
    Ok(out)
}

fn role_from_block(ctx: &Ctx<'_>, block: &Block, address: &str) -> Result<RoleDefinition> {
    let mut role = RoleDefinition::empty(
        RoleFormat::Terraform,
        ctx.origin,
        &ctx.at(address, block.span()),
    );
    let mut unresolved = Vec::new();
    let mut scope: Option<(String, String)> = None;
    for attr in block.body.attributes() {
        let key = attr.key.value().as_str();
        role.keys.push(key.to_string());
        let path = format!("{address}.{key}");
        let v = &attr.value;
        match key {
            "name" => role.name = ctx.literal(v, &path, &mut unresolved),
            "description" => role.description = ctx.literal(v, &path, &mut unresolved),
            "role_definition_id" => {
                if let Some(id) = ctx.literal(v, &path, &mut unresolved) {
                    role.guid = if is_guid(id.trim()) { Some(id.trim().to_ascii_lowercase()) } else { guid_of(&id) };
                    role.id = Some(id);
                }
            }
            "scope" => {
                if let Some(s) = ctx.literal(v, &path, &mut unresolved) {
                    scope = Some((s, ctx.at(&path, v.span())));
                }
            }
            "assignable_scopes" => role.assignable_scopes = ctx.list(v, &path, &mut unresolved),
            "count" | "for_each" => unresolved.push(format!(
                "{path}: the resource is repeated by `{key}`; each instance is read as this one definition"
            )),
            "depends_on" | "provider" => {}
            _ => return Err(ctx.unknown(key, false, attr.span(), RESOURCE_ARGS, address)),
        }
    }
    // Terraform adds `scope` to the assignable scopes.
    if let Some((s, at)) = scope
        && !role
            .assignable_scopes
            .iter()
            .any(|(x, _)| x.eq_ignore_ascii_case(&s))
    {
        role.assignable_scopes.insert(0, (s, at));
    }
    let mut n = 0;
    for inner in block.body.blocks() {
        let ident = inner.ident.value().as_str();
        if ident == "dynamic" {
            match inner.labels.first().map(label).unwrap_or("") {
                "permissions" => unresolved.push(format!(
                    "{} is a `dynamic \"permissions\"` block, generated at plan time",
                    ctx.at(address, inner.span())
                )),
                l if RESOURCE_BLOCKS.contains(&l) => {}
                l => return Err(ctx.unknown(l, true, inner.span(), &ALL_BLOCKS, address)),
            }
            continue;
        }
        if ident != "permissions" {
            if !RESOURCE_BLOCKS.contains(&ident) {
                return Err(ctx.unknown(ident, true, inner.span(), &ALL_BLOCKS, address));
            }
            continue;
        }
        let path = format!("{address}.permissions[{n}]");
        n += 1;
        let mut pb = PermissionBlock {
            pointer: ctx.at(&path, inner.span()),
            ..PermissionBlock::default()
        };
        let where_ = format!("`permissions` block of {address}");
        if let Some(b) = inner.body.blocks().next() {
            return Err(ctx.unknown(b.ident.value().as_str(), true, b.span(), &[], &where_));
        }
        for attr in inner.body.attributes() {
            let key = attr.key.value().as_str();
            let Some(field) = Field::ALL.into_iter().find(|f| tf_key(*f) == key) else {
                return Err(ctx.unknown(key, false, attr.span(), &PERMISSION_ARGS, &where_));
            };
            let p = format!("{path}.{key}");
            for (raw, pointer) in ctx.list(&attr.value, &p, &mut unresolved) {
                let pattern = Pattern::parse(&raw)
                    .map_err(|e| Error::shape(ctx.origin, &pointer, e.to_string()))?;
                pb.list_mut(field).push(Entry {
                    raw,
                    pattern,
                    pointer,
                });
            }
        }
        role.permissions.push(pb);
    }
    role.unresolved = unresolved;
    Ok(role)
}

/// One `azurerm_role_definition` change of a Terraform plan.
#[derive(Debug, Clone)]
pub struct PlanChange {
    /// The resource address, e.g. `module.ml.azurerm_role_definition.reader`.
    pub address: String,
    /// Terraform's planned actions (`create`, `update`, `delete`, `no-op`, ...).
    pub actions: Vec<String>,
    /// The role before the plan (`None` when created).
    pub before: Option<RoleDefinition>,
    /// The role after the plan (`None` when deleted).
    pub after: Option<RoleDefinition>,
}

/// Every `azurerm_role_definition` change of a plan (parsed `terraform show -json` output),
/// in the plan's order, so `diff` can compare before and after.
pub fn plan_changes(plan: &Value, origin: &str) -> Result<Vec<PlanChange>> {
    let top = Obj::new(plan, origin, "", "Terraform plan")?;
    let Some((rk, Value::Array(changes))) = top.get("resource_changes") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, rc) in changes.iter().enumerate() {
        let pointer = format!("/{}/{i}", json::escape(rk));
        let r = Obj::new(rc, origin, &pointer, "resource change")?;
        if r.opt_str("type")? != Some(RESOURCE_TYPE)
            || r.opt_str("mode")?.is_some_and(|m| m != "managed")
        {
            continue;
        }
        let address = r.opt_str("address")?.unwrap_or(RESOURCE_TYPE).to_string();
        let Some((ck, change)) = r.get("change") else {
            continue;
        };
        let c = Obj::new(change, origin, &r.child_pointer(ck), "change")?;
        let actions = c
            .opt_str_list("actions")?
            .unwrap_or_default()
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        let unknown = c.get("after_unknown").map(|(_, v)| v);
        let before = match c.get("before") {
            Some((k, v @ Value::Object(_))) => {
                Some(plan_role(v, None, origin, &c.child_pointer(k), &address)?)
            }
            _ => None,
        };
        let after = match c.get("after") {
            Some((k, v @ Value::Object(_))) => Some(plan_role(
                v,
                unknown,
                origin,
                &c.child_pointer(k),
                &address,
            )?),
            _ => None,
        };
        out.push(PlanChange {
            address,
            actions,
            before,
            after,
        });
    }
    Ok(out)
}

/// Parses plan text and returns its role changes.
pub fn plan_changes_text(text: &str, origin: &str) -> Result<Vec<PlanChange>> {
    plan_changes(&json::parse(text, origin)?, origin)
}

/// The roles a plan leaves in place (the `after` side of every change that has one).
pub fn plan_roles(plan: &Value, origin: &str) -> Result<Vec<RoleDefinition>> {
    Ok(plan_changes(plan, origin)?
        .into_iter()
        .filter_map(|c| c.after)
        .collect())
}

/// Whether `after_unknown` marks the value at `path` (keys and indices) as known only after apply.
fn is_unknown(unknown: Option<&Value>, path: &[&str]) -> bool {
    let mut v = match unknown {
        Some(v) => v,
        None => return false,
    };
    for seg in path {
        if v == &Value::Bool(true) {
            return true;
        }
        v = match v {
            Value::Object(m) => match m.get(*seg) {
                Some(x) => x,
                None => return false,
            },
            Value::Array(a) => match seg.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(x) => x,
                None => return false,
            },
            _ => return false,
        };
    }
    v == &Value::Bool(true)
}

fn plan_role(
    v: &Value,
    unknown: Option<&Value>,
    origin: &str,
    pointer: &str,
    address: &str,
) -> Result<RoleDefinition> {
    let o = Obj::new(v, origin, pointer, "role definition state")?;
    let mut role = RoleDefinition::empty(RoleFormat::Terraform, origin, pointer);
    role.keys = match v {
        Value::Object(m) => m.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let mut unresolved = Vec::new();
    let note = |path: &[&str], unresolved: &mut Vec<String>| {
        if is_unknown(unknown, path) {
            unresolved.push(format!(
                "{address}.{} is known only after apply",
                path.join(".")
            ));
            true
        } else {
            false
        }
    };
    if !note(&["name"], &mut unresolved) {
        role.name = o.opt_str("name")?.map(str::to_string);
    }
    role.description = o.opt_str("description")?.map(str::to_string);
    let rid = o.opt_str("role_definition_id")?;
    role.guid = rid
        .filter(|g| is_guid(g.trim()))
        .map(|g| g.trim().to_ascii_lowercase());
    role.id = o
        .opt_str("role_definition_resource_id")?
        .or(rid)
        .map(str::to_string);
    if role.guid.is_none() {
        role.guid = role.id.as_deref().and_then(guid_of);
    }
    if !note(&["assignable_scopes"], &mut unresolved) {
        role.assignable_scopes = o.opt_str_list("assignable_scopes")?.unwrap_or_default();
    }
    if let Some(scope) = o.opt_str("scope")?
        && !role
            .assignable_scopes
            .iter()
            .any(|(x, _)| x.eq_ignore_ascii_case(scope))
    {
        role.assignable_scopes
            .insert(0, (scope.to_string(), o.child_pointer("scope")));
    }
    if note(&["permissions"], &mut unresolved) {
        role.unresolved = unresolved;
        return Ok(role);
    }
    if let Some((pk, perms)) = o.get("permissions") {
        let base = o.child_pointer(pk);
        let items = match perms {
            Value::Array(a) => a.as_slice(),
            Value::Null => &[],
            other => {
                return Err(Error::shape(
                    origin,
                    &base,
                    format!(
                        "`permissions` must be an array, found {}",
                        json::kind(other)
                    ),
                ));
            }
        };
        for (i, item) in items.iter().enumerate() {
            let bp = format!("{base}/{i}");
            let b = Obj::new(item, origin, &bp, "permission block")?;
            let mut pb = PermissionBlock {
                pointer: bp.clone(),
                ..PermissionBlock::default()
            };
            let idx = i.to_string();
            for field in Field::ALL {
                let key = tf_key(field);
                if note(&["permissions", &idx, key], &mut unresolved) {
                    continue;
                }
                let Some((k, list)) = b.get(key) else {
                    continue;
                };
                let lp = b.child_pointer(k);
                let items = match list {
                    Value::Array(a) => a.as_slice(),
                    Value::Null => &[],
                    other => {
                        return Err(Error::shape(
                            origin,
                            &lp,
                            format!(
                                "`{k}` must be an array of strings, found {}",
                                json::kind(other)
                            ),
                        ));
                    }
                };
                for (j, item) in items.iter().enumerate() {
                    let ptr = format!("{lp}/{j}");
                    if note(&["permissions", &idx, key, &j.to_string()], &mut unresolved) {
                        continue;
                    }
                    let Value::String(raw) = item else {
                        return Err(Error::shape(
                            origin,
                            &ptr,
                            format!(
                                "entries of `{k}` must be strings, found {}",
                                json::kind(item)
                            ),
                        ));
                    };
                    let pattern = Pattern::parse(raw)
                        .map_err(|e| Error::shape(origin, &ptr, e.to_string()))?;
                    pb.list_mut(field).push(Entry {
                        raw: raw.clone(),
                        pattern,
                        pointer: ptr,
                    });
                }
            }
            role.permissions.push(pb);
        }
    }
    role.unresolved = unresolved;
    Ok(role)
}

#[cfg(test)]
#[path = "terraform_tests.rs"]
mod tests;
