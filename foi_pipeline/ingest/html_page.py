"""HTML replies (disclosure-log pages, e-mail bodies) to visible text, one line per block and per table row."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from foi_pipeline.ingest.text import decode_text, normalise

CELL_SEPARATOR = " | "
_DROP = ["script", "style", "template", "noscript", "head", "svg", "iframe", "object"]
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
    "footer", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "dl", "dt", "dd", "hr", "address",
    "main", "nav", "aside", "figure", "figcaption", "form", "fieldset", "caption", "body", "html",
}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "section", "article", "pre", "dl"}
_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """Honour a declared charset when it decodes cleanly, else the plain-text chain."""
    m = _CHARSET_RE.search(data[:4096])
    if m:
        try:
            return normalise(data.decode(m.group(1).decode("ascii")))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def html_to_text(html: str) -> str:
    """Visible text: blocks and table rows become lines, cells are joined with ' | ', entities decoded."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(_DROP)
    root = tree.body or tree.root
    if root is None:
        return ""
    out: list[str | None] = []  # None marks a paragraph break
    line: list[str] = []
    # Iterative walk (no recursion): deeply nested pages must not exhaust the stack.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag
        if closing:
            if tag in ("td", "th"):
                line.append("\x00")  # cell boundary
            elif tag in _BLOCKS:
                out.append("".join(line))
                line = []
                if tag in _PARAGRAPHS:
                    out.append(None)
            continue
        if tag == "-text":
            line.append(node.text_content or "")
            continue
        if tag in _BLOCKS:
            out.append("".join(line))
            line = []
        stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        for child in reversed(children):
            stack.append((child, False))
    out.append("".join(line))
    lines: list[str] = []
    for raw in out:
        if raw is None:
            if lines and lines[-1]:
                lines.append("")
            continue
        cells = [re.sub(r"[ \t\u00a0]+", " ", c).strip() for c in raw.split("\x00")]
        cells = [c for c in cells if c] if len(cells) > 1 else cells
        text = CELL_SEPARATOR.join(cells).strip()
        if text:
            lines.append(text)
    return normalise("\n".join(lines).strip("\n"))
