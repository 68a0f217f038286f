//! Chunked parallel simulation with keyed random streams (MODEL.md §7).
//!
//! A [`Plan`] is built once per scenario: the stream keys of every purpose
//! (see [`crate::streams`]), the calendar of the monthly grid, each terms row's
//! end date in years since start, and for a scenario with correlated parameters
//! their Gaussian copula ([`crate::model::copula`]) with each one's normal-score map. The paths are simulated in blocks of
//! [`CHUNK_PATHS`] consecutive paths, in parallel with rayon, each worker reusing
//! one [`Workspace`]. [`simulate_fold`] folds each block into an accumulator and
//! keeps nothing else (a run's statistics); [`simulate`] keeps every path's record
//! in a [`PathTable`] (for the commands that need every path). Because every random
//! number is a function of (seed, scenario, path, purpose), a path's record is the
//! same for any number of threads and any chunking, and a block's is a function of
//! the block alone.

use crate::choice::Choice;
use crate::dist::{Dist, ScoreMap};
use crate::model::contract::{self, ContractDraw, Flows, Grid, MonthFlow};
use crate::model::copula::Copula;
use crate::model::world::{self, Events, WorldParams};
use crate::model::{EndTerm, Param, Scenario, ScenarioParam, Terms, TermsParam, Trigger, TriggerTerm};
use crate::periods::{Period, Periods};
use crate::streams::{Purpose, StreamKey};
use rand::RngExt;
use rand_distr::StandardNormal;
use rayon::prelude::*;

const N_SCENARIO_PARAMS: usize = ScenarioParam::COUNT;
const N_TERMS_PARAMS: usize = TermsParam::COUNT;

/// Paths per parallel work item. Results do not depend on it.
pub const CHUNK_PATHS: usize = 256;

/// The most paths per scenario a run accepts: `revshare run --paths` and the
/// Python package's `revshare.run(paths=...)` refuse more (the engine itself has no
/// such limit).
pub const MAX_PATHS: u64 = 100_000_000;

/// A per-path quantity recorded besides the scenario parameters, in record order:
/// the event times as calendar years (`inf` = never) and the realised revenue growth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathInput {
    /// When AGI is declared.
    AgiDeclaredYear,
    /// When the panel verifies AGI.
    AgiVerifiedYear,
    /// When OpenAI fails.
    FailureYear,
    /// The annualised growth of the run-rate from the first to the last month.
    RevenueGrowth,
}

impl Choice for PathInput {
    const ALL: &'static [PathInput] =
        &[PathInput::AgiDeclaredYear, PathInput::AgiVerifiedYear, PathInput::FailureYear, PathInput::RevenueGrowth];

    fn name(self) -> &'static str {
        match self {
            PathInput::AgiDeclaredYear => "agi_declared_year",
            PathInput::AgiVerifiedYear => "agi_verified_year",
            PathInput::FailureYear => "failure_year",
            PathInput::RevenueGrowth => "revenue_growth",
        }
    }
}

/// Number of world inputs recorded per path: the scenario parameters, then every [`PathInput`].
pub const N_WORLD_INPUTS: usize = N_SCENARIO_PARAMS + PathInput::ALL.len();

/// Number of annual flows per terms row ([`Flow`]).
pub const FLOWS: usize = Flow::ALL.len();

/// Per-terms scalar results, in record order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermsField {
    /// Total paid to Microsoft.
    Paid = 0,
    /// Total paid back by Microsoft.
    Received = 1,
    /// `paid - received`.
    Net = 2,
    /// Present value of the net flows.
    Pv = 3,
    /// Calendar decimal year of `T_end`.
    EndYear = 4,
    /// [`contract::EndCause`] code.
    Cause = 5,
    /// Calendar decimal year of the cap hit, NaN when the cap did not bind.
    CapYear = 6,
    /// Lost at failure, not recovered.
    Lost = 7,
}

const TERMS_SCALARS: usize = 8;

/// The drawn values of a terms row recorded per path: its parameters, its end and
/// its trigger.
const TERMS_DRAWN: usize = N_TERMS_PARAMS + 2;

/// A per-path result of a terms row that is summarised, explained or solved for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Total Microsoft receives of what accrued, `sum cash_k`.
    Paid,
    /// Total lost at failure and not recovered, `sum lost_k`.
    Lost,
    /// Total paid back by Microsoft, `sum q_k`.
    Received,
    /// `paid - received`.
    Net,
    /// Present value of the net flows.
    Pv,
    /// Calendar decimal year of `T_end`.
    EndYear,
}

impl Choice for Metric {
    /// In the order of `summary.csv`.
    const ALL: &'static [Metric] =
        &[Metric::Paid, Metric::Lost, Metric::Received, Metric::Net, Metric::Pv, Metric::EndYear];

    fn name(self) -> &'static str {
        match self {
            Metric::Paid => "paid",
            Metric::Lost => "lost",
            Metric::Received => "received",
            Metric::Net => "net",
            Metric::Pv => "pv",
            Metric::EndYear => "end_year",
        }
    }
}

impl Metric {
    /// Where the metric is in a path's record.
    pub fn field(self) -> TermsField {
        match self {
            Metric::Paid => TermsField::Paid,
            Metric::Lost => TermsField::Lost,
            Metric::Received => TermsField::Received,
            Metric::Net => TermsField::Net,
            Metric::Pv => TermsField::Pv,
            Metric::EndYear => TermsField::EndYear,
        }
    }

    /// The metric of a contract's flows on a path that starts at decimal year `start_year`.
    pub fn of(self, f: &Flows, start_year: f64) -> f64 {
        match self {
            Metric::Paid => f.paid,
            Metric::Lost => f.lost,
            Metric::Received => f.received,
            Metric::Net => f.net,
            Metric::Pv => f.pv,
            Metric::EndYear => start_year + f.end,
        }
    }
}

