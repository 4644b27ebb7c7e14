"""An e-mail and its attachments are one reply: which of their facts the marts count, so that no figure counts twice.

Facts are extracted from each document on its own (the e-mail's text and each attachment), and all of them stay
in the fact tables with their evidence. A body often repeats what the attached letter gives ("the budget was
approximately £1.2m" beside £1,198,450), or answers some questions while the letter answers the rest. So, per
reply, after corrections and `mark_counted`:

- programmes of its documents that are the same programme (same canonical_name, or a name or alias that is the
  same ignoring case and punctuation) count as one, `programmes.reply_programme_id`: the first of them in the
  reply's order;
- each slot (a programme's route x stage count, a programme's budget, the whole reply's budget) is taken from one
  document, `funnel_counts.counted` and `budgets.counted`: the first in the reply's order that gives it;
- where two documents give the slot different values (not a repeat, not a rounding), a review item names both.

The reply's order (`documents.reply_rank`): counted documents first, then attachments before e-mails (a letter is
the formal answer; of two e-mails, the forwarded one), then by file. Plain functions; no Dagster.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from foi_pipeline.contract import columns
from foi_pipeline.extract.quantities import APPROX_BEFORE_RE  # the lexicon's words for "about"
from foi_pipeline.pipeline import frame
from foi_pipeline.wording import missing

EMAIL = "message/rfc822"
EMAILS = {EMAIL, "application/vnd.ms-outlook"}  # .eml and Outlook's .msg
_SCALED_AMOUNT_RE = re.compile(r"\d[ \t]*(?:k|m|mn|bn|million|thousand|billion)\b", re.IGNORECASE)  # "£1.2m" is rounded
_QUALIFIER_WORDS = {"approx": "about ", "at_least": "at least ", "at_most": "at most "}

Reading = tuple[str, float | None, float | None]  # ("figure", low, high) or (status, None, None)


@dataclass
class ReplyMerge:
    """What the marts count of one reply: fact rows in the order they were given."""

    reply_programme: dict[str, str] = field(default_factory=dict)  # programme_id -> the programme it counts as
    funnel_counted: list[bool] = field(default_factory=list)
    budgets_counted: list[bool] = field(default_factory=list)
    review: list[dict] = field(default_factory=list)


def _missing(value: object) -> bool:
    return missing(value)


def _true(value: object) -> bool:
    return not _missing(value) and bool(value)


def _names(value: object) -> list[str]:
    return [str(v) for v in value if not _missing(v)] if isinstance(value, (list, tuple, np.ndarray)) else []


def _fold(name: str) -> str:
    """A name as compared: no case, no punctuation or spaces ('Safe-Steps' is 'safe steps')."""
    return re.sub(r"[\W_]+", "", name.casefold())


def _name_keys(programme: dict) -> set[str]:
    names = [] if _missing(programme.get("name")) else [str(programme["name"])]
    return {k for n in [*names, *_names(programme.get("aliases"))] if (k := _fold(n))}


def match_programmes(programmes: Sequence[dict], rank: dict[str, int]) -> dict[str, str]:
    """programme_id -> the programme of the reply it is: the first (in the reply's order) with a shared name or
    alias, else the same canonical_name. Two programmes of one document are never merged: it named them apart."""
    groups: list[dict] = []
    same_as: dict[str, str] = {}
    for p in sorted(programmes, key=lambda p: rank.get(p["doc_id"], len(rank))):
        keys = _name_keys(p)
        canonical = None if _missing(p.get("canonical_name")) else str(p["canonical_name"])
        free = [g for g in groups if p["doc_id"] not in g["docs"]]
        group = (next((g for g in free if g["keys"] & keys), None)
                 or next((g for g in free if canonical and canonical in g["canonical"]), None))
        if group is None:
            group = {"id": p["programme_id"], "keys": set(), "canonical": set(), "docs": set()}
            groups.append(group)
        group["keys"] |= keys
        group["canonical"] |= {canonical} if canonical else set()
        group["docs"].add(p["doc_id"])
        same_as[p["programme_id"]] = group["id"]
    return same_as


def _rounding(value: Decimal | int) -> int:
    """The precision a round figure was given to: 1,200,000 -> 100,000; 30 -> 10; 41 -> 1."""
    n = int(value)
    if n != value or n == 0:
        return 1
    step = 1
    while n % (step * 10) == 0:
        step *= 10
    return step


def count_reading(row: dict) -> Reading | None:
    """What a count row says, as an interval a repeat must fall in; None when the document is silent (not_stated)."""
    status = row.get("status")
    if status == "not_stated" or _missing(status):
        return None
    low, high = (None if _missing(row.get(c)) else int(row[c]) for c in ("count_low", "count_high"))
    if status == "suppressed":
        return ("figure", low or 0, math.inf if high is None else high)
    if status != "value" or _missing(row.get("count")):
        return (str(status), None, None)
    count, qualifier = int(row["count"]), row.get("qualifier")
    if qualifier == "at_least":
        return ("figure", count if low is None else low, math.inf)
    if qualifier == "at_most":
        return ("figure", 0, count if high is None else high)
    if qualifier == "approx":
        if low is not None and high is not None and low != high:  # a written range: "40 to 50"
            return ("figure", low, high)
        step = _rounding(count)
        return ("figure", count - step / 2, count + step / 2)
    return ("figure", count, count)


def _approximate_amount(row: dict, text: str) -> bool:
    """A budget written round ('£1.2m', '£45k') or with a word for 'about' before it."""
    evidence = "" if _missing(row.get("evidence_text")) else str(row["evidence_text"])
    start = 0 if _missing(row.get("char_start")) else int(row["char_start"])
    return bool(_SCALED_AMOUNT_RE.search(evidence) or APPROX_BEFORE_RE.search(text[max(0, start - 40) : start]))


def budget_reading(rows: Sequence[dict], text: str = "") -> Reading | None:
    """What a document's budget rows for one slot say: the sum of its amounts (an interval when one is round), else
    its statuses; None when it is silent."""
    values = [r for r in rows if r.get("status") == "value" and not _missing(r.get("amount_gbp"))]
    if values:
        low = high = 0.0
        for r in values:
            amount = Decimal(str(r["amount_gbp"]))
            half = _rounding(amount) / 2 if _approximate_amount(r, text) else 0
            low, high = low + float(amount) - half, high + float(amount) + half
        return ("figure", low, high)
    statuses = sorted({str(r["status"]) for r in rows if not _missing(r.get("status")) and r["status"] != "not_stated"})
    return ("/".join(statuses), None, None) if statuses else None


def agree(a: Reading, b: Reading) -> bool:
    """Two readings of one slot agree when they are the same status, or figures whose intervals meet: 120 and
    'about 120', £1,198,450 and '£1.2m', 3 and 'fewer than 5'."""
    (a_kind, a_low, a_high), (b_kind, b_low, b_high) = a, b
    if a_kind == "figure" and b_kind == "figure" and a_low is not None and a_high is not None and b_low is not None and b_high is not None:
        return a_low <= b_high and b_low <= a_high
    return a_kind == b_kind


def _describe_count(row: dict) -> str:
    status = row.get("status")
    if status == "suppressed":
        return f"suppressed ({row.get('count_low')} to {row.get('count_high')})"
    if status != "value":
        return str(status).replace("_", " ")
    low, high = row.get("count_low"), row.get("count_high")
    if row.get("qualifier") == "approx" and not _missing(low) and not _missing(high) and low != high:
        return f"{low} to {high}"
    return f"{_QUALIFIER_WORDS.get(str(row.get('qualifier')), '')}{row['count']}"


def _describe_budget(rows: Sequence[dict], text: str) -> str:
    values = [r for r in rows if r.get("status") == "value" and not _missing(r.get("amount_gbp"))]
    if not values:
        return " / ".join(sorted({str(r["status"]).replace("_", " ") for r in rows if r.get("status") != "not_stated"}))
    total = sum(Decimal(str(r["amount_gbp"])) for r in values)
    about = "about " if any(_approximate_amount(r, text) for r in values) else ""
    return f"{about}£{total:,.2f}".replace(".00", "")


def _review(row: dict, table: str, field_name: str, what: str, kept: tuple[str, str], other: tuple[str, str], fix: str,
            why: str) -> dict:
    """A warning on the figure not taken (its own evidence), naming both files and both values."""
    (kept_value, kept_path), (other_value, other_path) = kept, other
    return {
        "doc_id": row["doc_id"], "table_name": table, "field": field_name, "severity": "warning",
        "char_start": int(row["char_start"]), "char_end": int(row["char_end"]), "evidence_text": row["evidence_text"],
        "extractor": "pipeline:reply", "programme_id": None if _missing(row.get("programme_id")) else row["programme_id"],
        "value": other_value, "suggested_field": None,
        "reason": f"one reply (an e-mail and its attachments) gives two values for {what}: {other_value} in "
                  f"'{other_path}' and {kept_value} in '{kept_path}'. The marts count the reply once and take "
                  f"{kept_value} from '{kept_path}' ({why}). If {other_value} is "
                  f"right, add a {fix} for '{kept_path}'.",
    }


def merge_reply(
    members: Sequence[dict], programmes: Sequence[dict], funnel: Sequence[dict], budgets: Sequence[dict],
    texts: dict[str, str] | None = None,
) -> ReplyMerge:
    """One reply's documents (`members`: doc_id, source_path, counted; in the reply's order, first first) and their
    programmes, funnel_counts and budgets rows -> what the marts count of them and the review items."""
    texts = texts or {}
    rank = {m["doc_id"]: i for i, m in enumerate(members)}
    counted = {m["doc_id"]: _true(m.get("counted")) for m in members}
    path = {m["doc_id"]: str(m["source_path"]) for m in members}
    email = {m["doc_id"] for m in members if m.get("media_type") in EMAILS}

    def why(kept: str, other: str) -> str:
        return ("attachments before the e-mail's own text" if other in email and kept not in email
                else "the first in the reply's order, documents.reply_rank")
    merge = ReplyMerge(reply_programme=match_programmes(programmes, rank))
    same_as = merge.reply_programme
    names = {p["programme_id"]: str(p["name"]) for p in programmes}

    def order(doc_id: str, gives: bool) -> tuple:
        return (not counted.get(doc_id, False), not gives, rank.get(doc_id, len(rank)))

    merge.funnel_counted = [False] * len(funnel)
    slots: dict[tuple, list[int]] = {}
    for i, row in enumerate(funnel):
        slots.setdefault((same_as.get(row["programme_id"], row["programme_id"]), row["route"], row["stage"]), []).append(i)
    for (programme, route, stage), rows in slots.items():
        first, *others = sorted(rows, key=lambda i: order(funnel[i]["doc_id"], count_reading(funnel[i]) is not None))
        kept = funnel[first]
        merge.funnel_counted[first] = counted.get(kept["doc_id"], False)
        kept_reading = count_reading(kept)
        for i in others:
            row, reading = funnel[i], count_reading(funnel[i])
            if merge.funnel_counted[first] and kept_reading and reading and counted.get(row["doc_id"]) and not agree(kept_reading, reading):
                merge.review.append(_review(
                    row, "funnel_counts", f"{route}_{stage}", f"{names.get(programme, programme)}, {route} {stage}",
                    (_describe_count(kept), path[kept["doc_id"]]), (_describe_count(row), path[row["doc_id"]]),
                    f"funnel_counts correction of {route}_{stage}", why(kept["doc_id"], row["doc_id"])))

    merge.budgets_counted = [False] * len(budgets)
    by_slot: dict[str | None, dict[str, list[int]]] = {}
    for i, row in enumerate(budgets):
        programme = None if _missing(row.get("programme_id")) else same_as.get(row["programme_id"], row["programme_id"])
        by_slot.setdefault(programme, {}).setdefault(row["doc_id"], []).append(i)
    for programme, docs in by_slot.items():
        readings = {d: budget_reading([budgets[i] for i in members], texts.get(d, "")) for d, members in docs.items()}
        first_doc, *other_docs = sorted(docs, key=lambda d: order(d, readings[d] is not None))
        for i in docs[first_doc]:  # all of that document's rows for the slot (a budget may come in parts)
            merge.budgets_counted[i] = counted.get(first_doc, False)
        what = f"the budget of {names.get(programme, programme)}" if programme else "the reply's whole budget"
        kept_budget = readings[first_doc]
        for d in other_docs:
            other_budget = readings[d]
            if counted.get(first_doc) and kept_budget and other_budget and counted.get(d) and not agree(kept_budget, other_budget):
                theirs = [budgets[i] for i in docs[d]]
                merge.review.append(_review(
                    _evidence_row(theirs), "budgets", "amount_gbp", what,
                    (_describe_budget([budgets[i] for i in docs[first_doc]], texts.get(first_doc, "")), path[first_doc]),
                    (_describe_budget(theirs, texts.get(d, "")), path[d]), "budgets correction of amount_gbp", why(first_doc, d)))
    merge.review.extend(_whole_against_programmes(budgets, by_slot, merge.budgets_counted, counted, path, texts))
    return merge


def _evidence_row(rows: Sequence[dict]) -> dict:
    """The row a review item about a document's budget points at: its first amount, else its first stated status."""
    return next((r for r in rows if r.get("status") == "value"), next((r for r in rows if r.get("status") != "not_stated"), rows[0]))


