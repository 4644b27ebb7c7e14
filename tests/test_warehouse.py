"""The warehouse: contract types in Parquet and DuckDB, atomic publish, the previous warehouse kept on failure."""

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from foi_pipeline.contract import TABLES
from foi_pipeline.pipeline import empty_frame, frame
from foi_pipeline.warehouse import Warehouse


def _stage_all(store: Warehouse, overrides: dict) -> None:
    for table in TABLES:
        store.stage(table, overrides.get(table, empty_frame(table)))


def test_types_survive_into_duckdb(tmp_path):
    store = Warehouse(tmp_path)
    budgets = frame("budgets", [{"doc_id": "d", "programme_id": "p", "amount_gbp": Decimal("209332.78"), "status": "value",
                                 "char_start": 0, "char_end": 3, "evidence_text": "abc", "extractor": "x"}])
    documents = frame("documents", [{"doc_id": "d", "source_path": "a.txt", "byte_size": 3, "response_date": dt.date(2023, 8, 21), "parse_status": "ok"}])
    programmes = frame("programmes", [{"programme_id": "p", "doc_id": "d", "name": "CARA", "providers": ["A", "B"], "aliases": [],
                                       "char_start": 0, "char_end": 1, "evidence_text": "x", "extractor": "x"}])
    _stage_all(store, {"budgets": budgets, "documents": documents, "programmes": programmes})
    store.publish(list(TABLES))
    con = duckdb.connect(str(store.database), read_only=True)
    try:
        assert con.execute("SELECT amount_gbp, typeof(amount_gbp) FROM budgets").fetchone() == (Decimal("209332.78"), "DECIMAL(14,2)")
        assert con.execute("SELECT response_date FROM documents").fetchone() == (dt.date(2023, 8, 21),)
        assert con.execute("SELECT providers FROM programmes").fetchone() == (["A", "B"],)
        assert con.execute("SELECT count(*) FROM review_queue").fetchone() == (0,)  # empty tables are tables
    finally:
        con.close()
    assert sorted(p.name for p in store.parquet_dir.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    assert not store.staging_dir.exists()


def test_a_failed_publish_leaves_the_previous_warehouse(tmp_path):
    store = Warehouse(tmp_path)
    _stage_all(store, {"documents": frame("documents", [{"doc_id": "old", "source_path": "a.txt", "parse_status": "ok"}])})
    store.publish(list(TABLES))
    # The next run stages only some tables, then fails: nothing it staged is visible.
    store.stage("documents", frame("documents", [{"doc_id": "new", "source_path": "b.txt", "parse_status": "ok"}]))
    with pytest.raises(FileNotFoundError, match="not staged"):
        store.publish(list(TABLES))
    assert store.read("documents")["doc_id"].tolist() == ["old"]
    con = duckdb.connect(str(store.database), read_only=True)
    assert con.execute("SELECT doc_id FROM documents").fetchall() == [("old",)]
    con.close()


def test_reading_before_any_run_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="foi run"):
        Warehouse(tmp_path).read("documents")
