//! The compact form: replace lists of needed operations by wildcard entries that match
//! exactly needed operations in the catalog, using as few entries as the search finds.
//!
//! Candidates have one `*` (Azure rejects more) and the shape `P*S`. `P` is a prefix of a
//! needed name that goes past the provider namespace: a segment boundary
//! (`.../onlineEndpoints/`), the end of a segment (`.../onlineEndpoints`), or the common prefix
//! of two neighbouring needs (`.../data`). `S` is a suffix of a needed name that starts at a
//! segment boundary, with or without its slash (`/read`, `read`, `/listKeys/action`), or is
//! empty; it never starts inside a segment (no `re*ad`). A candidate is valid when every
//! catalog operation of the plane it matches, under the active wildcard mode, is needed, and it
//! matches at least two. Matching is counted exactly: for a fixed `P`, the operations below `P`
//! are sorted by their reversed remainder, so the operations ending in `S` form one run found
//! by binary search; in Azure mode a `P/*/S` candidate also matches `P/S` (the collapsed
//! `/*/`), which is looked up separately. Every chosen wildcard is re-checked with the index.
//!
//! Selection is greedy set cover (most still-uncovered needs first; ties go to the more
//! specific entry: longer literal text, then a `*` that starts a segment, then one that ends a
//! segment, then alphabetical order), then a local search that lets one candidate replace two
//! or more entries while that lowers the count, then a pass that drops every wildcard the other
//! entries make redundant and turns a wildcard contributing a single operation into that
//! operation's name. Guarantees: the entries match exactly the needs; no entry can be removed;
//! never more entries than the explicit list; deterministic; the count is within the greedy
//! bound H(k) <= 1 + ln k of the smallest cover built from the same candidates (k = the largest
//! candidate).

use crate::graph::Index;
use crate::model::catalog::canonical_cmp;
use crate::model::{OpId, Pattern, Plane, WildcardMode};
use fixedbitset::FixedBitSet;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

/// One entry of a compact role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactEntry {
    /// The entry as written in the role.
    pub text: String,
    pub wildcard: bool,
    /// Catalog operations it matches (1 for a name).
    pub matches: usize,
}

type Specificity = (usize, bool, bool);

#[derive(Debug)]
struct Candidate {
    text: String,
    /// Literal characters, then whether the `*` starts a segment and whether it ends one:
    /// more is more specific (`x/*read` over `x*/read`).
    specificity: Specificity,
    /// Positions in `needs` it matches, ascending.
    covers: Vec<u32>,
}

/// The compact entries for the needed catalog operations of one plane, in canonical order.
/// Operations of the other plane in `needed` are ignored.
pub fn compact_plane(
    index: &Index,
    mode: WildcardMode,
    plane: Plane,
    needed: &FixedBitSet,
) -> Vec<CompactEntry> {
    let cat = index.catalog();
    let (plo, phi) = cat.plane_range(plane);
    let needs: Vec<OpId> = needed
        .ones()
        .map(|i| i as OpId)
        .filter(|i| *i >= plo && *i < phi)
        .collect();
    let cands = if needs.len() < 2 {
        Vec::new()
    } else {
        candidates(index, mode, plane, &needs)
    };
    let picked = greedy_cover(&cands, needs.len());
    let picked = improve(&cands, picked, needs.len());
    let chosen = minimise(&cands, picked, needs.len());
    let mut covered = FixedBitSet::with_capacity(needs.len());
    let mut out = Vec::new();
    for c in chosen {
        // Defensive re-check with the index: a wildcard must match exactly needed operations.
        let exact = Pattern::parse(&c.text).is_ok_and(|p| {
            let hit = index.resolve(&p, plane, mode);
            hit.count_ones(..) == c.covers.len()
                && c.covers
                    .iter()
                    .all(|k| hit.contains(needs[*k as usize] as usize))
        });
        if !exact {
            continue;
        }
        for k in &c.covers {
            covered.insert(*k as usize);
        }
        out.push(CompactEntry {
            text: c.text.clone(),
            wildcard: true,
            matches: c.covers.len(),
        });
    }
    for (k, id) in needs.iter().enumerate() {
        if !covered.contains(k) {
            out.push(CompactEntry {
                text: cat.name(*id).to_string(),
                wildcard: false,
                matches: 1,
            });
        }
    }
    out.sort_by(|a, b| canonical_cmp(&a.text, &b.text));
    out
}

