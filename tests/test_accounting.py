"""Figure accounting: every figure of a reply's answers is read into a fact or listed in review_queue."""

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foi_pipeline.extract import extract_reply
from foi_pipeline.extract.accounting import UNANSWERED_FIELD, UNREAD_FIELD, Marks, Region, figures_in, unread_figures
from foi_pipeline.extract.spans import Span
from foi_pipeline.specs import Catalogue, RequestSpec

SEEDS = Path(__file__).parent / "fixtures" / "seeds"

LETTER = """Office of the Police and Crime Commissioner for Anyshire
Our ref: FOI 2023/117
12 July 2023

Dear Requester,

1. The Name/Title/Scope of the commissioned programme in your area
Answer: Fresh Start, a perpetrator programme of 24 weekly sessions.

2. The total number of males who self-referred into the programme
Answer: 31

5. The total number of males referred by an agency (e.g., police, social service etc.) into the programme
Answer: {agency}

10. Budget inclusive of Running Costs
Answer: £60,000

If you are unhappy you may write to the Information Commissioner, Wycliffe House, Water Lane, Wilmslow, SK9 5AF, 0303 123 1113.
"""


@pytest.fixture(scope="module")
def read(males_spec: RequestSpec, catalogue: Catalogue):
    """Extract a reply to the males request (module-scoped, so the property test below can take it)."""
    return lambda text: extract_reply(text, doc_id="d" * 16, spec=males_spec, catalogue=catalogue)


def _items(extraction, field: str = UNREAD_FIELD):
    return [r for r in extraction.tables["review_queue"] if r["field"] == field]


def test_a_figure_read_into_a_fact_raises_nothing(read):
    extraction = read(LETTER.format(agency="96"))
    assert _items(extraction) == [] and _items(extraction, UNANSWERED_FIELD) == []


def test_a_figure_nothing_read_is_listed_with_its_slot_programme_and_span(males_spec):
    text = "Intro\nDrive received 96 referrals from the police; CARA none we could count.\n"
    body = Span(6, len(text) - 1, text[6:-1])
    question = males_spec.question("agency_referred")
    [item, *_] = unread_figures(text, [Region(body, (question,))], Marks([]), {"p-drive": ["Drive"], "p-cara": ["CARA"]})
    assert item.figure.span.text == "96" and text[item.figure.span.start : item.figure.span.end] == "96"
    assert (item.table, item.field, item.programme) == ("funnel_counts", "agency_referred", "p-drive")
    assert item.reason == "'96' under question 5 (agency referred) was not read into any programme"


def test_an_unread_figure_reaches_review_queue_with_valid_provenance(read):
    text = LETTER.format(agency="96")
    extraction = read(text.replace("Answer: £60,000", "Answer: £60,000 (the Home Office paid £12,345 of it in 2021 for set-up)"))
    [item] = [r for r in _items(extraction) if r["value"] == "£12,345"]
    assert item["table_name"] == "budgets" and item["suggested_field"] == "amount_gbp"
    assert item["extractor"] == "accounting:money"


def test_non_facts_are_not_listed(read):
    extraction = read(LETTER.format(agency="96"))
    values = {r["value"] for r in extraction.tables["review_queue"]}
    for non_fact in ("24", "2023", "117", "0303", "5AF", "12"):
        assert not any(non_fact in (v or "") for v in values)


@pytest.mark.parametrize("line", [
    "1. Drive",  # an item's number
    "See question 5 and Q6-Q7",  # references to questions
    "the cost limit of £450",  # section 12
    "There are three strands and two programmes",  # things that are not people
    "Page 2 of 3",
    "delivered in 2 x 5 hour sessions over 24 weeks",
    "Call 0161 555 0199 or write to SK9 5AF",
    "Your request of 4 May 2023 (ref FOI/2023/0412) under section 40(2)",
    "a further 9 men were still on the programme at 31 March 2023",
    "write to us at 5 Church Street or 22-24 Water Lane, Wilmslow",
])
def test_lines_that_hold_no_figure_of_the_request(line):
    figures = [f for f in figures_in(Span(0, len(line), line)) if f.kind != "status"]
    assert figures == [], figures


