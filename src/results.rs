//! From a [`PathTable`] to the results users read: summaries per metric, outcome
//! probabilities, annual fans and paired differences against the baseline.

use crate::choice::Choice;
use crate::engine::{Block, Flow, Layout, Metric, PathTable, Plan, TermsField, money_columns, overflows};
use crate::model::Terms;
use crate::model::contract::EndCause;
use crate::periods::Period;
use crate::stats::Z_95;
use crate::stats::mixture::Finished;
use crate::stats::series::Series;
use crate::stats::{Proportion, Summary};
use rayon::prelude::*;

/// One reporting period of a per-period quantity (`annual.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Annual {
    /// The period.
    pub period: Period,
    /// Distribution of the quantity in that period.
    pub summary: Summary,
}

/// The results of one terms row.
#[derive(Debug, Clone, PartialEq)]
pub struct TermsResults {
    /// Terms row name.
    pub name: String,
    /// Summaries of every [`Metric`], in [`Metric::ALL`] order.
    pub metrics: Vec<Summary>,
    /// Calendar year of the cap hit over the paths where it bound.
    pub cap_year: Option<Summary>,
    /// P(the cap binds before the horizon); `None` for a row with no cap.
    pub cap_hit: Option<Proportion>,
    /// P(the flows end by each cause), in [`EndCause::ALL`] order.
    pub end_by: Vec<Proportion>,
    /// Paid, received and net per period (in [`Flow::ALL`] order).
    pub annual: Vec<Vec<Annual>>,
    /// Cumulative paid to Microsoft by the end of each period.
    pub cum_paid: Vec<Annual>,
}

impl TermsResults {
    /// The summary of `metric`.
    pub fn metric(&self, metric: Metric) -> &Summary {
        &self.metrics[metric as usize]
    }

    /// The most likely end cause and its probability.
    pub fn likeliest_end(&self) -> (EndCause, Proportion) {
        let mut best = 0;
        for (i, p) in self.end_by.iter().enumerate() {
            if p.p > self.end_by[best].p {
                best = i;
            }
        }
        (EndCause::ALL[best], self.end_by[best])
    }
}

/// A paired difference `metric(terms) - metric(baseline)` over paths.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    /// Terms row.
    pub terms: String,
    /// Baseline row.
    pub baseline: String,
    /// [`Metric::Net`] or [`Metric::Pv`].
    pub metric: Metric,
    /// Distribution of the per-path differences.
    pub summary: Summary,
    /// P(difference > 0): the terms pay Microsoft more than the baseline.
    pub prob_positive: Proportion,
}

/// The finished distribution of every series of one scenario, in the order of its
/// results: what the mixture needs of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Distributions {
    /// Total revenue.
    pub revenue: Finished,
    /// Revenue per period.
    pub annual_revenue: Vec<Finished>,
    /// Per terms row, in file order.
    pub terms: Vec<TermsDistributions>,
}

/// The finished distributions of one terms row's series.
#[derive(Debug, Clone, PartialEq)]
pub struct TermsDistributions {
    /// Every [`Metric`], in [`Metric::ALL`] order.
    pub metrics: Vec<Finished>,
    /// The calendar year of the cap hit, over the paths where it bound.
    pub cap_year: Finished,
    /// Paid, received and net per period, in [`Flow::ALL`] order.
    pub annual: Vec<Vec<Finished>>,
    /// Cumulative paid by the end of each period.
    pub cum_paid: Vec<Finished>,
    /// The row's paired differences, in the order of [`ScenarioResults::deltas`]:
    /// net and PV against the baseline (unless it is the baseline), then PV against
    /// each reading.
    pub deltas: Vec<Finished>,
}

/// Everything reported for one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioResults {
    /// Scenario name.
    pub scenario: String,
    /// Number of paths.
    pub paths: usize,
    /// Total revenue over the horizon.
    pub revenue: Summary,
    /// Annual revenue.
    pub annual_revenue: Vec<Annual>,
    /// Per terms row, in file order.
    pub terms: Vec<TermsResults>,
    /// Index of the baseline in `terms`.
    pub baseline: usize,
    /// Paired differences of each non-baseline row: `net` then `pv`.
    pub deltas: Vec<Delta>,
    /// Curves for the charts.
    pub curves: Vec<Curve>,
    /// How the quantiles were computed.
    pub quantiles: QuantileMethod,
    /// The first path whose revenue or money flows are not finite numbers or exceed
    /// [`crate::engine::MAX_MONEY`] (they overflowed); a run refuses results that have one.
    pub overflow: Option<u64>,
    /// The distribution of every series, kept for the mixture when the scenario has
    /// a weight (MODEL.md §5); `None` otherwise.
    pub distributions: Option<Box<Distributions>>,
}

/// The share of paths still paying at the horizon above which a run warns that a
/// terms row's totals are cut off.
pub const TRUNCATION_WARNING: f64 = 0.01;

/// Bins of the PV and paired-difference histograms.
pub const HISTOGRAM_BINS: usize = 40;

