//! Rendering `risks`: a role's effective operations by risk category (table, JSON, Markdown).

use super::expand::abbreviate;
use super::mdtable;
use super::{table, to_json};
use crate::analyses::risks::{CategoryRisk, RisksReport, RoleRisks};
use std::fmt::Write;

/// Operations listed in full for high and critical categories before abbreviating.
const LIST_HIGH: usize = 25;

pub fn json(r: &RisksReport) -> String {
    to_json(r)
}

fn all_names(c: &CategoryRisk) -> Vec<String> {
    c.actions.iter().chain(&c.data_actions).cloned().collect()
}

fn entries_text(c: &CategoryRisk, max: usize) -> String {
    let items: Vec<String> = c
        .entries
        .iter()
        .map(|e| {
            let cond = if e.conditional { ", conditional" } else { "" };
            format!("{} ({}{cond})", e.entry, e.count)
        })
        .collect();
    abbreviate(&items, max)
}

fn header(s: &mut String, r: &RoleRisks) {
    let id =
        r.id.as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
    let _ = writeln!(s, "{}{id}", r.role);
    let _ = writeln!(
        s,
        "  {} control-plane and {} data-plane operations; highest severity: {}",
        r.counts.actions,
        r.counts.data_actions,
        r.max_severity.map_or("none", |v| v.as_str())
    );
    let b = &r.by_severity;
    let _ = writeln!(
        s,
        "  by highest severity: {} critical, {} high, {} medium, {} low; {} in no category",
        b.critical,
        b.high,
        b.medium,
        b.low,
        r.unclassified.actions + r.unclassified.data_actions
    );
}

pub fn table_text(rep: &RisksReport) -> String {
    let mut s = String::new();
    for (i, r) in rep.roles.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        header(&mut s, r);
        if r.categories.is_empty() {
            let _ = writeln!(s, "  no operation in any risk category");
        } else {
            let mut t = table(&["severity", "category", "ops", "granted by (entry, ops)"]);
            for c in &r.categories {
                t.add_row(super::safe_row(vec![
                    c.severity.as_str().to_string(),
                    c.key.clone(),
                    c.count.to_string(),
                    entries_text(c, 3),
                ]));
            }
            let _ = writeln!(s, "{t}");
            for c in r.categories.iter().filter(|c| c.severity.is_high_risk()) {
                let _ = writeln!(s, "  {} ({}): {}", c.name, c.severity, c.reason);
                let names = all_names(c);
                for n in names.iter().take(LIST_HIGH) {
                    let _ = writeln!(s, "    {n}");
                }
                if names.len() > LIST_HIGH {
                    let _ = writeln!(
                        s,
                        "    … and {} more (--format json lists all)",
                        names.len() - LIST_HIGH
                    );
                }
            }
        }
        footer(&mut s, r, "  ");
    }
    s
}

fn footer(s: &mut String, r: &RoleRisks, indent: &str) {
    if r.conditional {
        let _ = writeln!(
            s,
            "{indent}conditional: the role carries a condition azrbac does not evaluate; conditional grants are included"
        );
    }
    for u in &r.unresolved {
        let _ = writeln!(s, "{indent}incomplete: {u}");
    }
}

pub fn markdown(rep: &RisksReport) -> String {
    let mut s = String::new();
    for r in &rep.roles {
        let _ = writeln!(s, "### Risks of {}\n", mdtable::code(&r.role));
        let _ = writeln!(
            s,
            "{} control-plane and {} data-plane operations; highest severity: **{}**.\n",
            r.counts.actions,
            r.counts.data_actions,
            r.max_severity.map_or("none", |v| v.as_str())
        );
        let rows: Vec<Vec<String>> = r
            .categories
            .iter()
            .map(|c| {
                vec![
                    c.severity.as_str().to_string(),
                    c.name.clone(),
                    c.count.to_string(),
                    entries_text(c, 4),
                ]
            })
            .collect();
        if rows.is_empty() {
            let _ = writeln!(s, "No operation in any risk category.\n");
        } else {
            s.push_str(&mdtable::table(
                &["severity", "category", "ops", "granted by (entry, ops)"],
                &rows,
            ));
            s.push('\n');
        }
        for c in r.categories.iter().filter(|c| c.severity.is_high_risk()) {
            let names = all_names(c);
            let _ = writeln!(
                s,
                "<details><summary>{} ({}, {} operations): {}</summary>\n",
                c.name,
                c.severity,
                names.len(),
                mdtable::cell(&c.reason)
            );
            for n in &names {
                let _ = writeln!(s, "- {}", mdtable::code(n));
            }
            let _ = writeln!(s, "\n</details>\n");
        }
        let mut f = String::new();
        footer(&mut f, r, "");
        for line in f.lines() {
            let _ = writeln!(s, "> {line}\n");
        }
    }
    s
}
