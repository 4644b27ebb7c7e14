"""Analysts' corrections (DESIGN.md section 4): CSV files under data/corrections/, applied on every run.

Header: doc,table,programme,field,value,note,author
- doc: a doc_id or a source file name; table: documents, programmes, funnel_counts, budgets, funders, referrers
- programme: a programme's name, alias or id (blank for document fields)
- field: for documents one of DOCUMENT_FIELDS; for funnel_counts `<route>_<stage>` (e.g. agency_completed);
  for programmes and budgets one of EDITABLE_FIELDS; for funders/referrers `funder` / `organisation`, where the
  value adds that organisation and "-Name" removes it
- value: the corrected value; for a count or a budget a number or a status word (not_held, refused, ...); for
  documents.counted true or false (whether the marts count the reply).
  An empty value means "leave as extracted": the line is skipped (and counted), so `foi review --csv` output
  dropped in unchanged changes nothing.

One line per key (doc, table, programme, field; for funders/referrers also the organisation): two lines with
the same key, in one file or across files, are both reported and neither is applied, so no line silently wins.
A file that cannot be read (bad header, unknown table or field, a value of the wrong form) is a CorrectionsError
naming the file and line: the run stops before anything is published, because skipping the file would publish
the tables without corrections that were applied before, and the fix is the analyst's one edit.

A corrected row keeps the extracted value in `extracted_value` and names the correction in `extractor`
('correction:<file>:<line>'). A correction that matches nothing is reported, never silently ignored.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath

import pandas as pd

from foi_pipeline.contract import INFORMATION_STATUSES, ROUTES, STAGES, STATUSES

HEADER = ["doc", "table", "programme", "field", "value", "note", "author"]
CORRECTABLE = ("documents", "programmes", "funnel_counts", "budgets", "funders", "referrers")
DOCUMENT_FIELDS = ("authority", "area", "foi_reference", "response_date", "financial_year", "information_status", "request_id", "population",
                   "counted")
LIST_FIELDS = {"funders": "funder", "referrers": "organisation"}
# A budget's status follows its amount (a number, or a status word in amount_gbp), so it is not a field of its own.
EDITABLE_FIELDS = {"programmes": ("name", "canonical_name", "providers", "description", "aliases"), "budgets": ("amount_gbp", "period", "note")}


class CorrectionsError(ValueError):
    """A corrections file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Correction:
    file: str
    line: int
    doc: str
    table: str
    programme: str
    field: str
    value: str
    note: str
    author: str

    @property
    def source(self) -> str:
        return f"correction:{self.file}:{self.line}"


APPLIED, NOT_APPLIED, CONFLICT, LEFT = "applied", "not_applied", "conflict", "left_as_extracted"


@dataclass(frozen=True)
class Outcome:
    correction: Correction
    status: str  # APPLIED, NOT_APPLIED (its target is not in this run), CONFLICT (another line has its key) or LEFT (empty value)
    message: str

    @property
    def applied(self) -> bool:
        return self.status == APPLIED


def load_corrections(folder: Path) -> list[Correction]:
    """Every correction in every CSV under the folder, in file and line order; CorrectionsError on the first bad line."""
    out: list[Correction] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.rglob("*.csv")):
        name = path.relative_to(folder).as_posix()
        rows = _read_rows(path)
        if not rows:
            continue
        header = [h.strip().lower() for h in rows[0][1]]
        if header != HEADER:
            raise CorrectionsError(f"{path}: line 1: the header must be {','.join(HEADER)} (found {','.join(rows[0][1])})")
        for number, row in rows[1:]:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(HEADER):
                raise CorrectionsError(f"{path}: line {number}: expected {len(HEADER)} columns, found {len(row)}")
            doc, table, programme, field, value, note, author = (cell.strip() for cell in row)
            if not doc or not field:
                raise CorrectionsError(f"{path}: line {number}: 'doc' and 'field' are required")
            problem = line_problem(table, programme, field, value)
            if problem:
                raise CorrectionsError(f"{path}: line {number}: {problem}")
            out.append(Correction(name, number, doc, table, programme, field, value, note, author))
    return out


