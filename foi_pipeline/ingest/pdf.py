"""PDF replies: the text layer through pdfium, scanned pages through OCR, page breaks kept as form feeds.

A page with no text layer (or only a few characters over a page-sized image, such as a stamped page number) is
a scan: it is rendered and read by OCR (foi_pipeline.ingest.ocr), so a PDF may mix typed and scanned pages.
The pages are then cleaned together (artefacts.py: hyphenated words whole, page furniture out).

pdfium returns "\\r\\n" line ends and marks a hyphen that ends a line with U+FFFE, dropping that line break
("pro\\ufffegramme"): we restore "-\\n" so the text reads as the page shows it.

pdfium also writes the cells of a table row with one space between them, like words ("Self-referred 12 N/A"), so
a table would read as a sentence. Where the gap on the page is wider than any word space we write a tab instead,
as Word and plain-text tables do, and the row reads as a row.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from foi_pipeline.ingest.artefacts import PAGE_BREAK
from foi_pipeline.ingest.ocr import OcrReader
from foi_pipeline.ingest.scan import PageText, Reading, assemble, ocr_page_text
from foi_pipeline.ingest.text import normalise

_LINE_END_HYPHEN = re.compile("\ufffe(?:\r?\n)?")
_LINE = re.compile("[^\r\n]+")
_SPACES_BETWEEN_WORDS = re.compile(r"(?<=\S) +(?=\S)")
# A gap wider than this many character heights separates columns: a word space is about a third of one (and up
# to two in a justified line of few words), a table's gutter is several.
COLUMN_GAP_IN_HEIGHTS = 2.5


# A page whose text layer has fewer characters than this over an image covering most of it is a scan.
SCAN_MAX_TEXT_CHARS = 40
SCAN_MIN_IMAGE_SHARE = 0.5


class NeedsOCR(Exception):
    """The PDF has pages but no text layer (a scan), and OCR is not available to read them."""


def pdf_to_text(data: bytes, reader: OcrReader | None = None) -> str:
    """Text of every page in order; raises NeedsOCR for scans OCR cannot read, pdfium's error for broken or locked files."""
    return read_pdf(data, reader).text


def read_pdf(data: bytes, reader: OcrReader | None = None) -> Reading:
    """Every page in order, from its text layer or, for a scanned page, by OCR through `reader` (a plain
    OcrReader, reading at once and caching nothing, when none is given). OcrPending passes through."""
    document = pdfium.PdfDocument(data)
    try:
        pages = [_page_text(document, index) for index in range(len(document))]
    finally:
        document.close()
    if not pages:
        raise ValueError("PDF has no pages")
    scans = [i for i, (_, scan) in enumerate(pages) if scan]
    texts = [PageText(text.strip("\n")) for text, _ in pages]
    if scans:
        reader = reader or OcrReader()
        reason = reader.unavailable()
        if reason and len(scans) == len(pages) and not any(t.text.strip() for t in texts):
            raise NeedsOCR(f"PDF has {len(pages)} page(s) but no text layer; it needs OCR, and OCR is not available: {reason}")
        if reason:
            for i in scans:
                texts[i].unread = reason
        else:
            for i, page in zip(scans, reader.pages(data, "pdf", scans)):
                texts[i] = ocr_page_text(page)
    reading = assemble(texts)
    if scans and not reading.text.strip():
        return Reading("", reading.text_source, reading.ocr_confidence, reading.ocr_pages,
                       empty_reason=f"PDF has {len(pages)} page(s) with no text layer, and OCR found no text on them")
    return reading


def _page_text(document: pdfium.PdfDocument, index: int) -> tuple[str, bool]:
    """The page's text layer, and whether the page is a scan to read by OCR."""
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            if textpage.count_chars() == len(text):  # pdfium's character indices are the text's positions
                text = _columns_as_tabs(textpage, text)
        finally:
            textpage.close()
        if "\ufffe" in text:
            text = _LINE_END_HYPHEN.sub("-\n", text)
        text = normalise(text)
        chars = len("".join(text.split()))
        scan = (chars == 0 and _draws_anything(page)) or (chars < SCAN_MAX_TEXT_CHARS and _mostly_image(page))
    finally:
        page.close()
    return text, scan


def _draws_anything(page: pdfium.PdfPage) -> bool:
    """A page with no text that draws nothing is blank, not a scan (text drawn as outlines is read by OCR)."""
    return next(iter(page.get_objects(max_depth=1)), None) is not None


def _mostly_image(page: pdfium.PdfPage) -> bool:
    """Whether one image covers most of the page: a scan, whatever few characters a tool stamped on it."""
    width, height = page.get_size()
    area = width * height
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = image.get_bounds()
        if area > 0 and (right - left) * (top - bottom) >= SCAN_MIN_IMAGE_SHARE * area:
            return True
    return False


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
