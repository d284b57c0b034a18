//! Reading a tenant inventory from `--inventory DIR` and the per-kind file flags, with a
//! progress display while large files load, and building the access index over it.

use super::args::InventoryArgs;
use super::input::read_text;
use crate::analyses::access::AccessIndex;
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::inventory::{InputKind, Inventory};
use crate::report::progress::Progress;
use std::path::PathBuf;
use std::time::Instant;

/// With `AZRBAC_TIMINGS` set, prints how long a phase took to stderr (for
/// docs/performance.md).
pub fn timing(phase: &str, since: Instant) {
    if std::env::var_os("AZRBAC_TIMINGS").is_some() {
        crate::report::err_line(&format!(
            "timing: {phase}: {:.3} s",
            since.elapsed().as_secs_f64()
        ));
    }
}

/// The file of each kind: the flag's, else the folder's when it exists there. A folder that
/// cannot be listed, an entry that is not a regular file, a folder that supplies none of the
/// kinds, and a file whose name is a near miss of a missing kind are input errors: each
/// would otherwise read as "not supplied" and answer with less access than the export holds.
pub fn files(a: &InventoryArgs, command: &str) -> Result<Vec<(InputKind, PathBuf)>> {
    let listing = match &a.inventory {
        Some(dir) => Some(list_folder(dir)?),
        None => None,
    };
    let mut out = Vec::new();
    let mut from_folder = 0;
    let mut missing = Vec::new();
    for kind in InputKind::EVERY {
        let flag = match kind {
            InputKind::Assignments => &a.assignments,
            InputKind::Roles => &a.roles,
            InputKind::Groups => &a.groups,
            InputKind::Deny => &a.deny,
            InputKind::ManagementGroups => &a.management_groups,
            InputKind::Eligible => &a.eligible,
            InputKind::PimAssignments => &a.pim_assignments,
        };
        if let Some(f) = flag {
            out.push((kind, f.clone()));
        } else if let (Some(dir), Some(names)) = (&a.inventory, &listing) {
            if names.iter().any(|n| n == kind.file_name()) {
                let f = dir.join(kind.file_name());
                regular_file(&f)?;
                out.push((kind, f));
                from_folder += 1;
            } else {
                missing.push(kind);
            }
        }
    }
    if let (Some(dir), Some(names)) = (&a.inventory, &listing) {
        let shown = dir.display().to_string();
        for kind in &missing {
            let expected = kind.file_name();
            let near = names.iter().find(|n| {
                InputKind::EVERY.iter().all(|k| k.file_name() != n.as_str())
                    && crate::error::did_you_mean(n, [expected]).is_some()
            });
            if let Some(n) = near {
                return Err(Error::Io {
                    path: dir.join(n).display().to_string(),
                    message: format!(
                        "not an inventory file name (did you mean `{expected}`?); --inventory reads {}",
                        expected_names()
                    ),
                });
            }
        }
        if from_folder == 0 && out.len() < InputKind::EVERY.len() {
            return Err(Error::Io {
                path: shown,
                message: format!("holds none of {}", expected_names()),
            });
        }
    }
    if a.inventory.is_none() && out.is_empty() {
        return Err(Error::usage(format!(
            "{command}: give --inventory DIR, or at least one of --assignments, --roles, --groups, --deny, --management-groups, --eligible, --pim-assignments"
        )));
    }
    Ok(out)
}

fn expected_names() -> String {
    let names: Vec<&str> = InputKind::EVERY.iter().map(|k| k.file_name()).collect();
    names.join(", ")
}

/// The names in an inventory folder (lossy for names that are not UTF-8, which match no
/// expected name anyway).
fn list_folder(dir: &std::path::Path) -> Result<Vec<String>> {
    let shown = dir.display().to_string();
    let meta = std::fs::metadata(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Io {
            path: shown.clone(),
            message: "no such directory".into(),
        },
        _ => Error::io(&shown, &e),
    })?;
    if !meta.is_dir() {
        return Err(Error::Io {
            path: shown,
            message: "is not a directory (--inventory takes a folder)".into(),
        });
    }
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(&shown, &e))?;
    let mut names = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(&shown, &e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// An inventory folder's entry must be a regular file (or a link to one): a directory, FIFO
/// or device is refused rather than skipped (a FIFO would also block the read).
fn regular_file(f: &std::path::Path) -> Result<()> {
    let shown = f.display().to_string();
    let meta = std::fs::metadata(f).map_err(|e| Error::io(&shown, &e))?;
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file (a FIFO, socket or device)"
    };
    Err(Error::Io {
        path: shown,
        message: format!("is {what}; --inventory reads regular files"),
    })
}

/// Reads every supplied kind into an inventory.
/// Files smaller than this load in well under a second: no progress display for them.
const LONG_LOAD_BYTES: usize = 32 << 20;

/// A counter on stderr for a long load (a terminal and a large file), else nothing.
fn counter(text: &str, shown: &str, unit: &'static str) -> Progress {
    if text.len() >= LONG_LOAD_BYTES {
        Progress::counter(&format!("reading {shown}"), unit)
    } else {
        Progress::hidden()
    }
}

pub fn load(a: &InventoryArgs, command: &str) -> Result<Inventory> {
    let mut inv = Inventory::new();
    for (kind, path) in files(a, command)? {
        let shown = path.display().to_string();
        let t0 = Instant::now();
        let text = read_text(&path)?;
        timing(&format!("read {shown}"), t0);
        let t0 = Instant::now();
        match kind {
            InputKind::Assignments => {
                let p = counter(&text, &shown, "role assignments");
                inv.read_assignments(&text, &shown, &mut |n| p.set(n as u64))?;
            }
            InputKind::Groups => {
                let p = counter(&text, &shown, "groups");
                inv.read_groups(&text, &shown, &mut |n| p.set(n as u64))?;
            }
            InputKind::Roles => {
                inv.read_roles(&text, &shown)?;
            }
            InputKind::Deny => {
                inv.read_deny(&text, &shown)?;
            }
            InputKind::ManagementGroups => {
                inv.read_management_groups(&text, &shown)?;
            }
            InputKind::Eligible => {
                inv.read_eligible(&text, &shown)?;
            }
            InputKind::PimAssignments => {
                inv.read_pim_assignments(&text, &shown)?;
            }
        }
        timing(&format!("parse {shown}"), t0);
    }
    inv.finish();
    Ok(inv)
}

/// Loads the inventory and builds the access index (roles expanded once, with a bar).
pub fn index<'m>(model: &'m Model, a: &InventoryArgs, command: &str) -> Result<AccessIndex<'m>> {
    let at = match &a.at {
        Some(t) => Some(
            crate::model::inventory::pim::parse_datetime(t).ok_or_else(|| {
                Error::usage(format!(
                    "{command}: --at `{}` is not a date (give `2026-12-03` or `2026-12-03T10:00:00Z`)",
                    crate::text::escape(t)
                ))
            })?,
        ),
        None => None,
    };
    let mut inv = load(a, command)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let moment = at.unwrap_or(now);
    inv.adopt_active_pim(moment);
    let t0 = Instant::now();
    // Expanding the assigned roles takes long only for thousands of distinct roles.
    let p = if inv.roles.len() + inv.role_refs.len() >= 2_000 {
        Progress::bar("expanding assigned roles", 0)
    } else {
        Progress::hidden()
    };
    let mut ix = AccessIndex::build(model, inv, &mut |done, total| {
        p.set_length(total as u64);
        p.set(done as u64);
    });
    p.finish();
    ix.set_at(moment);
    timing("index (expand roles, bucket by scope, membership)", t0);
    Ok(ix)
}
