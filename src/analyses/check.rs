//! The `check` analysis: does a role fit a job? Missing operations (needed, not granted) and
//! excess operations (granted, not needed) per plane, the excess grouped by resource type and
//! by risk category, and a least-privilege summary.

use super::needs::{NeedSet, Needs};
use super::risk::{RiskModel, Severity};
use super::risks::{PlaneCounts, SeverityCounts, severity_order};
use crate::data::Model;
use crate::effective::{Effective, Verdict, expand, explain};
use crate::graph::resource_type_of;
use crate::model::catalog::{canonical_cmp, sort_byte};
use crate::model::{OpId, Plane, RoleDefinition};
use fixedbitset::FixedBitSet;
use serde::Serialize;
use std::collections::BTreeMap;

/// Names per plane, in the JSON contract's keys.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PlaneNames {
    pub actions: Vec<String>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<String>,
}

impl PlaneNames {
    pub fn get(&self, plane: Plane) -> &Vec<String> {
        match plane {
            Plane::Control => &self.actions,
            Plane::Data => &self.data_actions,
        }
    }

    pub fn get_mut(&mut self, plane: Plane) -> &mut Vec<String> {
        match plane {
            Plane::Control => &mut self.actions,
            Plane::Data => &mut self.data_actions,
        }
    }

    pub fn len(&self) -> usize {
        self.actions.len() + self.data_actions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn sort(&mut self) {
        self.actions.sort_by(|a, b| canonical_cmp(a, b));
        self.data_actions.sort_by(|a, b| canonical_cmp(a, b));
    }
}

/// Missing operations; `unknownPlane` holds needed names without a plane prefix that the
/// catalog does not list and the role grants on neither plane.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Missing {
    pub actions: Vec<String>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<String>,
    #[serde(rename = "unknownPlane")]
    pub unknown_plane: Vec<String>,
}

