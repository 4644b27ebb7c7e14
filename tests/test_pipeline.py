"""Ingested documents -> typed contract frames: plain functions, no Dagster, a fake extractor where it matters."""

import datetime as dt
import hashlib
from decimal import Decimal

import pandas as pd
import pytest

import foi_pipeline.pipeline as pipeline
from foi_pipeline.cache import TableCache
from foi_pipeline.contract import TABLES, columns
from foi_pipeline.extract import Extraction
from foi_pipeline.ingest import IngestedDocument
from foi_pipeline.pipeline import build_tables, documents_table, empty_frame, extract_corpus, frame
from foi_pipeline.specs import Catalogue

QUOTED_FEMALES = "5. The total number of females referred by an agency (e.g., police, social service etc.) into the programme"


def doc(path: str, text: str | None, status: str = "ok", error: str | None = None, **extra) -> IngestedDocument:
    data = (text or path).encode()
    sha = hashlib.sha256(data).hexdigest()
    return IngestedDocument(extra.pop("doc_id", sha[:16]), path, extra.pop("media_type", "text/plain"), sha, len(data),
                            status, error, text if status == "ok" else None, **extra)


def fake_extractor(calls: list[str], crash_on: str | None = None, **metadata):
    """Stands in for extract_reply: one funnel row without a population, one answer, and the given metadata."""

    def extract(text, *, doc_id, spec, catalogue):
        calls.append(doc_id)
        if crash_on and crash_on in text:
            raise ValueError("bad table")
        span = {"char_start": 0, "char_end": 4, "evidence_text": text[:4], "extractor": "fake"}
        return Extraction(metadata=dict(metadata), tables={
            "answers": [{"doc_id": doc_id, "question_no": 1, "question_key": "scope", "numbered_as": "1", "answer_text": text[:4],
                         "status": "value", **span}],
            "funnel_counts": [{"doc_id": doc_id, "programme_id": "p1", "route": "agency", "stage": "referred", "count": 3,
                               "status": "value", "qualifier": "exact", **span}],
        })

    return extract


def test_empty_frames_have_every_contract_column_and_type():
    for table in TABLES:
        df = empty_frame(table)
        assert list(df.columns) == columns(table) and df.empty
    dtypes = empty_frame("funnel_counts").dtypes
    assert dtypes["count"] == "Int64" and dtypes["doc_id"] == "string"
    assert empty_frame("documents").dtypes["byte_size"] == "Int64"


def test_frame_keeps_contract_order_drops_nothing_and_sorts_by_keys():
    rows = [{"doc_id": "b", "programme_id": "p", "route": "self", "stage": "referred", "count": None, "status": "not_held"},
            {"doc_id": "a", "programme_id": "p", "route": "agency", "stage": "accepted", "count": 7, "status": "value"}]
    df = frame("funnel_counts", rows)
    assert list(df.columns) == columns("funnel_counts")
    assert df["doc_id"].tolist() == ["a", "b"]
    assert df["count"].tolist()[0] == 7 and pd.isna(df["count"].tolist()[1])
    assert frame("funnel_counts", reversed(rows)).equals(df)  # input order does not matter
    budgets = frame("budgets", [{"doc_id": "a", "amount_gbp": Decimal("1.50"), "status": "value"}])
    assert budgets["amount_gbp"].tolist() == [Decimal("1.50")]


