//! The `expand` analysis: a role's effective operations in the stable JSON contract.

use crate::data::Model;
use crate::effective::{Effective, expand};
use crate::model::catalog::canonical_cmp;
use crate::model::{Plane, RoleDefinition};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub actions: usize,
    #[serde(rename = "dataActions")]
    pub data_actions: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleExpansion {
    pub name: String,
    /// The role's GUID when known, else its id as written.
    pub id: Option<String>,
    pub origin: String,
    /// Every effective control-plane operation (catalog spelling; unknown literals as written).
    pub actions: Vec<String>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<String>,
    /// Literal entries the catalog does not list (granted exactly as written), both planes.
    pub unknown: Vec<String>,
    #[serde(rename = "unknownActions")]
    pub unknown_actions: Vec<String>,
    #[serde(rename = "unknownDataActions")]
    pub unknown_data_actions: Vec<String>,
    /// True when any block (or the role) carries a condition, which azrbac does not evaluate.
    pub conditional: bool,
    #[serde(rename = "conditionalActions")]
    pub conditional_actions: Vec<String>,
    #[serde(rename = "conditionalDataActions")]
    pub conditional_data_actions: Vec<String>,
    pub counts: Counts,
    /// Values that are not literals (ARM expressions, Terraform variables); non-empty means
    /// the expansion is a lower bound.
    pub unresolved: Vec<String>,
    pub complete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExpandReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub wildcards: &'static str,
    #[serde(rename = "catalogDate")]
    pub catalog_date: String,
    pub roles: Vec<RoleExpansion>,
}

/// Expands one role into the report form.
pub fn expand_role(model: &Model, role: &RoleDefinition) -> (RoleExpansion, Effective) {
    let eff = expand(&model.index, role, model.mode);
    let ix = &model.index;
    let unknown_actions: Vec<String> = eff.unknown[0].iter().map(|u| u.name.clone()).collect();
    let unknown_data_actions: Vec<String> = eff.unknown[1].iter().map(|u| u.name.clone()).collect();
    let mut unknown: Vec<String> = unknown_actions
        .iter()
        .chain(&unknown_data_actions)
        .cloned()
        .collect();
    unknown.sort_by(|a, b| canonical_cmp(a, b));
    unknown.dedup();
    let actions = eff.names(ix, Plane::Control);
    let data_actions = eff.names(ix, Plane::Data);
    let exp = RoleExpansion {
        name: role.label(),
        id: role.guid.clone().or_else(|| role.id.clone()),
        origin: role.origin.clone(),
        counts: Counts {
            actions: actions.len(),
            data_actions: data_actions.len(),
        },
        actions,
        data_actions,
        unknown,
        unknown_actions,
        unknown_data_actions,
        conditional: role.has_condition(),
        conditional_actions: eff.conditional_names(ix, Plane::Control),
        conditional_data_actions: eff.conditional_names(ix, Plane::Data),
        unresolved: role.unresolved.clone(),
        complete: role.unresolved.is_empty(),
    };
    (exp, eff)
}

pub fn expand_roles(model: &Model, roles: &[&RoleDefinition]) -> ExpandReport {
    ExpandReport {
        schema_version: 1,
        wildcards: model.mode.as_str(),
        catalog_date: model.index.catalog().provenance.source_date.clone(),
        roles: roles.iter().map(|r| expand_role(model, r).0).collect(),
    }
}
