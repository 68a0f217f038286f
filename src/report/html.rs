//! `report.html` and the chart SVGs, drawn from the output files alone.
//!
//! [`ReportData::read`] parses `summary.csv`, `deltas.csv`, `outcomes.csv`,
//! `annual.csv`, `curves.csv` and `manifest.json`; [`render`] draws every chart
//! and assembles one self-contained page (inline SVG and CSS, no script, nothing
//! fetched). `revshare run` renders from the bytes it has just written and
//! `revshare report DIR` from the files in `DIR`, so both give the same bytes.

use super::charts::{self, Bars, ChartError, Fan, Frame, LegendAt, Line, Marker, NARROW, WIDE};
use super::csv::{
    AnnualRow, CAP_YEAR, CurveRow, DeltaRow, OutcomeRow, ScenarioDeltaRow, SensitivityRow, SummaryRow, read,
};
use super::manifest::{Manifest, Valuation};
use super::readings::{self, ScenarioReadings};
use super::sweeps;
use super::{CHARTS_DIR, OutputFile};
use crate::analysis::inputs::Explained;
use crate::choice::Choice;
use crate::engine::{Flow, Metric};
use crate::error::{Error, Problem};
use crate::model::NONE;
use crate::model::contract::EndCause;
use crate::results::{CurveKind, NO_TERMS, Outcome, Quantity};
use crate::stats::Z_95;
use std::fmt::Write;

/// The parsed output files of a run.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// `manifest.json`.
    pub manifest: Manifest,
    summary: Vec<SummaryRow>,
    deltas: Vec<DeltaRow>,
    outcomes: Vec<OutcomeRow>,
    annual: Vec<AnnualRow>,
    curves: Vec<CurveRow>,
    sensitivity: Vec<SensitivityRow>,
    scenario_deltas: Vec<ScenarioDeltaRow>,
}

impl ReportData {
    /// Parses the files, fetched with `get`: every [`OutputFile::DATA`] file, and
    /// `sensitivity.csv` when `get` has it (`Ok(None)` otherwise).
    pub fn read(get: &dyn Fn(OutputFile) -> Result<Option<Vec<u8>>, Error>) -> Result<ReportData, Error> {
        let need = |f: OutputFile| -> Result<Vec<u8>, Error> {
            get(f)?.ok_or_else(|| Problem::file(f.name(), "missing from the output folder").into())
        };
        let manifest_file = OutputFile::Manifest.name();
        let manifest = serde_json::from_slice(&need(OutputFile::Manifest)?)
            .map_err(|e| Problem::file(manifest_file, format!("not a manifest written by revshare run: {e}")))?;
        let sensitivity = match get(OutputFile::Sensitivity)? {
            Some(bytes) => read(OutputFile::Sensitivity.name(), &bytes)?,
            None => Vec::new(),
        };
        // Absent from folders written before it existed.
        let scenario_deltas = match get(OutputFile::ScenarioDeltas)? {
            Some(bytes) => read(OutputFile::ScenarioDeltas.name(), &bytes)?,
            None => Vec::new(),
        };
        Ok(ReportData {
            manifest,
            summary: read(OutputFile::Summary.name(), &need(OutputFile::Summary)?)?,
            deltas: read(OutputFile::Deltas.name(), &need(OutputFile::Deltas)?)?,
            outcomes: read(OutputFile::Outcomes.name(), &need(OutputFile::Outcomes)?)?,
            annual: read(OutputFile::Annual.name(), &need(OutputFile::Annual)?)?,
            curves: read(OutputFile::Curves.name(), &need(OutputFile::Curves)?)?,
            sensitivity,
            scenario_deltas,
        })
    }

    fn annual(&self, scenario: &str, terms: &str, quantity: Quantity) -> Vec<[f64; 6]> {
        self.annual
            .iter()
            .filter(|r| r.scenario == scenario && r.terms == terms && r.quantity == quantity.name())
            .map(|r| [r.start.decimal_year(), r.p05.get(), r.p25.get(), r.p50.get(), r.p75.get(), r.p95.get()])
            .collect()
    }

    fn curve(&self, scenario: &str, terms: &str, kind: CurveKind) -> impl Iterator<Item = &CurveRow> {
        self.curves.iter().filter(move |r| r.scenario == scenario && r.terms == terms && r.curve == kind.name())
    }

    /// A curve's points `(x, y)`.
    fn points(&self, scenario: &str, terms: &str, kind: CurveKind) -> Vec<(f64, f64)> {
        self.curve(scenario, terms, kind).map(|r| (r.x.get(), r.y.get())).collect()
    }

    /// A histogram's bins `(start, end, height)`.
    fn bins(&self, scenario: &str, terms: &str, kind: CurveKind) -> Vec<(f64, f64, f64)> {
        self.curve(scenario, terms, kind).map(|r| (r.x.get(), r.x_end.get(), r.y.get())).collect()
    }

    fn summary(&self, scenario: &str, terms: &str, metric: Metric) -> Option<&SummaryRow> {
        self.summary_of(scenario, terms, metric.name())
    }

    /// The `summary.csv` row of a metric named `metric` (`cap_year` too).
    fn summary_of(&self, scenario: &str, terms: &str, metric: &str) -> Option<&SummaryRow> {
        self.summary.iter().find(|r| r.scenario == scenario && r.terms == terms && r.metric == metric)
    }

    /// Whether `metric` of a terms row takes one value on every path (no spread, or
    /// one path): a chart of its distribution would show nothing.
    fn single_value(&self, scenario: &str, terms: &str, metric: Metric) -> bool {
        self.single_value_of(scenario, terms, metric.name())
    }

