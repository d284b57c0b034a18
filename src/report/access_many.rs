//! Rendering `who-can` over a set of operations (pattern, `--any`, `--category`): the JSON
//! contract (per principal: operations, severity, chains with the operations each grants),
//! a table with one row per principal, and CSV with one row per (principal, operation).

use super::access_who_can::{
    DenyJson, GrantJson, InputJson, UnevaluatedJson, deny_json, grant_json, inputs_json,
    short_scope, unevaluated_json,
};
use super::table as grid;
use crate::analyses::access::{AccessIndex, Many, ManyPrincipal};
use crate::analyses::risk::Taxonomy;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct OpRefJson {
    pub name: String,
    #[serde(rename = "inCatalog")]
    pub in_catalog: bool,
    pub severity: Option<&'static str>,
    pub categories: Vec<String>,
    /// Its operation set; `null` when nobody on the path holds it.
    pub set: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainJson {
    #[serde(flatten)]
    pub grant: GrantJson,
    /// The operation sets (see `operationSets`) this chain grants at the scope.
    pub sets: Vec<usize>,
}

/// Operations with the same grants and denies on the path: one answer serves them all.
#[derive(Debug, Clone, Serialize)]
pub struct SetJson {
    pub set: usize,
    pub operations: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManyPrincipalJson {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: Option<String>,
    /// Highest severity among the operations it holds (for `denied`: the operations stopped).
    pub severity: Option<&'static str>,
    /// How many operations of the question it can perform.
    #[serde(rename = "operationCount")]
    pub operation_count: usize,
    /// Of those, how many only conditionally.
    #[serde(rename = "conditionalCount")]
    pub conditional_count: usize,
    /// The operation sets it can perform (their union is its operations).
    pub sets: Vec<usize>,
    /// The operation sets a deny assignment stops for it.
    #[serde(rename = "deniedSets")]
    pub denied_sets: Vec<usize>,
    pub chains: Vec<ChainJson>,
    #[serde(rename = "deniedBy", skip_serializing_if = "Vec::is_empty")]
    pub denied_by: Vec<DenyJson>,
    #[serde(rename = "auditedBy", skip_serializing_if = "Vec::is_empty")]
    pub audited_by: Vec<DenyJson>,
    /// Operation names, for the table and CSV only.
    #[serde(skip)]
    pub operations: Vec<String>,
    #[serde(skip)]
    pub conditional_operations: Vec<String>,
    #[serde(skip)]
    pub denied_operations: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManyReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    /// What was asked: the pattern, names or categories.
    pub query: String,
    /// Every operation asked about, with its severity and its set (absent: nobody holds it).
    pub operations: Vec<OpRefJson>,
    /// Operations answered together; principals and chains name sets, not operations.
    #[serde(rename = "operationSets")]
    pub operation_sets: Vec<SetJson>,
    pub scope: String,
    pub complete: bool,
    pub warnings: Vec<String>,
    pub principals: Vec<ManyPrincipalJson>,
    pub denied: Vec<ManyPrincipalJson>,
    /// PIM: principals that could activate a grant of sets they do not hold now (`sets`).
    pub eligible: Vec<ManyPrincipalJson>,
    pub unevaluated: Vec<UnevaluatedJson>,
    pub inputs: BTreeMap<&'static str, InputJson>,
    pub wildcards: &'static str,
    #[serde(skip)]
    pub names: BTreeMap<String, String>,
}

fn principal_json(ix: &AccessIndex, m: &Many, p: &ManyPrincipal) -> ManyPrincipalJson {
    let pr = ix.inv.principals.get(p.principal);
    let names = |v: &[usize]| v.iter().map(|i| m.ops[*i].name.clone()).collect();
    let mut denied_by: Vec<DenyJson> = Vec::new();
    let mut audited_by: Vec<DenyJson> = Vec::new();
    for d in &p.denied_by {
        let j = deny_json(ix, d);
        if !denied_by.iter().any(|x| x.id == j.id && x.entry == j.entry) {
            denied_by.push(j);
        }
    }
    for d in &p.audited_by {
        let j = deny_json(ix, d);
        if !audited_by
            .iter()
            .any(|x| x.id == j.id && x.entry == j.entry)
        {
            audited_by.push(j);
        }
    }
    denied_by.sort_by(|a, b| (&a.id, &a.entry).cmp(&(&b.id, &b.entry)));
    audited_by.sort_by(|a, b| (&a.id, &a.entry).cmp(&(&b.id, &b.entry)));
    ManyPrincipalJson {
        id: pr.id.to_string(),
        kind: pr.kind.as_str().to_string(),
        name: pr.name.as_deref().or(pr.upn.as_deref()).map(str::to_string),
        severity: p.severity.map(|s| s.as_str()),
        operation_count: p.ops.len(),
        conditional_count: p.conditional_ops.len(),
        sets: p.groups.clone(),
        denied_sets: p.denied_groups.clone(),
        chains: p
            .chains
            .iter()
            .map(|c| ChainJson {
                grant: grant_json(ix, &c.grant),
                sets: c.groups.clone(),
            })
            .collect(),
        denied_by,
        audited_by,
        operations: names(&p.ops),
        conditional_operations: names(&p.conditional_ops),
        denied_operations: names(&p.denied_ops),
    }
}

pub fn build(ix: &AccessIndex, m: &Many, query: &str, taxonomy: &Taxonomy) -> ManyReport {
    let mut names = BTreeMap::new();
    for p in m.principals.iter().chain(&m.denied).chain(&m.eligible) {
        let mut add = |x: u32| {
            names
                .entry(ix.inv.principals.get(x).id.to_string())
                .or_insert_with(|| ix.principal_label(x).to_string());
        };
        add(p.principal);
        for c in &p.chains {
            c.grant.via.iter().for_each(|g| add(*g));
        }
    }
    let mut set_of: Vec<Option<usize>> = vec![None; m.ops.len()];
    for (gi, g) in m.groups.iter().enumerate() {
        for &o in &g.ops {
            set_of[o] = Some(gi);
        }
    }
    ManyReport {
        schema_version: 1,
        query: query.to_string(),
        operation_sets: m
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| SetJson {
                set: gi,
                operations: g.ops.iter().map(|o| m.ops[*o].name.clone()).collect(),
            })
            .collect(),
        operations: m
            .ops
            .iter()
            .enumerate()
            .map(|(i, q)| OpRefJson {
                name: q.name.clone(),
                in_catalog: q.in_catalog(),
                severity: m.severity[i].map(|s| s.as_str()),
                categories: m.categories[i]
                    .iter()
                    .map(|c| taxonomy.category(*c).key.clone())
                    .collect(),
                set: set_of[i],
            })
            .collect(),
        scope: m.path.display.clone(),
        complete: m.complete(),
        warnings: m.warnings.iter().map(|w| w.text.clone()).collect(),
        principals: m
            .principals
            .iter()
            .map(|p| principal_json(ix, m, p))
            .collect(),
        denied: m.denied.iter().map(|p| principal_json(ix, m, p)).collect(),
        eligible: m
            .eligible
            .iter()
            .map(|p| principal_json(ix, m, p))
            .collect(),
        unevaluated: m
            .unevaluated
            .iter()
            .map(|u| unevaluated_json(ix, u))
            .collect(),
        inputs: inputs_json(ix),
        wildcards: ix.model.mode.as_str(),
        names,
    }
}

/// At most this many operation names per table cell.
const SHOWN_OPS: usize = 3;

fn op_cell(ops: &[String]) -> String {
    let mut s = ops
        .iter()
        .take(SHOWN_OPS)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ops.len() > SHOWN_OPS {
        let _ = write!(s, ", … and {} more", ops.len() - SHOWN_OPS);
    }
    s
}

fn roles_cell(p: &ManyPrincipalJson, names: &BTreeMap<String, String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for c in &p.chains {
        let via = match c.grant.via.last() {
            Some(g) => format!(" via {}", names.get(g).map(String::as_str).unwrap_or(g)),
            None => String::new(),
        };
        let line = format!("{} at {}{via}", c.grant.role, short_scope(&c.grant.scope));
        if !seen.contains(&line) {
            seen.push(line);
        }
    }
    seen.join("; ")
}

fn label(r: &ManyReport, p: &ManyPrincipalJson) -> String {
    r.names
        .get(&p.id)
        .cloned()
        .or_else(|| p.name.clone())
        .unwrap_or_else(|| p.id.clone())
}

pub fn table(r: &ManyReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "who can:  {} ({} operations)",
        r.query,
        r.operations.len()
    );
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
    let _ = writeln!(
        s,
        "\n{} can perform at least one of them (highest severity first):",
        crate::analyses::access::plural(r.principals.len(), "principal")
    );
    if !r.principals.is_empty() {
        let mut t = grid(&["principal", "type", "severity", "operations", "through"]);
        for p in &r.principals {
            let n = p.operations.len();
            let cond = p.conditional_operations.len();
            let count = if cond > 0 {
                format!("{n} ({cond} conditional)")
            } else {
                n.to_string()
            };
            t.add_row(super::safe_row(vec![
                label(r, p),
                p.kind.clone(),
                p.severity.unwrap_or("-").to_string(),
                format!("{count}: {}", op_cell(&p.operations)),
                roles_cell(p, &r.names),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.denied.is_empty() {
        let _ = writeln!(
            s,
            "\n{} hold some of them but a deny assignment stops every one:",
            crate::analyses::access::plural(r.denied.len(), "principal")
        );
        let mut t = grid(&["principal", "type", "operations stopped", "denied by"]);
        for p in &r.denied {
            let deny: Vec<String> = p
                .denied_by
                .iter()
                .map(|d| d.name.clone().unwrap_or_else(|| d.id.clone()))
                .collect();
            t.add_row(super::safe_row(vec![
                label(r, p),
                p.kind.clone(),
                op_cell(&p.denied_operations),
                deny.join("; "),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.eligible.is_empty() {
        let _ = writeln!(
            s,
            "\nPIM eligible: {} could activate a grant of operations they do not hold now:",
            crate::analyses::access::plural(r.eligible.len(), "principal")
        );
        let mut t = grid(&["principal", "type", "severity", "operations", "through"]);
        for p in &r.eligible {
            t.add_row(super::safe_row(vec![
                label(r, p),
                p.kind.clone(),
                p.severity.unwrap_or("-").to_string(),
                format!("{}: {}", p.operations.len(), op_cell(&p.operations)),
                roles_cell(p, &r.names),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.unevaluated.is_empty() {
        let _ = writeln!(s, "\nnot evaluated:");
        for u in &r.unevaluated {
            let who = r.names.get(&u.principal).unwrap_or(&u.principal);
            let _ = writeln!(s, "  - {who} at {}: {}", short_scope(&u.scope), u.reason);
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "\nwarnings:");
        for w in &r.warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    let _ = writeln!(
        s,
        "\n(operations and scopes abbreviated; --format json lists every operation and chain)"
    );
    s
}

/// One row per (principal, operation): `principal_id,principal_name,type,operation,severity,conditional,denied`.
pub fn csv(r: &ManyReport) -> String {
    use super::access_csv::field;
    let mut s = String::from(
        "principal_id,principal_name,principal_type,operation,severity,conditional,denied\n",
    );
    let sev: BTreeMap<&str, &str> = r
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o.severity.unwrap_or("")))
        .collect();
    for p in r.principals.iter().chain(&r.denied) {
        let rows = p
            .operations
            .iter()
            .map(|o| (o, false))
            .chain(p.denied_operations.iter().map(|o| (o, true)));
        for (o, denied) in rows {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{}",
                field(&p.id),
                field(p.name.as_deref().unwrap_or("")),
                field(&p.kind),
                field(o),
                sev.get(o.as_str()).copied().unwrap_or(""),
                p.conditional_operations.contains(o),
                denied
            );
        }
    }
    s
}
