//! Terraform: `azurerm_role_definition` resources in `.tf` files (HCL, parsed with hcl-edit)
//! and in plan JSON (`terraform show -json`), whose resource changes give each role before
//! and after the plan.
//!
//! Values that are not literals (variables, references, function calls, interpolation,
//! `dynamic` blocks, values known only after apply) are never guessed: each is recorded in
//! [`RoleDefinition::unresolved`]. Entries of `.tf` files carry `ADDRESS.field[i]@LINE:COLUMN`
//! locators (see [`crate::model::role_text::locate`]); plan entries carry JSON pointers.

use super::terraform_eval::{Scope, Source, parse_body};
use super::value::{At, Budget, Files, Kind, NoFiles, Origin, Val};
use crate::error::{Error, Result, did_you_mean};
use crate::model::json::{self, Obj};
use crate::model::line_index::LineIndex;
use crate::model::pattern::Pattern;
use crate::model::role::{
    Entry, Field, PermissionBlock, RoleDefinition, RoleFormat, guid_of, is_guid,
};
use crate::model::shown;
use hcl_edit::Span;
use hcl_edit::structure::{Block, BlockLabel};
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

    /// The locator of a value: where it is written when in this file, else `fallback`.
    fn at_val(&self, path: &str, v: &Val, fallback: Option<std::ops::Range<usize>>) -> String {
        match v.origin.as_deref() {
            Some(Origin {
                at: At::Offset(o),
                file: None,
                ..
            }) => self.at(path, Some(*o..*o)),
            _ => self.at(path, fallback),
        }
    }

    /// A literal string, or `None` after recording why not.
    fn literal(&self, v: &Val, path: &str, unresolved: &mut Vec<String>) -> Option<String> {
        match &v.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Null => None,
            Kind::Sym(t) => {
                unresolved.push(format!("{path} is `{t}`, not a literal"));
                None
            }
            _ => {
                unresolved.push(format!("{path} is `{}`, not a literal", v.to_json()));
                None
            }
        }
    }

    /// A list of literal strings with their locators; non-literal items (or a non-literal
    /// list) are recorded as unresolved.
    fn list(
        &self,
        v: &Val,
        span: Option<std::ops::Range<usize>>,
        path: &str,
        unresolved: &mut Vec<String>,
    ) -> Vec<(String, String)> {
        match &v.kind {
            Kind::List(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    if let Some(s) = self.literal(item, &p, unresolved) {
                        out.push((s, self.at_val(&p, item, span.clone())));
                    }
                }
                out
            }
            Kind::Null => Vec::new(),
            Kind::Sym(t) => {
                unresolved.push(format!("{path} is `{t}`, not a literal list"));
                Vec::new()
            }
            _ => {
                unresolved.push(format!("{path} is `{}`, not a literal list", v.to_json()));
                Vec::new()
            }
        }
    }
}

fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Ident(i) => i.value().as_str(),
        BlockLabel::String(s) => s.value().as_str(),
    }
}

/// Every `azurerm_role_definition` resource of a `.tf` file, read alone (its variables'
/// defaults and locals in the same file are evaluated; nothing else is read).
pub fn parse_hcl(text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    parse_hcl_with(text, origin, &NoFiles, &[])
}

