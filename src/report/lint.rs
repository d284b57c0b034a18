//! Rendering lint results: one line per finding (`file:line:col: CODE severity: message`), the
//! JSON contract, and the rule list and rule pages of `azrbac rule`.

use super::style::{Color, paint};
use super::{table, to_json};
use crate::analyses::lint::rules::Rule;
use crate::analyses::lint::{Finding, LintReport, Severity};
use serde::Serialize;
use std::fmt::Write;

pub fn json(report: &LintReport) -> String {
    to_json(report)
}

/// Where a finding is, for a text line: `file:line:col`, or `file:pointer` when unlocated.
pub fn location(f: &Finding) -> String {
    match (f.line, f.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", f.file),
        (Some(l), None) => format!("{}:{l}", f.file),
        _ if f.pointer.is_empty() => f.file.clone(),
        _ => format!("{}:{}", f.file, f.pointer),
    }
}

fn severity_word(s: Severity, color: bool) -> String {
    match s {
        Severity::Error => paint("error", Color::Red, color),
        Severity::Warning => paint("warning", Color::Yellow, color),
        Severity::Info => paint("info", Color::Bold, color),
    }
}

/// The text report: a line per finding, then a summary line.
pub fn text(report: &LintReport, color: bool) -> String {
    let mut s = String::new();
    for f in &report.findings {
        let _ = writeln!(
            s,
            "{}: {} {}: {} [{}]",
            location(f),
            paint(f.code, Color::Bold, color),
            severity_word(f.severity, color),
            f.message,
            f.name
        );
    }
    let sum = &report.summary;
    let files = plural(report.files, "file");
    let roles = plural(report.roles, "role");
    let suppressed = if sum.suppressed > 0 {
        format!(
            "; {} suppressed (reviewed: configuration, comments or baseline)",
            sum.suppressed
        )
    } else {
        String::new()
    };
    for n in &report.notes {
        let _ = writeln!(
            s,
            "{}: {}: {}",
            n.file,
            if n.kind == "error" {
                "not linted"
            } else {
                "skipped"
            },
            n.message
        );
    }
    if report.findings.is_empty() {
        let _ = writeln!(s, "No findings in {roles} ({files}){suppressed}.");
    } else {
        let mut parts = vec![plural(sum.errors, "error"), plural(sum.warnings, "warning")];
        if sum.info > 0 {
            parts.push(format!("{} info", sum.info));
        }
        if sum.suppressed > 0 {
            let _ = write!(
                s,
                "\n{} suppressed (reviewed: configuration, comments or baseline; `--format json` lists them with their reasons).",
                sum.suppressed
            );
        }
        let _ = writeln!(
            s,
            "\nFound {} in {roles} ({files}). `azrbac rule CODE` explains a rule.",
            parts.join(", ")
        );
    }
    s
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[derive(Debug, Serialize)]
struct RuleOut {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
}

#[derive(Debug, Serialize)]
struct RuleListOut {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    rules: Vec<RuleOut>,
}

fn rule_out(r: &Rule) -> RuleOut {
    RuleOut {
        code: r.code,
        name: r.name,
        severity: r.severity,
        summary: r.summary,
    }
}

/// `azrbac rule` without a code: every rule.
pub fn rule_list_table(rules: &[&Rule]) -> String {
    let mut t = table(&["code", "name", "severity", "flags"]);
    for r in rules {
        t.add_row(super::safe_row(vec![
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary,
        ]));
    }
    format!("{t}\n`azrbac rule CODE` shows a rule's page.\n")
}

pub fn rule_list_json(rules: &[&Rule]) -> String {
    to_json(&RuleListOut {
        schema_version: 1,
        rules: rules.iter().map(|r| rule_out(r)).collect(),
    })
}

#[derive(Debug, Serialize)]
struct RulePageOut {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(flatten)]
    rule: RuleOut,
    doc: &'static str,
}

/// `azrbac rule CODE`: the rule's documentation page.
pub fn rule_page(r: &Rule) -> String {
    let mut s = r.doc.to_string();
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

pub fn rule_page_json(r: &Rule) -> String {
    to_json(&RulePageOut {
        schema_version: 1,
        rule: rule_out(r),
        doc: r.doc,
    })
}
