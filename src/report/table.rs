//! The terminal table: one line per scenario and terms row.

use crate::choice::Choice;
use crate::engine::Metric;
use crate::results::ScenarioResults;
use std::fmt::Write;

/// Lays out rows as aligned columns: the first `left` left-aligned, the rest right-aligned.
pub(crate) fn layout(rows: &[Vec<String>], left: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, s)| if c < left { format!("{s:<w$}", w = widths[c]) } else { format!("{s:>w$}", w = widths[c]) })
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end()).expect("writing to a String cannot fail");
    }
    out
}

fn money(v: f64) -> String {
    format!("{v:.1}")
}

fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// Renders the results of all scenarios as a table for the terminal.
pub fn render(results: &[ScenarioResults]) -> String {
    let mut rows = vec![vec![
        "scenario".to_string(),
        "terms".to_string(),
        "net to MS $B: mean [5%, 95%]".to_string(),
        "PV $B".to_string(),
        "P(cap binds)".to_string(),
        "likeliest end".to_string(),
        "PV vs baseline $B (± se)".to_string(),
        "P(pays more)".to_string(),
    ]];
    for r in results {
        for (i, t) in r.terms.iter().enumerate() {
            let net = t.metric(Metric::Net);
            let (cause, p) = t.likeliest_end();
            let (delta, more) = match r.delta(&t.name, Metric::Pv) {
                Some(d) => (
                    match d.summary.se {
                        Some(se) => format!("{:+.1} ± {se:.1}", d.summary.mean),
                        // No spread can be estimated from one path.
                        None => format!("{:+.1}", d.summary.mean),
                    },
                    percent(d.prob_positive.p),
                ),
                None => ("(baseline)".to_string(), String::new()),
            };
            rows.push(vec![
                if i == 0 { r.scenario.clone() } else { String::new() },
                t.name.clone(),
                format!("{} [{}, {}]", money(net.mean), money(net.quantile(0.05)), money(net.quantile(0.95))),
                money(t.metric(Metric::Pv).mean),
                t.cap_hit.map_or("-".to_string(), |p| percent(p.p)),
                format!("{} {}", cause.name(), percent(p.p)),
                delta,
                more,
            ]);
        }
    }
    layout(&rows, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned() {
        let t = layout(&[vec!["a".into(), "bb".into(), "1".into()], vec!["ccc".into(), "d".into(), "22.5".into()]], 2);
        assert_eq!(t, "a    bb     1\nccc  d   22.5\n");
    }
}
