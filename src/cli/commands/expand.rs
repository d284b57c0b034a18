//! `expand ROLE... [--all-builtins]`.

use crate::analyses::expand::{RoleExpansion, expand_role_borrowed, expand_roles};
use crate::cli::EXIT_OK;
use crate::cli::args::ExpandArgs;
use crate::cli::input::resolve_roles;
use crate::data::Model;
use crate::error::Result;
use crate::model::RoleDefinition;
use crate::report::{self, Format};

pub fn run(model: &Model, a: &ExpandArgs) -> Result<i32> {
    let mut owned: Vec<RoleDefinition> = Vec::new();
    for r in &a.roles {
        owned.extend(resolve_roles(model, r)?);
    }
    let mut roles: Vec<&RoleDefinition> = owned.iter().collect();
    if a.all_builtins {
        roles.extend(model.builtins.roles());
    }
    if a.format == Format::Json {
        json_stream(model, &roles);
        return Ok(EXIT_OK);
    }
    let rep = expand_roles(model, &roles);
    for r in &rep.roles {
        warn(r);
    }
    report::out(&report::expand::table_text(&rep));
    Ok(EXIT_OK)
}

/// The warnings for a role whose entries could not all be read (ARM expressions, ...).
fn warnings<N>(r: &RoleExpansion<N>) -> Vec<String> {
    r.unresolved
        .iter()
        .map(|u| format!("{}: incomplete: {u}", r.name))
        .collect()
}

fn warn<N>(r: &RoleExpansion<N>) {
    for w in warnings(r) {
        report::warn(&w);
    }
}

/// Expands and prints roles role by role (`--all-builtins` lists some 234,000 names), the
/// second half rendered on another thread while the first half is expanded and printed.
fn json_stream(model: &Model, roles: &[&RoleDefinition]) {
    let date = &model.index.catalog().provenance.source_date;
    let (mut stream, head) = report::expand::JsonStream::begin(1, date, model.mode.as_str());
    report::out(&head);
    let render = |r: &RoleDefinition, first: bool| {
        let e = expand_role_borrowed(model, r).0;
        (report::expand::json_role_chunk(&e, first), warnings(&e))
    };
    let mid = if roles.len() >= 32 {
        roles.len() / 2
    } else {
        roles.len()
    };
    let (first_half, second_half) = roles.split_at(mid);
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .spawn_scoped(s, || {
                second_half
                    .iter()
                    .map(|r| render(r, false))
                    .collect::<Vec<_>>()
            })
            .ok();
        for (i, r) in first_half.iter().enumerate() {
            let (chunk, warnings) = render(r, i == 0);
            for w in warnings {
                report::warn(&w);
            }
            report::out(&chunk);
        }
        stream.add_rendered(first_half.len());
        let rest = match worker.map(|w| w.join()) {
            Some(Ok(rest)) => rest,
            // No thread (or it failed): render the second half here.
            _ => second_half.iter().map(|r| render(r, false)).collect(),
        };
        for (chunk, warnings) in rest {
            for w in warnings {
                report::warn(&w);
            }
            report::out(&chunk);
        }
        stream.add_rendered(second_half.len());
    });
    report::out(&stream.end());
}
