//! who-can and access on the hand-built tenant (tests/fixtures/tenant, answer key in its
//! README): every case the issue lists, with the answers worked out by hand.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;

pub(crate) const SUB: &str = "/subscriptions/11111111-1111-1111-1111-111111111111";
pub(crate) const MLS: &str = "Microsoft.MachineLearningServices/workspaces";

pub(crate) fn rg() -> String {
    format!("{SUB}/resourceGroups/rg-ml")
}
pub(crate) fn ws() -> String {
    format!(
        "{}/providers/Microsoft.MachineLearningServices/workspaces/ws1",
        rg()
    )
}
pub(crate) fn ep() -> String {
    format!("{}/onlineEndpoints/ep1", ws())
}

pub(crate) fn tenant() -> String {
    fixture("tenant").display().to_string()
}

pub(crate) fn who_can(op: &str, scope: &str, extra: &[&str]) -> Value {
    let t = tenant();
    let mut args = vec![
        "who-can",
        op,
        "--scope",
        scope,
        "--inventory",
        &t,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run_json(&args)
}

pub(crate) fn names(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["name"]
                .as_str()
                .unwrap_or_else(|| p["id"].as_str().unwrap())
                .to_string()
        })
        .collect()
}

pub(crate) fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn find<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {list}"))
}

pub(crate) fn group_id(n: u32) -> String {
    format!("cccccccc-0000-0000-0000-{n:012x}")
}

const DS_USERS: [&str; 8] = [
    "alice",
    "bob",
    "frank",
    "gina",
    "grp-cycle-a",
    "grp-cycle-b",
    "grp-ml-engineers",
    "grp-ml-users",
];

#[test]
fn score_at_endpoint_nested_groups_cycle_and_management_group_inheritance() {
    let v = who_can(&format!("{MLS}/onlineEndpoints/score/action"), &ep(), &[]);
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(
        v["operation"],
        format!("{MLS}/onlineEndpoints/score/action")
    );
    assert_eq!(v["scope"], ep());
    let mut expected = set(&DS_USERS);
    expected.extend(set(&[
        "carol@contoso.example",
        "dave",
        "endpoint-deployer",
        "grp-ops",
        "grp-ws-admins",
        "henry",
        "kate",
        "liam",
    ]));
    // zoe (Owner at rg-m, a string prefix of rg-ml) and alice's Contributor on the other
    // subscription do not apply; erin's role definition is missing.
    assert_eq!(names(&v["principals"]), expected);
    assert!(v["denied"].as_array().unwrap().is_empty());
    // Inheritance management group → subscription → endpoint, through a cycle of groups.
    let gina = find(&v["principals"], "gina");
    assert_eq!(gina["type"], "User");
    assert_eq!(gina["conditional"], false);
    let g = &gina["grants"][0];
    assert_eq!(
        g["scope"],
        "/providers/Microsoft.Management/managementGroups/mg-ml"
    );
    assert_eq!(g["role"], "AzureML Data Scientist");
    assert_eq!(g["roleId"], "f6c7c914-8db3-469d-8ca1-694a8f32e121");
    assert_eq!(g["entry"], format!("{MLS}/*/action"));
    assert_eq!(
        g["via"],
        serde_json::json!([group_id(4), group_id(3), group_id(2), group_id(1)])
    );
    assert_eq!(g["conditional"], false);
    let alice = find(&v["principals"], "alice");
    assert_eq!(alice["grants"].as_array().unwrap().len(), 1, "{alice}");
    // A conditional assignment: reported, marked, never dropped.
    let carol = find(&v["principals"], "carol@contoso.example");
    assert_eq!(carol["conditional"], true);
    assert_eq!(carol["grants"][0]["conditional"], true);
    assert!(
        carol["grants"][0]["condition"]
            .as_str()
            .unwrap()
            .contains("ActionMatches")
    );
    // The missing role definition is reported, not guessed.
    let un = v["unevaluated"].as_array().unwrap();
    assert_eq!(un.len(), 1);
    assert_eq!(un[0]["roleId"], "eeeeeeee-0000-0000-0000-000000000099");
    assert_eq!(un[0]["principal"], "aaaaaaaa-0000-0000-0000-000000000005");
    assert_eq!(v["complete"], false);
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("not evaluated (see `unevaluated`)"),
        "{warnings}"
    );
    assert!(warnings.contains("1 grant is conditional"), "{warnings}");
}

#[test]
fn a_not_action_is_re_granted_by_another_role() {
    let v = who_can(
        &format!("{MLS}/onlineEndpoints/listKeys/action"),
        &ep(),
        &[],
    );
    let liam = find(&v["principals"], "liam");
    let grants = liam["grants"].as_array().unwrap();
    // Liam's direct role removes listKeys with a NotAction; the group's role grants it.
    assert_eq!(grants.len(), 1, "{liam}");
    assert_eq!(grants[0]["role"], "Endpoint Key Reader");
    assert_eq!(grants[0]["via"], serde_json::json!([group_id(8)]));
    assert_eq!(
        grants[0]["entry"],
        format!("{MLS}/onlineEndpoints/listKeys/action")
    );
    assert!(names(&v["principals"]).contains("grp-endpoint-keys"));
}

