"""The evidence report: static HTML, an index with the national overview (charts, areas, the list of replies)
and one page per reply with its text, each extracted value highlighted and linked to its row.

Reply text is untrusted: everything is escaped and no page loads anything from anywhere (a
Content-Security-Policy forbids scripts and remote resources). A reply's page is rendered again only when
what it shows changed (a fingerprint of its rows, kept in replies/manifest.json), so adding one reply to
ten thousand renders one page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from foi_pipeline.charts import bar_chart, empty_chart
from foi_pipeline.contract import TABLES
from foi_pipeline.extract.accounting import UNREAD_FIELD
from foi_pipeline.ingest import INGEST_VERSION

# New rendering code, new pages; a new ingest version, new texts (a reply's text is fixed by its bytes and that version).
REPORT_VERSION = f"{hashlib.sha256(Path(__file__).read_bytes() + (Path(__file__).parent / 'charts.py').read_bytes()).hexdigest()[:12]}-{INGEST_VERSION}"
MAX_BARS = 20
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
HIGHLIGHTED = {
    "programmes": ("name", "programme"),
    "funnel_counts": (None, "count"),
    "budgets": (None, "money"),
    "funders": ("funder", "org"),
    "referrers": ("organisation", "org"),
}
STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222;line-height:1.4}
h1,h2,h3{line-height:1.2} pre.reply{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:1rem;font-size:.9rem}
mark{padding:0 .1em;border-radius:2px} mark.programme{background:#cfe3ff} mark.count{background:#ffe08a}
mark.money{background:#c8f0c8} mark.org{background:#f3d1f4} mark.review{outline:2px solid #d33}
mark.unread{outline:2px dashed #e67e00;background:#fff1de} .legend mark{margin-right:.5rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0} td,th{border:1px solid #ccc;padding:.2rem .4rem;vertical-align:top}
tr:target,mark:target{box-shadow:0 0 0 3px #f80} .review-item{color:#a00} figure{margin:1rem 0} nav a{margin-right:.6rem}
.muted{color:#777}
"""


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str


def _empty_chart(title: str) -> Chart:
    return Chart(title, empty_chart())


def _bar_chart(data: pd.Series | pd.DataFrame, title: str, xlabel: str, color, xlim: tuple[float, float] | None = None,
               drawn: Path | None = None) -> Chart:
    """Horizontal bars; a long series keeps its MAX_BARS lowest and highest, and the title says so.

    With a folder `drawn`, a chart showing exactly what it showed last time is read from there, not drawn again."""
    if isinstance(data, pd.Series) and len(data) > 2 * MAX_BARS:
        title += f" – the {MAX_BARS} lowest and {MAX_BARS} highest of {len(data)}"
        data = pd.concat([data.head(MAX_BARS), data.tail(MAX_BARS)])
    if drawn is None:
        return _draw_bars(data, title, xlabel, color, xlim)
    key = hashlib.sha256(f"{REPORT_VERSION}|{title}|{xlabel}|{color}|{xlim}|{data.to_csv()}".encode()).hexdigest()[:20]
    path = drawn / f"{key}.svg"
    if path.exists():
        return Chart(title, path.read_text(encoding="utf-8"))
    chart = _draw_bars(data, title, xlabel, color, xlim)
    drawn.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, chart.svg)
    return chart


def _draw_bars(data: pd.Series | pd.DataFrame, title: str, xlabel: str, color, xlim: tuple[float, float] | None) -> Chart:
    frame = data.to_frame(name=xlabel) if isinstance(data, pd.Series) else data
    colors = [color] if isinstance(color, str) else list(color)
    series = {str(name): [float(v) for v in frame[name].astype(float).fillna(float("nan"))] for name in frame.columns}
    return Chart(title, bar_chart([str(label) for label in frame.index], series, xlabel, colors, xlim))


