//! `lint FILE... [--select] [--ignore] [--deny-warnings] [--baseline|--write-baseline]`: read
//! the configuration and every file (an unreadable one is reported and the others still
//! linted), lint, apply suppressions (configuration, inline comments, baseline), render, and
//! turn the result into an exit code.

use crate::analyses::lint::baseline::Baseline;
use crate::analyses::lint::rules::RULES;
use crate::analyses::lint::suppress::{Suppressions, apply, inline_suppressions};
use crate::analyses::lint::{LintEnv, LintInput, Selection, lint};
use crate::cli::args::LintArgs;
use crate::cli::input::{expand_inputs, parse_role_text, read_role_text, read_text};
use crate::cli::output::write_atomic;
use crate::cli::{EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, config};
use crate::data::Model;
use crate::error::Result;
use crate::model::RoleDefinition;
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
    for path in expand_inputs(&a.files)? {
        let shown = path.display().to_string();
        let origin = if shown == "-" {
            "<stdin>".to_string()
        } else {
            shown
        };
        match read_role_text(&path)
            .and_then(|text| parse_role_text(&text, &origin).map(|roles| (text, roles)))
        {
            Ok((text, roles)) => loaded.push(Loaded {
                origin,
                text,
                roles,
            }),
            Err(e) => {
                report::error(&e.to_string());
                unreadable = true;
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
