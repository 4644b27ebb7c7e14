"""Scanned replies read by OCR, end to end: the tests make their own scans (a generated PDF rendered at 150-300 dpi,
with noise and a slight turn, saved as an image-only PDF or an image) and compare what they read as with the
text-layer PDF they came from."""

import re
import shutil
from email.message import EmailMessage
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from foi_pipeline.bench.scans import image_file, image_pdf, letter_pdf, scan, table_pdf
from foi_pipeline.cache import ContentCache
from foi_pipeline.extract import extract_reply
from foi_pipeline.ingest import ingest_directory, read_bytes
from foi_pipeline.ingest.ocr import OCR_VERSION, OcrReader, unavailable_reason
from foi_pipeline.specs import Catalogue, RequestSpec

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=f"Tesseract is not installed: {unavailable_reason()}")

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
NORFOLK, WEST_MIDLANDS = "004_8541212a171f8844.txt", "000_27f258596c947b63.txt"
TABLE_REPLY = table_pdf(
    "Office of the Police and Crime Commissioner for Durham\nDomestic Abuse Perpetrator Programme 2022/23\n"
    "1. We commission two programmes: Drive, delivered by Safer Lives, and Change Hub.\nQuestions 2 to 7 (males, 2022/23):",
    [("", "Drive", "Change Hub"), ("2. Self-referred", "N/A", "17"), ("3. Self-referred and accepted", "N/A", "11"),
     ("4. Self-referred and completed", "N/A", "6"), ("5. Referred by an agency", "84", "23"),
     ("6. Agency referrals accepted", "59", "19"), ("7. Agency referrals completed", "27", "fewer than 5")],
    "10. Budget: Drive £120,000; Change Hub £30,000.",
)


def _pdf_of(name: str) -> bytes:
    return TABLE_REPLY if name == "table" else letter_pdf((SEEDS / name).read_text(encoding="utf-8"))


def _facts(text: str, spec: RequestSpec, catalogue: Catalogue) -> tuple[list[str], dict, dict]:
    """What the marts take from a reply: its programmes, and each funnel slot and budget with its evidence span."""
    tables = extract_reply(text, doc_id="0" * 16, spec=spec, catalogue=catalogue).tables
    names = {p["programme_id"]: p["name"] for p in tables["programmes"]}
    slots = {("funnel", names.get(r["programme_id"]), r["route"], r["stage"]): ((r["status"], r["count"]), (r["char_start"], r["char_end"]))
             for r in tables["funnel_counts"]}
    slots.update({("budget", names.get(r["programme_id"]), i): ((str(r["amount_gbp"]), r["status"]), (r["char_start"], r["char_end"]))
                  for i, r in enumerate(sorted(tables["budgets"], key=lambda r: r["char_start"]))})
    return sorted(names.values()), {k: v for k, (v, _) in slots.items()}, {k: span for k, (_, span) in slots.items()}


def _differences_are_flagged(scanned: str, notes: tuple, typed: str, spec: RequestSpec, catalogue: Catalogue) -> list:
    """The slots whose value differs from the text version's and that no OCR note points into (should be none)."""
    programmes, values, spans = _facts(scanned, spec, catalogue)
    typed_programmes, typed_values, _ = _facts(typed, spec, catalogue)
    assert programmes == typed_programmes
    differing = [k for k in set(values) | set(typed_values) if values.get(k) != typed_values.get(k)]
    return [k for k in differing if not any(
        k in spans and n["char_start"] < spans[k][1] and spans[k][0] < n["char_end"] for n in notes)]


