//! Roles paired across the files of one `diff --git` comparison: by GUID, by name, then by
//! identical effective permissions. A moved role is `moved`, not removed and added, and passes
//! the default gate; a moved role that also changed is `changed` with where it came from.

use super::diff_git::{git, run_in, write};
use serde_json::Value;
use std::path::Path;

const SCOPE: &str =
    r#""AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000001"]"#;

fn role(name: &str, id: Option<&str>, actions: &[&str]) -> String {
    let id = id.map(|g| format!(r#""Id": "{g}","#)).unwrap_or_default();
    let actions: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        "{{\n  \"Name\": \"{name}\",\n  {id}\n  \"Actions\": [\n    {}\n  ],\n  {SCOPE}\n}}\n",
        actions.join(",\n    ")
    )
}

fn repo(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    for (p, t) in files {
        write(dir.path(), p, t);
    }
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    dir
}

fn diff_json(d: &Path) -> (i32, Value) {
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (code, serde_json::from_str(&out).unwrap())
}

const READ: &str = "Microsoft.Storage/storageAccounts/read";
const WRITE: &str = "Microsoft.Storage/storageAccounts/write";

#[test]
fn a_role_moved_by_name_to_another_file_is_moved_and_passes_the_gate() {
    let dir = repo(&[
        ("roles/a.json", role("Storage Reader", None, &[READ])),
        ("roles/keep.json", role("Keep", None, &[READ])),
    ]);
    let d = dir.path();
    std::fs::remove_file(d.join("roles/a.json")).unwrap();
    // Reformatted on the way: the entries are the same.
    write(
        d,
        "team/storage.json",
        &role("Storage Reader", None, &[READ]).replace("  ", "\t"),
    );
    let (code, v) = diff_json(d);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changes"].as_array().unwrap().len(), 1, "{v}");
    let c = &v["changes"][0];
    assert_eq!(c["status"], "moved");
    assert_eq!(c["effectiveChange"], false);
    assert_eq!(c["movedFrom"], "roles/a.json");
    assert_eq!(c["new"]["path"], "team/storage.json");
    assert_eq!(v["summary"]["moved"], 1);
    let (_, table, _) = run_in(d, &["diff", "--git", "HEAD"]);
    assert!(
        table.contains("Storage Reader: moved  [roles/a.json → team/storage.json]"),
        "{table}"
    );
    assert!(table.contains("1 role moved to another file"), "{table}");
}

#[test]
fn a_role_moved_by_guid_and_renamed_is_paired() {
    let g = "11111111-2222-3333-4444-555555555555";
    let dir = repo(&[("roles/a.json", role("Old Name", Some(g), &[READ]))]);
    let d = dir.path();
    std::fs::remove_file(d.join("roles/a.json")).unwrap();
    write(d, "roles/b.json", &role("New Name", Some(g), &[READ]));
    let (code, v) = diff_json(d);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changes"][0]["status"], "moved");
    assert_eq!(v["changes"][0]["name"]["new"], "New Name");
}

#[test]
fn a_role_moved_and_renamed_is_paired_by_identical_permissions() {
    let dir = repo(&[("roles/a.json", role("Blob Reader", None, &[READ, WRITE]))]);
    let d = dir.path();
    std::fs::remove_file(d.join("roles/a.json")).unwrap();
    // Renamed, moved and written differently (a wildcard reaching the same two operations
    // would differ in effect; reordering does not).
    write(
        d,
        "roles/b.json",
        &role("Storage Blob Reader", None, &[WRITE, READ]),
    );
    let (code, v) = diff_json(d);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changes"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["changes"][0]["status"], "moved");
    assert_eq!(v["changes"][0]["movedFrom"], "roles/a.json");
}

#[test]
fn a_moved_role_that_also_widens_is_changed_and_fails_the_gate() {
    let dir = repo(&[("roles/a.json", role("Storage Reader", None, &[READ]))]);
    let d = dir.path();
    std::fs::remove_file(d.join("roles/a.json")).unwrap();
    write(
        d,
        "roles/b.json",
        &role("Storage Reader", None, &[READ, WRITE]),
    );
    let (code, v) = diff_json(d);
    assert_eq!(code, 1, "{v}");
    let c = &v["changes"][0];
    assert_eq!(c["status"], "changed");
    assert_eq!(c["movedFrom"], "roles/a.json");
    assert_eq!(c["added"]["actions"][0], WRITE);
}

#[test]
fn different_roles_are_not_paired() {
    let dir = repo(&[(
        "roles/a.json",
        role(
            "Reader One",
            Some("11111111-1111-1111-1111-111111111111"),
            &[READ],
        ),
    )]);
    let d = dir.path();
    std::fs::remove_file(d.join("roles/a.json")).unwrap();
    // Same permissions, different GUID: another role.
    write(
        d,
        "roles/b.json",
        &role(
            "Reader Two",
            Some("22222222-2222-2222-2222-222222222222"),
            &[READ],
        ),
    );
    let (code, v) = diff_json(d);
    assert_eq!(code, 1, "{v}");
    let statuses: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["removed", "added"]);
}
