"""Assets: raw replies -> extraction -> the contract tables (corrected, validated, checked, staged) -> marts -> report -> the warehouse, published."""

import time
from collections import Counter
from pathlib import Path

import dagster as dg
import pandas as pd

from foi_pipeline.cache import ContentCache, PassedValidation, ResultCache, TableCache, assets_fingerprint
from foi_pipeline.contract import ALL_TABLES, TABLES
from foi_pipeline.corrections import CorrectionsError, apply_corrections, load_corrections, outcome_review_rows, outcome_summary
from foi_pipeline.defs.checks import CHECK_SPECS, check_results
from foi_pipeline.defs.metadata import table_metadata, table_schema
from foi_pipeline.defs.pool import pool_slot
from foi_pipeline.defs.resources import FoiSettings
from foi_pipeline.extract import EXTRACTOR_VERSION
from foi_pipeline.freshness import folder_fingerprint, record_published
from foi_pipeline.ingest import INGEST_VERSION, IngestedDocument, ingest_directory
from foi_pipeline.ingest.ocr import OCR_VERSION, OcrReader
from foi_pipeline.metadata import TABLE_METADATA
from foi_pipeline.pipeline import (
    ExtractedCorpus,
    assigned_requests,
    build_tables,
    extract_corpus,
    frame,
    mark_counted,
    validate_tables,
)
from foi_pipeline.replies import merge_replies
from foi_pipeline.schemas import SCHEMA_VERSION, validate_table
from foi_pipeline.specs import load_catalogue, load_requests

Tables = dict[str, pd.DataFrame]
PROGRESS_EVERY_S = 5.0


@dg.asset(group_name="ingest", kinds={"python"}, code_version=INGEST_VERSION)
def raw_documents(context: dg.AssetExecutionContext, foi: FoiSettings) -> list[IngestedDocument]:
    """Every file under the raw folder as text, or with the reason it has none (parse_status)."""

    last = [0.0]

    def progress(i: int, n: int, path: str) -> None:
        # A line every few seconds: each log line is an event Dagster stores, so not one per hundred files.
        if i == 1 or i == n or time.monotonic() - last[0] > PROGRESS_EVERY_S:
            last[0] = time.monotonic()
            context.log.info(f"ingesting {i}/{n}: {path}")

    def ocr_progress(done: int, total: int) -> None:
        if done == 1 or done == total or time.monotonic() - last[0] > PROGRESS_EVERY_S:
            last[0] = time.monotonic()
            context.log.info(f"OCR: read {done}/{total} scanned pages")

    cache = ResultCache(foi.cache_dir, "ingest", INGEST_VERSION, warn=context.log.warning)
    # Scanned pages (seconds each) are cached apart, by the file's bytes: a new ingest version does not OCR them again.
    ocr = OcrReader(cache=ContentCache(foi.cache_dir, "ocr", OCR_VERSION, warn=context.log.warning), workers=foi.workers)
    fingerprint = folder_fingerprint(foi.raw_path)  # before reading: a file changed meanwhile makes the sensor run again
    docs = ingest_directory(foi.raw_path, max_bytes=foi.max_bytes, progress=progress, cache=cache, ocr=ocr,
                            ocr_progress=ocr_progress)
    cache.save()
    ocr.cache.save(live={d.sha256 for d in docs if d.sha256})
    by_status = Counter(d.parse_status for d in docs)
    by_source = Counter(d.text_source for d in docs if d.text_source)
    context.add_output_metadata({
        "files": len(docs), "parsed": cache.misses, "reused_from_cache": cache.hits, "raw_fingerprint": fingerprint,
        **{f"parse_status/{k}": v for k, v in sorted(by_status.items())},
        **{f"text_source/{k}": v for k, v in sorted(by_source.items())},
        "ocr_pages_read": ocr.pages_read, "ocr_seconds": round(ocr.seconds, 2),
    })
    return docs


@dg.asset(group_name="extract", kinds={"python"}, code_version=EXTRACTOR_VERSION)
def extraction(context: dg.AssetExecutionContext, raw_documents: list[IngestedDocument], foi: FoiSettings) -> ExtractedCorpus:
    """Each readable reply matched to its request and read into answers and facts, with evidence spans."""

    def progress(done: int, total: int) -> None:
        context.log.info(f"extracted {done}/{total} new or changed replies")

    # Spans index into the ingested text, so a new ingest version (other text from the same bytes) re-extracts too.
    cache = TableCache(foi.cache_dir, "extract", f"{EXTRACTOR_VERSION}-{INGEST_VERSION}-{assets_fingerprint()}",
                       warn=context.log.warning)
    # A reply given its request by a correction is read as a reply to that request.
    assigned = assigned_requests(_corrections(foi), raw_documents)
    corpus = extract_corpus(raw_documents, load_requests(), load_catalogue(), foi.default_request, cache=cache,
                            workers=foi.workers, progress=progress, assigned=assigned)
    context.add_output_metadata({"replies": corpus.extracted + corpus.reused + corpus.crashed, "extracted": corpus.extracted,
                                 "reused_from_cache": corpus.reused, "extractor_crashes": corpus.crashed})
    return corpus


