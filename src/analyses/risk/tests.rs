#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::data::Model;
use crate::model::{OpId, Plane, WildcardMode, parse_roles_json};
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().unwrap())
}

fn taxonomy() -> &'static Taxonomy {
    static T: OnceLock<Taxonomy> = OnceLock::new();
    T.get_or_init(|| Taxonomy::embedded().unwrap())
}

fn risk_index() -> &'static RiskIndex {
    static R: OnceLock<RiskIndex> = OnceLock::new();
    R.get_or_init(|| taxonomy().classify(&model().index, WildcardMode::Azure))
}

fn cat(key: &str) -> usize {
    taxonomy()
        .find(key)
        .unwrap_or_else(|| panic!("no category {key}"))
}

fn keys_of(cats: &[usize]) -> Vec<&'static str> {
    cats.iter()
        .map(|c| taxonomy().category(*c).key.as_str())
        .collect()
}

#[test]
fn embedded_taxonomy_has_the_required_categories() {
    let t = taxonomy();
    for key in [
        "privilege-escalation",
        "identity-takeover",
        "secret-exposure",
        "code-execution",
        "destructive",
        "network-exposure",
        "data-plane-access",
    ] {
        assert!(t.find(key).is_some(), "{key}");
    }
    assert_eq!(
        t.category(cat("privilege-escalation")).severity,
        Severity::Critical
    );
    assert_eq!(t.category(cat("secret-exposure")).severity, Severity::High);
    assert!(Severity::Critical > Severity::High && Severity::Medium > Severity::Low);
    assert_eq!(Severity::DESCENDING[0].as_str(), "critical");
}

#[test]
fn index_agrees_with_classifying_each_name() {
    // The fast path (rules resolved through the graph index) against the naive one
    // (every rule matched against every catalog name), on the whole catalog, both modes.
    let m = model();
    let cat_len = m.index.catalog().len();
    for mode in [WildcardMode::Azure, WildcardMode::Literal] {
        let ri = taxonomy().classify(&m.index, mode);
        for id in 0..cat_len as OpId {
            let op = m.index.catalog().op(id);
            let naive = taxonomy().classify_name(&op.name, op.plane, mode);
            assert_eq!(
                ri.categories(id),
                naive.as_slice(),
                "{} ({mode:?})",
                op.name
            );
            assert_eq!(ri.max_severity(id), taxonomy().max_severity_of(&naive));
            for c in 0..ri.category_count() {
                assert_eq!(ri.ops_in(c).contains(id as usize), naive.contains(&c));
            }
        }
    }
}

#[test]
fn known_operations_land_in_their_categories() {
    let ri = risk_index();
    let cat_of = |name: &str, plane: Plane| {
        let id = model()
            .index
            .catalog()
            .find(plane, name)
            .unwrap_or_else(|| panic!("{name} not in catalog"));
        keys_of(ri.categories(id))
    };
    let c = Plane::Control;
    assert!(
        cat_of("Microsoft.Authorization/roleAssignments/write", c)
            .contains(&"privilege-escalation")
    );
    assert!(
        cat_of("Microsoft.Storage/storageAccounts/listkeys/action", c).contains(&"secret-exposure")
    );
    assert!(
        cat_of(
            "Microsoft.MachineLearningServices/workspaces/metadata/secrets/read",
            c
        )
        .contains(&"secret-exposure")
    );
    assert!(
        cat_of(
            "Microsoft.MachineLearningServices/workspaces/onlineendpoints/token/action",
            c
        )
        .contains(&"secret-exposure")
    );
    assert!(
        cat_of("Microsoft.Compute/virtualMachines/runCommand/action", c)
            .contains(&"code-execution")
    );
    assert!(
        cat_of("Microsoft.MachineLearningServices/registries/delete", c).contains(&"destructive")
    );
    assert_eq!(
        cat_of("Microsoft.Compute/virtualMachines/read", c),
        Vec::<&str>::new()
    );
    let blob = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
    assert_eq!(cat_of(blob, Plane::Data), vec!["data-plane-access"]);
    let id = model()
        .index
        .catalog()
        .find(c, "Microsoft.Authorization/roleAssignments/write")
        .unwrap();
    assert_eq!(ri.max_severity(id), Some(Severity::Critical));
    // Exceptions hold: revoking tokens exposes nothing.
    assert!(
        !cat_of(
            "Microsoft.Storage/storageAccounts/revokeUserDelegationKeys/action",
            c
        )
        .contains(&"secret-exposure")
    );
}

