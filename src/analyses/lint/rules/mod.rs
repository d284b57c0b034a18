//! The rule registry. Each rule is one file with a code, a kebab-case name, a default severity,
//! a one-line summary, its documentation page (`docs/rules/<CODE>.md`, embedded) and a check.
//! Codes: `AZR0xx` errors (Azure rejects the role, or it cannot work), `AZR1xx` warnings
//! (a reviewer should look), `AZR2xx` information (what lint could not check).

use super::context::RoleCtx;
use super::{Hit, Severity};

mod broad_wildcard;
pub mod covered_entry;
mod custom_owner;
mod dangerous_operation;
mod data_actions_management_group;
mod duplicate_entry;
mod invalid_assignable_scope;
mod key_case;
mod matches_nothing;
mod missing_assignable_scopes;
mod missing_name;
mod multiple_management_groups;
mod multiple_wildcards;
mod not_action_removes_nothing;
mod placeholder;
mod root_assignable_scope;
pub mod suppression;
mod surrounding_whitespace;
mod unknown_namespace;
mod unknown_operation;
mod unresolved_value;
mod wildcard_assignable_scope;
mod wrong_plane;

/// One lint rule.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule flags.
    pub summary: &'static str,
    /// The rule's documentation page (Markdown).
    pub doc: &'static str,
    pub check: fn(&RoleCtx<'_>, &mut Vec<Hit>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &unknown_operation::RULE,
    &unknown_namespace::RULE,
    &multiple_wildcards::RULE,
    &wrong_plane::RULE,
    &root_assignable_scope::RULE,
    &wildcard_assignable_scope::RULE,
    &multiple_management_groups::RULE,
    &missing_name::RULE,
    &missing_assignable_scopes::RULE,
    &placeholder::RULE,
    &invalid_assignable_scope::RULE,
    &matches_nothing::RULE,
    &not_action_removes_nothing::RULE,
    &duplicate_entry::RULE,
    &surrounding_whitespace::RULE,
    &covered_entry::RULE,
    &broad_wildcard::RULE,
    &custom_owner::RULE,
    &data_actions_management_group::RULE,
    &dangerous_operation::RULE,
    &key_case::RULE,
    &suppression::RULE,
    &unresolved_value::RULE,
];

/// A rule by code (any case) or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    let s = code_or_name.trim();
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(s) || r.name.eq_ignore_ascii_case(s))
}

/// Whether a scope is a management group (`/providers/Microsoft.Management/managementGroups/x`).
pub fn is_management_group(scope: &str) -> bool {
    scope
        .trim()
        .to_ascii_lowercase()
        .starts_with("/providers/microsoft.management/managementgroups/")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::analyses::lint::suppress::{Suppressions, apply, inline_suppressions};
    use crate::analyses::lint::{LintEnv, LintInput, Selection, lint};
    use crate::data::Model;
    use crate::model::parse_roles_json;

    /// The fenced blocks of a doc page: (info string, body).
    fn blocks(doc: &str) -> Vec<(&str, &str)> {
        let parts: Vec<&str> = doc.split("```").collect();
        parts
            .iter()
            .skip(1)
            .step_by(2)
            .map(|b| b.split_once('\n').unwrap_or((b, "")))
            .collect()
    }

    #[test]
    fn every_doc_example_gives_the_output_it_shows() {
        let model = Model::embedded().unwrap();
        let env = LintEnv::new(&model).unwrap();
        let mut bad = Vec::new();
        for r in RULES {
            let b = blocks(r.doc);
            let (_, example) = b
                .iter()
                .find(|(info, _)| *info == "json")
                .expect("a JSON example");
            let (_, shown) = b
                .iter()
                .find(|(info, _)| info.is_empty())
                .expect("an output block");
            // JSON with comments, linted as a file, with its suppression comments applied.
            let value = crate::model::json::parse(example, "example.json").unwrap();
            let roles = parse_roles_json(&value, "example.json").unwrap();
            let input = LintInput {
                origin: "example.json",
                text: Some(example),
                roles: &roles,
            };
            let mut rep = lint(&env, &[input], &Selection::all());
            let inline = vec![(
                "example.json".to_string(),
                inline_suppressions(example, "example.json"),
            )];
            let s = Suppressions {
                per_file: &|_| Vec::new(),
                accepted: &[],
                inline: &inline,
                baseline: None,
                mode: env.model.mode,
            };
            apply(&mut rep, &s, &Selection::all());
            let lines: Vec<String> = rep
                .findings
                .iter()
                .map(|f| format!("{} {}", f.code, f.message))
                .collect();
            let shown = shown.trim();
            assert!(
                shown.starts_with(r.code),
                "{r:?}: the output block shows this rule"
            );
            if !lines.iter().any(|l| l == shown) {
                bad.push(format!(
                    "{r:?}: doc shows\n{shown}\nlint gives\n{}",
                    lines.join("\n")
                ));
            }
            assert!(
                r.doc
                    .contains(&format!("Severity: {}\n", r.severity.as_str())),
                "{r:?}: severity line"
            );
        }
        assert!(bad.is_empty(), "{}", bad.join("\n\n"));
    }

    #[test]
    fn registry_is_consistent() {
        let mut codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let sorted = {
            let mut c = codes.clone();
            c.sort();
            c
        };
        assert_eq!(codes, sorted, "RULES is in code order");
        codes.dedup();
        assert_eq!(codes.len(), RULES.len(), "codes are unique");
        for r in RULES {
            assert!(r.code.len() == 6 && r.code.starts_with("AZR"), "{r:?}");
            let band = match r.severity {
                Severity::Error => '0',
                Severity::Warning => '1',
                Severity::Info => '2',
            };
            assert_eq!(
                r.code.as_bytes()[3] as char,
                band,
                "{r:?}: code band matches severity"
            );
            assert!(
                r.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                    && !r.name.starts_with('-'),
                "{r:?}: kebab-case name"
            );
            assert!(
                r.doc.starts_with(&format!("# {} {}\n", r.code, r.name)),
                "{r:?}: doc title"
            );
            for section in [
                "## What it flags",
                "## Why it matters",
                "## Example",
                "## Fix",
            ] {
                assert!(r.doc.contains(section), "{r:?}: doc lacks {section}");
            }
            assert!(!r.summary.is_empty() && !r.summary.contains('\n'), "{r:?}");
            assert_eq!(find(r.name).map(|x| x.code), Some(r.code));
            assert_eq!(
                find(&r.code.to_ascii_lowercase()).map(|x| x.code),
                Some(r.code)
            );
        }
        let names: std::collections::BTreeSet<&str> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), RULES.len(), "names are unique");
    }
}
