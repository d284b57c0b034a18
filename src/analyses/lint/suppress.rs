//! Findings a team has reviewed: per-file ignores and accepted grants from the configuration
//! file, inline `azrbac: ignore[CODES] reason` comments, and a baseline of earlier findings.
//! Suppressed findings leave the report's findings (and the gate) and are listed with who
//! suppressed them and why; a comment without a reason, or one that suppresses nothing, is
//! itself a warning (AZR111).

use super::baseline::Baseline;
use super::rules::suppression::RULE as AZR111;
use super::select::{Selection, selector_matches};
use super::{Finding, LintReport, Severity, Summary};
use crate::model::WildcardMode;
use crate::model::config::Accepted;
use serde::Serialize;

/// A finding taken out of the report, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub code: &'static str,
    pub file: String,
    pub role: String,
    pub line: Option<usize>,
    pub entry: Option<String>,
    /// `config` (accepted grant), `per-file-ignores`, `inline` or `baseline`.
    pub by: &'static str,
    pub reason: Option<String>,
}

/// One `azrbac: ignore[...]` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    /// 1-based line of the comment.
    pub line: usize,
    pub column: usize,
    /// The line whose findings it suppresses: its own (a trailing comment), else the next.
    pub target: usize,
    pub selectors: Vec<String>,
    pub reason: Option<String>,
}

/// The comment markers of a file, by extension: `#` and `//` in Terraform, `//` in Bicep and
/// JSON (which azrbac reads with comments).
fn markers(origin: &str) -> &'static [&'static str] {
    let lower = origin.to_ascii_lowercase();
    if lower.ends_with(".tf") {
        &["#", "//"]
    } else {
        &["//"]
    }
}

/// Byte offset where a line comment starts, outside `"…"` and `'…'` strings.
fn comment_start(line: &str, markers: &[&str]) -> Option<usize> {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == b'"' || c == b'\'' {
                    quote = Some(c);
                } else if markers.iter().any(|m| line[i..].starts_with(m)) {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

/// Every suppression comment in a file's text.
pub fn inline_suppressions(text: &str, origin: &str) -> Vec<Inline> {
    const TAG: &str = "azrbac: ignore[";
    let ms = markers(origin);
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if !line.contains(TAG) {
            continue;
        }
        let Some(at) = comment_start(line, ms) else {
            continue;
        };
        let comment = &line[at..];
        let Some(tag) = comment.find(TAG) else {
            continue;
        };
        let rest = &comment[tag + TAG.len()..];
        let Some(close) = rest.find(']') else {
            continue;
        };
        let selectors = rest[..close]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let reason = rest[close + 1..]
            .trim()
            .trim_end_matches("*/")
            .trim()
            .trim_start_matches([':', '-', '—'])
            .trim();
        let alone = line[..at].trim().is_empty();
        out.push(Inline {
            line: n + 1,
            column: line[..at].chars().count() + 1,
            target: if alone { n + 2 } else { n + 1 },
            selectors,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
        });
    }
    out
}

/// Everything that can suppress findings in one run.
pub struct Suppressions<'a> {
    /// Rule selectors ignored per file (from `per-file-ignores`), by the finding's `file`.
    pub per_file: &'a dyn Fn(&str) -> Vec<String>,
    pub accepted: &'a [Accepted],
    /// Inline comments per file (by origin).
    pub inline: &'a [(String, Vec<Inline>)],
    pub baseline: Option<&'a Baseline>,
    pub mode: WildcardMode,
}

/// The accepted grant that covers every operation of a finding, if any.
fn accepted_by<'a>(f: &Finding, acc: &'a [Accepted], mode: WildcardMode) -> Option<&'a Accepted> {
    if f.operations.is_empty() {
        return None;
    }
    let mine: Vec<&Accepted> = acc
        .iter()
        .filter(|a| a.is_for(Some(&f.role), f.role_id.as_deref()))
        .collect();
    let all = f.operations.iter().all(|op| {
        mine.iter()
            .any(|a| a.operations.iter().any(|p| p.matches(op, mode)))
    });
    if all {
        mine.into_iter().find(|a| {
            a.operations
                .iter()
                .any(|p| p.matches(&f.operations[0], mode))
        })
    } else {
        None
    }
}

fn suppressed(f: &Finding, by: &'static str, reason: Option<String>) -> Suppressed {
    Suppressed {
        code: f.code,
        file: f.file.clone(),
        role: f.role.clone(),
        line: f.line,
        entry: f.entry.clone(),
        by,
        reason,
    }
}

