//! `generate`: gather the needs (scenarios, needs file, operations, access levels), build the
//! role, render it in the asked form and write it to stdout or `--output`.

use crate::analyses::generate::levels::{self, SetAside};
use crate::analyses::generate::{
    GeneratedRole, Requirement, RoleSpec, extra_under_azure, generate, validate_scope,
};
use crate::analyses::needs::{NeedSet, Needs};
use crate::analyses::scenario::calls::ScopeKind;
use crate::analyses::scenario::{Library, ResolvedScenario, Scenario};
use crate::cli::EXIT_OK;
use crate::cli::args::GenerateArgs;
use crate::cli::input::read_role_text;
use crate::cli::output::write_atomic;
use crate::data::Model;
use crate::error::{Error, Result};
use crate::graph::Index;
use crate::model::{Plane, WildcardMode, validate_user_pattern};
use crate::report::{self, generate as notes, role_formats};

/// What the inputs asked for, before the role is built.
struct Gathered {
    req: Requirement,
    set_aside: Vec<SetAside>,
    /// Parent reads the levels added.
    parent_reads: Vec<String>,
    /// The --exclude entries that removed something, with how many operations.
    excluded: Vec<String>,
    warnings: Vec<String>,
    /// Unknown names (lower-cased) the needs parser already warned about.
    warned: Vec<String>,
    /// Scenarios used: (role name, role description, title, assignable scopes).
    scenarios: Vec<(String, String, String, Vec<String>)>,
    /// What the scenarios resolved to beyond the operations: assumptions, wildcards, scopes.
    resolved: Vec<(String, ResolvedScenario)>,
}

pub fn run(model: &Model, a: &GenerateArgs) -> Result<i32> {
    let built = build(model, a)?;
    // Each warning once, in the order first given.
    let mut seen: Vec<&str> = Vec::new();
    let unknown = notes::unknown_lines(&built.role, &built.warned);
    for w in built.warnings.iter().chain(&unknown) {
        if !seen.contains(&w.as_str()) {
            seen.push(w);
            report::warn(w);
        }
    }
    match &a.output {
        // `-o -` is standard output, as `-` is standard input elsewhere.
        Some(path) if path.as_os_str() != "-" => write_atomic(path, &built.text, a.force)?,
        _ => report::out(&built.text),
    }
    for n in notes::set_aside_lines(&built.set_aside) {
        notes::note(&n);
    }
    for n in &built.role.notes {
        notes::note(n);
    }
    if !built.excluded.is_empty() {
        notes::note(&format!("excluded: {}", built.excluded.join(", ")));
    }
    if !built.parent_reads.is_empty() {
        notes::note(&format!(
            "added the parent read{} the Azure CLI and SDK make before acting on a child resource: {}",
            if built.parent_reads.len() == 1 {
                ""
            } else {
                "s"
            },
            built.parent_reads.join(", ")
        ));
    }
    if let Some(n) = notes::wildcard_note(&built.role) {
        notes::note(&n);
    }
    if let Some(path) = &a.output {
        let shown = path.display().to_string();
        notes::note(&notes::summary_line(
            &built.role,
            a.format.as_str(),
            Some(&shown),
        ));
    }
    Ok(EXIT_OK)
}

/// A generated role, rendered, with what to say about it.
pub struct Built {
    pub role: GeneratedRole,
    pub text: String,
    pub set_aside: Vec<SetAside>,
    /// Parent reads the access levels added.
    pub parent_reads: Vec<String>,
    /// The --exclude entries that removed something, with how many operations.
    pub excluded: Vec<String>,
    pub warnings: Vec<String>,
    /// Unknown names (lower-cased) already covered by `warnings`.
    pub warned: Vec<String>,
}

