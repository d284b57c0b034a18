//! `generate --compact` on a 300-operation need: the compact cover (reversed-suffix counting
//! over the graph index) beside a naive baseline that validates every candidate wildcard by
//! testing it against every operation of the plane, then picks greedily.

use azrbac::analyses::generate::compact::compact_plane;
use azrbac::data::Model;
use azrbac::graph::Index;
use azrbac::model::{OpId, Pattern, Plane, WildcardMode};
use criterion::{Criterion, criterion_group, criterion_main};
use fixedbitset::FixedBitSet;
use std::collections::BTreeMap;
use std::hint::black_box;

/// The need of `tests/fixtures/generate/needs-300.txt`.
fn need(model: &Model) -> FixedBitSet {
    let text = include_str!("../tests/fixtures/generate/needs-300.txt");
    let mut set = model.index.empty_set();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        if let Some(id) = model.index.catalog().find(Plane::Control, line) {
            set.insert(id as usize);
        }
    }
    set
}

/// Naive baseline: candidate `P*S` from segment-boundary prefixes and suffixes of the needs,
/// each validated by a full scan of the plane, then greedy set cover.
fn naive_compact(index: &Index, mode: WildcardMode, needed: &FixedBitSet) -> usize {
    let cat = index.catalog();
    let (lo, hi) = cat.plane_range(Plane::Control);
    let needs: Vec<OpId> = needed.ones().map(|i| i as OpId).collect();
    let mut cands: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for id in &needs {
        let name = cat.name(*id);
        let slashes: Vec<usize> = name.match_indices('/').map(|(i, _)| i).collect();
        for &p in slashes.iter().skip(1) {
            for &s in slashes.iter().filter(|s| **s >= p) {
                for text in [
                    format!("{}*{}", &name[..=p], &name[s..]),
                    format!("{}*", &name[..=p]),
                ] {
                    if cands.contains_key(&text) {
                        continue;
                    }
                    let Ok(pat) = Pattern::parse(&text) else {
                        continue;
                    };
                    let hits: Vec<usize> = (lo..hi)
                        .filter(|i| pat.matches(cat.name(*i), mode))
                        .map(|i| i as usize)
                        .collect();
                    cands.insert(text, hits);
                }
            }
        }
    }
    let valid: Vec<&Vec<usize>> = cands
        .values()
        .filter(|h| h.len() >= 2 && h.iter().all(|i| needed.contains(*i)))
        .collect();
    let mut covered = FixedBitSet::with_capacity(needed.len());
    let mut entries = 0;
    loop {
        let best = valid
            .iter()
            .max_by_key(|h| h.iter().filter(|i| !covered.contains(**i)).count());
        match best {
            Some(h) if h.iter().filter(|i| !covered.contains(**i)).count() >= 2 => {
                for i in h.iter() {
                    covered.insert(*i);
                }
                entries += 1;
            }
            _ => break,
        }
    }
    entries
        + needs
            .iter()
            .filter(|i| !covered.contains(**i as usize))
            .count()
}

fn bench(c: &mut Criterion) {
    let model = match Model::embedded() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cannot load the embedded model: {e}");
            return;
        }
    };
    let needed = need(&model);
    let fast = compact_plane(&model.index, model.mode, Plane::Control, &needed).len();
    let slow = naive_compact(&model.index, model.mode, &needed);
    eprintln!(
        "{} needed operations: compact {fast} entries, naive baseline {slow} entries",
        needed.count_ones(..)
    );
    let mut g = c.benchmark_group("generate_compact_300");
    g.sample_size(20);
    g.bench_function("compact_plane (index, suffix runs)", |b| {
        b.iter(|| compact_plane(&model.index, model.mode, Plane::Control, black_box(&needed)))
    });
    g.bench_function("naive baseline (full scans)", |b| {
        b.iter(|| naive_compact(&model.index, model.mode, black_box(&needed)))
    });
    g.finish();
    c.bench_function("model load (embedded catalog only)", |b| {
        b.iter(|| {
            Model::load_catalog_only(None, WildcardMode::Azure).map(|m| m.index.catalog().len())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
