//! The closed forms of MODEL.md §9: deterministic cases to 1e-9 relative,
//! stochastic ones within 4 standard errors at a fixed seed.

mod common;
use common::{assert_rel, assert_within_se, simulate};
use revshare::{Metric, ScenarioResults};

fn annual_revenue(r: &ScenarioResults, year: i32) -> &revshare::stats::Summary {
    &r.annual_revenue.iter().find(|a| a.period.label == year.to_string()).unwrap().summary
}

#[test]
fn deterministic_constant_growth_gives_geometric_series() {
    // R_k = 12 * 1.25^(k/12): M_k = 1.25^(k/12). Share 0.2 until mid-July 2029 (month 42 half paid).
    let r = simulate(
        "name,revenue0,growth0,growth_inf,discount_rate,horizon\ngeo,12,0.25,0.25,0.08,2031\n",
        "name,share,end\nmid,0.2,2029-07-16\n",
        3,
        1,
    );
    let q = 1.25f64.powf(1.0 / 12.0);
    let m = |k: i32| q.powi(k);
    let total: f64 = (0..60).map(m).sum();
    assert_rel(r.revenue.mean, total, 1e-9, "total revenue");
    assert_rel(r.revenue.mean, (q.powi(60) - 1.0) / (q - 1.0), 1e-9, "geometric sum");
    let frac = 15.0 / 31.0; // 16 July: 15 of July's 31 days are before the end
    let paid: f64 = 0.2 * ((0..42).map(m).sum::<f64>() + frac * m(42));
    let t = &r.terms[0];
    assert_rel(t.metric(Metric::Paid).mean, paid, 1e-9, "paid");
    let df = |k: i32| 1.08f64.powf(-(k as f64 + 1.0) / 12.0);
    let pv: f64 = 0.2 * ((0..42).map(|k| m(k) * df(k)).sum::<f64>() + frac * m(42) * df(42));
    assert_rel(t.metric(Metric::Pv).mean, pv, 1e-9, "pv");
    assert_rel(t.metric(Metric::EndYear).mean, 2029.5 + frac / 12.0, 1e-12, "end year");
    for (y, a) in r.annual_revenue.iter().enumerate() {
        let expect: f64 = (12 * y as i32..12 * y as i32 + 12).map(m).sum();
        assert_rel(a.summary.mean, expect, 1e-9, "annual revenue");
    }
}

#[test]
fn expected_revenue_grows_at_g_for_any_sigma() {
    // E[R_k] = revenue0 (1+g)^(k/12): annual revenue means match the deterministic sums.
    let r = simulate(
        "name,revenue0,growth0,growth_inf,sigma,horizon\nvol,12,0.3,0.3,0.6,2031\n",
        "name,share\ns,0.2\n",
        40_000,
        7,
    );
    for (y, year) in (2026..2031).enumerate() {
        let expect: f64 = (12 * y..12 * y + 12).map(|k| 1.3f64.powf(k as f64 / 12.0)).sum();
        let s = annual_revenue(&r, year);
        assert_within_se(s.mean, s.se.unwrap(), expect, 4.0, &format!("revenue {year}"));
    }
}

#[test]
fn compound_poisson_jumps_scale_expected_revenue_by_their_mgf() {
    // E[R_k] = revenue0 (1+g)^(k/12) exp(k lambda/12 (E[e^Y] - 1)), Y ~ N(mu, s).
    let (lambda, mu, s) = (0.5, -0.2, 0.3);
    let r = simulate(
        &format!(
            "name,revenue0,growth0,growth_inf,jump_rate,jump_mean,jump_sd,horizon\nj,12,0.1,0.1,{lambda},{mu},{s},2030\n"
        ),
        "name,share\ns,0.2\n",
        40_000,
        11,
    );
    let kappa = (mu + s * s / 2.0f64).exp() - 1.0;
    for (y, year) in (2026..2030).enumerate() {
        let expect: f64 = (12 * y..12 * y + 12)
            .map(|k| 1.1f64.powf(k as f64 / 12.0) * (k as f64 * lambda / 12.0 * kappa).exp())
            .sum();
        let sm = annual_revenue(&r, year);
        assert_within_se(sm.mean, sm.se.unwrap(), expect, 4.0, &format!("revenue {year}"));
    }
}

