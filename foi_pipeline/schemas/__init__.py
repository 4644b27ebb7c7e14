"""pandera models of the contract tables, and lazy validation that turns failures into sentences a person reads.

Two kinds of failure: a broken contract (wrong type, a value outside a vocabulary, a duplicate key,
a count without status 'value') is an error that blocks the warehouse; an implausible value (a budget
over £50m, more completions than acceptances) is a doubt that goes to review_queue. Rows are never dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from foi_pipeline.metadata import FIELDS, pandas_dtype, table

MAX_BUDGET = 50_000_000
_RULE_FILES = (Path(__file__), *(Path(__file__).parents[1] / "metadata").glob("*.py"))
# The rules' version: this file and the declarations it checks. Rows validated under another version are validated again.
SCHEMA_VERSION = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(_RULE_FILES))).hexdigest()[:12]


@dataclass(frozen=True)
class Rule:
    """A rule over rows that one column's declaration cannot state (several columns, or other rows). A `doubt`
    (an implausible value) goes to review_queue as a warning; any other failure is a broken contract."""

    message: str
    holds: Callable[[pd.DataFrame], pd.Series]
    doubt: bool = False


def _span_ordered(df: pd.DataFrame) -> pd.Series:
    return df["char_end"] >= df["char_start"]


def _span_length(df: pd.DataFrame) -> pd.Series:
    return (df["char_end"] - df["char_start"]) == df["evidence_text"].str.len()


def _plausible_date(df: pd.DataFrame) -> pd.Series:
    dates = pd.to_datetime(df["response_date"], errors="coerce")
    return dates.isna() | ((dates >= pd.Timestamp(2000, 1, 1)) & (dates <= pd.Timestamp(dt.date.today())))


def _error_explained(df: pd.DataFrame) -> pd.Series:
    return (df["parse_status"] == "ok") | df["parse_error"].notna()


def _count_iff_value(df: pd.DataFrame) -> pd.Series:
    return df["count"].notna() == (df["status"] == "value")


def _non_negative(df: pd.DataFrame) -> pd.Series:
    return (df["count"].isna() | (df["count"] >= 0)).astype(bool)


def _interval_ordered(df: pd.DataFrame) -> pd.Series:
    low, high = df["count_low"], df["count_high"]
    return (low.isna() | high.isna() | (low <= high)).astype(bool)


def _within(df: pd.DataFrame, stage: str, bound: str) -> pd.Series:
    """Row-wise: where both figures are values, the later stage's count is at most the earlier one's."""
    values = df[df["status"] == "value"]
    limits = values[values["stage"] == bound][["programme_id", "route", "count"]].drop_duplicates(["programme_id", "route"])
    limits = limits.rename(columns={"count": "_limit"})
    rows = df[["programme_id", "route", "stage", "status", "count"]].reset_index().merge(limits, on=["programme_id", "route"], how="left")
    over = (rows["stage"] == stage) & (rows["status"] == "value") & rows["_limit"].notna() & (rows["count"] > rows["_limit"])
    ok = pd.Series(True, index=df.index)
    ok[rows.loc[over.fillna(False).astype(bool), "index"]] = False
    return ok


def _amount_iff_value(df: pd.DataFrame) -> pd.Series:
    return df["amount_gbp"].notna() == (df["status"] == "value")


def _plausible_amount(df: pd.DataFrame) -> pd.Series:
    amounts = pd.to_numeric(df["amount_gbp"].astype("object").map(lambda v: None if v is None else float(v)), errors="coerce")
    return amounts.isna() | ((amounts >= 0) & (amounts <= MAX_BUDGET))


PROVENANCE_RULES = [
    Rule("char_end is before char_start", _span_ordered),
    Rule("evidence_text is not as long as its span", _span_length),
]
RULES: dict[str, list[Rule]] = {
    "documents": [
        Rule("response_date is in the future or before 2000", _plausible_date, doubt=True),
        Rule("a file that was not read has no parse_error saying why", _error_explained),
    ],
    "funnel_counts": [
        Rule("count must be given exactly when status is 'value'", _count_iff_value),
        Rule("a count is negative", _non_negative, doubt=True),
        Rule("the interval's low bound is above its high bound", _interval_ordered, doubt=True),
        Rule("more accepted than referred for this programme and route", lambda df: _within(df, "accepted", "referred"), doubt=True),
        Rule("more completed than accepted for this programme and route", lambda df: _within(df, "completed", "accepted"), doubt=True),
    ],
    "budgets": [
        Rule("amount_gbp must be given exactly when status is 'value'", _amount_iff_value),
        Rule(f"a budget outside the plausible range £0 to £{MAX_BUDGET:,}", _plausible_amount, doubt=True),
    ],
}


def rules(name: str) -> list[Rule]:
    """The table's rules over rows: the span rules where it carries provenance, then its own."""
    return [*(PROVENANCE_RULES if table(name).provenance else []), *RULES.get(name, [])]