/// Everything `generate` does except printing and writing.
pub fn build(model: &Model, a: &GenerateArgs) -> Result<Built> {
    let g = gather(model, a)?;
    if g.req.is_empty() {
        // Everything selected may have been set aside as secret-bearing or escalating: say
        // which flag keeps it, rather than only that nothing is left.
        let kept_by: Vec<String> = g
            .set_aside
            .iter()
            .map(|s| {
                format!(
                    "{} {} operation(s) set aside; {} keeps them",
                    s.operations.len(),
                    s.category,
                    s.flag
                )
            })
            .collect();
        let why = if kept_by.is_empty() {
            g.warnings
                .first()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default()
        } else {
            format!(" ({})", kept_by.join("; "))
        };
        return Err(Error::usage(format!(
            "generate: the inputs select no operation; nothing to put in a role{why}"
        )));
    }
    let (spec, mut warnings) = role_spec(model, a, &g)?;
    let role = generate(&model.index, model.mode, &g.req, &spec, a.compact);
    if !role.unknown.is_empty() && !a.allow_unknown {
        // Azure refuses a custom role that names an operation its provider does not list
        // (InvalidActionOrNotAction), and so does `azrbac lint`: refuse it here too.
        let names: Vec<String> = role
            .unknown
            .iter()
            .map(|u| {
                let hint = u
                    .suggestion
                    .as_ref()
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                format!("`{}`{hint}", crate::text::escape(&u.name))
            })
            .collect();
        let n = names.len();
        return Err(Error::usage(format!(
            "generate: {} {} not in the operation catalog, and Azure rejects a role that lists {}: {}; check the spelling, or pass --allow-unknown to keep {} anyway",
            if n == 1 {
                "one needed operation".to_string()
            } else {
                format!("{n} needed operations")
            },
            if n == 1 { "is" } else { "are" },
            if n == 1 { "it" } else { "them" },
            names.join(", "),
            if n == 1 { "it" } else { "them" },
        )));
    }
    if a.compact && model.mode == WildcardMode::Literal {
        let extra = extra_under_azure(&model.index, &role, &g.req);
        if !extra.is_empty() {
            warnings.push(format!(
                "compacted under --wildcards literal, but Azure lets `/*/` match a single `/`: deployed, this role also grants {} operation(s) not needed: {}",
                extra.len(),
                extra.join(", ")
            ));
        }
    }
    let text = role_formats::render(&role, a.format);
    let mut all = g.warnings;
    all.append(&mut warnings);
    Ok(Built {
        role,
        text,
        set_aside: g.set_aside,
        parent_reads: g.parent_reads,
        excluded: g.excluded,
        warnings: all,
        warned: g.warned,
    })
}

fn gather(model: &Model, a: &GenerateArgs) -> Result<Gathered> {
    let ix = &model.index;
    let mut req = Requirement::new(ix);
    let mut warnings = Vec::new();
    let mut warned = Vec::new();
    let mut scenarios = Vec::new();
    let mut resolved = Vec::new();
    if !a.scenario.is_empty() {
        let lib = Library::embedded()?;
        let found: Vec<Scenario> = a
            .scenario
            .iter()
            .map(|n| super::scenarios::find(&lib, n))
            .collect::<Result<_>>()?;
        // Every --with names a variant of at least one of the scenarios.
        for w in &a.with {
            if !found.iter().any(|s| s.variant(w).is_ok()) {
                return Err(match found.as_slice() {
                    [one] => one.variant(w).err().unwrap_or_else(|| Error::usage("")),
                    _ => Error::usage(format!(
                        "generate --with {w}: none of the scenarios has this variant; `azrbac scenarios NAME` lists each one's"
                    )),
                });
            }
        }
        for s in &found {
            let with: Vec<String> = a
                .with
                .iter()
                .filter(|w| s.variant(w).is_ok())
                .cloned()
                .collect();
            let r = s.resolve_with(ix, model.mode, &with)?;
            for p in &r.empty_patterns {
                warnings.push(format!(
                    "scenario {}: `{p}` matches nothing in this catalog",
                    s.name
                ));
            }
            req.union_with(&r.requirement);
            scenarios.push((
                s.role_name.clone(),
                s.role_description.clone(),
                s.title.clone(),
                s.assignable_scopes.clone(),
            ));
            resolved.push((s.name.clone(), r));
        }
    }
    let mut lists: Vec<Needs> = Vec::new();
    if let Some(path) = &a.needs {
        let shown = path.display().to_string();
        let text = read_role_text(path)?;
        lists.push(Needs::parse(
            &text,
            if shown == "-" { "<stdin>" } else { &shown },
        )?);
    }
    if let Some(path) = &a.needs_from_error {
        lists.push(super::from_error::needs(model, path)?);
    }
    if !a.action.is_empty() {
        lists.push(Needs::from_actions(&a.action)?);
    }
    for needs in &lists {
        let set = needs.resolve(model);
        warnings.extend(set.warnings.iter().cloned());
        warnings.extend(
            set.unresolved
                .iter()
                .map(|u| format!("needs incomplete: {u}")),
        );
        req.union_with(&from_need_set(ix, &set, &mut warned));
    }
    let mut set_aside = Vec::new();
    let mut parent_reads = Vec::new();
    if !a.level_pairs.is_empty() {
        for p in &a.level_pairs {
            validate_user_pattern(&p.resource)
                .map_err(|m| Error::usage(format!("generate --resource: {m}")))?;
        }
        let mut sel = levels::select(ix, model.mode, &a.level_pairs);
        for (m, p) in sel.matches.iter().zip(&a.level_pairs) {
            if m.selected == 0 {
                let names: Vec<&str> = p.levels.iter().map(|l| l.as_str()).collect();
                warnings.push(format!(
                    "--resource {}: no {} operation below it in the catalog",
                    m.resource,
                    names.join("/")
                ));
            }
        }
        let risky = super::risky_sets(model, a.include_secrets, a.include_escalation)?;
        set_aside = levels::set_aside(ix, &mut sel.req, &risky);
        let kept = |n: &String| {
            ix.catalog()
                .find(Plane::Control, n)
                .is_some_and(|id| sel.req.ids.contains(id as usize))
        };
        parent_reads = sel
            .parent_reads
            .iter()
            .filter(|n| kept(n))
            .cloned()
            .collect();
        req.union_with(&sel.req);
    }
    let mut excluded = Vec::new();
    for raw in &a.exclude {
        let (planes, text): (Vec<Plane>, &str) = match raw.split_once(':') {
            Some((p, rest)) if Plane::parse(p).is_some() => {
                (vec![Plane::parse(p).unwrap_or(Plane::Control)], rest.trim())
            }
            _ => (Plane::BOTH.to_vec(), raw.trim()),
        };
        let p = validate_user_pattern(text)
            .map_err(|m| Error::usage(format!("generate --exclude: {m}")))?;
        let mut n = 0;
        for plane in planes {
            let before = req.count(ix, plane);
            let removed = req.remove_pattern(ix, model.mode, plane, &p);
            // A kept wildcard would still grant what was excluded: refuse rather than mislead.
            for (_, r) in &resolved {
                for k in r.kept_wildcards.iter().filter(|k| k.plane == plane) {
                    if let Some(name) = removed
                        .iter()
                        .map(|id| ix.catalog().name(*id))
                        .find(|n| k.reach.iter().any(|x| x.eq_ignore_ascii_case(n)))
                    {
                        return Err(Error::usage(format!(
                            "generate --exclude {raw}: `{name}` is granted by the wildcard `{}`, which the role keeps for `{}`; drop the variant that needs it instead",
                            k.entry, k.for_operation
                        )));
                    }
                }
            }
            n += before - req.count(ix, plane);
        }
        if n == 0 {
            warnings.push(format!(
                "--exclude {raw}: matches none of the needed operations"
            ));
        } else {
            excluded.push(format!("{raw} ({n})"));
        }
    }
    Ok(Gathered {
        excluded,
        req,
        set_aside,
        parent_reads,
        resolved,
        warnings,
        warned,
        scenarios,
    })
}

