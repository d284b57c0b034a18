//! Rendering `access`: the JSON report (chains, operations with their categories and the
//! chains granting them, denied operations) and a table by provider and risk category.

use super::access_who_can::{
    InputJson, UnevaluatedJson, assignment_id, entry_field, ids, inputs_json, short_scope,
    unevaluated_json,
};
use super::table as grid;
use crate::analyses::access::{AccessAnswer, AccessIndex, OpAccess};
use crate::analyses::risk::Taxonomy;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct PrincipalRef {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainJson {
    pub scope: String,
    pub role: String,
    #[serde(rename = "roleId")]
    pub role_id: String,
    pub via: Vec<String>,
    pub assignment: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppliedDenyJson {
    pub id: String,
    pub name: Option<String>,
    pub scope: String,
    pub everyone: bool,
    pub via: Vec<String>,
    pub conditional: bool,
    /// `enforced` blocks; `audit` only logs (the operations it matches stay allowed).
    pub effect: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpGrantJson {
    /// Index into `chains`.
    pub chain: usize,
    pub entry: String,
    #[serde(rename = "entryField")]
    pub entry_field: String,
    pub conditional: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpDenyJson {
    /// Index into `denies`.
    pub deny: usize,
    pub entry: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpJson {
    pub name: String,
    pub plane: &'static str,
    pub provider: String,
    #[serde(rename = "inCatalog")]
    pub in_catalog: bool,
    /// Risk category keys.
    pub categories: Vec<String>,
    pub severity: Option<&'static str>,
    pub conditional: bool,
    pub grants: Vec<OpGrantJson>,
    #[serde(rename = "deniedBy")]
    pub denied_by: Vec<OpDenyJson>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryJson {
    pub name: String,
    pub severity: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderSummary {
    pub provider: String,
    pub operations: usize,
    /// Operations per risk category key (an operation may count in several).
    pub categories: BTreeMap<String, usize>,
    pub uncategorised: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct EligibleJson {
    pub role: String,
    pub scope: String,
    pub via: Vec<String>,
    /// In force now (or at `--at`): it could be activated today.
    #[serde(rename = "inForce")]
    pub in_force: bool,
    pub pim: super::access_who_can::PimJson,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccessReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub principal: PrincipalRef,
    pub scope: String,
    pub action: Option<String>,
    pub complete: bool,
    pub warnings: Vec<String>,
    pub chains: Vec<ChainJson>,
    pub denies: Vec<AppliedDenyJson>,
    pub operations: Vec<OpJson>,
    pub denied: Vec<OpJson>,
    pub summary: Vec<ProviderSummary>,
    pub categories: BTreeMap<String, CategoryJson>,
    /// PIM eligibilities on the path it could activate (role, scope, group path, window);
    /// never counted in `operations`.
    pub eligible: Vec<EligibleJson>,
    pub unevaluated: Vec<UnevaluatedJson>,
    pub inputs: BTreeMap<&'static str, InputJson>,
    pub wildcards: &'static str,
    #[serde(skip)]
    pub names: BTreeMap<String, String>,
}

fn op_json(ix: &AccessIndex, ans: &AccessAnswer, t: &Taxonomy, o: &OpAccess) -> OpJson {
    let sev = t.max_severity_of(&o.categories);
    OpJson {
        name: o.name.clone(),
        plane: o.plane.as_str(),
        provider: o.provider.clone(),
        in_catalog: o.id.is_some(),
        categories: o
            .categories
            .iter()
            .map(|c| t.category(*c).key.clone())
            .collect(),
        severity: sev.map(|s| s.as_str()),
        conditional: o.conditional,
        grants: o
            .grants
            .iter()
            .map(|g| OpGrantJson {
                chain: g.chain,
                entry: g.entry.text.clone(),
                entry_field: entry_field(ix, ans.chains[g.chain].role, &g.entry),
                conditional: g.conditional,
            })
            .collect(),
        denied_by: o
            .denied_by
            .iter()
            .map(|(d, e)| OpDenyJson {
                deny: *d,
                entry: e.text.clone(),
            })
            .collect(),
    }
}

pub fn build(ix: &AccessIndex, ans: &AccessAnswer, t: &Taxonomy) -> AccessReport {
    let p = ix.inv.principals.get(ans.principal);
    let mut names = BTreeMap::new();
    let mut name = |id: u32| {
        names
            .entry(ix.inv.principals.get(id).id.to_string())
            .or_insert_with(|| ix.principal_label(id).to_string());
    };
    name(ans.principal);
    let chains = ans
        .chains
        .iter()
        .map(|c| {
            c.via.iter().for_each(|g| name(*g));
            let a = &ix.inv.assignments[c.assignment as usize];
            ChainJson {
                scope: ix.inv.scopes.display(c.scope).to_string(),
                role: ix.role_label(a),
                role_id: ix.role_def(c.role).guid.clone().unwrap_or_default(),
                via: ids(ix, &c.via),
                assignment: assignment_id(ix, c.assignment),
                condition: c.condition.map(|x| ix.inv.conditions.get(x).to_string()),
            }
        })
        .collect();
    let denies = ans
        .denies
        .iter()
        .map(|d| {
            d.via.iter().for_each(|g| name(*g));
            let da = &ix.inv.denies[d.deny as usize];
            AppliedDenyJson {
                id: da.id.clone(),
                name: da.name.clone(),
                scope: ix.inv.scopes.display(da.scope).to_string(),
                everyone: d.everyone,
                via: ids(ix, &d.via),
                conditional: da.condition.is_some()
                    || matches!(da.effect, crate::model::assignment::DenyEffect::Other(_)),
                effect: da.effect.as_str().to_string(),
            }
        })
        .collect();
    let operations: Vec<OpJson> = ans.allowed.iter().map(|o| op_json(ix, ans, t, o)).collect();
    let mut summary: BTreeMap<String, ProviderSummary> = BTreeMap::new();
    for o in &operations {
        let s = summary
            .entry(o.provider.to_ascii_lowercase())
            .or_insert_with(|| ProviderSummary {
                provider: o.provider.clone(),
                operations: 0,
                categories: BTreeMap::new(),
                uncategorised: 0,
            });
        s.operations += 1;
        if o.categories.is_empty() {
            s.uncategorised += 1;
        }
        for c in &o.categories {
            *s.categories.entry(c.clone()).or_default() += 1;
        }
    }
    AccessReport {
        schema_version: 1,
        principal: PrincipalRef {
            id: p.id.to_string(),
            kind: p.kind.as_str().to_string(),
            name: p.name.as_deref().or(p.upn.as_deref()).map(str::to_string),
        },
        scope: ans.path.display.clone(),
        action: ans.action.clone(),
        complete: ans.complete(),
        warnings: ans.warnings.iter().map(|w| w.text.clone()).collect(),
        chains,
        denies,
        operations,
        denied: ans.denied.iter().map(|o| op_json(ix, ans, t, o)).collect(),
        summary: summary.into_values().collect(),
        categories: t
            .categories()
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    CategoryJson {
                        name: c.name.clone(),
                        severity: c.severity.as_str(),
                    },
                )
            })
            .collect(),
        eligible: ans
            .eligible
            .iter()
            .map(|(r, via, live)| {
                let rec = &ix.inv.pim[*r as usize];
                EligibleJson {
                    role: super::access_who_can::pim_role_label(ix, rec.role),
                    scope: ix.inv.scopes.display(rec.scope).to_string(),
                    via: ids(ix, via),
                    in_force: *live,
                    pim: super::access_who_can::pim_json(ix, *r, true),
                }
            })
            .collect(),
        unevaluated: ans
            .unevaluated
            .iter()
            .map(|u| unevaluated_json(ix, u))
            .collect(),
        inputs: inputs_json(ix),
        wildcards: ix.model.mode.as_str(),
        names,
    }
}

/// Operation names within one provider, shortened (provider prefix dropped), with the
/// chains granting each: `workspaces/read [#1 #2]`.
fn op_list(ops: &[&OpJson], max: usize) -> String {
    let mut parts: Vec<String> = ops
        .iter()
        .take(max)
        .map(|o| {
            let short = o.name.split_once('/').map_or(o.name.as_str(), |(_, r)| r);
            let chains: Vec<String> = o
                .grants
                .iter()
                .map(|g| format!("#{}", g.chain + 1))
                .collect();
            let cond = if o.conditional { " (conditional)" } else { "" };
            format!("{short} [{}]{cond}", chains.join(" "))
        })
        .collect();
    if ops.len() > max {
        parts.push(format!("… and {} more", ops.len() - max));
    }
    parts.join("\n")
}

pub fn table(r: &AccessReport) -> String {
    let mut s = String::new();
    let names: BTreeMap<&str, &str> = r
        .names
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let via = |v: &[String]| -> String {
        if v.is_empty() {
            "(direct)".to_string()
        } else {
            let n: Vec<&str> = v
                .iter()
                .map(|id| names.get(id.as_str()).copied().unwrap_or(id.as_str()))
                .collect();
            format!("via {}", n.join(" → "))
        }
    };
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
    let _ = writeln!(s, "at:        {}", r.scope);
    if let Some(a) = &r.action {
        let _ = writeln!(s, "filter:    {a}");
    }
    let _ = writeln!(
        s,
        "complete:  {}",
        if r.complete {
            "yes"
        } else {
            "no — see the warnings below"
        }
    );
    let _ = writeln!(s, "\nchains:");
    if r.chains.is_empty() {
        let _ = writeln!(
            s,
            "  (no role assignment reaches this principal at this scope)"
        );
    }
    for (i, c) in r.chains.iter().enumerate() {
        let cond = if c.condition.is_some() {
            " (conditional assignment)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  #{} {} at {} {}{cond}",
            i + 1,
            c.role,
            short_scope(&c.scope),
            via(&c.via)
        );
    }
    let cond = r.operations.iter().filter(|o| o.conditional).count();
    let extra = if cond > 0 {
        format!(" ({cond} only conditionally)")
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "\n{}{extra}, by provider and risk category:",
        crate::analyses::access::plural(r.operations.len(), "operation")
    );
    if !r.operations.is_empty() {
        let mut t = grid(&["provider", "risk category", "ops", "operations [chains]"]);
        let mut by_provider: BTreeMap<String, Vec<&OpJson>> = BTreeMap::new();
        for o in &r.operations {
            by_provider
                .entry(o.provider.to_ascii_lowercase())
                .or_default()
                .push(o);
        }
        for ops in by_provider.values() {
            let provider = ops[0].provider.clone();
            let mut rows: Vec<(u8, String, Vec<&OpJson>)> = Vec::new();
            for (key, c) in &r.categories {
                let hits: Vec<&OpJson> = ops
                    .iter()
                    .copied()
                    .filter(|o| o.categories.contains(key))
                    .collect();
                if !hits.is_empty() {
                    let rank = match c.severity {
                        "critical" => 0,
                        "high" => 1,
                        "medium" => 2,
                        _ => 3,
                    };
                    rows.push((rank, format!("{} ({})", c.name, c.severity), hits));
                }
            }
            rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let none: Vec<&OpJson> = ops
                .iter()
                .copied()
                .filter(|o| o.categories.is_empty())
                .collect();
            if !none.is_empty() {
                rows.push((9, "(no risk category)".to_string(), none));
            }
            for (i, (_, label, hits)) in rows.iter().enumerate() {
                // Operation names are catalog names (no line breaks); the list is one
                // per line on purpose.
                let mut row = super::safe_row(vec![
                    if i == 0 {
                        provider.clone()
                    } else {
                        String::new()
                    },
                    label.clone(),
                    hits.len().to_string(),
                ]);
                row.push(op_list(hits, 12));
                t.add_row(row);
            }
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.denied.is_empty() {
        let _ = writeln!(
            s,
            "\n{} stopped by a deny assignment:",
            crate::analyses::access::plural(r.denied.len(), "operation")
        );
        let mut t = grid(&["operation", "chains", "denied by", "deny entry"]);
        for o in &r.denied {
            let chains: Vec<String> = o
                .grants
                .iter()
                .map(|g| format!("#{}", g.chain + 1))
                .collect();
            // The deny that removes it: an enforced, unconditional one (audit denies only log).
            let d = o
                .denied_by
                .iter()
                .find(|d| {
                    let x = &r.denies[d.deny];
                    x.effect == "enforced" && !x.conditional
                })
                .or(o.denied_by.first());
            let deny = d.map(|d| &r.denies[d.deny]);
            t.add_row(super::safe_row(vec![
                o.name.clone(),
                chains.join(" "),
                deny.map(|x| {
                    let scope = short_scope(&x.scope);
                    let n = x.name.clone().unwrap_or_else(|| x.id.clone());
                    let whom = if x.everyone {
                        "everyone".to_string()
                    } else {
                        via(&x.via)
                    };
                    format!("{n} at {scope} ({whom})")
                })
                .unwrap_or_default(),
                d.map(|d| d.entry.clone()).unwrap_or_default(),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.eligible.is_empty() {
        let _ = writeln!(
            s,
            "\nPIM eligible on the path (could be activated; not counted above):"
        );
        for e in &r.eligible {
            let until = e
                .pim
                .end
                .as_deref()
                .map(|x| format!(" until {x}"))
                .unwrap_or_default();
            let state = if e.in_force { "" } else { " — not in force" };
            let _ = writeln!(
                s,
                "  - {} at {} ({}){until}{state}",
                e.role,
                short_scope(&e.scope),
                via(&e.via)
            );
        }
    }
    if !r.unevaluated.is_empty() {
        let _ = writeln!(s, "\nnot evaluated:");
        for u in &r.unevaluated {
            let _ = writeln!(
                s,
                "  - assignment at {}: {}",
                short_scope(&u.scope),
                u.reason
            );
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
        "\n(scopes abbreviated; --format json gives full ids and every entry)"
    );
    s
}
