//! `diff OLD NEW` and `diff --git BASE [HEAD] [PATH...]`: read the roles (files, built-ins,
//! git revisions), run the diff analysis, render it, and turn the gate into the exit code.

pub mod git;
pub mod git_io;
pub mod outputs;

use crate::analyses::diff::Unresolved;
use crate::analyses::diff::accept::mark_accepted;
use crate::analyses::diff::{
    DiffReport, FailOn, FileRoles, GitRange, RoleChange, RuleTagger, category_infos, diff_files,
    evaluate,
};
use crate::analyses::risk::Taxonomy;
use crate::cli::args::{DiffArgs, FailOnArg};
use crate::cli::input::{parse_role_text, read_role_text, resolve_roles};
use crate::cli::{EXIT_FINDINGS, EXIT_OK, config};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::role_text::locate;
use crate::model::role_text::{RoleFileKind, kind_of};
use crate::model::{RoleDefinition, json, terraform};
use crate::report;
use crate::report::diff_sarif::{Located, uri_of};
use std::collections::BTreeMap;
use std::path::Path;

/// Rejects argument combinations before any work is done.
pub fn check_args(a: &DiffArgs) -> Result<()> {
    if a.git.is_some() {
        return Ok(());
    }
    if !a.paths.is_empty() {
        return Err(Error::usage("diff: paths after `--` need --git BASE"));
    }
    if a.refs.is_empty() || a.refs.len() > 2 {
        return Err(Error::usage(format!(
            "diff: expected OLD and NEW (role files, `-`, built-in names or GUIDs) or one Terraform plan, got {} argument{}; or use --git BASE",
            a.refs.len(),
            if a.refs.len() == 1 { "" } else { "s" }
        )));
    }
    if a.refs.iter().all(|r| r == "-") {
        return Err(Error::usage(
            "diff: only one of OLD and NEW can be `-` (stdin)",
        ));
    }
    Ok(())
}

/// Texts of the files NEW roles were read from, by origin: (SARIF uri, text).
type Texts = BTreeMap<String, (Option<String>, String)>;

/// Reads one role reference, keeping the file's text for line numbers.
fn read_ref(model: &Model, reference: &str, texts: &mut Texts) -> Result<Vec<RoleDefinition>> {
    let path = Path::new(reference);
    if reference == "-" || path.is_file() {
        let text = read_role_text(path)?;
        let origin = if reference == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let roles = parse_role_text(&text, &origin)?;
        let uri = (reference != "-").then(|| uri_of(reference));
        texts.insert(origin, (uri, text));
        return Ok(roles);
    }
    resolve_roles(model, reference)
}

/// The before/after pairs of a Terraform plan (`terraform show -json`), one per
/// `azurerm_role_definition` change.
fn read_plan(
    reference: &str,
    texts: &mut Texts,
) -> Result<Vec<(Vec<RoleDefinition>, Vec<RoleDefinition>)>> {
    let path = Path::new(reference);
    let text = read_role_text(path)?;
    let origin = if reference == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let value = json::parse(&text, &origin).map_err(|_| not_a_plan(reference))?;
    if kind_of(&origin, Some(&value)) != RoleFileKind::TerraformPlan {
        return Err(not_a_plan(reference));
    }
    let pairs = terraform::plan_changes(&value, &origin)?
        .into_iter()
        .map(|c| {
            (
                c.before.into_iter().collect(),
                c.after.into_iter().collect(),
            )
        })
        .collect();
    let uri = (reference != "-").then(|| uri_of(reference));
    texts.insert(origin, (uri, text));
    Ok(pairs)
}

fn not_a_plan(reference: &str) -> Error {
    Error::usage(format!(
        "diff: `{reference}` is not a Terraform plan (`terraform show -json` output); a single argument must be one, otherwise give OLD and NEW"
    ))
}

/// Column in UTF-16 code units (SARIF `columnKind`) from a 1-based byte column.
fn utf16_column(text: &str, line: usize, byte_col: usize) -> usize {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1)) else {
        return byte_col;
    };
    let prefix = l.get(..byte_col.saturating_sub(1)).unwrap_or(l);
    prefix.encode_utf16().count() + 1
}

/// Finds a position in NEW's file: the value at `pointer` (a granting entry, a scope), else
/// the role's own position.
fn locate_at(texts: &Texts, c: &RoleChange, pointer: Option<&str>) -> Option<Located> {
    let side = c.new.as_ref()?;
    let (uri, text) = texts.get(&side.origin)?;
    let uri = uri.clone()?;
    let pointer = pointer.unwrap_or(side.pointer.as_str());
    let (line, col) = locate(text, pointer).or_else(|| locate(text, &side.pointer))?;
    Some(Located {
        uri,
        line,
        column: utf16_column(text, line, col),
    })
}

fn fail_on(a: FailOnArg) -> FailOn {
    match a {
        FailOnArg::None => FailOn::None,
        FailOnArg::Added => FailOn::Added,
        FailOnArg::HighRisk => FailOn::HighRisk,
        FailOnArg::ScopeWidened => FailOn::ScopeWidened,
    }
}