/// The annual per-terms quantities, in record order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Paid to Microsoft.
    Paid = 0,
    /// Paid back by Microsoft.
    Received = 1,
    /// Net to Microsoft.
    Net = 2,
}

impl Flow {
    /// The per-path total of this flow.
    pub fn metric(self) -> Metric {
        match self {
            Flow::Paid => Metric::Paid,
            Flow::Received => Metric::Received,
            Flow::Net => Metric::Net,
        }
    }
}

impl Choice for Flow {
    /// All flows in record order.
    const ALL: &'static [Flow] = &[Flow::Paid, Flow::Received, Flow::Net];

    /// Name used in output files: the name of its total, [`Flow::metric`].
    fn name(self) -> &'static str {
        self.metric().name()
    }
}

/// The largest amount ($B) of revenue or of a flow on a path that the statistics
/// take: beyond it a square overflows and no variance can be computed, so a run
/// refuses it as an overflow (1e150 $B is beyond any meaning anyway).
pub const MAX_MONEY: f64 = 1e150;

/// Whether an amount of revenue or of a flow overflowed: not a number, or beyond
/// [`MAX_MONEY`].
pub fn overflows(v: f64) -> bool {
    v.is_nan() || v.abs() > MAX_MONEY
}

/// A terms row's money totals, which must not overflow.
pub const MONEY_FIELDS: [TermsField; 5] =
    [TermsField::Paid, TermsField::Lost, TermsField::Received, TermsField::Net, TermsField::Pv];

/// The money columns of a path's record that must not overflow: total revenue, and
/// each terms row's [`MONEY_FIELDS`].
pub fn money_columns(l: Layout) -> impl Iterator<Item = usize> {
    std::iter::once(Layout::REVENUE_TOTAL)
        .chain((0..l.terms).flat_map(move |t| MONEY_FIELDS.map(|f| l.terms_field(t, f))))
}

/// Where each number of a path's record lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    /// Reporting periods touched by the grid.
    pub periods: usize,
    /// Terms rows.
    pub terms: usize,
}

impl Layout {
    /// Total revenue over the horizon.
    pub const REVENUE_TOTAL: usize = 0;

    /// Revenue earned in period index `y`.
    pub fn revenue_period(&self, y: usize) -> usize {
        1 + y
    }

    /// World input `i`: a scenario parameter in [`ScenarioParam::ALL`] order, then
    /// the [`PathInput`]s.
    pub fn world_input(&self, i: usize) -> usize {
        1 + self.periods + i
    }

    fn terms_stride(&self) -> usize {
        TERMS_SCALARS + TERMS_DRAWN + FLOWS * self.periods
    }

    fn terms_base(&self, t: usize) -> usize {
        1 + self.periods + N_WORLD_INPUTS + t * self.terms_stride()
    }

    /// A scalar result of terms row `t`.
    pub fn terms_field(&self, t: usize, f: TermsField) -> usize {
        self.terms_base(t) + f as usize
    }

    /// The drawn value of terms parameter `p` of row `t`.
    pub fn terms_param(&self, t: usize, p: TermsParam) -> usize {
        self.terms_base(t) + TERMS_SCALARS + p as usize
    }

    /// The flow `q` of terms row `t` accrued in period index `y`.
    pub fn terms_period(&self, t: usize, q: Flow, y: usize) -> usize {
        self.terms_base(t) + TERMS_SCALARS + TERMS_DRAWN + q as usize * self.periods + y
    }

    /// The drawn end of terms row `t`, as a calendar decimal year (`inf`: none).
    pub fn terms_end(&self, t: usize) -> usize {
        self.terms_base(t) + TERMS_SCALARS + N_TERMS_PARAMS
    }

    /// The drawn trigger of terms row `t`, as its position in `Trigger::ALL`.
    pub fn terms_trigger(&self, t: usize) -> usize {
        self.terms_base(t) + TERMS_SCALARS + N_TERMS_PARAMS + 1
    }

    /// Numbers per path.
    pub fn stride(&self) -> usize {
        self.terms_base(self.terms)
    }
}

struct TermsPlan<'a> {
    /// The end's calendar decimal year (`inf`: none).
    end: ValueSource<'a>,
    /// The trigger's position in `Trigger::ALL`.
    trigger: ValueSource<'a>,
    sources: [ValueSource<'a>; N_TERMS_PARAMS],
    /// The draw of every path when nothing in the row is random.
    fixed: Option<ContractDraw>,
}

/// Everything fixed for one scenario: keys, calendar, layout.
pub struct Plan<'a> {
    scenario: &'a Scenario,
    layout: Layout,
    periods: Vec<Period>,
    start_year: f64,
    /// `u_V`, the valuation date in years since the start.
    valuation: f64,
    reporting: Periods,
    period_of_month: Vec<usize>,
    readings: Vec<usize>,
    /// Per terms row, the row it is a sweep's variant of.
    originals: Vec<Option<usize>>,
    param_sources: [ValueSource<'a>; N_SCENARIO_PARAMS],
    /// The correlated parameters, when the scenario has some.
    coupled: Option<Coupled<'a>>,
    shocks: StreamKey,
    jumps: StreamKey,
    events: StreamKey,
    terms_plans: Vec<TermsPlan<'a>>,
}

/// Where a parameter's value comes from on each path.
#[derive(Debug, Clone, Copy)]
enum ValueSource<'a> {
    /// A constant: no generator is touched.
    Fixed(f64),
    /// A distribution sampled from the purpose's stream for the path.
    Random(StreamKey, &'a Dist),
    /// A parameter of the scenario's copula: [`Coupled`] draws it.
    Coupled,
}

