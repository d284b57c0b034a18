//! Rendering `diff` as SARIF 2.1.0 for code scanning: one result per entry of NEW that adds
//! (or frees from a condition) high-risk operations, listing them, on the entry's line; and
//! one per role whose assignable scopes widen, on the widened scope's line.

use super::diff_table::top_severity;
use super::to_json;
use crate::analyses::diff::{CategoryInfo, DiffReport, OpChange, RoleChange};
use crate::model::Plane;
use serde_json::{Value, json};

/// Where a result points: a repository-relative file and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub uri: String,
    pub line: usize,
    pub column: usize,
}

/// Percent-encodes a path as a relative URI reference (`/` kept, `\` turned into `/`).
pub fn uri_of(path: &str) -> String {
    uri_of_bytes(path.replace('\\', "/").as_bytes())
}

/// A repository path given as bytes (git's), percent-encoded byte by byte.
pub fn uri_of_bytes(path: &[u8]) -> String {
    let mut out = String::new();
    for &b in path {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.strip_prefix("./").map(str::to_string).unwrap_or(out)
}

fn rule_id(c: &CategoryInfo) -> String {
    format!("azrbac/diff/{}", c.key)
}

/// GitHub code scanning ranks security results by this number.
fn security_severity(c: &CategoryInfo) -> &'static str {
    match c.rank {
        r if r >= 3 => "9.5",
        2 => "8.0",
        1 => "5.5",
        _ => "3.0",
    }
}

fn level(c: &CategoryInfo) -> &'static str {
    if c.high {
        "error"
    } else if c.rank >= 1 {
        "warning"
    } else {
        "note"
    }
}

/// The rule of widened assignable scopes, after the category rules.
pub const SCOPE_RULE: &str = "azrbac/scope-widened";

/// How many operations a result's message names before "and N more".
const LISTED: usize = 10;

/// The high-risk operations one entry of NEW grants that a change adds or frees from a
/// condition: one SARIF result. Operations with no attributed entry share a group.
struct Group<'a> {
    pointer: Option<&'a str>,
    entry: Option<&'a str>,
    ops: Vec<(&'a OpChange, bool)>,
}

/// Groups a role's high-risk widening by granting entry, in the order entries first appear.
fn groups(c: &RoleChange) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    for (list, freed) in [(&c.ops.added, false), (&c.ops.now_unconditional, true)] {
        for o in list.iter().flatten().filter(|o| o.tags.high) {
            let pointer = o.source.as_ref().map(|s| s.pointer.as_str());
            match out.iter_mut().find(|g| g.pointer == pointer) {
                Some(g) => g.ops.push((o, freed)),
                None => out.push(Group {
                    pointer,
                    entry: o.source.as_ref().map(|s| s.entry.as_str()),
                    ops: vec![(o, freed)],
                }),
            }
        }
    }
    out
}

/// The worst category of a group's operations (highest rank, then first in the taxonomy).
fn worst<'r>(r: &'r DiffReport, g: &Group<'_>) -> Option<(usize, &'r CategoryInfo)> {
    g.ops
        .iter()
        .flat_map(|(o, _)| &o.tags.categories)
        .filter_map(|i| r.categories.get(*i).map(|c| (*i, c)))
        .max_by_key(|(i, c)| (c.rank, std::cmp::Reverse(*i)))
}

fn op_label(o: &OpChange, freed: bool) -> String {
    let mut s = o.name.clone();
    let mut notes = Vec::new();
    if o.plane == Plane::Data {
        notes.push("data plane");
    }
    if freed {
        notes.push("now without a condition");
    }
    if !notes.is_empty() {
        s.push_str(&format!(" ({})", notes.join(", ")));
    }
    s
}

fn location(at: Option<Located>) -> Option<Value> {
    at.map(|at| {
        json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": at.uri },
                "region": { "startLine": at.line, "startColumn": at.column }
            }
        }])
    })
}

/// A fingerprint key for the role: its GUID, else its label lower-cased.
fn role_key(c: &RoleChange) -> String {
    c.guid
        .clone()
        .unwrap_or_else(|| c.role.to_ascii_lowercase())
}

/// A SARIF `suppressions` array when every reason given is an accepted grant's.
fn suppressions<'a>(mut reasons: impl Iterator<Item = Option<&'a String>>) -> Option<Value> {
    let first = reasons.next()??;
    let mut all = vec![first.as_str()];
    for r in reasons {
        let r = r?;
        if !all.contains(&r.as_str()) {
            all.push(r);
        }
    }
    Some(json!([{
        "kind": "external",
        "status": "accepted",
        "justification": format!("accepted in the azrbac configuration: {}", all.join("; ")),
    }]))
}

