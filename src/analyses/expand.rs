//! The `expand` analysis: a role's effective operations in the stable JSON contract.

use crate::data::Model;
use crate::effective::{Effective, expand};
use crate::model::catalog::canonical_cmp;
use crate::model::{Plane, RoleDefinition};
use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub actions: usize,
    #[serde(rename = "dataActions")]
    pub data_actions: usize,
}

/// One role's expansion. `N` is how the (many) effective operation names are held: owned
/// `String`s by default, or names borrowed from the catalog ([`expand_role_borrowed`]) when a
/// large output is streamed.
#[derive(Debug, Clone, Serialize)]
pub struct RoleExpansion<N = String> {
    pub name: String,
    /// The role's GUID when known, else its id as written.
    pub id: Option<String>,
    pub origin: String,
    /// Every effective control-plane operation (catalog spelling; unknown literals as written).
    pub actions: Vec<N>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<N>,
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
    let (e, eff) = expand_role_borrowed(model, role);
    let owned = |v: Vec<Cow<'_, str>>| v.into_iter().map(Cow::into_owned).collect();
    let exp = RoleExpansion {
        name: e.name,
        id: e.id,
        origin: e.origin,
        actions: owned(e.actions),
        data_actions: owned(e.data_actions),
        unknown: e.unknown,
        unknown_actions: e.unknown_actions,
        unknown_data_actions: e.unknown_data_actions,
        conditional: e.conditional,
        conditional_actions: e.conditional_actions,
        conditional_data_actions: e.conditional_data_actions,
        counts: e.counts,
        unresolved: e.unresolved,
        complete: e.complete,
    };
    (exp, eff)
}

/// [`expand_role`] with the operation names borrowed from the model's catalog.
pub fn expand_role_borrowed<'a>(
    model: &'a Model,
    role: &RoleDefinition,
) -> (RoleExpansion<Cow<'a, str>>, Effective) {
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
    let actions = eff.names_borrowed(ix, Plane::Control);
    let data_actions = eff.names_borrowed(ix, Plane::Data);
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
