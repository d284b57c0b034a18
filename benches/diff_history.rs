//! Diffing real role changes: every before/after pair of `../shared/azure-snapshot/role-history.json`
//! (337 pairs; the fixture copy of 8 pairs when ../shared is absent) in one process, through
//! the graph index and bitset differences, beside a naive baseline that scans the whole
//! catalog for every entry and subtracts sets of names.

use azrbac::Model;
use azrbac::analyses::diff::{NoTags, Pairing, RiskTagger, RuleTagger, diff_pair};
use azrbac::analyses::risk::Taxonomy;
use azrbac::effective::{Naive, expand_with};
use azrbac::model::{Plane, RoleDefinition, parse_roles_json};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;

fn history_text() -> (String, &'static str) {
    let root = env!("CARGO_MANIFEST_DIR");
    let (text, what) =
        match std::fs::read_to_string(format!("{root}/../shared/azure-snapshot/role-history.json"))
        {
            Ok(t) => (t, "337 snapshot pairs"),
            Err(_) => {
                eprintln!("../shared/azure-snapshot not found: benchmarking the 8 fixture pairs");
                let t = std::fs::read_to_string(format!(
                    "{root}/tests/fixtures/diff/history-pairs.json"
                ))
                .unwrap_or_default();
                (t, "8 fixture pairs")
            }
        };
    (text, what)
}

fn parse_pairs(text: &str) -> Vec<(RoleDefinition, RoleDefinition)> {
    let items: Vec<Value> = serde_json::from_str(text).unwrap_or_default();
    let one = |v: &Value| {
        parse_roles_json(v, "history")
            .ok()
            .and_then(|mut r| r.pop())
    };
    items
        .iter()
        .filter_map(|x| Some((one(&x["before"])?, one(&x["after"])?)))
        .collect()
}

/// The naive baseline: expand both sides by scanning the catalog, diff sets of names.
fn naive_diff(model: &Model, old: &RoleDefinition, new: &RoleDefinition) -> usize {
    let cat = model.index.catalog();
    let (eo, en) = (
        expand_with(&Naive(cat), old, model.mode),
        expand_with(&Naive(cat), new, model.mode),
    );
    let mut n = 0;
    for plane in Plane::BOTH {
        let so: BTreeSet<String> = eo
            .names(&model.index, plane)
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let sn: BTreeSet<String> = en
            .names(&model.index, plane)
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        n += sn.difference(&so).count() + so.difference(&sn).count();
    }
    n
}

fn bench(c: &mut Criterion) {
    let Ok(model) = Model::embedded() else { return };
    let Ok(taxonomy) = Taxonomy::embedded() else {
        return;
    };
    let risk = taxonomy.classify(&model.index, model.mode);
    let tagger = RiskTagger {
        taxonomy: &taxonomy,
        risk: &risk,
        mode: model.mode,
    };
    let (text, what) = history_text();
    let pairs = parse_pairs(&text);
    let mut g = c.benchmark_group(format!("diff {what}"));
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    fn pairing((o, n): &(RoleDefinition, RoleDefinition)) -> Pairing<'_> {
        Pairing {
            old: Some(o),
            new: Some(n),
            old_path: None,
            new_path: None,
        }
    }
    g.bench_function("index + bitsets, with risk tags and provenance", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &pairs {
                let d = diff_pair(&model.index, model.mode, &pairing(p), &tagger);
                n += d.ops.added_count() + d.ops.removed_count();
            }
            black_box(n)
        })
    });
    g.bench_function(
        "parse the history JSON, then index + bitsets with risk tags",
        |b| {
            b.iter(|| {
                let mut n = 0;
                for p in &parse_pairs(&text) {
                    let d = diff_pair(&model.index, model.mode, &pairing(p), &tagger);
                    n += d.ops.added_count() + d.ops.removed_count();
                }
                black_box(n)
            })
        },
    );
    g.bench_function("index + bitsets, sets only", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &pairs {
                let d = diff_pair(&model.index, model.mode, &pairing(p), &NoTags);
                n += d.ops.added_count() + d.ops.removed_count();
            }
            black_box(n)
        })
    });
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("naive scan + name sets (baseline)", |b| {
        b.iter(|| {
            let mut n = 0;
            for (o, new) in &pairs {
                n += naive_diff(&model, o, new);
            }
            black_box(n)
        })
    });
    g.finish();

    // One process's view of `azrbac diff Reader Contributor`: the diff with each way of tagging.
    let reader = model.builtins.by_name("Reader").cloned();
    let contributor = model.builtins.by_name("Contributor").cloned();
    if let (Some(r), Some(k)) = (reader, contributor) {
        let p = Pairing {
            old: Some(&r),
            new: Some(&k),
            old_path: None,
            new_path: None,
        };
        let mut g = c.benchmark_group("diff Reader Contributor");
        g.sample_size(20);
        g.bench_function("sets only", |b| {
            b.iter(|| black_box(diff_pair(&model.index, model.mode, &p, &NoTags)))
        });
        g.bench_function("tags by rule buckets (RuleTagger)", |b| {
            b.iter(|| {
                let t = RuleTagger::new(&taxonomy, model.mode);
                black_box(diff_pair(&model.index, model.mode, &p, &t))
            })
        });
        g.bench_function("tags by classifying the catalog (RiskIndex)", |b| {
            b.iter(|| {
                let risk = taxonomy.classify(&model.index, model.mode);
                let t = RiskTagger {
                    taxonomy: &taxonomy,
                    risk: &risk,
                    mode: model.mode,
                };
                black_box(diff_pair(&model.index, model.mode, &p, &t))
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
