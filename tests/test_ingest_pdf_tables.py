"""Tables in PDF replies read as a Word table does: one line a row, cells joined with ' | ', a wrapped cell one line.

Every PDF here is made in the test: tables drawn by fpdf2's table() (ruled, or without borders), lines drawn by
hand, text placed by hand in columns; and plain prose, which must read exactly as it did before tables were laid
out.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi_pipeline.ingest import pdf as pdf_module
from foi_pipeline.ingest.pdf import PAGE_BREAK, pdf_to_text
from foi_pipeline.ingest.pdf_layout import Rule, Word, find_tables, group_lines, join_cell

STAGES = ("Programme", "Self-referred", "Self-referred accepted", "Self-referred completed",
          "Agency referred", "Agency accepted", "Agency completed")


def _pdf(font_size: float = 10) -> FPDF:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=font_size)
    return pdf


def _table(pdf: FPDF, rows: list[tuple[str, ...]], **options) -> None:
    with pdf.table(**options) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)


def _lines(text: str) -> list[str]:
    return text.splitlines()


# --- ruled tables drawn by fpdf2 ---------------------------------------------------------------------------------


def test_programme_by_stage_table_with_a_two_line_header_and_a_wrapped_cell():
    pdf = _pdf()
    pdf.multi_cell(0, 5, "2 - 7. Referrals, acceptances and completions", new_x="LMARGIN", new_y="NEXT")
    _table(pdf, [STAGES, ("SBCP", "64", "49", "27", "139", "101", "58"),
                 ("RISE", "N/A", "N/A", "N/A", "33", "29", "c. 17 (three cases awaiting review)")],
           col_widths=(2, 1, 1, 1, 1, 1, 1))
    pdf.multi_cell(0, 5, "N/A - RISE is not a self-referral service.", new_x="LMARGIN", new_y="NEXT")
    text = pdf_to_text(bytes(pdf.output()))
    assert _lines(text) == [
        "2 - 7. Referrals, acceptances and completions",
        " | ".join(STAGES),
        "SBCP | 64 | 49 | 27 | 139 | 101 | 58",
        "RISE | N/A | N/A | N/A | 33 | 29 | c. 17 (three cases awaiting review)",
        "N/A - RISE is not a self-referral service.",
    ]


def test_the_header_really_wraps_in_the_text_layer_before_it_is_laid_out(monkeypatch):
    """The test above means something only if pdfium alone tears the header apart."""
    pdf = _pdf()
    _table(pdf, [STAGES, ("SBCP", "64", "49", "27", "139", "101", "58")], col_widths=(2, 1, 1, 1, 1, 1, 1))
    monkeypatch.setattr(pdf_module, "find_tables", lambda words, rules: [])
    lines = _lines(pdf_to_text(bytes(pdf.output())))
    assert "referred" in lines and " | ".join(STAGES) not in lines


def test_question_by_programme_table_whose_row_labels_wrap_over_three_lines():
    pdf = _pdf()
    rows = [("Question", "Reframe", "STRIVE"),
            ("5. Males referred to the programme by an agency in the year to March 2023", "212", "48"),
            ("7. Agency-referred males who completed the programme in the year", "77",
             "* (case closures recorded as successful completion)")]
    _table(pdf, rows, col_widths=(1, 1, 1))
    lines = _lines(pdf_to_text(bytes(pdf.output())))
    assert lines == [" | ".join(row) for row in rows]


def test_a_fully_ruled_table_whose_every_cell_wraps_keeps_one_row_between_rules():
    pdf = _pdf()
    rows = [("Question", "Reframe", "STRIVE"),
            ("8. Organisations making referrals", "Avon and Somerset Constabulary; Bristol City Council Children's "
             "Services; GP practices", "Avon and Somerset Constabulary (via the Integrated Offender Management teams)"),
            ("9. Financial contributors", "Office of the Police and Crime Commissioner; Bristol City Council",
             "Home Office (Domestic Abuse Perpetrator Intervention Fund)"),
            ("10. Budget inclusive of running costs", "£312,400 for 2022/23", "£268,950 for 2022/23")]
    _table(pdf, rows, col_widths=(1, 2, 2), v_align="TOP")
    assert _lines(pdf_to_text(bytes(pdf.output()))) == [" | ".join(row) for row in rows]


def test_a_table_that_goes_on_to_page_two_keeps_its_repeated_header_once_on_each_page():
    pdf = _pdf()
    pdf.multi_cell(0, 5, "Table 2 - Agency referrals by referring organisation", new_x="LMARGIN", new_y="NEXT")
    header = ("Referring organisation", "Drive", "Change Hub")
    body = [(f"Borough Council number {n} (children's services and early help)", str(n), str(n % 7)) for n in range(1, 41)]
    _table(pdf, [header, *body], col_widths=(3, 1, 1))
    text = pdf_to_text(bytes(pdf.output()))
    pages = text.split(PAGE_BREAK)
    assert len(pages) == 2
    first, second = _lines(pages[0]), _lines(pages[1])
    joined_header = " | ".join(header)
    assert first[:2] == ["Table 2 - Agency referrals by referring organisation", joined_header]
    assert second[0] == joined_header
    assert first.count(joined_header) == 1 and second.count(joined_header) == 1
    rows = first[2:] + second[1:]
    assert rows == [" | ".join(row) for row in body]  # every row once, in order, none merged across the break


def test_a_ruled_table_with_rules_only_round_it_and_under_the_header_takes_its_rows_from_the_lines():
    pdf = _pdf()
    rows = [("Stage", "Drive", "Change Hub"), ("Self-referred", "12", "N/A"), ("Referred by an agency", "84", "23"),
            ("Agency referrals completed", "27", "fewer than 5")]
    _table(pdf, rows, borders_layout="NO_HORIZONTAL_LINES")
    assert _lines(pdf_to_text(bytes(pdf.output()))) == [" | ".join(row) for row in rows]


# --- tables drawn by hand ----------------------------------------------------------------------------------------


def _hand_ruled(pdf: FPDF, x: list[float], y: list[float], cells: dict[tuple[int, int], list[str]]) -> None:
    """Rules drawn as single lines (not rectangles), and each cell's lines of text placed by hand."""
    for xi in x:
        pdf.line(xi, y[0], xi, y[-1])
    for yi in y:
        pdf.line(x[0], yi, x[-1], yi)
    for (row, col), lines in cells.items():
        for n, line in enumerate(lines):
            pdf.text(x[col] + 1.5, y[row] + 4.5 + 4.5 * n, line)


