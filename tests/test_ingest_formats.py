"""Spreadsheets, CSV, OpenDocument text, RTF, old Word .doc and Outlook .msg: read as the formats offices already
send are, tables as DOCX tables read, and every damaged, dangerous or locked file a clear parse_error."""

import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msoffcrypto.format.ooxml import OOXMLFile
from odf import teletype
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.style import Footer, Header, MasterPage, PageLayout
from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
from odf.text import H, Note, NoteBody, NoteCitation, P

from foi_pipeline.bench.outlook import MsgAttachment, MsgMessage, write_msg
from foi_pipeline.bench.synthetic import rtf_document
from foi_pipeline.extract import extract_reply
from foi_pipeline.ingest import MSG, ingest_directory, ingest_file, legacy_word, parse_bytes, spreadsheet
from foi_pipeline.ingest.text import decode_text
from foi_pipeline.specs import Catalogue, RequestSpec

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = FIXTURES / "formats"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
HAVE_ANTIWORD = shutil.which("antiword") is not None
needs_antiword = pytest.mark.skipif(not HAVE_ANTIWORD, reason="antiword is not installed (make antiword)")


def read(data: bytes, name: str) -> str:
    media_type, status, error, text = parse_bytes(data, name)
    assert (status, error) == ("ok", None), error
    return text


def failure(data: bytes, name: str) -> tuple[str, str]:
    _, status, error, text = parse_bytes(data, name)
    assert text is None
    return status, error


# -- writers ------------------------------------------------------------------------------------------------------

def odt(lines: list[str]) -> bytes:
    document = OpenDocumentText()
    for line in lines:
        paragraph = P()
        teletype.addTextToElement(paragraph, line)
        document.text.addElement(paragraph)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def rtf(text: str) -> bytes:
    return rtf_document(text)


