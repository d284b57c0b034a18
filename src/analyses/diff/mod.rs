//! The semantic role diff: what a change to role definitions really adds or removes, on
//! exact expansions (not strings), with what changed as written beside it. Pure: callers
//! hand in parsed roles; nothing here reads files or runs git.

pub mod accept;
pub mod gate;
pub mod matching;
pub mod ops;
pub mod risk_tags;
pub mod scopes;
pub mod written;

#[cfg(test)]
mod proof;
#[cfg(test)]
mod tests;

pub use gate::{FailOn, Gate, Unresolved, evaluate};
pub use matching::{FileRoles, Pairing, pair_roles};
pub use ops::{NoTags, OpChange, OpsDiff, Source, Tagger, Tags, diff_effective};
pub use risk_tags::{RiskTagger, RuleTagger, category_infos};
pub use scopes::{ScopeChange, Widened, compare_scopes};
pub use written::{ConditionChange, EntryChange, TextChange, WrittenDiff, diff_written};

use crate::effective::{Effective, Verdict, expand, explain};
use crate::graph::Index;
use crate::model::{RoleDefinition, WildcardMode};

/// What happened to one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Only NEW has it: reported whole.
    Added,
    /// Only OLD has it: reported whole.
    Removed,
    /// Its effective operations (or their conditions) or where it can be assigned differ.
    Changed,
    /// Found in another file, granting the same operations at the same scopes.
    Moved,
    /// Same effective operations; maybe reordered, reformatted, renamed, or metadata only.
    NoEffectiveChange,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
            Status::Moved => "moved",
            Status::NoEffectiveChange => "no effective change",
        }
    }
}

/// One side of a compared role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSide {
    /// Where it was read from (file, `BASE:path`, `builtin`).
    pub origin: String,
    /// Repository path in `--git` mode.
    pub path: Option<String>,
    /// JSON pointer of the role in its file.
    pub pointer: String,
    pub name: Option<String>,
    pub guid: Option<String>,
    /// Values azrbac could not read as literals (the expansion is a lower bound).
    pub unresolved: Vec<String>,
    /// Keys `az role definition create` would not read (`notactions`), each with its effect:
    /// the side's operations are those of both readings (see [`expand_both`]).
    pub cli_ignores: Vec<String>,
}

impl RoleSide {
    fn of(role: &RoleDefinition, path: Option<&str>) -> RoleSide {
        RoleSide {
            origin: role.origin.clone(),
            path: path.map(str::to_string),
            pointer: role.pointer.clone(),
            name: role.name.clone(),
            guid: role.guid.clone(),
            unresolved: role.unresolved.clone(),
            cli_ignores: role
                .key_case
                .iter()
                .map(|k| {
                    format!(
                        "`{}` is not read by `az role definition create` (it reads {}): deployed with the Azure CLI, {}",
                        k.written, k.accepted, k.effect
                    )
                })
                .collect(),
        }
    }
}

/// The comparison of one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    /// NEW's label, else OLD's.
    pub role: String,
    pub guid: Option<String>,
    pub status: Status,
    pub old: Option<RoleSide>,
    pub new: Option<RoleSide>,
    pub ops: OpsDiff,
    /// How the assignable scopes changed in effect (both sides present only).
    pub scopes: ScopeChange,
    /// When the scopes widen: how many high-risk operations NEW grants in all (they can now
    /// be granted over the wider estate).
    pub high_risk_granted: usize,
    pub written: WrittenDiff,
}

impl RoleChange {
    /// Whether both sides were read completely (no unresolved values).
    pub fn complete(&self) -> bool {
        self.old
            .iter()
            .chain(&self.new)
            .all(|s| s.unresolved.is_empty())
    }

    /// Whether NEW holds unresolved values OLD did not hold the same way: the change may add
    /// access azrbac cannot see.
    pub fn unresolved_changed(&self) -> bool {
        let old: &[String] = self.old.as_ref().map_or(&[], |s| &s.unresolved);
        self.new
            .as_ref()
            .is_some_and(|n| n.unresolved.iter().any(|u| !old.contains(u)))
    }

    /// Whether the role changed in effect (operations, conditions or scopes), or is added or
    /// removed; a moved role with nothing else changed has not.
    pub fn effective(&self) -> bool {
        !matches!(self.status, Status::NoEffectiveChange | Status::Moved)
    }

    /// The file the role moved from, when both sides are in different files.
    pub fn moved_from(&self) -> Option<&str> {
        let o = self.old.as_ref()?.path.as_deref()?;
        let n = self.new.as_ref()?.path.as_deref()?;
        (o != n).then_some(o)
    }

