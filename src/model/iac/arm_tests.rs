//! Unit tests of the ARM template evaluator.

use super::*;
use crate::model::role_parse::parse_roles_json_with;

fn roles_with(text: &str, params: &Params) -> crate::error::Result<Vec<RoleDefinition>> {
    let v: Value = serde_json::from_str(text).unwrap();
    parse_roles_json_with(&v, "t.json", params)
}

fn roles(text: &str) -> crate::error::Result<Vec<RoleDefinition>> {
    roles_with(text, &Params::new())
}

fn actions(r: &RoleDefinition) -> Vec<(String, String)> {
    r.permissions
        .iter()
        .flat_map(|b| b.actions.iter().map(|e| (e.raw.clone(), e.pointer.clone())))
        .collect()
}

const VARS: &str = r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "parameters":{"prefix":{"type":"string","defaultValue":"Contoso"},
               "extra":{"type":"array","defaultValue":["Microsoft.Storage/storageAccounts/read"]}},
 "variables":{"base":["Microsoft.Compute/*/read"],
              "actions":"[union(variables('base'), parameters('extra'))]",
              "name":"[format('{0} Reader', toUpper(parameters('prefix')))]"},
 "resources":[{"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01",
   "name":"[guid(subscription().id, variables('name'))]",
   "properties":{"roleName":"[variables('name')]","permissions":[{"actions":"[variables('actions')]","notActions":[]}],
                 "assignableScopes":["[subscription().id]"]}}]}"#;

/// Variables, parameter defaults and functions are evaluated; each entry points at where it
/// is written; the deploy-time name is symbolic without making the role incomplete.
#[test]
fn variables_and_parameter_defaults_are_evaluated() {
    let r = roles(VARS).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].name.as_deref(), Some("CONTOSO Reader"));
    assert_eq!(
        actions(&r[0]),
        vec![
            (
                "Microsoft.Compute/*/read".to_string(),
                "/variables/base/0".to_string()
            ),
            (
                "Microsoft.Storage/storageAccounts/read".to_string(),
                "/parameters/extra/defaultValue/0".to_string()
            )
        ]
    );
    assert!(r[0].unresolved.is_empty(), "{:?}", r[0].unresolved);
    assert_eq!(r[0].symbolic.len(), 1, "{:?}", r[0].symbolic);
    assert!(
        r[0].symbolic[0].contains("guid(subscription().id"),
        "{:?}",
        r[0].symbolic
    );
    assert_eq!(r[0].assignable_scopes[0].0, "[subscription().id]");
}

/// A parameter file's values replace defaults; a Key Vault reference stays symbolic.
#[test]
fn parameter_files_supply_values() {
    let pf: Value = serde_json::from_str(
        r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
            "parameters":{"extra":{"value":["Microsoft.Network/*/read"]},"prefix":{"reference":{"keyVault":{"id":"x"},"secretName":"s"}}}}"#,
    )
    .unwrap();
    assert!(is_parameter_file(&pf));
    assert!(!is_parameter_file(&serde_json::from_str(VARS).unwrap()));
    let params = parameter_file(&pf, "t.parameters.json").unwrap();
    let r = roles_with(VARS, &params).unwrap();
    assert_eq!(actions(&r[0])[1].0, "Microsoft.Network/*/read");
    // The name is a deploy-time secret: symbolic, so the role name is the expression.
    assert!(
        r[0].name.as_deref().unwrap_or("").starts_with('['),
        "{:?}",
        r[0].name
    );
    assert!(r[0].unresolved.is_empty());
}

/// A `copy` loop deploys one role per iteration; `condition` false deploys none.
#[test]
fn copy_loops_and_conditions() {
    let t = r#"{"$schema":"x","parameters":{"teams":{"type":"array","defaultValue":["ml","data","web"]},"deploy":{"type":"bool","defaultValue":false}},
      "resources":[
        {"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"[guid(parameters('teams')[copyIndex()])]",
         "copy":{"name":"roles","count":"[length(parameters('teams'))]"},
         "properties":{"roleName":"[concat('Team ', parameters('teams')[copyIndex()], ' ', copyIndex(1))]",
           "permissions":[{"actions":["[format('Microsoft.Team{0}/read', copyIndex())]"]}],"assignableScopes":["/"]}},
        {"condition":"[parameters('deploy')]","type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"x",
         "properties":{"roleName":"never","permissions":[{"actions":["*"]}],"assignableScopes":["/"]}},
        {"condition":"[equals(subscription().id, 'x')]","type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"y",
         "properties":{"roleName":"maybe","permissions":[{"actions":["*/read"]}],"assignableScopes":["/"]}}]}"#;
    let r = roles(t).unwrap();
    let names: Vec<_> = r
        .iter()
        .map(|x| x.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["Team ml 1", "Team data 2", "Team web 3", "maybe"]);
    assert_eq!(actions(&r[2])[0].0, "Microsoft.Team2/read");
    assert!(r.iter().all(|x| x.unresolved.is_empty()));
    assert!(
        r[3].symbolic[0].contains("deployed only if"),
        "{:?}",
        r[3].symbolic
    );
}

