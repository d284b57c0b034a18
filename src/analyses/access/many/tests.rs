//! Property tests of who-can over sets: on random synthetic tenants, with PIM eligibilities
//! (in force, expired, future), audit and conditional deny assignments and action-only
//! conditions, the one-pass set engine equals one query per set, and both equal the naive
//! rules operation by operation (allowed, conditional, denied, and the eligible tier).

use super::*;
use crate::analyses::access::naive::{who_can_eligible_naive, who_can_naive};
use crate::analyses::access::synth::{Config, Rng, Shape, generate_texts};
use crate::analyses::risk::Taxonomy;
use crate::data::Model;
use crate::model::inventory::Inventory;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().unwrap())
}

/// The moment the tests ask at: 2026-06-01.
const AT: i64 = 1_780_272_000;

/// Deny conditions: action-only (decided per operation), request attributes (unknown), and
/// one that does not parse.
const DENY_CONDITIONS: &[&str] = &[
    "((!(ActionMatches{'Microsoft.Storage/storageAccounts/listKeys/action'})) OR (@Request[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'x'))",
    "(ActionMatches{'Microsoft.MachineLearningServices/workspaces/*'})",
    "(@Principal[Microsoft.Directory/CustomSecurityAttributes/Id:Team_Name] StringEquals 'ops')",
    "((ActionMatches{'Microsoft.Authorization/*'}",
];

/// Assignment-style conditions for eligibilities.
const GRANT_CONDITIONS: &[&str] = &[
    "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {acdd72a7-3385-48ef-bd42-f606fba81ae7}))",
    "(ActionMatches{'Microsoft.Storage/*'})",
];

/// Gives some deny assignments of a synthetic export a condition.
fn with_deny_conditions(text: &str, r: &mut Rng) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    let list = match &mut v {
        Value::Array(a) => a,
        Value::Object(o) => o.get_mut("value").and_then(Value::as_array_mut).unwrap(),
        _ => unreachable!(),
    };
    for d in list {
        if r.pct(35) {
            let c = DENY_CONDITIONS[r.below(DENY_CONDITIONS.len())];
            d["properties"]["condition"] = json!(c);
            d["properties"]["conditionVersion"] = json!("2.0");
        }
    }
    v.to_string()
}

/// Eligibility instances (REST shape) drawn from the tenant's own principals, roles and
/// scopes: some in force, some expired or future, some not provisioned, some conditional.
fn eligibilities(inv: &Inventory, r: &mut Rng, n: usize) -> String {
    let mut out = Vec::new();
    for i in 0..n {
        let a = &inv.assignments[r.below(inv.assignments.len())];
        let p = inv
            .principals
            .get(inv.assignments[r.below(inv.assignments.len())].principal);
        let scope = inv.scopes.display(a.scope).to_string();
        let role = &inv.role_refs[a.role as usize].guid;
        let (start, end, status) = match r.below(6) {
            0 => (
                "2025-01-01T00:00:00Z",
                Some("2026-01-01T00:00:00Z"),
                "Provisioned",
            ),
            1 => ("2027-01-01T00:00:00Z", None, "Provisioned"),
            2 => ("2025-01-01T00:00:00Z", None, "Revoked"),
            _ => (
                "2025-01-01T00:00:00Z",
                Some("2099-01-01T00:00:00Z"),
                "Provisioned",
            ),
        };
        let condition = if r.pct(20) {
            Some(GRANT_CONDITIONS[r.below(GRANT_CONDITIONS.len())])
        } else {
            None
        };
        let base = if scope == "/" { "" } else { scope.as_str() };
        out.push(json!({
            "id": format!("{base}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/e{i}"),
            "name": format!("e{i}"),
            "type": "Microsoft.Authorization/roleEligibilityScheduleInstances",
            "properties": {
                "scope": scope,
                "roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{role}"),
                "principalId": p.id.to_string(),
                "principalType": p.kind.as_str(),
                "memberType": "Direct",
                "status": status,
                "startDateTime": start,
                "endDateTime": end,
                "condition": condition,
                "conditionVersion": condition.map(|_| "2.0"),
            }
        }));
    }
    json!({ "value": out }).to_string()
}

/// A many-operation answer as comparable data: per tier, per principal, the operations, the
/// conditional and denied ones, and the chains with their sets.
type Chains = Vec<(u32, bool, Vec<u32>, crate::model::Plane, String, Vec<usize>)>;
type Row = (u32, Vec<usize>, Vec<usize>, Vec<usize>, Chains);

fn rows(list: &[ManyPrincipal]) -> Vec<Row> {
    let mut out: Vec<Row> = list
        .iter()
        .map(|p| {
            let mut chains: Chains = p
                .chains
                .iter()
                .map(|c| {
                    (
                        c.grant.assignment,
                        c.grant.pim,
                        c.grant.via.to_vec(),
                        c.grant.plane,
                        c.grant.entry.text.clone(),
                        c.groups.clone(),
                    )
                })
                .collect();
            chains.sort();
            (
                p.principal,
                p.ops.clone(),
                p.conditional_ops.clone(),
                p.denied_ops.clone(),
                chains,
            )
        })
        .collect();
    out.sort();
    out
}

type DenyRow = (u32, Vec<(u32, String, bool)>, Vec<u32>);

