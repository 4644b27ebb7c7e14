"""Document metadata read off the letter: who answered, for which area, their reference and date, what they hold.

The letterhead, reference line, date line and sign-off are boilerplate for facts but carry this metadata.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from dateutil import parser as dateparser

from foi_pipeline.specs import Area, Catalogue

# "Office of the Police and Crime Commissioner for X", "Office of the Kent Police and Crime Commissioner",
# "Office of the Police, Fire and Crime Commissioner for X"; the place stops at a lowercase word or an org noun.
_PLACE_WORD = r"(?:[A-Z][\w'’&-]*|(?i:of|the|and)|&)"
# Each pattern over the whole letter opens with a lookahead for the letters its matches can start with,
# so the rest is tried only there (same matches, several times faster on a page of text).
AUTHORITY_RE = re.compile(
    r"(?=[tToO])(?:(?i:the)[ \t]+)?(?P<office>(?i:Office[ \t]+of[ \t]+the)[ \t]+(?:(?P<pre>[A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)?)[ \t]+)?"
    r"(?i:Police(?:,[ \t]*Fire)?[ \t]+and[ \t]+Crime[ \t]+Commissioner))"
    r"(?:[ \t]+(?i:for)[ \t]+(?P<place>(?:(?i:the)[ \t]+)?[A-Z][\w'’&-]*(?:(?:[ \t]+|,[ \t]*)" + _PLACE_WORD + r")*))?",
)
_ORG_NOUNS = re.compile(
    r"\b(?:Council|Police|Constabulary|Office|Service|Services|Trust|Department|Ministry|Partnership|"
    r"Partnerships|Authority|Board|Fund|Is|Holds|Provides)\b",
)

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_TEXT = (
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _MONTHS + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?)\s*,?\s+\d{4}"
    r"|(?:" + _MONTHS + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?)\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"  # "October 3, 2023"
    r"|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})"
)
DATE_RE = re.compile(r"(?=[mtwfsjaond0-9])" + _DATE_TEXT, re.IGNORECASE)  # a weekday, a month or a digit starts it
# A date labelled as the date of the letter (not of the request, which replies also quote).
LABELLED_DATE_RE = re.compile(
    r"^\W*(?:date(?:\s+of\s+(?:response|reply|letter))?|response\s+date|date\s+(?:responded|sent|of\s+issue)|"
    r"responded|sent|dated)\s*[:\-–]?\s*(?P<date>" + _DATE_TEXT + ")",
    re.IGNORECASE | re.MULTILINE,
)
_NOT_THE_LETTER = re.compile(
    r"(received|request|dated|email|e-mail|letter|asked|of|on|since|between|from|until|to|by)\W*$", re.IGNORECASE
)

# "FOI/23/112", and with the office's letters before it: "MPCC 2023/0412", "OPCC-TV FOI 2024/061"
_REF_TOKEN = r"(?P<ref>(?-i:(?:[A-Z][A-Z-]{1,9}[ ]){0,2})(?=[\w/.\-]*\d)[A-Za-z0-9][\w/.\-]*[A-Za-z0-9])"
REFERENCE_RES = [
    re.compile(
        r"(?=[oyfrc\s])\b(?:our|your|foi|request|case)?\s*(?:ref(?:erence)?(?:\s+(?:no|number))?\.?\s*(?:no\.?|number)?|(?:request|case)\s+(?:no\.?|number|id))"
        r"\s*[:\-–]?\s*"
        + _REF_TOKEN,
        re.IGNORECASE,
    ),
    re.compile(
        r"(?=f)Freedom\s+of\s+Information\s+(?:Act\s+)?(?:request|Request)\s*(?:ref\w*\s*)?[:\-–]?\s*" + _REF_TOKEN,
        re.IGNORECASE,
    ),
    re.compile(r"(?=[A-Z])\b(?P<prefix>(?:[A-Z][A-Z-]{1,9}[ ])?FOI)\s*[-:]?\s*(?:request\s*)?(?:no\.?\s*)?(?P<ref>\d[\w/.\-]*)\b"),
]

PARTLY_HELD_RE = re.compile(
    r"(?=[hps])(?:\b(?:hold|holds|held)\s+(?:some|part|parts)\s+of\b|\bpart(?:ly|ially)\s+held\b|"
    r"\bsome\s+of\s+the\s+information\s+(?:you\s+(?:asked|requested)\s+)?(?:is\s+)?held\b)",
    re.IGNORECASE,
)
NOT_HELD_RE = re.compile(
    r"(?=[dhni])(?:\b(?:(?:do|does|did)\s+not|don't|doesn't)\s+hold\b|\bhold(?:s)?\s+no\s+(?:information|data|records)\b|"
    r"\bno\s+(?:information|data|records)\s+(?:is\s+|are\s+)?held\b|\binformation\s+(?:is\s+)?not\s+held\b)",
    re.IGNORECASE,
)
HELD_RE = re.compile(
    r"(?=[hic])(?:\b(?:hold|holds)\s+(?:the|this|all\s+(?:of\s+)?the)\s+information\b|\binformation\s+(?:is|was)\s+held\b|"
    r"\b(?:hold|holds)\s+information\s+(?:relevant\s+to|within\s+the\s+scope\s+of|in\s+relation\s+to|about)\s+your\s+request\b|"
    r"\bcan\s+confirm\s+(?:that\s+)?(?:it|we)\s+holds?\b)",
    re.IGNORECASE,
)
REFUSED_RE = re.compile(
    r"(?=[rewnsv])\b(?:refus\w+|exempt\w*|withh[oe]ld\w*|not\s+obliged)\b[^.]{0,120}\b(?:request|information)\b"
    # the cost limit (section 12) and vexatious requests (section 14) refuse the whole request
    r"|\bexceed\w*\s+the\s+(?:appropriate|cost)\s+limit\b|\bnot\s+obliged\s+to\s+comply\b|\bsection\s+1[24]\b[^.]{0,60}\b(?:applies|applied|engaged|refus\w+)\b|\bvexatious\b",
    re.IGNORECASE,
)


@dataclass
class Metadata:
    authority: str | None = None
    area: str | None = None
    foi_reference: str | None = None
    response_date: dt.date | None = None
    information_status: str | None = None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower().replace("&", " and ")).strip()


_ADDRESS_PART_RE = re.compile(
    r"\d|\b(?:Road|Street|Lane|Avenue|Way|Hall|House|Court|Place|Square|Close|Park|Hey|Buildings?|Headquarters|HQ|PO\s+Box)\b")


def _trim_place(place: str) -> str:
    """Cut a place name before an organisation that follows it in a list ('North Yorkshire, North Yorkshire Council')."""
    parts = re.split(r"(,\s*|\s+and\s+)", place)
    kept = parts[0]
    for sep, part in zip(parts[1::2], parts[2::2]):
        if _ORG_NOUNS.search(part) or (part.lower().startswith("the ") and "," in sep) or _ADDRESS_PART_RE.search(part):
            break  # "Cheshire, Clemonds Hey, Oakmere Road, Winsford CW7": the address follows
        kept += sep + part
    kept = re.sub(r"(?:\s+(?:and|of|the|&))+$|[\s,]+$", "", kept)
    return re.split(r"\s+(?=(?:Is|Holds|Provides|Was|Has|Can|Will)\b)", kept)[0]


def find_authorities(text: str) -> list[re.Match[str]]:
    return list(AUTHORITY_RE.finditer(text))


def authority_phrase(match: re.Match[str]) -> str:
    """The office's name as the reply writes it, with the place trimmed of whatever follows it."""
    office = re.sub(r"\s+", " ", match.group("office"))
    place = match.group("place")
    if place:
        return f"{office} for {_trim_place(' '.join(place.split()))}"
    return office


