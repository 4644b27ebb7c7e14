"""Every table of the warehouse, declared once: its columns (by field name, in contract order), which of them are
required, its primary and sort keys, and what it holds. The contract tables first, then the marts built from them.

Provenance (PROVENANCE) and the columns corrections add (CORRECTED) are listed by name where they sit in a table;
whether a table carries them is read from its columns, so it is said once.
"""

from __future__ import annotations

from dataclasses import dataclass

from foi_pipeline.metadata.enums import ROUTES, STAGES
from foi_pipeline.metadata.fields import FIELDS, Field

PROVENANCE = ("char_start", "char_end", "evidence_text", "extractor")
# Added by analysts' corrections (DESIGN.md section 4): the value the extractor found, and who changed it and why.
CORRECTED = ("extracted_value", "correction")


@dataclass(frozen=True)
class Table:
    """One table. `required` columns are never blank (provenance columns and doc_id are, in a table with provenance);
    `primary_key` identifies a row (unique together); rows are kept in `sort_key` order; a `fact` table holds values
    read from replies; a `mart` is built from the tables for analysts."""

    name: str
    description: str
    fields: tuple[str, ...]
    required: tuple[str, ...] = ()
    primary_key: tuple[str, ...] = ()
    sort_key: tuple[str, ...] = ()
    fact: bool = False
    mart: bool = False

    @property
    def provenance(self) -> bool:
        return all(f in self.fields for f in PROVENANCE)

    @property
    def corrected(self) -> bool:
        return all(f in self.fields for f in CORRECTED)

    @property
    def columns(self) -> list[Field]:
        return [FIELDS[f] for f in self.fields]

    def is_required(self, field: str) -> bool:
        return field in self.required or (self.provenance and field in ("doc_id", *PROVENANCE))


_SLOTS = tuple(f"{r}_{s}{suffix}" for r in ROUTES for s in STAGES for suffix in ("", "_status"))
_SLOT_BOUNDS = tuple(f"{r}_{s}{suffix}" for r in ROUTES for s in STAGES for suffix in ("_qualifier", "_low", "_high"))
_RATE_BASES = tuple(f"{r}_{rate}_rate_basis" for r in ROUTES for rate in ("acceptance", "completion"))

