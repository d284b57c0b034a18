//! Bicep: `Microsoft.Authorization/roleDefinitions` resources in `.bicep` files. A small
//! reader for the part of the language role definitions use: resource declarations (plain,
//! `if (...)` and `[for ...]`), objects, arrays, strings (`'...'`, `'''...'''`, `${...}`),
//! comments; anything else is an expression. Literal values are read as written; expressions
//! (parameters, variables, function calls, interpolation, loops) are never guessed: each is
//! recorded in [`RoleDefinition::unresolved`]. Entries carry `SYMBOL.path@LINE:COLUMN` locators.

use super::pattern::Pattern;
use super::role::{Entry, Field, PermissionBlock, RoleDefinition, RoleFormat, guid_of, is_guid};
use crate::error::{Error, Result};

const ROLE_DEF_TYPE: &str = "Microsoft.Authorization/roleDefinitions";

/// A parsed value with the byte range it spans.
#[derive(Debug, Clone)]
enum Node {
    /// A string without interpolation.
    Str(String, usize),
    Array(Vec<Node>, usize),
    Object(Vec<(String, Node)>, usize),
    /// Anything else (interpolated strings, identifiers, calls, loops, numbers ...): the source text.
    Expr(String, usize),
}

impl Node {
    fn start(&self) -> usize {
        match self {
            Node::Str(_, s) | Node::Array(_, s) | Node::Object(_, s) | Node::Expr(_, s) => *s,
        }
    }

    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(props, _) => props
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    origin: &'a str,
}

