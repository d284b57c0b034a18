//! Hostile and careless inventory exports (issue 9, ../shared/defects/hostile-inputs.md):
//! conflicting copies of one record, paged exports, misspelt keys, unreadable folders and
//! malformed scopes are answered conservatively and said to be incomplete, or refused.
//! Each test is built from the defect's repro.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

pub const S: &str = "/subscriptions/11111111-1111-1111-1111-111111111111";
pub const OWNER: &str =
    "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
pub const READER: &str =
    "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7";
const VM_READ: &str = "Microsoft.Compute/virtualMachines/read";
const VM_DELETE: &str = "Microsoft.Compute/virtualMachines/delete";

/// The common inventory of the repros: subscription S under management group mg1; no
/// groups, denies or custom roles.
pub fn inv() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    put(d.path(), "roles.json", "[]");
    put(d.path(), "groups.json", "[]");
    put(d.path(), "deny-assignments.json", "[]");
    put(
        d.path(),
        "management-groups.json",
        &format!(
            r#"[{{"id":"/providers/Microsoft.Management/managementGroups/mg1","name":"mg1","type":"Microsoft.Management/managementGroups"}},
 {{"id":"{S}","name":"11111111-1111-1111-1111-111111111111","type":"/subscriptions","parent":{{"id":"/providers/Microsoft.Management/managementGroups/mg1"}}}}]"#
        ),
    );
    d
}

pub fn put(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// One role assignment in `az role assignment list` shape.
pub fn assignment(n: u32, principal: &str, scope: &str, role: &str) -> String {
    format!(
        r#"{{"id":"{scope}/providers/Microsoft.Authorization/roleAssignments/ffffffff-0000-0000-0000-{n:012}",
  "principalId":"{principal}","principalType":"User","scope":"{scope}","roleDefinitionId":"{role}"}}"#
    )
}

pub fn who(dir: &Path, op: &str, extra: &[&str]) -> Value {
    let d = dir.display().to_string();
    let mut args = vec![
        "who-can",
        op,
        "--scope",
        S,
        "--inventory",
        &d,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run_json(&args)
}

pub fn ids(v: &Value) -> Vec<String> {
    v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn d1_assignments_sharing_a_name_with_other_contents_are_all_kept() {
    let d = inv();
    let a1 = assignment(1, "aaaaaaaa-0000-0000-0000-000000000001", S, READER);
    let a2 = assignment(1, "aaaaaaaa-0000-0000-0000-000000000002", S, OWNER);
    for (first, second) in [(&a1, &a2), (&a2, &a1)] {
        put(d.path(), "assignments.json", &format!("[{first},{second}]"));
        let v = who(d.path(), VM_DELETE, &[]);
        assert_eq!(ids(&v), ["aaaaaaaa-0000-0000-0000-000000000002"], "{v}");
        assert_eq!(v["complete"], false);
        let w = v["warnings"].to_string();
        assert!(w.contains("different contents"), "{w}");
        assert!(w.contains("ffffffff-0000-0000-0000-000000000001"), "{w}");
    }
    // access finds the second principal too.
    let (code, out, err) = run(&[
        "access",
        "aaaaaaaa-0000-0000-0000-000000000002",
        "--scope",
        S,
        "--inventory",
        &d.path().display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["complete"], false, "{v}");
    assert!(!v["chains"].as_array().unwrap().is_empty(), "{v}");
    // Identical copies are still counted once, without making the answer incomplete.
    put(d.path(), "assignments.json", &format!("[{a2},{a2}]"));
    let v = who(d.path(), VM_DELETE, &[]);
    assert_eq!(v["complete"], true, "{v}");
    assert!(v["warnings"].to_string().contains("same contents"), "{v}");
}

#[test]
fn d2_a_role_defined_twice_grants_the_union() {
    let d = inv();
    put(
        d.path(),
        "assignments.json",
        &format!(
            "[{}]",
            assignment(
                3,
                "aaaaaaaa-0000-0000-0000-000000000003",
                S,
                "/providers/Microsoft.Authorization/roleDefinitions/dddddddd-0000-0000-0000-000000000001"
            )
        ),
    );
    let reader = format!(
        r#"{{"name":"dddddddd-0000-0000-0000-000000000001","roleName":"vm-reader","roleType":"CustomRole","assignableScopes":["{S}"],
  "permissions":[{{"actions":["{VM_READ}"],"notActions":[],"dataActions":[],"notDataActions":[]}}]}}"#
    );
    let admin = format!(
        r#"{{"name":"dddddddd-0000-0000-0000-000000000001","roleName":"vm-admin","roleType":"CustomRole","assignableScopes":["{S}"],
  "permissions":[{{"actions":["Microsoft.Compute/*"],"notActions":[],"dataActions":[],"notDataActions":[]}}]}}"#
    );
    for (first, second) in [(&reader, &admin), (&admin, &reader)] {
        put(d.path(), "roles.json", &format!("[{first},{second}]"));
        let v = who(d.path(), VM_DELETE, &[]);
        assert_eq!(ids(&v), ["aaaaaaaa-0000-0000-0000-000000000003"], "{v}");
        assert_eq!(v["complete"], false);
        let w = v["warnings"].to_string();
        assert!(w.contains("union"), "{w}");
        assert!(w.contains("vm-admin / vm-reader"), "{w}");
    }
}