def test_figures_found_in_an_answer():
    line = "Drive: 12 (approx. 10% women); CARA: fewer than 5; budget £1.2m; N/A for self-referrals"
    kinds = [(f.kind, f.span.text) for f in figures_in(Span(0, len(line), line))]
    assert ("count", "12 (approx.") in kinds and ("percentage", "10%") in kinds and ("money", "£1.2m") in kinds
    assert any(kind == "status" and "fewer than 5" in text for kind, text in kinds)
    assert any(kind == "status" and text.startswith("N/A") for kind, text in kinds)


def _unread(text: str, marks: list, questions=()) -> list[str]:
    region = Region(Span(0, len(text), text), tuple(questions))
    return [u.figure.span.text for u in unread_figures(text, [region], Marks(marks), {})]


def test_a_breakdown_that_adds_up_to_a_figure_read_is_accounted_for():
    from decimal import Decimal

    from foi_pipeline.extract.accounting import Mark

    text = "67 in total (Berkshire 28, Buckinghamshire 14, Oxfordshire 11, Milton Keynes 14)"
    assert _unread(text, [Mark(0, 2, "funnel_counts", "value", Decimal(67))]) == []
    assert _unread(text, []) != []  # nothing read: every figure is listed


def test_parts_of_a_budget_and_a_total_of_budgets_are_accounted_for():
    from decimal import Decimal

    from foi_pipeline.extract.accounting import Mark

    text = "DAPP: £250,000 (Home Office £200,000; PCC contribution £50,000). Total for both: £300,000. Other: £50,000"
    marks = [Mark(6, 14, "budgets", "value", Decimal(250000)), Mark(text.rindex("£"), len(text), "budgets", "value", Decimal(50000))]
    assert _unread(text, marks) == []


def test_a_key_under_a_table_explains_symbols():
    text = "| Drive | <5 | N/A |\n<5 – a figure between 1 and 4, withheld\nN/A – Drive takes no self-referrals"
    from foi_pipeline.extract.accounting import Mark

    marks = [Mark(text.index("<5"), text.index("<5") + 2, "funnel_counts", "suppressed"), Mark(text.index("N/A"), text.index("N/A") + 3, "funnel_counts", "not_applicable")]
    assert _unread(text, marks) == []


def test_answered_but_unread_names_the_question_and_programme(read):
    text = LETTER.format(agency="Please see the attached spreadsheet for the agency figures.")
    items = _items(read(text), UNANSWERED_FIELD)
    assert [i["suggested_field"] for i in items] == ["agency_referred"]
    assert "question 5 was answered but no figure was read for Fresh Start" in items[0]["reason"]


def test_a_held_reply_with_no_programme_is_an_error(read):
    text = "Dear Requester,\n\nWe hold the information you asked for. Referrals: 96. Completions: 40.\n\nYours sincerely\n"
    items = [r for r in read(text).tables["review_queue"] if r["table_name"] == "programmes" and r["field"] == "name"]
    assert items and items[0]["severity"] == "error"


def test_a_heading_read_as_a_funder_is_doubted(read):
    text = LETTER.format(agency="96").replace("10. Budget", "9. Financial Contributors\nAnswer: Home Office; Your right to complain\n\n10. Budget")
    extraction = read(text)
    names = [r["funder"] for r in extraction.tables["funders"]]
    doubts = [r for r in extraction.tables["review_queue"] if r["table_name"] == "funders" and r["field"] == "funder"]
    if "Your right to complain" in names:
        assert any(d["value"] == "Your right to complain" for d in doubts)