#[test]
fn deny_for_everyone_with_an_exclusion() {
    let v = who_can(&format!("{MLS}/onlineEndpoints/delete"), &ep(), &[]);
    assert_eq!(
        names(&v["principals"]),
        set(&["henry"]),
        "the break-glass group is excluded"
    );
    let denied = names(&v["denied"]);
    assert!(
        denied.contains("alice") && denied.contains("liam") && denied.contains("endpoint-deployer")
    );
    assert!(
        denied.contains("carol@contoso.example"),
        "a conditional grant is denied too"
    );
    assert_eq!(denied.len(), 15);
    let d = &find(&v["denied"], "kate")["deniedBy"][0];
    assert_eq!(d["name"], "protect endpoints");
    assert_eq!(d["everyone"], true);
    assert_eq!(d["scope"], SUB);
    assert_eq!(d["entry"], format!("{MLS}/onlineEndpoints/delete"));
}

#[test]
fn deny_with_do_not_apply_to_child_scopes() {
    let op = format!("{MLS}/write");
    let at_rg = who_can(&op, &rg(), &[]);
    assert_eq!(
        names(&at_rg["principals"]),
        set(&["dave", "grp-ops", "henry"])
    );
    assert_eq!(names(&at_rg["denied"]), set(&["grp-ws-admins", "kate"]));
    let d = &find(&at_rg["denied"], "kate")["deniedBy"][0];
    assert_eq!(d["name"], "lock resource group settings");
    assert_eq!(d["everyone"], false);
    assert_eq!(d["via"], serde_json::json!([group_id(7)]));
    // The Data Scientist role's NotAction removes workspaces/write for the ML groups.
    let at_ws = who_can(&op, &ws(), &[]);
    assert_eq!(
        names(&at_ws["principals"]),
        set(&["dave", "grp-ops", "grp-ws-admins", "henry", "kate"])
    );
    assert!(at_ws["denied"].as_array().unwrap().is_empty());
}

#[test]
fn reads_reach_from_the_tenant_root_group_and_unknown_types_are_said() {
    let v = who_can(&format!("{MLS}/read"), &ws(), &[]);
    let n = names(&v["principals"]);
    // nora's only row is a Resource Graph row, which carries no name.
    assert!(
        n.contains("aaaaaaaa-0000-0000-0000-00000000000d"),
        "Reader at the tenant root group: {n:?}"
    );
    assert!(
        n.contains("aaaaaaaa-0000-0000-0000-000000000009"),
        "ivan (no type, no name): {n:?}"
    );
    assert!(!n.contains("zoe@contoso.example"));
    let ivan = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "aaaaaaaa-0000-0000-0000-000000000009")
        .unwrap();
    assert_eq!(ivan["type"], "Unknown");
    assert!(
        v["warnings"]
            .to_string()
            .contains("aaaaaaaa-0000-0000-0000-000000000009 has no type in any input")
    );
    let nora = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "aaaaaaaa-0000-0000-0000-00000000000d")
        .unwrap();
    assert_eq!(
        nora["grants"][0]["scope"],
        "/providers/Microsoft.Management/managementGroups/contoso-root"
    );
}

#[test]
fn below_lists_grants_under_the_scope_with_their_scopes() {
    let v = who_can(
        &format!("{MLS}/onlineEndpoints/score/action"),
        &rg(),
        &["--below"],
    );
    let at = names(&v["principals"]);
    assert!(at.contains("liam") && at.contains("kate") && !at.contains("endpoint-deployer"));
    let below = &v["below"];
    assert_eq!(
        names(&below["principals"]),
        set(&["carol@contoso.example", "endpoint-deployer"])
    );
    let sp = find(&below["principals"], "endpoint-deployer");
    assert_eq!(sp["grants"][0]["scope"], ep());
    assert!(below["denied"].as_array().unwrap().is_empty());
    // Without --below there is no `below` key.
    assert!(
        who_can(&format!("{MLS}/onlineEndpoints/score/action"), &rg(), &[])
            .get("below")
            .is_none()
    );
}

/// The resource-group lock (`doNotApplyToChildScopes`) stops the workspace admins at rg-ml
/// itself; under rg-ml it does not apply, so `--below` lists them as able to act there, with
/// the scope under which their grant applies. (An audit found them reported as stopped.)
#[test]
fn below_lists_principals_a_deny_stops_only_at_its_own_scope() {
    let op = format!("{MLS}/write");
    let v = who_can(&op, &rg(), &["--below"]);
    assert_eq!(names(&v["denied"]), set(&["grp-ws-admins", "kate"]));
    let below = &v["below"];
    assert_eq!(names(&below["principals"]), set(&["grp-ws-admins", "kate"]));
    for who in ["grp-ws-admins", "kate"] {
        let g = &find(&below["principals"], who)["grants"][0];
        assert_eq!(g["scope"], rg());
        assert_eq!(g["onlyBelow"], rg(), "{who}");
    }
    assert!(below["denied"].as_array().unwrap().is_empty());
    // At the workspace under the resource group, the lock does not apply: they are allowed.
    let at_ws = who_can(&op, &ws(), &[]);
    let allowed = names(&at_ws["principals"]);
    assert!(
        allowed.contains("kate") && allowed.contains("grp-ws-admins"),
        "{allowed:?}"
    );
    // Grants that are not stopped carry no `onlyBelow`.
    assert!(
        find(&at_ws["principals"], "kate")["grants"][0]
            .get("onlyBelow")
            .is_none()
    );
}

