//! Unit tests of the inventory readers: every accepted shape, and errors that name the place.

use super::*;
use crate::model::assignment::PrincipalType;
use crate::model::scope::ScopeKind;

fn none(_: usize) {}

const SUB: &str = "11111111-1111-1111-1111-111111111111";
const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

fn cli_row(name: &str, principal: &str, scope: &str) -> String {
    format!(
        r#"{{"canDelegate": null, "condition": null, "conditionVersion": null, "description": null,
        "id": "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}", "name": "{name}",
        "principalId": "{principal}", "principalName": "alice@contoso.com", "principalType": "User",
        "roleDefinitionId": "/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}",
        "roleDefinitionName": "Reader", "scope": "{scope}", "type": "Microsoft.Authorization/roleAssignments"}}"#
    )
}

#[test]
fn assignments_in_three_shapes() {
    let scope = format!("/subscriptions/{SUB}/resourceGroups/rg");
    let cli = format!(
        "[{}]",
        cli_row("aaaaaaaa-0000-0000-0000-000000000001", "P1", &scope)
    );
    let rest = format!(
        r#"{{"value": [{{"id": "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/roleAssignments/aaaaaaaa-0000-0000-0000-000000000002",
        "name": "aaaaaaaa-0000-0000-0000-000000000002", "type": "Microsoft.Authorization/roleAssignments",
        "properties": {{"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/{}", "principalId": "p2",
        "principalType": "Group", "condition": "@Resource[x] StringEquals 'y'", "conditionVersion": "2.0"}}}}]}}"#,
        READER.to_uppercase()
    );
    let arg = format!(
        r#"{{"count": 2, "data": [{{"id": "{scope}/providers/Microsoft.Authorization/roleAssignments/aaaaaaaa-0000-0000-0000-000000000003",
        "name": "aaaaaaaa-0000-0000-0000-000000000003", "type": "microsoft.authorization/roleassignments", "tenantId": "t",
        "kind": "", "location": "", "properties": {{"ROLEDEFINITIONID": "/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}",
        "principalId": "P1", "scope": "{scope}", "createdOn": "2024-01-01"}}, "tags": null}},
        {{"id": "/x/providers/Microsoft.Authorization/roleDefinitions/r", "type": "microsoft.authorization/roledefinitions", "properties": {{}}}}],
        "skip_token": null}}"#
    );
    let mut inv = Inventory::new();
    assert_eq!(inv.read_assignments(&cli, "a.json", &mut none).unwrap(), 1);
    assert_eq!(inv.read_assignments(&rest, "b.json", &mut none).unwrap(), 1);
    assert_eq!(inv.read_assignments(&arg, "c.json", &mut none).unwrap(), 1);
    // The same assignment again is counted once.
    assert_eq!(inv.read_assignments(&cli, "a.json", &mut none).unwrap(), 0);
    inv.finish();
    assert_eq!(inv.assignments.len(), 3);
    assert_eq!(
        inv.role_refs.len(),
        1,
        "joined on the GUID whatever the prefix and case"
    );
    assert_eq!(inv.role_refs[0].name.as_deref(), Some("Reader"));
    let p1 = inv.principals.find("p1").unwrap();
    assert_eq!(inv.principals.get(p1).kind, PrincipalType::User);
    assert_eq!(
        inv.principals.get(p1).upn.as_deref(),
        Some("alice@contoso.com")
    );
    let a2 = inv.assignments[1];
    assert_eq!(
        inv.scopes.display(a2.scope),
        "/providers/Microsoft.Management/managementGroups/mg"
    );
    assert_eq!(inv.scopes.node(a2.scope).kind, ScopeKind::ManagementGroup);
    assert_eq!(
        inv.conditions.get(a2.condition.unwrap()),
        "@Resource[x] StringEquals 'y'"
    );
    assert_eq!(inv.assignments[0].scope, inv.assignments[2].scope);
    assert!(
        inv.notes
            .iter()
            .any(|n| n.contains("1 rows are not role assignments")),
        "{:?}",
        inv.notes
    );
    assert!(
        inv.notes.iter().any(|n| n.contains("more than once")),
        "{:?}",
        inv.notes
    );
    assert_eq!(inv.sources[&InputKind::Assignments].count, 3);
}

