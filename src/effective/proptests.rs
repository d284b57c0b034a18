//! Property tests of the role algebra (`expand_with`) on random catalogs and random roles:
//! the index agrees with the naive resolver, Actions are monotone, NotActions anti-monotone,
//! blocks combine by union, planes never leak, unknown literals are kept unless an exclusion
//! of their own block matches them, conditions mark grants without dropping them, and
//! `explain` agrees with `expand`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::{Effective, Naive, Verdict, expand, expand_with, explain};
use crate::graph::Index;
use crate::graph::proptests::{MODES, OpSpec, PatSpec, arb_catalog, arb_pattern, build_catalog};
use crate::model::{
    Entry, Field, OpId, Pattern, PermissionBlock, Plane, RoleDefinition, RoleFormat, WildcardMode,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
struct BlockSpec {
    lists: [Vec<PatSpec>; 4],
    conditional: bool,
}

#[derive(Debug, Clone)]
struct RoleSpec {
    blocks: Vec<BlockSpec>,
    role_condition: bool,
}

fn arb_list() -> impl Strategy<Value = Vec<PatSpec>> {
    prop::collection::vec(arb_pattern(), 0..4)
}

fn arb_block() -> impl Strategy<Value = BlockSpec> {
    (
        arb_list(),
        arb_list(),
        arb_list(),
        arb_list(),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(a, na, d, nd, conditional)| BlockSpec {
            lists: [a, na, d, nd],
            conditional,
        })
}

fn arb_role() -> impl Strategy<Value = RoleSpec> {
    (
        prop::collection::vec(arb_block(), 1..4),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(blocks, role_condition)| RoleSpec {
            blocks,
            role_condition,
        })
}

fn entry(text: &str, pointer: String) -> Option<Entry> {
    Pattern::parse(text).ok().map(|pattern| Entry {
        raw: text.to_string(),
        pattern,
        pointer,
    })
}

fn build_role(spec: &RoleSpec, catalog: &[OpSpec]) -> RoleDefinition {
    let mut role = RoleDefinition::empty(RoleFormat::CliOutput, "proptest", "");
    role.name = Some("random".into());
    if spec.role_condition {
        role.condition = Some("@Resource[x] StringEquals 'y'".into());
    }
    for (b, bs) in spec.blocks.iter().enumerate() {
        let mut block = PermissionBlock {
            pointer: format!("/permissions/{b}"),
            ..PermissionBlock::default()
        };
        if bs.conditional {
            block.condition = Some("@Resource[x] StringEquals 'y'".into());
        }
        for (f, field) in Field::ALL.into_iter().enumerate() {
            *block.list_mut(field) = bs.lists[f]
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    entry(
                        &p.text(catalog),
                        format!("/permissions/{b}/{}/{i}", field.camel()),
                    )
                })
                .collect();
        }
        role.permissions.push(block);
    }
    role
}

/// What a role grants, ignoring conditionality: catalog ids and lower-cased unknown names.
fn grant(e: &Effective) -> (BTreeSet<usize>, [BTreeSet<String>; 2]) {
    let unknown = |p: usize| {
        e.unknown[p]
            .iter()
            .map(|u| u.name.to_ascii_lowercase())
            .collect()
    };
    (e.granted.ones().collect(), [unknown(0), unknown(1)])
}

fn subset(
    a: &(BTreeSet<usize>, [BTreeSet<String>; 2]),
    b: &(BTreeSet<usize>, [BTreeSet<String>; 2]),
) -> bool {
    a.0.is_subset(&b.0) && a.1[0].is_subset(&b.1[0]) && a.1[1].is_subset(&b.1[1])
}

