//! The per-path inputs an analysis can rank or condition on, and the metrics it explains.

use crate::choice::Choice;
use crate::engine::{Layout, Metric, N_WORLD_INPUTS, PathInput, PathTable};
use crate::model::{EndTerm, Scenario, ScenarioParam, Terms, TermsParam, TriggerTerm};

const N_SCENARIO_PARAMS: usize = ScenarioParam::COUNT;

/// One per-path input: its name and where it is in the path table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputColumn {
    /// `sigma`, `fixed-2026.cap`, `agi_declared_year`, `revenue_2028`, ...
    pub name: String,
    /// Column of the path table.
    pub column: usize,
}

/// The inputs worth ranking for terms row `t`: every scenario parameter and every
/// parameter of row `t` that is a distribution, then the drawn path quantities:
/// the AGI declared and verified years and the failure year (`inf` = never), the
/// revenue of each calendar year, and the realised revenue growth.
pub fn uncertain_inputs(scenario: &Scenario, terms: &[Terms], t: usize, table: &PathTable) -> Vec<InputColumn> {
    let l = table.layout();
    let mut out = Vec::new();
    for (i, p) in ScenarioParam::ALL.iter().enumerate() {
        if !scenario.param(*p).dist().is_constant() {
            out.push(InputColumn { name: p.name().to_string(), column: l.world_input(i) });
        }
    }
    out.extend(terms_inputs(terms, t, table));
    out.extend(path_inputs(table));
    out
}

/// [`uncertain_inputs`] over the pooled paths of several scenarios (the mixture's;
/// see [`super::sensitivity::explain_pooled`]), whose tables share one layout: a
/// scenario parameter is an input when it is a distribution in one of them or a
/// constant that differs between them (over the pooled paths it then varies with
/// the scenario a path comes from).
pub fn pooled_inputs(scenarios: &[&Scenario], terms: &[Terms], t: usize, table: &PathTable) -> Vec<InputColumn> {
    let l = table.layout();
    let mut out = Vec::new();
    for (i, p) in ScenarioParam::ALL.iter().enumerate() {
        let dists: Vec<&crate::dist::Dist> = scenarios.iter().map(|s| s.param(*p).dist()).collect();
        let varies = dists.iter().any(|d| !d.is_constant()) || dists.windows(2).any(|w| w[0] != w[1]);
        if varies {
            out.push(InputColumn { name: p.name().to_string(), column: l.world_input(i) });
        }
    }
    out.extend(terms_inputs(terms, t, table));
    out.extend(path_inputs(table));
    out
}

/// The parameters of terms row `t` that are distributions, named `<row>.<column>`.
pub fn terms_inputs(terms: &[Terms], t: usize, table: &PathTable) -> Vec<InputColumn> {
    let l = table.layout();
    let row = &terms[t];
    let mut out: Vec<InputColumn> = TermsParam::ALL
        .iter()
        .filter(|p| row.param(**p).is_some_and(|x| !x.dist().is_constant()))
        .map(|p| InputColumn { name: format!("{}.{}", row.name(), p.name()), column: l.terms_param(t, *p) })
        .collect();
    if matches!(row.end(), EndTerm::Drawn { dist, .. } if !dist.is_constant()) {
        out.push(InputColumn { name: format!("{}.end", row.name()), column: l.terms_end(t) });
    }
    if matches!(row.trigger(), TriggerTerm::Drawn { dist, .. } if !dist.is_constant()) {
        out.push(InputColumn { name: format!("{}.trigger", row.name()), column: l.terms_trigger(t) });
    }
    out
}

/// The drawn path quantities: event years, revenue per period, realised growth.
fn path_inputs(table: &PathTable) -> Vec<InputColumn> {
    let l = table.layout();
    let column = |input: PathInput| InputColumn {
        name: input.name().to_string(),
        column: l.world_input(N_SCENARIO_PARAMS + input as usize),
    };
    let events = [PathInput::AgiDeclaredYear, PathInput::AgiVerifiedYear, PathInput::FailureYear];
    let mut out: Vec<InputColumn> = events.into_iter().map(column).collect();
    for (y, period) in table.periods().iter().enumerate() {
        out.push(InputColumn { name: format!("revenue_{}", period.label), column: l.revenue_period(y) });
    }
    out.push(column(PathInput::RevenueGrowth));
    out
}

/// Every recorded input of a path for terms row `t`, in the order of the
/// `--per-path` file: scenario parameters, path inputs, then the row's parameters,
/// its drawn end (`end_drawn`, a calendar decimal year) and its drawn trigger
/// (`trigger_drawn`: 0 none, 1 declared, 2 verified).
pub fn all_inputs(layout: &Layout, t: usize) -> Vec<InputColumn> {
    let world = ScenarioParam::ALL.iter().map(|p| p.name()).chain(PathInput::ALL.iter().map(|i| i.name()));
    let mut out: Vec<InputColumn> =
        world.enumerate().map(|(i, n)| InputColumn { name: n.to_string(), column: layout.world_input(i) }).collect();
    debug_assert_eq!(out.len(), N_WORLD_INPUTS);
    out.extend(
        TermsParam::ALL.iter().map(|p| InputColumn { name: p.name().to_string(), column: layout.terms_param(t, *p) }),
    );
    out.push(InputColumn { name: "end_drawn".to_string(), column: layout.terms_end(t) });
    out.push(InputColumn { name: "trigger_drawn".to_string(), column: layout.terms_trigger(t) });
    out
}

/// What an analysis explains: a metric of one terms row, or its paired difference
/// against the baseline row on the same paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Explained {
    /// Total paid to Microsoft.
    Paid,
    /// Net to Microsoft.
    Net,
    /// Present value of the net flows.
    Pv,
    /// Net minus the baseline's net, path by path.
    DeltaNet,
    /// PV minus the baseline's PV, path by path.
    DeltaPv,
}

impl Choice for Explained {
    const ALL: &'static [Explained] =
        &[Explained::Paid, Explained::Net, Explained::Pv, Explained::DeltaNet, Explained::DeltaPv];

    fn name(self) -> &'static str {
        match self {
            Explained::Paid => "paid",
            Explained::Net => "net",
            Explained::Pv => "pv",
            Explained::DeltaNet => "delta_net",
            Explained::DeltaPv => "delta_pv",
        }
    }
}

impl Explained {
    /// The per-path metric, of the row or of both rows of the difference.
    pub fn metric(self) -> Metric {
        match self {
            Explained::Paid => Metric::Paid,
            Explained::Net | Explained::DeltaNet => Metric::Net,
            Explained::Pv | Explained::DeltaPv => Metric::Pv,
        }
    }

    /// True for the paired differences against the baseline.
    pub fn is_delta(self) -> bool {
        matches!(self, Explained::DeltaNet | Explained::DeltaPv)
    }

    /// The value of row `t` (minus `baseline`'s for a difference) on every path.
    pub fn values(self, table: &PathTable, t: usize, baseline: usize) -> Vec<f64> {
        let l = table.layout();
        let field = self.metric().field();
        let own = table.column(l.terms_field(t, field));
        if !self.is_delta() {
            return own;
        }
        let base = table.column(l.terms_field(baseline, field));
        own.iter().zip(&base).map(|(a, b)| a - b).collect()
    }
}
