//! The Azure ML scenario library: one TOML file per job (`data/scenarios/`, embedded), each
//! naming the operations the job needs, what it deliberately leaves out and why, and the
//! documentation it rests on; and their resolution against the catalog.

pub mod calls;
pub mod embedded;
pub mod view;

use super::generate::Requirement;
use super::needs::{NeedEntry, Needs, NeedsSource};
use crate::error::{Error, Result, did_you_mean};
use crate::graph::Index;
use crate::model::{OpId, Pattern, Plane, WildcardMode, validate_user_pattern};
use serde::{Deserialize, Serialize};

/// One scenario as written in its file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Kebab-case identifier, equal to the file name without `.toml`.
    pub name: String,
    pub title: String,
    /// One sentence for listings.
    pub summary: String,
    pub description: String,
    /// Display name of the generated role.
    pub role_name: String,
    /// Description of the generated role (one line).
    pub role_description: String,
    /// Where to assign the role (free text).
    pub assign_at: String,
    /// Assignable scopes to use when `--scope` is not given (user scenario files only; the
    /// shipped library names none, since scopes are tenant-specific).
    #[serde(default)]
    pub assignable_scopes: Vec<String>,
    /// Control-plane operations (names or patterns).
    #[serde(default)]
    pub actions: Vec<String>,
    /// Data-plane operations (names or patterns).
    #[serde(default)]
    pub data_actions: Vec<String>,
    /// Operations deliberately not granted, with the reason; subtracted after resolution.
    #[serde(default)]
    pub leaves_out: Vec<LeaveOut>,
    /// Names the catalog does not list that the scenario still needs, each explained.
    #[serde(default)]
    pub not_in_catalog: Vec<NotInCatalog>,
    /// The Azure ML CLI / SDK commands the job runs, as the call map names them
    /// (`COMMAND` or `COMMAND | VARIANT`); their required and conditional operations are
    /// the scenario's needs (`actions`/`data_actions` add what the call map does not list).
    #[serde(default)]
    pub calls: Vec<String>,
    /// Operations the call map marks optional that the scenario keeps.
    #[serde(default)]
    pub keep_optional: Vec<String>,
    /// What the role takes for granted (one sentence each); shown by `generate`.
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// Choices that change what the job calls, picked with `--with NAME`.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// Operations the catalog does not list, granted through a wildcard entry.
    #[serde(default)]
    pub wildcards: Vec<WildcardFor>,
    /// Documentation the scenario rests on (at least one).
    pub sources: Vec<Source>,
}

/// A variant: more commands (or other forms of them) the job runs when the user picks it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Kebab-case, unique in the scenario.
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub calls: Vec<String>,
    #[serde(default)]
    pub keep_optional: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub data_actions: Vec<String>,
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// Subtracted from what this variant adds (the scenario's `leaves_out` applies to the
    /// scenario's own needs).
    #[serde(default)]
    pub leaves_out: Vec<LeaveOut>,
}

