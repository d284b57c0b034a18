//! Access levels (`--level read|write|delete|action --resource PATTERN`): every operation of a
//! verb on a resource type and its children, like the CRUD levels of policy generators, on
//! Azure's verbs. Risky operations are set aside by the caller (see [`set_aside`]).

use super::Requirement;
use crate::graph::Index;
use crate::model::{OpId, Pattern, Plane, WildcardMode};
use fixedbitset::FixedBitSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Read,
    Write,
    Delete,
    Action,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Read => "read",
            Level::Write => "write",
            Level::Delete => "delete",
            Level::Action => "action",
        }
    }

    /// The level of an operation name: its last segment (`read`, `write`, `delete`, `action`).
    pub fn of(name: &str) -> Option<Level> {
        let last = name.rsplit('/').next()?;
        [Level::Read, Level::Write, Level::Delete, Level::Action]
            .into_iter()
            .find(|l| last.eq_ignore_ascii_case(l.as_str()))
    }
}

/// The operations one `--resource` selects, before levels apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMatch {
    /// As given, trimmed of surrounding whitespace and a trailing `/`.
    pub resource: String,
    /// Operations of the selected levels on it (both planes).
    pub selected: usize,
}

/// The resource pattern's subtree: `R/*` on both planes. A resource that is itself a
/// pattern (`Microsoft.X/*/child`) selects the subtrees of everything it matches.
pub fn subtree(index: &Index, mode: WildcardMode, resource: &str) -> Option<FixedBitSet> {
    let r = resource.trim().trim_end_matches('/');
    let pattern = Pattern::parse(&format!("{r}/*")).ok()?;
    let mut set = index.empty_set();
    for plane in Plane::BOTH {
        index.resolve_into(&pattern, plane, mode, &mut set);
    }
    Some(set)
}

/// Every catalog operation of the given levels below the given resources.
pub fn select(
    index: &Index,
    mode: WildcardMode,
    levels: &[Level],
    resources: &[String],
) -> (Requirement, Vec<ResourceMatch>) {
    let cat = index.catalog();
    let mut req = Requirement::new(index);
    let mut matches = Vec::new();
    for r in resources {
        let mut n = 0;
        if let Some(set) = subtree(index, mode, r) {
            for id in set.ones() {
                if Level::of(cat.name(id as OpId)).is_some_and(|l| levels.contains(&l)) {
                    req.ids.insert(id);
                    n += 1;
                }
            }
        }
        matches.push(ResourceMatch {
            resource: r.trim().trim_end_matches('/').to_string(),
            selected: n,
        });
    }
    (req, matches)
}

/// Operations set aside from a level selection because of a risk category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// Category key (e.g. `secret-exposure`).
    pub category: String,
    /// The flag that would keep them (`--include-secrets`, `--include-escalation`).
    pub flag: &'static str,
    /// Operation names, canonical order.
    pub operations: Vec<String>,
}

/// Removes from `req` the operations of each risky set; reports what was removed, per
/// category, in the order given.
pub fn set_aside(
    index: &Index,
    req: &mut Requirement,
    risky: &[(String, &'static str, FixedBitSet)],
) -> Vec<SetAside> {
    let cat = index.catalog();
    let mut out = Vec::new();
    for (category, flag, ids) in risky {
        let hit: Vec<usize> = ids.intersection(&req.ids).collect();
        if hit.is_empty() {
            continue;
        }
        for id in &hit {
            req.ids.set(*id, false);
        }
        out.push(SetAside {
            category: category.clone(),
            flag,
            operations: hit
                .iter()
                .map(|i| cat.name(*i as OpId).to_string())
                .collect(),
        });
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::{Catalog, Provenance, ProviderOps};

    fn index() -> Index {
        let ops = [
            ("Microsoft.A/x/read", false),
            ("Microsoft.A/x/write", false),
            ("Microsoft.A/x/listKeys/action", false),
            ("Microsoft.A/x/y/read", false),
            ("Microsoft.A/x/y/delete", false),
            ("Microsoft.A/xy/read", false),
            ("Microsoft.A/x/blobs/read", true),
        ];
        Index::new(Catalog::build(
            vec![ProviderOps {
                name: "Microsoft.A".into(),
                operations: ops.iter().map(|(n, d)| (n.to_string(), *d, None)).collect(),
            }],
            Provenance::default(),
        ))
    }

    #[test]
    fn verbs() {
        assert_eq!(Level::of("Microsoft.A/x/read"), Some(Level::Read));
        assert_eq!(
            Level::of("Microsoft.A/x/listKeys/action"),
            Some(Level::Action)
        );
        assert_eq!(Level::of("Microsoft.A/x/Delete"), Some(Level::Delete));
        assert_eq!(Level::of("Microsoft.A/x/other"), None);
    }

    #[test]
    fn read_level_takes_children_and_both_planes_but_not_siblings() {
        let ix = index();
        let (req, m) = select(
            &ix,
            WildcardMode::Azure,
            &[Level::Read],
            &["microsoft.a/x/".to_string()],
        );
        assert_eq!(
            req.names(&ix, Plane::Control),
            vec!["Microsoft.A/x/read", "Microsoft.A/x/y/read"]
        );
        assert_eq!(
            req.names(&ix, Plane::Data),
            vec!["Microsoft.A/x/blobs/read"]
        );
        assert_eq!(m[0].selected, 3);
        assert_eq!(m[0].resource, "microsoft.a/x");
    }

    #[test]
    fn risky_operations_are_set_aside() {
        let ix = index();
        let (mut req, _) = select(
            &ix,
            WildcardMode::Azure,
            &[Level::Action, Level::Write],
            &["Microsoft.A/x".to_string()],
        );
        let mut risky = ix.empty_set();
        risky.insert(
            ix.catalog()
                .find(Plane::Control, "Microsoft.A/x/listKeys/action")
                .unwrap() as usize,
        );
        let out = set_aside(
            &ix,
            &mut req,
            &[("secret-exposure".into(), "--include-secrets", risky)],
        );
        assert_eq!(out[0].operations, vec!["Microsoft.A/x/listKeys/action"]);
        assert_eq!(req.names(&ix, Plane::Control), vec!["Microsoft.A/x/write"]);
    }
}
