"""pandera models of the contract tables, and lazy validation that turns failures into sentences a person reads.

Two kinds of failure: a broken contract (wrong type, a value outside a vocabulary, a duplicate key,
a count without status 'value') is an error that blocks the warehouse; an implausible value (a budget
over £50m, more completions than acceptances) is a doubt that goes to review_queue. Rows are never dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from foi_pipeline.contract import (
    CONTRIBUTIONS, INFORMATION_STATUSES, PARSE_STATUSES, QUALIFIERS, REQUEST_MATCHES, ROUTES, SEVERITIES, STAGES, STATUSES,
    TEXT_SOURCES,
)

MAX_BUDGET = 50_000_000
# The rules' version: this file and the contract it checks. Rows validated under another version are validated again.
SCHEMA_VERSION = hashlib.sha256(b"".join(p.read_bytes() for p in (Path(__file__), Path(__file__).parents[1] / "contract.py"))).hexdigest()[:12]
DOUBTS: set[str] = set()  # error messages of checks whose failures are doubts (WARN), not broken contracts


def doubt(message: str) -> str:
    DOUBTS.add(message)
    return message


class _Provenance(pa.DataFrameModel):
    class Config:
        coerce = True

    doc_id: Series[pd.StringDtype] = pa.Field(str_matches=r"^[0-9a-f]{16}$")
    char_start: Series[pd.Int64Dtype] = pa.Field(ge=0)
    char_end: Series[pd.Int64Dtype] = pa.Field(ge=0)
    evidence_text: Series[pd.StringDtype]
    extractor: Series[pd.StringDtype]

    @pa.dataframe_check(error="char_end is before char_start")
    def span_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["char_end"] >= df["char_start"]

    @pa.dataframe_check(error="evidence_text is not as long as its span")
    def span_length(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["char_end"] - df["char_start"]) == df["evidence_text"].str.len()


class Documents(pa.DataFrameModel):
    class Config:
        coerce = True

    doc_id: Series[pd.StringDtype] = pa.Field(str_matches=r"^[0-9a-f]{16}$")
    source_path: Series[pd.StringDtype] = pa.Field(unique=True)
    media_type: Series[pd.StringDtype]
    sha256: Series[pd.StringDtype] = pa.Field(nullable=True)
    byte_size: Series[pd.Int64Dtype] = pa.Field(ge=0)
    request_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    parse_status: Series[pd.StringDtype] = pa.Field(isin=PARSE_STATUSES)
    information_status: Series[pd.StringDtype] = pa.Field(isin=INFORMATION_STATUSES, nullable=True)
    financial_year: Series[pd.StringDtype] = pa.Field(str_matches=r"^\d{4}/\d{2}$", nullable=True)
    response_date: Series[object] = pa.Field(nullable=True)
    request_match: Series[pd.StringDtype] = pa.Field(isin=REQUEST_MATCHES, nullable=True)
    counted: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    superseded_by: Series[pd.StringDtype] = pa.Field(nullable=True)
    text_source: Series[pd.StringDtype] = pa.Field(isin=TEXT_SOURCES, nullable=True)
    ocr_confidence: Series[pd.Float64Dtype] = pa.Field(ge=0, le=100, nullable=True)
    ocr_pages: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)

    @pa.dataframe_check(error=doubt("response_date is in the future or before 2000"))
    def plausible_date(cls, df: pd.DataFrame) -> Series[bool]:
        dates = pd.to_datetime(df["response_date"], errors="coerce")
        ok = dates.isna() | ((dates >= pd.Timestamp(2000, 1, 1)) & (dates <= pd.Timestamp(dt.date.today())))
        return ok

    @pa.dataframe_check(error="a file that was not read has no parse_error saying why")
    def error_explained(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["parse_status"] == "ok") | df["parse_error"].notna()


class DocumentText(pa.DataFrameModel):
    class Config:
        coerce = True

    doc_id: Series[pd.StringDtype] = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$")
    text: Series[pd.StringDtype]


class Answers(_Provenance):
    question_no: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    question_key: Series[pd.StringDtype]
    numbered_as: Series[pd.StringDtype] = pa.Field(nullable=True)
    status: Series[pd.StringDtype] = pa.Field(isin=STATUSES)

    class Config:
        coerce = True
        unique = ["doc_id", "question_key"]


class Programmes(_Provenance):
    class Config:
        coerce = True

    programme_id: Series[pd.StringDtype] = pa.Field(unique=True)
    name: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})
    canonical_name: Series[pd.StringDtype] = pa.Field(nullable=True)


class FunnelCounts(_Provenance):
    programme_id: Series[pd.StringDtype]
    population: Series[pd.StringDtype] = pa.Field(nullable=True)
    route: Series[pd.StringDtype] = pa.Field(isin=ROUTES)
    stage: Series[pd.StringDtype] = pa.Field(isin=STAGES)
    count: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    count_low: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    count_high: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    status: Series[pd.StringDtype] = pa.Field(isin=STATUSES)
    qualifier: Series[pd.StringDtype] = pa.Field(isin=QUALIFIERS, nullable=True)

    class Config:
        coerce = True
        unique = ["programme_id", "route", "stage"]

    @pa.dataframe_check(error="count must be given exactly when status is 'value'")
    def count_iff_value(cls, df: pd.DataFrame) -> Series[bool]:
        return df["count"].notna() == (df["status"] == "value")

    @pa.dataframe_check(error=doubt("a count is negative"))
    def non_negative(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["count"].isna() | (df["count"] >= 0)).astype(bool)

    @pa.dataframe_check(error=doubt("the interval's low bound is above its high bound"))
    def interval_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        low, high = df["count_low"], df["count_high"]
        return (low.isna() | high.isna() | (low <= high)).astype(bool)

    @pa.dataframe_check(error=doubt("more accepted than referred for this programme and route"))
    def accepted_within_referred(cls, df: pd.DataFrame) -> Series[bool]:
        return _within(df, "accepted", "referred")

    @pa.dataframe_check(error=doubt("more completed than accepted for this programme and route"))
    def completed_within_accepted(cls, df: pd.DataFrame) -> Series[bool]:
        return _within(df, "completed", "accepted")


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


class Budgets(_Provenance):
    class Config:
        coerce = True

    programme_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    amount_gbp: Series[object] = pa.Field(nullable=True)
    status: Series[pd.StringDtype] = pa.Field(isin=STATUSES)
    period: Series[pd.StringDtype] = pa.Field(nullable=True)

    @pa.dataframe_check(error="amount_gbp must be given exactly when status is 'value'")
    def amount_iff_value(cls, df: pd.DataFrame) -> Series[bool]:
        return df["amount_gbp"].notna() == (df["status"] == "value")

    @pa.dataframe_check(error=doubt(f"a budget outside the plausible range £0 to £{MAX_BUDGET:,}"))
    def plausible_amount(cls, df: pd.DataFrame) -> Series[bool]:
        amounts = pd.to_numeric(df["amount_gbp"].astype("object").map(lambda v: None if v is None else float(v)), errors="coerce")
        return amounts.isna() | ((amounts >= 0) & (amounts <= MAX_BUDGET))


class Funders(_Provenance):
    class Config:
        coerce = True

    programme_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    funder: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})
    contribution: Series[pd.StringDtype] = pa.Field(isin=CONTRIBUTIONS)


class Referrers(_Provenance):
    class Config:
        coerce = True

    programme_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    organisation: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})


class ReviewQueue(_Provenance):
    table_name: Series[pd.StringDtype]
    field: Series[pd.StringDtype]
    reason: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})
    severity: Series[pd.StringDtype] = pa.Field(isin=SEVERITIES)

    class Config:
        coerce = True


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "documents": Documents,
    "document_text": DocumentText,
    "answers": Answers,
    "programmes": Programmes,
    "funnel_counts": FunnelCounts,
    "budgets": Budgets,
    "funders": Funders,
    "referrers": Referrers,
    "review_queue": ReviewQueue,
}


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
    if check == "not_nullable":
        return "a missing value in a required column"
    if check.startswith("coerce_dtype") or check.startswith("dtype("):
        return f"a value of the wrong type ({check})"
    if check == "column_in_dataframe":
        return "a contract column is missing"
    if check.startswith("str_length("):
        return "an empty name"
    return check


def validate_table(table: str, df: pd.DataFrame) -> list[Failure]:
    """Every failure of the table's model, collected at once (lazy validation); the frame is left as it is."""
    model = MODELS[table]
    try:
        model.validate(df, lazy=True)
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


_DATAFRAME_CHECKS = {
    "char_end is before char_start", "evidence_text is not as long as its span", "count must be given exactly when status is 'value'",
    "amount_iff_value", "a file that was not read has no parse_error saying why", "amount_gbp must be given exactly when status is 'value'",
    *DOUBTS,
}
