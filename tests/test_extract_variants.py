"""End-to-end extraction on replies we wrote ourselves in layouts the fixtures do not use.

Each reply exercises patterns replies use (inline "question – answer", aligned-column tables,
misnumbered answers, refusals, e-mail replies, several programmes in one answer, word numbers,
suppression) so a rule that only fits the dev corpus fails here.
"""

import re
from pathlib import Path

import pytest

from foi_pipeline.extract import extract_reply
from foi_pipeline.ingest import parse_bytes
from foi_pipeline.specs import Catalogue, RequestSpec, match_request

VARIANTS = Path(__file__).parent / "fixtures" / "variants"


@pytest.fixture(scope="module")
def read(request_specs: list[RequestSpec], catalogue: Catalogue):
    """Extract a variant (a file under fixtures/variants/, or the text itself) under the request its wording matches,
    checking every span, and return the extraction with its facts keyed by programme name."""

    def read_variant(name_or_text: str, is_file: bool = True):
        if is_file and not name_or_text.endswith(".txt"):  # a page, a document: as ingest reads it
            text = parse_bytes((VARIANTS / name_or_text).read_bytes(), name_or_text)[3]
        else:
            text = (VARIANTS / name_or_text).read_text(encoding="utf-8") if is_file else name_or_text
        spec, _ = match_request(text, "reply.txt", request_specs)
        extraction = extract_reply(text, doc_id="doc", spec=spec, catalogue=catalogue)
        names = {p["programme_id"]: p["name"] for p in extraction.tables["programmes"]}
        funnel = {
            (names[r["programme_id"]], f"{r['route']}_{r['stage']}"): (r["status"], r["count"], r["qualifier"])
            for r in extraction.tables["funnel_counts"]
        }
        budgets = {names.get(r["programme_id"]): (r["status"], r["amount_gbp"] and float(r["amount_gbp"]), r["period"]) for r in extraction.tables["budgets"]}
        funders = {(names.get(r["programme_id"]), r["funder"], r["contribution"]) for r in extraction.tables["funders"]}
        referrers = {(names.get(r["programme_id"]), r["organisation"]) for r in extraction.tables["referrers"]}
        for table, rows in extraction.tables.items():
            for row in rows:
                assert text[row["char_start"] : row["char_end"]] == row["evidence_text"], (table, row)
        return extraction, names, funnel, budgets, funders, referrers

    return read_variant


def test_inline_question_answer_lines_with_word_numbers_and_qualifiers(read):
    ex, names, funnel, budgets, funders, referrers = read("inline_prose_single.txt")
    assert list(names.values()) == ["Safer Futures Programme"]
    p = "Safer Futures Programme"
    assert funnel[(p, "self_referred")] == ("value", 12, "exact")
    assert funnel[(p, "self_accepted")] == ("value", 9, "exact")
    assert funnel[(p, "self_completed")] == ("value", 5, "approx")
    assert funnel[(p, "agency_referred")] == ("value", 41, "exact")
    assert funnel[(p, "agency_accepted")] == ("value", 30, "exact")  # "a further 6 are on the waiting list" is a note
    assert funnel[(p, "agency_completed")] == ("value", 20, "at_least")
    assert budgets[p] == ("value", 85000.0, "annual")
    assert {f[1] for f in funders} == {"Home Office", "Office of the Police and Crime Commissioner for Lincolnshire"}
    assert {r[1] for r in referrers} == {"Lincolnshire Police", "Lincolnshire County Council Children's Services", "The Probation Service"}
    assert ex.tables["programmes"][0]["providers"] == ["Hope Partnership CIC"]
    assert ex.metadata["foi_reference"] == "LPCC-FOI-2023-88"
    assert str(ex.metadata["response_date"]) == "2023-08-30"


def test_plain_text_table_with_programmes_as_columns_and_suppression(read):
    ex, names, funnel, budgets, funders, referrers = read("table_columns.txt")
    assert sorted(names.values()) == ["Drive", "Men and Masculinities Course"]
    assert funnel[("Drive", "self_referred")][0] == "not_applicable"
    assert funnel[("Drive", "agency_completed")] == ("value", 31, "exact")
    assert funnel[("Men and Masculinities Course", "self_completed")][0] == "suppressed"
    assert funnel[("Men and Masculinities Course", "agency_completed")] == ("value", 15, "approx")
    assert budgets["Drive"][1] == 210500.0 and budgets["Men and Masculinities Course"][1] == 45000.0
    # "the Home Office (Drive) and the OPCC (both programmes)"
    assert {(f[0], f[1]) for f in funders} == {
        ("Drive", "Home Office"),
        ("Drive", "Office of the Police and Crime Commissioner for Northumbria"),
        ("Men and Masculinities Course", "Office of the Police and Crime Commissioner for Northumbria"),
    }
    assert len(referrers) == 4  # two organisations, given once for both programmes
    assert next(p["canonical_name"] for p in ex.tables["programmes"]) == "Drive"


def test_misnumbered_answers_realigned_by_content_and_flagged_for_review(read):
    ex, names, funnel, budgets, funders, referrers = read("misnumbered_refusal.txt")
    p = "Turning Point Programme"
    assert funnel[(p, "self_referred")][0] == "not_held"
    assert funnel[(p, "agency_accepted")] == ("value", 37, "exact")  # "nine dropped out" is not a count
    assert funnel[(p, "agency_completed")] == ("value", 19, "exact")  # labelled "6." a second time
    assert referrers == {(p, "Cumbria Constabulary"), (p, "The Probation Service")}  # labelled "7."
    assert funders == {(p, "Home Office", "cash"), (p, "Cumbria County Council", "in_kind")}
    assert budgets[p][0] == "refused"
    assert ex.metadata["information_status"] == "partly_held"
    reasons = [r["reason"] for r in ex.tables["review_queue"]]
    assert any("labelled '6.'" in r and "question 7" in r for r in reasons)
    assert any("labelled '9.'" in r and "question 10" in r for r in reasons)


def test_email_reply_with_two_programmes_per_answer(read):
    ex, names, funnel, budgets, funders, referrers = read("email_multi.eml.txt")
    assert sorted(names.values()) == ["HRP", "SAI"]
    assert funnel[("SAI", "self_referred")][0] == "not_applicable"  # "Q2-Q4: These are not self-referral services."
    assert funnel[("HRP", "self_completed")][0] == "not_applicable"
    assert funnel[("HRP", "agency_accepted")][0] == "suppressed"
    assert funnel[("HRP", "agency_completed")][0] == "not_held"
    assert budgets["SAI"] == ("value", 1200000.0, "3 years")
    assert budgets["HRP"][1] == 60000.0
    assert {(f[0], f[1]) for f in funders} == {("SAI", "Home Office"), ("HRP", "Office of the Police and Crime Commissioner for Sussex")}
    assert referrers == {("SAI", "Sussex Police"), ("HRP", "Sussex Police")}
    assert str(ex.metadata["response_date"]) == "2023-09-06"


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("5. Twenty-three men were referred by partner agencies.", ("value", 23, "exact")),
        ("5. c. 60 referrals", ("value", 60, "approx")),
        ("5. Fewer than five.", ("suppressed", None, "at_most")),
        ("5. The number is withheld under section 40(2) as it could identify individuals.", ("refused", None, None)),
        ("5. This information is not recorded by the provider.", ("not_held", None, None)),
        ("5. Over 100 referrals.", ("value", 100, "at_least")),
    ],
)
def test_single_programme_count_answers(read, answer, expected):
    text = "1. Safe Homes Programme: a group course.\n2. N/A\n" + answer + "\n"
    _, names, funnel, *_ = read(text, is_file=False)
    assert funnel[("Safe Homes Programme", "agency_referred")] == expected
    assert funnel[("Safe Homes Programme", "self_referred")][0] == "not_applicable"
    assert funnel[("Safe Homes Programme", "agency_accepted")][0] == "not_stated"


def test_multi_programme_answer_in_prose_with_names_after_figures(read):
    text = (
        "1. (a) Alpha Project: group work. (b) Beta Intervention: one-to-one work.\n"
        "5. 45 referrals for Alpha Project and 12 for the Beta Intervention.\n"
        "6. All 45 referrals were accepted for Alpha Project; 10 were accepted for the Beta Intervention.\n"
        "10. Alpha Project's budget was £30,000 and the Beta Intervention's was £12.5k.\n"
    )
    _, names, funnel, budgets, *_ = read(text, is_file=False)
    assert funnel[("Alpha Project", "agency_referred")][1] == 45
    assert funnel[("Beta Intervention", "agency_referred")][1] == 12
    assert funnel[("Alpha Project", "agency_accepted")][1] == 45
    assert funnel[("Beta Intervention", "agency_accepted")][1] == 10
    assert budgets["Alpha Project"][1] == 30000.0 and budgets["Beta Intervention"][1] == 12500.0


def test_reply_with_no_commissioned_programme_has_none(read):
    text = (
        "We did not commission a domestic abuse perpetrator programme in 2022/23 and hold no information "
        "for questions 1 to 10. Building Better Relationships is run by the Probation Service, not by this office."
    )
    ex, names, *_ = read(text, is_file=False)
    assert names == {}
    assert ex.metadata["information_status"] == "not_held"


def test_docx_style_table_with_an_empty_top_left_cell(read):
    text = (
        "1. (a) Alpha Project: group work. (b) Beta Intervention: one-to-one work.\n"
        "Questions 2 to 7\n"
        " | Alpha Project | Beta Intervention\n"
        "Self-referred | 4 | N/A\n"
        "Agency referred | 20 | 15\n"
        "Agency accepted | 10 | 9\n"
    )
    _, names, funnel, *_ = read(text, is_file=False)
    assert funnel[("Alpha Project", "agency_referred")][1] == 20
    assert funnel[("Beta Intervention", "agency_referred")][1] == 15
    assert funnel[("Beta Intervention", "self_referred")][0] == "not_applicable"
    assert funnel[("Alpha Project", "agency_accepted")][1] == 10


