"""Tables inside answers: markdown, DOCX rows ("a | b | c") and plain-text columns aligned with spaces."""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.spans import Span

_SEPARATOR_ROW = re.compile(r"^[\s|:+\-=]+$")
_WORDS_RE = re.compile(r"\S+(?:[ ]\S+)*")
BULLET_MARK = r"[•·▪◦●○■□➢►*\-–—]"  # a list item's mark, which a tab may set off from its text
_BULLET_MARK_RE = re.compile(BULLET_MARK)
_COLUMN_GAP_RE = re.compile(r"\S(?:\t| {2,})\S")
_MAX_WRAPPED_LABEL = 200
_MAX_LONE_VALUE = 20
_MAX_WRAPPED_LINES = 3


@dataclass(frozen=True)
class Table:
    rows: list[list[Span]]  # cells with their spans; the first row is the header
    span: Span


def _cells(line: Span) -> list[Span] | None:
    text = line.text
    if "|" in text:
        inner = line
        stripped = text.strip()
        # Markdown rows have a border on both sides ("| a | b |"); a row written " | 20 | 15" (DOCX or HTML,
        # first cell empty) keeps that empty cell so its columns do not shift, as does " | Provider | A | B | " (a
        # sheet's row, its first and last cells empty: cells are joined by " | ", a border has no space before it).
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1 and not text.startswith(" | "):
            inner = line.sub(text.index("|") + 1, len(text))
            inner = inner.sub(0, inner.text.rstrip().rindex("|"))
        cells, pos = [], 0
        for part in inner.text.split("|"):
            cells.append(inner.sub(pos, pos + len(part)).strip())
            pos += len(part) + 1
        return cells if len(cells) >= 2 else None
    # Columns need a tab or two spaces between them: most lines are prose and stop here.
    if ("\t" not in text and "  " not in text) or not _COLUMN_GAP_RE.search(text):
        return None
    parts = list(_WORDS_RE.finditer(text))  # a cell's words are joined by single spaces: a tab or two spaces part cells
    if parts and _BULLET_MARK_RE.fullmatch(parts[0].group()):
        parts = parts[1:]  # "•<TAB>Scope: ...": a bullet set off by a tab, as Word lists are, is no cell
    if len(parts) >= 2:
        return [line.sub(m.start(), m.end()) for m in parts]
    return None


def find_tables(body: Span) -> list[Table]:
    """Runs of two or more consecutive lines that split into the same number of cells; failing those, a table
    flattened to single spaces, whose rows end in as many figures each."""
    if "|" not in body.text and "\t" not in body.text and "  " not in body.text:
        return _single_spaced_tables(body)  # no line has cell borders or a gap between columns
    return _bordered_tables(body) or _single_spaced_tables(body)


def _bordered_tables(body: Span) -> list[Table]:
    tables: list[Table] = []
    run: list[list[Span]] = []
    run_lines: list[Span] = []
    skip_to = 0  # lines taken into a row already (a wrapped label)
    pos = 0
    lines = body.text.split("\n")
    offsets = [0]
    for raw in lines:
        offsets.append(offsets[-1] + len(raw) + 1)
    for index, raw in enumerate([*lines, ""]):
        line_start = pos
        pos += len(raw) + 1
        if index < skip_to:
            continue
        blank = not raw.strip()
        if run and len(run) >= 2 and not blank and "|" not in run_lines[-1].text and not _COLUMN_GAP_RE.search(raw):
            merged = _wrapped_label_row(body, lines, offsets, index, len(run[0]))
            if merged is not None:
                row, line, skip_to = merged
                run.append(row)
                run_lines.append(line)
                continue
        if blank and run and "|" in run_lines[-1].text and _next_is_pipe_row(lines, index):
            continue  # pages that put each row in a paragraph separate rows with blank lines
        if (raw and "|" in raw and _SEPARATOR_ROW.match(raw)) or raw.strip().startswith("+-"):
            continue
        if blank or ("|" not in raw and "\t" not in raw and "  " not in raw):
            cells = None  # a row needs cell borders or a gap between columns
            if not run:
                continue  # and there is no run to close
        else:
            line = body.sub(line_start, line_start + len(raw))
            cells = _cells(line)
        if cells and len(run) == 1 and len(cells) == len(run[0]) + 1 and "|" not in raw:
            run[0].insert(0, run_lines[0].sub(0, 0))  # a header over the row labels' column leaves that cell blank
        elif cells and len(run) == 1 and len(cells) > len(run[0]) + 1 and "|" not in raw and \
                _heads_the_last_columns(run[0], run_lines[0], cells, line):
            # "            EPP      Make the Change" over "Q2  Males who self-referred   88   64": the header names
            # only the figures' columns; the label columns under it are blank
            run[0][:0] = [run_lines[0].sub(0, 0)] * (len(cells) - len(run[0]))
        elif cells and len(run) == 1 and "|" in raw and len(cells) > len(run[0]) + 1 and not cells[0].text.strip() and \
                (spread := spread_merged_headings(run[0], cells)) is not None:
            run[0] = spread  # headings merged over groups of stage columns, each written once (a sheet, a Word table)
        if cells and (not run or len(cells) == len(run[0]) or ("|" in raw and abs(len(cells) - len(run[0])) <= 1)):
            run.append(cells)
            run_lines.append(line)
            continue
        if len(run) >= 2:
            tables.append(Table(rows=_without_repeated_headers(run), span=Span(run_lines[0].start, run_lines[-1].end, body.text[run_lines[0].start - body.start : run_lines[-1].end - body.start])))
        run, run_lines = ([cells], [line]) if cells else ([], [])
    return tables


