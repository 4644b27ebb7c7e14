"""Scanned pages and images read with Tesseract (through tesserocr), cached and spread over worker processes.

Why tesserocr: it calls Tesseract's library in the process, so a page costs no process start, no PNG encoding
and no TSV parsing; on generated letter pages (2-core machine, one thread) it read 0.86 s a page at 250 dpi
where pytesseract took 1.43 s, with the same words. OCRmyPDF writes a new PDF with a text layer (and needs
Ghostscript): more than reading the words needs. The language data comes from Debian's tesseract-ocr-eng.

A page costs about a second, so its result (the words and their boxes, before layout) is cached by the SHA-256
of the file's bytes, the page and the resolution (OcrCache in foi_pipeline.cache), and ingest_directory reads
the pages of many files on several processes (OcrReader.run_pending).
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from foi_pipeline.ingest.layout import Word

# Pages of a PDF are rendered at this resolution. Measured on generated letters and tables with noise and a
# slight rotation (tests/test_ingest_ocr.py, `foi bench`): 200 dpi lost figures (92 % read right), 250 and 300
# read them all; 300 costs about a quarter more than 250 and is what Tesseract is trained at, so small print
# (footnotes, table cells at 8 pt) keeps its margin.
OCR_DPI = 300
# Images whose page is narrower than this are enlarged before OCR: Tesseract reads letters about 20-30 pixels
# high best, and a page scanned at 150 dpi (1,240 pixels wide) has them at 12-15.
MIN_PAGE_WIDTH_PX = 2000
MAX_UPSCALE = 3.0
# Smaller than this (a logo, a signature, an icon in an e-mail) holds no reply worth reading.
MIN_IMAGE_PIXELS = 300 * 200
# A figure read with less confidence than this goes to review_queue (foi_pipeline.ingest.layout.figure_doubt).
MIN_FIGURE_CONFIDENCE = 80.0
# Bump when what a page's OCR returns changes (engine settings, rendering): it keys the OCR cache.
OCR_VERSION = "1"
LANGUAGE = "eng"
INSTALL_HINT = "install Debian's packages tesseract-ocr and tesseract-ocr-eng (`make ocr`, or apt-get install tesseract-ocr tesseract-ocr-eng)"
_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata",
    "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata",
)
PARALLEL_MIN_PAGES = 2  # one page is read in this process: a worker costs about half a second to start


class OcrUnavailable(Exception):
    """Tesseract or its English data is not installed: the file is recorded as needs_ocr, with what to install."""


class OcrPending(Exception):
    """A page is not in the OCR cache yet; ingest reads it later, with others, on worker processes."""


@dataclass(frozen=True)
class OcrPage:
    """Tesseract's words on one page image, with the image's size and how long reading it took."""

    words: tuple[Word, ...]
    width: int
    height: int
    seconds: float = 0.0

    @property
    def mean_confidence(self) -> float | None:
        confs = [w.conf for w in self.words if w.conf >= 0]
        return sum(confs) / len(confs) if confs else None


def tessdata_dir() -> str | None:
    """The folder holding eng.traineddata: TESSDATA_PREFIX when set, else where Debian and others put it."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = ([prefix, os.path.join(prefix, "tessdata")] if prefix else []) + list(_TESSDATA_DIRS)
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, f"{LANGUAGE}.traineddata")):
            return folder
    return None


def unavailable_reason() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    try:
        import tesserocr  # noqa: F401
    except ImportError as err:  # the binding is a locked dependency: this is a broken install
        return f"the tesserocr package cannot be loaded ({err}); run `uv sync`"
    if tessdata_dir() is None:
        return f"Tesseract's English language data (eng.traineddata) was not found; {INSTALL_HINT}"
    return None


_API: dict[str, Any] = {}


def _api() -> Any:
    """One Tesseract engine per process (starting one loads its model, about 0.2 s)."""
    if "api" not in _API:
        reason = unavailable_reason()
        folder = tessdata_dir()
        if reason or folder is None:
            raise OcrUnavailable(reason or "Tesseract's English language data (eng.traineddata) was not found")
        # Tesseract's OpenMP threads fight each other and the other processes on a small machine: one page on two
        # threads took 2.8 s, on one 1.0 s. Set before the library loads, and only when nobody chose otherwise.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        import tesserocr

        _API["api"] = tesserocr.PyTessBaseAPI(path=folder + os.sep, lang=LANGUAGE, psm=tesserocr.PSM.SINGLE_COLUMN)
    return _API["api"]


