//! Unit tests of the access analyses, and the property test: on random synthetic tenants the
//! indexed who-can equals the naive evaluation of the rules.

use super::naive::{who_can_at_or_below_naive, who_can_naive};
use super::synth::{Config, Rng, Shape, generate_texts};
use super::*;
use crate::data::Model;
use crate::model::inventory::Inventory;
use crate::model::{OpId, Plane};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().unwrap())
}

fn inventory(texts: &[String; 5]) -> Inventory {
    let mut inv = Inventory::new();
    let mut none = |_: usize| {};
    inv.read_assignments(&texts[0], "a", &mut none).unwrap();
    inv.read_roles(&texts[1], "r").unwrap();
    inv.read_groups(&texts[2], "g", &mut none).unwrap();
    inv.read_deny(&texts[3], "d").unwrap();
    inv.read_management_groups(&texts[4], "m").unwrap();
    inv.finish();
    inv
}

#[test]
fn closure_survives_cycles_and_gives_paths() {
    // 0 ⊃ {1}, 1 ⊃ {2, 3}, 3 ⊃ {0} (cycle), 2 ⊃ {4}
    let csr = Csr::build(
        5,
        [(0u32, 1u32), (1, 2), (1, 3), (3, 0), (2, 4)].into_iter(),
    );
    let mut marks = Marks::new(5);
    let mut out = Vec::new();
    closure(&csr, &[0], &mut marks, &mut out);
    assert_eq!(out, vec![0, 1, 2, 3, 4]);
    assert_eq!(marks.via(4), vec![2, 1, 0]);
    assert_eq!(marks.via(0), Vec::<u32>::new());
    assert_eq!(marks.origin(4), 0);
    closure(&csr, &[2, 3], &mut marks, &mut out);
    assert_eq!(out, vec![2, 3, 4, 0, 1]);
    assert_eq!(marks.via(1), vec![0, 3]);
}

#[test]
fn synthetic_tenants_are_deterministic_and_parse() {
    let cfg = Config::scaled(3, 400);
    let a = generate_texts(model(), &cfg).unwrap();
    let b = generate_texts(model(), &cfg).unwrap();
    assert_eq!(a, b);
    let inv = inventory(&a);
    assert_eq!(inv.assignments.len(), 400);
    assert_eq!(inv.roles.len(), cfg.custom_roles);
    assert_eq!(inv.groups.len(), cfg.groups);
    assert_eq!(inv.denies.len(), cfg.deny_assignments);
    for shape in [Shape::Rest, Shape::Graph, Shape::Mixed] {
        let mut c = cfg.clone();
        c.shape = shape;
        let t = generate_texts(model(), &c).unwrap();
        let other = inventory(&t);
        assert_eq!(other.assignments.len(), 400, "{shape:?}");
        if shape != Shape::Mixed {
            // Mixed draws the row shape from the same stream, so its rows differ.
            assert_eq!(other.role_refs.len(), inv.role_refs.len(), "{shape:?}");
        }
    }
}

/// Checks a group path: each group contains the one before it, the last holds the grant.
fn check_via(ix: &AccessIndex, principal: u32, via: &[u32], holder: u32) {
    let mut cur = principal;
    for g in via {
        assert!(
            ix.members.row(*g).contains(&cur),
            "{g} does not contain {cur}"
        );
        cur = *g;
    }
    assert_eq!(cur, holder);
}