impl<'a> Parser<'a> {
    fn err(&self, at: usize, message: impl Into<String>) -> Error {
        let (line, column) = line_col(self.text, at);
        Error::Syntax {
            origin: self.origin.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Skips spaces, tabs and comments; newlines too when `newlines`.
    fn skip(&mut self, newlines: bool) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' if newlines => self.pos += 1,
                b'/' if self.b.get(self.pos + 1) == Some(&b'/') => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'/' if self.b.get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    while self.pos < self.b.len()
                        && !(self.b[self.pos] == b'*' && self.b.get(self.pos + 1) == Some(&b'/'))
                    {
                        self.pos += 1;
                    }
                    self.pos = (self.pos + 2).min(self.b.len());
                }
                _ => break,
            }
        }
    }

    fn ident(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        (self.pos > start).then(|| &self.text[start..self.pos])
    }

    /// A string starting at `pos` (on its quote): (value if no interpolation, end).
    fn string(&mut self) -> Result<Node> {
        let start = self.pos;
        if self.b[self.pos..].starts_with(b"'''") {
            let body = self.pos + 3;
            let Some(len) = self.text[body..].find("'''") else {
                return Err(self.err(start, "unterminated multi-line string"));
            };
            self.pos = body + len + 3;
            return Ok(Node::Str(self.text[body..body + len].to_string(), start));
        }
        self.pos += 1;
        let mut out = String::new();
        let mut interpolated = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(start, "unterminated string"));
            };
            match c {
                b'\'' => {
                    self.pos += 1;
                    break;
                }
                b'\n' => return Err(self.err(start, "unterminated string")),
                b'\\' => {
                    let e = self.b.get(self.pos + 1).copied();
                    self.pos += 2;
                    match e {
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'\'') => out.push('\''),
                        Some(b'$') => out.push('$'),
                        Some(b'u') => {
                            // \u{HEX}
                            let close = self.text[self.pos..].find('}').map(|i| self.pos + i);
                            let ch = close
                                .and_then(|c| {
                                    u32::from_str_radix(self.text.get(self.pos + 1..c)?, 16).ok()
                                })
                                .and_then(char::from_u32);
                            match (ch, close) {
                                (Some(ch), Some(c)) => {
                                    out.push(ch);
                                    self.pos = c + 1;
                                }
                                _ => return Err(self.err(self.pos - 2, "invalid \\u{...} escape")),
                            }
                        }
                        _ => return Err(self.err(self.pos - 2, "invalid escape in string")),
                    }
                }
                b'$' if self.b.get(self.pos + 1) == Some(&b'{') => {
                    interpolated = true;
                    self.pos += 2;
                    self.balanced(b'}')?;
                }
                _ => {
                    let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        if interpolated {
            Ok(Node::Expr(self.text[start..self.pos].to_string(), start))
        } else {
            Ok(Node::Str(out, start))
        }
    }

    /// Skips to just past the `close` that balances an already consumed opener.
    fn balanced(&mut self, close: u8) -> Result<()> {
        let start = self.pos;
        let mut stack = vec![close];
        while let Some(&want) = stack.last() {
            self.skip(true);
            let Some(c) = self.peek() else {
                return Err(self.err(start, format!("missing `{}`", want as char)));
            };
            match c {
                b'\'' => {
                    self.string()?;
                }
                b'(' | b'[' | b'{' => {
                    stack.push(match c {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    });
                    self.pos += 1;
                }
                b')' | b']' | b'}' => {
                    if c != want {
                        return Err(self.err(
                            self.pos,
                            format!("expected `{}`, found `{}`", want as char, c as char),
                        ));
                    }
                    stack.pop();
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        Ok(())
    }

    /// An expression that is not a literal: up to a newline, `,`, `]` or `}` at depth 0.
    fn expr(&mut self) -> Result<Node> {
        let start = self.pos;
        loop {
            match self.peek() {
                None | Some(b'\n' | b',' | b']' | b'}') => break,
                Some(b'\'') => {
                    self.string()?;
                }
                Some(c @ (b'(' | b'[' | b'{')) => {
                    self.pos += 1;
                    self.balanced(match c {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    })?;
                }
                Some(b'/') if matches!(self.b.get(self.pos + 1), Some(b'/' | b'*')) => {
                    self.skip(false)
                }
                Some(_) => self.pos += 1,
            }
        }
        Ok(Node::Expr(
            self.text[start..self.pos].trim().to_string(),
            start,
        ))
    }

    fn value(&mut self) -> Result<Node> {
        self.skip(false);
        let start = self.pos;
        let node = match self.peek() {
            Some(b'\'') => self.string()?,
            Some(b'{') => self.object()?,
            Some(b'[') => {
                let mut look = self.pos + 1;
                while self.b.get(look).is_some_and(|c| c.is_ascii_whitespace()) {
                    look += 1;
                }
                if self.b[look..].starts_with(b"for")
                    && !self
                        .b
                        .get(look + 3)
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                {
                    self.expr()?
                } else {
                    self.array()?
                }
            }
            Some(_) => self.expr()?,
            None => return Err(self.err(start, "expected a value")),
        };
        // A literal followed by more (an operator, `.member`): the whole thing is an expression.
        self.skip(false);
        if !matches!(self.peek(), None | Some(b'\n' | b',' | b']' | b'}')) {
            self.pos = start;
            return self.expr();
        }
        Ok(node)
    }

    fn separator(&mut self) {
        loop {
            self.skip(true);
            if self.peek() == Some(b',') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn array(&mut self) -> Result<Node> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.separator();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node::Array(items, start));
                }
                None => return Err(self.err(start, "missing `]`")),
                _ => items.push(self.value()?),
            }
        }
    }

    fn object(&mut self) -> Result<Node> {
        let start = self.pos;
        self.pos += 1;
        let mut props = Vec::new();
        loop {
            self.separator();
            let key_at = self.pos;
            let key = match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node::Object(props, start));
                }
                None => return Err(self.err(start, "missing `}`")),
                Some(b'\'') => match self.string()? {
                    Node::Str(s, _) => s,
                    _ => {
                        return Err(
                            self.err(key_at, "an interpolated string cannot be a property name")
                        );
                    }
                },
                Some(b'@') => {
                    // A decorator on a property: skip it.
                    self.pos += 1;
                    self.expr()?;
                    continue;
                }
                Some(_) => match self.ident() {
                    Some(k) => k.to_string(),
                    None => return Err(self.err(key_at, "expected a property name")),
                },
            };
            self.skip(false);
            if self.peek() != Some(b':') {
                return Err(self.err(self.pos, format!("expected `:` after property `{key}`")));
            }
            self.pos += 1;
            let v = self.value()?;
            props.push((key, v));
        }
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, column)
}

/// Every `Microsoft.Authorization/roleDefinitions` resource of a Bicep file.
pub fn parse_bicep(text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        pos: 0,
        origin,
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
