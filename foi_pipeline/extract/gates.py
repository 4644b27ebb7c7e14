"""Cheap pre-checks for groups of regexes: one search says whether any of them can match at all.

Most answers are short, and most patterns find nothing in them; calling each pattern costs more than the
search itself. A gate is one alternation of all the patterns, so `gate.search(text) is None` exactly when
none of them matches anywhere in `text` (each pattern keeps its own flags; group names are dropped).
"""

from __future__ import annotations

import re

_SCOPED_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))
_NAMED_GROUP_RE = re.compile(r"\(\?P<\w+>")


def any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    """A pattern that matches somewhere in a text if and only if one of `patterns` does."""
    parts = []
    for pattern in patterns:
        if "(?P=" in pattern.pattern or re.search(r"\\[1-9]", pattern.pattern):
            raise ValueError(f"a gate cannot hold a pattern with back-references: {pattern.pattern!r}")
        flags = "".join(letter for flag, letter in _SCOPED_FLAGS if pattern.flags & flag)
        on, off = flags, "".join(letter for _, letter in _SCOPED_FLAGS if letter not in flags and letter in "ims")
        body = _NAMED_GROUP_RE.sub("(?:", pattern.pattern)
        parts.append(f"(?{on}-{off}:{body})" if off else f"(?{on}:{body})")
    return re.compile("|".join(parts))


def fold(text: str) -> str:
    """Lower-cased text in which every IGNORECASE match of an ASCII word is a plain substring.

    str.lower() alone misses the letters re matches case-insensitively beyond ASCII: 'ſ' (s), 'ı' and 'İ' (i);
    'K' (Kelvin) already lowers to 'k'. Keyword checks on the folded text may pass where a pattern then finds
    nothing, never the other way round.
    """
    folded = text.lower()
    if not folded.isascii():
        folded = folded.replace("ſ", "s").replace("ı", "i").replace("\u0307", "")  # 'İ'.lower() is 'i' + U+0307
    return folded


def has_any(folded: str, words: tuple[str, ...]) -> bool:
    """Whether any of the words occurs in the (folded) text."""
    for word in words:
        if word in folded:
            return True
    return False