/// The parameters a scenario correlates (MODEL.md §7), fixed for a plan: each
/// one's place in the parameter array, the key of its own `param/<column>` stream
/// and the map of a normal score to its value, in the copula's order. Drawing them
/// allocates nothing.
struct Coupled<'a> {
    copula: &'a Copula,
    slots: Vec<(usize, StreamKey, ScoreMap)>,
}

impl Coupled<'_> {
    /// Fills the correlated parameters of path `path` into `values`: one standard
    /// normal from each parameter's stream, `X = L Z`, then `F^-1(Phi(X_j))`.
    #[inline]
    fn draw(&self, path: u64, values: &mut [f64; N_SCENARIO_PARAMS]) {
        let mut z = [0.0; N_SCENARIO_PARAMS];
        let z = &mut z[..self.slots.len()];
        for (zj, (_, key, _)) in z.iter_mut().zip(&self.slots) {
            *zj = key.rng(path).sample(StandardNormal);
        }
        self.copula.correlate(z);
        for (zj, (at, _, map)) in z.iter().zip(&self.slots) {
            values[*at] = map.value(*zj);
        }
    }
}

/// Where `param` comes from; an absent term (no cap) is the model's neutral `inf`.
fn value_source<'a>(param: Option<&'a Param>, seed: u64, scenario: &str, purpose: Purpose<'_>) -> ValueSource<'a> {
    let Some(dist) = param.map(Param::dist) else { return ValueSource::Fixed(f64::INFINITY) };
    match dist.constant_value() {
        Some(v) => ValueSource::Fixed(v),
        None => ValueSource::Random(StreamKey::new(seed, scenario, purpose), dist),
    }
}

/// Where a drawn end or trigger comes from: a constant costs no generator.
fn drawn<'a>(dist: &'a Dist, seed: u64, scenario: &str, purpose: Purpose<'_>) -> ValueSource<'a> {
    match dist.constant_value() {
        Some(v) => ValueSource::Fixed(v),
        None => ValueSource::Random(StreamKey::new(seed, scenario, purpose), dist),
    }
}

impl TermsPlan<'_> {
    /// The plan with its draw made once when no value of the row is random: the
    /// same for every path.
    fn with_fixed(mut self, start_year: f64) -> Self {
        let fixed = |s: &ValueSource<'_>| matches!(s, ValueSource::Fixed(_));
        if fixed(&self.end) && fixed(&self.trigger) && self.sources.iter().all(fixed) {
            self.fixed = Some(self.draw(0, start_year));
        }
        self
    }

    /// The row's draw for path `path` of a grid starting at decimal year `start_year`.
    fn draw(&self, path: u64, start_year: f64) -> ContractDraw {
        let end = crate::model::snap_to_month(self.end.draw(path) - start_year);
        let trigger = Trigger::from_code(self.trigger.draw(path));
        ContractDraw::from_values(&self.sources.map(|s| s.draw(path)), end, trigger)
    }
}

impl ValueSource<'_> {
    /// The value on path `path`.
    fn draw(&self, path: u64) -> f64 {
        match self {
            ValueSource::Fixed(v) => *v,
            ValueSource::Random(k, dist) => dist.sample(&mut k.rng(path)),
            // Overwritten by the copula's draw.
            ValueSource::Coupled => f64::NAN,
        }
    }
}

