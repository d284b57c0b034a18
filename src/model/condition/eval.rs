//! Three-valued (Kleene) evaluation of a condition against a query that knows the action,
//! perhaps the suboperation and some attribute values; Unknown results keep a residual.

use super::ast::{
    Attr, BaseOp, Cmp, Expr, Family, KnownOp, Operand, Operator, Quant, Source, Value,
};
use super::ops;
use crate::model::{Pattern, WildcardMode};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Kleene truth value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    pub fn and(self, other: Tri) -> Tri {
        self.min(other)
    }

    pub fn or(self, other: Tri) -> Tri {
        self.max(other)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tri::True => "true",
            Tri::False => "false",
            Tri::Unknown => "unknown",
        }
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

impl fmt::Display for Tri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The blob data actions that have suboperations (compared ignoring case).
pub const ACTIONS_WITH_SUBOPERATIONS: [&str; 3] = [
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
];

/// What is known about the request a condition is asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    action: String,
    suboperation: Option<String>,
    /// (source, lower-cased attribute name) → values; an empty list means "known absent".
    attributes: BTreeMap<(Source, String), Vec<String>>,
    mode: WildcardMode,
}

impl Query {
    /// A query about an action (operation name) with nothing else known, Azure wildcards.
    pub fn new(action: &str) -> Query {
        Query {
            action: action.trim().to_string(),
            suboperation: None,
            attributes: BTreeMap::new(),
            mode: WildcardMode::default(),
        }
    }

    /// The suboperation of the request (`Blob.List`, …).
    pub fn with_suboperation(mut self, sub: &str) -> Query {
        self.suboperation = Some(sub.trim().to_string());
        self
    }

    /// The values of an attribute (name compared ignoring case). An empty list says the
    /// attribute is known to be absent. `@Environment` values are ignored (always unknown).
    pub fn with_attribute<I, S>(mut self, source: Source, name: &str, values: I) -> Query
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values = values.into_iter().map(Into::into).collect();
        self.attributes
            .insert((source, name.trim().to_lowercase()), values);
        self
    }

    /// How `*` in `ActionMatches` patterns is read (default [`WildcardMode::Azure`]).
    pub fn with_mode(mut self, mode: WildcardMode) -> Query {
        self.mode = mode;
        self
    }

    pub fn action(&self) -> &str {
        &self.action
    }

    fn attribute(&self, a: &Attr) -> Option<&[String]> {
        if a.source == Source::Environment {
            return None;
        }
        self.attributes
            .get(&(a.source, a.name.trim().to_lowercase()))
            .map(Vec::as_slice)
    }

    fn action_has_suboperations(&self) -> bool {
        ACTIONS_WITH_SUBOPERATIONS
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&self.action))
    }
}

/// The result of evaluating a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub value: Tri,
    /// When `value` is Unknown: the condition with every decided part folded away.
    pub residual: Option<Expr>,
    /// Why some leaves stayed unknown beyond missing attributes (sorted, deduplicated).
    pub notes: Vec<String>,
}

struct Ctx<'q> {
    q: &'q Query,
    notes: BTreeSet<String>,
}

pub(crate) fn evaluate(e: &Expr, q: &Query) -> Outcome {
    let mut cx = Ctx {
        q,
        notes: BTreeSet::new(),
    };
    let (value, residual) = cx.eval(e);
    Outcome {
        value,
        residual: if value == Tri::Unknown {
            residual
        } else {
            None
        },
        notes: cx.notes.into_iter().collect(),
    }
}

