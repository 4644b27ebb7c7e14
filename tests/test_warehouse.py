"""The warehouse: contract types in Parquet and DuckDB, publishing one generation at once, the previous warehouse
kept on failure, what dead runs left removed."""

import contextlib
import datetime as dt
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from foi_pipeline.contract import TABLES
from foi_pipeline.pipeline import empty_frame, frame
from foi_pipeline.report import write_atomically
from foi_pipeline.warehouse import Warehouse, WarehouseNotWritable, WarehouseShrinks


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
    store.staged_path("funders").write_bytes(b"not parquet")  # the build fails halfway through the tables
    with pytest.raises(duckdb.Error):
        store.publish(list(TABLES))
    assert {p.name: p.read_bytes() for p in store.parquet_dir.iterdir()} == before
    con = duckdb.connect(str(store.database), read_only=True)
    try:
        assert con.execute("SELECT doc_id FROM documents").fetchall() == [("old",)]
    finally:
        con.close()
    assert not list(tmp_path.glob(".*.tmp*")) and not store.staging_dir.exists()


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
    assert [p.name for p in (store.staging_dir / "parquet").iterdir()] == ["funnel_counts.parquet"]


def _documents(*names: str):
    return frame("documents", [{"doc_id": n, "source_path": f"{n}.txt", "parse_status": "ok"} for n in names])


