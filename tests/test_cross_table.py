"""The cross-table rules as plain functions: exact evidence spans and resolvable references."""

import pandas as pd

from foi_pipeline.schemas.cross_table import missing_references, provenance_failures

TEXTS = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Referrals: 64 in total", "No information held"]})


def _rows(*rows):
    return pd.DataFrame(rows, columns=["doc_id", "char_start", "char_end", "evidence_text"]).astype({"char_start": "Int64", "char_end": "Int64"})


def test_exact_spans_pass_and_every_kind_of_mismatch_fails():
    rows = _rows(
        ("a", 11, 13, "64"),           # exact
        ("b", 0, 2, "No"),             # exact, other document
        ("a", 10, 13, "64"),           # off by one
        ("a", None, None, "64"),       # no offsets
        ("zzz", 0, 2, "No"),           # evidence pointing into a text that does not exist
        ("zzz", 0, 0, ""),             # a row about an unreadable file: no evidence, nothing to check
        ("a", 0, 0, None),             # empty evidence over an empty span
    )
    failing = provenance_failures(rows, TEXTS)
    assert list(failing.index) == [2, 3, 4]


def test_no_rows_no_failures():
    assert provenance_failures(_rows(), TEXTS).empty


def test_references_to_unknown_documents_and_programmes_fail():
    documents = pd.DataFrame({"doc_id": ["a"]})
    programmes = pd.DataFrame({"programme_id": ["a-p"]})
    rows = pd.DataFrame({"doc_id": ["a", "x", "a"], "programme_id": ["a-p", "a-p", "a-q"]})
    assert list(missing_references(rows, documents, programmes).index) == [1, 2]
