//! The pull-request comment (`diff --format markdown`) stays under GitHub's size limit on the
//! broadest changes, keeps the verdict, summary and high-risk additions first, says what it
//! left out, and several outputs come from one run.

use crate::common::*;
use serde_json::{Value, json};

const CAP: usize = 60_000;

/// 50 roles in one file, each widened from reading workspaces to broad ML, storage and
/// authorization access.
fn fifty_roles(dir: &std::path::Path) -> (String, String) {
    let mut old = Vec::new();
    let mut new = Vec::new();
    for i in 0..50 {
        let name = format!("Team {i:02} Operator");
        old.push(json!({"Name": name, "IsCustom": true,
            "Actions": ["Microsoft.MachineLearningServices/workspaces/read"],
            "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ml"]}));
        new.push(json!({"Name": name, "IsCustom": true,
            "Actions": ["Microsoft.MachineLearningServices/*", "Microsoft.Storage/*",
                        "Microsoft.Authorization/*", "Microsoft.KeyVault/*"],
            "DataActions": ["Microsoft.Storage/*"],
            "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000001"]}));
    }
    let o = dir.join("old.json");
    let n = dir.join("new.json");
    std::fs::write(
        &o,
        serde_json::to_string_pretty(&Value::Array(old)).unwrap(),
    )
    .unwrap();
    std::fs::write(
        &n,
        serde_json::to_string_pretty(&Value::Array(new)).unwrap(),
    )
    .unwrap();
    (o.display().to_string(), n.display().to_string())
}

fn check_order(md: &str) {
    let verdict = md.find("**azrbac role diff:").unwrap();
    let summary = md.find("| Role | Status |").unwrap();
    let high = md.find("High-risk additions").unwrap();
    let details = md.find(" — changed").unwrap();
    assert!(
        verdict < summary && summary < high && high < details,
        "order"
    );
}

