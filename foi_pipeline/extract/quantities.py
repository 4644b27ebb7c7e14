"""Counts and money as FOI replies write them, each reading with the character span it came from.

Pure functions, no I/O: every offset is an index into the very string passed in (the text is never
lower-cased or rewritten before matching), so `text[r.start:r.end]` is the evidence of reading `r`.

Counts
    read_count(text)   the reading of a short answer: its first figure, or the status it states instead
                       ("N/A", "not held", "exempt under section 43"); silence -> not_stated (start=end=0)
    find_counts(text)  every count-like figure of a longer answer, in order; statuses are not included
    parse_number_words("one hundred and six") -> 106

    A CountReading keeps the figure as written and the interval it stands for:

      written                         status      count  low   high  qualifier
      "82", "1,204", "twelve"         value       n      n     n     exact
      "nil", "none", "zero", "no men" value       0      0     0     exact
      "approx. 40", "c. 40", "~40"    value       40     40    40    approx
      "approx. 40-50", "40 to 50",    value       40     40    50    approx   (a written range: count is the
        "between 40 and 50"                                                   FIRST number, never an invented
                                                                              midpoint; low/high hold the range)
      "over 40", "more than 40"       value       40     41    None  at_least
      "at least 40", "40+", "40 or    value       40     40    None  at_least
        more"
      "up to 40", "no more than 40"   value       40     0     40    at_most
      "fewer than 5", "<5", "under 5" suppressed  None   1     4     at_most  (zero would have been stated)
      "5 or fewer", "≤5"              suppressed  None   1     5     at_most
      "*", "suppressed", "small       suppressed  None   1     None  at_most  (high = threshold-1 when the
        number"                                                               text states the threshold:
                                                                              "* denotes fewer than 5",
                                                                              "figures below 5 are suppressed")

    Not counts (skipped by find_counts): percentages, money, years, financial years and dates, section
    and other legal references, list labels ("1.", "2)", "Q5"), references to other answers ("see 3
    above"), durations and times ("2 x 5 hour sessions", "18 hours", "40 working days", "10:30"), ages
    ("aged 16", "men over 18"), phone and reference numbers, and the threshold of a suppression policy
    ("figures below 5 are suppressed" explains suppression; it is not a figure).

    A sentence that explains suppression of small numbers under section 40 next to a suppressed figure
    does not make the answer a refusal: read_count("Fewer than 5 (withheld under s.40(2))") is suppressed.
    A bare "withheld under section 40(2)" is refused.

Money
    find_money(text)   every amount in pounds, in order: "£60,000", "£209,332.78", "£1.2m", "£45k",
                       "£0.250m", "60,000 GBP", "GBP 60,000", "12,500 pounds", "sixty thousand pounds",
                       with its period: "annual", "monthly", "N years", "N years (2021 to 2026)",
                       "2021 to 2026", "2022/23", or None; unit costs ("£450 per participant") keep
                       period None and say per="participant". Amounts of £1 trillion or more are skipped
                       (they do not fit DECIMAL(14,2)).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.gates import fold, has_any

__all__ = ["CountReading", "MoneyReading", "find_counts", "find_money", "may_state_status", "parse_number_words", "read_count"]


@dataclass(frozen=True)
class CountReading:
    status: str  # value | not_applicable | not_held | refused | suppressed | not_stated
    count: int | None  # None unless status == "value"
    low: int | None
    high: int | None
    qualifier: str | None  # exact | approx | at_least | at_most; None unless status is value or suppressed
    start: int  # span of the phrase that gave the reading, in the input string
    end: int
    rule: str  # which rule fired: count:digits, count:words, count:range, count:fewer_than, status:not_held, ...


@dataclass(frozen=True)
class MoneyReading:
    amount: Decimal  # GBP, 2 dp
    period: str | None  # annual | monthly | "3 years" | "5 years (2021 to 2026)" | "2022/23" | None
    start: int  # span of the amount expression itself ("£1.2m", "60,000 GBP")
    end: int
    rule: str
    per: str | None = None  # unit of a unit cost: "£450 per participant" -> "participant"


# --- number words ---------------------------------------------------------------------------------

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ZERO = {"zero", "nil", "none"}
_VOCAB = sorted([*_UNITS, *_TENS, *_ZERO, "hundred", "thousand", "fourty"], key=len, reverse=True)
_WORD = r"(?:" + "|".join(_VOCAB) + r")"


def _at_word_start(first: str, pattern: str) -> str:
    """`pattern`, tried only where a word starting with one of `first` begins (a large speed-up for long alternations)."""
    return r"(?<!\w)(?=[" + first + r"])(?:" + pattern + r")"


_WORD_TOKEN_RE = re.compile(_at_word_start("".join(sorted({w[0] for w in _VOCAB} | {"a"})), r"\b(?:" + "|".join(_VOCAB) + r"|and)\b"), re.IGNORECASE)
_WORD_GAP_RE = re.compile(r"[ \t]*-[ \t]*|[ \t\n]+")


def _below_100(tokens: list[str], i: int) -> tuple[int, int] | None:
    if i >= len(tokens):
        return None
    token = "forty" if tokens[i] == "fourty" else tokens[i]
    if token in _TENS:
        if i + 1 < len(tokens) and tokens[i + 1] in _UNITS and _UNITS[tokens[i + 1]] < 10:
            return _TENS[token] + _UNITS[tokens[i + 1]], i + 2
        return _TENS[token], i + 1
    if token in _UNITS:
        return _UNITS[token], i + 1
    return None


def _below_1000(tokens: list[str], i: int) -> tuple[int, int] | None:
    first = _below_100(tokens, i)
    if first is None:
        return None
    value, j = first
    if value < 10 and j < len(tokens) and tokens[j] == "hundred":
        value, j = value * 100, j + 1
        k = j + 1 if j < len(tokens) and tokens[j] == "and" else j
        rest = _below_100(tokens, k)
        if rest is not None:
            return value + rest[0], rest[1]
    return value, j


def _number_prefix(tokens: list[str], i: int) -> tuple[int, int] | None:
    """(value, index after) of the longest number written in words starting at tokens[i]."""
    if i < len(tokens) and tokens[i] in _ZERO:
        return 0, i + 1
    head = _below_1000(tokens, i)
    if head is None:
        return None
    value, j = head
    if j < len(tokens) and tokens[j] == "thousand":
        value, j = value * 1000, j + 1
        k = j + 1 if j < len(tokens) and tokens[j] == "and" else j
        rest = _below_1000(tokens, k)
        if rest is not None:
            return value + rest[0], rest[1]
    return value, j


_WORD_SEPARATOR_RE = re.compile(r"[\s-]+")


def parse_number_words(s: str) -> int | None:
    """'twelve' -> 12, 'forty-one' -> 41, 'one hundred and six' -> 106, 'nil'/'none'/'zero' -> 0.

    None unless the whole string is one number in words (so 'one and two' and 'banana' are None).
    """
    tokens = [t for t in _WORD_SEPARATOR_RE.split(s.strip().lower()) if t]
    if not tokens:
        return None
    parsed = _number_prefix(tokens, 0)
    return parsed[0] if parsed is not None and parsed[1] == len(tokens) else None


def _word_numbers(text: str) -> list[tuple[int, int, int]]:
    """(value, start, end) of every number written in words."""
    out: list[tuple[int, int, int]] = []
    run: list[re.Match[str]] = []

    def flush() -> None:
        tokens = [m.group().lower() for m in run]
        i = 0
        while i < len(tokens):
            parsed = _number_prefix(tokens, i)
            if parsed is None:
                i += 1
                continue
            value, j = parsed
            out.append((value, run[i].start(), run[j - 1].end()))
            i = j

    for m in _WORD_TOKEN_RE.finditer(text):
        if run and not _WORD_GAP_RE.fullmatch(text, run[-1].end(), m.start()):
            flush()
            run = []
        run.append(m)
    if run:
        flush()
    return out


# --- shared pieces --------------------------------------------------------------------------------

_DIGITS = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+"
_N = r"(?:" + _DIGITS + r"|" + _WORD + r"(?:[ \t-]+" + _WORD + r")?)"  # a small number in digits or words
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_UNIT_WORDS = (
    r"(?:(?:working|calendar|business|clear|school|consecutive)[ \t]+days?|hours?|hrs?|minutes?|mins?|seconds?|secs?|"
    r"weeks?|wks?|days?|months?|mths?|years?|yrs?|nights?|fortnights?|sessions?|modules?|miles?|km|kilomet(?:re|er)s?|"
    r"pages?|words?|(?:a|p)\.?m\.?|o['’]?clock)"
)
PEOPLE_WORDS = lexicon.PEOPLE_WORDS  # "12 men", "40 participants"


_MAX_DIGITS = 12  # a longer run of digits is an identifier, never a count (and int() refuses very long strings)


def _to_int(s: str) -> int:
    return int(s.replace(",", ""))


def _small_number(s: str) -> int | None:
    s = s.strip()
    if s[:1].isdigit():
        return _to_int(s) if len(s) <= _MAX_DIGITS else None
    return parse_number_words(s)


_BOUNDARY_RE = re.compile(r"[;!?\n]|\.(?=\s|$)")
_ABBREVIATION_END_RE = re.compile(r"(?:\b(?:approx|c|ca|s|ss|no|nos|para|reg|est|e\.g|i\.e|etc|inc|ltd|st)|\.[a-z])$", re.IGNORECASE)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans: split at '.', ';', '!', '?' followed by space, and at newlines."""
    spans, start = [], 0
    for m in _BOUNDARY_RE.finditer(text):
        # "approx. 40", "c. 160", "s. 40", "No. 5" do not end a sentence
        if m.group() == "." and _ABBREVIATION_END_RE.search(text[max(0, m.start() - 6) : m.start()]):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


