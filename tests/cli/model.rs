//! The permission model through the binary: catalog, roles, actions, expand; every role input
//! shape and input errors (explain, golden outputs and the snapshot are in `explain.rs`).

use crate::common::*;
use serde_json::Value;

pub(crate) const MLS: &str = "Microsoft.MachineLearningServices/workspaces";

pub(crate) fn fx(name: &str) -> String {
    fixture(&format!("model/{name}")).display().to_string()
}

pub(crate) fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The roles of an `expand --format json` run, by name.
pub(crate) fn expand_json(args: &[&str]) -> Vec<Value> {
    let mut a = vec!["expand", "--format", "json"];
    a.extend_from_slice(args);
    let v = run_json(&a);
    assert_eq!(v["schemaVersion"], 1);
    v["roles"].as_array().unwrap().clone()
}

/// Asserts an input error: exit 2, exactly one line on stderr containing `needle`, nothing
/// on stdout, no panic.
fn input_error(args: &[&str], needle: &str) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 2, "{args:?}: stdout {out} stderr {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: not one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.is_empty(), "{out}");
    err
}

// ---------------------------------------------------------------- catalog

#[test]
fn catalog_info_reports_the_snapshot_counts() {
    let v = run_json(&["catalog", "info", "--format", "json"]);
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["providersWithOperations"], 302);
    assert_eq!(v["distinctNames"], 22497);
    assert_eq!(v["namesOnBothPlanes"], 23);
    assert_eq!(v["controlOperations"], 18263);
    assert_eq!(v["dataOperations"], 4257);
    assert_eq!(v["operations"], 22520);
    assert_eq!(v["sourceDate"], "2026-08-22");
    assert_eq!(v["descriptions"], false);
    assert_eq!(v["builtinRoles"], 928);
    let (code, out, _) = run(&["catalog", "info"]);
    assert_eq!(code, 0);
    assert!(out.contains("source date:        2026-08-22"), "{out}");
    assert!(
        out.contains("operations:         22520 (18263 control, 4257 data)"),
        "{out}"
    );
}

#[test]
fn catalog_import_reads_show_and_list_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cat.json");
    let out_s = out.display().to_string();
    let (code, _, err) = run(&[
        "catalog",
        "import",
        &fx("ops-show.json"),
        &fx("ops-list.json"),
        "-o",
        &out_s,
        "--source",
        "fixture",
        "--source-date",
        "2026-01-02",
        "--keep-descriptions",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("3 providers, 7 operations (5 control, 2 data)"),
        "{err}"
    );
    let v = run_json(&["catalog", "info", "--catalog", &out_s, "--format", "json"]);
    assert_eq!(v["operations"], 7);
    assert_eq!(v["providers"], 3);
    assert_eq!(v["providersWithOperations"], 2);
    assert_eq!(v["namesOnBothPlanes"], 1);
    assert_eq!(v["source"], "fixture");
    assert_eq!(v["sourceDate"], "2026-01-02");
    assert_eq!(v["descriptions"], true);
    // Operations from `resourceTypes[]` and directly under the provider; the case duplicate
    // collapsed to the first spelling; each plane keeps its own copy.
    let v = run_json(&[
        "actions",
        "--catalog",
        &out_s,
        "Contoso.Widgets/*",
        "--format",
        "json",
    ]);
    let ops: Vec<(String, String)> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap().to_string(),
                o["plane"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("Contoso.Widgets/register/action", "control"),
        ("Contoso.Widgets/widgets/read", "control"),
        ("Contoso.Widgets/widgets/write", "control"),
        ("Contoso.Widgets/widgets/contents/frob/action", "data"),
        ("Contoso.Widgets/widgets/read", "data"),
    ];
    assert_eq!(
        ops,
        want.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );
    // Descriptions kept on request are shown.
    let (_, table, _) = run(&[
        "actions",
        "--catalog",
        &out_s,
        "Contoso.Widgets/widgets/write",
    ]);
    assert!(table.contains("Writes a widget."), "{table}");
    // The import refuses to overwrite without --force.
    input_error(
        &["catalog", "import", &fx("ops-show.json"), "-o", &out_s],
        "already exists",
    );
    let (code, _, _) = run(&[
        "catalog",
        "import",
        &fx("ops-show.json"),
        "-o",
        &out_s,
        "--force",
    ]);
    assert_eq!(code, 0);
    let v = run_json(&["catalog", "info", "--catalog", &out_s, "--format", "json"]);
    assert_eq!(v["operations"], 5);
    assert_eq!(v["descriptions"], false);
}

