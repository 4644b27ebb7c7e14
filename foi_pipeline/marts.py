"""Marts for comparing areas and programmes, as DuckDB SQL over the contract tables, with column lineage."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from foi_pipeline.contract import MARTS, ROUTES, STAGES
from foi_pipeline.specs import RequestSpec

# documents has one row per file; a reply's facts join to its one readable row, when the marts count it
# (documents.counted: a reply to a known request, and one reply per area and request).
READABLE_DOCUMENTS = "SELECT * FROM documents WHERE parse_status = 'ok' AND counted"

_PIVOT = ",\n".join(
    f"max(CASE WHEN f.route = '{r}' AND f.stage = '{s}' AND f.status = 'value' THEN f.count END) AS {r}_{s},\n"
    f"max(CASE WHEN f.route = '{r}' AND f.stage = '{s}' THEN f.status END) AS {r}_{s}_status"
    for r in ROUTES for s in STAGES
)


def _rate(num: str, den: str) -> str:
    return f"CASE WHEN {num} IS NOT NULL AND {den} > 0 THEN {num}::DOUBLE / {den} END"


PROGRAMME_FUNNEL = f"""
WITH pivoted AS (
  SELECT f.doc_id, f.programme_id, f.population, {_PIVOT}
  FROM funnel_counts f GROUP BY f.doc_id, f.programme_id, f.population
)
SELECT v.doc_id, d.request_id, d.area, v.programme_id, p.name AS programme, p.canonical_name, v.population,
  {", ".join(f"v.{r}_{s}, v.{r}_{s}_status" for r in ROUTES for s in STAGES)},
  {_rate("v.self_accepted", "v.self_referred")} AS self_acceptance_rate,
  {_rate("v.self_completed", "v.self_accepted")} AS self_completion_rate,
  {_rate("v.agency_accepted", "v.agency_referred")} AS agency_acceptance_rate,
  {_rate("v.agency_completed", "v.agency_accepted")} AS agency_completion_rate
FROM pivoted v JOIN programmes p USING (programme_id) JOIN ({READABLE_DOCUMENTS}) d ON d.doc_id = v.doc_id
ORDER BY d.area, p.name, v.programme_id
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
)
SELECT t.doc_id, t.request_id, t.area, t.programme_id, t.programme, t.canonical_name,
  b.amount_gbp AS budget_gbp, b.period AS budget_period, t.referred, t.accepted, t.completed,
  CASE WHEN t.referred > 0 THEN b.amount_gbp::DOUBLE / t.referred END AS cost_per_referral,
  CASE WHEN t.accepted > 0 THEN b.amount_gbp::DOUBLE / t.accepted END AS cost_per_acceptance,
  CASE WHEN t.completed > 0 THEN b.amount_gbp::DOUBLE / t.completed END AS cost_per_completion
FROM totals t LEFT JOIN (SELECT * FROM budgets WHERE status = 'value' AND programme_id IS NOT NULL) b USING (programme_id)
ORDER BY t.area, t.programme, t.programme_id
"""

AREA_SUMMARY = f"""
WITH docs AS (SELECT * FROM ({READABLE_DOCUMENTS}) WHERE area IS NOT NULL),
programme_budgets AS (
  SELECT doc_id, sum(amount_gbp) AS amount FROM budgets WHERE status = 'value' AND programme_id IS NOT NULL GROUP BY doc_id
),
reply_budgets AS (
  SELECT doc_id, sum(amount_gbp) AS amount FROM budgets WHERE status = 'value' AND programme_id IS NULL GROUP BY doc_id
),
counts AS (
  SELECT doc_id,
    sum(CASE WHEN stage = 'referred' AND status = 'value' THEN count END) AS referred,
    sum(CASE WHEN stage = 'completed' AND status = 'value' THEN count END) AS completed
  FROM funnel_counts GROUP BY doc_id
)
SELECT d.area, d.request_id, any_value(d.authority ORDER BY d.response_date DESC) AS authority,
  any_value(d.information_status ORDER BY d.response_date DESC) AS information_status,
  count(DISTINCT d.doc_id) AS replies,
  (SELECT count(*) FROM programmes p WHERE p.doc_id IN (SELECT doc_id FROM docs x WHERE x.area = d.area AND x.request_id IS NOT DISTINCT FROM d.request_id)) AS programmes,
  (SELECT string_agg(p.name, '; ' ORDER BY p.name) FROM programmes p WHERE p.doc_id IN (SELECT doc_id FROM docs x WHERE x.area = d.area AND x.request_id IS NOT DISTINCT FROM d.request_id)) AS programme_names,
  sum(coalesce(pb.amount, rb.amount))::DECIMAL(14,2) AS total_budget_gbp,
  sum(c.referred) AS total_referred, sum(c.completed) AS total_completed
FROM docs d LEFT JOIN programme_budgets pb USING (doc_id) LEFT JOIN reply_budgets rb USING (doc_id) LEFT JOIN counts c USING (doc_id)
GROUP BY d.area, d.request_id
ORDER BY d.area, d.request_id
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
    },
    "programme_costs": {
        "budget_gbp": [("budgets", "amount_gbp")], "budget_period": [("budgets", "period")],
        "referred": [("programme_funnel", "self_referred"), ("programme_funnel", "agency_referred")],
        "accepted": [("programme_funnel", "self_accepted"), ("programme_funnel", "agency_accepted")],
        "completed": [("programme_funnel", "self_completed"), ("programme_funnel", "agency_completed")],
        "cost_per_referral": [("budgets", "amount_gbp"), ("programme_funnel", "self_referred"), ("programme_funnel", "agency_referred")],
        "cost_per_acceptance": [("budgets", "amount_gbp"), ("programme_funnel", "self_accepted"), ("programme_funnel", "agency_accepted")],
        "cost_per_completion": [("budgets", "amount_gbp"), ("programme_funnel", "self_completed"), ("programme_funnel", "agency_completed")],
    },
    "area_summary": {
        "authority": [("documents", "authority")], "information_status": [("documents", "information_status")],
        "programmes": [("programmes", "programme_id")], "programme_names": [("programmes", "name")],
        "total_budget_gbp": [("budgets", "amount_gbp")], "total_referred": [("funnel_counts", "count")],
        "total_completed": [("funnel_counts", "count")],
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
    "programme_costs": ["programme_funnel", "budgets"],
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
    """For each request, every recipient x question: how (or whether) it was answered by the reply counted."""
    readable = documents[(documents["parse_status"] == "ok") & documents["counted"].isin([True])]
    replies: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for doc_id, source_path, request_id, area in zip(readable["doc_id"], readable["source_path"], readable["request_id"], readable["area"]):
        replies.setdefault((request_id, area), []).append((doc_id, source_path))
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