impl<'a> Plan<'a> {
    /// Prepares the simulation of `scenario` with `terms` under `seed`.
    pub fn new(scenario: &'a Scenario, terms: &'a [Terms], seed: u64) -> Plan<'a> {
        // Every stream is keyed by the scenario's stream: its name unless rows share one.
        let name = scenario.stream();
        let months = scenario.months();
        let (periods, period_of_month) = Periods::default().of_grid(scenario.start(), months);
        let start_year = scenario.start().decimal_year();
        let mut param_sources =
            ScenarioParam::ALL.map(|p| value_source(Some(scenario.param(p)), seed, name, Purpose::Param(p)));
        let coupled = scenario.copula().map(|copula| {
            let slots = copula
                .params()
                .iter()
                .map(|p| {
                    param_sources[*p as usize] = ValueSource::Coupled;
                    (
                        *p as usize,
                        StreamKey::new(seed, name, Purpose::Param(*p)),
                        ScoreMap::new(scenario.param(*p).dist()),
                    )
                })
                .collect();
            Coupled { copula, slots }
        });
        let terms_plans = terms
            .iter()
            .map(|t| TermsPlan {
                end: match t.end() {
                    EndTerm::Date(d) => ValueSource::Fixed(d.map_or(f64::INFINITY, |d| d.decimal_year())),
                    EndTerm::Drawn { dist, .. } => drawn(dist, seed, name, Purpose::TermsEnd(t.stream())),
                },
                trigger: match t.trigger() {
                    TriggerTerm::Fixed(tr) => ValueSource::Fixed(tr.code()),
                    TriggerTerm::Drawn { dist, .. } => drawn(dist, seed, name, Purpose::TermsTrigger(t.stream())),
                },
                sources: TermsParam::ALL.map(|p| value_source(t.param(p), seed, name, Purpose::Terms(t.stream(), p))),
                fixed: None,
            })
            .map(|plan| plan.with_fixed(start_year))
            .collect();
        Plan {
            scenario,
            layout: Layout { periods: periods.len(), terms: terms.len() },
            periods,
            start_year,
            valuation: scenario.valuation_offset(),
            reporting: Periods::default(),
            period_of_month,
            readings: terms.iter().enumerate().filter(|(_, t)| t.reading().is_some()).map(|(i, _)| i).collect(),
            originals: terms
                .iter()
                .map(|t| t.variant_of().and_then(|o| terms.iter().position(|u| u.name() == o)))
                .collect(),
            param_sources,
            coupled,
            shocks: StreamKey::new(seed, name, Purpose::RevenueShocks),
            jumps: StreamKey::new(seed, name, Purpose::Jumps),
            events: StreamKey::new(seed, name, Purpose::Events),
            terms_plans,
        }
    }

    /// Number of months on the grid.
    pub fn months(&self) -> usize {
        self.period_of_month.len()
    }

    /// The scenario simulated.
    pub fn scenario(&self) -> &Scenario {
        self.scenario
    }

    /// Where each number of a path's record lives.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The reporting periods the grid touches, in order.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// The terms rows that are readings of a contract (the `reading` column), in order.
    pub fn readings(&self) -> &[usize] {
        &self.readings
    }

    /// The rows whose PV terms row `t` is compared with path by path besides the
    /// `baseline`: every reading of a contract, then the row `t` is a sweep's
    /// variant of (neither `t` itself nor the baseline).
    pub fn compared_with(&self, t: usize, baseline: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.readings.iter().copied().filter(|r| *r != t && *r != baseline).collect();
        if let Some(o) = self.originals.get(t).copied().flatten().filter(|o| *o != baseline && !out.contains(o)) {
            out.push(o);
        }
        out
    }

    /// How the plan's periods are set.
    pub fn reporting(&self) -> Periods {
        self.reporting
    }

    /// The same plan reporting in `periods` (calendar years by default).
    pub fn with_periods(mut self, periods: Periods) -> Self {
        self.reporting = periods;
        (self.periods, self.period_of_month) = periods.of_grid(self.scenario.start(), self.months());
        self.layout.periods = self.periods.len();
        self
    }

    /// The decimal year of the start.
    pub fn start_year(&self) -> f64 {
        self.start_year
    }

    /// A fresh workspace for this plan's grid.
    pub fn workspace(&self) -> Workspace {
        let n = self.months();
        Workspace {
            valuation: self.valuation,
            monthly: vec![0.0; n],
            decay: vec![0.0; n],
            decay_for: None,
            drift: vec![0.0; n],
            drift_for: None,
            df_next: vec![0.0; n],
            df_for: None,
            log_rate: 0.0,
            sums: Vec::new(),
        }
    }

    /// Draws the world of path `path`.
    pub fn world(&self, path: u64) -> (WorldParams, Events) {
        let mut values = self.param_sources.map(|s| s.draw(path));
        if let Some(c) = &self.coupled {
            c.draw(path, &mut values);
        }
        let params = WorldParams::from_values(&values);
        let events = Events::draw(&params, &mut self.events.rng(path));
        (params, events)
    }

    /// Draws terms row `t` for path `path`.
    pub fn contract(&self, t: usize, path: u64) -> ContractDraw {
        let plan = &self.terms_plans[t];
        plan.fixed.unwrap_or_else(|| plan.draw(path, self.start_year))
    }

    /// Draws the world of path `path` and fills `ws.monthly` (and `run_rate`, when
    /// given) with its revenue; returns the parameters, the events and the
    /// realised revenue growth.
    pub fn revenue(&self, path: u64, ws: &mut Workspace, run_rate: Option<&mut [f64]>) -> (WorldParams, Events, f64) {
        let (p, mut events) = self.world(path);
        ws.prepare(&p);
        let growth = world::monthly_revenue(
            &p,
            &mut events,
            &ws.drift,
            &mut self.shocks.rng(path),
            &mut self.jumps.rng(path),
            &mut ws.monthly,
            run_rate,
        );
        (p, events, growth)
    }

    /// The contract's view of a path's months, whose `df_next` is for the discount
    /// rate `r` with `log_rate = ln(1 + r)`.
    pub fn grid<'g>(&'g self, monthly: &'g [f64], df_next: &'g [f64], log_rate: f64) -> Grid<'g> {
        Grid {
            monthly,
            df_next,
            year_of_month: &self.period_of_month,
            years: self.layout.periods,
            valuation: self.valuation,
            log_rate,
        }
    }

    /// The month of month `k` as `YYYY-MM`.
    pub fn month_label(&self, k: usize) -> String {
        let m0 = self.scenario.start().month() as usize - 1 + k;
        format!("{}-{:02}", self.scenario.start().year() + (m0 / 12) as i32, m0 % 12 + 1)
    }

    /// Simulates path `path` into `out` (length [`Layout::stride`]; every number
    /// of it is written). Leaves the path's monthly revenue in `ws.monthly`.
    #[inline]
    pub fn simulate_path(&self, path: u64, ws: &mut Workspace, out: &mut [f64]) {
        self.simulate_path_traced(path, ws, out, None, |_, _| {});
    }

    /// [`Plan::simulate_path`], also filling `run_rate` with `R_k` when given and
    /// calling `month(t, flow)` with each month's flows of terms row `t`; returns
    /// the path's parameters, events and realised revenue growth. With `None` and
    /// a no-op closure this is the simulation's own code path, so a replay shows
    /// exactly what the run computed.
    pub fn simulate_path_traced(
        &self,
        path: u64,
        ws: &mut Workspace,
        out: &mut [f64],
        run_rate: Option<&mut [f64]>,
        month: impl FnMut(usize, MonthFlow),
    ) -> (WorldParams, Events, f64) {
        self.record_path(path, ws, out, run_rate, month)
    }

    /// [`Plan::simulate_path_traced`] into any [`Record`]: a path's own row, or
    /// its column of a block.
    fn record_path<R: Record + ?Sized>(
        &self,
        path: u64,
        ws: &mut Workspace,
        out: &mut R,
        run_rate: Option<&mut [f64]>,
        mut month: impl FnMut(usize, MonthFlow),
    ) -> (WorldParams, Events, f64) {
        let (p, events, growth) = self.revenue(path, ws, run_rate);
        let l = &self.layout;
        // Sums are added up in the workspace, each number then written once.
        let sums = &mut ws.sums;
        sums.clear();
        sums.resize(l.periods, 0.0);
        let mut total = 0.0;
        for (k, m) in ws.monthly.iter().enumerate() {
            total += m;
            sums[self.period_of_month[k]] += m;
        }
        out.set(Layout::REVENUE_TOTAL, total);
        for (y, v) in sums.iter().enumerate() {
            out.set(l.revenue_period(y), *v);
        }
        let events_years = [events.declared, events.verified, events.failure].map(|t| self.start_year + t);
        let values = p.values().into_iter().chain(events_years).chain([growth]);
        for (i, v) in values.enumerate() {
            out.set(l.world_input(i), v);
        }
        let grid = self.grid(&ws.monthly, &ws.df_next, ws.log_rate);
        for t in 0..l.terms {
            let c = self.contract(t, path);
            sums.clear();
            sums.resize(FLOWS * l.periods, 0.0);
            let f = contract::evaluate_traced(&c, &events, p.ms_ratio, grid, sums, |m| month(t, m));
            let annual_at = l.terms_period(t, Flow::Paid, 0);
            for (i, v) in sums.iter().enumerate() {
                out.set(annual_at + i, *v);
            }
            let field = |f: TermsField| l.terms_field(t, f);
            out.set(field(TermsField::Paid), f.paid);
            out.set(field(TermsField::Lost), f.lost);
            out.set(field(TermsField::Received), f.received);
            out.set(field(TermsField::Net), f.net);
            out.set(field(TermsField::Pv), f.pv);
            out.set(field(TermsField::EndYear), self.start_year + f.end);
            out.set(field(TermsField::Cause), f.cause as u8 as f64);
            out.set(field(TermsField::CapYear), f.cap_time.map_or(f64::NAN, |c| self.start_year + c));
            for (p, v) in TermsParam::ALL.iter().zip(c.values()) {
                out.set(l.terms_param(t, *p), v);
            }
            out.set(l.terms_end(t), self.start_year + c.end);
            out.set(l.terms_trigger(t), c.trigger.code());
        }
        (p, events, growth)
    }
}