# --- spans that are never counts -------------------------------------------------------------------

_MONEY_NUM = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
_SCALE_WORD = r"(?:bn|billion|mn|m|million|k|thousand)"
# (?=[...]): each alternative starts with "£", "GBP", a digit or ".", or a number word, so the alternatives
# are tried only where one of those starts.
MONEY_RE = re.compile(
    r"(?=[£g0-9." + "".join(sorted({w[0] for w in _VOCAB})) + r"])(?:"
    r"(?P<cur>£|\bGBP)[ \t]?(?P<num>" + _MONEY_NUM + r")(?:[ \t]?(?P<scale>" + _SCALE_WORD + r")(?![a-z]))?"
    r"|(?<![\w.£])(?P<num2>" + _MONEY_NUM + r")[ \t]?(?:(?P<scale2>" + _SCALE_WORD + r")[ \t]?)?(?P<unit>GBP|pounds?|sterling)\b"
    r"|\b(?P<words>" + _WORD + r"(?:(?:[ \t]+and[ \t]+|[ \t-]+)" + _WORD + r")*)[ \t]+(?:(?P<scale3>million)[ \t]+)?(?P<unit3>pounds)\b)",
    re.IGNORECASE,
)
_SKIP_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # percentages, including ranges ("10-15%")
        r"[0-9]+(?:\.[0-9]+)?(?:[ \t]?(?:-|–|to)[ \t]?[0-9]+(?:\.[0-9]+)?)?[ \t]?(?:%|per[ \t]?cent\b|percent\b)",
        # dates
        r"\b[0-9]{1,2}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?" + _MONTH + r"\b\.?(?:,?[ \t]+[0-9]{2,4}\b)?",
        r"\b" + _MONTH + r"\b\.?[ \t]+[0-9]{1,2}(?:st|nd|rd|th)?\b(?:,?[ \t]+[0-9]{4}\b)?",
        r"\b" + _MONTH + r"\b\.?,?[ \t]+[0-9]{4}\b",
        r"\b[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{2,4}\b",
        r"\b[0-9]{4}[/.\-][0-9]{1,2}[/.\-][0-9]{1,2}\b",
        # financial years and year ranges
        r"\b(?:19|20)[0-9]{2}[ \t]?[/\-–][ \t]?(?:19|20)?[0-9]{2}\b",
        r"\bFY[ \t]?[0-9]{2,4}(?:[ \t]?[/\-–][ \t]?[0-9]{2,4})?\b",
        r"\b(?:19|20)[0-9]{2}[ \t]+(?:to|until|through|and)[ \t]+(?:19|20)[0-9]{2}\b",
        # legal references: "section 40(2)", "sections 30 and 31", "s.12", "s43", "40(2)(a)"
        r"\b(?:section|s\.|paragraph|para\.?|article|regulation|reg\.?|schedule|clause|chapter)[ \t]?[0-9]+[a-z]?(?:[ \t]?\([0-9a-z]{1,4}\))*"
        r"(?:[ \t]?(?:and|or|to|&|-|–|/)[ \t]?(?:section[ \t]?|s\.[ \t]?)?[0-9]+[a-z]?(?:[ \t]?\([0-9a-z]{1,4}\))*)?",
        r"\b(?:sections|ss\.|paragraphs|paras\.?|articles|regulations|regs\.?|schedules|clauses|chapters)[ \t]?[0-9]+[a-z]?(?:[ \t]?\([0-9a-z]{1,4}\))*"
        r"(?:[ \t]?(?:,|and|or|to|&|-|–|/)[ \t]?[0-9]+[a-z]?(?:[ \t]?\([0-9a-z]{1,4}\))*)*",
        r"(?<![\w'’])s[0-9]+[a-z]?(?:\([0-9a-z]{1,4}\))*",
        r"\b[0-9]+\([0-9]{1,2}\)(?:\([0-9a-z]{1,3}\))*",
        # pages, references to other answers
        r"\bpages?[ \t]+[0-9]+(?:[ \t]+of[ \t]+[0-9]+)?\b",
        r"\b[0-9]+[ \t]+of[ \t]+[0-9]+[ \t]*$",
        # durations and times, including ranges ("10-12 weeks", "2 x 5 hour sessions")
        r"\b[0-9]+(?:\.[0-9]+)?[ \t]?(?:-|–|to)[ \t]?[0-9]+(?:\.[0-9]+)?[ \t]?-?[ \t]?" + _UNIT_WORDS + r"(?![a-z])",
        r"\b[0-9]+[ \t]?[x×][ \t]?[0-9]+\b",
        r"\b[0-9]{1,2}[:.][0-9]{2}[ \t]?(?:am|pm|a\.m\.|p\.m\.|hrs|h)?\b",
        # ratios and "1-2-1"
        r"\b[0-9]+:[0-9]+\b",
        r"\b[0-9]+-[0-9]+-[0-9]+\b",
        r"\b1[ \t-]?to[ \t-]?1\b",
        # ages
        r"\b(?:aged?|ages)[ \t]+(?:between[ \t]+|from[ \t]+|of[ \t]+|over[ \t]+|under[ \t]+|above[ \t]+|below[ \t]+)?[0-9]+(?:[ \t]?(?:-|–|to|and)[ \t]?[0-9]+)?(?:[ \t]?\+)?",
        r"\b(?:over|under|above|below)[ \t]+the[ \t]+age[ \t]+of[ \t]+[0-9]+",
        r"\b" + PEOPLE_WORDS + r"[ \t]+(?:aged[ \t]+)?(?:over|under|above|below)[ \t]+[0-9]+(?:s\b)?",
        r"\b[0-9]+[ \t]+(?:and|or)[ \t]+(?:over|above|older)\b",
        # phone numbers and identifiers with a leading zero
        r"(?:\+44[ \t]?\(?0?\)?[ \t]?|(?<![0-9][,.])\b0)[0-9]{2,4}\)?[ \t-]?[0-9]{3,4}[ \t-]?[0-9]{3,4}\b",
        r"(?<![0-9][,.])\b0[0-9]{2,}\b",
        # identifiers: "ref: 12345", "FOI 23016", "Tel: 0161 ..."
        r"\b(?:our[ \t]+ref|your[ \t]+ref|ref(?:erence)?|foia?|tel(?:ephone)?|phone|fax|mobile|case[ \t]+(?:no|number)|crn|urn)\b\.?[ \t]*(?:no\.?|number|#)?[ \t]*:?[ \t]*[a-z]{0,5}[/-]?[0-9][0-9/-]*",
        # periods and parts named by a number: "Quarter 1", "Q3", "Qtr 2", "month 6", "cohort 2"; not "during the
        # year 88 men ...", where the figure follows the period
        r"(?<!the )(?<!this )\b(?:quarters?|qtrs?|q|months?|weeks?|years?|phases?|cohorts?|waves?|terms?|periods?)[ \t]?[1-9][0-9]?\b(?![ \t]*(?:%|per[ \t]?cent))",
    )
]
_WORD_SKIP_RE = re.compile(r"(?<!\w)(?=[oO])\bone[ \t]+(?:-[ \t]*)?(?:to|or|by)[ \t]+(?:-[ \t]*)?(?:one|two)\b|\bone-to-one\b", re.IGNORECASE)
# "Respectful Relationships 1:1", "a 1-2-1 service", "1-to-1 sessions": one-to-one work, no count
_ONE_TO_ONE_RE = re.compile(r"(?<![0-9:])1[ \t]*(?::|-[ \t]*2[ \t]*-|-?[ \t]*to[ \t]*-?)[ \t]*1(?![0-9]|:[0-9])", re.IGNORECASE)
_DIGIT_RE = re.compile(r"[0-9]")
_YEAR_RE = re.compile(
    r"\b(?:199[0-9]|20[0-9]{2})\b(?![ \t]*(?:" + PEOPLE_WORDS + r"|referrals|cases|places)\b)(?!,[0-9])", re.IGNORECASE
)
_FY_SHORT_RE = re.compile(r"\b([0-9]{2})/([0-9]{2})\b")

