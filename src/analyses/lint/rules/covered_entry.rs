//! AZR105 covered-entry: an entry whose every catalog operation another entry of the same
//! list of the same block already matches.
//!
//! Near-linear: an entry B can cover A only if B matches A's first operation, so each list
//! indexes, for the operations that are some entry's first, the entries matching them, and A is
//! compared only with those. [`check_naive`] is the pairwise definition the index must agree
//! with (property-tested in `lint/tests.rs`, timed in `benches/lint_covered_entry.rs`).

use super::Rule;
use crate::analyses::lint::context::{Class, EntryFacts, RoleCtx};
use crate::analyses::lint::{Hit, Severity};
use crate::model::{Field, Plane};
use fixedbitset::FixedBitSet;
use std::collections::{BTreeMap, HashMap};

pub const RULE: Rule = Rule {
    code: "AZR105",
    name: "covered-entry",
    severity: Severity::Warning,
    summary: "An entry adds nothing: another entry of the same list of the same block matches all it matches",
    doc: include_str!("../../../../docs/rules/AZR105.md"),
    check,
};

/// Whether an entry takes part at all. Entries that match nothing on their plane are reported
/// by the error rules (or AZR101); whether a wildcard also matches their text is beside the
/// point. Entries Azure rejects (several `*`) neither cover nor are covered: AZR003 says what
/// to fix first.
fn eligible(e: &EntryFacts<'_>) -> bool {
    e.class == Class::Known && e.entry.pattern.star_count() <= 1
}

/// Whether `b` (at `j`) covers `a` (at `i`), both eligible and in the same list, as far as
/// the catalog sets tell: A's set inside B's, and on equal sets only the later entry is the
/// redundant one. A duplicate (AZR103) is not a cover.
fn covers_set(a: &EntryFacts<'_>, i: usize, b: &EntryFacts<'_>, j: usize) -> bool {
    j != i
        && b.entry.pattern.lower() != a.entry.pattern.lower()
        && (a.count < b.count || j < i)
        && a.set.is_subset(&b.set)
}

/// The covering entry of every entry (index into `ctx.entries`), through the index.
fn covers(ctx: &RoleCtx<'_>) -> Vec<Option<usize>> {
    let mode = ctx.env.model.mode;
    let mut out = vec![None; ctx.entries.len()];
    // The eligible entries of each list, in entry order.
    let mut lists: BTreeMap<(usize, Field), Vec<usize>> = BTreeMap::new();
    for (i, e) in ctx.entries.iter().enumerate() {
        if eligible(e) {
            lists.entry((e.block, e.field)).or_default().push(i);
        }
    }
    // Lower-cased literal grants the catalog lacks, by block and plane, sorted: an exclusion
    // also removes the grants whose names it matches, so its cover must match those too.
    let mut unknown: BTreeMap<(usize, Plane), Vec<&str>> = BTreeMap::new();
    for e in &ctx.entries {
        if e.is_grant() && e.count == 0 && e.entry.pattern.is_literal() {
            unknown
                .entry((e.block, e.plane()))
                .or_default()
                .push(e.entry.pattern.lower());
        }
    }
    for names in unknown.values_mut() {
        names.sort_unstable();
        names.dedup();
    }
    for members in lists.values() {
        // Each entry's first operation; every cover of the entry matches it.
        let firsts: Vec<Option<usize>> = members
            .iter()
            .map(|&i| ctx.entries[i].set.minimum())
            .collect();
        let mut queried = FixedBitSet::with_capacity(ctx.entries[members[0]].set.len());
        for f in firsts.iter().flatten() {
            queried.insert(*f);
        }
        // Which entries match each queried operation, in entry order.
        let mut matching: HashMap<usize, Vec<usize>> = HashMap::new();
        for &j in members {
            let words = ctx.entries[j].set.as_slice();
            for (w, (x, q)) in words.iter().zip(queried.as_slice()).enumerate() {
                let mut hit = x & q;
                while hit != 0 {
                    let bit = hit.trailing_zeros() as usize;
                    hit &= hit - 1;
                    matching
                        .entry(w * usize::BITS as usize + bit)
                        .or_default()
                        .push(j);
                }
            }
        }
        for (&i, f) in members.iter().zip(&firsts) {
            let a = &ctx.entries[i];
            let Some(candidates) = f.and_then(|f| matching.get(&f)) else {
                continue;
            };
            // The unknown grants A removes (exclusions only), computed on first need.
            let mut removed: Option<Vec<&str>> = None;
            let mut best: Option<usize> = None;
            for &j in candidates {
                let b = &ctx.entries[j];
                if !covers_set(a, i, b, j) {
                    continue;
                }
                if !a.is_grant() {
                    let names = removed.get_or_insert_with(|| {
                        unknown_matched(unknown.get(&(a.block, a.plane())), a, mode)
                    });
                    if !names.iter().all(|n| b.entry.pattern.matches(n, mode)) {
                        continue;
                    }
                }
                if best.is_none_or(|x| b.count > ctx.entries[x].count) {
                    best = Some(j);
                }
            }
            out[i] = best;
        }
    }
    out
}

