//! The petgraph index over the catalog: a tree of providers, resource-type path segments
//! and operations, each node knowing the contiguous id ranges of the operations below it.
//! Patterns resolve through it to bitsets of operation ids without scanning the catalog
//! when they have a literal prefix.

use crate::model::catalog::{FastMap, sort_byte};
use crate::model::{Catalog, OpId, Pattern, Plane, WildcardMode};
use fixedbitset::FixedBitSet;
use petgraph::graph::{DiGraph, NodeIndex};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    Root,
    Provider,
    Segment,
    Operation(OpId),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    /// The segment as first spelled in the catalog; empty for the root and for operation
    /// nodes (an operation's name is `index.catalog().name(id)`).
    pub label: String,
    /// `[start, end)` of the operation ids below this node, per plane (control, data).
    pub ranges: [(OpId, OpId); 2],
}

/// The immutable index. Build once per process with [`Index::new`].
#[derive(Debug)]
pub struct Index {
    catalog: Catalog,
    graph: DiGraph<Node, ()>,
    root: NodeIndex,
    /// The provider or segment node of every path of the tree, keyed by the lower-cased path
    /// from the provider (`microsoft.keyvault/vaults`): a pattern's literal prefix finds its
    /// deepest node with one lookup and no allocation.
    paths: FastMap<Box<str>, NodeIndex>,
    /// Sort keys of every operation (lower-cased, `/` mapped to 0), in id order, concatenated;
    /// `key_ends[id]` is where the key of `id` ends.
    key_bytes: Vec<u8>,
    key_ends: Vec<usize>,
    /// Ids of the operations whose name has a `/` and whose last segment is the key
    /// (lower-cased), ascending.
    by_last: FastMap<Box<str>, Vec<OpId>>,
    op_nodes: Vec<NodeIndex>,
}

