//! Property tests of what a user can type or put in a file: the distribution
//! grammar and the CSV loaders never panic on any text or bytes; every valid
//! distribution prints back in a form that parses to the same distribution; a
//! refused one says what is wrong.

use proptest::prelude::*;
use revshare::{Dist, Source, read_scenarios, read_terms};

/// Finite numbers as a user writes them, large and small.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![-1e6..1e6f64, -10.0..10.0f64, (0u32..1000).prop_map(f64::from), Just(0.0)]
}

/// Valid distributions of every kind.
fn dist() -> impl Strategy<Value = Dist> {
    let pos = 1e-6..1e4f64;
    prop_oneof![
        number().prop_map(|v| Dist::constant(v).unwrap()),
        (number(), pos.clone()).prop_map(|(a, w)| Dist::uniform(a, a + w).unwrap()),
        (number(), pos.clone()).prop_map(|(m, s)| Dist::normal(m, s).unwrap()),
        (pos.clone(), 1e-3..3.0f64).prop_map(|(m, s)| Dist::lognormal(m, s).unwrap()),
        (number(), pos.clone(), 0.0..1.0f64).prop_map(|(a, w, f)| Dist::triangular(a, a + f * w, a + w).unwrap()),
        (number(), pos.clone(), 0.0..1.0f64).prop_map(|(a, w, f)| Dist::pert(a, a + f * w, a + w).unwrap()),
        (1e-3..50.0f64, pos.clone()).prop_map(|(k, s)| Dist::gamma(k, s).unwrap()),
        proptest::collection::vec((number(), 1u32..100), 1..6).prop_filter_map("distinct values", |pairs| {
            let total: u32 = pairs.iter().map(|p| p.1).sum();
            let pairs: Vec<(f64, f64)> = pairs.iter().map(|(v, w)| (*v, f64::from(*w) / f64::from(total))).collect();
            Dist::discrete(&pairs).ok()
        }),
        (number(), proptest::collection::vec((pos, 1u32..100), 1..5)).prop_filter_map("a valid cdf", |(x0, steps)| {
            let total: u32 = steps.iter().map(|s| s.1).sum();
            let (mut x, mut p) = (x0, 0.0);
            let mut points = vec![(x, 0.0)];
            for (dx, w) in &steps {
                x += dx;
                p += f64::from(*w) / f64::from(total);
                points.push((x, p));
            }
            points.last_mut().unwrap().1 = 1.0;
            Dist::cdf(&points).ok()
        }),
    ]
}

fn source(name: &str, bytes: Vec<u8>) -> Source {
    Source { name: name.to_string(), bytes }
}

proptest! {
    // A fixed seed: the same cases on every run, so the tests are deterministic.
    #![proptest_config(ProptestConfig {
        cases: 2000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(42),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_is_parsed_or_refused_with_a_reason(text in ".{0,60}", allow_inf in any::<bool>()) {
        if let Err(e) = Dist::parse(&text, allow_inf) {
            prop_assert!(!e.0.is_empty());
        }
    }

    #[test]
    fn near_misses_of_the_grammar_are_refused_with_a_reason(
        name in prop_oneof![
            proptest::sample::select(vec!["uniform", "normal", "pert", "discrete", "cdf", "gamma", "lognormal", "triangular"])
                .prop_map(str::to_string),
            "[a-z]{1,8}",
        ],
        args in proptest::collection::vec(prop_oneof![number().prop_map(|v| v.to_string()), Just("inf".to_string()), Just("nan".to_string()), Just("".to_string()), "[0-9.:e-]{1,6}"], 0..5),
        sep in prop_oneof![Just(", "), Just(","), Just(";"), Just(": ")],
        close in prop_oneof![Just(")"), Just(""), Just("))")],
    ) {
        let text = format!("{name}({}{close}", args.join(sep));
        match Dist::parse(&text, true) {
            Ok(d) => prop_assert_eq!(Dist::parse(&d.to_string(), true).unwrap(), d),
            Err(e) => prop_assert!(!e.0.is_empty(), "{text}"),
        }
    }

    #[test]
    fn every_valid_distribution_prints_back_to_itself(d in dist()) {
        let text = d.to_string();
        let back = Dist::parse(&text, false).map_err(|e| TestCaseError::fail(format!("{text}: {}", e.0)))?;
        prop_assert_eq!(back, d, "{}", text);
    }

    #[test]
    fn any_bytes_as_a_scenario_or_terms_file_are_read_or_refused_with_a_message(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        if let Err(e) = read_scenarios(&source("s.csv", bytes.clone())) {
            prop_assert!(e.to_string().contains("s.csv"));
        }
        if let Err(e) = read_terms(&source("t.csv", bytes)) {
            prop_assert!(e.to_string().contains("t.csv"));
        }
    }

    #[test]
    fn any_cells_under_a_valid_header_are_read_or_refused_with_a_message(
        cells in proptest::collection::vec(prop_oneof![
            "[ -~]{0,12}",
            number().prop_map(|v| v.to_string()),
            Just("\"pert(0.7, 1.1, 1.5)\"".to_string()),
            Just("inf".to_string()),
            Just("none".to_string()),
            Just("\"discrete(2031: 0.5, none: 0.5)\"".to_string()),
        ], 1..40),
    ) {
        let scenario_columns = "name,revenue0,growth0,sigma,agi_delay,horizon,start,failure_below,valuation_date,discount_rate";
        let terms_columns = "name,share,end,trigger,cap,spread_years,recovery,reading";
        for (file, header, width) in [("s.csv", scenario_columns, 10), ("t.csv", terms_columns, 8)] {
            let rows: Vec<String> = cells.chunks(width).map(|c| c.join(",")).collect();
            let text = format!("{header}\n{}\n", rows.join("\n"));
            let result = if file == "s.csv" {
                read_scenarios(&source(file, text.into_bytes())).map(|_| ())
            } else {
                read_terms(&source(file, text.into_bytes())).map(|_| ())
            };
            if let Err(e) = result {
                let message = e.to_string();
                prop_assert!(message.contains(file), "{}", message);
            }
        }
    }
}