def corrections_problem(folder: Path) -> str | None:
    """Why the corrections folder cannot be used, in one line ('<file>: line <n>: <what>'), or None when it can."""
    try:
        load_corrections(folder)
    except CorrectionsError as err:
        return str(err)
    return None


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The file's CSV records with the line each starts on (a quoted cell may span lines); row 0 is the header."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise CorrectionsError(f"{path}: line {line}: not UTF-8 text (save the file as CSV UTF-8)") from None
    reader = csv.reader(text.splitlines(keepends=True))
    rows: list[tuple[int, list[str]]] = []
    try:
        start = 1
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        raise CorrectionsError(f"{path}: line {reader.line_num}: {err}") from None
    return rows


def line_problem(table: str, programme: str, field: str, value: str) -> str | None:
    """What is wrong with a line's table, field and value on their own (no document needed), or None."""
    if table not in CORRECTABLE:
        return f"unknown table '{table}' (one of {', '.join(CORRECTABLE)})"
    if table == "funnel_counts":
        route, _, stage = field.partition("_")
        if route not in ROUTES or stage not in STAGES:
            return f"field for funnel_counts must be <route>_<stage>, e.g. agency_completed (found '{field}')"
    elif table == "documents":
        if field not in DOCUMENT_FIELDS:
            return f"documents field must be one of {', '.join(DOCUMENT_FIELDS)} (found '{field}')"
    elif table in LIST_FIELDS:
        if field != LIST_FIELDS[table]:
            return f"the field for {table} is '{LIST_FIELDS[table]}' (found '{field}'): the value adds that organisation, '-Name' removes it"
    elif field not in EDITABLE_FIELDS[table]:
        return f"{table} field must be one of {', '.join(EDITABLE_FIELDS[table])} (found '{field}')"
    if table in ("programmes", "funnel_counts") and not programme:
        return f"a {table} correction needs a programme"
    if not value:
        return None  # left as extracted
    try:
        _check_value(table, field, value)
    except ValueError as err:
        return f"{table}.{field}: {err}"
    return None


def _check_value(table: str, field: str, value: str) -> None:
    """ValueError when the value cannot go into the field (as a blocking schema check would find after the run)."""
    if table == "funnel_counts":
        _reading(value)
    elif table == "budgets" and field == "amount_gbp":
        _amount(value)
    elif table == "documents" and field == "response_date":
        _date(value)
    elif table == "documents" and field == "information_status" and value not in INFORMATION_STATUSES:
        raise ValueError(f"'{value}' is not one of {', '.join(INFORMATION_STATUSES)}")
    elif table == "documents" and field == "financial_year" and not re.fullmatch(r"\d{4}/\d{2}", value):
        raise ValueError(f"'{value}' is not a financial year such as 2022/23")
    elif table == "documents" and field == "counted":
        _yes_no(value)
    elif table in LIST_FIELDS and not value.removeprefix("-").strip():
        raise ValueError("no organisation named")


def _norm(s: object) -> str:
    return re.sub(r"[^a-z0-9+]+", " ", str(s or "").lower()).strip()


def _match_docs(documents: pd.DataFrame, doc: str) -> list[str]:
    hits = documents[(documents["doc_id"] == doc) | (documents["source_path"] == doc)
                     | (documents["source_path"].map(lambda p: PurePosixPath(p).name) == doc)]
    return sorted(set(hits["doc_id"]))


def _match_programme(programmes: pd.DataFrame, doc_id: str, programme: str) -> str | None:
    rows = programmes[programmes["doc_id"] == doc_id]
    want = _norm(programme)
    for row in rows.to_dict("records"):
        names = [row["programme_id"], row["name"], row.get("canonical_name"), *(list(row["aliases"]) if row.get("aliases") is not None else [])]
        if any(_norm(n) == want for n in names if n):
            return row["programme_id"]
    return None