fn entry_result(
    r: &DiffReport,
    c: &RoleChange,
    g: &Group<'_>,
    at: Option<Located>,
) -> Option<Value> {
    let (idx, cat) = worst(r, g)?;
    let n = g.ops.len();
    let what = if n == 1 {
        "1 high-risk operation".to_string()
    } else {
        format!("{n} high-risk operations")
    };
    let who = match g.entry {
        Some(e) => format!("Role '{}': the entry '{e}' now grants {what}", c.role),
        None => format!("Role '{}' now grants {what}", c.role),
    };
    // Worst first, so a cut list keeps what matters; canonical order among equals.
    let mut listed: Vec<&(&OpChange, bool)> = g.ops.iter().collect();
    listed.sort_by_key(|(o, _)| {
        let rank = o
            .tags
            .categories
            .iter()
            .filter_map(|i| r.categories.get(*i))
            .map(|c| c.rank)
            .max();
        std::cmp::Reverse(rank)
    });
    let mut names: Vec<String> = listed
        .iter()
        .take(LISTED)
        .map(|(o, freed)| op_label(o, *freed))
        .collect();
    if n > LISTED {
        names.push(format!("and {} more", n - LISTED));
    }
    let severity = g
        .ops
        .iter()
        .filter(|(o, _)| o.tags.categories.contains(&idx))
        .find_map(|(o, _)| top_severity(r, o))
        .unwrap_or(&cat.severity);
    let mut text = format!(
        "{who}: {}. Worst: {} ({severity}) — {}.",
        names.join(", "),
        cat.name,
        cat.reason
    );
    let mut others: Vec<usize> = g
        .ops
        .iter()
        .flat_map(|(o, _)| o.tags.categories.iter().copied())
        .filter(|i| *i != idx)
        .collect();
    others.sort_unstable();
    others.dedup();
    let others: Vec<&str> = others
        .iter()
        .filter_map(|i| r.categories.get(*i).map(|c| c.name.as_str()))
        .collect();
    if !others.is_empty() {
        text.push_str(&format!(" Also: {}.", others.join(", ")));
    }
    if g.ops.iter().any(|(o, _)| o.conditional) {
        text.push_str(" Some grants carry a condition azrbac does not evaluate.");
    }
    let operations: Vec<Value> = listed
        .iter()
        .map(|(o, freed)| {
            json!({
                "name": o.name,
                "plane": o.plane.as_str(),
                "change": if *freed { "nowUnconditional" } else { "added" },
            })
        })
        .collect();
    let mut res = json!({
        "ruleId": rule_id(cat),
        "ruleIndex": idx,
        "level": level(cat),
        "message": { "text": text },
        "partialFingerprints": {
            "azrbacRoleEntry/v1": format!(
                "{}:{}",
                role_key(c),
                g.entry.map_or_else(|| "-".to_string(), str::to_ascii_lowercase)
            )
        },
        "properties": {
            "role": c.role,
            "entry": g.entry,
            "operations": operations,
        }
    });
    if let Some(l) = location(at) {
        res["locations"] = l;
    }
    if let Some(s) = suppressions(g.ops.iter().map(|(o, _)| o.accepted.as_ref())) {
        res["suppressions"] = s;
    }
    Some(res)
}

/// One result per role whose assignable scopes widen, on the first widened scope's line.
fn scope_result(r: &DiffReport, c: &RoleChange, at: Option<Located>) -> Value {
    let scopes: Vec<String> = c
        .scopes
        .widened
        .iter()
        .map(|w| {
            if w.replaces.is_empty() {
                format!("'{}'", w.scope)
            } else {
                let was: Vec<String> = w.replaces.iter().map(|x| format!("'{x}'")).collect();
                format!("'{}' (replacing {})", w.scope, was.join(", "))
            }
        })
        .collect();
    let reach = match c.high_risk_granted {
        0 => "none of its operations is high risk".to_string(),
        1 => "its 1 high-risk operation can now be granted there".to_string(),
        n => format!("its {n} high-risk operations can now be granted there"),
    };
    let text = format!(
        "Role '{}' can now be assigned at {}: {reach}.",
        c.role,
        scopes.join(", ")
    );
    let mut keys: Vec<String> = c
        .scopes
        .widened
        .iter()
        .map(|w| w.scope.to_ascii_lowercase())
        .collect();
    keys.sort();
    let mut res = json!({
        "ruleId": SCOPE_RULE,
        "ruleIndex": r.categories.len(),
        "level": if c.high_risk_granted > 0 { "error" } else { "warning" },
        "message": { "text": text },
        "partialFingerprints": {
            "azrbacRoleScope/v1": format!("{}:{}", role_key(c), keys.join(","))
        },
        "properties": {
            "role": c.role,
            "scopes": c.scopes.widened.iter().map(|w| w.scope.as_str()).collect::<Vec<_>>(),
            "highRiskOperations": c.high_risk_granted,
        }
    });
    if let Some(l) = location(at) {
        res["locations"] = l;
    }
    if let Some(s) = suppressions(c.scopes.widened.iter().map(|w| w.accepted.as_ref())) {
        res["suppressions"] = s;
    }
    res
}

