//! The petgraph index over the catalog: a tree of providers, resource-type path segments
//! and operations, each node knowing the contiguous id ranges of the operations below it.
//! Patterns resolve through it to bitsets of operation ids without scanning the catalog
//! when they have a literal prefix.

use crate::model::catalog::sort_byte;
use crate::model::{Catalog, OpId, Pattern, Plane, WildcardMode};
use fixedbitset::FixedBitSet;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;

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
    /// The segment as first spelled in the catalog (the full name for operation nodes).
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
    children: HashMap<(NodeIndex, Box<str>), NodeIndex>,
    /// Sort key of every operation (lower-cased, `/` mapped to 0), in id order.
    keys: Vec<Box<[u8]>>,
    /// Ids of the operations whose last segment is the key (lower-cased), ascending.
    by_last: HashMap<Box<str>, Vec<OpId>>,
    op_nodes: Vec<NodeIndex>,
}

impl Index {
    pub fn new(catalog: Catalog) -> Index {
        let mut graph = DiGraph::new();
        let empty = [(OpId::MAX, 0), (OpId::MAX, 0)];
        let root = graph.add_node(Node {
            kind: NodeKind::Root,
            label: String::new(),
            ranges: empty,
        });
        let mut children: HashMap<(NodeIndex, Box<str>), NodeIndex> = HashMap::new();
        let mut keys = Vec::with_capacity(catalog.len());
        let mut by_last: HashMap<Box<str>, Vec<OpId>> = HashMap::new();
        let mut op_nodes = Vec::with_capacity(catalog.len());
        for id in 0..catalog.len() as OpId {
            let plane = catalog.op(id).plane as usize;
            let lower = catalog.lower(id);
            keys.push(lower.bytes().map(sort_byte).collect::<Box<[u8]>>());
            let last = lower.rsplit('/').next().unwrap_or(lower);
            by_last.entry(last.into()).or_default().push(id);
            let mut node = root;
            widen(&mut graph[root].ranges[plane], id);
            for (depth, (seg, spelled)) in lower
                .split('/')
                .zip(catalog.name(id).split('/'))
                .enumerate()
            {
                let key = (node, Box::<str>::from(seg));
                node = match children.get(&key) {
                    Some(n) => *n,
                    None => {
                        let n = graph.add_node(Node {
                            kind: if depth == 0 {
                                NodeKind::Provider
                            } else {
                                NodeKind::Segment
                            },
                            label: spelled.to_string(),
                            ranges: empty,
                        });
                        graph.add_edge(node, n, ());
                        children.insert(key, n);
                        n
                    }
                };
                widen(&mut graph[node].ranges[plane], id);
            }
            let mut ranges = empty;
            widen(&mut ranges[plane], id);
            let leaf = graph.add_node(Node {
                kind: NodeKind::Operation(id),
                label: catalog.name(id).to_string(),
                ranges,
            });
            graph.add_edge(node, leaf, ());
            op_nodes.push(leaf);
        }
        Index {
            catalog,
            graph,
            root,
            children,
            keys,
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

    /// The child of `node` for a (lower-cased) segment.
    pub fn child(&self, node: NodeIndex, segment: &str) -> Option<NodeIndex> {
        self.children.get(&(node, Box::from(segment))).copied()
    }

    /// A bitset sized for this catalog.
    pub fn empty_set(&self) -> FixedBitSet {
        FixedBitSet::with_capacity(self.catalog.len())
    }

    /// Ids `[start, end)` of the operations of `plane` whose name starts with `prefix`
    /// (lower-cased): the graph walk finds the deepest node, a binary search narrows it.
    pub fn prefix_range(&self, prefix: &str, plane: Plane) -> (OpId, OpId) {
        let mut node = self.root;
        let mut segs: Vec<&str> = prefix.split('/').collect();
        segs.pop();
        for s in segs {
            match self.child(node, s) {
                Some(n) => node = n,
                None => return (0, 0),
            }
        }
        let (lo, hi) = self.graph[node].ranges[plane as usize];
        if lo >= hi {
            return (0, 0);
        }
        let key: Vec<u8> = prefix.bytes().map(sort_byte).collect();
        let slice = &self.keys[lo as usize..hi as usize];
        let start = slice.partition_point(|k| k[..] < key[..]);
        let len = slice[start..].partition_point(|k| k.starts_with(&key));
        (lo + start as OpId, lo + (start + len) as OpId)
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
        let last = suffix.rsplit('/').next().unwrap_or("");
        if suffix.contains('/') && !last.is_empty() {
            let Some(ids) = self.by_last.get(last) else {
                return 0;
            };
            let a = ids.partition_point(|i| *i < lo);
            let b = ids.partition_point(|i| *i < hi);
            for id in &ids[a..b] {
                if pattern.matches(self.catalog.lower(*id), mode) {
                    out.insert(*id as usize);
                    n += 1;
                }
            }
        } else {
            for id in lo..hi {
                if pattern.matches(self.catalog.lower(id), mode) {
                    out.insert(id as usize);
                    n += 1;
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