def test_q_and_a_prefixed_answers(read):
    ex, names, funnel, budgets, funders, referrers = read("qa_prefixed.txt")
    assert list(names.values()) == ["Choices Programme"]  # not "A1", the answer's own prefix
    p = "Choices Programme"
    assert [funnel[(p, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [14, 11, 6]
    assert [funnel[(p, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [97, 71, 38]
    assert budgets[p][:2] == ("value", 112500.0)
    assert {r[1] for r in referrers} == {"Dyfed-Powys Police", "Carmarthenshire County Council", "The Probation Service"}
    assert ex.tables["programmes"][0]["providers"] == ["Threshold DAS"]
    assert funders == {("Choices Programme", "Office of the Police and Crime Commissioner for Dyfed-Powys", "cash")}  # "The OPCC (100%)": a share of the cost


@pytest.mark.parametrize("layout", ["markdown", "word"])
def test_question_and_answer_table_with_roman_numerals(read, layout):
    text = (VARIANTS / "question_answer_table.txt").read_text(encoding="utf-8")
    if layout == "word":  # python-docx rows as the DOCX reader writes them: "cell | cell", no outer pipes
        text = "\n".join(line.strip("| ") if line.startswith("| ") else line for line in text.splitlines() if not line.startswith("|---"))
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert list(names.values()) == ["Project CARA"]
    p = "Project CARA"
    assert {funnel[(p, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert [funnel[(p, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [204, 187, 151]
    assert budgets[p][:2] == ("value", 96000.0)
    assert {r[1] for r in referrers} == {"Northamptonshire Police"}
    assert "Home Office" in {f[1] for f in funders}
    assert ex.tables["programmes"][0]["providers"] == ["The Hampton Trust"]
    assert {a["question_key"]: a["numbered_as"] for a in ex.tables["answers"]}["agency_referred"] == "(v)"


def test_figures_given_by_quarter_with_a_total(read):
    ex, names, funnel, budgets, funders, referrers = read("quarterly_figures.txt")
    p = "Gloucestershire Change Programme"
    assert list(names.values()) == [p]
    assert funnel[(p, "self_referred")][1] == 22  # "22 in total (Q1: 4, ...)"
    assert funnel[(p, "agency_referred")][1] == 132  # "Quarter 1: 30, ... Total 132."
    assert funnel[(p, "agency_completed")][1] == 57
    assert {f[1] for f in funders} == {"Office of the Police and Crime Commissioner for Gloucestershire", "Home Office"}  # its fund, named


def test_an_html_question_and_answer_table(read):
    from foi_pipeline.ingest import parse_bytes

    _, status, error, text = parse_bytes((VARIANTS / "html_question_table.html").read_bytes(), "reply.html")
    assert status == "ok", error
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert list(names.values()) == ["Drive Project"]
    p = "Drive Project"
    assert {funnel[(p, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert funnel[(p, "agency_referred")][1] == 163 and funnel[(p, "agency_completed")][0] == "suppressed"
    assert budgets[p][:2] == ("value", 320000.0)
    assert {r[1] for r in referrers} == {"Avon and Somerset Constabulary", "Bristol City Council"}
    assert {f[1] for f in funders} == {"Home Office", "Office of the Police and Crime Commissioner for Avon and Somerset"}


def test_ranges_of_questions_answered_at_once_and_a_refused_budget(read):
    ex, names, funnel, budgets, funders, referrers = read("ranges_and_refusals.txt")
    p = "Change Course"
    assert list(names.values()) == [p]
    # "Self-referral is not an option, so questions 2 to 4 are not applicable": for the programme too
    assert {funnel[(p, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert {funnel[(p, k)][0] for k in ("agency_referred", "agency_accepted", "agency_completed")} == {"not_held"}
    assert budgets[p][0] == "refused"
    assert {f[1] for f in funders} == {"Office of the Police and Crime Commissioner for Humberside", "Home Office"}
    assert {r[1] for r in referrers} == {"Humberside Police", "The Probation Service"}


def test_an_email_answering_below_each_quoted_question(read):
    ex, names, funnel, budgets, funders, referrers = read("email_inline_answers.txt")
    [programme] = ex.tables["programmes"]
    assert "DAIP" in {programme["name"], *programme["aliases"]} and programme["providers"] == ["Barnardo's"]
    p = programme["name"]
    assert [funnel[(p, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [9, 7, 3]
    assert [funnel[(p, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [151, 98, 44]
    assert budgets[p][:2] == ("value", 275500.0)
    assert {r[1] for r in referrers} == {"Northumbria Police", "Newcastle City Council", "Gateshead Council"}


def test_a_word_reply_with_its_letterhead_in_the_header_and_answers_in_a_table(read, tmp_path):
    import io

    from docx import Document

    from foi_pipeline.ingest import parse_bytes

    document = Document()
    header = document.sections[0].header
    header.paragraphs[0].text = "Office of the Police and Crime Commissioner for Cheshire"
    header.add_paragraph("Our Ref: CH/FOI/2023/099")
    document.add_paragraph("Date: 19 October 2023")
    rows = [("Question", "Answer"),
            ("1. The Name/Title/Scope of the commissioned programme in your area", "Cheshire Change Programme, a 24-week group course delivered by Cheshire Without Abuse."),
            ("2. The total number of males who self-referred into the programme", "31"),
            ("5. The total number of males referred by an agency (e.g., police, social service etc.) into the programme", "210"),
            ("7. The total number of referred males who have completed the programme", "61"),
            ("10. Budget inclusive of Running Costs", "£184,000")]
    table = document.add_table(rows=len(rows), cols=2)
    for i, (question, answer) in enumerate(rows):
        table.cell(i, 0).text, table.cell(i, 1).text = question, answer
    buffer = io.BytesIO()
    document.save(buffer)
    _, status, error, text = parse_bytes(buffer.getvalue(), "reply.docx")
    assert status == "ok", error
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    p = "Cheshire Change Programme"
    assert list(names.values()) == [p]
    assert (ex.metadata["authority"], ex.metadata["foi_reference"]) == ("Office of the Police and Crime Commissioner for Cheshire", "CH/FOI/2023/099")
    assert [funnel[(p, k)][1] for k in ("self_referred", "agency_referred", "agency_completed")] == [31, 210, 61]
    assert budgets[p][:2] == ("value", 184000.0)


def test_a_letter_written_in_sentences(read):
    ex, names, funnel, budgets, funders, referrers = read("prose_letter.txt")
    p = "Safe Steps Programme"
    assert list(names.values()) == [p] and ex.tables["programmes"][0]["providers"] == ["Cranstoun"]
    # "16 self-referrals, of which 12 were accepted and 7 completed": the route carries through the sentence
    assert [funnel[(p, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [16, 12, 7]
    assert [funnel[(p, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [88, 64, 40]
    assert budgets[p][:2] == ("value", 150000.0)
    assert {r[1] for r in referrers} == {"Suffolk Constabulary", "Suffolk County Council"}
    assert {f[1] for f in funders} == {"Home Office", "Office of the Police and Crime Commissioner for Suffolk"}


def test_prose_figures_need_one_programme_and_both_a_route_and_a_stage(read):
    text = ("Office of the Police and Crime Commissioner for Suffolk\n\nDear Requester,\n\nWe fund the Safe Steps Programme and "
            "the Change Hub Project. There were 16 self-referrals and 88 agency referrals across them. 40 men attended.\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert len(names) == 2 and {v[0] for v in funnel.values()} == {"not_stated"}  # which programme? not placed


def test_a_table_of_stages_by_programme_set_under_another_answer(read):
    ex, names, funnel, budgets, funders, referrers = read("stage_columns_under_scope.txt")
    assert sorted(names.values()) == ["Drive Project", "Men and Masculinities Course"]  # not "Answers to questions 2 to 7"
    drive, mm = "Drive Project", "Men and Masculinities Course"
    assert {funnel[(drive, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert [funnel[(drive, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [96, 71, 33]
    assert [funnel[(mm, k)][1] for k in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted")] == [21, 17, 9, 54, 40]
    assert funnel[(mm, "agency_completed")][0] == "suppressed"
    assert {p["name"]: p["providers"] for p in ex.tables["programmes"]} == {drive: ["SafeLives"], mm: ["Equation"]}
    assert budgets[drive][:2] == ("value", 230000.0) and budgets[mm][:2] == ("value", 95000.0)


def test_answers_that_give_two_financial_years_are_read_for_the_request_s(read):
    ex, names, funnel, budgets, funders, referrers = read("two_financial_years.txt")
    p = "Staffordshire Change Programme"
    assert list(names.values()) == [p]
    assert [funnel[(p, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [19, 15, 8]  # "2021/22: 12; 2022/23: 19"
    assert [funnel[(p, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [140, 102, 57]  # "140 (2021/22: 121)"
    assert budgets[p] == ("value", 195000.0, "2022/23")


@pytest.mark.parametrize("answer, count", [("12 in 2021/22 and 19 in 2022/23", 19), ("2022/23: 19 (2021/22: 12)", 19), ("19", 19)])
def test_the_request_year_s_figure_wherever_it_stands(read, answer, count):
    text = ("Office of the Police and Crime Commissioner for Staffordshire\n\n1. Name of the programme\nThe Change Programme.\n\n"
            f"2. Males who self-referred\n{answer}\n")
    _, _, funnel, *_ = read(text, is_file=False)
    assert funnel[("Change Programme", "self_referred")][1] == count


def test_a_letter_in_sentences_about_two_programmes(read):
    ex, names, funnel, budgets, funders, referrers = read("prose_two_programmes.txt")
    drive, hub = "Drive Project", "Change Hub Programme"
    assert sorted(names.values()) == [hub, drive]
    assert [funnel[(drive, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [96, 71, 33]
    assert {funnel[(drive, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert [funnel[(hub, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [21, 17, 9]
    assert [funnel[(hub, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [54, 40, 22]


def test_all_means_as_many_as_the_stage_before(read):
    text = (VARIANTS / "qa_prefixed.txt").read_text(encoding="utf-8")
    text = text.replace("A3. 11", "A3. All").replace("A6. 71", "A6. All of them").replace("A7. 38", "A7. all completed")
    ex, names, funnel, *_ = read(text, is_file=False)
    p = "Choices Programme"
    assert funnel[(p, "self_accepted")][1] == 14 and funnel[(p, "self_completed")][1] == 6
    assert funnel[(p, "agency_accepted")][1] == 97 and funnel[(p, "agency_completed")][1] == 97  # all accepted, then all completed
    derived = [r for r in ex.tables["funnel_counts"] if r["extractor"] == "count:all_of_previous_stage"]
    assert len(derived) == 3 and all(r["evidence_text"].lower() == "all" and r["note"] for r in derived)
    # "All" with no figure before it stays unknown
    _, _, funnel, *_ = read(text.replace("A2. 14", "A2. Not recorded"), is_file=False)
    assert funnel[(p, "self_accepted")][0] == "not_stated"


def test_bulleted_answers_under_loose_headings(read):
    ex, names, funnel, budgets, funders, referrers = read("bulleted_headings.txt")
    p = "Derbyshire Change Programme"
    assert list(names.values()) == [p] and ex.tables["programmes"][0]["providers"] == ["Cranstoun"]  # "Programme:" is a whole title
    assert [funnel[(p, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [12, 10, 4]
    assert [funnel[(p, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [88, 61, 30]
    assert budgets[p] == ("value", 120000.0, "annual")
    assert {f[1] for f in funders} == {"Home Office", "Office of the Police and Crime Commissioner for Derbyshire"}
    assert {r[1] for r in referrers} == {"Derbyshire Constabulary", "Derby City Council"}


def _sections_variant(heading_one: str, heading_two: str, second_scope: str | None) -> str:
    text = (VARIANTS / "programme_sections.txt").read_text(encoding="utf-8")
    text = text.replace("PROGRAMME ONE: Turning Point Men's Programme", heading_one).replace("PROGRAMME TWO: Stalking Perpetrator Intervention", heading_two)
    scope = "1. Name/Title/Scope: a one-to-one intervention for stalking perpetrators, provided by Hestia.\n"
    return text.replace(scope, second_scope + "\n" if second_scope else "")


@pytest.mark.parametrize("heading_one, heading_two, second_scope, names", [
    ("PROGRAMME ONE: Turning Point Men's Programme", "PROGRAMME TWO: Stalking Perpetrator Intervention", "1. Scope: a one-to-one intervention, provided by Hestia.",
     ["Turning Point Men's Programme", "Stalking Perpetrator Intervention"]),
    ("## Turning Point Men's Programme", "## Stalking Perpetrator Intervention", None, ["Turning Point Men's Programme", "Stalking Perpetrator Intervention"]),
    ("Programme 1 – Turning Point", "Programme 2 – Drive Project", "1. Scope: one-to-one work, provided by Hestia.", ["Turning Point", "Drive Project"]),
    ("", "", "1. Name/Title/Scope: The Stalking Perpetrator Intervention, a one-to-one intervention provided by Hestia.",
     ["Turning Point", "Stalking Perpetrator Intervention"]),  # no headings: each section's own scope answer names it
])
def test_answers_given_once_per_programme_in_sections(read, heading_one, heading_two, second_scope, names):
    text = _sections_variant(heading_one, heading_two, second_scope)
    ex, got, funnel, budgets, funders, referrers = read(text, is_file=False)
    one, two = names
    assert list(got.values()) == names
    assert [funnel[(one, k)][1] for k in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")] == [31, 24, 11, 112, 80, 39]
    assert {funnel[(two, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert [funnel[(two, k)][1] for k in ("agency_referred", "agency_accepted")] == [27, 19] and funnel[(two, "agency_completed")][0] == "suppressed"
    assert budgets[one][1] == 145000.0 and budgets[two][1] == 60500.0
    assert {f[1] for f in funders if f[0] == two} == {"Home Office"}
    assert {f[1:] for f in funders if f[0] == one} == {("Office of the Police, Fire and Crime Commissioner for Cumbria", "cash"), ("Ministry of Justice", "cash")}  # "Office of the PCC (70%)"
    assert {r[1] for r in referrers if r[0] == two} == {"Cumbria Constabulary"}
    assert not [r for r in ex.tables["review_queue"] if "more than one answer" in r["reason"] or "two different answers" in r["reason"]]
    if second_scope and "Hestia" in second_scope:
        assert {p["name"]: p["providers"] for p in ex.tables["programmes"]}[two] == ["Hestia"]


def test_a_repeated_answer_number_is_not_a_second_section(read):
    text = (VARIANTS / "qa_prefixed.txt").read_text(encoding="utf-8").replace("A6. 71", "A6. 71\n\nOther Partners\n\nQ2. The total number of males who self-referred\nA2. 14")
    ex, names, funnel, *_ = read(text, is_file=False)
    p = "Choices Programme"
    assert list(names.values()) == [p]  # answers 2, 7, 8 ... do not start over
    assert [funnel[(p, k)][1] for k in ("self_referred", "agency_referred", "agency_completed")] == [14, 97, 38]
    assert any("more than one answer" in r["reason"] for r in ex.tables["review_queue"])


def test_answers_written_as_sentences_under_question_headings(read):
    ex, names, funnel, budgets, funders, referrers = read("answers_in_sentences.txt")
    p = "C4C"
    assert list(names.values()) == [p] and ex.tables["programmes"][0]["aliases"] == ["Choices for Change"]  # 'is called "Choices for Change" (C4C)'
    assert [funnel[(p, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [58, 41, 19]  # "Of the 58 self-referrals, 41 were accepted"
    assert [funnel[(p, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [203, 150, 62]
    assert budgets[p] == ("value", 250000.0, "annual")  # "£0.25m"
    assert funders == {(p, "Office of the Police and Crime Commissioner for Gloucestershire", "cash"),
                       (p, "Gloucestershire County Council", "cash"),  # "jointly funded by the PCC and ...": the cue speaks for both
                       (p, "NHS", "in_kind")}  # "with in-kind support from the NHS"
    assert {r[1] for r in referrers} == {"Gloucestershire Constabulary", "Children's Social Care", "The Probation Service", "GP surgeries"}


def test_an_email_answering_in_bold_under_quoted_questions(read):
    ex, names, funnel, budgets, funders, referrers = read("email_bold_answers.txt")
    p = "Northumbria Respect Programme"
    assert list(names.values()) == [p]
    assert [funnel[(p, k)] for k in ("self_referred", "self_accepted", "self_completed")] == [("value", 0, "exact")] * 3  # "Nil"
    assert funnel[(p, "agency_referred")][0] == "not_held"  # "We do not record this information"
    assert funnel[(p, "agency_accepted")] == ("value", 120, "approx")
    completed = next(r for r in ex.tables["funnel_counts"] if r["route"] == "agency" and r["stage"] == "completed")
    assert (completed["count_low"], completed["count_high"]) == (40, 50)  # "Between 40 and 50"
    assert budgets[p] == ("value", 360000.0, "3 years (2021-2024)")
    assert {f[1] for f in funders} == {"Office of the Police and Crime Commissioner for Northumbria", "Home Office"}  # "£40k from the Home Office Perpetrator Fund"


def _as_docx_rows(text: str) -> str:
    return re.sub(r"^\| (.*) \|$", r"\1", text, flags=re.M).replace("---|---|---\n", "")


@pytest.mark.parametrize("layout", [
    lambda t: t,  # markdown
    _as_docx_rows,  # Word rows: "a | b | c"
    lambda t: _as_docx_rows(t).replace(" | ", "\t"),  # tab-separated columns
    lambda t: t.replace("| 2. Males who self-referred |", "| The total number of males who self-referred into the programme |"),  # question text, no number
])
def test_a_reply_that_is_one_table_with_a_column_per_programme(read, layout):
    text = layout((VARIANTS / "question_by_programme_table.txt").read_text(encoding="utf-8"))
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    drive, hub = "Drive", "Change Hub"
    assert list(names.values()) == [drive, hub]
    assert {p["name"]: p["providers"] for p in ex.tables["programmes"]} == {drive: ["SafeLives"], hub: ["Cranstoun"]}
    assert {funnel[(drive, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert [funnel[(drive, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [96, 71, 33]
    assert [funnel[(hub, k)][1] for k in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted")] == [21, 17, 9, 54, 40]
    assert funnel[(hub, "agency_completed")][0] == "suppressed"
    assert budgets[drive][1] == 230000.0 and budgets[hub][1] == 95000.0
    assert {(f[0], f[1]) for f in funders} == {(drive, "Home Office"), (hub, "Office of the Police and Crime Commissioner for Hertfordshire")}
    assert referrers == {(drive, "Hertfordshire Constabulary"), (hub, "Hertfordshire Constabulary"), (hub, "The Probation Service")}
    answers = {a["question_key"]: a for a in ex.tables["answers"]}
    assert answers["agency_referred"]["answer_text"] == "96" and answers["agency_referred"]["alignment"] == "heading"


def test_a_column_headed_by_a_short_form_is_one_programme_with_its_long_name(read):
    text = (VARIANTS / "question_by_programme_table.txt").read_text(encoding="utf-8")
    text = text.replace("| Drive |", "| CARA |").replace("| Drive – one-to-one work with high-harm perpetrators, delivered by SafeLives",
                                                           "| Cautioning and Relationship Abuse, delivered by SafeLives")
    ex, names, funnel, *_ = read(text, is_file=False)
    assert list(names.values()) == ["CARA", "Change Hub"]
    assert ex.tables["programmes"][0]["aliases"] == ["Cautioning and Relationship Abuse"] and ex.tables["programmes"][0]["providers"] == ["SafeLives"]
    assert [funnel[("CARA", k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [96, 71, 33]


@pytest.mark.parametrize("answer", [
    "96 (Drive), 54 (Change Hub)", "Drive – 96; Change Hub – 54", "Drive Project: 96\nChange Hub Programme: 54",
    "96 for Drive and 54 for the Change Hub", "Drive 96, Change Hub 54", "There were 96 referrals to Drive and 54 to the Change Hub.",
    "Drive: 96 | Change Hub: 54", "Drive: 96, Change Hub: 54", "• Drive = 96\n• Change Hub = 54", "Change Hub 54; Drive 96",
    "Drive (96) and Change Hub (54)",
])
def test_one_answer_giving_each_programme_s_figure_by_its_short_name(read, answer):
    text = ("Office of the Police and Crime Commissioner for Surrey\n\n1. Name/Title/Scope\nWe commission the Drive Project (delivered by "
            "SafeLives) and the Change Hub Programme (delivered by Cranstoun).\n\n5. Males referred by an agency\n" + answer + "\n")
    _, _, funnel, *_ = read(text, is_file=False)
    assert funnel[("Drive Project", "agency_referred")][1] == 96 and funnel[("Change Hub Programme", "agency_referred")][1] == 54


@pytest.mark.parametrize("answer, expected", [
    ("Total 120 (115 male, 5 female)", ("value", 115, "exact")),  # the requested population's own figure
    ("120 referrals, of which 115 were men", ("value", 115, "exact")),
    ("Men: 115, women: 5", ("value", 115, "exact")),
    ("115 males and 5 females", ("value", 115, "exact")),
    ("We cannot break this down by sex; total referrals were 130", ("value", 130, "at_most")),  # others included: an upper bound
    ("130 (men and women)", ("value", 130, "at_most")),
])
def test_figures_for_the_requested_population(read, answer, expected):
    text = ("Office of the Police and Crime Commissioner for Surrey\n\n1. Name/Title/Scope\nWe commission the Drive Project, delivered by SafeLives."
            "\n\n5. Males referred by an agency\n" + answer + "\n")
    _, _, funnel, *_ = read(text, is_file=False)
    assert funnel[("Drive Project", "agency_referred")] == expected


def test_the_men_counted_from_are_not_another_population(read):
    text = ("Office of the Police and Crime Commissioner for Surrey\n\n1. Name/Title/Scope\nWe commission the Drive Project, delivered by SafeLives."
            "\n\n6. Referred males accepted\nOf the 58 men referred, 41 were accepted\n")
    _, _, funnel, *_ = read(text, is_file=False)
    assert funnel[("Drive Project", "agency_accepted")] == ("value", 41, "exact")


def test_answers_that_point_to_another_answer(read):
    ex, names, funnel, *_ = read("answers_as_above.txt")
    p = "Drive Project"
    assert [funnel[(p, k)][0] for k in ("self_referred", "self_accepted", "self_completed")] == ["not_applicable"] * 3  # "As above", "See answer to question 2"
    assert funnel[(p, "agency_completed")] == ("value", 71, "exact")  # "Same as previous answer"
    rows = {(r["route"], r["stage"]): r for r in ex.tables["funnel_counts"]}
    assert rows[("self", "accepted")]["evidence_text"] == "As above" and rows[("self", "accepted")]["extractor"] == "count:as_referenced"
    answers = {a["question_key"]: a["status"] for a in ex.tables["answers"]}
    assert answers["self_accepted"] == answers["self_completed"] == "not_applicable"
    # a pointer to nothing that was read stays unknown
    _, _, funnel, *_ = read((VARIANTS / "answers_as_above.txt").read_text(encoding="utf-8").replace("Same as previous answer", "As per question 9"), is_file=False)
    assert funnel[(p, "agency_completed")][0] == "not_stated"


def _restyled(text: str, answer: str, item: str) -> str:
    for n in range(10, 0, -1):
        text = text.replace(f"\n{n}. ", f"\n{answer.format(n=n)} ")
    return text.replace("\n1) Drive", f"\n{item.format(n=1)} Drive").replace("\n2) Change Hub", f"\n{item.format(n=2)} Change Hub")


@pytest.mark.parametrize("answer, item", [("{n}.", "{n})"), ("Q{n}.", "{n}."), ("{n})", "({n})"), ("Question {n}:", "{n}.")])
def test_a_numbered_list_inside_an_answer_is_not_answers_1_and_2(read, answer, item):
    text = _restyled((VARIANTS / "numbered_list_in_scope_answer.txt").read_text(encoding="utf-8"), answer, item)
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert list(names.values()) == ["Drive", "Change Hub"]
    assert [funnel[("Drive", k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [96, 71, 33]
    assert [funnel[("Change Hub", k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [21, 17, 9]
    assert budgets["Drive"][1] == 230000.0 and budgets["Change Hub"][1] == 95000.0
    assert not [r for r in ex.tables["review_queue"] if r["table_name"] == "answers"]


def test_funders_and_referrers_given_as_tables(read):
    ex, names, funnel, budgets, funders, referrers = read("organisation_tables.txt")
    p = "Norfolk Change Programme"
    assert funders == {(p, "Home Office", "cash"), (p, "Office of the Police and Crime Commissioner for Norfolk", "cash"), (p, "Norfolk County Council", "in_kind")}
    assert referrers == {(p, "Norfolk Constabulary"), (p, "Children's Services"), (p, "The Probation Service")}
    assert funnel[(p, "agency_referred")][1] == 80  # "| Referrer | Number of referrals |" heads no answer to question 5
    assert not [r for r in ex.tables["review_queue"] if r["table_name"] == "answers"]


def test_a_funders_table_with_a_column_per_programme(read):
    text = ("Office of the Police and Crime Commissioner for Essex\n\n1. Name/Title/Scope\nWe commission the Drive Project (delivered by SafeLives) "
            "and the Change Hub Programme (delivered by Cranstoun).\n\n9. Financial contributors\n| Funder | Drive | Change Hub |\n|---|---|---|\n"
            "| Home Office | £100,000 | - |\n| OPCC | £30,000 | £50,000 |\n| Essex County Council | - | in kind |\n")
    *_, funders, _ = read(text, is_file=False)
    office = "Office of the Police and Crime Commissioner for Essex"
    assert funders == {("Drive Project", "Home Office", "cash"), ("Drive Project", office, "cash"), ("Change Hub Programme", office, "cash"),
                       ("Change Hub Programme", "Essex County Council", "in_kind")}


@pytest.mark.parametrize("answer, expected", [
    ("£1,200,000 (three-year contract)", ("value", 1200000.0, "3 years")),
    ("95,000", ("value", 95000.0, None)),  # a figure alone under the budget question is pounds
    ("95000.", ("value", 95000.0, None)),
    ("2023", ("not_stated", None, None)),  # a year is no amount
    ("£45k per annum", ("value", 45000.0, "annual")),
])
def test_budget_answers(read, answer, expected):
    text = ("Office of the Police and Crime Commissioner for Surrey\n\n1. Name/Title/Scope\nWe commission the Drive Project, delivered by SafeLives."
            "\n\n10. Budget inclusive of running costs\n" + answer + "\n")
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert budgets["Drive Project"] == expected


@pytest.mark.parametrize("layout", [
    lambda t: t,  # "Acceptances" over "Self-referred: 22"
    lambda t: re.sub(r"^Self-referr\w+: ", "Self: ", re.sub(r"^Agency[- ]referr\w+: ", "Agency: ", t, flags=re.M), flags=re.M),  # "Self: 22"
    lambda t: t.replace("Acceptances", "Number accepted onto the programme:").replace("Completions", "**Completed**"),
])
def test_figures_grouped_under_stage_headings(read, layout):
    ex, names, funnel, budgets, funders, referrers = read(layout((VARIANTS / "stage_groups.txt").read_text(encoding="utf-8")), is_file=False)
    p = "Lancashire Change Programme"
    assert [funnel[(p, k)][1] for k in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")] == [43, 22, 21, 294, 171, 103]
    assert {f[1] for f in funders} == {"Home Office", "Office of the Police and Crime Commissioner for Lancashire"}  # under "Funding"
    assert {r[1] for r in referrers} == {"Lancashire Constabulary", "The Probation Service", "Children's Social Care"}
    assert not [r for r in ex.tables["review_queue"] if r["table_name"] == "answers"]
    assert {a["question_key"]: a["answer_text"] for a in ex.tables["answers"]}["agency_referred"] == "294"  # "Acceptances" is not part of it


def test_funding_alone_heads_the_budget_when_an_amount_follows(read):
    text = (VARIANTS / "stage_groups.txt").read_text(encoding="utf-8").replace("Funding\nThe Home Office and the OPCC.\n\nBudget\n", "Funding\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert budgets["Lancashire Change Programme"][:2] == ("value", 210000.0) and not funders


@pytest.mark.parametrize("line, funders, budget", [
    ("Funding: the Home Office and the OPCC.", {"Home Office", "Office of the Police and Crime Commissioner for Lancashire"}, 210000.0),
    ("Funding – £95,000 from the Home Office", {"Home Office"}, 95000.0),
])
def test_funding_on_one_line_with_its_answer(read, line, funders, budget):
    text = (VARIANTS / "stage_groups.txt").read_text(encoding="utf-8").replace("Funding\nThe Home Office and the OPCC.", line)
    if "£" in line:
        text = text.replace("Budget\n£210,000\n", "")
    ex, names, funnel, budgets, got, referrers = read(text, is_file=False)
    assert {f[1] for f in got} == funders and budgets["Lancashire Change Programme"][1] == budget


def test_a_letter_whose_sentences_go_on_about_the_programme_named_before(read):
    ex, names, funnel, budgets, *_ = read("prose_paragraphs.txt")
    drive, hub = "Drive Project", "Change Hub Programme"
    assert [funnel[(drive, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [96, 71, 33]  # "Of these, 71 were accepted"
    assert {funnel[(drive, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert [funnel[(hub, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [21, 17, 9]
    assert [funnel[(hub, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [54, 40, 22]  # "22 agency-referred and 9 self-referred men completed"
    assert budgets[drive][1] == 230000.0 and budgets[hub][1] == 95000.0
    assert not [r for r in ex.tables["review_queue"] if r["table_name"] == "funnel_counts"]


@pytest.mark.parametrize("layout", [
    lambda t: t,  # "Question: How many ...?" / "Answer: 38"
    lambda t: t.replace("Question: ", "").replace("Answer: ", ""),  # the question alone on its line, ending in "?"
    lambda t: t.replace("Question: ", "**Q:** "),
])
def test_questions_asked_in_the_reply_s_own_words(read, layout):
    ex, names, funnel, budgets, funders, referrers = read(layout((VARIANTS / "questions_in_own_words.txt").read_text(encoding="utf-8")), is_file=False)
    p = "CCP"
    assert list(names.values()) == [p]
    assert [funnel[(p, k)][1] for k in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")] == [38, 30, 14, 212, 150, 77]
    assert {r[1] for r in referrers} == {"Cheshire Constabulary", "Cheshire West and Chester Council", "The Probation Service"}  # "Which organisations made referrals": referrers, not a count
    assert {f[1] for f in funders} == {"Office of the Police and Crime Commissioner for Cheshire", "Home Office"}
    assert budgets[p][1] == 160000.0
    assert not [r for r in ex.tables["review_queue"] if r["table_name"] == "answers"]


@pytest.mark.parametrize("layout", [
    lambda t: t,  # "2-4. Self-referrals" over "| Programme | Referred | Accepted | Completed |"
    lambda t: t.replace("\n\n2-4. Self-referrals\n", "\nSelf-referrals:\n").replace("\n\n5-7. Agency referrals\n", "\n\nReferrals from agencies:\n"),  # captions in the scope answer
])
def test_tables_of_stages_whose_route_is_said_above_them(read, layout):
    ex, names, funnel, *_ = read(layout((VARIANTS / "stage_columns_per_route.txt").read_text(encoding="utf-8")), is_file=False)
    drive, hub = "Drive Project", "Change Hub Programme"
    assert {funnel[(drive, k)][0] for k in ("self_referred", "self_accepted", "self_completed")} == {"not_applicable"}
    assert [funnel[(drive, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [96, 71, 33]
    assert [funnel[(hub, k)][1] for k in ("self_referred", "self_accepted", "self_completed")] == [21, 17, 9]
    assert [funnel[(hub, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [54, 40, 22]
    assert not [r for r in ex.tables["review_queue"] if r["table_name"] == "funnel_counts"]


@pytest.mark.parametrize("line, numbers", [("2-4. Self-referrals", (2, 3, 4)), ("5 – 7: Agency", (5, 6, 7)), ("2-4 men", None)])
def test_question_ranges_without_a_q(line, numbers):
    from foi_pipeline.extract.segment import line_label
    from foi_pipeline.extract.spans import Span

    found = line_label(Span(0, len(line), line), False)
    assert (found[0].numbers if found else None) == numbers


def test_numbers_aligned_with_a_tab_as_word_exports_them(males_spec, read):
    spec = males_spec  # the default request
    quoted = "\n".join(f"{q.number}.\t{q.text}" for q in spec.questions if q.number)
    answers = ("1.\tThe Drive Project, delivered by SafeLives.\n2.\tN/A\n3.\tN/A\n4.\tN/A\n5.\t96\n6.\t71\n7.\t33\n"
               "8.\tKent Police\n9.\tThe Home Office\n10.\t£230,000")
    text = f"Office of the Police and Crime Commissioner for Kent\n\nYou asked:\n{quoted}\n\nOur answers:\n{answers}\n"
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert list(names.values()) == ["Drive Project"]
    assert [funnel[("Drive Project", k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [96, 71, 33]
    assert budgets["Drive Project"][1] == 230000.0 and {f[1] for f in funders} == {"Home Office"}
    answers_by_key = {a["question_key"]: a["answer_text"] for a in ex.tables["answers"]}
    assert answers_by_key["programme_scope"] == "The Drive Project, delivered by SafeLives."  # not the quoted request


def test_tables_with_a_row_per_year_are_read_for_the_request_s_year(read):
    ex, names, funnel, budgets, *_ = read("tables_by_year.txt")
    p = "Durham Change Programme"
    assert [funnel[(p, k)][1] for k in ("agency_referred", "agency_accepted", "agency_completed")] == [50, 35, 25]  # the 2022/23 row
    assert budgets[p] == ("value", 95000.0, "2022/23")


def test_a_narrative_letter_with_the_request_quoted_at_its_end_is_read_as_prose(read):
    # The numbered questions after the signature are the request, not the answers: the letter above is read.
    ex, names, funnel, budgets, funders, referrers = read("narrative_request_quoted_last.txt")
    p = "Steady Ground"  # "known locally as Steady Ground"
    assert list(names.values()) == [p]
    assert ex.tables["programmes"][0]["providers"] == ["Severn Change CIC"]  # "delivered on the Commissioner's behalf by"
    assert funnel[(p, "self_referred")] == ("value", 27, "exact")
    assert funnel[(p, "self_accepted")] == ("value", 19, "exact")  # "nineteen of them were accepted": the route carries on
    assert funnel[(p, "agency_referred")] == ("value", 88, "exact")
    assert funnel[(p, "agency_accepted")] == ("value", 52, "exact")
    # "11 and 30 of the self-referred and agency-referred men respectively had completed"
    assert funnel[(p, "self_completed")] == ("value", 11, "exact")
    assert funnel[(p, "agency_completed")] == ("value", 30, "exact")
    assert budgets[p][:2] == ("value", 132000.0)
    # "funded by the Home Office, through its perpetrator fund, and by the Commissioner, with a contribution from
    # Gloucestershire County Council's public health team"
    assert {f[1] for f in funders} == {"Home Office", "Office of the Police and Crime Commissioner for Gloucestershire", "Gloucestershire County Council"}
    assert ("Steady Ground", "Gloucestershire Constabulary") in referrers
    assert ("Steady Ground", "Gloucestershire County Council") in referrers  # "The remainder were made by ..."


def test_answers_grouped_under_headings_that_end_with_their_question_numbers(read):
    ex, names, funnel, budgets, funders, referrers = read("grouped_answers_under_headings.txt")
    assert set(names.values()) == {"Turnaround", "SWAP"}  # "The first is Turnaround ..." / "The second is SWAP (...)"
    providers = {p["name"]: p["providers"] for p in ex.tables["programmes"]}
    assert providers == {"Turnaround": ["Fenland Futures Ltd"], "SWAP": ["The Hampton Trust"]}
    for p in names.values():  # "Self-referrals – Questions 2 to 4 ... do not apply"
        for stage in ("referred", "accepted", "completed"):
            assert funnel[(p, f"self_{stage}")][0] == "not_applicable"
    # "Agency referrals (questions 5 to 7)", in sentences: each figure by its own clause
    assert funnel[("Turnaround", "agency_referred")] == ("value", 51, "exact")  # "51 were referred to Turnaround and 24 to SWAP"
    assert funnel[("SWAP", "agency_referred")] == ("value", 24, "exact")
    assert funnel[("Turnaround", "agency_accepted")] == ("value", 40, "exact")
    assert funnel[("SWAP", "agency_accepted")] == ("value", 24, "exact")
    assert funnel[("SWAP", "agency_completed")] == ("value", 20, "exact")  # "went on to complete"
    assert funnel[("Turnaround", "agency_completed")] == ("value", 17, "exact")
    # "Money (questions 9 and 10)": one answer for the funders and the budget
    assert budgets["Turnaround"][:2] == ("value", 140000.0) and budgets["SWAP"][:2] == ("value", 35500.0)
    assert {(f[0], f[1]) for f in funders} == {
        ("Turnaround", "Home Office"),
        ("Turnaround", "Office of the Police and Crime Commissioner for Lincolnshire"),
        ("SWAP", "Office of the Police and Crime Commissioner for Lincolnshire"),
    }


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Agencies referred 64, 41 and 23 men who were referred, accepted and completed respectively.",
         {"agency_referred": 64, "agency_accepted": 41, "agency_completed": 23}),
        ("Of the men referred, twelve and thirty were self-referred and agency-referred respectively.",
         {"self_referred": 12, "agency_referred": 30}),
        ("By 31 March 2023, 4 and 19 of the self-referred and agency-referred men respectively had completed.",
         {"self_completed": 4, "agency_completed": 19}),  # the date's year is no figure of the list
    ],
)
def test_figures_paired_with_their_routes_or_stages_by_respectively(read, sentence, expected):
    text = ("Office of the Police and Crime Commissioner for Dorset\nDomestic Abuse Perpetrator Programme 2022/23\n\n"
            "Dear Requester\n\nThe Commissioner funds one programme, which is called Harbour Lights. " + sentence + "\n")
    _, names, funnel, *_ = read(text, is_file=False)
    got = {key: funnel[("Harbour Lights", key)][1] for key in expected}
    assert got == expected


def test_tables_flattened_to_single_spaces_with_programme_rows_over_route_rows(read):
    # As text copied out of a PDF: "Agency referrals 74 52 21", programmes on rows of their own, questions
    # wrapped onto a second line ("... accepted onto the" / "programme").
    ex, names, funnel, budgets, funders, referrers = read("flattened_pdf_tables.txt")
    assert set(names.values()) == {"Kestrel", "Harbour"}
    providers = {p["name"]: p["providers"] for p in ex.tables["programmes"]}
    assert providers == {"Kestrel": ["Northgate Family Partnership"], "Harbour": ["Deeside Relationships CIC"]}
    assert [funnel[("Kestrel", f"self_{s}")][0] for s in ("referred", "accepted", "completed")] == ["not_applicable"] * 3
    assert [funnel[("Kestrel", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [74, 52, 21]
    assert [funnel[("Harbour", f"self_{s}")][1] for s in ("referred", "accepted")] == [38, 25]
    assert funnel[("Harbour", "self_completed")][0] == "suppressed"
    assert [funnel[("Harbour", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [112, 81, 36]


def test_a_table_of_stages_by_quarter_is_read_from_its_total_column(read):
    # "Stage Q1 Q2 Q3 Q4 Total": Q1 to Q4 are quarters here, not questions 1 to 4.
    ex, names, funnel, budgets, funders, referrers = read("quarterly_table_one_programme.txt")
    assert ex.tables["programmes"][0]["providers"] == ["Orwell Change CIC"]  # "delivered across Ipswich, ... by"
    got = {key: funnel[("Compass", key)][1] for key in
           ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")}
    assert got == {"self_referred": 26, "self_accepted": 18, "self_completed": 8, "agency_referred": 124,
                   "agency_accepted": 85, "agency_completed": 27}


def test_a_narrative_letter_whose_headings_name_no_programme_is_read_as_prose(read):
    # "Our services" and "Referrals and outcomes" head paragraphs, not numbered answers; the request is quoted
    # as one run-on paragraph whose numbers ("... the programme 3. The total number ...") are no figures.
    ex, names, funnel, budgets, funders, referrers = read("narrative_with_headings.txt")
    assert set(names.values()) == {"Sherwood Steps", "CP"}  # "Sherwood Steps is a group ... programme"; "one short intervention, Clear\nPath (CP)"
    providers = {p["name"]: p["providers"] for p in ex.tables["programmes"]}
    assert providers == {"Sherwood Steps": ["Trent Valley Relationships CIC"], "CP": ["The Hampton Trust"]}
    s = "Sherwood Steps"
    assert [funnel[(s, f"self_{x}")][1] for x in ("referred", "accepted", "completed")] == [31, 22, 9]  # "referred themselves"
    # "In total, 88 men were referred to the two interventions by agencies. Of these, 70 were referred to Sherwood
    # Steps and 18 to Clear Path. Sherwood Steps accepted 48 of its referrals, and 19 of those men completed"
    assert [funnel[(s, f"agency_{x}")][1] for x in ("referred", "accepted", "completed")] == [70, 48, 19]
    assert funnel[("CP", "agency_referred")] == ("value", 18, "exact")
    assert funnel[("CP", "self_referred")][0] == "not_stated"  # the quoted "3." and "4." are not read


def test_programmes_listed_under_letters_answer_under_the_same_letters_everywhere(read):
    ex, names, funnel, budgets, funders, referrers = read("lettered_programmes_in_every_answer.txt")
    programmes = {p["name"]: p for p in ex.tables["programmes"]}
    assert set(programmes) == {"Llwybr Newydd", "Steadfast"}
    assert programmes["Llwybr Newydd"]["aliases"] == ["New Path"]  # a name given in two languages
    assert funnel[("Llwybr Newydd", "self_referred")] == ("value", 29, "exact")
    assert funnel[("Llwybr Newydd", "self_accepted")] == ("value", 20, "exact")
    assert funnel[("Steadfast", "self_referred")][0] == "not_applicable"
    assert funnel[("Steadfast", "self_accepted")][0] == "not_applicable"
    assert (funnel[("Llwybr Newydd", "agency_referred")][1], funnel[("Steadfast", "agency_referred")][1]) == (61, 33)
    assert (funnel[("Llwybr Newydd", "agency_accepted")][1], funnel[("Steadfast", "agency_accepted")][1]) == (44, 30)
    assert (budgets["Llwybr Newydd"][1], budgets["Steadfast"][1]) == (120500.0, 58000.0)


def test_a_disclosure_log_page_with_breadcrumbs_and_answers_in_table_cells(read):
    ex, names, funnel, budgets, funders, referrers = read("disclosure_log_page.html")
    # "1. Home 2. Freedom of Information ..." (the breadcrumbs) are no answers to questions 1 to 4
    programmes = {p["name"]: p for p in ex.tables["programmes"]}
    assert set(programmes) == {"Fenland Forward", "Drive"}  # "Fenland Forward – the ... Programme", "Drive – an ..."
    assert programmes["Fenland Forward"]["aliases"] == ["Cambridgeshire Behaviour Change Programme"]
    assert funnel[("Fenland Forward", "self_referred")] == ("value", 44, "exact")  # each programme in its own <p>
    assert funnel[("Drive", "self_referred")][0] == "not_applicable"
    assert (funnel[("Fenland Forward", "agency_referred")][1], funnel[("Drive", "agency_referred")][1]) == (98, 57)
    assert {r[1] for r in referrers} == {"Cambridgeshire Constabulary", "Peterborough City Council", "MARAC"}


def test_statuses_and_referrers_stated_in_sentences(read):
    text = (
        "Office of the Police and Crime Commissioner for Dorset\nDomestic Abuse Perpetrator Programme 2022/23\n\n"
        "Dear Requester\n\nThe Commissioner funds two programmes, Harbour Lights and Keel. Neither programme accepts self-referrals.\n\n"
        "Harbour Lights received 40 referrals from agencies. We do not hold the number of those men who were accepted. "
        "The number who completed was fewer than five.\n\n"
        "Referrals to Harbour Lights were made by Dorset Police and the Probation Service. "
        "Keel received its agency referrals from GP practices.\n"
    )
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    for p in ("Harbour Lights", "Keel"):
        assert [funnel[(p, f"self_{x}")][0] for x in ("referred", "accepted", "completed")] == ["not_applicable"] * 3
    assert funnel[("Harbour Lights", "agency_referred")] == ("value", 40, "exact")
    assert funnel[("Harbour Lights", "agency_accepted")][0] == "not_held"
    assert funnel[("Harbour Lights", "agency_completed")][0] == "suppressed"
    assert referrers == {("Harbour Lights", "Dorset Police"), ("Harbour Lights", "The Probation Service"), ("Keel", "GP practices")}


def test_a_table_with_a_row_per_programme_names_each_ones_funders_and_amounts_keep_their_commas(read):
    text = (
        "Office of the Police and Crime Commissioner for Durham\nDomestic Abuse Perpetrator Programme 2022/23\n\n"
        "1. We commission two programmes: Drive and CARA.\n"
        "Questions 9 and 10 – funding and budget\n"
        "Programme | Funding partners | Budget\n"
        "Drive | Home Office; PCVC; Durham County Council | £395,000\n"
        "CARA | PCVC | £21,600\n"
    )
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    office = "Office of the Police and Crime Commissioner for Durham"
    assert {(f[0], f[1]) for f in funders} == {("Drive", "Home Office"), ("Drive", office), ("Drive", "Durham County Council"), ("CARA", office)}
    assert (budgets["Drive"][1], budgets["CARA"][1]) == (395000.0, 21600.0)


def test_a_budget_sentence_is_not_cut_at_the_comma_inside_an_amount(read):
    text = (
        "Office of the Police and Crime Commissioner for Derbyshire\nDomestic Abuse Perpetrator Programme 2022/23\n\n"
        "Dear Requester\n\nThe Commissioner funds two programmes, Keystone and Harbour Lights.\n\n"
        "Keystone received 20 referrals from agencies. Keystone cost £42,500 in the year and Harbour Lights cost £18,250.\n"
    )
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert (budgets["Keystone"][1], budgets["Harbour Lights"][1]) == (42500.0, 18250.0)


def test_of_which_columns_take_the_route_of_the_column_before_them(read):
    text = (
        "Office of the Police and Crime Commissioner for Sussex\nDomestic Abuse Perpetrator Programme 2022/23\n\n"
        "1. We commission two programmes: Reframe and Stride.\n"
        "Questions 2 to 7\n"
        "Programme | Self-referrals | of which accepted | of which completed | Agency referrals | of which accepted | of which completed\n"
        "Reframe | 64 | 41 | 17 | 122 | 70 | 29\n"
        "Stride | * | * | 0 | 26 | 19 | n/r\n"
    )
    ex, names, funnel, *_ = read(text, is_file=False)
    assert [funnel[("Reframe", k)][1] for k in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")] == [64, 41, 17, 122, 70, 29]
    assert funnel[("Stride", "self_accepted")][0] == "suppressed" and funnel[("Stride", "agency_accepted")][1] == 19
    assert funnel[("Stride", "agency_completed")][0] == "not_held"  # "n/r": not recorded


def test_a_table_of_stages_by_quarter_without_a_total_adds_up_its_quarters(read):
    text = (
        "Office of the Police and Crime Commissioner for Lancashire\nDomestic Abuse Perpetrator Programme 2022/23\n\n"
        "1. Our programme is called ReSet.\n"
        "2-7. The figures for each quarter of 2022/23:\n"
        " | Q1 Apr–Jun 2022 | Q2 Jul–Sep 2022 | Q3 Oct–Dec 2022 | Q4 Jan–Mar 2023\n"
        "Self-referrals received (Q2) | 14 | 11 | 9 | 16\n"
        "Self-referrals accepted (Q3) | 10 | 8 | 7 | 11\n"
        "Agency referrals received (Q5) | 47 | 52 | 39 | 58\n"
        "Agency referrals completed (Q7) | 12 | - | 15 | 16\n"
    )
    ex, names, funnel, *_ = read(text, is_file=False)
    assert funnel[("ReSet", "self_referred")] == ("value", 50, "exact")
    assert funnel[("ReSet", "self_accepted")] == ("value", 36, "exact")
    assert funnel[("ReSet", "agency_referred")] == ("value", 196, "exact")
    assert funnel[("ReSet", "agency_completed")][0] == "not_stated"  # a quarter not given: no total is made up


def test_a_table_with_route_groups_over_stage_columns_and_a_key_under_it(read):
    text = (
        "Office of the Police and Crime Commissioner for Merseyside\nDomestic Abuse Perpetrator Programme 2022/23\n\n"
        "1. We commission two programmes: Anchor and Drive.\n"
        "Questions 2 to 7\n"
        "Programme | Self-referral | Agency referral\n"
        " | Referred | Accepted | Completed | Referred | Accepted | Completed\n"
        "Anchor | 88 | 61 | 27 | 143 | 97 | 40\n"
        "Drive | – | – | – | 119 | 84 | #\n"
        "\n"
        "–  Drive has no self-referral route.\n"
        "#  not recorded by the provider.\n"
    )
    ex, names, funnel, *_ = read(text, is_file=False)
    assert [funnel[("Anchor", k)][1] for k in ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")] == [88, 61, 27, 143, 97, 40]
    assert [funnel[("Drive", f"self_{x}")][0] for x in ("referred", "accepted", "completed")] == ["not_applicable"] * 3  # the key's "–"
    assert funnel[("Drive", "agency_accepted")][1] == 84


def test_a_key_on_one_line_gives_each_symbol_its_status():
    from foi_pipeline.extract.facts import table_legend
    from foi_pipeline.extract.spans import Span
    from foi_pipeline.extract.tables import find_tables

    text = "A | B\nx | –\ny | *\nKey: – not applicable (no self-referrals).  * a number between 1 and 4, withheld.  n/r not recorded."
    body = Span(0, len(text), text)
    legend = table_legend(body, find_tables(body))
    assert {sym: r.status for sym, r in legend.items()} == {"–": "not_applicable", "*": "suppressed", "n/r": "not_held"}


def test_programme_headings_over_bulleted_titled_answers_make_one_section_each(read):
    # Each programme's bullets start again at its scope, and a section may skip questions (no self-referral route).
    ex, names, funnel, *_ = read("programme_headings_with_bulleted_answers.txt")
    programmes = {p["name"]: p["aliases"] for p in ex.tables["programmes"]}
    assert programmes == {"SH": ["Safer Homes"], "Waymark": [], "FF": ["Family First"]}  # "(SH)", "– stalking intervention"
    assert [funnel[("SH", k)][1] for k in ("self_referred", "self_accepted", "agency_referred", "agency_accepted")] == [31, 22, 140, 90]
    assert [funnel[("Waymark", k)][1] for k in ("agency_referred", "agency_accepted")] == [47, 35]
    assert [funnel[("FF", k)][1] for k in ("self_referred", "agency_referred")] == [9, 44]


_LINE_LABELLED = """Office of the Police and Crime Commissioner for Norfolk
Our reference: FOI/2023/310
Date: 3 October 2023

Dear Requester,

Freedom of Information Act 2000 - Domestic Abuse Perpetrator Programme 2022/23 (males)

The OPCC holds information relevant to your request.

1. Name of the programme(s)
Steps Forward - a 24-week group programme delivered by Cranstoun.
Safe Home - a one-to-one intervention delivered by the Daisy Programme.

2. The total number of males who self-referred into the programme
{a}Steps Forward{sep}
{n1} men
{b}Safe Home{sep}
{n2}

3. The total number of self-referred males who were accepted onto the programme
{a}Steps Forward{sep}
{n3}
For comparison, 2021/22: 99
{b}Safe Home{sep}
{n4}
"""


@pytest.mark.parametrize("a, b, sep", [("", "", ""), ("- ", "- ", ""), ("• ", "• ", " –"), ("", "", ":")])
def test_a_programme_named_on_a_line_of_its_own_heads_the_figures_under_it(read, a, b, sep):
    text = _LINE_LABELLED.format(a=a, b=b, sep=sep, n1=31, n2=7, n3=22, n4=5)
    _, names, funnel, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Safe Home", "Steps Forward"]
    assert funnel[("Steps Forward", "self_referred")][:2] == ("value", 31)
    assert funnel[("Safe Home", "self_referred")][:2] == ("value", 7)
    assert funnel[("Steps Forward", "self_accepted")][:2] == ("value", 22)
    assert funnel[("Safe Home", "self_accepted")][:2] == ("value", 5)


def test_a_figure_for_everyone_yields_to_the_figure_for_the_requested_population(read):
    text = _LINE_LABELLED.split("1. Name")[0] + (
        "We commission one programme, Steps Forward, a group course delivered by Cranstoun.\n\n"
        "Agencies referred 112 people to Steps Forward during the year. Of the 103 men referred by agencies, "
        "71 were accepted onto the programme and 39 completed it.\n"
    )
    ex, names, funnel, *_ = read(text, is_file=False)
    assert funnel[("Steps Forward", "agency_referred")][:2] == ("value", 103)
    assert any("said of males" in r["reason"] for r in ex.tables["review_queue"])


_ALIGNED = """Office of the Police and Crime Commissioner for Norfolk
Our reference: FOI/2023/311

Dear Requester,

The OPCC holds information relevant to your request.

Q1. Name of the programme(s)
  (A) Steps Forward - a 24-week group programme delivered by Cranstoun.
  (B) Safe Home - a one-to-one intervention delivered by the Daisy Programme.

Q2-Q7. Referrals, acceptances and completions (males only)

{header}
  Q2  Males who self-referred             {a}31{b}7
  Q3  Self-referred males accepted        {a}22{b}5
  Q5  Males referred by an agency         {a}140{c}19
"""


@pytest.mark.parametrize("header, a, b, c", [
    ("                                        Steps Forward     Safe Home", "     ", "                ", "               "),
    ("                                         Steps Forward   Safe Home", "      ", "              ", "             "),
])
def test_an_aligned_text_table_headed_only_over_its_figure_columns(read, header, a, b, c):
    text = _ALIGNED.format(header=header, a=a, b=b, c=c)
    _, names, funnel, *_ = read(text, is_file=False)
    assert funnel[("Steps Forward", "self_referred")][:2] == ("value", 31)
    assert funnel[("Safe Home", "self_referred")][:2] == ("value", 7)
    assert funnel[("Steps Forward", "agency_referred")][:2] == ("value", 140)
    assert funnel[("Safe Home", "agency_referred")][:2] == ("value", 19)


def test_a_merged_heading_over_the_programmes_own_column_headings(read):
    text = _ALIGNED.split("Q2-Q7.")[0] + (
        "Q2-Q7. Referrals, acceptances and completions\n"
        "Males, 1 April 2022 – 31 March 2023 | Programme\n"
        " | Steps Forward | Safe Home\n"
        "2. Self-referred | 31 | N/A\n"
        "5. Referred by an agency | 140 | 19\n"
    )
    _, names, funnel, *_ = read(text, is_file=False)
    assert funnel[("Steps Forward", "self_referred")][:2] == ("value", 31)
    assert funnel[("Safe Home", "self_referred")][0] == "not_applicable"
    assert funnel[("Safe Home", "agency_referred")][:2] == ("value", 19)


def test_referrers_introduced_by_received_referrals_from_and_a_paragraph_going_on_about_one_programme(read):
    text = _ALIGNED.split("Q2-Q7.")[0] + (
        "Q8. Organisations making referrals\n"
        "Steps Forward received referrals from: Norfolk Constabulary; Norfolk County Council Children's Services; and GP practices.\n"
        "All referrals to Safe Home were made through the Norfolk MARAC. The agencies which brought the cases were "
        "Norfolk Constabulary and the Leeway IDVA Service.\n"
    )
    _, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    steps = {o for p, o in referrers if p == "Steps Forward"}
    safe = {o for p, o in referrers if p == "Safe Home"}
    assert "Norfolk County Council Children's Services" in steps and "Norfolk County Council Children's Services" not in safe
    assert "Norfolk MARAC" in safe or "the Norfolk MARAC" in {o.lower() for o in safe} | safe
    assert not any(o.lower().startswith("the agencies") for _, o in referrers)


def test_referrers_listed_under_each_programmes_name_and_a_totals_row(read):
    text = """Dear Requester,
Freedom of Information request FOI 2023/55
1. The Name/Title/Scope of the commissioned programme in your area
(a) Safer Homes Programme (SHP) - a group course for men
(b) Fresh Start - one-to-one work
8. The names of the organisations who have made a referral to the programme
(a) SHP:
- Kent Police
- Kent County Council Children and Families Service
(b) Fresh Start:
- Medway Council Children's Services
Referrer | Referrals
Kent Police | 40
Total | 40
"""
    _, names, _, _, _, referrers = read(text, is_file=False)
    assert {r[1] for r in referrers} == {"Kent Police", "Kent County Council Children and Families Service",
                                          "Medway Council Children's Services"}


@pytest.mark.parametrize("written, authority", [
    ("OPCCN", "Office of the Police and Crime Commissioner for Norfolk"),
    ("NOPCC", "Nottinghamshire Office of the Police and Crime Commissioner"),
    ("the OPCC for Cleveland", "Office of the Police and Crime Commissioner for Cleveland"),
    ("Police and Crime Commissioner for Suffolk", "Office of the Police and Crime Commissioner for Suffolk"),
    ("the Staffordshire Commissioner's Office", "Office of the Staffordshire Commissioner"),
])
def test_the_letters_own_office_however_it_names_itself(catalogue, written, authority):
    from foi_pipeline.extract.facts import expand_self_reference
    from foi_pipeline.extract.organisations import OrganisationCatalogue, OrgMention
    from foi_pipeline.extract.programmes import ProgrammeRegistry
    from foi_pipeline.extract.spans import Span

    places = ProgrammeRegistry(catalogue, OrganisationCatalogue(catalogue)).places
    mention = OrgMention(written, written, Span(0, len(written), written))
    assert expand_self_reference(mention, authority, places).name == authority


@pytest.mark.parametrize("written", ["Office of the Police and Crime Commissioner for Suffolk", "Norfolk County Council", "NCC"])
def test_another_office_or_body_of_the_same_place_is_not_the_letters_own(catalogue, written):
    from foi_pipeline.extract.facts import expand_self_reference
    from foi_pipeline.extract.organisations import OrganisationCatalogue, OrgMention
    from foi_pipeline.extract.programmes import ProgrammeRegistry
    from foi_pipeline.extract.spans import Span

    places = ProgrammeRegistry(catalogue, OrganisationCatalogue(catalogue)).places
    mention = OrgMention(written, written, Span(0, len(written), written))
    assert expand_self_reference(mention, "Office of the Police and Crime Commissioner for Norfolk", places).name == written


def test_first_questions_in_one_table_a_column_per_programme_then_answers_below(read):
    text = """Dear Requester,
Freedom of Information request FOI 2023/61
The Office of the Police and Crime Commissioner commissioned two programmes in 2022/23. Questions 1 to 7 are answered in the table below, with each programme in its own column.
 | Safe Home | Fresh Start
Q1 Scope | Group course for men. | One-to-one work.
Q2 Self-referred | N/A | 14
Q3 Self-referred accepted | N/A | 11
Q4 Self-referred completed | N/A | 6
Q5 Agency referred | 60 | 22
Q6 Agency referred accepted | 52 | 17
Q7 Agency referred completed | 40 | 9
Question 8
Safe Home referrals come from Kent Police. Fresh Start received referrals from Kent Police and Medway Council.
Question 10
Safe Home: £38,500. Fresh Start: £41,000.
"""
    _, names, funnel, budgets, _, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Start", "Safe Home"]
    assert funnel[("Fresh Start", "self_referred")] == ("value", 14, "exact")
    assert funnel[("Safe Home", "self_referred")][0] == "not_applicable"
    assert funnel[("Safe Home", "agency_completed")] == ("value", 40, "exact")
    assert budgets["Fresh Start"][1] == 41000.0
    assert ("Fresh Start", "Medway Council") in referrers


RUN_ON_QUOTE = (
    'You asked: "Please provide the following information for your Domestic Abuse Perpetrator Programme for the\n'
    "2022/2023 Financial Year: 1. The Name/Title/Scope of the commissioned programme in your area 2. The total\n"
    "number of males who self-referred into the programme 3. The total number of self-referred males who were accepted\n"
    "onto the programme 4. The total number of self-referred males who have completed the programme 5. The total\n"
    "number of males referred by an agency (e.g., police, social service etc.) into the programme 6. The total number of\n"
    "referred males who were accepted on to the programme 7. The total number of referred males who have completed the\n"
    "programme 8. The names of the organisations who have made a referral to the programme Link to evaluation of\n"
    "programme efficacy: 9. Financial Contributors: (Inclusive of Statutory, Non-Statutory Organisations and individual\n"
    'voluntary donations) 10. Budget inclusive of Running Costs"\n')


def test_a_run_on_quoted_request_then_a_numbered_question_table_across_two_pages(read):
    text = ("Dear Requester,\nFreedom of Information request FOI 2023/77\n" + RUN_ON_QUOTE +
            "We have answered each question for each service in the table below.\n"
            "Q | Question | Safe Home | Fresh Start\n"
            "1 | Name / title / scope of the commissioned programme | A group course for men. | One-to-one work.\n"
            "2 | Total number of males who self-referred | N/A | 14\n"
            "3 | Self-referred males accepted onto the programme | N/A | 11\n"
            "4 | Self-referred males who completed the programme | N/A | 6*\n"
            "Page 1 of 2\n\n"
            "Q | Question | Safe Home | Fresh Start\n"
            "5 | Males referred by an agency | 60 | 22\n"
            "6 | Referred males accepted onto the programme | 52 | 17\n"
            "7 | Referred males who completed the programme | 40 | 9\n"
            "10 | Budget inclusive of running costs | £38,500 | £41,000\n"
            "* Includes men who completed after the year end.\n")
    _, names, funnel, budgets, _, _ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Start", "Safe Home"]
    assert funnel[("Fresh Start", "self_completed")][:2] == ("value", 6)
    assert funnel[("Safe Home", "agency_referred")] == ("value", 60, "exact")
    assert funnel[("Safe Home", "agency_completed")] == ("value", 40, "exact")
    assert funnel[("Fresh Start", "agency_completed")] == ("value", 9, "exact")
    assert budgets["Safe Home"][1] == 38500.0


def test_one_programmes_table_a_row_per_stage_and_a_column_per_route_with_a_total(read):
    text = """Dear Sir,
Freedom of Information request FOI 0423-23
Question 1
The Commissioner commissions Positive Futures, delivered by Cheshire Without Abuse.
Questions 2 to 7
The figures requested are shown in Table 1.
Stage (2022/23) | Self-referral | Agency referral | Total
Referred into the programme | 48 | 126 | 174
Accepted onto the programme | 31 | 84 | 115
Completed the programme | 17 | 39 | 56
Question 8
Kent Police.
"""
    _, names, funnel, _, _, _ = read(text, is_file=False)
    (p,) = names.values()
    assert [funnel[(p, f"{r}_{s}")][1] for r in ("self", "agency") for s in ("referred", "accepted", "completed")] == [48, 31, 17, 126, 84, 39]


def test_a_question_table_a_column_per_programme_with_referrers_and_funders_in_tables_of_their_own(read):
    text = """FOI Response
Office of the Police and Crime Commissioner - Freedom of Information Response
FOI reference: OPCC-FOI-23-099
No. | Question | Safe Home | Fresh Start
1 | Name/Title/Scope of the commissioned programme | Safe Home - a group course. | Fresh Start - one-to-one work.
2 | Males who self-referred | 14 | N/A
3 | Self-referred males accepted | 9 | N/A
4 | Self-referred males completed | * | N/A
5 | Males referred by an agency | 63 | 58
6 | Referred males accepted | 44 | 58
7 | Referred males completed | 21 | 47
8 | Organisations who made a referral | See 'Referrers' tab | See 'Referrers' tab
9 | Financial contributors | See 'Funding' tab | See 'Funding' tab
10 | Budget inclusive of running costs | 136250 | 38000

Referrers
Referring organisation | Safe Home | Fresh Start
Kent Police | Yes | Yes
Medway Council Children's Services | Yes |
"""
    _, names, funnel, budgets, _, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Start", "Safe Home"]
    assert funnel[("Safe Home", "self_referred")] == ("value", 14, "exact")
    assert funnel[("Fresh Start", "agency_completed")] == ("value", 47, "exact")
    assert funnel[("Safe Home", "self_completed")][0] == "suppressed"
    assert budgets["Fresh Start"][1] == 38000.0
    assert ("Safe Home", "Medway Council Children's Services") in referrers


PROGRAMME_TABLE_REPLY = """Office of the Police and Crime Commissioner for Northumbria
Ref: FOI/23/052
30th June 2023
Dear Requester,
Your request for information – Domestic Abuse Perpetrator Programme for males, 2022/23
1. Name / title / scope
Programme | Delivered by | Scope
Pathways | Northern Respect Partnership CIC | Group programme for men aged 18 and over.
STEP (Stop The Escalation Project) | Tyneside Family Support Service | A short voluntary course, for self-referrals only.
2. Pathways received thirty-two self-referrals from males. STEP received nineteen.
3. Of these, twenty-five self-referred males were accepted onto Pathways and sixteen onto STEP.
4. Fourteen self-referred males completed Pathways; eleven completed STEP.
5. Pathways received fifty-eight referrals of males from agencies. STEP does not accept agency referrals, so questions 5 to 7 do not apply to it.
6. Forty-four agency-referred males were accepted onto Pathways.
7. Twenty-nine agency-referred males completed Pathways.
7. Referring organisations. Referrals came from Northumbria Police and Gateshead Council.
8. Financial contributors and 9. Budget (2022/23, inclusive of running costs):
Programme | Financial contributors | Budget 2022/23
Pathways | Office of the Police and Crime Commissioner for Northumbria; Home Office | £96,250
STEP | Office of the Police and Crime Commissioner for Northumbria; Wessex County Council | £31,800
Your right to complain: if you are unhappy with our response you may ask for an internal review by
writing to the Chief Executive at the address below within 40 working days.
Yours sincerely,
"""


def test_a_table_of_programmes_with_providers_a_route_that_does_not_apply_and_one_heading_for_two_questions(read):
    ex, names, funnel, budgets, funders, referrers = read(PROGRAMME_TABLE_REPLY, is_file=False)
    assert sorted(names.values()) == ["Pathways", "STEP"]
    programmes = {p["name"]: p for p in ex.tables["programmes"]}
    assert programmes["Pathways"]["providers"] == ["Northern Respect Partnership CIC"]
    assert programmes["STEP"]["providers"] == ["Tyneside Family Support Service"]
    assert "Stop The Escalation Project" in programmes["STEP"]["aliases"]
    assert funnel[("Pathways", "agency_referred")] == ("value", 58, "exact")  # "questions 5 to 7" are no figures
    # "STEP does not accept agency referrals": not applicable, at every stage of that route
    assert [funnel[("STEP", f"agency_{s}")][0] for s in ("referred", "accepted", "completed")] == ["not_applicable"] * 3
    assert funnel[("STEP", "self_completed")] == ("value", 11, "exact")
    # "7. Referring organisations." (numbering drifted) and "8. Financial contributors and 9. Budget"
    assert {r[1] for r in referrers} == {"Northumbria Police", "Gateshead Council"}
    assert budgets["Pathways"][:2] == ("value", 96250.0) and budgets["STEP"][:2] == ("value", 31800.0)
    assert ("STEP", "Wessex County Council") in {f[:2] for f in funders}  # not "Essex": a slip is inside a word
    assert not any("right to complain" in f[1].lower() or "Chief Executive" in f[1] for f in funders)


RESPONSE_HEADINGS_PAGE = """Office of the Police and Crime Commissioner for Surrey
FOI 2023/0147 – Commissioned programmes for males (2022/23)

Response

OPCC Response – Name / title / scope

Change Course – a domestic abuse perpetrator programme for men aged 18 and over, delivered by Cranstoun.

Inform Plus (Surrey) – a psycho-educational programme delivered by the Lucy Faithfull Foundation.

OPCC Response – Questions 2 – 4 (self-referrals)

Change Course: N/A. This is not a self-referral service.

Inform Plus: 118 men self-referred in 2022/23 and 90 of these were accepted onto the programme.

OPCC Response – Questions 5 – 7 (agency referrals)

Change Course: 289 men were referred by agencies in 2022/23, 176 were accepted and 92 have completed.

Inform Plus: The provider does not record who signposted a participant, so we do not hold separate figures for agency referrals, acceptances or completions.

OPCC Response – Referring organisations

Change Course referrals by organisation, 2022/23:

Referring organisation | Number of males referred
Surrey Police | 141
Surrey County Council Children's Services | 88

Inform Plus: not applicable – see above.

OPCC Response – Financial contributors

Change Course is jointly funded by the OPCC for Surrey and Surrey County Council. Inform Plus is funded solely by the OPCC.
"""


def test_headings_after_the_offices_response_prefix_a_table_introduced_for_one_programme_and_stages_not_held(read):
    ex, names, funnel, budgets, funders, referrers = read(RESPONSE_HEADINGS_PAGE, is_file=False)
    assert sorted(names.values()) == ["Change Course", "Inform Plus"]
    assert {p["name"]: p["aliases"] for p in ex.tables["programmes"]}["Inform Plus"] == []  # "(Surrey)" is a place
    assert funnel[("Change Course", "self_referred")][0] == "not_applicable"
    assert funnel[("Change Course", "agency_completed")] == ("value", 92, "exact")
    assert funnel[("Inform Plus", "self_accepted")] == ("value", 90, "exact")
    assert [funnel[("Inform Plus", f"agency_{s}")][0] for s in ("referred", "accepted", "completed")] == ["not_held"] * 3
    assert set(referrers) == {("Change Course", "Surrey Police"), ("Change Course", "Surrey County Council Children's Services")}
    assert {f[:2] for f in funders} == {("Change Course", "Office of the Police and Crime Commissioner for Surrey"),
                                        ("Change Course", "Surrey County Council"),
                                        ("Inform Plus", "Office of the Police and Crime Commissioner for Surrey")}


LONG_TABLES_REPLY = """Office of the Police and Crime Commissioner for Cheshire
FOI reference: FOI/2023/101
Response date: 19/07/2023
Dear Requester,
1. We commissioned two services for males in 2022/23:
(a) Turning Point – a behaviour change programme for adult men, delivered by Cheshire Domestic Violence and Abuse Services.
(b) Young Voices – a programme for boys aged 10 to 17, delivered by Break.
Questions 2 to 7 are answered in the tables below.
Programme | Route | Males referred | Males accepted onto the programme | Males who completed | Provider comments
Turning Point | Self-referral | approx. 50 | 41 | 23 | The main route.
Turning Point | Agency referral | 77 | 63 | around 40 | Provisional.
Young Voices | Self-referral | N/A | N/A | N/A | Not a self-referral service.
Young Voices | Agency referral | 26 | 21 | 12 | Through the Youth Justice Service.
Agency referrals, 1 April 2022 to 31 March 2023
Programme | Measure | All participants | Of which male
Turning Point | Referred by an agency | 212 | 198
 | Accepted onto programme | 171 | 160
 | Completed programme | 104 | 97
Yours sincerely,
"""


def test_tables_with_a_route_column_or_a_row_per_stage_under_a_programme_named_once(read):
    ex, names, funnel, budgets, funders, referrers = read(LONG_TABLES_REPLY, is_file=False)
    programmes = {p["name"]: p for p in ex.tables["programmes"]}
    assert programmes["Turning Point"]["providers"] == ["Cheshire Domestic Violence and Abuse Services"]  # one name
    assert funnel[("Turning Point", "self_referred")] == ("value", 50, "approx")
    assert funnel[("Turning Point", "self_completed")] == ("value", 23, "exact")
    assert funnel[("Young Voices", "self_accepted")][0] == "not_applicable"
    assert funnel[("Young Voices", "agency_completed")] == ("value", 12, "exact")
    # the second table's male column, its programme named on the first of its rows only; the first reading stands
    # and the other is a review item
    assert funnel[("Turning Point", "agency_referred")] == ("value", 77, "exact")
    assert any("two different answers" in r["reason"] and r["field"] == "agency_referred" for r in ex.tables["review_queue"])


def test_a_table_with_a_row_per_stage_under_each_programme_reads_the_column_for_the_requested_population(read):
    text = LONG_TABLES_REPLY.split("Questions 2 to 7")[0] + "Questions 5 to 7:\n" + LONG_TABLES_REPLY.split("31 March 2023\n")[1]
    ex, names, funnel, *_ = read(text, is_file=False)
    assert funnel[("Turning Point", "agency_referred")] == ("value", 198, "exact")
    assert funnel[("Turning Point", "agency_completed")] == ("value", 97, "exact")


def test_a_reply_that_is_one_table_a_row_per_programme_under_the_questions_as_headings(read):
    text = ("Lancashire Combined Authority\nData\n"
            "Programme | Provider | Q2 Males self-referred | Q3 Self-referred males accepted | Q4 Self-referred males completed | "
            "Q5 Males referred by an agency | Q6 Agency-referred males accepted | Q7 Agency-referred males completed | Q10 Budget\n"
            "Fresh Path | Fresh Path CIC | 143 | 98 | 51 | 301 | 187 | 95 | 575000\n"
            "Drive Preston | Preston Safer Relationships | N/A | N/A | N/A | 88 | 70 | n/k | 198500\n"
            "Total (all programmes) |  | 143 | 98 | 51 | 389 | 257 |  | 773500\n")
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Drive Preston", "Fresh Path"]  # the total row is no programme
    assert [funnel[("Fresh Path", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [301, 187, 95]
    assert funnel[("Drive Preston", "self_referred")][0] == "not_applicable"
    assert funnel[("Drive Preston", "agency_completed")][0] == "not_held"
    assert budgets["Drive Preston"][:2] == ("value", 198500.0)


def test_a_letter_in_paragraphs_each_under_a_heading_that_names_its_programme(read):
    text = ("Office of the Police and Crime Commissioner for Avon and Somerset\nDear Requester\n"
            "We hold information about two programmes and describe each below.\n"
            "Fresh Start\nFresh Start is our community behaviour change programme, delivered by Avon Change Ltd. In 2022/23\n"
            "agencies referred 88 men, of whom 61 were accepted.\n"
            "Safe Steps Somerset\nSafe Steps works with high-harm perpetrators and is delivered by Somerset Safety Trust. It does not\n"
            "accept self-referrals.\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Start", "Safe Steps Somerset"]
    assert funnel[("Fresh Start", "agency_referred")] == ("value", 88, "exact")
    assert funnel[("Safe Steps Somerset", "self_referred")][0] == "not_applicable"


def test_a_contract_shared_with_a_neighbour_reads_the_own_areas_column(read):
    text = ("Office of the Police and Crime Commissioner for Cleveland\nDear Requester\n"
            "Re: Domestic Abuse Perpetrator Programme 2022/23\n"
            "1. Programme: Turning Tides, delivered by Tides CIC for Cleveland and Durham under one contract.\n"
            "Measure | Cleveland | Durham | Combined contract\n"
            "5. Males referred by an agency | 120 | 95 | 215\n"
            "6. Referred males accepted | 80 | 61 | 141\n"
            "7. Referred males completed | 40 | 33 | 73\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    assert list(names.values()) == ["Turning Tides"]
    assert [funnel[("Turning Tides", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [120, 80, 40]


def test_a_question_quoted_without_its_aside_still_heads_its_answer(read):
    # "referred by an agency (e.g., police, social service etc.) into the programme", the aside left out
    text = ("Office of the Police and Crime Commissioner for Cleveland\nDear Requester\n"
            "Re: Domestic Abuse Perpetrator Programme 2022/23\n"
            "Question | Response\n"
            "1. The Name/Title/Scope of the commissioned programme in your area | Turning Tides, delivered by Tides CIC\n"
            "5. The total number of males referred by an agency into the programme | 120\n"
            "10. Budget inclusive of Running Costs | The Commissioner's share for 2022/23 was £312,000.\n")
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert funnel[("Turning Tides", "agency_referred")] == ("value", 120, "exact")
    assert budgets["Turning Tides"][:2] == ("value", 312000.0)


def test_a_data_sheet_with_a_row_per_programme_beside_answers_of_its_own(read):
    # a workbook attached to an e-mail: the figures sheet (a row per programme, a provider column), then a sheet
    # answering the questions the figures do not
    text = ("Office of the Sussex Police and Crime Commissioner – FOI response\n"
            "Programme | Provider | Q2 Self-referred | Q3 Self-referred accepted | Q4 Self-referred completed | Q5 Agency referred | "
            "Q6 Agency referred accepted | Q7 Agency referred completed | Q10 Budget 2022/23 (£) | Q9 Financial contributors\n"
            "Fresh Path | Pathway Trust | 27 | 19 | <5 | 158 | 112 | 63 | 241500 | Sussex PCC; Home Office\n"
            "Steady Steps | Steady CIC | N/A | N/A | N/A | 204 | 187 | 161 | 58750 | Sussex PCC\n\n"
            "Question | Response\n"
            "Q1 Name/Title/Scope | Fresh Path: a 26-week group programme. Steady Steps: workshops for first-time offenders.\n"
            "Q8 Referring organisations | Fresh Path: Sussex Police; Probation Service. Steady Steps: Sussex Police.\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert {p["name"]: p["providers"] for p in ex.tables["programmes"]} == {"Fresh Path": ["Pathway Trust"], "Steady Steps": ["Steady CIC"]}
    assert funnel[("Fresh Path", "agency_referred")] == ("value", 158, "exact")
    assert funnel[("Steady Steps", "self_referred")][0] == "not_applicable"
    assert budgets["Steady Steps"][:2] == ("value", 58750.0)
    assert {(p, f) for p, f, _ in funders} >= {("Steady Steps", "Office of the Sussex Police and Crime Commissioner"),
                                                ("Fresh Path", "Home Office")}


def test_a_table_per_programme_under_its_name_with_the_questions_by_number(read):
    # one two-column table per programme, the question's number alone in the first column; the second table goes
    # on over a page break under its header repeated
    def table(name: str, scope: str, figures: list[str], budget: str) -> str:
        rows = [f"1 | {scope}", *(f"{n} | {f}" for n, f in zip(range(2, 8), figures)), "8 | Kent Police; Probation Service"]
        return f"Q | {name}\n" + "\n".join(rows) + "\n", f"Q | {name}\n10 | {budget}\n"

    first, first_budget = table("Fresh Path", "Fresh Path – a group programme. Provider: Elm Foundation.", ["12", "9", "5", "88", "61", "30"], "£136,000")
    second, second_budget = table("Steady Steps", "Steady Steps – workshops, delivered by Hampton Trust.", ["n/a", "n/a", "n/a", "96", "90", "79"], "£58,250")
    text = ("Office of the Police and Crime Commissioner for Kent\nDear Requester\nOne table is given for each programme.\n"
            "Programme 1 of 2\n" + first + first_budget.split("\n", 1)[1] + "Programme 2 of 2\n" + second
            + "Office of the PCC, Maidstone ME15 9BZ\tPage 1 of 2\n\n" + second_budget)
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert {p["name"]: p["providers"] for p in ex.tables["programmes"]} == {"Fresh Path": ["Elm Foundation"], "Steady Steps": ["The Hampton Trust"]}
    assert [funnel[("Fresh Path", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [88, 61, 30]
    assert funnel[("Steady Steps", "self_referred")][0] == "not_applicable"
    assert budgets["Fresh Path"][:2] == ("value", 136000.0) and budgets["Steady Steps"][:2] == ("value", 58250.0)


QUOTED_REQUEST = (
    "1. The Name/Title/Scope of the commissioned programme in your area\n"
    "2. The total number of males who self-referred into the programme\n"
    "3. The total number of self-referred males who were accepted onto the programme\n"
    "4. The total number of self-referred males who have completed the programme\n"
    "5. The total number of males referred by an agency (e.g., police, social service etc.) into the programme\n"
    "6. The total number of referred males who were accepted on to the programme\n"
    "7. The total number of referred males who have completed the programme\n"
    "8. The names of the organisations who have made a referral to the programme\n"
    "9. Financial Contributors: (Inclusive of Statutory, Non-Statutory Organisations and individual voluntary donations)\n"
    "10. Budget inclusive of Running Costs\n")


def test_programmes_first_named_in_a_table_under_merged_route_headings_are_described_by_the_letters_list(read):
    text = ("Office of the Police and Crime Commissioner for Avon and Somerset\nDear Requester\n"
            "You asked:\n" + QUOTED_REQUEST +
            "Our response\nIn 2022/23 the Commissioner funded two interventions:\n"
            "• Fresh Path – a one-to-one intervention, delivered by Elm Foundation;\n"
            "• Steady Steps – a group programme, delivered by Hampton Trust.\n"
            "Questions 2 to 7 – referrals, acceptances and completions:\n"
            "Programme | Self-referrals | Referred by an agency\n"
            " | Referred | Accepted | Completed | Referred | Accepted | Completed\n"
            "Fresh Path | n/a | n/a | n/a | 112 | 87 | 41\n"
            "Steady Steps | 38 | 29 | 14 | 64 | 45 | 22\n"
            "Total | 38 | 29 | 14 | 176 | 132 | 63\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert {p["name"]: p["providers"] for p in ex.tables["programmes"]} == {"Fresh Path": ["Elm Foundation"], "Steady Steps": ["The Hampton Trust"]}
    assert [funnel[("Steady Steps", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [38, 29, 14]
    assert funnel[("Fresh Path", "agency_completed")] == ("value", 41, "exact")


@pytest.mark.parametrize("groups", [
    "Programme (Q1) | Provider | Self-referral |  |  | Agency | referral | ",
    "Programme | Delivered by | Self-referrals |  |  | Referred by an agency |  | ",
])
def test_a_letter_answering_every_count_question_in_one_table_before_the_answers(read, groups):
    """No question is quoted: the letter says which table answers which questions, and the first table's two header
    rows (routes over stages, merged cells) hold a row per programme, its provider beside it."""
    text = ("Office of the Police and Crime Commissioner for Cleveland\nDear Requester,\n"
            "Thank you for your request about domestic abuse perpetrator programmes. Your questions 1 to 7 are answered\n"
            "together in Table 1, and questions 8 to 10 in Table 2.\n"
            "Table 1 – Referrals, acceptances and completions, 2022/23\n"
            f"{groups}\n"
            " |  | Referred (Q2) | Accepted (Q3) | Completed (Q4) | Referred (Q5) | Accepted (Q6) | Completed (Q7)\n"
            "Fresh Path – one-to-one behaviour change work | Elm Foundation | n/a | n/a | n/a | 61 | 48 | 30\n"
            "Steady Steps – group programme | Hampton Trust / Respect | 12 | 9 | 5 | 40 | 33 | 21\n"
            "Total |  | 12 | 9 | 5 | 101 | 81 | 51\n"
            "Table 2 – Referrers and funding (Q8 to Q10)\n"
            "Programme | Referring organisations\n"
            "Fresh Path | Cleveland Police\n"
            "Steady Steps | Cleveland Police; Probation Service\n"
            "Yours sincerely,\nInformation Governance Team\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    providers = {p["name"]: p["providers"] for p in ex.tables["programmes"]}
    assert providers["Fresh Path"] == ["Elm Foundation"] and len(providers["Steady Steps"]) == 2
    assert [funnel[("Steady Steps", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [12, 9, 5]
    assert [funnel[("Fresh Path", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [61, 48, 30]
    assert funnel[("Fresh Path", "self_referred")][0] == "not_applicable"


@pytest.mark.parametrize("header", [
    "Q | Question | Programmes\n |  | Fresh Path | Steady Steps (Hartwell)\n",  # a heading merged over the programmes
    "Q | Question | Fresh Path | Steady Steps (Hartwell) | Total\n",  # a total column beside them
])
def test_a_workbook_sheet_with_the_questions_down_and_a_column_per_programme(read, header):
    total = header.endswith("Total\n")

    def row(number: str, question: str, first: str, second: str, both: str = "") -> str:
        return f"{number} | {question} | {first} | {second}" + (f" | {both}" if total else "") + "\n"

    text = ("Office of the Police and Crime Commissioner for Norfolk\nFreedom of Information – response\nDear Applicant,\n"
            "Your questions are answered on the Answers sheet.\n\nAnswers\n" + header
            + row("1", "Name and scope of the programme", "Fresh Path – one-to-one work", "Steady Steps – group work")
            + row("", "Provider", "Elm Foundation", "Hartwell Trust")
            + row("2", "Males who self-referred", "N/A", "31", "31")
            + row("3", "Self-referred males accepted", "N/A", "25", "25")
            + row("4", "Self-referred males completed", "N/A", "11", "11")
            + row("5", "Males referred by an agency", "140", "22", "162")
            + row("6", "Referred males accepted", "97", "18", "115")
            + row("7", "Referred males completed", "52", "approx. 9", "61")
            + row("10", "Budget inclusive of running costs", "£150,000", "£42k", "£192,000"))
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert {p["name"]: p["providers"] for p in ex.tables["programmes"]} == {"Fresh Path": ["Elm Foundation"], "Steady Steps": ["Hartwell Trust"]}
    assert [funnel[("Fresh Path", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [140, 97, 52]
    assert funnel[("Steady Steps", "agency_completed")] == ("value", 9, "approx")
    assert funnel[("Fresh Path", "self_referred")][0] == "not_applicable"
    assert budgets["Steady Steps"][:2] == ("value", 42000.0)


@pytest.mark.parametrize("layout", ["routes as rows", "routes as columns"])
def test_a_table_per_programme_each_under_its_own_caption(read, layout):
    """No answer names the programme of a table: the caption over it does ("Table 1: Fresh Path", or the name and
    its period), with a line describing the programme between the two."""
    def table(figures: list[str]) -> str:
        if layout == "routes as rows":
            return ("Route | Referred | Accepted | Completed\n"
                    f"Self-referral | {' | '.join(figures[:3])}\nAgency referral | {' | '.join(figures[3:])}\n")
        return (" | Self-referral | Agency referral\n" + "".join(
            f"Number {stage} | {figures[i]} | {figures[i + 3]}\n" for i, stage in enumerate(("referred", "accepted", "completed"))))

    text = ("Office of the Police and Crime Commissioner for Gwent\nDear Requester,\n"
            "You asked:\n" + QUOTED_REQUEST +
            "The Commissioner funds two programmes. The figures for each are set out in a table of its own.\n"
            "Table 1: Fresh Path\nFresh Path is a one-to-one intervention delivered by Elm Foundation.\n"
            + table(["n/a", "n/a", "n/a", "57", "41", "<5"])
            + "\nSteady Steps (Hartwell Trust) – 1 April 2022 to 31 March 2023\n"
            + table(["14", "10", "6", "23", "17", "9"])
            + "Yours sincerely,\nInformation Governance Team\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert funnel[("Fresh Path", "self_referred")][0] == "not_applicable"
    assert [funnel[("Fresh Path", f"agency_{s}")][:2] for s in ("referred", "accepted")] == [("value", 57), ("value", 41)]
    assert funnel[("Fresh Path", "agency_completed")][0] == "suppressed"
    assert [funnel[("Steady Steps", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [14, 10, 6]
    assert [funnel[("Steady Steps", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [23, 17, 9]


def test_a_table_per_programme_with_a_column_per_year_and_population_under_its_answer_heading(read):
    """Each programme's table follows a heading naming it, gives last year's and the other population's figures
    beside the requested ones, and a table of referrers counts each one's referrals per programme."""
    def table(figures: list[str]) -> str:
        stages = ["Self-referred", "Self-referred – accepted", "Self-referred – completed",
                  "Referred by an agency", "Agency referred – accepted", "Agency referred – completed"]
        return ("Measure | 2021/22 (males) | 2022/23 (males) | 2022/23 (females)\n"
                + "".join(f"{stage} | {f} | {f} | 2\n".replace(f" | {f} | {f}", f" | 1 | {f}", 1) for stage, f in zip(stages, figures)))

    text = ("Office of the Police and Crime Commissioner for Essex\nDear Applicant,\n"
            "The Commissioner funded two programmes in 2022/23. Please see the tables below.\n"
            "Fresh Path\nFresh Path is a group programme delivered by Elm Foundation.\n"
            "Fresh Path – referrals and outcomes\n" + table(["41", "33", "20", "152", "118", "71"]) + "\n"
            "Steady Steps\nSteady Steps is a course for young men, delivered by Hartwell Trust.\n"
            "Steady Steps – referrals and outcomes\n" + table(["12", "10", "7", "36", "27", "15"]) + "\n"
            "Referring organisations\nOrganisation | Fresh Path | Steady Steps\nEssex Police | 90 | 20\n"
            "Essex County Council | 62 | 16\nTotal | 152 | 36\n\n"
            "Budget\nFresh Path is delivered under a contract worth £900,000 over three years, of which £300,000 relates to 2022/23.\n"
            "Steady Steps cost £48,500 in 2022/23.\nYours faithfully,\nGovernance Officer\n")
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert [funnel[("Fresh Path", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [152, 118, 71]
    assert [funnel[("Steady Steps", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [12, 10, 7]
    assert funnel[("Steady Steps", "agency_referred")][1] == 36  # not a referrer's row of the table below
    assert budgets["Fresh Path"][:2] == ("value", 300000.0) and budgets["Steady Steps"][:2] == ("value", 48500.0)


@pytest.mark.parametrize("top, nested", [("•", "–\t"), ("•", "    - "), ("-", "    o ")])
def test_programmes_as_bullets_with_their_figures_as_bullets_under_them(read, top, nested):
    """A letter in sentences that lists each programme as a bullet and its figures as bullets under it; a stage
    without a route has the route of the bullet above, and one bullet may give a stage and the ones after it."""
    def under(*lines: str) -> str:
        return "".join(f"{nested}{line}\n" for line in lines)

    text = ("Office of the Police and Crime Commissioner for Cumbria\nDear Requester,\n"
            "Rather than answer your questions one at a time, I have set out the position for each programme.\n"
            f"{top} Fresh Path (Carlisle and Barrow) – one-to-one work with high-harm perpetrators, delivered by Elm\n"
            "Foundation and commissioned jointly with the county council.\n"
            + under("Self-referrals: not applicable – the service takes agency referrals only", "Referred by agencies: 58",
                    "Accepted: 44", "Completed: 23*")
            + f"{top} Steady Steps – a 20-week group programme, delivered by Hartwell Trust.\n"
            + under("Self-referred: 31, of whom 25 were accepted and 12 completed", "Referred by agencies: 47, of whom 35 were accepted and 18 completed")
            + "* Cases closed after the planned intervention.\nReferring organisations\n"
            "Fresh Path takes referrals from Cumbria Constabulary only.\nYours sincerely,\nFOI Officer\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert {p["name"]: p["providers"] for p in ex.tables["programmes"]}["Steady Steps"] == ["Hartwell Trust"]
    assert funnel[("Fresh Path", "self_referred")][0] == "not_applicable"
    assert [funnel[("Fresh Path", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [58, 44, 23]
    assert [funnel[("Steady Steps", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [31, 25, 12]
    assert [funnel[("Steady Steps", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [47, 35, 18]


def test_a_data_sheet_of_programmes_under_route_headings_written_once_with_a_sheet_of_referrers_and_funders(read):
    text = ("Office of the Police and Crime Commissioner for Norfolk – FOI response data\n"
            "Programme | Delivered by | Self-referral | Referred by an agency | Budget 2022/23 (incl. running costs) | Scope\n"
            " |  | Referred | Accepted | Completed | Referred | Accepted | Completed |  | \n"
            "Fresh Path | Elm Foundation | 29 | 21 | 12 | 77 | 60 | 31 | 118400 | Group work for men\n"
            "Steady Steps | Hartwell Trust | n/a | n/a | n/a | 40 | 38 | 30 | 27250 | Two workshops after a caution\n"
            "Total |  | 29 | 21 | 12 | 117 | 98 | 61 | 145650 | \n\n"
            "Referrers and funders\n"
            "Programme | Organisations that made referrals (Q8) | Financial contributors (Q9)\n"
            "Fresh Path | Norfolk Constabulary; Probation Service | Norfolk PCC; Home Office\n"
            "Steady Steps | Norfolk Constabulary | Norfolk PCC\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert [funnel[("Fresh Path", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [29, 21, 12]
    assert funnel[("Steady Steps", "agency_completed")][1] == 30 and funnel[("Steady Steps", "self_referred")][0] == "not_applicable"
    assert budgets["Fresh Path"][:2] == ("value", 118400.0) and budgets["Steady Steps"][:2] == ("value", 27250.0)
    assert {(p, o) for p, o in referrers} == {("Fresh Path", "Norfolk Constabulary"), ("Fresh Path", "The Probation Service"),
                                               ("Steady Steps", "Norfolk Constabulary")}
    assert {(p, f) for p, f, _ in funders} >= {("Fresh Path", "Home Office"), ("Steady Steps", "Office of the Police and Crime Commissioner for Norfolk")}


def test_a_workbook_with_a_sheet_per_question_each_a_row_per_programme(read):
    """Each sheet is a question's heading over "| Programme | Number |"; referrers are a Yes/No matrix."""
    figures = {2: ("31", "Not applicable"), 3: ("22", "Not applicable"), 4: ("9 (provisional)", "Not applicable"),
               5: ("88", "41"), 6: ("70", "35"), 7: ("33", "<5")}
    titles = {2: "Males who self-referred", 3: "Self-referred males accepted", 4: "Self-referred males completed",
              5: "Males referred by an agency", 6: "Agency-referred males accepted", 7: "Agency-referred males completed"}
    sheets = "".join(f"Q{n}\nQ{n} – {titles[n]}\nProgramme | Number (males, 2022/23)\nFresh Path | {a}\nSteady Steps | {b}\n\n"
                     for n, (a, b) in figures.items())
    text = ("Q1\nQ1 – Name/Title/Scope of the commissioned programme\nProgramme | Provider | Scope\n"
            "Fresh Path | Elm Foundation | Group behaviour change work\nSteady Steps | Hartwell Trust | One-to-one work, agency referrals only\n\n"
            + sheets + "Q8\nQ8 – Organisations who made referrals\nOrganisation | Fresh Path | Steady Steps\n"
            "Durham Constabulary | Yes | Yes\nProbation Service | Yes | No\nMARAC | No | Yes\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert [funnel[("Fresh Path", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [31, 22, 9]
    assert [funnel[("Steady Steps", f"agency_{s}")][:2] for s in ("referred", "accepted")] == [("value", 41), ("value", 35)]
    assert funnel[("Steady Steps", "agency_completed")][0] == "suppressed" and funnel[("Steady Steps", "self_referred")][0] == "not_applicable"
    assert referrers == {("Fresh Path", "Durham Constabulary"), ("Fresh Path", "The Probation Service"),
                         ("Steady Steps", "Durham Constabulary"), ("Steady Steps", "MARAC")}


@pytest.mark.parametrize("line", ["question 10.", "questions 2 to 7 and", "request 3 as well"])
def test_a_question_named_in_lower_case_at_a_line_start_is_a_wrapped_sentence_not_a_label(line):
    from foi_pipeline.extract.segment import line_label
    from foi_pipeline.extract.spans import Span

    assert line_label(Span(0, len(line), line), False) is None
    assert line_label(Span(0, len(line.title()), line.title()), False) is not None  # "Question 10." heads an answer


@pytest.mark.parametrize("pointer", [
    "Please see the final column of Table 1.",
    "This is set out in the table above, in the column headed Budget.",
    "Refer to Annex A.",
])
def test_an_answer_that_points_to_a_table_lets_the_table_answer_it(read, pointer):
    text = ("Office of the Police and Crime Commissioner for Essex\nDear Requester,\n"
            "Table 1 – Programmes commissioned in 2022/23\n"
            "Programme | Provider | Funded by | Budget 2022/23\n"
            "Fresh Path | Elm Foundation | Home Office | £52,000\n"
            "Steady Steps | Hartwell Trust | Essex County Council | £18,500\n\n"
            "1. Name/Title/Scope of the commissioned programme\nThe two programmes are listed in Table 1.\n"
            "9. Financial Contributors\nSee Table 1.\n"
            f"10. Budget inclusive of Running Costs\n{pointer}\n"
            "Yours sincerely,\nFOI Officer\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert budgets["Fresh Path"][:2] == ("value", 52000.0) and budgets["Steady Steps"][:2] == ("value", 18500.0)
    assert {(p, f) for p, f, _ in funders} == {("Fresh Path", "Home Office"), ("Steady Steps", "Essex County Council")}
    assert not [r for r in ex.tables["review_queue"] if r["table_name"] == "budgets"]


def test_a_pointer_that_gives_its_own_amount_is_an_answer():
    from foi_pipeline.extract.reply import points_to_a_table
    from foi_pipeline.extract.spans import Span

    for body, points in [("Please see Table 1.", True), ("£45,000 in total; see Table 1 for the split.", False),
                         ("See Table 1: £45,000 in total.", False), ("The budget was £45,000.", False)]:
        assert points_to_a_table(Span(0, len(body), body)) is points, body


@pytest.mark.parametrize("heading, holds", [("Programme and scope", "programme"), ("Name / description", "programme"),
                                            ("Provider & contact", "provider"), ("Referrals and completions", None)])
def test_a_joined_column_heading_holds_what_its_first_heading_names(heading, holds):
    from foi_pipeline.extract.lexicon import column_holds

    assert column_holds(heading) == holds


def test_an_organisation_name_broken_inside_its_brackets_is_one_name():
    from foi_pipeline.extract.organisations import wraps_at

    text = "Children's Social Care (Cheshire East\nCouncil and Cheshire West)\nCheshire Police\n"
    assert wraps_at(text, text.index("\n"))
    assert not wraps_at(text, text.index("\n", text.index("\n") + 1))  # a closed bracket: the next line is a name


def test_a_letter_quoting_the_request_as_a_list_then_describing_each_programme_in_paragraphs(read, males_spec):
    """The quoted questions end in ";" and "; and", wrap onto lines of their own; the answers are paragraphs under
    each programme's name, a sentence's figures and amounts the paragraph's programme's."""
    quoted = "\n".join(f"({q.number}) {q.text};" if q.number != 9 else f"({q.number}) {q.text}; and"
                       for q in males_spec.questions if q.number)
    quoted = quoted.replace("into the programme;", "into the\nprogramme;")
    text = ("Office of the Police and Crime Commissioner for Kent\nDear Ms Doe,\nYour questions were as follows:\n"
            f"{quoted}\nThe Commissioner holds the information and I have set it out below, programme by programme.\n"
            "Fresh Path\n"
            "Fresh Path is a group programme for men who have used abusive behaviour, delivered by Elm Foundation\n"
            "for the Commissioner. During the year 40 men referred themselves, of whom 31 were accepted and 12 have\n"
            "completed it. A further 75 men were referred by agencies; 60 of them were accepted and 22 completed.\n"
            "The cost of Fresh Path in 2022/23, inclusive of running costs, was £84,250.50.\n\n"
            "Steady Steps\n"
            "Steady Steps is a one-to-one intervention for men referred by the probation service; it takes no self-\n"
            "referrals. Agencies referred 18 men, 15 were accepted and 9 have completed. It is funded by the Home\n"
            "Office. The annual budget, inclusive of running costs, is £30,000; the three-year contract is worth the\n"
            "budget, inclusive of running costs, £90,000 in total over 2022 to 2025.\n"
            "Yours sincerely,\nFOI Officer\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert [funnel[("Fresh Path", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [40, 31, 12]
    assert [funnel[("Fresh Path", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [75, 60, 22]
    assert [funnel[("Steady Steps", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [18, 15, 9]
    assert budgets["Fresh Path"][:2] == ("value", 84250.5) and budgets["Steady Steps"][:2] == ("value", 30000.0)
    assert not any(a["answer_text"] for a in ex.tables["answers"])  # the quoted questions answer nothing


@pytest.mark.parametrize("clause, count", [("During the year 88 men referred themselves", 88), ("Over the year 40 men completed", 40),
                                           ("Quarter 2: 12", 12), ("in year 2 of the contract", None)])
def test_a_period_before_a_figure_is_not_the_figure_s_label(clause, count):
    from foi_pipeline.extract.quantities import read_count

    assert read_count(clause).count == count


def test_sentences_end_at_a_stop_before_a_space_not_inside_an_amount_or_an_address():
    from foi_pipeline.extract.programmes import sentences
    from foi_pipeline.extract.spans import Span

    text = "The cost was £209,332.78. A summary is at www.example.org.uk/report. Figures are provisional!"
    assert [s.text for s in sentences(Span(0, len(text), text))] == [
        "The cost was £209,332.78.", "A summary is at www.example.org.uk/report.", "Figures are provisional!"]


@pytest.mark.parametrize("figures_heading", ["Number", "Count", "Figure"])
def test_a_programme_named_in_the_letter_over_a_table_of_its_figures_headed_number(read, males_spec, figures_heading):
    """The letter names its one programme in a sentence, then gives its figures as "| Qn. ... | Number |": the
    column of figures is no programme; referrals "to X were made by" a list."""
    quoted = "\n".join(f"{q.number}. {q.text}" for q in males_spec.questions if q.number)
    text = ("Office of the Police and Crime Commissioner for Kent\nDear Mr Roe,\nYou asked:\n" + quoted + "\nOur response\n"
            "The Commissioner funds one programme, the Turning Point programme (TP), delivered by Elm Foundation.\n"
            f"TP – men, 1 April 2022 to 31 March 2023 | {figures_heading}\n"
            "Q2. Males who self-referred | 14\nQ3. Self-referred males accepted | 11\nQ4. Self-referred males who completed | 6\n"
            "Q5. Males referred by an agency | 52\nQ6. Agency-referred males accepted | 40\nQ7. Agency-referred males who completed | 21\n"
            "Question 8 – referring organisations\n"
            "Referrals to TP were made by Kent Police, Medway Council Children’s Services and the Probation Service.\n"
            "Questions 9 and 10 – funding and budget\nTP is funded by the Commissioner. The 2022/23 budget was £61k.\n"
            "Yours sincerely,\nFOI Officer\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert len(names) == 1 and figures_heading not in names.values()
    (name,) = names.values()
    assert [funnel[(name, f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [52, 40, 21]
    assert {o for _, o in referrers} == {"Kent Police", "Medway Council Children’s Services", "The Probation Service"}
    assert budgets[name][:2] == ("value", 61000.0)


def test_a_second_programme_named_in_passing_that_labels_the_answers_and_a_list_numbered_again(read):
    """The scope answer describes a second programme mid-paragraph; the answers label figures "A: 12. B: 7." or say
    "B does not accept ..."; after question 8 the list starts again at 1 for the funders and the budget."""
    text = ("Office of the Police and Crime Commissioner for Essex\nDear Requester,\nOur answers are set out below.\n\n"
            "1. Fresh Path – a 24-week group programme for men, delivered by Elm Foundation. Steady Steps – an intensive "
            "one-to-one intervention for high-harm perpetrators, delivered by Hartwell Trust.\n\n"
            "2. Fresh Path: 31. Steady Steps does not accept self-referrals.\n\n3. Fresh Path: 22.\n\n4. Fresh Path: 9.\n\n"
            "5. Fresh Path: 88. Steady Steps: 41.\n\n6. Fresh Path: 70. Steady Steps: 35.\n\n7. Fresh Path: 33. Steady Steps: 19.\n\n"
            "8. Fresh Path – Essex Police and the Probation Service. Steady Steps – Essex Police only.\n\n"
            "1. Fresh Path is funded by the PCC. Steady Steps is funded by the Home Office.\n\n"
            "2. Fresh Path: £120,000. Steady Steps: £64,500.\n\nYours sincerely,\nFOI Officer\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert funnel[("Steady Steps", "self_referred")][0] == "not_applicable"
    assert [funnel[("Steady Steps", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [41, 35, 19]
    assert [funnel[("Fresh Path", f"self_{s}")][1] for s in ("referred", "accepted", "completed")] == [31, 22, 9]
    assert budgets["Fresh Path"][:2] == ("value", 120000.0) and budgets["Steady Steps"][:2] == ("value", 64500.0)
    assert ("Steady Steps", "Home Office") in {(p, f) for p, f, _ in funders}


def test_a_list_quoted_in_one_style_and_answered_in_another_is_not_numbered_again():
    """"1." to "7." quoting the request, then "Q1" ... answering it: a new style of label, not a list started again."""
    from foi_pipeline.extract.align import align
    from foi_pipeline.extract.segment import segment
    from foi_pipeline.specs import load_requests

    spec = next(s for s in load_requests() if s.default)
    text = ("You asked:\n1. Name of the programe\n2. Males who self refered\n3. Males refered by an agency\n"
            "4. Organisations which made a referal\n5. Financial contibutors\n\n"
            "Q1\nThe OPCC funded one intervention, Fresh Path, with partners.\n\nQ2\n31\n")
    seg = segment(text, spec)
    align(seg.blocks, spec, seg.lettered)
    q1 = next(b for b in seg.blocks if b.label is not None and b.label.text.startswith("Q1"))
    assert [q.key for q in q1.questions] == ["programme_scope"]


@pytest.mark.parametrize("name, is_name", [("GBP 180", False), ("£45", False), ("Inspire to Change", True), ("Project 180", True)])
def test_an_amount_is_no_programme_name(name, is_name):
    from foi_pipeline.extract.programmes import looks_like_name

    assert looks_like_name(name) is is_name


def test_a_table_per_programme_whose_last_row_is_its_budget(read):
    text = ("Office of the Police and Crime Commissioner for Kent\nDear Researcher,\n"
            "The Commissioner funds two programmes. The information for each is in a table below.\n"
            "Table 1: Fresh Path\nA group programme delivered by Elm Foundation.\n"
            " | Self-referral | Agency referral\nNumber referred | 12 | 40\nNumber accepted | 9 | 31\nNumber completed | 4 | 20\n"
            "Budget inclusive of running costs | £84,000 for the whole service | \n\n"
            "Table 2: Steady Steps\nA one-to-one intervention delivered by Hartwell Trust.\n"
            " | Self-referral | Agency referral\nNumber referred | n/a | 18\nNumber accepted | n/a | 15\nNumber completed | n/a | 9\n"
            "Budget inclusive of running costs | | £30,500\n\nYours sincerely,\nFOI Officer\n")
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Path", "Steady Steps"]
    assert [funnel[("Steady Steps", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [18, 15, 9]
    assert budgets["Fresh Path"][:2] == ("value", 84000.0) and budgets["Steady Steps"][:2] == ("value", 30500.0)


def test_a_letter_in_run_in_paragraphs_that_holds_no_link_still_holds_the_information(read):
    text = ("Office of the Police and Crime Commissioner for Kent\nDear Ms Doe,\nRather than answer each question separately, "
            "I have set out the position below.\n"
            "The programme. The Commissioner funds a single programme, Fresh Path, which is open to men aged 18 and over.\n"
            "Referrals and outcomes. During the year twenty men referred themselves, of whom twelve were accepted. Agencies "
            "referred 64 men, of whom 50 were accepted and 31 completed.\n"
            "Who referred. Agency referrals came from Kent Police, the Probation Service and Elm Tree Support Service.\n"
            "Evaluation. The programme has not been evaluated and we do not hold a link to any evaluation.\n"
            "Yours sincerely,\nFOI Officer\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert ex.metadata["information_status"] == "held"
    assert list(names.values()) == ["Fresh Path"]  # the referrer ending in "Service" is no programme
    assert [funnel[("Fresh Path", f"agency_{s}")][1] for s in ("referred", "accepted", "completed")] == [64, 50, 31]
    assert "Elm Tree Support Service" in {o for _, o in referrers}


_REQUEST = """Please provide the following information for your Domestic Abuse Perpetrator Programme for the 2022/2023 Financial Year
1. The Name/Title/Scope of the commissioned programme in your area
2. The total number of males who self-referred into the programme
3. The total number of self-referred males who were accepted onto the programme
4. The total number of self-referred males who have completed the programme
5. The total number of males referred by an agency (e.g., police, social service etc.) into the programme
6. The total number of referred males who were accepted on to the programme
7. The total number of referred males who have completed the programme
8. The names of the organisations who have made a referral to the programme
Link to evaluation of programme efficacy:
9. Financial Contributors: (Inclusive of Statutory, Non-Statutory Organisations and individual voluntary donations)
10. Budget inclusive of Running Costs
"""


def test_titles_with_bracketed_question_numbers_and_a_table_of_route_sections(read):
    """"Budget (question 10): ..." headings; a table whose section rows name the route over stage rows tagged (Q3)."""
    text = (_REQUEST + "Our response\n"
            "Programme (question 1): The Commissioner funds 'Fresh Start', a group programme for men, delivered by Acme Trust.\n"
            "Referrals and outcomes (questions 2 to 7): the figures requested are below; last year's are for comparison.\n"
            "Males | 2022/23 | 2021/22 (comparison)\n"
            "Self-referrals |  | \n"
            "Came forward (Q2) | 21 | 17\n"
            "Accepted (Q3) | 15 | 11\n"
            "Completed (Q4) | 8 | 6\n"
            "Agency referrals |  | \n"
            "Referred (Q5) | 77 | 70\n"
            "Accepted (Q6) | 51 | 49\n"
            "Completed (Q7) | 30 | 25\n"
            "Budget (question 10): The budget for 2022/23 was £88,000 (2021/22: £80,000).\n")
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert list(names.values()) == ["Fresh Start"]
    got = {slot: funnel[("Fresh Start", slot)][1] for slot in
           ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")}
    assert got == {"self_referred": 21, "self_accepted": 15, "self_completed": 8,
                   "agency_referred": 77, "agency_accepted": 51, "agency_completed": 30}
    assert budgets["Fresh Start"][:2] == ("value", 88000.0)


def test_a_workbook_whose_cover_indexes_the_sheets_that_answer(read):
    """A cover sheet listing which sheet answers which question, its right of appeal, then the sheets: the sheets
    are the answers; a budget row under programme columns gives each its budget, and is no funder."""
    text = ("Cover\n" + _REQUEST +
            "Response | The answers are on the following sheets:\n"
            "Q1 - sheet 'Q1 Programmes'\nQ2-Q7 - sheet 'Q2-7 Figures'\nQ9-Q10 - sheet 'Q9-10 Money'\n"
            "Right of appeal | You may ask for an internal review within 40 working days.\n\n"
            "Q1 Programmes\nProgramme | Provider\nFresh Start | Acme Trust\nSafe Paths | Acme Trust\n\n"
            "Q2-7 Figures\nQ | Measure | Fresh Start | Safe Paths\n"
            "2 | Self-referrals received | 12 | n/a\n3 | Self-referrals accepted | 9 | n/a\n4 | Self-referrals completed | 4 | n/a\n"
            "5 | Agency referrals received | 40 | 22\n6 | Agency referrals accepted | 31 | 20\n7 | Agency referrals completed | 18 | 11\n\n"
            "Q9-10 Money\nQ9 Financial contributors and Q10 budget\nContributor | Fresh Start | Safe Paths\n"
            "Office of the Police and Crime Commissioner for Kent | 60000 | 25000\nKent County Council | 15000 | \n"
            "Budget incl. running costs | 75000 | 25000\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Start", "Safe Paths"]
    assert funnel[("Fresh Start", "self_referred")][1] == 12 and funnel[("Safe Paths", "agency_completed")][1] == 11
    assert funnel[("Safe Paths", "self_referred")][0] == "not_applicable"
    assert budgets["Fresh Start"][:2] == ("value", 75000.0) and budgets["Safe Paths"][:2] == ("value", 25000.0)
    assert {f[1] for f in funders} == {"Office of the Police and Crime Commissioner for Kent", "Kent County Council"}


def test_a_table_of_programmes_figures_adds_the_programme_the_scope_named_in_passing(read):
    """The scope answer names one programme; the table of figures has a row for a second, its provider in brackets.
    Route words in the column headings do not make it a table of one programme's stages."""
    text = (_REQUEST + "Question 1 - Name and scope\nFresh Start is a group programme for men. The caution course "
            "is a condition of a caution.\n"
            "Questions 2 to 7 - Referrals, acceptances and completions\n"
            "Programme | Q2 Self-referrals | Q3 Self-referrals accepted | Q4 Self-referrals completed | Q5 Agency referrals | "
            "Q6 Agency referrals accepted | Q7 Agency referrals completed\n"
            "Fresh Start (Acme Trust) | 30 | 20 | 10 | 100 | 80 | 40\n"
            "Kent Caution Course (The Hampton Trust) | N/A | N/A | N/A | 60 | 55 | 50\n"
            "Total | 30 | 20 | 10 | 160 | 135 | 90\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["Fresh Start", "Kent Caution Course"]
    assert funnel[("Fresh Start", "agency_referred")][1] == 100 and funnel[("Kent Caution Course", "agency_completed")][1] == 50
    assert funnel[("Kent Caution Course", "self_referred")][0] == "not_applicable"
    providers = {p["name"]: p["providers"] for p in ex.tables["programmes"]}
    assert providers == {"Fresh Start": ["Acme Trust"], "Kent Caution Course": ["The Hampton Trust"]}


def test_a_letter_in_sentences_where_both_were_accepted_and_one_of_them_completed(read):
    text = (_REQUEST + "The programme commissioned is called Fresh Start. It is delivered by Acme Trust.\n\n"
            "During 2022/23 three men referred themselves into the programme. All three were accepted onto it and one "
            "of them has completed it. A further forty men were referred by agencies, of whom thirty were accepted and "
            "twenty have completed.\n\nThe budget was £50,000.\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    p = "Fresh Start"
    assert [funnel[(p, s)][1] for s in ("self_referred", "self_accepted", "self_completed")] == [3, 3, 1]
    assert [funnel[(p, s)][1] for s in ("agency_referred", "agency_accepted", "agency_completed")] == [40, 30, 20]


def test_a_question_table_per_programme_under_captions_then_answers_about_both(read):
    """Question 1 describes both programmes, each then has its own "Question | Figure" table under a caption, and
    the answers after the tables speak of both; one programme's referrers are refused on cost, the other's given."""
    table = "Question | Figure\n2. Males who self-referred | {0}\n3. Self-referred males accepted | {1}\n" \
            "4. Self-referred males completed | {2}\n5. Males referred by an agency | {3}\n" \
            "6. Agency-referred males accepted | {4}\n7. Agency-referred males completed | {5}\n" \
            "10. Budget inclusive of running costs | {6}\n"
    text = (_REQUEST + "Question 1 – programmes\n"
            "New Horizons is a group programme for men, delivered by Kent County Council's family service.\n"
            "Safe Paths is a short course attached to a caution, delivered by Acme Trust.\n"
            "Table 1: New Horizons (2022/23)\n" + table.format(20, 15, 9, 60, 44, 30, "£90,000") +
            "\nTable 2: Safe Paths (2022/23)\n" + table.format("N/A", "N/A", "N/A", 40, 38, 35, "£20k") +
            "\nQuestion 8 – referring organisations\nSafe Paths: all referrals were made by Kent Police.\n"
            "New Horizons: identifying each referrer would exceed the cost limit under section 12, so it is refused.\n"
            "Question 9 – financial contributors\nNew Horizons is funded by the Home Office. Safe Paths is funded by Kent County Council.\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["New Horizons", "Safe Paths"]
    assert funnel[("New Horizons", "self_referred")][1] == 20 and funnel[("Safe Paths", "agency_completed")][1] == 35
    assert funnel[("Safe Paths", "self_referred")][0] == "not_applicable"
    assert budgets["New Horizons"][:2] == ("value", 90000.0) and budgets["Safe Paths"][:2] == ("value", 20000.0)
    assert referrers == {("Safe Paths", "Kent Police")}
    assert {(f[0], f[1]) for f in funders} == {("New Horizons", "Home Office"), ("Safe Paths", "Kent County Council")}
    providers = {p["name"]: p["providers"] for p in ex.tables["programmes"]}
    assert providers == {"New Horizons": ["Kent County Council"], "Safe Paths": ["Acme Trust"]}


def test_a_workbook_of_programme_columns_and_a_funding_sheet_with_a_programme_column(read):
    """A data sheet a column per programme (its "Provider" row says who delivers each), and a funding sheet a row per
    funder and programme whose budget rows keep their label only on the first (the cell merged down)."""
    text = ("Cover\n" + _REQUEST + "Notes\n1 | Figures are on the 'Data' sheet, funding on the 'Funding' sheet.\n\n"
            "Data\nMeasure (2022/23) | New Horizons | Safe Paths | Total\n"
            "Provider | Acme Trust | Kent Change CIC (licensee) | \n"
            "Q2 Self-referred | 12 | N/A | 12\nQ3 Self-referred – accepted | 9 | N/A | 9\nQ4 Self-referred – completed | 4 | N/A | 4\n"
            "Q5 Agency referred | 40 | 22 | 62\nQ6 Agency referred – accepted | 31 | 20 | 51\nQ7 Agency referred – completed | 18 | 11 | 29\n\n"
            "Funding\nFunder | Programme | 2022/23 contribution (£) | Type\n"
            "Office of the Police and Crime Commissioner for Kent | New Horizons | 60000 | Statutory\n"
            "Kent County Council | Safe Paths | 25000 | Statutory (in kind)\n"
            "Budget inclusive of running costs | New Horizons | 60000 | \n | Safe Paths | 25000 | \nTotal |  | 85000 | \n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["New Horizons", "Safe Paths"]
    assert budgets["New Horizons"][:2] == ("value", 60000.0) and budgets["Safe Paths"][:2] == ("value", 25000.0)
    assert funders == {("New Horizons", "Office of the Police and Crime Commissioner for Kent", "unknown"),
                       ("Safe Paths", "Kent County Council", "in_kind")}
    providers = {p["name"]: p["providers"] for p in ex.tables["programmes"]}
    assert providers == {"New Horizons": ["Acme Trust"], "Safe Paths": ["Kent Change CIC"]}


def test_a_programme_named_with_one_to_one_in_figures_labels_its_answers(read):
    text = (_REQUEST + "Our response is below.\n1. Name/Title/Scope of the commissioned programme\n"
            "Circles of Change: a group programme for men.\nSafe Steps 1:1: a one-to-one programme for men.\n"
            "2. Males who self-referred\nCircles of Change: 27.\nSafe Steps 1:1: 9.\n"
            "5. Males referred by an agency\nCircles of Change: 134.\nSafe Steps 1:1: 48.\n"
            "8. Organisations making referrals\nCircles of Change: Kent Police.\n"
            "Safe Steps 1:1: referrals are accepted from Kent Police and the Probation Service only.\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert sorted(names.values()) == ["Circles of Change", "Safe Steps 1:1"]
    assert funnel[("Safe Steps 1:1", "self_referred")][1] == 9 and funnel[("Safe Steps 1:1", "agency_referred")][1] == 48
    assert {r[1] for r in referrers if r[0] == "Safe Steps 1:1"} == {"Kent Police", "The Probation Service"}


def test_answers_numbered_by_route_not_by_question(read):
    """Answers numbered 1 to 7 where the request has 10: one numbered answer per route gives all its stages, and the
    later numbers answer referrers, evaluation, funders and budget by what they say."""
    text = ("Dear Requester,\nPlease find our response below.\n"
            "1. The Commissioner funds New Horizons, a behaviour-change programme for men delivered by Acme Trust.\n"
            "2. Self-referrals: 57 men self-referred; 40 were accepted on to the programme and 22 completed it.\n"
            "3. Agency referrals: 203 men were referred by an agency; 139 were accepted and 77 completed. A further\n"
            "31 men accepted in 2022/23 were still attending at 31 March 2023.\n"
            "4. The provider records the referral source. The named organisations were Kent Police and Medway Council. "
            "The names of the other organisations are not held.\n"
            "5. No formal evaluation has been commissioned.\n"
            "6. The programme was funded by the Home Office. There were no voluntary donations.\n"
            "7. The budget for 2022/23 was £210,000 (incl. VAT).\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    p = "New Horizons"
    assert [funnel[(p, s)][1] for s in ("self_referred", "self_accepted", "self_completed")] == [57, 40, 22]
    assert [funnel[(p, s)][1] for s in ("agency_referred", "agency_accepted", "agency_completed")] == [203, 139, 77]
    assert {r[1] for r in referrers} == {"Kent Police", "Medway Council"}
    assert budgets[p][:2] == ("value", 210000.0)
    assert {f[1] for f in funders} == {"Home Office"}


def test_a_question_table_row_for_every_stage_of_a_route_with_stage_labels(read):
    text = ("Dear Requester,\nOur response to each part is set out in the table below.\n"
            "No. | Your question | Our response\n"
            "1 | Name/Title/Scope of the commissioned programme | The OPCC commissions New Horizons, a group programme.\n"
            "2 | Self-referrals: number referred / accepted / completed | Referred: 23 Accepted: 14 Completed: 9\n"
            "3 | Agency referrals: number referred / accepted / completed | Referred: 187 Accepted: 122 Completed: 68\n"
            "4 | Organisations making referrals | Kent Police; Medway Council\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    p = "New Horizons"
    assert [funnel[(p, s)][1] for s in ("self_referred", "self_accepted", "self_completed")] == [23, 14, 9]
    assert [funnel[(p, s)][1] for s in ("agency_referred", "agency_accepted", "agency_completed")] == [187, 122, 68]


def test_tables_of_referrers_and_funders_with_merged_programme_cells_and_prose_around(read):
    text = (_REQUEST + "Our response\nQuestion 1 – programmes\nNew Horizons – a group programme.\nSafe Paths – a one-to-one course.\n"
            "Question 8 – Organisations that made a referral\n"
            "Table 2 lists each organisation that made a referral, with the number it made to each programme.\n"
            "Referring organisation | New Horizons | Safe Paths\nKent Police | 31 | 29\nMedway Council | 9 | -\n"
            "Total agency referrals | 40 | 29\n"
            "Question 9 – Financial contributors\nProgramme | Funder | Contribution 2022/23\n"
            "New Horizons | Home Office | £120,000\n | Kent County Council | £66,400\nSafe Paths | Home Office | £90,000\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert referrers == {("New Horizons", "Kent Police"), ("Safe Paths", "Kent Police"), ("New Horizons", "Medway Council")}
    assert {(f[0], f[1]) for f in funders} == {("New Horizons", "Home Office"), ("New Horizons", "Kent County Council"),
                                               ("Safe Paths", "Home Office")}


def test_amounts_before_the_programmes_they_are_for_with_a_name_wrapped_and_a_combined_total(read):
    text = (_REQUEST + "Our response\nQuestion 1 – programmes\nNew Horizons North Kent – a group programme.\n"
            "Safe Paths – a one-to-one course.\nQuestion 10 – Budget inclusive of running costs\n"
            "The 2022/23 budget, inclusive of staffing, venue and running costs, was £186,400 for New Horizons North\n"
            "Kent and £142,000 for Safe Paths (combined £328,400).\n")
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert budgets["New Horizons North Kent"][:2] == ("value", 186400.0) and budgets["Safe Paths"][:2] == ("value", 142000.0)


def test_stage_lines_under_a_heading_for_a_range_of_questions(read):
    text = (_REQUEST + "Response\nThe OPCC holds the information.\nProgramme\nName: New Horizons\n\n"
            "Self-referrals (questions 2–4)\n\nSelf-referred: Around 30\nAccepted: 21\nCompleted: 12\n\n"
            "Agency referrals (questions 5–7)\n\nReferred by an agency: 145\nAccepted: approx. 100\nCompleted: approx. 60\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    p = "New Horizons"
    assert [funnel[(p, s)][1] for s in ("self_referred", "self_accepted", "self_completed")] == [30, 21, 12]
    assert [funnel[(p, s)][1:] for s in ("agency_referred", "agency_accepted", "agency_completed")] == [
        (145, "exact"), (100, "approx"), (60, "approx")]


def test_a_reply_that_answers_but_withholds_one_answer_is_partly_held(read):
    text = (_REQUEST + "Our response\n1. New Horizons, a group programme.\n2. 12\n3. 9\n4. 4\n5. 40\n6. 31\n7. 18\n"
            "8. Kent Police.\n9. Home Office.\n10. The budget is withheld under section 43(2) (commercial interests).\n")
    ex, *_ = read(text, is_file=False)
    assert ex.metadata["information_status"] == "partly_held"
    assert any(r["table_name"] == "documents" and r["field"] == "information_status" for r in ex.tables["review_queue"])


def test_a_table_per_programme_each_under_a_counted_line_and_a_title_row(read):
    rows = "Q2 Self-referrals received | {0}\nQ3 Self-referrals accepted | {1}\nQ4 Self-referrals completed | {2}\n" \
           "Q5 Agency referrals received | {3}\nQ6 Agency referrals accepted | {4}\nQ7 Agency referrals completed | {5}\n" \
           "Q10 Budget | {6}\n"
    text = ("Dear Requester,\nThe OPCC commissions two interventions. Figures for each are given in a separate table below.\n"
            "Programme A\nNew Horizons (Domestic Abuse | Behaviour Change Programme)\n"
            "Scope | A group programme delivered by Acme Trust.\n" + rows.format(64, 41, 22, 310, 190, 87, "£400,000") +
            "Programme B\nSafe Paths (SP) | \nScope | A one-to-one course delivered by Kent Change CIC.\n" +
            rows.format("N/A", "N/A", "N/A", 27, 19, 8, "£45k"))
    ex, names, funnel, budgets, *_ = read(text, is_file=False)
    assert sorted(names.values()) == ["New Horizons", "SP"]
    assert funnel[("New Horizons", "agency_referred")][1] == 310 and funnel[("SP", "agency_completed")][1] == 8
    assert budgets["SP"][:2] == ("value", 45000.0)


def test_scope_that_points_to_the_letters_list_above_with_indented_wrapped_items(read):
    text = (_REQUEST + "\nIn 2022/23 the PFCC commissioned two perpetrator programmes:\n\n"
            "  (A) The Kent Perpetrator Programme (KPP) - a countywide group and one-to-one programme delivered by Beacon\n"
            "      Behaviour Change Ltd across Kent and Medway.\n"
            "  (B) Make the Change - a 10-week voluntary course for men, delivered by The Wellspring Partnership.\n\n"
            "Q1. Name/Title/Scope\n     See above.\n\nQ2. Self-referrals\n     12\n")
    ex, names, *_ = read(text, is_file=False)
    providers = {p["name"]: p["providers"] for p in ex.tables["programmes"]}
    assert providers == {"KPP": ["Beacon Behaviour Change Ltd"], "Make the Change": ["The Wellspring Partnership"]}


def test_a_workbook_cover_naming_its_sheets_and_a_sheet_of_one_programmes_fields(read):
    text = ("Cover\nThe Combined Authority holds the information and it is provided in this workbook:\n"
            "• 'Programme' – name, scope and provider (Q1)\n• 'Funding' – Q9 and Q10\n"
            "Internal review: if you are unhappy with this response you can ask for an internal review within 40 working days.\n\n"
            "Programme\nField | Detail\nProgramme name | Rebuild\nFull title | Rebuild – Kent Domestic Abuse Perpetrator Programme\n"
            "Provider | White Rose Behaviour Change CIC\nScope | A group programme for men.\n\n"
            "Funding\nQ9 – Financial contributor | Type | 2022/23 (£)\nHome Office | Statutory | 180000\nKent County Council | Statutory | 50000\n")
    ex, names, funnel, budgets, funders, referrers = read(text, is_file=False)
    assert list(names.values()) == ["Rebuild"]
    assert ex.tables["programmes"][0]["providers"] == ["White Rose Behaviour Change CIC"]


def test_a_star_takes_its_upper_bound_from_the_letters_note_below_the_table(read):
    text = (_REQUEST + "Our response to each part is in the table below.\nNo. | Your question | Our response\n"
            "1 | Name/Title/Scope of the commissioned programme | The OPCC commissions New Horizons, a group programme.\n"
            "2 | Self-referrals: number referred / accepted / completed | Referred: 23 Accepted: 14 Completed: *\n"
            "* Numbers below 10 have been suppressed to reduce the risk of identifying individuals.\n")
    ex, names, funnel, *_ = read(text, is_file=False)
    row = next(r for r in ex.tables["funnel_counts"] if r["route"] == "self" and r["stage"] == "completed")
    assert row["status"] == "suppressed" and row["count_high"] == 9