def _published_doc_ids(root: Path) -> tuple[list, list]:
    """documents as Parquet and as DuckDB give, through the paths the data contract names."""
    con = duckdb.connect(str(root / "foi.duckdb"), read_only=True)
    try:
        in_duckdb = [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY 1").fetchall()]
    finally:
        con.close()
    return Warehouse(root).read("documents")["doc_id"].tolist(), in_duckdb


def test_each_publish_is_one_generation_behind_paths_that_never_change(tmp_path):
    generations = []
    for name in ("one", "two", "three"):
        store = Warehouse(tmp_path, run_id=name)
        _stage_all(store, {"documents": _documents(name)})
        generations.append(store.publish(list(TABLES)).generation)
        assert _published_doc_ids(tmp_path) == ([name], [name])
    assert (tmp_path / "current").resolve() == generations[-1]
    for name in ("foi.duckdb", "parquet", "report"):
        assert (tmp_path / name).is_symlink() and os.readlink(tmp_path / name) == f"current/{name}"
    # The previous generation stays whole for readers that opened it; the one before goes.
    assert sorted(p.name for p in (tmp_path / ".generations").iterdir()) == sorted(g.name for g in generations[1:])
    assert Warehouse(tmp_path).current_generation() == generations[-1].name
    con = duckdb.connect()
    assert con.execute(f"SELECT doc_id FROM '{generations[1] / 'parquet' / 'documents.parquet'}'").fetchall() == [("two",)]
    assert not any((tmp_path / ".staging").iterdir())


@pytest.mark.parametrize("failing_rename", range(6))
def test_a_failure_at_any_rename_publishes_every_table_or_none(tmp_path, monkeypatch, failing_rename):
    """Before, files were renamed into place one by one: an error (or a kill) between two left a mix."""
    store = Warehouse(tmp_path)
    _stage_all(store, {t: empty_frame(t) for t in TABLES} | {"documents": _documents("old")})
    store.publish(list(TABLES))
    old = {p.name: p.read_bytes() for p in store.parquet_dir.iterdir()}
    _stage_all(store, {"documents": _documents("new"), "funders": frame("funders", [{"doc_id": "new", "funder": "PCC", "contribution": "cash"}])})
    new = {t: store.staged_path(t).read_bytes() for t in TABLES}
    renames = []

    def flaky(rename):
        def call(src, dst, *args, **kwargs):
            renames.append(dst)
            if len(renames) == failing_rename + 1:
                raise OSError(28, "No space left on device")
            return rename(src, dst, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "replace", flaky(os.replace))
    monkeypatch.setattr(os, "rename", flaky(os.rename))
    with contextlib.suppress(OSError):
        store.publish(list(TABLES))
    monkeypatch.undo()
    published = {p.name: p.read_bytes() for p in store.parquet_dir.iterdir()}
    assert published in (old, {f"{t}.parquet": b for t, b in new.items()})
    docs, in_duckdb = _published_doc_ids(tmp_path)
    assert docs == in_duckdb


def test_an_old_layout_warehouse_is_kept_as_the_previous_generation(tmp_path):
    old = Warehouse(tmp_path / "elsewhere")
    _stage_all(old, {"documents": _documents("old")})
    old.publish(list(TABLES))
    root = tmp_path / "warehouse"  # the layout before generations: real files
    (root / "parquet").mkdir(parents=True)
    for path in old.parquet_dir.iterdir():
        (root / "parquet" / path.name).write_bytes(path.read_bytes())
    (root / "foi.duckdb").write_bytes(old.database.read_bytes())
    (root / "report").mkdir()
    (root / "report" / "index.html").write_text("the old report")
    store = Warehouse(root, "first-run")
    _stage_all(store, {"documents": _documents("new")})
    store.publish(list(TABLES))
    assert _published_doc_ids(root) == (["new"], ["new"])
    legacy = root / ".generations" / "0-legacy"
    assert (legacy / "report" / "index.html").read_text() == "the old report"
    assert (legacy / "foi.duckdb").read_bytes() == old.database.read_bytes()
    assert sorted(p.name for p in (legacy / "parquet").iterdir()) == sorted(p.name for p in old.parquet_dir.iterdir())
    again = Warehouse(root, "second-run")
    _stage_all(again, {"documents": _documents("newer")})
    again.publish(list(TABLES))
    assert not legacy.exists() and _published_doc_ids(root) == (["newer"], ["newer"])


def test_a_run_that_would_lose_the_published_documents_publishes_nothing(tmp_path):
    store = Warehouse(tmp_path)
    _stage_all(store, {"documents": _documents("a", "b", "c", "d")})
    store.publish(list(TABLES))
    for kept in ([], ["a"]):  # every document lost, or three in four
        _stage_all(store, {"documents": _documents(*kept)})
        with pytest.raises(WarehouseShrinks, match=rf"found {len(kept)} document\(s\) where the published warehouse has 4.*--allow-shrink"):
            store.publish(list(TABLES), max_shrink=0.5)
        assert _published_doc_ids(tmp_path) == (["a", "b", "c", "d"],) * 2
        assert not store.staging_dir.exists()
    _stage_all(store, {"documents": _documents()})
    with pytest.raises(WarehouseShrinks, match=r"every|0 document"):
        store.publish(list(TABLES), max_shrink=1.0)  # losing every document is refused whatever the share allowed
    _stage_all(store, {"documents": _documents("a", "b", "x")})  # two in four lost: not more than half
    store.publish(list(TABLES), max_shrink=0.5)
    _stage_all(store, {"documents": _documents()})
    store.publish(list(TABLES), max_shrink=None)  # allowed
    assert _published_doc_ids(tmp_path) == ([], [])


def test_what_dead_runs_left_goes_at_the_next_run(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    killed = Warehouse(tmp_path, "killed-run", owner_pid=dead.pid)
    killed.stage("documents", _documents("x"))
    live = Warehouse(tmp_path, "live-run")  # this process
    live.stage("documents", _documents("y"))
    (tmp_path / ".foi.duckdb.0123abcd.tmp.wal").write_bytes(b"left by a publisher killed mid-build")
    Warehouse(tmp_path).remove_abandoned()
    assert not killed.staging_dir.exists() and live.staging_dir.exists()
    _stage_all(live, {})
    live.publish(list(TABLES))
    assert not list(tmp_path.glob(".*.tmp*"))


def test_an_unwritable_warehouse_folder_is_found_before_any_work(tmp_path):
    (tmp_path / "taken").write_text("a file where the warehouse folder should be")
    with pytest.raises(WarehouseNotWritable, match="taken/wh is not writable"):
        Warehouse(tmp_path / "taken" / "wh").check_writable()
    if os.geteuid() != 0:  # root writes anywhere
        (tmp_path / "read-only").mkdir(mode=0o555)
        with pytest.raises(WarehouseNotWritable, match="read-only is not writable"):
            Warehouse(tmp_path / "read-only").check_writable()
    Warehouse(tmp_path / "fine").check_writable()


def test_the_report_is_published_with_its_generation_and_the_next_one_starts_from_it(tmp_path):
    first = Warehouse(tmp_path, "one")
    _stage_all(first, {})
    with pytest.raises(FileNotFoundError, match="report"):
        first.publish(list(TABLES), with_report=True)
    _stage_all(first, {})
    folder = first.stage_report()
    (folder / "replies").mkdir()
    write_atomically(folder / "replies" / "a.html", "page a")
    write_atomically(folder / "index.html", "report one")
    first.publish(list(TABLES), with_report=True)
    second = Warehouse(tmp_path, "two")
    _stage_all(second, {})
    folder = second.stage_report()
    assert (folder / "replies" / "a.html").read_text() == "page a"  # kept: not rendered again
    write_atomically(folder / "index.html", "report two")
    assert (tmp_path / "report" / "index.html").read_text() == "report one"  # the published one is untouched
    second.publish(list(TABLES), with_report=True)
    assert (tmp_path / "report" / "index.html").read_text() == "report two"
