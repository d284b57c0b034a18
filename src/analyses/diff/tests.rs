//! Unit tests of the role diff over a small hand-made catalog.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::model::{Catalog, OpId, Plane, Provenance, ProviderOps, parse_roles_json};

pub(super) const OPS: &[(&str, bool)] = &[
    ("Microsoft.KeyVault/vaults/read", false),
    ("Microsoft.KeyVault/vaults/write", false),
    ("Microsoft.KeyVault/vaults/delete", false),
    ("Microsoft.KeyVault/vaults/secrets/read", false),
    ("Microsoft.KeyVault/vaults/secrets/write", false),
    ("Microsoft.KeyVault/vaults/secrets/getSecret/action", true),
    ("Microsoft.KeyVault/vaults/secrets/setSecret/action", true),
    ("Microsoft.Storage/storageAccounts/read", false),
    ("Microsoft.Storage/storageAccounts/listKeys/action", false),
    (
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        true,
    ),
    ("Microsoft.Authorization/roleAssignments/write", false),
    ("Microsoft.Authorization/roleAssignments/read", false),
];

pub(super) fn index() -> Index {
    Index::new(Catalog::build(
        vec![ProviderOps {
            name: "Microsoft.KeyVault".into(),
            operations: OPS.iter().map(|(n, d)| (n.to_string(), *d, None)).collect(),
        }],
        Provenance::default(),
    ))
}

pub(super) fn role(text: &str) -> RoleDefinition {
    parse_roles_json(&serde_json::from_str(text).unwrap(), "t.json")
        .unwrap()
        .remove(0)
}

fn diff(
    ix: &Index,
    old: Option<&RoleDefinition>,
    new: Option<&RoleDefinition>,
    tagger: &dyn Tagger,
) -> RoleChange {
    let p = Pairing {
        old,
        new,
        old_path: None,
        new_path: None,
    };
    diff_pair(ix, WildcardMode::Azure, &p, tagger)
}

fn names(list: &[Vec<OpChange>; 2], plane: Plane) -> Vec<String> {
    OpsDiff::names(list, plane)
}

/// Tags everything under Microsoft.Authorization (category 0) and listKeys (category 1) as high.
struct TestTags;

impl Tagger for TestTags {
    fn tag(&self, _: Plane, _: Option<OpId>, name: &str) -> Tags {
        let mut categories = Vec::new();
        if name
            .to_ascii_lowercase()
            .starts_with("microsoft.authorization/")
        {
            categories.push(0);
        }
        if name.to_ascii_lowercase().contains("/listkeys/") {
            categories.push(1);
        }
        Tags {
            high: !categories.is_empty(),
            categories,
        }
    }
}

#[test]
fn reorder_reformat_and_metadata_are_no_effective_change() {
    let ix = index();
    let a = role(
        r#"{"roleName":"R","name":"11111111-1111-1111-1111-111111111111","updatedOn":"2024-01-01",
            "permissions":[{"actions":["Microsoft.KeyVault/vaults/read","Microsoft.Storage/*"],"notActions":["Microsoft.Storage/storageAccounts/listKeys/action"]}],"assignableScopes":["/"]}"#,
    );
    let b = role(
        r#"{"roleName":"R","name":"11111111-1111-1111-1111-111111111111","updatedOn":"2025-06-01",
            "permissions":[{"notActions":["microsoft.storage/storageaccounts/listkeys/action "],
            "actions":["Microsoft.Storage/*","  MICROSOFT.KEYVAULT/vaults/read"]}],"assignableScopes":["/"]}"#,
    );
    let d = diff(&ix, Some(&a), Some(&b), &NoTags);
    assert_eq!(d.status, Status::NoEffectiveChange);
    assert!(d.ops.is_empty());
    assert!(d.written.is_empty(), "{:?}", d.written);
}

