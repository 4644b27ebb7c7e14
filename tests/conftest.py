"""Shared test setup: every test runs against a temporary Dagster home, never the user's data/dagster_home, and
reads the request specs and catalogue through the fixtures below rather than loading them when a module is imported."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from foi_pipeline.specs import Catalogue, RequestSpec, load_catalogue, load_requests
from foi_pipeline.warehouse import Warehouse

PROJECT = Path(__file__).resolve().parents[1]
USER_DAGSTER_HOME = PROJECT / "data" / "dagster_home"
_HOME: list[Path] = []

MALES_ID = "dapp-2022-23-males"
FEMALES_ID = "dapp-2022-23-females"


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


@pytest.fixture
def dagster_home() -> Path:
    """The temporary Dagster home this test session runs in (see pytest_configure)."""
    return Path(os.environ["DAGSTER_HOME"])


@pytest.fixture
def warehouse_dir(tmp_path: Path) -> Path:
    """A warehouse folder of this test's own, not yet created: `foi run --warehouse` and the assets make it."""
    return tmp_path / "warehouse"


@pytest.fixture
def warehouse(warehouse_dir: Path) -> Warehouse:
    """An empty warehouse in this test's own folder."""
    return Warehouse(warehouse_dir)


@pytest.fixture(scope="session")
def request_specs() -> list[RequestSpec]:
    """Every request spec under assets/requests/, sorted by id (frozen, so one load serves the session)."""
    return load_requests()


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The programme, organisation and area catalogue under assets/catalogue/."""
    return load_catalogue()


def spec_by_id(specs: list[RequestSpec], spec_id: str) -> RequestSpec:
    """The request spec with this id: tests name the request they mean instead of taking whichever sorts first."""
    return next(s for s in specs if s.id == spec_id)


@pytest.fixture(scope="session")
def males_spec(request_specs: list[RequestSpec]) -> RequestSpec:
    """The 2022/23 request about males (the default request, which a reply matching no request's wording gets)."""
    return spec_by_id(request_specs, MALES_ID)


@pytest.fixture(scope="session")
def females_spec(request_specs: list[RequestSpec]) -> RequestSpec:
    """The later 2022/23 request asking the same questions about females."""
    return spec_by_id(request_specs, FEMALES_ID)
