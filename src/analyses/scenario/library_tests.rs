//! The shipped scenario library checked against the embedded catalog and risk taxonomy.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::analyses::generate::roundtrip_tests::model;
use crate::analyses::risk::RiskModel;
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