/// Levels of the PV quantile function drawn as a CDF: 0, 0.01, ..., 1.
pub const CDF_POINTS: usize = 101;

/// Which curve of the report a [`Curve`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurveKind {
    /// The quantile function of the PV, drawn as a CDF.
    PvCdf,
    /// The histogram of the PV.
    PvHist,
    /// The histogram of the PV minus the baseline's.
    DeltaPvHist,
    /// P(the cap not reached by a date).
    CapSurvival,
    /// P(ended by a date, with this cause).
    EndedBy(EndCause),
}

impl Choice for CurveKind {
    const ALL: &'static [CurveKind] = &[
        CurveKind::PvCdf,
        CurveKind::PvHist,
        CurveKind::DeltaPvHist,
        CurveKind::CapSurvival,
        CurveKind::EndedBy(EndCause::Cap),
        CurveKind::EndedBy(EndCause::Cutoff),
        CurveKind::EndedBy(EndCause::Trigger),
        CurveKind::EndedBy(EndCause::Failure),
        CurveKind::EndedBy(EndCause::Horizon),
    ];

    /// The name in `curves.csv`.
    fn name(self) -> &'static str {
        match self {
            CurveKind::PvCdf => "pv_cdf",
            CurveKind::PvHist => "pv_hist",
            CurveKind::DeltaPvHist => "delta_pv_hist",
            CurveKind::CapSurvival => "cap_survival",
            CurveKind::EndedBy(EndCause::Cap) => "ended_by_cap",
            CurveKind::EndedBy(EndCause::Cutoff) => "ended_by_cutoff",
            CurveKind::EndedBy(EndCause::Trigger) => "ended_by_trigger",
            CurveKind::EndedBy(EndCause::Failure) => "ended_by_failure",
            CurveKind::EndedBy(EndCause::Horizon) => "ended_by_horizon",
        }
    }
}

/// An outcome whose probability `outcomes.csv` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The cap binds before the horizon.
    CapHit,
    /// The flows end with this cause.
    EndBy(EndCause),
}

impl Choice for Outcome {
    const ALL: &'static [Outcome] = &[
        Outcome::CapHit,
        Outcome::EndBy(EndCause::Cap),
        Outcome::EndBy(EndCause::Cutoff),
        Outcome::EndBy(EndCause::Trigger),
        Outcome::EndBy(EndCause::Failure),
        Outcome::EndBy(EndCause::Horizon),
    ];

    /// The name in `outcomes.csv`.
    fn name(self) -> &'static str {
        match self {
            Outcome::CapHit => "cap_hit",
            Outcome::EndBy(EndCause::Cap) => "end_by_cap",
            Outcome::EndBy(EndCause::Cutoff) => "end_by_cutoff",
            Outcome::EndBy(EndCause::Trigger) => "end_by_trigger",
            Outcome::EndBy(EndCause::Failure) => "end_by_failure",
            Outcome::EndBy(EndCause::Horizon) => "end_by_horizon",
        }
    }
}

/// A quantity `annual.csv` gives per calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// OpenAI's revenue earned in the year (terms [`NO_TERMS`]).
    Revenue,
    /// A terms row's flow accrued in the year.
    Flow(Flow),
    /// A terms row's total paid by the end of the year.
    CumPaid,
}

impl Choice for Quantity {
    const ALL: &'static [Quantity] = &[
        Quantity::Revenue,
        Quantity::Flow(Flow::Paid),
        Quantity::Flow(Flow::Received),
        Quantity::Flow(Flow::Net),
        Quantity::CumPaid,
    ];

    /// The name in `annual.csv`.
    fn name(self) -> &'static str {
        match self {
            Quantity::Revenue => "revenue",
            Quantity::Flow(f) => f.name(),
            Quantity::CumPaid => "cum_paid",
        }
    }
}

/// The terms column of the rows that belong to a scenario, not a terms row (revenue).
pub const NO_TERMS: &str = "-";

/// One point of a curve, or one histogram bin `[x, x_end)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Abscissa (bin start for a histogram).
    pub x: f64,
    /// Bin end, for a histogram.
    pub x_end: Option<f64>,
    /// Ordinate: a probability or a fraction of paths.
    pub y: f64,
}

/// A curve of the report, computed from the paths so that the report can be
/// drawn again from the output files alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Terms row.
    pub terms: String,
    /// Which curve.
    pub kind: CurveKind,
    /// The points, in increasing `x`.
    pub points: Vec<CurvePoint>,
}

fn line(terms: &str, kind: CurveKind, points: impl Iterator<Item = (f64, f64)>) -> Curve {
    Curve { terms: terms.to_string(), kind, points: points.map(|(x, y)| CurvePoint { x, x_end: None, y }).collect() }
}

