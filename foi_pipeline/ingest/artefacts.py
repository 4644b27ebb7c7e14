"""What printing, scanning and converting a letter add to its text, taken out before anything reads it.

Plain functions over a PDF's or a scan's pages. Two artefacts (ligatures, which are letters, are handled by
text.normalise for every format):

- words hyphenated at the end of a line ("pro-" / "gramme") are joined into one word on the first line, so a
  programme's name or a stage word reads whole; the hyphen stays where the word is a compound the reply writes
  with one elsewhere, or starts with a prefix written with one ("self-referred");
- page furniture: page numbers ("Page 2 of 3", "- 2 -", "2/3", a bare number that is the page's) and running
  headers and footers (the same line at the top or bottom of two pages or more: an OFFICIAL banner, the office's
  address) are removed; a running header is kept where it first appears, as the letter's heading.

The stored text is the cleaned one, so evidence spans index into what the extractor read; `clean_pages` says
where each character of the joined pages went, so spans found before cleaning (OCR's words) move with them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

PAGE_BREAK = "\n\f\n"
# Prefixes written with their hyphen: at a line end, the hyphen is the word's own, not the line's.
HYPHENATED_PREFIXES = frozenset({
    "self", "non", "co", "cross", "multi", "inter", "anti", "pre", "post", "ex", "sub", "semi", "well", "long", "short",
    "full", "part", "one", "two", "three", "four", "five", "six", "low", "high", "mid", "under", "over", "first",
    "second", "third", "year", "month", "week", "day", "in", "out", "on", "off", "up", "follow", "drop", "check",
})
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|-\s*\d{1,4}\s*-|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}\s+of\s+\d{1,4}|\[?\d{1,4}\]?)$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\[?(\d{1,4})\]?$")
# "Office of the PCC – www.example.gov.uk<TAB>Page 1 of 3": a running line that ends in its page number ("12 of 40"
# alone may be a table's last cell)
_TRAILING_PAGE_NUMBER = re.compile(r"\S(?:\t| {2,})page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_LAST_CELL_NUMBER = re.compile(r"(?:(?<=\t)|(?<=\|\s))\s*\d{1,4}\s*$")
_ANSWER_LABEL = re.compile(r"^(?:q(?:uestion)?\s*)?\(?\d{1,2}[.):]", re.IGNORECASE)  # "2. These are ...": an answer, never furniture
FURNITURE_ZONE = 4  # lines at the top and at the bottom of a page where furniture is looked for (a letterhead or footer may run to four)
_LINE_END_HYPHEN = re.compile(r"(?<![\w-])([A-Za-z]+)-\n([a-z]+)([.,;:)!?]*)([ \t]*)")


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str


class SpanMap:
    """Where spans of the text before a set of edits are in the text after them."""

    def __init__(self, edits: list[Edit]):
        self._edits = sorted(edits, key=lambda e: e.start)
        self._starts = [e.start for e in self._edits]
        shift, self._shifts = 0, []
        for edit in self._edits:
            shift += len(edit.replacement) - (edit.end - edit.start)
            self._shifts.append(shift)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The span's place after the edits, or None when an edit touched it (it was removed or rewritten)."""
        i = bisect_right(self._starts, start) - 1
        if i >= 0 and self._edits[i].end > start:
            return None
        j = i + 1
        if j < len(self._edits) and self._edits[j].start < end:
            return None
        shift = self._shifts[i] if i >= 0 else 0
        return start + shift, end + shift


def apply_edits(text: str, edits: list[Edit]) -> str:
    pieces, at = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        pieces += [text[at : edit.start], edit.replacement]
        at = edit.end
    return "".join(pieces) + text[at:]


def _lines(text: str, offset: int) -> list[tuple[int, int, str]]:
    """(start, end, stripped text) of each non-blank line, positions in the joined text."""
    out, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((offset + at, offset + at + len(line), line.strip()))
        at += len(line) + 1
    return out


def _cells(line: str) -> int:
    """How many cells a line splits into ("a | b", "a<TAB>b"): 1 for a line of prose."""
    return max(line.count(" | ") + 1, len([part for part in line.split("\t") if part.strip()]))


def _shape(line: str) -> str:
    """A line with its numbers blanked and spaces and case folded: 'Page 2 of 3' and 'Page 3 of 3' are alike. A line
    in cells keeps its numbers: table rows either side of a page break differ only in their figures."""
    kept = _LAST_CELL_NUMBER.sub("#", line) if _cells(line) > 1 else _DIGITS.sub("#", line)  # "Tel: 0191 221 9800<TAB>2"
    return " ".join(kept.lower().split())


