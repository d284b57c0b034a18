//! Recursive-descent parser for the condition grammar (docs/conditions.md), with warnings for
//! mixed `AND`/`OR` without parentheses and for undocumented operators.

use super::ast::{Attr, BaseOp, Expr, KNOWN_OPS, KnownOp, Operand, Operator, Quant, Value};
use super::lexer::{Tok, shorten, tokenize};
use super::{MAX_DEPTH, ParseError, Warning};
use crate::model::is_guid;

/// Words that start or join expressions, for "did you mean" on a stray word.
const KEYWORDS: [&str; 6] = [
    "ActionMatches",
    "SubOperationMatches",
    "Exists",
    "AND",
    "OR",
    "NOT",
];

/// Operators seen in the wild (regorus, older docs) that Azure does not document.
const KNOWN_UNDOCUMENTED: [&str; 6] = [
    "IpInRange",
    "IpMatch",
    "StringContains",
    "ListContains",
    "TimeOfDayGreaterThan",
    "TimeOfDayLessThan",
];

pub(crate) struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    pub(crate) warnings: Vec<Warning>,
}

fn is_word(tok: &Tok, kw: &str) -> bool {
    matches!(tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

impl Parser {
    pub(crate) fn new(text: &str) -> Result<Parser, ParseError> {
        Ok(Parser {
            toks: tokenize(text)?,
            pos: 0,
            warnings: Vec::new(),
        })
    }

    fn peek(&self) -> (usize, &Tok) {
        match self.toks.get(self.pos).or(self.toks.last()) {
            Some((at, t)) => (*at, t),
            None => (0, &Tok::End),
        }
    }

    fn bump(&mut self) -> (usize, Tok) {
        let (at, t) = self.peek();
        let t = t.clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        (at, t)
    }

    fn error_here(&self, what: &str) -> ParseError {
        let (at, t) = self.peek();
        ParseError::new(at, format!("{what}, found {}", t.describe()))
    }

    /// The whole condition.
    pub(crate) fn parse_condition(&mut self) -> Result<Expr, ParseError> {
        if matches!(self.peek().1, Tok::End) {
            return Err(ParseError::new(0, "empty condition"));
        }
        let e = self.parse_or(0)?;
        match self.peek() {
            (_, Tok::End) => Ok(e),
            (_, Tok::RParen) => Err(self.error_here("unbalanced `)`: expected the end")),
            _ => Err(self.error_here("expected `AND`, `OR` or the end of the condition")),
        }
    }

    fn at_or(&self) -> bool {
        let t = self.peek().1;
        matches!(t, Tok::OrOr) || is_word(t, "or")
    }

    fn at_and(&self) -> bool {
        let t = self.peek().1;
        matches!(t, Tok::AndAnd) || is_word(t, "and")
    }

    fn parse_or(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let (first, mut chained) = self.parse_and(depth)?;
        let mut items = vec![first];
        let mut or_at = None;
        while self.at_or() {
            let (at, _) = self.bump();
            or_at.get_or_insert(at);
            let (e, c) = self.parse_and(depth)?;
            chained |= c;
            items.push(e);
        }
        if items.len() == 1 {
            return Ok(items.pop().unwrap_or(Expr::And(Vec::new())));
        }
        if chained {
            self.warnings.push(Warning {
                offset: or_at.unwrap_or(0),
                message: "ambiguous: `AND` and `OR` mixed without parentheses (Azure requires \
                          parentheses; read with `AND` binding tighter)"
                    .into(),
            });
        }
        Ok(Expr::Or(items))
    }

    /// A run of operands joined by `AND`; the flag says whether there were several.
    fn parse_and(&mut self, depth: usize) -> Result<(Expr, bool), ParseError> {
        let mut items = vec![self.parse_unary(depth)?];
        while self.at_and() {
            self.bump();
            items.push(self.parse_unary(depth)?);
        }
        if items.len() == 1 {
            Ok((items.pop().unwrap_or(Expr::And(Vec::new())), false))
        } else {
            Ok((Expr::And(items), true))
        }
    }

    fn parse_unary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(ParseError::new(
                self.peek().0,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        let (at, t) = self.peek();
        if matches!(t, Tok::Bang) || is_word(t, "not") {
            self.bump();
            return Ok(Expr::Not(Box::new(self.parse_unary(depth + 1)?)));
        }
        if matches!(t, Tok::LParen) {
            self.bump();
            let e = self.parse_or(depth + 1)?;
            if !matches!(self.peek().1, Tok::RParen) {
                return Err(self.error_here(&format!("expected `)` to close the `(` at byte {at}")));
            }
            self.bump();
            return Ok(e);
        }
        self.parse_atom()
    }

    /// `{ 'text' }` after `ActionMatches` / `SubOperationMatches`.
    fn braced_string(&mut self, what: &str) -> Result<String, ParseError> {
        if !matches!(self.peek().1, Tok::LBrace) {
            return Err(self.error_here(&format!("expected `{{` after {what}")));
        }
        self.bump();
        let s = match self.peek().1 {
            Tok::Str(s) => s.clone(),
            _ => {
                return Err(self.error_here(&format!("expected a quoted string after `{what}{{`")));
            }
        };
        self.bump();
        if !matches!(self.peek().1, Tok::RBrace) {
            return Err(self.error_here(&format!("expected `}}` after {what} pattern")));
        }
        self.bump();
        Ok(s)
    }

    fn parse_atom(&mut self) -> Result<Expr, ParseError> {
        let t = self.peek().1;
        if is_word(t, "ActionMatches") {
            self.bump();
            return Ok(Expr::ActionMatches(self.braced_string("ActionMatches")?));
        }
        if is_word(t, "SubOperationMatches") {
            self.bump();
            return Ok(Expr::SubOperationMatches(
                self.braced_string("SubOperationMatches")?,
            ));
        }
        if is_word(t, "Exists") {
            self.bump();
            return match self.bump() {
                (_, Tok::Attr(source, name)) => Ok(Expr::Exists(Attr { source, name })),
                (at, t) => Err(ParseError::new(
                    at,
                    format!(
                        "expected an attribute (`@Resource[…]`) after Exists, found {}",
                        t.describe()
                    ),
                )),
            };
        }
        let left = self.parse_operand()?;
        let op = self.parse_operator()?;
        let right = self.parse_operand()?;
        Ok(Expr::Compare { left, op, right })
    }

    fn parse_operand(&mut self) -> Result<Operand, ParseError> {
        let (at, t) = self.peek();
        let operand = match t {
            Tok::Attr(source, name) => Operand::Attr(Attr {
                source: *source,
                name: name.clone(),
            }),
            Tok::Str(s) => Operand::Value(Value::Str(s.clone())),
            Tok::Word(w) => Operand::Value(self.word_value(at, w)?),
            Tok::LBrace => return self.parse_set(),
            _ => {
                return Err(self.error_here(
                    "expected a condition (ActionMatches, SubOperationMatches, Exists or a \
                     comparison)",
                ));
            }
        };
        self.bump();
        Ok(operand)
    }

    fn parse_set(&mut self) -> Result<Operand, ParseError> {
        let (open, _) = self.bump();
        let mut values = Vec::new();
        loop {
            let (at, t) = self.peek();
            let v = match t {
                Tok::Str(s) => Value::Str(s.clone()),
                Tok::Word(w) => self.word_value(at, w)?,
                Tok::RBrace if values.is_empty() => {
                    return Err(ParseError::new(open, "empty set `{}`"));
                }
                _ => return Err(self.error_here("expected a value in the set")),
            };
            self.bump();
            values.push(v);
            match self.peek().1 {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RBrace => {
                    self.bump();
                    return Ok(Operand::Set(values));
                }
                _ => {
                    return Err(self.error_here(&format!(
                        "expected `,` or `}}` in the set opened at byte {open}"
                    )));
                }
            }
        }
    }

    /// A bare word in a value position: boolean, integer, GUID or date-time.
    fn word_value(&self, at: usize, w: &str) -> Result<Value, ParseError> {
        if w.eq_ignore_ascii_case("true") {
            return Ok(Value::Bool(true));
        }
        if w.eq_ignore_ascii_case("false") {
            return Ok(Value::Bool(false));
        }
        let digits = w.strip_prefix('-').unwrap_or(w);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && digits.len() < 32 {
            return w.parse::<i64>().map(Value::Int).map_err(|_| {
                ParseError::new(at, format!("integer `{}` out of range", shorten(w)))
            });
        }
        if is_guid(w) || (w.len() == 32 && w.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Ok(Value::Guid(w.to_string()));
        }
        let b = w.as_bytes();
        let date_like = b.len() >= 10
            && b.iter().take(4).all(u8::is_ascii_digit)
            && b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-');
        if date_like {
            return Ok(Value::DateTime(w.to_string()));
        }
        let hint = crate::error::did_you_mean(w, KEYWORDS)
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        Err(ParseError::new(
            at,
            format!(
                "unexpected word `{}`: expected a value, an attribute or a condition{hint}",
                shorten(w)
            ),
        ))
    }

    fn parse_operator(&mut self) -> Result<Operator, ParseError> {
        let (at, t) = self.peek();
        let w = match t {
            Tok::Word(w)
                if !["and", "or", "not"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k)) =>
            {
                w.clone()
            }
            _ => return Err(self.error_here("expected a comparison operator")),
        };
        self.bump();
        let (quant, base) = match w.split_once(':') {
            Some((q, b)) => {
                let Some(quant) = Quant::parse(q) else {
                    let hint = crate::error::did_you_mean(q, Quant::ALL.iter().map(|q| q.as_str()))
                        .map(|k| format!(" (did you mean `{k}`?)"))
                        .unwrap_or_default();
                    return Err(ParseError::new(
                        at,
                        format!("unknown quantifier `{}`{hint}", shorten(q)),
                    ));
                };
                (Some(quant), b)
            }
            None => (None, w.as_str()),
        };
        let base_at = at + w.len() - base.len();
        let base = if let Some(k) = KnownOp::parse(base) {
            if let Some(q) = quant.filter(|_| !k.quantifiable()) {
                self.warnings.push(Warning {
                    offset: at,
                    message: format!(
                        "`{}:{}` is not a documented combination",
                        q.as_str(),
                        k.name()
                    ),
                });
            }
            BaseOp::Known(k)
        } else if base.starts_with(|c: char| c.is_ascii_alphabetic())
            && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            let near = KNOWN_UNDOCUMENTED
                .iter()
                .all(|u| !u.eq_ignore_ascii_case(base))
                .then(|| crate::error::did_you_mean(base, KNOWN_OPS.iter().map(|(n, _)| *n)))
                .flatten()
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            self.warnings.push(Warning {
                offset: base_at,
                message: format!(
                    "undocumented operator `{}`{near}: it evaluates to unknown",
                    shorten(base)
                ),
            });
            BaseOp::Undocumented(base.to_string())
        } else {
            return Err(ParseError::new(
                base_at,
                format!("expected a comparison operator, found `{}`", shorten(base)),
            ));
        };
        Ok(Operator { quant, base })
    }
}