def test_a_table_ruled_by_hand_with_lines_reads_by_its_rules():
    pdf = _pdf()
    pdf.text(20, 20, "Figures for 2022/23 are below.")
    _hand_ruled(pdf, [20, 80, 120, 160], [30, 41, 47, 58], {
        (0, 0): ["Programme"], (0, 1): ["Self-", "referred"], (0, 2): ["Agency", "referred"],
        (1, 0): ["Drive"], (1, 1): ["N/A"], (1, 2): ["84"],
        (2, 0): ["Change Hub (men and", "women)"], (2, 1): ["17"], (2, 2): ["23"],
    })
    pdf.text(20, 70, "Yours sincerely")
    assert _lines(pdf_to_text(bytes(pdf.output()))) == [
        "Figures for 2022/23 are below.",
        "Programme | Self-referred | Agency referred",
        "Drive | N/A | 84",
        "Change Hub (men and women) | 17 | 23",
        "Yours sincerely",
    ]


def test_a_borderless_table_aligned_by_gutters():
    pdf = _pdf()
    pdf.text(20, 20, "Referrals by programme (males, 2022/23)")
    columns = (20, 95, 130, 165)
    rows = [("Stage", "Drive", "Change Hub", "All"), ("Self-referred", "12", "N/A", "12"),
            ("Referred by an agency", "84", "fewer than 5", "86"), ("Agency referrals completed", "27", "3", "30")]
    for n, row in enumerate(rows):
        for x, cell in zip(columns, row):
            pdf.text(x, 30 + 6 * n, cell)
    pdf.text(20, 60, "The figures above are provisional and may change once the year is closed.")
    assert _lines(pdf_to_text(bytes(pdf.output()))) == [
        "Referrals by programme (males, 2022/23)",
        *(" | ".join(row) for row in rows),
        "The figures above are provisional and may change once the year is closed.",
    ]


