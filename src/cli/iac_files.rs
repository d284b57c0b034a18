//! The file system as the IaC evaluators see it: files next to a role file (parameter files,
//! tfvars, the other `.tf` files of a module, loaded content), and the `--parameters` /
//! `--var-file` values of the command line, set once per process.

use crate::cli::input::read_role_text;
use crate::error::Result;
use crate::model::iac::value::Files;
use crate::model::role_text::IacInputs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Reads files relative to the directory of the file being evaluated.
pub struct FsFiles;

fn dir_of(from: &str) -> Option<PathBuf> {
    if from == "<stdin>" || from == "-" {
        return None;
    }
    Some(
        Path::new(from)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    )
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

impl Files for FsFiles {
    fn read(&self, from: &str, relative: &str) -> Result<Option<(String, String)>> {
        let Some(dir) = dir_of(from) else {
            return Ok(None);
        };
        let rel = relative.trim_start_matches("./");
        let p = if dir.as_os_str().is_empty() {
            PathBuf::from(rel)
        } else {
            dir.join(rel)
        };
        if !p.is_file() {
            return Ok(None);
        }
        Ok(Some((shown(&p), read_role_text(&p)?)))
    }

    fn list(&self, from: &str, suffix: &str) -> Result<Vec<(String, String)>> {
        let Some(dir) = dir_of(from) else {
            return Ok(Vec::new());
        };
        let read_dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir.as_path()
        };
        let Ok(entries) = std::fs::read_dir(read_dir) else {
            return Ok(Vec::new());
        };
        let me = Path::new(from).file_name();
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(suffix) && Some(std::ffi::OsStr::new(n)) != me)
            .collect();
        names.sort();
        let mut out = Vec::new();
        for n in names {
            let p = dir.join(&n);
            out.push((shown(&p), read_role_text(&p)?));
        }
        Ok(out)
    }
}

/// The `--parameters` and `--var-file` texts: (shown name, text).
#[derive(Debug, Default)]
pub struct IacFlags {
    pub parameters: Option<(String, String)>,
    pub var_files: Vec<(String, String)>,
}

static FLAGS: OnceLock<IacFlags> = OnceLock::new();

/// Reads the files named by `--parameters` and `--var-file` (once per process).
pub fn set_flags(parameters: Option<&Path>, var_files: &[PathBuf]) -> Result<()> {
    let mut f = IacFlags::default();
    if let Some(p) = parameters {
        f.parameters = Some((shown(p), read_role_text(p)?));
    }
    for p in var_files {
        f.var_files.push((shown(p), read_role_text(p)?));
    }
    let _ = FLAGS.set(f);
    Ok(())
}

/// The inputs of the IaC evaluators for this process.
pub fn inputs() -> IacInputs<'static> {
    static NO_FLAGS: IacFlags = IacFlags {
        parameters: None,
        var_files: Vec::new(),
    };
    let f = FLAGS.get().unwrap_or(&NO_FLAGS);
    IacInputs {
        files: &FsFiles,
        parameters: f.parameters.as_ref(),
        var_files: &f.var_files,
    }
}
