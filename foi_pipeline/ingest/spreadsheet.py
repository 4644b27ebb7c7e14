"""Workbooks (.xlsx, .xlsm, .xls, .ods): every visible sheet as a table, read with calamine (Rust, one API for
all four formats; openpyxl reads an .xlsx calamine cannot).

A sheet reads as a Word table does (foi_pipeline.ingest.tables): one line per row, cells joined by " | ",
under a line with the sheet's name (default names, "Sheet1" or openpyxl's "Sheet", are no heading and are left out);
sheets are separated by a blank line. Columns empty in the whole sheet are left out; empty rows are skipped and
split the sheet into blocks, and a block's rows of one cell before its first row of two or more cells and after
its last (a title, a note) are paragraphs. A horizontally merged cell is one cell; the rows under a vertical merge get an empty cell, so every
row keeps its columns. Hidden and very hidden sheets, chart and macro sheets are not read. A formula is read as
the value Excel last saved with it, never evaluated. Numbers are written plainly (203, 12.5): the cell's
number format (a currency sign, a percentage) is not applied; dates are ISO (2023-03-31).

Safety: a zip package is checked (foi_pipeline.ingest.package) before calamine sees it, and every sheet's extent
is bounded before it is loaded: calamine holds a sheet as a dense grid, so a 5 KB file with one cell in A1 and
one in XFD1048576 would ask for half a terabyte. A password-protected workbook raises Encrypted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from foi_pipeline.ingest.package import Encrypted, UnsafePackage, is_ole2, ole2_encrypted, open_package
from foi_pipeline.ingest.tables import cell_text, table_lines
from foi_pipeline.ingest.text import normalise

MAX_CELLS = 2_000_000  # cells of one workbook's sheets, counted from A1 to each sheet's last used cell
DEFAULT_SHEET_NAME = re.compile(r"(?i)(sheet|tabelle|feuil|hoja|foglio|blad)\s*\d*")
KINDS = {"xlsx": "XLSX workbook", "xls": "XLS workbook", "ods": "ODS spreadsheet"}

Merge = tuple[tuple[int, int], tuple[int, int]]  # (first row, first column), (last row, last column), from 0


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]  # from A1, every row as wide as the widest
    merges: list[Merge]


def workbook_to_text(data: bytes, kind: str) -> str:
    """The text of a workbook whose file name says `kind` ('xlsx', 'xls' or 'ods'); the bytes decide what it is."""
    return sheets_to_text(read_workbook(data, kind))


def read_workbook(data: bytes, kind: str) -> list[Sheet]:
    """The visible worksheets, their cells as text."""
    if is_ole2(data):
        if ole2_encrypted(data):
            raise Encrypted("the workbook is encrypted (password required)")
        _check_xls(data)
        return _calamine(data)
    if data[:2] == b"PK":
        label = KINDS["ods"] if kind == "ods" else KINDS["xlsx"]
        with open_package(data, label) as archive:
            _check_package_extent(archive)
        try:
            return _calamine(data)
        except Encrypted:
            raise
        except Exception as err:  # calamine refuses a few odd but valid .xlsx: openpyxl reads those
            if kind == "ods" or _is_ods(data):
                raise
            try:
                return _openpyxl(data)
            except Exception:  # noqa: BLE001
                raise err from None
    raise ValueError(f"not a {KINDS.get(kind, 'workbook')}: the file is neither a zip package nor an OLE2 (.xls) file")


def _is_ods(data: bytes) -> bool:
    return b"application/vnd.oasis.opendocument" in data[:200]


def _calamine(data: bytes) -> list[Sheet]:
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise Encrypted("the workbook is encrypted (password required)") from None
    sheets = []
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except PasswordError:
                raise Encrypted("the workbook is encrypted (password required)") from None
            rows = [[_cell(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
            sheets.append(Sheet(meta.name, rows, list(sheet.merged_cell_ranges or [])))
    return sheets


def _openpyxl(data: bytes) -> list[Sheet]:
    """The fallback for .xlsx: cached values (data_only), merged ranges, visible worksheets."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    sheets = []
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        rows = [[_cell(value) for value in row] for row in ws.iter_rows(values_only=True)]
        merges = [((r.min_row - 1, r.min_col - 1), (r.max_row - 1, r.max_col - 1)) for r in ws.merged_cells.ranges]
        sheets.append(Sheet(ws.title, rows, merges))
    return sheets


