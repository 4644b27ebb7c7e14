"""Word replies: the body in order (paragraphs, tables, content controls, text boxes), and archives refused for safety."""

import io
import struct
import zipfile

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi_pipeline.ingest import DOCX, parse_bytes
from foi_pipeline.ingest.word import docx_to_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def package(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def raw_docx(body: str, *, namespace: str = W_NS, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    """A minimal package around hand-written body XML (for what python-docx cannot build)."""
    xml = (
        f'{prolog}<w:document xmlns:w="{namespace}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        f"<w:body>{body}</w:body></w:document>"
    )
    return package({"[Content_Types].xml": b"<Types/>", "_rels/.rels": RELS, "word/document.xml": xml.encode()})


def p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def text_of(data: bytes) -> str:
    media_type, status, error, text = parse_bytes(data, "reply.docx")
    assert (media_type, status, error) == (DOCX, "ok", None), error
    return text


def test_paragraphs_and_tables_in_document_order():
    document = Document()
    document.add_heading("Freedom of Information reply", level=1)
    document.add_paragraph("1. Safe Steps Programme")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["Question", "Safe Steps", "Drive"], ["5. Agency referred", "40", "<5"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("")
    document.add_paragraph("10. Budget: £40,000")
    document.add_paragraph("Item one", style="List Number")  # Word's automatic number is not text: fine
    assert text_of(saved(document)).split("\n") == [
        "Freedom of Information reply", "1. Safe Steps Programme", "Question | Safe Steps | Drive",
        "5. Agency referred | 40 | <5", "", "10. Budget: £40,000", "1. Item one",
    ]


def test_headers_come_first_and_footers_last_each_distinct_one_once():
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Office of the Police and Crime Commissioner for Kent"
    section.header.add_paragraph("Our ref: FOI/2023/117")
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Office of the Police and Crime Commissioner for Kent"
    section.first_page_header.add_paragraph("Our ref: FOI/2023/117")  # the same letterhead on the first page: once
    section.footer.paragraphs[0].text = "Registered office: Sutton Road, Maidstone"
    document.add_paragraph("5. 45 men were referred.")
    assert text_of(saved(document)).split("\n") == [
        "Office of the Police and Crime Commissioner for Kent", "Our ref: FOI/2023/117", "5. 45 men were referred.",
        "Registered office: Sutton Road, Maidstone",
    ]


def test_empty_headers_add_nothing():
    document = Document()
    document.sections[0].header.paragraphs[0].text = ""
    document.add_paragraph("Only the body")
    assert text_of(saved(document)) == "Only the body"


def test_merged_cells_appear_once_and_vertical_merges_keep_the_columns():
    document = Document()
    table = document.add_table(rows=4, cols=3)
    for c, value in enumerate(["Programme", "Referred", "Completed"]):
        table.cell(0, c).text = value
    table.cell(1, 0).merge(table.cell(2, 0)).text = "CARA"  # vertical
    table.cell(1, 1).text, table.cell(1, 2).text = "10", "8"
    table.cell(2, 1).text, table.cell(2, 2).text = "20", "15"
    table.cell(3, 0).text = "DRIVE"
    table.cell(3, 1).merge(table.cell(3, 2)).text = "not held"  # horizontal: python-docx would repeat it; it keeps its columns
    assert text_of(saved(document)).split("\n") == [
        "Programme | Referred | Completed", "CARA | 10 | 8", " | 20 | 15", "DRIVE | not held | ",
    ]


def test_a_cell_with_several_paragraphs_stays_one_row():
    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "5. Referred"
    table.cell(0, 1).text = "82"
    table.cell(0, 1).add_paragraph("(approx.)")
    assert text_of(saved(document)) == "5. Referred | 82 (approx.)"


def test_a_list_in_one_cell_keeps_its_items_apart():
    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "8. Referrers"
    table.cell(0, 1).text = "Durham Constabulary"
    table.cell(0, 1).add_paragraph("Darlington Borough Council")
    table.cell(0, 1).add_paragraph("The answer ends here.")
    table.cell(0, 1).add_paragraph("A new sentence.")
    assert text_of(saved(document)) == "8. Referrers | Durham Constabulary; Darlington Borough Council; The answer ends here. A new sentence."


def test_one_column_tables_are_read_as_paragraphs():
    # A boxed quotation of the request: its numbered questions must stay on their own lines.
    document = Document()
    box = document.add_table(rows=1, cols=1).cell(0, 0)
    box.text = "Your request:"
    box.add_paragraph("1. How many referrals?")
    box.add_paragraph("2. What budget?")
    assert text_of(saved(document)).split("\n") == ["Your request:", "1. How many referrals?", "2. What budget?"]


def test_breaks_tabs_and_runs_inside_a_paragraph():
    document = Document()
    paragraph = document.add_paragraph("Budget ")
    paragraph.add_run("£60,000").bold = True
    paragraph.add_run("\tper year")
    paragraph.runs[-1].add_break()
    paragraph.add_run("next line")
    assert text_of(saved(document)) == "Budget £60,000\tper year\nnext line"


def test_content_controls_insertions_hyperlinks_and_fields_are_text_deletions_and_field_codes_are_not():
    body = (
        "<w:sdt><w:sdtPr/><w:sdtContent>" + p("Our ref: FOI/2024/123") + "</w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>Referred: </w:t></w:r><w:ins><w:r><w:t>82</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>80</w:delText></w:r></w:del>"
        "<w:sdt><w:sdtContent><w:r><w:t> (inline control)</w:t></w:r></w:sdtContent></w:sdt></w:p>"
        "<w:p><w:hyperlink><w:r><w:t>www.example.org</w:t></w:r></w:hyperlink>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t> page 1</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>"
        "<w:customXml><w:tbl><w:tr><w:tc>" + p("a") + "</w:tc><w:sdt><w:sdtContent><w:tc>" + p("b")
        + "</w:tc></w:sdtContent></w:sdt></w:tr></w:tbl></w:customXml>"
        "<w:sectPr/>"
    )
    assert text_of(raw_docx(body)).split("\n") == [
        "Our ref: FOI/2024/123", "Referred: 82 (inline control)", "www.example.org page 1", "a | b",
    ]


def test_text_boxes_are_read_once_after_their_paragraph():
    box = "<w:txbxContent>" + p("Date: 4 June 2024") + p("Ref: FOI 77") + "</w:txbxContent>"
    body = (
        "<w:p><w:r><w:t>Letter head</w:t></w:r><w:r><mc:AlternateContent>"
        f"<mc:Choice Requires='wps'><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r><w:r><w:t> continues</w:t></w:r></w:p>" + p("Dear Requester")
    )
    assert text_of(raw_docx(body)).split("\n") == ["Letter head continues", "Date: 4 June 2024", "Ref: FOI 77", "Dear Requester"]


def test_strict_open_xml_namespace_is_read():
    assert text_of(raw_docx(p("strict reply"), namespace="http://purl.oclc.org/ooxml/wordprocessingml/main")) == "strict reply"


def test_an_empty_document_is_empty():
    assert parse_bytes(saved(Document()), "blank.docx")[1:] == ("empty", "the file contains no text", None)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10))
    + "]>"
)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(raw_docx(p("&lol9;"), prolog=BILLION_LAUGHS), id="billion laughs"),
        pytest.param(raw_docx(p("x"), prolog='<?xml version="1.0"?><!-- ' + "c" * 70_000 + ' --><!DOCTYPE x SYSTEM "http://example.org/x.dtd">'), id="after a long comment"),
        pytest.param(package({"_rels/.rels": RELS, "word/document.xml": ('<?xml version="1.0" encoding="UTF-16"?>' + BILLION_LAUGHS.split("?>", 1)[1] + f'<w:document xmlns:w="{W_NS}"><w:body>' + p("&lol9;") + "</w:body></w:document>").encode("utf-16")}), id="utf-16 part"),
        pytest.param(package({"_rels/.rels": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]>' + RELS.split(b"?>", 1)[1], "word/document.xml": b"<x/>"}), id="in the relationships"),
    ],
)
def test_xml_with_a_dtd_or_entities_is_refused(data):
    media_type, status, error, text = parse_bytes(data, "laughs.docx")
    assert (status, text) == ("unreadable", None)
    assert error.startswith("DOCX contains a DTD/entity declarations") and "refused for safety" in error


