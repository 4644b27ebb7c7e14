"""HTML replies (disclosure-log pages, e-mail bodies) to the text a reader sees, one line per block and per table row.

Two passes, iterative (no recursion however deep the page) and with little Python work per node:
1. in lexbor, mark where blocks, cells and preformatted runs start and end with private-use characters,
   then take the whole text in one call;
2. in Python, turn the marks into lines: whitespace collapsed, table rows joined with " | " (as DOCX rows),
   at most one blank line in a row.
Pages nested so deeply that lexbor's tree builder turns quadratic get the same marks from a regex pass.
"""

from __future__ import annotations

import html as html_lib
import re

from selectolax.lexbor import LexborHTMLParser

from foi_pipeline.ingest.text import decode_declared, normalise

CELL_SEPARATOR = " | "

# Marks (Unicode private-use characters, removed from the input first).
LINE, PARA, CELL, PRE_OPEN, PRE_CLOSE, KEEP = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004", "\ue005"
IN_CELL_BREAK = "\ue006"  # a paragraph, list item or line break inside a table cell
# Inside a cell, items of a list ("Hertfordshire Constabulary" / "MARAC") keep apart with "; ", sentences with a space
_IN_CELL_BREAKS_RE = re.compile(r"(?P<before>[^\s\ue000-\ue0ff]?)[\s\ue006]*\ue006[\s\ue006]*(?P<after>[^\s\ue000-\ue0ff]?)")
_MARKS = re.compile("[\ue000-\ue005]")
_PRE_SPLIT = re.compile("([\ue003\ue004])")

# Not what the page says: code, styles, embedded objects, and the site's navigation (menus, breadcrumbs, whose
# "1. Home 2. Who we are" would read as numbered answers).
_DROP = ["script", "style", "template", "noscript", "title", "svg", "iframe", "object", "math", "frameset", "select", "datalist",
         "nav"]
_HIDDEN = ", ".join(["[hidden]", *(f'[style*="{rule}" i]' for rule in ("display:none", "display: none", "visibility:hidden", "visibility: hidden"))])
_BREADCRUMBS = '[class*="crumb" i], [aria-label*="crumb" i], [id*="crumb" i]'
_PARA_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "blockquote", "pre", "section", "article"}
_LINE_TAGS = {
    "address", "aside", "body", "caption", "center", "dd", "details", "dialog", "dir", "div", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav",
    "summary", "tbody", "tfoot", "thead", "tr", "td", "th", "option", "listing", "plaintext", "xmp",
}
_BLOCK_TAGS = frozenset(_PARA_TAGS | _LINE_TAGS | {"br"})
# Cheap substring probes that let most pages skip whole steps.
_FEATURES = (("table", "<table"), ("ol", "<ol"), ("hidden", "hidden"), ("hidden", "none"), ("rowspan", "rowspan"))
_IN_CELL_SELECTOR = "td *, th *"

# Depth guard: lexbor's tree builder is quadratic in the nesting of block elements (100,000 nested <div>s take 20 s).
MAX_DEPTH = 10_000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_NOT_NESTING = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rp", "rt",
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u", "span",
}
_ANY_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
_OTHER_MARKUP = re.compile(r"<[!?/][^<>]*>")
_DROPPED_START = re.compile(r"<!--|<(script|style|template|head|title|noscript|svg|iframe|object|math|select|datalist|nav)\b")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """A BOM first, then a declared <meta charset> that decodes cleanly, else the plain-text chain."""
    m = _CHARSET.search(data[:4096])
    charset = (m.group(1) or m.group(2)).decode("ascii") if m else None
    return decode_declared(data, charset)


def html_to_text(html: str) -> str:
    """Visible text: blocks and table rows become lines, cells are joined with ' | ', entities decoded."""
    if _MARKS.search(html):
        html = _MARKS.sub("", html)
    if _too_deep(html):
        return _render(_marks_by_regex(html))
    try:
        tree = LexborHTMLParser(html)
    except UnicodeEncodeError:  # lone surrogates in a str that did not come from bytes
        html = html.encode("utf-8", errors="replace").decode("utf-8")
        tree = LexborHTMLParser(html)
    return _render(_marks_by_dom(tree, html.lower()))


