"""revshare: a Monte Carlo simulator of revenue-share contracts, from Python.

The simulation is the Rust library's (the one behind the ``revshare`` command):
:func:`run` gives the output files of ``revshare run`` byte for byte, for the same
inputs, paths and seed, and pandas DataFrames read from them.

Example::

    import revshare

    r = revshare.run(paths=10_000, seed=42)  # the shipped scenarios and terms
    r.summary.query("scenario == 'base' and metric == 'pv'")[["terms", "mean", "p05", "p95"]]
    r.per_path("base")  # one row per path and terms row

Every problem with the inputs raises :class:`RevshareError` (a ``ValueError``)
with the message the command line prints after ``error:``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from typing import Final

import numpy as np
import pandas as pd

from revshare._native import MAX_PATHS, Inputs, RevshareError, load

__all__ = ["DEFAULT_PATHS", "DEFAULT_SEED", "MAX_PATHS", "PER_PATH_MAX_BYTES", "RevshareError", "Run", "run"]

try:
    __version__: str = version("revshare")
except PackageNotFoundError:  # pragma: no cover - imported from a source tree
    __version__ = "0.0.0"

#: Paths simulated per scenario when ``paths`` is not given (as ``revshare run``).
DEFAULT_PATHS: Final = 100_000
#: The seed when ``seed`` is not given (as ``revshare run``).
DEFAULT_SEED: Final = 42
#: The most memory :meth:`Run.per_path` may need (its estimate of the peak: the
#: path table, the columns handed over and the DataFrame), in bytes: 4 GiB.
PER_PATH_MAX_BYTES: Final = 4 << 30

#: A file name: a ``str`` or an ``os.PathLike`` such as ``pathlib.Path``.
StrPath = str | os.PathLike[str]

#: The columns of each output file that are names or labels, read as strings
#: (never as numbers or missing values: a scenario may be called ``2026`` or ``NA``).
_LABELS: Final[dict[str, tuple[str, ...]]] = {
    "summary.csv": ("scenario", "terms", "metric"),
    "deltas.csv": ("scenario", "terms", "baseline", "metric"),
    "scenario_deltas.csv": ("stream", "scenario", "against", "terms", "metric"),
    "outcomes.csv": ("scenario", "terms", "outcome"),
    "annual.csv": ("scenario", "terms", "period", "start", "quantity"),
    "curves.csv": ("scenario", "terms", "curve"),
}

_U64_MAX: Final = (1 << 64) - 1

# Before pandas 3.1 the default float parser of read_csv may miss the nearest double
# in the last bit; "round_trip" does not. From 3.1 every mode is the same exact
# converter and the argument is deprecated.
_PANDAS: Final = tuple(int(part) for part in re.findall(r"\d+", pd.__version__)[:2])


def _read_exact(source: StrPath | io.BytesIO, labels: tuple[str, ...] = ()) -> pd.DataFrame:
    """A CSV file of revshare as a DataFrame: the ``labels`` columns as strings (never
    numbers or missing values), numbers as the exact ``float64`` (or ``int64``)
    written, ``inf`` as infinity, only empty cells as NaN."""
    dtype: dict[str, type[str]] = {c: str for c in labels}
    if _PANDAS >= (3, 1):
        return pd.read_csv(source, dtype=dtype, keep_default_na=False, na_values=[""])
    return pd.read_csv(source, dtype=dtype, keep_default_na=False, na_values=[""], float_precision="round_trip")


def _count(name: str, value: object, least: int, most: int = _U64_MAX) -> int:
    """``value`` as an int in [least, most], or RevshareError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RevshareError(f"{name}, value `{value!r}`: must be a whole number")
    if not least <= value <= most:
        bound = f"at least {least}" if value < least else f"at most {most}"
        raise RevshareError(f"{name}, value `{value}`: must be {bound}")
    return value


def _paths(paths: object) -> int:
    """``paths`` of :func:`run` as an int from 1 to :data:`MAX_PATHS`, or RevshareError
    stating the rule of ``revshare run --paths``."""
    if isinstance(paths, bool) or not isinstance(paths, int):
        raise RevshareError(f"paths, value `{paths!r}`: must be a whole number")
    if not 1 <= paths <= MAX_PATHS:
        raise RevshareError(f"paths, value `{paths}`: out of range: a whole number from 1 to {MAX_PATHS}")
    return paths


def _threads(threads: int | None) -> int | None:
    return None if threads is None else _count("threads", threads, 1, 1 << 16)