    /// The high-risk operations this change adds or frees from a condition.
    pub fn high_risk_widening(&self) -> impl Iterator<Item = &OpChange> {
        self.ops.widening().filter(|o| o.tags.high)
    }

    /// Operations this change widens that no accepted grant covers (what the gate counts).
    pub fn unaccepted_widening(&self) -> impl Iterator<Item = &OpChange> {
        self.ops.widening().filter(|o| o.accepted.is_none())
    }

    /// The repository path of the role (NEW's, else OLD's).
    pub fn path(&self) -> Option<&str> {
        self.new
            .as_ref()
            .and_then(|s| s.path.as_deref())
            .or_else(|| self.old.as_ref().and_then(|s| s.path.as_deref()))
    }
}

/// A risk category as the report shows it (copied from the taxonomy the tagger uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryInfo {
    pub key: String,
    pub name: String,
    pub severity: String,
    /// Orders severities: higher is worse.
    pub rank: u8,
    pub reason: String,
    pub high: bool,
}

/// A file `diff --git` looked at and left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// The git revisions compared by `diff --git`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitRange {
    pub base: String,
    /// `None` for the working tree.
    pub head: Option<String>,
}

/// Everything `azrbac diff` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffReport {
    pub wildcards: &'static str,
    pub git: Option<GitRange>,
    /// Role files compared (`--git` mode).
    pub files: Vec<String>,
    pub skipped: Vec<Skipped>,
    pub changes: Vec<RoleChange>,
    /// Risk categories, indexed as in [`Tags::categories`].
    pub categories: Vec<CategoryInfo>,
    pub gate: Gate,
}

impl DiffReport {
    pub fn complete(&self) -> bool {
        self.changes.iter().all(RoleChange::complete)
    }

    pub fn added_ops(&self) -> usize {
        self.changes.iter().map(|c| c.ops.added_count()).sum()
    }

    pub fn removed_ops(&self) -> usize {
        self.changes.iter().map(|c| c.ops.removed_count()).sum()
    }

    pub fn high_risk_added(&self) -> usize {
        self.changes
            .iter()
            .map(|c| c.high_risk_widening().count())
            .sum()
    }

    /// Roles whose effective operations changed (added and removed roles included).
    pub fn effective_changes(&self) -> usize {
        self.changes.iter().filter(|c| c.effective()).count()
    }
}

/// What a role grants under either reading of its keys: as written (PowerShell, ARM, the
/// portal read keys ignoring case) and as `az role definition create` reads it (keys it
/// does not recognise left out). The two differ only when the file mis-cases a key; which
/// tool deploys it is unknown, so the diff takes the union and never understates access.
pub fn expand_both(index: &Index, role: &RoleDefinition, mode: WildcardMode) -> Effective {
    let mut e = expand(index, role, mode);
    if let Some(cli) = crate::model::key_case::cli_reading(role) {
        e.union_with(&expand(index, &cli, mode));
    }
    e
}

/// The expansion of an optional role (an absent role grants nothing).
fn expand_opt(index: &Index, role: Option<&RoleDefinition>, mode: WildcardMode) -> Effective {
    match role {
        Some(r) => expand_both(index, r, mode),
        None => Effective::empty(index.catalog().len()),
    }
}

/// Compares two versions of a role (either may be absent: added or removed role).
pub fn diff_pair(
    index: &Index,
    mode: WildcardMode,
    pairing: &Pairing<'_>,
    tagger: &dyn Tagger,
) -> RoleChange {
    let (old, new) = (pairing.old, pairing.new);
    let eo = expand_opt(index, old, mode);
    let en = expand_opt(index, new, mode);
    let mut ops = diff_effective(index, &eo, &en);
    ops.tag(tagger);
    if let Some(n) = new {
        attribute(index, mode, n, &mut ops);
    }
    let mut written = diff_written(old, new);
    written::count_affects(index, mode, &mut written, &ops);
    let scopes = match (old, new) {
        (Some(o), Some(n)) => compare_scopes(o, n),
        _ => ScopeChange::default(),
    };
    let high_risk_granted = if scopes.widens() {
        count_high(index, &en, tagger)
    } else {
        0
    };
    let moved = matches!((pairing.old_path, pairing.new_path), (Some(a), Some(b)) if a != b);
    let status = match (old, new) {
        (None, _) => Status::Added,
        (_, None) => Status::Removed,
        _ if !ops.is_empty() || !scopes.is_empty() => Status::Changed,
        _ if moved => Status::Moved,
        _ => Status::NoEffectiveChange,
    };
    RoleChange {
        role: pairing.label(),
        guid: new
            .and_then(|r| r.guid.clone())
            .or_else(|| old.and_then(|r| r.guid.clone())),
        status,
        old: old.map(|r| RoleSide::of(r, pairing.old_path)),
        new: new.map(|r| RoleSide::of(r, pairing.new_path)),
        ops,
        scopes,
        high_risk_granted,
        written,
    }
}