impl Missing {
    pub fn len(&self) -> usize {
        self.actions.len() + self.data_actions.len() + self.unknown_plane.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Excess operations of one resource type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeExcess {
    pub plane: &'static str,
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    /// Verbs (`read`, `write`, `listKeys/action`, ...), sorted.
    pub operations: Vec<String>,
    /// Category keys any of these operations is in, most severe first.
    pub categories: Vec<String>,
    #[serde(rename = "maxSeverity")]
    pub max_severity: Option<Severity>,
}

/// Excess operations of one category.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryExcess {
    pub key: String,
    pub name: String,
    pub severity: Severity,
    pub count: usize,
    pub actions: Vec<String>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Effective operations of the role (unknown literals included).
    pub granted: PlaneCounts,
    /// Needed operations (unknown names included; `unknownPlane` ones counted on neither plane).
    pub needed: PlaneCounts,
    pub missing: usize,
    pub excess: usize,
    /// Excess operations of high or critical severity.
    #[serde(rename = "highRiskExcess")]
    pub high_risk_excess: usize,
    #[serde(rename = "excessBySeverity")]
    pub excess_by_severity: SeverityCounts,
    /// Risk-weighted size of the excess (see docs/risk.md).
    #[serde(rename = "excessWeight")]
    pub excess_weight: u64,
    /// Nothing missing and nothing in excess.
    #[serde(rename = "leastPrivilege")]
    pub least_privilege: bool,
    /// `fits`, `missing`, `excess`, or `missing-and-excess`.
    pub verdict: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub role: String,
    pub id: Option<String>,
    pub origin: String,
    pub needs: String,
    pub wildcards: &'static str,
    /// Every needed name (catalog spelling; unknown names as written).
    pub needed: Missing,
    pub missing: Missing,
    pub excess: PlaneNames,
    /// Needed operations the role grants only under a condition azrbac does not evaluate.
    #[serde(rename = "conditionallyGranted")]
    pub conditionally_granted: PlaneNames,
    #[serde(rename = "excessByResourceType")]
    pub excess_by_resource_type: Vec<TypeExcess>,
    #[serde(rename = "excessByCategory")]
    pub excess_by_category: Vec<CategoryExcess>,
    pub summary: Summary,
    pub warnings: Vec<String>,
    /// Non-literal values of the role or of role-file needs: the result is a lower bound.
    pub unresolved: Vec<String>,
    pub complete: bool,
}

/// Whether the role grants `name` (a name the catalog does not list) on `plane`, under a
/// condition or not: (granted, only conditionally).
fn grants_unknown(model: &Model, role: &RoleDefinition, name: &str, plane: Plane) -> (bool, bool) {
    match explain(&model.index, role, name, model.mode)
        .into_iter()
        .find(|p| p.plane == plane)
    {
        Some(p) => match p.verdict {
            Verdict::Granted => (true, false),
            Verdict::Conditional => (true, true),
            _ => (false, false),
        },
        None => (false, false),
    }
}

/// Checks a role against resolved needs.
pub fn check(
    model: &Model,
    risk: &RiskModel,
    role: &RoleDefinition,
    needs: &Needs,
    set: &NeedSet,
) -> CheckReport {
    let eff = expand(&model.index, role, model.mode);
    check_with(model, risk, role, &eff, needs, set)
}

/// Checks a role whose expansion is known.
pub fn check_with(
    model: &Model,
    risk: &RiskModel,
    role: &RoleDefinition,
    eff: &Effective,
    needs: &Needs,
    set: &NeedSet,
) -> CheckReport {
    let ix = &model.index;
    let cat = ix.catalog();
    let mut missing = Missing::default();
    let mut excess = PlaneNames::default();
    let mut conditional = PlaneNames::default();

    let mut missing_ops = set.ops.clone();
    missing_ops.difference_with(&eff.granted);
    for id in missing_ops.ones() {
        let op = cat.op(id as OpId);
        if op.plane == Plane::Control {
            missing.actions.push(op.name.clone());
        } else {
            missing.data_actions.push(op.name.clone());
        }
    }
    let mut cond_needed = set.ops.clone();
    cond_needed.intersect_with(&eff.conditional_only);
    for id in cond_needed.ones() {
        let op = cat.op(id as OpId);
        conditional.get_mut(op.plane).push(op.name.clone());
    }
    for plane in Plane::BOTH {
        for name in &set.unknown[plane as usize] {
            match grants_unknown(model, role, name, plane) {
                (false, _) => missing_push(&mut missing, plane, name),
                (true, true) => conditional.get_mut(plane).push(name.clone()),
                (true, false) => {}
            }
        }
    }
    for name in &set.unknown_any {
        let by_plane: Vec<(Plane, (bool, bool))> = Plane::BOTH
            .iter()
            .map(|p| (*p, grants_unknown(model, role, name, *p)))
            .collect();
        let unconditional = by_plane.iter().any(|(_, (g, c))| *g && !*c);
        match by_plane.iter().find(|(_, (g, _))| *g) {
            None => missing.unknown_plane.push(name.clone()),
            Some((p, _)) if !unconditional => conditional.get_mut(*p).push(name.clone()),
            Some(_) => {}
        }
    }

    // Excess: catalog operations granted and not needed, and unknown literal grants that no
    // need names or matches.
    let mut excess_ops = eff.granted.clone();
    excess_ops.difference_with(&set.ops);
    let mut unknown_excess: Vec<(Plane, String)> = Vec::new();
    for plane in Plane::BOTH {
        for u in &eff.unknown[plane as usize] {
            let needed = set.unknown[plane as usize]
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&u.name))
                || set
                    .unknown_any
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&u.name))
                || needs
                    .entries
                    .iter()
                    .any(|e| e.planes().contains(&plane) && e.pattern.matches(&u.name, model.mode));
            if !needed {
                unknown_excess.push((plane, u.name.clone()));
            }
        }
    }
    let grouped = group_excess(model, risk, &excess_ops, &unknown_excess);
    for id in excess_ops.ones() {
        let op = cat.op(id as OpId);
        excess.get_mut(op.plane).push(op.name.clone());
    }
    for (plane, name) in &unknown_excess {
        excess.get_mut(*plane).push(name.clone());
    }
    excess.sort();
    missing.actions.sort_by(|a, b| canonical_cmp(a, b));
    missing.data_actions.sort_by(|a, b| canonical_cmp(a, b));
    conditional.sort();

    let needed = PlaneCounts {
        actions: set.ids(model, Plane::Control).count() + set.unknown[0].len(),
        data_actions: set.ids(model, Plane::Data).count() + set.unknown[1].len(),
    };
    let granted = PlaneCounts {
        actions: eff.count(ix, Plane::Control) + eff.unknown[0].len(),
        data_actions: eff.count(ix, Plane::Data) + eff.unknown[1].len(),
    };
    let verdict = match (missing.is_empty(), excess.is_empty()) {
        (true, true) => "fits",
        (false, true) => "missing",
        (true, false) => "excess",
        (false, false) => "missing-and-excess",
    };
    let summary = Summary {
        granted,
        needed,
        missing: missing.len(),
        excess: excess.len(),
        high_risk_excess: grouped.by_severity.high_risk(),
        excess_by_severity: grouped.by_severity,
        excess_weight: grouped.weight,
        least_privilege: missing.is_empty() && excess.is_empty(),
        verdict,
    };
    let mut unresolved = role.unresolved.clone();
    unresolved.extend(set.unresolved.iter().cloned());
    let mut warnings = set.warnings.clone();
    if role.has_condition() {
        warnings.push(format!(
            "{}: the role carries a condition azrbac does not evaluate; conditional grants are counted as granted",
            role.label()
        ));
    }
    CheckReport {
        schema_version: 1,
        role: role.label(),
        id: role.guid.clone().or_else(|| role.id.clone()),
        origin: role.origin.clone(),
        needs: needs.origin.clone(),
        wildcards: model.mode.as_str(),
        needed: Missing {
            actions: set.names(model, Plane::Control),
            data_actions: set.names(model, Plane::Data),
            unknown_plane: set.unknown_any.clone(),
        },
        missing,
        excess,
        conditionally_granted: conditional,
        excess_by_resource_type: grouped.by_type,
        excess_by_category: grouped.by_category,
        summary,
        warnings,
        complete: unresolved.is_empty(),
        unresolved,
    }
}

