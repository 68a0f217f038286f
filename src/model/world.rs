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
use super::{TWELFTH, elementary, first_month_from, fraction_before, month_start};
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

/// `2^(-u_k / growth_halflife)` of each month: how much of the gap between
/// `growth0` and `growth_inf` is left, written into `out`.
pub fn decay(growth_halflife: f64, out: &mut [f64]) {
    for (k, d) in out.iter_mut().enumerate() {
        *d = (-month_start(k) / growth_halflife).exp2();
    }
}

/// The deterministic part of the log increment of each month,
/// `(ln(1 + G(u_k)) - sigma^2/2) / 12`, written into `out`, with `decay` from
/// [`decay`] for the same half-life.
pub fn drift(p: &WorldParams, decay: &[f64], out: &mut [f64]) {
    let half_var = 0.5 * p.sigma * p.sigma;
    let gap = p.growth0 - p.growth_inf;
    for (d, w) in out.iter_mut().zip(decay) {
        *d = p.growth_inf + gap * w;
    }
    elementary::ln_1p_slice(out);
    for d in out.iter_mut() {
        *d = (*d - half_var) * TWELFTH;
    }
}

/// Fills `monthly[k] = M_k`, the revenue earned in month `k` ($B), for one path,
/// and brings `events.failure` forward to `T_B`, the start of the first month
/// `k >= 1` whose run-rate (AGI multiplier included) is below `failure_below`, when
/// that comes first (MODEL.md §3: `T_F = min(T_X, T_B)`), and fills
/// `run_rate[k] = R_k` when asked; returns the realised revenue growth, the
/// annualised growth of the run-rate from the first to the last month,
/// `(R_{K-1} / R_0)^(12 / (K-1)) - 1` (NaN for a one-month grid). The run-rate
/// process continues after a failure (what the business would have done) while
/// nothing more is earned.
///
/// `drift` comes from [`drift`] for the same parameters. Shocks `Z_k` are drawn
/// from `shocks` (only when `sigma > 0`), jumps from `jumps` (only when
/// `jump_rate > 0`): see [`Jumps`].
pub fn monthly_revenue<R: Rng + ?Sized, J: Rng + ?Sized>(
    p: &WorldParams,
    events: &mut Events,
    drift: &[f64],
    shocks: &mut R,
    jumps: &mut J,
    monthly: &mut [f64],
    run_rate: Option<&mut [f64]>,
) -> f64 {
    let n = monthly.len();
    let ln_r0 = p.revenue0.ln();
    // First `ln R_k` without the AGI multiplier, month by month (the draws), then
    // the months' money from it: the exponentials do not wait on one another.
    let ln_last = log_run_rate(p, drift, shocks, jumps, ln_r0, monthly);
    elementary::exp_slice(monthly);
    // AGI multiplies revenue from the first month starting at or after `T_D`.
    let agi = first_month_from(events.declared, n);
    let level = if agi < n { p.agi_multiplier } else { 1.0 };
    if level != 1.0 {
        monthly[agi..].iter_mut().for_each(|x| *x *= level);
    }
    if let Some(rr) = run_rate {
        rr.copy_from_slice(monthly);
    }
    // T_B: the start of the first month after the first whose run-rate is below
    // the floor; looked for only when some month is below it.
    let later = monthly.get(1..).unwrap_or_default();
    if later.iter().fold(f64::INFINITY, |lowest, r| lowest.min(*r)) < p.failure_below {
        let below = (1..n).find(|k| monthly[*k] < p.failure_below && month_start(*k) < events.failure);
        if let Some(k) = below {
            events.failure = month_start(k);
        }
    }
    monthly.iter_mut().for_each(|x| *x *= TWELFTH);
    // Months from the one the failure falls in earn a fraction of their revenue.
    let failing = first_month_from(events.failure, n).saturating_sub(1);
    for (k, x) in monthly.iter_mut().enumerate().skip(failing) {
        *x *= fraction_before(events.failure, k);
    }
    let ln_last = ln_last + level.ln();
    if n < 2 { f64::NAN } else { ((ln_last - ln_r0) * 12.0 / (n - 1) as f64).exp_m1() }
}

