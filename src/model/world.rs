//! The world of one path (MODEL.md §3): revenue, AGI and failure.
//!
//! Revenue follows a log-Euler scheme on a monthly grid,
//! `ln R_{k+1} = ln R_k + (ln(1 + G(u_k)) - sigma^2/2)/12 + sigma Z_k/sqrt(12) + J_k`
//! with `G(u) = growth_inf + (growth0 - growth_inf) 2^(-u/growth_halflife)` and
//! compound-Poisson jumps `J_k`. AGI is declared at `T_D` (never with probability
//! `agi_never`), verified at `T_V = T_D + panel_lag`; from the first month with
//! `u_k >= T_D` revenue is multiplied by `agi_multiplier`. The sum of a month's
//! `N_k` normal jumps is drawn as one `Normal(N_k mean, N_k sd^2)`, its exact law. OpenAI fails at
//! `T_F ~ Exponential(default_rate)`; month `k` earns the fraction
//! `clamp(12 (T_F - u_k), 0, 1)` of `R_k / 12`.

pub use super::scenario::WorldParams;
use super::{fraction_before, month_start};
use rand::Rng;
use rand::RngExt;
use rand_distr::{Distribution, Exp1, Poisson, StandardNormal};

impl WorldParams {
    /// Expected simple growth per year at time `u` (years since start).
    pub fn growth(&self, u: f64) -> f64 {
        self.growth_inf + (self.growth0 - self.growth_inf) * (-u / self.growth_halflife).exp2()
    }
}

/// The event times of one path, in years since start (`inf` = never).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Events {
    /// `T_D`: AGI declared.
    pub declared: f64,
    /// `T_V = T_D + panel_lag`: AGI verified by the panel.
    pub verified: f64,
    /// `T_F`: OpenAI fails.
    pub failure: f64,
}

impl Events {
    /// No AGI and no failure.
    pub const NONE: Events = Events { declared: f64::INFINITY, verified: f64::INFINITY, failure: f64::INFINITY };

    /// Draws the events from the `events` stream: one uniform for "AGI never",
    /// then one standard exponential for failure, always both and in that order.
    pub fn draw<R: Rng + ?Sized>(p: &WorldParams, rng: &mut R) -> Events {
        let u: f64 = rng.random();
        let e: f64 = Exp1.sample(rng);
        let declared = if u < p.agi_never { f64::INFINITY } else { p.agi_delay };
        let failure = if p.default_rate > 0.0 { e / p.default_rate } else { f64::INFINITY };
        Events { declared, verified: declared + p.panel_lag, failure }
    }
}

/// The deterministic part of the log increment of each month,
/// `(ln(1 + G(u_k)) - sigma^2/2) / 12`, written into `out`.
pub fn drift(p: &WorldParams, out: &mut [f64]) {
    let half_var = 0.5 * p.sigma * p.sigma;
    for (k, d) in out.iter_mut().enumerate() {
        *d = (p.growth(month_start(k)).ln_1p() - half_var) / 12.0;
    }
}

