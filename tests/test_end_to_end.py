"""Materialise the Dagster assets in process on the seed replies plus bad files, then query DuckDB."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from foi_pipeline.contract import FACT_TABLES, TABLES
from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.resources import settings_from_env

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _run(raw: Path, warehouse: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(warehouse))})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    raw = root / "raw"
    shutil.copytree(SEEDS, raw)
    (raw / "bad").mkdir()
    (raw / "bad" / "notes.xyz").write_bytes(b"whatever")
    (raw / "bad" / "empty.txt").write_bytes(b"")
    shutil.copy(SEEDS / "004_8541212a171f8844.txt", raw / "bad" / "copy.txt")
    result = _run(raw, root / "warehouse")
    assert result.success
    return raw, root / "warehouse"


def _tables(warehouse: Path) -> dict[str, list[dict]]:
    con = duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True)
    try:
        return {t: [{k: (list(v) if hasattr(v, "tolist") and not isinstance(v, str) else None if v != v else v) for k, v in row.items()}
                    for row in con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').df().to_dict("records")] for t in TABLES}
    finally:
        con.close()


def test_every_contract_table_and_column_is_in_duckdb_and_parquet(built):
    _, warehouse = built
    con = duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True)
    try:
        for table, cols in TABLES.items():
            described = con.execute(f'DESCRIBE "{table}"').fetchall()
            assert [(c[0], c[1]) for c in described] == [(n, t.replace("DECIMAL(14,2)", "DECIMAL(14,2)")) for n, t in cols]
            parquet = warehouse / "parquet" / f"{table}.parquet"
            assert [c[0] for c in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet}')").fetchall()] == [n for n, _ in cols]
    finally:
        con.close()


def test_every_raw_file_is_a_document_row(built):
    raw, warehouse = built
    docs = {d["source_path"]: d for d in _tables(warehouse)["documents"]}
    files = {p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()}
    assert set(docs) == files
    assert docs["bad/notes.xyz"]["parse_status"] == "unsupported"
    assert docs["bad/empty.txt"]["parse_status"] == "empty"
    assert docs["bad/copy.txt"]["parse_status"] == "duplicate" and docs["bad/copy.txt"]["duplicate_of"] == "004_8541212a171f8844.txt"
    assert all(d["parse_error"] for d in docs.values() if d["parse_status"] != "ok")
    norfolk = docs["004_8541212a171f8844.txt"]
    assert norfolk["area"] == "Norfolk" and norfolk["foi_reference"] == "FOI/OPCCN/225"
    assert str(norfolk["response_date"])[:10] == "2023-08-09" and norfolk["request_id"] == "dapp-2022-23-males"


def test_provenance_invariant_on_every_fact_row(built):
    _, warehouse = built
    tables = _tables(warehouse)
    texts = {r["doc_id"]: r["text"] for r in tables["document_text"]}
    checked = 0
    for table in (*FACT_TABLES, "review_queue"):
        for row in tables[table]:
            assert texts[row["doc_id"]][row["char_start"] : row["char_end"]] == row["evidence_text"], (table, row)
            checked += 1
    assert checked > 50
    values = [r for r in tables["funnel_counts"] if r["status"] == "value"]
    assert {r["count"] for r in values} >= {82, 240, 28, 14, 66, 203, 151}


def test_rerun_on_unchanged_input_gives_identical_tables(built, tmp_path):
    raw, warehouse = built
    assert _run(raw, tmp_path / "again").success
    assert _tables(tmp_path / "again") == _tables(warehouse)
    for table in TABLES:  # same rows in the same order: the files themselves are identical
        assert (tmp_path / "again" / "parquet" / f"{table}.parquet").read_bytes() == (warehouse / "parquet" / f"{table}.parquet").read_bytes(), table

