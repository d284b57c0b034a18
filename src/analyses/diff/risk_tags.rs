//! Risk tags for the diff from the risk taxonomy. [`RiskTagger`] reads the precomputed
//! [`RiskIndex`] (every catalog operation classified); [`RuleTagger`] classifies only the
//! operations a diff reports, testing just the rules whose patterns can match each name
//! (bucketed by last path segment), which is what a one-off `azrbac diff` process needs.

use super::{CategoryInfo, Tagger, Tags};
use crate::analyses::risk::{RiskIndex, Severity, Taxonomy};
use crate::model::{OpId, Plane, WildcardMode};
use std::collections::HashMap;

/// Tags operations with the taxonomy's categories.
pub struct RiskTagger<'a> {
    pub taxonomy: &'a Taxonomy,
    pub risk: &'a RiskIndex,
    pub mode: WildcardMode,
}

impl Tagger for RiskTagger<'_> {
    fn tag(&self, plane: Plane, id: Option<OpId>, name: &str) -> Tags {
        let categories = match id {
            Some(id) => self.risk.categories(id).to_vec(),
            None => self.taxonomy.classify_name(name, plane, self.mode),
        };
        Tags {
            high: self
                .taxonomy
                .max_severity_of(&categories)
                .is_some_and(Severity::is_high_risk),
            categories,
        }
    }
}

/// Classifies names on demand with the taxonomy's rules; same answers as
/// [`Taxonomy::classify_name`] (and as [`RiskIndex`] for catalog operations). Candidate
/// patterns are found through a trie of their literal tails (read backwards), so a name is
/// matched only against patterns whose fixed ending it has.
pub struct RuleTagger<'a> {
    taxonomy: &'a Taxonomy,
    mode: WildcardMode,
    tails: TailTrie,
    /// Patterns ending in `*`, by the provider namespace their prefix fixes.
    by_first: HashMap<String, Vec<(usize, usize)>>,
    /// Patterns ending in `*` that fix nothing (`*`, `Microsoft.*`).
    any: Vec<(usize, usize)>,
    /// Per rule and pattern: the literal pieces between its stars (slashes trimmed), which
    /// every matching name contains.
    middles: Vec<Vec<Vec<String>>>,
}

/// A trie over reversed pattern tails; each node lists the (rule, pattern) pairs whose tail
/// ends there.
#[derive(Default)]
struct TailTrie {
    nodes: Vec<TrieNode>,
}

/// Children by byte, and the (rule, pattern) pairs whose tail ends at this node.
type TrieNode = (Vec<(u8, usize)>, Vec<(usize, usize)>);

impl TailTrie {
    fn insert(&mut self, tail: &str, item: (usize, usize)) {
        if self.nodes.is_empty() {
            self.nodes.push(Default::default());
        }
        let mut node = 0;
        for b in tail.bytes().rev() {
            node = match self.nodes[node].0.iter().find(|(c, _)| *c == b) {
                Some((_, n)) => *n,
                None => {
                    let n = self.nodes.len();
                    self.nodes.push(Default::default());
                    self.nodes[node].0.push((b, n));
                    n
                }
            };
        }
        self.nodes[node].1.push(item);
    }

    /// Every item whose tail is a suffix of `name`.
    fn suffixes_of<'t>(&'t self, name: &'t str) -> impl Iterator<Item = &'t (usize, usize)> + 't {
        let mut node = if self.nodes.is_empty() { None } else { Some(0) };
        let mut bytes = name.bytes().rev();
        std::iter::from_fn(move || {
            let n = node?;
            node = bytes.next().and_then(|b| {
                self.nodes[n]
                    .0
                    .iter()
                    .find(|(c, _)| *c == b)
                    .map(|(_, m)| *m)
            });
            Some(self.nodes[n].1.iter())
        })
        .flatten()
    }
}

