//! The operation catalog: every (plane, name) pair Azure's providers publish, with ids in
//! canonical order, and its compact on-disk form (`data/catalog.json`).

use super::plane::Plane;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// A hash map with a fast (non-cryptographic) hasher, for the per-process lookup tables.
/// Never iterated for output: every output order comes from the canonical sort.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Index of an operation in the catalog. Control-plane operations come first, each plane in
/// canonical order, so iterating ids in order yields sorted output.
pub type OpId = u32;

#[derive(Debug, Clone)]
pub struct Operation {
    /// First-seen spelling.
    pub name: String,
    pub plane: Plane,
    /// Index into [`Catalog::providers`].
    pub provider: u32,
    pub description: Option<String>,
}

/// Where a catalog came from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Provenance {
    pub source: String,
    #[serde(rename = "sourceDate")]
    pub source_date: String,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    ops: Vec<Operation>,
    lower: Vec<String>,
    providers: Vec<String>,
    control_count: u32,
    lookup: [FastMap<String, OpId>; 2],
    provider_lookup: FastMap<String, u32>,
    pub provenance: Provenance,
}

/// Canonical order of operation names: ASCII case-insensitive, `/` sorting before every
/// other character, so that every resource type's operations form one contiguous run.
pub fn canonical_cmp(a: &str, b: &str) -> Ordering {
    canonical_key_cmp(a, b).then_with(|| a.cmp(b))
}

/// Compares two names by their sort keys only (see [`sort_byte`]), without allocating.
fn canonical_key_cmp(a: &str, b: &str) -> Ordering {
    a.bytes().map(sort_byte).cmp(b.bytes().map(sort_byte))
}

/// The byte used for ordering: lower-cased, with `/` mapped below every printable byte.
pub fn sort_byte(b: u8) -> u8 {
    if b == b'/' { 0 } else { b.to_ascii_lowercase() }
}

/// An operation being collected: (first spelling, lower-cased, plane, provider, description).
type Staged = (String, String, Plane, u32, Option<String>);

/// One provider's operations as collected from the Azure CLI output, before id assignment.
#[derive(Debug, Clone, Default)]
pub struct ProviderOps {
    pub name: String,
    /// (name, is_data, description) in the order seen.
    pub operations: Vec<(String, bool, Option<String>)>,
}

