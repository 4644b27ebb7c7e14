"""An e-mail and its attachments are one reply: programmes merged, each slot taken once, disagreements reviewed."""

from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from fpdf import FPDF

from foi_pipeline.contract import TABLES
from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.resources import settings_from_env
from foi_pipeline.pipeline import empty_frame, frame
from foi_pipeline.replies import agree, budget_reading, count_reading, match_programmes, merge_replies, merge_reply, reply_order
from foi_pipeline.schemas import validate_table

MAIL, LETTER = "a" * 16, "b" * 16
MEMBERS = [{"doc_id": LETTER, "source_path": "kent.eml#letter.pdf", "media_type": "application/pdf", "counted": True},
           {"doc_id": MAIL, "source_path": "kent.eml", "media_type": "message/rfc822", "counted": True}]


def _programme(doc_id: str, name: str, canonical: str | None = None, aliases: tuple[str, ...] = ()) -> dict:
    return {"doc_id": doc_id, "programme_id": f"{doc_id}-{name.lower()}", "name": name, "canonical_name": canonical,
            "aliases": list(aliases)}


def _count(doc_id: str, programme: str, route: str, stage: str, count: int | None = None, status: str = "value", **row) -> dict:
    low = high = count
    return {"doc_id": doc_id, "programme_id": f"{doc_id}-{programme}", "route": route, "stage": stage, "count": count,
            "status": status, "qualifier": "exact" if count is not None else None, "count_low": low, "count_high": high,
            "char_start": 0, "char_end": 0, "evidence_text": "", **row}


def _budget(doc_id: str, programme: str | None, amount: str | None, evidence: str = "", status: str = "value", start: int = 0) -> dict:
    return {"doc_id": doc_id, "programme_id": programme and f"{doc_id}-{programme}", "status": status,
            "amount_gbp": None if amount is None else Decimal(amount), "char_start": start, "char_end": start + len(evidence),
            "evidence_text": evidence}


def test_programmes_of_one_reply_are_one_by_name_alias_or_type_and_the_attachments_name_them():
    programmes = [
        _programme(LETTER, "Safe Steps"), _programme(LETTER, "CARA", "CARA", ("Cautioning and Relationship Abuse",)),
        _programme(LETTER, "Drive", "Drive"), _programme(LETTER, "Engage"),
        _programme(MAIL, "SAFE-steps"), _programme(MAIL, "Cautioning and relationship abuse"),
        _programme(MAIL, "Drive Project", "Drive"), _programme(MAIL, "Inspire"),
    ]
    rank = {LETTER: 0, MAIL: 1}
    assert match_programmes(programmes, rank) == {
        f"{LETTER}-safe steps": f"{LETTER}-safe steps", f"{MAIL}-safe-steps": f"{LETTER}-safe steps",
        f"{LETTER}-cara": f"{LETTER}-cara", f"{MAIL}-cautioning and relationship abuse": f"{LETTER}-cara",
        f"{LETTER}-drive": f"{LETTER}-drive", f"{MAIL}-drive project": f"{LETTER}-drive",
        f"{LETTER}-engage": f"{LETTER}-engage", f"{MAIL}-inspire": f"{MAIL}-inspire",  # named in one document: as it is
    }
    # Two programmes one document names apart stay apart, even of one type.
    apart = [_programme(LETTER, "Drive North", "Drive"), _programme(LETTER, "Drive South", "Drive"), _programme(MAIL, "Drive", "Drive")]
    same_as = match_programmes(apart, rank)
    assert same_as[f"{LETTER}-drive north"] != same_as[f"{LETTER}-drive south"]
    assert same_as[f"{MAIL}-drive"] == f"{LETTER}-drive north"


def test_each_slot_is_taken_once_from_the_attachment_else_the_body():
    programmes = [_programme(LETTER, "Safe Steps"), _programme(MAIL, "Safe Steps")]
    funnel = [
        _count(LETTER, "safe steps", "agency", "referred", 120), _count(MAIL, "safe steps", "agency", "referred", 120),  # a repeat
        _count(LETTER, "safe steps", "self", "referred", status="not_stated"), _count(MAIL, "safe steps", "self", "referred", 40),
        _count(LETTER, "safe steps", "self", "accepted", status="not_stated"),
    ]
    merge = merge_reply(MEMBERS, programmes, funnel, [])
    assert merge.funnel_counted == [True, False, False, True, True]  # a slot nobody gives: the first silence
    assert merge.review == []
    # A document the marts do not count gives nothing, even where it is first in the reply's order.
    uncounted = [{**MEMBERS[0], "counted": False}, MEMBERS[1]]
    assert merge_reply(uncounted, programmes, funnel, []).funnel_counted == [False, True, False, True, False]


