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
# How documents.request_id was chosen; "none": the text does not read as a reply to any request (no request_id).
REQUEST_MATCHES = ("quoted", "folder", "default", "none")
# How documents.text was got: the file's own text (a PDF's text layer, a Word or HTML file's text), OCR of
# scanned pages or images, or both (a PDF mixing typed and scanned pages).
TEXT_SOURCES = ("text_layer", "ocr", "mixed")

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
        ("request_match", "VARCHAR"),  # how request_id was chosen: REQUEST_MATCHES
        ("population", "VARCHAR"),
        ("parent_doc_id", "VARCHAR"),  # e-mail an attachment came from
        ("duplicate_of", "VARCHAR"),
        ("email_from", "VARCHAR"),
        ("email_to", "VARCHAR"),
        ("email_date", "VARCHAR"),
        ("email_subject", "VARCHAR"),
        *CORRECTED,
        ("counted", "BOOLEAN"),  # whether the marts count this document: one reply per area and request
        ("superseded_by", "VARCHAR"),  # the reply counted instead of this one
        ("reply_id", "VARCHAR"),  # the reply it is part of: an e-mail and its attachments are one reply
        ("reply_rank", "INTEGER"),  # its place in the reply's precedence (0 first: attachments before the e-mail)
        ("text_source", "VARCHAR"),  # TEXT_SOURCES: text_layer, ocr or mixed
        ("ocr_confidence", "DOUBLE"),  # mean OCR word confidence (0-100) when some of the text came from OCR
        ("ocr_pages", "INTEGER"),  # pages read by OCR
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
        ("reply_programme_id", "VARCHAR"),  # the programme it counts as in the marts (one per programme of a reply)
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
        ("counted", "BOOLEAN"),  # whether the marts take this row: one figure per slot of a reply
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
        ("counted", "BOOLEAN"),  # whether the marts take this row: one budget per programme of a reply
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
        ("suggested_field", "VARCHAR"),  # the slot an unread figure most likely fills (agency_referred, amount_gbp, ...)
    ],
}

CORRECTABLE_TABLES = ("documents", "programmes", "funnel_counts", "budgets", "funders", "referrers")
FACT_TABLES = ("answers", "programmes", "funnel_counts", "budgets", "funders", "referrers")


def columns(table: str) -> list[str]:
    """Column names of a contract table, in contract order."""
    return [name for name, _ in TABLES[table]]