impl Catalog {
    /// Builds a catalog from providers in the order given. Operations are identified by
    /// (plane, name ignoring ASCII case); the first spelling seen is kept.
    pub fn build(providers: Vec<ProviderOps>, provenance: Provenance) -> Catalog {
        let mut provider_names: Vec<String> = Vec::new();
        let mut provider_lookup: FastMap<String, u32> = FastMap::default();
        // (plane, lower name) → index into `staged`; after sorting, → operation id.
        let mut seen: [FastMap<String, OpId>; 2] = [FastMap::default(), FastMap::default()];
        let mut staged: Vec<Staged> = Vec::new();
        for p in providers {
            let key = p.name.to_ascii_lowercase();
            let pid = match provider_lookup.get(&key) {
                Some(id) => *id,
                None => {
                    let id = provider_names.len() as u32;
                    provider_names.push(p.name.clone());
                    provider_lookup.insert(key, id);
                    id
                }
            };
            for (name, is_data, description) in p.operations {
                let plane = if is_data { Plane::Data } else { Plane::Control };
                let lower = name.to_ascii_lowercase();
                let slot = &mut seen[plane as usize];
                match slot.get(&lower) {
                    Some(i) => {
                        let i = *i as usize;
                        if staged[i].4.is_none() {
                            staged[i].4 = description;
                        }
                    }
                    None => {
                        slot.insert(lower.clone(), staged.len() as OpId);
                        staged.push((name, lower, plane, pid, description));
                    }
                }
            }
        }
        // Canonical order: plane, then the sort key, then the name. Input that is already in
        // that order within each plane (the embedded catalog is) needs no sort.
        let cmp = |a: &Staged, b: &Staged| {
            a.2.cmp(&b.2)
                .then_with(|| canonical_key_cmp(&a.1, &b.1))
                .then_with(|| a.1.cmp(&b.1))
        };
        let mut order: Vec<usize> = (0..staged.len())
            .filter(|i| staged[*i].2 == Plane::Control)
            .chain((0..staged.len()).filter(|i| staged[*i].2 == Plane::Data))
            .collect();
        let sorted = order
            .windows(2)
            .all(|w| cmp(&staged[w[0]], &staged[w[1]]) != Ordering::Greater);
        if !sorted {
            // The sort key is computed once per name.
            let keys: Vec<Vec<u8>> = staged
                .iter()
                .map(|s| s.1.bytes().map(sort_byte).collect())
                .collect();
            order.sort_unstable_by(|a, b| {
                staged[*a]
                    .2
                    .cmp(&staged[*b].2)
                    .then_with(|| keys[*a].cmp(&keys[*b]))
                    .then_with(|| staged[*a].1.cmp(&staged[*b].1))
            });
        }
        let mut position = vec![0 as OpId; staged.len()];
        for (id, i) in order.iter().enumerate() {
            position[*i] = id as OpId;
        }
        // The first-seen tables become the lookup tables: staged index → id.
        for slot in &mut seen {
            for v in slot.values_mut() {
                *v = position[*v as usize];
            }
        }
        let lookup = seen;
        let mut staged: Vec<Option<Staged>> = staged.into_iter().map(Some).collect();
        let mut ops = Vec::with_capacity(staged.len());
        let mut lower = Vec::with_capacity(staged.len());
        let mut control_count = 0;
        for i in order {
            let Some((name, l, plane, provider, description)) = staged[i].take() else {
                continue;
            };
            if plane == Plane::Control {
                control_count += 1;
            }
            lower.push(l);
            ops.push(Operation {
                name,
                plane,
                provider,
                description,
            });
        }
        Catalog {
            ops,
            lower,
            providers: provider_names,
            control_count,
            lookup,
            provider_lookup,
            provenance,
        }
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn op(&self, id: OpId) -> &Operation {
        &self.ops[id as usize]
    }

    pub fn name(&self, id: OpId) -> &str {
        &self.ops[id as usize].name
    }

    /// The lower-cased name of an operation.
    pub fn lower(&self, id: OpId) -> &str {
        &self.lower[id as usize]
    }

    pub fn operations(&self) -> &[Operation] {
        &self.ops
    }

    pub fn providers(&self) -> &[String] {
        &self.providers
    }

    pub fn provider_name(&self, id: OpId) -> &str {
        &self.providers[self.ops[id as usize].provider as usize]
    }

    /// Id range of one plane: `[start, end)`.
    pub fn plane_range(&self, plane: Plane) -> (OpId, OpId) {
        match plane {
            Plane::Control => (0, self.control_count),
            Plane::Data => (self.control_count, self.ops.len() as OpId),
        }
    }

    pub fn count(&self, plane: Plane) -> usize {
        let (a, b) = self.plane_range(plane);
        (b - a) as usize
    }

    /// Looks an operation up by exact name (any case) on one plane.
    pub fn find(&self, plane: Plane, name: &str) -> Option<OpId> {
        self.lookup[plane as usize]
            .get(&name.trim().to_ascii_lowercase())
            .copied()
    }

    /// Looks up a name already lower-cased.
    pub fn find_lower(&self, plane: Plane, lower: &str) -> Option<OpId> {
        self.lookup[plane as usize].get(lower).copied()
    }

    /// Whether a provider namespace (any case) is known.
    pub fn has_provider(&self, namespace: &str) -> bool {
        self.provider_lookup
            .contains_key(&namespace.to_ascii_lowercase())
    }

    /// The known spelling of a provider namespace.
    pub fn provider_spelling(&self, namespace: &str) -> Option<&str> {
        self.provider_lookup
            .get(&namespace.to_ascii_lowercase())
            .map(|i| self.providers[*i as usize].as_str())
    }

    /// Names on both planes (each plane keeps its own copy).
    pub fn both_planes(&self) -> Vec<&str> {
        let (a, b) = self.plane_range(Plane::Control);
        (a..b)
            .filter(|id| self.find_lower(Plane::Data, self.lower(*id)).is_some())
            .map(|id| self.name(id))
            .collect()
    }

    pub fn has_descriptions(&self) -> bool {
        self.ops.iter().any(|o| o.description.is_some())
    }

    /// Serialises to the compact file format. Deterministic: providers and operations in
    /// canonical order; descriptions only when `keep_descriptions`.
    pub fn to_compact_json(&self, keep_descriptions: bool) -> Result<String> {
        let mut order: Vec<usize> = (0..self.providers.len()).collect();
        order.sort_by(|a, b| canonical_cmp(&self.providers[*a], &self.providers[*b]));
        let mut by_pid: Vec<usize> = vec![0; self.providers.len()];
        for (slot, pid) in order.iter().enumerate() {
            by_pid[*pid] = slot;
        }
        let mut list: Vec<CompactProvider> = order
            .iter()
            .map(|pid| CompactProvider {
                name: self.providers[*pid].clone(),
                actions: Vec::new(),
                data_actions: Vec::new(),
                descriptions: BTreeMap::new(),
            })
            .collect();
        for op in &self.ops {
            let p = &mut list[by_pid[op.provider as usize]];
            match op.plane {
                Plane::Control => p.actions.push(op.name.clone()),
                Plane::Data => p.data_actions.push(op.name.clone()),
            }
            if keep_descriptions && let Some(d) = &op.description {
                let key = format!("{}:{}", op.plane.as_str(), op.name);
                p.descriptions.insert(key, d.clone());
            }
        }
        let file = CompactCatalog {
            schema_version: 1,
            kind: CATALOG_KIND.to_string(),
            provenance: self.provenance.clone(),
            operations: self.ops.len(),
            providers: list,
        };
        let mut s = serde_json::to_string_pretty(&file)
            .map_err(|e| Error::Internal(format!("cannot serialise catalog: {e}")))?;
        s.push('\n');
        Ok(s)
    }

    /// Reads the compact file format.
    pub fn from_compact_json(text: &str, origin: &str) -> Result<Catalog> {
        let file: CompactCatalog = serde_json::from_str(text).map_err(|e| {
            let e = Error::json(origin, &e).to_string();
            Error::Shape {
                origin: origin.to_string(),
                pointer: String::new(),
                message: format!(
                    "not an azrbac catalog (build one with `azrbac catalog import`): {}",
                    e.replace("struct CompactCatalog", "a catalog object")
                        .replace("struct CompactProvider", "a provider object")
                        .trim_start_matches(&format!("{origin}:"))
                ),
            }
        })?;
        if file.kind != CATALOG_KIND {
            return Err(Error::shape(
                origin,
                "/kind",
                format!("expected `{CATALOG_KIND}`, found `{}`", file.kind),
            ));
        }
        if file.schema_version != 1 {
            return Err(Error::shape(
                origin,
                "/schemaVersion",
                format!("unsupported schema version {}", file.schema_version),
            ));
        }
        let providers = file
            .providers
            .into_iter()
            .map(|p| {
                let mut operations = Vec::new();
                for (names, is_data) in [(p.actions, false), (p.data_actions, true)] {
                    let plane = if is_data { "data" } else { "control" };
                    for n in names {
                        let d = if p.descriptions.is_empty() {
                            None
                        } else {
                            p.descriptions.get(&format!("{plane}:{n}")).cloned()
                        };
                        operations.push((n, is_data, d));
                    }
                }
                ProviderOps {
                    name: p.name,
                    operations,
                }
            })
            .collect();
        Ok(Catalog::build(providers, file.provenance))
    }
}

pub const CATALOG_KIND: &str = "azrbac.catalog";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompactCatalog {
    // Fields in key order, so the file's keys are sorted like every JSON azrbac writes.
    kind: String,
    operations: usize,
    providers: Vec<CompactProvider>,
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(flatten)]
    provenance: Provenance,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompactProvider {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    actions: Vec<String>,
    #[serde(rename = "dataActions", default, skip_serializing_if = "Vec::is_empty")]
    data_actions: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    descriptions: BTreeMap<String, String>,
    name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, ops: &[(&str, bool)]) -> ProviderOps {
        ProviderOps {
            name: name.into(),
            operations: ops.iter().map(|(n, d)| (n.to_string(), *d, None)).collect(),
        }
    }

