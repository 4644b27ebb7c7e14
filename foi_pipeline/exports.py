"""Exports of the published warehouse: CSV files, Parquet files, or one XLSX workbook with a README sheet."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from foi_pipeline.contract import ALL_TABLES, COLUMN_DOCS, COVERAGE_VALUES, QUALIFIERS, STATUSES, TABLE_DOCS
from foi_pipeline.warehouse import Warehouse

FORMATS = ("csv", "xlsx", "parquet")
VOCABULARIES = {
    "status": ", ".join(STATUSES),
    "qualifier": ", ".join(QUALIFIERS),
    "coverage": ", ".join(COVERAGE_VALUES),
}


def _for_spreadsheet(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Numbers stay numbers, dates stay dates; lists become '; '-joined text; tz-free timestamps."""
    out = df.copy()
    for column, sql_type in ALL_TABLES[table]:
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
    rows = []
    for table, cols in ALL_TABLES.items():
        rows.append({"table": table, "column": "", "type": "", "meaning": TABLE_DOCS.get(table, "")})
        for column, sql_type in cols:
            meaning = COLUMN_DOCS.get(column, "")
            if column in VOCABULARIES:
                meaning += f" Values: {VOCABULARIES[column]}."
            rows.append({"table": "", "column": column, "type": sql_type, "meaning": meaning})
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
            _for_spreadsheet(warehouse.read(name), name).to_csv(target, index=False)
            written.append(target)
    else:
        target = out / "foi.xlsx"
        tmp = out / ".foi.xlsx.tmp"
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            readme_sheet().to_excel(writer, sheet_name="README", index=False)
            for name in names:
                df = _for_spreadsheet(warehouse.read(name), name)
                if name == "document_text":
                    df["text"] = df["text"].str.slice(0, 32000)  # a spreadsheet cell holds 32,767 characters
                df.to_excel(writer, sheet_name=name[:31], index=False)
        tmp.replace(target)
        written.append(target)
    return written
