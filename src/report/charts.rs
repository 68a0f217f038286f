//! Chart primitives drawn with plotters' SVG backend: fan charts, line charts and
//! histograms with a title, labelled axes, a legend and a colour-blind-safe palette.

use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The Okabe–Ito palette, safe for the common forms of colour blindness.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(213, 94, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(0, 0, 0),
];

/// The colour of the `i`-th series.
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Width and height of a full-width chart, in pixels.
pub const WIDE: (u32, u32) = (960, 440);
/// Width and height of a chart shown two to a row.
pub const NARROW: (u32, u32) = (620, 380);

/// The font family of every chart's text (set once on the root by [`super::compact`]).
const FONT: &str = "sans-serif";

/// One fan: quantile bands around a median, per x.
#[derive(Debug, Clone)]
pub struct Fan {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// `(x, p05, p25, p50, p75, p95)`.
    pub points: Vec<[f64; 6]>,
}

/// One line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Points in increasing x.
    pub points: Vec<(f64, f64)>,
}

/// One histogram, drawn as a step outline so that overlaid ones stay readable.
#[derive(Debug, Clone)]
pub struct Bars {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Bins `(start, end, height)`.
    pub bins: Vec<(f64, f64, f64)>,
}

/// A labelled reference line: horizontal (`vertical == false`) or vertical.
#[derive(Debug, Clone)]
pub struct Marker {
    /// Label written next to the line and in the legend.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Position on the axis it crosses.
    pub at: f64,
    /// Vertical (an x position) or horizontal (a y position).
    pub vertical: bool,
}

/// Axis titles and the chart title.
#[derive(Debug, Clone)]
pub struct Frame<'a> {
    /// Chart title.
    pub title: &'a str,
    /// X axis title with unit.
    pub x: &'a str,
    /// Y axis title with unit.
    pub y: &'a str,
    /// Size in pixels.
    pub size: (u32, u32),
}

type Chart<'a, 'b, Y> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, Y>>;

/// A y axis: linear or logarithmic over `f64`.
trait YAxis: Ranged<ValueType = f64> + ValueFormatter<f64> {}
impl<Y: Ranged<ValueType = f64> + ValueFormatter<f64>> YAxis for Y {}

/// A chart the plotting library could not draw, with its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct ChartError(String);

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) =
        values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if lo < hi {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    }
}

fn padded((lo, hi): (f64, f64), bottom_at_zero: bool) -> (f64, f64) {
    let pad = 0.05 * (hi - lo);
    let lo = if bottom_at_zero && lo >= 0.0 { 0.0 } else { lo - pad };
    (lo, hi + pad)
}

fn canvas(svg: &mut String, size: (u32, u32)) -> Result<DrawingArea<SVGBackend<'_>, Shift>, ChartError> {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    Ok(root)
}

fn legend<'a, 'b: 'a, Y: YAxis>(chart: &mut Chart<'a, 'b, Y>, position: SeriesLabelPosition) -> Result<(), ChartError> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .label_font((FONT, 14))
        .draw()
        .map_err(err)
}

fn draw_markers<'a, 'b: 'a, Y: YAxis>(
    chart: &mut Chart<'a, 'b, Y>,
    markers: &[Marker],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Result<(), ChartError> {
    for m in markers {
        let style = ShapeStyle::from(&m.color).stroke_width(2);
        let points = if m.vertical { vec![(m.at, y0), (m.at, y1)] } else { vec![(x0, m.at), (x1, m.at)] };
        let color = m.color;
        chart
            .draw_series(DashedLineSeries::new(points, 10, 8, style))
            .map_err(err)?
            .label(m.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    Ok(())
}

fn mesh<'a, 'b: 'a, Y: YAxis>(
    chart: &mut Chart<'a, 'b, Y>,
    frame: &Frame<'_>,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<(), ChartError> {
    chart
        .configure_mesh()
        .x_desc(frame.x)
        .y_desc(frame.y)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        // Grid lines at the labelled ticks only: the fine grid between them was
        // half of every chart's bytes and little of its reading.
        .max_light_lines(0)
        .bold_line_style(BLACK.mix(0.15))
        .draw()
        .map_err(err)
}

/// The points of a line with the interior points of straight runs left out (a
/// point within [`STRAIGHT`] of the chart's spans from the segment joining its
/// neighbours kept on the page): the same picture in far fewer bytes for curves
/// on a monthly grid that stay flat for years.
fn simplified(points: &[(f64, f64)], (xspan, yspan): (f64, f64)) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        if let (Some(a), Some(b)) = (out.last(), points.get(i + 1)) {
            // The distance of p from the line a-b, in fractions of the spans.
            let (dx, dy) = ((b.0 - a.0) / xspan, (b.1 - a.1) / yspan);
            let (px, py) = ((p.0 - a.0) / xspan, (p.1 - a.1) / yspan);
            let len = dx.hypot(dy);
            let off = if len > 0.0 { (px * dy - py * dx).abs() / len } else { px.hypot(py) };
            let between = px * dx + py * dy >= 0.0 && (px - dx) * dx + (py - dy) * dy <= 0.0;
            if off <= STRAIGHT && between {
                continue;
            }
        }
        out.push(*p);
    }
    out
}