#[test]
fn classify_name_is_case_insensitive_and_plane_aware() {
    let t = taxonomy();
    let a = WildcardMode::Azure;
    let got = t.classify_name(
        "MICROSOFT.NEWTHING/vaults/LISTKEYS/ACTION",
        Plane::Control,
        a,
    );
    assert!(keys_of(&got).contains(&"secret-exposure"), "{got:?}");
    assert!(
        keys_of(&t.classify_name("Contoso.Widgets/things/listSecrets/action", Plane::Data, a))
            .contains(&"secret-exposure")
    );
    // The data-plane catch-all never applies to control-plane names.
    assert!(
        !keys_of(&t.classify_name("Contoso.Widgets/things/read", Plane::Control, a))
            .contains(&"data-plane-access")
    );
    assert_eq!(
        keys_of(&t.classify_name("Contoso.Widgets/things/read", Plane::Data, a)),
        vec!["data-plane-access"]
    );
    let why = t.explain_name(
        "Microsoft.Authorization/roleAssignments/write",
        Plane::Control,
        a,
    );
    assert!(why.iter().any(|m| m.category == cat("privilege-escalation")
        && m.pattern == "Microsoft.Authorization/roleAssignments/write"));
}

fn role(json: &str) -> crate::model::RoleDefinition {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    parse_roles_json(&v, "t.json").unwrap().remove(0)
}

#[test]
fn wildcard_entries_are_caught_per_entry() {
    let m = model();
    let r = role(
        r#"{"Name":"W","Actions":["Microsoft.Authorization/*/write","Microsoft.Compute/*/read","Contoso.New/x/listKeys/action"],
            "NotActions":["Microsoft.Authorization/roleDefinitions/write"],
            "DataActions":["Microsoft.KeyVault/vaults/secrets/*"]}"#,
    );
    let entries = classify_entries(&m.index, taxonomy(), risk_index(), &r, m.mode);
    assert_eq!(entries.len(), 4);
    let pe = cat("privilege-escalation");
    let auth = &entries[0];
    assert_eq!(auth.text, "Microsoft.Authorization/*/write");
    assert_eq!(auth.pointer, "/Actions/0");
    let ops: Vec<&str> = auth
        .categories
        .iter()
        .find(|c| c.category == pe)
        .unwrap()
        .ops
        .iter()
        .map(|i| m.index.catalog().name(*i))
        .collect();
    assert!(
        ops.contains(&"Microsoft.Authorization/roleAssignments/write"),
        "{ops:?}"
    );
    // NotActions of the block remove what they match from the entry's reach.
    assert!(
        !ops.contains(&"Microsoft.Authorization/roleDefinitions/write"),
        "{ops:?}"
    );
    assert!(
        entries[1].categories.is_empty(),
        "reads are not risky: {:?}",
        entries[1].categories
    );
    let unknown = &entries[2];
    assert!(
        unknown
            .categories
            .iter()
            .any(|c| c.unknown_literal && c.category == cat("secret-exposure"))
    );
    let kv = &entries[3];
    assert_eq!(kv.field, crate::model::Field::DataActions);
    assert!(kv.has(cat("secret-exposure")) && kv.has(cat("data-plane-access")));
}

#[test]
fn taxonomy_file_errors_are_positioned() {
    let e = Taxonomy::from_toml("schemaVersion = 1\n[[category]]\nkey = \n", "r.toml")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("r.toml:3:"), "{e}");
    let base = "schemaVersion = 1\n[[category]]\nkey = \"secret-exposure\"\nname = \"A\"\nseverity = \"high\"\nreason = \"r\"\n";
    assert!(Taxonomy::from_toml(base, "r.toml").is_ok());
    let e = Taxonomy::from_toml(&base.replace("high", "huge"), "r.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown severity `huge`"), "{e}");
    let e = Taxonomy::from_toml(
        &base.replace("secret-exposure", "Secret_Exposure"),
        "r.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("kebab"), "{e}");
    let rule =
        "[[rule]]\ncategory = \"secret-exposur\"\nplane = \"control\"\npatterns = [\"x/y\"]\n";
    let e = Taxonomy::from_toml(&format!("{base}{rule}"), "r.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown category `secret-exposur` (did you mean `secret-exposure`?)"),
        "{e}"
    );
    let e = Taxonomy::from_toml(
        &format!(
            "{base}{}",
            rule.replace("secret-exposur\"", "secret-exposure\"")
                .replace("control", "mgmt")
        ),
        "r.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown plane"), "{e}");
    let e = Taxonomy::from_toml(&format!("{base}bogus = 1\n"), "r.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("bogus"), "{e}");
}

