"""The evidence report's pages: one per reply, rendered again only when what it shows changed."""

import re

import pandas as pd
import pytest

from foi_pipeline import report
from foi_pipeline.contract import TABLES
from foi_pipeline.pipeline import empty_frame, frame
from foi_pipeline.warehouse import Warehouse

A, B = "a" * 16, "b" * 16
TEXT = "Office of the PCC for Kent\n5. 45 people were referred. <b>bold?</b>"


def _tables(count: int = 45, docs=(A, B)) -> dict[str, pd.DataFrame]:
    tables = {t: empty_frame(t) for t in TABLES}
    tables["documents"] = frame("documents", [
        {"doc_id": d, "source_path": f"{d[0]}.txt", "media_type": "text/plain", "byte_size": 1, "parse_status": "ok", "area": "Kent"} for d in docs])
    tables["document_text"] = frame("document_text", [{"doc_id": d, "text": TEXT} for d in docs])
    start = TEXT.index("45")
    tables["funnel_counts"] = frame("funnel_counts", [
        {"doc_id": d, "programme_id": f"{d}-p", "route": "agency", "stage": "referred", "status": "value", "count": count if d == A else 45,
         "char_start": start, "char_end": start + 2, "evidence_text": "45", "extractor": "test"} for d in docs])
    return tables


def _files(folder, tables) -> dict:
    """The tables as Parquet files, typed as the warehouse writes them."""
    store = Warehouse(folder / "warehouse", "run")
    return {t: store.stage(t, df) for t, df in tables.items()}


def _write(folder, tables):
    return report.write_report(folder, _files(folder, tables), [])


def _prints(folder, tables):
    con = report.views(_files(folder, tables))
    try:
        return report.fingerprints(con)
    finally:
        con.close()


def test_one_page_per_reply_escaped_and_linked_from_the_index(tmp_path):
    written = _write(tmp_path, _tables())
    assert (written.pages, written.rendered, written.removed) == (2, 2, 0)
    page = (tmp_path / "replies" / f"{A}.html").read_text()
    assert '<mark class="count"' in page and "&lt;b&gt;bold?&lt;/b&gt;" in page and "<b>" not in page
    assert "Content-Security-Policy" in page and "../index.html" in page
    index = (tmp_path / "index.html").read_text()
    assert f"replies/{A}.html" in index and f"replies/{B}.html" in index


def test_only_changed_pages_are_rendered_and_removed_replies_lose_theirs(tmp_path):
    _write(tmp_path, _tables())
    assert _write(tmp_path, _tables()).rendered == 0
    before = (tmp_path / "replies" / f"{B}.html").stat().st_mtime_ns
    changed = _write(tmp_path, _tables(count=46))
    assert changed.rendered == 1 and (tmp_path / "replies" / f"{B}.html").stat().st_mtime_ns == before
    assert "agency-referred, referred: 46" in (tmp_path / "replies" / f"{A}.html").read_text()
    gone = _write(tmp_path, _tables(count=46, docs=(A,)))
    assert (gone.pages, gone.rendered, gone.removed) == (1, 0, 1) and not (tmp_path / "replies" / f"{B}.html").exists()


def test_new_rendering_code_or_a_deleted_page_renders_again(tmp_path, monkeypatch):
    _write(tmp_path, _tables())
    (tmp_path / "replies" / f"{A}.html").unlink()
    assert _write(tmp_path, _tables()).rendered == 1
    monkeypatch.setattr(report, "REPORT_VERSION", "changed")
    assert _write(tmp_path, _tables()).rendered == 2