/// Every `azurerm_role_definition` resource of a `.tf` file, evaluated with its module: the
/// other `.tf` files of its directory (variables, locals), `terraform.tfvars` and
/// `*.auto.tfvars` there, then `var_files` (`--var-file`, later ones win).
pub fn parse_hcl_with(
    text: &str,
    origin: &str,
    files: &dyn Files,
    var_files: &[(String, String)],
) -> Result<Vec<RoleDefinition>> {
    let body = parse_body(text, origin)?;
    let mut sources = vec![Source {
        origin: origin.to_string(),
        text: text.to_string(),
        body,
    }];
    for (o, t) in files.list(origin, ".tf")? {
        // A sibling that does not parse is reported when it is read itself; here its
        // variables and locals stay symbolic.
        if let Ok(body) = parse_body(&t, &o) {
            sources.push(Source {
                origin: o,
                text: t,
                body,
            });
        }
    }
    let mut tfvars = Vec::new();
    let mut var_texts = files.list(origin, "terraform.tfvars")?;
    var_texts.extend(files.list(origin, ".auto.tfvars")?);
    var_texts.extend(var_files.iter().cloned());
    for (o, t) in var_texts {
        let body = parse_body(&t, &o)?;
        tfvars.push(Source {
            origin: o,
            text: t,
            body,
        });
    }
    let mut budget = Budget::new(origin);
    let mut scope = Scope::new(&sources, &tfvars, files, &mut budget)?;
    let ctx = Ctx {
        origin,
        lines: LineIndex::new(text),
    };
    let mut out = Vec::new();
    for block in sources[0].body.blocks() {
        if block.ident.value().as_str() != "resource" {
            continue;
        }
        let labels: Vec<&str> = block.labels.iter().map(label).collect();
        if labels.first() != Some(&RESOURCE_TYPE) {
            continue;
        }
        let address = format!("{RESOURCE_TYPE}.{}", labels.get(1).copied().unwrap_or(""));
        instances(&ctx, &mut scope, &mut budget, block, &address, &mut out)?;
    }
    Ok(out)
}

/// The instances of a resource: one per `for_each` element or `count` index when the
/// collection is known, else one read as every instance (incomplete).
fn instances(
    ctx: &Ctx<'_>,
    scope: &mut Scope<'_>,
    budget: &mut Budget,
    block: &Block,
    address: &str,
    out: &mut Vec<RoleDefinition>,
) -> Result<()> {
    let attr = |k: &str| {
        block
            .body
            .attributes()
            .find(|a| a.key.value().as_str() == k)
    };
    let mut each: Option<Vec<(String, Val)>> = None;
    let mut unknown = None;
    if let Some(a) = attr("for_each") {
        let v = scope.eval(&a.value, budget)?;
        match v.kind {
            // Terraform orders a map's instances by key.
            Kind::Map(mut m) => {
                m.sort_by(|a, b| a.0.cmp(&b.0));
                each = Some(m);
            }
            Kind::List(items) => {
                let mut m = Vec::new();
                for i in items {
                    match i.scalar_text() {
                        Some(k) => m.push((k, i)),
                        None => {
                            unknown = Some(("for_each", scope.source(&a.value)));
                            break;
                        }
                    }
                }
                if unknown.is_none() {
                    m.sort_by(|a, b| a.0.cmp(&b.0));
                    m.dedup_by(|a, b| a.0 == b.0);
                    each = Some(m);
                }
            }
            _ => unknown = Some(("for_each", scope.source(&a.value))),
        }
    } else if let Some(a) = attr("count") {
        match scope.eval(&a.value, budget)?.kind {
            Kind::Num(n) if n >= 0.0 && n.fract() == 0.0 => {
                budget.items(n as usize)?;
                each = Some(
                    (0..n as usize)
                        .map(|i| (i.to_string(), Val::new(Kind::Num(i as f64), None)))
                        .collect(),
                );
            }
            _ => unknown = Some(("count", scope.source(&a.value))),
        }
    }
    let is_count = attr("for_each").is_none() && attr("count").is_some();
    match each {
        Some(items) => {
            budget.items(items.len())?;
            for (k, v) in items {
                let n = scope.bindings.len();
                let addr = if is_count {
                    scope.bindings.push((
                        "count".into(),
                        Val::new(Kind::Map(vec![("index".into(), v)]), None),
                    ));
                    format!("{address}[{k}]")
                } else {
                    scope.bindings.push((
                        "each".into(),
                        Val::new(
                            Kind::Map(vec![
                                ("key".into(), Val::str(k.clone(), None)),
                                ("value".into(), v),
                            ]),
                            None,
                        ),
                    ));
                    format!("{address}[\"{k}\"]")
                };
                let r = role_from_block(ctx, scope, budget, block, &addr, None);
                scope.bindings.truncate(n);
                out.push(r?);
            }
        }
        None => out.push(role_from_block(
            ctx, scope, budget, block, address, unknown,
        )?),
    }
    Ok(())
}

