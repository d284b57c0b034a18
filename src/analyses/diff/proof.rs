//! Proof tests: on real role changes (the fixtures always, all 337 snapshot pairs when
//! `../shared` exists) every diff equals the set difference of the two expansions; and
//! property tests on generated roles against the naive model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::tests::{OPS, index};
use super::*;
use crate::data::Model;
use crate::effective::{Naive, expand_with};
use crate::model::{Entry, Field, Pattern, PermissionBlock, Plane, RoleFormat, parse_roles_json};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().expect("embedded model"))
}

fn lower_set<I: IntoIterator<Item = String>>(names: I) -> BTreeSet<String> {
    names.into_iter().map(|n| n.to_ascii_lowercase()).collect()
}

fn conditional_set(ix: &Index, e: &Effective, plane: Plane) -> BTreeSet<String> {
    lower_set(e.conditional_names(ix, plane))
}

/// Checks one diff against the two expansions, computed here as plain name sets.
fn check(
    ix: &Index,
    mode: WildcardMode,
    old: &RoleDefinition,
    new: &RoleDefinition,
    what: &str,
) -> RoleChange {
    let p = Pairing {
        old: Some(old),
        new: Some(new),
        old_path: None,
        new_path: None,
    };
    let d = diff_pair(ix, mode, &p, &NoTags);
    let (eo, en) = (expand(ix, old, mode), expand(ix, new, mode));
    for plane in Plane::BOTH {
        let (so, sn) = (
            lower_set(eo.names(ix, plane)),
            lower_set(en.names(ix, plane)),
        );
        let added = lower_set(OpsDiff::names(&d.ops.added, plane));
        let removed = lower_set(OpsDiff::names(&d.ops.removed, plane));
        assert_eq!(added, &sn - &so, "{what}: added on the {plane} plane");
        assert_eq!(removed, &so - &sn, "{what}: removed on the {plane} plane");
        // Names keep the expansion's spelling and order.
        let exp_added: Vec<String> = en
            .names(ix, plane)
            .into_iter()
            .filter(|n| added.contains(&n.to_ascii_lowercase()))
            .collect();
        assert_eq!(
            OpsDiff::names(&d.ops.added, plane),
            exp_added,
            "{what}: spelling/order"
        );
        let both: BTreeSet<String> = &so & &sn;
        let (co, cn) = (
            conditional_set(ix, &eo, plane),
            conditional_set(ix, &en, plane),
        );
        let now_cond: BTreeSet<String> = both
            .iter()
            .filter(|n| cn.contains(*n) && !co.contains(*n))
            .cloned()
            .collect();
        let now_uncond: BTreeSet<String> = both
            .iter()
            .filter(|n| co.contains(*n) && !cn.contains(*n))
            .cloned()
            .collect();
        assert_eq!(
            lower_set(OpsDiff::names(&d.ops.now_conditional, plane)),
            now_cond,
            "{what}"
        );
        assert_eq!(
            lower_set(OpsDiff::names(&d.ops.now_unconditional, plane)),
            now_uncond,
            "{what}"
        );
    }
    // Names are compared ignoring case: an unknown literal respelled is the same operation.
    let same = Plane::BOTH.iter().all(|p| {
        lower_set(eo.names(ix, *p)) == lower_set(en.names(ix, *p))
            && conditional_set(ix, &eo, *p) == conditional_set(ix, &en, *p)
    });
    assert_eq!(
        d.status == Status::NoEffectiveChange,
        same,
        "{what}: status"
    );
    d
}

fn pair_roles_of(item: &Value, what: &str) -> (RoleDefinition, RoleDefinition) {
    let one = |k: &str| {
        parse_roles_json(&item[k], &format!("{what} {k}"))
            .unwrap()
            .remove(0)
    };
    (one("before"), one("after"))
}