def _declare_sizes(data: bytes, size: int) -> bytes:
    """Rewrite every central-directory entry's uncompressed size (what a zip bomb declares)."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        struct.pack_into("<I", out, pos + 24, size)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def test_zip_bombs_are_refused_before_decompressing():
    honest = package({"_rels/.rels": RELS, "word/document.xml": b"\0" * (60 * 1024 * 1024)})  # 60 MB at ~1000:1
    declared_huge = _declare_sizes(raw_docx(p("x")), 150 * 1024 * 1024)  # 3 parts x 150 MB declared
    for data in (honest, declared_huge):
        media_type, status, error, text = parse_bytes(data, "bomb.docx")
        assert status == "unreadable" and "zip bomb" in error, error


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"not a zip at all", "BadZipFile: File is not a zip file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "legacy .doc or a password-protected document"),
        (package({"hello.txt": b"hi"}), "no main document part"),
        (raw_docx("<w:p><w:r><w:t>unclosed</w:r></w:p>"), "XMLSyntaxError"),
    ],
)
def test_not_a_word_document_is_unreadable_with_the_reason(data, reason):
    media_type, status, error, text = parse_bytes(data, "odd.docx")
    assert (media_type, status, text) == (DOCX, "unreadable", None)
    assert reason in error


def test_deeply_nested_tables_are_read_or_refused_never_crash():
    def nested(levels: int) -> bytes:
        return raw_docx("<w:tbl><w:tr><w:tc>" * levels + p("deep") + "</w:tc></w:tr></w:tbl>" * levels)

    assert parse_bytes(nested(80), "deep.docx")[1:] == ("ok", None, "deep")
    status, error = parse_bytes(nested(300), "deeper.docx")[1:3]  # libxml2 stops at 256 levels
    assert status == "unreadable" and "depth" in error


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "<w:tbl>", "</w:tbl>", "<w:tr>",
                                 "</w:tr>", "<w:tc>", "</w:tc>", "<w:br/>", "<w:tab/>", "<w:sdt>", "</w:sdt>", "txt", "&amp;",
                                 "<w:txbxContent>", "</w:txbxContent>", "<mc:Fallback>", "</mc:Fallback>"]), max_size=60).map("".join))
def test_fuzzed_bodies_never_raise(body):
    status, error, text = parse_bytes(raw_docx(body), "fuzz.docx")[1:]
    assert status in ("ok", "empty", "unreadable")
    assert text is None or "\r" not in text


def test_docx_to_text_reads_a_python_docx_file_directly():
    document = Document()
    document.add_paragraph("direct")
    assert docx_to_text(saved(document)) == "direct"


def test_a_row_merged_across_the_table_under_its_header_keeps_its_columns_and_a_title_row_stands_alone():
    document = Document()
    table = document.add_table(rows=4, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Drive – referrals and outcomes"  # a title across the top
    for c, value in enumerate(["Males", "2022/23", "2021/22"]):
        table.cell(1, c).text = value
    table.cell(2, 0).merge(table.cell(2, 2)).text = "Self-referred"  # a section row
    for c, value in enumerate(["Referred", "46", "39"]):
        table.cell(3, c).text = value
    assert text_of(saved(document)).split("\n") == [
        "Drive – referrals and outcomes", "Males | 2022/23 | 2021/22", "Self-referred |  | ", "Referred | 46 | 39",
    ]
