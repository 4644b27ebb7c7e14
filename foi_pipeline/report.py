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
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from foi_pipeline.charts import _tick_label, bar_chart, empty_chart, percent_tick
from foi_pipeline.contract import ROUTES, TABLES, UNKNOWN_STATUSES
from foi_pipeline.extract.accounting import UNREAD_FIELD
from foi_pipeline.ingest import INGEST_VERSION
from foi_pipeline.review import context
from foi_pipeline.warehouse import fetch_value
from foi_pipeline.wording import (
    COVERAGE_WORDS,
    FIELD_WORDS,
    INFORMATION_WORDS,
    ROUTE_WORDS,
    STATUS_WORDS,
    TABLE_WORDS,
    figure,
    missing,
    money,
    percent,
    plural,
    rule_words,
    words,
)

# New rendering code, new pages; a new ingest version, new texts (a reply's text is fixed by its bytes and that version).
_CODE = b"".join((Path(__file__).parent / name).read_bytes() for name in ("report.py", "charts.py", "wording.py"))
REPORT_VERSION = f"{hashlib.sha256(_CODE).hexdigest()[:12]}-{INGEST_VERSION}"
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
.muted{color:#777} .context{color:#444;font-size:.85rem} .legend mark{margin-right:.5rem}
td.cov{text-align:center;min-width:2.2rem} span.cov{padding:.1rem .4rem;margin-right:.4rem;border-radius:3px}
.cov-answered{background:#c8f0c8} .cov-not_applicable{background:#e6e6e6} .cov-not_held{background:#ffe08a}
.cov-refused{background:#f4b6b6} .cov-not_answered{background:#ffd0a0} .cov-no_reply{background:#d33;color:#fff}
"""


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    notes: tuple[str, ...] = ()  # what a partial bar leaves out, shown under the chart


def _empty_chart(title: str) -> Chart:
    return Chart(title, empty_chart())


@dataclass(frozen=True)
class _Axis:
    """How a chart writes its ticks and values: counts and pounds as they are, rates as percentages."""
    kind: str = "number"

    def tick(self, value: float) -> str:
        return percent_tick(value) if self.kind == "percent" else _tick_label(value)

    def value(self, value: float) -> str:
        if self.kind == "percent":
            return percent(value)
        return money(value) if self.kind == "money" else f"{value:,g}"


def _bar_chart(data: pd.Series | pd.DataFrame, title: str, xlabel: str, color, xlim: tuple[float, float] | None = None,
               drawn: Path | None = None, partial: pd.Series | pd.DataFrame | None = None, axis: _Axis = _Axis(),
               notes: tuple[str, ...] = ()) -> Chart:
    """Horizontal bars; a long series keeps its MAX_BARS lowest and highest, and the title says so. `partial`
    (same shape as `data`, booleans) hatches the bars that leave out figures not given.

    With a folder `drawn`, a chart showing exactly what it showed last time is read from there, not drawn again."""
    if isinstance(data, pd.Series) and len(data) > 2 * MAX_BARS:
        title += f" – the {MAX_BARS} lowest and {MAX_BARS} highest of {len(data)}"
        data = pd.concat([data.head(MAX_BARS), data.tail(MAX_BARS)])
        partial = None if partial is None else pd.concat([partial.head(MAX_BARS), partial.tail(MAX_BARS)])
    if drawn is None:
        chart = draw_bars(data, title, xlabel, color, xlim, partial, axis)
        return Chart(chart.title, chart.svg, notes)
    marks = "" if partial is None else partial.to_csv()
    key = hashlib.sha256(f"{REPORT_VERSION}|{title}|{xlabel}|{color}|{xlim}|{axis}|{data.to_csv()}|{marks}".encode()).hexdigest()[:20]
    path = drawn / f"{key}.svg"
    if path.exists():
        return Chart(title, path.read_text(encoding="utf-8"), notes)
    chart = draw_bars(data, title, xlabel, color, xlim, partial, axis)
    drawn.mkdir(parents=True, exist_ok=True)
    write_atomically(path, chart.svg)
    return Chart(chart.title, chart.svg, notes)


def draw_bars(data: pd.Series | pd.DataFrame, title: str, xlabel: str, color, xlim: tuple[float, float] | None,
               partial: pd.DataFrame | pd.Series | None = None, axis: _Axis = _Axis()) -> Chart:
    """The drawing itself, the slow part a chart read back from its folder skips."""
    frame = data.to_frame(name=xlabel) if isinstance(data, pd.Series) else data
    colors = [color] if isinstance(color, str) else list(color)
    series = {str(name): [float(v) for v in frame[name].astype(float).fillna(float("nan"))] for name in frame.columns}
    flags = None
    if partial is not None:
        marks = partial.to_frame(name=xlabel) if isinstance(partial, pd.Series) else partial
        flags = {str(name): [bool(v) for v in marks[name].fillna(False)] for name in marks.columns}
    return Chart(title, bar_chart([str(label) for label in frame.index], series, xlabel, colors, xlim, flags,
                                  tick=axis.tick, value_text=axis.value))


STAGE_NAMES = ("referred", "accepted", "completed")


def _label(row: dict) -> str:
    """Who a row is about: its area, else its authority, else its file."""
    for key in ("area", "authority", "source_path"):
        if isinstance(row.get(key), str) and row[key]:
            return row[key]
    return "unknown area"


def funnel_by_type(funnel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Per programme type and stage: the known figures of both routes added up, whether that total leaves out a
    programme whose figure is not given (a route not stated, not held, refused or suppressed), and which ones."""
    rows, gaps = [], []
    for row in funnel.to_dict("records"):
        kind = row.get("canonical_name") if isinstance(row.get("canonical_name"), str) else row.get("programme")
        out = {"type": kind}
        for stage in STAGE_NAMES:
            statuses = [row.get(f"{route}_{stage}_status") for route in ROUTES]
            out[stage] = sum(float(row[f"{route}_{stage}"]) for route in ROUTES if not pd.isna(row.get(f"{route}_{stage}")))
            missing = [(route, s) for route, s in zip(ROUTES, statuses) if not isinstance(s, str) or s in UNKNOWN_STATUSES]
            out[f"{stage}_partial"] = bool(missing)
            for route, status in missing:
                said = STATUS_WORDS.get(status, "no figure") if isinstance(status, str) else "no figure"
                gaps.append(f"{kind}, {stage}: {_label(row)} ({row.get('programme')}) gives {ROUTE_WORDS[route]} as {said}")
        rows.append(out)
    frame = pd.DataFrame(rows, columns=["type", *STAGE_NAMES, *(f"{s}_partial" for s in STAGE_NAMES)])
    totals = frame.groupby("type")[list(STAGE_NAMES)].sum().astype(float)
    partial = frame.groupby("type")[[f"{s}_partial" for s in STAGE_NAMES]].any()
    partial.columns = list(STAGE_NAMES)
    return totals, partial, sorted(set(gaps))


def charts(funnel: pd.DataFrame, area_summary: pd.DataFrame, drawn: Path | None = None) -> list[Chart]:
    """Funnel by programme type, budget by area, completion rate by programme (kept in `drawn`, if given, so an
    unchanged chart is not drawn again; older drawings there are removed). A total that leaves out figures not
    given is hatched as partial, and the chart's notes say whose."""
    out = []
    title = "Referred, accepted and completed by programme type (both routes; hatched bars leave out figures not given)"
    if funnel.empty:
        out.append(_empty_chart(title))
    else:
        totals, partial, gaps = funnel_by_type(funnel)
        order = totals.sort_values("referred").tail(2 * MAX_BARS).index
        out.append(_bar_chart(totals.loc[order], title, "people", ["#4c78a8", "#f2a541", "#54a24b"], drawn=drawn,
                              partial=partial.loc[order], notes=tuple(gaps)))
    title = "Total budget by area (£)"
    budgets = area_summary.dropna(subset=["total_budget_gbp"]) if not area_summary.empty else area_summary
    if budgets.empty:
        out.append(_empty_chart(title))
    else:
        several = budgets["request_id"].nunique() > 1
        label = budgets["area"] + (" (" + budgets["request_id"].fillna("no request") + ")" if several else "")
        flagged = budgets.get("total_budget_partial", pd.Series(False, index=budgets.index)).astype("boolean").fillna(False)
        keyed = budgets.assign(label=label, partial=flagged)
        budget_totals = keyed.groupby("label")["total_budget_gbp"].sum().astype(float).sort_values()
        budget_partial = keyed.groupby("label")["partial"].any().reindex(budget_totals.index)
        notes = tuple(f"{name}: a programme's budget is not given, so the total leaves it out"
                      for name in budget_partial[budget_partial].index)
        out.append(_bar_chart(budget_totals, title, "£", "#54a24b", drawn=drawn, partial=budget_partial if budget_partial.any() else None,
                              axis=_Axis("money"), notes=notes))
    title = "Agency-route completion rate by programme (completed / accepted)"
    rates = funnel.dropna(subset=["agency_completion_rate"]) if not funnel.empty else funnel
    if rates.empty:
        out.append(_empty_chart(title))
    else:
        records = rates.to_dict("records")
        basis = [r.get("agency_completion_rate_basis") for r in records]
        labels = [f"{_label(r)}: {r['programme']}" + {"approx": " (approx.)", "bounded": " (a bound)"}.get(str(b), "")
                  for r, b in zip(records, basis)]
        series = pd.Series(rates["agency_completion_rate"].astype(float).to_numpy(), index=labels).sort_values()
        out.append(_bar_chart(series, title, "completion rate", "#f2a541", xlim=(0, 1), drawn=drawn, axis=_Axis("percent")))
    if drawn is not None and drawn.exists():
        shown = {chart.svg for chart in out}
        for old in drawn.glob("*.svg"):
            if old.read_text(encoding="utf-8") not in shown:
                old.unlink(missing_ok=True)
    return out


def chart_markdown(chart: Chart) -> str:
    """The chart as an image, and what its partial bars leave out."""
    notes = "".join(f"\n- {note}" for note in chart.notes)
    return f"![{chart.title}](data:image/svg+xml;base64,{base64.b64encode(chart.svg.encode()).decode()})" + (f"\n{notes}" if notes else "")


def _value_of(table: str, row: dict) -> str:
    """What a row says, in words: 'agency-referred, referred: 203 (at most)', 'budget: £60,000 (annual)'."""
    if table == "funnel_counts":
        what = f"{ROUTE_WORDS.get(row['route'], row['route'])}, {row['stage']}"
        return f"{what}: {figure(row['count'], row['status'], row.get('qualifier'), *_bounds(row))}"
    if table == "budgets":
        shown = money(row["amount_gbp"]) if row["status"] == "value" else STATUS_WORDS.get(row["status"], row["status"])
        period = row.get("period")
        return f"budget: {shown}" + (f" ({period})" if isinstance(period, str) and period and row["status"] == "value" else "")
    column = HIGHLIGHTED[table][0]
    return f"{TABLE_WORDS[table]}: {row[column]}"


def _bounds(row: dict) -> tuple[object, object]:
    """A count's interval where it is a range (not just the figure itself)."""
    low, high, count = row.get("count_low"), row.get("count_high"), row.get("count")
    if row.get("status") not in ("value", "suppressed"):
        return None, None
    if not pd.isna(count) and low == count and high == count:
        return None, None
    return low, high


def _highlight(text: str, marks: list[tuple[int, int, str, str]]) -> str:
    """Escaped text with <mark> around every span; overlapping spans are cut at every boundary. Each piece links
    to the row of the first span covering it, and each row's first piece carries the id its row links back to."""
    bounds = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out = []
    for start, end in pairwise(bounds):
        piece = html.escape(text[start:end])
        covering = [m for m in marks if m[0] <= start and end <= m[1] and m[0] < m[1]]
        if covering:
            classes = " ".join(sorted({m[2] for m in covering}))
            first = covering[0][3]
            ids = " ".join(m[3] for m in covering)
            starting = [m[3] for m in covering if m[0] == start]
            anchors = "".join(f'<span id="ev-{row_id}"></span>' for row_id in starting[1:])
            own = f' id="ev-{starting[0]}"' if starting else ""
            out.append(f'{anchors}<a href="#row-{first}"><mark class="{classes}"{own} data-rows="{ids}">{piece}</mark></a>')
        else:
            out.append(piece)
    return "".join(out)


def _page(title: str, body: list[str]) -> str:
    return "".join([
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style></head><body>", *body, "</body></html>",
    ])


def _area_total(row: dict, column: str, shown: str) -> str:
    """An area's total, marked when it leaves out a programme whose figure the reply does not give."""
    flag = row.get(f"{column}_partial")
    return f"{shown} (partial)" if shown and isinstance(flag, (bool, np.bool_)) and flag else shown


def _cell(value: object) -> str:
    return "" if missing(value) else str(value)


def _funnel_cell(row: dict, route: str, stage: str) -> str:
    return figure(row.get(f"{route}_{stage}"), row.get(f"{route}_{stage}_status"), row.get(f"{route}_{stage}_qualifier"),
                  row.get(f"{route}_{stage}_low"), row.get(f"{route}_{stage}_high"))


def _rate_cell(row: dict, rate: str) -> str:
    shown = percent(row.get(rate))
    basis = row.get(f"{rate}_basis")
    if shown and isinstance(basis, str) and basis != "exact":
        return f"{shown} ({'approx.' if basis == 'approx' else 'a bound'})"
    return shown


def render_programmes(funnel: pd.DataFrame) -> list[str]:
    """Each programme's six figures in words (with their qualifiers) and its rates as percentages."""
    if funnel.empty:
        return []
    esc = html.escape
    head = "".join(f"<th>{esc(ROUTE_WORDS[r])}: {s}</th>" for r in ROUTES for s in STAGE_NAMES)
    rates = [f"{r}_{name}_rate" for r in ROUTES for name in ("acceptance", "completion")]
    rate_head = "".join(f"<th>{esc(ROUTE_WORDS[r])}: {name} rate</th>" for r in ROUTES for name in ("acceptance", "completion"))
    parts = ["<h2 id='programmes'>Programmes</h2>",
             "<p class='muted'>Figures as the replies give them: 'at most' is an upper bound (such as a figure that also "
             "counts people outside the requested population), 'approx.' an approximation, 'withheld as a small number' a "
             "figure the reply hides (its range is shown). A rate resting on such a figure says so.</p>",
             f"<table class='programmes'><tr><th>area</th><th>programme</th>{head}{rate_head}</tr>"]
    for row in funnel.to_dict("records"):
        cells = [_label(row), row.get("programme") or "", *(_funnel_cell(row, r, s) for r in ROUTES for s in STAGE_NAMES),
                 *(_rate_cell(row, rate) for rate in rates)]
        parts.append("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    return parts


COVERAGE_ORDER = ("no_reply", "not_answered", "refused", "not_held", "not_applicable", "answered")
COVERAGE_MARK = {"answered": "✓", "not_applicable": "n/a", "not_held": "not held", "refused": "refused",
                 "not_answered": "?", "no_reply": "–"}


def coverage_action(coverage: list[str]) -> str:
    """What a researcher does next about one body, from how its reply covers the questions."""
    n = {c: coverage.count(c) for c in COVERAGE_WORDS}
    if n["no_reply"] == len(coverage):
        return "chase: no reply"
    actions = []
    if n["not_answered"]:
        actions.append(f"chase: {plural(n['not_answered'], 'question')} not answered")
    if n["refused"]:
        actions.append(f"internal review, then the Information Commissioner: {plural(n['refused'], 'question')} refused")
    if n["not_held"]:
        actions.append(f"{plural(n['not_held'], 'question')} not held")
    return "; ".join(actions) or "complete"


def render_coverage(coverage: pd.DataFrame, questions: dict[tuple[str, int], str] | None = None) -> list[str]:
    """Per request, the body x question grid of the coverage mart, coloured, the bodies to chase first."""
    if coverage.empty:
        return []
    esc = html.escape
    parts = ["<h2 id='coverage'>Coverage: who answered what</h2>",
             "<p class='muted'>Each body the request went to, and how its reply covers each question. Bodies to chase "
             "come first: no reply, then questions not answered; a refusal can go to an internal review and then to the "
             "Information Commissioner.</p>",
             "<p class='legend coverage-legend'>" + "".join(
                 f"<span class='cov cov-{c}'>{esc(COVERAGE_MARK[c])} {esc(COVERAGE_WORDS[c])}</span>" for c in COVERAGE_WORDS) + "</p>"]
    for request_id, grid in coverage.groupby("request_id", sort=True):
        numbers = sorted({int(q) for q in grid["question_no"].dropna()})
        keys = dict(zip(grid["question_no"], grid["question_key"]))
        bodies = []
        for recipient, rows in grid.groupby("recipient", sort=True):
            by_question = dict(zip(rows["question_no"], rows["coverage"]))
            values = [by_question.get(q, "no_reply") for q in numbers]
            doc = next((d for d in rows["doc_id"] if isinstance(d, str)), None)
            rank = tuple(-values.count(c) for c in COVERAGE_ORDER)
            bodies.append((rank, recipient, values, doc))
        bodies.sort(key=lambda b: (b[0], b[1]))
        head = "".join(f"<th title='{esc(FIELD_WORDS.get(str(keys[q]), str(keys[q]).replace('_', ' ')))}'>Q{q}</th>" for q in numbers)
        parts.append(f"<h3>{esc(str(request_id))}</h3><table class='coverage'><tr><th>body</th>{head}<th>next step</th></tr>")
        for _, recipient, values, doc in bodies:
            name = esc(str(recipient))
            if doc:
                name = f"<a href='replies/{esc(doc)}.html'>{name}</a>"
            cells = "".join(f"<td class='cov cov-{v}' title='{esc(COVERAGE_WORDS[v])}'>{esc(COVERAGE_MARK[v])}</td>" for v in values)
            parts.append(f"<tr><td>{name}</td>{cells}<td>{esc(coverage_action(values))}</td></tr>")
        parts.append("</table>")
    return parts


def render_index(counts: dict[str, int], readable: pd.DataFrame, area_summary: pd.DataFrame, chart_list: list[Chart],
                 funnel: pd.DataFrame | None = None, coverage: pd.DataFrame | None = None) -> str:
    """The overview: counts, the coverage grid, charts, the programmes and areas tables, and every reply's page."""
    esc = html.escape
    funnel = pd.DataFrame() if funnel is None else funnel
    coverage = pd.DataFrame() if coverage is None else coverage
    sections = [("coverage", "Coverage", not coverage.empty), ("overview", "National overview", True),
                ("programmes", "Programmes", not funnel.empty), ("areas", "Areas", not area_summary.empty), ("replies", "Replies", True)]
    parts = [
        "<h1>FOI evidence report</h1>",
        f"<p class='muted'>{plural(counts['documents'], 'file')}, {plural(len(readable), 'readable reply', 'readable replies')}, "
        f"{plural(counts['programmes'], 'programme')}, {plural(counts['review_queue'], 'review item')}. Each reply's page "
        "highlights every extracted value and links it to its row.</p>",
        "<nav>" + "".join(f"<a href='#{anchor}'>{esc(name)}</a>" for anchor, name, shown in sections if shown) + "</nav>",
        LEGEND,
        *render_coverage(coverage),
        "<h2 id='overview'>National overview</h2>",
    ]
    for chart in chart_list:
        notes = ("<ul class='chart-notes muted'>" + "".join(f"<li>{esc(n)}</li>" for n in chart.notes) + "</ul>") if chart.notes else ""
        parts.append(f"<figure><figcaption><strong>{esc(chart.title)}</strong></figcaption>{chart.svg}{notes}</figure>")
    parts.extend(render_programmes(funnel))
    if not area_summary.empty:
        parts.append("<h2 id='areas'>Areas</h2><p class='muted'>A total marked 'partial' leaves out a programme whose "
                     "figure the reply does not give.</p><table><tr><th>area</th><th>request</th><th>information</th>"
                     "<th>programmes</th><th>total budget</th><th>referred</th><th>completed</th></tr>")
        for row in area_summary.to_dict("records"):
            cells = [row["area"], _cell(row["request_id"]), INFORMATION_WORDS.get(row["information_status"], _cell(row["information_status"])),
                     _cell(row["programme_names"]), _area_total(row, "total_budget", money(row["total_budget_gbp"])),
                     _area_total(row, "total_referred", _cell(row["total_referred"])),
                     _area_total(row, "total_completed", _cell(row["total_completed"]))]
            parts.append("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("<h2 id='replies'>Replies</h2><nav class='replies'>" + "".join(
        f"<a href='replies/{esc(row['doc_id'])}.html'>{esc(_title(row))}{' (OCR)' if row.get('text_source') in ('ocr', 'mixed') else ''}</a>"
        for row in readable.to_dict("records")) + "</nav>")
    return _page("FOI evidence report", parts)


def _title(doc: dict) -> str:
    """A reply's name: its area, else its authority, else its file."""
    for key in ("area", "authority"):
        if isinstance(doc.get(key), str) and doc[key]:
            return doc[key]
    return str(doc["source_path"])


def _review_line(text: str, start: int, end: int) -> str:
    """The line a doubt points into, escaped, its evidence in bold; a long line is cut around the evidence."""
    before, evidence, after = context(text, start, end)
    return html.escape(before) + f"<strong>{html.escape(evidence)}</strong>" + html.escape(after) if evidence else ""


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
            spanned = row["char_end"] > row["char_start"]
            if spanned:
                marks.append((int(row["char_start"]), int(row["char_end"]), css, row_id))
            programme = names.get(str(row.get("programme_id")), "") if table != "programmes" else row["name"]
            link = f"<a href='#ev-{esc(row_id)}'>in the text</a>" if spanned else ""
            rows_html.append(
                f"<tr id='row-{row_id}'><td>{esc(TABLE_WORDS[table])}</td><td>{esc(str(programme or ''))}</td><td>{esc(_value_of(table, row))}</td>"
                f"<td>{esc(row['evidence_text'] or '')}</td><td>{esc(rule_words(row['extractor']))}</td><td>{link}</td></tr>")
    review_html = []
    for i, row in enumerate(rows.get("review_queue", [])):
        row_id = f"{doc_id}-review-{i}"
        start, end = int(row["char_start"]), int(row["char_end"])
        line = _review_line(text, start, end)
        if end > start:
            css = "unread" if row.get("field") == UNREAD_FIELD else "review"
            marks.append((start, end, css, row_id))
        field = FIELD_WORDS.get(row["field"], str(row["field"]).replace("_", " "))
        programme = names.get(pid, "") if isinstance(pid := row.get("programme_id"), str) else ""
        about = f"{TABLE_WORDS.get(row['table_name'], row['table_name'])}, {field}" + (f" ({programme})" if programme else "")
        shown = (f"<br><span class='context'>“{line}”</span> <a href='#ev-{esc(row_id)}'>in the text</a>") if line else ""
        review_html.append(f"<li id='row-{row_id}' class='review-item'><strong>{esc(row['severity'])}</strong> · {esc(about)}: "
                           f"{esc(words(row['reason']))}{shown}</li>")
    title = _title(doc)
    heading = title if title == doc["source_path"] else f"{title} – {doc['source_path']}"
    details = [str(doc.get("authority") or ""), f"ref {doc['foi_reference']}" if _cell(doc.get("foi_reference")) else "",
               str(doc.get("response_date") or "")[:10], INFORMATION_WORDS.get(str(doc.get("information_status")), "")]
    parts = [
        "<p><a href='../index.html#replies'>← all replies</a></p>",
        f"<section id='doc-{esc(doc_id)}'><h1>{esc(heading)}</h1>",
        f"<p class='muted'>{esc(' · '.join(d for d in details if d and d != 'None' and d != 'NaT'))}</p>",
    ]
    ocr = _ocr_note(doc)
    if ocr:
        parts.append(f"<p class='ocr'>{esc(ocr)}</p>")
    if review_html:
        parts.append(f"<h2>To review ({len(review_html)})</h2><ul>" + "".join(review_html) + "</ul>")
    parts.append(LEGEND)
    parts.append("<table><tr><th>what</th><th>programme</th><th>value</th><th>evidence</th><th>how it was read</th><th></th></tr>"
                 + "".join(rows_html) + "</table>")
    parts.append(f"<pre class='reply'>{_highlight(text, marks)}</pre></section>")
    return _page(f"{title} – FOI evidence report", parts)


LEGEND = ("<p class='legend'>Highlights in a reply's text: <mark class='programme'>programme</mark><mark class='count'>count</mark>"
          "<mark class='money'>money</mark><mark class='org'>organisation</mark><mark class='review'>doubt to review</mark>"
          "<mark class='unread'>figure read into nothing</mark> (click a highlight for its row, a row's "
          "'in the text' for its highlight)</p>")
REPORT_MARTS = ("area_summary", "programme_funnel", "coverage")  # shown on the index, when given
SHOWN_TABLES = ("documents", *HIGHLIGHTED, "review_queue")  # not document_text: see REPORT_VERSION


def views(parquet: dict[str, Path]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view per table over its Parquet file (with each row's file_row_number): what
    `fingerprints` and the report's pages query."""
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
    """index.html and replies/<doc_id>.html from the tables' Parquet files (and REPORT_MARTS'): only pages whose
    rows changed are rendered, and removed replies' pages go."""
    replies = folder / "replies"
    replies.mkdir(parents=True, exist_ok=True)
    manifest_path = replies / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    old = manifest.get("pages", {}) if manifest.get("version") == REPORT_VERSION else {}
    con = views(parquet)
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
        counts = {t: fetch_value(con, f'SELECT count(*) FROM "{t}"') for t in ("documents", "programmes", "review_queue")}
        marts = {m: con.execute(f'SELECT * EXCLUDE (file_row_number) FROM "{m}"').df() if m in parquet else pd.DataFrame()
                 for m in REPORT_MARTS}
    finally:
        con.close()
    removed = 0
    for page in replies.glob("*.html"):
        if page.stem not in wanted:
            page.unlink(missing_ok=True)
            removed += 1
    write_atomically(folder / "index.html", render_index(counts, readable, marts["area_summary"], chart_list,
                                                             marts["programme_funnel"], marts["coverage"]))
    write_atomically(manifest_path, json.dumps({"version": REPORT_VERSION, "pages": wanted}, sort_keys=True))
    return ReportWritten(folder / "index.html", len(wanted), len(todo), removed)


def _render_pages(con: duckdb.DuckDBPyConnection, replies: Path, docs: pd.DataFrame, doc_ids: list[str]) -> None:
    def rows_of(table: str) -> pd.DataFrame:
        return con.execute(f'SELECT * EXCLUDE (file_row_number) FROM "{table}" WHERE doc_id IN (SELECT unnest(?)) '
                           "ORDER BY file_row_number", [doc_ids]).df()

    texts: dict[str, str] = dict(rows_of("document_text")[["doc_id", "text"]].itertuples(index=False))
    programmes = rows_of("programmes")
    names = dict(zip(programmes["programme_id"], programmes["name"]))
    rows: dict[str, dict[str, list[dict]]] = {}
    for table in [*HIGHLIGHTED, "review_queue"]:
        for row in (programmes if table == "programmes" else rows_of(table)).to_dict("records"):
            rows.setdefault(row["doc_id"], {}).setdefault(table, []).append(row)
    for doc in docs.to_dict("records"):
        page = render_reply(doc, texts[doc["doc_id"]], rows.get(doc["doc_id"], {}), names)
        write_atomically(replies / f"{doc['doc_id']}.html", page)


def write_atomically(path: Path, content: str) -> None:
    """A reader never sees half a page."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)
