"""Every file under the raw folder -> a document record with its text, or with the reason it has none.

Plain functions, no Dagster. Nothing here raises for a bad file: a parser failure becomes parse_status
'unreadable' with the error, a file we do not read becomes 'unsupported', 'too_large' or 'duplicate', so
every input is accounted for (DESIGN.md section 3: never a silent gap).

Modules, one job each: text (encodings, normalisation), html_page, pdf, word (DOCX), mail (.eml), spreadsheet
(.xlsx, .xlsm, .xls, .ods), delimited (.csv, .tsv), odf (.odt), rtf, legacy_word (.doc), outlook (.msg); tables
(rows to lines, as DOCX tables read) and package (zip bombs, DTDs, encryption) serve them. ocr (Tesseract, its
cache and workers), layout (OCR word boxes -> lines and tables), scan (pages -> a reading, OCR's doubts),
artefacts (hyphenated words, page furniture).

Scanned pages are read by OCR. ingest_directory reads a folder in two passes when it has an OCR cache or several
workers: the first parses every file and notes the scanned pages not in the cache, those pages are then read
together on the workers, and the files that had them are parsed again from the cache.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from foi_pipeline.ingest.delimited import delimited_to_text
from foi_pipeline.ingest.html_page import decode_html, html_to_text
from foi_pipeline.ingest.legacy_word import MISSING_TOOL, MissingTool, doc_to_text
from foi_pipeline.ingest.mail import ParsedEmail, parse_email
from foi_pipeline.ingest.ocr import OcrPending, OcrReader, OcrUnavailable
from foi_pipeline.ingest.odf import odt_to_text
from foi_pipeline.ingest.outlook import parse_msg
from foi_pipeline.ingest.package import Encrypted
from foi_pipeline.ingest.pdf import NeedsOCR, read_pdf
from foi_pipeline.ingest.rtf import rtf_to_text
from foi_pipeline.ingest.scan import Reading, read_image
from foi_pipeline.ingest.spreadsheet import workbook_to_text
from foi_pipeline.ingest.text import decode_text
from foi_pipeline.ingest.word import UnsafeDocx, docx_to_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "IGNORED_DIRS",
    "INGEST_VERSION",
    "MEDIA_TYPES",
    "MSG",
    "IngestedDocument",
    "decode_text",
    "ingest_directory",
    "ingest_file",
    "media_type_of",
    "parse_bytes",
]

# Bump when the text produced for the same bytes changes: it keys the result cache (foi_pipeline.cache).
INGEST_VERSION = "15"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_EMAIL_NESTING = 5  # an e-mail attached to an e-mail attached to ...

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
XLS = "application/vnd.ms-excel"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODT = "application/vnd.oasis.opendocument.text"
RTF = "application/rtf"
DOC = "application/msword"
MSG = "application/vnd.ms-outlook"
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": DOCX,
    ".eml": "message/rfc822",
    ".xlsx": XLSX,
    ".xlsm": XLSM,
    ".xls": XLS,
    ".ods": ODS,
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".odt": ODT,
    ".rtf": RTF,
    ".doc": DOC,
    ".msg": MSG,
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff")

# Looked up by name at call time, so a test can replace one parser (monkeypatch ingest.read_pdf). Each takes the
# bytes and the OCR reader and gives the text, or a Reading (text with how it was got and OCR's doubts).
_PARSERS: dict[str, Callable[[bytes, OcrReader | None], str | Reading]] = {
    "text/plain": lambda data, ocr: decode_text(data),
    "text/markdown": lambda data, ocr: decode_text(data),
    "text/html": lambda data, ocr: html_to_text(decode_html(data)),
    "application/pdf": lambda data, ocr: read_pdf(data, ocr),
    DOCX: lambda data, ocr: docx_to_text(data),
    "message/rfc822": lambda data, ocr: parse_email(data).text,
    XLSX: lambda data, ocr: workbook_to_text(data, "xlsx"),
    XLSM: lambda data, ocr: workbook_to_text(data, "xlsx"),
    XLS: lambda data, ocr: workbook_to_text(data, "xls"),
    ODS: lambda data, ocr: workbook_to_text(data, "ods"),
    "text/csv": lambda data, ocr: delimited_to_text(data, ","),
    "text/tab-separated-values": lambda data, ocr: delimited_to_text(data, "\t"),
    ODT: lambda data, ocr: odt_to_text(data),
    RTF: lambda data, ocr: rtf_to_text(data),
    "text/rtf": lambda data, ocr: rtf_to_text(data),
    DOC: lambda data, ocr: doc_to_text(data),
    MSG: lambda data, ocr: parse_msg(data).text,
    **{image: (lambda data, ocr: read_image(data, ocr)) for image in IMAGE_TYPES},
}
# Messages: their text is a document, and each attachment a document of its own (parent_doc_id).
_MESSAGES: dict[str, Callable[[bytes], ParsedEmail]] = {"message/rfc822": parse_email, MSG: parse_msg}
# Version-control folders are tooling, not replies; every other file, hidden ones included, is a document.
IGNORED_DIRS = {".git", ".hg", ".svn"}


@dataclass(frozen=True)
class IngestedDocument:
    doc_id: str  # first 16 hex chars of sha256 of the raw bytes
    source_path: str  # POSIX path relative to the raw dir; an attachment: "<eml path>#<file name>"
    media_type: str
    sha256: str  # "" only when the file could not be read at all
    byte_size: int
    parse_status: str  # contract.PARSE_STATUSES
    parse_error: str | None  # why, whenever parse_status != "ok"
    text: str | None  # normalised text when ok, else None
    parent_doc_id: str | None = None  # an attachment's e-mail
    duplicate_of: str | None = None  # source_path of the first file with the same bytes
    email_headers: dict[str, str] = field(default_factory=dict)  # From, To, Date, Subject of an e-mail
    text_source: str | None = None  # contract.TEXT_SOURCES: text_layer, ocr or mixed; None when not read
    ocr_confidence: float | None = None  # mean OCR word confidence (0-100) when some text came from OCR
    ocr_pages: int = 0  # pages read by OCR
    notes: tuple[dict, ...] = ()  # review items from ingest (OCR's doubtful figures), spans in `text`


def _suffix(name: str) -> str:
    """'.pdf' for 'letters/Reply.PDF'; '' for 'Makefile', '.DS_Store' or 'odd.'"""
    suffix = os.path.splitext(name.rsplit("/", 1)[-1].lower())[1]
    return "" if suffix == "." else suffix


def media_type_of(name: str) -> str:
    """By extension: one we parse, else the best guess (image/png, ...), else application/octet-stream."""
    suffix = _suffix(name)
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    guess = mimetypes.guess_type("x" + suffix, strict=False)[0] if suffix else None
    return guess or "application/octet-stream"


def parse_bytes(data: bytes, name: str, *, media_type: str | None = None) -> tuple[str, str, str | None, str | None]:
    """(media_type, parse_status, parse_error, text) for one file's bytes; never raises.

    The type comes from the name's extension; media_type (e.g. an attachment's declared MIME type) is used
    only when the extension is not one we parse. For an e-mail this is its text; its attachments are listed
    by ingest_file. Scanned pages are read by OCR at once, with no cache (read_bytes takes a reader).
    """
    detected, status, error, reading = read_bytes(data, name, media_type=media_type)
    return detected, status, error, reading.text if reading is not None else None


def read_bytes(data: bytes, name: str, *, media_type: str | None = None,
               ocr: OcrReader | None = None) -> tuple[str, str, str | None, Reading | None]:
    """As parse_bytes, with the whole Reading (how the text was got, OCR's doubts); never raises, except
    OcrPending when `ocr` defers a page not read yet."""
    detected = media_type_of(name)
    if detected not in _PARSERS and media_type in _PARSERS:
        detected = media_type
    if detected not in _PARSERS:
        suffix = _suffix(name)
        return detected, "unsupported", f"unsupported file type '{suffix}'" if suffix else "unsupported file type (no extension)", None
    try:
        read = _PARSERS[detected](data, ocr)
    except OcrPending:
        raise
    except (NeedsOCR, OcrUnavailable) as err:
        return detected, "needs_ocr", str(err), None
    except (UnsafeDocx, MissingTool, Encrypted) as err:
        return detected, "unreadable", str(err), None
    except Exception as err:  # noqa: BLE001 - a parser crash must never fail the run
        return detected, "unreadable", _describe(err, detected), None
    reading = read if isinstance(read, Reading) else Reading(read)
    if not reading.text.strip():
        return detected, "empty", reading.empty_reason or "the file contains no text", None
    return detected, "ok", None, reading


def _describe(err: Exception, media_type: str) -> str:
    message = str(err) or "(no message)"
    if media_type == "application/pdf" and "password" in message.lower():
        return f"PDF is encrypted (password required): {message}"
    return f"{type(err).__name__}: {message}"


def _size(n: float, limit: bool = False) -> str:
    if n >= 2**20:
        return f"{n / 2**20:g} MB" if limit else f"{n / 2**20:.1f} MB"
    return f"{int(n):,} bytes"


def _unreadable(source_path: str, media_type: str, reason: str, byte_size: int = 0) -> IngestedDocument:
    """A file we could not read at all: no bytes to hash, so doc_id comes from its path."""
    doc_id = hashlib.sha256(f"unreadable:{source_path}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return IngestedDocument(doc_id, source_path, media_type, "", byte_size, "unreadable", reason, None)


def _documents(source_path: str, data: bytes, sha: str, *, parent: str | None = None, declared: str | None = None,
               depth: int = 0, ocr: OcrReader | None = None) -> list[IngestedDocument]:
    """One document for the bytes; an e-mail adds one per attachment, right after it."""
    media_type = media_type_of(source_path)
    if media_type not in _MESSAGES and declared in _MESSAGES and media_type not in _PARSERS:
        media_type = declared
    if media_type not in _MESSAGES:
        try:
            media_type, status, error, reading = read_bytes(data, source_path, media_type=declared, ocr=ocr)
        except OcrPending as err:  # noted by the reader; this file is parsed again once its pages are read
            assert ocr is not None
            ocr.deferrals += 1
            return [IngestedDocument(sha[:16], source_path, media_type, sha, len(data), "needs_ocr", str(err), None, parent)]
        if reading is None:
            return [IngestedDocument(sha[:16], source_path, media_type, sha, len(data), status, error, None, parent)]
        return [IngestedDocument(sha[:16], source_path, media_type, sha, len(data), status, error, reading.text, parent,
                                 text_source=reading.text_source, ocr_confidence=reading.ocr_confidence,
                                 ocr_pages=reading.ocr_pages, notes=reading.notes)]
    if depth > MAX_EMAIL_NESTING:
        return [IngestedDocument(sha[:16], source_path, media_type, sha, len(data), "unreadable",
                                 f"e-mail nested more than {MAX_EMAIL_NESTING} levels deep in other e-mails", None, parent)]
    try:
        parsed = _MESSAGES[media_type](data)
    except Exception as err:  # noqa: BLE001
        return [IngestedDocument(sha[:16], source_path, media_type, sha, len(data), "unreadable", _describe(err, media_type), None, parent)]
    ok = bool(parsed.text.strip())
    docs = [IngestedDocument(sha[:16], source_path, media_type, sha, len(data), "ok" if ok else "empty",
                             None if ok else "the e-mail has no headers or text", parsed.text if ok else None, parent,
                             email_headers=parsed.headers, text_source="text_layer" if ok else None)]
    for attachment in parsed.attachments:
        digest = hashlib.sha256(attachment.data).hexdigest()
        docs.extend(_documents(f"{source_path}#{attachment.name}", attachment.data, digest, parent=sha[:16],
                               declared=attachment.content_type, depth=depth + 1, ocr=ocr))
    return docs


def _printable(rel: str) -> str:
    """Bytes that are not UTF-8 in a file name are shown escaped (\\xe9), never lost or left unencodable."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        rel = os.fsencode(rel).decode("utf-8", errors="backslashreplace")
    return rel


def _relative(path: Path, raw_dir: Path) -> str:
    """POSIX path under raw_dir."""
    return _printable(Path(path).relative_to(raw_dir).as_posix())


def _sha256_of_file(path: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _os_reason(err: OSError) -> str:
    return f"{type(err).__name__}: {err.strerror or err}"


def ingest_file(path: Path, raw_dir: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, cache: Any = None,
                ocr: OcrReader | None = None) -> list[IngestedDocument]:
    """One file (and, for an e-mail, its attachments); no duplicate detection. Never raises for a bad file.

    Files over max_bytes are hashed in chunks, never read whole. A file that changes while it is read is read
    once more; one that vanishes, or changes again, is 'unreadable' with the reason. With a cache
    (foi_pipeline.cache.ResultCache), a file whose path and bytes are unchanged is not parsed again. Scanned
    pages are read by OCR through `ocr` (at once when it does not defer).
    """
    return _ingest(os.fspath(path), _relative(Path(path), Path(raw_dir)), max_bytes, cache, ocr)


def _ingest(path: str, source_path: str, max_bytes: int, cache: Any, ocr: OcrReader | None = None) -> list[IngestedDocument]:
    media_type = media_type_of(source_path)
    try:
        before = os.stat(path)
    except FileNotFoundError:
        return [_unreadable(source_path, media_type, "could not read the file: it disappeared after the folder was listed")]
    except OSError as err:
        return [_unreadable(source_path, media_type, f"could not read the file: {_os_reason(err)}")]
    if stat.S_ISDIR(before.st_mode):
        return [_unreadable(source_path, "inode/directory", "a link to a folder; links to folders are not followed")]
    if not stat.S_ISREG(before.st_mode):
        return [_unreadable(source_path, media_type, "not a regular file (a pipe, socket or device)")]
    if before.st_size > max_bytes:
        try:
            sha, size = _sha256_of_file(path)
        except OSError as err:
            return [_unreadable(source_path, media_type, f"could not read the file: {_os_reason(err)}", before.st_size)]
        reason = f"file is {_size(size)}, over the {_size(max_bytes, limit=True)} limit"
        return [IngestedDocument(sha[:16], source_path, media_type, sha, size, "too_large", reason, None)]
    try:
        read = _read_settled(path, before, max_bytes)
    except FileNotFoundError:
        return [_unreadable(source_path, media_type, "could not read the file: it disappeared after the folder was listed")]
    except OSError as err:
        return [_unreadable(source_path, media_type, f"could not read the file: {_os_reason(err)}", before.st_size)]
    if isinstance(read, int):
        return [_unreadable(source_path, media_type, f"the file changed while it was read ({_size(before.st_size)} before, "
                            f"{_size(read)} after); run again when it is complete", read)]
    data = read
    sha = hashlib.sha256(data).hexdigest()
    if cache is None:
        return _documents(source_path, data, sha, ocr=ocr)
    key = (source_path, sha)
    docs = cache.get(key)
    if docs is None:
        deferred = ocr.deferrals if ocr is not None else 0
        docs = _documents(source_path, data, sha, ocr=ocr)
        # a file waiting for OCR is cached once it is read; one needing a missing tool is read again once installed
        if (ocr is None or ocr.deferrals == deferred) and not any((d.parse_error or "").startswith(MISSING_TOOL) for d in docs):
            cache.put(key, docs)
    return docs


def _read_settled(path: str, before: os.stat_result, max_bytes: int) -> bytes | int:
    """The file's bytes, when its size and modification time are the same before and after reading them; read
    once more when they are not (a file still being written). Its latest size when it changed both times."""
    for attempt in (1, 2):
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
            after = os.fstat(handle.fileno())
        if len(data) == before.st_size and (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
            return data
        if attempt == 1:
            before = os.stat(path)  # the file as it is now
    return max(after.st_size, len(data))


def _walk(raw_dir: Path) -> list[tuple[str, str, str | None]]:
    """(relative POSIX path, path, listing error) of every file and folder link below raw_dir, sorted."""
    root = os.fspath(raw_dir)
    found: list[tuple[str, str, str | None]] = []

    def relative(full: str) -> str:
        rel = full[len(root) :].lstrip(os.sep)
        return _printable(rel.replace(os.sep, "/") if os.sep != "/" else rel)

    def unlisted(err: OSError) -> None:
        folder = os.fspath(err.filename) if err.filename else root
        if os.path.normpath(folder) == os.path.normpath(root):
            raise err  # the raw folder itself cannot be listed: nothing to account for, so say so
        found.append((relative(folder) + "/", folder, f"could not list the folder: {_os_reason(err)}"))

    for folder, dirs, files in os.walk(root, onerror=unlisted):
        visible = [d for d in dirs if d not in IGNORED_DIRS]
        links = [d for d in visible if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in visible if d not in links]
        for name in files + links:
            full = os.path.join(folder, name)
            found.append((relative(full), full, None))
    found.sort(key=lambda item: item[0])
    return found


def ingest_directory(
    raw_dir: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, progress: Callable[[int, int, str], None] | None = None,
    cache: Any = None, ocr: OcrReader | None = None, ocr_progress: Callable[[int, int], None] | None = None,
) -> list[IngestedDocument]:
    """Every file under raw_dir (hidden ones too: .DS_Store is a row, 'unsupported'; .git/.hg/.svn skipped), in
    order of relative path, each e-mail followed by its attachments. Bytes seen before are marked 'duplicate'
    of the first path that had them.

    Scanned pages are read by OCR through `ocr` (an OcrReader with its cache and workers; by default one that
    reads in this process and caches nothing). With a cache or several workers, the pages to read are first
    collected from every file, read together (on the workers), and those files parsed again."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        problem = "is not a folder" if raw_dir.exists() else "does not exist"
        raise FileNotFoundError(f"raw directory {raw_dir} {problem} (set FOI_RAW_DIR or pass --raw)")
    entries = _walk(raw_dir)
    reader = ocr if ocr is not None else OcrReader()
    reader.defer = reader.cache is not None or reader.workers > 1
    parsed: list[list[IngestedDocument]] = []
    waiting: list[int] = []  # entries with pages to read by OCR
    for index, (source_path, path, listing_error) in enumerate(entries, 1):
        if progress is not None:
            progress(index, len(entries), source_path)
        if listing_error is not None:
            parsed.append([_unreadable(source_path, "inode/directory", listing_error)])
            continue
        deferred = reader.deferrals
        parsed.append(_ingest(path, source_path, max_bytes, cache, reader))
        if reader.deferrals > deferred:
            waiting.append(index - 1)
    if waiting:
        reader.run_pending(ocr_progress)
    reader.defer = False
    for index in waiting:
        source_path, path, _ = entries[index]
        parsed[index] = _ingest(path, source_path, max_bytes, cache, reader)
    seen: dict[str, str] = {}
    out: list[IngestedDocument] = []
    for docs in parsed:
        for doc in docs:
            first = seen.get(doc.sha256) if doc.sha256 else None
            if first is not None:
                doc = replace(doc, parse_status="duplicate", parse_error=f"identical bytes to {first}", text=None,
                              duplicate_of=first)
            elif doc.sha256:
                seen[doc.sha256] = doc.source_path
            out.append(doc)
    return out