/// An operation the catalog does not list (so a role cannot name it) and the wildcard entry
/// that grants it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WildcardFor {
    pub operation: String,
    pub entry: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveOut {
    /// Names or patterns; matched on the plane given (control by default).
    pub operations: Vec<String>,
    #[serde(default)]
    pub plane: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotInCatalog {
    pub operation: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    /// Repository, path and commit of the page revision read, when known.
    #[serde(default)]
    pub r#ref: Option<String>,
}

impl Scenario {
    /// Parses and checks one scenario file.
    pub fn parse(text: &str, origin: &str) -> Result<Scenario> {
        let s: Scenario = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|sp| line_col(text, sp.start))
                .unwrap_or((1, 1));
            Error::Syntax {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        s.check(origin)?;
        Ok(s)
    }

    fn check(&self, origin: &str) -> Result<()> {
        let bad = |field: &str, msg: String| Err(Error::shape(origin, &format!("/{field}"), msg));
        if self.name.is_empty()
            || !self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return bad("name", format!("`{}` is not a kebab-case name", self.name));
        }
        for (field, v) in [
            ("title", &self.title),
            ("summary", &self.summary),
            ("description", &self.description),
            ("role_name", &self.role_name),
            ("role_description", &self.role_description),
            ("assign_at", &self.assign_at),
        ] {
            if v.trim().is_empty() {
                return bad(field, "must not be empty".into());
            }
        }
        if self.actions.is_empty() && self.data_actions.is_empty() && self.calls.is_empty() {
            return bad("actions", "a scenario needs at least one operation".into());
        }
        let map = calls::CallMap::embedded();
        let mut seen: Vec<&str> = Vec::new();
        for (i, v) in self.variants.iter().enumerate() {
            if v.name.is_empty()
                || !v
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                || seen.contains(&v.name.as_str())
            {
                return bad(
                    &format!("variants/{i}/name"),
                    format!("`{}` is not a new kebab-case name", v.name),
                );
            }
            seen.push(&v.name);
            if v.summary.trim().is_empty() {
                return bad(&format!("variants/{i}/summary"), "must not be empty".into());
            }
            if v.calls.is_empty() && v.actions.is_empty() && v.data_actions.is_empty() {
                return bad(
                    &format!("variants/{i}"),
                    "a variant adds calls or operations".into(),
                );
            }
            for (j, c) in v.calls.iter().enumerate() {
                map.find(c)
                    .map_err(|m| Error::shape(origin, &format!("/variants/{i}/calls/{j}"), m))?;
            }
            for (field, list) in [("actions", &v.actions), ("data_actions", &v.data_actions)] {
                for (j, e) in list.iter().enumerate() {
                    if let Err(m) = validate_user_pattern(e) {
                        return bad(&format!("variants/{i}/{field}/{j}"), m);
                    }
                }
            }
        }
        for (j, c) in self.calls.iter().enumerate() {
            map.find(c)
                .map_err(|m| Error::shape(origin, &format!("/calls/{j}"), m))?;
        }
        for (i, w) in self.wildcards.iter().enumerate() {
            if let Err(m) = validate_user_pattern(&w.entry) {
                return bad(&format!("wildcards/{i}/entry"), m);
            }
            if !w.entry.contains('*') || w.reason.trim().is_empty() {
                return bad(
                    &format!("wildcards/{i}"),
                    "needs a wildcard entry and a reason".into(),
                );
            }
        }
        if self.sources.is_empty() {
            return bad(
                "sources",
                "a scenario names the documentation it rests on".into(),
            );
        }
        for (field, list) in [
            ("actions", &self.actions),
            ("data_actions", &self.data_actions),
        ] {
            for (i, e) in list.iter().enumerate() {
                if let Err(m) = validate_user_pattern(e) {
                    return bad(&format!("{field}/{i}"), m);
                }
            }
        }
        for (i, l) in self.leaves_out.iter().enumerate() {
            if l.reason.trim().is_empty() || l.operations.is_empty() {
                return bad(
                    &format!("leaves_out/{i}"),
                    "needs operations and a reason".into(),
                );
            }
            if let Some(p) = &l.plane
                && Plane::parse(p).is_none()
            {
                return bad(
                    &format!("leaves_out/{i}/plane"),
                    format!("`{p}` is not `control` or `data`"),
                );
            }
            for (j, e) in l.operations.iter().enumerate() {
                if let Err(m) = validate_user_pattern(e) {
                    return bad(&format!("leaves_out/{i}/operations/{j}"), m);
                }
            }
        }
        Ok(())
    }

    /// The entries of one plane, parsed (checked at load time).
    pub fn entries(&self, plane: Plane) -> Vec<Pattern> {
        let list = match plane {
            Plane::Control => &self.actions,
            Plane::Data => &self.data_actions,
        };
        list.iter()
            .filter_map(|e| validate_user_pattern(e).ok())
            .collect()
    }

    /// The plane a leaves-out entry applies to.
    pub fn leave_out_plane(l: &LeaveOut) -> Plane {
        l.plane
            .as_deref()
            .and_then(Plane::parse)
            .unwrap_or(Plane::Control)
    }

    /// What the job needs in this catalog, default variant: see [`Scenario::resolve_with`].
    pub fn resolve(&self, index: &Index, mode: WildcardMode) -> ResolvedScenario {
        self.resolve_with(index, mode, &[])
            .unwrap_or_else(|_| self.resolve_parts(index, mode, &[]))
    }

    /// The variant of this scenario a `--with` name picks.
    pub fn variant(&self, name: &str) -> Result<&Variant> {
        let n = name.trim();
        self.variants
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(n))
            .ok_or_else(|| {
                let hint = did_you_mean(n, self.variants.iter().map(|v| v.name.as_str()))
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                let all: Vec<String> = self
                    .variants
                    .iter()
                    .map(|v| format!("`{}`", v.name))
                    .collect();
                Error::usage(format!(
                    "scenario {} has no variant `{n}`; {hint}{}",
                    self.name,
                    if all.is_empty() {
                        "it has none".to_string()
                    } else {
                        format!("its variants: {}", all.join(", "))
                    }
                ))
            })
    }

    /// What the job needs in this catalog with the named variants: the call map's required
    /// and conditional operations of every call (and the optional ones the scenario keeps),
    /// the scenario's own entries, minus what it leaves out; then each chosen variant's
    /// operations minus what that variant leaves out. Operations checked at the subscription
    /// are moved out of the requirement ([`ResolvedScenario::elsewhere`]); operations the
    /// catalog does not list are granted through the scenario's wildcard for them.
    pub fn resolve_with(
        &self,
        index: &Index,
        mode: WildcardMode,
        variants: &[String],
    ) -> Result<ResolvedScenario> {
        let chosen: Vec<&Variant> = variants
            .iter()
            .map(|v| self.variant(v))
            .collect::<Result<_>>()?;
        Ok(self.resolve_parts(index, mode, &chosen))
    }

    fn resolve_parts(
        &self,
        index: &Index,
        mode: WildcardMode,
        chosen: &[&Variant],
    ) -> ResolvedScenario {
        let map = calls::CallMap::embedded();
        let mut out = ResolvedScenario {
            requirement: Requirement::new(index),
            empty_patterns: Vec::new(),
            removed_by_leave_out: Vec::new(),
            commands: Vec::new(),
            assumptions: self.assumptions.clone(),
            variants: chosen.iter().map(|v| v.name.clone()).collect(),
            elsewhere: Vec::new(),
            kept_wildcards: Vec::new(),
            call_ops: Vec::new(),
        };
        let base = Part {
            calls: &self.calls,
            keep_optional: &self.keep_optional,
            actions: &self.actions,
            data_actions: &self.data_actions,
            leaves_out: &self.leaves_out,
        };
        let mut req = self.resolve_part(index, mode, map, &base, &mut out, true);
        for v in chosen {
            let part = Part {
                calls: &v.calls,
                keep_optional: &v.keep_optional,
                actions: &v.actions,
                data_actions: &v.data_actions,
                leaves_out: &v.leaves_out,
            };
            let r = self.resolve_part(index, mode, map, &part, &mut out, false);
            req.union_with(&r);
            for a in &v.assumptions {
                if !out.assumptions.contains(a) {
                    out.assumptions.push(a.clone());
                }
            }
        }
        // Subscription-level operations never go in the role (it is assigned at the
        // workspace); each kept wildcard is the only grant of the operations it matches.
        for e in &out.elsewhere {
            if e.scope == calls::ScopeKind::Subscription
                && let Ok(p) = Pattern::parse(&e.operation)
            {
                req.remove_pattern(index, mode, e.plane, &p);
            }
        }
        out.requirement = req;
        out
    }

    fn resolve_part(
        &self,
        index: &Index,
        mode: WildcardMode,
        map: &calls::CallMap,
        part: &Part,
        out: &mut ResolvedScenario,
        is_base: bool,
    ) -> Requirement {
        let cat = index.catalog();
        let mut req = Requirement::new(index);
        for c in part.calls {
            let Ok(call) = map.find(c) else { continue };
            let label = call.label();
            if !out.commands.contains(&label) {
                out.commands.push(label);
            }
            for op in &call.operations {
                let kept = op.need != calls::Need::Optional
                    || part
                        .keep_optional
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(&op.name));
                if !kept {
                    continue;
                }
                let plane = op.plane();
                if !out
                    .call_ops
                    .iter()
                    .any(|(n, p)| n.eq_ignore_ascii_case(&op.name) && *p == plane)
                {
                    out.call_ops.push((op.name.clone(), plane));
                }
                if op.scope != calls::ScopeKind::Workspace
                    && !out
                        .elsewhere
                        .iter()
                        .any(|e| e.operation.eq_ignore_ascii_case(&op.name))
                {
                    out.elsewhere.push(Elsewhere {
                        operation: op.name.clone(),
                        plane,
                        scope: op.scope,
                        confidence: op.confidence.clone(),
                    });
                }
                if cat.find(plane, &op.name).is_some() {
                    if let Ok(p) = Pattern::parse(&op.name) {
                        req.add_entry(index, mode, plane, &p);
                    }
                    continue;
                }
                match self
                    .wildcards
                    .iter()
                    .find(|w| w.operation.eq_ignore_ascii_case(&op.name))
                {
                    Some(w) => {
                        if let Ok(p) = validate_user_pattern(&w.entry) {
                            let hit = index.resolve(&p, plane, mode);
                            req.ids.union_with(&hit);
                            req.add_kept(plane, &w.entry);
                            if !out.kept_wildcards.iter().any(|k| k.entry == w.entry) {
                                out.kept_wildcards.push(KeptWildcard {
                                    entry: w.entry.clone(),
                                    plane,
                                    for_operation: op.name.clone(),
                                    reason: w.reason.clone(),
                                    reach: hit
                                        .ones()
                                        .map(|i| cat.name(i as OpId).to_string())
                                        .collect(),
                                });
                            }
                        }
                    }
                    None => req.add_unknown(plane, &op.name),
                }
            }
        }
        for (plane, list) in [
            (Plane::Control, part.actions),
            (Plane::Data, part.data_actions),
        ] {
            for e in list {
                if let Ok(p) = validate_user_pattern(e)
                    && req.add_entry(index, mode, plane, &p) == 0
                    && !p.is_literal()
                {
                    out.empty_patterns.push(p.as_str().to_string());
                }
            }
        }
        for l in part.leaves_out {
            let plane = Scenario::leave_out_plane(l);
            let mut removed: Vec<OpId> = Vec::new();
            for e in &l.operations {
                if let Ok(p) = validate_user_pattern(e) {
                    removed.extend(req.remove_pattern(index, mode, plane, &p));
                }
            }
            removed.sort_unstable();
            removed.dedup();
            if is_base {
                out.removed_by_leave_out.push(removed);
            }
        }
        req
    }
}

