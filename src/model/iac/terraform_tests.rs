//! Unit tests of the Terraform readers.

use super::*;
use crate::model::role_text::locate;

const MLS: &str = "Microsoft.MachineLearningServices";

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyzer/iac")
        .join(name);
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
fn reads_literal_roles_from_hcl() {
    let text = fixture("roles.tf");
    let roles = parse_hcl(&text, "roles.tf").unwrap();
    assert_eq!(roles.len(), 2, "only azurerm_role_definition resources");
    let r = &roles[0];
    assert_eq!(r.format, RoleFormat::Terraform);
    assert_eq!(r.name.as_deref(), Some("ML job runner"));
    assert_eq!(
        r.guid.as_deref(),
        Some("6a1e4f0e-3b4c-4d2e-9f10-2a3b4c5d6e7f")
    );
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
    // `scope` joins the assignable scopes, first.
    let scopes: Vec<&str> = r
        .assignable_scopes
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    assert_eq!(
        scopes,
        vec![
            "/subscriptions/00000000-0000-0000-0000-000000000000",
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml"
        ]
    );
    assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
    // Entry locators give the line and column of the entry in the file.
    let e = &r.permissions[0].actions[2];
    assert_eq!(
        e.pointer,
        "azurerm_role_definition.ml_runner.permissions[0].actions[2]@19:7"
    );
    let (line, col) = locate(&text, &e.pointer).unwrap();
    assert!(
        text.lines().nth(line - 1).unwrap()[col - 1..]
            .starts_with("\"Microsoft.Authorization/*/write\"")
    );
}

/// Values known before deployment are evaluated (a variable's default, `concat`); values known
/// only at plan time stay symbolic: an undeclared variable in a permission list makes the
/// role incomplete, a data source in the scope and an interpolated name are named without
/// making it so (issue 15).
#[test]
fn non_literal_values_are_evaluated_or_unresolved_never_guessed() {
    let roles = parse_hcl(&fixture("roles.tf"), "roles.tf").unwrap();
    let r = &roles[1];
    assert_eq!(r.name, None);
    assert_eq!(actions(r, 0), vec![format!("{MLS}/workspaces/read")]);
    assert_eq!(
        actions(r, 1),
        vec![format!("{MLS}/workspaces/computes/read")]
    );
    let u = r.unresolved.join("\n");
    assert!(
        u.contains("permissions[1].actions[1] is `var.one_more`"),
        "{u}"
    );
    assert_eq!(r.unresolved.len(), 1, "{u}");
    let s = r.symbolic.join("\n");
    assert!(
        s.contains(
            "azurerm_role_definition.partly_dynamic.name is `\"Partly dynamic ${var.suffix}\"`"
        ),
        "{s}"
    );
    assert!(
        s.contains("scope is `data.azurerm_subscription.primary.id`"),
        "{s}"
    );
    assert_eq!(
        r.assignable_scopes[0].0,
        "[data.azurerm_subscription.primary.id]"
    );
}

#[test]
fn unknown_arguments_and_blocks_are_errors_meta_arguments_are_not() {
    let err = |body: &str| {
        let text = format!("resource \"azurerm_role_definition\" \"r\" {{\n{body}}}\n");
        parse_hcl(&text, "u.tf").unwrap_err().to_string()
    };
    assert_eq!(
        err("  nme = \"x\"\n"),
        "u.tf:2:3: unknown argument `nme` in azurerm_role_definition.r (did you mean `name`?)"
    );
    assert_eq!(
        err("  Permissions {\n  }\n"),
        "u.tf:2:3: unknown block `Permissions` in azurerm_role_definition.r (did you mean `permissions`?)"
    );
    assert_eq!(
        err("  permissions = []\n"),
        "u.tf:2:3: unknown argument `permissions` in azurerm_role_definition.r (`permissions` is a block: `permissions { ... }`)"
    );
    assert_eq!(
        err("  permissions {\n    not_data_action = []\n  }\n"),
        "u.tf:3:5: unknown argument `not_data_action` in `permissions` block of azurerm_role_definition.r (did you mean `not_data_actions`?)"
    );
    assert!(err("  dynamic \"permision\" {\n  }\n").contains("did you mean `permissions`"));
    let ok = "resource \"azurerm_role_definition\" \"r\" {\n  count = 2\n  provider = azurerm.x\n  depends_on = []\n  name = \"x\"\n  scope = \"/subscriptions/s\"\n  lifecycle {\n    ignore_changes = [description]\n  }\n  timeouts {\n    read = \"5m\"\n  }\n  dynamic \"timeouts\" {\n    for_each = []\n    content {}\n  }\n}\n";
    let r = parse_hcl(ok, "ok.tf").unwrap();
    assert_eq!(r.len(), 2, "one role per `count` instance");
    assert!(r[1].unresolved.is_empty(), "{:?}", r[1].unresolved);
}
