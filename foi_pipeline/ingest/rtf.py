"""RTF replies (Word and WordPad's rich text) to text with striprtf, table rows as Word tables read.

striprtf turns every \\cell into '|', which cannot be told from a '|' the author typed; before it runs, each
\\cell and \\nestcell control word becomes a private-use mark (as a \\u escape, in a group of its own so the
document's \\uc setting cannot eat a character), and each line holding marks is a table row: its cells are
split at the marks and joined with ' | ' (foi_pipeline.ingest.tables). Every paragraph ends with \\par, so the
last one's break is dropped. Soft hyphens go; a non-breaking hyphen is '-', as in a DOCX.
"""

from __future__ import annotations

import re

from striprtf.striprtf import rtf_to_text as _striprtf

from foi_pipeline.ingest.tables import cell_text, table_lines
from foi_pipeline.ingest.text import decode_cp1252, normalise

CELL_MARK = "\ue002"
_CELL_WORD = re.compile(r"\\(?:nest)?cell(?![a-zA-Z])-?\d*\s?")
_ANY_MARK = re.compile("[\ue000-\ue0ff]")
_TRANSLATE = {0xAD: None, 0x2011: "-"}


def rtf_to_text(data: bytes) -> str:
    """The document's text; rows of a table one line each, cells joined by ' | '."""
    if not data.lstrip()[:5] == b"{\\rtf":
        raise ValueError("not an RTF file: it does not start with '{\\rtf'")
    source = decode_cp1252(data)  # RTF is 7-bit; 8-bit bytes are in the ANSI code page, Windows-1252 at most often
    source = _ANY_MARK.sub("", source)
    source = _CELL_WORD.sub(r"{\\uc1\\u-8190?}", source)  # U+E002 as RTF's signed 16-bit \u value
    text = _striprtf(source, errors="replace").translate(_TRANSLATE)
    lines: list[str] = []
    rows: list[list[str]] = []
    for line in normalise(text).split("\n"):
        if CELL_MARK in line:
            cells = line.split(CELL_MARK)
            if not cells[-1].strip():
                cells.pop()  # the row's end, after its last cell
            rows.append([cell_text(cell) for cell in cells])
            continue
        if rows:
            lines.extend(table_lines(rows))
            rows = []
        lines.append(line)
    lines.extend(table_lines(rows))
    out = "\n".join(lines)
    return out[:-1] if out.endswith("\n") else out  # the last paragraph's own \par ends it, not a line after it
