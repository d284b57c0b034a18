//! Rendering `check`: missing and excess operations with a least-privilege summary.

use super::expand::abbreviate;
use super::mdtable;
use super::{table, to_json};
use crate::analyses::check::CheckReport;
use std::fmt::Write;

/// Missing operations listed before abbreviating.
const LIST_MISSING: usize = 50;
/// Resource types listed in the table before abbreviating (riskiest first).
const LIST_TYPES: usize = 25;

pub fn json(r: &CheckReport) -> String {
    to_json(r)
}

fn verdict_line(r: &CheckReport) -> String {
    let v = match r.summary.verdict {
        "fits" => "fits: nothing missing, nothing in excess (least privilege)".to_string(),
        "missing" => format!("{} needed operation(s) missing", r.summary.missing),
        "excess" => format!(
            "covers every need, with {} excess operation(s) ({} high-risk)",
            r.summary.excess, r.summary.high_risk_excess
        ),
        _ => format!(
            "{} needed operation(s) missing and {} in excess ({} high-risk)",
            r.summary.missing, r.summary.excess, r.summary.high_risk_excess
        ),
    };
    let incomplete = if r.complete {
        ""
    } else {
        " [incomplete: see below]"
    };
    format!("{v}{incomplete}")
}

fn missing_rows(r: &CheckReport) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    rows.extend(r.missing.actions.iter().map(|n| ("control", n.clone())));
    rows.extend(r.missing.data_actions.iter().map(|n| ("data", n.clone())));
    rows.extend(
        r.missing
            .unknown_plane
            .iter()
            .map(|n| ("either", n.clone())),
    );
    rows
}

pub fn table_text(r: &CheckReport) -> String {
    let mut s = String::new();
    let id =
        r.id.as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
    let _ = writeln!(s, "{}{id} against {}", r.role, r.needs);
    let _ = writeln!(s, "  verdict: {}", verdict_line(r));
    let m = &r.summary;
    let _ = writeln!(
        s,
        "  granted {} control / {} data; needed {} control / {} data; missing {}; excess {} (weight {}: {} critical, {} high, {} medium, {} low)",
        m.granted.actions,
        m.granted.data_actions,
        m.needed.actions,
        m.needed.data_actions,
        m.missing,
        m.excess,
        m.excess_weight,
        m.excess_by_severity.critical,
        m.excess_by_severity.high,
        m.excess_by_severity.medium,
        m.excess_by_severity.low
    );
    let rows = missing_rows(r);
    if !rows.is_empty() {
        let _ = writeln!(s, "\nMissing (needed, not granted):");
        let mut t = table(&["plane", "operation"]);
        for (p, n) in rows.iter().take(LIST_MISSING) {
            t.add_row(super::safe_row(vec![p.to_string(), n.clone()]));
        }
        let _ = writeln!(s, "{t}");
        if rows.len() > LIST_MISSING {
            let _ = writeln!(
                s,
                "  … and {} more (--format json lists all)",
                rows.len() - LIST_MISSING
            );
        }
    }
    if !r.excess_by_category.is_empty() {
        let _ = writeln!(s, "\nExcess by risk category:");
        let mut t = table(&["severity", "category", "ops", "examples"]);
        for c in &r.excess_by_category {
            let names: Vec<String> = c.actions.iter().chain(&c.data_actions).cloned().collect();
            t.add_row(super::safe_row(vec![
                c.severity.as_str().to_string(),
                c.key.clone(),
                c.count.to_string(),
                abbreviate(&names, 1),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.excess_by_resource_type.is_empty() {
        let _ = writeln!(s, "\nExcess by resource type (riskiest first):");
        let mut t = table(&["plane", "resource type", "ops", "operations", "risk"]);
        let mut types: Vec<_> = r.excess_by_resource_type.iter().collect();
        // Stable: equal severities keep the report's (resource type) order.
        types.sort_by_key(|g| std::cmp::Reverse(g.max_severity));
        for g in types.iter().take(LIST_TYPES) {
            t.add_row(super::safe_row(vec![
                g.plane.to_string(),
                g.resource_type.clone(),
                g.operations.len().to_string(),
                abbreviate(&g.operations, 4),
                g.categories.join(", "),
            ]));
        }
        let _ = writeln!(s, "{t}");
        if types.len() > LIST_TYPES {
            let _ = writeln!(
                s,
                "  … and {} more resource types (--format json lists all)",
                types.len() - LIST_TYPES
            );
        }
    }
    let cond: Vec<String> = r
        .conditionally_granted
        .actions
        .iter()
        .chain(&r.conditionally_granted.data_actions)
        .cloned()
        .collect();
    if !cond.is_empty() {
        let _ = writeln!(
            s,
            "\nGranted only under a condition azrbac does not evaluate: {}",
            abbreviate(&cond, 10)
        );
    }
    for u in &r.unresolved {
        let _ = writeln!(s, "incomplete: {u}");
    }
    s
}

pub fn markdown(r: &CheckReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### {} against {}\n",
        mdtable::code(&r.role),
        mdtable::code(&r.needs)
    );
    let _ = writeln!(s, "**Verdict:** {}\n", verdict_line(r));
    let m = &r.summary;
    let rows = vec![
        vec![
            "granted".into(),
            m.granted.actions.to_string(),
            m.granted.data_actions.to_string(),
        ],
        vec![
            "needed".into(),
            m.needed.actions.to_string(),
            m.needed.data_actions.to_string(),
        ],
        vec![
            "missing".into(),
            r.missing.actions.len().to_string(),
            r.missing.data_actions.len().to_string(),
        ],
        vec![
            "excess".into(),
            r.excess.actions.len().to_string(),
            r.excess.data_actions.len().to_string(),
        ],
    ];
    s.push_str(&mdtable::table(&["", "control", "data"], &rows));
    let _ = writeln!(
        s,
        "\nHigh-risk excess: **{}**; risk-weighted excess: {}.\n",
        m.high_risk_excess, m.excess_weight
    );
    let missing = missing_rows(r);
    if !missing.is_empty() {
        let _ = writeln!(s, "#### Missing\n");
        for (p, n) in &missing {
            let _ = writeln!(s, "- {} ({p})", mdtable::code(n));
        }
        s.push('\n');
    }
    if !r.excess_by_category.is_empty() {
        let _ = writeln!(s, "#### Excess by risk category\n");
        let rows: Vec<Vec<String>> = r
            .excess_by_category
            .iter()
            .map(|c| {
                let names: Vec<String> = c.actions.iter().chain(&c.data_actions).cloned().collect();
                vec![
                    c.severity.as_str().to_string(),
                    c.name.clone(),
                    c.count.to_string(),
                    abbreviate(&names, 3),
                ]
            })
            .collect();
        s.push_str(&mdtable::table(
            &["severity", "category", "ops", "examples"],
            &rows,
        ));
        s.push('\n');
    }
    if !r.excess_by_resource_type.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>Excess by resource type ({} types)</summary>\n",
            r.excess_by_resource_type.len()
        );
        let rows: Vec<Vec<String>> = r
            .excess_by_resource_type
            .iter()
            .map(|g| {
                vec![
                    g.plane.to_string(),
                    g.resource_type.clone(),
                    g.operations.join(", "),
                    g.categories.join(", "),
                ]
            })
            .collect();
        s.push_str(&mdtable::table(
            &["plane", "resource type", "operations", "risk"],
            &rows,
        ));
        let _ = writeln!(s, "\n</details>\n");
    }
    for u in &r.unresolved {
        let _ = writeln!(s, "> incomplete: {}\n", mdtable::cell(u));
    }
    s
}
