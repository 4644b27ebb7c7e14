"""Programmes a reply names, and every later mention of them resolved to one programme.

Replies introduce programmes in the scope answer as list items ("CARA: Delivered by ...",
"(a) X (DAPP): ...", "• X ("HR Programme") – ..."), or in prose ("the OPCC commissioned the X,
which ..."); later answers refer to them by a short form ("CARA", "One-to-One", "Stalking").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.organisations import ORG_NOUN_RE, OrganisationCatalogue, organisations_after, split_organisations
from foi_pipeline.extract.spans import WRAP_WIDTH, Span
from foi_pipeline.extract.tables import Table, find_tables, outside_tables
from foi_pipeline.specs import Catalogue, CatalogueEntry

HEAD_NOUNS = r"(?:Programme|Programmes|Program|Intervention|Interventions|Project|Course|Scheme|Initiative|Pathway|Hub|Service)"
_NAME_WORD = r"(?:[A-Z+][\w'’+-]*|\d[\w-]*|of|and|for|to|the|&|in|on|with|a)"
# A list item that starts with a name: "CARA: ...", "X (ACR) is ...", "X – ...", "X, delivered by ..."
ITEM_NAME_RE = re.compile(
    r"^(?P<name>(?:The\s+)?[A-Z+\"“](?:[^\n:–—(]|(?<=\d):(?=\d))*?)"  # "Respectful Relationships 1:1": a colon between digits is the name's
    r"(?P<paren>\s*\((?P<alias>[^)]{2,80})\))?"
    r"(?=\s*(?::(?!\d)|–|—|\s-\s|,\s*(?:delivered|which|a|an|the|commissioned|provided|run|funded)\b|\s+(?:is|are|was|were|provides|delivers|works|offers)\b|\.\s|\.$|$))"
)
# "Project CARA (Cautioning and Relationship Abuse), workshops for ...": a name, then a description in lower case.
# Only a name with a spelt-out short form or a head noun ("Project", "Programme") opens an item this way.
ITEM_APPOSITIVE_RE = re.compile(
    r"^(?P<name>(?:The\s+)?[A-Z+\"“][^\n:–—(,]{1,80}?)(?P<paren>\s*\((?P<alias>[^)]{2,80})\))?(?=\s*,\s*[a-z])"
)
_HEAD_NOUN_RE = re.compile(r"\b" + HEAD_NOUNS + r"\b")


def _item_name(text: str) -> re.Match[str] | None:
    m = ITEM_APPOSITIVE_RE.match(text)
    if m is not None and (m.group("alias") or _HEAD_NOUN_RE.search(m.group("name"))):
        return m
    return ITEM_NAME_RE.match(text)


COMMISSIONED_RE = re.compile(
    r"\b(?:commissioned|commissions|commission|funded|funds|fund|provided|provides|delivered|runs|ran|operates)\s+"
    r"(?:the\s+|a\s+|an\s+)?(?P<name>(?:[A-Z+][\w'’+-]*)(?:[^\S\n]+" + _NAME_WORD + r")*)"
)
PROSE_NAME_RE = re.compile(
    r"(?=[A-Z])(?<![\w-])(?P<name>[A-Z][\w'’+-]*(?:[^\S\n]+(?:[A-Z][\w'’+-]*|\d[\w-]*|of|and|for|to|&))*[^\S\n]+" + HEAD_NOUNS + r")\b"
    r"(?![^\S\n]+[A-Z][a-z])"  # "Domestic Abuse Perpetrator Intervention Fund" names a fund, not a programme
    r"(?P<paren>\s*\((?P<alias>[^)]{2,80})\))?"
)
# "is called "Choices for Change" (C4C)", "known as the Safe Steps Programme": a name given as a name
NAMED_AS_RE = re.compile(
    r"\b(?:called|named|known(?:\s+\w+ly)?\s+as|entitled|titled|branded\s+as)\s+(?:the\s+)?"
    r"(?:[\"“‘](?P<quoted>[^\"”’\n]{2,80})[\"”’]|(?P<name>[A-Z+][\w'’+-]*(?:[^\S\n]+" + _NAME_WORD + r")*))"
    r"(?P<paren>\s*\((?P<alias>[^)]{2,80})\))?"
)
# "We commission CARA, delivered by X, and Drive, delivered by Y": a second programme, named with its own provider
_AND_NAME_DELIVERED_RE = re.compile(
    r"(?:,[^\S\n]*and|\band|;)[^\S\n]+(?:the[^\S\n]+)?(?P<name>[A-Z+][\w'’+-]*(?:[^\S\n]+(?:[A-Z+&][\w'’+-]*|of|for|to))*?),?[^\S\n]+"
    r"(?:(?:which|that)[^\S\n]+is[^\S\n]+)?(?:delivered|provided|run|operated)[^\S\n]+by\b"
)
# "The first is Drive, ...", "The second programme is CARA (Cautioning and Relationship Abuse)": programmes counted off
ORDINAL_NAME_RE = re.compile(
    r"\b(?i:the)\s+(?:first|second|third|fourth|other|last)(?:\s+(?:programme|intervention|service|project|course|one))?\s+(?:is|was)\s+"
    r"(?:the\s+)?(?P<name>[A-Z+][\w'’+-]*(?:[^\S\n]+" + _NAME_WORD + r")*)(?P<paren>\s*\((?P<alias>[^)]{2,80})\))?"
)
# "In County Durham, Drive is delivered by Rivers CIC", "CARA (...), delivered by The Hampton Trust, is ...": a
# name, then who delivers it
NAME_DELIVERED_RE = re.compile(
    r"(?:^\s*|[,;:]\s+|\.\s+)(?:(?i:the)\s+)?(?P<name>[A-Z+][\w'’+-]*(?:[^\S\n]+(?:[A-Z+&][\w'’+-]*|of|for|to)){0,5})"
    r"(?P<paren>\s*\((?P<alias>[^)]{2,80})\))?(?:\s+(?:is|was|are|were)\s+(?:\w+ly\s+)?|,\s+(?:also\s+)?|[^\S\n]+[–—-][^\S\n]+)"
    r"(?:delivered|provided|run|operated|facilitated)\s+by\b"
)
_NAME_WORDS = r"[A-Z+][\w'’+-]*(?:\s+(?:[A-Z+][\w'’+-]*|of|and|for|to|the|&|in|on|with|a|i|y|yn))*"  # may wrap
# "funds one perpetrator programme, Cyfle i Newid (Chance to Change).": the name set after its description
APPOSITIVE_NAME_RE = re.compile(
    r"\b(?:programme|intervention|service|course|project|scheme)(?P<plural>s)?,[^\S\n]+(?:the[^\S\n]+)?(?P<name>" + _NAME_WORDS + r")"
    r"(?P<paren>\s*\((?P<alias>[^)]{2,80})\))?(?=\s*[.;]|\s*$|,\s+(?:a|an|the|which|delivered|run|provided)\b)"
)
# "...commissioned in 2022/23: Change Ahead – the Hertfordshire Behaviour Change Programme. ... Drive – an
# intensive intervention": a name, a dash, and what it is (its long name, when "the" names one)
DASH_NAME_RE = re.compile(
    r"(?:^\s*|[:.;][^\S\n]+)(?P<name>[A-Z+][\w'’+-]*(?:[^\S\n]+(?:[A-Z+][\w'’+-]*|of|and|for|to|the|&|in|on|a)){0,5})[^\S\n]+[–—][^\S\n]+"
    r"(?:the[^\S\n]+(?P<alias>[A-Z][^.;,()\n]{3,80}?" + HEAD_NOUNS + r")\b|an?[^\S\n])"
)
# "Inspire to Change is a Respect-accredited behaviour change programme": a sentence that says what a name is
NAME_IS_A_RE = re.compile(
    r"^\s*(?:(?i:the)\s+)?(?P<name>" + _NAME_WORDS + r")(?P<paren>\s*\((?P<alias>[^)]{2,80})\))?\s+(?:is|was)\s+(?:a|an)\s+"
    r"(?:[\w'-]+\s+){0,6}?(?:programme|intervention|course|service|project|scheme)\b"
)
_TRAILING_SMALL_WORDS_RE = re.compile(r"(?:\s+(?:of|and|for|to|the|&|in|on|with|a))+$")
# "the Turning Point programme (TP)": a name in capitals, a lower-case head noun and the short name it is known by
NAME_THEN_ACRONYM_RE = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][\w'’+-]*(?:[^\S\n]+(?:[A-Z][\w'’+-]*|of|and|for|to|&)){0,6})"
    r"[^\S\n]+(?:programme|intervention|project|course|scheme)[^\S\n]*\((?P<alias>[A-Z][A-Z0-9+&]{1,7})\)")
ACRONYM_APPOSITIVE_RE = re.compile(r"\b(?P<acr>[A-Z][A-Z0-9+&]{1,7}),\s+the\s+(?P<long>[A-Z][^,.;()]{5,80})")
INLINE_ENUM_RE = re.compile(r"(?:^|\s)\(?(?:[a-h]|i{1,3}|iv|v)\)\s+")
SUBLABEL_RE = re.compile(r"^[^\S\n]*(?:[-•*–·▪◦]+[^\S\n]*)?(?:\(?[a-hA-H][.)][^\S\n]+|\(?(?:i{1,3}|iv|v|I{1,3}|IV|V)[.)][^\S\n]+|\(?\d{1,2}[.)][^\S\n]+)?[-•*–·▪◦]?[^\S\n]*")
NEGATED_RE = re.compile(
    r"\b(?:not|never|no\s+longer|neither|nor)\b[^.]{0,60}\b(?:commission\w*|fund\w*|run|provided|offered|available)\b|"
    r"\b(?:is|was|are|were)\s+not\b|\bdid\s+not\b|\bdoes\s+not\b",
    re.IGNORECASE,
)
PROVIDER_CUE_RE = re.compile(
    # "delivered locally by", "delivered peninsula-wide (including the Isles of Scilly via remote sessions) by"
    r"\b(?:delivered|provided|run|operated|facilitated)(?:\s+(?:[a-z]+ly|[a-z]+-wide|under\s+contract|on\s+(?:our|its|their|the\s+\w+['’]s)\s+behalf|"
    r"(?:in|across|throughout)\s+(?:[A-Z][^.;:()]{0,80}?|the\s+(?:whole\s+)?(?:county|force\s+area|area|region|city|peninsula))|\([^()]{0,80}\))){0,2}\s+by\s+|"
    r"\bdelivered\s+in\s+partnership\s+(?:between|with)\s+|\bprovider\s+(?:is|was)\s+|"
    r"\b(?:provider|providers|delivered\s+by|delivery\s+partner)[^\S\n]*:[^\S\n]*",  # "Provider: Elm Foundation."
    re.IGNORECASE,
)
_AFTER_A_COMMA_RE = re.compile(r",[^\S\n]*$")
_AFTER_PROVIDER_CUE_RE = re.compile(r"(?:" + PROVIDER_CUE_RE.pattern + r")(?:the\s+)?$", re.IGNORECASE)
# "Agency referrals came from Wiltshire Police, ... and Splitz Support Service.": a list of who referred names no programme
_IN_REFERRERS_LIST_RE = re.compile(r"\b(?:referrals?|referred)\b[^.;:]{0,40}?\b(?:from|by)\b[^.;:]*$", re.IGNORECASE)
_GENERIC = {
    "programme", "programmes", "the programme", "intervention", "interventions", "service", "services", "project",
    "course", "the service", "scheme", "both", "all", "total", "the total", "overall", "combined", "answer", "response",
    "question", "n/a", "evaluation", "note", "notes", "budget", "funding", "referrals", "name",
}
_NOT_A_NAME_START = re.compile(
    r"^(?:There|These|This|Those|It|Its|They|All|Both|We|Our|In|During|Please|Yes|No|Not|None|Each|Any|As|If|"
    r"For|From|Of|Since|Following|Under|With|Where|When|Why|How|What|Which|Who|Total|Overall|Combined|Note|Notes|"
    r"Answers?|Responses?|Questions?|Link|Evaluation|Budget|Funding|Referrals?|Self|Agency|Accepted|Completed|Name|Title|"
    r"Scope|Home Office|Office|The Office|OPCC|PCC|OPFCC|N/?A)\b"
)
_TOKEN_RE = re.compile(r"[a-z0-9+]+")
_STOP = {"the", "of", "and", "for", "to", "a", "an", "in", "on", "&", "programme", "intervention", "project", "approach"}
# Words every programme in this field shares: a match on these alone says nothing.
# The request's own topic: a name made of these words alone names no programme in particular.
_TOPIC_TOKENS = {"domestic", "abuse", "da", "dv", "violence", "perpetrator", "perpetrators", "programmes", "interventions", "dapp"}
_GENERIC_TOKENS = {"domestic", "abuse", "da", "dv", "violence", "perpetrator", "perpetrators", "behaviour", "change", "service",
                   "services", "course", "scheme", "fund", "men", "male", "males", "women", "female", "programmes", "interventions"}


@lru_cache(maxsize=65536)
def _tokens(s: str) -> frozenset[str]:
    return frozenset(t for t in _TOKEN_RE.findall(s.lower().replace("-", "")) if t not in _STOP)


_LEADING_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_SPACES_RE = re.compile(r"\s+")


def _clean_name(name: str) -> str:
    name = _SPACES_RE.sub(" ", name).strip(" \t\"“”'‘’*:-–—,.")
    name = _LEADING_ARTICLE_RE.sub("", name)
    return name


_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9+&]{1,7}s?")


def _is_acronym(s: str) -> bool:
    return bool(_ACRONYM_RE.fullmatch(s))


_WORD_RE = re.compile(r"[A-Za-z][\w'-]*")


def _initials(s: str) -> str:
    return "".join(w[0] for w in _WORD_RE.findall(s) if w.lower() not in {"and", "of", "the", "for", "to", "&"}).upper()


def _abbreviates(acronym: str, name: str) -> bool:
    """Whether the acronym's letters are the name's initials, in order (words may be skipped: "ECHO", "Engage Change Help Others Project")."""
    initials = "".join(w[0] for w in _WORD_RE.findall(name)).upper()
    letters = iter(initials)
    return all(ch in letters for ch in acronym.rstrip("s").upper() if ch.isalpha())


_AMOUNT_NAME_RE = re.compile(r"(?:GBP|EUR|USD|£|\$)\s*\d", re.IGNORECASE)


_LETTER_RE = re.compile(r"[^\W\d_]")
_COUNTER_NAME_RE = re.compile(r"(?:programme|intervention|service|project|scheme|option|section|part|table)s?\s*(?:no\.?\s*)?"
                              r"(?:\d{1,2}|[A-H]|one|two|three|four|five|six)", re.IGNORECASE)
_NAMING_VERBS = r"\s(?:commissions|commissioned|funds|funded|runs|provides|delivers|operates|offers)\s+"
_NAMING_VERB_RE = re.compile(_NAMING_VERBS + r"(?:the\s+|a\s+|an\s+)?(?=[A-Z‘'\"“])")
_VERB_INSIDE_RE = re.compile(_NAMING_VERBS + r"|\s(?:is|are|was|were|has|have)\s")


def looks_like_name(name: str) -> bool:
    """A programme name: mostly capitalised words, short, not a sentence opener or a generic word."""
    if not name or name.lower() in _GENERIC or _NOT_A_NAME_START.match(name) or lexicon.TABLE_HEADING_RE.match(name):
        return False  # "Funder", "Type": a table's heading
    if _AMOUNT_NAME_RE.match(name) or not _LETTER_RE.search(name):
        return False  # "GBP 180" of "provided GBP 180,000", "129": an amount or a figure
    if _VERB_INSIDE_RE.search(name):
        return False  # "The Commissioner commissions Restart": a clause, whose object is the name
    if _COUNTER_NAME_RE.fullmatch(name):
        return False  # "Programme 1 – Foundations": the count of the programme, its name after the dash
    words = name.split()
    if len(words) > 14 or len(name) > 120:
        return False
    if _is_acronym(name) or name.startswith("+"):
        return True
    content = [w for w in words if w.lower() not in {"of", "and", "for", "to", "the", "&", "a", "in", "on", "with"}]
    initials = [w.lstrip("(\"'“‘")[:1] for w in content]  # "Choices (Coventry)": the bracket is no letter
    capitalised = [c for c in initials if c.isupper() or c.isdigit() or c == "+"]
    return bool(content) and len(capitalised) >= max(1, 0.6 * len(content))


@dataclass
class Programme:
    name: str
    span: Span  # where it is first named
    aliases: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    description: str = ""
    canonical_name: str | None = None
    rule: str = ""

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def add_providers(self, names: list[str]) -> None:
        self.providers += [name for name in dict.fromkeys(names) if name not in self.providers]

    def matches(self, mention: str) -> bool:
        """Whether a mention names this programme: same name, acronym, or a distinctive part of a name."""
        m = _clean_name(mention)
        if not m:
            return False
        mt = _tokens(m)
        for name in self.names():
            if m.lower() == name.lower():
                return True
            if _is_acronym(m) and (m == _initials(name) or m.rstrip("s") == name):
                return True
            nt = _tokens(name)
            if mt and nt and (mt <= nt or nt <= mt) and (mt & nt) - _GENERIC_TOKENS:
                # "One-to-One" within "Intensive Domestic Abuse One-to-One Programme"; "Stalking" within "Stalking Perpetrator Intervention"
                return True
            if len(m) > 8 and fuzz.token_set_ratio(m.lower(), name.lower()) >= 92 and len((mt & nt) - _GENERIC_TOKENS) >= 1:
                return True
        return False


@dataclass(frozen=True)
class _KnownName:
    """A catalogue programme name or alias, with what _canonical compares (worked out once per catalogue)."""

    entry: str
    lowered: str
    tokens: frozenset[str]
    long: bool
    pattern: re.Pattern[str]


_KNOWN_NAMES: dict[int, tuple[tuple[CatalogueEntry, ...], list[_KnownName]]] = {}


def _known_names(entries: tuple[CatalogueEntry, ...]) -> list[_KnownName]:
    cached = _KNOWN_NAMES.get(id(entries))
    if cached is None or cached[0] is not entries:
        known = [
            _KnownName(entry.name, name.lower(), _tokens(name), len(name) > 3, re.compile(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)"))
            for entry in entries for name in (entry.name, *entry.aliases)
        ]
        cached = _KNOWN_NAMES[id(entries)] = (entries, known)
    return cached[1]


class ProgrammeRegistry:
    """The programmes of one reply, and the resolution of each mention to one of them."""

    def __init__(self, catalogue: Catalogue, orgs: OrganisationCatalogue):
        self.catalogue = catalogue
        self.orgs = orgs
        self.programmes: list[Programme] = []
        self._resolved: dict[tuple[str, int, int], Programme | None] = {}
        self._mentions: dict[tuple[Span, int, int], list[tuple[Span, Programme]]] = {}
        # "referred to as (a) and (b) in every answer": the letter each programme is listed under in the scope answer
        self.letters: dict[str, Programme] = {}
        # Places a reply names beside its programmes ("Lancashire", "the East Midlands"): never a programme's name.
        self.places = lexicon.REGIONS | frozenset(n.lower() for a in catalogue.areas for n in (a.name, *a.aliases))
        self.area: str | None = None  # the reply's own police force area, once its letter has said it

    def only(self, programme: Programme) -> ProgrammeRegistry:
        """A registry of one of this one's programmes: what a part of the reply about that programme is read with."""
        own = ProgrammeRegistry(self.catalogue, self.orgs)
        own.programmes, own.letters, own.area = [programme], {}, self.area
        return own

    def state(self) -> tuple[int, int]:
        """Changes whenever a programme or a name is added (renaming a programme keeps its old name as an alias)."""
        return len(self.programmes), sum(len(p.aliases) for p in self.programmes)

    def resolve(self, mention: str) -> Programme | None:
        key = (mention, *self.state())
        if key not in self._resolved:
            self._resolved[key] = self._resolve(mention)
        return self._resolved[key]

    def _resolve(self, mention: str) -> Programme | None:
        hits = [p for p in self.programmes if p.matches(mention)]
        if len(hits) == 1:
            return hits[0]
        exact = [p for p in hits if any(mention.strip().lower() == n.lower() for n in p.names())]
        return exact[0] if len(exact) == 1 else None

    def _is_place(self, name: str) -> bool:
        return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE).lower() in self.places

    def add(self, name: str, span: Span, alias: str | None, rule: str) -> Programme | None:
        quoted = alias is not None and alias.strip()[:1] in "\"“'‘"
        name = _clean_name(name)
        alias = _clean_name(alias) if alias else None
        if alias and (not looks_like_name(alias) or self._is_place(alias)):
            alias = None  # "Inform Plus (Hertfordshire)": where it runs, not another name
        # "Long Name (ACR)", "Long Name ("Short Name")" and "Drive Project (Drive)": the short form is what the reply
        # uses later. "Steady Steps (Hartwell Trust)" brackets who runs it, or where: the name stays.
        shorter = alias is not None and len(alias) < len(name) and (quoted or set(alias.lower().split()) <= set(name.lower().split()))
        if alias is not None and (_is_acronym(alias) or shorter) and looks_like_name(name):
            name, alias = alias, name
        if not alias and " / " in name:
            first, _, second = name.partition(" / ")  # "Cyfle i Newid / Opportunity to Change": a name in two languages
            if looks_like_name(first) and looks_like_name(second):
                name, alias = first.strip(), second.strip()
        if not looks_like_name(name) or self.orgs.known(name) or self._is_place(name):
            return None  # "the Probation Service" is an organisation, whatever its head noun
        both = _TWO_NAMES_RE.split(name)
        if len(both) == 2 and all(self.resolve(part) is not None for part in both):
            return None  # "Choices and Pathway are available across London": two programmes named together, not a third
        existing = self.resolve(name) or (self.resolve(alias) if alias else None)
        if existing and alias and _is_acronym(name) and not _is_acronym(existing.name):
            existing.aliases.append(existing.name)
            existing.name = name
        if existing:
            for extra in (name, alias):
                if extra and all(extra.lower() != n.lower() for n in existing.names()):
                    existing.aliases.append(extra)
            return existing
        programme = Programme(name=name, span=span, aliases=[alias] if alias else [], rule=rule)
        programme.canonical_name = self._canonical(programme)
        self.programmes.append(programme)
        return programme

    def _canonical(self, programme: Programme) -> str | None:
        """The catalogue type: an exact name or alias first, else the most specific known name contained in one of ours."""
        names = [n.lower() for n in programme.names()]
        name_tokens = [_tokens(n) for n in names]
        all_tokens = frozenset().union(*name_tokens)  # a subset of one name's tokens is a subset of all of them
        best: tuple[tuple[bool, int], str] | None = None
        for known in _known_names(self.catalogue.programmes):
            if known.lowered in names:
                return known.entry
            if known.long and known.tokens and known.tokens <= all_tokens and any(known.tokens <= tokens for tokens in name_tokens):
                contiguous = any(known.pattern.search(n) for n in names)
                score = (contiguous, len(known.tokens))
                if best is None or score > best[0]:
                    best = (score, known.entry)
        return best[1] if best else None

    def refresh_canonical(self) -> None:
        for programme in self.programmes:
            programme.canonical_name = self._canonical(programme)


