"""Ingestion of every format, encoding and kind of bad input; inputs are generated here from text."""

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document
from fpdf import FPDF
from hypothesis import given, settings
from hypothesis import strategies as st

from foi_pipeline.ingest import decode_text, ingest_directory
from foi_pipeline.ingest.html_page import html_to_text


def _pdf(pages: list[str], encrypt: bool = False) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
        else:
            pdf.rect(20, 20, 50, 50)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


def _docx() -> bytes:
    document = Document()
    document.add_paragraph("1. Safe Steps Programme")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["Question", "Safe Steps", "Drive"], ["5. Agency referred", "40", "<5"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("10. Budget: £40,000")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _ingest(tmp_path: Path, files: dict[str, bytes], **kwargs):
    raw = tmp_path / "raw"
    for name, data in files.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    return {d.source_path: d for d in ingest_directory(raw, **kwargs)}


def test_text_and_markdown_keep_lines(tmp_path):
    docs = _ingest(tmp_path, {"a.txt": b"1. CARA\r\n2. N/A\r\n", "b.md": b"# Reply\n\n- **Q1** Drive\n"})
    assert docs["a.txt"].text == "1. CARA\n2. N/A\n"
    assert docs["a.txt"].parse_status == "ok" and docs["a.txt"].media_type == "text/plain"
    assert docs["b.md"].text.startswith("# Reply\n\n- **Q1**")
    assert len(docs["a.txt"].doc_id) == 16 and docs["a.txt"].sha256.startswith(docs["a.txt"].doc_id)


@pytest.mark.parametrize(
    "data",
    [
        "Budget: £60,000".encode(),
        b"\xef\xbb\xbf" + "Budget: £60,000".encode(),
        "Budget: £60,000".encode("utf-16"),  # with BOM
        "Budget: £60,000".encode("utf-16-be").join([b"\xfe\xff", b""]),
        b"Budget: \xa360,000",  # Windows-1252
    ],
)
def test_encodings(data):
    assert decode_text(data) == "Budget: £60,000"


def test_html_visible_text_with_rows_and_entities(tmp_path):
    html = (
        b"<html><head><title>t</title><style>p{color:red}</style><script>var x = 1;</script></head><body>"
        b"<h1>FOI reply</h1><p>Budget &pound;60,000 &amp; more</p>"
        b"<table><tr><th>Question</th><th>CARA</th></tr><tr><td>5. Referred</td><td>82</td></tr></table>"
        b"<template><p>hidden</p></template></body></html>"
    )
    doc = _ingest(tmp_path, {"reply.html": html})["reply.html"]
    assert doc.parse_status == "ok"
    assert doc.text.splitlines() == ["FOI reply", "", "Budget £60,000 & more", "", "Question | CARA", "5. Referred | 82"]
    assert "var x" not in doc.text and "hidden" not in doc.text and "color" not in doc.text


def test_deeply_nested_html_does_not_crash():
    assert html_to_text("<div>" * 20000 + "deep" + "</div>" * 20000) == "deep"


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    doc = _ingest(tmp_path, {"reply.docx": _docx()})["reply.docx"]
    assert doc.parse_status == "ok"
    assert doc.text.splitlines() == ["1. Safe Steps Programme", "Question | Safe Steps | Drive", "5. Agency referred | 40 | <5", "10. Budget: £40,000"]


def test_pdf_pages_and_page_breaks(tmp_path):
    doc = _ingest(tmp_path, {"reply.pdf": _pdf(["1. CARA: 203", "10. Budget: 60,000 GBP"])})["reply.pdf"]
    assert doc.parse_status == "ok"
    first, second = doc.text.split("\n\f\n")
    assert "CARA: 203" in first and "Budget: 60,000 GBP" in second


def test_pdf_without_text_layer_needs_ocr_when_tesseract_is_missing(tmp_path, monkeypatch):
    from foi_pipeline.ingest import ocr

    monkeypatch.setattr(ocr, "tessdata_dir", lambda: None)  # as on a machine without tesseract-ocr-eng
    doc = _ingest(tmp_path, {"scan.pdf": _pdf([""])})["scan.pdf"]
    assert doc.parse_status == "needs_ocr" and "OCR" in doc.parse_error
    assert "tesseract-ocr-eng" in doc.parse_error and doc.text_source is None


def test_encrypted_and_broken_pdfs_are_unreadable_with_a_reason(tmp_path):
    docs = _ingest(tmp_path, {"locked.pdf": _pdf(["secret"], encrypt=True), "broken.pdf": b"%PDF-1.4 garbage"})
    assert docs["locked.pdf"].parse_status == "unreadable" and docs["locked.pdf"].parse_error
    assert docs["broken.pdf"].parse_status == "unreadable" and docs["broken.pdf"].parse_error


def test_email_headers_body_and_attachments(tmp_path):
    message = EmailMessage()
    message["From"] = "FOI Team <foi@example.org>"
    message["To"] = "requester@example.org"
    message["Date"] = "Tue, 4 Jun 2024 10:12:03 +0100"
    message["Subject"] = "RE: FOI 2024-1"
    message.set_content("Dear Requester,\n1) Safe Steps\n")
    message.add_attachment(_docx(), maintype="application", subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="answers.docx")
    message.add_attachment(b"\x00\x01", maintype="application", subtype="octet-stream", filename="logo.bin")
    docs = _ingest(tmp_path, {"mail/reply.eml": message.as_bytes()})
    mail = docs["mail/reply.eml"]
    assert mail.parse_status == "ok" and mail.media_type == "message/rfc822"
    assert mail.text.startswith("From: FOI Team <foi@example.org>\nTo: requester@example.org\nDate: Tue, 04 Jun 2024")
    assert "1) Safe Steps" in mail.text and mail.email_headers["Subject"] == "RE: FOI 2024-1"
    attachment = docs["mail/reply.eml#answers.docx"]
    assert attachment.parse_status == "ok" and attachment.parent_doc_id == mail.doc_id and "Safe Steps" in attachment.text
    assert docs["mail/reply.eml#logo.bin"].parse_status == "unsupported"


def test_html_only_email_body(tmp_path):
    message = EmailMessage()
    message["Subject"] = "reply"
    message.set_content("<p>Budget &pound;5</p>", subtype="html")
    assert "Budget £5" in _ingest(tmp_path, {"r.eml": message.as_bytes()})["r.eml"].text


def test_bad_inputs_are_all_accounted_for(tmp_path):
    files = {
        "a.txt": b"same bytes",
        "copy of a.txt": b"same bytes",
        "empty.txt": b"   \n",
        "image.png": b"\x89PNG",
        "big.txt": b"x" * 2000,
        "odd ..name é.txt": b"fine",
        "nested/deeper/r.md": b"deep",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    }
    docs = _ingest(tmp_path, files, max_bytes=1000)
    assert set(docs) == set(files)  # hidden files too: every file is accounted for
    assert docs[".DS_Store"].parse_status == "unsupported"
    assert docs["copy of a.txt"].parse_status == "duplicate" and docs["copy of a.txt"].duplicate_of == "a.txt"
    assert docs["empty.txt"].parse_status == "empty"
    # an image is read by OCR; these bytes are no image, and say so
    assert docs["image.png"].parse_status == "unreadable" and "image" in docs["image.png"].parse_error
    assert docs["big.txt"].parse_status == "too_large" and docs["big.txt"].byte_size == 2000 and "limit" in docs["big.txt"].parse_error
    assert docs["odd ..name é.txt"].parse_status == "ok"
    assert all(d.parse_error for d in docs.values() if d.parse_status != "ok")


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_and_entity_expansion_docx_are_refused(tmp_path):
    bomb = _zip({"word/document.xml": b"0" * (210 * 1024 * 1024)})
    laughs = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><w:document>&lol2;</w:document>'})
    docs = _ingest(tmp_path, {"bomb.docx": bomb, "laughs.docx": laughs, "notzip.docx": b"not a zip"})
    assert docs["bomb.docx"].parse_status == "unreadable" and "zip bomb" in docs["bomb.docx"].parse_error
    assert docs["laughs.docx"].parse_status == "unreadable" and "DTD" in docs["laughs.docx"].parse_error
    assert docs["notzip.docx"].parse_status == "unreadable"


def test_missing_raw_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="FOI_RAW_DIR"):
        ingest_directory(tmp_path / "nope")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_decode_text_never_raises(data):
    text = decode_text(data)
    assert "\r" not in text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*list("<>/ap tdrbl&;=\"'x\n"), "<p>", "</p>", "<td>", "<tr>", "<script>", "&amp;", "&#", "\r\n"]), max_size=120).map("".join))
def test_html_parser_never_raises(html):
    assert "\r" not in html_to_text(html)
