//! The README's examples are real output: every `$ azrbac ...` line of its `console` blocks is
//! run and its output compared with the block (trailing spaces ignored). Files an example names
//! are looked for at the project root and in the fixture folders the README points to.
//! Outputs elided with `…` are compared as a prefix or suffix; `| head -N` is applied; `$ cat F`
//! and `$ echo $?` are checked too. The few examples that cannot always run are listed in
//! `NOT_RUN` with the reason (those piped into `jq` run through bash when jq is installed),
//! and the test fails if one of them disappears or a new one cannot run.

use crate::common::*;
use std::path::PathBuf;

/// Examples that are not run, by the start of their command line, with the reason.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "azrbac diff --git HEAD",
        "needs a git work tree with an uncommitted role change",
    ),
    (
        "azrbac check Reader --needs needs-train.txt --format json | jq",
        "needs jq",
    ),
    ("azrbac risks roles.bicep --format json | jq", "needs jq"),
    (
        "azrbac who-can Microsoft.MachineLearningServices/workspaces/onlineEndpoints/delete",
        "needs jq",
    ),
];

/// Folders where an example's files live (the README says so beside each example).
const DIRS: &[&str] = &[
    ".",
    "tests/fixtures/diff",
    "tests/fixtures/analyzer",
    "tests/fixtures/analyzer/iac",
    "tests/fixtures/readme",
    "tests/fixtures/iac",
];

struct Example {
    command: String,
    expected: Vec<String>,
}

/// The commands of every `console` block, each with the lines shown under it.
fn examples(readme: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        if !in_block {
            in_block = line.trim_end() == "```console";
            continue;
        }
        if line.starts_with("```") {
            in_block = false;
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            let mut command = cmd.to_string();
            while command.ends_with('\\') {
                command.pop();
                let next = lines.next().unwrap_or_default();
                command.push(' ');
                command.push_str(next.trim());
            }
            out.push(Example {
                command,
                expected: Vec::new(),
            });
        } else if let Some(ex) = out.last_mut() {
            ex.expected.push(line.trim_end().to_string());
        }
    }
    out
}

/// Splits a command line the way a POSIX shell would for the quoting the README uses.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                started = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if started || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The folder in which every file the arguments name exists.
fn folder_for(args: &[String]) -> Option<PathBuf> {
    let files: Vec<&String> = args
        .iter()
        .filter(|a| {
            !a.starts_with('-')
                && [".json", ".txt", ".bicep", ".tf", "/"]
                    .iter()
                    .any(|e| a.ends_with(e))
        })
        .collect();
    DIRS.iter()
        .map(|d| root().join(d))
        .find(|d| files.iter().all(|f| d.join(f).exists()))
}

fn trimmed(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// Compares an example's shown output with the real one; `…` on the first or last line marks
/// an elided part.
fn compare(command: &str, expected: &[String], actual: &[String]) {
    let mut want: Vec<String> = expected.to_vec();
    while want.last().is_some_and(|l| l.is_empty()) {
        want.pop();
    }
    if want.first().is_some_and(|l| l == "…") {
        let tail = &want[1..];
        assert!(
            actual.ends_with(tail),
            "README example `{command}`: the output does not end with the lines shown.\nshown:\n{}\nactual:\n{}",
            tail.join("\n"),
            actual.join("\n")
        );
    } else if want.last().is_some_and(|l| l == "…") {
        let head = &want[..want.len() - 1];
        assert!(
            actual.starts_with(head),
            "README example `{command}`: the output does not start with the lines shown.\nshown:\n{}\nactual:\n{}",
            head.join("\n"),
            actual.join("\n")
        );
    } else {
        assert_eq!(
            want.join("\n"),
            actual.join("\n"),
            "README example `{command}` is out of date"
        );
    }
}

fn have_jq() -> bool {
    std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `azrbac ... | jq ...` with bash from the folder holding its files: azrbac's exit code
/// and the pipeline's stdout (stderr, such as azrbac's warnings, is not part of the example).
fn run_pipeline(command: &str) -> (i32, Vec<String>) {
    let (first, _) = command.split_once(" | ").unwrap();
    let args = words(first);
    let dir = folder_for(&args[1..]).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("azrbac");
    let script = format!(
        "{} {}; echo \"::status ${{PIPESTATUS[0]}}\"",
        bin.display(),
        command.strip_prefix("azrbac ").unwrap()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let mut lines = trimmed(&String::from_utf8_lossy(&out.stdout));
    let status = lines.pop().unwrap();
    let code = status.strip_prefix("::status ").unwrap().parse().unwrap();
    (code, lines)
}

#[test]
fn readme_examples_are_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let examples = examples(&readme);
    let mut ran = 0;
    let mut not_run = Vec::new();
    let mut last_code: Option<i32> = None;
    for ex in &examples {
        if let Some((prefix, why)) = NOT_RUN.iter().find(|(p, _)| ex.command.starts_with(p)) {
            not_run.push(*prefix);
            if *why == "needs jq" && have_jq() {
                let (code, lines) = run_pipeline(&ex.command);
                last_code = Some(code);
                compare(&ex.command, &ex.expected, &lines);
                ran += 1;
                continue;
            }
            eprintln!("not run: `{}`: {why}", ex.command);
            last_code = None;
            continue;
        }
        let (command, head) = match ex.command.split_once(" | head -") {
            Some((c, n)) => (c.to_string(), Some(n.trim().parse::<usize>().unwrap())),
            None => (ex.command.clone(), None),
        };
        assert!(
            !command.contains('|') && !command.contains('>'),
            "README example `{}` pipes or redirects: run it here or add it to NOT_RUN",
            ex.command
        );
        let args = words(&command);
        let actual = match args[0].as_str() {
            "azrbac" => {
                let dir = folder_for(&args[1..]).unwrap_or_else(|| {
                    panic!(
                        "README example `{}` names a file found in none of {DIRS:?}",
                        ex.command
                    )
                });
                let out = azrbac()
                    .current_dir(&dir)
                    .args(&args[1..])
                    .output()
                    .unwrap();
                last_code = Some(out.status.code().unwrap_or(-1));
                let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
                text.push_str(&String::from_utf8_lossy(&out.stderr));
                trimmed(&text)
            }
            "cat" => {
                let dir = folder_for(&args[1..]).unwrap();
                trimmed(&std::fs::read_to_string(dir.join(&args[1])).unwrap())
            }
            "echo"
                if matches!(
                    args.get(1).map(String::as_str),
                    Some("$?" | "${PIPESTATUS[0]}")
                ) =>
            {
                match last_code {
                    Some(code) => vec![code.to_string()],
                    None => {
                        eprintln!("not run: `echo $?` after a command that was not run");
                        continue;
                    }
                }
            }
            other => panic!("README example runs `{other}`: teach this test about it"),
        };
        let actual = match head {
            Some(n) => actual.into_iter().take(n).collect(),
            None => actual,
        };
        compare(&ex.command, &ex.expected, &actual);
        ran += 1;
    }
    for (prefix, _) in NOT_RUN {
        assert!(
            not_run.contains(prefix),
            "NOT_RUN names `{prefix}`, which is no longer in the README"
        );
    }
    assert!(ran >= 25, "only {ran} README examples ran");
}
