"""Rules that span tables: references resolve, evidence spans are exact, held replies have programmes."""

from __future__ import annotations

import pandas as pd


def missing_references(df: pd.DataFrame, documents: pd.DataFrame, programmes: pd.DataFrame) -> pd.DataFrame:
    """Rows whose doc_id is not a document, or whose programme_id (when given) is not a programme."""
    bad_doc = ~df["doc_id"].isin(documents["doc_id"])
    if "table_name" in df.columns:
        bad_doc &= df["evidence_text"].fillna("") != ""  # review items about unknown files point nowhere
    bad_programme = pd.Series(False, index=df.index)
    if "programme_id" in df.columns and "table_name" not in df.columns:
        bad_programme = df["programme_id"].notna() & ~df["programme_id"].isin(programmes["programme_id"])
    return df[bad_doc | bad_programme]


def provenance_failures(df: pd.DataFrame, document_text: pd.DataFrame | dict[str, str]) -> pd.DataFrame:
    """Rows where document_text.text[char_start:char_end] != evidence_text (a row without a text must have no evidence).

    `document_text` may be the table or, when many tables are checked, a dict of doc_id -> text."""
    if df.empty:
        return df
    texts = document_text if isinstance(document_text, dict) else dict(zip(document_text["doc_id"].tolist(), document_text["text"].tolist()))
    starts = df["char_start"].to_numpy(dtype="float64", na_value=-1).astype("int64").tolist()  # -1: no offset
    ends = df["char_end"].to_numpy(dtype="float64", na_value=-1).astype("int64").tolist()
    evidence = df["evidence_text"].to_numpy(dtype=object, na_value="").tolist()
    bad = [
        bool(e) if (t := texts.get(d)) is None else (s < 0 or n < 0 or t[s:n] != e)
        for d, s, n, e in zip(df["doc_id"].tolist(), starts, ends, evidence)
    ]
    return df[pd.Series(bad, index=df.index, dtype=bool)]


def held_without_programmes(documents: pd.DataFrame, programmes: pd.DataFrame) -> pd.DataFrame:
    held = documents[documents["information_status"].isin(["held", "partly_held"]) & (documents["parse_status"] == "ok")]
    return held[~held["doc_id"].isin(set(programmes["doc_id"]))]


def programmes_without_figures(programmes: pd.DataFrame, funnel: pd.DataFrame, budgets: pd.DataFrame) -> pd.DataFrame:
    with_counts = funnel.loc[funnel["status"].isin(["value", "suppressed"]), "programme_id"]
    with_budget = budgets.loc[budgets["status"] == "value", "programme_id"].dropna()
    ids = programmes["programme_id"]
    return programmes[~(ids.isin(with_counts) | ids.isin(with_budget))]