    /// [`ReportData::single_value`] of a metric named `metric`; also true when the
    /// row is missing (a `cap_year` when the cap never bound).
    fn single_value_of(&self, scenario: &str, terms: &str, metric: &str) -> bool {
        self.summary_of(scenario, terms, metric).is_none_or(|r| r.sd.0.is_none_or(|sd| sd == 0.0))
    }

    fn outcome(&self, scenario: &str, terms: &str, outcome: Outcome) -> Option<&OutcomeRow> {
        self.outcomes.iter().find(|r| r.scenario == scenario && r.terms == terms && r.outcome == outcome.name())
    }

    /// Which paths a contract gains on, when `sensitivity.csv` says it: the input
    /// that moves the contract's PV minus the baseline's most under `scenario`, and
    /// the mean difference over the tenth of its paths where that input is lowest
    /// and the tenth where it is highest. `None` without such a file (a run alone
    /// keeps no path-by-path link between the differences and the inputs).
    fn which_paths(&self, scenario: &str) -> Option<String> {
        let top = self.sensitivity.iter().find(|r| {
            r.scenario == scenario
                && r.baseline == self.manifest.baseline
                && Explained::parse(&r.metric) == Some(Explained::DeltaPv)
        })?;
        Some(format!(
            "Which paths: <b>{}</b> minus <b>{}</b> moves most with <b>{}</b> (Spearman ρ {:+.2}; \
             <a href=\"#sensitivity\">sensitivity.csv</a>, {} paths): it averages {} $B on the tenth of paths where \
             {} is lowest and {} $B on the tenth where it is highest.",
            esc(&top.terms),
            esc(&top.baseline),
            esc(&top.input),
            top.rho.get(),
            top.n,
            readings::signed(top.mean_low_decile.get()),
            esc(&top.input),
            readings::signed(top.mean_high_decile.get())
        ))
    }

    /// The paired difference against the baseline.
    fn delta(&self, scenario: &str, terms: &str, metric: Metric) -> Option<&DeltaRow> {
        self.deltas.iter().find(|r| {
            r.scenario == scenario
                && r.terms == terms
                && r.baseline == self.manifest.baseline
                && r.metric == metric.name()
        })
    }
}

/// A rendered report: the page and the chart files, by path inside the output folder.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `report.html`.
    pub html: Vec<u8>,
    /// `charts/<name>.svg` and their contents.
    pub charts: Vec<(String, Vec<u8>)>,
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A file-name-safe form of a row name.
fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// `x` $B with one decimal, `0.0` for what rounds to zero (never `-0.0`).
fn money(x: f64) -> String {
    if (10.0 * x).round() == 0.0 { "0.0".to_string() } else { format!("{x:.1}") }
}

fn pct(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// Colours of the end causes, fixed so every chart uses the same.
fn cause_color(c: EndCause) -> plotters::style::RGBColor {
    charts::color([4, 0, 2, 7, 6][c as usize])
}

struct Page<'a> {
    data: &'a ReportData,
    body: String,
    charts: Vec<(String, Vec<u8>)>,
}

