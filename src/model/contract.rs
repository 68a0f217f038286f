//! A contract's cash flows on one path (MODEL.md §4).
//!
//! With `T_stop = min(E, T_trig)` and `f_k = clamp(12 (T_stop - u_k), 0, 1)`:
//!
//! ```text
//! p_k = min(a M_k f_k, max(C - C0 - (p_0 + ... + p_{k-1}), 0))   paid to Microsoft
//! q_k = b ms_ratio M_k f_k                                      paid back (not capped)
//! n_k = p_k - q_k
//! ```
//!
//! The cap binds in the first month where the `min` takes its second argument
//! while the first is positive (a month whose accrual exactly fills the cap
//! counts: the cap is then hit at the month's end); the cap time assumes uniform
//! accrual within the month. Each net accrual is discounted from `u_{k+1}`, or
//! spread evenly over `[u_{k+1}, u_{k+1} + S]`.

pub use super::terms::{ContractDraw, Trigger};
use super::world::Events;
use super::{MONTHS_PER_YEAR, first_where, fraction_before, month_start};
use crate::choice::Choice;

/// Why a contract's flows ended; ties are broken in declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndCause {
    /// The cap was reached.
    Cap = 0,
    /// The end date `E` was reached.
    Cutoff = 1,
    /// The trigger event happened.
    Trigger = 2,
    /// OpenAI failed.
    Failure = 3,
    /// Still paying when the simulation stopped.
    Horizon = 4,
}

impl Choice for EndCause {
    /// All causes in tie-break order.
    const ALL: &'static [EndCause] =
        &[EndCause::Cap, EndCause::Cutoff, EndCause::Trigger, EndCause::Failure, EndCause::Horizon];

    /// Lower-case name used in output files.
    fn name(self) -> &'static str {
        match self {
            EndCause::Cap => "cap",
            EndCause::Cutoff => "cutoff",
            EndCause::Trigger => "trigger",
            EndCause::Failure => "failure",
            EndCause::Horizon => "horizon",
        }
    }
}

impl EndCause {
    /// The cause with code `c` (as stored in a path table).
    pub fn from_code(c: f64) -> EndCause {
        EndCause::ALL[(c as usize).min(EndCause::ALL.len() - 1)]
    }
}

/// A contract's totals on one path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flows {
    /// `sum cash_k`: what Microsoft receives of the accruals `p_k`.
    pub paid: f64,
    /// `sum lost_k`: what falls due after failure and is not recovered.
    pub lost: f64,
    /// `sum q_k`
    pub received: f64,
    /// `paid - received`
    pub net: f64,
    /// Present value of the net flows at the valuation date.
    pub pv: f64,
    /// `T_end` in years since start.
    pub end: f64,
    /// Why the flows ended.
    pub cause: EndCause,
    /// `T_cap` in years since start, when the cap was hit.
    pub cap_time: Option<f64>,
}

/// The path's monthly grid as the contract sees it.
#[derive(Debug, Clone, Copy)]
pub struct Grid<'a> {
    /// `M_k`, revenue earned in month `k` (failure fraction included).
    pub monthly: &'a [f64],
    /// `DF(u_{k+1})`, the discount factor at the end of month `k`.
    pub df_next: &'a [f64],
    /// Index of month `k`'s calendar year among the scenario's years.
    pub year_of_month: &'a [usize],
    /// Number of calendar years touched by the grid.
    pub years: usize,
    /// `u_V`, the valuation date in years since the start.
    pub valuation: f64,
    /// `ln(1 + r)`, `r` the discount rate `df_next` was computed with.
    pub log_rate: f64,
}

/// Fills `df_next[k] = DF(u_{k+1}) = (1 + r)^(-(u_{k+1} - u_V))`, with `u_V` the
/// valuation date in years since the start (MODEL.md §4; a flow before it is
/// compounded forward).
pub fn discount_factors(r: f64, valuation: f64, df_next: &mut [f64]) {
    let l = r.ln_1p();
    for (k, d) in df_next.iter_mut().enumerate() {
        *d = (-(month_start(k + 1) - valuation) * l).exp();
    }
}

