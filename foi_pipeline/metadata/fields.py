"""Every column of the warehouse, declared once: its DuckDB type, what it means, and the values it may hold.

A column of the same name means the same thing in every table (doc_id, status, programme_id, ...), so it is
declared here once and the tables (foi_pipeline/metadata/tables.py) list it by name. Whether it may be blank
depends on the table, so tables say which of their columns are required. The DuckDB schema, the pandera
models, the Dagster column schemas, the XLSX README sheet and docs/tables.md are all generated from this.
"""

from __future__ import annotations

from dataclasses import dataclass

from foi_pipeline.metadata.enums import (
    ALIGNMENTS,
    CONTRIBUTIONS,
    COVERAGE_VALUES,
    INFORMATION_STATUSES,
    PARSE_STATUSES,
    QUALIFIERS,
    RATE_BASES,
    REQUEST_MATCHES,
    ROUTES,
    SEVERITIES,
    STAGES,
    STATUSES,
    TEXT_SOURCES,
)

DOC_ID_PATTERN = r"^[0-9a-f]{16}$"


@dataclass(frozen=True)
class Field:
    """One column: `values` is its vocabulary, `minimum`/`maximum` its range, `pattern` a regular expression every
    value matches, `non_empty` that text may not be ''; `display` is how exports format it ('money' or 'rate')."""

    name: str
    type: str
    description: str
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    non_empty: bool = False
    display: str | None = None

    def constraints(self) -> list[str]:
        """The field's rules in words (for docs/tables.md, the XLSX README and the Dagster UI)."""
        rules = []
        if self.values:
            rules.append(f"Values: {', '.join(self.values)}.")
        if self.minimum is not None and self.maximum is not None:
            rules.append(f"From {self.minimum:g} to {self.maximum:g}.")
        elif self.minimum is not None:
            rules.append(f"At least {self.minimum:g}.")
        if self.pattern:
            rules.append(f"Matches {self.pattern}.")
        if self.non_empty:
            rules.append("Never empty.")
        return rules

    @property
    def documentation(self) -> str:
        """The description followed by its rules: what a reader of the README sheet or the UI sees."""
        return " ".join([self.description, *self.constraints()])


def _route_stage_fields() -> list[Field]:
    """programme_funnel's six figures, each with its status, qualifier and bounds: one column per route x stage."""
    out = []
    for route in ROUTES:
        for stage in STAGES:
            slot = f"{route}_{stage}"
            out += [
                Field(slot, "INTEGER", f"{route} route, {stage}: the figure when it is a value."),
                Field(f"{slot}_status", "VARCHAR", f"{route} route, {stage}: its status.", values=STATUSES),
                Field(f"{slot}_qualifier", "VARCHAR", f"{route} route, {stage}: whether the figure is exact or an "
                      "approximation or bound (e.g. a figure that also counts people outside the requested population).",
                      values=QUALIFIERS),
                Field(f"{slot}_low", "INTEGER", f"{route} route, {stage}: the lowest the figure can be, where it is a range "
                      "(1 for 'fewer than 5')."),
                Field(f"{slot}_high", "INTEGER", f"{route} route, {stage}: the highest it can be, where it is a range "
                      "(4 for 'fewer than 5')."),
            ]
    for route in ROUTES:
        out += [
            Field(f"{route}_acceptance_rate", "DOUBLE", f"{route.capitalize()}-referred accepted / referred, where both are values.",
                  display="rate"),
            Field(f"{route}_completion_rate", "DOUBLE", f"{route.capitalize()}-referred completed / accepted, where both are values.",
                  display="rate"),
        ]
        for rate in ("acceptance", "completion"):
            out.append(Field(f"{route}_{rate}_rate_basis", "VARCHAR", f"What {route}_{rate}_rate rests on: exact (both figures "
                             "exact), approx (an approximate figure) or bounded (a figure given as a bound or a range: the rate "
                             "is a bound too).", values=RATE_BASES))
    return out