    #[test]
    fn planes_are_separate_and_case_collapses() {
        let c = Catalog::build(
            vec![p(
                "Microsoft.A",
                &[
                    ("Microsoft.A/x/read", false),
                    ("microsoft.a/X/READ", false),
                    ("Microsoft.A/x/read", true),
                ],
            )],
            Provenance::default(),
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c.count(Plane::Control), 1);
        assert_eq!(c.count(Plane::Data), 1);
        let id = c.find(Plane::Control, "MICROSOFT.A/X/READ").unwrap();
        assert_eq!(c.name(id), "Microsoft.A/x/read");
        assert_eq!(c.both_planes(), vec!["Microsoft.A/x/read"]);
    }

    #[test]
    fn canonical_order_keeps_subtrees_contiguous() {
        let c = Catalog::build(
            vec![p(
                "Microsoft.A",
                &[
                    ("Microsoft.A/b/read", false),
                    ("Microsoft.A/b-c/read", false),
                    ("Microsoft.A/b", false),
                ],
            )],
            Provenance::default(),
        );
        let names: Vec<_> = (0..3).map(|i| c.name(i)).collect();
        assert_eq!(
            names,
            vec![
                "Microsoft.A/b",
                "Microsoft.A/b/read",
                "Microsoft.A/b-c/read"
            ]
        );
    }

