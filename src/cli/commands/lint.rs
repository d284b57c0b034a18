//! `lint FILE... [--select] [--ignore] [--deny-warnings] [--baseline|--write-baseline]`: read
//! the configuration and every file (an unreadable one is reported and the others still
//! linted), lint, apply suppressions (configuration, inline comments, baseline), render, and
//! turn the result into an exit code.

use crate::analyses::lint::FileNote;
use crate::analyses::lint::baseline::Baseline;
use crate::analyses::lint::rules::RULES;
use crate::analyses::lint::suppress::{Suppressions, apply, inline_suppressions};
use crate::analyses::lint::{LintEnv, LintInput, Selection, lint};
use crate::cli::args::LintArgs;
use crate::cli::iac_files;
use crate::cli::input::{read_role_text, read_text, role_inputs};
use crate::cli::output::write_atomic;
use crate::cli::{EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, config};
use crate::data::Model;
use crate::error::Result;
use crate::model::RoleDefinition;
use crate::model::role_text::{may_hold_roles, read_roles};
use crate::report::{self, Format};

struct Loaded {
    origin: String,
    text: String,
    roles: Vec<RoleDefinition>,
}

pub fn run(model: &Model, a: &LintArgs) -> Result<i32> {
    let cfg = config::load(&a.config)?;
    // The command line's --select replaces the file's; ignores add up.
    let (mut select, mut ignore) = (a.select.clone(), a.ignore.clone());
    if let Some(c) = &cfg {
        if select.is_empty() {
            select = c.config.lint.select.clone();
        }
        ignore.extend(c.config.lint.ignore.iter().cloned());
    }
    let selection = Selection::parse(&select, &ignore)?;
    let baseline = match &a.baseline {
        Some(p) => Some(Baseline::parse(&read_text(p)?, &p.display().to_string())?),
        None => None,
    };
    if let Some(p) = &a.write_baseline
        && !a.force
        && std::fs::symlink_metadata(p).is_ok()
    {
        return Err(crate::error::Error::Io {
            path: p.display().to_string(),
            message: "already exists; pass --force to overwrite it".into(),
        });
    }
    let mut loaded = Vec::new();
    let mut unreadable = false;
    let mut notes = Vec::new();
    for (path, from_dir) in role_inputs(&a.files)? {
        let shown = path.display().to_string();
        let origin = if shown == "-" {
            "<stdin>".to_string()
        } else {
            shown
        };
        let read = read_role_text(&path).and_then(|text| {
            if from_dir && !may_hold_roles(&text, &origin) {
                return Ok((text, Vec::new()));
            }
            read_roles(&text, &origin, &iac_files::inputs()).map(|roles| (text, roles))
        });
        match read {
            Ok((_, roles)) if roles.is_empty() && from_dir => notes.push(FileNote {
                file: origin,
                kind: "skipped",
                message: "holds no role definition".into(),
            }),
            Ok((_, roles)) if roles.is_empty() => {
                report::error(&format!("{origin}: holds no role definition"));
                unreadable = true;
            }
            Ok((text, roles)) => loaded.push(Loaded {
                origin,
                text,
                roles,
            }),
            Err(e) => {
                report::error(&e.to_string());
                unreadable = true;
                if from_dir {
                    notes.push(FileNote {
                        file: origin,
                        kind: "error",
                        message: e.to_string(),
                    });
                }
            }
        }
    }
    let env = LintEnv::new(model)?;
    let inputs: Vec<LintInput<'_>> = loaded
        .iter()
        .map(|l| LintInput {
            origin: &l.origin,
            text: Some(&l.text),
            roles: &l.roles,
        })
        .collect();
    let mut rep = lint(&env, &inputs, &selection);
    let inline: Vec<(String, Vec<_>)> = loaded
        .iter()
        .map(|l| (l.origin.clone(), inline_suppressions(&l.text, &l.origin)))
        .collect();
    let per_file = |file: &str| {
        cfg.as_ref()
            .map(|c| c.ignores_for(file))
            .unwrap_or_default()
    };
    let accepted = cfg.as_ref().map_or(&[][..], |c| &c.config.accept[..]);
    let s = Suppressions {
        per_file: &per_file,
        accepted,
        inline: &inline,
        baseline: baseline.as_ref(),
        mode: model.mode,
    };
    apply(&mut rep, &s, &selection);
    rep.notes = notes;
    if let Some(p) = &a.write_baseline {
        let b = Baseline::of(&rep.findings);
        write_atomic(p, &report::to_json(&b), a.force)?;
        report::err_line(&format!(
            "azrbac: recorded {} in {}",
            match b.findings.len() {
                1 => "1 finding".to_string(),
                n => format!("{n} findings"),
            },
            p.display()
        ));
        return Ok(if unreadable { EXIT_INPUT } else { EXIT_OK });
    }
    let rules: Vec<_> = RULES
        .iter()
        .copied()
        .filter(|r| selection.enabled(r))
        .collect();
    report::out(&match a.format {
        Format::Json => report::lint::json(&rep),
        Format::Sarif => report::lint_sarif::sarif(&rep, &rules, env!("CARGO_PKG_VERSION")),
        _ => report::lint::text(&rep, report::stdout_color()),
    });
    Ok(if unreadable {
        EXIT_INPUT
    } else if rep.fails(a.deny_warnings) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