#[test]
fn reader_to_owner_fits_a_comment_and_says_what_it_left_out() {
    let (code, md, _) = run(&["diff", "Reader", "Owner", "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(md.len() <= CAP, "{} bytes", md.len());
    assert!(md.chars().count() <= CAP);
    check_order(&md);
    assert!(
        md.contains("High-risk additions (383)"),
        "the count is of all of them"
    );
    assert!(
        md.contains("more high-risk operations left out to keep this comment under GitHub's size limit; `azrbac diff --format json` lists everything."),
        "{md}"
    );
    assert!(md.contains("cut to fit a comment"));
    // The worst come first: critical privilege escalation before anything else.
    let first = md
        .lines()
        .find(|l| l.starts_with("| Owner | `Microsoft."))
        .unwrap();
    assert!(first.contains("(critical)"), "{first}");
    // Never an invisible variation selector escaped into the text.
    assert!(!md.contains("\\u{fe0f}") && !md.contains('\u{fe0f}'));
}

#[test]
fn fifty_changed_roles_fit_a_comment_and_the_full_report_is_a_second_file() {
    let d = tempfile::tempdir().unwrap();
    let (old, new) = fifty_roles(d.path());
    let comment = d.path().join("comment.md");
    let full = d.path().join("full.md");
    let sarif = d.path().join("diff.sarif");
    let out = d.path().join("diff.json");
    let report_full = format!("markdown-full={}", full.display());
    let report_sarif = format!("sarif={}", sarif.display());
    let report_json = format!("json={}", out.display());
    let (code, stdout, err) = run(&[
        "diff",
        &old,
        &new,
        "--format",
        "markdown",
        "--output",
        comment.to_str().unwrap(),
        "--report",
        &report_full,
        "--report",
        &report_sarif,
        "--report",
        &report_json,
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(stdout, "", "--output takes the output off stdout");
    let md = std::fs::read_to_string(&comment).unwrap();
    assert!(md.len() <= CAP, "{} bytes", md.len());
    check_order(&md);
    assert!(
        md.contains(&format!("the full report is in `{}`", full.display())),
        "{md}"
    );
    let whole = std::fs::read_to_string(&full).unwrap();
    assert!(whole.len() > CAP, "the full report is not cut");
    assert!(!whole.contains("left out to keep this comment"));
    for i in 0..50 {
        assert!(whole.contains(&format!("### Team {i:02} Operator — changed")));
    }
    // The other outputs come from the same run.
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["summary"]["changed"], 50);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    super::diff::assert_valid_sarif(&s);
    // Per role, one result per entry adding high-risk operations and one for the wider scope.
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 50 * 5);
    let ml = &results[0];
    assert_eq!(
        ml["properties"]["entry"],
        "Microsoft.MachineLearningServices/*"
    );
    let n = ml["properties"]["operations"].as_array().unwrap().len();
    assert!(n > 10, "{n}");
    let msg = ml["message"]["text"].as_str().unwrap();
    assert!(msg.contains(&format!("and {} more.", n - 10)), "{msg}");
    assert_eq!(results[4]["ruleId"], "azrbac/scope-widened");
    // Existing files are not overwritten without --force (exit 2, nothing written).
    let (code, _, err) = run(&["diff", &old, &new, "--report", &report_json]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists; pass --force"), "{err}");
    let (code, _, _) = run(&["diff", &old, &new, "--report", &report_json, "--force"]);
    assert_eq!(code, 1);
}

#[test]
fn roles_with_no_effective_change_hide_behind_a_count_and_the_summary_is_sorted_by_risk() {
    let d = tempfile::tempdir().unwrap();
    let scope = ["/subscriptions/00000000-0000-0000-0000-000000000001"];
    let r = |name: &str, actions: &[&str]| json!({"Name": name, "Actions": actions, "AssignableScopes": scope});
    let old = json!([
        r("Alpha", &["Microsoft.Storage/storageAccounts/read"]),
        r("Bravo", &["Microsoft.Storage/storageAccounts/read"]),
        r("Same", &["Microsoft.Storage/storageAccounts/read"]),
    ]);
    let new = json!([
        r(
            "Alpha",
            &[
                "Microsoft.Storage/storageAccounts/read",
                "Microsoft.Storage/storageAccounts/write"
            ]
        ),
        r(
            "Bravo",
            &[
                "Microsoft.Storage/storageAccounts/read",
                "Microsoft.Authorization/roleAssignments/write"
            ]
        ),
        r("Same", &["Microsoft.Storage/storageAccounts/READ"]),
    ]);
    let (o, n) = (d.path().join("o.json"), d.path().join("n.json"));
    std::fs::write(&o, old.to_string()).unwrap();
    std::fs::write(&n, new.to_string()).unwrap();
    let (_, md, _) = run(&[
        "diff",
        o.to_str().unwrap(),
        n.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    let bravo = md.find("| Bravo | changed |").unwrap();
    let alpha = md.find("| Alpha | changed |").unwrap();
    assert!(bravo < alpha, "the high-risk change first:\n{md}");
    assert!(!md.contains("| Same |"), "{md}");
    assert!(
        md.contains("1 role with no effective change not listed."),
        "{md}"
    );
}

#[test]
fn bad_report_specs_are_usage_errors() {
    let (code, _, err) = run(&["diff", "Reader", "Owner", "--report", "sarff=x.sarif"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown format `sarff` (did you mean `sarif`?)"),
        "{err}"
    );
    let (code, _, err) = run(&["diff", "Reader", "Owner", "--report", "json"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not FORMAT=FILE"), "{err}");
    let (code, _, err) = run(&[
        "diff",
        "Reader",
        "Owner",
        "--output",
        "a.json",
        "--report",
        "json=a.json",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("named as an output twice"), "{err}");
}

#[test]
fn lint_sarif_rules_carry_a_security_severity_for_code_scanning() {
    let (_, out, _) = run(&[
        "lint",
        "--format",
        "sarif",
        "--no-config",
        "roles/training-job-submission.json",
    ]);
    let log: Value = serde_json::from_str(&out).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let sev = |name: &str| {
        rules.iter().find(|r| r["name"] == name).unwrap()["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(sev("dangerous-operation"), "8.0");
    assert_eq!(sev("custom-owner"), "9.0");
    assert!(
        rules
            .iter()
            .all(|r| r["properties"]["security-severity"].is_string())
    );
}
