"""The stub of the native module matches the module, and the package type-checks
strictly (both skipped unless mypy and pandas-stubs are installed)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

PYTHON = Path(__file__).resolve().parents[1]


def needs(*packages: str) -> None:
    for package in packages:
        try:
            version(package)
        except PackageNotFoundError:
            pytest.skip(f"{package} is not installed")


def test_the_stub_matches_the_native_module(tmp_path: Path) -> None:
    needs("mypy")
    # From an empty folder, so that the installed package is checked.
    command = [sys.executable, "-m", "mypy.stubtest", "revshare._native"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_package_and_the_tests_type_check() -> None:
    needs("mypy", "pandas-stubs")
    command = [sys.executable, "-m", "mypy", "revshare", "tests"]  # strict, from pyproject.toml
    done = subprocess.run(command, capture_output=True, text=True, cwd=PYTHON)
    assert done.returncode == 0, done.stdout + done.stderr
