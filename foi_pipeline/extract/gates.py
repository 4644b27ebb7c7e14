"""Cheap pre-checks before expensive regexes: words a pattern needs, looked up in folded text.

Most answers are short, and most patterns find nothing in them; calling each pattern costs more than
checking for a word every one of its matches contains. A check may pass where the pattern then finds
nothing, never the other way round (tests/test_extract_gates.py tries each against its patterns).
"""

from __future__ import annotations


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
    return any(word in folded for word in words)