#[test]
fn company_plan_reproduces_the_reported_figures() {
    let scenarios = revshare::input::SHIPPED_SCENARIOS;
    let terms = "name,share,end,trigger,cap\nuncapped,0.2,2031,none,\ncapped,0.2,2031,none,38\n";
    let r = simulate(scenarios, terms, 10, 42);
    assert_eq!(r.scenario, "company-plan");
    for (year, target) in [(2026, 30.0), (2027, 62.0), (2028, 113.0), (2029, 186.0), (2030, 280.0)] {
        assert_rel(annual_revenue(&r, year).mean, target, 0.01, &format!("revenue {year}"));
    }
    let uncapped = r.terms[0].metric(Metric::Paid).mean;
    assert!((uncapped - 134.1).abs() <= 0.5, "uncapped paid {uncapped}");
    let capped = &r.terms[1];
    assert_rel(capped.metric(Metric::Paid).mean, 38.0, 1e-12, "capped paid");
    let cap_year = capped.cap_year.as_ref().unwrap().mean;
    assert!((2028.0..2029.0).contains(&cap_year), "cap binds in {cap_year}");
    assert!(cap_year > 2028.5, "late 2028: {cap_year}");
    assert_eq!(capped.cap_hit.unwrap().p, 1.0);
    assert_eq!(r.terms[0].cap_hit, None, "a row with no cap has no cap probability");
}

#[test]
fn exponential_failure_with_constant_revenue_has_a_closed_form_expected_payment() {
    // M = 1 per month, share a, E = 5 years: a * 12 * (1 - e^{-lambda E}) / lambda accrues
    // in expectation. The accrual of the month of failure falls due at its end, after the
    // failure, and is lost (MODEL.md §4): with h = 1/12 and g = (1 - e^{-lambda h} (1 +
    // lambda h)) / lambda, E[lost] = 12 a g (1 - e^{-lambda E}) / (1 - e^{-lambda h}).
    let (lambda, a, e): (f64, f64, f64) = (0.2, 0.5, 5.0);
    let r = simulate(
        &format!("name,revenue0,default_rate\nf,12,{lambda}\n"),
        &format!("name,share,end\nt,{a},2031\n"),
        40_000,
        3,
    );
    let t = &r.terms[0];
    let h = 1.0 / 12.0;
    let g = (1.0 - (-lambda * h).exp() * (1.0 + lambda * h)) / lambda;
    let lost_expect = 12.0 * a * g * (1.0 - (-lambda * e).exp()) / (1.0 - (-lambda * h).exp());
    let accrued = a * 12.0 * (1.0 - (-lambda * e).exp()) / lambda;
    let lost = t.metric(Metric::Lost);
    assert_within_se(lost.mean, lost.se.unwrap(), lost_expect, 4.0, "E[lost]");
    let paid = t.metric(Metric::Paid);
    assert_within_se(paid.mean, paid.se.unwrap(), accrued - lost_expect, 4.0, "E[paid]");
    let p_fail = 1.0 - (-lambda * e).exp();
    let got = t.end_by[3];
    assert_within_se(got.p, got.se, p_fail, 4.0, "P(end by failure)");
    assert_within_se(t.end_by[1].p, t.end_by[1].se, 1.0 - p_fail, 4.0, "P(end by cutoff)");
}

