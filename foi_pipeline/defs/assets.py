"""Assets: raw replies -> extraction -> one Parquet file per contract table -> foi.duckdb."""


from collections import Counter

import dagster as dg

from foi_pipeline.contract import TABLES
from foi_pipeline.defs.metadata import table_metadata, table_schema
from foi_pipeline.defs.resources import FoiSettings
from foi_pipeline.extract import EXTRACTOR_VERSION
from foi_pipeline.ingest import IngestedDocument, ingest_directory
from foi_pipeline.pipeline import (
    EXTRACTED_TABLES, ExtractedCorpus, document_text_table, documents_table, extract_corpus, fact_table,
)
from foi_pipeline.specs import load_catalogue, load_requests

INGEST_VERSION = "1"
TABLE_DESCRIPTIONS = {
    "answers": "One row per reply and question of its request: the reply's own label, the answer text and how it was aligned.",
    "programmes": "Every programme or intervention a reply names, with providers, a one-line description and a catalogue type.",
    "funnel_counts": "Referred, accepted and completed, by route (self / agency), per programme, with status, qualifier and bounds.",
    "budgets": "Budget per programme (or for the whole reply), in pounds, with its period.",
    "funders": "Organisations that fund each programme, cash or in kind.",
    "referrers": "Organisations that refer people to each programme.",
    "review_queue": "Values a person should check, with the reason and the evidence.",
}


@dg.asset(group_name="ingest", kinds={"python"}, code_version=INGEST_VERSION)
def raw_documents(context: dg.AssetExecutionContext, foi: FoiSettings) -> list[IngestedDocument]:
    """Every file under the raw folder as text, or with the reason it has none (parse_status)."""

    def progress(i: int, n: int, path: str) -> None:
        if i == 1 or i == n or i % 100 == 0:
            context.log.info(f"ingesting {i}/{n}: {path}")

    docs = ingest_directory(foi.raw_path, max_bytes=foi.max_bytes, progress=progress)
    by_status = Counter(d.parse_status for d in docs)
    context.add_output_metadata({"files": len(docs), **{f"parse_status/{k}": v for k, v in sorted(by_status.items())}})
    return docs


@dg.asset(group_name="extract", kinds={"python"}, code_version=EXTRACTOR_VERSION)
def extraction(context: dg.AssetExecutionContext, raw_documents: list[IngestedDocument], foi: FoiSettings) -> ExtractedCorpus:
    """Each readable reply matched to its request and read into answers and facts, with evidence spans."""
    corpus = extract_corpus(raw_documents, load_requests(), load_catalogue(), foi.default_request)
    crashed = sum(1 for e in corpus.extractions.values() for r in e.tables["review_queue"] if r["reason"].startswith("extractor crashed"))
    context.add_output_metadata({"replies_extracted": len(corpus.extractions), "extractor_crashes": crashed})
    return corpus


def _stage(foi: FoiSettings, table: str, df) -> dg.MaterializeResult:
    foi.warehouse().stage(table, df)
    return dg.MaterializeResult(metadata=table_metadata(table, df))


@dg.asset(group_name="extract", kinds={"parquet"}, code_version=EXTRACTOR_VERSION, metadata={"dagster/column_schema": table_schema("documents")})
def documents(raw_documents: list[IngestedDocument], extraction: ExtractedCorpus, foi: FoiSettings) -> dg.MaterializeResult:
    """One row per input file, readable or not, with the request it answers and the letter's metadata."""
    return _stage(foi, "documents", documents_table(raw_documents, extraction, load_requests()))


@dg.asset(group_name="ingest", kinds={"parquet"}, code_version=INGEST_VERSION, metadata={"dagster/column_schema": table_schema("document_text")})
def document_text(raw_documents: list[IngestedDocument], foi: FoiSettings) -> dg.MaterializeResult:
    """The text of every readable reply: what every evidence span points into."""
    return _stage(foi, "document_text", document_text_table(raw_documents))


def _fact_asset(table: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=table, group_name="extract", kinds={"parquet"}, code_version=EXTRACTOR_VERSION,
        description=TABLE_DESCRIPTIONS[table], metadata={"dagster/column_schema": table_schema(table)},
    )
    def _asset(extraction: ExtractedCorpus, foi: FoiSettings) -> dg.MaterializeResult:
        return _stage(foi, table, fact_table(table, extraction))

    return _asset


fact_assets = [_fact_asset(table) for table in EXTRACTED_TABLES]


@dg.asset(
    group_name="warehouse", kinds={"duckdb", "parquet"}, code_version="1", pool="warehouse",
    deps=["documents", "document_text", *EXTRACTED_TABLES],
)
def warehouse(context: dg.AssetExecutionContext, foi: FoiSettings) -> dg.MaterializeResult:
    """foi.duckdb and parquet/<table>.parquet, swapped in together once every table is ready."""
    store = foi.warehouse()
    store.publish(list(TABLES))
    context.log.info(f"published {len(TABLES)} tables to {store.database}")
    return dg.MaterializeResult(metadata={
        "database": dg.MetadataValue.path(str(store.database)),
        "parquet": dg.MetadataValue.path(str(store.parquet_dir)),
        **{f"rows/{t}": len(store.read(t)) for t in TABLES},
    })


all_assets = [raw_documents, extraction, documents, document_text, *fact_assets, warehouse]
