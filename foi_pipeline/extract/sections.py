"""Replies that answer the whole request once per programme: "Programme one: X" then answers 1 to 10, then
"Programme two: Y" and answers 1 to 10 again.

A section starts where the answers start over (a question already answered comes back after other answers).
Each section is about the programme its heading or its own scope answer names, and its answers speak of that
programme only, even when they never name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.programmes import looks_like_name
from foi_pipeline.extract.segment import Block, QuestionTable
from foi_pipeline.extract.spans import Span

MIN_QUESTIONS = 3  # a section answers at least this many questions: one repeated answer is a misnumbering, not a section

_ORDINAL = r"(?:\d{1,2}|one|two|three|four|five|six|[a-f]\b|[ivx]{1,4}\b)"
# "Programme one:", "PROGRAMME 2 –", "Section B.", "Part 2:": the words that count sections, not the name
_COUNTED_RE = r"(?:programme|intervention|service|project|scheme|section|part|response)s?\s*(?:no\.?\s*)?" + _ORDINAL + r"\s*(?:[:.\-–—)]\s*|\s+)"
_SECTION_PREFIX_RE = re.compile(
    r"^\s*(?:" + _COUNTED_RE + r"|" + _ORDINAL + r"[.)]\s+)?(?:answers?\s+(?:for|about|regarding|relating\s+to)\s+(?:the\s+)?)?",
    re.IGNORECASE,
)
_COUNTED_PREFIX_RE = re.compile(r"^[\s#*_]*" + _COUNTED_RE, re.IGNORECASE)  # "Programme 2:" says it heads a section
_COUNTED_ALONE_RE = re.compile(r"[#*_]*(?:programme|intervention|service|project|scheme|section|part)s?\s*(?:no\.?\s*)?" + _ORDINAL + r"[\s:.]*", re.IGNORECASE)
_HEADING_MARKS = " \t#*_=:–—-"
_DESCRIPTION_DASH_RE = re.compile(r"\s+[–—-]\s+")


@dataclass
class Section:
    blocks: list[Block]
    heading: Span | None  # "Programme two: Stalking Perpetrator Intervention", where the reply gives one
    provider: Span | None = None  # the programme's cell in a table's "Provider" column


def _keys(block: Block) -> set[str]:
    return {q.key for q in block.questions}


def _is_scope(block: Block) -> bool:
    return bool(block.questions) and block.questions[0].table == "programmes"


def split_sections(blocks: list[Block], preamble: Span, order: dict[str, int]) -> list[Section]:
    """The reply's sections, one per programme; [] when the reply answers the request once (the usual case).

    `order` is each question's place in the request: answers start over when a question already answered comes
    back with the one after it, at the start of the request (a misnumbered answer repeats one question only)."""
    runs: list[list[Block]] = []
    current: list[Block] = []
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        keys = _keys(block)
        answered_more_than_scope = any(not _is_scope(b) for b in current if b.questions)
        if keys & seen and answered_more_than_scope and _starts_over(blocks[i : i + 2], order):
            runs.append(current)
            current, seen = [], set()
        current.append(block)
        seen |= keys
    runs.append(current)
    if len(runs) < 2 or any(len(set().union(*(_keys(b) for b in run))) < MIN_QUESTIONS for run in runs):
        return []
    runs[-1] = _without_shared_tail(runs[-1])
    sections = []
    for i, run in enumerate(runs):
        heading = trailing_heading(preamble, whole=True) if i == 0 else trailing_heading(runs[i - 1][-1].body, whole=False)
        if heading is None and i == 0 and len(run) > 1 and _is_scope(run[0]):
            # "Question 1" describes every programme and ends with the first table's caption ("Table 1: Drive"):
            # the scope answer is the whole reply's, the caption heads the first programme's answers
            heading = trailing_heading(run[0].body, whole=False)
            if heading is not None:
                run = run[1:]
        if (heading is not None and i > 0) or (heading is not None and i == 0 and run is not runs[0]):
            last = runs[i - 1][-1] if i > 0 else runs[0][0]  # the heading is not part of the answer it follows
            last.body = last.body.sub(0, heading.start - last.body.start).strip()
        sections.append(Section(run, heading))
    if not all(s.heading is not None or any(_is_scope(b) for b in s.blocks) for s in sections):
        return []  # a section must say which programme it is about
    return sections


def _without_shared_tail(run: list[Block]) -> list[Block]:
    """The last programme's answers ("2.", "3.", ... in its table), then answers labelled in another style
    ("Question 8 – referring organisations") about every programme: the tail is the whole reply's, not a section's."""
    styles = [_style(b) for b in run]
    first = styles[0]
    for i, style in enumerate(styles):
        if i and first is not None and style is not None and style != first:
            return run[:i]
    return run


_DIGITS_RE = re.compile(r"\d+")


def _style(block: Block) -> str | None:
    return _DIGITS_RE.sub("#", block.label.text).lower() if block.label is not None else None


def _starts_over(two: list[Block], order: dict[str, int]) -> bool:
    """Whether two answers are the request's first or second question and the one after it."""
    places = [min((order.get(q.key, 99) for q in b.questions), default=99) for b in two]
    if len(places) == 2 and places[0] == 0 and places[1] < 99:
        return True  # the scope answer again, then any other: the next programme's answers (its own may skip some)
    return len(places) == 2 and places[0] <= 1 and places[1] == places[0] + 1


