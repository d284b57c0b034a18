//! The permission model's answers through the binary: `explain` and `--wildcards literal`,
//! golden outputs for real roles, the snapshot re-import, and unresolved values in `expand`.

use super::model::{MLS, expand_json, fx, strings};
use crate::common::*;
use serde_json::Value;

// ---------------------------------------------------------------- explain and --wildcards

#[test]
fn explain_gives_verdict_plane_and_entry() {
    let v = run_json(&[
        "explain",
        "AzureML Data Scientist",
        &format!("{MLS}/computes/write"),
        "--format",
        "json",
    ]);
    assert_eq!(v["granted"], false);
    let p = &v["planes"][0];
    assert_eq!(
        (p["plane"].as_str(), p["verdict"].as_str()),
        (Some("control"), Some("removed"))
    );
    assert_eq!(
        p["blocks"][0]["removals"][0]["entry"],
        format!("{MLS}/computes/*/write")
    );
    assert_eq!(p["blocks"][0]["removals"][0]["needsCollapse"], true);
    let v = run_json(&[
        "explain",
        "AzureML Data Scientist",
        &format!("{MLS}/computes/write"),
        "--format",
        "json",
        "--wildcards",
        "literal",
    ]);
    assert_eq!(v["granted"], true);
    assert_eq!(v["planes"][0]["verdict"], "granted");
    // Conditional grants are reported, not dropped.
    let v = run_json(&[
        "explain",
        "Azure Sphere Owner",
        "microsoft.authorization/ROLEASSIGNMENTS/write",
        "--format",
        "json",
    ]);
    assert_eq!(v["granted"], true);
    assert_eq!(v["planes"][0]["verdict"], "conditional");
    assert_eq!(
        v["planes"][0]["operation"],
        "Microsoft.Authorization/roleAssignments/write"
    );
    // An unknown literal is granted exactly as written, on its plane only.
    let v = run_json(&[
        "explain",
        &fx("cli-input-nested.json"),
        "Microsoft.Contoso/widgets/frob/action",
        "--format",
        "json",
    ]);
    assert_eq!(v["granted"], true);
    assert_eq!(v["planes"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            v["planes"][0]["plane"].as_str(),
            v["planes"][0]["inCatalog"].as_bool()
        ),
        (Some("control"), Some(false))
    );
    // Planes never mix: `*` in Actions does not grant a data operation.
    let v = run_json(&[
        "explain",
        "Owner",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        "--format",
        "json",
    ]);
    assert_eq!(v["granted"], false);
    assert_eq!(v["planes"].as_array().unwrap().len(), 1);
    assert_eq!(v["planes"][0]["plane"], "data");
}

#[test]
fn wildcards_literal_changes_expand_and_explain() {
    let vr = "Microsoft.KeyVault/vaults/read".to_string();
    let az = expand_json(&["Key Vault Reader"]);
    let lit = expand_json(&["Key Vault Reader", "--wildcards", "literal"]);
    assert!(strings(&az[0]["actions"]).contains(&vr));
    assert!(!strings(&lit[0]["actions"]).contains(&vr));
    assert_eq!(az[0]["counts"]["actions"], 67);
    assert_eq!(lit[0]["counts"]["actions"], 66);
    let v = run_json(&[
        "expand",
        "Key Vault Reader",
        "--wildcards",
        "literal",
        "--format",
        "json",
    ]);
    assert_eq!(v["wildcards"], "literal");
    let ds = expand_json(&["AzureML Data Scientist", "--wildcards", "literal"]);
    assert!(strings(&ds[0]["actions"]).contains(&format!("{MLS}/computes/write")));
    let (_, out, _) = run(&["explain", "Key Vault Reader", &vr, "--wildcards", "literal"]);
    assert!(out.contains("NOT GRANTED"), "{out}");
    let (_, out, _) = run(&["explain", "Key Vault Reader", &vr]);
    assert!(
        out.contains("GRANTED")
            && out.contains("matches only because `/*/` also matches a single `/`"),
        "{out}"
    );
}

// ---------------------------------------------------------------- golden outputs

const GOLDEN_ROLES: &[(&str, &str)] = &[
    ("AzureML Data Scientist", "azureml-data-scientist"),
    ("AzureML Compute Operator", "azureml-compute-operator"),
    ("Key Vault Reader", "key-vault-reader"),
    // Three permission blocks, two of them conditional.
    ("Azure Sphere Owner", "azure-sphere-owner"),
    // One block carrying a condition: every grant conditional.
    (
        "Key Vault Data Access Administrator",
        "key-vault-data-access-administrator",
    ),
];

