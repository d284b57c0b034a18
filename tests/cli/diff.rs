//! `azrbac diff OLD NEW` through the binary: the set semantics, the gate, every output format
//! (SARIF checked against the SARIF 2.1.0 schema) and input errors. `--git` is in `diff_git`,
//! the proof over real role changes in `diff_history`.

use crate::common::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub(crate) fn fx(name: &str) -> String {
    fixture(&format!("diff/{name}")).display().to_string()
}

pub(crate) fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

pub(crate) fn lower(v: &[String]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_ascii_lowercase()).collect()
}

/// `expand --format json` of files, as (name → (actions, dataActions)) per role and file.
pub(crate) fn expansions(files: &[&str]) -> Vec<Value> {
    let mut args = vec!["expand", "--format", "json"];
    args.extend(files);
    let v = run_json(&args);
    v["roles"].as_array().unwrap().clone()
}

/// The SARIF 2.1.0 schema, as shipped inside the serde-sarif crate (a dev-dependency, so
/// cargo has unpacked it): found in cargo's registry sources at the version Cargo.lock pins.
fn sarif_schema() -> Value {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let at = lock
        .find("name = \"serde-sarif\"\nversion = \"")
        .expect("serde-sarif in Cargo.lock");
    let rest = &lock[at + "name = \"serde-sarif\"\nversion = \"".len()..];
    let version = &rest[..rest.find('"').unwrap()];
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let pattern = home
        .join("registry/src/*")
        .join(format!("serde-sarif-{version}/src/schema.json"));
    let path = glob::glob(&pattern.to_string_lossy())
        .unwrap()
        .filter_map(Result::ok)
        .next()
        .unwrap_or_else(|| {
            panic!(
                "the SARIF schema of serde-sarif {version} is not under {}",
                pattern.display()
            )
        });
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    schema
}

