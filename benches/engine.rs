//! Engine throughput in paths per second, over the library API.
//!
//! `cargo bench` runs all; `cargo bench -- base` filters.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use revshare::engine::{CHUNK_PATHS, simulate, simulate_observed};
use revshare::{Plan, ScenarioResults};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

fn engine(c: &mut Criterion) {
    let (scenarios, terms) = revshare::input::shipped();
    // The three contracts of the question: panel-2025, board-2019, fixed-2026.
    let three = &terms[..3];
    let paths = 20_000;
    let mut g = c.benchmark_group("simulate");
    g.throughput(Throughput::Elements(paths as u64));
    g.sample_size(20);
    for name in ["base", "company-plan", "bear"] {
        let s = scenarios.iter().find(|s| s.name() == name).unwrap();
        let plan = Plan::new(s, three, 42);
        g.bench_function(format!("{name}/3-terms/all-cores"), |b| b.iter(|| black_box(simulate(&plan, paths))));
    }
    let base = scenarios.iter().find(|s| s.name() == "base").unwrap();
    let plan = Plan::new(base, three, 42);
    // The same with an observer called per chunk from the worker threads, as the
    // binary's progress bar is.
    let done = AtomicU64::new(0);
    g.bench_function("base/3-terms/all-cores/observed", |b| {
        b.iter(|| {
            black_box(simulate_observed(&plan, paths, CHUNK_PATHS, &|n| {
                done.fetch_add(n, Ordering::Relaxed);
            }))
        })
    });
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    g.bench_function("base/3-terms/1-thread", |b| b.iter(|| one.install(|| black_box(simulate(&plan, paths)))));
    g.finish();

    let mut g = c.benchmark_group("statistics");
    g.throughput(Throughput::Elements(paths as u64));
    g.sample_size(10);
    let table = simulate(&plan, paths);
    g.bench_function("base/3-terms", |b| {
        b.iter(|| black_box(ScenarioResults::compute("base", three, 0, &plan, &table)))
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
