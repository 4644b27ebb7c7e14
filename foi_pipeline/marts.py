"""Marts for comparing areas and programmes, as DuckDB SQL over the contract tables, with column lineage."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from foi_pipeline.contract import MARTS, ROUTES, STAGES, UNKNOWN_STATUSES
from foi_pipeline.specs import RequestSpec
from foi_pipeline.wording import missing

# documents has one row per file; a document's facts join to its one readable row, when the marts count it
# (documents.counted: a reply to a known request, and one reply per area and request).
READABLE_DOCUMENTS = "SELECT * FROM documents WHERE parse_status = 'ok' AND counted"
# An e-mail and its attachments are one reply (documents.reply_id, see foi_pipeline/replies.py): its letter details
# are the first its documents give in the reply's order (reply_rank: attachments before the e-mail's own text).
# Of its facts the marts take the rows marked counted (one per slot), and each programme as its reply_programme_id.
REPLIES = f"""
  SELECT reply_id, any_value(request_id ORDER BY reply_rank) AS request_id, any_value(area ORDER BY reply_rank) AS area,
    any_value(authority ORDER BY reply_rank) AS authority, any_value(information_status ORDER BY reply_rank) AS information_status,
    max(response_date) AS response_date
  FROM ({READABLE_DOCUMENTS}) GROUP BY reply_id
"""

# A figure that is a range: its bounds differ from the figure ("10-15", "over 20"), or there is no figure ("fewer than 5").
_RANGE = "(f.status IN ('value', 'suppressed') AND (f.count_low IS DISTINCT FROM f.count OR f.count_high IS DISTINCT FROM f.count))"
_BOUNDED = f"(f.qualifier IN ('at_least', 'at_most') OR {_RANGE})"
UNKNOWN = "(" + ", ".join(f"'{s}'" for s in UNKNOWN_STATUSES) + ")"

_PIVOT = ",\n".join(
    f"max(CASE WHEN f.route = '{r}' AND f.stage = '{s}' AND f.status = 'value' THEN f.count END) AS {r}_{s},\n"
    f"max(CASE WHEN f.route = '{r}' AND f.stage = '{s}' THEN f.status END) AS {r}_{s}_status,\n"
    f"max(CASE WHEN f.route = '{r}' AND f.stage = '{s}' AND f.status IN ('value', 'suppressed') THEN f.qualifier END) AS {r}_{s}_qualifier,\n"
    f"max(CASE WHEN f.route = '{r}' AND f.stage = '{s}' AND {_RANGE} THEN f.count_low END) AS {r}_{s}_low,\n"
    f"max(CASE WHEN f.route = '{r}' AND f.stage = '{s}' AND {_RANGE} THEN f.count_high END) AS {r}_{s}_high"
    for r in ROUTES for s in STAGES
)


def _rate(num: str, den: str) -> str:
    return f"CASE WHEN {num} IS NOT NULL AND {den} > 0 THEN {num}::DOUBLE / {den} END"


def _basis(rate: str, *slots: str) -> str:
    """What a rate of the pivoted slots rests on (RATE_BASES): a bound outranks an approximation."""
    bounded = " OR ".join(f"{s}_qualifier IN ('at_least', 'at_most') OR {s}_low IS NOT NULL OR {s}_high IS NOT NULL" for s in slots)
    approx = " OR ".join(f"{s}_qualifier = 'approx'" for s in slots)
    return f"CASE WHEN {rate} IS NULL THEN NULL WHEN {bounded} THEN 'bounded' WHEN {approx} THEN 'approx' ELSE 'exact' END"


_RATES = {f"{r}_{name}_rate": (f"v.{r}_{num}", f"v.{r}_{den}") for r in ROUTES
          for name, num, den in (("acceptance", "accepted", "referred"), ("completion", "completed", "accepted"))}


PROGRAMME_FUNNEL = f"""
WITH docs AS ({READABLE_DOCUMENTS}), replies AS ({REPLIES}),
pivoted AS (
  SELECT p.reply_programme_id AS programme_id, f.population, {_PIVOT}
  FROM funnel_counts f JOIN programmes p USING (programme_id) WHERE f.counted
  GROUP BY p.reply_programme_id, f.population
)
SELECT p.doc_id, r.request_id, r.area, v.programme_id, p.name AS programme, p.canonical_name, v.population,
  {", ".join(f"v.{r}_{s}, v.{r}_{s}_status" for r in ROUTES for s in STAGES)},
  {_rate("v.self_accepted", "v.self_referred")} AS self_acceptance_rate,
  {_rate("v.self_completed", "v.self_accepted")} AS self_completion_rate,
  {_rate("v.agency_accepted", "v.agency_referred")} AS agency_acceptance_rate,
  {_rate("v.agency_completed", "v.agency_accepted")} AS agency_completion_rate,
  d.reply_id,
  {", ".join(f"v.{r}_{s}_{part}" for r in ROUTES for s in STAGES for part in ("qualifier", "low", "high"))},
  {", ".join(f"{_basis(_rate(num, den), num, den)} AS {rate}_basis" for rate, (num, den) in _RATES.items())}
