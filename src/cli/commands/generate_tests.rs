//! Tests of `generate` through the command's own code path (arguments parsed by clap, role
//! built and rendered in process): the `roles/` folder, name and scope rules, levels, and the
//! format round trip (every rendered form read back by azrbac's own parsers).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::analyses::generate::roundtrip_tests::model;
use crate::cli::args::Command;
use std::path::PathBuf;

pub const ZERO_SCOPE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn args(extra: &[&str]) -> GenerateArgs {
    let mut argv = vec!["azrbac", "generate"];
    argv.extend_from_slice(extra);
    match crate::cli::parse_from(argv).unwrap().command {
        Command::Generate(a) => a,
        _ => unreachable!(),
    }
}

#[test]
fn generated_roles_folder_is_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("roles");
    let lib = Library::embedded().unwrap();
    let mut expected: Vec<String> = lib
        .all()
        .iter()
        .map(|s| format!("{}.json", s.name))
        .collect();
    expected.push("README.md".into());
    expected.sort();
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    assert_eq!(
        present, expected,
        "roles/ holds one file per scenario (see roles/README.md)"
    );
    for s in lib.all() {
        let built = build(
            model(),
            &args(&["--scenario", &s.name, "--scope", ZERO_SCOPE]),
        )
        .unwrap();
        let file = dir.join(format!("{}.json", s.name));
        let on_disk = std::fs::read_to_string(&file).unwrap();
        assert!(
            on_disk == built.text,
            "{} is out of date; regenerate it with: azrbac generate --scenario {} --scope {ZERO_SCOPE} --output {} --force",
            file.display(),
            s.name,
            file.display()
        );
        assert!(
            built.role.unknown.is_empty() && built.warnings.is_empty(),
            "{}",
            s.name
        );
    }
}

#[test]
fn name_and_scope_rules() {
    let e = build(
        model(),
        &args(&[
            "--action",
            "Microsoft.MachineLearningServices/workspaces/read",
            "--scope",
            ZERO_SCOPE,
        ]),
    );
    assert!(e.err().unwrap().to_string().contains("--name is required"));
    let e = build(model(), &args(&["--scenario", "registry-reader"]));
    assert!(e.err().unwrap().to_string().contains("--scope is required"));
    let e = build(
        model(),
        &args(&["--scenario", "registry-reader", "--scope", "/"]),
    );
    assert!(e.err().unwrap().to_string().contains("root scope"));
    let two_mgs = [
        "--scenario",
        "registry-reader",
        "--scope",
        "/providers/Microsoft.Management/managementGroups/a",
        "/providers/Microsoft.Management/managementGroups/b",
    ];
    assert!(build(model(), &args(&two_mgs)).is_err());
    let ok = build(
        model(),
        &args(&[
            "--scenario",
            "registry-reader",
            "--name",
            "Mine",
            "--scope",
            ZERO_SCOPE,
            ZERO_SCOPE,
        ]),
    )
    .unwrap();
    assert_eq!(ok.role.name, "Mine");
    assert_eq!(ok.role.assignable_scopes, vec![ZERO_SCOPE.to_string()]);
}

#[test]
fn several_scenarios_combine() {
    let a = args(&[
        "--scenario",
        "registry-reader",
        "model-registry-reader",
        "--name",
        "Both",
        "--scope",
        ZERO_SCOPE,
    ]);
    let b = build(model(), &a).unwrap();
    assert_eq!(b.role.actions.len(), 6);
    assert!(b.role.description.contains("Azure ML registry reader"));
}

#[test]
fn a_scenario_file_can_name_its_scope() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    let text = crate::analyses::scenario::embedded::EMBEDDED
        .iter()
        .find(|(n, _)| *n == "registry-reader.toml")
        .unwrap()
        .1
        .replace("assign_at =", "assignable_scopes = [\"/subscriptions/11111111-1111-1111-1111-111111111111\"]\nassign_at =")
        .replace("name = \"registry-reader\"", "name = \"mine\"");
    std::fs::write(&path, text).unwrap();
    let b = build(model(), &args(&["--scenario", path.to_str().unwrap()])).unwrap();
    assert_eq!(
        b.role.assignable_scopes,
        vec!["/subscriptions/11111111-1111-1111-1111-111111111111"]
    );
}