def xlsx(sheets: dict[str, list[list]], *, hidden: tuple[str, ...] = (), merges: dict[str, list[str]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for span in (merges or {}).get(name, []):
            sheet.merge_cells(span)
        if name in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_table(rows: list[list]) -> bytes:
    document = Document()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = "" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The package with some parts' bytes replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, source.read(info)))
        for name, part in replace.items():
            target.writestr(name, part)
    return out.getvalue()


def facts(text: str, spec: RequestSpec, catalogue: Catalogue) -> dict[str, list]:
    """What the extractor reads from a reply, without its character offsets."""
    tables = extract_reply(text, doc_id="d", spec=spec, catalogue=catalogue).tables
    return {
        "programmes": sorted(p["name"] for p in tables["programmes"]),
        "funnel": sorted(((f["programme_id"], f["route"], f["stage"], f["count"], f["status"]) for f in tables["funnel_counts"]), key=repr),
        "budgets": sorted(((b["programme_id"], str(b["amount_gbp"]), b["status"]) for b in tables["budgets"]), key=repr),
        "funders": sorted(f["funder"] for f in tables["funders"]),
        "referrers": sorted(r["organisation"] for r in tables["referrers"]),
        "answers": sorted(((a["question_no"], a["status"]) for a in tables["answers"]), key=repr),
    }


# -- the seed replies saved in the other formats --------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_the_seeds_saved_by_a_word_processor_as_odt_and_rtf_read_exactly_as_their_text(seed):
    text = decode_text(seed.read_bytes())
    assert read((FORMATS / f"{seed.stem}.odt").read_bytes(), f"{seed.stem}.odt") == text
    assert read((FORMATS / f"{seed.stem}.rtf").read_bytes(), f"{seed.stem}.rtf") == text


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_the_seeds_written_as_odt_and_rtf_here_read_exactly_as_their_text(seed):
    text = decode_text(seed.read_bytes())
    assert read(odt(text.split("\n")), "reply.odt") == text
    assert read(rtf(text), "reply.rtf") == text


@needs_antiword
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_the_seeds_saved_as_doc_read_as_their_text_and_give_the_same_facts(seed, males_spec, catalogue):
    text = decode_text(seed.read_bytes())
    doc = read((FORMATS / f"{seed.stem}.doc").read_bytes(), f"{seed.stem}.doc")
    # antiword writes no spaces at the ends of lines (nor so a last line of spaces): everything else is the same
    assert doc == "\n".join(line.rstrip(" ") for line in text.split("\n")).rstrip("\n")
    assert facts(doc, males_spec, catalogue) == facts(text, males_spec, catalogue)
    assert facts(doc, males_spec, catalogue)["funnel"]  # a real reading, not two empty ones


# -- spreadsheets ---------------------------------------------------------------------------------------------

FUNNEL = [["Programme", "Referred", "Accepted", "Completed"], ["Drive", 96, 71, 33], ["Change Hub", 54, 40, 22]]


def test_a_sheet_reads_as_the_same_table_in_a_docx_under_its_name():
    text = read(xlsx({"Agency referrals": FUNNEL}), "figures.xlsx")
    assert text.split("\n") == ["Agency referrals", *read(docx_table(FUNNEL), "figures.docx").split("\n")]
    assert text.split("\n")[1:] == ["Programme | Referred | Accepted | Completed", "Drive | 96 | 71 | 33", "Change Hub | 54 | 40 | 22"]


def test_hidden_sheets_empty_rows_and_columns_go_default_names_are_no_heading():
    data = xlsx({"Sheet1": [["Title of the return"], [], ["Programme", None, "Referred"], [None], ["Drive", None, 96],
                            ["Change Hub"], ["Safe Steps", None, 12], ["* fewer than five"]],
                 "Working": [["do not publish", 1]], "Notes": [["Figures are for males."]]}, hidden=("Working",))
    assert read(data, "book.xlsx") == ("Title of the return\nProgramme | Referred\nDrive | 96\nChange Hub | \nSafe Steps | 12\n"
                                       "* fewer than five\n\nNotes\nFigures are for males.")


def test_merged_cells_are_one_cell_across_and_empty_below():
    data = xlsx({"S": [["Programme", "Self-referrals", None, "Agency"], [None, "Referred", "Accepted", "Referred"],
                       ["Drive", 1, 2, 3], ["Note on the figures", None, None, None]]},
                merges={"S": ["B1:C1", "A1:A2", "A4:D4"]})
    assert read(data, "m.xlsx").split("\n") == ["S", "Programme | Self-referrals | Agency", " | Referred | Accepted | Referred",
                                                "Drive | 1 | 2 | 3", "Note on the figures"]


def test_formulas_are_read_as_their_saved_values_never_evaluated():
    data = xlsx({"S": [["Programme", "Completed"], ["Drive", "=1+1"]]})
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(sheet).decode()
    xml, n = re.subn(r"<c r=\"B2\"([^>]*)><f>1\+1</f><v\s*/?>(</v>)?</c>", r'<c r="B2"\1><f>1+1</f><v>41</v></c>', xml)
    assert n == 1
    assert read(rezip(data, {sheet: xml.encode()}), "f.xlsx").split("\n")[-1] == "Drive | 41"  # the saved 41, not 2
    assert read(data, "f.xlsx").split("\n")[-1] == "Drive"  # no saved value: nothing is computed, the cell is empty


def test_values_read_as_the_sheet_shows_them():
    data = xlsx({"S": [["a", 12.0, 12.5, True, dt.date(2023, 3, 31), dt.datetime(2023, 3, 31, 9, 30), "two\nlines"]]})
    assert read(data, "v.xlsx").split("\n")[-1] == "a | 12 | 12.5 | TRUE | 2023-03-31 | 2023-03-31 09:30 | two lines"


def test_an_xls_workbook_saved_by_a_spreadsheet_program():
    text = read((FORMATS / "referrals.xls").read_bytes(), "referrals.xls")
    assert text.split("\n") == ["Referrals 2022-23", "Programme | Referred | Accepted | Completed", "Drive | 96 | 71 | 33",
                                "Change Hub | 54 | 40 | 40", "Figures for males only; fewer than 5 shown as <5."]


def ods(rows: list[list], *, hidden: bool = False) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Figures")
    table.addElement(TableColumn(numbercolumnsrepeated=max(len(r) for r in rows)))
    for row in rows:
        tr = TableRow()
        for value in row:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif value:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            else:
                cell = TableCell()
            tr.addElement(cell)
        table.addElement(tr)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def test_an_ods_spreadsheet_reads_as_the_workbook_does():
    assert read(ods(FUNNEL), "figures.ods") == read(xlsx({"Figures": FUNNEL}), "figures.xlsx")


def test_the_same_figures_in_a_workbook_and_in_a_word_table_give_the_same_funnel_rows(males_spec, catalogue):
    letter = ["Office of the Police and Crime Commissioner for Kent", "",
              "1. Name/Title/Scope", "We commission the Drive Project (delivered by SafeLives) and the Change Hub Programme (delivered by Cranstoun).",
              "", "5-7. Agency referrals"]
    sheet = [[line] if line else [] for line in letter] + FUNNEL
    document = Document()
    for line in letter:
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate(FUNNEL):
        for c, value in enumerate(row):
            table.cell(r, c).text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    from_workbook = facts(read(xlsx({"Sheet1": sheet}), "reply.xlsx"), males_spec, catalogue)
    from_word = facts(read(buffer.getvalue(), "reply.docx"), males_spec, catalogue)
    assert from_workbook == from_word
    assert ("d-drive-project", "agency", "referred", 96, "value") in from_workbook["funnel"]


# -- CSV and TSV ----------------------------------------------------------------------------------------------

def test_csv_delimiter_and_encoding_are_sniffed():
    data = "Programme;Budget;Note\r\nDrive;\xa360,000;\"two\r\nlines\"\r\n;;\r\nChange Hub;\xa345k;\r\n".encode("cp1252")
    assert read(data, "budget.csv") == "Programme | Budget | Note\nDrive | £60,000 | two lines\nChange Hub | £45k | "
    assert read("a\tb\n1\t2\n".encode("utf-16"), "t.tsv") == "a | b\n1 | 2"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.text(st.characters(blacklist_categories=["Cs", "Cc", "Cf", "Co", "Zs", "Zl", "Zp"], blacklist_characters="|"), min_size=1, max_size=8)
                         # ligatures and other compatibility forms ("ﬀ") are read as their plain letters, on purpose
                         .filter(lambda s: s.strip() == s and " " not in s and unicodedata.normalize("NFKC", s) == s),
                         min_size=2, max_size=4), min_size=1, max_size=6)
       .filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_csv_rows_read_back_cell_for_cell(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    text = read(buffer.getvalue().encode("utf-8"), "rows.csv")
    assert [line.split(" | ") for line in text.split("\n")] == rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.integers(-10**6, 10**6), st.text("abcdefgh £<5", min_size=1, max_size=6).map(str.strip).filter(bool)),
                         min_size=3, max_size=3), min_size=2, max_size=5))
