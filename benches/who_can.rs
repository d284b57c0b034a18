//! who-can at tenant scale: the indexed query on a synthetic tenant (100,000 assignments by
//! default, or the tenant in `AZRBAC_BENCH_TENANT=DIR`, e.g. one written by
//! `azrbac synth --assignments 1000000`), beside the naive evaluation of the rules on a small
//! tenant (the naive model is quadratic, so it gets 2,000 assignments).
//!
//! Run: `cargo bench --bench who_can` (figures in docs/performance.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use azrbac::analyses::access::naive::who_can_naive;
use azrbac::analyses::access::synth::{Config, generate_texts};
use azrbac::analyses::access::{AccessIndex, Engine, OpQuery, who_can, who_can_many_with};
use azrbac::analyses::risk::Taxonomy;
use azrbac::data::Model;
use azrbac::model::inventory::Inventory;
use azrbac::model::scope::ScopeKind;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

fn load(texts: &[String; 5]) -> Inventory {
    let mut inv = Inventory::new();
    let mut none = |_: usize| {};
    inv.read_assignments(&texts[0], "assignments.json", &mut none)
        .unwrap();
    inv.read_roles(&texts[1], "roles.json").unwrap();
    inv.read_groups(&texts[2], "groups.json", &mut none)
        .unwrap();
    inv.read_deny(&texts[3], "deny-assignments.json").unwrap();
    inv.read_management_groups(&texts[4], "management-groups.json")
        .unwrap();
    inv
}

fn tenant(model: &Model) -> (String, Inventory) {
    if let Ok(dir) = std::env::var("AZRBAC_BENCH_TENANT") {
        let read = |f: &str| std::fs::read_to_string(std::path::Path::new(&dir).join(f)).unwrap();
        let texts = [
            read("assignments.json"),
            read("roles.json"),
            read("groups.json"),
            read("deny-assignments.json"),
            read("management-groups.json"),
        ];
        return (dir.clone(), load(&texts));
    }
    let texts = generate_texts(model, &Config::scaled(1, 100_000)).unwrap();
    ("synthetic 100k".to_string(), load(&texts))
}

/// An example scope of each level: the first endpoint, resource group, subscription and
/// management group the tenant has, and `/`.
fn scopes(ix: &AccessIndex) -> Vec<(&'static str, String)> {
    let s = &ix.inv.scopes;
    let mut out = Vec::new();
    let first = |pred: &dyn Fn(u32) -> bool| {
        (0..s.len() as u32)
            .find(|i| pred(*i))
            .map(|i| s.display(i).to_string())
    };
    if let Some(ep) = first(&|i| {
        s.display(i)
            .to_ascii_lowercase()
            .contains("/onlineendpoints/")
    }) {
        out.push(("endpoint", ep));
    }
    for (label, kind) in [
        ("resource_group", ScopeKind::ResourceGroup),
        ("subscription", ScopeKind::Subscription),
        ("management_group", ScopeKind::ManagementGroup),
    ] {
        if let Some(x) = first(&|i| s.node(i).kind == kind) {
            out.push((label, x));
        }
    }
    out.push(("root", "/".to_string()));
    // A scope where a deny assignment applies, so the bench also pays for deny evaluation.
    if let Some(d) = ix
        .inv
        .denies
        .iter()
        .find(|d| !d.do_not_apply_to_child_scopes)
    {
        out.push(("deny_scope", s.display(d.scope).to_string()));
    }
    out
}

const OPS: [&str; 3] = [
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action",
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
];

fn bench(c: &mut Criterion) {
    let model = Model::embedded().unwrap();
    let (label, inv) = tenant(&model);
    let ix = AccessIndex::build(&model, inv, &mut |_, _| {});
    eprintln!(
        "tenant: {label}: {} assignments, {} principals, {} groups, {} scopes",
        ix.inv.assignments.len(),
        ix.inv.principals.len(),
        ix.inv.groups.len(),
        ix.inv.scopes.len()
    );
    let mut g = c.benchmark_group("who_can_indexed");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    for (level, scope) in scopes(&ix) {
        for op in OPS {
            let short = if op.contains("score") {
                "score"
            } else if op.contains("roleAssignments") {
                "roleAssignments_write"
            } else {
                "blobs_read"
            };
            let answer = who_can(&ix, op, &scope, false);
            eprintln!(
                "  {level} / {short}: {} allowed, {} denied",
                answer.at.allowed.len(),
                answer.at.denied.len()
            );
            g.bench_function(format!("{level}/{short}"), |b| {
                b.iter(|| who_can(&ix, op, &scope, false))
            });
        }
    }
    let ep = scopes(&ix)
        .into_iter()
        .find(|s| s.0 == "resource_group")
        .map(|s| s.1)
        .unwrap_or_else(|| "/".into());
    g.bench_function("resource_group/score_below", |b| {
        b.iter(|| who_can(&ix, OPS[0], &ep, true))
    });
    g.finish();

    // A risk category at the endpoint: every set at once, beside one query per set.
    let taxonomy = Taxonomy::embedded().unwrap();
    let risk = taxonomy.classify(&model.index, model.mode);
    let ci = taxonomy
        .categories()
        .iter()
        .position(|c| c.key == "secret-exposure")
        .unwrap();
    let names: Vec<String> = risk
        .ops_in(ci)
        .ones()
        .map(|id| model.index.catalog().name(id as u32).to_string())
        .collect();
    let ops = || -> Vec<OpQuery> {
        names
            .iter()
            .map(|n| OpQuery::new(&model.index, n))
            .collect()
    };
    let endpoint = scopes(&ix)[0].1.clone();
    let m = who_can_many_with(&ix, ops(), &endpoint, &risk, Engine::Sets);
    eprintln!(
        "  category secret-exposure ({} operations) at the endpoint: {} sets, {} principals",
        names.len(),
        m.groups.len(),
        m.principals.len()
    );
    let mut g = c.benchmark_group("who_can_category");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function("sets_one_pass", |b| {
        b.iter(|| who_can_many_with(&ix, ops(), &endpoint, &risk, Engine::Sets))
    });
    g.bench_function("one_query_per_set", |b| {
        b.iter(|| who_can_many_with(&ix, ops(), &endpoint, &risk, Engine::PerGroup))
    });
    g.bench_function("single_operation", |b| {
        b.iter(|| who_can(&ix, OPS[0], &endpoint, false))
    });
    g.finish();

    // The naive rules beside the index, on the same small tenant.
    let small = load(&generate_texts(&model, &Config::scaled(2, 2_000)).unwrap());
    let small_ix = AccessIndex::build(&model, small, &mut |_, _| {});
    let scope = scopes(&small_ix)[0].1.clone();
    let mut g = c.benchmark_group("who_can_small_tenant_2k");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function("indexed", |b| {
        b.iter(|| who_can(&small_ix, OPS[0], &scope, false))
    });
    g.bench_function("naive", |b| {
        b.iter(|| who_can_naive(&model, &small_ix.inv, OPS[0], &scope))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
