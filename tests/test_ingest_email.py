"""E-mail replies: headers and body as text, and every attachment listed as a document of its own."""

import io
from email.message import EmailMessage
from pathlib import Path

from docx import Document
from fpdf import FPDF

from foi_pipeline.ingest import DOCX, ingest_directory, ingest_file, parse_bytes
from foi_pipeline.ingest.mail import parse_email


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(text: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 6, text)
    return bytes(pdf.output())


def reply(body: str = "Dear Requester,\r\n1) Safe Steps: 40\r\n", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.get("From", "FOI Team <foi@example.org>")
    message["To"] = headers.get("To", "requester@example.org")
    message["Date"] = headers.get("Date", "Tue, 04 Jun 2024 10:12:03 +0100")
    message["Subject"] = headers.get("Subject", "RE: FOI 2024-1")
    message.set_content(body)
    return message


def ingest_one(tmp_path: Path, name: str, data: bytes):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes(data)
    return ingest_file(tmp_path / name, tmp_path)


def _logo() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (120, 40), 200).save(buffer, "PNG")
    return buffer.getvalue()


def test_headers_then_plain_body_and_attachments_in_order(tmp_path):
    message = reply()
    message.add_attachment(docx_bytes("1. CARA: 203"), maintype="application", subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="answers.docx")
    message.add_attachment(pdf_bytes("Budget: £60,000"), maintype="application", subtype="pdf", filename="budget.pdf")
    message.add_attachment(b"<p>Q3 &amp; Q4: N/A</p>", maintype="text", subtype="html", filename="log.html")
    message.add_attachment(_logo(), maintype="image", subtype="png", filename="logo.png")
    mail, *attachments = ingest_one(tmp_path, "mail/reply.eml", message.as_bytes())

    assert (mail.source_path, mail.media_type, mail.parse_status) == ("mail/reply.eml", "message/rfc822", "ok")
    assert mail.text == (
        "From: FOI Team <foi@example.org>\nTo: requester@example.org\nDate: Tue, 04 Jun 2024 10:12:03 +0100\n"
        "Subject: RE: FOI 2024-1\n\nDear Requester,\n1) Safe Steps: 40"
    )
    assert mail.email_headers == {"From": "FOI Team <foi@example.org>", "To": "requester@example.org",
                                  "Date": "Tue, 04 Jun 2024 10:12:03 +0100", "Subject": "RE: FOI 2024-1"}
    assert [(a.source_path, a.media_type, a.parse_status, a.text) for a in attachments] == [
        ("mail/reply.eml#answers.docx", DOCX, "ok", "1. CARA: 203"),
        ("mail/reply.eml#budget.pdf", "application/pdf", "ok", "Budget: £60,000"),
        ("mail/reply.eml#log.html", "text/html", "ok", "Q3 & Q4: N/A"),
        ("mail/reply.eml#logo.png", "image/png", "empty", None),
    ]
    # a signature's logo is too small to hold a reply: it is not sent to OCR
    assert attachments[-1].parse_error == "the image (120x40 pixels) is too small to hold a reply; it was not read by OCR"
    for attachment in attachments:
        assert attachment.parent_doc_id == mail.doc_id
        assert attachment.doc_id == attachment.sha256[:16] != mail.doc_id


def test_html_only_body_is_converted(tmp_path):
    message = reply()
    message.set_content("<html><body><p>Budget &pound;5</p><table><tr><td>CARA</td><td>203</td></tr></table></body></html>", subtype="html")
    [mail] = ingest_one(tmp_path, "r.eml", message.as_bytes())
    assert mail.text.endswith("Subject: RE: FOI 2024-1\n\nBudget £5\n\nCARA | 203")


def test_plain_text_is_preferred_over_its_html_alternative(tmp_path):
    message = reply("plain version")
    message.add_alternative("<p>html version</p>", subtype="html")
    [mail] = ingest_one(tmp_path, "alt.eml", message.as_bytes())
    assert mail.text.endswith("\n\nplain version") and "html version" not in mail.text