def _too_deep(html: str) -> bool:
    """Cheap upper bound on block nesting; only pages with that many tags at all are scanned."""
    if html.count("<") < MAX_DEPTH:
        return False
    depth = 0
    for m in _TAG.finditer(html):
        if m.group(2).lower() in _NOT_NESTING:
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_DEPTH:
                return True
    return False


def _children(node, tags: tuple[str, ...]) -> list:
    return [child for child in node.iter() if child.tag in tags]


def _rows(table) -> list:
    rows = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(_children(child, ("tr",)))
    return rows


def _int_attr(node, name: str, default: int, limit: int) -> int:
    value = (node.attributes.get(name) or "").strip()
    return max(0, min(int(value), limit)) if value.isascii() and value.isdigit() else default


def _fill_row_spans(rows: list) -> None:
    """Cells hidden under a rowspan get an empty cell, so every row keeps its columns (as DOCX rows do)."""
    pending: dict[int, list[int]] = {}  # first column -> [rows still covered, columns wide]
    for index, row in enumerate(rows):
        remaining_rows = len(rows) - index
        carried: dict[int, list[int]] = {}
        col = 0
        for cell in _children(row, ("td", "th")):
            while col in pending:
                left, width = pending.pop(col)
                cell.insert_before(CELL)
                if left > 1:
                    carried[col] = [left - 1, width]
                col += width
            width = _int_attr(cell, "colspan", 1, 1000) or 1
            span = _int_attr(cell, "rowspan", 1, 65534)
            span = remaining_rows if span == 0 else min(span, remaining_rows)
            if span > 1:
                carried[col] = [span - 1, width]
            col += width
        for start in sorted(pending):  # spans beyond the row's last cell
            left, width = pending[start]
            row.insert_child(CELL)
            if left > 1:
                carried[start] = [left - 1, width]
        pending = carried


def _marks_by_dom(tree: LexborHTMLParser, lowered: str) -> str:
    """Insert marks around blocks, after data cells and around <pre>; return the body's text with them."""
    root = tree.body or tree.root
    if root is None:
        return ""
    drop = [tag for tag in _DROP if "<" + tag in lowered]
    if root.tag != "body":
        drop.append("head")
    if drop:
        for node in root.css(",".join(drop)):
            node.decompose(recursive=False)  # detaches (does not free) the element, so nested matches are safe
    features = {name for name, probe in _FEATURES if probe in lowered}
    if "crumb" in lowered:  # a breadcrumb trail ("Home > Transparency > ...") marked by its class, not in a <nav>
        for node in root.css(_BREADCRUMBS):
            node.decompose(recursive=False)
    if "hidden" in features:
        for node in root.css(_HIDDEN):
            node.decompose(recursive=False)
    data_cells: set[int] = set()
    flat: set[int] = set()
    if "table" in features:
        _mark_tables(root, data_cells, flat, "rowspan" in features)

    blocks = [node for node in root.traverse() if node.tag in _BLOCK_TAGS]
    terms, definitions = _short_terms(root) if "<dl" in lowered else ({}, set())
    for node in blocks:
        if node.mem_id in terms:
            # "<dt>Accepted</dt><dd>21</dd>": a short term and its short definition are one line, "Accepted: 21"
            node.insert_before(LINE)
            node.insert_after(terms[node.mem_id])
            continue
        if node.mem_id in definitions:
            node.insert_after(LINE)
            continue
        if flat or data_cells:
            mem_id = node.mem_id
            if mem_id in flat:
                node.insert_before(IN_CELL_BREAK)
                node.insert_after(IN_CELL_BREAK)
                continue
            if mem_id in data_cells:
                node.insert_after(CELL)
                continue
        tag = node.tag
        if tag == "br":
            node.insert_after(LINE)
        elif tag in _PARA_TAGS:
            node.insert_before(PARA)
            node.insert_after(PARA)
            if tag == "pre":
                node.insert_before(PRE_OPEN)
                node.insert_after(PRE_CLOSE)
        else:
            node.insert_before(LINE)
            node.insert_after(LINE)
    if "ol" in features:
        _number_ordered_lists(root, flat)
    return root.text(deep=True, separator="", strip=False)