FROM pivoted v JOIN programmes p USING (programme_id) JOIN docs d ON d.doc_id = p.doc_id JOIN replies r USING (reply_id)
ORDER BY r.area, p.name, v.programme_id
"""


def _total(stage: str) -> str:
    """Both routes' figures added up, when each route is a value or does not apply (and one is a value)."""
    known = " AND ".join(f"(f.{r}_{stage}_status IN ('value', 'not_applicable'))" for r in ROUTES)
    some = " OR ".join(f"f.{r}_{stage}_status = 'value'" for r in ROUTES)
    total = " + ".join(f"coalesce(f.{r}_{stage}, 0)" for r in ROUTES)
    return f"CASE WHEN {known} AND ({some}) THEN {total} END"


PROGRAMME_COSTS = f"""
WITH totals AS (
  SELECT f.*, {_total("referred")} AS referred, {_total("accepted")} AS accepted, {_total("completed")} AS completed
  FROM programme_funnel f
),
programme_budgets AS (
  SELECT p.reply_programme_id AS programme_id, b.amount_gbp, b.period
  FROM budgets b JOIN programmes p USING (programme_id) WHERE b.counted AND b.status = 'value'
)
SELECT t.doc_id, t.request_id, t.area, t.programme_id, t.programme, t.canonical_name,
  b.amount_gbp AS budget_gbp, b.period AS budget_period, t.referred, t.accepted, t.completed,
  CASE WHEN t.referred > 0 THEN b.amount_gbp::DOUBLE / t.referred END AS cost_per_referral,
  CASE WHEN t.accepted > 0 THEN b.amount_gbp::DOUBLE / t.accepted END AS cost_per_acceptance,
  CASE WHEN t.completed > 0 THEN b.amount_gbp::DOUBLE / t.completed END AS cost_per_completion,
  t.reply_id
FROM totals t LEFT JOIN programme_budgets b USING (programme_id)
ORDER BY t.area, t.programme, t.programme_id
"""

_TOTALLED = ("referred", "completed")
# Per reply: each stage's known figures added up, whether a programme's figure is missing from it, and what it rests on.
_REPLY_TOTALS = ",\n    ".join(
    f"sum(CASE WHEN f.stage = '{s}' AND f.status = 'value' THEN f.count END) AS {s}, "
    f"bool_or(f.stage = '{s}' AND f.status IN {UNKNOWN}) AS {s}_partial, "
    f"CASE WHEN bool_or(f.stage = '{s}' AND f.status = 'value' AND {_BOUNDED}) THEN 'bounded' "
    f"WHEN bool_or(f.stage = '{s}' AND f.status = 'value' AND f.qualifier = 'approx') THEN 'approx' ELSE 'exact' END AS {s}_basis"
    for s in _TOTALLED)