# Suppression policy: a threshold explained, not a figure ("figures below 5 are suppressed", "* = fewer than 5").
_CMP = r"(?P<cmp>below|under|less[ \t]+than|fewer[ \t]+than|lower[ \t]+than|smaller[ \t]+than|<=?|≤)"
POLICY_RES = [
    re.compile(
        r"(?<!\w)(?=[nfvctdariwNFVCTDARIW])\b(?:numbers?|figures?|values?|counts?|totals?|cells?|data|anything|any[ \t]+(?:number|figure|value)s?|results?|instances?|"
        r"where[ \t]+(?:the[ \t]+)?(?:number|figure|value|count|total)s?[ \t]+(?:is|are|was|were|fall|falls))"
        r"[ \t]+(?:of[ \t]+|that[ \t]+(?:are|is)[ \t]+|which[ \t]+(?:are|is)[ \t]+)?" + _CMP + r"[ \t]*(?P<n>" + _N + r")\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<!\w)(?=[nfvctNFVCT])\b(?:numbers?|figures?|values?|counts?|totals?)[ \t]+(?:of[ \t]+)?(?P<n_or>" + _N + r")[ \t]+or[ \t]+(?:fewer|less|below|under|lower)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![\w*])\*[ \t]*(?:=|:|-|–|denotes|indicates|represents|means|signifies|shows|marks|is[ \t]+used[ \t]+(?:to[ \t]+denote|for|where))[ \t]*"
        r"(?:an?[ \t]+)?(?:(?:number|figure|value|count)s?[ \t]+)?(?:of[ \t]+)?"
        r"(?:between[ \t]+(?:1|one)[ \t]+and[ \t]+(?P<hi>" + _N + r")|" + _CMP + r"[ \t]*(?P<n>" + _N + r")|(?P<n_or>" + _N + r")[ \t]+or[ \t]+(?:fewer|less|below))\b",
        re.IGNORECASE,
    ),
]
_CLAUSE_END_RE = re.compile(r"[;\n()]|\.(?=\s|$)")

_LABEL_RE = re.compile(r"^[ \t]*(?P<heading>#{1,6}[ \t]*)?(?:[-•·][ \t]*)?(?P<open>\()?(?P<n>[0-9]{1,2})(?P<close>[.)])(?P<rest>[^\n]*)", re.MULTILINE)
_LABEL_REST_RE = re.compile(
    r"[ \t]*(?:[0-9£<~*]|" + _WORD + r"\b|approx|c\.|circa|around|about|over\b|more|fewer|less|under\b|up[ \t]+to|n/a|not\b|no\b|nil\b|"
    r"how\b|what\b|which\b|who\b|where\b|when\b|please\b|can\b|could\b|do\b|does\b|did\b|is\b|are\b|provide\b|list\b|details?\b|the[ \t]+number\b|number\b|q[0-9])",
    re.IGNORECASE,
)


def _list_labels(text: str) -> list[tuple[int, int]]:
    """Spans of list labels at line starts: '2)', '(3)', and '4.' when it is one of a numbered sequence
    or the line goes on with a figure, a status or a question ("1. 45 men", "3. Not applicable")."""
    found = [(int(m.group("n")), m) for m in _LABEL_RE.finditer(text) if m.group("open") or m.group("close")]
    numbers = {n for n, m in found if m.group("close") == "."}
    spans = []
    for n, m in found:
        paren = m.group("close") == ")" or m.group("open") or m.group("heading")
        rest = m.group("rest")
        if not rest.strip() and (not paren or not text[m.end() :].strip()):
            continue  # "82." alone on a line is an answer, and so is "(96)" that ends the text ("Drive (96)")
        if paren or (n - 1) in numbers or (n + 1) in numbers or _LABEL_REST_RE.match(rest):
            spans.append((m.start("n") - (1 if m.group("open") else 0), m.end("close")))
    return spans


@dataclass
class _Context:
    """What find_counts learnt about a text beyond its readings."""

    skip: bytearray
    policy_spans: list[tuple[int, int, int]]  # (start, end, high bound) of suppression-policy clauses
    sentences: list[tuple[int, int]]
    policy_sentences: set[int]

    def __post_init__(self) -> None:
        self._starts = [s for s, _ in self.sentences]

    def masked(self, start: int, end: int) -> bool:
        return any(self.skip[start:end])

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect_right(self._starts, pos) - 1)

    @property
    def threshold_high(self) -> int | None:
        return min((h for _, _, h in self.policy_spans), default=None)


# Each group of skipped-span patterns runs only where a text has what all of them need (words every match
# contains, in the folded text, or a small IGNORECASE search that is never stricter than the patterns).
# Most answers pass none or one of these checks, each much cheaper than the patterns behind it.
_DIGIT_THEN_SEPARATOR_RE = re.compile(r"[0-9](?:[ \t]?(?:[/.\-–:(x×]|to)|[ \t]+(?:and|or)|[0-9]{3})", re.IGNORECASE)
_LETTER_THEN_DIGIT_RE = re.compile(r"[a-z.][ \t]*[0-9]", re.IGNORECASE)
_LEADING_ZERO_RE = re.compile(r"\+44|(?<!\w)0[0-9]{2}")
_MONTH_STARTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
SKIP_GROUPS: list[tuple[Callable[[str, str], bool], list[re.Pattern[str]]]] = [
    (lambda text, folded: "%" in folded or "cent" in folded, _SKIP_RES[0:1]),  # percentages
    (lambda text, folded: has_any(folded, _MONTH_STARTS), _SKIP_RES[1:4]),  # dates with a month
    # a digit followed by a separator, "to", "and"/"or", or three more digits (a year)
    (lambda text, folded: _DIGIT_THEN_SEPARATOR_RE.search(text) is not None,
     [*(_SKIP_RES[i] for i in (4, 5, 6, 8, 12, 15, 16, 17, 18, 19, 20, 24)), _YEAR_RE, _FY_SHORT_RE]),
    (lambda text, folded: "fy" in folded, _SKIP_RES[7:8]),
    # "s.40", "page 3", "aged 18"
    (lambda text, folded: _LETTER_THEN_DIGIT_RE.search(text) is not None, [_SKIP_RES[i] for i in (9, 10, 11, 13, 14, 21, 22, 23, 28)]),
    (lambda text, folded: _LEADING_ZERO_RE.search(text) is not None, _SKIP_RES[25:27]),  # phone numbers, leading zeros
    (lambda text, folded: has_any(folded, ("ref", "foi", "tel", "phone", "fax", "mobile", "case", "crn", "urn")), _SKIP_RES[27:28]),
]
assert sorted(id(p) for _, group in SKIP_GROUPS for p in group) == sorted(map(id, [*_SKIP_RES, _YEAR_RE, _FY_SHORT_RE]))
# What the suppression-policy patterns need: a comparison ("below 5", "fewer than", "<"), "N or fewer", or '*'.
POLICY_WORDS = ("below", "under", "than", "<", "≤", "*", "few", "less", "lower")


def may_hold_money(text: str) -> bool:
    """Whether MONEY_RE can match: every amount has '£', 'GBP', 'pound(s)' or 'sterling' next to a number."""
    if "£" in text:
        return True
    lowered = text.lower()
    if "pound" in lowered:
        return True
    # "terling": the 's' of "sterling" also matches 'ſ' under IGNORECASE
    return ("gbp" in lowered or "terling" in lowered) and _DIGIT_RE.search(text) is not None


def _context(text: str, folded: str) -> _Context:
    """Spans that are never counts, suppression policies and sentences of `text` (`folded` is fold(text))."""
    skip = bytearray(len(text))

    def mark(start: int, end: int) -> None:
        skip[start:end] = b"\x01" * (end - start)

    # Most of these patterns need a digit: a text without one skips them (short answers are the common case).
    has_digit = _DIGIT_RE.search(text) is not None
    if may_hold_money(text):
        for m in MONEY_RE.finditer(text):
            mark(m.start(), m.end())
    if has_digit:
        for needs, patterns in SKIP_GROUPS:
            if not needs(text, folded):
                continue
            for pattern in patterns:
                if pattern is _FY_SHORT_RE:
                    for m in pattern.finditer(text):
                        if int(m.group(2)) == (int(m.group(1)) + 1) % 100:
                            mark(m.start(), m.end())
                    continue
                for m in pattern.finditer(text):
                    mark(m.start(), m.end())
        for start, end in _list_labels(text):
            mark(start, end)
    if "one" in folded:
        for m in _WORD_SKIP_RE.finditer(text):
            mark(m.start(), m.end())
    if "1" in text:
        for m in _ONE_TO_ONE_RE.finditer(text):
            mark(m.start(), m.end())
    sentences = sentence_spans(text)
    starts = [s for s, _ in sentences]
    policy_spans, policy_sentences = [], set()
    for pattern in POLICY_RES if has_any(folded, POLICY_WORDS) else ():
        for m in pattern.finditer(text):
            groups = m.groupdict()
            bound = groups.get("hi") or groups.get("n_or")
            if bound:
                high = _small_number(bound)
            else:
                n = _small_number(groups["n"])
                high = None if n is None else (n if groups["cmp"] in ("<=", "≤") else n - 1)
            if high is None or high < 1:
                continue
            end_m = _CLAUSE_END_RE.search(text, m.end())
            end = end_m.start() if end_m else len(text)
            mark(m.start(), end)
            policy_spans.append((m.start(), end, high))
            policy_sentences.add(max(0, bisect_right(starts, m.start()) - 1))
    return _Context(skip, policy_spans, sentences, policy_sentences)