fn with_blocks(role: &RoleDefinition, blocks: Vec<PermissionBlock>) -> RoleDefinition {
    let mut r = role.clone();
    r.permissions = blocks;
    r
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The index and the naive resolver give the same `Effective` for every role.
    #[test]
    fn index_and_naive_expand_alike(specs in arb_catalog(), role in arb_role()) {
        let ix = Index::new(build_catalog(&specs));
        let role = build_role(&role, &specs);
        for mode in MODES {
            prop_assert_eq!(expand(&ix, &role, mode), expand_with(&Naive(ix.catalog()), &role, mode));
        }
    }

    /// Adding a grant entry never shrinks the grant; adding an exclusion never grows it.
    #[test]
    fn grants_are_monotone_and_exclusions_antitone(
        specs in arb_catalog(),
        role in arb_role(),
        extra in arb_pattern(),
        block in 0usize..4,
        field in 0usize..4,
    ) {
        let ix = Index::new(build_catalog(&specs));
        let role = build_role(&role, &specs);
        let Some(e) = entry(&extra.text(&specs), "/extra".into()) else { return Ok(()) };
        let b = block % role.permissions.len();
        let field = Field::ALL[field];
        let mut bigger = role.clone();
        bigger.permissions[b].list_mut(field).push(e.clone());
        for mode in MODES {
            let before = grant(&expand(&ix, &role, mode));
            let after = grant(&expand(&ix, &bigger, mode));
            if field.is_exclusion() {
                prop_assert!(subset(&after, &before), "{} {:?} grew the grant", field.name(), e.raw);
            } else {
                prop_assert!(subset(&before, &after), "{} {:?} shrank the grant", field.name(), e.raw);
            }
        }
    }

    /// A role's grant is the union of what each block grants alone; an operation is
    /// conditional exactly when only conditional blocks grant it.
    #[test]
    fn blocks_combine_by_union(specs in arb_catalog(), role in arb_role()) {
        let ix = Index::new(build_catalog(&specs));
        let role = build_role(&role, &specs);
        for mode in MODES {
            let whole = expand(&ix, &role, mode);
            let parts: Vec<Effective> = role
                .permissions
                .iter()
                .map(|b| expand(&ix, &with_blocks(&role, vec![b.clone()]), mode))
                .collect();
            let mut granted = ix.empty_set();
            let mut uncond = ix.empty_set();
            let mut unknown: [BTreeMap<String, bool>; 2] = [BTreeMap::new(), BTreeMap::new()];
            for p in &parts {
                granted.union_with(&p.granted);
                let mut u = p.granted.clone();
                u.difference_with(&p.conditional_only);
                uncond.union_with(&u);
                for (plane, list) in p.unknown.iter().enumerate() {
                    for x in list {
                        let c = unknown[plane].entry(x.name.to_ascii_lowercase()).or_insert(true);
                        *c &= x.conditional;
                    }
                }
            }
            let mut cond = granted.clone();
            cond.difference_with(&uncond);
            prop_assert_eq!(&whole.granted, &granted);
            prop_assert_eq!(&whole.conditional_only, &cond);
            for (plane, want) in unknown.iter().enumerate() {
                let got: BTreeMap<String, bool> =
                    whole.unknown[plane].iter().map(|u| (u.name.to_ascii_lowercase(), u.conditional)).collect();
                prop_assert_eq!(&got, want);
            }
        }
    }

    /// Combining two roles' grants (`Effective::union_with`, as for two assignments) equals
    /// expanding one role holding both roles' blocks.
    #[test]
    fn union_of_roles_is_the_role_of_both_blocks(specs in arb_catalog(), a in arb_role(), b in arb_role()) {
        let ix = Index::new(build_catalog(&specs));
        let mut a = build_role(&a, &specs);
        let mut b = build_role(&b, &specs);
        // A role-level condition applies to its own blocks: move it onto them.
        for r in [&mut a, &mut b] {
            if let Some(c) = r.condition.take() {
                for blk in &mut r.permissions {
                    blk.condition.get_or_insert_with(|| c.clone());
                }
            }
        }
        for mode in MODES {
            let mut u = expand(&ix, &a, mode);
            u.union_with(&expand(&ix, &b, mode));
            let both = with_blocks(&a, a.permissions.iter().chain(&b.permissions).cloned().collect());
            let e = expand(&ix, &both, mode);
            prop_assert_eq!(&u.granted, &e.granted);
            prop_assert_eq!(&u.conditional_only, &e.conditional_only);
            prop_assert_eq!(&u.unknown, &e.unknown);
        }
    }

    /// Control entries never yield data ids and vice versa; `*` in Actions grants every
    /// control operation and no data operation.
    #[test]
    fn planes_never_leak(specs in arb_catalog(), role in arb_role()) {
        let ix = Index::new(build_catalog(&specs));
        let c = ix.catalog();
        let role = build_role(&role, &specs);
        for (keep, other) in [(Plane::Control, Plane::Data), (Plane::Data, Plane::Control)] {
            let blocks = role
                .permissions
                .iter()
                .map(|b| {
                    let mut b = b.clone();
                    b.list_mut(Field::grant(other)).clear();
                    b.list_mut(Field::exclusion(other)).clear();
                    b
                })
                .collect();
            let only = with_blocks(&role, blocks);
            for mode in MODES {
                let e = expand(&ix, &only, mode);
                let full = expand(&ix, &role, mode);
                let (lo, hi) = c.plane_range(keep);
                prop_assert!(e.granted.ones().all(|i| i >= lo as usize && i < hi as usize));
                prop_assert!(e.unknown[other as usize].is_empty());
                // The other plane's fields change nothing on this plane.
                prop_assert_eq!(e.ids(&ix, keep).collect::<Vec<_>>(), full.ids(&ix, keep).collect::<Vec<_>>());
                prop_assert_eq!(&e.unknown[keep as usize], &full.unknown[keep as usize]);
            }
        }
        for plane in Plane::BOTH {
            let mut star = RoleDefinition::empty(RoleFormat::CliInput, "t", "");
            let mut b = PermissionBlock::default();
            b.list_mut(Field::grant(plane)).push(entry("*", "/0".into()).unwrap());
            star.permissions.push(b);
            for mode in MODES {
                let e = expand(&ix, &star, mode);
                let (lo, hi) = c.plane_range(plane);
                prop_assert_eq!(e.granted.ones().collect::<Vec<_>>(), (lo as usize..hi as usize).collect::<Vec<_>>());
                prop_assert!(e.unknown[0].is_empty() && e.unknown[1].is_empty());
            }
        }
    }

    /// Unknown literals are kept (spelling as written, trimmed) unless an exclusion in the
    /// same block matches them; nothing else is ever reported unknown.
    #[test]
    fn unknown_literals_are_kept(specs in arb_catalog(), role in arb_role(), names in prop::collection::vec(any::<prop::sample::Index>(), 0..4)) {
        let ix = Index::new(build_catalog(&specs));
        let c = ix.catalog();
        let mut role = build_role(&role, &specs);
        // Make sure some literals are absent from the catalog: a made-up name in a random block.
        for (k, n) in names.iter().enumerate() {
            let b = n.index(role.permissions.len());
            let field = if k % 2 == 0 { Field::Actions } else { Field::DataActions };
            let text = format!(" Microsoft.New{k}/things/read ");
            role.permissions[b].list_mut(field).push(entry(&text, "/x".into()).unwrap());
        }
        for mode in MODES {
            let e = expand(&ix, &role, mode);
            for plane in Plane::BOTH {
                let mut want: BTreeSet<String> = BTreeSet::new();
                for block in &role.permissions {
                    for g in block.list(Field::grant(plane)) {
                        let known = c.find(plane, g.pattern.as_str()).is_some();
                        let removed = block.list(Field::exclusion(plane)).iter().any(|x| x.pattern.matches(g.pattern.as_str(), mode));
                        if g.pattern.is_literal() && !known && !removed {
                            want.insert(g.pattern.lower().to_string());
                        }
                    }
                }
                let got: BTreeSet<String> = e.unknown[plane as usize].iter().map(|u| u.name.to_ascii_lowercase()).collect();
                prop_assert_eq!(&got, &want, "plane {:?} mode {:?}", plane, mode);
                for u in &e.unknown[plane as usize] {
                    prop_assert_eq!(u.name.trim(), u.name.as_str());
                    let names = e.names(&ix, plane);
                    prop_assert!(names.contains(&u.name));
                }
            }
        }
    }

    /// Conditions never drop grants; they mark them. Conditional blocks' grants are
    /// conditional unless an unconditional block also grants them.
    #[test]
    fn conditions_mark_grants(specs in arb_catalog(), role in arb_role()) {
        let ix = Index::new(build_catalog(&specs));
        let role = build_role(&role, &specs);
        let mut plain = role.clone();
        plain.condition = None;
        for b in &mut plain.permissions {
            b.condition = None;
        }
        for mode in MODES {
            let e = expand(&ix, &role, mode);
            let p = expand(&ix, &plain, mode);
            prop_assert_eq!(grant(&e), grant(&p));
            prop_assert!(p.conditional_only.is_clear());
            prop_assert!(p.unknown.iter().flatten().all(|u| !u.conditional));
            prop_assert!(e.conditional_only.is_subset(&e.granted));
            let all_conditional = role.condition.is_some() || role.permissions.iter().all(|b| b.condition.is_some());
            if all_conditional {
                prop_assert_eq!(&e.conditional_only, &e.granted);
                prop_assert!(e.unknown.iter().flatten().all(|u| u.conditional));
            }
            // Each conditional-only id is granted by no unconditional block.
            let mut uncond = ix.empty_set();
            for b in role.permissions.iter().filter(|b| !role.block_conditional(b)) {
                uncond.union_with(&expand(&ix, &with_blocks(&role, vec![b.clone()]), mode).granted);
            }
            let mut expect = e.granted.clone();
            expect.difference_with(&uncond);
            prop_assert_eq!(&e.conditional_only, &expect);
        }
    }

    /// `explain` agrees with `expand` on every catalog operation, on both planes: granted
    /// unconditionally, conditionally, or not at all. A plane where the catalog lacks the name
    /// but lists it on the other plane is granted only by a literal entry (as in `expand`).
    #[test]
    fn explain_agrees_with_expand(specs in arb_catalog(), role in arb_role()) {
        let ix = Index::new(build_catalog(&specs));
        let c = ix.catalog();
        let role = build_role(&role, &specs);
        for mode in MODES {
            let e = expand(&ix, &role, mode);
            let names: BTreeSet<String> = (0..c.len() as OpId).map(|i| c.name(i).to_string()).collect();
            for name in &names {
                for pe in explain(&ix, &role, name, mode) {
                    let expected = match c.find(pe.plane, name) {
                        Some(id) if e.conditional_only.contains(id as usize) => Verdict::Conditional,
                        Some(id) if e.contains(id) => Verdict::Granted,
                        Some(_) => Verdict::NotGranted,
                        None => match e.unknown[pe.plane as usize].iter().find(|u| u.name.eq_ignore_ascii_case(name)) {
                            Some(u) if u.conditional => Verdict::Conditional,
                            Some(_) => Verdict::Granted,
                            None => Verdict::NotGranted,
                        },
                    };
                    let got = if pe.verdict == Verdict::Removed { Verdict::NotGranted } else { pe.verdict };
                    prop_assert_eq!(got, expected, "{:?} on {:?} ({:?})", name, pe.plane, mode);
                }
            }
            // Every unknown literal is explained as granted on its plane.
            for plane in Plane::BOTH {
                for u in &e.unknown[plane as usize] {
                    let pe = explain(&ix, &role, &u.name, mode);
                    let p = pe.iter().find(|p| p.plane == plane);
                    prop_assert!(p.is_some_and(|p| matches!(p.verdict, Verdict::Granted | Verdict::Conditional)), "{:?}", u.name);
                }
            }
        }
    }
}