def furniture_edits(pages: list[str]) -> list[Edit]:
    """Edits removing page numbers and repeated headers and footers, positions in PAGE_BREAK.join(pages)."""
    offsets, at = [], 0
    for page in pages:
        offsets.append(at)
        at += len(page) + len(PAGE_BREAK)
    zones: list[list[tuple[int, int, str, str]]] = []  # per page: (start, end, line, 'top'|'bottom')
    heads_a_table: set[int] = set()  # starts of top lines in cells over a line of as many cells: a table's header
    for page, offset in zip(pages, offsets):
        lines = _lines(page, offset)
        top = lines[:FURNITURE_ZONE]
        bottom = [line for line in lines[-FURNITURE_ZONE:] if line not in top]
        zones.append([(*line, "top") for line in top] + [(*line, "bottom") for line in bottom])
        for (start, _, line), following in pairwise(lines[: FURNITURE_ZONE + 1]):
            if _cells(line) > 1 and _cells(line) == _cells(following[2]):
                heads_a_table.add(start)
    removed: dict[int, int] = {}  # start -> end of each line to remove
    if len(pages) >= 2:
        seen_on: dict[tuple[str, str], set[int]] = {}
        for number, zone in enumerate(zones):
            for _, _, line, where in zone:
                words = sum(c.isalpha() for c in line) >= 3  # a figure alone is an answer or a page number, not a header
                if words and len(line) <= 160 and not _ANSWER_LABEL.match(line):
                    seen_on.setdefault((_shape(line), where), set()).add(number)
        repeated = {key for key, on in seen_on.items() if len(on) >= 2}
        kept_header: set[str] = set()
        for zone in zones:
            for start, end, line, where in zone:
                key = (_shape(line), where)
                if key not in repeated or start in heads_a_table:
                    continue  # a table's header repeated over its rows on the next page is the table's, kept
                if where == "top" and key[0] not in kept_header:
                    kept_header.add(key[0])  # the letter's heading where it first appears
                    continue
                removed[start] = end
    for number, zone in enumerate(zones):
        for start, end, line, _ in zone:
            bare = _BARE_NUMBER.match(line)
            if (_PAGE_NUMBER.match(line) and (not bare or int(bare.group(1)) == number + 1) and (len(pages) >= 2 or not bare)) or (len(pages) >= 2 and _TRAILING_PAGE_NUMBER.search(line)):
                removed[start] = end
    joined = PAGE_BREAK.join(pages)
    merged: list[list[int]] = []  # runs of removed lines, with only line breaks (or blank lines) between them
    for start, end in sorted(removed.items()):
        if merged and not joined[merged[-1][1] : start].strip(" \t\n"):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Edit(*_with_break(start, end, pages, offsets), "") for start, end in merged]


def _with_break(start: int, end: int, pages: list[str], offsets: list[int]) -> tuple[int, int]:
    """A removed line takes a line break with it: the one after it, or on a page's last line the one before."""
    page = bisect_right(offsets, start) - 1
    page_end = offsets[page] + len(pages[page])
    if end < page_end:
        return start, end + 1
    return (start - 1, end) if start > offsets[page] else (start, end)


def hyphen_edits(text: str) -> list[Edit]:
    """Edits joining words hyphenated at a line end: 'pro-\\ngramme costs' -> 'programme\\ncosts'."""
    lowered = text.lower()
    edits = []
    for match in _LINE_END_HYPHEN.finditer(text):
        first, second, punctuation, _spaces = match.groups()
        whole, compound = (first + second).lower(), f"{first}-{second}".lower()
        keep = first.lower() in HYPHENATED_PREFIXES or (compound in lowered and not re.search(rf"\b{re.escape(whole)}\b", lowered))
        joined = (f"-{second}" if keep else second) + punctuation
        rest = match.end()
        at_line_end = rest >= len(text) or text[rest] == "\n"
        # "-\ngramme costs" becomes "gramme\ncosts"; "-\ngramme" alone on its line becomes "gramme" (its break stays).
        edits.append(Edit(match.start(1) + len(first), match.end(), joined if at_line_end else joined + "\n"))
    return edits


def clean_pages(pages: list[str]) -> tuple[str, SpanMap]:
    """The pages joined (PAGE_BREAK between them) without furniture and with hyphenated words whole, and where
    the spans of the plain join went."""
    joined = PAGE_BREAK.join(pages)
    furniture = furniture_edits(pages)
    without = apply_edits(joined, furniture)
    first = SpanMap(furniture)
    hyphens = hyphen_edits(without)
    text = apply_edits(without, hyphens)
    second = SpanMap(hyphens)
    return text, _Chained(first, second)


class _Chained(SpanMap):
    """Two maps, one after the other."""

    def __init__(self, first: SpanMap, second: SpanMap):
        self.first, self.second = first, second

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        moved = self.first.span(start, end)
        return self.second.span(*moved) if moved is not None else None