#[test]
fn levels_leave_out_secrets_and_escalation_unless_asked() {
    let base = [
        "--level",
        "read,action",
        "--resource",
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
        "--name",
        "E",
        "--scope",
        ZERO_SCOPE,
    ];
    let b = build(model(), &args(&base)).unwrap();
    assert_eq!(b.set_aside.len(), 1);
    assert_eq!(b.set_aside[0].category, "secret-exposure");
    assert!(
        !b.role
            .actions
            .iter()
            .any(|a| a.to_ascii_lowercase().ends_with("listkeys/action"))
    );
    let mut with = base.to_vec();
    with.push("--include-secrets");
    let b2 = build(model(), &args(&with)).unwrap();
    assert!(b2.set_aside.is_empty());
    assert_eq!(
        b2.role.actions.len(),
        b.role.actions.len() + b.set_aside[0].operations.len()
    );
    let auth = [
        "--level",
        "write",
        "--resource",
        "Microsoft.Authorization/roleAssignments",
        "--name",
        "A",
        "--scope",
        ZERO_SCOPE,
    ];
    let e = build(model(), &args(&auth)).err().unwrap().to_string();
    assert!(e.contains("select no operation"), "{e}");
    assert!(e.contains("--include-escalation keeps them"), "{e}");
    let mut auth2 = auth.to_vec();
    auth2.push("--include-escalation");
    let b3 = build(model(), &args(&auth2)).unwrap();
    assert_eq!(
        b3.role.actions,
        vec!["Microsoft.Authorization/roleAssignments/write"]
    );
}

/// Every output form, with a file name that makes azrbac's reader pick its parser.
const READABLE: &[(role_formats::RoleOutput, &str)] = &[
    (role_formats::RoleOutput::Az, "role.json"),
    (role_formats::RoleOutput::Arm, "role.template.json"),
    (role_formats::RoleOutput::Bicep, "role.bicep"),
    (role_formats::RoleOutput::Terraform, "role.tf"),
];

/// Reads a rendered role back and checks it is the same role, granting exactly the needs.
fn read_back(
    role: &GeneratedRole,
    req: &Requirement,
    form: role_formats::RoleOutput,
    origin: &str,
) {
    let m = model();
    let text = role_formats::render(role, form);
    let parsed = crate::model::parse_role_text(&text, origin)
        .unwrap_or_else(|e| panic!("{origin}: {e}\n{text}"));
    assert_eq!(parsed.len(), 1, "{origin}");
    let back = &parsed[0];
    assert!(
        back.unresolved.is_empty(),
        "{origin}: {:?}",
        back.unresolved
    );
    assert_eq!(back.name.as_deref(), Some(role.name.as_str()), "{origin}");
    if matches!(
        form,
        role_formats::RoleOutput::Arm | role_formats::RoleOutput::Bicep
    ) {
        assert_eq!(back.guid.as_deref(), Some(role.guid.as_str()), "{origin}");
    }
    assert_eq!(
        back.description.as_deref(),
        Some(role.description.as_str()),
        "{origin}"
    );
    let scopes: Vec<&str> = back
        .assignable_scopes
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    assert_eq!(scopes, role.assignable_scopes, "{origin}");
    assert_eq!(back.permissions.len(), 1, "{origin}");
    let block = &back.permissions[0];
    let raw = |f: crate::model::Field| -> Vec<String> {
        block.list(f).iter().map(|e| e.raw.clone()).collect()
    };
    assert_eq!(raw(crate::model::Field::Actions), role.actions, "{origin}");
    assert_eq!(
        raw(crate::model::Field::DataActions),
        role.data_actions,
        "{origin}"
    );
    assert!(block.not_actions.is_empty() && block.not_data_actions.is_empty());
    let eff = crate::effective::expand(&m.index, back, m.mode);
    assert_eq!(eff.granted, req.ids, "{origin}");
    for plane in Plane::BOTH {
        let unknown: Vec<String> = eff.unknown[plane as usize]
            .iter()
            .map(|u| u.name.clone())
            .collect();
        assert_eq!(unknown, req.unknown[plane as usize], "{origin}");
    }
}

