//! The ARM template partial evaluator: parameters (defaults and supplied values), variables
//! (with `copy`), the template functions role templates use, `copyIndex()`, and property
//! and index access. Deploy-time functions (`subscription()`, `guid()`, `reference()`, ...)
//! and anything not listed stay symbolic, named by their expression text.

use super::arm_expr::{self, Expr};
use super::value::{At, Budget, Kind, Origin, Val, num_text};
use crate::error::{Error, Result};
use crate::model::json::escape;
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The functions whose value is known only at deployment (never guessed).
pub(crate) const DEPLOY_TIME: &[&str] = &[
    "subscription",
    "resourcegroup",
    "managementgroup",
    "tenant",
    "deployment",
    "environment",
    "guid",
    "newguid",
    "uniquestring",
    "utcnow",
    "reference",
    "resourceid",
    "subscriptionresourceid",
    "tenantresourceid",
    "managementgroupresourceid",
    "extensionresourceid",
    "providers",
    "pickzones",
    "deployer",
];

/// One template's evaluation scope: its parameters and variables.
pub struct Env<'a> {
    pub origin: &'a str,
    /// Lower-cased parameter name → value (supplied, default, or symbolic).
    params: BTreeMap<String, Val>,
    /// Lower-cased variable name → (pointer, declaration).
    vars: BTreeMap<String, (String, &'a Value)>,
    /// Variables defined by a top-level `copy` array: name → (pointer, the copy element).
    var_copies: BTreeMap<String, (String, &'a Value)>,
    memo: BTreeMap<String, Val>,
    in_progress: Vec<String>,
    /// The `copyIndex()` values in force: (loop name, index).
    pub copies: Vec<(String, i64)>,
}

fn origin_at(pointer: &str, via: Option<&str>) -> Option<Rc<Origin>> {
    Some(Rc::new(Origin {
        at: At::Pointer(pointer.to_string()),
        file: None,
        via: via.map(str::to_string),
    }))
}

fn ci_get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(m) => m
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn ci_key(v: &Value, key: &str) -> Option<String> {
    match v {
        Value::Object(m) => m.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned(),
        _ => None,
    }
}

impl<'a> Env<'a> {
    /// The scope of a template at `base`, with supplied parameter values (lower-cased name →
    /// value), evaluating defaults where none is supplied.
    pub fn new(
        template: &'a Value,
        origin: &'a str,
        base: &str,
        supplied: BTreeMap<String, Val>,
        budget: &mut Budget,
    ) -> Result<Env<'a>> {
        let mut env = Env {
            origin,

            params: BTreeMap::new(),
            vars: BTreeMap::new(),
            var_copies: BTreeMap::new(),
            memo: BTreeMap::new(),
            in_progress: Vec::new(),
            copies: Vec::new(),
        };
        if let Some(k) = ci_key(template, "variables")
            && let Some(Value::Object(vars)) = ci_get(template, &k)
        {
            let vp = format!("{base}/{}", escape(&k));
            for (name, decl) in vars {
                if name.eq_ignore_ascii_case("copy") {
                    if let Value::Array(items) = decl {
                        for (i, item) in items.iter().enumerate() {
                            if let Some(Value::String(n)) = ci_get(item, "name") {
                                env.var_copies.insert(
                                    n.to_ascii_lowercase(),
                                    (format!("{vp}/{}/{i}", escape(name)), item),
                                );
                            }
                        }
                    }
                    continue;
                }
                env.vars.insert(
                    name.to_ascii_lowercase(),
                    (format!("{vp}/{}", escape(name)), decl),
                );
            }
        }
        if let Some(k) = ci_key(template, "parameters")
            && let Some(Value::Object(params)) = ci_get(template, &k)
        {
            let pp = format!("{base}/{}", escape(&k));
            for (name, decl) in params {
                let lower = name.to_ascii_lowercase();
                let at = format!("{pp}/{}", escape(name));
                let via = format!("parameters('{name}')");
                let v = if let Some(v) = supplied.get(&lower) {
                    v.clone().with_via(&via)
                } else if let Some(dk) = ci_key(decl, "defaultValue")
                    && let Some(d) = ci_get(decl, &dk)
                {
                    env.eval_json(d, &format!("{at}/{}", escape(&dk)), budget)?
                        .with_via(&via)
                } else {
                    Val::sym(&via)
                };
                env.params.insert(lower, v);
            }
        }
        Ok(env)
    }

    fn err(&self, pointer: &str, m: impl Into<String>) -> Error {
        Error::shape(self.origin, pointer, m)
    }

    /// Evaluates a JSON value of the template: expressions in strings, `[[` literals,
    /// property `copy` arrays in objects.
    pub fn eval_json(&mut self, v: &Value, pointer: &str, budget: &mut Budget) -> Result<Val> {
        budget.step(1)?;
        Ok(match v {
            Value::String(s) => {
                let t = s.trim();
                if t.starts_with("[[") {
                    Val::str(s.replacen("[[", "[", 1), origin_at(pointer, None))
                } else if t.starts_with('[') && t.ends_with(']') && t.len() >= 2 {
                    let e = arm_expr::parse(&t[1..t.len() - 1], self.origin, pointer)?;
                    budget.enter("the expression")?;
                    let r = self.eval(&e, pointer, budget);
                    budget.leave();
                    r?
                } else {
                    Val::str(s.clone(), origin_at(pointer, None))
                }
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    out.push(self.eval_json(x, &format!("{pointer}/{i}"), budget)?);
                }
                Val::new(Kind::List(out), origin_at(pointer, None))
            }
            Value::Object(m) => {
                let mut out = Vec::with_capacity(m.len());
                for (k, x) in m {
                    let p = format!("{pointer}/{}", escape(k));
                    if k.eq_ignore_ascii_case("copy")
                        && let Value::Array(loops) = x
                    {
                        for (i, l) in loops.iter().enumerate() {
                            let lp = format!("{p}/{i}");
                            let (name, list) = self.copy_array(l, &lp, budget)?;
                            out.push((name, list));
                        }
                        continue;
                    }
                    out.push((k.clone(), self.eval_json(x, &p, budget)?));
                }
                Val::new(Kind::Map(out), origin_at(pointer, None))
            }
            Value::Null => Val::new(Kind::Null, origin_at(pointer, None)),
            Value::Bool(b) => Val::new(Kind::Bool(*b), origin_at(pointer, None)),
            Value::Number(n) => Val::new(
                Kind::Num(n.as_f64().unwrap_or(0.0)),
                origin_at(pointer, None),
            ),
        })
    }

    /// A `copy` element `{name, count, input}`: the list it builds, under its name.
    fn copy_array(
        &mut self,
        l: &Value,
        pointer: &str,
        budget: &mut Budget,
    ) -> Result<(String, Val)> {
        let name = match ci_get(l, "name") {
            Some(Value::String(n)) => n.clone(),
            _ => return Err(self.err(pointer, "a `copy` element needs a string `name`")),
        };
        let count = match ci_get(l, "count") {
            Some(c) => self.eval_json(c, &format!("{pointer}/count"), budget)?,
            None => return Err(self.err(pointer, "a `copy` element needs a `count`")),
        };
        let n = match count.kind {
            Kind::Num(n) if n >= 0.0 && n.fract() == 0.0 => n as usize,
            Kind::Sym(s) => {
                return Ok((name, Val::sym(format!("copy of {s} items"))));
            }
            _ => {
                return Err(self.err(
                    pointer,
                    format!("`count` is {}, not a whole number", count.kind_name()),
                ));
            }
        };
        budget.items(n)?;
        let input = ci_get(l, "input").unwrap_or(&Value::Null);
        let ik = ci_key(l, "input").unwrap_or_else(|| "input".into());
        let mut items = Vec::with_capacity(n);
        for i in 0..n {
            self.copies.push((name.to_ascii_lowercase(), i as i64));
            let r = self.eval_json(input, &format!("{pointer}/{}", escape(&ik)), budget);
            self.copies.pop();
            items.push(r?);
        }
        Ok((name, Val::new(Kind::List(items), origin_at(pointer, None))))
    }

    fn variable(&mut self, name: &str, pointer: &str, budget: &mut Budget) -> Result<Val> {
        let lower = name.to_ascii_lowercase();
        if let Some(v) = self.memo.get(&lower) {
            return Ok(v.clone());
        }
        if self.in_progress.contains(&lower) {
            let mut chain = self.in_progress.clone();
            chain.push(lower);
            return Err(self.err(
                pointer,
                format!("variables refer to themselves: {}", chain.join(" -> ")),
            ));
        }
        let via = format!("variables('{name}')");
        self.in_progress.push(lower.clone());
        budget.enter("a variable")?;
        let r = if let Some((p, decl)) = self.vars.get(&lower).cloned() {
            self.eval_json(decl, &p, budget)
        } else if let Some((p, decl)) = self.var_copies.get(&lower).cloned() {
            self.copy_array(decl, &p, budget).map(|(_, v)| v)
        } else {
            // An undeclared variable (a template fragment): symbolic, never guessed.
            Ok(Val::sym(format!("variables('{name}')")))
        };
        budget.leave();
        self.in_progress.pop();
        let v = r?.with_via(&via);
        self.memo.insert(lower, v.clone());
        Ok(v)
    }

    /// Evaluates an expression written at `pointer`.
    pub fn eval(&mut self, e: &Expr, pointer: &str, budget: &mut Budget) -> Result<Val> {
        budget.step(1)?;
        let here = || origin_at(pointer, None);
        match e {
            Expr::Str(s) => Ok(Val::str(s.clone(), here())),
            Expr::Num(n) => Ok(Val::new(Kind::Num(*n), here())),
            Expr::Prop(inner, p) => {
                let v = self.eval(inner, pointer, budget)?;
                match &v.kind {
                    Kind::Sym(_) => Ok(Val::sym(e.text())),
                    Kind::Map(_) => v.get(p, true).cloned().ok_or_else(|| {
                        self.err(pointer, format!("`{}` has no property `{p}`", inner.text()))
                    }),
                    other => Err(self.err(
                        pointer,
                        format!(
                            "`{}` is {}, which has no property `{p}`",
                            inner.text(),
                            Val::new(other.clone(), None).kind_name()
                        ),
                    )),
                }
            }
            Expr::Index(inner, idx) => {
                let v = self.eval(inner, pointer, budget)?;
                let i = self.eval(idx, pointer, budget)?;
                match (&v.kind, &i.kind) {
                    (Kind::Sym(_), _) | (_, Kind::Sym(_)) => Ok(Val::sym(e.text())),
                    (Kind::List(items), Kind::Num(n)) => {
                        let n = *n;
                        if n < 0.0 || n.fract() != 0.0 || n as usize >= items.len() {
                            return Err(self.err(
                                pointer,
                                format!(
                                    "index {} is outside `{}` ({} items)",
                                    num_text(n),
                                    inner.text(),
                                    items.len()
                                ),
                            ));
                        }
                        Ok(items[n as usize].clone())
                    }
                    (Kind::Map(_), Kind::Str(k)) => v.get(k, true).cloned().ok_or_else(|| {
                        self.err(pointer, format!("`{}` has no property `{k}`", inner.text()))
                    }),
                    _ => Err(self.err(
                        pointer,
                        format!("`{}` cannot be indexed by {}", inner.text(), i.kind_name()),
                    )),
                }
            }
            Expr::Call(name, args, text) => self.call(name, args, text, pointer, budget),
        }
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        text: &str,
        pointer: &str,
        budget: &mut Budget,
    ) -> Result<Val> {
        let here = || origin_at(pointer, None);
        let arity = |lo: usize, hi: usize| -> Result<()> {
            if args.len() < lo || args.len() > hi {
                return Err(Error::shape(
                    self.origin,
                    pointer,
                    format!(
                        "`{name}` takes {} argument{}, `{text}` has {}",
                        if lo == hi {
                            lo.to_string()
                        } else if hi == usize::MAX {
                            format!("at least {lo}")
                        } else {
                            format!("{lo} to {hi}")
                        },
                        if hi == 1 { "" } else { "s" },
                        args.len()
                    ),
                ));
            }
            Ok(())
        };
        if DEPLOY_TIME.contains(&name) || name.starts_with("list") || name.contains('.') {
            return Ok(Val::sym(text));
        }
        match name {
            "parameters" => {
                arity(1, 1)?;
                let n = self.eval(&args[0], pointer, budget)?;
                let Kind::Str(n) = &n.kind else {
                    return Ok(Val::sym(text));
                };
                // An undeclared parameter (a template fragment): symbolic, never guessed.
                Ok(self
                    .params
                    .get(&n.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or_else(|| Val::sym(text)))
            }
            "variables" => {
                arity(1, 1)?;
                let n = self.eval(&args[0], pointer, budget)?;
                let Kind::Str(n) = &n.kind else {
                    return Ok(Val::sym(text));
                };
                self.variable(n, pointer, budget)
            }
            "copyindex" => {
                arity(0, 2)?;
                let mut loop_name = None;
                let mut offset = 0.0;
                for a in args {
                    match self.eval(a, pointer, budget)?.kind {
                        Kind::Str(s) => loop_name = Some(s.to_ascii_lowercase()),
                        Kind::Num(n) => offset = n,
                        _ => return Ok(Val::sym(text)),
                    }
                }
                let found = match &loop_name {
                    Some(n) => self.copies.iter().rev().find(|(l, _)| l == n),
                    None => self.copies.last(),
                };
                match found {
                    Some((_, i)) => Ok(Val::new(Kind::Num(*i as f64 + offset), here())),
                    None => Ok(Val::sym(text)),
                }
            }
            "if" => {
                arity(3, 3)?;
                let c = self.eval(&args[0], pointer, budget)?;
                match c.kind {
                    Kind::Bool(true) => self.eval(&args[1], pointer, budget),
                    Kind::Bool(false) => self.eval(&args[2], pointer, budget),
                    _ => Ok(Val::sym(text)),
                }
            }
            "coalesce" => {
                arity(1, usize::MAX)?;
                for a in args {
                    let v = self.eval(a, pointer, budget)?;
                    match v.kind {
                        Kind::Null => continue,
                        Kind::Sym(_) => return Ok(Val::sym(text)),
                        _ => return Ok(v),
                    }
                }
                Ok(Val::new(Kind::Null, here()))
            }
            _ => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a, pointer, budget)?);
                }
                if vals.iter().any(Val::is_sym) {
                    return Ok(Val::sym(text));
                }
                super::arm_funcs::apply(name, vals, text, here(), budget)
                    .map_err(|m| self.err(pointer, m))
            }
        }
    }
}
