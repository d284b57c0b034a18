//! Reading the needed operations from `--needs FILE`, `--action OP...` or `--scenario NAME`.

use super::args::NeedsArgs;
use super::input::read_role_text;
use crate::analyses::needs::{NeedSet, Needs};
use crate::analyses::scenario::Library;
use crate::data::Model;
use crate::error::Result;
use crate::report;

/// Reads and validates the needs (input errors are returned, exit 2).
pub fn read_needs(model: &Model, a: &NeedsArgs) -> Result<Needs> {
    if let Some(path) = &a.needs {
        let shown = path.display().to_string();
        let text = read_role_text(path)?;
        return Needs::parse(&text, if shown == "-" { "<stdin>" } else { &shown });
    }
    if let Some(name) = &a.scenario {
        let lib = Library::embedded()?;
        let scenario = super::commands::scenarios::find(&lib, name)?;
        return Ok(scenario.to_needs(&model.index, model.mode));
    }
    Needs::from_actions(&a.actions)
}

/// Reads the needs and resolves them, printing their warnings on stderr.
pub fn load_needs(model: &Model, a: &NeedsArgs) -> Result<(Needs, NeedSet)> {
    let needs = read_needs(model, a)?;
    let set = needs.resolve(model);
    for w in &set.warnings {
        report::warn(w);
    }
    for u in &set.unresolved {
        report::warn(&format!("needs incomplete: {u}"));
    }
    Ok((needs, set))
}