#[test]
fn a_uniform_agi_date_stops_a_declared_trigger_contract_on_average_at_its_mean() {
    // Constant revenue M = 1, share 1, trigger declared, T_D ~ U(1, 3): paid = 12 T_D, E = 24.
    // The panel lag does not matter to a `declared` trigger but delays a `verified` one by its mean.
    let r = simulate(
        "name,revenue0,agi_delay,panel_lag\na,12,\"uniform(1, 3)\",\"gamma(2, 0.25)\"\n",
        "name,share,trigger\nd,1,declared\nv,1,verified\n",
        40_000,
        5,
    );
    let d = r.terms[0].metric(Metric::Paid);
    assert_within_se(d.mean, d.se.unwrap(), 24.0, 4.0, "declared");
    let v = r.terms[1].metric(Metric::Paid);
    assert_within_se(v.mean, v.se.unwrap(), 30.0, 4.0, "verified");
    assert_eq!(r.terms[0].end_by[2].p, 1.0);
    let delta = r.delta("v", Metric::Net).unwrap();
    assert_within_se(delta.summary.mean, delta.summary.se.unwrap(), 6.0, 4.0, "paired difference");
    assert_eq!(delta.prob_positive.p, 1.0, "the panel lag is positive on every path");
}

#[test]
fn a_mid_year_start_splits_calendar_years_and_dates_by_the_decimal_convention() {
    // 12 $B a year from July 2026 to July 2028; the share ends on 1 April 2028.
    let r = simulate(
        "name,revenue0,start,horizon\nmid,12,2026-07,2028-07\n",
        "name,share,end,cap\nt,0.5,2028-04,8\n",
        2,
        1,
    );
    let years: Vec<(&str, f64)> = r.annual_revenue.iter().map(|a| (a.period.label.as_str(), a.summary.mean)).collect();
    assert_eq!(years.len(), 3);
    for ((year, got), (y, want)) in years.iter().zip([("2026", 6.0), ("2027", 12.0), ("2028", 6.0)]) {
        assert_eq!(*year, y);
        assert_rel(*got, want, 1e-12, &format!("revenue {y}"));
    }
    // 0.5 a month: the cap of 8 is reached after 16 months, at the start of November 2027.
    let t = &r.terms[0];
    assert_rel(t.metric(Metric::Paid).mean, 8.0, 1e-12, "paid");
    assert_rel(t.cap_year.as_ref().unwrap().mean, 2027.0 + 10.0 / 12.0, 1e-12, "cap year");
    let paid: Vec<f64> = t.annual[0].iter().map(|a| a.summary.mean).collect();
    assert_eq!(paid.len(), 3);
    assert_rel(paid[0], 3.0, 1e-12, "paid 2026");
    assert_rel(paid[1], 5.0, 1e-12, "paid 2027");
    assert_eq!(paid[2], 0.0);
}

#[test]
fn a_valuation_date_one_year_after_the_start_multiplies_every_present_value_by_one_plus_r() {
    // MODEL.md §9: the PV at u_V = 1 is (1 + r) times the PV at the start, path by path.
    let scenario = |valuation: &str| {
        format!(
            "name,revenue0,growth0,growth_inf,sigma,default_rate,discount_rate,valuation_date\n\
             v,20,0.5,0.1,0.3,0.05,0.09,{valuation}\n"
        )
    };
    let terms = "name,share,end,trigger,cap,spread_years\nold,0.2,,,,2\nnew,0.2,2031,,38,\n";
    let at_start = simulate(&scenario(""), terms, 2000, 3);
    let later = simulate(&scenario("2027-01"), terms, 2000, 3);
    for (a, b) in at_start.terms.iter().zip(&later.terms) {
        assert_rel(b.metric(Metric::Pv).mean, 1.09 * a.metric(Metric::Pv).mean, 1e-12, "pv");
        assert_eq!(b.metric(Metric::Paid), a.metric(Metric::Paid), "nominal flows do not move");
    }
    let d = |r: &ScenarioResults| r.delta("new", Metric::Pv).unwrap().summary.mean;
    assert_rel(d(&later), 1.09 * d(&at_start), 1e-12, "paired difference");
    // A valuation date before the start discounts back past it.
    let earlier = simulate(&scenario("2025-01"), terms, 2000, 3);
    assert_rel(earlier.terms[0].metric(Metric::Pv).mean, at_start.terms[0].metric(Metric::Pv).mean / 1.09, 1e-12, "pv");
}

