"""The raw folder as a whole: every file is one row or more, in path order, whatever happened to it."""

import hashlib
import os
import sys
import tracemalloc
from email.message import EmailMessage
from pathlib import Path

import pytest

import foi_pipeline.ingest as ingest
from foi_pipeline.contract import PARSE_STATUSES
from foi_pipeline.ingest import IngestedDocument, ingest_directory, ingest_file


def write(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def by_path(docs: list[IngestedDocument]) -> dict[str, IngestedDocument]:
    return {d.source_path: d for d in docs}


def test_every_file_in_path_order_with_attachments_after_their_email(tmp_path):
    message = EmailMessage()
    message["Subject"] = "reply"
    message.set_content("body")
    message.add_attachment(b"attached text", maintype="text", subtype="plain", filename="note.txt")
    write(tmp_path, {
        "b.txt": b"b", "a/z.md": b"z", "a/m.eml": message.as_bytes(), "A.txt": b"upper", ".DS_Store": b"\0\0\0\1Bud1",
        ".git/config": b"[core]", "c.xyz": b"?",
    })
    calls = []
    docs = ingest_directory(tmp_path, progress=lambda i, n, path: calls.append((i, n, path)))
    assert [d.source_path for d in docs] == [".DS_Store", "A.txt", "a/m.eml", "a/m.eml#note.txt", "a/z.md", "b.txt", "c.xyz"]
    assert calls == [(1, 6, ".DS_Store"), (2, 6, "A.txt"), (3, 6, "a/m.eml"), (4, 6, "a/z.md"), (5, 6, "b.txt"), (6, 6, "c.xyz")]
    assert all(d.parse_status in PARSE_STATUSES for d in docs)
    assert all((d.parse_status == "ok") == (d.text is not None) and (d.parse_status == "ok") == (d.parse_error is None) for d in docs)
    hidden = by_path(docs)[".DS_Store"]  # hidden files are rows too; version-control folders are not
    assert (hidden.media_type, hidden.parse_status, hidden.parse_error) == ("application/octet-stream", "unsupported", "unsupported file type (no extension)")




def test_doc_id_and_sha256_come_from_the_bytes(tmp_path):
    write(tmp_path, {"r.txt": b"1. CARA: 203\r\n"})
    [doc] = ingest_directory(tmp_path)
    sha = hashlib.sha256(b"1. CARA: 203\r\n").hexdigest()
    assert (doc.doc_id, doc.sha256, doc.byte_size, doc.text) == (sha[:16], sha, 14, "1. CARA: 203\n")
    assert (doc.parent_doc_id, doc.duplicate_of, doc.email_headers) == (None, None, {})


def test_identical_bytes_under_a_second_name_are_a_duplicate_of_the_first(tmp_path):
    write(tmp_path, {"letters/a.pdf.txt": b"same", "copy of a.txt": b"same", "z/again.txt": b"same"})
    docs = by_path(ingest_directory(tmp_path))
    assert docs["copy of a.txt"].parse_status == "ok"  # first in path order
    for later in ("letters/a.pdf.txt", "z/again.txt"):
        doc = docs[later]
        assert (doc.parse_status, doc.duplicate_of, doc.text) == ("duplicate", "copy of a.txt", None)
        assert doc.parse_error == "identical bytes to copy of a.txt" and doc.doc_id == docs["copy of a.txt"].doc_id
    # ingest_file alone does no duplicate detection
    assert ingest_file(tmp_path / "z/again.txt", tmp_path)[0].parse_status == "ok"


def test_too_large_files_are_hashed_in_chunks_never_read_whole(tmp_path):
    size = 16 * 1024 * 1024
    with (tmp_path / "scan.pdf").open("wb") as handle:
        handle.truncate(size)  # sparse: 16 MB of zero bytes
    expected = hashlib.sha256(bytes(size)).hexdigest()
    tracemalloc.start()
    try:
        [doc] = ingest_directory(tmp_path, max_bytes=1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024
    assert (doc.parse_status, doc.byte_size, doc.sha256, doc.doc_id, doc.text) == ("too_large", size, expected, expected[:16], None)
    assert doc.media_type == "application/pdf" and doc.parse_error == "file is 16.0 MB, over the 1 MB limit"
    [small] = ingest_directory(write(tmp_path / "b", {"x.txt": b"x" * 2000}), max_bytes=1000)
    assert small.parse_error == "file is 2,000 bytes, over the 1,000 bytes limit"


def test_unsupported_and_empty_files(tmp_path):
    write(tmp_path, {"photo.JPG": b"\xff\xd8", "clip.webm": b"\x1aE", "Makefile": b"all:", "blank.txt": b" \n\t", "zero.html": b""})
    docs = by_path(ingest_directory(tmp_path))
    assert (docs["clip.webm"].media_type, docs["clip.webm"].parse_status, docs["clip.webm"].parse_error) == (
        "video/webm", "unsupported", "unsupported file type '.webm'")
    # images are read by OCR: two bytes of a JPEG are no image
    assert (docs["photo.JPG"].media_type, docs["photo.JPG"].parse_status) == ("image/jpeg", "unreadable")
    assert docs["photo.JPG"].parse_error.startswith("UnidentifiedImageError")
    assert (docs["Makefile"].parse_status, docs["Makefile"].parse_error) == ("unsupported", "unsupported file type (no extension)")
    for name in ("blank.txt", "zero.html"):
        assert (docs[name].parse_status, docs[name].parse_error, docs[name].text) == ("empty", "the file contains no text", None)


@pytest.mark.parametrize("name", ["with spaces.txt", "..two dots.txt", "a..b.txt", "-dash.txt", "réponse – ✓ 日本.txt", "hash#in name.txt", "UPPER.TXT"])
def test_odd_file_names(tmp_path, name):
    write(tmp_path, {f"sub dir/{name}": b"1. Safe Steps"})
    [doc] = ingest_directory(tmp_path)
    assert (doc.source_path, doc.parse_status, doc.text) == (f"sub dir/{name}", "ok", "1. Safe Steps")


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that allows non-UTF-8 names")
def test_a_name_that_is_not_utf8_is_shown_escaped(tmp_path):
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"menu")
    [doc] = ingest_directory(tmp_path)
    assert (doc.source_path, doc.parse_status, doc.text) == ("caf\\xe9.txt", "ok", "menu")
    doc.source_path.encode("utf-8")  # safe to write to Parquet / DuckDB


def test_missing_raw_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"does not exist.*FOI_RAW_DIR"):
        ingest_directory(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        ingest_directory(tmp_path / "file")


def test_a_file_that_disappears_or_changes_while_read_is_unreadable(tmp_path, monkeypatch):
    write(tmp_path, {"a.txt": b"a", "b.txt": b"b", "c.txt": b"c"})

    def remove_b(i, n, path):
        if path == "b.txt":
            (tmp_path / "b.txt").unlink()

    docs = by_path(ingest_directory(tmp_path, progress=remove_b))
    assert docs["b.txt"].parse_status == "unreadable" and docs["b.txt"].parse_error.startswith("could not read the file")
    assert docs["a.txt"].parse_status == docs["c.txt"].parse_status == "ok"

    real_fstat = os.fstat

    def grown(fd):  # the file is appended to between listing and reading
        result = real_fstat(fd)
        return os.stat_result((*result[:6], result.st_size + 10, *result[7:]))

    monkeypatch.setattr(ingest.os, "fstat", grown)
    [doc] = ingest_file(tmp_path / "c.txt", tmp_path)
    assert doc.parse_status == "unreadable"
    assert doc.parse_error == "the file changed while it was read (1 bytes before, 11 bytes after); run again when it is complete"


def test_a_file_still_being_written_when_read_is_read_again_whole(tmp_path, monkeypatch):
    (tmp_path / "reply.txt").write_text("1. Safe Steps\n")
    real_fstat = os.fstat
    rest = ["5. 45\n7. 20\n"]

    def writer_still_writing(fd):  # the rest of the reply arrives while the first part is read
        if rest:
            with (tmp_path / "reply.txt").open("a") as handle:
                handle.write(rest.pop())
        return real_fstat(fd)

    monkeypatch.setattr(ingest.os, "fstat", writer_still_writing)
    [doc] = ingest_file(tmp_path / "reply.txt", tmp_path)
    assert (doc.parse_status, doc.text) == ("ok", "1. Safe Steps\n5. 45\n7. 20\n")
    assert doc.byte_size == len("1. Safe Steps\n5. 45\n7. 20\n")


def test_pipes_and_links_to_folders_are_accounted_for(tmp_path):
    write(tmp_path, {"real/r.txt": b"reply", "f.txt": b"file"})
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "file-link.txt").symlink_to(tmp_path / "f.txt")
    docs = by_path(ingest_directory(tmp_path))
    assert list(docs) == ["f.txt", "file-link.txt", "link", "pipe.txt", "real/r.txt"]
    assert docs["pipe.txt"].parse_status == "unreadable" and "not a regular file" in docs["pipe.txt"].parse_error
    assert docs["link"].parse_status == "unreadable" and "not followed" in docs["link"].parse_error
    assert docs["file-link.txt"].parse_status == "duplicate"  # a link to a file is read: same bytes as f.txt


