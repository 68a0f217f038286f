//! MODEL.md §7 in the library: the path table is the same for any chunking and
//! thread count, and a terms row's numbers do not depend on which other rows
//! exist or where they stand. The same properties of the output files, through
//! the binary, are in `tests/cli.rs`.

mod common;
use common::{shipped, terms};
use revshare::engine::{simulate, simulate_chunked};
use revshare::results::{Accumulator, Budget};
use revshare::{Metric, Plan, ScenarioResults, simulate_scenario};

#[test]
fn the_path_table_is_identical_for_any_chunk_size_and_thread_count() {
    let (base, t) = shipped("base");
    let plan = Plan::new(&base, &t, 42);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let reference = one.install(|| simulate_chunked(&plan, 3000, 3000));
    assert_eq!(reference.column(0).len(), 3000);
    for chunk in [1, 7, 256, 1000] {
        assert_eq!(two.install(|| simulate_chunked(&plan, 3000, chunk)), reference, "chunk {chunk}");
    }
    // The blocks a streamed run folds are the same whatever the table's chunking.
    let streamed = two.install(|| simulate_chunked(&plan, 3000, 256));
    for chunk in [7, 1000, 3000] {
        let other = two.install(|| simulate_chunked(&plan, 3000, chunk));
        for b in 0..streamed.blocks() {
            let (x, y) = (streamed.block(b), other.block(b));
            assert_eq!((x.first, x.paths), (y.first, y.paths));
            let same = (0..plan.layout().stride())
                .all(|j| x.column(j).iter().zip(y.column(j)).all(|(a, b)| a.to_bits() == b.to_bits()));
            assert!(same, "block {b} of a table in chunks of {chunk}");
        }
    }
    // The first paths of a longer run are the paths of a shorter one.
    let longer = two.install(|| simulate_chunked(&plan, 5000, 256));
    for i in [0, 1, 2999] {
        let bits = |r: &[f64]| r.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&longer.row(i)), bits(&reference.row(i)));
    }
}

#[test]
fn a_terms_rows_results_do_not_move_when_other_rows_are_added_or_reordered() {
    let (base, _) = shipped("base");
    let text = "name,share,end,trigger,cap,cap_counted\n\
                a,0.2,,verified,,\n\
                b,\"uniform(0.1, 0.2)\",2031,none,\"triangular(30, 38, 45)\",\"uniform(0, 2)\"\n";
    let before = simulate_scenario(&base, &terms(text), 0, 9, 2000).unwrap();
    let extended = format!("{text}c,\"uniform(0.1, 0.3)\",2030,declared,20,1\n");
    let after = simulate_scenario(&base, &terms(&extended), 0, 9, 2000).unwrap();
    assert_eq!(after.terms[..2], before.terms[..]);
    assert_eq!(after.deltas[..2], before.deltas[..]);
    // Reordered, with b first: b's numbers are still b's.
    let reordered = "name,share,end,trigger,cap,cap_counted\n\
                     b,\"uniform(0.1, 0.2)\",2031,none,\"triangular(30, 38, 45)\",\"uniform(0, 2)\"\n\
                     a,0.2,,verified,,\n";
    let r = simulate_scenario(&base, &terms(reordered), 1, 9, 2000).unwrap();
    assert_eq!(r.terms[0], before.terms[1]);
    assert_eq!(r.terms[1], before.terms[0]);
}

#[test]
fn a_different_seed_gives_different_draws() {
    let (base, t) = shipped("base");
    let a = simulate_scenario(&base, &t, 0, 1, 500).unwrap();
    let b = simulate_scenario(&base, &t, 0, 2, 500).unwrap();
    assert_ne!(a.revenue.mean, b.revenue.mean);
    let e = simulate_scenario(&base, &t, 7, 1, 500).unwrap_err().to_string();
    assert_eq!(e, "baseline, value `7`: the baseline must be one of the 7 terms rows (0 to 6)");
    assert!(simulate_scenario(&base, &t, 0, 1, 0).is_err());
}

/// Simulates `paths` paths of `plan` in rounds ending at `rounds` (the last is
/// `paths`), under a small memory budget, on `pool`.
fn in_rounds(plan: &Plan<'_>, rounds: &[usize], pool: &rayon::ThreadPool, budget: Budget) -> ScenarioResults {
    let paths = *rounds.last().unwrap();
    pool.install(|| {
        let mut acc = Accumulator::with_budget(plan, 0, 0, budget);
        for &next in rounds {
            let from = acc.paths() as usize;
            acc = acc.merge(Accumulator::simulate(plan, 0, from, next, budget, &|_| {}));
            acc.limit_memory();
        }
        assert_eq!(acc.paths() as usize, paths);
        acc.finish("base", &shipped("base").1)
    })
}

