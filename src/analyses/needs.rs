//! Needs: the operations a job requires, read from a needs file (plain text, a JSON array of
//! strings, or a role file whose effective permissions are the needs) or from `--action`
//! arguments, validated, and resolved against the catalog into a [`NeedSet`].
//!
//! Plain text: one entry a line; `#` starts a comment; wildcards allowed; an entry is matched
//! on both planes unless prefixed `control:` or `data:`. An empty list, or an entry that is not
//! an operation name or pattern at all, is an input error; a well-formed entry the catalog does
//! not know is kept (needed exactly as written) and warned about.

use crate::data::Model;
use crate::effective::expand;
use crate::error::{Error, Result, did_you_mean};
use crate::model::catalog::canonical_cmp;
use crate::model::{
    OpId, Pattern, Plane, RoleDefinition, json, parse_role_text, validate_user_pattern,
};
use fixedbitset::FixedBitSet;
use serde_json::Value;

/// Where the needs came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NeedsSource {
    /// Plain text, one entry a line.
    Text,
    /// A JSON array of strings.
    JsonArray,
    /// A role file: its effective permissions are the needs.
    RoleFile,
    /// `--action` arguments.
    CommandLine,
    /// A named scenario of the scenario library.
    Scenario(String),
}

/// One needed operation name or pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedEntry {
    /// The entry without its plane prefix, trimmed.
    pub text: String,
    pub pattern: Pattern,
    /// `Some(plane)` when prefixed `control:`/`data:`; `None` = both planes.
    pub plane: Option<Plane>,
    /// 1-based line and column in the origin (0, 0 for command-line entries).
    pub line: usize,
    pub column: usize,
}

impl NeedEntry {
    /// The planes this entry is matched on.
    pub fn planes(&self) -> Vec<Plane> {
        match self.plane {
            Some(p) => vec![p],
            None => Plane::BOTH.to_vec(),
        }
    }
}

/// A parsed, validated needs list (not yet resolved against a catalog).
#[derive(Debug, Clone)]
pub struct Needs {
    /// The file name, `<stdin>`, `--action` or the scenario name.
    pub origin: String,
    pub source: NeedsSource,
    pub entries: Vec<NeedEntry>,
    /// For [`NeedsSource::RoleFile`]: the roles whose effective permissions are needed.
    pub roles: Vec<RoleDefinition>,
}

/// Needs resolved against the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedSet {
    /// Needed catalog operations (ids over the whole catalog, both planes).
    pub ops: FixedBitSet,
    /// Needed names the catalog does not list, per plane (control, data), canonical order.
    pub unknown: [Vec<String>; 2],
    /// Needed names the catalog does not list that carry no plane prefix: satisfied by a
    /// grant on either plane.
    pub unknown_any: Vec<String>,
    /// Warnings to show the user (unknown names with suggestions, patterns matching nothing).
    pub warnings: Vec<String>,
    /// Values of role-file needs that could not be read (the needs are a lower bound).
    pub unresolved: Vec<String>,
}

impl NeedSet {
    /// Needed catalog ids of one plane, ascending.
    pub fn ids<'a>(&'a self, model: &'a Model, plane: Plane) -> impl Iterator<Item = OpId> + 'a {
        let (lo, hi) = model.index.catalog().plane_range(plane);
        self.ops
            .ones()
            .map(|i| i as OpId)
            .filter(move |i| *i >= lo && *i < hi)
    }

    /// Every needed name of one plane (catalog spelling, unknown names as written), sorted.
    /// Names without a plane prefix that the catalog does not know are listed separately
    /// ([`NeedSet::unknown_any`]).
    pub fn names(&self, model: &Model, plane: Plane) -> Vec<String> {
        let cat = model.index.catalog();
        let mut out: Vec<String> = self
            .ids(model, plane)
            .map(|i| cat.name(i).to_string())
            .collect();
        out.extend(self.unknown[plane as usize].iter().cloned());
        out.sort_by(|a, b| canonical_cmp(a, b));
        out
    }

