//! Parsing and validating the taxonomy file (`data/risk.toml`), and classifying single names.

use super::Severity;
use super::index::RiskIndex;
use crate::error::{Error, Result};
use crate::graph::Index;
use crate::model::{Pattern, Plane, WildcardMode};
use serde::Deserialize;

/// The shipped taxonomy file.
pub const RISK_TOML: &str = include_str!("../../../data/risk.toml");

/// One risk category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Kebab-case identifier, e.g. `privilege-escalation`.
    pub key: String,
    /// Display name, e.g. "Privilege escalation".
    pub name: String,
    pub severity: Severity,
    /// One line saying why operations of this category are dangerous.
    pub reason: String,
}

/// One rule: operations of `planes` matched by any of `patterns` and none of `except`
/// belong to `category`.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Index into [`Taxonomy::categories`].
    pub category: usize,
    pub planes: Vec<Plane>,
    pub patterns: Vec<Pattern>,
    pub except: Vec<Pattern>,
    /// What the rule covers, in a few words.
    pub note: String,
}

impl Rule {
    /// Whether this rule puts `name` (on `plane`) into its category.
    pub fn matches(&self, name: &str, plane: Plane, mode: WildcardMode) -> bool {
        self.first_match(name, plane, mode).is_some()
    }

    /// The first pattern of this rule that matches `name`, unless an exception does.
    pub fn first_match(&self, name: &str, plane: Plane, mode: WildcardMode) -> Option<&Pattern> {
        if !self.planes.contains(&plane) {
            return None;
        }
        let hit = self.patterns.iter().find(|p| p.matches(name, mode))?;
        if self.except.iter().any(|p| p.matches(name, mode)) {
            return None;
        }
        Some(hit)
    }
}

/// Why a name is in a category: which rule and which of its patterns matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub category: usize,
    pub rule: usize,
    pub pattern: String,
}

/// The categories and rules.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    categories: Vec<Category>,
    rules: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(default)]
    category: Vec<CategoryFile>,
    #[serde(default)]
    rule: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFile {
    key: String,
    name: String,
    severity: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    category: String,
    plane: String,
    patterns: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default)]
    note: String,
}

impl Taxonomy {
    /// The shipped taxonomy.
    pub fn embedded() -> Result<Taxonomy> {
        Taxonomy::from_toml(RISK_TOML, "embedded risk taxonomy")
    }

    /// Parses and validates a taxonomy file.
    pub fn from_toml(text: &str, origin: &str) -> Result<Taxonomy> {
        let file: File = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            Error::Syntax {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        if file.schema_version != 1 {
            return Err(Error::shape(
                origin,
                "/schemaVersion",
                format!("unsupported schema version {}", file.schema_version),
            ));
        }
        let mut categories: Vec<Category> = Vec::with_capacity(file.category.len());
        for (i, c) in file.category.into_iter().enumerate() {
            let at = format!("/category/{i}");
            if !is_kebab(&c.key) {
                return Err(Error::shape(
                    origin,
                    &at,
                    format!("key `{}` is not kebab-case", c.key),
                ));
            }
            if categories.iter().any(|x| x.key == c.key) {
                return Err(Error::shape(
                    origin,
                    &at,
                    format!("category `{}` is defined twice", c.key),
                ));
            }
            let severity = Severity::parse(&c.severity).ok_or_else(|| {
                Error::shape(
                    origin,
                    &format!("{at}/severity"),
                    format!(
                        "unknown severity `{}` (use critical, high, medium or low)",
                        c.severity
                    ),
                )
            })?;
            if c.reason.trim().is_empty() || c.name.trim().is_empty() {
                return Err(Error::shape(
                    origin,
                    &at,
                    "a category needs a name and a reason",
                ));
            }
            categories.push(Category {
                key: c.key,
                name: c.name,
                severity,
                reason: c.reason,
            });
        }
        let mut rules = Vec::with_capacity(file.rule.len());
        for (i, r) in file.rule.into_iter().enumerate() {
            let at = format!("/rule/{i}");
            let category = categories
                .iter()
                .position(|c| c.key == r.category)
                .ok_or_else(|| {
                    let hint = crate::error::did_you_mean(
                        &r.category,
                        categories.iter().map(|c| c.key.as_str()),
                    )
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                    Error::shape(
                        origin,
                        &format!("{at}/category"),
                        format!("unknown category `{}`{hint}", r.category),
                    )
                })?;
            let planes = match r.plane.to_ascii_lowercase().as_str() {
                "both" => Plane::BOTH.to_vec(),
                other => match Plane::parse(other) {
                    Some(p) => vec![p],
                    None => {
                        return Err(Error::shape(
                            origin,
                            &format!("{at}/plane"),
                            format!("unknown plane `{}` (use control, data or both)", r.plane),
                        ));
                    }
                },
            };
            if r.patterns.is_empty() {
                return Err(Error::shape(
                    origin,
                    &format!("{at}/patterns"),
                    "a rule needs at least one pattern",
                ));
            }
            let parse_all = |list: &[String], key: &str| -> Result<Vec<Pattern>> {
                list.iter()
                    .enumerate()
                    .map(|(j, p)| {
                        Pattern::parse(p).map_err(|e| {
                            Error::shape(origin, &format!("{at}/{key}/{j}"), e.to_string())
                        })
                    })
                    .collect()
            };
            rules.push(Rule {
                category,
                planes,
                patterns: parse_all(&r.patterns, "patterns")?,
                except: parse_all(&r.except, "except")?,
                note: r.note,
            });
        }
        if categories.is_empty() {
            return Err(Error::shape(origin, "", "the taxonomy defines no category"));
        }
        Ok(Taxonomy { categories, rules })
    }

    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn category(&self, index: usize) -> &Category {
        &self.categories[index]
    }

    /// The index of a category by key.
    pub fn find(&self, key: &str) -> Option<usize> {
        self.categories
            .iter()
            .position(|c| c.key.eq_ignore_ascii_case(key))
    }

    /// Precomputes the categories of every catalog operation.
    pub fn classify(&self, index: &Index, mode: WildcardMode) -> RiskIndex {
        RiskIndex::build(self, index, mode)
    }

    /// Categories (indices, ascending) of one operation name on one plane, by testing every
    /// rule. Use it for names the catalog does not list (unknown literal grants); for catalog
    /// operations [`RiskIndex::categories`] gives the same answer without matching.
    pub fn classify_name(&self, name: &str, plane: Plane, mode: WildcardMode) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .rules
            .iter()
            .filter(|r| r.matches(name.trim(), plane, mode))
            .map(|r| r.category)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The highest severity among categories.
    pub fn max_severity_of(&self, categories: &[usize]) -> Option<Severity> {
        categories
            .iter()
            .map(|c| self.categories[*c].severity)
            .max()
    }

    /// Every rule that puts a name into a category, with the pattern that matched.
    pub fn explain_name(&self, name: &str, plane: Plane, mode: WildcardMode) -> Vec<RuleMatch> {
        self.rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.first_match(name.trim(), plane, mode).map(|p| RuleMatch {
                    category: r.category,
                    rule: i,
                    pattern: p.as_str().to_string(),
                })
            })
            .collect()
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, column)
}
