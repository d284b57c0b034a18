//! Catalog drift: what a role's wildcard entries gained (operations Azure listed after a date)
//! and lost (operations it stopped listing) since then, from the embedded operation history
//! (`data/operation-history.json`, built by `azrbac catalog import-history`).

use crate::analyses::risk::RiskModel;
use crate::data::Model;
use crate::error::{Error, Result};
use crate::model::{OpId, Plane, RoleDefinition};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded history.
pub const HISTORY_JSON: &str = include_str!("../../data/operation-history.json");

/// When each operation was first listed and, for removed ones, when it disappeared. Operations
/// of the catalog the history does not name were listed on or before `start`.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub source: String,
    pub start: String,
    /// (plane, lower-cased name) → (name, first seen, removed).
    pub ops: HashMap<(Plane, String), (String, String, Option<String>)>,
}

fn is_date(d: &str) -> bool {
    d.len() == 10
        && d.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// Checks a `YYYY-MM-DD` date.
pub fn check_date(d: &str) -> std::result::Result<(), String> {
    if is_date(d) {
        Ok(())
    } else {
        Err(format!("`{d}` is not a date of the form YYYY-MM-DD"))
    }
}

impl History {
    /// Parses the compact form written by [`import`].
    pub fn parse(text: &str, origin: &str) -> Result<History> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Syntax {
            origin: origin.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let mut h = History {
            source: s("source"),
            start: s("start"),
            ops: HashMap::new(),
        };
        let ops = v
            .get("operations")
            .and_then(|x| x.as_array())
            .ok_or_else(|| Error::shape(origin, "/operations", "expected an array"))?;
        for (i, o) in ops.iter().enumerate() {
            let bad = || {
                Error::shape(
                    origin,
                    &format!("/operations/{i}"),
                    "expected [plane, name, firstSeen, removed]",
                )
            };
            let a = o.as_array().ok_or_else(bad)?;
            let (Some(p), Some(n), Some(f)) = (
                a.first().and_then(|x| x.as_str()),
                a.get(1).and_then(|x| x.as_str()),
                a.get(2).and_then(|x| x.as_str()),
            ) else {
                return Err(bad());
            };
            let plane = if p == "d" {
                Plane::Data
            } else {
                Plane::Control
            };
            let removed = a.get(3).and_then(|x| x.as_str()).map(str::to_string);
            h.ops.insert(
                (plane, n.to_ascii_lowercase()),
                (n.to_string(), f.to_string(), removed),
            );
        }
        Ok(h)
    }

    /// The embedded history (parsed once per process).
    pub fn embedded() -> Result<&'static History> {
        static H: OnceLock<std::result::Result<History, String>> = OnceLock::new();
        H.get_or_init(|| {
            History::parse(HISTORY_JSON, "data/operation-history.json").map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::Internal(e.clone()))
    }

    /// When a catalog operation was first listed (the history's start when it does not say).
    pub fn first_seen<'a>(&'a self, plane: Plane, name: &str) -> &'a str {
        self.ops
            .get(&(plane, name.to_ascii_lowercase()))
            .map_or(self.start.as_str(), |(_, f, _)| f.as_str())
    }
}

