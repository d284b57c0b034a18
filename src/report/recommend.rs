//! Rendering `recommend`: covering built-in roles ranked by risk-weighted excess, best pairs,
//! and the saving of a custom role.

use super::mdtable;
use super::{table, to_json};
use crate::analyses::recommend::{ExcessSummary, RecommendReport};
use std::fmt::Write;

pub fn json(r: &RecommendReport) -> String {
    to_json(r)
}

fn categories(e: &ExcessSummary) -> String {
    // Category counts, largest first (ties by key).
    let mut v: Vec<(&String, &usize)> = e.by_category.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .take(4)
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn custom_line(r: &RecommendReport) -> Option<String> {
    let c = r.custom_role.as_ref()?;
    Some(match &c.compared_with {
        Some(best) => format!(
            "A custom role granting exactly the {} needed operation(s) (`azrbac generate`) would avoid {} excess operation(s), {} of them high-risk (weight {}), compared with the best built-in option, {best}.",
            c.grants, c.excess_avoided, c.high_risk_avoided, c.weight_avoided
        ),
        None => format!(
            "No built-in role, alone or paired, covers these needs: a custom role granting exactly the {} needed operation(s) (`azrbac generate`) is the way.",
            c.grants
        ),
    })
}

pub fn table_text(r: &RecommendReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Needs: {} ({} operation(s))", r.needs, r.needed_count);
    if r.candidates.is_empty() {
        let _ = writeln!(s, "No single built-in role covers every need.");
    } else {
        let _ = writeln!(
            s,
            "Built-in roles covering every need ({} in all), ranked by risk-weighted excess:",
            r.covering_count
        );
        let mut t = table(&[
            "#",
            "role",
            "excess",
            "high-risk",
            "weight",
            "excess by category",
        ]);
        for c in &r.candidates {
            let cond = if c.conditional { " (conditional)" } else { "" };
            t.add_row(super::safe_row(vec![
                c.rank.to_string(),
                format!("{}{cond}", c.role),
                c.excess.count.to_string(),
                c.excess.high_risk.to_string(),
                c.excess.weight.to_string(),
                categories(&c.excess),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.pairs.is_empty() {
        let _ = writeln!(
            s,
            "Best pairs of built-in roles covering every need together{}:",
            if r.candidates.is_empty() {
                ""
            } else {
                ", each with less risk-weighted excess than the best single role"
            }
        );
        let mut t = table(&[
            "#",
            "roles",
            "excess",
            "high-risk",
            "weight",
            "excess by category",
        ]);
        for p in &r.pairs {
            let cond = if p.conditional { " (conditional)" } else { "" };
            t.add_row(super::safe_row(vec![
                p.rank.to_string(),
                format!("{} + {}{cond}", p.roles[0], p.roles[1]),
                p.excess.count.to_string(),
                p.excess.high_risk.to_string(),
                p.excess.weight.to_string(),
                categories(&p.excess),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.uncovered.is_empty() {
        let _ = writeln!(s, "Granted by no built-in role: {}", r.uncovered.join(", "));
    }
    if let Some(line) = custom_line(r) {
        let _ = writeln!(s, "{line}");
    }
    if !r.complete {
        let _ = writeln!(s, "incomplete: some needs could not be read (see warnings)");
    }
    s
}

pub fn markdown(r: &RecommendReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### Built-in roles for {} ({} operations)\n",
        mdtable::code(&r.needs),
        r.needed_count
    );
    if r.candidates.is_empty() {
        let _ = writeln!(s, "No single built-in role covers every need.\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .candidates
            .iter()
            .map(|c| {
                vec![
                    c.rank.to_string(),
                    c.role.clone(),
                    c.excess.count.to_string(),
                    c.excess.high_risk.to_string(),
                    c.excess.weight.to_string(),
                    categories(&c.excess),
                ]
            })
            .collect();
        s.push_str(&mdtable::table(
            &[
                "#",
                "role",
                "excess",
                "high-risk",
                "weight",
                "excess by category",
            ],
            &rows,
        ));
        s.push('\n');
    }
    if !r.pairs.is_empty() {
        let rows: Vec<Vec<String>> = r
            .pairs
            .iter()
            .map(|p| {
                vec![
                    p.rank.to_string(),
                    format!("{} + {}", p.roles[0], p.roles[1]),
                    p.excess.count.to_string(),
                    p.excess.high_risk.to_string(),
                    p.excess.weight.to_string(),
                    categories(&p.excess),
                ]
            })
            .collect();
        let _ = writeln!(s, "Best pairs:\n");
        s.push_str(&mdtable::table(
            &[
                "#",
                "roles",
                "excess",
                "high-risk",
                "weight",
                "excess by category",
            ],
            &rows,
        ));
        s.push('\n');
    }
    if !r.uncovered.is_empty() {
        let list: Vec<String> = r.uncovered.iter().map(|n| mdtable::code(n)).collect();
        let _ = writeln!(s, "Granted by no built-in role: {}\n", list.join(", "));
    }
    if let Some(line) = custom_line(r) {
        let _ = writeln!(s, "{line}\n");
    }
    s
}
