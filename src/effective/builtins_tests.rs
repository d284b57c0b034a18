//! Tests over the real built-in roles (embedded data, no ../shared needed): all 928 roles
//! expand identically through the graph index and the naive scan, in both wildcard modes, and
//! a few figures verified by hand are pinned.
//!
//! How the figures were verified: `python3 tests/tools/verify_builtin_figures.py` reads the raw
//! snapshot in ../shared/azure-snapshot (not data/), evaluates every role with a regex matcher
//! written from the rule text (`*` → `.*`; in azure mode `/*/` → `/(?:.*/)?`), and prints the
//! figures below; run with `--compare-azure=FILE --compare-literal=FILE` on the output of
//! `azrbac expand --all-builtins --format json [--wildcards literal]` it compared all 928 roles
//! name by name in both modes (0 mismatches, 2026-08-22 snapshot). The individual operations
//! were also read off the role JSON by hand (noted at each assertion).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::{Effective, Naive, expand, expand_with};
use crate::data::Model;
use crate::model::{Plane, RoleDefinition, WildcardMode};
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().unwrap())
}

fn role(name: &str) -> &'static RoleDefinition {
    model()
        .builtins
        .by_name(name)
        .unwrap_or_else(|| panic!("no built-in role {name}"))
}

fn grants(name: &str, op: &str, plane: Plane, mode: WildcardMode) -> bool {
    let m = model();
    let e = expand(&m.index, role(name), mode);
    let id = m
        .index
        .catalog()
        .find(plane, op)
        .unwrap_or_else(|| panic!("{op} not in the catalog"));
    e.contains(id)
}

const MLS: &str = "Microsoft.MachineLearningServices/workspaces";

#[test]
fn all_builtins_expand_alike_through_the_index_and_the_naive_scan() {
    let m = model();
    let roles = m.builtins.roles();
    assert_eq!(roles.len(), 928);
    let naive = Naive(m.index.catalog());
    // Two threads (the CI machine has two cores); each checks every other role.
    std::thread::scope(|s| {
        for part in 0..2 {
            let naive = &naive;
            s.spawn(move || {
                for r in roles.iter().skip(part).step_by(2) {
                    for mode in [WildcardMode::Azure, WildcardMode::Literal] {
                        let fast: Effective = expand(&m.index, r, mode);
                        let slow: Effective = expand_with(naive, r, mode);
                        assert!(
                            fast == slow,
                            "{} differs between index and naive ({mode:?})",
                            r.label()
                        );
                    }
                }
            });
        }
    });
}

#[test]
fn azureml_data_scientist_cannot_create_compute() {
    // NotActions has only `workspaces/computes/*/write`; the catalog's single compute write
    // is `workspaces/computes/write`, removed only because `/*/` also matches one `/`.
    let ds = "AzureML Data Scientist";
    let write = format!("{MLS}/computes/write");
    assert!(!grants(ds, &write, Plane::Control, WildcardMode::Azure));
    assert!(grants(ds, &write, Plane::Control, WildcardMode::Literal));
    assert!(!grants(
        ds,
        &format!("{MLS}/computes/delete"),
        Plane::Control,
        WildcardMode::Azure
    ));
    // Granted by `workspaces/*/action`, not excluded: reading connection secrets.
    assert!(grants(
        ds,
        &format!("{MLS}/connections/listsecrets/action"),
        Plane::Control,
        WildcardMode::Azure
    ));
    // Excluded literally: `workspaces/write`, `workspaces/computes/listKeys/action`.
    assert!(!grants(
        ds,
        &format!("{MLS}/write"),
        Plane::Control,
        WildcardMode::Azure
    ));
    assert!(!grants(
        ds,
        &format!("{MLS}/computes/listKeys/action"),
        Plane::Control,
        WildcardMode::Azure
    ));
}

#[test]
fn reader_grants_secret_bearing_reads() {
    // `*/read` covers these two reads that return secrets.
    assert!(grants(
        "Reader",
        &format!("{MLS}/listNotebookKeys/read"),
        Plane::Control,
        WildcardMode::Azure
    ));
    assert!(grants(
        "Reader",
        &format!("{MLS}/metadata/secrets/read"),
        Plane::Control,
        WildcardMode::Azure
    ));
    assert!(!grants(
        "Reader",
        &format!("{MLS}/write"),
        Plane::Control,
        WildcardMode::Azure
    ));
}

#[test]
fn key_vault_reader_reads_vaults_only_through_the_slash_star_slash_rule() {
    // Its only vault read is `Microsoft.KeyVault/vaults/*/read`.
    let kv = "Key Vault Reader";
    assert!(grants(
        kv,
        "Microsoft.KeyVault/vaults/read",
        Plane::Control,
        WildcardMode::Azure
    ));
    assert!(!grants(
        kv,
        "Microsoft.KeyVault/vaults/read",
        Plane::Control,
        WildcardMode::Literal
    ));
    assert!(grants(
        kv,
        "Microsoft.KeyVault/vaults/secrets/read",
        Plane::Control,
        WildcardMode::Literal
    ));
}

#[test]
fn exactly_85_builtins_depend_on_the_slash_star_slash_rule() {
    let m = model();
    let differ: Vec<String> = m
        .builtins
        .roles()
        .iter()
        .filter(|r| {
            expand(&m.index, r, WildcardMode::Azure) != expand(&m.index, r, WildcardMode::Literal)
        })
        .map(|r| r.label())
        .collect();
    assert_eq!(differ.len(), 85, "{differ:?}");
    for r in ["AzureML Data Scientist", "Key Vault Reader"] {
        assert!(differ.iter().any(|d| d == r), "{r}");
    }
    assert!(!differ.iter().any(|d| d == "Reader"));
}

#[test]
fn owner_grants_every_control_operation_and_no_data_operation() {
    let m = model();
    let e = expand(&m.index, role("Owner"), WildcardMode::Azure);
    assert_eq!(e.count(&m.index, Plane::Data), 0);
    assert!(e.unknown[1].is_empty());
    assert_eq!(
        e.count(&m.index, Plane::Control),
        m.index.catalog().count(Plane::Control)
    );
    assert_eq!(m.index.catalog().count(Plane::Control), 18_263);
}

#[test]
fn pinned_counts() {
    // Effective operation counts (control, data), azure mode / literal mode, from the python
    // verifier; the sum over all 928 roles is a checksum of the whole expansion.
    let m = model();
    let count = |name: &str, mode| {
        let e = expand(&m.index, role(name), mode);
        (
            e.count(&m.index, Plane::Control) + e.unknown[0].len(),
            e.count(&m.index, Plane::Data) + e.unknown[1].len(),
        )
    };
    use WildcardMode::{Azure, Literal};
    assert_eq!(count("Reader", Azure), (7692, 0));
    assert_eq!(count("Contributor", Azure), (18_218, 0));
    assert_eq!(count("AzureML Data Scientist", Azure), (276, 0));
    assert_eq!(count("AzureML Data Scientist", Literal), (277, 0));
    assert_eq!(count("AzureML Compute Operator", Azure), (18, 0));
    assert_eq!(count("Key Vault Reader", Azure), (67, 7));
    assert_eq!(count("Key Vault Reader", Literal), (66, 7));
    let total = |mode| -> usize {
        m.builtins
            .roles()
            .iter()
            .map(|r| {
                let e = expand(&m.index, r, mode);
                e.granted.count_ones(..) + e.unknown[0].len() + e.unknown[1].len()
            })
            .sum()
    };
    assert_eq!(total(Azure), 234_416);
    assert_eq!(total(Literal), 234_241);
}