_ITEM_START_RE = re.compile(r"^\s*(?:[-•*–·▪◦]|\(?[a-h][.)]\s|\(?(?:i{1,3}|iv|v)[.)]\s|\(?\d{1,2}[.)]\s)")



def _lines_unwrapped(block: Span) -> list[Span]:
    """Lines of a block, with lines a PDF wrapped mid-sentence joined back to the line they continue: a list item's,
    or any line long enough to have been wrapped."""
    out: list[Span] = []
    pos = 0
    for line in block.text.split("\n"):
        span = block.sub(pos, pos + len(line))
        pos += len(line) + 1
        if not span:
            out.append(span)
            continue
        previous = out[-1] if out else None
        # "  (A) The Essex Perpetrator Programme (EPP) - ... delivered by Beacon" over "      Behaviour Change Ltd ...":
        # a line indented under an item's text goes on with it
        deeper = previous is not None and _indent(line) > _indent(previous.text) and previous.text.lstrip()[:1] in "-•*–·▪◦("
        if previous and previous.text.strip() and not previous.text.rstrip().endswith((".", ":", ";", "!", "?")) \
                and not _ITEM_START_RE.match(line) and (line[:1] != " " or deeper) \
                and (previous.text.lstrip()[:1] in "-•*–·▪◦(" or len(previous.text.rstrip()) >= WRAP_WIDTH):
            out[-1] = block.sub(previous.start - block.start, span.end - block.start)
        else:
            out.append(span)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _items(block: Span) -> list[Span]:
    """A scope answer split into list items: one per line, and inline "(a) ... (b) ..." enumerations."""
    out: list[Span] = []
    for span in _lines_unwrapped(block):
        if not span:
            continue
        cuts = list(INLINE_ENUM_RE.finditer(span.text))
        colon = span.text.find(":")
        if len(cuts) < 2 and colon > 0 and _LIST_INTRO_RE.search(span.text[:colon]) and ";" in span.text[colon:]:
            # "two programmes: the Behaviour Change Programme (BCP), ..., delivered by X; and CARA (...), ...":
            # a list written as a sentence, each programme's part ending at a semicolon
            head, rest = span.sub(0, colon + 1), span.sub(colon + 1, len(span.text))
            out.append(head.strip())
            at = 0
            for part in [*rest.text.split(";")]:
                piece = rest.sub(at, at + len(part)).strip()
                at += len(part) + 1
                lead = _AND_LEAD_RE.match(piece.text)
                out.append(piece.sub(lead.end(), len(piece.text)) if lead else piece)
            continue
        if len(cuts) >= 2:
            bounds = [m.start() for m in cuts] + [len(span.text)]
            head = span.sub(0, bounds[0])
            if head:
                out.append(head.strip())
            for m, end in zip(cuts, bounds[1:]):
                out.append(span.sub(m.end(), end).strip())
        else:
            out.append(span.strip())
    return out


