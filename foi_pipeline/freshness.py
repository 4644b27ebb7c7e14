"""What the published warehouse was built from: a fingerprint of the raw folder, taken when a run ingests it and
recorded beside the warehouse when that run publishes. The sensor compares the folder with this record, not with
the runs it started before, so a folder back in a state it was in once is still seen to differ from the warehouse.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

from foi_pipeline.ingest import IGNORED_DIRS

MANIFEST = "published.json"


def folder_fingerprint(raw_dir: Path) -> str:
    """Changes when a file under the folder is added, removed, renamed or rewritten (path, size, mtime)."""
    digest = hashlib.sha256()
    if raw_dir.is_dir():
        for folder, dirs, files in sorted(os.walk(raw_dir)):
            dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
            for name in sorted(files):
                path = Path(folder) / name
                try:
                    stat = path.stat()
                except OSError:
                    continue
                digest.update(f"{path.relative_to(raw_dir).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def record_published(warehouse_dir: Path, raw_dir: str, fingerprint: str | None) -> None:
    """After publishing: the folder and fingerprint the warehouse was built from (None, when unknown, removes
    the record, so the sensor starts a run rather than trust a warehouse it cannot vouch for)."""
    path = Path(warehouse_dir) / MANIFEST
    if fingerprint is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{MANIFEST}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps({"raw_dir": raw_dir, "raw_fingerprint": fingerprint}), encoding="utf-8")
    os.replace(tmp, path)


def published_fingerprint(warehouse_dir: Path, raw_dir: str) -> str | None:
    """The fingerprint of the folder the published warehouse was built from, if it was built from this folder."""
    try:
        record = json.loads((Path(warehouse_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("raw_dir") != raw_dir:
        return None
    return record.get("raw_fingerprint")
