"""Shared test setup: every test runs against a temporary Dagster home, never the user's data/dagster_home."""

import os
import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
USER_DAGSTER_HOME = PROJECT / "data" / "dagster_home"


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported: `make test` exports DAGSTER_HOME=data/dagster_home for `make run`;
    tests (and the `foi` processes they start, which inherit the environment) get a home of their own."""
    home = Path(config.cache.mkdir("foi_dagster_home")) if config.cache else PROJECT / ".pytest_cache" / "foi_dagster_home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    shutil.copy(USER_DAGSTER_HOME / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