def charts(funnel: pd.DataFrame, area_summary: pd.DataFrame, drawn: Path | None = None) -> list[Chart]:
    """Funnel by programme type, budget by area, completion rate by programme (kept in `drawn`, if given, so an
    unchanged chart is not drawn again; older drawings there are removed)."""
    out = []
    title = "Referred, accepted and completed by programme type (known figures, both routes)"
    if funnel.empty:
        out.append(_empty_chart(title))
    else:
        stages = ("referred", "accepted", "completed")
        totals = pd.DataFrame({s: funnel[[f"self_{s}", f"agency_{s}"]].astype("Float64").fillna(0).sum(axis=1) for s in stages})
        totals["type"] = funnel["canonical_name"].fillna(funnel["programme"])
        grouped = totals.groupby("type")[list(stages)].sum().astype(float).sort_values("referred").tail(2 * MAX_BARS)
        out.append(_bar_chart(grouped, title, "people", ["#4c78a8", "#f2a541", "#54a24b"], drawn=drawn))
    title = "Total budget by area (£)"
    budgets = area_summary.dropna(subset=["total_budget_gbp"]) if not area_summary.empty else area_summary
    if budgets.empty:
        out.append(_empty_chart(title))
    else:
        several = budgets["request_id"].nunique() > 1
        label = budgets["area"] + (" (" + budgets["request_id"].fillna("?") + ")" if several else "")
        totals = budgets.assign(label=label).groupby("label")["total_budget_gbp"].sum().astype(float).sort_values()
        out.append(_bar_chart(totals, title, "£", "#54a24b", drawn=drawn))
    title = "Agency-route completion rate by programme (completed / accepted)"
    rates = funnel.dropna(subset=["agency_completion_rate"]) if not funnel.empty else funnel
    if rates.empty:
        out.append(_empty_chart(title))
    else:
        label = rates["area"].fillna("?") + ": " + rates["programme"].str.slice(0, 40)
        series = rates.assign(label=label).set_index("label")["agency_completion_rate"].astype(float).sort_values()
        out.append(_bar_chart(series, title, "completion rate", "#f2a541", xlim=(0, 1), drawn=drawn))
    if drawn is not None and drawn.exists():
        shown = {chart.svg for chart in out}
        for old in drawn.glob("*.svg"):
            if old.read_text(encoding="utf-8") not in shown:
                old.unlink(missing_ok=True)
    return out


def chart_markdown(chart: Chart) -> str:
    return f"![{chart.title}](data:image/svg+xml;base64,{base64.b64encode(chart.svg.encode()).decode()})"


def _value_of(table: str, row: dict) -> str:
    if table == "funnel_counts":
        what = f"{row['route']} {row['stage']}"
        shown = str(row["count"]) if row["status"] == "value" else row["status"]
        return f"{what}: {shown}" + (f" ({row['qualifier']})" if row.get("qualifier") not in (None, "exact") and not pd.isna(row.get("qualifier")) else "")
    if table == "budgets":
        return f"budget: £{row['amount_gbp']:,}" if row["status"] == "value" else f"budget: {row['status']}"
    column = HIGHLIGHTED[table][0]
    return f"{table[:-1] if table.endswith('s') else table}: {row[column]}"


def _highlight(text: str, marks: list[tuple[int, int, str, str]]) -> str:
    """Escaped text with <mark> around every span; overlapping spans are cut at every boundary."""
    bounds = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out = []
    for start, end in zip(bounds, bounds[1:]):
        piece = html.escape(text[start:end])
        covering = [m for m in marks if m[0] <= start and end <= m[1] and m[0] < m[1]]
        if covering:
            classes = " ".join(sorted({m[2] for m in covering}))
            first = covering[0][3]
            ids = " ".join(m[3] for m in covering)
            out.append(f'<a href="#row-{first}"><mark class="{classes}" id="ev-{first}-{start}" data-rows="{ids}">{piece}</mark></a>')
        else:
            out.append(piece)
    return "".join(out)


def _page(title: str, body: list[str]) -> str:
    return "".join([
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style></head><body>", *body, "</body></html>",
    ])


