"""Metadata every table asset shows in the UI: its column schema (from the declarations), row count and a preview."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pandas as pd

from foi_pipeline import metadata

# An asset's metadata: values of the kinds Dagster accepts (ints, strings, MetadataValue, TableSchema, lineage...);
# its own name for that union (RawMetadataValue) is not part of its public API.
Metadata = dict[str, Any]


def table_schema(table: str) -> dg.TableSchema:
    """The table's columns as the Dagster UI shows them: type, description (with vocabulary and range), whether it may
    be blank, and uniqueness, all from the table's declaration (foi_pipeline/metadata)."""
    t = metadata.table(table)
    key = list(t.primary_key)
    return dg.TableSchema(
        columns=[
            dg.TableColumn(f.name, f.type, description=f.documentation, constraints=dg.TableColumnConstraints(
                nullable=not t.is_required(f.name), unique=key == [f.name], other=f.constraints()))
            for f in t.columns
        ],
        constraints=dg.TableConstraints(other=[f"unique: {', '.join(key)}"]) if len(key) > 1 else None,
    )


def _short(value: object, width: int = 48) -> object:
    if isinstance(value, str):
        value = value.replace("\n", " ").replace("|", "/")
        return value if len(value) <= width else value[: width - 1] + "…"
    return value


def preview(df: pd.DataFrame, rows: int = 10) -> str:
    if df.empty:
        return "_no rows_"
    return df.head(rows).map(_short).to_markdown(index=False)


def table_metadata(table: str, df: pd.DataFrame) -> Metadata:
    return {
        "dagster/row_count": len(df),
        "dagster/column_schema": table_schema(table),
        "preview": dg.MetadataValue.md(preview(df)),
    }
