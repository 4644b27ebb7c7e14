"""Bytes to text for plain-text replies: the encodings replies really arrive in."""

from __future__ import annotations

import codecs
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def normalise(text: str) -> str:
    """One line-ending convention and no control characters, so spans mean the same everywhere."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (0xA3 is '£'); never fails."""
    if data.startswith(codecs.BOM_UTF8):
        return normalise(data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return normalise(data.decode("utf-16", errors="replace"))
    try:
        return normalise(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        return normalise(data.decode("cp1252"))
    except UnicodeDecodeError:
        return normalise(data.decode("latin-1"))