/// Fills `monthly[k] = M_k`, the revenue earned in month `k` ($B), for one path,
/// and `run_rate[k] = R_k` when asked; returns the realised revenue growth, the
/// annualised growth of the run-rate from the first to the last month,
/// `(R_{K-1} / R_0)^(12 / (K-1)) - 1` (NaN for a one-month grid). The run-rate
/// process continues after a failure (what the business would have done) while
/// nothing more is earned.
///
/// `drift` comes from [`drift`] for the same parameters. Shocks `Z_k` are drawn
/// from `shocks` (only when `sigma > 0`), jump counts and sizes from `jumps` (only
/// when `jump_rate > 0`).
pub fn monthly_revenue<R: Rng + ?Sized, J: Rng + ?Sized>(
    p: &WorldParams,
    events: &Events,
    drift: &[f64],
    shocks: &mut R,
    jumps: &mut J,
    monthly: &mut [f64],
    mut run_rate: Option<&mut [f64]>,
) -> f64 {
    let vol = p.sigma / 12f64.sqrt();
    // Scenario validation keeps jump_rate within Poisson's range.
    let poisson = if p.jump_rate > 0.0 { Poisson::new(p.jump_rate / 12.0).ok() } else { None };
    let ln_r0 = p.revenue0.ln();
    let mut ln_r = ln_r0;
    let n = monthly.len();
    let mut ln_last = ln_r0;
    for k in 0..n {
        let u = month_start(k);
        let level = if u >= events.declared { p.agi_multiplier } else { 1.0 };
        let r = ln_r.exp() * level;
        ln_last = ln_r + level.ln();
        monthly[k] = r / 12.0 * fraction_before(events.failure, k);
        if let Some(rr) = run_rate.as_deref_mut() {
            rr[k] = r;
        }
        if k + 1 == n {
            break;
        }
        ln_r += drift[k];
        if vol > 0.0 {
            let z: f64 = StandardNormal.sample(shocks);
            ln_r += vol * z;
        }
        if let Some(poisson) = &poisson {
            // Y_1 + ... + Y_N with Y ~ Normal(mu, sd) is Normal(N mu, N sd^2): one draw
            // per month whatever N, so a large jump rate cannot stall a path.
            let count: f64 = poisson.sample(jumps);
            if count > 0.0 {
                let z: f64 = StandardNormal.sample(jumps);
                ln_r += count * p.jump_mean + count.sqrt() * p.jump_sd * z;
            }
        }
    }
    if n < 2 { f64::NAN } else { ((ln_last - ln_r0) * 12.0 / (n - 1) as f64).exp_m1() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    fn params(revenue0: f64, g: f64) -> WorldParams {
        let mut v = [0.0; super::super::ScenarioParam::COUNT];
        v[super::super::ScenarioParam::AgiDelay as usize] = f64::INFINITY;
        WorldParams {
            revenue0,
            growth0: g,
            growth_inf: g,
            growth_halflife: 2.0,
            agi_multiplier: 1.0,
            ..WorldParams::from_values(&v)
        }
    }

    fn run(p: &WorldParams, ev: &Events, months: usize) -> Vec<f64> {
        let mut d = vec![0.0; months];
        drift(p, &mut d);
        let mut out = vec![0.0; months];
        let mut rng = ChaCha8Rng::from_seed([1; 32]);
        let mut rng2 = ChaCha8Rng::from_seed([2; 32]);
        let growth = monthly_revenue(p, ev, &d, &mut rng, &mut rng2, &mut out, None);
        if p.sigma == 0.0 && p.jump_rate == 0.0 && p.agi_multiplier == 1.0 && months > 1 {
            assert!((growth - p.growth0).abs() < 1e-12, "realised growth {growth} with constant growth {}", p.growth0);
        }
        out
    }

    #[test]
    fn deterministic_revenue_compounds_exactly() {
        let p = params(20.0, 0.3);
        let m = run(&p, &Events::NONE, 120);
        for (k, mk) in m.iter().enumerate() {
            let expect = 20.0 * 1.3f64.powf(k as f64 / 12.0) / 12.0;
            assert!((mk / expect - 1.0).abs() < 1e-12, "month {k}");
        }
    }

    #[test]
    fn growth_decays_with_its_half_life() {
        let p = WorldParams { growth0: 1.0, growth_inf: 0.2, growth_halflife: 2.0, ..params(1.0, 0.0) };
        assert_eq!(p.growth(0.0), 1.0);
        assert!((p.growth(2.0) - 0.6).abs() < 1e-15);
        assert!((p.growth(4.0) - 0.4).abs() < 1e-15);
    }

    #[test]
    fn agi_multiplies_revenue_from_the_first_month_starting_at_or_after_declaration() {
        let p = WorldParams { agi_multiplier: 2.0, ..params(12.0, 0.0) };
        let ev = Events { declared: 1.5 + 1e-9, verified: f64::INFINITY, failure: f64::INFINITY };
        let m = run(&p, &ev, 24);
        assert_eq!(m[18], 1.0, "u_18 = 1.5 < T_D: from the next month");
        assert_eq!(m[19], 2.0);
        let ev = Events { declared: 1.5, ..ev };
        let m = run(&p, &ev, 24);
        assert_eq!(m[17], 1.0);
        assert_eq!(m[18], 2.0);
        assert_eq!(m[23], 2.0);
    }

    #[test]
    fn failure_earns_the_surviving_fraction_of_its_month_and_nothing_after() {
        let p = params(12.0, 0.0);
        let ev = Events { failure: 0.25 + 0.25 / 12.0, ..Events::NONE };
        let m = run(&p, &ev, 12);
        assert_eq!(&m[..3], &[1.0, 1.0, 1.0]);
        assert!((m[3] - 0.25).abs() < 1e-12);
        assert!(m[4..].iter().all(|x| *x == 0.0));
    }

    #[test]
    fn events_follow_never_probability_panel_lag_and_failure_rate() {
        let p = WorldParams { agi_delay: 3.0, panel_lag: 0.5, agi_never: 0.25, default_rate: 0.1, ..params(1.0, 0.0) };
        let mut rng = ChaCha8Rng::from_seed([3; 32]);
        let n = 100_000;
        let (mut never, mut fail_sum) = (0usize, 0.0);
        for _ in 0..n {
            let ev = Events::draw(&p, &mut rng);
            if ev.declared.is_infinite() {
                never += 1;
            } else {
                assert_eq!((ev.declared, ev.verified), (3.0, 3.5));
            }
            fail_sum += ev.failure;
        }
        let pn = never as f64 / n as f64;
        assert!((pn - 0.25).abs() < 4.0 * (0.25f64 * 0.75 / n as f64).sqrt(), "{pn}");
        let mean = fail_sum / n as f64;
        assert!((mean - 10.0).abs() < 4.0 * 10.0 / (n as f64).sqrt(), "{mean}");
        let p0 = WorldParams { default_rate: 0.0, agi_never: 1.0, ..p };
        assert_eq!(Events::draw(&p0, &mut rng).failure, f64::INFINITY);
        assert_eq!(Events::draw(&p0, &mut rng).declared, f64::INFINITY);
    }
}
