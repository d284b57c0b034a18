//! Summaries of delegation conditions: which roles (and principal types, principals) a
//! holder of `Microsoft.Authorization/roleAssignments/write` or `/delete` may assign or
//! remove, read from the residual of the condition for that action.

use super::Condition;
use super::ast::{BaseOp, Cmp, Expr, Family, Operand, Quant, Source, Value};
use super::eval::{Query, Tri};
use super::ops::dashed_guid;
use std::fmt;

/// The two role-assignment operations a delegation condition constrains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssignmentAction {
    /// `Microsoft.Authorization/roleAssignments/write`: constrained by `@Request` attributes.
    Write,
    /// `Microsoft.Authorization/roleAssignments/delete`: constrained by `@Resource` attributes.
    Delete,
}

impl AssignmentAction {
    pub const BOTH: [AssignmentAction; 2] = [AssignmentAction::Write, AssignmentAction::Delete];

    pub fn action(self) -> &'static str {
        match self {
            AssignmentAction::Write => "Microsoft.Authorization/roleAssignments/write",
            AssignmentAction::Delete => "Microsoft.Authorization/roleAssignments/delete",
        }
    }

    /// The attribute source the documented templates use for this action.
    pub fn source(self) -> Source {
        match self {
            AssignmentAction::Write => Source::Request,
            AssignmentAction::Delete => Source::Resource,
        }
    }
}

const ROLE_ATTR: &str = "Microsoft.Authorization/roleAssignments:RoleDefinitionId";
const PRINCIPAL_ATTR: &str = "Microsoft.Authorization/roleAssignments:PrincipalId";
const TYPE_ATTR: &str = "Microsoft.Authorization/roleAssignments:PrincipalType";
const PRINCIPAL_TYPES: [&str; 5] = [
    "User",
    "Group",
    "ServicePrincipal",
    "ForeignGroup",
    "Device",
];

/// A set constraint on one attribute. Values are normalised: GUIDs dashed lower-case,
/// principal types in their usual spelling; order is as first written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    Any,
    /// Only these values (empty: none at all).
    Only(Vec<String>),
    /// Every value except these.
    AllExcept(Vec<String>),
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

impl Constraint {
    /// Both constraints at once.
    pub fn and(self, other: Constraint) -> Constraint {
        use Constraint::*;
        match (self, other) {
            (Any, c) | (c, Any) => c,
            (Only(a), Only(b)) => Only(a.into_iter().filter(|v| b.contains(v)).collect()),
            (Only(a), AllExcept(b)) | (AllExcept(b), Only(a)) => {
                Only(a.into_iter().filter(|v| !b.contains(v)).collect())
            }
            (AllExcept(a), AllExcept(b)) => AllExcept(dedup(a.into_iter().chain(b).collect())),
        }
    }

    /// Whether a (normalised) value is allowed.
    pub fn allows(&self, value: &str) -> bool {
        match self {
            Constraint::Any => true,
            Constraint::Only(vs) => vs.iter().any(|v| v == value),
            Constraint::AllExcept(vs) => !vs.iter().any(|v| v == value),
        }
    }
}

/// What a condition allows for one role-assignment action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    pub action: AssignmentAction,
    /// Role definition GUIDs.
    pub roles: Constraint,
    /// `User`, `Group`, `ServicePrincipal`, …
    pub principal_types: Constraint,
    /// Principal object ids.
    pub principals: Constraint,
    /// Further conjuncts that must hold as well (attributes the summary does not model).
    pub also: Vec<Expr>,
}

fn names(values: &[String], name_of: &dyn Fn(&str) -> Option<String>) -> String {
    values
        .iter()
        .map(|v| name_of(v).unwrap_or_else(|| v.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Delegation {
    fn unconstrained(action: AssignmentAction) -> Delegation {
        Delegation {
            action,
            roles: Constraint::Any,
            principal_types: Constraint::Any,
            principals: Constraint::Any,
            also: Vec::new(),
        }
    }

    /// Whether the condition places no limit on the action.
    pub fn is_unconstrained(&self) -> bool {
        self.roles == Constraint::Any
            && self.principal_types == Constraint::Any
            && self.principals == Constraint::Any
            && self.also.is_empty()
    }

    /// One sentence, roles named by `name_of(guid)` (the GUID when it gives `None`), e.g.
    /// "may assign only Backup Reader, Backup Contributor to User, Group".
    pub fn describe(&self, name_of: impl Fn(&str) -> Option<String>) -> String {
        let name_of: &dyn Fn(&str) -> Option<String> = &name_of;
        let (verb, what, to) = match self.action {
            AssignmentAction::Write => ("may assign", "", "to"),
            AssignmentAction::Delete => ("may remove", "assignments of ", "held by"),
        };
        let mut s = match &self.roles {
            Constraint::Any => format!("{verb} {what}any role"),
            Constraint::Only(v) if v.is_empty() => format!("{verb} {what}no role"),
            Constraint::Only(v) => format!("{verb} {what}only {}", names(v, name_of)),
            Constraint::AllExcept(v) => {
                format!("{verb} {what}any role except {}", names(v, name_of))
            }
        };
        match &self.principal_types {
            Constraint::Any => {}
            Constraint::Only(v) if v.is_empty() => s.push_str(&format!(" {to} no principal type")),
            Constraint::Only(v) => s.push_str(&format!(" {to} {}", v.join(", "))),
            Constraint::AllExcept(v) => {
                s.push_str(&format!(" {to} any principal type except {}", v.join(", ")));
            }
        }
        match &self.principals {
            Constraint::Any => {}
            Constraint::Only(v) => s.push_str(&format!(" (only principals {})", v.join(", "))),
            Constraint::AllExcept(v) => {
                s.push_str(&format!(" (not principals {})", v.join(", ")));
            }
        }
        if !self.also.is_empty() {
            let also: Vec<String> = self.also.iter().map(|e| e.to_string()).collect();
            s.push_str(&format!("; only when {}", also.join(" AND ")));
        }
        s
    }
}

impl fmt::Display for Delegation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(|_| None))
    }
}

