"""Asset checks, generated per table (the PUDL pattern): the pandera contract, references, provenance, and doubts.

They are evaluated in the step that builds the tables, on the very frames that are staged, so each table is
validated once and never read back. A broken contract fails with severity ERROR: the check is blocking, so
the step fails and the warehouse (and the marts after it) keep the previous run's tables. A doubt fails with
severity WARN, which shows in the UI but does not block.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pandas as pd

from foi_pipeline.contract import FACT_TABLES, TABLES
from foi_pipeline.defs.metadata import preview
from foi_pipeline.schemas import Failure
from foi_pipeline.schemas.cross_table import (
    held_without_programmes,
    missing_references,
    programmes_without_figures,
    provenance_failures,
)

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
Tables = dict[str, pd.DataFrame]
LINKED_TABLES = (*FACT_TABLES, "review_queue")


def _spec(table: str, name: str, description: str, blocking: bool = True, extra: tuple[str, ...] = ()) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name, asset=table, blocking=blocking, description=description,
                             additional_deps=[t for t in extra if t != table])


CHECK_SPECS = [
    *(_spec(t, f"{t}_schema", f"{t} satisfies its pandera model") for t in TABLES),
    *(_spec(t, f"{t}_references", f"every doc_id of {t} is a document and every programme_id a programme", extra=("documents", "programmes"))
      for t in LINKED_TABLES),
    *(_spec(t, f"{t}_provenance", "document_text.text[char_start:char_end] == evidence_text on every row", extra=("document_text",))
      for t in LINKED_TABLES),
    _spec("documents", "held_documents_have_programmes", "a reply that holds information names at least one programme",
          blocking=False, extra=("programmes",)),
    _spec("programmes", "programmes_have_figures", "a programme has at least one count or budget", blocking=False,
          extra=("funnel_counts", "budgets")),
]


def _result(spec_name: str, table: str, failing: pd.DataFrame, severity: dg.AssetCheckSeverity, what: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=table, check_name=spec_name, passed=failing.empty, severity=severity,
        metadata={"failing_rows": len(failing), "description": what, "sample": dg.MetadataValue.md(preview(failing, 20))},
    )


def _schema_result(table: str, failures: list[Failure]) -> dg.AssetCheckResult:
    sample = pd.DataFrame([{"row": f.row, "check": f.check, "severity": f.severity, "problem": f.sentence} for f in failures])
    errors = [f for f in failures if f.severity == "error"]
    return dg.AssetCheckResult(
        asset_key=table, check_name=f"{table}_schema", passed=not failures, severity=ERROR if errors else WARN,
        metadata={
            "failing_rows": len({f.row for f in failures}),
            "contract_errors": len(errors),
            "doubts": len(failures) - len(errors),
            "sample": dg.MetadataValue.md(preview(sample, 20)),
        },
    )


def check_results(tables: Tables, failures: dict[str, list[Failure]]) -> Iterator[dg.AssetCheckResult]:
    """Every check of CHECK_SPECS on these tables; `failures` are the pandera failures found when validating them."""
    for table in TABLES:
        yield _schema_result(table, failures.get(table, []))
    documents, programmes = tables["documents"], tables["programmes"]
    text = dict(zip(tables["document_text"]["doc_id"].tolist(), tables["document_text"]["text"].tolist()))  # once for every table
    for table in LINKED_TABLES:
        yield _result(f"{table}_references", table, missing_references(tables[table], documents, programmes), ERROR,
                      "rows pointing at a document or programme that does not exist")
    for table in LINKED_TABLES:
        yield _result(f"{table}_provenance", table, provenance_failures(tables[table], text), ERROR,
                      "rows whose evidence span does not match the reply's text")
    yield _result("held_documents_have_programmes", "documents", held_without_programmes(documents, programmes), WARN,
                  "replies that hold information but where no programme was recognised")
    yield _result("programmes_have_figures", "programmes",
                  programmes_without_figures(programmes, tables["funnel_counts"], tables["budgets"]), WARN,
                  "programmes with no count and no budget")