_FIELDS = [
    # documents
    Field("doc_id", "VARCHAR", "First 16 hex characters of the SHA-256 of the reply's bytes.", pattern=DOC_ID_PATTERN),
    Field("source_path", "VARCHAR", "The file, relative to the raw folder ('mail.eml#attachment.pdf' for attachments)."),
    Field("media_type", "VARCHAR", "The file's type (text/plain, application/pdf, ...)."),
    Field("sha256", "VARCHAR", "SHA-256 of the file's bytes."),
    Field("byte_size", "BIGINT", "Size of the file in bytes.", minimum=0),
    Field("request_id", "VARCHAR", "The FOI request the reply answers (assets/requests/*.yaml)."),
    Field("authority", "VARCHAR", "The body that answered, as the letter names it."),
    Field("area", "VARCHAR", "Police force area."),
    Field("foi_reference", "VARCHAR", "The authority's own reference for the request."),
    Field("response_date", "DATE", "Date of the reply."),
    Field("financial_year", "VARCHAR", "The year the figures are for, e.g. 2022/23.", pattern=r"^\d{4}/\d{2}$"),
    Field("information_status", "VARCHAR", "What the reply says it holds.", values=INFORMATION_STATUSES),
    Field("parse_status", "VARCHAR", "What became of the file when it was read (ok: its text was read).", values=PARSE_STATUSES),
    Field("parse_error", "VARCHAR", "Why a file was not read, when parse_status is not ok."),
    Field("request_match", "VARCHAR", "How request_id was chosen: quoted (the reply quotes it), folder, default, or none (the "
          "file does not read as a reply to any request: it has no request_id until a correction gives it one).",
          values=REQUEST_MATCHES),
    Field("population", "VARCHAR", "Who the request asked about: male or female."),
    Field("parent_doc_id", "VARCHAR", "For an e-mail attachment: the e-mail's doc_id."),
    Field("duplicate_of", "VARCHAR", "For a duplicate: the file with the same bytes (whose letter details it shares)."),
    Field("email_from", "VARCHAR", "E-mail From header."),
    Field("email_to", "VARCHAR", "E-mail To header."),
    Field("email_date", "VARCHAR", "E-mail Date header."),
    Field("email_subject", "VARCHAR", "E-mail Subject header."),
    Field("counted", "BOOLEAN", "Whether the marts count this row. A document: a readable reply with a request, and the one "
          "reply counted for its area and request (the later response date, else the later file) unless a correction says "
          "otherwise. A count or budget: the one taken for its slot of its reply (an e-mail and its attachments are one "
          "reply; an attachment's figure before the e-mail's own), in a document that is counted."),
    Field("superseded_by", "VARCHAR", "For a reply not counted because another from the same area answers the same request: "
          "that reply's file."),
    Field("reply_id", "VARCHAR", "The reply the document is part of: for an e-mail and its attachments, the e-mail's doc_id; "
          "else its own."),
    Field("reply_rank", "INTEGER", "The document's place in its reply's precedence (0 first): counted documents, then "
          "attachments before the e-mail's own text, then by file. A slot's figure is taken from the first document that gives it."),
    Field("text_source", "VARCHAR", "How the text was got: text_layer (the file's own text), ocr (scanned pages or an image "
          "read by OCR) or mixed (a PDF of typed and scanned pages).", values=TEXT_SOURCES),
    Field("ocr_confidence", "DOUBLE", "Tesseract's mean word confidence over the pages read by OCR; blank when no page was.",
          minimum=0, maximum=100),
    Field("ocr_pages", "INTEGER", "Pages read by OCR (0 when none).", minimum=0),
    # document_text
    Field("text", "VARCHAR", "The reply's text."),
    # answers
    Field("question_no", "INTEGER", "The question's number in the request (blank for unnumbered lines).", minimum=0),
    Field("question_key", "VARCHAR", "The question's key in the request spec."),
    Field("numbered_as", "VARCHAR", "The label the reply used for this answer (may differ from question_no)."),
    Field("answer_text", "VARCHAR", "The answer as written."),
    Field("status", "VARCHAR", "Whether the figure or answer is given, and if not, why not.", values=STATUSES),
    Field("alignment", "VARCHAR", "How the answer was matched to the question: by its label, by repeating the question's "
          "text, by a heading naming the question, or by its content; blank when no answer was found.", values=ALIGNMENTS),
    # provenance, on every fact table
    Field("char_start", "INTEGER", "Where the evidence starts in document_text.text (0-based).", minimum=0),
    Field("char_end", "INTEGER", "Where the evidence ends (exclusive).", minimum=0),
    Field("evidence_text", "VARCHAR", "The exact characters the value came from."),
    Field("extractor", "VARCHAR", "The rule that produced the value, or 'correction:<file>:<line>'."),
    # added by corrections
    Field("extracted_value", "VARCHAR", "For a corrected row: what the extractor had found."),
    Field("correction", "VARCHAR", "For a corrected row: the correction's file, line, note and author."),
    # programmes
    Field("programme_id", "VARCHAR", "Identifier of a programme within its reply."),
    Field("name", "VARCHAR", "The programme's name as the reply writes it.", non_empty=True),
    Field("canonical_name", "VARCHAR", "The programme type from assets/catalogue/programmes.yaml, when it matches one."),
    Field("providers", "VARCHAR[]", "Organisations delivering the programme."),
    Field("description", "VARCHAR", "One line describing the programme."),
    Field("aliases", "VARCHAR[]", "Other names the reply uses for the programme."),
    Field("reply_programme_id", "VARCHAR", "The programme this one counts as in the marts: programmes of one reply that are "
          "the same programme (same canonical_name, or same name or alias ignoring case and punctuation) count once, as the "
          "first of them in the reply's order; otherwise its own programme_id."),
    # funnel_counts
    Field("route", "VARCHAR", "How people came to the programme: self (self-referral) or agency (referred by a body).", values=ROUTES),
    Field("stage", "VARCHAR", "How far they got: referred, accepted onto the programme, or completed it.", values=STAGES),
    Field("count", "INTEGER", "The figure, when status is value."),
    Field("count_low", "INTEGER", "Lower bound of the figure (1 for 'fewer than 5')."),
    Field("count_high", "INTEGER", "Upper bound of the figure (4 for 'fewer than 5')."),
    Field("qualifier", "VARCHAR", "Whether the figure is exact, approximate, or a lower or upper bound.", values=QUALIFIERS),
    Field("note", "VARCHAR", "Side remarks next to the figure, and other amounts in the answer."),
    # budgets
    Field("amount_gbp", "DECIMAL(14,2)", "Budget in pounds.", display="money"),
    Field("period", "VARCHAR", "What the budget covers: annual, 2022/23, '5 years (2021 to 2026)', ..."),
    # funders and referrers
    Field("funder", "VARCHAR", "Funding organisation (normalised against the catalogue).", non_empty=True),
    Field("contribution", "VARCHAR", "What the funder gives: cash, in kind, or unknown.", values=CONTRIBUTIONS),
    Field("funder_as_written", "VARCHAR", "The funder as the reply writes it."),
    Field("organisation", "VARCHAR", "Referring organisation (normalised against the catalogue).", non_empty=True),
    Field("organisation_as_written", "VARCHAR", "The referrer as the reply writes it."),
    # review_queue
    Field("table_name", "VARCHAR", "The table the review item concerns."),
    Field("field", "VARCHAR", "The field the review item concerns."),
    Field("reason", "VARCHAR", "Why a person should look.", non_empty=True),
    Field("severity", "VARCHAR", "How much it matters: error (a broken contract), warning (a doubt) or info.", values=SEVERITIES),
    Field("value", "VARCHAR", "The value in question."),
    Field("suggested_field", "VARCHAR", "For an unread figure: the slot it most likely fills (agency_referred, amount_gbp, ...)."),
    # marts
    Field("programme", "VARCHAR", "The programme's name."),
    *_route_stage_fields(),
    Field("budget_gbp", "DECIMAL(14,2)", "The programme's budget in pounds.", display="money"),
    Field("budget_period", "VARCHAR", "What the budget covers."),
    Field("referred", "INTEGER", "Referrals over both routes (a route that does not apply counts as 0)."),
    Field("accepted", "INTEGER", "Acceptances over both routes."),
    Field("completed", "INTEGER", "Completions over both routes."),
    Field("cost_per_referral", "DOUBLE", "budget_gbp / referred.", display="money"),
    Field("cost_per_acceptance", "DOUBLE", "budget_gbp / accepted.", display="money"),
    Field("cost_per_completion", "DOUBLE", "budget_gbp / completed.", display="money"),
    Field("replies", "INTEGER", "Replies counted for the area and request (an e-mail and its attachments are one reply)."),
    Field("programmes", "INTEGER", "Number of programmes."),
    Field("programme_names", "VARCHAR", "The programmes' names."),
    Field("total_budget_gbp", "DECIMAL(14,2)", "Sum of the programmes' budgets (or the whole-reply budget).", display="money"),
    Field("total_referred", "INTEGER", "Referrals over all programmes and both routes (known figures only)."),
    Field("total_completed", "INTEGER", "Completions over all programmes and both routes (known figures only)."),
    Field("total_budget_partial", "BOOLEAN", "True when total_budget_gbp leaves out a programme whose budget is not given."),
    Field("total_referred_partial", "BOOLEAN", "True when total_referred leaves out a programme whose referrals are not given "
          "(not stated, not held, refused or suppressed)."),
    Field("total_completed_partial", "BOOLEAN", "True when total_completed leaves out a programme whose completions are not given."),
    Field("total_referred_basis", "VARCHAR", "What total_referred rests on.", values=RATE_BASES),
    Field("total_completed_basis", "VARCHAR", "What total_completed rests on.", values=RATE_BASES),
    Field("recipient", "VARCHAR", "A body the request was sent to (its police force area)."),
    Field("coverage", "VARCHAR", "What the recipient's reply did with the question.", values=COVERAGE_VALUES),
    Field("areas", "INTEGER", "Number of areas running the type."),
    Field("area_names", "VARCHAR", "The areas."),
    Field("budget_median", "DOUBLE", "Median budget.", display="money"),
    Field("budget_min", "DOUBLE", "Lowest budget.", display="money"),
    Field("budget_max", "DOUBLE", "Highest budget.", display="money"),
    Field("cost_per_completion_median", "DOUBLE", "Median cost per completion.", display="money"),
    Field("cost_per_completion_min", "DOUBLE", "Lowest cost per completion.", display="money"),
    Field("cost_per_completion_max", "DOUBLE", "Highest cost per completion.", display="money"),
]

FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}
assert len(FIELDS) == len(_FIELDS), "a field is declared twice"