def trailing_heading(span: Span, whole: bool) -> Span | None:
    """The line that ends a span after a blank line (or is all of it, if `whole`, or says "Programme 2:") and names a
    programme: the next section's heading ("PROGRAMME TWO: Drive Project"). A closing remark under an answer names none."""
    text = span.text.rstrip()
    last_line = text[text.rfind("\n") + 1 :]
    if "\n" in text and _HEADER_ROW_RE.match(last_line):
        # "Table 2: Project Shift (2022/23)" over "Question | Figure": the caption above the next table's header row
        caption = span.sub(0, len(text[: text.rfind("\n")].rstrip()))
        line = caption.sub(caption.text.rfind("\n") + 1, len(caption.text)).strip()
        return caption_name(line, adjoining=True) if _TABLE_CAPTION_RE.match(line.text) else None
    blank, last = text.rfind("\n\n"), text.rfind("\n")
    before_last = text.rfind("\n", 0, last) if last > 0 else -1
    if last >= 0 and _COUNTED_PREFIX_RE.match(text[last + 1 :]):
        line_start = last + 1  # a line under the answer with no blank line between (PDF text has none) must say "Programme 2:"
    elif last > 0 and _COUNTED_ALONE_RE.fullmatch(text[before_last + 1 : last].strip()):
        # "Programme B" on a line of its own, then the name: "Stalking Perpetrator Intervention (STRIDE) | " (a title row)
        line = span.sub(last + 1, len(text)).strip()
        title = line.sub(0, line.text.find(" |")) if " |" in line.text else line
        bracket = title.text.find(" (")
        title = title.sub(0, bracket) if bracket > 0 and ")" not in title.text[bracket:] else title  # "X (Domestic Abuse" | "...)"
        return title if looks_like_name(heading_name(title).text) else None
    elif blank >= 0:
        line_start = blank + 2
    elif whole and "\n" not in text.strip():
        line_start = 0
    else:
        return None
    line = span.sub(line_start, len(text)).strip()
    if not line or "\n" in line.text or line.text.rstrip(_HEADING_MARKS).endswith((".", "?", "!", ",", ";")):
        return None
    return line if looks_like_name(heading_name(line).text) else None


# "Question | Figure", "Question | Response": a question-and-answer table's header row
_HEADER_ROW_RE = re.compile(r"^\s*(?:no\.?\s*\|\s*)?(?:question|measure|item)s?\s*\|\s*(?:figure|answer|response|number|value|count|data)s?\s*$", re.IGNORECASE)
_TABLE_CAPTION_RE = re.compile(r"^\s*table\s+(?:\d{1,2}[a-z]?|[a-z])\s*[:.\-–—]\s*", re.IGNORECASE)
_TABLE_WORD_RE = re.compile(r"^\s*table\b", re.IGNORECASE)
_NOT_IN_A_NAME_RE = re.compile(r"[\d:]")  # "Date: 19 October 2023", "2022/23": no programme's name


def caption_name(line: Span, adjoining: bool) -> Span | None:
    """The programme a table's caption names, or None: "Table 1: Drive" (a line describing it may stand between),
    or, on the line `adjoining` the table, a heading-like line "Steady Steps (Hartwell Trust) – 2022/23". A caption
    of a topic ("Table 3: Funding", "Self-referrals") names no programme."""
    m = _TABLE_CAPTION_RE.match(line.text)
    if not (m or adjoining) or line.text.rstrip().endswith((".", "?", "!", ",", ";", ":")) or len(line.text) > 120 \
            or (not m and _TABLE_WORD_RE.match(line.text)):
        return None
    name = heading_name(line.sub(m.end() if m else 0, len(line.text)))
    bracket = name.text.find(" (")
    if bracket > 0:
        name = name.sub(0, bracket)  # "Steady Steps (Hartwell Trust)": who runs it is no part of its name
    if lexicon.stage_named(name.text) or lexicon.route_named(name.text, label=True) or lexicon.TABLE_HEADING_RE.match(name.text) \
            or _NOT_IN_A_NAME_RE.search(name.text):
        return None
    return name if looks_like_name(name.text) else None


def heading_name(heading: Span) -> Span:
    """The programme's name within a section heading: without "Programme two:", "Answers for the" or marks."""
    inner = heading.strip(_HEADING_MARKS)
    m = _SECTION_PREFIX_RE.match(inner.text)
    name = inner.sub(m.end(), len(inner.text)).strip(_HEADING_MARKS) if m else inner
    dash = _DESCRIPTION_DASH_RE.search(name.text)
    if dash and looks_like_name(name.text[: dash.start()]):
        name = name.sub(0, dash.start())  # "Clear Path – stalking perpetrator intervention": the name before the dash
    return name


def table_sections(table: QuestionTable) -> list[Section]:
    """A reply that is one table, a column per programme: each column is a section, its cells the answers."""
    sections = []
    for i, column in enumerate(table.columns):
        blocks = [Block(label=None, heading=cell, body=cells[i], questions=[question], alignment="heading")
                  for question, cell, cells in table.rows if i < len(cells)]
        provider = table.providers[i] if i < len(table.providers) else None
        sections.append(Section(blocks, column if looks_like_name(heading_name(column).text) else None, provider))
    return sections
