"""`foi evaluate` on the seeds and the dev corpus (copied into tests/fixtures), and on small made-up cases."""

import json
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from foi_pipeline.cli import main
from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.resources import settings_from_env
from foi_pipeline.evaluate import evaluate, load_tables

FIXTURES = Path(__file__).parent / "fixtures"


def _build(tmp_path: Path, sources: list[Path]) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for source in sources:
        shutil.copy(source, raw / source.name)
    warehouse = tmp_path / "warehouse"
    assert dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(warehouse))}).success
    return warehouse


@pytest.fixture(scope="module")
def dev_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("dev"), sorted((FIXTURES / "dev").glob("*.txt")))


@pytest.fixture(scope="module")
def seeds_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("seeds"), sorted((FIXTURES / "seeds").glob("*.txt")))


def test_dev_corpus_meets_the_target(dev_warehouse):
    report = evaluate(json.loads((FIXTURES / "dev" / "gold.json").read_text()), load_tables(dev_warehouse))
    assert report.overall >= 0.97, [m for m in report.mismatches]
    found = report.per_field["programme_found"]
    assert found[0] == found[1]
    spurious = report.per_field["no_spurious_programme"]
    assert spurious[0] == spurious[1]


def test_seeds_every_slot_right_and_misnumbering_in_review(seeds_warehouse):
    report = evaluate(json.loads((FIXTURES / "seeds_gold" / "gold.json").read_text()), load_tables(seeds_warehouse))
    assert report.mismatches == []
    review = pd.read_parquet(seeds_warehouse / "parquet" / "review_queue.parquet")
    reasons = " ".join(review["reason"])
    assert "labelled '6.'" in reasons and "labelled '7.'" in reasons


def test_cli_prints_accuracy_and_mismatches(seeds_warehouse, capsys):
    code = main(["evaluate", "--gold", str(FIXTURES / "seeds_gold" / "gold.json"), "--warehouse", str(seeds_warehouse)])
    out = capsys.readouterr().out
    assert code == 0 and "overall: 71/71 = 100.0%" in out and "agency_completed" in out


def test_cli_reports_missing_inputs(tmp_path, capsys):
    assert main(["evaluate", "--gold", str(tmp_path / "nope.json"), "--warehouse", str(tmp_path)]) == 2
    (tmp_path / "g.json").write_text("{}")
    assert main(["evaluate", "--gold", str(tmp_path / "g.json"), "--warehouse", str(tmp_path / "none")]) == 2
    assert "foi run" in capsys.readouterr().err


def _tables(**overrides):
    tables = {
        "documents": pd.DataFrame([{"doc_id": "d", "source_path": "x/a.txt", "parse_status": "ok", "authority": "Office X", "area": "Kent",
                                    "foi_reference": "R1", "response_date": "2023-01-02", "financial_year": "2022/23",
                                    "information_status": "held", "population": "male"}]),
        "programmes": pd.DataFrame([{"programme_id": "p1", "doc_id": "d", "name": "CARA", "aliases": ["Cautioning and Relationship Abuse"],
                                     "canonical_name": "CARA", "providers": ["The Hampton Trust"]},
                                    {"programme_id": "p2", "doc_id": "d", "name": "Extra", "aliases": [], "canonical_name": None, "providers": []}]),
        "funnel_counts": pd.DataFrame([{"programme_id": "p1", "route": r, "stage": s, "status": "value", "count": 5, "qualifier": "approx", "count_high": 5}
                                       for r in ("self", "agency") for s in ("referred", "accepted", "completed")]),
        "budgets": pd.DataFrame([{"programme_id": "p1", "status": "value", "amount_gbp": 100.0}]),
        "funders": pd.DataFrame([{"programme_id": "p1", "funder": "Home Office"}]),
        "referrers": pd.DataFrame([{"programme_id": "p1", "organisation": "Kent Police"}]),
    }
    tables.update(overrides)
    return tables


def test_alias_matching_qualifiers_and_spurious_programmes():
    gold = {"documents": [{"file": "a.txt", "authority": "office x", "area": "Kent", "foi_reference": "R1", "response_date": "2023-01-02",
                           "financial_year": "2022/23", "information_status": "held",
                           "programmes": [{"name": "Conditional Cautioning", "aliases": ["Cautioning and Relationship Abuse"], "providers": ["Hampton Trust"],
                                           **{slot: {"status": "value", "value": 5, "qualifier": "approx"} for slot in
                                              ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted")},
                                           "agency_completed": {"status": "value", "value": 5, "qualifier": "exact"},
                                           "budget_gbp": {"status": "value", "value": 100.0},
                                           "funders": ["the Home Office"], "referrers": ["Kent Police"]}]}]}
    report = evaluate(gold, _tables())
    fields = {m.field for m in report.mismatches}
    assert fields == {"agency_completed", "no_spurious_programme"}  # qualifier differs; "Extra" is not in the gold
    assert report.per_field["providers"] == [1, 1] and report.per_field["funders"] == [1, 1]
    assert report.per_field["programme_found"] == [1, 1]
