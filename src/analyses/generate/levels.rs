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

/// One `--level` with one of its resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelPair {
    pub levels: Vec<Level>,
    pub resource: String,
}

/// Parses the levels of `LEVELS` (comma-separated), for clap: the value is kept as written.
pub fn parse_level_arg(raw: &str) -> Result<String, String> {
    split_level(raw).map(|_| raw.to_string())
}

/// `read,write` or `read,write:RESOURCE` as its levels and inline resource.
pub fn split_level(raw: &str) -> Result<(Vec<Level>, Option<String>), String> {
    let (lv, res) = match raw.split_once(':') {
        Some((l, r)) => (l, Some(r.trim().to_string())),
        None => (raw, None),
    };
    let mut levels = Vec::new();
    for part in lv.split(',') {
        let p = part.trim();
        let l = [Level::Read, Level::Write, Level::Delete, Level::Action]
            .into_iter()
            .find(|l| p.eq_ignore_ascii_case(l.as_str()))
            .ok_or_else(|| {
                format!("`{p}` is not a level (read, write, delete, action; comma-separated, optionally `:RESOURCE`)")
            })?;
        if !levels.contains(&l) {
            levels.push(l);
        }
    }
    if res.as_deref().is_some_and(str::is_empty) {
        return Err(format!("`{raw}`: the resource after `:` is empty"));
    }
    Ok((levels, res))
}

