"""Outlook messages saved as .msg: the same headers, text and attachments as an .eml gives
(foi_pipeline.ingest.mail.ParsedEmail), read with extract-msg.

From, To, Date and Subject come from the transport headers a received message keeps, else from the message's own
properties (sender, recipients, submit time, subject). The body is the plain text, else the HTML converted, else
the RTF body's text. Every attachment becomes an attachment of its own, an embedded message as an .msg of its
own; one extract-msg cannot read is handed back empty, with its name, so it is still listed.
"""

from __future__ import annotations

import email.utils
import logging

from foi_pipeline.ingest.html_page import decode_html, html_to_text
from foi_pipeline.ingest.mail import _UNSAFE_NAME, HEADERS, Attachment, ParsedEmail, _unique
from foi_pipeline.ingest.text import normalise

logging.getLogger("extract_msg").setLevel(logging.ERROR)  # it logs every property it does not know


def parse_msg(data: bytes) -> ParsedEmail:
    """Headers, body text and attachments of one Outlook message."""
    import extract_msg

    message = extract_msg.openMsg(data, strict=False)
    try:
        headers = _headers(message)
        body = _body(message)
        attachments: list[Attachment] = []
        used: set[str] = set()
        for index, attachment in enumerate(getattr(message, "attachments", None) or []):
            attachments.append(_attachment(attachment, index, used))
    finally:
        message.close()
    head = "".join(f"{name}: {headers[name]}\n" for name in HEADERS if name in headers)
    text = f"{head}\n{body}" if head else body
    return ParsedEmail(text=normalise(text), headers=headers, attachments=attachments)


def _one_line(value: object) -> str:
    return " ".join(normalise(str(value)).replace("\x00", "").split()) if value else ""


def _headers(message) -> dict[str, str]:
    """From, To, Date, Subject: the transport headers first, the message's properties for what they lack."""
    found: dict[str, str] = {}
    transport = getattr(message, "header", None)
    for name in HEADERS:
        value = transport.get(name) if transport is not None else None
        if value:
            found[name] = _one_line(value)
    own = {"From": getattr(message, "sender", None), "To": getattr(message, "to", None),
           "Subject": getattr(message, "subject", None)}
    date = getattr(message, "date", None)
    if date is not None:
        own["Date"] = email.utils.format_datetime(date)
    for name, value in own.items():
        if name not in found and _one_line(value):
            found[name] = _one_line(value)
    return found


def _body(message) -> str:
    body = getattr(message, "body", None)
    if body and body.strip("\x00").strip():
        return body.replace("\x00", "").strip("\r\n")
    html = getattr(message, "htmlBody", None)
    if html:
        return html_to_text(decode_html(html))
    return ""


def _attachment(attachment, index: int, used: set[str]) -> Attachment:
    """The attachment's bytes under its file name (made unique); an embedded message as .msg bytes."""
    from extract_msg.enums import AttachmentType

    name = ""
    for candidate in ("longFilename", "shortFilename", "displayName", "name"):
        name = getattr(attachment, candidate, None) or ""
        if name:
            break
    name = _UNSAFE_NAME.sub("", str(name).replace("\\", "/").rsplit("/", 1)[-1]).strip()
    kind = getattr(attachment, "type", None)
    content_type = getattr(attachment, "mimetype", None) or "application/octet-stream"
    data = b""
    if kind == AttachmentType.MSG:
        try:
            data = attachment.data.exportBytes()
        except Exception:  # noqa: BLE001 - an embedded message that cannot be written out is listed empty
            data = b""
        content_type = "application/vnd.ms-outlook"
        if name and not name.lower().endswith(".msg"):
            name += ".msg"
    else:
        value = getattr(attachment, "data", None)
        data = value if isinstance(value, bytes) else b""
    if name in ("", ".", ".."):
        name = f"attachment-{index + 1}" + (".msg" if kind == AttachmentType.MSG else ".bin")
    return Attachment(_unique(name, used), data, content_type)