impl Ctx<'_> {
    /// The value and, when Unknown, the residual expression.
    fn eval(&mut self, e: &Expr) -> (Tri, Option<Expr>) {
        match e {
            Expr::And(items) | Expr::Or(items) => {
                let is_and = matches!(e, Expr::And(_));
                // The value that decides the group (F for AND, T for OR).
                let absorbing = if is_and { Tri::False } else { Tri::True };
                let mut rest = Vec::new();
                for item in items {
                    match self.eval(item) {
                        (v, _) if v == absorbing => return (v, None),
                        (Tri::Unknown, r) => rest.extend(r),
                        _ => {}
                    }
                }
                match rest.len() {
                    0 => (!absorbing, None),
                    1 => (Tri::Unknown, rest.pop()),
                    _ if is_and => (Tri::Unknown, Some(Expr::And(rest))),
                    _ => (Tri::Unknown, Some(Expr::Or(rest))),
                }
            }
            Expr::Not(inner) => match self.eval(inner) {
                (Tri::Unknown, r) => (Tri::Unknown, r.map(|r| Expr::Not(Box::new(r)))),
                (v, _) => (!v, None),
            },
            leaf => {
                let v = self.leaf(leaf);
                (v, (v == Tri::Unknown).then(|| leaf.clone()))
            }
        }
    }

    fn leaf(&mut self, e: &Expr) -> Tri {
        match e {
            Expr::ActionMatches(p) => match Pattern::parse(p) {
                Ok(pat) => Tri::from_bool(pat.matches(&self.q.action, self.q.mode)),
                Err(err) => {
                    self.notes.insert(format!(
                        "ActionMatches pattern '{}' is not usable: {err}",
                        super::lexer::shorten(p)
                    ));
                    Tri::Unknown
                }
            },
            Expr::SubOperationMatches(s) => self.suboperation_in(std::slice::from_ref(s)),
            Expr::Exists(a) => match self.q.attribute(a) {
                Some(values) => Tri::from_bool(!values.is_empty()),
                None => Tri::Unknown,
            },
            Expr::Compare { left, op, right } => self.compare(left, op, right),
            Expr::And(_) | Expr::Or(_) | Expr::Not(_) => self.eval(e).0,
        }
    }

    /// Whether the request's suboperation is one of `names`.
    fn suboperation_in(&self, names: &[String]) -> Tri {
        match &self.q.suboperation {
            Some(sub) => Tri::from_bool(names.iter().any(|n| n.trim().eq_ignore_ascii_case(sub))),
            None if !self.q.action_has_suboperations() => Tri::False,
            None => Tri::Unknown,
        }
    }

    /// The legacy `@Request[subOperation] [ForAnyOfAnyValues:]StringEquals[IgnoreCase] …`
    /// form, read as `SubOperationMatches` over the listed names.
    fn legacy_suboperation(&self, left: &Operand, op: &Operator, right: &Operand) -> Option<Tri> {
        let Operand::Attr(a) = left else { return None };
        if a.source != Source::Request || !a.name.trim().eq_ignore_ascii_case("subOperation") {
            return None;
        }
        let BaseOp::Known(k) = op.base else {
            return None;
        };
        if k.family != Family::String
            || !matches!(k.cmp, Cmp::Equals | Cmp::NotEquals)
            || !matches!(op.quant, None | Some(Quant::ForAnyOfAnyValues))
        {
            return None;
        }
        let names: Vec<String> = match right {
            Operand::Value(Value::Str(s)) => vec![s.clone()],
            Operand::Set(vs) => vs
                .iter()
                .map(|v| match v {
                    Value::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect::<Option<_>>()?,
            _ => return None,
        };
        let t = self.suboperation_in(&names);
        Some(if k.cmp == Cmp::NotEquals { !t } else { t })
    }

    /// The values of an operand, `None` when unknown.
    fn values(&self, o: &Operand) -> Option<Vec<Value>> {
        match o {
            Operand::Attr(a) => self
                .q
                .attribute(a)
                .map(|vs| vs.iter().map(|v| Value::Str(v.clone())).collect()),
            Operand::Value(v) => Some(vec![v.clone()]),
            Operand::Set(vs) => Some(vs.clone()),
        }
    }

    fn compare(&mut self, left: &Operand, op: &Operator, right: &Operand) -> Tri {
        if let Some(t) = self.legacy_suboperation(left, op, right) {
            return t;
        }
        let k: KnownOp = match &op.base {
            BaseOp::Known(k) => *k,
            BaseOp::Undocumented(name) => {
                self.notes.insert(format!(
                    "undocumented operator `{}` evaluates to unknown",
                    super::lexer::shorten(name)
                ));
                return Tri::Unknown;
            }
        };
        let (Some(ls), Some(rs)) = (self.values(left), self.values(right)) else {
            return Tri::Unknown;
        };
        let pair = |l: &Value, r: &Value| match ops::compare(k, l, r) {
            Some(b) => Tri::from_bool(b),
            None => Tri::Unknown,
        };
        let result = match op.quant {
            None => match (ls.as_slice(), rs.as_slice()) {
                ([l], [r]) => pair(l, r),
                _ => {
                    self.notes.insert(format!(
                        "`{}` without a quantifier compares single values; a side has {} and {} values",
                        k.name(),
                        ls.len(),
                        rs.len()
                    ));
                    return Tri::Unknown;
                }
            },
            Some(q) => {
                let (all_l, all_r) = q.all_left_all_right();
                let over_right = |l: &Value| {
                    let it = rs.iter().map(|r| pair(l, r));
                    if all_r {
                        it.fold(Tri::True, Tri::and)
                    } else {
                        it.fold(Tri::False, Tri::or)
                    }
                };
                let it = ls.iter().map(over_right);
                if all_l {
                    it.fold(Tri::True, Tri::and)
                } else {
                    it.fold(Tri::False, Tri::or)
                }
            }
        };
        if result == Tri::Unknown {
            self.notes.insert(format!(
                "a value compared with `{}` does not have its type",
                k.name()
            ));
        }
        result
    }
}
