//! `needs from-error`: every error message shape of the fixtures gives its golden needs file;
//! `generate` and `check` take `--needs-from-error` directly; text without an authorization
//! error is an input error.

use crate::common::*;

const SCOPE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = root().join("tests/fixtures/errors");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v
}

/// Set AZRBAC_BLESS=1 to rewrite the golden files.
#[test]
fn every_error_shape_gives_its_golden_needs_file() {
    let bless = std::env::var_os("AZRBAC_BLESS").is_some();
    let mut n = 0;
    for txt in fixtures() {
        let name = txt.file_name().unwrap().to_str().unwrap().to_string();
        let rel = format!("tests/fixtures/errors/{name}");
        let (code, out, err) = run(&["needs", "from-error", &rel]);
        let golden = txt.with_extension("needs");
        if name == "linked-tenant.txt" {
            // A tenant link is not a missing grant: no needs, exit 2, one line saying why.
            assert_eq!(code, 2, "{out}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains("linked subscription"), "{err}");
            continue;
        }
        assert_eq!(code, 0, "{name}: {err}");
        if bless {
            std::fs::write(&golden, &out).unwrap();
        }
        let want = std::fs::read_to_string(&golden)
            .unwrap_or_else(|_| panic!("{}: no golden (AZRBAC_BLESS=1)", golden.display()));
        assert_eq!(out, want, "{name}");
        n += 1;
    }
    assert!(n >= 6, "{n}");
}

#[test]
fn generate_and_check_take_needs_from_error() {
    let f = "tests/fixtures/errors/az-cli-authorization-failed.txt";
    let (code, out, err) = run(&[
        "generate",
        "--needs-from-error",
        f,
        "--name",
        "Fix",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["Actions"],
        serde_json::json!(["Microsoft.MachineLearningServices/workspaces/models/versions/read"])
    );
    let (code, out, _) = run(&["check", "Reader", "--needs-from-error", f]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("missing 0"), "{out}");
    // An operation the catalog lacks is said in the needs file and refused by generate.
    let typo = "tests/fixtures/errors/typo.txt";
    let (_, out, _) = run(&["needs", "from-error", typo]);
    assert!(out.contains("# not in the catalog (did you mean `Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action`?)"), "{out}");
    let (code, _, err) = run(&[
        "generate",
        "--needs-from-error",
        typo,
        "--name",
        "Fix",
        "--scope",
        SCOPE,
    ]);
    assert_eq!(code, 2, "{err}");
    // Standard input, and text without an authorization error.
    let (code, out, _) = run_stdin(
        &["needs", "from-error", "-"],
        std::fs::read(root().join(f)).unwrap().as_slice(),
    );
    assert_eq!(code, 0);
    assert!(out.contains("<stdin>"), "{out}");
    let (code, out, err) = run_stdin(&["needs", "from-error", "-"], b"all fine\n");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
}
