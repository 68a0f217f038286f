"""The Python package against the command line: the same files byte for byte, the
same per-path values, the same error messages."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import Cli

import revshare

FILES = ["summary.csv", "deltas.csv", "scenario_deltas.csv", "outcomes.csv", "annual.csv", "curves.csv"]
PATHS, SEED = 2000, 7


@pytest.fixture(scope="module")
def shipped() -> revshare.Run:
    """The shipped files, 2000 paths, seed 7."""
    return revshare.run(paths=PATHS, seed=SEED)


def cli_files(cli: Cli, out: Path, *args: str) -> dict[str, bytes]:
    cli("run", *args, "--paths", str(PATHS), "--seed", str(SEED), "--out", str(out), "--no-report", "--quiet")
    return {name: (out / name).read_bytes() for name in FILES}


def test_files_are_the_command_lines_byte_for_byte(cli: Cli, tmp_path: Path, shipped: revshare.Run) -> None:
    expected = cli_files(cli, tmp_path / "out")
    assert sorted(shipped.files) == sorted(FILES)
    for name in FILES:
        assert shipped.files[name] == expected[name], name


def test_named_files_and_another_baseline_match_the_command_line(cli: Cli, repo: Path, tmp_path: Path) -> None:
    scenarios, terms = repo / "scenarios" / "openai.csv", repo / "scenarios" / "terms.csv"
    args = (str(scenarios), "--terms", str(terms), "--baseline", "board-2019")
    expected = cli_files(cli, tmp_path / "out", *args)
    r = revshare.run(scenarios, terms=str(terms), paths=PATHS, seed=SEED, baseline="board-2019", threads=1)
    assert r.baseline == "board-2019"
    assert r.scenario_source == str(scenarios)
    for name in FILES:
        assert r.files[name] == expected[name], name


def test_a_sweep_matches_the_command_line(cli: Cli, tmp_path: Path) -> None:
    vary, vary_terms = "base:discount_rate=0.075,0.109", "fixed-2026:cap=30,45"
    expected = cli_files(cli, tmp_path / "out", "--vary", vary, "--vary-terms", vary_terms)
    r = revshare.run(paths=PATHS, seed=SEED, vary=[vary], vary_terms=[vary_terms])
    for name in FILES:
        assert r.files[name] == expected[name], name
    paired = r.scenario_deltas
    assert set(paired["scenario"]) == {"base@discount_rate=0.075", "base@discount_rate=0.109"}
    assert (paired["against"] == "base").all()
    assert "fixed-2026@cap=30" in r.terms
    with pytest.raises(revshare.RevshareError, match="vary, value `discount_rate`"):
        revshare.run(paths=10, vary=["discount_rate"])


def test_fiscal_quarters_match_the_command_line(cli: Cli, tmp_path: Path) -> None:
    expected = cli_files(cli, tmp_path / "out", "--period", "quarter", "--year-start", "7")
    r = revshare.run(paths=PATHS, seed=SEED, period="quarter", year_start=7)
    for name in FILES:
        assert r.files[name] == expected[name], name
    assert "FY2027Q1" in set(r.annual["period"])
    with pytest.raises(revshare.RevshareError, match="period, value `month`: must be one of"):
        revshare.run(paths=10, period="month")
    with pytest.raises(revshare.RevshareError, match="year_start, value `13`"):
        revshare.run(paths=10, year_start=13)


def test_correlated_inputs_match_the_command_line(cli: Cli, repo: Path, tmp_path: Path) -> None:
    correlations = repo / "scenarios" / "correlations.csv"
    expected = cli_files(cli, tmp_path / "out", "--correlations", str(correlations))
    r = revshare.run(paths=PATHS, seed=SEED, correlations=correlations)
    for name in FILES:
        assert r.files[name] == expected[name], name
    bad = tmp_path / "c.csv"
    bad.write_text("scenario,a,b,rank_correlation\nbase,growth0,agi_delay,2\n")
    with pytest.raises(revshare.RevshareError, match="column `rank_correlation`, value `2`"):
        revshare.run(paths=10, correlations=bad)


def test_history_files_match_the_command_line(cli: Cli, repo: Path, tmp_path: Path) -> None:
    scenarios, terms = repo / "scenarios" / "history.csv", repo / "scenarios" / "history-terms.csv"
    expected = cli_files(cli, tmp_path / "out", str(scenarios), "--terms", str(terms))
    r = revshare.run(scenarios, terms, paths=PATHS, seed=SEED)
    assert r.files == expected


def test_dataframes_are_the_files(shipped: revshare.Run) -> None:
    frames = {
        "summary.csv": shipped.summary,
        "deltas.csv": shipped.deltas,
        "outcomes.csv": shipped.outcomes,
        "annual.csv": shipped.annual,
        "curves.csv": shipped.curves,
    }
    for name, frame in frames.items():
        header = shipped.files[name].split(b"\n", 1)[0].decode()
        assert list(frame.columns) == header.split(","), name
        lines = shipped.files[name].rstrip(b"\n").split(b"\n")
        assert len(frame) == len(lines) - 1, name
        raw = pd.read_csv(io.BytesIO(shipped.files[name]), dtype=str, keep_default_na=False)
        for column in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[column]):
                # Every number is the exact value written (shortest round trip).
                expected = [float(x) if x else np.nan for x in raw[column]]
                np.testing.assert_array_equal(frame[column].to_numpy(dtype=float), expected, err_msg=column)
            else:
                assert list(frame[column]) == list(raw[column]), (name, column)
    # The shipped rows with a weight are also combined into the mixture (MODEL.md §5).
    assert set(shipped.summary["scenario"]) == set(shipped.scenarios) | {"mixture"}
    assert shipped.annual["period"].iloc[0] == "2026"
    pv = shipped.summary.query("scenario == 'base' and terms == 'fixed-2026' and metric == 'pv'")
    assert len(pv) == 1 and pv["n"].iloc[0] == PATHS


def test_defaults_are_the_shipped_files_and_the_first_terms_row(shipped: revshare.Run) -> None:
    assert shipped.scenarios[:2] == ["company-plan", "base"]
    assert shipped.terms[0] == "panel-2025" == shipped.baseline
    assert shipped.scenario_source == "scenarios/openai.csv (built in)"
    assert (shipped.paths, shipped.seed) == (PATHS, SEED)
    assert revshare.DEFAULT_PATHS == 100_000 and revshare.DEFAULT_SEED == 42


def test_threads_change_no_number(shipped: revshare.Run) -> None:
    assert revshare.run(paths=PATHS, seed=SEED, threads=1).files == shipped.files


def test_per_path_is_the_per_path_file(cli: Cli, tmp_path: Path) -> None:
    paths = 600  # more than two blocks of 256 paths, the last one partial
    out, file = tmp_path / "out", tmp_path / "per-path.csv"
    cli("run", "--paths", str(paths), "--seed", str(SEED), "--out", str(out), "--no-report", "--quiet",
        "--per-path", str(file))  # fmt: skip
    written = revshare._read_exact(file)
    r = revshare.run(paths=paths, seed=SEED)
    for scenario in ["base", "bear"]:
        frame = r.per_path(scenario)
        expected = written[written["scenario"] == scenario].reset_index(drop=True)
        assert list(frame.columns) == list(written.columns)
        assert len(frame) == paths * len(r.terms)
        for column in frame.columns:
            if column in ("scenario", "terms", "end_cause"):
                assert list(frame[column]) == list(expected[column].astype(str)), column
            elif column == "path":
                assert frame[column].dtype == np.int64
                np.testing.assert_array_equal(frame[column], expected[column])
            else:
                assert frame[column].dtype == np.float64, column
                # Bit for bit: NaN where the file is empty, inf where it says inf.
                np.testing.assert_array_equal(frame[column].to_numpy(), expected[column].to_numpy(float), column)


def test_per_path_first_paths_and_values(shipped: revshare.Run) -> None:
    full = shipped.per_path("base", paths=300)
    head = shipped.per_path("base", paths=100)
    pd.testing.assert_frame_equal(head, full.iloc[: len(head)])
    n_terms = len(shipped.terms)
    assert list(full["terms"].iloc[:n_terms]) == shipped.terms
    assert list(full["path"].iloc[: 2 * n_terms]) == [0] * n_terms + [1] * n_terms
    assert set(full["end_cause"]) <= {"cap", "cutoff", "trigger", "failure", "horizon"}
    assert np.allclose(full["net"], full["paid"] - full["received"])


def test_per_path_refuses_a_table_too_large(shipped: revshare.Run) -> None:
    with pytest.raises(revshare.RevshareError, match=r"per_path keeps every path in memory: .* GiB"):
        shipped.per_path("base", max_bytes=1 << 20)
    with pytest.raises(revshare.RevshareError, match=r"at most 4\.00 GiB"):
        shipped.per_path("base", paths=10**9)


def test_per_path_unknown_scenario(shipped: revshare.Run) -> None:
    with pytest.raises(revshare.RevshareError) as e:
        shipped.per_path("nope")
    assert str(e.value).startswith("scenario, value `nope`: no scenario of that name in scenarios/openai.csv")


def cli_error(cli: Cli, *args: str) -> str:
    done = cli("run", *args, "--paths", "10", "--no-report", "--quiet", check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: ")
    return done.stderr.removeprefix("error: ").removesuffix("\n")


def test_a_bad_scenario_file_raises_the_command_lines_message(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('name,revenue0,sigma,growth0\nbase,20,-0.1,"uniform(2, 1)"\nok,12,0.2,0.5\n')
    message = cli_error(cli, str(bad), "--out", str(tmp_path / "out"))
    assert "column `sigma`" in message
    with pytest.raises(revshare.RevshareError) as e:
        revshare.run(str(bad), paths=10)
    assert str(e.value) == message
    assert isinstance(e.value, ValueError)


def test_problems_of_both_files_at_once(cli: Cli, repo: Path, tmp_path: Path) -> None:
    bad_scenarios, bad_terms = tmp_path / "s.csv", tmp_path / "t.csv"
    bad_scenarios.write_text("name,revenue0,wobble\nbase,20,1\n")
    bad_terms.write_text("name,share\nx,1.5\n")
    args = (str(bad_scenarios), "--terms", str(bad_terms))
    message = cli_error(cli, *args, "--out", str(tmp_path / "out"))
    assert message.startswith("2 problems in the input:")
    with pytest.raises(revshare.RevshareError) as e:
        revshare.run(bad_scenarios, bad_terms)
    assert str(e.value) == message


def test_a_missing_file_raises_the_command_lines_message(cli: Cli, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.csv")
    message = cli_error(cli, missing, "--out", str(tmp_path / "out"))
    with pytest.raises(revshare.RevshareError) as e:
        revshare.run(missing)
    assert str(e.value) == message


def test_unknown_baseline_and_bad_counts() -> None:
    with pytest.raises(revshare.RevshareError, match=r"^baseline, value `nope`: no terms row of that name"):
        revshare.run(paths=10, baseline="nope")
    with pytest.raises(revshare.RevshareError, match=r"^paths, value `0`: out of range: a whole number from 1 to"):
        revshare.run(paths=0)
    with pytest.raises(revshare.RevshareError, match=r"^seed, value `-1`: must be at least 0$"):
        revshare.run(paths=10, seed=-1)
    with pytest.raises(revshare.RevshareError, match=r"^threads, value `0`"):
        revshare.run(paths=10, threads=0)
    with pytest.raises(revshare.RevshareError, match=r"^paths, value `1.5`: must be a whole number$"):
        revshare.run(paths=1.5)  # type: ignore[arg-type]


def test_paths_have_the_command_lines_limit(cli: Cli, tmp_path: Path) -> None:
    # The limit of --paths, and its rule in the message: checked before anything runs.
    assert revshare.MAX_PATHS == 100_000_000
    too_many = revshare.MAX_PATHS + 1
    done = cli("run", "--paths", str(too_many), "--out", str(tmp_path / "out"), check=False)
    assert done.returncode == 2
    rule = f"out of range: a whole number from 1 to {revshare.MAX_PATHS}"
    assert f"{too_many} is {rule}" in done.stderr
    with pytest.raises(revshare.RevshareError) as e:
        revshare.run(paths=too_many)
    assert str(e.value) == f"paths, value `{too_many}`: {rule}"
    with pytest.raises(revshare.RevshareError, match=r"^paths, value `-3`: out of range"):
        revshare.run(paths=-3)


def test_the_gil_is_released_while_simulating() -> None:
    done: list[revshare.Run] = []
    worker = threading.Thread(target=lambda: done.append(revshare.run(paths=50_000, seed=1, threads=1)))
    ticks = 0
    worker.start()
    time.sleep(0.05)
    while worker.is_alive():
        ticks += 1  # runs only while the simulation does not hold the GIL
        time.sleep(0.001)
    worker.join()
    assert done and ticks > 50
