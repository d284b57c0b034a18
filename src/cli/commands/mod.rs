//! One module per command: gather inputs, call an analysis, hand the result to a renderer.

pub mod access;
pub mod actions;
pub mod catalog;
pub mod check;
pub mod diff;
pub mod drift;
pub mod expand;
pub mod explain;
pub mod from_error;
pub mod generate;
pub mod import;
pub mod lint;
pub mod recommend;
pub mod report;
pub mod risks;
pub mod roles;
pub mod scenarios;
pub mod shell;

use crate::analyses::risk::RiskModel;
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::OpId;
use fixedbitset::FixedBitSet;

/// The risk categories of an operation (taxonomy keys), for reports that tag operations.
pub fn risk_lookup(model: &Model) -> Result<impl Fn(OpId) -> Vec<String>> {
    let risk = RiskModel::new(model)?;
    Ok(move |id: OpId| risk.keys(risk.categories(id)))
}

/// The operation sets an access level leaves out unless asked: (category, flag, ids).
/// Secret exposure goes with `--include-secrets`; privilege escalation and identity takeover
/// with `--include-escalation`.
pub fn risky_sets(
    model: &Model,
    secrets: bool,
    escalation: bool,
) -> Result<Vec<(String, &'static str, FixedBitSet)>> {
    let risk = RiskModel::new(model)?;
    let mut out = Vec::new();
    for (key, flag, keep) in [
        ("privilege-escalation", "--include-escalation", escalation),
        ("identity-takeover", "--include-escalation", escalation),
        ("secret-exposure", "--include-secrets", secrets),
    ] {
        if keep {
            continue;
        }
        let Some(c) = risk.taxonomy.find(key) else {
            return Err(Error::Internal(format!(
                "the risk taxonomy has no `{key}` category"
            )));
        };
        out.push((key.to_string(), flag, risk.index.ops_in(c).clone()));
    }
    Ok(out)
}
pub mod rule;
pub mod synth;
pub mod who_can;
