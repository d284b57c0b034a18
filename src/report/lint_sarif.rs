//! Lint findings as SARIF 2.1.0: one run, the selected rules as `tool.driver.rules` (code,
//! name, summary, the documentation page as help, default level), one result per finding with
//! its file and line, and the JSON pointer, role and entry as result properties.

use crate::analyses::lint::rules::Rule;
use crate::analyses::lint::{Finding, LintReport, Severity};
use serde_json::{Map, Value, json};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file path as a relative (or absolute-path) URI reference: `/` separators, and every byte
/// outside the unreserved and path characters percent-encoded.
pub fn path_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// GitHub code scanning ranks results by this number (9+ critical, 7+ high, 4+ medium):
/// rules about what a role lets its holder do rank by that danger; the rest by severity.
fn security_severity(r: &Rule) -> &'static str {
    match r.name {
        "custom-owner" => "9.0",
        "dangerous-operation" => "8.0",
        "broad-wildcard" | "root-assignable-scope" | "wildcard-assignable-scope" => "6.5",
        _ => match r.severity {
            Severity::Error => "5.0",
            Severity::Warning => "4.0",
            Severity::Info => "1.0",
        },
    }
}

fn rule_descriptor(r: &Rule) -> Value {
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.summary },
        "help": { "text": r.doc, "markdown": r.doc },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": [r.severity.as_str(), "security"],
            "security-severity": security_severity(r)
        }
    })
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut physical = Map::new();
    physical.insert(
        "artifactLocation".into(),
        json!({ "uri": path_uri(&f.file) }),
    );
    if let Some(line) = f.line {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if let Some(c) = f.column {
            region.insert("startColumn".into(), json!(c));
        }
        physical.insert("region".into(), Value::Object(region));
    }
    let mut props = Map::new();
    props.insert("pointer".into(), json!(f.pointer));
    props.insert("role".into(), json!(f.role));
    if let Some(e) = &f.entry {
        props.insert("entry".into(), json!(e));
    }
    if !f.operations.is_empty() {
        props.insert("operations".into(), json!(f.operations));
    }
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.code));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({ "text": f.message }));
    r.insert(
        "locations".into(),
        json!([{ "physicalLocation": Value::Object(physical), "logicalLocations": [{ "fullyQualifiedName": f.pointer, "kind": "element" }] }]),
    );
    r.insert("properties".into(), Value::Object(props));
    Value::Object(r)
}

/// The SARIF log for a lint report; `rules` are the rules that ran.
pub fn sarif(report: &LintReport, rules: &[&Rule], version: &str) -> String {
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, rules.iter().position(|r| r.code == f.code)))
        .collect();
    let mut log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "azrbac",
                "version": version,
                "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>()
            }},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    if !report.notes.is_empty() {
        let notes: Vec<Value> = report
            .notes
            .iter()
            .map(|n| {
                json!({
                    "level": if n.kind == "error" { "error" } else { "note" },
                    "message": { "text": format!("{}: {}", n.kind, n.message) },
                    "locations": [{ "physicalLocation": {
                        "artifactLocation": { "uri": path_uri(&n.file) }
                    }}]
                })
            })
            .collect();
        log["runs"][0]["invocations"] = json!([{
            "executionSuccessful": !report.notes.iter().any(|n| n.kind == "error"),
            "toolExecutionNotifications": notes
        }]);
    }
    super::to_json(&log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(path_uri("roles/my role.json"), "roles/my%20role.json");
        assert_eq!(path_uri("C:\\x\\a.json"), "C:/x/a.json");
        assert_eq!(path_uri("<stdin>"), "%3Cstdin%3E");
    }
}
