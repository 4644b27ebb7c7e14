"""The warehouse's tables and fields, each declared once (fields.py, tables.py), and what is generated from them:
the DuckDB schema (contract.TABLES), the pandera models (schemas), the Dagster column schemas (defs), the XLSX
README sheet (exports) and docs/tables.md (metadata.docs). No Dagster or pandera import here: plain data."""

from __future__ import annotations

from foi_pipeline.metadata.fields import FIELDS, Field
from foi_pipeline.metadata.tables import CORRECTED, PROVENANCE, TABLE_METADATA, Table

__all__ = ["CORRECTED", "FIELDS", "PANDAS_TYPES", "PROVENANCE", "TABLE_METADATA", "Field", "Table", "ddl", "pandas_dtype", "sql_columns", "table"]


def table(name: str) -> Table:
    """A table's declaration, looked up when called (so a test may replace one in TABLE_METADATA)."""
    return TABLE_METADATA[name]


# How pandas holds each DuckDB type; DATE, DECIMAL(14,2) and VARCHAR[] are Python objects (dates, Decimals, lists).
PANDAS_TYPES = {"VARCHAR": "string", "INTEGER": "Int64", "BIGINT": "Int64", "DOUBLE": "Float64", "BOOLEAN": "boolean"}


def pandas_dtype(sql_type: str) -> str:
    """The pandas dtype a column of this DuckDB type has in the pipeline's frames."""
    return PANDAS_TYPES.get(sql_type, "object")


def sql_columns(name: str) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a table, in contract order: the Parquet schema and foi.duckdb's columns."""
    return [(f.name, f.type) for f in table(name).columns]


def ddl(name: str) -> str:
    """CREATE TABLE for a table in DuckDB, with NOT NULL on its required columns."""
    t = table(name)
    cols = ",\n".join(f'    "{f.name}" {f.type}{" NOT NULL" if t.is_required(f.name) else ""}' for f in t.columns)
    return f'CREATE TABLE "{name}" (\n{cols}\n)'
