//! `drift ROLE... --since DATE`: what each role's wildcard entries gained and lost since.

use crate::analyses::drift::{DriftReport, History, check_date, drift};
use crate::analyses::risk::RiskModel;
use crate::cli::args::{DriftArgs, DriftFailOn};
use crate::cli::input::resolve_roles;
use crate::cli::{EXIT_FINDINGS, EXIT_OK};
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::RoleDefinition;
use crate::report::{self, Format};
use std::fmt::Write;
use std::path::Path;

pub fn run(model: &Model, a: &DriftArgs) -> Result<i32> {
    if let Some(d) = &a.since {
        check_date(d).map_err(|m| Error::usage(format!("drift --since: {m}")))?;
    }
    let mut roles: Vec<(RoleDefinition, String)> = Vec::new();
    for r in &a.roles {
        let since = match &a.since {
            Some(d) => d.clone(),
            None => last_changed(Path::new(r)).ok_or_else(|| {
                Error::usage(format!(
                    "drift: `{r}` carries no updatedOn or createdOn date; pass --since DATE (when the role was last changed)"
                ))
            })?,
        };
        for role in resolve_roles(model, r)? {
            roles.push((role, since.clone()));
        }
    }
    if a.all_builtins {
        let Some(since) = &a.since else {
            return Err(Error::usage(
                "drift --all-builtins: pass --since DATE (the embedded built-in roles carry no dates)",
            ));
        };
        roles.extend(
            model
                .builtins
                .roles()
                .iter()
                .map(|r| (r.clone(), since.clone())),
        );
    }
    let history = History::embedded()?;
    let risk = RiskModel::new(model)?;
    let rep = drift(model, &risk, history, &roles);
    report::out(&match a.format {
        Format::Json => {
            serde_json::to_string_pretty(&rep).map_err(|e| Error::Internal(e.to_string()))? + "\n"
        }
        Format::Markdown => markdown(&rep),
        _ => table(&rep),
    });
    let fail = a.fail_on == Some(DriftFailOn::HighRisk)
        && rep.roles.iter().any(|r| r.high_risk_gained > 0);
    Ok(if fail { EXIT_FINDINGS } else { EXIT_OK })
}

/// The date part of the first `updatedOn` (else `createdOn`) a role file holds, at any depth.
fn last_changed(path: &Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let text = crate::cli::input::read_role_text(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    fn find(v: &serde_json::Value, key: &str) -> Option<String> {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if k.eq_ignore_ascii_case(key)
                        && let Some(s) = x.as_str()
                    {
                        return Some(s.chars().take(10).collect());
                    }
                }
                m.values().find_map(|x| find(x, key))
            }
            serde_json::Value::Array(a) => a.iter().find_map(|x| find(x, key)),
            _ => None,
        }
    }
    find(&v, "updatedOn")
        .or_else(|| find(&v, "createdOn"))
        .filter(|d| check_date(d).is_ok())
}

fn risks(r: &[String]) -> String {
    if r.is_empty() {
        String::new()
    } else {
        format!("  [{}]", r.join(", "))
    }
}

fn table(rep: &DriftReport) -> String {
    let mut s = String::new();
    for r in &rep.roles {
        let _ = writeln!(
            s,
            "{} since {}: gained {} operation(s) ({} high-risk), lost {}",
            r.role,
            r.since,
            r.gained.len(),
            r.high_risk_gained,
            r.lost.len()
        );
        for e in r
            .entries
            .iter()
            .filter(|e| !e.gained.is_empty() || !e.lost.is_empty())
        {
            let _ = writeln!(
                s,
                "  {} ({}): +{} -{}",
                e.entry,
                e.plane,
                e.gained.len(),
                e.lost.len()
            );
            for g in &e.gained {
                let _ = writeln!(s, "    + {} (listed {}){}", g.name, g.date, risks(&g.risks));
            }
            for l in &e.lost {
                let _ = writeln!(
                    s,
                    "    - {} (removed {}){}",
                    l.name,
                    l.date,
                    risks(&l.risks)
                );
            }
        }
    }
    s
}

fn markdown(rep: &DriftReport) -> String {
    let mut s = String::new();
    for r in &rep.roles {
        let _ = writeln!(
            s,
            "### {} since {}\n\nGained {} operation(s) ({} high-risk), lost {}.\n",
            r.role,
            r.since,
            r.gained.len(),
            r.high_risk_gained,
            r.lost.len()
        );
        s.push_str("| Entry | Change | Operation | Date | Risk |\n|---|---|---|---|---|\n");
        for e in &r.entries {
            for (sign, list) in [("gained", &e.gained), ("lost", &e.lost)] {
                for o in list {
                    let _ = writeln!(
                        s,
                        "| `{}` | {sign} | `{}` | {} | {} |",
                        e.entry,
                        o.name,
                        o.date,
                        o.risks.join(", ")
                    );
                }
            }
        }
        s.push('\n');
    }
    s
}
