//! The SVG that plotters writes, made smaller without changing what is drawn.
//!
//! Plotters writes one element per line, every coordinate already rounded to a
//! whole pixel, and repeats every style attribute on every element: a dashed line
//! is one `<polyline>` per dash, a grid one `<line>` per grid line, and a
//! histogram's outline has a point at both ends of every bin, also where nothing
//! turns. [`compact`] rewrites that output:
//!
//! - a line or polyline point that repeats the previous one, or lies on the
//!   straight segment between its neighbours, is left out (the same pixels);
//! - consecutive single segments of one style (the dashes of a marker, the
//!   vertical grid lines) become one `<path>` of sub-paths;
//! - the font family, and the font size most texts have, are said once on the
//!   root instead of on every text, and the default opacity and text fill are not
//!   written.

use std::fmt::Write;

/// One element's attributes, in the order plotters wrote them.
type Attributes<'a> = Vec<(&'a str, &'a str)>;

/// The tag name and attributes of an element on one line (`<tag a="v" .../>` or
/// `<tag ...>`); `None` for anything else (a text's content, a closing tag).
fn parse(line: &str) -> Option<(&str, Attributes<'_>, &str)> {
    let rest = line.strip_prefix('<')?;
    let name_end = rest.find([' ', '>', '/'])?;
    let (name, mut rest) = rest.split_at(name_end);
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start_matches(' ');
        if rest.starts_with("/>") || rest.starts_with('>') {
            return Some((name, attributes, rest));
        }
        let (key, after) = rest.split_once("=\"")?;
        let (value, after) = after.split_once('"')?;
        attributes.push((key, value));
        rest = after;
    }
}

fn write_element(out: &mut String, name: &str, attributes: &[(String, String)], end: &str) {
    out.push('<');
    out.push_str(name);
    for (k, v) in attributes {
        let _ = write!(out, " {k}=\"{v}\"");
    }
    out.push_str(end);
}

/// The font size most texts of `svg` have, if any.
fn common_font_size(svg: &str) -> Option<&str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (name, attributes, _) in svg.lines().filter_map(parse) {
        let size = attributes.iter().find(|(k, _)| *k == "font-size").map(|(_, v)| *v);
        if let (Some(size), "text") = (size, name) {
            match counts.iter_mut().find(|(s, _)| *s == size) {
                Some((_, n)) => *n += 1,
                None => counts.push((size, 1)),
            }
        }
    }
    // The first of the most frequent, so that the choice does not depend on a sort.
    counts.iter().rev().max_by_key(|(_, n)| *n).map(|(s, _)| *s)
}

/// Whole-pixel points `x,y x,y ...`; `None` when one is not a pair of integers.
fn points(text: &str) -> Option<Vec<(i64, i64)>> {
    text.split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

/// The points without repeats and without the points that lie on the segment
/// between the point kept before them and the next point: the same pixels.
fn straightened(points: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(points.len());
    for (i, &b) in points.iter().enumerate() {
        if out.last() == Some(&b) {
            continue;
        }
        if let (Some(&a), Some(&c)) = (out.last(), points.get(i + 1)) {
            let (ab, bc) = ((b.0 - a.0, b.1 - a.1), (c.0 - b.0, c.1 - b.1));
            // On the line a-c, and going on the same way from b to c as from a to b.
            if ab.0 * bc.1 == ab.1 * bc.0 && ab.0 * bc.0 + ab.1 * bc.1 >= 0 {
                continue;
            }
        }
        out.push(b);
    }
    out
}

fn format_points(points: &[(i64, i64)]) -> String {
    let mut s = String::with_capacity(8 * points.len());
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{x},{y}");
    }
    s
}

/// A segment as path data: `M x y` and a horizontal, vertical or general line.
fn segment(d: &mut String, (x1, y1): (i64, i64), (x2, y2): (i64, i64)) {
    let _ = write!(d, "M{x1} {y1}");
    let _ = if x1 == x2 {
        write!(d, "V{y2}")
    } else if y1 == y2 {
        write!(d, "H{x2}")
    } else {
        write!(d, "L{x2} {y2}")
    };
}

/// Consecutive segments of one style, written as one path.
struct Run {
    /// The style attributes (everything but the geometry and `fill="none"`).
    style: Vec<(String, String)>,
    d: String,
}

impl Run {
    fn flush(run: &mut Option<Run>, out: &mut String) {
        if let Some(r) = run.take() {
            let fill = ("fill".to_string(), "none".to_string());
            let attributes: Vec<(String, String)> =
                std::iter::once(fill).chain(r.style).chain([("d".to_string(), r.d)]).collect();
            write_element(out, "path", &attributes, "/>\n");
        }
    }
}