fn fix_language_patterns(v: &mut Value) -> usize {
    match v {
        Value::Object(m) => {
            let mut n = 0;
            for (k, x) in m.iter_mut() {
                if k == "pattern" && x == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *x = json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                    n += 1;
                } else {
                    n += fix_language_patterns(x);
                }
            }
            n
        }
        Value::Array(a) => a.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

fn sarif_errors(log: &Value) -> Vec<String> {
    let mut schema = sarif_schema();
    // The published schema's pattern for the `language` properties has a stray `]` that the
    // validator's regex engine rejects when it checks the schema itself; azrbac never writes
    // `language`, so the pattern is replaced by the one the properties' descriptions state.
    assert!(fix_language_patterns(&mut schema) > 0);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

pub(crate) fn assert_valid_sarif(log: &Value) {
    let errors = sarif_errors(log);
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    assert_eq!(log["version"], "2.1.0");
}

#[test]
fn a_widened_wildcard_is_shown_as_the_exact_operations_it_reaches() {
    let (old, new) = (fx("ml-reviewer-old.json"), fx("ml-reviewer-new.json"));
    let v = run_json(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(v["schemaVersion"], 1);
    let c = &v["changes"][0];
    assert_eq!(c["status"], "changed");
    // The added set is exactly NEW's expansion minus OLD's, as `expand` reports them.
    let ex = expansions(&[&old, &new]);
    let (eo, en) = (strings(&ex[0]["actions"]), strings(&ex[1]["actions"]));
    let want: Vec<String> = en
        .iter()
        .filter(|n| !lower(&eo).contains(&n.to_ascii_lowercase()))
        .cloned()
        .collect();
    assert_eq!(strings(&c["added"]["actions"]), want);
    assert!(want.len() > 90, "{}", want.len());
    assert!(strings(&c["removed"]["actions"]).is_empty());
    // The widened entry says how many operations it now reaches.
    let wide = c["entries"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry"] == "Microsoft.MachineLearningServices/workspaces/*/read")
        .unwrap();
    assert!(wide["affects"].as_u64().unwrap() > 90);
    // Risk: the role assignment write is privilege escalation, granted by /Actions/2.
    let r = c["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["operation"] == "Microsoft.Authorization/roleAssignments/write")
        .unwrap();
    assert_eq!(r["change"], "added");
    assert_eq!(r["highRisk"], true);
    assert_eq!(r["severity"], "critical");
    assert!(strings(&r["categories"]).contains(&"privilege-escalation".to_string()));
    assert_eq!(r["grantedBy"]["pointer"], "/Actions/2");
    // Secret-bearing reads reached through the wildcard are high-risk too.
    assert!(c["risks"].as_array().unwrap().iter().any(|r| r["operation"]
        == "Microsoft.MachineLearningServices/workspaces/metadata/secrets/read"
        && r["highRisk"] == true));
    assert_eq!(c["highRiskAdded"], v["summary"]["highRiskAdded"]);
    assert_eq!(
        strings(&c["assignableScopes"]["added"]),
        vec!["/subscriptions/00000000-0000-0000-0000-000000000000"]
    );
    assert_eq!(v["gate"]["failed"], true);
}

#[test]
fn the_gate_sets_the_exit_code() {
    let (old, new) = (fx("ml-reviewer-old.json"), fx("ml-reviewer-new.json"));
    assert_eq!(run(&["diff", &old, &new]).0, 1);
    assert_eq!(run(&["diff", &old, &new, "--fail-on", "added"]).0, 1);
    assert_eq!(run(&["diff", &old, &new, "--fail-on", "high-risk"]).0, 1);
    assert_eq!(run(&["diff", &old, &new, "--fail-on", "none"]).0, 0);
    // Removing access passes every gate.
    assert_eq!(run(&["diff", &new, &old, "--fail-on", "added"]).0, 0);
    // Adding only low-risk reads passes the high-risk gate but not the default one.
    let (a, b) = (fx("set-old.json"), fx("set-new.json"));
    let (code, out, _) = run(&["diff", &a, &b, "--fail-on", "high-risk"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("gate --fail-on high-risk: FAILED"), "{out}");
    let readers = json!({"Name": "R", "Actions": ["Microsoft.Compute/virtualMachines/read"]});
    let wider = json!({"Name": "R", "Actions": ["Microsoft.Compute/*/read"]});
    let dir = tempfile::tempdir().unwrap();
    let (p1, p2) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&p1, readers.to_string()).unwrap();
    std::fs::write(&p2, wider.to_string()).unwrap();
    let (p1, p2) = (p1.display().to_string(), p2.display().to_string());
    assert_eq!(run(&["diff", &p1, &p2, "--fail-on", "high-risk"]).0, 0);
    assert_eq!(run(&["diff", &p1, &p2]).0, 1);
}

#[test]
fn reorder_reformat_and_metadata_are_no_effective_change() {
    let (old, new) = (fx("reordered-old.json"), fx("reordered-new.json"));
    let (code, out, err) = run(&["diff", &old, &new]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("No effective change (1 role compared)"),
        "{out}"
    );
    assert!(
        out.contains(
            "no effective change (order, formatting or metadata only): ML Compute Operator"
        ),
        "{out}"
    );
    let v = run_json(&["diff", &old, &new, "--format", "json"]);
    let c = &v["changes"][0];
    assert_eq!(c["status"], "no effective change");
    assert_eq!(c["effectiveChange"], false);
    assert!(c["entries"]["added"].as_array().unwrap().is_empty());
    assert!(
        c["assignableScopes"]["added"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn roles_in_files_match_by_id_then_name_and_whole_roles_are_added_or_removed() {
    let v = run_json(&[
        "diff",
        &fx("set-old.json"),
        &fx("set-new.json"),
        "--format",
        "json",
    ]);
    let by: BTreeMap<String, &Value> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["role"].as_str().unwrap().to_string(), c))
        .collect();
    assert_eq!(by.len(), 4, "{:?}", by.keys());
    let renamed = by["Storage Auditor (renamed)"];
    assert_eq!(renamed["status"], "no effective change");
    assert_eq!(renamed["name"]["old"], "Storage Auditor");
    assert_eq!(by["Vault Reader"]["status"], "changed");
    assert_eq!(
        strings(&by["Vault Reader"]["added"]["dataActions"]),
        vec!["Microsoft.KeyVault/vaults/secrets/getSecret/action"]
    );
    assert_eq!(by["Legacy Operator"]["status"], "removed");
    assert_eq!(
        strings(&by["Legacy Operator"]["removed"]["actions"]),
        vec!["Microsoft.Compute/virtualMachines/start/action"]
    );
    let added = by["Deployment Runner"];
    assert_eq!(added["status"], "added");
    // An unknown literal is granted as written and classified by its name.
    assert!(
        strings(&added["added"]["actions"])
            .contains(&"Microsoft.Contoso/widgets/listKeys/action".to_string())
    );
    assert!(
        added["risks"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |r| r["operation"] == "Microsoft.Contoso/widgets/listKeys/action"
                    && r["highRisk"] == true
            )
    );
    assert_eq!(v["summary"]["roles"], 4);
    assert_eq!(v["summary"]["added"], 1);
    assert_eq!(v["summary"]["removed"], 1);
}

#[test]
fn two_builtin_roles() {
    let v = run_json(&[
        "diff",
        "Reader",
        "Contributor",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    let c = &v["changes"][0];
    let ex = run_json(&["expand", "Reader", "Contributor", "--format", "json"]);
    let (r, k) = (&ex["roles"][0], &ex["roles"][1]);
    for plane in ["actions", "dataActions"] {
        let (so, sn) = (lower(&strings(&r[plane])), lower(&strings(&k[plane])));
        assert_eq!(lower(&strings(&c["added"][plane])), &sn - &so, "{plane}");
        assert_eq!(lower(&strings(&c["removed"][plane])), &so - &sn, "{plane}");
    }
    assert_eq!(c["role"], "Contributor");
    assert!(v["summary"]["highRiskAdded"].as_u64().unwrap() > 100);
}

#[test]
fn unresolved_values_make_the_report_incomplete() {
    let (code, out, err) = run(&[
        "diff",
        &fx("ml-reviewer-old.json"),
        &fx("template-new.json"),
        "--format",
        "json",
        "--fail-on",
        "high-risk",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("incomplete"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["complete"], false);
    assert_eq!(v["changes"][0]["complete"], false);
    assert!(v["verdict"].as_str().unwrap().contains("incomplete"));
    assert!(
        strings(&v["changes"][0]["unresolved"]["new"])[0]
            .contains("[parameters('extraActions')[0]]")
    );
    assert!(
        v["gate"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("incomplete")
    );
    assert_eq!(
        run(&[
            "diff",
            &fx("ml-reviewer-old.json"),
            &fx("template-new.json"),
            "--fail-on",
            "none"
        ])
        .0,
        0
    );
}

#[test]
fn markdown_is_a_pull_request_comment() {
    let (code, out, _) = run(&[
        "diff",
        &fx("ml-reviewer-old.json"),
        &fx("ml-reviewer-new.json"),
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 1);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("❌ **azrbac role diff: 1 role changes effectively: "),
        "{first}"
    );
    assert!(
        first.contains("gate `--fail-on added`: **failed**"),
        "{first}"
    );
    let summary = out.find("| ML Reviewer | changed |").unwrap();
    let high = out.find("High-risk additions (5)").unwrap();
    let role = out.find("### ML Reviewer — changed").unwrap();
    assert!(
        summary < high && high < role,
        "summary, then high-risk additions, then details"
    );
    // The privilege escalation comes first and names the file line of its entry.
    let table = &out[high..role];
    let first_row = table
        .lines()
        .find(|l| l.starts_with("| ML Reviewer |"))
        .unwrap();
    assert!(
        first_row.contains("Microsoft.Authorization/roleAssignments/write"),
        "{first_row}"
    );
    assert!(first_row.contains("line 8"), "{first_row}");
    // The 100-operation list is folded.
    assert!(
        out.contains("<details><summary>Added, control plane: 100 operations"),
        "{out}"
    );
}

#[test]
fn sarif_validates_and_points_at_the_granting_entries() {
    let new = fx("ml-reviewer-new.json");
    let (code, out, _) = run(&[
        "diff",
        &fx("ml-reviewer-old.json"),
        &new,
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    // One result per entry that adds high-risk operations, listing them, plus the widened
    // assignable scope: four, not one per operation (five).
    assert_eq!(results.len(), 4);
    let text = std::fs::read_to_string(&new).unwrap();
    let line_of = |r: &Value| {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("tests/fixtures/diff/ml-reviewer-new.json")
        );
        let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
        text.lines().nth(line - 1).unwrap().to_string()
    };
    let mut seen = Vec::new();
    for r in &results[..3] {
        let entry = r["properties"]["entry"].as_str().unwrap();
        // The line holds the entry, and the entry's operations are listed in the message.
        let at = line_of(r);
        assert!(at.contains(&format!("\"{entry}\"")), "{entry}: {at}");
        let ops: Vec<&str> = r["properties"]["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        let msg = r["message"]["text"].as_str().unwrap();
        for op in &ops {
            assert!(msg.contains(op), "{msg}");
        }
        assert_eq!(r["level"], "error");
        seen.push((entry, ops.len(), r["ruleId"].as_str().unwrap()));
    }
    assert_eq!(
        seen,
        vec![
            (
                "Microsoft.MachineLearningServices/workspaces/*/read",
                3,
                "azrbac/diff/secret-exposure"
            ),
            (
                "Microsoft.MachineLearningServices/workspaces/jobs/*",
                1,
                "azrbac/diff/code-execution"
            ),
            (
                "Microsoft.Authorization/roleAssignments/write",
                1,
                "azrbac/diff/privilege-escalation"
            ),
        ]
    );
    // The widened scope: its own rule, on the line of the new scope.
    let scope = &results[3];
    assert_eq!(scope["ruleId"], "azrbac/scope-widened");
    assert_eq!(scope["level"], "error");
    assert!(line_of(scope).contains("\"AssignableScopes\""));
    assert!(
        scope["message"]["text"]
            .as_str()
            .unwrap()
            .contains("its 5 high-risk operations can now be granted there"),
        "{scope}"
    );
    // The schema check does reject what SARIF forbids.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = json!("fatal");
    bad["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert_eq!(sarif_errors(&bad).len(), 2, "{:?}", sarif_errors(&bad));
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        let sev: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(sev >= 7.0, "{rule}");
    }
    // No high-risk addition, no result; still a valid log.
    let (_, out, _) = run(&[
        "diff",
        &fx("reordered-old.json"),
        &fx("reordered-new.json"),
        "--format",
        "sarif",
    ]);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_valid_sarif(&log);
    assert!(log["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn input_errors_exit_2() {
    let one = fx("ml-reviewer-old.json");
    let (code, _, err) = run(&["diff", &one, &one, &one]);
    assert_eq!(code, 2);
    assert!(err.contains("expected OLD and NEW"), "{err}");
    let (code, _, err) = run(&["diff"]);
    assert_eq!(code, 2);
    assert!(err.contains("got 0 arguments"), "{err}");
    // One argument must be a Terraform plan.
    let (code, _, err) = run(&["diff", &one]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a Terraform plan"), "{err}");
    assert_eq!(run(&["diff", "-", "-"]).0, 2);
    let (code, _, err) = run(&["diff", &one, "no/such/file.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.json"), "{err}");
    let (code, _, err) = run(&["diff", &one, &one, "--format", "csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("--format csv is not supported"), "{err}");
    let (code, _, err) = run(&["diff", &one, "Readr"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `Reader`"), "{err}");
    let (code, _, err) = run(&["diff", &one, &one, "--", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("--git"), "{err}");
}

#[test]
fn stdin_is_one_side() {
    let old = fx("ml-reviewer-old.json");
    let text = std::fs::read_to_string(fx("ml-reviewer-new.json")).unwrap();
    let out = azrbac()
        .args(["diff", &old, "-", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["changes"][0]["new"]["origin"], "<stdin>");
}
