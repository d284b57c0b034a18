//! The shipped scenario library checked against the embedded catalog and risk taxonomy.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::analyses::generate::roundtrip_tests::model;
use crate::analyses::risk::RiskModel;
use crate::model::Pattern;
use std::path::PathBuf;

fn library() -> Library {
    Library::embedded().unwrap()
}

#[test]
fn every_file_in_data_scenarios_is_embedded_and_nothing_else() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let embedded: Vec<String> = embedded::EMBEDDED
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(
        on_disk, embedded,
        "add new files to src/analyses/scenario/embedded.rs"
    );
    for (name, text) in embedded::EMBEDDED {
        let disk = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(&disk, text, "{name}");
    }
}

#[test]
fn the_issue_lists_these_scenarios() {
    let lib = library();
    for name in [
        "online-endpoint-monitoring",
        "online-endpoint-deployment",
        "online-endpoint-scoring",
        "batch-endpoint-invocation",
        "training-job-submission",
        "compute-operator",
        "mlflow-tracking",
        "model-registry-reader",
        "model-registry-writer",
        "registry-reader",
        "registry-publisher",
        "data-labeler",
        "workspace-auditor",
        "data-scientist-no-secrets",
    ] {
        assert!(lib.get(name).is_some(), "{name}");
    }
}

#[test]
fn every_operation_is_in_the_catalog_or_explained() {
    let m = model();
    let cat = m.index.catalog();
    for s in library().all() {
        for plane in Plane::BOTH {
            for p in s.entries(plane) {
                if p.is_literal() {
                    let known = cat.find_lower(plane, p.lower()).is_some();
                    let explained = s.not_in_catalog.iter().any(|n| {
                        n.operation.eq_ignore_ascii_case(p.as_str()) && !n.reason.trim().is_empty()
                    });
                    assert!(
                        known || explained,
                        "{}: `{}` is not in the catalog ({plane})",
                        s.name,
                        p.as_str()
                    );
                    assert!(
                        !(known && explained),
                        "{}: `{}` is in the catalog",
                        s.name,
                        p.as_str()
                    );
                    // The exact catalog spelling is used, so the explicit role reads as Azure lists it.
                    if let Some(id) = cat.find_lower(plane, p.lower()) {
                        assert_eq!(cat.name(id), p.as_str(), "{}: spelling", s.name);
                    }
                } else {
                    let n = m.index.resolve(&p, plane, m.mode).count_ones(..);
                    assert!(
                        n > 0,
                        "{}: pattern `{}` matches nothing",
                        s.name,
                        p.as_str()
                    );
                }
            }
        }
        for n in &s.not_in_catalog {
            assert!(
                s.actions
                    .iter()
                    .chain(&s.data_actions)
                    .any(|a| a.eq_ignore_ascii_case(&n.operation)),
                "{}: not_in_catalog `{}` is not one of the scenario's operations",
                s.name,
                n.operation
            );
        }
        // What a scenario leaves out is real: each entry names catalog operations.
        for l in &s.leaves_out {
            let plane = Scenario::leave_out_plane(l);
            for e in &l.operations {
                let p = validate_user_pattern(e).unwrap();
                let n = m.index.resolve(&p, plane, m.mode).count_ones(..);
                assert!(
                    n > 0,
                    "{}: leaves_out `{e}` matches nothing in the catalog",
                    s.name
                );
            }
        }
        let r = s.resolve(&m.index, m.mode);
        assert!(!r.requirement.is_empty(), "{}", s.name);
        assert!(
            r.empty_patterns.is_empty(),
            "{}: {:?}",
            s.name,
            r.empty_patterns
        );
    }
}

