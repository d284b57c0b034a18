//! Command-line arguments (clap). Nothing here does work: `cli::plan` validates and runs.

use crate::report::Format;
use crate::report::role_formats::RoleOutput;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "azrbac",
    version,
    about = "Least-privilege Azure custom roles and offline who-can analysis, on an exact model of Azure RBAC",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Use this catalog (from `azrbac catalog import`) instead of the embedded one.
    #[arg(long, global = true, value_name = "PATH")]
    pub catalog: Option<PathBuf>,
    /// Use these built-in roles (from `azrbac roles import`) instead of the embedded ones.
    #[arg(long = "builtin-roles", global = true, value_name = "PATH")]
    pub builtin_roles: Option<PathBuf>,
    /// How `*` between two slashes matches: `azure` (also matches a single `/`, as Azure
    /// evaluates built-in roles) or `literal` (any run of characters only).
    #[arg(long, global = true, value_enum, default_value_t = Wildcards::Azure)]
    pub wildcards: Wildcards,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Wildcards {
    Azure,
    Literal,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import or describe the operation catalog.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// List built-in roles (filtered by a case-insensitive substring), or import role definitions.
    Roles(RolesArgs),
    /// List the catalog operations a pattern matches.
    Actions(ActionsArgs),
    /// Show the effective operations of roles.
    Expand(ExpandArgs),
    /// Explain whether a role grants an operation, and which entry decides it.
    Explain(ExplainArgs),
    /// List the Azure ML scenario library, or show one scenario.
    Scenarios(ScenariosArgs),
    /// Generate the smallest custom role granting exactly what a job needs.
    Generate(GenerateArgs),
    /// Lint role files: what Azure would reject (errors) and what a reviewer should question
    /// (warnings).
    Lint(LintArgs),
    /// Show a lint rule's documentation, or list every rule.
    Rule(RuleArgs),
    /// List a role's effective operations by risk category (privilege escalation, secrets, ...).
    Risks(RisksArgs),
    /// Check a role against the operations a job needs: missing and excess operations.
    Check(CheckArgs),
    /// Rank built-in roles that cover the operations a job needs, by risk-weighted excess.
    Recommend(RecommendArgs),
    /// Compare two versions of roles by what they grant (a pull-request review).
    Diff(DiffArgs),
    /// Who can perform an operation at a scope, from a tenant's exported inventory.
    WhoCan(WhoCanArgs),
    /// What one principal can do at a scope, from a tenant's exported inventory.
    Access(AccessArgs),
    /// The privileged-access review of a tenant (or of a scope and below): every principal
    /// holding operations of a chosen severity, with what carries them.
    Report(ReportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_long_help = "Examples:\n  azrbac completions bash > ~/.local/share/bash-completion/completions/azrbac\n  azrbac completions zsh > \"${fpath[1]}/_azrbac\"\n  azrbac completions fish > ~/.config/fish/completions/azrbac.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a directory.
    #[command(
        after_long_help = "Examples:\n  azrbac man | man -l -\n  azrbac man --output ~/.local/share/man/man1"
    )]
    Man(ManArgs),
    /// What each wildcard entry of roles gained (operations Azure added) and lost since a date.
    Drift(DriftArgs),
    /// Needs files from what Azure said (`needs from-error`).
    #[command(subcommand)]
    Needs(NeedsCmd),
    /// Write a synthetic tenant inventory (benchmarks and tests).
    #[command(hide = true)]
    Synth(SynthArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `azrbac.1` and one `azrbac-COMMAND.1` per command into this directory instead of
    /// printing the main page.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Overwrite pages that exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Role files, `-`, built-in role names or GUIDs.
    #[arg(required_unless_present = "all_builtins", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Every built-in role.
    #[arg(long)]
    pub all_builtins: bool,
    /// The date (YYYY-MM-DD) to compare with; default: the `updatedOn` (or `createdOn`) the
    /// role file carries, when the role was last changed.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Exit 1 when a role gained a high- or critical-risk operation.
    #[arg(long, value_enum)]
    pub fail_on: Option<DriftFailOn>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DriftFailOn {
    HighRisk,
}

#[derive(Debug, Subcommand)]
pub enum NeedsCmd {
    /// Print a needs file (one operation a line, scope and principal as comments) from pasted
    /// authorization errors: AuthorizationFailed, LinkedAuthorizationFailed, Azure ML's
    /// permission errors, Key Vault's ForbiddenByRbac, az CLI output.
    FromError(FromErrorArgs),
}

#[derive(Debug, Args)]
pub struct FromErrorArgs {
    /// The file holding the error text, or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCmd {
    /// Build a compact catalog from `az provider operation show/list -o json` output.
    Import(ImportArgs),
    /// Build the operation history (`data/operation-history.json`: when each operation was
    /// first listed, and when removed ones disappeared) from a history you supply.
    ImportHistory(ImportArgs),
    /// Print the catalog's counts and source date.
    Info(InfoArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or directories (every `*.json`, `*.tf` and `*.bicep` inside, in name order).
    #[arg(required = true, value_name = "DIR|FILE")]
    pub inputs: Vec<PathBuf>,
    /// Where to write the result.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Keep the description sentences (for a catalog of your own tenant; never shipped).
    #[arg(long)]
    pub keep_descriptions: bool,
    /// Text recorded as the data's source.
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,
    /// Date recorded as the data's source date (YYYY-MM-DD); defaults to today.
    #[arg(long, value_name = "DATE")]
    pub source_date: Option<String>,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RolesArgs {
    #[command(subcommand)]
    pub import: Option<RolesCmd>,
    /// Case-insensitive substring of the role name.
    #[arg(value_name = "SEARCH")]
    pub search: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum RolesCmd {
    /// Build a compact role set from `az role definition list -o json` output (or any role file).
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    /// An operation name or pattern, e.g. `Microsoft.MachineLearningServices/workspaces/*/read`.
    pub pattern: String,
    /// Only this plane.
    #[arg(long, value_enum)]
    pub plane: Option<PlaneArg>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlaneArg {
    Control,
    Data,
}

#[derive(Debug, Args)]
pub struct ExpandArgs {
    /// Role files, `-` for stdin, built-in role names or role GUIDs.
    #[arg(value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Expand every built-in role.
    #[arg(long)]
    pub all_builtins: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub iac: IacArgs,
}

/// Values for infrastructure code: ARM template parameters and Terraform variables.
#[derive(Debug, Args)]
pub struct IacArgs {
    /// ARM deployment parameter file for the templates read (instead of a sibling
    /// `NAME.parameters.json`).
    #[arg(long, value_name = "FILE")]
    pub parameters: Option<PathBuf>,
    /// Terraform variable file (`.tfvars`), after `terraform.tfvars` and `*.auto.tfvars`;
    /// repeatable, later ones win.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A role file, `-`, a built-in role name or a role GUID.
    pub role: String,
    /// The operation name to explain.
    pub operation: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ScenariosArgs {
    #[command(subcommand)]
    pub import: Option<ScenariosCmd>,
    /// A scenario name (or a scenario .toml file) to show; omit to list the library.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Show the scenario with these variants (repeatable; `azrbac scenarios NAME` lists them).
    #[arg(long = "with", value_name = "VARIANT", requires = "name")]
    pub with: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum ScenariosCmd {
    /// Build the call map (`data/call-map.json`) from a traced reference of the Azure ML CLI
    /// and SDK: commands, variants and the operations each needs, without the prose.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct RisksArgs {
    /// Role files (JSON, Terraform `.tf` or plan JSON, Bicep), `-`, built-in role names or GUIDs.
    #[arg(required = true, value_name = "ROLE")]
    pub roles: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("needs_source").required(true).multiple(true).args(["scenario", "needs", "needs_from_error", "action", "level"])))]
pub struct GenerateArgs {
    /// Scenarios from the library (`azrbac scenarios`) or scenario .toml files; several are combined.
    #[arg(long, value_name = "NAME", num_args = 1..)]
    pub scenario: Vec<String>,
    /// A variant of the scenario(s) (repeatable): the choices that change what the job calls,
    /// e.g. `local-files` or `registry-model`; `azrbac scenarios NAME` lists them.
    #[arg(long = "with", value_name = "VARIANT", requires = "scenario")]
    pub with: Vec<String>,
    /// A needs file: one operation or pattern a line, a JSON array, or a role file.
    #[arg(long, value_name = "FILE")]
    pub needs: Option<std::path::PathBuf>,
    /// The operations of pasted authorization errors (see `azrbac needs from-error`).
    #[arg(long, value_name = "FILE|-")]
    pub needs_from_error: Option<std::path::PathBuf>,
    /// An operation or pattern the role must grant (repeatable; `control:`/`data:` picks a plane).
    #[arg(long, value_name = "OP", num_args = 1..)]
    pub action: Vec<String>,
    /// Access levels (comma-separated `read,write,delete,action`): every operation of these
    /// verbs under the --resource that follows (or `LEVEL:RESOURCE`); repeatable, each --level
    /// applies only to its own resources.
    #[arg(long, value_name = "LEVEL[:RESOURCE]", value_parser = crate::analyses::generate::levels::parse_level_arg)]
    pub level: Vec<String>,
    /// Resource types (or patterns) for the --level before them, e.g. Microsoft.MachineLearningServices/workspaces/onlineEndpoints.
    #[arg(long, value_name = "PATTERN", num_args = 1.., requires = "level")]
    pub resource: Vec<String>,
    /// Each --level with its resources, in command-line order (filled after parsing from the
    /// argument positions; see [`crate::cli::pair_levels`]).
    #[arg(skip)]
    pub level_pairs: Vec<crate::analyses::generate::levels::LevelPair>,
    /// With --level: keep operations that expose secrets or keys.
    #[arg(long, requires = "level")]
    pub include_secrets: bool,
    /// With --level: keep operations that escalate privileges or take over identities.
    #[arg(long, requires = "level")]
    pub include_escalation: bool,
    /// The role's display name (unique in the tenant).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The role's description.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Assignable scopes (management group, subscription, resource group or resource ids).
    #[arg(long, value_name = "SCOPE", num_args = 1..)]
    pub scope: Vec<String>,
    /// Replace lists by wildcards that match exactly the needed operations today.
    #[arg(long)]
    pub compact: bool,
    /// Output form.
    #[arg(long, value_enum, default_value_t = RoleOutput::Az)]
    pub format: RoleOutput,
    /// Write the role to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Overwrite --output if it exists.
    #[arg(long)]
    pub force: bool,
    /// Remove these operations or patterns from whatever the other inputs need (repeatable;
    /// `control:`/`data:` limits it to one plane).
    #[arg(long, value_name = "OP|PATTERN")]
    pub exclude: Vec<String>,
    /// Keep operation names the catalog does not list (with a warning) instead of refusing them.
    #[arg(long)]
    pub allow_unknown: bool,
    /// Accepted for compatibility: refusing unknown names is the default.
    #[arg(long, hide = true, conflicts_with = "allow_unknown")]
    pub strict: bool,
}

/// Where the needed operations come from: exactly one of the three.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct NeedsArgs {
    /// A needs file: one operation or pattern a line (`#` comments, `control:`/`data:`
    /// prefixes), a JSON array of strings, or a role file whose effective permissions are
    /// the needs.
    #[arg(long, value_name = "FILE")]
    pub needs: Option<std::path::PathBuf>,
    /// A needed operation or pattern (repeatable).
    #[arg(long = "action", value_name = "OP")]
    pub actions: Vec<String>,
    /// Scenarios of the scenario library (or scenario .toml files), combined (repeatable).
    #[arg(long, value_name = "NAME")]
    pub scenario: Vec<String>,
    /// The operations of pasted authorization errors (see `azrbac needs from-error`).
    #[arg(long, value_name = "FILE|-")]
    pub needs_from_error: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The role: a file holding one role, `-`, a built-in role name or GUID.
    pub role: String,
    #[command(flatten)]
    pub needs: NeedsArgs,
    /// A variant of the scenario(s), as for `generate --with` (repeatable).
    #[arg(long = "with", value_name = "VARIANT", requires = "scenario")]
    pub with: Vec<String>,
    /// Exit 1 when the role grants operations the needs do not list.
    #[arg(long)]
    pub fail_on_excess: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    #[command(flatten)]
    pub needs: NeedsArgs,
    /// A variant of the scenario(s), as for `generate --with` (repeatable).
    #[arg(long = "with", value_name = "VARIANT", requires = "scenario")]
    pub with: Vec<String>,
    /// How many roles (and pairs) to list.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub top: u16,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  azrbac diff old.json new.json\n  azrbac diff Reader Contributor --format json\n  azrbac diff tfplan.json\n  azrbac diff --git origin/main --format markdown\n  azrbac diff --git origin/main HEAD roles/ --format sarif"
)]
pub struct DiffArgs {
    /// OLD and NEW: role files (JSON, Terraform `.tf`, Bicep), `-`, built-in role names or
    /// GUIDs; or one Terraform plan JSON (`terraform show -json`), whose before and after are
    /// compared. With --git: an optional HEAD revision (default: the working tree), then paths
    /// to limit the comparison to.
    #[arg(value_name = "OLD NEW | PLAN | [HEAD] [PATH]")]
    pub refs: Vec<String>,
    /// Compare every role file that changed since this git revision.
    #[arg(long, value_name = "BASE")]
    pub git: Option<String>,
    /// Paths after `--` (with --git): never read as a revision.
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<std::ffi::OsString>,
    /// When to exit 1: never; on any added operation or widened assignable scope (default);
    /// on added high-risk operations (or widened scopes of a role granting some); or only on
    /// widened assignable scopes. Default: the config file's `[diff] fail-on`, else `added`.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Do not fail the gate on values azrbac cannot read (variables, parameters, expressions)
    /// in the new version; by default they fail it when new or when the file changed.
    #[arg(long)]
    pub allow_unresolved: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the --format output to FILE instead of stdout (Markdown is cut to fit a
    /// pull-request comment).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write another format from the same run, as FORMAT=FILE: table, json, markdown
    /// (cut to fit a comment), markdown-full (never cut) or sarif. Repeatable.
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    pub reports: Vec<String>,
    /// Overwrite --output and --report files that exist.
    #[arg(long)]
    pub force: bool,
    /// Link file lines in Markdown to URL/PATH#LINE (e.g.
    /// https://github.com/OWNER/REPO/blob/SHA). Default with --git BASE HEAD on GitHub
    /// Actions: from GITHUB_SERVER_URL, GITHUB_REPOSITORY and HEAD's commit.
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Where the configuration file (`azrbac.toml`) comes from.
#[derive(Debug, Args, Clone, Default)]
pub struct ConfigArgs {
    /// Read this configuration file instead of looking for `azrbac.toml` or `.azrbac.toml`
    /// in the current directory and its parents (up to the repository root).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    None,
    Added,
    HighRisk,
    ScopeWidened,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Role files (any format azrbac reads), directories (every `*.json`, `*.tf` and `*.bicep`
    /// in the tree, `.gitignore` honoured; files holding no role are skipped) or `-`.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Run only these rules: codes (`AZR001`), code prefixes (`AZR1`), names or `ALL`;
    /// comma-separated or repeated.
    #[arg(long, value_name = "CODES")]
    pub select: Vec<String>,
    /// Skip these rules (same forms as --select).
    #[arg(long, value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Exit 1 on warnings too, not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Report only findings not recorded in this baseline (from --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings (after suppressions) in FILE and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Overwrite the --write-baseline file if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub iac: IacArgs,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (`AZR001`) or name (`unknown-operation`); without it, every rule is listed.
    pub code: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Where the tenant inventory comes from: a folder, or one file per kind (a file flag wins
/// over the folder's file of that kind). Any kind may be missing; answers say so.
#[derive(Debug, Args, Clone, Default)]
pub struct InventoryArgs {
    /// Folder with assignments.json, roles.json, groups.json, deny-assignments.json and
    /// management-groups.json (any may be missing).
    #[arg(long, value_name = "DIR")]
    pub inventory: Option<PathBuf>,
    /// Role assignments: `az role assignment list --all -o json`, REST objects or Resource
    /// Graph rows.
    #[arg(long, value_name = "FILE")]
    pub assignments: Option<PathBuf>,
    /// Custom role definitions: `az role definition list --custom-role-only -o json` or
    /// Resource Graph rows.
    #[arg(long, value_name = "FILE")]
    pub roles: Option<PathBuf>,
    /// Group memberships: `[{"id", "displayName", "members": [...]}]`.
    #[arg(long, value_name = "FILE")]
    pub groups: Option<PathBuf>,
    /// Deny assignments as the REST API returns them.
    #[arg(long, value_name = "FILE")]
    pub deny: Option<PathBuf>,
    /// `az account management-group entities list -o json`.
    #[arg(long = "management-groups", value_name = "FILE")]
    pub management_groups: Option<PathBuf>,
    /// PIM role eligibility schedule instances (REST list or PowerShell
    /// `Get-AzRoleEligibilityScheduleInstance | ConvertTo-Json`).
    #[arg(long, value_name = "FILE")]
    pub eligible: Option<PathBuf>,
    /// PIM role assignment schedule instances (REST list or PowerShell
    /// `Get-AzRoleAssignmentScheduleInstance | ConvertTo-Json`).
    #[arg(long = "pim-assignments", value_name = "FILE")]
    pub pim_assignments: Option<PathBuf>,
    /// The day (and time) PIM schedules are judged on: `2026-12-03` or
    /// `2026-12-03T10:00:00Z` (default: now).
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// The operation, e.g. `Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action`,
    /// or a pattern (`Microsoft.MachineLearningServices/workspaces/*/action`): every catalog
    /// operation it matches.
    #[arg(required_unless_present_any = ["any", "category"])]
    pub operation: Option<String>,
    /// Any of these operations (answer per principal, listing which of them it can perform).
    #[arg(long, value_name = "OP", num_args = 1..)]
    pub any: Vec<String>,
    /// Every operation of a risk category (`privilege-escalation`, `secret-exposure`, ...; see
    /// `azrbac risks`); repeatable.
    #[arg(long, value_name = "CAT")]
    pub category: Vec<String>,
    /// Accept operation names the catalog does not list (evaluated anyway) instead of
    /// refusing them.
    #[arg(long)]
    pub allow_unknown: bool,
    /// The scope asked about (`/`, a management group, subscription, resource group or resource).
    #[arg(long, value_name = "SCOPE")]
    pub scope: String,
    /// Also report grants that apply only to scopes under SCOPE, with those scopes.
    #[arg(long)]
    pub below: bool,
    #[command(flatten)]
    pub inventory: InventoryArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Review this scope and everything under it (default: the whole tenant, `/`).
    #[arg(long, value_name = "SCOPE", default_value = "/")]
    pub scope: String,
    /// Only operations of this severity or worse: critical, high, medium, low.
    #[arg(long = "min-severity", value_name = "SEVERITY", default_value = "high")]
    pub min_severity: String,
    /// Every principal and every carrier (by default the first `--limit` principals, highest
    /// severity first, and five carriers each; the summary always counts all).
    #[arg(long)]
    pub details: bool,
    /// Principals listed without `--details`.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub limit: usize,
    #[command(flatten)]
    pub inventory: InventoryArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct AccessArgs {
    /// The principal: its object id, or its name when the export carries names.
    pub principal: String,
    /// The scope asked about.
    #[arg(long, value_name = "SCOPE", required_unless_present = "everywhere")]
    pub scope: Option<String>,
    /// Every scope where the principal (or a group of it) holds a role assignment, each with
    /// what it can do there, highest severity first.
    #[arg(long, conflicts_with = "scope")]
    pub everywhere: bool,
    /// Only operations this name or pattern matches (e.g. `Microsoft.Storage/*`).
    #[arg(long, value_name = "PATTERN")]
    pub action: Option<String>,
    #[command(flatten)]
    pub inventory: InventoryArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShapeArg {
    /// `az role assignment list` objects.
    Cli,
    /// REST objects in a `value` list.
    Rest,
    /// Azure Resource Graph rows in `data`.
    Graph,
    /// A mix of the three row shapes.
    Mixed,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of role assignments; the other counts default to the proportions
    /// (200,000 principals, 50,000 groups and 5,000 custom roles per 1,000,000 assignments).
    #[arg(long, default_value_t = 10_000)]
    pub assignments: usize,
    #[arg(long)]
    pub principals: Option<usize>,
    #[arg(long)]
    pub groups: Option<usize>,
    #[arg(long = "custom-roles")]
    pub custom_roles: Option<usize>,
    #[arg(long = "deny-assignments")]
    pub deny_assignments: Option<usize>,
    #[arg(long, value_enum, default_value_t = ShapeArg::Cli)]
    pub shape: ShapeArg,
    /// Folder to write the five inventory files into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}