/// The attributes kept: without the default opacity, the text's default black
/// fill, and the font family and size the root sets (`font_size`).
fn kept(name: &str, attributes: &[(&str, &str)], font: &str, font_size: Option<&str>) -> Vec<(String, String)> {
    attributes
        .iter()
        .filter(|(k, v)| {
            !(*k == "opacity" && *v == "1"
                || name == "text" && *k == "fill" && *v == "#000000"
                || name == "text" && *k == "font-family" && *v == font
                || name == "text" && *k == "font-size" && Some(*v) == font_size)
        })
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The SVG `svg`, as plotters wrote it with its text in font family `font`, drawn
/// the same in fewer bytes (see the module's documentation). Anything it does not
/// recognise is kept as it is.
pub fn compact(svg: &str, font: &str) -> String {
    let font_size = common_font_size(svg);
    let mut out = String::with_capacity(svg.len() / 2);
    let mut run: Option<Run> = None;
    for line in svg.split_inclusive('\n') {
        let Some((name, attributes, end)) = parse(line) else {
            Run::flush(&mut run, &mut out);
            out.push_str(line);
            continue;
        };
        let end = end.trim_end();
        let get = |key: &str| attributes.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        // A segment, or a polyline of more points.
        let geometry = match name {
            "line" => (|| {
                let n = |k: &str| get(k)?.parse::<i64>().ok();
                Some(vec![(n("x1")?, n("y1")?), (n("x2")?, n("y2")?)])
            })(),
            "polyline" => get("points").and_then(points).map(|p| straightened(&p)),
            _ => None,
        };
        if let Some(p) = geometry {
            let style: Vec<(String, String)> = kept(name, &attributes, font, font_size)
                .into_iter()
                .filter(|(k, v)| {
                    !(matches!(k.as_str(), "points" | "x1" | "y1" | "x2" | "y2") || k == "fill" && v == "none")
                })
                .collect();
            if p.len() == 2 {
                if run.as_ref().is_some_and(|r| r.style != style) {
                    Run::flush(&mut run, &mut out);
                }
                let r = run.get_or_insert_with(|| Run { style, d: String::new() });
                segment(&mut r.d, p[0], p[1]);
                continue;
            }
        }
        Run::flush(&mut run, &mut out);
        let mut attrs = kept(name, &attributes, font, font_size);
        if matches!(name, "polyline" | "polygon") {
            for (k, v) in &mut attrs {
                if k == "points"
                    && let Some(p) = points(v)
                {
                    *v = format_points(&straightened(&p));
                }
            }
        }
        if name == "svg" {
            attrs.push(("font-family".to_string(), font.to_string()));
            if let Some(size) = font_size {
                attrs.push(("font-size".to_string(), size.to_string()));
            }
        }
        write_element(&mut out, name, &attrs, end);
        out.push('\n');
    }
    Run::flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_on_a_straight_segment_and_repeats_are_left_out_and_corners_stay() {
        let outline = [(0, 9), (0, 5), (3, 5), (3, 9), (6, 9), (6, 9), (9, 9), (9, 9)];
        assert_eq!(straightened(&outline), [(0, 9), (0, 5), (3, 5), (3, 9), (9, 9)]);
        let diagonal = [(0, 0), (1, 2), (2, 4), (3, 5)];
        assert_eq!(straightened(&diagonal), [(0, 0), (2, 4), (3, 5)]);
        // A point where the line turns back is a corner.
        assert_eq!(straightened(&[(0, 0), (4, 0), (2, 0)]), [(0, 0), (4, 0), (2, 0)]);
    }

    #[test]
    fn styles_are_said_once_and_dashes_become_one_path() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n\
<rect x=\"0\" y=\"0\" width=\"10\" height=\"10\" opacity=\"1\" fill=\"#FFFFFF\" stroke=\"none\"/>\n\
<text x=\"5\" y=\"1\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"11.29\" opacity=\"1\" fill=\"#000000\">\n\
a &lt; b\n\
</text>\n\
<text x=\"5\" y=\"2\" font-family=\"sans-serif\" font-size=\"16.12\" opacity=\"1\" fill=\"#000000\">\n\
c\n\
</text>\n\
<text x=\"5\" y=\"3\" font-family=\"sans-serif\" font-size=\"11.29\" opacity=\"1\" fill=\"#000000\">\n\
d\n\
</text>\n\
<line opacity=\"0.15\" stroke=\"#000000\" stroke-width=\"1\" x1=\"1\" y1=\"9\" x2=\"1\" y2=\"0\"/>\n\
<line opacity=\"0.15\" stroke=\"#000000\" stroke-width=\"1\" x1=\"0\" y1=\"4\" x2=\"9\" y2=\"4\"/>\n\
<polyline fill=\"none\" opacity=\"1\" stroke=\"#0072B2\" stroke-width=\"2\" points=\"2,9 2,7 \"/>\n\
<polyline fill=\"none\" opacity=\"1\" stroke=\"#0072B2\" stroke-width=\"2\" points=\"2,5 2,3 \"/>\n\
<polyline fill=\"none\" opacity=\"1\" stroke=\"#E69F00\" stroke-width=\"3\" points=\"0,9 1,9 2,9 3,8 \"/>\n\
<polygon opacity=\"0.12\" fill=\"#E69F00\" points=\"0,9 0,5 0,5 4,5 4,9 \"/>\n\
</svg>\n";
        let want = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11.29\">\n\
<rect x=\"0\" y=\"0\" width=\"10\" height=\"10\" fill=\"#FFFFFF\" stroke=\"none\"/>\n\
<text x=\"5\" y=\"1\" text-anchor=\"middle\">\n\
a &lt; b\n\
</text>\n\
<text x=\"5\" y=\"2\" font-size=\"16.12\">\n\
c\n\
</text>\n\
<text x=\"5\" y=\"3\">\n\
d\n\
</text>\n\
<path fill=\"none\" opacity=\"0.15\" stroke=\"#000000\" stroke-width=\"1\" d=\"M1 9V0M0 4H9\"/>\n\
<path fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\" d=\"M2 9V7M2 5V3\"/>\n\
<polyline fill=\"none\" stroke=\"#E69F00\" stroke-width=\"3\" points=\"0,9 2,9 3,8\"/>\n\
<polygon opacity=\"0.12\" fill=\"#E69F00\" points=\"0,9 0,5 4,5 4,9\"/>\n\
</svg>\n";
        assert_eq!(compact(svg, "sans-serif"), want);
    }
}