/// `(DF(u) - DF(u + S)) / (S ln(1+r)) / DF(u)`: the factor that spreads a payment
/// evenly over `S` years, relative to paying it at once (1 when `S = 0` or `r = 0`).
pub fn spread_factor(spread_years: f64, r: f64) -> f64 {
    spread_share(1.0, spread_years, r.ln_1p())
}

/// The present value, relative to paying everything at once at `e`, of the part
/// `w` of a payment spread evenly over `[e, e + S]` that is paid over
/// `[e, e + w S]`: `(DF(e) - DF(e + w S)) / (S ln(1+r)) / DF(e)`, `w` when `r = 0`,
/// 1 when `S = 0`. `log_rate` is `ln(1 + r)`.
fn spread_share(w: f64, spread_years: f64, log_rate: f64) -> f64 {
    if spread_years == 0.0 {
        return 1.0;
    }
    if log_rate == 0.0 {
        return w;
    }
    -(-w * spread_years * log_rate).exp_m1() / (spread_years * log_rate)
}

/// One month of a contract, as [`evaluate_traced`] reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthFlow {
    /// Month index `k`.
    pub month: usize,
    /// `f_k`, the active fraction of the month.
    pub active: f64,
    /// `cash_k`: what Microsoft receives of the month's accrual `p_k`.
    pub paid: f64,
    /// `lost_k`: what of it falls due after failure and is not recovered.
    pub lost: f64,
    /// `q_k`, paid back by Microsoft.
    pub received: f64,
    /// Received so far, `cash_0 + ... + cash_k`.
    pub cum_paid: f64,
    /// Room left under the cap after this month; `None` without a cap.
    pub room: Option<f64>,
}

/// Evaluates contract `c` on a path. `annual` (length `3 * grid.years`) receives
/// paid, received and net per calendar year, added to what it holds.
pub fn evaluate(c: &ContractDraw, events: &Events, ms_ratio: f64, grid: Grid<'_>, annual: &mut [f64]) -> Flows {
    evaluate_traced(c, events, ms_ratio, grid, annual, |_| {})
}

/// [`evaluate`], calling `month` with each month's flows until nothing more can flow.
pub fn evaluate_traced(
    c: &ContractDraw,
    events: &Events,
    ms_ratio: f64,
    grid: Grid<'_>,
    annual: &mut [f64],
    month: impl FnMut(MonthFlow),
) -> Flows {
    evaluate_months(c, events, ms_ratio, grid, annual, month, true)
}

