//! Rendering `azrbac report` (the privileged-access review): summary counts first, then one
//! entry per principal with its severity, categories, standing or eligible access, and the
//! scopes, roles and groups that carry it; table, JSON, CSV and Markdown.

use super::access_who_can::{InputJson, inputs_json, short_scope};
use super::table as grid;
use crate::analyses::access::AccessIndex;
use crate::analyses::risk::{Severity, Taxonomy};
use crate::analyses::tenant::{Review, Reviewed};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Carriers listed per principal unless `--details`.
pub const SHOWN_CARRIERS: usize = 5;

#[derive(Debug, Clone, Serialize)]
pub struct CarrierJson {
    pub scope: String,
    pub role: String,
    /// The group holding the assignment, when the principal is reached through one.
    pub group: Option<String>,
    /// `standing` (a role assignment) or `eligible` (PIM: could be activated).
    pub tier: &'static str,
    pub conditional: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewedJson {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: Option<String>,
    pub severity: &'static str,
    /// Category key → operations of it the broadest carrier grants.
    pub categories: BTreeMap<String, usize>,
    /// `standing` when any carrier is a role assignment, else `eligible`.
    pub tier: &'static str,
    /// Every standing carrier carries a condition.
    pub conditional: bool,
    pub scopes: usize,
    pub carriers: Vec<CarrierJson>,
    /// Carriers left out (see `--details`).
    #[serde(rename = "moreCarriers", skip_serializing_if = "is_zero")]
    pub more_carriers: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub principals: usize,
    /// Severity → principals whose worst reach it is.
    #[serde(rename = "bySeverity")]
    pub by_severity: BTreeMap<&'static str, usize>,
    /// Principal type → principals.
    #[serde(rename = "byType")]
    pub by_type: BTreeMap<String, usize>,
    pub standing: usize,
    #[serde(rename = "eligibleOnly")]
    pub eligible_only: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub scope: String,
    #[serde(rename = "minSeverity")]
    pub min_severity: &'static str,
    pub complete: bool,
    pub warnings: Vec<String>,
    pub summary: Summary,
    /// Principals counted in the summary but not listed (see `--limit`, `--details`).
    #[serde(rename = "omittedPrincipals")]
    pub omitted_principals: usize,
    pub principals: Vec<ReviewedJson>,
    pub inputs: BTreeMap<&'static str, InputJson>,
}

fn reviewed_json(ix: &AccessIndex, t: &Taxonomy, r: &Reviewed, details: bool) -> ReviewedJson {
    let p = ix.inv.principals.get(r.principal);
    let keep = if details {
        r.carriers.len()
    } else {
        SHOWN_CARRIERS.min(r.carriers.len())
    };
    let mut scopes: Vec<u32> = r.carriers.iter().map(|c| c.scope).collect();
    scopes.sort_unstable();
    scopes.dedup();
    ReviewedJson {
        id: p.id.to_string(),
        kind: p.kind.as_str().to_string(),
        name: p.name.as_deref().or(p.upn.as_deref()).map(str::to_string),
        severity: r.severity.as_str(),
        categories: r
            .categories
            .iter()
            .map(|(c, n)| (t.category(*c).key.clone(), *n))
            .collect(),
        tier: if r.standing { "standing" } else { "eligible" },
        conditional: r.conditional,
        scopes: scopes.len(),
        carriers: r.carriers[..keep]
            .iter()
            .map(|c| CarrierJson {
                scope: ix.inv.scopes.display(c.scope).to_string(),
                role: ix
                    .role_def(c.role)
                    .name
                    .clone()
                    .unwrap_or_else(|| ix.role_def(c.role).guid.clone().unwrap_or_default()),
                group: c.group.map(|g| ix.principal_label(g).to_string()),
                tier: if c.eligible { "eligible" } else { "standing" },
                conditional: c.conditional,
            })
            .collect(),
        more_carriers: r.carriers.len() - keep,
    }
}

/// The review as a report: the summary counts every principal; `principals` lists the first
/// `limit` (highest severity first).
pub fn build(
    ix: &AccessIndex,
    t: &Taxonomy,
    rv: &Review,
    details: bool,
    limit: usize,
) -> ReviewReport {
    let mut by_severity: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rv.principals {
        *by_severity.entry(r.severity.as_str()).or_default() += 1;
        *by_type
            .entry(ix.inv.principals.get(r.principal).kind.as_str().to_string())
            .or_default() += 1;
    }
    let total = rv.principals.len();
    let standing = rv.principals.iter().filter(|r| r.standing).count();
    let principals: Vec<ReviewedJson> = rv
        .principals
        .iter()
        .take(limit)
        .map(|r| reviewed_json(ix, t, r, details))
        .collect();
    let omitted = total - principals.len();
    let mut warnings: Vec<String> = rv.warnings.iter().map(|w| w.text.clone()).collect();
    if omitted > 0 {
        warnings.push(format!(
            "{omitted} more principals are counted in the summary but not listed (--limit {limit}); --details lists every principal and carrier"
        ));
    }
    ReviewReport {
        schema_version: 1,
        scope: rv.scope.clone(),
        min_severity: rv.min.as_str(),
        complete: rv.complete(),
        warnings,
        summary: Summary {
            principals: total,
            by_severity,
            by_type,
            standing,
            eligible_only: total - standing,
        },
        omitted_principals: omitted,
        principals,
        inputs: inputs_json(ix),
    }
}

fn summary_lines(r: &ReviewReport) -> Vec<String> {
    let sev: Vec<String> = Severity::DESCENDING
        .iter()
        .filter_map(|s| {
            r.summary
                .by_severity
                .get(s.as_str())
                .map(|n| format!("{n} {}", s.as_str()))
        })
        .collect();
    let types: Vec<String> = r
        .summary
        .by_type
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    vec![
        format!(
            "{} with operations of severity {} or worse ({})",
            crate::analyses::access::plural(r.summary.principals, "principal"),
            r.min_severity,
            if sev.is_empty() {
                "none".to_string()
            } else {
                sev.join(", ")
            }
        ),
        format!(
            "by type: {}",
            if types.is_empty() {
                "-".to_string()
            } else {
                types.join(", ")
            }
        ),
        format!(
            "standing: {}; only through PIM eligibility: {}",
            r.summary.standing, r.summary.eligible_only
        ),
    ]
}

fn carrier_text(c: &CarrierJson) -> String {
    let mut s = format!("{} at {}", c.role, short_scope(&c.scope));
    if let Some(g) = &c.group {
        let _ = write!(s, " via {g}");
    }
    if c.tier == "eligible" {
        s.push_str(" (eligible)");
    }
    if c.conditional {
        s.push_str(" (conditional)");
    }
    s
}

fn carriers_cell(p: &ReviewedJson) -> String {
    let mut parts: Vec<String> = p.carriers.iter().map(carrier_text).collect();
    if p.more_carriers > 0 {
        parts.push(format!("… and {} more (--details)", p.more_carriers));
    }
    parts.join("; ")
}

fn categories_cell(p: &ReviewedJson) -> String {
    p.categories
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn who(p: &ReviewedJson) -> String {
    p.name.clone().unwrap_or_else(|| p.id.clone())
}

pub fn table(r: &ReviewReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "privileged-access review of {}", r.scope);
    let _ = writeln!(
        s,
        "complete: {}",
        if r.complete {
            "yes"
        } else {
            "no — see the warnings below"
        }
    );
    for l in summary_lines(r) {
        let _ = writeln!(s, "{l}");
    }
    if !r.principals.is_empty() {
        let mut t = grid(&[
            "principal",
            "type",
            "severity",
            "tier",
            "categories",
            "through",
        ]);
        for p in &r.principals {
            t.add_row(super::safe_row(vec![
                who(p),
                p.kind.clone(),
                p.severity.to_string(),
                format!(
                    "{}{}",
                    p.tier,
                    if p.conditional { " (conditional)" } else { "" }
                ),
                categories_cell(p),
                carriers_cell(p),
            ]));
        }
        let _ = writeln!(s, "\n{t}");
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "\nwarnings:");
        for w in &r.warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    s
}

pub fn markdown(r: &ReviewReport) -> String {
    use super::mdtable::cell;
    let mut s = String::new();
    let _ = writeln!(s, "## Privileged-access review of `{}`\n", r.scope);
    for l in summary_lines(r) {
        let _ = writeln!(s, "- {}", cell(&l));
    }
    if !r.complete {
        let _ = writeln!(s, "- **incomplete**: see the warnings below");
    }
    if !r.principals.is_empty() {
        let _ = writeln!(
            s,
            "\n| principal | type | severity | tier | categories | through |\n| --- | --- | --- | --- | --- | --- |"
        );
        for p in &r.principals {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&who(p)),
                cell(&p.kind),
                p.severity,
                p.tier,
                cell(&categories_cell(p)),
                cell(&carriers_cell(p))
            );
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "\n### Warnings\n");
        for w in &r.warnings {
            let _ = writeln!(s, "- {}", cell(w));
        }
    }
    s
}

/// One row per (principal, carrier).
pub fn csv(r: &ReviewReport) -> String {
    use super::access_csv::field;
    let mut s = String::from(
        "principal_id,principal_name,principal_type,severity,tier,categories,scope,role,group,carrier_tier,conditional\n",
    );
    for p in &r.principals {
        for c in &p.carriers {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{}",
                field(&p.id),
                field(p.name.as_deref().unwrap_or("")),
                field(&p.kind),
                p.severity,
                p.tier,
                field(&categories_cell(p)),
                field(&c.scope),
                field(&c.role),
                field(c.group.as_deref().unwrap_or("")),
                c.tier,
                c.conditional
            );
        }
    }
    s
}