@pytest.mark.parametrize("reply, dpi, kind", [
    (NORFOLK, 200, "pdf"), (NORFOLK, 150, "png"), (WEST_MIDLANDS, 300, "tif"), (WEST_MIDLANDS, 200, "pdf"),
    ("table", 150, "png"), ("table", 200, "pdf"), ("table", 300, "jpg"),
])
def test_a_scanned_reply_reads_as_its_text_version(reply, dpi, kind, males_spec, catalogue):
    pdf = _pdf_of(reply)
    text_layer = read_bytes(pdf, "reply.pdf")[3]
    pages = scan(pdf, dpi=dpi, seed=dpi, angle=0.6 if dpi != 300 else -0.8)
    data = image_pdf(pages, dpi) if kind == "pdf" else image_file(pages, {"png": "PNG", "tif": "TIFF", "jpg": "JPEG"}[kind], dpi)
    if kind in ("png", "jpg"):
        assert len(pages) == 1 or reply != "table"
        if len(pages) > 1:
            data = image_file(pages, "TIFF", dpi)
            kind = "tif"
    media_type, status, error, reading = read_bytes(data, f"scan.{kind}")
    assert (status, error, reading.text_source, reading.ocr_pages) == ("ok", None, "ocr", len(pages))
    assert reading.ocr_confidence > 85
    assert text_layer.text_source == "text_layer" and text_layer.ocr_confidence is None
    # the same programmes, funnel figures and budgets, or a note in review_queue on each figure that differs
    assert _differences_are_flagged(reading.text, reading.notes, text_layer.text, males_spec, catalogue) == []
    for note in reading.notes:  # OCR's doubts point into the text like any evidence
        assert reading.text[note["char_start"] : note["char_end"]] == note["evidence_text"]


def test_a_scanned_table_comes_out_as_the_same_rows_and_cells():
    text_layer = read_bytes(TABLE_REPLY, "reply.pdf")[3].text
    scanned = read_bytes(image_pdf(scan(TABLE_REPLY, dpi=200, seed=4), 200), "scan.pdf")[3].text
    def cells(text: str) -> list[list[str]]:  # a table's rows as cells, " | " or tab between them
        rows = [[c.strip() for c in re.split(r" \| |\t", line)] for line in text.splitlines() if " | " in line or "\t" in line]
        return [row[1:] if row and not row[0] else row for row in rows]  # a header's blank corner cell or none

    rows = cells(text_layer)
    assert len(rows) == 7 and cells(scanned) == rows


def test_a_pdf_of_typed_and_scanned_pages_is_mixed():
    letter = letter_pdf("Office of the Police and Crime Commissioner for Norfolk\n1. CARA\n2. These are not self-referral services.")
    scanned_page = scan(letter_pdf("5. 82 referrals from Norfolk Constabulary for CARA."), dpi=200, seed=1)[0]
    import pypdf  # joins a typed PDF and a scanned one, as an office's scanner software does

    writer = pypdf.PdfWriter()
    for part in (letter, image_pdf([scanned_page], 200)):
        writer.append(pypdf.PdfReader(__import__("io").BytesIO(part)))
    buffer = __import__("io").BytesIO()
    writer.write(buffer)
    _, status, _, reading = read_bytes(buffer.getvalue(), "mixed.pdf")
    assert (status, reading.text_source, reading.ocr_pages) == ("ok", "mixed", 1)
    typed, scanned = reading.text.split("\n\f\n")
    assert typed.startswith("Office of the Police") and scanned == "5. 82 referrals from Norfolk Constabulary for CARA."


def test_a_figure_with_a_letter_ocr_confuses_is_kept_as_read_and_noted():
    # the letter S inside a figure, as a typist or an earlier OCR left it: never read as 250
    pages = scan(letter_pdf("5. 2S0 referrals from Norfolk Constabulary."), dpi=300, seed=2, noise=5, angle=0)
    _, status, _, reading = read_bytes(image_file(pages, "PNG", 300), "scan.png")
    assert status == "ok" and "2S0" in reading.text
    [note] = [n for n in reading.notes if n["value"] == "2S0"]
    assert note["page"] == 1 and note["field"] == "ocr_figure" and "'S'" in note["reason"]
    assert reading.text[note["char_start"] : note["char_end"]] == "2S0"


