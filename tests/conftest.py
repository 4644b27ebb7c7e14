"""Shared test setup: every test runs against a temporary Dagster home, never the user's data/dagster_home."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
USER_DAGSTER_HOME = PROJECT / "data" / "dagster_home"
_HOME: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported: `make test` exports DAGSTER_HOME=data/dagster_home for `make run`;
    tests (and the `foi` processes they start, which inherit the environment) get a home of their own."""
    home = Path(tempfile.mkdtemp(prefix="foi-test-dagster-home-"))
    shutil.copy(USER_DAGSTER_HOME / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    _HOME.append(home)


def pytest_unconfigure(config: pytest.Config) -> None:
    for home in _HOME:
        shutil.rmtree(home, ignore_errors=True)