/// Every valid candidate wildcard for `needs` (sorted ids of one plane), sorted by text.
fn candidates(index: &Index, mode: WildcardMode, plane: Plane, needs: &[OpId]) -> Vec<Candidate> {
    let cat = index.catalog();
    let mut out: Vec<Candidate> = Vec::new();
    let mut seen_text: HashSet<String> = HashSet::new();
    for (p_lower, p_spelled) in prefixes(index, needs) {
        let (lo, hi) = index.prefix_range(&p_lower, plane);
        if hi < lo + 2 {
            continue;
        }
        let a = needs.partition_point(|i| *i < lo);
        let b = needs.partition_point(|i| *i < hi);
        if b < a + 2 {
            continue;
        }
        let plen = p_lower.len();
        let rev = |id: OpId| -> Vec<u8> {
            cat.lower(id).as_bytes()[plen..]
                .iter()
                .rev()
                .copied()
                .collect()
        };
        let mut all: Vec<Vec<u8>> = (lo..hi).map(rev).collect();
        all.sort_unstable();
        let mut mine: Vec<(Vec<u8>, u32)> = (a..b).map(|k| (rev(needs[k]), k as u32)).collect();
        mine.sort_unstable();
        let collapse = mode == WildcardMode::Azure && p_lower.ends_with('/');
        // Candidate suffixes from the needs below P: (lower, spelled).
        let mut suffixes: Vec<(String, String)> = Vec::new();
        let mut seen_s: HashSet<String> = HashSet::new();
        for id in &needs[a..b] {
            let lower = &cat.lower(*id)[plen..];
            let spelled = &cat.name(*id)[plen..];
            let bytes = lower.as_bytes();
            // A suffix starts at a segment start or at a `/` (never inside a segment: `re*ad`).
            let mut starts = vec![bytes.len()];
            if p_lower.ends_with('/') {
                starts.push(0);
            }
            for (i, ch) in bytes.iter().enumerate() {
                if *ch == b'/' {
                    starts.push(i);
                    starts.push(i + 1);
                }
            }
            for j in starts {
                if lower.is_char_boundary(j) && seen_s.insert(lower[j..].to_string()) {
                    suffixes.push((lower[j..].to_string(), spelled[j..].to_string()));
                }
            }
            if collapse {
                let s = format!("/{lower}");
                if seen_s.insert(s.clone()) {
                    suffixes.push((s, format!("/{spelled}")));
                }
            }
        }
        for (s_lower, s_spelled) in suffixes {
            let key: Vec<u8> = s_lower.bytes().rev().collect();
            let total = run(&all, &key, |v| v.as_slice());
            let run_mine = run(&mine, &key, |v| v.0.as_slice());
            let mut count = total.1 - total.0;
            let mut covers: Vec<u32> = mine[run_mine.0..run_mine.1]
                .iter()
                .map(|(_, k)| *k)
                .collect();
            if collapse && s_lower.starts_with('/') {
                let name = format!("{p_lower}{}", &s_lower[1..]);
                if let Some(id) = cat.find_lower(plane, &name) {
                    count += 1;
                    if let Ok(k) = needs.binary_search(&id) {
                        covers.push(k as u32);
                    }
                }
            }
            if count != covers.len() || covers.len() < 2 {
                continue;
            }
            let text = format!("{p_spelled}*{s_spelled}");
            if seen_text.insert(text.to_ascii_lowercase()) {
                covers.sort_unstable();
                out.push(Candidate {
                    specificity: (
                        text.len() - 1,
                        p_lower.ends_with('/'),
                        s_lower.is_empty() || s_lower.starts_with('/'),
                    ),
                    text,
                    covers,
                });
            }
        }
    }
    out.sort_by(|x, y| x.text.cmp(&y.text));
    out
}

/// The run `[start, end)` of a sorted list whose keys start with `prefix`.
fn run<T>(list: &[T], prefix: &[u8], key: impl Fn(&T) -> &[u8]) -> (usize, usize) {
    let start = list.partition_point(|v| key(v) < prefix);
    let len = list[start..].partition_point(|v| key(v).starts_with(prefix));
    (start, start + len)
}

