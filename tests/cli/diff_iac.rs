//! `azrbac diff` over infrastructure code: Terraform `.tf`, Terraform plan JSON (before/after
//! compared directly), Bicep, and `.tf` files in `--git` mode.

use super::diff::{assert_valid_sarif, fx, strings};
use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

#[test]
fn terraform_files_compare_and_unresolved_values_make_it_incomplete() {
    let (old, new) = (fx("tf-old.tf"), fx("tf-new.tf"));
    let (code, out, err) = run(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("var.extra_action"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let c = &v["changes"][0];
    assert_eq!(c["role"], "ML Job Runner");
    assert_eq!(c["id"], "3f2a1b0c-4d5e-4f60-8a7b-9c0d1e2f3a4b");
    assert_eq!(
        strings(&c["added"]["actions"]),
        vec!["Microsoft.MachineLearningServices/workspaces/computes/listKeys/action"]
    );
    assert_eq!(c["complete"], false);
    assert_eq!(v["complete"], false);
    // SARIF points at the line of the `.tf` entry that grants the key listing.
    let (_, sarif, _) = run(&["diff", &old, &new, "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_valid_sarif(&log);
    let r = &log["runs"][0]["results"][0];
    let region = &r["locations"][0]["physicalLocation"]["region"];
    let line = region["startLine"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(&new).unwrap();
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("computes/listKeys/action"),
        "line {line}"
    );
}

#[test]
fn bicep_reorder_is_no_change_and_additions_are_found() {
    let (old, new) = (fx("bicep-old.bicep"), fx("bicep-new.bicep"));
    let v = run_json(&[
        "diff",
        &old,
        &new,
        "--format",
        "json",
        "--fail-on",
        "high-risk",
    ]);
    let c = &v["changes"][0];
    assert_eq!(
        strings(&c["added"]["actions"]),
        vec!["Microsoft.Authorization/roleAssignments/write"]
    );
    // Only the new entry changed as written: the reordered ones did not.
    let added: Vec<&Value> = c["entries"]["added"].as_array().unwrap().iter().collect();
    assert_eq!(added.len(), 1);
    assert!(c["entries"]["removed"].as_array().unwrap().is_empty());
    assert_eq!(v["gate"]["failed"], true);
    // A Terraform and a Bicep version of the same role compare as well (matched by GUID).
    let v = run_json(&["diff", &fx("tf-old.tf"), &new, "--format", "json"]);
    assert_eq!(v["changes"].as_array().unwrap().len(), 1);
    assert_eq!(v["changes"][0]["status"], "changed");
}

#[test]
fn a_terraform_plan_is_compared_before_to_after() {
    let plan = fixture("analyzer/iac/plan.json").display().to_string();
    let (code, out, err) = run(&["diff", &plan, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let status: Vec<(String, String)> = v["changes"]
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
    assert!(
        status.contains(&("ML job runner".into(), "changed".into())),
        "{status:?}"
    );
    assert!(
        status.contains(&("Endpoint reader".into(), "added".into())),
        "{status:?}"
    );
    assert!(
        status.contains(&("Old role".into(), "removed".into())),
        "{status:?}"
    );
    assert_eq!(
        status.len(),
        3,
        "the resource group is not a role: {status:?}"
    );
    // Values known only after apply make the report incomplete.
    assert_eq!(v["complete"], false);
    // One argument that is not a plan is a usage error.
    let (code, _, err) = run(&["diff", &fx("pr-old.json")]);
    assert_eq!(code, 2);
    assert!(err.contains("not a Terraform plan"), "{err}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=azrbac test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args([
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

#[test]
fn git_mode_reads_terraform_and_bicep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::create_dir_all(d.join("infra")).unwrap();
    std::fs::copy(fx("tf-old.tf"), d.join("infra/roles.tf")).unwrap();
    std::fs::copy(fx("bicep-old.bicep"), d.join("infra/roles.bicep")).unwrap();
    std::fs::write(
        d.join("infra/network.tf"),
        "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n}\n",
    )
    .unwrap();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "base"]);
    std::fs::copy(fx("tf-new.tf"), d.join("infra/roles.tf")).unwrap();
    std::fs::copy(fx("bicep-new.bicep"), d.join("infra/roles.bicep")).unwrap();
    std::fs::write(
        d.join("infra/network.tf"),
        "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg2\"\n}\n",
    )
    .unwrap();
    let out = azrbac()
        .args(["diff", "--git", "HEAD", "--format", "json"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<String> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["new"]["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, vec!["infra/roles.bicep", "infra/roles.tf"]);
    assert_eq!(v["skipped"][0]["path"], "infra/network.tf");
    assert_eq!(v["skipped"][0]["reason"], "holds no role definition");
    let out = azrbac()
        .args(["diff", "--git", "HEAD", "--format", "sarif"])
        .current_dir(d)
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"infra/roles.tf") && uris.contains(&"infra/roles.bicep"),
        "{uris:?}"
    );
}

/// Terraform and Bicep on standard input are recognised by their content, so `-` works for
/// them as for JSON (for example `terraform show` piped in, or `git show REV:role.bicep | ...`).
#[test]
fn terraform_and_bicep_read_from_stdin() {
    let file = |f: &str| {
        run(&[
            "diff",
            &fx(f),
            &fx(f.replace("old", "new").as_str()),
            "--format",
            "json",
        ])
    };
    for (old, new) in [
        ("tf-old.tf", "tf-new.tf"),
        ("bicep-old.bicep", "bicep-new.bicep"),
    ] {
        let text = std::fs::read(fx(new)).unwrap();
        let (code, out, err) = run_stdin(&["diff", &fx(old), "-", "--format", "json"], &text);
        let (want_code, want, _) = file(old);
        assert_eq!(code, want_code, "{new}: {err}");
        let got: Value = serde_json::from_str(&out).unwrap();
        let want: Value = serde_json::from_str(&want).unwrap();
        assert_eq!(
            got["changes"][0]["added"], want["changes"][0]["added"],
            "{new}"
        );
        assert_eq!(
            got["changes"][0]["removed"], want["changes"][0]["removed"],
            "{new}"
        );
        assert!(
            !strings(&got["changes"][0]["added"]["actions"]).is_empty()
                || !strings(&got["changes"][0]["removed"]["actions"]).is_empty(),
            "{new}: the fixture pair changes something"
        );
    }
}