#[test]
fn d3_two_parents_or_a_cycle_are_refused() {
    let d = inv();
    let mg = |n: &str| {
        format!(
            r#"{{"id":"/providers/Microsoft.Management/managementGroups/{n}","name":"{n}","type":"Microsoft.Management/managementGroups"}}"#
        )
    };
    let sub = |parent: &str| {
        format!(
            r#"{{"id":"{S}","name":"11111111-1111-1111-1111-111111111111","type":"/subscriptions","parent":{{"id":"/providers/Microsoft.Management/managementGroups/{parent}"}}}}"#
        )
    };
    put(
        d.path(),
        "management-groups.json",
        &format!(
            "[{},{},{},{}]",
            mg("mg1"),
            mg("mg2"),
            sub("mg1"),
            sub("mg2")
        ),
    );
    put(
        d.path(),
        "assignments.json",
        &format!(
            "[{}]",
            assignment(
                4,
                "aaaaaaaa-0000-0000-0000-000000000004",
                "/providers/Microsoft.Management/managementGroups/mg2",
                READER
            )
        ),
    );
    let dir = d.path().display().to_string();
    let args = ["who-can", VM_READ, "--scope", S, "--inventory", &dir];
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("management-groups.json"), "{err}");
    assert!(err.contains("two parents"), "{err}");
    // The same entity twice under one parent is no conflict.
    put(
        d.path(),
        "management-groups.json",
        &format!("[{},{},{}]", mg("mg1"), sub("mg1"), sub("mg1")),
    );
    assert_eq!(run(&args).0, 0);
    // A cycle of management groups.
    let child = |n: &str, p: &str| {
        format!(
            r#"{{"id":"/providers/Microsoft.Management/managementGroups/{n}","type":"Microsoft.Management/managementGroups","parent":{{"id":"/providers/Microsoft.Management/managementGroups/{p}"}}}}"#
        )
    };
    put(
        d.path(),
        "management-groups.json",
        &format!(
            "[{},{},{}]",
            child("mg1", "mg2"),
            child("mg2", "mg1"),
            sub("mg1")
        ),
    );
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cycle"), "{err}");
}

