//! A landing-zone-sized repository: 200 IaC files of which 50 hold a role (ARM templates with
//! variables and parameter files, Bicep with `var` and `for`, Terraform with locals and
//! `for_each`; the rest parameter files, module wrappers and variable files), walked and
//! evaluated as `lint DIR` reads it, beside the naive baseline: the same 50 roles as literal
//! JSON files read without evaluation. Figures: docs/performance.md, "Infrastructure code trees".

#![allow(clippy::expect_used, clippy::unwrap_used)]

use azrbac::cli::iac_files;
use azrbac::cli::input::{read_role_text, walk_role_files};
use azrbac::model::role_text::{may_hold_roles, read_roles};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

const SCOPE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// 200 files, 50 roles; and the 50 roles as literal JSON in `literal/`.
fn tree(root: &Path) {
    for i in 0..50 {
        let d = root.join(format!("team{i:02}"));
        let ops: Vec<String> = (0..8)
            .map(|k| format!("Microsoft.Compute/virtualMachines/x{i}y{k}/read"))
            .collect();
        let q = |c: char| {
            ops.iter()
                .map(|o| format!("{c}{o}{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match i % 3 {
            0 => {
                write(
                    &d.join("role.json"),
                    &format!(
                        r#"{{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","parameters":{{"prefix":{{"type":"string","defaultValue":"T"}}}},"variables":{{"acts":[{}]}},"resources":[{{"type":"Microsoft.Authorization/roleDefinitions","apiVersion":"2022-04-01","name":"[guid(subscription().id, '{i}')]","properties":{{"roleName":"[format('{{0}} {i}', parameters('prefix'))]","permissions":[{{"actions":"[variables('acts')]"}}],"assignableScopes":["[subscription().id]"]}}}}]}}"#,
                        q('"')
                    ),
                );
                write(
                    &d.join("role.parameters.json"),
                    r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#","parameters":{"prefix":{"value":"Team"}}}"#,
                );
            }
            1 => {
                write(
                    &d.join("role.bicep"),
                    &format!(
                        "var ops = [{}]\nresource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for n in [ 'T{i}' ]: {{\n  name: guid(n)\n  properties: {{\n    roleName: n\n    permissions: [ {{ actions: [for o in ops: o] }} ]\n    assignableScopes: [ subscription().id ]\n  }}\n}}]\n",
                        q('\'')
                    ),
                );
                write(
                    &d.join("main.bicep"),
                    "param location string = 'westeurope'\noutput where string = location\n",
                );
            }
            _ => {
                write(
                    &d.join("main.tf"),
                    &format!(
                        "locals {{\n  acts = [{}]\n}}\nresource \"azurerm_role_definition\" \"r\" {{\n  for_each = toset([\"T{i}\"])\n  name     = each.key\n  scope    = var.scope\n  permissions {{\n    actions = [for a in local.acts : a]\n  }}\n}}\n",
                        q('"')
                    ),
                );
                write(
                    &d.join("variables.tf"),
                    &format!(
                        "variable \"scope\" {{\n  type    = string\n  default = \"{SCOPE}\"\n}}\n"
                    ),
                );
            }
        }
        write(
            &d.join("wrapper.json"),
            r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[{"type":"Microsoft.Storage/storageAccounts","name":"s"}]}"#,
        );
        write(&d.join("settings.json"), r#"{"editor.tabSize": 2}"#);
        write(
            &root.join(format!("literal/team{i:02}.json")),
            &format!(
                r#"{{"Name":"Team {i}","Actions":[{}],"AssignableScopes":["{SCOPE}"]}}"#,
                q('"')
            ),
        );
    }
}

fn evaluate(dir: &Path) -> usize {
    let mut n = 0;
    for f in walk_role_files(dir).unwrap() {
        let origin = f.display().to_string();
        let text = read_role_text(&f).unwrap();
        if may_hold_roles(&text, &origin) {
            n += read_roles(&text, &origin, &iac_files::inputs())
                .unwrap()
                .len();
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let files = walk_role_files(dir.path()).unwrap().len();
    assert_eq!(files, 250, "200 IaC files and 50 literal ones");
    let mut g = c.benchmark_group("iac_tree");
    g.bench_function("evaluate 200 IaC files, 50 roles", |b| {
        b.iter(|| {
            let mut n = 0;
            for entry in std::fs::read_dir(dir.path()).unwrap() {
                let p = entry.unwrap().path();
                if p.file_name().is_some_and(|n| n != "literal") {
                    n += evaluate(&p);
                }
            }
            assert_eq!(n, 50);
            black_box(n)
        })
    });
    g.bench_function("baseline: 50 literal JSON roles", |b| {
        b.iter(|| black_box(evaluate(&dir.path().join("literal"))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