#[test]
fn a_widened_wildcard_shows_the_exact_operations_it_reaches() {
    let ix = index();
    let a = role(r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/read"]}"#);
    let b = role(r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/*"]}"#);
    let d = diff(&ix, Some(&a), Some(&b), &NoTags);
    assert_eq!(d.status, Status::Changed);
    assert_eq!(
        names(&d.ops.added, Plane::Control),
        vec![
            "Microsoft.KeyVault/vaults/delete",
            "Microsoft.KeyVault/vaults/secrets/read",
            "Microsoft.KeyVault/vaults/secrets/write",
            "Microsoft.KeyVault/vaults/write"
        ]
    );
    // The data-plane operations under vaults/ are not reached by an Actions entry.
    assert!(d.ops.added[Plane::Data as usize].is_empty());
    assert_eq!(d.ops.removed_count(), 0);
    assert_eq!(d.written.entries_added.len(), 1);
    assert_eq!(
        d.written.entries_added[0].entry,
        "Microsoft.KeyVault/vaults/*"
    );
    assert_eq!(d.written.entries_added[0].affects, 4);
    assert_eq!(
        d.written.entries_removed[0].entry,
        "Microsoft.KeyVault/vaults/read"
    );
    assert_eq!(d.written.entries_removed[0].affects, 0);
}

#[test]
fn removing_a_not_action_adds_what_it_held_back() {
    let ix = index();
    let a = role(
        r#"{"Name":"R","Actions":["Microsoft.Storage/*"],"NotActions":["Microsoft.Storage/storageAccounts/listKeys/action"]}"#,
    );
    let b = role(r#"{"Name":"R","Actions":["Microsoft.Storage/*"]}"#);
    let d = diff(&ix, Some(&a), Some(&b), &TestTags);
    assert_eq!(
        names(&d.ops.added, Plane::Control),
        vec!["Microsoft.Storage/storageAccounts/listKeys/action"]
    );
    assert_eq!(
        d.written.entries_removed[0].field,
        crate::model::Field::NotActions
    );
    assert_eq!(d.written.entries_removed[0].affects, 1);
    let op = &d.ops.added[0][0];
    assert!(op.tags.high);
    assert_eq!(op.tags.categories, vec![1]);
    let src = op
        .source
        .as_ref()
        .expect("high-risk addition is attributed");
    assert_eq!(src.entry, "Microsoft.Storage/*");
    assert_eq!(src.pointer, "/Actions/0");
}

#[test]
fn unknown_literals_are_names() {
    let ix = index();
    let a = role(r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/read"]}"#);
    let b = role(
        r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/read","Microsoft.New/things/read"],"DataActions":["Microsoft.New/things/data/read"]}"#,
    );
    let d = diff(&ix, Some(&a), Some(&b), &NoTags);
    assert_eq!(
        names(&d.ops.added, Plane::Control),
        vec!["Microsoft.New/things/read"]
    );
    assert_eq!(
        names(&d.ops.added, Plane::Data),
        vec!["Microsoft.New/things/data/read"]
    );
    assert!(d.ops.added[0][0].id.is_none());
    let back = diff(&ix, Some(&b), Some(&a), &NoTags);
    assert_eq!(
        names(&back.ops.removed, Plane::Control),
        vec!["Microsoft.New/things/read"]
    );
    // A case change of an unknown literal is no change.
    let c = role(
        r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/read","microsoft.new/THINGS/read"],"DataActions":["Microsoft.New/things/data/read"]}"#,
    );
    assert_eq!(
        diff(&ix, Some(&b), Some(&c), &NoTags).status,
        Status::NoEffectiveChange
    );
}

#[test]
fn conditions_flip_conditionality() {
    let ix = index();
    let a = role(
        r#"{"roleName":"R","permissions":[{"dataActions":["Microsoft.KeyVault/vaults/secrets/getSecret/action"],"condition":"x","conditionVersion":"2.0"}]}"#,
    );
    let b = role(
        r#"{"roleName":"R","permissions":[{"dataActions":["Microsoft.KeyVault/vaults/secrets/getSecret/action"]}]}"#,
    );
    let d = diff(&ix, Some(&a), Some(&b), &NoTags);
    assert_eq!(d.status, Status::Changed);
    assert_eq!(d.ops.added_count(), 0);
    assert_eq!(
        names(&d.ops.now_unconditional, Plane::Data),
        vec!["Microsoft.KeyVault/vaults/secrets/getSecret/action"]
    );
    assert!(d.ops.widens());
    assert_eq!(d.written.conditions.len(), 1);
    assert_eq!(d.written.conditions[0].block, Some(0));
    assert_eq!(
        d.written.conditions[0].old.as_deref(),
        Some("x (version 2.0)")
    );
    assert!(d.written.conditions[0].new.is_none());
    let back = diff(&ix, Some(&b), Some(&a), &NoTags);
    assert_eq!(back.ops.now_conditional[1].len(), 1);
    assert!(!back.ops.widens());
    // The gate counts freeing an operation from its condition as adding it.
    let g = evaluate(
        std::slice::from_ref(&d),
        FailOn::Added,
        Unresolved::default(),
    );
    assert!(g.failed);
    assert!(
        !evaluate(
            std::slice::from_ref(&back),
            FailOn::Added,
            Unresolved::default()
        )
        .failed
    );
}

#[test]
fn added_and_removed_roles_are_reported_whole() {
    let ix = index();
    let r = role(
        r#"{"Name":"R","Actions":["Microsoft.Storage/storageAccounts/*"],"AssignableScopes":["/subscriptions/1"]}"#,
    );
    let d = diff(&ix, None, Some(&r), &NoTags);
    assert_eq!(d.status, Status::Added);
    assert_eq!(d.ops.added_count(), 2);
    assert_eq!(d.written.entries_added.len(), 1);
    assert_eq!(d.written.scopes_added, vec!["/subscriptions/1"]);
    let d = diff(&ix, Some(&r), None, &NoTags);
    assert_eq!(d.status, Status::Removed);
    assert_eq!(d.ops.removed_count(), 2);
    assert_eq!(d.written.entries_removed.len(), 1);
}

#[test]
fn scopes_name_description_and_role_condition() {
    let ix = index();
    let a = role(
        r#"{"Name":"R","Description":"d1","Actions":["Microsoft.KeyVault/vaults/read"],"AssignableScopes":["/subscriptions/1/resourceGroups/rg","/subscriptions/2/"]}"#,
    );
    let b = role(
        r#"{"Name":"R2","Description":"d2","Condition":"c","Actions":["Microsoft.KeyVault/vaults/read"],"AssignableScopes":["/SUBSCRIPTIONS/2","/subscriptions/1"]}"#,
    );
    let d = diff(&ix, Some(&a), Some(&b), &NoTags);
    assert_eq!(d.written.scopes_added, vec!["/subscriptions/1"]);
    assert_eq!(
        d.written.scopes_removed,
        vec!["/subscriptions/1/resourceGroups/rg"]
    );
    assert_eq!(d.written.name.as_ref().unwrap().new.as_deref(), Some("R2"));
    assert_eq!(
        d.written.description.as_ref().unwrap().old.as_deref(),
        Some("d1")
    );
    assert_eq!(d.written.conditions[0].block, None);
    // The role condition makes the grant conditional.
    assert_eq!(
        names(&d.ops.now_conditional, Plane::Control),
        vec!["Microsoft.KeyVault/vaults/read"]
    );
    assert_eq!(d.role, "R2");
}

#[test]
fn gate_levels() {
    let ix = index();
    let a = role(r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/read"]}"#);
    let b = role(r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/*"]}"#);
    let c = role(
        r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/read","Microsoft.Authorization/*/write"]}"#,
    );
    let plain = [diff(&ix, Some(&a), Some(&b), &TestTags)];
    let risky = [diff(&ix, Some(&a), Some(&c), &TestTags)];
    assert!(evaluate(&plain, FailOn::Added, Unresolved::default()).failed);
    assert!(!evaluate(&plain, FailOn::HighRisk, Unresolved::default()).failed);
    assert!(!evaluate(&plain, FailOn::None, Unresolved::default()).failed);
    let g = evaluate(&risky, FailOn::HighRisk, Unresolved::default());
    assert!(g.failed);
    assert_eq!(g.reasons, vec!["R: 1 high-risk operation added"]);
    assert_eq!(
        risky[0].ops.added[0][0]
            .source
            .as_ref()
            .map(|s| s.pointer.as_str()),
        Some("/Actions/1")
    );
    // Removing access never trips the gate.
    assert!(
        !evaluate(
            &[diff(&ix, Some(&c), Some(&a), &TestTags)],
            FailOn::Added,
            Unresolved::default()
        )
        .failed
    );
}

#[test]
fn unresolved_values_make_the_change_incomplete() {
    let ix = index();
    let a = role(r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/read"]}"#);
    let b = role(
        r#"{"Name":"R","Actions":["Microsoft.KeyVault/vaults/read","[parameters('extra')]"]}"#,
    );
    let d = diff(&ix, Some(&a), Some(&b), &NoTags);
    assert!(!d.complete());
    assert!(d.unresolved_changed());
    assert_eq!(d.status, Status::NoEffectiveChange);
    let g = evaluate(
        std::slice::from_ref(&d),
        FailOn::HighRisk,
        Unresolved::default(),
    );
    assert!(g.failed);
    assert!(g.reasons[0].contains("incomplete"), "{:?}", g.reasons);
    // The same unresolved value on both sides of the same text does not trip the gate...
    let same = diff(&ix, Some(&b), Some(&b), &NoTags);
    assert!(!same.complete());
    assert!(
        !evaluate(
            std::slice::from_ref(&same),
            FailOn::Added,
            Unresolved::default()
        )
        .failed
    );
    // ...but when the texts differ, what it stands for may have changed (found by an audit:
    // a Terraform variable's default changed beside an unchanged `var.x`).
    let changed = Unresolved {
        sources_differ: true,
        allowed: false,
    };
    let g = evaluate(std::slice::from_ref(&same), FailOn::Added, changed);
    assert!(g.failed);
    assert!(
        g.reasons[0].contains("--allow-unresolved"),
        "{:?}",
        g.reasons
    );
    // `--allow-unresolved` lets both kinds pass.
    let allowed = Unresolved {
        sources_differ: true,
        allowed: true,
    };
    assert!(!evaluate(std::slice::from_ref(&same), FailOn::Added, allowed).failed);
    assert!(!evaluate(std::slice::from_ref(&d), FailOn::HighRisk, allowed).failed);
}

#[test]
fn entries_moving_between_blocks_with_the_same_condition_are_not_changes() {
    let ix = index();
    let a = role(
        r#"{"roleName":"R","permissions":[{"actions":["Microsoft.KeyVault/vaults/read"]},{"actions":["Microsoft.Storage/storageAccounts/read"]}]}"#,
    );
    let b = role(
        r#"{"roleName":"R","permissions":[{"actions":["Microsoft.Storage/storageAccounts/read","Microsoft.KeyVault/vaults/read"]}]}"#,
    );
    let d = diff(&ix, Some(&a), Some(&b), &NoTags);
    assert_eq!(d.status, Status::NoEffectiveChange);
    assert!(d.written.entries_added.is_empty() && d.written.entries_removed.is_empty());
    assert_eq!(d.written.blocks, (2, 1));
    assert!(!d.written.is_empty());
}
