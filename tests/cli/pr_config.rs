//! The configuration file (`azrbac.toml`), inline suppressions, baselines and accepted grants,
//! through `azrbac lint` and `azrbac diff` in temporary repositories.

use super::diff_git::{git, run_in, write};
use crate::common::*;
use serde_json::Value;
use std::path::Path;

const JOBS_WRITE: &str = "Microsoft.MachineLearningServices/workspaces/jobs/write";
const JOBS_DELETE: &str = "Microsoft.MachineLearningServices/workspaces/jobs/delete";
const READ: &str = "Microsoft.MachineLearningServices/workspaces/read";

fn role_json(name: &str, actions: &[&str]) -> String {
    let actions: Vec<String> = actions.iter().map(|a| format!("    \"{a}\"")).collect();
    format!(
        "{{\n  \"Name\": \"{name}\",\n  \"IsCustom\": true,\n  \"Actions\": [\n{}\n  ],\n  \"AssignableScopes\": [\"/subscriptions/00000000-0000-0000-0000-000000000001\"]\n}}\n",
        actions.join(",\n")
    )
}

/// A repository with `roles/jobs.json` (two AZR109 findings) and a `sub/` folder.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(
        dir.path(),
        "roles/jobs.json",
        &role_json("Job Runner", &[READ, JOBS_WRITE, JOBS_DELETE]),
    );
    write(dir.path(), "sub/.keep", "");
    dir
}

fn lint_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut a = vec!["lint", "--format", "json"];
    a.extend(args);
    let (code, out, err) = run_in(dir, &a);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (code, serde_json::from_str(&out).unwrap())
}

fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_config_is_found_from_a_subdirectory_up_to_the_repository_root() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "azrbac.toml",
        "[lint]\nper-file-ignores = { \"roles/*.json\" = [\"dangerous-operation\"] }\n",
    );
    let (code, v) = lint_json(&d.join("sub"), &["../roles", "--deny-warnings"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["suppressed"], 2);
    assert_eq!(v["suppressed"][0]["by"], "per-file-ignores");
    // --no-config ignores it; --config names another.
    let (code, v) = lint_json(
        &d.join("sub"),
        &["../roles", "--deny-warnings", "--no-config"],
    );
    assert_eq!(code, 1);
    assert_eq!(codes(&v), vec!["AZR109", "AZR109"]);
    write(d, "other.toml", "[lint]\nignore = [\"AZR1\"]\n");
    let (code, _) = lint_json(d, &["roles", "--deny-warnings", "--config", "other.toml"]);
    assert_eq!(code, 0);
    // `.azrbac.toml` is found too; both at once is an error naming them.
    std::fs::rename(d.join("azrbac.toml"), d.join(".azrbac.toml")).unwrap();
    assert_eq!(lint_json(d, &["roles", "--deny-warnings"]).0, 0);
    write(d, "azrbac.toml", "");
    let (code, _, err) = run_in(d, &["lint", "roles"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("both azrbac.toml and .azrbac.toml exist"),
        "{err}"
    );
}

#[test]
fn a_config_above_the_repository_root_is_not_read() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "azrbac.toml", "[lint]\nignore = [\"ALL\"]\n");
    let inner = outer.path().join("repo");
    std::fs::create_dir(&inner).unwrap();
    git(&inner, &["init", "-q"]);
    write(&inner, "r.json", &role_json("Job Runner", &[JOBS_WRITE]));
    let (code, v) = lint_json(&inner, &["r.json", "--deny-warnings"]);
    assert_eq!(code, 1, "{v}");
}