# Marts: built from the tables above for comparing areas and programmes (issue: analysts' outputs).
MARTS: dict[str, list[tuple[str, str]]] = {
    "programme_funnel": [
        ("doc_id", "VARCHAR"), ("request_id", "VARCHAR"), ("area", "VARCHAR"), ("programme_id", "VARCHAR"),
        ("programme", "VARCHAR"), ("canonical_name", "VARCHAR"), ("population", "VARCHAR"),
        *[(f"{r}_{s}{suffix}", t) for r in ROUTES for s in STAGES for suffix, t in (("", "INTEGER"), ("_status", "VARCHAR"))],
        ("self_acceptance_rate", "DOUBLE"), ("self_completion_rate", "DOUBLE"),
        ("agency_acceptance_rate", "DOUBLE"), ("agency_completion_rate", "DOUBLE"), ("reply_id", "VARCHAR"),
        # each figure's qualifier, and its bounds where it is a range ("fewer than 5": 1 to 4; "10-15")
        *[(f"{r}_{s}{suffix}", t) for r in ROUTES for s in STAGES
          for suffix, t in (("_qualifier", "VARCHAR"), ("_low", "INTEGER"), ("_high", "INTEGER"))],
        # what each rate rests on: RATE_BASES
        *[(f"{r}_{rate}_rate_basis", "VARCHAR") for r in ROUTES for rate in ("acceptance", "completion")],
    ],
    "programme_costs": [
        ("doc_id", "VARCHAR"), ("request_id", "VARCHAR"), ("area", "VARCHAR"), ("programme_id", "VARCHAR"),
        ("programme", "VARCHAR"), ("canonical_name", "VARCHAR"), ("budget_gbp", "DECIMAL(14,2)"), ("budget_period", "VARCHAR"),
        ("referred", "INTEGER"), ("accepted", "INTEGER"), ("completed", "INTEGER"),
        ("cost_per_referral", "DOUBLE"), ("cost_per_acceptance", "DOUBLE"), ("cost_per_completion", "DOUBLE"),
        ("reply_id", "VARCHAR"),
    ],
    "area_summary": [
        ("area", "VARCHAR"), ("request_id", "VARCHAR"), ("authority", "VARCHAR"), ("information_status", "VARCHAR"),
        ("replies", "INTEGER"), ("programmes", "INTEGER"), ("programme_names", "VARCHAR"), ("total_budget_gbp", "DECIMAL(14,2)"),
        ("total_referred", "INTEGER"), ("total_completed", "INTEGER"),
        # a total that leaves out a programme whose figure is unknown (not stated, not held, refused, suppressed)
        ("total_budget_partial", "BOOLEAN"), ("total_referred_partial", "BOOLEAN"), ("total_completed_partial", "BOOLEAN"),
        ("total_referred_basis", "VARCHAR"), ("total_completed_basis", "VARCHAR"),
    ],
    "coverage": [
        ("request_id", "VARCHAR"), ("recipient", "VARCHAR"), ("question_no", "INTEGER"), ("question_key", "VARCHAR"),
        ("coverage", "VARCHAR"), ("doc_id", "VARCHAR"), ("source_path", "VARCHAR"),
    ],
    "programme_types": [
        ("canonical_name", "VARCHAR"), ("areas", "INTEGER"), ("area_names", "VARCHAR"), ("programmes", "INTEGER"),
        ("budget_median", "DOUBLE"), ("budget_min", "DOUBLE"), ("budget_max", "DOUBLE"),
        ("cost_per_completion_median", "DOUBLE"), ("cost_per_completion_min", "DOUBLE"), ("cost_per_completion_max", "DOUBLE"),
    ],
}
# What a rate or a total rests on: only exact figures, an approximate one ("c. 160"), or a bound ("over 20", "fewer
# than 5", "10-15", or an upper bound such as a figure that also counts women). A bound outranks an approximation.
RATE_BASES = ("exact", "approx", "bounded")
# A figure's status that leaves a total short: the figure exists but is not given.
UNKNOWN_STATUSES = ("not_held", "refused", "suppressed", "not_stated")
COVERAGE_VALUES = ("answered", "not_applicable", "not_held", "refused", "not_answered", "no_reply")
ALL_TABLES: dict[str, list[tuple[str, str]]] = {**TABLES, **MARTS}
# Columns holding pounds and rates (fractions of 1), wherever they appear: exports format them as money and percentages.
MONEY_COLUMNS = frozenset({"amount_gbp", "budget_gbp", "total_budget_gbp", "budget_median", "budget_min", "budget_max",
                           "cost_per_referral", "cost_per_acceptance", "cost_per_completion", "cost_per_completion_median",
                           "cost_per_completion_min", "cost_per_completion_max"})
RATE_COLUMNS = frozenset(c for cols in MARTS.values() for c, t in cols if c.endswith("_rate") and t == "DOUBLE")