#[test]
fn a_revenue_floor_fails_the_company_at_the_first_month_below_it() {
    // R_k = 12 * 0.5^(k/12) falls below 5.9 at k = 13: OpenAI fails at the start of
    // February 2027, and the share is paid on months 0..12 only.
    let r = simulate(
        "name,revenue0,growth0,growth_inf,failure_below,horizon\nfall,12,-0.5,-0.5,5.9,2029\n",
        "name,share\nall,0.2\n",
        2,
        1,
    );
    let paid: f64 = (0..13).map(|k| 0.2 * 12.0 * 0.5f64.powf(k as f64 / 12.0) / 12.0).sum();
    let t = &r.terms[0];
    assert_rel(t.metric(Metric::Paid).mean, paid, 1e-12, "paid");
    assert_rel(t.metric(Metric::EndYear).mean, 2026.0 + 13.0 / 12.0, 1e-15, "end year");
    assert_eq!(t.end_by[revshare::model::contract::EndCause::Failure as usize].p, 1.0);
}

#[test]
fn a_drawn_end_gives_the_mixture_of_the_fixed_end_runs() {
    // MODEL.md §9: end = discrete(2029: 0.5, 2031: 0.5) on deterministic revenue is the
    // 50/50 mixture of the runs ending in 2029 and in 2031, up to the binomial error.
    let scenario = "name,revenue0,growth0,growth_inf,agi_delay,horizon\nd,12,0.3,0.3,2,2033\n";
    let paid = |terms: &str, paths: usize| simulate(scenario, terms, paths, 5).terms[0].metric(Metric::Paid).clone();
    let p29 = paid("name,share,end\nt,0.2,2029\n", 2).mean;
    let p31 = paid("name,share,end\nt,0.2,2031\n", 2).mean;
    let mixed = paid("name,share,end\nt,0.2,\"discrete(2029: 0.5, 2031: 0.5)\"\n", 20_000);
    let se = (p31 - p29) * 0.5 / (20_000f64).sqrt();
    assert_within_se(mixed.mean, se, 0.5 * (p29 + p31), 4.0, "mean paid");
    assert_rel(mixed.quantile(0.05), p29, 1e-12, "5% quantile");
    assert_rel(mixed.quantile(0.95), p31, 1e-12, "95% quantile");
    // The same with a drawn trigger: AGI is declared after two years.
    let p_decl = paid("name,share,trigger\nt,0.2,declared\n", 2).mean;
    let p_none = paid("name,share,trigger\nt,0.2,none\n", 2).mean;
    let mixed = paid("name,share,trigger\nt,0.2,\"discrete(declared: 0.25, none: 0.75)\"\n", 20_000);
    let se = (p_none - p_decl) * (0.25f64 * 0.75).sqrt() / (20_000f64).sqrt();
    assert_within_se(mixed.mean, se, 0.25 * p_decl + 0.75 * p_none, 4.0, "mean paid, drawn trigger");
}

#[test]
fn an_end_on_the_horizon_ends_by_cutoff_whatever_the_start_month() {
    // A date converted to years since a February start misses the month grid by a
    // rounding error; the tie with the horizon still goes to the cutoff (MODEL.md §4).
    for start in ["2026-01", "2026-02", "2026-05", "2026-11"] {
        let r = simulate(
            &format!("name,revenue0,start,horizon\ns,12,{start},2031-01\n"),
            "name,share,end\nt,0.2,2031\n",
            2,
            1,
        );
        let t = &r.terms[0];
        assert_eq!(t.end_by[revshare::model::contract::EndCause::Cutoff as usize].p, 1.0, "start {start}");
        assert_eq!(t.metric(Metric::EndYear).mean, 2031.0, "start {start}");
    }
}