fn check_history(items: &[Value]) -> usize {
    let m = model();
    let mut changed = 0;
    for (i, item) in items.iter().enumerate() {
        let what = format!("pair {i} ({} {})", item["role"], item["date"]);
        let (old, new) = pair_roles_of(item, &what);
        let d = check(&m.index, m.mode, &old, &new, &what);
        // Reversed, the diff mirrors.
        let r = check(&m.index, m.mode, &new, &old, &what);
        assert_eq!(d.ops.added, r.ops.removed, "{what}: mirror");
        assert_eq!(d.ops.removed, r.ops.added, "{what}: mirror");
        if d.status != Status::NoEffectiveChange {
            changed += 1;
        }
    }
    changed
}

fn fixture_pairs() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/diff/history-pairs.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn history_fixture_pairs_equal_the_set_difference_of_their_expansions() {
    let items = fixture_pairs();
    assert_eq!(items.len(), 8);
    let changed = check_history(&items);
    assert!(
        changed >= 6,
        "only {changed} of the fixture pairs changed effectively"
    );
}

#[test]
fn history_fixture_pairs_agree_with_the_naive_model() {
    let m = model();
    let cat = m.index.catalog();
    for item in fixture_pairs() {
        let (old, new) = pair_roles_of(&item, "fixture");
        let (no, nn) = (
            expand_with(&Naive(cat), &old, m.mode),
            expand_with(&Naive(cat), &new, m.mode),
        );
        let d = diff_effective(
            &m.index,
            &expand(&m.index, &old, m.mode),
            &expand(&m.index, &new, m.mode),
        );
        for plane in Plane::BOTH {
            let (so, sn) = (
                lower_set(no.names(&m.index, plane)),
                lower_set(nn.names(&m.index, plane)),
            );
            assert_eq!(
                lower_set(OpsDiff::names(&d.added, plane)),
                &sn - &so,
                "{}",
                item["role"]
            );
            assert_eq!(
                lower_set(OpsDiff::names(&d.removed, plane)),
                &so - &sn,
                "{}",
                item["role"]
            );
        }
    }
}

#[test]
fn all_snapshot_history_pairs_equal_the_set_difference_of_their_expansions() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/azure-snapshot/role-history.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("../shared/azure-snapshot not found: snapshot proof test not run");
        return;
    };
    let items: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(items.len(), 337);
    let changed = check_history(&items);
    // Every recorded change touched the permission lists; a few only reordered or
    // respelled them.
    eprintln!("{changed} of 337 snapshot pairs change effectively");
    assert!(
        changed >= 300,
        "only {changed} of 337 pairs changed effectively"
    );
}

// ---- properties over generated roles ----------------------------------------------------

const EXTRA: &[&str] = &[
    "*",
    "*/read",
    "*/write",
    "Microsoft.KeyVault/*",
    "Microsoft.KeyVault/vaults/*",
    "Microsoft.KeyVault/vaults/*/read",
    "microsoft.keyvault/VAULTS/secrets/*",
    "Microsoft.Storage/storageAccounts/*",
    "Microsoft.Authorization/*/write",
    "Microsoft.New/things/read",
    "microsoft.new/THINGS/read",
    "Microsoft.New/other/action",
];

fn entry_pool() -> Vec<String> {
    OPS.iter()
        .map(|(n, _)| n.to_string())
        .chain(EXTRA.iter().map(|s| s.to_string()))
        .collect()
}

fn entries(picks: &[usize], field: Field, block: usize) -> Vec<Entry> {
    let pool = entry_pool();
    picks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let raw = pool[p % pool.len()].clone();
            Entry {
                pattern: Pattern::parse(&raw).unwrap(),
                raw,
                pointer: format!("/permissions/{block}/{}/{i}", field.camel()),
            }
        })
        .collect()
}

type BlockSpec = (Vec<usize>, Vec<usize>, Vec<usize>, Vec<usize>, bool);

fn block_spec() -> impl Strategy<Value = BlockSpec> {
    let list = || proptest::collection::vec(0usize..64, 0..5);
    (
        list(),
        list(),
        list(),
        list(),
        proptest::bool::weighted(0.25),
    )
}

fn role_spec() -> impl Strategy<Value = (Vec<BlockSpec>, bool)> {
    (
        proptest::collection::vec(block_spec(), 1..3),
        proptest::bool::weighted(0.1),
    )
}