/// How far from straight a left-out point may be, as a fraction of the chart's
/// spans: a tenth of a pixel on a 960-pixel chart.
const STRAIGHT: f64 = 1e-4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_runs_lose_their_interior_points_and_corners_stay() {
        let flat: Vec<(f64, f64)> = (0..100).map(|i| (f64::from(i), if i < 50 { 0.0 } else { 1.0 })).collect();
        assert_eq!(simplified(&flat, (100.0, 1.0)), [(0.0, 0.0), (49.0, 0.0), (50.0, 1.0), (99.0, 1.0)]);
        let line: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i), 2.0 * f64::from(i))).collect();
        assert_eq!(simplified(&line, (10.0, 20.0)), [(0.0, 0.0), (9.0, 18.0)]);
        // A point that turns back is not between its neighbours: kept.
        let back = [(0.0, 0.0), (2.0, 0.0), (1.0, 0.0)];
        assert_eq!(simplified(&back, (2.0, 1.0)).len(), 3);
    }
}

/// Formats a year axis without decimals.
pub fn year_label(x: &f64) -> String {
    format!("{x:.0}")
}

/// Formats a value axis with up to two decimals.
pub fn value_label(x: &f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Formats an axis of small values (rates, say) with up to four decimals.
pub fn fine_label(x: &f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Fan chart: per series, the 5–95% and 25–75% bands and the median line (say so
/// in the title).
/// With `log`, the y axis is logarithmic (values at or below zero are drawn at the
/// axis floor). `markers` are horizontal reference lines (a cap, say).
pub fn fan(frame: &Frame<'_>, fans: &[Fan], markers: &[Marker], log: bool) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, frame.size)?;
        let xs = span(fans.iter().flat_map(|f| f.points.iter().map(|p| p[0])));
        let x_range = (xs.0 - 0.3, xs.1 + 0.3);
        let ys =
            fans.iter().flat_map(|f| f.points.iter().flat_map(|p| p[1..].to_vec())).chain(markers.iter().map(|m| m.at));
        let mut builder = ChartBuilder::on(&root);
        builder.caption(frame.title, (FONT, 20)).margin(12).x_label_area_size(48).y_label_area_size(72);
        if log {
            // Values at or below zero (failed paths) are drawn at the axis floor.
            // Whole decades, at most five below the top.
            let hi = 10f64.powf(span(ys.clone()).1.max(1e-9).log10().ceil());
            let lo = 10f64.powf(span(ys.filter(|v| *v > 0.0)).0.max(hi * 1e-5).log10().floor());
            let mut chart = builder.build_cartesian_2d(x_range.0..x_range.1, (lo..hi).log_scale()).map_err(err)?;
            mesh(&mut chart, frame, &year_label, &value_label)?;
            draw_fans(&mut chart, fans, |v| v.max(lo))?;
            draw_markers(&mut chart, markers, x_range, (lo, hi))?;
            legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        } else {
            let (lo, hi) = padded(span(ys), true);
            let mut chart = builder.build_cartesian_2d(x_range.0..x_range.1, lo..hi).map_err(err)?;
            mesh(&mut chart, frame, &year_label, &value_label)?;
            draw_fans(&mut chart, fans, |v| v)?;
            draw_markers(&mut chart, markers, x_range, (lo, hi))?;
            legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        }
        root.present().map_err(err)?;
    }
    Ok(super::compact::compact(&svg, FONT))
}

fn draw_fans<'a, 'b: 'a, Y: YAxis>(
    chart: &mut Chart<'a, 'b, Y>,
    fans: &[Fan],
    clamp: impl Fn(f64) -> f64,
) -> Result<(), ChartError> {
    for f in fans {
        for (lo, hi, alpha) in [(1, 5, 0.15), (2, 4, 0.3)] {
            let mut band: Vec<(f64, f64)> = f.points.iter().map(|p| (p[0], clamp(p[hi]))).collect();
            band.extend(f.points.iter().rev().map(|p| (p[0], clamp(p[lo]))));
            chart.draw_series(std::iter::once(Polygon::new(band, f.color.mix(alpha).filled()))).map_err(err)?;
        }
        let color = f.color;
        chart
            .draw_series(LineSeries::new(f.points.iter().map(|p| (p[0], clamp(p[3]))), color.stroke_width(3)))
            .map_err(err)?
            .label(f.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3)));
    }
    Ok(())
}

