"""Word replies (.docx): paragraphs and tables in document order, one line per paragraph and per table row;
the sections' headers first and their footers last (a letterhead often names the office, the reference and the
date only there), each distinct one once.

The main document part is read with lxml (python-docx's own XML library) rather than python-docx's Document():
Document() parses every part of the package (styles, numbering, theme, settings) and wraps every paragraph in
proxy objects, which costs ~10 ms a reply; we need only the body's text, in order. The text rules are
python-docx's (w:t text, w:tab -> tab, w:br / w:cr -> line break, w:noBreakHyphen -> '-'), plus what its
paragraph walk misses: content controls (w:sdt), tracked insertions, smart tags, fields and text boxes.

The archive is checked before anything is decompressed: zip bombs and XML with a DTD (entity expansion)
are refused with a reason.
"""

from __future__ import annotations

import codecs
import io
import itertools
import posixpath
import threading
import zipfile

from lxml import etree

from foi_pipeline.ingest.html_page import CELL_SEPARATOR
from foi_pipeline.ingest.tables import join_cell_lines
from foi_pipeline.ingest.text import normalise
from foi_pipeline.ingest.word_numbering import ListNumbering

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # whole package
MAX_RATIO = 100  # ... or over 50 MB at more than 100:1
MAX_XML_PART = 64 * 1024 * 1024  # the one XML part we parse into a tree
MAX_ENTRIES = 10_000
MAX_PROLOG = 1024 * 1024  # comments and processing instructions allowed before an XML part's root element

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
STRICT_W = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
R_IDS = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
         "{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
