"""PDF replies: the text layer through pdfium, page breaks kept as form feeds."""

from __future__ import annotations

import pypdfium2 as pdfium

from foi_pipeline.ingest.text import normalise

PAGE_BREAK = "\n\f\n"


class NeedsOCR(Exception):
    """The PDF has pages but no text layer (a scan)."""


def pdf_to_text(data: bytes) -> str:
    """Text of every page in order; raises NeedsOCR for scans and pdfium's error for broken or locked files."""
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    pages.append(normalise(textpage.get_text_range()))
                finally:
                    textpage.close()
            finally:
                page.close()
    finally:
        document.close()
    if pages and not any(p.strip() for p in pages):
        raise NeedsOCR(f"PDF has {len(pages)} page(s) but no text layer; it needs OCR")
    return PAGE_BREAK.join(p.strip("\n") for p in pages)
