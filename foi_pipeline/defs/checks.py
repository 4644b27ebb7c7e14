"""Asset checks, generated per table (the PUDL pattern): the pandera contract, references, provenance, and doubts.

A broken contract fails with severity ERROR and blocks the warehouse (and the marts after it); a doubt
fails with severity WARN, which shows in the UI but does not block.
"""

import dagster as dg
import pandas as pd

from foi_pipeline.contract import FACT_TABLES, TABLES
from foi_pipeline.defs.metadata import preview
from foi_pipeline.defs.resources import FoiSettings
from foi_pipeline.schemas import validate_table
from foi_pipeline.schemas.cross_table import (
    held_without_programmes, missing_references, programmes_without_figures, provenance_failures,
)

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN


def _run_id(context) -> str:
    """The run whose staged tables to check (checks run before the warehouse publishes them)."""
    return getattr(context, "run_id", None) or context.run.run_id


def _result(failing: pd.DataFrame, severity: dg.AssetCheckSeverity, what: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=failing.empty,
        severity=severity,
        metadata={"failing_rows": len(failing), "description": what, "sample": dg.MetadataValue.md(preview(failing, 20))},
    )


def _schema_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=table, name=f"{table}_schema", blocking=True, description=f"{table} satisfies its pandera model")
    def _check(context: dg.AssetCheckExecutionContext, foi: FoiSettings) -> dg.AssetCheckResult:
        failures = validate_table(table, foi.warehouse(_run_id(context)).read_current(table))
        sample = pd.DataFrame([{"row": f.row, "check": f.check, "severity": f.severity, "problem": f.sentence} for f in failures])
        errors = [f for f in failures if f.severity == "error"]
        return dg.AssetCheckResult(
            passed=not failures,
            severity=ERROR if errors else WARN,
            metadata={
                "failing_rows": len({f.row for f in failures}),
                "contract_errors": len(errors),
                "doubts": len(failures) - len(errors),
                "sample": dg.MetadataValue.md(preview(sample, 20)),
            },
        )

    return _check


def _references_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=table, name=f"{table}_references", blocking=True, additional_deps=[t for t in ("documents", "programmes") if t != table],
                    description=f"every doc_id of {table} is a document and every programme_id a programme")
    def _check(context: dg.AssetCheckExecutionContext, foi: FoiSettings) -> dg.AssetCheckResult:
        store = foi.warehouse(_run_id(context))
        failing = missing_references(store.read_current(table), store.read_current("documents"), store.read_current("programmes"))
        return _result(failing, ERROR, "rows pointing at a document or programme that does not exist")

    return _check


def _provenance_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=table, name=f"{table}_provenance", blocking=True, additional_deps=["document_text"],
                    description="document_text.text[char_start:char_end] == evidence_text on every row")
    def _check(context: dg.AssetCheckExecutionContext, foi: FoiSettings) -> dg.AssetCheckResult:
        store = foi.warehouse(_run_id(context))
        failing = provenance_failures(store.read_current(table), store.read_current("document_text"))
        return _result(failing, ERROR, "rows whose evidence span does not match the reply's text")

    return _check


@dg.asset_check(asset="documents", additional_deps=["programmes"], description="a reply that holds information names at least one programme")
def held_documents_have_programmes(context: dg.AssetCheckExecutionContext, foi: FoiSettings) -> dg.AssetCheckResult:
    store = foi.warehouse(_run_id(context))
    return _result(held_without_programmes(store.read_current("documents"), store.read_current("programmes")), WARN,
                   "replies that hold information but where no programme was recognised")


@dg.asset_check(asset="programmes", additional_deps=["funnel_counts", "budgets"], description="a programme has at least one count or budget")
def programmes_have_figures(context: dg.AssetCheckExecutionContext, foi: FoiSettings) -> dg.AssetCheckResult:
    store = foi.warehouse(_run_id(context))
    failing = programmes_without_figures(store.read_current("programmes"), store.read_current("funnel_counts"), store.read_current("budgets"))
    return _result(failing, WARN, "programmes with no count and no budget")


all_checks = [
    *(_schema_check(t) for t in TABLES),
    *(_references_check(t) for t in (*FACT_TABLES, "review_queue")),
    *(_provenance_check(t) for t in (*FACT_TABLES, "review_queue")),
    held_documents_have_programmes,
    programmes_have_figures,
]
