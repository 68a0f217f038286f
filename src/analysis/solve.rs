//! Break-even terms: the value of one contract term at which a row's mean metric
//! equals the baseline's (or a given value).
//!
//! The worlds are simulated once ([`Worlds`]); every trial value is evaluated on
//! the same paths, with the row's other random terms fixed at their draws, so the
//! objective `g(x) = mean over paths of [metric(row with term x) - target]` is a
//! deterministic function of `x`. The root is bracketed by the ends of the term's
//! domain and refined by bisection to a width of 1e-10 of the bracket, far below
//! the Monte Carlo error; where the objective is flat at zero over a range (a cap
//! that no longer binds), the smallest such value is returned.
//!
//! The 95% confidence interval propagates the standard error of the mean paired
//! difference at the root through the slope of `g` (the delta method):
//! `x ± 1.96 se(g(x)) / |g'(x)|`, with `g'` a central difference on the same paths.

use crate::choice::Choice;
use crate::engine::{Metric, Plan, Workspace};
use crate::model::contract::{self, ContractDraw, Flows};
use crate::model::world::Events;
use rayon::prelude::*;

/// The contract term solved for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolveParam {
    /// The total cap, $B.
    Cap,
    /// The share of revenue.
    Share,
    /// The end date (solved in years since start, shown as a date).
    End,
    /// The amount already counted toward the cap, $B.
    CapCounted,
}

impl Choice for SolveParam {
    const ALL: &'static [SolveParam] = &[SolveParam::Cap, SolveParam::Share, SolveParam::End, SolveParam::CapCounted];

    /// The term's column name.
    fn name(self) -> &'static str {
        match self {
            SolveParam::Cap => "cap",
            SolveParam::Share => "share",
            SolveParam::End => "end",
            SolveParam::CapCounted => "cap_counted",
        }
    }
}

impl SolveParam {
    fn set(self, c: &ContractDraw, x: f64) -> ContractDraw {
        let mut c = *c;
        match self {
            SolveParam::Cap => c.cap = x,
            SolveParam::Share => c.share = x,
            SolveParam::End => c.end = x,
            SolveParam::CapCounted => c.cap_counted = x,
        }
        c
    }
}

/// What the row's mean metric must equal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// The mean of another terms row, on the same paths.
    Row(usize),
    /// A given value, $B.
    Value(f64),
}

/// Why [`solve`] cannot start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    /// `cap_counted` of a row with no cap changes nothing.
    #[error("the row has no cap, so the amount counted toward it changes nothing")]
    NoCap,
    /// The row cannot be matched against itself.
    #[error("the row cannot be matched against itself; name another row")]
    SameRow,
}

/// The simulated worlds of a scenario, kept to evaluate contracts many times.
pub struct Worlds<'a> {
    plan: &'a Plan<'a>,
    months: usize,
    monthly: Vec<f64>,
    df_next: Vec<f64>,
    events: Vec<Events>,
    ms_ratio: Vec<f64>,
    discount: Vec<f64>,
    paths: usize,
}

impl Worlds<'_> {
    /// The first path whose monthly revenue overflowed (see
    /// [`crate::engine::overflows`]), if any.
    pub fn overflow(&self) -> Option<u64> {
        let months = (self.monthly.len() / self.paths.max(1)).max(1);
        self.monthly.iter().position(|v| crate::engine::overflows(*v)).map(|i| (i / months) as u64)
    }
}

impl<'a> Worlds<'a> {
    /// Simulates `paths` worlds of `plan` (in parallel; each path's numbers are the
    /// ones `run` uses).
    pub fn simulate(plan: &'a Plan<'a>, paths: usize) -> Worlds<'a> {
        let months = plan.months();
        let mut monthly = vec![0.0; paths * months];
        let mut df_next = vec![0.0; paths * months];
        let per_path: Vec<(Events, f64, f64)> = monthly
            .par_chunks_mut(months)
            .zip(df_next.par_chunks_mut(months))
            .enumerate()
            .map_init(
                || plan.workspace(),
                |ws: &mut Workspace, (i, (m, d))| {
                    let (p, events, _) = plan.revenue(i as u64, ws, None);
                    m.copy_from_slice(&ws.monthly);
                    d.copy_from_slice(ws.df_next());
                    (events, p.ms_ratio, p.discount_rate)
                },
            )
            .collect();
        Worlds {
            plan,
            months,
            monthly,
            df_next,
            events: per_path.iter().map(|x| x.0).collect(),
            ms_ratio: per_path.iter().map(|x| x.1).collect(),
            discount: per_path.iter().map(|x| x.2).collect(),
            paths,
        }
    }

    /// Evaluates `contract(i)` on every path `i`.
    pub fn flows(&self, contract: impl Fn(usize) -> ContractDraw + Sync) -> Vec<Flows> {
        let k = self.months;
        (0..self.paths)
            .into_par_iter()
            .map_init(
                || vec![0.0; crate::engine::FLOWS * self.plan.layout().periods],
                |annual, i| {
                    let (monthly, df_next) = (&self.monthly[i * k..(i + 1) * k], &self.df_next[i * k..(i + 1) * k]);
                    let grid = self.plan.grid(monthly, df_next, self.discount[i].ln_1p());
                    contract::evaluate(&contract(i), &self.events[i], self.ms_ratio[i], grid, annual)
                },
            )
            .collect()
    }
}

