//! `who-can OPERATION|PATTERN [--any OP...] [--category CAT]... --scope S [--below]
//! [--allow-unknown] [inventory flags]`.

use crate::analyses::access::{OpQuery, who_can, who_can_many};
use crate::analyses::risk::Taxonomy;
use crate::cli::args::WhoCanArgs;
use crate::cli::{EXIT_OK, inventory};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::{Pattern, Plane, validate_user_pattern};
use crate::report::{self, Format, access_csv, access_many, access_who_can};
use std::collections::BTreeSet;

/// An operation name (or pattern) as typed: refuses `control:NAME` and invalid patterns.
fn parse_op(text: &str) -> Result<Pattern> {
    // `control:NAME` / `data:NAME`: no operation name holds a `:`, and who-can already
    // answers for both planes of a name.
    if let Some((prefix, rest)) = text.split_once(':')
        && !prefix.contains('/')
    {
        return Err(Error::usage(format!(
            "who-can: `{}` is not an operation name (names have no `:`); give `{}`: who-can answers for every plane that has the name",
            crate::text::escape(text),
            crate::text::escape(rest.trim())
        )));
    }
    validate_user_pattern(text).map_err(|m| Error::usage(format!("who-can: {m}")))
}

/// A literal the catalog does not list is an input error unless `--allow-unknown`.
fn check_known(model: &Model, name: &str, allow_unknown: bool) -> Result<()> {
    let q = OpQuery::new(&model.index, name);
    if q.in_catalog() || allow_unknown {
        return Ok(());
    }
    let hint = crate::analyses::suggest::operation_either_plane(&model.index, name)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Err(Error::usage(format!(
        "who-can: `{}` is not in the operation catalog{hint}; check the spelling, or pass --allow-unknown to evaluate it anyway",
        crate::text::escape(name)
    )))
}

pub fn run(model: &Model, a: &WhoCanArgs) -> Result<i32> {
    if a.scope.trim().is_empty() {
        return Err(Error::usage(
            "who-can: --scope is empty (use `/` for the tenant root)",
        ));
    }
    crate::model::scope::check_scope_arg(&a.scope)
        .map_err(|m| Error::usage(format!("who-can: --scope {m}")))?;
    let first = a.operation.as_deref().map(parse_op).transpose()?;
    let single = match &first {
        Some(p) if p.is_literal() && a.any.is_empty() && a.category.is_empty() => {
            Some(p.as_str().to_string())
        }
        _ => None,
    };
    if let Some(op) = single {
        check_known(model, &op, a.allow_unknown)?;
        return run_one(model, a, &op);
    }
    if a.below {
        return Err(Error::usage(
            "who-can: --below answers for one operation; ask for each operation of the set separately",
        ));
    }
    // The set: the pattern's catalog operations, the `--any` names, the categories' operations.
    let taxonomy = Taxonomy::embedded()?;
    let risk = taxonomy.classify(&model.index, model.mode);
    let catalog = model.index.catalog();
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut query = Vec::new();
    if let Some(p) = &first {
        query.push(p.as_str().to_string());
        if p.is_literal() {
            check_known(model, p.as_str(), a.allow_unknown)?;
            names.insert(OpQuery::new(&model.index, p.as_str()).name);
        } else {
            let before = names.len();
            for plane in Plane::BOTH {
                for id in model.index.resolve(p, plane, model.mode).ones() {
                    names.insert(catalog.name(id as u32).to_string());
                }
            }
            if names.len() == before {
                return Err(Error::usage(format!(
                    "who-can: the pattern `{}` matches no operation in the catalog (list names with `azrbac actions`)",
                    crate::text::escape(p.as_str())
                )));
            }
        }
    }
    for op in &a.any {
        let p = parse_op(op)?;
        if !p.is_literal() {
            return Err(Error::usage(format!(
                "who-can: --any takes operation names; `{}` is a pattern (give it as the operation argument)",
                crate::text::escape(op)
            )));
        }
        check_known(model, p.as_str(), a.allow_unknown)?;
        names.insert(OpQuery::new(&model.index, p.as_str()).name);
    }
    if !a.any.is_empty() {
        query.push(format!("any of {}", a.any.len()));
    }
    for c in &a.category {
        let Some(ci) = taxonomy.find(c) else {
            let keys: Vec<&str> = taxonomy
                .categories()
                .iter()
                .map(|x| x.key.as_str())
                .collect();
            let hint = crate::error::did_you_mean(c, keys.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(Error::usage(format!(
                "who-can: `{}` is not a risk category{hint}; the categories are {}",
                crate::text::escape(c),
                keys.join(", ")
            )));
        };
        for id in risk.ops_in(ci).ones() {
            names.insert(catalog.name(id as u32).to_string());
        }
        query.push(format!("category {}", taxonomy.category(ci).key));
    }
    let ix = inventory::index(model, &a.inventory, "who-can")?;
    let t0 = std::time::Instant::now();
    let ops: Vec<OpQuery> = names
        .iter()
        .map(|n| OpQuery::new(&model.index, n))
        .collect();
    let ans = who_can_many(&ix, ops, &a.scope, &risk);
    inventory::timing("who-can query", t0);
    let t0 = std::time::Instant::now();
    let rep = access_many::build(&ix, &ans, &query.join(", "), &taxonomy);
    drop(ans);
    inventory::timing("who-can report", t0);
    if a.format == Format::Csv {
        for note in access_csv::side_notes(rep.complete, &rep.warnings, &rep.unevaluated) {
            report::warn(&note);
        }
    }
    let t0 = std::time::Instant::now();
    let text = match a.format {
        Format::Json => report::to_json(&rep),
        Format::Csv => access_many::csv(&rep),
        _ => access_many::table(&rep),
    };
    inventory::timing("who-can render", t0);
    report::out(&text);
    Ok(EXIT_OK)
}

fn run_one(model: &Model, a: &WhoCanArgs, op: &str) -> Result<i32> {
    let ix = inventory::index(model, &a.inventory, "who-can")?;
    let t0 = std::time::Instant::now();
    let ans = who_can(&ix, op, &a.scope, a.below);
    inventory::timing("who-can query", t0);
    if !ans.op.in_catalog() {
        report::warn(&format!(
            "`{}` is not in the operation catalog: evaluated anyway (literal entries grant exactly this name, matching wildcards grant it)",
            op
        ));
    }
    let rep = access_who_can::build(&ix, &ans);
    if a.format == Format::Csv {
        for note in access_csv::side_notes(rep.complete, &rep.warnings, &rep.unevaluated) {
            report::warn(&note);
        }
    }
    report::out(&match a.format {
        Format::Json => report::to_json(&rep),
        Format::Csv => access_csv::who_can(&rep),
        _ => access_who_can::table(&rep),
    });
    Ok(EXIT_OK)
}
