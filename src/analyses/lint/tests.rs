//! Property tests of the linter on random roles built from real entries (those of the built-in
//! roles, plus typos, broadened wildcards, plane swaps and repeats):
//!
//! - the graph index and the naive resolver give the same findings;
//! - every finding that says an entry changes nothing (a duplicate, a covered entry, an
//!   exclusion that removes nothing) is exact: deleting that entry leaves the role's effective
//!   permissions unchanged.

use super::*;
use crate::effective::{Effective, Naive, expand};
use crate::model::{Entry, Field, Pattern, PermissionBlock, RoleDefinition, RoleFormat};
use proptest::prelude::*;
use std::sync::OnceLock;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::embedded().unwrap())
}

thread_local! {
    static ENV: LintEnv<'static> = LintEnv::new(model()).unwrap();
}

/// Entries of the built-in roles, per plane (control, data), deduplicated and sorted.
fn pools() -> &'static [Vec<String>; 2] {
    static POOLS: OnceLock<[Vec<String>; 2]> = OnceLock::new();
    POOLS.get_or_init(|| {
        let mut pools = [Vec::new(), Vec::new()];
        for r in model().builtins.roles() {
            for (_, field, e) in r.entries() {
                pools[field.plane() as usize].push(e.pattern.as_str().to_string());
            }
        }
        for p in &mut pools {
            p.sort();
            p.dedup();
        }
        pools
    })
}

/// One generated entry: which pool, which index, and how to mutate it.
fn entry_strategy() -> impl Strategy<Value = (usize, usize, u8)> {
    (0..2usize, any::<usize>(), 0u8..10)
}

/// Entries of a role come from a window of the sorted pool (mostly one provider), so that
/// they overlap, cover and exclude each other often.
const WINDOW: usize = 12;

fn make_entry(pool: usize, base: usize, i: usize, mutation: u8, pointer: String) -> Entry {
    let p = &pools()[pool];
    let i = (base % p.len()) + i % WINDOW;
    let mut raw = p[i % p.len()].clone();
    match mutation {
        // A typo: drop the last character (keeps it non-empty).
        0 if raw.len() > 3 => {
            raw.pop();
        }
        // Surrounding whitespace.
        1 => raw = format!(" {raw}"),
        // A broader wildcard over the entry's resource type (covers its neighbours).
        3 | 4 if !raw.contains('*') && raw.matches('/').count() > 1 => {
            let cut = raw.rfind('/').unwrap_or(raw.len());
            raw = format!("{}/*", &raw[..cut]);
        }
        // The other plane's pool (a plane mix-up).
        2 => {
            let q = &pools()[1 - pool];
            raw = q[i % q.len()].clone();
        }
        _ => {}
    }
    let pattern = Pattern::parse(&raw).unwrap();
    Entry {
        raw,
        pattern,
        pointer,
    }
}

type BlockSpec = [Vec<(usize, usize, u8)>; 4];

fn role_strategy() -> impl Strategy<Value = (usize, Vec<BlockSpec>)> {
    let block = (
        prop::collection::vec(entry_strategy(), 0..8),
        prop::collection::vec(entry_strategy(), 0..4),
        prop::collection::vec(entry_strategy(), 0..3),
        prop::collection::vec(entry_strategy(), 0..2),
        any::<bool>(),
    )
        .prop_map(|(a, na, d, nd, repeat)| {
            let mut lists = [a, na, d, nd];
            // Sometimes repeat an entry of Actions (AZR103).
            if repeat && let Some(first) = lists[0].first().copied() {
                lists[0].push(first);
            }
            lists
        });
    (any::<usize>(), prop::collection::vec(block, 1..3))
}

fn build(base: usize, spec: &[BlockSpec]) -> RoleDefinition {
    let mut role = RoleDefinition::empty(RoleFormat::Rest, "gen.json", "");
    role.name = Some("generated".into());
    role.assignable_scopes = vec![(
        "/subscriptions/00000000-0000-0000-0000-000000000000".into(),
        "/properties/assignableScopes/0".into(),
    )];
    for (b, lists) in spec.iter().enumerate() {
        let mut block = PermissionBlock {
            pointer: format!("/properties/permissions/{b}"),
            ..PermissionBlock::default()
        };
        for (f, field) in Field::ALL.into_iter().enumerate() {
            // Actions-side lists draw from the control pool, data lists from the data pool
            // (mutation 2 swaps).
            let pool = field.plane() as usize;
            for (i, (_, idx, m)) in lists[f].iter().enumerate() {
                let pointer = format!("/properties/permissions/{b}/{}/{i}", field.camel());
                block
                    .list_mut(field)
                    .push(make_entry(pool, base, *idx, *m, pointer));
            }
        }
        role.permissions.push(block);
    }
    role
}