/// Fills `ln_r[k] = ln R_k` before the AGI multiplier, from `ln R_0 = ln_r0`,
/// drawing month `k`'s shock and jumps for `ln R_{k+1}`; returns `ln R_{K-1}`.
fn log_run_rate<R: Rng + ?Sized, J: Rng + ?Sized>(
    p: &WorldParams,
    drift: &[f64],
    shocks: &mut R,
    jumps: &mut J,
    ln_r0: f64,
    ln_r: &mut [f64],
) -> f64 {
    let vol = p.sigma / 12f64.sqrt();
    let mut jump_process = Jumps::new(p.jump_rate, jumps);
    let mut x = ln_r0;
    let Some((first, rest)) = ln_r.split_first_mut() else { return x };
    *first = x;
    // The months before the next possible jump draw nothing from the jumps stream
    // and are passed over without asking the process.
    let mut next_jump = jump_process.first_possible(0);
    for (k, (next, d)) in rest.iter_mut().zip(drift).enumerate() {
        x += d;
        if vol > 0.0 {
            let z: f64 = StandardNormal.sample(shocks);
            x += vol * z;
        }
        if k >= next_jump {
            let count = jump_process.count(k, jumps);
            if count > 0.0 {
                // Y_1 + ... + Y_N with Y ~ Normal(mu, sd) is Normal(N mu, N sd^2): one
                // draw per month whatever N.
                let z: f64 = StandardNormal.sample(jumps);
                x += count * p.jump_mean + count.sqrt() * p.jump_sd * z;
            }
            next_jump = jump_process.first_possible(k + 1);
        }
        *next = x;
    }
    x
}

/// The jump counts `N_k ~ Poisson(jump_rate / 12)` of successive months, drawn
/// from one stream. At most one jump a month on average, the arrival times of
/// the Poisson process are drawn (exponential gaps, one draw per jump), so a month
/// without a jump costs no random number; above that, each month's count is drawn
/// from the Poisson law directly, so a large rate cannot stall a path. Both give the
/// counts their exact law.
pub struct Jumps {
    /// Jumps per month.
    rate: f64,
    /// How: by arrival times, by monthly counts, or none.
    kind: JumpKind,
}

enum JumpKind {
    None,
    /// The next arrival, in months since start.
    Arrivals(f64),
    Counts(Poisson<f64>),
}

impl Jumps {
    /// The process for `jump_rate` per year, drawing its first arrival from `rng`
    /// when arrivals are drawn.
    pub fn new<J: Rng + ?Sized>(jump_rate: f64, rng: &mut J) -> Jumps {
        let rate = jump_rate / 12.0;
        let kind = if rate <= 0.0 || rate.is_nan() {
            JumpKind::None
        } else if rate <= 1.0 {
            let gap: f64 = Exp1.sample(rng);
            JumpKind::Arrivals(gap / rate)
        } else {
            // Scenario validation keeps jump_rate within Poisson's range.
            Poisson::new(rate).map_or(JumpKind::None, JumpKind::Counts)
        };
        Jumps { rate, kind }
    }

    /// The first month from `from` on whose count may be above zero, once the
    /// months before `from` have been counted. With arrival times, the month of the
    /// next arrival, `floor(next)` (the first `k` with `next < k + 1`): the months
    /// before it have no jump and draw nothing. With monthly counts, `from`.
    /// Without jumps, `usize::MAX`.
    #[inline]
    pub fn first_possible(&self, from: usize) -> usize {
        match self.kind {
            JumpKind::None => usize::MAX,
            JumpKind::Counts(_) => from,
            // `as` saturates: an arrival beyond any grid is `usize::MAX`.
            JumpKind::Arrivals(next) => (next.floor() as usize).max(from),
        }
    }

