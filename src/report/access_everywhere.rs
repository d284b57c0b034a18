//! Rendering `access PRINCIPAL --everywhere`: one entry per scope where the principal (or a
//! group of it) holds a role assignment, with what it can do there, highest severity first.

use super::access_principal::{AccessReport, PrincipalRef, build as build_one};
use super::access_who_can::short_scope;
use super::table as grid;
use crate::analyses::access::{AccessAnswer, AccessIndex};
use crate::analyses::risk::{Severity, Taxonomy};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct ScopeEntry {
    pub scope: String,
    /// Highest severity among the operations allowed there.
    pub severity: Option<&'static str>,
    pub operations: usize,
    /// Operations per risk category key.
    pub categories: BTreeMap<String, usize>,
    /// Roles that grant there, as `ROLE at SCOPE`.
    pub roles: Vec<String>,
    pub complete: bool,
    /// Warnings of the answer at that scope.
    pub warnings: Vec<String>,
    /// The full answer (`access --scope` gives it); kept out of the JSON to bound its size.
    #[serde(skip)]
    pub access: AccessReport,
}

#[derive(Debug, Clone, Serialize)]
pub struct EverywhereReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub principal: PrincipalRef,
    pub complete: bool,
    pub scopes: Vec<ScopeEntry>,
}

pub fn build(
    ix: &AccessIndex,
    principal: u32,
    all: &[AccessAnswer],
    t: &Taxonomy,
) -> EverywhereReport {
    let p = ix.inv.principals.get(principal);
    let mut scopes: Vec<(Option<Severity>, ScopeEntry)> = all
        .iter()
        .map(|ans| {
            let rep = build_one(ix, ans, t);
            let sev = rep
                .operations
                .iter()
                .filter_map(|o| o.severity.and_then(Severity::parse))
                .max();
            let mut categories: BTreeMap<String, usize> = BTreeMap::new();
            for o in &rep.operations {
                for c in &o.categories {
                    *categories.entry(c.clone()).or_default() += 1;
                }
            }
            let mut roles: Vec<String> = rep
                .chains
                .iter()
                .map(|c| format!("{} at {}", c.role, short_scope(&c.scope)))
                .collect();
            roles.dedup();
            (
                sev,
                ScopeEntry {
                    scope: rep.scope.clone(),
                    severity: sev.map(|s| s.as_str()),
                    operations: rep.operations.len(),
                    categories,
                    roles,
                    complete: rep.complete,
                    warnings: rep.warnings.clone(),
                    access: rep,
                },
            )
        })
        .collect();
    // Highest severity first, then most operations; the input order (scope order) breaks ties.
    scopes.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| b.1.operations.cmp(&a.1.operations))
    });
    EverywhereReport {
        schema_version: 1,
        principal: PrincipalRef {
            id: p.id.to_string(),
            kind: p.kind.as_str().to_string(),
            name: p.name.as_deref().or(p.upn.as_deref()).map(str::to_string),
        },
        complete: scopes.iter().all(|s| s.1.complete),
        scopes: scopes.into_iter().map(|s| s.1).collect(),
    }
}

pub fn table(r: &EverywhereReport) -> String {
    let mut s = String::new();
    let who = r
        .principal
        .name
        .clone()
        .unwrap_or_else(|| r.principal.id.clone());
    let _ = writeln!(
        s,
        "principal: {who} ({}, {})",
        r.principal.kind, r.principal.id
    );
    let _ = writeln!(
        s,
        "complete:  {}",
        if r.complete {
            "yes"
        } else {
            "no — see `access --scope` at the scopes marked incomplete"
        }
    );
    let _ = writeln!(
        s,
        "\nholds role assignments at {} (highest severity first):",
        crate::analyses::access::plural(r.scopes.len(), "scope")
    );
    if r.scopes.is_empty() {
        return s;
    }
    let mut t = grid(&[
        "scope",
        "severity",
        "operations",
        "categories",
        "through",
        "complete",
    ]);
    for e in &r.scopes {
        let cats: Vec<String> = e
            .categories
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        t.add_row(super::safe_row(vec![
            e.scope.clone(),
            e.severity.unwrap_or("-").to_string(),
            e.operations.to_string(),
            cats.join(", "),
            e.roles.join("; "),
            if e.complete { "yes" } else { "no" }.to_string(),
        ]));
    }
    let _ = writeln!(s, "{t}");
    let _ = writeln!(
        s,
        "\n(`access PRINCIPAL --scope SCOPE` lists the operations and chains at one scope)"
    );
    s
}
