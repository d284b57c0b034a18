//! Property tests of the graph index: on random small catalogs and random patterns,
//! `Index::resolve_into` gives exactly what a naive scan with `Pattern::matches` gives, in both
//! wildcard modes and on both planes. Also the random catalog and pattern generators that the
//! effective-layer property tests reuse.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::Index;
use crate::model::{Catalog, OpId, Pattern, Plane, Provenance, ProviderOps, WildcardMode};
use fixedbitset::FixedBitSet;
use proptest::prelude::*;

/// Provider namespaces with prefix traps (`Microsoft.A` / `Microsoft.AB` / `Microsoft.A-B`)
/// and one that differs only in case.
const PROVIDERS: &[&str] = &[
    "Microsoft.A",
    "Microsoft.AB",
    "Microsoft.A-B",
    "Microsoft.A.B",
    "microsoft.a",
    "Ab.C",
];
/// Segments with prefix and ordering traps (`-` and `.` sort before letters, `/` before all),
/// common verbs, and the empty segment (rare).
const SEGMENTS: &[&str] = &[
    "a", "ab", "a-b", "a.b", "b", "vaults", "vaults-x", "vaults.x", "vault", "read", "write",
    "delete", "action", "x", "",
];
pub(crate) const MODES: [WildcardMode; 2] = [WildcardMode::Azure, WildcardMode::Literal];

/// One generated operation: provider, segments, data plane?, also listed on the other plane?,
/// case flips.
#[derive(Debug, Clone)]
pub(crate) struct OpSpec {
    provider: usize,
    segments: Vec<usize>,
    data: bool,
    both: bool,
    flips: Vec<bool>,
}

fn arb_op() -> impl Strategy<Value = OpSpec> {
    (
        0..PROVIDERS.len(),
        prop::collection::vec(
            prop_oneof![12 => 0..SEGMENTS.len() - 1, 1 => Just(SEGMENTS.len() - 1)],
            0..4,
        ),
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::collection::vec(prop::bool::weighted(0.2), 1..7),
    )
        .prop_map(|(provider, segments, data, both, flips)| OpSpec {
            provider,
            segments,
            data,
            both,
            flips,
        })
}

pub(crate) fn random_case(s: &str, flips: &[bool]) -> String {
    s.chars()
        .zip(flips.iter().cycle())
        .map(|(c, f)| if *f { c.to_ascii_uppercase() } else { c })
        .collect()
}

impl OpSpec {
    pub(crate) fn name(&self) -> String {
        let mut n = PROVIDERS[self.provider].to_string();
        for s in &self.segments {
            n.push('/');
            n.push_str(SEGMENTS[*s]);
        }
        random_case(&n, &self.flips)
    }
}

/// Random small catalogs (up to ~40 operations, both planes, some names on both planes,
/// duplicates differing in case).
pub(crate) fn arb_catalog() -> impl Strategy<Value = Vec<OpSpec>> {
    prop::collection::vec(arb_op(), 0..40)
}

pub(crate) fn build_catalog(specs: &[OpSpec]) -> Catalog {
    let providers = specs
        .iter()
        .map(|s| {
            let name = s.name();
            let mut operations = vec![(name.clone(), s.data, None)];
            if s.both {
                operations.push((name.clone(), !s.data, None));
            }
            ProviderOps {
                name: name.split('/').next().unwrap_or("").to_string(),
                operations,
            }
        })
        .collect();
    Catalog::build(providers, Provenance::default())
}

/// How to make one pattern; turned into text against a concrete catalog by [`PatSpec::text`].
#[derive(Debug, Clone)]
pub(crate) enum PatSpec {
    /// A catalog-style name (an op spec, possibly not in the catalog) with `*` edits:
    /// each (start, len) replaces that many chars at a relative position with `*`.
    FromName {
        op: OpSpec,
        edits: Vec<(usize, usize)>,
        flips: Vec<bool>,
        ws: (usize, usize),
    },
    /// A random sequence of segments, slashes and stars.
    Tokens {
        tokens: Vec<usize>,
        flips: Vec<bool>,
        ws: (usize, usize),
    },
    /// A name of the catalog itself with a star put at one of its slashes (`X/Y` →
    /// `X/*/Y`, `X/*Y` or `X*/Y`), then edited like `FromName`: probes the `/*/` rule and
    /// the prefix/suffix overlap against names that exist.
    FromCatalog {
        pick: prop::sample::Index,
        slash: prop::sample::Index,
        insert: usize,
        edits: Vec<(usize, usize)>,
        flips: Vec<bool>,
        ws: (usize, usize),
    },
}

