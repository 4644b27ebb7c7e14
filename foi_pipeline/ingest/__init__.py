"""Every file under the raw folder -> a document record with its text, or with the reason it has none.

Plain functions, no Dagster. Nothing here raises for a bad file: a parser failure becomes
parse_status 'unreadable' with the error, so every input is accounted for.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from foi_pipeline.ingest.html_page import decode_html, html_to_text
from foi_pipeline.ingest.mail import parse_email
from foi_pipeline.ingest.pdf import NeedsOCR, pdf_to_text
from foi_pipeline.ingest.text import decode_text
from foi_pipeline.ingest.word import UnsafeDocx, docx_to_text

__all__ = ["IngestedDocument", "ingest_directory", "ingest_file", "parse_bytes", "decode_text", "MEDIA_TYPES"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".eml": "message/rfc822",
}


@dataclass(frozen=True)
class IngestedDocument:
    doc_id: str
    source_path: str
    media_type: str
    sha256: str
    byte_size: int
    parse_status: str
    parse_error: str | None
    text: str | None
    parent_doc_id: str | None = None
    duplicate_of: str | None = None
    email_headers: dict[str, str] = field(default_factory=dict)


def _media_type(name: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(name.lower()).suffix, "application/octet-stream")


def parse_bytes(data: bytes, name: str) -> tuple[str, str, str | None, str | None]:
    """(media_type, parse_status, parse_error, text) for one file's bytes."""
    media_type = _media_type(name)
    suffix = PurePosixPath(name.lower()).suffix
    if media_type == "application/octet-stream" or media_type == "message/rfc822":
        if media_type == "message/rfc822":
            raise ValueError("e-mails are parsed by ingest_file, which also lists their attachments")
        return media_type, "unsupported", f"unsupported file type '{suffix or name}'", None
    try:
        if media_type in ("text/plain", "text/markdown"):
            text = decode_text(data)
        elif media_type == "text/html":
            text = html_to_text(decode_html(data))
        elif media_type == "application/pdf":
            text = pdf_to_text(data)
        else:
            text = docx_to_text(data)
    except NeedsOCR as err:
        return media_type, "needs_ocr", str(err), None
    except UnsafeDocx as err:
        return media_type, "unreadable", str(err), None
    except Exception as err:  # noqa: BLE001 - a parser crash must never fail the run
        return media_type, "unreadable", _describe(err, media_type), None
    if not text.strip():
        return media_type, "empty", "the file contains no text", None
    return media_type, "ok", None, text


def _describe(err: Exception, media_type: str) -> str:
    message = str(err) or err.__class__.__name__
    if media_type == "application/pdf" and "password" in message.lower():
        return f"PDF is encrypted (password required): {message}"
    return f"{err.__class__.__name__}: {message}"


def _sha256_of_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _document(source_path: str, data: bytes, parent: str | None = None) -> list[IngestedDocument]:
    sha = hashlib.sha256(data).hexdigest()
    if _media_type(source_path) == "message/rfc822":
        try:
            parsed = parse_email(data)
        except Exception as err:  # noqa: BLE001
            return [IngestedDocument(sha[:16], source_path, "message/rfc822", sha, len(data), "unreadable", _describe(err, "message/rfc822"), None, parent)]
        status, error = ("ok", None) if parsed.text.strip() else ("empty", "the e-mail has no text")
        docs = [IngestedDocument(sha[:16], source_path, "message/rfc822", sha, len(data), status, error, parsed.text if status == "ok" else None, parent, email_headers=parsed.headers)]
        for filename, payload in parsed.attachments:
            docs.extend(_document(f"{source_path}#{filename}", payload, parent=sha[:16]))
        return docs
    media_type, status, error, text = parse_bytes(data, source_path)
    return [IngestedDocument(sha[:16], source_path, media_type, sha, len(data), status, error, text, parent)]


INGEST_VERSION = "1"


def ingest_file(path: Path, raw_dir: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, cache=None) -> list[IngestedDocument]:
    """One file (and, for an e-mail, its attachments). Too-large files are hashed by streaming, never read whole.

    With a cache (foi_pipeline.cache.ResultCache), a file whose path and bytes are unchanged is not parsed again.
    """
    source_path = path.relative_to(raw_dir).as_posix()
    media_type = _media_type(source_path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            sha, size = _sha256_of_file(path)
            limit = f"{max_bytes / 1e6:g} MB"
            return [IngestedDocument(sha[:16], source_path, media_type, sha, size, "too_large", f"file is {size / 1e6:.1f} MB, over the {limit} limit", None)]
        data = path.read_bytes()
    except OSError as err:
        sha = hashlib.sha256(source_path.encode()).hexdigest()
        return [IngestedDocument(sha[:16], source_path, media_type, "", 0, "unreadable", f"could not read the file: {err}", None)]
    if cache is None:
        return _document(source_path, data)
    key = (source_path, hashlib.sha256(data).hexdigest())
    docs = cache.get(key)
    if docs is None:
        docs = _document(source_path, data)
        cache.put(key, docs)
    return docs


IGNORED_DIRS = {".git", ".hg", ".svn"}


def _files(raw_dir: Path) -> list[Path]:
    """Every file, hidden ones included (each becomes a documents row); version-control folders excepted."""
    found = []
    for folder, dirs, files in os.walk(raw_dir):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
        found.extend(Path(folder) / f for f in files)
    return sorted(found, key=lambda p: p.relative_to(raw_dir).as_posix())


def ingest_directory(
    raw_dir: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, progress: Callable[[int, int, str], None] | None = None, cache=None
) -> list[IngestedDocument]:
    """Every file under raw_dir, in path order; identical bytes seen again are marked duplicate."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory {raw_dir} does not exist (set FOI_RAW_DIR or pass --raw)")
    files = _files(raw_dir)
    seen: dict[str, str] = {}
    out: list[IngestedDocument] = []
    for i, path in enumerate(files, 1):
        if progress:
            progress(i, len(files), path.relative_to(raw_dir).as_posix())
        for doc in ingest_file(path, raw_dir, max_bytes=max_bytes, cache=cache):
            first = seen.get(doc.sha256) if doc.sha256 else None
            if first is not None:
                doc = IngestedDocument(doc.doc_id, doc.source_path, doc.media_type, doc.sha256, doc.byte_size, "duplicate",
                                       f"identical bytes to {first}", None, doc.parent_doc_id, first)
            elif doc.sha256:
                seen[doc.sha256] = doc.source_path
            out.append(doc)
    return out
