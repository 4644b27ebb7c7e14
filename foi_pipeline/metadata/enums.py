"""The contract's vocabularies (DESIGN.md section 3): the values a column may hold. Fields name them; nothing else
spells them out."""

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
# How an answer was matched to its question (the values foi_pipeline/extract/align.py and sections.py write).
ALIGNMENTS = ("label", "question_text", "heading", "content")
# What a rate or a total rests on: only exact figures, an approximate one ("c. 160"), or a bound ("over 20", "fewer
# than 5", "10-15", or an upper bound such as a figure that also counts women). A bound outranks an approximation.
RATE_BASES = ("exact", "approx", "bounded")
# A figure's status that leaves a total short: the figure exists but is not given.
UNKNOWN_STATUSES = ("not_held", "refused", "suppressed", "not_stated")
COVERAGE_VALUES = ("answered", "not_applicable", "not_held", "refused", "not_answered", "no_reply")
