"""PDF replies: the text layer through pdfium, scanned pages through OCR, page breaks kept as form feeds.

A page with no text layer (or only a few characters over a page-sized image, such as a stamped page number) is
a scan: it is rendered and read by OCR (foi_pipeline.ingest.ocr), so a PDF may mix typed and scanned pages.
The pages are then cleaned together (artefacts.py: hyphenated words whole, page furniture out).

pdfium returns "\\r\\n" line ends and marks a hyphen that ends a line with U+FFFE, dropping that line break
("pro\\ufffegramme"): we restore "-\\n" so the text reads as the page shows it.

pdfium also writes the cells of a table row with one space between them, like words ("Self-referred 12 N/A"), so
a table would read as a sentence. Where the gap on the page is wider than any word space we write a tab instead,
as Word and plain-text tables do, and the row reads as a row.

A table whose cells wrap ("Self-" / "referred") is read again from where its words sit on the page
(foi_pipeline.ingest.pdf_layout): its ruling lines, else its gutters, give the columns and rows, and it is written
as a Word table is, one line a row, cells joined with " | ". Only pages with a column gap on two lines or ruling
lines and a column gap on one are measured so; the rest of the page's text is as before.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_right

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from foi_pipeline.ingest.artefacts import PAGE_BREAK as PAGE_BREAK  # re-exported: a PDF's text splits into pages on it
from foi_pipeline.ingest.html_page import CELL_SEPARATOR
from foi_pipeline.ingest.ocr import OcrReader
from foi_pipeline.ingest.pdf_layout import Rule, Table, Word, find_tables
from foi_pipeline.ingest.scan import PageText, Reading, assemble, ocr_page_text
from foi_pipeline.ingest.text import normalise

_LINE_END_HYPHEN = re.compile("\ufffe(?:\r?\n)?")
_LINE = re.compile("[^\r\n]+")
_SPACES_BETWEEN_WORDS = re.compile(r"(?<=\S) +(?=\S)")
# A gap wider than this many character heights separates columns: a word space is about a third of one (and up
# to two in a justified line of few words), a table's gutter is several.
COLUMN_GAP_IN_HEIGHTS = 2.5
_WORD = re.compile("[^\\s\ufffe]+\ufffe?")
# Pages drawn with more path objects than this are charts or drawings, not ruled tables: their lines are not read.
MAX_PATHS = 2000


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
                gaps, gap_lines = _column_gaps(textpage, text)
                # A table has a column gap on one line at least; a page without one costs nothing more.
                rules = _rules(page) if gap_lines else []
                tables = _tables(textpage, text, rules) if gap_lines >= 2 or len(rules) >= 4 else []
                text = _compose(text, gaps, tables)
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


def _column_gaps(textpage: pdfium.PdfTextPage, text: str) -> tuple[list[tuple[int, int]], int]:
    """The runs of spaces that stand for a column gap on the page, and how many lines have one.

    pdfium splits a line into several rectangles only where the text has a gap (or changes font), so only
    those lines are measured character by character: a page of prose costs one call a line.
    """
    if textpage.count_rects() <= text.count("\n") + 1:
        return [], 0  # no more rectangles than lines: not one line has a gap
    gaps: list[tuple[int, int]] = []
    lines = 0
    for line in _LINE.finditer(text):
        if " " not in line.group() or textpage.count_rects(line.start(), line.end() - line.start()) < 2:
            continue
        before = len(gaps)
        for spaces in _SPACES_BETWEEN_WORDS.finditer(text, line.start(), line.end()):
            _, bottom, right, top = textpage.get_charbox(spaces.start() - 1)
            next_left, next_bottom, _, next_top = textpage.get_charbox(spaces.end())
            height = max(top - bottom, next_top - next_bottom)
            if height > 0 and abs(bottom - next_bottom) < height and next_left - right > COLUMN_GAP_IN_HEIGHTS * height:
                gaps.append((spaces.start(), spaces.end()))
        lines += len(gaps) > before
    return gaps, lines


def _rules(page: pdfium.PdfPage) -> list[Rule]:
    """The page's ruling lines, in top-down coordinates: thin path objects, and the straight edges of stroked
    paths (a table drawn as one rectangle a cell)."""
    raw = page.raw
    count = pdfium_c.FPDFPage_CountObjects(raw)
    paths = [obj for obj in (pdfium_c.FPDFPage_GetObject(raw, n) for n in range(max(count, 0)))
             if obj and pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_PATH]
    if not paths or len(paths) > MAX_PATHS:
        return []
    rules: list[Rule] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    for obj in paths:
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        width, height = right.value - left.value, top.value - bottom.value
        if min(width, height) <= 3 and max(width, height) > 3:  # a thin rectangle or a line
            rules.append(Rule(left.value, -top.value, right.value, -bottom.value))
            continue
        if not (pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke) and stroke.value
                and pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)):
            continue
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        points: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for n in range(min(pdfium_c.FPDFPath_CountSegments(obj), 64)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, n)
            if not segment or not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
                break
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = point
            elif kind == pdfium_c.FPDF_SEGMENT_LINETO and points:
                _edge(rules, points[-1], point)
            points.append(point)
            if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
                _edge(rules, point, start)
    return rules


def _edge(rules: list[Rule], p: tuple[float, float], q: tuple[float, float]) -> None:
    """A straight horizontal or vertical edge becomes a rule (of zero thickness)."""
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 0.5 < abs(x0 - x1) or abs(x0 - x1) < 0.5 < abs(y0 - y1):
        rules.append(Rule(min(x0, x1), -max(y0, y1), max(x0, x1), -min(y0, y1)))


def _tables(textpage: pdfium.PdfTextPage, text: str, rules: list[Rule]) -> list[tuple[Table, list[int]]]:
    """The page's tables, each with the character offsets of its words; words' boxes are pdfium's loose ones
    (the font's height, so the words of one line line up), flipped to top-down."""
    words: list[Word] = []
    starts: list[int] = []
    for match in _WORD.finditer(text):
        try:
            l0, b0, r0, t0 = textpage.get_charbox(match.start(), loose=True)
            l1, b1, r1, t1 = textpage.get_charbox(match.end() - 1, loose=True)
        except pdfium.PdfiumError:
            return []
        words.append(Word(match.group().replace("\ufffe", "-"), min(l0, l1), -max(t0, t1), max(r0, r1), -min(b0, b1)))
        starts.append(match.start())
    return [(table, sorted(starts[i] for i in table.words)) for table in find_tables(words, rules)]


def _compose(text: str, gaps: list[tuple[int, int]], tables: list[tuple[Table, list[int]]]) -> str:
    """The page's text with tabs at column gaps, and each table's lines replaced by its rows where its first
    line was. A table is kept only when each of its lines holds nothing but its words, so no text is lost."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    line_starts = [start for start, _ in lines]
    owner: dict[int, int] = {}
    for number, (_, offsets) in enumerate(tables):
        mine = {bisect_right(line_starts, offset) - 1 for offset in offsets}
        if any(line in owner for line in mine):
            continue
        words_in_lines = sum(len(_WORD.findall(text, *lines[line])) for line in mine)
        if words_in_lines != len(offsets):
            continue  # a line holds words outside the table: leave the text as it reads
        owner.update((line, number) for line in mine)
    if not owner and not gaps:
        return text
    tabs: dict[int, list[tuple[int, int]]] = {}
    for start, end in gaps:
        tabs.setdefault(bisect_right(line_starts, start) - 1, []).append((start, end))
    pieces: list[str] = [text[: lines[0][0]]] if lines else [text]
    written: set[int] = set()
    previous_end = lines[0][0] if lines else len(text)
    for number, (start, end) in enumerate(lines):
        table = owner.get(number)
        if table is not None and table in written:
            previous_end = end  # the break before a line that is already part of its table's rows goes too
            continue
        pieces.append(text[previous_end:start])
        if table is not None:
            written.add(table)
            pieces.append("\n".join(CELL_SEPARATOR.join(row) for row in tables[table][0].rows))
        else:
            cursor = start
            for gap_start, gap_end in tabs.get(number, ()):
                pieces += [text[cursor:gap_start], "\t"]
                cursor = gap_end
            pieces.append(text[cursor:end])
        previous_end = end
    pieces.append(text[previous_end:])
    return "".join(pieces)
