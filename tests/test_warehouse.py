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


def test_a_failed_database_build_leaves_the_previous_warehouse_and_no_temp_files(tmp_path):
    store = Warehouse(tmp_path)
    _stage_all(store, {"documents": frame("documents", [{"doc_id": "old", "source_path": "a.txt", "parse_status": "ok"}])})
    store.publish(list(TABLES))
    before = {p.name: p.read_bytes() for p in store.parquet_dir.iterdir()}
    _stage_all(store, {"documents": frame("documents", [{"doc_id": "new", "source_path": "b.txt", "parse_status": "ok"}])})
    (store.staging_dir / "funders.parquet").write_bytes(b"not parquet")  # the build fails halfway through the tables
    with pytest.raises(duckdb.Error):
        store.publish(list(TABLES))
    assert {p.name: p.read_bytes() for p in store.parquet_dir.iterdir()} == before
    con = duckdb.connect(str(store.database), read_only=True)
    try:
        assert con.execute("SELECT doc_id FROM documents").fetchall() == [("old",)]
    finally:
        con.close()
    assert not list(tmp_path.glob(".*.tmp*"))


def test_same_rows_in_any_order_give_identical_files_and_tables(tmp_path):
    rows = [{"doc_id": d, "programme_id": "p", "route": r, "stage": "referred", "count": n, "status": "value",
             "char_start": 0, "char_end": 1, "evidence_text": "x", "extractor": "t"}
            for d, r, n in (("b", "self", 1), ("a", "agency", 2), ("a", "self", 3))]
    published = []
    for name, order in (("one", rows), ("two", rows[::-1])):
        store = Warehouse(tmp_path / name)
        _stage_all(store, {"funnel_counts": frame("funnel_counts", order)})
        store.publish(list(TABLES))
        published.append(store)
    one, two = published
    for table in TABLES:
        assert (one.parquet_dir / f"{table}.parquet").read_bytes() == (two.parquet_dir / f"{table}.parquet").read_bytes(), table
    assert one.read("funnel_counts")[["doc_id", "route"]].values.tolist() == [["a", "agency"], ["a", "self"], ["b", "self"]]


def test_stage_writes_contract_types_to_parquet_without_leaving_temp_files(tmp_path):
    store = Warehouse(tmp_path)
    path = store.stage("funnel_counts", frame("funnel_counts", [{"doc_id": "a", "count": 5, "status": "value"}]))
    con = duckdb.connect()
    try:
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path}'))").fetchall())
    finally:
        con.close()
    assert types["count"] == "INTEGER" and types["doc_id"] == "VARCHAR" and types["char_start"] == "INTEGER"
    assert [p.name for p in store.staging_dir.iterdir()] == ["funnel_counts.parquet"]