def test_a_folder_that_cannot_be_listed_is_a_row(tmp_path, monkeypatch):
    write(tmp_path, {"ok.txt": b"fine", "locked/secret.txt": b"x"})
    real_walk = os.walk

    def walk(top, onerror=None, **kwargs):
        for folder, dirs, files in real_walk(top, onerror=onerror, **kwargs):
            if Path(folder).name == "locked":
                onerror(PermissionError(13, "Permission denied", folder))
                continue
            yield folder, dirs, files

    monkeypatch.setattr(ingest.os, "walk", walk)
    docs = by_path(ingest_directory(tmp_path))
    assert list(docs) == ["locked/", "ok.txt"]
    assert docs["locked/"].parse_status == "unreadable" and "could not list the folder: PermissionError" in docs["locked/"].parse_error


def test_any_parser_exception_becomes_unreadable_with_its_type(tmp_path, monkeypatch):
    def explode(data: bytes) -> str:
        raise KeyError("word/document.xml")

    monkeypatch.setattr(ingest, "docx_to_text", explode)
    write(tmp_path, {"a.docx": b"PK", "b.txt": b"fine"})
    docs = by_path(ingest_directory(tmp_path))
    assert (docs["a.docx"].parse_status, docs["a.docx"].parse_error) == ("unreadable", "KeyError: 'word/document.xml'")
    assert docs["b.txt"].parse_status == "ok"


def test_a_cache_skips_parsing_unchanged_files(tmp_path, monkeypatch):
    class Cache(dict):
        def put(self, key, value):
            self[key] = value

    write(tmp_path, {"r.html": b"<p>cached</p>"})
    cache = Cache()
    first = ingest_directory(tmp_path, cache=cache)
    monkeypatch.setattr(ingest, "html_to_text", lambda html: pytest.fail("parsed again"))
    assert ingest_directory(tmp_path, cache=cache) == first
    assert list(cache) == [("r.html", hashlib.sha256(b"<p>cached</p>").hexdigest())]