#[test]
fn fiscal_quarters_add_the_months_they_contain() {
    use revshare::periods::{PeriodLength, Periods};
    use revshare::results::{Accumulator, Budget};
    // Constant revenue 12 a year, M_k = 1; share 0.5 until 2027-05 (April 2027 is
    // the last month paid). Quarters of fiscal years starting in July.
    let s = common::scenarios("name,revenue0,start,horizon\nflat,12,2026-01,2028-01\n");
    let t = common::terms("name,share,end\nt,0.5,2027-05\n");
    let periods = Periods::new(PeriodLength::Quarter, 7).unwrap();
    let plan = revshare::Plan::new(&s[0], &t, 1).with_periods(periods);
    let r = Accumulator::simulate(&plan, 0, 0, 2, Budget::DEFAULT, &|_| {}).finish("flat", &t);
    let labels: Vec<&str> = r.annual_revenue.iter().map(|a| a.period.label.as_str()).collect();
    assert_eq!(
        labels,
        ["FY2026Q3", "FY2026Q4", "FY2027Q1", "FY2027Q2", "FY2027Q3", "FY2027Q4", "FY2028Q1", "FY2028Q2"]
    );
    let starts: Vec<String> = r.annual_revenue.iter().map(|a| a.period.start.to_string()).collect();
    assert_eq!(starts[..3], ["2026-01", "2026-04", "2026-07"]);
    for a in &r.annual_revenue {
        assert_rel(a.summary.mean, 3.0, 1e-12, &a.period.label);
    }
    let paid: Vec<f64> = r.terms[0].annual[0].iter().map(|a| a.summary.mean).collect();
    let want = [1.5, 1.5, 1.5, 1.5, 1.5, 0.5, 0.0, 0.0];
    for (got, want) in paid.iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{paid:?}");
    }
    let cum: Vec<f64> = r.terms[0].cum_paid.iter().map(|a| a.summary.mean).collect();
    assert_rel(cum[5], 8.0, 1e-12, "cumulative paid by FY2027Q4");
    assert_rel(r.terms[0].metric(Metric::Paid).mean, 8.0, 1e-12, "total paid");
}

#[test]
fn payments_spread_past_a_failure_are_lost_but_for_the_recovery_end_to_end() {
    // MODEL.md §9: R_k = 12 * 0.5^(k/12) falls below 5.9 at k = 13, so OpenAI fails at
    // T_F = 13/12 exactly. Each month's 20% accrues p_k = 0.2 M_k (k = 0..12) and is
    // paid evenly over S = 1 year from its end e_k = (k+1)/12: the part paid before the
    // failure is w_k = (T_F - e_k) / S = (12 - k) / 12; of the rest a quarter is
    // recovered. With r = 0 the PV is what is paid.
    let r = simulate(
        "name,revenue0,growth0,growth_inf,failure_below,horizon\nfall,12,-0.5,-0.5,5.9,2029\n",
        "name,share,spread_years,recovery\nspread,0.2,1,0.25\n",
        2,
        1,
    );
    let p = |k: usize| 0.2 * 12.0 * 0.5f64.powf(k as f64 / 12.0) / 12.0;
    let w = |k: usize| (12 - k) as f64 / 12.0;
    let lost: f64 = (0..13).map(|k| p(k) * 0.75 * (1.0 - w(k))).sum();
    let paid: f64 = (0..13).map(|k| p(k) * (w(k) + 0.25 * (1.0 - w(k)))).sum();
    let t = &r.terms[0];
    assert_rel(t.metric(Metric::Lost).mean, lost, 1e-12, "lost");
    assert_rel(t.metric(Metric::Paid).mean, paid, 1e-12, "paid");
    assert_rel(t.metric(Metric::Pv).mean, paid, 1e-12, "pv at r = 0");
    let accrued: f64 = (0..13).map(p).sum();
    assert_rel(t.metric(Metric::Paid).mean + t.metric(Metric::Lost).mean, accrued, 1e-12, "paid + lost = accrued");
}