def test_a_borderless_fpdf_table_whose_labels_wrap():
    pdf = _pdf()
    rows = [("Question", "Drive", "Change Hub"),
            ("6. Agency referrals accepted onto the programme during the year", "59", "19"),
            ("7. Agency referrals completed", "27", "fewer than 5")]
    _table(pdf, rows, borders_layout="NONE", col_widths=(1, 1, 1), padding=2)
    assert _lines(pdf_to_text(bytes(pdf.output()))) == [" | ".join(row) for row in rows]


def test_a_borderless_row_label_that_goes_on_in_lower_case_stays_in_its_row():
    pdf = _pdf()
    columns = (20, 100, 140)
    placed = [(("Stage", "Drive", "Change Hub"), 30), (("5. Agency-referred males", "84", "23"), 36),
              (("accepted",), 40.5), (("7. Agency-referred males", "27", "3"), 46), (("completed",), 50.5)]
    for cells, y in placed:
        for x, cell in zip(columns, cells):
            pdf.text(x, y, cell)
    assert _lines(pdf_to_text(bytes(pdf.output()))) == [
        "Stage | Drive | Change Hub",
        "5. Agency-referred males accepted | 84 | 23",
        "7. Agency-referred males completed | 27 | 3",
    ]


# --- what is not a table -----------------------------------------------------------------------------------------


PROSE = [
    "Office of the Police and Crime Commissioner",
    "Freedom of Information Act 2000 - Domestic Abuse Perpetrator Programmes",
    "",
    "Thank you for your request. We hold the information and it is set out below; figures cover the year to 31",
    "March 2023 and relate to men only unless stated.",
    "1. Programmes commissioned",
    "- Drive, delivered by Safer Lives, for high-harm perpetrators;",
    "- Change Hub, a group programme of 26 weeks.",
    "The pro-",
    "gramme costs £60,000 a year.",
]


def _prose_pdf(pages: int = 2) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        pdf.set_draw_color(120)
        pdf.line(20, 15, 190, 15)  # a rule under the letterhead is no table
        for line in PROSE:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.rect(20, 200, 170, 20)  # a box round a note is no table either
        pdf.text(25, 210, "Note: figures under 5 are suppressed.")
    return bytes(pdf.output())


def test_prose_pages_read_exactly_as_before_tables_were_laid_out(monkeypatch):
    data = _prose_pdf()
    text = pdf_to_text(data)
    monkeypatch.setattr(pdf_module, "find_tables", lambda words, rules: [])
    assert text == pdf_to_text(data)
    # (the two pages are the same, so ingest's page-furniture pass reads their repeated lines once)
    assert text.startswith("\n".join(PROSE[:2])) and "1. Programmes commissioned\n- Drive, delivered by Safer Lives" in text
    assert " | " not in text


def test_a_letter_with_a_table_changes_only_the_tables_lines(monkeypatch):
    pdf = _pdf()
    pdf.multi_cell(0, 5, "Dear Requester,\nThe figures you asked for are in the table below, by programme.",
                   new_x="LMARGIN", new_y="NEXT")
    _table(pdf, [STAGES, ("SBCP", "64", "49", "27", "139", "101", "58")], col_widths=(2, 1, 1, 1, 1, 1, 1))
    pdf.multi_cell(0, 5, "Yours sincerely,\nJoanne Whitaker", new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())
    laid_out = _lines(pdf_to_text(data))
    monkeypatch.setattr(pdf_module, "find_tables", lambda words, rules: [])
    before = _lines(pdf_to_text(data))
    assert laid_out[:2] == before[:2] and laid_out[-2:] == before[-2:]
    assert laid_out[2:-2] == [" | ".join(STAGES), "SBCP | 64 | 49 | 27 | 139 | 101 | 58"]


def test_two_columns_of_prose_without_gaps_between_lines_are_no_table():
    pdf = _pdf()
    pdf.multi_cell(0, 5, "A paragraph of ordinary prose that runs across the whole width of the page and wraps "
                         "onto a second line, as a letter does, with nothing set in columns at all.")
    assert " | " not in pdf_to_text(bytes(pdf.output()))