def suppression_bound(text: str) -> int | None:
    """The highest figure a letter's own note says it hides ("* Numbers below 10 have been suppressed", "fewer than
    five is shown as *"): the upper bound of a marker whose answer does not say it."""
    return _context(text, fold(text)).threshold_high


# --- counts --------------------------------------------------------------------------------------

# (?=[0-9]) first: the lookbehinds then run only where a number starts (several times faster).
_NUMBER_RE = re.compile(r"(?=[0-9])(?:(?<![\w.£$€/#])|(?<=\bc\.)|(?<=\bca\.)|(?<=approx\.))(?<![0-9],)(?P<num>" + _DIGITS + r")(?![0-9a-z_]|[.,][0-9]|/[0-9])(?P<plus>\+(?![0-9]))?", re.IGNORECASE)
SUPPRESSED_RES = [
    (re.compile(_at_word_start("flsFLS", r"(?<!\bno[ \t])(?<!\bnot[ \t])\b(?:fewer|less|lower|smaller)[ \t]+than[ \t]+(?P<n>" + _N + r")\b"), re.IGNORECASE), "fewer_than", -1),
    (re.compile(_at_word_start("ubUB", r"(?<!\bjust[ \t])\b(?:under|below)[ \t]+(?P<n>" + _N + r")\b(?![ \t]*(?:" + _UNIT_WORDS + r"|s)\b)"), re.IGNORECASE), "fewer_than", -1),
    (re.compile(r"(?<![\w<])(?:<|&lt;)[ \t]*(?P<n>[0-9]+)(?![0-9]|[.,][0-9])"), "fewer_than", -1),
    (re.compile(r"(?:≤|<=)[ \t]*(?P<n>[0-9]+)(?![0-9]|[.,][0-9])"), "at_most_n", 0),
    (re.compile(_at_word_start("0-9znotfsehZNOTFSEH", r"\b(?P<n>" + _N + r")[ \t]+or[ \t]+(?:fewer|less|under|below)\b"), re.IGNORECASE), "at_most_n", 0),
]
STAR_RE = re.compile(r"(?<![\w*])\*(?![\w*])")
_BULLET_STAR_RE = re.compile(r"^[ \t]*\*[ \t]+[A-Za-z0-9£\"“‘']", re.MULTILINE)
MARKER_RE = re.compile(
    r"(?<!\w)(?=[srltSRLT])\b(?:suppressed|redacted|small[ \t]+numbers?|low[ \t]+numbers?|too[ \t]+(?:small|few|low)[ \t]+to[ \t]+(?:report|publish|disclose|release))\b",
    re.IGNORECASE,
)
ZERO_NOUN_RE = re.compile(
    r"(?<!\w)(?=[nN])(?:\b(?:no|nil)[ \t]+(?:(?:self|agency|police|further)[ \t-]?)?(?:men|males|women|females|people|persons|individuals|perpetrators|offenders|clients|"
    r"participants|service[ \t]+users|referrals|self-referrals|cases|completions|completers|starters|starts|places|one)\b(?![ \t]+(?:can|could|may|is[ \t]+able|are[ \t]+able)\b)"
    r"|\b(?:no-one|nobody)\b(?![ \t]+(?:can|could|may|is[ \t]+able)\b))",
    re.IGNORECASE,
)
APPROX_BEFORE_RE = re.compile(
    r"(?:\b(?:approx(?:imately|\.)?|c\.|ca\.|circa|around|about|roughly|estimated|an[ \t]+estimated|est\.|some|nearly|almost|"
    r"close[ \t]+to|in[ \t]+the[ \t]+region[ \t]+of|of[ \t]+the[ \t]+order[ \t]+of|just[ \t]+(?:under|below))|~|±|\+/-)[ \t]*$",
    re.IGNORECASE,
)
AT_LEAST_BEFORE_RE = re.compile(
    r"\b(?P<strict>over|more[ \t]+than|greater[ \t]+than|in[ \t]+excess[ \t]+of|above|exceeding|just[ \t]+(?:over|above))[ \t]*$"
    r"|\b(?:at[ \t]+least|upwards[ \t]+of|(?:a[ \t]+)?minimum[ \t]+of|min\.|not[ \t]+less[ \t]+than|no[ \t]+(?:fewer|less)[ \t]+than)[ \t]*$"
    r"|(?<![\w<])>[ \t]*$|(?:≥|>=)[ \t]*$",
    re.IGNORECASE,
)
AT_MOST_BEFORE_RE = re.compile(
    r"\b(?:up[ \t]+to|no[ \t]+more[ \t]+than|not[ \t]+more[ \t]+than|no[ \t]+greater[ \t]+than|at[ \t]+(?:the[ \t]+)?most|(?:a[ \t]+)?max(?:imum)?(?:[ \t]+of|\.)?|"
    r"not[ \t]+exceeding|a[ \t]+ceiling[ \t]+of)[ \t]*$",
    re.IGNORECASE,
)
_AFTER_QUALIFIER_RE = re.compile(
    r"(?P<at_least>[ \t]+or[ \t]+(?:more|over|above|greater)\b|[ \t]+plus\b)|(?P<approx>[ \t]+or[ \t]+so\b|[ \t]*\(?(?:approx(?:imately|\.)?|est(?:imated?|\.)?)\)?)",
    re.IGNORECASE,
)
_RANGE_AFTER_RE = re.compile(r"[ \t]?(?:-|–|—|to)[ \t]?(?P<n>" + _DIGITS + r")(?![0-9a-z_]|[.,][0-9]|%|/[0-9])", re.IGNORECASE)
_BETWEEN_BEFORE_RE = re.compile(r"\bbetween[ \t]+$", re.IGNORECASE)
_BETWEEN_AFTER_RE = re.compile(r"[ \t]+and[ \t]+(?P<n>" + _DIGITS + r")(?![0-9a-z_]|[.,][0-9]|%)", re.IGNORECASE)

_NOT_COUNT_AFTER_RE = re.compile(
    r"[ \t]*(?:-[ \t]*)?(?:" + _UNIT_WORDS + r"|[x×]|gbp|pounds?|sterling|k|m|mn|bn|million|billion|(?:year|yr)s?[ \t-]*olds?"
    r"|thirds?|quarters|halves|fifths?|tenths?|per[ \t]*cent)(?![a-z])"  # "two thirds" is a share, not a count
    r"|[ \t]*\)?[ \t]+above\b",
    re.IGNORECASE,
)
# What a number after these words refers to: a section, a question, a page, not a count of people.
_REFERENCE_WORDS = (
    r"(?:sections?|ss?\.|paragraphs?|paras?\.?|articles?|regulations?|regs?\.?|schedules?|clauses?|annex(?:es)?|appendix|appendices|chapters?|"
    r"pages?|pp?\.|parts?|questions?|q\.?|answers?|ans\.?|items?|points?|tier|phase|stage|level|step|cohort|wave|round|module|band|grade|"
    r"version|option|lot|room|floor|box|table|figure|chart|priority|no\.|nos\.)")
NOT_COUNT_BEFORE_RE = re.compile(
    r"(?:£|\$|€|\bgbp|(?<![a-z])[x×])[ \t]*$"  # "2 x 5", not the x that ends "approx"
    r"|\b" + _REFERENCE_WORDS + r"[ \t]*[#.]?[ \t]*$"
    # the end of a range of them: "questions 5 to 7", "sections 40(2) and 43"
    r"|\b(?:questions?|q|sections?|ss?\.|paragraphs?|paras?\.?|pages?|pp?\.|parts?|answers?|items?|points?|clauses?|articles?)"
    r"[ \t]*[#.]?[ \t]*\d{1,3}[a-z]?(?:\(\d+\))?(?:[ \t]*(?:to|and|or|&)[ \t]*|[-–])$"  # not "Question 5 - 17": a label, its answer
    r"|\bsee[ \t]+(?:also[ \t]+)?(?:answer[ \t]+|question[ \t]+|q[ \t]*|point[ \t]+|item[ \t]+|section[ \t]+)?$"
    r"|\b(?:aged?|ages)[ \t]+(?:between[ \t]+|from[ \t]+|of[ \t]+|over[ \t]+|under[ \t]+|above[ \t]+|below[ \t]+)?$"
    r"|\bthe[ \t]+age[ \t]+of[ \t]+$|\bage[ \t]+(?:limit[ \t]+|range[ \t]+)?(?:is[ \t]+|was[ \t]+|of[ \t]+)?(?:from[ \t]+)?$",
    re.IGNORECASE,
)
# "one of the programmes", "one-to-one", "one provider": no count; "one of them has completed it" is one person
_ONE_PRONOUN_AFTER_RE = re.compile(
    r"(?:[ \t]*-|[ \t]+(?:of(?![ \t]+(?:them|these|those|whom)\b)|to|or|another|that|which|who|off|way|stop|intervention|programme|programmes|service|services|provider|"
    r"providers|organisation|organisations|contract|area|force|occasion|time)\b)",
    re.IGNORECASE,
)
_ONE_PRONOUN_BEFORE_RE = re.compile(r"\b(?:no|any|each|every|the|this|that|which|one|at)[ \t]+$", re.IGNORECASE)
# Suppressed figures, markers and written zeros are rare: one search says whether to look for each kind.
# Words every suppressed figure, star, marker or written zero needs (checked on the folded text):
# "fewer/less/... than", "under/below N", "<", "≤", "N or fewer/less", '*', "suppressed", "redacted",
# "small/low numbers", "too few", "no men", "nil referrals", "no-one", "nobody".
SUPPRESSION_WORDS = ("than", "under", "low", "<", "&lt", "≤", "few", "less", "*", "suppress", "redact", "small",
                      "no ", "no\t", "nil ", "nil\t", "no-one", "nobody")


