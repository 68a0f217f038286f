"""Types of ``revshare._native``, the compiled part of the package (use ``revshare``)."""

import os
from typing import Literal, final

__all__ = ["MAX_PATHS", "Inputs", "RevshareError", "load"]

_StrPath = str | os.PathLike[str]

#: The most paths per scenario a run accepts (``revshare::engine::MAX_PATHS``, the
#: limit of ``revshare run --paths``).
MAX_PATHS: int

class RevshareError(ValueError):
    """A problem in the inputs of revshare, or a file that could not be read.

    Its message is exactly what the ``revshare`` command prints after ``error: `` for
    the same input.
    """

_F64Column = tuple[str, Literal["f64"], bytes]
_I64Column = tuple[str, Literal["i64"], bytes]
_StrColumn = tuple[str, Literal["str"], tuple[bytes, list[str]]]

@final
class Inputs:
    """Validated scenario and terms rows, read from two files (or the shipped ones)."""

    @property
    def scenario_names(self) -> list[str]:
        """The scenario names, in file order."""
    @property
    def terms_names(self) -> list[str]:
        """The terms row names, in file order."""
    @property
    def scenario_source(self) -> str:
        """The scenario file's name as given (or ``scenarios/openai.csv (built in)``)."""
    @property
    def terms_source(self) -> str:
        """The terms file's name as given (or ``scenarios/terms.csv (built in)``)."""
    def run(
        self,
        paths: int,
        seed: int,
        baseline: str | None = None,
        threads: int | None = None,
        period: str = "year",
        year_start: int = 1,
    ) -> dict[str, bytes]:
        """Simulates every scenario under every terms row (``revshare::simulate_all``)
        and returns the output CSV files of ``revshare run``, name to bytes."""
    def per_path(
        self,
        scenario: str,
        paths: int,
        seed: int,
        threads: int | None = None,
        max_bytes: int | None = None,
    ) -> tuple[int, list[_F64Column | _I64Column | _StrColumn]]:
        """Simulates one scenario into a path table and returns ``(rows, columns)`` in
        the order of the ``--per-path`` file: numbers as little-endian ``f64`` (``i64``
        for ``path``) bytes, strings as little-endian ``u32`` codes into a list of names."""

def load(
    scenarios: _StrPath | None = None,
    terms: _StrPath | None = None,
    vary: list[str] = ...,
    vary_terms: list[str] = ...,
    correlations: _StrPath | None = None,
) -> Inputs:
    """Reads and validates a scenario file and a terms file (``None``: the shipped file),
    with the variants of the sweeps ``vary`` and ``vary_terms`` (``COLUMN=V1,V2`` or
    ``ROW:COLUMN=V1,V2``, as ``--vary`` and ``--vary-terms``) and the rank correlations of
    the file ``correlations`` (as ``--correlations``), reporting the problems of both at
    once; raises :class:`RevshareError`."""
