"""The words analysts read for the project's codes: statuses, qualifiers, coverage, rules, tables and fields.

The tables keep their codes (analysts' SQL relies on them); the report and the console show these words instead.
One place, so every output says the same thing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TypeGuard

import numpy as np
import pandas as pd

from foi_pipeline.contract import ROUTES, STAGES

STATUS_WORDS = {
    "value": "given",
    "not_applicable": "not applicable",
    "not_held": "not held",
    "refused": "refused",
    "suppressed": "withheld as a small number",
    "not_stated": "not stated",
}
QUALIFIER_WORDS = {"exact": "", "approx": "approx.", "at_least": "at least", "at_most": "at most"}
BASIS_WORDS = {"exact": "", "approx": "rests on an approximate figure", "bounded": "rests on a bound: the rate is a bound too"}
COVERAGE_WORDS = {
    "answered": "answered",
    "not_applicable": "not applicable",
    "not_held": "not held",
    "refused": "refused",
    "not_answered": "not answered",
    "no_reply": "no reply",
}
INFORMATION_WORDS = {"held": "held", "partly_held": "partly held", "not_held": "not held", "refused": "refused"}
TABLE_WORDS = {
    "documents": "letter", "document_text": "text", "answers": "answer", "programmes": "programme", "funnel_counts": "count",
    "budgets": "budget", "funders": "funder", "referrers": "referrer", "review_queue": "review",
}
ROUTE_WORDS = {"self": "self-referred", "agency": "agency-referred"}
FIELD_WORDS = {
    **{f"{r}_{s}": f"{ROUTE_WORDS[r]}, {s}" for r in ROUTES for s in STAGES},
    "unread_figure": "figure read into nothing", "unread_name": "name read as nothing", "answered_unread": "answered but not read",
    "no_answer": "no answer found", "amount_gbp": "budget", "information_status": "information held", "request_id": "request",
    "counted": "counted in the marts", "response_date": "date of the reply", "foi_reference": "reference",
    "evaluation_link": "evaluation", "funder": "funder", "organisation": "organisation",
}
# Rules (documents' and facts' `extractor`), one word list per part: "count:digits+stage_from_clause".
RULE_KINDS = {
    "answer": "answer", "budget": "budget", "count": "figure", "funders": "funders", "referrers": "referrers",
    "programme": "programme", "validation": "check", "pipeline": "pipeline", "accounting": "accounting", "money": "amount",
}
RULE_PARTS = {
    "digits": "written in digits", "words": "written in words", "fewer_than": "'fewer than' a number", "range": "a range",
    "plus": "a number and more", "star": "a '*' for a small number", "suppressed_marker": "marked as withheld",
    "suppression_policy": "withheld under the small-numbers policy", "not_stated": "not stated", "not_applicable": "not applicable",
    "not_held": "not held", "refused": "refused", "suppressed": "withheld as a small number",
    "stage_from_clause": "its stage from its clause", "prose": "read from a sentence", "prose_respectively": "read from 'respectively'",
    "respectively": "read from 'respectively'", "table": "read from a table row", "table_row": "read from a table row",
    "table_heading": "read from a table heading", "table_key": "explained by the table's key", "list": "read from a list",
    "list_item": "read from a list item", "cue": "named beside its cue", "section_heading": "read from a section heading",
    "answer_label": "read from the answer's label", "whole_answer": "the whole answer", "as_referenced": "an answer pointing to another",
    "sum_of_periods": "the periods added up", "sum_of_parts": "its parts added up", "all_of_previous_stage": "all of the stage before",
    "no_noun": "a bare number", "money": "", "pound": "an amount in pounds", "gbp": "an amount in pounds",
    "pound_k": "an amount in thousands of pounds", "pound_m": "an amount in millions of pounds", "label": "matched by its label", "question_text": "matched by the question's words",
    "content": "matched by its content", "heading": "matched by its heading", "order": "matched by its place", "none": "not matched",
    "doubt": "a doubt", "answered_unread": "answered but not read", "request_match": "matching a request", "reply": "one reply",
    "counted": "counted once",
}
_SLOT = re.compile(r"\b(self|agency)_(referred|accepted|completed)\b")
_CODE = re.compile(r"\b(" + "|".join(sorted({*STATUS_WORDS, *FIELD_WORDS} - {"value", "refused", "funder", "organisation", "counted"},
                                             key=len, reverse=True)) + r")\b")


def rule_words(extractor: object) -> str:
    """'count:digits+stage_from_clause' -> 'figure written in digits, its stage from its clause'."""
    if not isinstance(extractor, str) or not extractor:
        return ""
    if extractor.startswith("correction:"):
        _, _, rest = extractor.partition(":")
        file, _, line = rest.rpartition(":")
        return f"corrected in {file or rest}" + (f", line {line}" if file and line.isdigit() else "")
    kind, _, how = extractor.partition(":")
    if kind == "validation":
        return f"check: {how}"
    parts = [RULE_PARTS.get(p, p.replace("_", " ")) for p in re.split(r"[:+]", how) if p]
    parts = [p for p in parts if p]
    if kind == "status":
        return f"the answer says '{', '.join(parts)}'"
    head = RULE_KINDS.get(kind, kind.replace("_", " "))
    return f"{head}: {', '.join(parts)}" if parts else head


def words(text: object) -> str:
    """Codes inside a sentence (slot names, statuses) as words: 'question 7 (agency_completed)' -> '... (agency-referred, completed)'."""
    if not isinstance(text, str):
        return ""
    return _CODE.sub(lambda m: FIELD_WORDS.get(m.group(1)) or STATUS_WORDS[m.group(1)], text)


def money(amount: object) -> str:
    """£60,000 and £209,332.78: pence only when there are some."""
    if not _known(amount):
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


def percent(rate: object, digits: int = 0) -> str:
    """0.8049 -> '80%'."""
    if not _known(rate):
        return ""
    return f"{float(rate) * 100:.{digits}f}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 file', '2 files', '2 replies' (given 'replies' as `many`)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def figure(count: object, status: object, qualifier: object = None, low: object = None, high: object = None) -> str:
    """A count as an analyst reads it: '203 (at most)', '1 to 4 (withheld as a small number)', 'not applicable'."""
    if status != "value":
        shown = STATUS_WORDS.get(str(status), str(status).replace("_", " ")) if isinstance(status, str) else ""
        if _known(low) and _known(high):
            return f"{int(low)} to {int(high)} ({shown})"
        return shown
    text = f"{int(count):,}" if _known(count) else ""
    if _known(low) and _known(high) and (low != count or high != count):
        text = f"{int(low):,} to {int(high):,}"
    elif _known(low) and not _known(high):
        return f"{int(low):,} or more"
    said = QUALIFIER_WORDS.get(str(qualifier), "") if isinstance(qualifier, str) else ""
    return f"{text} ({said})" if said else text


def missing(value: object) -> bool:
    """A cell that holds nothing: None, NaN, NaT or pd.NA (a list is a value, even an empty one)."""
    if value is None or isinstance(value, (list, tuple, np.ndarray)):
        return value is None
    return bool(pd.isna(value))  # type: ignore[call-overload]  # pandas-stubs' isna takes no plain object, though it reads any scalar


def _known(value: object) -> TypeGuard[float]:
    """A figure that is there (the frames hold numbers, numpy's too, which int() and float() read)."""
    return not isinstance(value, (list, tuple)) and not missing(value)