_TABLES = [
    Table("documents", "One row per input file, readable or not, with the request it answers and the letter's metadata.", (
        "doc_id", "source_path", "media_type", "sha256", "byte_size", "request_id", "authority", "area", "foi_reference",
        "response_date", "financial_year", "information_status", "parse_status", "parse_error",
        # additions beyond the minimum contract
        "request_match", "population", "parent_doc_id", "duplicate_of", "email_from", "email_to", "email_date", "email_subject",
        *CORRECTED, "counted", "superseded_by", "reply_id", "reply_rank", "text_source", "ocr_confidence", "ocr_pages",
    ), required=("doc_id", "source_path", "media_type", "byte_size", "parse_status"), primary_key=("source_path",),
        sort_key=("source_path",)),
    Table("document_text", "The text of every readable reply: what every evidence span points into.", ("doc_id", "text"),
          required=("doc_id", "text"), primary_key=("doc_id",), sort_key=("doc_id",)),
    Table("answers", "One row per reply and question of its request: the reply's own label, the answer text and how it "
          "was aligned.", (
              "doc_id", "question_no", "question_key", "numbered_as", "answer_text", "status", *PROVENANCE, "alignment",
          ), required=("question_key", "status"), primary_key=("doc_id", "question_key"), sort_key=("doc_id", "question_key"),
          fact=True),
    Table("programmes", "Every programme or intervention a reply names, with providers, a one-line description and a "
          "catalogue type.", (
              "programme_id", "doc_id", "name", "canonical_name", "providers", "description", *PROVENANCE, "aliases", *CORRECTED,
              "reply_programme_id",
          ), required=("programme_id", "name"), primary_key=("programme_id",), sort_key=("doc_id", "programme_id"), fact=True),
    Table("funnel_counts", "Referred, accepted and completed, by route (self / agency), per programme, with status, "
          "qualifier and bounds.", (
              "doc_id", "programme_id", "population", "route", "stage", "count", "count_low", "count_high", "status", "qualifier",
              "note", *PROVENANCE, *CORRECTED, "counted",
          ), required=("programme_id", "route", "stage", "status"), primary_key=("programme_id", "route", "stage"),
          sort_key=("doc_id", "programme_id", "route", "stage"), fact=True),
    Table("budgets", "Budget per programme (or for the whole reply), in pounds, with its period.", (
        "doc_id", "programme_id", "amount_gbp", "status", "period", *PROVENANCE, "note", *CORRECTED, "counted",
    ), required=("status",), sort_key=("doc_id", "programme_id", "char_start"), fact=True),
    Table("funders", "Organisations that fund each programme, cash or in kind.", (
        "doc_id", "programme_id", "funder", "contribution", *PROVENANCE, "funder_as_written", *CORRECTED,
    ), required=("funder", "contribution"), sort_key=("doc_id", "programme_id", "funder"), fact=True),
    Table("referrers", "Organisations that refer people to each programme.", (
        "doc_id", "programme_id", "organisation", *PROVENANCE, "organisation_as_written", *CORRECTED,
    ), required=("organisation",), sort_key=("doc_id", "programme_id", "organisation"), fact=True),
    Table("review_queue", "Values a person should check, with the reason and the evidence: extraction doubts, failed "
          "checks, unapplied corrections.", (
              "doc_id", "table_name", "field", "reason", "severity", *PROVENANCE, "programme_id", "value", "suggested_field",
          ), required=("table_name", "field", "reason", "severity"),
          sort_key=("doc_id", "table_name", "field", "char_start", "reason")),
    # Marts: built from the tables above for comparing areas and programmes.
    Table("programme_funnel", "One row per reply x programme x population: the six counts with statuses, and acceptance "
          "and completion rates per route (a programme named in an e-mail and in its attachment is one row, each count "
          "taken once).", (
              "doc_id", "request_id", "area", "programme_id", "programme", "canonical_name", "population", *_SLOTS,
              "self_acceptance_rate", "self_completion_rate", "agency_acceptance_rate", "agency_completion_rate", "reply_id",
              # each figure's qualifier, and its bounds where it is a range ("fewer than 5": 1 to 4; "10-15")
              *_SLOT_BOUNDS,
              *_RATE_BASES,  # what each rate rests on
          ), mart=True),
    Table("programme_costs", "Budget per referral, per acceptance and per completion, where both sides are known.", (
        "doc_id", "request_id", "area", "programme_id", "programme", "canonical_name", "budget_gbp", "budget_period",
        "referred", "accepted", "completed", "cost_per_referral", "cost_per_acceptance", "cost_per_completion", "reply_id",
    ), mart=True),
    Table("area_summary", "Per area and request: authority, information status, programmes, total budget, referrals and "
          "completions.", (
              "area", "request_id", "authority", "information_status", "replies", "programmes", "programme_names",
              "total_budget_gbp", "total_referred", "total_completed",
              # a total that leaves out a programme whose figure is unknown (not stated, not held, refused, suppressed)
              "total_budget_partial", "total_referred_partial", "total_completed_partial",
              "total_referred_basis", "total_completed_basis",
          ), mart=True),
    Table("coverage", "Per request: every body it was sent to x question: answered, not applicable, not held, refused, "
          "not answered, or no reply.", (
              "request_id", "recipient", "question_no", "question_key", "coverage", "doc_id", "source_path",
          ), mart=True),
    Table("programme_types", "Per catalogue programme type: areas that run it, median and range of budget and of cost per "
          "completion.", (
              "canonical_name", "areas", "area_names", "programmes", "budget_median", "budget_min", "budget_max",
              "cost_per_completion_median", "cost_per_completion_min", "cost_per_completion_max",
          ), mart=True),
]

TABLE_METADATA: dict[str, Table] = {t.name: t for t in _TABLES}