/// A resolved needs list as a requirement. Unknown names without a plane prefix go to
/// `Actions`; every unknown name is remembered in `warned` (the needs already warned).
fn from_need_set(index: &Index, set: &NeedSet, warned: &mut Vec<String>) -> Requirement {
    let mut req = Requirement::new(index);
    req.ids.union_with(&set.ops);
    for plane in Plane::BOTH {
        for u in &set.unknown[plane as usize] {
            req.add_unknown(plane, u);
            warned.push(u.to_ascii_lowercase());
        }
    }
    for u in &set.unknown_any {
        req.add_unknown(Plane::Control, u);
        warned.push(u.to_ascii_lowercase());
    }
    req
}

fn role_spec(model: &Model, a: &GenerateArgs, g: &Gathered) -> Result<(RoleSpec, Vec<String>)> {
    let mut warnings = Vec::new();
    // A scenario names and describes the role only when it is the role's only source: with
    // --needs, --action or --level added, the scenario's name would misdescribe what it grants.
    let extra = a.needs.is_some()
        || a.needs_from_error.is_some()
        || !a.action.is_empty()
        || !a.level_pairs.is_empty();
    let single = if g.scenarios.len() == 1 && !extra {
        g.scenarios.first()
    } else {
        None
    };
    let name = match (&a.name, single) {
        (Some(n), _) => n.trim().to_string(),
        (None, Some(s)) => s.0.clone(),
        (None, None) => {
            return Err(Error::usage(
                "generate: --name is required (the role's display name, unique in the tenant) unless exactly one --scenario, and nothing else, names it",
            ));
        }
    };
    if name.is_empty() {
        return Err(Error::usage(
            "generate --name: the role name must not be empty",
        ));
    }
    if name.contains(['{', '}', '<', '>']) {
        return Err(Error::usage(format!(
            "generate --name: `{name}` looks like a placeholder"
        )));
    }
    let description = match (&a.description, single) {
        (Some(d), _) => d.trim().to_string(),
        (None, Some(s)) => s.1.clone(),
        (None, None) if !g.scenarios.is_empty() => {
            let titles: Vec<&str> = g.scenarios.iter().map(|s| s.2.as_str()).collect();
            let more = if extra {
                ", with further operations"
            } else {
                ""
            };
            format!(
                "Combines the azrbac scenarios: {}{more}.",
                titles.join("; ")
            )
        }
        (None, None) => {
            let n =
                g.req.count(&model.index, Plane::Control) + g.req.count(&model.index, Plane::Data);
            format!(
                "Grants exactly {n} operation{} (generated by azrbac).",
                if n == 1 { "" } else { "s" }
            )
        }
    };
    let raw_scopes: Vec<String> = if a.scope.is_empty() {
        let mut all: Vec<String> = Vec::new();
        for s in g.scenarios.iter().flat_map(|s| s.3.iter()) {
            if !all.iter().any(|x| x.eq_ignore_ascii_case(s)) {
                all.push(s.clone());
            }
        }
        all
    } else {
        a.scope.clone()
    };
    if raw_scopes.is_empty() {
        return Err(Error::usage(
            "generate: --scope is required: the assignable scope(s) of the role, e.g. --scope /subscriptions/<subscription-id>",
        ));
    }
    let mut scopes: Vec<String> = Vec::new();
    for s in &raw_scopes {
        let v = validate_scope(s).map_err(|m| Error::usage(format!("generate --scope: {m}")))?;
        if !scopes.iter().any(|x| x.eq_ignore_ascii_case(&v)) {
            scopes.push(v);
        }
    }
    let mgs = scopes
        .iter()
        .filter(|s| crate::analyses::generate::is_management_group(s))
        .count();
    if mgs > 1 {
        return Err(Error::usage(
            "generate --scope: a custom role may name at most one management group",
        ));
    }
    if mgs == 1 && g.req.count(&model.index, Plane::Data) > 0 {
        warnings.push(
            "the role has DataActions and a management-group assignable scope; Azure does not let it be assigned at the management group itself"
                .to_string(),
        );
    }
    let notes = scenario_notes(g, &name, &scopes);
    // The assumptions go into a description the scenario wrote (Azure allows 512
    // characters); the role's name says which variants it was built with.
    let mut description = description;
    let mut name = name;
    if let (Some(_), None, [(_, r)]) = (single, &a.description, g.resolved.as_slice())
        && !r.assumptions.is_empty()
    {
        let full = format!("{} Assumes: {}", description, r.assumptions.join(" "));
        description = if full.chars().count() <= 512 {
            full
        } else {
            format!(
                "{} Assumes what `azrbac scenarios {}` lists.",
                description, g.resolved[0].0
            )
        };
    }
    if let (Some(_), None, [(_, r)]) = (single, &a.name, g.resolved.as_slice())
        && !r.variants.is_empty()
    {
        name = format!("{name} ({})", r.variants.join(", "));
    }
    let spec = RoleSpec {
        name,
        description,
        assignable_scopes: scopes,
        notes,
    };
    Ok((spec, warnings))
}

