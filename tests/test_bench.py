"""`foi bench` on a small corpus: it runs every stage and its last line is the JSON the issue asks for."""

import json

from foi_pipeline.cli import main

KEYS = {"docs", "ingest_docs_per_s", "pdf_pages_per_s", "extract_docs_per_s_per_core", "end_to_end_s", "incremental_one_doc_s",
        "peak_rss_mb", "accuracy", "ocr_pages_per_s"}


def test_bench_reports_every_figure_as_json_on_its_last_line(tmp_path, capsys):
    assert main(["bench", "--n", "12", "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    result = json.loads(out[-1])
    assert set(result) >= KEYS and result["docs"] == 12
    assert result["accuracy"] > 0.9 and result["end_to_end_s"] > 0 and result["peak_rss_mb"] > 0
    assert any("target >= 2000" in line for line in out)
    from foi_pipeline.ingest.ocr import unavailable_reason

    if unavailable_reason() is None:  # `make test` installs Tesseract
        assert result["ocr_pages_per_s"] > 0 and result["ocr_s_per_page_one_core"] > 0
    gold = json.loads((tmp_path / "gold.json").read_text())
    assert len(gold["documents"]) == 12 and (tmp_path / "warehouse" / "foi.duckdb").exists()
