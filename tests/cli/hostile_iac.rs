//! Hostile and messy infrastructure-code and role inputs (docs: /work/shared/defects,
//! "hostile inputs" H1, H2, M5, M6, L1-L3, L5): one test per defect, built from its repro.
//! The performance defects (H1, H2) are covered by tests of exact results (the timing is in
//! benches and docs/performance.md); the equivalence of AZR105's index and its pairwise
//! definition is a property test in `src/analyses/lint/tests.rs`.

use crate::common::*;
use std::path::{Path, PathBuf};

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p: PathBuf = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// The `LINE:COLUMN` of every finding of `code` in lint's table output, in order.
fn positions(out: &str, file: &str, code: &str) -> Vec<(usize, usize)> {
    out.lines()
        .filter_map(|l| l.strip_prefix(file)?.strip_prefix(':'))
        .filter(|l| l.contains(code))
        .map(|l| {
            let mut it = l.split(':');
            let line = it.next().unwrap().parse().unwrap();
            let col = it.next().unwrap().parse().unwrap();
            (line, col)
        })
        .collect()
}

/// Where each occurrence of `needle` starts: 1-based line and column in characters.
fn naive_positions(text: &str, needle: &str) -> Vec<(usize, usize)> {
    text.match_indices(needle)
        .map(|(at, _)| {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
            (line, col)
        })
        .collect()
}

/// H1: the readers locate entries through a line index instead of counting from the start
/// of the file for each one. Many resources, multi-byte characters before the entries on
/// their lines: every finding's line and column is where the entry is.
#[test]
fn h1_many_resource_iac_files_locate_every_entry_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut tf = String::new();
    let mut bicep = String::new();
    for i in 0..300 {
        let pad = "é日".repeat(i % 7);
        tf.push_str(&format!(
            "resource \"azurerm_role_definition\" \"r{i}\" {{\n  name  = \"r{i} {pad}\"\n  scope = \"{SUB}\"\n  permissions {{\n    actions = [\"Microsoft.Compute/virtualMachines/read\", /* {pad} */ \"Bogus.Ns{i}/things/read\"]\n  }}\n}}\n"
        ));
        bicep.push_str(&format!(
            "resource r{i} 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {{\n  name: '{i}'\n  properties: {{\n    roleName: 'r{i} {pad}'\n    permissions: [ {{ actions: [ /* {pad} */ 'Bogus.Ns{i}/things/read' ] }} ]\n    assignableScopes: [ '{SUB}' ]\n  }}\n}}\n"
        ));
    }
    for (name, text, quote) in [
        ("roles.tf", &tf, "\"Bogus.Ns"),
        ("roles.bicep", &bicep, "'Bogus.Ns"),
    ] {
        let f = write(dir.path(), name, text);
        let (code, out, err) = run(&["lint", &f, "--select", "AZR002"]);
        assert_eq!(code, 1, "{err}");
        let got = positions(&out, &f, "AZR002");
        assert_eq!(got.len(), 300, "{name}: {out}");
        assert_eq!(got, naive_positions(text, quote), "{name}");
    }
}

/// H2: AZR105 on a large role (the pairwise rule took seconds) reports every covered entry:
/// literals under a wildcard of the same list, and nothing across lists or blocks.
#[test]
fn h2_covered_entry_on_a_large_role_reports_each_covered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (_, ops, _) = run(&["actions", "Microsoft.Compute/*"]);
    let names: Vec<&str> = ops
        .lines()
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [name, "control", _] if name.starts_with("Microsoft.Compute/") => Some(name),
            _ => None,
        })
        .collect();
    assert!(names.len() > 200, "{}", names.len());
    let vm: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with("Microsoft.Compute/virtualMachines/"))
        .collect();
    let mut actions: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    actions.push("Microsoft.Compute/virtualMachines/*".to_string());
    let role = serde_json::json!({
        "Name": "big", "IsCustom": true, "Actions": actions,
        "NotActions": ["Microsoft.Compute/virtualMachines/delete"],
        "AssignableScopes": [SUB]
    });
    let f = write(dir.path(), "big.json", &role.to_string());
    let v = run_json(&["lint", &f, "--select", "AZR105", "--format", "json"]);
    let covered: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["entry"].as_str().unwrap())
        .collect();
    assert_eq!(
        covered, vm,
        "exactly the virtualMachines literals are covered"
    );
}

