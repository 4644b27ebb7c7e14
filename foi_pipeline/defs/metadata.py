"""Materialisation metadata every table asset shows in the UI: row count, schema and a preview."""

from __future__ import annotations

import dagster as dg
import pandas as pd

from foi_pipeline.contract import TABLES


def table_schema(table: str) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name, sql_type) for name, sql_type in TABLES[table]])


def _short(value: object, width: int = 48) -> object:
    if isinstance(value, str):
        value = value.replace("\n", " ").replace("|", "/")
        return value if len(value) <= width else value[: width - 1] + "…"
    return value


def preview(df: pd.DataFrame, rows: int = 10) -> str:
    if df.empty:
        return "_no rows_"
    return df.head(rows).map(_short).to_markdown(index=False)


def table_metadata(table: str, df: pd.DataFrame) -> dict[str, object]:
    return {
        "dagster/row_count": len(df),
        "dagster/column_schema": table_schema(table),
        "preview": dg.MetadataValue.md(preview(df)),
    }
