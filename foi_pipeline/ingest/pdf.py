"""PDF replies: the text layer through pdfium, page breaks kept as form feeds.

pdfium returns "\\r\\n" line ends and marks a hyphen that ends a line with U+FFFE, dropping that line break
("pro\\ufffegramme"): we restore "-\\n" so the text reads as the page shows it.

pdfium also writes the cells of a table row with one space between them, like words ("Self-referred 12 N/A"), so
a table would read as a sentence. Where the gap on the page is wider than any word space we write a tab instead,
as Word and plain-text tables do, and the row reads as a row.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium

from foi_pipeline.ingest.text import normalise

PAGE_BREAK = "\n\f\n"
_LINE_END_HYPHEN = re.compile("\ufffe(?:\r?\n)?")
_LINE = re.compile("[^\r\n]+")
_SPACES_BETWEEN_WORDS = re.compile(r"(?<=\S) +(?=\S)")
# A gap wider than this many character heights separates columns: a word space is about a third of one (and up
# to two in a justified line of few words), a table's gutter is several.
COLUMN_GAP_IN_HEIGHTS = 2.5


class NeedsOCR(Exception):
    """The PDF has pages but no text layer (a scan)."""


def pdf_to_text(data: bytes) -> str:
    """Text of every page in order; raises NeedsOCR for scans and pdfium's error for broken or locked files."""
    document = pdfium.PdfDocument(data)
    try:
        pages = [_page_text(document, index) for index in range(len(document))]
    finally:
        document.close()
    if not pages:
        raise ValueError("PDF has no pages")
    if not any(page.strip() for page in pages):
        raise NeedsOCR(f"PDF has {len(pages)} page(s) but no text layer; it needs OCR")
    return PAGE_BREAK.join(page.strip("\n") for page in pages)


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            if textpage.count_chars() == len(text):  # pdfium's character indices are the text's positions
                text = _columns_as_tabs(textpage, text)
        finally:
            textpage.close()
    finally:
        page.close()
    if "\ufffe" in text:
        text = _LINE_END_HYPHEN.sub("-\n", text)
    return normalise(text)


def _columns_as_tabs(textpage: pdfium.PdfTextPage, text: str) -> str:
    """Tabs for the spaces that stand for a column gap on the page.

    pdfium splits a line into several rectangles only where the text has a gap (or changes font), so only
    those lines are measured character by character: a page of prose costs one call a line.
    """
    if textpage.count_rects() <= text.count("\n") + 1:
        return text  # no more rectangles than lines: not one line has a gap
    gaps: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        if " " not in line.group() or textpage.count_rects(line.start(), line.end() - line.start()) < 2:
            continue
        for spaces in _SPACES_BETWEEN_WORDS.finditer(text, line.start(), line.end()):
            left, bottom, right, top = textpage.get_charbox(spaces.start() - 1)
            next_left, next_bottom, _, next_top = textpage.get_charbox(spaces.end())
            height = max(top - bottom, next_top - next_bottom)
            if height > 0 and abs(bottom - next_bottom) < height and next_left - right > COLUMN_GAP_IN_HEIGHTS * height:
                gaps.append((spaces.start(), spaces.end()))
    if not gaps:
        return text
    pieces, previous = [], 0
    for start, end in gaps:
        pieces += [text[previous:start], "\t"]
        previous = end
    return "".join(pieces) + text[previous:]