def _whole_against_programmes(
    budgets: Sequence[dict], by_slot: dict[str | None, dict[str, list[int]]], budgets_counted: list[bool],
    counted: dict[str, bool], path: dict[str, str], texts: dict[str, str],
) -> list[dict]:
    """One document gives only the reply's whole budget ("about £1.2m") and another the programmes' budgets, which
    the marts take instead (area_summary prefers programme budgets): a review item when their totals differ."""
    givers = {d: [budgets[i] for i in rows] for d, rows in by_slot.get(None, {}).items() if counted.get(d)}
    givers = {d: rows for d, rows in givers.items() if budget_reading(rows, texts.get(d, "")) is not None}
    if len(givers) != 1:  # none, or two documents giving it: those were compared with each other
        return []
    [(doc, whole_rows)] = givers.items()
    reading = budget_reading(whole_rows, texts.get(doc, ""))
    in_programmes = [i for p, docs in by_slot.items() if p is not None for rows in docs.values() for i in rows]
    if reading is None or reading[0] != "figure" or any(budgets[i]["doc_id"] == doc and budgets[i]["status"] == "value" for i in in_programmes):
        return []
    taken: dict[str, list[dict]] = {}
    for i in in_programmes:
        if budgets_counted[i] and budgets[i]["status"] == "value":
            taken.setdefault(budgets[i]["doc_id"], []).append(budgets[i])
    parts = [part for d, rows in taken.items() if (part := budget_reading(rows, texts.get(d, ""))) is not None]
    total: Reading = ("figure", sum(p[1] or 0.0 for p in parts), sum(p[2] or 0.0 for p in parts))
    if not taken or agree(reading, total):
        return []
    kept = " + ".join(_describe_budget(rows, texts.get(d, "")) for d, rows in taken.items())
    return [_review(_evidence_row(whole_rows), "budgets", "amount_gbp", "its budget", (f"programme budgets of {kept}",
                    "', '".join(path[d] for d in taken)), (_describe_budget(whole_rows, texts.get(doc, "")), path[doc]),
                    "budgets correction of amount_gbp", why="programme budgets before a budget for the whole reply")]