def test_documents_has_a_row_for_every_file_readable_or_not(males_spec, request_specs, monkeypatch):
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor(
        [], authority="Office of the PCC for Norfolk", area="Norfolk", foi_reference="FOI/1", response_date="2023-08-09",
        information_status="held"))
    ok = doc("reply.txt", "figures for referred males")
    docs = [
        ok,
        doc("bad/empty.txt", None, "empty", "the file is empty"),
        doc("bad/notes.xyz", None, "unsupported", "unsupported file type .xyz", media_type="application/octet-stream"),
        doc("bad/copy.txt", None, "duplicate", "same bytes as reply.txt", doc_id=ok.doc_id, duplicate_of="reply.txt"),
        doc("mail.eml", "Please find attached.", email_headers={"From": "foi@opcc.example", "Subject": "Your FOI"}),
    ]
    corpus = extract_corpus(docs, request_specs, Catalogue())
    df = documents_table(docs, corpus, request_specs)
    assert list(df.columns) == columns("documents") and len(df) == len(docs)
    rows = {r["source_path"]: r for r in df.to_dict("records")}
    good = rows["reply.txt"]
    assert (good["authority"], good["area"], good["foi_reference"], good["information_status"]) == (
        "Office of the PCC for Norfolk", "Norfolk", "FOI/1", "held")
    assert good["response_date"] == dt.date(2023, 8, 9)
    assert (good["request_id"], good["request_match"], good["population"], good["financial_year"]) == (
        males_spec.id, "quoted", "male", males_spec.financial_year)
    for path, status in (("bad/empty.txt", "empty"), ("bad/notes.xyz", "unsupported"), ("bad/copy.txt", "duplicate")):
        assert rows[path]["parse_status"] == status and rows[path]["parse_error"]
    assert pd.isna(rows["bad/empty.txt"]["authority"]) and pd.isna(rows["bad/notes.xyz"]["area"])
    copy = rows["bad/copy.txt"]
    assert copy["duplicate_of"] == "reply.txt" and copy["doc_id"] == ok.doc_id
    assert (copy["authority"], copy["area"], copy["response_date"]) == (good["authority"], good["area"], good["response_date"])
    assert (rows["mail.eml"]["email_from"], rows["mail.eml"]["email_subject"]) == ("foi@opcc.example", "Your FOI")
    assert pd.isna(rows["mail.eml"]["email_to"])


def test_request_is_matched_by_quoted_text_then_folder_then_default(females_spec, males_spec, request_specs, monkeypatch):
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor([]))
    docs = [
        doc("a.txt", QUOTED_FEMALES),
        doc(f"{females_spec.id}/b.txt", "Dear requester, see attached."),
        doc("inbox/c.txt", "Dear requester, please see below our answer to your FOI request."),
        doc(f"{females_spec.id}/broken.pdf", None, "unreadable", "not a PDF"),
    ]
    corpus = extract_corpus(docs, request_specs, Catalogue())
    assert corpus.requests == {"a.txt": (females_spec.id, "quoted"), f"{females_spec.id}/b.txt": (females_spec.id, "folder"),
                               "inbox/c.txt": (males_spec.id, "default"), f"{females_spec.id}/broken.pdf": (females_spec.id, "folder")}
    # A configured default (FOI_DEFAULT_REQUEST) replaces the spec marked default, and only for unmatched replies.
    chosen = extract_corpus(docs, request_specs, Catalogue(), default_request=females_spec.id).requests
    assert chosen["inbox/c.txt"] == (females_spec.id, "default") and chosen["a.txt"] == (females_spec.id, "quoted")


def test_funnel_population_comes_from_the_spec_when_the_extractor_leaves_it_empty(request_specs, monkeypatch):
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor([]))
    docs = [doc("a.txt", QUOTED_FEMALES), doc("b.txt", "figures for referred males")]
    tables = build_tables(docs, extract_corpus(docs, request_specs, Catalogue()), request_specs)
    by_doc = dict(zip(tables["funnel_counts"]["doc_id"], tables["funnel_counts"]["population"]))
    assert by_doc == {docs[0].doc_id: "female", docs[1].doc_id: "male"}


