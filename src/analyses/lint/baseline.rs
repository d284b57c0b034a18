//! Lint baselines: today's findings recorded so that later runs report only new ones. A
//! finding is matched by rule, file, role and entry (the pointer when it is about no entry),
//! never by line, so edits elsewhere in a file do not bring recorded findings back.

use super::Finding;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    pub file: String,
    pub role: String,
    /// The entry as written, or the finding's pointer when it is about no entry.
    pub entry: String,
}

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    pub findings: Vec<Entry>,
}

fn key(f: &Finding) -> Entry {
    Entry {
        code: f.code.to_string(),
        file: f.file.replace('\\', "/"),
        role: f.role.clone(),
        entry: f.entry.clone().unwrap_or_else(|| f.pointer.clone()),
    }
}

/// What is left of a baseline while findings are matched against it.
pub struct Counts(BTreeMap<Entry, usize>);

impl Counts {
    /// Matches a finding, using up one recorded occurrence.
    pub fn take(&mut self, f: &Finding) -> bool {
        match self.0.get_mut(&key(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

impl Baseline {
    /// Records findings (sorted, so the file is stable).
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut v: Vec<Entry> = findings.iter().map(key).collect();
        v.sort();
        Baseline {
            schema_version: 1,
            findings: v,
        }
    }

    pub fn counts(&self) -> Counts {
        let mut m = BTreeMap::new();
        for e in &self.findings {
            *m.entry(e.clone()).or_insert(0) += 1;
        }
        Counts(m)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Baseline> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| Error::json(origin, &e))?;
        if b.schema_version != 1 {
            return Err(Error::shape(
                origin,
                "/schemaVersion",
                format!(
                    "unsupported baseline version {} (this azrbac writes 1)",
                    b.schema_version
                ),
            ));
        }
        Ok(b)
    }
}
