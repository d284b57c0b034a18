//! The outputs of one `diff` run: `--format` to stdout or `--output FILE`, and any number of
//! `--report FORMAT=FILE`, all rendered from the same analysis and written atomically.

use crate::analyses::diff::DiffReport;
use crate::cli::args::DiffArgs;
use crate::cli::output::write_atomic;
use crate::error::{Error, Result};
use crate::report::diff_markdown::{COMMENT_CAP, MdOptions};
use crate::report::diff_sarif::LocateAt;
use crate::report::{self, Format};
use std::path::PathBuf;

/// One rendering of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Table,
    Json,
    /// Cut to fit a pull-request comment.
    Markdown,
    /// Never cut.
    MarkdownFull,
    Sarif,
}

const KINDS: [(&str, Kind); 5] = [
    ("table", Kind::Table),
    ("json", Kind::Json),
    ("markdown", Kind::Markdown),
    ("markdown-full", Kind::MarkdownFull),
    ("sarif", Kind::Sarif),
];

/// An output: a kind and where it goes (`None`: stdout).
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: Kind,
    pub path: Option<PathBuf>,
}

fn kind_of_format(f: Format) -> Kind {
    match f {
        Format::Json => Kind::Json,
        Format::Markdown => Kind::Markdown,
        Format::Sarif => Kind::Sarif,
        _ => Kind::Table,
    }
}

/// Reads `--format`/`--output` and every `--report FORMAT=FILE`, before any work is done:
/// an unknown format, a file named twice, or an existing file without `--force` is a usage
/// error.
pub fn plan(a: &DiffArgs) -> Result<Vec<Target>> {
    let mut out = vec![Target {
        kind: kind_of_format(a.format),
        path: a.output.clone(),
    }];
    for spec in &a.reports {
        let Some((name, file)) = spec.split_once('=') else {
            return Err(Error::usage(format!(
                "diff: --report `{spec}` is not FORMAT=FILE (FORMAT: table, json, markdown, markdown-full, sarif)"
            )));
        };
        let kind = KINDS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                let hint = crate::error::did_you_mean(name.trim(), KINDS.iter().map(|(n, _)| *n))
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                Error::usage(format!(
                    "diff: --report: unknown format `{name}`{hint}; use table, json, markdown, markdown-full or sarif"
                ))
            })?;
        if file.is_empty() {
            return Err(Error::usage(format!(
                "diff: --report `{spec}` names no file"
            )));
        }
        out.push(Target {
            kind,
            path: Some(PathBuf::from(file)),
        });
    }
    let mut seen: Vec<&PathBuf> = Vec::new();
    for p in out.iter().filter_map(|t| t.path.as_ref()) {
        if seen.contains(&p) {
            return Err(Error::usage(format!(
                "diff: `{}` is named as an output twice",
                p.display()
            )));
        }
        seen.push(p);
        if !a.force && std::fs::symlink_metadata(p).is_ok() {
            return Err(Error::Io {
                path: p.display().to_string(),
                message: "already exists; pass --force to overwrite it".into(),
            });
        }
    }
    Ok(out)
}

/// Renders every target from one report and writes it.
pub fn emit(
    targets: &[Target],
    rep: &DiffReport,
    force: bool,
    link_base: Option<&str>,
    locate: &LocateAt<'_>,
) -> Result<()> {
    let full = targets
        .iter()
        .find(|t| t.kind == Kind::MarkdownFull)
        .and_then(|t| t.path.as_ref())
        .map(|p| p.display().to_string());
    for t in targets {
        let md = |cap: Option<usize>| {
            let o = MdOptions {
                cap,
                full: full.as_deref(),
                link_base,
            };
            report::diff_markdown::markdown(rep, &o, locate)
        };
        let text = match t.kind {
            Kind::Table => report::diff_table::table_text(rep),
            Kind::Json => report::diff_json::json(rep),
            Kind::Markdown => md(Some(COMMENT_CAP)),
            Kind::MarkdownFull => md(None),
            Kind::Sarif => report::diff_sarif::sarif(rep, locate),
        };
        match &t.path {
            Some(p) => write_atomic(p, &report::guard(&text), force)?,
            None => report::out(&text),
        }
    }
    Ok(())
}