/// Candidate prefixes (lower-cased, spelled as in the first need that yields them), in order
/// of first appearance. Each goes past `Namespace/` so that no entry is provider-wide.
fn prefixes(index: &Index, needs: &[OpId]) -> Vec<(String, String)> {
    let cat = index.catalog();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |lower: &str, spelled: &str, len: usize| {
        if lower.is_char_boundary(len) && seen.insert(lower[..len].to_string()) {
            out.push((lower[..len].to_string(), spelled[..len].to_string()));
        }
    };
    for (k, id) in needs.iter().enumerate() {
        let lower = cat.lower(*id);
        let spelled = cat.name(*id);
        let Some(ns_end) = lower.find('/') else {
            continue;
        };
        let min = ns_end + 2;
        for (i, ch) in lower.bytes().enumerate() {
            if ch == b'/' {
                if i >= min {
                    push(lower, spelled, i);
                }
                if i + 1 > min {
                    push(lower, spelled, i + 1);
                }
            }
        }
        if let Some(next) = needs.get(k + 1) {
            let other = cat.lower(*next);
            let lcp = lower
                .bytes()
                .zip(other.bytes())
                .take_while(|(x, y)| x == y)
                .count();
            if lcp >= min && lcp < lower.len() {
                push(lower, spelled, lcp);
            }
        }
    }
    out
}

/// Greedy set cover over candidates; returns the chosen candidate indexes in pick order.
/// Only candidates that newly cover at least two needs are picked (a single need is better
/// served by its name, which cannot grow).
fn greedy_cover(cands: &[Candidate], n: usize) -> Vec<usize> {
    let mut covered = FixedBitSet::with_capacity(n);
    // Max-heap on (gain, specificity, earliest text).
    let mut heap: BinaryHeap<(usize, Specificity, Reverse<usize>)> = cands
        .iter()
        .enumerate()
        .map(|(i, c)| (c.covers.len(), c.specificity, Reverse(i)))
        .collect();
    let mut picked = Vec::new();
    while let Some((gain, spec, Reverse(i))) = heap.pop() {
        let now = cands[i]
            .covers
            .iter()
            .filter(|k| !covered.contains(**k as usize))
            .count();
        if now < 2 {
            continue;
        }
        if now == gain {
            for k in &cands[i].covers {
                covered.insert(*k as usize);
            }
            picked.push(i);
        } else {
            heap.push((now, spec, Reverse(i)));
        }
    }
    picked
}

/// Local improvement after the greedy pass: a candidate that can stand in for two or more
/// current entries (wildcards whose needs it covers where nothing else does, and needs still
/// listed by name) replaces them. Repeats while some swap lowers the entry count, taking the
/// largest saving first (ties: the more specific candidate, then alphabetical order).
fn improve(cands: &[Candidate], mut picked: Vec<usize>, n: usize) -> Vec<usize> {
    loop {
        let mut count = vec![0u32; n];
        for i in &picked {
            for k in &cands[*i].covers {
                count[*k as usize] += 1;
            }
        }
        let mut chosen = FixedBitSet::with_capacity(cands.len());
        for i in &picked {
            chosen.insert(*i);
        }
        let mut best: Option<(usize, Specificity, usize, Vec<usize>)> = None;
        let mut inside = FixedBitSet::with_capacity(n);
        let mut dropped = vec![0u32; n];
        for (ci, c) in cands.iter().enumerate() {
            if chosen.contains(ci) {
                continue;
            }
            inside.clear();
            for k in &c.covers {
                inside.insert(*k as usize);
            }
            // Needs listed by name that the candidate covers.
            let names = c.covers.iter().filter(|k| count[**k as usize] == 0).count();
            // Wildcards it can replace, taken one by one so coverage always holds.
            let mut drop = Vec::new();
            for (pos, pi) in picked.iter().enumerate() {
                let p = &cands[*pi];
                let ok = p.covers.iter().all(|k| {
                    let k = *k as usize;
                    inside.contains(k) || count[k] - dropped[k] > 1
                });
                if ok {
                    for k in &p.covers {
                        dropped[*k as usize] += 1;
                    }
                    drop.push(pos);
                }
            }
            for pos in &drop {
                for k in &cands[picked[*pos]].covers {
                    dropped[*k as usize] = 0;
                }
            }
            let absorbed = names + drop.len();
            if absorbed < 2 {
                continue;
            }
            let saving = absorbed - 1;
            let better = match &best {
                None => true,
                Some((s, spec, _, _)) => saving > *s || (saving == *s && c.specificity > *spec),
            };
            if better {
                best = Some((saving, c.specificity, ci, drop));
            }
        }
        let Some((_, _, ci, drop)) = best else {
            return picked;
        };
        for pos in drop.iter().rev() {
            picked.remove(*pos);
        }
        picked.push(ci);
    }
}

