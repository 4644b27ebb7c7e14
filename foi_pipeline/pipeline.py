"""Ingested documents -> contract tables as typed DataFrames. Plain functions; the Dagster assets call them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from foi_pipeline.contract import FACT_TABLES, TABLES, columns
from foi_pipeline.extract import EXTRACTOR_VERSION, Extraction, extract_reply
from foi_pipeline.ingest import IngestedDocument
from foi_pipeline.specs import Catalogue, RequestSpec, match_request

EXTRACTED_TABLES = (*FACT_TABLES, "review_queue")
SORT_KEYS = {
    "documents": ["source_path"],
    "document_text": ["doc_id"],
    "answers": ["doc_id", "question_key"],
    "programmes": ["doc_id", "programme_id"],
    "funnel_counts": ["doc_id", "programme_id", "route", "stage"],
    "budgets": ["doc_id", "programme_id", "char_start"],
    "funders": ["doc_id", "programme_id", "funder"],
    "referrers": ["doc_id", "programme_id", "organisation"],
    "review_queue": ["doc_id", "table_name", "field", "char_start", "reason"],
}
_PANDAS_TYPES = {"VARCHAR": "string", "INTEGER": "Int64", "BIGINT": "Int64", "DATE": "object", "DECIMAL(14,2)": "object", "VARCHAR[]": "object"}


def empty_frame(table: str) -> pd.DataFrame:
    """A table with no rows but every contract column, so empty tables are still written as tables."""
    return frame(table, [])


def frame(table: str, rows: Iterable[dict]) -> pd.DataFrame:
    """Rows -> a DataFrame with exactly the contract's columns, in order, sorted by the table's keys."""
    df = pd.DataFrame(list(rows), columns=columns(table))
    for name, sql_type in TABLES[table]:
        df[name] = df[name].astype(_PANDAS_TYPES[sql_type]) if sql_type not in ("DATE", "DECIMAL(14,2)", "VARCHAR[]") else df[name].astype("object")
    keys = [k for k in SORT_KEYS.get(table, []) if k in df.columns]
    if keys and len(df):
        df = df.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)
    return df


@dataclass
class ExtractedCorpus:
    """What extraction made of every readable document, keyed by doc_id, plus how each was matched to a request."""

    extractions: dict[str, Extraction] = field(default_factory=dict)
    requests: dict[str, tuple[str, str]] = field(default_factory=dict)  # source_path -> (request_id, how)
    version: str = EXTRACTOR_VERSION


def extract_corpus(
    docs: list[IngestedDocument], specs: list[RequestSpec], catalogue: Catalogue, default_request: str | None = None, cache=None
) -> ExtractedCorpus:
    """Extract each distinct readable document once; an extractor crash becomes a review item, never a failed run.

    With a cache (keyed by the reply's bytes and its request, versioned by the extractor), unchanged replies are reused.
    """
    by_id = {s.id: s for s in specs}
    corpus = ExtractedCorpus()
    for doc in docs:
        spec, how = match_request(doc.text, doc.source_path, specs)
        if how == "default" and default_request in by_id:
            spec = by_id[default_request]
        corpus.requests[doc.source_path] = (spec.id, how)
        if doc.parse_status != "ok" or doc.doc_id in corpus.extractions:
            continue
        key = (doc.sha256, spec.id)
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            corpus.extractions[doc.doc_id] = _with_population(cached, spec)
            continue
        try:
            corpus.extractions[doc.doc_id] = _with_population(
                extract_reply(doc.text, doc_id=doc.doc_id, spec=spec, catalogue=catalogue), spec)
            if cache is not None:
                cache.put(key, corpus.extractions[doc.doc_id])
        except Exception as err:  # noqa: BLE001 - one bad reply must not stop the others
            crashed = Extraction(metadata={"financial_year": spec.financial_year})
            crashed.tables["review_queue"].append({
                "doc_id": doc.doc_id, "table_name": "documents", "field": "text", "severity": "error",
                "reason": f"extractor crashed: {err.__class__.__name__}: {err}", "char_start": 0, "char_end": 0,
                "evidence_text": "", "extractor": "pipeline", "programme_id": None, "value": None,
            })
            corpus.extractions[doc.doc_id] = crashed
    return corpus


def _with_population(extraction: Extraction, spec: RequestSpec) -> Extraction:
    """funnel_counts.population is the request's population (DESIGN.md section 3); fill it where the extractor did not."""
    for row in extraction.tables.get("funnel_counts", []):
        if not row.get("population"):
            row["population"] = spec.population
    return extraction


def _as_date(value: object) -> dt.date | None:
    """The extractor's response_date as a date (a date, or an ISO string); anything else is unknown."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def documents_table(docs: list[IngestedDocument], corpus: ExtractedCorpus, specs: list[RequestSpec]) -> pd.DataFrame:
    """One row per input file, whatever happened to it."""
    by_id = {s.id: s for s in specs}
    rows = []
    for doc in docs:
        request_id, how = corpus.requests.get(doc.source_path, (None, None))
        spec = by_id.get(request_id)
        meta = corpus.extractions[doc.doc_id].metadata if doc.parse_status == "ok" and doc.doc_id in corpus.extractions else {}
        rows.append({
            "doc_id": doc.doc_id, "source_path": doc.source_path, "media_type": doc.media_type, "sha256": doc.sha256,
            "byte_size": doc.byte_size, "request_id": request_id, "authority": meta.get("authority"), "area": meta.get("area"),
            "foi_reference": meta.get("foi_reference"),
            "response_date": _as_date(meta.get("response_date")),
            "financial_year": meta.get("financial_year") or (spec.financial_year if spec else None),
            "information_status": meta.get("information_status"), "parse_status": doc.parse_status, "parse_error": doc.parse_error,
            "request_match": how, "population": spec.population if spec else None, "parent_doc_id": doc.parent_doc_id,
            "duplicate_of": doc.duplicate_of, "email_from": doc.email_headers.get("From"), "email_to": doc.email_headers.get("To"),
            "email_date": doc.email_headers.get("Date"), "email_subject": doc.email_headers.get("Subject"),
        })
    return frame("documents", rows)


def document_text_table(docs: list[IngestedDocument]) -> pd.DataFrame:
    """One row per distinct readable text: what every evidence span indexes into."""
    seen: set[str] = set()
    rows = []
    for doc in docs:
        if doc.parse_status == "ok" and doc.doc_id not in seen:
            seen.add(doc.doc_id)
            rows.append({"doc_id": doc.doc_id, "text": doc.text})
    return frame("document_text", rows)


def fact_table(table: str, corpus: ExtractedCorpus) -> pd.DataFrame:
    """All documents' rows of one extracted table."""
    return frame(table, (row for extraction in corpus.extractions.values() for row in extraction.tables.get(table, [])))


def build_tables(docs: list[IngestedDocument], corpus: ExtractedCorpus, specs: list[RequestSpec]) -> dict[str, pd.DataFrame]:
    """Every contract table, as extracted (before corrections and validation)."""
    tables = {"documents": documents_table(docs, corpus, specs), "document_text": document_text_table(docs)}
    for table in EXTRACTED_TABLES:
        tables[table] = fact_table(table, corpus)
    return tables


def _cell(row: dict, column: str) -> object:
    value = row.get(column)
    return None if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else value


def validation_review_rows(table: str, df: pd.DataFrame, failures: list) -> list[dict]:
    """One review item per failing row and check, pointing at the row's own evidence."""
    rows = []
    for failure in failures:
        row = df.iloc[failure.row].to_dict() if failure.row is not None and 0 <= failure.row < len(df) else {}
        doc_id = _cell(row, "doc_id") or "0" * 16
        has_span = row and _cell(row, "evidence_text") is not None and _cell(row, "char_start") is not None
        rows.append({
            "doc_id": doc_id, "table_name": table, "field": failure.column or failure.check,
            "reason": f"failed check '{failure.check}': {failure.sentence}", "severity": failure.severity,
            "char_start": int(row["char_start"]) if has_span else 0, "char_end": int(row["char_end"]) if has_span else 0,
            "evidence_text": row["evidence_text"] if has_span else "", "extractor": f"validation:{failure.check}",
            "programme_id": _cell(row, "programme_id"), "value": failure.value,
        })
    return rows


def validate_tables(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, list]]:
    """Validate every table lazily; failing rows stay where they are and are added to review_queue."""
    from foi_pipeline.schemas import validate_table

    failures = {table: validate_table(table, df) for table, df in tables.items() if table != "review_queue"}
    extra = [row for table, found in failures.items() for row in validation_review_rows(table, tables[table], found)]
    out = dict(tables)
    if extra:
        out["review_queue"] = frame("review_queue", [*tables["review_queue"].to_dict("records"), *extra])
    return out, failures