def may_end_with(before: str, marks: str) -> bool:
    """Whether a pattern of words or marks followed by '[ \t]*$' can match `before`: only if the last character
    before the trailing blanks (and a final newline, which '$' allows) is a letter or one of `marks`.
    Most figures follow a colon or a line start, and the search over 40 characters is skipped."""
    if before.endswith("\n"):
        before = before[:-1]
    last = before.rstrip(" \t")[-1:]
    return last.isalpha() or (last != "" and last in marks)


QUALIFIER_MARKS = ".>≥=~±-"  # "c. 40", "> 40", "≥40", ">= 40", "~40", "±40", "+/- 40"
NOT_COUNT_MARKS = ".#£$€×-–&"  # "No. 5", "# 5", "£5", "$5", "€5", "2 × 5", "questions 5 - 7", "5 & 6"


def _qualify(text: str, start: int, end: int, value: int) -> tuple[str, int, int | None, int, int]:
    """(qualifier, low, high, span start, span end) for the number text[start:end]."""
    before = text[max(0, start - 40) : start]
    qualifiers = (("at_most", AT_MOST_BEFORE_RE), ("at_least", AT_LEAST_BEFORE_RE), ("approx", APPROX_BEFORE_RE))
    for qualifier, pattern in qualifiers if may_end_with(before, QUALIFIER_MARKS) else ():
        m = pattern.search(before)
        if m:
            q_start = start - (len(before) - m.start())
            if qualifier == "at_most":
                return "at_most", 0, value, q_start, end
            if qualifier == "at_least":
                strict = bool(m.groupdict().get("strict")) or (m.group().strip().startswith(">") and "=" not in m.group())
                return "at_least", value + 1 if strict else value, None, q_start, end
            return "approx", value, value, q_start, end
    after = _AFTER_QUALIFIER_RE.match(text, end)
    if after and after.group("at_least"):
        return "at_least", value, None, start, after.end()
    if after and after.group("approx"):
        return "approx", value, value, start, after.end()
    return "exact", value, value, start, end


# Within one reply the same answer text is read several times (the block, its pieces, its status):
# inside `reading_once()` each distinct text is scanned once. Nothing is kept from one reply to the next.
_MEMO: ContextVar[dict[tuple[str, str], object] | None] = ContextVar("quantities_memo", default=None)


