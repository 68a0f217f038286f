//! Engine throughput in paths per second, over the library API.
//!
//! One group per stage: `simulate` (paths), `statistics` (summaries of a path
//! table), `pipeline` (both, streamed as a run does), `report` (CSV files, charts
//! and HTML). `cargo bench` runs all; `cargo bench -- base` filters.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use revshare::engine::{CHUNK_PATHS, simulate, simulate_observed};
use revshare::{Plan, ScenarioResults};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

fn engine(c: &mut Criterion) {
    // The reference workload of the speed figures: the first edition's shipped
    // scenarios (ten years) under its three contracts of the question, panel-2025
    // (no calendar end), board-2019 and fixed-2026, so that the figures compare
    // across recalibrations of the shipped files.
    let scenarios = common::scenarios(common::FIRST_EDITION_SCENARIOS);
    let terms = common::terms(common::FIRST_EDITION_TERMS);
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
    // The paths as `revshare run` computes them: block by block, each folded and
    // dropped (here into one sum), no table of every path.
    let base_plan = Plan::new(scenarios.iter().find(|s| s.name() == "base").unwrap(), three, 42);
    g.bench_function("base/3-terms/all-cores/streamed", |b| b.iter(|| black_box(streamed(&base_plan, paths))));
    let base = scenarios.iter().find(|s| s.name() == "base").unwrap();
    // The same workload with the shipped rank correlations (growth0 with agi_delay
    // and with growth_inf: two perts and a lognormal through the Gaussian copula).
    let shipped_correlations = revshare::Source::builtin(
        "scenarios/correlations.csv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/correlations.csv")),
    );
    let correlated = revshare::input::correlate(&shipped_correlations, "first edition", scenarios.clone()).unwrap();
    let correlated_base = correlated.iter().find(|s| s.name() == "base").unwrap();
    let correlated_plan = Plan::new(correlated_base, three, 42);
    g.bench_function("base-correlated/3-terms/all-cores", |b| b.iter(|| black_box(simulate(&correlated_plan, paths))));
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
    // Today's shipped base (twenty years) under every shipped terms row.
    let (shipped, shipped_terms) = revshare::input::shipped();
    let shipped_base = shipped.iter().find(|s| s.name() == "base").unwrap();
    let shipped_plan = Plan::new(shipped_base, &shipped_terms, 42);
    g.bench_function(format!("shipped-base/{}-terms/all-cores", shipped_terms.len()), |b| {
        b.iter(|| black_box(simulate(&shipped_plan, paths)))
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

    // Paths and statistics together, as `revshare run` streams them.
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(paths as u64));
    g.sample_size(10);
    g.bench_function("base/3-terms/simulate-and-summarise", |b| {
        b.iter(|| black_box(revshare::simulate_scenario(base, three, 0, 42, paths)))
    });
    g.finish();

    let results = ScenarioResults::compute("base", three, 0, &plan, &table);
    let mut g = c.benchmark_group("report");
    g.throughput(Throughput::Elements(paths as u64));
    g.sample_size(10);
    g.bench_function("base/3-terms/csv-and-html", |b| b.iter(|| black_box(report(&results, three))));
    g.finish();
}

/// Simulates `paths` paths of `plan` block by block, as a run does, adding up
/// the first terms row's present value.
fn streamed(plan: &Plan<'_>, paths: usize) -> f64 {
    let pv = plan.layout().terms_field(0, revshare::engine::TermsField::Pv);
    let fold = |sum: &mut f64, block: &revshare::engine::Block| *sum += block.column(pv).iter().sum::<f64>();
    revshare::engine::simulate_fold(plan, 0, paths, &|_| {}, || 0.0, fold, |a, b| a + b)
}

/// The output files and the HTML report of one scenario's results.
fn report(results: &ScenarioResults, terms: &[revshare::Terms]) -> usize {
    use revshare::report::manifest::{Manifest, TermsInfo};
    use revshare::report::{OutputFile, csv, html};
    let all = std::slice::from_ref(results);
    let manifest = Manifest {
        program: "revshare".into(),
        version: "bench".into(),
        seed: 42,
        paths: results.paths,
        threads: 1,
        chunk_paths: revshare::engine::CHUNK_PATHS,
        baseline: terms[0].name().to_string(),
        inputs: Vec::new(),
        scenarios: vec![results.scenario.clone()],
        valuation: Vec::new(),
        terms: terms.iter().map(TermsInfo::new).collect(),
        periods: Default::default(),
        rng: revshare::streams::scheme(),
        quantiles: revshare::stats::QUANTILE_METHOD.to_string(),
        wall_seconds: 0.0,
        precision: None,
        warnings: Vec::new(),
        sweeps: Vec::new(),
        mixture: Vec::new(),
    };
    let files = [
        (OutputFile::Summary, csv::summary(all)),
        (OutputFile::Deltas, csv::deltas(all)),
        (OutputFile::Outcomes, csv::outcomes(all)),
        (OutputFile::Annual, csv::annual(all)),
        (OutputFile::Curves, csv::curves(all)),
        (OutputFile::Manifest, manifest.to_json()),
    ];
    let get = |f: OutputFile| Ok(files.iter().find(|(n, _)| *n == f).map(|(_, b)| b.clone()));
    let page = html::render(&html::ReportData::read(&get).unwrap()).unwrap();
    page.html.len() + page.charts.len()
}

criterion_group!(benches, engine);
criterion_main!(benches);
