"""PDF replies through pdfium: page order and breaks, scans, locked and broken files."""

import io

import pytest
from fpdf import FPDF

from foi_pipeline.ingest import parse_bytes
from foi_pipeline.ingest.pdf import PAGE_BREAK, pdf_to_text, read_pdf


def make_pdf(pages: list[list[str]], *, user_password: str | None = None) -> bytes:
    """One page per list of lines; an empty list draws only a rectangle (a page with no text layer)."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)  # a core font: latin-1 text, '£' included
    for page_lines in pages:
        pdf.add_page()
        if not page_lines:
            pdf.rect(20, 20, 80, 40, style="F")
        for line in page_lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    if user_password:
        pdf.set_encryption(owner_password="owner-secret", user_password=user_password)
    return bytes(pdf.output())


def test_pages_in_order_joined_by_a_form_feed_line():
    data = make_pdf([["1. CARA: 203", "2. Budget: £60,000"], ["3. Not held"], ["4. N/A"]])
    media_type, status, error, text = parse_bytes(data, "reply.pdf")
    assert (media_type, status, error) == ("application/pdf", "ok", None)
    assert text == "1. CARA: 203\n2. Budget: £60,000" + PAGE_BREAK + "3. Not held" + PAGE_BREAK + "4. N/A"
    assert "\r" not in text


def test_a_word_hyphenated_at_a_line_end_reads_whole():
    # pdfium reports such a hyphen as U+FFFE and drops the line break after it; the word is joined on its first line.
    assert pdf_to_text(make_pdf([["The pro-", "gramme costs £5"]])) == "The programme\ncosts £5"
    assert pdf_to_text(make_pdf([["Males who self-", "referred: 12"]])) == "Males who self-referred:\n12"


def test_a_page_without_a_text_layer_needs_ocr_when_tesseract_is_missing(monkeypatch):
    from foi_pipeline.ingest import ocr

    monkeypatch.setattr(ocr, "tessdata_dir", lambda: None)
    media_type, status, error, text = parse_bytes(make_pdf([[], []]), "scan.pdf")
    assert (status, text) == ("needs_ocr", None)
    assert error.startswith("PDF has 2 page(s) but no text layer; it needs OCR, and OCR is not available")
    assert "apt-get install tesseract-ocr tesseract-ocr-eng" in error


def test_a_scan_with_some_text_pages_is_read_and_keeps_its_page_count(monkeypatch):
    from foi_pipeline.ingest import ocr

    monkeypatch.setattr(ocr, "tessdata_dir", lambda: None)  # the drawn page is not read: the typed one is
    assert parse_bytes(make_pdf([[], ["typed page"]]), "mixed.pdf")[1:] == ("ok", None, PAGE_BREAK + "typed page")


def test_a_blank_page_is_not_sent_to_ocr():
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.add_page()
    pdf.cell(0, 6, "typed page")
    reading = read_pdf(bytes(pdf.output()))
    assert (reading.text, reading.text_source, reading.ocr_pages) == (PAGE_BREAK + "typed page", "text_layer", 0)


def test_a_password_protected_pdf_is_unreadable_with_the_reason():
    media_type, status, error, text = parse_bytes(make_pdf([["secret figures"]], user_password="letmein"), "locked.pdf")
    assert (status, text) == ("unreadable", None)
    assert error.startswith("PDF is encrypted (password required)")


def test_a_pdf_encrypted_by_pypdf_is_unreadable_too():
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf([["figures"]]))))
    writer.encrypt(user_password="u", owner_password="o", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    status, error = parse_bytes(buffer.getvalue(), "locked2.pdf")[1:3]
    assert status == "unreadable" and "password" in error


def test_an_owner_password_alone_does_not_stop_reading():
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 6, "readable")
    pdf.set_encryption(owner_password="owner-only")
    assert parse_bytes(bytes(pdf.output()), "perm.pdf")[1:] == ("ok", None, "readable")


@pytest.mark.parametrize("data", [b"%PDF-1.4 garbage", b"", b"\x00" * 100, b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog" * 50])
def test_broken_bytes_are_unreadable_with_pdfiums_error(data):
    media_type, status, error, text = parse_bytes(data, "broken.pdf")
    assert (media_type, status, text) == ("application/pdf", "unreadable", None)
    assert error.startswith("PdfiumError: ") and "Failed to load document" in error


def test_truncated_pdf_is_read_or_refused_never_raises():
    data = make_pdf([["1. CARA: 203"], ["2. more"]])
    for cut in (len(data) // 3, len(data) // 2, len(data) - 10):
        assert parse_bytes(data[:cut], "cut.pdf")[1] in ("ok", "unreadable", "needs_ocr", "empty")


def make_table_pdf(intro: str, rows: list[tuple[str, ...]], outro: str = "") -> bytes:
    """A letter with a real drawn table, as Word or LibreOffice export one: cells placed in columns."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, intro, new_x="LMARGIN", new_y="NEXT")
    with pdf.table() as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    if outro:
        pdf.multi_cell(0, 5, outro, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_a_drawn_tables_cells_are_joined_by_the_cell_separator_not_single_spaces():
    text = pdf_to_text(make_table_pdf(
        "Questions 2 to 7 are answered in the table below.",
        [("Stage", "Drive", "Change Hub"), ("Self-referred", "12", "N/A"), ("Referred by an agency", "84", "fewer than 5")],
        "Question 8: Durham Constabulary and the Probation Service.",
    ))
    assert text.splitlines() == [
        "Questions 2 to 7 are answered in the table below.",
        "Stage | Drive | Change Hub",
        "Self-referred | 12 | N/A",
        "Referred by an agency | 84 | fewer than 5",
        "Question 8: Durham Constabulary and the Probation Service.",
    ]


def test_a_single_line_with_a_column_gap_gets_a_tab():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.cell(120, 6, "Office of the Commissioner | REF/23/112")
    pdf.cell(0, 6, "Page 1", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Dear Requester,", new_x="LMARGIN", new_y="NEXT")
    assert pdf_to_text(bytes(pdf.output())) == "Office of the Commissioner | REF/23/112\tPage 1\nDear Requester,"


def test_words_set_apart_by_ordinary_or_bold_spacing_keep_their_spaces():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 6, "The programme  (two spaces)   received 64 referrals.", new_x="LMARGIN", new_y="NEXT")
    pdf.write(6, "Answer: ")
    pdf.set_font("helvetica", style="B", size=11)
    pdf.write(6, "Not held")
    pdf.set_font("helvetica", size=11)
    pdf.write(6, " by this office.")
    assert "\t" not in pdf_to_text(bytes(pdf.output()))


def test_a_pdf_table_of_stages_by_programme_is_read_as_a_table(catalogue, males_spec):
    from foi_pipeline.extract import extract_reply

    data = make_table_pdf(
        "Office of the Police and Crime Commissioner for Durham\nDomestic Abuse Perpetrator Programme 2022/23\n"
        "1. We commission two programmes: Drive, delivered by Safer Lives, and Change Hub.\n"
        "Questions 2 to 7 (males, 2022/23):",
        [
            ("", "Drive", "Change Hub"),
            ("2. Self-referred", "N/A", "17"),
            ("3. Self-referred and accepted", "N/A", "11"),
            ("4. Self-referred and completed", "N/A", "6"),
            ("5. Referred by an agency", "84", "23"),
            ("6. Agency referrals accepted", "59", "19"),
            ("7. Agency referrals completed", "27", "fewer than 5"),
        ],
        "10. Budget: Drive £120,000; Change Hub £30,000.",
    )
    text = pdf_to_text(data)
    tables = extract_reply(text, doc_id="d", spec=males_spec, catalogue=catalogue).tables
    names = {p["programme_id"]: p["name"] for p in tables["programmes"]}
    funnel = {(names[r["programme_id"]], r["route"], r["stage"]): (r["status"], r["count"]) for r in tables["funnel_counts"]}
    assert funnel[("Drive", "agency", "referred")] == ("value", 84)
    assert funnel[("Change Hub", "self", "completed")] == ("value", 6)
    assert funnel[("Change Hub", "agency", "completed")][0] == "suppressed"
    assert funnel[("Drive", "self", "referred")][0] == "not_applicable"