def render_index(counts: dict[str, int], readable: pd.DataFrame, area_summary: pd.DataFrame, chart_list: list[Chart]) -> str:
    """The overview: counts, charts, the areas table and a link to every reply's page."""
    esc = html.escape
    parts = [
        "<h1>FOI evidence report</h1>",
        f"<p class='muted'>{counts['documents']} file(s), {len(readable)} readable repl(ies), {counts['programmes']} programme(s), "
        f"{counts['review_queue']} review item(s). Each reply's page highlights every extracted value and links it to its row; "
        "review items are outlined in red.</p>",
        "<h2 id='overview'>National overview</h2>",
    ]
    for chart in chart_list:
        parts.append(f"<figure><figcaption><strong>{esc(chart.title)}</strong></figcaption>{chart.svg}</figure>")
    if not area_summary.empty:
        parts.append("<h3>Areas</h3><table><tr><th>area</th><th>request</th><th>information</th><th>programmes</th><th>total budget</th><th>referred</th><th>completed</th></tr>")
        for row in area_summary.to_dict("records"):
            cells = [row["area"], row["request_id"], row["information_status"], row["programme_names"] or "",
                     "" if pd.isna(row["total_budget_gbp"]) else f"£{float(row['total_budget_gbp']):,.2f}",
                     "" if pd.isna(row["total_referred"]) else row["total_referred"], "" if pd.isna(row["total_completed"]) else row["total_completed"]]
            parts.append("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    sources = readable["text_source"] if "text_source" in readable else [None] * len(readable)
    parts.append("<h2 id='replies'>Replies</h2><nav>" + "".join(
        f"<a href='replies/{esc(d)}.html'>{esc(str(a if isinstance(a, str) and a else p))}"
        f"{' (OCR)' if s in ('ocr', 'mixed') else ''}</a>"
        for d, a, p, s in zip(readable["doc_id"], readable["area"], readable["source_path"], sources)) + "</nav>")
    return _page("FOI evidence report", parts)


def _ocr_note(doc: dict) -> str | None:
    """'Read by OCR ...' for a reply whose text came (partly) from scanned pages: its figures deserve a look."""
    source = doc.get("text_source")
    if source not in ("ocr", "mixed"):
        return None
    pages = doc.get("ocr_pages")
    conf = doc.get("ocr_confidence")
    how = "Read by OCR" if source == "ocr" else "Partly read by OCR"
    details = [f"{int(pages)} scanned page(s)" if pages is not None and not pd.isna(pages) else "",
               f"mean word confidence {float(conf):.0f} %" if conf is not None and not pd.isna(conf) else ""]
    return f"{how} ({', '.join(d for d in details if d)}): check doubtful figures against the scan."


def render_reply(doc: dict, text: str, rows: dict[str, list[dict]], names: dict[str, str]) -> str:
    """One reply's page: its letter details, review items, extracted rows and highlighted text."""
    esc, doc_id = html.escape, doc["doc_id"]
    marks: list[tuple[int, int, str, str]] = []
    rows_html = []
    for table, (_, css) in HIGHLIGHTED.items():
        for i, row in enumerate(rows.get(table, [])):
            row_id = f"{doc_id}-{table}-{i}"
            if row["char_end"] > row["char_start"]:
                marks.append((int(row["char_start"]), int(row["char_end"]), css, row_id))
            programme = names.get(row.get("programme_id"), "") if table != "programmes" else row["name"]
            rows_html.append(
                f"<tr id='row-{row_id}'><td>{esc(table)}</td><td>{esc(str(programme or ''))}</td><td>{esc(_value_of(table, row))}</td>"
                f"<td>{esc(row['evidence_text'] or '')}</td><td>{esc(row['extractor'] or '')}</td></tr>")
    review_html = []
    for i, row in enumerate(rows.get("review_queue", [])):
        row_id = f"{doc_id}-review-{i}"
        if row["char_end"] > row["char_start"]:
            css = "unread" if row.get("field") == UNREAD_FIELD else "review"
            marks.append((int(row["char_start"]), int(row["char_end"]), css, row_id))
        review_html.append(f"<li id='row-{row_id}' class='review-item'>[{esc(row['severity'])}] {esc(row['table_name'])}.{esc(row['field'])}: {esc(row['reason'])}</li>")
    area = doc.get("area") if isinstance(doc.get("area"), str) else None
    parts = [
        "<p><a href='../index.html#replies'>← all replies</a></p>",
        f"<section id='doc-{esc(doc_id)}'><h1>{esc(area or '?')} – {esc(doc['source_path'])}</h1>",
        f"<p class='muted'>{esc(str(doc.get('authority') or ''))} · ref {esc(str(doc.get('foi_reference') or '–'))} · "
        f"{esc(str(doc.get('response_date') or '')[:10])} · {esc(str(doc.get('information_status') or ''))}</p>",
    ]
    ocr = _ocr_note(doc)
    if ocr:
        parts.append(f"<p class='ocr'>{esc(ocr)}</p>")
    if review_html:
        parts.append("<ul>" + "".join(review_html) + "</ul>")
    parts.append("<table><tr><th>table</th><th>programme</th><th>value</th><th>evidence</th><th>rule</th></tr>" + "".join(rows_html) + "</table>")
    parts.append(LEGEND)
    parts.append(f"<pre class='reply'>{_highlight(text, marks)}</pre></section>")
    return _page(f"{area or doc['source_path']} – FOI evidence report", parts)


LEGEND = ("<p class='legend muted'>Highlights: <mark class='programme'>programme</mark><mark class='count'>count</mark>"
          "<mark class='money'>money</mark><mark class='org'>organisation</mark><mark class='review'>doubt to review</mark>"
          "<mark class='unread'>figure read into nothing</mark></p>")
SHOWN_TABLES = ("documents", *HIGHLIGHTED, "review_queue")  # not document_text: see REPORT_VERSION


def _views(parquet: dict[str, Path]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, path in parquet.items():
        con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{path.as_posix()}', file_row_number = true)")
    return con


def fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """doc_id -> a hash of every row a reply's page shows, with each row's place among its reply's rows.

    Computed by DuckDB on the Parquet files, so nothing but the doc_ids and hashes reaches Python."""
    prints: dict[str, int] = {}
    for salt, table in enumerate(SHOWN_TABLES, 1):
        columns = ", ".join(f'"{c}"' for c, _ in TABLES[table])
        rows = con.execute(
            f"SELECT doc_id, sum(hash(place, {salt}, {columns})) % 18446744073709551616 FROM ("
            f"  SELECT *, row_number() OVER (PARTITION BY doc_id ORDER BY file_row_number) AS place FROM \"{table}\""
            f") GROUP BY doc_id").fetchall()
        for doc_id, h in rows:
            prints[doc_id] = (prints.get(doc_id, 0) + int(h)) % 2**64
    return prints


@dataclass
class ReportWritten:
    index: Path
    pages: int
    rendered: int
    removed: int


def write_report(folder: Path, parquet: dict[str, Path], chart_list: list[Chart]) -> ReportWritten:
    """index.html and replies/<doc_id>.html from the tables' Parquet files (and area_summary's): only pages whose
    rows changed are rendered, and removed replies' pages go."""
    replies = folder / "replies"
    replies.mkdir(parents=True, exist_ok=True)
    manifest_path = replies / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    old = manifest.get("pages", {}) if manifest.get("version") == REPORT_VERSION else {}
    con = _views(parquet)
    try:
        readable = con.execute(
            "SELECT * EXCLUDE (file_row_number) FROM documents WHERE parse_status = 'ok' AND doc_id IN (SELECT doc_id FROM document_text) "
            "QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY area NULLS LAST, source_path) = 1 "
            "ORDER BY area NULLS LAST, source_path").df()
        prints = fingerprints(con)
        wanted = {d: f"{prints.get(d, 0):016x}" for d in readable["doc_id"]}
        todo = sorted(d for d, fp in wanted.items() if old.get(d) != fp or not (replies / f"{d}.html").exists())
        if todo:
            _render_pages(con, replies, readable[readable["doc_id"].isin(todo)], todo)
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("documents", "programmes", "review_queue")}
        area_summary = con.execute("SELECT * EXCLUDE (file_row_number) FROM area_summary").df() if "area_summary" in parquet else pd.DataFrame()
    finally:
        con.close()
    removed = 0
    for page in replies.glob("*.html"):
        if page.stem not in wanted:
            page.unlink(missing_ok=True)
            removed += 1
    _write_atomically(folder / "index.html", render_index(counts, readable, area_summary, chart_list))
    _write_atomically(manifest_path, json.dumps({"version": REPORT_VERSION, "pages": wanted}, sort_keys=True))
    return ReportWritten(folder / "index.html", len(wanted), len(todo), removed)


def _render_pages(con: duckdb.DuckDBPyConnection, replies: Path, docs: pd.DataFrame, doc_ids: list[str]) -> None:
    def rows_of(table: str) -> pd.DataFrame:
        return con.execute(f'SELECT * EXCLUDE (file_row_number) FROM "{table}" WHERE doc_id IN (SELECT unnest(?)) '
                           "ORDER BY file_row_number", [doc_ids]).df()

    texts = dict(rows_of("document_text")[["doc_id", "text"]].itertuples(index=False))
    programmes = rows_of("programmes")
    names = dict(zip(programmes["programme_id"], programmes["name"]))
    rows: dict[str, dict[str, list[dict]]] = {}
    for table in [*HIGHLIGHTED, "review_queue"]:
        for row in (programmes if table == "programmes" else rows_of(table)).to_dict("records"):
            rows.setdefault(row["doc_id"], {}).setdefault(table, []).append(row)
    for doc in docs.to_dict("records"):
        page = render_reply(doc, texts[doc["doc_id"]], rows.get(doc["doc_id"], {}), names)
        _write_atomically(replies / f"{doc['doc_id']}.html", page)


def _write_atomically(path: Path, content: str) -> None:
    """A reader never sees half a page."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)