fn bars(terms: &str, kind: CurveKind, series: &mut Series, (lo, hi): (f64, f64)) -> Curve {
    let width = (hi - lo) / HISTOGRAM_BINS as f64;
    let h = series.histogram(lo, hi, HISTOGRAM_BINS);
    let points = h
        .iter()
        .enumerate()
        .map(|(i, y)| CurvePoint { x: lo + i as f64 * width, x_end: Some(lo + (i + 1) as f64 * width), y: *y })
        .collect();
    Curve { terms: terms.to_string(), kind, points }
}

/// The levels whose quantiles bound a histogram's range: from the 0.5% to the
/// 99.5% quantile, so that a long tail does not squash the body; the paths beyond
/// are counted in the edge bins. (The rows' PV histograms share the range of all
/// their tails.)
pub(crate) const TAILS: [f64; 2] = [0.005, 0.995];

/// Counts of values at or below each date of the monthly grid, kept as counts of
/// the first grid date each value is at or below.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct ByDate {
    counts: Vec<u64>,
}

impl ByDate {
    fn new(grid: &[f64]) -> ByDate {
        ByDate { counts: vec![0; grid.len()] }
    }

    fn add(&mut self, grid: &[f64], v: f64) {
        let k = grid.partition_point(|g| *g < v);
        if let Some(c) = self.counts.get_mut(k) {
            *c += 1;
        }
    }

    fn merge(&mut self, other: &ByDate) {
        self.counts.iter_mut().zip(&other.counts).for_each(|(a, b)| *a += b);
    }

    /// `(date, share of the n paths at or below it)` on the grid.
    fn shares(&self, grid: &[f64], n: u64) -> Vec<(f64, f64)> {
        let mut seen = 0;
        grid.iter()
            .zip(&self.counts)
            .map(|(x, c)| {
                seen += c;
                (*x, seen as f64 / n as f64)
            })
            .collect()
    }
}

/// What is accumulated for one terms row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct TermsAcc {
    metrics: Vec<Series>,
    cap_year: Series,
    causes: [u64; 5],
    cap_at: ByDate,
    ended_at: Vec<ByDate>,
    annual: Vec<Vec<Series>>,
    cum_paid: Vec<Series>,
    /// Net and PV minus the baseline's, and how often each is positive.
    deltas: Option<([Series; 2], [u64; 2])>,
    /// PV minus each reading's (rows that are readings of a contract; not this row,
    /// nor the baseline, which `deltas` covers) and the row this one is a sweep's
    /// variant of, sketched, and how often positive.
    vs_readings: Vec<(usize, Series, u64)>,
}

impl TermsAcc {
    /// Adds everything `b` accumulated (exact and order-free, as every merge here).
    fn merge(&mut self, b: TermsAcc) {
        let a = self;
        a.metrics.iter_mut().zip(b.metrics).for_each(|(x, y)| x.merge(y));
        a.cap_year.merge(b.cap_year);
        a.causes.iter_mut().zip(b.causes).for_each(|(x, y)| *x += y);
        a.cap_at.merge(&b.cap_at);
        a.ended_at.iter_mut().zip(&b.ended_at).for_each(|(x, y)| x.merge(y));
        for (x, y) in a.annual.iter_mut().zip(b.annual) {
            x.iter_mut().zip(y).for_each(|(s, o)| s.merge(o));
        }
        a.cum_paid.iter_mut().zip(b.cum_paid).for_each(|(x, y)| x.merge(y));
        if let (Some((xs, xp)), Some((ys, yp))) = (&mut a.deltas, b.deltas) {
            xs.iter_mut().zip(ys).for_each(|(x, y)| x.merge(y));
            xp.iter_mut().zip(yp).for_each(|(x, y)| *x += y);
        }
        for (x, y) in a.vs_readings.iter_mut().zip(b.vs_readings) {
            x.1.merge(y.1);
            x.2 += y.2;
        }
    }
}

/// Paths up to which the main series (revenue, metrics, cap years, paired
/// differences) keep every value for exact quantiles; beyond, they use a
/// [`Sketch`](crate::stats::sketch::Sketch). 16 MB a series.
pub const EXACT_MAIN_PATHS: usize = 2_000_000;
/// Values up to which a per-period quantity (the revenue, or one terms row's paid,
/// received, net or cumulative paid, in every period: `paths x periods` values)
/// keeps every value; beyond, its series use a sketch. 8 MB a quantity: 50,000
/// paths of a 20-year horizon by year, 100,000 of a 10-year one, 25,000 of a
/// 10-year one by quarter.
pub const EXACT_ANNUAL_VALUES: usize = 1_000_000;

/// Up to how many paths the main series, and how many values the per-period
/// quantities, keep every value. The rule depends on the paths and the
/// scenario's number of periods alone, never on the other rows, so adding a terms
/// row cannot change another row's quantiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Budget {
    /// Paths, for the revenue, metrics, cap years and paired differences.
    pub main: usize,
    /// Values (`paths x periods`), for the revenue, flows and cumulative paid per
    /// period.
    pub annual_values: usize,
}

impl Budget {
    /// [`EXACT_MAIN_PATHS`] and [`EXACT_ANNUAL_VALUES`].
    pub const DEFAULT: Budget = Budget { main: EXACT_MAIN_PATHS, annual_values: EXACT_ANNUAL_VALUES };

