//! The `recommend` analysis: which built-in roles cover a job's needs, ranked by their excess
//! weighted by risk (not by raw count); the best pairs of built-in roles when no single role
//! covers; and what a custom role granting exactly the needs would save.

use super::needs::{NeedSet, Needs};
use super::risk::{RiskModel, weight_of};
use super::risks::SeverityCounts;
use crate::data::Model;
use crate::effective::{Effective, Verdict, expand, explain};
use crate::model::{OpId, Plane, RoleDefinition};
use fixedbitset::FixedBitSet;
use serde::Serialize;
use std::collections::BTreeMap;

/// How much a role (or pair) grants beyond the needs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExcessSummary {
    pub count: usize,
    pub actions: usize,
    #[serde(rename = "dataActions")]
    pub data_actions: usize,
    /// Risk-weighted excess (the ranking key; see docs/risk.md).
    pub weight: u64,
    #[serde(rename = "highRisk")]
    pub high_risk: usize,
    #[serde(rename = "bySeverity")]
    pub by_severity: SeverityCounts,
    /// Excess operations per category key (only non-empty categories).
    #[serde(rename = "byCategory")]
    pub by_category: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub rank: usize,
    pub role: String,
    pub id: Option<String>,
    pub excess: ExcessSummary,
    /// Some needed operation is granted only under a condition azrbac does not evaluate.
    pub conditional: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairCandidate {
    pub rank: usize,
    pub roles: [String; 2],
    pub ids: [Option<String>; 2],
    pub excess: ExcessSummary,
    pub conditional: bool,
}

/// What a custom role granting exactly the needs avoids, compared with the best built-in option.
#[derive(Debug, Clone, Serialize)]
pub struct CustomSaving {
    /// The best built-in option (a role name, or two joined with " + ").
    #[serde(rename = "comparedWith")]
    pub compared_with: Option<String>,
    #[serde(rename = "excessAvoided")]
    pub excess_avoided: usize,
    #[serde(rename = "highRiskAvoided")]
    pub high_risk_avoided: usize,
    #[serde(rename = "weightAvoided")]
    pub weight_avoided: u64,
    /// Operations the custom role would grant (the needs).
    pub grants: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub needs: String,
    pub wildcards: &'static str,
    #[serde(rename = "neededCount")]
    pub needed_count: usize,
    /// Built-in roles covering every need, best first (at most `top`).
    pub candidates: Vec<Candidate>,
    /// How many built-in roles cover every need.
    #[serde(rename = "coveringCount")]
    pub covering_count: usize,
    /// Best pairs, only when no single built-in role covers the needs.
    pub pairs: Vec<PairCandidate>,
    /// Set when every option overshoots, or none covers.
    #[serde(rename = "customRole")]
    pub custom_role: Option<CustomSaving>,
    /// Needs no built-in role, alone or paired, grants.
    pub uncovered: Vec<String>,
    pub warnings: Vec<String>,
    pub complete: bool,
}

/// One built-in role prepared for ranking.
struct Prepared<'a> {
    role: &'a RoleDefinition,
    eff: Effective,
    /// Which needs it grants: bit i = i-th catalog need, then the unknown needs.
    covers: FixedBitSet,
    /// Which of those only conditionally.
    conditional: bool,
    /// Excess (granted − needed catalog operations).
    excess: FixedBitSet,
    weight: u64,
}

/// The needs as one list: catalog ids, then (plane or none, name) of unknown needs.
struct NeedList {
    ids: Vec<OpId>,
    unknown: Vec<(Option<Plane>, String)>,
}

impl NeedList {
    fn len(&self) -> usize {
        self.ids.len() + self.unknown.len()
    }
}

fn need_list(set: &NeedSet) -> NeedList {
    let mut unknown = Vec::new();
    for plane in Plane::BOTH {
        unknown.extend(
            set.unknown[plane as usize]
                .iter()
                .map(|n| (Some(plane), n.clone())),
        );
    }
    unknown.extend(set.unknown_any.iter().map(|n| (None, n.clone())));
    NeedList {
        ids: set.ops.ones().map(|i| i as OpId).collect(),
        unknown,
    }
}