def test_the_seeds_raise_few_items(read):
    from foi_pipeline.ingest import ingest_file

    items = 0
    for path in sorted(SEEDS.iterdir()):
        for doc in ingest_file(path, SEEDS):
            items += len([r for r in read(doc.text).tables["review_queue"] if r["extractor"].startswith("accounting:")])
    assert items <= 4


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 £%.,:;-–()|\nabcNAHeldfewrthn/*")), max_size=300))
def test_accounting_never_raises_and_spans_are_valid(read, text):
    answer = f"1. Programme\nAnswer: Drive\n\n5. Agency referrals\nAnswer: {text}\n"
    extraction = read(answer)
    for row in extraction.tables["review_queue"]:
        assert answer[row["char_start"] : row["char_end"]] == row["evidence_text"]


# --- names, statuses and the letter's details ----------------------------------------------------

from foi_pipeline.extract.accounting import metadata_doubts, missing_programmes, name_mentions, organisation_doubts, unread_names  # noqa: E402


def _span(text: str) -> Span:
    return Span(0, len(text), text)


def test_name_mentions_take_organisations_and_short_names_across_a_wrapped_line():
    text = "Choices for Change (CfC) is delivered by Beacon\n   Behaviour Change Ltd for the Office of the PCC (OPCC), with the Information Commissioner."
    assert [m.text for m in name_mentions(_span(text))] == ["CfC", "Beacon\n   Behaviour Change Ltd"]


def test_names_read_as_nothing_are_listed_once_per_answer(males_spec):
    text = "Drive, delivered by Safer Homes Trust, and STEP, delivered by the Hampton Trust."
    scope = males_spec.question("programme_scope")
    tables = {"programmes": [{"name": "Drive", "aliases": [], "providers": ["The Hampton Trust"], "canonical_name": None}],
              "funders": [], "referrers": []}
    [doubt] = unread_names([Region(_span(text), (scope,))], tables, ["Office of the Police and Crime Commissioner for Anyshire"])
    assert doubt.table == "programmes" and doubt.value == "Safer Homes Trust"
    tables["programmes"][0]["providers"].append("Safer Homes Trust")
    assert unread_names([Region(_span(text), (scope,))], tables, []) == []


def test_a_label_that_is_no_programme_is_doubted(males_spec):
    text = "5. Make the Change: 164. Project Anchor: 58.\n"
    question = males_spec.question("agency_referred")
    unread = unread_figures(text, [Region(_span(text), (question,))], Marks([]), {"p1": ["Make the Change"]})
    doubts = missing_programmes(text, [u for u in unread if u.figure.span.text == "58"], {"p1": ["Make the Change"]})
    assert [d.value for d in doubts] == ["Project Anchor"]


def test_the_same_list_for_every_programme_and_a_fund_as_funder_are_doubted():
    row = {"char_start": 0, "char_end": 4, "evidence_text": "Home"}
    tables = {"funders": [{**row, "programme_id": p, "funder": f} for p in ("a", "b") for f in ("Home Office", "Anyshire Council")]
              + [{**row, "programme_id": "a", "funder": "Domestic Abuse Perpetrator Intervention Fund"}], "referrers": []}
    tables["funders"] = [r for r in tables["funders"] if r["funder"] != "Domestic Abuse Perpetrator Intervention Fund"]
    reasons = [d.reason for d in organisation_doubts([], tables, {"a": ["A"], "b": ["B"]}, lambda n: True)]
    assert reasons == ["the same 2 funders were read for every programme: check which programme each serves"]
    tables["funders"].append({**row, "programme_id": "a", "funder": "Domestic Abuse Perpetrator Intervention Fund"})
    reasons = [d.reason for d in organisation_doubts([], tables, {"a": ["A"], "b": ["B"]}, lambda n: True)]
    assert any("names a fund" in r for r in reasons)


def test_a_reference_the_letter_gives_but_was_not_read_is_doubted():
    [doubt] = metadata_doubts("Anyshire OPCC\nOur reference: FOI/OPCC/2023/087\nDear Requester", "Anyshire OPCC", None)
    assert doubt.field == "foi_reference" and doubt.span.text.startswith("reference: FOI/OPCC/2")
    assert metadata_doubts("Office of the Police and Crime Commissioner for Anyshire\nRef: 12", "Office of the Police and Crime Commissioner for Anyshire", "12") == []


def test_a_budget_answered_but_unread_is_listed(read):
    text = LETTER.format(agency="96").replace("Answer: £60,000", "Answer: the contract value is shown in the attached schedule")
    items = [r for r in read(text).tables["review_queue"] if r["field"] == UNANSWERED_FIELD and r["table_name"] == "budgets"]
    assert [i["suggested_field"] for i in items] == ["amount_gbp"]


# --- acting on it: foi review and its corrections CSV --------------------------------------------

def test_foi_review_shows_the_line_and_the_csv_prefills_the_guess(tmp_path, warehouse_dir, monkeypatch, capsys):
    import pandas as pd

    from foi_pipeline.cli import main

    raw, warehouse, corrections = tmp_path / "raw", warehouse_dir, tmp_path / "corrections"
    raw.mkdir()
    corrections.mkdir()
    (raw / "anyshire.txt").write_text(LETTER.format(agency="96 (a further 30 came through the MARAC route)"))
    monkeypatch.setenv("FOI_CORRECTIONS_DIR", str(corrections))
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    assert main(["review", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "'30' under question 5 (agency referred) was not read into any programme" in out
    assert 'line: "Answer: 96 (a further 30 came through the MARAC route)"' in out
    todo = tmp_path / "todo.csv"
    assert main(["review", "--warehouse", str(warehouse), "--csv", str(todo)]) == 0
    lines = pd.read_csv(todo, dtype=str, keep_default_na=False)
    [guess] = lines[lines["value"] != ""].to_dict("records")
    assert (guess["table"], guess["programme"], guess["field"], guess["value"]) == ("funnel_counts", "Fresh Start", "agency_referred", "30")
    shutil.copy(todo, corrections / "todo.csv")  # accepting the guess is editing nothing
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    counts = pd.read_parquet(warehouse / "parquet" / "funnel_counts.parquet")
    row = counts[(counts["route"] == "agency") & (counts["stage"] == "referred")].iloc[0]
    assert int(row["count"]) == 30 and row["extracted_value"] == "value:96"


def test_figures_before_the_first_answer_are_accounted_for_too(read):
    """A table or sentence of figures between the letter's opening and its first recognised answer."""
    intro = ("Dear Requester,\n\nWe introduce our two programmes below.\n\n"
             "Figures at a glance\nFresh Start | 31 | 22 | 17\nWe also spent £4,200 on training.\n"
             "Our numbering is one higher than yours.\n\n")
    text = LETTER.format(agency="96").replace("Dear Requester,\n\n", intro)
    unread = {r["value"]: r for r in _items(read(text))}
    assert {"31", "22", "17", "£4,200"} <= set(unread)
    assert "one" not in unread  # words in the letter's own introduction are no figures
    assert unread["22"]["table_name"] == "funnel_counts" and unread["£4,200"]["table_name"] == "budgets"
    assert unread["22"]["reason"] == "'22' before the answers was not read into any programme"


def test_a_programme_named_in_an_organisation_answer_with_nothing_read_for_it_is_listed(read):
    text = LETTER.format(agency="96").replace(
        "Answer: Fresh Start, a perpetrator programme of 24 weekly sessions.",
        "Answer: Fresh Start, a group programme.\nSafe Home: a one-to-one intervention.",
    ).replace("10. Budget inclusive of Running Costs", "9. Financial Contributors\nAnswer: Fresh Start: Home Office; Anyshire County Council. "
              "Safe Home is paid for from our own pooled budget.\n\n10. Budget inclusive of Running Costs")
    items = _items(read(text), UNANSWERED_FIELD)
    assert any(i["table_name"] == "funders" and "Safe Home" in i["reason"] for i in items)
    assert not any(i["table_name"] == "funders" and "Fresh Start" in i["reason"] for i in items)


def test_a_programme_described_under_a_count_question_and_read_as_nothing_is_listed(males_spec):
    """Programmes listed 1., 2., 3. in a scope answer can read as answers 2 and 3: the ones lost are listed."""
    from foi_pipeline.extract.accounting import unread_names

    text = "Safe Home – a one-to-one intervention delivered by Acme Trust.\n"
    region = Region(Span(0, len(text), text), (males_spec.question("self_referred"),))
    tables = {"programmes": [{"name": "Fresh Start", "aliases": [], "providers": []}], "funders": [], "referrers": []}
    [doubt] = unread_names([region], tables, [])
    assert doubt.table == "programmes" and "Safe Home" in doubt.reason
    tables["programmes"].append({"name": "Safe Home", "aliases": [], "providers": []})
    assert unread_names([region], tables, []) == []
