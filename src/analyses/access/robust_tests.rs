//! Property tests of the input rule (issue 9): on random synthetic tenants, the order of the
//! records in the exports never changes an answer, and duplicating a record (as is or with
//! other contents), or keeping only the first page of an export, never turns a listed
//! principal into an unlisted one on an answer that says it is complete.

use super::synth::{Config, Rng, Shape, generate_texts};
use super::*;
use crate::data::Model;
use crate::model::inventory::Inventory;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().unwrap())
}

const NAMES: [&str; 5] = ["a", "r", "g", "d", "m"];

fn try_inventory(texts: &[String; 5]) -> crate::error::Result<Inventory> {
    let mut inv = Inventory::new();
    let mut none = |_: usize| {};
    inv.read_assignments(&texts[0], NAMES[0], &mut none)?;
    inv.read_roles(&texts[1], NAMES[1])?;
    inv.read_groups(&texts[2], NAMES[2], &mut none)?;
    inv.read_deny(&texts[3], NAMES[3])?;
    inv.read_management_groups(&texts[4], NAMES[4])?;
    inv.finish();
    Ok(inv)
}

fn inventory(texts: &[String; 5]) -> Inventory {
    try_inventory(texts).unwrap()
}

/// The list of records of an export (a bare array, or `value` / `data`).
fn records(v: &mut Value) -> Option<&mut Vec<Value>> {
    match v {
        Value::Array(a) => Some(a),
        Value::Object(m) => m
            .iter_mut()
            .find(|(k, v)| (k.as_str() == "value" || k.as_str() == "data") && v.is_array())
            .and_then(|(_, v)| v.as_array_mut()),
        _ => None,
    }
}

fn shuffle<T>(v: &mut [T], r: &mut Rng) {
    for i in (1..v.len()).rev() {
        v.swap(i, r.below(i + 1));
    }
}

/// What an answer says, independent of the order records were read in.
#[derive(Debug, PartialEq, Eq)]
struct Summary {
    complete: bool,
    allowed: BTreeSet<(String, String, String)>,
    denied: BTreeSet<String>,
    warnings: BTreeSet<String>,
}

fn summary(ix: &AccessIndex, op: &str, scope: &str) -> Summary {
    let ans = who_can(ix, op, scope, false);
    let id = |p: u32| ix.inv.principals.get(p).id.to_ascii_lowercase();
    let mut allowed = BTreeSet::new();
    for a in &ans.at.allowed {
        for g in &a.grants {
            allowed.insert((
                id(a.principal),
                ix.inv.scopes.display(g.scope).to_ascii_lowercase(),
                g.entry.text.to_ascii_lowercase(),
            ));
        }
    }
    Summary {
        complete: ans.complete(),
        allowed,
        denied: ans.at.denied.iter().map(|a| id(a.principal)).collect(),
        warnings: ans.warnings.iter().map(|w| w.text.clone()).collect(),
    }
}

fn listed(s: &Summary) -> BTreeSet<String> {
    s.allowed.iter().map(|(p, _, _)| p.clone()).collect()
}

