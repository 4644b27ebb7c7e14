"""Pages -> one reading of a file: its text, how it was got (text layer, OCR or both) and OCR's doubts.

Shared by PDFs (pdf.py: some pages have a text layer, some are scans) and image files (PNG, JPEG, TIFF: every
page is a scan). The pages are cleaned together (artefacts.clean_pages); every OCR'd word that may be a figure
and is doubtful (layout.figure_doubt) becomes a note with its span in the cleaned text and its page, which the
pipeline lists in review_queue. Nothing is corrected: a figure is read as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from foi_pipeline.ingest.artefacts import PAGE_BREAK, clean_pages
from foi_pipeline.ingest.layout import PlacedWord, figure_doubt, layout_page
from foi_pipeline.ingest.ocr import MIN_FIGURE_CONFIDENCE, MIN_IMAGE_PIXELS, OcrPage, OcrReader

TEXT_LAYER, OCR, MIXED = "text_layer", "ocr", "mixed"  # contract.TEXT_SOURCES


@dataclass(frozen=True)
class Reading:
    """What a parser made of a file. `notes` are review items (char_start, char_end, evidence_text, value,
    reason, page) with spans in `text`; `empty_reason` says why a file that was read holds no text."""

    text: str
    text_source: str = TEXT_LAYER
    ocr_confidence: float | None = None  # mean word confidence (0-100) over the OCR'd pages
    ocr_pages: int = 0
    notes: tuple[dict, ...] = ()
    empty_reason: str | None = None


@dataclass
class PageText:
    """One page before the pages are cleaned together: its text and, for an OCR'd page, its words."""

    text: str
    ocr: bool = False
    words: tuple[PlacedWord, ...] = ()
    unread: str | None = None  # a page that needed OCR and could not have it: why
    extra_notes: list[dict] = field(default_factory=list)


def ocr_page_text(page: OcrPage) -> PageText:
    layout = layout_page(list(page.words))
    return PageText(layout.text, ocr=True, words=layout.words)


def assemble(pages: list[PageText], min_conf: float = MIN_FIGURE_CONFIDENCE) -> Reading:
    """The file's reading from its pages, in order."""
    text, spans = clean_pages([p.text for p in pages])
    notes: list[dict] = []
    offset = 0
    confs: list[float] = []
    for number, page in enumerate(pages, 1):
        for word in page.words:
            if word.conf >= 0:
                confs.append(word.conf)
            why = figure_doubt(word.text, word.conf, min_conf)
            if why is None:
                continue
            moved = spans.span(offset + word.start, offset + word.end)
            if moved is None:  # it was page furniture (a page number): nothing to read
                continue
            start, end = moved
            notes.append({"char_start": start, "char_end": end, "evidence_text": text[start:end], "value": word.text,
                          "page": number, "field": "ocr_figure",
                          "reason": f"OCR read '{word.text}' on page {number}; it {why}. A figure is never guessed: it is "
                                    "kept as read, check it against the scan"})
        if page.unread:
            notes.append({"char_start": 0, "char_end": 0, "evidence_text": "", "value": None, "page": number,
                          "field": "ocr_page", "reason": f"page {number} has no text layer and was not read: {page.unread}"})
        offset += len(page.text) + len(PAGE_BREAK)
    ocr_pages = sum(p.ocr for p in pages)
    source = TEXT_LAYER if not ocr_pages else OCR if ocr_pages == len(pages) else MIXED
    return Reading(text, source, round(sum(confs) / len(confs), 1) if confs else (0.0 if ocr_pages else None),
                   ocr_pages, tuple(notes))


def read_image(data: bytes, reader: OcrReader | None = None) -> Reading:
    """An image file (PNG, JPEG, TIFF with one page or several) read by OCR.

    Raises OcrUnavailable when Tesseract is missing, OcrPending when the reader defers; an image too small to
    hold a page (a logo, an icon) is read as empty, with the reason."""
    from foi_pipeline.ingest.ocr import OcrUnavailable, image_frames

    reader = reader or OcrReader()
    frames = image_frames(data)
    if not frames:
        return Reading("", OCR, empty_reason="the image has no frames")
    if all(f.width * f.height < MIN_IMAGE_PIXELS for f in frames):
        size = f"{frames[0].width}x{frames[0].height}"
        return Reading("", OCR, empty_reason=f"the image ({size} pixels) is too small to hold a reply; it was not read by OCR")
    reason = reader.unavailable()
    if reason:
        raise OcrUnavailable(f"an image needs OCR to be read, and OCR is not available: {reason}")
    pages = reader.pages(data, "image", list(range(len(frames))))
    reading = assemble([ocr_page_text(page) for page in pages])
    if not reading.text.strip():
        return Reading("", OCR, reading.ocr_confidence, reading.ocr_pages,
                       empty_reason=f"OCR found no text in the image ({len(frames)} page(s))")
    return reading