#[test]
fn d4_paged_exports_are_incomplete() {
    let d = inv();
    let row = r#"{"id":"/subscriptions/11111111-1111-1111-1111-111111111111/providers/microsoft.authorization/roleassignments/ffffffff-0000-0000-0000-000000000005","name":"ffffffff-0000-0000-0000-000000000005","type":"microsoft.authorization/roleassignments",
  "properties":{"principalId":"aaaaaaaa-0000-0000-0000-000000000005","principalType":"User","scope":"/subscriptions/11111111-1111-1111-1111-111111111111",
  "roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"}}"#;
    for (wrapper, marker) in [
        (
            format!(
                r#"{{"count":1,"skip_token":"ew0KICAiJGlkIjogIjEiDQp9","total_records":5000,"data":[{row}]}}"#
            ),
            "skip_token",
        ),
        (
            format!(r#"{{"count":1,"total_records":5000,"data":[{row}]}}"#),
            "1 of 5000",
        ),
        (
            format!(r#"{{"value":[{row}],"nextLink":"https://management.azure.com/next"}}"#),
            "nextLink",
        ),
        (
            format!(r#"{{"@odata.nextLink":"https://graph.microsoft.com/next","value":[{row}]}}"#),
            "@odata.nextLink",
        ),
        (
            format!(r#"{{"$skipToken":"x","data":[{row}]}}"#),
            "$skipToken",
        ),
    ] {
        put(d.path(), "assignments.json", &wrapper);
        let v = who(d.path(), VM_READ, &[]);
        assert_eq!(ids(&v).len(), 1, "{v}");
        assert_eq!(v["complete"], false, "{marker}: {v}");
        let w = v["warnings"].to_string();
        assert!(
            w.contains("one page of several") && w.contains(marker),
            "{w}"
        );
        assert!(w.contains("assignments.json"), "{w}");
    }
    // A last page (no continuation, all records present) is complete.
    put(
        d.path(),
        "assignments.json",
        &format!(r#"{{"count":1,"skip_token":null,"total_records":1,"data":[{row}]}}"#),
    );
    assert_eq!(who(d.path(), VM_READ, &[])["complete"], true);
    // Roles, denies, groups and management groups: a nextLink makes the answer incomplete.
    put(d.path(), "assignments.json", &format!("[{row}]"));
    for (file, body) in [
        (
            "roles.json",
            r#"{"value":[],"nextLink":"https://x/next"}"#.to_string(),
        ),
        (
            "deny-assignments.json",
            r#"{"value":[],"nextLink":"https://x/next"}"#.to_string(),
        ),
        (
            "groups.json",
            r#"{"value":[],"@odata.nextLink":"https://x/next"}"#.to_string(),
        ),
    ] {
        let saved = std::fs::read_to_string(d.path().join(file)).unwrap();
        put(d.path(), file, &body);
        let v = who(d.path(), VM_READ, &[]);
        assert_eq!(v["complete"], false, "{file}: {v}");
        assert!(v["warnings"].to_string().contains(file), "{v}");
        put(d.path(), file, &saved);
    }
}

#[test]
fn d9_members_null_is_refused() {
    let d = inv();
    put(
        d.path(),
        "assignments.json",
        &format!(
            r#"[{{"id":"{S}/providers/Microsoft.Authorization/roleAssignments/ffffffff-0000-0000-0000-000000000006",
  "principalId":"cccccccc-0000-0000-0000-000000000001","principalType":"Group","scope":"{S}","roleDefinitionId":"{READER}"}}]"#
        ),
    );
    put(
        d.path(),
        "groups.json",
        r#"[{"id":"cccccccc-0000-0000-0000-000000000001","displayName":"ops","members":null}]"#,
    );
    let dir = d.path().display().to_string();
    let (code, _, err) = run(&["who-can", VM_READ, "--scope", S, "--inventory", &dir]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("groups.json") && err.contains("members: null"),
        "{err}"
    );
    // A member list that is one page of several makes the answer incomplete.
    put(
        d.path(),
        "groups.json",
        r#"[{"id":"cccccccc-0000-0000-0000-000000000001","displayName":"ops","members":[],"members@odata.nextLink":"https://graph.microsoft.com/next"}]"#,
    );
    let v = who(d.path(), VM_READ, &[]);
    assert_eq!(v["complete"], false, "{v}");
    assert!(
        v["warnings"].to_string().contains("members@odata.nextLink"),
        "{v}"
    );
}

#[test]
fn d10_misspelt_inventory_keys_are_errors_with_a_suggestion() {
    let d = inv();
    put(
        d.path(),
        "assignments.json",
        &format!(
            r#"[{{"id":"{S}/providers/Microsoft.Authorization/roleAssignments/ffffffff-0000-0000-0000-000000000007",
  "principalId":"aaaaaaaa-0000-0000-0000-000000000007","principalName":"breakglass","principalType":"User","scope":"{S}","roleDefinitionId":"{OWNER}"}}]"#
        ),
    );
    let deny = |key: &str| {
        format!(
            r#"[{{"id":"{S}/providers/Microsoft.Authorization/denyAssignments/d1",
  "properties":{{"denyAssignmentName":"lock","scope":"{S}",
   "permissions":[{{"actions":["{VM_DELETE}"]}}],
   "principals":[{{"id":"00000000-0000-0000-0000-000000000000","type":"SystemDefined"}}],
   {key}}}}}]"#
        )
    };
    let dir = d.path().display().to_string();
    let args = ["who-can", VM_DELETE, "--scope", S, "--inventory", &dir];
    for (key, want) in [
        (
            r#""excludedPrincipals":[{"id":"aaaaaaaa-0000-0000-0000-000000000007","type":"User"}]"#,
            "did you mean `excludePrincipals`",
        ),
        (
            r#""doNotApplyToChildScope":true"#,
            "did you mean `doNotApplyToChildScopes`",
        ),
    ] {
        put(d.path(), "deny-assignments.json", &deny(key));
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("deny-assignments.json") && err.contains(want),
            "{err}"
        );
    }
    // The correct spelling works: breakglass is excluded from the deny.
    put(
        d.path(),
        "deny-assignments.json",
        &deny(
            r#""excludePrincipals":[{"id":"aaaaaaaa-0000-0000-0000-000000000007","type":"User"}]"#,
        ),
    );
    let v = who(d.path(), VM_DELETE, &[]);
    assert_eq!(ids(&v), ["aaaaaaaa-0000-0000-0000-000000000007"], "{v}");
    // Assignments, management groups and groups too.
    put(
        d.path(),
        "assignments.json",
        &format!(
            r#"[{{"principalId":"a","principalTyp":"User","scope":"{S}","roleDefinitionId":"{OWNER}"}}]"#
        ),
    );
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean `principalType`"), "{err}");
    put(d.path(), "assignments.json", "[]");
    put(
        d.path(),
        "groups.json",
        r#"[{"id":"cccccccc-0000-0000-0000-000000000001","displayName":"ops","member":[]}]"#,
    );
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean `members`"), "{err}");
    // Graph properties azrbac does not read are accepted on groups and members.
    put(
        d.path(),
        "groups.json",
        r##"[{"id":"c1","displayName":"ops","mailEnabled":false,"securityEnabled":true,"members":[{"id":"u1","@odata.type":"#microsoft.graph.user","givenName":"A","mail":"a@x","jobTitle":null}]}]"##,
    );
    assert_eq!(run(&args).0, 0);
}

