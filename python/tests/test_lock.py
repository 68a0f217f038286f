"""python/Cargo.lock must pin the crates it shares with the command line to the
versions of the repository's Cargo.lock: the numbers are only the same if the code
computing them is."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import REPO

REFRESH = (
    "refresh it from the root's: cp Cargo.lock python/Cargo.lock && "
    "cargo metadata --format-version 1 --manifest-path python/Cargo.toml > /dev/null"
)


def versions(lock: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for package in tomllib.loads(lock.read_text())["package"]:
        out.setdefault(package["name"], set()).add(package["version"])
    return out


def test_shared_crates_have_the_command_lines_versions() -> None:
    root, ours = REPO / "Cargo.lock", REPO / "python" / "Cargo.lock"
    if not root.is_file() or not ours.is_file():
        pytest.skip("not run from a checkout of the revshare repository")
    root_versions, our_versions = versions(root), versions(ours)
    differ = {
        name: (sorted(root_versions[name]), sorted(v))
        for name, v in our_versions.items()
        if name in root_versions and not v <= root_versions[name]
    }
    assert not differ, f"python/Cargo.lock differs from Cargo.lock in {differ}; {REFRESH}"
