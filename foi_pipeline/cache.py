"""Results cached by content and code version, so an unchanged reply is neither parsed nor extracted again.

One file per kind of result (ingest, extract) beside the warehouse, named by the code version: changing
the extractor's version (or the request specs and catalogues it reads) starts a new, empty cache.
Entries for replies no longer present are dropped when the cache is saved. A cache that cannot be written
(disk full, a read-only folder) is a warning, never a failed run: it only saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from foi_pipeline.specs import ASSETS_DIR


def assets_fingerprint(assets_dir: Path = ASSETS_DIR) -> str:
    """A hash of the YAML specs and catalogues: editing them changes what extraction produces."""
    digest = hashlib.sha256()
    for path in sorted(assets_dir.rglob("*.y*ml")):
        digest.update(path.relative_to(assets_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


Warn = Callable[[str], None]


class CacheWriteWarning(UserWarning):
    """A cache file could not be written; the run goes on, and the next one reads those files again."""


def _warn(message: str) -> None:
    warnings.warn(message, CacheWriteWarning, stacklevel=4)


def _saved(path: Path, write: Callable[[], None], warn: Warn) -> bool:
    """Run a cache write; a failure is reported through `warn` (the run's log in Dagster) and otherwise ignored."""
    try:
        write()
    except (OSError, pickle.PicklingError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        warn(f"could not write the cache {path} ({err.__class__.__name__}: {reason}); the run goes on, "
             "and the next one reads these files again")
        return False
    return True


class ResultCache:
    """A dict of results, loaded from and saved to one pickle file (atomically)."""

    def __init__(self, folder: Path, kind: str, version: str, warn: Warn = _warn):
        self.path = Path(folder) / f"{kind}-{version}.pickle"
        self.warn = warn
        self.entries: dict[Any, Any] = _read_pickle(self.path) or {}
        self.used: set[Any] = set()
        self.hits = self.misses = 0

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
        """Keep only what this run used (removed replies drop out); remove older versions' files. Nothing new and
        nothing dropped: no write."""
        if self.misses == 0 and self.used == set(self.entries) and self.path.exists():
            return
        _saved(self.path, lambda: write_atomically(self.path, {k: v for k, v in self.entries.items() if k in self.used}), self.warn)


class ContentCache(ResultCache):
    """Results keyed first by the SHA-256 of a file's bytes (the OCR of its pages: seconds each), kept while a file
    with those bytes is in the raw folder, even in runs that did not need them (the parsed text was cached), so
    a new ingest version re-reads the text layers but not the scans."""

    def __init__(self, folder: Path, kind: str, version: str, warn: Warn = _warn):
        super().__init__(folder, kind, version, warn)
        self.added = 0

    def put(self, key: Any, value: Any) -> None:
        super().put(key, value)
        self.added += 1

    def save(self, live: set[str] | None = None) -> None:
        """Keep the entries of these files' bytes (every entry when None); no write when nothing changed."""
        kept = self.entries if live is None else {k: v for k, v in self.entries.items() if k[0] in live}
        if not self.added and len(kept) == len(self.entries) and self.path.exists():
            return
        if not kept and not self.path.exists():
            return
        _saved(self.path, lambda: write_atomically(self.path, kept), self.warn)
        self.entries, self.added = dict(kept), 0


class TableCache:
    """Extracted rows of every reply, one frame per table, in one pickle named by the extractor's version.

    A run takes the rows of unchanged replies with one selection per table instead of rebuilding them reply
    by reply, so re-running 10,000 replies with one new one costs about what reading that one costs.
    Entries are keyed by doc_id and "sha256:request_id": a reply matched to another request is read again.
    Replies only added since the file was written are appended to a journal beside it (`<file>.delta`) instead
    of rewriting the whole file (half a second at 10,000 replies); any other change, or a long journal, rewrites it.
    """

    MAX_JOURNAL = 50  # appended runs before the file is written whole again

    def __init__(self, folder: Path, kind: str, version: str, warn: Warn = _warn):
        self.path = Path(folder) / f"{kind}-{version}.pickle"
        self.journal = self.path.with_name(self.path.name + ".delta")
        self.warn = warn
        saved = _read_pickle(self.path) or {}
        self._generation: str | None = saved.get("generation")
        self._keys: dict[str, str] = saved.get("keys", {})
        self._tables: dict[str, pd.DataFrame] = saved.get("tables", {})
        self._metadata: dict[str, dict] = saved.get("metadata", {})
        # "sha256:folder:default" -> (request_id, how it was matched)
        self.requests: dict[str, tuple[str, str]] = saved.get("requests", {})
        self._appended, self._journal_ok = 0, True
        if self._generation is not None:
            records, self._journal_ok = _read_journal(self.journal, self._generation)
            for record in records:
                self._add(record)
            self._appended = len(records)

    def _add(self, record: dict) -> None:
        self._keys.update(record["keys"])
        self._metadata.update(record["metadata"])
        self.requests.update(record["requests"])
        for table, rows in record["tables"].items():
            self._tables[table] = pd.concat([self._tables[table], rows], ignore_index=True) if table in self._tables else rows

    def keys(self) -> set[str]:
        return set(self._keys.values())

    def select(self, hits: dict[str, str]) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
        """The cached rows and metadata of these doc_ids (doc_id -> key)."""
        doc_ids = {doc_id for doc_id, key in hits.items() if self._keys.get(doc_id) == key}
        tables = {table: _rows_of(df, doc_ids) for table, df in self._tables.items()}
        return tables, {doc_id: self._metadata[doc_id] for doc_id in doc_ids if doc_id in self._metadata}

    def save(self, keys: dict[str, str], tables: dict[str, pd.DataFrame], metadata: dict[str, dict],
             requests: dict[str, tuple[str, str]]) -> None:
        """Keep exactly these replies (removed ones drop out); skip the write when nothing changed."""
        if keys == self._keys and requests == self.requests and self.path.exists():
            return
        added = {doc_id: key for doc_id, key in keys.items() if doc_id not in self._keys}
        only_added = all(keys.get(doc_id) == key for doc_id, key in self._keys.items()) and \
            all(requests.get(k) == v for k, v in self.requests.items())
        if only_added and self._generation is not None and self._journal_ok and self._appended < self.MAX_JOURNAL and self.path.exists():
            record = {"generation": self._generation, "keys": added, "requests": {k: v for k, v in requests.items() if k not in self.requests},
                      "metadata": {doc_id: metadata[doc_id] for doc_id in added if doc_id in metadata},
                      "tables": {table: _rows_of(df, set(added)) for table, df in tables.items()}}
            if _saved(self.journal, lambda: append_record(self.journal, record), self.warn):
                self._add(record)
                self._appended += 1
            else:
                self._journal_ok = False  # it may hold a torn record now: the next save writes the file whole
            return
        self._keys, self.requests, self._generation = dict(keys), dict(requests), uuid.uuid4().hex
        self._tables = {table: _rows_of(df, set(keys)) for table, df in tables.items()}
        self._metadata = {doc_id: metadata[doc_id] for doc_id in keys if doc_id in metadata}

        def write() -> None:
            self.journal.unlink(missing_ok=True)  # before the new file: a journal left behind names the old generation anyway
            write_atomically(self.path, {"generation": self._generation, "keys": self._keys, "tables": self._tables,
                                          "metadata": self._metadata, "requests": self.requests})

        _saved(self.path, write, self.warn)
        self._appended, self._journal_ok = 0, True


def _read_journal(path: Path, generation: str) -> tuple[list[dict], bool]:
    """The records appended for this generation of a file, and whether the journal read to its end cleanly (a
    run killed while appending leaves a torn record: what follows it is lost, so the next save rewrites)."""
    records: list[dict] = []
    try:
        with path.open("rb") as handle:
            while True:
                try:
                    record = pickle.load(handle)
                except EOFError:
                    return records, True
                if isinstance(record, dict) and record.get("generation") == generation:
                    records.append(record)
    except FileNotFoundError:
        return records, True
    except Exception:  # noqa: BLE001 - a torn or foreign record
        return records, False


def append_record(path: Path, record: dict) -> None:
    """One pickled record added to a journal and flushed to disk, so a run killed meanwhile tears only this one."""
    with path.open("ab") as handle:
        pickle.dump(record, handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        os.fsync(handle.fileno())


def _rows_of(df: pd.DataFrame, doc_ids: set[str]) -> pd.DataFrame:
    mask = df["doc_id"].isin(doc_ids)
    return df if mask.all() else df[mask].reset_index(drop=True)


def _read_pickle(path: Path) -> Any:
    """What a cache file holds, or None when it is missing or damaged (a damaged cache is only a slower run)."""
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing, truncated, from another version, not a pickle
        return None
    return value if isinstance(value, dict) else None


def write_atomically(path: Path, value: Any) -> None:
    """Write a pickle beside its target and rename it into place; remove older versions of the same kind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    kind = path.name.split("-", 1)[0]
    for old in [*path.parent.glob(f"{kind}-*.pickle"), *path.parent.glob(f"{kind}-*.pickle.delta")]:
        if old != path and old.name != f"{path.name}.delta":
            old.unlink(missing_ok=True)


class PassedValidation:
    """Per table, doc_id -> fingerprint of the rows that last passed validation, named by the schemas' version:
    identical rows need not be validated again, and a change to the rules starts afresh."""

    def __init__(self, folder: Path, version: str, warn: Warn = _warn):
        self.path = Path(folder) / f"validated-{version}.pickle"
        self.passed: dict[str, dict[str, int]] = _read_pickle(self.path) or {}
        self.warn = warn

    def save(self, passed: dict[str, dict[str, int]]) -> None:
        if passed != self.passed or not self.path.exists():
            self.passed = passed
            _saved(self.path, lambda: write_atomically(self.path, passed), self.warn)
