//! Running git for `diff --git` with paths kept as bytes (git's `-z` output): raw diff
//! records, blobs, and symbolic links followed inside a commit or the working tree. Paths
//! become text only when shown in a message, escaped.

use crate::error::{Error, Result};
use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::fmt::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Git's modes for a symbolic link, a directory (tree) and a submodule (gitlink).
pub const MODE_LINK: u32 = 0o120000;
pub const MODE_TREE: u32 = 0o040000;
pub const MODE_GITLINK: u32 = 0o160000;

/// Most symbolic links followed to reach a file (the Linux limit).
const MAX_LINKS: usize = 40;

/// A path as messages and reports show it: UTF-8 as is, other bytes as `\xNN`, control
/// characters escaped (`\n`, `\u{1b}`).
pub fn shown(path: &[u8]) -> String {
    let mut out = String::new();
    for chunk in path.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// A byte path as an argument for git or the file system.
#[cfg(unix)]
pub fn os(bytes: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStrExt;
    OsStr::from_bytes(bytes).to_os_string()
}

/// A byte path as an argument for git or the file system (git prints UTF-8 paths here).
#[cfg(not(unix))]
pub fn os(bytes: &[u8]) -> OsString {
    String::from_utf8_lossy(bytes).into_owned().into()
}

/// Runs git in `dir` (the current directory when `None`) and returns its standard output;
/// a failure is a usage error quoting git's first line.
pub fn git<S: AsRef<OsStr>>(dir: Option<&Path>, args: &[S]) -> Result<Vec<u8>> {
    let mut cmd = Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::usage(format!("diff --git: cannot run git: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("failed");
        let shown_args: Vec<String> = args
            .iter()
            .map(|a| shown(a.as_ref().as_encoded_bytes()))
            .collect();
        return Err(Error::usage(format!(
            "diff --git: git {}: {}",
            shown_args.join(" "),
            shown(first.trim().as_bytes())
        )));
    }
    Ok(out.stdout)
}

/// The repository's top-level directory.
pub fn toplevel() -> Result<std::path::PathBuf> {
    let mut out = git(None, &["rev-parse", "--show-toplevel"])?;
    if out.last() == Some(&b'\n') {
        out.pop();
    }
    Ok(os(&out).into())
}

/// One record of `git diff --raw -z`: modes and object ids of both sides (a null id: read the
/// working tree), the status letter, the path and, for a rename or copy, the source path.
#[derive(Debug, Clone)]
pub struct RawChange {
    pub status: u8,
    pub old_mode: u32,
    pub new_mode: u32,
    pub old_oid: String,
    pub new_oid: String,
    pub old_path: Option<Vec<u8>>,
    pub path: Vec<u8>,
}

fn bad_output() -> Error {
    Error::usage("diff --git: unexpected output from `git diff --raw`")
}

/// Parses `git diff --raw -z --no-abbrev` output.
pub fn parse_raw(out: &[u8]) -> Result<Vec<RawChange>> {
    let mut fields = out.split(|b| *b == 0);
    let mut changes = Vec::new();
    while let Some(header) = fields.next() {
        if header.is_empty() {
            continue;
        }
        let header = std::str::from_utf8(header).map_err(|_| bad_output())?;
        let parts: Vec<&str> = header
            .strip_prefix(':')
            .ok_or_else(bad_output)?
            .split(' ')
            .collect();
        let [old_mode, new_mode, old_oid, new_oid, status] = parts.as_slice() else {
            return Err(bad_output());
        };
        let mode = |m: &str| u32::from_str_radix(m, 8).map_err(|_| bad_output());
        let status = status.bytes().next().ok_or_else(bad_output)?;
        let first = fields.next().ok_or_else(bad_output)?.to_vec();
        let (old_path, path) = if matches!(status, b'R' | b'C') {
            (Some(first), fields.next().ok_or_else(bad_output)?.to_vec())
        } else {
            (None, first)
        };
        changes.push(RawChange {
            status,
            old_mode: mode(old_mode)?,
            new_mode: mode(new_mode)?,
            old_oid: (*old_oid).to_string(),
            new_oid: (*new_oid).to_string(),
            old_path,
            path,
        });
    }
    Ok(changes)
}

/// Parses `git ls-files -s -z` or `git ls-tree -z` output into (mode, object id, path).
fn parse_entries(out: &[u8]) -> Vec<(u32, String, Vec<u8>)> {
    let mut entries = Vec::new();
    for rec in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = rec.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let head = String::from_utf8_lossy(&rec[..tab]);
        let parts: Vec<&str> = head.split(' ').collect();
        // ls-files: mode oid stage; ls-tree: mode type oid.
        let (mode, oid) = match parts.as_slice() {
            [m, t, o] if *t == "blob" || *t == "tree" || *t == "commit" => (*m, *o),
            [m, o, _] => (*m, *o),
            _ => continue,
        };
        if let Ok(m) = u32::from_str_radix(mode, 8) {
            entries.push((m, oid.to_string(), rec[tab + 1..].to_vec()));
        }
    }
    entries
}

/// A blob's bytes.
pub fn blob(root: &Path, oid: &str) -> Result<Vec<u8>> {
    git(Some(root), &["cat-file", "blob", oid])
}

/// The (mode, object id) of the entry at exactly `path` in `rev`.
pub fn lookup(root: &Path, rev: &str, path: &[u8]) -> Result<Option<(u32, String)>> {
    let args = [
        OsString::from("--literal-pathspecs"),
        "ls-tree".into(),
        "-z".into(),
        "--full-tree".into(),
        rev.into(),
        "--".into(),
        os(path),
    ];
    Ok(parse_entries(&git(Some(root), &args)?)
        .into_iter()
        .find(|(_, _, p)| p == path)
        .map(|(m, o, _)| (m, o)))
}

fn link_error(origin: &str, target: &[u8], what: &str) -> Error {
    Error::shape(
        origin,
        "",
        format!("symbolic link to `{}` {what}", shown(target)),
    )
}

/// What is at a repository path, for following links.
enum Node<T> {
    Missing,
    Link(Vec<u8>),
    Dir,
    File(T),
    /// A submodule, a FIFO, a device: nothing to read roles from.
    Other(&'static str),
}

/// Follows the symbolic link at `path` whose text is `target`: relative to the link's
/// directory, component by component (so linked directories are followed too), at most
/// `MAX_LINKS` links, never above the repository's top level. Returns the file reached, or
/// why there is none.
fn follow<T>(
    path: &[u8],
    target: Vec<u8>,
    mut at: impl FnMut(&[u8]) -> Result<Node<T>>,
) -> Result<Result<T, String>> {
    let mut cur: Vec<&[u8]> = path.split(|b| *b == b'/').collect();
    cur.pop();
    let mut cur: Vec<Vec<u8>> = cur.into_iter().map(<[u8]>::to_vec).collect();
    let mut pending: VecDeque<Vec<u8>> = VecDeque::new();
    let mut target = target;
    let mut links = 1;
    loop {
        if target.starts_with(b"/") {
            return Ok(Err("leaves the repository".into()));
        }
        for c in target.split(|b| *b == b'/').rev() {
            pending.push_front(c.to_vec());
        }
        let mut next = None;
        while let Some(c) = pending.pop_front() {
            if c.is_empty() || c == b"." {
                continue;
            }
            if c == b".." {
                if cur.pop().is_none() {
                    return Ok(Err("leaves the repository".into()));
                }
                continue;
            }
            cur.push(c);
            let here = cur.join(&b'/');
            if cur.len() == 1 && cur[0] == b".git" {
                return Ok(Err("leaves the repository (into .git)".into()));
            }
            match at(&here)? {
                Node::Missing => {
                    return Ok(Err(format!(
                        "leads to nothing (`{}` is missing)",
                        shown(&here)
                    )));
                }
                Node::Link(t) => {
                    cur.pop();
                    next = Some(t);
                    break;
                }
                Node::Dir => {}
                Node::Other(what) => {
                    return Ok(Err(format!("leads to `{}`, {what}", shown(&here))));
                }
                Node::File(file) => {
                    if pending.iter().any(|c| !c.is_empty() && c != b".") {
                        return Ok(Err(format!("goes through the file `{}`", shown(&here))));
                    }
                    return Ok(Ok(file));
                }
            }
        }
        match next {
            Some(t) if links < MAX_LINKS => {
                links += 1;
                target = t;
            }
            Some(_) => {
                return Ok(Err(format!("passes more than {MAX_LINKS} links (a loop?)")));
            }
            None => return Ok(Err("leads to a directory".into())),
        }
    }
}

/// The object id of the file a symbolic link at `path` (link blob `oid`) leads to inside
/// `rev`. A link that leaves the repository, dangles, loops or leads to a directory is an
/// input error naming `origin`.
pub fn resolve_in_commit(
    root: &Path,
    rev: &str,
    path: &[u8],
    oid: &str,
    origin: &str,
) -> Result<String> {
    let first = blob(root, oid)?;
    let found = follow(path, first.clone(), |p| {
        Ok(match lookup(root, rev, p)? {
            None => Node::Missing,
            Some((MODE_LINK, link)) => Node::Link(blob(root, &link)?),
            Some((MODE_TREE, _)) => Node::Dir,
            Some((MODE_GITLINK, _)) => Node::Other("a submodule"),
            Some((_, file)) => Node::File(file),
        })
    })?;
    found.map_err(|why| link_error(origin, &first, &why))
}

/// What a commit holds at a path: the blob, or the file a symbolic link leads to.
pub fn read_in_commit(
    root: &Path,
    rev: &str,
    path: &[u8],
    mode: u32,
    oid: &str,
    origin: &str,
) -> Result<Vec<u8>> {
    if mode == MODE_LINK {
        let file = resolve_in_commit(root, rev, path, oid, origin)?;
        return blob(root, &file);
    }
    blob(root, oid)
}

fn link_text(p: &Path, origin: &str) -> Result<Vec<u8>> {
    std::fs::read_link(p)
        .map(|t| t.into_os_string().into_encoded_bytes())
        .map_err(|e| Error::io(origin, &e))
}

/// A working-tree file's bytes. A symbolic link is followed as in a commit: only to a
/// regular file inside the repository (outside `.git`); otherwise it is an input error
/// naming `origin`.
pub fn read_worktree(root: &Path, path: &[u8], origin: &str) -> Result<Vec<u8>> {
    let p = root.join(os(path));
    let meta = std::fs::symlink_metadata(&p).map_err(|e| Error::io(origin, &e))?;
    if !meta.file_type().is_symlink() {
        return std::fs::read(&p).map_err(|e| Error::io(origin, &e));
    }
    let first = link_text(&p, origin)?;
    let found = follow(path, first.clone(), |rel| {
        let q = root.join(os(rel));
        Ok(match std::fs::symlink_metadata(&q) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Node::Missing,
            Err(e) => return Err(Error::io(origin, &e)),
            Ok(m) if m.file_type().is_symlink() => Node::Link(link_text(&q, origin)?),
            Ok(m) if m.is_dir() => Node::Dir,
            Ok(m) if m.is_file() => Node::File(q),
            Ok(_) => Node::Other("which is not a regular file"),
        })
    })?;
    match found {
        Ok(file) => std::fs::read(&file).map_err(|e| Error::io(origin, &e)),
        Err(why) => Err(link_error(origin, &first, &why)),
    }
}

/// The symbolic links among `rev`'s files (the index's when `None`) that match the
/// pathspecs, as (path, link blob id). Git runs from the current directory so the pathspecs
/// read as the user typed them.
pub fn links(rev: Option<&str>, pathspecs: &[OsString]) -> Result<Vec<(Vec<u8>, String)>> {
    let out = match rev {
        Some(r) => {
            let mut empty = git(None, &["hash-object", "-t", "tree", "--stdin"])?;
            empty.retain(|b| !b.is_ascii_whitespace());
            let mut args: Vec<OsString> = [
                "diff",
                "--raw",
                "-z",
                "--no-renames",
                "--no-abbrev",
                "--no-relative",
                "--no-ext-diff",
                "--no-color",
            ]
            .iter()
            .map(OsString::from)
            .collect();
            args.push(os(&empty));
            args.push(r.into());
            args.push("--".into());
            args.extend(pathspecs.iter().cloned());
            return Ok(parse_raw(&git(None, &args)?)?
                .into_iter()
                .filter(|c| c.new_mode == MODE_LINK)
                .map(|c| (c.path, c.new_oid))
                .collect());
        }
        None => {
            let mut args: Vec<OsString> = ["ls-files", "-s", "-z", "--full-name", "--"]
                .iter()
                .map(OsString::from)
                .collect();
            args.extend(pathspecs.iter().cloned());
            git(None, &args)?
        }
    };
    Ok(parse_entries(&out)
        .into_iter()
        .filter(|(m, _, _)| *m == MODE_LINK)
        .map(|(_, o, p)| (p, o))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_bytes_escaped() {
        assert_eq!(shown(b"roles/caf\xE9.json"), "roles/caf\\xE9.json");
        assert_eq!(shown("rôle\n.json".as_bytes()), "rôle\\n.json");
        assert_eq!(shown(b"a\x1b[2J"), "a\\u{1b}[2J");
    }

    #[test]
    fn raw_records_with_renames() {
        let mut out = Vec::new();
        for rec in [
            &b":100644 100644 1111 0000 M\0a.json\0"[..],
            b":100644 120000 1111 2222 R087\0old.json\0new.json\0",
            b":100644 000000 1111 0000 D\0gone.json\0",
            b":000000 100644 0000 1111 A\0caf\xE9.json\0",
        ] {
            out.extend_from_slice(rec);
        }
        let c = parse_raw(&out).unwrap();
        assert_eq!(c.len(), 4);
        assert_eq!(
            (c[1].status, c[1].old_path.as_deref(), c[1].path.as_slice()),
            (b'R', Some(&b"old.json"[..]), &b"new.json"[..])
        );
        assert_eq!((c[1].old_mode, c[1].new_mode), (0o100644, MODE_LINK));
        assert_eq!(c[1].new_oid, "2222");
        assert_eq!(
            (c[2].status, c[2].path.as_slice()),
            (b'D', &b"gone.json"[..])
        );
        assert_eq!(c[3].path, b"caf\xE9.json");
        assert!(parse_raw(b"garbage\0").is_err());
    }

    #[test]
    fn entries_from_ls_files_and_ls_tree() {
        let e = parse_entries(b"120000 abc 0\tci/l.json\x00040000 tree def\troles\0");
        assert_eq!(e[0], (MODE_LINK, "abc".into(), b"ci/l.json".to_vec()));
        assert_eq!(e[1], (MODE_TREE, "def".into(), b"roles".to_vec()));
    }
}