/// The compact history from the snapshot's `operation-history.json` (an array of `{name,
/// plane, firstSeen, removed}`): only operations first listed after the start or removed
/// since, grouped by nothing, one a line.
pub fn import(text: &str, origin: &str, source: &str) -> Result<(String, usize)> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Syntax {
        origin: origin.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let arr = v.as_array().ok_or_else(|| {
        Error::shape(
            origin,
            "",
            "expected an array of {name, plane, firstSeen, removed}",
        )
    })?;
    let mut rows: Vec<(String, String, String, Option<String>)> = Vec::new();
    for (i, o) in arr.iter().enumerate() {
        let at = format!("/{i}");
        let g = |k: &str| o.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let (Some(name), Some(plane), Some(first)) = (g("name"), g("plane"), g("firstSeen")) else {
            return Err(Error::shape(origin, &at, "needs name, plane and firstSeen"));
        };
        let removed = g("removed");
        if !is_date(&first) || removed.as_deref().is_some_and(|r| !is_date(r)) {
            return Err(Error::shape(origin, &at, "dates are YYYY-MM-DD"));
        }
        let p = match plane.as_str() {
            "control" => "c",
            "data" => "d",
            _ => {
                return Err(Error::shape(
                    origin,
                    &format!("{at}/plane"),
                    "control or data",
                ));
            }
        };
        rows.push((p.to_string(), name, first, removed));
    }
    let start = rows
        .iter()
        .map(|r| r.2.clone())
        .min()
        .ok_or_else(|| Error::shape(origin, "", "no operations"))?;
    // The record's first two days hold everything listed "on or before" its start.
    let floor = rows
        .iter()
        .map(|r| r.2.clone())
        .filter(|d| *d > start)
        .min()
        .unwrap_or_default();
    let keep_from = if floor.as_str() <= next_day(&start).as_str() {
        floor
    } else {
        start.clone()
    };
    rows.retain(|r| r.2 > keep_from || r.3.is_some());
    rows.sort_by(|a, b| {
        (a.2.as_str(), a.1.to_ascii_lowercase()).cmp(&(b.2.as_str(), b.1.to_ascii_lowercase()))
    });
    let enc = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = format!(
        "{{\n  \"schemaVersion\": 1,\n  \"source\": {},\n  \"start\": {},\n  \"operations\": [\n",
        enc(source),
        enc(&keep_from)
    );
    for (i, (p, n, f, r)) in rows.iter().enumerate() {
        let r = r.as_deref().map_or("null".to_string(), enc);
        out.push_str(&format!("    [\"{p}\",{},\"{f}\",{r}]", enc(n)));
        out.push_str(if i + 1 < rows.len() { ",\n" } else { "\n" });
    }
    out.push_str("  ]\n}\n");
    Ok((out, rows.len()))
}

fn next_day(d: &str) -> String {
    // Only used for the record's start (never a month end in practice): bump the day.
    let (head, day) = d.split_at(8);
    let n: u32 = day.parse().unwrap_or(0) + 1;
    format!("{head}{n:02}")
}