    /// Whether the main and the per-period series of `paths` paths over `periods`
    /// periods keep every value.
    pub(crate) fn exact_fits(self, paths: usize, periods: usize) -> (bool, bool) {
        (paths <= self.main, paths.saturating_mul(periods) <= self.annual_values)
    }
}

/// Values a kept series reserves room for at the start.
const RESERVE: usize = 1 << 16;

/// The 95% half-width of a reported mean, for a stopping rule.
#[derive(Debug, Clone, PartialEq)]
pub struct HalfWidth {
    /// What the mean is of: `revenue`, `<terms>.<metric>` or `<terms>-<baseline>.<metric>`.
    pub name: String,
    /// The mean.
    pub mean: f64,
    /// `1.96` standard errors of the mean.
    pub half_width: f64,
}

/// How a scenario's quantiles were computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileMethod {
    /// Whether the main series kept every value.
    pub main_exact: bool,
    /// Whether the annual series kept every value.
    pub annual_exact: bool,
    /// The relative error bound of the quantiles of the differences against the
    /// readings, which are always sketched (0 when there are none).
    pub readings_error: f64,
    /// The largest relative error bound of any sketched main or annual series (0
    /// when all exact).
    pub sketch_error: f64,
}

/// The statistics of one scenario, accumulated block by block (see
/// [`crate::engine::simulate_fold`]); every merge is exact and order-free, so the
/// results do not depend on the threads. Memory is bounded: exact quantiles keep
/// values only up to [`EXACT_MAIN_PATHS`] paths and [`EXACT_ANNUAL_VALUES`] values.
///
/// Serialized, it is the state a shard of a run hands to the merge: the paths'
/// statistics, without what the plan gives back (periods, grid, scratch space), so
/// it is merged into an accumulator made from the plan ([`Accumulator::merge`]
/// takes nothing else from the other).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Accumulator {
    layout: Layout,
    budget: Budget,
    #[serde(skip)]
    periods: Vec<Period>,
    #[serde(skip)]
    grid: Vec<f64>,
    baseline: usize,
    paths: u64,
    revenue: Series,
    annual_revenue: Vec<Series>,
    terms: Vec<TermsAcc>,
    #[serde(skip)]
    scratch: Vec<f64>,
    /// The first path whose revenue or flows are not finite numbers.
    overflow: Option<u64>,
    /// Whether [`Accumulator::finish`] keeps the distributions for the mixture:
    /// the scenario has a weight.
    keep: bool,
}

impl Accumulator {
    /// An empty accumulator for `paths` paths of `plan`, with `baseline` the row the
    /// others are compared with.
    pub fn new(plan: &Plan<'_>, baseline: usize, paths: usize) -> Accumulator {
        Accumulator::with_budget(plan, baseline, paths, Budget::DEFAULT)
    }

    /// [`Accumulator::new`] with another memory budget for exact quantiles.
    pub fn with_budget(plan: &Plan<'_>, baseline: usize, paths: usize, budget: Budget) -> Accumulator {
        let l = plan.layout();
        let n_periods = plan.periods().len();
        let (main_exact, annual_exact) = budget.exact_fits(paths, n_periods);
        let grid: Vec<f64> = (0..=plan.months()).map(|k| plan.start_year() + k as f64 / 12.0).collect();
        // Kept values get room for a start (address space only until written).
        let series = |exact: bool| {
            let mut s = Series::new(exact);
            s.reserve(paths.min(RESERVE));
            s
        };
        let main = || series(main_exact);
        // Calendar years are sketched as years since the start, so that the sketch's
        // relative bound is a fraction of the time elapsed, not of 2030.
        let years_series = || series(main_exact).with_origin(plan.start_year());
        let annual = || (0..n_periods).map(|_| series(annual_exact)).collect::<Vec<_>>();
        let terms = (0..l.terms)
            .map(|t| TermsAcc {
                metrics: Metric::ALL
                    .iter()
                    .map(|m| if *m == Metric::EndYear { years_series() } else { main() })
                    .collect(),
                cap_year: years_series(),
                causes: [0; 5],
                cap_at: ByDate::new(&grid),
                ended_at: EndCause::ALL.iter().map(|_| ByDate::new(&grid)).collect(),
                annual: Flow::ALL.iter().map(|_| annual()).collect(),
                cum_paid: annual(),
                deltas: (t != baseline).then(|| ([main(), main()], [0, 0])),
                vs_readings: plan.compared_with(t, baseline).into_iter().map(|r| (r, Series::new(false), 0)).collect(),
            })
            .collect();
        Accumulator {
            layout: l,
            budget,
            periods: plan.periods().to_vec(),
            grid,
            baseline,
            paths: 0,
            revenue: main(),
            annual_revenue: annual(),
            terms,
            scratch: Vec::new(),
            overflow: None,
            keep: plan.scenario().weight() > 0.0,
        }
    }