/// Which modelled attribute a leaf's attribute is, for this action's source.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Role,
    Principal,
    Type,
}

fn which(source: Source, name: &str, action: AssignmentAction) -> Option<Which> {
    if source != action.source() {
        return None;
    }
    let name = name.trim();
    [
        (ROLE_ATTR, Which::Role),
        (PRINCIPAL_ATTR, Which::Principal),
        (TYPE_ATTR, Which::Type),
    ]
    .into_iter()
    .find(|(n, _)| n.eq_ignore_ascii_case(name))
    .map(|(_, w)| w)
}

/// Whether an expression mentions a modelled attribute anywhere.
fn mentions(e: &Expr, action: AssignmentAction) -> bool {
    let attr =
        |o: &Operand| matches!(o, Operand::Attr(a) if which(a.source, &a.name, action).is_some());
    match e {
        Expr::And(items) | Expr::Or(items) => items.iter().any(|i| mentions(i, action)),
        Expr::Not(inner) => mentions(inner, action),
        Expr::Exists(a) => which(a.source, &a.name, action).is_some(),
        Expr::Compare { left, right, .. } => attr(left) || attr(right),
        Expr::ActionMatches(_) | Expr::SubOperationMatches(_) => false,
    }
}

fn normalise(w: Which, v: &Value) -> Option<String> {
    match (w, v) {
        (Which::Type, Value::Str(s)) => Some(
            PRINCIPAL_TYPES
                .iter()
                .find(|t| t.eq_ignore_ascii_case(s.trim()))
                .map_or_else(|| s.trim().to_string(), |t| (*t).to_string()),
        ),
        (Which::Type, _) => None,
        (_, Value::Str(s) | Value::Guid(s)) => dashed_guid(s),
        _ => None,
    }
}

/// The constraint a single comparison states, when it has a recognised shape.
fn leaf_constraint(e: &Expr, action: AssignmentAction) -> Option<(Which, Constraint)> {
    let Expr::Compare {
        left: Operand::Attr(a),
        op,
        right,
    } = e
    else {
        return None;
    };
    let w = which(a.source, &a.name, action)?;
    let BaseOp::Known(k) = op.base else {
        return None;
    };
    let family_ok = match w {
        Which::Type => k.family == Family::String,
        Which::Role | Which::Principal => k.family == Family::Guid,
    };
    if !family_ok || !matches!(k.cmp, Cmp::Equals | Cmp::NotEquals) {
        return None;
    }
    let values: Vec<String> = match (right, op.quant) {
        (Operand::Value(v), _) => vec![normalise(w, v)?],
        (Operand::Set(vs), Some(_)) => vs.iter().map(|v| normalise(w, v)).collect::<Option<_>>()?,
        _ => return None,
    };
    let values = dedup(values);
    // The attribute has a single value, so only the right-hand quantifier matters.
    let every_right = matches!(
        op.quant,
        Some(Quant::ForAnyOfAllValues | Quant::ForAllOfAllValues)
    ) || op.quant.is_none();
    let c = match (k.cmp, every_right) {
        (Cmp::Equals, false) => Constraint::Only(values),
        (Cmp::Equals, true) if values.len() <= 1 => Constraint::Only(values),
        (Cmp::Equals, true) => Constraint::Only(Vec::new()),
        (_, true) => Constraint::AllExcept(values),
        (_, false) if values.len() <= 1 => Constraint::AllExcept(values),
        (_, false) => Constraint::Any,
    };
    Some((w, c))
}

pub(crate) fn summarise(c: &Condition, action: AssignmentAction) -> Option<Delegation> {
    let out = c.evaluate(&Query::new(action.action()));
    let mut d = Delegation::unconstrained(action);
    let residual = match (out.value, out.residual) {
        (Tri::True, _) => return Some(d),
        (Tri::False, _) => {
            d.roles = Constraint::Only(Vec::new());
            return Some(d);
        }
        (Tri::Unknown, None) => return None,
        (Tri::Unknown, Some(r)) => r,
    };
    let conjuncts = match residual {
        Expr::And(items) => items,
        other => vec![other],
    };
    for e in conjuncts {
        match leaf_constraint(&e, action) {
            Some((Which::Role, k)) => d.roles = d.roles.and(k),
            Some((Which::Principal, k)) => d.principals = d.principals.and(k),
            Some((Which::Type, k)) => d.principal_types = d.principal_types.and(k),
            None if mentions(&e, action) => return None,
            None => d.also.push(e),
        }
    }
    Some(d)
}
