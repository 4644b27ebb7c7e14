"""Word's own list numbering: the "3." or "(b)" or bullet that Word draws before a paragraph but that is not in
its text.

Offices number their answers with Word's "List Number" style far more often than by typing the numbers, so
without this the answers of such a letter carry no question numbers at all. A paragraph is numbered by its own
w:numPr or by its style's (followed through w:basedOn); w:num points at an abstract list whose levels give the
format ("decimal", "lowerLetter", "bullet", ...), the pattern ("%1.", "(%2)") and the start. Counters run per
list and level; a level's counter restarts when a level above it moves on.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from foi_pipeline.ingest.tables import BULLET

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


VAL = _w("val")
MAX_LEVELS = 9
INDENT_STEP = 360  # twips: a quarter inch, the smallest step Word's own list styles nest by
MAX_DEPTH = 3


@dataclass(frozen=True)
class Level:
    fmt: str  # w:numFmt: decimal, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet, none, ...
    text: str  # w:lvlText: "%1.", "(%2)", "•"
    start: int = 1
    left: int = 0  # the level's indent in twips (w:ind w:left or w:start)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Word repeats the letter)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n >= 1 else str(n)


def format_number(n: int, fmt: str) -> str:
    """A counter in a level's format; formats we do not draw fall back to digits."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _int(el: etree._Element | None, default: int) -> int:
    value = _val(el)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class ListNumbering:
    """Labels for the numbered and bulleted paragraphs of one document, in reading order."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None):
        abstract: dict[str, dict[int, Level]] = {}
        for an in numbering.iterfind(_w("abstractNum")) if numbering is not None else ():
            abstract[an.get(_w("abstractNumId")) or ""] = {
                _int_attr(lvl, _w("ilvl")): Level(
                    fmt=_val(lvl.find(_w("numFmt"))) or "decimal",
                    text=_val(lvl.find(_w("lvlText"))) or "",
                    start=_int(lvl.find(_w("start")), 1),
                    left=_indent(lvl.find(_w("pPr"))),
                )
                for lvl in an.iterfind(_w("lvl"))
            }
        self._lists: dict[str, dict[int, Level]] = {}
        for num in numbering.iterfind(_w("num")) if numbering is not None else ():
            levels = dict(abstract.get(_val(num.find(_w("abstractNumId"))) or "", {}))
            for override in num.iterfind(_w("lvlOverride")):
                ilvl = _int_attr(override, _w("ilvl"))
                start = override.find(_w("startOverride"))
                if start is not None and ilvl in levels:
                    lv = levels[ilvl]
                    levels[ilvl] = Level(lv.fmt, lv.text, _int(start, lv.start), lv.left)
            self._lists[num.get(_w("numId")) or ""] = levels
        # The least indent of any level: a list at it is at the top; each INDENT_STEP more is one level deeper.
        # Word's "List Bullet 2" is a list of its own at level 0, nested only by its indent.
        lefts = [lv.left for levels in self._lists.values() for lv in levels.values() if lv.left > 0]
        self._base_left = min(lefts, default=0)
        self._style_numbering: dict[str, tuple[str | None, int | None]] = {}
        self._based_on: dict[str, str] = {}
        for style in styles.iterfind(_w("style")) if styles is not None else ():
            sid = style.get(_w("styleId")) or ""
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is not None:
                self._style_numbering[sid] = (_val(num_pr.find(_w("numId"))), _opt_int(num_pr.find(_w("ilvl"))))
            based = _val(style.find(_w("basedOn")))
            if based:
                self._based_on[sid] = based
        self._counters: dict[str, list[int | None]] = {}

    def _from_style(self, style: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style and style not in seen:
            seen.add(style)
            if style in self._style_numbering:
                return self._style_numbering[style]
            style = self._based_on.get(style)
        return None, None

    def label(self, p: etree._Element) -> tuple[str, int] | None:
        """(label, depth) for a paragraph Word numbers ("3.", "(b)", "•"), else None; advances the counters.
        The depth is how far it is nested."""
        p_pr = p.find(_w("pPr"))
        if p_pr is None:
            return None
        style_el = p_pr.find(_w("pStyle"))
        num_id, ilvl = self._from_style(style_el.get(VAL) if style_el is not None else None)
        num_pr = p_pr.find(_w("numPr"))
        if num_pr is not None:
            num_id = _val(num_pr.find(_w("numId"))) or num_id
            ilvl = _opt_int(num_pr.find(_w("ilvl"))) if num_pr.find(_w("ilvl")) is not None else ilvl
        if not num_id or num_id == "0":  # numId 0 switches numbering off
            return None
        levels = self._lists.get(num_id)
        ilvl = min(max(ilvl or 0, 0), MAX_LEVELS - 1)
        if not levels or ilvl not in levels:
            return None
        counters = self._counters.setdefault(num_id, [None] * MAX_LEVELS)
        level = levels[ilvl]
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, MAX_LEVELS):
            counters[deeper] = None
        left = _indent(p_pr) or level.left
        # A level below the first nests by its level; a list of one level ("List Bullet 2") by its indent.
        depth = ilvl or (max(0, round((left - self._base_left) / INDENT_STEP)) if left and self._base_left else 0)
        depth = min(depth, MAX_DEPTH)
        if level.fmt == "none":
            return None
        if level.fmt == "bullet":
            return BULLET, depth
        text = level.text
        for k in range(MAX_LEVELS):
            placeholder = f"%{k + 1}"
            if placeholder in text:
                lv = levels.get(k, level)
                value = counters[k]
                if value is None:
                    value = lv.start
                text = text.replace(placeholder, format_number(value, lv.fmt))
        return (text.strip(), depth) if text.strip() else None


def _indent(p_pr: etree._Element | None) -> int:
    """A paragraph's or level's left indent in twips, 0 when it sets none."""
    ind = p_pr.find(_w("ind")) if p_pr is not None else None
    if ind is None:
        return 0
    for name in ("left", "start"):
        value = ind.get(_w(name))
        if value is not None:
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _val(el: etree._Element | None) -> str | None:
    return el.get(VAL) if el is not None else None


def _opt_int(el: etree._Element | None) -> int | None:
    return _int(el, 0) if el is not None else None


def _int_attr(el: etree._Element, name: str) -> int:
    try:
        return int(el.get(name, "0"))
    except ValueError:
        return 0
