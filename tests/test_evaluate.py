"""`foi evaluate`: scoring rules on small made-up gold files and tables, the CLI, and the corpus targets.

The small cases use tests/fixtures/gold/small_gold.json (two invented areas) and frames built here; the
corpus tests run the whole pipeline on the seeds and the dev corpus copied under tests/fixtures.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from foi_pipeline.evaluate import (
    FieldScore,
    evaluate,
    evaluate_cli,
    format_report,
    load_tables,
    same_org,
    same_orgs,
)

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_GOLD = FIXTURES / "gold" / "small_gold.json"
HARBOUR = "harbourshire_2023.txt"


def _gold() -> dict:
    return json.loads(SMALL_GOLD.read_text())


def _funnel(pid, route, stage, status, count=None, qualifier=None, low=None, high=None, population="male", doc="d1"):
    return {"doc_id": doc, "programme_id": pid, "population": population, "route": route, "stage": stage, "count": count,
            "count_low": low, "count_high": high, "status": status, "qualifier": qualifier, "evidence_text": "..."}


def _tables() -> dict[str, pd.DataFrame]:
    """The warehouse a perfect extractor would write for small_gold.json."""
    return {
        "documents": pd.DataFrame([
            {"doc_id": "d1", "source_path": f"2023/{HARBOUR}", "sha256": "aa", "parse_status": "ok", "parse_error": None,
             "parent_doc_id": None, "duplicate_of": None,
             "authority": "the Office of the Police & Crime Commissioner for Harbourshire", "area": "HARBOURSHIRE ",
             "foi_reference": "foi-2023-118", "response_date": dt.date(2023, 9, 14), "financial_year": "2022-23",
             "information_status": "partly_held", "population": "male"},
            {"doc_id": "d2", "source_path": "fenmoor_2023.eml", "sha256": "bb", "parse_status": "ok", "parse_error": None,
             "parent_doc_id": None, "duplicate_of": None, "authority": "Fenmoor Police, Fire and Crime Commissioner",
             "area": "Fenmoor", "foi_reference": None, "response_date": None, "financial_year": "2022/23",
             "information_status": "not_held", "population": "female"},
        ]),
        "programmes": pd.DataFrame([
            {"programme_id": "p1", "doc_id": "d1", "name": "Turning Point Domestic Abuse Programme", "aliases": ["TP"],
             "canonical_name": None, "providers": ["Lantern Trust"]},
            {"programme_id": "p2", "doc_id": "d1", "name": "Stalking Early Intervention Project (STEP)", "aliases": [],
             "canonical_name": "STEP", "providers": []},
        ]),
        "funnel_counts": pd.DataFrame([
            _funnel("p1", "self", "referred", "not_applicable"),
            _funnel("p1", "self", "accepted", "not_applicable"),
            _funnel("p1", "self", "completed", "not_applicable"),
            _funnel("p1", "agency", "referred", "value", 64, "exact", 64, 64),
            _funnel("p1", "agency", "accepted", "value", 40, "approx", 40, 40),
            _funnel("p1", "agency", "completed", "suppressed", None, "at_most", 1, 4),
            _funnel("p2", "self", "referred", "value", 0, "exact", 0, 0),
            _funnel("p2", "self", "accepted", "value", 0, None, 0, 0),
            _funnel("p2", "self", "completed", "value", 0, "exact", 0, 0),
            _funnel("p2", "agency", "referred", "not_held"),
            _funnel("p2", "agency", "accepted", "refused"),
            # agency_completed of STEP: no row (the gold says nothing: not_stated)
        ]),
        "budgets": pd.DataFrame([
            {"doc_id": "d1", "programme_id": "p1", "amount_gbp": 48250.50, "status": "value", "period": "2022/23", "evidence_text": "£48,250.50"},
            {"doc_id": "d1", "programme_id": "p2", "amount_gbp": None, "status": "not_held", "period": None, "evidence_text": "not held"},
        ]),
        "funders": pd.DataFrame([
            {"doc_id": "d1", "programme_id": "p1", "funder": "Office of the Police and Crime Commissioner for Harbourshire"},
            {"doc_id": "d1", "programme_id": "p1", "funder": "the Home Office"},
        ]),
        "referrers": pd.DataFrame([{"doc_id": "d1", "programme_id": "p1", "organisation": "Harbourshire Constabulary"}]),
    }


def _set(tables, table, where: dict, **values):
    frame = tables[table]
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.any(), (table, where)
    for column, value in values.items():
        frame[column] = frame[column].astype(object)
        for i in frame.index[mask]:
            frame.at[i, column] = value
    return tables


def _fields(report):
    return sorted((m.file, m.programme, m.field) for m in report.mismatches)


# --- counting right and wrong ---------------------------------------------------------------------

def test_a_perfect_warehouse_scores_every_slot():
    report = evaluate(_gold(), _tables())
    assert report.mismatches == []
    assert report.overall == 1.0
    # 2 documents x (document + 7 fields) + 2 programmes x (found + 10 slots)
    assert report.total == 2 * 8 + 2 * 11 == report.right
    assert report.per_field["programmes"] == FieldScore(2, 2)
    assert report.per_field["agency_completed"] == (2, 2)  # suppressed <= 4, and STEP's not_stated
    assert report.programmes == {"gold": 2, "found": 2, "missing": 0, "spurious": 0}


def test_wrong_values_are_counted_per_field_and_listed():
    tables = _tables()
    _set(tables, "funnel_counts", {"programme_id": "p1", "route": "agency", "stage": "referred"}, count=46)
    _set(tables, "funnel_counts", {"programme_id": "p2", "route": "agency", "stage": "accepted"}, status="not_held")
    _set(tables, "budgets", {"programme_id": "p1"}, amount_gbp=48250.00)
    _set(tables, "documents", {"doc_id": "d1"}, area="Harbour")
    report = evaluate(_gold(), tables)
    assert _fields(report) == [
        (HARBOUR, "", "area"),
        (HARBOUR, "STEP", "agency_accepted"),
        (HARBOUR, "Turning Point", "agency_referred"),
        (HARBOUR, "Turning Point", "budget_gbp"),
    ]
    assert report.per_field["agency_referred"] == (1, 2) and report.per_field["area"] == (1, 2)
    assert report.right == report.total - 4
    assert report.overall == pytest.approx((report.total - 4) / report.total)
    wrong = next(m for m in report.mismatches if m.field == "agency_referred")
    assert wrong.expected == {"status": "value", "value": 64} and wrong.got["value"] == 46


def test_budget_amount_tolerance_is_half_a_penny():
    tables = _set(_tables(), "budgets", {"programme_id": "p1"}, amount_gbp=48250.504)
    assert "budget_gbp" not in {m.field for m in evaluate(_gold(), tables).mismatches}


# --- programmes -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "gold_name, aliases, row",
    [
        ("Turning Point", [], {"name": "turning point"}),  # case
        ("+Choices", [], {"name": "Choices"}),  # punctuation
        ("Turning Point", ["TPDAP"], {"name": "T.P.D.A.P."}),  # an alias, punctuation-insensitive
        ("TPDAP", ["Turning Point"], {"name": "Programme A", "aliases": ["Turning Point"]}),  # row alias
        ("Caring Dads", [], {"name": "Fathers' programme", "canonical_name": "Caring Dads"}),  # canonical name
        ("Respect Accredited Perpetrator Programme", [], {"name": "Respect-accredited perpetrator programme (RAPP)"}),  # fuzzy
    ],
)
def test_programmes_match_by_name_alias_or_canonical_name(gold_name, aliases, row):
    gold = {"documents": [{"file": "x.txt", "programmes": [{"name": gold_name, "aliases": aliases}]}]}
    tables = {
        "documents": pd.DataFrame([{"doc_id": "d", "source_path": "x.txt", "parse_status": "ok"}]),
        "programmes": pd.DataFrame([{"programme_id": "p", "doc_id": "d", "aliases": [], "canonical_name": None, "providers": [], **row}]),
    }
    report = evaluate(gold, tables)
    assert report.per_field["programmes"] == (1, 1) and report.programmes["spurious"] == 0


@pytest.mark.parametrize("row_name", ["CARA", "Caring Dads", "Change Hub", "DRIVE"])
def test_different_programmes_do_not_match(row_name):
    gold = {"documents": [{"file": "x.txt", "programmes": [{"name": "Cranstoun Inspire", "aliases": ["CI"]}]}]}
    tables = {
        "documents": pd.DataFrame([{"doc_id": "d", "source_path": "x.txt", "parse_status": "ok"}]),
        "programmes": pd.DataFrame([{"programme_id": "p", "doc_id": "d", "name": row_name, "aliases": [], "canonical_name": None, "providers": []}]),
    }
    report = evaluate(gold, tables)
    assert report.programmes == {"gold": 1, "found": 0, "missing": 1, "spurious": 1}
    assert report.per_field["programmes"] == (0, 2)


def test_each_row_matches_one_gold_programme_best_match_first():
    gold = {"documents": [{"file": "x.txt", "programmes": [{"name": "CARA"}, {"name": "CARA Plus"}]}]}
    rows = [{"programme_id": "p1", "name": "CARA Plus"}, {"programme_id": "p2", "name": "CARA"}]
    tables = {
        "documents": pd.DataFrame([{"doc_id": "d", "source_path": "x.txt", "parse_status": "ok"}]),
        "programmes": pd.DataFrame([{"doc_id": "d", "aliases": [], "canonical_name": None, "providers": [], **r} for r in rows]),
        "funnel_counts": pd.DataFrame([_funnel("p1", "self", "referred", "value", 7, doc="d"), _funnel("p2", "self", "referred", "value", 3, doc="d")]),
    }
    gold["documents"][0]["programmes"][0]["self_referred"] = {"status": "value", "value": 3}
    gold["documents"][0]["programmes"][1]["self_referred"] = {"status": "value", "value": 7}
    report = evaluate(gold, tables)
    assert report.per_field["programmes"] == (2, 2) and report.per_field["self_referred"] == (2, 2)


def test_spurious_programmes_are_mismatches_and_counted():
    tables = _tables()
    extra = pd.DataFrame([{"programme_id": "p9", "doc_id": "d1", "name": "Healthy Relationships Toolkit", "aliases": [],
                           "canonical_name": None, "providers": []}])
    tables["programmes"] = pd.concat([tables["programmes"], extra], ignore_index=True)
    report = evaluate(_gold(), tables)
    assert report.programmes["spurious"] == 1 and report.programmes["found"] == 2
    assert report.per_field["programmes"] == (2, 3)
    [m] = report.mismatches
    assert (m.file, m.programme, m.field, m.expected, m.got) == (HARBOUR, "Healthy Relationships Toolkit", "programmes", None, "Healthy Relationships Toolkit")


def test_a_programme_not_found_scores_all_its_slots_wrong():
    tables = _tables()
    tables["programmes"] = tables["programmes"][tables["programmes"]["programme_id"] != "p2"]
    report = evaluate(_gold(), tables)
    assert report.programmes["missing"] == 1
    step = [m for m in report.mismatches if m.programme == "STEP"]
    assert {m.field for m in step} == {"programmes", "providers", "self_referred", "self_accepted", "self_completed",
                                       "agency_referred", "agency_accepted", "agency_completed", "budget_gbp", "funders", "referrers"}
    assert report.right == report.total - 11


# --- funnel slots: suppressed, approx, not_stated ------------------------------------------------

@pytest.mark.parametrize(
    "gold_slot, row, ok",
    [
        ({"status": "suppressed"}, ("suppressed", None, "at_most", 1, 4), True),
        ({"status": "suppressed"}, ("suppressed", None, "at_most", 1, None), True),
        ({"status": "suppressed", "value": 4}, ("suppressed", None, "at_most", 1, 4), True),
        ({"status": "suppressed", "value": 4}, ("suppressed", None, "at_most", 1, 9), False),
        ({"status": "suppressed", "value": 4}, ("suppressed", None, "at_most", 1, None), False),
        ({"status": "suppressed", "value": 4}, ("value", 4, "exact", 4, 4), False),
        ({"status": "value", "value": 66, "qualifier": "approx"}, ("value", 66, "approx", 66, 66), True),
        ({"status": "value", "value": 66, "qualifier": "approx"}, ("value", 66, "exact", 66, 66), False),
        ({"status": "value", "value": 66}, ("value", 66, "approx", 60, 70), True),  # qualifier only when the gold gives one
        ({"status": "value", "value": 66, "qualifier": "exact"}, ("value", 66, None, 66, 66), True),  # exact == empty
        ({"status": "value", "value": 66, "qualifier": "at_least"}, ("value", 66, "at_least", 67, None), True),
        ({"status": "value", "value": 66}, ("value", 67, "exact", 67, 67), False),
        ({"status": "value", "value": 0}, ("value", 0, "exact", 0, 0), True),
        ({"status": "value", "value": 0}, ("not_stated", None, None, None, None), False),
        ({"status": "not_applicable"}, ("not_applicable", None, None, None, None), True),
        ({"status": "not_applicable"}, ("not_held", None, None, None, None), False),
        ({"status": "refused"}, ("refused", None, None, None, None), True),
        ({"status": "not_stated"}, None, True),
        (None, None, True),  # a slot the gold leaves out is not_stated
        (None, ("value", 5, "exact", 5, 5), False),
        ({"status": "value", "value": 5}, None, False),
    ],
)
def test_funnel_slot_rules(gold_slot, row, ok):
    programme = {"name": "CARA"}
    if gold_slot is not None:
        programme["self_completed"] = gold_slot
    gold = {"documents": [{"file": "x.txt", "programmes": [programme]}]}
    rows = [] if row is None else [_funnel("p", "self", "completed", row[0], row[1], row[2], row[3], row[4], doc="d")]
    tables = {
        "documents": pd.DataFrame([{"doc_id": "d", "source_path": "x.txt", "parse_status": "ok"}]),
        "programmes": pd.DataFrame([{"programme_id": "p", "doc_id": "d", "name": "CARA", "aliases": [], "canonical_name": None, "providers": []}]),
        "funnel_counts": pd.DataFrame(rows),
    }
    report = evaluate(gold, tables)
    assert report.per_field["self_completed"] == ((1, 1) if ok else (0, 1))


def test_nullable_integer_columns_from_parquet_read_as_numbers(tmp_path):
    tables = _tables()
    _write_parquet(tmp_path, tables)
    loaded = load_tables(tmp_path)
    assert loaded["funnel_counts"]["count"].isna().any()  # NaN or NA for the status rows
    assert evaluate(_gold(), loaded).mismatches == []


def test_rows_of_the_documents_population_are_preferred():
    tables = _tables()
    other = _funnel("p1", "agency", "referred", "value", 11, "exact", 11, 11, population="female")
    tables["funnel_counts"] = pd.concat([pd.DataFrame([other]), tables["funnel_counts"]], ignore_index=True)
    assert evaluate(_gold(), tables).mismatches == []


# --- organisations --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "a, b, same",
    [
        ("The Hampton Trust", "Hampton Trust", True),
        ("Office of the Police & Crime Commissioner for Kent", "office of the police and crime commissioner for kent", True),
        ("The Probation Service", "Probation Service (HMPPS)", True),  # one contains the other
        ("West Midlands Police", "West Mids Police", True),  # token_set_ratio >= 85
        ("SafeLives", "Safe Lives", True),
        ("Home Office", "Kent Police", False),
        ("Kent Police", "Kent County Council", False),
        ("Cranstoun", "Change Hub", False),
        ("Norfolk Constabulary", "Suffolk Constabulary", False),  # the words that name the body differ
        ("Essex County Council", "Sussex County Council", False),
        ("Norfolk Constabulary", "Norfolk Constabularly", True),  # a typo in a shared word
    ],
)
def test_organisation_names_match_loosely(a, b, same):
    assert same_org(a, b) is same and same_org(b, a) is same


@pytest.mark.parametrize(
    "expected, got, ok",
    [
        (["Home Office", "Kent Police"], ["kent police", "The Home Office"], True),  # order, case, 'the'
        (["Home Office", "Kent Police"], ["Home Office"], False),  # one missing
        (["Home Office"], ["Home Office", "Kent Police"], False),  # one extra
        (["Home Office"], ["Home Office", "the Home Office"], True),  # the same name twice
        (["Kent Police", "Kent Police and Crime Commissioner"], ["Kent Police"], False),  # one name cannot stand for two
        ([], [], True),
        ([], ["Home Office"], False),
    ],
)
def test_organisation_sets(expected, got, ok):
    assert same_orgs(expected, got) is ok


def test_fuzzy_funders_referrers_and_providers_in_a_report():
    tables = _tables()
    _set(tables, "funders", {"funder": "the Home Office"}, funder="HOME OFFICE")
    _set(tables, "referrers", {"programme_id": "p1"}, organisation="Harbourshire Police")
    _set(tables, "programmes", {"programme_id": "p1"}, providers=["Lantern Trust", "Harbour Housing"])
    report = evaluate(_gold(), tables)
    assert _fields(report) == [(HARBOUR, "Turning Point", "providers"), (HARBOUR, "Turning Point", "referrers")]
    assert report.per_field["funders"] == (2, 2)


def test_whole_reply_orgs_and_budget_count_for_a_single_programme_only():
    gold = _gold()
    gold["documents"][0]["programmes"] = gold["documents"][0]["programmes"][:1]  # Turning Point alone
    tables = _tables()
    tables["programmes"] = tables["programmes"][tables["programmes"]["programme_id"] == "p1"]
    for table in ("budgets", "funders", "referrers"):
        _set(tables, table, {"programme_id": "p1"}, programme_id=None)
    assert evaluate(gold, tables).mismatches == []
    # with two programmes, a whole-reply figure is nobody's
    two = _tables()
    for table in ("budgets", "funders", "referrers"):
        _set(two, table, {"programme_id": "p1"}, programme_id=None)
    fields = {m.field for m in evaluate(_gold(), two).mismatches}
    assert fields == {"budget_gbp", "funders", "referrers"}


# --- documents ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "column, value, ok",
    [
        ("authority", "OFFICE OF THE POLICE AND CRIME COMMISSIONER FOR HARBOURSHIRE", True),
        ("authority", "Harbourshire Constabulary", False),
        ("area", "  Harbourshire", True),
        ("foi_reference", "FOI 2023 118", True),
        ("foi_reference", "FOI-2023-119", False),
        ("foi_reference", None, False),
        ("response_date", pd.Timestamp("2023-09-14"), True),
        ("response_date", "2023-09-14", True),
        ("response_date", dt.date(2023, 9, 15), False),
        ("response_date", None, False),
        ("financial_year", "2022/2023", True),
        ("financial_year", "2021/22", False),
        ("information_status", "held", False),
        ("population", None, True),  # empty reads as the default, male
        ("population", "female", False),
    ],
)
def test_document_fields(column, value, ok):
    tables = _set(_tables(), "documents", {"doc_id": "d1"}, **{column: value})
    report = evaluate(_gold(), tables)
    assert report.per_field[column] == ((2, 2) if ok else (1, 2))


def test_null_gold_fields_need_null_values():
    tables = _set(_tables(), "documents", {"doc_id": "d2"}, foi_reference="FOI 77", response_date="2023-01-05")
    report = evaluate(_gold(), tables)
    assert {(m.field, m.expected, m.got) for m in report.mismatches} == {("foi_reference", None, "FOI 77"), ("response_date", None, "2023-01-05")}


def test_a_gold_file_missing_from_the_warehouse_is_reported_and_its_slots_scored_wrong():
    tables = _tables()
    tables["documents"] = tables["documents"][tables["documents"]["doc_id"] != "d1"]
    report = evaluate(_gold(), tables)
    assert report.documents == {"gold": 2, "found": 1}
    assert report.per_field["document"] == (1, 2)
    first = report.mismatches[0]
    assert (first.file, first.field, first.got) == (HARBOUR, "document", "missing from the warehouse")
    assert len(report.mismatches) == 1 + 7 + 2 * 11
    assert report.right == 8  # only the e-mail's document and fields


def test_an_unreadable_gold_file_says_why():
    tables = _set(_tables(), "documents", {"doc_id": "d1"}, parse_status="needs_ocr", parse_error="no text layer")
    report = evaluate(_gold(), tables)
    assert report.mismatches[0].got == "parse_status=needs_ocr: no text layer"


def test_facts_of_an_email_attachment_count_for_the_email():
    tables = _tables()
    # the Harbourshire reply arrives as an e-mail; its facts are in the attached letter
    docs = tables["documents"]
    attachment = docs[docs["doc_id"] == "d1"].copy()
    docs.loc[docs["doc_id"] == "d1", ["source_path", "authority", "foi_reference"]] = ["inbox/harbour.eml", None, None]
    attachment["doc_id"], attachment["source_path"], attachment["parent_doc_id"] = "d1a", "inbox/harbour.eml#letter.pdf", "d1"
    tables["documents"] = pd.concat([docs, attachment], ignore_index=True)
    for table in ("programmes", "funnel_counts", "budgets", "funders", "referrers"):
        tables[table]["doc_id"] = tables[table]["doc_id"].replace("d1", "d1a")
    gold = _gold()
    gold["documents"][0]["file"] = "harbour.eml"
    assert evaluate(gold, tables).mismatches == []
    gold["documents"][0]["file"] = "letter.pdf"  # the attachment itself can be the gold file too
    assert evaluate(gold, tables).per_field["programmes"] == (2, 2)


def test_same_file_name_in_two_folders_is_told_apart_by_its_bytes():
    tables = _tables()
    twin = tables["documents"][tables["documents"]["doc_id"] == "d1"].copy()
    twin["doc_id"], twin["source_path"], twin["sha256"], twin["area"] = "d9", f"2024/{HARBOUR}", "cc", "Elsewhere"
    tables["documents"] = pd.concat([twin, tables["documents"]], ignore_index=True)
    assert "area" in {m.field for m in evaluate(_gold(), tables).mismatches}  # first by name: the wrong one
    assert evaluate(_gold(), tables, sha256_by_file={HARBOUR: "aa"}).mismatches == []


# --- the printed report ---------------------------------------------------------------------------

def test_format_report_lists_fields_overall_and_every_mismatch():
    tables = _set(_tables(), "funnel_counts", {"programme_id": "p1", "route": "agency", "stage": "accepted"}, count=41, evidence_text="about 41 men")
    text = format_report(evaluate(_gold(), tables))
    lines = text.splitlines()
    assert lines[0] == "accuracy per field:"
    assert any(line.split()[:2] == ["agency_accepted", "1/2"] and line.endswith("50.0%") for line in lines)
    assert any(line.strip().startswith("programmes") and "found 2 of 2, spurious 0" in line for line in lines)
    assert "overall: 37/38 = 97.4%" in lines
    assert "mismatches (1): file | programme | field | expected | got | flagged" in lines
    assert "silent misses: 1/38 = 2.6% of slots wrong or missing with no review item for their reply and table" in lines
    assert f'  {HARBOUR} | Turning Point | agency_accepted | value 40 (approx) | value 41 (approx) from "about 41 men" | SILENT' in lines


@pytest.mark.parametrize("item, silent", [
    ({"doc_id": "d1", "table_name": "funnel_counts", "programme_id": None}, 0),  # the reply's counts are doubted
    ({"doc_id": "d1", "table_name": "funnel_counts", "programme_id": "p1"}, 0),  # this programme's counts
    ({"doc_id": "d1", "table_name": "funnel_counts", "programme_id": "p2"}, 1),  # another programme's
    ({"doc_id": "d1", "table_name": "budgets", "programme_id": None}, 1),  # another table
    ({"doc_id": "d2", "table_name": "funnel_counts", "programme_id": None}, 1),  # another reply
])
def test_a_wrong_slot_is_silent_unless_a_review_item_points_at_it(item, silent):
    tables = _set(_tables(), "funnel_counts", {"programme_id": "p1", "route": "agency", "stage": "accepted"}, count=41)
    tables["review_queue"] = pd.DataFrame([{**item, "field": "unread_figure", "severity": "warning"}])
    report = evaluate(_gold(), tables)
    assert len(report.mismatches) == 1 and len(report.silent) == silent
    assert report.review_items == (1 if item["doc_id"] in {"d1", "d2"} else 0)


def test_format_report_without_mismatches():
    assert format_report(evaluate(_gold(), _tables())).endswith("mismatches: none")


# --- load_tables and the CLI ----------------------------------------------------------------------

def _write_parquet(root: Path, tables: dict[str, pd.DataFrame]) -> Path:
    (root / "parquet").mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(root / "parquet" / f"{name}.parquet", index=False)
    return root


def test_cli_prints_the_report(tmp_path, capsys):
    warehouse = _write_parquet(tmp_path / "wh", _tables())
    assert evaluate_cli(SMALL_GOLD, warehouse, None) == 0
    out = capsys.readouterr().out
    assert "overall: 38/38 = 100.0%" in out and "mismatches: none" in out


def test_foi_evaluate_command(tmp_path, capsys):
    from foi_pipeline.cli import main

    warehouse = _write_parquet(tmp_path / "wh", _set(_tables(), "budgets", {"programme_id": "p1"}, amount_gbp=1.0))
    assert main(["evaluate", "--gold", str(SMALL_GOLD), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert f"{HARBOUR} | Turning Point | budget_gbp | value 48,250.50 | value 1 [2022/23]" in out


def test_cli_uses_raw_files_to_pick_documents(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / HARBOUR).write_bytes(b"the reply as received")
    tables = _tables()
    twin = tables["documents"][tables["documents"]["doc_id"] == "d1"].copy()
    twin["doc_id"], twin["sha256"], twin["area"] = "d9", "0" * 64, "Elsewhere"
    tables["documents"] = pd.concat([twin, tables["documents"]], ignore_index=True)
    _set(tables, "documents", {"doc_id": "d1"}, sha256=hashlib.sha256(b"the reply as received").hexdigest())
    warehouse = _write_parquet(tmp_path / "wh", tables)
    assert evaluate_cli(SMALL_GOLD, warehouse, raw) == 0
    assert "mismatches: none" in capsys.readouterr().out


def test_load_tables_reads_duckdb_when_there_is_no_parquet(tmp_path):
    import duckdb

    tables = _tables()
    con = duckdb.connect(str(tmp_path / "foi.duckdb"))
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
        con.unregister("frame")
    con.close()
    loaded = load_tables(tmp_path)
    assert set(loaded) >= set(tables)
    assert evaluate(_gold(), loaded).mismatches == []


def test_load_tables_reads_an_absent_fact_table_as_empty(tmp_path):
    tables = _tables()
    del tables["referrers"]
    loaded = load_tables(_write_parquet(tmp_path, tables))
    assert loaded["referrers"].empty
    assert {m.field for m in evaluate(_gold(), loaded).mismatches} == {"referrers"}


@pytest.mark.parametrize("problem", ["no_gold", "bad_json", "not_gold", "no_file", "no_warehouse", "no_raw"])
def test_cli_reports_missing_or_bad_inputs(tmp_path, capsys, problem):
    gold, warehouse, raw = SMALL_GOLD, _write_parquet(tmp_path / "wh", _tables()), None
    if problem == "no_gold":
        gold = tmp_path / "nope.json"
    elif problem == "bad_json":
        gold = tmp_path / "bad.json"
        gold.write_text("{not json")
    elif problem == "not_gold":
        gold = tmp_path / "list.json"
        gold.write_text("[]")
    elif problem == "no_file":
        gold = tmp_path / "nofile.json"
        gold.write_text('{"documents": [{"area": "Kent"}]}')
    elif problem == "no_warehouse":
        warehouse = tmp_path / "empty"
    else:
        raw = tmp_path / "no_such_raw"
    assert evaluate_cli(gold, warehouse, raw) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    expected = {"no_gold": "not found", "bad_json": "cannot read gold file", "not_gold": "is not a gold file", "no_file": "is not a gold file",
                "no_warehouse": "run `foi run` first", "no_raw": "raw folder"}[problem]
    assert expected in err


def test_foi_evaluate_command_reports_a_missing_warehouse(tmp_path, capsys):
    from foi_pipeline.cli import main

    assert main(["evaluate", "--gold", str(SMALL_GOLD), "--warehouse", str(tmp_path / "none")]) == 2
    assert "foi run" in capsys.readouterr().err


def test_evaluate_does_not_change_its_inputs():
    gold, tables = _gold(), _tables()
    before_gold, before = copy.deepcopy(gold), {k: v.copy(deep=True) for k, v in tables.items()}
    evaluate(gold, tables)
    assert gold == before_gold
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], before[name])


# --- the corpus targets (issue 4): the whole pipeline, then the evaluator -------------------------

def _build(tmp_path: Path, sources: list[Path]) -> Path:
    import dagster as dg

    from foi_pipeline.defs.assets import all_assets
    from foi_pipeline.defs.resources import settings_from_env

    raw = tmp_path / "raw"
    raw.mkdir()
    for source in sources:
        shutil.copy(source, raw / source.name)
    warehouse = tmp_path / "warehouse"
    assert dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(warehouse))}).success
    return warehouse


@pytest.fixture(scope="module")
def dev_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("dev"), sorted((FIXTURES / "dev").glob("*.txt")))


@pytest.fixture(scope="module")
def seeds_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("seeds"), sorted((FIXTURES / "seeds").glob("*.txt")))


@pytest.fixture(scope="module")
def holdout_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout"), sorted(p for p in (FIXTURES / "holdout").iterdir() if p.suffix not in {".json", ".md"}))


HOLDOUT_FLOOR = 0.87  # 33-65 % when first read blind, 88.5 % after the fixes it and later sets showed: a floor, not a target


@pytest.fixture(scope="module")
def holdout2_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout2"), sorted(p for p in (FIXTURES / "holdout2").iterdir() if p.suffix not in {".json", ".md"}))


HOLDOUT2_FLOOR = 0.82  # 57 % when first read blind, 83.9 % after the fixes it and later sets showed


@pytest.fixture(scope="module")
def holdout3_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout3"), sorted(p for p in (FIXTURES / "holdout3").iterdir() if p.suffix not in {".json", ".md"}))


@pytest.fixture(scope="module")
def holdout4_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout4"), sorted(p for p in (FIXTURES / "holdout4").iterdir() if p.suffix not in {".json", ".md"}))


HOLDOUT4_FLOOR = 0.84  # 57.4 % when first read blind, 85.4 % after question tables, per-route and per-area table columns, long and transposed tables and the lexicon of headings and places
HOLDOUT3_FLOOR = 0.89  # 59.8 % when first read blind, 90.0 % after the lexicon, Word list numbering and the layout rules it and later sets showed
SILENT_CEILING = 0.03  # slots wrong or missing with no review item pointing a person at them


@pytest.fixture(scope="module")
def holdout5_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout5"), sorted(p for p in (FIXTURES / "holdout5").iterdir() if p.suffix not in {".json", ".md"}))


HOLDOUT5_FLOOR = 0.86  # 58.2 % when first read blind, 88.0 % after data sheets beside answers, a table per programme, tables under merged route headings and later sets' layouts
HOLDOUT6_FLOOR = 0.84  # 56.4 % when first read blind, 85.7 % after letters in paragraphs per programme and tables answering pointers


@pytest.fixture(scope="module")
def holdout6_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout6"), sorted(p for p in (FIXTURES / "holdout6").iterdir() if p.suffix not in {".json", ".md"}))


HOLDOUT6_SILENT_CEILING = 0.05  # 8.4 % when first read, 3.8 % now


@pytest.fixture(scope="module")
def holdout7_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout7"), sorted(p for p in (FIXTURES / "holdout7").iterdir() if p.suffix not in {".json", ".md"}))


HOLDOUT7_FLOOR = 0.86  # 58.2 % when first read blind, 87.9 % after tables of stages before the answers and later sets' layouts
HOLDOUT7_SILENT_CEILING = 0.045  # 6.8 % when first read, 3.6 % now


@pytest.fixture(scope="module")
def holdout8_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout8"), sorted(p for p in (FIXTURES / "holdout8").iterdir() if p.suffix not in {".json", ".md"}))


HOLDOUT8_FLOOR = 0.92  # 71.6 % when first read blind, 93.2 % after workbooks of sheets, tables of referrers and funders and the ninth set's layouts
HOLDOUT8_SILENT_CEILING = 0.03  # 6.0 % when first read, 1.8 % now
HOLDOUT5_SILENT_CEILING = 0.04  # 7.0 % when first read, 2.9 % now


@pytest.fixture(scope="module")
def holdout9_warehouse(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("holdout9"), sorted(p for p in (FIXTURES / "holdout9").iterdir() if p.suffix not in {".json", ".md"}))


HOLDOUT9_FLOOR = 0.82  # 74.2 % when first read blind (the figure for layouts the extractor was not written for), 83.7 % after its sheets and tables per programme
HOLDOUT9_SILENT_CEILING = 0.04  # 4.1 % when first read, 2.7 % now


@pytest.mark.parametrize("folder, floor, ceiling", [
    ("holdout", HOLDOUT_FLOOR, SILENT_CEILING), ("holdout2", HOLDOUT2_FLOOR, SILENT_CEILING), ("holdout3", HOLDOUT3_FLOOR, SILENT_CEILING),
    ("holdout4", HOLDOUT4_FLOOR, SILENT_CEILING), ("holdout5", HOLDOUT5_FLOOR, HOLDOUT5_SILENT_CEILING),
    ("holdout6", HOLDOUT6_FLOOR, HOLDOUT6_SILENT_CEILING), ("holdout7", HOLDOUT7_FLOOR, HOLDOUT7_SILENT_CEILING),
    ("holdout8", HOLDOUT8_FLOOR, HOLDOUT8_SILENT_CEILING), ("holdout9", HOLDOUT9_FLOOR, HOLDOUT9_SILENT_CEILING),
])
def test_held_out_replies_stay_above_their_floor_and_their_misses_are_flagged(folder, floor, ceiling, request):
    warehouse = request.getfixturevalue(f"{folder}_warehouse")
    report = evaluate(json.loads((FIXTURES / folder / "gold.json").read_text()), load_tables(warehouse))
    assert report.overall >= floor, format_report(report)
    assert report.silent_share <= ceiling, "\n".join(f"{m.file} | {m.programme} | {m.field}" for m in report.silent)


def test_the_seeds_and_dev_corpus_raise_few_review_items(dev_warehouse, seeds_warehouse):
    """At most 2.5 review items per reply where everything is read: each should point at a real figure or doubt."""
    items = replies = 0
    for folder, warehouse in (("dev", dev_warehouse), ("seeds", seeds_warehouse)):
        gold = json.loads((FIXTURES / folder / "gold.json").read_text()) if folder == "dev" else json.loads(
            (FIXTURES / "seeds_gold" / "gold.json").read_text())
        report = evaluate(gold, load_tables(warehouse))
        items, replies = items + report.review_items, replies + report.replies
    assert replies == 11 and items / replies <= 2.5, f"{items} review items in {replies} replies"


def test_dev_corpus_meets_the_target(dev_warehouse):
    report = evaluate(json.loads((FIXTURES / "dev" / "gold.json").read_text()), load_tables(dev_warehouse))
    assert report.overall >= 0.97, format_report(report)
    assert report.programmes["missing"] == 0 and report.programmes["spurious"] == 0, format_report(report)


def test_seeds_every_slot_right_and_misnumbering_in_review(seeds_warehouse):
    report = evaluate(json.loads((FIXTURES / "seeds_gold" / "gold.json").read_text()), load_tables(seeds_warehouse))
    assert report.mismatches == [], format_report(report)
    review = pd.read_parquet(seeds_warehouse / "parquet" / "review_queue.parquet")
    reasons = " ".join(review["reason"])
    assert "labelled '6.'" in reasons and "labelled '7.'" in reasons


def test_foi_evaluate_on_the_seeds(seeds_warehouse, capsys):
    from foi_pipeline.cli import main

    code = main(["evaluate", "--gold", str(FIXTURES / "seeds_gold" / "gold.json"), "--warehouse", str(seeds_warehouse)])
    out = capsys.readouterr().out
    assert code == 0 and "overall: 71/71 = 100.0%" in out and "agency_completed" in out


@pytest.mark.parametrize("a, b, same", [
    ("Sussex PCC", "Office of the Sussex Police and Crime Commissioner", True),
    ("OPCC for Avon and Somerset", "Office of the Police and Crime Commissioner for Avon and Somerset", True),
    ("Derbyshire Police and Crime Commissioner", "Office of the Police and Crime Commissioner for Derbyshire", True),
    ("Sussex PCC", "Office of the Police and Crime Commissioner for Surrey", False),
])
def test_a_commissioners_office_is_the_same_body_however_it_is_written(a, b, same):
    assert same_org(a, b) is same
