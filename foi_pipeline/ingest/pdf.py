"""PDF replies: the text layer through pdfium, page breaks kept as form feeds.

pdfium returns "\\r\\n" line ends and marks a hyphen that ends a line with U+FFFE, dropping that line break
("pro\\ufffegramme"): we restore "-\\n" so the text reads as the page shows it.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium

from foi_pipeline.ingest.text import normalise

PAGE_BREAK = "\n\f\n"
_LINE_END_HYPHEN = re.compile("\ufffe(?:\r?\n)?")


class NeedsOCR(Exception):
    """The PDF has pages but no text layer (a scan)."""


def pdf_to_text(data: bytes) -> str:
    """Text of every page in order; raises NeedsOCR for scans and pdfium's error for broken or locked files."""
    document = pdfium.PdfDocument(data)
    try:
        pages = [_page_text(document, index) for index in range(len(document))]
    finally:
        document.close()
    if not pages:
        raise ValueError("PDF has no pages")
    if not any(page.strip() for page in pages):
        raise NeedsOCR(f"PDF has {len(pages)} page(s) but no text layer; it needs OCR")
    return PAGE_BREAK.join(page.strip("\n") for page in pages)


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    if "\ufffe" in text:
        text = _LINE_END_HYPHEN.sub("-\n", text)
    return normalise(text)
