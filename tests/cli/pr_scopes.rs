//! Assignable-scope changes through `azrbac diff`: a widened scope is an effective change that
//! trips the default gate and `--fail-on scope-widened`; a narrowed one is reported and never
//! trips it; a scope replaced by an unrelated one is both.

use crate::common::*;
use serde_json::Value;

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ml";
const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000001";
const MG: &str = "/providers/Microsoft.Management/managementGroups/platform";

fn role(dir: &std::path::Path, file: &str, actions: &[&str], scopes: &[&str]) -> String {
    let v = serde_json::json!({
        "Name": "Workspace Reader",
        "IsCustom": true,
        "Actions": actions,
        "AssignableScopes": scopes,
    });
    let p = dir.join(file);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    p.display().to_string()
}

const READ: &str = "Microsoft.MachineLearningServices/workspaces/read";
const ASSIGN: &str = "Microsoft.Authorization/roleAssignments/write";

/// `diff OLD NEW --format sarif`, schema-checked: its results and NEW's lines.
fn sarif(old: &str, new: &str) -> (Vec<Value>, Vec<String>) {
    let (_, out, err) = run(&["diff", old, new, "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    super::diff::assert_valid_sarif(&log);
    let lines = std::fs::read_to_string(new)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (log["runs"][0]["results"].as_array().unwrap().clone(), lines)
}

fn line_of<'a>(r: &Value, lines: &'a [String]) -> &'a str {
    let n = r["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap() as usize;
    &lines[n - 1]
}

/// Runs diff OLD NEW with the extra arguments; returns (exit code, JSON).
fn diff(old: &str, new: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["diff", old, new, "--format", "json"];
    args.extend(extra);
    let (code, out, err) = run(&args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (code, serde_json::from_str(&out).unwrap())
}

#[test]
fn a_resource_group_widened_to_its_subscription_fails_the_default_gate() {
    let d = tempfile::tempdir().unwrap();
    let old = role(d.path(), "old.json", &[READ], &[RG]);
    let new = role(d.path(), "new.json", &[READ], &[SUB]);
    let (code, v) = diff(&old, &new, &[]);
    assert_eq!(code, 1, "{v}");
    let c = &v["changes"][0];
    assert_eq!(c["status"], "changed");
    assert_eq!(c["effectiveChange"], true);
    assert_eq!(c["scopeChange"]["widened"][0]["scope"], SUB);
    assert_eq!(c["scopeChange"]["widened"][0]["replaces"][0], RG);
    assert_eq!(c["scopeChange"]["narrowed"], serde_json::json!([]));
    assert_eq!(v["summary"]["scopeWidened"], 1);
    let reason = v["gate"]["reasons"][0].as_str().unwrap();
    assert!(
        reason.contains("assignable scopes widened") && reason.contains(SUB),
        "{reason}"
    );
    assert_eq!(diff(&old, &new, &["--fail-on", "scope-widened"]).0, 1);
    // Nothing high-risk is granted: the high-risk gate lets it through.
    assert_eq!(diff(&old, &new, &["--fail-on", "high-risk"]).0, 0);
    assert_eq!(diff(&old, &new, &["--fail-on", "none"]).0, 0);
    // The table says so in words.
    let (code, out, _) = run(&["diff", &old, &new]);
    assert_eq!(code, 1);
    assert!(
        out.contains("WIDENS where the role can be assigned"),
        "{out}"
    );
    assert!(
        out.contains("assignable scopes widened for 1 role"),
        "{out}"
    );
    // SARIF: one scope-widened result on the new scope's line, a warning (nothing high risk).
    let (results, lines) = sarif(&old, &new);
    assert_eq!(results.len(), 1, "{results:?}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "azrbac/scope-widened");
    assert_eq!(r["level"], "warning");
    assert!(line_of(r, &lines).contains(SUB), "{}", line_of(r, &lines));
    let msg = r["message"]["text"].as_str().unwrap();
    assert!(
        msg.contains(&format!("(replacing '{RG}')")) && msg.contains("none of its operations"),
        "{msg}"
    );
}

#[test]
fn an_added_management_group_widens_and_a_high_risk_role_trips_the_high_risk_gate() {
    let d = tempfile::tempdir().unwrap();
    let old = role(d.path(), "old.json", &[READ, ASSIGN], &[RG]);
    let new = role(d.path(), "new.json", &[READ, ASSIGN], &[RG, MG]);
    let (code, v) = diff(&old, &new, &["--fail-on", "high-risk"]);
    assert_eq!(code, 1, "{v}");
    let c = &v["changes"][0];
    assert_eq!(c["scopeChange"]["widened"][0]["scope"], MG);
    assert_eq!(
        c["scopeChange"]["widened"][0]["replaces"],
        serde_json::json!([])
    );
    assert!(c["scopeChange"]["highRiskGranted"].as_u64().unwrap() >= 1);
    assert_eq!(c["added"]["actions"], serde_json::json!([]));
    let reason = v["gate"]["reasons"][0].as_str().unwrap();
    assert!(reason.contains("high-risk operation"), "{reason}");
    // SARIF: an error on the added management group's line, not on the unchanged scope's.
    let (results, lines) = sarif(&old, &new);
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "azrbac/scope-widened");
    assert_eq!(results[0]["level"], "error");
    let at = line_of(&results[0], &lines);
    assert!(at.contains(MG) && !at.contains(RG), "{at}");
}

#[test]
fn narrowing_is_reported_and_never_trips_the_gate() {
    let d = tempfile::tempdir().unwrap();
    let old = role(d.path(), "old.json", &[READ], &[SUB, MG]);
    let new = role(d.path(), "new.json", &[READ], &[RG]);
    for gate in ["added", "scope-widened", "high-risk"] {
        let (code, v) = diff(&old, &new, &["--fail-on", gate]);
        assert_eq!(code, 0, "{gate}: {v}");
        let c = &v["changes"][0];
        assert_eq!(c["status"], "changed");
        assert_eq!(c["scopeChange"]["widened"], serde_json::json!([]));
        assert_eq!(
            c["scopeChange"]["narrowed"],
            serde_json::json!([SUB, MG]),
            "{c}"
        );
    }
    // Narrowing alone is no SARIF result.
    assert!(sarif(&old, &new).0.is_empty());
}

#[test]
fn an_unrelated_scope_is_both_widened_and_narrowed() {
    let d = tempfile::tempdir().unwrap();
    // A management group's subscriptions are not in a role file: MG does not cover SUB.
    let old = role(d.path(), "old.json", &[READ], &[SUB]);
    let new = role(d.path(), "new.json", &[READ], &[MG]);
    let (code, v) = diff(&old, &new, &["--fail-on", "scope-widened"]);
    assert_eq!(code, 1, "{v}");
    let c = &v["changes"][0];
    assert_eq!(c["scopeChange"]["widened"][0]["scope"], MG);
    assert_eq!(
        c["scopeChange"]["widened"][0]["replaces"],
        serde_json::json!([])
    );
    assert_eq!(c["scopeChange"]["narrowed"], serde_json::json!([SUB]));
}

#[test]
fn a_respelled_or_covered_scope_is_no_effective_change() {
    let d = tempfile::tempdir().unwrap();
    let old = role(d.path(), "old.json", &[READ], &[SUB]);
    let lower = SUB
        .to_ascii_uppercase()
        .replace("/SUBSCRIPTIONS/", "/subscriptions/")
        + "/";
    let new = role(d.path(), "new.json", &[READ], &[&lower, RG]);
    let (code, v) = diff(&old, &new, &["--fail-on", "scope-widened"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changes"][0]["status"], "no effective change");
    assert_eq!(v["changes"][0]["effectiveChange"], false);
}