/// Drops wildcards the other chosen entries make redundant and replaces a wildcard that
/// alone covers a single need by that need's name (same count, no future growth). Repeats
/// until stable; returns the wildcards kept.
fn minimise(cands: &[Candidate], mut picked: Vec<usize>, n: usize) -> Vec<&Candidate> {
    let mut count = vec![0u32; n];
    for i in &picked {
        for k in &cands[*i].covers {
            count[*k as usize] += 1;
        }
    }
    loop {
        let mut changed = false;
        // Later picks are smaller; try removing the smallest wildcards first.
        let mut order: Vec<usize> = (0..picked.len()).collect();
        order.sort_by(|a, b| {
            let (ca, cb) = (&cands[picked[*a]], &cands[picked[*b]]);
            ca.covers
                .len()
                .cmp(&cb.covers.len())
                .then_with(|| cb.specificity.cmp(&ca.specificity))
                .then_with(|| ca.text.cmp(&cb.text))
        });
        let mut remove: Option<usize> = None;
        for pos in order {
            let c = &cands[picked[pos]];
            let unique = c.covers.iter().filter(|k| count[**k as usize] == 1).count();
            if unique <= 1 {
                remove = Some(pos);
                break;
            }
        }
        if let Some(pos) = remove {
            for k in &cands[picked[pos]].covers {
                count[*k as usize] -= 1;
            }
            picked.remove(pos);
            changed = true;
        }
        if !changed {
            break;
        }
    }
    let mut kept: Vec<&Candidate> = picked.iter().map(|i| &cands[*i]).collect();
    kept.sort_by(|a, b| canonical_cmp(&a.text, &b.text));
    kept
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::{Catalog, Provenance, ProviderOps};

    fn index(names: &[&str]) -> Index {
        Index::new(Catalog::build(
            vec![ProviderOps {
                name: "Microsoft.A".into(),
                operations: names.iter().map(|n| (n.to_string(), false, None)).collect(),
            }],
            Provenance::default(),
        ))
    }

    fn need(ix: &Index, names: &[&str]) -> FixedBitSet {
        let mut s = ix.empty_set();
        for n in names {
            s.insert(ix.catalog().find(Plane::Control, n).unwrap() as usize);
        }
        s
    }

    fn texts(ix: &Index, mode: WildcardMode, names: &[&str]) -> Vec<String> {
        compact_plane(ix, mode, Plane::Control, &need(ix, names))
            .into_iter()
            .map(|e| e.text)
            .collect()
    }

    const OPS: &[&str] = &[
        "Microsoft.A/x/read",
        "Microsoft.A/x/write",
        "Microsoft.A/x/delete",
        "Microsoft.A/x/keys/action",
        "Microsoft.A/x/y/read",
        "Microsoft.A/x/y/write",
        "Microsoft.A/z/read",
    ];

    #[test]
    fn whole_subtree_becomes_one_wildcard() {
        let ix = index(OPS);
        let all_x: Vec<&str> = OPS
            .iter()
            .copied()
            .filter(|n| n.starts_with("Microsoft.A/x/"))
            .collect();
        assert_eq!(
            texts(&ix, WildcardMode::Azure, &all_x),
            vec!["Microsoft.A/x/*"]
        );
    }

    #[test]
    fn reads_below_a_type_use_the_segment_star() {
        let ix = index(OPS);
        let reads = ["Microsoft.A/x/read", "Microsoft.A/x/y/read"];
        assert_eq!(
            texts(&ix, WildcardMode::Azure, &reads),
            vec!["Microsoft.A/x/*/read"]
        );
        // Without the collapse, `x/*/read` misses `x/read`; `x/*read` matches both.
        assert_eq!(
            texts(&ix, WildcardMode::Literal, &reads),
            vec!["Microsoft.A/x/*read"]
        );
    }

    #[test]
    fn a_wildcard_that_would_grant_more_is_never_used() {
        let ix = index(OPS);
        let got = texts(
            &ix,
            WildcardMode::Azure,
            &[
                "Microsoft.A/x/read",
                "Microsoft.A/x/write",
                "Microsoft.A/x/delete",
            ],
        );
        assert_eq!(
            got,
            vec![
                "Microsoft.A/x/delete",
                "Microsoft.A/x/read",
                "Microsoft.A/x/write"
            ]
        );
    }

    #[test]
    fn never_provider_wide() {
        let ix = index(OPS);
        let got = texts(&ix, WildcardMode::Azure, OPS);
        assert!(
            got.iter().all(|t| !t.starts_with("Microsoft.A/*")),
            "{got:?}"
        );
        assert_eq!(got, vec!["Microsoft.A/x/*", "Microsoft.A/z/read"]);
    }

    #[test]
    fn single_need_is_a_name() {
        let ix = index(OPS);
        assert_eq!(
            texts(&ix, WildcardMode::Azure, &["Microsoft.A/z/read"]),
            vec!["Microsoft.A/z/read"]
        );
        assert!(texts(&ix, WildcardMode::Azure, &[]).is_empty());
    }
}

