"""Horizontal bar charts as plain SVG text: the report's three charts need bars, labels, an axis and a legend, and
writing them directly takes milliseconds where a plotting library took most of a second to import and draw."""

from __future__ import annotations

import math
from html import escape

WIDTH = 800
ROW = 22  # pixels per label
CHAR = 6.6  # pixels per character of a 12px label, near enough to size the label column
FONT = "font-family:system-ui,sans-serif;font-size:12px"


def _nice_step(top: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` steps up to `top`."""
    rough = top / ticks
    power = 10 ** math.floor(math.log10(rough))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= rough)


def _tick_label(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:g}m"
    if value >= 1e4:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


def bar_chart(labels: list[str], series: dict[str, list[float]], xlabel: str, colors: list[str],
              xlim: tuple[float, float] | None = None) -> str:
    """Bars for each label, one per series (a legend when there are several), on a shared axis from zero."""
    names = list(series)
    values = [v for vs in series.values() for v in vs if not math.isnan(v)]
    top = xlim[1] if xlim else max([*values, 0.0])
    step = _nice_step(top) if top > 0 else 1.0
    top = xlim[1] if xlim else max(step, math.ceil(top / step) * step)
    left = min(320, 12 + CHAR * max((len(label) for label in labels), default=0))
    legend = 20 if len(names) > 1 else 0
    plot_width = WIDTH - left - 20
    height = legend + ROW * len(labels) + 44
    bar = (ROW - 6) / len(names)

    def x(value: float) -> float:
        return left + plot_width * min(max(value, 0.0), top) / top

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" style="{FONT}">']
    for i, (name, color) in enumerate(zip(names, colors)):
        if legend:
            out.append(f'<rect x="{left + 110 * i}" y="4" width="10" height="10" fill="{color}"/>'
                       f'<text x="{left + 110 * i + 14}" y="13">{escape(name)}</text>')
    base = legend + ROW * len(labels)
    tick = 0.0
    while tick <= top + 1e-9:
        out.append(f'<line x1="{x(tick):.1f}" y1="{legend}" x2="{x(tick):.1f}" y2="{base}" stroke="#ddd"/>'
                   f'<text x="{x(tick):.1f}" y="{base + 14}" text-anchor="middle">{_tick_label(tick)}</text>')
        tick += step
    for row, label in enumerate(labels):
        y = legend + ROW * row
        out.append(f'<text x="{left - 6}" y="{y + ROW / 2 + 4:.1f}" text-anchor="end">{escape(label)}</text>')
        for i, (name, color) in enumerate(zip(names, colors)):
            value = series[name][row]
            if not math.isnan(value) and value > 0:
                out.append(f'<rect x="{left}" y="{y + 3 + bar * i:.1f}" width="{x(value) - left:.1f}" height="{bar:.1f}" fill="{color}">'
                           f'<title>{escape(label)}: {escape(name)} {value:g}</title></rect>')
    out.append(f'<line x1="{left}" y1="{legend}" x2="{left}" y2="{base}" stroke="#444"/>')
    out.append(f'<text x="{left + plot_width / 2:.1f}" y="{base + 34}" text-anchor="middle">{escape(xlabel)}</text></svg>')
    return "".join(out)


def empty_chart(message: str = "no data yet") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="40" viewBox="0 0 {WIDTH} 40" style="{FONT}">'
            f'<text x="{WIDTH / 2}" y="24" text-anchor="middle">{escape(message)}</text></svg>')