/// A copy count known only at deployment keeps one definition, marked incomplete.
#[test]
fn unknown_copy_count_is_incomplete() {
    let t = r#"{"$schema":"x","resources":[{"type":"Microsoft.Authorization/roleDefinitions","name":"n",
      "copy":{"name":"c","count":"[length(reference('x').items)]"},
      "properties":{"roleName":"R","permissions":[{"actions":["*/read"]}]}}]}"#;
    let r = roles(t).unwrap();
    assert_eq!(r.len(), 1);
    assert!(r[0].unresolved[0].contains("copy"), "{:?}", r[0].unresolved);
}

/// Variable `copy`, `createArray`, `if`, `coalesce`, `split`, `take`/`skip`, nested
/// inner-scope templates with their own parameters.
#[test]
fn variable_copy_functions_and_nested_templates() {
    let t = r#"{"$schema":"x","parameters":{"ops":{"type":"string","defaultValue":"a/read,b/read,c/read"}},
      "variables":{"copy":[{"name":"listed","count":2,"input":"[concat('Microsoft.X', copyIndex('listed'), '/*/read')]"}],
                   "split":"[split(parameters('ops'), ',')]",
                   "picked":"[if(empty(variables('split')), createArray('none'), take(skip(variables('split'), 1), 5))]"},
      "resources":[
        {"type":"Microsoft.Authorization/roleDefinitions","name":"n1",
         "properties":{"roleName":"[coalesce(null(), 'first')]","permissions":[{"actions":"[concat(variables('listed'), variables('picked'))]"}]}},
        {"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"inner",
         "properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},
           "parameters":{"who":{"value":"[toLower('INNER')]"}},
           "template":{"parameters":{"who":{"type":"string"}},"variables":{"acts":["x/read"]},
             "resources":[{"type":"Microsoft.Authorization/roleDefinitions","name":"n2",
               "properties":{"roleName":"[parameters('who')]","permissions":[{"actions":"[variables('acts')]"}]}}]}}}]}"#;
    let r = roles(t).unwrap();
    let a: Vec<_> = actions(&r[0]).into_iter().map(|x| x.0).collect();
    assert_eq!(
        a,
        [
            "Microsoft.X0/*/read",
            "Microsoft.X1/*/read",
            "b/read",
            "c/read"
        ]
    );
    assert_eq!(r[0].name.as_deref(), Some("first"));
    assert_eq!(r[1].name.as_deref(), Some("inner"));
    assert_eq!(
        actions(&r[1])[0].1,
        "/resources/1/properties/template/variables/acts/0"
    );
}

/// Self-referencing variables, runaway copies and bad expressions are one-line errors.
#[test]
fn hostile_templates_are_errors() {
    let cyc = r#"{"$schema":"x","variables":{"a":"[variables('b')]","b":"[variables('a')]"},
      "resources":[{"type":"Microsoft.Authorization/roleDefinitions","name":"n","properties":{"roleName":"[variables('a')]"}}]}"#;
    let e = roles(cyc).unwrap_err().to_string();
    assert!(e.contains("refer to themselves: a -> b -> a"), "{e}");
    let big = r#"{"$schema":"x","resources":[{"type":"Microsoft.Authorization/roleDefinitions","name":"n",
      "properties":{"roleName":"r","permissions":[{"actions":"[range(0, 100000000)]"}]}}]}"#;
    assert!(roles(big).is_err());
    let copy = r#"{"$schema":"x","resources":[{"type":"Microsoft.Authorization/roleDefinitions","name":"n","copy":{"name":"c","count":5000},"properties":{"roleName":"r"}}]}"#;
    assert!(roles(copy).unwrap_err().to_string().contains("0 to 800"));
    let bad = r#"{"$schema":"x","resources":[{"type":"Microsoft.Authorization/roleDefinitions","name":"[concat('a']","properties":{"roleName":"r"}}]}"#;
    let e = roles(bad).unwrap_err().to_string();
    assert!(
        e.starts_with("t.json: /resources/0/name: invalid template expression"),
        "{e}"
    );
    // Doubling variables: each refers to the previous twice, so the value grows 2^n.
    let mut vars = String::from(r#""v0":["a/read"]"#);
    for i in 1..40 {
        vars.push_str(&format!(
            r#","v{i}":"[concat(variables('v{p}'), variables('v{p}'))]""#,
            p = i - 1
        ));
    }
    let doubling = format!(
        r#"{{"$schema":"x","variables":{{{vars}}},"resources":[{{"type":"Microsoft.Authorization/roleDefinitions","name":"n","properties":{{"roleName":"r","permissions":[{{"actions":"[variables('v39')]"}}]}}}}]}}"#
    );
    assert!(roles(&doubling).is_err());
}