def test_each_doc_id_is_extracted_once_and_a_crash_becomes_a_review_item(request_specs, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor(calls, crash_on="BROKEN"))
    first = doc("a.txt", "figures for referred males")
    docs = [first, doc("again/a.txt", "figures for referred males"), doc("c.txt", "BROKEN reply"), doc("d.txt", "another reply")]
    tables = build_tables(docs, extract_corpus(docs, request_specs, Catalogue()), request_specs)
    assert sorted(calls) == sorted({d.doc_id for d in docs})  # the second copy of a.txt is not read again
    assert set(tables["answers"]["doc_id"]) == {first.doc_id, docs[3].doc_id}
    [crash] = tables["review_queue"].to_dict("records")
    assert crash["doc_id"] == docs[2].doc_id and crash["severity"] == "error"
    assert crash["reason"].startswith("extractor crashed: ValueError: bad table")
    assert (crash["char_start"], crash["char_end"], crash["evidence_text"]) == (0, 0, "")  # a valid (empty) span
    assert len(tables["documents"]) == 4 and len(tables["document_text"]) == 3


@pytest.mark.parametrize("table", sorted(TABLES))
def test_build_tables_gives_every_contract_table_even_with_nothing_readable(request_specs, table):
    docs = [doc("x.xyz", None, "unsupported", "unsupported file type .xyz")]
    tables = build_tables(docs, extract_corpus(docs, request_specs, Catalogue()), request_specs)
    assert list(tables[table].columns) == columns(table)
    assert len(tables[table]) == (1 if table == "documents" else 0)


def _tables_of(corpus) -> dict[str, list]:
    return {t: df.to_dict("records") for t, df in corpus.tables.items()}