    /// Simulates the paths of `plan` from `from` (a multiple of
    /// [`crate::engine::CHUNK_PATHS`]) up to `paths` and accumulates them: the blocks
    /// of a run of `paths` paths, simulated in parallel (see
    /// [`crate::engine::simulate_fold`]) into one accumulator per worker thread
    /// (`PerThread`); `done(n)` after each block.
    pub fn simulate(
        plan: &Plan<'_>,
        baseline: usize,
        from: usize,
        paths: usize,
        budget: Budget,
        done: &(dyn Fn(u64) + Sync),
    ) -> Accumulator {
        let init = || Accumulator::with_budget(plan, baseline, paths, budget);
        let accs = PerThread::new();
        let fold = |_: &mut (), block: &Block| accs.add(init, |acc: &mut Accumulator| acc.add_block(block));
        crate::engine::simulate_fold(plan, from, paths, done, || (), fold, |_, _| ());
        accs.merged(Accumulator::merge).unwrap_or_else(init)
    }

    /// Accumulates blocks already simulated (of a run of `paths` paths), in
    /// parallel, into one accumulator per worker thread (`PerThread`).
    pub fn of_blocks<B: std::borrow::Borrow<Block>>(
        plan: &Plan<'_>,
        baseline: usize,
        paths: usize,
        blocks: impl ParallelIterator<Item = B>,
    ) -> Accumulator {
        let init = || Accumulator::new(plan, baseline, paths);
        let accs = PerThread::new();
        blocks.for_each(|block| accs.add(init, |acc: &mut Accumulator| acc.add_block(block.borrow())));
        accs.merged(Accumulator::merge).unwrap_or_else(init)
    }

    /// The paths accumulated.
    pub fn paths(&self) -> u64 {
        self.paths
    }

    /// The first path whose money overflowed, if any (its results then say so).
    pub fn overflow(&self) -> Option<u64> {
        self.overflow
    }

    /// Turns the series whose values no longer fit in their budget at the paths
    /// accumulated into sketches: the state an accumulator made for that many
    /// paths from the start would have.
    pub fn limit_memory(&mut self) {
        let (main_exact, annual_exact) = self.budget.exact_fits(self.paths as usize, self.periods.len());
        if !main_exact {
            self.revenue.into_sketch();
            for t in &mut self.terms {
                t.metrics.iter_mut().chain([&mut t.cap_year]).for_each(Series::into_sketch);
                if let Some((series, _)) = &mut t.deltas {
                    series.iter_mut().for_each(Series::into_sketch);
                }
            }
        }
        if !annual_exact {
            self.annual_revenue.iter_mut().for_each(Series::into_sketch);
            for t in &mut self.terms {
                t.annual.iter_mut().flatten().chain(t.cum_paid.iter_mut()).for_each(Series::into_sketch);
            }
        }
    }

    /// The 95% half-widths of the money means a run reports: total revenue, each
    /// terms row's paid, lost, received, net and PV, and each paired difference of net and
    /// PV. `names` are the terms rows' names.
    pub fn half_widths(&self, names: &[&str]) -> Vec<HalfWidth> {
        let mut out = Vec::new();
        let mut push = |name: String, s: &Series| {
            if let Some((mean, Some(sd))) = s.moments() {
                out.push(HalfWidth { name, mean, half_width: Z_95 * sd / (s.len() as f64).sqrt() });
            }
        };
        push("revenue".to_string(), &self.revenue);
        let money = [Metric::Paid, Metric::Lost, Metric::Received, Metric::Net, Metric::Pv];
        for (acc, name) in self.terms.iter().zip(names) {
            for m in money {
                push(format!("{name}.{}", m.name()), &acc.metrics[m as usize]);
            }
            if let Some((series, _)) = &acc.deltas {
                for (m, s) in [Metric::Net, Metric::Pv].into_iter().zip(series) {
                    push(format!("{name}-{}.{}", names[self.baseline], m.name()), s);
                }
            }
            for (r, s, _) in &acc.vs_readings {
                push(format!("{name}-{}.{}", names[*r], Metric::Pv.name()), s);
            }
        }
        out
    }

