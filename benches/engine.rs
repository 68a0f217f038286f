//! Engine throughput in paths per second, over the library API.
//!
//! `cargo bench` runs all; `cargo bench -- base` filters.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use revshare::engine::{CHUNK_PATHS, Plan, simulate, simulate_observed};
use revshare::input::{Scenario, Source, Terms};
use revshare::results::ScenarioResults;
use revshare::run::{SHIPPED_SCENARIOS, SHIPPED_TERMS};
use std::hint::black_box;

fn shipped() -> (Vec<Scenario>, Vec<Terms>) {
    let s = Scenario::read_all(&Source::builtin("openai.csv", SHIPPED_SCENARIOS)).unwrap();
    let t = Terms::read_all(&Source::builtin("terms.csv", SHIPPED_TERMS)).unwrap();
    (s, t)
}

fn engine(c: &mut Criterion) {
    let (scenarios, terms) = shipped();
    // The three contracts of the question: panel-2025, board-2019, fixed-2026.
    let three = &terms[..3];
    let paths = 20_000;
    let mut g = c.benchmark_group("simulate");
    g.throughput(Throughput::Elements(paths as u64));
    g.sample_size(20);
    for name in ["base", "company-plan", "bear"] {
        let s = scenarios.iter().find(|s| s.name == name).unwrap();
        let plan = Plan::new(s, three, 42);
        g.bench_function(format!("{name}/3-terms/all-cores"), |b| b.iter(|| black_box(simulate(&plan, paths))));
    }
    let base = scenarios.iter().find(|s| s.name == "base").unwrap();
    let plan = Plan::new(base, three, 42);
    // The same with the progress bar advanced per chunk (hidden, as when stderr is not a terminal).
    let progress = revshare::progress::Progress::new(u64::MAX, false);
    g.bench_function("base/3-terms/all-cores/with-progress", |b| {
        b.iter(|| black_box(simulate_observed(&plan, paths, CHUNK_PATHS, &|n| progress.inc(n))))
    });
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    g.bench_function("base/3-terms/1-thread", |b| b.iter(|| one.install(|| black_box(simulate(&plan, paths)))));
    g.finish();

    let mut g = c.benchmark_group("statistics");
    g.throughput(Throughput::Elements(paths as u64));
    g.sample_size(10);
    let table = simulate(&plan, paths);
    g.bench_function("base/3-terms", |b| b.iter(|| black_box(ScenarioResults::compute("base", three, 0, &table))));
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