fn heredoc_tf(dir: &Path, name: &str, description: &str) -> String {
    write(
        dir,
        name,
        &format!(
            "resource \"azurerm_role_definition\" \"r\" {{\n  name        = \"vm-reader\"\n  scope       = \"{SUB}\"\n  description = {description}\n  permissions {{\n    actions = [\"Microsoft.Compute/virtualMachines/read\"]\n  }}\n}}\n"
        ),
    )
}

/// M5: a heredoc without interpolation is a literal string (`<<-` indentation stripped);
/// one with interpolation is unresolved, and no message carries its line breaks.
#[test]
fn m5_literal_terraform_heredocs_are_strings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let old = heredoc_tf(
        d,
        "old.tf",
        "<<EOT\nReads virtual machines (old wording)\nEOT",
    );
    let new = heredoc_tf(
        d,
        "new.tf",
        "<<EOT\nReads virtual machines (new wording)\nEOT",
    );
    let (code, out, err) = run(&["diff", &old, &new]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("description changed"), "{out}");
    assert!(
        !out.contains("incomplete") && !err.contains("incomplete"),
        "{out}{err}"
    );
    // `<<-` strips the common indentation: the same text as the plain heredoc.
    let indented = heredoc_tf(
        d,
        "indented.tf",
        "<<-EOT\n    Reads virtual machines (new wording)\n    EOT",
    );
    let (code, out, err) = run(&["diff", &new, &indented]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("description changed"), "{out}");
    // Interpolation is unresolved; the warning and the table stay one line each.
    let interp = heredoc_tf(d, "interp.tf", "<<EOT\nReads ${var.what}\nEOT");
    let (code, out, err) = run(&["diff", &old, &interp]);
    assert_eq!(code, 1, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains("incomplete (new)"))
        .unwrap();
    assert!(line.contains("<<EOT Reads ${var.what} EOT"), "{out}");
    for l in err.lines() {
        assert!(l.starts_with("warning: "), "a message spans lines: {err}");
    }
}

/// M6: unknown or miscased Terraform arguments and Bicep properties are input errors with a
/// suggestion, as JSON keys are; meta-arguments and resource-level keys stay accepted.
#[test]
fn m6_unknown_iac_keys_are_errors_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tf = write(
        d,
        "a.tf",
        &format!(
            "resource \"azurerm_role_definition\" \"r\" {{\n  name  = \"x\"\n  scope = \"{SUB}\"\n  permissions {{\n    Actions     = [\"Microsoft.Compute/*\"]\n    not_action  = [\"Microsoft.Compute/virtualMachines/delete\"]\n  }}\n}}\n"
        ),
    );
    let (code, _, err) = run(&["expand", &tf]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(":5:5: unknown argument `Actions`") && err.contains("did you mean `actions`"),
        "{err}"
    );
    let typo = write(
        d,
        "typo.tf",
        &format!(
            "resource \"azurerm_role_definition\" \"r\" {{\n  name  = \"x\"\n  scope = \"{SUB}\"\n  descripton = \"d\"\n}}\n"
        ),
    );
    let (code, _, err) = run(&["lint", &typo]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean `description`"), "{err}");
    // Meta-arguments and their blocks are accepted.
    let meta = write(
        d,
        "meta.tf",
        &format!(
            "resource \"azurerm_role_definition\" \"r\" {{\n  provider = azurerm.other\n  name  = \"x\"\n  scope = \"{SUB}\"\n  role_definition_id = \"00000000-0000-0000-0000-000000000001\"\n  description = \"d\"\n  assignable_scopes = [\"{SUB}\"]\n  depends_on = [azurerm_resource_group.rg]\n  permissions {{\n    actions = [\"Microsoft.Compute/*\"]\n    not_actions = []\n    data_actions = []\n    not_data_actions = []\n  }}\n  lifecycle {{\n    prevent_destroy = true\n  }}\n  timeouts {{\n    create = \"5m\"\n  }}\n}}\n"
        ),
    );
    let (code, out, err) = run(&["expand", &meta]);
    assert_eq!(code, 0, "{out}{err}");
    let bicep = write(
        d,
        "b.bicep",
        &format!(
            "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {{\n  name: '00000000-0000-0000-0000-000000000001'\n  properties: {{\n    roleName: 'x'\n    permissions: [ {{ actions: [ 'Microsoft.Compute/*' ], notAction: [ 'Microsoft.Compute/virtualMachines/delete' ] }} ]\n    assignableScopes: [ '{SUB}' ]\n  }}\n}}\n"
        ),
    );
    let (code, _, err) = run(&["lint", &bicep]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("unknown property `notAction`") && err.contains("did you mean `notActions`"),
        "{err}"
    );
    // Property names compare ignoring case (as ARM does); resource-level keys are accepted.
    let ok = write(
        d,
        "ok.bicep",
        &format!(
            "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {{\n  name: '00000000-0000-0000-0000-000000000001'\n  scope: subscription()\n  dependsOn: [ other ]\n  properties: {{\n    RoleName: 'x'\n    description: 'd'\n    type: 'CustomRole'\n    permissions: [ {{ Actions: [ 'Microsoft.Compute/*' ], notActions: [ 'Microsoft.Compute/virtualMachines/delete' ] }} ]\n    assignableScopes: [ '{SUB}' ]\n  }}\n}}\n"
        ),
    );
    let v = run_json(&["expand", &ok, "--format", "json"]);
    assert_eq!(v["roles"][0]["name"], "x", "{v}");
}

