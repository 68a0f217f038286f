//! `revshare replay`: one path month by month, as text, from the [`PathTrace`]
//! the engine computed with the run's own code.

use super::per_path::totals;
use crate::engine::{MONEY_FIELDS, Overflow, PathTrace, Plan, overflows};
use crate::model::Terms;
use std::fmt::Write as _;

/// Renders path `trace` of `plan` (scenario `scenario`, seed `seed`): the drawn
/// events, then each month's run-rate, earned revenue, events and every terms row's
/// flows, then each row's totals formatted exactly as in the `--per-path` file.
///
/// A path whose numbers overflow (see [`crate::engine::overflows`]) is shown up to
/// the month before its revenue or payments do, then the month and the reason are
/// said; a row whose totals overflow is named without them. No `inf` or `NaN` is
/// printed.
pub fn render(plan: &Plan<'_>, scenario: &str, terms: &[Terms], seed: u64, trace: &PathTrace) -> String {
    let (p, events) = (&trace.params, &trace.events);
    let start = plan.start_year();
    let when = |t: f64| super::explanation::never_or(start + t);
    let mut out = String::new();
    let _ = writeln!(out, "scenario {scenario}, path {}, seed {seed}", trace.path);
    let _ = writeln!(
        out,
        "AGI declared {}, verified {}; OpenAI fails {}; realised revenue growth {:.4}; ms_ratio {}; discount rate {}",
        when(events.declared),
        when(events.verified),
        when(events.failure),
        Growth(trace.growth),
        p.ms_ratio,
        p.discount_rate
    );
    let mut header = format!("{:<8} {:>10} {:>10} {:<6}", "month", "run-rate", "earned", "events");
    for t in terms {
        let _ = write!(header, " | {:>26}", format!("{}: paid / received / paid so far / cap room", t.name()));
    }
    let _ = writeln!(out, "{header}");
    let overflow = trace.overflow(plan.layout());
    // The month the revenue or the payments overflow from, if they do: the months
    // before it are shown.
    let cut = match overflow {
        Some(Overflow::Revenue(k) | Overflow::Payments(k)) => Some(k),
        _ => None,
    };
    let shown = cut.unwrap_or(plan.months());
    for k in 0..shown {
        let u = crate::model::month_start(k);
        let next = crate::model::month_start(k + 1);
        let mut marks = String::new();
        for (flag, t) in [('D', events.declared), ('V', events.verified), ('F', events.failure)] {
            if (u..next).contains(&t) {
                marks.push(flag);
            }
        }
        let _ = write!(
            out,
            "{:<8} {:>10.4} {:>10.4} {:<6}",
            plan.month_label(k),
            trace.run_rate[k],
            trace.monthly[k],
            marks
        );
        for flows in &trace.flows {
            match flows[k] {
                Some(m) => {
                    let room = m.room.map_or("-".to_string(), |r| format!("{r:.4}"));
                    let _ = write!(out, " | {:>9.4} {:>9.4} {:>9.4} {:>9}", m.paid, m.received, m.cum_paid, room);
                }
                None => {
                    let _ = write!(out, " | {:>9} {:>9} {:>9} {:>9}", "-", "-", "-", "-");
                }
            }
        }
        out.push('\n');
    }
    if let Some(o) = overflow {
        let at = cut.map_or("the path overflows".to_string(), |k| {
            format!("{}: the path overflows here, and its months from here on are not shown", plan.month_label(k))
        });
        let _ = writeln!(out, "{at}: {}", plan.reason(o, trace));
    }
    let l = plan.layout();
    for (t, terms_row) in terms.iter().enumerate() {
        if MONEY_FIELDS.iter().any(|f| overflows(trace.record[l.terms_field(t, *f)])) {
            let _ = writeln!(out, "totals {}: not shown, they overflow (see above)", terms_row.name());
            continue;
        }
        let fields: Vec<String> = totals(&l, &trace.record, t).into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(out, "totals {}: {}", terms_row.name(), fields.join(" "));
    }
    out
}

/// The realised growth with four decimals, or `overflows` when the revenue it
/// comes from did.
struct Growth(f64);

impl std::fmt::Display for Growth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_finite() {
            write!(f, "{:.4}", self.0)
        } else {
            f.write_str("not a number (the revenue overflows)")
        }
    }
}
