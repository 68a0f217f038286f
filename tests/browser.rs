//! The report as a person sees it: rendered by headless Chromium (Debian's
//! `chromium` package; `scripts/test` installs it). The test fails, rather than
//! skips, when no browser is found. A screenshot is saved as a test artefact in
//! `target/tmp/report-screenshot.png`.

use assert_cmd::cargo::cargo_bin_cmd;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("REVSHARE_CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            if dir.join(name).is_file() {
                return dir.join(name);
            }
        }
    }
    panic!("no Chromium found: install Debian's `chromium` package (scripts/test does) or set REVSHARE_CHROMIUM");
}

/// Runs headless Chromium on `page` with `extra` flags; returns (stdout, stderr).
fn browse(page: &Path, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium starts");
    assert!(out.status.success(), "Chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Console messages and failed loads: what a page that works never logs.
fn page_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Failed to load resource") || l.contains("net::ERR_"))
        .collect()
}

#[test]
fn a_page_that_logs_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("bad.html");
    std::fs::write(&page, "<html><body><script>console.error('boom')</script></body></html>").unwrap();
    let (_, log) = browse(&page, &["--dump-dom"]);
    assert_eq!(page_errors(&log).len(), 1, "{log}");
}

#[test]
fn the_report_renders_in_chromium_with_every_chart_drawn_and_no_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    cargo_bin_cmd!("revshare").args(["--paths", "2000", "--out"]).arg(&out).assert().success();
    let page = out.join("report.html");

    let (dom, log) = browse(&page, &["--dump-dom"]);
    assert!(page_errors(&log).is_empty(), "the page logged: {:?}", page_errors(&log));
    assert!(!dom.contains(" src="), "the page loads nothing");
    let figures: Vec<&str> = dom.split("<figure").skip(1).collect();
    // Per scenario where values vary: the answer, 2 revenue fans, 2 payment fans,
    // the PV CDF and histogram, the cap chart, 7 end-cause charts and 6 paired
    // differences; company-plan, deterministic, has 5 (text for the rest). The
    // mixture of base, bear and bull has as many as a scenario.
    assert_eq!(figures.len(), 5 + 6 * 21, "every chart of the 6 shipped scenarios and the mixture is in the page");
    for (i, f) in figures.iter().enumerate() {
        let body = &f[..f.find("</figure>").expect("figure closes")];
        assert!(body.contains("<svg"), "figure {i} has no chart");
        // A drawn series: a polyline with more than two points, or the answer's boxes.
        let drawn =
            body.split("points=\"").skip(1).any(|p| p.split('"').next().unwrap().split_whitespace().count() > 2)
                || (body.contains("data-chart=\"answer\"") && body.matches("<rect").count() > 2);
        assert!(drawn, "figure {i} is empty: {}", &body[..body.len().min(200)]);
    }

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let (_, log) = browse(&page, &["--window-size=1280,6000", &format!("--screenshot={}", shot.display())]);
    assert!(page_errors(&log).is_empty(), "the page logged: {:?}", page_errors(&log));
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert_eq!(&png[1..4], b"PNG");
    assert!(png.len() > 100_000, "a {}-byte screenshot is a blank page", png.len());
}

/// A page of `report`'s head and the part from `from` up to `to` (exclusive).
fn section_page(report: &str, from: &str, to: &str, path: &Path) {
    let head = &report[..report.find("<body>").expect("a body") + "<body>".len()];
    let a = report.find(from).unwrap_or_else(|| panic!("the report has {from}"));
    let b = a + report[a..].find(to).unwrap_or_else(|| panic!("{from} ends at {to}"));
    std::fs::write(path, format!("{head}{}</body></html>", &report[a..b])).unwrap();
}

#[test]
fn the_sweep_and_mixture_sections_render_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    cargo_bin_cmd!("revshare")
        .args(["--paths", "2000", "--vary", "base:discount_rate=0.075,0.09,0.109"])
        .args(["--vary-terms", "fixed-2026:cap=30,38,45", "--out"])
        .arg(&out)
        .assert()
        .success();
    let page = out.join("report.html");
    let (dom, log) = browse(&page, &["--dump-dom"]);
    assert!(page_errors(&log).is_empty(), "the page logged: {:?}", page_errors(&log));
    // One sweep chart per row varied, each a line of three points per terms row or scenario.
    let sweeps: Vec<&str> = dom.split("<figure data-chart=\"sweep\"").skip(1).collect();
    assert_eq!(sweeps.len(), 2);
    for body in &sweeps {
        let body = &body[..body.find("</figure>").unwrap()];
        let lines = body.split("<polyline").skip(1).filter(|p| {
            let points = p.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
            points.split_whitespace().count() == 3
        });
        assert!(lines.count() >= 6, "a line per row with a point per value");
    }
    assert!(dom.contains("<h3>mixture</h3>"), "the mixture's answer");

    let report = std::fs::read_to_string(&page).unwrap();
    for (name, from, to) in [
        ("sweeps", "<h2 id=\"sweeps\"", "<h2 id=\"detail\""),
        ("mixture", "<section class=\"answer\">\n<h3>mixture</h3>", "</section>"),
    ] {
        let part = tmp.path().join(format!("{name}.html"));
        section_page(&report, from, to, &part);
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{name}-screenshot.png"));
        let _ = std::fs::remove_file(&shot);
        let (_, log) = browse(&part, &["--window-size=1100,1400", &format!("--screenshot={}", shot.display())]);
        assert!(page_errors(&log).is_empty(), "{name} logged: {:?}", page_errors(&log));
        let png = std::fs::read(&shot).expect("a screenshot was written");
        assert_eq!(&png[1..4], b"PNG");
        assert!(png.len() > 50_000, "a {}-byte screenshot of {name} is a blank page", png.len());
    }
}