def test_a_wrongly_declared_charset_falls_back_to_the_encoding_chain():
    raw = (
        b"From: a@example.org\r\nSubject: =?utf-8?q?Budget_=C2=A3?=\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nTotal \xa360,000\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.headers == {"From": "a@example.org", "Subject": "Budget £"}
    assert parsed.text == "From: a@example.org\nSubject: Budget £\n\nTotal £60,000"


def test_nameless_parts_and_forwarded_messages_are_attachments_not_lost(tmp_path):
    message = reply()
    message.add_attachment(pdf_bytes("nameless pdf"), maintype="application", subtype="pdf")  # no filename
    forwarded = reply("the original reply", Subject="Original")
    message.add_attachment(forwarded)  # message/rfc822
    message.add_attachment(b"same name 1", maintype="text", subtype="plain", filename="notes.txt")
    message.add_attachment(b"same name 2", maintype="text", subtype="plain", filename="notes.txt")
    message.add_attachment(b"no ext", maintype="application", subtype="pdf", filename="C:\\Users\\foi\\letter")
    docs = ingest_one(tmp_path, "fwd.eml", message.as_bytes())
    by_path = {d.source_path: d for d in docs}
    assert list(by_path) == [
        "fwd.eml", "fwd.eml#attachment-1.pdf", "fwd.eml#attachment-2.eml", "fwd.eml#notes.txt", "fwd.eml#notes (2).txt",
        "fwd.eml#letter",
    ]
    assert by_path["fwd.eml#attachment-1.pdf"].text == "nameless pdf"
    inner = by_path["fwd.eml#attachment-2.eml"]
    assert inner.media_type == "message/rfc822" and inner.text.endswith("Subject: Original\n\nthe original reply")
    assert inner.parent_doc_id == by_path["fwd.eml"].doc_id
    assert (by_path["fwd.eml#notes.txt"].text, by_path["fwd.eml#notes (2).txt"].text) == ("same name 1", "same name 2")
    letter = by_path["fwd.eml#letter"]  # no extension: the declared type decides how to read it
    assert (letter.media_type, letter.parse_status) == ("application/pdf", "unreadable")


def test_a_malformed_header_keeps_the_message():
    raw = b"From: <<<@@@>>> ,,, \"unterminated\r\nTo: =?bogus?x?zz?=\r\nSubject: ok\r\n\r\nbody\r\n"
    parsed = parse_email(raw)
    assert parsed.headers["Subject"] == "ok" and parsed.text.endswith("\n\nbody")
    assert "\r" not in parsed.text and all("\n" not in v for v in parsed.headers.values())


def test_an_email_with_no_headers_or_text_is_empty(tmp_path):
    [mail] = ingest_one(tmp_path, "blank.eml", b"\r\n\r\n")
    assert (mail.parse_status, mail.parse_error, mail.text) == ("empty", "the e-mail has no headers or text", None)


def test_parse_bytes_gives_an_emails_text_without_its_attachments():
    message = reply("body text")
    message.add_attachment(b"x", maintype="application", subtype="pdf", filename="a.pdf")
    media_type, status, error, text = parse_bytes(message.as_bytes(), "x.eml")
    assert (media_type, status, error) == ("message/rfc822", "ok", None) and text.endswith("\n\nbody text")


def test_an_attachment_identical_to_another_file_is_a_duplicate(tmp_path):
    letter = pdf_bytes("the letter")
    message = reply()
    message.add_attachment(letter, maintype="application", subtype="pdf", filename="letter.pdf")
    (tmp_path / "a.pdf").write_bytes(letter)
    (tmp_path / "b.eml").write_bytes(message.as_bytes())
    docs = {d.source_path: d for d in ingest_directory(tmp_path)}
    assert list(docs) == ["a.pdf", "b.eml", "b.eml#letter.pdf"]
    copy = docs["b.eml#letter.pdf"]
    assert (copy.parse_status, copy.duplicate_of, copy.parse_error) == ("duplicate", "a.pdf", "identical bytes to a.pdf")
    assert copy.parent_doc_id == docs["b.eml"].doc_id


def test_e_mails_nested_too_deep_stop_with_a_reason(tmp_path):
    message = reply("level 0")
    for level in range(1, 9):
        outer = reply(f"level {level}")
        outer.add_attachment(message)
        message = outer
    docs = ingest_one(tmp_path, "deep.eml", message.as_bytes())
    assert [d.parse_status for d in docs][:6] == ["ok"] * 6
    assert docs[6].parse_status == "unreadable" and "nested more than 5 levels" in docs[6].parse_error
    assert len(docs) == 7