def test_readings_agree_when_one_rounds_or_bounds_the_other():
    def reading(**row):
        return count_reading(_count(MAIL, "p", "agency", "referred", **row))

    exact = reading(count=118)
    assert agree(exact, reading(count=120, qualifier="approx"))
    assert not agree(reading(count=126), reading(count=120, qualifier="approx"))
    assert agree(reading(count=3), reading(count=None, status="suppressed", count_low=1, count_high=4))
    assert agree(reading(count=45), reading(count=40, qualifier="approx", count_low=40, count_high=50))
    assert agree(reading(count=31), reading(count=30, qualifier="at_least", count_low=30, count_high=None))
    assert not agree(reading(count=65), reading(count=60))
    assert not agree(reading(count=12), reading(count=None, status="not_held"))
    assert reading(count=None, status="not_stated") is None
    text = "The budget was approximately £1,250,000 in all."
    assert agree(budget_reading([_budget(MAIL, None, "1200000.00", "£1.2m")]), budget_reading([_budget(LETTER, "p", "1198450.00")]))
    assert agree(budget_reading([_budget(MAIL, None, "1250000.00", "£1,250,000", start=text.index("£"))], text),
                 budget_reading([_budget(LETTER, "p", "1248000.00")]))
    assert not agree(budget_reading([_budget(MAIL, None, "60000.00", "£60,000")]), budget_reading([_budget(LETTER, "p", "60400.00")]))


def test_a_disagreement_is_one_review_item_naming_both_files_and_values():
    programmes = [_programme(LETTER, "Safe Steps"), _programme(MAIL, "Safe Steps")]
    funnel = [_count(LETTER, "safe steps", "agency", "completed", 60),
              _count(MAIL, "safe steps", "agency", "completed", 65, char_start=3, char_end=5, evidence_text="65")]
    budgets = [_budget(LETTER, "safe steps", "85000.00", "£85,000"), _budget(MAIL, "safe steps", "85000.00", "£85k")]
    merge = merge_reply(MEMBERS, programmes, funnel, budgets)
    assert merge.funnel_counted == [True, False] and merge.budgets_counted == [True, False]
    [item] = merge.review
    assert (item["doc_id"], item["table_name"], item["field"], item["severity"]) == (MAIL, "funnel_counts", "agency_completed", "warning")
    assert (item["evidence_text"], item["value"], item["programme_id"]) == ("65", "65", f"{MAIL}-safe steps")
    assert "65 in 'kent.eml' and 60 in 'kent.eml#letter.pdf'" in item["reason"] and "Safe Steps, agency completed" in item["reason"]
    assert "(attachments before the e-mail's own text)" in item["reason"]


def test_budgets_are_taken_per_document_and_a_whole_reply_budget_is_checked_against_the_programmes():
    programmes = [_programme(LETTER, "Safe Steps"), _programme(LETTER, "Drive"), _programme(MAIL, "Safe Steps")]
    budgets = [_budget(LETTER, "safe steps", "50000.00", "£50,000"), _budget(LETTER, "safe steps", "10000.00", "£10,000"),
               _budget(MAIL, "safe steps", None, status="not_stated"), _budget(LETTER, "drive", "30000.00", "£30,000")]
    merge = merge_reply(MEMBERS, programmes, [], budgets)
    assert merge.budgets_counted == [True, True, False, True] and merge.review == []
    # The e-mail gives only a total, the letter the programmes': the marts take the programmes', and a total that
    # is no rounding of theirs is for a person to look at.
    whole = _budget(MAIL, None, "150000.00", "£150,000")
    merge = merge_reply(MEMBERS, programmes, [], [*budgets, whole])
    assert merge.budgets_counted == [True, True, False, True, True]
    [item] = merge.review
    assert (item["doc_id"], item["field"], item["value"]) == (MAIL, "amount_gbp", "£150,000")
    assert "programme budgets of £90,000 from 'kent.eml#letter.pdf'" in item["reason"] and "£150,000 in 'kent.eml'" in item["reason"]
    assert merge_reply(MEMBERS, programmes, [], [*budgets, _budget(MAIL, None, "90000.00", "£90k")]).review == []