def _parents(rows: Sequence[dict]) -> dict[str, str]:
    return {r["doc_id"]: r["parent_doc_id"] for r in rows if not _missing(r.get("parent_doc_id"))}


def _chain(doc_id: str, parents: dict[str, str]) -> list[str]:
    """The document and the e-mails it is attached to, up to the one its reply starts with."""
    chain = [doc_id]
    while chain[-1] in parents and parents[chain[-1]] not in chain:
        chain.append(parents[chain[-1]])
    return chain


def reply_order(rows: Sequence[dict]) -> tuple[list[str], list[int]]:
    """Each document row's reply (the e-mail it starts with: reply_id) and its place in the reply's order
    (reply_rank): counted documents, then attachments before e-mails (the deeper first), then by file."""
    parents = _parents(rows)
    chains = [_chain(r["doc_id"], parents) for r in rows]
    replies = [c[-1] for c in chains]
    key = [(not _true(r.get("counted")), r.get("media_type") in EMAILS, -len(c), str(r["source_path"])) for r, c in zip(rows, chains)]
    ranks = [0] * len(rows)
    families: dict[str, list[int]] = {}
    for i, reply in enumerate(replies):
        families.setdefault(reply, []).append(i)
    for members in families.values():
        for place, i in enumerate(sorted(members, key=lambda i: key[i])):
            ranks[i] = place
    return replies, ranks


