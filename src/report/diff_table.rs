//! Rendering `diff` for the terminal: a verdict, then per role the operations added and
//! removed grouped by resource type with their risk categories, and what changed as written.
//! Also the helpers the Markdown renderer shares (verdict, grouping, severity).

use super::expand::abbreviate;
use super::table;
use crate::analyses::diff::{DiffReport, EntryChange, OpChange, RoleChange, Status};
use crate::graph::resource_type_of;
use crate::model::Plane;
use crate::model::catalog::sort_byte;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Most operation rows shown per list in the table (the JSON lists everything).
const MAX_ROWS: usize = 60;

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line verdict shared by every format.
pub fn verdict(r: &DiffReport) -> String {
    let eff = r.effective_changes();
    let mut s = if r.changes.is_empty() {
        "No role definitions to compare".to_string()
    } else if eff == 0 {
        format!(
            "No effective change ({} compared)",
            plural(r.changes.len(), "role", "roles")
        )
    } else {
        let high = r.high_risk_added();
        let high = if high > 0 {
            format!(" ({high} high-risk)")
        } else {
            String::new()
        };
        let freed: usize = r
            .changes
            .iter()
            .map(|c| c.ops.now_unconditional.iter().map(Vec::len).sum::<usize>())
            .sum();
        let freed = if freed > 0 {
            format!(
                ", {} no longer conditional",
                plural(freed, "operation", "operations")
            )
        } else {
            String::new()
        };
        let widened = r.changes.iter().filter(|c| c.scopes.widens()).count();
        let narrowed = r
            .changes
            .iter()
            .filter(|c| !c.scopes.narrowed.is_empty())
            .count();
        let mut scopes = String::new();
        if widened > 0 {
            let _ = write!(
                scopes,
                "; assignable scopes widened for {}",
                plural(widened, "role", "roles")
            );
        }
        if narrowed > 0 {
            let _ = write!(
                scopes,
                "; assignable scopes narrowed for {}",
                plural(narrowed, "role", "roles")
            );
        }
        format!(
            "{} {} effectively: {} added{high}, {} removed{freed}{scopes}",
            plural(eff, "role", "roles"),
            if eff == 1 { "changes" } else { "change" },
            plural(r.added_ops(), "operation", "operations"),
            r.removed_ops()
        )
    };
    let moved = r
        .changes
        .iter()
        .filter(|c| c.status == Status::Moved)
        .count();
    if moved > 0 {
        let _ = write!(
            s,
            "; {} moved to another file",
            plural(moved, "role", "roles")
        );
    }
    let incomplete = r.changes.iter().filter(|c| !c.complete()).count();
    if incomplete > 0 {
        let _ = write!(
            s,
            "; incomplete: {} values azrbac cannot read",
            if incomplete == 1 {
                "1 role holds".to_string()
            } else {
                format!("{incomplete} roles hold")
            }
        );
    }
    s
}

/// Every assignable scope added or removed as written, with what it does in effect:
/// (added, scope, note).
pub fn scope_lines(c: &RoleChange) -> Vec<(bool, String, String)> {
    let w = &c.written;
    let both = c.old.is_some() && c.new.is_some();
    let mut out = Vec::new();
    for sc in &w.scopes_added {
        let note = match c.scopes.widened.iter().find(|x| &x.scope == sc) {
            Some(x) if x.replaces.is_empty() => "WIDENS where the role can be assigned".to_string(),
            Some(x) => format!(
                "WIDENS where the role can be assigned (covers {}, which it replaces)",
                x.replaces.join(", ")
            ),
            None if both => "within the scopes the role already had: no wider".to_string(),
            None => "the role is added".to_string(),
        };
        out.push((true, sc.clone(), note));
    }
    for sc in &w.scopes_removed {
        let by = c.scopes.widened.iter().find(|x| x.replaces.contains(sc));
        let note = if c.scopes.narrowed.contains(sc) {
            "narrows where the role can be assigned".to_string()
        } else if let Some(x) = by {
            format!("replaced by {}, which covers it", x.scope)
        } else if both {
            "within the new scopes: no narrower".to_string()
        } else {
            "the role is removed".to_string()
        };
        out.push((false, sc.clone(), note));
    }
    out
}

/// The gate line: `gate --fail-on X: passed|FAILED`.
pub fn gate_line(r: &DiffReport) -> String {
    let g = &r.gate;
    if g.failed {
        format!(
            "gate --fail-on {}: FAILED ({})",
            g.fail_on.as_str(),
            g.reasons.join("; ")
        )
    } else {
        format!("gate --fail-on {}: passed", g.fail_on.as_str())
    }
}

/// The worst severity among an operation's categories.
pub fn top_severity<'a>(r: &'a DiffReport, op: &OpChange) -> Option<&'a str> {
    op.tags
        .categories
        .iter()
        .filter_map(|i| r.categories.get(*i))
        .max_by_key(|c| c.rank)
        .map(|c| c.severity.as_str())
}

