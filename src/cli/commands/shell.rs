//! `azrbac completions SHELL` and `azrbac man`: shell completion scripts and manual pages
//! generated from the command-line definition itself, so they never drift from it.

use crate::cli::args::{Cli, ManArgs};
use crate::cli::output::write_atomic;
use crate::cli::{EXIT_OK, report};
use crate::error::{Error, Result};
use clap::CommandFactory;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<i32> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "azrbac", &mut buf);
    let text = String::from_utf8(buf)
        .map_err(|e| Error::usage(format!("completions: the script is not UTF-8 ({e})")))?;
    report::out(&text);
    Ok(EXIT_OK)
}

/// Renders one manual page under `title`.
fn page(cmd: clap::Command, title: &str) -> Result<String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .title(title)
        .render(&mut buf)
        .map_err(|e| Error::usage(format!("man: cannot render the page ({e})")))?;
    String::from_utf8(buf).map_err(|e| Error::usage(format!("man: the page is not UTF-8 ({e})")))
}

/// Prints the main manual page, or writes every page into a directory.
pub fn man(a: &ManArgs) -> Result<i32> {
    let cmd = Cli::command();
    let Some(dir) = &a.output else {
        report::out(&page(cmd, "azrbac")?);
        return Ok(EXIT_OK);
    };
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "man: {} is not a directory (create it first)",
            dir.display()
        )));
    }
    let mut pages = vec![("azrbac.1".to_string(), page(cmd.clone(), "azrbac")?)];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("azrbac-{}", sub.get_name());
        pages.push((
            format!("{name}.1"),
            page(sub.clone().name(name.clone()), &name)?,
        ));
    }
    for (file, text) in &pages {
        write_atomic(&dir.join(file), text, a.force)?;
    }
    report::err_line(&format!(
        "wrote {} manual pages into {}",
        pages.len(),
        dir.display()
    ));
    Ok(EXIT_OK)
}
