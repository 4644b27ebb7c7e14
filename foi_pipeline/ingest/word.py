"""Word replies: paragraphs and tables in document order, one line per paragraph and per table row."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from foi_pipeline.ingest.html_page import CELL_SEPARATOR
from foi_pipeline.ingest.text import normalise

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100


class UnsafeDocx(Exception):
    """A DOCX that would be dangerous to open (zip bomb, DTD / entity declarations)."""


def _check_archive(data: bytes) -> None:
    """Refuse zip bombs and XML entity tricks before python-docx parses anything."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        compressed = max(1, sum(i.compress_size for i in infos))
        if total > MAX_UNCOMPRESSED or (total > 50 * 1024 * 1024 and total / compressed > MAX_RATIO):
            raise UnsafeDocx(f"DOCX would expand to {total / 1e6:.0f} MB (compressed {compressed / 1e6:.1f} MB); refused as a possible zip bomb")
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise UnsafeDocx(f"DOCX part {info.filename} declares a DTD or entities; refused for safety")


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # python-docx repeats horizontally merged cells
                continue
            previous = cell._tc
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        lines.append(CELL_SEPARATOR.join(cells))
    return lines


def docx_to_text(data: bytes) -> str:
    _check_archive(data)
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, document).text)
        elif child.tag == qn("w:tbl"):
            lines.extend(_table_lines(Table(child, document)))
    return normalise("\n".join(lines))