/// Category keys of several operations, worst first, without repeats.
pub fn category_keys<'a>(r: &'a DiffReport, ops: &[&OpChange]) -> Vec<&'a str> {
    let mut cats: Vec<usize> = ops
        .iter()
        .flat_map(|o| o.tags.categories.iter().copied())
        .collect();
    cats.sort_unstable();
    cats.dedup();
    let mut infos: Vec<&crate::analyses::diff::CategoryInfo> =
        cats.iter().filter_map(|i| r.categories.get(*i)).collect();
    infos.sort_by(|a, b| b.rank.cmp(&a.rank).then_with(|| a.key.cmp(&b.key)));
    infos.into_iter().map(|c| c.key.as_str()).collect()
}

/// Operations of one resource type.
pub struct TypeGroup<'a> {
    pub resource_type: String,
    pub ops: Vec<&'a OpChange>,
}

impl TypeGroup<'_> {
    /// The verbs (`read`, `listKeys/action`), marked when granted only under a condition.
    pub fn verbs(&self) -> Vec<String> {
        self.ops
            .iter()
            .map(|o| {
                let v = o
                    .name
                    .get(self.resource_type.len() + 1..)
                    .unwrap_or(&o.name)
                    .to_string();
                if o.conditional {
                    format!("{v} (conditional)")
                } else {
                    v
                }
            })
            .collect()
    }
}

/// Groups an operation list by resource type: groups holding high-risk operations first
/// (worst first), then the rest in canonical order; inside a group, high-risk operations
/// first (worst first), then canonical order.
pub fn group_ops<'a>(r: &DiffReport, list: &'a [OpChange]) -> Vec<TypeGroup<'a>> {
    let worst = |g: &TypeGroup<'_>| -> Option<u8> {
        g.ops
            .iter()
            .filter(|o| o.tags.high)
            .flat_map(|o| {
                o.tags
                    .categories
                    .iter()
                    .filter_map(|i| r.categories.get(*i))
                    .map(|c| c.rank)
            })
            .max()
    };
    let rank = |o: &OpChange| -> Option<u8> {
        o.tags
            .categories
            .iter()
            .filter_map(|i| r.categories.get(*i))
            .map(|c| c.rank)
            .max()
    };
    let mut groups = group_by_type(list);
    groups.sort_by_key(|g| std::cmp::Reverse(worst(g)));
    for g in &mut groups {
        g.ops
            .sort_by_key(|o| std::cmp::Reverse((o.tags.high, rank(o))));
    }
    groups
}

/// Groups a canonically sorted operation list by resource type, in canonical order.
pub fn group_by_type(list: &[OpChange]) -> Vec<TypeGroup<'_>> {
    let mut by: BTreeMap<Vec<u8>, TypeGroup<'_>> = BTreeMap::new();
    for o in list {
        let rt = resource_type_of(&o.name);
        let key: Vec<u8> = rt.bytes().map(sort_byte).collect();
        by.entry(key)
            .or_insert_with(|| TypeGroup {
                resource_type: rt.to_string(),
                ops: Vec::new(),
            })
            .ops
            .push(o);
    }
    by.into_values().collect()
}

/// What an entry change does, in words.
pub fn entry_effect(e: &EntryChange, added: bool) -> String {
    let n = e.affects;
    let ops = |n| plural(n, "operation", "operations");
    match (added, e.field.is_exclusion()) {
        (true, false) if n == 0 => "adds nothing not already granted".to_string(),
        (true, false) => format!("reaches {} not granted before", ops(n)),
        (true, true) if n == 0 => "takes away nothing that was granted before".to_string(),
        (true, true) => format!("takes away {} granted before", ops(n)),
        (false, true) => format!("no longer holds back {}", ops(n)),
        (false, false) if n == 0 => "everything it matched is still granted".to_string(),
        (false, false) => format!("{} it matched no longer granted", ops(n)),
    }
}

/// The risk of one operation for a table cell: its categories, worst first, and severity.
pub fn op_risk(r: &DiffReport, o: &OpChange) -> String {
    let keys = category_keys(r, &[o]);
    if keys.is_empty() {
        return String::new();
    }
    match top_severity(r, o) {
        Some(sev) => format!("{} ({sev})", keys.join(", ")),
        None => keys.join(", "),
    }
}

fn ops_table(s: &mut String, r: &DiffReport, title: &str, lists: &[Vec<OpChange>; 2]) {
    for plane in Plane::BOTH {
        let list = &lists[plane as usize];
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "  {title}, {} plane ({}):", plane.as_str(), list.len());
        let groups = group_ops(r, list);
        let mut t = table(&["resource type", "operation", "risk"]);
        let mut rows = 0;
        let mut shown = 0;
        'groups: for g in &groups {
            for (k, (o, verb)) in g.ops.iter().zip(g.verbs()).enumerate() {
                if rows == MAX_ROWS {
                    break 'groups;
                }
                let rt = if k == 0 {
                    g.resource_type.clone()
                } else {
                    String::new()
                };
                t.add_row(super::safe_row(vec![rt, verb, op_risk(r, o)]));
                rows += 1;
                shown += 1;
            }
        }
        for line in t.to_string().lines() {
            let _ = writeln!(s, "  {line}");
        }
        if shown < list.len() {
            let _ = writeln!(
                s,
                "  … and {} more; --format json lists every operation",
                plural(list.len() - shown, "operation", "operations")
            );
        }
    }
}

