//! The ARM template functions the evaluator computes, over known arguments. A function not
//! listed here is deploy-time for the evaluator: its value stays symbolic.

use super::value::{Budget, Kind, MAX_ITEMS, Origin, Val, num_text};
use std::rc::Rc;

type R = std::result::Result<Val, String>;

fn text_of(v: &Val) -> std::result::Result<String, String> {
    match &v.kind {
        Kind::Str(s) => Ok(s.clone()),
        Kind::Num(n) => Ok(num_text(*n)),
        Kind::Bool(b) => Ok(b.to_string()),
        Kind::Null => Ok(String::new()),
        _ => Ok(v.to_json().to_string()),
    }
}

fn want_str<'v>(v: &'v Val, name: &str) -> std::result::Result<&'v str, String> {
    match &v.kind {
        Kind::Str(s) => Ok(s),
        _ => Err(format!(
            "`{name}` expects a string, found {}",
            v.kind_name()
        )),
    }
}

fn want_int(v: &Val, name: &str) -> std::result::Result<i64, String> {
    match &v.kind {
        Kind::Num(n) if n.fract() == 0.0 => Ok(*n as i64),
        _ => Err(format!(
            "`{name}` expects a whole number, found {}",
            v.kind_name()
        )),
    }
}

/// Equality as ARM compares: strings ignoring case.
fn same(a: &Val, b: &Val) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Str(x), Kind::Str(y)) => x.eq_ignore_ascii_case(y),
        (Kind::Num(x), Kind::Num(y)) => x == y,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Null, Kind::Null) => true,
        (Kind::List(x), Kind::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| b.get(k, true).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

fn args_n(vals: &[Val], lo: usize, hi: usize, name: &str) -> std::result::Result<(), String> {
    if vals.len() < lo || vals.len() > hi {
        return Err(format!(
            "`{name}` takes {lo}{} arguments, found {}",
            if hi == lo {
                String::new()
            } else if hi == usize::MAX {
                " or more".to_string()
            } else {
                format!(" to {hi}")
            },
            vals.len()
        ));
    }
    Ok(())
}

/// Applies function `name` to known arguments.
pub fn apply(
    name: &str,
    vals: Vec<Val>,
    text: &str,
    here: Option<Rc<Origin>>,
    budget: &mut Budget,
) -> R {
    if vals.iter().any(|v| v.first_sym().is_some())
        && matches!(
            name,
            "equals" | "contains" | "string" | "json" | "format" | "union" | "intersection"
        )
    {
        return Ok(Val::sym(text));
    }
    let step = |budget: &mut Budget, n: usize| {
        budget
            .items(n)
            .map_err(|_| format!("`{text}` builds more than {MAX_ITEMS} items"))
    };
    let mk = |k: Kind| Ok(Val::new(k, here.clone()));
    match name {
        "concat" => {
            if !vals.is_empty() && vals.iter().all(|v| matches!(v.kind, Kind::List(_))) {
                let mut out = Vec::new();
                for v in vals {
                    if let Kind::List(items) = v.kind {
                        out.extend(items);
                    }
                }
                step(budget, out.len())?;
                return mk(Kind::List(out));
            }
            let mut s = String::new();
            for v in &vals {
                if matches!(v.kind, Kind::List(_) | Kind::Map(_)) {
                    return Err("`concat` joins either arrays or strings, not both".into());
                }
                s.push_str(&text_of(v)?);
            }
            step(budget, s.len() / 64)?;
            mk(Kind::Str(s))
        }
        "union" => {
            args_n(&vals, 1, usize::MAX, name)?;
            if vals.iter().all(|v| matches!(v.kind, Kind::Map(_))) {
                let mut out: Vec<(String, Val)> = Vec::new();
                for v in vals {
                    if let Kind::Map(m) = v.kind {
                        for (k, x) in m {
                            match out.iter_mut().find(|(o, _)| o.eq_ignore_ascii_case(&k)) {
                                Some(slot) => slot.1 = x,
                                None => out.push((k, x)),
                            }
                        }
                    }
                }
                return mk(Kind::Map(out));
            }
            let mut out: Vec<Val> = Vec::new();
            for v in vals {
                let Kind::List(items) = v.kind else {
                    return Err("`union` joins arrays or objects, not both".into());
                };
                for i in items {
                    step(budget, out.len() / 16 + 1)?;
                    if !out.iter().any(|o| same(o, &i)) {
                        out.push(i);
                    }
                }
            }
            mk(Kind::List(out))
        }
        "intersection" => {
            args_n(&vals, 1, usize::MAX, name)?;
            let mut it = vals.into_iter();
            let Some(first) = it.next() else {
                return mk(Kind::List(Vec::new()));
            };
            let rest: Vec<Val> = it.collect();
            match first.kind {
                Kind::List(items) => mk(Kind::List(
                    items
                        .into_iter()
                        .filter(|i| {
                            rest.iter().all(|r| match &r.kind {
                                Kind::List(x) => x.iter().any(|y| same(y, i)),
                                _ => false,
                            })
                        })
                        .collect(),
                )),
                _ => Err("`intersection` is computed for arrays only".into()),
            }
        }
        "createarray" => {
            step(budget, vals.len())?;
            mk(Kind::List(vals))
        }
        "createobject" => {
            if !vals.len().is_multiple_of(2) {
                return Err("`createObject` takes key and value pairs".into());
            }
            let mut out = Vec::new();
            let mut it = vals.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                out.push((want_str(&k, name)?.to_string(), v));
            }
            mk(Kind::Map(out))
        }
        "array" => {
            args_n(&vals, 1, 1, name)?;
            let v = vals.into_iter().next().unwrap_or_else(|| Val::sym(text));
            match v.kind {
                Kind::List(_) => Ok(v),
                _ => mk(Kind::List(vec![v])),
            }
        }
        "string" => {
            args_n(&vals, 1, 1, name)?;
            mk(Kind::Str(text_of(&vals[0])?))
        }
        "json" => {
            args_n(&vals, 1, 1, name)?;
            let s = want_str(&vals[0], name)?;
            let v: serde_json::Value =
                serde_json::from_str(s).map_err(|e| format!("`json` of invalid JSON: {e}"))?;
            let mut out = Val::from_json(&v, "", None);
            fn reorigin(v: &mut Val, o: &Option<Rc<Origin>>) {
                v.origin = o.clone();
                match &mut v.kind {
                    Kind::List(i) => i.iter_mut().for_each(|x| reorigin(x, o)),
                    Kind::Map(m) => m.iter_mut().for_each(|(_, x)| reorigin(x, o)),
                    _ => {}
                }
            }
            reorigin(&mut out, &here);
            Ok(out)
        }
        "format" => {
            args_n(&vals, 1, usize::MAX, name)?;
            let f = want_str(&vals[0], name)?;
            let mut out = String::new();
            let mut chars = f.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '{' if chars.peek() == Some(&'{') => {
                        chars.next();
                        out.push('{');
                    }
                    '}' if chars.peek() == Some(&'}') => {
                        chars.next();
                        out.push('}');
                    }
                    '{' => {
                        let mut spec = String::new();
                        for d in chars.by_ref() {
                            if d == '}' {
                                break;
                            }
                            spec.push(d);
                        }
                        let idx: usize = spec
                            .split(':')
                            .next()
                            .and_then(|s| s.trim().parse().ok())
                            .ok_or_else(|| {
                                format!("`format` placeholder `{{{spec}}}` is not `{{N}}`")
                            })?;
                        let v = vals
                            .get(idx + 1)
                            .ok_or_else(|| format!("`format` has no argument {idx}"))?;
                        out.push_str(&text_of(v)?);
                    }
                    c => out.push(c),
                }
            }
            mk(Kind::Str(out))
        }
        "empty" => {
            args_n(&vals, 1, 1, name)?;
            mk(Kind::Bool(match &vals[0].kind {
                Kind::Null => true,
                Kind::Str(s) => s.is_empty(),
                Kind::List(l) => l.is_empty(),
                Kind::Map(m) => m.is_empty(),
                _ => false,
            }))
        }
        "contains" => {
            args_n(&vals, 2, 2, name)?;
            let (c, i) = (&vals[0], &vals[1]);
            mk(Kind::Bool(match &c.kind {
                Kind::Str(s) => s.contains(text_of(i)?.as_str()),
                Kind::List(l) => l.iter().any(|x| same(x, i)),
                Kind::Map(_) => c.get(want_str(i, name)?, true).is_some(),
                _ => return Err(format!("`contains` of {}", c.kind_name())),
            }))
        }
        "length" => {
            args_n(&vals, 1, 1, name)?;
            mk(Kind::Num(match &vals[0].kind {
                Kind::Str(s) => s.chars().count() as f64,
                Kind::List(l) => l.len() as f64,
                Kind::Map(m) => m.len() as f64,
                _ => return Err(format!("`length` of {}", vals[0].kind_name())),
            }))
        }
        "range" => {
            args_n(&vals, 2, 2, name)?;
            let (s, n) = (want_int(&vals[0], name)?, want_int(&vals[1], name)?);
            if n < 0 {
                return Err(format!("`range` count {n} is negative"));
            }
            step(budget, n.min(i64::MAX / 2) as usize)?;
            mk(Kind::List(
                (0..n)
                    .map(|i| Val::new(Kind::Num((s + i) as f64), here.clone()))
                    .collect(),
            ))
        }
        "tolower" | "toupper" => {
            args_n(&vals, 1, 1, name)?;
            let s = want_str(&vals[0], name)?;
            mk(Kind::Str(if name == "tolower" {
                s.to_lowercase()
            } else {
                s.to_uppercase()
            }))
        }
        "trim" => {
            args_n(&vals, 1, 1, name)?;
            mk(Kind::Str(want_str(&vals[0], name)?.trim().to_string()))
        }
        "replace" => {
            args_n(&vals, 3, 3, name)?;
            let s = want_str(&vals[0], name)?;
            let (a, b) = (want_str(&vals[1], name)?, want_str(&vals[2], name)?);
            if a.is_empty() {
                return Err("`replace` of an empty string".into());
            }
            mk(Kind::Str(s.replace(a, b)))
        }
        "split" => {
            args_n(&vals, 2, 2, name)?;
            let s = want_str(&vals[0], name)?;
            let delims: Vec<String> = match &vals[1].kind {
                Kind::List(l) => l
                    .iter()
                    .map(text_of)
                    .collect::<std::result::Result<_, _>>()?,
                _ => vec![want_str(&vals[1], name)?.to_string()],
            };
            let mut parts = vec![s.to_string()];
            for d in delims.iter().filter(|d| !d.is_empty()) {
                parts = parts
                    .iter()
                    .flat_map(|p| p.split(d.as_str()).map(str::to_string).collect::<Vec<_>>())
                    .collect();
            }
            step(budget, parts.len())?;
            mk(Kind::List(
                parts
                    .into_iter()
                    .map(|p| Val::str(p, here.clone()))
                    .collect(),
            ))
        }
        "first" | "last" => {
            args_n(&vals, 1, 1, name)?;
            let v = vals.into_iter().next().unwrap_or_else(|| Val::sym(text));
            match v.kind {
                Kind::List(l) => {
                    let x = if name == "first" {
                        l.into_iter().next()
                    } else {
                        l.into_iter().last()
                    };
                    Ok(x.unwrap_or_else(|| Val::new(Kind::Null, here.clone())))
                }
                Kind::Str(s) => {
                    let c = if name == "first" {
                        s.chars().next()
                    } else {
                        s.chars().last()
                    };
                    mk(Kind::Str(c.map(String::from).unwrap_or_default()))
                }
                _ => Err(format!(
                    "`{name}` of {}",
                    Val::new(v.kind, None).kind_name()
                )),
            }
        }
        "take" | "skip" => {
            args_n(&vals, 2, 2, name)?;
            let n = want_int(&vals[1], name)?.max(0) as usize;
            let v = vals.into_iter().next().unwrap_or_else(|| Val::sym(text));
            match v.kind {
                Kind::List(l) => mk(Kind::List(if name == "take" {
                    l.into_iter().take(n).collect()
                } else {
                    l.into_iter().skip(n).collect()
                })),
                Kind::Str(s) => mk(Kind::Str(if name == "take" {
                    s.chars().take(n).collect()
                } else {
                    s.chars().skip(n).collect()
                })),
                _ => Err(format!(
                    "`{name}` of {}",
                    Val::new(v.kind, None).kind_name()
                )),
            }
        }
        "equals" => {
            args_n(&vals, 2, 2, name)?;
            mk(Kind::Bool(same(&vals[0], &vals[1])))
        }
        "not" => {
            args_n(&vals, 1, 1, name)?;
            match vals[0].kind {
                Kind::Bool(b) => mk(Kind::Bool(!b)),
                _ => Err(format!("`not` of {}", vals[0].kind_name())),
            }
        }
        "and" | "or" => {
            let mut bs = Vec::new();
            for v in &vals {
                match v.kind {
                    Kind::Bool(b) => bs.push(b),
                    _ => return Err(format!("`{name}` of {}", v.kind_name())),
                }
            }
            mk(Kind::Bool(if name == "and" {
                bs.iter().all(|b| *b)
            } else {
                bs.iter().any(|b| *b)
            }))
        }
        "bool" => {
            args_n(&vals, 1, 1, name)?;
            match &vals[0].kind {
                Kind::Bool(b) => mk(Kind::Bool(*b)),
                Kind::Str(s) if s.eq_ignore_ascii_case("true") => mk(Kind::Bool(true)),
                Kind::Str(s) if s.eq_ignore_ascii_case("false") => mk(Kind::Bool(false)),
                Kind::Num(n) => mk(Kind::Bool(*n != 0.0)),
                _ => Err(format!("`bool` of {}", vals[0].kind_name())),
            }
        }
        "int" => {
            args_n(&vals, 1, 1, name)?;
            match &vals[0].kind {
                Kind::Num(n) => mk(Kind::Num(n.trunc())),
                Kind::Str(s) => s
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| format!("`int` of `{s}`"))
                    .and_then(|n| mk(Kind::Num(n as f64))),
                _ => Err(format!("`int` of {}", vals[0].kind_name())),
            }
        }
        "true" => mk(Kind::Bool(true)),
        "false" => mk(Kind::Bool(false)),
        "null" => mk(Kind::Null),
        "startswith" | "endswith" => {
            args_n(&vals, 2, 2, name)?;
            let (a, b) = (
                want_str(&vals[0], name)?.to_ascii_lowercase(),
                want_str(&vals[1], name)?.to_ascii_lowercase(),
            );
            mk(Kind::Bool(if name == "startswith" {
                a.starts_with(&b)
            } else {
                a.ends_with(&b)
            }))
        }
        "add" | "sub" | "mul" => {
            args_n(&vals, 2, 2, name)?;
            let (a, b) = (want_int(&vals[0], name)?, want_int(&vals[1], name)?);
            let r = match name {
                "add" => a.checked_add(b),
                "sub" => a.checked_sub(b),
                _ => a.checked_mul(b),
            }
            .ok_or_else(|| format!("`{text}` overflows"))?;
            mk(Kind::Num(r as f64))
        }
        _ => Ok(Val::sym(text)),
    }
}