#[test]
fn m1_unusable_inventory_folders_are_input_errors() {
    let d = tempfile::tempdir().unwrap();
    let inv = d.path().join("inv");
    std::fs::create_dir(&inv).unwrap();
    put(
        &inv,
        "assignments.json",
        &format!(
            "[{}]",
            assignment(9, "aaaaaaaa-0000-0000-0000-000000000009", S, OWNER)
        ),
    );
    let shown = inv.display().to_string();
    let args = ["who-can", VM_READ, "--scope", "/", "--inventory", &shown];
    assert_eq!(run(&args).0, 0);
    // Unreadable: as another user when this runs as root, else with the mode bits.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&inv, std::fs::Permissions::from_mode(0o000)).unwrap();
    let as_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let out = if as_root {
        let bin = assert_cmd::cargo::cargo_bin("azrbac");
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin)
            .args(args);
        c.output().unwrap()
    } else {
        azrbac().args(args).output().unwrap()
    };
    std::fs::set_permissions(&inv, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("permission denied") && err.contains("inv"),
        "{err}"
    );
    // A folder with none of the names (a typo) says what it expected, with a suggestion.
    let typo = d.path().join("typo");
    std::fs::create_dir(&typo).unwrap();
    std::fs::copy(inv.join("assignments.json"), typo.join("assignment.json")).unwrap();
    let t = typo.display().to_string();
    let (code, _, err) = run(&["who-can", VM_READ, "--scope", "/", "--inventory", &t]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean `assignments.json`"), "{err}");
    std::fs::remove_file(typo.join("assignment.json")).unwrap();
    put(&typo, "notes.txt", "x");
    let (code, _, err) = run(&["who-can", VM_READ, "--scope", "/", "--inventory", &t]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holds none of assignments.json"), "{err}");
    // An entry that is a directory or a FIFO is refused, not skipped (nor read forever).
    std::fs::create_dir(inv.join("roles.json")).unwrap();
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("roles.json: is a directory"), "{err}");
    std::fs::remove_dir(inv.join("roles.json")).unwrap();
    let fifo = inv.join("groups.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("groups.json: is not a regular file"), "{err}");
}

#[test]
fn m2_a_malformed_scope_is_a_usage_error_with_a_suggestion() {
    let d = tempfile::tempdir().unwrap();
    put(
        d.path(),
        "a.json",
        &format!(
            r#"[{{"principalId":"aaaaaaaa-0000-0000-0000-000000000010","principalName":"henry","principalType":"User","scope":"{S}","roleDefinitionId":"{OWNER}"}}]"#
        ),
    );
    let a = d.path().join("a.json").display().to_string();
    let (code, _, err) = run(&[
        "who-can",
        VM_READ,
        "--scope",
        "/subscription/11111111-1111-1111-1111-111111111111",
        "--assignments",
        &a,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("did you mean `{S}`")), "{err}");
    let (code, _, err) = run(&[
        "access",
        "henry",
        "--scope",
        &format!("{S}/resourceGroup/rg1"),
        "--assignments",
        &a,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("did you mean `{S}/resourceGroups/rg1`")),
        "{err}"
    );
    let (code, _, err) = run(&["who-can", VM_READ, "--scope", "ws1", "--assignments", &a]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // With the keyword spelt right, henry holds Owner there.
    let v = run_json(&[
        "access",
        "henry",
        "--scope",
        &format!("{S}/resourceGroups/rg1"),
        "--assignments",
        &a,
        "--format",
        "json",
    ]);
    assert_eq!(v["chains"].as_array().unwrap().len(), 1, "{v}");
}

/// A chain of `n` nested groups (g1 holds Reader at S, g_n holds one user).
fn nested_groups(dir: &Path, n: usize) {
    let g = |i: usize| format!("cccccccc-0000-0000-0000-{i:012}");
    let mut groups = Vec::new();
    for i in 1..n {
        groups.push(format!(
            r##"{{"id":"{}","displayName":"g{i}","members":[{{"@odata.type":"#microsoft.graph.group","id":"{}"}}]}}"##,
            g(i),
            g(i + 1)
        ));
    }
    groups.push(format!(
        r##"{{"id":"{}","displayName":"g{n}","members":[{{"@odata.type":"#microsoft.graph.user","id":"aaaaaaaa-0000-0000-0000-000000000001"}}]}}"##,
        g(n)
    ));
    put(dir, "groups.json", &format!("[{}]", groups.join(",")));
    put(
        dir,
        "assignments.json",
        &format!(
            r#"[{{"id":"{S}/providers/Microsoft.Authorization/roleAssignments/ffffffff-0000-0000-0000-000000000008","principalId":"{}","principalType":"Group","scope":"{S}","roleDefinitionId":"{READER}"}}]"#,
            g(1)
        ),
    );
}

#[test]
fn h3_deep_group_nesting_gives_output_linear_in_depth() {
    let d = inv();
    let mut sizes = Vec::new();
    for n in [200usize, 400] {
        nested_groups(d.path(), n);
        let dir = d.path().display().to_string();
        let (code, out, err) = run(&[
            "who-can",
            VM_READ,
            "--scope",
            S,
            "--inventory",
            &dir,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        sizes.push(out.len());
        let v: Value = serde_json::from_str(&out).unwrap();
        let ps = v["principals"].as_array().unwrap();
        assert_eq!(ps.len(), n + 1);
        // Every path is at most 16 groups, and following `via` from the user through the
        // rows of the groups it names reaches g1, the assigned group.
        let row = |id: &str| ps.iter().find(|p| p["id"] == id).unwrap()["grants"][0].clone();
        let mut cur = "aaaaaaaa-0000-0000-0000-000000000001".to_string();
        let mut hops = 0;
        loop {
            let g = row(&cur);
            let via: Vec<String> = g["via"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect();
            assert!(via.len() <= 16);
            hops += via.len();
            if g.get("viaContinues") != Some(&Value::Bool(true)) {
                assert_eq!(
                    via.last().map(String::as_str),
                    Some("cccccccc-0000-0000-0000-000000000001")
                );
                break;
            }
            cur = via.last().unwrap().clone();
        }
        assert_eq!(hops, n);
    }
    // Twice the depth, about twice the output (it was four times).
    assert!(sizes[1] < sizes[0] * 5 / 2, "{sizes:?}");
}

#[test]
fn d8_a_key_the_azure_cli_ignores_is_an_effective_change() {
    let d = tempfile::tempdir().unwrap();
    let scopes = r#""AssignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000000"]"#;
    let role = |key: &str| {
        format!(
            r#"{{"Name":"vm-op","IsCustom":true,"Actions":["Microsoft.Compute/*"],"{key}":["{VM_DELETE}"],{scopes}}}"#
        )
    };
    put(d.path(), "old.json", &role("NotActions"));
    put(d.path(), "new.json", &role("notactions"));
    let old = d.path().join("old.json").display().to_string();
    let new = d.path().join("new.json").display().to_string();
    let (code, out, err) = run(&["diff", &old, &new]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("gate --fail-on added: FAILED"), "{out}");
    assert!(out.contains("key case (new): `notactions`"), "{out}");
    let v = run_json(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(v["summary"]["addedOperations"], 1, "{}", v["summary"]);
    // The same spelling on both sides is no change.
    assert_eq!(run(&["diff", &new, &new]).0, 0);
    // Inside `permissions[]` the CLI reads only `notActions`.
    let block = |key: &str| {
        format!(
            r#"{{"roleName":"vm-op","permissions":[{{"actions":["Microsoft.Compute/*"],"{key}":["{VM_DELETE}"]}}],"assignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000000"]}}"#
        )
    };
    put(d.path(), "old.json", &block("notActions"));
    put(d.path(), "new.json", &block("NotActions"));
    let (code, out, _) = run(&["diff", &old, &new]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("virtualMachines") && out.contains("delete"),
        "{out}"
    );
}

#[test]
fn m4_text_from_inputs_cannot_forge_lines_or_reach_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    put(
        d.path(),
        "evil.json",
        r#"{"Name":"ok\n\ngate --fail-on added: passed\n::error file=x.json::injected","IsCustom":true,"Actions":["*"],"AssignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000000"]}"#,
    );
    put(
        d.path(),
        "esc.json",
        r#"{"Name":"\u001b[2J\u001b]0;pwned\u0007x\u202e","IsCustom":true,"Actions":["*/read"],"AssignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000000"]}"#,
    );
    let evil = d.path().join("evil.json").display().to_string();
    let esc = d.path().join("esc.json").display().to_string();
    for format in ["table", "markdown"] {
        let (code, out, _) = run(&["diff", "Reader", &evil, "--format", format]);
        assert_eq!(code, 1);
        for line in out.lines() {
            assert!(!line.trim_start().starts_with("::"), "{line}");
            assert!(!line.starts_with("gate --fail-on added: passed"), "{line}");
        }
        assert!(out.contains("FAILED") || out.contains("failed"), "{out}");
    }
    for cmd in [
        vec!["expand", &esc],
        vec!["risks", &esc],
        vec!["lint", &esc],
    ] {
        let (_, out, err) = run(&cmd);
        for text in [&out, &err] {
            assert!(
                !text
                    .chars()
                    .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{202e}'),
                "{cmd:?}: {text:?}"
            );
        }
    }
    let (_, out, _) = run(&["expand", &esc]);
    assert!(out.contains("\\u{1b}[2J"), "{out}");
}

#[test]
fn l3_missing_groups_are_counted_and_plane_prefixes_refused() {
    let d = inv();
    let rows: Vec<String> = (1..=40)
        .map(|i| {
            format!(
                r#"{{"id":"{S}/providers/Microsoft.Authorization/roleAssignments/ffffffff-0000-0000-0000-{i:012}","principalId":"cccccccc-0000-0000-0000-{i:012}","principalType":"Group","scope":"{S}","roleDefinitionId":"{READER}"}}"#
            )
        })
        .collect();
    put(
        d.path(),
        "assignments.json",
        &format!("[{}]", rows.join(",")),
    );
    let v = who(d.path(), VM_READ, &[]);
    assert_eq!(v["complete"], false);
    let w: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .filter(|x| x.contains("not in the group export"))
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("40 groups") && w[0].contains("and 37 more"),
        "{w:?}"
    );
    let dir = d.path().display().to_string();
    let (code, _, err) = run(&[
        "who-can",
        &format!("control:{VM_READ}"),
        "--scope",
        S,
        "--inventory",
        &dir,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("give `{VM_READ}`")), "{err}");
}

#[test]
fn d2_an_export_of_a_built_in_that_differs_grants_the_union() {
    let d = inv();
    put(
        d.path(),
        "assignments.json",
        &format!(
            "[{}]",
            assignment(11, "aaaaaaaa-0000-0000-0000-000000000011", S, READER)
        ),
    );
    // Reader as some older export had it: narrower than the embedded built-in.
    put(
        d.path(),
        "roles.json",
        r#"[{"name":"acdd72a7-3385-48ef-bd42-f606fba81ae7","roleName":"Reader","roleType":"BuiltInRole","assignableScopes":["/"],
  "permissions":[{"actions":["Microsoft.Storage/*/read"],"notActions":[],"dataActions":[],"notDataActions":[]}]}]"#,
    );
    let v = who(d.path(), VM_READ, &[]);
    assert_eq!(ids(&v), ["aaaaaaaa-0000-0000-0000-000000000011"], "{v}");
    assert_eq!(v["complete"], false);
    assert!(
        v["warnings"]
            .to_string()
            .contains("union of the definitions"),
        "{v}"
    );
}