/// The needs-bearing fields shared by a scenario and its variants.
struct Part<'a> {
    calls: &'a [String],
    keep_optional: &'a [String],
    actions: &'a [String],
    data_actions: &'a [String],
    leaves_out: &'a [LeaveOut],
}

/// A needed operation checked at a scope other than the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    pub operation: String,
    pub plane: Plane,
    pub scope: calls::ScopeKind,
    pub confidence: String,
}

/// A wildcard entry the role keeps, because it is the only way to grant an operation the
/// catalog does not list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptWildcard {
    pub entry: String,
    pub plane: Plane,
    pub for_operation: String,
    pub reason: String,
    /// The catalog operations it matches today (all granted).
    pub reach: Vec<String>,
}

impl Scenario {
    /// The scenario's resolved operations as a needs list (each name with its plane prefix),
    /// for `check` and `recommend`.
    pub fn to_needs(&self, index: &Index, mode: WildcardMode) -> Needs {
        self.to_needs_with(index, mode, &[])
            .unwrap_or_else(|_| self.needs_of(index, mode, self.resolve(index, mode)))
    }

    /// The needs of the scenario with the named variants; a kept wildcard is one pattern
    /// entry (what it grants is needed as a whole).
    pub fn to_needs_with(
        &self,
        index: &Index,
        mode: WildcardMode,
        with: &[String],
    ) -> Result<Needs> {
        let r = self.resolve_with(index, mode, with)?;
        Ok(self.needs_of(index, mode, r))
    }

