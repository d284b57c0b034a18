//! Writing output files atomically: a temporary file (`.azrbac-tmp-*`) beside the target,
//! flushed to disk, then renamed over it. Only regular files are replaced; a symbolic link
//! to one is written through (the file it leads to is replaced).

use crate::error::{Error, Result};
use std::fs::Metadata;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Prefix of azrbac's temporary files. Errors remove them; one is left behind only when the
/// process dies by a signal (SIGKILL, Ctrl-C) or power loss between creating and renaming it,
/// and can then be deleted.
pub const TEMP_PREFIX: &str = ".azrbac-tmp-";

/// An output file being written; nothing is visible at the target until [`commit`].
///
/// [`commit`]: AtomicFile::commit
#[derive(Debug)]
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    /// The file replaced or created (a symbolic link's target, resolved).
    target: PathBuf,
    /// The path as the user gave it, for messages.
    shown: String,
    replace: bool,
}

fn already_exists(shown: &str) -> Error {
    Error::Io {
        path: shown.to_string(),
        message: "already exists; pass --force to overwrite it".into(),
    }
}

/// What a non-regular file is, for the refusal message.
fn kind(m: &Metadata) -> &'static str {
    let t = m.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

fn refuse(shown: &str, what: String) -> Error {
    Error::Io {
        path: shown.to_string(),
        message: format!("{what}; azrbac only replaces regular files"),
    }
}

/// Decides what writing `path` replaces: nothing (a new file), a regular file, or the
/// regular file a symbolic link leads to; anything else is refused.
fn target_of(path: &Path, shown: &str, force: bool) -> Result<(PathBuf, Option<Metadata>)> {
    let meta = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((path.into(), None)),
        Err(e) => return Err(Error::io(shown, &e)),
        Ok(m) => m,
    };
    // A dangling or looping symbolic link is something there too.
    if !force {
        return Err(already_exists(shown));
    }
    if meta.file_type().is_file() {
        return Ok((path.into(), Some(meta)));
    }
    if !meta.file_type().is_symlink() {
        return Err(refuse(shown, format!("is {}", kind(&meta))));
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {
            let real = std::fs::canonicalize(path).map_err(|e| Error::io(shown, &e))?;
            Ok((real, Some(m)))
        }
        Ok(m) => Err(refuse(shown, format!("is a symbolic link to {}", kind(&m)))),
        Err(_) => Err(refuse(
            shown,
            "is a symbolic link that leads to no file".into(),
        )),
    }
}

impl AtomicFile {
    /// Starts writing `path`. An existing file is an error unless `force`; then only a regular
    /// file, or a symbolic link to one, is replaced (exit 2 naming the file otherwise).
    pub fn create(path: &Path, force: bool) -> Result<AtomicFile> {
        let shown = path.display().to_string();
        let (target, existing) = target_of(path, &shown, force)?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Passed to open(2), so the umask applies as for any new file.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder
            .tempfile_in(&dir)
            .map_err(|e| Error::io(&dir.display().to_string(), &e))?;
        #[cfg(unix)]
        if let Some(m) = &existing {
            keep_owner_and_mode(tmp.as_file(), m).map_err(|e| Error::io(&shown, &e))?;
        }
        Ok(AtomicFile {
            tmp,
            target,
            shown,
            replace: existing.is_some(),
        })
    }

    /// Flushes the file to disk and renames it over the target, then flushes the directory.
    /// On error the temporary file is removed.
    pub fn commit(self) -> Result<()> {
        let AtomicFile {
            mut tmp,
            target,
            shown,
            replace,
        } = self;
        tmp.flush().map_err(|e| Error::io(&shown, &e))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(&shown, &e))?;
        if replace {
            tmp.persist(&target)
                .map_err(|e| Error::io(&shown, &e.error))?;
        } else {
            // No-replace: a file that appeared since `create` is not overwritten.
            tmp.persist_noclobber(&target)
                .map_err(|e| match e.error.kind() {
                    std::io::ErrorKind::AlreadyExists => already_exists(&shown),
                    _ => Error::io(&shown, &e.error),
                })?;
        }
        sync_dir(&target);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// Gives the new file the replaced file's owner (when permitted: as root, or a group the
/// user is in) and mode.
#[cfg(unix)]
fn keep_owner_and_mode(f: &std::fs::File, old: &Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let new = f.metadata()?;
    if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
        match std::os::unix::fs::fchown(f, Some(old.uid()), Some(old.gid())) {
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                // Not permitted (EPERM): keep at least the group when that is allowed.
                let _ = std::os::unix::fs::fchown(f, None, Some(old.gid()));
            }
            other => other?,
        }
    }
    // After chown, which may clear set-id bits.
    f.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o7777))
}

/// Makes the rename durable. Best effort: some file systems cannot sync a directory, and
/// the file is in place either way.
fn sync_dir(target: &Path) {
    #[cfg(unix)]
    {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = target;
}

/// Writes a file atomically. Refuses to replace an existing file unless `force`, and never
/// replaces anything but a regular file (a symbolic link to one is written through).
pub fn write_atomic(path: &Path, contents: &str, force: bool) -> Result<()> {
    let mut f = AtomicFile::create(path, force)?;
    f.write_all(contents.as_bytes())
        .map_err(|e| Error::io(&path.display().to_string(), &e))?;
    f.commit()
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn replaces_regular_files_keeping_their_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        write_atomic(&p, "one", false).unwrap();
        assert!(write_atomic(&p, "two", false).is_err());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, "two", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(mode(&p), 0o640);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }

    #[test]
    fn writes_through_a_link_and_refuses_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("sub/shared.json"), "old").unwrap();
        symlink("sub/shared.json", d.join("role.json")).unwrap();
        write_atomic(&d.join("role.json"), "new", true).unwrap();
        assert!(
            std::fs::symlink_metadata(d.join("role.json"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(d.join("sub/shared.json")).unwrap(),
            "new"
        );
        symlink("missing.json", d.join("dangling.json")).unwrap();
        let e = write_atomic(&d.join("dangling.json"), "x", true).unwrap_err();
        assert!(e.to_string().contains("leads to no file"), "{e}");
        let e = write_atomic(&d.join("sub"), "x", true).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("sub: is a directory; azrbac only replaces regular files"),
            "{e}"
        );
    }
}