def test_reply_order_puts_counted_attachments_before_the_e_mail_and_the_forwarded_before_the_covering():
    rows = [
        {"doc_id": "1" * 16, "source_path": "a.eml", "media_type": "message/rfc822", "parent_doc_id": None, "counted": True},
        {"doc_id": "2" * 16, "source_path": "a.eml#fwd.eml", "media_type": "message/rfc822", "parent_doc_id": "1" * 16, "counted": True},
        {"doc_id": "3" * 16, "source_path": "a.eml#fwd.eml#letter.pdf", "media_type": "application/pdf", "parent_doc_id": "2" * 16,
         "counted": True},
        {"doc_id": "4" * 16, "source_path": "a.eml#annex.txt", "media_type": "text/plain", "parent_doc_id": "1" * 16, "counted": False},
        {"doc_id": "5" * 16, "source_path": "b.txt", "media_type": "text/plain", "parent_doc_id": None, "counted": True},
    ]
    replies, ranks = reply_order(rows)
    assert replies == ["1" * 16] * 4 + ["5" * 16]
    assert ranks == [2, 1, 0, 3, 0]


def test_merge_replies_fills_the_columns_and_keeps_every_table_valid():
    documents = frame("documents", [
        {**m, "media_type": "message/rfc822" if m["doc_id"] == MAIL else "application/pdf", "byte_size": 1, "parse_status": "ok",
         "parent_doc_id": None if m["doc_id"] == MAIL else MAIL} for m in MEMBERS])
    prov = {"char_start": 0, "char_end": 0, "evidence_text": "", "extractor": "test", "population": "male"}
    tables = {t: empty_frame(t) for t in TABLES}
    tables.update(
        documents=documents,
        document_text=frame("document_text", [{"doc_id": d, "text": "65"} for d in (MAIL, LETTER)]),
        programmes=frame("programmes", [{**p, **prov, "providers": []} for p in (_programme(LETTER, "Safe Steps"), _programme(MAIL, "Safe Steps"))]),
        funnel_counts=frame("funnel_counts", [
            {**prov, **_count(LETTER, "safe steps", "agency", "completed", 60)},
            {**prov, **_count(MAIL, "safe steps", "agency", "completed", 65, char_start=0, char_end=2, evidence_text="65")}]),
    )
    out = merge_replies(tables)
    assert out["documents"].set_index("doc_id")[["reply_id", "reply_rank"]].to_dict("index") == {
        MAIL: {"reply_id": MAIL, "reply_rank": 1}, LETTER: {"reply_id": MAIL, "reply_rank": 0}}
    assert set(out["programmes"]["reply_programme_id"]) == {f"{LETTER}-safe steps"}
    assert out["funnel_counts"].set_index("doc_id")["counted"].to_dict() == {LETTER: True, MAIL: False}
    assert len(out["review_queue"]) == 1
    for table in ("documents", "programmes", "funnel_counts", "budgets", "review_queue"):
        assert list(out[table].columns) == [c for c, _ in TABLES[table]]
        assert validate_table(table, out[table]) == [], table


# --- end to end: real .eml files through the pipeline -------------------------------------------------------------

QUESTIONS = "Domestic Abuse Perpetrator Programme for the 2022/2023 Financial Year"


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _letter(area: str, answers: list[str]) -> list[str]:
    return [f"Office of the Police and Crime Commissioner for {area}", "Date: 14 August 2023",
            "RE: Freedom of Information Request FOI/123", QUESTIONS, *answers]


