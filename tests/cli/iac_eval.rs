//! Infrastructure code as it deploys (issue 15), through the binary: a landing-zone-shaped
//! tree evaluated role by role (golden), directory runs with skipped and unreadable files
//! (text, JSON, SARIF), `--parameters` and `--var-file`.

use crate::common::*;
use serde_json::Value;

fn tree() -> String {
    fixture("iac/landing-zone").display().to_string()
}

/// Each evaluated role of the tree: name, completeness, its entries with their locators.
fn summary(v: &Value) -> String {
    let mut out = String::new();
    for r in v["roles"].as_array().unwrap() {
        out.push_str(&format!(
            "{} complete={} operations={}\n",
            r["name"].as_str().unwrap_or("?"),
            r["complete"],
            r["counts"]["actions"]
        ));
    }
    out
}

/// The tree's roles as deployment would create them: one per ARM `copy` iteration (with the
/// sibling parameter file's prefix), one per Bicep loop item, one per Terraform `for_each`
/// key (with `terraform.tfvars`); all complete, since only names and scopes are deploy-time.
#[test]
fn a_landing_zone_tree_expands_as_it_deploys() {
    let (code, out, err) = run(&["expand", &tree(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        names,
        [
            "Contoso network operator",
            "Contoso compute operator",
            "ML research reader",
            "ML production reader",
            "Platform keyvault",
            "Platform monitoring",
        ]
    );
    assert!(
        v["roles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["complete"] == true),
        "{out}"
    );
    golden("iac/landing-zone-expand.txt", &summary(&v));
    // Files without a role are skipped with a note; the ignored directory is not read.
    for skipped in ["roles.parameters.json", "storage.json", "variables.tf"] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("note: ") && l.contains(skipped) && l.contains("skipped")),
            "{skipped}: {err}"
        );
    }
    assert!(!err.contains("stale.json"), "{err}");
}

/// `--parameters` replaces the sibling parameter file; `--var-file` wins over tfvars.
#[test]
fn parameters_and_var_files_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.json");
    std::fs::write(
        &p,
        r#"{"parameters":{"prefix":{"value":"Fabrikam"},"teams":{"value":["network"]}}}"#,
    )
    .unwrap();
    let arm = fixture("iac/landing-zone/arm/roles.json")
        .display()
        .to_string();
    let v = run_json(&[
        "expand",
        &arm,
        "--parameters",
        &p.display().to_string(),
        "--format",
        "json",
    ]);
    let names: Vec<&str> = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Fabrikam network operator"]);
    let vf = dir.path().join("x.tfvars");
    std::fs::write(&vf, "prefix = \"Ops\"\n").unwrap();
    let tf = fixture("iac/landing-zone/terraform/main.tf")
        .display()
        .to_string();
    let v = run_json(&[
        "expand",
        &tf,
        "--var-file",
        &vf.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(v["roles"][0]["name"], "Ops keyvault");
}

/// A directory holding an unparsable file: lint reports it (stderr, JSON `notes`, SARIF
/// `toolExecutionNotifications`), lints the rest, and exits 2.
#[test]
fn unreadable_files_in_a_tree_are_recorded_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("roles")).unwrap();
    std::fs::write(
        d.join("roles/ok.json"),
        r#"{"Name":"Ok","Actions":["Microsoft.Compute/*/read"],"AssignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000000"]}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("roles/broken.tf"),
        "resource \"azurerm_role_definition\" \"x\" {\n",
    )
    .unwrap();
    std::fs::write(
        d.join("roles/package.json"),
        r#"{"name":"tooling","version":"1.0.0"}"#,
    )
    .unwrap();
    let root = d.display().to_string();
    let (code, out, err) = run(&["lint", &root]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("broken.tf"), "{err}");
    assert!(out.contains("broken.tf: not linted:"), "{out}");
    assert!(
        out.contains("package.json: skipped: holds no role definition"),
        "{out}"
    );
    let (_, json, _) = run(&["lint", &root, "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let kinds: Vec<(&str, &str)> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap(), n["file"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds.len(), 2, "{v}");
    assert!(
        kinds
            .iter()
            .any(|(k, f)| *k == "error" && f.ends_with("broken.tf"))
    );
    assert!(
        kinds
            .iter()
            .any(|(k, f)| *k == "skipped" && f.ends_with("package.json"))
    );
    assert_eq!(v["roles"], 1);
    let (_, sarif, _) = run(&["lint", &root, "--format", "sarif"]);
    let s: Value = serde_json::from_str(&sarif).unwrap();
    let inv = &s["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert!(notes.iter().any(|n| {
        n["level"] == "error"
            && n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("broken.tf")
    }));
}

/// Hostile infrastructure code through the binary: each is one line, exit 2, no panic.
#[test]
fn hostile_evaluations_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut vars = String::from(r#""v0":["a/read"]"#);
    for i in 1..60 {
        vars.push_str(&format!(
            r#","v{i}":"[concat(variables('v{p}'), variables('v{p}'))]""#,
            p = i - 1
        ));
    }
    let cases = [
        ("cycle.json", r#"{"$schema":"x","variables":{"a":"[variables('b')]","b":"[variables('a')]"},"resources":[{"type":"Microsoft.Authorization/roleDefinitions","name":"n","properties":{"roleName":"[variables('a')]"}}]}"#.to_string()),
        ("doubling.json", format!(r#"{{"$schema":"x","variables":{{{vars}}},"resources":[{{"type":"Microsoft.Authorization/roleDefinitions","name":"n","properties":{{"roleName":"r","permissions":[{{"actions":"[variables('v59')]"}}]}}}}]}}"#)),
        ("deep.json", format!(r#"{{"$schema":"x","resources":[{{"type":"Microsoft.Authorization/roleDefinitions","name":"[{}'x'{}]","properties":{{"roleName":"r"}}}}]}}"#, "concat(".repeat(300), ")".repeat(300))),
        ("locals.tf", "locals {\n  a = local.b\n  b = local.a\n}\nresource \"azurerm_role_definition\" \"r\" {\n  name = \"x\"\n  permissions {\n    actions = local.a\n  }\n}\n".to_string()),
        ("count.tf", "resource \"azurerm_role_definition\" \"r\" {\n  count = 1000000000\n  name = \"x\"\n}\n".to_string()),
        ("range.bicep", "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for i in range(0, 100000000): {\n  name: 'n'\n  properties: { roleName: 'R' }\n}]\n".to_string()),
    ];
    for (name, text) in cases {
        let p = d.join(name);
        std::fs::write(&p, text).unwrap();
        let (code, out, err) = run(&["expand", &p.display().to_string()]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(name),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}
