//! Benchmark: expand all 928 built-in roles through the graph index, beside the naive
//! matcher (every pattern tested against every catalog operation) in the same run.
//! Figures and machine: docs/performance.md, section "Permission model (issue 2)".

#![allow(clippy::unwrap_used, clippy::expect_used)]

use azrbac::Model;
use azrbac::effective::{Naive, expand, expand_with};
use azrbac::model::WildcardMode;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn expand_all_builtins(c: &mut Criterion) {
    let model = Model::embedded().expect("embedded model");
    let roles = model.builtins.roles();
    assert_eq!(roles.len(), 928);
    let naive = Naive(model.index.catalog());
    let mut g = c.benchmark_group("expand_all_builtins");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("index", |b| {
        b.iter(|| {
            for r in roles {
                black_box(expand(&model.index, black_box(r), WildcardMode::Azure));
            }
        })
    });
    g.bench_function("naive", |b| {
        b.iter(|| {
            for r in roles {
                black_box(expand_with(&naive, black_box(r), WildcardMode::Azure));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, expand_all_builtins);
criterion_main!(benches);
