//! The role linter: rules that find what Azure would reject in a role definition (errors) and
//! what a reviewer should question (warnings), each finding located by JSON pointer and line.
//!
//! One file per rule under [`rules`]; [`context`] computes, once per role, the catalog sets
//! every rule reads (no rule resolves a pattern itself); [`select`] reads `--select`/`--ignore`.

pub mod baseline;
pub mod context;
pub mod lines;
pub mod rules;
pub mod select;
pub mod suppress;
pub use crate::analyses::suggest;

use crate::analyses::risk::{RiskModel, Severity as RiskSeverity};
use crate::data::Model;
use crate::effective::{Resolver, expand};
use crate::error::Result;
use crate::model::{OpId, Plane, RoleDefinition};
use context::RoleCtx;
use fixedbitset::FixedBitSet;
use rules::Rule;
pub use select::Selection;
use serde::Serialize;

/// How serious a finding is. Errors are what Azure rejects or what cannot work; warnings are
/// what a reviewer should look at; info is what lint could not check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a rule reports: where, what, and about which string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// JSON pointer (or the format's locator) of the offending value in its file.
    pub pointer: String,
    pub message: String,
    /// The offending entry or scope, as written, when the finding is about one.
    pub entry: Option<String>,
    /// Operations the finding is about (dangerous operations an entry grants), sorted.
    pub operations: Vec<String>,
}

impl Hit {
    pub fn new(pointer: &str, message: impl Into<String>) -> Hit {
        Hit {
            pointer: pointer.to_string(),
            message: message.into(),
            entry: None,
            operations: Vec::new(),
        }
    }

    pub fn at_entry(pointer: &str, entry: &str, message: impl Into<String>) -> Hit {
        Hit {
            entry: Some(entry.to_string()),
            ..Hit::new(pointer, message)
        }
    }
}

/// One finding in the JSON contract (`schemaVersion` 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The file the role came from, as named on the command line.
    pub file: String,
    /// The role's name (or where it was found, when it has none).
    pub role: String,
    /// The role's GUID (for accepted grants named by GUID); not in the JSON contract.
    #[serde(skip)]
    pub role_id: Option<String>,
    pub pointer: String,
    /// 1-based line of the offending value, when the file's text locates it.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub entry: Option<String>,
    pub operations: Vec<String>,
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    /// Findings suppressed (configuration, inline comments, baseline).
    pub suppressed: usize,
}

/// The result of linting some files.
#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub findings: Vec<Finding>,
    /// Findings taken out by suppressions, with who took them out and why.
    pub suppressed: Vec<suppress::Suppressed>,
    pub summary: Summary,
    /// Number of files and roles linted.
    pub files: usize,
    pub roles: usize,
    /// Files of a directory that were skipped (no role) or could not be read or parsed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<FileNote>,
}

/// A file lint did not lint: skipped (it holds no role) or an input error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileNote {
    pub file: String,
    /// `skipped` or `error`.
    pub kind: &'static str,
    pub message: String,
}

impl LintReport {
    /// Whether the lint gate fails: any error, or any warning when `deny_warnings`.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.summary.errors > 0 || (deny_warnings && self.summary.warnings > 0)
    }
}

/// What lint compares roles with, computed once per run.
pub struct LintEnv<'m> {
    pub model: &'m Model,
    /// Contributor's effective control-plane grant, when the built-in roles include it.
    pub contributor: Option<FixedBitSet>,
    /// `Microsoft.Authorization/roleAssignments/write` in the catalog.
    pub role_assignment_write: Option<OpId>,
    /// The risk taxonomy over the catalog.
    pub risk: RiskModel,
    /// The categories lint reports (severity medium and up), most severe first; and every
    /// operation in any of them.
    pub dangerous: Vec<usize>,
    pub dangerous_ops: FixedBitSet,
    /// "Did you mean" answers, memoised for the run.
    pub suggestions: suggest::Suggestions,
}

/// The least severe risk category lint reports as dangerous; `low` (ordinary configuration
/// changes) is left to `azrbac risks`.
pub const DANGEROUS_FROM: RiskSeverity = RiskSeverity::Medium;

/// The name of the built-in role the custom-owner rule compares with.
pub const CONTRIBUTOR: &str = "Contributor";
/// The operation that lets its holder grant any role, itself included.
pub const ROLE_ASSIGNMENT_WRITE: &str = "Microsoft.Authorization/roleAssignments/write";

