//! The Terraform reader (`.tf`, hcl-edit) on files of 2,000 and 8,000 `azurerm_role_definition`
//! resources (0.4 and 1.6 MB; defect H1: 1.2 s and 16.8 s before), beside the JSON reader on
//! the same roles (the linear reference), and the entry locator alone: the line index beside
//! the old way of counting lines from the start of the text for every entry (the naive
//! baseline that made the reader quadratic). Figures: docs/performance.md, "IaC readers".

#![allow(clippy::expect_used)]

use azrbac::model::line_index::LineIndex;
use azrbac::model::parse_role_text;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn tf(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "resource \"azurerm_role_definition\" \"r{i}\" {{\n  name  = \"r{i}\"\n  scope = \"/subscriptions/00000000-0000-0000-0000-000000000000\"\n  permissions {{\n    actions = [\"Microsoft.Compute/virtualMachines/read\"]\n  }}\n}}\n"
            )
        })
        .collect()
}

fn json(n: usize) -> String {
    let roles: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{{\"Name\": \"r{i}\", \"Actions\": [\"Microsoft.Compute/virtualMachines/read\"], \"AssignableScopes\": [\"/subscriptions/00000000-0000-0000-0000-000000000000\"]}}"
            )
        })
        .collect();
    format!("[\n{}\n]\n", roles.join(",\n"))
}

/// The old locator: count newlines and characters from the start of the text.
fn line_col_naive(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, column)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("read_terraform");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for n in [2000, 8000] {
        let text = tf(n);
        assert_eq!(
            parse_role_text(&text, "roles.tf").expect("tf").len(),
            n,
            "every resource is read"
        );
        g.bench_with_input(BenchmarkId::new("tf", n), &text, |b, t| {
            b.iter(|| black_box(parse_role_text(t, "roles.tf").expect("tf").len()))
        });
        let j = json(n);
        g.bench_with_input(BenchmarkId::new("json (reference)", n), &j, |b, t| {
            b.iter(|| black_box(parse_role_text(t, "roles.json").expect("json").len()))
        });
        // Where the reader locates things: each resource and each entry.
        let offsets: Vec<usize> = text.match_indices("resource").map(|(i, _)| i).collect();
        g.bench_with_input(BenchmarkId::new("locate: line index", n), &text, |b, t| {
            b.iter(|| {
                let ix = LineIndex::new(t);
                black_box(offsets.iter().map(|o| ix.line_col(*o).0).sum::<usize>())
            })
        });
        g.bench_with_input(
            BenchmarkId::new("locate: count from the start (naive)", n),
            &text,
            |b, t| {
                b.iter(|| {
                    black_box(
                        offsets
                            .iter()
                            .map(|o| line_col_naive(t, *o).0)
                            .sum::<usize>(),
                    )
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
