"""Analysts' outputs: marts, exports, the evidence report (in headless Chromium) and read-only SQL."""

import csv
import html
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest
from fpdf import FPDF

from foi_pipeline.cli import main
from foi_pipeline.contract import ALL_TABLES, COVERAGE_VALUES, MARTS, TABLES
from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.resources import settings_from_env
from foi_pipeline.exports import export
from foi_pipeline.pipeline import empty_frame, frame
from foi_pipeline.warehouse import Warehouse

FIXTURES = Path(__file__).parent / "fixtures"
INJECTION = (
    "Office of the Police and Crime Commissioner for Gwent\nDate: 3 August 2023\n"
    "1. Safe Steps Programme <script>document.body.setAttribute('data-pwned', 'yes')</script>: a group course.\n"
    "5. 45 <img src=x onerror=\"document.body.setAttribute('data-pwned', 'img')\">\n7. 20\n10. £30,000\n"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("outputs")
    raw = root / "raw"
    raw.mkdir()
    for source in [*(FIXTURES / "dev").glob("*.txt"), *(FIXTURES / "seeds").glob("*.txt")]:
        shutil.copy(source, raw / source.name)
    (raw / "gwent_injection.txt").write_text(INJECTION)
    result = dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(root / "warehouse"), str(root / "none"))})
    assert result.success
    return root / "warehouse", result


