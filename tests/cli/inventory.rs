//! who-can and access inputs, formats and errors: missing kinds of input, file flags over the
//! folder, CSV, exit codes, and the synthetic tenant generator.

use crate::access::*;
use crate::common::*;

#[test]
fn missing_inputs_are_stated_in_every_answer() {
    let a = fixture("tenant/assignments.json").display().to_string();
    let v = run_json(&[
        "who-can",
        &format!("{MLS}/onlineEndpoints/score/action"),
        "--scope",
        &ep(),
        "--assignments",
        &a,
        "--format",
        "json",
    ]);
    let w = v["warnings"].to_string();
    for s in [
        "no deny assignments supplied: answers may overstate access",
        "no group memberships supplied",
        "no custom role definitions supplied",
        "no management groups supplied",
    ] {
        assert!(w.contains(s), "{s} not in {w}");
    }
    assert_eq!(v["complete"], false);
    // Without the export, management-group grants are not applied; custom roles are unknown.
    let n = names(&v["principals"]);
    assert!(!n.contains("grp-ml-users"), "{n:?}");
    // Without the group export, users are known by their sign-in names only.
    assert!(n.contains("henry@contoso.example"), "{n:?}");
    assert_eq!(
        v["unevaluated"].as_array().unwrap().len(),
        4,
        "{}",
        v["unevaluated"]
    );
    assert_eq!(v["inputs"]["denyAssignments"]["supplied"], false);
    // The table states them too.
    let (_, table, _) = run(&[
        "who-can",
        &format!("{MLS}/read"),
        "--scope",
        &ep(),
        "--assignments",
        &a,
    ]);
    assert!(
        table.contains("no deny assignments supplied: answers may overstate access"),
        "{table}"
    );
}

#[test]
fn a_file_flag_overrides_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("deny.json");
    std::fs::write(&empty, "{\"value\": []}").unwrap();
    let v = who_can(
        &format!("{MLS}/onlineEndpoints/delete"),
        &ep(),
        &["--deny", empty.to_str().unwrap()],
    );
    assert!(v["denied"].as_array().unwrap().is_empty());
    assert!(names(&v["principals"]).contains("alice"));
    assert_eq!(v["inputs"]["denyAssignments"]["count"], 0);
}

#[test]
fn csv_has_one_row_per_chain() {
    let t = tenant();
    let (code, out, _) = run(&[
        "who-can",
        &format!("{MLS}/onlineEndpoints/delete"),
        "--scope",
        &ep(),
        "--inventory",
        &t,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("status,principal_id,principal_type,principal_name,scope,role"));
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("allowed,")).count(),
        1
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("denied,")).count(),
        15
    );
    assert!(out.contains("\"AzureML Data Scientist\"") || out.contains(",AzureML Data Scientist,"));
}