fn compare(ix: &AccessIndex, op: &str, scope: &str) {
    let fast = who_can(ix, op, scope, false);
    let slow = who_can_naive(ix.model, &ix.inv, op, scope);
    let mut allowed: BTreeMap<u32, (bool, BTreeSet<(u32, Plane)>)> = BTreeMap::new();
    for a in &fast.at.allowed {
        let grants = a.grants.iter().map(|g| (g.assignment, g.plane)).collect();
        allowed.insert(a.principal, (a.conditional, grants));
        for g in &a.grants {
            check_via(
                ix,
                a.principal,
                &g.via,
                ix.inv.assignments[g.assignment as usize].principal,
            );
        }
    }
    let denied: BTreeSet<u32> = fast.at.denied.iter().map(|a| a.principal).collect();
    assert_eq!(allowed, slow.allowed, "allowed differ for {op} at {scope}");
    assert_eq!(denied, slow.denied, "denied differ for {op} at {scope}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn indexed_who_can_equals_the_naive_rules(
        seed in any::<u64>(),
        assignments in 20usize..160,
        principals in 4usize..30,
        groups in 1usize..10,
        custom in 1usize..6,
        denies in 0usize..5,
    ) {
        let cfg = Config {
            seed,
            assignments,
            principals,
            groups,
            custom_roles: custom,
            deny_assignments: denies,
            shape: Shape::Mixed,
        };
        let texts = generate_texts(model(), &cfg).unwrap();
        let ix = AccessIndex::build(model(), inventory(&texts), &mut |_, _| {});
        let mut r = Rng::new(seed);
        let cat = model().index.catalog();
        let mut ops: Vec<String> = [
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Storage/storageAccounts/listKeys/action",
            "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action",
            "Microsoft.MachineLearningServices/workspaces/computes/write",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
            "Contoso.Internal/widgets0/read",
            "Microsoft.Unknown/things/delete",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..3 {
            ops.push(cat.name(r.below(cat.len()) as OpId).to_string());
        }
        // Operations the tenant's custom roles name.
        for role in ix.inv.roles.iter().take(2) {
            if let Some(e) = role.permissions.first().and_then(|b| b.actions.first()) {
                ops.push(e.pattern.as_str().replace('*', "x"));
            }
        }
        let n = ix.inv.scopes.len() as u32;
        let mut scopes: Vec<String> = vec!["/".to_string()];
        for _ in 0..4 {
            scopes.push(ix.inv.scopes.display(r.below(n as usize) as u32).to_string());
        }
        let deep = format!("{}/providers/Microsoft.Foo/bars/b1", ix.inv.scopes.display(r.below(n as usize) as u32));
        if crate::model::scope::structural_parent(&deep).is_some() {
            scopes.push(deep);
        }
        for op in &ops {
            for s in &scopes {
                compare(&ix, op, s);
            }
        }
    }
}

/// `--below` against the rules: everyone the indexed answer lists at S or below it is found
/// by the naive rules at S, at a scope under S, or at a probe child of one of those; and the
/// naive rules find no one the index misses. The only principals the naive side cannot confirm
/// are those whose grant applies only under a management group the tenant gives no child.
/// Each tenant gets one deny with `doNotApplyToChildScopes` at an assignment's own scope, so
/// that case is exercised (the hand-built tenant in `tests/cli/access.rs` pins it too).
fn compare_below(ix: &AccessIndex, op: &str, scope: &str) {
    let fast = who_can(ix, op, scope, true);
    let mut indexed: BTreeSet<u32> = fast.at.allowed.iter().map(|a| a.principal).collect();
    let below = fast.below.as_ref().unwrap();
    indexed.extend(below.allowed.iter().map(|a| a.principal));
    let slow = who_can_at_or_below_naive(ix.model, &ix.inv, op, scope);
    let missed: Vec<&u32> = slow.difference(&indexed).collect();
    assert!(
        missed.is_empty(),
        "the index misses {missed:?} for {op} at or below {scope}"
    );
    for p in indexed.difference(&slow) {
        let a = below.allowed.iter().find(|a| a.principal == *p).unwrap();
        assert!(
            a.grants
                .iter()
                .all(|g| g.only_below.is_some_and(|n| ix.inv.scopes.node(n).kind
                    == crate::model::scope::ScopeKind::ManagementGroup)),
            "the index lists {p} for {op} at or below {scope}; the rules do not"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn indexed_below_equals_the_naive_rules(
        seed in any::<u64>(),
        assignments in 20usize..120,
        principals in 4usize..20,
        groups in 1usize..8,
        denies in 1usize..6,
    ) {
        let cfg = Config {
            seed,
            assignments,
            principals,
            groups,
            custom_roles: 3,
            deny_assignments: denies,
            shape: Shape::Mixed,
        };
        let texts = generate_texts(model(), &cfg).unwrap();
        let mut inv = inventory(&texts);
        // One deny that bites where `--below` matters: `*` for the principal of an assignment,
        // at the assignment's own scope, applying there only.
        let pick = Rng::new(seed ^ 7).below(inv.assignments.len());
        let a = inv.assignments[pick];
        if let Some(mut d) = inv.denies.first().cloned() {
            let everything = crate::model::parse_roles_json(
                &serde_json::json!({"Name": "deny", "Actions": ["*"], "DataActions": ["*"]}),
                "test",
            )
            .unwrap();
            d.permissions = everything[0].clone();
            d.scope = a.scope;
            d.do_not_apply_to_child_scopes = true;
            d.principals = vec![a.principal];
            d.everyone = false;
            d.exclude = Vec::new();
            d.condition = None;
            inv.denies.push(d);
        }
        let ix = AccessIndex::build(model(), inv, &mut |_, _| {});
        let mut r = Rng::new(seed);
        let n = ix.inv.scopes.len();
        let mut scopes = vec!["/".to_string()];
        for _ in 0..2 {
            scopes.push(ix.inv.scopes.display(r.below(n) as u32).to_string());
        }
        // Where denies stop grants only at their own scope, and the scopes just above them.
        for d in ix.inv.denies.iter().rev().filter(|d| d.do_not_apply_to_child_scopes).take(2) {
            scopes.push(ix.inv.scopes.display(d.scope).to_string());
            if let Some(p) = ix.inv.scopes.node(d.scope).parent {
                scopes.push(ix.inv.scopes.display(p).to_string());
            }
        }
        for op in [
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        ] {
            for s in &scopes {
                compare_below(&ix, op, s);
            }
        }
    }
}

#[test]
fn unknown_subscription_is_said_and_root_grants_still_apply() {
    let cfg = Config::scaled(11, 200);
    let ix = AccessIndex::build(
        model(),
        inventory(&generate_texts(model(), &cfg).unwrap()),
        &mut |_, _| {},
    );
    let w = who_can(
        &ix,
        "Microsoft.Authorization/roleAssignments/write",
        "/subscriptions/00000000-aaaa-bbbb-cccc-000000000000/resourceGroups/x",
        false,
    );
    assert!(
        w.warnings
            .iter()
            .any(|x| x.text.contains("appears in no input")),
        "{:?}",
        w.warnings
    );
    assert!(!w.complete());
    assert_eq!(w.path.nodes, vec![crate::model::scope::ROOT]);
}

/// A tiny inline tenant: `g1` = {u1, g2}; `g2` is not in the group export; a deny with a
/// condition names g1.
fn tiny(deny_condition: bool) -> Inventory {
    let reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    let a = format!(
        r#"[{{"name": "a1", "principalId": "g1", "principalType": "Group", "scope": "/subscriptions/s",
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/{reader}"}},
           {{"name": "a2", "principalId": "x9", "scope": "/subscriptions/s/resourceGroups/r",
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/{reader}"}}]"#
    );
    let g = r##"[{"id": "g1", "displayName": "team", "members": [
        {"@odata.type": "#microsoft.graph.user", "id": "u1"},
        {"@odata.type": "#microsoft.graph.group", "id": "g2", "displayName": "contractors"}]}]"##;
    let cond = if deny_condition {
        r#", "condition": "@Resource[x] StringEquals 'y'""#
    } else {
        ""
    };
    let d = format!(
        r#"[{{"id": "/subscriptions/s/providers/Microsoft.Authorization/denyAssignments/d1",
            "properties": {{"denyAssignmentName": "no reads", "scope": "/subscriptions/s",
            "permissions": [{{"actions": ["*/read"]}}], "principals": [{{"id": "g1", "type": "Group"}}]{cond}}}}}]"#
    );
    let mut inv = Inventory::new();
    let mut none = |_: usize| {};
    inv.read_assignments(&a, "a", &mut none).unwrap();
    inv.read_groups(g, "g", &mut none).unwrap();
    inv.read_deny(&d, "d").unwrap();
    inv.read_roles("[]", "r").unwrap();
    inv.read_management_groups(r#"[{"id": "/subscriptions/s", "parent": null}]"#, "m")
        .unwrap();
    inv
}

