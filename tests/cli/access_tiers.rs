//! Issue 11 on the hand-built tenant: deny effects (audit, user-assigned Everyone denies),
//! PIM tiers and evaluated conditions, each case against the answer key in its README.

use crate::access::{MLS, SUB, names, rg, set, who_can, ws};
use serde_json::Value;

fn audited(list: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in list.as_array().unwrap() {
        for d in p["auditedBy"].as_array().into_iter().flatten() {
            out.push((
                p["name"].as_str().unwrap().to_string(),
                d["name"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

#[test]
fn an_audit_deny_blocks_nothing_and_is_reported_as_audited() {
    let v = who_can(&format!("{MLS}/delete"), &ws(), &[]);
    // Contributor and Owner holders keep the operation: the deny only logs.
    assert_eq!(
        names(&v["principals"]),
        set(&["dave", "grp-ops", "grp-ws-admins", "henry", "kate"])
    );
    assert!(v["denied"].as_array().unwrap().is_empty(), "{v}");
    // Everyone except grp-break-glass (henry) is audited.
    let a = audited(&v["principals"]);
    let who: Vec<&str> = a.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(who, ["dave", "grp-ops", "grp-ws-admins", "kate"]);
    assert!(a.iter().all(|x| x.1 == "audit workspace deletes"));
    let d = &v["principals"][0]["auditedBy"][0];
    assert_eq!(d["effect"], "audit");
    assert_eq!(d["everyone"], true);
}

#[test]
fn a_user_assigned_everyone_deny_stops_owners_except_the_excluded() {
    let v = who_can(&format!("{MLS}/computes/delete"), &ws(), &[]);
    // dave is excluded by name; grp-ops (his group) is not, nor is henry (Owner).
    assert_eq!(names(&v["principals"]), set(&["dave"]));
    assert_eq!(
        names(&v["denied"]),
        set(&["grp-ops", "grp-ws-admins", "henry", "kate"])
    );
    let d = &v["denied"][0]["deniedBy"][0];
    assert_eq!(d["name"], "no compute deletes (user-assigned)");
    assert_eq!(d["effect"], "enforced");
    assert_eq!(d["systemProtected"], false);
    // Above the deny's scope it does not apply.
    let v = who_can(&format!("{MLS}/computes/delete"), SUB, &[]);
    assert!(names(&v["principals"]).contains("henry"));
    assert!(v["denied"].as_array().unwrap().is_empty());
}

#[test]
fn access_lists_an_audit_deny_without_removing_the_operation() {
    let t = crate::access::tenant();
    let v = crate::common::run_json(&[
        "access",
        "henry",
        "--scope",
        &rg(),
        "--action",
        &format!("{MLS}/*"),
        "--inventory",
        &t,
        "--format",
        "json",
    ]);
    let ops: Vec<&str> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    // henry is excluded from the audit deny, not from the user-assigned one.
    assert!(
        ops.contains(&"Microsoft.MachineLearningServices/workspaces/delete"),
        "{ops:?}"
    );
    assert!(!ops.contains(&"Microsoft.MachineLearningServices/workspaces/computes/delete"));
    let v = crate::common::run_json(&[
        "access",
        "dave",
        "--scope",
        &rg(),
        "--action",
        &format!("{MLS}/delete"),
        "--inventory",
        &t,
        "--format",
        "json",
    ]);
    let ops = v["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 1, "{v}");
    let deny = &v["denies"][ops[0]["deniedBy"][0]["deny"].as_u64().unwrap() as usize];
    assert_eq!(deny["effect"], "audit");
}