def _reading(value: str) -> tuple[str, int | None]:
    """'150' -> ('value', 150); 'not_held' -> ('not_held', None)."""
    word = value.strip().lower().replace(" ", "_").replace("-", "_")
    if word in STATUSES and word != "value":
        return word, None
    digits = value.replace(",", "").strip()
    if re.fullmatch(r"\d+", digits):
        return "value", int(digits)
    raise ValueError(f"'{value}' is neither a number nor one of {', '.join(STATUSES)}")


def _amount(value: str) -> tuple[str, Decimal | None]:
    """'£60,000' -> ('value', Decimal('60000.00')); 'not_held' -> ('not_held', None)."""
    digits = value.replace(",", "").replace("£", "").strip()
    if re.fullmatch(r"\d+(\.\d+)?", digits):
        return "value", Decimal(digits).quantize(Decimal("0.01"))
    return _reading(value)[0], None


def _date(value: str) -> date:
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        raise ValueError(f"'{value}' is not a date (write it as 2023-08-21)") from None


def _key(tables: dict[str, pd.DataFrame], c: Correction) -> tuple[str, ...]:
    """What a line corrects, resolved against this run's tables, so a file name and its doc_id (or a programme's
    name and its alias) are the same key."""
    doc_ids = _match_docs(tables["documents"], c.doc)
    doc = doc_ids[0] if doc_ids else c.doc
    programme = ""
    if c.table != "documents" and c.programme:
        programme = (_match_programme(tables["programmes"], doc, c.programme) if doc_ids else None) or _norm(c.programme)
    organisation = _norm(c.value.removeprefix("-")) if c.table in LIST_FIELDS else ""
    return doc, c.table, programme, c.field, organisation


def _yes_no(value: str) -> bool:
    """documents.counted: whether the marts count the reply ('true'/'false', 'yes'/'no')."""
    word = value.strip().lower()
    if word not in ("true", "false", "yes", "no"):
        raise ValueError(f"'{value}' is not true or false")
    return word in ("true", "yes")


def apply_corrections(tables: dict[str, pd.DataFrame], corrections: list[Correction]) -> tuple[dict[str, pd.DataFrame], list[Outcome]]:
    """Apply every correction to copies of the tables; report each one's outcome. No corrections, no copies.

    Lines with an empty value are left as extracted; lines that share a key are all reported and none applied.
    """
    if not corrections:
        return tables, []
    keys = {c: _key(tables, c) for c in corrections if c.value}
    sharing: dict[tuple[str, ...], list[Correction]] = {}
    for c, key in keys.items():
        sharing.setdefault(key, []).append(c)
    tables = {name: df.copy() for name, df in tables.items()}
    outcomes: list[Outcome] = []
    for c in corrections:
        if not c.value:
            outcomes.append(Outcome(c, LEFT, "no value: left as extracted"))
            continue
        others = [o.source for o in sharing[keys[c]] if o != c]
        if others:
            outcomes.append(Outcome(c, CONFLICT, f"{', '.join(others)} corrects the same {c.table}.{c.field}: none is applied until one line is left"))
            continue
        try:
            outcomes.append(Outcome(c, APPLIED, _apply(tables, c)))
        except LookupError as err:
            outcomes.append(Outcome(c, NOT_APPLIED, str(err)))
        except ValueError as err:
            outcomes.append(Outcome(c, NOT_APPLIED, f"value not usable: {err}"))
    return tables, outcomes


def outcome_summary(outcomes: list[Outcome]) -> tuple[dict[str, int], list[str]]:
    """Counts for the run's metadata, and one line per correction that was not applied (conflicts included)."""
    counts = Counter(o.status for o in outcomes)
    not_applied = [f"{o.correction.source}: {o.message}" for o in outcomes if o.status in (NOT_APPLIED, CONFLICT)]
    return {
        "corrections": len(outcomes),
        "corrections_applied": counts[APPLIED],
        "corrections_not_applied": len(not_applied),
        "corrections_conflicting": counts[CONFLICT],
        "corrections_left_as_extracted": counts[LEFT],
    }, not_applied