# --- the layout functions on plain word boxes (as an OCR engine gives them) --------------------------------------


def _words(rows: list[tuple[float, list[tuple[float, str]]]], size: float = 10) -> list[Word]:
    """Words at (x, text) on lines at y, in image coordinates; a character is 0.5 size wide."""
    out = []
    for y, placed in rows:
        for x, text in placed:
            for n, part in enumerate(text.split(" ")):
                offset = x + sum(len(p) + 1 for p in text.split(" ")[:n]) * size * 0.5
                out.append(Word(part, offset, y, offset + len(part) * size * 0.5, y + size))
    return out


def test_join_cell_joins_a_hyphen_at_a_wrap_without_a_space_and_other_words_with_one():
    words = [Word("Self-", 0, 0, 25, 10), Word("referred", 0, 12, 40, 22), Word("co-", 0, 24, 15, 34),
             Word("ordinator", 20, 24, 60, 34)]
    assert join_cell(words, [2, 1, 0, 3], {0: 0, 1: 1, 2: 2, 3: 2}) == "Self-referred co- ordinator"


def test_group_lines_orders_words_by_line_then_left_to_right():
    words = [Word("b", 50, 0, 60, 10), Word("c", 0, 20, 10, 30), Word("a", 0, 1, 10, 11)]
    assert group_lines(words) == [[2, 0], [1]]


def test_word_boxes_from_an_image_give_a_borderless_table():
    words = _words([
        (100, [(50, "Stage"), (300, "Drive"), (420, "Change Hub")]),
        (115, [(50, "Self-referred"), (300, "12"), (420, "N/A")]),
        (130, [(50, "Referred by an agency"), (300, "84"), (420, "fewer than 5")]),
    ])
    tables = find_tables(words)
    assert [t.rows for t in tables] == [(("Stage", "Drive", "Change Hub"), ("Self-referred", "12", "N/A"),
                                         ("Referred by an agency", "84", "fewer than 5"))]
    assert tables[0].words == frozenset(range(len(words)))


def test_word_boxes_and_rules_give_a_ruled_table_with_a_wrapped_header():
    words = _words([
        (105, [(55, "Programme"), (205, "Self-"), (305, "Agency")]),
        (117, [(205, "referred"), (305, "referred")]),
        (135, [(55, "Drive"), (205, "N/A"), (305, "84")]),
    ])
    rules = [Rule(50, y, 400, y + 1) for y in (100, 130, 150)] + [Rule(x, 100, x + 1, 150) for x in (50, 200, 300, 400)]
    assert [t.rows for t in find_tables(words, rules)] == [
        (("Programme", "Self-referred", "Agency referred"), ("Drive", "N/A", "84"))]


def test_table_words_index_the_words_given_blank_ones_included():
    words = [Word(" ", 0, 0, 1, 1), *_words([(100, [(50, "Stage"), (300, "Drive")]), (115, [(50, "Referred"), (300, "84")])])]
    (table,) = find_tables(words)
    assert table.words == frozenset({1, 2, 3, 4}) and table.rows == (("Stage", "Drive"), ("Referred", "84"))


def test_a_single_line_with_a_gap_and_a_lone_box_are_no_table():
    words = _words([(100, [(50, "Reference REF/1"), (400, "Page 1")]), (115, [(50, "Dear Requester,")])])
    assert find_tables(words) == []
    boxed = _words([(105, [(55, "Note: figures under five"), (300, "are suppressed")]), (117, [(55, "throughout.")])])
    box = [Rule(50, 100, 500, 101), Rule(50, 130, 500, 131), Rule(50, 100, 51, 131), Rule(499, 100, 500, 131)]
    assert find_tables(boxed, box) == []


