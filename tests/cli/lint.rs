//! `azrbac lint` and `azrbac rule` through the binary: one fixture per rule with its findings
//! pinned, the Azure ML documentation's example roles with reviewed findings, the JSON
//! contract, SARIF against the official 2.1.0 schema, exit codes and rule selection.
//!
//! Expected outputs live beside the fixtures (`*.expected`); after a reviewed change,
//! `AZRBAC_BLESS=1 cargo test --test cli lint` rewrites them.

use crate::common::*;
use std::path::Path;

/// Runs azrbac from the project root (so paths in the output are relative and stable).
fn run_here(args: &[&str]) -> (i32, String, String) {
    let out = azrbac().current_dir(root()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Compares `actual` with the expected file, or rewrites it when `AZRBAC_BLESS` is set.
fn golden(expected: &Path, actual: &str) {
    if std::env::var_os("AZRBAC_BLESS").is_some() {
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with AZRBAC_BLESS=1 and review it",
            expected.display()
        )
    });
    assert_eq!(actual, want, "output differs from {}", expected.display());
}

fn rule_codes() -> Vec<String> {
    let v = run_json(&["rule", "--format", "json"]);
    v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

/// The fixtures of `tests/fixtures/lint` (one per rule, and `clean.json`), relative to the root.
fn fixture_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/lint"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

/// Lints every fixture in one process.
fn lint_fixtures(extra: &[&str]) -> (i32, String) {
    let files = fixture_files();
    let mut args = vec!["lint"];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = run_here(&args);
    assert!(err.is_empty(), "{err}");
    (code, out)
}

#[test]
fn every_rule_has_a_fixture_with_its_findings_pinned() {
    let codes = rule_codes();
    assert!(codes.len() >= 19, "{codes:?}");
    let (status, text) = lint_fixtures(&[]);
    assert_eq!(status, 1);
    let (_, json) = lint_fixtures(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = json["findings"].as_array().unwrap();
    for code in &codes {
        let rel = format!("tests/fixtures/lint/{code}.json");
        assert!(root().join(&rel).is_file(), "no fixture for {code}");
        // The fixture shows its own rule firing, and errors only in the error rules' fixtures.
        let mine: Vec<&serde_json::Value> = findings
            .iter()
            .filter(|f| f["file"] == rel.as_str())
            .collect();
        assert!(
            mine.iter().any(|f| f["code"] == code.as_str()),
            "{code}: fixture does not trigger its rule"
        );
        let has_errors = mine.iter().any(|f| f["severity"] == "error");
        assert_eq!(
            has_errors,
            code.starts_with("AZR0"),
            "{code}: error findings in the fixture"
        );
        let lines: String = text
            .lines()
            .filter(|l| l.starts_with(&format!("{rel}:")))
            .map(|l| format!("{l}\n"))
            .collect();
        golden(
            &root().join(format!("tests/fixtures/lint/{code}.expected")),
            &lines,
        );
    }
    assert!(
        !findings
            .iter()
            .any(|f| f["file"] == "tests/fixtures/lint/clean.json")
    );
    let summary = text.lines().last().unwrap();
    let n = fixture_files().len();
    assert!(
        summary.ends_with(&format!("({n} files). `azrbac rule CODE` explains a rule.")),
        "{summary}"
    );
}

#[test]
fn json_contract() {
    let v = run_json(&[
        "lint",
        "--format",
        "json",
        fixture("lint/AZR001.json").to_str().unwrap(),
    ]);
    assert_eq!(v["schemaVersion"], 1);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 4);
    let f = &findings[0];
    for key in [
        "code", "name", "severity", "message", "file", "pointer", "line", "entry",
    ] {
        assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
    }
    assert_eq!(f["code"], "AZR001");
    assert_eq!(f["name"], "unknown-operation");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["pointer"], "/Actions/0");
    assert_eq!(f["line"], 6);
    assert_eq!(f["column"], 5);
    assert_eq!(
        f["entry"],
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoint/read"
    );
    assert_eq!(f["role"], "Unknown operations");
    assert!(f["file"].as_str().unwrap().ends_with("AZR001.json"));
    assert_eq!(v["summary"]["errors"], 4);
    assert_eq!(v["summary"]["warnings"], 0);
    // A role-level finding has no entry.
    let v = run_json(&[
        "lint",
        "--format",
        "json",
        fixture("lint/AZR008.json").to_str().unwrap(),
    ]);
    let f = &v["findings"][0];
    assert_eq!(f["pointer"], "/0");
    assert!(f["entry"].is_null());
    assert_eq!(f["line"], 2);
}