fn prepare<'a>(
    model: &Model,
    risk: &RiskModel,
    role: &'a RoleDefinition,
    needs: &NeedList,
    set: &NeedSet,
) -> Prepared<'a> {
    let eff = expand(&model.index, role, model.mode);
    let mut covers = FixedBitSet::with_capacity(needs.len());
    let mut conditional = false;
    for (i, id) in needs.ids.iter().enumerate() {
        if eff.contains(*id) {
            covers.insert(i);
            conditional |= eff.conditional_only.contains(*id as usize);
        }
    }
    for (j, (plane, name)) in needs.unknown.iter().enumerate() {
        let planes = explain(&model.index, role, name, model.mode);
        let hit = planes.iter().find(|p| {
            plane.is_none_or(|x| x == p.plane)
                && matches!(p.verdict, Verdict::Granted | Verdict::Conditional)
        });
        if let Some(p) = hit {
            covers.insert(needs.ids.len() + j);
            conditional |= p.verdict == Verdict::Conditional;
        }
    }
    let mut excess = eff.granted.clone();
    excess.difference_with(&set.ops);
    let weight = risk.index.weight(&excess) + unknown_weight(model, risk, &eff, set);
    Prepared {
        role,
        eff,
        covers,
        conditional,
        excess,
        weight,
    }
}

/// Weight of the unknown literal grants of a role that no need names.
fn unknown_weight(model: &Model, risk: &RiskModel, eff: &Effective, set: &NeedSet) -> u64 {
    unknown_excess(eff, set)
        .iter()
        .map(|(p, n)| {
            weight_of(
                risk.taxonomy
                    .max_severity_of(&risk.classify_name(model, n, *p)),
            )
        })
        .sum()
}

fn unknown_excess(eff: &Effective, set: &NeedSet) -> Vec<(Plane, String)> {
    let mut out = Vec::new();
    for plane in Plane::BOTH {
        for u in &eff.unknown[plane as usize] {
            let needed = set.unknown[plane as usize]
                .iter()
                .chain(&set.unknown_any)
                .any(|n| n.eq_ignore_ascii_case(&u.name));
            if !needed {
                out.push((plane, u.name.clone()));
            }
        }
    }
    out
}

fn summarize(
    model: &Model,
    risk: &RiskModel,
    excess: &FixedBitSet,
    unknown: &[(Plane, String)],
) -> ExcessSummary {
    let cat = model.index.catalog();
    let mut s = ExcessSummary {
        count: 0,
        actions: 0,
        data_actions: 0,
        weight: 0,
        high_risk: 0,
        by_severity: SeverityCounts::default(),
        by_category: BTreeMap::new(),
    };
    let mut add = |plane: Plane, cats: &[usize]| {
        s.count += 1;
        match plane {
            Plane::Control => s.actions += 1,
            Plane::Data => s.data_actions += 1,
        }
        let sev = risk.taxonomy.max_severity_of(cats);
        s.weight += weight_of(sev);
        if let Some(v) = sev {
            s.by_severity.add(v);
        }
        for c in cats {
            *s.by_category
                .entry(risk.taxonomy.category(*c).key.clone())
                .or_insert(0) += 1;
        }
    };
    for id in excess.ones() {
        let id = id as OpId;
        add(cat.op(id).plane, risk.categories(id));
    }
    for (p, n) in unknown {
        add(*p, &risk.classify_name(model, n, *p));
    }
    s.high_risk = s.by_severity.high_risk();
    s
}

/// Ranks the model's built-in roles against the needs. `top` limits each list.
pub fn recommend(
    model: &Model,
    risk: &RiskModel,
    needs: &Needs,
    set: &NeedSet,
    top: usize,
) -> RecommendReport {
    let list = need_list(set);
    let n = list.len();
    let prepared: Vec<Prepared<'_>> = model
        .builtins
        .roles()
        .iter()
        .map(|r| prepare(model, risk, r, &list, set))
        .collect();
    let full = |c: &FixedBitSet| c.count_ones(..) == n;
    let by_rank = |a: &&Prepared<'_>, b: &&Prepared<'_>| {
        a.weight
            .cmp(&b.weight)
            .then(a.excess.count_ones(..).cmp(&b.excess.count_ones(..)))
            .then(a.role.label().cmp(&b.role.label()))
    };
    let mut covering: Vec<&Prepared<'_>> = prepared.iter().filter(|p| full(&p.covers)).collect();
    covering.sort_by(by_rank);
    let candidates: Vec<Candidate> = covering
        .iter()
        .take(top)
        .enumerate()
        .map(|(i, p)| Candidate {
            rank: i + 1,
            role: p.role.label(),
            id: p.role.guid.clone(),
            excess: summarize(model, risk, &p.excess, &unknown_excess(&p.eff, set)),
            conditional: p.conditional,
        })
        .collect();

    // Pairs are offered when no single role covers, and also when two narrow roles together
    // carry less risk-weighted excess than the best single role (e.g. a compute role plus
    // Managed Identity Operator instead of Contributor).
    let bound = covering.first().map_or(u64::MAX, |p| p.weight);
    let pairs = best_pairs(model, risk, &prepared, set, n, top, bound);
    let mut uncovered = Vec::new();
    if covering.is_empty() {
        // Needs that no built-in role grants at all.
        let mut any = FixedBitSet::with_capacity(n);
        for p in &prepared {
            any.union_with(&p.covers);
        }
        let cat = model.index.catalog();
        for i in 0..n {
            if !any.contains(i) {
                uncovered.push(match list.ids.get(i) {
                    Some(id) => cat.name(*id).to_string(),
                    None => list.unknown[i - list.ids.len()].1.clone(),
                });
            }
        }
    }

    // The least risky built-in option: a pair is only listed when it beats every single role.
    let best: Option<(String, &ExcessSummary)> = match (pairs.first(), candidates.first()) {
        (Some(p), _) => Some((format!("{} + {}", p.roles[0], p.roles[1]), &p.excess)),
        (None, Some(c)) => Some((c.role.clone(), &c.excess)),
        _ => None,
    };
    let custom_role = match best {
        Some((name, e)) if e.count > 0 => Some(CustomSaving {
            compared_with: Some(name),
            excess_avoided: e.count,
            high_risk_avoided: e.high_risk,
            weight_avoided: e.weight,
            grants: n,
        }),
        Some(_) => None,
        None => Some(CustomSaving {
            compared_with: None,
            excess_avoided: 0,
            high_risk_avoided: 0,
            weight_avoided: 0,
            grants: n,
        }),
    };
    let mut warnings = set.warnings.clone();
    warnings.extend(
        set.unresolved
            .iter()
            .map(|u| format!("needs incomplete: {u}")),
    );
    RecommendReport {
        schema_version: 1,
        needs: needs.origin.clone(),
        wildcards: model.mode.as_str(),
        needed_count: n,
        covering_count: covering.len(),
        candidates,
        pairs,
        custom_role,
        uncovered,
        warnings,
        complete: set.unresolved.is_empty(),
    }
}

