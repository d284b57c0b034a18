//! Unit tests of the Bicep reader.

use super::*;
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
    assert_eq!(
        roles.len(),
        2,
        "existing references and other resources are skipped"
    );
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

#[test]
fn expressions_are_unresolved_never_guessed() {
    let roles = parse_bicep(&fixture(), "roles.bicep").unwrap();
    let r = &roles[1];
    assert_eq!(r.name, None);
    assert_eq!(r.guid, None);
    assert!(r.permissions[0].actions.is_empty());
    assert_eq!(
        actions(r, 1),
        vec![format!("{MLS}/workspaces/computes/read")]
    );
    assert!(r.assignable_scopes.is_empty());
    let u = r.unresolved.join("\n");
    for want in [
        "dynamicRole is deployed only if `(!empty(extraActions))`",
        "dynamicRole.name is `roleDefName`",
        "dynamicRole.properties.roleName is `roleName`",
        "dynamicRole.properties.permissions[0].actions is `union([",
        "dynamicRole.properties.permissions[1].actions[1] is `'${roleName}/read'`",
        "dynamicRole.properties.assignableScopes[0] is `subscription().id`",
    ] {
        assert!(u.contains(want), "missing {want:?} in\n{u}");
    }
    assert_eq!(r.unresolved.len(), 6, "{u}");
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
