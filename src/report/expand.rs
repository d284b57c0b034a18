//! Rendering `expand` results: a grouped table per role, or the JSON contract.

use super::{table, to_json};
use crate::analyses::expand::{Counts, ExpandReport, RoleExpansion};
use crate::analyses::group::group_names;
use serde::Serialize;
use std::fmt::Write;

/// One role of the JSON contract, borrowing from the report. Fields are declared in sorted
/// key order (byte order, as `to_json` sorts them), so serialising it directly gives the same
/// bytes as `to_json(report)` without building a `serde_json::Value` tree first.
#[derive(Serialize)]
struct RoleJson<'a, N> {
    actions: &'a [N],
    complete: bool,
    conditional: bool,
    #[serde(rename = "conditionalActions")]
    conditional_actions: &'a [String],
    #[serde(rename = "conditionalDataActions")]
    conditional_data_actions: &'a [String],
    counts: CountsJson,
    #[serde(rename = "dataActions")]
    data_actions: &'a [N],
    id: &'a Option<String>,
    name: &'a str,
    origin: &'a str,
    unknown: &'a [String],
    #[serde(rename = "unknownActions")]
    unknown_actions: &'a [String],
    #[serde(rename = "unknownDataActions")]
    unknown_data_actions: &'a [String],
    unresolved: &'a [String],
}

#[derive(Serialize)]
struct CountsJson {
    actions: usize,
    #[serde(rename = "dataActions")]
    data_actions: usize,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    #[serde(rename = "catalogDate")]
    catalog_date: &'a str,
    roles: Vec<RoleJson<'a, String>>,
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    wildcards: &'a str,
}

fn role_json<N>(r: &RoleExpansion<N>) -> RoleJson<'_, N> {
    let Counts {
        actions,
        data_actions,
    } = r.counts;
    RoleJson {
        actions: &r.actions,
        complete: r.complete,
        conditional: r.conditional,
        conditional_actions: &r.conditional_actions,
        conditional_data_actions: &r.conditional_data_actions,
        counts: CountsJson {
            actions,
            data_actions,
        },
        data_actions: &r.data_actions,
        id: &r.id,
        name: &r.name,
        origin: &r.origin,
        unknown: &r.unknown,
        unknown_actions: &r.unknown_actions,
        unknown_data_actions: &r.unknown_data_actions,
        unresolved: &r.unresolved,
    }
}

/// The `expand` JSON contract: sorted keys, pretty, trailing newline; byte for byte what
/// `to_json(report)` gives (a test checks it), serialised straight from the report because
/// `--all-builtins` lists some 234,000 names.
pub fn json(report: &ExpandReport) -> String {
    let view = ReportJson {
        catalog_date: &report.catalog_date,
        roles: report.roles.iter().map(role_json).collect(),
        schema_version: report.schema_version,
        wildcards: report.wildcards,
    };
    // Names plus quotes, indentation and separators.
    let estimate: usize = report
        .roles
        .iter()
        .flat_map(|r| r.actions.iter().chain(&r.data_actions))
        .map(|n| n.len() + 12)
        .sum();
    let mut buf = Vec::with_capacity(estimate + 1024 * (report.roles.len() + 1));
    match serde_json::to_writer_pretty(&mut buf, &view) {
        Ok(()) => {
            buf.push(b'\n');
            String::from_utf8(buf).unwrap_or_else(|_| to_json(report))
        }
        Err(_) => to_json(report),
    }
}

/// The `expand` JSON contract written role by role: the concatenation of [`JsonStream::begin`],
/// every [`JsonStream::role`] and [`JsonStream::end`] equals [`json`] of a report holding those
/// roles (a test checks it), without holding every role's names at once.
pub struct JsonStream<'a> {
    schema_version: u32,
    wildcards: &'a str,
    roles: usize,
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

impl<'a> JsonStream<'a> {
    /// The stream and the text before the first role.
    pub fn begin(
        schema_version: u32,
        catalog_date: &str,
        wildcards: &'a str,
    ) -> (JsonStream<'a>, String) {
        let head = format!(
            "{{\n  \"catalogDate\": {},\n  \"roles\": [",
            json_str(catalog_date)
        );
        (
            JsonStream {
                schema_version,
                wildcards,
                roles: 0,
            },
            head,
        )
    }

    /// The text of one more role (pretty-printed at its depth, comma-separated).
    pub fn role<N: Serialize>(&mut self, r: &RoleExpansion<N>) -> String {
        let s = json_role_chunk(r, self.roles == 0);
        self.roles += 1;
        s
    }

    /// Counts roles whose text was made with [`json_role_chunk`] elsewhere (another thread).
    pub fn add_rendered(&mut self, roles: usize) {
        self.roles += roles;
    }

    /// The text after the last role.
    pub fn end(self) -> String {
        let close = if self.roles == 0 { "]" } else { "\n  ]" };
        format!(
            "{close},\n  \"schemaVersion\": {},\n  \"wildcards\": {}\n}}\n",
            self.schema_version,
            json_str(self.wildcards)
        )
    }
}