/// [`evaluate_traced`]; with `simple_months` false every month goes through the
/// general loop (the reference the simple months are tested against).
#[allow(clippy::too_many_arguments)]
fn evaluate_months(
    c: &ContractDraw,
    events: &Events,
    ms_ratio: f64,
    grid: Grid<'_>,
    annual: &mut [f64],
    mut month: impl FnMut(MonthFlow),
    simple_months: bool,
) -> Flows {
    let t_trig = match c.trigger {
        Trigger::None => f64::INFINITY,
        Trigger::Declared => events.declared,
        Trigger::Verified => events.verified,
    };
    let t_stop = c.end.min(t_trig);
    let room0 = c.cap - c.cap_counted;
    let back = c.reverse_share * ms_ratio;
    let log_rate = grid.log_rate;
    let spread = spread_share(1.0, c.spread_years, log_rate);
    let years = grid.years;
    let (mut owed, mut paid, mut lost, mut received, mut pv) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut cap_time = None;
    // Nothing flows from the first month starting at or after the stop or the failure.
    let mut limit = t_stop.min(events.failure);
    let failure = Failure::new(events.failure, c, log_rate, grid.valuation, grid.monthly.len());
    // Each calendar year's paid, received and net, added up in registers and
    // written to `annual` when the year changes (the same sums, in the same order).
    let mut year = grid.year_of_month.first().copied().unwrap_or(0);
    let mut in_year = [0.0f64; 3];
    let mut flush = |year: usize, sums: &mut [f64; 3]| {
        for (q, sum) in sums.iter_mut().enumerate() {
            annual[q * years + year] += *sum;
            *sum = 0.0;
        }
    };
    let months = || grid.monthly.iter().zip(grid.df_next).zip(grid.year_of_month).enumerate();
    // First the months whose accrual is simply paid: active throughout (f_k = 1),
    // due in full before the failure, and below the room left under the cap. The
    // same operations and sums in the same order as the loop after it, without its
    // tests; the month the cap binds (or a month that overflows) is left to it.
    let n = grid.monthly.len();
    let simple = if simple_months {
        let whole = first_where(n, |k| fraction_before(t_stop, k) < 1.0);
        whole.min(first_where(n, |k| failure.schedule(month_start(k + 1)).is_some()))
    } else {
        0
    };
    // Two loops rather than one with a test of the cap inside: a row without a cap
    // has nothing owed to keep, and its loop keeps its sums in registers (one
    // loop for both kept them in memory and made the longer rows' months slower).
    let mut start = 0;
    if room0 == f64::INFINITY {
        // Nothing owed to watch; an overflowing accrual still stops.
        for (k, ((&m, &df), &y)) in months().take(simple) {
            let p = c.share * m;
            if p.is_nan() || p >= room0 {
                break;
            }
            let q = back * m;
            pv += (p - q) * df * spread;
            paid += p;
            received += q;
            month(MonthFlow { month: k, active: 1.0, paid: p, lost: 0.0, received: q, cum_paid: paid, room: None });
            if y != year {
                flush(year, &mut in_year);
                year = y;
            }
            in_year[0] += p;
            in_year[1] += q;
            in_year[2] += p - q;
            start = k + 1;
        }
    } else {
        // Under a cap, until the month whose accrual does not fit in the room left.
        for (k, ((&m, &df), &y)) in months().take(simple) {
            let p = c.share * m;
            if p.is_nan() || p >= (room0 - owed).max(0.0) {
                break;
            }
            owed += p;
            let q = back * m;
            pv += (p - q) * df * spread;
            paid += p;
            received += q;
            let room = c.cap.is_finite().then(|| (room0 - owed).max(0.0));
            month(MonthFlow { month: k, active: 1.0, paid: p, lost: 0.0, received: q, cum_paid: paid, room });
            if y != year {
                flush(year, &mut in_year);
                year = y;
            }
            in_year[0] += p;
            in_year[1] += q;
            in_year[2] += p - q;
            start = k + 1;
        }
    }
    for (k, ((&m, &df), &y)) in months().skip(start) {
        let u = month_start(k);
        if u >= limit {
            break; // nothing more can flow
        }
        let f = fraction_before(t_stop, k);
        let accrual = c.share * m * f;
        let room = (room0 - owed).max(0.0);
        // `p = min(accrual, room)`, with a branch for the month the cap binds and
        // those after it: the next month then waits on `owed + accrual` alone, not
        // on the room computed from it.
        let p = if accrual < room {
            accrual
        } else {
            if cap_time.is_none() && accrual > 0.0 {
                cap_time = Some(u + room / accrual / MONTHS_PER_YEAR);
                if back == 0.0 {
                    // Nothing flows after the cap when nothing is paid back.
                    limit = limit.min(month_start(k + 1));
                }
            }
            accrual.min(room)
        };
        let q = back * m * f;
        owed += p;
        // The part of the month's payment due after failure is lost but for the
        // recovered fraction, paid at failure; the reverse share is paid in full.
        // A month whose payment falls due after the failure is rare and kept out
        // of line, so that what such months alone add up (`lost`) need not take a
        // register from the sums of every month.
        let (cash, lost_k, n) = match failure.schedule(month_start(k + 1)) {
            None => {
                pv += (p - q) * df * spread;
                (p, 0.0, p - q)
            }
            Some((w, a)) => {
                let (cash, lost_k, pv_k) = failure.month(p, q, (w, a), df, spread);
                pv += pv_k;
                lost += lost_k;
                (cash, lost_k, cash - q)
            }
        };
        paid += cash;
        received += q;
        let room_after = c.cap.is_finite().then(|| (room0 - owed).max(0.0));
        month(MonthFlow {
            month: k,
            active: f,
            paid: cash,
            lost: lost_k,
            received: q,
            cum_paid: paid,
            room: room_after,
        });
        if y != year {
            flush(year, &mut in_year);
            year = y;
        }
        in_year[0] += cash;
        in_year[1] += q;
        in_year[2] += n;
    }
    flush(year, &mut in_year);
    let horizon = month_start(grid.monthly.len());
    let candidates = [cap_time.unwrap_or(f64::INFINITY), c.end, t_trig, events.failure, horizon];
    let end = candidates.iter().copied().fold(f64::INFINITY, f64::min);
    let cause = candidates.iter().position(|t| *t == end).map_or(EndCause::Horizon, |i| EndCause::ALL[i]);
    Flows { paid, lost, received, net: paid - received, pv, end, cause, cap_time }
}

