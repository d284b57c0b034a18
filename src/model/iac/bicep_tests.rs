//! Unit tests of the Bicep reader.

use super::*;
use crate::model::iac::value::Files;
use crate::model::role_text::locate;

const MLS: &str = "Microsoft.MachineLearningServices";

fn fixture() -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyzer/iac/roles.bicep");
    std::fs::read_to_string(p).unwrap()
}

fn actions(r: &RoleDefinition, block: usize) -> Vec<String> {
    r.permissions[block]
        .actions
        .iter()
        .map(|e| e.raw.clone())
        .collect()
}

#[test]
fn reads_literal_role_definitions() {
    let text = fixture();
    let roles = parse_bicep(&text, "roles.bicep").unwrap();
    // Existing references and other resources are skipped; `dynamicRole` is deployed only
    // if `!empty(extraActions)`, false with the parameter's default `[]` (issue 15).
    assert_eq!(roles.len(), 1);
    let r = &roles[0];
    assert_eq!(r.format, RoleFormat::Bicep);
    assert_eq!(r.name.as_deref(), Some("ML job runner (Bicep)"));
    assert_eq!(
        r.description.as_deref(),
        Some("Submits and follows Azure ML jobs; it's literal")
    );
    assert_eq!(
        r.guid.as_deref(),
        Some("6a1e4f0e-3b4c-4d2e-9f10-2a3b4c5d6e7f")
    );
    assert_eq!(r.is_custom, Some(true));
    assert_eq!(
        actions(r, 0),
        vec![
            format!("{MLS}/workspaces/read"),
            format!("{MLS}/workspaces/jobs/*"),
            "Microsoft.Authorization/*/write".to_string()
        ]
    );
    assert_eq!(
        r.permissions[0].not_actions[0].raw,
        format!("{MLS}/workspaces/jobs/delete")
    );
    assert_eq!(
        r.assignable_scopes[0].0,
        "/subscriptions/00000000-0000-0000-0000-000000000000"
    );
    assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
    let e = &r.permissions[0].actions[2];
    assert_eq!(
        e.pointer,
        "mlRunner.properties.permissions[0].actions[2]@21:11"
    );
    let (line, col) = locate(&text, &e.pointer).unwrap();
    assert!(
        text.lines().nth(line - 1).unwrap()[col - 1..]
            .starts_with("'Microsoft.Authorization/*/write'")
    );
}

/// With parameter values known only at deployment, what they touch stays symbolic: the
/// permission lists built from them are unresolved (the role is incomplete); the condition,
/// the name and the assignable scope are named without making it so.
#[test]
fn expressions_are_unresolved_never_guessed() {
    let supplied: BTreeMap<String, Val> = ["extraActions", "roleName"]
        .into_iter()
        .map(|n| (n.to_string(), Val::sym(n)))
        .collect();
    let roles = parse_bicep_with(&fixture(), "roles.bicep", &NoFiles, &supplied).unwrap();
    let r = &roles[1];
    assert_eq!(r.name, None);
    assert_eq!(r.guid, None);
    assert!(r.permissions[0].actions.is_empty());
    assert_eq!(
        actions(r, 1),
        vec![format!("{MLS}/workspaces/computes/read")]
    );
    assert_eq!(r.assignable_scopes[0].0, "[subscription().id]");
    let u = r.unresolved.join("\n");
    for want in [
        "dynamicRole.properties.permissions[0].actions is `union([",
        "dynamicRole.properties.permissions[1].actions[1] is `'${roleName}/read'`",
    ] {
        assert!(u.contains(want), "missing {want:?} in\n{u}");
    }
    assert_eq!(r.unresolved.len(), 2, "{u}");
    let s = r.symbolic.join("\n");
    for want in [
        "dynamicRole is deployed only if `!empty(extraActions)`",
        "dynamicRole.name is `guid(subscription().id, string(extraActions))`",
        "dynamicRole.properties.roleName is `roleName`",
        "dynamicRole.properties.assignableScopes[0] is `subscription().id`",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
}

/// Parameter defaults, `var`, interpolation, ternaries, `for` loops (a role per item and
/// permission lists built by loops), `union`, `loadJsonContent`; entries point at where they
/// are written.
#[test]
fn values_known_before_deployment_are_evaluated() {
    struct One;
    impl Files for One {
        fn read(&self, _: &str, rel: &str) -> crate::error::Result<Option<(String, String)>> {
            Ok((rel == "ops.json").then(|| {
                (
                    "ops.json".to_string(),
                    r#"{"readers":["Microsoft.Sql/*/read"]}"#.to_string(),
                )
            }))
        }
        fn list(&self, _: &str, _: &str) -> crate::error::Result<Vec<(String, String)>> {
            Ok(Vec::new())
        }
    }
    let t = "param teams array = [\n  'ml'\n  'data'\n]\nparam strict bool = true\nvar providers = [\n  'Microsoft.Compute'\n  'Microsoft.Network'\n]\nvar reads = [for p in providers: '${p}/*/read']\nvar loaded = loadJsonContent('ops.json')\nresource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for (team, i) in teams: {\n  name: guid(team)\n  properties: {\n    roleName: 'Team ${toUpper(team)} ${i}'\n    permissions: [\n      {\n        actions: union(reads, loaded.readers)\n        notActions: strict ? [ 'Microsoft.Compute/*/delete' ] : []\n      }\n    ]\n    assignableScopes: [ subscription().id ]\n  }\n}]\n";
    let roles = parse_bicep_with(t, "loop.bicep", &One, &BTreeMap::new()).unwrap();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[1].name.as_deref(), Some("Team DATA 1"));
    assert_eq!(
        actions(&roles[0], 0),
        [
            "Microsoft.Compute/*/read",
            "Microsoft.Network/*/read",
            "Microsoft.Sql/*/read"
        ]
    );
    assert_eq!(roles[0].permissions[0].not_actions.len(), 1);
    assert!(roles[0].unresolved.is_empty(), "{:?}", roles[0].unresolved);
    // The entry built by the `reads` loop points at the loop (line 10).
    assert!(
        roles[0].permissions[0].actions[0]
            .pointer
            .ends_with("@10:34"),
        "{}",
        roles[0].permissions[0].actions[0].pointer
    );
    // A self-referencing variable is not evaluated: read as written, incomplete.
    let cyc = "var a = b\nvar b = a\nresource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  name: 'n'\n  properties: {\n    roleName: 'R'\n    permissions: [ { actions: a } ]\n  }\n}\n";
    let r = parse_bicep(cyc, "c.bicep").unwrap();
    assert!(
        r[0].unresolved
            .iter()
            .any(|u| u.contains("refer to themselves")),
        "{:?}",
        r[0].unresolved
    );
    // A condition false with the defaults deploys nothing.
    let off = "param on bool = false\nresource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (on) {\n  name: 'n'\n  properties: { roleName: 'R' }\n}\n";
    assert!(parse_bicep(off, "o.bicep").unwrap().is_empty());
}

