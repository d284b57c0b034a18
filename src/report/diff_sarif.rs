//! Rendering `diff` as SARIF 2.1.0 for code scanning: one result per high-risk operation a
//! change adds (or frees from a condition), on the line of the entry that grants it.

use super::diff_table::top_severity;
use super::to_json;
use crate::analyses::diff::{CategoryInfo, DiffReport, OpChange, RoleChange};
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

fn result(
    r: &DiffReport,
    c: &RoleChange,
    o: &OpChange,
    freed: bool,
    at: Option<Located>,
) -> Option<Value> {
    // The rule is the operation's worst category.
    let (idx, cat) = o
        .tags
        .categories
        .iter()
        .filter_map(|i| r.categories.get(*i).map(|c| (*i, c)))
        .max_by_key(|(i, c)| (c.rank, std::cmp::Reverse(*i)))?;
    let others: Vec<&str> = o
        .tags
        .categories
        .iter()
        .filter(|i| **i != idx)
        .filter_map(|i| r.categories.get(*i).map(|c| c.name.as_str()))
        .collect();
    let how = if freed {
        "now grants without a condition"
    } else {
        "now grants"
    };
    let mut text = format!(
        "Role '{}' {how} {} ({} plane): {} ({}) — {}.",
        c.role,
        o.name,
        o.plane.as_str(),
        cat.name,
        top_severity(r, o).unwrap_or(&cat.severity),
        cat.reason
    );
    if !others.is_empty() {
        text.push_str(&format!(" Also: {}.", others.join(", ")));
    }
    if let Some(s) = &o.source {
        text.push_str(&format!(" Granted by the entry '{}'.", s.entry));
    }
    if o.conditional {
        text.push_str(" The grant carries a condition azrbac does not evaluate.");
    }
    let mut res = json!({
        "ruleId": rule_id(cat),
        "ruleIndex": idx,
        "level": level(cat),
        "message": { "text": text },
        "partialFingerprints": {
            "azrbacRoleOperation/v1": format!(
                "{}:{}:{}",
                c.guid.clone().unwrap_or_else(|| c.role.to_ascii_lowercase()),
                o.plane.as_str(),
                o.name.to_ascii_lowercase()
            )
        },
        "properties": {
            "role": c.role,
            "operation": o.name,
            "plane": o.plane.as_str(),
            "change": if freed { "nowUnconditional" } else { "added" },
        }
    });
    if let Some(at) = at {
        res["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": at.uri },
                "region": { "startLine": at.line, "startColumn": at.column }
            }
        }]);
    }
    Some(res)
}

/// The SARIF log. `locate` maps an operation's granting entry to a file position.
pub fn sarif(r: &DiffReport, locate: &dyn Fn(&RoleChange, &OpChange) -> Option<Located>) -> String {
    let rules: Vec<Value> = r
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
    let mut results = Vec::new();
    for c in &r.changes {
        for (list, freed) in [(&c.ops.added, false), (&c.ops.now_unconditional, true)] {
            for o in list.iter().flatten().filter(|o| o.tags.high) {
                if let Some(v) = result(r, c, o, freed, locate(c, o)) {
                    results.push(v);
                }
            }
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
}