#[test]
fn conditional_denies_keep_principals_and_say_so() {
    let op = "Microsoft.Compute/virtualMachines/read";
    let scope = "/subscriptions/s/resourceGroups/r";
    let ix = AccessIndex::build(model(), tiny(false), &mut |_, _| {});
    let w = who_can(&ix, op, scope, false);
    let denied: Vec<&str> =
        w.at.denied
            .iter()
            .map(|a| &*ix.inv.principals.get(a.principal).id)
            .collect();
    let denied: BTreeSet<&str> = denied.into_iter().collect();
    assert_eq!(denied, BTreeSet::from(["g1", "g2", "u1"]));
    assert_eq!(w.at.denied.len(), 3, "g1, its members u1 and g2");
    let allowed: Vec<&str> =
        w.at.allowed
            .iter()
            .map(|a| &*ix.inv.principals.get(a.principal).id)
            .collect();
    assert_eq!(allowed, vec!["x9"], "x9 is not in g1");
    let text: Vec<&str> = w.warnings.iter().map(|x| x.text.as_str()).collect();
    assert!(
        text.iter()
            .any(|t| t
                .contains("group contractors (g2), a member of team, is not in the group export")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("principal x9 has no type in any input")),
        "{text:?}"
    );

    let ix = AccessIndex::build(model(), tiny(true), &mut |_, _| {});
    let w = who_can(&ix, op, scope, false);
    assert!(w.at.denied.is_empty());
    assert_eq!(w.at.allowed.len(), 4);
    let u1 =
        w.at.allowed
            .iter()
            .find(|a| &*ix.inv.principals.get(a.principal).id == "u1")
            .unwrap();
    assert!(u1.conditional, "a conditional deny may stop u1");
    assert!(u1.denied_by[0].conditional);
    assert!(w.warnings.iter().any(|x| {
        x.text
            .contains("only under a condition azrbac cannot decide offline")
    }));
    // The naive rules agree.
    let slow = who_can_naive(ix.model, &ix.inv, op, scope);
    assert_eq!(slow.allowed.len(), 4);
    assert!(slow.allowed.values().filter(|(c, _)| *c).count() == 3);
}
