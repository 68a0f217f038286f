"""Fixtures: the repository the package was built from, and its command line."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

#: The repository: python/tests/ is two levels below it.
REPO = Path(__file__).resolve().parents[2]

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root, with the shipped scenarios/ and the Rust crate."""
    if not (REPO / "Cargo.toml").is_file() or not (REPO / "scenarios" / "openai.csv").is_file():
        pytest.skip("not run from a checkout of the revshare repository")
    return REPO


@pytest.fixture(scope="session")
def cli(repo: Path) -> Cli:
    """Runs the `revshare` command line: `$REVSHARE_BIN` if set, else the release
    binary of the repository, built once per session with `cargo build --release`
    (a no-op when it is up to date)."""
    binary = os.environ.get("REVSHARE_BIN")
    if binary is None:
        cargo = shutil.which("cargo")
        if cargo is None:
            pytest.skip("cargo is not on PATH and REVSHARE_BIN is not set")
        manifest = str(repo / "Cargo.toml")
        subprocess.run([cargo, "build", "--release", "--quiet", "--manifest-path", manifest], check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", repo / "target"))
        if not target.is_absolute():
            target = repo / target
        binary = str(target / "release" / "revshare")

    def run(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([binary, *args], capture_output=True, text=True, cwd=cwd)
        if check and done.returncode != 0:
            raise AssertionError(f"revshare {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
        return done

    return run