#[test]
fn unknown_operations_are_evaluated_and_warned_about() {
    let t = tenant();
    let op = "Contoso.Widgets/gadgets/read";
    let (code, out, err) = run(&[
        "who-can",
        op,
        "--scope",
        &ep(),
        "--inventory",
        &t,
        "--format",
        "json",
        "--allow-unknown",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("not in the operation catalog"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["inCatalog"], false);
    let n = names(&v["principals"]);
    // The literal entry grants exactly this name; `*` and `*/read` match it too.
    for who in [
        "endpoint-deployer",
        "henry",
        "dave",
        "kate",
        "aaaaaaaa-0000-0000-0000-00000000000d",
    ] {
        assert!(n.contains(who), "{who} missing from {n:?}");
    }
    let sp = find(&v["principals"], "endpoint-deployer");
    assert_eq!(sp["grants"][0]["entry"], op);
    assert!(
        !n.contains("alice"),
        "the Data Scientist role does not match it"
    );
}

#[test]
fn access_of_one_principal_with_chains_risk_and_denies() {
    let t = tenant();
    let v = run_json(&[
        "access",
        "liam",
        "--scope",
        &ep(),
        "--inventory",
        &t,
        "--format",
        "json",
    ]);
    assert_eq!(v["principal"]["id"], "aaaaaaaa-0000-0000-0000-00000000000c");
    let chains = v["chains"].as_array().unwrap();
    assert_eq!(chains.len(), 2);
    let ops = v["operations"].as_array().unwrap();
    let keys = ops
        .iter()
        .find(|o| {
            o["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case(&format!("{MLS}/onlineEndpoints/listKeys/action"))
        })
        .unwrap();
    assert_eq!(keys["grants"].as_array().unwrap().len(), 1);
    let chain = &chains[keys["grants"][0]["chain"].as_u64().unwrap() as usize];
    assert_eq!(chain["role"], "Endpoint Key Reader");
    assert!(
        keys["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "secret-exposure"),
        "{keys}"
    );
    assert_eq!(keys["provider"], "Microsoft.MachineLearningServices");
    let read = ops
        .iter()
        .find(|o| o["name"] == format!("{MLS}/onlineEndpoints/read"))
        .unwrap();
    assert_eq!(
        read["grants"].as_array().unwrap().len(),
        2,
        "both roles grant it"
    );
    let denied = v["denied"].as_array().unwrap();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0]["name"], format!("{MLS}/onlineEndpoints/delete"));
    assert_eq!(v["denies"][0]["everyone"], true);
    assert_eq!(v["summary"][0]["operations"], ops.len());
    // By name, filtered with a pattern; the table groups by provider and risk category.
    let (code, out, err) = run(&[
        "access",
        "gina",
        "--scope",
        &ep(),
        "--inventory",
        &t,
        "--action",
        &format!("{MLS}/onlineEndpoints/*"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("via grp-cycle-b → grp-cycle-a → grp-ml-engineers → grp-ml-users"),
        "{out}"
    );
    assert!(out.contains("Secret and key exposure (high)"), "{out}");
    let (code, csv, _) = run(&[
        "access",
        "liam",
        "--scope",
        &ep(),
        "--inventory",
        &t,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("status,operation,plane,provider,categories,scope,role"));
    let denied: Vec<&&str> = lines.iter().filter(|l| l.starts_with("denied,")).collect();
    assert_eq!(denied.len(), 1);
    assert!(denied[0].ends_with(",protect endpoints"), "{}", denied[0]);
}

/// Every grant of a denied principal names the deny that stops it, one of the principal's
/// `deniedBy` (the table shows that deny on the grant's row).
#[test]
fn denied_grants_name_the_deny_that_stops_them() {
    for (op, scope) in [
        (format!("{MLS}/onlineEndpoints/delete"), ep()),
        (format!("{MLS}/write"), rg()),
    ] {
        let v = who_can(&op, &scope, &[]);
        let denied = v["denied"].as_array().unwrap();
        assert!(!denied.is_empty(), "{op}");
        for p in denied {
            let ids: Vec<&str> = p["deniedBy"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap())
                .collect();
            for g in p["grants"].as_array().unwrap() {
                let by = g["stoppedBy"].as_str().unwrap();
                assert!(ids.contains(&by), "{by} not in {ids:?}");
            }
        }
        for p in v["principals"].as_array().unwrap() {
            for g in p["grants"].as_array().unwrap() {
                assert!(g.get("stoppedBy").is_none());
            }
        }
    }
}