def test_a_sheet_and_a_word_table_of_the_same_cells_read_the_same(rows):
    assert read(xlsx({"Sheet1": rows}), "t.xlsx") == read(docx_table(rows), "t.docx")


# -- OpenDocument text, RTF, .doc -------------------------------------------------------------------------------

def test_odt_tables_spans_notes_headers_and_footers():
    document = OpenDocumentText()
    layout = PageLayout(name="pm1")
    document.automaticstyles.addElement(layout)
    page = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    header.addElement(P(text="Office of the Police and Crime Commissioner for Kent"))
    footer.addElement(P(text="Our reference: FOI 777/23"))
    page.addElement(header)
    page.addElement(footer)
    document.masterstyles.addElement(page)
    document.text.addElement(H(outlinelevel=1, text="Questions 5 to 7"))
    paragraph = P(text="Figures are for males")
    note = Note(id="ftn1", noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="Two women are counted in the Drive figures."))
    note.addElement(body)
    paragraph.addElement(note)
    document.text.addElement(paragraph)
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=4))
    for cells in (["Programme", ("Agency", 2), None, "Total"], ["Drive", "96", "71", "33"]):
        row = TableRow()
        for cell in cells:
            if cell is None:
                row.addElement(CoveredTableCell())
                continue
            text, span = cell if isinstance(cell, tuple) else (cell, 1)
            element = TableCell(numbercolumnsspanned=span) if span > 1 else TableCell()
            element.addElement(P(text=text))
            row.addElement(element)
        table.addElement(row)
    document.text.addElement(table)
    spaced = P()
    teletype.addTextToElement(spaced, "5.\tDrive:   96")
    document.text.addElement(spaced)
    buffer = io.BytesIO()
    document.write(buffer)
    assert read(buffer.getvalue(), "reply.odt").split("\n") == [
        "Office of the Police and Crime Commissioner for Kent", "Questions 5 to 7", "Figures are for males",
        "Two women are counted in the Drive figures.", "Programme | Agency | Total", "Drive | 96 | 71 | 33",
        "5.\tDrive:   96", "Our reference: FOI 777/23"]


def test_rtf_table_rows_keep_their_cells_and_a_typed_bar_stays_text():
    data = (b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}\\pard Budget | total: \\'a360,000\\par "
            b"\\trowd\\cellx2000\\cellx4000\\cellx6000\\pard\\intbl Programme\\cell Referred\\cell Completed\\cell\\row "
            b"\\trowd\\cellx2000\\cellx4000\\cellx6000\\pard\\intbl Drive\\cell 96\\cell 33\\cell\\row "
            b"\\pard After the table\\par}")
    assert read(data, "reply.rtf") == "Budget | total: £60,000\nProgramme | Referred | Completed\nDrive | 96 | 33\nAfter the table"