#[test]
fn every_scenario_round_trips_through_every_readable_form() {
    let m = model();
    let lib = Library::embedded().unwrap();
    for s in lib.all() {
        let req = s.resolve(&m.index, m.mode).requirement;
        for compact in [false, true] {
            let spec = RoleSpec {
                name: s.role_name.clone(),
                description: s.role_description.clone(),
                assignable_scopes: vec![ZERO_SCOPE.to_string()],
                notes: Vec::new(),
            };
            let role = generate(&m.index, m.mode, &req, &spec, compact);
            for (form, origin) in READABLE {
                read_back(&role, &req, *form, &format!("{}-{origin}", s.name));
            }
        }
    }
}

mod escapes {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Names and descriptions with quotes, backslashes, `${`, `%{` and newlines survive
        /// every readable form.
        #[test]
        fn names_and_descriptions_survive_rendering(
            name in "[A-Za-z0-9][ -~]{0,30}",
            description in "[ -~\n\t]{0,60}",
            scope_is_mg in any::<bool>(),
        ) {
            let m = model();
            let mut req = Requirement::new(&m.index);
            req.add_entry(&m.index, m.mode, Plane::Control, &crate::model::Pattern::parse("Microsoft.MachineLearningServices/workspaces/jobs/*").unwrap());
            req.add_unknown(Plane::Data, "Microsoft.MachineLearningServices/workspaces/future/read");
            let scope = if scope_is_mg { "/providers/Microsoft.Management/managementGroups/mg-1" } else { ZERO_SCOPE };
            let spec = RoleSpec { name: name.trim().to_string(), description, assignable_scopes: vec![scope.to_string()], notes: Vec::new() };
            prop_assume!(!spec.name.is_empty());
            // ARM escapes a value that starts with `[` and ends with `]` as `[[...]`, which
            // azrbac's ARM reader does not unescape yet.
            prop_assume!(!(spec.description.starts_with('[') && spec.description.ends_with(']')));
            let role = generate(&m.index, m.mode, &req, &spec, false);
            for (form, origin) in READABLE {
                read_back(&role, &req, *form, origin);
            }
        }
    }
}

/// The role's GUID does not depend on the order of `--scope` (found by an audit: reordering
/// the scopes gave a new GUID under the same name, which Azure rejects as a duplicate name).
#[test]
fn guid_ignores_the_order_of_scopes() {
    let s1 = "/subscriptions/00000000-0000-0000-0000-000000000000";
    let s2 = "/subscriptions/11111111-1111-1111-1111-111111111111";
    let a = [
        "--scenario",
        "online-endpoint-monitoring",
        "--scope",
        s1,
        "--scope",
        s2,
    ];
    let b = [
        "--scenario",
        "online-endpoint-monitoring",
        "--scope",
        s2,
        "--scope",
        s1,
    ];
    let ga = build(model(), &args(&a)).unwrap().role.guid;
    let gb = build(model(), &args(&b)).unwrap().role.guid;
    assert_eq!(ga, gb);
    let other = ["--scenario", "online-endpoint-monitoring", "--scope", s2];
    assert_ne!(build(model(), &args(&other)).unwrap().role.guid, ga);
}

/// A scenario combined with other needs does not lend the role its name: the role grants more
/// than the scenario describes (found by an audit).
#[test]
fn a_scenario_with_more_needs_needs_its_own_name() {
    let more = [
        "--scenario",
        "registry-publisher",
        "--action",
        "Microsoft.MachineLearningServices/workspaces/jobs/write",
        "--scope",
        ZERO_SCOPE,
    ];
    let e = build(model(), &args(&more)).err().unwrap().to_string();
    assert!(e.contains("--name is required"), "{e}");
    let mut named = more.to_vec();
    named.extend(["--name", "Publisher and trainer"]);
    let b = build(model(), &args(&named)).unwrap();
    assert_eq!(b.role.name, "Publisher and trainer");
    assert!(
        b.role.description.contains("with further operations"),
        "{}",
        b.role.description
    );
}
