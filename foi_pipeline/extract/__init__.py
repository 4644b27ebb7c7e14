"""Text of one reply -> answers and facts, each with the span of text it came from.

Plain functions over plain data: no Dagster here. `extract_reply` is the entry point.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from foi_pipeline.specs import Catalogue, RequestSpec


def _source_hash() -> str:
    """A hash of the extractor's own source and lexicon: any change to the rules or the words is a new version
    (and re-extracts everything)."""
    digest = hashlib.sha256()
    for path in [*sorted(Path(__file__).parent.glob("*.py")), Path(__file__).resolve().parents[2] / "assets" / "lexicon.yaml"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


EXTRACTOR_VERSION = f"1.{_source_hash()}"

FACT_TABLE_NAMES = ("answers", "programmes", "funnel_counts", "budgets", "funders", "referrers", "review_queue")


@dataclass
class Extraction:
    """What one reply says: document metadata plus rows for each fact table (contract columns, doc_id filled)."""

    metadata: dict[str, object] = field(default_factory=dict)
    tables: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in FACT_TABLE_NAMES})


def extract_reply(text: str, *, doc_id: str, spec: RequestSpec, catalogue: Catalogue) -> Extraction:
    """Read one reply. Never raises on odd text; every span satisfies text[start:end] == evidence_text."""
    from foi_pipeline.extract.reply import read_reply

    return read_reply(text, doc_id=doc_id, spec=spec, catalogue=catalogue)
