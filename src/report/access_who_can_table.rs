//! The `who-can` table: one row per chain, the denied, eligible and below sections, the
//! principals an audit-only deny matches, and short scopes shared with `access`.

use super::access_who_can::{DenyJson, PrincipalJson, WhoCanReport};
use super::table as grid;
use crate::model::scope::{ScopeKind, kind_of};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A scope shortened for tables: `mg/NAME`, `sub/ID`, `rg/NAME`, or the last `type/name`
/// of a resource.
pub fn short_scope(scope: &str) -> String {
    let segs: Vec<&str> = scope.split('/').filter(|s| !s.is_empty()).collect();
    match kind_of(scope) {
        ScopeKind::Root => "/".to_string(),
        ScopeKind::ManagementGroup => format!("mg/{}", segs[3]),
        ScopeKind::Subscription => format!("sub/{}", segs[1]),
        ScopeKind::ResourceGroup => format!("rg/{}", segs[3]),
        ScopeKind::Resource if segs.len() >= 2 => {
            format!("{}/{}", segs[segs.len() - 2], segs[segs.len() - 1])
        }
        _ => scope.to_string(),
    }
}

/// Display names for a group path, looked up by id in the report.
fn via_text(names: &BTreeMap<&str, &str>, via: &[String], continues: bool) -> String {
    if via.is_empty() {
        return "(direct)".to_string();
    }
    let mut s = via
        .iter()
        .map(|id| names.get(id.as_str()).copied().unwrap_or(id.as_str()))
        .collect::<Vec<_>>()
        .join(" → ");
    if continues {
        s.push_str(" → … (see its row)");
    }
    s
}

fn principal_rows(
    s: &mut String,
    list: &[PrincipalJson],
    names: &BTreeMap<&str, &str>,
    denied: bool,
) {
    let header: &[&str] = if denied {
        &[
            "principal",
            "type",
            "via",
            "role",
            "assigned at",
            "denied by",
            "deny at",
            "deny entry",
        ]
    } else {
        &["principal", "type", "via", "role", "assigned at", "entry"]
    };
    let mut t = grid(header);
    for p in list {
        let who = p.name.clone().unwrap_or_else(|| p.id.clone());
        for (i, g) in p.grants.iter().enumerate() {
            let first = i == 0;
            let cond = if g.conditional { " (conditional)" } else { "" };
            let cond = match &g.pim {
                Some(p) if p.kind != "eligible" => format!(
                    "{cond} (PIM {}{})",
                    p.kind.to_ascii_lowercase(),
                    p.end
                        .as_deref()
                        .map(|e| format!(" until {e}"))
                        .unwrap_or_default()
                ),
                Some(p) => format!(
                    "{cond} (eligible{})",
                    p.end
                        .as_deref()
                        .map(|e| format!(" until {e}"))
                        .unwrap_or_default()
                ),
                None => cond.to_string(),
            };
            let cond = match &g.delegation {
                Some(d) => format!("{cond} ({d})"),
                None => cond,
            };
            let mut row = vec![
                if first { who.clone() } else { String::new() },
                if first { p.kind.clone() } else { String::new() },
                via_text(names, &g.via, g.via_continues),
                format!("{}{cond}", g.role),
                match &g.only_below {
                    Some(b) => format!("{} (only under {})", short_scope(&g.scope), short_scope(b)),
                    None => short_scope(&g.scope),
                },
            ];
            if denied {
                // The deny that stops this grant (each grant may have its own).
                let d = g
                    .stopped_by
                    .as_ref()
                    .and_then(|id| p.denied_by.iter().find(|d| &d.id == id))
                    .or(p.denied_by.first());
                row.push(
                    d.map(|d| d.name.clone().unwrap_or_else(|| d.id.clone()))
                        .unwrap_or_default(),
                );
                row.push(d.map(|d| short_scope(&d.scope)).unwrap_or_default());
                row.push(
                    d.map(|d| {
                        let who = if d.everyone {
                            " (everyone)".to_string()
                        } else if d.via.is_empty() {
                            String::new()
                        } else {
                            format!(" (via {})", via_text(names, &d.via, d.via_continues))
                        };
                        format!("{}{who}", d.entry)
                    })
                    .unwrap_or_default(),
                );
            } else {
                row.push(g.entry.clone());
            }
            t.add_row(super::safe_row(row));
        }
    }
    let _ = writeln!(s, "{t}");
}

