//! Bicep expressions, parsed and evaluated: literals, interpolated strings, arrays and
//! objects (multi-line), `for` arrays, identifiers (parameters, variables, loop variables),
//! calls, property and index access, `!`, `-`, comparisons, `&&`, `||`, `??` and the ternary.
//! Resource symbols, module outputs and deploy-time functions stay symbolic (their text).

use super::value::{At, Budget, Kind, Origin, Val};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Evaluation scope of one Bicep file.
pub struct Env<'a> {
    pub text: &'a str,
    pub origin: &'a str,
    /// Parameter values (supplied, default, or symbolic).
    pub params: BTreeMap<String, Val>,
    /// Variable declarations: name → byte offset of the value.
    pub vars: BTreeMap<String, usize>,
    memo: BTreeMap<String, Val>,
    in_progress: Vec<String>,
    pub bindings: Vec<(String, Val)>,
    pub files: &'a dyn super::value::Files,
}

struct P<'e, 'a> {
    env: &'e mut Env<'a>,
    pos: usize,
    end: usize,
    /// When false, the expression is only skipped (a branch not taken).
    live: bool,
}

type R = Result<Val>;

impl<'a> Env<'a> {
    pub fn new(text: &'a str, origin: &'a str, files: &'a dyn super::value::Files) -> Env<'a> {
        Env {
            text,
            origin,
            params: BTreeMap::new(),
            vars: BTreeMap::new(),
            memo: BTreeMap::new(),
            in_progress: Vec::new(),
            bindings: Vec::new(),
            files,
        }
    }

    pub fn err(&self, at: usize, m: impl Into<String>) -> Error {
        let (line, column) = crate::model::line_index::LineIndex::new(self.text).line_col(at);
        Error::Syntax {
            origin: self.origin.to_string(),
            line,
            column,
            message: m.into(),
        }
    }

    /// Evaluates the expression starting at `at` (up to the end of its line, or of the
    /// array or object it opens); returns the value and where it ends.
    pub fn eval_at(&mut self, at: usize, budget: &mut Budget) -> Result<(Val, usize)> {
        let end = self.text.len();
        let mut p = P {
            env: self,
            pos: at,
            end,
            live: true,
        };
        let v = p.expr(budget)?;
        Ok((v, p.pos))
    }

    pub fn variable(&mut self, name: &str, at: usize, budget: &mut Budget) -> R {
        if let Some(v) = self.memo.get(name) {
            return Ok(v.clone());
        }
        if self.in_progress.iter().any(|n| n == name) {
            let mut chain = self.in_progress.clone();
            chain.push(name.to_string());
            return Err(self.err(
                at,
                format!("variables refer to themselves: {}", chain.join(" -> ")),
            ));
        }
        let Some(off) = self.vars.get(name).copied() else {
            return Ok(Val::sym(name));
        };
        self.in_progress.push(name.to_string());
        let saved = std::mem::take(&mut self.bindings);
        budget.enter("a variable")?;
        let r = self.eval_at(off, budget);
        budget.leave();
        self.bindings = saved;
        self.in_progress.pop();
        let v = r?.0.with_via(name);
        self.memo.insert(name.to_string(), v.clone());
        Ok(v)
    }
}

fn origin(at: usize) -> Option<Rc<Origin>> {
    Some(Rc::new(Origin {
        at: At::Offset(at),
        file: None,
        via: None,
    }))
}

impl P<'_, '_> {
    fn b(&self) -> &[u8] {
        self.env.text.as_bytes()
    }
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.b()[self.pos])
    }
    fn err(&self, m: impl Into<String>) -> Error {
        self.env.err(self.pos, m)
    }
    /// Skips spaces and comments; newlines too when `nl`.
    fn ws(&mut self, nl: bool) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' if nl => self.pos += 1,
                b'/' if self.b().get(self.pos + 1) == Some(&b'/') => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'/' if self.b().get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    while self.pos < self.end && !self.b()[self.pos..].starts_with(b"*/") {
                        self.pos += 1;
                    }
                    self.pos = (self.pos + 2).min(self.end);
                }
                _ => break,
            }
        }
    }
    fn eat(&mut self, s: &str) -> bool {
        self.ws(false);
        if self.b()[self.pos..self.end].starts_with(s.as_bytes()) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Option<String> {
        let s = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        (self.pos > s && !self.b()[s].is_ascii_digit())
            .then(|| self.env.text[s..self.pos].to_string())
    }
    /// A symbolic value naming the source text from `start` to here.
    fn sym(&self, start: usize) -> Val {
        let t = self.env.text[start..self.pos].trim();
        Val::sym(crate::model::shown::one_line(t))
    }

    fn expr(&mut self, budget: &mut Budget) -> R {
        budget.enter("the expression")?;
        let r = self.ternary(budget);
        budget.leave();
        r
    }

    fn ternary(&mut self, budget: &mut Budget) -> R {
        let start = self.pos;
        let c = self.binary(0, budget)?;
        self.ws(false);
        if self.peek() == Some(b'?') && self.b().get(self.pos + 1) != Some(&b'?') {
            self.pos += 1;
            let live = self.live;
            let take = match c.kind {
                Kind::Bool(b) => Some(b),
                _ => None,
            };
            self.live = live && take != Some(false);
            let a = self.expr(budget)?;
            self.ws(true);
            if !self.eat(":") {
                return Err(self.err("expected `:` in a conditional expression"));
            }
            self.live = live && take != Some(true);
            let b = self.expr(budget)?;
            self.live = live;
            return Ok(match take {
                Some(true) => a,
                Some(false) => b,
                None => self.sym(start),
            });
        }
        Ok(c)
    }

    /// Binary operators by precedence level: `??`, `||`, `&&`, equality, comparison, `+ -`,
    /// `* / %`.
    fn binary(&mut self, level: usize, budget: &mut Budget) -> R {
        const LEVELS: [&[&str]; 7] = [
            &["??"],
            &["||"],
            &["&&"],
            &["==", "!=", "=~", "!~"],
            &["<=", ">=", "<", ">"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.unary(budget);
        }
        let start = self.pos;
        let mut l = self.binary(level + 1, budget)?;
        loop {
            self.ws(false);
            let Some(op) = LEVELS[level]
                .iter()
                .find(|op| self.b()[self.pos..self.end].starts_with(op.as_bytes()))
            else {
                return Ok(l);
            };
            // `=` alone is not an operator; `!` before `=` only as `!=`/`!~`.
            self.pos += op.len();
            let r = self.binary(level + 1, budget)?;
            l = self.apply_op(op, l, r, start);
        }
    }

    fn apply_op(&self, op: &str, l: Val, r: Val, start: usize) -> Val {
        if op == "??" {
            return match l.kind {
                Kind::Null => r,
                Kind::Sym(_) => self.sym(start),
                _ => l,
            };
        }
        if l.first_sym().is_some() || r.first_sym().is_some() {
            return self.sym(start);
        }
        let k = match (op, &l.kind, &r.kind) {
            ("==", _, _) => Kind::Bool(l.to_json() == r.to_json()),
            ("!=", _, _) => Kind::Bool(l.to_json() != r.to_json()),
            ("=~", Kind::Str(a), Kind::Str(b)) => Kind::Bool(a.eq_ignore_ascii_case(b)),
            ("!~", Kind::Str(a), Kind::Str(b)) => Kind::Bool(!a.eq_ignore_ascii_case(b)),
            ("&&", Kind::Bool(a), Kind::Bool(b)) => Kind::Bool(*a && *b),
            ("||", Kind::Bool(a), Kind::Bool(b)) => Kind::Bool(*a || *b),
            ("+", Kind::Num(a), Kind::Num(b)) => Kind::Num(a + b),
            ("-", Kind::Num(a), Kind::Num(b)) => Kind::Num(a - b),
            ("*", Kind::Num(a), Kind::Num(b)) => Kind::Num(a * b),
            ("<", Kind::Num(a), Kind::Num(b)) => Kind::Bool(a < b),
            (">", Kind::Num(a), Kind::Num(b)) => Kind::Bool(a > b),
            ("<=", Kind::Num(a), Kind::Num(b)) => Kind::Bool(a <= b),
            (">=", Kind::Num(a), Kind::Num(b)) => Kind::Bool(a >= b),
            _ => return self.sym(start),
        };
        Val::new(k, origin(start))
    }

    fn unary(&mut self, budget: &mut Budget) -> R {
        self.ws(false);
        let start = self.pos;
        if self.peek() == Some(b'!') {
            self.pos += 1;
            let v = self.unary(budget)?;
            return Ok(match v.kind {
                Kind::Bool(b) => Val::new(Kind::Bool(!b), origin(start)),
                _ => self.sym(start),
            });
        }
        if self.peek() == Some(b'-') && !self.b().get(self.pos + 1).is_some_and(u8::is_ascii_digit)
        {
            self.pos += 1;
            let v = self.unary(budget)?;
            return Ok(match v.kind {
                Kind::Num(n) => Val::new(Kind::Num(-n), origin(start)),
                _ => self.sym(start),
            });
        }
        self.postfix(budget)
    }

    fn postfix(&mut self, budget: &mut Budget) -> R {
        let start = self.pos;
        let mut v = self.primary(budget)?;
        loop {
            // No whitespace before `.`, `[`, `!` in Bicep postfix operators.
            match self.peek() {
                Some(b'.') | Some(b'?')
                    if {
                        let at = if self.peek() == Some(b'?') {
                            self.pos + 1
                        } else {
                            self.pos
                        };
                        self.b().get(at) == Some(&b'.')
                            && self
                                .b()
                                .get(at + 1)
                                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
                    } =>
                {
                    let safe = self.peek() == Some(b'?');
                    self.pos += if safe { 2 } else { 1 };
                    let name = self.ident().unwrap_or_default();
                    if self.peek() == Some(b'(') {
                        // A method-style call (`az.subscription()`, `x.listKeys()`).
                        self.pos += 1;
                        self.skip_args(budget)?;
                        v = self.sym(start);
                        continue;
                    }
                    v = match &v.kind {
                        Kind::Map(_) => match v.get(&name, false) {
                            Some(x) => x.clone(),
                            None if safe => Val::new(Kind::Null, origin(start)),
                            None if !self.live => Val::sym(""),
                            None => return Err(self.err(format!("no property `{name}`"))),
                        },
                        Kind::Null if safe => v.clone(),
                        _ => self.sym(start),
                    };
                }
                Some(b'[') => {
                    self.pos += 1;
                    let i = self.expr(budget)?;
                    self.ws(true);
                    if !self.eat("]") {
                        return Err(self.err("expected `]`"));
                    }
                    v = match (&v.kind, &i.kind) {
                        (Kind::List(items), Kind::Num(n)) => match items.get(*n as usize) {
                            Some(x) if *n >= 0.0 => x.clone(),
                            _ if !self.live => Val::sym(""),
                            _ => return Err(self.err("index out of range")),
                        },
                        (Kind::Map(_), Kind::Str(k)) => match v.get(k, false) {
                            Some(x) => x.clone(),
                            None if !self.live => Val::sym(""),
                            None => return Err(self.err(format!("no property `{k}`"))),
                        },
                        _ => self.sym(start),
                    };
                }
                Some(b'!') if self.b().get(self.pos + 1) != Some(&b'=') => {
                    self.pos += 1;
                }
                _ => return Ok(v),
            }
        }
    }

    fn skip_args(&mut self, budget: &mut Budget) -> Result<()> {
        let live = self.live;
        self.live = false;
        loop {
            self.ws(true);
            if self.eat(")") {
                break;
            }
            self.expr(budget)?;
            self.ws(true);
            self.eat(",");
            if self.pos >= self.end {
                self.live = live;
                return Err(self.err("missing `)`"));
            }
        }
        self.live = live;
        Ok(())
    }

    fn primary(&mut self, budget: &mut Budget) -> R {
        self.ws(false);
        budget.step(1)?;
        let start = self.pos;
        match self.peek() {
            None => Err(self.err("expected a value")),
            Some(b'\'') => self.string(budget),
            Some(b'(') => {
                self.pos += 1;
                self.ws(true);
                let v = self.expr(budget)?;
                self.ws(true);
                if !self.eat(")") {
                    return Err(self.err("expected `)`"));
                }
                Ok(v)
            }
            Some(b'[') => self.array(budget),
            Some(b'{') => self.object(budget),
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
                    self.pos += 1;
                }
                let t = &self.env.text[start..self.pos];
                let n: f64 = t
                    .parse()
                    .map_err(|_| self.err(format!("`{t}` is not a number")))?;
                Ok(Val::new(Kind::Num(n), origin(start)))
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.ident().unwrap_or_default();
                match name.as_str() {
                    "true" => return Ok(Val::new(Kind::Bool(true), origin(start))),
                    "false" => return Ok(Val::new(Kind::Bool(false), origin(start))),
                    "null" => return Ok(Val::new(Kind::Null, origin(start))),
                    _ => {}
                }
                // Namespaced call: `sys.concat(...)`, `az.subscription()`.
                let mut fname = name.clone();
                if (name == "sys" || name == "az") && self.peek() == Some(b'.') {
                    let save = self.pos;
                    self.pos += 1;
                    match self.ident() {
                        Some(n) if self.peek() == Some(b'(') => fname = n,
                        _ => self.pos = save,
                    }
                }
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    return self.call(&fname, start, budget);
                }
                if let Some((_, v)) = self.env.bindings.iter().rev().find(|(n, _)| *n == name) {
                    return Ok(v.clone());
                }
                if let Some(v) = self.env.params.get(&name) {
                    return Ok(v.clone());
                }
                if !self.live {
                    return Ok(Val::sym(name));
                }
                if self.env.vars.contains_key(&name) {
                    return self.env.variable(&name, start, budget);
                }
                Ok(Val::sym(name))
            }
            Some(c) => Err(self.err(format!("unexpected `{}`", c as char))),
        }
    }

    fn call(&mut self, name: &str, start: usize, budget: &mut Budget) -> R {
        let lower = name.to_ascii_lowercase();
        let mut args = Vec::new();
        loop {
            self.ws(true);
            if self.eat(")") {
                break;
            }
            if self.pos >= self.end {
                return Err(self.err("missing `)`"));
            }
            args.push(self.expr(budget)?);
            self.ws(true);
            self.eat(",");
        }
        if !self.live {
            return Ok(Val::sym(""));
        }
        let text = self.env.text[start..self.pos].to_string();
        if super::arm_eval::DEPLOY_TIME.contains(&lower.as_str()) || lower.starts_with("list") {
            return Ok(Val::sym(crate::model::shown::one_line(&text)));
        }
        if matches!(
            lower.as_str(),
            "loadjsoncontent" | "loadtextcontent" | "loadyamlcontent"
        ) {
            return self.load(&lower, args, start, &text);
        }
        if args.iter().any(Val::is_sym) {
            return Ok(self.sym(start));
        }
        super::arm_funcs::apply(&lower, args, &text, origin(start), budget)
            .map_err(|m| self.env.err(start, m))
    }

    fn load(&self, name: &str, args: Vec<Val>, start: usize, text: &str) -> R {
        let Some(Kind::Str(path)) = args.first().map(|a| &a.kind) else {
            return Ok(Val::sym(text));
        };
        let Some((file, content)) = self.env.files.read(self.env.origin, path)? else {
            return Err(self.env.err(
                start,
                format!("`{name}`: no file `{path}` next to the Bicep file"),
            ));
        };
        match name {
            "loadtextcontent" => Ok(Val::str(content, origin(start))),
            "loadjsoncontent" => {
                let v = crate::model::json::parse(&content, &file)?;
                let mut out = Val::from_json(&v, "", Some(&file));
                // A JSON path argument (`'$.a.b'`) selects a part.
                if let Some(Kind::Str(p)) = args.get(1).map(|a| &a.kind) {
                    for seg in p
                        .trim_start_matches('$')
                        .split('.')
                        .filter(|s| !s.is_empty())
                    {
                        out = out.get(seg, false).cloned().ok_or_else(|| {
                            self.env
                                .err(start, format!("`{name}`: `{file}` has no `{seg}`"))
                        })?;
                    }
                }
                Ok(out)
            }
            // YAML is not read: the value stays symbolic, named.
            _ => Ok(Val::sym(text)),
        }
    }

    fn string(&mut self, budget: &mut Budget) -> R {
        let start = self.pos;
        if self.b()[self.pos..self.end].starts_with(b"'''") {
            let body = self.pos + 3;
            let Some(len) = self.env.text[body..self.end].find("'''") else {
                return Err(self.err("unterminated multi-line string"));
            };
            self.pos = body + len + 3;
            return Ok(Val::str(&self.env.text[body..body + len], origin(start)));
        }
        self.pos += 1;
        let mut out = String::new();
        let mut symbolic = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.env.err(start, "unterminated string"));
            };
            match c {
                b'\'' => {
                    self.pos += 1;
                    break;
                }
                b'\n' => return Err(self.env.err(start, "unterminated string")),
                b'\\' => {
                    let e = self.b().get(self.pos + 1).copied();
                    self.pos += 2;
                    match e {
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'\'') => out.push('\''),
                        Some(b'$') => out.push('$'),
                        Some(b'u') => {
                            let close = self.env.text[self.pos..].find('}').map(|i| self.pos + i);
                            let ch = close
                                .and_then(|c| {
                                    u32::from_str_radix(self.env.text.get(self.pos + 1..c)?, 16)
                                        .ok()
                                })
                                .and_then(char::from_u32);
                            match (ch, close) {
                                (Some(ch), Some(c)) => {
                                    out.push(ch);
                                    self.pos = c + 1;
                                }
                                _ => return Err(self.err("invalid \\u{...} escape")),
                            }
                        }
                        _ => return Err(self.err("invalid escape in string")),
                    }
                }
                b'$' if self.b().get(self.pos + 1) == Some(&b'{') => {
                    self.pos += 2;
                    self.ws(true);
                    let v = self.expr(budget)?;
                    self.ws(true);
                    if !self.eat("}") {
                        return Err(self.err("expected `}` closing `${`"));
                    }
                    match v.scalar_text() {
                        Some(t) => out.push_str(&t),
                        None if matches!(v.kind, Kind::Null) => {}
                        None => symbolic = true,
                    }
                }
                _ => {
                    let ch = self.env.text[self.pos..]
                        .chars()
                        .next()
                        .unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        if symbolic {
            return Ok(self.sym(start));
        }
        Ok(Val::str(out, origin(start)))
    }

    fn array(&mut self, budget: &mut Budget) -> R {
        let start = self.pos;
        self.pos += 1;
        self.ws(true);
        let save = self.pos;
        if self.ident().as_deref() == Some("for")
            && self.peek().is_some_and(|c| c == b' ' || c == b'(')
        {
            return self.for_array(start, budget);
        }
        self.pos = save;
        let mut items = Vec::new();
        loop {
            self.ws(true);
            self.eat(",");
            self.ws(true);
            if self.eat("]") {
                break;
            }
            if self.pos >= self.end {
                return Err(self.env.err(start, "missing `]`"));
            }
            if self.b()[self.pos..].starts_with(b"...") {
                let sp = self.pos;
                self.pos += 3;
                let v = self.expr(budget)?;
                match v.kind {
                    Kind::List(l) => items.extend(l),
                    _ => items.push(self.sym(sp)),
                }
                continue;
            }
            items.push(self.expr(budget)?);
            budget.items(items.len())?;
        }
        Ok(Val::new(Kind::List(items), origin(start)))
    }

    /// `[for x in coll: body]`, `[for (x, i) in coll: body]`, with an optional `if (c)`.
    fn for_array(&mut self, start: usize, budget: &mut Budget) -> R {
        self.ws(false);
        let (item, index) = if self.eat("(") {
            self.ws(false);
            let a = self.ident();
            self.ws(false);
            self.eat(",");
            self.ws(false);
            let b = self.ident();
            self.ws(false);
            self.eat(")");
            (a, b)
        } else {
            (self.ident(), None)
        };
        let Some(item) = item else {
            return Err(self.err("expected a loop variable after `for`"));
        };
        self.ws(false);
        if self.ident().as_deref() != Some("in") {
            return Err(self.err("expected `in` in a `for` loop"));
        }
        let coll = self.expr(budget)?;
        self.ws(true);
        if !self.eat(":") {
            return Err(self.err("expected `:` after the `for` loop header"));
        }
        let body_at = self.pos;
        let items: Option<Vec<Val>> = match coll.kind {
            Kind::List(l) => Some(l),
            _ => None,
        };
        let live = self.live;
        let mut out = Vec::new();
        match items {
            Some(items) if live => {
                budget.items(items.len())?;
                for (i, v) in items.into_iter().enumerate() {
                    self.pos = body_at;
                    let n = self.env.bindings.len();
                    self.env.bindings.push((item.clone(), v));
                    if let Some(ix) = &index {
                        self.env
                            .bindings
                            .push((ix.clone(), Val::new(Kind::Num(i as f64), None)));
                    }
                    let r = self.loop_body(budget);
                    self.env.bindings.truncate(n);
                    if let Some(v) = r? {
                        out.push(v);
                    }
                }
                if out.is_empty() {
                    // Reach the end of the loop even with no iteration.
                    self.pos = body_at;
                    self.live = false;
                    self.loop_body(budget)?;
                    self.live = live;
                }
            }
            _ => {
                self.live = false;
                self.loop_body(budget)?;
                self.live = live;
                self.ws(true);
                self.eat("]");
                return Ok(self.sym(start));
            }
        }
        self.ws(true);
        if !self.eat("]") {
            return Err(self.err("expected `]` closing the `for` loop"));
        }
        Ok(Val::new(Kind::List(out), origin(start)))
    }

    /// A loop body with an optional `if (c)` filter: `None` when filtered out.
    fn loop_body(&mut self, budget: &mut Budget) -> Result<Option<Val>> {
        self.ws(true);
        let save = self.pos;
        if self.ident().as_deref() == Some("if") {
            self.ws(false);
            let c = self.expr(budget)?;
            let live = self.live;
            let keep = !matches!(c.kind, Kind::Bool(false));
            self.live = live && keep;
            let v = self.expr(budget)?;
            self.live = live;
            if !keep {
                return Ok(None);
            }
            if !matches!(c.kind, Kind::Bool(true)) {
                return Ok(Some(Val::sym(
                    "an item kept only if a deploy-time condition holds",
                )));
            }
            return Ok(Some(v));
        }
        self.pos = save;
        Ok(Some(self.expr(budget)?))
    }

    fn object(&mut self, budget: &mut Budget) -> R {
        let start = self.pos;
        self.pos += 1;
        let mut props: Vec<(String, Val)> = Vec::new();
        loop {
            self.ws(true);
            self.eat(",");
            self.ws(true);
            if self.eat("}") {
                break;
            }
            if self.pos >= self.end {
                return Err(self.env.err(start, "missing `}`"));
            }
            if self.peek() == Some(b'@') {
                // A decorator: skip to the end of its line.
                while self.peek().is_some_and(|c| c != b'\n') {
                    self.pos += 1;
                }
                continue;
            }
            if self.b()[self.pos..].starts_with(b"...") {
                let sp = self.pos;
                self.pos += 3;
                let v = self.expr(budget)?;
                match v.kind {
                    Kind::Map(m) => {
                        for (k, x) in m {
                            props.retain(|(o, _)| *o != k);
                            props.push((k, x));
                        }
                    }
                    _ => props.push((super::bicep_parse::SPREAD.to_string(), self.sym(sp))),
                }
                continue;
            }
            let key = if self.peek() == Some(b'\'') {
                match self.string(budget)?.kind {
                    Kind::Str(s) => s,
                    _ => return self.skip_rest_of_object(start, budget),
                }
            } else {
                match self.ident() {
                    Some(k) => k,
                    None => return Err(self.err("expected a property name")),
                }
            };
            self.ws(false);
            if !self.eat(":") {
                return Err(self.err(format!("expected `:` after property `{key}`")));
            }
            let v = self.expr(budget)?;
            props.retain(|(o, _)| *o != key);
            props.push((key, v));
        }
        Ok(Val::new(Kind::Map(props), origin(start)))
    }

    /// An object with a key known only at deployment: the rest is parsed, the object is
    /// symbolic.
    fn skip_rest_of_object(&mut self, start: usize, budget: &mut Budget) -> R {
        let live = self.live;
        self.live = false;
        self.ws(false);
        self.eat(":");
        self.expr(budget)?;
        let r = self.object_tail(budget);
        self.live = live;
        r?;
        Ok(self.sym(start))
    }

    fn object_tail(&mut self, budget: &mut Budget) -> Result<()> {
        loop {
            self.ws(true);
            self.eat(",");
            self.ws(true);
            if self.eat("}") {
                return Ok(());
            }
            if self.pos >= self.end {
                return Err(self.err("missing `}`"));
            }
            if self.peek() == Some(b'\'') {
                self.string(budget)?;
            } else if self.ident().is_none() {
                return Err(self.err("expected a property name"));
            }
            self.ws(false);
            self.eat(":");
            self.expr(budget)?;
        }
    }
}