/// Where the numbers of a path's record are written, by their place in [`Layout`].
trait Record {
    fn set(&mut self, j: usize, v: f64);
}

/// A path's own row.
impl Record for [f64] {
    #[inline]
    fn set(&mut self, j: usize, v: f64) {
        self[j] = v;
    }
}

/// Path `path` of a block stored column by column, `paths` paths to a column:
/// the path's numbers go straight to where the block keeps them.
struct BlockColumn<'a> {
    data: &'a mut [f64],
    paths: usize,
    path: usize,
}

impl Record for BlockColumn<'_> {
    #[inline]
    fn set(&mut self, j: usize, v: f64) {
        self.data[j * self.paths + self.path] = v;
    }
}

/// One path as the run computed it, with what a replay shows: the drawn world,
/// the run-rate and earned revenue of every month, each terms row's flows month
/// by month, and the path's record (as in the path table).
#[derive(Debug, Clone)]
pub struct PathTrace {
    /// The path index.
    pub path: u64,
    /// The drawn scenario parameters.
    pub params: WorldParams,
    /// The event times.
    pub events: Events,
    /// The realised revenue growth.
    pub growth: f64,
    /// `R_k`, the run-rate of each month.
    pub run_rate: Vec<f64>,
    /// `M_k`, the revenue earned in each month.
    pub monthly: Vec<f64>,
    /// `DF(u_{k+1})`, the discount factor at the end of each month at the path's
    /// discount rate.
    pub df_next: Vec<f64>,
    /// Per terms row, each month's flows, `None` once nothing more can flow.
    pub flows: Vec<Vec<Option<MonthFlow>>>,
    /// The path's record, laid out by [`Layout`].
    pub record: Vec<f64>,
}

/// Where and why a path's numbers overflow (see [`overflows`]): the month and the
/// quantity that first does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// OpenAI's run-rate, the month's revenue or its total so far, from month `k`.
    Revenue(usize),
    /// A terms row's payments in a month, or paid so far, from month `k`.
    Payments(usize),
    /// The present value of the payments so far, from month `k`: the discount
    /// factor is too large (the revenue and the payments do not overflow).
    PresentValue(usize),
    /// A total of the path, with no month to blame.
    Totals,
}

impl PathTrace {
    /// Where the path first overflows, if it does: its revenue, then its payments,
    /// then, when only the path's totals do, the present values month by month (a
    /// month's flows times its discount factor, added up; failing that, the month
    /// of the largest discount factor when a present value overflows).
    pub fn overflow(&self, l: Layout) -> Option<Overflow> {
        let bad = |v: &f64| overflows(*v);
        let mut total = 0.0;
        let revenue = (0..self.run_rate.len()).find(|&k| {
            total += self.monthly[k];
            bad(&self.run_rate[k]) || bad(&self.monthly[k]) || bad(&total)
        });
        if let Some(k) = revenue {
            return Some(Overflow::Revenue(k));
        }
        let flows = self.flows.iter().flatten().flatten();
        let payments = flows.filter(|m| [m.paid, m.lost, m.received, m.cum_paid].iter().any(bad)).map(|m| m.month);
        if let Some(k) = payments.min() {
            return Some(Overflow::Payments(k));
        }
        let mut present = vec![0.0; self.flows.len()];
        let discounted = (0..self.df_next.len()).find(|&k| {
            self.flows.iter().zip(&mut present).any(|(row, pv)| {
                if let Some(m) = row[k] {
                    *pv += (m.paid.abs() + m.received.abs()) * self.df_next[k];
                }
                bad(pv)
            })
        });
        if let Some(k) = discounted {
            return Some(Overflow::PresentValue(k));
        }
        let pv_overflows = (0..l.terms).any(|t| bad(&self.record[l.terms_field(t, TermsField::Pv)]));
        let largest = (0..self.df_next.len()).max_by(|a, b| self.df_next[*a].total_cmp(&self.df_next[*b]));
        match largest {
            Some(k) if pv_overflows => Some(Overflow::PresentValue(k)),
            _ => money_columns(l).any(|j| bad(&self.record[j])).then_some(Overflow::Totals),
        }
    }
}

