//! The command-line layer: clap arguments → a validated plan → commands. The only code that
//! reads files or knows clap.

pub mod args;
pub mod commands;
pub mod config;
pub mod iac_files;
pub mod input;
pub mod inventory;
pub mod needs_arg;
pub mod output;

use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::WildcardMode;
use crate::report::{self, Format};
use args::{Cli, Command, GlobalArgs, Wildcards};
use std::ffi::OsString;

/// Exit codes: 0 ok, 1 findings or a failed gate, 2 usage or input error.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_INPUT: i32 = 2;

/// Parses arguments, runs the command and returns the process exit code.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> i32 {
    let cli = match parse_from(args) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            report::error(&e.to_string());
            EXIT_INPUT
        }
    }
}

/// Parses the arguments. Clap's typed view loses where each argument stood; `generate`
/// needs it to pair every `--level` with the `--resource` after it, so the pairs are
/// computed here from the argument positions.
pub fn parse_from<I, T>(args: I) -> std::result::Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let mut cmd = Cli::command();
    let matches = cmd.try_get_matches_from_mut(args)?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))?;
    if let (Command::Generate(a), Some(("generate", m))) = (&mut cli.command, matches.subcommand())
    {
        let positions = |id: &str| -> Vec<(usize, String)> {
            match (m.indices_of(id), m.get_many::<String>(id)) {
                (Some(i), Some(v)) => i.zip(v.cloned()).collect(),
                _ => Vec::new(),
            }
        };
        a.level_pairs = crate::analyses::generate::levels::pair_levels(
            &positions("level"),
            &positions("resource"),
        )
        .map_err(|m| cmd.error(clap::error::ErrorKind::ArgumentConflict, m))?;
    }
    Ok(cli)
}

/// Help and version go out as clap writes them; a usage error becomes one line on stderr
/// (clap's message, the arguments it lists, its tips) and exit 2, like every other error.
fn usage_error(e: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return EXIT_OK;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            report::error("a command is required; `azrbac --help` lists them");
            return EXIT_INPUT;
        }
        _ => {}
    }
    let text = e.render().to_string();
    let mut message: Option<String> = None;
    let mut listed: Vec<String> = Vec::new();
    let mut tips: Vec<String> = Vec::new();
    let mut in_message = false;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message.get_or_insert_with(|| m.trim().to_string());
            in_message = true;
        } else if let Some(t) = line.trim().strip_prefix("tip: ") {
            tips.push(t.to_string());
            in_message = false;
        } else if in_message && line.starts_with("  ") {
            listed.push(line.trim().to_string());
        } else {
            in_message = false;
        }
    }
    let mut one = message.unwrap_or_else(|| "invalid arguments".to_string());
    if !listed.is_empty() {
        one = format!("{} {}", one.trim_end_matches(':'), listed.join(", "));
    }
    if !tips.is_empty() {
        one.push_str(&format!(" ({})", tips.join("; ")));
    }
    one.push_str("; see --help");
    report::error(&one);
    EXIT_INPUT
}