_AND_LEAD_RE = re.compile(r"(?:and|or)\s+", re.IGNORECASE)
LETTER_ITEM_RE = re.compile(r"[^\S\n]*\(?(?P<letter>[a-hA-H])[.)][^\S\n]+")


def _strip_sublabel(item: Span) -> Span:
    m = SUBLABEL_RE.match(item.text)
    return item.sub(m.end(), len(item.text)).strip() if m else item


# The fields of a programme written as a form: "Provider: X", "Scope: ...", "Delivered by: X". None names a programme.
_FIELD_RE = re.compile(
    r"^[^\S\n]*(?:(?P<provider>providers?|delivered\s+by|delivery\s+(?:partner|organisation)s?|run\s+by|provided\s+by)"
    r"|scope|title|description|summary|duration|length|format|eligibility|target\s+(?:group|cohort)|aims?|location|capacity|"
    r"status|contract(?:\s+(?:length|term|period))?|model|type|delivery|cost|funding|commissioned\s+(?:by|since|from))[^\S\n]*[:\-–][^\S\n]*",
    re.IGNORECASE,
)


_NAME_FIELD_RE = re.compile(r"^[^\S\n]*(?:(?:programme|intervention|project|service|course)(?:[^\S\n]+(?:name|title))?|name|title)[^\S\n]*:[^\S\n]*(?=\S)", re.IGNORECASE)


