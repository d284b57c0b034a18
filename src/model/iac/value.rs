//! The value every IaC evaluator computes: known (null, bool, number, string, list, map),
//! each part with its origin (where it was written and the parameter or variable it came
//! through), or symbolic: a deploy-time expression that is never guessed, kept as its text.
//! Also the evaluation budget that bounds recursion and work on hostile input.

use crate::error::{Error, Result};
use std::rc::Rc;

/// Where a known value was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The locator of the value in its file: a JSON pointer (ARM) or a byte offset (Bicep,
    /// Terraform).
    pub at: At,
    /// The file, when it is not the one being read (a parameter file, a loaded file, a module).
    pub file: Option<String>,
    /// The parameter, variable or local it came through, e.g. `variables('actions')`.
    pub via: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    Pointer(String),
    Offset(usize),
}

/// A value with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    pub kind: Kind,
    pub origin: Option<Rc<Origin>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Val>),
    /// Keys in the order written (Terraform and ARM compare them as written or ignoring
    /// case; see the evaluators).
    Map(Vec<(String, Val)>),
    /// Known only at deployment: the expression, as written.
    Sym(String),
}

impl Val {
    pub fn new(kind: Kind, origin: Option<Rc<Origin>>) -> Val {
        Val { kind, origin }
    }

    pub fn sym(text: impl Into<String>) -> Val {
        Val::new(Kind::Sym(text.into()), None)
    }

    pub fn str(s: impl Into<String>, origin: Option<Rc<Origin>>) -> Val {
        Val::new(Kind::Str(s.into()), origin)
    }

    pub fn is_sym(&self) -> bool {
        matches!(self.kind, Kind::Sym(_))
    }

    /// The first symbolic part, depth first (`None` when fully known).
    pub fn first_sym(&self) -> Option<&str> {
        match &self.kind {
            Kind::Sym(s) => Some(s),
            Kind::List(items) => items.iter().find_map(Val::first_sym),
            Kind::Map(m) => m.iter().find_map(|(_, v)| v.first_sym()),
            _ => None,
        }
    }

    /// The value under `key`, compared exactly or ignoring ASCII case.
    pub fn get(&self, key: &str, ignore_case: bool) -> Option<&Val> {
        match &self.kind {
            Kind::Map(m) => m
                .iter()
                .find(|(k, _)| {
                    if ignore_case {
                        k.eq_ignore_ascii_case(key)
                    } else {
                        k == key
                    }
                })
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A string rendering of a scalar (numbers without a fractional part as integers).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Num(n) => Some(num_text(*n)),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Sets the origin's `via` on this value and every part that has an origin but no `via`.
    pub fn with_via(mut self, via: &str) -> Val {
        fn walk(v: &mut Val, via: &str) {
            if let Some(o) = &v.origin
                && o.via.is_none()
            {
                let mut o2 = (**o).clone();
                o2.via = Some(via.to_string());
                v.origin = Some(Rc::new(o2));
            }
            match &mut v.kind {
                Kind::List(items) => items.iter_mut().for_each(|i| walk(i, via)),
                Kind::Map(m) => m.iter_mut().for_each(|(_, i)| walk(i, via)),
                _ => {}
            }
        }
        walk(&mut self, via);
        self
    }

    /// Converts to JSON; a symbolic part becomes `[EXPR]` (how an ARM template writes an
    /// expression), so the role readers report it as unresolved.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Num(n) => {
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    Value::from(*n as i64)
                } else {
                    serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number)
                }
            }
            Kind::Str(s) => Value::String(s.clone()),
            Kind::List(items) => Value::Array(items.iter().map(Val::to_json).collect()),
            Kind::Map(m) => {
                let mut out = serde_json::Map::new();
                for (k, v) in m {
                    out.insert(k.clone(), v.to_json());
                }
                Value::Object(out)
            }
            Kind::Sym(s) => Value::String(format!("[{s}]")),
        }
    }

    /// A value read from JSON, every part with its pointer under `base` as origin.
    pub fn from_json(v: &serde_json::Value, base: &str, file: Option<&str>) -> Val {
        use serde_json::Value;
        let origin = Some(Rc::new(Origin {
            at: At::Pointer(base.to_string()),
            file: file.map(str::to_string),
            via: None,
        }));
        let kind = match v {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => Kind::Num(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => Kind::Str(s.clone()),
            Value::Array(a) => Kind::List(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| Val::from_json(x, &format!("{base}/{i}"), file))
                    .collect(),
            ),
            Value::Object(m) => Kind::Map(
                m.iter()
                    .map(|(k, x)| {
                        (
                            k.clone(),
                            Val::from_json(
                                x,
                                &format!("{base}/{}", crate::model::json::escape(k)),
                                file,
                            ),
                        )
                    })
                    .collect(),
            ),
        };
        Val { kind, origin }
    }

    /// A short name of the kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Num(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::List(_) => "a list",
            Kind::Map(_) => "an object",
            Kind::Sym(_) => "a deploy-time value",
        }
    }
}