def _read_csv(name: str, data: bytes) -> pd.DataFrame:
    """Output file ``name`` as a DataFrame (see :func:`_read_exact`)."""
    return _read_exact(io.BytesIO(data), _LABELS.get(name, ()))


class Run:
    """The results of :func:`run`: the output files and DataFrames read from them.

    Attributes:
        files: the output files of ``revshare run`` (``summary.csv``, ``deltas.csv``,
            ``scenario_deltas.csv``, ``outcomes.csv``, ``annual.csv``, ``curves.csv``),
            name to bytes, exactly
            as the command line writes them for the same inputs, paths and seed.
        scenarios: the scenario names, in file order.
        terms: the terms row names, in file order.
        baseline: the terms row the paired differences are taken against.
        paths: paths simulated per scenario.
        seed: the seed.
        scenario_source, terms_source: the input files' names (or
            ``scenarios/openai.csv (built in)`` for a shipped file).
    """

    files: dict[str, bytes]
    scenarios: list[str]
    terms: list[str]
    baseline: str
    paths: int
    seed: int
    scenario_source: str
    terms_source: str

    def __init__(
        self,
        inputs: Inputs,
        files: dict[str, bytes],
        *,
        baseline: str,
        paths: int,
        seed: int,
        threads: int | None,
    ) -> None:
        self._inputs = inputs
        self._threads = threads
        self.files = files
        self.scenarios = inputs.scenario_names
        self.terms = inputs.terms_names
        self.baseline = baseline
        self.paths = paths
        self.seed = seed
        self.scenario_source = inputs.scenario_source
        self.terms_source = inputs.terms_source

    def __repr__(self) -> str:
        return (
            f"<revshare.Run: {len(self.scenarios)} scenarios x {len(self.terms)} terms rows, "
            f"{self.paths} paths, seed {self.seed}, baseline {self.baseline}>"
        )

    @cached_property
    def summary(self) -> pd.DataFrame:
        """``summary.csv``: per scenario the total ``revenue``; per terms row ``paid``,
        ``lost``, ``received``, ``net``, ``pv``, ``end_year`` and ``cap_year`` (over the
        paths where the cap bound): ``n, mean, sd, se, min, p01 ... p99, max``."""
        return _read_csv("summary.csv", self.files["summary.csv"])

    @cached_property
    def deltas(self) -> pd.DataFrame:
        """``deltas.csv``: ``net`` and ``pv`` of each terms row minus the baseline's
        (and ``pv`` minus each reading of a contract), path by path."""
        return _read_csv("deltas.csv", self.files["deltas.csv"])

    @cached_property
    def scenario_deltas(self) -> pd.DataFrame:
        """``scenario_deltas.csv``: for scenario rows sharing a stream (a ``vary``
        sweep's variants and their row), ``net`` and ``pv`` of each row minus the
        group's first row's, per terms row, path by path."""
        return _read_csv("scenario_deltas.csv", self.files["scenario_deltas.csv"])

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """``outcomes.csv``: the probability (and standard error) that the cap binds and
        of each way a contract ends."""
        return _read_csv("outcomes.csv", self.files["outcomes.csv"])

    @cached_property
    def annual(self) -> pd.DataFrame:
        """``annual.csv``: per calendar year, revenue and each row's ``paid``,
        ``received``, ``net`` and ``cum_paid``: mean and quantiles. ``period`` and
        ``start`` are strings (``"2026"``, ``"2026-01"``)."""
        return _read_csv("annual.csv", self.files["annual.csv"])

    @cached_property
    def curves(self) -> pd.DataFrame:
        """``curves.csv``: the data of the report's charts (PV quantiles and
        histograms, cap survival, end causes over time)."""
        return _read_csv("curves.csv", self.files["curves.csv"])

    def per_path(
        self,
        scenario: str,
        *,
        paths: int | None = None,
        max_bytes: int | None = PER_PATH_MAX_BYTES,
    ) -> pd.DataFrame:
        """Every path of one scenario: one row per path and terms row, path by path.

        The columns are those of the ``--per-path`` file of ``revshare run``:
        ``scenario, path, terms, paid, lost, received, net, pv, end_year, end_cause,
        cap_year``, then every drawn input (the scenario parameters,
        ``agi_declared_year``, ``agi_verified_year``, ``failure_year``,
        ``revenue_growth``, and the row's ``share, cap, cap_counted, reverse_share,
        spread_years, recovery, end_drawn, trigger_drawn``). ``scenario``, ``terms`` and
        ``end_cause`` are strings, ``path`` an integer, every other column ``float64``
        (NaN where the file has an empty cell, such as ``cap_year`` when the cap did not
        bind; ``inf`` for none or never). The values are those of the file for the same
        seed, built in memory (no CSV text).

        Args:
            scenario: the scenario's name.
            paths: how many paths (default: the run's); the first N paths of a run are
                the paths of a run of N.
            max_bytes: refuse (RevshareError) when the estimated peak memory exceeds
                this many bytes; ``None`` for no limit.

        Raises:
            RevshareError: no scenario of that name, or a table too large.
        """
        paths = self.paths if paths is None else _count("paths", paths, 1)
        limit = None if max_bytes is None else _count("max_bytes", max_bytes, 0)
        rows, columns = self._inputs.per_path(scenario, paths, self.seed, self._threads, limit)
        data: dict[str, np.ndarray] = {}
        for name, kind, payload in columns:
            if kind == "f64":
                assert isinstance(payload, bytes)
                data[name] = np.frombuffer(payload, dtype="<f8")
            elif kind == "i64":
                assert isinstance(payload, bytes)
                data[name] = np.frombuffer(payload, dtype="<i8")
            else:
                assert isinstance(payload, tuple)
                codes, names = payload
                data[name] = np.array(names, dtype=object)[np.frombuffer(codes, dtype="<u4")]
        return pd.DataFrame(data, index=pd.RangeIndex(rows), copy=True)


