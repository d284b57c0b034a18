//! Lint rule AZR105 (covered-entry) alone on one role of N literal catalog operations in
//! `Actions`, one in 50 of them followed by its resource type's wildcard (`.../type/*`) so
//! that covers exist: through the rule's operation index, beside the pairwise definition
//! (every entry against every other through full bitsets, the rule before defect H2) as the
//! naive baseline. The role's facts (`RoleCtx`) are built outside the timed loop.
//! Figures: docs/performance.md, "Lint: covered-entry (AZR105)".

#![allow(clippy::expect_used)]

use azrbac::analyses::lint::context::RoleCtx;
use azrbac::analyses::lint::rules::covered_entry;
use azrbac::analyses::lint::{Hit, LintEnv};
use azrbac::data::Model;
use azrbac::model::{Entry, Pattern, PermissionBlock, Plane, RoleDefinition, RoleFormat};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn entry(raw: String, i: usize) -> Entry {
    Entry {
        pattern: Pattern::parse(&raw).expect("pattern"),
        raw,
        pointer: format!("/Actions/{i}"),
    }
}

/// N literal control-plane operations, plus a wildcard after one in 50.
fn role(model: &Model, n: usize) -> RoleDefinition {
    let cat = model.index.catalog();
    let (lo, hi) = cat.plane_range(Plane::Control);
    let mut block = PermissionBlock::default();
    for id in (lo..hi).take(n) {
        let name = cat.name(id).to_string();
        let i = block.actions.len();
        if i % 50 == 49
            && let Some(cut) = name.rfind('/')
        {
            block.actions.push(entry(format!("{}/*", &name[..cut]), i));
        }
        let i = block.actions.len();
        block.actions.push(entry(name, i));
    }
    let mut r = RoleDefinition::empty(RoleFormat::Rest, "bench.json", "");
    r.name = Some("bench".into());
    r.permissions.push(block);
    r
}

fn bench(c: &mut Criterion) {
    let model = Model::embedded().expect("embedded model");
    let env = LintEnv::new(&model).expect("lint environment");
    let mut g = c.benchmark_group("lint_covered_entry");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for n in [1000, 4000, 16000] {
        let r = role(&model, n);
        let ctx = RoleCtx::new(&env, &r, &model.index);
        let mut fast = Vec::new();
        (covered_entry::RULE.check)(&ctx, &mut fast);
        assert!(!fast.is_empty(), "the role has covered entries");
        g.bench_with_input(BenchmarkId::new("index", n), &ctx, |b, ctx| {
            b.iter(|| {
                let mut hits: Vec<Hit> = Vec::new();
                (covered_entry::RULE.check)(ctx, &mut hits);
                black_box(hits.len())
            })
        });
        // The pairwise rule takes seconds per run past a few thousand entries.
        if n <= 4000 {
            let mut naive = Vec::new();
            covered_entry::check_naive(&ctx, &mut naive);
            assert_eq!(fast, naive, "the index and the pairwise rule agree");
            g.bench_with_input(BenchmarkId::new("pairwise (naive)", n), &ctx, |b, ctx| {
                b.iter(|| {
                    let mut hits: Vec<Hit> = Vec::new();
                    covered_entry::check_naive(ctx, &mut hits);
                    black_box(hits.len())
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