/// CSV rows cannot carry warnings: missing inputs, unevaluated assignments and an incomplete
/// answer are stated on stderr instead, for who-can and access alike (found by an audit).
#[test]
fn csv_answers_state_their_warnings_on_stderr() {
    let a = fixture("tenant/assignments.json").display().to_string();
    let op = format!("{MLS}/onlineEndpoints/score/action");
    let (code, out, err) = run(&[
        "who-can",
        &op,
        "--scope",
        &ep(),
        "--assignments",
        &a,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("status,"), "{out}");
    for s in [
        "warning: no deny assignments supplied: answers may overstate access",
        "warning: no group memberships supplied",
        "warning: not evaluated: assignment ",
        "warning: the answer is incomplete",
    ] {
        assert!(err.contains(s), "{s} not in {err}");
    }
    let (code, out, err) = run(&[
        "access",
        "henry@contoso.example",
        "--scope",
        &ep(),
        "--assignments",
        &a,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.is_empty());
    assert!(
        err.contains("warning: no deny assignments supplied"),
        "{err}"
    );
    assert!(err.contains("warning: the answer is incomplete"), "{err}");
    // Other formats carry the warnings in the answer itself, not on stderr.
    let (_, out, err) = run(&[
        "who-can",
        &op,
        "--scope",
        &ep(),
        "--assignments",
        &a,
        "--format",
        "json",
    ]);
    assert!(!err.contains("the answer is incomplete"), "{err}");
    assert!(out.contains("no deny assignments supplied"));
}

#[test]
fn input_and_usage_errors_exit_2_with_one_line() {
    let t = tenant();
    let (code, _, err) = run(&["access", "nobody", "--scope", "/", "--inventory", &t]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no principal in the inventory has the id or name `nobody`"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "who-can",
        "Contoso.Nothing/*",
        "--scope",
        "/",
        "--inventory",
        &t,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("matches no operation"), "{err}");
    let (code, _, err) = run(&[
        "who-can",
        "Microsoft.Compute/virtualMachines/read",
        "--scope",
        "/",
        "--inventory",
        "/nonexistent",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent: no such directory"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("a.json");
    std::fs::write(&bad, "[\n  {\"principalId\": \"x\",\n").unwrap();
    let (code, _, err) = run(&[
        "who-can",
        "Microsoft.Compute/virtualMachines/read",
        "--scope",
        "/",
        "--assignments",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("a.json:3:"), "{err}");
    let (code, _, err) = run(&[
        "who-can",
        "Microsoft.Compute/virtualMachines/read",
        "--scope",
        "/",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("give --inventory DIR"), "{err}");
    let (code, _, err) = run(&[
        "who-can",
        "Microsoft.Compute/virtualMachines/read",
        "--scope",
        "/",
        "--inventory",
        &t,
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--format sarif is not supported"), "{err}");
}

#[test]
fn synth_writes_a_tenant_who_can_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    let o = out.to_str().unwrap();
    let (code, _, err) = run(&[
        "synth",
        "--seed",
        "7",
        "--assignments",
        "300",
        "--shape",
        "mixed",
        "--out",
        o,
    ]);
    assert_eq!(code, 0, "{err}");
    for f in [
        "assignments.json",
        "roles.json",
        "groups.json",
        "deny-assignments.json",
        "management-groups.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let v = run_json(&[
        "who-can",
        "Microsoft.Storage/storageAccounts/listKeys/action",
        "--scope",
        "/",
        "--inventory",
        o,
        "--below",
        "--format",
        "json",
    ]);
    assert_eq!(v["inputs"]["assignments"]["count"], 300);
    assert!(!v["below"]["principals"].as_array().unwrap().is_empty());
    let (code, _, err) = run(&["synth", "--seed", "7", "--assignments", "300", "--out", o]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists; pass --force"), "{err}");
    let first = std::fs::read_to_string(out.join("assignments.json")).unwrap();
    let (code, _, _) = run(&[
        "synth",
        "--seed",
        "7",
        "--assignments",
        "300",
        "--shape",
        "mixed",
        "--out",
        o,
        "--force",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        first,
        std::fs::read_to_string(out.join("assignments.json")).unwrap(),
        "deterministic for a seed"
    );
}

/// A copy of the hand-built tenant, with `edit` applied to one of its files.
fn edited_tenant(file: &str, edit: impl FnOnce(&mut serde_json::Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(fixture("tenant")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    let path = dir.path().join(file);
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, v.to_string()).unwrap();
    dir
}

fn who_can_in(dir: &std::path::Path, op: &str, scope: &str) -> serde_json::Value {
    let d = dir.display().to_string();
    run_json(&[
        "who-can",
        op,
        "--scope",
        scope,
        "--inventory",
        &d,
        "--format",
        "json",
    ])
}

/// A deny that excludes (or names) a group the group export does not list cannot say whom it
/// spares (or stops): the answer says so and is incomplete (found by an audit).
#[test]
fn denies_naming_groups_missing_from_the_export_are_stated() {
    const GHOST: &str = "cccccccc-0000-0000-0000-0000000000ff";
    let op = format!("{MLS}/onlineEndpoints/delete");
    let before = who_can_in(&fixture("tenant"), &op, &ep());
    assert!(
        !before["warnings"].to_string().contains("deny assignment"),
        "{}",
        before["warnings"]
    );
    let t = edited_tenant("deny-assignments.json", |v| {
        v["value"][0]["properties"]["excludePrincipals"][0]["id"] = GHOST.into();
    });
    let v = who_can_in(t.path(), &op, &ep());
    assert_eq!(v["complete"], false);
    let w = v["warnings"].to_string();
    assert!(
        w.contains(&format!(
            "protect endpoints excludes group {GHOST}, which is not in the group export"
        )),
        "{w}"
    );
    assert!(w.contains("answers may understate access"), "{w}");
    // `access` says the same for a principal under that deny.
    let d = t.path().display().to_string();
    let a = run_json(&[
        "access",
        "gina",
        "--scope",
        &ep(),
        "--inventory",
        &d,
        "--format",
        "json",
    ]);
    assert_eq!(a["complete"], false);
    assert!(a["warnings"].to_string().contains(GHOST));
}

/// A subscription the management-group export lists without a parent is not placed (every
/// subscription sits under a management group): grants at management groups do not reach it,
/// and the answer says so instead of claiming to be complete (found by an audit).
#[test]
fn a_subscription_without_a_parent_is_unplaced() {
    let op = format!("{MLS}/onlineEndpoints/score/action");
    let t = edited_tenant("management-groups.json", |v| {
        for e in v.as_array_mut().unwrap() {
            if e["id"].as_str().unwrap().starts_with("/subscriptions/") {
                e["parent"] = serde_json::Value::Null;
            }
        }
    });
    let v = who_can_in(t.path(), &op, &ep());
    assert_eq!(v["complete"], false);
    let w = v["warnings"].to_string();
    assert!(
        w.contains("is not placed by the management-group export"),
        "{w}"
    );
    assert!(!names(&v["principals"]).contains("grp-ml-users"));
}

/// `--below` at a management group cannot see subscriptions the export does not place: they
/// may lie under it, so the answer says so (found by an audit).
#[test]
fn below_a_management_group_states_unplaced_subscriptions() {
    let op = format!("{MLS}/onlineEndpoints/score/action");
    let root = "/providers/Microsoft.Management/managementGroups/contoso-root";
    let t = edited_tenant("management-groups.json", |v| {
        v.as_array_mut()
            .unwrap()
            .retain(|e| !e["id"].as_str().unwrap().starts_with("/subscriptions/"));
    });
    let d = t.path().display().to_string();
    let v = run_json(&[
        "who-can",
        &op,
        "--scope",
        root,
        "--below",
        "--inventory",
        &d,
        "--format",
        "json",
    ]);
    assert_eq!(v["complete"], false);
    assert!(
        v["warnings"]
            .to_string()
            .contains("2 subscriptions or management groups the inputs name are not placed"),
        "{}",
        v["warnings"]
    );
    // With the subscription placed, the same question finds the grants under it.
    let t = tenant();
    let v = run_json(&[
        "who-can",
        &op,
        "--scope",
        root,
        "--below",
        "--inventory",
        &t,
        "--format",
        "json",
    ]);
    assert!(
        !v["warnings"].to_string().contains("not placed"),
        "{}",
        v["warnings"]
    );
    assert!(!v["below"]["principals"].as_array().unwrap().is_empty());
}

/// An assignment at a scope id azrbac cannot place (`/subscription/…`) is not silently dropped:
/// the answer says such assignments exist and is incomplete (found by an audit).
#[test]
fn assignments_at_unrecognised_scopes_are_stated() {
    let op = "Microsoft.Authorization/roleAssignments/write";
    let before = who_can_in(&fixture("tenant"), op, SUB);
    assert!(
        names(&before["principals"]).contains("henry@contoso.example")
            || names(&before["principals"]).contains("henry")
    );
    let t = edited_tenant("assignments.json", |v| {
        for a in v.as_array_mut().unwrap() {
            if a["principalName"] == "henry@contoso.example" {
                a["scope"] = "/subscription/11111111-1111-1111-1111-111111111111".into();
            }
        }
    });
    let v = who_can_in(t.path(), op, SUB);
    assert_eq!(v["complete"], false);
    let w = v["warnings"].to_string();
    assert!(
        w.contains("1 role assignment sits at scopes that are not"),
        "{w}"
    );
    assert!(
        w.contains("/subscription/11111111-1111-1111-1111-111111111111"),
        "{w}"
    );
}
