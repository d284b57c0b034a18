//! `synth --seed N --assignments N --out DIR` (hidden): writes a synthetic tenant inventory
//! in the real export shapes, for benchmarks and tests.

use crate::analyses::access::synth::{Config, Shape, Writers, generate};
use crate::cli::EXIT_OK;
use crate::cli::args::{ShapeArg, SynthArgs};
use crate::cli::output::AtomicFile;
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::inventory::InputKind;
use crate::report::progress::Progress;
use std::io::BufWriter;

pub fn run(model: &Model, a: &SynthArgs) -> Result<i32> {
    let mut cfg = Config::scaled(a.seed, a.assignments);
    if let Some(n) = a.principals {
        cfg.principals = n.max(1);
    }
    if let Some(n) = a.groups {
        cfg.groups = n;
    }
    if let Some(n) = a.custom_roles {
        cfg.custom_roles = n;
    }
    if let Some(n) = a.deny_assignments {
        cfg.deny_assignments = n;
    }
    cfg.shape = match a.shape {
        ShapeArg::Cli => Shape::Cli,
        ShapeArg::Rest => Shape::Rest,
        ShapeArg::Graph => Shape::Graph,
        ShapeArg::Mixed => Shape::Mixed,
    };
    let dir = &a.out;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(&dir.display().to_string(), &e))?;
    let targets: Vec<_> = InputKind::ALL
        .iter()
        .map(|k| dir.join(k.file_name()))
        .collect();
    // Every target is checked (exists without --force, not a regular file) before writing.
    let mut files = Vec::new();
    for t in &targets {
        files.push(BufWriter::with_capacity(
            1 << 20,
            AtomicFile::create(t, a.force)?,
        ));
    }
    let [fa, fr, fg, fd, fm] = files.as_mut_slice() else {
        return Err(Error::Internal("synth: five output files expected".into()));
    };
    let p = Progress::bar("writing role assignments", cfg.assignments as u64);
    generate(
        model,
        &cfg,
        Writers {
            assignments: fa,
            roles: fr,
            groups: fg,
            deny: fd,
            management_groups: fm,
        },
        &mut |n| p.set(n as u64),
    )
    .map_err(|e| Error::io(&dir.display().to_string(), &e))?;
    p.finish();
    for (f, t) in files.into_iter().zip(&targets) {
        let shown = t.display().to_string();
        let f = f.into_inner().map_err(|e| Error::io(&shown, e.error()))?;
        f.commit()?;
    }
    crate::report::err_line(&format!(
        "wrote a synthetic tenant to {}: {} role assignments, {} principals, {} groups, {} custom roles, {} deny assignments (seed {})",
        dir.display(),
        cfg.assignments,
        cfg.principals,
        cfg.groups,
        cfg.custom_roles,
        cfg.deny_assignments,
        cfg.seed
    ));
    Ok(EXIT_OK)
}
