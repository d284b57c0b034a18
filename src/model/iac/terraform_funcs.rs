//! The Terraform functions the evaluator computes over known arguments; `Ok(None)` for a
//! function it does not compute (the value stays symbolic).

use super::terraform_eval::Scope;
use super::value::{Budget, Kind, Origin, Val, num_text};
use std::rc::Rc;

type R = std::result::Result<Option<Val>, String>;

fn text(v: &Val) -> std::result::Result<String, String> {
    v.scalar_text()
        .ok_or_else(|| format!("expected a string, found {}", v.kind_name()))
}

fn list(v: Val) -> std::result::Result<Vec<Val>, String> {
    match v.kind {
        Kind::List(l) => Ok(l),
        Kind::Map(m) => Ok(m.into_iter().map(|(_, v)| v).collect()),
        other => Err(format!(
            "expected a list, found {}",
            Val::new(other, None).kind_name()
        )),
    }
}

fn nth(args: &[Val], n: usize, name: &str) -> std::result::Result<(), String> {
    if args.len() != n {
        return Err(format!(
            "`{name}` takes {n} argument{}, found {}",
            if n == 1 { "" } else { "s" },
            args.len()
        ));
    }
    Ok(())
}

/// Removes duplicates (first kept), comparing values as JSON.
fn dedup(items: Vec<Val>) -> Vec<Val> {
    let mut seen: Vec<serde_json::Value> = Vec::new();
    let mut out = Vec::new();
    for i in items {
        let j = i.to_json();
        if !seen.contains(&j) {
            seen.push(j);
            out.push(i);
        }
    }
    out
}

