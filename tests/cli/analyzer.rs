//! The least-privilege analyzer through the binary: risks, check, recommend, needs files.

use crate::common::*;
use serde_json::Value;

const MLS: &str = "Microsoft.MachineLearningServices";

fn fx(name: &str) -> String {
    fixture(&format!("analyzer/{name}")).display().to_string()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn risks_catches_a_wildcard_that_reaches_role_assignments() {
    let v = run_json(&["risks", &fx("role-auth-wildcard.json"), "--format", "json"]);
    assert_eq!(v["schemaVersion"], 1);
    let role = &v["roles"][0];
    assert_eq!(role["role"], "Wildcard delegator");
    assert_eq!(role["maxSeverity"], "critical");
    let pe = role["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "privilege-escalation")
        .expect("privilege-escalation listed");
    assert_eq!(pe["severity"], "critical");
    let actions = strings(&pe["actions"]);
    assert!(
        actions.contains(&"Microsoft.Authorization/roleAssignments/write".to_string()),
        "{actions:?}"
    );
    assert!(actions.contains(&"Microsoft.Authorization/roleDefinitions/write".to_string()));
    assert_eq!(pe["entries"][0]["entry"], "Microsoft.Authorization/*/write");
    assert_eq!(pe["entries"][0]["pointer"], "/Actions/1");
    // Categories come most severe first.
    assert_eq!(role["categories"][0]["key"], "privilege-escalation");
}

#[test]
fn risks_of_builtins_in_table_and_markdown() {
    let (code, out, err) = run(&["risks", "Reader", "AzureML Data Scientist"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7)"),
        "{out}"
    );
    // Reader's `*/read` reaches the Azure ML secret-bearing read operations.
    assert!(
        out.contains(&format!("{MLS}/workspaces/metadata/secrets/read")),
        "{out}"
    );
    assert!(out.contains("secret-exposure"));
    let (code, md, _) = run(&["risks", "AzureML Data Scientist", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(
        md.starts_with("### Risks of `AzureML Data Scientist`"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary>Code execution (high"),
        "{md}"
    );
    let (code, _, err) = run(&["risks", "Reader", "--format", "sarif"]);
    assert_eq!(code, 2);
    assert!(err.contains("--format sarif is not supported"), "{err}");
}

#[test]
fn check_reports_missing_and_excess_with_the_json_contract() {
    let (code, out, err) = run(&[
        "check",
        "Reader",
        "--needs",
        &fx("needs-train.txt"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "missing operations fail the check: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["role"], "Reader");
    assert_eq!(
        strings(&v["missing"]["actions"]),
        vec![format!("{MLS}/workspaces/jobs/write")]
    );
    assert_eq!(strings(&v["missing"]["dataActions"]), Vec::<String>::new());
    let excess = strings(&v["excess"]["actions"]);
    assert!(excess.contains(&"Microsoft.Compute/virtualMachines/read".to_string()));
    assert!(!excess.contains(&format!("{MLS}/workspaces/read")));
    let mut sorted = excess.clone();
    sorted.sort_by_key(|s| s.to_ascii_lowercase().replace('/', "\u{0}"));
    assert_eq!(excess, sorted, "excess is sorted");
    assert_eq!(v["summary"]["verdict"], "missing-and-excess");
    assert_eq!(v["summary"]["missing"], 1);
    // Reader's `*/read` reaches 19 secret-bearing reads (Azure ML notebook keys and secrets,
    // Log Analytics shared keys, Cosmos DB read-only keys, function master keys, ...).
    assert_eq!(v["summary"]["highRiskExcess"], 19);
    assert_eq!(v["summary"]["leastPrivilege"], false);
    let by_cat = v["excessByCategory"].as_array().unwrap();
    assert_eq!(by_cat[0]["key"], "secret-exposure");
    assert!(
        strings(&by_cat[0]["actions"]).contains(&format!("{MLS}/workspaces/listNotebookKeys/read"))
    );
    let types = v["excessByResourceType"].as_array().unwrap();
    assert!(types.iter().any(|t| t["resourceType"]
        == format!("{MLS}/workspaces/metadata/secrets")
        && t["categories"][0] == "secret-exposure"));
}

#[test]
fn check_exit_codes_follow_missing_and_fail_on_excess() {
    // The exact role fits the JSON needs (same three operations).
    let args = [
        "check",
        &fx("role-train-exact.json"),
        "--needs",
        &fx("needs-train.json"),
    ];
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verdict: fits"), "{out}");
    let mut strict = args.to_vec();
    strict.push("--fail-on-excess");
    assert_eq!(run(&strict).0, 0);
    // Data Scientist covers the training needs with excess: 0, or 1 with --fail-on-excess.
    let ds = [
        "check",
        "AzureML Data Scientist",
        "--needs",
        &fx("needs-train.txt"),
    ];
    let (code, out, _) = run(&ds);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("covers every need"), "{out}");
    let mut ds_strict = ds.to_vec();
    ds_strict.push("--fail-on-excess");
    assert_eq!(run(&ds_strict).0, 1);
    // --action works like a needs file.
    let (code, _, _) = run(&[
        "check",
        &fx("role-train-exact.json"),
        "--action",
        &format!("{MLS}/workspaces/jobs/write"),
    ]);
    assert_eq!(code, 0);
    let (code, out, _) = run(&[
        "check",
        &fx("role-train-exact.json"),
        "--action",
        &format!("{MLS}/workspaces/delete"),
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("#### Missing")
            && out.contains(&format!("`{MLS}/workspaces/delete` (control)")),
        "{out}"
    );
}

#[test]
fn needs_input_errors_exit_2_with_position() {
    let (code, _, err) = run(&["check", "Reader", "--needs", &fx("needs-bad.txt")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("needs-bad.txt:3:3: `workspaces jobs write` contains whitespace"),
        "{err}"
    );
    let (code, _, err) = run(&["check", "Reader", "--needs", &fx("needs-empty.txt")]);
    assert_eq!(code, 2);
    assert!(err.contains("the needs list is empty"), "{err}");
    let (code, _, err) = run(&["recommend", "--action", "jobs/write"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not an operation name"), "{err}");
    let (code, _, _) = run(&["check", "Reader"]);
    assert_eq!(code, 2, "needs are required");
    let (code, _, _) = run(&[
        "check",
        "Reader",
        "--needs",
        &fx("needs-train.txt"),
        "--action",
        "a.b/c",
    ]);
    assert_eq!(code, 2, "one source of needs only");
    let (code, _, err) = run(&["check", "Reader", "--scenario", "train"]);
    assert_eq!(code, 2);
    assert!(err.contains("no scenario named `train`"), "{err}");
    let (code, _, err) = run(&[
        "check",
        &fx("roles-two.json"),
        "--action",
        &format!("{MLS}/workspaces/read"),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("holds 2 roles"), "{err}");
    let (code, _, err) = run(&["check", "Reader", "--needs", &fx("no-such-file.txt")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no-such-file.txt: no such file or directory"),
        "{err}"
    );
}

#[test]
fn unknown_needs_are_kept_and_warned_about() {
    let (code, out, err) = run(&[
        "check",
        "AzureML Data Scientist",
        "--needs",
        &fx("needs-unknown.txt"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "the misspelt need is missing");
    assert!(err.contains("needs-unknown.txt:2:1: `Microsoft.MachineLearningServices/workspaces/jobs/wirte` is not in the catalog"), "{err}");
    assert!(
        err.contains(&format!("did you mean `{MLS}/workspaces/jobs/write`?")),
        "{err}"
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        strings(&v["missing"]["unknownPlane"]),
        vec![format!("{MLS}/workspaces/jobs/wirte")]
    );
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1);
    // A wildcard grant reaches unknown names too: Owner's `*` grants it.
    let (code, _, _) = run(&["check", "Owner", "--needs", &fx("needs-unknown.txt")]);
    assert_eq!(code, 0);
}

#[test]
fn a_role_file_as_needs_means_its_effective_permissions() {
    let role = fx("role-train-exact.json");
    let (code, out, _) = run(&[
        "check",
        &role,
        "--needs",
        &role,
        "--format",
        "json",
        "--fail-on-excess",
    ]);
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["verdict"], "fits");
    assert_eq!(v["summary"]["needed"]["actions"], 3);
}

#[test]
fn recommend_ranks_covering_builtins_by_risk_weighted_excess() {
    let v = run_json(&[
        "recommend",
        "--needs",
        &fx("needs-train.txt"),
        "--format",
        "json",
        "--top",
        "4",
    ]);
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["neededCount"], 10);
    let c = v["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 4);
    assert_eq!(c[0]["role"], "AzureML Data Scientist");
    assert_eq!(c[0]["rank"], 1);
    let weights: Vec<u64> = c
        .iter()
        .map(|x| x["excess"]["weight"].as_u64().unwrap())
        .collect();
    assert!(weights.windows(2).all(|w| w[0] <= w[1]), "{weights:?}");
    assert!(v["coveringCount"].as_u64().unwrap() >= 4);
    assert_eq!(
        v["pairs"].as_array().unwrap().len(),
        0,
        "no pair beats AzureML Data Scientist here"
    );
    let custom = &v["customRole"];
    assert_eq!(custom["comparedWith"], "AzureML Data Scientist");
    assert_eq!(custom["excessAvoided"], c[0]["excess"]["count"]);
    assert_eq!(custom["grants"], 10);
}

#[test]
fn recommend_pairs_when_no_single_role_covers() {
    let blob = "data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
    let jobs = format!("{MLS}/workspaces/jobs/write");
    let v = run_json(&[
        "recommend",
        "--action",
        &jobs,
        "--action",
        blob,
        "--format",
        "json",
        "--top",
        "3",
    ]);
    assert_eq!(v["candidates"].as_array().unwrap().len(), 0);
    let pairs = v["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3);
    let weights: Vec<u64> = pairs
        .iter()
        .map(|x| x["excess"]["weight"].as_u64().unwrap())
        .collect();
    assert!(weights.windows(2).all(|w| w[0] <= w[1]), "{weights:?}");
    // Each pair covers both needs: check it on the members' expansions (one process).
    let mut args = vec![
        "expand".to_string(),
        "--format".to_string(),
        "json".to_string(),
    ];
    for p in pairs {
        args.extend(strings(&p["roles"]));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let exp = run_json(&refs);
    let roles = exp["roles"].as_array().unwrap();
    let blob_name = blob.trim_start_matches("data:");
    for pair in roles.chunks(2) {
        let has = |key: &str, op: &str| {
            pair.iter()
                .any(|r| strings(&r[key]).iter().any(|n| n.eq_ignore_ascii_case(op)))
        };
        assert!(
            has("actions", &jobs) && has("dataActions", blob_name),
            "{:?}",
            pair.iter().map(|r| &r["name"]).collect::<Vec<_>>()
        );
    }
    let (code, out, _) = run(&[
        "recommend",
        "--action",
        &jobs,
        "--action",
        blob,
        "--top",
        "1",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("Best pairs of built-in roles"), "{out}");
    assert!(
        out.contains("A custom role granting exactly the 2 needed operation(s)"),
        "{out}"
    );
}

#[test]
fn section_5_of_the_spec_is_covered_by_the_fixture() {
    let spec = root().join("../shared/reference/azure-rbac-spec.md");
    let Ok(text) = std::fs::read_to_string(&spec) else {
        eprintln!("{} not found: spec coverage test not run", spec.display());
        return;
    };
    let fixture = std::fs::read_to_string(fixture("analyzer/dangerous-operations.tsv")).unwrap();
    let listed: Vec<&str> = fixture
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .collect();
    let start = text.find("## 5. Dangerous permissions").expect("section 5");
    let end = start + text[start..].find("\n## ").unwrap_or(text.len() - start);
    let mut checked = 0;
    for row in text[start..end].lines().filter(|l| l.starts_with("| `")) {
        let first_col = row.split(" | ").next().unwrap_or("");
        for (i, piece) in first_col.split('`').enumerate() {
            if i % 2 == 1 {
                assert!(
                    listed.contains(&piece),
                    "section 5 lists `{piece}`, the fixture does not"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 50, "{checked}");
}

#[test]
fn terraform_and_bicep_roles_work_with_every_role_command() {
    for file in ["iac/roles.tf", "iac/roles.bicep"] {
        let path = fx(file);
        let v = run_json(&["risks", &path, "--format", "json"]);
        let roles = v["roles"].as_array().unwrap();
        // The Bicep file's second role is deployed only if `!empty(extraActions)`: false
        // with the parameter's default, so it is not deployed (issue 15).
        let tf = file.ends_with(".tf");
        assert_eq!(roles.len(), if tf { 2 } else { 1 }, "{file}");
        let pe = &roles[0]["categories"][0];
        assert_eq!(pe["key"], "privilege-escalation", "{file}");
        assert!(
            pe["entries"][0]["pointer"]
                .as_str()
                .unwrap()
                .ends_with(if tf { "@19:7" } else { "@21:11" })
        );
        assert_eq!(roles[0]["complete"], true);
        if !tf {
            continue;
        }
        assert_eq!(
            roles[1]["complete"], false,
            "{file}: expressions make the role incomplete"
        );
        assert!(!roles[1]["unresolved"].as_array().unwrap().is_empty());
        let (code, out, err) = run(&["expand", &path]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("incomplete: "), "{out}");
        assert!(err.contains("incomplete"), "{err}");
    }
    // check takes one role: a file holding two is refused.
    let (code, _, err) = run(&[
        "check",
        &fx("iac/roles.tf"),
        "--action",
        &format!("{MLS}/workspaces/read"),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("holds 2 roles"), "{err}");
}

#[test]
fn terraform_plan_json_is_read_as_its_after_states() {
    let v = run_json(&["expand", &fx("iac/plan.json"), "--format", "json"]);
    let roles = v["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 2, "deleted roles have no after state");
    assert_eq!(roles[0]["name"], "ML job runner");
    assert!(
        strings(&roles[0]["actions"]).contains(&format!("{MLS}/workspaces/computes/start/action"))
    );
    assert!(!strings(&roles[0]["actions"]).contains(&format!("{MLS}/workspaces/listKeys/action")));
    assert_eq!(
        roles[1]["complete"], false,
        "a value known only after apply"
    );
    let (code, out, _) = run(&[
        "check",
        &fx("iac/plan.json"),
        "--action",
        &format!("{MLS}/workspaces/read"),
    ]);
    assert_eq!(code, 2, "two roles: {out}");
}

/// A pair of narrow roles is offered when it carries less risk than the best single role that
/// covers the needs (found by an audit: only Contributor and Owner were suggested for a compute
/// write plus an identity assignment).
#[test]
fn recommend_offers_pairs_that_beat_the_best_single_role() {
    let v = run_json(&[
        "recommend",
        "--action",
        &format!("{MLS}/workspaces/computes/write"),
        "--action",
        "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
        "--format",
        "json",
        "--top",
        "3",
    ]);
    let single = v["candidates"][0]["excess"]["weight"].as_u64().unwrap();
    assert_eq!(v["candidates"][0]["role"], "Contributor");
    let pairs = v["pairs"].as_array().unwrap();
    assert!(!pairs.is_empty());
    for p in pairs {
        assert!(p["excess"]["weight"].as_u64().unwrap() < single, "{p}");
    }
    let first: Vec<&str> = pairs[0]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        first.contains(&"AzureML Compute Operator") && first.contains(&"Managed Identity Operator"),
        "{first:?}"
    );
    // The custom-role saving is measured against that pair, the least risky built-in option.
    assert_eq!(
        v["customRole"]["comparedWith"],
        "Managed Identity Operator + AzureML Compute Operator"
    );
}