fn role_from_block(
    ctx: &Ctx<'_>,
    scope: &mut Scope<'_>,
    budget: &mut Budget,
    block: &Block,
    address: &str,
    repeated: Option<(&str, String)>,
) -> Result<RoleDefinition> {
    let mut role = RoleDefinition::empty(
        RoleFormat::Terraform,
        ctx.origin,
        &ctx.at(address, block.span()),
    );
    let mut unresolved = Vec::new();
    if let Some((key, source)) = repeated {
        unresolved.push(format!(
            "{address}.{key}: the resource is repeated by `{key}` over `{source}`, known only at plan time; each instance is read as this one definition"
        ));
    }
    let mut scope_value: Option<(String, String)> = None;
    for attr in block.body.attributes() {
        let key = attr.key.value().as_str();
        role.keys.push(key.to_string());
        let path = format!("{address}.{key}");
        if matches!(key, "count" | "for_each" | "depends_on" | "provider") {
            continue;
        }
        if !RESOURCE_ARGS.contains(&key) {
            return Err(ctx.unknown(key, false, attr.span(), RESOURCE_ARGS, address));
        }
        let v = scope.eval(&attr.value, budget)?;
        match key {
            "name" | "role_definition_id" if v.first_sym().is_some() => {
                role.symbolic.push(format!(
                    "{path} is `{}`, known only at plan time",
                    v.first_sym().unwrap_or("")
                ));
            }
            "name" => role.name = ctx.literal(&v, &path, &mut unresolved),
            "description" => role.description = ctx.literal(&v, &path, &mut unresolved),
            "role_definition_id" => {
                if let Some(id) = ctx.literal(&v, &path, &mut unresolved) {
                    role.guid = if is_guid(id.trim()) {
                        Some(id.trim().to_ascii_lowercase())
                    } else {
                        guid_of(&id)
                    };
                    role.id = Some(id);
                }
            }
            // A scope known only at plan time (a data source's id) is kept as `[EXPRESSION]`,
            // as ARM writes one (`[subscription().id]`), and named: the role stays complete.
            "scope" => {
                if let Kind::Sym(t) = &v.kind {
                    role.symbolic
                        .push(format!("{path} is `{t}`, known only at plan time"));
                    scope_value = Some((format!("[{t}]"), ctx.at(&path, attr.value.span())));
                } else if let Some(s) = ctx.literal(&v, &path, &mut unresolved) {
                    scope_value = Some((s, ctx.at_val(&path, &v, attr.value.span())));
                }
            }
            "assignable_scopes" => {
                let mut v = v;
                if let Kind::List(items) = &mut v.kind {
                    for (i, item) in items.iter_mut().enumerate() {
                        if let Kind::Sym(t) = &item.kind {
                            role.symbolic
                                .push(format!("{path}[{i}] is `{t}`, known only at plan time"));
                            item.kind = Kind::Str(format!("[{t}]"));
                        }
                    }
                }
                role.assignable_scopes = ctx.list(&v, attr.value.span(), &path, &mut unresolved)
            }
            _ => {}
        }
    }
    // Terraform adds `scope` to the assignable scopes.
    if let Some((s, at)) = scope_value
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
                "permissions" => {
                    dynamic_permissions(
                        ctx,
                        scope,
                        budget,
                        inner,
                        address,
                        &mut n,
                        &mut role,
                        &mut unresolved,
                    )?;
                }
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
        let pb = permission_block(
            ctx,
            scope,
            budget,
            &inner.body,
            inner.span(),
            &path,
            address,
            &mut unresolved,
        )?;
        role.permissions.push(pb);
    }
    role.unresolved = unresolved;
    Ok(role)
}