/// What failure does to the payments of a contract (MODEL.md §4, second edition).
struct Failure {
    /// `T_F`, in years since the start.
    at: f64,
    /// `S`.
    spread_years: f64,
    /// `ln(1 + r)`.
    log_rate: f64,
    /// `DF(T_F)`.
    df: f64,
    /// `rho`, the fraction of what is still owed at failure that is recovered.
    recovery: f64,
}

impl Failure {
    fn new(at: f64, c: &ContractDraw, log_rate: f64, valuation: f64, months: usize) -> Failure {
        // A failure after the last payment of the last month changes nothing.
        if at >= month_start(months) + c.spread_years {
            let (spread_years, recovery) = (c.spread_years, c.recovery);
            return Failure { at: f64::INFINITY, spread_years, log_rate: 0.0, df: 0.0, recovery };
        }
        let df = (-(at - valuation) * log_rate).exp();
        Failure { at, spread_years: c.spread_years, log_rate, df, recovery: c.recovery }
    }

    /// What Microsoft receives of a month's accrual `p` (reverse share `q`) in
    /// the months `schedule` gives `(w, a)`, what is lost, and the present value
    /// of the month's net flows.
    #[cold]
    fn month(&self, p: f64, q: f64, (w, a): (f64, f64), df: f64, spread: f64) -> (f64, f64, f64) {
        let recovery = self.recovery;
        let cash = p * (w + recovery * (1.0 - w));
        let pv = p * a * df + p * recovery * (1.0 - w) * self.df - q * df * spread;
        (cash, p * (1.0 - recovery) * (1.0 - w), pv)
    }

