//! Rendering `diff` as a pull-request comment under GitHub's size limit: the verdict and the
//! gate's reasons, a summary table sorted by risk (roles with no effective change behind a
//! count), widened assignable scopes and high-risk additions, then each role's details; long
//! lists folded in `<details>` and cut with a note (see [`super::md_budget`]).

use super::diff_sarif::Located;
use super::diff_table::{
    category_keys, entry_effect, group_ops, plural, scope_lines, top_severity, verdict,
};
use super::md_budget::Doc;
use crate::analyses::diff::{DiffReport, OpChange, RoleChange, Status};
use crate::model::Plane;
use std::fmt::Write;

/// The comment's cap in bytes (GitHub's limit is 65,536 characters; bytes bound characters).
pub const COMMENT_CAP: usize = 60_000;
/// At most this many resource-type rows per list (the JSON lists everything).
const MAX_ROWS: usize = 200;
/// Kept free for the skipped files and the footer.
const TAIL: usize = 2_500;

/// How the comment is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct MdOptions<'a> {
    /// Most bytes of the comment; `None` writes the full report.
    pub cap: Option<usize>,
    /// Where the full report is written, named in the cut notes.
    pub full: Option<&'a str>,
    /// URL that repository paths are appended to for links (`…/blob/<head sha>`).
    pub link_base: Option<&'a str>,
}

/// Maps a role change and a pointer in NEW's file (`None`: the role itself) to a file line.
pub type Locate<'a> = super::diff_sarif::LocateAt<'a>;

/// Escapes text for a Markdown table cell or paragraph (not inside code spans).
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '`' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// A code span that survives backticks and pipes inside (table cells).
pub(crate) fn code(text: &str) -> String {
    let t = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    if t.contains('`') {
        format!("`` {t} ``")
    } else {
        format!("`{t}`")
    }
}

fn dash_if_zero(n: usize) -> String {
    if n == 0 {
        "—".to_string()
    } else {
        n.to_string()
    }
}

/// `file line N`, linked to the file at the head commit when a link base is known.
fn place(l: &Located, o: &MdOptions<'_>) -> String {
    let text = format!("{} line {}", code(&l.uri), l.line);
    match o.link_base {
        Some(base) if !l.uri.contains(')') => format!(
            "[{text}]({}/{}#L{})",
            base.trim_end_matches('/'),
            l.uri,
            l.line
        ),
        _ => text,
    }
}

/// Orders roles by risk: high-risk additions, then widened scopes of roles granting
/// high-risk operations, then widening of any kind, then incomplete roles; ties keep the
/// report's order (by path and name).
fn by_risk(r: &DiffReport) -> Vec<&RoleChange> {
    let mut v: Vec<(usize, &RoleChange)> = r.changes.iter().enumerate().collect();
    v.sort_by_key(|(i, c)| {
        let key = (
            c.high_risk_widening().count(),
            usize::from(c.scopes.widens() && c.high_risk_granted > 0),
            c.ops.widening().count(),
            usize::from(c.scopes.widens()),
            usize::from(!c.complete()),
            usize::from(c.effective()),
        );
        (std::cmp::Reverse(key), *i)
    });
    v.into_iter().map(|(_, c)| c).collect()
}

/// Shown in the summary and the details: changed in effect, incomplete, or moved.
fn listed(c: &RoleChange) -> bool {
    c.effective() || !c.complete()
}

fn summary_row(c: &RoleChange) -> String {
    let w = &c.written;
    let entries = match (w.entries_added.len(), w.entries_removed.len()) {
        (0, 0) => "—".to_string(),
        (a, r) => format!("+{a} / −{r}"),
    };
    let mut scopes = match (w.scopes_added.len(), w.scopes_removed.len()) {
        (0, 0) => "—".to_string(),
        (a, r) => format!("+{a} / −{r}"),
    };
    if c.scopes.widens() {
        scopes.push_str(" **widened**");
    } else if !c.scopes.narrowed.is_empty() {
        scopes.push_str(" narrowed");
    }
    let mut other: Vec<String> = Vec::new();
    if let Some(from) = c.moved_from() {
        other.push(format!("moved from {}", code(from)));
    }
    if w.name.is_some() && !matches!(c.status, Status::Added | Status::Removed) {
        other.push("name".into());
    }
    if w.description.is_some() {
        other.push("description".into());
    }
    if !w.conditions.is_empty() {
        other.push("condition".into());
    }
    if !c.complete() {
        other.push("**incomplete**".into());
    }
    let freed: usize = c.ops.now_unconditional.iter().map(Vec::len).sum();
    let added = if freed > 0 {
        format!("{} (+{freed} unconditional)", c.ops.added_count())
    } else {
        dash_if_zero(c.ops.added_count())
    };
    format!(
        "| {} | {} | {} | {} | {} | {entries} | {scopes} | {} |",
        md(&c.role),
        c.status.as_str(),
        added,
        dash_if_zero(c.ops.removed_count()),
        dash_if_zero(c.high_risk_widening().count()),
        if other.is_empty() {
            "—".to_string()
        } else {
            other.join(", ")
        }
    )
}

