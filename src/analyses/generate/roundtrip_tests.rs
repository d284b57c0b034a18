//! Round-trip properties of `generate` on the embedded catalog, checked against the naive
//! matcher: expanding the generated role gives exactly the needs (explicit and compact, both
//! wildcard modes), the result does not depend on input order, no compact entry can be
//! removed, and every compact entry has at most one `*` and matches only needed operations.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::data::Model;
use crate::effective::expand_with;
use crate::effective::naive::Naive;
use crate::model::{OpId, Pattern, Plane, WildcardMode};
use proptest::prelude::*;
use std::sync::OnceLock;

/// The embedded model, loaded once for all tests of the crate that need it.
pub(crate) fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().unwrap())
}

fn spec() -> RoleSpec {
    RoleSpec {
        name: "Test role".into(),
        description: "d".into(),
        assignable_scopes: vec!["/subscriptions/00000000-0000-0000-0000-000000000000".into()],
        notes: Vec::new(),
    }
}

/// Operation ids of a few providers of different shapes (both planes).
fn pool() -> &'static Vec<(Plane, OpId)> {
    static P: OnceLock<Vec<(Plane, OpId)>> = OnceLock::new();
    P.get_or_init(|| {
        let ix = &model().index;
        let mut out = Vec::new();
        for prefix in [
            "microsoft.machinelearningservices/",
            "microsoft.keyvault/",
            "microsoft.storage/storageaccounts/blobservices/",
            "microsoft.insights/metric",
        ] {
            for plane in Plane::BOTH {
                let (lo, hi) = ix.prefix_range(prefix, plane);
                out.extend((lo..hi).map(|i| (plane, i)));
            }
        }
        out
    })
}

/// A requirement from picked pool positions, subtree seeds and unknown names, added in the
/// given order.
fn requirement(
    mode: WildcardMode,
    picks: &[usize],
    subtrees: &[usize],
    unknown: &[(bool, String)],
) -> Requirement {
    let ix = &model().index;
    let cat = ix.catalog();
    let pool = pool();
    let mut req = Requirement::new(ix);
    for k in picks {
        let (plane, id) = pool[k % pool.len()];
        req.add_entry(ix, mode, plane, &Pattern::parse(cat.name(id)).unwrap());
    }
    // Whole subtrees make wildcards likely: the type of a picked operation, all of it.
    for k in subtrees {
        let (plane, id) = pool[k % pool.len()];
        let ty = crate::graph::index::resource_type_of(cat.name(id));
        req.add_entry(
            ix,
            mode,
            plane,
            &Pattern::parse(&format!("{ty}/*")).unwrap(),
        );
    }
    for (data, name) in unknown {
        let plane = if *data { Plane::Data } else { Plane::Control };
        req.add_unknown(plane, name);
    }
    req
}

fn check_round_trip(mode: WildcardMode, req: &Requirement, compact: bool) -> GeneratedRole {
    let ix = &model().index;
    let cat = ix.catalog();
    let role = generate(ix, mode, req, &spec(), compact);
    let def = role.to_role_definition("generated");
    // The compact form goes through the naive matcher (every entry tested against every
    // operation of the plane); the explicit form, all literal names, through the index.
    let eff = if compact {
        expand_with(&Naive(cat), &def, mode)
    } else {
        crate::effective::expand(ix, &def, mode)
    };
    assert_eq!(
        eff.granted, req.ids,
        "compact={compact}: expansion differs from the needs"
    );
    for plane in Plane::BOTH {
        let unknown: Vec<String> = eff.unknown[plane as usize]
            .iter()
            .map(|u| u.name.clone())
            .collect();
        assert_eq!(unknown, req.unknown[plane as usize]);
        let entries = role.list(plane);
        let mut sorted = entries.to_vec();
        sorted.sort_by(|a, b| crate::model::canonical_cmp(a, b));
        assert_eq!(entries, &sorted[..], "entries are in canonical order");
        if compact {
            assert!(
                entries.len() <= req.count(ix, plane),
                "compact never longer than explicit"
            );
        }
    }
    for e in def.permissions[0]
        .actions
        .iter()
        .chain(&def.permissions[0].data_actions)
    {
        assert!(e.pattern.star_count() <= 1, "{}", e.raw);
    }
    role
}

/// Removing any single entry of the role loses at least one needed operation.
fn check_minimal(mode: WildcardMode, req: &Requirement, role: &GeneratedRole) {
    let ix = &model().index;
    for plane in Plane::BOTH {
        for skip in 0..role.list(plane).len() {
            let mut fewer = role.clone();
            match plane {
                Plane::Control => fewer.actions.remove(skip),
                Plane::Data => fewer.data_actions.remove(skip),
            };
            let eff = crate::effective::expand(ix, &fewer.to_role_definition("t"), mode);
            let lost_known = eff.granted != req.ids;
            let lost_unknown =
                eff.unknown[plane as usize].len() < req.unknown[plane as usize].len();
            assert!(
                lost_known || lost_unknown,
                "entry `{}` is removable",
                role.list(plane)[skip]
            );
        }
    }
}

