//! `rule [CODE]`: a lint rule's documentation page, or the list of rules.

use crate::analyses::lint::rules::{RULES, find};
use crate::cli::EXIT_OK;
use crate::cli::args::RuleArgs;
use crate::error::{Error, Result, did_you_mean};
use crate::report::{self, Format};

pub fn run(a: &RuleArgs) -> Result<i32> {
    let Some(code) = &a.code else {
        report::out(&match a.format {
            Format::Json => report::lint::rule_list_json(RULES),
            _ => report::lint::rule_list_table(RULES),
        });
        return Ok(EXIT_OK);
    };
    let Some(rule) = find(code) else {
        let hint = did_you_mean(code.trim(), RULES.iter().flat_map(|r| [r.code, r.name]))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::usage(format!(
            "rule: `{code}` is neither a rule code nor a rule name{hint}; `azrbac rule` lists them"
        )));
    };
    report::out(&match a.format {
        Format::Json => report::lint::rule_page_json(rule),
        _ => report::lint::rule_page(rule),
    });
    Ok(EXIT_OK)
}