    #[test]
    fn compact_round_trip() {
        let c = Catalog::build(
            vec![
                p("Microsoft.B", &[("Microsoft.B/y/write", true)]),
                p("Microsoft.A", &[("Microsoft.A/x/read", false)]),
            ],
            Provenance {
                source: "test".into(),
                source_date: "2026-01-01".into(),
            },
        );
        let text = c.to_compact_json(false).unwrap();
        let back = Catalog::from_compact_json(&text, "t").unwrap();
        assert_eq!(back.to_compact_json(false).unwrap(), text);
        assert_eq!(back.provenance.source_date, "2026-01-01");
        assert!(Catalog::from_compact_json("{\"kind\":1}", "t").is_err());
    }

    /// The catalog is the same whether its input is already in canonical order (no sort is
    /// needed) or shuffled, mixed-case and with planes interleaved.
    #[test]
    fn order_does_not_depend_on_input_order() {
        let sorted = vec![
            p(
                "Microsoft.A",
                &[
                    ("Microsoft.A/b", false),
                    ("Microsoft.A/b/read", false),
                    ("Microsoft.A/b-c/read", false),
                    ("Microsoft.A/b/blobs/read", true),
                ],
            ),
            p(
                "Microsoft.B",
                &[("Microsoft.B/y/write", false), ("Microsoft.B/y/read", true)],
            ),
        ];
        let shuffled = vec![
            p(
                "microsoft.b",
                &[("Microsoft.B/y/read", true), ("microsoft.b/Y/write", false)],
            ),
            p(
                "Microsoft.A",
                &[
                    ("Microsoft.A/b/blobs/read", true),
                    ("Microsoft.A/b-c/read", false),
                    ("Microsoft.A/b/read", false),
                    ("Microsoft.A/b", false),
                ],
            ),
        ];
        let a = Catalog::build(sorted, Provenance::default());
        let b = Catalog::build(shuffled, Provenance::default());
        let lower = |c: &Catalog| {
            (0..c.len() as OpId)
                .map(|i| c.lower(i).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(lower(&a), lower(&b));
        assert_eq!(
            lower(&a),
            vec![
                "microsoft.a/b",
                "microsoft.a/b/read",
                "microsoft.a/b-c/read",
                "microsoft.b/y/write",
                "microsoft.a/b/blobs/read",
                "microsoft.b/y/read",
            ]
        );
        for c in [&a, &b] {
            for id in 0..c.len() as OpId {
                assert_eq!(c.find(c.op(id).plane, c.name(id)), Some(id));
            }
        }
    }
}
