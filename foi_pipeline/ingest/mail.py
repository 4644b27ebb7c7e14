"""E-mail replies (.eml): the headers a reader needs, the body as text, and every other part as an attachment.

Nothing in a message is dropped silently: any part that is not the body (a file, an inline image, a forwarded
message) is handed back as an attachment, and the caller lists each one as a document of its own.
"""

from __future__ import annotations

import email
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from pathlib import PurePosixPath

from foi_pipeline.ingest.html_page import html_to_text
from foi_pipeline.ingest.text import decode_declared, normalise

HEADERS = ("From", "To", "Date", "Subject")
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/html": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "message/rfc822": ".eml",
}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Attachment:
    name: str  # unique within the message
    data: bytes
    content_type: str  # the MIME type the sender declared; a hint when the name has no known extension


@dataclass
class ParsedEmail:
    text: str
    headers: dict[str, str]
    attachments: list[Attachment] = field(default_factory=list)


def parse_email(data: bytes) -> ParsedEmail:
    """Headers, body text (plain preferred, else the HTML converted) and attachments of one message."""
    message = email.message_from_bytes(data, policy=policy.default)
    headers = {name: value for name in HEADERS if (value := _header(message, name))}
    plains: list[str] = []
    htmls: list[str] = []
    attachments: list[Attachment] = []
    used: set[str] = set()
    # An explicit stack, not Message.walk(): a forwarded message (message/rfc822) is an attachment, not body.
    stack: list[Message] = [message]
    while stack:
        part = stack.pop()
        content_type = part.get_content_type()
        if part is not message and content_type == "message/rfc822":
            attachments.append(Attachment(_unique(_name(part, len(attachments)), used), _message_bytes(part), content_type))
            continue
        if part.is_multipart():
            payload = part.get_payload()
            stack.extend(reversed([p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []))
            continue
        filename = _filename(part)
        if content_type in ("text/plain", "text/html") and not filename and part.get_content_disposition() != "attachment":
            body = _part_text(part)
            (plains if content_type == "text/plain" else htmls).append(body)
            continue
        attachments.append(Attachment(_unique(_name(part, len(attachments)), used), _payload(part), content_type))
    body = "\n\n".join(p.strip("\n") for p in plains if p.strip())
    if not body:
        body = "\n\n".join(t for t in (html_to_text(h) for h in htmls) if t.strip())
    head = "".join(f"{name}: {headers[name]}\n" for name in HEADERS if name in headers)
    text = f"{head}\n{body}" if head else body
    return ParsedEmail(text=normalise(text), headers=headers, attachments=attachments)


def _header(message: Message, name: str) -> str:
    """A header decoded (RFC 2047), on one line; a header the parser rejects falls back to its raw value."""
    try:
        value = message[name]
        text = "" if value is None else str(value)
    except Exception:  # noqa: BLE001 - a malformed header must not cost us the message
        raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
        try:
            text = str(make_header(decode_header(raw)))
        except Exception:  # noqa: BLE001
            text = str(raw)
    return " ".join(normalise(text).split())


def _payload(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _part_text(part: Message) -> str:
    """A body part's text: its declared charset if that decodes cleanly, else the plain-text chain."""
    return decode_declared(_payload(part), part.get_content_charset())


def _message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return _payload(part)
    try:
        return inner.as_bytes(policy=policy.default)
    except Exception:  # noqa: BLE001 - re-serialising a broken message: keep what we can
        return inner.as_string(policy=policy.compat32).encode("utf-8", errors="surrogateescape")


def _filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except Exception:  # noqa: BLE001 - a malformed Content-Disposition
        return ""


def _name(part: Message, index: int) -> str:
    """The attachment's file name without any folder a client put in it; a made-up one if it has none."""
    filename = _UNSAFE_NAME.sub("", _filename(part).replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if filename in ("", ".", ".."):
        content_type = part.get_content_type()
        extension = _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"
        filename = f"attachment-{index + 1}{extension}"
    return filename


def _unique(name: str, used: set[str]) -> str:
    """Two attachments with one name get 'name (2).ext', so every source_path is distinct."""
    candidate, number = name, 1
    while candidate in used:
        number += 1
        path = PurePosixPath(name)
        candidate = f"{path.stem} ({number}){path.suffix}" if path.suffix else f"{name} ({number})"
    used.add(candidate)
    return candidate