@dataclass(frozen=True)
class _AreaKeys:
    """Each area's names normalised once per catalogue, in the order the readers below try them."""

    by_name: list[tuple[Area, str]]  # (area, " key ") for its name, aliases, then forces
    by_force: list[tuple[str, str]]  # (area name, " key ") for its forces, name, then aliases


_AREA_KEYS: dict[int, tuple[tuple[Area, ...], _AreaKeys]] = {}


def _area_keys(areas: tuple[Area, ...]) -> _AreaKeys:
    cached = _AREA_KEYS.get(id(areas))
    if cached is None or cached[0] is not areas:
        by_name = [(area, f" {key} ") for area in areas for key in map(_norm, (area.name, *area.aliases, *area.forces)) if key]
        by_force = [(area.name, f" {key} ") for area in areas for key in map(_norm, (*area.forces, area.name, *area.aliases)) if key]
        cached = _AREA_KEYS[id(areas)] = (areas, _AreaKeys(by_name, by_force))
    return cached[1]


def _match_area(phrase: str, areas: tuple[Area, ...]) -> Area | None:
    norm = f" {_norm(phrase)} "
    best: tuple[int, Area] | None = None
    for area, key in _area_keys(areas).by_name:
        if key in norm and (best is None or len(key) - 2 > best[0]):
            best = (len(key) - 2, area)
    return best[1] if best else None