/// Queries: a few operations (privileged, data, the custom roles' own) at `/` and random
/// scopes of the tenant.
fn queries(ix: &AccessIndex, r: &mut Rng) -> Vec<(String, String)> {
    let mut ops: Vec<String> = [
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.Storage/storageAccounts/listKeys/action",
        "Microsoft.MachineLearningServices/workspaces/computes/write",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for role in ix.inv.roles.iter().take(2) {
        if let Some(e) = role.permissions.first().and_then(|b| b.actions.first()) {
            ops.push(e.pattern.as_str().replace('*', "x"));
        }
    }
    let n = ix.inv.scopes.len();
    let mut scopes = vec!["/".to_string()];
    for _ in 0..3 {
        scopes.push(ix.inv.scopes.display(r.below(n) as u32).to_string());
    }
    let mut out = Vec::new();
    for o in &ops {
        for s in &scopes {
            out.push((o.clone(), s.clone()));
        }
    }
    out
}

fn tenant(seed: u64, assignments: usize, denies: usize) -> [String; 5] {
    let cfg = Config {
        seed,
        assignments,
        // About one assignment per principal, so that losing a record loses a principal.
        principals: assignments,
        groups: 5,
        custom_roles: 3,
        deny_assignments: denies,
        shape: Shape::Mixed,
    };
    generate_texts(model(), &cfg).unwrap()
}

fn parsed(texts: &[String; 5]) -> Vec<Value> {
    texts
        .iter()
        .map(|t| serde_json::from_str(t).unwrap())
        .collect()
}

fn texts_of(values: &[Value]) -> [String; 5] {
    std::array::from_fn(|i| values[i].to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn the_order_of_records_never_changes_an_answer(
        seed in any::<u64>(),
        assignments in 20usize..120,
        denies in 0usize..4,
    ) {
        let texts = tenant(seed, assignments, denies);
        let base = AccessIndex::build(model(), inventory(&texts), &mut |_, _| {});
        let mut r = Rng::new(seed ^ 0x5eed);
        let mut values = parsed(&texts);
        for v in &mut values {
            if let Some(list) = records(v) {
                shuffle(list, &mut r);
                // Members of each group too.
                for g in list.iter_mut() {
                    if let Some(Value::Array(m)) = g.get_mut("members") {
                        shuffle(m, &mut r);
                    }
                }
            }
        }
        let shuffled = AccessIndex::build(model(), inventory(&texts_of(&values)), &mut |_, _| {});
        for (op, scope) in queries(&base, &mut r) {
            prop_assert_eq!(summary(&base, &op, &scope), summary(&shuffled, &op, &scope), "{} at {}", op, scope);
        }
    }

    #[test]
    fn duplicates_and_missing_pages_never_hide_a_principal_on_a_complete_answer(
        seed in any::<u64>(),
        assignments in 20usize..120,
        denies in 0usize..4,
    ) {
        let texts = tenant(seed, assignments, denies);
        let base = AccessIndex::build(model(), inventory(&texts), &mut |_, _| {});
        let mut r = Rng::new(seed ^ 0xd0b1e);
        let qs = queries(&base, &mut r);
        let before: Vec<Summary> = qs.iter().map(|(o, s)| summary(&base, o, s)).collect();
        for file in 0..5 {
            for mutation in 0..3 {
                let mut values = parsed(&texts);
                let Some(list) = records(&mut values[file]) else { continue };
                if list.is_empty() {
                    continue;
                }
                match mutation {
                    // Every record twice, each copy before or after its original.
                    0 => {
                        let mut out = Vec::with_capacity(list.len() * 2);
                        for rec in list.drain(..) {
                            let first = r.below(2) == 0;
                            if first {
                                out.push(rec.clone());
                            }
                            out.push(rec.clone());
                            if !first {
                                out.push(rec);
                            }
                        }
                        *list = out;
                    }
                    // Every record with a copy under its id and name holding another
                    // record's contents (an export taken at another time), placed before or
                    // after it.
                    1 => {
                        let n = list.len();
                        let mut out = Vec::with_capacity(n * 2);
                        for i in 0..n {
                            let mut copy = list[r.below(n)].clone();
                            if let Value::Object(m) = &mut copy {
                                for key in ["id", "name"] {
                                    match list[i].get(key) {
                                        Some(v) => {
                                            m.insert(key.to_string(), v.clone());
                                        }
                                        None => {
                                            m.remove(key);
                                        }
                                    }
                                }
                            }
                            if r.below(2) == 0 {
                                out.push(copy);
                                out.push(list[i].clone());
                            } else {
                                out.push(list[i].clone());
                                out.push(copy);
                            }
                        }
                        *list = out;
                    }
                    // Only the first page, with the link to the next one.
                    _ => {
                        list.truncate(list.len() / 2);
                        let first = std::mem::take(list);
                        values[file] = serde_json::json!({
                            "value": first,
                            "nextLink": "https://management.azure.com/next?page=2",
                        });
                    }
                }
                // Refusing the input (two parents for one scope, say) is an allowed answer.
                let Ok(inv) = try_inventory(&texts_of(&values)) else {
                    continue;
                };
                let mutated = AccessIndex::build(model(), inv, &mut |_, _| {});
                for ((op, scope), b) in qs.iter().zip(&before) {
                    let after = summary(&mutated, op, scope);
                    if after.complete {
                        let lost: Vec<_> = listed(b).difference(&listed(&after)).cloned().collect();
                        prop_assert!(
                            lost.is_empty(),
                            "file {} mutation {}: {} at {}: {:?} no longer listed, answer complete",
                            NAMES[file], mutation, op, scope, lost
                        );
                    }
                }
            }
        }
    }
}