    /// Adds the paths of one block.
    pub fn add_block(&mut self, b: &Block) {
        let l = self.layout;
        self.paths += b.paths as u64;
        // Revenue and money flows are at most MAX_MONEY on every path unless they
        // overflowed.
        for j in money_columns(l) {
            if let Some(i) = b.column(j).iter().position(|v| overflows(*v)) {
                let path = (b.first + i) as u64;
                self.overflow = Some(self.overflow.map_or(path, |o| o.min(path)));
            }
        }
        self.revenue.add_block(b.column(Layout::REVENUE_TOTAL));
        for (y, s) in self.annual_revenue.iter_mut().enumerate() {
            s.add_block(b.column(l.revenue_period(y)));
        }
        let grid = &self.grid;
        let scratch = &mut self.scratch;
        for (t, acc) in self.terms.iter_mut().enumerate() {
            for (m, s) in Metric::ALL.iter().zip(&mut acc.metrics) {
                s.add_block(b.column(l.terms_field(t, m.field())));
            }
            // The paths where the cap bound (NaN elsewhere), gathered without allocating.
            scratch.clear();
            scratch.extend(b.column(l.terms_field(t, TermsField::CapYear)).iter().filter(|v| !v.is_nan()));
            acc.cap_year.add_block(scratch);
            scratch.iter().for_each(|v| acc.cap_at.add(grid, *v));
            let ends = b.column(l.terms_field(t, TermsField::EndYear));
            for (code, end) in b.column(l.terms_field(t, TermsField::Cause)).iter().zip(ends) {
                let cause = EndCause::from_code(*code) as usize;
                acc.causes[cause] += 1;
                acc.ended_at[cause].add(grid, *end);
            }
            for (q, series) in Flow::ALL.iter().zip(&mut acc.annual) {
                for (y, s) in series.iter_mut().enumerate() {
                    s.add_block(b.column(l.terms_period(t, *q, y)));
                }
            }
            scratch.clear();
            scratch.resize(b.paths, 0.0);
            for (y, s) in acc.cum_paid.iter_mut().enumerate() {
                scratch.iter_mut().zip(b.column(l.terms_period(t, Flow::Paid, y))).for_each(|(c, p)| *c += p);
                s.add_block(scratch);
            }
            if let Some((series, positive)) = &mut acc.deltas {
                for (k, metric) in [Metric::Net, Metric::Pv].into_iter().enumerate() {
                    let own = b.column(l.terms_field(t, metric.field()));
                    let base = b.column(l.terms_field(self.baseline, metric.field()));
                    positive[k] += series[k].add_differences(own, base, scratch);
                }
            }
            let own = b.column(l.terms_field(t, TermsField::Pv));
            for (r, series, positive) in &mut acc.vs_readings {
                let reading = b.column(l.terms_field(*r, TermsField::Pv));
                *positive += series.add_differences(own, reading, scratch);
            }
        }
    }

    /// Joins the paths `other` accumulated to these.
    pub fn merge(mut self, other: Accumulator) -> Accumulator {
        self.paths += other.paths;
        self.overflow = match (self.overflow, other.overflow) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // The revenue beside the terms rows, each row on its own: the last merge of a
        // run's accumulators would otherwise leave the other cores idle.
        let (revenue, annual_revenue, terms) = (&mut self.revenue, &mut self.annual_revenue, &mut self.terms);
        rayon::join(
            || {
                revenue.merge(other.revenue);
                annual_revenue.iter_mut().zip(other.annual_revenue).for_each(|(a, b)| a.merge(b));
            },
            || terms.par_iter_mut().zip(other.terms).for_each(|(a, b)| a.merge(b)),
        );
        self
    }

    /// How the quantiles are computed.
    pub fn quantile_method(&mut self) -> QuantileMethod {
        let per_terms = self.terms.iter_mut().flat_map(|t| {
            let deltas = t.deltas.as_mut().map(|(s, _)| s.iter_mut()).into_iter().flatten();
            t.metrics.iter_mut().chain([&mut t.cap_year]).chain(deltas)
        });
        let main: Vec<f64> = std::iter::once(&mut self.revenue).chain(per_terms).map(Series::relative_error).collect();
        let annual: Vec<f64> = self
            .annual_revenue
            .iter_mut()
            .chain(self.terms.iter_mut().flat_map(|t| t.annual.iter_mut().flatten().chain(t.cum_paid.iter_mut())))
            .map(Series::relative_error)
            .collect();
        let readings: Vec<f64> =
            self.terms.iter_mut().flat_map(|t| t.vs_readings.iter_mut().map(|r| r.1.relative_error())).collect();
        QuantileMethod {
            main_exact: main.iter().all(|e| *e == 0.0),
            annual_exact: annual.iter().all(|e| *e == 0.0),
            readings_error: readings.iter().copied().fold(0.0, f64::max),
            sketch_error: main.iter().chain(&annual).copied().fold(0.0, f64::max),
        }
    }

    /// The finished distribution of every series, in the order of the results:
    /// what the mixture needs of the scenario (see [`crate::mixture`]).
    pub fn distributions(&self) -> Distributions {
        use crate::stats::mixture::EXACT_VALUES;
        // A per-period quantity hands over its values while all its periods' fit
        // in what one main series may.
        let per_period = EXACT_VALUES / self.periods.len().max(1);
        let main = |s: &Series| s.finished(EXACT_VALUES);
        let annual = |s: &Series| s.finished(per_period);
        Distributions {
            revenue: main(&self.revenue),
            annual_revenue: self.annual_revenue.iter().map(annual).collect(),
            terms: self
                .terms
                .par_iter()
                .map(|t| TermsDistributions {
                    metrics: t.metrics.iter().map(main).collect(),
                    cap_year: main(&t.cap_year),
                    annual: t.annual.iter().map(|q| q.iter().map(annual).collect()).collect(),
                    cum_paid: t.cum_paid.iter().map(annual).collect(),
                    deltas: t
                        .deltas
                        .iter()
                        .flat_map(|(s, _)| s.iter())
                        .chain(t.vs_readings.iter().map(|r| &r.1))
                        .map(main)
                        .collect(),
                })
                .collect(),
        }
    }