impl<'m> LintEnv<'m> {
    pub fn new(model: &'m Model) -> Result<LintEnv<'m>> {
        let contributor = model.builtins.by_name(CONTRIBUTOR).map(|r| {
            let eff = expand(&model.index, r, model.mode);
            let mut set = eff.granted;
            let (_, hi) = model.index.catalog().plane_range(Plane::Control);
            let mut control = model.index.empty_set();
            control.insert_range(0..hi as usize);
            set.intersect_with(&control);
            set
        });
        let risk = RiskModel::new(model)?;
        let mut dangerous: Vec<usize> = (0..risk.taxonomy.categories().len())
            .filter(|c| risk.index.severity(*c) >= DANGEROUS_FROM)
            .collect();
        dangerous.sort_by_key(|c| std::cmp::Reverse(risk.index.severity(*c)));
        let mut dangerous_ops = model.index.empty_set();
        for c in &dangerous {
            dangerous_ops.union_with(risk.index.ops_in(*c));
        }
        Ok(LintEnv {
            model,
            contributor,
            role_assignment_write: model
                .index
                .catalog()
                .find(Plane::Control, ROLE_ASSIGNMENT_WRITE),
            risk,
            dangerous,
            dangerous_ops,
            suggestions: suggest::Suggestions::default(),
        })
    }
}

/// Runs the selected rules over one role, with the graph index resolving patterns.
pub fn lint_role(env: &LintEnv<'_>, role: &RoleDefinition, selection: &Selection) -> Vec<Finding> {
    lint_role_with(env, role, selection, &env.model.index)
}

/// Runs the selected rules over one role with any resolver (the naive one is the baseline).
pub fn lint_role_with<R: Resolver>(
    env: &LintEnv<'_>,
    role: &RoleDefinition,
    selection: &Selection,
    resolver: &R,
) -> Vec<Finding> {
    let ctx = RoleCtx::new(env, role, resolver);
    let label = role.label();
    let mut out = Vec::new();
    let mut hits = Vec::new();
    for rule in rules::RULES.iter().filter(|r| selection.enabled(r)) {
        hits.clear();
        (rule.check)(&ctx, &mut hits);
        out.extend(hits.drain(..).map(|h| finding(rule, role, &label, h)));
    }
    out
}

/// A rule's hit as a finding. The message quotes entries as written: control, invisible and
/// bidirectional characters in it are escaped (`\u{200b}`) so the reader sees them, as
/// AZR104 shows whitespace; `entry` keeps the raw text.
fn finding(rule: &Rule, role: &RoleDefinition, label: &str, h: Hit) -> Finding {
    Finding {
        code: rule.code,
        name: rule.name,
        severity: rule.severity,
        message: crate::model::shown::escape_hidden(&h.message).into_owned(),
        file: role.origin.clone(),
        role: label.to_string(),
        role_id: role.guid.clone(),
        pointer: h.pointer,
        line: None,
        column: None,
        entry: h.entry,
        operations: h.operations,
    }
}

/// One file to lint: its roles and, when it is JSON text, the text (for line numbers).
pub struct LintInput<'a> {
    pub origin: &'a str,
    pub text: Option<&'a str>,
    pub roles: &'a [RoleDefinition],
}

/// Lints every role of every input; findings keep the order of the inputs, then go by line,
/// column, code and message within a file.
pub fn lint(env: &LintEnv<'_>, inputs: &[LintInput<'_>], selection: &Selection) -> LintReport {
    let mut findings = Vec::new();
    let mut roles = 0;
    for input in inputs {
        let mut file_findings = Vec::new();
        let mut line_index = input.text.map(lines::LineIndex::new);
        for role in input.roles {
            roles += 1;
            let mut fs = lint_role(env, role, selection);
            if let (Some(text), Some(ix)) = (input.text, &mut line_index) {
                lines::locate_findings(text, ix, role, &mut fs);
            }
            file_findings.extend(fs);
        }
        sort_findings(&mut file_findings);
        findings.extend(file_findings);
    }
    let mut summary = Summary::default();
    for f in &findings {
        match f.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.info += 1,
        }
    }
    LintReport {
        schema_version: 1,
        findings,
        suppressed: Vec::new(),
        summary,
        files: inputs.len(),
        roles,
        notes: Vec::new(),
    }
}

/// Sorts one file's findings: by line and column (unlocated last, by pointer), then code;
/// findings of one rule at one place keep the order the rule gave them (stable sort).
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let ka = (a.line.is_none(), a.line, a.column);
        let kb = (b.line.is_none(), b.line, b.column);
        ka.cmp(&kb)
            .then_with(|| a.pointer.cmp(&b.pointer))
            .then_with(|| a.code.cmp(b.code))
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
