"""Outlook .msg files written from Python, for the benchmark's mix and the tests (Outlook is the only program that
writes them otherwise).

An .msg is an OLE2 compound file laid out as [MS-OXMSG] says: the message's properties in a
'__properties_version1.0' stream (fixed-size values) and '__substg1.0_<tag>' streams (strings and binary), a
storage per recipient and per attachment. The compound file itself is written with extract-msg's OleWriter.
Only what a saved reply holds is written: class, subject, sender, recipients, submit time, the transport headers,
the plain body and attachments by value.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
from dataclasses import dataclass, field

PT_LONG, PT_TIME, PT_UNICODE, PT_BINARY = 0x0003, 0x0040, 0x001F, 0x0102


@dataclass
class MsgAttachment:
    name: str
    data: bytes
    mime_type: str = "application/octet-stream"


@dataclass
class MsgMessage:
    subject: str
    sender_name: str
    sender_email: str
    to: list[tuple[str, str]]  # (display name, address)
    sent: dt.datetime
    body: str
    attachments: list[MsgAttachment] = field(default_factory=list)
    headers: bool = True  # write the transport headers, as a received message has


def _filetime(moment: dt.datetime) -> int:
    epoch = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)
    return int((moment.astimezone(dt.UTC) - epoch).total_seconds() * 10_000_000)


def _unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


def _properties(header: bytes, fixed: list[tuple[int, int, int]], variable: dict[int, tuple[int, bytes]]) -> bytes:
    """A properties stream: the header, then 16 bytes a property (tag, flags, value or size)."""
    out = io.BytesIO()
    out.write(header)
    for prop_id, prop_type, value in fixed:
        out.write(struct.pack("<IIQ", (prop_id << 16) | prop_type, 0x6, value))
    for prop_id, (prop_type, data) in variable.items():
        size = len(data) + (0 if prop_type == PT_BINARY else 2)  # a string's size counts its terminating NUL
        out.write(struct.pack("<IIII", (prop_id << 16) | prop_type, 0x6, size, 0))
    return out.getvalue()


def _streams(writer, prefix: str, variable: dict[int, tuple[int, bytes]]) -> None:
    for prop_id, (prop_type, data) in variable.items():
        writer.addEntry(f"{prefix}__substg1.0_{prop_id:04X}{prop_type:04X}", data)


def write_msg(message: MsgMessage) -> bytes:
    """The bytes of an .msg file holding the message."""
    from extract_msg.ole_writer import OleWriter

    writer = OleWriter()
    to_line = "; ".join(name for name, _ in message.to)
    variable: dict[int, tuple[int, bytes]] = {
        0x001A: (PT_UNICODE, _unicode("IPM.Note")),
        0x0037: (PT_UNICODE, _unicode(message.subject)),
        0x0C1A: (PT_UNICODE, _unicode(message.sender_name)),
        0x0C1F: (PT_UNICODE, _unicode(message.sender_email)),
        0x5D01: (PT_UNICODE, _unicode(message.sender_email)),
        0x0E04: (PT_UNICODE, _unicode(to_line)),
        0x1000: (PT_UNICODE, _unicode(message.body)),
    }
    if message.headers:
        addresses = ", ".join(f"{name} <{address}>" for name, address in message.to)
        head = (f"From: {message.sender_name} <{message.sender_email}>\r\nTo: {addresses}\r\n"
                f"Subject: {message.subject}\r\nDate: {message.sent.strftime('%a, %d %b %Y %H:%M:%S %z')}\r\n"
                "MIME-Version: 1.0\r\n\r\n")
        variable[0x007D] = (PT_UNICODE, _unicode(head))
    time = _filetime(message.sent)
    fixed = [(0x0039, PT_TIME, time), (0x0E06, PT_TIME, time), (0x0E07, PT_LONG, 0x1)]  # submitted, delivered, read
    header = struct.pack("<8xIIII8x", len(message.to), len(message.attachments), len(message.to), len(message.attachments))
    writer.addEntry("__properties_version1.0", _properties(header, fixed, variable))
    _streams(writer, "", variable)
    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    for i, (name, address) in enumerate(message.to):
        prefix = f"__recip_version1.0_#{i:08X}/"
        writer.addEntry(prefix[:-1], storage=True)
        recipient = {0x3001: (PT_UNICODE, _unicode(name)), 0x3003: (PT_UNICODE, _unicode(address)),
                     0x39FE: (PT_UNICODE, _unicode(address)), 0x3002: (PT_UNICODE, _unicode("SMTP"))}
        writer.addEntry(prefix + "__properties_version1.0",
                        _properties(b"\x00" * 8, [(0x0C15, PT_LONG, 1), (0x3000, PT_LONG, i)], recipient))
        _streams(writer, prefix, recipient)
    for i, attachment in enumerate(message.attachments):
        prefix = f"__attach_version1.0_#{i:08X}/"
        writer.addEntry(prefix[:-1], storage=True)
        short = attachment.name if len(attachment.name) <= 12 else attachment.name[:6] + "~1" + attachment.name[attachment.name.rfind("."):][:4]
        props = {0x3707: (PT_UNICODE, _unicode(attachment.name)), 0x3704: (PT_UNICODE, _unicode(short)),
                 0x3001: (PT_UNICODE, _unicode(attachment.name)), 0x370E: (PT_UNICODE, _unicode(attachment.mime_type)),
                 0x3701: (PT_BINARY, attachment.data)}
        writer.addEntry(prefix + "__properties_version1.0",
                        _properties(b"\x00" * 8, [(0x3705, PT_LONG, 1), (0x0E21, PT_LONG, i)], props))
        _streams(writer, prefix, props)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
