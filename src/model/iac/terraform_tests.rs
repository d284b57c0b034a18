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

#[test]
fn non_literal_values_are_unresolved_never_guessed() {
    let roles = parse_hcl(&fixture("roles.tf"), "roles.tf").unwrap();
    let r = &roles[1];
    assert_eq!(r.name, None);
    assert!(r.permissions[0].actions.is_empty());
    assert_eq!(
        actions(r, 1),
        vec![format!("{MLS}/workspaces/computes/read")]
    );
    let u = r.unresolved.join("\n");
    assert!(
        u.contains(
            "azurerm_role_definition.partly_dynamic.name is `\"Partly dynamic ${var.suffix}\"`"
        ),
        "{u}"
    );
    assert!(
        u.contains("scope is `data.azurerm_subscription.primary.id`"),
        "{u}"
    );
    assert!(u.contains("permissions[0].actions is `concat("), "{u}");
    assert!(
        u.contains("permissions[1].actions[1] is `var.one_more`"),
        "{u}"
    );
    assert_eq!(r.unresolved.len(), 4, "{u}");
}

#[test]
fn hcl_syntax_errors_are_positioned() {
    let e = parse_hcl(
        "resource \"azurerm_role_definition\" \"x\" {\n  name = \n}\n",
        "bad.tf",
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Syntax { line: 3, .. } | Error::Syntax { line: 2, .. }
        ),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("bad.tf:"), "{e}");
    let e = parse_hcl(
        "resource \"azurerm_role_definition\" \"x\" {\n  permissions { actions = [\"\"] }\n}\n",
        "e.tf",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "e.tf: azurerm_role_definition.x.permissions[0].actions[0]@2:28: empty entry"
    );
}

#[test]
fn plan_changes_give_before_and_after() {
    let text = fixture("plan.json");
    let changes = plan_changes_text(&text, "plan.json").unwrap();
    assert_eq!(changes.len(), 3, "only azurerm_role_definition changes");
    let upd = &changes[0];
    assert_eq!(upd.address, "azurerm_role_definition.ml_runner");
    assert_eq!(upd.actions, vec!["update"]);
    let before = upd.before.as_ref().unwrap();
    let after = upd.after.as_ref().unwrap();
    assert_eq!(actions(before, 0).len(), 2);
    assert_eq!(actions(after, 0)[2], format!("{MLS}/workspaces/*/action"));
    assert_eq!(
        after.guid.as_deref(),
        Some("6a1e4f0e-3b4c-4d2e-9f10-2a3b4c5d6e7f")
    );
    assert!(after.unresolved.is_empty());
    let e = &after.permissions[0].actions[2];
    assert_eq!(
        e.pointer,
        "/resource_changes/0/change/after/permissions/0/actions/2"
    );
    assert!(locate(&text, &e.pointer).is_some());
    let created = &changes[1];
    assert!(created.before.is_none());
    let new = created.after.as_ref().unwrap();
    assert_eq!(
        actions(new, 0),
        vec![format!("{MLS}/workspaces/onlineEndpoints/read")]
    );
    assert_eq!(
        new.unresolved,
        vec![
            "module.ml.azurerm_role_definition.endpoint_reader.permissions.0.actions.1 is known only after apply"
        ]
    );
    let deleted = &changes[2];
    assert!(deleted.after.is_none() && deleted.before.is_some());
    // The roles of a plan are its `after` states.
    let roles = plan_roles(&json::parse(&text, "plan.json").unwrap(), "plan.json").unwrap();
    assert_eq!(roles.len(), 2);
}

#[test]
fn role_text_dispatches_on_extension_and_plan_keys() {
    let roles = crate::model::parse_role_text(&fixture("roles.tf"), "dir/roles.TF").unwrap();
    assert_eq!(roles.len(), 2);
    let roles = crate::model::parse_role_text(&fixture("plan.json"), "plan.json").unwrap();
    assert_eq!(roles[0].format, RoleFormat::Terraform);
    let e = crate::model::parse_role_text("resource \"azurerm_resource_group\" \"x\" {}\n", "x.tf")
        .unwrap_err();
    assert_eq!(e.to_string(), "x.tf: holds no role definition");
}

#[test]
fn heredocs_without_interpolation_are_literal_strings() {
    let tf = |desc: &str| {
        format!(
            "resource \"azurerm_role_definition\" \"r\" {{\n  name = \"x\"\n  scope = \"/subscriptions/s\"\n  description = {desc}\n}}\n"
        )
    };
    let read = |desc: &str| parse_hcl(&tf(desc), "h.tf").unwrap().remove(0);
    let r = read("<<EOT\nline one\n  line two\nEOT");
    assert_eq!(r.description.as_deref(), Some("line one\n  line two\n"));
    assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
    // `<<-` strips the common indentation; `$${` is a literal `${`.
    let r = read("<<-EOT\n    costs $${x}\n      more\n    EOT");
    assert_eq!(r.description.as_deref(), Some("costs ${x}\n  more\n"));
    assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
    // Interpolation or a directive: unresolved, the source on one line.
    for (desc, shown) in [
        ("<<EOT\nuses ${var.x}\nEOT", "<<EOT uses ${var.x} EOT"),
        (
            "<<EOT\n%{if true}y%{endif}\nEOT",
            "<<EOT %{if true}y%{endif} EOT",
        ),
    ] {
        let r = read(desc);
        assert_eq!(r.description, None);
        assert_eq!(
            r.unresolved,
            vec![format!(
                "azurerm_role_definition.r.description is `{shown}`, not a literal"
            )]
        );
    }
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
    let r = parse_hcl(ok, "ok.tf").unwrap().remove(0);
    assert_eq!(r.unresolved.len(), 1, "count: {:?}", r.unresolved);
}
