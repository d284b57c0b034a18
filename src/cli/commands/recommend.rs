//! `recommend (--needs FILE | --action OP... | --scenario NAME) [--top N]`.

use crate::analyses::recommend::recommend;
use crate::analyses::risk::RiskModel;
use crate::cli::EXIT_OK;
use crate::cli::args::RecommendArgs;
use crate::cli::needs_arg::load_needs;
use crate::data::Model;
use crate::error::Result;
use crate::report::{self, Format};

pub fn run(model: &Model, a: &RecommendArgs) -> Result<i32> {
    let (needs, set) = load_needs(model, &a.needs, &a.with)?;
    let risk = RiskModel::new(model)?;
    let rep = recommend(model, &risk, &needs, &set, a.top as usize);
    report::out(&match a.format {
        Format::Json => report::recommend::json(&rep),
        Format::Markdown => report::recommend::markdown(&rep),
        _ => report::recommend::table_text(&rep),
    });
    Ok(EXIT_OK)
}