/// Where a line chart's legend goes.
pub use plotters::chart::SeriesLabelPosition as LegendAt;

/// Line chart with optional reference markers; `y_range` fixes the y axis
/// (for probabilities, `Some((0.0, 1.0))`).
pub fn lines(
    frame: &Frame<'_>,
    lines: &[Line],
    markers: &[Marker],
    y_range: Option<(f64, f64)>,
    year_axis: bool,
    legend_at: LegendAt,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, frame.size)?;
        let xs = padded(
            span(
                lines
                    .iter()
                    .flat_map(|l| l.points.iter().map(|p| p.0))
                    .chain(markers.iter().filter(|m| m.vertical).map(|m| m.at)),
            ),
            false,
        );
        let (lo, hi) =
            y_range.unwrap_or_else(|| padded(span(lines.iter().flat_map(|l| l.points.iter().map(|p| p.1))), true));
        let mut chart = ChartBuilder::on(&root)
            .caption(frame.title, (FONT, 20))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(xs.0..xs.1, lo..hi * 1.02)
            .map_err(err)?;
        mesh(&mut chart, frame, if year_axis { &year_label } else { &value_label }, &value_label)?;
        let spans = (xs.1 - xs.0, (hi - lo).max(f64::MIN_POSITIVE));
        for l in lines {
            let color = l.color;
            chart
                .draw_series(LineSeries::new(simplified(&l.points, spans), color.stroke_width(3)))
                .map_err(err)?
                .label(l.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3)));
        }
        draw_markers(&mut chart, markers, xs, (lo, hi))?;
        legend(&mut chart, legend_at)?;
        root.present().map_err(err)?;
    }
    Ok(super::compact::compact(&svg, FONT))
}

/// Overlaid step-outline histograms (heights are shares of paths, never
/// negative) with reference markers; the legend goes to the emptier side.
pub fn histogram(frame: &Frame<'_>, bars: &[Bars], markers: &[Marker]) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, frame.size)?;
        let xs = padded(
            span(
                bars.iter()
                    .flat_map(|b| b.bins.iter().flat_map(|(a, e, _)| [*a, *e]))
                    .chain(markers.iter().map(|m| m.at)),
            ),
            false,
        );
        let top = bars.iter().flat_map(|b| b.bins.iter().map(|x| x.2)).fold(0.0, f64::max).max(1e-9) * 1.1;
        let mut chart = ChartBuilder::on(&root)
            .caption(frame.title, (FONT, 20))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(xs.0..xs.1, 0.0..top)
            .map_err(err)?;
        mesh(&mut chart, frame, &value_label, &value_label)?;
        for b in bars {
            let mut outline = Vec::with_capacity(2 * b.bins.len() + 2);
            if let Some(first) = b.bins.first() {
                outline.push((first.0, 0.0));
            }
            for (start, end, h) in &b.bins {
                outline.push((*start, *h));
                outline.push((*end, *h));
            }
            if let Some(last) = b.bins.last() {
                outline.push((last.1, 0.0));
            }
            let color = b.color;
            chart.draw_series(std::iter::once(Polygon::new(outline.clone(), color.mix(0.12).filled()))).map_err(err)?;
            chart
                .draw_series(LineSeries::new(outline, color.stroke_width(2)))
                .map_err(err)?
                .label(b.label.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], color.mix(0.5).filled()));
        }
        draw_markers(&mut chart, markers, xs, (0.0, top))?;
        let (mass, moment) =
            bars.iter().flat_map(|b| &b.bins).fold((0.0, 0.0), |(m, w), (a, e, h)| (m + h, w + h * (a + e) / 2.0));
        let right_heavy = mass > 0.0 && moment / mass > (xs.0 + xs.1) / 2.0;
        legend(&mut chart, if right_heavy { SeriesLabelPosition::UpperLeft } else { SeriesLabelPosition::UpperRight })?;
        root.present().map_err(err)?;
    }
    Ok(super::compact::compact(&svg, FONT))
}

