//! The configuration file (`azrbac.toml`): `[lint]` rule selection and per-file ignores,
//! `[diff]` defaults, and `[[accept]]` grants a team has reviewed and accepted, each with its
//! reason. Parsed strictly: an unknown key is an error naming the key and the file, with the
//! closest known key. Finding and reading the file is the CLI's job.

use crate::error::{Error, Result, did_you_mean};
use crate::model::Pattern;
use toml::{Table, Value};

/// `[lint]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintConfig {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// (glob, rule selectors), in file order; globs are relative to the config file's folder.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
}

/// One `[[accept]]` table: operations (names or patterns) and assignable scopes a role may
/// have without lint warning about them or the diff gate failing on them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// A role name (ignoring case) or GUID.
    pub role: String,
    pub operations: Vec<Pattern>,
    /// Assignable scopes the role may widen to (compared ignoring case and a trailing `/`).
    pub scopes: Vec<String>,
    pub reason: String,
}

impl Accepted {
    /// Whether this acceptance is about the role with this name and GUID.
    pub fn is_for(&self, name: Option<&str>, guid: Option<&str>) -> bool {
        let r = self.role.trim();
        name.is_some_and(|n| n.trim().eq_ignore_ascii_case(r))
            || guid.is_some_and(|g| g.eq_ignore_ascii_case(r))
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file, as shown in messages.
    pub origin: String,
    pub lint: LintConfig,
    /// `[diff] fail-on`, checked against the known values by the CLI.
    pub fail_on: Option<String>,
    pub accept: Vec<Accepted>,
}

const TOP: [&str; 3] = ["lint", "diff", "accept"];
const LINT: [&str; 3] = ["select", "ignore", "per-file-ignores"];
const DIFF: [&str; 1] = ["fail-on"];
/// The values of `[diff] fail-on` (as `--fail-on` spells them).
pub const FAIL_ON: [&str; 4] = ["none", "added", "high-risk", "scope-widened"];
const ACCEPT: [&str; 4] = ["role", "operations", "scopes", "reason"];

fn err(origin: &str, message: String) -> Error {
    Error::Io {
        path: origin.to_string(),
        message,
    }
}

fn check_keys(origin: &str, t: &Table, allowed: &[&str], section: &str) -> Result<()> {
    for k in t.keys() {
        if !allowed.contains(&k.as_str()) {
            let hint = did_you_mean(k, allowed.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            let at = if section.is_empty() {
                String::new()
            } else {
                format!(" in {section}")
            };
            return Err(err(
                origin,
                format!(
                    "unknown key `{}`{at}{hint}; known keys: {}",
                    crate::text::escape(k),
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn table<'a>(origin: &str, v: &'a Value, what: &str) -> Result<&'a Table> {
    v.as_table()
        .ok_or_else(|| err(origin, format!("{what} must be a table")))
}

/// A string, or a list of strings.
fn strings(origin: &str, v: &Value, what: &str) -> Result<Vec<String>> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| err(origin, format!("{what} must be a list of strings")))
            })
            .collect(),
        _ => Err(err(origin, format!("{what} must be a list of strings"))),
    }
}

/// Parses and checks the text of a configuration file.
pub fn parse_config(text: &str, origin: &str) -> Result<Config> {
    let root: Table = text.parse::<Table>().map_err(|e| {
        let m = e.message().to_string();
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        err(origin, format!("not valid TOML: {at}{m}"))
    })?;
    check_keys(origin, &root, &TOP, "")?;
    let mut c = Config {
        origin: origin.to_string(),
        ..Config::default()
    };
    if let Some(v) = root.get("lint") {
        let t = table(origin, v, "[lint]")?;
        check_keys(origin, t, &LINT, "[lint]")?;
        if let Some(v) = t.get("select") {
            c.lint.select = strings(origin, v, "lint.select")?;
        }
        if let Some(v) = t.get("ignore") {
            c.lint.ignore = strings(origin, v, "lint.ignore")?;
        }
        if let Some(v) = t.get("per-file-ignores") {
            let pfi = table(origin, v, "lint.per-file-ignores")?;
            for (glob, codes) in pfi {
                glob::Pattern::new(glob).map_err(|e| {
                    err(
                        origin,
                        format!("lint.per-file-ignores: `{glob}` is not a glob: {e}"),
                    )
                })?;
                let codes = strings(origin, codes, &format!("lint.per-file-ignores.\"{glob}\""))?;
                c.lint.per_file_ignores.push((glob.clone(), codes));
            }
        }
    }
    if let Some(v) = root.get("diff") {
        let t = table(origin, v, "[diff]")?;
        check_keys(origin, t, &DIFF, "[diff]")?;
        if let Some(v) = t.get("fail-on") {
            let v = v
                .as_str()
                .ok_or_else(|| err(origin, "diff.fail-on must be a string".into()))?;
            if !FAIL_ON.contains(&v) {
                let hint = did_you_mean(v, FAIL_ON)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(err(
                    origin,
                    format!(
                        "diff.fail-on: unknown value `{}`{hint}; use {}",
                        crate::text::escape(v),
                        FAIL_ON.join(", ")
                    ),
                ));
            }
            c.fail_on = Some(v.to_string());
        }
    }
    if let Some(v) = root.get("accept") {
        let list = v.as_array().ok_or_else(|| {
            err(
                origin,
                "accept must be a list of tables ([[accept]])".to_string(),
            )
        })?;
        for (i, a) in list.iter().enumerate() {
            let what = format!("[[accept]] #{}", i + 1);
            let t = table(origin, a, &what)?;
            check_keys(origin, t, &ACCEPT, &what)?;
            let role = t
                .get("role")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| {
                    err(
                        origin,
                        format!("{what}: `role` (a role name or GUID) is required"),
                    )
                })?
                .to_string();
            let what = format!("{what} (role `{}`)", crate::text::escape(&role));
            let reason = t
                .get("reason")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    err(
                        origin,
                        format!("{what}: `reason` is required: say why the grant is accepted"),
                    )
                })?
                .to_string();
            let mut operations = Vec::new();
            if let Some(v) = t.get("operations") {
                for s in strings(origin, v, &format!("{what}: operations"))? {
                    operations.push(
                        Pattern::parse(&s)
                            .map_err(|e| err(origin, format!("{what}: operation `{s}`: {e}")))?,
                    );
                }
            }
            let scopes = match t.get("scopes") {
                Some(v) => strings(origin, v, &format!("{what}: scopes"))?,
                None => Vec::new(),
            };
            if operations.is_empty() && scopes.is_empty() {
                return Err(err(
                    origin,
                    format!("{what}: accepts nothing; list `operations` or `scopes`"),
                ));
            }
            c.accept.push(Accepted {
                role,
                operations,
                scopes,
                reason,
            });
        }
    }
    Ok(c)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_section() {
        let c = parse_config(
            r#"
[lint]
select = ["ALL"]
ignore = "AZR105"
per-file-ignores = { "legacy/*.json" = ["AZR109", "AZR110"] }

[diff]
fail-on = "high-risk"

[[accept]]
role = "ML Job Runner"
operations = ["Microsoft.MachineLearningServices/workspaces/jobs/*"]
reason = "submitting jobs is the role's purpose"
"#,
            "azrbac.toml",
        )
        .unwrap();
        assert_eq!(c.lint.ignore, vec!["AZR105"]);
        assert_eq!(c.lint.per_file_ignores[0].1.len(), 2);
        assert_eq!(c.fail_on.as_deref(), Some("high-risk"));
        assert!(c.accept[0].is_for(Some("ml job runner"), None));
    }

    #[test]
    fn unknown_keys_and_missing_reasons_are_errors_naming_the_file() {
        let e = parse_config("[lint]\nignor = []\n", "x/azrbac.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x/azrbac.toml: unknown key `ignor` in [lint] (did you mean `ignore`?); known keys: select, ignore, per-file-ignores"
        );
        let e = parse_config(
            "[[accept]]\nrole = \"R\"\noperations = [\"a/b/read\"]\n",
            "azrbac.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("`reason` is required"), "{e}");
        let e = parse_config("[lint\n", "azrbac.toml").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("azrbac.toml: not valid TOML: line 1"),
            "{e}"
        );
    }
}
