"""Tesseract's word boxes -> the lines of a page, laid out as a PDF text layer would give them.

Plain functions over plain data, no Tesseract here (foi_pipeline.ingest.ocr calls them). Tesseract reads a
scanned table as separate blocks, one column after another, so its own reading order turns a table into a run
of numbers. Here every word is placed by its box instead: words whose centres sit on one row of the page (once
the page's slight rotation is taken out) form one line, left to right, and a gap wider than any word space
becomes a tab, as pdf.py does for a text layer. A scanned table then reads row by row with tab-separated
cells, the structure the extractor already reads in PDF, Word and plain-text tables.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from foi_pipeline.ingest.text import normalise

# A gap wider than this many word heights separates columns. A word space is about a quarter of a word's
# height and a justified line's widest about one; the gutter between a table's columns is wider (measured on
# generated tables scanned at 150 to 300 dpi, tests/test_ocr_layout.py and tests/test_ingest_ocr.py).
COLUMN_GAP_IN_HEIGHTS = 2.0
# Words whose centres lie closer than this many word heights (after deskewing) are on one row.
SAME_ROW_IN_HEIGHTS = 0.5

# Characters Tesseract confuses with digits inside a figure (l/1, I/1, |/1, O/0, o/0, S/5, s/5, B/8, Z/2).
CONFUSABLE_IN_FIGURES = "lI|OoSsBZ"
_HAS_DIGIT = re.compile(r"\d")
_FIGURE_LIKE = re.compile(rf"^[(£$]?[\d{re.escape(CONFUSABLE_IN_FIGURES)}][\d,.{re.escape(CONFUSABLE_IN_FIGURES)}]*[%)]?$")
_EDGE_PUNCTUATION = ".,;:!?)(\"'"
# A question's number glued to its answer ("4.N/A"): OCR missed the space after the label.
# "£25.000": a point before three digits and no more, where OCR often reads a thousands comma as a point.
_POINT_FOR_COMMA = re.compile(r"\d\.\d{3}(?!\d)")
_GLUED_LABEL = re.compile(r"^(\(?\d{1,2}[.)])(?=[A-Za-z£])")


@dataclass(frozen=True)
class Word:
    """One word as Tesseract read it: its text, confidence (0-100) and box in pixels; `line` is Tesseract's own
    (block, paragraph, line) numbering, used only to measure the page's rotation."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int] = (0, 0, 0)

    @property
    def centre_x(self) -> float:
        return self.left + self.width / 2

    @property
    def centre_y(self) -> float:
        return self.top + self.height / 2


@dataclass(frozen=True)
class PlacedWord:
    """A word of the laid-out text: where it is in that text (0-based, end exclusive) and how sure OCR was."""

    start: int
    end: int
    text: str
    conf: float


@dataclass(frozen=True)
class PageLayout:
    text: str
    words: tuple[PlacedWord, ...]


def skew(words: list[Word]) -> float:
    """The page's rotation as a slope (pixels down per pixel right): the median over Tesseract's lines of the
    slope through their words' bottoms. A scan fed in a little crooked drifts by more than a line height across
    the page, so rows can only be found once this is taken out."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    slopes = []
    for members in lines.values():
        if len(members) < 2:
            continue
        xs = [w.centre_x for w in members]
        ys = [w.top + w.height for w in members]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        if spread > 0:
            slopes.append(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread)
    if not slopes:
        return 0.0
    slope = statistics.median(slopes)
    return slope if abs(slope) < 0.1 else 0.0  # over about 6 degrees: not a slight rotation; leave it alone


def rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped into the page's rows, top to bottom, each row left to right."""
    kept = [w for w in words if w.text.strip()]
    if not kept:
        return []
    slope = skew(kept)
    unit = statistics.median(w.height for w in kept) or 1
    level = {id(w): w.centre_y - slope * w.centre_x for w in kept}
    ordered = sorted(kept, key=lambda w: level[id(w)])
    grouped: list[list[Word]] = []
    row_level = 0.0
    for word in ordered:
        if grouped and level[id(word)] - row_level <= SAME_ROW_IN_HEIGHTS * unit:
            grouped[-1].append(word)
            row_level = sum(level[id(w)] for w in grouped[-1]) / len(grouped[-1])
        else:
            grouped.append([word])
            row_level = level[id(word)]
    return [sorted(row, key=lambda w: w.left) for row in grouped]


def layout_page(words: list[Word]) -> PageLayout:
    """The page's text, one line per row, a tab for a column gap, and where each word landed in it.

    Each word's text goes through the one normalisation (ligatures become letters) before it is placed, so the
    spans are exact in the text returned."""
    pieces: list[str] = []
    placed: list[PlacedWord] = []
    at = 0
    for row in rows(words):
        if pieces:
            pieces.append("\n")
            at += 1
        previous: Word | None = None
        for word in row:
            text = " ".join(normalise(word.text).split())
            if not text:
                continue
            glued = _GLUED_LABEL.match(text)
            if glued:
                text = f"{glued.group(1)} {text[glued.end():]}"
            if previous is not None:
                gap = word.left - (previous.left + previous.width)
                height = max(previous.height, word.height, 1)  # the taller of the two, as pdf.py measures a gap
                separator = "\t" if gap > COLUMN_GAP_IN_HEIGHTS * height else " "
                pieces.append(separator)
                at += 1
            pieces.append(text)
            placed.append(PlacedWord(at, at + len(text), text, word.conf))
            at += len(text)
            previous = word
    return PageLayout("".join(pieces), tuple(placed))


def figure_doubt(text: str, conf: float, min_conf: float) -> str | None:
    """Why an OCR'd word that may be a figure must not be trusted as read, or None.

    A figure is never guessed: a digit read with little confidence, or a letter that OCR confuses with a digit
    inside something that looks like a number ('1O5', 'l2', '£25,0OO'), is reported as it stands."""
    core = text.strip(_EDGE_PUNCTUATION)
    if not core or not _HAS_DIGIT.search(core):
        return None
    confused = sorted({c for c in core if c in CONFUSABLE_IN_FIGURES})
    if confused and _FIGURE_LIKE.match(core):
        letters = ", ".join(f"'{c}'" for c in confused)
        return f"holds {letters}, which OCR confuses with digits"
    if _POINT_FOR_COMMA.search(core) and not re.search(r"\d,\d{3}", core):
        return "has a point before three digits, where OCR often reads a thousands comma as a point"
    if conf < min_conf:
        return f"was read with {conf:.0f} % confidence (below {min_conf:.0f} %)"
    return None
