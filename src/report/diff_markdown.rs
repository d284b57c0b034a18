//! Rendering `diff` as a pull-request comment: a one-line verdict, a summary table with a
//! row per role, high-risk additions first, then each role's details with long lists
//! folded in `<details>`.

use super::diff_sarif::Located;
use super::diff_table::{
    category_keys, entry_effect, group_ops, plural, quiet, scope_lines, top_severity, verdict,
};
use crate::analyses::diff::{DiffReport, OpChange, RoleChange, Status};
use crate::model::Plane;
use std::fmt::Write;

/// Lists longer than this many rows are folded.
const FOLD_ROWS: usize = 10;
/// At most this many resource-type rows per list (the JSON lists everything).
const MAX_ROWS: usize = 200;

/// Escapes text for a Markdown table cell or paragraph (not inside code spans).
fn md(text: &str) -> String {
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
fn code(text: &str) -> String {
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

fn summary_row(s: &mut String, c: &RoleChange) {
    let w = &c.written;
    let entries = match (w.entries_added.len(), w.entries_removed.len()) {
        (0, 0) => "—".to_string(),
        (a, r) => format!("+{a} / −{r}"),
    };
    let scopes = match (w.scopes_added.len(), w.scopes_removed.len()) {
        (0, 0) => "—".to_string(),
        (a, r) => format!("+{a} / −{r}"),
    };
    let mut other: Vec<&str> = Vec::new();
    if w.name.is_some() && !matches!(c.status, Status::Added | Status::Removed) {
        other.push("name");
    }
    if w.description.is_some() {
        other.push("description");
    }
    if !w.conditions.is_empty() {
        other.push("condition");
    }
    if !c.complete() {
        other.push("**incomplete**");
    }
    let freed: usize = c.ops.now_unconditional.iter().map(Vec::len).sum();
    let added = if freed > 0 {
        format!("{} (+{freed} unconditional)", c.ops.added_count())
    } else {
        dash_if_zero(c.ops.added_count())
    };
    let _ = writeln!(
        s,
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
    );
}

fn high_risk_section(
    s: &mut String,
    r: &DiffReport,
    locate: &dyn Fn(&RoleChange, &OpChange) -> Option<Located>,
) {
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
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n### ⚠️ High-risk additions ({})\n", rows.len());
    let mut body = String::new();
    let _ = writeln!(body, "| Role | Operation | Plane | Risk | Granted by |");
    let _ = writeln!(body, "|---|---|---|---|---|");
    for (c, o) in &rows {
        let mut risk = category_keys(r, &[*o]).join(", ");
        if let Some(sev) = top_severity(r, o) {
            let _ = write!(risk, " ({sev})");
        }
        if o.conditional {
            risk.push_str(", conditional");
        }
        let at = match locate(c, o) {
            Some(l) => format!("{} line {}", code(&l.uri), l.line),
            None => o
                .source
                .as_ref()
                .map(|x| code(&x.pointer))
                .unwrap_or_default(),
        };
        let by = o
            .source
            .as_ref()
            .map(|x| format!("{} ({at})", code(&x.entry)))
            .unwrap_or_else(|| "—".to_string());
        let _ = writeln!(
            body,
            "| {} | {} | {} | {} | {by} |",
            md(&c.role),
            code(&o.name),
            o.plane.as_str(),
            risk
        );
    }
    fold(
        s,
        &format!("{} high-risk operations", rows.len()),
        &body,
        rows.len(),
    );
}

/// Writes `body`, folded in `<details>` when it has more than [`FOLD_ROWS`] rows.
fn fold(s: &mut String, summary: &str, body: &str, rows: usize) {
    if rows > FOLD_ROWS {
        let _ = writeln!(
            s,
            "<details><summary>{}</summary>\n\n{body}\n</details>\n",
            md(summary)
        );
    } else {
        let _ = writeln!(s, "{body}");
    }
}

fn ops_section(s: &mut String, r: &DiffReport, title: &str, lists: &[Vec<OpChange>; 2]) {
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
        let mut body = String::new();
        let _ = writeln!(body, "| Resource type | Operations | Risk |");
        let _ = writeln!(body, "|---|---|---|");
        for g in groups.iter().take(MAX_ROWS) {
            let verbs: Vec<String> = g
                .ops
                .iter()
                .zip(g.verbs())
                .map(|(o, v)| {
                    if o.tags.high {
                        format!("{} ⚠️", code(&v))
                    } else {
                        code(&v)
                    }
                })
                .collect();
            let _ = writeln!(
                body,
                "| {} | {} | {} |",
                code(&g.resource_type),
                verbs.join(" "),
                category_keys(r, &g.ops).join(", ")
            );
        }
        if groups.len() > MAX_ROWS {
            let _ = writeln!(
                body,
                "\n…and {} more; the JSON output lists every operation.",
                groups.len() - MAX_ROWS
            );
        }
        if groups.len() > FOLD_ROWS {
            fold(s, &heading, &body, groups.len());
        } else {
            let _ = writeln!(s, "**{}**\n\n{body}", md(&heading));
        }
    }
}

fn role_section(s: &mut String, r: &DiffReport, c: &RoleChange) {
    let path = c
        .path()
        .map(|p| format!(" in {}", code(p)))
        .unwrap_or_default();
    let _ = writeln!(s, "\n### {} — {}{path}\n", md(&c.role), c.status.as_str());
    ops_section(s, r, "Added", &c.ops.added);
    ops_section(s, r, "No longer conditional", &c.ops.now_unconditional);
    ops_section(s, r, "Removed", &c.ops.removed);
    ops_section(s, r, "Now conditional", &c.ops.now_conditional);
    let w = &c.written;
    let mut lines: Vec<String> = Vec::new();
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
    if c.status == Status::NoEffectiveChange {
        lines.insert(
            0,
            "No effective change: the role grants exactly the same operations.".to_string(),
        );
    }
    if !lines.is_empty() {
        let n = lines.len();
        fold(
            s,
            &format!("{} changed as written", plural(n, "thing", "things")),
            &lines.join("\n"),
            n,
        );
    }
}

fn show(v: &Option<String>) -> String {
    v.as_deref().map_or("(none)".to_string(), code)
}

/// The comment. `locate` maps a high-risk operation's granting entry to a file line.
pub fn markdown(
    r: &DiffReport,
    locate: &dyn Fn(&RoleChange, &OpChange) -> Option<Located>,
) -> String {
    let mut s = String::new();
    let icon = if r.gate.failed {
        "❌"
    } else if r.high_risk_added() > 0 || !r.complete() {
        "⚠️"
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
    let _ = writeln!(
        s,
        "{icon} **azrbac role diff: {}** — {gate}\n",
        md(&verdict(r))
    );
    let shown: Vec<&RoleChange> = r.changes.iter().filter(|c| !quiet(c)).collect();
    if !r.changes.is_empty() {
        let mut table = String::new();
        let _ = writeln!(
            table,
            "| Role | Status | Added | Removed | High-risk added | Entries | Scopes | Other |"
        );
        let _ = writeln!(table, "|---|---|--:|--:|--:|---|---|---|");
        for c in &r.changes {
            summary_row(&mut table, c);
        }
        fold(
            &mut s,
            &format!("{} compared", plural(r.changes.len(), "role", "roles")),
            &table,
            r.changes.len(),
        );
    }
    high_risk_section(&mut s, r, locate);
    for c in shown {
        role_section(&mut s, r, c);
    }
    if !r.skipped.is_empty() {
        let mut body = String::new();
        for k in &r.skipped {
            let _ = writeln!(body, "- {}: {}", code(&k.path), md(&k.reason));
        }
        let _ = writeln!(
            s,
            "\n<details><summary>Skipped {} (no role definition)</summary>\n\n{body}\n</details>",
            plural(r.skipped.len(), "file", "files")
        );
    }
    let _ = writeln!(
        s,
        "\n<sub>azrbac {} · wildcards: {} · operations compared on exact expansions, not strings</sub>",
        env!("CARGO_PKG_VERSION"),
        r.wildcards
    );
    s
}