def _sql(warehouse: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def test_marts_are_in_duckdb_and_parquet_with_their_columns(built):
    warehouse, _ = built
    for mart, columns in MARTS.items():
        assert list(_sql(warehouse, f"SELECT * FROM {mart} LIMIT 0").columns) == [c for c, _ in columns]
        assert (warehouse / "parquet" / f"{mart}.parquet").exists()


def test_programme_funnel_rates_and_costs(built):
    warehouse, _ = built
    norfolk = _sql(warehouse, "SELECT * FROM programme_funnel WHERE area = 'Norfolk' AND programme = 'CARA'").iloc[0]
    assert norfolk["agency_referred"] == 82 and norfolk["agency_acceptance_rate"] == 1.0
    assert norfolk["agency_completion_rate"] == pytest.approx(66 / 82)
    assert norfolk["self_referred_status"] == "not_applicable" and pd.isna(norfolk["self_acceptance_rate"])
    costs = _sql(warehouse, "SELECT * FROM programme_costs WHERE area = 'Norfolk' AND programme = 'CARA'").iloc[0]
    assert costs["completed"] == 66 and costs["cost_per_completion"] == pytest.approx(25000 / 66)
    kent_cobi = _sql(warehouse, "SELECT * FROM programme_costs WHERE area = 'Kent' AND programme = 'COBI'").iloc[0]
    assert pd.isna(kent_cobi["referred"])  # self-referrals suppressed: the total is unknown, not a silent zero


def test_area_summary_and_programme_types(built):
    warehouse, _ = built
    kent = _sql(warehouse, "SELECT * FROM area_summary WHERE area = 'Kent'").iloc[0]
    assert kent["programmes"] == 2 and float(kent["total_budget_gbp"]) == 378967.0
    cara = _sql(warehouse, "SELECT * FROM programme_types WHERE canonical_name = 'CARA'").iloc[0]
    assert cara["areas"] == 3 and cara["budget_min"] == 25000.0 and cara["budget_max"] == 238500.0


def test_coverage_grid_covers_every_recipient_and_question(request_specs, built):
    warehouse, _ = built
    coverage = _sql(warehouse, "SELECT * FROM coverage")
    for spec in request_specs:
        assert len(coverage[coverage["request_id"] == spec.id]) == len(spec.recipients) * len(spec.questions)
    status = lambda area, key: coverage[(coverage["recipient"] == area) & (coverage["question_key"] == key) & (coverage["request_id"] == "dapp-2022-23-males")]["coverage"].item()  # noqa: E731
    assert status("Norfolk", "agency_referred") == "answered"
    assert status("Norfolk", "self_referred") == "not_applicable"
    assert status("Wiltshire", "budget") == "not_held"
    assert status("Essex", "budget") == "no_reply"
    assert status("Norfolk", "evaluation_link") == "not_answered"


def test_marts_carry_column_lineage(built):
    _, result = built
    events = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    lineage = events["programme_funnel"]["dagster/column_lineage"].value
    deps = lineage.deps_by_column["agency_completion_rate"]
    assert {(d.asset_key.to_user_string(), d.column_name) for d in deps} == {("funnel_counts", "count"), ("funnel_counts", "status")}
    assert any(key.startswith("chart/") for key in events["evidence_report"])


def test_exports_keep_types(built, tmp_path):
    warehouse, _ = built
    assert main(["export", "--format", "xlsx", "--warehouse", str(warehouse), "--out", str(tmp_path / "x")]) == 0
    book = openpyxl.load_workbook(tmp_path / "x" / "foi.xlsx")
    assert book.sheetnames[0] == "README" and set(ALL_TABLES) <= set(book.sheetnames)
    readme = list(book["README"].iter_rows(values_only=True))
    assert any(row[1] == "status" and "not_applicable" in row[3] for row in readme)
    sheet = book["budgets"]
    header = [c.value for c in sheet[1]]
    amounts = [row[header.index("amount_gbp")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(isinstance(a, (int, float)) for a in amounts) and not any(isinstance(a, str) for a in amounts)
    documents = book["documents"]
    header = [c.value for c in documents[1]]
    dates = [row[header.index("response_date")] for row in documents.iter_rows(min_row=2, values_only=True) if row[header.index("response_date")]]
    assert dates and all(hasattr(d, "year") for d in dates)
    assert main(["export", "--format", "csv", "--warehouse", str(warehouse), "--out", str(tmp_path / "c")]) == 0
    assert pd.read_csv(tmp_path / "c" / "funnel_counts.csv")["count"].dropna().astype(int).min() >= 0
    assert main(["export", "--format", "parquet", "--warehouse", str(warehouse), "--out", str(tmp_path / "p")]) == 0
    assert len(list((tmp_path / "p").glob("*.parquet"))) == len(ALL_TABLES)


def test_query_reads_and_refuses_writes(built, capsys):
    warehouse, _ = built
    assert main(["query", "SELECT area, count(*) AS n FROM programmes JOIN documents USING (doc_id) GROUP BY 1 ORDER BY 1", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "Norfolk" in out and "rows)" in out
    assert main(["query", "SELECT programme FROM programme_funnel WHERE area = 'Kent' ORDER BY 1", "--csv", "--warehouse", str(warehouse)]) == 0
    assert capsys.readouterr().out.splitlines() == ["programme", "COBI", "HR Programme"]
    for sql in ["DELETE FROM documents", "CREATE TABLE x AS SELECT 1", "COPY documents TO 'x.csv'", "ATTACH 'other.db'"]:
        assert main(["query", sql, "--warehouse", str(warehouse)]) == 2
        assert "only reads" in capsys.readouterr().err
    assert main(["query", "SELECT * FROM read_csv('/etc/hostname')", "--warehouse", str(warehouse)]) == 2


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and os.environ.get("CI"):
        pytest.fail("chromium is not installed; `make test` installs Debian's chromium package")
    return found


def _dom(browser: str, page: Path, profile: Path) -> str:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=2000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout


def test_report_renders_in_chromium_with_highlights_and_no_injected_script(built, tmp_path):
    warehouse, _ = built
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (make test installs it)")
    index = warehouse / "report" / "index.html"
    pages = sorted((warehouse / "report" / "replies").glob("*.html"))
    assert len(pages) == len(_sql(warehouse, "SELECT DISTINCT doc_id FROM document_text"))
    for page in [index, *pages]:
        html_text = page.read_text()
        assert "<script" not in html_text.replace("&lt;script", "")  # the reply's script is text, not markup
        assert not re.search(r"(?:src|href|url)\s*[=(]\s*[\"']?\s*(?:https?:)?//", html_text)  # no remote resources
    dom = _dom(browser, index, tmp_path / "profile")
    assert "FOI evidence report" in dom and "National overview" in dom and "<svg" in dom
    assert dom.split("id=\"replies\"", 1)[1].count("href=\"replies/") == len(pages)
    norfolk = next(p for p in pages if "CARA" in p.read_text())
    dom = _dom(browser, norfolk, tmp_path / "profile")
    assert dom.count('<mark class="count"') >= 6 and '<mark class="money"' in dom and "all replies" in dom
    gwent = next(p for p in pages if "Gwent" in p.read_text())
    dom = _dom(browser, gwent, tmp_path / "profile")
    assert "data-pwned=" not in dom.split("<body", 1)[1].split(">", 1)[0]  # the injected script never ran
    assert "&lt;script&gt;document.body.setAttribute" in dom


# Codes of the tables that the report must not show (outside a reply's own text): statuses, slots, rules, qualifiers.
INTERNAL_CODES = re.compile(r"\b(?:not_applicable|not_held|not_stated|not_answered|no_reply|partly_held|at_most|at_least|"
                            r"(?:self|agency)_(?:referred|accepted|completed)|unread_figure|funnel_counts|review_queue)\b|"
                            r"\b(?:status|count|budget|answer|funders|referrers|programme):[a-z_]+")


def _shown_text(dom: str) -> str:
    """What a reader sees of a page: its markup without tags, attributes, styles or the reply's own text."""
    body = re.sub(r"<pre class=\"reply\">.*?</pre>", "", dom.split("<body", 1)[1], flags=re.S)
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_report_in_chromium_speaks_the_analysts_language(built, tmp_path):
    """Money as £60,000, rates as percentages, the legend, the coverage grid with the bodies to chase first, and
    no internal codes, in the DOM headless Chromium builds."""
    warehouse, _ = built
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (make test installs it)")
    dom = _dom(browser, warehouse / "report" / "index.html", tmp_path / "profile")
    shown = _shown_text(dom)
    assert re.search(r"\b\d{1,3}%", shown) and "£209,333" not in shown  # rates as percentages
    assert re.search(r"£\d{1,3},\d{3}\b(?!\.)", shown) and not re.search(r"£[\d,]+\.0\b", shown)
    assert "Highlights in a reply's text" in shown and "figure read into nothing" in shown  # the legend
    assert re.search(r"\d+ files, \d+ readable replies, \d+ programmes, \d+ review items", shown) and "(s)" not in shown
    assert not INTERNAL_CODES.search(shown), INTERNAL_CODES.search(shown)
    grid = dom.split('<table class="coverage">', 2)[2].split("</table>", 1)[0]  # the males request's grid
    rows = re.findall(r"<tr>(.*?)</tr>", grid, flags=re.S)[1:]  # under the header
    assert rows and "cov-no_reply" in rows[0] and "chase: no reply" in rows[0]  # whom to chase, first
    assert any("Norfolk" in r and "cov-answered" in r and "cov-not_applicable" in r for r in rows)
    assert any("Wiltshire" in r and "cov-not_held" in r for r in rows)
    legend = dom.split('class="legend coverage-legend"', 1)[1].split("</p>", 1)[0]
    assert all(f"cov-{c}" in legend for c in COVERAGE_VALUES)
    assert "partial" in shown and "hatched" in shown  # a chart's partial bar is explained
    west_midlands = next(p for p in (warehouse / "report" / "replies").glob("*.html") if "West Midlands" in p.read_text())
    page = _dom(browser, west_midlands, tmp_path / "profile")
    seen = _shown_text(page)
    assert "budget: £60,000" in seen and "budget: £209,332.78" in seen and "£60,000.0" not in seen
    assert "203 (at most)" in seen and "not applicable" in seen and "read from a list item" in seen
    assert not INTERNAL_CODES.search(seen), INTERNAL_CODES.search(seen)
    targets = set(re.findall(r'href="#(ev-[^"]+)"', page))
    assert targets and all(f'id="{t}"' in page for t in targets)  # every row links to its highlight
    assert all(f'id="{t}"' in page for t in set(re.findall(r'href="#(row-[^"]+)"', page)))  # and every highlight to its row


def test_programme_funnel_carries_qualifiers_bounds_and_what_rates_rest_on(built):
    warehouse, _ = built
    funnel = _sql(warehouse, "SELECT * FROM programme_funnel WHERE request_id = 'dapp-2022-23-males'")
    one = lambda area, programme: funnel[(funnel["area"] == area) & (funnel["programme"] == programme)].squeeze()  # noqa: E731
    cara = one("West Midlands", "CARA")
    assert cara["agency_referred"] == 203 and cara["agency_referred_qualifier"] == "at_most"  # "approx. 10% ... were women"
    assert cara["agency_completed_qualifier"] == "exact" and pd.isna(cara["agency_referred_low"])
    cobi = one("Kent", "COBI")
    assert cobi["self_referred_status"] == "suppressed" and (cobi["self_referred_low"], cobi["self_referred_high"]) == (1, 4)
    devon = one("Devon and Cornwall", "CARA")
    assert devon["agency_completed_qualifier"] == "approx" and devon["agency_completion_rate_basis"] == "approx"
    assert devon["agency_acceptance_rate_basis"] == "exact"
    alcohol = one("West Midlands", "Alcohol Related DA Course")
    assert pd.isna(alcohol["agency_completion_rate"]) and pd.isna(alcohol["agency_completion_rate_basis"])
    summary = _sql(warehouse, "SELECT * FROM area_summary WHERE request_id = 'dapp-2022-23-males'").set_index("area")
    assert summary.loc["West Midlands", "total_referred_partial"]  # EASI's agency referrals are not stated
    assert summary.loc["West Midlands", "total_referred_basis"] == "bounded"
    assert not summary.loc["Norfolk", "total_referred_partial"] and summary.loc["Norfolk", "total_referred_basis"] == "exact"
    assert pd.isna(summary.loc["Wiltshire", "total_referred_partial"])  # no total, nothing to qualify


def test_xlsx_sheets_are_ready_to_use_and_csv_is_utf8_with_iso_dates(built, tmp_path):
    warehouse, _ = built
    assert main(["export", "--format", "xlsx", "--warehouse", str(warehouse), "--out", str(tmp_path / "x")]) == 0
    book = openpyxl.load_workbook(tmp_path / "x" / "foi.xlsx")
    assert book.sheetnames[0] == "README"
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
    def column(sheet_name: str, name: str) -> list:
        sheet = book[sheet_name]
        header = [c.value for c in sheet[1]]
        return [row[header.index(name)] for row in sheet.iter_rows(min_row=2)]
    amounts = [c for c in column("budgets", "amount_gbp") if c.value is not None]
    assert amounts and all(c.number_format == '"£"#,##0.00' for c in amounts)
    rates = [c for c in column("programme_funnel", "agency_completion_rate") if c.value is not None]
    assert rates and all(c.number_format == "0.0%" and 0 <= c.value <= 1 for c in rates)
    assert all(c.number_format == '"£"#,##0.00' for c in column("programme_costs", "cost_per_completion"))
    documents = book["documents"]
    header = [c.value for c in documents[1]]
    widths = {h: documents.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i, h in enumerate(header)}
    assert widths["source_path"] > widths["byte_size"] >= 8 and max(widths.values()) <= 60
    assert main(["export", "--format", "csv", "--warehouse", str(warehouse), "--out", str(tmp_path / "c")]) == 0
    raw = (tmp_path / "c" / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdoc_id,source_path,")  # UTF-8 (with the mark spreadsheets look for) and a header
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    dates = [r["response_date"] for r in rows if r["response_date"]]
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    budgets = (tmp_path / "c" / "budgets.csv").read_text(encoding="utf-8-sig")
    assert "£" in budgets or "amount_gbp" in budgets.splitlines()[0]
    assert not list((tmp_path / "c").glob(".*.tmp"))


def _stage_and_publish(root: Path, tables: dict[str, pd.DataFrame]) -> Warehouse:
    store = Warehouse(root)
    for table in TABLES:
        store.stage(table, tables.get(table, empty_frame(table)))
    store.publish(list(TABLES))
    return store


def test_untrusted_text_is_text_in_xlsx_and_quoted_in_csv_and_numbers_stay_numbers(tmp_path):
    doc = "c" * 16
    documents = frame("documents", [{"doc_id": doc, "source_path": "=1+1.txt", "media_type": "text/plain", "byte_size": 1, "parse_status": "ok",
                                     "authority": "@SUM(A1)", "area": "-2+3", "foi_reference": "\tx", "email_subject": "+44 1234"}])
    text = frame("document_text", [{"doc_id": doc, "text": "page one\n\f\npage two\x00\x1b"}])
    funnel = frame("funnel_counts", [{"doc_id": doc, "programme_id": "p", "route": "agency", "stage": "referred", "status": "value",
                                      "count": -5, "count_low": -5, "count_high": -5, "note": "-5", "char_start": 0, "char_end": 0,
                                      "evidence_text": "", "extractor": "=cmd|' /C calc'!A0"}])
    store = _stage_and_publish(tmp_path / "wh", {"documents": documents, "document_text": text, "funnel_counts": funnel})
    export(store, "xlsx", tmp_path / "x")
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["foi.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "x" / "foi.xlsx")
    cells = {c.value: c for row in book["documents"].iter_rows(min_row=2) for c in row}
    assert cells["=1+1.txt"].data_type == "s" and cells["@SUM(A1)"].data_type == "s"
    assert book["document_text"]["B2"].value == "page one\n\npage two"
    header = [c.value for c in book["funnel_counts"][1]]
    row = dict(zip(header, book["funnel_counts"][2]))
    assert row["count"].value == -5 and row["count"].data_type == "n"
    assert row["extractor"].data_type == "s" and row["extractor"].value == "=cmd|' /C calc'!A0"
    export(store, "csv", tmp_path / "c")
    csv_documents = pd.read_csv(tmp_path / "c" / "documents.csv", dtype=str, keep_default_na=False).iloc[0]
    assert csv_documents["source_path"] == "'=1+1.txt" and csv_documents["authority"] == "'@SUM(A1)"
    assert csv_documents["area"] == "'-2+3" and csv_documents["foi_reference"] == "'\tx" and csv_documents["email_subject"] == "'+44 1234"
    csv_funnel = pd.read_csv(tmp_path / "c" / "funnel_counts.csv", keep_default_na=False).iloc[0]
    assert csv_funnel["count"] == -5 and str(csv_funnel["note"]) == "-5" and csv_funnel["extractor"].startswith("'=cmd")


def test_a_failed_xlsx_export_leaves_no_temp_file(tmp_path, monkeypatch):
    store = _stage_and_publish(tmp_path / "wh", {})
    real = store.read

    def read(table: str) -> pd.DataFrame:
        if table == "funnel_counts":
            raise OSError("disk full")
        return real(table)

    monkeypatch.setattr(store, "read", read)
    with pytest.raises(OSError, match="disk full"):
        export(store, "xlsx", tmp_path / "x")
    assert list((tmp_path / "x").iterdir()) == []


def test_a_multi_page_pdf_reply_exports_to_xlsx(tmp_path):
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for lines in (["Office of the Police and Crime Commissioner for Kent", "1. CARA: 20"], ["2. Budget: not held"]):
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "=1+1.pdf").write_bytes(bytes(pdf.output()))
    result = dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(tmp_path / "wh"), str(tmp_path / "none"))})
    assert result.success
    assert main(["export", "--format", "xlsx", "--warehouse", str(tmp_path / "wh"), "--out", str(tmp_path / "x")]) == 0
    book = openpyxl.load_workbook(tmp_path / "x" / "foi.xlsx")
    [text] = [row[1] for row in book["document_text"].iter_rows(min_row=2, values_only=True)]
    assert "CARA: 20" in text and "2. Budget: not held" in text and "\f" not in text
    header = [c.value for c in book["documents"][1]]
    [source] = [row[header.index("source_path")] for row in book["documents"].iter_rows(min_row=2)]
    assert source.value == "=1+1.pdf" and source.data_type == "s"
    assert not (tmp_path / "x" / ".foi.xlsx.tmp").exists()


def test_the_cli_says_what_is_wrong(built, tmp_path, capsys):
    warehouse, _ = built
    assert main(["review", "--severity", "bogus", "--warehouse", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert "unknown severity 'bogus'" in err and "error, warning, info" in err
    assert main(["review", "--severity", "ERROR,warning", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "[warning]" in out and re.search(r"\n\d+ items\n?$", out) and "(s)" not in out
    a_file = tmp_path / "reply.txt"
    a_file.write_text("1. CARA: 20\n")
    assert main(["run", "--raw", str(a_file), "--warehouse", str(tmp_path / "wh")]) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "does not exist" not in err
    assert main(["run", "--raw", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "wh")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_failed_check_is_named_once_in_its_review_item():
    from foi_pipeline.pipeline import validation_review_rows
    from foi_pipeline.schemas import validate_table

    funnel = frame("funnel_counts", [
        {"doc_id": "d" * 16, "programme_id": "p", "population": "male", "route": "agency", "stage": stage, "status": "value",
         "count": count, "count_low": count, "count_high": count, "qualifier": "exact", "char_start": 0, "char_end": 0,
         "evidence_text": "", "extractor": "test"} for stage, count in (("referred", 50), ("accepted", 20), ("completed", 30))])
    rows = validation_review_rows("funnel_counts", funnel, validate_table("funnel_counts", funnel))
    [reason] = [r["reason"] for r in rows if "completed" in r["reason"]]
    assert reason.count("more completed than accepted") == 1 and "failed check" not in reason


def test_the_marts_have_asset_checks_of_their_own_and_they_pass(built):
    _, result = built
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations() if e.asset_key.to_user_string() in MARTS}
    assert set(evaluations) == {"programme_funnel_one_row_per_programme", "programme_funnel_rates_between_0_and_1",
                                "programme_costs_totals_equal_their_parts", "area_summary_totals_equal_their_parts"}
    assert all(e.passed for e in evaluations.values()), {n: e.metadata for n, e in evaluations.items() if not e.passed}


def test_the_mart_checks_find_what_breaks_them(built):
    from foi_pipeline import mart_checks

    warehouse, _ = built
    funnel = _sql(warehouse, "SELECT * FROM programme_funnel")
    costs = _sql(warehouse, "SELECT * FROM programme_costs")
    summary = _sql(warehouse, "SELECT * FROM area_summary")
    assert mart_checks.duplicate_programmes(funnel).empty and mart_checks.rates_out_of_range(funnel).empty
    assert mart_checks.costs_not_adding_up(funnel, costs).empty and mart_checks.area_totals_not_adding_up(funnel, summary).empty
    assert len(mart_checks.duplicate_programmes(pd.concat([funnel, funnel.head(1)]))) == 2
    over = funnel.copy()
    over.loc[0, "agency_completion_rate"] = 1.25
    assert len(mart_checks.rates_out_of_range(over)) == 1
    norfolk = costs.index[(costs["area"] == "Norfolk") & (costs["programme"] == "CARA")][0]
    wrong = costs.copy()
    wrong.loc[norfolk, "completed"] = 67
    assert len(mart_checks.costs_not_adding_up(funnel, wrong)) == 2  # the expected row and the wrong one
    assert len(mart_checks.costs_not_adding_up(funnel, pd.concat([costs, costs.loc[[norfolk]]]))) == 1  # counted twice
    short = summary.copy()
    short.loc[short["area"] == "Kent", "total_referred"] = 1
    assert mart_checks.area_totals_not_adding_up(funnel, short)["area"].tolist() == ["Kent"]
