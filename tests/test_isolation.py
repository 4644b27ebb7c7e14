"""Tests leave no trace in the user's Dagster history (data/dagster_home)."""

import os
from pathlib import Path

from foi_pipeline.cli import main

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def test_dagster_home_is_not_the_users():
    home = Path(os.environ["DAGSTER_HOME"]).resolve()
    assert home != (PROJECT / "data" / "dagster_home").resolve()
    assert (home / "dagster.yaml").is_file()  # the project's settings (concurrency pools) still apply


def test_a_cli_run_records_its_run_in_the_test_home_only(tmp_path):
    user_home = PROJECT / "data" / "dagster_home"
    before = sorted(p.name for p in user_home.iterdir())
    assert main(["run", "--raw", str(SEEDS), "--warehouse", str(tmp_path / "wh")]) == 0
    assert sorted(p.name for p in user_home.iterdir()) == before
    assert any(Path(os.environ["DAGSTER_HOME"]).iterdir())