# A sheet fed a little crooked is turned straight before OCR: Tesseract's line recogniser misreads a skewed line's
# first figure ("1." as "14." at 0.6 degrees, with 84 % confidence), and reads it right once the page is straight.
MAX_SKEW_DEGREES = 5.0
_SKEW_SAMPLE_WIDTH = 600


def skew_angle(image: Any) -> float:
    """The rotation (degrees, counter-clockwise) that makes the page's lines horizontal: the angle at which the
    rows of ink on a small black-and-white copy are sharpest (the projection profile's largest jumps)."""
    import numpy as np
    from PIL import Image

    scale = _SKEW_SAMPLE_WIDTH / image.width
    small = image.convert("L").resize((_SKEW_SAMPLE_WIDTH, max(1, round(image.height * scale))))
    ink = Image.fromarray(((np.asarray(small) < 128) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float32).sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.5), key=sharpness)
    best = float(max(np.arange(coarse - 0.5, coarse + 0.51, 0.05), key=sharpness))
    # A page of two short lines has too little ink to measure: turn it only when the rows are clearly sharper.
    return best if sharpness(best) > 1.1 * sharpness(0.0) else 0.0


def cleaned(image: Any, size: int = 3) -> Any:
    """The page with a scanner's speckle taken out (a median of size x size pixels): on a page of little text, grey
    noise decides Tesseract's black-and-white threshold and the page reads as nothing."""
    from PIL import ImageFilter

    return image.filter(ImageFilter.MedianFilter(size))


# A page where fewer words than this are found is read again with a wider median: an enlarged coarse scan's
# grains outlast a 3x3 one (a one-line reply scanned at 150 dpi read as nothing, and whole with a 5x5).
FEW_WORDS = 3


def deskewed(image: Any) -> Any:
    from PIL import Image

    angle = skew_angle(image)
    if abs(angle) < 0.05:
        return image
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def recognise(image: Any, dpi: int = OCR_DPI) -> OcrPage:
    """Tesseract's words and boxes on one page image (PIL), turned straight first; boxes in its pixels."""
    started = time.perf_counter()
    api = _api()
    enlarged = _enlarged(image.convert("L"))
    for size in (3, 5):
        gray = deskewed(cleaned(enlarged, size))
        api.SetImage(gray)
        api.SetSourceResolution(int(dpi))
        api.Recognize()
        words = tuple(_tsv_words(api.GetTSVText(0)))
        api.Clear()
        if len(words) >= FEW_WORDS:
            break
    return OcrPage(words, gray.width, gray.height, time.perf_counter() - started)


def _tsv_words(tsv: str) -> Iterable[Word]:
    """Words of Tesseract's TSV (level 5 rows: level page block par line word left top width height conf text)."""
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        yield Word(cells[11], float(cells[10]), left, top, width, height, (int(cells[2]), int(cells[3]), int(cells[4])))


