//! The GitHub Action (`action.yml`, `action/review.sh`), the example workflow and the
//! pre-commit hooks: the script's logic run on its own (outputs wiring, skip logic, sticky-comment
//! marker), and a structural check of the YAML files (actionlint cannot be installed offline, so
//! the checks below cover what a broken action or workflow would get wrong).

use crate::common::*;
use std::process::Command;

fn script(args: &[&str], stdin: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new("bash")
        .arg(root().join("action/review.sh"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

#[test]
fn outputs_come_from_the_exit_code_and_the_json_report() {
    let d = tempfile::tempdir().unwrap();
    let report = d.path().join("diff.json");
    // A real report: a role file changed and the gate failed.
    let (code, _, _) = run(&[
        "diff",
        fixture("diff/pr-old.json").to_str().unwrap(),
        fixture("diff/pr-new.json").to_str().unwrap(),
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let (c, out) = script(&["outputs", "1", report.to_str().unwrap()], "");
    assert_eq!(c, 0);
    assert_eq!(
        out,
        "exit-code=1\nrole-files-changed=true\ngate-failed=true\ninput-error=false\n"
    );
    // No role file changed: nothing to comment on.
    std::fs::write(
        &report,
        r#"{"files": [], "changes": [], "gate": {"failed": false}}"#,
    )
    .unwrap();
    let (_, out) = script(&["outputs", "0", report.to_str().unwrap()], "");
    assert!(
        out.contains("role-files-changed=false\ngate-failed=false"),
        "{out}"
    );
    // An input error leaves no report: the gate step fails with exit 2.
    let (_, out) = script(
        &["outputs", "2", d.path().join("none.json").to_str().unwrap()],
        "",
    );
    assert!(
        out.starts_with("exit-code=2\n") && out.contains("input-error=true"),
        "{out}"
    );
}

#[test]
fn the_sticky_comment_is_found_by_marker_and_author_only() {
    let comments = r#"[
      [{"id": 1, "user": {"login": "someone"}, "body": "<!-- azrbac-role-review -->\nquoting the bot"},
       {"id": 2, "user": {"login": "other-bot[bot]"}, "body": "<!-- azrbac-role-review -->"}],
      [{"id": 3, "user": {"login": "github-actions[bot]"}, "body": "an unrelated bot comment"},
       {"id": 4, "user": {"login": "github-actions[bot]"}, "body": "<!-- azrbac-role-review -->\n❌ **azrbac role diff"},
       {"id": 5, "user": {"login": "github-actions[bot]"}, "body": "<!-- azrbac-role-review -->\nolder duplicate"}]
    ]"#;
    let (c, out) = script(&["find-comment", "github-actions[bot]"], comments);
    assert_eq!((c, out.as_str()), (0, "4\n"));
    // Nobody else's comment is ever edited: none of ours yet means a new one.
    let (c, out) = script(
        &["find-comment", "github-actions[bot]"],
        &comments.replace("github-actions", "x"),
    );
    assert_eq!((c, out.as_str()), (0, ""));
    let (_, out) = script(&["find-comment", "github-actions[bot]"], "[]");
    assert_eq!(out, "");
}

#[test]
fn the_body_starts_with_the_marker_and_stays_under_githubs_limit() {
    let d = tempfile::tempdir().unwrap();
    let md = d.path().join("comment.md");
    let body = d.path().join("body.md");
    run(&[
        "diff",
        "Reader",
        "Owner",
        "--format",
        "markdown",
        "--output",
        md.to_str().unwrap(),
    ]);
    let (c, _) = script(&["body", md.to_str().unwrap(), body.to_str().unwrap()], "");
    assert_eq!(c, 0);
    let text = std::fs::read_to_string(&body).unwrap();
    assert!(text.starts_with("<!-- azrbac-role-review -->\n❌ **azrbac role diff"));
    assert!(text.chars().count() < 65_536);
    let (c, _) = script(&["nonsense"], "");
    assert_eq!(c, 2);
}

/// Top-level keys of a YAML mapping (lines without indentation).
fn top_keys(yaml: &str) -> Vec<String> {
    yaml.lines()
        .filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(':'))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect()
}

#[test]
fn action_yml_is_a_composite_action_whose_references_resolve() {
    let a = read("action.yml");
    assert!(!a.contains('\t'), "YAML forbids tabs");
    assert_eq!(
        top_keys(&a),
        vec![
            "name",
            "description",
            "branding",
            "inputs",
            "outputs",
            "runs"
        ]
    );
    assert!(a.contains("\n  using: composite\n"));
    // The inputs the issue asks for are declared, and every `inputs.X` used is declared.
    let declared: Vec<String> = a
        .split("\ninputs:\n")
        .nth(1)
        .unwrap()
        .split("\noutputs:\n")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_string())
        .collect();
    for want in ["paths", "fail-on", "config", "comment", "sarif"] {
        assert!(
            declared.iter().any(|d| d == want),
            "input {want}: {declared:?}"
        );
    }
    for used in a.split("inputs.").skip(1) {
        let name: String = used
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(declared.contains(&name), "inputs.{name} is not declared");
    }
    // Every step output the action reads is one review.sh writes.
    let script = read("action/review.sh");
    for used in a.split("steps.diff.outputs.").skip(1) {
        let name: String = used
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(
            script.contains(&format!("echo \"{name}=")),
            "{name} is never written"
        );
    }
    // Composite `run` steps need a shell; each step runs something.
    let steps: Vec<&str> = a.split("\n    - name: ").skip(1).collect();
    assert!(steps.len() >= 5);
    for s in &steps {
        let runs = s.contains("\n      run: |");
        let uses = s.contains("\n      uses: ");
        assert!(runs != uses, "a step either runs or uses: {s}");
        if runs {
            assert!(s.contains("\n      shell: bash"), "no shell: {s}");
        }
    }
    // The install builds at the action's own ref, and is cached; the comment is skipped when no
    // role file changed; SARIF upload does not fail the job (repositories without code scanning).
    assert!(a.contains("--rev \"$ACTION_REF\"") && a.contains("uses: actions/cache@v4"));
    assert!(a.contains("steps.diff.outputs.role-files-changed == 'true'"));
    assert!(
        a.contains("continue-on-error: true\n      uses: github/codeql-action/upload-sarif@v3")
    );
    // Every azrbac flag the action passes exists.
    let (_, help, _) = run(&["diff", "--help"]);
    for flag in [
        "--git",
        "--format",
        "--output",
        "--force",
        "--report",
        "--link-base",
        "--fail-on",
        "--config",
    ] {
        assert!(a.contains(flag) && help.contains(flag), "{flag}");
    }
}

#[test]
fn the_example_workflow_has_the_permissions_and_is_the_one_documented() {
    let w = read("docs/examples/azrbac-role-review.yml");
    assert!(!w.contains('\t'));
    assert_eq!(top_keys(&w), vec!["name", "on", "permissions", "jobs"]);
    for p in [
        "contents: read",
        "pull-requests: write",
        "security-events: write",
        "actions: read",
    ] {
        assert!(w.contains(&format!("\n  {p}")), "permission {p}");
    }
    assert!(w.contains("fetch-depth: 0"));
    // docs/pr-review.md shows this file verbatim.
    let doc = read("docs/pr-review.md");
    assert!(
        doc.contains(&format!("```yaml\n{w}```")),
        "docs/pr-review.md shows the example"
    );
}

#[test]
fn the_pre_commit_hooks_name_real_commands() {
    let h = read(".pre-commit-hooks.yaml");
    assert!(h.contains("- id: azrbac-lint") && h.contains("- id: azrbac-diff"));
    for line in h.lines().filter(|l| l.trim_start().starts_with("entry: ")) {
        let args: Vec<&str> = line.trim_start()["entry: ".len()..]
            .split_whitespace()
            .collect();
        assert_eq!(args[0], "azrbac");
        let mut help = vec![args[1], "--help"];
        help.truncate(2);
        let (code, text, _) = run(&help);
        assert_eq!(code, 0);
        for flag in args.iter().filter(|a| a.starts_with("--")) {
            assert!(text.contains(flag), "{flag} in {line}");
        }
    }
}
