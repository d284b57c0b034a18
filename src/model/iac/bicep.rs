//! Bicep: `Microsoft.Authorization/roleDefinitions` resources in `.bicep` files. A small
//! reader for the part of the language role definitions use: resource declarations (plain,
//! `if (...)` and `[for ...]`), objects, arrays, strings (`'...'`, `'''...'''`, `${...}`),
//! comments; anything else is an expression. Literal values are read as written; expressions
//! (parameters, variables, function calls, interpolation, loops) are never guessed: each is
//! recorded in [`RoleDefinition::unresolved`]. Entries carry `SYMBOL.path@LINE:COLUMN` locators.

use super::bicep_expr::Env;
use super::bicep_parse::{Node, Parser, SPREAD};
use super::value::{At, Budget, Files, Kind, NoFiles, Val};
use crate::error::{Error, Result, did_you_mean};
use crate::model::line_index::LineIndex;
use crate::model::pattern::Pattern;
use crate::model::role::{
    Entry, Field, PermissionBlock, RoleDefinition, RoleFormat, guid_of, is_guid,
};
use crate::model::role_parse::{BLOCK_KEYS, PROPERTY_KEYS};
use crate::model::shown;
use std::collections::BTreeMap;

const ROLE_DEF_TYPE: &str = "Microsoft.Authorization/roleDefinitions";

/// Every `Microsoft.Authorization/roleDefinitions` resource of a Bicep file, read alone.
pub fn parse_bicep(text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    parse_bicep_with(text, origin, &NoFiles, &BTreeMap::new())
}

/// Every role resource of a Bicep file, evaluated: parameters (`supplied` values, else
/// defaults), variables, loops, conditions and functions; files it loads are read through
/// `files`.
pub fn parse_bicep_with(
    text: &str,
    origin: &str,
    files: &dyn Files,
    supplied: &BTreeMap<String, Val>,
) -> Result<Vec<RoleDefinition>> {
    let mut env = Env::new(text, origin, files);
    declarations(text, &mut env, supplied)?;
    let mut budget = Budget::new(origin);
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        pos: 0,
        origin,
        depth: 0,
    };
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    while p.pos < p.b.len() {
        p.skip(true);
        let Some(c) = p.peek() else { break };
        if c == b'\'' {
            p.string()?;
            continue;
        }
        if !(c.is_ascii_alphabetic() || c == b'_') {
            p.pos += 1;
            continue;
        }
        let word_at = p.pos;
        let word = p.ident().unwrap_or("");
        if word != "resource" || (word_at > 0 && !p.b[word_at - 1].is_ascii_whitespace()) {
            continue;
        }
        p.skip(false);
        let Some(symbol) = p.ident() else { continue };
        p.skip(false);
        if p.peek() != Some(b'\'') {
            continue;
        }
        let ty_at = p.pos;
        let ty = match p.string()? {
            Node::Str(s, _) => s,
            _ => continue,
        };
        p.skip(false);
        let save = p.pos;
        if p.ident() == Some("existing") {
            continue;
        }
        p.pos = save;
        p.skip(false);
        if p.peek() != Some(b'=') {
            return Err(p.err(p.pos, format!("expected `=` after resource `{symbol}`")));
        }
        p.pos += 1;
        p.skip(false);
        let base = ty.split('@').next().unwrap_or("");
        let is_role = base.eq_ignore_ascii_case(ROLE_DEF_TYPE);
        let mut notes = Vec::new();
        let head_at = p.pos;
        // `if (condition) { ... }` and `[for x in xs: { ... }]` wrap the body.
        let save = p.pos;
        if p.ident() == Some("if") {
            p.skip(false);
            if p.peek() == Some(b'(') {
                let c_at = p.pos;
                p.pos += 1;
                p.balanced(b')')?;
                notes.push(format!(
                    "{symbol} is deployed only if `{}`",
                    shown::one_line(text[c_at..p.pos].trim())
                ));
            }
            p.skip(false);
        } else {
            p.pos = save;
        }
        let body = if p.peek() == Some(b'[') {
            let loop_at = p.pos;
            p.pos += 1;
            p.skip(true);
            if p.ident() == Some("for") {
                // Find the `:` that ends the loop header, then the body object.
                while p.peek().is_some_and(|c| c != b':') {
                    if p.peek() == Some(b'(') {
                        p.pos += 1;
                        p.balanced(b')')?;
                    } else {
                        p.pos += 1;
                    }
                }
                p.pos += 1;
                notes.push(format!(
                    "{symbol} is repeated by a `for` loop (line {}); each instance is read as this one definition",
                    lines.line_col(loop_at).0
                ));
                p.skip(true);
                let b = p.value()?;
                p.skip(true);
                if p.peek() == Some(b']') {
                    p.pos += 1;
                }
                b
            } else {
                p.pos = loop_at;
                p.value()?
            }
        } else {
            p.value()?
        };
        if is_role {
            match evaluated(&mut env, &mut budget, head_at, symbol) {
                Ok(Some(instances)) => {
                    for (node, symbolic) in instances {
                        let mut role = role_from(&lines, origin, symbol, ty_at, &node, Vec::new())?;
                        settle_symbolic(&mut role, symbol, symbolic);
                        out.push(role);
                    }
                }
                // A loop or condition known only at deployment, or a construct the evaluator
                // does not compute: read as written, expressions unresolved.
                Ok(None) => out.push(role_from(&lines, origin, symbol, ty_at, &body, notes)?),
                // Hostile input (runaway work or nesting) stops here, never silently.
                Err(e) if super::value::is_budget_error(&e) => return Err(e),
                Err(e) => {
                    let mut role = role_from(&lines, origin, symbol, ty_at, &body, notes)?;
                    role.unresolved.push(format!(
                        "{symbol}: not evaluated ({}); expressions are read as written",
                        shown::one_line(&e.to_string())
                    ));
                    out.push(role);
                }
            }
        }
    }
    Ok(out)
}