def _without_repeated_headers(rows: list[list[Span]]) -> list[list[Span]]:
    """A table that breaks across pages repeats its header rows on each page: later rows that read as the first
    row or the one under it are page furniture, not data."""
    headers = [[c.text for c in row] for row in rows[:2] if any(c.text.strip() and not c.text.strip()[0].isdigit() for c in row)]
    return rows[:2] + [row for row in rows[2:] if [c.text for c in row] not in headers]


_STAGE_RANK = {"referred": 0, "accepted": 1, "completed": 2}


def stage_groups(stages: list[Span]) -> list[list[int]]:
    """The columns of a row of stage headings in groups: each run of stages in funnel order ("Referred | Accepted |
    Completed", starting again at "Referred") is one group, every other column a group of its own."""
    groups: list[list[int]] = []
    last: int | None = None
    for i, cell in enumerate(stages):
        stage = lexicon.stage_named(cell.text) if cell.text.strip() else None
        rank = _STAGE_RANK.get(stage) if stage else None
        if rank is not None and last is not None and rank > last and groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
        last = rank
    return groups


def spread_merged_headings(top: list[Span], stages: list[Span]) -> list[Span] | None:
    """"| Programme | Provider | Self-referral | Agency referral | Budget |" over "| | | Referred | Accepted | Completed |
    Referred | ... | |": a sheet or a Word table writes a merged heading once, so the first row is narrower than the
    stages under it. Each run of stages (starting again at "Referred") takes one heading, every other column its
    own; the heading row spread the width of the stages (a blank over the rest of each group), or None if the two
    rows do not line up."""
    groups = stage_groups(stages)
    if len(groups) != len(top):
        return None
    spread: list[Span] = []
    for heading, columns in zip(top, groups):
        spread += [heading] + [heading.sub(0, 0)] * (len(columns) - 1)
    return spread


COLUMN_TOLERANCE = 3  # characters a figure may stand off the heading over it (centred, right-aligned)


def _heads_the_last_columns(header: list[Span], header_line: Span, cells: list[Span], line: Span) -> bool:
    """Whether each heading stands over one of the row's last cells, in order, by where they sit on their lines."""
    for heading, cell in zip(header, cells[len(cells) - len(header) :]):
        h0, h1 = heading.start - header_line.start, heading.end - header_line.start
        c0, c1 = cell.start - line.start, cell.end - line.start
        if c1 < h0 - COLUMN_TOLERANCE or c0 > h1 + COLUMN_TOLERANCE:
            return False
    return True


def _wrapped_label_row(body: Span, lines: list[str], offsets: list[int], index: int, width: int) -> tuple[list[Span], Span, int] | None:
    """A PDF writes a table cell by cell: a row label that wraps comes out as lines of its own, and the row's
    other cells follow on one line ("The total number of ... accepted on" / "to the programme" / "59<TAB><5").
    The row, its last line and the index after it; None unless such a line of the other cells follows."""
    for end in range(index + 1, min(index + _MAX_WRAPPED_LINES, len(lines)) + 1):
        if end >= len(lines) or not lines[end].strip():
            return None
        line = body.sub(offsets[end], offsets[end] + len(lines[end]))
        cells = _cells(line)
        if cells is None and width == 2 and len(lines[end].strip()) <= _MAX_LONE_VALUE:
            cells = [line.strip()]  # a table of labels and one column of values
        if cells is not None:
            if len(cells) != width - 1:
                return None
            label = body.sub(offsets[index], offsets[end] - 1).strip()
            return [label, *cells], line, end + 1
        if _COLUMN_GAP_RE.search(lines[end]) or offsets[end + 1] - offsets[index] > _MAX_WRAPPED_LABEL:
            return None
    return None


# A figure as a table cell holds it: "14", "1,250", "£96,250", "-", "n/a", "<5", "*", "nil"
_VALUE = r"(?:£?\d[\d,]*(?:\.\d+)?k?|[-–—*]|n/a|na|<[^\S\n]?\d+|nil)"
_FIGURES_AT_END_RE = re.compile(r"(?P<label>\S.*?)(?P<tail>(?:[^\S\n]+" + _VALUE + r"){2,})[^\S\n]*", re.IGNORECASE)
_TOKEN_RE = re.compile(r"\S+")
_FIGURES_AT_LINE_END_RE = re.compile(r"(?:\d|n/a|na|nil|[-–—*])[^\S\n]+" + _VALUE + r"[^\S\n]*$", re.IGNORECASE | re.MULTILINE)
MIN_SINGLE_SPACED_ROWS = 2
_DASH_RE = re.compile(r"[-–—]")
_HEADING_WORD_RE = re.compile(r"[A-Za-z]|\d{4}/\d{2}")
MAX_COLUMN_HEADING = 14
MAX_GROUP_LINE = 60


