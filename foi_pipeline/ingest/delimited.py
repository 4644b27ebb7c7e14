"""CSV and TSV files (figures exported from a spreadsheet) as one table, read as a sheet of a workbook is
(foi_pipeline.ingest.spreadsheet): one line per row, cells joined by " | ", empty rows skipped.

The encoding is found as for a plain-text reply (foi_pipeline.ingest.text.decode_text: BOMs, UTF-16, UTF-8, else
Windows-1252, where 0xA3 is '£'); the delimiter is sniffed among comma, semicolon, tab and pipe (a .tsv is tab
unless its first lines say otherwise). A quoted field may hold line breaks; they become spaces in its cell.
"""

from __future__ import annotations

import csv
import io

from foi_pipeline.ingest.spreadsheet import Sheet, sheets_to_text
from foi_pipeline.ingest.tables import cell_text
from foi_pipeline.ingest.text import decode_text

DELIMITERS = ",;\t|"
SNIFF_CHARS = 64 * 1024
MAX_FIELD = 1024 * 1024  # characters in one field (csv's default, 128 KB, is smaller than some exported notes)
csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD))


def delimited_to_text(data: bytes, default: str = ",") -> str:
    """The file's rows as the lines of one table."""
    text = decode_text(data)
    return sheets_to_text([Sheet("", _rows(text, default), [])])


def _dialect(sample: str, default: str) -> type[csv.Dialect] | csv.Dialect:
    """The sniffed delimiter with the double-quote quoting every spreadsheet writes: a sniffed quote character
    can be an apostrophe ("O'Brien's"), which would join cells."""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return csv.excel_tab if default == "\t" else csv.excel
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


def _rows(text: str, default: str) -> list[list[str]]:
    sample = text[:SNIFF_CHARS]
    if "\n" in sample[: len(sample) - 1]:
        sample = sample[: sample.rfind("\n")]  # whole lines only: a cut row misleads the sniffer
    dialect = _dialect(sample, default)
    rows = [[cell_text(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]