def test_a_scanned_attachment_of_an_email_is_read(tmp_path):
    message = EmailMessage()
    message["From"], message["Subject"] = "foi@opcc.example.org", "FOI 225"
    message.set_content("Please find our reply attached.")
    jpeg = image_file(scan(letter_pdf("1. CARA\n5. 82 referrals."), dpi=200, seed=3), "JPEG", 200)
    message.add_attachment(jpeg, maintype="image", subtype="jpeg", filename="reply.jpg")
    (tmp_path / "reply.eml").write_bytes(message.as_bytes())
    mail, attachment = ingest_directory(tmp_path)
    assert (mail.text_source, attachment.source_path, attachment.parse_status) == ("text_layer", "reply.eml#reply.jpg", "ok")
    assert attachment.text_source == "ocr" and attachment.parent_doc_id == mail.doc_id
    assert attachment.text == "1. CARA\n5. 82 referrals."


def test_ocr_is_cached_by_the_files_bytes_and_spread_over_workers(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(2):
        (raw / f"scan{i}.pdf").write_bytes(image_pdf(scan(letter_pdf(f"{i + 1}. CARA: {40 + i} referrals."), dpi=150, seed=i), 150))
    (raw / "copy.pdf").write_bytes((raw / "scan0.pdf").read_bytes())  # the same bytes: read once
    reader = OcrReader(cache=ContentCache(tmp_path / "cache", "ocr", OCR_VERSION), workers=2)
    first = ingest_directory(raw, ocr=reader)
    assert reader.pages_read == 2 and [d.parse_status for d in first] == ["ok", "duplicate", "ok"]
    assert [first[0].text, first[2].text] == ["1. CARA: 40 referrals.", "2. CARA: 41 referrals."]
    reader.cache.save(live={d.sha256 for d in first})
    again = OcrReader(cache=ContentCache(tmp_path / "cache", "ocr", OCR_VERSION), workers=2)
    assert [d.text for d in ingest_directory(raw, ocr=again)] == [d.text for d in first] and again.pages_read == 0


def test_scanned_replies_through_the_pipeline(tmp_path):
    from foi_pipeline.defs.assets import all_assets
    from foi_pipeline.defs.resources import settings_from_env

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / NORFOLK, raw / "norfolk.txt")
    (raw / "norfolk-scan.pdf").write_bytes(image_pdf(scan(_pdf_of(NORFOLK), dpi=200, seed=5), 200))
    (raw / "table-scan.png").write_bytes(image_file(scan(TABLE_REPLY, dpi=200, seed=6), "PNG", 200))
    result = dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(tmp_path / "warehouse"))})
    assert result.success
    con = duckdb.connect(str(tmp_path / "warehouse" / "foi.duckdb"), read_only=True)
    try:
        docs = {r[0]: r[1:] for r in con.execute(
            "SELECT source_path, parse_status, text_source, ocr_confidence, ocr_pages FROM documents").fetchall()}
        counts = dict(con.execute(
            "SELECT d.source_path || ':' || p.name || ':' || f.route || '_' || f.stage, coalesce(f.count::VARCHAR, f.status) "
            "FROM funnel_counts f JOIN programmes p USING (doc_id, programme_id) JOIN documents d USING (doc_id)").fetchall())
        bad_spans = con.execute(
            "SELECT count(*) FROM review_queue r JOIN document_text t USING (doc_id) "
            "WHERE r.extractor = 'ingest:ocr' AND substr(t.text, r.char_start + 1, r.char_end - r.char_start) <> r.evidence_text").fetchone()[0]
    finally:
        con.close()
    assert docs["norfolk.txt"][:2] == ("ok", "text_layer") and docs["norfolk.txt"][2] is None
    for name, pages in (("norfolk-scan.pdf", 2), ("table-scan.png", 1)):
        status, source, confidence, ocr_pages = docs[name]
        assert (status, source, ocr_pages) == ("ok", "ocr", pages) and 85 < confidence <= 100
    assert counts["table-scan.png:Drive:agency_referred"] == "84"
    assert counts["table-scan.png:Change Hub:self_completed"] == "6"
    typed = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("norfolk.txt:")}
    scanned = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("norfolk-scan.pdf:")}
    assert typed and scanned == typed
    assert bad_spans == 0
    report = (tmp_path / "warehouse" / "report" / "index.html").read_text()
    assert "(OCR)" in report