/// What the scenarios take for granted and where else their operations are checked, one line
/// each: printed as notes on stderr and written as comments in Bicep and Terraform.
fn scenario_notes(g: &Gathered, name: &str, scopes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |line: String| {
        if !out.contains(&line) {
            out.push(line);
        }
    };
    for (_, r) in &g.resolved {
        for a in &r.assumptions {
            push(format!("assumes: {a}"));
        }
    }
    for (_, r) in &g.resolved {
        for k in &r.kept_wildcards {
            push(format!(
                "`{}` is kept as a wildcard: it is the only way to grant `{}`, which the catalog does not list (a role naming it is rejected); today it matches {} operation{}: {}",
                k.entry,
                k.for_operation,
                k.reach.len(),
                if k.reach.len() == 1 { "" } else { "s" },
                k.reach.join(", ")
            ));
        }
    }
    let mut by_scope: Vec<(ScopeKind, Vec<String>)> = Vec::new();
    for (_, r) in &g.resolved {
        for e in &r.elsewhere {
            match by_scope.iter_mut().find(|(k, _)| *k == e.scope) {
                Some((_, ops)) => {
                    if !ops.contains(&e.operation) {
                        ops.push(e.operation.clone());
                    }
                }
                None => by_scope.push((e.scope, vec![e.operation.clone()])),
            }
        }
    }
    by_scope.sort_by_key(|(k, _)| *k);
    for (kind, ops) in &by_scope {
        if *kind == ScopeKind::Subscription {
            let scope_args: Vec<String> = scopes.iter().map(|s| format!("--scope {s}")).collect();
            push(format!(
                "not in this role: {} (Azure checks {} at a subscription-level path, which no assignment at a workspace or resource reaches); for the CLI's waiting on long-running operations, assign a second role at the resource group: azrbac generate --action {} --name \"{name} (operation status)\" {}; or run the commands with --no-wait",
                ops.join(", "),
                if ops.len() == 1 { "it" } else { "them" },
                ops.join(" "),
                scope_args.join(" ")
            ));
        } else {
            push(format!(
                "also assign this role at {}: {} {} checked there, not at the workspace",
                kind.place(),
                ops.join(", "),
                if ops.len() == 1 { "is" } else { "are" }
            ));
        }
    }
    out
}

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;