def render_pdf_page(data: bytes, index: int, dpi: int = OCR_DPI) -> Any:
    """One page of a PDF as a grey PIL image: at `dpi`, or at the resolution of the scan that fills it when that is
    lower (rendering a 150 dpi scan at 300 dpi only blurs its speckle into blobs; recognise enlarges it after
    cleaning)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(data)
    try:
        page = document[index]
        try:
            width, height = page.get_size()
            for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                left, bottom, right, top = image.get_bounds()
                if (right - left) * (top - bottom) >= 0.5 * width * height and right > left:
                    native = image.get_px_size()[0] / ((right - left) / 72)
                    dpi = int(max(100, min(dpi, native)))
                    break
            return page.render(scale=dpi / 72, grayscale=True).to_pil()
        finally:
            page.close()
    finally:
        document.close()


def image_frames(data: bytes) -> list[Any]:
    """The pages of an image file (a TIFF may hold several), grey."""
    from PIL import Image, ImageSequence

    with Image.open(io.BytesIO(data)) as image:
        return [frame.convert("L") for frame in ImageSequence.Iterator(image)]


def _enlarged(image: Any) -> Any:
    from PIL import Image

    if image.width * image.height < MIN_IMAGE_PIXELS or image.width >= MIN_PAGE_WIDTH_PX:
        return image
    scale = min(MAX_UPSCALE, MIN_PAGE_WIDTH_PX / image.width)
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)


def read_page(data: bytes, kind: str, index: int, dpi: int = OCR_DPI) -> OcrPage:
    """OCR of page `index` of a PDF (kind 'pdf', rendered at dpi) or of an image file (kind 'image')."""
    if kind == "pdf":
        return recognise(render_pdf_page(data, index, dpi), dpi)
    return recognise(image_frames(data)[index])


class MemoryCache(dict):
    """The get/put store of a reader given no cache: pages read on the workers wait here to be parsed."""

    def put(self, key: Any, value: Any) -> None:
        self[key] = value


PageKey = tuple[str, str, int, int, str]  # (sha256 of the file's bytes, kind, page, dpi, OCR_VERSION)


@dataclass
class OcrReader:
    """Reads pages by OCR for the parsers, through a cache when one is given.

    With `defer` on, a page not in the cache is not read at once: it is noted and OcrPending raised, so that
    ingest can read every such page of a folder together, on `workers` processes (run_pending), and then parse
    those files again from the cache.
    """

    cache: Any = None  # a dict-like get/put store (foi_pipeline.cache.OcrCache); None: no caching
    workers: int = 1
    defer: bool = False
    dpi: int = OCR_DPI
    pending: dict[PageKey, tuple[bytes, str, int]] = field(default_factory=dict)
    pages_read: int = 0
    seconds: float = 0.0
    deferrals: int = 0  # files set aside to be parsed again once their pages are read

    def unavailable(self) -> str | None:
        return unavailable_reason()

    def pages(self, data: bytes, kind: str, indices: list[int]) -> list[OcrPage]:
        """The OCR of these pages, in order; OcrPending (after noting every missing page) when deferring."""
        sha256 = hashlib.sha256(data).hexdigest()
        keys = [(sha256, kind, index, self.dpi if kind == "pdf" else 0, OCR_VERSION) for index in indices]
        found: dict[PageKey, OcrPage] = {}
        missing = []
        for key in keys:
            page = self.cache.get(key) if self.cache is not None else None
            if page is None:
                missing.append(key)
            else:
                found[key] = page
        if missing and self.defer:
            for key in missing:
                self.pending[key] = (data, kind, key[2])
            raise OcrPending(f"{len(missing)} page(s) to read by OCR")
        for key in missing:
            found[key] = self._read(data, kind, key[2])
            if self.cache is not None:
                self.cache.put(key, found[key])
        return [found[key] for key in keys]

    def _read(self, data: bytes, kind: str, index: int) -> OcrPage:
        page = read_page(data, kind, index, self.dpi)
        self.pages_read += 1
        self.seconds += page.seconds
        return page

    def run_pending(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Read every noted page into the cache: on worker processes when there are several pages and workers."""
        jobs = list(self.pending.items())
        self.pending = {}
        if self.cache is None:
            self.cache = MemoryCache()
        results: list[OcrPage] | None = None
        if self.workers > 1 and len(jobs) >= PARALLEL_MIN_PAGES:
            try:
                results = _read_in_workers([job for _, job in jobs], self.dpi, min(self.workers, len(jobs)), progress)
            except (BrokenProcessPool, OSError) as err:  # a worker killed: read the pages here instead
                warnings.warn(f"OCR workers failed ({err.__class__.__name__}: {err}); reading the pages in this process", stacklevel=2)
        if results is None:
            results = []
            for i, (_, (data, kind, index)) in enumerate(jobs, 1):
                results.append(read_page(data, kind, index, self.dpi))
                if progress:
                    progress(i, len(jobs))
        for (key, _), page in zip(jobs, results):
            self.cache.put(key, page)
            self.pages_read += 1
            self.seconds += page.seconds


def _start_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one thread a process: the processes are the parallelism


def _read_job(job: tuple[bytes, str, int, int]) -> OcrPage:
    data, kind, index, dpi = job
    return read_page(data, kind, index, dpi)


def _read_in_workers(jobs: list[tuple[bytes, str, int]], dpi: int, workers: int,
                     progress: Callable[[int, int], None] | None) -> list[OcrPage]:
    """Spawned (not forked) workers, like extraction's: the parent may hold threads and locks."""
    context = multiprocessing.get_context("spawn")
    out: list[OcrPage] = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        for page in pool.map(_read_job, [(data, kind, index, dpi) for data, kind, index in jobs]):
            out.append(page)
            if progress:
                progress(len(out), len(jobs))
    return out
