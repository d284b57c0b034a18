//! The typed syntax tree of a condition and its canonical printer (`Display`).
//!
//! The printed form re-parses to an equal tree: every `AND`/`OR` operand that is itself a
//! group or a comparison is parenthesised, `NOT` is printed as `!(…)`, operator names get
//! their documented spelling and strings are quoted with `\'` and `\\` escapes.

use std::fmt;

/// Where an attribute's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Request,
    Resource,
    Principal,
    Environment,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Request,
        Source::Resource,
        Source::Principal,
        Source::Environment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Request => "Request",
            Source::Resource => "Resource",
            Source::Principal => "Principal",
            Source::Environment => "Environment",
        }
    }

    /// The source named `s` (any case).
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL
            .into_iter()
            .find(|src| src.as_str().eq_ignore_ascii_case(s))
    }
}

/// `@Source[name]`; the name is kept as written (compared ignoring case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attr {
    pub source: Source,
    pub name: String,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A single-quoted string, unescaped (`\'` → `'`, `\\` → `\`; other `\x` kept as is).
    Str(String),
    Int(i64),
    Bool(bool),
    /// A bare GUID as written (with or without dashes).
    Guid(String),
    /// A bare date-time as written (`2023-05-01T00:00:00.0000000Z`).
    DateTime(String),
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Operand {
    Attr(Attr),
    Value(Value),
    /// `{v, v, …}` (never empty).
    Set(Vec<Value>),
}

/// The cross-product prefix of an operator (`ForAnyOfAnyValues:` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quant {
    /// ∃ left ∃ right.
    ForAnyOfAnyValues,
    /// ∀ left ∃ right.
    ForAllOfAnyValues,
    /// ∃ left ∀ right.
    ForAnyOfAllValues,
    /// ∀ left ∀ right.
    ForAllOfAllValues,
}

impl Quant {
    pub const ALL: [Quant; 4] = [
        Quant::ForAnyOfAnyValues,
        Quant::ForAllOfAnyValues,
        Quant::ForAnyOfAllValues,
        Quant::ForAllOfAllValues,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Quant::ForAnyOfAnyValues => "ForAnyOfAnyValues",
            Quant::ForAllOfAnyValues => "ForAllOfAnyValues",
            Quant::ForAnyOfAllValues => "ForAnyOfAllValues",
            Quant::ForAllOfAllValues => "ForAllOfAllValues",
        }
    }

    pub fn parse(s: &str) -> Option<Quant> {
        Quant::ALL
            .into_iter()
            .find(|q| q.as_str().eq_ignore_ascii_case(s))
    }

    /// (every left value, every right value) must satisfy, rather than some.
    pub fn all_left_all_right(self) -> (bool, bool) {
        match self {
            Quant::ForAnyOfAnyValues => (false, false),
            Quant::ForAllOfAnyValues => (true, false),
            Quant::ForAnyOfAllValues => (false, true),
            Quant::ForAllOfAllValues => (true, true),
        }
    }
}

/// The value type an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Bool,
    String,
    Numeric,
    DateTime,
    Guid,
}

/// The comparison an operator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    Equals,
    NotEquals,
    StartsWith,
    NotStartsWith,
    Like,
    NotLike,
    GreaterThan,
    GreaterThanEquals,
    LessThan,
    LessThanEquals,
}

impl Cmp {
    /// `Not…` comparisons: the negation of a positive one, applied per value pair.
    pub fn positive(self) -> (Cmp, bool) {
        match self {
            Cmp::NotEquals => (Cmp::Equals, false),
            Cmp::NotStartsWith => (Cmp::StartsWith, false),
            Cmp::NotLike => (Cmp::Like, false),
            other => (other, true),
        }
    }
}

/// A documented operator (section 3.2 of the reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KnownOp {
    pub family: Family,
    pub cmp: Cmp,
    pub ignore_case: bool,
}

/// Every documented operator with its spelling.
pub const KNOWN_OPS: &[(&str, KnownOp)] = &{
    use Cmp::*;
    use Family::*;
    const fn k(family: Family, cmp: Cmp, ignore_case: bool) -> KnownOp {
        KnownOp {
            family,
            cmp,
            ignore_case,
        }
    }
    [
        ("BoolEquals", k(Bool, Equals, false)),
        ("BoolNotEquals", k(Bool, NotEquals, false)),
        ("StringEquals", k(String, Equals, false)),
        ("StringEqualsIgnoreCase", k(String, Equals, true)),
        ("StringNotEquals", k(String, NotEquals, false)),
        ("StringNotEqualsIgnoreCase", k(String, NotEquals, true)),
        ("StringStartsWith", k(String, StartsWith, false)),
        ("StringStartsWithIgnoreCase", k(String, StartsWith, true)),
        ("StringNotStartsWith", k(String, NotStartsWith, false)),
        (
            "StringNotStartsWithIgnoreCase",
            k(String, NotStartsWith, true),
        ),
        ("StringLike", k(String, Like, false)),
        ("StringLikeIgnoreCase", k(String, Like, true)),
        ("StringNotLike", k(String, NotLike, false)),
        ("StringNotLikeIgnoreCase", k(String, NotLike, true)),
        ("NumericEquals", k(Numeric, Equals, false)),
        ("NumericNotEquals", k(Numeric, NotEquals, false)),
        ("NumericGreaterThan", k(Numeric, GreaterThan, false)),
        (
            "NumericGreaterThanEquals",
            k(Numeric, GreaterThanEquals, false),
        ),
        ("NumericLessThan", k(Numeric, LessThan, false)),
        ("NumericLessThanEquals", k(Numeric, LessThanEquals, false)),
        ("DateTimeEquals", k(DateTime, Equals, false)),
        ("DateTimeNotEquals", k(DateTime, NotEquals, false)),
        ("DateTimeGreaterThan", k(DateTime, GreaterThan, false)),
        (
            "DateTimeGreaterThanEquals",
            k(DateTime, GreaterThanEquals, false),
        ),
        ("DateTimeLessThan", k(DateTime, LessThan, false)),
        ("DateTimeLessThanEquals", k(DateTime, LessThanEquals, false)),
        ("GuidEquals", k(Guid, Equals, false)),
        ("GuidNotEquals", k(Guid, NotEquals, false)),
    ]
};

impl KnownOp {
    /// The documented spelling.
    pub fn name(self) -> &'static str {
        KNOWN_OPS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |(n, _)| n)
    }

    /// The documented operator spelled `s` (any case).
    pub fn parse(s: &str) -> Option<KnownOp> {
        KNOWN_OPS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, k)| *k)
    }

    /// Whether the documentation allows this operator after a quantifier.
    pub fn quantifiable(self) -> bool {
        match self.family {
            Family::Numeric => true,
            Family::Guid => matches!(self.cmp, Cmp::Equals | Cmp::NotEquals),
            Family::String => matches!(
                self.cmp,
                Cmp::Equals | Cmp::NotEquals | Cmp::Like | Cmp::NotLike
            ),
            Family::Bool | Family::DateTime => false,
        }
    }
}

/// The operator's base: documented, or an identifier Azure does not document (kept as
/// written; it evaluates to Unknown).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BaseOp {
    Known(KnownOp),
    Undocumented(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Operator {
    pub quant: Option<Quant>,
    pub base: BaseOp,
}

/// A condition expression. `And`/`Or` hold at least two operands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    ActionMatches(String),
    SubOperationMatches(String),
    Exists(Attr),
    Compare {
        left: Operand,
        op: Operator,
        right: Operand,
    },
}

/// Writes `s` single-quoted with `\` and `'` escaped.
pub(crate) fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("'")?;
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("'")
}