    fn needs_of(&self, index: &Index, mode: WildcardMode, r: ResolvedScenario) -> Needs {
        let mut req = r.requirement;
        let mut entries = Vec::new();
        for plane in Plane::BOTH {
            for k in req.kept[plane as usize].clone() {
                if let Ok(pattern) = Pattern::parse(&k) {
                    req.remove_pattern(index, mode, plane, &pattern);
                    entries.push(NeedEntry {
                        text: k,
                        pattern,
                        plane: Some(plane),
                        line: 0,
                        column: 0,
                    });
                }
            }
            for name in req.names(index, plane) {
                if let Ok(pattern) = Pattern::parse(&name) {
                    entries.push(NeedEntry {
                        text: name,
                        pattern,
                        plane: Some(plane),
                        line: 0,
                        column: 0,
                    });
                }
            }
        }
        let origin = if r.variants.is_empty() {
            format!("scenario {}", self.name)
        } else {
            format!(
                "scenario {} --with {}",
                self.name,
                r.variants.join(" --with ")
            )
        };
        Needs {
            origin,
            source: NeedsSource::Scenario(self.name.clone()),
            entries,
            roles: Vec::new(),
        }
    }
}

/// A scenario resolved against a catalog.
#[derive(Debug, Clone)]
pub struct ResolvedScenario {
    pub requirement: Requirement,
    /// Patterns among the needs that match nothing in this catalog.
    pub empty_patterns: Vec<String>,
    /// Per `leaves_out` entry, the operations it removed from the needs (often none: most
    /// entries name operations the needs never included, to document the decision).
    pub removed_by_leave_out: Vec<Vec<OpId>>,
    /// The calls resolved (`command | variant`), in order.
    pub commands: Vec<String>,
    /// The scenario's assumptions, then the chosen variants'.
    pub assumptions: Vec<String>,
    /// The variants chosen.
    pub variants: Vec<String>,
    /// Needed operations checked at another scope than the workspace: subscription-level ones
    /// are not in the requirement; the others are (the role must also be assigned there).
    pub elsewhere: Vec<Elsewhere>,
    pub kept_wildcards: Vec<KeptWildcard>,
    /// Every operation the calls contributed (kept optional ones included), before
    /// `leaves_out`: what a test checks the role against.
    pub call_ops: Vec<(String, Plane)>,
}