#[derive(Debug, Clone, Serialize)]
pub struct DriftOp {
    pub name: String,
    /// `firstSeen` for a gained operation, `removed` for a lost one.
    pub date: String,
    pub risks: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PlaneLists {
    pub actions: Vec<DriftOp>,
    #[serde(rename = "dataActions")]
    pub data_actions: Vec<DriftOp>,
}

impl PlaneLists {
    fn list(&mut self, plane: Plane) -> &mut Vec<DriftOp> {
        match plane {
            Plane::Control => &mut self.actions,
            Plane::Data => &mut self.data_actions,
        }
    }
    pub fn len(&self) -> usize {
        self.actions.len() + self.data_actions.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryDrift {
    pub entry: String,
    pub plane: &'static str,
    pub gained: Vec<DriftOp>,
    pub lost: Vec<DriftOp>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleDrift {
    pub role: String,
    pub since: String,
    pub gained: PlaneLists,
    pub lost: PlaneLists,
    pub entries: Vec<EntryDrift>,
    /// Gained operations of high or critical severity.
    #[serde(rename = "highRiskGained")]
    pub high_risk_gained: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    #[serde(rename = "historySource")]
    pub history_source: String,
    pub roles: Vec<RoleDrift>,
}

/// The drift of each role's wildcard entries since `since`.
/// Each role is compared with its own date.
pub fn drift(
    model: &Model,
    risk: &RiskModel,
    history: &History,
    roles: &[(RoleDefinition, String)],
) -> DriftReport {
    let cat = model.index.catalog();
    let mode = model.mode;
    let risk_of = |id: OpId| -> Vec<String> {
        let mut k = risk.keys(risk.categories(id));
        k.sort();
        k
    };
    let high = |id: OpId| {
        risk.index
            .max_severity(id)
            .is_some_and(|s| s >= crate::analyses::risk::Severity::High)
    };
    // Removed operations, per plane, for pattern matching.
    // (plane, lower-cased name, name, first seen, removed), sorted by lower-cased name so
    // that the candidates of an entry are the run sharing its literal prefix.
    let mut removed: Vec<(Plane, String, &str, &str, &str)> = history
        .ops
        .iter()
        .filter_map(|((p, l), (n, f, r))| {
            r.as_deref()
                .map(|r| (*p, l.clone(), n.as_str(), f.as_str(), r))
        })
        .filter(|(p, _, n, _, _)| cat.find(*p, n).is_none())
        .collect();
    removed.sort_by(|a, b| a.1.cmp(&b.1));
    let mut out = Vec::new();
    for (role, since) in roles {
        let since = since.as_str();
        let eff = crate::effective::expand(&model.index, role, mode);
        let mut rd = RoleDrift {
            role: role.label(),
            since: since.to_string(),
            gained: PlaneLists::default(),
            lost: PlaneLists::default(),
            entries: Vec::new(),
            high_risk_gained: 0,
        };
        let mut gained_ids: Vec<(Plane, OpId)> = Vec::new();
        let mut lost_names: Vec<(Plane, String, String, Vec<String>)> = Vec::new();
        for block in &role.permissions {
            for plane in Plane::BOTH {
                let (grants, nots) = match plane {
                    Plane::Control => (&block.actions, &block.not_actions),
                    Plane::Data => (&block.data_actions, &block.not_data_actions),
                };
                for e in grants.iter().filter(|e| !e.pattern.is_literal()) {
                    let mut ed = EntryDrift {
                        entry: e.raw.clone(),
                        plane: plane.as_str(),
                        gained: Vec::new(),
                        lost: Vec::new(),
                    };
                    for id in model.index.resolve(&e.pattern, plane, mode).ones() {
                        let id = id as OpId;
                        let f = history.first_seen(plane, cat.name(id));
                        if f > since {
                            ed.gained.push(DriftOp {
                                name: cat.name(id).to_string(),
                                date: f.to_string(),
                                risks: risk_of(id),
                            });
                            if eff.granted.contains(id as usize)
                                && !gained_ids.contains(&(plane, id))
                            {
                                gained_ids.push((plane, id));
                            }
                        }
                    }
                    let prefix =
                        e.raw[..e.raw.find('*').unwrap_or(e.raw.len())].to_ascii_lowercase();
                    let from = removed.partition_point(|x| x.1.as_str() < prefix.as_str());
                    let run = removed[from..]
                        .iter()
                        .take_while(|x| x.1.starts_with(&prefix));
                    for (p, _, n, f, r) in run {
                        if *p == plane && *f <= since && *r > since && e.pattern.matches(n, mode) {
                            let risks = risk.keys(&risk.classify_name(model, n, plane));
                            ed.lost.push(DriftOp {
                                name: n.to_string(),
                                date: r.to_string(),
                                risks: risks.clone(),
                            });
                            let excluded = nots.iter().any(|x| x.pattern.matches(n, mode));
                            if !excluded
                                && !lost_names
                                    .iter()
                                    .any(|l| l.0 == plane && l.1.eq_ignore_ascii_case(n))
                            {
                                lost_names.push((plane, n.to_string(), r.to_string(), risks));
                            }
                        }
                    }
                    ed.gained.sort_by_key(|a| a.name.to_ascii_lowercase());
                    ed.lost.sort_by_key(|a| a.name.to_ascii_lowercase());
                    rd.entries.push(ed);
                }
            }
        }
        gained_ids.sort_by_key(|a| cat.name(a.1).to_ascii_lowercase());
        for (plane, id) in gained_ids {
            if high(id) {
                rd.high_risk_gained += 1;
            }
            rd.gained.list(plane).push(DriftOp {
                name: cat.name(id).to_string(),
                date: history.first_seen(plane, cat.name(id)).to_string(),
                risks: risk_of(id),
            });
        }
        lost_names.sort_by_key(|a| a.1.to_ascii_lowercase());
        for (plane, n, r, risks) in lost_names {
            rd.lost.list(plane).push(DriftOp {
                name: n,
                date: r,
                risks,
            });
        }
        out.push(rd);
    }
    DriftReport {
        schema_version: 1,
        history_source: history.source.clone(),
        roles: out,
    }
}