def _table_spec(table: str) -> dg.AssetSpec:
    return dg.AssetSpec(table, group_name="tables", kinds={"parquet"}, code_version="2", description=TABLE_METADATA[table].description,
                        metadata={"dagster/column_schema": table_schema(table)}, deps=["raw_documents", "extraction"])


@dg.multi_asset(name="contract_tables", specs=[_table_spec(t) for t in TABLES], check_specs=CHECK_SPECS,
                ins={"raw_documents": dg.AssetIn(), "extraction": dg.AssetIn()})
def contract_tables(context: dg.AssetExecutionContext, raw_documents: list[IngestedDocument], extraction: ExtractedCorpus, foi: FoiSettings):
    """The contract tables: built from the extraction, analysts' corrections applied, validated, checked and staged.

    One step, so each table is validated once, checked on the frame that is staged, and never read back.
    """
    specs = load_requests()
    tables = build_tables(raw_documents, extraction, specs)
    tables, corrections = _corrected(context, tables, foi)
    tables = merge_replies(mark_counted(tables, [s.id for s in specs]))  # an e-mail and its attachments: one reply
    passed = PassedValidation(foi.cache_dir, SCHEMA_VERSION, warn=context.log.warning)
    tables, failures, now_passed = validate_tables(tables, passed.passed)
    passed.save(now_passed)
    failures["review_queue"] = validate_table("review_queue", tables["review_queue"])
    store = foi.run_warehouse(context)
    for table in TABLES:
        store.stage(table, tables[table])
        metadata = table_metadata(table, tables[table])
        if table == "review_queue":
            metadata.update(corrections)
            metadata.update({f"failures/{t}": len(found) for t, found in failures.items()})
        yield dg.MaterializeResult(asset_key=table, metadata=metadata)
    yield from check_results(tables, failures)


def _corrections(foi: FoiSettings) -> list:
    """The analysts' corrections; a file that cannot be read fails the step with one line saying where (the
    traceback goes to the log), so nothing is published without the corrections applied before."""
    try:
        return load_corrections(Path(foi.corrections_dir))
    except CorrectionsError as err:
        raise dg.Failure(description=str(err), allow_retries=False) from err


def _corrected(context: dg.AssetExecutionContext, tables: Tables, foi: FoiSettings) -> tuple[Tables, dict]:
    """Analysts' corrections from data/corrections/*.csv applied; each corrected row keeps its extracted value."""
    corrections = _corrections(foi)
    tables, outcomes = apply_corrections(tables, corrections)
    unapplied = outcome_review_rows(outcomes, tables["documents"])
    if unapplied:
        tables["review_queue"] = frame("review_queue", [*tables["review_queue"].to_dict("records"), *unapplied])
    if any(o.applied for o in outcomes):  # edited cells may have changed a column's type or a row's sort position
        tables = {name: frame(name, df.to_dict("records")) for name, df in tables.items()}
    counts, not_applied = outcome_summary(outcomes)
    for line in not_applied:
        context.log.warning(line)
    return tables, {
        **counts,
        "corrections_not_applied_detail": dg.MetadataValue.md("\n".join(f"- {line}" for line in not_applied) or "_none_"),
    }


@dg.asset(group_name="publish", kinds={"duckdb", "parquet"}, code_version="2", deps=[*ALL_TABLES, "evidence_report"])
def warehouse(context: dg.AssetExecutionContext, foi: FoiSettings) -> dg.MaterializeResult:
    """foi.duckdb, parquet/<table>.parquet (tables and marts) and report/, published together as one generation once
    every table passed its contract checks, holding the `warehouse` pool's slot. A run that would lose every published
    document, or more than FOI_MAX_SHRINK of them, publishes nothing unless allowed (FOI_ALLOW_SHRINK, --allow-shrink)."""
    store = foi.run_warehouse(context)
    step = context.get_step_execution_context().step.key
    with pool_slot(context.instance, context.run.run_id, step, foi.publish_wait_s, context.log):
        published = store.publish(list(ALL_TABLES), with_report=True, max_shrink=None if foi.allow_shrink else foi.max_shrink,
                                  wait_s=foi.publish_wait_s)
        record_published(store.root, foi.raw_dir, _ingested_fingerprint(context))
    context.log.info(f"published {len(ALL_TABLES)} tables and the report to {store.root} ({published.generation.name})")
    return dg.MaterializeResult(metadata={
        "generation": dg.MetadataValue.path(str(published.generation)),
        "database": dg.MetadataValue.path(str(store.database)),
        "parquet": dg.MetadataValue.path(str(store.parquet_dir)),
        **{f"rows/{t}": n for t, n in published.rows.items()},
    })


def _ingested_fingerprint(context: dg.AssetExecutionContext) -> str | None:
    """The raw folder's fingerprint as this run's raw_documents step found it (None if another run ingested since)."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey("raw_documents"))
    if event is None or event.run_id != context.run.run_id or event.asset_materialization is None:
        return None
    value = event.asset_materialization.metadata.get("raw_fingerprint")
    return value.value if value is not None else None


from foi_pipeline.defs.marts import evidence_report, mart_assets  # noqa: E402

all_assets = [raw_documents, extraction, contract_tables, *mart_assets, evidence_report, warehouse]