fn mode_of(literal: bool) -> WildcardMode {
    if literal {
        WildcardMode::Literal
    } else {
        WildcardMode::Azure
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_roles_expand_to_exactly_the_needs(
        picks in prop::collection::vec(0usize..100_000, 0..40),
        subtrees in prop::collection::vec(0usize..100_000, 0..4),
        unknown in prop::collection::vec((any::<bool>(), "Microsoft\\.MachineLearningServices/[a-z]{3,8}/(read|write)"), 0..3),
        literal in any::<bool>(),
    ) {
        let mode = mode_of(literal);
        let req = requirement(mode, &picks, &subtrees, &unknown);
        prop_assume!(!req.is_empty());
        check_round_trip(mode, &req, false);
        let compact = check_round_trip(mode, &req, true);
        check_minimal(mode, &req, &compact);
        // Every wildcard matches, by the naive matcher, only needed operations.
        let cat = model().index.catalog();
        for w in &compact.wildcards {
            let plane = if w.plane == "data" { Plane::Data } else { Plane::Control };
            let p = Pattern::parse(&w.entry).unwrap();
            let (lo, hi) = cat.plane_range(plane);
            let hits: Vec<OpId> = (lo..hi).filter(|i| p.matches(cat.name(*i), mode)).collect();
            prop_assert_eq!(hits.len(), w.matches);
            prop_assert!(hits.iter().all(|i| req.ids.contains(*i as usize)));
        }
    }

    #[test]
    fn output_does_not_depend_on_input_order(
        picks in prop::collection::vec(0usize..100_000, 1..30),
        subtrees in prop::collection::vec(0usize..100_000, 0..3),
        seed in any::<u64>(),
        literal in any::<bool>(),
    ) {
        let mode = mode_of(literal);
        let a = requirement(mode, &picks, &subtrees, &[]);
        let mut shuffled = picks.clone();
        // A deterministic shuffle from the seed.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut rev_sub = subtrees.clone();
        rev_sub.reverse();
        let b = requirement(mode, &shuffled, &rev_sub, &[]);
        prop_assert_eq!(&a, &b);
        let ix = &model().index;
        for compact in [false, true] {
            let ra = generate(ix, mode, &a, &spec(), compact);
            let rb = generate(ix, mode, &b, &spec(), compact);
            prop_assert_eq!(ra, rb);
        }
    }
}

#[test]
fn whole_resource_type_compacts_to_one_entry() {
    let ix = &model().index;
    let mode = WildcardMode::Azure;
    let mut req = Requirement::new(ix);
    req.add_entry(
        ix,
        mode,
        Plane::Control,
        &Pattern::parse("Microsoft.MachineLearningServices/workspaces/jobs/*").unwrap(),
    );
    let role = generate(ix, mode, &req, &spec(), true);
    assert_eq!(
        role.actions,
        vec!["Microsoft.MachineLearningServices/workspaces/jobs/*"]
    );
    assert_eq!(role.wildcards[0].matches, 5);
}

#[test]
fn explicit_form_names_every_operation() {
    let ix = &model().index;
    let mode = WildcardMode::Azure;
    let mut req = Requirement::new(ix);
    req.add_entry(
        ix,
        mode,
        Plane::Control,
        &Pattern::parse("Microsoft.MachineLearningServices/workspaces/jobs/*").unwrap(),
    );
    req.add_unknown(
        Plane::Control,
        "Microsoft.MachineLearningServices/workspaces/jobz/read",
    );
    let role = generate(ix, mode, &req, &spec(), false);
    assert_eq!(role.actions.len(), 6);
    assert!(role.actions.iter().all(|a| !a.contains('*')));
    assert_eq!(
        role.unknown[0].suggestion.as_deref(),
        Some("Microsoft.MachineLearningServices/workspaces/jobs/read")
    );
}

#[test]
fn a_300_operation_need_compacts_well() {
    // Every control-plane operation of Azure ML except the secret-bearing ones.
    let ix = &model().index;
    let mode = WildcardMode::Azure;
    let mut req = Requirement::new(ix);
    req.add_entry(
        ix,
        mode,
        Plane::Control,
        &Pattern::parse("Microsoft.MachineLearningServices/*").unwrap(),
    );
    for p in [
        "*/listKeys/action",
        "*/listsecrets/action",
        "*/secrets/*",
        "*/token/action",
    ] {
        req.remove_pattern(
            ix,
            mode,
            Plane::Control,
            &Pattern::parse(&format!("Microsoft.MachineLearningServices/workspaces/{p}")).unwrap(),
        );
    }
    let n = req.count(ix, Plane::Control);
    assert!(n > 300, "{n}");
    let role = check_round_trip(mode, &req, true);
    check_minimal(mode, &req, &role);
    assert!(
        role.actions.len() * 5 < n,
        "{} entries for {n} operations",
        role.actions.len()
    );
}