/// Principals an audit-only deny assignment matches: still allowed, the request is logged.
fn audited_lines(s: &mut String, list: &[PrincipalJson], names: &BTreeMap<&str, &str>) {
    let hits: Vec<(&PrincipalJson, &DenyJson)> = list
        .iter()
        .flat_map(|p| p.audited_by.iter().map(move |d| (p, d)))
        .collect();
    if hits.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\naudit-only deny assignments match {} of these (the request is logged, not blocked):",
        crate::analyses::access::plural(
            list.iter().filter(|p| !p.audited_by.is_empty()).count(),
            "principal"
        )
    );
    for (p, d) in hits {
        let who = names.get(p.id.as_str()).copied().unwrap_or(p.id.as_str());
        let _ = writeln!(
            s,
            "  - {} — audited by {} at {} ({})",
            crate::text::escape(who),
            crate::text::escape(d.name.as_deref().unwrap_or(&d.id)),
            short_scope(&d.scope),
            crate::text::escape(&d.entry)
        );
    }
}

fn count_line(list: &[PrincipalJson]) -> String {
    let cond = list.iter().filter(|p| p.conditional).count();
    let extra = if cond > 0 {
        format!(" ({cond} only conditionally)")
    } else {
        String::new()
    };
    format!(
        "{} principal{}{extra}",
        list.len(),
        if list.len() == 1 { "" } else { "s" }
    )
}

pub fn table(r: &WhoCanReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "who can:  {}", r.operation);
    let _ = writeln!(s, "at:       {}", r.scope);
    let _ = writeln!(
        s,
        "complete: {}",
        if r.complete {
            "yes"
        } else {
            "no — see the warnings below"
        }
    );
    let names: BTreeMap<&str, &str> = r
        .names
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let _ = writeln!(s, "\n{} can:", count_line(&r.principals));
    if !r.principals.is_empty() {
        principal_rows(&mut s, &r.principals, &names, false);
    }
    audited_lines(&mut s, &r.principals, &names);
    if !r.denied.is_empty() {
        let _ = writeln!(
            s,
            "\n{} stopped by a deny assignment:",
            count_line(&r.denied)
        );
        principal_rows(&mut s, &r.denied, &names, true);
    }
    if !r.eligible.is_empty() {
        let _ = writeln!(
            s,
            "\nPIM eligible (not allowed now; could activate a grant): {}",
            count_line(&r.eligible)
        );
        principal_rows(&mut s, &r.eligible, &names, false);
    }
    if !r.eligible_not_in_force.is_empty() {
        let _ = writeln!(s, "\nPIM eligibilities on the path not in force:");
        for e in &r.eligible_not_in_force {
            let who = names
                .get(e.principal.as_str())
                .copied()
                .unwrap_or(e.principal.as_str());
            let window = format!(
                "{} → {}",
                e.pim.start.as_deref().unwrap_or("(no start)"),
                e.pim.end.as_deref().unwrap_or("(no end)")
            );
            let _ = writeln!(
                s,
                "  - {} — {} at {}: {} ({window})",
                crate::text::escape(who),
                crate::text::escape(&e.role),
                short_scope(&e.scope),
                e.state
            );
        }
    }
    if let Some(b) = &r.below {
        let _ = writeln!(
            s,
            "\nonly below {}: {} can:",
            short_scope(&r.scope),
            count_line(&b.principals)
        );
        if !b.principals.is_empty() {
            principal_rows(&mut s, &b.principals, &names, false);
        }
        if !b.denied.is_empty() {
            let _ = writeln!(
                s,
                "\nonly below, stopped by a deny assignment: {}",
                count_line(&b.denied)
            );
            principal_rows(&mut s, &b.denied, &names, true);
        }
    }
    if !r.unevaluated.is_empty() {
        let _ = writeln!(s, "\nnot evaluated:");
        for u in &r.unevaluated {
            let who = names
                .get(u.principal.as_str())
                .copied()
                .unwrap_or(u.principal.as_str());
            let _ = writeln!(s, "  - {who} at {}: {}", short_scope(&u.scope), u.reason);
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "\nwarnings:");
        for w in &r.warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    let _ = writeln!(s, "\n(scopes abbreviated; --format json gives full ids)");
    s
}