_LISTED_NAME_RE = re.compile(r"(?:the\s+)?(?P<name>[A-Z+][\w'’+-]*(?:(?:[^\S\n]+(?:of|and|for|the|to|in|on))*[^\S\n]+[A-Z+&][\w'’+-]*){0,5})[^\S\n]*(?:\((?P<paren>[^)]{2,80})\))?[.;]?")
_LIST_INTRO_RE = re.compile(r"programme|intervention|project|course|scheme|service|commission|fund|following|\b(?:two|three|four|both)\b", re.IGNORECASE)
_LIST_SEPARATOR_RE = re.compile(r"[,;]\s*(?:and\s+)?|\s+and\s+")


_HEAD_NOUN_AT_END_RE = re.compile(HEAD_NOUNS + r"\b[^,;]*$")
_NEXT_PART_RE = re.compile(r"(?:(?!\band\b)[^,;(])*")
_PART_START_RE = re.compile(r"[,;:]|\band\b")


def _inside_one_name(text: str, separator: re.Match[str]) -> bool:
    """A bare "and" between a word and a name that ends in its head noun joins one name: "Men and Masculinities
    Course" (but "Drive and the Change Hub" are two)."""
    if separator.group().strip() != "and":
        return False
    before = _PART_START_RE.split(text[: separator.start()])[-1]
    next_part = _NEXT_PART_RE.match(text, separator.end())  # the pattern may match nothing: it always matches
    after = next_part.group() if next_part else ""
    return not _HEAD_NOUN_RE.search(before) and bool(_HEAD_NOUN_AT_END_RE.search(after.rstrip(" ."))) and not after.lower().startswith("the ")