    /// The results of the accumulated paths (at least one) of scenario `scenario`
    /// under `terms`; with the distributions for the mixture when the scenario has
    /// a weight.
    pub fn finish(mut self, scenario: &str, terms: &[Terms]) -> ScenarioResults {
        let n = self.paths;
        let distributions = self.keep.then(|| Box::new(self.distributions()));
        let method = self.quantile_method();
        let (periods, grid, baseline) = (self.periods, self.grid, self.baseline);
        let annual_of = |series: Vec<Series>| -> Vec<Annual> {
            let summaries: Vec<Summary> = series.into_par_iter().map(summarize).collect();
            periods.iter().zip(summaries).map(|(period, summary)| Annual { period: period.clone(), summary }).collect()
        };
        let mut accs = self.terms;
        // Each row's PV summary, CDF and tails, found in one selection (the rows in
        // parallel): the tails set the range of every row's PV histogram.
        let levels: Vec<f64> = (0..CDF_POINTS).map(|i| i as f64 / (CDF_POINTS - 1) as f64).collect();
        let pv_levels: Vec<f64> = TAILS.iter().chain(&levels).copied().collect();
        let pvs: Vec<(Summary, Vec<f64>)> =
            accs.par_iter_mut().map(|a| summarize_with(&mut a.metrics[Metric::Pv as usize], &pv_levels)).collect();
        let ends = pvs.iter().flat_map(|(_, q)| q.get(..TAILS.len()).unwrap_or_default().iter().copied());
        let pv_range = crate::stats::histogram_range(ends);
        let (revenue, annual_revenue) = (self.revenue, self.annual_revenue);
        // One terms row's results, paired differences and chart curves.
        let finish_row = |((mut acc, row), (pv_summary, q)): ((TermsAcc, &Terms), (Summary, Vec<f64>))| {
            let name = row.name();
            let mut curves = Vec::new();
            let cdf = q.get(TAILS.len()..).unwrap_or_default().iter().copied();
            curves.push(line(name, CurveKind::PvCdf, cdf.zip(levels.iter().copied())));
            curves.push(bars(name, CurveKind::PvHist, &mut acc.metrics[Metric::Pv as usize], pv_range));
            let mut deltas = Vec::new();
            if let Some((series, positive)) = acc.deltas.take() {
                for ((metric, mut s), count) in [Metric::Net, Metric::Pv].into_iter().zip(series).zip(positive) {
                    // The PV difference's tails, found with its summary, set its histogram's range.
                    let extra: &[f64] = if metric == Metric::Pv { &TAILS } else { &[] };
                    let (summary, tails) = summarize_with(&mut s, extra);
                    if metric == Metric::Pv {
                        let range = crate::stats::histogram_range(tails.into_iter());
                        curves.push(bars(name, CurveKind::DeltaPvHist, &mut s, range));
                    }
                    deltas.push(Delta {
                        terms: name.to_string(),
                        baseline: terms[baseline].name().to_string(),
                        metric,
                        summary,
                        prob_positive: Proportion::of(count as usize, n as usize),
                    });
                }
            }
            for (r, series, count) in acc.vs_readings.drain(..) {
                deltas.push(Delta {
                    terms: name.to_string(),
                    baseline: terms[r].name().to_string(),
                    metric: Metric::Pv,
                    summary: summarize(series),
                    prob_positive: Proportion::of(count as usize, n as usize),
                });
            }
            if row.cap().is_some() {
                let survival = acc.cap_at.shares(&grid, n).into_iter().map(|(x, p)| (x, 1.0 - p));
                curves.push(line(name, CurveKind::CapSurvival, survival));
            }
            for (cause, at) in EndCause::ALL.iter().zip(&acc.ended_at) {
                curves.push(line(name, CurveKind::EndedBy(*cause), at.shares(&grid, n).into_iter()));
            }
            let cap_hits = acc.cap_year.len() as usize;
            // The other metrics summarised in parallel, the PV's (found above) in its place.
            let others = acc.metrics.into_par_iter().enumerate().filter(|(m, _)| *m != Metric::Pv as usize);
            let mut metrics: Vec<Summary> = others.map(|(_, s)| summarize(s)).collect();
            metrics.insert(Metric::Pv as usize, pv_summary);
            let results = TermsResults {
                name: name.to_string(),
                cap_hit: row.cap().map(|_| Proportion::of(cap_hits, n as usize)),
                cap_year: acc.cap_year.summary(),
                metrics,
                end_by: acc.causes.iter().map(|c| Proportion::of(*c as usize, n as usize)).collect(),
                annual: acc.annual.into_iter().map(&annual_of).collect(),
                cum_paid: annual_of(acc.cum_paid),
            };
            (results, deltas, curves)
        };
        // Each terms row is independent: finished in parallel, collected in order,
        // while the revenue's statistics are finished beside them.
        let (finished, (revenue, annual_revenue)) = rayon::join(
            || accs.into_par_iter().zip(terms.par_iter()).zip(pvs).map(finish_row).collect::<Vec<_>>(),
            || (summarize(revenue), annual_of(annual_revenue)),
        );
        let mut results = ScenarioResults {
            scenario: scenario.to_string(),
            paths: n as usize,
            revenue,
            annual_revenue,
            terms: Vec::new(),
            baseline,
            deltas: Vec::new(),
            curves: Vec::new(),
            quantiles: method,
            overflow: self.overflow,
            distributions,
        };
        for (t, d, c) in finished {
            results.terms.push(t);
            results.deltas.extend(d);
            results.curves.extend(c);
        }
        results
    }
}