#[test]
fn catalog_import_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.json").display().to_string();
    input_error(
        &[
            "catalog",
            "import",
            &fx("ops-show.json"),
            "-o",
            &out,
            "--source-date",
            "22/08/2026",
        ],
        "--source-date",
    );
    input_error(
        &["catalog", "import", &fx("malformed.json"), "-o", &out],
        "malformed.json:5:3:",
    );
    input_error(
        &["catalog", "import", &fx("nope.json"), "-o", &out],
        "nope.json: no such file or directory",
    );
    input_error(
        &["catalog", "import", &fx("cli-input.json"), "-o", &out],
        "cli-input.json",
    );
    input_error(
        &["expand", "Reader", "--catalog", &fx("cli-input.json")],
        "cli-input.json",
    );
    assert!(!std::path::Path::new(&out).exists());
}

// ---------------------------------------------------------------- roles

#[test]
fn roles_lists_all_builtins_and_filters_case_insensitively() {
    let v = run_json(&["roles", "--format", "json"]);
    assert_eq!(v["count"], 928);
    assert_eq!(v["roles"].as_array().unwrap().len(), 928);
    let v = run_json(&["roles", "kEy VaUlT", "--format", "json"]);
    let names: Vec<&str> = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 14, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.to_ascii_lowercase().contains("key vault"))
    );
    let kvr = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Key Vault Reader")
        .unwrap();
    assert_eq!(
        (kvr["actions"].as_u64(), kvr["dataActions"].as_u64()),
        (Some(67), Some(7))
    );
    assert_eq!(kvr["id"], "21090545-7ca7-4776-b22c-e363652d74d2");
    // The counts follow the wildcard mode.
    let v = run_json(&[
        "roles",
        "key vault reader",
        "--format",
        "json",
        "--wildcards",
        "literal",
    ]);
    assert_eq!(v["roles"][0]["actions"], 66);
    let (code, out, _) = run(&["roles", "AZUREML DATA"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("AzureML Data Scientist")
            && out.contains("f6c7c914-8db3-469d-8ca1-694a8f32e121"),
        "{out}"
    );
    let v = run_json(&["roles", "no role is called this", "--format", "json"]);
    assert_eq!(v["count"], 0);
}

#[test]
fn roles_import_builds_a_role_set_other_commands_use() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("roles.json").display().to_string();
    let (code, _, err) = run(&[
        "roles",
        "import",
        &fx("list-output.json"),
        &fx("rest-list.json"),
        "-o",
        &out,
        "--source-date",
        "2026-01-02",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 roles"), "{err}");
    let v = run_json(&["roles", "--builtin-roles", &out, "--format", "json"]);
    let names: Vec<&str> = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Blob Lister",
            "Blob Lister Two",
            "Reader Granter",
            "Vault Peeker"
        ]
    );
    let roles = expand_json(&[
        "--builtin-roles",
        &out,
        "vault peeker",
        "33333333-3333-3333-3333-333333333333",
    ]);
    assert_eq!(roles[0]["name"], "Vault Peeker");
    assert_eq!(roles[1]["name"], "Blob Lister");
    input_error(
        &[
            "roles",
            "import",
            &fx("empty-entry.json"),
            "-o",
            &format!("{out}.2"),
        ],
        "empty-entry.json: /Actions/1: empty entry",
    );
}

// ---------------------------------------------------------------- actions