def run(
    scenarios: StrPath | None = None,
    terms: StrPath | None = None,
    *,
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
    baseline: str | None = None,
    threads: int | None = None,
    vary: Sequence[str] = (),
    vary_terms: Sequence[str] = (),
    period: str = "year",
    year_start: int = 1,
    correlations: StrPath | None = None,
) -> Run:
    """Simulates every scenario under every terms row, as ``revshare run`` does.

    Args:
        scenarios: the scenario file; ``None`` for the shipped ``scenarios/openai.csv``
            (compiled into the library).
        terms: the terms file; ``None`` for the shipped ``scenarios/terms.csv``.
        paths: paths per scenario, 1 to :data:`MAX_PATHS` (100,000,000), as ``--paths``.
        seed: the seed, 0 to 2**64 - 1.
        baseline: the terms row the paired differences are taken against; ``None``
            for the first row.
        threads: worker threads; ``None`` for all cores. The numbers do not depend on it.
        vary: sweeps over scenario columns, as ``--vary``: ``"discount_rate=0.075,0.109"``
            or ``"base:discount_rate=0.075"``; each adds one variant of the row per
            value, sharing its random numbers (``scenario_deltas``).
        vary_terms: sweeps over terms columns, as ``--vary-terms``.
        period: the periods of ``annual``, ``"year"`` or ``"quarter"``, as ``--period``.
        correlations: a file of rank correlations between scenario parameters, as
            ``--correlations`` (columns ``scenario, a, b, rank_correlation``).
        year_start: the month (1 to 12) the year starts in, as ``--year-start``: 7
            gives fiscal years named after the year they end in (``FY2027`` is July
            2026 to June 2027).

    Returns:
        A :class:`Run`: ``files`` (the output CSV files, byte for byte those of the
        command line) and the DataFrames ``summary``, ``deltas``, ``scenario_deltas``,
        ``outcomes``, ``annual`` and ``curves``, and :meth:`Run.per_path`.

    Raises:
        RevshareError: a file that cannot be read, a problem in either file (all
            problems of both files at once), an unknown baseline or a bad count. The
            message is the one ``revshare run`` prints after ``error:``.

    The GIL is released while simulating, so other Python threads go on.
    """
    paths = _paths(paths)
    seed = _count("seed", seed, 0)
    threads = _threads(threads)
    scenario_path = None if scenarios is None else os.fspath(scenarios)
    terms_path = None if terms is None else os.fspath(terms)
    correlations_path = None if correlations is None else os.fspath(correlations)
    inputs = load(scenario_path, terms_path, list(vary), list(vary_terms), correlations_path)
    year_start = _count("year_start", year_start, 1, 12)
    files = inputs.run(paths, seed, baseline, threads, period, year_start)
    chosen = inputs.terms_names[0] if baseline is None else baseline
    return Run(inputs, files, baseline=chosen, paths=paths, seed=seed, threads=threads)
