"""Read-only SQL against the warehouse: `foi query "SELECT ..."`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from foi_pipeline.wording import missing

READ_ONLY_TYPES = {"SELECT", "EXPLAIN", "PRAGMA"}


class WriteRefused(ValueError):
    """The SQL would change something; foi query only reads."""


def run_query(database: Path, sql: str) -> pd.DataFrame:
    """Run read-only SQL; writes, attaches and file access are refused with a clear message."""
    if not database.exists():
        raise FileNotFoundError(f"{database} does not exist: run `foi run` first")
    statements = duckdb.extract_statements(sql)
    if not statements:
        raise ValueError("no SQL statement given")
    for statement in statements:
        kind = statement.type.name
        if kind not in READ_ONLY_TYPES:
            raise WriteRefused(f"foi query only reads: a {kind} statement is refused (the warehouse is rebuilt by `foi run`; corrections go in data/corrections/)")
    con = duckdb.connect(str(database), read_only=True)
    try:
        con.execute("SET enable_external_access = false")
        result = None
        for statement in statements:
            result = con.execute(statement.query)
        return result.df() if result is not None else pd.DataFrame()
    except duckdb.Error as err:
        if "read-only" in str(err).lower() or "external access" in str(err).lower():
            raise WriteRefused(f"foi query only reads: {err}") from err
        raise
    finally:
        con.close()


def format_table(df: pd.DataFrame, max_width: int = 60) -> str:
    if df.empty:
        return "(no rows)" if len(df.columns) else "(nothing returned)"

    def short(v: object) -> object:
        text = "" if missing(v) else str(v)
        text = text.replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    return df.map(short).to_markdown(index=False, tablefmt="simple") + f"\n({len(df)} row{'s' if len(df) != 1 else ''})"