# Per area: the same over its replies (a flag only where there is a total to qualify).
_AREA_FLAGS = ",\n  ".join([
    "CASE WHEN sum(coalesce(b.programmes_amount, b.reply_amount)) IS NOT NULL "
    "THEN coalesce(bool_or(b.programmes_amount IS NOT NULL AND g.unknown > 0), false) END AS total_budget_partial",
    *(f"CASE WHEN sum(c.{s}) IS NOT NULL THEN coalesce(bool_or(c.{s}_partial), false) END AS total_{s}_partial" for s in _TOTALLED),
    *(f"CASE WHEN sum(c.{s}) IS NULL THEN NULL WHEN bool_or(c.{s} IS NOT NULL AND c.{s}_basis = 'bounded') THEN 'bounded' "
      f"WHEN bool_or(c.{s} IS NOT NULL AND c.{s}_basis = 'approx') THEN 'approx' ELSE 'exact' END AS total_{s}_basis" for s in _TOTALLED),
])

AREA_SUMMARY = f"""
WITH docs AS ({READABLE_DOCUMENTS}),
replies AS (SELECT * FROM ({REPLIES}) WHERE area IS NOT NULL),
programmes_by_area AS (
  SELECT r.area, r.request_id, count(*) AS programmes, string_agg(p.name, '; ' ORDER BY p.name) AS programme_names
  FROM programmes p JOIN docs d USING (doc_id) JOIN replies r USING (reply_id)
  WHERE p.programme_id = p.reply_programme_id GROUP BY r.area, r.request_id
),
budgets_by_reply AS (
  SELECT d.reply_id,
    sum(CASE WHEN b.programme_id IS NOT NULL THEN b.amount_gbp END) AS programmes_amount,
    sum(CASE WHEN b.programme_id IS NULL THEN b.amount_gbp END) AS reply_amount
  FROM budgets b JOIN docs d USING (doc_id) WHERE b.counted AND b.status = 'value' GROUP BY d.reply_id
),
programme_budget_known AS (  -- each programme of a reply, and whether one of its budget rows gives a figure
  SELECT d.reply_id, p.reply_programme_id, coalesce(bool_or(b.status = 'value'), false) AS known
  FROM programmes p JOIN docs d USING (doc_id) LEFT JOIN budgets b ON b.programme_id = p.programme_id AND b.counted
  GROUP BY d.reply_id, p.reply_programme_id
),
budget_gaps AS (SELECT reply_id, count(*) FILTER (WHERE NOT known) AS unknown FROM programme_budget_known GROUP BY reply_id),
counts AS (
  SELECT d.reply_id,
    {_REPLY_TOTALS}
  FROM funnel_counts f JOIN docs d USING (doc_id) WHERE f.counted GROUP BY d.reply_id
)
SELECT r.area, r.request_id, any_value(r.authority ORDER BY r.response_date DESC) AS authority,
  any_value(r.information_status ORDER BY r.response_date DESC) AS information_status,
  count(DISTINCT r.reply_id) AS replies, coalesce(any_value(a.programmes), 0) AS programmes,
  any_value(a.programme_names) AS programme_names,
  sum(coalesce(b.programmes_amount, b.reply_amount))::DECIMAL(14,2) AS total_budget_gbp,
  sum(c.referred) AS total_referred, sum(c.completed) AS total_completed,
  {_AREA_FLAGS}
FROM replies r LEFT JOIN budgets_by_reply b USING (reply_id) LEFT JOIN counts c USING (reply_id) LEFT JOIN budget_gaps g USING (reply_id)
  LEFT JOIN programmes_by_area a ON a.area = r.area AND a.request_id IS NOT DISTINCT FROM r.request_id
GROUP BY r.area, r.request_id
ORDER BY r.area, r.request_id
"""

PROGRAMME_TYPES = """
SELECT c.canonical_name, count(DISTINCT c.area) AS areas, string_agg(DISTINCT c.area, '; ' ORDER BY c.area) AS area_names,
  count(*) AS programmes,
  median(c.budget_gbp::DOUBLE) AS budget_median, min(c.budget_gbp::DOUBLE) AS budget_min, max(c.budget_gbp::DOUBLE) AS budget_max,
  median(c.cost_per_completion) AS cost_per_completion_median, min(c.cost_per_completion) AS cost_per_completion_min,
  max(c.cost_per_completion) AS cost_per_completion_max
FROM programme_costs c WHERE c.canonical_name IS NOT NULL
GROUP BY c.canonical_name ORDER BY areas DESC, c.canonical_name
"""

