//! Finding and reading the configuration file: `--config FILE`, else `azrbac.toml` or
//! `.azrbac.toml` in the current directory or its parents up to the repository root (the
//! directory holding `.git`; outside a repository, the current directory only). `--no-config`
//! ignores it. Also maps a linted file to its `per-file-ignores`.

use crate::cli::args::ConfigArgs;
use crate::cli::input::read_text;
use crate::error::{Error, Result};
use crate::model::config::{Config, parse_config};
use std::path::{Path, PathBuf};

/// File names looked for, in order of preference.
pub const NAMES: [&str; 2] = ["azrbac.toml", ".azrbac.toml"];

/// A configuration and the directory its relative paths are read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub dir: PathBuf,
}

/// The absolute path, with `.` and `..` resolved lexically (`../roles/a.json` from `sub/`).
fn absolute(p: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The configuration file that applies, if any.
pub fn find(args: &ConfigArgs) -> Result<Option<PathBuf>> {
    if args.no_config {
        return Ok(None);
    }
    if let Some(p) = &args.config {
        return Ok(Some(p.clone()));
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", &e))?;
    let in_repo = cwd.ancestors().any(|d| d.join(".git").exists());
    for dir in cwd.ancestors() {
        let found: Vec<PathBuf> = NAMES
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        if found.len() > 1 {
            return Err(Error::Io {
                path: found[1].display().to_string(),
                message: format!(
                    "both {} and {} exist; keep one (or name it with --config)",
                    NAMES[0], NAMES[1]
                ),
            });
        }
        if let Some(p) = found.into_iter().next() {
            return Ok(Some(p));
        }
        if !in_repo || dir.join(".git").exists() {
            break;
        }
    }
    Ok(None)
}

/// Finds and parses the configuration (exit 2 naming the file on any problem).
pub fn load(args: &ConfigArgs) -> Result<Option<Loaded>> {
    let Some(path) = find(args)? else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let text = read_text(&path)?;
    let config = parse_config(&text, &shown)?;
    crate::analyses::lint::select::check_selectors(
        &config.lint.select,
        &format!("{shown}: lint.select"),
    )?;
    crate::analyses::lint::select::check_selectors(
        &config.lint.ignore,
        &format!("{shown}: lint.ignore"),
    )?;
    for (glob, codes) in &config.lint.per_file_ignores {
        crate::analyses::lint::select::check_selectors(
            codes,
            &format!("{shown}: lint.per-file-ignores.\"{glob}\""),
        )?;
    }
    let dir = absolute(&path)
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok(Some(Loaded { config, dir }))
}

impl Loaded {
    /// The rule selectors `per-file-ignores` applies to a file (as named on the command
    /// line), its globs read relative to the configuration file's directory.
    pub fn ignores_for(&self, file: &str) -> Vec<String> {
        let abs = absolute(Path::new(file));
        let Ok(rel) = abs.strip_prefix(&self.dir) else {
            return Vec::new();
        };
        let opts = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        self.config
            .lint
            .per_file_ignores
            .iter()
            .filter(|(g, _)| glob::Pattern::new(g).is_ok_and(|p| p.matches_path_with(rel, opts)))
            .flat_map(|(_, codes)| codes.iter().cloned())
            .collect()
    }
}
