"""Horizontal bar charts as plain SVG text: the report's charts need bars, labels, an axis and a legend, and
writing them directly takes milliseconds where a plotting library took most of a second to import and draw.

A bar can be marked partial (a total that leaves out figures not given): it is hatched, says so in its tooltip,
and the legend explains the hatching. Long labels wrap onto up to three lines rather than being cut."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from html import escape

WIDTH = 800
ROW = 22  # pixels per bar group
LINE = 14  # pixels per line of a wrapped label
CHAR = 6.6  # pixels per character of a 12px label, near enough to size the label column
LABEL_CHARS = 44  # a label wraps past this many characters
LABEL_LINES = 3
FONT = "font-family:system-ui,sans-serif;font-size:12px"
PARTIAL = "partial: leaves out figures not given"


def nice_step(top: float, ticks: int = 5) -> float:
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


def percent_tick(value: float) -> str:
    return f"{value * 100:.0f}%"


def wrap_label(label: str, width: int = LABEL_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """A label over at most `lines` lines of about `width` characters (a very long last line ends in '…')."""
    wrapped = textwrap.wrap(label, width=width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(" ".join(wrapped[lines - 1:]), width=width, placeholder="…")]
    return wrapped


def bar_chart(labels: list[str], series: dict[str, list[float]], xlabel: str, colors: list[str],
              xlim: tuple[float, float] | None = None, partial: dict[str, list[bool]] | None = None,
              tick: Callable[[float], str] = _tick_label, value_text: Callable[[float], str] = lambda v: f"{v:g}") -> str:
    """Bars for each label, one per series (a legend when there are several, or when a bar is partial), on a
    shared axis from zero. `partial[name][row]` hatches that bar."""
    names = list(series)
    partial = partial or {}
    values = [v for vs in series.values() for v in vs if not math.isnan(v)]
    top = xlim[1] if xlim else max([*values, 0.0])
    step = nice_step(top) if top > 0 else 1.0
    top = xlim[1] if xlim else max(step, math.ceil(top / step) * step)
    wrapped = [wrap_label(label) for label in labels]
    left = min(320, 12 + CHAR * max((len(line) for lines in wrapped for line in lines), default=0))
    any_partial = any(any(flags) for flags in partial.values())
    legend = 20 * ((len(names) > 1) + any_partial)  # a line for the series, a line for the hatching
    plot_width = WIDTH - left - 20
    heights = [max(ROW, LINE * len(lines) + 8) for lines in wrapped]
    height = legend + sum(heights) + 44
    bar = (ROW - 6) / len(names)

    def x(value: float) -> float:
        return left + plot_width * min(max(value, 0.0), top) / top

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" style="{FONT}">',
           "<defs>", *(f'<pattern id="hatch-{i}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                      f'<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="{color}"/></pattern>'
                      for i, color in enumerate(colors)), "</defs>"]
    key_x = left
    for name, color in zip(names, colors):
        if len(names) > 1:
            out.append(f'<rect x="{key_x}" y="4" width="10" height="10" fill="{color}"/><text x="{key_x + 14}" y="13">{escape(name)}</text>')
            key_x += 110
    if any_partial:
        y_key = 4 + (20 if len(names) > 1 else 0)
        out.append(f'<rect class="partial-key" x="{left}" y="{y_key}" width="10" height="10" fill="url(#hatch-0)" stroke="{colors[0]}"/>'
                   f'<text x="{left + 14}" y="{y_key + 9}">hatched: {escape(PARTIAL)}</text>')
    base = legend + sum(heights)
    value = 0.0
    while value <= top + 1e-9:
        out.append(f'<line x1="{x(value):.1f}" y1="{legend}" x2="{x(value):.1f}" y2="{base}" stroke="#ddd"/>'
                   f'<text x="{x(value):.1f}" y="{base + 14}" text-anchor="middle">{tick(value)}</text>')
        value += step
    y = legend
    for row, (label, lines) in enumerate(zip(labels, wrapped)):
        middle = y + heights[row] / 2
        first = middle - LINE * (len(lines) - 1) / 2 + 4
        out.append(f'<text x="{left - 6}" y="{first:.1f}" text-anchor="end"><title>{escape(label)}</title>'
                   + "".join(f'<tspan x="{left - 6}" dy="{0 if j == 0 else LINE}">{escape(line)}</tspan>' for j, line in enumerate(lines))
                   + "</text>")
        top_of_bars = middle - (ROW - 6) / 2
        for i, (name, color) in enumerate(zip(names, colors)):
            v = series[name][row]
            is_partial = bool(partial.get(name, [False] * len(labels))[row])
            if math.isnan(v) or (v <= 0 and not is_partial):
                continue
            fill, extra = (f"url(#hatch-{i})", f' class="partial" stroke="{color}"') if is_partial else (color, "")
            note = f" ({PARTIAL})" if is_partial else ""
            width = max(x(v) - left, 4.0 if is_partial else 0.0)  # a partial zero still shows its hatching
            out.append(f'<rect x="{left}" y="{top_of_bars + bar * i:.1f}" width="{width:.1f}" height="{bar:.1f}" fill="{fill}"{extra}>'
                       f'<title>{escape(label)}: {escape(name)} {escape(value_text(v))}{escape(note)}</title></rect>')
        y += heights[row]
    out.append(f'<line x1="{left}" y1="{legend}" x2="{left}" y2="{base}" stroke="#444"/>')
    out.append(f'<text x="{left + plot_width / 2:.1f}" y="{base + 34}" text-anchor="middle">{escape(xlabel)}</text></svg>')
    return "".join(out)


def empty_chart(message: str = "no data yet") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="40" viewBox="0 0 {WIDTH} 40" style="{FONT}">'
            f'<text x="{WIDTH / 2}" y="24" text-anchor="middle">{escape(message)}</text></svg>')