fn without(role: &RoleDefinition, pointer: &str) -> RoleDefinition {
    let mut r = role.clone();
    for block in &mut r.permissions {
        for field in Field::ALL {
            block.list_mut(field).retain(|e| e.pointer != pointer);
        }
    }
    r
}

fn same(a: &Effective, b: &Effective) -> bool {
    a.granted == b.granted && a.unknown == b.unknown
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn index_and_naive_agree_and_redundancy_findings_are_exact((base, spec) in role_strategy()) {
        let role = build(base, &spec);
        let m = model();
        ENV.with(|env| {
            let all = Selection::all();
            let fast = lint_role(env, &role, &all);
            let naive = lint_role_with(env, &role, &all, &Naive(m.index.catalog()));
            prop_assert_eq!(&fast, &naive);
            let before = expand(&m.index, &role, m.mode);
            for f in fast.iter().filter(|f| matches!(f.code, "AZR102" | "AZR103" | "AZR105")) {
                let after = expand(&m.index, &without(&role, &f.pointer), m.mode);
                prop_assert!(same(&before, &after), "{} {}: removing {} changes the role", f.code, f.message, f.pointer);
            }
            Ok(())
        })?;
    }
}

/// Larger roles than [`role_strategy`]'s, so that lists hold many covering entries, exclusion
/// wildcards and unknown literal grants (typos) at once.
fn big_role_strategy() -> impl Strategy<Value = (usize, Vec<BlockSpec>)> {
    let block = (
        prop::collection::vec(entry_strategy(), 0..40),
        prop::collection::vec(entry_strategy(), 0..16),
        prop::collection::vec(entry_strategy(), 0..12),
        prop::collection::vec(entry_strategy(), 0..8),
    )
        .prop_map(|(a, na, d, nd)| [a, na, d, nd]);
    (any::<usize>(), prop::collection::vec(block, 1..3))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// AZR105 through its operation index reports exactly what the pairwise definition does.
    #[test]
    fn covered_entry_index_agrees_with_the_pairwise_rule((base, spec) in big_role_strategy()) {
        let role = build(base, &spec);
        ENV.with(|env| {
            let ctx = context::RoleCtx::new(env, &role, &model().index);
            let mut fast = Vec::new();
            (rules::covered_entry::RULE.check)(&ctx, &mut fast);
            let mut naive = Vec::new();
            rules::covered_entry::check_naive(&ctx, &mut naive);
            prop_assert_eq!(fast, naive);
            Ok(())
        })?;
    }
}

#[test]
fn the_generator_reaches_the_redundancy_rules() {
    // The property above is only as good as its inputs: make sure they trigger the rules it
    // checks (a fixed sample of the same generator's shapes).
    let pools = pools();
    let find = |plane: usize, s: &str| pools[plane].iter().position(|x| x == s).unwrap();
    // (window base, index in the window) of a pool entry.
    let at = |plane: usize, s: &str| {
        let i = find(plane, s);
        (i - i % WINDOW, i % WINDOW)
    };
    let (b1, read_all) = at(0, "Microsoft.Compute/*/read");
    let (b2, vm_read) = at(0, "Microsoft.Compute/virtualMachines/read");
    let (b3, auth) = at(0, "Microsoft.Authorization/*/Write");
    let mk = |base: usize, i: usize| make_entry(0, base, i, 9, String::new()).raw;
    assert_eq!(mk(b1, read_all), "Microsoft.Compute/*/read");
    assert_eq!(mk(b2, vm_read), "Microsoft.Compute/virtualMachines/read");
    assert_eq!(mk(b3, auth), "Microsoft.Authorization/*/Write");
    let mut role = build(b1, &[[vec![(0, read_all, 9)], vec![], vec![], vec![]]]);
    let extra = build(
        b2,
        &[[
            vec![(0, vm_read, 9), (0, vm_read, 9)],
            vec![],
            vec![],
            vec![],
        ]],
    );
    let not = build(b3, &[[vec![], vec![(0, auth, 9)], vec![], vec![]]]);
    for (i, e) in extra.permissions[0].actions.iter().enumerate() {
        let mut e = e.clone();
        e.pointer = format!("/properties/permissions/0/actions/{}", i + 1);
        role.permissions[0].actions.push(e);
    }
    role.permissions[0].not_actions = not.permissions[0].not_actions.clone();
    let codes: Vec<&str> = ENV.with(|env| {
        lint_role(env, &role, &Selection::all())
            .iter()
            .map(|f| f.code)
            .collect()
    });
    for c in ["AZR102", "AZR103", "AZR105"] {
        assert!(codes.contains(&c), "{c} not triggered: {codes:?}");
    }
}