fn arb_edits() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec(
        (
            0usize..64,
            prop_oneof![3 => Just(0usize), 3 => 1usize..4, 1 => 4usize..12],
        ),
        0..4,
    )
}

pub(crate) fn arb_pattern() -> impl Strategy<Value = PatSpec> {
    let ws = (0usize..3, 0usize..3);
    prop_oneof![
        3 => (arb_op(), arb_edits(), prop::collection::vec(prop::bool::weighted(0.3), 1..7), ws.clone())
            .prop_map(|(op, edits, flips, ws)| PatSpec::FromName { op, edits, flips, ws }),
        1 => (prop::collection::vec(0usize..(SEGMENTS.len() + PROVIDERS.len() + 4), 1..8),
              prop::collection::vec(prop::bool::weighted(0.3), 1..7), ws.clone())
            .prop_map(|(tokens, flips, ws)| PatSpec::Tokens { tokens, flips, ws }),
        3 => (any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0usize..4,
              prop::collection::vec((0usize..64, prop_oneof![3 => Just(0usize), 1 => 1usize..4]), 0..2),
              prop::collection::vec(prop::bool::weighted(0.3), 1..7), ws)
            .prop_map(|(pick, slash, insert, edits, flips, ws)| PatSpec::FromCatalog { pick, slash, insert, edits, flips, ws }),
    ]
}

const WS: [&str; 3] = ["", " ", "\t "];

fn star_edits(name: &str, edits: &[(usize, usize)]) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    for (start, len) in edits {
        let at = start % (chars.len() + 1);
        let end = (at + len).min(chars.len());
        chars.splice(at..end, ['*']);
    }
    chars.into_iter().collect()
}

impl PatSpec {
    /// The pattern text; `catalog` is the generated catalog the pattern is tested against.
    pub(crate) fn text(&self, catalog: &[OpSpec]) -> String {
        let (core, flips, ws) = match self {
            PatSpec::FromName {
                op,
                edits,
                flips,
                ws,
            } => (star_edits(&op.name(), edits), flips, ws),
            PatSpec::FromCatalog {
                pick,
                slash,
                insert,
                edits,
                flips,
                ws,
            } => {
                let name = if catalog.is_empty() {
                    "Microsoft.A/x/read".to_string()
                } else {
                    catalog[pick.index(catalog.len())].name()
                };
                let slashes: Vec<usize> = name.match_indices('/').map(|(i, _)| i).collect();
                let mut n = name.clone();
                if !slashes.is_empty() {
                    let at = slashes[slash.index(slashes.len())];
                    let with = ["/*/", "/*", "*/", "/"][*insert];
                    n.replace_range(at..at + 1, with);
                }
                (star_edits(&n, edits), flips, ws)
            }
            PatSpec::Tokens { tokens, flips, ws } => {
                let mut s = String::new();
                for t in tokens {
                    let t = *t;
                    if t < SEGMENTS.len() {
                        s.push_str(SEGMENTS[t]);
                    } else if t < SEGMENTS.len() + PROVIDERS.len() {
                        s.push_str(PROVIDERS[t - SEGMENTS.len()]);
                    } else if t % 2 == 0 {
                        s.push('*');
                    } else {
                        s.push('/');
                    }
                }
                (s, flips, ws)
            }
        };
        format!("{}{}{}", WS[ws.0], random_case(&core, flips), WS[ws.1])
    }
}

/// The naive answer: every operation of the plane that `Pattern::matches`.
pub(crate) fn naive_set(c: &Catalog, p: &Pattern, plane: Plane, mode: WildcardMode) -> FixedBitSet {
    let mut set = FixedBitSet::with_capacity(c.len());
    let (lo, hi) = c.plane_range(plane);
    for id in lo..hi {
        if p.matches(c.name(id as OpId), mode) {
            set.insert(id as usize);
        }
    }
    set
}

