//! Who can do what: effective access over a tenant inventory (spec section 2.4-2.7, 2.9).
//!
//! - [`AccessIndex`] resolves and expands every assigned role once and buckets assignments
//!   and deny assignments by scope; a query touches only the scopes on its path to `/`.
//! - [`who_can`] answers "who can perform OPERATION at SCOPE", with derivation chains.
//! - [`access_of`] answers "what can PRINCIPAL do at SCOPE".
//! - [`naive`] evaluates the same rules by brute force (the baseline tests compare against).
//! - [`synth`] generates synthetic tenants in the real export shapes.

pub mod conditions;
mod index;
mod many;
pub mod naive;
mod principal;
pub mod synth;
mod verdict;
mod who_can;

pub use index::{AccessIndex, Csr, Marks, ResolvedRole, RoleSource, closure};
pub use many::{Engine, Many, ManyChain, ManyPrincipal, OpGroup, who_can_many, who_can_many_with};
pub use principal::{AccessAnswer, OpAccess, access_everywhere, access_of, find_principal};
pub use verdict::{OpQuery, role_verdicts};
pub use who_can::{
    Answer, DenyHit, Grant, SetChain, SetPrincipal, SetsAnswer, Unevaluated, WhoCan, who_can,
    who_can_query, who_can_sets,
};

use crate::model::assignment::PrincipalType;
use crate::model::inventory::InputKind;
use crate::model::scope::{ScopeKind, ScopePath};

/// Something an answer must say: a missing input, an unevaluated condition, an unknown
/// definition. `incomplete` warnings make the answer's `complete` false.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub text: String,
    pub incomplete: bool,
}

impl Warning {
    pub fn incomplete(text: impl Into<String>) -> Warning {
        Warning {
            text: text.into(),
            incomplete: true,
        }
    }
    pub fn note(text: impl Into<String>) -> Warning {
        Warning {
            text: text.into(),
            incomplete: false,
        }
    }
}

/// "1 role assignment", "3 role assignments".
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Warnings every answer carries: missing kinds of input, reading notes, and management
/// groups the export does not place although assignments sit on them.
pub fn input_warnings(ix: &AccessIndex) -> Vec<Warning> {
    let mut out = Vec::new();
    for k in InputKind::ALL {
        if !ix.inv.has(k) {
            out.push(Warning::incomplete(k.missing_statement()));
        }
    }
    for k in InputKind::PIM {
        if !ix.inv.has(k) {
            out.push(Warning::note(k.missing_statement()));
        }
    }
    if !ix.pim_unmatched.is_empty() {
        out.push(Warning::incomplete(format!(
            "{} in force {} no role assignment in the role assignment export (by `originRoleAssignmentId`): the export may be older than the PIM export, and access through {} is not shown",
            plural(ix.pim_unmatched.len(), "active PIM assignment"),
            if ix.pim_unmatched.len() == 1 { "matches" } else { "match" },
            if ix.pim_unmatched.len() == 1 { "it" } else { "them" }
        )));
    }
    for n in &ix.inv.notes {
        out.push(Warning::note(n.clone()));
    }
    for g in &ix.inv.gaps {
        out.push(Warning::incomplete(g.clone()));
    }
    // Assignments and denies at scope ids azrbac cannot place (`/subscription/x`, free text)
    // apply nowhere in the tree: say so rather than drop them (found by an audit).
    {
        let s = &ix.inv.scopes;
        let odd: Vec<u32> = (0..s.len() as u32)
            .filter(|i| s.node(*i).kind == ScopeKind::Unrecognised)
            .collect();
        let assignments: usize = odd.iter().map(|i| ix.assignments_at(*i).len()).sum();
        let denies: usize = odd.iter().map(|i| ix.denies_at(*i).len()).sum();
        if assignments + denies > 0 {
            // The least id in text order, so the answer does not depend on input order.
            let first = odd
                .iter()
                .filter(|i| !ix.assignments_at(**i).is_empty() || !ix.denies_at(**i).is_empty())
                .map(|i| s.display(*i))
                .min()
                .unwrap_or_default();
            let what = match (assignments, denies) {
                (a, 0) => plural(a, "role assignment"),
                (0, d) => plural(d, "deny assignment"),
                (a, d) => format!(
                    "{} and {}",
                    plural(a, "role assignment"),
                    plural(d, "deny assignment")
                ),
            };
            let verb = if assignments + denies == 1 {
                "sits"
            } else {
                "sit"
            };
            out.push(Warning::incomplete(format!(
                "{what} {verb} at scopes that are not a management group, subscription, resource group or resource id (such as `{first}`): they have no place in the scope tree, so no other scope inherits them"
            )));
        }
    }
    if ix.inv.has(InputKind::ManagementGroups) {
        let s = &ix.inv.scopes;
        let stray: usize = (0..s.len() as u32)
            .filter(|i| s.node(*i).kind == ScopeKind::ManagementGroup && !s.node(*i).placed)
            .map(|i| ix.assignments_at(i).len())
            .sum();
        if stray > 0 {
            out.push(Warning::incomplete(format!(
                "{} at management groups the management-group export does not list: they apply only where the hierarchy is known",
                plural(stray, "role assignment")
            )));
        }
    }
    out
}

/// Warnings for a deny assignment whose principals or exclusions may be groups azrbac has no
/// members for (the group export is supplied but does not list them): whom the deny stops, or
/// spares, is then unknown.
pub fn deny_group_warnings(ix: &AccessIndex, d: u32) -> Vec<Warning> {
    let mut out = Vec::new();
    if !ix.inv.has(InputKind::Groups) {
        return out;
    }
    let da = &ix.inv.denies[d as usize];
    let deny = da.name.as_deref().unwrap_or(&da.id);
    for (list, names) in [(&da.principals, true), (&da.exclude, false)] {
        for &p in list {
            let pr = ix.inv.principals.get(p);
            if ix.inv.group(p).is_some() {
                continue;
            }
            let what = if pr.kind.is_group() {
                "group"
            } else if pr.kind == PrincipalType::Unknown {
                "principal of unknown type (perhaps a group)"
            } else {
                continue;
            };
            let label = ix.principal_label(p);
            let shown = if label == &*pr.id {
                label.to_string()
            } else {
                format!("{label} ({})", pr.id)
            };
            let (verb, effect) = if names {
                (
                    "names",
                    "its members are not known to be stopped (answers may overstate access)",
                )
            } else {
                (
                    "excludes",
                    "its members are not known to be spared (answers may understate access)",
                )
            };
            out.push(Warning::incomplete(format!(
                "deny assignment {deny} {verb} {what} {shown}, which is not in the group export: {effect}"
            )));
        }
    }
    out
}

/// Warnings about where a query scope sits.
pub fn path_warnings(ix: &AccessIndex, path: &ScopePath) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Some(t) = &path.unplaced_text {
        out.push(Warning::incomplete(format!(
            "{t} appears in no input: its place under management groups is unknown, so grants at management groups are not applied to it"
        )));
    } else if let Some(n) = path.unplaced
        && ix.inv.has(InputKind::ManagementGroups)
    {
        out.push(Warning::incomplete(format!(
            "{} is not placed by the management-group export: grants at management groups above it are not applied",
            ix.inv.scopes.display(n)
        )));
    }
    if path.kind == ScopeKind::Unrecognised {
        out.push(Warning::incomplete(format!(
            "`{}` is not a scope azrbac recognises (/, a management group, subscription, resource group or resource): only assignments at it and at `/` are considered",
            path.display
        )));
    }
    out
}

#[cfg(test)]
mod robust_tests;
#[cfg(test)]
mod tests;