#[test]
fn loops_and_single_line_objects() {
    let t = "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for n in names: {\n  name: guid(n)\n  properties: { roleName: 'R', permissions: [ { actions: [ 'a.b/c/read', 'a.b/d/read' ] } ] }\n}]\n";
    let roles = parse_bicep(t, "loop.bicep").unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(actions(&roles[0], 0), vec!["a.b/c/read", "a.b/d/read"]);
    assert!(
        roles[0].unresolved[0].contains("repeated by a `for` loop"),
        "{:?}",
        roles[0].unresolved
    );
}

#[test]
fn syntax_errors_are_positioned() {
    let e = parse_bicep(
        "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  name: 'x\n}\n",
        "bad.bicep",
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "bad.bicep:2:9: unterminated string");
    let e = parse_bicep(
        "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  properties: {\n",
        "b.bicep",
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("b.bicep:"), "{e}");
    let e = parse_bicep(
        "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  properties: { permissions: [ { actions: [ ' ' ] } ] }\n}\n",
        "e.bicep",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "e.bicep: r.properties.permissions[0].actions[0]@2:45: empty entry"
    );
}

/// Deep nesting is an input error, never a stack overflow (found by an audit: 30,000 `[`
/// crashed the process).
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let head = "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = ";
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let text = format!("{head}{}1{}", open.repeat(30_000), close.repeat(30_000));
        let e = parse_bicep(&text, "deep.bicep").unwrap_err().to_string();
        assert!(e.contains("nested more than 128 levels deep"), "{e}");
    }
    // Nesting within the limit still parses.
    let text = format!("{head}{}{}", "[".repeat(100), "]".repeat(100));
    assert!(
        parse_bicep(&text, "ok.bicep").is_ok()
            || parse_bicep(&text, "ok.bicep").is_err_and(|e| !e.to_string().contains("nested"))
    );
}

/// A stray closing bracket where a value belongs is an error, not an endless loop (found by
/// a fuzzer: `p: [ } ]` grew memory without bound).
#[test]
fn stray_closers_are_errors() {
    for text in [
        "resource r 'a@b' = {\n  p: [ } ]\n}\n",
        "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  properties: { permissions: [ ] ] }\n}\n",
        "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  properties: {\n    roleName: }\n}\n",
    ] {
        let e = parse_bicep(text, "s.bicep").unwrap_err().to_string();
        assert!(e.starts_with("s.bicep:"), "{e}");
    }
}

#[test]
fn unknown_properties_are_errors_spreads_are_unresolved() {
    let role = |props: &str| {
        format!(
            "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {{\n  name: 'n'\n  properties: {{\n{props}  }}\n}}\n"
        )
    };
    let e = parse_bicep(&role("    rolName: 'x'\n"), "u.bicep")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "u.bicep:4:14: unknown property `rolName` in r.properties (did you mean `roleName`?)"
    );
    // Any case, as ARM reads property names.
    let r = parse_bicep(&role("    ROLENAME: 'x'\n"), "c.bicep")
        .unwrap()
        .remove(0);
    assert_eq!(r.name.as_deref(), Some("x"));
    let r = parse_bicep(
        &role("    roleName: 'x'\n    ...extra\n    permissions: [ { actions: [ ...more ], ...p } ]\n"),
        "s.bicep",
    )
    .unwrap()
    .remove(0);
    assert_eq!(
        r.unresolved,
        vec![
            "r.properties spreads `...extra`; the properties it adds are not read",
            "r.properties.permissions[0] spreads `...p`; the properties it adds are not read",
            "r.properties.permissions[0].actions[0] is `...more`, not a literal",
        ]
    );
}