#[test]
fn actions_lists_matches_with_plane_provider_and_count() {
    let v = run_json(&[
        "actions",
        "Microsoft.KeyVault/vaults/*/read",
        "--plane",
        "control",
        "--format",
        "json",
    ]);
    assert_eq!(v["count"], 13);
    assert_eq!(v["wildcards"], "azure");
    let names = v["operations"].as_array().unwrap();
    assert!(
        names
            .iter()
            .any(|o| o["name"] == "Microsoft.KeyVault/vaults/read")
    );
    assert!(
        names
            .iter()
            .all(|o| o["plane"] == "control" && o["provider"] == "Microsoft.KeyVault")
    );
    let v = run_json(&[
        "actions",
        "Microsoft.KeyVault/vaults/*/read",
        "--plane",
        "control",
        "--format",
        "json",
        "--wildcards",
        "literal",
    ]);
    assert_eq!(v["count"], 12);
    assert!(
        v["operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["name"] != "Microsoft.KeyVault/vaults/read")
    );
    // Both planes by default; data-plane reads of vault contents.
    let v = run_json(&[
        "actions",
        "microsoft.keyvault/VAULTS/*/read",
        "--format",
        "json",
    ]);
    let planes: Vec<&str> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["plane"].as_str().unwrap())
        .collect();
    assert!(planes.contains(&"control") && planes.contains(&"data"));
    // `*` on the data plane is every data operation.
    let v = run_json(&["actions", "*", "--plane", "data", "--format", "json"]);
    assert_eq!(v["count"], 4257);
    let (code, out, _) = run(&[
        "actions",
        "Microsoft.MachineLearningServices/workspaces/computes/*/write",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("{MLS}/computes/write")), "{out}");
    assert!(
        out.ends_with(
            "1 operation match `Microsoft.MachineLearningServices/workspaces/computes/*/write`\n"
        ),
        "{out}"
    );
    // A literal the catalog lacks: said, with a suggestion.
    let (code, out, _) = run(&["actions", "Microsoft.KeyVault/vaults/reed"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("is not in the catalog (did you mean `Microsoft.KeyVault/vaults/read`?)"),
        "{out}"
    );
    assert!(out.contains("0 operations match"), "{out}");
}

#[test]
fn actions_rejects_invalid_patterns() {
    input_error(
        &["actions", "read"],
        "`read` is not an operation name or pattern",
    );
    input_error(
        &["actions", "Microsoft.Compute/virtual machines/read"],
        "contains whitespace",
    );
    input_error(&["actions", " "], "empty operation name");
    input_error(
        &["actions", "Microsoft.Compute/*", "--format", "sarif"],
        "--format sarif",
    );
}

// ---------------------------------------------------------------- role input shapes

#[test]
fn expand_reads_every_role_input_shape() {
    let jobs = [
        format!("{MLS}/computes/read"),
        format!("{MLS}/jobs/cancel/action"),
        format!("{MLS}/jobs/operationresults/read"),
        format!("{MLS}/jobs/read"),
        format!("{MLS}/jobs/write"),
        format!("{MLS}/read"),
    ];
    let blob = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read".to_string();
    // az role definition create input, flat; whitespace around an entry ignored.
    for (file, name) in [
        ("cli-input.json", "ML Runner (flat)"),
        ("utf16-bom.json", "ML Runner (utf16)"),
    ] {
        let r = expand_json(&[&fx(file)]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0]["name"], name);
        assert_eq!(strings(&r[0]["actions"]), jobs);
        assert_eq!(strings(&r[0]["dataActions"]), [blob.as_str()]);
        assert_eq!(r[0]["conditional"], false);
    }
    // Nested Permissions array with two blocks and an unknown literal, kept as written.
    let r = expand_json(&[&fx("cli-input-nested.json")]);
    let mut want: Vec<String> = jobs.to_vec();
    want.insert(0, "Microsoft.Contoso/widgets/frob/action".into());
    assert_eq!(strings(&r[0]["actions"]), want);
    assert_eq!(
        strings(&r[0]["unknown"]),
        ["Microsoft.Contoso/widgets/frob/action"]
    );
    // az role definition list output: an array, GUID ids, a conditional block.
    let r = expand_json(&[&fx("list-output.json")]);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["id"], "11111111-1111-1111-1111-111111111111");
    assert_eq!(r[0]["counts"]["actions"], 13);
    assert!(strings(&r[0]["actions"]).contains(&"Microsoft.KeyVault/vaults/read".to_string()));
    assert_eq!(r[1]["conditional"], true);
    assert_eq!(
        strings(&r[1]["conditionalActions"]),
        ["Microsoft.Authorization/roleAssignments/write"]
    );
    // REST GET: id + properties; DataActions − NotDataActions.
    let r = expand_json(&[&fx("rest-get.json")]);
    assert_eq!(r[0]["name"], "Blob Lister");
    assert_eq!(r[0]["counts"]["dataActions"], 13);
    assert!(
        !strings(&r[0]["dataActions"])
            .iter()
            .any(|n| n.ends_with("/blobs/delete"))
    );
    // REST list response: `value`.
    let r = expand_json(&[&fx("rest-list.json")]);
    assert_eq!(
        r.iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Blob Lister", "Blob Lister Two"]
    );
    assert_eq!(strings(&r[1]["dataActions"]), [blob.as_str()]);
    // ARM template with a nested deployment; ARM expressions stay opaque.
    let r = expand_json(&[&fx("arm-template.json")]);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["name"], "Template Outer");
    assert_eq!(r[0]["id"], "[guid(subscription().id, 'outer')]");
    assert_eq!(strings(&r[0]["actions"]), [format!("{MLS}/computes/read")]);
    assert_eq!(r[1]["name"], "Template Nested");
    assert_eq!(r[1]["id"], "55555555-5555-5555-5555-555555555555");
    assert_eq!(
        strings(&r[1]["dataActions"]),
        ["Microsoft.KeyVault/vaults/secrets/getSecret/action"]
    );
}