MAX_INLINE_TERM = 40
MAX_INLINE_DEFINITION = 40


def _short_terms(root) -> tuple[dict, set]:
    """<dt> elements (by mem_id) whose <dd> follows at once and both are short, each with the separator to put
    after it, and those <dd>s. (Question-and-answer lists keep each on its own line: their questions are long.)"""
    out: dict = {}
    definitions: set = set()
    for dt in root.css("dt"):
        dd = dt.next
        while dd is not None and dd.tag == "-text" and not (dd.text(deep=False) or "").strip():
            dd = dd.next
        if dd is None or dd.tag != "dd":
            continue
        term, definition = dt.text(strip=True), dd.text(strip=True)
        if 0 < len(term) <= MAX_INLINE_TERM and 0 < len(definition) <= MAX_INLINE_DEFINITION and dd.css_first("p, div, ul, ol, table") is None:
            out[dt.mem_id] = " " if term.endswith(":") else ": "
            definitions.add(dd.mem_id)
    return out, definitions


def _mark_tables(root, data_cells: set[int], flat: set[int], rowspans: bool) -> None:
    """Data tables: rows become lines and cell contents are flattened. Layout tables (one with a table inside,
    or one cell per row) wrap whole pages on old sites: their cells stay blocks like any other."""
    tables = root.css("table")
    nested = len(tables) > 1 and root.css_first("table table") is not None
    containers: set[int] = set()  # tables with a table inside: layout
    if nested:
        for inner in root.css("table table"):
            parent = inner.parent
            while parent is not None and parent.tag != "table":
                parent = parent.parent
            if parent is not None:
                containers.add(parent.mem_id)
    data_tables = []
    for table in tables:
        if nested and (table.mem_id in containers or table.mem_id in flat):
            continue
        rows = _rows(table)
        cells_per_row = [_children(row, ("td", "th")) for row in rows]
        if all(len(cells) <= 1 for cells in cells_per_row):
            continue
        data_tables.append(table)
        for cells in cells_per_row:
            data_cells.update(cell.mem_id for cell in cells)
        if rowspans and table.css_first("[rowspan]") is not None:
            _fill_row_spans(rows)
        if nested:  # "td *" would also match this table's own rows inside an outer layout cell
            structure = {table.mem_id, *(row.mem_id for row in rows), *(child.mem_id for child in table.iter())}
            flat.update(n.mem_id for n in table.css(_IN_CELL_SELECTOR) if n.mem_id not in structure and n.mem_id not in data_cells)
    if not nested and data_tables:
        if len(data_tables) == len(tables):
            flat.update(n.mem_id for n in root.css(_IN_CELL_SELECTOR))
        else:
            for table in data_tables:
                flat.update(n.mem_id for n in table.css(_IN_CELL_SELECTOR))


def _number_ordered_lists(root, flat: set[int]) -> None:
    """A browser shows '1.', '2.' before <ol> items; replies number their answers that way, so keep them."""
    for ol in root.css("ol"):
        if ol.mem_id in flat or "none" in (ol.attributes.get("style") or "").lower():
            continue
        kind = (ol.attributes.get("type") or "1").strip()
        number = _int_attr(ol, "start", 1, 10**6)
        if ol.attributes.get("reversed") is not None:
            continue  # rare; a wrong number is worse than none
        for li in _children(ol, ("li",)):
            number = _int_attr(li, "value", number, 10**6)
            first = li.child
            label = f"{_list_label(number, kind)}. "
            if first is not None:
                first.insert_before(label)
            else:
                li.insert_child(label)
            number += 1


def _list_label(number: int, kind: str) -> str:
    if kind in ("a", "A") and 1 <= number <= 26:
        label = "abcdefghijklmnopqrstuvwxyz"[number - 1]
        return label.upper() if kind == "A" else label
    if kind in ("i", "I") and 1 <= number <= 39:
        label = _roman(number)
        return label if kind == "I" else label.lower()
    return str(number)


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out