/// The y-axis labels of a chart of rows drawn top row first, row `i` of `n` in
/// `[n - 1 - i, n - i]`: its label at the middle of its band, nothing elsewhere.
fn row_labels(labels: Vec<String>) -> impl Fn(&f64) -> String {
    let n = labels.len().max(1) as f64;
    move |y: &f64| {
        let i = (n - 0.5 - y).round();
        if (y - (n - 0.5 - i)).abs() < 1e-9 && i >= 0.0 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

/// One row of an interval chart: a distribution's quantiles and mean.
#[derive(Debug, Clone)]
pub struct Interval {
    /// Row label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// The 5%, 25%, 50%, 75% and 95% quantiles.
    pub quantiles: [f64; 5],
    /// The mean.
    pub mean: f64,
}

/// Interval chart: per row (top row first) a line from the 5% to the 95%
/// quantile, a box from 25% to 75%, a tick at the median and a dot at the mean,
/// all on one value axis, so that distributions compare at a glance.
pub fn intervals(frame: &Frame<'_>, rows: &[Interval]) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, frame.size)?;
        let xs = padded(span(rows.iter().flat_map(|r| r.quantiles.iter().copied().chain([r.mean]))), false);
        let n = rows.len().max(1);
        let label = row_labels(rows.iter().map(|r| r.label.clone()).collect());
        let mut chart = ChartBuilder::on(&root)
            .caption(frame.title, (FONT, 18))
            .margin(10)
            .x_label_area_size(44)
            .y_label_area_size(170)
            .build_cartesian_2d(xs.0..xs.1, 0.0..n as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(frame.x)
            .x_label_formatter(&value_label)
            .y_labels(2 * n + 1)
            .y_label_formatter(&label)
            .disable_y_mesh()
            .max_light_lines(0)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .bold_line_style(BLACK.mix(0.15))
            .draw()
            .map_err(err)?;
        for (i, r) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64 + 0.5;
            let [p05, p25, p50, p75, p95] = r.quantiles;
            let c = r.color;
            chart.draw_series(LineSeries::new([(p05, y), (p95, y)], c.stroke_width(2))).map_err(err)?;
            chart
                .draw_series(std::iter::once(Rectangle::new([(p25, y - 0.25), (p75, y + 0.25)], c.mix(0.35).filled())))
                .map_err(err)?;
            chart.draw_series(LineSeries::new([(p50, y - 0.3), (p50, y + 0.3)], c.stroke_width(3))).map_err(err)?;
            chart.draw_series(std::iter::once(Circle::new((r.mean, y), 5, BLACK.filled()))).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(super::compact::compact(&svg, FONT))
}

/// Inputs shown on a tornado chart.
pub const TORNADO_ROWS: usize = 12;

/// Tornado chart: per input (top row first), a bar from the metric's mean in the
/// input's lowest decile (marked with a dot) to its mean in the highest decile,
/// around a vertical line at the overall mean.
pub fn tornado(frame: &Frame<'_>, rows: &[(String, f64, f64)], center: f64) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, frame.size)?;
        let xs = padded(span(rows.iter().flat_map(|r| [r.1, r.2]).chain([center])), false);
        let n = rows.len().max(1);
        let label = row_labels(rows.iter().map(|r| r.0.clone()).collect());
        let mut chart = ChartBuilder::on(&root)
            .caption(frame.title, (FONT, 20))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(260)
            // Empty rows below the bars keep the legend clear of them.
            .build_cartesian_2d(xs.0..xs.1, -2.5..n as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(frame.x)
            .x_label_formatter(&value_label)
            .y_labels(2 * n + 6)
            .y_label_formatter(&label)
            .disable_y_mesh()
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .light_line_style(BLACK.mix(0.06))
            .bold_line_style(BLACK.mix(0.15))
            .draw()
            .map_err(err)?;
        for (i, (_, low, high)) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let colour = if high >= low { color(0) } else { color(4) };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(*low, y + 0.2), (*high, y + 0.8)],
                    colour.mix(0.7).filled(),
                )))
                .map_err(err)?;
            chart.draw_series(std::iter::once(Circle::new((*low, y + 0.5), 5, BLACK.filled()))).map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(vec![(center, 0.0), (center, n as f64)], BLACK.stroke_width(2)))
            .map_err(err)?
            .label("overall mean")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
        chart
            .draw_series(std::iter::once(Rectangle::new([(center, -1.0), (center, -1.0)], color(0).mix(0.7).filled())))
            .map_err(err)?
            .label("higher input, higher mean")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], color(0).mix(0.7).filled()));
        chart
            .draw_series(std::iter::once(Rectangle::new([(center, -1.0), (center, -1.0)], color(4).mix(0.7).filled())))
            .map_err(err)?
            .label("higher input, lower mean")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], color(4).mix(0.7).filled()));
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(err)?;
    }
    Ok(super::compact::compact(&svg, FONT))
}