#[test]
fn config_errors_name_the_file_and_the_key() {
    let dir = repo();
    let d = dir.path();
    for (text, want) in [
        (
            "[lint]\nignor = [\"AZR109\"]\n",
            "azrbac.toml: unknown key `ignor` in [lint] (did you mean `ignore`?)",
        ),
        (
            "[lnit]\n",
            "azrbac.toml: unknown key `lnit` (did you mean `lint`?)",
        ),
        (
            "[diff]\nfail-on = \"high-risks\"\n",
            "azrbac.toml: diff.fail-on: unknown value `high-risks` (did you mean `high-risk`?); use none, added, high-risk, scope-widened",
        ),
        (
            "[[accept]]\nrole = \"Job Runner\"\noperations = [\"a/b/write\"]\nrason = \"x\"\n",
            "unknown key `rason` in [[accept]] #1 (did you mean `reason`?)",
        ),
        ("[lint]\nselect = [\"AZR999\"]\n", "names no rule"),
        ("[lint\n", "azrbac.toml: not valid TOML: line 1"),
    ] {
        write(d, "azrbac.toml", text);
        for cmd in [&["lint", "roles"][..], &["diff", "--git", "HEAD"][..]] {
            let (code, out, err) = run_in(d, cmd);
            assert_eq!(code, 2, "{text}: {out}{err}");
            assert!(err.contains(want), "{text}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
}

#[test]
fn accepted_grants_need_a_reason_and_suppress_lint_and_the_diff_gate() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "azrbac.toml",
        &format!("[[accept]]\nrole = \"job runner\"\noperations = [\"{JOBS_WRITE}\"]\n"),
    );
    let (code, _, err) = run_in(d, &["lint", "roles"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("azrbac.toml: [[accept]] #1 (role `job runner`): `reason` is required"),
        "{err}"
    );
    write(
        d,
        "azrbac.toml",
        &format!(
            "[[accept]]\nrole = \"job runner\"\noperations = [\"{JOBS_WRITE}\", \"Microsoft.MachineLearningServices/workspaces/jobs/del*\"]\nreason = \"the runner submits and cleans up jobs\"\n"
        ),
    );
    let (code, v) = lint_json(d, &["roles", "--deny-warnings"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["suppressed"][0]["by"], "config");
    assert_eq!(
        v["suppressed"][0]["reason"],
        "the runner submits and cleans up jobs"
    );

    // diff: the accepted operation is reported with its reason and does not trip the gate;
    // anything else still does.
    write(d, "roles/jobs.json", &role_json("Job Runner", &[READ]));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    write(
        d,
        "roles/jobs.json",
        &role_json("Job Runner", &[READ, JOBS_WRITE]),
    );
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["changes"][0]["accepted"][0]["operation"], JOBS_WRITE);
    assert_eq!(
        v["changes"][0]["accepted"][0]["reason"],
        "the runner submits and cleans up jobs"
    );
    assert_eq!(v["changes"][0]["added"]["actions"][0], JOBS_WRITE);
    write(
        d,
        "roles/jobs.json",
        &role_json(
            "Job Runner",
            &[
                READ,
                JOBS_WRITE,
                "Microsoft.MachineLearningServices/workspaces/computes/write",
            ],
        ),
    );
    let (code, out, _) = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Job Runner: 1 operation added"), "{out}");
    assert!(
        out.contains("1 operation accepted by the configuration"),
        "{out}"
    );
    // SARIF: the accepted entry's result is suppressed with the reason; the other is not.
    let (_, out, _) = run_in(d, &["diff", "--git", "HEAD", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out).unwrap();
    super::diff::assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let by_entry = |e: &str| {
        results
            .iter()
            .find(|r| r["properties"]["entry"] == e)
            .unwrap_or_else(|| panic!("no result for {e}: {out}"))
    };
    let accepted = by_entry(JOBS_WRITE);
    assert_eq!(accepted["suppressions"][0]["kind"], "external");
    assert_eq!(accepted["suppressions"][0]["status"], "accepted");
    assert!(
        accepted["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .ends_with("the runner submits and cleans up jobs")
    );
    let other = by_entry("Microsoft.MachineLearningServices/workspaces/computes/write");
    assert!(other.get("suppressions").is_none(), "{other}");
}

#[test]
fn diff_takes_its_default_gate_from_the_config() {
    let dir = repo();
    let d = dir.path();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    write(
        d,
        "roles/jobs.json",
        &role_json(
            "Job Runner",
            &[
                READ,
                JOBS_WRITE,
                JOBS_DELETE,
                "Microsoft.MachineLearningServices/workspaces/computes/read",
            ],
        ),
    );
    assert_eq!(run_in(d, &["diff", "--git", "HEAD"]).0, 1);
    write(d, "azrbac.toml", "[diff]\nfail-on = \"high-risk\"\n");
    let (code, out, _) = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("gate --fail-on high-risk: passed"), "{out}");
    // The command line wins.
    assert_eq!(
        run_in(d, &["diff", "--git", "HEAD", "--fail-on", "added"]).0,
        1
    );
}

#[test]
fn inline_suppressions_in_terraform_bicep_and_json_with_comments() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tf = format!(
        "resource \"azurerm_role_definition\" \"jobs\" {{\n  name  = \"Job Runner\"\n  scope = \"/subscriptions/00000000-0000-0000-0000-000000000001\"\n  permissions {{\n    actions = [\n      # azrbac: ignore[AZR109] the runner submits jobs\n      \"{JOBS_WRITE}\",\n      \"{JOBS_DELETE}\", # azrbac: ignore[dangerous-operation]\n      \"{READ}\", # azrbac: ignore[AZR109] nothing to suppress here\n    ]\n  }}\n}}\n"
    );
    write(d, "main.tf", &tf);
    let (code, v) = lint_json(d, &["main.tf", "--deny-warnings"]);
    assert_eq!(code, 1, "{v}");
    let f = v["findings"].as_array().unwrap();
    let got: Vec<(String, u64, String)> = f
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_string(),
                x["line"].as_u64().unwrap(),
                x["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "AZR111".to_string(),
                8,
                "suppression `ignore[dangerous-operation]` gives no reason".to_string()
            ),
            (
                "AZR111".to_string(),
                9,
                "suppression `ignore[AZR109]` suppresses nothing".to_string()
            ),
        ],
        "{v}"
    );
    assert_eq!(v["summary"]["suppressed"], 2);
    assert_eq!(v["suppressed"][0]["by"], "inline");
    assert_eq!(v["suppressed"][0]["reason"], "the runner submits jobs");
    // AZR111 can be ignored like any rule.
    assert_eq!(
        lint_json(d, &["main.tf", "--deny-warnings", "--ignore", "AZR111"]).0,
        0
    );

    let bicep = format!(
        "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {{\n  name: guid('jobs')\n  properties: {{\n    roleName: 'Job Runner'\n    permissions: [\n      {{\n        actions: [\n          '{READ}'\n          '{JOBS_WRITE}' // azrbac: ignore[AZR109] the runner submits jobs\n        ]\n      }}\n    ]\n    assignableScopes: [\n      '/subscriptions/00000000-0000-0000-0000-000000000001'\n    ]\n  }}\n}}\n"
    );
    write(d, "role.bicep", &bicep);
    let (code, v) = lint_json(d, &["role.bicep", "--deny-warnings"]);
    assert_eq!(code, 0, "{v}");
    let json = role_json("Job Runner", &[READ, JOBS_WRITE]).replace(
        &format!("\"{JOBS_WRITE}\""),
        &format!("// azrbac: ignore[AZR109] the runner submits jobs\n    \"{JOBS_WRITE}\""),
    );
    write(d, "role.json", &json);
    let (code, v) = lint_json(d, &["role.json", "--deny-warnings"]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn a_baseline_round_trip_survives_edits_elsewhere_and_reports_only_new_findings() {
    let dir = repo();
    let d = dir.path();
    let (code, _, err) = run_in(d, &["lint", "roles", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("recorded 2 findings in baseline.json"),
        "{err}"
    );
    let b: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(b["schemaVersion"], 1);
    assert_eq!(b["findings"].as_array().unwrap().len(), 2);
    assert!(
        b["findings"][0].get("line").is_none(),
        "matched without lines"
    );
    // Not overwritten without --force.
    let (code, _, err) = run_in(d, &["lint", "roles", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists; pass --force"), "{err}");
    assert_eq!(
        lint_json(
            d,
            &["roles", "--deny-warnings", "--baseline", "baseline.json"]
        )
        .0,
        0
    );
    // Entries reordered and lines shifted: still nothing new.
    write(
        d,
        "roles/jobs.json",
        &format!(
            "\n\n{}",
            role_json("Job Runner", &[JOBS_DELETE, READ, JOBS_WRITE])
        ),
    );
    let (code, v) = lint_json(
        d,
        &["roles", "--deny-warnings", "--baseline", "baseline.json"],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["suppressed"], 2);
    // A new dangerous entry is reported, alone.
    let compute = "Microsoft.MachineLearningServices/workspaces/computes/delete";
    write(
        d,
        "roles/jobs.json",
        &role_json("Job Runner", &[READ, JOBS_WRITE, JOBS_DELETE, compute]),
    );
    let (code, v) = lint_json(
        d,
        &["roles", "--deny-warnings", "--baseline", "baseline.json"],
    );
    assert_eq!(code, 1);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["entry"], compute);
    // A baseline that is not one is an input error naming it.
    write(d, "bad.json", "{\"schemaVersion\": 9, \"findings\": []}");
    let (code, _, err) = run_in(d, &["lint", "roles", "--baseline", "bad.json"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: bad.json: /schemaVersion: unsupported baseline version 9")
            || err.contains("bad.json: /schemaVersion"),
        "{err}"
    );
}

#[test]
fn the_generated_roles_lint_clean_through_the_repository_config() {
    let (code, out, err) = run(&["lint", "roles", "--deny-warnings"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("No findings in 17 roles (17 files); "),
        "{out}"
    );
    // Every suppression is an accepted grant with its reason, and without the config the
    // findings are all there.
    let v = run_json(&["lint", "roles", "--format", "json"]);
    let s = v["suppressed"].as_array().unwrap();
    assert!(s.len() > 50);
    assert!(
        s.iter()
            .all(|x| x["by"] == "config" && x["reason"].as_str().is_some_and(|r| r.len() > 20))
    );
    let (code, _, _) = run(&["lint", "roles", "--deny-warnings", "--no-config"]);
    assert_eq!(code, 1);
}