def _listed_after_colon(item: Span, registry: ProgrammeRegistry) -> list[tuple[int, Programme]]:
    """"Two programmes: CARA (Hampton Trust) and Drive (SafeLives)": names listed after an introduction, each with
    its provider in brackets or in a clause of its own ("Drive, delivered by Safer Lives, and Change Hub"). Every
    other part must be a name, or the line is prose and names nothing here."""
    colon = item.text.find(":")
    if colon < 0 or not _LIST_INTRO_RE.search(item.text[:colon]):
        return []  # "Delivery: Monday and Tuesday" lists no programmes
    rest = item.sub(colon + 1, len(item.text)).strip()
    cuts = [m for m in _LIST_SEPARATOR_RE.finditer(rest.text) if not _inside_one_name(rest.text, m)]
    bounds = [0, *(x for m in cuts for x in (m.start(), m.end())), len(rest.text)]
    parts = [rest.sub(a, b).strip() for a, b in zip(bounds[::2], bounds[1::2])]
    listed: list[tuple[Span, re.Match[str] | None]] = []  # a name and its match, or a provider clause (None)
    for part in parts:
        cue = PROVIDER_CUE_RE.match(part.text)
        if cue is not None and listed and listed[-1][1] is not None:
            listed.append((part.sub(cue.end(), len(part.text)), None))
            continue
        m = _LISTED_NAME_RE.fullmatch(part.text)
        if m is None or not looks_like_name(m.group("name")):
            return []
        listed.append((part, m))
    if sum(m is not None for _, m in listed) < 2:
        return []
    named: list[tuple[int, Programme]] = []
    for part, m in listed:
        if m is None:
            if named:
                named[-1][1].add_providers([o.name for o in split_organisations(part, registry.orgs, lenient=True)])
            continue
        span = part.sub(m.start("name"), m.end("name"))
        paren = m.group("paren")
        alias = paren if paren and _is_acronym(paren) else None
        programme = registry.add(span.text, span, alias, "programme:list_item")
        if programme is None:
            continue
        if paren and not alias:
            inside = part.sub(m.start("paren"), m.end("paren"))
            cue = PROVIDER_CUE_RE.match(inside.text)
            programme.add_providers([o.name for o in split_organisations(inside.sub(cue.end(), len(inside.text)) if cue else inside, registry.orgs, lenient=True)])
        named.append((span.start - item.start, programme))
    return named


def _programme_table(table: Table, registry: ProgrammeRegistry) -> bool:
    """"Programme | Delivered by | Scope", a row per programme: each row names one, with its providers and what it
    is. A table with no column headed as the programmes' names is not one."""
    kinds = [lexicon.column_holds(cell.text) for cell in table.rows[0]]
    if "programme" not in kinds:
        return _fields_of_one_programme(table, registry)
    for row in table.rows[1:]:
        if len(row) != len(kinds):
            continue
        cell = row[kinds.index("programme")]
        m = _item_name(cell.text)
        if m is None:
            continue
        name = cell.sub(m.start("name"), m.end("name"))
        programme = registry.add(name.text, name, m.group("alias"), "programme:table_row")
        if programme is None:
            continue
        for kind, value in zip(kinds, row):
            if kind == "provider":
                programme.add_providers([o.name for o in split_organisations(value, registry.orgs, lenient=True)])
            elif kind == "description" and not programme.description:
                programme.description = _SPACES_RE.sub(" ", value.text).strip()[:300]
    return True


