//! Unit tests of the Terraform evaluator (through the `.tf` reader).

use crate::model::iac::terraform::parse_hcl_with;
use crate::model::iac::value::{Files, NoFiles};
use crate::model::role::RoleDefinition;

/// Files held in memory: (name, text); `from` is ignored (one directory).
struct Mem(Vec<(&'static str, &'static str)>);

impl Files for Mem {
    fn read(&self, _from: &str, rel: &str) -> crate::error::Result<Option<(String, String)>> {
        let rel = rel.trim_start_matches("./");
        Ok(self
            .0
            .iter()
            .find(|(n, _)| *n == rel)
            .map(|(n, t)| (n.to_string(), t.to_string())))
    }
    fn list(&self, from: &str, suffix: &str) -> crate::error::Result<Vec<(String, String)>> {
        Ok(self
            .0
            .iter()
            .filter(|(n, _)| n.ends_with(suffix) && *n != from)
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect())
    }
}

fn actions(r: &RoleDefinition) -> Vec<String> {
    r.permissions
        .iter()
        .flat_map(|b| b.actions.iter().map(|e| e.raw.clone()))
        .collect()
}

const MAIN: &str = r#"
locals {
  readers = ["Microsoft.Compute/*/read", "Microsoft.Network/*/read"]
  roles = {
    ml   = { actions = concat(local.readers, ["Microsoft.MachineLearningServices/workspaces/read"]) }
    data = { actions = [for p in var.providers : "${p}/*/read"] }
  }
}

resource "azurerm_role_definition" "team" {
  for_each    = local.roles
  name        = "${var.prefix} ${each.key}"
  scope       = data.azurerm_subscription.current.id
  permissions {
    actions     = each.value.actions
    not_actions = try(each.value.not_actions, [])
  }
  assignable_scopes = [data.azurerm_subscription.current.id]
}
"#;

const VARS: &str = r#"
variable "prefix" {
  type    = string
  default = "Team"
}
variable "providers" {
  type    = list(string)
  default = ["Microsoft.Storage"]
}
"#;

/// `for_each` over a local map, `each.*`, `concat`, `for`, `try`, variables declared in a
/// sibling file and overridden by `terraform.tfvars`; data sources stay symbolic.
#[test]
fn locals_for_each_and_tfvars() {
    let files = Mem(vec![
        ("variables.tf", VARS),
        (
            "terraform.tfvars",
            "providers = [\"Microsoft.Sql\", \"Microsoft.Web\"]\n",
        ),
    ]);
    // Instances are ordered by key, as Terraform orders a map: `data`, then `ml`.
    let r = parse_hcl_with(MAIN, "main.tf", &files, &[]).unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].name.as_deref(), Some("Team ml"));
    assert_eq!(
        r[1].pointer.split('@').next(),
        Some("azurerm_role_definition.team[\"ml\"]")
    );
    assert_eq!(actions(&r[1]).len(), 3);
    assert_eq!(
        actions(&r[0]),
        ["Microsoft.Sql/*/read", "Microsoft.Web/*/read"]
    );
    assert!(r[1].unresolved.is_empty(), "{:?}", r[1].unresolved);
    assert_eq!(
        r[1].assignable_scopes[0].0,
        "[data.azurerm_subscription.current.id]"
    );
    // Entries point at the local where they are written (line 3).
    assert!(
        r[1].permissions[0].actions[0].pointer.ends_with("@3:14"),
        "{}",
        r[1].permissions[0].actions[0].pointer
    );
    // A --var-file wins over terraform.tfvars.
    let extra = vec![("x.tfvars".to_string(), "prefix = \"Ops\"\n".to_string())];
    let r = parse_hcl_with(MAIN, "main.tf", &files, &extra).unwrap();
    assert_eq!(r[1].name.as_deref(), Some("Ops ml"));
    // Read alone, the variables are unknown: the loop is over a known map, the `for`
    // expression over an unknown list.
    let r = parse_hcl_with(MAIN, "main.tf", &NoFiles, &[]).unwrap();
    assert_eq!(r.len(), 2);
    assert!(!r[0].unresolved.is_empty());
    assert!(r[1].unresolved.is_empty(), "{:?}", r[1].unresolved);
}

/// `count`, `dynamic "permissions"`, `jsondecode(file())`, `merge`, `lookup`, `flatten`,
/// `distinct`, `toset`.
#[test]
fn count_dynamic_blocks_and_files() {
    let main = r#"
locals {
  def    = jsondecode(file("${path.module}/role.json"))
  blocks = [for b in local.def.permissions : merge({ not_actions = [] }, b)]
  extra  = lookup({ a = ["x/read"] }, "a", [])
}
resource "azurerm_role_definition" "r" {
  count = 2
  name  = "${local.def.name} ${count.index}"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  dynamic "permissions" {
    for_each = local.blocks
    content {
      actions     = distinct(flatten([permissions.value.actions, local.extra, local.extra]))
      not_actions = tolist(toset(permissions.value.not_actions))
    }
  }
}
"#;
    let files = Mem(vec![(
        "role.json",
        r#"{"name":"J","permissions":[{"actions":["a/read"]},{"actions":["b/read"],"not_actions":["b/x/read","b/x/read"]}]}"#,
    )]);
    let r = parse_hcl_with(main, "main.tf", &files, &[]).unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].name.as_deref(), Some("J 1"));
    assert_eq!(r[0].permissions.len(), 2);
    assert_eq!(actions(&r[0]), ["a/read", "x/read", "b/read", "x/read"]);
    assert_eq!(r[0].permissions[1].not_actions.len(), 1);
    assert!(r[0].unresolved.is_empty(), "{:?}", r[0].unresolved);
}

/// Self-referencing locals and runaway collections are one-line errors; an unknown
/// `dynamic` collection is unresolved.
#[test]
fn hostile_terraform() {
    let cyc = "locals {\n  a = local.b\n  b = local.a\n}\nresource \"azurerm_role_definition\" \"r\" {\n  name = local.a\n}\n";
    let e = parse_hcl_with(cyc, "m.tf", &NoFiles, &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("locals refer to themselves"), "{e}");
    let big =
        "resource \"azurerm_role_definition\" \"r\" {\n  count = 100000000\n  name = \"x\"\n}\n";
    assert!(parse_hcl_with(big, "m.tf", &NoFiles, &[]).is_err());
    let dynamic = "resource \"azurerm_role_definition\" \"r\" {\n  name = \"x\"\n  dynamic \"permissions\" {\n    for_each = data.x.y\n    content {\n      actions = permissions.value\n    }\n  }\n}\n";
    let r = parse_hcl_with(dynamic, "m.tf", &NoFiles, &[]).unwrap();
    assert!(
        r[0].unresolved[0].contains("dynamic"),
        "{:?}",
        r[0].unresolved
    );
}