/// Every line number in the JSON output points at the line holding the entry or scope.
#[test]
fn lines_point_at_the_offending_value() {
    let (_, json) = lint_fixtures(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut checked = 0;
    for f in json["findings"].as_array().unwrap() {
        let text = std::fs::read_to_string(root().join(f["file"].as_str().unwrap())).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let line = f["line"].as_u64().expect("JSON files locate every finding") as usize;
        let column = f["column"].as_u64().unwrap() as usize;
        if let Some(e) = f["entry"].as_str() {
            let escaped = serde_json::to_string(e).unwrap();
            let at: String = lines[line - 1].chars().skip(column - 1).collect();
            assert!(
                at.starts_with(&escaped),
                "{}:{line}:{column}: {escaped} does not start there",
                f["file"]
            );
            checked += 1;
        } else {
            // A role-level finding points at the role object; an unresolved value, or a key the
            // CLI ignores, at its value.
            // A suppression comment (AZR111), at its comment marker.
            let at = lines[line - 1].chars().nth(column - 1);
            let comment = f["code"] == "AZR111" && matches!(at, Some('/' | '#'));
            assert!(
                comment || matches!(at, Some('{' | '"' | '[')),
                "{}:{line}:{column}: {at:?}",
                f["file"]
            );
        }
    }
    assert!(checked > 40, "{checked}");
}

#[test]
fn exit_codes() {
    let clean = fixture("lint/clean.json");
    let (code, out, _) = run_here(&["lint", clean.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "No findings in 1 role (1 file).\n");
    // Warnings alone pass, unless denied.
    let warn = fixture("lint/AZR103.json");
    assert_eq!(run_here(&["lint", warn.to_str().unwrap()]).0, 0);
    assert_eq!(
        run_here(&["lint", "--deny-warnings", warn.to_str().unwrap()]).0,
        1
    );
    // Information findings never fail the gate.
    let info = fixture("lint/AZR201.json");
    assert_eq!(
        run_here(&["lint", "--deny-warnings", info.to_str().unwrap()]).0,
        0
    );
    // Errors fail.
    assert_eq!(
        run_here(&["lint", fixture("lint/AZR003.json").to_str().unwrap()]).0,
        1
    );
    // Unreadable input: 2, a one-line message naming the file, and the readable files still linted.
    let (code, out, err) = run_here(&[
        "lint",
        "tests/fixtures/lint/nope.json",
        "tests/fixtures/lint/AZR003.json",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        "error: tests/fixtures/lint/nope.json: no such file or directory"
    );
    assert!(out.contains("AZR003"), "{out}");
    let (code, _, err) = run_here(&["lint", "tests/fixtures/lint/broken.json.txt"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: tests/fixtures/lint/broken.json.txt:3:"),
        "{err}"
    );
    // A format lint does not produce.
    let (code, _, err) = run_here(&[
        "lint",
        "--format",
        "markdown",
        "tests/fixtures/lint/clean.json",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--format markdown is not supported"), "{err}");
}

#[test]
fn stdin_is_read_with_lines() {
    let text = std::fs::read_to_string(fixture("lint/AZR104.json")).unwrap();
    let out = azrbac()
        .args(["lint", "--format", "json", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["file"], "<stdin>");
    assert_eq!(v["findings"][0]["line"], 6);
}

#[test]
fn select_and_ignore() {
    let f = "tests/fixtures/lint/AZR106.json";
    let has = |out: &str, code: &str| out.contains(&format!(": {code} "));
    let (_, all, _) = run_here(&["lint", f]);
    assert!(
        has(&all, "AZR105") && has(&all, "AZR106") && has(&all, "AZR107"),
        "{all}"
    );
    let (_, out, _) = run_here(&["lint", "--select", "AZR106", f]);
    assert!(
        has(&out, "AZR106") && !has(&out, "AZR105") && !has(&out, "AZR107"),
        "{out}"
    );
    let (_, out, _) = run_here(&[
        "lint",
        "--select",
        "AZR1",
        "--ignore",
        "broad-wildcard,AZR107",
        f,
    ]);
    assert!(
        has(&out, "AZR105") && !has(&out, "AZR106") && !has(&out, "AZR107"),
        "{out}"
    );
    let (code, _, err) = run_here(&["lint", "--select", "AZR1O5", f]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`AZR1O5` names no rule (did you mean `AZR105`?)"),
        "{err}"
    );
}

#[test]
fn rule_pages() {
    let (code, out, _) = run_here(&["rule", "AZR001"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        std::fs::read_to_string(root().join("docs/rules/AZR001.md")).unwrap()
    );
    let (_, by_name, _) = run_here(&["rule", "unknown-operation"]);
    assert_eq!(by_name, out);
    let v = run_json(&["rule", "azr107", "--format", "json"]);
    assert_eq!(v["name"], "custom-owner");
    assert_eq!(v["severity"], "warning");
    assert!(
        v["doc"]
            .as_str()
            .unwrap()
            .starts_with("# AZR107 custom-owner")
    );
    let (code, _, err) = run_here(&["rule", "unknown-operatoin"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `unknown-operation`"), "{err}");
    let (code, list, _) = run_here(&["rule"]);
    assert_eq!(code, 0);
    for c in rule_codes() {
        assert!(list.contains(&c), "{c} missing from the rule list");
        assert!(
            root().join(format!("docs/rules/{c}.md")).is_file(),
            "docs/rules/{c}.md"
        );
    }
}

/// The official SARIF 2.1.0 schema (`tests/fixtures/sarif-2.1.0.json`, the OASIS TC's file as
/// shipped in the serde-sarif crate). Its `language` pattern has a stray `]` that Rust regex
/// engines reject; the OASIS errata 01 corrected it to the form used here.
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(fixture("sarif-2.1.0.json")).unwrap();
    let text = text.replace(
        r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        r"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    // The validator is not vacuous: a driver needs a name, a level is one of four words.
    assert!(
        !validator
            .is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}))
    );
    let bad_level = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
        "results": [{"message": {"text": "m"}, "level": "fatal"}]}]});
    assert!(!validator.is_valid(&bad_level));
    validator
}

#[test]
fn sarif_is_valid_and_carries_rules_and_lines() {
    let validator = sarif_validator();
    let files = fixture_files();
    let mut args = vec!["lint", "--format", "sarif"];
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = run_here(&args);
    assert_eq!(code, 1, "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), rule_codes().len());
    assert_eq!(rules[0]["id"], "AZR001");
    assert_eq!(rules[0]["name"], "unknown-operation");
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
    assert!(
        rules[0]["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Fix")
    );
    // The same findings as the JSON output, each with its line.
    let mut json_args = vec!["lint", "--format", "json"];
    json_args.extend(files.iter().map(String::as_str));
    let (_, json_out, _) = run_here(&json_args);
    let json: serde_json::Value = serde_json::from_str(&json_out).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["code"]);
        assert_eq!(r["message"]["text"], f["message"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], f["file"]);
        assert_eq!(loc["region"]["startLine"], f["line"]);
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let level = match f["severity"].as_str().unwrap() {
            "info" => "note",
            s => s,
        };
        assert_eq!(r["level"], level);
    }
    // Selection narrows the rule metadata too.
    let (_, out, _) = run_here(&[
        "lint",
        "--format",
        "sarif",
        "--select",
        "AZR1",
        "tests/fixtures/lint/clean.json",
    ]);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(validator.is_valid(&log));
    let ids: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.iter().all(|i| i.starts_with("AZR1")) && !ids.is_empty(),
        "{ids:?}"
    );
    assert!(log["runs"][0]["results"].as_array().unwrap().is_empty());
}

/// The example custom roles of the Azure ML documentation (see
/// `tests/fixtures/lint/azureml/README.md`), linted together; every finding reviewed:
///
/// - AZR010 on every role: the documentation's `AssignableScopes` are templates
///   (`/subscriptions/<subscriptionId>`); deployed as written, Azure rejects them.
/// - AZR001 on both MLOps Custom revisions: `workspaces/experiments/jobs/read|write` are not in
///   the provider's operation list (the reference notes it too); the suggestion
///   `experiments/runs/...` is the operation those jobs are tracked under.
/// - AZR101 on MLOps Custom (2024-01): `workspaces/metadata/codes/*/write` matches no catalog
///   operation (also noted in the reference); the 2024-09 revision dropped it.
/// - AZR102 on Data Scientist Custom, Data Scientist Restricted Custom (both revisions), MLFlow
///   Data Scientist Custom, MLOps Custom (both), Labeler Custom (older) and Labeling Team Lead:
///   their `Actions` are explicit or limited to some resource types, so exclusions such as
///   `Microsoft.Authorization/*`, `workspaces/write` or `labeling/projects/write` remove
///   nothing the role grants. They read as protections and are not (NotActions is not a deny).
///   The intro example (`Actions: ["*"]`) gets none: there every exclusion removes something.
/// - AZR105 on the intro example: `workspaces/computes/*/delete` removes only
///   `workspaces/computes/delete`, which `workspaces/*/delete` above it already removes.
/// - AZR106 on the intro example: `Actions: ["*"]`.
/// - AZR107 on Workspace Admin Custom: `Microsoft.Authorization/roleAssignments/*` grants
///   role-assignment writes (the documentation says it "can assign existing roles").
/// - AZR109, one finding per entry and risk category, each after the entry's own exclusions:
///   `workspaces/*/read` reaches the secret-returning reads (`metadata/secrets/read`,
///   `listNotebookKeys/read`, `listNotebookAccessToken/read`) in every role that grants it;
///   `workspaces/*/action` reaches the key-listing actions (16 in Data Scientist Custom,
///   which excludes `workspaces/listKeys` and `computes/listKeys`; 18 in Workspace Admin
///   Custom, which excludes neither), job submission and compute application access;
///   `*/write` and `*/delete` reach job and deployment writes (code execution), outbound-rule
///   changes (network exposure) and deletions; the explicit entries of the restricted,
///   MLOps, MLflow and online-endpoint roles are flagged exactly for the dangerous operations
///   they name (`experiments/runs/submit/action`, `environments/build/action`,
///   `metadata/secrets/read`, `onlineEndpoints/listKeys|token|regenerateKeys/action`, ...);
///   the scoring role's `onlineEndpoints/*/action` also grants listing and regenerating keys;
///   the intro example's `*` reaches every category (its `Microsoft.Authorization/*/write`
///   exclusion leaves the Authorization deletes and `elevateAccess/action`).
///   The labeling roles and Labeler Custom grant nothing of medium or higher severity.
///
/// Roles without a finding beyond AZR010 (Labeler Custom, Vendor account admin, Customer QA,
/// Vendor QA, the two online-endpoint roles) list known operations without redundancy.
#[test]
fn azure_ml_documentation_roles() {
    let dir = root().join("tests/fixtures/lint/azureml");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), 16);
    let mut args = vec!["lint"];
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = run_here(&args);
    assert_eq!(code, 1, "{err}");
    golden(&root().join("tests/fixtures/lint/azureml.expected"), &out);
    // The reviewed counts, so a change in any rule shows here as well as in the golden file.
    let mut json_args = vec!["lint", "--format", "json"];
    json_args.extend(files.iter().map(String::as_str));
    let (_, json_out, _) = run_here(&json_args);
    let v: serde_json::Value = serde_json::from_str(&json_out).unwrap();
    let mut by_code = std::collections::BTreeMap::new();
    for f in v["findings"].as_array().unwrap() {
        *by_code
            .entry(f["code"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    let want: Vec<(&str, usize)> = vec![
        ("AZR001", 4),
        ("AZR010", 16),
        ("AZR101", 1),
        ("AZR102", 48),
        ("AZR105", 1),
        ("AZR106", 1),
        ("AZR107", 1),
        ("AZR109", 59),
    ];
    let got: Vec<(&str, usize)> = by_code.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(got, want);
}

/// Lints an infrastructure-code fixture, pins its output, and checks that every finding's
/// line is the one its locator names and that the entry is written on it.
fn lint_iac(rel: &str, expected: &str) -> Vec<serde_json::Value> {
    let (code, out, err) = run_here(&["lint", rel]);
    assert_eq!(code, 1, "{err}");
    golden(&root().join(expected), &out);
    let (_, json, _) = run_here(&["lint", "--format", "json", rel]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let findings = v["findings"].as_array().unwrap().clone();
    for f in &findings {
        let line = f["line"].as_u64().unwrap() as usize;
        let pointer = f["pointer"].as_str().unwrap();
        assert!(
            pointer.ends_with(&format!("@{line}:{}", f["column"])),
            "{pointer}"
        );
        if let Some(e) = f["entry"].as_str() {
            let at: String = lines[line - 1]
                .chars()
                .skip(f["column"].as_u64().unwrap() as usize - 1)
                .collect();
            // A value known only at plan time is kept as `[EXPRESSION]`: the expression is
            // at the column; a literal starts after its quote.
            let written = match e.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
                Some(expr) => at.starts_with(expr),
                None => at[1..].starts_with(e),
            };
            assert!(written, "{rel}:{line}: {e} not at the column");
        }
    }
    findings
}

/// Terraform `azurerm_role_definition` resources are linted like JSON roles; findings carry
/// the parser's `ADDRESS.field[i]@LINE:COLUMN` locators and their lines; `scope` counts as an
/// assignable scope (Terraform adds it), and values from variables are reported as not
/// checked instead of missing.
#[test]
fn terraform_roles_are_linted_at_their_lines() {
    let findings = lint_iac(
        "tests/fixtures/lint/terraform/roles.tf",
        "tests/fixtures/lint/terraform/roles.expected",
    );
    // `scope` from a data source and a name with interpolation are plan-time values, not
    // missing: the scope is not checked (AZR201), the name touches no permission (issue 15).
    assert!(
        findings
            .iter()
            .all(|f| f["code"] != "AZR009" && f["code"] != "AZR008")
    );
    assert_eq!(findings.iter().filter(|f| f["code"] == "AZR201").count(), 2);
}

/// Bicep `Microsoft.Authorization/roleDefinitions` resources likewise: a data operation in
/// `actions`, DataActions with a management-group scope, a repeated exclusion, and scopes from
/// a parameter (not checked, not missing).
#[test]
fn bicep_roles_are_linted_at_their_lines() {
    let findings = lint_iac(
        "tests/fixtures/lint/bicep/roles.bicep",
        "tests/fixtures/lint/bicep/roles.expected",
    );
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    // The name `guid(...)` is a deploy-time value that touches no permission: named in the
    // role, not reported as unchecked (issue 15); the scopes from a parameter without a
    // value are.
    assert_eq!(codes, ["AZR004", "AZR109", "AZR108", "AZR201", "AZR103"]);
}

/// Issue 4: a role that `azrbac generate` emits has no error findings. Every scenario's
/// generated role (the committed `roles/*.json`, which another test regenerates byte for byte)
/// is linted, and so is a compact generation of each scenario.
#[test]
fn generated_roles_have_no_error_findings() {
    let dir = root().join("roles");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert!(
        files.len() >= 13,
        "expected the scenario roles in roles/, found {files:?}"
    );
    let mut args = vec!["lint", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let v = run_json(&args);
    let errors: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        errors.is_empty(),
        "generated roles have error findings: {errors:#?}"
    );

    let tmp = tempfile::tempdir().unwrap();
    for f in &files {
        let name = std::path::Path::new(f)
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap();
        let out = tmp.path().join(format!("{name}.json"));
        let (code, _, err) = run(&[
            "generate",
            "--scenario",
            name,
            "--compact",
            "--scope",
            "/subscriptions/00000000-0000-0000-0000-000000000000",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "generate --compact --scenario {name}: {err}");
        let v = run_json(&["lint", "--format", "json", out.to_str().unwrap()]);
        let errors: Vec<&serde_json::Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert!(
            errors.is_empty(),
            "compact {name} has error findings: {errors:#?}"
        );
    }
}

/// A directory is linted whole: JSON, Terraform and Bicep role files (found by an audit: `.tf`
/// and `.bicep` files in a directory were skipped without a word).
#[test]
fn a_directory_lints_json_terraform_and_bicep_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("lint/clean.json"), dir.path().join("a.json")).unwrap();
    std::fs::copy(fixture("diff/tf-new.tf"), dir.path().join("b.tf")).unwrap();
    std::fs::copy(fixture("diff/bicep-new.bicep"), dir.path().join("c.bicep")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a role").unwrap();
    let d = dir.path().display().to_string();
    let v = run_json(&["lint", &d, "--format", "json"]);
    assert_eq!(v["files"], 3, "{v}");
    let files: std::collections::BTreeSet<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        files.contains("b.tf") && files.contains("c.bicep"),
        "{files:?}"
    );
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["lint", &empty.path().display().to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("directory holds no role file"), "{err}");
}
