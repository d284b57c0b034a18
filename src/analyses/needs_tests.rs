//! Unit tests of the needs parser and resolver.

use super::*;
use crate::data::Model;
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().unwrap())
}

const MLS: &str = "Microsoft.MachineLearningServices";

#[test]
fn plain_text_with_comments_prefixes_and_wildcards() {
    let text = format!(
        "# job needs\n\n  {MLS}/workspaces/read   # the workspace\ncontrol: {MLS}/workspaces/jobs/*\ndata:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read\n"
    );
    let n = Needs::parse(&text, "needs.txt").unwrap();
    assert_eq!(n.source, NeedsSource::Text);
    assert_eq!(n.entries.len(), 3);
    assert_eq!(n.entries[0].plane, None);
    assert_eq!((n.entries[0].line, n.entries[0].column), (3, 3));
    assert_eq!(n.entries[1].plane, Some(Plane::Control));
    assert_eq!(n.entries[1].text, format!("{MLS}/workspaces/jobs/*"));
    assert_eq!(n.entries[2].plane, Some(Plane::Data));
    let set = n.resolve(model());
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    let control = set.names(model(), Plane::Control);
    assert!(control.contains(&format!("{MLS}/workspaces/read")));
    assert!(control.contains(&format!("{MLS}/workspaces/jobs/write")));
    assert_eq!(
        set.names(model(), Plane::Data),
        vec!["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]
    );
}

#[test]
fn json_array_of_strings() {
    let n = Needs::parse(
        &format!("[\n  \"{MLS}/workspaces/read\",\n  \"data: Microsoft.Storage/*/blobs/read\"\n]"),
        "n.json",
    )
    .unwrap();
    assert_eq!(n.source, NeedsSource::JsonArray);
    assert_eq!(n.entries.len(), 2);
    assert_eq!(n.entries[1].line, 3);
    assert_eq!(n.entries[1].plane, Some(Plane::Data));
    let e = Needs::parse(
        &format!("[\n  \"{MLS}/workspaces/read\",\n  \"not an op\"\n]"),
        "n.json",
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "n.json:3:3: `not an op` contains whitespace");
    let e = Needs::parse("[\"a/b\", 3]", "n.json")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("n.json:1:"), "{e}");
    let e = Needs::parse("[]", "n.json").unwrap_err().to_string();
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn role_file_needs_are_its_effective_permissions() {
    let role = format!(
        r#"{{"Name":"R","Actions":["{MLS}/workspaces/*/read"],"NotActions":["{MLS}/workspaces/metadata/secrets/read"]}}"#
    );
    let n = Needs::parse(&role, "role.json").unwrap();
    assert_eq!(n.source, NeedsSource::RoleFile);
    let set = n.resolve(model());
    let names = set.names(model(), Plane::Control);
    assert!(
        names.contains(&format!("{MLS}/workspaces/read")),
        "azure mode: /*/ matches one slash"
    );
    assert!(!names.contains(&format!("{MLS}/workspaces/metadata/secrets/read")));
    let r =
        crate::model::parse_roles_json(&serde_json::from_str(&role).unwrap(), "role.json").unwrap();
    let eff = expand(&model().index, &r[0], model().mode);
    assert_eq!(set.ops, eff.granted);
    let e = Needs::parse(r#"{"Name":"E","Actions":[]}"#, "e.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn malformed_entries_are_input_errors_with_position() {
    let e = Needs::parse(
        "# c\nMicrosoft.Compute/virtualMachines/read\n  compute/read\n",
        "n.txt",
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Syntax {
                line: 3,
                column: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("n.txt:3:3: `compute/read` is not an operation name"),
        "{e}"
    );
    let e = Needs::parse("Microsoft.Compute/virtual Machines/read\n", "n.txt")
        .unwrap_err()
        .to_string();
    assert!(e.contains("whitespace"), "{e}");
    let e = Needs::parse("control:   nothing\n", "n.txt").unwrap_err();
    assert!(
        matches!(
            e,
            Error::Syntax {
                line: 1,
                column: 12,
                ..
            }
        ),
        "{e:?}"
    );
    let e = Needs::parse("# only comments\n\n", "n.txt")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "n.txt: the needs list is empty (no operation listed)");
    assert!(Needs::from_actions(&[]).is_err());
    let e = Needs::from_actions(&["read".to_string()])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("--action: `read` is not an operation name"),
        "{e}"
    );
}

#[test]
fn unknown_names_are_kept_and_warned_about() {
    let n = Needs::parse(
        &format!("{MLS}/workspaces/jobs/wirte\ndata:{MLS}/workspaces/read\nContoso.Nope/*/read\n"),
        "n.txt",
    )
    .unwrap();
    let set = n.resolve(model());
    assert_eq!(
        set.unknown_any,
        vec![format!("{MLS}/workspaces/jobs/wirte")]
    );
    assert_eq!(set.unknown[1], vec![format!("{MLS}/workspaces/read")]);
    assert_eq!(set.warnings.len(), 3, "{:?}", set.warnings);
    assert!(
        set.warnings[0].starts_with("n.txt:1:1: "),
        "{}",
        set.warnings[0]
    );
    assert!(
        set.warnings[0].contains(&format!("did you mean `{MLS}/workspaces/jobs/write`?")),
        "{}",
        set.warnings[0]
    );
    assert!(
        set.warnings[1].contains("control-plane operation"),
        "{}",
        set.warnings[1]
    );
    assert!(
        set.warnings[2].contains("matches no catalog operation")
            && set.warnings[2].contains("no provider `Contoso.Nope`")
    );
    assert_eq!(set.len(), 2);
}

#[test]
fn action_arguments() {
    let n = Needs::from_actions(&[
        format!("{MLS}/workspaces/read"),
        format!("control:{MLS}/workspaces/jobs/write"),
    ])
    .unwrap();
    assert_eq!(n.source, NeedsSource::CommandLine);
    let set = n.resolve(model());
    assert_eq!(set.len(), 2);
    assert_eq!(set.ids(model(), Plane::Data).count(), 0);
}
