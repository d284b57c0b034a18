//! `drift`: what wildcard entries gained and lost since a date, from the embedded operation
//! history; `--fail-on high-risk`; input errors.

use crate::common::*;

/// AzureML Data Scientist was last changed in 2023; its wildcards have since reached
/// operations Azure added later, secret-bearing ones among them.
#[test]
fn azureml_data_scientist_gained_operations_since_2023() {
    let v = run_json(&[
        "drift",
        "AzureML Data Scientist",
        "--since",
        "2023-11-01",
        "--format",
        "json",
    ]);
    assert_eq!(v["schemaVersion"], 1);
    let r = &v["roles"][0];
    assert_eq!(r["since"], "2023-11-01");
    let gained = r["gained"]["actions"].as_array().unwrap();
    assert!(gained.len() > 10, "{r}");
    for g in gained {
        assert!(g["date"].as_str().unwrap() > "2023-11-01", "{g}");
    }
    assert!(
        gained.iter().any(|g| g["risks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "secret-exposure")),
        "{r}"
    );
    // Per entry: only wildcard entries, each gain matched by its entry.
    for e in r["entries"].as_array().unwrap() {
        assert!(e["entry"].as_str().unwrap().contains('*'), "{e}");
    }
    let (code, _, _) = run(&[
        "drift",
        "AzureML Data Scientist",
        "--since",
        "2023-11-01",
        "--fail-on",
        "high-risk",
    ]);
    assert_eq!(code, 1);
    // Nothing drifts before the record's start... and a role of literal names never drifts.
    let role = root().join("roles/online-endpoint-monitoring.json");
    let (code, out, err) = run(&[
        "drift",
        role.to_str().unwrap(),
        "--since",
        "2022-08-01",
        "--fail-on",
        "high-risk",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("gained 0 operation(s)"), "{out}");
    let (code, _, err) = run(&["drift", "Reader", "--since", "2023-13"]);
    assert_eq!(code, 2);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

/// Every built-in role in one process.
#[test]
fn all_builtins_drift_in_one_process() {
    let t = std::time::Instant::now();
    let (code, out, err) = run(&[
        "drift",
        "--all-builtins",
        "--since",
        "2024-01-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["roles"].as_array().unwrap().len() >= 928);
    eprintln!("drift --all-builtins: {:?}", t.elapsed());
}

/// Without --since, the date is the role file's `updatedOn`; a role without one needs --since.
#[test]
fn since_defaults_to_the_files_updated_on() {
    let f = "tests/fixtures/readme/azureml-data-scientist-2023.json";
    let v = run_json(&["drift", f, "--format", "json"]);
    assert_eq!(v["roles"][0]["since"], "2023-05-30");
    let n = v["roles"][0]["gained"]["actions"].as_array().unwrap().len();
    assert!(n >= 50, "{n}");
    let (code, _, err) = run(&["drift", "Reader"]);
    assert_eq!(code, 2);
    assert!(err.contains("--since"), "{err}");
}

/// The embedded history and call map are what the import commands in data/README.md write
/// (checked when the shared snapshot and reference are beside the project).
#[test]
fn imports_reproduce_the_embedded_history_and_call_map() {
    let shared = root().join("../shared");
    let history = shared.join("azure-snapshot/operation-history.json");
    let reference = shared.join("reference/azureml-cli-operations.json");
    if !history.is_file() || !reference.is_file() {
        eprintln!("skipped: ../shared is not there");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.json");
    let (code, _, err) = run(&[
        "catalog",
        "import-history",
        history.to_str().unwrap(),
        "--source",
        "azrbac catalog import-history: operation-history.json of easimon/azure-builtin-roles daily snapshots (MIT)",
        "-o",
        h.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read(&h).unwrap()
            == std::fs::read(root().join("data/operation-history.json")).unwrap(),
        "data/operation-history.json is out of date (see data/README.md)"
    );
    let c = dir.path().join("c.json");
    let (code, _, err) = run(&[
        "scenarios",
        "import",
        reference.to_str().unwrap(),
        "--source",
        "azrbac's trace of azure-ai-ml 1.35.2 and azure-cli-extensions azext_mlv2 (shared/reference/azureml-cli-operations.json)",
        "--source-date",
        "2026-12-03",
        "-o",
        c.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read(&c).unwrap() == std::fs::read(root().join("data/call-map.json")).unwrap(),
        "data/call-map.json is out of date (see data/README.md)"
    );
    // The call map keeps no prose: none of the reference's `why`, `source` or `notes`.
    let text = std::fs::read_to_string(root().join("data/call-map.json")).unwrap();
    assert!(
        !text.contains("\"why\"")
            && !text.contains("\"notes\"")
            && !text.contains("\"source\":\"Azure/")
    );
}
