//! `diff --git`: asks git which files changed between two revisions (or a revision and the
//! working tree), reads both versions of each (old ones from the base commit, following
//! symbolic links inside it), and keeps the files that hold role definitions. With
//! `git_io`, the only code that runs git.

use super::git_io::{
    MODE_GITLINK, MODE_LINK, RawChange, blob, git, links, lookup, parse_raw, read_in_commit,
    read_worktree, resolve_in_commit, shown, toplevel,
};
use crate::analyses::diff::Skipped;
use crate::cli::input::decode;
use crate::error::{Error, Result};
use crate::model::role_text::{RoleFileKind, kind_of};
use crate::model::{RoleDefinition, bicep, json, parse_roles_json, terraform};
use crate::report::diff_sarif::uri_of_bytes;
use serde_json::Value;
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// One changed file holding roles on at least one side.
#[derive(Debug)]
pub struct GitFile {
    /// Repository-relative path (NEW's, or OLD's when deleted), as shown (escaped).
    pub path: String,
    /// The path as a SARIF uri (percent-encoded bytes).
    pub uri: String,
    /// OLD's path when git saw a rename, as shown.
    pub renamed_from: Option<String>,
    pub old: Vec<RoleDefinition>,
    pub new: Vec<RoleDefinition>,
    /// NEW's text (for line numbers), keyed by NEW roles' origin.
    pub new_text: Option<(String, String)>,
}

/// What `diff --git` found.
#[derive(Debug)]
pub struct GitInputs {
    pub base: String,
    pub head: Option<String>,
    pub files: Vec<GitFile>,
    pub skipped: Vec<Skipped>,
}

