//! What changed as written between two versions of a role: permission entries, assignable
//! scopes, name, description and conditions. Reordering and reformatting are not changes.

use super::ops::{OpChange, OpsDiff};
use crate::graph::Index;
use crate::model::{Field, Pattern, RoleDefinition, WildcardMode};
use fixedbitset::FixedBitSet;
use std::collections::BTreeMap;

/// One permission entry added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryChange {
    pub field: Field,
    /// Exactly as written.
    pub raw: String,
    /// Trimmed.
    pub entry: String,
    pub pointer: String,
    pub block: usize,
    /// How many of the change's added (for added grants and removed exclusions) or removed
    /// (for removed grants and added exclusions) operations this entry matches: a widened
    /// wildcard shows here as the operations it now reaches.
    pub affects: usize,
}

/// A value that differs between OLD and NEW.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A changed condition: on the role (`block == None`) or on one permission block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionChange {
    pub block: Option<usize>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Everything that differs as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrittenDiff {
    pub entries_added: Vec<EntryChange>,
    pub entries_removed: Vec<EntryChange>,
    pub scopes_added: Vec<String>,
    pub scopes_removed: Vec<String>,
    pub name: Option<TextChange>,
    pub description: Option<TextChange>,
    pub conditions: Vec<ConditionChange>,
    /// Number of permission blocks (old, new).
    pub blocks: (usize, usize),
}

impl WrittenDiff {
    /// Whether anything other than metadata, order or formatting differs.
    pub fn is_empty(&self) -> bool {
        self.entries_added.is_empty()
            && self.entries_removed.is_empty()
            && self.scopes_added.is_empty()
            && self.scopes_removed.is_empty()
            && self.name.is_none()
            && self.description.is_none()
            && self.conditions.is_empty()
            && self.blocks.0 == self.blocks.1
    }
}

/// The identity of an entry for comparison: field, pattern ignoring case and surrounding
/// whitespace, and the condition of its block (moving an entry between blocks with the same
/// condition is not a change; a role-level condition applies to every block alike).
type EntryKey = (Field, String, Option<String>);

fn entry_multiset(role: Option<&RoleDefinition>) -> BTreeMap<EntryKey, Vec<EntryChange>> {
    let mut out: BTreeMap<EntryKey, Vec<EntryChange>> = BTreeMap::new();
    let Some(role) = role else {
        return out;
    };
    for (b, field, e) in role.entries() {
        let cond = role.permissions[b].condition.clone();
        out.entry((field, e.pattern.lower().to_string(), cond))
            .or_default()
            .push(EntryChange {
                field,
                raw: e.raw.clone(),
                entry: e.pattern.as_str().to_string(),
                pointer: e.pointer.clone(),
                block: b,
                affects: 0,
            });
    }
    out
}

/// Entries of `a` beyond those of `b` (multiset difference, in written order).
fn entries_minus(
    a: &BTreeMap<EntryKey, Vec<EntryChange>>,
    b: &BTreeMap<EntryKey, Vec<EntryChange>>,
) -> Vec<EntryChange> {
    let mut out: Vec<EntryChange> = Vec::new();
    for (k, list) in a {
        let keep = b.get(k).map_or(0, Vec::len);
        out.extend(list.iter().skip(keep).cloned());
    }
    out.sort_by(|x, y| (x.block, x.field, &x.pointer).cmp(&(y.block, y.field, &y.pointer)));
    out
}

fn scope_key(s: &str) -> String {
    let t = s.trim();
    let t = if t.len() > 1 {
        t.trim_end_matches('/')
    } else {
        t
    };
    t.to_ascii_lowercase()
}

