//! Rendering `expand` results: a grouped table per role, or the JSON contract.

use super::{table, to_json};
use crate::analyses::expand::{ExpandReport, RoleExpansion};
use crate::analyses::group::group_names;
use std::fmt::Write;

pub fn json(report: &ExpandReport) -> String {
    to_json(report)
}

pub fn table_text(report: &ExpandReport) -> String {
    let mut s = String::new();
    for (i, r) in report.roles.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        role_table(&mut s, r, report.wildcards);
    }
    s
}

fn role_table(s: &mut String, r: &RoleExpansion, wildcards: &str) {
    let id =
        r.id.as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
    let _ = writeln!(s, "{}{id}", r.name);
    let _ = writeln!(
        s,
        "  {} control-plane and {} data-plane operations (wildcards: {wildcards})",
        r.counts.actions, r.counts.data_actions
    );
    for (plane, names) in [("control", &r.actions), ("data", &r.data_actions)] {
        if names.is_empty() {
            continue;
        }
        let mut t = table(&["plane", "resource type", "ops", "operations"]);
        for p in group_names(names) {
            for g in &p.types {
                t.add_row(vec![
                    plane.to_string(),
                    g.resource_type.clone(),
                    g.verbs.len().to_string(),
                    abbreviate(&g.verbs, 8),
                ]);
            }
            t.add_row(vec![
                plane.to_string(),
                format!("{} (total)", p.provider),
                p.count.to_string(),
                String::new(),
            ]);
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.unknown.is_empty() {
        let _ = writeln!(
            s,
            "  not in the catalog (granted as written): {}",
            r.unknown.join(", ")
        );
    }
    if r.conditional {
        let n = r.conditional_actions.len() + r.conditional_data_actions.len();
        let _ = writeln!(
            s,
            "  conditional: the role carries a condition azrbac does not evaluate; {n} operations are granted only under it"
        );
    }
    for u in &r.unresolved {
        let _ = writeln!(s, "  incomplete: {u}");
    }
}

/// Joins up to `max` items, then "… and N more".
pub fn abbreviate(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!(
            "{}, … and {} more",
            items[..max].join(", "),
            items.len() - max
        )
    }
}