/// L5: an ARM `copy` loop over a count known only at deployment makes the role incomplete; a
/// known count deploys one role per iteration and a false `condition` none (issue 15); a Bicep
/// spread is valid syntax, read as an unresolved value.
#[test]
fn l5_arm_loops_conditions_and_bicep_spreads_are_evaluated_or_unresolved() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = write(
        d,
        "t.json",
        &format!(
            r#"{{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0","parameters":{{"n":{{"type":"int"}}}},"resources":[{{"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"[guid(string(copyIndex()))]","copy":{{"name":"c","count":"[parameters('n')]"}},"condition":"[equals(subscription().id, 'x')]","properties":{{"roleName":"x","permissions":[{{"actions":["Microsoft.Compute/*"]}}],"assignableScopes":["{SUB}"]}}}}]}}"#
        ),
    );
    // The count is a parameter without a value: one definition stands for every instance
    // (incomplete); the name and the condition are deploy-time values that touch no
    // permission: named, not incomplete on their own.
    let v = run_json(&["expand", &t, "--format", "json"]);
    let r = &v["roles"][0];
    assert_eq!(r["complete"], false, "{r}");
    let unresolved = r["unresolved"].to_string();
    assert!(unresolved.contains("/resources/0/copy"), "{unresolved}");
    // A known count deploys one role per iteration; a false condition deploys none.
    let t = write(
        d,
        "t2.json",
        &format!(
            r#"{{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0","resources":[{{"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"[guid(string(copyIndex()))]","copy":{{"name":"c","count":3}},"properties":{{"roleName":"[format('x{{0}}', copyIndex())]","permissions":[{{"actions":["Microsoft.Compute/*"]}}],"assignableScopes":["{SUB}"]}}}},{{"condition":false,"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"n","properties":{{"roleName":"never","permissions":[{{"actions":["*"]}}],"assignableScopes":["{SUB}"]}}}}]}}"#
        ),
    );
    let v = run_json(&["expand", &t, "--format", "json"]);
    let names: Vec<String> = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(names, ["x0", "x1", "x2"], "{v}");
    assert!(
        v["roles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["complete"] == true),
        "{v}"
    );
    let s = write(
        d,
        "s.bicep",
        &format!(
            "param p object\nparam a array\nresource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {{\n  name: '00000000-0000-0000-0000-000000000001'\n  properties: {{\n    roleName: 'x'\n    ...p\n    permissions: [ {{ actions: [ 'Microsoft.Compute/*', ...a ] }} ]\n    assignableScopes: [ '{SUB}' ]\n  }}\n}}\n"
        ),
    );
    let v = run_json(&["expand", &s, "--format", "json"]);
    let r = &v["roles"][0];
    assert_eq!(r["complete"], false, "{r}");
    let unresolved = r["unresolved"].to_string();
    assert!(
        unresolved.contains("...p") && unresolved.contains("...a"),
        "{unresolved}"
    );
}