    /// For a payment due from `e = u_{k+1}` (over `S` years): `None` when all of it
    /// falls due before the failure, else `(w_k, A_k / DF(e))`, the part paid before
    /// the failure and the present value of that part per unit, relative to `DF(e)`.
    #[inline]
    fn schedule(&self, e: f64) -> Option<(f64, f64)> {
        let s = self.spread_years;
        if e + s <= self.at {
            return None;
        }
        if s == 0.0 {
            return Some((0.0, 0.0));
        }
        let w = ((self.at - e) / s).clamp(0.0, 1.0);
        Some((w, spread_share(w, s, self.log_rate)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    struct Path {
        monthly: Vec<f64>,
        df: Vec<f64>,
        year: Vec<usize>,
    }

    impl Path {
        /// Constant revenue `m` per month for `months` months, discount rate `r`.
        fn flat(m: f64, months: usize, r: f64) -> Path {
            let mut df = vec![0.0; months];
            discount_factors(r, 0.0, &mut df);
            Path { monthly: vec![m; months], df, year: (0..months).map(|k| k / 12).collect() }
        }
        fn eval(&self, c: &ContractDraw, ev: &Events, ms_ratio: f64, r: f64) -> (Flows, Vec<f64>) {
            let years = self.year.last().map_or(0, |y| y + 1);
            let mut annual = vec![0.0; 3 * years];
            let grid = Grid {
                monthly: &self.monthly,
                df_next: &self.df,
                year_of_month: &self.year,
                years,
                valuation: 0.0,
                log_rate: r.ln_1p(),
            };
            (evaluate(c, ev, ms_ratio, grid, &mut annual), annual)
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 3000,
            rng_seed: proptest::test_runner::RngSeed::Fixed(8),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        /// A row pays its simple months (active throughout, due before the failure,
        /// under the room left by the cap) in a loop of their own; the general loop
        /// alone gives the same bits, month by month and in total, whatever the path,
        /// the events and the terms: without a cap, with one too high to bind, and
        /// with one that binds (or is used up before the first month).
        #[test]
        fn the_simple_months_pay_what_the_general_loop_pays(
            revenue in proptest::collection::vec(0.0..50.0f64, 1..80),
            (declared, lag, failure) in (0.0..8.0f64, 0.0..2.0f64, 0.0..10.0f64),
            (never_declared, never_fails) in (proptest::bool::ANY, proptest::bool::ANY),
            (share, reverse, ms_ratio, r) in (0.0..0.5f64, 0.0..0.5f64, 0.0..1.0f64, 0.0..0.2f64),
            (end, trigger, spread, recovery) in (0.0..8.0f64, 0usize..3, 0.0..3.0f64, 0.0..1.0f64),
            (cap, cap_counted) in (
                proptest::prop_oneof![proptest::strategy::Just(INF), proptest::strategy::Just(1e300), 0.0..300.0f64],
                proptest::prop_oneof![proptest::strategy::Just(0.0), 0.0..60.0f64],
            ),
        ) {
            let months = revenue.len();
            let mut df = vec![0.0; months];
            discount_factors(r, 0.3, &mut df);
            let year: Vec<usize> = (0..months).map(|k| (k + 5) / 12).collect();
            let years = year.last().map_or(0, |y| y + 1);
            let declared = if never_declared { INF } else { declared };
            let ev = Events { declared, verified: declared + lag, failure: if never_fails { INF } else { failure } };
            let grid = Grid {
                monthly: &revenue,
                df_next: &df,
                year_of_month: &year,
                years,
                valuation: 0.3,
                log_rate: r.ln_1p(),
            };
            let draw = ContractDraw {
                share,
                end: crate::model::snap_to_month(end),
                trigger: Trigger::ALL[trigger],
                cap,
                cap_counted,
                reverse_share: reverse,
                spread_years: spread,
                recovery,
            };
            let run = |simple_months: bool| {
                let mut annual = vec![0.0; 3 * years];
                let mut months_seen = Vec::new();
                let trace = |m: MonthFlow| months_seen.push(m);
                let flows = evaluate_months(&draw, &ev, ms_ratio, grid, &mut annual, trace, simple_months);
                (flows, annual, months_seen)
            };
            let (simple, general) = (run(true), run(false));
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(simple.0, general.0);
            proptest::prop_assert_eq!(bits(&simple.1), bits(&general.1));
            proptest::prop_assert_eq!(simple.2, general.2);
        }
    }

    fn plain(share: f64) -> ContractDraw {
        ContractDraw {
            share,
            end: INF,
            trigger: Trigger::None,
            cap: INF,
            cap_counted: 0.0,
            reverse_share: 0.0,
            spread_years: 0.0,
            recovery: 0.0,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn share_of_flat_revenue_runs_to_the_horizon() {
        let (f, annual) = Path::flat(2.0, 24, 0.0).eval(&plain(0.2), &Events::NONE, 0.0, 0.0);
        assert!(close(f.paid, 0.2 * 2.0 * 24.0));
        assert_eq!((f.end, f.cause, f.cap_time), (2.0, EndCause::Horizon, None));
        assert!(close(annual[0], 4.8) && close(annual[1], 4.8) && annual[2] == 0.0);
        assert!(close(f.pv, f.net));
    }

    #[test]
    fn zero_share_or_zero_revenue_pays_nothing_and_never_hits_a_cap() {
        let c = ContractDraw { cap: 1.0, ..plain(0.0) };
        let (f, _) = Path::flat(2.0, 12, 0.05).eval(&c, &Events::NONE, 0.0, 0.05);
        assert_eq!((f.paid, f.cap_time, f.cause), (0.0, None, EndCause::Horizon));
        let (f, _) = Path::flat(0.0, 12, 0.05).eval(&ContractDraw { cap: 1.0, ..plain(0.2) }, &Events::NONE, 0.3, 0.05);
        assert_eq!((f.paid, f.received, f.pv, f.cap_time), (0.0, 0.0, 0.0, None));
    }

    #[test]
    fn an_end_date_in_mid_month_pays_that_fraction_of_the_month() {
        let c = ContractDraw { end: 0.5 + 0.4 / 12.0, ..plain(0.5) };
        let (f, _) = Path::flat(1.0, 12, 0.0).eval(&c, &Events::NONE, 0.0, 0.0);
        assert!(close(f.paid, 0.5 * 6.4));
        assert!(close(f.end, c.end));
        assert_eq!(f.cause, EndCause::Cutoff);
    }

    #[test]
    fn each_trigger_stops_the_share_at_its_event_even_mid_month() {
        let ev = Events { declared: 0.25 + 0.5 / 12.0, verified: 0.75 + 0.25 / 12.0, failure: INF };
        let path = Path::flat(1.0, 24, 0.0);
        let run = |trigger| path.eval(&ContractDraw { trigger, ..plain(1.0) }, &ev, 0.0, 0.0).0;
        let d = run(Trigger::Declared);
        assert!(close(d.paid, 3.5) && d.cause == EndCause::Trigger && close(d.end, ev.declared));
        let v = run(Trigger::Verified);
        assert!(close(v.paid, 9.25) && v.cause == EndCause::Trigger && close(v.end, ev.verified));
        let n = run(Trigger::None);
        assert!(close(n.paid, 24.0) && n.cause == EndCause::Horizon);
        // The earlier of the end date and the trigger stops the share; the tie goes to the cutoff.
        let tie =
            path.eval(&ContractDraw { end: ev.declared, trigger: Trigger::Declared, ..plain(1.0) }, &ev, 0.0, 0.0).0;
        assert_eq!(tie.cause, EndCause::Cutoff);
        assert!(close(tie.paid, 3.5));
    }

    #[test]
    fn a_cap_binds_mid_month_with_uniform_accrual() {
        // 1 per month accrues; cap 2.5 is reached half-way through month 2.
        let c = ContractDraw { cap: 2.5, ..plain(1.0) };
        let (f, annual) = Path::flat(1.0, 12, 0.0).eval(&c, &Events::NONE, 0.0, 0.0);
        assert!(close(f.paid, 2.5) && close(annual[0], 2.5));
        assert_eq!(f.cause, EndCause::Cap);
        assert!(close(f.cap_time.unwrap(), 2.5 / 12.0) && close(f.end, 2.5 / 12.0));
    }

    /// Share 1 of 1 per month for a year under `cap` with `cap_counted` already counted.
    fn capped(cap: f64, cap_counted: f64) -> Flows {
        let c = ContractDraw { cap, cap_counted, ..plain(1.0) };
        Path::flat(1.0, 12, 0.0).eval(&c, &Events::NONE, 0.0, 0.0).0
    }

    #[test]
    fn a_cap_hit_exactly_at_a_months_end_binds_at_that_moment() {
        let f = capped(3.0, 0.0);
        assert_eq!((f.paid, f.cap_time, f.cause), (3.0, Some(3.0 / 12.0), EndCause::Cap));
        // A cap equal to everything the horizon pays binds at the horizon, and the
        // cap wins the tie with the horizon.
        let f = capped(12.0, 0.0);
        assert_eq!((f.paid, f.cap_time, f.end, f.cause), (12.0, Some(1.0), 1.0, EndCause::Cap));
    }

    #[test]
    fn amounts_already_counted_reduce_the_room_under_the_cap() {
        let f = capped(5.0, 3.5);
        assert!(close(f.paid, 1.5) && close(f.cap_time.unwrap(), 1.5 / 12.0));
        // Counted amounts at or above the cap: it binds at once and nothing is paid.
        let f = capped(5.0, 6.0);
        assert_eq!((f.paid, f.cap_time, f.end, f.cause), (0.0, Some(0.0), 0.0, EndCause::Cap));
    }

    #[test]
    fn the_reverse_share_is_paid_on_microsofts_revenue_and_is_not_capped() {
        let c = ContractDraw { cap: 3.0, reverse_share: 0.2, ..plain(0.5) };
        let (f, annual) = Path::flat(2.0, 12, 0.0).eval(&c, &Events::NONE, 0.4, 0.0);
        assert!(close(f.paid, 3.0));
        assert!(close(f.received, 0.2 * 0.4 * 2.0 * 12.0));
        assert!(close(f.net, 3.0 - 1.92));
        assert!(close(annual[1], 1.92) && close(annual[2], f.net));
        assert_eq!(f.cause, EndCause::Cap);
    }

    #[test]
    fn failure_fractions_are_not_counted_twice_and_the_failure_months_payment_is_lost() {
        // M_k already carries the failure fraction; the contract must not apply it again.
        // The half month accrued before failure falls due at the month's end, after it:
        // lost, but for the recovered fraction.
        let mut path = Path::flat(1.0, 12, 0.0);
        path.monthly[3] = 0.5;
        path.monthly[4..].fill(0.0);
        let ev = Events { failure: 3.5 / 12.0, ..Events::NONE };
        let (f, annual) = path.eval(&plain(1.0), &ev, 0.0, 0.0);
        assert!(close(f.paid, 3.0) && close(f.lost, 0.5) && close(annual[0], 3.0));
        assert_eq!(f.cause, EndCause::Failure);
        assert!(close(f.end, 3.5 / 12.0));
        let (f, _) = path.eval(&ContractDraw { recovery: 0.4, ..plain(1.0) }, &ev, 0.0, 0.0);
        assert!(close(f.paid, 3.2) && close(f.lost, 0.3) && close(f.pv, 3.2));
    }

    /// Share 1 of 1 a month for six months, each paid evenly over `S = 1` year,
    /// OpenAI failing at exactly mid-year, at discount rate `r`.
    fn spread_then_failure(recovery: f64, r: f64) -> Flows {
        let mut path = Path::flat(1.0, 12, r);
        path.monthly[6..].fill(0.0);
        let ev = Events { failure: 0.5, ..Events::NONE };
        path.eval(&ContractDraw { spread_years: 1.0, recovery, ..plain(1.0) }, &ev, 0.0, r).0
    }

    #[test]
    fn payments_spread_past_failure_are_lost_but_for_the_recovery_by_hand() {
        // Accrual k (k = 0..5) is paid over [(k+1)/12, (k+1)/12 + 1]; by T_F = 1/2 the
        // fraction (5 - k)/12 of it has been paid: 15/12 in all of the 6 accrued, so
        // 4.75 is still owed at failure.
        let f = spread_then_failure(0.0, 0.0);
        assert!(close(f.paid, 1.25) && close(f.lost, 4.75) && close(f.pv, 1.25), "{f:?}");
        let f = spread_then_failure(0.4, 0.0);
        assert!(close(f.paid, 1.25 + 0.4 * 4.75) && close(f.lost, 0.6 * 4.75) && close(f.pv, f.paid), "{f:?}");
        // The present value, checked by integrating the payment schedule numerically:
        // each accrual pays at rate 1/S over [e, min(e + S, T_F)], and 0.4 of the rest at T_F.
        let r: f64 = 0.1;
        let df = |u: f64| (1.0 + r).powf(-u);
        let mut pv = 0.0;
        for k in 0..6 {
            let (e, end) = ((k + 1) as f64 / 12.0, 0.5f64);
            let steps = 20_000;
            let h = (end - e) / steps as f64;
            let paid_pv: f64 = (0..steps).map(|i| df(e + (i as f64 + 0.5) * h) * h).sum();
            let unpaid = 1.0 - (end - e);
            pv += paid_pv + 0.4 * unpaid * df(0.5);
        }
        let f = spread_then_failure(0.4, r);
        assert!((f.pv - pv).abs() < 1e-9, "{} vs {pv}", f.pv);
    }

    #[test]
    fn failure_before_payments_start_pays_nothing() {
        let path = Path { monthly: vec![0.0; 12], ..Path::flat(1.0, 12, 0.0) };
        let ev = Events { failure: 0.0, ..Events::NONE };
        let (f, _) = path.eval(&ContractDraw { cap: 1.0, ..plain(0.2) }, &ev, 0.3, 0.0);
        assert_eq!(
            (f.paid, f.received, f.pv, f.end, f.cause, f.cap_time),
            (0.0, 0.0, 0.0, 0.0, EndCause::Failure, None)
        );
    }

    #[test]
    fn present_value_discounts_from_each_months_end() {
        let r = 0.1;
        let (f, _) = Path::flat(1.0, 24, r).eval(&plain(1.0), &Events::NONE, 0.0, r);
        let expect: f64 = (1..=24).map(|k| 1.1f64.powf(-(k as f64) / 12.0)).sum();
        assert!(close(f.pv, expect), "{} vs {expect}", f.pv);
    }

    #[test]
    fn a_valuation_date_a_year_after_the_start_multiplies_every_present_value_by_one_plus_r() {
        let r = 0.09;
        let path = Path::flat(1.0, 36, r);
        let mut later = Path::flat(1.0, 36, r);
        discount_factors(r, 1.0, &mut later.df);
        for c in [plain(0.2), ContractDraw { spread_years: 2.0, cap: 3.0, ..plain(0.5) }] {
            let (at_start, _) = path.eval(&c, &Events::NONE, 0.0, r);
            let (at_one, _) = later.eval(&c, &Events::NONE, 0.0, r);
            assert!((at_one.pv / at_start.pv - (1.0 + r)).abs() < 1e-14, "{} vs {}", at_one.pv, at_start.pv);
            assert_eq!(at_one.paid, at_start.paid);
        }
    }

    #[test]
    fn a_spread_payment_is_discounted_over_its_spread() {
        let (r, s) = (0.08, 3.0);
        let c = ContractDraw { spread_years: s, ..plain(1.0) };
        let (f, _) = Path::flat(1.0, 12, r).eval(&c, &Events::NONE, 0.0, r);
        // Closed form: (DF(u) - DF(u + S)) / (S ln(1 + r)) per accrual.
        let df = |u: f64| 1.08f64.powf(-u);
        let expect: f64 = (1..=12).map(|k| (df(k as f64 / 12.0) - df(k as f64 / 12.0 + s)) / (s * 1.08f64.ln())).sum();
        assert!(close(f.pv, expect), "{} vs {expect}", f.pv);
        assert_eq!(spread_factor(s, 0.0), 1.0);
        assert_eq!(spread_factor(0.0, r), 1.0);
        // Tiny rates do not lose precision.
        assert!((spread_factor(2.0, 1e-12) - 1.0).abs() < 1e-11);
    }
}