def _single_spaced_tables(body: Span) -> list[Table]:
    """"Measure Q1 Q2 Q3 Q4 Total" over "Self-referred 14 19 11 17 61": a table copied out of a PDF with one space
    between cells. Rows end in the same number of figures (at least two); the line above them names the columns
    in as many single words, after a heading for the labels' column (or none)."""
    if not _FIGURES_AT_LINE_END_RE.search(body.text):
        return []  # no line ends in a figure
    lines = body.text.split("\n")
    offsets = [0]
    for raw in lines:
        offsets.append(offsets[-1] + len(raw) + 1)
    tails: list[int] = []  # how many figures end each line (0: none)
    for raw in lines:
        m = _FIGURES_AT_END_RE.fullmatch(raw.strip())
        figures = _TOKEN_RE.findall(m.group("tail")) if m else []
        # "Accepted - 40" is a title, a dash and one figure: a row needs two figures that are not dashes
        tails.append(len(figures) if sum(not _DASH_RE.fullmatch(f) for f in figures) >= 2 else 0)
    tables, index = [], 1
    while index < len(lines):
        width = tails[index]
        if not width:
            index += 1
            continue
        first = index - 1 if _is_group_line(lines[index - 1]) and index >= 2 else index  # "Drive" over its rows
        header = _column_headings(body, offsets, first - 1, lines[first - 1], width)
        if header is None and first < index:
            first = index
            header = _column_headings(body, offsets, first - 1, lines[first - 1], width)
        end, items = first, []
        while end < len(lines):
            if tails[end] == width:
                items.append(_figure_cells(body, offsets[end], lines[end], width))
            elif _is_group_line(lines[end]) and end + 1 < len(lines) and tails[end + 1] == width:
                group = body.sub(offsets[end], offsets[end] + len(lines[end])).strip()
                items.append([group, *(body.sub(group.end - body.start, group.end - body.start) for _ in range(width))])
            elif lines[end].strip() or end + 1 >= len(lines) or tails[end + 1] != width:
                break
            end += 1
        if header is not None and sum(len(row[1].text) > 0 for row in items) >= MIN_SINGLE_SPACED_ROWS:
            last = end - 1
            while not lines[last].strip():
                last -= 1
            tables.append(Table(rows=[header, *items], span=body.sub(offsets[first - 1], offsets[last] + len(lines[last]))))
        index = max(end, index + 1)
    return tables


def _is_group_line(raw: str) -> bool:
    """A line naming what the rows under it are about ("Drive", "Ymlaen (October 2022 – March 2023)")."""
    stripped = raw.strip()
    return 0 < len(stripped) <= MAX_GROUP_LINE and stripped[0].isupper() and not stripped.endswith((".", ":"))


def _column_headings(body: Span, offsets: list[int], index: int, raw: str, width: int) -> list[Span] | None:
    tokens = list(_TOKEN_RE.finditer(raw))
    if len(tokens) < width or len(tokens) > width + 4 or any(len(t.group()) > MAX_COLUMN_HEADING for t in tokens[-width:]):
        return None
    if not all(_HEADING_WORD_RE.match(t.group()) for t in tokens[-width:]):
        return None  # column headings are words ("Referred", "Q1", "Total", "2022/23")
    base = offsets[index]
    corner = body.sub(base + tokens[0].start(), base + tokens[-width - 1].end()) if len(tokens) > width else body.sub(base, base)
    return [corner, *(body.sub(base + t.start(), base + t.end()) for t in tokens[-width:])]


def _figure_cells(body: Span, base: int, raw: str, width: int) -> list[Span]:
    tokens = list(_TOKEN_RE.finditer(raw))
    label = body.sub(base + tokens[0].start(), base + tokens[-width - 1].end())
    return [label, *(body.sub(base + t.start(), base + t.end()) for t in tokens[-width:])]


def _next_is_pipe_row(lines: list[str], index: int) -> bool:
    for following in lines[index + 1 :]:
        if following.strip():
            return "|" in following
    return False


def outside_tables(body: Span, tables: list[Table]) -> list[Span]:
    """The parts of a body that are not tables (notes above and below)."""
    out, pos = [], body.start
    for table in tables:
        if table.span.start > pos:
            out.append(body.sub(pos - body.start, table.span.start - body.start))
        pos = table.span.end
    if pos < body.end:
        out.append(body.sub(pos - body.start, body.end - body.start))
    return [s for s in out if s]
