//! Lint of all 928 built-in roles in one process (issue 4: under 2 s), every rule enabled:
//! through the graph index, and the same rules with the naive resolver (every pattern tested
//! against every catalog operation) as the baseline. Each iteration builds a fresh rule
//! environment (Contributor's grant, the risk index, empty "did you mean" memo), as one
//! `azrbac lint` process does; the environment alone is measured too.

#![allow(clippy::expect_used)]

use azrbac::Model;
use azrbac::analyses::lint::{LintEnv, Selection, lint_role, lint_role_with};
use azrbac::effective::Naive;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let model = Model::embedded().expect("embedded model");
    let env = LintEnv::new(&model).expect("lint environment");
    let all = Selection::all();
    let roles = model.builtins.roles();
    assert_eq!(roles.len(), 928);

    let mut g = c.benchmark_group("lint_all_builtins");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("environment", |b| {
        b.iter(|| black_box(LintEnv::new(&model).expect("env").dangerous.len()))
    });
    g.bench_function("graph index", |b| {
        b.iter(|| {
            let env = LintEnv::new(&model).expect("env");
            let n: usize = roles.iter().map(|r| lint_role(&env, r, &all).len()).sum();
            black_box(n)
        })
    });
    let naive = Naive(model.index.catalog());
    g.bench_function("naive scan", |b| {
        b.iter(|| {
            let env = LintEnv::new(&model).expect("env");
            let n: usize = roles
                .iter()
                .map(|r| lint_role_with(&env, r, &all, &naive).len())
                .sum();
            black_box(n)
        })
    });
    g.finish();

    // The two resolvers give the same findings.
    for r in roles {
        assert_eq!(
            lint_role(&env, r, &all),
            lint_role_with(&env, r, &all, &naive)
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
