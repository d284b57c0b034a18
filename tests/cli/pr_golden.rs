//! Golden outputs of one real role diff (`tests/fixtures/diff/ml-reviewer-*.json`: a widened
//! wildcard, a new role-assignment write, a resource group replaced by its subscription):
//! the pull-request comment and the SARIF log, both from one run, byte for byte.

use super::common::{azrbac, golden, root};
use super::diff::assert_valid_sarif;
use serde_json::Value;

/// The version is the one thing that changes between releases; the goldens do not.
fn unversioned(text: &str) -> String {
    let v = env!("CARGO_PKG_VERSION");
    text.replace(&format!("\"{v}\""), "\"VERSION\"")
        .replace(&format!("azrbac {v} ·"), "azrbac VERSION ·")
}

#[test]
fn ml_reviewer_markdown_and_sarif_match_their_goldens() {
    let d = tempfile::tempdir().unwrap();
    let sarif = d.path().join("diff.sarif");
    let report = format!("sarif={}", sarif.display());
    // Relative paths from the repository root, as `--git` mode would give them.
    let out = azrbac()
        .current_dir(root())
        .args([
            "diff",
            "tests/fixtures/diff/ml-reviewer-old.json",
            "tests/fixtures/diff/ml-reviewer-new.json",
            "--format",
            "markdown",
            "--report",
            &report,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    let log = std::fs::read_to_string(&sarif).unwrap();
    let parsed: Value = serde_json::from_str(&log).unwrap();
    assert_valid_sarif(&parsed);
    assert!(md.contains(&format!("azrbac {} ·", env!("CARGO_PKG_VERSION"))));
    golden("diff/ml-reviewer.md", &unversioned(&md));
    golden("diff/ml-reviewer.sarif", &unversioned(&log));
}