#[test]
fn expand_reads_stdin_and_builtin_names_and_guids() {
    let text = std::fs::read(fixture("model/list-output.json")).unwrap();
    let (code, out, err) = run_stdin(&["expand", "-", "--format", "json"], &text);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["roles"][0]["name"], "Vault Peeker");
    assert_eq!(v["roles"][0]["origin"], "<stdin>");
    // UTF-16 with a BOM on stdin too.
    let text = std::fs::read(fixture("model/utf16-bom.json")).unwrap();
    let (code, out, _) = run_stdin(&["expand", "-", "--format", "json"], &text);
    assert_eq!(code, 0);
    assert!(out.contains("ML Runner (utf16)"));
    let (code, _, err) = run_stdin(&["expand", "-"], b"{\"Name\": ");
    assert_eq!(code, 2);
    assert!(err.contains("<stdin>:1:"), "{err}");
    // Built-in names (any case, surrounding spaces) and GUIDs (any case) name the same role.
    let by = |r: &str| expand_json(&[r])[0].clone();
    let a = by("azureml data scientist");
    let b = by("  AzureML Data Scientist ");
    let c = by("F6C7C914-8DB3-469D-8CA1-694A8F32E121");
    assert_eq!(a["name"], "AzureML Data Scientist");
    assert_eq!(a["id"], "f6c7c914-8db3-469d-8ca1-694a8f32e121");
    assert_eq!(a, b);
    assert_eq!(a, c);
    // Several roles in order, output per role.
    let r = expand_json(&["Reader", &fx("rest-get.json"), "Owner"]);
    assert_eq!(
        r.iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Reader", "Blob Lister", "Owner"]
    );
}