impl Plan<'_> {
    /// The problem of a path whose numbers overflowed: the scenario, the path, and
    /// the first month whose revenue or payments (or their running totals) overflow,
    /// or, when only the present values do, the discount rate that makes them.
    pub fn overflow(&self, path: u64) -> crate::error::Problem {
        let trace = self.trace(path);
        let replay = format!("`revshare replay --scenario {} --path {path}` shows the path", self.scenario.name());
        let reason = self.reason(trace.overflow(self.layout()).unwrap_or(Overflow::Totals), &trace);
        crate::error::Problem::value_of(
            format!("scenario `{}`, path {path}", self.scenario.name()),
            format!("{reason} ({replay})"),
        )
    }

    /// Why path `trace` of this plan overflows as `o` ([`PathTrace::overflow`]), in
    /// words: the quantity, the first month, the bound and what to change.
    pub fn reason(&self, o: Overflow, trace: &PathTrace) -> String {
        const GROWTH: &str = "lower the growth, the volatility, the jumps or the horizon";
        let (what, advice) = match o {
            Overflow::Revenue(k) => (format!("OpenAI's revenue overflows from {} on", self.month_label(k)), GROWTH),
            Overflow::Payments(k) => (format!("the payments overflow from {} on", self.month_label(k)), GROWTH),
            Overflow::PresentValue(k) => {
                let r = trace.params.discount_rate;
                let why = if r < 0.0 {
                    "a discount rate this close to -1 makes every later payment worth ever more: choose one further \
                     from -1"
                } else {
                    "a rate this high compounds the payments before the valuation date forward: choose a lower rate \
                     or an earlier valuation_date"
                };
                let factor = match trace.df_next[k] {
                    f if f.is_finite() => format!("{f:.1e}"),
                    _ => "more than 1e308".to_string(),
                };
                (
                    format!(
                        "its present values overflow from {} on, because of the discount rate {r}: a payment then \
                         counts {factor} times its amount at the valuation date",
                        self.month_label(k),
                    ),
                    why,
                )
            }
            Overflow::Totals => ("its totals overflow".to_string(), GROWTH),
        };
        format!("{what} (beyond 1e150 $B, where no statistics can be computed): {advice}")
    }

    /// Simulates path `path` through the run's own code path and keeps everything
    /// a replay shows.
    pub fn trace(&self, path: u64) -> PathTrace {
        let mut ws = self.workspace();
        let mut record = vec![0.0; self.layout.stride()];
        let mut run_rate = vec![0.0; self.months()];
        let mut flows = vec![vec![None; self.months()]; self.layout.terms];
        let (params, events, growth) = self.simulate_path_traced(path, &mut ws, &mut record, Some(&mut run_rate), {
            |t, m: MonthFlow| flows[t][m.month] = Some(m)
        });
        PathTrace { path, params, events, growth, run_rate, monthly: ws.monthly, df_next: ws.df_next, flows, record }
    }
}

/// Per-chunk scratch space: the monthly revenue and caches of the parts of the
/// grid that depend only on a path's parameters (reused while they repeat).
pub struct Workspace {
    /// `M_k` of the last simulated path.
    pub monthly: Vec<f64>,
    /// `u_V`, fixed for the plan.
    valuation: f64,
    decay: Vec<f64>,
    decay_for: Option<u64>,
    drift: Vec<f64>,
    drift_for: Option<[u64; 4]>,
    df_next: Vec<f64>,
    df_for: Option<u64>,
    /// `ln(1 + r)` of the discount rate `df_next` is for.
    log_rate: f64,
    /// A path's annual sums (revenue, or one terms row's flows) as they add up.
    sums: Vec<f64>,
}

impl Workspace {
    /// `DF(u_{k+1})` for the last path's discount rate.
    pub fn df_next(&self) -> &[f64] {
        &self.df_next
    }

    fn prepare(&mut self, p: &WorldParams) {
        if self.decay_for != Some(p.growth_halflife.to_bits()) {
            world::decay(p.growth_halflife, &mut self.decay);
            self.decay_for = Some(p.growth_halflife.to_bits());
        }
        let drift_key = [p.growth0, p.growth_inf, p.growth_halflife, p.sigma].map(f64::to_bits);
        if self.drift_for != Some(drift_key) {
            world::drift(p, &self.decay, &mut self.drift);
            self.drift_for = Some(drift_key);
        }
        if self.df_for != Some(p.discount_rate.to_bits()) {
            contract::discount_factors(p.discount_rate, self.valuation, &mut self.df_next);
            self.log_rate = p.discount_rate.ln_1p();
            self.df_for = Some(p.discount_rate.to_bits());
        }
    }
}

/// Per-path results of one scenario. Paths are stored in chunks, each chunk
/// column by column, so that a field of every path is a few contiguous runs.
pub struct PathTable {
    layout: Layout,
    periods: Vec<Period>,
    paths: usize,
    start_year: f64,
    months: usize,
    /// Paths per chunk (the last chunk may be shorter).
    chunk: usize,
    /// Per chunk, `stride` columns of that chunk's paths.
    chunks: Vec<Vec<f64>>,
}