_COVERAGE_RANK = {"answered": 0, "not_applicable": 1, "not_held": 2, "refused": 3, "not_answered": 4}
_STATUS_TO_COVERAGE = {"value": "answered", "suppressed": "answered", "not_applicable": "not_applicable", "not_held": "not_held",
                       "refused": "refused", "not_stated": "not_answered"}

LINEAGE: dict[str, dict[str, list[tuple[str, str]]]] = {
    "programme_funnel": {
        **{f"{r}_{s}": [("funnel_counts", "count"), ("funnel_counts", "status")] for r in ROUTES for s in STAGES},
        **{f"{r}_{s}_status": [("funnel_counts", "status")] for r in ROUTES for s in STAGES},
        "self_acceptance_rate": [("funnel_counts", "count"), ("funnel_counts", "status")],
        "self_completion_rate": [("funnel_counts", "count"), ("funnel_counts", "status")],
        "agency_acceptance_rate": [("funnel_counts", "count"), ("funnel_counts", "status")],
        "agency_completion_rate": [("funnel_counts", "count"), ("funnel_counts", "status")],
        "programme": [("programmes", "name")], "canonical_name": [("programmes", "canonical_name")],
        "area": [("documents", "area")], "request_id": [("documents", "request_id")], "population": [("funnel_counts", "population")],
        "programme_id": [("programmes", "reply_programme_id")], "reply_id": [("documents", "reply_id")],
        **{f"{r}_{s}_qualifier": [("funnel_counts", "qualifier")] for r in ROUTES for s in STAGES},
        **{f"{r}_{s}_{b}": [("funnel_counts", f"count_{b}")] for r in ROUTES for s in STAGES for b in ("low", "high")},
        **{f"{rate}_basis": [("funnel_counts", "qualifier"), ("funnel_counts", "count_low"), ("funnel_counts", "count_high")]
           for rate in _RATES},
    },
    "programme_costs": {
        "budget_gbp": [("budgets", "amount_gbp")], "budget_period": [("budgets", "period")],
        "referred": [("programme_funnel", "self_referred"), ("programme_funnel", "agency_referred")],
        "accepted": [("programme_funnel", "self_accepted"), ("programme_funnel", "agency_accepted")],
        "completed": [("programme_funnel", "self_completed"), ("programme_funnel", "agency_completed")],
        "cost_per_referral": [("budgets", "amount_gbp"), ("programme_funnel", "self_referred"), ("programme_funnel", "agency_referred")],
        "cost_per_acceptance": [("budgets", "amount_gbp"), ("programme_funnel", "self_accepted"), ("programme_funnel", "agency_accepted")],
        "cost_per_completion": [("budgets", "amount_gbp"), ("programme_funnel", "self_completed"), ("programme_funnel", "agency_completed")],
        "reply_id": [("programme_funnel", "reply_id")],
    },
    "area_summary": {
        "authority": [("documents", "authority")], "information_status": [("documents", "information_status")],
        "replies": [("documents", "reply_id")], "programmes": [("programmes", "reply_programme_id")], "programme_names": [("programmes", "name")],
        "total_budget_gbp": [("budgets", "amount_gbp")], "total_referred": [("funnel_counts", "count")],
        "total_completed": [("funnel_counts", "count")],
        "total_budget_partial": [("budgets", "status"), ("programmes", "reply_programme_id")],
        "total_referred_partial": [("funnel_counts", "status")], "total_completed_partial": [("funnel_counts", "status")],
        "total_referred_basis": [("funnel_counts", "qualifier")], "total_completed_basis": [("funnel_counts", "qualifier")],
    },
    "coverage": {"coverage": [("answers", "status"), ("documents", "area")], "recipient": [("documents", "area")],
                 "doc_id": [("documents", "doc_id")], "source_path": [("documents", "source_path")]},
    "programme_types": {
        "areas": [("programme_costs", "area")], "area_names": [("programme_costs", "area")],
        "budget_median": [("programme_costs", "budget_gbp")], "budget_min": [("programme_costs", "budget_gbp")],
        "budget_max": [("programme_costs", "budget_gbp")],
        "cost_per_completion_median": [("programme_costs", "cost_per_completion")],
        "cost_per_completion_min": [("programme_costs", "cost_per_completion")],
        "cost_per_completion_max": [("programme_costs", "cost_per_completion")],
    },
}
UPSTREAM = {
    "programme_funnel": ["funnel_counts", "programmes", "documents"],
    "programme_costs": ["programme_funnel", "budgets", "programmes"],
    "area_summary": ["documents", "programmes", "budgets", "funnel_counts"],
    "coverage": ["documents", "answers"],
    "programme_types": ["programme_costs"],
}


