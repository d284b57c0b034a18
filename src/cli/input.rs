//! Reading inputs: files (UTF-8, UTF-8 with BOM, or UTF-16 with BOM), stdin, directories,
//! and role references (file, `-`, built-in name or GUID).

use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::{RoleDefinition, is_guid};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest file azrbac reads by default (catalogs, inventories, built-in role sets).
pub const MAX_FILE_BYTES: u64 = 4 << 30;

/// Largest role file (JSON, `.tf`, `.bicep`, plan) or needs file azrbac reads by default:
/// far above any real role, far below what would exhaust memory (parsing takes about ten times
/// the file's size).
pub const MAX_ROLE_FILE_BYTES: u64 = 256 << 20;

/// The environment variable that replaces both limits (a number of bytes).
pub const LIMIT_VAR: &str = "AZRBAC_MAX_INPUT_BYTES";

/// Whether standard input was read already (it can be read once per process).
static STDIN_READ: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The limit in force: [`LIMIT_VAR`] when set, else `default`.
fn limit(default: u64) -> Result<u64> {
    match std::env::var(LIMIT_VAR) {
        Ok(v) => v.trim().parse::<u64>().map_err(|_| {
            Error::usage(format!(
                "{LIMIT_VAR}=`{}` is not a number of bytes",
                crate::model::shown::one_line(&v)
            ))
        }),
        Err(std::env::VarError::NotPresent) => Ok(default),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::usage(format!(
            "{LIMIT_VAR} is not a number of bytes"
        ))),
    }
}

/// A size as bytes and in MiB or GiB.
fn size(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{bytes} bytes, {} GiB", bytes >> 30)
    } else if bytes >= 1 << 20 {
        format!(
            "{bytes} bytes, {:.0} MiB",
            bytes as f64 / f64::from(1u32 << 20)
        )
    } else {
        format!("{bytes} bytes")
    }
}

fn too_large(path: &str, what: &str, found: Option<u64>, limit: u64) -> Error {
    let found = found.map(|n| format!(" ({n} bytes)")).unwrap_or_default();
    Error::Io {
        path: path.to_string(),
        message: format!(
            "{what} is larger{found} than the limit of {}; set {LIMIT_VAR} to a number of bytes to raise it",
            size(limit)
        ),
    }
}

/// Reads a text file, or stdin for `-` (once: a second `-` is a usage error, not an empty
/// input), up to [`MAX_FILE_BYTES`] (or [`LIMIT_VAR`]).
pub fn read_text(path: &Path) -> Result<String> {
    read_limited(path, "input", limit(MAX_FILE_BYTES)?)
}

/// Reads a role or needs file (or stdin) like [`read_text`], up to [`MAX_ROLE_FILE_BYTES`]
/// (or [`LIMIT_VAR`]).
pub fn read_role_text(path: &Path) -> Result<String> {
    read_limited(path, "input", limit(MAX_ROLE_FILE_BYTES)?)
}

/// Reads at most `limit` bytes: a larger input (a file, a pipe, a device such as
/// `/dev/zero` whose size the file system does not tell) is an error, not a memory blow-up.
fn read_limited(path: &Path, what: &str, limit: u64) -> Result<String> {
    let shown = path.display().to_string();
    if shown == "-" {
        if STDIN_READ.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::usage(
                "`-` (standard input) is given twice; it can be read only once",
            ));
        }
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("<stdin>", &e))?;
        if buf.len() as u64 > limit {
            return Err(too_large("<stdin>", what, None, limit));
        }
        return decode(buf, "<stdin>");
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(&shown, &e))?;
    if meta.is_dir() {
        return Err(Error::Io {
            path: shown,
            message: "is a directory, expected a file".into(),
        });
    }
    if meta.len() > limit {
        return Err(too_large(&shown, "file", Some(meta.len()), limit));
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)
        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut buf))
        .map_err(|e| Error::io(&shown, &e))?;
    if buf.len() as u64 > limit {
        return Err(too_large(&shown, what, None, limit));
    }
    decode(buf, &shown)
}