fn scope_rows(r: &DiffReport, o: &MdOptions<'_>, locate: &Locate<'_>) -> Vec<String> {
    let mut rows = Vec::new();
    for c in by_risk(r) {
        for w in &c.scopes.widened {
            let was = if w.replaces.is_empty() {
                "added".to_string()
            } else {
                let list: Vec<String> = w.replaces.iter().map(|x| code(x)).collect();
                format!("replaces {}", list.join(", "))
            };
            let mut at = locate(c, Some(&w.pointer))
                .map(|l| place(&l, o))
                .unwrap_or_default();
            if let Some(why) = &w.accepted {
                let _ = write!(at, " (accepted: {})", md(why));
            }
            rows.push(format!(
                "| {} | {} | {was} | {} | {at} |",
                md(&c.role),
                code(&w.scope),
                dash_if_zero(c.high_risk_granted)
            ));
        }
    }
    rows
}

fn high_risk_rows(r: &DiffReport, o: &MdOptions<'_>, locate: &Locate<'_>) -> Vec<String> {
    let mut rows: Vec<(&RoleChange, &OpChange)> = r
        .changes
        .iter()
        .flat_map(|c| c.high_risk_widening().map(move |o| (c, o)))
        .collect();
    let rank = |o: &OpChange| {
        o.tags
            .categories
            .iter()
            .filter_map(|i| r.categories.get(*i))
            .map(|c| c.rank)
            .max()
    };
    rows.sort_by_key(|(_, o)| std::cmp::Reverse(rank(o)));
    rows.iter()
        .map(|(c, op)| {
            let mut risk = category_keys(r, &[*op]).join(", ");
            if let Some(sev) = top_severity(r, op) {
                let _ = write!(risk, " ({sev})");
            }
            if op.conditional {
                risk.push_str(", conditional");
            }
            if let Some(why) = &op.accepted {
                let _ = write!(risk, "; accepted: {}", md(why));
            }
            let at = match locate(c, op.source.as_ref().map(|s| s.pointer.as_str())) {
                Some(l) => place(&l, o),
                None => op
                    .source
                    .as_ref()
                    .map(|x| code(&x.pointer))
                    .unwrap_or_default(),
            };
            let by = op
                .source
                .as_ref()
                .map(|x| format!("{} ({at})", code(&x.entry)))
                .unwrap_or_else(|| "—".to_string());
            format!(
                "| {} | {} | {} | {} | {by} |",
                md(&c.role),
                code(&op.name),
                op.plane.as_str(),
                risk
            )
        })
        .collect()
}

fn ops_section(d: &mut Doc<'_>, r: &DiffReport, title: &str, lists: &[Vec<OpChange>; 2]) {
    for plane in Plane::BOTH {
        let list = &lists[plane as usize];
        if list.is_empty() {
            continue;
        }
        let groups = group_ops(r, list);
        let heading = format!(
            "{title}, {} plane: {} in {}",
            plane.as_str(),
            plural(list.len(), "operation", "operations"),
            plural(groups.len(), "resource type", "resource types")
        );
        let mut rows: Vec<String> = groups
            .iter()
            .take(MAX_ROWS)
            .map(|g| {
                let verbs: Vec<String> = g
                    .ops
                    .iter()
                    .zip(g.verbs())
                    .map(|(o, v)| {
                        if o.tags.high {
                            format!("{} ⚠", code(&v))
                        } else {
                            code(&v)
                        }
                    })
                    .collect();
                format!(
                    "| {} | {} | {} |",
                    code(&g.resource_type),
                    verbs.join(" "),
                    category_keys(r, &g.ops).join(", ")
                )
            })
            .collect();
        if groups.len() > MAX_ROWS {
            rows.push(format!(
                "\n…and {} more resource types; the JSON output lists every operation.",
                groups.len() - MAX_ROWS
            ));
        }
        let stop = d.until(TAIL);
        d.list(
            Some(&md(&heading)),
            &md(&heading),
            "| Resource type | Operations | Risk |\n|---|---|---|\n",
            &rows,
            "resource types",
            stop,
        );
    }
}

