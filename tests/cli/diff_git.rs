//! `azrbac diff --git` in temporary repositories: working tree and revision ranges, paths,
//! renames, skipped files, SARIF locations, and input errors.

use super::diff::{assert_valid_sarif, fx, strings};
use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=azrbac test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = azrbac().args(args).current_dir(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A repository with two role files, a non-role JSON file and a README, committed.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(
        d,
        "roles/ml reviewer.json",
        &std::fs::read_to_string(fx("ml-reviewer-old.json")).unwrap(),
    );
    write(
        d,
        "roles/compute.json",
        &std::fs::read_to_string(fx("reordered-old.json")).unwrap(),
    );
    write(
        d,
        "roles/legacy.json",
        r#"{"Name":"Legacy","Actions":["Microsoft.Compute/virtualMachines/read"]}"#,
    );
    write(d, "package.json", r#"{"name":"x","version":"1.0.0"}"#);
    write(d, "README.md", "roles\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "base"]);
    dir
}

#[test]
fn git_mode_compares_the_working_tree_with_a_base() {
    let dir = repo();
    let d = dir.path();
    // Widen one role, only reorder another, delete one, add one (untracked), touch non-roles.
    write(
        d,
        "roles/ml reviewer.json",
        &std::fs::read_to_string(fx("ml-reviewer-new.json")).unwrap(),
    );
    write(
        d,
        "roles/compute.json",
        &std::fs::read_to_string(fx("reordered-new.json")).unwrap(),
    );
    std::fs::remove_file(d.join("roles/legacy.json")).unwrap();
    write(
        d,
        "roles/new.json",
        r#"{"Name":"Newcomer","Actions":["Microsoft.KeyVault/vaults/read"]}"#,
    );
    write(d, "package.json", r#"{"name":"x","version":"1.0.1"}"#);
    write(d, "README.md", "roles, changed\n");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["git"]["base"], "HEAD");
    assert!(v["git"]["head"].is_null());
    let status: BTreeMap<String, String> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["role"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(status["ML Reviewer"], "changed");
    assert_eq!(status["ML Compute Operator"], "no effective change");
    assert_eq!(status["Legacy"], "removed");
    assert_eq!(status["Newcomer"], "added");
    let skipped: BTreeMap<String, String> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(skipped["package.json"], "holds no role definition");
    assert!(
        skipped["README.md"].contains("not a role file"),
        "{skipped:?}"
    );
    let ml = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "ML Reviewer")
        .unwrap();
    assert_eq!(ml["new"]["path"], "roles/ml reviewer.json");
    assert_eq!(ml["old"]["origin"], "HEAD:roles/ml reviewer.json");
    // The table lists the skipped files too.
    let (_, table, _) = run_in(d, &["diff", "--git", "HEAD"]);
    assert!(table.contains("skipped 2 files:"), "{table}");
    // SARIF: repository-relative, percent-encoded uri and the line of the granting entry.
    let (_, sarif, _) = run_in(d, &["diff", "--git", "HEAD", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_valid_sarif(&log);
    let r = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["properties"]["entry"] == "Microsoft.Authorization/roleAssignments/write")
        .unwrap();
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "roles/ml%20reviewer.json");
    assert_eq!(loc["region"]["startLine"], 8);
}

#[test]
fn git_mode_between_two_revisions_limited_to_paths() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "roles/compute.json",
        &std::fs::read_to_string(fx("reordered-new.json")).unwrap(),
    );
    write(d, "package.json", r#"{"name":"x","version":"2.0.0"}"#);
    git(d, &["commit", "-q", "-am", "reorder"]);
    // Only a reorder between the two commits: no effective change, gate passes.
    let (code, out, err) = run_in(
        d,
        &[
            "diff", "--git", "HEAD~1", "HEAD", "roles", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["git"]["head"], "HEAD");
    assert_eq!(v["changes"].as_array().unwrap().len(), 1);
    assert_eq!(v["changes"][0]["status"], "no effective change");
    assert!(
        v["skipped"].as_array().unwrap().is_empty(),
        "package.json is outside the path"
    );
    assert_eq!(strings(&v["files"]), vec!["roles/compute.json"]);
    // A rename with a change follows the file.
    git(d, &["mv", "roles/ml reviewer.json", "roles/reviewer.json"]);
    let mut text = std::fs::read_to_string(d.join("roles/reviewer.json")).unwrap();
    text = text.replace(
        "\"Microsoft.MachineLearningServices/workspaces/jobs/read\"",
        "\"Microsoft.MachineLearningServices/workspaces/jobs/*\"",
    );
    write(d, "roles/reviewer.json", &text);
    git(d, &["commit", "-q", "-am", "rename"]);
    let v: Value = serde_json::from_str(
        &run_in(
            d,
            &[
                "diff", "--format", "json", "--git", "HEAD~1", "HEAD", "--", "roles",
            ],
        )
        .1,
    )
    .unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 1, "{v}");
    let c = &v["changes"][0];
    assert_eq!(c["old"]["path"], "roles/ml reviewer.json");
    assert_eq!(c["new"]["path"], "roles/reviewer.json");
    assert!(
        strings(&c["added"]["actions"])
            .contains(&"Microsoft.MachineLearningServices/workspaces/jobs/write".to_string())
    );
}

#[test]
fn git_mode_input_errors() {
    let dir = repo();
    let d = dir.path();
    let (code, _, err) = run_in(d, &["diff", "--git", "no-such-rev"]);
    assert_eq!(code, 2);
    assert!(err.contains("`no-such-rev` is not a git revision"), "{err}");
    // A mistyped HEAD is neither a revision nor a path.
    let (code, _, err) = run_in(d, &["diff", "--git", "HEAD", "HAED"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`HAED` is neither a git revision nor an existing path"),
        "{err}"
    );
    // After `--` it is a pathspec like any other (here matching nothing).
    let (code, out, _) = run_in(d, &["diff", "--git", "HEAD", "--", "HAED"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("No role definitions to compare"), "{out}");
    // A role file that no longer parses is an input error naming it.
    write(
        d,
        "roles/legacy.json",
        r#"{"Name":"Legacy","Actions":["Microsoft.Compute/virtualMachines/read"],"NotActionz":[]}"#,
    );
    let (code, _, err) = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("roles/legacy.json") && err.contains("NotActionz"),
        "{err}"
    );
    // A new JSON file that does not parse but names role definitions fails closed (exit 2)
    // instead of being skipped; one that does not mention them is still skipped.
    write(
        d,
        "roles/legacy.json",
        r#"{"Name":"Legacy","Actions":["Microsoft.Compute/virtualMachines/read"]}"#,
    );
    write(
        d,
        "roles/new.json",
        "{\"Name\": \"New\", \"Actions\": [\"*\",], \"AssignableScopes\": [\"/subscriptions/x\"]}",
    );
    let (code, _, err) = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("roles/new.json"), "{err}");
    write(d, "roles/new.json", "{\"settings\": [1,]}");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("roles/new.json: not valid JSON"), "{out}");
    // An ARM template with comments is read (Azure deploys it).
    write(
        d,
        "roles/new.json",
        "{\n  // deployed by the platform team\n  \"resources\": [{\"type\": \"Microsoft.Authorization/roleDefinitions\", \"apiVersion\": \"2022-04-01\", \"name\": \"11111111-2222-3333-4444-555555555555\",\n    \"properties\": {\"roleName\": \"Commented\", /* all */ \"permissions\": [{\"actions\": [\"*\"]}], \"assignableScopes\": [\"/subscriptions/x\"]}}]\n}",
    );
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let added = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "Commented")
        .unwrap();
    assert_eq!(added["status"], "added", "{added}");
    std::fs::remove_file(d.join("roles/new.json")).unwrap();
    // Outside a repository.
    let plain = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(plain.path(), &["diff", "--git", "HEAD"]);
    assert_eq!(code, 2);
    assert!(err.contains("git"), "{err}");
}