/// The names of `sorted` (lower-cased, sorted) that `a` matches: a name matched by a pattern
/// with at most one `*` starts with the pattern's prefix, so only that range is tested.
fn unknown_matched<'n>(
    sorted: Option<&Vec<&'n str>>,
    a: &EntryFacts<'_>,
    mode: crate::model::WildcardMode,
) -> Vec<&'n str> {
    let Some(sorted) = sorted else {
        return Vec::new();
    };
    let prefix = a.entry.pattern.prefix();
    let from = sorted.partition_point(|n| *n < prefix);
    sorted[from..]
        .iter()
        .take_while(|n| n.starts_with(prefix))
        .filter(|n| a.entry.pattern.matches(n, mode))
        .copied()
        .collect()
}

/// The pairwise definition: every entry against every other entry of its list.
fn covers_naive(ctx: &RoleCtx<'_>) -> Vec<Option<usize>> {
    let mode = ctx.env.model.mode;
    let mut out = vec![None; ctx.entries.len()];
    for (i, a) in ctx.entries.iter().enumerate() {
        if !eligible(a) {
            continue;
        }
        // Names of the literal grants of this block and plane that the catalog lacks.
        let unknown_grants: Vec<&str> = if a.is_grant() {
            Vec::new()
        } else {
            ctx.list(a.block, Field::grant(a.plane()))
                .filter(|g| g.count == 0 && g.entry.pattern.is_literal())
                .map(|g| g.entry.pattern.lower())
                .collect()
        };
        let mut best: Option<usize> = None;
        for (j, b) in ctx.entries.iter().enumerate() {
            if b.block != a.block || b.field != a.field || !eligible(b) {
                continue;
            }
            let covers = covers_set(a, i, b, j)
                && (a.is_grant()
                    || unknown_grants.iter().all(|n| {
                        !a.entry.pattern.matches(n, mode) || b.entry.pattern.matches(n, mode)
                    }));
            if covers && best.is_none_or(|x| b.count > ctx.entries[x].count) {
                best = Some(j);
            }
        }
        out[i] = best;
    }
    out
}

fn report(ctx: &RoleCtx<'_>, cover: &[Option<usize>], out: &mut Vec<Hit>) {
    for (a, b) in ctx.entries.iter().zip(cover) {
        let Some(b) = b.map(|j| &ctx.entries[j]) else {
            continue;
        };
        let verb = if a.is_grant() { "granted" } else { "removed" };
        let msg = if a.entry.pattern.is_literal() {
            format!(
                "`{}` is already {verb} by `{}` ({})",
                a.text(),
                b.text(),
                b.entry.pointer
            )
        } else if a.count == 1 {
            format!(
                "`{}` adds nothing: the one catalog operation it matches is already {verb} by `{}` ({})",
                a.text(),
                b.text(),
                b.entry.pointer
            )
        } else {
            format!(
                "`{}` adds nothing: all {} catalog operations it matches are already {verb} by `{}` ({})",
                a.text(),
                a.count,
                b.text(),
                b.entry.pointer
            )
        };
        out.push(Hit::at_entry(&a.entry.pointer, &a.entry.raw, msg));
    }
}

fn check(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    report(ctx, &covers(ctx), out);
}

/// AZR105 by comparing every pair of entries: the reference for tests and benches.
pub fn check_naive(ctx: &RoleCtx<'_>, out: &mut Vec<Hit>) {
    report(ctx, &covers_naive(ctx), out);
}