fn written_lines(c: &RoleChange) -> Vec<String> {
    let w = &c.written;
    let mut lines: Vec<String> = Vec::new();
    if c.status == Status::NoEffectiveChange {
        lines.push("No effective change: the role grants exactly the same operations.".into());
    }
    if let Some(from) = c.moved_from() {
        lines.push(format!("- moved from {}", code(from)));
    }
    if !matches!(c.status, Status::Added | Status::Removed) {
        for (sign, list, added) in [
            ("➕", &w.entries_added, true),
            ("➖", &w.entries_removed, false),
        ] {
            for e in list.iter() {
                lines.push(format!(
                    "- {sign} `{}` {} — {}",
                    e.field.name(),
                    code(&e.raw),
                    entry_effect(e, added)
                ));
            }
        }
    }
    for (added, sc, note) in scope_lines(c) {
        let sign = if added { "➕" } else { "➖" };
        lines.push(format!(
            "- {sign} assignable scope {} — {}",
            code(&sc),
            md(&note)
        ));
    }
    if let Some(n) = &w.name
        && !matches!(c.status, Status::Added | Status::Removed)
    {
        lines.push(format!("- name: {} → {}", show(&n.old), show(&n.new)));
    }
    if w.description.is_some() && !matches!(c.status, Status::Added | Status::Removed) {
        lines.push("- description changed".to_string());
    }
    for x in &w.conditions {
        let at = x.block.map_or("role".to_string(), |b| format!("block {b}"));
        lines.push(format!(
            "- condition ({at}): {} → {}",
            show(&x.old),
            show(&x.new)
        ));
    }
    for (side, label) in [(&c.old, "old"), (&c.new, "new")] {
        for u in side.iter().flat_map(|x| &x.unresolved) {
            lines.push(format!("- **incomplete** ({label}): {}", md(u)));
        }
        for u in side.iter().flat_map(|x| &x.cli_ignores) {
            lines.push(format!("- **key case** ({label}): {}", md(u)));
        }
    }
    lines
}

/// Writes one role's details; `false` when not even its heading fits.
fn role_section(d: &mut Doc<'_>, r: &DiffReport, c: &RoleChange, o: &MdOptions<'_>) -> bool {
    let path = match c.path() {
        Some(p) => match (o.link_base, p.contains(')')) {
            (Some(base), false) => format!(
                " in [{}]({}/{})",
                code(p),
                base.trim_end_matches('/'),
                super::diff_sarif::uri_of(p)
            ),
            _ => format!(" in {}", code(p)),
        },
        None => String::new(),
    };
    let heading = format!("\n### {} — {}{path}\n\n", md(&c.role), c.status.as_str());
    // A heading alone is no use: keep room for at least a few rows.
    if !d.push_if(&heading, d.until(TAIL + 1_000)) {
        return false;
    }
    // What changed as written is short and says why: before the operation lists.
    let lines = written_lines(c);
    let n = lines.len();
    let stop = d.until(TAIL);
    d.list(
        None,
        &format!("{} changed as written", plural(n, "thing", "things")),
        "",
        &lines,
        "changes as written",
        stop,
    );
    ops_section(d, r, "Added", &c.ops.added);
    ops_section(d, r, "No longer conditional", &c.ops.now_unconditional);
    ops_section(d, r, "Removed", &c.ops.removed);
    ops_section(d, r, "Now conditional", &c.ops.now_conditional);
    true
}

fn show(v: &Option<String>) -> String {
    v.as_deref().map_or("(none)".to_string(), code)
}