/// The best pairs of roles that together cover every need, by the weight of their united
/// excess. Roles are tried in order of their own excess weight; since a pair's excess weighs at
/// least as much as either member's, the search stops once no remaining pair can beat the
/// `top` found so far.
fn best_pairs(
    model: &Model,
    risk: &RiskModel,
    prepared: &[Prepared<'_>],
    set: &NeedSet,
    n: usize,
    top: usize,
    bound: u64,
) -> Vec<PairCandidate> {
    // A pair's excess contains each member's, so a member at or above `bound` (the best single
    // role's weight) cannot be part of a pair that beats it.
    let mut useful: Vec<&Prepared<'_>> = prepared
        .iter()
        .filter(|p| !p.covers.is_clear() && p.weight < bound)
        .collect();
    useful.sort_by(|a, b| {
        a.weight
            .cmp(&b.weight)
            .then(a.role.label().cmp(&b.role.label()))
    });
    // (weight, count, i, j) of the best pairs so far, sorted.
    let mut best: Vec<(u64, usize, usize, usize)> = Vec::new();
    let worst = |best: &Vec<(u64, usize, usize, usize)>| {
        if best.len() < top {
            u64::MAX
        } else {
            best.last().map_or(u64::MAX, |b| b.0)
        }
    };
    let mut union = FixedBitSet::with_capacity(n);
    for i in 0..useful.len() {
        if useful[i].weight > worst(&best) {
            break;
        }
        for j in i + 1..useful.len() {
            if useful[j].weight > worst(&best) {
                break;
            }
            union.clone_from(&useful[i].covers);
            union.union_with(&useful[j].covers);
            if union.count_ones(..) != n {
                continue;
            }
            let mut ex = useful[i].excess.clone();
            ex.union_with(&useful[j].excess);
            let mut eff = useful[i].eff.clone();
            eff.union_with(&useful[j].eff);
            let w = risk.index.weight(&ex) + unknown_weight(model, risk, &eff, set);
            let c = ex.count_ones(..);
            if w >= bound {
                continue;
            }
            if best.len() < top
                || (w, c) < best.last().map_or((u64::MAX, usize::MAX), |b| (b.0, b.1))
            {
                best.push((w, c, i, j));
                best.sort();
                best.truncate(top);
            }
        }
    }
    best.into_iter()
        .enumerate()
        .map(|(rank, (_, _, i, j))| {
            let (a, b) = (useful[i], useful[j]);
            let mut ex = a.excess.clone();
            ex.union_with(&b.excess);
            let mut eff = a.eff.clone();
            eff.union_with(&b.eff);
            PairCandidate {
                rank: rank + 1,
                roles: [a.role.label(), b.role.label()],
                ids: [a.role.guid.clone(), b.role.guid.clone()],
                excess: summarize(model, risk, &ex, &unknown_excess(&eff, set)),
                conditional: a.conditional || b.conditional,
            }
        })
        .collect()
}
