"""Tables on a page, from the boxes of its words and its ruling lines: rows of cells, one string a cell.

A text layer gives a table's words in drawing order, so a cell that wraps ("Self-" / "referred") reads as lines
of its own and the table's rows are lost. Here the table is laid out again from where its words sit on the page:
columns from the vertical rules where the table is ruled, else from gutters (x-ranges no word of the table
touches); rows from the horizontal rules, else from the lines that start a new entry; the words of one cell,
over however many lines, joined into one string.

Plain functions over plain boxes, so that any reader of word boxes (pdfium's text layer, an OCR engine) can
use them. Coordinates grow rightwards and downwards (top < bottom), as in an image; a PDF reader flips y.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import NamedTuple

# A line of a table has at least one gap this many line heights wide between two of its words: a word space is
# about a quarter of one, a column gutter more.
MIN_COLUMN_GAP = 1.5
# A gutter (an x-range that no word of the table touches) narrower than this many line heights is a word space.
MIN_GUTTER = 0.5
# Lines further apart than this many line heights (blank space between them) are not one table.
MAX_LINE_SPACING = 2.5
# A rule is at most this many line heights thick ...
MAX_RULE_THICKNESS = 0.5
# ... and at least this long, relative to its thickness.
MIN_RULE_ASPECT = 3.0


class Word(NamedTuple):
    """A word and its box."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


class Rule(NamedTuple):
    """A ruling line: a thin rectangle (a line of zero thickness is fine)."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Table:
    """A table found on a page: its box, its rows of cell texts, and which of the words given it holds."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]
    words: frozenset[int]


def find_tables(words: Sequence[Word], rules: Iterable[Rule] = ()) -> list[Table]:
    """Every table on the page, top to bottom: ruled ones from their grid, then borderless ones from gutters.

    A table has at least two rows and two columns with text; anything less is left to the text as it reads.
    Table.words are indices into words; blank words and boxes that are not finite are never part of a table.
    """
    given = words
    keep = [i for i, w in enumerate(given) if w.text.strip() and _finite(w) and w.x1 >= w.x0 and w.bottom >= w.top]
    words = [given[i] for i in keep]
    if len(words) < 4:
        return []
    height = _median([w.bottom - w.top for w in words]) or 1.0
    tables: list[Table] = []
    taken: set[int] = set()
    for grid in _grids([r for r in rules if _finite(r)], height):
        table = _ruled_table(words, grid, height)
        if table is not None and not (table.words & taken):
            tables.append(table)
            taken |= table.words
    free = [i for i in range(len(words)) if i not in taken]
    tables += _gutter_tables(words, free, height)
    tables = [replace(t, words=frozenset(keep[i] for i in t.words)) for t in tables]  # indices into the words given
    return sorted(tables, key=lambda t: (t.top, t.x0))


# --- lines -----------------------------------------------------------------------------------------------------


def group_lines(words: Sequence[Word], which: Iterable[int] | None = None) -> list[list[int]]:
    """Indices of the words, as visual lines top to bottom, each left to right.

    A word joins a line when its middle lies within the vertical extent of the line's first word.
    """
    order = sorted(range(len(words)) if which is None else which, key=lambda i: (words[i].top + words[i].bottom) / 2)
    lines: list[list[int]] = []
    top = bottom = 0.0
    for i in order:
        w = words[i]
        middle = (w.top + w.bottom) / 2
        if lines and top <= middle <= bottom:
            lines[-1].append(i)
        else:
            lines.append([i])
            top, bottom = w.top, w.bottom
    for line in lines:
        line.sort(key=lambda i: words[i].x0)
    return lines


def _line_box(words: Sequence[Word], line: list[int]) -> tuple[float, float, float]:
    """(top, bottom, height) of a line."""
    top = min(words[i].top for i in line)
    bottom = max(words[i].bottom for i in line)
    return top, bottom, max(bottom - top, 1e-6)


def join_cell(words: Sequence[Word], cell: list[int], line_of: dict[int, int]) -> str:
    """The words of one cell in reading order, one space between them; a hyphen that ends a line ('Self-' /
    'referred') joins the next line's word without a space ('Self-referred')."""
    ordered = sorted(cell, key=lambda i: (line_of.get(i, 0), words[i].x0))
    out = ""
    previous_line = None
    for i in ordered:
        text = words[i].text.strip()
        line = line_of.get(i, 0)
        if not out:
            out = text
        elif line != previous_line and len(out) > 1 and out.endswith("-") and out[-2].isalpha():
            out += text
        else:
            out += " " + text
        previous_line = line
    return out