def _eml(area: str, body: list[str], name: str, attachment: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "FOI Team <foi@opcc.example>"
    message["To"] = "requester@example.org"
    message["Date"] = "Tue, 15 Aug 2023 10:12:03 +0100"
    message["Subject"] = f"RE: FOI request - {QUESTIONS}"
    message.set_content("\n".join(["Dear Requester,", "", *body, "", "Kind regards", "FOI Team",
                                   f"Office of the Police and Crime Commissioner for {area}", ""]))
    maintype, subtype = ("application", "pdf") if name.endswith(".pdf") else ("text", "plain")
    message.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


FULL = ["1. Safe Steps, a community behaviour change programme for men.", "2. 40", "3. 30", "4. 12", "5. 120", "6. 90", "7. 60",
        "8. {area} Police", "9. Office of the Police and Crime Commissioner for {area}", "10. £1,198,450"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("replies")
    raw = root / "raw"
    raw.mkdir()
    # (a) the body repeats the letter's budget (rounded) and two of its counts
    (raw / "kent.eml").write_bytes(_eml(
        "Kent", ["Please find attached our response. In brief:", "", "1. Safe Steps", "5. 120", "7. 60",
                 "10. The budget was approximately £1.2m."],
        "response.pdf", _pdf(_letter("Kent", [line.format(area="Kent") for line in FULL]))))
    # (b) the body answers questions 1 to 4, the attachment (a text file) 5 to 10, for the same programme
    (raw / "surrey.eml").write_bytes(_eml(
        "Surrey", [f"Thank you for your request about the {QUESTIONS}. Answers to questions 1 to 4 are below; the "
                   "attached letter answers questions 5 to 10.", "", "1. Safe Steps, a community behaviour change programme for men.",
                   "2. 40", "3. 30", "4. 12"],
        "answers-5-10.txt", "\n".join(_letter("Surrey", ["Programme: Safe Steps", "5. 120", "6. 90", "7. 60", "8. Surrey Police",
                                                         "9. Office of the Police and Crime Commissioner for Surrey",
                                                         "10. £85,000"])).encode()))
    # (c) the body gives another figure than the letter for completions
    (raw / "essex.eml").write_bytes(_eml(
        "Essex", ["Please find attached our response. In brief:", "", "1. Safe Steps", "5. 120", "7. 65"],
        "response.pdf", _pdf(_letter("Essex", [line.format(area="Essex") for line in FULL]))))
    (root / "corrections").mkdir()
    settings = settings_from_env(str(raw), str(root / "warehouse"), str(root / "corrections"))
    assert dg.materialize(all_assets, resources={"foi": settings}).success
    return root / "warehouse"


def _query(warehouse: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def test_both_documents_keep_their_facts_with_evidence(warehouse):
    counts = _query(warehouse, "SELECT d.source_path, f.count, f.counted FROM funnel_counts f JOIN documents d USING (doc_id) "
                               "WHERE d.area = 'Kent' AND f.route = 'agency' AND f.stage = 'referred' ORDER BY 1")
    assert counts.values.tolist() == [["kent.eml", 120, False], ["kent.eml#response.pdf", 120, True]]
    spans = _query(warehouse, "SELECT t.text, f.char_start, f.char_end, f.evidence_text FROM funnel_counts f "
                              "JOIN document_text t USING (doc_id) WHERE f.status = 'value'")
    assert all(text[s:e] == evidence for text, s, e, evidence in spans.values.tolist())


def test_a_body_repeating_the_attachment_gives_each_figure_once(warehouse):
    summary = _query(warehouse, "SELECT * FROM area_summary WHERE area = 'Kent'").iloc[0]
    assert (summary["replies"], summary["programmes"], summary["programme_names"]) == (1, 1, "Safe Steps")
    assert (summary["total_budget_gbp"], summary["total_referred"], summary["total_completed"]) == (Decimal("1198450.00"), 160, 72)
    [row] = _query(warehouse, "SELECT * FROM programme_funnel WHERE area = 'Kent'").to_dict("records")
    assert [row[c] for c in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")] == [
        40, 30, 12, 120, 90, 60]
    paths = _query(warehouse, "SELECT source_path FROM documents WHERE doc_id = '{}'".format(row["doc_id"]))["source_path"].tolist()
    assert paths == ["kent.eml#response.pdf"]
    [cost] = _query(warehouse, "SELECT budget_gbp, completed FROM programme_costs WHERE area = 'Kent'").values.tolist()
    assert cost == [Decimal("1198450.00"), 72]


def test_a_body_and_an_attachment_answering_different_questions_give_one_programme(warehouse):
    rows = _query(warehouse, "SELECT * FROM programme_funnel WHERE area = 'Surrey'").to_dict("records")
    assert len(rows) == 1
    assert [rows[0][c] for c in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted",
                                 "agency_completed")] == [40, 30, 12, 120, 90, 60]
    summary = _query(warehouse, "SELECT replies, programmes, total_budget_gbp, total_referred FROM area_summary WHERE area = 'Surrey'")
    assert summary.values.tolist() == [[1, 1, Decimal("85000.00"), 160]]
    coverage = _query(warehouse, "SELECT question_no, source_path FROM coverage WHERE recipient = 'Surrey' AND doc_id IS NOT NULL "
                                 "AND question_no IS NOT NULL "
                                 "ORDER BY 1")
    assert coverage["source_path"].tolist() == ["surrey.eml#answers-5-10.txt"] + ["surrey.eml"] * 3 + ["surrey.eml#answers-5-10.txt"] * 6


def test_a_disagreement_is_one_review_item_and_agreements_none(warehouse):
    items = _query(warehouse, "SELECT d.source_path, r.* FROM review_queue r JOIN documents d USING (doc_id) "
                              "WHERE r.extractor = 'pipeline:reply'").to_dict("records")
    assert len(items) == 1
    [item] = items
    assert (item["source_path"], item["field"], item["severity"], item["value"]) == ("essex.eml", "agency_completed", "warning", "65")
    assert "'essex.eml'" in item["reason"] and "'essex.eml#response.pdf'" in item["reason"]
    assert "65" in item["reason"] and "60" in item["reason"]
    [completed] = _query(warehouse, "SELECT agency_completed FROM programme_funnel WHERE area = 'Essex'").values.tolist()
    assert completed == [60]
