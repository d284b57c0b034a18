//! `generate`: the smallest custom role that grants exactly a requirement, in explicit form
//! (every operation by name) or compact form (exact wildcards, see [`compact`]).

pub mod compact;
pub mod levels;
pub mod requirement;
#[cfg(test)]
pub(crate) mod roundtrip_tests;

pub use requirement::Requirement;

use crate::graph::Index;
use crate::model::catalog::canonical_cmp;
use crate::model::{
    Entry, Field, OpId, PermissionBlock, Plane, RoleDefinition, RoleFormat, WildcardMode,
};
use compact::compact_plane;
use serde::Serialize;

/// What the role is called and where it may be assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSpec {
    pub name: String,
    pub description: String,
    pub assignable_scopes: Vec<String>,
    /// Lines the Bicep and Terraform forms carry as comments (a scenario's assumptions and
    /// where else it must be assigned).
    pub notes: Vec<String>,
}

/// One wildcard entry of a compact role, for the stderr note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WildcardEntry {
    pub entry: String,
    pub plane: &'static str,
    /// Catalog operations it matches today (all of them needed).
    pub matches: usize,
}

/// A needed name the catalog does not list, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownNeed {
    pub name: String,
    pub plane: &'static str,
    pub suggestion: Option<String>,
}

/// A generated custom role. `NotActions`/`NotDataActions` are always empty: the role lists
/// what it grants and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedRole {
    pub name: String,
    /// A GUID derived from the name and the first assignable scope ([`role_guid`]), used as
    /// the resource name in ARM and Bicep so that redeploying updates the same role.
    pub guid: String,
    pub description: String,
    pub assignable_scopes: Vec<String>,
    pub actions: Vec<String>,
    pub data_actions: Vec<String>,
    pub wildcards: Vec<WildcardEntry>,
    pub unknown: Vec<UnknownNeed>,
    pub compact: bool,
    /// Comment lines for the forms that allow comments.
    pub notes: Vec<String>,
}

impl GeneratedRole {
    /// The entries of one plane's grant list.
    pub fn list(&self, plane: Plane) -> &[String] {
        match plane {
            Plane::Control => &self.actions,
            Plane::Data => &self.data_actions,
        }
    }

    /// The role as the typed model (for expansion, lint and round-trip checks).
    pub fn to_role_definition(&self, origin: &str) -> RoleDefinition {
        let mut role = RoleDefinition::empty(RoleFormat::CliInput, origin, "");
        role.name = Some(self.name.clone());
        role.description = Some(self.description.clone());
        role.is_custom = Some(true);
        role.assignable_scopes = self
            .assignable_scopes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), format!("/AssignableScopes/{i}")))
            .collect();
        let mut block = PermissionBlock::default();
        for plane in Plane::BOTH {
            let field = Field::grant(plane);
            let list = block.list_mut(field);
            for (i, text) in self.list(plane).iter().enumerate() {
                if let Ok(pattern) = crate::model::Pattern::parse(text) {
                    list.push(Entry {
                        raw: text.clone(),
                        pattern,
                        pointer: format!("/{}/{i}", field.name()),
                    });
                }
            }
        }
        role.permissions.push(block);
        role
    }
}

/// Builds the role granting exactly `req`: operation names in canonical order, or with
/// `compact` the fewest exact wildcards [`compact_plane`] finds. Unknown names are kept as
/// written, each with a "did you mean" from the same provider's operations.
pub fn generate(
    index: &Index,
    mode: WildcardMode,
    req: &Requirement,
    spec: &RoleSpec,
    compact: bool,
) -> GeneratedRole {
    let cat = index.catalog();
    let mut lists: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let mut wildcards = Vec::new();
    for plane in Plane::BOTH {
        let list = &mut lists[plane as usize];
        // Operations a kept wildcard grants are not listed again.
        let mut ids = req.ids.clone();
        for k in &req.kept[plane as usize] {
            if let Ok(p) = crate::model::Pattern::parse(k) {
                ids.difference_with(&index.resolve(&p, plane, mode));
            }
            wildcards.push(WildcardEntry {
                entry: k.clone(),
                plane: plane.as_str(),
                matches: crate::model::Pattern::parse(k)
                    .map(|p| index.resolve(&p, plane, mode).count_ones(..))
                    .unwrap_or(0),
            });
            list.push(k.clone());
        }
        if compact {
            for e in compact_plane(index, mode, plane, &ids) {
                if e.wildcard {
                    wildcards.push(WildcardEntry {
                        entry: e.text.clone(),
                        plane: plane.as_str(),
                        matches: e.matches,
                    });
                }
                list.push(e.text);
            }
        } else {
            list.extend(
                index
                    .plane_ids(&ids, plane)
                    .map(|id| cat.name(id).to_string()),
            );
        }
        list.extend(req.unknown[plane as usize].iter().cloned());
        list.sort_by(|a, b| canonical_cmp(a, b));
    }
    let unknown = Plane::BOTH
        .iter()
        .flat_map(|p| req.unknown[*p as usize].iter().map(move |n| (*p, n)))
        .map(|(plane, name)| UnknownNeed {
            name: name.clone(),
            plane: plane.as_str(),
            suggestion: suggest(index, plane, name),
        })
        .collect();
    let [actions, data_actions] = lists;
    GeneratedRole {
        // The first scope in canonical order, so that listing the scopes in another order
        // keeps the GUID (a new GUID under the same name would clash in Azure).
        guid: role_guid(
            &spec.name,
            spec.assignable_scopes
                .iter()
                .min_by_key(|s| s.to_ascii_lowercase())
                .map_or("", String::as_str),
        ),
        name: spec.name.clone(),
        description: spec.description.clone(),
        assignable_scopes: spec.assignable_scopes.clone(),
        actions,
        data_actions,
        wildcards,
        unknown,
        compact,
        notes: spec.notes.clone(),
    }
}

