"""The README's Python example, run as written: it works with the package's
dependencies (and matplotlib, the ``plot`` extra, for its plot) and its ``headline``
DataFrame has the numbers of the README's headline table, row for row."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

import revshare

#: A row of the headline table: scenario (on its first row only), terms, net mean
#: [5%, 95%], PV, P(cap binds) or ``-``, the likeliest end, and the PV against the
#: baseline ± se with P(pays more), or ``(baseline)``.
ROW = re.compile(
    r"^(?P<scenario>\S+)?\s+(?P<terms>\S+)\s+(?P<net>-?[\d.]+) \[(?P<p05>-?[\d.]+), (?P<p95>-?[\d.]+)\]\s+"
    r"(?P<pv>-?[\d.]+)\s+(?P<cap>-|[\d.]+%)\s+\w+ [\d.]+%\s+"
    r"(?:\(baseline\)|(?P<delta>[+-][\d.]+) ± (?P<se>[\d.]+)\s+(?P<more>[\d.]+)%)$"
)


def block(readme: str, heading: str, language: str) -> str:
    """The first fenced block of ``language`` after ``heading``."""
    after = readme[readme.index(heading) :]
    start = after.index(f"```{language}\n") + len(f"```{language}\n")
    return after[start : after.index("```\n", start)]


def headline_rows(readme: str) -> list[dict[str, Any]]:
    """The rows of the README's headline table (the quick start's text block)."""
    rows: list[dict[str, Any]] = []
    scenario: str | None = None
    for line in block(readme, "## Quick start", "text").splitlines():
        m = ROW.match(line)
        if m is None:
            scenario = None  # "...": the next rows are another scenario's
            continue
        scenario = m["scenario"] or scenario
        assert scenario is not None, line
        rows.append({**m.groupdict(), "scenario": scenario})
    return rows


def near(printed: str, value: float, scale: float = 1.0) -> bool:
    """Whether ``value`` (times ``scale``) prints as ``printed`` with one decimal."""
    return abs(float(printed) - scale * value) <= 0.05 + 1e-9


def test_the_readme_example_runs_as_written_and_gives_the_headline_table(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (repo / "README.md").read_text()
    code = block(readme, "## Using it from Python", "python")
    monkeypatch.chdir(repo)  # the example names scenarios/ from the repository's root
    monkeypatch.setenv("MPLBACKEND", "Agg")  # no display
    names: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), names)

    headline = names["headline"]
    rows = headline_rows(readme)
    assert len(rows) >= 3 * len(names["r"].terms), "the README shows whole scenarios"
    for row in rows:
        got = headline.loc[(row["scenario"], row["terms"])]
        where = f"{row['scenario']} {row['terms']}"
        for column, field in [("net mean", "net"), ("net 5%", "p05"), ("net 95%", "p95"), ("PV", "pv")]:
            assert near(row[field], got[column]), (where, column, row[field], got[column])
        if row["cap"] == "-":
            assert math.isnan(got["P(cap binds)"]), where
        else:
            assert near(row["cap"].rstrip("%"), got["P(cap binds)"], 100.0), where
        if row["delta"] is None:
            assert row["terms"] == names["r"].baseline and math.isnan(got["PV vs baseline"]), where
        else:
            assert near(row["delta"], got["PV vs baseline"]), where
            assert near(row["se"], got["± se"]), where
            assert near(row["more"], got["P(pays more)"], 100.0), where

    # The paired difference, plotted: a histogram of 60 bars over every path of base.
    import matplotlib.pyplot as plt

    axes = plt.gcf().axes
    assert len(axes) == 1 and len(axes[0].patches) == 60
    assert axes[0].get_title().startswith("base: PV of fixed-2026 minus panel-2025")
    assert len(names["delta"]) == names["r"].paths
    plt.close("all")
    assert isinstance(names["s"], revshare.Run) and len(names["s"].scenario_deltas) > 0