/// Pairs each `--level` with the `--resource` values that follow it (up to the next
/// `--level`), or with its own `LEVEL:RESOURCE`; arguments are (position on the command line,
/// value). A resource before any level, a level followed by another level before any
/// resource, a resource after a `LEVEL:RESOURCE` and a level with no resource are ambiguous:
/// each is an error.
pub fn pair_levels(
    levels: &[(usize, String)],
    resources: &[(usize, String)],
) -> Result<Vec<LevelPair>, String> {
    enum Item<'a> {
        Level(&'a str),
        Resource(&'a str),
    }
    let mut items: Vec<(usize, Item)> = levels
        .iter()
        .map(|(i, v)| (*i, Item::Level(v.as_str())))
        .chain(
            resources
                .iter()
                .map(|(i, v)| (*i, Item::Resource(v.as_str()))),
        )
        .collect();
    items.sort_by_key(|(i, _)| *i);
    let mut out = Vec::new();
    // The open level (as written, its levels, whether a resource followed it yet).
    let mut open: Option<(&str, Vec<Level>, bool)> = None;
    let mut inline: Option<&str> = None;
    for (_, item) in items {
        match item {
            Item::Level(raw) => {
                if let Some((prev, _, false)) = &open {
                    return Err(format!(
                        "--level {prev} is followed by --level {raw} before any --resource; give both on one resource as --level {prev},{raw}, or a --resource after each"
                    ));
                }
                let (lv, res) = split_level(raw)?;
                match res {
                    Some(r) => {
                        out.push(LevelPair {
                            levels: lv,
                            resource: r,
                        });
                        open = None;
                        inline = Some(raw);
                    }
                    None => {
                        open = Some((raw, lv, false));
                        inline = None;
                    }
                }
            }
            Item::Resource(r) => match &mut open {
                Some((_, lv, seen)) => {
                    *seen = true;
                    out.push(LevelPair {
                        levels: lv.clone(),
                        resource: r.to_string(),
                    });
                }
                None => {
                    return Err(match inline {
                        Some(l) => format!(
                            "--resource {r} follows --level {l}, which names its own resource; put a --level before --resource {r}"
                        ),
                        None => format!(
                            "--resource {r} comes before any --level; put the level it takes before it (--level LEVEL --resource {r}, or --level LEVEL:{r})"
                        ),
                    });
                }
            },
        }
    }
    if let Some((raw, _, false)) = open {
        return Err(format!(
            "--level {raw} has no --resource after it (or write --level {raw}:RESOURCE)"
        ));
    }
    Ok(out)
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

/// Every catalog operation of each pair's levels below that pair's resource (levels never
/// carry over to another pair's resource), plus the reads of the resource's parent types
/// (`Microsoft.X/workspaces/read` for `Microsoft.X/workspaces/children`), which the clients
/// read before they act on a child: those are listed in [`Selection::parent_reads`].
pub fn select(index: &Index, mode: WildcardMode, pairs: &[LevelPair]) -> Selection {
    let cat = index.catalog();
    let mut req = Requirement::new(index);
    let mut matches = Vec::new();
    let mut parent_reads: Vec<String> = Vec::new();
    for pair in pairs {
        let r = &pair.resource;
        let mut n = 0;
        if let Some(set) = subtree(index, mode, r) {
            for id in set.ones() {
                if Level::of(cat.name(id as OpId)).is_some_and(|l| pair.levels.contains(&l)) {
                    req.ids.insert(id);
                    n += 1;
                }
            }
        }
        let resource = r.trim().trim_end_matches('/').to_string();
        if n > 0 && !resource.contains('*') {
            // Parents: every prefix below `Provider/type`, shortest first.
            let segs: Vec<&str> = resource.split('/').collect();
            for k in 2..segs.len() {
                let parent = segs[..k].join("/");
                let Ok(p) = Pattern::parse(&format!("{parent}/read")) else {
                    continue;
                };
                for id in index.resolve(&p, Plane::Control, mode).ones() {
                    if !req.ids.contains(id) {
                        req.ids.insert(id);
                        parent_reads.push(cat.name(id as OpId).to_string());
                    }
                }
            }
        }
        matches.push(ResourceMatch {
            resource,
            selected: n,
        });
    }
    Selection {
        req,
        matches,
        parent_reads,
    }
}

/// What the levels selected.
#[derive(Debug, Clone)]
pub struct Selection {
    pub req: Requirement,
    pub matches: Vec<ResourceMatch>,
    /// Parent reads added beyond the levels asked for, in the order added.
    pub parent_reads: Vec<String>,
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
        let sel = select(
            &ix,
            WildcardMode::Azure,
            &[LevelPair {
                levels: vec![Level::Read],
                resource: "microsoft.a/x/".to_string(),
            }],
        );
        let (req, m) = (sel.req, sel.matches);
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
        let mut req = select(
            &ix,
            WildcardMode::Azure,
            &[LevelPair {
                levels: vec![Level::Action, Level::Write],
                resource: "Microsoft.A/x".to_string(),
            }],
        )
        .req;
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

    #[test]
    fn levels_stay_with_their_resource_and_parents_are_read() {
        let ix = index();
        let pairs = pair_levels(
            &[(1, "read".into()), (5, "delete".into())],
            &[(3, "Microsoft.A/x".into()), (7, "Microsoft.A/x/y".into())],
        )
        .unwrap();
        let sel = select(&ix, WildcardMode::Azure, &pairs);
        // No write or delete on x itself, no read-only level widened to y's delete.
        assert_eq!(
            sel.req.names(&ix, Plane::Control),
            vec![
                "Microsoft.A/x/read",
                "Microsoft.A/x/y/delete",
                "Microsoft.A/x/y/read"
            ]
        );
        let sel = select(&ix, WildcardMode::Azure, &pairs[1..]);
        assert_eq!(sel.parent_reads, vec!["Microsoft.A/x/read"]);
        assert_eq!(
            sel.req.names(&ix, Plane::Control),
            vec!["Microsoft.A/x/read", "Microsoft.A/x/y/delete"]
        );
    }

    #[test]
    fn ambiguous_level_combinations_are_errors() {
        let l = |v: &[(usize, &str)]| -> Vec<(usize, String)> {
            v.iter().map(|(i, s)| (*i, s.to_string())).collect()
        };
        // Resource before any level.
        assert!(pair_levels(&l(&[(3, "read")]), &l(&[(1, "Microsoft.A/x")])).is_err());
        // Two levels in a row.
        let e = pair_levels(
            &l(&[(1, "read"), (3, "write")]),
            &l(&[(5, "Microsoft.A/x")]),
        )
        .unwrap_err();
        assert!(e.contains("--level read,write"), "{e}");
        // Level with nothing after it.
        assert!(pair_levels(&l(&[(1, "read")]), &[]).is_err());
        // Resource after an inline pair.
        assert!(
            pair_levels(
                &l(&[(1, "read:Microsoft.A/x")]),
                &l(&[(3, "Microsoft.A/y")])
            )
            .is_err()
        );
        // Inline pairs and one level for several resources are fine.
        let p = pair_levels(
            &l(&[(1, "read:Microsoft.A/x"), (3, "write,delete")]),
            &l(&[(5, "Microsoft.A/y"), (6, "Microsoft.A/z")]),
        )
        .unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].levels, vec![Level::Read]);
        assert_eq!(p[2].levels, vec![Level::Write, Level::Delete]);
        assert_eq!(p[2].resource, "Microsoft.A/z");
        assert!(split_level("raed").is_err());
        assert!(split_level("read:").is_err());
    }
}