fn execute(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Catalog(args::CatalogCmd::Import(a)) => commands::import::catalog(&a),
        Command::Roles(a) if a.import.is_some() => match a.import {
            Some(args::RolesCmd::Import(i)) => commands::import::roles(&i),
            None => Ok(EXIT_OK),
        },
        Command::Catalog(args::CatalogCmd::Info(a)) => {
            check_format("catalog info", a.format, &[Format::Table, Format::Json])?;
            let model = load_model(&cli.global)?;
            commands::catalog::info(model, &cli.global, a.format)
        }
        Command::Roles(a) => {
            check_format("roles", a.format, &[Format::Table, Format::Json])?;
            let model = load_model(&cli.global)?;
            commands::roles::list(model, a.search.as_deref(), a.format)
        }
        Command::Actions(a) => {
            check_format("actions", a.format, &[Format::Table, Format::Json])?;
            let model = load_model(&cli.global)?;
            commands::actions::run(model, &a)
        }
        Command::Expand(a) => {
            check_format("expand", a.format, &[Format::Table, Format::Json])?;
            if a.roles.is_empty() && !a.all_builtins {
                return Err(Error::usage(
                    "expand: name at least one ROLE, or pass --all-builtins",
                ));
            }
            iac_files::set_flags(a.iac.parameters.as_deref(), &a.iac.var_files)?;
            let model = load_model(&cli.global)?;
            commands::expand::run(model, &a)
        }
        Command::Scenarios(a) if a.import.is_some() => match a.import {
            Some(args::ScenariosCmd::Import(i)) => commands::import::call_map(&i),
            None => Ok(EXIT_OK),
        },
        Command::Scenarios(a) => {
            check_format(
                "scenarios",
                a.format,
                &[Format::Table, Format::Json, Format::Markdown],
            )?;
            let model = load_catalog_model(&cli.global)?;
            commands::scenarios::run(model, &a)
        }
        Command::Generate(a) => {
            let model = load_catalog_model(&cli.global)?;
            commands::generate::run(model, &a)
        }
        Command::Lint(a) => {
            check_format(
                "lint",
                a.format,
                &[Format::Table, Format::Json, Format::Sarif],
            )?;
            iac_files::set_flags(a.iac.parameters.as_deref(), &a.iac.var_files)?;
            let model = load_model(&cli.global)?;
            commands::lint::run(model, &a)
        }
        Command::Rule(a) => {
            check_format("rule", a.format, &[Format::Table, Format::Json])?;
            commands::rule::run(&a)
        }
        Command::Explain(a) => {
            check_format("explain", a.format, &[Format::Table, Format::Json])?;
            let model = load_model(&cli.global)?;
            commands::explain::run(model, &a)
        }
        Command::WhoCan(a) => {
            check_format(
                "who-can",
                a.format,
                &[Format::Table, Format::Json, Format::Csv],
            )?;
            let t0 = std::time::Instant::now();
            let model = load_model(&cli.global)?;
            inventory::timing("load the embedded model", t0);
            commands::who_can::run(model, &a)
        }
        Command::Access(a) => {
            check_format(
                "access",
                a.format,
                &[Format::Table, Format::Json, Format::Csv],
            )?;
            let model = load_model(&cli.global)?;
            commands::access::run(model, &a)
        }
        Command::Report(a) => {
            check_format(
                "report",
                a.format,
                &[Format::Table, Format::Json, Format::Csv, Format::Markdown],
            )?;
            let model = load_model(&cli.global)?;
            commands::report::run(model, &a)
        }
        Command::Completions(a) => commands::shell::completions(a.shell),
        Command::Man(a) => commands::shell::man(&a),
        Command::Catalog(args::CatalogCmd::ImportHistory(a)) => commands::import::history(&a),
        Command::Drift(a) => {
            check_format(
                "drift",
                a.format,
                &[Format::Table, Format::Json, Format::Markdown],
            )?;
            let model = load_model(&cli.global)?;
            commands::drift::run(model, &a)
        }
        Command::Needs(args::NeedsCmd::FromError(a)) => {
            let model = load_catalog_model(&cli.global)?;
            commands::from_error::run(model, &a)
        }
        Command::Synth(a) => {
            let model = load_model(&cli.global)?;
            commands::synth::run(model, &a)
        }
        Command::Risks(a) => {
            check_format(
                "risks",
                a.format,
                &[Format::Table, Format::Json, Format::Markdown],
            )?;
            let model = load_model(&cli.global)?;
            commands::risks::run(model, &a)
        }
        Command::Check(a) => {
            check_format(
                "check",
                a.format,
                &[Format::Table, Format::Json, Format::Markdown],
            )?;
            let model = load_model(&cli.global)?;
            commands::check::run(model, &a)
        }
        Command::Recommend(a) => {
            check_format(
                "recommend",
                a.format,
                &[Format::Table, Format::Json, Format::Markdown],
            )?;
            let model = load_model(&cli.global)?;
            commands::recommend::run(model, &a)
        }
        Command::Diff(a) => {
            check_format(
                "diff",
                a.format,
                &[Format::Table, Format::Json, Format::Markdown, Format::Sarif],
            )?;
            commands::diff::check_args(&a)?;
            let model = load_model(&cli.global)?;
            commands::diff::run(model, &a)
        }
    }
}

/// Rejects a `--format` the command does not produce, before any work is done.
pub fn check_format(command: &str, format: Format, allowed: &[Format]) -> Result<()> {
    if allowed.contains(&format) {
        return Ok(());
    }
    let list: Vec<&str> = allowed.iter().map(|f| f.as_str()).collect();
    Err(Error::usage(format!(
        "{command}: --format {} is not supported (use {})",
        format.as_str(),
        list.join(", ")
    )))
}

/// Builds the model from the embedded data or the `--catalog` / `--builtin-roles` files.
/// The model lives for the rest of the process (built once, immutable) and is deliberately
/// never dropped: freeing its ~100,000 allocations at exit would only cost time.
pub fn load_model(global: &GlobalArgs) -> Result<&'static Model> {
    Ok(Box::leak(Box::new(build_model(global)?)))
}

/// Builds the model without built-in roles (`--builtin-roles` does not apply), for commands
/// that only use the catalog. Kept for the rest of the process like [`load_model`].
pub fn load_catalog_model(global: &GlobalArgs) -> Result<&'static Model> {
    let catalog = match &global.catalog {
        Some(p) => Some((input::read_text(p)?, p.display().to_string())),
        None => None,
    };
    let model = Model::load_catalog_only(
        catalog.as_ref().map(|(t, o)| (t.as_str(), o.as_str())),
        mode_of(global),
    )?;
    Ok(Box::leak(Box::new(model)))
}

fn mode_of(global: &GlobalArgs) -> WildcardMode {
    match global.wildcards {
        Wildcards::Azure => WildcardMode::Azure,
        Wildcards::Literal => WildcardMode::Literal,
    }
}

fn build_model(global: &GlobalArgs) -> Result<Model> {
    let mode = match global.wildcards {
        Wildcards::Azure => WildcardMode::Azure,
        Wildcards::Literal => WildcardMode::Literal,
    };
    let catalog = match &global.catalog {
        Some(p) => Some((input::read_text(p)?, p.display().to_string())),
        None => None,
    };
    let roles = match &global.builtin_roles {
        Some(p) => Some((input::read_text(p)?, p.display().to_string())),
        None => None,
    };
    Model::load(
        catalog.as_ref().map(|(t, o)| (t.as_str(), o.as_str())),
        roles.as_ref().map(|(t, o)| (t.as_str(), o.as_str())),
        mode,
    )
}