@contextmanager
def reading_once() -> Iterator[None]:
    """Remember readings of identical texts until the block ends (use one block per reply)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _memoised(kind: str, text: str, compute: Callable[[str], Any]) -> Any:
    """compute(text), remembered for the reply being read (answers are read several times), if a memo is open."""
    memo = _MEMO.get()
    if memo is None:
        return compute(text)
    key = (kind, text)
    if key not in memo:
        memo[key] = compute(text)
    return memo[key]


def _scan(text: str) -> tuple[list[CountReading], _Context]:
    return _memoised("scan", text, _scan_uncached)


_TOLERANCE_AFTER_RE = re.compile(r"[ \t]+tolerance\b", re.IGNORECASE)


# A line broken inside a qualifier or status ("fewer\nthan 5", "not\nheld"), as PDF text wraps: the break is read as
# a space. One character for one, so every offset still points into the text as given.
_WRAPPED_RE = re.compile(
    r"(?i:\b(?:fewer|less|more|not|under|below|over|than|approx|approximately|around|about|circa|up|no|nil))[ \t]*(\n)(?=[ \t]*[a-z0-9£<])")


def _unwrapped(text: str) -> str:
    if "\n" not in text:
        return text
    breaks = [m.start(1) for m in _WRAPPED_RE.finditer(text)]
    if not breaks:
        return text
    chars = list(text)
    for at in breaks:
        chars[at] = " "
    return "".join(chars)


def _scan_uncached(text: str) -> tuple[list[CountReading], _Context]:
    text = _unwrapped(text)
    folded = fold(text)
    ctx = _context(text, folded)
    readings: list[CountReading] = []
    taken = bytearray(len(text))

    def take(r: CountReading) -> None:
        readings.append(r)
        taken[r.start : r.end] = b"\x01" * (r.end - r.start)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end]) and not ctx.masked(start, end)

    if has_any(folded, SUPPRESSION_WORDS):
        # suppressed figures
        for pattern, rule, offset in SUPPRESSED_RES:
            for m in pattern.finditer(text):
                n = _small_number(m.group("n"))
                if n is None or not free(m.start(), m.end()):
                    continue
                take(CountReading("suppressed", None, 1, max(1, n + offset), "at_most", m.start(), m.end(), f"count:{rule}"))
        if "*" in text:
            bullets = {m.group().index("*") + m.start() for m in _BULLET_STAR_RE.finditer(text)}
            for m in STAR_RE.finditer(text):
                if m.start() in bullets or not free(m.start(), m.end()):
                    continue
                take(CountReading("suppressed", None, 1, ctx.threshold_high, "at_most", m.start(), m.end(), "count:star"))
        for m in MARKER_RE.finditer(text):
            if ctx.sentence_of(m.start()) in ctx.policy_sentences or not free(m.start(), m.end()):
                continue
            take(CountReading("suppressed", None, 1, ctx.threshold_high, "at_most", m.start(), m.end(), "count:suppressed_marker"))

        # zeros written as "no men", "nobody"
        for m in ZERO_NOUN_RE.finditer(text):
            if free(m.start(), m.end()):
                take(CountReading("value", 0, 0, 0, "exact", m.start(), m.end(), "count:no_noun"))

    # numbers in digits and in words
    candidates: list[tuple[int, int, int, str]] = []
    for m in _NUMBER_RE.finditer(text):
        if len(m.group("num")) <= _MAX_DIGITS:
            candidates.append((_to_int(m.group("num")), m.start("num"), m.end("num"), "plus" if m.group("plus") else "digits"))
    for value, start, end in _word_numbers(text):
        word = text[start:end].lower()
        if word == "one" and (_ONE_PRONOUN_AFTER_RE.match(text, end) or _ONE_PRONOUN_BEFORE_RE.search(text[max(0, start - 12) : start])):
            continue
        if word == "zero" and _TOLERANCE_AFTER_RE.match(text[end:]):
            continue
        candidates.append((value, start, end, "words"))
    for value, start, end, kind in sorted(candidates, key=lambda c: c[1]):
        if not free(start, end):
            continue
        before = text[max(0, start - 40) : start]
        if _NOT_COUNT_AFTER_RE.match(text, end) or (may_end_with(before, NOT_COUNT_MARKS) and NOT_COUNT_BEFORE_RE.search(before)):
            continue
        if kind == "plus":
            take(CountReading("value", value, value, None, "at_least", start, end + 1, "count:plus"))
            continue
        qualifier, low, high, q_start, q_end = _qualify(text, start, end, value)
        rule = f"count:{kind}"
        if kind == "digits" and qualifier in ("exact", "approx"):
            between = _BETWEEN_BEFORE_RE.search(text[max(0, start - 12) : start])
            second = _BETWEEN_AFTER_RE.match(text, end) if between else _RANGE_AFTER_RE.match(text, end)
            if second and len(second.group("n")) <= _MAX_DIGITS and free(second.start("n"), second.end("n")) and _to_int(second.group("n")) > value \
                    and not _NOT_COUNT_AFTER_RE.match(text, second.end()):
                qualifier, low, high, rule = "approx", value, _to_int(second.group("n")), "count:range"
                q_end = second.end()
                if between:
                    q_start = min(q_start, start - (len(text[max(0, start - 12) : start]) - between.start()))
        if not free(q_start, q_end):
            q_start, q_end = start, end  # a qualifier word already used by another reading
        take(CountReading("value", value, low, high, qualifier, q_start, q_end, rule))

    readings.sort(key=lambda r: r.start)
    readings = _drop_duplicates(text, readings, ctx)
    return readings, ctx


_OPEN_PARENTHESIS_RE = re.compile(r"[ \t]*\([ \t]*")
_CLOSE_PARENTHESIS_RE = re.compile(r"[ \t]*\)")


def _drop_duplicates(text: str, readings: list[CountReading], ctx: _Context) -> list[CountReading]:
    """'12 (twelve)' is one figure; a word marker ('suppressed') adds nothing beside another suppressed
    figure of its sentence ('fewer than 5 (suppressed)'), nor does a second marker."""
    out: list[CountReading] = []
    for r in readings:
        if out and r.status == "value" and out[-1].status == "value" and r.count == out[-1].count \
                and _OPEN_PARENTHESIS_RE.fullmatch(text[out[-1].end : r.start]) and _CLOSE_PARENTHESIS_RE.match(text[r.end :]):
            continue
        out.append(r)
    by_sentence: dict[int, list[CountReading]] = {}
    for r in out:
        by_sentence.setdefault(ctx.sentence_of(r.start), []).append(r)
    keep = []
    for r in out:
        if r.rule == "count:suppressed_marker":
            mates = by_sentence[ctx.sentence_of(r.start)]
            if any(o.status == "suppressed" and o.rule != "count:suppressed_marker" for o in mates) \
                    or next(o for o in mates if o.rule == "count:suppressed_marker") is not r:
                continue
        keep.append(r)
    return keep


def find_counts(text: str) -> list[CountReading]:
    """Every count-like figure in an answer, in order: numbers with their qualifiers, and suppressed figures."""
    return list(_scan(text)[0])


# --- statuses ------------------------------------------------------------------------------------

_SELF_REF = r"self[ \t-]?referr(?:al|als|ing|ed|ers?)"
STATUS_RES: list[tuple[str, bool, re.Pattern[str]]] = [
    ("not_applicable", True, re.compile(
        r"(?<![\w/])n[ \t]?/[ \t]?a(?![\w/])|\bnot[ \t]+applicable\b|\b(?:does|do)[ \t]+not[ \t]+apply\b|\bdoesn['’]t[ \t]+apply\b"
        r"|\bnot[ \t]+(?:an?[ \t]+)?" + _SELF_REF + r"(?:[ \t]+(?:services?|programmes?|routes?|options?|pathways?|schemes?))?"
        r"|\b(?:do|does|did|will|can|could)(?:[ \t]*n['’]t|[ \t]+not)[ \t]+(?:accept|take|receive|allow|offer|have|permit|support)[ \t]+(?:any[ \t]+)?" + _SELF_REF +
        r"|\bno[ \t]+" + _SELF_REF + r"[ \t]+(?:route|pathway|option|process|mechanism|facility|is[ \t]+(?:possible|available|accepted|offered))"
        r"|\bno[ \t]+" + _SELF_REF + r"[ \t]+(?:are|were)[ \t]+(?:accepted|taken|received|possible|permitted)[ \t]+(?:by|on|onto|into|to|for)\b"
        r"|\b" + _SELF_REF + r"[ \t]+(?:are|is|were|was)[ \t]+not[ \t]+(?:accepted|possible|available|permitted|an[ \t]+option|offered|taken|allowed)"
        r"|\bnot[ \t]+(?:open|available)[ \t]+(?:to|for)[ \t]+" + _SELF_REF +
        r"|\b(?:nobody|no[ \t-]?one)[ \t]+(?:can|could|is[ \t]+able[ \t]+to)[ \t]+(?:self[ \t-]?refer|refer[ \t]+(?:themselves|himself|in))"
        r"|\b(?:cannot|can['’]t|can[ \t]+not)[ \t]+(?:self[ \t-]?refer|refer[ \t]+themselves)"
        r"|\b(?:neither|none[ \t]+of[ \t]+the)[ \t]+(?:\w+[ \t]+){0,2}?(?:accepts?|takes?|receives?|offers?)[ \t]+(?:any[ \t]+)?" + _SELF_REF +
        r"|\bno[ \t]+(?:one|men|women|males|females|people|perpetrators)[ \t]+(?:can|could|may)[ \t]+(?:self[ \t-]?refer|refer[ \t]+themselves)"
        r"|\b(?:only|solely|exclusively)[ \t]+(?:accepts?|receives?|takes?)[ \t]+(?:referrals[ \t]+(?:from|via|through)[ \t]+)?(?:the[ \t]+)?(?:police|agenc(?:y|ies)|professionals?|statutory|partner)"
        r"|\b(?:referrals?|access)[ \t]+(?:is|are)[ \t]+(?:only|solely|exclusively)[ \t]+(?:via|through|by|from)\b",
        re.IGNORECASE)),
    ("not_applicable", True, re.compile(r"(?<![\w/.])N\.?A\.?(?![\w/.])")),
    ("not_held", True, re.compile(
        r"\bnot[ \t]+held\b|\bnone[ \t]+held\b|\bnil[ \t]+held\b|(?<![\w/])n[ \t]?/[ \t]?[kr](?![\w/])"  # n/k, n/r (not recorded)
        r"|\bno[ \t]+(?:relevant[ \t]+|recorded[ \t]+|such[ \t]+)?(?:information|data|records?|figures?|details|breakdown)[ \t]+(?:is[ \t]+|are[ \t]+|was[ \t]+|were[ \t]+)?(?:held|recorded|kept|collected|available|captured)\b"
        r"|\b(?:information|data|figures?|records?)[ \t]+(?:is|are|was|were)[ \t]+not[ \t]+(?:held|recorded|collected|captured|kept|available|routinely[ \t]+\w+)"
        r"|\bnot[ \t]+(?:been[ \t]+)?(?:recorded|collected|captured|tracked|monitored|retained)\b"
        r"|\b(?:do|does|did)(?:[ \t]*n['’]t|[ \t]+not)[ \t]+(?:currently[ \t]+)?(?:hold|record|collect|keep|capture|track|retain|monitor)\b"
        r"|\b(?:do|does|did)(?:[ \t]*n['’]t|[ \t]+not)[ \t]+have[ \t]+(?:this|that|the|any|such)[ \t]+(?:information|data|figures?|breakdown)"
        r"|\b(?:holds?|held)[ \t]+no[ \t]+(?:information|data|records?)",
        re.IGNORECASE)),
    ("not_held", False, re.compile(
        r"\b(?:cannot|can['’]t|can[ \t]+not|(?:are|is|am)[ \t]+unable[ \t]+to|unable[ \t]+to)[ \t]+(?:give|provide|supply|confirm|say|state|offer)[ \t]+(?:you[ \t]+)?"
        r"(?:(?:a|an|the|this|that|any|these)[ \t]+)?(?:[\w-]+[ \t]+){0,2}?(?:figures?|numbers?|breakdown|counts?|totals?|information|data)\b"
        r"|\b(?:cannot|can['’]t|can[ \t]+not|unable[ \t]+to)[ \t]+(?:provide|give|supply)(?=[ \t]*(?:[.;,]|$|this\b|that\b|it\b|these\b))"
        r"|\bnot[ \t]+known\b|\bunknown\b|\bnot[ \t]+(?:currently[ \t]+)?available\b|\bunavailable\b",
        re.IGNORECASE)),
    ("refused", True, re.compile(
        r"\bsections?[ \t]?(?:12|14|17|21|22|23|24|26|27|29|30|31|32|33|35|36|37|38|40|41|42|43|44)\b(?:[ \t]?\([0-9a-z]{1,3}\))*"
        r"|(?<![\w'’])s\.?[ \t]?(?:12|14|21|22|23|24|26|27|29|30|31|35|36|38|40|41|42|43|44)\b(?:\([0-9a-z]{1,3}\))*"
        r"|\bexempt(?:ion|ions|ed)?\b|\bwithh[eo]ld(?:ing|en)?\b|\bnot[ \t]+obliged[ \t]+to\b|\bvexatious\b|\bneither[ \t]+confirm[ \t]+nor[ \t]+deny\b"
        r"|\b(?:exceed|exceeds|exceeded|exceeding|above|beyond|over)[ \t]+the[ \t]+(?:appropriate|cost|fees?)[ \t]+limit|\bappropriate[ \t]+limit\b"
        r"|\bcommercially[ \t]+sensitive\b"
        r"|\brefus(?:e|ed|al)[ \t]+(?:notice|under|in[ \t]+(?:full|part)|to[ \t]+(?:disclose|provide|release|confirm))"
        r"|\b(?:request|information|this[ \t]+part|part[ \t]+of[ \t]+(?:the|your)[ \t]+request|question)[ \t]+(?:is|has[ \t]+been|was|is[ \t]+being)[ \t]+refused"
        r"|\bwe[ \t]+(?:must[ \t]+|have[ \t]+to[ \t]+|are[ \t]+|will[ \t]+)?refus",
        re.IGNORECASE)),
]
# Each long alternation above is tried only where a word with a possible first letter begins.
_FIRST_LETTERS = ("ndwcsoeraNDWCSOERA", None, "nidfrhNIDFRH", "caiunCAIUN", "sewnvabocritpqSEWNVABOCRITPQ")
STATUS_RES = [
    (status, strong, re.compile(_at_word_start(first, pattern.pattern), pattern.flags) if first else pattern)
    for (status, strong, pattern), first in zip(STATUS_RES, _FIRST_LETTERS)
] + [("refused", True, re.compile(r"^\W*refused\b", re.IGNORECASE))]
_SUPPRESSION_WORDS_RE = re.compile(
    r"suppress|small[ \t]+numbers?|low[ \t]+numbers?|fewer[ \t]+than|less[ \t]+than|(?:below|under)[ \t]+(?:[0-9]|" + _WORD + r")|<[ \t]*[0-9]|"
    r"identif|disclosure[ \t]+control|statistical[ \t]+disclosure|redact|\*",
    re.IGNORECASE,
)


# What each pattern of STATUS_RES needs, checked on the folded text before the pattern runs (most answers
# are a figure and state no status): words every match contains, or another cheap necessary condition.
_SECTION_NUMBER_RE = re.compile(r"s\.?[ \t]?[1-4][0-9]")  # on folded text: the "s.40", "s 43" branch
STATUS_NEEDS: list[Callable[[str, str], bool]] = [
    lambda text, folded: has_any(folded, ("/", "not", "apply", "elf", "refer", "ly")),
    lambda text, folded: "NA" in text or "N.A" in text,  # case-sensitive pattern
    lambda text, folded: has_any(folded, ("not", "n't", "n’t", "held", "hold", "no ", "no\t", "/")),
    lambda text, folded: has_any(folded, ("can", "unab", "not", "nown", "unava")),
    lambda text, folded: has_any(folded, ("section", "exempt", "withh", "oblig", "vexatious", "deny", "limit", "commercially", "refus"))
    or _SECTION_NUMBER_RE.search(folded) is not None,
    lambda text, folded: "refus" in folded,
]
assert len(STATUS_NEEDS) == len(STATUS_RES)
# Everything the checks above look for, in one literal search of the folded text ("NA" folds to "na"):
# most answers are a figure and have none of it.
ANY_STATUS_WORD_RE = re.compile(
    r"/|not|apply|elf|refer|ly|n't|n’t|held|hold|no |no\t|can|unab|nown|unava|section|exempt|withh|oblig|vexatious|deny|limit"
    r"|commercially|refus|na|n\.a|s\.?[ \t]?[1-4][0-9]"
)


def _status_patterns(text: str) -> list[tuple[str, bool, re.Pattern[str]]]:
    """The status patterns that may match the text."""
    folded = fold(text)
    if ANY_STATUS_WORD_RE.search(folded) is None:
        return []
    return [entry for entry, needs in zip(STATUS_RES, STATUS_NEEDS) if needs(text, folded)]


def may_state_status(text: str) -> bool:
    """False when the text cannot read as not_applicable, not_held or refused: read_count(text) is then a
    figure, suppressed or not_stated. Cheap, for callers that only need to know about those statuses."""
    text = _unwrapped(text)
    return any(pattern.search(text) for _, _, pattern in _status_patterns(text))


def _status_hits(text: str, ctx: _Context, suppressed: bool) -> list[tuple[int, int, str]]:
    hits: list[tuple[int, int, str, bool]] = []
    for status, strong, pattern in _status_patterns(text):
        for m in pattern.finditer(text):
            if m.end() <= m.start():
                continue
            if status == "refused" and (suppressed or ctx.policy_spans):
                s, e = ctx.sentences[ctx.sentence_of(m.start())]
                if ctx.sentence_of(m.start()) in ctx.policy_sentences or _SUPPRESSION_WORDS_RE.search(text, s, e):
                    continue  # explains disclosure control of a small figure; not a refusal
            hits.append((m.start(), m.end(), status, strong))
    if any(strong for *_, strong in hits):
        hits = [h for h in hits if h[3]]
    return sorted(((s, e, st) for s, e, st, _ in hits), key=lambda h: (h[0], -(h[1] - h[0])))


def find_statuses(text: str) -> list[tuple[int, int, str]]:
    """Every phrase in an answer that states a status instead of a figure ("do not apply", "not held"), in order:
    (start, end, status)."""
    text = _unwrapped(text)
    readings, ctx = _scan(text)
    return _status_hits(text, ctx, any(r.status == "suppressed" for r in readings))


def read_count(text: str) -> CountReading:
    """The reading of a short answer: its first figure, or what it says instead of a figure.

    A status stated before (or at) the first figure wins ("Not held - approx. 40 estimated" is not_held);
    a later remark does not ("45 (N/A for self-referrals)" is 45).
    """
    return _memoised("count", text, _read_count)


_TOTAL_BEFORE_RE = re.compile(r"\b(?:total|overall|altogether|in[ \t]+all)\b[ \t]*(?:number[ \t]*)?(?:of[ \t]+)?[:=\-–]?[ \t]*$", re.IGNORECASE)
_TOTAL_AFTER_RE = re.compile(r"[ \t]*(?:in[ \t]+total|in[ \t]+all|overall|altogether)\b", re.IGNORECASE)


_PERIOD_WORD = (r"(?:quarter|qtr|q|cohort|group|term|half|h|period|phase|wave|"
                r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_PART_BEFORE_RE = re.compile(r"(?:^|[\s,;(/\-–])" + _PERIOD_WORD + r"[ \t]*(?:[0-9]{1,2}|one|two|three|four)?[ \t]*[:=\-–)]?[ \t]*$", re.IGNORECASE)
_PART_AFTER_RE = re.compile(r"[ \t]*(?:in|for|during)[ \t]+(?:the[ \t]+)?" + _PERIOD_WORD + r"[ \t]*(?:[0-9]{1,2}|one|two|three|four)?\b", re.IGNORECASE)


def _is_part(text: str, reading: CountReading) -> bool:
    """A figure given for one period or cohort of the year ("Q2: 25", "Cohort 1: 10", "12 in cohort 2")."""
    return bool(_PART_BEFORE_RE.search(text, max(0, reading.start - 16), reading.start) or _PART_AFTER_RE.match(text, reading.end))


_BASE_BEFORE_RE = re.compile(r"(?:^|[^\w])(?:of|out[ \t]+of|from)[ \t]+(?:the[ \t]+|those[ \t]+|these[ \t]+|all[ \t]+)?$", re.IGNORECASE)
_CLAUSE_STOP_RE = re.compile(r"[.;\n](?!\d)")


def _read_count(text: str) -> CountReading:
    text = _unwrapped(text)
    readings, ctx = _scan(text)
    hits = _status_hits(text, ctx, any(r.status == "suppressed" for r in readings))
    first = readings[0] if readings else None
    if hits and (first is None or hits[0][0] <= first.start):
        start, end, status = hits[0]
        return CountReading(status, None, None, None, None, start, end, f"status:{status}")
    if first is not None:
        # "Quarter 1: 30, ... Total 132": a figure the reply calls the total is the answer, wherever it stands.
        total = next((r for r in readings if r.status == "value" and (_TOTAL_BEFORE_RE.search(text, max(0, r.start - 24), r.start)
                                                                        or _TOTAL_AFTER_RE.match(text, r.end))), None)
        parts = [r for r in readings if r.status == "value"]
        if total is None and len(parts) >= 2 and len(parts) == len(readings) and all(_is_part(text, r) for r in parts):
            # "Q1: 30, Q2: 25, Q3: 40, Q4: 37" with no total: the year's figure is their sum
            count = sum(r.count or 0 for r in parts)
            return CountReading("value", count, count, count, "exact", parts[0].start, parts[-1].end, "count:sum_of_parts")
        if total is None and first.status == "value" and _BASE_BEFORE_RE.search(text, max(0, first.start - 24), first.start):
            # "Of the 58 self-referrals, 41 were accepted": the first figure is what the answer counts from.
            stop = _CLAUSE_STOP_RE.search(text, first.end)
            end = stop.start() if stop else len(text)
            return next((r for r in readings[1:] if r.start < end and r.status in {"value", "suppressed"}), first)
        return total or first
    if ctx.policy_spans:  # "Figures below 5 have been suppressed" is all the answer says
        start, end, high = ctx.policy_spans[0]
        return CountReading("suppressed", None, 1, high, "at_most", start, end, "count:suppression_policy")
    return CountReading("not_stated", None, None, None, None, 0, 0, "status:not_stated")


# --- money ---------------------------------------------------------------------------------------

_SCALE = {"m": 10**6, "mn": 10**6, "million": 10**6, "k": 10**3, "thousand": 10**3, "bn": 10**9, "billion": 10**9}
_MAX_AMOUNT = Decimal(10**12)
_ANNUAL_AFTER_RE = re.compile(
    r"[ \t]*(?:\(|,|-|–)?[ \t]*(?:per[ \t]+(?:annum|year|yr|financial[ \t]+year)|a[ \t]+year|each[ \t]+year|every[ \t]+year|annually|yearly|"
    r"p\.?[ \t]?a\.?(?![a-z])|/[ \t]?(?:year|yr|annum)|pa\b)",
    re.IGNORECASE,
)
_MONTHLY_AFTER_RE = re.compile(r"[ \t]*(?:per[ \t]+(?:calendar[ \t]+)?month|a[ \t]+month|each[ \t]+month|every[ \t]+month|monthly|/[ \t]?month|pcm\b)", re.IGNORECASE)
_PER_AFTER_RE = re.compile(
    r"[ \t]*(?:per|a|each|for[ \t]+each|/)[ \t]*(?P<unit>session|participant|man|person|perpetrator|place|client|referral|head|case|course|"
    r"intervention|completion|completer|user|service[ \t]+user|individual|week|day|hour)s?\b",
    re.IGNORECASE,
)
_NUM_WORD = r"(?:[0-9]+|" + _WORD + r")"
_RANGE_YEARS = r"(?P<y1>(?:19|20)[0-9]{2})(?:[ \t]?/[ \t]?[0-9]{2})?[ \t]*(?:to|until|through|and|-|–)[ \t]*(?P<y2>(?:19|20)[0-9]{2}|[0-9]{2})(?:[ \t]?/[ \t]?[0-9]{2})?"
_MULTI_YEAR_AFTER_RE = re.compile(
    r"(?:\bover|\bfor|\bacross|\bcovering|\bspanning)[ \t]+(?:a[ \t]+|the[ \t]+)?(?:period[ \t]+of[ \t]+|term[ \t]+of[ \t]+)?(?:(?:the[ \t]+)?(?:next|first|last)[ \t]+)?"
    r"(?P<n>" + _NUM_WORD + r")[ \t-]+(?:financial[ \t]+)?years?\b(?:[ \t]*\([ \t]*(?P<range>[^)\n]{3,30}?)[ \t]*\)|[ \t]+(?:from[ \t]+|between[ \t]+)?(?P<range2>" + _RANGE_YEARS + r"))?",
    re.IGNORECASE,
)
_YEAR_SPAN_AFTER_RE = re.compile(r"^[ \t]*(?:\(|,)?[ \t]*(?:from[ \t]+|between[ \t]+|for[ \t]+|over[ \t]+|covering[ \t]+)?(?:the[ \t]+years?[ \t]+)?" + _RANGE_YEARS, re.IGNORECASE)
_FY = r"(?P<fy>(?:19|20)[0-9]{2}[ \t]?[/\-–][ \t]?(?:(?:19|20)?[0-9]{2}))\b"
_FY_AFTER_RE = re.compile(
    r"[ \t]*(?:\(|,|-|–)?[ \t]*(?:(?:for|in|during|covering|relating[ \t]+to)[ \t]+)?(?:the[ \t]+)?(?:financial[ \t]+year[ \t]+|year[ \t]+|FY[ \t]?)?" + _FY,
    re.IGNORECASE,
)
_FY_BEFORE_RE = re.compile(r"\b(?:for|in|during|of)[ \t]+(?:the[ \t]+)?(?:financial[ \t]+year[ \t]+|year[ \t]+|FY[ \t]?)?" + _FY + r"(?:[^£.;\n]|\n(?!\n)){0,60}$", re.IGNORECASE)
_FY_OPENING_RE = re.compile(r"^[ \t]*(?:FY[ \t]?)?" + _FY + r"[ \t]*[:\-–][^£.;\n]{0,40}$", re.IGNORECASE)
_TERM_AFTER_RE = re.compile(
    r"[ \t]*(?:\(|,|-|–|for[ \t]+)?[ \t]*(?:a[ \t]+|the[ \t]+)?(?P<n>" + _NUM_WORD + r")[ \t-]+years?[ \t-]+(?:contract|grant|award|agreement|funding|deal|commission|period|term)\b",
    re.IGNORECASE,
)
_MULTI_YEAR_BEFORE_RE = re.compile(
    r"\b(?P<n>" + _NUM_WORD + r")[ \t-]+years?[ \t]+(?:contract|grant|award|agreement|funding|deal|programme|commission|commissioning|period)\b(?:[^£.;\n]|\n(?!\n)){0,50}$", re.IGNORECASE
)
# the cues before an amount may wrap onto its line ("The annual\nbudget ... is £318,000"), not across a paragraph
_ANNUAL_BEFORE_RE = re.compile(r"\b(?:annual|annually|yearly|per[ \t]+annum|per[ \t]+year|each[ \t]+year|a[ \t]+year)\b(?:[^£.;\n]|\n(?!\n)){0,40}$", re.IGNORECASE)


_FY_SEPARATOR_RE = re.compile(r"[ \t]*[/\-–][ \t]*")


def _fy(s: str) -> str:
    a, b = _FY_SEPARATOR_RE.split(s.strip())
    return f"{a}/{b[-2:]}"


def _years(n: str) -> int | None:
    return (int(n) if len(n) <= 3 else None) if n.isdigit() else parse_number_words(n)


def _year_range(m: re.Match[str]) -> str | None:
    y1, y2 = m.group("y1"), m.group("y2")
    if len(y2) == 2:
        y2 = y1[:2] + y2
    return f"{y1} to {y2}" if int(y2) > int(y1) else None


_BLANKS_RE = re.compile(r"[ \t]+")


def _period(text: str, start: int, end: int, limit: int) -> tuple[str | None, str | None]:
    """(period, per) for the amount text[start:end]; the clause after it ends at `limit`."""
    if _ANNUAL_AFTER_RE.match(text, end, limit):
        return "annual", None
    if _MONTHLY_AFTER_RE.match(text, end, limit):
        return "monthly", None
    after = text[end:limit]
    m = _MULTI_YEAR_AFTER_RE.search(after[:90])
    if m and (n := _years(m.group("n"))) and n > 1:
        if m.group("range"):
            written = _BLANKS_RE.sub(" ", m.group("range"))
            return f"{n} years ({written})", None
        if m.group("range2"):
            return f"{n} years ({_year_range(m) or m.group('range2')})", None
        return f"{n} years", None
    m = _TERM_AFTER_RE.match(after[:60])
    if m and (n := _years(m.group("n"))) and n > 1:
        return f"{n} years", None  # "£1.2m (three-year contract)"
    m = _YEAR_SPAN_AFTER_RE.match(after[:60])
    if m and (span := _year_range(m)):
        return span, None
    m = _FY_AFTER_RE.match(text, end, limit)
    if m:
        return _fy(m.group("fy")), None
    per = _PER_AFTER_RE.match(text, end, limit)
    if per:
        return None, _BLANKS_RE.sub(" ", per.group("unit").lower())
    # stated before the amount, in the same sentence: "For 2022/23 the contract was £45,000"
    sentence_start = max((m.end() for m in _BOUNDARY_RE.finditer(text, 0, start)), default=0)
    before = text[max(sentence_start, start - 120) : start]
    if _ANNUAL_BEFORE_RE.search(before):
        return "annual", None
    m = _MULTI_YEAR_BEFORE_RE.search(before)
    if m and (n := _years(m.group("n"))) and n > 1:
        return f"{n} years", None
    m = _FY_BEFORE_RE.search(before) or _FY_OPENING_RE.search(before)
    if m:
        return _fy(m.group("fy")), None
    return None, None


def find_money(text: str) -> list[MoneyReading]:
    """Every amount of money in the text, in pounds, in order, with the period it is for."""
    matches = list(MONEY_RE.finditer(text))
    out = []
    for i, m in enumerate(matches):
        if m.group("words"):
            value = parse_number_words(m.group("words"))
            if value is None:
                continue
            amount = Decimal(value) * (_SCALE["million"] if m.group("scale3") else 1)
            rule = "money:words"
        else:
            num = m.group("num") or m.group("num2")
            scale = (m.group("scale") or m.group("scale2") or "").lower()
            try:
                amount = Decimal(num.replace(",", "")) * _SCALE.get(scale, 1)
            except InvalidOperation:
                continue
            rule = ("money:pound" if m.group("cur") == "£" else "money:gbp") + (f"_{scale}" if scale else "")
        if amount >= _MAX_AMOUNT:
            continue
        try:
            amount = amount.quantize(Decimal("0.01"))
        except InvalidOperation:
            continue
        end = m.end()
        nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        boundary = _BOUNDARY_RE.search(text, end, nxt)
        # the clause after the amount: up to the next amount or the end of the sentence
        limit = boundary.start() if boundary else nxt
        period, per = _period(text, m.start(), end, min(limit, end + 120))
        out.append(MoneyReading(amount, period, m.start(), end, rule, per))
    return out


def find_status_phrases(text: str) -> list[tuple[int, int, str]]:
    """Every phrase that states a status instead of a figure ("N/A", "not held", "withheld under section 40"),
    as (start, end, status) in order; a remark about disclosure control of small numbers is none."""
    text = _unwrapped(text)
    return _status_hits(text, _context(text, fold(text)), suppressed=False)
