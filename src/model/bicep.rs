//! Bicep: `Microsoft.Authorization/roleDefinitions` resources in `.bicep` files. A small
//! reader for the part of the language role definitions use: resource declarations (plain,
//! `if (...)` and `[for ...]`), objects, arrays, strings (`'...'`, `'''...'''`, `${...}`),
//! comments; anything else is an expression. Literal values are read as written; expressions
//! (parameters, variables, function calls, interpolation, loops) are never guessed: each is
//! recorded in [`RoleDefinition::unresolved`]. Entries carry `SYMBOL.path@LINE:COLUMN` locators.

use super::bicep_parse::{Node, Parser, line_col};
use super::pattern::Pattern;
use super::role::{Entry, Field, PermissionBlock, RoleDefinition, RoleFormat, guid_of, is_guid};
use crate::error::{Error, Result};

const ROLE_DEF_TYPE: &str = "Microsoft.Authorization/roleDefinitions";

/// Every `Microsoft.Authorization/roleDefinitions` resource of a Bicep file.
pub fn parse_bicep(text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        pos: 0,
        origin,
        depth: 0,
    };
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
                    text[c_at..p.pos].trim()
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
                    line_col(text, loop_at).0
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
            out.push(role_from(text, origin, symbol, ty_at, &body, notes)?);
        }
    }
    Ok(out)
}

fn at(text: &str, path: &str, offset: usize) -> String {
    let (l, c) = line_col(text, offset);
    format!("{path}@{l}:{c}")
}

/// A literal string, or `None` after recording why not.
fn literal(node: &Node, path: &str, unresolved: &mut Vec<String>) -> Option<String> {
    match node {
        Node::Str(s, _) => Some(s.clone()),
        Node::Expr(e, _) if e == "null" => None,
        Node::Expr(e, _) => {
            unresolved.push(format!("{path} is `{e}`, not a literal"));
            None
        }
        _ => {
            unresolved.push(format!("{path} is not a string"));
            None
        }
    }
}

fn list(
    text: &str,
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
                    out.push((s, at(text, &p, item.start())));
                }
            }
            out
        }
        Node::Expr(e, _) if e == "null" => Vec::new(),
        Node::Expr(e, _) => {
            unresolved.push(format!("{path} is `{e}`, not a literal list"));
            Vec::new()
        }
        _ => {
            unresolved.push(format!("{path} is not a list"));
            Vec::new()
        }
    }
}

fn role_from(
    text: &str,
    origin: &str,
    symbol: &str,
    ty_at: usize,
    body: &Node,
    notes: Vec<String>,
) -> Result<RoleDefinition> {
    let mut role = RoleDefinition::empty(RoleFormat::Bicep, origin, &at(text, symbol, ty_at));
    let mut unresolved = notes;
    let Node::Object(props, _) = body else {
        unresolved.push(format!(
            "{symbol}: the resource body is `{}`, not an object",
            body_text(body)
        ));
        role.unresolved = unresolved;
        return Ok(role);
    };
    role.keys = props.iter().map(|(k, _)| k.clone()).collect();
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
        return Ok(role);
    };
    let pp = format!("{symbol}.properties");
    let Node::Object(pprops, _) = pr else {
        unresolved.push(format!("{pp} is `{}`, not a literal object", body_text(pr)));
        role.unresolved = unresolved;
        return Ok(role);
    };
    role.keys.extend(pprops.iter().map(|(k, _)| k.clone()));
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
            "assignablescopes" => role.assignable_scopes = list(text, v, &path, &mut unresolved),
            "condition" => role.condition = literal(v, &path, &mut unresolved),
            "conditionversion" => role.condition_version = literal(v, &path, &mut unresolved),
            "permissions" => match v {
                Node::Array(blocks, _) => {
                    for (i, b) in blocks.iter().enumerate() {
                        let bp = format!("{path}[{i}]");
                        role.permissions
                            .push(block(text, origin, b, &bp, &mut unresolved)?);
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
    text: &str,
    origin: &str,
    node: &Node,
    path: &str,
    unresolved: &mut Vec<String>,
) -> Result<PermissionBlock> {
    let mut pb = PermissionBlock {
        pointer: at(text, path, node.start()),
        ..PermissionBlock::default()
    };
    let Node::Object(props, _) = node else {
        unresolved.push(format!(
            "{path} is `{}`, not a literal object",
            body_text(node)
        ));
        return Ok(pb);
    };
    for (k, v) in props {
        let p = format!("{path}.{k}");
        if let Some(field) = Field::ALL
            .into_iter()
            .find(|f| f.camel().eq_ignore_ascii_case(k))
        {
            for (raw, pointer) in list(text, v, &p, unresolved) {
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

fn body_text(n: &Node) -> String {
    match n {
        Node::Expr(e, _) => e.clone(),
        Node::Str(s, _) => format!("'{s}'"),
        Node::Array(..) => "[...]".to_string(),
        Node::Object(..) => "{...}".to_string(),
    }
}

#[cfg(test)]
#[path = "bicep_tests.rs"]
mod tests;