def find_programmes_in_scope(scope: list[Span], context: list[Span], registry: ProgrammeRegistry) -> None:
    """Programmes named in the scope answer(s); providers and descriptions from the same items."""
    for answer in scope:
        tables = [t for t in find_tables(answer) if _programme_table(t, registry)]
        for block in outside_tables(answer, tables):
            _find_programmes_in_items(block, registry)
    _find_aliases_and_shared_providers(scope, context, registry)


def _fields_of_one_programme(table: Table, registry: ProgrammeRegistry) -> bool:
    """"| Field | Detail |" over "| Programme name | Rebuild |", "| Provider | White Rose CIC |", "| Scope | ... |": one
    programme's fields, a row each."""
    rows = [row for row in table.rows if len(row) == 2]
    kinds = [lexicon.column_holds(row[0].text.strip(" :")) for row in rows]
    if "programme" not in kinds or len(rows) < 2:
        return False
    name = rows[kinds.index("programme")][1].strip()
    m = _item_name(name.text)
    programme = registry.add(name.text[m.start("name") : m.end("name")] if m else name.text, name, m.group("alias") if m else None,
                             "programme:field_row") if name.text else None
    if programme is None:
        return False
    for kind, row in zip(kinds, rows):
        if kind == "provider":
            programme.add_providers([o.name for o in split_organisations(row[1], registry.orgs, lenient=True)])
        elif kind == "description" and not programme.description:
            programme.description = _SPACES_RE.sub(" ", row[1].text).strip()[:300]
    return True


def find_programmes_in_tables(body: Span, registry: ProgrammeRegistry) -> None:
    """Programmes no answer named, in a table of them anywhere in the letter ("Please see Table 1" under question 1):
    each row of a table with a column headed as the programmes' names."""
    for table in find_tables(body):
        _programme_table(table, registry)


def _find_programmes_in_items(block: Span, registry: ProgrammeRegistry) -> None:
    """Programmes named as the items of a scope answer, one per line or several in one."""
    last: Programme | None = None
    before = len(registry.programmes)
    for item in _items(block):
        letter = LETTER_ITEM_RE.match(item.text)
        item = _strip_sublabel(item)
        named_as = _NAME_FIELD_RE.match(item.text)
        if named_as is not None:
            item = item.sub(named_as.end(), len(item.text))  # "Programme: Caring Dads" names Caring Dads
        field = _FIELD_RE.match(item.text)
        if field is not None:
            # "Provider: Interventions Alliance" / "Scope: a 24-session course" under "Programme: X": about X
            if last is not None:
                value = item.sub(field.end(), len(item.text))
                if field.group("provider"):
                    last.add_providers([o.name for o in split_organisations(value, registry.orgs, lenient=True)])
                elif not last.description:
                    last.description = _SPACES_RE.sub(" ", value.text).strip()[:300]
            continue
        m = _item_name(item.text)
        programme = None
        if m and not NEGATED_RE.search(item.text[: m.end() + 40]):
            start = m.start("name")
            verb = _NAMING_VERB_RE.search(m.group("name"))
            if verb is not None:
                start += verb.end()  # "The Commissioner funds 'Foundations for Change', a ...": the verb's object
            name_span = item.sub(start, m.end("name"))
            if len(name_span.text.split()) <= 14:
                programme = registry.add(name_span.text, name_span, m.group("alias"), "programme:list_item")
        if programme is not None:
            describe(programme, item, registry)
            last = programme
            if letter is not None:
                registry.letters.setdefault(letter.group("letter").lower(), programme)
            continue
        named = _listed_after_colon(item, registry) or _prose_programmes(item, registry)
        if not named and last is not None and not _ALL_OF_THEM_RE.search(item.text):
            # "The programme is delivered across X by Y": the lines after an item go on about its programme
            last.add_providers([o.name for o in organisations_after(item, PROVIDER_CUE_RE, registry.orgs)])
        last = named[-1][1] if named else last
        # "the Drive Project (delivered by Safe Lives) and the Men and Masculinities Course (delivered by
        # Equation)": each programme is described by the words from its name to the next one's.
        for (start, programme), (end, _) in zip(named, [*named[1:], (len(item.text), None)]):
            describe(programme, item.sub(start, end) if len(named) > 1 else item, registry)
    if _ONE_PROGRAMME_RE.search(block.text) and len(registry.programmes) > before + 1:
        # "The Commissioner funds one programme: X, ... with a linked Partner Support Service": the answer says
        # how many it names; the names after the first are parts or services of it
        registry.programmes[before + 1 :] = []
        registry.letters = {k: p for k, p in registry.letters.items() if p in registry.programmes}


def _find_aliases_and_shared_providers(scope: list[Span], context: list[Span], registry: ProgrammeRegistry) -> None:
    """Short names the letter's introduction spells out, and providers a sentence gives every programme."""
    # The letter's own introduction may spell out a programme's short name: "... Stalking Intervention (EASI)".
    for span in context:
        for m in PROSE_NAME_RE.finditer(span.text):
            if m.group("alias"):
                programme = registry.resolve(_clean_name(m.group("alias")))
                if programme and all(_clean_name(m.group("name")).lower() != n.lower() for n in programme.names()):
                    programme.aliases.append(_clean_name(m.group("name")))
    # Scope-wide statements ("Both are delivered by X") give providers to every programme.
    for span in [*scope, *context]:
        for sentence in _SENTENCE_RE.finditer(span.text):
            if not _ALL_OF_THEM_RE.search(sentence.group()):
                continue
            sentence_span = span.sub(sentence.start(), sentence.end())
            orgs = organisations_after(sentence_span, PROVIDER_CUE_RE, registry.orgs)
            for programme in registry.programmes:
                programme.add_providers([o.name for o in orgs])


_SENTENCE_RE = re.compile(r"[^.\n]+")
_ONE_PROGRAMME_RE = re.compile(
    r"(?<![\w-])(?:one|a\s+single|only\s+one)\s+(?:[\w-]+\s+){0,2}(?:programme|intervention|course|project|scheme)\b(?!s)"
    r"(?![^.\n]{0,40}\b(?:and|plus)\s+(?:one|a|an|two)\b)", re.IGNORECASE)
_ALL_OF_THEM_RE = re.compile(r"\b(?:both|all|they|these|each|the\s+(?:two|three|four)|the\s+interventions|the\s+programmes)\b", re.IGNORECASE)


