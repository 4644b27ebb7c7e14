"""Ingested documents -> contract tables as typed DataFrames. Plain functions; the Dagster assets call them."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TypedDict

import numpy as np
import pandas as pd

from foi_pipeline import metadata
from foi_pipeline.cache import TableCache
from foi_pipeline.contract import FACT_TABLES, columns
from foi_pipeline.corrections import Correction
from foi_pipeline.corrections import _match_docs as match_docs  # the rule that finds a correction's file
from foi_pipeline.extract import EXTRACTOR_VERSION, Extraction, extract_reply
from foi_pipeline.ingest import IngestedDocument
from foi_pipeline.specs import Catalogue, RequestSpec, match_request, reads_as_request_correspondence

EXTRACTED_TABLES = (*FACT_TABLES, "review_queue")


def sort_key(table: str) -> list[str]:
    """The columns a table's rows are kept in order by (its declaration's sort key)."""
    return list(metadata.table(table).sort_key) if table in metadata.TABLE_METADATA else []



def empty_frame(table: str) -> pd.DataFrame:
    """A table with no rows but every contract column, so empty tables are still written as tables."""
    return frame(table, [])


def frame(table: str, rows: Iterable[dict]) -> pd.DataFrame:
    """Rows -> a DataFrame with exactly the contract's columns, in order, sorted by the table's keys."""
    df = pd.DataFrame(list(rows), columns=columns(table))
    for name, sql_type in metadata.sql_columns(table):
        df[name] = df[name].astype(pd.api.types.pandas_dtype(metadata.pandas_dtype(sql_type)))
    return sort_frame(table, df)


def sort_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    keys = [k for k in sort_key(table) if k in df.columns]
    if keys and len(df):
        df = df.sort_values(keys, kind="stable", na_position="first").reset_index(drop=True)
    return df


def concat_frames(table: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Typed frames of one table -> one sorted frame (empty parts are left out, so they cannot change a dtype)."""
    parts = [df for df in frames if len(df)]
    if not parts:
        return empty_frame(table)
    return sort_frame(table, parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True))