#[test]
fn streamed_statistics_are_the_same_for_any_threads_and_rounds_even_past_the_exact_budget() {
    let (base, t) = shipped("base");
    let plan = Plan::new(&base, &t, 42);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    // Exact quantiles up to 2,048 paths of the main series and 512 of the annual ones
    // (`base` reports 20 years).
    let budget = Budget { main: 2048, annual_values: 512 * 20 };
    let at_once = in_rounds(&plan, &[5000], &one, budget);
    assert!(!at_once.quantiles.main_exact && at_once.quantiles.sketch_error > 0.0);
    for rounds in [&[1024, 5000][..], &[256, 2048, 2304, 5000], &[4096, 5000]] {
        assert_eq!(in_rounds(&plan, rounds, &two, budget), at_once, "rounds {rounds:?}");
    }
    // Within the budget the quantiles are exact, and the same as from a table.
    let exact = in_rounds(&plan, &[256, 500], &two, budget);
    assert!(exact.quantiles.main_exact && exact.quantiles.annual_exact);
    assert_eq!(exact, in_rounds(&plan, &[500], &one, budget));
    let table = simulate_chunked(&plan, 1500, revshare::engine::CHUNK_PATHS);
    assert_eq!(
        ScenarioResults::compute("base", &t, 0, &plan, &table),
        in_rounds(&plan, &[1500], &one, Budget::DEFAULT)
    );
}

/// `base` under `terms`, `paths` paths at once, with `budget`.
fn streamed(terms: &[revshare::Terms], paths: usize, budget: Budget) -> ScenarioResults {
    let (base, _) = shipped("base");
    let plan = Plan::new(&base, terms, 42);
    Accumulator::simulate(&plan, 0, 0, paths, budget, &|_| {}).finish("base", terms)
}

#[test]
fn past_the_exact_budget_a_rows_quantiles_do_not_depend_on_the_other_rows() {
    let t = shipped("base").1;
    let small = Budget { main: 1000, annual_values: 1000 * 20 };
    let all = streamed(&t, 3000, small);
    let three = streamed(&t[..3], 3000, small);
    assert!(!all.quantiles.main_exact && !all.quantiles.annual_exact);
    assert_eq!(three.terms[..], all.terms[..3]);
    // Every paired difference of the three rows (against the baseline and against
    // the readings among them) is the same with the other rows present.
    assert!(three.deltas.len() >= 4);
    for d in &three.deltas {
        assert_eq!(Some(d), all.delta_against(&d.terms, &d.baseline, d.metric), "{} - {}", d.terms, d.baseline);
    }
}

#[test]
fn sketched_calendar_years_stay_within_days_of_the_exact_ones() {
    let t = shipped("base").1;
    let exact = streamed(&t, 3000, Budget::DEFAULT);
    let sketched = streamed(&t, 3000, Budget { main: 0, annual_values: 0 });
    for (e, s) in exact.terms.iter().zip(&sketched.terms) {
        let (e, s) = (e.metric(Metric::EndYear), s.metric(Metric::EndYear));
        assert_eq!(e.mean, s.mean, "means come from exact sums either way");
        for (a, b) in e.quantiles.iter().zip(&s.quantiles) {
            // 2^-11 of at most 10 years since the start: under two days.
            assert!((a - b).abs() < 10.0 / 2048.0, "{a} vs {b}");
        }
    }
}

#[test]
fn rows_sharing_a_stream_draw_the_same_worlds() {
    // MODEL.md §7, shared streams: two rows that differ only in the discount rate
    // see the same revenue, AGI and failure on every path; a row on its own stream
    // does not.
    let text = "name,revenue0,growth0,sigma,agi_delay,default_rate,discount_rate,stream\n\
                a,20,\"pert(0.7, 1.1, 1.5)\",0.25,\"lognormal(7, 0.8)\",0.03,0.075,s\n\
                b,20,\"pert(0.7, 1.1, 1.5)\",0.25,\"lognormal(7, 0.8)\",0.03,0.109,s\n\
                c,20,\"pert(0.7, 1.1, 1.5)\",0.25,\"lognormal(7, 0.8)\",0.03,0.075,\n";
    let s = common::scenarios(text);
    let t = common::terms("name,share,end\nt,0.2,2031\n");
    let tables: Vec<_> = s.iter().map(|x| simulate(&Plan::new(x, &t, 7), 500)).collect();
    let l = tables[0].layout();
    let revenue = |i: usize| tables[i].column(revshare::engine::Layout::REVENUE_TOTAL);
    let pv = |i: usize| tables[i].column(l.terms_field(0, revshare::engine::TermsField::Pv));
    assert_eq!(revenue(0), revenue(1), "the same stream, the same revenue path by path");
    assert_ne!(revenue(0), revenue(2), "another stream, other draws");
    // A lower discount rate: a PV at least as high on every path (higher wherever
    // anything is paid after the valuation date).
    let pairs: Vec<(f64, f64)> = pv(0).iter().copied().zip(pv(1)).collect();
    assert!(pairs.iter().all(|(a, b)| a >= b) && pairs.iter().filter(|(a, b)| a > b).count() > 450);
    // A row whose stream is its own name draws as it did without the column.
    let named = common::scenarios(&text.replace(",\n", ",c\n"));
    assert_eq!(simulate(&Plan::new(&named[2], &t, 7), 500), tables[2]);
}
