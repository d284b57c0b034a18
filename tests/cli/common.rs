//! Helpers shared by the integration tests.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::PathBuf;

/// The `azrbac` binary under test, with colour disabled.
pub fn azrbac() -> Command {
    let mut c = Command::cargo_bin("azrbac").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// `../shared` when present (the real Azure snapshot); tests that need it return early
/// (printing why) when it is absent, e.g. in a clone without it.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("../shared/azure-snapshot");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("../shared/azure-snapshot not found: snapshot test not run");
        None
    }
}

/// Runs azrbac and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = azrbac().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs azrbac and parses stdout as JSON.
pub fn run_json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

/// Compares `actual` with the golden file `tests/golden/<rel>` byte for byte. With
/// `AZRBAC_BLESS=1` in the environment the file is (re)written instead; review the diff.
pub fn golden(rel: &str, actual: &str) {
    let path = root().join("tests/golden").join(rel);
    if std::env::var_os("AZRBAC_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with AZRBAC_BLESS=1 to create it)",
            path.display()
        )
    });
    if want != actual {
        let line = want
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {} (AZRBAC_BLESS=1 rewrites it)\n--- golden: {:?}\n+++ actual: {:?}",
            path.display(),
            line + 1,
            want.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

/// Runs azrbac with `stdin` as standard input and returns (exit code, stdout, stderr).
pub fn run_stdin(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let out = azrbac()
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