# --- ruled tables ------------------------------------------------------------------------------------------------


def _grids(rules: list[Rule], height: float) -> list[tuple[list[Rule], list[Rule]]]:
    """Connected groups of horizontal and vertical rules with at least two of each: the grids of ruled tables."""
    thickness = MAX_RULE_THICKNESS * height
    horizontal, vertical = [], []
    for r in rules:
        x0, x1 = sorted((r.x0, r.x1))
        top, bottom = sorted((r.top, r.bottom))
        width, tall = x1 - x0, bottom - top
        if tall <= thickness and width >= max(MIN_RULE_ASPECT * tall, height):
            horizontal.append(Rule(x0, top, x1, bottom))
        elif width <= thickness and tall >= max(MIN_RULE_ASPECT * width, height):
            vertical.append(Rule(x0, top, x1, bottom))
    if len(horizontal) < 2 or len(vertical) < 2 or len(horizontal) + len(vertical) > 5000:
        return []
    every = horizontal + vertical
    parent = list(range(len(every)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tolerance = max(2.0, 0.2 * height)
    for a, h in enumerate(horizontal):
        for b, v in enumerate(vertical, len(horizontal)):
            if (v.x0 - tolerance <= h.x1 and h.x0 - tolerance <= v.x1
                    and h.top - tolerance <= v.bottom and v.top - tolerance <= h.bottom):
                parent[root(a)] = root(b)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, r in enumerate(every):
        group = groups.setdefault(root(i), ([], []))
        group[0 if i < len(horizontal) else 1].append(r)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _cuts(positions: list[float], tolerance: float) -> list[float]:
    """Positions closer than tolerance to the previous one are one."""
    out: list[float] = []
    for p in sorted(positions):
        if not out or p - out[-1] > tolerance:
            out.append(p)
    return out


def _ruled_table(words: Sequence[Word], grid: tuple[list[Rule], list[Rule]], height: float) -> Table | None:
    horizontal, vertical = grid
    x0 = min(r.x0 for r in horizontal + vertical)
    x1 = max(r.x1 for r in horizontal + vertical)
    top = min(r.top for r in horizontal + vertical)
    bottom = max(r.bottom for r in horizontal + vertical)
    inside = [i for i, w in enumerate(words)
              if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom]
    if len(inside) < 4:
        return None
    tolerance = max(1.0, 0.3 * height)
    width = x1 - x0
    # A horizontal rule cuts rows where rules at its height cover half the table's width (not a rule under one
    # spanning heading); every vertical rule cuts columns.
    by_height: dict[float, float] = {}
    for y in _cuts([(r.top + r.bottom) / 2 for r in horizontal], tolerance):
        by_height[y] = sum(r.x1 - r.x0 for r in horizontal if abs((r.top + r.bottom) / 2 - y) <= tolerance)
    row_cuts = [y for y, covered in by_height.items() if covered >= width / 2]
    column_cuts = _cuts([(r.x0 + r.x1) / 2 for r in vertical], tolerance)
    row_cuts = _cuts([top, *row_cuts, bottom], tolerance)
    column_cuts = _cuts([x0, *column_cuts, x1], tolerance)
    lines = group_lines(words, inside)
    line_of = {i: n for n, line in enumerate(lines) for i in line}
    bands: list[list[list[int]]] = [[] for _ in range(len(row_cuts) - 1)]
    for line in lines:
        parts: dict[int, list[int]] = {}
        for i in line:
            parts.setdefault(_slot(row_cuts, (words[i].top + words[i].bottom) / 2), []).append(i)
        for at, part in parts.items():
            bands[at].append(part)
    bands = [band for band in bands if band]
    columns = len(column_cuts) - 1

    def column(i: int) -> int:
        return _slot(column_cuts, (words[i].x0 + words[i].x1) / 2)

    # A band between two rules is one row, however many lines its cells take. In a table ruled round the edge and
    # under the heading only (two bands), a band whose lines read as whole rows of their own, each with a label
    # and a figure, is that many rows.
    cells = []
    for band in bands:
        split = _rows(words, band, column, columns) if len(bands) <= 2 else []
        if len(split) >= 2 and all(row[0] and sum(1 for part in row if part) >= 2 for row in split):
            cells += split
        else:
            row = [i for line in band for i in line]
            cells.append([[i for i in row if column(i) == c] for c in range(columns)])
    return _table(words, cells, line_of, (x0, top, x1, bottom), inside)


def _slot(cuts: list[float], value: float) -> int:
    """Which interval between consecutive cuts holds value (the nearest one at either end)."""
    for n in range(1, len(cuts) - 1):
        if value < cuts[n]:
            return n - 1
    return len(cuts) - 2


def _table(words: Sequence[Word], cells: list[list[list[int]]], line_of: dict[int, int],
           box: tuple[float, float, float, float], members: list[int]) -> Table | None:
    """Drop empty rows and columns; a table has two rows and two columns at least."""
    cells = [row for row in cells if any(row)]
    if not cells:
        return None
    used = [c for c in range(len(cells[0])) if any(row[c] for row in cells)]
    if len(cells) < 2 or len(used) < 2:
        return None
    rows = tuple(tuple(join_cell(words, row[c], line_of) for c in used) for row in cells)
    return Table(*box, rows=rows, words=frozenset(members))


# --- rows from lines ---------------------------------------------------------------------------------------------


def _rows(words: Sequence[Word], lines: list[list[int]], column, columns: int) -> list[list[list[int]]]:
    """Lines into rows of cells, where no rule says where a row ends.

    Where the spacing between lines takes two sizes (cells with padding), the wider spacing starts a row. Else a
    line continues the row above when it fills fewer columns than the row's first line, all of them columns the
    row has, and its first column is empty or goes on in lower case ('7. Agency-referred males' / 'completed').
    """
    if not lines:
        return []
    tops = [min(words[i].top for i in line) for line in lines]
    spacings = [b - a for a, b in pairwise(tops)]
    threshold = _spacing_threshold(spacings)
    rows: list[list[list[int]]] = []
    first_filled: set[int] = set()
    filled: set[int] = set()
    for n, line in enumerate(lines):
        parts: list[list[int]] = [[] for _ in range(columns)]
        for i in line:
            parts[column(i)].append(i)
        here = {c for c in range(columns) if parts[c]}
        if not rows:
            starts = True
        elif threshold is not None:
            starts = spacings[n - 1] > threshold
        else:
            lead = " ".join(words[i].text for i in parts[0]) if parts else ""
            starts = not (here <= filled and len(here) < len(first_filled)
                          and (0 not in here or lead[:1].islower() or lead[:1] in "(&"))
        if starts:
            rows.append(parts)
            first_filled, filled = here, set(here)
        else:
            for c in range(columns):
                rows[-1][c] += parts[c]
            filled |= here
    return rows


def _spacing_threshold(spacings: list[float]) -> float | None:
    """The spacing between the two sizes, when the spacings between lines take two clearly different sizes."""
    if len(spacings) < 2:
        return None
    ordered = sorted(spacings)
    if ordered[0] <= 0 or ordered[-1] < 1.25 * ordered[0]:
        return None
    jump, at = max((b / max(a, 1e-6), n) for n, (a, b) in enumerate(pairwise(ordered)))
    if jump < 1.25:
        return None
    return (ordered[at] + ordered[at + 1]) / 2


# --- borderless tables -------------------------------------------------------------------------------------------


def _gutter_tables(words: Sequence[Word], free: list[int], height: float) -> list[Table]:
    """Tables without rules: runs of lines, close together, whose words keep to columns with gutters between.

    A run starts and ends with a line that has a column gap; lines between them that cross a gutter (prose)
    split it; a line right after it that goes on in lower case inside the columns is the last row's wrap.
    """
    lines = group_lines(words, free)
    if len(lines) < 2:
        return []
    seeds = [_has_gap(words, line) for line in lines]
    if sum(seeds) < 2:
        return []
    tables: list[Table] = []
    n = 0
    while n < len(lines):
        if not seeds[n]:
            n += 1
            continue
        end = n
        m = n + 1
        while m < len(lines) and _close(words, lines[m - 1], lines[m]):
            if seeds[m]:
                end = m
            m += 1
        table, used = _gutter_table(words, lines, n, end, seeds)
        if table is not None:
            tables.append(table)
            n = used
        else:
            n += 1
    return tables


def _close(words: Sequence[Word], above: list[int], below: list[int]) -> bool:
    top, bottom, h = _line_box(words, above)
    next_top = min(words[i].top for i in below)
    return next_top - bottom <= MAX_LINE_SPACING * h and next_top > top


def _has_gap(words: Sequence[Word], line: list[int]) -> bool:
    h = _line_box(words, line)[2]
    return any(words[b].x0 - words[a].x1 >= MIN_COLUMN_GAP * h for a, b in pairwise(line))


def _gutters(words: Sequence[Word], lines: list[list[int]], height: float,
             confirming: list[list[int]] | None = None) -> list[tuple[float, float]]:
    """X-ranges no word of the lines touches, wider than two word spaces, each crossed by a column gap on at
    least one line (of confirming, when given)."""
    spans = sorted((words[i].x0, words[i].x1) for line in lines for i in line)
    narrowest = max(MIN_GUTTER * height, 2 * _word_space(words, lines))
    empty: list[tuple[float, float]] = []
    right = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - right >= narrowest:
            empty.append((right, x0))
        right = max(right, x1)
    confirmed = []
    for g0, g1 in empty:
        for line in lines if confirming is None else confirming:
            h = _line_box(words, line)[2]
            if any(words[a].x1 <= g0 and words[b].x0 >= g1 and words[b].x0 - words[a].x1 >= MIN_COLUMN_GAP * h
                   for a, b in pairwise(line)):
                confirmed.append((g0, g1))
                break
    return confirmed


def _word_space(words: Sequence[Word], lines: list[list[int]]) -> float:
    """The usual space between two words of a line (gaps under a line height), 0 when no line has two words."""
    spaces = []
    for line in lines:
        h = _line_box(words, line)[2]
        spaces += [g for a, b in pairwise(line) if 0 < (g := words[b].x0 - words[a].x1) < h]
    return _median(spaces)


def _crosses(words: Sequence[Word], line: list[int], gutters: list[tuple[float, float]]) -> bool:
    return any(words[i].x0 < g1 and words[i].x1 > g0 for i in line for g0, g1 in gutters)


def _gutter_table(words: Sequence[Word], lines: list[list[int]], start: int, end: int,
                  seeds: list[bool]) -> tuple[Table | None, int]:
    """The table in lines[start..end] (both with gaps), cut short at the first line that crosses its gutters;
    (None, start + 1) when there is none. The second value is the index of the first line after the table."""
    while end > start:
        block = lines[start:end + 1]
        height = _median([_line_box(words, line)[2] for line in block]) or 1.0
        with_gaps = [line for line, seed in zip(block, seeds[start:end + 1]) if seed]
        gutters = _gutters(words, with_gaps, height)
        if not gutters:
            return None, start + 1
        fitting = _gutters(words, block, height, with_gaps)
        if len(fitting) == len(gutters):  # the lines without a gap keep to the columns too: the gutters narrow
            gutters = fitting
        crossing = next((k for k, line in enumerate(block) if _crosses(words, line, gutters)), None)
        if crossing is not None:
            # keep the lines before the first line that crosses, back to the last one with a gap
            last = start + crossing - 1
            while last > start and not seeds[last]:
                last -= 1
            end = last
            continue
        after = end + 1
        if after < len(lines) and not seeds[after] and _close(words, lines[end], lines[after]):
            line = lines[after]
            if words[line[0]].text[:1].islower() and not _crosses(words, line, gutters):
                block = [*block, line]
                after += 1
        cuts = [min(words[i].x0 for line in block for i in line) - 1]
        cuts += [(g0 + g1) / 2 for g0, g1 in gutters]
        cuts.append(max(words[i].x1 for line in block for i in line) + 1)
        columns = len(cuts) - 1
        line_of = {i: n for n, line in enumerate(block) for i in line}
        cells = _rows(words, block, lambda i, cuts=cuts: _slot(cuts, (words[i].x0 + words[i].x1) / 2), columns)
        members = [i for line in block for i in line]
        box = (cuts[0], min(words[i].top for i in members), cuts[-1], max(words[i].bottom for i in members))
        table = _table(words, cells, line_of, box, members)
        if table is None:
            return None, start + 1
        return table, after
    return None, start + 1


# --- small helpers -----------------------------------------------------------------------------------------------


def _finite(box: tuple) -> bool:
    return all(isinstance(v, (int, float)) and v == v and abs(v) != float("inf") for v in box[-4:])


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