R_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",  # strict OOXML
)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (_w(n) for n in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
T, TAB, PTAB, BR, CR, NB_HYPHEN, TXBX = (_w(n) for n in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen", "txbxContent"))
TC_PR, H_MERGE, W_VAL, W_TYPE, GRID_SPAN = _w("tcPr"), _w("hMerge"), _w("val"), _w("type"), _w("gridSpan")
FALLBACK = f"{{{MC}}}Fallback"
_WRAPPERS = {SDT, SDT_CONTENT, CUSTOM_XML, _w("ins"), _w("moveTo"), _w("smartTag"), f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice"}
_TEXT_TAGS = (T, TAB, PTAB, BR, CR, NB_HYPHEN, TXBX, FALLBACK)

_local = threading.local()


class UnsafeDocx(Exception):
    """A DOCX that would be dangerous to open (zip bomb, DTD / entity declarations)."""


def _parser() -> etree.XMLParser:
    """One hardened parser per thread (lxml parsers are not thread-safe): no DTD, entities or network."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
        )
    return parser


def check_archive(archive: zipfile.ZipFile, kind: str = "DOCX", unsafe: type[Exception] | None = None) -> None:
    """Refuse zip bombs before decompressing anything (declared sizes bound what zipfile will inflate); every
    zip package the ingest reads (DOCX, XLSX, ODS, ODT) goes through this one check."""
    unsafe = unsafe or UnsafeDocx
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise unsafe(f"{kind} has {len(infos)} parts (over {MAX_ENTRIES}); refused as a possible zip bomb")
    total = sum(i.file_size for i in infos)
    compressed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNCOMPRESSED or (total > 50 * 1024 * 1024 and total / compressed > MAX_RATIO):
        raise unsafe(f"{kind} would expand to {total / 1e6:.0f} MB (compressed {compressed / 1e6:.1f} MB); "
                     "refused as a possible zip bomb")


def _ascii_view(data: bytes) -> bytes:
    """The start of an XML part as ASCII-compatible bytes (UTF-16/32 would hide '<!DOCTYPE' between NULs)."""
    head = data[:MAX_PROLOG]
    for marks, codec in (
        ((codecs.BOM_UTF32_LE, b"<\x00\x00\x00"), "utf-32-le"), ((codecs.BOM_UTF32_BE, b"\x00\x00\x00<"), "utf-32-be"),
        ((codecs.BOM_UTF16_LE, b"<\x00?\x00"), "utf-16-le"), ((codecs.BOM_UTF16_BE, b"\x00<\x00?"), "utf-16-be"),
    ):
        if head.startswith(marks):
            return head.decode(codec, errors="ignore").encode("utf-8")
    return head


def _declares_dtd(data: bytes) -> bool:
    """True if the prolog (before the root element) holds a <!DOCTYPE>; comments and PIs are skipped."""
    head = _ascii_view(data)
    pos = 0
    while True:
        pos = head.find(b"<", pos)
        if pos < 0:
            return len(head) >= MAX_PROLOG  # no root element in the first MB: refuse rather than guess
        if head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos + 4)
            pos = end + 3 if end >= 0 else len(head)
        elif head.startswith(b"<?", pos):
            end = head.find(b"?>", pos + 2)
            pos = end + 2 if end >= 0 else len(head)
        else:
            return head.startswith(b"<!", pos)  # <!DOCTYPE (or any other declaration) before the root


def _parse_part(archive: zipfile.ZipFile, name: str) -> etree._Element:
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_PART:
        raise UnsafeDocx(f"DOCX part {name} is {info.file_size / 1e6:.0f} MB of XML (over {MAX_XML_PART // 2**20} MB); refused")
    data = archive.read(info)
    if b'"' + STRICT_W + b'"' in data[:16384]:  # Strict Open XML: same vocabulary, another namespace
        data = data.replace(STRICT_W, W.encode())
    if _declares_dtd(data):
        raise UnsafeDocx(f"DOCX contains a DTD/entity declarations (in {name}), refused for safety")
    root = etree.fromstring(data, _parser())
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]  # lxml-stubs leave doctype out of DocInfo
        raise UnsafeDocx(f"DOCX contains a DTD/entity declarations (in {name}), refused for safety")
    return root


def _main_part(archive: zipfile.ZipFile) -> str:
    """The main document part named by the package relationships (almost always word/document.xml)."""
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        for rel in _parse_part(archive, "_rels/.rels"):
            if rel.get("Type") in R_OFFICE_DOCUMENT:
                target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                if target in names:
                    return target
    if "word/document.xml" in names:
        return "word/document.xml"
    raise ValueError("not a Word document: the package has no main document part (word/document.xml)")


def docx_to_text(data: bytes) -> str:
    """Paragraphs one per line, table rows one per line with cells joined by ' | ', in document order."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValueError("not a DOCX (ZIP) package: an OLE2 file, i.e. a legacy .doc or a password-protected document")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_archive(archive)
        main = _main_part(archive)
        document = _parse_part(archive, main)
        body = document.find(_w("body"))
        if body is None:
            return ""
        headers, footers = _margins(archive, main, body)
        numbering = _list_numbering(archive, main)
    lines: list[str] = []
    _block_lines(body, lines, numbering)
    return normalise("\n".join([*headers, *lines, *footers]))


def _margins(archive: zipfile.ZipFile, main: str, body: etree._Element) -> tuple[list[str], list[str]]:
    """Lines of the headers and of the footers the sections name (first page, default, even), each distinct once."""
    rels = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    names = set(archive.namelist())
    if rels not in names:
        return [], []
    targets = {rel.get("Id"): posixpath.normpath(posixpath.join(posixpath.dirname(main), rel.get("Target", "")))
               for rel in _parse_part(archive, rels)}
    found: dict[str, list[str]] = {_w("headerReference"): [], _w("footerReference"): []}
    seen: set[tuple[str, ...]] = set()
    for ref in body.iter(*found):
        part = next((targets.get(ref.get(attr)) for attr in R_IDS if ref.get(attr)), None)
        if part not in names:
            continue
        lines: list[str] = []
        _block_lines(_parse_part(archive, part), lines)
        lines = [line for line in lines if line.strip()]
        if lines and tuple(lines) not in seen:
            seen.add(tuple(lines))
            found[ref.tag].extend(lines)
    return found[_w("headerReference")], found[_w("footerReference")]


def _list_numbering(archive: zipfile.ZipFile, main: str) -> ListNumbering | None:
    """Word's list numbering for the main part (its numbering and styles parts), or None when it has none."""
    rels = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    names = set(archive.namelist())
    parts: dict[str, str] = {}
    if rels in names:
        for rel in _parse_part(archive, rels):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            if kind in ("numbering", "styles"):
                parts[kind] = posixpath.normpath(posixpath.join(posixpath.dirname(main), rel.get("Target", "")))
    numbering, styles = (parts.get(k) for k in ("numbering", "styles"))
    if numbering not in names:
        return None
    return ListNumbering(_parse_part(archive, numbering), _parse_part(archive, styles) if styles in names else None)


def _block_lines(container: etree._Element, lines: list[str], numbering: ListNumbering | None = None) -> None:
    """Paragraphs and tables of a body (or cell, or text box) in order; content-control wrappers are entered.
    A paragraph Word numbers starts with its number or bullet, indented by its level ("  • 57 men")."""
    stack = [iter(container)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if tag == P:
            text, boxes = _paragraph(child)
            label = numbering.label(child) if numbering is not None else None
            if label is not None and text.strip():
                text = "  " * label[1] + label[0] + " " + text.lstrip()
            lines.append(text)
            for box in boxes:
                _block_lines(box, lines, numbering)
        elif tag == TBL:
            lines.extend(_table_lines(child, numbering))
        elif tag in _WRAPPERS:
            stack.append(iter(child))


def _paragraph(p: etree._Element) -> tuple[str, list[etree._Element]]:
    """(text, text boxes anchored in it). Text boxes' own paragraphs are not part of this line."""
    parts: list[str] = []
    boxes: list[etree._Element] = []
    skip: etree._Element | None = None  # a subtree already handled (text box, VML fallback copy)
    for el in p.iter(_TEXT_TAGS):
        if skip is not None:
            if _is_inside(el, skip):
                continue
            skip = None
        tag = el.tag
        if tag == T:
            if el.text:
                parts.append(el.text)
        elif tag in (TAB, PTAB):
            parts.append("\t")
        elif tag == BR:
            if el.get(W_TYPE) in (None, "textWrapping"):
                parts.append("\n")
        elif tag == CR:
            parts.append("\n")
        elif tag == NB_HYPHEN:
            parts.append("-")
        elif tag == TXBX:
            boxes.append(el)
            skip = el
        else:  # mc:Fallback repeats the mc:Choice content (a VML copy of a text box)
            skip = el
    return "".join(parts), boxes


def _is_inside(el: etree._Element, ancestor: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with this tag, looking through content controls and custom XML wrappers."""
    found = []
    stack = [iter(el)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == tag:
            found.append(child)
        elif child.tag in _WRAPPERS:
            stack.append(iter(child))
    return found


def _cell_text(tc: etree._Element, numbering: ListNumbering | None = None) -> str:
    """A cell's paragraphs on one line, so its row stays one line. Paragraphs that end mid-sentence are items of a
    list ("Lancashire Constabulary" / "Blackpool Council" / ...) and keep apart with "; "; sentences with a space."""
    lines: list[str] = []
    _block_lines(tc, lines, numbering)
    return join_cell_lines(lines)


def _table_lines(tbl: etree._Element, numbering: ListNumbering | None = None) -> list[str]:
    """One line per row, cells joined with ' | '. A horizontally merged cell is one cell (w:gridSpan; legacy
    w:hMerge continuations are skipped); a vertically merged continuation is an empty cell, so every row keeps
    its columns. Layout tables (one cell per row, or a table inside) are read as paragraphs, like HTML's."""
    rows = [[tc for tc in _children(tr, TC) if not _continues_h_merge(tc)] for tr in _children(tbl, TR)]
    lines: list[str] = []
    if all(len(cells) <= 1 for cells in rows) or next(itertools.islice(tbl.iter(TBL), 1, None), None) is not None:
        for cells in rows:
            for tc in cells:
                _block_lines(tc, lines, numbering)
        return lines
    width = max((sum(_grid_span(tc) for tc in cells) for cells in rows), default=0)
    for cells in rows:
        texts = [_cell_text(tc, numbering) for tc in cells]
        if lines and len(cells) == 1 and width > 1 and _grid_span(cells[0]) == width:
            # "Self-referred" across the whole table under its header: a section row, kept in the table with its
            # empty columns (across the top, it is the table's title, a line of its own)
            texts += [""] * (width - 1)
        elif lines and len(cells) > 1 and sum(_grid_span(tc) for tc in cells) == width and any(_grid_span(tc) > 1 for tc in cells[1:]):
            # "| Self-referral | Not applicable – no self-referrals (across three columns) |" under "| Route | Referred
            # | Accepted | Completed |": the merged cell keeps the columns it spans, as blanks after it
            texts = [t for tc, text in zip(cells, texts) for t in [text, *[""] * (_grid_span(tc) - 1)]]
        if any(texts):
            lines.append(CELL_SEPARATOR.join(texts))
    return lines


def _grid_span(tc: etree._Element) -> int:
    tc_pr = tc.find(TC_PR)
    span = tc_pr.find(GRID_SPAN) if tc_pr is not None else None
    value = span.get(W_VAL, "1") if span is not None else "1"
    return int(value) if value.isdigit() else 1


def _continues_h_merge(tc: etree._Element) -> bool:
    tc_pr = tc.find(TC_PR)
    if tc_pr is None:
        return False
    h_merge = tc_pr.find(H_MERGE)
    return h_merge is not None and h_merge.get(W_VAL, "continue") == "continue"
