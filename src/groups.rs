//! Scenario rows that share a random stream (MODEL.md §7, "Shared streams").
//!
//! Rows with the same `stream` draw the same random numbers, so a quantity of one
//! path under two such rows is a paired observation, as it is under two terms
//! rows. A [`Group`] of rows is simulated in lockstep (block `b` of every row by
//! the same worker, [`crate::engine::simulate_group_fold`]): each row's results are
//! the ones it would have alone, and every row after the group's first is compared
//! with the first (a sweep's variant with the row it varies), path by path, per
//! terms row: `delta_net` and `delta_pv`, with the statistics of MODEL.md §5
//! ([`ScenarioDelta`]). Pairing removes the noise the
//! rows share: the standard error of a paired difference is that of what differs,
//! not that of two independent runs.

use crate::choice::Choice;
use crate::engine::{Block, Layout, Metric, Plan};
use crate::error::Error;
use crate::model::{Scenario, Terms};
use crate::results::{Accumulator, Budget, HalfWidth, PerThread, ScenarioResults, summarize};
use crate::stats::series::Series;
use crate::stats::{Proportion, Summary, Z_95};

/// Scenario rows sharing one stream, in file order; the first is the one the
/// others are compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The shared stream.
    pub stream: String,
    /// Indices of the rows in the scenario list, ascending.
    pub members: Vec<usize>,
}

/// The rows of `scenarios` grouped by stream, each group where its first row is
/// (a row alone in its stream is a group of one).
pub fn groups(scenarios: &[Scenario]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for (i, s) in scenarios.iter().enumerate() {
        match out.iter_mut().find(|g| g.stream == s.stream()) {
            Some(g) => g.members.push(i),
            None => out.push(Group { stream: s.stream().to_string(), members: vec![i] }),
        }
    }
    out
}

/// The paired difference of a metric under one terms row between a scenario row
/// and the first row of its stream group: `metric(scenario) - metric(against)`
/// path by path.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioDelta {
    /// The shared stream.
    pub stream: String,
    /// The scenario row.
    pub scenario: String,
    /// The group's first row, which it is compared with.
    pub against: String,
    /// The terms row both are evaluated under.
    pub terms: String,
    /// [`Metric::Net`] or [`Metric::Pv`].
    pub metric: Metric,
    /// Distribution of the per-path differences.
    pub summary: Summary,
    /// P(difference > 0).
    pub prob_positive: Proportion,
}

/// The metrics compared between the rows of a group.
const PAIRED: [Metric; 2] = [Metric::Net, Metric::Pv];

/// Per terms row, the differences of one member against the first, and how
/// often each is positive.
type Pairs = Vec<([Series; 2], [u64; 2])>;

/// The statistics of a group's rows, accumulated block by block; merges are
/// exact and order-free, as [`Accumulator`]'s are.
///
/// Serialized, it is what a shard of a run keeps of a group (see [`Accumulator`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct GroupAccumulator {
    budget: Budget,
    layouts: Vec<Layout>,
    members: Vec<Accumulator>,
    /// `pairs[r - 1]`: member `r` against member `against[r - 1]`.
    pairs: Vec<Pairs>,
    /// For each member after the first, the member it is compared with: the row it
    /// is a sweep's variant of, or else the group's first.
    against: Vec<usize>,
    #[serde(skip)]
    scratch: Vec<f64>,
}