/// The comment: capped at `o.cap` (the full report without one). `locate` maps a role, or
/// one of its operations' granting entry, to a file line.
pub fn markdown(r: &DiffReport, o: &MdOptions<'_>, locate: &Locate<'_>) -> String {
    let mut d = Doc::new(o.cap, o.full);
    let icon = if r.gate.failed {
        "❌"
    } else if r.high_risk_added() > 0 || !r.complete() {
        "⚠"
    } else {
        "✅"
    };
    let gate = format!(
        "gate `--fail-on {}`: {}",
        r.gate.fail_on.as_str(),
        if r.gate.failed {
            "**failed**"
        } else {
            "passed"
        }
    );
    d.push(&format!(
        "{icon} **azrbac role diff: {}** — {gate}\n\n",
        md(&verdict(r))
    ));
    let reasons: Vec<String> = r
        .gate
        .reasons
        .iter()
        .map(|x| format!("- {}", md(x)))
        .collect();
    let stop = d.from_here(6_000, d.until(TAIL));
    d.list(
        None,
        &format!("Why the gate failed ({})", reasons.len()),
        "",
        &reasons,
        "reasons",
        stop,
    );
    let ordered = by_risk(r);
    let shown: Vec<&RoleChange> = ordered.iter().copied().filter(|c| listed(c)).collect();
    let rows: Vec<String> = shown.iter().map(|c| summary_row(c)).collect();
    let stop = d.from_here(15_000, d.until(TAIL));
    d.list(
        None,
        &format!(
            "{} changed",
            plural(rows.len(), "role", "roles")
        ),
        "| Role | Status | Added | Removed | High-risk added | Entries | Scopes | Other |\n|---|---|--:|--:|--:|---|---|---|\n",
        &rows,
        "roles",
        stop,
    );
    let quiet: Vec<&RoleChange> = ordered.iter().copied().filter(|c| !listed(c)).collect();
    if !quiet.is_empty() {
        let moved = quiet.iter().filter(|c| c.status == Status::Moved).count();
        let moved = if moved > 0 {
            format!(", {moved} of them moved to another file")
        } else {
            String::new()
        };
        d.push(&format!(
            "{} with no effective change not listed{moved}.\n\n",
            plural(quiet.len(), "role", "roles")
        ));
    }
    let rows = scope_rows(r, o, locate);
    let stop = d.from_here(10_000, d.until(TAIL));
    let heading = format!("### ⚠ Assignable scopes widened ({})\n\n", rows.len());
    if !rows.is_empty() && d.push_if(&heading, stop) {
        d.list(
            None,
            &format!("{} widened", plural(rows.len(), "scope", "scopes")),
            "| Role | Scope | Change | High-risk operations it grants | At |\n|---|---|---|--:|---|\n",
            &rows,
            "widened scopes",
            stop,
        );
    }
    let rows = high_risk_rows(r, o, locate);
    let stop = d.from_here(25_000, d.until(TAIL));
    let heading = format!("### ⚠ High-risk additions ({})\n\n", rows.len());
    if !rows.is_empty() && d.push_if(&heading, stop) {
        d.list(
            None,
            &format!("{} high-risk operations", rows.len()),
            "| Role | Operation | Plane | Risk | Granted by |\n|---|---|---|---|---|\n",
            &rows,
            "high-risk operations",
            stop,
        );
    }
    let detailed: Vec<&RoleChange> = ordered
        .iter()
        .copied()
        .filter(|c| listed(c) || !super::diff_table::quiet(c))
        .collect();
    for (i, c) in detailed.iter().enumerate() {
        if !role_section(&mut d, r, c, o) {
            let left = detailed.len() - i;
            d.omitted += left;
            let note = d.cut_note(left, "roles' details");
            d.push_if(&note, d.until(TAIL - 500));
            break;
        }
    }
    if !r.skipped.is_empty() {
        let rows: Vec<String> = r
            .skipped
            .iter()
            .map(|k| format!("- {}: {}", code(&k.path), md(&k.reason)))
            .collect();
        let stop = d.until(600);
        d.list(
            None,
            &format!(
                "Skipped {} (no role definition)",
                plural(r.skipped.len(), "file", "files")
            ),
            "",
            &rows,
            "skipped files",
            stop,
        );
    }
    let cut = if d.omitted > 0 {
        " · cut to fit a comment"
    } else {
        ""
    };
    d.push(&format!(
        "\n<sub>azrbac {} · wildcards: {} · operations compared on exact expansions, not strings{cut}</sub>\n",
        env!("CARGO_PKG_VERSION"),
        r.wildcards
    ));
    d.s
}
