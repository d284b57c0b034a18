//! `generate` and `scenarios` through the binary: output equals the `roles/` files, every
//! readable form expands to the same operations, warnings, errors and exit codes.

use crate::common::*;

const SCOPE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn expanded(path: &str) -> (Vec<String>, Vec<String>) {
    let v = run_json(&["expand", path, "--format", "json"]);
    let r = &v["roles"][0];
    let list = |k: &str| -> Vec<String> {
        r[k].as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    (list("actions"), list("dataActions"))
}

#[test]
fn scenario_role_on_stdout_is_the_roles_file() {
    let (code, out, err) = run(&[
        "generate",
        "--scenario",
        "online-endpoint-monitoring",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 0, "{err}");
    let file =
        std::fs::read_to_string(root().join("roles/online-endpoint-monitoring.json")).unwrap();
    assert_eq!(out, file);
    // Only the scenario's assumptions, one line each.
    assert!(!err.is_empty());
    assert!(
        err.lines().all(|l| l.starts_with("note: assumes: ")),
        "{err}"
    );
}

#[test]
fn arm_and_terraform_forms_expand_like_the_az_form() {
    let dir = tempfile::tempdir().unwrap();
    let want = expanded(
        root()
            .join("roles/workspace-auditor.json")
            .to_str()
            .unwrap(),
    );
    for (form, file) in [
        ("arm", "r.template.json"),
        ("bicep", "r.bicep"),
        ("terraform", "r.tf"),
    ] {
        for compact in [false, true] {
            let path = dir.path().join(format!("{compact}-{file}"));
            let p = path.to_str().unwrap();
            let mut args = vec![
                "generate",
                "--scenario",
                "workspace-auditor",
                "--scope",
                SCOPE,
                "--format",
                form,
                "--output",
                p,
            ];
            if compact {
                args.push("--compact");
            }
            let (code, out, err) = run(&args);
            assert_eq!(code, 0, "{err}");
            assert!(out.is_empty());
            assert!(err.contains("written to"), "{err}");
            if compact {
                assert!(err.contains("entries are wildcards"), "{err}");
                assert!(err.contains("operation Azure adds"), "{err}");
            }
            assert_eq!(expanded(p), want, "{form} compact={compact}");
        }
    }
}

/// An operation the catalog does not know is an input error (Azure would reject the role)
/// with a suggestion; `--allow-unknown` keeps it, warning once.
#[test]
fn unknown_operations_are_refused_unless_allowed() {
    let args = [
        "generate",
        "--action",
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read",
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/scor/action",
        "--name",
        "Probe",
        "--scope",
        SCOPE,
    ];
    let (code, out, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("did you mean `Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action`")
            && err.contains("--allow-unknown"),
        "{err}"
    );
    let mut allowed = args.to_vec();
    allowed.push("--allow-unknown");
    let (code, out, err) = run(&allowed);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "\"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/scor/action\""
        ),
        "{out}"
    );
    assert_eq!(err.matches("scor/action").count(), 1, "one warning: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // `--strict` is still accepted (it is the default now).
    let mut strict = args.to_vec();
    strict.push("--strict");
    assert_eq!(run(&strict).0, 2);
}

/// `--level read --resource A --level write --resource B` grants reads on A and writes on B,
/// never writes on A (found in issue 10: the levels were merged across resources).
#[test]
fn each_level_applies_only_to_its_own_resource() {
    let ep = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
    let models = "Microsoft.MachineLearningServices/workspaces/models";
    let role = |args: &[&str]| -> Vec<String> {
        let mut argv = vec!["generate"];
        argv.extend_from_slice(args);
        argv.extend(["--name", "L", "--scope", SCOPE]);
        let (code, out, err) = run(&argv);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["Actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let paired = role(&[
        "--level",
        "read",
        "--resource",
        ep,
        "--level",
        "write",
        "--resource",
        models,
    ]);
    let inline = role(&[
        "--level",
        &format!("read:{ep}"),
        "--level",
        &format!("write:{models}"),
    ]);
    assert_eq!(paired, inline);
    let lower: Vec<String> = paired.iter().map(|a| a.to_ascii_lowercase()).collect();
    assert!(
        lower
            .iter()
            .all(|a| !(a.starts_with(&ep.to_ascii_lowercase()) && a.ends_with("/write"))),
        "{paired:?}"
    );
    assert!(
        lower
            .iter()
            .all(|a| !(a.starts_with(&models.to_ascii_lowercase()) && a.ends_with("/read"))),
        "{paired:?}"
    );
    assert!(paired.iter().any(|a| a == &format!("{ep}/read")));
    assert!(paired.iter().any(|a| a == &format!("{models}/write")));
    // The parent workspace read is added, and said.
    assert!(
        paired
            .iter()
            .any(|a| a == "Microsoft.MachineLearningServices/workspaces/read")
    );
    let (_, _, err) = run(&[
        "generate",
        "--level",
        "read",
        "--resource",
        ep,
        "--name",
        "L",
        "--scope",
        SCOPE,
    ]);
    assert!(
        err.contains("parent read") && err.contains("workspaces/read"),
        "{err}"
    );
    // Ambiguous combinations are usage errors.
    for bad in [
        vec!["--resource", ep, "--level", "read"],
        vec!["--level", "read", "--level", "write", "--resource", ep],
        vec![
            "--level",
            &format!("read:{ep}") as &str,
            "--resource",
            models,
        ],
        vec!["--level", "read"],
    ] {
        let mut argv = vec!["generate"];
        argv.extend(bad.iter().copied());
        argv.extend(["--name", "L", "--scope", SCOPE]);
        let (code, out, err) = run(&argv);
        assert_eq!(code, 2, "{bad:?}: {err}");
        assert!(out.is_empty());
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn level_read_gives_every_read_below_the_resource() {
    let v = run_json(&[
        "actions",
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*",
        "--format",
        "json",
    ]);
    let mut want: Vec<String> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .filter(|n| n.to_ascii_lowercase().ends_with("/read"))
        .collect();
    // The parent workspace read comes with every workspace child.
    want.push("Microsoft.MachineLearningServices/workspaces/read".to_string());
    want.sort_by_key(|n| n.to_ascii_lowercase());
    let (code, out, err) = run(&[
        "generate",
        "--level",
        "read",
        "--resource",
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
        "--name",
        "Endpoint reader",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 0, "{err}");
    let role: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut got: Vec<String> = role["Actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    got.sort_by_key(|n| n.to_ascii_lowercase());
    assert_eq!(got, want);
    assert!(want.len() >= 9);
}

#[test]
fn input_errors_exit_2() {
    let (code, _, err) = run(&["generate", "--scenario", "online-endpoint-monitoring"]);
    assert_eq!(code, 2);
    assert!(err.contains("--scope is required"), "{err}");
    let (code, _, err) = run(&[
        "generate",
        "--scenario",
        "online-endpoint-monitor",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean `online-endpoint-monitoring`"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "generate",
        "--scenario",
        "registry-reader",
        "--scope",
        "/subscriptions/*",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("wildcards"), "{err}");
    let existing = root().join("roles/registry-reader.json");
    let (code, _, err) = run(&[
        "generate",
        "--scenario",
        "registry-reader",
        "--scope",
        SCOPE,
        "-o",
        existing.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    let (code, _, err) = run(&["generate", "--name", "x", "--scope", SCOPE]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn scenarios_list_and_show() {
    let v = run_json(&["scenarios", "--format", "json"]);
    assert_eq!(v["schemaVersion"], 1);
    let names: Vec<&str> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.len() >= 14);
    assert!(names.contains(&"online-endpoint-monitoring"));
    let v = run_json(&["scenarios", "batch-endpoint-invocation", "--format", "json"]);
    let ops = v["scenario"]["operations"].as_array().unwrap();
    let secret = ops
        .iter()
        .find(|o| {
            o["name"]
                == "Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action"
        })
        .unwrap();
    assert!(
        secret["risks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "secret-exposure"),
        "{secret}"
    );
    assert!(!v["scenario"]["sources"].as_array().unwrap().is_empty());
    assert!(!v["scenario"]["leavesOut"].as_array().unwrap().is_empty());
    let (code, out, _) = run(&["scenarios", "online-endpoint-scoring"]);
    assert_eq!(code, 0);
    assert!(out.contains("Leaves out, deliberately"), "{out}");
}

#[test]
fn check_accepts_a_scenario_as_the_needs() {
    let role = root().join("roles/mlflow-tracking.json");
    let v = run_json(&[
        "check",
        role.to_str().unwrap(),
        "--scenario",
        "mlflow-tracking",
        "--format",
        "json",
    ]);
    assert_eq!(v["missing"]["actions"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["excess"]["actions"].as_array().unwrap().len(), 0, "{v}");
}

/// A role compacted under `--wildcards literal` may grant more in Azure, where `/*/` also
/// matches a single `/`: generate says which operations (found by an audit).
#[test]
fn compact_under_literal_wildcards_warns_about_what_azure_adds() {
    let dir = tempfile::tempdir().unwrap();
    let needs = dir.path().join("needs.txt");
    let ep = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
    let lines: Vec<String> = [
        "deployments/read",
        "deployments/skus/read",
        "checkNameAvailability/read",
        "deployments/checkNameAvailability/read",
        "operationresults/read",
        "operationsstatus/read",
        "deployments/operationresults/read",
        "deployments/operationsstatus/read",
    ]
    .iter()
    .map(|s| format!("{ep}/{s}"))
    .collect();
    std::fs::write(&needs, lines.join("\n")).unwrap();
    let n = needs.display().to_string();
    let base = [
        "generate",
        "--needs",
        &n,
        "--compact",
        "--name",
        "x",
        "--scope",
        "/subscriptions/00000000-0000-0000-0000-000000000000",
    ];
    let mut literal = base.to_vec();
    literal.extend(["--wildcards", "literal"]);
    let (code, out, err) = run(&literal);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("/*/read"), "{out}");
    assert!(err.contains("compacted under --wildcards literal"), "{err}");
    assert!(err.contains(&format!("{ep}/read")), "{err}");
    let (_, _, err) = run(&base);
    assert!(
        !err.contains("compacted under --wildcards literal"),
        "{err}"
    );
}

/// A role file used as needs obeys the needs rules: an entry that is not an operation name is
/// an input error naming the file, never copied into the generated role (found by an audit).
#[test]
fn a_role_file_as_needs_rejects_entries_that_are_not_operations() {
    let dir = tempfile::tempdir().unwrap();
    let needs = dir.path().join("role.json");
    std::fs::write(
        &needs,
        r#"{"Name":"R","Actions":["Microsoft.Compute/virtualMachines/read","not an op"],"AssignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000000"]}"#,
    )
    .unwrap();
    let n = needs.display().to_string();
    let (code, out, err) = run(&[
        "generate",
        "--needs",
        &n,
        "--name",
        "X",
        "--scope",
        "/subscriptions/00000000-0000-0000-0000-000000000000",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("role.json") && err.contains("`not an op` contains whitespace"),
        "{err}"
    );
}

/// `--output` never replaces what is there without `--force`, a dangling symlink included;
/// `-o -` writes to standard output (found by an audit).
#[test]
fn output_is_never_clobbered_and_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("role.json");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("missing-target"), &link).unwrap();
        let l = link.display().to_string();
        let base = [
            "generate",
            "--scenario",
            "online-endpoint-monitoring",
            "--scope",
            "/subscriptions/00000000-0000-0000-0000-000000000000",
        ];
        let mut args = base.to_vec();
        args.extend(["--output", &l]);
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("already exists; pass --force"), "{err}");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    let (code, out, err) = run(&[
        "generate",
        "--scenario",
        "online-endpoint-monitoring",
        "--scope",
        "/subscriptions/00000000-0000-0000-0000-000000000000",
        "-o",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"Name\""), "{out}");
    assert!(!std::path::Path::new("-").exists());
}

/// docs/scenarios.md lists every scenario's commands, variants and assumptions as the
/// scenario data says (regenerate the section from `azrbac scenarios NAME --format json`).
#[test]
fn docs_list_every_scenarios_commands_variants_and_assumptions() {
    let doc = std::fs::read_to_string(root().join("docs/scenarios.md")).unwrap();
    let list = run_json(&["scenarios", "--format", "json"]);
    for item in list["scenarios"].as_array().unwrap() {
        let name = item["name"].as_str().unwrap();
        assert!(doc.contains(&format!("`{name}`")), "{name}");
        let v = run_json(&["scenarios", name, "--format", "json"]);
        let s = &v["scenario"];
        if s["commands"].as_array().unwrap().is_empty() {
            continue;
        }
        let section = doc
            .split(&format!("### `{name}`"))
            .nth(1)
            .unwrap_or_else(|| panic!("docs/scenarios.md has no section for {name}"));
        let section = section.split("\n### ").next().unwrap();
        for c in s["commands"].as_array().unwrap() {
            let c = c.as_str().unwrap().replace('`', "'");
            assert!(section.contains(&c), "{name}: command {c}");
        }
        for x in s["variants"].as_array().unwrap() {
            let n = x["name"].as_str().unwrap();
            assert!(section.contains(&format!("`{n}`")), "{name}: variant {n}");
        }
        for a in s["assumptions"].as_array().unwrap() {
            assert!(
                section.contains(a.as_str().unwrap()),
                "{name}: assumption {a}"
            );
        }
    }
}

/// `generate --with VARIANT` adds the variant's calls and names the role after it; the
/// assumptions go to stderr (one line each), the description, and Bicep/Terraform comments;
/// a kept wildcard and a subscription-level operation are said; an unknown variant is a
/// usage error with a suggestion.
#[test]
fn variants_assumptions_and_other_scopes_reach_the_user() {
    let (code, out, err) = run(&[
        "generate",
        "--scenario",
        "cicd-model-deployer",
        "--with",
        "local-files",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 0, "{err}");
    let role: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(role["Name"], "Azure ML Model Deployer (local-files)");
    assert!(role["Description"].as_str().unwrap().contains("Assumes"));
    let actions: Vec<&str> = role["Actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(actions.contains(&"Microsoft.MachineLearningServices/workspaces/codes/versions/*"));
    assert!(
        !actions.iter().any(|a| a.contains("codes/versions/read")),
        "{actions:?}"
    );
    assert!(
        !actions.iter().any(|a| a.contains("/locations/")),
        "{actions:?}"
    );
    assert!(
        !actions.iter().any(|a| a.contains("listsecrets")),
        "{actions:?}"
    );
    assert_eq!(
        role["DataActions"].as_array().unwrap().len(),
        2,
        "{}",
        role["DataActions"]
    );
    let assumes = err
        .lines()
        .filter(|l| l.starts_with("note: assumes: "))
        .count();
    assert!(assumes >= 4, "{err}");
    assert!(
        err.contains("is kept as a wildcard") && err.contains("codes/versions/delete"),
        "{err}"
    );
    assert!(
        err.contains(
            "not in this role: Microsoft.MachineLearningServices/locations/mfeOperationsStatus/read"
        ),
        "{err}"
    );
    assert!(
        err.contains("also assign this role at the Azure ML registry"),
        "{err}"
    );
    assert!(
        err.contains("also assign this role at the storage container"),
        "{err}"
    );
    for (form, comment) in [("bicep", "// assumes: "), ("terraform", "# assumes: ")] {
        let (code, out, err) = run(&[
            "generate",
            "--scenario",
            "training-automation",
            "--scope",
            SCOPE,
            "--format",
            form,
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(out.lines().any(|l| l.starts_with(comment)), "{form}: {out}");
    }
    let (code, _, err) = run(&[
        "generate",
        "--scenario",
        "cicd-model-deployer",
        "--with",
        "local-file",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `local-files`"), "{err}");
    // scenarios NAME lists the variants; --with marks the chosen one.
    let v = run_json(&[
        "scenarios",
        "online-endpoint-deployment",
        "--with",
        "registry-model",
        "--format",
        "json",
    ]);
    let vars = v["scenario"]["variants"].as_array().unwrap();
    assert!(vars.len() >= 6);
    assert!(
        vars.iter()
            .any(|x| x["name"] == "registry-model" && x["chosen"] == true)
    );
}

/// `--exclude` removes operations from any need source, says so, warns when it removes
/// nothing, and refuses to exclude what a kept wildcard would still grant.
#[test]
fn exclude_removes_from_any_source() {
    let (code, out, err) = run(&[
        "generate",
        "--scenario",
        "online-endpoint-monitoring",
        "--exclude",
        "Microsoft.Insights/Metric*",
        "--exclude",
        "control:Microsoft.Compute/*",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("Microsoft.Insights/Metric"), "{out}");
    assert!(
        err.contains("excluded: Microsoft.Insights/Metric* (3)"),
        "{err}"
    );
    assert!(
        err.contains("--exclude control:Microsoft.Compute/*: matches none"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "generate",
        "--scenario",
        "training-automation",
        "--with",
        "local-code",
        "--exclude",
        "Microsoft.MachineLearningServices/workspaces/codes/versions/delete",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("kept wildcard") || err.contains("the role keeps"),
        "{err}"
    );
}

/// `check` and `recommend` take repeated `--scenario` and `--with` like `generate`: the role
/// generated for a scenario and variant fits exactly those needs.
#[test]
fn check_and_recommend_take_scenarios_and_variants() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("role.json");
    let p = path.to_str().unwrap();
    let (code, _, err) = run(&[
        "generate",
        "--scenario",
        "cicd-model-deployer",
        "--with",
        "local-files",
        "--scope",
        SCOPE,
        "-o",
        p,
    ]);
    assert_eq!(code, 0, "{err}");
    let v = run_json(&[
        "check",
        p,
        "--scenario",
        "cicd-model-deployer",
        "--with",
        "local-files",
        "--fail-on-excess",
        "--format",
        "json",
    ]);
    assert_eq!(v["summary"]["verdict"], "fits", "{v}");
    // Without the variant the upload operations are excess.
    let (code, _, _) = run(&[
        "check",
        p,
        "--scenario",
        "cicd-model-deployer",
        "--fail-on-excess",
    ]);
    assert_eq!(code, 1);
    // Two scenarios combine.
    let v = run_json(&[
        "check",
        p,
        "--scenario",
        "cicd-model-deployer",
        "--scenario",
        "online-endpoint-scoring",
        "--format",
        "json",
    ]);
    let missing = v["missing"]["actions"].as_array().unwrap();
    assert!(
        missing
            .iter()
            .any(|m| m
                == "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action"),
        "{v}"
    );
    let (code, out, err) = run(&[
        "recommend",
        "--scenario",
        "online-endpoint-monitoring",
        "--with",
        "logs",
        "--top",
        "1",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--with logs"), "{out}");
    let (code, _, err) = run(&[
        "recommend",
        "--scenario",
        "online-endpoint-monitoring",
        "--with",
        "log",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `logs`"), "{err}");
}