    /// Number of needed names (catalog operations and unknown names).
    pub fn len(&self) -> usize {
        self.ops.count_ones(..)
            + self.unknown[0].len()
            + self.unknown[1].len()
            + self.unknown_any.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Needs {
    /// Parses a needs file: a role file (`.tf`, `.bicep`, or JSON objects), a JSON array of
    /// strings, or plain text. `origin` names the file in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Needs> {
        let lower = origin.to_ascii_lowercase();
        let trimmed = text.trim_start();
        if lower.ends_with(".tf") || lower.ends_with(".bicep") {
            return Needs::from_role_text(text, origin);
        }
        if trimmed.starts_with('[') || trimmed.starts_with('{') {
            let value = json::parse(text, origin)?;
            return match &value {
                Value::Array(items) if items.iter().all(|v| !v.is_object()) => {
                    Needs::from_json_array(text, items, origin)
                }
                _ => Needs::from_role_text(text, origin),
            };
        }
        Needs::from_plain_text(text, origin)
    }

    /// Needs from `--action` arguments.
    pub fn from_actions(actions: &[String]) -> Result<Needs> {
        if actions.is_empty() {
            return Err(Error::usage(
                "--action: no operation given (the needs list is empty)",
            ));
        }
        let mut entries = Vec::with_capacity(actions.len());
        for a in actions {
            let (plane, body, _) = split_prefix(a);
            let pattern =
                validate_user_pattern(body).map_err(|m| Error::usage(format!("--action: {m}")))?;
            entries.push(NeedEntry {
                text: pattern.as_str().to_string(),
                pattern,
                plane,
                line: 0,
                column: 0,
            });
        }
        Ok(Needs {
            origin: "--action".to_string(),
            source: NeedsSource::CommandLine,
            entries,
            roles: Vec::new(),
        })
    }

    /// Needs from a list of names or patterns already known to be well formed (a scenario).
    pub fn from_list(origin: &str, source: NeedsSource, items: &[String]) -> Result<Needs> {
        let mut n =
            Needs::from_actions(items).map_err(|e| Error::usage(format!("{origin}: {e}")))?;
        n.origin = origin.to_string();
        n.source = source;
        Ok(n)
    }

    fn from_plain_text(text: &str, origin: &str) -> Result<Needs> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("");
            let body = line.trim();
            if body.is_empty() {
                continue;
            }
            let lead = line.len() - line.trim_start().len();
            let column = line[..lead].chars().count() + 1;
            let (plane, rest, skipped) = split_prefix(body);
            let pattern = validate_user_pattern(rest).map_err(|message| Error::Syntax {
                origin: origin.to_string(),
                line: i + 1,
                column: column + skipped,
                message,
            })?;
            entries.push(NeedEntry {
                text: pattern.as_str().to_string(),
                pattern,
                plane,
                line: i + 1,
                column,
            });
        }
        if entries.is_empty() {
            return Err(Error::shape(
                origin,
                "",
                "the needs list is empty (no operation listed)",
            ));
        }
        Ok(Needs {
            origin: origin.to_string(),
            source: NeedsSource::Text,
            entries,
            roles: Vec::new(),
        })
    }

    fn from_json_array(text: &str, items: &[Value], origin: &str) -> Result<Needs> {
        if items.is_empty() {
            return Err(Error::shape(
                origin,
                "",
                "the needs list is empty (no operation listed)",
            ));
        }
        let mut entries = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let pointer = format!("/{i}");
            let (line, column) = json::locate(text, &pointer).unwrap_or((0, 0));
            let Value::String(s) = item else {
                return Err(Error::shape(
                    origin,
                    &pointer,
                    format!("needs must be strings, found {}", json::kind(item)),
                ));
            };
            let (plane, rest, _) = split_prefix(s);
            let pattern = validate_user_pattern(rest).map_err(|message| Error::Syntax {
                origin: origin.to_string(),
                line,
                column,
                message,
            })?;
            entries.push(NeedEntry {
                text: pattern.as_str().to_string(),
                pattern,
                plane,
                line,
                column,
            });
        }
        Ok(Needs {
            origin: origin.to_string(),
            source: NeedsSource::JsonArray,
            entries,
            roles: Vec::new(),
        })
    }

    fn from_role_text(text: &str, origin: &str) -> Result<Needs> {
        let roles = parse_role_text(text, origin)?;
        // The role's grant entries are needs: the same well-formedness rules as for a text
        // needs file (found by an audit: `"not an op"` went through to a generated role).
        for r in &roles {
            for (_, f, e) in r.entries() {
                if f.is_exclusion() {
                    continue;
                }
                if let Err(why) = validate_user_pattern(&e.raw) {
                    return Err(Error::shape(origin, &e.pointer, why));
                }
            }
        }
        let grants = roles
            .iter()
            .flat_map(|r| r.entries())
            .filter(|(_, f, _)| !f.is_exclusion())
            .count();
        if grants == 0 {
            return Err(Error::shape(
                origin,
                "",
                "the needs list is empty (the role file grants no operation)",
            ));
        }
        Ok(Needs {
            origin: origin.to_string(),
            source: NeedsSource::RoleFile,
            entries: Vec::new(),
            roles,
        })
    }

    /// Resolves the needs against the model's catalog.
    pub fn resolve(&self, model: &Model) -> NeedSet {
        let index = &model.index;
        let cat = index.catalog();
        let mut set = NeedSet {
            ops: index.empty_set(),
            unknown: [Vec::new(), Vec::new()],
            unknown_any: Vec::new(),
            warnings: Vec::new(),
            unresolved: Vec::new(),
        };
        for e in &self.entries {
            let at = self.place(e);
            let mut matched = 0;
            for plane in e.planes() {
                matched += index.resolve_into(&e.pattern, plane, model.mode, &mut set.ops);
            }
            if matched > 0 {
                continue;
            }
            if e.pattern.is_literal() {
                let other = e.plane.and_then(|p| {
                    let o = other_plane(p);
                    cat.find_lower(o, e.pattern.lower()).map(|_| o)
                });
                let hint = match other {
                    Some(o) => format!(
                        "; the catalog lists it as a {o}-plane operation (prefix it `{}:` or drop the prefix)",
                        o.as_str()
                    ),
                    None => suggestion(model, &e.text),
                };
                set.warnings.push(format!(
                    "{at}`{}` is not in the catalog{hint}; it is kept as a need, exactly as written",
                    e.text
                ));
                match e.plane {
                    Some(p) => push_unique(&mut set.unknown[p as usize], &e.text),
                    None => push_unique(&mut set.unknown_any, &e.text),
                }
            } else {
                let ns_hint = match e.pattern.namespace() {
                    Some(ns) if !cat.has_provider(ns) => {
                        let s = did_you_mean(ns, cat.providers().iter().map(String::as_str))
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        format!("; no provider `{ns}` in the catalog{s}")
                    }
                    _ => String::new(),
                };
                let planes = match e.plane {
                    Some(p) => format!(" on the {p} plane"),
                    None => String::new(),
                };
                set.warnings.push(format!(
                    "{at}`{}` matches no catalog operation{planes}{ns_hint}",
                    e.text
                ));
            }
        }
        for role in &self.roles {
            let eff = expand(index, role, model.mode);
            set.ops.union_with(&eff.granted);
            for plane in Plane::BOTH {
                for u in &eff.unknown[plane as usize] {
                    push_unique(&mut set.unknown[plane as usize], &u.name);
                }
            }
            for u in &role.unresolved {
                set.unresolved.push(format!("{}: {u}", role.label()));
            }
        }
        for list in set
            .unknown
            .iter_mut()
            .chain(std::iter::once(&mut set.unknown_any))
        {
            list.sort_by(|a, b| canonical_cmp(a, b));
        }
        set
    }

    /// `origin:line:column: ` for messages about an entry (just `origin: ` without a line).
    fn place(&self, e: &NeedEntry) -> String {
        if e.line == 0 {
            format!("{}: ", self.origin)
        } else {
            format!("{}:{}:{}: ", self.origin, e.line, e.column)
        }
    }
}

/// Splits an optional `control:` / `data:` prefix: (plane, rest, characters skipped).
fn split_prefix(s: &str) -> (Option<Plane>, &str, usize) {
    let t = s.trim();
    if let Some((head, rest)) = t.split_once(':') {
        let plane = match head.trim().to_ascii_lowercase().as_str() {
            "control" => Some(Plane::Control),
            "data" => Some(Plane::Data),
            _ => None,
        };
        if plane.is_some() {
            let rest_trim = rest.trim_start();
            let skipped = t.len() - rest_trim.len();
            return (plane, rest_trim, skipped);
        }
    }
    (None, t, 0)
}

fn other_plane(p: Plane) -> Plane {
    match p {
        Plane::Control => Plane::Data,
        Plane::Data => Plane::Control,
    }
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|x| x.eq_ignore_ascii_case(name)) {
        list.push(name.to_string());
    }
}

/// " (did you mean `X`?)" from the operations of the same provider (all operations when the
/// provider is unknown), or nothing.
fn suggestion(model: &Model, name: &str) -> String {
    crate::analyses::suggest::operation_either_plane(&model.index, name)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "needs_tests.rs"]
mod tests;