/// A line with a band around it: an estimate and its interval at each x.
#[derive(Debug, Clone)]
pub struct Band {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// `(x, estimate, low, high)` in increasing x.
    pub points: Vec<[f64; 4]>,
}

/// Estimates against a swept value: per series a line through the estimates with
/// a dot at each and its interval as a shaded band, and a dashed line at zero.
/// With `labels`, the x positions are `0, 1, ...` and are labelled by them.
pub fn bands(frame: &Frame<'_>, bands: &[Band], labels: Option<&[String]>) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, frame.size)?;
        let xs = span(bands.iter().flat_map(|b| b.points.iter().map(|p| p[0])));
        let pad = 0.08 * (xs.1 - xs.0);
        let xs = (xs.0 - pad, xs.1 + pad);
        let (lo, hi) =
            padded(span(bands.iter().flat_map(|b| b.points.iter().flat_map(|p| p[1..].to_vec())).chain([0.0])), false);
        let mut chart = ChartBuilder::on(&root)
            .caption(frame.title, (FONT, 18))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(xs.0..xs.1, lo..hi)
            .map_err(err)?;
        match labels {
            Some(labels) => {
                let labels = labels.to_vec();
                let label = move |x: &f64| {
                    let i = x.round();
                    if (x - i).abs() < 1e-9 && i >= 0.0 {
                        labels.get(i as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                };
                mesh(&mut chart, frame, &label, &value_label)?;
            }
            None => mesh(&mut chart, frame, &fine_label, &value_label)?,
        }
        for b in bands {
            let mut band: Vec<(f64, f64)> = b.points.iter().map(|p| (p[0], p[3])).collect();
            band.extend(b.points.iter().rev().map(|p| (p[0], p[2])));
            chart.draw_series(std::iter::once(Polygon::new(band, b.color.mix(0.15).filled()))).map_err(err)?;
            let color = b.color;
            chart
                .draw_series(LineSeries::new(b.points.iter().map(|p| (p[0], p[1])), color.stroke_width(2)))
                .map_err(err)?
                .label(b.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3)));
            chart.draw_series(b.points.iter().map(|p| Circle::new((p[0], p[1]), 3, color.filled()))).map_err(err)?;
        }
        let zero =
            Marker { label: "no difference".to_string(), color: RGBColor(120, 120, 120), at: 0.0, vertical: false };
        draw_markers(&mut chart, &[zero], xs, (lo, hi))?;
        // The legend goes to the upper corner the lines leave empty: the left one
        // when they rise.
        let rise: f64 = bands.iter().filter_map(|b| Some(b.points.last()?[1] - b.points.first()?[1])).sum();
        legend(&mut chart, if rise > 0.0 { SeriesLabelPosition::UpperLeft } else { SeriesLabelPosition::UpperRight })?;
        root.present().map_err(err)?;
    }
    Ok(super::compact::compact(&svg, FONT))
}