def _marks_by_regex(html: str) -> str:
    """The same marks from a linear regex pass, for pages too deeply nested to parse in reasonable time.

    Every pattern stops at the next '<', so unterminated tags or comments cannot make a pass quadratic.
    """
    html = _drop_elements(html)

    def mark(m: re.Match) -> str:
        name = m.group(2).lower()
        if name in ("td", "th"):
            return CELL if m.group(1) else ""
        if name == "br":
            return LINE
        if name == "pre":
            return PRE_CLOSE + PARA if m.group(1) else PARA + PRE_OPEN
        if name in _PARA_TAGS:
            return PARA
        if name in _LINE_TAGS:
            return LINE
        return ""

    marked = _ANY_TAG.sub(mark, html)
    marked = _OTHER_MARKUP.sub("", marked)
    return html_lib.unescape(marked)


def _drop_elements(html: str) -> str:
    """Remove comments and script/style/... elements in one forward scan (an unclosed one runs to the end)."""
    lowered = html.lower()
    out: list[str] = []
    pos = 0
    while (m := _DROPPED_START.search(lowered, pos)) is not None:
        out.append(html[pos : m.start()])
        closer = "-->" if m.group(0) == "<!--" else "</" + m.group(1)
        end = lowered.find(closer, m.end())
        if end < 0:
            if m.group(1) == "nav":  # an unclosed <nav> may hold the whole page: keep it
                out.append(html[m.start() :])
            return "".join(out)
        close = lowered.find(">", end)
        pos = len(html) if close < 0 else close + 1
    out.append(html[pos:])
    return "".join(out)


def _render(marked: str) -> str:
    """Marks to lines: whitespace collapsed (kept inside <pre>), rows joined with ' | ', one blank line at most."""
    if IN_CELL_BREAK in marked:
        marked = _IN_CELL_BREAKS_RE.sub(_in_cell_break, marked)
    marked = normalise(marked)  # first: a control character alone on a line must not leave an empty line behind
    has_pre = PRE_OPEN in marked or PRE_CLOSE in marked
    marked = _keep_pre(marked) if has_pre else " ".join(marked.split())  # split() collapses all Unicode spaces
    marked = marked.replace(PARA, "\n" + PARA + "\n").replace(LINE, "\n")
    lines: list[str] = []
    blank = False
    for part in marked.split("\n"):
        if part == PARA:
            blank = True
            continue
        if CELL in part:
            cells = [cell.strip() for cell in (part.replace(KEEP, "") if has_pre else part).split(CELL)]
            if not cells[-1]:
                cells.pop()  # the text after the last cell's mark
            line = CELL_SEPARATOR.join(cells) if any(cells) else ""
        elif has_pre and part.startswith(KEEP):
            line = part[1:].rstrip()  # preformatted: indentation is layout
            if not line.strip():
                blank = True
                continue
        else:
            line = part.strip(" ")
        if line:
            if blank and lines:
                lines.append("")
            blank = False
            lines.append(line)
    return "\n".join(lines)


def _in_cell_break(m: re.Match) -> str:
    before, after = m.group("before"), m.group("after")
    between = "; " if before and before not in ".!?:;,(|" and after[:1].isupper() else " "
    return before + between + after


def _keep_pre(marked: str) -> str:
    """Inside <pre> each newline ends a line that keeps its spaces (flagged KEEP); elsewhere collapse whitespace."""
    out: list[str] = []
    depth = 0
    for part in _PRE_SPLIT.split(marked):
        if part == PRE_OPEN:
            depth += 1
            out.append(LINE + KEEP if depth == 1 else "")
        elif part == PRE_CLOSE:
            if depth:
                depth -= 1
                out.append(LINE if depth == 0 else "")
        elif depth:
            out.append(part.replace("\n", LINE + KEEP))
        else:
            out.append(" ".join(part.split()))
    return "".join(out)
