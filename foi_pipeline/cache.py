"""Results cached by content and code version, so an unchanged reply is neither parsed nor extracted again.

One file per kind of result (ingest, extract) beside the warehouse, named by the code version: changing
the extractor's version (or the request specs and catalogues it reads) starts a new, empty cache.
Entries for replies no longer present are dropped when the cache is saved.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import uuid
from pathlib import Path
from typing import Any

from foi_pipeline.specs import ASSETS_DIR


def assets_fingerprint(assets_dir: Path = ASSETS_DIR) -> str:
    """A hash of the YAML specs and catalogues: editing them changes what extraction produces."""
    digest = hashlib.sha256()
    for path in sorted(assets_dir.rglob("*.y*ml")):
        digest.update(path.relative_to(assets_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class ResultCache:
    """A dict of results, loaded from and saved to one pickle file (atomically)."""

    def __init__(self, folder: Path, kind: str, version: str):
        self.path = Path(folder) / f"{kind}-{version}.pickle"
        self.entries: dict[Any, Any] = {}
        self.used: set[Any] = set()
        self.hits = self.misses = 0
        if self.path.exists():
            try:
                with self.path.open("rb") as handle:
                    self.entries = pickle.load(handle)
            except Exception:  # noqa: BLE001 - a damaged cache is only a slower run
                self.entries = {}

    def get(self, key: Any) -> Any | None:
        value = self.entries.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self.used.add(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)

    def save(self) -> None:
        """Keep only what this run used (removed replies drop out); remove older versions' files."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)
        kind = self.path.name.split("-", 1)[0]
        for old in self.path.parent.glob(f"{kind}-*.pickle"):
            if old != self.path:
                old.unlink(missing_ok=True)