/// A `dynamic "permissions"` block: one block per element of a known `for_each`.
#[allow(clippy::too_many_arguments)]
fn dynamic_permissions(
    ctx: &Ctx<'_>,
    scope: &mut Scope<'_>,
    budget: &mut Budget,
    inner: &Block,
    address: &str,
    n: &mut usize,
    role: &mut RoleDefinition,
    unresolved: &mut Vec<String>,
) -> Result<()> {
    let attr = |k: &str| {
        inner
            .body
            .attributes()
            .find(|a| a.key.value().as_str() == k)
    };
    let iterator = match attr("iterator") {
        Some(a) => match &a.value {
            hcl_edit::expr::Expression::Variable(v) => v.value().to_string(),
            _ => "permissions".to_string(),
        },
        None => "permissions".to_string(),
    };
    let content = inner
        .body
        .blocks()
        .find(|b| b.ident.value().as_str() == "content");
    let items = match attr("for_each") {
        Some(a) => match scope.eval(&a.value, budget)?.kind {
            Kind::List(l) => Some(
                l.into_iter()
                    .enumerate()
                    .map(|(i, v)| (Val::new(Kind::Num(i as f64), None), v))
                    .collect::<Vec<_>>(),
            ),
            Kind::Map(m) => Some(m.into_iter().map(|(k, v)| (Val::str(k, None), v)).collect()),
            _ => None,
        },
        None => None,
    };
    let (Some(items), Some(content)) = (items, content) else {
        unresolved.push(format!(
            "{} is a `dynamic \"permissions\"` block over a collection known only at plan time",
            ctx.at(address, inner.span())
        ));
        return Ok(());
    };
    budget.items(items.len())?;
    for (k, v) in items {
        let path = format!("{address}.permissions[{n}]");
        *n += 1;
        let b = scope.bindings.len();
        scope.bindings.push((
            iterator.clone(),
            Val::new(
                Kind::Map(vec![("key".into(), k), ("value".into(), v)]),
                None,
            ),
        ));
        let r = permission_block(
            ctx,
            scope,
            budget,
            &content.body,
            content.span(),
            &path,
            address,
            unresolved,
        );
        scope.bindings.truncate(b);
        role.permissions.push(r?);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn permission_block(
    ctx: &Ctx<'_>,
    scope: &mut Scope<'_>,
    budget: &mut Budget,
    body: &hcl_edit::structure::Body,
    span: Option<std::ops::Range<usize>>,
    path: &str,
    address: &str,
    unresolved: &mut Vec<String>,
) -> Result<PermissionBlock> {
    let mut pb = PermissionBlock {
        pointer: ctx.at(path, span),
        ..PermissionBlock::default()
    };
    let where_ = format!("`permissions` block of {address}");
    if let Some(b) = body.blocks().next() {
        return Err(ctx.unknown(b.ident.value().as_str(), true, b.span(), &[], &where_));
    }
    for attr in body.attributes() {
        let key = attr.key.value().as_str();
        let Some(field) = Field::ALL.into_iter().find(|f| tf_key(*f) == key) else {
            return Err(ctx.unknown(key, false, attr.span(), &PERMISSION_ARGS, &where_));
        };
        let p = format!("{path}.{key}");
        let v = scope.eval(&attr.value, budget)?;
        for (raw, pointer) in ctx.list(&v, attr.value.span(), &p, unresolved) {
            let pattern = Pattern::parse(&raw)
                .map_err(|e| Error::shape(ctx.origin, &pointer, e.to_string()))?;
            pb.list_mut(field).push(Entry {
                raw,
                pattern,
                pointer,
            });
        }
    }
    Ok(pb)
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