/// The counting shortcut of [`candidates`] against the reference matcher: every candidate it
/// keeps matches exactly the needs it says, and every (prefix, suffix) pair of the same forms
/// that the reference matcher finds exact is kept.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod exactness_tests {
    use super::*;
    use crate::analyses::generate::roundtrip_tests::model;
    use proptest::prelude::*;

    /// Reference: the needs (positions) a pattern matches, or None if it matches anything
    /// else. Only operations of the same provider can match (the prefix names it).
    fn reference(
        index: &Index,
        mode: WildcardMode,
        plane: Plane,
        needs: &[OpId],
        text: &str,
    ) -> Option<Vec<u32>> {
        let cat = index.catalog();
        let p = Pattern::parse(text).unwrap();
        let ns = format!("{}/", text.split('/').next().unwrap().to_ascii_lowercase());
        let (lo, hi) = cat.plane_range(plane);
        let mut out = Vec::new();
        for id in lo..hi {
            if cat.lower(id).starts_with(&ns) && p.matches(cat.name(id), mode) {
                out.push(needs.binary_search(&id).ok()? as u32);
            }
        }
        Some(out)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn counting_agrees_with_the_reference_matcher(
            picks in prop::collection::vec(0usize..400, 2..25),
            literal in any::<bool>(),
        ) {
            let m = model();
            let ix = &m.index;
            let mode = if literal { WildcardMode::Literal } else { WildcardMode::Azure };
            let (lo, hi) = ix.prefix_range("microsoft.machinelearningservices/", Plane::Control);
            let mut needs: Vec<OpId> = picks.iter().map(|k| lo + (*k as OpId) % (hi - lo)).collect();
            needs.sort_unstable();
            needs.dedup();
            prop_assume!(needs.len() >= 2);
            let cands = candidates(ix, mode, Plane::Control, &needs);
            let kept: HashSet<String> = cands.iter().map(|c| c.text.to_ascii_lowercase()).collect();
            for c in &cands {
                prop_assert_eq!(reference(ix, mode, Plane::Control, &needs, &c.text), Some(c.covers.clone()), "{}", c.text);
            }
            // Completeness over the same prefix and suffix forms.
            let cat = ix.catalog();
            for (p, _) in prefixes(ix, &needs) {
                for id in &needs {
                    let l = cat.lower(*id);
                    if !l.starts_with(&p) {
                        continue;
                    }
                    let r = &l[p.len()..];
                    let mut suffixes = vec![String::new()];
                    if p.ends_with('/') {
                        suffixes.push(r.to_string());
                        if mode == WildcardMode::Azure {
                            suffixes.push(format!("/{r}"));
                        }
                    }
                    for (i, ch) in r.bytes().enumerate() {
                        if ch == b'/' {
                            suffixes.push(r[i..].to_string());
                            suffixes.push(r[i + 1..].to_string());
                        }
                    }
                    for s in suffixes {
                        let text = format!("{p}*{s}");
                        if let Some(hits) = reference(ix, mode, Plane::Control, &needs, &text)
                            && hits.len() >= 2
                        {
                            prop_assert!(kept.contains(&text), "missing candidate {}", text);
                        }
                    }
                }
            }
        }
    }
}
