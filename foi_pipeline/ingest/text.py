"""Bytes to text for plain-text replies, and the one normalisation every parser's output goes through.

Evidence spans index into the text by character, so every format must agree on what a line break is:
"\\n" only, no NUL or other control characters, no stray C1 codes from mis-decoded Windows text.
"""

from __future__ import annotations

import codecs
import re


def _latin1(err: UnicodeError) -> tuple[str, int]:
    """Windows-1252 leaves five bytes undefined (0x81 0x8D 0x8F 0x90 0x9D); map them the way browsers do
    (to the same code point, as latin-1 would), so the decode can never fail."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("foi-latin1", _latin1)

LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}
# C1 controls in decoded text are almost always Windows-1252 bytes decoded as latin-1 upstream
# (U+0092 for a right quote): show the character the author typed; drop the undefined ones.
_C1 = {cp: bytes([cp]).decode("cp1252", errors="ignore") or None for cp in range(0x80, 0xA0)}
_TRANSLATE = {
    **dict.fromkeys([*range(0x09), *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF]),
    0x0B: "\n",  # vertical tab: Word's manual line break in plain-text exports
    0x2028: "\n",  # Unicode line / paragraph separators: one line-break convention
    0x2029: "\n",
    **_C1,
    # No-break, thin and other fixed-width spaces are spaces ("fewer than 5" from a Word file has two), and
    # zero-width ones are nothing: every rule after ingest then needs to know only " ".
    **dict.fromkeys([0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " "),
    **dict.fromkeys([0x200B, 0x2060, 0xFEFF]),
    # Ligatures (from typeset PDFs and OCR) are the letters they join: "ﬁnancial" is "financial".
    **LIGATURES,
}
_SPECIAL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\xa0\u2000-\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufb00-\ufb06\ufeff\ufffe\uffff]")

LATIN1_FAMILY = {
    "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819", "us-ascii", "ascii",
    "windows-1252", "cp1252", "x-cp1252", "iso-ir-100", "csisolatin1",
}


def normalise(text: str) -> str:
    """"\\r\\n" and "\\r" become "\\n"; control characters go (tab and form feed stay: a form feed marks a page);
    Unicode spaces become " "; ligatures become their letters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _SPECIAL.search(text):
        text = text.translate(_TRANSLATE)
    return text


def decode_cp1252(data: bytes) -> str:
    """Windows-1252 as browsers read it: never fails (undefined bytes fall back to latin-1)."""
    return data.decode("cp1252", errors="foi-latin1")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM shows as NUL bytes in every other position (ASCII-range text)."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for codec, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls > 0.3 * half and other < 0.05 * half:
            try:
                return data[: len(data) - len(data) % 2].decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM stripped), UTF-32/UTF-16 with BOM, BOM-less UTF-16, plain UTF-8, else Windows-1252 (0xA3 is '£').

    Never fails: the Windows-1252 step falls back to latin-1 byte by byte.
    """
    if data.startswith(codecs.BOM_UTF8):
        return normalise(data[3:].decode("utf-8", errors="replace"))
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")):
        if data.startswith(bom):
            try:
                return normalise(data[4:].decode(codec))
            except UnicodeDecodeError:
                break
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            body = data[2:]
            return normalise(body[: len(body) - len(body) % 2].decode(codec, errors="replace"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if b"\x00" in data[:4096]:
        wide = _utf16_without_bom(data)
        if wide is not None:
            return normalise(wide)
    if text is not None:
        return normalise(text)
    return normalise(decode_cp1252(data))


def decode_declared(data: bytes, charset: str | None) -> str:
    """Honour a declared charset (HTML meta, MIME part) only when it decodes cleanly; else decode_text.

    A BOM outranks the declaration; a latin-1 or ASCII label means Windows-1252 (what the sender's
    software really wrote); a UTF-16 label on bytes we could read as ASCII is wrong by construction.
    """
    if not charset or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)
    label = charset.strip().strip("\"'").lower()
    if label in LATIN1_FAMILY:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return normalise(decode_cp1252(data))
        return decode_text(data)  # pure ASCII or UTF-8 mislabelled as latin-1: UTF-8 is the better reading
    if label.startswith(("utf-16", "utf-32", "ucs-2", "utf16", "utf32")):
        return decode_text(data)
    try:
        codec = codecs.lookup(label)
        if not codec._is_text_encoding or codec.name in ("utf-7", "idna", "punycode"):
            return decode_text(data)
        return normalise(data.decode(codec.name))
    except (LookupError, UnicodeDecodeError, ValueError):
        return decode_text(data)