@needs_antiword
def test_a_doc_table_reads_as_the_same_table_in_the_docx_it_was_saved_from():
    text = read((FORMATS / "programme_table.doc").read_bytes(), "programme_table.doc")
    assert text.split("\n") == ["Figures for 2022/23", "Programme | Referred | Accepted | Completed",
                                "Cautioning and Relationship Abuse (CARA) | 203 | 150 | 12", "Drive | <5 |  | 3",
                                "After the table, £60,000 – “quoted”."]


def test_a_file_named_doc_that_is_rtf_or_docx_is_read_as_what_it_is():
    assert read(rtf("Dear Requester,\n5. 96"), "letter.doc") == "Dear Requester,\n5. 96"
    assert read(docx_table(FUNNEL), "letter.doc").split("\n")[1] == "Drive | 96 | 71 | 33"


def test_without_antiword_a_doc_says_so_and_is_read_again_once_it_is_installed(tmp_path, monkeypatch):
    if not HAVE_ANTIWORD:
        pytest.skip("antiword is not installed")
    (tmp_path / "reply.doc").write_bytes((FORMATS / "programme_table.doc").read_bytes())
    real_which = shutil.which
    monkeypatch.setattr(legacy_word.shutil, "which", lambda name: None if name == "antiword" else real_which(name))

    class Cache(dict):
        def put(self, key, value):
            self[key] = value

    cache = Cache()
    [doc] = ingest_file(tmp_path / "reply.doc", tmp_path, cache=cache)
    assert doc.parse_status == "unreadable" and "antiword" in doc.parse_error
    assert not cache  # not remembered: the next run tries again
    monkeypatch.undo()
    [doc] = ingest_file(tmp_path / "reply.doc", tmp_path, cache=cache)
    assert doc.parse_status == "ok" and len(cache) == 1


# -- Outlook .msg ---------------------------------------------------------------------------------------------

def message(attachments: list[MsgAttachment], *, headers: bool = True) -> bytes:
    return write_msg(MsgMessage(
        subject="RE: FOI 777/23", sender_name="FOI Team", sender_email="foi@opcc.example",
        to=[("Jo Bloggs", "jo@example.org")], sent=dt.datetime(2023, 8, 15, 9, 12, tzinfo=dt.UTC),
        body="Dear Jo,\r\n\r\nPlease find our response attached.\r\n", attachments=attachments, headers=headers))


@pytest.mark.parametrize("headers", [True, False], ids=["transport headers", "properties only"])
def test_an_outlook_message_gives_headers_body_and_each_attachment_as_a_document(tmp_path, headers):
    workbook = xlsx({"Figures": FUNNEL})
    (tmp_path / "reply.msg").write_bytes(message([MsgAttachment("figures.xlsx", workbook), MsgAttachment("figures.xlsx", b"x,y\n1,2\n")],
                                                 headers=headers))
    mail, first, second = ingest_directory(tmp_path)
    assert (mail.media_type, mail.parse_status, mail.parent_doc_id) == (MSG, "ok", None)
    assert mail.email_headers["Subject"] == "RE: FOI 777/23" and mail.email_headers["From"] == "FOI Team <foi@opcc.example>"
    assert mail.email_headers["To"] == "Jo Bloggs <jo@example.org>" and "15 Aug 2023 09:12:00" in mail.email_headers["Date"]
    assert mail.text.endswith("\n\nDear Jo,\n\nPlease find our response attached.")
    assert mail.text.startswith("From: FOI Team <foi@opcc.example>\nTo: Jo Bloggs <jo@example.org>\nDate: ")
    assert (first.source_path, first.parent_doc_id, first.sha256) == ("reply.msg#figures.xlsx", mail.doc_id, hashlib.sha256(workbook).hexdigest())
    assert first.text == read(workbook, "figures.xlsx")
    assert (second.source_path, second.parse_status) == ("reply.msg#figures (2).xlsx", "unreadable")  # a CSV named .xlsx


def test_a_damaged_message_is_unreadable_with_a_reason(tmp_path):
    (tmp_path / "broken.msg").write_bytes(message([])[:1500])
    [doc] = ingest_directory(tmp_path)
    assert doc.parse_status == "unreadable" and doc.parse_error


# -- safety and damage ----------------------------------------------------------------------------------------