impl PartialEq for PathTable {
    /// Bit-for-bit equality of every number (NaN equals NaN), whatever the chunking.
    fn eq(&self, other: &PathTable) -> bool {
        let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
        self.layout == other.layout
            && self.periods == other.periods
            && self.paths == other.paths
            && (0..self.layout.stride()).all(|j| same(&self.column(j), &other.column(j)))
    }
}

impl std::fmt::Debug for PathTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PathTable {{ paths: {}, layout: {:?} }}", self.paths, self.layout)
    }
}

impl PathTable {
    /// Where each number of a path's record lives.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The reporting periods of the grid, in order.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// The number of paths.
    pub fn paths(&self) -> usize {
        self.paths
    }

    /// The decimal year of the start.
    pub fn start_year(&self) -> f64 {
        self.start_year
    }

    /// The months on the grid.
    pub fn months(&self) -> usize {
        self.months
    }

    /// The first path whose revenue or money flows overflowed (see
    /// [`overflows`]), if any.
    pub fn overflow(&self) -> Option<u64> {
        money_columns(self.layout)
            .filter_map(|j| self.column(j).iter().position(|v| overflows(*v)))
            .min()
            .map(|i| i as u64)
    }

    /// The number of blocks of [`CHUNK_PATHS`] paths the table holds.
    pub fn blocks(&self) -> usize {
        self.paths.div_ceil(CHUNK_PATHS)
    }

    /// Block `b` of the [`CHUNK_PATHS`]-path blocks a streamed run folds, whatever
    /// the table's own chunking.
    pub fn block(&self, b: usize) -> Block {
        let stride = self.layout.stride();
        let first = b * CHUNK_PATHS;
        let n = CHUNK_PATHS.min(self.paths - first);
        if self.chunk == CHUNK_PATHS {
            // The table's own chunk is the block, laid out the same way.
            return Block { first, paths: n, stride, data: self.chunks[b].clone() };
        }
        let mut data = Vec::with_capacity(n * stride);
        for j in 0..stride {
            // Each column of the block is a few contiguous runs of the table's chunks.
            let mut i = first;
            while i < first + n {
                let chunk = &self.chunks[i / self.chunk];
                let rows = chunk.len() / stride;
                let (at, end) = (i % self.chunk, rows.min(i % self.chunk + first + n - i));
                data.extend_from_slice(&chunk[j * rows + at..j * rows + end]);
                i += end - at;
            }
        }
        Block { first, paths: n, stride, data }
    }

    /// The record of path `i`.
    pub fn row(&self, i: usize) -> Vec<f64> {
        let block = &self.chunks[i / self.chunk];
        let n = block.len() / self.layout.stride();
        (0..self.layout.stride()).map(|j| block[j * n + i % self.chunk]).collect()
    }

    /// Field `j` of every path, in path order.
    pub fn column(&self, j: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.paths);
        for block in &self.chunks {
            let n = block.len() / self.layout.stride();
            out.extend_from_slice(&block[j * n..(j + 1) * n]);
        }
        out
    }
}

/// Bytes of memory a run of `paths` paths reporting in `periods` needs for its path table.
pub fn table_bytes(scenario: &Scenario, n_terms: usize, periods: Periods, paths: usize) -> u128 {
    let layout = Layout { periods: periods.of_grid(scenario.start(), scenario.months()).0.len(), terms: n_terms };
    layout.stride() as u128 * paths as u128 * 8
}

/// Simulates `paths` paths of `plan` on the current rayon pool.
pub fn simulate(plan: &Plan<'_>, paths: usize) -> PathTable {
    simulate_chunked(plan, paths, CHUNK_PATHS)
}

/// [`simulate`] with `chunk` paths per work item (at least 1); the table does
/// not depend on `chunk`, which exists so that this can be tested.
pub fn simulate_chunked(plan: &Plan<'_>, paths: usize, chunk: usize) -> PathTable {
    simulate_observed(plan, paths, chunk, &|_| {})
}

/// [`simulate_chunked`] calling `done(n)` after each chunk of `n` paths (for a
/// progress bar; called from the worker threads, once per chunk, not per path).
pub fn simulate_observed(plan: &Plan<'_>, paths: usize, chunk: usize, done: &(dyn Fn(u64) + Sync)) -> PathTable {
    let chunk = chunk.max(1);
    let chunks = sized_blocks(plan, 0..paths.div_ceil(chunk), chunk, paths, done).into_iter().map(|b| b.data).collect();
    PathTable {
        layout: plan.layout(),
        periods: plan.periods().to_vec(),
        paths,
        start_year: plan.start_year(),
        months: plan.months(),
        chunk,
        chunks,
    }
}

/// The records of a run of consecutive paths, column by column: field `j` of the
/// block's paths is [`Block::column`]`(j)`, in path order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    /// The first path's index.
    pub first: usize,
    /// The number of paths.
    pub paths: usize,
    stride: usize,
    data: Vec<f64>,
}

impl Block {
    /// Field `j` (see [`Layout`]) of every path of the block, in path order.
    pub fn column(&self, j: usize) -> &[f64] {
        &self.data[j * self.paths..(j + 1) * self.paths]
    }

    /// The record of the block's `i`-th path (path `first + i`).
    pub fn row(&self, i: usize) -> Vec<f64> {
        (0..self.stride).map(|j| self.data[j * self.paths + i]).collect()
    }
}

