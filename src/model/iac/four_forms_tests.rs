//! Property test: one role written four ways (literal JSON, an ARM template with the
//! permissions in `variables`, Bicep with a `var` and a `for` loop, Terraform with `locals`
//! and `for_each`) is read as the same role: the same permission entries in the same order,
//! so the same expansion, and complete in every form.

use crate::model::role::{Field, RoleDefinition};
use crate::model::role_text::parse_role_text;
use proptest::prelude::*;

const SCOPE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn op() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "Compute",
            "Network",
            "Storage",
            "MachineLearningServices",
        ]),
        "[a-z]{2,8}",
        prop::sample::select(vec!["read", "write", "delete", "*", "start/action"]),
    )
        .prop_map(|(p, t, v)| format!("Microsoft.{p}/{t}/{v}"))
}

fn quoted(items: &[String], q: char) -> String {
    items
        .iter()
        .map(|s| format!("{q}{s}{q}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn forms(acts: &[String], nots: &[String]) -> Vec<(String, &'static str)> {
    let json = format!(
        r#"{{"Name":"R","Actions":[{}],"NotActions":[{}],"AssignableScopes":["{SCOPE}"]}}"#,
        quoted(acts, '"'),
        quoted(nots, '"')
    );
    let arm = format!(
        r#"{{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "variables":{{"acts":[{}],"nots":[{}],"name":"[concat('R', '')]"}},
 "resources":[{{"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"[guid(subscription().id)]",
  "properties":{{"roleName":"[variables('name')]","permissions":[{{"actions":"[variables('acts')]","notActions":"[variables('nots')]"}}],"assignableScopes":["{SCOPE}"]}}}}]}}"#,
        quoted(acts, '"'),
        quoted(nots, '"')
    );
    let bicep = format!(
        "var ops = [{}]\nvar nots = [{}]\nvar acts = [for o in ops: o]\nresource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for n in [ 'R' ]: {{\n  name: guid(n)\n  properties: {{\n    roleName: n\n    permissions: [\n      {{\n        actions: acts\n        notActions: [for x in nots: x]\n      }}\n    ]\n    assignableScopes: [ '{SCOPE}' ]\n  }}\n}}]\n",
        quoted(acts, '\''),
        quoted(nots, '\'')
    );
    let tf = format!(
        "locals {{\n  acts = [{}]\n  nots = [{}]\n}}\nresource \"azurerm_role_definition\" \"r\" {{\n  for_each = toset([\"R\"])\n  name     = each.key\n  scope    = \"{SCOPE}\"\n  permissions {{\n    actions     = [for a in local.acts : a]\n    not_actions = local.nots\n  }}\n}}\n",
        quoted(acts, '"'),
        quoted(nots, '"')
    );
    vec![
        (json, "r.json"),
        (arm, "t.json"),
        (bicep, "r.bicep"),
        (tf, "r.tf"),
    ]
}

fn entries(r: &RoleDefinition) -> Vec<(Field, String)> {
    r.permissions
        .iter()
        .flat_map(|b| {
            Field::ALL
                .into_iter()
                .flat_map(move |f| b.list(f).iter().map(move |e| (f, e.raw.clone())))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn one_role_written_four_ways_reads_the_same(
        acts in prop::collection::vec(op(), 1..6),
        nots in prop::collection::vec(op(), 0..3),
    ) {
        let mut seen: Option<Vec<(Field, String)>> = None;
        for (text, origin) in forms(&acts, &nots) {
            let roles = parse_role_text(&text, origin).unwrap();
            prop_assert_eq!(roles.len(), 1, "{}", origin);
            let r = &roles[0];
            prop_assert!(r.unresolved.is_empty(), "{}: {:?}", origin, r.unresolved);
            prop_assert_eq!(r.name.as_deref(), Some("R"), "{}", origin);
            prop_assert_eq!(&r.assignable_scopes[0].0, SCOPE);
            let e = entries(r);
            let want: Vec<(Field, String)> = acts
                .iter()
                .map(|a| (Field::Actions, a.clone()))
                .chain(nots.iter().map(|n| (Field::NotActions, n.clone())))
                .collect();
            prop_assert_eq!(&e, &want, "{}", origin);
            if let Some(s) = &seen {
                prop_assert_eq!(s, &e, "{}", origin);
            }
            seen = Some(e);
        }
    }
}