pub fn apply(
    scope: &Scope<'_>,
    name: &str,
    args: Vec<Val>,
    here: Option<Rc<Origin>>,
    budget: &mut Budget,
) -> R {
    let mk = |k: Kind| Ok(Some(Val::new(k, here.clone())));
    let count = |budget: &mut Budget, n: usize| {
        budget
            .items(n)
            .map_err(|_| "builds too large a collection".to_string())
    };
    match name {
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                if a.is_sym() {
                    return Ok(None);
                }
                out.extend(list(a)?);
                count(budget, out.len())?;
            }
            mk(Kind::List(out))
        }
        "flatten" => {
            nth(&args, 1, name)?;
            fn flat(v: Val, out: &mut Vec<Val>, budget: &mut Budget) -> Result<(), String> {
                match v.kind {
                    Kind::List(l) => {
                        for i in l {
                            flat(i, out, budget)?;
                        }
                    }
                    _ => {
                        budget
                            .items(out.len() + 1)
                            .map_err(|_| "too large".to_string())?;
                        out.push(v);
                    }
                }
                Ok(())
            }
            let mut out = Vec::new();
            let a = args
                .into_iter()
                .next()
                .unwrap_or_else(|| Val::sym("flatten"));
            if a.is_sym() {
                return Ok(None);
            }
            flat(a, &mut out, budget)?;
            if out.iter().any(Val::is_sym) {
                // A nested list known only at deployment would be flattened into this one.
                return Ok(None);
            }
            mk(Kind::List(out))
        }
        "distinct" | "toset" => {
            nth(&args, 1, name)?;
            let a = args.into_iter().next().unwrap_or_else(|| Val::sym(name));
            if a.is_sym() {
                return Ok(None);
            }
            let mut items = dedup(list(a)?);
            if name == "toset" {
                if items.iter().any(Val::is_sym) {
                    return Ok(None);
                }
                items.sort_by_key(|v| v.to_json().to_string());
            }
            mk(Kind::List(items))
        }
        "tolist" => {
            nth(&args, 1, name)?;
            let a = args.into_iter().next().unwrap_or_else(|| Val::sym(name));
            if a.is_sym() {
                return Ok(None);
            }
            mk(Kind::List(list(a)?))
        }
        "tomap" => {
            nth(&args, 1, name)?;
            Ok(args.into_iter().next())
        }
        "merge" => {
            let mut out: Vec<(String, Val)> = Vec::new();
            for a in args {
                match a.kind {
                    Kind::Map(m) => {
                        for (k, v) in m {
                            out.retain(|(x, _)| *x != k);
                            out.push((k, v));
                        }
                    }
                    Kind::Null => {}
                    Kind::Sym(_) => return Ok(None),
                    _ => return Err("`merge` takes objects".into()),
                }
            }
            mk(Kind::Map(out))
        }
        "lookup" => {
            if args.len() < 2 || args.len() > 3 {
                return Err("`lookup` takes 2 or 3 arguments".into());
            }
            if args[0].is_sym() || args[1].is_sym() {
                return Ok(None);
            }
            let k = text(&args[1])?;
            match args[0].get(&k, false) {
                Some(v) => Ok(Some(v.clone())),
                None => match args.get(2) {
                    Some(d) => Ok(Some(d.clone())),
                    None => Err(format!("no key `{k}`")),
                },
            }
        }
        "length" => {
            nth(&args, 1, name)?;
            mk(Kind::Num(match &args[0].kind {
                Kind::Sym(_) => return Ok(None),
                Kind::Str(s) => s.chars().count() as f64,
                Kind::List(l) => l.len() as f64,
                Kind::Map(m) => m.len() as f64,
                _ => return Err("`length` of a scalar".into()),
            }))
        }
        "keys" | "values" => {
            nth(&args, 1, name)?;
            let a = args.into_iter().next().unwrap_or_else(|| Val::sym(name));
            match a.kind {
                Kind::Map(m) => mk(Kind::List(
                    m.into_iter()
                        .map(|(k, v)| {
                            if name == "keys" {
                                Val::str(k, here.clone())
                            } else {
                                v
                            }
                        })
                        .collect(),
                )),
                _ => Err(format!("`{name}` of a non-object")),
            }
        }
        "lower" | "upper" | "trimspace" => {
            nth(&args, 1, name)?;
            let s = text(&args[0])?;
            mk(Kind::Str(match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                _ => s.trim().to_string(),
            }))
        }
        "join" => {
            nth(&args, 2, name)?;
            let sep = text(&args[0])?;
            let parts: Vec<String> = list(args[1].clone())?
                .iter()
                .map(text)
                .collect::<Result<_, _>>()?;
            mk(Kind::Str(parts.join(&sep)))
        }
        "split" => {
            nth(&args, 2, name)?;
            let (sep, s) = (text(&args[0])?, text(&args[1])?);
            if sep.is_empty() {
                return Err("`split` by an empty separator".into());
            }
            let parts: Vec<Val> = s
                .split(sep.as_str())
                .map(|p| Val::str(p, here.clone()))
                .collect();
            count(budget, parts.len())?;
            mk(Kind::List(parts))
        }
        "replace" => {
            nth(&args, 3, name)?;
            let (s, a, b) = (text(&args[0])?, text(&args[1])?, text(&args[2])?);
            if a.starts_with('/') && a.ends_with('/') && a.len() > 1 {
                return Ok(None);
            }
            if a.is_empty() {
                return Err("`replace` of an empty string".into());
            }
            mk(Kind::Str(s.replace(&a, &b)))
        }
        "format" => {
            let Some(f) = args.first() else {
                return Err("`format` needs a format string".into());
            };
            let f = text(f)?;
            let mut out = String::new();
            let mut next = 1;
            let mut chars = f.chars().peekable();
            while let Some(c) = chars.next() {
                if c != '%' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('%') => out.push('%'),
                    Some('s' | 'd' | 'v') => {
                        let a = args.get(next).ok_or("`format` has too few arguments")?;
                        out.push_str(&text(a)?);
                        next += 1;
                    }
                    _ => return Ok(None),
                }
            }
            mk(Kind::Str(out))
        }
        "contains" => {
            nth(&args, 2, name)?;
            let j = args[1].to_json();
            mk(Kind::Bool(
                list(args[0].clone())?.iter().any(|x| x.to_json() == j),
            ))
        }
        "coalesce" => Ok(args.into_iter().find(|a| {
            !matches!(&a.kind, Kind::Null) && !matches!(&a.kind, Kind::Str(s) if s.is_empty())
        })),
        "compact" => {
            nth(&args, 1, name)?;
            let items = list(args[0].clone())?
                .into_iter()
                .filter(|v| {
                    !matches!(&v.kind, Kind::Null)
                        && !matches!(&v.kind, Kind::Str(s) if s.is_empty())
                })
                .collect();
            mk(Kind::List(items))
        }
        "element" => {
            nth(&args, 2, name)?;
            let l = list(args[0].clone())?;
            let Kind::Num(i) = args[1].kind else {
                return Err("`element` index must be a number".into());
            };
            if l.is_empty() {
                return Err("`element` of an empty list".into());
            }
            Ok(Some(l[(i.max(0.0) as usize) % l.len()].clone()))
        }
        "range" => {
            let nums: Vec<f64> = args
                .iter()
                .map(|a| match a.kind {
                    Kind::Num(n) => Ok(n),
                    _ => Err("`range` takes numbers".to_string()),
                })
                .collect::<Result<_, _>>()?;
            let (start, end) = match nums.as_slice() {
                [e] => (0.0, *e),
                [s, e] | [s, e, _] => (*s, *e),
                _ => return Err("`range` takes 1 to 3 numbers".into()),
            };
            let n = (end - start).max(0.0) as usize;
            count(budget, n)?;
            mk(Kind::List(
                (0..n)
                    .map(|i| Val::new(Kind::Num(start + i as f64), here.clone()))
                    .collect(),
            ))
        }
        "jsondecode" => {
            nth(&args, 1, name)?;
            let s = text(&args[0])?;
            let v: serde_json::Value =
                serde_json::from_str(&s).map_err(|e| format!("invalid JSON: {e}"))?;
            let mut out = Val::from_json(&v, "", None);
            fn reorigin(v: &mut Val, o: &Option<Rc<Origin>>) {
                v.origin = o.clone();
                match &mut v.kind {
                    Kind::List(i) => i.iter_mut().for_each(|x| reorigin(x, o)),
                    Kind::Map(m) => m.iter_mut().for_each(|(_, x)| reorigin(x, o)),
                    _ => {}
                }
            }
            reorigin(&mut out, &args[0].origin.clone().or(here));
            Ok(Some(out))
        }
        "file" => {
            nth(&args, 1, name)?;
            let rel = text(&args[0])?;
            match scope.read_file(&rel).map_err(|e| e.to_string())? {
                Some((_, t)) => mk(Kind::Str(t)),
                None => Err(format!("no file `{rel}` next to the module")),
            }
        }
        "tostring" => {
            nth(&args, 1, name)?;
            mk(Kind::Str(text(&args[0])?))
        }
        "tonumber" => {
            nth(&args, 1, name)?;
            let s = text(&args[0])?;
            s.parse::<f64>()
                .map_err(|_| format!("`{s}` is not a number"))
                .and_then(|n| mk(Kind::Num(n)))
        }
        "abs" => match args.first().map(|a| &a.kind) {
            Some(Kind::Num(n)) => mk(Kind::Num(n.abs())),
            _ => Err("`abs` takes a number".into()),
        },
        _ => {
            let _ = num_text;
            Ok(None)
        }
    }
}