/// Decodes bytes as UTF-8 (a BOM is skipped) or UTF-16 with a BOM (Windows PowerShell output).
pub fn decode(buf: Vec<u8>, origin: &str) -> Result<String> {
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::Io {
            path: origin.into(),
            message: format!("input is larger than the {MAX_FILE_BYTES}-byte limit"),
        });
    }
    if buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]) {
        let le = buf[0] == 0xFF;
        if !buf.len().is_multiple_of(2) {
            return Err(Error::Io {
                path: origin.into(),
                message: "truncated UTF-16 text".into(),
            });
        }
        let units: Vec<u16> = buf[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        return String::from_utf16(&units).map_err(|_| Error::Io {
            path: origin.into(),
            message: "not valid UTF-16 text".into(),
        });
    }
    let start = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    match String::from_utf8(buf) {
        Ok(mut s) => {
            if start > 0 {
                s.drain(..start);
            }
            Ok(s)
        }
        Err(e) => Err(Error::Io {
            path: origin.into(),
            message: format!(
                "not valid UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        }),
    }
}

/// Expands files and directories: every role file (`*.json`, `*.tf`, `*.bicep`) in the tree
/// under a directory, honouring `.gitignore` (and `.ignore`) files and skipping hidden
/// entries, sorted by path.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let files = walk_role_files(p)?;
            if files.is_empty() {
                return Err(Error::Io {
                    path: p.display().to_string(),
                    message: "directory holds no role file (.json, .tf or .bicep)".into(),
                });
            }
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Expands files and directories, one level (every file directly inside: `*.json`, `*.tf` and
/// `*.bicep`, sorted by name).
pub fn expand_inputs_flat(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = Vec::new();
            for ext in ["json", "tf", "bicep"] {
                let pattern = p.join(format!("*.{ext}"));
                let pattern = pattern.to_string_lossy();
                files.extend(
                    glob::glob(&pattern)
                        .map_err(|e| Error::usage(format!("{}: {e}", p.display())))?
                        .filter_map(|r| r.ok())
                        .filter(|f| f.is_file()),
                );
            }
            files.sort();
            if files.is_empty() {
                return Err(Error::Io {
                    path: p.display().to_string(),
                    message: "directory holds no role file (.json, .tf or .bicep)".into(),
                });
            }
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The role files named by `inputs`: each file as given (`false`), and every role file of
/// each directory's tree (`true`: such a file may hold no role and is then skipped).
pub fn role_inputs(inputs: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let files = walk_role_files(p)?;
            if files.is_empty() {
                return Err(Error::Io {
                    path: p.display().to_string(),
                    message: "directory holds no role file (.json, .tf or .bicep)".into(),
                });
            }
            out.extend(files.into_iter().map(|f| (f, true)));
        } else {
            out.push((p.clone(), false));
        }
    }
    Ok(out)
}

/// The role files of a directory tree, `.gitignore` honoured (also outside a git work tree).
pub fn walk_role_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| Error::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(ext.as_str(), "json" | "tf" | "bicep") {
            files.push(path.to_path_buf());
        }
    }
    files.sort();
    Ok(files)
}

/// Reads every role in a file (or stdin).
pub fn read_role_file(path: &Path) -> Result<Vec<RoleDefinition>> {
    let shown = path.display().to_string();
    let text = read_role_text(path)?;
    parse_role_text(&text, if shown == "-" { "<stdin>" } else { &shown })
}

/// Parses role text of any supported format (JSON shapes, Terraform `.tf` and plan JSON,
/// Bicep); `origin` is the file name, whose extension selects HCL and Bicep.
pub fn parse_role_text(text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    crate::model::role_text::parse_role_text_with(text, origin, &crate::cli::iac_files::inputs())
}

/// Resolves a role reference: an existing file, `-`, a built-in GUID, or a built-in name.
pub fn resolve_roles(model: &Model, reference: &str) -> Result<Vec<RoleDefinition>> {
    let path = Path::new(reference);
    if reference == "-" || path.exists() {
        return read_role_file(path);
    }
    if is_guid(reference.trim()) {
        return match model.builtins.by_guid(reference) {
            Some(r) => Ok(vec![r.clone()]),
            None => Err(Error::usage(format!(
                "`{reference}` is not the GUID of a built-in role (and no such file exists)"
            ))),
        };
    }
    if let Some(r) = model.builtins.by_name(reference) {
        return Ok(vec![r.clone()]);
    }
    let looks_like_file = reference.contains('/')
        || reference.contains('\\')
        || [".json", ".tf", ".bicep"]
            .iter()
            .any(|e| reference.ends_with(e));
    let hint = model
        .builtins
        .suggest(reference)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    if looks_like_file {
        Err(Error::Io {
            path: reference.into(),
            message: format!("no such file or directory, and no built-in role has this name{hint}"),
        })
    } else {
        Err(Error::usage(format!(
            "`{reference}` is neither a file nor a built-in role name{hint}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms() {
        assert_eq!(decode(b"\xEF\xBB\xBF{}".to_vec(), "f").unwrap(), "{}");
        assert_eq!(
            decode(vec![0xFF, 0xFE, b'{', 0, b'}', 0], "f").unwrap(),
            "{}"
        );
        assert_eq!(
            decode(vec![0xFE, 0xFF, 0, b'{', 0, b'}'], "f").unwrap(),
            "{}"
        );
        let e = decode(vec![b'{', 0xC3, 0x28], "f.json")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "f.json: not valid UTF-8 text (invalid byte at offset 1)");
    }
}