#[test]
fn assignment_errors_name_the_place() {
    let mut inv = Inventory::new();
    let e = inv
        .read_assignments(
            "[\n{\"principalId\": \"p\", \"scope\": \"/\"}\n]",
            "a.json",
            &mut none,
        )
        .unwrap_err()
        .to_string();
    assert_eq!(e, "a.json:3:1: role assignment 0 has no `roleDefinitionId`");
    let e = inv
        .read_assignments("{\"x\": 1}", "a.json", &mut none)
        .unwrap_err()
        .to_string();
    assert!(e.contains("object with `value` or `data`"), "{e}");
    let e = inv
        .read_assignments("[{\"principalId\": 3}]", "a.json", &mut none)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("a.json:1:18: invalid type: integer `3`, expected a string or null"),
        "{e}"
    );
    let e = inv
        .read_assignments("[1]", "a.json", &mut none)
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected a role assignment object"), "{e}");
}

#[test]
fn groups_nest_and_members_carry_types() {
    let text = r##"[
      {"id": "G1", "displayName": "ml-team", "members": [
        {"@odata.type": "#microsoft.graph.user", "id": "U1", "displayName": "Alice", "userPrincipalName": "alice@c.com"},
        {"@odata.type": "#microsoft.graph.group", "id": "G2", "displayName": "ml-ops"},
        "S1"]},
      {"id": "G2", "members": [{"@odata.type": "#microsoft.graph.servicePrincipal", "id": "S1", "displayName": "deployer"},
                               {"@odata.type": "#microsoft.graph.group", "id": "G1"}]}
    ]"##;
    let mut inv = Inventory::new();
    assert_eq!(inv.read_groups(text, "g.json", &mut none).unwrap(), 2);
    let g1 = inv.principals.find("g1").unwrap();
    let g2 = inv.principals.find("G2").unwrap();
    let s1 = inv.principals.find("s1").unwrap();
    assert_eq!(inv.group(g1).unwrap().members.len(), 3);
    assert_eq!(inv.group(g2).unwrap().members, {
        let mut v = vec![s1, g1];
        v.sort();
        v
    });
    assert_eq!(inv.principals.get(s1).kind, PrincipalType::ServicePrincipal);
    assert_eq!(inv.principals.get(g2).kind, PrincipalType::Group);
    assert_eq!(inv.principals.get(g2).name.as_deref(), Some("ml-ops"));
    let e = inv
        .read_groups(r#"[{"id": "x"}]"#, "g.json", &mut none)
        .unwrap_err()
        .to_string();
    assert!(e.contains("group 0 has no `members` array"), "{e}");
}

#[test]
fn deny_rest_and_powershell() {
    let rest = r#"{"value": [{"id": "/subscriptions/S/providers/Microsoft.Authorization/denyAssignments/d1", "name": "d1",
      "type": "Microsoft.Authorization/denyAssignments",
      "properties": {"denyAssignmentName": "managed app lock", "permissions": [{"actions": ["*/delete"], "notActions": ["Microsoft.Storage/*/delete"], "dataActions": [], "notDataActions": []}],
        "scope": "/subscriptions/S", "doNotApplyToChildScopes": true,
        "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}],
        "excludePrincipals": [{"id": "admins", "type": "Group"}], "isSystemProtected": true}}]}"#;
    let ps = r#"[{"Id": "d2", "DenyAssignmentName": "ps", "Actions": ["Microsoft.Compute/*"], "NotActions": [], "DataActions": [], "NotDataActions": [],
      "Scope": "/subscriptions/S/resourceGroups/rg", "DoNotApplyToChildScopes": false,
      "Principals": [{"DisplayName": "Bob", "Id": "bob", "Type": "User"}], "ExcludePrincipals": [], "IsSystemProtected": true}]"#;
    let mut inv = Inventory::new();
    assert_eq!(inv.read_deny(rest, "d.json").unwrap(), 1);
    assert_eq!(inv.read_deny(ps, "e.json").unwrap(), 1);
    let d = &inv.denies[0];
    assert!(d.everyone && d.do_not_apply_to_child_scopes && d.principals.is_empty());
    assert_eq!(d.exclude.len(), 1);
    assert_eq!(
        d.permissions.permissions[0].not_actions[0].pattern.as_str(),
        "Microsoft.Storage/*/delete"
    );
    assert_eq!(
        d.permissions.permissions[0].actions[0].pointer,
        "/value/0/properties/permissions/0/actions/0"
    );
    let d2 = &inv.denies[1];
    assert_eq!(d2.name.as_deref(), Some("ps"));
    assert_eq!(
        inv.scopes.display(d2.scope),
        "/subscriptions/S/resourceGroups/rg"
    );
    assert_eq!(
        inv.principals.get(d2.principals[0]).name.as_deref(),
        Some("Bob")
    );
    let e = inv
        .read_deny(r#"[{"properties": {"permissions": []}}]"#, "d.json")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "d.json: /0: deny assignment has no `scope` (and its `id` does not name one)"
    );
}

