"""Each table and field is declared once (foi_pipeline/metadata), and every schema the project shows or enforces is
generated from that declaration: DuckDB and Parquet, pandera, the Dagster UI, the XLSX README and docs/tables.md."""

import dataclasses
import re
from pathlib import Path

import dagster as dg
import pandas as pd
import pyarrow.parquet as pq
import pytest

from foi_pipeline.contract import ALL_TABLES, TABLES
from foi_pipeline.defs.metadata import table_schema
from foi_pipeline.exports import readme_sheet
from foi_pipeline.metadata import FIELDS, TABLE_METADATA, Field, ddl, docs
from foi_pipeline.metadata.enums import ALIGNMENTS
from foi_pipeline.pipeline import frame
from foi_pipeline.schemas import model, validate_table
from foi_pipeline.warehouse import Warehouse

EXTRACTOR = Path(__file__).resolve().parents[1] / "foi_pipeline" / "extract"
BUDGET = {"doc_id": "0123456789abcdef", "programme_id": "p1", "amount_gbp": None, "status": "not_held", "char_start": 0,
          "char_end": 0, "evidence_text": "", "extractor": "test"}


@pytest.fixture
def reviewed_by(monkeypatch) -> Field:
    """budgets with one more column, in a copy of the declarations that the test alone sees."""
    field = Field("reviewed_by", "VARCHAR", "Who last reviewed the budget.", values=("analyst", "lead"))
    monkeypatch.setitem(FIELDS, field.name, field)
    budgets = TABLE_METADATA["budgets"]
    monkeypatch.setitem(TABLE_METADATA, "budgets", dataclasses.replace(budgets, fields=(*budgets.fields, field.name)))
    return field


def test_a_column_added_to_a_declaration_reaches_every_generated_schema(reviewed_by, tmp_path):
    assert '"reviewed_by" VARCHAR' in ddl("budgets")

    df = frame("budgets", [{**BUDGET, "reviewed_by": "analyst"}])
    staged = Warehouse(tmp_path).stage("budgets", df)
    assert pq.read_schema(staged).names[-1] == "reviewed_by"

    schema = model("budgets")
    assert "reviewed_by" in schema.columns
    failures = validate_table("budgets", frame("budgets", [{**BUDGET, "reviewed_by": "someone"}]))
    assert [(f.column, f.value) for f in failures] == [("reviewed_by", "someone")]

    column = next(c for c in table_schema("budgets").columns if c.name == "reviewed_by")
    assert column.type == "VARCHAR" and column.description.startswith("Who last reviewed the budget.")

    readme = readme_sheet()
    row = readme[readme["column"] == "reviewed_by"]
    assert len(row) == 1 and "Values: analyst, lead." in row["meaning"].iloc[0]

    assert "| `reviewed_by` | VARCHAR |" in docs.reference()
    current = docs.DOCS.read_text(encoding="utf-8")
    assert docs.rendered(current) != current  # the committed reference is now stale: its check fails


def test_every_column_of_every_asset_has_a_description():
    from foi_pipeline.definitions import defs as lazy_defs

    described: set[str] = set()
    for asset in lazy_defs().assets:
        for spec in asset.specs:
            schema = spec.metadata.get("dagster/column_schema")
            if schema is None:
                continue
            assert isinstance(schema, dg.TableSchema)
            table = spec.key.to_user_string()
            assert [(c.name, c.type) for c in schema.columns] == ALL_TABLES[table]
            empty = [c.name for c in schema.columns if not (c.description or "").strip()]
            assert not empty, (table, empty)
            described.add(table)
    assert described == set(ALL_TABLES)  # every table and mart asset declares its columns


def test_the_docs_reference_is_up_to_date():
    assert docs.main(["--check"]) == 0, "docs/tables.md is stale: run `uv run python -m foi_pipeline.metadata.docs`"


def test_every_declared_field_is_used_and_every_table_has_a_description():
    used = {f for t in TABLE_METADATA.values() for f in t.fields}
    assert used == set(FIELDS)
    assert all(t.description for t in TABLE_METADATA.values())
    assert all(f.description for f in FIELDS.values())


def test_alignment_holds_exactly_the_values_the_extractor_writes():
    written = set()
    for path in EXTRACTOR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'alignment\s*=\s*"(\w+)"', text))
        written |= set(re.findall(r'\.alignment\s*=\s*\[[^\]]*\],\s*"(\w+)"', text))
    assert written == set(ALIGNMENTS)
    answer = {"doc_id": "0123456789abcdef", "question_no": 1, "question_key": "q1", "status": "value", "char_start": 0,
              "char_end": 0, "evidence_text": "", "extractor": "test"}
    every = [{**answer, "question_key": f"q{i}", "alignment": a} for i, a in enumerate((*ALIGNMENTS, None))]
    assert validate_table("answers", frame("answers", every)) == []
    failures = validate_table("answers", frame("answers", [{**answer, "alignment": "order"}]))
    assert [(f.column, f.value) for f in failures] == [("alignment", "order")]


def test_the_duckdb_schema_marks_required_columns_and_keeps_the_contract_order():
    statement = ddl("funnel_counts")
    assert '"programme_id" VARCHAR NOT NULL' in statement and '"count" INTEGER,' in statement
    assert [c for c, _ in TABLES["funnel_counts"]] == re.findall(r'"(\w+)" ', statement)[1:]
    assert pd.api.types.is_string_dtype(frame("funnel_counts", [])["route"])