impl<'a> RuleTagger<'a> {
    pub fn new(taxonomy: &'a Taxonomy, mode: WildcardMode) -> RuleTagger<'a> {
        let mut tails = TailTrie::default();
        let mut by_first: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut any = Vec::new();
        for (r, rule) in taxonomy.rules().iter().enumerate() {
            for (i, p) in rule.patterns.iter().enumerate() {
                let tail = if p.is_literal() {
                    p.lower()
                } else {
                    p.suffix()
                };
                if !tail.is_empty() {
                    tails.insert(tail, (r, i));
                } else if let Some((first, _)) = p.prefix().split_once('/') {
                    by_first.entry(first.to_string()).or_default().push((r, i));
                } else {
                    any.push((r, i));
                }
            }
        }
        let middles = taxonomy
            .rules()
            .iter()
            .map(|rule| {
                rule.patterns
                    .iter()
                    .map(|p| {
                        let parts: Vec<&str> = p.lower().split('*').collect();
                        let inner = parts.len().saturating_sub(1);
                        parts
                            .iter()
                            .take(inner)
                            .skip(1)
                            .map(|m| m.trim_matches('/').to_string())
                            .filter(|m| !m.is_empty())
                            .collect()
                    })
                    .collect()
            })
            .collect();
        RuleTagger {
            taxonomy,
            mode,
            tails,
            by_first,
            any,
            middles,
        }
    }

    /// Category indices (ascending) of a name on a plane.
    pub fn categories(&self, plane: Plane, name: &str) -> Vec<usize> {
        let lower = name.trim().to_ascii_lowercase();
        let first = lower.split('/').next().unwrap_or("");
        let rules = self.taxonomy.rules();
        let mut out: Vec<usize> = Vec::new();
        let candidates = self
            .tails
            .suffixes_of(&lower)
            .chain(self.by_first.get(first).into_iter().flatten())
            .chain(&self.any);
        for &(r, i) in candidates {
            let rule = &rules[r];
            if out.contains(&rule.category) || !rule.planes.contains(&plane) {
                continue;
            }
            let p = &rule.patterns[i];
            if !lower.starts_with(p.prefix())
                || !self.middles[r][i]
                    .iter()
                    .all(|m| lower.contains(m.as_str()))
            {
                continue;
            }
            if p.matches(&lower, self.mode)
                && !rule.except.iter().any(|e| e.matches(&lower, self.mode))
            {
                out.push(rule.category);
            }
        }
        out.sort_unstable();
        out
    }
}

impl Tagger for RuleTagger<'_> {
    fn tag(&self, plane: Plane, _id: Option<OpId>, name: &str) -> Tags {
        let categories = self.categories(plane, name);
        Tags {
            high: self
                .taxonomy
                .max_severity_of(&categories)
                .is_some_and(Severity::is_high_risk),
            categories,
        }
    }
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Low => 0,
        Severity::Medium => 1,
        Severity::High => 2,
        Severity::Critical => 3,
    }
}

/// The categories as the report shows them, indexed like [`Tags::categories`].
pub fn category_infos(taxonomy: &Taxonomy) -> Vec<CategoryInfo> {
    taxonomy
        .categories()
        .iter()
        .map(|c| CategoryInfo {
            key: c.key.clone(),
            name: c.name.clone(),
            severity: c.severity.as_str().to_string(),
            rank: rank(c.severity),
            reason: c.reason.clone(),
            high: c.severity.is_high_risk(),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::data::Model;

    #[test]
    fn tags_catalog_operations_and_unknown_literals() {
        let m = Model::embedded().unwrap();
        let t = Taxonomy::embedded().unwrap();
        let risk = t.classify(&m.index, m.mode);
        let tagger = RiskTagger {
            taxonomy: &t,
            risk: &risk,
            mode: m.mode,
        };
        let infos = category_infos(&t);
        let id = m
            .index
            .catalog()
            .find(
                Plane::Control,
                "Microsoft.Authorization/roleAssignments/write",
            )
            .unwrap();
        let tags = tagger.tag(
            Plane::Control,
            Some(id),
            "Microsoft.Authorization/roleAssignments/write",
        );
        assert!(tags.high);
        assert!(
            tags.categories
                .iter()
                .any(|c| infos[*c].key == "privilege-escalation"),
            "{tags:?}"
        );
        // A literal the catalog lacks is classified by name.
        let unknown = tagger.tag(
            Plane::Control,
            None,
            "Microsoft.Contoso/widgets/listKeys/action",
        );
        assert!(
            unknown
                .categories
                .iter()
                .any(|c| infos[*c].key == "secret-exposure"),
            "{unknown:?}"
        );
        let read = m
            .index
            .catalog()
            .find(Plane::Control, "Microsoft.Compute/virtualMachines/read")
            .unwrap();
        assert!(
            !tagger
                .tag(
                    Plane::Control,
                    Some(read),
                    "Microsoft.Compute/virtualMachines/read"
                )
                .high
        );
    }

    #[test]
    fn the_rule_tagger_agrees_with_the_risk_index_on_every_catalog_operation() {
        let m = Model::embedded().unwrap();
        let t = Taxonomy::embedded().unwrap();
        for mode in [WildcardMode::Azure, WildcardMode::Literal] {
            let risk = t.classify(&m.index, mode);
            let fast = RuleTagger::new(&t, mode);
            let cat = m.index.catalog();
            let mut tagged = 0;
            for id in 0..cat.len() as OpId {
                let plane = cat.op(id).plane;
                let got = fast.categories(plane, cat.name(id));
                assert_eq!(got, risk.categories(id), "{} ({mode:?})", cat.name(id));
                tagged += usize::from(!got.is_empty());
            }
            assert!(tagged > 1000, "{tagged}");
        }
        // Unknown literals: the same answer as matching every rule.
        let fast = RuleTagger::new(&t, WildcardMode::Azure);
        for name in [
            "Microsoft.Contoso/widgets/listKeys/action",
            "Microsoft.Contoso/widgets/delete",
            "Microsoft.Contoso/x/read",
            "Contoso/Token/action",
        ] {
            for plane in Plane::BOTH {
                assert_eq!(
                    fast.categories(plane, name),
                    t.classify_name(name, plane, WildcardMode::Azure),
                    "{name}"
                );
            }
        }
    }
}