def _cell(value: object) -> str:
    """A cell's value as the sheet shows it, on one line: 203 not 203.0, dates ISO, TRUE/FALSE."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds").removesuffix(" 00:00")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return cell_text(str(value))


def sheets_to_text(sheets: Sequence[Sheet]) -> str:
    """Each sheet's name line and its blocks' lines; a blank line between sheets."""
    parts = []
    for sheet in sheets:
        lines = [line for block in _blocks(_columns(_merged(sheet))) for line in _block_lines(block)]
        if not lines:
            continue
        heading = " ".join(sheet.name.split())
        if heading and not DEFAULT_SHEET_NAME.fullmatch(heading):
            lines.insert(0, heading)
        parts.append("\n".join(lines))
    return normalise("\n\n".join(parts))


def _merged(sheet: Sheet) -> list[list[str | None]]:
    """Rows with the cells a horizontal merge covers set to None (dropped when the row is written); cells under a
    vertical merge stay, empty."""
    rows: list[list[str | None]] = [list(row) for row in sheet.rows]
    for (top, left), (bottom, right) in sheet.merges:
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left + 1, min(right, len(row) - 1) + 1):
                row[c] = None
    return rows


def _columns(rows: list[list[str | None]]) -> list[list[str | None]]:
    """The sheet without the columns empty in every row (so a table's rows keep their columns across blank rows)."""
    width = max((len(row) for row in rows), default=0)
    used = [c for c in range(width) if any(c < len(row) and row[c] for row in rows)]
    if len(used) == width:
        return rows
    return [[row[c] if c < len(row) else "" for c in used] for row in rows]


def _blocks(rows: list[list[str | None]]) -> Iterator[list[list[str | None]]]:
    """Runs of rows with text, split at empty rows."""
    block: list[list[str | None]] = []
    for row in rows:
        if any(row):
            block.append(row)
        elif block:
            yield block
            block = []
    if block:
        yield block


def _block_lines(block: list[list[str | None]]) -> list[str]:
    """A block's rows of one cell before its first row of two or more and after its last (a title, a note) are
    paragraphs; the rows from the first to the last are a table."""
    rows = [[cell for cell in row if cell is not None] for row in block]
    wide = [i for i, row in enumerate(rows) if sum(1 for cell in row if cell) > 1]
    first, last = (wide[0], wide[-1]) if wide else (len(rows), len(rows) - 1)

    def paragraphs(part: list[list[str]]) -> list[str]:
        return [next((cell for cell in row if cell), "") for row in part]
    return paragraphs(rows[:first]) + table_lines(rows[first:last + 1]) + paragraphs(rows[last + 1:])


# -- extent guards -------------------------------------------------------------------------------------------

_XLSX_TAGS = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*?)(/?)>")
_R_ATTR = re.compile(rb'\sr="\$?([A-Za-z]{0,3})\$?(\d{1,8})"')
_ODS_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _too_big(cells: int, where: str) -> UnsafePackage:
    return UnsafePackage(f"the workbook's sheets span {cells:,} cells ({where}), over the {MAX_CELLS:,} limit; "
                         "refused as a possible expansion bomb")