def connect(parquet_files: dict[str, Path]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view per table file."""
    con = duckdb.connect()
    for name, path in parquet_files.items():
        con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{path.as_posix()}')")
    return con


def _typed(con: duckdb.DuckDBPyConnection, mart: str, sql: str) -> pd.DataFrame:
    casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in MARTS[mart])
    return con.execute(f"SELECT {casts} FROM ({sql})").df()


def build_sql_mart(con: duckdb.DuckDBPyConnection, mart: str) -> pd.DataFrame:
    sql = {"programme_funnel": PROGRAMME_FUNNEL, "programme_costs": PROGRAMME_COSTS, "area_summary": AREA_SUMMARY,
           "programme_types": PROGRAMME_TYPES}[mart]
    return _typed(con, mart, sql)


def build_coverage(documents: pd.DataFrame, answers: pd.DataFrame, specs: list[RequestSpec]) -> pd.DataFrame:
    """For each request, every recipient x question: how (or whether) it was answered by the reply counted. An e-mail
    and its attachments are one reply: the area and request are the reply's, and of two documents answering a
    question equally well, the first in the reply's order (reply_rank) is named."""
    readable = documents[(documents["parse_status"] == "ok") & documents["counted"].isin([True])]
    members: dict[str, list[tuple[int, str, str, object, object]]] = {}
    for doc_id, path, request_id, area, reply_id, rank in zip(readable["doc_id"], readable["source_path"], readable["request_id"],
                                                             readable["area"], readable["reply_id"], readable["reply_rank"]):
        members.setdefault(reply_id, []).append((rank, doc_id, path, request_id, area))
    replies: dict[tuple[object, object], list[tuple[str, str]]] = {}  # by (request_id, area), either unknown
    for reply in members.values():
        reply.sort(key=lambda m: m[0])
        request_id = next((m[3] for m in reply if not missing(m[3])), None)
        area = next((m[4] for m in reply if not missing(m[4])), None)
        replies.setdefault((request_id, area), []).extend((doc_id, path) for _, doc_id, path, _, _ in reply)
    status = {(d, k): s for d, k, s in zip(answers["doc_id"], answers["question_key"], answers["status"])}
    rows = []
    for spec in specs:
        for recipient in spec.recipients:
            docs = replies.get((spec.id, recipient), [])
            for question in spec.questions:
                best: tuple[int, str, str | None, str | None] = (9, "no_reply", None, None)
                for doc_id, source_path in docs:
                    coverage = _STATUS_TO_COVERAGE.get(status.get((doc_id, question.key), "not_stated"), "not_answered")
                    if _COVERAGE_RANK[coverage] < best[0]:
                        best = (_COVERAGE_RANK[coverage], coverage, doc_id, source_path)
                rows.append({"request_id": spec.id, "recipient": recipient, "question_no": question.number,
                             "question_key": question.key, "coverage": best[1], "doc_id": best[2], "source_path": best[3]})
    df = pd.DataFrame(rows, columns=[c for c, _ in MARTS["coverage"]])
    df["question_no"] = df["question_no"].astype("Int64")
    return df