/// The link base for Markdown: `--link-base`, else on GitHub Actions with `--git BASE HEAD`
/// the repository's blob URL at HEAD's commit.
fn link_base(a: &DiffArgs, head_sha: Option<&str>) -> Option<String> {
    if let Some(b) = &a.link_base {
        return Some(b.clone());
    }
    let server = std::env::var("GITHUB_SERVER_URL").ok()?;
    let repo = std::env::var("GITHUB_REPOSITORY").ok()?;
    let sha = head_sha?;
    let ok = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
    (ok(&server) && ok(&repo))
        .then(|| format!("{}/{repo}/blob/{sha}", server.trim_end_matches('/')))
}

/// `--fail-on`, else the configuration's `[diff] fail-on`, else `added`.
fn gate_of(a: &DiffArgs, cfg: Option<&config::Loaded>) -> Result<FailOn> {
    if let Some(f) = a.fail_on {
        return Ok(fail_on(f));
    }
    let Some(c) = cfg else {
        return Ok(FailOn::Added);
    };
    let Some(v) = &c.config.fail_on else {
        return Ok(FailOn::Added);
    };
    Ok(match v.as_str() {
        "none" => FailOn::None,
        "high-risk" => FailOn::HighRisk,
        "scope-widened" => FailOn::ScopeWidened,
        // `parse_config` accepts only the four values.
        _ => FailOn::Added,
    })
}

pub fn run(model: &Model, a: &DiffArgs) -> Result<i32> {
    let targets = outputs::plan(a)?;
    let cfg = config::load(&a.config)?;
    let fail_on_value = gate_of(a, cfg.as_ref())?;
    let taxonomy = Taxonomy::embedded()?;
    // Classifies only the operations the diff reports (cheaper than the whole catalog).
    let tagger = RuleTagger::new(&taxonomy, model.mode);
    let categories = category_infos(&taxonomy);
    let mut texts = Texts::new();
    // Changed files (git mode, plan before/after) differ by definition; two files are compared.
    let mut sources_differ = true;
    let mut head_sha: Option<String> = None;
    let (changes, files, skipped, range) = match &a.git {
        Some(base) => {
            let g = git::collect(base, &a.refs, &a.paths)?;
            head_sha = g.head.as_deref().and_then(git::commit_id);
            for f in &g.files {
                if let Some((origin, text)) = &f.new_text {
                    texts.insert(origin.clone(), (Some(f.uri.clone()), text.clone()));
                }
            }
            let frs: Vec<FileRoles<'_>> = g
                .files
                .iter()
                .map(|f| FileRoles {
                    path: Some(&f.path),
                    renamed_from: f.renamed_from.as_deref(),
                    old: &f.old,
                    new: &f.new,
                })
                .collect();
            let changes = diff_files(&model.index, model.mode, &frs, false, &tagger);
            let files = g.files.iter().map(|f| f.path.clone()).collect();
            (
                changes,
                files,
                g.skipped,
                Some(GitRange {
                    base: g.base,
                    head: g.head,
                }),
            )
        }
        None if a.refs.len() == 1 => {
            let pairs = read_plan(&a.refs[0], &mut texts)?;
            let frs: Vec<FileRoles<'_>> = pairs
                .iter()
                .map(|(old, new)| FileRoles {
                    path: None,
                    renamed_from: None,
                    old,
                    new,
                })
                .collect();
            (
                diff_files(&model.index, model.mode, &frs, true, &tagger),
                Vec::new(),
                Vec::new(),
                None,
            )
        }
        None => {
            let mut old_texts = Texts::new();
            let old = read_ref(model, &a.refs[0], &mut old_texts)?;
            let new = read_ref(model, &a.refs[1], &mut texts)?;
            sources_differ = !old_texts
                .values()
                .map(|t| &t.1)
                .eq(texts.values().map(|t| &t.1));
            let frs = [FileRoles {
                path: None,
                renamed_from: None,
                old: &old,
                new: &new,
            }];
            (
                diff_files(&model.index, model.mode, &frs, true, &tagger),
                Vec::new(),
                Vec::new(),
                None,
            )
        }
    };
    let mut changes = changes;
    if let Some(c) = &cfg {
        mark_accepted(&mut changes, &c.config.accept, model.mode);
    }
    let gate = evaluate(
        &changes,
        fail_on_value,
        Unresolved {
            sources_differ,
            allowed: a.allow_unresolved,
        },
    );
    let rep = DiffReport {
        wildcards: model.mode.as_str(),
        git: range,
        files,
        skipped,
        changes,
        categories,
        gate,
    };
    for c in &rep.changes {
        for (side, label) in [(&c.old, "old"), (&c.new, "new")] {
            for u in side.iter().flat_map(|s| &s.unresolved) {
                report::warn(&format!("{} ({label}): incomplete: {u}", c.role));
            }
        }
    }
    let base = link_base(a, head_sha.as_deref());
    outputs::emit(&targets, &rep, a.force, base.as_deref(), &|c, o| {
        locate_at(&texts, c, o)
    })?;
    Ok(if rep.gate.failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