fn missing_push(m: &mut Missing, plane: Plane, name: &str) {
    match plane {
        Plane::Control => m.actions.push(name.to_string()),
        Plane::Data => m.data_actions.push(name.to_string()),
    }
}

/// The excess grouped by resource type and by category, with severity counts and weight.
pub struct GroupedExcess {
    pub by_type: Vec<TypeExcess>,
    pub by_category: Vec<CategoryExcess>,
    pub by_severity: SeverityCounts,
    pub weight: u64,
}

/// Groups excess operations (catalog ids and unknown literal names).
pub fn group_excess(
    model: &Model,
    risk: &RiskModel,
    ops: &FixedBitSet,
    unknown: &[(Plane, String)],
) -> GroupedExcess {
    let cat = model.index.catalog();
    let ncat = risk.taxonomy.categories().len();
    let mut by_cat: Vec<PlaneNames> = vec![PlaneNames::default(); ncat];
    // (plane, sort key of resource type) -> (resource type, verbs, categories)
    type Groups = BTreeMap<(Plane, Vec<u8>), (String, Vec<String>, Vec<usize>)>;
    let mut groups: Groups = BTreeMap::new();
    let mut by_severity = SeverityCounts::default();
    let mut weight = 0u64;
    let items = ops
        .ones()
        .map(|id| {
            let id = id as OpId;
            (
                cat.op(id).plane,
                cat.name(id).to_string(),
                risk.categories(id).to_vec(),
            )
        })
        .chain(
            unknown
                .iter()
                .map(|(p, n)| (*p, n.clone(), risk.classify_name(model, n, *p))),
        );
    for (plane, name, cats) in items {
        let sev = risk.taxonomy.max_severity_of(&cats);
        if let Some(s) = sev {
            by_severity.add(s);
        }
        weight += super::risk::weight_of(sev);
        for c in &cats {
            by_cat[*c].get_mut(plane).push(name.clone());
        }
        let rt = resource_type_of(&name).to_string();
        let verb = name.get(rt.len() + 1..).unwrap_or("").to_string();
        let key: Vec<u8> = rt.bytes().map(sort_byte).collect();
        let g = groups
            .entry((plane, key))
            .or_insert_with(|| (rt, Vec::new(), Vec::new()));
        g.1.push(verb);
        for c in cats {
            if !g.2.contains(&c) {
                g.2.push(c);
            }
        }
    }
    let by_type = groups
        .into_iter()
        .map(|((plane, _), (rt, mut verbs, mut cats))| {
            verbs.sort_by(|a, b| canonical_cmp(a, b));
            severity_order(risk, &mut cats);
            TypeExcess {
                plane: plane.as_str(),
                resource_type: rt,
                operations: verbs,
                max_severity: risk.taxonomy.max_severity_of(&cats),
                categories: risk.keys(&cats),
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..ncat).collect();
    severity_order(risk, &mut order);
    let by_category = order
        .into_iter()
        .filter_map(|c| {
            let mut names = std::mem::take(&mut by_cat[c]);
            if names.is_empty() {
                return None;
            }
            names.sort();
            let def = risk.taxonomy.category(c);
            Some(CategoryExcess {
                key: def.key.clone(),
                name: def.name.clone(),
                severity: def.severity,
                count: names.len(),
                actions: names.actions,
                data_actions: names.data_actions,
            })
        })
        .collect();
    GroupedExcess {
        by_type,
        by_category,
        by_severity,
        weight,
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