/// The scenario library.
#[derive(Debug, Clone)]
pub struct Library {
    scenarios: Vec<Scenario>,
}

impl Library {
    /// The scenarios shipped in the binary, sorted by name.
    pub fn embedded() -> Result<Library> {
        let mut scenarios = Vec::new();
        for (file, text) in embedded::EMBEDDED {
            let s = Scenario::parse(text, &format!("data/scenarios/{file}"))?;
            if format!("{}.toml", s.name) != *file {
                return Err(Error::shape(
                    &format!("data/scenarios/{file}"),
                    "/name",
                    format!("name `{}` does not match the file name", s.name),
                ));
            }
            scenarios.push(s);
        }
        scenarios.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Library { scenarios })
    }

    pub fn all(&self) -> &[Scenario] {
        &self.scenarios
    }

    pub fn get(&self, name: &str) -> Option<&Scenario> {
        let n = name.trim();
        self.scenarios
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(n))
    }

    /// Looks a scenario up, or explains which names exist.
    pub fn find(&self, name: &str) -> Result<&Scenario> {
        self.get(name).ok_or_else(|| {
            let hint = did_you_mean(name, self.scenarios.iter().map(|s| s.name.as_str()))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            Error::usage(format!(
                "no scenario named `{name}`; {hint}`azrbac scenarios` lists them (or pass a scenario .toml file)"
            ))
        })
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const MIN: &str = r#"
name = "x"
title = "X"
summary = "s"
description = "d"
role_name = "R"
role_description = "rd"
assign_at = "workspace"
actions = ["Microsoft.A/x/read"]
[[sources]]
title = "t"
url = "https://example.org"
"#;

    #[test]
    fn parses_a_minimal_file() {
        let s = Scenario::parse(MIN, "x.toml").unwrap();
        assert_eq!(s.name, "x");
        assert!(s.leaves_out.is_empty());
    }

    #[test]
    fn errors_name_file_and_place() {
        let e = Scenario::parse(&MIN.replace("summary", "sumary"), "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.toml:4:1: "), "{e}");
        let e = Scenario::parse(&MIN.replace("\"Microsoft.A/x/read\"", "\"read\""), "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.toml: /actions/0: "), "{e}");
        let e = Scenario::parse(&MIN.replace("name = \"x\"", "name = \"X Y\""), "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("kebab-case"), "{e}");
        let no_sources = MIN.split("[[sources]]").next().unwrap().to_string() + "sources = []\n";
        assert!(
            Scenario::parse(&no_sources, "x.toml")
                .unwrap_err()
                .to_string()
                .contains("/sources")
        );
    }
}

#[cfg(test)]
mod library_tests;
