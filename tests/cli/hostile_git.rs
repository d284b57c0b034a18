//! `azrbac diff --git` against hostile repositories (defects D5, D6, D7, M3 of
//! hostile-inputs.md): renames across file types, role files committed as symbolic links,
//! runs from a subdirectory, and file names that are not UTF-8.

use super::diff_git::{git, run_in, write};
use serde_json::Value;
use std::path::Path;

const ADMIN: &str = r#"{"Name":"Admin","IsCustom":true,"Actions":["*"],"AssignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000000"]}"#;
const READER: &str = r#"{"Name":"Reader-ish","IsCustom":true,"Actions":["Microsoft.Compute/virtualMachines/read"],"AssignableScopes":["/subscriptions/00000000-0000-0000-0000-000000000000"]}"#;

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

fn commit(d: &Path, msg: &str) {
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", msg]);
}

/// (role, status) of every change in a `--format json` answer.
fn statuses(out: &str) -> Vec<(String, String)> {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["role"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pair(role: &str, status: &str) -> Vec<(String, String)> {
    vec![(role.to_string(), status.to_string())]
}

#[test]
fn d5_a_file_renamed_into_a_role_file_is_added_and_out_of_one_removed() {
    let dir = repo();
    let d = dir.path();
    write(d, "owner-example.txt", ADMIN);
    commit(d, "base");
    git(d, &["mv", "owner-example.txt", "admin.json"]);
    commit(d, "add admin role");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(statuses(&out), pair("Admin", "added"));
    let (_, table, _) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD"]);
    assert!(
        table.contains("gate --fail-on added: FAILED (Admin: 18263 operations added)"),
        "{table}"
    );
    // The reverse: a role file renamed to another type is a removal.
    git(d, &["mv", "admin.json", "admin.json.bak"]);
    commit(d, "retire admin role");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(statuses(&out), pair("Admin", "removed"));
    // A rename between role files is still followed.
    write(d, "roles/reader.json", READER);
    commit(d, "reader");
    git(d, &["mv", "roles/reader.json", "roles/vm-reader.json"]);
    commit(d, "rename reader");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(statuses(&out), pair("Reader-ish", "moved"));
}

#[cfg(unix)]
#[test]
fn d6_a_role_file_committed_as_a_symlink_is_read_inside_the_commit() {
    use std::os::unix::fs::symlink;
    let dir = repo();
    let d = dir.path();
    write(d, "reader.json", READER);
    commit(d, "base");
    write(d, "owner.txt", ADMIN);
    std::fs::create_dir(d.join("roles")).unwrap();
    symlink("../owner.txt", d.join("roles/admin.json")).unwrap();
    // The working tree first, then the commit.
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(statuses(&out), pair("Admin", "added"));
    commit(d, "add admin role via symlink");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(statuses(&out), pair("Admin", "added"));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["changes"][0]["new"]["path"], "roles/admin.json");
    // Only the target changes: git lists owner.txt alone, azrbac still sees the role widen.
    write(d, "owner.txt", &ADMIN.replace(r#"["*"]"#, r#"["*/read"]"#));
    commit(d, "narrow");
    write(d, "owner.txt", ADMIN);
    commit(d, "widen again through the target");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(statuses(&out), pair("Admin", "changed"));
    // A link through a linked directory, in a chain, is followed too.
    std::fs::create_dir(d.join("real")).unwrap();
    std::fs::rename(d.join("owner.txt"), d.join("real/owner.txt")).unwrap();
    symlink("real", d.join("shared")).unwrap();
    symlink("shared/owner.txt", d.join("hop.txt")).unwrap();
    std::fs::remove_file(d.join("roles/admin.json")).unwrap();
    symlink("../hop.txt", d.join("roles/admin.json")).unwrap();
    commit(d, "chain");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(statuses(&out), pair("Admin", "no effective change"));
}

#[cfg(unix)]
#[test]
fn d6_a_role_symlink_that_leaves_the_repository_or_dangles_is_an_input_error() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("admin.json"), ADMIN).unwrap();
    let dir = repo();
    let d = dir.path();
    write(d, "reader.json", READER);
    commit(d, "base");
    let cases = [
        (outside.path().join("admin.json"), "leaves the repository"),
        (
            "../../../../../../../../etc/passwd".into(),
            "leaves the repository",
        ),
        ("../.git/config".into(), "leaves the repository (into .git)"),
        ("../missing.json".into(), "leads to nothing"),
        ("admin.json".into(), "more than 40 links"),
        ("../roles".into(), "directory"),
    ];
    for (target, why) in cases {
        std::fs::create_dir_all(d.join("roles")).unwrap();
        let link = d.join("roles/admin.json");
        symlink(&target, &link).unwrap();
        // Working tree, then committed.
        let (code, out, err) = run_in(d, &["diff", "--git", "HEAD"]);
        assert_eq!(code, 2, "{target:?}: {out}{err}");
        assert!(
            err.starts_with("error: roles/admin.json: symbolic link to ") && err.contains(why),
            "{target:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        commit(d, "link");
        let (code, out, err) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD"]);
        assert_eq!(code, 2, "{target:?}: {out}{err}");
        assert!(
            err.contains("HEAD:roles/admin.json: symbolic link to ") && err.contains(why),
            "{target:?}: {err}"
        );
        git(d, &["reset", "-q", "--hard", "HEAD~1"]);
    }
    // Broken at BASE and fixed: what the link now leads to is added (the fix is not blocked).
    std::fs::create_dir_all(d.join("roles")).unwrap();
    symlink("../missing.txt", d.join("roles/admin.json")).unwrap();
    commit(d, "broken link");
    let (code, out, _) = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(code, 0, "unchanged and broken on both sides: {out}");
    write(d, "missing.txt", ADMIN);
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(statuses(&out), pair("Admin", "added"));
}

#[test]
fn d7_a_run_from_a_subdirectory_sees_the_whole_repository() {
    let dir = repo();
    let d = dir.path();
    write(d, "ci/README", "x\n");
    std::fs::create_dir(d.join("roles")).unwrap();
    commit(d, "base");
    write(d, "roles/admin.json", ADMIN);
    let (code, _, err) = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(code, 1, "{err}");
    let ci = d.join("ci");
    let (code, out, err) = run_in(&ci, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(code, 1, "from ci/: {out}{err}");
    assert_eq!(statuses(&out), pair("Admin", "added"));
    // Paths given by the user stay relative to the current directory, as git reads them.
    let (code, out, _) = run_in(&ci, &["diff", "--git", "HEAD", "--", "."]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("No role definitions to compare"), "{out}");
    let (code, _, _) = run_in(&ci, &["diff", "--git", "HEAD", "--", "../roles"]);
    assert_eq!(code, 1);
    // A `diff.relative` setting does not narrow the comparison either.
    git(d, &["config", "diff.relative", "true"]);
    let (code, _, err) = run_in(&ci, &["diff", "--git", "HEAD"]);
    assert_eq!(code, 1, "{err}");
}

#[cfg(unix)]
#[test]
fn m3_file_names_that_are_not_utf8_are_handled_as_bytes() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = repo();
    let d = dir.path();
    write(d, "r.json", READER);
    commit(d, "base");
    let name = OsStr::from_bytes(b"caf\xE9.json");
    let escalate = READER.replace(
        "Microsoft.Compute/virtualMachines/read",
        "Microsoft.Authorization/roleAssignments/write",
    );
    if std::fs::write(d.join(name), &escalate).is_err() {
        eprintln!("the file system refuses non-UTF-8 names: test not run");
        return;
    }
    commit(d, "latin1");
    let (code, out, err) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("Reader-ish: added  [caf\\xE9.json]"), "{out}");
    // SARIF carries the real bytes, percent-encoded.
    let (_, sarif, _) = run_in(d, &["diff", "--git", "HEAD~1", "HEAD", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "caf%E9.json");
    // A pathspec with those bytes after `--`, and a parse error naming the file.
    std::fs::write(d.join(name), READER.replace("Actions", "Actionz")).unwrap();
    let out = super::common::azrbac()
        .args(["diff", "--git", "HEAD", "--"])
        .arg(name)
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: caf\\xE9.json: unknown field `Actionz`"),
        "{err}"
    );
}
