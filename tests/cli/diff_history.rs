//! The proof over real role changes through the binary: every diff's added and removed sets
//! equal the set difference of `expand` (fixture pairs always, all 337 snapshot pairs when
//! ../shared exists).

use super::diff::{expansions, fx, lower, strings};
use crate::common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Gives pair `k` its own role id and name on both sides, so that all pairs fit in one
/// OLD file and one NEW file (the same built-in role changes several times in the history).
fn distinct(role: &Value, k: usize) -> Value {
    let mut r = role.clone();
    let guid = format!("{k:08x}-0000-4000-8000-{k:012x}");
    r["id"] = json!(format!(
        "/providers/Microsoft.Authorization/roleDefinitions/{guid}"
    ));
    r["name"] = json!(guid);
    r["roleName"] = json!(format!("{} #{k}", role["roleName"].as_str().unwrap()));
    r
}

/// Diffs every pair through the binary in one run and checks each role's added and removed
/// sets against `expand` of the same two files.
fn prove_pairs(items: &[Value]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let before: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(k, x)| distinct(&x["before"], k))
        .collect();
    let after: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(k, x)| distinct(&x["after"], k))
        .collect();
    let (pb, pa) = (
        dir.path().join("before.json"),
        dir.path().join("after.json"),
    );
    std::fs::write(&pb, serde_json::to_string(&before).unwrap()).unwrap();
    std::fs::write(&pa, serde_json::to_string(&after).unwrap()).unwrap();
    let (b, a) = (pb.display().to_string(), pa.display().to_string());
    let mut exp: BTreeMap<(String, String), Value> = BTreeMap::new();
    for r in expansions(&[&b, &a]) {
        exp.insert(
            (
                r["origin"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
            ),
            r,
        );
    }
    let v = run_json(&["diff", &b, &a, "--format", "json", "--fail-on", "none"]);
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), items.len());
    for c in changes {
        assert!(
            c["status"] != "added" && c["status"] != "removed",
            "{} unmatched",
            c["role"]
        );
        let id = c["id"].as_str().unwrap().to_string();
        let (eo, en) = (&exp[&(b.clone(), id.clone())], &exp[&(a.clone(), id)]);
        for plane in ["actions", "dataActions"] {
            let (so, sn) = (lower(&strings(&eo[plane])), lower(&strings(&en[plane])));
            assert_eq!(
                lower(&strings(&c["added"][plane])),
                &sn - &so,
                "{} {plane}",
                c["role"]
            );
            assert_eq!(
                lower(&strings(&c["removed"][plane])),
                &so - &sn,
                "{} {plane}",
                c["role"]
            );
        }
        let effective = c["effectiveChange"].as_bool().unwrap();
        let same = ["actions", "dataActions"]
            .iter()
            .all(|p| lower(&strings(&eo[p])) == lower(&strings(&en[p])))
            && eo["conditionalActions"] == en["conditionalActions"]
            && eo["conditionalDataActions"] == en["conditionalDataActions"];
        assert_eq!(effective, !same, "{}", c["role"]);
    }
    changes.len()
}

#[test]
fn history_fixture_pairs_through_the_binary() {
    let items: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(fx("history-pairs.json")).unwrap()).unwrap();
    assert_eq!(prove_pairs(&items), items.len());
}

#[test]
fn all_snapshot_history_pairs_through_the_binary() {
    let Some(snap) = shared() else { return };
    let items: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(snap.join("role-history.json")).unwrap())
            .unwrap();
    assert_eq!(items.len(), 337);
    assert_eq!(prove_pairs(&items), 337);
}
