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
    /// Documentation the scenario rests on (at least one).
    pub sources: Vec<Source>,
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
        if self.actions.is_empty() && self.data_actions.is_empty() {
            return bad("actions", "a scenario needs at least one operation".into());
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

    /// What the job needs in this catalog: every entry resolved, then the left-out
    /// operations removed.
    pub fn resolve(&self, index: &Index, mode: WildcardMode) -> ResolvedScenario {
        let mut req = Requirement::new(index);
        let mut empty_patterns = Vec::new();
        for plane in Plane::BOTH {
            for p in self.entries(plane) {
                if req.add_entry(index, mode, plane, &p) == 0 && !p.is_literal() {
                    empty_patterns.push(p.as_str().to_string());
                }
            }
        }
        let mut left_out = Vec::new();
        for l in &self.leaves_out {
            let plane = Scenario::leave_out_plane(l);
            let mut removed: Vec<OpId> = Vec::new();
            for e in &l.operations {
                if let Ok(p) = validate_user_pattern(e) {
                    removed.extend(req.remove_pattern(index, mode, plane, &p));
                }
            }
            removed.sort_unstable();
            removed.dedup();
            left_out.push(removed);
        }
        ResolvedScenario {
            requirement: req,
            empty_patterns,
            removed_by_leave_out: left_out,
        }
    }
}

impl Scenario {
    /// The scenario's resolved operations as a needs list (each name with its plane prefix),
    /// for `check` and `recommend`.
    pub fn to_needs(&self, index: &Index, mode: WildcardMode) -> Needs {
        let req = self.resolve(index, mode).requirement;
        let mut entries = Vec::new();
        for plane in Plane::BOTH {
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
        Needs {
            origin: format!("scenario {}", self.name),
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
