//! Azure ABAC conditions (`conditionVersion` 2.0): parsing, printing, three-valued
//! evaluation against a partly known request, and summaries of delegation conditions.
//!
//! ```text
//! let c = Condition::parse(text)?;            // errors are data (byte offset + message)
//! c.warnings();                                // ambiguity, undocumented operators
//! c.evaluate(&Query::new(action)).value;       // Tri::True / False / Unknown (+ residual)
//! c.delegation(AssignmentAction::Write);       // "may assign only …" for roleAssignments
//! ```
//!
//! See docs/conditions.md for the accepted grammar and how each leaf is decided offline.

pub mod ast;
mod delegation;
mod eval;
mod lexer;
mod ops;
mod parser;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_eval;

use std::fmt;

pub use ast::{
    Attr, BaseOp, Cmp, Expr, Family, KNOWN_OPS, KnownOp, Operand, Operator, Quant, Source, Value,
};
pub use delegation::{AssignmentAction, Constraint, Delegation};
pub use eval::{Outcome, Query, Tri};

/// Longest condition accepted, in bytes (the longest built-in condition is under 2 KiB).
pub const MAX_LEN: usize = 64 * 1024;
/// Deepest nesting of parentheses and `NOT` accepted.
pub const MAX_DEPTH: usize = 256;

/// Why a condition could not be read: where (byte offset into the text) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// Something the condition says that Azure may read differently or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    expr: Expr,
    warnings: Vec<Warning>,
}

impl Condition {
    /// Parses condition text. Never panics; refuses inputs longer than [`MAX_LEN`] bytes or
    /// nested deeper than [`MAX_DEPTH`].
    pub fn parse(text: &str) -> Result<Condition, ParseError> {
        if text.len() > MAX_LEN {
            let mut at = MAX_LEN;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return Err(ParseError::new(
                at,
                format!(
                    "condition is {} bytes long; at most {MAX_LEN} are accepted",
                    text.len()
                ),
            ));
        }
        let mut p = parser::Parser::new(text)?;
        let expr = p.parse_condition()?;
        Ok(Condition {
            expr,
            warnings: p.warnings,
        })
    }

    /// Wraps an expression built in code (no warnings).
    pub fn from_expr(expr: Expr) -> Condition {
        Condition {
            expr,
            warnings: Vec::new(),
        }
    }

    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Warnings found while parsing, in text order of discovery.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Decides the condition for a query (Kleene logic over the leaves).
    pub fn evaluate(&self, query: &Query) -> Outcome {
        eval::evaluate(&self.expr, query)
    }

    /// The patterns of every `ActionMatches{…}` leaf, in text order (duplicates kept once).
    pub fn action_patterns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut stack = vec![&self.expr];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Or(items) | Expr::And(items) => stack.extend(items.iter().rev()),
                Expr::Not(inner) => stack.push(inner),
                Expr::ActionMatches(p) if !out.contains(&p.as_str()) => out.push(p),
                _ => {}
            }
        }
        out
    }

    /// What the condition lets a holder do with `roleAssignments/write` or `/delete`, when
    /// its shape is recognisable (see [`Delegation`]); `None` otherwise (show the residual
    /// of [`Condition::evaluate`] instead).
    pub fn delegation(&self, action: AssignmentAction) -> Option<Delegation> {
        delegation::summarise(self, action)
    }
}

impl fmt::Display for Condition {
    /// The canonical form: re-parses to an equal expression.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)
    }
}