TABLE_DOCS = {
    "documents": "One row per input file, readable or not.",
    "document_text": "The text of each readable reply; evidence spans index into it.",
    "answers": "One row per reply and question of its request.",
    "programmes": "Programmes or interventions named in a reply.",
    "funnel_counts": "Referred / accepted / completed per programme, route and stage.",
    "budgets": "Budget per programme, or for the whole reply.",
    "funders": "Organisations funding a programme.",
    "referrers": "Organisations referring people to a programme.",
    "review_queue": "Values a person should check.",
    "programme_funnel": "One row per reply x programme x population: the six counts, their statuses, and rates (a programme "
                        "named in an e-mail and in its attachment is one row, each count taken once).",
    "programme_costs": "Budget per referral, acceptance and completion, where both sides are known.",
    "area_summary": "Per area and request: who answered, what they hold, programmes, budget, referrals, completions.",
    "coverage": "Per request, recipient and question: answered, not applicable, not held, refused, not answered, or no reply.",
    "programme_types": "Per catalogue programme type: areas that run it; budget and cost per completion (median, range).",
}
COLUMN_DOCS = {
    "doc_id": "First 16 hex characters of the SHA-256 of the reply's bytes.",
    "source_path": "The file, relative to the raw folder ('mail.eml#attachment.pdf' for attachments).",
    "media_type": "The file's type (text/plain, application/pdf, ...).",
    "sha256": "SHA-256 of the file's bytes.",
    "byte_size": "Size of the file in bytes.",
    "request_id": "The FOI request the reply answers (assets/requests/*.yaml).",
    "authority": "The body that answered, as the letter names it.",
    "area": "Police force area.",
    "foi_reference": "The authority's own reference for the request.",
    "response_date": "Date of the reply.",
    "financial_year": "The year the figures are for, e.g. 2022/23.",
    "information_status": "held, partly_held, not_held or refused: what the reply says it holds.",
    "parse_status": "ok, empty, unreadable, unsupported, needs_ocr, too_large or duplicate.",
    "parse_error": "Why a file was not read, when parse_status is not ok.",
    "request_match": "How request_id was chosen: quoted (the reply quotes it), folder, default, or none (the file does not read as a "
                     "reply to any request: it has no request_id until a correction gives it one).",
    "population": "Who the request asked about: male or female.",
    "parent_doc_id": "For an e-mail attachment: the e-mail's doc_id.",
    "duplicate_of": "For a duplicate: the file with the same bytes (whose letter details it shares).",
    "email_from": "E-mail From header.", "email_to": "E-mail To header.", "email_date": "E-mail Date header.",
    "email_subject": "E-mail Subject header.",
    "counted": "Whether the marts count this row. A document: a readable reply with a request, and the one reply counted for "
               "its area and request (the later response date, else the later file) unless a correction says otherwise. A "
               "count or budget: the one taken for its slot of its reply (an e-mail and its attachments are one reply; an "
               "attachment's figure before the e-mail's own), in a document that is counted.",
    "reply_id": "The reply the document is part of: for an e-mail and its attachments, the e-mail's doc_id; else its own.",
    "reply_rank": "The document's place in its reply's precedence (0 first): counted documents, then attachments before "
                  "the e-mail's own text, then by file. A slot's figure is taken from the first document that gives it.",
    "reply_programme_id": "The programme this one counts as in the marts: programmes of one reply that are the same programme "
                          "(same canonical_name, or same name or alias ignoring case and punctuation) count once, as the "
                          "first of them in the reply's order; otherwise its own programme_id.",
    "text_source": "How the text was got: text_layer (the file's own text), ocr (scanned pages or an image read by OCR) or "
                   "mixed (a PDF of typed and scanned pages).",
    "ocr_confidence": "Tesseract's mean word confidence (0-100) over the pages read by OCR; blank when no page was.",
    "ocr_pages": "Pages read by OCR (0 when none).",
    "superseded_by": "For a reply not counted because another from the same area answers the same request: that reply's file.",
    "text": "The reply's text.",
    "question_no": "The question's number in the request (blank for unnumbered lines).",
    "question_key": "The question's key in the request spec.",
    "numbered_as": "The label the reply used for this answer (may differ from question_no).",
    "answer_text": "The answer as written.",
    "alignment": "How the answer was matched to the question: label, question_text, heading or content.",
    "programme_id": "Identifier of a programme within its reply.",
    "name": "The programme's name as the reply writes it.",
    "canonical_name": "The programme type from assets/catalogue/programmes.yaml, when it matches one.",
    "providers": "Organisations delivering the programme.",
    "description": "One line describing the programme.",
    "aliases": "Other names the reply uses for the programme.",
    "route": "self (self-referral) or agency.",
    "stage": "referred, accepted or completed.",
    "count": "The figure, when status is value.",
    "count_low": "Lower bound of the figure (1 for 'fewer than 5').",
    "count_high": "Upper bound of the figure (4 for 'fewer than 5').",
    "status": "value, not_applicable, not_held, refused, suppressed or not_stated.",
    "qualifier": "exact, approx, at_least or at_most.",
    "note": "Side remarks next to the figure, and other amounts in the answer.",
    "amount_gbp": "Budget in pounds.",
    "period": "What the budget covers: annual, 2022/23, '5 years (2021 to 2026)', ...",
    "funder": "Funding organisation (normalised against the catalogue).",
    "contribution": "cash, in_kind or unknown.",
    "organisation": "Referring organisation (normalised against the catalogue).",
    "funder_as_written": "The funder as the reply writes it.",
    "organisation_as_written": "The referrer as the reply writes it.",
    "table_name": "The table the review item concerns.",
    "field": "The field the review item concerns.",
    "reason": "Why a person should look.",
    "severity": "error, warning or info.",
    "value": "The value in question.",
    "char_start": "Where the evidence starts in document_text.text (0-based).",
    "char_end": "Where the evidence ends (exclusive).",
    "evidence_text": "The exact characters the value came from.",
    "extractor": "The rule that produced the value, or 'correction:<file>:<line>'.",
    "extracted_value": "For a corrected row: what the extractor had found.",
    "correction": "For a corrected row: the correction's file, line, note and author.",
    "programme": "The programme's name.",
    "self_acceptance_rate": "Self-referred accepted / self-referred, where both are values.",
    "self_completion_rate": "Self-referred completed / accepted, where both are values.",
    "agency_acceptance_rate": "Agency-referred accepted / referred, where both are values.",
    "agency_completion_rate": "Agency-referred completed / accepted, where both are values.",
    "budget_gbp": "The programme's budget in pounds.",
    "budget_period": "What the budget covers.",
    "referred": "Referrals over both routes (a route that does not apply counts as 0).",
    "accepted": "Acceptances over both routes.",
    "completed": "Completions over both routes.",
    "cost_per_referral": "budget_gbp / referred.", "cost_per_acceptance": "budget_gbp / accepted.",
    "cost_per_completion": "budget_gbp / completed.",
    "replies": "Replies counted for the area and request (an e-mail and its attachments are one reply).",
    "programmes": "Number of programmes.",
    "programme_names": "The programmes' names.",
    "total_budget_gbp": "Sum of the programmes' budgets (or the whole-reply budget).",
    "total_referred": "Referrals over all programmes and both routes (known figures only).",
    "total_completed": "Completions over all programmes and both routes (known figures only).",
    "recipient": "A body the request was sent to (its police force area).",
    "coverage": "answered, not_applicable, not_held, refused, not_answered or no_reply.",
    "areas": "Number of areas running the type.", "area_names": "The areas.",
    "budget_median": "Median budget.", "budget_min": "Lowest budget.", "budget_max": "Highest budget.",
    "cost_per_completion_median": "Median cost per completion.", "cost_per_completion_min": "Lowest cost per completion.",
    "cost_per_completion_max": "Highest cost per completion.",
}
COLUMN_DOCS.update({
    "total_budget_partial": "True when total_budget_gbp leaves out a programme whose budget is not given.",
    "total_referred_partial": "True when total_referred leaves out a programme whose referrals are not given (not stated, "
                              "not held, refused or suppressed).",
    "total_completed_partial": "True when total_completed leaves out a programme whose completions are not given.",
    "total_referred_basis": "What total_referred rests on: exact, approx or bounded.",
    "total_completed_basis": "What total_completed rests on: exact, approx or bounded.",
})
for _route in ROUTES:
    for _rate in ("acceptance", "completion"):
        COLUMN_DOCS[f"{_route}_{_rate}_rate_basis"] = (
            f"What {_route}_{_rate}_rate rests on: exact (both figures exact), approx (an approximate figure) or bounded "
            "(a figure given as a bound or a range: the rate is a bound too).")
for _suffix_route in ROUTES:
    for _stage in STAGES:
        COLUMN_DOCS.setdefault(f"{_suffix_route}_{_stage}", f"{_suffix_route} route, {_stage}: the figure when it is a value.")
        COLUMN_DOCS.setdefault(f"{_suffix_route}_{_stage}_status", f"{_suffix_route} route, {_stage}: its status.")
        COLUMN_DOCS.setdefault(f"{_suffix_route}_{_stage}_qualifier", f"{_suffix_route} route, {_stage}: exact, approx, at_least "
                               "or at_most (e.g. a figure that also counts people outside the requested population).")
        COLUMN_DOCS.setdefault(f"{_suffix_route}_{_stage}_low", f"{_suffix_route} route, {_stage}: the lowest the figure can be, "
                               "where it is a range (1 for 'fewer than 5').")
        COLUMN_DOCS.setdefault(f"{_suffix_route}_{_stage}_high", f"{_suffix_route} route, {_stage}: the highest it can be, where "
                               "it is a range (4 for 'fewer than 5').")
