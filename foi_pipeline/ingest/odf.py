"""OpenDocument text (.odt, LibreOffice's own format): paragraphs, lists and tables in document order, one line
per paragraph and per table row, the page headers first and the footers last (each distinct one once), as DOCX
files read (foi_pipeline.ingest.word).

content.xml and styles.xml are read with lxml rather than odfpy's load(): odfpy builds its own DOM of every part
(settings, meta, manifest) in pure Python, several times slower, and we need only the body's text in order. The
text rules are the format's: text:s is spaces (its c attribute counts them), text:tab a tab, text:line-break a
line break; line breaks and tabs in the XML itself are layout and count as one space. A footnote's text follows
its paragraph; comments, tracked deletions and index templates are not text. Tables keep their rows: a cell
spanning columns is one cell, a cell covered from the row above is an empty cell.

The package is checked before anything is decompressed (foi_pipeline.ingest.package); a password-protected
document raises Encrypted.
"""

from __future__ import annotations

import re

from lxml import etree

from foi_pipeline.ingest.package import Encrypted, is_ole2, open_package, parse_part
from foi_pipeline.ingest.tables import join_cell_lines, table_lines
from foi_pipeline.ingest.text import normalise

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def _t(name: str) -> str:
    return f"{{{TEXT_NS}}}{name}"


def _tb(name: str) -> str:
    return f"{{{TABLE_NS}}}{name}"


P, H, S, TAB, LINE_BREAK, NOTE, NOTE_BODY = (_t(n) for n in ("p", "h", "s", "tab", "line-break", "note", "note-body"))
TABLE, ROW, CELL, COVERED = _tb("table"), _tb("table-row"), _tb("table-cell"), _tb("covered-table-cell")
COLUMNS_SPANNED, COLUMNS_REPEATED = _tb("number-columns-spanned"), _tb("number-columns-repeated")
FRAME, TEXT_BOX = f"{{{DRAW_NS}}}frame", f"{{{DRAW_NS}}}text-box"
# Not text: declarations, tracked deletions, comments, index templates, forms, a frame's picture.
_SKIP = {
    _t("tracked-changes"), _t("sequence-decls"), _t("variable-decls"), _t("user-field-decls"), _t("dde-connection-decls"),
    _t("change"), _t("note-citation"), f"{{{OFFICE_NS}}}annotation", f"{{{OFFICE_NS}}}forms", f"{{{OFFICE_NS}}}event-listeners",
    _t("bookmark-ref"), _t("index-title-template"), f"{{{DRAW_NS}}}image", f"{{{DRAW_NS}}}object",
    *(_t(f"{kind}-source") for kind in ("table-of-content", "illustration-index", "table-index", "object-index",
                                         "user-index", "alphabetical-index", "bibliography")),
}
_LAYOUT_SPACE = re.compile(r"[\t\r\n][\t\r\n ]*")
MAX_REPEAT = 256  # empty cells one repeated cell stands for, at most
_MARGINS = ("header", "header-first", "header-left", "footer", "footer-first", "footer-left")


def odt_to_text(data: bytes) -> str:
    """Headers, then the body's paragraphs and table rows (cells joined by ' | '), then footers."""
    if is_ole2(data):
        raise ValueError("not an OpenDocument text (ZIP) package: an OLE2 file, i.e. a Word .doc saved as .odt")
    with open_package(data, "ODT document") as archive:
        names = set(archive.namelist())
        if "content.xml" not in names:
            raise ValueError("not an OpenDocument text: the package has no content.xml")
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
            raise Encrypted("the document is encrypted (password required)")
        content = parse_part(archive, "content.xml")
        styles = parse_part(archive, "styles.xml") if "styles.xml" in names else None
    body = content.find(f"{{{OFFICE_NS}}}body/{{{OFFICE_NS}}}text")
    if body is None:
        raise ValueError("not an OpenDocument text: content.xml has no office:text body (a spreadsheet or a drawing?)")
    lines: list[str] = []
    _block_lines(body, lines)
    headers, footers = _margins(styles)
    return normalise("\n".join([*headers, *lines, *footers]))