def _mark(df: pd.DataFrame, mask: pd.Series, c: Correction, before: str) -> None:
    df.loc[mask, "extracted_value"] = df.loc[mask, "extracted_value"].where(df.loc[mask, "extracted_value"].notna(), before)
    df.loc[mask, "correction"] = f"{c.source}: {c.note} ({c.author})".strip()
    if "extractor" in df.columns:
        df.loc[mask, "extractor"] = c.source


def _apply(tables: dict[str, pd.DataFrame], c: Correction) -> str:
    doc_ids = _match_docs(tables["documents"], c.doc)
    if not doc_ids:
        raise LookupError(f"no document '{c.doc}' in this run (it was removed, renamed or its bytes changed)")
    doc_id = doc_ids[0]
    if c.table == "documents":
        df = tables["documents"]
        mask = df["doc_id"] == doc_id
        before = str(df.loc[mask, c.field].iloc[0])
        value: date | bool | str = _date(c.value) if c.field == "response_date" else _yes_no(c.value) if c.field == "counted" else c.value
        _mark(df, mask, c, before)
        df.loc[mask, c.field] = value
        return f"documents.{c.field} = {c.value}"
    programme_id = _match_programme(tables["programmes"], doc_id, c.programme) if c.programme else None
    if c.programme and programme_id is None:
        if c.table == "programmes" and c.field == "name":
            return _add_programme(tables, c, doc_id)
        raise LookupError(f"no programme '{c.programme}' in document {doc_id}")
    if c.table == "programmes":
        df = tables["programmes"]
        mask = df["programme_id"] == programme_id
        before = str(df.loc[mask, c.field].iloc[0])
        _mark(df, mask, c, before)
        new_value: object = [v.strip() for v in c.value.split(";") if v.strip()] if c.field in ("providers", "aliases") else c.value
        df.loc[mask, c.field] = pd.Series([new_value] * int(mask.sum()), index=df.index[mask], dtype="object")
        return f"programmes.{c.field} = {c.value}"
    if c.table == "funnel_counts":
        route, _, stage = c.field.partition("_")
        df = tables["funnel_counts"]
        mask = (df["programme_id"] == programme_id) & (df["route"] == route) & (df["stage"] == stage)
        if not mask.any():
            raise LookupError(f"no {c.field} row for programme '{c.programme}'")
        status, count = _reading(c.value)
        row = df.loc[mask].iloc[0]
        _mark(df, mask, c, f"{row['status']}:{'' if pd.isna(row['count']) else int(row['count'])}")
        df.loc[mask, ["status", "count", "count_low", "count_high"]] = [status, count, count, count]
        df.loc[mask, "qualifier"] = "exact" if status == "value" else None
        return f"{c.field} = {c.value}"
    if c.table == "budgets":
        df = tables["budgets"]
        mask = (df["doc_id"] == doc_id) & ((df["programme_id"] == programme_id) if programme_id else df["programme_id"].isna())
        if not mask.any():
            raise LookupError(f"no budget row for {'programme ' + repr(c.programme) if c.programme else 'the whole reply'}")
        before = f"{df.loc[mask, 'status'].iloc[0]}:{df.loc[mask, 'amount_gbp'].iloc[0]}"
        _mark(df, mask, c, before)
        if c.field == "amount_gbp":
            status, amount = _amount(c.value)
            df.loc[mask, "status"] = status
            df.loc[mask, "amount_gbp"] = pd.Series([amount] * int(mask.sum()), index=df.index[mask], dtype="object")
        else:
            df.loc[mask, c.field] = c.value
        return f"budgets.{c.field} = {c.value}"
    return _apply_list(tables, c, doc_id, programme_id)


