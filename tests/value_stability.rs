//! Pinned values for a seed: if any of these change, every published result of
//! the tool changes, so a change here must be deliberate (and announced). Pinned on
//! x86_64 Linux with glibc: another platform's `exp` and `ln` may differ in the last bit.

mod common;
use common::shipped;
use revshare::engine::{Layout, TermsField, simulate};
use revshare::streams::{Purpose, StreamKey};
use revshare::{Dist, Plan, ScenarioParam};

#[test]
fn the_first_paths_of_the_base_scenario_are_pinned() {
    let (base, t) = shipped("base");
    let plan = Plan::new(&base, &t, 42);
    let table = simulate(&plan, 3);
    let l = table.layout;
    let got: Vec<[f64; 3]> = (0..3)
        .map(|i| {
            let row = table.row(i);
            [
                row[Layout::REVENUE_TOTAL],
                row[l.terms_field(0, TermsField::Pv)],
                row[l.terms_field(2, TermsField::EndYear)],
            ]
        })
        .collect();
    assert_eq!(got, PINNED_BASE);
}

/// Total revenue, PV under panel-2025, and end year under fixed-2026, of paths 0..3.
const PINNED_BASE: [[f64; 3]; 3] = [
    [128.54741869046816, 13.343856644400763, 2028.7017011111411],
    [1655.1961296370444, 120.26578421295204, 2028.7188785341766],
    [1413.7112142909407, 84.96454000058458, 2028.9946810314293],
];

/// Every distribution kind of MODEL.md §6, as a scenario or terms cell writes it.
const KINDS: [&str; 9] = [
    "0.35",
    "uniform(0.1, 0.3)",
    "normal(-0.3, 0.1)",
    "lognormal(7, 0.8)",
    "triangular(1.5, 2, 3)",
    "pert(0.7, 1.1, 1.5)",
    "gamma(2, 0.5)",
    "discrete(3: 0.3, 6: 0.4, inf: 0.3)",
    "cdf(0: 0, 0.1: 0.5, 0.3: 1)",
];

/// The draws of paths 0, 1 and 2 of a parameter under seed 42, as the engine makes
/// them: the first number of the parameter's keyed stream for each path.
fn first_draws(text: &str) -> [f64; 3] {
    let dist = Dist::parse(text, true).unwrap();
    let key = StreamKey::new(42, "pins", Purpose::Param(ScenarioParam::AgiDelay));
    std::array::from_fn(|path| dist.sample(&mut key.rng(path as u64)))
}

#[test]
fn the_draws_of_every_distribution_kind_are_pinned() {
    let got: Vec<[f64; 3]> = KINDS.iter().map(|k| first_draws(k)).collect();
    for ((kind, got), want) in KINDS.iter().zip(&got).zip(&PINNED_DRAWS) {
        assert_eq!(got, want, "{kind}");
    }
}

/// [`first_draws`] of each of [`KINDS`], in order.
const PINNED_DRAWS: [[f64; 3]; 9] = [
    [0.35, 0.35, 0.35],
    [0.29589153859192563, 0.17260284827321512, 0.17748159135788483],
    [0.0018559472888430295, -0.3433724781147456, -0.35116427872135136],
    [78.3164544667979, 4.947737117799544, 4.648738624649855],
    [2.8244623671101894, 2.0225141239123263, 2.0414135068676047],
    [1.15692991333751, 1.1643650889159747, 1.1526043415640919],
    [4.694952924654758, 0.583547681503284, 0.5447778143373626],
    [f64::INFINITY, 6.0, 6.0],
    [0.2917830771838512, 0.0726028482732151, 0.07748159135788482],
];

/// A scenario and terms rows that use every distribution kind, in both files.
fn every_kind() -> (revshare::Scenario, Vec<revshare::Terms>) {
    let s = common::scenarios(include_str!("fixtures/every-kind.csv"));
    let t = common::terms(include_str!("fixtures/every-kind-terms.csv"));
    (s.into_iter().next().unwrap(), t)
}

#[test]
fn a_scenario_using_every_kind_in_both_files_is_pinned_path_by_path() {
    let (s, t) = every_kind();
    let plan = Plan::new(&s, &t, 42);
    let table = simulate(&plan, 3);
    let l = table.layout;
    let got: Vec<[f64; 4]> = (0..3)
        .map(|i| {
            let row = table.row(i);
            let pv = |t: usize| row[l.terms_field(t, TermsField::Pv)];
            [row[Layout::REVENUE_TOTAL], pv(0), pv(1), pv(2)]
        })
        .collect();
    assert_eq!(got, PINNED_EVERY_KIND);
}

/// Total revenue and the PV of each terms row, paths 0..3.
const PINNED_EVERY_KIND: [[f64; 4]; 3] = [
    [694.0006603861904, 52.0273612838702, 28.166999368436084, 23.361706399348076],
    [445.6327440761028, 31.690169736787766, 30.33433701520638, 24.18887159351684],
    [2084.4047449910518, 93.83034661158072, 30.196702330839837, 24.09079880893078],
];
