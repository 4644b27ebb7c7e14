"""Invariants of the marts, as plain functions returning the rows that break them (empty: the invariant holds).

The marts are SQL over the fact tables; these say what analysts rely on when they read them: one row per
programme, totals equal to their parts, rates between 0 and 1. Dagster evaluates them as the marts' asset checks.
"""

from __future__ import annotations

import pandas as pd

from foi_pipeline.contract import ROUTES, STAGES

FUNNEL_KEY = ["reply_id", "programme_id", "population"]
RATES = [f"{r}_{name}_rate" for r in ROUTES for name in ("acceptance", "completion")]


def duplicate_programmes(funnel: pd.DataFrame) -> pd.DataFrame:
    """programme_funnel rows sharing a reply, programme and population: each should be one row."""
    return funnel[funnel.duplicated(FUNNEL_KEY, keep=False)]


def rates_out_of_range(funnel: pd.DataFrame) -> pd.DataFrame:
    """Rows with a rate below 0 or above 1 (more accepted than referred, more completed than accepted)."""
    if funnel.empty:
        return funnel
    rates = funnel[RATES].astype("Float64")
    bad = ((rates < 0) | (rates > 1)).fillna(False).any(axis=1)
    return funnel[bad.to_numpy(dtype=bool)][["area", "programme", *RATES]]


def _route_total(funnel: pd.DataFrame, stage: str) -> pd.Series:
    """Both routes added, where each is a value or does not apply and one is a value (as programme_costs adds them)."""
    known = pd.Series(True, index=funnel.index)
    some = pd.Series(False, index=funnel.index)
    total = pd.Series(0, index=funnel.index, dtype="Int64")
    for route in ROUTES:
        status = funnel[f"{route}_{stage}_status"]
        known &= status.isin(["value", "not_applicable"]).fillna(False)
        some |= (status == "value").fillna(False)
        total = total + funnel[f"{route}_{stage}"].astype("Int64").fillna(0)
    return total.where(known & some)


def costs_not_adding_up(funnel: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """programme_costs rows whose referred, accepted or completed is not its programme's two routes added up, or
    that are not one for each programme_funnel row (a programme counted twice, or lost)."""
    stages = list(STAGES)
    expected = pd.DataFrame({"reply_id": funnel["reply_id"], "programme_id": funnel["programme_id"],
                             **{s: _route_total(funnel, s) for s in stages}})
    got = costs[["reply_id", "programme_id", *stages]].copy()

    def keyed(df: pd.DataFrame) -> pd.DataFrame:
        out = df.astype(dict.fromkeys(stages, "Int64")).astype(dict.fromkeys(stages, "string")).fillna(dict.fromkeys(stages, ""))
        return out.assign(n=out.groupby(list(out.columns)).cumcount())

    merged = keyed(expected).merge(keyed(got), how="outer", indicator=True)
    found = merged["_merge"].astype(str).map({"left_only": "programme_funnel only", "right_only": "programme_costs only"})
    return merged.assign(found_in=found)[merged["_merge"] != "both"].drop(columns=["n", "_merge"])


def area_totals_not_adding_up(funnel: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """area_summary rows whose total_referred or total_completed is not the sum of the area's programme_funnel figures."""
    if summary.empty:
        return summary
    parts = funnel[funnel["area"].notna()].copy()
    for stage in ("referred", "completed"):
        parts[stage] = parts[[f"{r}_{stage}" for r in ROUTES]].astype("Int64").sum(axis=1, min_count=1)
    sums = parts.groupby(["area", "request_id"], dropna=False)[["referred", "completed"]].sum(min_count=1).reset_index()
    joined = summary.merge(sums, on=["area", "request_id"], how="left")
    wrong = pd.Series(False, index=joined.index)
    for stage in ("referred", "completed"):
        total, part = joined[f"total_{stage}"].astype("Int64"), joined[stage].astype("Int64")
        wrong |= (total.isna() != part.isna()) | (total.fillna(0) != part.fillna(0))
    return joined[wrong.to_numpy(dtype=bool)][["area", "request_id", "total_referred", "referred", "total_completed", "completed"]]