fn names(c: &Catalog, s: &FixedBitSet) -> Vec<String> {
    s.ones().map(|i| c.name(i as OpId).to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn index_resolves_exactly_like_a_naive_scan(
        specs in arb_catalog(),
        pats in prop::collection::vec(arb_pattern(), 1..12),
    ) {
        let ix = Index::new(build_catalog(&specs));
        let c = ix.catalog();
        for spec in &pats {
            let text = spec.text(&specs);
            let Ok(p) = Pattern::parse(&text) else { continue };
            for plane in Plane::BOTH {
                for mode in MODES {
                    let want = naive_set(c, &p, plane, mode);
                    // resolve_into adds to what is already there and counts what it matched.
                    let mut got = ix.empty_set();
                    let n = ix.resolve_into(&p, plane, mode, &mut got);
                    prop_assert_eq!(
                        names(c, &got), names(c, &want),
                        "pattern {:?} plane {:?} mode {:?}", text, plane, mode
                    );
                    prop_assert_eq!(n, want.count_ones(..));
                    let mut via_naive = ix.empty_set();
                    crate::effective::Resolver::resolve_into(&crate::effective::Naive(c), &p, plane, mode, &mut via_naive);
                    prop_assert_eq!(&via_naive, &want);
                }
            }
        }
    }

    /// Every catalog name, in any case and with surrounding whitespace, resolves as a literal
    /// to exactly itself on its own plane; prefix-of-a-name patterns (`name*`) include it.
    #[test]
    fn catalog_names_resolve_to_themselves(specs in arb_catalog(), flips in prop::collection::vec(any::<bool>(), 1..9)) {
        let ix = Index::new(build_catalog(&specs));
        let c = ix.catalog();
        for id in 0..c.len() as OpId {
            let op = c.op(id);
            let text = format!(" {} ", random_case(&op.name, &flips));
            let p = Pattern::parse(&text).unwrap();
            for mode in MODES {
                let got = ix.resolve(&p, op.plane, mode);
                prop_assert_eq!(got.ones().collect::<Vec<_>>(), vec![id as usize]);
                let star = Pattern::parse(&format!("{}*", op.name)).unwrap();
                let got = ix.resolve(&star, op.plane, mode);
                prop_assert!(got.contains(id as usize));
                prop_assert_eq!(got, naive_set(c, &star, op.plane, mode));
            }
        }
    }

    /// The graph is the tree of name paths: walking the segments of a name from the root
    /// reaches the node its path maps to, whose children include the operation's leaf; every
    /// node's per-plane range holds exactly the operations at or below its path.
    #[test]
    fn graph_is_the_tree_of_name_paths(specs in arb_catalog()) {
        use super::NodeKind;
        let ix = Index::new(build_catalog(&specs));
        let c = ix.catalog();
        let g = ix.graph();
        for id in 0..c.len() as OpId {
            let lower = c.lower(id);
            let mut node = ix.root();
            for seg in lower.split('/') {
                node = ix.child(node, seg).unwrap();
            }
            prop_assert_eq!(ix.path_node(lower), Some(node));
            prop_assert!(g.neighbors(node).any(|n| g[n].kind == NodeKind::Operation(id)));
            prop_assert_eq!(g.neighbors(ix.op_node(id)).count(), 0);
        }
        for n in g.node_indices() {
            let path = match &g[n].kind {
                NodeKind::Operation(_) => continue,
                NodeKind::Root => None,
                _ => {
                    // The path of a node: labels from the root down.
                    let mut labels = vec![g[n].label.to_ascii_lowercase()];
                    let mut cur = n;
                    while let Some(p) = g.neighbors_directed(cur, petgraph::Direction::Incoming).next() {
                        if g[p].kind == NodeKind::Root {
                            break;
                        }
                        labels.push(g[p].label.to_ascii_lowercase());
                        cur = p;
                    }
                    labels.reverse();
                    Some(labels.join("/"))
                }
            };
            if let Some(p) = &path {
                prop_assert_eq!(ix.path_node(p), Some(n));
            }
            for plane in Plane::BOTH {
                let (lo, hi) = c.plane_range(plane);
                let below: Vec<OpId> = (lo..hi)
                    .filter(|i| path.as_ref().is_none_or(|p| c.lower(*i) == p || c.lower(*i).starts_with(&format!("{p}/"))))
                    .collect();
                let (a, b) = g[n].ranges[plane as usize];
                let got: Vec<OpId> = if a < b { (a..b).collect() } else { Vec::new() };
                prop_assert_eq!(got, below);
            }
        }
    }
}
