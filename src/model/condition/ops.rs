//! Comparison of two single values under a documented operator: type coercion per operator
//! family, GUID normalisation, date-time ordering and the `StringLike` matcher.

use super::ast::{Cmp, Family, KnownOp, Value};
use std::cmp::Ordering;

/// A GUID in canonical form (32 lower-case hex digits, no dashes), if `s` is one (with or
/// without dashes in the 8-4-4-4-12 places).
pub(crate) fn normalize_guid(s: &str) -> Option<String> {
    let s = s.trim();
    let ok =
        crate::model::is_guid(s) || (s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()));
    ok.then(|| {
        s.chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_lowercase()
    })
}

/// A GUID in the usual dashed lower-case form, if `s` is one.
pub(crate) fn dashed_guid(s: &str) -> Option<String> {
    let n = normalize_guid(s)?;
    let part = |a: usize, b: usize| n.get(a..b).unwrap_or("");
    Some(format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    ))
}

/// `yyyy-mm-ddThh:mm:ss[.f{1,7}]Z` as a sortable tuple (fraction in 100 ns ticks);
/// `yyyy-mm-dd` alone is midnight.
pub(crate) fn parse_datetime(s: &str) -> Option<(u32, u32, u32, u32, u32, u32, u32)> {
    let s = s.trim();
    let num = |a: usize, b: usize| -> Option<u32> {
        let t = s.get(a..b)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let b = s.as_bytes();
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    if b.len() == 10 {
        return Some((y, mo, d, 0, 0, 0, 0));
    }
    if !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
        || !matches!(b.last(), Some(b'Z' | b'z'))
    {
        return None;
    }
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let rest = s.get(19..s.len() - 1)?;
    let ticks = if rest.is_empty() {
        0
    } else {
        let frac = rest.strip_prefix('.')?;
        if frac.is_empty() || frac.len() > 7 || !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        format!("{frac:0<7}").parse().ok()?
    };
    Some((y, mo, d, h, mi, sec, ticks))
}

/// One element of a `StringLike` pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LikeEl {
    Lit(char),
    AnyRun,
    AnyOne,
}

/// `*` any run, `?` one character, `\*` and `\?` the characters themselves.
fn like_elements(pattern: &str) -> Vec<LikeEl> {
    let mut out = Vec::new();
    let mut it = pattern.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next_if(|n| *n == '*' || *n == '?') {
                Some(n) => out.push(LikeEl::Lit(n)),
                None => out.push(LikeEl::Lit('\\')),
            },
            '*' => out.push(LikeEl::AnyRun),
            '?' => out.push(LikeEl::AnyOne),
            other => out.push(LikeEl::Lit(other)),
        }
    }
    out
}

/// Whether `text` matches a `StringLike` pattern (O(len × pattern) time).
pub(crate) fn like(text: &str, pattern: &str) -> bool {
    let els = like_elements(pattern);
    let chars: Vec<char> = text.chars().collect();
    // dp[j]: the elements so far match chars[..j].
    let mut dp = vec![false; chars.len() + 1];
    if let Some(first) = dp.first_mut() {
        *first = true;
    }
    for el in &els {
        let mut next = vec![false; chars.len() + 1];
        match el {
            LikeEl::AnyRun => {
                let mut reach = false;
                for (j, slot) in next.iter_mut().enumerate() {
                    reach |= dp.get(j).copied().unwrap_or(false);
                    *slot = reach;
                }
            }
            LikeEl::AnyOne | LikeEl::Lit(_) => {
                for j in 0..chars.len() {
                    let ok = match el {
                        LikeEl::Lit(c) => chars.get(j) == Some(c),
                        _ => true,
                    };
                    if ok
                        && dp.get(j).copied().unwrap_or(false)
                        && let Some(slot) = next.get_mut(j + 1)
                    {
                        *slot = true;
                    }
                }
            }
        }
        dp = next;
    }
    dp.last().copied().unwrap_or(false)
}

fn as_text(v: &Value) -> String {
    match v {
        Value::Str(s) | Value::Guid(s) | Value::DateTime(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
    }
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Compares one left value with one right value; `None` when a value does not have the
/// operator's type (the comparison is then unknown).
pub(crate) fn compare(op: KnownOp, l: &Value, r: &Value) -> Option<bool> {
    let (cmp, positive) = op.cmp.positive();
    let ord = |o: Ordering| match cmp {
        Cmp::Equals => Some(o == Ordering::Equal),
        Cmp::GreaterThan => Some(o == Ordering::Greater),
        Cmp::GreaterThanEquals => Some(o != Ordering::Less),
        Cmp::LessThan => Some(o == Ordering::Less),
        Cmp::LessThanEquals => Some(o != Ordering::Greater),
        _ => None,
    };
    let result = match op.family {
        Family::Bool => match cmp {
            Cmp::Equals => Some(as_bool(l)? == as_bool(r)?),
            _ => None,
        },
        Family::Numeric => ord(as_int(l)?.cmp(&as_int(r)?)),
        Family::DateTime => {
            let (a, b) = match (l, r) {
                (Value::Str(a) | Value::DateTime(a), Value::Str(b) | Value::DateTime(b)) => {
                    (parse_datetime(a)?, parse_datetime(b)?)
                }
                _ => return None,
            };
            ord(a.cmp(&b))
        }
        Family::Guid => match cmp {
            Cmp::Equals => Some(normalize_guid(&as_text(l))? == normalize_guid(&as_text(r))?),
            _ => None,
        },
        Family::String => {
            let (mut a, mut b) = (as_text(l), as_text(r));
            if op.ignore_case {
                a = a.to_lowercase();
                b = b.to_lowercase();
            }
            match cmp {
                Cmp::Equals => Some(a == b),
                Cmp::StartsWith => Some(a.starts_with(&b)),
                Cmp::Like => Some(like(&a, &b)),
                _ => None,
            }
        }
    }?;
    Some(result == positive)
}