coordinate = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
boxes = st.lists(st.tuples(st.text(min_size=0, max_size=6), coordinate, coordinate, coordinate, coordinate), max_size=60)
rules = st.lists(st.tuples(coordinate, coordinate, st.floats(0, 800), st.floats(0, 3)), max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(boxes, rules, st.booleans())
def test_find_tables_never_raises_on_random_boxes_and_its_tables_hold_only_given_words(raw_words, raw_rules, flip):
    words = [Word(t, x, y, x + abs(w) % 300, y + abs(h) % 40) for t, x, y, w, h in raw_words]
    given_rules = [Rule(x, y, x + length, y + thick) if flip else Rule(x, y, x + thick, y + length)
                   for x, y, length, thick in raw_rules]
    tables = find_tables(words, given_rules)
    for table in tables:
        assert len(table.rows) >= 2 and len({len(row) for row in table.rows}) == 1 and len(table.rows[0]) >= 2
        assert all(words[i].text.strip() for i in table.words)
    every = [i for t in tables for i in t.words]
    assert len(every) == len(set(every))  # no word in two tables


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 30), st.sampled_from(["12", "N/A", "Drive", "Self-", "x"])),
                min_size=1, max_size=80))
def test_grid_aligned_words_never_raise_and_every_word_of_a_table_is_in_its_cells(cells):
    words = [Word(t, 60 + 100 * col, 100 + 12 * row, 60 + 100 * col + 8 * len(t), 110 + 12 * row)
             for col, row, t in cells]
    for table in find_tables(words):
        text = " ".join(cell for row in table.rows for cell in row)
        for i in table.words:
            assert words[i].text.rstrip("-") in text


# --- the extractor reads a PDF table whose header wraps ----------------------------------------------------------


def _funnel_reply() -> bytes:
    pdf = _pdf()
    pdf.multi_cell(0, 5, "Office of the Police and Crime Commissioner for Durham\n"
                         "Domestic Abuse Perpetrator Programme 2022/23\n"
                         "1. We commission two programmes: Drive, delivered by Safer Lives, and Change Hub.\n"
                         "Questions 2 to 7 (males, 2022/23):", new_x="LMARGIN", new_y="NEXT")
    _table(pdf, [STAGES, ("Drive", "N/A", "N/A", "N/A", "84", "59", "27"),
                 ("Change Hub", "17", "11", "6", "23", "19", "fewer than 5")], col_widths=(2, 1, 1, 1, 1, 1, 1))
    pdf.multi_cell(0, 5, "10. Budget: Drive £120,000; Change Hub £30,000.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_a_programme_by_stage_table_with_a_wrapped_header_is_read_by_the_extractor(catalogue, males_spec):
    from foi_pipeline.extract import extract_reply

    text = pdf_to_text(_funnel_reply())
    tables = extract_reply(text, doc_id="d", spec=males_spec, catalogue=catalogue).tables
    names = {p["programme_id"]: p["name"] for p in tables["programmes"]}
    funnel = {(names[r["programme_id"]], r["route"], r["stage"]): (r["status"], r["count"]) for r in tables["funnel_counts"]}
    assert funnel[("Drive", "agency", "referred")] == ("value", 84)
    assert funnel[("Change Hub", "self", "accepted")] == ("value", 11)
    assert funnel[("Change Hub", "self", "completed")] == ("value", 6)
    assert funnel[("Change Hub", "agency", "completed")][0] == "suppressed"
    for row in tables["funnel_counts"]:
        if row.get("evidence_text"):
            assert text[row["char_start"]:row["char_end"]] == row["evidence_text"]


def test_end_to_end_a_pdf_tables_figures_reach_duckdb(tmp_path: Path):
    from foi_pipeline.defs.assets import all_assets
    from foi_pipeline.defs.resources import settings_from_env

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "durham_2023.pdf").write_bytes(_funnel_reply())
    warehouse = tmp_path / "warehouse"
    assert dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(warehouse))}).success
    with duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True) as con:
        status, text = con.execute("select parse_status, text from documents join document_text using (doc_id)").fetchone()
        assert status == "ok" and " | ".join(STAGES) in text
        counts = dict(con.execute(
            "select p.name || '/' || f.route || '/' || f.stage, f.count from funnel_counts f "
            "join programmes p using (programme_id) where f.status = 'value'").fetchall())
    assert counts["Drive/agency/referred"] == 84 and counts["Change Hub/self/completed"] == 6