/// Records `param` defaults and `var` declarations (top-level lines) for evaluation.
fn declarations(text: &str, env: &mut Env<'_>, supplied: &BTreeMap<String, Val>) -> Result<()> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim_start();
        let kw = if t.starts_with("param ") {
            "param"
        } else if t.starts_with("var ") {
            "var"
        } else {
            continue;
        };
        if line.len() != t.len() && kw == "var" && line.starts_with(char::is_whitespace) {
            // Indented: inside a block (Bicep declarations are top-level).
            continue;
        }
        let rest = &t[kw.len()..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        let body_start = start + (line.len() - t.len()) + kw.len();
        // The `=` of the declaration: the first one outside quotes on the line.
        let mut eq = None;
        let mut in_str = false;
        for (i, c) in line[body_start - start..].char_indices() {
            match c {
                '\'' => in_str = !in_str,
                '=' if !in_str => {
                    let next = line[body_start - start + i + 1..].chars().next();
                    if next != Some('=') && next != Some('>') {
                        eq = Some(body_start + i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        if kw == "param"
            && let Some(v) = supplied.get(&name)
        {
            env.params
                .insert(name, v.clone().with_via("parameter value"));
            continue;
        }
        // A parameter without a default and without a value stays symbolic.
        if let Some(at) = eq {
            env.vars.insert(name, at);
        }
    }
    Ok(())
}

/// The evaluated instances of a role resource whose declaration continues at `head_at`
/// (after `=`): one per loop item, none when its condition is false; `None` when the loop's
/// collection or the condition is known only at deployment.
#[allow(clippy::type_complexity)]
fn evaluated(
    env: &mut Env<'_>,
    budget: &mut Budget,
    head_at: usize,
    symbol: &str,
) -> Result<Option<Vec<(Node, Vec<String>)>>> {
    let text = env.text;
    let rest = &text[head_at..];
    let mut symbolic = Vec::new();
    let mut at = head_at;
    if rest.starts_with("if") && rest[2..].trim_start().starts_with('(') {
        let open = head_at + 2 + (rest[2..].len() - rest[2..].trim_start().len());
        let (c, end) = env.eval_at(open, budget)?;
        match c.kind {
            Kind::Bool(false) => return Ok(Some(Vec::new())),
            Kind::Bool(true) => {}
            Kind::Sym(t) => symbolic.push(format!(
                "{symbol} is deployed only if `{t}`, known at deployment; read as deployed"
            )),
            _ => return Ok(None),
        }
        at = end;
        while text
            .as_bytes()
            .get(at)
            .is_some_and(|c| c.is_ascii_whitespace())
        {
            at += 1;
        }
    }
    let (v, _) = env.eval_at(at, budget)?;
    let bodies = match v.kind {
        Kind::List(items) if text[at..].starts_with('[') => items,
        Kind::Map(_) => vec![v],
        _ => return Ok(None),
    };
    let mut out = Vec::new();
    for b in bodies {
        let mut sym = symbolic.clone();
        let b = scopes_as_expressions(b, symbol, &mut sym);
        out.push((to_node(&b, at), sym));
    }
    Ok(Some(out))
}

/// Keeps a deploy-time assignable scope as `[EXPRESSION]` (as ARM writes one) and names it.
fn scopes_as_expressions(mut body: Val, symbol: &str, symbolic: &mut Vec<String>) -> Val {
    if let Kind::Map(m) = &mut body.kind
        && let Some((_, props)) = m
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case("properties"))
        && let Kind::Map(pm) = &mut props.kind
        && let Some((_, scopes)) = pm
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case("assignableScopes"))
        && let Kind::List(items) = &mut scopes.kind
    {
        for (i, item) in items.iter_mut().enumerate() {
            if let Kind::Sym(t) = &item.kind {
                symbolic.push(format!(
                    "{symbol}.properties.assignableScopes[{i}] is `{t}`, known at deployment"
                ));
                item.kind = Kind::Str(format!("[{t}]"));
            }
        }
    }
    body
}

/// A value as the reader's syntax tree: known parts with where they are written (when in
/// this file), symbolic ones as expressions.
fn to_node(v: &Val, fallback: usize) -> Node {
    let at = match v.origin.as_deref() {
        Some(super::value::Origin {
            at: At::Offset(o),
            file: None,
            ..
        }) => *o,
        _ => fallback,
    };
    match &v.kind {
        Kind::Str(s) => Node::Str(s.clone(), at),
        Kind::List(items) => Node::Array(items.iter().map(|i| to_node(i, at)).collect(), at),
        Kind::Map(m) => Node::Object(
            m.iter().map(|(k, x)| (k.clone(), to_node(x, at))).collect(),
            at,
        ),
        Kind::Sym(t) => Node::Expr(t.clone(), at),
        Kind::Null => Node::Expr("null".into(), at),
        Kind::Bool(b) => Node::Expr(b.to_string(), at),
        Kind::Num(n) => Node::Expr(super::value::num_text(*n), at),
    }
}

/// Deploy-time values of the name and description touch no permission: they are named in
/// `symbolic`, not in `unresolved`.
fn settle_symbolic(role: &mut RoleDefinition, symbol: &str, mut symbolic: Vec<String>) {
    let meta = [
        format!("{symbol}.name "),
        format!("{symbol}.properties.roleName "),
        format!("{symbol}.properties.description "),
    ];
    let (moved, kept): (Vec<String>, Vec<String>) = std::mem::take(&mut role.unresolved)
        .into_iter()
        .partition(|u| meta.iter().any(|m| u.starts_with(m.as_str())));
    role.unresolved = kept;
    symbolic.extend(moved);
    role.symbolic = symbolic;
}

fn at(lines: &LineIndex<'_>, path: &str, offset: usize) -> String {
    let (l, c) = lines.line_col(offset);
    format!("{path}@{l}:{c}")
}

/// A literal string, or `None` after recording why not.
fn literal(node: &Node, path: &str, unresolved: &mut Vec<String>) -> Option<String> {
    match node {
        Node::Str(s, _) => Some(s.clone()),
        Node::Expr(e, _) if e == "null" => None,
        Node::Expr(e, _) => {
            unresolved.push(format!("{path} is `{}`, not a literal", shown::one_line(e)));
            None
        }
        _ => {
            unresolved.push(format!("{path} is not a string"));
            None
        }
    }
}

fn list(
    lines: &LineIndex<'_>,
    node: &Node,
    path: &str,
    unresolved: &mut Vec<String>,
) -> Vec<(String, String)> {
    match node {
        Node::Array(items, _) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                if let Some(s) = literal(item, &p, unresolved) {
                    out.push((s, at(lines, &p, item.start())));
                }
            }
            out
        }
        Node::Expr(e, _) if e == "null" => Vec::new(),
        Node::Expr(e, _) => {
            unresolved.push(format!(
                "{path} is `{}`, not a literal list",
                shown::one_line(e)
            ));
            Vec::new()
        }
        _ => {
            unresolved.push(format!("{path} is not a list"));
            Vec::new()
        }
    }
}

fn role_from(
    lines: &LineIndex<'_>,
    origin: &str,
    symbol: &str,
    ty_at: usize,
    body: &Node,
    notes: Vec<String>,
) -> Result<RoleDefinition> {
    let mut role = RoleDefinition::empty(RoleFormat::Bicep, origin, &at(lines, symbol, ty_at));
    let mut unresolved = notes;
    let Node::Object(props, _) = body else {
        unresolved.push(format!(
            "{symbol}: the resource body is `{}`, not an object",
            body_text(body)
        ));
        role.unresolved = unresolved;
        return Ok(role);
    };
    deny_unknown(lines, origin, props, RESOURCE_KEYS, symbol)?;
    spreads(props, symbol, &mut unresolved);
    role.keys = keys(props);
    if let Some(n) = body.get("name")
        && let Some(id) = literal(n, &format!("{symbol}.name"), &mut unresolved)
    {
        role.guid = if is_guid(id.trim()) {
            Some(id.trim().to_ascii_lowercase())
        } else {
            guid_of(&id)
        };
        role.id = Some(id);
    }
    let Some(pr) = body.get("properties") else {
        role.unresolved = unresolved;
        return Ok(role);
    };
    let pp = format!("{symbol}.properties");
    let Node::Object(pprops, _) = pr else {
        unresolved.push(format!("{pp} is `{}`, not a literal object", body_text(pr)));
        role.unresolved = unresolved;
        return Ok(role);
    };
    deny_unknown(lines, origin, pprops, PROPERTY_KEYS, &pp)?;
    spreads(pprops, &pp, &mut unresolved);
    role.keys.extend(keys(pprops));
    for (k, v) in pprops {
        let path = format!("{pp}.{k}");
        match k.to_ascii_lowercase().as_str() {
            "rolename" => role.name = literal(v, &path, &mut unresolved),
            "description" => role.description = literal(v, &path, &mut unresolved),
            "type" | "roletype" => {
                role.is_custom = literal(v, &path, &mut unresolved).and_then(|t| {
                    if t.eq_ignore_ascii_case("customrole") {
                        Some(true)
                    } else if t.eq_ignore_ascii_case("builtinrole") {
                        Some(false)
                    } else {
                        None
                    }
                })
            }
            "assignablescopes" => role.assignable_scopes = list(lines, v, &path, &mut unresolved),
            "condition" => role.condition = literal(v, &path, &mut unresolved),
            "conditionversion" => role.condition_version = literal(v, &path, &mut unresolved),
            "permissions" => match v {
                Node::Array(blocks, _) => {
                    for (i, b) in blocks.iter().enumerate() {
                        let bp = format!("{path}[{i}]");
                        role.permissions
                            .push(block(lines, origin, b, &bp, &mut unresolved)?);
                    }
                }
                other => unresolved.push(format!(
                    "{path} is `{}`, not a literal list",
                    body_text(other)
                )),
            },
            _ => {}
        }
    }
    role.unresolved = unresolved;
    Ok(role)
}

fn block(
    lines: &LineIndex<'_>,
    origin: &str,
    node: &Node,
    path: &str,
    unresolved: &mut Vec<String>,
) -> Result<PermissionBlock> {
    let mut pb = PermissionBlock {
        pointer: at(lines, path, node.start()),
        ..PermissionBlock::default()
    };
    let Node::Object(props, _) = node else {
        unresolved.push(format!(
            "{path} is `{}`, not a literal object",
            body_text(node)
        ));
        return Ok(pb);
    };
    deny_unknown(lines, origin, props, BLOCK_KEYS, path)?;
    spreads(props, path, unresolved);
    for (k, v) in props {
        let p = format!("{path}.{k}");
        if let Some(field) = Field::ALL
            .into_iter()
            .find(|f| f.camel().eq_ignore_ascii_case(k))
        {
            for (raw, pointer) in list(lines, v, &p, unresolved) {
                let pattern = Pattern::parse(&raw)
                    .map_err(|e| Error::shape(origin, &pointer, e.to_string()))?;
                pb.list_mut(field).push(Entry {
                    raw,
                    pattern,
                    pointer,
                });
            }
        } else if k.eq_ignore_ascii_case("condition") {
            pb.condition = literal(v, &p, unresolved);
        } else if k.eq_ignore_ascii_case("conditionVersion") {
            pb.condition_version = literal(v, &p, unresolved);
        }
    }
    Ok(pb)
}

/// Keys of a resource declaration's body: those of an ARM resource, and Bicep's `parent`.
const RESOURCE_KEYS: &[&str] = &[
    "name",
    "scope",
    "parent",
    "properties",
    "dependsOn",
    "location",
    "tags",
    "kind",
    "sku",
    "plan",
    "identity",
    "zones",
    "extendedLocation",
    "managedBy",
    "eTag",
];

/// Rejects an object key the JSON reader would reject at the same place (ARM compares
/// property names ignoring case, so case alone is no error), with the closest allowed key.
fn deny_unknown(
    lines: &LineIndex<'_>,
    origin: &str,
    props: &[(String, Node)],
    allowed: &[&str],
    path: &str,
) -> Result<()> {
    let Some((k, v)) = props
        .iter()
        .find(|(k, _)| k != SPREAD && !allowed.iter().any(|a| a.eq_ignore_ascii_case(k)))
    else {
        return Ok(());
    };
    let hint = did_you_mean(k, allowed.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    let (line, column) = lines.line_col(v.start());
    Err(Error::Syntax {
        origin: origin.to_string(),
        line,
        column,
        message: format!("unknown property `{}` in {path}{hint}", shown::one_line(k)),
    })
}

/// The keys of an object, spreads aside.
fn keys(props: &[(String, Node)]) -> Vec<String> {
    props
        .iter()
        .filter(|(k, _)| k != SPREAD)
        .map(|(k, _)| k.clone())
        .collect()
}

/// Records each spread (`...other`) of an object: the properties it adds are not read.
fn spreads(props: &[(String, Node)], path: &str, unresolved: &mut Vec<String>) {
    for (_, v) in props.iter().filter(|(k, _)| k == SPREAD) {
        unresolved.push(format!(
            "{path} spreads `{}`; the properties it adds are not read",
            body_text(v)
        ));
    }
}

fn body_text(n: &Node) -> String {
    match n {
        Node::Expr(e, _) => shown::one_line(e),
        Node::Str(s, _) => format!("'{}'", shown::one_line(s)),
        Node::Array(..) => "[...]".to_string(),
        Node::Object(..) => "{...}".to_string(),
    }
}

#[cfg(test)]
#[path = "bicep_tests.rs"]
mod tests;
