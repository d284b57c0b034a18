//! Reading the needed operations from `--needs FILE`, `--action OP...` or `--scenario NAME`.

use super::args::NeedsArgs;
use super::input::read_text;
use crate::analyses::needs::{NeedSet, Needs};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::report;

/// Reads and validates the needs (input errors are returned, exit 2).
pub fn read_needs(a: &NeedsArgs) -> Result<Needs> {
    if let Some(path) = &a.needs {
        let shown = path.display().to_string();
        let text = read_text(path)?;
        return Needs::parse(&text, if shown == "-" { "<stdin>" } else { &shown });
    }
    if let Some(name) = &a.scenario {
        // The scenario library (issue 4) plugs in here once it exists.
        return Err(Error::usage(format!(
            "--scenario {name}: the scenario library is not available in this build yet; use --needs FILE or --action OP"
        )));
    }
    Needs::from_actions(&a.actions)
}

/// Reads the needs and resolves them, printing their warnings on stderr.
pub fn load_needs(model: &Model, a: &NeedsArgs) -> Result<(Needs, NeedSet)> {
    let needs = read_needs(a)?;
    let set = needs.resolve(model);
    for w in &set.warnings {
        report::warn(w);
    }
    for u in &set.unresolved {
        report::warn(&format!("needs incomplete: {u}"));
    }
    Ok((needs, set))
}