@dataclass
class ExtractedCorpus:
    """What extraction made of the readable documents: each fact table for all of them, the letters' metadata
    by doc_id, and how every file was matched to a request."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    metadata: dict[str, dict] = field(default_factory=dict)
    requests: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # source_path -> (request_id, how)
    assigned: dict[str, str] = field(default_factory=dict)  # doc_id -> the request a correction gives it
    extracted: int = 0
    reused: int = 0
    crashed: int = 0
    version: str = EXTRACTOR_VERSION


PARALLEL_MIN_REPLIES = 200  # below this, starting worker processes costs more than it saves


def extract_corpus(
    docs: list[IngestedDocument], specs: list[RequestSpec], catalogue: Catalogue, default_request: str | None = None,
    cache: TableCache | None = None, workers: int = 1, progress: Callable[[int, int], None] | None = None,
    assigned: dict[str, str] | None = None,
) -> ExtractedCorpus:
    """Extract each distinct readable document once; an extractor crash becomes a review item, never a failed run.

    With a cache (rows keyed by the reply's bytes and its request, versioned by the extractor), the rows of
    unchanged replies are taken as they are and only new or changed replies are read, on `workers` processes
    when there are many. `assigned` (doc_id -> request id, from corrections of documents.request_id) reads a
    reply as one to that request, whatever it was matched to. A text that does not read as a reply is still
    read (with the default request), so an analyst can see what it holds, but is matched to no request ('none').
    """
    by_id = {s.id: s for s in specs}
    corpus = ExtractedCorpus(assigned={d: r for d, r in (assigned or {}).items() if r in by_id})
    keys: dict[str, str] = {}  # doc_id -> cache key
    todo: list[tuple[IngestedDocument, RequestSpec]] = []
    cached = cache.keys() if cache is not None else set()
    known_matches = cache.requests if cache is not None else {}
    matches: dict[str, tuple[str, str]] = {}
    for doc in docs:
        spec, how = _request_of(doc, specs, by_id, default_request, known_matches, matches)
        corpus.requests[doc.source_path] = (spec.id, how)
        if doc.parse_status != "ok" or doc.doc_id in keys:
            continue
        assigned_id = corpus.assigned.get(doc.doc_id)
        spec = by_id.get(assigned_id, spec) if assigned_id is not None else spec
        keys[doc.doc_id] = key = f"{doc.sha256}:{spec.id}"
        if key not in cached:
            todo.append((doc, spec))

    new_rows: dict[str, list[dict]] = {table: [] for table in EXTRACTED_TABLES}
    crashed: set[str] = set()
    for doc, spec, outcome in _extract_all(todo, specs, catalogue, workers, progress):
        if isinstance(outcome, Extraction):
            extraction = _with_population(outcome, spec)
        else:
            extraction = _crash_report(doc.doc_id, spec, outcome)
            crashed.add(doc.doc_id)
        corpus.metadata[doc.doc_id] = extraction.metadata
        for table in EXTRACTED_TABLES:
            new_rows[table].extend(extraction.tables.get(table, []))
    corpus.extracted, corpus.crashed = len(todo) - len(crashed), len(crashed)

    hits = {doc_id: key for doc_id, key in keys.items() if key in cached}
    reused_tables, reused_metadata = cache.select(hits) if cache is not None else ({}, {})
    corpus.metadata.update(reused_metadata)
    corpus.reused = len(hits)
    corpus.tables = {
        table: concat_frames(table, [reused_tables.get(table, empty_frame(table)), frame(table, new_rows[table])])
        for table in EXTRACTED_TABLES
    }
    if cache is not None:
        cache.save({doc_id: key for doc_id, key in keys.items() if doc_id not in crashed}, corpus.tables, corpus.metadata, matches)
    _mark_unmatched(docs, corpus, specs)
    return corpus


def _mark_unmatched(docs: list[IngestedDocument], corpus: ExtractedCorpus, specs: list[RequestSpec]) -> None:
    """A readable file given the default request only because nothing else matched is matched to no request
    ('none') when no part of its reply (an e-mail and its attachments are one reply) reads as an FOI reply:
    it quotes no request, names no authority or area, and neither speaks of FOI nor uses the questions' wording."""
    parents = {d.doc_id: d.parent_doc_id for d in docs if d.parent_doc_id}
    readable = [d for d in docs if d.parse_status == "ok"]
    is_reply: dict[str, bool] = {}
    for doc in readable:
        meta = corpus.metadata.get(doc.doc_id, {})
        sign = (corpus.requests[doc.source_path][1] != "default" or bool(meta.get("authority") or meta.get("area"))
                or reads_as_request_correspondence(doc.text or "", specs))
        reply = _reply_of(doc.doc_id, parents)
        is_reply[reply] = is_reply.get(reply, False) or sign
    for doc in readable:
        if corpus.requests[doc.source_path][1] == "default" and not is_reply[_reply_of(doc.doc_id, parents)]:
            corpus.requests[doc.source_path] = (None, "none")


def _request_of(
    doc: IngestedDocument, specs: list[RequestSpec], by_id: dict[str, RequestSpec], default_request: str | None,
    known: dict[str, tuple[str, str]], matches: dict[str, tuple[str, str]],
) -> tuple[RequestSpec, str]:
    """The request a file answers and how it was chosen; a readable reply's match is remembered in `matches` by
    what it depends on (its bytes, its folder, the default) and taken from `known` when seen before."""
    key = f"{doc.sha256}:{PurePosixPath(doc.source_path).parent}:{default_request}" if doc.parse_status == "ok" else None
    if key in known and known[key][0] in by_id:
        spec, how = by_id[known[key][0]], known[key][1]
    else:
        spec, how = match_request(doc.text, doc.source_path, specs)
        if how == "default" and default_request in by_id:
            spec = by_id[default_request]
    if key:
        matches[key] = (spec.id, how)
    return spec, how


def _extract_all(
    todo: list[tuple[IngestedDocument, RequestSpec]], specs: list[RequestSpec], catalogue: Catalogue, workers: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[tuple[IngestedDocument, RequestSpec, Extraction | str]]:
    """(document, spec, its Extraction or the crash message), in order; in worker processes when there are many."""
    total = len(todo)
    if workers > 1 and total >= PARALLEL_MIN_REPLIES:
        try:
            outcomes = extract_in_workers(todo, specs, catalogue, workers, progress)
        except (BrokenProcessPool, OSError) as err:  # a worker killed (out of memory, a signal): read them here instead
            warnings.warn(f"extraction workers failed ({err.__class__.__name__}: {err}); extracting in this process", stacklevel=2)
        else:
            yield from ((doc, spec, outcome) for (doc, spec), outcome in zip(todo, outcomes))
            return
    for i, (doc, spec) in enumerate(todo, 1):
        yield doc, spec, _extract_one(doc.text or "", doc.doc_id, spec, catalogue)  # an "ok" document has its text
        if progress and (i % 500 == 0 or i == total):
            progress(i, total)


def _extract_one(text: str, doc_id: str, spec: RequestSpec, catalogue: Catalogue) -> Extraction | str:
    try:
        return extract_reply(text, doc_id=doc_id, spec=spec, catalogue=catalogue)
    except Exception as err:  # noqa: BLE001 - one bad reply must not stop the others
        return f"{err.__class__.__name__}: {err}"


class _WorkerState(TypedDict, total=False):
    specs: dict[str, RequestSpec]
    catalogue: Catalogue


_WORKER: _WorkerState = {}


def _start_worker(specs: list[RequestSpec], catalogue: Catalogue) -> None:
    _WORKER["specs"] = {s.id: s for s in specs}
    _WORKER["catalogue"] = catalogue


def _extract_chunk(chunk: list[tuple[str, str, str]]) -> list[Extraction | str]:
    return [_extract_one(text, doc_id, _WORKER["specs"][spec_id], _WORKER["catalogue"]) for doc_id, text, spec_id in chunk]


def extract_in_workers(
    todo: list[tuple[IngestedDocument, RequestSpec]], specs: list[RequestSpec], catalogue: Catalogue, workers: int,
    progress: Callable[[int, int], None] | None,
) -> list[Extraction | str]:
    """Spawned (not forked) workers: the parent may hold threads and locks a fork would copy half-taken."""
    size = max(20, min(200, len(todo) // (workers * 8)))
    chunks = [[(d.doc_id, d.text, s.id) for d, s in todo[i : i + size]] for i in range(0, len(todo), size)]
    outcomes: list[Extraction | str] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(specs, catalogue)) as pool:
        for chunk_outcomes in pool.map(_extract_chunk, chunks):
            outcomes.extend(chunk_outcomes)
            if progress:
                progress(len(outcomes), len(todo))
    return outcomes


def _crash_report(doc_id: str, spec: RequestSpec, message: str) -> Extraction:
    crashed = Extraction(metadata={"financial_year": spec.financial_year})
    crashed.tables["review_queue"].append({
        "doc_id": doc_id, "table_name": "documents", "field": "text", "severity": "error",
        "reason": f"extractor crashed: {message}", "char_start": 0, "char_end": 0,
        "evidence_text": "", "extractor": "pipeline", "programme_id": None, "value": None,
    })
    return crashed


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
        spec_id = corpus.assigned.get(doc.doc_id) or request_id
        spec = by_id.get(spec_id) if spec_id is not None else None  # the request the reply was read as
        # A duplicate has the original's bytes, so the original's letter: same authority, area, date.
        meta = corpus.metadata.get(doc.doc_id, {}) if doc.parse_status in ("ok", "duplicate") else {}
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
            "text_source": doc.text_source if doc.parse_status == "ok" else None,
            "ocr_confidence": doc.ocr_confidence if doc.parse_status == "ok" else None, "ocr_pages": doc.ocr_pages,
        })
    return frame("documents", rows)


def ingest_review_rows(docs: list[IngestedDocument]) -> list[dict]:
    """Review items ingest noted (OCR's doubtful figures, scanned pages not read), one per note of a readable
    document; their spans index into the document's text."""
    rows, seen = [], set()
    for doc in docs:
        if doc.parse_status != "ok" or doc.doc_id in seen:
            continue
        seen.add(doc.doc_id)
        for note in doc.notes:
            rows.append({"doc_id": doc.doc_id, "table_name": "document_text", "field": note["field"], "severity": "warning",
                         "reason": note["reason"], "char_start": note["char_start"], "char_end": note["char_end"],
                         "evidence_text": note["evidence_text"], "extractor": "ingest:ocr", "programme_id": None,
                         "value": note["value"], "suggested_field": None})
    return rows


def document_text_table(docs: list[IngestedDocument]) -> pd.DataFrame:
    """One row per distinct readable text: what every evidence span indexes into."""
    seen: set[str] = set()
    rows = []
    for doc in docs:
        if doc.parse_status == "ok" and doc.doc_id not in seen:
            seen.add(doc.doc_id)
            rows.append({"doc_id": doc.doc_id, "text": doc.text})
    return frame("document_text", rows)


def build_tables(docs: list[IngestedDocument], corpus: ExtractedCorpus, specs: list[RequestSpec]) -> dict[str, pd.DataFrame]:
    """Every contract table, as extracted (before corrections and validation)."""
    tables = {"documents": documents_table(docs, corpus, specs), "document_text": document_text_table(docs)}
    for table in EXTRACTED_TABLES:
        tables[table] = corpus.tables.get(table, empty_frame(table))
    noted = ingest_review_rows(docs)
    if noted:
        tables["review_queue"] = frame("review_queue", [*tables["review_queue"].to_dict("records"), *noted])
    return tables


def assigned_requests(corrections: list[Correction], docs: list[IngestedDocument]) -> dict[str, str]:
    """doc_id -> the request a correction of documents.request_id gives it (the last one wins, as when applied),
    so that extraction reads the reply as one to that request."""
    files = pd.DataFrame({"doc_id": [d.doc_id for d in docs], "source_path": [d.source_path for d in docs]})
    assigned: dict[str, str] = {}
    for c in corrections:
        if c.table == "documents" and c.field == "request_id" and c.value:
            hits = match_docs(files, c.doc)
            if hits:
                assigned[hits[0]] = c.value
    return assigned


def mark_counted(tables: dict[str, pd.DataFrame], request_ids: list[str]) -> dict[str, pd.DataFrame]:
    """documents.counted and superseded_by filled in, and review items for what a person should decide.

    The marts count a readable document with a known request; of several replies from one area to one request
    (an e-mail and its attachments are one reply), only the one with the later response date, else the later
    file. Run after corrections: they may give a file its request or area, and a `counted` they set is kept.
    """
    documents = tables["documents"].copy()
    rows = documents.to_dict("records")
    parents = {r["doc_id"]: r["parent_doc_id"] for r in rows if not pd.isna(r["parent_doc_id"])}
    text = dict(zip(tables["document_text"]["doc_id"], tables["document_text"]["text"]))
    known = set(request_ids)
    review: list[dict] = []
    counted: list[bool] = []
    replies: dict[str, list[int]] = {}  # the reply's first document -> its rows
    for i, row in enumerate(rows):
        decided = None if pd.isna(row["counted"]) else bool(row["counted"])
        has_request = not pd.isna(row["request_id"]) and row["request_id"] in known
        if row["parse_status"] == "ok" and not has_request and decided is not False:
            review.append(_unmatched_review(row, text.get(row["doc_id"], ""), request_ids))
        counted.append(row["parse_status"] == "ok" and has_request and decided is not False)
        if counted[-1]:
            replies.setdefault(_reply_of(row["doc_id"], parents), []).append(i)
    superseded: list[str | None] = [None] * len(rows)
    by_area: dict[tuple[str, str], list[str]] = {}
    for reply, members in replies.items():
        for key in sorted({(rows[i]["area"], rows[i]["request_id"]) for i in members if not pd.isna(rows[i]["area"])}):
            by_area.setdefault(key, []).append(reply)
    for (area, request_id), group in by_area.items():
        if len(group) < 2:
            continue
        info = {reply: _reply_summary(rows, replies[reply]) for reply in group}
        chosen = [r for r in group if info[r]["counted_by_correction"]]  # a person chose: nothing left to review
        kept = max(chosen or group, key=lambda r: (info[r]["date"], info[r]["path"]))
        for reply in group:
            if reply == kept or reply in chosen:
                continue
            for i in replies[reply]:
                counted[i], superseded[i] = False, info[kept]["path"]
            if not chosen:
                review.append(_superseded_review(rows[replies[reply][0]], area, request_id, info[reply], info[kept]))
    documents["counted"] = pd.array(counted, dtype="boolean")
    documents["superseded_by"] = pd.array(superseded, dtype="string")
    out = dict(tables, documents=documents)
    if review:
        out["review_queue"] = frame("review_queue", [*tables["review_queue"].to_dict("records"), *review])
    return out


def _reply_of(doc_id: str, parents: dict[str, str]) -> str:
    """The document a reply starts with: an attachment's e-mail (and that e-mail's, when it was attached to another)."""
    seen = {doc_id}
    while doc_id in parents and parents[doc_id] not in seen:
        doc_id = parents[doc_id]
        seen.add(doc_id)
    return doc_id


def _reply_summary(rows: list[dict], members: list[int]) -> dict:
    """What decides which of two replies counts: a correction saying it does, the response date, the file."""
    dates = [d for i in members if (d := _as_date(rows[i]["response_date"])) is not None]
    first = rows[members[0]]
    return {"counted_by_correction": any(not pd.isna(rows[i]["counted"]) and bool(rows[i]["counted"]) for i in members),
            "date": max(dates, default=dt.date.min), "path": first["source_path"],
            "reference": first["foi_reference"] if not pd.isna(first["foi_reference"]) else None}


def _no_span(row: dict) -> dict:
    return {"doc_id": row["doc_id"], "table_name": "documents", "char_start": 0, "char_end": 0, "evidence_text": "",
            "extractor": "pipeline:counted", "programme_id": None}


def _unmatched_review(row: dict, text: str, request_ids: list[str]) -> dict:
    end = min(len(text.split("\n", 1)[0]), 80)  # the first line shows what the file is
    if pd.isna(row["request_id"]):
        why = ("it does not read as a reply to any FOI request: it quotes no request, names no authority or area and "
               "uses hardly any of the questions' wording")
    else:
        why = f"its request '{row['request_id']}' is not one of the requests in assets/requests"
    return {**_no_span(row), "field": "request_id", "severity": "error", "value": None if pd.isna(row["request_id"]) else row["request_id"],
            "char_end": end, "evidence_text": text[:end], "extractor": "pipeline:request_match",
            "reason": f"not counted in the marts: {why}. Its figures are kept in the fact tables. If it is a reply, "
                      f"give it its request with a documents correction of request_id ({' or '.join(request_ids)})."}


def _superseded_review(row: dict, area: str, request_id: str, this: dict, kept: dict) -> dict:
    def described(reply: dict) -> str:
        details = [f"ref {reply['reference']}" if reply["reference"] else "", str(reply["date"]) if reply["date"] > dt.date.min else ""]
        return f"'{reply['path']}'" + (f" ({', '.join(d for d in details if d)})" if any(details) else "")

    why = "the later response date" if kept["date"] > this["date"] else "the later file by name"
    return {**_no_span(row), "field": "counted", "severity": "warning", "value": kept["path"],
            "reason": f"two replies from {area} to {request_id}: {described(this)} and {described(kept)}; only "
                      f"'{kept['path']}' is counted in the marts ({why}), so their figures are not added up. To count "
                      "the other instead (or both), add a documents correction of 'counted' (true or false) for the files."}


def _cell(row: dict, column: str) -> object:
    value = row.get(column)
    return None if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else value


def _check_reason(failure) -> str:
    """The failure's sentence, naming the check only where the sentence does not already say it."""
    sentence = failure.sentence
    return sentence if sentence.startswith(failure.check) else f"{sentence} (failed check '{failure.check}')"


def validation_review_rows(table: str, df: pd.DataFrame, failures: list) -> list[dict]:
    """One review item per failing row and check, pointing at the row's own evidence."""
    rows = []
    for failure in failures:
        row = df.iloc[failure.row].to_dict() if failure.row is not None and 0 <= failure.row < len(df) else {}
        doc_id = _cell(row, "doc_id") or "0" * 16
        has_span = row and _cell(row, "evidence_text") is not None and _cell(row, "char_start") is not None
        rows.append({
            "doc_id": doc_id, "table_name": table, "field": failure.column or failure.check,
            "reason": _check_reason(failure), "severity": failure.severity,
            "char_start": int(row["char_start"]) if has_span else 0, "char_end": int(row["char_end"]) if has_span else 0,
            "evidence_text": row["evidence_text"] if has_span else "", "extractor": f"validation:{failure.check}",
            "programme_id": _cell(row, "programme_id"), "value": failure.value,
        })
    return rows


WHOLE_TABLE_RULES = ("documents", "document_text")  # keys unique across replies (source_path, doc_id): always whole


def doc_fingerprints(df: pd.DataFrame) -> dict[str, int]:
    """doc_id -> a hash of that reply's rows in this table (every column, each row's place among them).

    Fact tables are sorted by doc_id, so each reply's rows are one run: sums over runs, no grouping."""
    if df.empty:
        return {}
    hashable = df.apply(lambda c: c.map(lambda v: "\x1f".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
                        if c.dtype == object else c)
    hashed = pd.util.hash_pandas_object(hashable, index=False).to_numpy()
    ids = df["doc_id"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    place = np.arange(len(ids)) - np.repeat(starts, np.diff(np.append(starts, len(ids)))) + 1
    mixed = hashed * (place.astype("uint64") * np.uint64(0x9E3779B97F4A7C15) | np.uint64(1))
    prints: dict[str, int] = {}
    for doc_id, h in zip(ids[starts], np.add.reduceat(mixed, starts).tolist()):
        prints[doc_id] = (prints.get(doc_id, 0) + h) % 2**64  # a reply whose rows are not together adds up as well
    return prints


def validate_tables(
    tables: dict[str, pd.DataFrame], passed: dict[str, dict[str, int]] | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, list], dict[str, dict[str, int]]]:
    """Validate every table lazily; failing rows stay where they are and are added to review_queue.

    `passed` remembers, per table, the fingerprints of replies whose rows passed before: rows identical to
    those are not validated again (every rule of a fact table is about one row or one reply's rows, so a
    reply's rows can be validated on their own). Returns the tables, the failures and the new `passed`.
    """
    from foi_pipeline.schemas import validate_table

    failures: dict[str, list] = {}
    now_passed: dict[str, dict[str, int]] = {}
    for table, df in tables.items():
        if table == "review_queue":
            continue
        if passed is None or table in WHOLE_TABLE_RULES:
            failures[table] = validate_table(table, df)
            continue
        prints = doc_fingerprints(df)
        before = passed.get(table, {})
        unchanged = {doc_id for doc_id, fp in prints.items() if before.get(doc_id) == fp}
        todo = df[~df["doc_id"].isin(unchanged)] if unchanged else df
        found = validate_table(table, todo) if len(todo) else []  # row labels of `todo` are positions in `df`
        failures[table] = found
        if any(f.row is None for f in found):  # a table-wide failure: trust nothing next time
            now_passed[table] = {}
            continue
        failing = {df.at[f.row, "doc_id"] for f in found}
        now_passed[table] = {doc_id: fp for doc_id, fp in prints.items() if doc_id not in failing}
    extra = [row for table, found in failures.items() for row in validation_review_rows(table, tables[table], found)]
    out = dict(tables)
    if extra:
        out["review_queue"] = frame("review_queue", [*tables["review_queue"].to_dict("records"), *extra])
    return out, failures, now_passed
