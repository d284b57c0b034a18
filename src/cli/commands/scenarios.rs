//! `scenarios [NAME]`: the Azure ML scenario library.

use crate::analyses::scenario::view::{describe, list};
use crate::analyses::scenario::{Library, Scenario};
use crate::cli::EXIT_OK;
use crate::cli::args::ScenariosArgs;
use crate::cli::input::read_text;
use crate::data::Model;
use crate::error::Result;
use crate::report::{self, Format, scenarios as render};
use std::path::Path;

pub fn run(model: &Model, a: &ScenariosArgs) -> Result<i32> {
    let lib = Library::embedded()?;
    let text = match &a.name {
        None => {
            let l = list(&lib, &model.index, model.mode);
            match a.format {
                Format::Json => render::list_json(&l),
                Format::Markdown => render::list_markdown(&l),
                _ => render::list_table(&l),
            }
        }
        Some(name) => {
            let s = find(&lib, name)?;
            let risks = super::risk_lookup(model)?;
            let r = describe(&s, &model.index, model.mode, &a.with, &risks)?;
            match a.format {
                Format::Json => render::show_json(&r),
                Format::Markdown => render::show_markdown(&r),
                _ => render::show_table(&r),
            }
        }
    };
    report::out(&text);
    Ok(EXIT_OK)
}

/// A scenario by library name, or read from a `.toml` file.
pub fn find(lib: &Library, name: &str) -> Result<Scenario> {
    let path = Path::new(name);
    if lib.get(name).is_none() && (path.is_file() || name.ends_with(".toml")) {
        let text = read_text(path)?;
        return Scenario::parse(&text, name);
    }
    lib.find(name).cloned()
}