#[test]
fn management_groups_entities_and_tree() {
    let entities = r#"[
      {"id": "/providers/Microsoft.Management/managementGroups/root", "name": "root", "type": "Microsoft.Management/managementGroups", "parent": null},
      {"id": "/providers/Microsoft.Management/managementGroups/ml", "type": "Microsoft.Management/managementGroups", "parent": {"id": "/providers/Microsoft.Management/managementGroups/root"}},
      {"id": "/subscriptions/S", "type": "/subscriptions", "parent": {"id": "/providers/Microsoft.Management/managementGroups/ml"}}]"#;
    let mut inv = Inventory::new();
    assert_eq!(inv.read_management_groups(entities, "m.json").unwrap(), 3);
    let tree = r#"{"id": "/providers/Microsoft.Management/managementGroups/t", "properties": {"children": [
        {"id": "/subscriptions/T", "type": "/subscriptions"},
        {"id": "/providers/Microsoft.Management/managementGroups/t2", "children": [{"id": "/subscriptions/U"}]}]}}"#;
    assert_eq!(inv.read_management_groups(tree, "t.json").unwrap(), 4);
    inv.finish();
    let s = &inv.scopes;
    let path = |x: &str| -> Vec<String> {
        let id = s.get(x).unwrap();
        s.ancestors(id)
            .iter()
            .map(|i| s.display(*i).rsplit('/').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(path("/subscriptions/s"), vec!["S", "ml", "root", ""]);
    assert_eq!(path("/subscriptions/U"), vec!["U", "t2", "t", ""]);
    assert!(s.node(s.get("/subscriptions/S").unwrap()).placed);
}

#[test]
fn roles_from_cli_and_resource_graph() {
    let cli = r#"[{"assignableScopes": ["/subscriptions/S"], "description": "d", "id": "/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/bbbbbbbb-0000-0000-0000-000000000001",
      "name": "bbbbbbbb-0000-0000-0000-000000000001", "permissions": [{"actions": ["Microsoft.Compute/*/read"], "notActions": [], "dataActions": [], "notDataActions": []}],
      "roleName": "VM Reader", "roleType": "CustomRole", "type": "Microsoft.Authorization/roleDefinitions"}]"#;
    let arg = r#"{"data": [{"id": "/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/bbbbbbbb-0000-0000-0000-000000000002",
      "name": "bbbbbbbb-0000-0000-0000-000000000002", "type": "microsoft.authorization/roledefinitions", "tenantId": "t", "managementGroup": "",
      "properties": {"roleName": "X", "type": "CustomRole", "assignableScopes": ["/"], "permissions": [{"actions": ["*"]}]}},
      {"id": "/a/providers/Microsoft.Authorization/roleAssignments/z", "type": "microsoft.authorization/roleassignments", "properties": {}}]}"#;
    let mut inv = Inventory::new();
    assert_eq!(inv.read_roles(cli, "r.json").unwrap(), 1);
    assert_eq!(inv.read_roles(arg, "s.json").unwrap(), 1);
    assert_eq!(
        inv.roles[1].guid.as_deref(),
        Some("bbbbbbbb-0000-0000-0000-000000000002")
    );
    assert_eq!(inv.notes.len(), 1);
}

/// A group listed twice with the same members is one reading; with different members it is
/// two, read as the union and said to be incomplete (a deny naming it may over-reach).
#[test]
fn a_group_listed_twice_with_different_members_is_a_gap() {
    let same = r#"[{"id": "g1", "members": ["u1", "u2"]}, {"id": "g1", "members": ["u2", "u1"]}]"#;
    let mut inv = Inventory::new();
    inv.read_groups(same, "groups.json", &mut none).unwrap();
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
    let differ = r#"[{"id": "g1", "members": ["u1"]}, {"id": "g2", "members": []}, {"id": "g1", "members": ["u3"]}]"#;
    let mut inv = Inventory::new();
    inv.read_groups(differ, "groups.json", &mut none).unwrap();
    assert_eq!(inv.gaps.len(), 1, "{:?}", inv.gaps);
    assert!(
        inv.gaps[0]
            .contains("1 group is listed more than once with different members (such as group g1)")
    );
    let g = inv.principals.find("g1").unwrap();
    assert_eq!(inv.group(g).unwrap().members.len(), 2);
}