#[test]
fn owner_like_role_explains_no_data_operation() {
    // `*` in Actions must not make `explain` say a data-only operation is granted.
    let ix = Index::new(crate::model::Catalog::build(
        vec![crate::model::ProviderOps {
            name: "Microsoft.Storage".into(),
            operations: vec![
                ("Microsoft.Storage/storageAccounts/read".into(), false, None),
                (
                    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read".into(),
                    true,
                    None,
                ),
            ],
        }],
        crate::model::Provenance::default(),
    ));
    let mut owner = RoleDefinition::empty(RoleFormat::CliInput, "t", "");
    let mut b = PermissionBlock::default();
    b.actions.push(entry("*", "/Actions/0".into()).unwrap());
    owner.permissions.push(b);
    let blob = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
    let pe = explain(&ix, &owner, blob, WildcardMode::Azure);
    assert!(
        pe.iter().all(|p| p.verdict == Verdict::NotGranted),
        "{pe:?}"
    );
    // A name the catalog lists on neither plane is still explained hypothetically.
    let pe = explain(
        &ix,
        &owner,
        "Microsoft.New/things/read",
        WildcardMode::Azure,
    );
    assert_eq!(pe.len(), 1);
    assert_eq!(
        (pe[0].plane, pe[0].verdict, pe[0].catalog_name.is_none()),
        (Plane::Control, Verdict::Granted, true)
    );
}
