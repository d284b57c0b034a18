//! The keys each inventory object may carry: the ones azrbac reads and the ones real exports
//! add, so that a misspelt key (`excludedPrincipals`, `doNotApplyToChildScope`) is an input
//! error with a suggestion instead of a field silently not applied.
//!
//! ARM objects (role assignments, deny assignments, management-group entities) are checked
//! against closed lists. Microsoft Graph directory objects (groups and their members) carry
//! a hundred or more properties, which change between Graph versions; for them only a key
//! that is a near miss of a key azrbac reads (`member`, `Members `) is an error.

use crate::error::did_you_mean;

/// Columns and wrapper keys every ARM resource or Resource Graph row may carry.
const ARM_COMMON: &[&str] = &[
    "id",
    "name",
    "type",
    "properties",
    "systemData",
    "tenantId",
    "subscriptionId",
    "resourceGroup",
    "kind",
    "location",
    "managedBy",
    "sku",
    "plan",
    "tags",
    "identity",
    "zones",
    "extendedLocation",
    "etag",
    "apiVersion",
];

/// Keys of a role assignment that azrbac reads.
pub const ASSIGNMENT_READ: &[&str] = &[
    "principalId",
    "principalType",
    "principalName",
    "roleDefinitionId",
    "roleDefinitionName",
    "scope",
    "condition",
];

/// Keys of a role assignment that `az role assignment list`, the REST API and Resource Graph
/// add and azrbac does not need.
const ASSIGNMENT_OTHER: &[&str] = &[
    "conditionVersion",
    "canDelegate",
    "createdBy",
    "createdOn",
    "updatedBy",
    "updatedOn",
    "delegatedManagedIdentityResourceId",
    "description",
    "principalEmail",
];

/// Keys of a deny assignment (the REST `properties`, or PowerShell's flat object).
const DENY_READ: &[&str] = &[
    "denyAssignmentName",
    "denyAssignmentId",
    "permissions",
    "actions",
    "notActions",
    "dataActions",
    "notDataActions",
    "scope",
    "doNotApplyToChildScopes",
    "principals",
    "excludePrincipals",
    "condition",
];

const DENY_OTHER: &[&str] = &[
    "description",
    "isSystemProtected",
    "denyAssignmentEffect",
    "conditionVersion",
    "createdOn",
    "updatedOn",
    "createdBy",
    "updatedBy",
];

/// Keys of a deny assignment's `principals` / `excludePrincipals` entry.
pub const DENY_PRINCIPAL: &[&str] = &[
    "id",
    "type",
    "displayName",
    "objectType",
    "signInName",
    "email",
];

/// Keys of a management-group entity (`entities list`, REST, `show --expand --recurse`).
const MG_KEYS: &[&str] = &[
    "parent",
    "details",
    "children",
    "displayName",
    "permissions",
    "inheritedPermissions",
    "numberOfDescendants",
    "numberOfChildren",
    "numberOfChildGroups",
    "parentDisplayNameChain",
    "parentNameChain",
    "state",
    "subscriptionPolicies",
    "managedByTenants",
    "managementGroupAncestorsChain",
    "authorizationSource",
];

/// Keys of a management group's `details`.
pub const MG_DETAILS: &[&str] = &[
    "parent",
    "updatedBy",
    "updatedTime",
    "version",
    "path",
    "managementGroupAncestors",
    "managementGroupAncestorsChain",
];

/// Keys of a directory object (group or member) that azrbac reads; near misses of these are
/// errors, other keys are Graph properties azrbac does not need.
pub const DIRECTORY_READ: &[&str] = &[
    "id",
    "@odata.type",
    "objectType",
    "type",
    "displayName",
    "userPrincipalName",
];

/// Graph properties and relations that are close to a key azrbac reads but are not it.
const DIRECTORY_KNOWN: &[&str] = &[
    "memberOf",
    "transitiveMembers",
    "transitiveMemberOf",
    "owners",
    "appId",
    "userType",
    "onPremisesUserPrincipalName",
    "odata.type",
    "@odata.id",
    "@odata.context",
    "deletedDateTime",
];

/// The kinds of inventory object whose keys are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// A role assignment, at the top level (`nested` false) or inside `properties`.
    Assignment {
        nested: bool,
    },
    /// A deny assignment's `properties` or PowerShell flat object.
    DenyProperties,
    /// A deny assignment's ARM wrapper (`id`, `name`, `properties`, ...).
    DenyWrapper,
    DenyPrincipal,
    ManagementGroup,
    ManagementGroupDetails,
    /// A group (`members` besides the directory keys) or a member.
    Directory {
        group: bool,
    },
}

