"""The funnel's words (assets/lexicon.yaml) compiled once: which stage, route and population a piece of text names.

Every reader asks here, so "engaged" or "Partners" means the same in a table heading, a list label and a
sentence. The words are data; this module only says how an entry becomes a pattern and which stage wins when a
phrase names several.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from foi_pipeline import contract

LEXICON_PATH = Path(__file__).resolve().parents[2] / "assets" / "lexicon.yaml"


def entry_pattern(entry: str) -> str:
    """'self-referr*' -> a whole-word pattern: spaces and hyphens inside match any run of them, '*' any ending."""
    prefix = entry.endswith("*")
    words = re.split(r"[\s-]+", entry.rstrip("*").strip())
    body = r"[\s-]+".join(map(re.escape, words))
    return r"\b" + body + (r"\w*" if prefix else r"\b")


def _alternation(entries: list[str]) -> str:
    # Longest first, so "took up" is tried before "took" and "referrals" before "refer".
    return "(?:" + "|".join(entry_pattern(e) for e in sorted(entries, key=len, reverse=True)) + ")"


def _load(path: Path = LEXICON_PATH) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if set(data["stages"]) != set(contract.STAGES) or set(data["routes"]) != set(contract.ROUTES):
        raise ValueError(f"{path}: stages and routes must be exactly {contract.STAGES} and {contract.ROUTES}")
    return data


_DATA = _load()
STAGE_ORDER: tuple[str, ...] = tuple(_DATA["stage_order"])  # latest first: the stage a phrase naming several names
# A stage's words and verbs: what a heading or a question may name it by.
STAGE_WORDS: dict[str, str] = {stage: _alternation(e["words"] + e["verbs"]) for stage, e in _DATA["stages"].items()}
# Only the words that state a figure's stage: "accepted", "referrals", not "does not accept".
STATED_STAGE_WORDS: dict[str, str] = {stage: _alternation(e["words"]) for stage, e in _DATA["stages"].items()}
STAGE_RE = re.compile("|".join(f"(?P<{stage}>{STAGE_WORDS[stage]})" for stage in STAGE_ORDER), re.IGNORECASE)
_STAGE_RES = {stage: re.compile(STAGE_WORDS[stage], re.IGNORECASE) for stage in STAGE_ORDER}
_STATED_STAGE_RES = {stage: re.compile(STATED_STAGE_WORDS[stage], re.IGNORECASE) for stage in STAGE_ORDER}

ROUTE_WORDS: dict[str, str] = {route: _alternation(spec["words"]) for route, spec in _DATA["routes"].items()}
ROUTE_LABEL_WORDS: dict[str, str] = {
    route: _alternation(spec["words"] + spec["labels"]) for route, spec in _DATA["routes"].items()
}
_ROUTE_RES = {route: re.compile(ROUTE_WORDS[route], re.IGNORECASE) for route in contract.ROUTES}
_ROUTE_LABEL_RES = {route: re.compile(ROUTE_LABEL_WORDS[route], re.IGNORECASE) for route in contract.ROUTES}
ROUTE_PHRASES: str = _alternation(_DATA["route_phrases"])
ROUTE_PHRASE_RE = re.compile(ROUTE_PHRASES, re.IGNORECASE)

POPULATION_WORDS: dict[str, str] = {p: _alternation(words) for p, words in _DATA["populations"].items()}
PEOPLE_WORDS: str = _alternation(_DATA["people"])
# A phrase that opens or ends with a heading of the letter's own sections, or holds a year or a figure.
LETTER_SECTION_RE = re.compile(
    r"^(?:(?:the|our|opcc|opfcc|pcc)\s+)?" + _alternation(_DATA["letter_sections"]) + r"|" + _alternation(_DATA["letter_sections"]) + r"\s*$"
    r"|\b(?:19|20)\d\d(?:\s*[/-]\s*\d\d)?\b", re.IGNORECASE)
# A cell or line that is only a heading or a sum of the rows: "Total", "Notes", "Referral source".
TABLE_HEADING_RE = re.compile(r"^\W*" + _alternation(_DATA["table_headings"]) + r"\W*$", re.IGNORECASE)
# A row label that sums the rows above it ("Total agency referrals", "TOTAL"), not "Total Wellbeing Luton".
SUM_ROW_RE = re.compile(r"^\W*" + _alternation(_DATA["sum_rows"]) + r"(?:\W*$|\s+(?-i:[a-z(])|(?:\s+(?-i:[A-Z]+\b))+\W*$|\W*[:=])", re.IGNORECASE)
POINTER_RE = re.compile(_alternation(_DATA["pointer_verbs"]) + r"[^.\n£\d]{0,40}?" + _alternation(_DATA["pointer_places"]), re.IGNORECASE)
REGIONS: frozenset[str] = frozenset(r.lower() for r in _DATA["regions"])
DEPARTMENT_WORDS: frozenset[str] = frozenset(w.lower() for w in _DATA["department_words"])
_COLUMN_HEADING_RES = {kind: re.compile(r"^\W*" + _alternation(words) + r"\W*$", re.IGNORECASE)
                       for kind, words in _DATA["column_headings"].items()}
ANY_STAGE_OR_ROUTE_RE = re.compile(
    "|".join([*STAGE_WORDS.values(), *ROUTE_LABEL_WORDS.values()]), re.IGNORECASE
)


def column_holds(heading: str) -> str | None:
    """What a column of a table of programmes holds, by its heading alone: "programme", "provider",
    "description", or None ("Delivered by" -> provider; "Programme name" -> programme). A heading of two
    ("Programme and scope", "Name / description") holds what its first names: the cells lead with it."""
    first = _JOINED_HEADINGS_RE.split(heading, maxsplit=1)[0]
    return next((kind for kind, pattern in _COLUMN_HEADING_RES.items() if pattern.match(first)), None)


_JOINED_HEADINGS_RE = re.compile(r"\s+(?:and|&)\s+|\s*/\s*", re.IGNORECASE)


def stage_named(text: str) -> str | None:
    """The latest funnel stage any word or verb of the text names ("referred and accepted" -> accepted), or None:
    for headings, labels and questions."""
    return next((stage for stage in STAGE_ORDER if _STAGE_RES[stage].search(text)), None)


def stage_stated(text: str) -> str | None:
    """The latest stage the text states of a figure ("12 were accepted"), not counting verbs that describe the
    service ("does not accept self-referrals")."""
    return next((stage for stage in STAGE_ORDER if _STATED_STAGE_RES[stage].search(text)), None)


def names_stage(text: str, stage: str) -> bool:
    """Whether any word of the text names this stage (whatever later stage it names too)."""
    return _STAGE_RES[stage].search(text) is not None


def own_stage(text: str, verbs: bool = False) -> str | None:
    """The stage the text states of its figure beyond its route phrases: "22 self-referrals" states none, "12 were
    accepted" does; `verbs` for a title, where "Self-referrals who complete" names a stage too."""
    rest = ROUTE_PHRASE_RE.sub(" ", text)
    return stage_named(rest) if verbs else stage_stated(rest)