def test_the_cache_reads_only_new_or_changed_replies_and_forgets_removed_ones(males_spec, request_specs, monkeypatch, tmp_path):
    calls: list[str] = []
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor(calls, area="Kent"))
    docs = [doc("a.txt", "figures for referred males"), doc("b.txt", "other figures"), doc("c.txt", "more figures")]
    first = extract_corpus(docs, request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert (first.extracted, first.reused) == (3, 0)

    calls.clear()
    again = extract_corpus(docs, request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert calls == [] and (again.extracted, again.reused) == (0, 3)
    assert _tables_of(again) == _tables_of(first) and again.metadata == first.metadata

    changed = [docs[0], doc("b.txt", "other figures, corrected"), doc("d.txt", "a new reply")]  # c.txt removed
    later = extract_corpus(changed, request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert sorted(calls) == sorted([changed[1].doc_id, changed[2].doc_id]) and later.reused == 1
    assert set(later.tables["answers"]["doc_id"]) == {d.doc_id for d in changed}
    assert TableCache(tmp_path, "extract", "v1").keys() == {f"{d.sha256}:{males_spec.id}" for d in changed}

    calls.clear()
    extract_corpus(changed, request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v2"))  # a new extractor version
    assert len(calls) == 3 and [p.name for p in tmp_path.glob("extract-*")] == ["extract-v2.pickle"]


def test_a_crash_is_not_cached_and_a_reply_moved_to_another_request_is_read_again(females_spec, request_specs, monkeypatch, tmp_path):
    calls: list[str] = []
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor(calls, crash_on="BROKEN"))
    broken, plain = doc("c.txt", "BROKEN reply"), doc("inbox/x.txt", "Dear requester")
    first = extract_corpus([broken, plain], request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert first.crashed == 1 and first.extracted == 1
    calls.clear()
    moved = doc(f"{females_spec.id}/x.txt", "Dear requester")  # same bytes, now in the females request's folder
    again = extract_corpus([broken, moved], request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert sorted(calls) == sorted([broken.doc_id, moved.doc_id]) and again.reused == 0
    assert set(again.tables["funnel_counts"]["population"]) == {"female"}


def test_a_damaged_cache_file_is_only_a_slower_run(request_specs, monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor([]))
    (tmp_path / "extract-v1.pickle").write_bytes(b"not a pickle")
    corpus = extract_corpus([doc("a.txt", "figures")], request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert corpus.extracted == 1 and TableCache(tmp_path, "extract", "v1").keys()


def test_worker_processes_give_the_same_tables_as_one_process(catalogue, request_specs, monkeypatch):
    from pathlib import Path

    folder = Path(__file__).parent / "fixtures"
    texts = [p.read_text() for p in sorted([*folder.glob("seeds/*.txt"), *folder.glob("dev/*.txt")])]
    docs = [doc(f"r{i}.txt", text) for i, text in enumerate(texts)]
    alone = extract_corpus(docs, request_specs, catalogue, workers=1)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_REPLIES", 2)
    together = extract_corpus(docs, request_specs, catalogue, workers=2)
    assert together.extracted == len(docs) and _tables_of(together) == _tables_of(alone)
    assert together.metadata == alone.metadata


def test_request_matches_are_remembered_with_the_rows(females_spec, males_spec, request_specs, monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor([]))
    seen: list[str] = []
    real = pipeline.match_request
    monkeypatch.setattr(pipeline, "match_request", lambda text, path, specs: seen.append(path) or real(text, path, specs))
    docs = [doc("a.txt", QUOTED_FEMALES), doc(f"{females_spec.id}/b.txt", "Dear requester, our FOI answer")]
    first = extract_corpus(docs, request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert len(seen) == 2
    again = extract_corpus(docs, request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert len(seen) == 2 and again.requests == first.requests
    moved = [docs[0], doc("inbox/b.txt", "Dear requester, our FOI answer")]  # same bytes, another folder: matched again
    assert extract_corpus(moved, request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1")).requests["inbox/b.txt"] == (males_spec.id, "default")
    assert seen[2:] == ["inbox/b.txt"]


def test_doc_fingerprints_change_with_any_value_of_a_reply_and_only_that_reply():
    import numpy as np

    from foi_pipeline.pipeline import doc_fingerprints

    rows = [{"doc_id": d, "programme_id": f"{d}-p{i}", "name": f"P{i}", "providers": ["A", "B"], "char_start": 0, "char_end": 0,
             "evidence_text": "", "extractor": "t"} for d in ("a" * 16, "b" * 16) for i in range(2)]
    base = doc_fingerprints(frame("programmes", rows))
    assert set(base) == {"a" * 16, "b" * 16} and doc_fingerprints(frame("programmes", rows)) == base
    changed = [dict(r) for r in rows]
    changed[3]["providers"] = np.array(["A"])  # lists as Parquet gives them back
    prints = doc_fingerprints(frame("programmes", changed))
    assert prints["a" * 16] == base["a" * 16] and prints["b" * 16] != base["b" * 16]
    apart = frame("programmes", rows).iloc[[0, 2, 1, 3]].reset_index(drop=True)  # a reply's rows not together
    assert set(doc_fingerprints(apart)) == set(base)


def test_broken_workers_fall_back_to_this_process(request_specs, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    calls: list[str] = []
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor(calls))
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_REPLIES", 2)

    def broken(*args):
        raise BrokenProcessPool("a worker was killed")

    monkeypatch.setattr(pipeline, "extract_in_workers", broken)
    docs = [doc(f"r{i}.txt", f"reply number {i}") for i in range(3)]
    with pytest.warns(UserWarning, match="extraction workers failed"):
        corpus = extract_corpus(docs, request_specs, Catalogue(), workers=2)
    assert corpus.extracted == 3 and sorted(calls) == sorted(d.doc_id for d in docs)


def _rows(*doc_ids: str) -> dict[str, pd.DataFrame]:
    return {"answers": pd.DataFrame({"doc_id": list(doc_ids), "answer_text": [f"answer of {d}" for d in doc_ids]})}


def test_replies_added_since_the_cache_was_written_are_appended_to_its_journal(tmp_path):
    cache = TableCache(tmp_path, "extract", "v1")
    cache.save({"a": "ka", "b": "kb"}, _rows("a", "b"), {"a": {}, "b": {}}, {})
    whole = cache.path.read_bytes()
    again = TableCache(tmp_path, "extract", "v1")
    again.save({"a": "ka", "b": "kb", "c": "kc"}, _rows("a", "b", "c"), {"a": {}, "b": {}, "c": {"x": 1}}, {"r": ("req", "how")})
    assert cache.path.read_bytes() == whole and again.journal.exists()  # the big file is not written again
    reread = TableCache(tmp_path, "extract", "v1")
    tables, metadata = reread.select({"a": "ka", "c": "kc"})
    assert list(tables["answers"]["doc_id"]) == ["a", "c"] and metadata == {"a": {}, "c": {"x": 1}}
    assert reread.requests == {"r": ("req", "how")} and reread.keys() == {"ka", "kb", "kc"}
    reread.save({"a": "ka", "c": "kc"}, _rows("a", "c"), {"a": {}, "c": {}}, {})  # a reply removed: written whole
    assert not reread.journal.exists() and TableCache(tmp_path, "extract", "v1").keys() == {"ka", "kc"}


def test_a_torn_journal_loses_only_what_it_held_and_is_rewritten(tmp_path):
    cache = TableCache(tmp_path, "extract", "v1")
    cache.save({"a": "ka"}, _rows("a"), {"a": {}}, {})
    TableCache(tmp_path, "extract", "v1").save({"a": "ka", "b": "kb"}, _rows("a", "b"), {"a": {}, "b": {}}, {})
    with cache.journal.open("ab") as handle:
        handle.write(b"\x80\x05torn")  # a run killed while appending
    torn = TableCache(tmp_path, "extract", "v1")
    assert torn.keys() == {"ka", "kb"}
    torn.save({"a": "ka", "b": "kb", "c": "kc"}, _rows("a", "b", "c"), {"a": {}, "b": {}, "c": {}}, {})
    assert not torn.journal.exists() and TableCache(tmp_path, "extract", "v1").keys() == {"ka", "kb", "kc"}


def test_a_cache_that_cannot_be_written_is_a_warning_not_an_error(request_specs, monkeypatch, tmp_path):
    import errno

    from foi_pipeline import cache as cache_module
    from foi_pipeline.cache import CacheWriteWarning, PassedValidation, ResultCache

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_module, "write_atomically", disk_full)
    monkeypatch.setattr(cache_module, "append_record", disk_full)
    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor([]))
    docs = [doc("a.txt", "figures for referred males")]
    with pytest.warns(CacheWriteWarning, match="No space left on device"):
        corpus = extract_corpus(docs, request_specs, Catalogue(), cache=TableCache(tmp_path, "extract", "v1"))
    assert corpus.extracted == 1 and len(corpus.tables["answers"]) == 1
    ingest = ResultCache(tmp_path, "ingest", "v1")
    ingest.put("key", "value")
    with pytest.warns(CacheWriteWarning, match="could not write the cache"):
        ingest.save()
    warned: list[str] = []
    PassedValidation(tmp_path, "v1", warn=warned.append).save({"answers": {"a" * 16: 1}})
    assert len(warned) == 1 and "validated-v1.pickle" in warned[0]


def test_a_cache_whose_journal_cannot_be_appended_to_is_written_whole_next_time(monkeypatch, tmp_path):
    from foi_pipeline import cache as cache_module

    TableCache(tmp_path, "extract", "v1").save({"a": "ka"}, _rows("a"), {"a": {}}, {})
    real = cache_module.append_record

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_module, "append_record", disk_full)
    warned: list[str] = []
    cache = TableCache(tmp_path, "extract", "v1", warn=warned.append)
    cache.save({"a": "ka", "b": "kb"}, _rows("a", "b"), {"a": {}, "b": {}}, {})
    assert len(warned) == 1 and ".delta" in warned[0]
    monkeypatch.setattr(cache_module, "append_record", real)
    cache.save({"a": "ka", "b": "kb", "c": "kc"}, _rows("a", "b", "c"), {"a": {}, "b": {}, "c": {}}, {})
    assert not cache.journal.exists() and TableCache(tmp_path, "extract", "v1").keys() == {"ka", "kb", "kc"}


def test_a_cache_folder_that_is_not_a_folder_is_a_warning(tmp_path):
    from foi_pipeline.cache import ResultCache

    (tmp_path / "cache").write_text("a file where the cache folder should be")
    warned: list[str] = []
    cache = ResultCache(tmp_path / "cache", "ingest", "v1", warn=warned.append)
    cache.put("key", "value")
    cache.save()
    assert len(warned) == 1 and "FileExistsError" in warned[0]


SHOPPING = "Shopping list\n\n1. Milk\n4. self completed: 6\n10. Bread £40\n"  # read as a programme, a count and a budget


def test_a_text_that_is_no_reply_is_matched_to_no_request_and_weak_replies_are_still_read(catalogue, males_spec, request_specs):
    mail = doc("mail.eml", "Hi,\nsee attached.\nJo\n")
    docs = [
        doc("shopping.txt", SHOPPING),
        doc("kent.txt", "Office of the Police and Crime Commissioner for Kent\n\nDear Applicant,\nThe answers are attached.\n"),
        doc("cover.txt", "Dear Ms Smith,\nPlease find attached our response to your Freedom of Information request.\n"),
        mail,  # says nothing itself, but its attachment names the office: one reply
        doc("mail.eml#letter.txt", "Office of the Police and Crime Commissioner for Surrey\n1. Safe Steps\n", parent_doc_id=mail.doc_id),
    ]
    corpus = extract_corpus(docs, request_specs, catalogue)
    assert corpus.requests == {"shopping.txt": (None, "none"), **{d.source_path: (males_spec.id, "default") for d in docs[1:]}}
    tables = build_tables(docs, corpus, request_specs)
    shopping = tables["documents"].set_index("source_path").loc["shopping.txt"]
    assert shopping["request_match"] == "none" and pd.isna(shopping["request_id"]) and pd.isna(shopping["population"])
    assert tables["programmes"].loc[tables["programmes"]["doc_id"] == docs[0].doc_id, "name"].tolist() == ["Milk"]  # kept


def test_a_correction_of_request_id_reads_the_reply_as_one_to_that_request(females_spec, request_specs, monkeypatch):
    from foi_pipeline.corrections import Correction
    from foi_pipeline.pipeline import assigned_requests

    monkeypatch.setattr(pipeline, "extract_reply", fake_extractor([]))
    docs = [doc("shopping.txt", SHOPPING), doc("b.txt", "figures for referred males")]
    corrections = [Correction("c.csv", 2, "shopping.txt", "documents", "", "request_id", females_spec.id, "a reply after all", "A")]
    assigned = assigned_requests(corrections, docs)
    assert assigned == {docs[0].doc_id: females_spec.id}
    corpus = extract_corpus(docs, request_specs, Catalogue(), assigned=assigned)
    tables = build_tables(docs, corpus, request_specs)
    assert set(tables["funnel_counts"]["population"]) == {"female", "male"}
    assert tables["documents"].set_index("source_path").loc["shopping.txt", "population"] == "female"


def test_no_fixture_reply_is_matched_to_no_request(catalogue, request_specs):
    from pathlib import Path

    from foi_pipeline.ingest import ingest_directory
    from foi_pipeline.specs import reads_as_request_correspondence

    fixtures = Path(__file__).parent / "fixtures"
    docs = [d for folder in ("dev", "seeds", "holdout", "holdout2", "variants") for d in ingest_directory(fixtures / folder)
            if d.parse_status == "ok" and not d.source_path.endswith((".json", ".md"))]
    assert len(docs) > 80
    corpus = extract_corpus(docs, request_specs, catalogue)
    assert [path for path, (_, how) in corpus.requests.items() if how == "none"] == []
    # Each would be read on its wording alone, without the authority it names.
    assert [d.source_path for d in docs if not reads_as_request_correspondence(d.text, request_specs)] == []


def _documents(*rows: dict) -> pd.DataFrame:
    base = {"media_type": "text/plain", "byte_size": 1, "parse_status": "ok", "request_id": "dapp-2022-23-males"}
    return frame("documents", [{**base, "doc_id": hashlib.sha256(r["source_path"].encode()).hexdigest()[:16], **r} for r in rows])


def test_one_reply_per_area_and_request_is_counted(females_spec, request_specs):
    from foi_pipeline.pipeline import mark_counted

    august, september = dt.date(2023, 8, 9), dt.date(2023, 9, 1)
    documents = _documents(
        {"source_path": "norfolk.txt", "area": "Norfolk", "response_date": august, "foi_reference": "FOI/225"},
        {"source_path": "norfolk_again.txt", "area": "Norfolk", "response_date": august, "foi_reference": "FOI/225"},
        {"source_path": "kent.txt", "area": "Kent", "response_date": august},
        {"source_path": "mail.eml", "area": None, "response_date": september},
        {"source_path": "mail.eml#letter.pdf", "area": "Kent", "response_date": september},
        {"source_path": "surrey.txt", "area": "Surrey", "request_id": females_spec.id},
        {"source_path": "surrey_males.txt", "area": "Surrey"},
        {"source_path": "shopping.txt", "area": None, "request_id": None, "request_match": "none"},
        {"source_path": "typo.txt", "area": "Essex", "request_id": "dapp-2022-23-mails"},
        {"source_path": "broken.pdf", "area": None, "parse_status": "unreadable", "parse_error": "not a PDF"},
    )
    ids = dict(zip(documents["source_path"], documents["doc_id"]))
    documents.loc[documents["source_path"] == "mail.eml#letter.pdf", "parent_doc_id"] = ids["mail.eml"]
    tables = {t: empty_frame(t) for t in TABLES}
    tables["documents"] = documents
    tables["document_text"] = frame("document_text", [{"doc_id": ids["shopping.txt"], "text": SHOPPING}])
    out = mark_counted(tables, [s.id for s in request_specs])
    rows = out["documents"].set_index("source_path")
    assert rows["counted"].to_dict() == {
        "norfolk.txt": False, "norfolk_again.txt": True,  # the later file, the dates being the same
        "kent.txt": False, "mail.eml": True, "mail.eml#letter.pdf": True,  # the later reply, an e-mail and its attachment
        "surrey.txt": True, "surrey_males.txt": True,  # two requests
        "shopping.txt": False, "typo.txt": False, "broken.pdf": False,
    }
    assert rows["superseded_by"].dropna().to_dict() == {"norfolk.txt": "norfolk_again.txt", "kent.txt": "mail.eml"}
    review = out["review_queue"].set_index("doc_id")
    norfolk = review.loc[ids["norfolk.txt"]]
    assert (norfolk["field"], norfolk["severity"]) == ("counted", "warning")
    assert "'norfolk.txt' (ref FOI/225, 2023-08-09) and 'norfolk_again.txt'" in norfolk["reason"] and "the later file" in norfolk["reason"]
    assert "the later response date" in review.loc[ids["kent.txt"], "reason"]
    shopping = review.loc[ids["shopping.txt"]]
    assert (shopping["field"], shopping["severity"], shopping["evidence_text"]) == ("request_id", "error", "Shopping list")
    assert "does not read as a reply" in shopping["reason"] and "correction of request_id" in shopping["reason"]
    assert "'dapp-2022-23-mails' is not one of the requests" in review.loc[ids["typo.txt"], "reason"]
    assert len(review) == 4
    from foi_pipeline.schemas import validate_table

    assert validate_table("documents", out["documents"]) == [] and validate_table("review_queue", out["review_queue"]) == []

    # A person says which counts (or that a reply does not): that stands, and nothing is left to review.
    documents.loc[documents["source_path"] == "norfolk.txt", "counted"] = True
    documents.loc[documents["source_path"] == "shopping.txt", "counted"] = False
    decided = mark_counted({**tables, "documents": documents}, [s.id for s in request_specs])
    rows = decided["documents"].set_index("source_path")
    assert (rows.loc["norfolk.txt", "counted"], rows.loc["norfolk_again.txt", "counted"]) == (True, False)
    assert rows.loc["norfolk_again.txt", "superseded_by"] == "norfolk.txt"
    assert sorted(decided["review_queue"]["doc_id"]) == sorted([ids["kent.txt"], ids["typo.txt"]])
