//! `generate`: gather the needs (scenarios, needs file, operations, access levels), build the
//! role, render it in the asked form and write it to stdout or `--output`.

use crate::analyses::generate::levels::{self, Level, SetAside};
use crate::analyses::generate::{
    GeneratedRole, Requirement, RoleSpec, extra_under_azure, generate, validate_scope,
};
use crate::analyses::needs::{NeedSet, Needs};
use crate::analyses::scenario::Library;
use crate::cli::args::{GenerateArgs, LevelArg};
use crate::cli::input::read_role_text;
use crate::cli::output::write_atomic;
use crate::cli::{EXIT_FINDINGS, EXIT_OK};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::graph::Index;
use crate::model::{Plane, WildcardMode, validate_user_pattern};
use crate::report::{self, generate as notes, role_formats};

/// What the inputs asked for, before the role is built.
struct Gathered {
    req: Requirement,
    set_aside: Vec<SetAside>,
    warnings: Vec<String>,
    /// Unknown names (lower-cased) the needs parser already warned about.
    warned: Vec<String>,
    /// Scenarios used: (role name, role description, title, assignable scopes).
    scenarios: Vec<(String, String, String, Vec<String>)>,
}

pub fn run(model: &Model, a: &GenerateArgs) -> Result<i32> {
    let built = build(model, a)?;
    for w in &built.warnings {
        report::warn(w);
    }
    for w in notes::unknown_lines(&built.role, &built.warned) {
        report::warn(&w);
    }
    if a.strict && !built.role.unknown.is_empty() {
        let n = built.role.unknown.len();
        report::error(&format!(
            "generate --strict: {n} needed operation{} not in the catalog; no role written",
            if n == 1 { " is" } else { "s are" }
        ));
        return Ok(EXIT_FINDINGS);
    }
    match &a.output {
        // `-o -` is standard output, as `-` is standard input elsewhere.
        Some(path) if path.as_os_str() != "-" => write_atomic(path, &built.text, a.force)?,
        _ => report::out(&built.text),
    }
    for n in notes::set_aside_lines(&built.set_aside) {
        notes::note(&n);
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
    if !a.scenario.is_empty() {
        let lib = Library::embedded()?;
        for name in &a.scenario {
            let s = super::scenarios::find(&lib, name)?;
            let r = s.resolve(ix, model.mode);
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
    if !a.level.is_empty() {
        let lv: Vec<Level> = a.level.iter().map(|l| level(*l)).collect();
        for r in &a.resource {
            validate_user_pattern(r)
                .map_err(|m| Error::usage(format!("generate --resource: {m}")))?;
        }
        let (mut sel, matches) = levels::select(ix, model.mode, &lv, &a.resource);
        for m in matches.iter().filter(|m| m.selected == 0) {
            let names: Vec<&str> = lv.iter().map(|l| l.as_str()).collect();
            warnings.push(format!(
                "--resource {}: no {} operation below it in the catalog",
                m.resource,
                names.join("/")
            ));
        }
        let risky = super::risky_sets(model, a.include_secrets, a.include_escalation)?;
        set_aside = levels::set_aside(ix, &mut sel, &risky);
        req.union_with(&sel);
    }
    Ok(Gathered {
        req,
        set_aside,
        warnings,
        warned,
        scenarios,
    })
}

fn level(l: LevelArg) -> Level {
    match l {
        LevelArg::Read => Level::Read,
        LevelArg::Write => Level::Write,
        LevelArg::Delete => Level::Delete,
        LevelArg::Action => Level::Action,
    }
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
    let extra = a.needs.is_some() || !a.action.is_empty() || !a.level.is_empty();
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
    let spec = RoleSpec {
        name,
        description,
        assignable_scopes: scopes,
    };
    Ok((spec, warnings))
}

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;