def test_fingerprints_see_every_shown_column_and_row_order(tmp_path):
    base = _prints(tmp_path, _tables())
    assert _prints(tmp_path, _tables()) == base and base[A] != base[B]
    moved = _tables()
    moved["funnel_counts"].loc[0, "extractor"] = "other rule"
    assert _prints(tmp_path, moved)[A] != base[A] and _prints(tmp_path, moved)[B] == base[B]
    two = _tables()
    second = {**two["funnel_counts"].iloc[0].to_dict(), "stage": "accepted"}
    two["funnel_counts"] = pd.concat([two["funnel_counts"], pd.DataFrame([second])], ignore_index=True)
    swapped = two["funnel_counts"].iloc[[2, 1, 0]].reset_index(drop=True)
    assert _prints(tmp_path, {**two, "funnel_counts": swapped})[A] != _prints(tmp_path, two)[A]


def test_an_unchanged_chart_is_read_back_not_drawn_again(tmp_path, monkeypatch):
    area_summary = pd.DataFrame({"area": ["Kent", "Kent"], "request_id": ["r", "s"], "total_budget_gbp": [1000.0, 2500.0]})
    drawn = tmp_path / "charts"
    first = report.charts(pd.DataFrame(), area_summary, drawn=drawn)
    assert len(list(drawn.glob("*.svg"))) == 1  # the empty charts are not kept
    monkeypatch.setattr(report, "draw_bars", lambda *args: pytest.fail("drawn again"))
    assert [c.svg for c in report.charts(pd.DataFrame(), area_summary, drawn=drawn)] == [c.svg for c in first]
    monkeypatch.undo()
    changed = area_summary.assign(total_budget_gbp=[1000.0, 2600.0])
    report.charts(pd.DataFrame(), changed, drawn=drawn)
    assert len(list(drawn.glob("*.svg"))) == 1  # the old drawing went


def test_a_chart_with_repeated_labels_is_kept_too(tmp_path):
    funnel = pd.DataFrame({"area": ["Kent", "Kent"], "programme": ["CARA", "CARA"],  # one programme in two replies of an area
                           "agency_completion_rate": [0.2, 0.5]})
    [_, _, rates] = report.charts(funnel, pd.DataFrame(), drawn=tmp_path)
    assert rates.svg.count("<title>Kent: CARA</title>") == 2
    assert rates.svg in {p.read_text(encoding="utf-8") for p in tmp_path.glob("*.svg")}


def test_bar_charts_are_plain_svg_with_escaped_labels_and_an_axis():
    from foi_pipeline.charts import bar_chart, nice_step

    svg = bar_chart(["Kent: <Drive>", "Essex"], {"referred": [120.0, 40.0], "completed": [float("nan"), 30.0]}, "people", ["#111", "#222"])
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "&lt;Drive&gt;" in svg and "<Drive>" not in svg
    assert svg.count("<rect x=") == 2 + 3  # a legend key per series, a bar per known value
    assert ">150<" in svg and ">people<" in svg  # the axis runs to a round number past the longest bar
    assert [nice_step(t) for t in (1, 7, 120, 1_200_000)] == [0.2, 2, 50, 500_000]


def test_long_chart_labels_wrap_instead_of_being_cut():
    from foi_pipeline.charts import bar_chart, wrap_label

    label = "Norfolk: Change Hub Perpetrator Behaviour Change Intervention approach"
    assert " ".join(wrap_label(label)) == label and all(len(line) <= 44 for line in wrap_label(label))
    svg = bar_chart([label, "Kent: COBI"], {"rate": [0.5, 0.25]}, "completion rate", ["#111"], xlim=(0, 1))
    assert svg.count("<tspan") == len(wrap_label(label)) + 1 and "Change Intervention approach" in svg
    assert f"<title>{label}</title>" in svg  # the whole label on hover too


def test_a_partial_bar_is_hatched_and_says_so():
    from foi_pipeline.charts import bar_chart

    svg = bar_chart(["CARA", "EASI"], {"accepted": [82.0, 0.0], "completed": [217.0, 43.0]}, "people", ["#111", "#222"],
                    partial={"accepted": [True, True], "completed": [False, False]})
    partial = re.findall(r'<rect [^>]*class="partial"[^>]*>(.*?)</rect>', svg)
    assert len(partial) == 2  # a partial zero still shows, as a stub
    assert "CARA: accepted 82 (partial" in partial[0] and "hatched: partial" in svg and 'class="partial-key"' in svg
    assert 'fill="url(#hatch-0)"' in svg and svg.count('class="partial"') == 2


