"""Zip packages other than DOCX (XLSX, ODS, ODT) checked before anything is decompressed, with the limits and
the DTD rule the DOCX reader uses (foi_pipeline.ingest.word): a zip bomb or an XML part that declares entities
is refused with a reason, never opened.

Also the one test for the files Office writes as OLE2 compound files instead of zips: a password-protected
XLSX or DOCX is an OLE2 file holding an 'EncryptedPackage' stream.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from foi_pipeline.ingest.word import (
    MAX_PROLOG,
    MAX_XML_PART,
    UnsafeDocx,
    _declares_dtd,
    _parser,
    check_archive,
)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnsafePackage(UnsafeDocx):
    """A package that would be dangerous to open (zip bomb, DTD / entity declarations)."""


class Encrypted(Exception):
    """A file protected by a password: recorded as such, never guessed at."""


def is_ole2(data: bytes) -> bool:
    return data[:8] == OLE2_MAGIC


def ole2_encrypted(data: bytes) -> bool:
    """True for an OLE2 file that holds an encrypted Office package (what Excel and Word write when a password
    is set on an XLSX or DOCX)."""
    import olefile  # comes with extract-msg

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo")
    except OSError:
        return False


def open_package(data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip archive, once its declared sizes are within the limits; every XML part's prolog is checked for a
    DTD (libraries that parse the parts themselves, such as calamine, are handed only packages that pass)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise ValueError(f"{kind} is damaged or not a {kind} file: {err}") from None
    check_archive(archive, kind, UnsafePackage)
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels", ".vml")) and not info.is_dir():
            if info.file_size > MAX_XML_PART:
                raise UnsafePackage(f"{kind} part {info.filename} is {info.file_size / 1e6:.0f} MB of XML "
                                    f"(over {MAX_XML_PART // 2**20} MB); refused")
            if _part_declares_dtd(archive, info):
                raise UnsafePackage(f"{kind} contains a DTD/entity declarations (in {info.filename}), refused for safety")
    return archive


def _part_declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part's prolog (its first MB at most) holds a <!DOCTYPE>."""
    with archive.open(info) as part:
        return _declares_dtd(part.read(MAX_PROLOG))


def parse_part(archive: zipfile.ZipFile, name: str) -> etree._Element:
    """One XML part of a package that passed open_package, with the hardened parser (no DTD, entities, network)."""
    root = etree.fromstring(archive.read(name), _parser())
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]  # lxml-stubs leave doctype out of DocInfo
        raise UnsafePackage(f"{name} contains a DTD/entity declarations, refused for safety")
    return root
