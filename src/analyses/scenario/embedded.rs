//! The scenario files embedded in the binary: one `include_str!` per file of `data/scenarios/`
//! (a test checks that every file there is listed).

/// (file name, contents), in file-name order.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("batch-endpoint-invocation.toml", include_str!("../../../data/scenarios/batch-endpoint-invocation.toml")),
    ("compute-operator.toml", include_str!("../../../data/scenarios/compute-operator.toml")),
    ("data-labeler.toml", include_str!("../../../data/scenarios/data-labeler.toml")),
    ("data-scientist-no-secrets.toml", include_str!("../../../data/scenarios/data-scientist-no-secrets.toml")),
    ("labeling-team-lead.toml", include_str!("../../../data/scenarios/labeling-team-lead.toml")),
    ("mlflow-tracking.toml", include_str!("../../../data/scenarios/mlflow-tracking.toml")),
    ("model-registry-reader.toml", include_str!("../../../data/scenarios/model-registry-reader.toml")),
    ("model-registry-writer.toml", include_str!("../../../data/scenarios/model-registry-writer.toml")),
    ("online-endpoint-deployment.toml", include_str!("../../../data/scenarios/online-endpoint-deployment.toml")),
    ("online-endpoint-monitoring.toml", include_str!("../../../data/scenarios/online-endpoint-monitoring.toml")),
    ("online-endpoint-scoring.toml", include_str!("../../../data/scenarios/online-endpoint-scoring.toml")),
    ("registry-publisher.toml", include_str!("../../../data/scenarios/registry-publisher.toml")),
    ("registry-reader.toml", include_str!("../../../data/scenarios/registry-reader.toml")),
    ("training-job-submission.toml", include_str!("../../../data/scenarios/training-job-submission.toml")),
    ("workspace-auditor.toml", include_str!("../../../data/scenarios/workspace-auditor.toml")),
];