impl Page<'_> {
    /// Adds a chart: its SVG file, and the same SVG inline in a figure.
    fn figure(
        &mut self,
        file: String,
        kind: &str,
        series: usize,
        svg: Result<String, ChartError>,
    ) -> Result<(), Error> {
        let svg = svg.map_err(|e| Error::Chart { chart: file.clone(), message: e.to_string() })?;
        let _ = writeln!(
            self.body,
            "<figure data-chart=\"{kind}\" data-series=\"{series}\"><a href=\"{file}\">{svg}</a></figure>"
        );
        self.charts.push((file, svg.into_bytes()));
        Ok(())
    }

    fn scenario(&mut self, index: usize, scenario: &str) -> Result<(), Error> {
        let d = self.data;
        let terms: Vec<&str> = d.manifest.terms.iter().map(|t| t.name.as_str()).collect();
        let baseline = d.manifest.baseline.as_str();
        let file = |kind: &str| format!("{CHARTS_DIR}/{:02}-{}-{kind}.svg", index + 1, slug(scenario));
        let title = |what: &str| format!("{scenario}: {what}");
        let fan_title = |what: &str| format!("{scenario}: {what} (median, 25–75%, 5–95%)");
        let period = d.manifest.periods.periods().noun();
        let per_period = format!("per {period}");
        let in_period = |what: &str| format!("{what} in the {period}, $B");
        let axis = format!("start of the {period}");
        let _ = write!(
            self.body,
            "<details id=\"scenario-{}\">\n<summary><h3>{}</h3></summary>\n",
            index + 1,
            esc(scenario)
        );

        self.body.push_str("<h3>OpenAI's revenue</h3>\n<div class=\"pair\">\n");
        let fan = vec![Fan {
            label: "revenue".into(),
            color: charts::color(0),
            points: d.annual(scenario, NO_TERMS, Quantity::Revenue),
        }];
        for (log, kind, what) in [(false, "revenue", "revenue"), (true, "revenue-log", "revenue (log scale)")] {
            let t = fan_title(&format!("{what} {per_period}"));
            let y = in_period("revenue");
            let frame = Frame { title: &t, x: &axis, y: &y, size: NARROW };
            self.figure(file(kind), kind, 1, charts::fan(&frame, &fan, &[], log))?;
        }
        let _ = write!(self.body, "</div>\n<h3>Payments {per_period}</h3>\n<div class=\"pair\">\n");
        let fans_of = |quantity: Quantity| -> Vec<Fan> {
            terms
                .iter()
                .enumerate()
                .map(|(i, t)| Fan {
                    label: t.to_string(),
                    color: charts::color(i),
                    points: d.annual(scenario, t, quantity),
                })
                .collect()
        };
        let fans = fans_of(Quantity::Flow(Flow::Net));
        let t = fan_title(&format!("net to Microsoft {per_period}"));
        let y = in_period("net to Microsoft");
        let frame = Frame { title: &t, x: &axis, y: &y, size: NARROW };
        self.figure(file("net-per-year"), "net-per-year", fans.len(), charts::fan(&frame, &fans, &[], false))?;
        let cum = fans_of(Quantity::CumPaid);
        let caps: Vec<Marker> = d
            .manifest
            .terms
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                t.constant_cap().map(|c| Marker {
                    label: format!("cap of {}: {c}", t.name),
                    color: charts::color(i),
                    at: c,
                    vertical: false,
                })
            })
            .collect();
        let t = fan_title("paid to Microsoft so far");
        let y = format!("paid by the {period}'s end, $B");
        let frame = Frame { title: &t, x: &axis, y: &y, size: NARROW };
        self.figure(file("cumulative-paid"), "cumulative-paid", cum.len(), charts::fan(&frame, &cum, &caps, false))?;

        self.body.push_str("</div>\n<h3>Distribution of the present value</h3>\n");
        if terms.iter().all(|t| d.single_value(scenario, t, Metric::Pv)) {
            let values: Vec<String> = terms
                .iter()
                .filter_map(|t| d.summary(scenario, t, Metric::Pv).map(|s| format!("{t} {:.1}", s.mean.get())))
                .collect();
            let _ = writeln!(
                self.body,
                "<p>Every path gives each row the same present value ($B): {}. No distribution to draw.</p>",
                esc(&values.join(", "))
            );
        } else {
            self.pv_distribution(index, scenario, &terms)?;
        }
        let _ = write!(
            self.body,
            "<h3>Paired difference against {}</h3>\n<p class=\"how\">Each path is one simulated world; the bars show, over the paths, \
             how much more (right of zero) or less (left) each contract is worth to Microsoft in present value than <b>{}</b> on the \
             <em>same</em> world. The share of the area right of the dashed zero line is the probability that the contract pays \
             Microsoft more.</p>\n<div class=\"pair\">\n",
            esc(baseline),
            esc(baseline)
        );
        for (i, t) in terms.iter().enumerate().filter(|(_, t)| **t != baseline) {
            let delta = d.delta(scenario, t, Metric::Pv);
            if let Some(r) = delta.filter(|r| r.se.0.is_none_or(|se| se == 0.0)) {
                let _ = writeln!(
                    self.body,
                    "<p class=\"single\">On every path, <b>{}</b> is worth {} $B in PV against {} (no distribution to draw).</p>",
                    esc(t),
                    readings::signed(r.mean.get()),
                    esc(baseline)
                );
                continue;
            }
            let bins = d.bins(scenario, t, CurveKind::DeltaPvHist);
            let p = delta.map_or(f64::NAN, |r| r.prob_positive.get());
            let zero = format!("zero; P(ΔPV > 0) = {}", pct(p));
            let mut markers = vec![Marker { label: zero, color: charts::color(7), at: 0.0, vertical: true }];
            if let Some(r) = delta {
                markers.push(Marker {
                    label: format!("mean {:+.1}", r.mean.get()),
                    color: charts::color(i),
                    at: r.mean.get(),
                    vertical: true,
                });
            }
            let label = format!("{t} − {baseline}");
            let bars = [Bars { label, color: charts::color(i), bins }];
            let t_ = title(&format!("PV of {t} minus {baseline}"));
            let frame = Frame { title: &t_, x: "difference in PV, $B", y: "share of paths", size: NARROW };
            let kind = format!("delta-pv-{}", slug(t));
            self.figure(file(&kind), "delta-pv", 1, charts::histogram(&frame, &bars, &markers))?;
        }
        self.body.push_str("</div>\n<h3>When the cap binds</h3>\n");
        let mut survival: Vec<Line> = Vec::new();
        let mut capped = false;
        for (i, t) in terms.iter().enumerate() {
            let points = d.points(scenario, t, CurveKind::CapSurvival);
            if points.is_empty() {
                continue;
            }
            capped = true;
            // A cap reached at one date on every path, or never: a sentence says it all.
            let p = d.outcome(scenario, t, Outcome::CapHit).map(|o| o.probability.get());
            let when = d.summary_of(scenario, t, CAP_YEAR).map(|s| s.mean.get());
            match (p, when) {
                (Some(0.0), _) => {
                    let _ = writeln!(
                        self.body,
                        "<p class=\"single\"><b>{}</b> never reaches its cap (no distribution to draw).</p>",
                        esc(t)
                    );
                }
                (Some(p), Some(when)) if p == 1.0 && d.single_value_of(scenario, t, CAP_YEAR) => {
                    let _ = writeln!(
                        self.body,
                        "<p class=\"single\"><b>{}</b> reaches its cap at {when:.2} on every path (no distribution to \
                         draw).</p>",
                        esc(t)
                    );
                }
                _ => survival.push(Line { label: t.to_string(), color: charts::color(i), points }),
            }
        }
        if !capped {
            self.body.push_str("<p>No terms row has a cap.</p>\n");
        } else if !survival.is_empty() {
            let t = title("P(cap not yet reached)");
            let frame = Frame { title: &t, x: "date (decimal year)", y: "P(cap not reached by date)", size: WIDE };
            let n = survival.len();
            self.figure(
                file("cap-survival"),
                "cap-survival",
                n,
                charts::lines(&frame, &survival, &[], Some((0.0, 1.0)), true, LegendAt::LowerLeft),
            )?;
        }

        self.body.push_str("<h3>How the contracts end</h3>\n<div class=\"pair\">\n");
        for t in &terms {
            if d.single_value(scenario, t, Metric::EndYear) {
                let when = d.summary(scenario, t, Metric::EndYear).map_or(f64::NAN, |s| s.mean.get());
                // One date, but the cause may differ between paths (a reading drawn per path).
                let causes: Vec<(EndCause, f64)> = EndCause::ALL
                    .iter()
                    .filter_map(|c| d.outcome(scenario, t, Outcome::EndBy(*c)).map(|o| (*c, o.probability.get())))
                    .filter(|(_, p)| *p > 0.0)
                    .collect();
                let how = match causes.as_slice() {
                    [] => format!("ends at {when:.2} on every path"),
                    [(EndCause::Horizon, _)] => format!("is still paying at the horizon, {when:.2}, on every path"),
                    [(c, _)] => format!("ends by {} at {when:.2} on every path", c.name()),
                    _ => {
                        let shares: Vec<String> = causes
                            .iter()
                            .map(|(c, p)| match c {
                                EndCause::Horizon => format!("is still paying at the horizon on {}", pct(*p)),
                                c => format!("ends by {} on {}", c.name(), pct(*p)),
                            })
                            .collect();
                        format!("stops at {when:.2} on every path: it {} of them", shares.join(" and "))
                    }
                };
                let _ =
                    writeln!(self.body, "<p class=\"single\"><b>{}</b> {how} (no distribution to draw).</p>", esc(t));
                continue;
            }
            let lines: Vec<Line> = EndCause::ALL
                .iter()
                .map(|c| Line {
                    label: if *c == EndCause::Horizon {
                        "still paying at horizon".into()
                    } else {
                        c.name().to_string()
                    },
                    color: cause_color(*c),
                    points: d.points(scenario, t, CurveKind::EndedBy(*c)),
                })
                .collect();
            let t_ = title(&format!("{t}: ended by each cause"));
            let frame = Frame { title: &t_, x: "date (decimal year)", y: "P(ended by date, by cause)", size: NARROW };
            let kind = format!("end-causes-{}", slug(t));
            self.figure(
                file(&kind),
                "end-causes",
                lines.len(),
                charts::lines(&frame, &lines, &[], Some((0.0, 1.0)), true, LegendAt::UpperLeft),
            )?;
        }
        self.body.push_str("</div>\n<h3>The numbers</h3>\n");
        self.numbers(scenario, &terms);
        self.body.push_str("</details>\n");
        Ok(())
    }

    /// The answer for one scenario: a few sentences, the PV of every contract on
    /// one axis, and the paired differences against the baseline.
    fn answer(&mut self, index: usize, scenario: &str) -> Result<(), Error> {
        let d = self.data;
        let terms: Vec<&str> = d.manifest.terms.iter().map(|t| t.name.as_str()).collect();
        let baseline = d.manifest.baseline.as_str();
        let _ = writeln!(self.body, "<section class=\"answer\">\n<h3>{}</h3>", esc(scenario));
        if scenario == crate::mixture::MIXTURE {
            let m = &d.manifest.mixture;
            let names: Vec<&str> = m.iter().map(|w| w.scenario.as_str()).collect();
            let weights: Vec<String> = m.iter().map(|w| w.weight.to_string()).collect();
            let _ = writeln!(
                self.body,
                "<p class=\"how\">The scenarios {} with weights {}: each counts by its weight, whatever its number of \
                 paths, and a share of paths is a weighted share.</p>",
                esc(&names.join(", ")),
                weights.join(", ")
            );
        }
        let mut text = String::new();
        if let Some(b) = d.summary(scenario, baseline, Metric::Pv) {
            let _ = write!(
                text,
                "Under <b>{}</b>, <b>{}</b> is worth {} $B to Microsoft in present value (5–95%: {} to {}). ",
                esc(scenario),
                esc(baseline),
                money(b.mean.get()),
                money(b.p05.get()),
                money(b.p95.get())
            );
        }
        let deltas: Vec<(&str, &DeltaRow)> =
            terms.iter().filter_map(|t| d.delta(scenario, t, Metric::Pv).map(|r| (*t, r))).collect();
        let ci = |r: &DeltaRow| {
            let (m, h) = (r.mean.get(), Z_95 * r.se.get());
            if h.is_nan() || h == 0.0 {
                readings::signed(m)
            } else {
                format!("{} (95%: {} to {})", readings::signed(m), readings::signed(m - h), readings::signed(m + h))
            }
        };
        let by_mean = |a: &&(&str, &DeltaRow), b: &&(&str, &DeltaRow)| a.1.mean.get().total_cmp(&b.1.mean.get());
        if let (Some(best), Some(worst)) = (deltas.iter().max_by(by_mean), deltas.iter().min_by(by_mean)) {
            let less = deltas.iter().filter(|(_, r)| r.mean.get() < 0.0).count();
            let _ = write!(
                text,
                "On the same paths, against it, <b>{}</b> does best, {} $B, and pays more on {} of paths; <b>{}</b> does \
                 worst, {} $B, paying more on {} of paths. {} of the {} other contracts pay{} less on average.",
                esc(best.0),
                ci(best.1),
                pct(best.1.prob_positive.get()),
                esc(worst.0),
                ci(worst.1),
                pct(worst.1.prob_positive.get()),
                less,
                deltas.len(),
                if less == 1 { "s" } else { "" }
            );
        }
        if let Some(which) = d.which_paths(scenario) {
            text.push(' ');
            text.push_str(&which);
        }
        let _ = writeln!(self.body, "<p>{text}</p>\n<div class=\"pair\">");
        let rows: Vec<charts::Interval> = terms
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let s = d.summary(scenario, t, Metric::Pv)?;
                Some(charts::Interval {
                    label: t.to_string(),
                    color: charts::color(i),
                    quantiles: [s.p05, s.p25, s.p50, s.p75, s.p95].map(|q| q.get()),
                    mean: s.mean.get(),
                })
            })
            .collect();
        let t = format!("{scenario}: PV to Microsoft (5–95%, 25–75%, median | mean ●)");
        let frame = Frame { title: &t, x: "present value, $B", y: "", size: (620, 70 + 34 * rows.len().max(1) as u32) };
        let file = format!("{CHARTS_DIR}/{:02}-{}-answer.svg", index + 1, slug(scenario));
        self.figure(file, "answer", rows.len(), charts::intervals(&frame, &rows))?;
        let _ = writeln!(
            self.body,
            "<table class=\"numbers\"><thead><tr><th>terms</th><th>PV mean ($B)</th><th>− {} ($B)</th><th>P(pays more)</th></tr></thead><tbody>",
            esc(baseline)
        );
        for t in &terms {
            let pv = d.summary(scenario, t, Metric::Pv).map_or(String::new(), |s| format!("{:.1}", s.mean.get()));
            let (delta, more) = match d.delta(scenario, t, Metric::Pv) {
                Some(r) => (ci(r), pct(r.prob_positive.get())),
                None => ("baseline".to_string(), String::new()),
            };
            let _ = writeln!(self.body, "<tr><td>{}</td><td>{pv}</td><td>{delta}</td><td>{more}</td></tr>", esc(t));
        }
        self.body.push_str("</tbody></table>\n</div>\n</section>\n");
        Ok(())
    }

    /// The CDF and the histogram of every row's PV.
    fn pv_distribution(&mut self, index: usize, scenario: &str, terms: &[&str]) -> Result<(), Error> {
        let d = self.data;
        let file = |kind: &str| format!("{CHARTS_DIR}/{:02}-{}-{kind}.svg", index + 1, slug(scenario));
        let title = |what: &str| format!("{scenario}: {what}");
        self.body.push_str("<div class=\"pair\">\n");
        let means: Vec<Marker> = terms
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                d.summary(scenario, t, Metric::Pv).map(|s| Marker {
                    label: format!("mean {t}: {:.1}", s.mean.get()),
                    color: charts::color(i),
                    at: s.mean.get(),
                    vertical: true,
                })
            })
            .collect();
        let cdfs: Vec<Line> = terms
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                label: t.to_string(),
                color: charts::color(i),
                // The 1st to 99th percentiles, so that a long tail does not squash the body.
                points: d
                    .points(scenario, t, CurveKind::PvCdf)
                    .into_iter()
                    .filter(|(_, p)| (0.01..=0.99).contains(p))
                    .collect(),
            })
            .collect();
        let t = title("CDF of PV to Microsoft (1%–99%)");
        let frame = Frame { title: &t, x: "present value, $B", y: "P(PV <= x)", size: NARROW };
        let chart = charts::lines(&frame, &cdfs, &means, Some((0.0, 1.0)), false, LegendAt::LowerRight);
        self.figure(file("pv-cdf"), "pv-cdf", cdfs.len(), chart)?;
        let hists: Vec<Bars> = terms
            .iter()
            .enumerate()
            .map(|(i, t)| Bars {
                label: t.to_string(),
                color: charts::color(i),
                bins: d.bins(scenario, t, CurveKind::PvHist),
            })
            .collect();
        let t = title("histogram of PV to Microsoft");
        let frame = Frame { title: &t, x: "present value, $B", y: "share of paths", size: NARROW };
        self.figure(file("pv-histogram"), "pv-histogram", hists.len(), charts::histogram(&frame, &hists, &means))?;

        self.body.push_str("</div>\n");
        Ok(())
    }

    /// The tornado chart of `sensitivity.csv`, when there is one.
    fn tornado(&mut self) -> Result<(), Error> {
        let rows = &self.data.sensitivity;
        let Some(first) = rows.first() else { return Ok(()) };
        let what = match Explained::parse(&first.metric) {
            Some(explained) => super::explanation::describe(explained, &first.terms, &first.baseline),
            None => format!("{} of {}", first.metric, first.terms),
        };
        let _ = write!(
            self.body,
            "<section id=\"sensitivity\">\n<h2>What drives the {} under {}</h2>\n<p class=\"how\">Each bar spans the mean \
             {} over the paths whose input is in its lowest 10% (marked ●) to the mean over its highest 10%; inputs are \
             sorted by |Spearman ρ|, the most influential on top. From <code>sensitivity.csv</code>.</p>\n",
            esc(&what),
            esc(&first.scenario),
            esc(&first.metric)
        );
        // A correlated input's ρ includes what its partners explain: marked † and said.
        let correlated = |r: &SensitivityRow| r.correlated_with.as_deref().is_some_and(|c| !c.is_empty());
        let bars: Vec<(String, f64, f64)> = rows
            .iter()
            .take(charts::TORNADO_ROWS)
            .map(|r| {
                let mark = if correlated(r) { " †" } else { "" };
                (
                    format!("{}{mark} (ρ {:+.2})", r.input, r.rho.get()),
                    r.mean_low_decile.get(),
                    r.mean_high_decile.get(),
                )
            })
            .collect();
        let partners: Vec<String> = rows
            .iter()
            .take(charts::TORNADO_ROWS)
            .filter(|r| correlated(r))
            .map(|r| format!("{} with {}", esc(&r.input), esc(r.correlated_with.as_deref().unwrap_or_default())))
            .collect();
        if !partners.is_empty() {
            let _ = writeln!(
                self.body,
                "<p class=\"how\">† A correlated input (<code>--correlations</code>): its ρ and bar include what the \
                 inputs it is correlated with explain, so the bars of partners overlap. {}.</p>",
                partners.join("; ")
            );
        }
        let t = format!("{}: {what}, mean {:.1} $B", first.scenario, first.metric_mean.get());
        let frame = Frame { title: &t, x: &format!("mean {} in the decile, $B", first.metric), y: "", size: WIDE };
        let file = format!("{CHARTS_DIR}/sensitivity-{}.svg", slug(&first.scenario));
        let n = bars.len();
        self.figure(file, "tornado", n, charts::tornado(&frame, &bars, first.metric_mean.get()))?;
        self.body.push_str("</section>\n");
        Ok(())
    }

    fn numbers(&mut self, scenario: &str, terms: &[&str]) {
        let d = self.data;
        // No spread can be estimated from one path: the mean alone.
        let pm = |v: f64, se: f64| if se.is_nan() { format!("{v:.2}") } else { format!("{v:.2} ± {se:.2}") };
        self.body.push_str(
            "<table class=\"numbers\"><thead><tr><th>terms</th><th>net to MS, mean ± se ($B)</th><th>5%–95%</th>\
             <th>PV, mean ± se ($B)</th><th>lost at failure, mean ± se ($B)</th><th>P(cap binds) ± se</th><th>likeliest end</th><th>PV − baseline ± se ($B)</th>\
             <th>P(pays more)</th></tr></thead><tbody>\n",
        );
        for t in terms {
            let (Some(net), Some(pv)) = (d.summary(scenario, t, Metric::Net), d.summary(scenario, t, Metric::Pv))
            else {
                continue;
            };
            let lost = d.summary(scenario, t, Metric::Lost).map_or("-".to_string(), |l| pm(l.mean.get(), l.se.get()));
            let capped = d.manifest.terms.iter().any(|x| x.name == *t && x.cap.is_some());
            let cap = match d.outcome(scenario, t, Outcome::CapHit) {
                Some(o) if capped && o.se.get().is_nan() => pct(o.probability.get()),
                Some(o) if capped => format!("{} ± {}", pct(o.probability.get()), pct(o.se.get())),
                _ => "-".to_string(),
            };
            let likeliest = EndCause::ALL
                .iter()
                .filter_map(|c| d.outcome(scenario, t, Outcome::EndBy(*c)).map(|o| (c.name(), o.probability.get())))
                .fold(("", -1.0), |best, x| if x.1 > best.1 { x } else { best });
            let (delta, more) = match d.delta(scenario, t, Metric::Pv) {
                Some(r) => (pm(r.mean.get(), r.se.get()), pct(r.prob_positive.get())),
                None => ("baseline".to_string(), String::new()),
            };
            let _ = writeln!(
                self.body,
                "<tr><td>{}</td><td>{}</td><td>{:.1} – {:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
                esc(t),
                pm(net.mean.get(), net.se.get()),
                net.p05.get(),
                net.p95.get(),
                pm(pv.mean.get(), pv.se.get()),
                lost,
                cap,
                likeliest.0,
                pct(likeliest.1),
                delta,
                more
            );
        }
        self.body.push_str("</tbody></table>\n");
    }
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1280px;margin:0 auto;padding:1em 2em;color:#111}\
h1{font-size:1.6em}h2{border-top:3px solid #0072b2;padding-top:.6em;margin-top:2em}h3{margin-top:1.6em}\
figure{margin:.5em 0}figure svg{max-width:100%;height:auto;display:block}\
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:1em}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:right}\
td:first-child,th:first-child,td.text{text-align:left}table.meta td{text-align:left}.how{max-width:60em}\
.warn{border-left:4px solid #d55e00;background:#fff4ec;padding:.4em 1em;margin:1em 0}\
.short{border-left:4px solid #0072b2;background:#eef6fb;padding:.4em 1em;margin:1em 0}\
@media print{h2{page-break-before:always}figure{page-break-inside:avoid}}";

impl Page<'_> {
    /// The sweeps (per row varied, a chart of the paired difference against the
    /// value and its table) and the other rows sharing a stream (a table each).
    fn sweeps(&mut self) -> Result<(), Error> {
        let d = self.data;
        let panels = sweeps::panels(&d.manifest, &d.scenario_deltas, &d.deltas);
        let pairs = sweeps::pairs(&d.manifest, &d.scenario_deltas);
        if !panels.is_empty() {
            self.body.push_str(
                "<h2 id=\"sweeps\">How the answer moves with what was varied</h2>\n<p class=\"how\">Each variant of a \
                 row differs from it in one column only. A scenario variant shares the row's random numbers, so its \
                 PV is compared with the row's on the same paths; a terms variant is compared with the terms row it \
                 varies, on the same paths, as every terms row is. The line is the mean of the paired difference, the band its \
                 95% interval (1.96 standard errors), $B.</p>\n",
            );
        }
        for (i, p) in panels.iter().enumerate() {
            let _ = writeln!(self.body, "<h3>{}: {}</h3>", esc(&p.option), esc(&p.row));
            let file = format!("{CHARTS_DIR}/sweep-{:02}-{}.svg", i + 1, slug(&p.row));
            self.figure(file, "sweep", p.lines.len(), sweeps::chart(p))?;
            let _ = write!(self.body, "<table><thead><tr><th>{}</th>", esc(&format!("{}=", p.column)));
            for v in &p.values {
                let _ = write!(self.body, "<th>{}</th>", esc(v));
            }
            self.body.push_str("</tr></thead><tbody>\n");
            for l in &p.lines {
                let _ = write!(self.body, "<tr><td>{}</td>", esc(&l.label));
                for pt in &l.points {
                    let _ = write!(self.body, "<td>{}</td>", pt.as_ref().map_or("-".to_string(), sweeps::interval));
                }
                self.body.push_str("</tr>\n");
            }
            self.body.push_str("</tbody></table>\n");
        }
        if !pairs.is_empty() {
            self.body.push_str(
                "<h2 id=\"streams\">Scenario rows that share a stream</h2>\n<p class=\"how\">These rows draw the same \
                 random numbers as the first row of their stream, so each is compared with it path by path: the mean \
                 of the difference, ± its 95% half-width, $B.</p>\n",
            );
        }
        for p in &pairs {
            let _ = writeln!(
                self.body,
                "<h3>{} minus {}</h3>\n<table><thead><tr><th>terms</th><th>net</th><th>PV</th><th>P(PV higher)</th></tr></thead><tbody>",
                esc(&p.scenario),
                esc(&p.against)
            );
            for (terms, net, pv, prob) in &p.rows {
                let _ = writeln!(
                    self.body,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(terms),
                    sweeps::interval(net),
                    sweeps::interval(pv),
                    pct(*prob)
                );
            }
            self.body.push_str("</tbody></table>\n");
        }
        Ok(())
    }
}

/// The section that says which conclusions hold under every reading of a
/// contract: per scenario, each row's PV difference against each reading with its
/// 95% interval, and one sentence per row (see [`super::readings`]).
fn readings_section(html: &mut String, groups: &[ScenarioReadings]) {
    if groups.is_empty() {
        return;
    }
    html.push_str(
        "<h2 id=\"readings\">Which conclusions hold under every reading</h2>\n<p class=\"how\">Some terms are \
         uncertain enough to be read several ways. Each row below is compared with each reading on the same paths: \
         the mean of its PV minus the reading's, $B, with the 95% interval. A conclusion <b>holds</b> when the \
         interval is on the same side of zero against every reading, and <b>flips</b> when it is above zero \
         against one reading and below against another.</p>\n",
    );
    for g in groups {
        let _ = write!(
            html,
            "<h3>{}: against each reading of {}</h3>\n<table><thead><tr><th>terms</th>",
            esc(&g.scenario),
            esc(&g.contract)
        );
        for r in &g.readings {
            let _ = write!(html, "<th>vs {}</th>", esc(r));
        }
        html.push_str("<th>conclusion</th></tr></thead><tbody>\n");
        let summary = format!("<p><b>{}</b></p>\n", esc(&g.summary()));
        for r in &g.rows {
            let _ = write!(html, "<tr><td>{}</td>", esc(&r.terms));
            for c in &r.against {
                let (mean, lo, hi) = (c.mean, c.mean - c.half_width, c.mean + c.half_width);
                let _ = if c.half_width.is_nan() {
                    write!(html, "<td>{}</td>", readings::signed(mean))
                } else {
                    let [m, lo, hi] = [mean, lo, hi].map(readings::signed);
                    write!(html, "<td>{m} [{lo}, {hi}]</td>")
                };
            }
            let _ = writeln!(html, "<td class=\"text\">{}</td></tr>", esc(&r.verdict()));
        }
        html.push_str("</tbody></table>\n");
        html.push_str(&summary);
    }
}

/// The sentences of the readings section, one per scenario, at the top of the
/// page, linking to its tables.
fn readings_in_short(html: &mut String, groups: &[ScenarioReadings]) {
    if groups.is_empty() {
        return;
    }
    html.push_str(
        "<div class=\"short\"><b>Which conclusions hold under every reading of the terms</b> \
         (<a href=\"#readings\">the tables</a>):<ul>\n",
    );
    for g in groups {
        let _ = writeln!(html, "<li>{}</li>", esc(&g.summary()));
    }
    html.push_str("</ul></div>\n");
}

/// Draws every chart and the page: the answer first (the warnings, one sentence
/// per scenario on which conclusions hold under every reading, then per scenario a
/// comparison of the contracts and a few sentences, then the readings' tables),
/// then each scenario in detail, folded, then how it was computed.
pub fn render(data: &ReportData) -> Result<Rendered, Error> {
    let m = &data.manifest;
    let mut page = Page { data, body: String::new(), charts: Vec::new() };
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>revshare report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>What the revenue share is worth to Microsoft</h1>\n<p class=\"how\">{} paths per scenario, seed {}. Money in $B; \
         {}. Every contract is evaluated on the same simulated paths, so the differences between them are measured \
         path by path. The baseline is <b>{}</b>.</p>\n",
        m.paths,
        m.seed,
        valued_at(&m.valuation),
        esc(&m.baseline)
    );
    if !m.warnings.is_empty() {
        html.push_str("<div class=\"warn\"><b>Warnings: read these before the numbers.</b><ul>\n");
        for w in crate::report::manifest::grouped_warnings(&m.warnings) {
            let _ = writeln!(html, "<li>{}</li>", esc(&w));
        }
        html.push_str("</ul></div>\n");
    }
    // The readings of a contract against which some other row is compared.
    let readings: Vec<ScenarioReadings> =
        readings::compare_run(&data.deltas, m).into_iter().filter(|g| !g.rows.is_empty()).collect();
    readings_in_short(&mut html, &readings);
    html.push_str("<h2 id=\"answer\">The answer, scenario by scenario</h2>\n");
    for (i, s) in m.report_scenarios().into_iter().enumerate() {
        page.answer(i, s)?;
    }
    html.push_str(&std::mem::take(&mut page.body));
    readings_section(&mut html, &readings);
    page.sweeps()?;
    html.push_str(&std::mem::take(&mut page.body));
    html.push_str("<h2 id=\"detail\">In detail</h2>\n");
    for (i, s) in m.report_scenarios().into_iter().enumerate() {
        page.scenario(i, s)?;
    }
    page.tornado()?;
    html.push_str(&page.body);
    how_computed(&mut html, m);
    html.push_str("</body>\n</html>\n");
    Ok(Rendered { html: html.into_bytes(), charts: page.charts })
}