impl ObjectKind {
    pub fn what(self) -> &'static str {
        match self {
            ObjectKind::Assignment { nested: false } => "role assignment",
            ObjectKind::Assignment { nested: true } => "role assignment properties",
            ObjectKind::DenyProperties => "deny assignment",
            ObjectKind::DenyWrapper => "deny assignment",
            ObjectKind::DenyPrincipal => "deny assignment principal",
            ObjectKind::ManagementGroup => "management-group entity",
            ObjectKind::ManagementGroupDetails => "management-group details",
            ObjectKind::Directory { group: true } => "group",
            ObjectKind::Directory { group: false } => "group member",
        }
    }

    fn lists(self) -> Vec<&'static [&'static str]> {
        match self {
            ObjectKind::Assignment { nested: false } => {
                vec![ARM_COMMON, ASSIGNMENT_READ, ASSIGNMENT_OTHER]
            }
            ObjectKind::Assignment { nested: true } => vec![ASSIGNMENT_READ, ASSIGNMENT_OTHER],
            ObjectKind::DenyProperties => vec![ARM_COMMON, DENY_READ, DENY_OTHER],
            ObjectKind::DenyWrapper => vec![ARM_COMMON],
            ObjectKind::DenyPrincipal => vec![DENY_PRINCIPAL],
            ObjectKind::ManagementGroup => vec![ARM_COMMON, MG_KEYS],
            ObjectKind::ManagementGroupDetails => vec![MG_DETAILS],
            ObjectKind::Directory { .. } => vec![DIRECTORY_READ, DIRECTORY_KNOWN],
        }
    }
}

/// Keys longer than this are not compared for suggestions (no key azrbac knows is near).
const MAX_SUGGEST_LEN: usize = 64;

/// Checks one key of an object: `Err(message)` when it is not accepted there.
pub fn check_key(kind: ObjectKind, key: &str) -> Result<(), String> {
    let lists = kind.lists();
    let known = |k: &str| {
        lists
            .iter()
            .any(|l| l.iter().any(|a| a.eq_ignore_ascii_case(k)))
    };
    if known(key) {
        return Ok(());
    }
    let is_group = matches!(kind, ObjectKind::Directory { group: true });
    if is_group && key.eq_ignore_ascii_case("members") {
        return Ok(());
    }
    // A Graph paging link inside an object (`members@odata.nextLink`) is reported by the
    // readers themselves.
    if key.to_ascii_lowercase().ends_with("@odata.nextlink") {
        return Ok(());
    }
    let candidates = || lists.iter().flat_map(|l| l.iter().copied());
    let hint = if key.len() <= MAX_SUGGEST_LEN {
        let mut all: Vec<&str> = candidates().collect();
        if is_group {
            all.push("members");
        }
        did_you_mean(key, all)
    } else {
        None
    };
    if let ObjectKind::Directory { .. } = kind {
        // Any other Graph property is fine; only a near miss of a key azrbac reads is not.
        let read_hit =
            hint.filter(|h| DIRECTORY_READ.iter().any(|r| r == h) || (is_group && *h == "members"));
        return match read_hit {
            Some(h) => Err(format!(
                "unknown field `{}` in {} (did you mean `{h}`?)",
                crate::text::escape(key),
                kind.what()
            )),
            None => Ok(()),
        };
    }
    let hint = hint
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Err(format!(
        "unknown field `{}` in {}{hint}",
        crate::text::escape(key),
        kind.what()
    ))
}

/// Checks every key of an object, as an input error naming the file and the object.
pub fn check_obj(obj: &crate::model::json::Obj<'_>, kind: ObjectKind) -> crate::error::Result<()> {
    for k in obj.keys() {
        check_key(kind, k).map_err(|m| crate::error::Error::shape(obj.origin, &obj.pointer, m))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_deny_fields_are_errors_with_a_suggestion() {
        let e = check_key(ObjectKind::DenyProperties, "excludedPrincipals").unwrap_err();
        assert!(e.contains("did you mean `excludePrincipals`"), "{e}");
        let e = check_key(ObjectKind::DenyProperties, "doNotApplyToChildScope").unwrap_err();
        assert!(e.contains("did you mean `doNotApplyToChildScopes`"), "{e}");
        assert!(check_key(ObjectKind::DenyProperties, "DoNotApplyToChildScopes").is_ok());
        assert!(check_key(ObjectKind::DenyProperties, "denyAssignmentEffect").is_ok());
    }

    #[test]
    fn assignment_export_columns_are_accepted() {
        for k in [
            "canDelegate",
            "createdOn",
            "tenantId",
            "resourceGroup",
            "PrincipalId",
        ] {
            assert!(
                check_key(ObjectKind::Assignment { nested: false }, k).is_ok(),
                "{k}"
            );
        }
        let e = check_key(ObjectKind::Assignment { nested: false }, "principalID2").unwrap_err();
        assert!(e.contains("principalId"), "{e}");
        assert!(check_key(ObjectKind::Assignment { nested: true }, "tenantId").is_err());
    }

    #[test]
    fn directory_objects_accept_graph_properties_but_not_near_misses() {
        let member = ObjectKind::Directory { group: false };
        let group = ObjectKind::Directory { group: true };
        for k in [
            "givenName",
            "mail",
            "jobTitle",
            "accountEnabled",
            "memberOf",
            "appId",
        ] {
            assert!(check_key(member, k).is_ok(), "{k}");
        }
        assert!(check_key(group, "member").is_err());
        assert!(check_key(group, "transitiveMembers").is_ok());
        assert!(check_key(member, "displayNam").is_err());
    }

    #[test]
    fn huge_keys_are_checked_without_a_suggestion() {
        let k = "k".repeat(1_000_000);
        let e = check_key(ObjectKind::DenyProperties, &k).unwrap_err();
        assert!(!e.contains("did you mean"));
    }
}
