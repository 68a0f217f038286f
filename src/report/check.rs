//! `revshare check`: every row as parsed, with defaults filled in.

use crate::input::{Scenario, ScenarioParam, Terms, TermsParam};
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
        let _ = writeln!(w, "  {} (line {}, {} months)", sc.name, sc.line, sc.months());
        let mark = |d: bool| if d { "  (default)" } else { "" };
        line(w, "start", &format!("{}{}", sc.start, mark(sc.dates_defaulted.0)));
        line(w, "horizon", &format!("{}{}", sc.horizon, mark(sc.dates_defaulted.1)));
        for p in ScenarioParam::ALL {
            line(w, p.name(), sc.param(p));
        }
    }
    let _ = writeln!(
        w,
        "{terms_file}: {} terms row(s), all valid; baseline by default: {}",
        terms.len(),
        terms.first().map_or("", |t| &t.name)
    );
    for t in terms {
        let _ = writeln!(w, "  {} (line {})", t.name, t.line);
        line(w, "end", &t.end.map_or("none".to_string(), |d| d.to_string()));
        line(w, "trigger", &t.trigger);
        for p in TermsParam::ALL {
            if p == TermsParam::Cap && !t.has_cap() {
                line(w, p.name(), &"none");
            } else {
                line(w, p.name(), t.param(p));
            }
        }
    }
    s
}
