//! `expand ROLE... [--all-builtins]`.

use crate::analyses::expand::{RoleExpansion, expand_role_borrowed, expand_roles};
use crate::cli::args::ExpandArgs;
use crate::cli::iac_files;
use crate::cli::input::{read_role_text, resolve_roles, role_inputs};
use crate::cli::{EXIT_INPUT, EXIT_OK};
use crate::data::Model;
use crate::error::Result;
use crate::model::RoleDefinition;
use crate::model::role_text::{may_hold_roles, read_roles};
use crate::report::{self, Format};

pub fn run(model: &Model, a: &ExpandArgs) -> Result<i32> {
    let mut owned: Vec<RoleDefinition> = Vec::new();
    let mut unreadable = false;
    for r in &a.roles {
        let dir = std::path::Path::new(r);
        if !dir.is_dir() {
            owned.extend(resolve_roles(model, r)?);
            continue;
        }
        // A directory: every role file of its tree; files without a role are skipped with a
        // note, files that cannot be read or parsed are reported and make the exit code 2.
        for (path, _) in role_inputs(&[dir.to_path_buf()])? {
            let origin = path.display().to_string();
            let read = read_role_text(&path).and_then(|text| {
                if !may_hold_roles(&text, &origin) {
                    return Ok(Vec::new());
                }
                read_roles(&text, &origin, &iac_files::inputs())
            });
            match read {
                Ok(roles) if roles.is_empty() => {
                    report::generate::note(&format!("{origin}: skipped: holds no role definition"))
                }
                Ok(roles) => owned.extend(roles),
                Err(e) => {
                    report::error(&e.to_string());
                    unreadable = true;
                }
            }
        }
    }
    let mut roles: Vec<&RoleDefinition> = owned.iter().collect();
    if a.all_builtins {
        roles.extend(model.builtins.roles());
    }
    let exit = if unreadable { EXIT_INPUT } else { EXIT_OK };
    if a.format == Format::Json {
        json_stream(model, &roles);
        return Ok(exit);
    }
    let rep = expand_roles(model, &roles);
    for r in &rep.roles {
        warn(r);
    }
    report::out(&report::expand::table_text(&rep));
    Ok(exit)
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

/// Expands and prints roles role by role (`--all-builtins` lists some 234,000 names). A second
/// thread renders every other role and hands them over in order through a small bounded
/// channel, so output stays streamed and memory flat.
fn json_stream(model: &Model, roles: &[&RoleDefinition]) {
    let date = &model.index.catalog().provenance.source_date;
    let (mut stream, head) = report::expand::JsonStream::begin(1, date, model.mode.as_str());
    report::out(&head);
    let render = |r: &RoleDefinition, first: bool| {
        let e = expand_role_borrowed(model, r).0;
        (report::expand::json_role_chunk(&e, first), warnings(&e))
    };
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(16);
        // Without a thread, the sender is dropped and every role is rendered here.
        let _worker = std::thread::Builder::new().spawn_scoped(s, move || {
            for r in roles.iter().skip(1).step_by(2) {
                if tx.send(render(r, false)).is_err() {
                    break;
                }
            }
        });
        for (i, r) in roles.iter().enumerate() {
            let (chunk, warnings) = if i % 2 == 0 {
                render(r, i == 0)
            } else {
                // The worker's roles arrive in order; if it stopped, render the rest here.
                rx.recv().unwrap_or_else(|_| render(r, false))
            };
            for w in warnings {
                report::warn(&w);
            }
            report::out(&chunk);
        }
    });
    stream.add_rendered(roles.len());
    report::out(&stream.end());
}
