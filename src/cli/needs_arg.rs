//! Reading the needed operations from `--needs FILE`, `--action OP...` or `--scenario NAME`.

use super::args::NeedsArgs;
use super::input::read_role_text;
use crate::analyses::needs::{NeedSet, Needs};
use crate::analyses::scenario::Library;
use crate::data::Model;
use crate::error::Result;
use crate::report;

/// Reads and validates the needs (input errors are returned, exit 2).
pub fn read_needs(model: &Model, a: &NeedsArgs, with: &[String]) -> Result<Needs> {
    if let Some(path) = &a.needs {
        let shown = path.display().to_string();
        let text = read_role_text(path)?;
        return Needs::parse(&text, if shown == "-" { "<stdin>" } else { &shown });
    }
    if let Some(path) = &a.needs_from_error {
        return super::commands::from_error::needs(model, path);
    }
    if !a.scenario.is_empty() {
        let lib = Library::embedded()?;
        let found: Vec<crate::analyses::scenario::Scenario> = a
            .scenario
            .iter()
            .map(|n| super::commands::scenarios::find(&lib, n))
            .collect::<Result<_>>()?;
        for w in with {
            if !found.iter().any(|s| s.variant(w).is_ok()) {
                return Err(match found.as_slice() {
                    [one] => one
                        .variant(w)
                        .err()
                        .unwrap_or_else(|| crate::error::Error::usage("")),
                    _ => crate::error::Error::usage(format!(
                        "--with {w}: none of the scenarios has this variant; `azrbac scenarios NAME` lists each one's"
                    )),
                });
            }
        }
        let mut all: Option<Needs> = None;
        for s in &found {
            let mine: Vec<String> = with
                .iter()
                .filter(|w| s.variant(w).is_ok())
                .cloned()
                .collect();
            let n = s.to_needs_with(&model.index, model.mode, &mine)?;
            match &mut all {
                None => all = Some(n),
                Some(a) => {
                    a.origin = format!("{}, {}", a.origin, n.origin);
                    a.entries.extend(n.entries);
                }
            }
        }
        if let Some(n) = all {
            return Ok(n);
        }
    }
    Needs::from_actions(&a.actions)
}

/// Reads the needs and resolves them, printing their warnings on stderr.
pub fn load_needs(model: &Model, a: &NeedsArgs, with: &[String]) -> Result<(Needs, NeedSet)> {
    let needs = read_needs(model, a, with)?;
    let set = needs.resolve(model);
    for w in &set.warnings {
        report::warn(w);
    }
    for u in &set.unresolved {
        report::warn(&format!("needs incomplete: {u}"));
    }
    Ok((needs, set))
}
