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

/// The operations of `sets` (a list of set indices) in a many-operation answer `v`.
fn expand_sets(v: &Value, sets: &Value) -> Vec<String> {
    let mut out: Vec<String> = sets
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            v["operationSets"][i.as_u64().unwrap() as usize]["operations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_str().unwrap().to_string())
        })
        .collect();
    out.sort();
    out
}

fn ops_of(v: &Value, p: &Value) -> Vec<String> {
    let ops = expand_sets(v, &p["sets"]);
    assert_eq!(ops.len(), p["operationCount"].as_u64().unwrap() as usize);
    ops
}

fn find<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {list}"))
}

#[test]
fn who_can_a_pattern_answers_per_principal_with_the_operations_each_holds() {
    let v = who_can(&format!("{MLS}/onlineEndpoints/*"), &ws(), &[]);
    let asked: Vec<&str> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(asked.len() > 5, "{asked:?}");
    assert!(asked.iter().all(|n| {
        n.to_ascii_lowercase()
            .starts_with("microsoft.machinelearningservices/workspaces/onlineendpoints/")
    }));
    // liam: ML Endpoint Operator (onlineEndpoints/* minus listKeys) plus Endpoint Key Reader
    // (listKeys, read) through grp-endpoint-keys: every operation, listKeys only via the group.
    let liam = find(&v["principals"], "liam");
    // The delete is stopped by *protect endpoints*; it is listed as denied.
    let held = ops_of(&v, liam);
    let liam_denied = expand_sets(&v, &liam["deniedSets"]);
    assert_eq!(held.len() + liam_denied.len(), asked.len(), "{held:?}");
    assert_eq!(liam_denied.len(), 1);
    let listkeys: Vec<&Value> = liam["chains"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            expand_sets(&v, &c["sets"])
                .iter()
                .any(|o| o.to_ascii_lowercase().ends_with("/listkeys/action"))
        })
        .collect();
    assert_eq!(listkeys.len(), 1);
    assert_eq!(listkeys[0]["role"], "Endpoint Key Reader");
    // The delete is stopped for everyone but henry: the others hold it as denied.
    let dave = find(&v["principals"], "dave");
    let denied = expand_sets(&v, &dave["deniedSets"]);
    assert_eq!(
        denied,
        ["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/delete"]
    );
    assert!(!ops_of(&v, dave).contains(&denied[0]));
    let henry = find(&v["principals"], "henry");
    assert!(ops_of(&v, henry).contains(&denied[0]));
    // Severity order: the principals holding a high-severity operation come first.
    let sev: Vec<&str> = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["severity"].as_str().unwrap_or("-"))
        .collect();
    let rank = |s: &str| {
        ["critical", "high", "medium", "low", "-"]
            .iter()
            .position(|x| *x == s)
    };
    assert!(sev.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "{sev:?}");
}

#[test]
fn who_can_any_and_category() {
    let v = who_can(
        &format!("{MLS}/onlineEndpoints/score/action"),
        &ws(),
        &["--any", "Microsoft.Authorization/roleAssignments/write"],
    );
    assert_eq!(v["operations"].as_array().unwrap().len(), 2);
    // Only Owner (henry) can write role assignments.
    let henry = find(&v["principals"], "henry");
    assert_eq!(ops_of(&v, henry).len(), 2);
    let alice = find(&v["principals"], "alice");
    assert_eq!(
        ops_of(&v, alice),
        ["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action"]
    );
    // Privilege escalation at the workspace: Owner only (Contributor's NotActions remove
    // Microsoft.Authorization/*/Write).
    let v = who_can_set(&["--category", "privilege-escalation"], &ws());
    let who = names(&v["principals"]);
    assert_eq!(
        who,
        set(&[
            "dave",
            "grp-ops",
            "grp-ws-admins",
            "henry",
            "kate",
            "paul@contoso.example"
        ]),
        "{v}"
    );
    assert_eq!(find(&v["principals"], "henry")["severity"], "critical");
    // Owner writes role assignments; Contributor's NotActions remove Microsoft.Authorization
    // writes, though it keeps other escalation paths (Key Vault access policies).
    let ra = "Microsoft.Authorization/roleAssignments/write";
    assert!(
        ops_of(&v, find(&v["principals"], "henry"))
            .iter()
            .any(|o| o == ra)
    );
    let dave = ops_of(&v, find(&v["principals"], "dave"));
    assert!(!dave.iter().any(|o| o == ra));
    assert!(
        dave.iter()
            .any(|o| o == "Microsoft.KeyVault/vaults/accessPolicies/write")
    );
}