#[test]
fn scenarios_name_their_sources_and_say_what_they_leave_out() {
    for s in library().all() {
        assert!(!s.sources.is_empty(), "{}", s.name);
        for src in &s.sources {
            assert!(
                src.url.starts_with("https://learn.microsoft.com/"),
                "{}: {}",
                s.name,
                src.url
            );
        }
        assert!(
            !s.leaves_out.is_empty(),
            "{}: say what the scenario deliberately leaves out",
            s.name
        );
        assert!(
            s.role_name.len() <= 256 && s.role_description.len() <= 512,
            "{}",
            s.name
        );
        assert!(
            s.assignable_scopes.is_empty(),
            "{}: shipped scenarios name no tenant scope",
            s.name
        );
    }
}

#[test]
fn secret_free_scenarios_hold_no_secret_bearing_operation() {
    let m = model();
    let risk = RiskModel::new(m).unwrap();
    let secrets = risk
        .index
        .ops_in(risk.taxonomy.find("secret-exposure").unwrap());
    let escalation = risk
        .index
        .ops_in(risk.taxonomy.find("privilege-escalation").unwrap());
    for s in library().all() {
        let req = s.resolve(&m.index, m.mode).requirement;
        let leaked: Vec<&str> = req
            .ids
            .intersection(escalation)
            .map(|i| m.index.catalog().name(i as OpId))
            .collect();
        assert!(leaked.is_empty(), "{} escalates: {leaked:?}", s.name);
        let exposed: Vec<&str> = req
            .ids
            .intersection(secrets)
            .map(|i| m.index.catalog().name(i as OpId))
            .collect();
        // Only the batch endpoint invoker keeps secret-bearing operations, because the
        // documentation requires them for jobs that read data with stored credentials, and
        // job submission keeps `environments/readSecrets/action`, which the documentation lists.
        match s.name.as_str() {
            "batch-endpoint-invocation" => assert!(!exposed.is_empty()),
            "training-job-submission" => assert_eq!(
                exposed,
                vec![
                    "Microsoft.MachineLearningServices/workspaces/environments/readSecrets/action"
                ]
            ),
            _ => assert!(
                exposed.is_empty(),
                "{} exposes secrets: {exposed:?}",
                s.name
            ),
        }
    }
}

#[test]
fn leaves_out_are_subtracted() {
    let m = model();
    let lib = library();
    let ds = lib.get("data-scientist-no-secrets").unwrap();
    let r = ds.resolve(&m.index, m.mode);
    let names = r.requirement.names(&m.index, Plane::Control);
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("/onlineEndpoints/score/action"))
    );
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with("/connections/listsecrets/action"))
    );
    assert!(
        !names
            .iter()
            .any(|n| n.eq_ignore_ascii_case("Microsoft.MachineLearningServices/workspaces/write"))
    );
    assert!(r.removed_by_leave_out.iter().any(|v| !v.is_empty()));
}

#[test]
fn unknown_scenario_suggests_a_name() {
    let e = library()
        .find("online-endpoint-monitor")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("did you mean `online-endpoint-monitoring`"),
        "{e}"
    );
}

