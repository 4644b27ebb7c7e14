"""`foi bench`: generate N synthetic replies, run the pipeline on them and report speed, memory and accuracy.

The report's last line is one JSON object with the keys docs, ingest_docs_per_s, pdf_pages_per_s,
extract_docs_per_s_per_core, end_to_end_s, incremental_one_doc_s, peak_rss_mb, accuracy, and <format>_docs_per_s
for every other format in the mix (docx, html, eml, msg, xlsx, csv, odt, rtf, txt), plus doc_docs_per_s: no
library here writes Word 97 files, so .doc is timed on the files in tests/fixtures/formats/ when antiword is
installed; and ocr_pages_per_s.
"""

from __future__ import annotations

import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

TARGETS = {
    "extract_docs_per_s_per_core": (">=", 2000),
    "end_to_end_s": ("<=", 60),
    "peak_rss_mb": ("<=", 1024),
    "incremental_one_doc_s": ("<=", 10),
    "pdf_pages_per_s": (">=", 500),
    "docx_docs_per_s": (">=", 100),
    "html_docs_per_s": (">=", 3000),
    "xlsx_docs_per_s": (">=", 100),
    "odt_docs_per_s": (">=", 100),
    "msg_docs_per_s": (">=", 50),
}
DOC_SAMPLES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "formats"


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _materialise(raw: Path, warehouse: Path) -> float:
    import dagster as dg

    from foi_pipeline.defs.assets import all_assets
    from foi_pipeline.defs.resources import run_resources, settings_from_env

    started = time.perf_counter()
    result = dg.materialize(
        all_assets, resources=run_resources(settings_from_env(str(raw), str(warehouse), str(raw.parent / "no-corrections"))),
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}}, raise_on_error=False,
    )
    if not result.success:
        raise RuntimeError("the pipeline run failed during the benchmark")
    return time.perf_counter() - started


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else float("inf")


def run_bench(n: int, workdir: Path | None = None, say=print) -> dict:
    import pypdfium2 as pdfium

    from foi_pipeline.bench.synthetic import save_gold, write_corpus
    from foi_pipeline.evaluate import evaluate, load_tables
    from foi_pipeline.extract import extract_reply
    from foi_pipeline.ingest import ingest_directory, parse_bytes
    from foi_pipeline.specs import load_catalogue, load_requests, match_request

    root = Path(workdir or tempfile.mkdtemp(prefix="foi-bench-"))
    raw = root / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    say(f"generating {n} synthetic replies in {raw} ...")
    gold = write_corpus(raw, n)
    save_gold(gold, root / "gold.json")  # `foi evaluate --gold <workdir>/gold.json --warehouse <workdir>/warehouse` lists mismatches

    say("ingest (all formats) ...")
    started = time.perf_counter()
    docs = ingest_directory(raw)
    ingest_s = time.perf_counter() - started

    by_format: dict[str, list[Path]] = {}
    for path in sorted(raw.iterdir()):
        by_format.setdefault(path.suffix.lstrip("."), []).append(path)
    rates = {}
    for fmt in ("pdf", "docx", "html", "eml", "msg", "xlsx", "csv", "odt", "rtf", "txt", "doc"):
        files = by_format.get(fmt, [])[:400]
        if fmt == "doc" and shutil.which("antiword") and DOC_SAMPLES.is_dir():
            files = sorted(DOC_SAMPLES.glob("*.doc")) * 10
        if not files:
            continue
        payloads = [(p.name, p.read_bytes()) for p in files]
        started = time.perf_counter()
        for name, data in payloads:
            parse_bytes(data, name)
        seconds = time.perf_counter() - started
        if fmt == "pdf":
            pages = 0
            for _, data in payloads:
                document = pdfium.PdfDocument(data)
                pages += len(document)
                document.close()
            rates["pdf_pages_per_s"] = _rate(pages, seconds)
        else:
            rates[f"{fmt}_docs_per_s"] = _rate(len(payloads), seconds)

    ocr = _ocr_rates(root / "scans", say)

    say("extract (one process) ...")
    specs, catalogue = load_requests(), load_catalogue()
    readable = [d for d in docs if d.parse_status == "ok"]
    matched = [(d, match_request(d.text, d.source_path, specs)[0]) for d in readable]
    started = time.perf_counter()
    for doc, spec in matched:
        extract_reply(doc.text or "", doc_id=doc.doc_id, spec=spec, catalogue=catalogue)
    extract_s = time.perf_counter() - started
    ingested, extracted = len(docs), len(matched)
    del docs, readable, matched  # the pipeline run below reads everything again; these would only add to its memory

    warehouse = root / "warehouse"
    if warehouse.exists():
        shutil.rmtree(warehouse)
    say(f"  ingest {_rate(ingested, ingest_s)} replies/s; extraction {_rate(extracted, extract_s)} replies/s on one core")
    say("end to end (Dagster, in process: ingest -> DuckDB, Parquet, marts, report) ...")
    end_to_end_s = _materialise(raw, warehouse)
    say(f"  {end_to_end_s:.1f} s")

    say("one more reply, incremental run ...")
    extra = write_corpus(root / "extra", 1, seed=n + 99)["documents"][0]
    source = root / "extra" / extra["file"]
    target = raw / f"added_{extra['file']}"
    shutil.move(source, target)
    incremental_s = _materialise(raw, warehouse)
    peak_rss_mb = _peak_rss_mb()  # the pipeline's high-water mark; scoring below loads every table as Python dicts
    say(f"  {incremental_s:.1f} s; peak memory so far {peak_rss_mb} MB; scoring against the gold ...")

    accuracy = evaluate(gold, load_tables(warehouse)).overall
    result = {
        "docs": n,
        "ingest_docs_per_s": _rate(ingested, ingest_s),
        "pdf_pages_per_s": rates.get("pdf_pages_per_s"),
        "extract_docs_per_s_per_core": _rate(extracted, extract_s),
        "end_to_end_s": round(end_to_end_s, 2),
        "incremental_one_doc_s": round(incremental_s, 2),
        "peak_rss_mb": peak_rss_mb,
        "accuracy": round(accuracy, 4),
        **{key: value for key, value in rates.items() if key != "pdf_pages_per_s"},
        **ocr,
    }
    return result