def test_the_funnel_chart_marks_a_type_whose_stage_is_missing_somewhere_as_partial():
    funnel = pd.DataFrame([
        {"area": "Norfolk", "programme": "CARA", "canonical_name": "CARA", "self_referred_status": "not_applicable",
         "self_accepted_status": "not_applicable", "self_completed_status": "not_applicable", "agency_referred": 82,
         "agency_referred_status": "value", "agency_accepted": 82, "agency_accepted_status": "value", "agency_completed": 66,
         "agency_completed_status": "value"},
        {"area": "West Midlands", "programme": "CARA", "canonical_name": "CARA", "self_referred_status": "not_applicable",
         "self_accepted_status": "not_applicable", "self_completed_status": "not_applicable", "agency_referred": 203,
         "agency_referred_status": "value", "agency_accepted_status": "not_stated", "agency_completed": 151,
         "agency_completed_status": "value"},
    ])
    totals, partial, gaps = report.funnel_by_type(funnel)
    assert totals.loc["CARA"].tolist() == [285.0, 82.0, 217.0]
    assert partial.loc["CARA"].tolist() == [False, True, False]
    assert gaps == ["CARA, accepted: West Midlands (CARA) gives agency-referred as not stated"]
    [chart, _, _] = report.charts(funnel.assign(agency_completion_rate=None), pd.DataFrame())
    assert re.search(r'class="partial"[^>]*><title>CARA: accepted 82 \(partial', chart.svg)
    assert chart.notes == tuple(gaps)


def test_a_reply_without_an_area_or_authority_is_titled_by_its_file():
    page = report.render_reply({"doc_id": A, "source_path": "replies/letter.pdf"}, TEXT, {}, {})
    assert "<h1>replies/letter.pdf</h1>" in page and "?" not in page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    index = report.render_index({"documents": 1, "programmes": 0, "review_queue": 1},
                                pd.DataFrame([{"doc_id": A, "source_path": "replies/letter.pdf", "area": None}]), pd.DataFrame(), [])
    assert ">replies/letter.pdf</a>" in index and "1 file, 1 readable reply, 0 programmes, 1 review item." in index


def test_each_row_links_to_its_highlight_and_back():
    tables = _tables(docs=(A,))
    page = report.render_reply(tables["documents"].iloc[0].to_dict(), TEXT,
                               {"funnel_counts": tables["funnel_counts"].to_dict("records")}, {})
    row_id = f"{A}-funnel_counts-0"
    assert f"href='#ev-{row_id}'" in page and f'id="ev-{row_id}"' in page  # the row to the text
    assert f'href="#row-{row_id}"' in page and f"id='row-{row_id}'" in page  # the text to the row
    assert "agency-referred, referred: 45" in page


def test_a_review_item_shows_the_words_around_its_evidence():
    long_line = "x " * 200 + "the figure includes women: 203 (approx. 10% of these were women) " + "y " * 200
    start = long_line.index("203")
    row = {"doc_id": A, "table_name": "funnel_counts", "field": "agency_referred", "severity": "warning",
           "reason": "recorded as an upper bound", "char_start": start, "char_end": start + 3, "evidence_text": "203"}
    page = report.render_reply({"doc_id": A, "source_path": "a.txt", "area": "Kent"}, long_line, {"review_queue": [row]}, {})
    context = page.split("class='context'>", 1)[1].split("</span>", 1)[0]
    assert "<strong>203</strong> (approx. 10% of these were women)" in context and "includes women" in context
    assert context.startswith("“…") and len(context) < 400
    assert "agency-referred, referred" in page and "agency_referred" not in page
