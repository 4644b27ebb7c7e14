"""Exports of the published warehouse: CSV files, Parquet files, or one XLSX workbook with a README sheet.

Text in the tables comes from replies, file names and corrections, so it is never trusted: in XLSX it is written
as text (never a formula) without the control characters a worksheet cannot hold; in CSV a cell that a
spreadsheet would read as a formula gets a leading single quote (OWASP's CSV-injection advice).

Ready to use: every sheet has a frozen header row, filters and fitted column widths, pounds in a £ format and rates
in a % format, after a README sheet; CSV files are UTF-8 (with a byte order mark, which spreadsheets need to read
'£'), with a header row and ISO dates.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from foi_pipeline import metadata
from foi_pipeline.contract import ALL_TABLES, MONEY_COLUMNS, RATE_COLUMNS
from foi_pipeline.warehouse import Warehouse

FORMATS = ("csv", "xlsx", "parquet")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
CELL_LIMIT = 32000  # a worksheet cell holds 32,767 characters
MONEY_FORMAT = '"£"#,##0.00'
RATE_FORMAT = "0.0%"
MIN_WIDTH, MAX_WIDTH, WIDTH_SAMPLE = 8, 60, 2000
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte order mark, so a spreadsheet opening the file reads '£' as '£'


def csv_text(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading quote; numbers, and text that is just a
    number (such as '-5'), are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]


def _for_csv(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in _text_columns(out):
        out[column] = out[column].map(csv_text)
    return out


def _xlsx_text(value: object) -> object:
    """Text without the control characters openpyxl refuses (the form feed between a PDF's pages), cut to fit a cell."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_LIMIT] if isinstance(value, str) else value


def _width(values: pd.Series, header: str) -> float:
    """A column wide enough for its header and its longest value (of the first rows), within reason."""
    sample = values.head(WIDTH_SAMPLE).map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
    longest = max([len(header), *(max((len(line) for line in v.split("\n")), default=0) for v in sample)])
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def _write_sheet(writer: pd.ExcelWriter, df: pd.DataFrame, sheet_name: str) -> None:
    """The frame as a sheet ready to use: a frozen header row with filters, columns sized to their contents, pounds
    and rates in number formats, and every text cell text (openpyxl would store a string starting with '=' as a formula)."""
    out, text = df.copy(), _text_columns(df)
    for column in text:
        out[column] = out[column].map(_xlsx_text)
    out.to_excel(writer, sheet_name=sheet_name, index=False)
    sheet: Worksheet = writer.sheets[sheet_name]
    for j, column in enumerate(out.columns, start=1):
        if column not in text:
            continue
        for i, value in enumerate(out[column], start=2):
            if isinstance(value, str) and value.startswith("="):
                sheet.cell(row=i, column=j).data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(out.columns)))}{len(out) + 1}"
    for j, column in enumerate(out.columns, start=1):
        letter = get_column_letter(j)
        sheet.column_dimensions[letter].width = _width(out[column], str(column))
        number_format = MONEY_FORMAT if column in MONEY_COLUMNS else RATE_FORMAT if column in RATE_COLUMNS else None
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = number_format


def _for_spreadsheet(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Numbers stay numbers, dates stay dates; lists become '; '-joined text; tz-free timestamps."""
    out = df.copy()
    for column, sql_type in metadata.sql_columns(table):
        if column not in out.columns:
            continue
        if sql_type.endswith("[]"):
            out[column] = out[column].map(lambda v: "; ".join(v) if v is not None and not isinstance(v, float) else None)
        elif sql_type.startswith("DECIMAL"):
            out[column] = pd.to_numeric(out[column].map(lambda v: None if v is None else float(v)), errors="coerce")
        elif sql_type == "DATE":
            out[column] = pd.to_datetime(out[column], errors="coerce").dt.date
    return out


def readme_sheet() -> pd.DataFrame:
    """The workbook's README: every table and its columns with their types and meanings (vocabularies and ranges
    included), from the declarations in foi_pipeline/metadata."""
    rows = []
    for t in metadata.TABLE_METADATA.values():
        rows.append({"table": t.name, "column": "", "type": "", "meaning": t.description})
        for f in t.columns:
            rows.append({"table": "", "column": f.name, "type": f.type, "meaning": f.documentation})
    return pd.DataFrame(rows)


def export(warehouse: Warehouse, fmt: str, out: Path) -> list[Path]:
    """Write every published table (and mart) in the format; return the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (one of {', '.join(FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    names = [t for t in ALL_TABLES if (warehouse.parquet_dir / f"{t}.parquet").exists()]
    if not names:
        raise FileNotFoundError(f"no tables in {warehouse.parquet_dir}: run `foi run` first")
    written: list[Path] = []
    if fmt == "parquet":
        for name in names:
            target = out / f"{name}.parquet"
            shutil.copyfile(warehouse.parquet_dir / f"{name}.parquet", target)
            written.append(target)
    elif fmt == "csv":
        for name in names:
            target = out / f"{name}.csv"
            tmp = target.with_name(f".{target.name}.tmp")
            try:
                _for_csv(_for_spreadsheet(warehouse.read(name), name)).to_csv(tmp, index=False, encoding=CSV_ENCODING,
                                                                              date_format="%Y-%m-%d")
                tmp.replace(target)
            finally:
                tmp.unlink(missing_ok=True)
            written.append(target)
    else:
        target = out / "foi.xlsx"
        tmp = out / ".foi.xlsx.tmp"
        try:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                _write_sheet(writer, readme_sheet(), "README")
                for name in names:
                    _write_sheet(writer, _for_spreadsheet(warehouse.read(name), name), name[:31])
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)  # whatever failed, no half-written workbook is left behind
        written.append(target)
    return written