/// One accumulator per worker thread of the current rayon pool, each made when
/// its thread first adds a block.
///
/// rayon's `fold` makes an accumulator for every piece of work it splits off (a
/// few dozen per scenario), and holds up to about a dozen of them at once until
/// their merges; each holds every series' state (kept values, sketches, buffers).
/// Keyed by thread, a run holds one per thread, and merges that many. Which blocks
/// a thread folds depends on the scheduling, which changes nothing: every merge is
/// exact and order-free.
///
/// A thread holds its own slot's lock only while it adds one block, and adding a
/// block starts no parallel work, so a thread never waits on itself.
pub(crate) struct PerThread<A> {
    slots: Vec<std::sync::Mutex<Option<A>>>,
}

impl<A> PerThread<A> {
    /// A slot for every worker thread of the current pool (empty until used).
    pub(crate) fn new() -> PerThread<A> {
        PerThread { slots: (0..rayon::current_num_threads().max(1)).map(|_| std::sync::Mutex::new(None)).collect() }
    }

    /// Runs `add` on the calling thread's accumulator, made by `init` first if the
    /// thread has none yet.
    pub(crate) fn add(&self, init: impl FnOnce() -> A, add: impl FnOnce(&mut A)) {
        // A thread outside the pool (none calls this in practice) shares slot 0.
        let i = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        let mut slot = self.slots[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        add(slot.get_or_insert_with(init));
    }

    /// Every thread's accumulator merged into one; `None` when no block was added.
    pub(crate) fn merged(self, merge: impl Fn(A, A) -> A) -> Option<A> {
        self.slots
            .into_iter()
            .filter_map(|slot| slot.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
            .reduce(merge)
    }
}

pub(crate) fn summarize(mut series: Series) -> Summary {
    summarize_with(&mut series, &[]).0
}

/// The summary of `series` and its quantiles at `extra` levels, found in one
/// selection ([`Series::summary_and_quantiles`]); a summary of NaN and no quantile
/// for an empty series (an accumulator always holds at least one path when it is
/// finished).
fn summarize_with(series: &mut Series, extra: &[f64]) -> (Summary, Vec<f64>) {
    series.summary_and_quantiles(extra).unwrap_or_else(|| {
        let nan = Summary {
            n: 0,
            mean: f64::NAN,
            sd: None,
            se: None,
            min: f64::NAN,
            max: f64::NAN,
            quantiles: [f64::NAN; 9],
        };
        (nan, Vec::new())
    })
}

impl ScenarioResults {
    /// Computes the results of `table` (at least one path), as a run that streams
    /// the same paths computes them (in parallel on the current rayon pool).
    pub fn compute(
        scenario: &str,
        terms: &[Terms],
        baseline: usize,
        plan: &Plan<'_>,
        table: &PathTable,
    ) -> ScenarioResults {
        let blocks = (0..table.blocks()).into_par_iter().map(|b| table.block(b));
        Accumulator::of_blocks(plan, baseline, table.paths(), blocks).finish(scenario, terms)
    }

    /// The terms rows still paying at the horizon on more than
    /// [`TRUNCATION_WARNING`] of the paths: their totals are cut off there
    /// (MODEL.md §5). Each is `(row, share of paths)`.
    pub fn truncated(&self) -> Vec<(&str, f64)> {
        self.terms
            .iter()
            .map(|t| (t.name.as_str(), t.end_by[EndCause::Horizon as usize].p))
            .filter(|(_, p)| *p > TRUNCATION_WARNING)
            .collect()
    }

    /// The paired difference of `metric` for terms row `name` against the
    /// baseline, if it is not the baseline.
    pub fn delta(&self, name: &str, metric: Metric) -> Option<&Delta> {
        self.delta_against(name, &self.terms[self.baseline].name, metric)
    }

    /// The paired difference of `metric` for terms row `name` against row `against`.
    pub fn delta_against(&self, name: &str, against: &str, metric: Metric) -> Option<&Delta> {
        self.deltas.iter().find(|d| d.terms == name && d.baseline == against && d.metric == metric)
    }
}