fn is_commit(rev: &str) -> bool {
    !rev.starts_with('-')
        && Command::new("git")
            .args([
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
}

/// The full commit id of a revision, for links.
pub fn commit_id(rev: &str) -> Option<String> {
    if rev.starts_with('-') {
        return None;
    }
    let out = Command::new("git")
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .output()
        .ok()?;
    let id = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && id.len() >= 40 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(id)
}

/// Whether this kind of file can hold roles (by extension): JSON, Terraform, Bicep.
fn role_file_kind(path: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    [&b".json"[..], b".tf", b".bicep"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Whether a JSON document has the shape of role definitions (so a parse error in it is an
/// input error rather than a file that merely holds something else).
pub fn looks_like_roles(v: &Value) -> bool {
    const ROLE_KEYS: &[&str] = &[
        "actions",
        "notactions",
        "dataactions",
        "notdataactions",
        "assignablescopes",
        "permissions",
        "rolename",
        "iscustom",
    ];
    match v {
        Value::Array(items) => items.iter().any(looks_like_roles),
        Value::Object(m) => {
            let has = |k: &str| m.keys().any(|x| x.eq_ignore_ascii_case(k));
            if m.keys()
                .any(|k| ROLE_KEYS.contains(&k.to_ascii_lowercase().as_str()))
            {
                return true;
            }
            let get = |k: &str| {
                m.iter()
                    .find(|(x, _)| x.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v)
            };
            if let Some(t) = get("type").and_then(Value::as_str)
                && t.to_ascii_lowercase()
                    .starts_with("microsoft.authorization/roledefinitions")
            {
                return true;
            }
            if let Some(p) = get("properties") {
                if looks_like_roles(p) {
                    return true;
                }
                if let Some(t) = p.get("template") {
                    return looks_like_roles(t);
                }
            }
            if has("resources")
                && let Some(r) = get("resources")
            {
                return match r {
                    Value::Object(o) => o.values().any(looks_like_roles),
                    other => looks_like_roles(other),
                };
            }
            get("value").is_some_and(looks_like_roles)
        }
        _ => false,
    }
}

enum Side {
    Absent,
    NoRoles(String),
    Roles(Vec<RoleDefinition>, String),
}

/// Reads one version of a file as roles. Text that is not in the file's format, or holds
/// nothing role-shaped, holds no role; a role-shaped document that does not parse is an
/// input error.
fn read_side(bytes: Option<Vec<u8>>, origin: &str) -> Result<Side> {
    let Some(bytes) = bytes else {
        return Ok(Side::Absent);
    };
    let text = match decode(bytes, origin) {
        Ok(t) => t,
        Err(e) => return Ok(Side::NoRoles(e.to_string())),
    };
    let lower = origin.to_ascii_lowercase();
    let parsed = if lower.ends_with(".tf") || lower.ends_with(".bicep") {
        let (marker, what) = if lower.ends_with(".tf") {
            ("azurerm_role_definition", "HCL")
        } else {
            ("microsoft.authorization/roledefinitions", "Bicep")
        };
        let res = if lower.ends_with(".tf") {
            terraform::parse_hcl(&text, origin)
        } else {
            bicep::parse_bicep(&text, origin)
        };
        match res {
            Ok(r) => r,
            // A broken file that never mentions role definitions is not a role file.
            Err(e) if !text.to_ascii_lowercase().contains(marker) => {
                return Ok(Side::NoRoles(format!("not valid {what} ({e})")));
            }
            Err(e) => return Err(e),
        }
    } else {
        let value = match json::parse(&text, origin) {
            Ok(v) => v,
            // A broken file that mentions role definitions fails closed: Azure may deploy
            // what azrbac cannot read (an audit found such a file skipped and the gate passed).
            Err(e) if looks_like_role_text(&text) => return Err(e),
            Err(e) => return Ok(Side::NoRoles(format!("not valid JSON ({e})"))),
        };
        if kind_of(origin, Some(&value)) == RoleFileKind::TerraformPlan {
            terraform::plan_roles(&value, origin)?
        } else if looks_like_roles(&value) {
            parse_roles_json(&value, origin)?
        } else {
            Vec::new()
        }
    };
    if parsed.is_empty() {
        return Ok(Side::NoRoles("holds no role definition".into()));
    }
    Ok(Side::Roles(parsed, text))
}

/// One side of a changed file: its path, git mode and object id (`None`: read the working
/// tree).
#[derive(Debug, Clone)]
struct SideRef {
    path: Vec<u8>,
    mode: u32,
    oid: Option<String>,
}

/// A changed file: no old side when added, no new side when deleted.
#[derive(Debug)]
struct Changed {
    old: Option<SideRef>,
    new: Option<SideRef>,
    renamed: bool,
}

impl Changed {
    fn path(&self) -> &[u8] {
        self.new
            .as_ref()
            .or(self.old.as_ref())
            .map_or(&[][..], |s| s.path.as_slice())
    }
}

/// Turns git's records into changed files. A rename or copy is followed only between two
/// role file types: a file renamed into a role file is added (its old text was never
/// deployed as roles) and a role file renamed to another type is removed.
fn changes_of(raw: Vec<RawChange>, worktree: bool) -> Vec<Changed> {
    let mut out = Vec::new();
    for r in raw {
        let old = SideRef {
            path: r.old_path.clone().unwrap_or_else(|| r.path.clone()),
            mode: r.old_mode,
            oid: Some(r.old_oid),
        };
        let new = SideRef {
            path: r.path,
            mode: r.new_mode,
            oid: (!worktree).then_some(r.new_oid),
        };
        let pair = |old, new, renamed| Changed { old, new, renamed };
        match r.status {
            b'A' => out.push(pair(None, Some(new), false)),
            b'D' => out.push(pair(Some(old), None, false)),
            b'R' | b'C' if role_file_kind(&old.path) == role_file_kind(&new.path) => {
                out.push(pair(Some(old), Some(new), true));
            }
            b'R' => {
                out.push(pair(Some(old), None, false));
                out.push(pair(None, Some(new), false));
            }
            // A copy leaves its source as it was.
            b'C' => out.push(pair(None, Some(new), false)),
            _ => out.push(pair(Some(old), Some(new), false)),
        }
    }
    out
}

/// A link's bytes, or `None` when it cannot be followed (other errors stay errors).
fn followed(read: Result<Vec<u8>>) -> Result<Option<Vec<u8>>> {
    match read {
        Ok(b) => Ok(Some(b)),
        Err(Error::Shape { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Adds the role-file symbolic links git does not list as changed but whose target did
/// change (git compares the link text, not what it leads to). A link that cannot be
/// followed on one side is listed so that reading it reports why; one broken on both sides
/// is left alone.
fn changed_link_targets(
    root: &Path,
    base: &str,
    head: Option<&str>,
    pathspecs: &[OsString],
    changed: &mut Vec<Changed>,
) -> Result<()> {
    let seen: BTreeSet<Vec<u8>> = changed
        .iter()
        .flat_map(|c| c.old.iter().chain(c.new.iter()))
        .map(|s| s.path.clone())
        .collect();
    for (path, oid) in links(head, pathspecs)? {
        if seen.contains(&path) || !role_file_kind(&path) {
            continue;
        }
        // Not listed as changed, so the link is the same at BASE (the index may differ).
        let Some((MODE_LINK, base_oid)) = lookup(root, base, &path)? else {
            continue;
        };
        let origin = shown(&path);
        let old =
            resolve_in_commit(root, base, &path, &base_oid, &origin).and_then(|f| blob(root, &f));
        let new = match head {
            Some(h) => {
                resolve_in_commit(root, h, &path, &oid, &origin).and_then(|f| blob(root, &f))
            }
            None => read_worktree(root, &path, &origin),
        };
        let differs = match (followed(old)?, followed(new)?) {
            (Some(o), Some(n)) => o != n,
            (None, None) => false,
            _ => true,
        };
        if differs {
            let side = |oid: Option<String>| SideRef {
                path: path.clone(),
                mode: MODE_LINK,
                oid,
            };
            changed.push(Changed {
                old: Some(side(Some(base_oid))),
                new: Some(side(head.map(|_| oid.clone()))),
                renamed: false,
            });
        }
    }
    Ok(())
}

/// Collects the role files that changed between `base` and `head` (the working tree when
/// `None`), limited to pathspecs (`refs` after HEAD, then `extra_paths`). Git lists changes
/// from the current directory, so pathspecs read as typed, with the whole repository (`:/`)
/// when none is given; files are read from the top level.
pub fn collect(base: &str, refs: &[String], extra_paths: &[OsString]) -> Result<GitInputs> {
    let root = toplevel()?;
    if !is_commit(base) {
        return Err(Error::usage(format!(
            "diff --git: `{base}` is not a git revision"
        )));
    }
    let head = match refs.first() {
        Some(first) if is_commit(first) => {
            if Path::new(first).exists() {
                return Err(Error::usage(format!(
                    "diff --git: `{first}` is both a revision and a path; put paths after `--`"
                )));
            }
            Some(first.clone())
        }
        _ => None,
    };
    // A path typed before `--` must exist: a mistyped revision is not silently a pathspec.
    let typed = if head.is_some() { &refs[1..] } else { refs };
    if let Some(p) = typed.iter().find(|p| !Path::new(p.as_str()).exists()) {
        return Err(Error::usage(format!(
            "diff --git: `{p}` is neither a git revision nor an existing path (put deleted paths after `--`)"
        )));
    }
    let mut pathspecs: Vec<OsString> = typed
        .iter()
        .map(OsString::from)
        .chain(extra_paths.iter().cloned())
        .collect();
    if pathspecs.is_empty() {
        pathspecs.push(":/".into());
    }
    let mut args: Vec<OsString> = [
        "diff",
        "--raw",
        "-z",
        "-M",
        "--no-abbrev",
        "--no-relative",
        "--no-ext-diff",
        "--no-color",
        base,
    ]
    .iter()
    .map(OsString::from)
    .collect();
    args.extend(head.iter().map(OsString::from));
    args.push("--".into());
    args.extend(pathspecs.iter().cloned());
    let mut changed = changes_of(parse_raw(&git(None, &args)?)?, head.is_none());
    if head.is_none() {
        let mut ls: Vec<OsString> = [
            "ls-files",
            "--others",
            "--exclude-standard",
            "--full-name",
            "-z",
            "--",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        ls.extend(pathspecs.iter().cloned());
        for f in git(None, &ls)?.split(|b| *b == 0).filter(|f| !f.is_empty()) {
            let new = SideRef {
                path: f.to_vec(),
                mode: 0,
                oid: None,
            };
            // A file removed from the index but still on disk is deleted and untracked.
            match changed
                .iter_mut()
                .find(|c| c.new.is_none() && c.path() == f)
            {
                Some(c) => c.new = Some(new),
                None => changed.push(Changed {
                    old: None,
                    new: Some(new),
                    renamed: false,
                }),
            }
        }
    }
    changed_link_targets(&root, base, head.as_deref(), &pathspecs, &mut changed)?;
    changed.sort_by(|a, b| a.path().cmp(b.path()));
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for c in changed {
        let path = shown(c.path());
        if !role_file_kind(c.path()) {
            skipped.push(Skipped {
                path,
                reason: "not a role file type (.json, .tf, .bicep)".into(),
            });
            continue;
        }
        if c.old
            .iter()
            .chain(c.new.iter())
            .any(|s| s.mode == MODE_GITLINK)
        {
            skipped.push(Skipped {
                path,
                reason: "a submodule".into(),
            });
            continue;
        }
        let old_origin = c.old.as_ref().map_or_else(
            || format!("{base}:{path}"),
            |o| format!("{base}:{}", shown(&o.path)),
        );
        // A link at BASE that cannot be followed held no role azrbac can know of: everything
        // the new version holds counts as added (an error here would block fixing it).
        let old = match &c.old {
            None => Side::Absent,
            Some(o) => {
                let oid = o.oid.as_deref().unwrap_or_default();
                match read_in_commit(&root, base, &o.path, o.mode, oid, &old_origin) {
                    Ok(b) => read_side(Some(b), &old_origin)?,
                    Err(Error::Shape { message, .. }) if o.mode == MODE_LINK => {
                        Side::NoRoles(message)
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        let new_origin = match &head {
            Some(h) => format!("{h}:{path}"),
            None => path.clone(),
        };
        let new_bytes = match (&c.new, &head) {
            (None, _) => None,
            (Some(n), Some(h)) => {
                let oid = n.oid.as_deref().unwrap_or_default();
                Some(read_in_commit(&root, h, &n.path, n.mode, oid, &new_origin)?)
            }
            (Some(n), None) => Some(read_worktree(&root, &n.path, &new_origin)?),
        };
        let new = read_side(new_bytes, &new_origin)?;
        let reason = |s: &Side| match s {
            Side::NoRoles(r) => Some(r.clone()),
            _ => None,
        };
        let (old_roles, new_roles, new_text) = match (old, new) {
            (Side::Roles(o, _), Side::Roles(n, t)) => (o, n, Some((new_origin.clone(), t))),
            (Side::Roles(o, _), Side::Absent) => (o, Vec::new(), None),
            (Side::Absent, Side::Roles(n, t)) => (Vec::new(), n, Some((new_origin.clone(), t))),
            (Side::Roles(_, _), n @ Side::NoRoles(_)) => {
                return Err(Error::shape(
                    &new_origin,
                    "",
                    format!(
                        "held role definitions at {base} but no longer does ({}); delete the file to remove its roles",
                        reason(&n).unwrap_or_default()
                    ),
                ));
            }
            // Became a role file: its roles are new.
            (Side::NoRoles(_), Side::Roles(n, t)) => (Vec::new(), n, Some((new_origin.clone(), t))),
            (o, n) => {
                skipped.push(Skipped {
                    path,
                    reason: reason(&n)
                        .or_else(|| reason(&o))
                        .unwrap_or_else(|| "holds no role definition".into()),
                });
                continue;
            }
        };
        files.push(GitFile {
            uri: uri_of_bytes(c.path()),
            renamed_from: c
                .renamed
                .then(|| c.old.as_ref().map(|o| shown(&o.path)))
                .flatten(),
            path,
            old: old_roles,
            new: new_roles,
            new_text,
        });
    }
    Ok(GitInputs {
        base: base.to_string(),
        head,
        files,
        skipped,
    })
}

/// Whether unparseable JSON text mentions role definitions (their resource type, or the
/// `assignableScopes` every role carries).
fn looks_like_role_text(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("microsoft.authorization/roledefinitions") || lower.contains("assignablescopes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_role_documents() {
        let yes = [
            r#"{"Name":"x","Actions":[]}"#,
            r#"[{"roleName":"x","permissions":[]}]"#,
            r#"{"id":"i","properties":{"roleName":"r","permissions":[]}}"#,
            r#"{"value":[{"properties":{"permissions":[]}}]}"#,
            r#"{"resources":[{"type":"Microsoft.Authorization/roleDefinitions","properties":{}}]}"#,
            r#"{"resources":{"r":{"type":"Microsoft.Authorization/roleDefinitions@2022-04-01"}}}"#,
        ];
        for y in yes {
            assert!(looks_like_roles(&serde_json::from_str(y).unwrap()), "{y}");
        }
        let no = [
            r#"{"name":"pkg","version":"1.0.0"}"#,
            r#"[1,2]"#,
            r#"{"resources":[{"type":"Microsoft.Storage/storageAccounts","properties":{}}]}"#,
            r#""text""#,
        ];
        for n in no {
            assert!(!looks_like_roles(&serde_json::from_str(n).unwrap()), "{n}");
        }
    }

    #[test]
    fn renames_are_followed_only_between_role_file_types() {
        let raw = parse_raw(
            b":100644 100644 1 1 R100\0owner.txt\0admin.json\0:100644 100644 2 2 R100\0a.json\0a.json.bak\0:100644 100644 3 4 R090\0x.json\0y.tf\0",
        )
        .unwrap();
        let sides: Vec<_> = changes_of(raw, false)
            .iter()
            .map(|c| {
                (
                    c.old.as_ref().map(|s| shown(&s.path)),
                    c.new.as_ref().map(|s| shown(&s.path)),
                    c.renamed,
                )
            })
            .collect();
        let s = |p: &str| Some(p.to_string());
        assert_eq!(
            sides,
            vec![
                (s("owner.txt"), None, false),
                (None, s("admin.json"), false),
                (s("a.json"), None, false),
                (None, s("a.json.bak"), false),
                (s("x.json"), s("y.tf"), true),
            ]
        );
    }
}