def test_a_zip_bomb_workbook_is_refused_before_it_is_opened():
    bomb = rezip(xlsx({"S": FUNNEL}), {"xl/worksheets/sheet2.xml": b"<worksheet>" + b" " * (120 * 1024 * 1024) + b"</worksheet>"})
    status, error = failure(bomb, "bomb.xlsx")
    assert status == "unreadable" and "zip bomb" in error


def test_a_sheet_reaching_the_last_cell_is_refused_not_allocated():
    """calamine holds a sheet as a dense grid: A1 and XFD1048576 would ask it for half a terabyte."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"], workbook.active["XFD1048576"] = 1, 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < 10_000
    status, error = failure(buffer.getvalue(), "sparse.xlsx")
    assert status == "unreadable" and "expansion bomb" in error


def test_an_ods_of_repeated_cells_is_refused():
    data = ods(FUNNEL)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml").decode()
    content = content.replace("<table:table-row>", '<table:table-row table:number-rows-repeated="1000000">', 1)
    content = content.replace("<table:table-cell ", '<table:table-cell table:number-columns-repeated="1000" ', 1)
    status, error = failure(rezip(data, {"content.xml": content.encode()}), "wide.ods")
    assert status == "unreadable" and "expansion bomb" in error


@pytest.mark.parametrize("name,part", [("x.xlsx", "xl/sharedStrings.xml"), ("x.odt", "content.xml")])
def test_entity_declarations_are_refused(name, part):
    data = xlsx({"S": FUNNEL}) if name.endswith("xlsx") else odt(["5. 96"])
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&lol2;</t></si></sst>")
    status, error = failure(rezip(data, {part: laughs}), name)
    assert status == "unreadable" and "DTD" in error


def test_an_encrypted_workbook_is_recorded_as_encrypted():
    plain = io.BytesIO(xlsx({"S": FUNNEL}))
    locked = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", locked)
    status, error = failure(locked.getvalue(), "locked.xlsx")
    assert status == "unreadable" and "encrypted (password required)" in error


@pytest.mark.parametrize("name", ["cut.xlsx", "cut.ods", "cut.odt", "cut.xls", "cut.doc", "cut.rtf"])
def test_a_damaged_file_is_unreadable_with_a_clear_reason(name):
    source = {"xlsx": xlsx({"S": FUNNEL}), "ods": ods(FUNNEL), "odt": odt(["5. 96"]), "rtf": b"not rtf at all",
              "xls": (FORMATS / "referrals.xls").read_bytes(), "doc": (FORMATS / "programme_table.doc").read_bytes()}[name[4:]]
    if name.endswith(".doc") and not HAVE_ANTIWORD:
        pytest.skip("antiword is not installed")
    status, error = failure(source[: len(source) // 2] if not name.endswith(".rtf") else source, name)
    assert status == "unreadable" and len(error) > 10


_SOURCES: dict[str, bytes] = {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_corrupted_workbooks_and_documents_never_crash_the_reader(data):
    kind = data.draw(st.sampled_from(["xlsx", "ods", "odt", "rtf", "csv"]))
    if not _SOURCES:  # written once: odfpy stamps the time into each file, and the examples must replay
        _SOURCES.update(xlsx=xlsx({"S": FUNNEL}), ods=ods(FUNNEL), odt=odt(["5. 96", "Drive | 3"]),
                        rtf=rtf("Dear Requester,\n5. 96"), csv=b"a,b\n1,2\n")
    source = _SOURCES[kind]
    position = data.draw(st.integers(0, len(source) - 1))
    junk = data.draw(st.binary(min_size=1, max_size=16))
    media_type, status, error, text = parse_bytes(source[:position] + junk + source[position + len(junk):], f"x.{kind}")
    assert status in {"ok", "empty", "unreadable"}
    assert (text is None) == (status != "ok") and (error is None) == (status == "ok")


def test_the_extent_guard_counts_cells_as_readers_place_them():
    assert spreadsheet.xlsx_extent(b'<sheetData><row r="3"><c r="B3"><v>1</v></c><c><v>2</v></c></row>'
                                    b'<row><c r="A4"/></row></sheetData>') == (3, 3)


def test_apostrophes_in_csv_cells_are_no_quote_marks():
    text = read(b"Referrer,Note\nO'Brien's Trust,'self'\n','\n", "rows.csv")
    assert [line.split(" | ") for line in text.split("\n")] == [["Referrer", "Note"], ["O'Brien's Trust", "'self'"], ["'", "'"]]
