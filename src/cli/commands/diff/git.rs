//! `diff --git`: asks git which files changed between two revisions (or a revision and the
//! working tree), reads both versions of each (old ones through `git show`), and keeps the
//! files that hold role definitions. The only code that runs git.

use crate::analyses::diff::Skipped;
use crate::cli::input::decode;
use crate::error::{Error, Result};
use crate::model::role_text::{RoleFileKind, kind_of};
use crate::model::{RoleDefinition, bicep, json, parse_roles_json, terraform};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One changed file holding roles on at least one side.
#[derive(Debug)]
pub struct GitFile {
    /// Repository-relative path (NEW's, or OLD's when deleted).
    pub path: String,
    /// OLD's path when git saw a rename.
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

fn git(root: Option<&Path>, args: &[&str]) -> Result<Vec<u8>> {
    let mut cmd = Command::new("git");
    if let Some(r) = root {
        cmd.arg("-C").arg(r);
    }
    let out = cmd
        .args(args)
        .output()
        .map_err(|e| Error::usage(format!("diff --git: cannot run git: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("failed");
        return Err(Error::usage(format!(
            "diff --git: git {}: {}",
            args.join(" "),
            first.trim()
        )));
    }
    Ok(out.stdout)
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

/// Whether this kind of file can hold roles (by extension): JSON, Terraform, Bicep.
fn role_file_kind(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".json", ".tf", ".bicep"]
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

struct Changed {
    status: char,
    old_path: Option<String>,
    path: String,
}

fn parse_name_status(out: &[u8]) -> Vec<Changed> {
    let fields: Vec<String> = out
        .split(|b| *b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < fields.len() {
        let status = fields[i].chars().next().unwrap_or('M');
        if matches!(status, 'R' | 'C') && i + 2 < fields.len() {
            out.push(Changed {
                status,
                old_path: Some(fields[i + 1].clone()),
                path: fields[i + 2].clone(),
            });
            i += 3;
        } else if i + 1 < fields.len() {
            out.push(Changed {
                status,
                old_path: None,
                path: fields[i + 1].clone(),
            });
            i += 2;
        } else {
            break;
        }
    }
    out
}

/// Collects the role files that changed between `base` and `head` (the working tree when
/// `None`), limited to `pathspecs`.
pub fn collect(base: &str, refs: &[String], extra_paths: &[String]) -> Result<GitInputs> {
    let root_out = git(None, &["rev-parse", "--show-toplevel"])?;
    let root = PathBuf::from(String::from_utf8_lossy(&root_out).trim());
    if !is_commit(base) {
        return Err(Error::usage(format!(
            "diff --git: `{base}` is not a git revision"
        )));
    }
    let (head, pathspecs): (Option<String>, Vec<String>) = match refs.first() {
        Some(first) if is_commit(first) => {
            if Path::new(first).exists() {
                return Err(Error::usage(format!(
                    "diff --git: `{first}` is both a revision and a path; put paths after `--`"
                )));
            }
            (
                Some(first.clone()),
                refs[1..].iter().chain(extra_paths).cloned().collect(),
            )
        }
        _ => (None, refs.iter().chain(extra_paths).cloned().collect()),
    };
    // A path typed before `--` must exist: a mistyped revision is not silently a pathspec.
    let typed = if head.is_some() { &refs[1..] } else { refs };
    if let Some(p) = typed.iter().find(|p| !Path::new(p.as_str()).exists()) {
        return Err(Error::usage(format!(
            "diff --git: `{p}` is neither a git revision nor an existing path (put deleted paths after `--`)"
        )));
    }
    let mut args: Vec<&str> = vec!["diff", "--name-status", "-z", "-M", "--no-ext-diff", base];
    if let Some(h) = &head {
        args.push(h);
    }
    args.push("--");
    args.extend(pathspecs.iter().map(String::as_str));
    // Run from the current directory so pathspecs resolve as the user typed them; git prints
    // repository-relative paths.
    let mut changed = parse_name_status(&git(None, &args)?);
    if head.is_none() {
        let mut ls: Vec<&str> = vec![
            "ls-files",
            "--others",
            "--exclude-standard",
            "--full-name",
            "-z",
            "--",
        ];
        ls.extend(pathspecs.iter().map(String::as_str));
        for f in git(None, &ls)?.split(|b| *b == 0).filter(|f| !f.is_empty()) {
            changed.push(Changed {
                status: 'A',
                old_path: None,
                path: String::from_utf8_lossy(f).into_owned(),
            });
        }
    }
    changed.sort_by(|a, b| a.path.cmp(&b.path));
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for c in changed {
        if !role_file_kind(&c.path) && !c.old_path.as_deref().is_some_and(role_file_kind) {
            skipped.push(Skipped {
                path: c.path,
                reason: "not a role file type (.json, .tf, .bicep)".into(),
            });
            continue;
        }
        let old_path = c.old_path.clone().unwrap_or_else(|| c.path.clone());
        let old_origin = format!("{base}:{old_path}");
        let old_bytes = if c.status == 'A' {
            None
        } else {
            Some(git(Some(&root), &["show", &old_origin])?)
        };
        let (new_origin, new_bytes) = match (&head, c.status) {
            (_, 'D') => (c.path.clone(), None),
            (Some(h), _) => {
                let o = format!("{h}:{}", c.path);
                let b = git(Some(&root), &["show", &o])?;
                (o, Some(b))
            }
            (None, _) => {
                let p = root.join(&c.path);
                let b = std::fs::read(&p).map_err(|e| Error::io(&c.path, &e))?;
                (c.path.clone(), Some(b))
            }
        };
        let old = read_side(old_bytes, &old_origin)?;
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
                    path: c.path.clone(),
                    reason: reason(&n)
                        .or_else(|| reason(&o))
                        .unwrap_or_else(|| "holds no role definition".into()),
                });
                continue;
            }
        };
        files.push(GitFile {
            path: c.path,
            renamed_from: c.old_path,
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
    fn name_status_with_renames() {
        let out = b"M\0a.json\0R087\0old.json\0new.json\0D\0gone.json\0";
        let c = parse_name_status(out);
        assert_eq!(c.len(), 3);
        assert_eq!(
            (c[1].status, c[1].old_path.as_deref(), c[1].path.as_str()),
            ('R', Some("old.json"), "new.json")
        );
        assert_eq!((c[2].status, c[2].path.as_str()), ('D', "gone.json"));
    }
}
