"""The data contract (DESIGN.md section 3): table names, columns, DuckDB types, vocabularies.

What the warehouse promises its users. Each table and field is declared once, in foi_pipeline/metadata/; the names
here are derived from those declarations and are the public API. Add tables and columns; never rename or remove them.
"""

from __future__ import annotations

from foi_pipeline.metadata import CORRECTED as _CORRECTED
from foi_pipeline.metadata import FIELDS, TABLE_METADATA, sql_columns
from foi_pipeline.metadata import PROVENANCE as _PROVENANCE
from foi_pipeline.metadata.enums import (
    ALIGNMENTS,
    CONTRIBUTIONS,
    COVERAGE_VALUES,
    INFORMATION_STATUSES,
    PARSE_STATUSES,
    QUALIFIERS,
    RATE_BASES,
    REQUEST_MATCHES,
    ROUTES,
    SEVERITIES,
    STAGES,
    STATUSES,
    TEXT_SOURCES,
    UNKNOWN_STATUSES,
)

__all__ = [
    "ALIGNMENTS", "ALL_TABLES", "COLUMN_DOCS", "CONTRIBUTIONS", "CORRECTABLE_TABLES", "CORRECTED", "COVERAGE_VALUES",
    "FACT_TABLES", "INFORMATION_STATUSES", "MARTS", "MONEY_COLUMNS", "PARSE_STATUSES", "PROVENANCE", "QUALIFIERS",
    "RATE_BASES", "RATE_COLUMNS", "REQUEST_MATCHES", "ROUTES", "SEVERITIES", "STAGES", "STATUSES", "TABLES", "TABLE_DOCS",
    "TEXT_SOURCES", "UNKNOWN_STATUSES", "columns",
]

PROVENANCE: list[tuple[str, str]] = [(f, FIELDS[f].type) for f in _PROVENANCE]
CORRECTED: list[tuple[str, str]] = [(f, FIELDS[f].type) for f in _CORRECTED]

# (column, DuckDB type) per table, in contract order: what the Parquet files and foi.duckdb hold.
TABLES: dict[str, list[tuple[str, str]]] = {name: sql_columns(name) for name, t in TABLE_METADATA.items() if not t.mart}
# Marts: built from the tables above for comparing areas and programmes (issue: analysts' outputs).
MARTS: dict[str, list[tuple[str, str]]] = {name: sql_columns(name) for name, t in TABLE_METADATA.items() if t.mart}
ALL_TABLES: dict[str, list[tuple[str, str]]] = {**TABLES, **MARTS}

CORRECTABLE_TABLES = tuple(name for name in TABLES if TABLE_METADATA[name].corrected)
FACT_TABLES = tuple(name for name in TABLES if TABLE_METADATA[name].fact)

# Columns holding pounds and rates (fractions of 1), wherever they appear: exports format them as money and percentages.
MONEY_COLUMNS = frozenset(f.name for f in FIELDS.values() if f.display == "money")
RATE_COLUMNS = frozenset(f.name for f in FIELDS.values() if f.display == "rate")

TABLE_DOCS = {name: t.description for name, t in TABLE_METADATA.items()}
COLUMN_DOCS = {name: f.description for name, f in FIELDS.items()}


def columns(table: str) -> list[str]:
    """Column names of a contract table, in contract order."""
    return [name for name, _ in sql_columns(table)]