def _shouting(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return sum(c.isupper() for c in letters) > 0.8 * len(letters)


def _smart_case(s: str) -> str:
    """Title-case an all-capitals letterhead, keeping small words small."""
    if not _shouting(s):
        return s
    small = {"of", "the", "and", "for", "in", "on", "at"}
    words = s.lower().split(" ")
    return " ".join(w if (w in small and i) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def read_authority(text: str, areas: tuple[Area, ...]) -> tuple[str | None, str | None]:
    """(authority, area): the office that answered, preferring how the letter names itself."""
    phrases = [authority_phrase(m) for m in find_authorities(text)]
    with_place = [p for p in phrases if " for " in p or not p.lower().startswith("office of the police")]
    # Prefer a mixed-case occurrence of the most specific phrase.
    for candidate in sorted(with_place, key=lambda p: (_shouting(p), -len(p))):
        area = _match_area(candidate, areas)
        if area:
            return _smart_case(candidate).replace("The Office", "Office"), area.name
    if with_place:
        return _smart_case(with_place[0]), None
    # No office named with a place: infer the area from the police force or place named most often.
    counts: dict[str, int] = {}
    norm = f" {_norm(text)} "
    for area_name, key in _area_keys(areas).by_force:
        counts[area_name] = counts.get(area_name, 0) + norm.count(key)
    if counts and max(counts.values()) > 0:
        area = next(a for a in areas if a.name == max(counts, key=lambda k: (counts[k], k)))
        office = phrases[0] if phrases else "Office of the Police and Crime Commissioner"
        return area.authority or f"{_smart_case(office)} for {area.name}", area.name
    return (_smart_case(phrases[0]) if phrases else None), None


_SMALL_NUMBER_OR_YEAR_RE = re.compile(r"\d{1,2}(?:\.\d+)?|\d{4}|20\d\d/\d\d")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_ONE_ITEM_RE = re.compile(r"\s+(?:the|this|that|a)\s+(?:number|figure|breakdown|split|count)\b", re.IGNORECASE)
# "we do not hold a link to any evaluation": the request's unnumbered aside, not its information
_NO_LINK_RE = re.compile(r"\s+(?:a|an|any)\s+(?:link|evaluation|copy|report|url)\b", re.IGNORECASE)


def read_reference(text: str) -> str | None:
    """The authority's own FOI reference, from the first lines that carry one."""
    head = text[:3000]
    # Patterns in order of trust; within one, the earliest reference wins: the first good match found is the answer.
    for pattern in REFERENCE_RES:
        for m in pattern.finditer(head):
            ref = m.group("ref").rstrip(".-/")
            if _SMALL_NUMBER_OR_YEAR_RE.fullmatch(ref) and "prefix" not in m.groupdict():
                continue  # a bare small number or a year is not a reference
            if _YEAR_RE.fullmatch(ref):
                continue
            if m.groupdict().get("prefix"):
                ref = f"{m.group('prefix')} {ref}"
            return ref
    return None


# "14 August 2023", "Mon, 14th Aug. 2023": read directly, as dateutil reads them (it costs ~30 us a call).
# Only plain ASCII forms with a known month and weekday name; anything else goes to dateutil.
_PLAIN_DATE_RE = re.compile(
    r"(?:(?P<weekday>[A-Za-z]+),?[ \t]+)?(?P<day>[0-9]{1,2})(?:[sS][tT]|[nN][dD]|[rR][dD]|[tT][hH])?[ \t]+"
    r"(?P<month>[A-Za-z]+)\.?[ \t]*,?[ \t]+(?P<year>[0-9]{4})"
)
_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {"mon", "monday", "tue", "tuesday", "wed", "wednesday", "thu", "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday"}


def plain_date(s: str) -> dt.date | Literal[False] | None:
    """The date of a plain "D Month YYYY" string, None when it is no valid date, False when dateutil must decide."""
    m = _PLAIN_DATE_RE.fullmatch(s)
    if m is None or (m.group("weekday") and m.group("weekday").lower() not in _WEEKDAYS):
        return False
    month = _MONTH_NUMBERS.get(m.group("month").lower())
    day, year = int(m.group("day")), int(m.group("year"))
    if month is None or not 1 <= day <= 31 or year < 2000:
        return False
    try:
        return dt.date(year, month, day)
    except ValueError:  # "30 February 2024": dateutil says the day is out of range
        return None


_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_date(s: str, today: dt.date) -> dt.date | None:
    value = plain_date(s)
    if value is False and _ISO_DATE_RE.fullmatch(s):
        try:
            value = dt.date.fromisoformat(s)  # dateutil's dayfirst would read 2023-10-03 as 10 March
        except ValueError:
            return None
    if value is False:
        try:
            value = dateparser.parse(s, dayfirst=True, fuzzy=True).date()
        except (ValueError, OverflowError):
            return None
    if value is None:
        return None
    return value if dt.date(2000, 1, 1) <= value <= today else None


# Where an e-mail reply quotes the message it answers: dates below it are the request's, not the reply's.
_QUOTED_ORIGINAL_RE = re.compile(
    r"^[ \t>]*(?:-{2,}[ \t]*(?:original|forwarded)[ \t]+message[ \t]*-{2,}|on[ \t].{5,80}[ \t]wrote:[ \t]*$|from:[ \t].+\n[ \t>]*(?:sent|date):)",
    re.IGNORECASE | re.MULTILINE,
)


def read_response_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """The date of the reply: a labelled date line, else a date standing alone near the top, else the last dated line;
    never a date from the message the reply quotes below it."""
    today = today or dt.date.today()
    quoted = _QUOTED_ORIGINAL_RE.search(text, 1)
    if quoted is not None:
        text = text[: quoted.start()]
    for m in LABELLED_DATE_RE.finditer(text):
        value = _parse_date(m.group("date"), today)
        if value:
            return value
    head_lines = text.splitlines()[:25]
    for line in head_lines:
        alone = DATE_RE.fullmatch(line.strip(" \t.,"))
        if alone:
            value = _parse_date(alone.group(), today)
            if value:
                return value
    for m in DATE_RE.finditer(text[:2500]):
        before = text[max(0, m.start() - 40) : m.start()]
        if _NOT_THE_LETTER.search(before):
            continue
        value = _parse_date(m.group(), today)
        if value:
            return value
    return None


_WHETHER_RE = re.compile(r"\b(?:whether|if)\s+(?:or\s+not\s+)?(?:it|we|they|the\s+\w+(?:\s+\w+)?)\s+(?:$|hold)", re.IGNORECASE)


def read_information_status(text: str, answered: bool) -> str:
    """held / partly_held / not_held / refused, from what the letter says, else from whether it answered."""
    if PARTLY_HELD_RE.search(text):
        return "partly_held"
    if answered:
        return "held"
    not_held = next((m for m in NOT_HELD_RE.finditer(text) if not _NO_LINK_RE.match(text, m.end())), None)
    # "... a duty to tell an applicant whether it holds the information": the law's words, not the letter's answer
    held = next((m for m in HELD_RE.finditer(text) if not _WHETHER_RE.search(text, max(0, m.start() - 40), m.start())), None)
    if not_held and held and held.start() < not_held.start():
        # "The OPFCC holds information relevant to your request ..." then "we do not hold a separate figure for ...":
        # the letter says first that it holds what was asked; what it lacks is a detail of one answer
        return "held"
    if not_held:
        # "We do not hold the number of those men who were accepted", in a letter that answers in sentences: one
        # figure is not held, not the whole request
        return "partly_held" if _ONE_ITEM_RE.match(text, not_held.end()) else "not_held"
    if HELD_RE.search(text):
        return "held"
    if REFUSED_RE.search(text):
        return "refused"
    return "held"


def read_metadata(text: str, catalogue: Catalogue, *, answered: bool) -> Metadata:
    authority, area = read_authority(text, catalogue.areas)
    return Metadata(
        authority=authority,
        area=area,
        foi_reference=read_reference(text),
        response_date=read_response_date(text),
        information_status=read_information_status(text, answered),
    )
