"""Word's own list numbering: the numbers and bullets Word draws but that are not in the paragraphs' text."""

import io

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given
from hypothesis import strategies as st

from foi_pipeline.ingest.word import docx_to_text
from foi_pipeline.ingest.word_numbering import format_number


def _text(document) -> list[str]:
    buffer = io.BytesIO()
    document.save(buffer)
    return [line for line in docx_to_text(buffer.getvalue()).split("\n") if line.strip()]


def test_list_number_paragraphs_get_their_numbers_and_nested_bullets_their_depth():
    document = Document()
    document.add_paragraph("Our answers follow.")
    document.add_paragraph("Name of the programme", style="List Number")
    document.add_paragraph("Steps Forward", style="List Bullet")
    document.add_paragraph("Self-referrals", style="List Number")
    document.add_paragraph("Steps Forward", style="List Bullet")
    document.add_paragraph("31 men", style="List Bullet 2")
    document.add_paragraph("Agency referrals", style="List Number")
    assert _text(document) == [
        "Our answers follow.", "1. Name of the programme", "• Steps Forward", "2. Self-referrals", "• Steps Forward",
        "  • 31 men", "3. Agency referrals",
    ]


def _numbering_part(document, abstract_xml: str, num_xml: str) -> None:
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(abstract_xml))
    numbering.append(parse_xml(num_xml))


def _numbered(document, text: str, num_id: int, ilvl: int = 0) -> None:
    p = document.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def test_a_multilevel_list_with_its_own_formats_start_and_restarts():
    document = Document()
    _numbering_part(
        document,
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="5"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Q%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/>'
        '<w:pPr><w:ind w:left="1440"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%1.%2.%3"/></w:lvl>'
        '</w:abstractNum>',
        f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>',
    )
    for text, level in [("Agency referrals", 0), ("Drive", 1), ("CARA", 1), ("note", 2), ("note", 2), ("Accepted", 0), ("Drive", 1)]:
        _numbered(document, text, 90, level)
    assert _text(document) == [
        "Q5. Agency referrals", "  (a) Drive", "  (b) CARA", "    5.b.i note", "    5.b.ii note", "Q6. Accepted", "  (a) Drive",
    ]


def test_numbering_switched_off_and_lists_a_document_does_not_define_add_nothing():
    document = Document()
    _numbered(document, "Plain paragraph", 0)
    _numbered(document, "Unknown list", 4242)
    assert _text(document) == ["Plain paragraph", "Unknown list"]


def test_bulleted_items_in_a_table_cell_stay_a_list():
    document = Document()
    cell = document.add_table(rows=1, cols=2).rows[0].cells
    cell[0].text = "8. Organisations"
    cell[1].text = ""
    cell[1].paragraphs[0].text = "Kent Police"
    cell[1].paragraphs[0].style = "List Bullet"
    cell[1].add_paragraph("Medway Council", style="List Bullet")
    assert _text(document) == ["8. Organisations | Kent Police; Medway Council"]


@pytest.mark.parametrize("n, fmt, out", [
    (1, "decimal", "1"), (3, "lowerLetter", "c"), (28, "lowerLetter", "bb"), (2, "upperLetter", "B"),
    (4, "lowerRoman", "iv"), (14, "upperRoman", "XIV"), (7, "decimalZero", "07"), (9, "ordinalText", "9"),
])
def test_format_number(n, fmt, out):
    assert format_number(n, fmt) == out


@given(st.integers(min_value=1, max_value=3999), st.sampled_from(["decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman"]))
def test_every_format_gives_a_non_empty_label(n, fmt):
    assert format_number(n, fmt)