/// Operations a generated role grants under Azure's own wildcard rule (`/*/` also matching a
/// single `/`) beyond the needs: empty unless the role was compacted with `--wildcards literal`.
pub fn extra_under_azure(index: &Index, role: &GeneratedRole, req: &Requirement) -> Vec<String> {
    let eff = crate::effective::expand(
        index,
        &role.to_role_definition("generated"),
        WildcardMode::Azure,
    );
    let mut extra = eff.granted.clone();
    extra.difference_with(&req.ids);
    extra
        .ones()
        .map(|id| index.catalog().name(id as OpId).to_string())
        .collect()
}

/// A deterministic GUID for a role: FNV-1a (128-bit) of the lower-cased name and scope,
/// shaped as an RFC 9562 version-8 (custom) UUID. The same role in the same scope always gets
/// the same GUID; a different name or scope gets another.
pub fn role_guid(name: &str, scope: &str) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    let key = format!(
        "{}\n{}",
        name.trim().to_lowercase(),
        scope.trim().to_ascii_lowercase()
    );
    for b in key.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    // Version 8 in bits 76..80, variant 0b10 in bits 62..64.
    h = (h & !(0xf << 76)) | (0x8 << 76);
    h = (h & !(0x3 << 62)) | (0x2 << 62);
    let x = format!("{h:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

/// The closest catalog operation of the same plane, searched within the name's provider
/// namespace when the catalog knows it (all operations otherwise).
pub fn suggest(index: &Index, plane: Plane, name: &str) -> Option<String> {
    crate::analyses::suggest::operation(index, plane, name)
}

/// Checks an assignable scope for a custom role: a management group, subscription, resource
/// group or resource id; never `/`, never a wildcard, never placeholder text.
pub fn validate_scope(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("empty assignable scope".into());
    }
    if s == "/" {
        return Err("`/` (the root scope) is reserved for built-in roles; name a management group, subscription or resource group".into());
    }
    if s.contains('*') {
        return Err(format!("`{s}`: assignable scopes cannot contain wildcards"));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{s}`: assignable scopes cannot contain whitespace"
        ));
    }
    if s.contains(['{', '}', '<', '>']) {
        return Err(format!(
            "`{s}` looks like a placeholder; put the real id in"
        ));
    }
    let lower = s.to_ascii_lowercase();
    let segs: Vec<&str> = lower.trim_end_matches('/').split('/').collect();
    let ok = match segs.as_slice() {
        [
            "",
            "providers",
            "microsoft.management",
            "managementgroups",
            g,
        ] => !g.is_empty(),
        ["", "subscriptions", sub, rest @ ..] => {
            !sub.is_empty()
                && match rest {
                    [] => true,
                    ["resourcegroups", rg, more @ ..] => {
                        !rg.is_empty() && (more.is_empty() || more.len() >= 4)
                    }
                    _ => false,
                }
        }
        _ => false,
    };
    if !ok {
        return Err(format!(
            "`{s}` is not a management group, subscription, resource group or resource id \
             (e.g. /subscriptions/<id> or /subscriptions/<id>/resourceGroups/<name>)"
        ));
    }
    Ok(s.trim_end_matches('/').to_string())
}

/// Whether a scope names a management group.
pub fn is_management_group(scope: &str) -> bool {
    scope
        .to_ascii_lowercase()
        .starts_with("/providers/microsoft.management/managementgroups/")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        assert_eq!(
            validate_scope("/subscriptions/abc/").unwrap(),
            "/subscriptions/abc"
        );
        assert!(validate_scope("/subscriptions/abc/resourceGroups/rg").is_ok());
        assert!(
            validate_scope("/subscriptions/a/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w").is_ok()
        );
        assert!(validate_scope("/providers/Microsoft.Management/managementGroups/mg").is_ok());
        assert!(validate_scope("/").is_err());
        assert!(validate_scope("/subscriptions/*").is_err());
        assert!(validate_scope("/subscriptions/<subscriptionId>").is_err());
        assert!(validate_scope("subscriptions/x").is_err());
        assert!(validate_scope("/subscriptions/x/resourceGroups").is_err());
        assert!(validate_scope("/subscriptions/x/foo").is_err());
        assert!(is_management_group(
            "/providers/microsoft.management/managementGroups/x"
        ));
    }
}