/// What the present values mean, for the page's opening: the valuation date and
/// discount rate when every scenario row shares them, else where they are listed.
fn valued_at(rows: &[Valuation]) -> String {
    // A folder written before the manifest recorded them says nothing of them.
    if rows.is_empty() {
        return "present values at each scenario's valuation date and discount rate".to_string();
    }
    let shared = |f: fn(&Valuation) -> &str| {
        let first = f(rows.first()?);
        rows.iter().all(|r| f(r) == first).then_some(first)
    };
    match (shared(|r| &r.valuation_date), shared(|r| &r.discount_rate)) {
        (Some(date), Some(rate)) => {
            format!("present values at <b>{}</b>, discounted at <b>{}</b> a year", esc(date), esc(rate))
        }
        (Some(date), None) => format!(
            "present values at <b>{}</b>, at each scenario's discount rate (under <a href=\"#how\">How this was \
             computed</a>)",
            esc(date)
        ),
        _ => "present values at each scenario's valuation date and discount rate (under <a href=\"#how\">How this \
              was computed</a>)"
            .to_string(),
    }
}

/// The end of the page: program, seed, inputs and their hashes, each scenario's
/// dates and discount rate, the terms as parsed, the random numbers and the
/// quantiles.
fn how_computed(html: &mut String, m: &Manifest) {
    let _ = write!(
        html,
        "<h2 id=\"how\">How this was computed</h2>\n<table class=\"meta\">\n\
         <tr><th>program</th><td>{} {}</td></tr>\n<tr><th>seed</th><td>{}</td></tr>\n<tr><th>paths per scenario</th><td>{}</td></tr>\n\
         <tr><th>baseline terms</th><td>{}</td></tr>\n",
        esc(&m.program),
        esc(&m.version),
        m.seed,
        m.paths,
        esc(&m.baseline)
    );
    for f in &m.inputs {
        let _ = writeln!(
            html,
            "<tr><th>{} file</th><td>{} (SHA-256 {})</td></tr>",
            esc(&f.role),
            esc(&f.file),
            esc(&f.sha256)
        );
    }
    let _ = writeln!(
        html,
        "<tr><th>periods</th><td>{}</td></tr>\n<tr><th>random numbers</th><td>{}</td></tr>\n<tr><th>quantiles</th><td>{}</td></tr>\n</table>",
        esc(&m.periods.description),
        esc(&m.rng),
        esc(&m.quantiles)
    );
    if !m.mixture.is_empty() {
        let weights: Vec<String> = m.mixture.iter().map(|w| format!("{} {}", w.scenario, w.weight)).collect();
        let _ = writeln!(
            html,
            "<p class=\"how\">The <b>{}</b> combines the scenarios with weights {} (a path of a scenario weighs its \
             weight over its paths and the weights' sum).</p>",
            crate::mixture::MIXTURE,
            esc(&weights.join(", "))
        );
    }
    if !m.valuation.is_empty() {
        html.push_str(
            "<h3>Scenarios</h3>\n<table><thead><tr><th>name</th><th>start</th><th>horizon</th><th>valuation date</th>\
             <th>discount rate</th></tr></thead><tbody>\n",
        );
        for v in &m.valuation {
            let cells = [&v.scenario, &v.start, &v.horizon, &v.valuation_date, &v.discount_rate];
            let row: Vec<String> = cells.iter().map(|c| format!("<td>{}</td>", esc(c))).collect();
            let _ = writeln!(html, "<tr>{}</tr>", row.concat());
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str("<h3>Terms</h3>\n<table><thead><tr><th>name</th><th>share</th><th>end</th><th>trigger</th><th>cap</th><th>counted</th><th>reverse share</th><th>spread (years)</th><th>recovery</th><th>reading of</th></tr></thead><tbody>\n");
    for t in &m.terms {
        let (end, cap) = (t.end.as_deref().unwrap_or(NONE), t.cap.as_deref().unwrap_or(NONE));
        let reading = t.reading.as_deref().unwrap_or("");
        let cells = [
            &t.name,
            &t.share,
            end,
            &t.trigger,
            cap,
            &t.cap_counted,
            &t.reverse_share,
            &t.spread_years,
            &t.recovery,
            reading,
        ];
        let row: Vec<String> = cells.iter().map(|c| format!("<td>{}</td>", esc(c))).collect();
        let _ = writeln!(html, "<tr>{}</tr>", row.concat());
    }
    html.push_str("</tbody></table>\n");
}
