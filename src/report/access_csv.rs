//! CSV for `who-can` and `access`: one row per chain (RFC 4180 quoting, formula-like cells
//! prefixed with `'`), for spreadsheets and scripts. What the rows cannot carry (warnings,
//! unevaluated assignments, whether the answer is complete) goes to stderr, so a CSV answer
//! states it as every other format does.

use super::access_principal::{AccessReport, OpJson};
use super::access_who_can::{PrincipalJson, UnevaluatedJson, WhoCanReport};
use std::fmt::Write;

/// One cell: a leading `'` when a spreadsheet would read the text as a formula (it starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return; names come from the tenant's
/// export, so anyone who can name a principal could plant one), then quoted when it holds a
/// comma, quote, or line break.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn line(out: &mut String, fields: &[&str]) {
    let row: Vec<String> = fields.iter().map(|f| field(f)).collect();
    let _ = writeln!(out, "{}", row.join(","));
}

fn principal_rows(out: &mut String, status: &str, list: &[PrincipalJson]) {
    for p in list {
        for g in &p.grants {
            let denied: Vec<String> = p
                .denied_by
                .iter()
                .map(|d| d.name.clone().unwrap_or_else(|| d.id.clone()))
                .collect();
            line(
                out,
                &[
                    status,
                    &p.id,
                    &p.kind,
                    p.name.as_deref().unwrap_or(""),
                    &g.scope,
                    &g.role,
                    &g.role_id,
                    &if g.via_continues {
                        format!("{};…", g.via.join(";"))
                    } else {
                        g.via.join(";")
                    },
                    &g.entry,
                    g.plane,
                    if g.conditional { "true" } else { "false" },
                    &denied.join(";"),
                    &g.assignment,
                    g.only_below.as_deref().unwrap_or(""),
                ],
            );
        }
    }
}

pub fn who_can(r: &WhoCanReport) -> String {
    let mut out = String::new();
    line(
        &mut out,
        &[
            "status",
            "principal_id",
            "principal_type",
            "principal_name",
            "scope",
            "role",
            "role_id",
            "via",
            "entry",
            "plane",
            "conditional",
            "denied_by",
            "assignment",
            "only_below",
        ],
    );
    principal_rows(&mut out, "allowed", &r.principals);
    principal_rows(&mut out, "denied", &r.denied);
    if let Some(b) = &r.below {
        principal_rows(&mut out, "below", &b.principals);
        principal_rows(&mut out, "below-denied", &b.denied);
    }
    out
}

fn op_rows(out: &mut String, r: &AccessReport, status: &str, ops: &[OpJson]) {
    for o in ops {
        for g in &o.grants {
            let c = &r.chains[g.chain];
            let denied: Vec<String> = o
                .denied_by
                .iter()
                .map(|d| {
                    r.denies[d.deny]
                        .name
                        .clone()
                        .unwrap_or_else(|| r.denies[d.deny].id.clone())
                })
                .collect();
            line(
                out,
                &[
                    status,
                    &o.name,
                    o.plane,
                    &o.provider,
                    &o.categories.join(";"),
                    &c.scope,
                    &c.role,
                    &c.role_id,
                    &c.via.join(";"),
                    &g.entry,
                    if g.conditional { "true" } else { "false" },
                    &denied.join(";"),
                ],
            );
        }
    }
}

pub fn access(r: &AccessReport) -> String {
    let mut out = String::new();
    line(
        &mut out,
        &[
            "status",
            "operation",
            "plane",
            "provider",
            "categories",
            "scope",
            "role",
            "role_id",
            "via",
            "entry",
            "conditional",
            "denied_by",
        ],
    );
    op_rows(&mut out, r, "allowed", &r.operations);
    op_rows(&mut out, r, "denied", &r.denied);
    out
}

/// The stderr lines that go with a CSV answer: its warnings, the assignments not evaluated,
/// and a final line when the answer is incomplete.
pub fn side_notes(
    complete: bool,
    warnings: &[String],
    unevaluated: &[UnevaluatedJson],
) -> Vec<String> {
    let mut out: Vec<String> = warnings.to_vec();
    for u in unevaluated {
        out.push(format!(
            "not evaluated: assignment {} of {} at {}: {}",
            u.assignment, u.principal, u.scope, u.reason
        ));
    }
    if !complete {
        out.push("the answer is incomplete (see the warnings above); `--format json` carries `complete: false`".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            field("=HYPERLINK(\"http://evil\",\"x\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""
        );
        for s in ["+1", "-1", "@SUM(A1)", "\tx"] {
            assert_eq!(field(s), format!("'{s}"));
        }
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(field("a=b"), "a=b");
        assert_eq!(field(""), "");
    }
}