pub fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Bounds on evaluation: steps (every expression evaluated, every element built) and nesting
/// (calls, variable references, module calls). Hostile input stops with an error, never a
/// hang or a stack overflow.
#[derive(Debug)]
pub struct Budget {
    steps: usize,
    depth: usize,
    origin: String,
}

/// Most evaluation steps for one file (a landing-zone template needs a few thousand).
pub const MAX_STEPS: usize = 2_000_000;
/// Deepest nesting of calls and references.
pub const MAX_DEPTH: usize = 64;
/// Largest collection an expression may build (ARM's copy limit is 800).
pub const MAX_ITEMS: usize = 100_000;

impl Budget {
    pub fn new(origin: &str) -> Budget {
        Budget {
            steps: 0,
            depth: 0,
            origin: origin.to_string(),
        }
    }

    /// Counts `n` steps; an error past [`MAX_STEPS`].
    pub fn step(&mut self, n: usize) -> Result<()> {
        self.steps = self.steps.saturating_add(n);
        if self.steps > MAX_STEPS {
            return Err(Error::shape(
                &self.origin,
                "",
                format!("evaluation takes more than {MAX_STEPS} steps; the file is not evaluated"),
            ));
        }
        Ok(())
    }

    pub fn enter(&mut self, what: &str) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::shape(
                &self.origin,
                "",
                format!("{what} nests more than {MAX_DEPTH} levels of calls or references"),
            ));
        }
        self.step(1)
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// An error when a collection of `n` items would be built.
    pub fn items(&mut self, n: usize) -> Result<()> {
        if n > MAX_ITEMS {
            return Err(Error::shape(
                &self.origin,
                "",
                format!("a collection of {n} items is more than the {MAX_ITEMS} evaluated"),
            ));
        }
        self.step(n)
    }
}

/// Files next to the one being read (parameter files, loaded content, modules). The CLI
/// supplies the file system; the model never reads files itself.
pub trait Files {
    /// The text of `relative` (to the directory of `from`), `None` when there is no such file.
    fn read(&self, from: &str, relative: &str) -> Result<Option<(String, String)>>;
    /// The other files of the directory of `from` whose names end with `suffix`, sorted by
    /// name: (shown name, text).
    fn list(&self, from: &str, suffix: &str) -> Result<Vec<(String, String)>>;
}

/// No files: what is not in the text itself stays symbolic.
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _from: &str, _relative: &str) -> Result<Option<(String, String)>> {
        Ok(None)
    }
    fn list(&self, _from: &str, _suffix: &str) -> Result<Vec<(String, String)>> {
        Ok(Vec::new())
    }
}

/// Whether an error is the budget's (runaway evaluation), which a reader must not recover from.
pub fn is_budget_error(e: &Error) -> bool {
    let m = e.to_string();
    m.contains("evaluation takes more than")
        || m.contains("levels of calls or references")
        || m.contains("items is more than the")
        || m.contains(&format!("builds more than {MAX_ITEMS} items"))
}
