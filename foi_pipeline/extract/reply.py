"""Placeholder reader, replaced by the full extractor."""

from __future__ import annotations

from foi_pipeline.specs import Catalogue, RequestSpec


def read_reply(text: str, *, doc_id: str, spec: RequestSpec, catalogue: Catalogue):
    from foi_pipeline.extract import Extraction

    return Extraction(metadata={"financial_year": spec.financial_year})