/// Simulates the blocks `blocks` of a run of `paths` paths in parallel and returns
/// them in path order; `done(n)` after each block of `n` paths. For a consumer that
/// needs every path in order (the `--per-path` file) without keeping them all.
pub fn simulate_blocks(
    plan: &Plan<'_>,
    blocks: std::ops::Range<usize>,
    paths: usize,
    done: &(dyn Fn(u64) + Sync),
) -> Vec<Block> {
    sized_blocks(plan, blocks, CHUNK_PATHS, paths, done)
}

/// The blocks `blocks` of `size` paths of a run of `paths` paths, simulated in
/// parallel and returned in path order.
fn sized_blocks(
    plan: &Plan<'_>,
    blocks: std::ops::Range<usize>,
    size: usize,
    paths: usize,
    done: &(dyn Fn(u64) + Sync),
) -> Vec<Block> {
    blocks
        .into_par_iter()
        .map_init(
            || plan.workspace(),
            |ws, b| {
                let mut block = Block::default();
                plan.simulate_block(b, size, paths, ws, &mut block);
                done(block.paths as u64);
                block
            },
        )
        .collect()
}

impl Plan<'_> {
    /// Simulates block `b` of `size` paths (the last of `paths` may be shorter)
    /// into `block`, with `ws` as scratch space. Each path writes its numbers
    /// straight into its column of the block.
    fn simulate_block(&self, b: usize, size: usize, paths: usize, ws: &mut Workspace, block: &mut Block) {
        let stride = self.layout.stride();
        let first = b * size;
        let n = size.min(paths - first);
        block.first = first;
        block.paths = n;
        block.stride = stride;
        // Every number is overwritten: a reused buffer of the right size is not
        // cleared, and a new one comes zeroed from the allocator (no pass over it).
        if block.data.len() != n * stride {
            block.data = vec![0.0; n * stride];
        }
        for j in 0..n {
            let mut column = BlockColumn { data: &mut block.data, paths: n, path: j };
            self.record_path((first + j) as u64, ws, &mut column, None, |_, _| {});
        }
    }
}

/// Simulates the paths of `plan` from `from` (a multiple of [`CHUNK_PATHS`]) up to
/// `paths` in blocks of [`CHUNK_PATHS`] on the current rayon pool and folds every
/// block into an accumulator: `fold` adds a block to one
/// accumulator (each worker thread starts its own with `init`), `merge` joins two.
/// Nothing of a block outlives its fold, so memory does not grow with the paths.
/// Which blocks a thread folds, and in what order accumulators merge, depends on
/// the threads: the result is deterministic when `fold` depends on each block
/// alone and `merge` is exact and order-free (counts, exact sums, sketches), as
/// the accumulators of [`crate::results`] are. `done(n)` is called after each
/// block of `n` paths.
///
/// The blocks are the ones a run of `paths` paths has, so a run that continues in
/// rounds folds exactly the blocks of a run made at once.
///
/// # Panics
/// If `from` is not a multiple of [`CHUNK_PATHS`]: a programming error.
pub fn simulate_fold<A: Send>(
    plan: &Plan<'_>,
    from: usize,
    paths: usize,
    done: &(dyn Fn(u64) + Sync),
    init: impl Fn() -> A + Sync + Send,
    fold: impl Fn(&mut A, &Block) + Sync + Send,
    merge: impl Fn(A, A) -> A + Sync + Send,
) -> A {
    let (plans, blocks) = (std::slice::from_ref(plan), blocks_from(from, paths));
    simulate_group_fold(plans, blocks, paths, done, init, |acc, blocks| fold(acc, &blocks[0]), merge)
}

/// The blocks of [`CHUNK_PATHS`] paths of a run of `paths` paths from path `from`
/// on: those a run continued in rounds from `from` folds.
///
/// # Panics
/// If `from` is not a multiple of [`CHUNK_PATHS`]: a programming error.
pub fn blocks_from(from: usize, paths: usize) -> std::ops::Range<usize> {
    assert_eq!(from % CHUNK_PATHS, 0, "rounds start on a block boundary");
    from / CHUNK_PATHS..paths.div_ceil(CHUNK_PATHS)
}

/// [`simulate_fold`] for several plans at once, in lockstep, over the blocks
/// `blocks` (of [`CHUNK_PATHS`] paths) of a run of `paths` paths: block `b` of
/// every plan is simulated by the same worker and `fold` gets them together, in
/// the order of `plans`, so that quantities of the same path under different plans
/// can be paired (scenario rows sharing a stream, MODEL.md §7). The blocks are the
/// run's, so a run continued in rounds ([`blocks_from`]) or split into shards (a
/// range of its blocks each) folds exactly the blocks of the run made at once.
/// `done(n)` is called after each plan's block of `n` paths.
pub fn simulate_group_fold<A: Send>(
    plans: &[Plan<'_>],
    blocks: std::ops::Range<usize>,
    paths: usize,
    done: &(dyn Fn(u64) + Sync),
    init: impl Fn() -> A + Sync + Send,
    fold: impl Fn(&mut A, &[Block]) + Sync + Send,
    merge: impl Fn(A, A) -> A + Sync + Send,
) -> A {
    let scratch = || -> (Vec<Workspace>, Vec<Block>) {
        (plans.iter().map(Plan::workspace).collect(), vec![Block::default(); plans.len()])
    };
    blocks
        .into_par_iter()
        .fold(
            || (scratch(), init()),
            |((mut ws, mut blocks), mut acc), b| {
                for ((plan, ws), block) in plans.iter().zip(&mut ws).zip(&mut blocks) {
                    plan.simulate_block(b, CHUNK_PATHS, paths, ws, block);
                }
                fold(&mut acc, &blocks);
                blocks.iter().for_each(|block| done(block.paths as u64));
                ((ws, blocks), acc)
            },
        )
        .map(|(_, acc)| acc)
        .reduce_with(&merge)
        .unwrap_or_else(init)
}