    /// `N_k`, the number of jumps in month `k`, asked with `k` increasing: a month
    /// may be left out only if it is before [`Jumps::first_possible`] (it then has
    /// no jump and draws nothing).
    #[inline]
    pub fn count<J: Rng + ?Sized>(&mut self, k: usize, rng: &mut J) -> f64 {
        match &mut self.kind {
            JumpKind::None => 0.0,
            JumpKind::Counts(poisson) => poisson.sample(rng),
            JumpKind::Arrivals(next) => {
                let end = (k + 1) as f64;
                let mut count = 0.0;
                while *next < end {
                    count += 1.0;
                    let gap: f64 = Exp1.sample(rng);
                    *next += gap / self.rate;
                }
                count
            }
        }
    }
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
        run_with_events(p, ev, months).0
    }

    /// The months' revenue and the events after the revenue path (failure may move).
    fn run_with_events(p: &WorldParams, ev: &Events, months: usize) -> (Vec<f64>, Events) {
        let mut ev = *ev;
        let mut w = vec![0.0; months];
        decay(p.growth_halflife, &mut w);
        let mut d = vec![0.0; months];
        drift(p, &w, &mut d);
        for (k, d) in d.iter().enumerate() {
            let mut ln_1p = [p.growth(month_start(k))];
            elementary::ln_1p_slice(&mut ln_1p);
            let direct = (ln_1p[0] - 0.5 * p.sigma * p.sigma) * TWELFTH;
            assert_eq!(*d, direct, "the decay table gives G(u_k) exactly");
        }
        let mut out = vec![0.0; months];
        let mut rng = ChaCha8Rng::from_seed([1; 32]);
        let mut rng2 = ChaCha8Rng::from_seed([2; 32]);
        let growth = monthly_revenue(p, &mut ev, &d, &mut rng, &mut rng2, &mut out, None);
        if p.sigma == 0.0 && p.jump_rate == 0.0 && p.agi_multiplier == 1.0 && months > 1 {
            assert!((growth - p.growth0).abs() < 1e-12, "realised growth {growth} with constant growth {}", p.growth0);
        }
        (out, ev)
    }

    #[test]
    fn a_run_rate_below_the_floor_fails_the_company_at_that_months_start() {
        // 12 $B a year falling 50% a year: R_k = 12 * 0.5^(k/12) is below 5.9 from
        // k = 13 on (k / 12 > log2(12 / 5.9) = 1.024).
        let p = WorldParams { failure_below: 5.9, ..params(12.0, -0.5) };
        let (m, ev) = run_with_events(&p, &Events::NONE, 36);
        assert_eq!(ev.failure, 13.0 / 12.0);
        assert!(m[..13].iter().all(|x| *x > 0.0) && m[13..].iter().all(|x| *x == 0.0));
        // An earlier exponential failure stays; a floor never crossed changes nothing;
        // month 0 never fails however low.
        let early = Events { failure: 0.5, ..Events::NONE };
        assert_eq!(run_with_events(&p, &early, 36).1.failure, 0.5);
        let never = WorldParams { failure_below: 1.0, ..p };
        assert_eq!(run_with_events(&never, &Events::NONE, 36).1.failure, f64::INFINITY);
        let low = WorldParams { failure_below: 100.0, ..p };
        assert_eq!(run_with_events(&low, &Events::NONE, 36).1.failure, 1.0 / 12.0);
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

    /// Mean, variance and share of zeros of the monthly counts at `jump_rate`.
    fn count_moments(jump_rate: f64, months: usize) -> (f64, f64, f64) {
        let mut rng = ChaCha8Rng::from_seed([4; 32]);
        let mut jumps = Jumps::new(jump_rate, &mut rng);
        let counts: Vec<f64> = (0..months).map(|k| jumps.count(k, &mut rng)).collect();
        let n = months as f64;
        let mean = counts.iter().sum::<f64>() / n;
        let var = counts.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / (n - 1.0);
        (mean, var, counts.iter().filter(|c| **c == 0.0).count() as f64 / n)
    }

    #[test]
    fn monthly_jump_counts_are_poisson_whether_drawn_by_arrivals_or_by_counts() {
        // 0.15 and 6 a year are drawn by arrival times, 60 a year by monthly counts.
        for rate in [0.15, 6.0, 60.0] {
            let lambda: f64 = rate / 12.0;
            let months = 400_000;
            let (mean, var, zeros) = count_moments(rate, months);
            let se = (lambda / months as f64).sqrt();
            assert!((mean - lambda).abs() < 4.0 * se, "rate {rate}: mean {mean} vs {lambda}");
            assert!((var / lambda - 1.0).abs() < 0.03, "rate {rate}: variance {var} vs {lambda}");
            let p0 = (-lambda).exp();
            assert!((zeros - p0).abs() < 4.0 * (p0 * (1.0 - p0) / months as f64).sqrt(), "rate {rate}: P(0) {zeros}");
        }
        let mut rng = ChaCha8Rng::from_seed([4; 32]);
        let mut none = Jumps::new(0.0, &mut rng);
        assert_eq!(none.count(0, &mut rng), 0.0);
    }

    #[test]
    fn months_before_the_next_possible_jump_are_passed_over_without_changing_a_draw() {
        // Asking for every month's count, and asking only from `first_possible` on,
        // give the same counts and leave the stream at the same place.
        // 1e-300 a year puts the first arrival beyond any grid; 12 a year is the last
        // rate drawn by arrival times.
        for rate in [1e-300, 0.15, 6.0, 11.9, 12.0, 12.5, 60.0] {
            let (mut every, mut skipping) = (ChaCha8Rng::from_seed([5; 32]), ChaCha8Rng::from_seed([5; 32]));
            let (mut a, mut b) = (Jumps::new(rate, &mut every), Jumps::new(rate, &mut skipping));
            let mut next = b.first_possible(0);
            for k in 0..2_000 {
                let want = a.count(k, &mut every);
                let got = if k >= next {
                    let c = b.count(k, &mut skipping);
                    next = b.first_possible(k + 1);
                    c
                } else {
                    0.0
                };
                assert_eq!(got, want, "rate {rate}, month {k}");
            }
            assert_eq!(every.random::<u64>(), skipping.random::<u64>(), "rate {rate}: the streams part");
        }
        let mut rng = ChaCha8Rng::from_seed([5; 32]);
        assert_eq!(Jumps::new(0.0, &mut rng).first_possible(3), usize::MAX);
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