fn headline(c: &RoleChange) -> String {
    let id = c
        .guid
        .as_deref()
        .map(|g| format!(" ({g})"))
        .unwrap_or_default();
    let path = match (
        c.old.as_ref().and_then(|s| s.path.as_deref()),
        c.new.as_ref().and_then(|s| s.path.as_deref()),
    ) {
        (Some(o), Some(n)) if o != n => format!("  [{o} → {n}]"),
        (_, Some(p)) | (Some(p), None) => format!("  [{p}]"),
        _ => String::new(),
    };
    format!("{}{id}: {}{path}", c.role, c.status.as_str())
}

fn role_text(s: &mut String, r: &DiffReport, c: &RoleChange) {
    let _ = writeln!(s, "{}", headline(c));
    let high = c.high_risk_widening().count();
    let high = if high > 0 {
        format!(" ({high} high-risk)")
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "  {} added{high}, {} removed",
        plural(c.ops.added_count(), "operation", "operations"),
        c.ops.removed_count()
    );
    let accepted: Vec<&OpChange> = c.ops.widening().filter(|o| o.accepted.is_some()).collect();
    if !accepted.is_empty() {
        let mut reasons: Vec<&str> = accepted
            .iter()
            .filter_map(|o| o.accepted.as_deref())
            .collect();
        reasons.dedup();
        let _ = writeln!(
            s,
            "  {} accepted by the configuration (not counted by the gate): {}",
            plural(accepted.len(), "operation", "operations"),
            reasons.join("; ")
        );
    }
    ops_table(s, r, "added", &c.ops.added);
    ops_table(
        s,
        r,
        "now unconditional (a condition no longer limits them)",
        &c.ops.now_unconditional,
    );
    ops_table(s, r, "removed", &c.ops.removed);
    ops_table(s, r, "now conditional", &c.ops.now_conditional);
    let w = &c.written;
    if matches!(c.status, Status::Added | Status::Removed) {
        let n = w.entries_added.len() + w.entries_removed.len();
        let _ = writeln!(s, "  {} as written", plural(n, "entry", "entries"));
    } else {
        for (sign, list, added) in [
            ("+", &w.entries_added, true),
            ("-", &w.entries_removed, false),
        ] {
            for e in list.iter() {
                let _ = writeln!(
                    s,
                    "  {sign} {} `{}` ({}) — {}",
                    e.field.name(),
                    e.raw,
                    e.pointer,
                    entry_effect(e, added)
                );
            }
        }
    }
    for (added, sc, note) in scope_lines(c) {
        let sign = if added { "+" } else { "-" };
        let _ = writeln!(s, "  {sign} assignable scope {sc} — {note}");
    }
    if let Some(n) = &w.name {
        let _ = writeln!(s, "  name: {} → {}", show(&n.old), show(&n.new));
    }
    if w.description.is_some() {
        let _ = writeln!(s, "  description changed");
    }
    for x in &w.conditions {
        let at = x.block.map_or("role".to_string(), |b| format!("block {b}"));
        let _ = writeln!(s, "  condition ({at}): {} → {}", show(&x.old), show(&x.new));
    }
    if w.blocks.0 != w.blocks.1 && c.status != Status::Added && c.status != Status::Removed {
        let _ = writeln!(s, "  permission blocks: {} → {}", w.blocks.0, w.blocks.1);
    }
    for (side, label) in [(&c.old, "old"), (&c.new, "new")] {
        for u in side.iter().flat_map(|x| &x.unresolved) {
            let _ = writeln!(s, "  incomplete ({label}): {u}");
        }
        for u in side.iter().flat_map(|x| &x.cli_ignores) {
            let _ = writeln!(s, "  key case ({label}): {u}");
        }
    }
}

fn show(v: &Option<String>) -> String {
    v.as_deref().map_or("(none)".to_string(), |t| {
        format!("`{}`", crate::text::escape(t))
    })
}

/// Roles shown in full; the rest (identical in effect and as written) are summarised.
pub fn quiet(c: &RoleChange) -> bool {
    c.status == Status::NoEffectiveChange && c.written.is_empty() && c.complete()
}

pub fn table_text(r: &DiffReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", verdict(r));
    for c in r.changes.iter().filter(|c| !quiet(c)) {
        s.push('\n');
        role_text(&mut s, r, c);
    }
    let same: Vec<&str> = r
        .changes
        .iter()
        .filter(|c| quiet(c))
        .map(|c| c.role.as_str())
        .collect();
    if !same.is_empty() {
        let _ = writeln!(
            s,
            "\nno effective change (order, formatting or metadata only): {}",
            abbreviate(&same.iter().map(|x| x.to_string()).collect::<Vec<_>>(), 12)
        );
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(s, "\nskipped {}:", plural(r.skipped.len(), "file", "files"));
        for k in &r.skipped {
            let _ = writeln!(s, "  {}: {}", k.path, k.reason);
        }
    }
    let _ = writeln!(s, "\n{}", gate_line(r));
    s
}