/// How many operations of an expansion the tagger calls high risk.
fn count_high(index: &Index, e: &Effective, tagger: &dyn Tagger) -> usize {
    let mut n = 0;
    for plane in crate::model::Plane::BOTH {
        n += e
            .ids(index, plane)
            .filter(|id| tagger.tag(plane, Some(*id), index.catalog().name(*id)).high)
            .count();
        n += e.unknown[plane as usize]
            .iter()
            .filter(|u| tagger.tag(plane, None, &u.name).high)
            .count();
    }
    n
}

/// Records, for every high-risk operation NEW adds or frees from a condition, the entry of
/// NEW that grants it (unconditional blocks first), via `effective::explain`.
pub fn attribute(index: &Index, mode: WildcardMode, new: &RoleDefinition, ops: &mut OpsDiff) {
    for list in [&mut ops.added, &mut ops.now_unconditional] {
        for op in list.iter_mut().flatten().filter(|o| o.tags.high) {
            let planes = explain(index, new, &op.name, mode);
            let Some(p) = planes.iter().find(|p| p.plane == op.plane) else {
                continue;
            };
            if !matches!(p.verdict, Verdict::Granted | Verdict::Conditional) {
                continue;
            }
            let granting = p
                .blocks
                .iter()
                .filter(|b| !b.grants.is_empty() && b.removals.is_empty())
                .min_by_key(|b| (b.conditional, b.block));
            if let Some(e) = granting.and_then(|b| b.grants.first()) {
                op.source = Some(Source {
                    entry: e.text.clone(),
                    pointer: e.pointer.clone(),
                    block: e.block,
                });
            }
        }
    }
}

/// Compares every file's roles: pairs them (see [`pair_roles`]) and diffs each pair.
pub fn diff_files(
    index: &Index,
    mode: WildcardMode,
    files: &[FileRoles<'_>],
    explicit: bool,
    tagger: &dyn Tagger,
) -> Vec<RoleChange> {
    let mut pairs = pair_roles(files, explicit);
    pair_by_permissions(index, mode, &mut pairs);
    pairs
        .iter()
        .map(|p| diff_pair(index, mode, p, tagger))
        .collect()
}

/// Pairs roles left unmatched (only on one side) that grant exactly the same operations
/// under the same conditions and carry no conflicting GUIDs: a role renamed and moved, or
/// renamed beside another added or removed role, is one role, not one removed and one added.
fn pair_by_permissions(index: &Index, mode: WildcardMode, pairs: &mut Vec<Pairing<'_>>) {
    let lone_old: Vec<usize> = (0..pairs.len())
        .filter(|i| pairs[*i].new.is_none())
        .collect();
    let lone_new: Vec<usize> = (0..pairs.len())
        .filter(|i| pairs[*i].old.is_none())
        .collect();
    if lone_old.is_empty() || lone_new.is_empty() {
        return;
    }
    let olds: Vec<Effective> = lone_old
        .iter()
        .map(|i| expand_opt(index, pairs[*i].old, mode))
        .collect();
    let mut taken = vec![false; lone_old.len()];
    let mut drop: Vec<usize> = Vec::new();
    for j in lone_new {
        let Some(n) = pairs[j].new else { continue };
        let en = expand_both(index, n, mode);
        if en.granted.is_clear() && en.unknown.iter().all(Vec::is_empty) {
            continue;
        }
        let found = (0..lone_old.len()).find(|k| {
            !taken[*k]
                && olds[*k] == en
                && pairs[lone_old[*k]]
                    .old
                    .is_some_and(|o| !matches!((&o.guid, &n.guid), (Some(x), Some(y)) if x != y))
        });
        if let Some(k) = found {
            taken[k] = true;
            let i = lone_old[k];
            pairs[j].old = pairs[i].old;
            pairs[j].old_path = pairs[i].old_path;
            drop.push(i);
        }
    }
    if drop.is_empty() {
        return;
    }
    drop.sort_unstable();
    for i in drop.into_iter().rev() {
        pairs.remove(i);
    }
    matching::sort_pairings(pairs);
}