DOUBTS: set[str] = {r.message for rs in (PROVENANCE_RULES, *RULES.values()) for r in rs if r.doubt}
_DATAFRAME_CHECKS: set[str] = {r.message for rs in (PROVENANCE_RULES, *RULES.values()) for r in rs}


def _column(field: str, required: bool, unique: bool) -> pa.Column:
    """A column's pandera declaration, from its field: type, blanks, vocabulary, range, pattern, uniqueness."""
    f = FIELDS[field]
    checks = []
    if f.values:
        checks.append(pa.Check.isin(f.values))
    if f.minimum is not None:
        checks.append(pa.Check.ge(f.minimum))
    if f.maximum is not None:
        checks.append(pa.Check.le(f.maximum))
    if f.pattern:
        checks.append(pa.Check.str_matches(f.pattern))
    if f.non_empty:
        checks.append(pa.Check.str_length(min_value=1))
    return pa.Column(pandas_dtype(f.type), checks=checks, nullable=not required, unique=unique, coerce=True, name=field)


def model(name: str) -> pa.DataFrameSchema:
    """The pandera schema of a contract table, generated from its declaration (built when asked, so it is always
    the declaration's), with the table's rules over rows."""
    t = table(name)
    key = list(t.primary_key)
    return pa.DataFrameSchema(
        {f.name: _column(f.name, t.is_required(f.name), key == [f.name]) for f in t.columns},
        checks=[pa.Check(r.holds, error=r.message) for r in rules(name)],
        unique=key if len(key) > 1 else None, coerce=True, name=name,
    )


@dataclass(frozen=True)
class Failure:
    table: str
    row: int | None  # index of the failing row; None for a table-wide failure (e.g. a missing column)
    column: str | None
    check: str
    value: str | None
    severity: str  # "error" (broken contract) or "warning" (doubt)

    @property
    def sentence(self) -> str:
        where = f" in column {self.column}" if self.column and self.column != self.table else ""
        shown = f" (found {self.value!r})" if self.value not in (None, "", "nan") else ""
        return f"{_describe(self.check)}{where}{shown}"


def _describe(check: str) -> str:
    if check.startswith("isin("):
        return f"a value outside the allowed vocabulary {check[5:-1]}"
    if check.startswith("str_matches("):
        return f"a value that does not look like {check[12:-1]}"
    if check == "multiple_fields_uniqueness" or check == "field_uniqueness":
        return "a duplicate key: another row has the same identifying columns"
    if check.startswith("greater_than_or_equal_to("):
        return f"a value below the minimum {check[25:-1]}"
    if check.startswith("less_than_or_equal_to("):
        return f"a value above the maximum {check[22:-1]}"
    if check == "not_nullable":
        return "a missing value in a required column"
    if check.startswith(("coerce_dtype", "dtype(")):
        return f"a value of the wrong type ({check})"
    if check == "column_in_dataframe":
        return "a contract column is missing"
    if check.startswith("str_length("):
        return "an empty name"
    return check


def validate_table(table: str, df: pd.DataFrame) -> list[Failure]:
    """Every failure of the table's model, collected at once (lazy validation); the frame is left as it is."""
    try:
        model(table).validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        failures = []
        cases = err.failure_cases
        seen: set[tuple] = set()
        for case in cases.to_dict("records"):
            index = case.get("index")
            row = None if index is None or (isinstance(index, float) and pd.isna(index)) else int(index)
            check = str(case.get("check"))
            column = case.get("column") if isinstance(case.get("column"), str) else None
            # A dataframe-level check reports one row per column of each failing row: keep one.
            key = (row, check) if check in _DATAFRAME_CHECKS else (row, check, column)
            if key in seen:
                continue
            seen.add(key)
            value = case.get("failure_case")
            failures.append(Failure(table, row, None if check in _DATAFRAME_CHECKS else column, check,
                                    None if check in _DATAFRAME_CHECKS else str(value), "warning" if check in DOUBTS else "error"))
        return failures
    return []