def merge_replies(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """documents.reply_id and reply_rank, programmes.reply_programme_id, funnel_counts.counted and budgets.counted
    filled in, and a review item for each slot two documents of one reply give differently. Run after
    `mark_counted` (which decides the documents counted)."""
    documents = tables["documents"].copy()
    rows = documents.to_dict("records")
    replies, ranks = reply_order(rows)
    documents["reply_id"] = pd.array(replies, dtype="string")
    documents["reply_rank"] = pd.array(ranks, dtype="Int64")
    programmes, funnel, budgets = (tables[t].copy() for t in ("programmes", "funnel_counts", "budgets"))
    counted_docs = {r["doc_id"] for r in rows if r["parse_status"] == "ok" and _true(r.get("counted"))}
    programmes["reply_programme_id"] = programmes["programme_id"]
    funnel_counted = funnel["doc_id"].isin(counted_docs).to_numpy(dtype=bool)
    budgets_counted = budgets["doc_id"].isin(counted_docs).to_numpy(dtype=bool)

    families: dict[str, list[tuple[int, dict]]] = {}
    for reply, rank, row in zip(replies, ranks, rows):
        if row["parse_status"] == "ok":
            families.setdefault(reply, []).append((rank, row))
    at = {t: df.groupby("doc_id", sort=False).indices if len(df) else {} for t, df in
          (("programmes", programmes), ("funnel_counts", funnel), ("budgets", budgets))}
    texts: dict[str, str] | None = None
    review: list[dict] = []
    for members in families.values():
        if len(members) < 2:
            continue
        if texts is None:
            texts = dict(zip(tables["document_text"]["doc_id"], tables["document_text"]["text"]))
        member_rows = [row for _, row in sorted(members, key=lambda m: m[0])]
        picked = {t: np.concatenate([at[t].get(m["doc_id"], np.array([], dtype=int)) for m in member_rows]).astype(int)
                  for t in at}
        merge = merge_reply(
            member_rows, programmes.iloc[picked["programmes"]].to_dict("records"),
            funnel.iloc[picked["funnel_counts"]].to_dict("records"), budgets.iloc[picked["budgets"]].to_dict("records"), texts)
        where = programmes.index[picked["programmes"]]
        programmes.loc[where, "reply_programme_id"] = programmes.loc[where, "programme_id"].map(merge.reply_programme)
        funnel_counted[picked["funnel_counts"]] = merge.funnel_counted
        budgets_counted[picked["budgets"]] = merge.budgets_counted
        review.extend(merge.review)
    funnel["counted"] = pd.array(funnel_counted, dtype="boolean")
    budgets["counted"] = pd.array(budgets_counted, dtype="boolean")
    programmes["reply_programme_id"] = programmes["reply_programme_id"].astype("string")
    out = dict(tables, documents=documents[columns("documents")], programmes=programmes[columns("programmes")],
               funnel_counts=funnel[columns("funnel_counts")], budgets=budgets[columns("budgets")])
    if review:
        out["review_queue"] = frame("review_queue", [*tables["review_queue"].to_dict("records"), *review])
    return out