impl fmt::Display for Attr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}[{}]", self.source.as_str(), self.name)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write_quoted(f, s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Guid(g) | Value::DateTime(g) => f.write_str(g),
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Attr(a) => a.fmt(f),
            Operand::Value(v) => v.fmt(f),
            Operand::Set(vs) => {
                f.write_str("{")?;
                for (i, v) in vs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    v.fmt(f)?;
                }
                f.write_str("}")
            }
        }
    }
}

impl fmt::Display for BaseOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseOp::Known(k) => f.write_str(k.name()),
            BaseOp::Undocumented(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.quant {
            write!(f, "{}:", q.as_str())?;
        }
        self.base.fmt(f)
    }
}

impl Expr {
    /// Whether the expression prints without surrounding parentheses when it is an operand
    /// of `AND`/`OR`.
    fn is_bare(&self) -> bool {
        matches!(
            self,
            Expr::Not(_) | Expr::ActionMatches(_) | Expr::SubOperationMatches(_)
        )
    }

    fn write_joined(f: &mut fmt::Formatter<'_>, items: &[Expr], sep: &str) -> fmt::Result {
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            if e.is_bare() {
                fmt::Display::fmt(e, f)?;
            } else {
                write!(f, "({e})")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Or(items) => Expr::write_joined(f, items, " OR "),
            Expr::And(items) => Expr::write_joined(f, items, " AND "),
            Expr::Not(e) => write!(f, "!({e})"),
            Expr::ActionMatches(p) => {
                f.write_str("ActionMatches{")?;
                write_quoted(f, p)?;
                f.write_str("}")
            }
            Expr::SubOperationMatches(s) => {
                f.write_str("SubOperationMatches{")?;
                write_quoted(f, s)?;
                f.write_str("}")
            }
            Expr::Exists(a) => write!(f, "Exists {a}"),
            Expr::Compare { left, op, right } => write!(f, "{left} {op} {right}"),
        }
    }
}