fn deny_rows(list: &[ManyPrincipal]) -> Vec<DenyRow> {
    let mut out: Vec<_> = list
        .iter()
        .map(|p| {
            let mut d: Vec<(u32, String, bool)> = p
                .denied_by
                .iter()
                .map(|h| (h.deny, h.entry.text.clone(), h.audit))
                .collect();
            d.sort();
            let mut a: Vec<u32> = p.audited_by.iter().map(|h| h.deny).collect();
            a.sort();
            a.dedup();
            (p.principal, d, a)
        })
        .collect();
    out.sort();
    out
}

fn check(ix: &AccessIndex, ops: &[String], scope: &str, risk: &crate::analyses::risk::RiskIndex) {
    let q = |v: &[String]| -> Vec<OpQuery> {
        v.iter().map(|n| OpQuery::new(&ix.model.index, n)).collect()
    };
    let sets = who_can_many_with(ix, q(ops), scope, risk, Engine::Sets);
    let base = who_can_many_with(ix, q(ops), scope, risk, Engine::PerGroup);
    assert_eq!(
        rows(&sets.principals),
        rows(&base.principals),
        "allowed at {scope}"
    );
    assert_eq!(rows(&sets.denied), rows(&base.denied), "denied at {scope}");
    assert_eq!(
        rows(&sets.eligible),
        rows(&base.eligible),
        "eligible at {scope}"
    );
    assert_eq!(
        deny_rows(&sets.principals),
        deny_rows(&base.principals),
        "deny hits at {scope}"
    );
    assert_eq!(
        deny_rows(&sets.denied),
        deny_rows(&base.denied),
        "deny hits at {scope}"
    );

    // Operation by operation, against the rules.
    for (i, op) in sets.ops.iter().enumerate() {
        let naive = who_can_naive(ix.model, &ix.inv, &op.name, scope);
        let allowed: BTreeMap<u32, bool> = sets
            .principals
            .iter()
            .filter(|p| p.ops.binary_search(&i).is_ok())
            .map(|p| (p.principal, p.conditional_ops.binary_search(&i).is_ok()))
            .collect();
        let expect: BTreeMap<u32, bool> =
            naive.allowed.iter().map(|(p, (c, _))| (*p, *c)).collect();
        assert_eq!(allowed, expect, "allowed {} at {scope}", op.name);
        let denied: BTreeSet<u32> = sets
            .principals
            .iter()
            .chain(&sets.denied)
            .filter(|p| p.denied_ops.binary_search(&i).is_ok())
            .map(|p| p.principal)
            .collect();
        assert_eq!(denied, naive.denied, "denied {} at {scope}", op.name);
        let eligible: BTreeMap<u32, bool> = sets
            .eligible
            .iter()
            .filter(|p| p.ops.binary_search(&i).is_ok())
            .map(|p| (p.principal, p.conditional_ops.binary_search(&i).is_ok()))
            .collect();
        let expect: BTreeMap<u32, bool> =
            who_can_eligible_naive(ix.model, &ix.inv, &op.name, scope, AT)
                .iter()
                .map(|(p, (c, _))| (*p, *c))
                .collect();
        assert_eq!(eligible, expect, "eligible {} at {scope}", op.name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn the_set_engine_equals_one_query_per_set_and_the_rules(
        seed in any::<u64>(),
        assignments in 20usize..140,
        principals in 4usize..24,
        groups in 1usize..8,
        custom in 1usize..6,
        denies in 0usize..6,
        eligible in 0usize..30,
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
        let mut texts = generate_texts(model(), &cfg).unwrap();
        let mut r = Rng::new(seed ^ 0x5e75);
        texts[3] = with_deny_conditions(&texts[3], &mut r);
        let mut inv = Inventory::new();
        let mut none = |_: usize| {};
        inv.read_assignments(&texts[0], "a", &mut none).unwrap();
        inv.read_roles(&texts[1], "r").unwrap();
        inv.read_groups(&texts[2], "g", &mut none).unwrap();
        inv.read_deny(&texts[3], "d").unwrap();
        inv.read_management_groups(&texts[4], "m").unwrap();
        inv.finish();
        let pim = eligibilities(&inv, &mut r, eligible);
        inv.read_eligible(&pim, "e").unwrap();
        let mut ix = AccessIndex::build(model(), inv, &mut |_, _| {});
        ix.set_at(AT);
        let taxonomy = Taxonomy::embedded().unwrap();
        let risk = taxonomy.classify(&model().index, model().mode);
        let cat = model().index.catalog();
        // A category's operations, a provider's worth of a pattern, and names the custom
        // roles and denies write.
        let ci = r.below(taxonomy.categories().len());
        let mut ops: BTreeSet<String> = risk
            .ops_in(ci)
            .ones()
            .take(60)
            .map(|id| cat.name(id as u32).to_string())
            .collect();
        for name in [
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Storage/storageAccounts/listKeys/action",
            "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action",
            "Microsoft.MachineLearningServices/workspaces/computes/write",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
            "Contoso.Internal/widgets0/read",
        ] {
            ops.insert(name.to_string());
        }
        for role in ix.inv.roles.iter().take(3) {
            if let Some(e) = role.permissions.first().and_then(|b| b.actions.first()) {
                ops.insert(e.pattern.as_str().replace('*', "x"));
            }
        }
        let ops: Vec<String> = ops.into_iter().collect();
        let n = ix.inv.scopes.len();
        let mut scopes = vec!["/".to_string()];
        for _ in 0..3 {
            scopes.push(ix.inv.scopes.display(r.below(n) as u32).to_string());
        }
        for s in &scopes {
            check(&ix, &ops, s, &risk);
        }
    }
}