fn scopes_minus(a: Option<&RoleDefinition>, b: Option<&RoleDefinition>) -> Vec<String> {
    let Some(a) = a else {
        return Vec::new();
    };
    let theirs: Vec<String> = b
        .map(|r| {
            r.assignable_scopes
                .iter()
                .map(|(s, _)| scope_key(s))
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for (s, _) in &a.assignable_scopes {
        let k = scope_key(s);
        if !theirs.contains(&k) && !out.iter().any(|o| scope_key(o) == k) {
            out.push(s.clone());
        }
    }
    out
}

fn text_change(old: Option<&str>, new: Option<&str>) -> Option<TextChange> {
    if old == new {
        None
    } else {
        Some(TextChange {
            old: old.map(str::to_string),
            new: new.map(str::to_string),
        })
    }
}

fn with_version(c: Option<&str>, v: Option<&str>) -> Option<String> {
    c.map(|c| match v {
        Some(v) => format!("{c} (version {v})"),
        None => c.to_string(),
    })
}

/// Compares two versions of a role as written. Either side may be absent (role added or
/// removed); then every entry and scope of the other side is reported.
pub fn diff_written(old: Option<&RoleDefinition>, new: Option<&RoleDefinition>) -> WrittenDiff {
    let (eo, en) = (entry_multiset(old), entry_multiset(new));
    let mut d = WrittenDiff {
        entries_added: entries_minus(&en, &eo),
        entries_removed: entries_minus(&eo, &en),
        scopes_added: scopes_minus(new, old),
        scopes_removed: scopes_minus(old, new),
        blocks: (
            old.map_or(0, |r| r.permissions.len()),
            new.map_or(0, |r| r.permissions.len()),
        ),
        ..WrittenDiff::default()
    };
    let (Some(o), Some(n)) = (old, new) else {
        return d;
    };
    d.name = text_change(o.name.as_deref(), n.name.as_deref());
    d.description = text_change(o.description.as_deref(), n.description.as_deref());
    let role_old = with_version(o.condition.as_deref(), o.condition_version.as_deref());
    let role_new = with_version(n.condition.as_deref(), n.condition_version.as_deref());
    if role_old != role_new {
        d.conditions.push(ConditionChange {
            block: None,
            old: role_old,
            new: role_new,
        });
    }
    for b in 0..o.permissions.len().max(n.permissions.len()) {
        let get = |r: &RoleDefinition| {
            r.permissions
                .get(b)
                .and_then(|p| with_version(p.condition.as_deref(), p.condition_version.as_deref()))
        };
        let (co, cn) = (get(o), get(n));
        if co != cn {
            d.conditions.push(ConditionChange {
                block: Some(b),
                old: co,
                new: cn,
            });
        }
    }
    d
}

/// Fills `affects` of each changed entry: how many of the operations the change adds (for
/// added grants and removed exclusions) or removes (for removed grants and added exclusions)
/// the entry matches on its own plane.
pub fn count_affects(index: &Index, mode: WildcardMode, d: &mut WrittenDiff, ops: &OpsDiff) {
    fn collect<'a>(
        index: &Index,
        lists: &'a [Vec<OpChange>; 2],
    ) -> (FixedBitSet, [Vec<&'a str>; 2]) {
        let mut set = index.empty_set();
        let mut unknown: [Vec<&'a str>; 2] = [Vec::new(), Vec::new()];
        for (p, list) in lists.iter().enumerate() {
            for o in list {
                match o.id {
                    Some(id) => set.insert(id as usize),
                    None => unknown[p].push(o.name.as_str()),
                }
            }
        }
        (set, unknown)
    }
    let (added, added_unknown) = collect(index, &ops.added);
    let (removed, removed_unknown) = collect(index, &ops.removed);
    let mut scratch = index.empty_set();
    let mut count = |e: &mut EntryChange, widened: bool| {
        let plane = e.field.plane();
        let Ok(pattern) = Pattern::parse(&e.entry) else {
            return;
        };
        scratch.clear();
        index.resolve_into(&pattern, plane, mode, &mut scratch);
        let (set, unknown) = if widened {
            (&added, &added_unknown[plane as usize])
        } else {
            (&removed, &removed_unknown[plane as usize])
        };
        scratch.intersect_with(set);
        e.affects =
            scratch.count_ones(..) + unknown.iter().filter(|u| pattern.matches(u, mode)).count();
    };
    for e in &mut d.entries_added {
        let widened = !e.field.is_exclusion();
        count(e, widened);
    }
    for e in &mut d.entries_removed {
        let widened = e.field.is_exclusion();
        count(e, widened);
    }
}