def _check_package_extent(archive: zipfile.ZipFile) -> None:
    """Bound the cells calamine would allocate: XLSX sheets from their row and cell references, ODS tables from
    their repeated rows and cells."""
    names = archive.namelist()
    if "content.xml" in names and "xl/workbook.xml" not in names:
        _check_ods_extent(archive)
        return
    total = 0
    for name in names:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            rows, cols = xlsx_extent(archive.read(name))
            total += rows * cols
            if total > MAX_CELLS:
                raise _too_big(total, name)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def xlsx_extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column) a sheet's cells reach, counting from 1; a cell without a reference is the one
    after the row's previous cell, as readers place it."""
    last_row = last_col = 0
    row = col = 0
    for m in _XLSX_TAGS.finditer(xml):
        tag, attrs, empty = m.groups()
        ref = _R_ATTR.search(attrs)
        if tag == b"row":
            row = int(ref.group(2)) if ref else row + 1
            col = 0
            continue
        if ref:
            col = _column_number(ref.group(1)) if ref.group(1) else col + 1
            row = int(ref.group(2))
        else:
            col += 1
        if not empty:
            last_row, last_col = max(last_row, row), max(last_col, col)
    return last_row, last_col


def _check_ods_extent(archive: zipfile.ZipFile) -> None:
    from lxml import etree

    table, row_tag, cell_tag = f"{{{_ODS_NS}}}table", f"{{{_ODS_NS}}}table-row", f"{{{_ODS_NS}}}table-cell"
    rows_repeated, cols_repeated = f"{{{_ODS_NS}}}number-rows-repeated", f"{{{_ODS_NS}}}number-columns-repeated"
    value_type = f"{{{_OFFICE_NS}}}value-type"
    total = 0
    with archive.open("content.xml") as part:
        row_index = last_row = last_col = 0
        for event, el in etree.iterparse(part, events=("start", "end"), tag=(table, row_tag),
                                         resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False):
            if el.tag == table:
                if event == "start":
                    row_index = last_row = last_col = 0
                else:
                    total += last_row * last_col
                    if total > MAX_CELLS:
                        raise _too_big(total, "content.xml")
                    el.clear()
                continue
            if event == "start":
                continue
            repeat = _int(el.get(rows_repeated))
            col = row_last = 0
            for cell in el:
                if cell.tag != cell_tag and not cell.tag.endswith("covered-table-cell"):
                    continue
                col += _int(cell.get(cols_repeated))
                if cell.get(value_type) is not None or len(cell):
                    row_last = col
            row_index += repeat
            if row_last:
                last_row, last_col = row_index, max(last_col, row_last)
            el.clear()


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


_XLS_CELLS = {0x0203, 0x00FD, 0x027E, 0x0006, 0x0204, 0x0205, 0x00D6, 0x00BD}  # NUMBER, LABELSST, RK, FORMULA, LABEL, BOOLERR, RSTRING, MULRK


def _check_xls(data: bytes) -> None:
    """Bound an .xls workbook's extent from its cell records (BIFF8 in the 'Workbook' stream)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                raise ValueError("not an .xls workbook: the OLE2 file has no Workbook stream")
            book = ole.openstream(stream).read()
    except OSError as err:
        raise ValueError(f"the .xls workbook is damaged: {err}") from None
    total = last_row = last_col = 0
    pos, end = 0, len(book) - 4
    while pos <= end:
        kind, length = struct.unpack_from("<HH", book, pos)
        body = pos + 4
        if kind == 0x0809 and length >= 4 and struct.unpack_from("<H", book, body + 2)[0] == 0x0010:  # BOF of a sheet
            total += last_row * last_col
            last_row = last_col = 0
        elif kind in _XLS_CELLS and length >= 4:
            row, col = struct.unpack_from("<HH", book, body)
            if kind == 0x00BD and length >= 6:  # MULRK: last column in its final two bytes
                col = struct.unpack_from("<H", book, body + length - 2)[0]
            last_row, last_col = max(last_row, row + 1), max(last_col, col + 1)
        pos = body + length
        if total + last_row * last_col > MAX_CELLS:
            raise _too_big(total + last_row * last_col, "the Workbook stream")