/// L1: an input over the size limit is refused, naming the file and the limit; the limit is
/// set by AZRBAC_MAX_INPUT_BYTES, and a device with no size (`/dev/zero`) stops there too.
#[test]
fn l1_inputs_over_the_size_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let role = format!(
        r#"{{"Name":"x","Actions":["Microsoft.Compute/{}/read"],"AssignableScopes":["{SUB}"]}}"#,
        "a".repeat(2000)
    );
    let f = write(dir.path(), "v.json", &role);
    let out = azrbac()
        .env("AZRBAC_MAX_INPUT_BYTES", "1000")
        .args(["expand", &f])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("v.json")
            && err.contains("1000 bytes")
            && err.contains("AZRBAC_MAX_INPUT_BYTES"),
        "{err}"
    );
    if Path::new("/dev/zero").exists() {
        let out = azrbac()
            .env("AZRBAC_MAX_INPUT_BYTES", "1000000")
            .args(["expand", "/dev/zero"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("/dev/zero") && err.contains("limit"), "{err}");
    }
    let out = azrbac()
        .env("AZRBAC_MAX_INPUT_BYTES", "lots")
        .args(["expand", &f])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// L2: a huge unknown key is reported at once, on one cut line, without a suggestion.
#[test]
fn l2_huge_unknown_keys_get_a_short_message() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "k.json",
        &format!(r#"{{"Name":"x","{}":1}}"#, "k".repeat(1_000_000)),
    );
    let (code, _, err) = run(&["expand", &f]);
    assert_eq!(code, 2, "{}", &err[..err.len().min(300)]);
    assert_eq!(err.lines().count(), 1);
    assert!(
        err.len() < 600 && err.contains("unknown field"),
        "{}",
        err.len()
    );
}

/// L3 (a): AZR002 shows an invisible character escaped, as AZR104 does.
#[test]
fn l3a_unknown_namespace_message_escapes_invisible_characters() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "zw.json",
        &format!(
            r#"{{"Name":"x","Actions":["\u200bMicrosoft.Compute/virtualMachines/read"],"AssignableScopes":["{SUB}"]}}"#
        ),
    );
    let (code, out, _) = run(&["lint", &f, "--select", "AZR002"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("`\\u{200b}Microsoft.Compute`"), "{out}");
    assert!(!out.contains('\u{200b}'), "{out}");
}

/// L3 (b): `catalog import` names the files that hold no operations.
#[test]
fn l3b_catalog_import_names_the_empty_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ops.json", "[]");
    let out = dir.path().join("cat.json").display().to_string();
    let (code, _, err) = run(&["catalog", "import", &f, "-o", &out]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("ops.json") && err.contains("no provider operations"),
        "{err}"
    );
}

/// L3 (c): errors quoting a needs line escape NUL and ESC instead of echoing them.
#[test]
fn l3c_needs_errors_escape_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "needs.txt",
        "\u{1b}[31mMicrosoft.Compute/x\0y\n",
    );
    let (code, _, err) = run(&["check", "Reader", "--needs", &f]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("\\u{1b}[31mMicrosoft.Compute/x\\0y"),
        "{err:?}"
    );
    assert!(!err.contains('\u{1b}') && !err.contains('\0'), "{err:?}");
}

/// L3 (d): `"Permissions": null` next to top-level `Actions` is reported as a null
/// `Permissions`, not as both forms at once.
#[test]
fn l3d_null_permissions_next_to_actions_has_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "pn.json",
        &format!(
            r#"{{"Name":"x","Actions":["Microsoft.Compute/virtualMachines/read"],"Permissions":null,"AssignableScopes":["{SUB}"]}}"#
        ),
    );
    let (code, _, err) = run(&["expand", &f]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`Permissions` is null"), "{err}");
    assert!(!err.contains("has both"), "{err}");
}
