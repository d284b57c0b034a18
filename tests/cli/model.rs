//! The permission model through the binary: catalog, roles, actions, expand, explain.

use crate::common::*;

#[test]
fn catalog_info_reports_the_snapshot_counts() {
    let v = run_json(&["catalog", "info", "--format", "json"]);
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["providersWithOperations"], 302);
    assert_eq!(v["distinctNames"], 22497);
    assert_eq!(v["namesOnBothPlanes"], 23);
    assert_eq!(v["sourceDate"], "2026-08-22");
    assert_eq!(v["descriptions"], false);
    assert_eq!(v["builtinRoles"], 928);
}
