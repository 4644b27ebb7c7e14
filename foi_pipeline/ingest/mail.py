"""E-mail replies (.eml): headers a reader needs, the body as text, and attachments as documents of their own."""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from foi_pipeline.ingest.html_page import html_to_text
from foi_pipeline.ingest.text import decode_text, normalise

HEADERS = ("From", "To", "Date", "Subject")


@dataclass
class ParsedEmail:
    text: str
    headers: dict[str, str]
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def _part_text(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if charset:
        try:
            return normalise(payload.decode(charset))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(payload)


def parse_email(data: bytes) -> ParsedEmail:
    message = email.message_from_bytes(data, policy=policy.default)
    headers = {name: str(message[name]) for name in HEADERS if message[name] is not None}
    plain = html = None
    attachments: list[tuple[str, bytes]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if filename or disposition == "attachment":
            attachments.append((filename or "attachment.bin", part.get_payload(decode=True) or b""))
            continue
        if part.get_content_type() == "text/plain" and plain is None:
            plain = _part_text(part)
        elif part.get_content_type() == "text/html" and html is None:
            html = html_to_text(_part_text(part))
    body = plain if plain and plain.strip() else (html or "")
    head = "".join(f"{name}: {headers[name]}\n" for name in HEADERS if name in headers)
    return ParsedEmail(text=normalise(head + "\n" + body.strip("\n")), headers=headers, attachments=attachments)