/// What [`solve`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The term solved for.
    pub param: SolveParam,
    /// The metric matched.
    pub metric: Metric,
    /// The target mean (the baseline's mean metric, or the given value).
    pub target: f64,
    /// Whether a value in the domain reaches the target.
    pub reachable: bool,
    /// The solution, or the nearest achievable value when unreachable.
    pub value: f64,
    /// The row's mean metric at `value`.
    pub achieved: f64,
    /// Standard error of the mean paired difference at `value`.
    pub se: f64,
    /// The slope of the mean difference at `value`, per unit of the term.
    pub slope: f64,
    /// 95% confidence interval of the solution (delta method); `None` when the
    /// slope is zero.
    pub ci: Option<(f64, f64)>,
    /// The domain searched.
    pub domain: (f64, f64),
    /// The row's mean metric at the two ends of the domain.
    pub range: (f64, f64),
}

/// Finds the value of `param` in row `t` at which its mean `metric` equals `target`.
pub fn solve(
    worlds: &Worlds<'_>,
    t: usize,
    target: Target,
    param: SolveParam,
    metric: Metric,
) -> Result<Solution, SolveError> {
    let plan = worlds.plan;
    let n = worlds.paths;
    let start = plan.start_year();
    let draws: Vec<ContractDraw> = (0..n).map(|i| plan.contract(t, i as u64)).collect();
    let targets: Vec<f64> = match target {
        Target::Value(v) => vec![v; n],
        Target::Row(r) if r == t => return Err(SolveError::SameRow),
        Target::Row(r) => {
            let flows = worlds.flows(|i| plan.contract(r, i as u64));
            flows.iter().map(|f| metric.of(f, start)).collect()
        }
    };
    let target = targets.iter().sum::<f64>() / n as f64;
    // Per-path differences at x, and their mean (summed in path order).
    let diffs = |x: f64| -> Vec<f64> {
        let flows = worlds.flows(|i| param.set(&draws[i], x));
        flows.iter().zip(&targets).map(|(f, a)| metric.of(f, start) - a).collect()
    };
    let g = |x: f64| diffs(x).iter().sum::<f64>() / n as f64;
    let horizon = crate::model::month_start(worlds.months);
    let domain = match param {
        SolveParam::Share => (0.0, 1.0),
        SolveParam::End => (0.0, horizon),
        SolveParam::Cap => {
            let uncapped = worlds.flows(|i| ContractDraw { cap: f64::INFINITY, ..draws[i] });
            let most = uncapped.iter().map(|f| f.paid).fold(0.0, f64::max);
            let counted = draws.iter().map(|c| c.cap_counted).fold(0.0, f64::max);
            (0.0, most + counted + 1.0)
        }
        SolveParam::CapCounted => {
            let cap = draws.iter().map(|c| c.cap).fold(0.0, f64::max);
            if !cap.is_finite() {
                return Err(SolveError::NoCap);
            }
            (0.0, cap)
        }
    };
    let (g_lo, g_hi) = (g(domain.0), g(domain.1));
    let range = (g_lo + target, g_hi + target);
    let reachable = g_lo.signum() != g_hi.signum() || g_lo == 0.0 || g_hi == 0.0;
    let x = if !reachable {
        if g_lo.abs() <= g_hi.abs() { domain.0 } else { domain.1 }
    } else if g_lo == 0.0 {
        domain.0
    } else {
        let (mut lo, mut hi) = domain;
        let below = g_lo < 0.0;
        for _ in 0..200 {
            if hi - lo <= 1e-10 * (domain.1 - domain.0) {
                break;
            }
            let mid = 0.5 * (lo + hi);
            let gm = g(mid);
            if gm != 0.0 && (gm < 0.0) == below {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        hi
    };
    let d = diffs(x);
    let achieved = d.iter().sum::<f64>() / n as f64 + target;
    let se = crate::stats::Summary::of(d).and_then(|s| s.se).unwrap_or(0.0);
    let h = 1e-4 * (domain.1 - domain.0);
    let (a, b) = ((x - h).max(domain.0), (x + h).min(domain.1));
    let slope = (g(b) - g(a)) / (b - a);
    let ci = (slope != 0.0 && slope.is_finite()).then(|| {
        let half = crate::stats::Z_95 * se / slope.abs();
        (x - half, x + half)
    });
    Ok(Solution { param, metric, target, reachable, value: x, achieved, se, slope, ci, domain, range })
}