def _margins(styles: etree._Element | None) -> tuple[list[str], list[str]]:
    """Lines of the master pages' headers and of their footers, each distinct one once."""
    found: dict[str, list[str]] = {"header": [], "footer": []}
    if styles is None:
        return found["header"], found["footer"]
    seen: set[tuple[str, ...]] = set()
    for page in styles.iter(f"{{{STYLE_NS}}}master-page"):
        for margin in page:
            kind = etree.QName(margin).localname
            if kind not in _MARGINS:
                continue
            lines: list[str] = []
            _block_lines(margin, lines)
            lines = [line for line in lines if line.strip()]
            if lines and tuple(lines) not in seen:
                seen.add(tuple(lines))
                found[kind.split("-")[0]].extend(lines)
    return found["header"], found["footer"]


def _block_lines(container: etree._Element, lines: list[str]) -> None:
    """Paragraphs and tables of a body (or cell, section, list, text box) in order; other elements are entered."""
    stack = [iter(container)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag in (P, H):
            parts: list[str] = []
            boxes: list[etree._Element] = []
            notes: list[etree._Element] = []
            _inline(child, parts, boxes, notes)
            lines.append("".join(parts))
            for extra in (*boxes, *notes):
                _block_lines(extra, lines)
        elif tag == TABLE:
            lines.extend(_table_lines(child))
        else:
            stack.append(iter(child))


def _layout(text: str) -> str:
    return _LAYOUT_SPACE.sub(" ", text) if ("\n" in text or "\t" in text or "\r" in text) else text


def _inline(el: etree._Element, parts: list[str], boxes: list, notes: list) -> None:
    """A paragraph's text; text boxes and footnote bodies are collected to follow it."""
    if el.text:
        parts.append(_layout(el.text))
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP:
            if tag == S:
                count = child.get(_t("c"), "1")
                parts.append(" " * min(int(count) if count.isdigit() else 1, 1000))
            elif tag == TAB:
                parts.append("\t")
            elif tag == LINE_BREAK:
                parts.append("\n")
            elif tag == NOTE:
                notes.extend(child.iter(NOTE_BODY))
            elif tag == FRAME:
                boxes.extend(child.iter(TEXT_BOX))
            else:
                _inline(child, parts, boxes, notes)
        if child.tail:
            parts.append(_layout(child.tail))


def _cell_lines(cell: etree._Element) -> list[str]:
    lines: list[str] = []
    _block_lines(cell, lines)
    return lines


def _table_lines(table: etree._Element) -> list[str]:
    """One line per row. A table with a table inside is a layout table: its cells read as paragraphs."""
    rows = _rows(table)
    if any(inner is not table for inner in table.iter(TABLE)):
        lines: list[str] = []
        for row in rows:
            for cell in row:
                if cell.tag == CELL:
                    _block_lines(cell, lines)
        return lines
    texts: list[list[str]] = []
    for row in rows:
        cells: list[str] = []
        spanned = 0  # covered cells still to skip: continuations of a cell spanning columns
        for cell in row:
            if cell.tag == CELL:
                repeat = _count(cell.get(COLUMNS_REPEATED))
                text = join_cell_lines(_cell_lines(cell))
                cells.extend([text] * (1 if text else min(repeat, MAX_REPEAT)))
                spanned = _count(cell.get(COLUMNS_SPANNED)) - 1
            elif cell.tag == COVERED:
                repeat = _count(cell.get(COLUMNS_REPEATED))
                skipped = min(spanned, repeat)
                spanned -= skipped
                cells.extend([""] * min(repeat - skipped, MAX_REPEAT))
        texts.append(cells)
    return table_lines(texts)


_ROW_GROUPS = {_tb("table-header-rows"), _tb("table-rows"), _tb("table-row-group")}


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows, through header-row and row-group wrappers (not those of a table inside a cell)."""
    rows: list[etree._Element] = []
    stack = [iter(table)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == ROW:
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            stack.append(iter(child))
    return rows


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1