fn scope_rule() -> Value {
    json!({
        "id": SCOPE_RULE,
        "name": "Assignable scopes widened",
        "shortDescription": { "text": "A role change widens where the role can be assigned" },
        "fullDescription": { "text": "A scope added to assignableScopes that no previous scope covers lets the role, and every operation it grants, be assigned over a wider part of the estate." },
        "defaultConfiguration": { "level": "warning" },
        "help": { "text": "Check that the role must be assignable at the new scope; a subscription or management group reaches every resource group below it." },
        "properties": {
            "tags": ["security", "azure-rbac"],
            "security-severity": "7.0",
        }
    })
}

/// Where a result points, given the role and a pointer (or locator) in NEW's file; `None`
/// asks for the role's own position.
pub type LocateAt<'a> = dyn Fn(&RoleChange, Option<&str>) -> Option<Located> + 'a;

/// The SARIF log: one result per entry of NEW that adds (or frees from a condition) high-risk
/// operations, and one per role whose assignable scopes widen.
pub fn sarif(r: &DiffReport, locate: &LocateAt<'_>) -> String {
    let mut rules: Vec<Value> = r
        .categories
        .iter()
        .map(|c| {
            json!({
                "id": rule_id(c),
                "name": c.name,
                "shortDescription": { "text": format!("A role change adds {} operations", c.name.to_lowercase()) },
                "fullDescription": { "text": c.reason },
                "defaultConfiguration": { "level": level(c) },
                "help": { "text": format!("Operations in the category '{}' ({}): {}. Review whether the role needs them; azrbac explain shows which entry grants each.", c.name, c.severity, c.reason) },
                "properties": {
                    "tags": ["security", "azure-rbac"],
                    "security-severity": security_severity(c),
                }
            })
        })
        .collect();
    rules.push(scope_rule());
    let mut results = Vec::new();
    for c in &r.changes {
        // In file order: the entries' lines, then what has none.
        let mut placed: Vec<(Group<'_>, Option<Located>)> = groups(c)
            .into_iter()
            .map(|g| {
                let at = locate(c, g.pointer);
                (g, at)
            })
            .collect();
        placed.sort_by_key(|(_, at)| at.as_ref().map_or((1, 0, 0), |l| (0, l.line, l.column)));
        for (g, at) in placed {
            if let Some(v) = entry_result(r, c, &g, at) {
                results.push(v);
            }
        }
        if c.scopes.widens() {
            let pointer = c.scopes.widened.first().map(|w| w.pointer.as_str());
            results.push(scope_result(r, c, locate(c, pointer)));
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "azrbac",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
            "properties": {
                "verdict": super::diff_table::verdict(r),
                "complete": r.complete(),
                "gate": { "failOn": r.gate.fail_on.as_str(), "failed": r.gate.failed },
            }
        }]
    });
    to_json(&log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri_of("roles/my role.json"), "roles/my%20role.json");
        assert_eq!(uri_of("./a\\b#1.json"), "a/b%231.json");
        assert_eq!(uri_of("rôle.json"), "r%C3%B4le.json");
    }

    #[test]
    fn suppressed_only_when_every_item_is_accepted() {
        let (a, b) = ("runs jobs".to_string(), "reads keys".to_string());
        assert_eq!(suppressions([Some(&a), None].into_iter()), None);
        assert_eq!(suppressions([None, Some(&a)].into_iter()), None);
        assert_eq!(suppressions(std::iter::empty()), None);
        let s = suppressions([Some(&a), Some(&b), Some(&a)].into_iter());
        assert_eq!(
            s.as_ref().map(|v| v[0]["justification"].clone()),
            Some(json!(
                "accepted in the azrbac configuration: runs jobs; reads keys"
            ))
        );
    }
}