OCR_SCANS = 3  # scanned letters of two pages (a few generated scans: OCR costs seconds a page)


def _ocr_rates(folder: Path, say) -> dict:
    """OCR pages per second over the workers, through ingest as a run reads them, on scans made here (a
    two-page letter at 200 dpi with noise and a slight turn, as an image-only PDF); None without Tesseract."""
    import os

    from foi_pipeline.bench.scans import BENCH_LETTER, image_pdf, letter_pdf, scan
    from foi_pipeline.ingest import ingest_directory
    from foi_pipeline.ingest.ocr import OcrReader, unavailable_reason

    reason = unavailable_reason()
    if reason:
        say(f"OCR: not measured ({reason})")
        return {"ocr_pages_per_s": None, "ocr_s_per_page_one_core": None}
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    pdf = letter_pdf(BENCH_LETTER)
    for i in range(OCR_SCANS):
        (folder / f"scan_{i}.pdf").write_bytes(image_pdf(scan(pdf, dpi=200, seed=i), 200))
    say(f"OCR ({OCR_SCANS} scanned replies, {os.cpu_count() or 1} workers) ...")
    reader = OcrReader(workers=os.cpu_count() or 1)
    started = time.perf_counter()
    docs = ingest_directory(folder, ocr=reader)
    seconds = time.perf_counter() - started
    pages = sum(d.ocr_pages for d in docs)
    say(f"  {pages} pages in {seconds:.1f} s")
    return {"ocr_pages_per_s": round(pages / seconds, 2) if seconds else None,
            "ocr_s_per_page_one_core": round(reader.seconds / pages, 2) if pages else None}


def report(result: dict) -> str:
    lines = ["", "benchmark (targets for a 2-core machine):"]
    for key, value in result.items():
        target = TARGETS.get(key)
        verdict = ""
        if target and value is not None:
            op, bound = target
            ok = value >= bound if op == ">=" else value <= bound
            verdict = f"  target {op} {bound}: {'met' if ok else 'MISSED'}"
        lines.append(f"  {key:30s} {value}{verdict}")
    lines.append(json.dumps(result))
    return "\n".join(lines)
