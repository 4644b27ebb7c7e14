"""A table's rows to lines of text, the way Word tables read (foi_pipeline.ingest.word), so that a table from a
workbook, an OpenDocument or RTF file, or an old .doc reads to the extractor exactly as the same table in a DOCX.

One line per row, its cells joined by CELL_SEPARATOR (" | "); a cell's own line breaks become spaces, so its row
stays one line; a row with no text is skipped. A table whose every row has at most one cell is a layout table
and reads as paragraphs, one per cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from foi_pipeline.ingest.html_page import CELL_SEPARATOR

__all__ = ["CELL_SEPARATOR", "cell_text", "join_cell_lines", "table_lines"]

_SENTENCE_ENDS = (".", "!", "?", ":", ";", ",")
BULLET = "•"  # the mark a list item is drawn with (Word's bullets are written as it)


def cell_text(text: str) -> str:
    """A cell on one line: runs of whitespace (line breaks, tabs) become one space."""
    return " ".join(text.split())


def join_cell_lines(lines: Sequence[str]) -> str:
    """A cell's paragraphs on one line, as a DOCX cell's are: lines that end mid-sentence are items of a list
    ("Lancashire Constabulary" / "Blackpool Council") and keep apart with "; ", sentences with a space."""
    out = ""
    for line in (cell_text(line) for line in lines if line.strip()):
        bulleted = line.startswith(BULLET + " ")
        line = line.removeprefix(BULLET + " ")  # a cell's bulleted items are a list like any other
        between = "; " if (bulleted or line[:1].isupper()) and not out.endswith(_SENTENCE_ENDS) else " "
        out = line if not out else out + between + line
    return out


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cell texts (already one line each) -> the lines of the table."""
    if all(len(row) <= 1 for row in rows):
        return [row[0] for row in rows if row and row[0].strip()]
    return [CELL_SEPARATOR.join(row) for row in rows if any(cell.strip() for cell in row)]
