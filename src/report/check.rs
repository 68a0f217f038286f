//! `revshare check`: every row as parsed, with defaults filled in.

use crate::choice::Choice;
use crate::model::{NONE, Scenario, ScenarioParam, Terms, TermsParam};
use std::fmt::Write;

/// Renders validated inputs for the terminal.
pub fn render(scenario_file: &str, scenarios: &[Scenario], terms_file: &str, terms: &[Terms]) -> String {
    let mut s = String::new();
    let w = &mut s;
    let line = |w: &mut String, k: &str, v: &dyn std::fmt::Display| {
        writeln!(w, "    {k:<16} {v}").expect("writing to a String cannot fail");
    };
    let _ = writeln!(w, "{scenario_file}: {} scenario(s), all valid", scenarios.len());
    for sc in scenarios {
        let _ = writeln!(w, "  {} ({}{} months)", sc.name(), at_line(sc.line()), sc.months());
        let mark = |d: bool| if d { "  (default)" } else { "" };
        let (start_default, horizon_default) = sc.dates_defaulted();
        line(w, "start", &format!("{}{}", sc.start(), mark(start_default)));
        line(w, "horizon", &format!("{}{}", sc.horizon(), mark(horizon_default)));
        match sc.valuation_date() {
            Some(d) => line(w, "valuation_date", &d),
            None => line(w, "valuation_date", &format!("{}  (default: the start)", sc.start())),
        }
        for p in ScenarioParam::ALL {
            line(w, p.name(), sc.param(p));
        }
        if sc.weight() > 0.0 {
            line(w, "weight", &format!("{}  (in the `{}` scenario)", sc.weight(), crate::model::scenario::MIXTURE));
        }
        if sc.stream() != sc.name() {
            line(w, "stream", &format!("{}  (draws shared with the rows of this stream)", sc.stream()));
        }
    }
    let _ = writeln!(
        w,
        "{terms_file}: {} terms row(s), all valid; baseline by default: {}",
        terms.len(),
        terms.first().map_or("", |t| t.name())
    );
    for t in terms {
        let _ = writeln!(w, "  {}{}", t.name(), t.line().map_or(String::new(), |l| format!(" (line {l})")));
        line(w, "end", t.end());
        line(w, "trigger", t.trigger());
        for p in TermsParam::ALL {
            match t.param(p) {
                Some(param) => line(w, p.name(), param),
                None => line(w, p.name(), &NONE),
            }
        }
        if let Some(contract) = t.reading() {
            line(w, "reading", &format!("one reading of `{contract}`"));
        }
    }
    s
}

/// `line N, ` for a row read from a file.
fn at_line(line: Option<u64>) -> String {
    line.map_or(String::new(), |l| format!("line {l}, "))
}
