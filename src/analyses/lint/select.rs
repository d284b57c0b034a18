//! Which rules run: `--select` and `--ignore` lists of codes (`AZR001`), code prefixes
//! (`AZR1`), rule names (`unknown-operation`) or `ALL`, comma-separated or repeated.

use super::rules::{RULES, Rule};
use crate::error::{Error, Result, did_you_mean};

/// The set of enabled rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    enabled: Vec<&'static str>,
}

impl Default for Selection {
    fn default() -> Selection {
        Selection::all()
    }
}

impl Selection {
    pub fn all() -> Selection {
        Selection {
            enabled: RULES.iter().map(|r| r.code).collect(),
        }
    }

    /// Every rule matched by `select` (all rules when it is empty) and by no `ignore` item.
    pub fn parse(select: &[String], ignore: &[String]) -> Result<Selection> {
        let sel = selectors(select, "--select")?;
        let ign = selectors(ignore, "--ignore")?;
        let enabled = RULES
            .iter()
            .filter(|r| sel.is_empty() || sel.iter().any(|s| matches(s, r)))
            .filter(|r| !ign.iter().any(|s| matches(s, r)))
            .map(|r| r.code)
            .collect();
        Ok(Selection { enabled })
    }

    pub fn enabled(&self, rule: &Rule) -> bool {
        self.enabled.contains(&rule.code)
    }

    pub fn codes(&self) -> &[&'static str] {
        &self.enabled
    }
}

fn selectors(items: &[String], flag: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for item in items {
        for s in item.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !RULES.iter().any(|r| matches(s, r)) {
                let names = RULES.iter().flat_map(|r| [r.code, r.name]);
                let hint = did_you_mean(s, names)
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                return Err(Error::usage(format!(
                    "lint: {flag} `{s}` names no rule{hint}; `azrbac rule` lists them"
                )));
            }
            out.push(s.to_string());
        }
    }
    Ok(out)
}

/// Whether a selector names a rule: `ALL`, its code or a prefix of it, or its name.
fn matches(selector: &str, rule: &Rule) -> bool {
    selector_matches(selector, rule.code, rule.name)
}

/// [`matches`] on a rule's code and name.
pub fn selector_matches(selector: &str, code: &str, name: &str) -> bool {
    let s = selector.trim().to_ascii_uppercase();
    s == "ALL"
        || (s.len() >= 3 && code.starts_with(&s))
        || selector.trim().eq_ignore_ascii_case(name)
}

/// Checks rule selectors (codes, prefixes, names, `ALL`) named in `what`.
pub fn check_selectors(items: &[String], what: &str) -> Result<()> {
    selectors(items, what).map(|_| ())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn select_and_ignore() {
        let all = Selection::parse(&[], &[]).unwrap();
        assert_eq!(all.codes().len(), RULES.len());
        let one = Selection::parse(&v(&["AZR001"]), &[]).unwrap();
        assert_eq!(one.codes(), ["AZR001"]);
        let warnings = Selection::parse(&v(&["azr1"]), &v(&["duplicate-entry,AZR104"])).unwrap();
        assert!(warnings.codes().iter().all(|c| c.starts_with("AZR1")));
        assert!(!warnings.codes().contains(&"AZR103") && !warnings.codes().contains(&"AZR104"));
        assert!(warnings.codes().contains(&"AZR101"));
        let e = Selection::parse(&v(&["AZR999"]), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("names no rule"), "{e}");
        let e = Selection::parse(&[], &v(&["unknown-operaton"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `unknown-operation`"), "{e}");
    }
}
