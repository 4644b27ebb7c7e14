"""Assets: raw replies -> extraction -> corrections -> validation -> one Parquet file per table -> foi.duckdb."""

from collections import Counter
from pathlib import Path

import dagster as dg
import pandas as pd

from foi_pipeline.contract import ALL_TABLES, TABLES
from foi_pipeline.corrections import apply_corrections, load_corrections, outcome_review_rows
from foi_pipeline.defs.metadata import table_metadata, table_schema
from foi_pipeline.defs.resources import FoiSettings
from foi_pipeline.extract import EXTRACTOR_VERSION
from foi_pipeline.cache import ResultCache, assets_fingerprint
from foi_pipeline.ingest import INGEST_VERSION, IngestedDocument, ingest_directory
from foi_pipeline.pipeline import ExtractedCorpus, build_tables, extract_corpus, frame, validate_tables
from foi_pipeline.specs import load_catalogue, load_requests
from foi_pipeline.warehouse import row_count

TABLE_DESCRIPTIONS = {
    "documents": "One row per input file, readable or not, with the request it answers and the letter's metadata.",
    "document_text": "The text of every readable reply: what every evidence span points into.",
    "answers": "One row per reply and question of its request: the reply's own label, the answer text and how it was aligned.",
    "programmes": "Every programme or intervention a reply names, with providers, a one-line description and a catalogue type.",
    "funnel_counts": "Referred, accepted and completed, by route (self / agency), per programme, with status, qualifier and bounds.",
    "budgets": "Budget per programme (or for the whole reply), in pounds, with its period.",
    "funders": "Organisations that fund each programme, cash or in kind.",
    "referrers": "Organisations that refer people to each programme.",
    "review_queue": "Values a person should check, with the reason and the evidence: extraction doubts, failed checks, unapplied corrections.",
}
Tables = dict[str, pd.DataFrame]


@dg.asset(group_name="ingest", kinds={"python"}, code_version=INGEST_VERSION)
def raw_documents(context: dg.AssetExecutionContext, foi: FoiSettings) -> list[IngestedDocument]:
    """Every file under the raw folder as text, or with the reason it has none (parse_status)."""

    def progress(i: int, n: int, path: str) -> None:
        if i == 1 or i == n or i % 100 == 0:
            context.log.info(f"ingesting {i}/{n}: {path}")

    cache = ResultCache(foi.cache_dir, "ingest", INGEST_VERSION)
    docs = ingest_directory(foi.raw_path, max_bytes=foi.max_bytes, progress=progress, cache=cache)
    cache.save()
    by_status = Counter(d.parse_status for d in docs)
    context.add_output_metadata({
        "files": len(docs), "parsed": cache.misses, "reused_from_cache": cache.hits,
        **{f"parse_status/{k}": v for k, v in sorted(by_status.items())},
    })
    return docs


@dg.asset(group_name="extract", kinds={"python"}, code_version=EXTRACTOR_VERSION)
def extraction(context: dg.AssetExecutionContext, raw_documents: list[IngestedDocument], foi: FoiSettings) -> ExtractedCorpus:
    """Each readable reply matched to its request and read into answers and facts, with evidence spans."""
    cache = ResultCache(foi.cache_dir, "extract", f"{EXTRACTOR_VERSION}-{assets_fingerprint()}")
    corpus = extract_corpus(raw_documents, load_requests(), load_catalogue(), foi.default_request, cache=cache)
    cache.save()
    crashed = sum(1 for e in corpus.extractions.values() for r in e.tables["review_queue"] if r["reason"].startswith("extractor crashed"))
    context.add_output_metadata({"replies": len(corpus.extractions), "extracted": cache.misses, "reused_from_cache": cache.hits,
                                 "extractor_crashes": crashed})
    return corpus


@dg.asset(group_name="extract", kinds={"pandas"}, code_version=EXTRACTOR_VERSION)
def extracted_tables(raw_documents: list[IngestedDocument], extraction: ExtractedCorpus) -> Tables:
    """The contract tables as the extractor read them, before corrections and validation."""
    return build_tables(raw_documents, extraction, load_requests())


@dg.asset(group_name="validate", kinds={"pandas"}, code_version="1")
def corrected_tables(context: dg.AssetExecutionContext, extracted_tables: Tables, foi: FoiSettings) -> Tables:
    """Analysts' corrections from data/corrections/*.csv applied; each corrected row keeps its extracted value."""
    corrections = load_corrections(Path(foi.corrections_dir))
    tables, outcomes = apply_corrections(extracted_tables, corrections)
    unapplied = outcome_review_rows(outcomes, tables["documents"])
    if unapplied:
        tables["review_queue"] = frame("review_queue", [*tables["review_queue"].to_dict("records"), *unapplied])
    if any(o.applied for o in outcomes):  # edited cells may have changed a column's type or a row's sort position
        tables = {name: frame(name, df.to_dict("records")) for name, df in tables.items()}
    not_applied = [f"{o.correction.source}: {o.message}" for o in outcomes if not o.applied]
    context.add_output_metadata({
        "corrections": len(corrections),
        "applied": sum(o.applied for o in outcomes),
        "not_applied": len(not_applied),
        "not_applied_detail": dg.MetadataValue.md("\n".join(f"- {line}" for line in not_applied) or "_none_"),
    })
    for line in not_applied:
        context.log.warning(line)
    return tables


@dg.asset(group_name="validate", kinds={"pandera"}, code_version="1")
def validated_tables(context: dg.AssetExecutionContext, corrected_tables: Tables) -> Tables:
    """Every table checked against its pandera model; failing rows are kept and listed in review_queue."""
    tables, failures = validate_tables(corrected_tables)
    context.add_output_metadata({f"failures/{table}": len(found) for table, found in failures.items()})
    return tables


def _table_asset(table: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=table, group_name="warehouse", kinds={"parquet"}, code_version="1",
        description=TABLE_DESCRIPTIONS[table], metadata={"dagster/column_schema": table_schema(table)},
    )
    def _asset(context: dg.AssetExecutionContext, validated_tables: Tables, foi: FoiSettings) -> dg.MaterializeResult:
        df = validated_tables[table]
        foi.warehouse(context.run.run_id).stage(table, df)
        return dg.MaterializeResult(metadata=table_metadata(table, df))

    return _asset


table_assets = [_table_asset(table) for table in TABLES]


@dg.asset(group_name="warehouse", kinds={"duckdb", "parquet"}, code_version="1", pool="warehouse", deps=list(ALL_TABLES))
def warehouse(context: dg.AssetExecutionContext, foi: FoiSettings) -> dg.MaterializeResult:
    """foi.duckdb and parquet/<table>.parquet (tables and marts), swapped in together once every table passed its contract checks."""
    store = foi.warehouse(context.run.run_id)
    store.publish(list(ALL_TABLES))
    context.log.info(f"published {len(TABLES)} tables to {store.database}")
    return dg.MaterializeResult(metadata={
        "database": dg.MetadataValue.path(str(store.database)),
        "parquet": dg.MetadataValue.path(str(store.parquet_dir)),
        **{f"rows/{t}": row_count(store.parquet_dir / f"{t}.parquet") for t in ALL_TABLES},
    })


from foi_pipeline.defs.marts import evidence_report, mart_assets  # noqa: E402

all_assets = [raw_documents, extraction, extracted_tables, corrected_tables, validated_tables, *table_assets, *mart_assets, warehouse, evidence_report]
