"""The data contract (DESIGN.md section 3): table names, columns, DuckDB types, vocabularies.

This module is the single source of truth for what the warehouse promises its users.
Add tables and columns; never rename or remove them.
"""

from __future__ import annotations

STATUSES = ("value", "not_applicable", "not_held", "refused", "suppressed", "not_stated")
QUALIFIERS = ("exact", "approx", "at_least", "at_most")
ROUTES = ("self", "agency")
STAGES = ("referred", "accepted", "completed")
PARSE_STATUSES = ("ok", "empty", "unreadable", "unsupported", "needs_ocr", "too_large", "duplicate")
INFORMATION_STATUSES = ("held", "partly_held", "not_held", "refused")
CONTRIBUTIONS = ("cash", "in_kind", "unknown")
SEVERITIES = ("error", "warning", "info")

PROVENANCE: list[tuple[str, str]] = [
    ("char_start", "INTEGER"),
    ("char_end", "INTEGER"),
    ("evidence_text", "VARCHAR"),
    ("extractor", "VARCHAR"),
]

# Added by analysts' corrections (DESIGN.md section 4): the value the extractor found, and who changed it and why.
CORRECTED: list[tuple[str, str]] = [
    ("extracted_value", "VARCHAR"),
    ("correction", "VARCHAR"),
]

TABLES: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("doc_id", "VARCHAR"),
        ("source_path", "VARCHAR"),
        ("media_type", "VARCHAR"),
        ("sha256", "VARCHAR"),
        ("byte_size", "BIGINT"),
        ("request_id", "VARCHAR"),
        ("authority", "VARCHAR"),
        ("area", "VARCHAR"),
        ("foi_reference", "VARCHAR"),
        ("response_date", "DATE"),
        ("financial_year", "VARCHAR"),
        ("information_status", "VARCHAR"),
        ("parse_status", "VARCHAR"),
        ("parse_error", "VARCHAR"),
        # additions beyond the minimum contract
        ("request_match", "VARCHAR"),  # how request_id was chosen: quoted | folder | default
        ("population", "VARCHAR"),
        ("parent_doc_id", "VARCHAR"),  # e-mail an attachment came from
        ("duplicate_of", "VARCHAR"),
        ("email_from", "VARCHAR"),
        ("email_to", "VARCHAR"),
        ("email_date", "VARCHAR"),
        ("email_subject", "VARCHAR"),
        *CORRECTED,
    ],
    "document_text": [
        ("doc_id", "VARCHAR"),
        ("text", "VARCHAR"),
    ],
    "answers": [
        ("doc_id", "VARCHAR"),
        ("question_no", "INTEGER"),
        ("question_key", "VARCHAR"),
        ("numbered_as", "VARCHAR"),
        ("answer_text", "VARCHAR"),
        ("status", "VARCHAR"),
        *PROVENANCE,
        ("alignment", "VARCHAR"),  # label | question_text | content | order
    ],
    "programmes": [
        ("programme_id", "VARCHAR"),
        ("doc_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("canonical_name", "VARCHAR"),
        ("providers", "VARCHAR[]"),
        ("description", "VARCHAR"),
        *PROVENANCE,
        ("aliases", "VARCHAR[]"),
        *CORRECTED,
    ],
    "funnel_counts": [
        ("doc_id", "VARCHAR"),
        ("programme_id", "VARCHAR"),
        ("population", "VARCHAR"),
        ("route", "VARCHAR"),
        ("stage", "VARCHAR"),
        ("count", "INTEGER"),
        ("count_low", "INTEGER"),
        ("count_high", "INTEGER"),
        ("status", "VARCHAR"),
        ("qualifier", "VARCHAR"),
        ("note", "VARCHAR"),
        *PROVENANCE,
        *CORRECTED,
    ],
    "budgets": [
        ("doc_id", "VARCHAR"),
        ("programme_id", "VARCHAR"),
        ("amount_gbp", "DECIMAL(14,2)"),
        ("status", "VARCHAR"),
        ("period", "VARCHAR"),
        *PROVENANCE,
        ("note", "VARCHAR"),
        *CORRECTED,
    ],
    "funders": [
        ("doc_id", "VARCHAR"),
        ("programme_id", "VARCHAR"),
        ("funder", "VARCHAR"),
        ("contribution", "VARCHAR"),
        *PROVENANCE,
        ("funder_as_written", "VARCHAR"),
        *CORRECTED,
    ],
    "referrers": [
        ("doc_id", "VARCHAR"),
        ("programme_id", "VARCHAR"),
        ("organisation", "VARCHAR"),
        *PROVENANCE,
        ("organisation_as_written", "VARCHAR"),
        *CORRECTED,
    ],
    "review_queue": [
        ("doc_id", "VARCHAR"),
        ("table_name", "VARCHAR"),
        ("field", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("severity", "VARCHAR"),
        *PROVENANCE,
        ("programme_id", "VARCHAR"),
        ("value", "VARCHAR"),
    ],
}

CORRECTABLE_TABLES = ("documents", "programmes", "funnel_counts", "budgets", "funders", "referrers")
FACT_TABLES = ("answers", "programmes", "funnel_counts", "budgets", "funders", "referrers")


def columns(table: str) -> list[str]:
    """Column names of a contract table, in contract order."""
    return [name for name, _ in TABLES[table]]
