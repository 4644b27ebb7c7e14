"""Scanned copies of replies, made here: a reply typeset as a PDF, printed to pixels, made noisy and crooked.

Used by `foi bench` (OCR pages per second) and the OCR tests, which compare what a scan reads as with what its
text-layer PDF reads as. A scanner's artefacts are imitated: the page is rendered at a scanner's resolution,
grey noise is added, and the page is turned by a fraction of a degree, as a sheet fed a little crooked.
"""

from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
from fpdf import FPDF
from PIL import Image

# The core PDF fonts hold latin-1 only: the few other characters replies use are written as their nearest.
_LATIN1 = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "•": "-", "\u00a0": " "})


# A two-page reply for `foi bench`: a letter, its answers and the usual paragraphs after them.
BENCH_LETTER = "\n".join([
    "Office of the Police and Crime Commissioner", "Freedom of Information Request FOI/2023/0412", "Date: 14 August 2023", "",
    "Dear Applicant,", "Thank you for your request for information about domestic abuse perpetrator programmes in 2022/23.", "",
    *[f"{i}. {stage}: {n}" for i, (stage, n) in enumerate(zip(
        ["Programmes commissioned", "Males who self-referred", "Self-referred males accepted", "Self-referred males who completed",
         "Males referred by an agency", "Agency-referred males accepted", "Agency-referred males who completed",
         "Organisations that referred", "Financial contributors", "Budget inclusive of running costs"],
        ["Drive and the Change Hub", "17", "11", "6", "84", "59", "27", "the Constabulary and Children's Services",
         "the Home Office and the Commissioner", "£120,000 and £30,000"]), 1)], "",
    *["If you are dissatisfied with the handling of your request you may ask for an internal review within 40 working days "
      "of the date of this letter. Should you remain dissatisfied you may complain to the Information Commissioner." for _ in range(16)],
    "", "Yours sincerely,", "Information Access Officer",
])


def latin1(text: str) -> str:
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def letter_pdf(text: str, *, size: float = 11) -> bytes:
    """A reply's text typeset as a PDF with a text layer, one line per line (long lines wrap)."""
    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_font("helvetica", size=size)
    pdf.add_page()
    for line in latin1(text).split("\n"):
        pdf.multi_cell(0, size * 0.45, line if line.strip() else "", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def table_pdf(intro: str, rows: list[tuple[str, ...]], outro: str = "", *, size: float = 10) -> bytes:
    """A letter with a drawn table, as Word or LibreOffice export one."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=size)
    pdf.multi_cell(0, 5, latin1(intro), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    with pdf.table() as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(latin1(cell))
    pdf.ln(2)
    if outro:
        pdf.multi_cell(0, 5, latin1(outro), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scan(pdf: bytes, *, dpi: int = 200, noise: float = 18.0, angle: float = 0.6, seed: int = 0) -> list[Image.Image]:
    """Each page as a scanner would give it: grey, at `dpi`, with noise and turned by `angle` degrees."""
    rng = np.random.default_rng(seed)
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            pixels = np.asarray(image, dtype=np.float32) + rng.normal(0.0, noise, (image.height, image.width))
            noisy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            pages.append(noisy.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
    finally:
        document.close()
    return pages


def image_pdf(pages: list[Image.Image], dpi: int = 200) -> bytes:
    """The pages as an image-only PDF (no text layer), as a scanner saves them."""
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def image_file(pages: list[Image.Image], fmt: str = "PNG", dpi: int = 200) -> bytes:
    """The pages as an image file: PNG or JPEG (first page), TIFF (every page)."""
    buffer = io.BytesIO()
    if fmt.upper() in ("TIFF", "TIF"):
        pages[0].save(buffer, "TIFF", dpi=(dpi, dpi), save_all=True, append_images=pages[1:], compression="tiff_deflate")
    else:
        pages[0].save(buffer, fmt.upper(), dpi=(dpi, dpi), **({"quality": 85} if fmt.upper() in ("JPEG", "JPG") else {}))
    return buffer.getvalue()
