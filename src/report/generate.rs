//! The stderr side of `generate`: unknown operations, wildcards of a compact role, operations
//! an access level set aside, and a one-line summary.

use super::expand::abbreviate;
use super::{err_line, style};
use crate::analyses::generate::GeneratedRole;
use crate::analyses::generate::levels::SetAside;

/// A note on stderr.
pub fn note(text: &str) {
    err_line(&format!(
        "{}: {text}",
        style::paint("note", style::Color::Bold, super::stderr_color())
    ));
}

/// One warning per needed name the catalog does not list, except the names in `already`
/// (lower-cased; warned about by the needs parser).
pub fn unknown_lines(role: &GeneratedRole, already: &[String]) -> Vec<String> {
    role.unknown
        .iter()
        .filter(|u| !already.contains(&u.name.to_ascii_lowercase()))
        .map(|u| {
            let field = if u.plane == "data" {
                "DataActions"
            } else {
                "Actions"
            };
            let hint = u
                .suggestion
                .as_ref()
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            format!(
                "`{}` is not in the catalog{hint}; kept as written in {field}",
                u.name
            )
        })
        .collect()
}

/// The compact-form note: which entries are wildcards, and that they grow with Azure.
pub fn wildcard_note(role: &GeneratedRole) -> Option<String> {
    if !role.compact {
        return None;
    }
    let total = role.actions.len() + role.data_actions.len();
    if role.wildcards.is_empty() {
        return Some(format!(
            "--compact found no wildcard that matches only needed operations; all {total} entries are operation names"
        ));
    }
    let width = role
        .wildcards
        .iter()
        .map(|w| w.entry.len())
        .max()
        .unwrap_or(0);
    let mut s = format!(
        "{} of {total} entries are wildcards; a wildcard also grants every operation Azure adds under it \
         later (generate without --compact to name each operation instead):",
        role.wildcards.len()
    );
    for w in &role.wildcards {
        s.push_str(&format!(
            "\n  {:<width$}  {} operations today",
            w.entry, w.matches
        ));
    }
    Some(s)
}

/// One line per risk category an access level left out.
pub fn set_aside_lines(items: &[SetAside]) -> Vec<String> {
    items
        .iter()
        .map(|s| {
            format!(
                "left out {} {} operation{} (add {} to keep them): {}",
                s.operations.len(),
                s.category,
                if s.operations.len() == 1 { "" } else { "s" },
                s.flag,
                abbreviate(&s.operations, 6)
            )
        })
        .collect()
}

/// `generated "Name": 5 Actions, 0 DataActions`.
pub fn summary_line(role: &GeneratedRole, form: &str, written_to: Option<&str>) -> String {
    let place = written_to
        .map(|p| format!(", written to {p}"))
        .unwrap_or_default();
    format!(
        "generated \"{}\" ({form}): {} Actions, {} DataActions{}{place}",
        role.name,
        role.actions.len(),
        role.data_actions.len(),
        if role.compact { ", compact" } else { "" }
    )
}