fn build(spec: &(Vec<BlockSpec>, bool)) -> RoleDefinition {
    let mut r = RoleDefinition::empty(RoleFormat::CliOutput, "gen", "");
    r.name = Some("Generated".into());
    if spec.1 {
        r.condition = Some("role-condition".into());
    }
    for (b, (a, na, d, nd, cond)) in spec.0.iter().enumerate() {
        r.permissions.push(PermissionBlock {
            actions: entries(a, Field::Actions, b),
            not_actions: entries(na, Field::NotActions, b),
            data_actions: entries(d, Field::DataActions, b),
            not_data_actions: entries(nd, Field::NotDataActions, b),
            condition: cond.then(|| format!("c{b}")),
            condition_version: None,
            pointer: format!("/permissions/{b}"),
        });
    }
    r
}

fn naive_names(
    ix: &Index,
    r: &RoleDefinition,
    mode: WildcardMode,
    plane: Plane,
) -> BTreeSet<String> {
    lower_set(expand_with(&Naive(ix.catalog()), r, mode).names(ix, plane))
}

fn mode_of(literal: bool) -> WildcardMode {
    if literal {
        WildcardMode::Literal
    } else {
        WildcardMode::Azure
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn diff_of_a_role_with_itself_is_empty(a in role_spec(), literal in any::<bool>()) {
        let ix = index();
        let r = build(&a);
        let p = Pairing { old: Some(&r), new: Some(&r), old_path: None, new_path: None };
        let d = diff_pair(&ix, mode_of(literal), &p, &NoTags);
        prop_assert!(d.ops.is_empty());
        prop_assert!(d.written.is_empty());
        prop_assert_eq!(d.status, Status::NoEffectiveChange);
    }

    #[test]
    fn added_one_way_is_removed_the_other(a in role_spec(), b in role_spec(), literal in any::<bool>()) {
        let ix = index();
        let (ra, rb) = (build(&a), build(&b));
        let mode = mode_of(literal);
        let ab = check(&ix, mode, &ra, &rb, "generated");
        let ba = check(&ix, mode, &rb, &ra, "generated reversed");
        for plane in Plane::BOTH {
            prop_assert_eq!(OpsDiff::names(&ab.ops.added, plane), OpsDiff::names(&ba.ops.removed, plane));
            prop_assert_eq!(OpsDiff::names(&ab.ops.removed, plane), OpsDiff::names(&ba.ops.added, plane));
            // Operations granted by both sides are spelled as the NEW side writes them (an
            // unknown literal may differ in case), so these compare ignoring case.
            prop_assert_eq!(
                lower_set(OpsDiff::names(&ab.ops.now_conditional, plane)),
                lower_set(OpsDiff::names(&ba.ops.now_unconditional, plane))
            );
        }
        prop_assert_eq!(ab.written.entries_added.len(), ba.written.entries_removed.len());
    }

    #[test]
    fn applying_a_diff_to_the_old_expansion_gives_the_new_one(a in role_spec(), b in role_spec(), literal in any::<bool>()) {
        let ix = index();
        let (ra, rb) = (build(&a), build(&b));
        let mode = mode_of(literal);
        let p = Pairing { old: Some(&ra), new: Some(&rb), old_path: None, new_path: None };
        let d = diff_pair(&ix, mode, &p, &NoTags);
        for plane in Plane::BOTH {
            // Against the naive model: scan every operation for every entry.
            let old = naive_names(&ix, &ra, mode, plane);
            let new = naive_names(&ix, &rb, mode, plane);
            let mut applied = old.clone();
            for r in OpsDiff::names(&d.ops.removed, plane) {
                prop_assert!(applied.remove(&r.to_ascii_lowercase()), "removed {} was not granted", r);
            }
            for a in OpsDiff::names(&d.ops.added, plane) {
                prop_assert!(applied.insert(a.to_ascii_lowercase()), "added {} was already granted", a);
            }
            prop_assert_eq!(applied, new);
        }
    }
}