impl Index {
    pub fn new(catalog: Catalog) -> Index {
        // One leaf per operation plus the path nodes (about 1.7 per operation in Azure's catalog).
        let mut graph = DiGraph::with_capacity(catalog.len() * 3, catalog.len() * 3);
        let empty = [(OpId::MAX, 0), (OpId::MAX, 0)];
        let root = graph.add_node(Node {
            kind: NodeKind::Root,
            label: String::new(),
            ranges: empty,
        });
        let mut paths: FastMap<Box<str>, NodeIndex> = FastMap::default();
        let mut key_bytes = Vec::new();
        let mut key_ends = Vec::with_capacity(catalog.len());
        let mut by_last: FastMap<Box<str>, Vec<OpId>> = FastMap::default();
        let mut op_nodes = Vec::with_capacity(catalog.len());
        // (end of the path in the name, node) for each path of the previous name.
        let mut stack: Vec<(usize, NodeIndex)> = Vec::new();
        let mut prev: &str = "";
        for id in 0..catalog.len() as OpId {
            let plane = catalog.op(id).plane as usize;
            let lower = catalog.lower(id);
            key_bytes.extend(lower.bytes().map(sort_byte));
            key_ends.push(key_bytes.len());
            if let Some(i) = lower.rfind('/') {
                let last = &lower[i + 1..];
                match by_last.get_mut(last) {
                    Some(v) => v.push(id),
                    None => {
                        by_last.insert(last.into(), vec![id]);
                    }
                }
            }
            // Path nodes of this name: reuse those it shares with the previous name (ids are
            // in canonical order, so neighbours share most of their path), look up the rest.
            let spelled = catalog.name(id);
            let prev_bytes = prev.as_bytes();
            let common = lower
                .bytes()
                .zip(prev.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let boundary = |end: usize| end == lower.len() || lower.as_bytes()[end] == b'/';
            let keep = stack
                .iter()
                .take_while(|(end, _)| {
                    *end <= common
                        && boundary(*end)
                        && (*end == prev_bytes.len() || prev_bytes[*end] == b'/')
                })
                .count();
            stack.truncate(keep);
            // The kept paths may already cover the whole name; otherwise add its other segments.
            if stack.last().is_none_or(|(end, _)| *end < lower.len()) {
                let mut start = stack.last().map_or(0, |(end, _)| end + 1);
                loop {
                    let end = lower[start..].find('/').map_or(lower.len(), |i| start + i);
                    let path = &lower[..end];
                    let node = match paths.get(path) {
                        Some(n) => *n,
                        None => {
                            let parent = stack.last().map_or(root, |(_, n)| *n);
                            let n = graph.add_node(Node {
                                kind: if stack.is_empty() {
                                    NodeKind::Provider
                                } else {
                                    NodeKind::Segment
                                },
                                label: spelled.get(start..end).unwrap_or("").to_string(),
                                ranges: empty,
                            });
                            graph.add_edge(parent, n, ());
                            paths.insert(path.into(), n);
                            n
                        }
                    };
                    stack.push((end, node));
                    if end == lower.len() {
                        break;
                    }
                    start = end + 1;
                }
            }
            widen(&mut graph[root].ranges[plane], id);
            for (_, n) in &stack {
                widen(&mut graph[*n].ranges[plane], id);
            }
            let node = stack.last().map_or(root, |(_, n)| *n);
            prev = lower;
            let mut ranges = empty;
            widen(&mut ranges[plane], id);
            let leaf = graph.add_node(Node {
                kind: NodeKind::Operation(id),
                label: String::new(),
                ranges,
            });
            graph.add_edge(node, leaf, ());
            op_nodes.push(leaf);
        }
        Index {
            catalog,
            graph,
            root,
            paths,
            key_bytes,
            key_ends,
            by_last,
            op_nodes,
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn graph(&self) -> &DiGraph<Node, ()> {
        &self.graph
    }

    pub fn root(&self) -> NodeIndex {
        self.root
    }

    /// The graph node of an operation.
    pub fn op_node(&self, id: OpId) -> NodeIndex {
        self.op_nodes[id as usize]
    }

    /// The node of a lower-cased path from the provider (`microsoft.keyvault/vaults`).
    pub fn path_node(&self, path: &str) -> Option<NodeIndex> {
        self.paths.get(path).copied()
    }

    /// The child of `node` for a (lower-cased) segment.
    pub fn child(&self, node: NodeIndex, segment: &str) -> Option<NodeIndex> {
        self.graph.neighbors(node).find(|n| {
            let c = &self.graph[*n];
            c.kind != NodeKind::Root
                && !matches!(c.kind, NodeKind::Operation(_))
                && c.label.eq_ignore_ascii_case(segment)
        })
    }

    /// A bitset sized for this catalog.
    pub fn empty_set(&self) -> FixedBitSet {
        FixedBitSet::with_capacity(self.catalog.len())
    }

    fn key(&self, id: usize) -> &[u8] {
        let start = if id == 0 { 0 } else { self.key_ends[id - 1] };
        &self.key_bytes[start..self.key_ends[id]]
    }

    /// Ids `[start, end)` of the operations of `plane` whose name starts with `prefix`
    /// (lower-cased). The graph node of the prefix's directory part gives the range of its
    /// subtree; a binary search narrows it when the prefix ends inside a segment.
    pub fn prefix_range(&self, prefix: &str, plane: Plane) -> (OpId, OpId) {
        let (node, rest) = match prefix.rfind('/') {
            Some(i) => match self.paths.get(&prefix[..i]) {
                Some(n) => (*n, &prefix[i + 1..]),
                None => return (0, 0),
            },
            None => (self.root, prefix),
        };
        let (lo, hi) = self.graph[node].ranges[plane as usize];
        if lo >= hi {
            return (0, 0);
        }
        if rest.is_empty() {
            if node == self.root {
                return (lo, hi);
            }
            // Below the node of `dir` are `dir` itself (sorting first) and `dir/...`.
            let dir_len = prefix.len() - 1;
            let lo = if self.catalog.lower(lo).len() == dir_len {
                lo + 1
            } else {
                lo
            };
            return (lo, hi);
        }
        let key: Vec<u8> = prefix.bytes().map(sort_byte).collect();
        let start = self.partition(lo as usize, hi as usize, |k| k < &key[..]);
        let end = self.partition(start, hi as usize, |k| k.starts_with(&key));
        (start as OpId, end as OpId)
    }

    /// The first id in `[lo, hi)` whose sort key fails `pred` (which must hold for a prefix
    /// of the range and fail for the rest).
    fn partition(&self, mut lo: usize, mut hi: usize, pred: impl Fn(&[u8]) -> bool) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.key(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
    /// The ids of `bits` (a set over the whole catalog) that lie on one plane, ascending.
    pub fn plane_ids<'a>(
        &self,
        bits: &'a FixedBitSet,
        plane: Plane,
    ) -> impl Iterator<Item = OpId> + 'a {
        let (lo, hi) = self.catalog.plane_range(plane);
        bits.ones()
            .map(|i| i as OpId)
            .skip_while(move |i| *i < lo)
            .take_while(move |i| *i < hi)
    }

    /// How many ids of `bits` lie on one plane.
    pub fn plane_count(&self, bits: &FixedBitSet, plane: Plane) -> usize {
        let (lo, hi) = self.catalog.plane_range(plane);
        bits.count_ones(lo as usize..hi as usize)
    }

    /// Adds every catalog operation of `plane` that `pattern` matches to `out`; returns how
    /// many it matched. A literal pattern absent from the catalog matches nothing here (the
    /// caller records it as unknown).
    pub fn resolve_into(
        &self,
        pattern: &Pattern,
        plane: Plane,
        mode: WildcardMode,
        out: &mut FixedBitSet,
    ) -> usize {
        if pattern.is_literal() {
            return match self.catalog.find_lower(plane, pattern.lower()) {
                Some(id) => {
                    out.insert(id as usize);
                    1
                }
                None => 0,
            };
        }
        let (lo, hi) = self.prefix_range(pattern.prefix(), plane);
        if lo >= hi {
            return 0;
        }
        let suffix = pattern.suffix();
        if pattern.star_count() == 1 && suffix.is_empty() {
            out.insert_range(lo as usize..hi as usize);
            return (hi - lo) as usize;
        }
        let mut n = 0;
        match suffix.rfind('/') {
            Some(i) if i + 1 < suffix.len() => {
                // Only operations whose last segment is the suffix's last segment can match.
                let Some(ids) = self.by_last.get(&suffix[i + 1..]) else {
                    return 0;
                };
                let a = ids.partition_point(|x| *x < lo);
                let b = ids.partition_point(|x| *x < hi);
                // `prefix*/last`: every candidate starts with the prefix (range) and ends with
                // `/last` (by_last), so it matches when prefix and suffix fit side by side; a
                // shorter name (they would overlap) is left to the reference matcher.
                let fits = pattern.star_count() == 1 && i == 0;
                let need = pattern.prefix().len() + suffix.len();
                for id in &ids[a..b] {
                    let name = self.catalog.lower(*id);
                    if (fits && name.len() >= need) || pattern.matches(name, mode) {
                        out.insert(*id as usize);
                        n += 1;
                    }
                }
            }
            _ => {
                for id in lo..hi {
                    if pattern.matches(self.catalog.lower(id), mode) {
                        out.insert(id as usize);
                        n += 1;
                    }
                }
            }
        }
        n
    }

    /// The operations a pattern matches on one plane, as a new bitset.
    pub fn resolve(&self, pattern: &Pattern, plane: Plane, mode: WildcardMode) -> FixedBitSet {
        let mut set = self.empty_set();
        self.resolve_into(pattern, plane, mode, &mut set);
        set
    }

    /// The resource type of an operation for grouping: the name without its verb
    /// (`read`, `write`, `delete`, or `<name>/action`).
    pub fn resource_type(&self, id: OpId) -> &str {
        resource_type_of(self.catalog.name(id))
    }
}

/// The resource type of an operation name: everything before its verb; for `.../x/action`
/// the verb is `x/action`.
pub fn resource_type_of(name: &str) -> &str {
    let segs: Vec<&str> = name.split('/').collect();
    let drop = if segs.len() >= 3 && segs[segs.len() - 1].eq_ignore_ascii_case("action") {
        2
    } else {
        1
    };
    if segs.len() <= drop {
        return segs.first().copied().unwrap_or(name);
    }
    let keep: usize = segs[..segs.len() - drop]
        .iter()
        .map(|s| s.len() + 1)
        .sum::<usize>()
        - 1;
    &name[..keep]
}

fn widen(r: &mut (OpId, OpId), id: OpId) {
    if r.0 > id {
        r.0 = id;
    }
    if r.1 < id + 1 {
        r.1 = id + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Provenance, ProviderOps};

    fn index() -> Index {
        let ops = [
            ("Microsoft.KeyVault/vaults/read", false),
            ("Microsoft.KeyVault/vaults/write", false),
            ("Microsoft.KeyVault/vaults/secrets/read", false),
            ("Microsoft.KeyVault/vaults-x/read", false),
            ("Microsoft.KeyVault/vaults/secrets/getSecret/action", true),
            ("Microsoft.Compute/virtualMachines/read", false),
        ];
        Index::new(Catalog::build(
            vec![ProviderOps {
                name: "Microsoft.KeyVault".into(),
                operations: ops.iter().map(|(n, d)| (n.to_string(), *d, None)).collect(),
            }],
            Provenance::default(),
        ))
    }

    fn names(ix: &Index, p: &str, plane: Plane, mode: WildcardMode) -> Vec<String> {
        let set = ix.resolve(&Pattern::parse(p).unwrap(), plane, mode);
        set.ones()
            .map(|i| ix.catalog().name(i as OpId).to_string())
            .collect()
    }

    #[test]
    fn resolves_like_the_rules() {
        let ix = index();
        assert_eq!(
            names(
                &ix,
                "Microsoft.KeyVault/vaults/*/read",
                Plane::Control,
                WildcardMode::Azure
            ),
            vec![
                "Microsoft.KeyVault/vaults/read",
                "Microsoft.KeyVault/vaults/secrets/read"
            ]
        );
        assert_eq!(
            names(
                &ix,
                "Microsoft.KeyVault/vaults/*/read",
                Plane::Control,
                WildcardMode::Literal
            ),
            vec!["Microsoft.KeyVault/vaults/secrets/read"]
        );
        assert_eq!(
            names(
                &ix,
                "microsoft.keyvault/vaults*",
                Plane::Control,
                WildcardMode::Azure
            )
            .len(),
            4
        );
        assert_eq!(
            names(&ix, "*", Plane::Data, WildcardMode::Azure),
            vec!["Microsoft.KeyVault/vaults/secrets/getSecret/action"]
        );
        assert_eq!(
            names(&ix, "*/read", Plane::Control, WildcardMode::Azure).len(),
            4
        );
        assert!(names(&ix, "Microsoft.Nope/*", Plane::Control, WildcardMode::Azure).is_empty());
        assert_eq!(
            names(
                &ix,
                "MICROSOFT.KEYVAULT/VAULTS/READ",
                Plane::Control,
                WildcardMode::Azure
            )
            .len(),
            1
        );
        assert!(
            names(
                &ix,
                "Microsoft.KeyVault/vaults/secrets/getSecret/action",
                Plane::Control,
                WildcardMode::Azure
            )
            .is_empty()
        );
    }

    #[test]
    fn node_ranges_are_contiguous_subtrees() {
        let ix = index();
        let kv = ix.child(ix.root(), "microsoft.keyvault").unwrap();
        let vaults = ix.child(kv, "vaults").unwrap();
        let (lo, hi) = ix.graph()[vaults].ranges[0];
        let inside: Vec<&str> = (lo..hi).map(|i| ix.catalog().name(i)).collect();
        assert!(
            inside
                .iter()
                .all(|n| n.starts_with("Microsoft.KeyVault/vaults/")),
            "{inside:?}"
        );
        assert_eq!(inside.len(), 3);
    }

    #[test]
    fn resource_types() {
        assert_eq!(resource_type_of("Microsoft.A/x/y/read"), "Microsoft.A/x/y");
        assert_eq!(
            resource_type_of("Microsoft.A/x/listKeys/action"),
            "Microsoft.A/x"
        );
        assert_eq!(
            resource_type_of("Microsoft.A/register/action"),
            "Microsoft.A"
        );
        assert_eq!(resource_type_of("Microsoft.A/read"), "Microsoft.A");
    }
}