_CLAUSE_RE = re.compile(r"[^.;]+(?:[.;]|$)")
_NAME_END_RE = re.compile(r",|\s+(?:which|that|who|is|was|and\s+[a-z])\b")
_LONG_NAME_END_RE = re.compile(r"\s+(?:which|that|who|is|was)\b")


def find_programmes_in_prose(text: Span, registry: ProgrammeRegistry) -> None:
    """A letter written in sentences: programmes named in them ("funds one programme, the Safe Steps Programme,
    run by Cranstoun"), each described by the sentence that names it. No line is taken for a list item, but a
    heading that the paragraph under it opens by repeating names the programme it describes."""
    _headed_paragraphs(text, registry)
    for sentence in sentences(text):
        named = _prose_programmes(sentence, registry)
        for (start, programme), (end, _) in zip(named, [*named[1:], (len(sentence.text), None)]):
            describe(programme, sentence.sub(start, end) if len(named) > 1 else sentence, registry)


_HEADING_LINE_RE = re.compile(r"^[^\S\n]*(?P<name>[A-Z+][\w'’+&-]*(?:[^\S\n]+[\w'’+&()-]+){0,4})[^\S\n]*\n(?P<next>[^\n]{20,})", re.MULTILINE)


def _headed_paragraphs(text: Span, registry: ProgrammeRegistry) -> None:
    """"Restart" on a line of its own over "Restart is GMCA's community ... programme": the heading names a
    programme, when the paragraph under it opens with the heading's first word."""
    for m in _HEADING_LINE_RE.finditer(text.text):
        name, following = m.group("name").strip(), m.group("next")
        first = name.split()[0]
        if not following.startswith(first + " ") or name.endswith((".", ":", ",")) or not looks_like_name(name):
            continue
        span = text.sub(m.start("name"), m.start("name") + len(name))
        programme = registry.add(name, span, None, "programme:heading")
        if programme is not None:
            describe(programme, text.sub(m.start("next"), m.end("next")), registry)


# a stop with a letter or digit right after it ("£209,332.78", "www.ico.org.uk") ends no sentence
# nor does the stop of "approx. 100", "c. 40", "incl. VAT"
_SENTENCE_RE_IN_RUN = re.compile(r"(?:[^.!?]|[.!?](?=[\w/])|(?:(?<=\bapprox)|(?<=\bc)|(?<=\bca)|(?<=\bincl)|(?<=\best))\.(?=[^\S\n]+[\d£a-z]))+(?:[.!?]+|$)", re.IGNORECASE)
WRAPPED_LINE_MIN = 60  # a line this long that ends mid-sentence goes on, on the next line (a paragraph wrapped)


def sentences(text: Span) -> list[Span]:
    """The sentences of a text, each joined across the line breaks of a wrapped paragraph (as a PDF gives it);
    a short line that ends no sentence ("Drive: 40", a heading) is one of its own."""
    out: list[Span] = []
    lines = text.text.split("\n")
    pos, run_start = 0, 0
    for i, line in enumerate(lines):
        start, pos = pos, pos + len(line) + 1
        stripped = line.rstrip()
        if len(stripped) >= WRAPPED_LINE_MIN and not stripped.endswith((".", "!", "?", ":", ";")) and i + 1 < len(lines) and lines[i + 1].strip():
            continue
        run = text.sub(run_start, start + len(line))
        for m in _SENTENCE_RE_IN_RUN.finditer(run.text):
            sentence = run.sub(m.start(), m.end()).strip()
            if sentence.text:
                out.append(sentence)
        run_start = pos
    return out


_TWO_NAMES_RE = re.compile(r"\s+and\s+(?:the\s+)?(?=[A-Z])")
_HEAD_NOUN_THEN_AND_RE = re.compile(HEAD_NOUNS + r"\s+and\s")


def _prose_programmes(item: Span, registry: ProgrammeRegistry) -> list[tuple[int, Programme]]:
    """Programmes named inside sentences: after "commissioned", or as a capitalised "... Programme/Intervention";
    each with where (in the item) it is first named, in order."""
    named: dict[int, tuple[int, Programme]] = {}
    for sentence in _CLAUSE_RE.finditer(item.text):
        text = sentence.group()
        if NEGATED_RE.search(text):
            continue
        base = item.sub(sentence.start(), sentence.end())
        found: list[tuple[int, Span, str | None]] = []  # where a name starts, the name, its alias if given
        for m in COMMISSIONED_RE.finditer(text):
            name = _NAME_END_RE.split(m.group("name"))[0]
            # "the Safe Steps Programme and the Change Hub Project": two names, each ending in its head noun
            cuts = list(_TWO_NAMES_RE.finditer(name)) if _HEAD_NOUN_THEN_AND_RE.search(name) else []
            bounds = [0, *(x for c in cuts for x in (c.start(), c.end())), len(name)]
            for a, b in zip(bounds[::2], bounds[1::2]):
                found.append((m.start("name") + a, base.sub(m.start("name") + a, m.start("name") + b), None))
        for m in PROSE_NAME_RE.finditer(text):
            found.append((m.start("name"), base.sub(m.start("name"), m.end("name")), m.group("alias")))
        for m in _AND_NAME_DELIVERED_RE.finditer(text):
            found.append((m.start("name"), base.sub(m.start("name"), m.end("name")), None))
        known_as: list[tuple[int, str, tuple[int, Span, str | None]]] = []  # ", known locally as Y": cue, name, as found
        for m in NAMED_AS_RE.finditer(text):
            group = "quoted" if m.group("quoted") else "name"
            name = _TRAILING_SMALL_WORDS_RE.sub("", _NAME_END_RE.split(m.group(group))[0])
            given = (m.start(group), base.sub(m.start(group), m.start(group) + len(name)), m.group("alias"))
            if _AFTER_A_COMMA_RE.search(text, 0, m.start()):
                known_as.append((m.start(), name, given))
                continue
            found.append((m.start(group), base.sub(m.start(group), m.start(group) + len(name)), m.group("alias")))
        for pattern in (ORDINAL_NAME_RE, NAME_DELIVERED_RE, APPOSITIVE_NAME_RE, NAME_IS_A_RE, DASH_NAME_RE):
            for m in pattern.finditer(text):
                name = _TRAILING_SMALL_WORDS_RE.sub("", _NAME_END_RE.split(m.group("name"))[0])
                if "plural" in m.groupdict() and m.group("plural"):  # "two programmes, Harbour Lights and Keel"
                    cuts = [c for c in _LIST_SEPARATOR_RE.finditer(name) if not _inside_one_name(name, c)]
                    bounds = [0, *(x for c in cuts for x in (c.start(), c.end())), len(name)]
                    for a, b in zip(bounds[::2], bounds[1::2]):
                        found.append((m.start("name") + a, base.sub(m.start("name") + a, m.start("name") + b), None))
                    continue
                found.append((m.start("name"), base.sub(m.start("name"), m.start("name") + len(name)), m.group("alias")))
        for m in NAME_THEN_ACRONYM_RE.finditer(text):
            if _abbreviates(m.group("alias"), m.group("name")) and not ORG_NOUN_RE.search(m.group("name")):
                found.append((m.start("name"), base.sub(m.start("name"), m.end("name")), m.group("alias")))
        for m in ACRONYM_APPOSITIVE_RE.finditer(text):
            long = _LONG_NAME_END_RE.split(m.group("long"))[0]
            found.append((m.start("long"), base.sub(m.start("long"), m.start("long") + len(long.rstrip())), m.group("acr")))
        # "the Cambridge Behaviour Change Programme, known locally as the CBCP": the second name is the first's alias
        for cue, name, given in known_as:
            before = [i for i, (_, span, alias) in enumerate(found) if span.end - base.start <= cue and
                      not text[span.end - base.start : cue].strip(" ,")]
            if before:
                start, span, alias = found[before[-1]]
                found[before[-1]] = (start, span, alias or name)
            else:
                found.append(given)  # "Our programme, known as Safe Steps, ...": the only name
        for start, span, alias in sorted(found, key=lambda f: f[0]):
            if _AFTER_PROVIDER_CUE_RE.search(text, max(0, start - 120), start) or _IN_REFERRERS_LIST_RE.search(text, 0, start):
                continue  # "... – delivered by Splitz Support Service": the provider (or a referrer), not a programme
            if alias and _is_acronym(alias) and not _abbreviates(alias, span.text):
                alias = None
            if not alias and not _tokens(span.text) - _TOPIC_TOKENS:
                continue  # "the Domestic Abuse Perpetrator Programme" in a sentence is the request's topic, not a name
            programme = registry.add(span.text, span, alias, "programme:prose")
            if programme is not None and id(programme) not in named:
                named[id(programme)] = (span.start - item.start, programme)
    return sorted(named.values(), key=lambda n: n[0])