def _apply_list(tables: dict[str, pd.DataFrame], c: Correction, doc_id: str, programme_id: str | None) -> str:
    table, column = c.table, LIST_FIELDS[c.table]
    df = tables[table]
    in_scope = (df["doc_id"] == doc_id) & ((df["programme_id"] == programme_id) if programme_id else True)
    if c.value.startswith("-"):
        name = c.value[1:].strip()
        mask = in_scope & (df[column].map(_norm) == _norm(name))
        if not mask.any():
            raise LookupError(f"no {column} '{name}' to remove")
        tables[table] = df[~mask].reset_index(drop=True)
        removed = tables["review_queue"]
        tables["review_queue"] = pd.concat([removed, pd.DataFrame([{
            "doc_id": doc_id, "table_name": table, "field": column, "reason": f"removed by {c.source}: {c.note}",
            "severity": "info", "char_start": 0, "char_end": 0, "evidence_text": "", "extractor": c.source,
            "programme_id": programme_id, "value": name,
        }])], ignore_index=True)
        return f"removed {column} {name}"
    row = dict.fromkeys(df.columns)
    row.update({"doc_id": doc_id, "programme_id": programme_id, column: c.value, f"{column}_as_written": c.value,
                "char_start": 0, "char_end": 0, "evidence_text": "", "extractor": c.source,
                "extracted_value": None, "correction": f"{c.source}: {c.note} ({c.author})".strip()})
    if table == "funders":
        row["contribution"] = "unknown"
    tables[table] = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    return f"added {column} {c.value}"


def _add_programme(tables: dict[str, pd.DataFrame], c: Correction, doc_id: str) -> str:
    """A programme the extractor missed: added with every funnel figure and its budget 'not_stated'."""
    pid = f"{doc_id}-{re.sub(r'[^a-z0-9]+', '-', c.value.lower()).strip('-')[:40] or 'programme'}"
    source = {"char_start": 0, "char_end": 0, "evidence_text": "", "extractor": c.source, "extracted_value": None,
              "correction": f"{c.source}: {c.note} ({c.author})".strip()}
    programme = dict.fromkeys(tables["programmes"].columns)
    programme.update({"programme_id": pid, "doc_id": doc_id, "name": c.value, "providers": [], "aliases": [], **source})
    tables["programmes"] = pd.concat([tables["programmes"], pd.DataFrame([programme])], ignore_index=True)
    population = tables["documents"].loc[tables["documents"]["doc_id"] == doc_id, "population"].iloc[0]
    funnel = [{**dict.fromkeys(tables["funnel_counts"].columns), "doc_id": doc_id, "programme_id": pid, "population": population,
               "route": r, "stage": s, "status": "not_stated", **source} for r in ROUTES for s in STAGES]
    tables["funnel_counts"] = pd.concat([tables["funnel_counts"], pd.DataFrame(funnel)], ignore_index=True)
    budget = {**dict.fromkeys(tables["budgets"].columns), "doc_id": doc_id, "programme_id": pid, "status": "not_stated", **source}
    tables["budgets"] = pd.concat([tables["budgets"], pd.DataFrame([budget])], ignore_index=True)
    return f"added programme {c.value}"


def outcome_review_rows(outcomes: list[Outcome], documents: pd.DataFrame) -> list[dict]:
    """Corrections that matched nothing or share their key with another line, as review items a person will see."""
    rows = []
    for outcome in outcomes:
        if outcome.status not in (NOT_APPLIED, CONFLICT):
            continue
        c = outcome.correction
        doc_ids = _match_docs(documents, c.doc)
        rows.append({
            "doc_id": doc_ids[0] if doc_ids else (c.doc if re.fullmatch(r"[0-9a-f]{16}", c.doc) else "0" * 16),
            "table_name": c.table, "field": c.field, "reason": f"{c.source} was not applied: {outcome.message}",
            "severity": "warning", "char_start": 0, "char_end": 0, "evidence_text": "", "extractor": c.source,
            "programme_id": None, "value": c.value,
        })
    return rows
