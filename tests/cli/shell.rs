//! Shell integration: completion scripts for every shell clap_complete supports, and the
//! manual pages, generated from the command-line definition.

use crate::common::run;

/// The commands a user sees (the hidden `synth` is not one).
const COMMANDS: [&str; 20] = [
    "access",
    "actions",
    "catalog",
    "check",
    "completions",
    "diff",
    "drift",
    "expand",
    "explain",
    "generate",
    "lint",
    "man",
    "needs",
    "recommend",
    "report",
    "risks",
    "roles",
    "rule",
    "scenarios",
    "who-can",
];

#[test]
fn completions_cover_every_command_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for c in COMMANDS {
            assert!(out.contains(c), "{shell} completion lacks `{c}`");
        }
    }
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("possible values: bash, elvish, fish, powershell, zsh"),
        "{err}"
    );
}

#[test]
fn the_bash_completion_script_parses() {
    let (_, out, _) = run(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("azrbac.bash");
    std::fs::write(&path, out).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn man_pages_print_and_install_without_overwriting() {
    let (code, out, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(".TH azrbac 1"),
        "{}",
        &out[..200.min(out.len())]
    );
    assert!(out.contains("who\\-can"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, _, err) = run(&["man", "--output", d]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("wrote {} manual pages", COMMANDS.len() + 1)),
        "{err}"
    );
    for c in COMMANDS {
        let page = std::fs::read_to_string(dir.path().join(format!("azrbac-{c}.1"))).unwrap();
        assert!(page.contains(&format!(".TH azrbac-{c} 1")), "azrbac-{c}.1");
    }
    // Existing pages are kept unless --force.
    let (code, _, err) = run(&["man", "--output", d]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists; pass --force"), "{err}");
    let (code, _, _) = run(&["man", "--output", d, "--force"]);
    assert_eq!(code, 0);
    let (code, _, err) = run(&["man", "--output", "/nonexistent/azrbac-man"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a directory"), "{err}");
}