/// Every row of the fixture derived from section 5 of the reference spec is classified:
/// literal names directly (catalog index and name classifier agree), patterns through the
/// operations they expand to.
#[test]
fn every_dangerous_operation_of_the_spec_is_classified() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/analyzer/dangerous-operations.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let m = model();
    let mut rows = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "{line}");
        let (name, plane, key) = (cols[1], Plane::parse(cols[2]).unwrap(), cols[3]);
        let want = cat(key);
        let pattern = crate::model::Pattern::parse(name).unwrap();
        if pattern.is_literal() {
            let id = m
                .index
                .catalog()
                .find(plane, name)
                .unwrap_or_else(|| panic!("{name} not in the catalog"));
            assert!(
                risk_index().categories(id).contains(&want),
                "{name}: {:?}",
                keys_of(risk_index().categories(id))
            );
            assert!(
                taxonomy()
                    .classify_name(name, plane, m.mode)
                    .contains(&want),
                "{name}"
            );
        } else {
            let set = m.index.resolve(&pattern, plane, m.mode);
            assert!(set.count_ones(..) > 0, "{name} reaches nothing");
            assert!(
                set.ones()
                    .any(|id| risk_index().categories(id as OpId).contains(&want)),
                "{name} reaches nothing in {key}"
            );
            assert!(!set.is_disjoint(risk_index().ops_in(want)));
        }
        rows += 1;
    }
    assert!(rows >= 60, "{rows}");
}

mod prop {
    use super::super::*;
    use crate::graph::Index;
    use crate::model::{Catalog, OpId, Provenance, ProviderOps, WildcardMode};
    use proptest::prelude::*;

    const SEGS: &[&str] = &["vaults", "Vaults", "keys", "x", "listKeys", "secrets"];
    const VERBS: &[&str] = &["read", "write", "delete", "listKeys/action", "action"];

    fn name() -> impl Strategy<Value = String> {
        (
            0..2usize,
            prop::collection::vec(0..SEGS.len(), 0..3),
            0..VERBS.len(),
        )
            .prop_map(|(p, segs, v)| {
                let mut n = vec![["Contoso.A", "Contoso.B"][p].to_string()];
                n.extend(segs.iter().map(|i| SEGS[*i].to_string()));
                n.push(VERBS[v].to_string());
                n.join("/")
            })
    }

    fn pattern() -> impl Strategy<Value = String> {
        (
            name(),
            prop::collection::vec(0..6usize, 1..3),
            any::<bool>(),
        )
            .prop_map(|(n, cuts, star_start)| {
                // Replace some segments of a name by `*` (or a trailing run by `*`).
                let mut segs: Vec<String> = n.split('/').map(str::to_string).collect();
                for c in cuts {
                    let i = c % segs.len();
                    segs[i] = "*".to_string();
                }
                let mut p = segs.join("/");
                if star_start {
                    p = format!("*{}", &p[p.len() / 2..]);
                }
                p
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn risk_index_equals_naive_classification(
            names in prop::collection::vec((name(), any::<bool>()), 1..30),
            rules in prop::collection::vec((pattern(), 0..3usize, 0..2usize), 1..6),
            except in prop::option::of(pattern()),
            literal in any::<bool>(),
        ) {
            let mode = if literal { WildcardMode::Literal } else { WildcardMode::Azure };
            let ops = names.iter().map(|(n, d)| (n.clone(), *d, None)).collect();
            let catalog = Catalog::build(vec![ProviderOps { name: "Contoso.A".into(), operations: ops }], Provenance::default());
            let index = Index::new(catalog);
            let mut toml = String::from("schemaVersion = 1\n");
            for k in ["c-zero", "c-one"] {
                toml.push_str(&format!("[[category]]\nkey = \"{k}\"\nname = \"{k}\"\nseverity = \"high\"\nreason = \"r\"\n"));
            }
            for (i, (p, plane, c)) in rules.iter().enumerate() {
                let plane = ["control", "data", "both"][*plane];
                let key = ["c-zero", "c-one"][*c];
                toml.push_str(&format!("[[rule]]\ncategory = \"{key}\"\nplane = \"{plane}\"\npatterns = [\"{p}\"]\n"));
                if i == 0 && let Some(e) = &except {
                    toml.push_str(&format!("except = [\"{e}\"]\n"));
                }
            }
            let t = Taxonomy::from_toml(&toml, "gen.toml").unwrap();
            let ri = t.classify(&index, mode);
            for id in 0..index.catalog().len() as OpId {
                let op = index.catalog().op(id);
                let naive = t.classify_name(&op.name, op.plane, mode);
                prop_assert_eq!(ri.categories(id), naive.as_slice(), "{} on {:?}", op.name, op.plane);
            }
        }
    }
}
