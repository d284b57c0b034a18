//! `lint FILE... [--select] [--ignore] [--deny-warnings]`: read every file (an unreadable one
//! is reported and the others still linted), lint, render, and turn the result into an exit code.

use crate::analyses::lint::rules::RULES;
use crate::analyses::lint::{LintEnv, LintInput, Selection, lint};
use crate::cli::args::LintArgs;
use crate::cli::input::{expand_inputs, parse_role_text, read_role_text};
use crate::cli::{EXIT_FINDINGS, EXIT_INPUT, EXIT_OK};
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
    let selection = Selection::parse(&a.select, &a.ignore)?;
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
    let rep = lint(&env, &inputs, &selection);
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
