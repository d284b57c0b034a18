//! The Terraform partial evaluator over hcl-edit expressions: `var.*` (tfvars, then
//! `default`), `local.*`, `each.*`, `count.index`, iterator bindings of `for` expressions and
//! `dynamic` blocks, templates, conditionals, operators and the functions role files use.
//! Data sources, other resources' attributes and anything not listed stay symbolic, named by
//! their source text.

use super::value::{At, Budget, Files, Kind, Origin, Val, num_text};
use crate::error::{Error, Result};
use hcl_edit::Span;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::Body;
use hcl_edit::template::{Element, Template};
use std::collections::BTreeMap;
use std::rc::Rc;

/// One file of the module: (origin, text, parsed body).
pub struct Source {
    pub origin: String,
    pub text: String,
    pub body: Body,
}

/// A Terraform module's evaluation scope.
pub struct Scope<'a> {
    /// The file being read is `sources[0]`; the others are its module's other `.tf` files.
    pub sources: &'a [Source],
    pub files: &'a dyn Files,
    vars: BTreeMap<String, Val>,
    locals: BTreeMap<String, (usize, &'a Expression)>,
    memo: BTreeMap<String, Val>,
    in_progress: Vec<String>,
    /// Names bound by `for_each`/`count`/`for`/`dynamic` (innermost last).
    pub bindings: Vec<(String, Val)>,
    /// Index of the source whose expression is being evaluated.
    cur: usize,
}

fn parse_err(origin: &str, e: &hcl_edit::parser::Error) -> Error {
    Error::Syntax {
        origin: origin.to_string(),
        line: e.location().line(),
        column: e.location().column(),
        message: e.message().trim().to_string(),
    }
}

/// Parses a `.tf` or `.tfvars` text.
pub fn parse_body(text: &str, origin: &str) -> Result<Body> {
    hcl_edit::parser::parse_body(text).map_err(|e| parse_err(origin, &e))
}