/// Takes suppressed findings out of the report, adds AZR111 warnings for suppression comments
/// without a reason or without effect (when the selection runs AZR111), and recounts.
pub fn apply(report: &mut LintReport, s: &Suppressions<'_>, selection: &Selection) {
    let mut used: Vec<Vec<bool>> = s.inline.iter().map(|(_, l)| vec![false; l.len()]).collect();
    let mut baseline = s.baseline.map(Baseline::counts);
    let mut kept = Vec::new();
    for f in std::mem::take(&mut report.findings) {
        if f.code == AZR111.code {
            kept.push(f);
            continue;
        }
        if (s.per_file)(&f.file)
            .iter()
            .any(|x| selector_matches(x, f.code, f.name))
        {
            report
                .suppressed
                .push(suppressed(&f, "per-file-ignores", None));
            continue;
        }
        if let Some(a) = accepted_by(&f, s.accepted, s.mode) {
            report
                .suppressed
                .push(suppressed(&f, "config", Some(a.reason.clone())));
            continue;
        }
        let inline = s
            .inline
            .iter()
            .position(|(o, _)| *o == f.file)
            .and_then(|i| {
                let hit = s.inline[i].1.iter().position(|c| {
                    Some(c.target) == f.line
                        && c.selectors
                            .iter()
                            .any(|x| selector_matches(x, f.code, f.name))
                })?;
                Some((i, hit))
            });
        if let Some((i, k)) = inline {
            used[i][k] = true;
            let reason = s.inline[i].1[k].reason.clone();
            report.suppressed.push(suppressed(&f, "inline", reason));
            continue;
        }
        if let Some(b) = baseline.as_mut()
            && b.take(&f)
        {
            report.suppressed.push(suppressed(&f, "baseline", None));
            continue;
        }
        kept.push(f);
    }
    if selection.codes().contains(&AZR111.code) {
        for (i, (origin, list)) in s.inline.iter().enumerate() {
            for (k, c) in list.iter().enumerate() {
                let mut problems = Vec::new();
                if c.reason.is_none() {
                    problems.push("gives no reason");
                }
                if !used[i][k] {
                    problems.push("suppresses nothing");
                }
                if problems.is_empty() {
                    continue;
                }
                kept.push(Finding {
                    code: AZR111.code,
                    name: AZR111.name,
                    severity: AZR111.severity,
                    message: format!(
                        "suppression `ignore[{}]` {}",
                        c.selectors.join(","),
                        problems.join(" and ")
                    ),
                    file: origin.clone(),
                    role: String::new(),
                    role_id: None,
                    pointer: String::new(),
                    line: Some(c.line),
                    column: Some(c.column),
                    entry: None,
                    operations: Vec::new(),
                });
            }
        }
    }
    // Keep each file's findings together and in line order, files in input order.
    let order: Vec<String> = {
        let mut o: Vec<String> = Vec::new();
        for f in &kept {
            if !o.contains(&f.file) {
                o.push(f.file.clone());
            }
        }
        o
    };
    kept.sort_by_key(|f| order.iter().position(|x| *x == f.file));
    let mut out = Vec::with_capacity(kept.len());
    for file in &order {
        let mut group: Vec<Finding> = kept.iter().filter(|f| &f.file == file).cloned().collect();
        super::sort_findings(&mut group);
        out.extend(group);
    }
    report.findings = out;
    report.summary = Summary::default();
    for f in &report.findings {
        match f.severity {
            Severity::Error => report.summary.errors += 1,
            Severity::Warning => report.summary.warnings += 1,
            Severity::Info => report.summary.info += 1,
        }
    }
    report.summary.suppressed = report.suppressed.len();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings_target_their_line_or_the_next() {
        let tf = "  # azrbac: ignore[AZR109] the job deletes its own runs\n  actions = [\"a/b/delete\"] # azrbac: ignore[AZR109,AZR105]\n  x = \"# azrbac: ignore[AZR109] in a string\"\n";
        let s = inline_suppressions(tf, "main.tf");
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].line, s[0].target), (1, 2));
        assert_eq!(s[0].reason.as_deref(), Some("the job deletes its own runs"));
        assert_eq!((s[1].line, s[1].target), (2, 2));
        assert_eq!(s[1].selectors, vec!["AZR109", "AZR105"]);
        assert_eq!(s[1].reason, None);
        let json = "\"Actions\": [\"a//b\", // azrbac: ignore[dangerous-operation] needed\n";
        let s = inline_suppressions(json, "r.json");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].target, 1);
        // `#` is not a comment in Bicep or JSON.
        assert!(inline_suppressions("# azrbac: ignore[AZR109] x\n", "r.bicep").is_empty());
    }
}
