//! The Bicep reader on one role of 8,000 and 32,000 `actions` entries (0.4 and 1.7 MB; defect
//! H1: 0.9 s and 9.0 s before) and on 4,000 role resources, beside the JSON reader on the same
//! roles (the linear reference). The locator's naive baseline is in `read_terraform.rs`.
//! Figures: docs/performance.md, "IaC readers".

#![allow(clippy::expect_used)]

use azrbac::model::parse_role_text;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

const SCOPE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn entries(n: usize, quote: char) -> Vec<String> {
    (0..n)
        .map(|i| format!("{quote}Microsoft.Compute/virtualMachines/x{i}/read{quote}"))
        .collect()
}

fn bicep_entries(n: usize) -> String {
    format!(
        "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {{\n  name: 'x'\n  properties: {{\n    roleName: 'x'\n    permissions: [ {{ actions: [\n      {}\n    ] }} ]\n    assignableScopes: [ '{SCOPE}' ]\n  }}\n}}\n",
        entries(n, '\'').join("\n      ")
    )
}

fn json_entries(n: usize) -> String {
    format!(
        "{{\"Name\": \"x\", \"Actions\": [\n  {}\n], \"AssignableScopes\": [\"{SCOPE}\"]}}\n",
        entries(n, '"').join(",\n  ")
    )
}

fn bicep_resources(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "resource r{i} 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {{\n  name: 'x{i}'\n  properties: {{\n    roleName: 'x{i}'\n    permissions: [ {{ actions: [ 'Microsoft.Compute/virtualMachines/read' ] }} ]\n    assignableScopes: [ '{SCOPE}' ]\n  }}\n}}\n"
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("read_bicep");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for n in [8000, 32000] {
        let text = bicep_entries(n);
        let roles = parse_role_text(&text, "role.bicep").expect("bicep");
        assert_eq!(roles[0].permissions[0].actions.len(), n);
        g.bench_with_input(BenchmarkId::new("bicep entries", n), &text, |b, t| {
            b.iter(|| black_box(parse_role_text(t, "role.bicep").expect("bicep").len()))
        });
        let j = json_entries(n);
        g.bench_with_input(
            BenchmarkId::new("json entries (reference)", n),
            &j,
            |b, t| b.iter(|| black_box(parse_role_text(t, "role.json").expect("json").len())),
        );
    }
    let text = bicep_resources(4000);
    assert_eq!(
        parse_role_text(&text, "roles.bicep").expect("bicep").len(),
        4000
    );
    g.bench_with_input(BenchmarkId::new("bicep resources", 4000), &text, |b, t| {
        b.iter(|| black_box(parse_role_text(t, "roles.bicep").expect("bicep").len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
