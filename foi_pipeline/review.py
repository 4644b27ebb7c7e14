"""What needs a person's look, most important first, and a corrections-ready CSV of it."""

from __future__ import annotations

import csv
from pathlib import Path, PurePosixPath

import pandas as pd

from foi_pipeline.contract import CORRECTABLE_TABLES, ROUTES, STAGES
from foi_pipeline.corrections import HEADER, line_problem
from foi_pipeline.exports import csv_text
from foi_pipeline.extract.accounting import UNREAD_FIELD
from foi_pipeline.extract.quantities import find_money, read_count
from foi_pipeline.wording import missing, plural

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
TABLE_ORDER = {t: i for i, t in enumerate(["documents", "funnel_counts", "budgets", "programmes", "funders", "referrers", "answers"])}
QUESTION_TABLE = {"funders": ("funders", "funder"), "referrers": ("referrers", "organisation"), "budget": ("budgets", "amount_gbp")}


def review_items(review: pd.DataFrame, documents: pd.DataFrame, programmes: pd.DataFrame, texts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The review queue with file and programme names (and, given the texts, the line each item points into),
    sorted by severity, then table, then file."""
    files = dict(zip(documents["doc_id"], documents["source_path"]))
    names = dict(zip(programmes["programme_id"], programmes["name"]))
    out = review.copy()
    out["file"] = out["doc_id"].map(files).fillna("")
    out["programme"] = out["programme_id"].map(names).fillna("")
    by_doc = dict(zip(texts["doc_id"], texts["text"])) if texts is not None else {}
    out["line"] = [_line(by_doc.get(d), s, e) for d, s, e in zip(out["doc_id"], out["char_start"], out["char_end"])]
    out["_s"] = out["severity"].map(SEVERITY_ORDER).fillna(3)
    out["_t"] = out["table_name"].map(TABLE_ORDER).fillna(9)
    return out.sort_values(["_s", "_t", "file", "char_start"], kind="stable").drop(columns=["_s", "_t"]).reset_index(drop=True)


def _line(text: str | None, start: object, end: object) -> str:
    """The line (or lines) a span lies on, cut around the span when long, so a doubt shows its context."""
    return "".join(context(text, start, end)).strip()


def context(text: str | None, start: object, end: object, width: int = 240) -> tuple[str, str, str]:
    """The line around a span, as (before, evidence, after), cut to about `width` characters around the evidence
    (an ellipsis where it is cut), so a doubt on a long line still shows the words that explain it."""
    if missing(start) or missing(end):
        return "", "", ""
    lo, hi = int(start), int(end)  # type: ignore[call-overload]  # a span's ends are whole numbers in the frames
    if not text or hi <= lo:
        return "", "", ""
    first = text.rfind("\n", 0, lo) + 1
    last = text.find("\n", hi)
    last = len(text) if last < 0 else last
    if last - first > width:
        room = max(20, (width - (hi - lo)) // 2)
        first, last = max(first, lo - room), min(last, hi + room)
    before = text[first:lo].lstrip()
    after = text[hi:last].rstrip()
    cut_before = first > 0 and text[first - 1] != "\n"
    cut_after = last < len(text) and text[last] != "\n"
    return ("…" if cut_before else "") + before, text[lo:hi], after + ("…" if cut_after else "")


def format_items(items: pd.DataFrame) -> str:
    if items.empty:
        return "Nothing to review."
    lines = []
    for row in items.to_dict("records"):
        where = f"{row['table_name']}.{row['field']}" + (f" [{row['programme']}]" if row["programme"] else "")
        lines.append(f"[{row['severity']}] {row['file'] or row['doc_id']} | {where}\n    {row['reason']}")
        evidence = (row["evidence_text"] or "").replace("\n", " ")
        if evidence:
            lines.append(f"    evidence (chars {row['char_start']}-{row['char_end']}): \"{evidence[:160]}{'…' if len(evidence) > 160 else ''}\"")
        line = str(row.get("line") or "").replace("\n", " ")
        if line and line != evidence:
            lines.append(f"    line: \"{line}\"")
    lines.append(f"\n{plural(len(items), 'item')}")
    return "\n".join(lines)


def _current_value(tables: dict[str, pd.DataFrame], table: str, doc_id: str, programme_id: str | None, field: str) -> str:
    if table == "funnel_counts" and "_" in field:
        route, _, stage = field.partition("_")
        df = tables["funnel_counts"]
        rows = df[(df["programme_id"] == programme_id) & (df["route"] == route) & (df["stage"] == stage)]
        if not rows.empty:
            row = rows.iloc[0]
            return str(int(row["count"])) if row["status"] == "value" and not pd.isna(row["count"]) else str(row["status"])
    if table == "budgets":
        df = tables["budgets"]
        rows = df[(df["doc_id"] == doc_id) & ((df["programme_id"] == programme_id) if programme_id else df["programme_id"].isna())]
        if not rows.empty:
            row = rows.iloc[0]
            return str(row["amount_gbp"]) if row["status"] == "value" else str(row["status"])
    if table == "documents" and field in tables["documents"].columns:
        rows = tables["documents"][tables["documents"]["doc_id"] == doc_id]
        return "" if rows.empty or pd.isna(rows.iloc[0][field]) else str(rows.iloc[0][field])
    return ""


def corrections_rows(items: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> list[dict]:
    """One corrections line per (doc, table, programme, field) a correction can fix, every line one that
    load_corrections accepts. The value is left empty ('leave as extracted') and what was extracted goes in the
    note, so the file dropped in unchanged changes nothing and only the values an analyst fills in correct."""
    lines: dict[tuple[str, str, str, str], dict] = {}
    funnel = tables["funnel_counts"]
    names = tables["programmes"].set_index("programme_id")["name"]
    for item in items.to_dict("records"):
        if str(item.get("extractor") or "").startswith("correction:"):
            continue  # about a line already in a corrections file: fix that line
        guess = _guessed_line(item, names)
        if guess is not None:  # a figure read into nothing: its best slot, pre-filled
            key = (item["doc_id"], guess["table"], guess["programme"], guess["field"])
            if key not in lines or not lines[key].get("value"):
                lines[key] = {"file": PurePosixPath(item["file"]).name, "extracted": "", "reasons": [guess["note"]], "value": guess["value"]}
            continue
        table, field = item["table_name"], item["field"]
        programme_ids = [item["programme_id"]] if item["programme_id"] else []
        if table == "answers" and field in {f"{r}_{s}" for r in ROUTES for s in STAGES}:
            table = "funnel_counts"
            programme_ids = sorted(set(funnel.loc[funnel["doc_id"] == item["doc_id"], "programme_id"]))
        elif table == "answers" and field in QUESTION_TABLE:
            table, field = QUESTION_TABLE[field]
        if table not in CORRECTABLE_TABLES:
            continue
        for pid in programme_ids or [None]:
            name = str(names.get(pid, "")) if pid else ""
            if line_problem(table, name, field, ""):
                continue
            key = (item["doc_id"], table, name, field)
            if key not in lines:
                extracted = _current_value(tables, table, item["doc_id"], pid, field)
                lines[key] = {"file": PurePosixPath(item["file"]).name, "extracted": extracted, "reasons": []}
            if item["reason"] not in lines[key]["reasons"]:
                lines[key]["reasons"].append(item["reason"])
    rows = []
    for (doc, table, programme, field), line in lines.items():
        extracted = f"extracted {line['extracted']}; " if line["extracted"] else ""
        note = f"{line['file']}: {extracted}{' / '.join(line['reasons'])}"[:300]
        rows.append({"doc": doc, "table": table, "programme": programme, "field": field, "value": line.get("value", ""), "note": note, "author": ""})
    return rows


def _guessed_line(item: dict, names: pd.Series) -> dict | None:
    """An unread figure as a corrections line for the slot it most likely fills, the figure as its value: to
    accept the guess, leave the line; to reject it, delete the line."""
    field, pid = item.get("suggested_field"), item.get("programme_id")
    if item.get("field") != UNREAD_FIELD or not isinstance(field, str) or not field:
        return None
    name = str(names.get(pid, "")) if isinstance(pid, str) else ""
    value = _figure_value(str(item.get("value") or item.get("evidence_text") or ""), item["table_name"])
    if value is None or line_problem(item["table_name"], name, field, value):
        return None
    where = str(item.get("line") or "").replace("\n", " ")[:120]
    note = f"unread figure '{item.get('evidence_text')}' in \"{where}\": a guess; delete this line if the slot is wrong"
    return {"table": item["table_name"], "programme": name, "field": field, "value": value, "note": note}


def _figure_value(figure: str, table: str) -> str | None:
    """'96' -> '96', 'approx. 40' -> '40', 'N/A' -> 'not_applicable', '£1.2m' -> '1200000.00'; None if unreadable."""
    if table == "budgets":
        money = find_money(figure)
        return str(money[0].amount) if money else None
    reading = read_count(figure)
    if reading.status == "value" and reading.count is not None:
        return str(reading.count)
    return reading.status if reading.status != "not_stated" else None


def write_corrections_csv(path: Path, rows: list[dict]) -> None:
    """The lines as a corrections file; text from replies cannot become a live formula when it is opened in a spreadsheet."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows({**row, "programme": csv_text(row["programme"]), "note": csv_text(row["note"])} for row in rows)
