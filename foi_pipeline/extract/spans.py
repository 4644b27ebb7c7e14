"""Spans of the reply's text: the unit of evidence every fact points back to."""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A slice of the reply: text[start:end]. Facts carry one so a person can check them in seconds.

    A named tuple rather than a frozen dataclass: replies make hundreds of spans, and a tuple is built
    several times faster (same fields, equality, hash and repr).
    """

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Span:
        start, end = max(0, start), min(len(source), end)
        return _new(cls, (start, max(start, end), source[start:max(start, end)]))

    def strip(self, chars: str | None = None) -> Span:
        """The same span without surrounding whitespace (or the given characters)."""
        text = self.text
        left = len(text) - len(text.lstrip(chars))
        stripped = text.strip(chars)
        return _new(Span, (self.start + left, self.start + left + len(stripped), stripped))

    def sub(self, start: int, end: int) -> Span:
        """A sub-span, with offsets relative to this span's text."""
        if start < 0:
            start = 0
        length = len(self.text)
        if end > length:
            end = length
        if end < start:
            end = start
        return _new(Span, (self.start + start, self.start + end, self.text[start:end]))

    def __bool__(self) -> bool:
        return bool(self.text.strip())


EMPTY = Span(0, 0, "")
WRAP_WIDTH = 80  # a line this long that does not end a sentence may have been wrapped (PDF text)
_new = tuple.__new__  # Span(a, b, c) without the Python-level __new__ of named tuples (spans are built in hot loops)


def lines(text: str) -> list[Span]:
    """Every line of the text (without its newline), with its offsets."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append(_new(Span, (pos, pos + len(line), line)))
        pos += len(line) + 1
    return out


def evidence(span: Span, extractor: str) -> dict[str, object]:
    """The provenance columns of a fact row."""
    return {
        "char_start": span.start,
        "char_end": span.end,
        "evidence_text": span.text,
        "extractor": extractor,
    }