#[test]
fn golden_expand_json() {
    for (role, slug) in GOLDEN_ROLES {
        let (code, out, err) = run(&["expand", role, "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        golden(&format!("expand/{slug}.json"), &out);
    }
    let (_, out, _) = run(&[
        "expand",
        "Key Vault Reader",
        "--format",
        "json",
        "--wildcards",
        "literal",
    ]);
    golden("expand/key-vault-reader.literal.json", &out);
    let (_, out, _) = run(&["expand", "AzureML Compute Operator"]);
    golden("expand/azureml-compute-operator.txt", &out);
}

#[test]
fn golden_explain_text() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "AzureML Data Scientist",
            "Microsoft.MachineLearningServices/workspaces/computes/write",
            "azureml-data-scientist.computes-write",
            &[],
        ),
        (
            "AzureML Data Scientist",
            "Microsoft.MachineLearningServices/workspaces/computes/write",
            "azureml-data-scientist.computes-write.literal",
            &["--wildcards", "literal"],
        ),
        (
            "AzureML Data Scientist",
            "Microsoft.MachineLearningServices/workspaces/connections/listsecrets/action",
            "azureml-data-scientist.connections-listsecrets",
            &[],
        ),
        (
            "AzureML Compute Operator",
            "Microsoft.MachineLearningServices/workspaces/computes/write",
            "azureml-compute-operator.computes-write",
            &[],
        ),
        (
            "Key Vault Reader",
            "Microsoft.KeyVault/vaults/read",
            "key-vault-reader.vaults-read",
            &[],
        ),
        (
            "Key Vault Reader",
            "Microsoft.KeyVault/vaults/read",
            "key-vault-reader.vaults-read.literal",
            &["--wildcards", "literal"],
        ),
        (
            "Azure Sphere Owner",
            "Microsoft.Authorization/roleAssignments/write",
            "azure-sphere-owner.roleassignments-write",
            &[],
        ),
        (
            "Azure Sphere Owner",
            "Microsoft.AzureSphere/catalogs/read",
            "azure-sphere-owner.catalogs-read",
            &[],
        ),
        (
            "Key Vault Data Access Administrator",
            "Microsoft.Authorization/roleAssignments/write",
            "key-vault-data-access-administrator.roleassignments-write",
            &[],
        ),
        (
            "Owner",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
            "owner.blob-read",
            &[],
        ),
    ];
    for (role, op, slug, extra) in cases {
        let mut args = vec!["explain", role, op];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        golden(&format!("explain/{slug}.txt"), &out);
    }
}

// ---------------------------------------------------------------- the snapshot

/// Re-imports ../shared/azure-snapshot with the arguments recorded in data/README.md and
/// requires the result to equal data/ byte for byte. Skipped (with a note) without ../shared.
#[test]
fn snapshot_reimport_equals_data_byte_for_byte() {
    let Some(snap) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    for (what, sub, source, file) in [
        (
            "catalog",
            "provider-operations",
            "az provider operation show -o json, via easimon/azure-builtin-roles (MIT)",
            "catalog.json",
        ),
        (
            "roles",
            "roles",
            "az role definition list -o json, via easimon/azure-builtin-roles (MIT)",
            "roles.json",
        ),
    ] {
        let out = dir.path().join(file);
        let input = snap.join(sub).display().to_string();
        let out_s = out.display().to_string();
        let (code, _, err) = run(&[
            what,
            "import",
            &input,
            "--source",
            source,
            "--source-date",
            "2026-08-22",
            "-o",
            &out_s,
        ]);
        assert_eq!(code, 0, "{what} import: {err}");
        let got = std::fs::read(&out).unwrap();
        let want = std::fs::read(root().join("data").join(file)).unwrap();
        assert!(
            got == want,
            "re-imported {file} differs from data/{file} ({} vs {} bytes)",
            got.len(),
            want.len()
        );
    }
}

#[test]
fn expand_warns_about_unresolved_values_and_keeps_the_role() {
    let (code, out, err) = run(&[
        "expand",
        &fx("arm-unresolved.json"),
        "--all-builtins",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Template Parameterised: incomplete:")
            && err.contains("[parameters('actions')]"),
        "{err}"
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let roles = v["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 929);
    assert_eq!(roles[0]["name"], "Template Parameterised");
    assert_eq!(roles[0]["complete"], false);
    assert_eq!(roles[0]["unresolved"].as_array().unwrap().len(), 1);
    assert_eq!(
        strings(&roles[0]["dataActions"]),
        ["Microsoft.KeyVault/vaults/secrets/getSecret/action"]
    );
    let (code, out, err) = run(&["expand", &fx("arm-unresolved.json")]);
    assert_eq!(code, 0);
    assert!(err.contains("incomplete"), "{err}");
    assert!(out.contains("incomplete: "), "{out}");
}
