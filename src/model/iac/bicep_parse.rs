//! The Bicep reader's syntax layer: values (strings with escapes and interpolation, arrays,
//! objects, expressions kept as source text) with their byte offsets, and comments.

use crate::error::{Error, Result};
use crate::model::line_index::LineIndex;

/// A parsed value with the byte range it spans.
#[derive(Debug, Clone)]
pub(super) enum Node {
    /// A string without interpolation.
    Str(String, usize),
    Array(Vec<Node>, usize),
    Object(Vec<(String, Node)>, usize),
    /// Anything else (interpolated strings, identifiers, calls, loops, numbers ...): the source text.
    Expr(String, usize),
}

impl Node {
    pub(super) fn start(&self) -> usize {
        match self {
            Node::Str(_, s) | Node::Array(_, s) | Node::Object(_, s) | Node::Expr(_, s) => *s,
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(props, _) => props
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

pub(super) struct Parser<'a> {
    pub(super) text: &'a str,
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
    pub(super) origin: &'a str,
    /// Arrays and objects currently open (nesting is limited, like JSON's and HCL's).
    pub(super) depth: usize,
}

/// The key under which an object keeps a spread (`...other`).
pub(super) const SPREAD: &str = "...";

/// Deepest nesting of arrays and objects a Bicep file may have (role definitions need four).
const MAX_DEPTH: usize = 128;

impl<'a> Parser<'a> {
    pub(super) fn err(&self, at: usize, message: impl Into<String>) -> Error {
        let (line, column) = LineIndex::new(self.text).line_col(at);
        Error::Syntax {
            origin: self.origin.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Skips spaces, tabs and comments; newlines too when `newlines`.
    pub(super) fn skip(&mut self, newlines: bool) {
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

    pub(super) fn ident(&mut self) -> Option<&'a str> {
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
    pub(super) fn string(&mut self) -> Result<Node> {
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
    pub(super) fn balanced(&mut self, close: u8) -> Result<()> {
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
    pub(super) fn expr(&mut self) -> Result<Node> {
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
        let text = self.text[start..self.pos].trim();
        if text.is_empty() {
            // Nothing that could be a value (a stray `}` or `]`, say): never loop on it.
            return Err(self.err(start, "expected a value"));
        }
        Ok(Node::Expr(text.to_string(), start))
    }

    pub(super) fn value(&mut self) -> Result<Node> {
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

    /// Enters an array or object at `start`: an error past [`MAX_DEPTH`].
    fn enter(&mut self, start: usize) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(start, format!("nested more than {MAX_DEPTH} levels deep")));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Node> {
        let start = self.pos;
        self.enter(start)?;
        let node = self.array_items(start);
        self.depth -= 1;
        node
    }

    fn array_items(&mut self, start: usize) -> Result<Node> {
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
        self.enter(start)?;
        let node = self.object_props(start);
        self.depth -= 1;
        node
    }

    fn object_props(&mut self, start: usize) -> Result<Node> {
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
                Some(b'.') if self.b[self.pos..].starts_with(b"...") => {
                    // A spread (`...other`): kept under the key `...` with its expression.
                    let v = self.expr()?;
                    props.push((SPREAD.to_string(), v));
                    continue;
                }
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