/// Every scenario, in its default form and with each variant: the generated role grants every
/// operation the call map lists for the scenario's commands (required ones always;
/// conditional and kept optional ones unless a `leaves_out` entry names them), except those
/// Azure checks at a subscription-level path (left to a second role, and reported) and those
/// the catalog does not list (granted by the scenario's wildcard for them); and it grants
/// nothing beyond those and the scenario's declared extras (`actions`, `data_actions`, the
/// wildcards' reach).
#[test]
fn every_scenario_and_variant_covers_its_call_map_and_nothing_else() {
    use crate::analyses::generate::{RoleSpec, generate};
    use crate::analyses::scenario::calls::{CallMap, Need, ScopeKind};
    let m = model();
    let map = CallMap::embedded();
    assert!(map.calls.len() >= 40);
    let mut checked = 0;
    for s in library().all() {
        let mut sets: Vec<Vec<String>> = vec![Vec::new()];
        sets.extend(s.variants.iter().map(|v| vec![v.name.clone()]));
        for with in sets {
            let label = format!("{} --with {:?}", s.name, with);
            let r = s.resolve_with(&m.index, m.mode, &with).unwrap();
            let spec = RoleSpec {
                name: "t".into(),
                description: "t".into(),
                assignable_scopes: vec!["/subscriptions/0".into()],
                notes: Vec::new(),
            };
            let role = generate(&m.index, m.mode, &r.requirement, &spec, false);
            assert!(role.unknown.is_empty(), "{label}: {:?}", role.unknown);
            let eff = crate::effective::expand(&m.index, &role.to_role_definition("t"), m.mode);
            let granted = |name: &str, plane: Plane| -> bool {
                m.index
                    .catalog()
                    .find(plane, name)
                    .is_some_and(|id| eff.granted.contains(id as usize))
            };
            let variants: Vec<&Variant> = with.iter().map(|w| s.variant(w).unwrap()).collect();
            let parts: Vec<(&[String], &[String], &[LeaveOut])> =
                std::iter::once((&s.calls[..], &s.keep_optional[..], &s.leaves_out[..]))
                    .chain(
                        variants
                            .iter()
                            .map(|v| (&v.calls[..], &v.keep_optional[..], &v.leaves_out[..])),
                    )
                    .collect();
            let mut allowed = m.index.empty_set();
            for (calls, keep, leaves) in &parts {
                for c in calls.iter() {
                    let call = map.find(c).unwrap();
                    for op in &call.operations {
                        let plane = op.plane();
                        let kept = op.need != Need::Optional
                            || keep.iter().any(|k| k.eq_ignore_ascii_case(&op.name));
                        if let Some(id) = m.index.catalog().find(plane, &op.name) {
                            allowed.insert(id as usize);
                        }
                        if !kept {
                            continue;
                        }
                        if op.scope == ScopeKind::Subscription {
                            assert!(
                                !granted(&op.name, plane),
                                "{label}: {} is subscription-level",
                                op.name
                            );
                            assert!(
                                r.elsewhere.iter().any(|e| e.operation == op.name),
                                "{label}: {}",
                                op.name
                            );
                            continue;
                        }
                        if m.index.catalog().find(plane, &op.name).is_none() {
                            let w = r
                                .kept_wildcards
                                .iter()
                                .find(|k| k.for_operation.eq_ignore_ascii_case(&op.name))
                                .unwrap_or_else(|| panic!("{label}: {} has no wildcard", op.name));
                            let p = Pattern::parse(&w.entry).unwrap();
                            assert!(p.matches(&op.name, m.mode), "{label}");
                            assert!(role.list(plane).contains(&w.entry), "{label}");
                            continue;
                        }
                        let left_out = leaves.iter().any(|l| {
                            Scenario::leave_out_plane(l) == plane
                                && l.operations.iter().any(|e| {
                                    validate_user_pattern(e)
                                        .is_ok_and(|p| p.matches(&op.name, m.mode))
                                })
                        });
                        if op.need == Need::Required {
                            assert!(!left_out, "{label}: required {} is left out", op.name);
                        }
                        assert!(
                            granted(&op.name, plane) || left_out,
                            "{label}: {} ({}) from `{}` is not granted",
                            op.name,
                            op.need.as_str(),
                            call.label()
                        );
                    }
                }
            }
            // Nothing beyond the call map, the declared extras and the wildcards' reach.
            for (plane, list) in [(Plane::Control, &s.actions), (Plane::Data, &s.data_actions)] {
                for e in list.iter() {
                    m.index.resolve_into(
                        &validate_user_pattern(e).unwrap(),
                        plane,
                        m.mode,
                        &mut allowed,
                    );
                }
            }
            for v in &variants {
                for (plane, list) in [(Plane::Control, &v.actions), (Plane::Data, &v.data_actions)]
                {
                    for e in list.iter() {
                        m.index.resolve_into(
                            &validate_user_pattern(e).unwrap(),
                            plane,
                            m.mode,
                            &mut allowed,
                        );
                    }
                }
            }
            for k in &r.kept_wildcards {
                for n in &k.reach {
                    allowed.insert(m.index.catalog().find(k.plane, n).unwrap() as usize);
                }
            }
            let beyond: Vec<&str> = eff
                .granted
                .difference(&allowed)
                .map(|i| m.index.catalog().name(i as OpId))
                .collect();
            assert!(
                beyond.is_empty(),
                "{label} grants beyond its declaration: {beyond:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}

fn default_names(name: &str) -> Vec<String> {
    let m = model();
    let r = library().get(name).unwrap().resolve(&m.index, m.mode);
    let mut out = r.requirement.names(&m.index, Plane::Control);
    out.extend(r.requirement.names(&m.index, Plane::Data));
    out.into_iter().map(|n| n.to_ascii_lowercase()).collect()
}

/// The seeds' users: the CI/CD deployer reads models (workspace and registry) and writes
/// endpoints and deployments, but submits no job, changes no compute, reads no datastore
/// secret and has no storage data access; the monitor reads endpoints, deployments and
/// metrics, and writes nothing and reads no key.
#[test]
fn seed_requirements_hold() {
    let mls = "microsoft.machinelearningservices/";
    let d = default_names("cicd-model-deployer");
    for need in [
        "workspaces/models/read",
        "workspaces/models/versions/read",
        "registries/read",
        "registries/assets/read",
        "workspaces/onlineendpoints/write",
        "workspaces/onlineendpoints/deployments/write",
        "workspaces/read",
    ] {
        assert!(
            d.contains(&format!("{mls}{need}")),
            "deployer lacks {need}: {d:?}"
        );
    }
    for n in &d {
        assert!(!n.contains("/jobs/"), "deployer: {n}");
        assert!(
            !n.contains("/computes/") || n.ends_with("/read"),
            "deployer: {n}"
        );
        assert!(
            !n.contains("listsecrets") && !n.contains("liststorageaccountkeys"),
            "deployer: {n}"
        );
        assert!(!n.starts_with("microsoft.storage/"), "deployer: {n}");
        assert!(
            !n.contains("listkeys") && !n.ends_with("/token/action"),
            "deployer: {n}"
        );
    }
    let mon = default_names("online-endpoint-monitoring");
    for need in [
        "microsoft.machinelearningservices/workspaces/onlineendpoints/read",
        "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments/read",
        "microsoft.insights/metrics/read",
    ] {
        assert!(mon.contains(&need.to_string()), "monitor lacks {need}");
    }
    for n in &mon {
        assert!(n.ends_with("/read"), "monitor holds a non-read: {n}");
        assert!(
            !n.contains("listkeys") && !n.contains("token") && !n.contains("secrets"),
            "monitor: {n}"
        );
    }
    // The old deployment scenario now reads the models it deploys.
    let dep = default_names("online-endpoint-deployment");
    assert!(dep.contains(&format!("{mls}workspaces/models/versions/read")));
    // Training automation runs on existing compute.
    let t = default_names("training-automation");
    assert!(t.contains(&format!("{mls}workspaces/jobs/write")));
    assert!(t.contains(&format!("{mls}workspaces/models/versions/write")));
    assert!(
        !t.iter()
            .any(|n| n.contains("/computes/") && !n.ends_with("/read"))
    );
}

#[test]
fn variants_are_listed_and_unknown_ones_suggest() {
    let lib = library();
    let s = lib.get("cicd-model-deployer").unwrap();
    let e = s.variant("local-file").unwrap_err().to_string();
    assert!(e.contains("did you mean `local-files`"), "{e}");
    let m = model();
    let r = s
        .resolve_with(&m.index, m.mode, &["local-files".to_string()])
        .unwrap();
    assert_eq!(r.kept_wildcards.len(), 1);
    assert_eq!(
        r.requirement.kept[0],
        vec!["Microsoft.MachineLearningServices/workspaces/codes/versions/*"]
    );
    assert!(r.assumptions.len() > s.assumptions.len());
}
