//! The ARM template expression language's syntax: `[func(arg, ...).prop[index]]` with
//! single-quoted strings (`''` escapes a quote), integers and nested calls. Nesting is
//! bounded; every error names the expression.

use crate::error::{Error, Result};

/// Deepest nesting of calls, indexes and parentheses in one expression.
const MAX_NESTING: usize = 64;

#[derive(Debug, Clone)]
pub enum Expr {
    Str(String),
    Num(f64),
    /// A function call (`name` lower-cased; `ns.name` for user functions).
    Call(String, Vec<Expr>, String),
    Prop(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// The source text of a call (for symbolic values); other nodes render themselves.
    pub fn text(&self) -> String {
        match self {
            Expr::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Expr::Num(n) => super::value::num_text(*n),
            Expr::Call(_, _, t) => t.clone(),
            Expr::Prop(e, p) => format!("{}.{p}", e.text()),
            Expr::Index(e, i) => format!("{}[{}]", e.text(), i.text()),
        }
    }
}

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

/// Parses the text of an expression (without its surrounding brackets).
pub fn parse(text: &str, origin: &str, pointer: &str) -> Result<Expr> {
    let mut p = P {
        s: text,
        b: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let fail = |m: String| {
        Error::shape(
            origin,
            pointer,
            format!(
                "invalid template expression `[{}]`: {m}",
                crate::model::shown::one_line(text)
            ),
        )
    };
    let e = p.expr().map_err(fail)?;
    p.ws();
    if p.pos < p.b.len() {
        return Err(fail(format!(
            "unexpected `{}`",
            p.s[p.pos..].chars().next().unwrap_or(' ')
        )));
    }
    Ok(e)
}

impl P<'_> {
    fn ws(&mut self) {
        while self
            .b
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    fn expr(&mut self) -> std::result::Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!("nested more than {MAX_NESTING} levels"));
        }
        let r = self.expr_inner();
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self) -> std::result::Result<Expr, String> {
        self.ws();
        let start = self.pos;
        let mut e = match self.b.get(self.pos) {
            None => return Err("missing a value".into()),
            Some(b'\'') => {
                self.pos += 1;
                let mut out = String::new();
                loop {
                    match self.s[self.pos..].chars().next() {
                        None => return Err("unterminated string".into()),
                        Some('\'') if self.b.get(self.pos + 1) == Some(&b'\'') => {
                            out.push('\'');
                            self.pos += 2;
                        }
                        Some('\'') => {
                            self.pos += 1;
                            break;
                        }
                        Some(c) => {
                            out.push(c);
                            self.pos += c.len_utf8();
                        }
                    }
                }
                Expr::Str(out)
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                self.pos += 1;
                while self
                    .b
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
                {
                    self.pos += 1;
                }
                let t = &self.s[start..self.pos];
                Expr::Num(t.parse().map_err(|_| format!("`{t}` is not a number"))?)
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                while self
                    .b
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
                {
                    self.pos += 1;
                }
                let name = self.s[start..self.pos].to_ascii_lowercase();
                self.ws();
                if self.b.get(self.pos) != Some(&b'(') {
                    return Err(format!("`{name}` must be called: `{name}(...)`"));
                }
                self.pos += 1;
                let mut args = Vec::new();
                self.ws();
                if self.b.get(self.pos) == Some(&b')') {
                    self.pos += 1;
                } else {
                    loop {
                        args.push(self.expr()?);
                        self.ws();
                        match self.b.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b')') => {
                                self.pos += 1;
                                break;
                            }
                            _ => {
                                return Err(format!("missing `)` after the arguments of `{name}`"));
                            }
                        }
                    }
                }
                Expr::Call(name, args, self.s[start..self.pos].trim().to_string())
            }
            Some(_) => {
                let c = self.s[self.pos..].chars().next().unwrap_or(' ');
                return Err(format!("unexpected `{c}`"));
            }
        };
        loop {
            self.ws();
            match self.b.get(self.pos) {
                Some(b'.') => {
                    self.pos += 1;
                    self.ws();
                    let s = self.pos;
                    while self
                        .b
                        .get(self.pos)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
                    {
                        self.pos += 1;
                    }
                    if s == self.pos {
                        return Err("a property name must follow `.`".into());
                    }
                    e = Expr::Prop(Box::new(e), self.s[s..self.pos].to_string());
                }
                Some(b'[') => {
                    self.pos += 1;
                    let i = self.expr()?;
                    self.ws();
                    if self.b.get(self.pos) != Some(&b']') {
                        return Err("missing `]`".into());
                    }
                    self.pos += 1;
                    e = Expr::Index(Box::new(e), Box::new(i));
                }
                _ => return Ok(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls_props_and_indexes() {
        let e = parse("concat(variables('a').b[0], 'it''s', -1)", "t", "").unwrap();
        let Expr::Call(n, args, text) = e else {
            unreachable!()
        };
        assert_eq!(n, "concat");
        assert_eq!(args.len(), 3);
        assert_eq!(text, "concat(variables('a').b[0], 'it''s', -1)");
        assert!(matches!(&args[1], Expr::Str(s) if s == "it's"));
        for bad in ["concat(", "'x", "a", "f(1", "f()]", ")"] {
            assert!(parse(bad, "t", "/x").is_err(), "{bad}");
        }
        let deep = format!("{}1{}", "f(".repeat(200), ")".repeat(200));
        let e = parse(&deep, "t", "/x").unwrap_err().to_string();
        assert!(e.contains("nested more than"), "{e}");
    }
}