impl GroupAccumulator {
    /// An empty accumulator for `paths` paths of each of `plans` (the group's rows
    /// in order, under the same terms rows), `baseline` the terms row the others
    /// are compared with.
    pub fn with_budget(plans: &[Plan<'_>], baseline: usize, paths: usize, budget: Budget) -> GroupAccumulator {
        let exact = budget.exact_fits(paths, 0).0;
        let n_terms = plans.first().map_or(0, |p| p.layout().terms);
        let series = || Series::new(exact);
        let names: Vec<&str> = plans.iter().map(|p| p.scenario().name()).collect();
        let against = plans
            .iter()
            .skip(1)
            .map(|p| p.scenario().variant_of().and_then(|o| names.iter().position(|n| *n == o)).unwrap_or(0))
            .collect();
        GroupAccumulator {
            against,
            budget,
            layouts: plans.iter().map(Plan::layout).collect(),
            members: plans.iter().map(|p| Accumulator::with_budget(p, baseline, paths, budget)).collect(),
            pairs: plans
                .iter()
                .skip(1)
                .map(|_| (0..n_terms).map(|_| ([series(), series()], [0, 0])).collect())
                .collect(),
            scratch: Vec::new(),
        }
    }

    /// Simulates the paths of `plans` from `from` (a multiple of
    /// [`crate::engine::CHUNK_PATHS`]) up to `paths`, in lockstep, and accumulates
    /// them; `done(n)` after each block of one row.
    pub fn simulate(
        plans: &[Plan<'_>],
        baseline: usize,
        from: usize,
        paths: usize,
        budget: Budget,
        done: &(dyn Fn(u64) + Sync),
    ) -> GroupAccumulator {
        let blocks = crate::engine::blocks_from(from, paths);
        GroupAccumulator::simulate_blocks(plans, baseline, blocks, paths, budget, done)
    }

    /// [`GroupAccumulator::simulate`] of the blocks `blocks` of a run of `paths`
    /// paths (a shard's share of the run): the accumulator is made for the whole
    /// run, so that it keeps values or sketches them as the run's does.
    pub fn simulate_blocks(
        plans: &[Plan<'_>],
        baseline: usize,
        blocks: std::ops::Range<usize>,
        paths: usize,
        budget: Budget,
        done: &(dyn Fn(u64) + Sync),
    ) -> GroupAccumulator {
        let init = || GroupAccumulator::with_budget(plans, baseline, paths, budget);
        let accs = PerThread::new();
        let fold = |_: &mut (), blocks: &[Block]| accs.add(init, |acc: &mut GroupAccumulator| acc.add_blocks(blocks));
        crate::engine::simulate_group_fold(plans, blocks, paths, done, || (), fold, |_, _| ());
        accs.merged(GroupAccumulator::merge).unwrap_or_else(init)
    }

    /// Adds block `b` of every row (in the group's order).
    pub fn add_blocks(&mut self, blocks: &[Block]) {
        for (acc, block) in self.members.iter_mut().zip(blocks) {
            acc.add_block(block);
        }
        let rows = self.pairs.iter_mut().zip(&self.against).zip(&blocks[1..]).zip(&self.layouts[1..]);
        for (((pairs, a), block), l) in rows {
            let (other, la) = (&blocks[*a], self.layouts[*a]);
            for (t, (series, positive)) in pairs.iter_mut().enumerate() {
                for (k, metric) in PAIRED.into_iter().enumerate() {
                    let own = block.column(l.terms_field(t, metric.field()));
                    let against = other.column(la.terms_field(t, metric.field()));
                    positive[k] += series[k].add_differences(own, against, &mut self.scratch);
                }
            }
        }
    }

    /// Joins the paths `other` accumulated to these.
    pub fn merge(mut self, other: GroupAccumulator) -> GroupAccumulator {
        self.members = self.members.into_iter().zip(other.members).map(|(a, b)| a.merge(b)).collect();
        for (a, b) in self.pairs.iter_mut().zip(other.pairs) {
            for ((xs, xp), (ys, yp)) in a.iter_mut().zip(b) {
                xs.iter_mut().zip(ys).for_each(|(x, y)| x.merge(y));
                xp.iter_mut().zip(yp).for_each(|(x, y)| *x += y);
            }
        }
        self
    }

    /// The paths accumulated (per row).
    pub fn paths(&self) -> u64 {
        self.members.first().map_or(0, Accumulator::paths)
    }

    /// [`Accumulator::limit_memory`] for every row and the paired differences.
    pub fn limit_memory(&mut self) {
        self.members.iter_mut().for_each(Accumulator::limit_memory);
        if !self.budget.exact_fits(self.paths() as usize, 0).0 {
            self.pairs.iter_mut().flatten().flat_map(|(s, _)| s.iter_mut()).for_each(Series::into_sketch);
        }
    }

    /// The 95% half-widths of every mean the group reports: each row's (named
    /// `<scenario>: ...`) and each paired difference's
    /// (`<scenario>-<against>: <terms>.<metric>`).
    pub fn half_widths(&self, scenarios: &[&str], terms: &[&str]) -> Vec<HalfWidth> {
        let mut out = Vec::new();
        for (acc, s) in self.members.iter().zip(scenarios) {
            out.extend(acc.half_widths(terms).into_iter().map(|w| HalfWidth { name: format!("{s}: {}", w.name), ..w }));
        }
        for ((pairs, s), a) in self.pairs.iter().zip(&scenarios[1..]).zip(&self.against) {
            for ((series, _), t) in pairs.iter().zip(terms) {
                for (metric, series) in PAIRED.iter().zip(series) {
                    if let Some((mean, Some(sd))) = series.moments() {
                        out.push(HalfWidth {
                            name: format!("{s}-{}: {t}.{}", scenarios[*a], metric.name()),
                            mean,
                            half_width: Z_95 * sd / (series.len() as f64).sqrt(),
                        });
                    }
                }
            }
        }
        out
    }

    /// The accumulator of the rows of `plans`, or the error of the first row (in
    /// group order) whose numbers overflowed, naming the first path that did: known
    /// as soon as the paths are simulated, before anything is finished.
    pub fn checked(self, plans: &[Plan<'_>]) -> Result<GroupAccumulator, Error> {
        match self.members.iter().enumerate().find_map(|(r, m)| Some((r, m.overflow()?))) {
            Some((row, path)) => Err(plans[row].overflow(path).into()),
            None => Ok(self),
        }
    }

    /// Each row's results (as [`Accumulator::finish`] gives them) and the paired
    /// differences of every row after the first against the row it varies (a
    /// sweep's variant) or the first, in row, terms and metric order. `rows` are
    /// the group's rows, in order.
    pub fn finish(self, rows: &[&Scenario], terms: &[Terms]) -> (Vec<ScenarioResults>, Vec<ScenarioDelta>) {
        let n = self.paths() as usize;
        let results: Vec<ScenarioResults> =
            self.members.into_iter().zip(rows).map(|(acc, s)| acc.finish(s.name(), terms)).collect();
        let mut deltas = Vec::new();
        for ((pairs, row), a) in self.pairs.into_iter().zip(&rows[1..]).zip(&self.against) {
            for ((series, positive), t) in pairs.into_iter().zip(terms) {
                for ((metric, s), count) in PAIRED.into_iter().zip(series).zip(positive) {
                    deltas.push(ScenarioDelta {
                        stream: row.stream().to_string(),
                        scenario: row.name().to_string(),
                        against: rows[*a].name().to_string(),
                        terms: t.name().to_string(),
                        metric,
                        summary: summarize(s),
                        prob_positive: Proportion::of(count as usize, n),
                    });
                }
            }
        }
        (results, deltas)
    }
}