fn who_can_set(args: &[&str], scope: &str) -> Value {
    let t = crate::access::tenant();
    let mut a = vec!["who-can"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--scope", scope, "--inventory", &t, "--format", "json"]);
    crate::common::run_json(&a)
}

#[test]
fn wrong_operation_inputs_are_errors_with_a_suggestion() {
    let t = crate::access::tenant();
    let (code, _, err) = crate::common::run(&[
        "who-can",
        &format!("{MLS}/raed"),
        "--scope",
        "/",
        "--inventory",
        &t,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("did you mean `{MLS}/read`")), "{err}");
    // --allow-unknown evaluates it (literal entries and wildcards).
    let v = who_can(&format!("{MLS}/raed"), &ws(), &["--allow-unknown"]);
    assert!(names(&v["principals"]).contains("henry"));
    let (code, _, err) = crate::common::run(&[
        "who-can",
        "--category",
        "secrets",
        "--scope",
        "/",
        "--inventory",
        &t,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a risk category"), "{err}");
    let (code, _, err) = crate::common::run(&[
        "who-can",
        "Contoso.Nothing/*",
        "--scope",
        "/",
        "--inventory",
        &t,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("matches no operation"), "{err}");
    let (code, _, err) = crate::common::run(&[
        "who-can",
        &format!("{MLS}/read"),
        "--scope",
        "ws1",
        "--inventory",
        &t,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a scope id"), "{err}");
}

#[test]
fn access_at_the_root_says_the_grants_sit_below_and_everywhere_lists_them() {
    let t = crate::access::tenant();
    let v = crate::common::run_json(&[
        "access",
        "alice",
        "--scope",
        "/",
        "--inventory",
        &t,
        "--format",
        "json",
    ]);
    assert!(v["operations"].as_array().unwrap().is_empty());
    let w: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        w.iter().any(|x| x
            .contains("2 role assignments of this principal (or its groups) sit below this scope")
            && x.contains("--everywhere")),
        "{w:?}"
    );
    let v = crate::common::run_json(&[
        "access",
        "alice",
        "--everywhere",
        "--inventory",
        &t,
        "--format",
        "json",
    ]);
    let scopes: Vec<(&str, &str)> = v["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["scope"].as_str().unwrap(),
                s["severity"].as_str().unwrap(),
            )
        })
        .collect();
    // Contributor on corp-shared (critical: Key Vault access policies) before the Data
    // Scientist group grant on mg-ml (high: endpoint keys).
    assert_eq!(
        scopes,
        [
            (
                "/subscriptions/22222222-2222-2222-2222-222222222222",
                "critical"
            ),
            (
                "/providers/Microsoft.Management/managementGroups/mg-ml",
                "high"
            )
        ]
    );
    assert_eq!(
        v["scopes"][1]["roles"][0],
        "AzureML Data Scientist at mg/mg-ml"
    );
    let (code, _, err) = crate::common::run(&["access", "alice", "--inventory", &t]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn an_action_only_condition_leaves_other_actions_plain_and_shows_the_residual() {
    // carol's condition restricts only score/action.
    let v = who_can(
        &format!("{MLS}/onlineEndpoints/listKeys/action"),
        &ws(),
        &[],
    );
    let carol = find(&v["principals"], "carol@contoso.example");
    assert_eq!(carol["conditional"], false, "{carol}");
    assert!(carol["grants"][0].get("residual").is_none());
    let v = who_can(&format!("{MLS}/onlineEndpoints/score/action"), &ws(), &[]);
    let carol = find(&v["principals"], "carol@contoso.example");
    assert_eq!(carol["conditional"], true);
    let r = carol["grants"][0]["residual"].as_str().unwrap();
    assert!(
        r.contains("tags.team") && !r.contains("ActionMatches"),
        "{r}"
    );
    assert_eq!(v["complete"], false);
}

fn pim_who_can(op: &str, scope: &str, extra: &[&str]) -> Value {
    let e = crate::common::fixture("pim").join("eligible-assignments.json");
    let a = crate::common::fixture("pim").join("pim-assignments.json");
    let (e, a) = (e.display().to_string(), a.display().to_string());
    let mut args = vec!["--eligible", e.as_str(), "--pim-assignments", a.as_str()];
    args.extend_from_slice(extra);
    who_can(op, scope, &args)
}

#[test]
fn pim_eligible_users_and_groups_are_a_separate_tier_never_allowed() {
    let v = pim_who_can("Microsoft.Authorization/roleAssignments/write", &ws(), &[]);
    // paul holds it under a delegation condition (see the conditions test).
    assert_eq!(
        names(&v["principals"]),
        set(&["henry", "paul@contoso.example"])
    );
    // oscar (user), grp-ops (group) and its member dave could activate a grant.
    assert_eq!(names(&v["eligible"]), set(&["dave", "grp-ops", "oscar"]));
    let dave = find(&v["eligible"], "dave");
    assert_eq!(dave["grants"][0]["role"], "User Access Administrator");
    assert_eq!(dave["grants"][0]["pim"]["kind"], "eligible");
    assert_eq!(
        dave["grants"][0]["pim"]["endDateTime"],
        "2099-01-01T00:00:00Z"
    );
    // henry's Owner was activated: the role assignment is annotated, not doubled, and his
    // eligibility does not list him again.
    let henry = find(&v["principals"], "henry");
    assert_eq!(henry["grants"].as_array().unwrap().len(), 1);
    assert_eq!(henry["grants"][0]["pim"]["kind"], "Activated");
    assert_eq!(
        henry["grants"][0]["pim"]["endDateTime"],
        "2099-01-01T16:00:00Z"
    );
    // Expired, future and revoked eligibilities are listed, not granted.
    let states: Vec<(String, String)> = v["eligibleNotInForce"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["principal"].as_str().unwrap().to_string(),
                x["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(states.len(), 3, "{states:?}");
    assert!(states.contains(&(
        "aaaaaaaa-0000-0000-0000-00000000000a".into(),
        "expired".into()
    )));
    assert!(states.contains(&(
        "aaaaaaaa-0000-0000-0000-00000000000b".into(),
        "not started".into()
    )));
    assert!(states.contains(&(
        "aaaaaaaa-0000-0000-0000-000000000002".into(),
        "not provisioned".into()
    )));
    assert_eq!(v["inputs"]["eligibleAssignments"]["count"], 6);
}

#[test]
fn pim_at_a_date_decides_which_eligibilities_are_in_force() {
    // On 2098-06-01 kate's eligibility is in force; on 2023-06-01 zoe's is, and oscar's and
    // grp-ops' are not yet.
    let v = pim_who_can(
        "Microsoft.Authorization/roleAssignments/write",
        &ws(),
        &["--at", "2098-06-01"],
    );
    assert!(names(&v["eligible"]).contains("kate"), "{}", v["eligible"]);
    let v = pim_who_can(
        "Microsoft.Authorization/roleAssignments/write",
        &ws(),
        &["--at", "2023-06-01T00:00:00Z"],
    );
    assert_eq!(names(&v["eligible"]), set(&["zoe@contoso.example"]));
    let t = crate::access::tenant();
    let (code, _, err) = crate::common::run(&[
        "who-can",
        "Microsoft.Authorization/roleAssignments/write",
        "--scope",
        "/",
        "--inventory",
        &t,
        "--at",
        "next week",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--at `next week` is not a date"), "{err}");
}

#[test]
fn pim_exports_with_unknown_fields_or_bad_dates_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("e.json");
    let t = crate::access::tenant();
    for (body, want) in [
        (
            r#"[{"Scope": "/", "RoleDefinitionId": "x", "PrincipalId": "p", "StartDateTme": "2025-01-01"}]"#,
            "did you mean `startDateTime`",
        ),
        (
            r#"[{"Scope": "/", "RoleDefinitionId": "x", "PrincipalId": "p", "StartDateTime": "soon"}]"#,
            "not a date",
        ),
        (
            r#"[{"Scope": "/", "RoleDefinitionId": "x"}]"#,
            "has no `principalId`",
        ),
    ] {
        std::fs::write(&f, body).unwrap();
        let (code, _, err) = crate::common::run(&[
            "who-can",
            "Microsoft.Authorization/roleAssignments/write",
            "--scope",
            "/",
            "--inventory",
            &t,
            "--eligible",
            f.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{body}: {err}");
        assert!(err.contains(want), "{body}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

fn report(extra: &[&str]) -> Value {
    let t = crate::access::tenant();
    let e = crate::common::fixture("pim").join("eligible-assignments.json");
    let e = e.display().to_string();
    let mut a = vec![
        "report",
        "--inventory",
        &t,
        "--eligible",
        &e,
        "--format",
        "json",
    ];
    a.extend_from_slice(extra);
    crate::common::run_json(&a)
}

#[test]
fn report_reviews_privileged_access_with_tiers_and_carriers() {
    let v = report(&["--min-severity", "critical"]);
    let who = names(&v["principals"]);
    assert_eq!(
        who,
        set(&[
            "alice",
            "dave",
            "grp-ops",
            "grp-ws-admins",
            "henry",
            "kate",
            "oscar",
            "paul@contoso.example",
            "zoe@contoso.example"
        ])
    );
    assert_eq!(v["summary"]["principals"], 9);
    assert_eq!(
        find(&v["principals"], "paul@contoso.example")["conditional"],
        true
    );
    assert_eq!(v["summary"]["eligibleOnly"], 1);
    let oscar = find(&v["principals"], "oscar");
    assert_eq!(oscar["tier"], "eligible");
    assert_eq!(oscar["carriers"][0]["role"], "Owner");
    let dave = find(&v["principals"], "dave");
    assert_eq!(dave["tier"], "standing");
    assert!(
        dave["carriers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["group"] == "grp-ops")
    );
    assert_eq!(v["minSeverity"], "critical");
    // Scoped to corp-shared: only alice's Contributor applies there (and nora's Reader at the
    // root carries nothing critical).
    let v = report(&[
        "--min-severity",
        "critical",
        "--scope",
        "/subscriptions/22222222-2222-2222-2222-222222222222",
    ]);
    assert_eq!(names(&v["principals"]), set(&["alice"]));
    // High severity reaches the Data Scientist holders (endpoint keys) and carol, conditionally.
    let v = report(&["--min-severity", "high", "--scope", &ws()]);
    let carol = find(&v["principals"], "carol@contoso.example");
    assert_eq!(carol["conditional"], true);
    let (code, _, err) = crate::common::run(&[
        "report",
        "--inventory",
        &crate::access::tenant(),
        "--min-severity",
        "severe",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a severity"), "{err}");
}

#[test]
fn report_bounds_carriers_unless_details() {
    let v = report(&["--min-severity", "low"]);
    let many = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["carriers"].as_array().unwrap().len()
                + p["moreCarriers"].as_u64().unwrap_or(0) as usize
        })
        .max()
        .unwrap();
    let v = report(&["--min-severity", "low", "--details"]);
    let all = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["carriers"].as_array().unwrap().len())
        .max()
        .unwrap();
    assert_eq!(many, all);
    for f in ["table", "csv", "markdown"] {
        let t = crate::access::tenant();
        let (code, out, err) = crate::common::run(&["report", "--inventory", &t, "--format", f]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("henry"), "{f}: {out}");
    }
}

#[test]
fn delegation_request_attribute_and_unparsable_conditions() {
    // paul: Role Based Access Control Administrator under the portal's "constrain roles and
    // principal types" template: conditional, summarised with role names.
    let v = who_can("Microsoft.Authorization/roleAssignments/write", &ws(), &[]);
    let paul = find(&v["principals"], "paul@contoso.example");
    assert_eq!(paul["conditional"], true);
    assert_eq!(
        paul["grants"][0]["delegation"],
        "may assign only Reader, AzureML Data Scientist to User, Group"
    );
    // For an action the condition does not target (reading role assignments) the grant is plain.
    let v = who_can("Microsoft.Authorization/roleAssignments/read", &ws(), &[]);
    assert_eq!(
        find(&v["principals"], "paul@contoso.example")["conditional"],
        false
    );
    // quinn: a request attribute (the listing prefix) stays unknown: conditional.
    let v = who_can(
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        &ws(),
        &[],
    );
    let quinn = find(&v["principals"], "quinn@contoso.example");
    assert_eq!(quinn["conditional"], true);
    assert!(
        quinn["grants"][0]["residual"]
            .as_str()
            .unwrap()
            .contains("blobs:prefix")
    );
    // rita: a condition that does not parse is conditional with the parse error, never plain.
    let v = who_can(&format!("{MLS}/read"), &ws(), &[]);
    let rita = find(&v["principals"], "rita@contoso.example");
    assert_eq!(rita["conditional"], true);
    assert!(
        rita["grants"][0]["residual"]
            .as_str()
            .unwrap()
            .contains("does not parse")
    );
    assert_eq!(v["complete"], false);
}

#[test]
fn access_lists_the_principal_s_eligibilities_apart() {
    let t = crate::access::tenant();
    let e = crate::common::fixture("pim").join("eligible-assignments.json");
    let e = e.display().to_string();
    let v = crate::common::run_json(&[
        "access",
        "dave",
        "--scope",
        &rg(),
        "--inventory",
        &t,
        "--eligible",
        &e,
        "--action",
        "Microsoft.Authorization/roleAssignments/write",
        "--format",
        "json",
    ]);
    // Not allowed now (Contributor's NotActions), eligible through grp-ops.
    assert!(v["operations"].as_array().unwrap().is_empty(), "{v}");
    let el = v["eligible"].as_array().unwrap();
    assert_eq!(el.len(), 1, "{v}");
    assert_eq!(el[0]["role"], "User Access Administrator");
    assert_eq!(el[0]["via"][0], "cccccccc-0000-0000-0000-000000000005");
    assert_eq!(el[0]["inForce"], true);
}

#[test]
fn set_questions_show_the_pim_eligible_tier_per_set() {
    let v = pim_who_can("Microsoft.Authorization/roleAssignments/*", &ws(), &[]);
    // Owner (henry) holds them all; oscar could activate Owner; dave and grp-ops could activate
    // User Access Administrator. None of them is listed as allowed unless it holds a grant now.
    let eligible = names(&v["eligible"]);
    assert_eq!(
        eligible,
        set(&["dave", "grp-ops", "oscar"]),
        "{}",
        v["eligible"]
    );
    assert!(!names(&v["principals"]).contains("oscar"));
    let oscar = find(&v["eligible"], "oscar");
    assert_eq!(
        ops_of(&v, oscar).len(),
        v["operations"].as_array().unwrap().len()
    );
    assert_eq!(oscar["chains"][0]["pim"]["kind"], "eligible");
}

#[test]
fn an_active_pim_assignment_missing_from_the_role_assignment_export_still_grants() {
    // oscar's Owner was assigned through PIM after the role assignment export was taken: the
    // PIM export is the only record of it. It grants (the union), and the answer says so.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("pim-assignments.json");
    std::fs::write(
        &f,
        format!(
            r#"[{{"Name": "77777777-0000-0000-0000-000000000009", "Scope": "{SUB}",
            "RoleDefinitionId": "{SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "PrincipalId": "aaaaaaaa-0000-0000-0000-00000000000e", "PrincipalType": "User",
            "OriginRoleAssignmentId": "{SUB}/providers/Microsoft.Authorization/roleAssignments/77777777-0000-0000-0000-000000000009",
            "AssignmentType": "Assigned", "Status": "Provisioned",
            "StartDateTime": "2025-01-01T00:00:00Z", "EndDateTime": "2099-01-01T00:00:00Z"}}]"#
        ),
    )
    .unwrap();
    let f = f.display().to_string();
    let v = who_can(
        "Microsoft.Authorization/roleAssignments/write",
        &ws(),
        &["--pim-assignments", &f],
    );
    let oscar = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "aaaaaaaa-0000-0000-0000-00000000000e")
        .unwrap();
    assert_eq!(oscar["grants"][0]["role"], "Owner");
    assert_eq!(oscar["grants"][0]["pim"]["kind"], "Assigned");
    assert_eq!(v["complete"], false);
    let w = v["warnings"].to_string();
    assert!(
        w.contains("counted as role assignments from the PIM export"),
        "{w}"
    );
    // Expired, it grants nothing and nothing is said.
    let v = who_can(
        "Microsoft.Authorization/roleAssignments/write",
        &ws(),
        &["--pim-assignments", &f, "--at", "2100-01-01"],
    );
    assert!(
        !v["principals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "aaaaaaaa-0000-0000-0000-00000000000e")
    );
}