impl<'a> Scope<'a> {
    /// The scope of the module whose files are `sources`, with variable values from tfvars
    /// bodies (later ones win) over declared defaults.
    pub fn new(
        sources: &'a [Source],
        tfvars: &[Source],
        files: &'a dyn Files,
        budget: &mut Budget,
    ) -> Result<Scope<'a>> {
        let mut s = Scope {
            sources,
            files,
            vars: BTreeMap::new(),
            locals: BTreeMap::new(),
            memo: BTreeMap::new(),
            in_progress: Vec::new(),
            bindings: Vec::new(),
            cur: 0,
        };
        let mut supplied: BTreeMap<String, Val> = BTreeMap::new();
        let empty: [Source; 0] = [];
        for tv in tfvars {
            let mut vs = Scope {
                sources: std::slice::from_ref(tv),
                files,
                vars: BTreeMap::new(),
                locals: BTreeMap::new(),
                memo: BTreeMap::new(),
                in_progress: Vec::new(),
                bindings: Vec::new(),
                cur: 0,
            };
            let _ = &empty;
            for attr in tv.body.attributes() {
                let v = vs.eval(&attr.value, budget)?;
                supplied.insert(attr.key.value().to_string(), v);
            }
        }
        for (i, src) in sources.iter().enumerate() {
            for block in src.body.blocks() {
                match block.ident.value().as_str() {
                    "variable" => {
                        let Some(name) = block.labels.first().map(label) else {
                            continue;
                        };
                        let via = format!("var.{name}");
                        let v = if let Some(v) = supplied.get(name) {
                            v.clone().with_via(&via)
                        } else if let Some(d) = block
                            .body
                            .attributes()
                            .find(|a| a.key.value().as_str() == "default")
                        {
                            s.cur = i;
                            s.eval(&d.value, budget)?.with_via(&via)
                        } else {
                            Val::sym(&via)
                        };
                        s.vars.insert(name.to_string(), v);
                    }
                    "locals" => {
                        for attr in block.body.attributes() {
                            s.locals
                                .insert(attr.key.value().to_string(), (i, &attr.value));
                        }
                    }
                    _ => {}
                }
            }
        }
        s.cur = 0;
        Ok(s)
    }

    fn err(&self, e: &Expression, message: impl Into<String>) -> Error {
        let src = &self.sources[self.cur];
        let (line, column) = e.span().map_or((1, 1), |sp| {
            crate::model::line_index::LineIndex::new(&src.text).line_col(sp.start)
        });
        Error::Syntax {
            origin: src.origin.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    /// The source text of an expression (one line).
    pub fn source(&self, e: &Expression) -> String {
        e.span()
            .and_then(|s| self.sources[self.cur].text.get(s))
            .map(|s| crate::model::shown::one_line(s.trim()))
            .unwrap_or_else(|| "an expression".to_string())
    }

    fn here(&self, e: &Expression) -> Option<Rc<Origin>> {
        let at = e.span().map_or(0, |s| s.start);
        Some(Rc::new(Origin {
            at: At::Offset(at),
            file: (self.cur != 0).then(|| self.sources[self.cur].origin.clone()),
            via: None,
        }))
    }

    fn sym(&self, e: &Expression) -> Val {
        Val::sym(self.source(e))
    }

    /// Evaluates an expression of the current source.
    pub fn eval(&mut self, e: &Expression, budget: &mut Budget) -> Result<Val> {
        budget.enter("the expression")?;
        let r = self.eval_inner(e, budget);
        budget.leave();
        r
    }

    fn eval_inner(&mut self, e: &Expression, budget: &mut Budget) -> Result<Val> {
        let here = self.here(e);
        Ok(match e {
            Expression::Null(_) => Val::new(Kind::Null, here),
            Expression::Bool(b) => Val::new(Kind::Bool(*b.value()), here),
            Expression::Number(n) => Val::new(Kind::Num(n.value().as_f64().unwrap_or(0.0)), here),
            Expression::String(s) => Val::str(s.value().to_string(), here),
            Expression::StringTemplate(t) => self.template(t, e, budget)?,
            Expression::HeredocTemplate(h) => self.template(&h.template, e, budget)?,
            Expression::Parenthesis(p) => self.eval(p.inner(), budget)?,
            Expression::Array(items) => {
                budget.items(items.len())?;
                let mut out = Vec::with_capacity(items.len());
                for i in items.iter() {
                    out.push(self.eval(i, budget)?);
                }
                Val::new(Kind::List(out), here)
            }
            Expression::Object(o) => {
                let mut out: Vec<(String, Val)> = Vec::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.value().to_string(),
                        ObjectKey::Expression(ke) => match self.eval(ke, budget)?.scalar_text() {
                            Some(t) => t,
                            None => return Ok(self.sym(e)),
                        },
                    };
                    let val = self.eval(v.expr(), budget)?;
                    out.retain(|(x, _)| *x != key);
                    out.push((key, val));
                }
                Val::new(Kind::Map(out), here)
            }
            Expression::Variable(v) => {
                let name = v.value().as_str();
                match self.bindings.iter().rev().find(|(n, _)| n == name) {
                    Some((_, v)) => v.clone(),
                    None => self.sym(e),
                }
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, budget)?;
                match cond.kind {
                    Kind::Bool(true) => self.eval(&c.true_expr, budget)?,
                    Kind::Bool(false) => self.eval(&c.false_expr, budget)?,
                    _ => self.sym(e),
                }
            }
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, budget)?;
                match (u.operator.value(), &v.kind) {
                    (UnaryOperator::Not, Kind::Bool(b)) => Val::new(Kind::Bool(!b), here),
                    (UnaryOperator::Neg, Kind::Num(n)) => Val::new(Kind::Num(-n), here),
                    _ => self.sym(e),
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.eval(&b.lhs_expr, budget)?;
                let r = self.eval(&b.rhs_expr, budget)?;
                if l.first_sym().is_some() || r.first_sym().is_some() {
                    return Ok(self.sym(e));
                }
                let k = match (b.operator.value(), &l.kind, &r.kind) {
                    (BinaryOperator::Eq, _, _) => Kind::Bool(l.to_json() == r.to_json()),
                    (BinaryOperator::NotEq, _, _) => Kind::Bool(l.to_json() != r.to_json()),
                    (BinaryOperator::And, Kind::Bool(x), Kind::Bool(y)) => Kind::Bool(*x && *y),
                    (BinaryOperator::Or, Kind::Bool(x), Kind::Bool(y)) => Kind::Bool(*x || *y),
                    (op, Kind::Num(x), Kind::Num(y)) => match op {
                        BinaryOperator::Plus => Kind::Num(x + y),
                        BinaryOperator::Minus => Kind::Num(x - y),
                        BinaryOperator::Mul => Kind::Num(x * y),
                        BinaryOperator::Less => Kind::Bool(x < y),
                        BinaryOperator::LessEq => Kind::Bool(x <= y),
                        BinaryOperator::Greater => Kind::Bool(x > y),
                        BinaryOperator::GreaterEq => Kind::Bool(x >= y),
                        _ => return Ok(self.sym(e)),
                    },
                    _ => {
                        return Err(self.err(
                            e,
                            format!("`{}`: operands of the wrong type", self.source(e)),
                        ));
                    }
                };
                Val::new(k, here)
            }
            Expression::Traversal(t) => {
                let root = match &t.expr {
                    Expression::Variable(v) => Some(v.value().as_str()),
                    _ => None,
                };
                let mut ops = t.operators.iter().map(|o| o.value()).peekable();
                let mut cur = match (root, ops.peek()) {
                    (Some("var"), Some(TraversalOperator::GetAttr(n))) => {
                        let n = n.value().to_string();
                        ops.next();
                        self.vars
                            .get(&n)
                            .cloned()
                            .unwrap_or_else(|| Val::sym(format!("var.{n}")))
                    }
                    (Some("local"), Some(TraversalOperator::GetAttr(n))) => {
                        let n = n.value().to_string();
                        ops.next();
                        self.local(&n, e, budget)?
                    }
                    (Some("path"), Some(TraversalOperator::GetAttr(n)))
                        if matches!(n.value().as_str(), "module" | "root") =>
                    {
                        ops.next();
                        Val::str(".", here.clone())
                    }
                    (Some(r), _) if self.bindings.iter().any(|(n, _)| n == r) => {
                        self.eval(&t.expr, budget)?
                    }
                    _ => return Ok(self.sym(e)),
                };
                for op in ops {
                    if cur.is_sym() {
                        return Ok(self.sym(e));
                    }
                    cur = match op {
                        TraversalOperator::GetAttr(n) => match cur.get(n.value().as_str(), false) {
                            Some(v) => v.clone(),
                            None => {
                                return Err(self.err(
                                    e,
                                    format!(
                                        "`{}`: no attribute `{}`",
                                        self.source(e),
                                        n.value().as_str()
                                    ),
                                ));
                            }
                        },
                        TraversalOperator::Index(ix) => {
                            let i = self.eval(ix, budget)?;
                            self.index(&cur, &i, e)?
                        }
                        TraversalOperator::LegacyIndex(n) => {
                            let i = Val::new(Kind::Num(*n.value() as f64), None);
                            self.index(&cur, &i, e)?
                        }
                        _ => return Ok(self.sym(e)),
                    };
                }
                if cur.is_sym() { self.sym(e) } else { cur }
            }
            Expression::FuncCall(f) => {
                let name = f.name.name.value().to_string();
                if f.name.is_namespaced() {
                    return Ok(self.sym(e));
                }
                if name == "try" || name == "can" {
                    for a in f.args.iter() {
                        match self.eval(a, budget) {
                            Ok(v) if v.is_sym() => return Ok(self.sym(e)),
                            Ok(v) if name == "try" => return Ok(v),
                            Ok(_) => return Ok(Val::new(Kind::Bool(true), here)),
                            Err(_) if name == "can" => {
                                return Ok(Val::new(Kind::Bool(false), here));
                            }
                            Err(_) => continue,
                        }
                    }
                    return Err(self.err(e, format!("`{}`: no argument evaluates", self.source(e))));
                }
                let mut args = Vec::with_capacity(f.args.len());
                for a in f.args.iter() {
                    args.push(self.eval(a, budget)?);
                }
                if f.args.expand_final()
                    && let Some(last) = args.pop()
                {
                    match last.kind {
                        Kind::List(items) => args.extend(items),
                        _ => return Ok(self.sym(e)),
                    }
                }
                if args.iter().any(|a| a.first_sym().is_some())
                    && !matches!(
                        name.as_str(),
                        "concat"
                            | "flatten"
                            | "tolist"
                            | "toset"
                            | "distinct"
                            | "merge"
                            | "lookup"
                            | "length"
                    )
                {
                    return Ok(self.sym(e));
                }
                if args.iter().any(Val::is_sym) {
                    return Ok(self.sym(e));
                }
                match super::terraform_funcs::apply(self, &name, args, here, budget) {
                    Ok(Some(v)) => v,
                    Ok(None) => self.sym(e),
                    Err(m) => return Err(self.err(e, format!("`{}`: {m}", self.source(e)))),
                }
            }
            Expression::ForExpr(fe) => {
                let coll = self.eval(&fe.intro.collection_expr, budget)?;
                let pairs: Vec<(Val, Val)> = match coll.kind {
                    Kind::List(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (Val::new(Kind::Num(i as f64), None), v))
                        .collect(),
                    Kind::Map(m) => m.into_iter().map(|(k, v)| (Val::str(k, None), v)).collect(),
                    _ => return Ok(self.sym(e)),
                };
                budget.items(pairs.len())?;
                let kv = fe.intro.key_var.as_ref().map(|k| k.value().to_string());
                let vv = fe.intro.value_var.value().to_string();
                let mut list = Vec::new();
                let mut map: Vec<(String, Val)> = Vec::new();
                for (k, v) in pairs {
                    let n = self.bindings.len();
                    if let Some(kv) = &kv {
                        self.bindings.push((kv.clone(), k));
                    }
                    self.bindings.push((vv.clone(), v));
                    let r = self.for_item(fe, budget);
                    self.bindings.truncate(n);
                    match r? {
                        None => {}
                        Some((_, v)) if v.is_sym() => return Ok(self.sym(e)),
                        Some((Some(k), v)) => {
                            if fe.grouping {
                                match map.iter_mut().find(|(x, _)| *x == k) {
                                    Some((
                                        _,
                                        Val {
                                            kind: Kind::List(l),
                                            ..
                                        },
                                    )) => l.push(v),
                                    _ => map.push((k, Val::new(Kind::List(vec![v]), None))),
                                }
                            } else {
                                if map.iter().any(|(x, _)| *x == k) {
                                    return Err(self.err(
                                        e,
                                        format!("`for` expression gives key `{k}` twice"),
                                    ));
                                }
                                map.push((k, v));
                            }
                        }
                        Some((None, v)) => list.push(v),
                    }
                }
                if fe.key_expr.is_some() {
                    Val::new(Kind::Map(map), here)
                } else {
                    Val::new(Kind::List(list), here)
                }
            }
        })
    }

    /// One item of a `for` expression: `None` when filtered out; the key is `Some` for
    /// object results.
    #[allow(clippy::type_complexity)]
    fn for_item(
        &mut self,
        fe: &hcl_edit::expr::ForExpr,
        budget: &mut Budget,
    ) -> Result<Option<(Option<String>, Val)>> {
        if let Some(c) = &fe.cond {
            match self.eval(&c.expr, budget)?.kind {
                Kind::Bool(true) => {}
                Kind::Bool(false) => return Ok(None),
                _ => return Ok(Some((None, self.sym(&c.expr)))),
            }
        }
        let key = match &fe.key_expr {
            Some(k) => match self.eval(k, budget)?.scalar_text() {
                Some(t) => Some(t),
                None => return Ok(Some((None, self.sym(k)))),
            },
            None => None,
        };
        Ok(Some((key, self.eval(&fe.value_expr, budget)?)))
    }

    fn index(&self, cur: &Val, i: &Val, e: &Expression) -> Result<Val> {
        match (&cur.kind, &i.kind) {
            (_, Kind::Sym(_)) => Ok(self.sym(e)),
            (Kind::List(items), Kind::Num(n)) => items
                .get(*n as usize)
                .filter(|_| *n >= 0.0)
                .cloned()
                .ok_or_else(|| {
                    self.err(
                        e,
                        format!(
                            "`{}`: index {} is out of range",
                            self.source(e),
                            num_text(*n)
                        ),
                    )
                }),
            (Kind::Map(_), _) => {
                let k = i.scalar_text().unwrap_or_default();
                cur.get(&k, false)
                    .cloned()
                    .ok_or_else(|| self.err(e, format!("`{}`: no key `{k}`", self.source(e))))
            }
            _ => Err(self.err(e, format!("`{}` cannot be indexed", self.source(e)))),
        }
    }

    fn local(&mut self, name: &str, at: &Expression, budget: &mut Budget) -> Result<Val> {
        if let Some(v) = self.memo.get(name) {
            return Ok(v.clone());
        }
        if self.in_progress.iter().any(|n| n == name) {
            let mut chain = self.in_progress.clone();
            chain.push(name.to_string());
            return Err(self.err(
                at,
                format!("locals refer to themselves: {}", chain.join(" -> ")),
            ));
        }
        let Some((src, expr)) = self.locals.get(name).copied() else {
            return Ok(Val::sym(format!("local.{name}")));
        };
        self.in_progress.push(name.to_string());
        let (saved_cur, saved_bindings) = (self.cur, std::mem::take(&mut self.bindings));
        self.cur = src;
        let r = self.eval(expr, budget);
        self.cur = saved_cur;
        self.bindings = saved_bindings;
        self.in_progress.pop();
        let v = r?.with_via(&format!("local.{name}"));
        self.memo.insert(name.to_string(), v.clone());
        Ok(v)
    }

    fn template(&mut self, t: &Template, e: &Expression, budget: &mut Budget) -> Result<Val> {
        let mut out = String::new();
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push_str(s.as_str()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, budget)?;
                    match v.scalar_text() {
                        Some(s) => out.push_str(&s),
                        None if matches!(v.kind, Kind::Null) => {}
                        None => return Ok(self.sym(e)),
                    }
                }
                Element::Directive(_) => return Ok(self.sym(e)),
            }
        }
        Ok(Val::str(out, self.here(e)))
    }

    /// Reads a file of the module (for `file()`); `None` when there is none.
    pub fn read_file(&self, rel: &str) -> Result<Option<(String, String)>> {
        self.files.read(&self.sources[0].origin, rel)
    }
}

fn label(l: &hcl_edit::structure::BlockLabel) -> &str {
    match l {
        hcl_edit::structure::BlockLabel::Ident(i) => i.value().as_str(),
        hcl_edit::structure::BlockLabel::String(s) => s.value().as_str(),
    }
}
