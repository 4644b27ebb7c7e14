"""Word 97-2003 replies (.doc, the binary format) to text with antiword, Debian's package of the same name.

antiword's text mode gives the paragraphs as Word lays them out (-w 0: a paragraph on one line), but it draws a
table with fixed-width columns and wraps a long cell onto more lines, so a row cannot be told from the rest of
the row above. When the text holds a table, antiword runs once more in DocBook mode, which keeps each row and
cell whole, and every drawn table is replaced by its rows, cells joined by ' | ' (foi_pipeline.ingest.tables).

Many files named .doc are something else: a DOCX, an RTF or an HTML page saved with the old extension. They are
read as what they are. A password-protected document raises Encrypted; a missing antiword raises MissingTool
(the file is read on the next run once it is installed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

from lxml import etree

from foi_pipeline.ingest.package import Encrypted, is_ole2
from foi_pipeline.ingest.tables import cell_text, table_lines
from foi_pipeline.ingest.text import normalise

ANTIWORD = "antiword"
TIMEOUT_S = 60
MISSING_TOOL = "a program the reader needs is not installed"  # parse_error prefix; such results are not cached
_DRAWN_ROW = re.compile(r"^\|.*\|[ \t]*$")


class MissingTool(Exception):
    """The external program a format needs is not on this machine."""


def doc_to_text(data: bytes) -> str:
    """The document's text; tables as rows of cells joined by ' | '."""
    if not is_ole2(data):
        return _not_binary(data)
    if shutil.which(ANTIWORD) is None:
        raise MissingTool(f"{MISSING_TOOL}: reading a .doc needs antiword (apt-get install antiword; "
                          "`make antiword` does it)")
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(data)
        handle.flush()
        text = _antiword(handle.name, "-w", "0", "-m", "UTF-8.txt")
        if text.startswith("\n"):
            text = text[1:]  # antiword starts every document with a blank line
        lines = text.rstrip("\n").split("\n")
        if any(_DRAWN_ROW.match(line) for line in lines):
            lines = _with_tables(lines, _docbook_tables(_antiword(handle.name, "-x", "db")))
    return normalise("\n".join(lines))


def _not_binary(data: bytes) -> str:
    """A file named .doc that is not a Word 97 file: read as the format its bytes are."""
    head = data[:1024].lstrip()
    if data[:2] == b"PK":
        from foi_pipeline.ingest.word import docx_to_text

        return docx_to_text(data)
    if head.startswith(b"{\\rtf"):
        from foi_pipeline.ingest.rtf import rtf_to_text

        return rtf_to_text(data)
    if re.match(rb"(?i)(<!doctype html|<html|<\?xml[^>]*>\s*<html)", head):
        from foi_pipeline.ingest.html_page import decode_html, html_to_text

        return html_to_text(decode_html(data))
    raise ValueError("not a Word document: the file is neither a Word 97-2003 (OLE2) file, a DOCX, an RTF nor HTML")


def _antiword(path: str, *options: str) -> str:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run([ANTIWORD, *options, path], capture_output=True, timeout=TIMEOUT_S, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise ValueError(f"antiword did not finish reading the .doc within {TIMEOUT_S} s") from None
    except FileNotFoundError:
        raise MissingTool(f"{MISSING_TOOL}: reading a .doc needs antiword (apt-get install antiword)") from None
    message = " ".join(done.stderr.decode("utf-8", errors="replace").split())
    if done.returncode != 0 or (not done.stdout.strip() and message):
        if "encrypt" in message.lower():
            raise Encrypted("the document is encrypted (password required)")
        reason = message.replace(path, "the file") or f"exit status {done.returncode}"
        raise ValueError(f"antiword could not read the .doc: {reason}")
    return done.stdout.decode("utf-8", errors="replace")


def _docbook_tables(xml: str) -> list[list[str]]:
    """Each table of antiword's DocBook output as its lines (the DOCTYPE it writes is neither loaded nor used)."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, recover=True)
    root = etree.fromstring(xml.encode("utf-8"), parser)
    if root is None:
        return []
    tables = []
    for group in root.iter("tgroup"):
        rows = [[cell_text(_text(entry)) for entry in row.iter("entry")] for row in group.iter("row")]
        tables.append(table_lines(rows))
    return tables


def _text(el: etree._Element) -> str:
    """An element's text; lxml-stubs type it as str | bytes, and text parsed from a str is str."""
    return "".join(t if isinstance(t, str) else t.decode() for t in el.itertext())


def _with_tables(lines: list[str], tables: list[list[str]]) -> list[str]:
    """The text mode's lines with each run of drawn table rows replaced by the next DocBook table; runs beyond
    the tables found there keep a line per drawn line, cells split at the bars."""
    out: list[str] = []
    pending = iter(tables)
    i = 0
    while i < len(lines):
        if not _DRAWN_ROW.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and _DRAWN_ROW.match(lines[j]):
            j += 1
        table = next(pending, None)
        if table is None:
            table = table_lines([[cell_text(c) for c in line.strip()[1:-1].split("|")] for line in lines[i:j]])
        if out and not out[-1]:
            out.pop()  # antiword sets a table off with a blank line before it and two after
        out.extend(table)
        i = j
        for _ in range(2):
            if i < len(lines) and not lines[i]:
                i += 1
    return out
