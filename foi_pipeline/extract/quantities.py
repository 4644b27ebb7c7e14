"""Counts and money as replies write them, with the character span each reading came from.

"82", "twelve", "forty-one", "approx. 50", "c. 160", "over 20", "fewer than 5", "<5", "*", "N/A",
"not held", "exempt under section 43"; "£60,000", "£209,332.78", "£1.2m", "£45k", "60,000 GBP".
Numbers that are not counts (percentages, money, years, dates, section numbers, durations, ages,
list labels) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_UNITS = {
    "zero": 0, "nil": 0, "none": 0, "no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000}
_WORD = r"(?:" + "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True)) + r")"
WORD_NUMBER_RE = re.compile(r"\b" + _WORD + r"(?:(?:[\s-]+|\s+and\s+)" + _WORD + r")*\b", re.IGNORECASE)


def parse_number_words(s: str) -> int | None:
    """'twelve' -> 12, 'forty-one' -> 41, 'one hundred and six' -> 106; None if not a number in words."""
    words = [w for w in re.split(r"[\s-]+", s.lower().strip()) if w and w != "and"]
    if not words:
        return None
    total = current = 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    return total + current


@dataclass(frozen=True)
class CountReading:
    status: str  # value | not_applicable | not_held | refused | suppressed | not_stated
    count: int | None
    low: int | None
    high: int | None
    qualifier: str | None  # exact | approx | at_least | at_most
    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class MoneyReading:
    amount: Decimal
    period: str | None
    start: int
    end: int
    rule: str


NOT_APPLICABLE_RE = re.compile(
    r"\bn/a\b|\bnot\s+applicable\b|\bnot\s+(?:a\s+)?self[- ]referral\s+services?\b|\bdo(?:es)?\s+not\s+(?:accept|take|receive)\s+self[- ]referrals?\b|"
    r"\bno\s+self[- ]referral\s+(?:route|pathway|option)\b|\bnobody\s+can\s+refer\s+themselves\b|\bcannot\s+self[- ]refer\b|"
    r"\bonly\s+(?:accepts?|receives?|takes?)\s+(?:police|agency|professional|statutory)\s+referrals\b|\bdoes\s+not\s+apply\b",
    re.IGNORECASE,
)
NOT_HELD_RE = re.compile(
    r"\bnot\s+held\b|\bno\s+(?:information|data|records?)\s+(?:is\s+|are\s+)?held\b|\bnot\s+recorded\b|"
    r"\b(?:do|does|did)\s+not\s+(?:hold|record|collect|keep)\b|\bnot\s+(?:collected|captured|available)\b|"
    r"\bcannot\s+(?:give|provide)\s+(?:a|an|the|this)?\s*(?:\w+\s+)?figure\b|\bunknown\b|\bunable\s+to\s+provide\b",
    re.IGNORECASE,
)
REFUSED_RE = re.compile(
    r"\b(?:section|s\.?)\s*(?:12|14|21|22|23|24|30|31|36|38|40|41|42|43)\b(?:\s*\(\d\))?|\bexempt(?:ion)?\b|\bwithh[eo]ld\w*|\brefus\w+|"
    r"\bnot\s+obliged\b",
    re.IGNORECASE,
)
SUPPRESSED_RE = re.compile(
    r"(?P<word>fewer|less)\s+than\s+(?P<n>\d+|" + _WORD + r")|\bunder\s+(?P<n2>\d+|five|ten)\b|"
    r"(?P<lt><\s*|≤\s*)(?P<n3>\d+)|(?<![\w*])\*(?![\w*])|\bsuppressed\b|\bsmall\s+number\b",
    re.IGNORECASE,
)
APPROX_RE = re.compile(r"(?:\b(?:approx(?:imately)?|approx\.|c\.|ca\.|circa|around|about|roughly|estimated|an\s+estimated|some|nearly|almost)|~)\s*$", re.IGNORECASE)
AT_LEAST_RE = re.compile(r"\b(?:over|more\s+than|at\s+least|in\s+excess\s+of|upwards\s+of|a\s+minimum\s+of)\s*$", re.IGNORECASE)
AT_MOST_RE = re.compile(r"\b(?:up\s+to|no\s+more\s+than|at\s+most|maximum\s+of|a\s+maximum\s+of|not\s+more\s+than)\s*$", re.IGNORECASE)

_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
NUMBER_RE = re.compile(r"(?<![\w.£$/])(?<!\d,)(?<!\d\()(?P<num>" + _DIGITS + r")(?P<plus>\+)?(?![\w/]|[.,]\d|%|\s*(?:per\s*cent|percent)\b)")
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_NOT_A_COUNT_AFTER = re.compile(
    r"^\s*(?:%|per\s*cent|percent|" + MONTHS + r"\b|hours?\b|hrs?\b|minutes?\b|mins?\b|weeks?\b|days?\b|months?\b|years?\b|"
    r"working\s+days\b|x\b|sessions?\s+of\b|-?\s*hour\b|-?\s*week\b|-?\s*year\b|(?:st|nd|rd|th)\b|pm\b|am\b|gbp\b|k\b|m\b|"
    r"million\b|pounds\b|\)\s)",
    re.IGNORECASE,
)
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:£|\$|€|section\s*|s\.\s*|answer\s*|see\s*|paragraph\s*|point\s*|item\s*|page\s*|sections?\s+\d+\s+(?:and|or|to)\s+|question\s*|q\s*|aged\s+|age\s+|ages\s+|over\s+the\s+age\s+of\s+|"
    r"\b" + MONTHS + r"\s+|\d\s*x\s*|\bno\.\s*|ref(?:erence)?\s*:?\s*|tel(?:ephone)?\s*:?\s*|\bfy\s*|\bthe\s+year\s+|\bin\s+|\bsince\s+|\bby\s+|\buntil\s+|\bphase\s+|\bstage\s+|\btier\s+|\bwave\s+|\bpart\s+|\bround\s+)$",
    re.IGNORECASE,
)


def _to_int(s: str) -> int:
    return int(s.replace(",", ""))


def _is_year(n: int, text: str, start: int, end: int) -> bool:
    if 1990 <= n <= 2100 and len(text[start:end]) == 4:
        return True
    return bool(re.match(r"\s*/\s*\d{2,4}", text[end:])) or bool(re.search(r"\d{2,4}\s*/\s*$", text[:start]))


def _qualifier(before: str) -> tuple[str, int]:
    """(qualifier, length of the qualifying words) for the text just before a number."""
    for qualifier, pattern in (("approx", APPROX_RE), ("at_least", AT_LEAST_RE), ("at_most", AT_MOST_RE)):
        m = pattern.search(before)
        if m:
            return qualifier, len(before) - m.start()
    return "exact", 0


def _numbers(text: str) -> list[tuple[int, int, int, str]]:
    """(value, start, end, kind) for every count-like number: digits and number words, in order."""
    out = []
    for m in NUMBER_RE.finditer(text):
        start, end = m.start("num"), m.end("num")
        value = _to_int(m.group("num"))
        before = text[max(0, start - 40) : start]
        after = text[end : end + 20]
        if _NOT_A_COUNT_BEFORE.search(before) or _NOT_A_COUNT_AFTER.match(after) or _is_year(value, text, start, end):
            continue
        if re.match(r"\s*[-–]\s*\d", after) and re.search(r"\d\s*$", before) is None and re.match(r"\s*[-–]\s*\d+\s*(?:years?|weeks?)", after):
            continue
        out.append((value, start, end + (1 if m.group("plus") else 0), "digits" if not m.group("plus") else "plus"))
    for m in WORD_NUMBER_RE.finditer(text):
        word = m.group().lower()
        if word in {"no", "none", "one"} and not re.fullmatch(r"\W*", text[m.end() : m.end() + 1] or " ") and word != "one":
            continue
        if word == "no" or word == "one" and re.match(r"\s*(?:-|to|of|or|x)\b", text[m.end() : m.end() + 6], re.IGNORECASE):
            continue
        if word in {"hundred", "thousand"}:
            continue
        value = parse_number_words(word)
        after = text[m.end() : m.end() + 20]
        if value is None or _NOT_A_COUNT_AFTER.match(after) or re.match(r"-(?:to|year|week|hour)", after, re.IGNORECASE):
            continue
        if word == "one" and re.match(r"\s+(?:of|to|that|which|who|intervention|programme|service|provider|organisation)\b", after, re.IGNORECASE):
            continue
        out.append((value, m.start(), m.end(), "words"))
    return sorted(out, key=lambda t: t[1])


def _suppressed(m: re.Match[str]) -> CountReading:
    bound = m.group("n") or m.group("n2") or m.group("n3")
    if bound:
        n = _to_int(bound) if bound[0].isdigit() else (parse_number_words(bound) or 5)
        high = n - 1 if not (m.group("lt") and "≤" in m.group("lt")) else n
        return CountReading("suppressed", None, 1, max(high, 1), "at_most", m.start(), m.end(), "count:fewer_than")
    return CountReading("suppressed", None, 1, None, "at_most", m.start(), m.end(), "count:suppressed_marker")


def find_counts(text: str) -> list[CountReading]:
    """Every count-like figure in an answer, in order: numbers with their qualifiers, and suppressed figures."""
    readings: list[CountReading] = []
    taken: list[tuple[int, int]] = []
    for m in SUPPRESSED_RE.finditer(text):
        if m.group(0) == "*" and re.search(r"\*\s*$", text[: m.start()] + "*") and text[m.start() - 1 : m.start()] == "*":
            continue
        readings.append(_suppressed(m))
        taken.append((m.start(), m.end()))
    for value, start, end, kind in _numbers(text):
        if any(a <= start < b for a, b in taken):
            continue
        before = text[max(0, start - 30) : start]
        qualifier, qlen = _qualifier(before)
        q_start = start - qlen
        low = high = value
        if qualifier == "at_least":
            low, high = (value if re.search(r"at\s+least|minimum", before, re.I) else value + 1), None
        elif qualifier == "at_most":
            low, high = 0, value
        if kind == "plus":
            qualifier, low, high = "at_least", value, None
        range_m = re.match(r"\s*(?:-|–|to)\s*(" + _DIGITS + r")\b", text[end:])
        if range_m and qualifier in {"approx", "exact"} and _to_int(range_m.group(1)) > value:
            high = _to_int(range_m.group(1))
            end = end + range_m.end()
            qualifier = "approx"
        readings.append(CountReading("value", value, low, high, qualifier, q_start, end, f"count:{kind}"))
    return sorted(readings, key=lambda r: r.start)


def read_count(text: str) -> CountReading:
    """The reading of a short answer: its first figure, or what it says instead of a figure."""
    status_hits = []
    for status, pattern in (("not_applicable", NOT_APPLICABLE_RE), ("not_held", NOT_HELD_RE), ("refused", REFUSED_RE)):
        m = pattern.search(text)
        if m:
            status_hits.append((m.start(), m.end(), status))
    counts = find_counts(text)
    first_status = min(status_hits) if status_hits else None
    if counts:
        first = counts[0]
        # "N/A" or "not held" stated before any figure wins; a later remark does not.
        if first_status and first_status[0] < first.start:
            start, end, status = first_status
            return CountReading(status, None, None, None, None, start, end, f"status:{status}")
        return first
    if first_status:
        start, end, status = first_status
        return CountReading(status, None, None, None, None, start, end, f"status:{status}")
    return CountReading("not_stated", None, None, None, None, 0, 0, "status:not_stated")


# --- money ---------------------------------------------------------------------------------------

MONEY_RE = re.compile(
    r"(?P<pound>£)\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<scale>m\b|mn\b|million\b|k\b|bn\b|billion\b|thousand\b)?"
    r"|(?P<num2>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<scale2>m|k|million|thousand)?\s?(?:GBP|pounds\b|sterling\b)",
    re.IGNORECASE,
)
_SCALE = {"m": 10**6, "mn": 10**6, "million": 10**6, "k": 10**3, "thousand": 10**3, "bn": 10**9, "billion": 10**9}
PERIOD_RES = [
    (re.compile(r"^\W{0,3}(?:per\s+(?:annum|year)|a\s+year|each\s+year|annually|p\.?a\.?|yearly)\b", re.IGNORECASE), "annual"),
]
MULTI_YEAR_AFTER_RE = re.compile(
    r"^[^.;]{0,40}?\bover\s+(?P<n>\w+)\s+years?(?:\s*\((?P<range>[^)]{3,30})\))?|^[^.;]{0,20}?\bfor\s+(?P<n2>\w+)\s+years?\b",
    re.IGNORECASE,
)
FY_AFTER_RE = re.compile(r"^\s*(?:for|in|during)\s+(?:the\s+)?(?:financial\s+year\s+)?(?P<fy>(?:19|20)\d{2}\s*[/-]\s*\d{2,4})", re.IGNORECASE)


def _period(after: str) -> str | None:
    for pattern, label in PERIOD_RES:
        if pattern.search(after):
            return label
    m = MULTI_YEAR_AFTER_RE.search(after)
    if m:
        n = m.group("n") or m.group("n2")
        count = int(n) if n.isdigit() else parse_number_words(n)
        if count:
            years = f"{count} years"
            return f"{years} ({m.group('range')})" if m.group("range") else years
    m = FY_AFTER_RE.search(after)
    if m:
        a, b = re.split(r"\s*[/-]\s*", m.group("fy"))
        return f"{a}/{b[-2:]}"
    return None


def find_money(text: str) -> list[MoneyReading]:
    """Every amount of money in the text, in pounds, in order."""
    out = []
    for m in MONEY_RE.finditer(text):
        num = m.group("num") or m.group("num2")
        scale = (m.group("scale") or m.group("scale2") or "").lower()
        try:
            amount = Decimal(num.replace(",", ""))
        except InvalidOperation:
            continue
        if scale:
            amount *= _SCALE[scale]
        amount = amount.quantize(Decimal("0.01"))
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        rule = "money:pound" if m.group("pound") else "money:gbp"
        out.append(MoneyReading(amount, _period(text[end : end + 80]), m.start(), end, rule + (f"_{scale}" if scale else "")))
    return out