#[test]
fn expand_all_builtins_is_sorted_and_complete() {
    let v = run_json(&["expand", "--all-builtins", "--format", "json"]);
    let roles = v["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 928);
    let mut total = 0;
    for r in roles {
        let a = strings(&r["actions"]);
        let mut sorted = a.clone();
        sorted.sort_by_key(|s| s.to_ascii_lowercase().replace('/', "\u{0}"));
        assert_eq!(a, sorted, "{}", r["name"]);
        total += a.len() + r["dataActions"].as_array().unwrap().len();
    }
    // Same checksum as the python verifier (see src/effective/builtins_tests.rs).
    assert_eq!(total, 234_416);
    // The listing follows the built-in role order, and each role is what `expand ROLE` gives.
    let listed = run_json(&["roles", "--format", "json"]);
    let names: Vec<&Value> = roles.iter().map(|r| &r["name"]).collect();
    let want: Vec<&Value> = listed["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["name"])
        .collect();
    assert_eq!(names, want);
    for name in ["Reader", "Key Vault Reader", "Azure Sphere Owner"] {
        let one = expand_json(&[name]);
        assert_eq!(
            roles.iter().find(|r| r["name"] == name),
            one.first(),
            "{name}"
        );
    }
    let owner = roles.iter().find(|r| r["name"] == "Owner").unwrap();
    assert_eq!(owner["dataActions"].as_array().unwrap().len(), 0);
    assert_eq!(owner["counts"]["actions"], 18263);
}

// ---------------------------------------------------------------- input errors

#[test]
fn bad_role_inputs_exit_2_with_one_line_naming_the_file() {
    input_error(
        &["expand", &fx("malformed.json")],
        "malformed.json:5:3: trailing comma",
    );
    input_error(
        &["expand", &fx("wrong-type.json")],
        "wrong-type.json: /Actions: `Actions` must be an array of strings, found a string",
    );
    input_error(
        &["expand", &fx("wrong-entry-type.json")],
        "wrong-entry-type.json: /Actions/1: entries of `Actions` must be strings",
    );
    let e = input_error(
        &["expand", &fx("unknown-field.json")],
        "unknown field `NotAction`",
    );
    assert!(
        e.contains("unknown-field.json") && e.contains("(did you mean `NotActions`?)"),
        "{e}"
    );
    input_error(
        &["expand", &fx("empty-entry.json")],
        "empty-entry.json: /Actions/1: empty entry",
    );
    input_error(
        &["expand", &fx("non-utf8.json")],
        "non-utf8.json: not valid UTF-8 text",
    );
    // A directory is read as a tree (issue 15): each file that cannot be read or parsed is
    // one error line and makes the exit code 2; files holding no role are skipped with a note.
    let (code, _, err) = run(&["expand", &fixture("model").display().to_string()]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for bad in [
        "malformed.json:5:3: trailing comma",
        "non-utf8.json: not valid UTF-8",
        "unknown-field.json: unknown field `NotAction`",
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("error: ") && l.contains(bad)),
            "{bad}: {err}"
        );
    }
    assert!(
        err.lines().any(|l| l.starts_with("note: ")
            && l.contains("ops-list.json: skipped: holds no role definition")),
        "{err}"
    );
    input_error(
        &["expand", &fx("missing.json")],
        "missing.json: no such file or directory",
    );
    let e = input_error(
        &["expand", "Contributer"],
        "`Contributer` is neither a file nor a built-in role name",
    );
    assert!(e.contains("(did you mean `Contributor`?)"), "{e}");
    input_error(
        &["expand", "00000000-0000-0000-0000-000000000000"],
        "is not the GUID of a built-in role",
    );
    input_error(
        &[
            "explain",
            &fx("malformed.json"),
            "Microsoft.Compute/disks/read",
        ],
        "malformed.json:5:3:",
    );
    input_error(
        &["explain", "Reeder", "Microsoft.Compute/disks/read"],
        "(did you mean `Reader`?)",
    );
    input_error(
        &["explain", "Reader", "not an operation"],
        "is not an operation name",
    );
    input_error(
        &["explain", "Owner", "Microsoft.Compute/*"],
        "`Microsoft.Compute/*` is a pattern",
    );
    input_error(
        &[
            "explain",
            &fx("list-output.json"),
            "Microsoft.Compute/disks/read",
        ],
        "holds 2 roles",
    );
    input_error(&["expand"], "name at least one ROLE");
    input_error(
        &["expand", "Reader", "--format", "markdown"],
        "--format markdown",
    );
    input_error(
        &["expand", "Reader", "--catalog", &fx("missing.json")],
        "missing.json: no such file or directory",
    );
}

/// Standard input can be read once: a second `-` is a usage error, not an empty input
/// (found by an audit: `expand - -` failed with a parse error on the empty second read).
#[test]
fn stdin_given_twice_is_a_usage_error() {
    let role = br#"{"Name":"x","Actions":["Microsoft.Compute/virtualMachines/read"],"AssignableScopes":["/subscriptions/s"]}"#;
    for cmd in ["expand", "lint"] {
        let (code, out, err) = run_stdin(&[cmd, "-", "-"], role);
        assert_eq!(code, 2, "{cmd}: {out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("`-` (standard input) is given twice"), "{err}");
    }
}

/// Usage errors are one line on stderr and exit 2, like input errors; help and version still
/// print in full with exit 0 (found by an audit: clap's errors were 3 to 7 lines).
#[test]
fn usage_errors_are_one_line() {
    for args in [
        vec!["expand", "Reader", "--bogus"],
        vec!["generate", "--level", "read"],
        vec!["bogus"],
        vec![],
        vec!["expand", "Reader", "--format", "az"],
        vec!["check", "Reader", "--needs", "F", "--action", "X"],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
    let (_, _, err) = run(&["generate", "--level", "read"]);
    assert!(err.contains("--resource"), "{err}");
    let (code, out, _) = run(&["expand", "--help"]);
    assert_eq!(code, 0);
    assert!(out.lines().count() > 5, "{out}");
}