_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def describe(programme: Programme, item: Span, registry: ProgrammeRegistry) -> None:
    """Providers named after a cue ("delivered by X") and the first sentence, from words about the programme."""
    programme.add_providers([o.name for o in organisations_after(item, PROVIDER_CUE_RE, registry.orgs)])
    if not programme.description:
        text = _SPACES_RE.sub(" ", item.text).strip()
        first_sentence = _SENTENCE_END_RE.split(text)[0]
        programme.description = first_sentence[:300]


_LABEL_CANDIDATE_RE = re.compile(
    r"(?=[^\S\n]|t|[A-Z+])(?:^|(?<=[\n;.(:])|(?<=\band\s)|(?<=\bfor\s))[^\S\n]*(?:the\s+)?(?P<name>[A-Z+][\w'’+\-]*(?:[^\S\n]+[\w'’+\-&]+){0,7}?)"
    r"(?=\s*(?::|–|—|=|\s-\s|'s\b|$)|\s+£|\s+\d)",
    re.MULTILINE,
)


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    """Where a programme's name is written (compiled once: every answer of a reply is searched for it)."""
    return re.compile(r"(?<![\w+])" + re.escape(name).replace(r"\ ", r"\s+") + r"(?![\w])", 0 if _is_acronym(name) else re.IGNORECASE)


def mentions(text: Span, registry: ProgrammeRegistry) -> list[tuple[Span, Programme]]:
    """Every place a programme is named in a span: its names and aliases (longest first), then short forms in
    label position ("One-to-One: 4") and capitalised "... Programme" phrases that resolve to it. No overlaps.

    An answer is searched several times (to cut it, then per clause, then for its organisations): the
    registry remembers what it found in each span until a programme or a name is added."""
    key = (text, *registry.state())
    found = registry._mentions.get(key)
    if found is None:
        found = registry._mentions[key] = _mentions(text, registry)
    return list(found)


_HEAD_NOUN_END_RE = re.compile(r"^(?:the\s+)?(?P<core>.+?)\s+(?:Programme|Program|Project|Intervention|Course|Scheme|Service)$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def short_form(name: str) -> str | None:
    """A name without its head noun, as replies shorten it ("Drive" for "Drive Project"), when that still names
    something ("Change Hub"); never a generic word ("Change" for "Change Programme")."""
    m = _HEAD_NOUN_END_RE.match(name)
    if m is None or len(m.group("core")) < 3 or not (_tokens(m.group("core")) - _GENERIC_TOKENS) or not m.group("core")[:1].isupper():
        return None
    return m.group("core")


@lru_cache(maxsize=4096)
def _short_form_pattern(core: str) -> re.Pattern[str]:
    """Where a short form is written: as capitalised as the name (the "drive" in "we drive down" is no programme)."""
    return re.compile(r"(?<![\w+])" + re.escape(core).replace(r"\ ", r"\s+") + r"(?![\w])")


def _mentions(text: Span, registry: ProgrammeRegistry) -> list[tuple[Span, Programme]]:
    names = sorted({(n, p.name) for p in registry.programmes for n in p.names() if len(n) >= 2}, key=lambda t: -len(t[0]))
    written = {n.lower() for n, _ in names}
    shorts = sorted({(core, p.name) for p in registry.programmes for n in p.names() if (core := short_form(n)) and core.lower() not in written},
                    key=lambda t: -len(t[0]))
    taken: list[tuple[int, int]] = []
    out: list[tuple[Span, Programme]] = []
    by_name = {p.name: p for p in registry.programmes}

    def take(start: int, end: int, programme: Programme) -> None:
        if not any(a < end and start < b for a, b in taken):
            taken.append((start, end))
            out.append((text.sub(start, end), programme))

    for name, pname in names:
        for m in _name_pattern(name).finditer(text.text):
            take(m.start(), m.end(), by_name[pname])
    for core, pname in shorts:
        if sum(core == c for c, _ in shorts) == 1:  # a short form two programmes share names neither
            for m in _short_form_pattern(core).finditer(text.text):
                take(m.start(), m.end(), by_name[pname])
    for pattern in (_LABEL_CANDIDATE_RE, PROSE_NAME_RE):
        for m in pattern.finditer(text.text):
            candidate = m.group("name").strip()
            programme = registry.resolve(candidate) if candidate[:1].isupper() or looks_like_name(candidate) else None
            if programme is not None:
                take(m.start("name"), m.start("name") + len(candidate), programme)
    return sorted(out, key=lambda t: t[0].start)
