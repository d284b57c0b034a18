//! `synth --seed N --assignments N --out DIR` (hidden): writes a synthetic tenant inventory
//! in the real export shapes, for benchmarks and tests.

use crate::analyses::access::synth::{Config, Shape, Writers, generate};
use crate::cli::EXIT_OK;
use crate::cli::args::{ShapeArg, SynthArgs};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::inventory::InputKind;
use crate::report::progress::Progress;
use std::io::{BufWriter, Write};
use std::path::Path;
use tempfile::NamedTempFile;

fn temp_in(dir: &Path) -> Result<BufWriter<NamedTempFile>> {
    let f = NamedTempFile::new_in(dir).map_err(|e| Error::io(&dir.display().to_string(), &e))?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

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
    for t in &targets {
        if t.exists() && !a.force {
            return Err(Error::Io {
                path: t.display().to_string(),
                message: "already exists; pass --force to overwrite it".into(),
            });
        }
    }
    let mut files = Vec::new();
    for _ in &targets {
        files.push(temp_in(dir)?);
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
        let mut f = f.into_inner().map_err(|e| Error::io(&shown, e.error()))?;
        f.flush().map_err(|e| Error::io(&shown, &e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The usual 0644 rather than the temporary file's 0600.
            let _ = f
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        f.persist(t).map_err(|e| Error::io(&shown, &e.error))?;
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