/// The text of one role of the `expand` JSON contract at its place in the `roles` array:
/// pretty-printed at its depth, preceded by a comma unless it is the first.
pub fn json_role_chunk<N: Serialize>(r: &RoleExpansion<N>, first: bool) -> String {
    let mut body = Vec::new();
    if serde_json::to_writer_pretty(&mut body, &role_json(r)).is_err() {
        body.clear();
    }
    let body = String::from_utf8(body).unwrap_or_default();
    let mut s = String::with_capacity(body.len() + body.len() / 8 + 8);
    s.push_str(if first { "\n    " } else { ",\n    " });
    // Strings in JSON never hold a raw newline, so every newline starts a line to indent.
    for (i, line) in body.split('\n').enumerate() {
        if i > 0 {
            s.push_str("\n    ");
        }
        s.push_str(line);
    }
    s
}

/// Prints the `expand` JSON contract role by role (see [`JsonStream`]).
pub fn print_json_stream<N: Serialize, I: IntoIterator<Item = RoleExpansion<N>>>(
    schema_version: u32,
    catalog_date: &str,
    wildcards: &str,
    roles: I,
) {
    let (mut stream, head) = JsonStream::begin(schema_version, catalog_date, wildcards);
    super::out(&head);
    for r in roles {
        super::out(&stream.role(&r));
    }
    super::out(&stream.end());
}

pub fn table_text(report: &ExpandReport) -> String {
    let mut s = String::new();
    for (i, r) in report.roles.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        role_table(&mut s, r, report.wildcards);
    }
    s
}

fn role_table(s: &mut String, r: &RoleExpansion, wildcards: &str) {
    let id =
        r.id.as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
    let _ = writeln!(s, "{}{id}", r.name);
    let _ = writeln!(
        s,
        "  {} control-plane and {} data-plane operations (wildcards: {wildcards})",
        r.counts.actions, r.counts.data_actions
    );
    for (plane, names) in [("control", &r.actions), ("data", &r.data_actions)] {
        if names.is_empty() {
            continue;
        }
        let mut t = table(&["plane", "resource type", "ops", "operations"]);
        for p in group_names(names) {
            for g in &p.types {
                t.add_row(super::safe_row(vec![
                    plane.to_string(),
                    g.resource_type.clone(),
                    g.verbs.len().to_string(),
                    abbreviate(&g.verbs, 8),
                ]));
            }
            t.add_row(super::safe_row(vec![
                plane.to_string(),
                format!("{} (total)", p.provider),
                p.count.to_string(),
                String::new(),
            ]));
        }
        let _ = writeln!(s, "{t}");
    }
    if !r.unknown.is_empty() {
        let _ = writeln!(
            s,
            "  not in the catalog (granted as written): {}",
            r.unknown.join(", ")
        );
    }
    if r.conditional {
        let n = r.conditional_actions.len() + r.conditional_data_actions.len();
        let _ = writeln!(
            s,
            "  conditional: the role carries a condition azrbac does not evaluate; {n} operations are granted only under it"
        );
    }
    for u in &r.unresolved {
        let _ = writeln!(s, "  incomplete: {u}");
    }
}

/// Joins up to `max` items, then "… and N more".
pub fn abbreviate(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!(
            "{}, … and {} more",
            items[..max].join(", "),
            items.len() - max
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, id: Option<&str>, full: bool) -> RoleExpansion {
        let v = |xs: &[&str]| -> Vec<String> {
            if full {
                xs.iter().map(|x| x.to_string()).collect()
            } else {
                Vec::new()
            }
        };
        RoleExpansion {
            name: name.into(),
            id: id.map(str::to_string),
            origin: "t.json".into(),
            actions: v(&["Microsoft.A/x/read", "Microsoft.A/y/\"q\"/action"]),
            data_actions: v(&["Microsoft.A/x/data/read"]),
            unknown: v(&["Microsoft.New/z/read"]),
            unknown_actions: v(&["Microsoft.New/z/read"]),
            unknown_data_actions: v(&["Microsoft.New/d/read"]),
            conditional: full,
            conditional_actions: v(&["Microsoft.A/x/read"]),
            conditional_data_actions: v(&["Microsoft.A/x/data/read"]),
            counts: Counts {
                actions: 2,
                data_actions: 1,
            },
            unresolved: v(&["/Actions is the expression `[parameters('a')]`"]),
            complete: !full,
        }
    }

    #[test]
    fn direct_json_equals_the_sorted_value_rendering() {
        for roles in [
            vec![],
            vec![role("A", Some("g"), true), role("B é", None, false)],
        ] {
            let r = ExpandReport {
                schema_version: 1,
                wildcards: "azure",
                catalog_date: "2026-08-22".into(),
                roles,
            };
            assert_eq!(json(&r), to_json(&r));
            let (mut stream, mut streamed) = JsonStream::begin(1, &r.catalog_date, r.wildcards);
            for role in &r.roles {
                streamed.push_str(&stream.role(role));
            }
            streamed.push_str(&stream.end());
            assert_eq!(streamed, json(&r));
        }
    }
}