def route_named(text: str, label: bool = False) -> str | None:
    """The referral route the text names, self before agency; `label` for a short heading or cell, where
    "Police" or "Partners" alone stands for agency referrals."""
    patterns = _ROUTE_LABEL_RES if label else _ROUTE_RES
    return next((route for route in contract.ROUTES if patterns[route].search(text)), None)


def stages_named(text: str) -> set[str]:
    """Every stage the text names beyond its route phrases ("Referrals, acceptances and completions": all three)."""
    rest = ROUTE_PHRASE_RE.sub(" ", text)
    return {stage for stage in STAGE_ORDER if _STAGE_RES[stage].search(rest)}


def routes_named(text: str) -> set[str]:
    """Every route the text names ("Self and agency referrals": both)."""
    return {route for route in contract.ROUTES if _ROUTE_RES[route].search(text)}


_FIRST_WORDS_RE = re.compile(r"^[\W\d]*(?:\w+(?:[^\w\n]+|$)){0,2}")  # a figure's next words: "men referred", "people were"


def said_of(words_after: str, population: str) -> int:
    """Whom the words after a figure say it counts: 1 the requested population ("103 men"), -1 other people or
    everyone ("112 people", "41 individuals", "9 women"), 0 when they do not say."""
    first_words = _FIRST_WORDS_RE.match(words_after)  # every part of the pattern may be empty: it always matches
    head = first_words.group() if first_words else ""
    if re.search(POPULATION_WORDS[population], head, re.IGNORECASE):
        return 1
    if re.search(other_population_words(population), head, re.IGNORECASE) or re.search(PEOPLE_WORDS, head, re.IGNORECASE):
        return -1
    return 0


def population_words(population: str) -> str:
    """The pattern for the words that name one population ("males", "men")."""
    return POPULATION_WORDS[population]


def other_population_words(population: str) -> str:
    """The words for every population but this one: a figure for them is not the requested one."""
    return "(?:" + "|".join(w for p, w in POPULATION_WORDS.items() if p != population) + ")"
