"""Organisation names in replies: split out of lists and sentences, normalised against the catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.metadata import AUTHORITY_RE, authority_phrase
from foi_pipeline.extract.spans import WRAP_WIDTH, Span
from foi_pipeline.specs import Catalogue

# Words that make a phrase an organisation rather than a place or a programme.
ORG_NOUN_RE = re.compile(
    r"\b(?:Office|Police|Constabulary|Council|Councils|Service|Services|Trust|Commissioner|Department|Ministry|"
    r"Partnership|Partnerships|Authority|Authorities|Board|Boards|NHS|Probation|Centre|Center|Alliance|Aid|Ltd|"
    r"Limited|CIC|Charity|Foundation|Group|Agency|Agencies|University|Cafcass|HMPPS|Home\s+Office|Care|"
    r"Commission|Court|Courts|Prison|Prisons|Hospital|School|Schools|College|Housing|Association|Network|"
    r"Society|Team|Teams|Unit|Directorate|Government|Executive|Institute|Fund|Federation|Women's|Women’s|"
    r"Refuge|Solutions|Consortium|Panel|Hub|Project|MARAC|MATAC|IDVA|partnership|organisations|agencies)\b"
)
# "Sussex PCC", "North Wales OPCC": a commissioner's office by its place and its initials
_PLACE_AND_OFFICE_INITIALS_RE = re.compile(r"^(?:[A-Z][\w&'’-]*\s+){1,3}O?P[FV]?CC$")
ACRONYM_RE = re.compile(r"^(?:[A-Z][A-Z&]{1,7}s?|[A-Z]{2,}\w*)$")
_LEAD_RE = re.compile(r"^(?:and|or|also|plus|including|both|all|only|from|by|with|via|through)\s+", re.IGNORECASE)
_TRAIL_RE = re.compile(
    r"\s+(?:only|alone|too|as\s+well|(?:also|additionally|further)\s+\w+\b.*|(?:is|are|was|were)\b.*|who\b.*|which\b.*|through\b.*|via\b.*|"
    r"(?:provides?|provided|meets?|funds?|funded|referred|refers?|made|makes?)\b.*)$",
)
_NOT_ORGS = re.compile(
    r"^(?:there|these|this|those|it|they|we|our|no|none|nil|n/?a|not|most|some|all|any|other|each|the\s+(?:partnership|provider|programme|service|agenc(?:y|ies)|organisation)s?|"
    r"the\s+names?\s+of|the\s+named|budget|venue|venues|room|rooms|staff\s+time)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class OrgMention:
    name: str  # normalised against the catalogue, else as written
    as_written: str
    span: Span


_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def _norm(s: str) -> str:
    return _NON_ALNUM_RE.sub(" ", s.lower().replace("&", " and ")).strip()


_LEADING_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)


def _strip_the(s: str) -> str:
    return _LEADING_THE_RE.sub("", s)


@lru_cache(maxsize=8192)
def _key(name: str) -> str:
    """The lookup key of an organisation name (each name is looked up twice: is it known, then its catalogue name)."""
    return _norm(_strip_the(name))


_FUND_KEY_END_RE = re.compile(r"\b(?:fund|funding|grant|grants)$")


class OrganisationCatalogue:
    """Normalises organisation names: catalogue names and aliases, case- and 'the'-insensitively."""

    def __init__(self, catalogue: Catalogue):
        self.by_key: dict[str, str] = {}
        for entry in catalogue.organisations:
            for name in (entry.name, *entry.aliases):
                self.by_key[_norm(_strip_the(name))] = entry.name
        for area in catalogue.areas:
            for force in area.forces:
                self.by_key.setdefault(_norm(_strip_the(force)), force)
        # Near-spellings are looked up among the longer keys, in catalogue order.
        self._fuzzy_keys = [key for key in self.by_key if len(key) > 6]
        # Names a list must not be split inside: "Avon and Somerset Constabulary", "Devon & Cornwall Police".
        compound = sorted({n for e in catalogue.organisations for n in (e.name, *e.aliases)} | {f for a in catalogue.areas for f in a.forces}, key=len, reverse=True)
        compound = [n for n in compound if re.search(r"\s(?:and|&)\s|,", n)]
        self.compound_re = re.compile("|".join(r"\b" + re.escape(n).replace(r"\ ", r"\s+") + r"\b" for n in compound), re.IGNORECASE) if compound else None

    def normalise(self, name: str) -> str:
        key = _key(name)
        if key in self.by_key:
            return self.by_key[key]
        if _FUND_KEY_END_RE.search(key):
            # "The Home Office Domestic Abuse Perpetrator Intervention Fund": the body that holds the fund
            words = key.split()
            for n in range(len(words) - 1, 0, -1):
                if " ".join(words[:n]) in self.by_key:
                    return self.by_key[" ".join(words[:n])]
        if len(key) > 6 and self._fuzzy_keys:
            # The first key (in catalogue order) within 94% of this one; one rapidfuzz call scores them all.
            close = process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=94, limit=None)
            # A slip inside words, never another word: "Wessex Police" is not "Essex Police"
            close = [c for c in close if _initials_of(c[0]) == _initials_of(key)]
            if close:
                return self.by_key[self._fuzzy_keys[min(index for _, _, index in close)]]
        return name

    def known(self, name: str) -> bool:
        return _key(name) in self.by_key


def _initials_of(key: str) -> str:
    return "".join(word[0] for word in key.split())


_CAPITAL_RE = re.compile(r"[A-Z]")


MAX_SECTION_HEADING_WORDS = 8


def is_letter_section(phrase: str, catalogue: OrganisationCatalogue | None = None) -> bool:
    """A heading of the letter's own sections ("Internal review and complaints", "OPCC RESPONSE"), not a body."""
    phrase = phrase.strip()
    if lexicon.SUM_ROW_RE.match(phrase):
        return True  # "Total agency referrals": the row that sums the others
    if ":" in phrase or len(phrase.split()) > MAX_SECTION_HEADING_WORDS:
        return False  # "OPCC response: Kent Police" names a body after the heading
    if lexicon.TABLE_HEADING_RE.match(phrase):
        return True  # "Total", "Notes": a table's heading or sum row
    return bool(lexicon.LETTER_SECTION_RE.search(phrase)) and not (catalogue is not None and catalogue.known(phrase))


def _aside_end(phrase: str) -> bool:
    """"VAT)" of "(incl. VAT)": the end of an aside cut at its full stop."""
    return phrase.endswith(")") and "(" not in phrase and " " not in phrase


def looks_like_org(phrase: str, catalogue: OrganisationCatalogue | None = None) -> bool:
    """An organisation has an organisation noun, is in the catalogue, or is an acronym."""
    phrase = phrase.strip()
    if not phrase or _NOT_ORGS.match(phrase) or len(phrase) > 160 or _aside_end(phrase):
        return False
    if is_letter_section(phrase, catalogue):
        return False
    if catalogue is not None and catalogue.known(phrase):
        return True
    words = phrase.split()
    if len(words) == 1 and ACRONYM_RE.match(words[0].strip("().,")):
        return True
    if _PLACE_AND_OFFICE_INITIALS_RE.match(phrase):
        return True
    return bool(ORG_NOUN_RE.search(phrase)) and bool(_CAPITAL_RE.search(phrase))


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans of office names whose commas must not split a list ("... for Devon, Cornwall and the Isles of Scilly")."""
    out = [(m.start(), m.end()) for m in _PCC_TITLE_RE.finditer(text)]
    for m in AUTHORITY_RE.finditer(text):
        if m.group("place"):
            place = authority_phrase(m).split(" for ", 1)[1]
            end = m.start("place") + len(place)
        else:
            end = m.end("office")
        out.append((m.start(), end))
    return out


_LOWERCASE_LEAD_RE = re.compile(r"^[a-z][^A-Z]*?\b(?:from|by|with|of|via|to)\s+(?=(?:the\s+)?[A-Z])")
# "MARAC partners including Avon and Somerset Constabulary": the bodies named after the introducer.
# "... including X", "Referrals to both programmes came from: X": the bodies named after the introducer.
_INTRODUCER_RE = re.compile(
    r"^[^,;]{0,60}?\b(?:including|such\s+as|namely|for\s+example|e\.g\.?)[\s:,]+(?=(?:the\s+)?[A-Z])|"
    r"^[^,;:]{0,80}?\b(?:from|by|were|are|include[sd]?|follows)[^\S\n]*:[^\S\n]*(?=(?:the\s+)?[A-Z])",
    re.IGNORECASE,
)
_LOWERCASE_ASIDE_RE = re.compile(r"\s*\((?=[a-z])[^)]*\)\s*$")
# A trailing parenthetical that names a fund or gives a figure ("(Perpetrator Fund)", "(100%)", "(£20,000)", "(2022/23)").
_FUND_NOTE_RE = re.compile(r"\s*\((?:[^)]*\b(?:Fund|fund|funding|grant)\b[^)]*|[^)]*\d[^)]*)\)\s*$")
_THE_ACRONYM_RE = re.compile(r"(?i:the)\s+[A-Z]{2,}\b\S*$")
# The commissioner's own title holds an "and" that never joins two bodies.
_PCC_TITLE_RE = re.compile(r"\bPolice(?:,?\s+Fire(?:\s+and\s+Rescue)?)?,?\s+and\s+Crime\s+(?:Commissioner|Panel)s?\b", re.IGNORECASE)
_TRAILING_CONNECTORS_RE = re.compile(r"(?:\s+(?:and|or|of|for|the|&))+\s*$")


def _clean(piece: Span) -> Span:
    """Trim list glue, trailing verbs and lowercase asides from one list item."""
    piece = piece.strip(" \t\n.,;:*\"“”")
    bullet = _BULLET_RE.match(piece.text)
    if bullet:
        piece = piece.sub(bullet.end(), len(piece.text))
    m = _LEAD_RE.match(piece.text)
    while m:
        piece = piece.sub(m.end(), len(piece.text)).strip(" \t\n.,;:")
        m = _LEAD_RE.match(piece.text)
    lead = _LOWERCASE_LEAD_RE.match(piece.text) or _INTRODUCER_RE.match(piece.text)
    if lead:
        piece = piece.sub(lead.end(), len(piece.text))
    # Drop a parenthetical that names a programme the organisation is attached to: "the Home Office (Drive)"
    # is handled by the caller; here only the name is kept.
    # Drop a lowercase parenthetical aside: "Cleveland Police (through MATAC)" -> "Cleveland Police"
    aside = _LOWERCASE_ASIDE_RE.search(piece.text)
    if aside:
        piece = piece.sub(0, aside.start())
    trail = _TRAIL_RE.search(piece.text)
    if trail and trail.start() > 0:
        piece = piece.sub(0, trail.start()).strip(" \t\n.,;:")
    # A trailing parenthetical that names a fund or a note, not part of the name.
    note = _FUND_NOTE_RE.search(piece.text)
    if note:
        piece = piece.sub(0, note.start())
    if _THE_ACRONYM_RE.match(piece.text):
        piece = piece.sub(4, len(piece.text)).strip()  # "the NHS" -> "NHS"
    trailing = _TRAILING_CONNECTORS_RE.search(piece.text)
    if trailing:
        piece = piece.sub(0, trailing.start())
    piece = piece.strip(" \t\n.,;:")
    possessive = _ORG_POSSESSIVE_RE.search(piece.text)
    if possessive is not None:
        # "Cumbria County Council's public health team", "Hull City Council’s Strength to Change team": the council
        piece = piece.sub(0, possessive.start())
    return piece


_ORG_POSSESSIVE_RE = re.compile(r"(?:(?<=Council)|(?<=Trust)|(?<=Service)|(?<=Services)|(?<=Police)|(?<=Constabulary)|(?<=Board)|"
                                r"(?<=Authority)|(?<=Office))['’]s\b")
_BRACKETED_RE = re.compile(r"\([^()\n]{1,120}\)")
_BULLET_RE = re.compile(r"^(?:[•·▪◦●○■□➢►>*\-–—]+|\(?[a-z0-9][.)]|\(?(?:i{1,3}|iv|vi{0,3})[.)])[ \t]+")
_LIST_CUT_RE = re.compile(r";|\n|\.\s+(?=[A-Z])")
# What only ends an organisation's name, never names one on its own line.
_SUFFIX_ONLY_RE = re.compile(
    r"^(?:(?:Partnership|Trust|CIC|C\.I\.C|Ltd|Limited|Foundation|Group|Alliance|Association|Charity|LLP|plc|Consortium|Network)"
    r"\b[\s.,]*)+$", re.IGNORECASE)


def split_organisations(span: Span, catalogue: OrganisationCatalogue, *, lenient: bool = False, wrapped: bool = False) -> list[OrgMention]:
    """Organisations named in a list or a sentence, in order, without duplicates."""
    text = span.text
    protected = _protected(text)
    if catalogue.compound_re is not None:
        protected += [(m.start(), m.end()) for m in catalogue.compound_re.finditer(text)]
    # "Housing providers (Sanctuary, Plus Dane, Torus)", "MARAC (North Wales, all six areas)": a bracket's commas
    protected += [(m.start(), m.end()) for m in _BRACKETED_RE.finditer(text)]

    def is_protected(pos: int) -> bool:
        return any(a <= pos < b for a, b in protected)

    # Split on semicolons and newlines first, then on commas / "and" outside protected names.
    # In a wrapped paragraph a line break is a space ("... by Safer\nWales."), not the end of a list item.
    cuts = [m for m in _LIST_CUT_RE.finditer(text)
            if not is_protected(m.start()) and not (m.group() == "\n" and (wrapped or wraps_at(text, m.start())))]
    pieces: list[Span] = []
    last = 0
    for m in [*cuts, None]:
        piece = span.sub(last, m.start() if m else len(text))
        if pieces and text[last - 1 : last] == "\n" and _SUFFIX_ONLY_RE.match(_clean(piece).text):
            # "Safe Lives\nPartnership": a line wrapped before the last word of a name, not a second name
            piece = span.sub(pieces.pop().start - span.start, piece.end - span.start)
        pieces.append(piece)
        last = m.end() if m else last

    out: list[tuple[int, OrgMention]] = []
    listed = ";" in text or (not wrapped and any(m.group() == "\n" and m.start() < len(text.rstrip()) for m in cuts))
    lowercase: list[tuple[int, Span]] = []  # "...; women's centres (Liverpool and Knowsley); self-referral.": members too
    order = 0
    for piece in pieces:
        items = [piece] if listed else _split_commas(piece, lambda pos: is_protected(pos - span.start), catalogue)
        for through in _FUNDED_THROUGH_RE.finditer(piece.text):  # "Lancashire VRN (funded through the OPCC)": both fund it
            items.append(piece.sub(through.start("org"), through.end("org")))
        for item in items:
            order += 1
            cleaned = _clean(item)
            if is_letter_section(cleaned.text, catalogue):
                continue  # "Your right to complain" after the last funder: the letter's next heading
            if looks_like_org(cleaned.text, catalogue) or ((lenient or listed) and _capitalised_name(cleaned.text)):
                _add(out, order, cleaned, catalogue)
            elif listed and ";" in text and _LOWERCASE_MEMBER_RE.fullmatch(cleaned.text):
                lowercase.append((order, cleaned))
    if len(out) >= MIN_NAMED_BESIDE_LOWERCASE:
        for place, cleaned in lowercase:
            _add(out, place, cleaned, catalogue)
    return [mention for _, mention in sorted(out, key=lambda pair: pair[0])]


MIN_NAMED_BESIDE_LOWERCASE = 2
# a short lowercase member of a list of bodies: "health visitors", "women's centres (Liverpool and Knowsley)", "self-referral"
_LOWERCASE_MEMBER_RE = re.compile(r"(?!(?:there|these|this|those|it|they|we|our|no|none|nil|not|and|or|the)\b)[a-z][a-z'’-]*"
                                  r"(?:\s+(?!(?:is|are|was|were|has|have|had|made|make|did|do|does|not|no)\b)[a-z][a-z'’-]*){0,4}(?:\s*\([^()]{1,60}\))?")


def _add(out: list[tuple[int, OrgMention]], order: int, cleaned: Span, catalogue: OrganisationCatalogue) -> None:
    name = catalogue.normalise(" ".join(cleaned.text.split()))  # a wrapped name is one line again
    if all(_norm(name) != _norm(o.name) for _, o in out):
        out.append((order, OrgMention(name=name, as_written=cleaned.text, span=cleaned)))


_FUNDED_THROUGH_RE = re.compile(r"\((?:funded|paid|grant[- ]funded|financed)\s+(?:by|through|via|from)\s+(?P<org>[^()]{3,80})\)", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.;:!?]\s*$")
_LIST_ITEM_START_RE = re.compile(r"\s*(?:[•·▪◦●○■□➢►>*\-–—]|\(?[a-z0-9]{1,3}[.)]\s)")


def wraps_at(text: str, newline: int) -> bool:
    """A line break inside a sentence: the line is as long as wrapped lines are, ends no sentence and the next
    line starts no list item ("... BCP Council Children's Services, Dorset\nCouncil Children's Services"), or it breaks inside brackets."""
    line = text[text.rfind("\n", 0, newline) + 1 : newline]
    following = text[newline + 1 : newline + 80]
    if line.count("(") > line.count(")") and ")" in following.split("\n", 1)[0]:
        return True  # "Children's Social Care (Cheshire East" / "Council, ...)": a bracket the line break is inside
    return (len(line) >= WRAP_WIDTH and not _SENTENCE_END_RE.search(line) and ("," in line or ";" in line)
            and not _LIST_ITEM_START_RE.match(following) and not following.startswith("\n"))


_CAPITALISED_START_RE = re.compile(r"(?:the\s+)?[A-Z+]")


def _capitalised_name(text: str) -> bool:
    return bool(_CAPITALISED_START_RE.match(text)) and not _NOT_ORGS.match(text) and len(text.split()) <= 10 and not _aside_end(text)


_COMMA_OR_AND_RE = re.compile(r",(?!\d)\s*(?:and\s+|or\s+)?(?:by\s+)?|\s+and\s+(?:by\s+)?(?=(?:the\s+)?[A-Z])")


def _split_commas(piece: Span, is_protected, catalogue: OrganisationCatalogue) -> list[Span]:
    """Split "A, B and C" where each part is an organisation; rejoin parts that are places ("for Leicester, Rutland")."""
    text = piece.text
    seps = [
        m
        for m in _COMMA_OR_AND_RE.finditer(text)
        if not is_protected(piece.start + m.start())
    ]
    parts: list[Span] = []
    last = 0
    for m in seps:
        parts.append(piece.sub(last, m.start()))
        last = m.end()
    parts.append(piece.sub(last, len(text)))
    # "Cafcass, Cambridgeshire and Peterborough NHS Foundation Trust", "Tees, Esk and Wear Valleys NHS Foundation
    # Trust": places before an "and" and the body they name together; the places open the next name, not the last.
    fragments = [_fragment(_clean(part).text, catalogue) for part in parts]
    joins_next = [False] * len(parts)
    for i in range(len(parts) - 2, -1, -1):
        joins_next[i] = fragments[i] and (joins_next[i + 1] or (
            seps[i].group().strip(" ,") in {"and", "&"} and bool(ORG_NOUN_RE.search(parts[i + 1].text))))
    merged: list[Span] = []
    for i, (part, sep) in enumerate(zip(parts, [None, *seps])):
        if merged and i and joins_next[i - 1]:
            prev = merged[-1]
            merged[-1] = Span(prev.start, part.end, piece.text[prev.start - piece.start : part.end - piece.start])
            continue
        if joins_next[i]:
            merged.append(part)
            continue
        if merged and (fragments[i] or _fragment(_clean(merged[-1]).text, catalogue)
                       or (sep is not None and "," not in sep.group() and _one_department(merged[-1].text, part.text))
                       or (sep is not None and sep.group().strip() in {"and", "&"} and _one_name(merged[-1].text, part.text, catalogue))):
            prev = merged[-1]
            merged[-1] = Span(prev.start, part.end, piece.text[prev.start - piece.start : part.end - piece.start])
        else:
            merged.append(part)
    return merged


_WORD_RE = re.compile(r"[\w'’]+")


def _one_department(left: str, right: str) -> bool:
    """"Kent County Council Children" and "Families Service": one department's name, not two bodies."""
    left_words = _WORD_RE.findall(left)
    right_words = [w for w in _WORD_RE.findall(right) if w.lower() != "the"]
    departments = lexicon.DEPARTMENT_WORDS
    return (bool(left_words) and left_words[-1].lower().replace("’", "'") in departments and bool(right_words)
            and all(w.lower().replace("’", "'") in departments for w in right_words))


_ORG_NOUN_AT_END_RE = re.compile(ORG_NOUN_RE.pattern + r"\W*$")


def _one_name(left: str, right: str, catalogue: OrganisationCatalogue) -> bool:
    """"Leeway Domestic Violence" and "Abuse Services": words that name no body of their own before an "and", then
    one word and the head noun they share ("Drug and Alcohol Services"). One organisation; "Change Collective and
    Safe Homes Ltd" are two."""
    words = _WORD_RE.findall(left)
    return (len(words) >= 2 and words[-1][:1].isupper() and not ORG_NOUN_RE.search(left) and not catalogue.known(left)
            and bool(_ORG_NOUN_AT_END_RE.search(right)) and right.strip()[:1].isupper() and len(_WORD_RE.findall(right)) == 2)


_NEGATIVE_START_RE = re.compile(r"\s*(?:no|there|none)\b", re.IGNORECASE)


def _fragment(text: str, catalogue: OrganisationCatalogue) -> bool:
    """A piece that cannot stand alone as an organisation: a place, or one plain word ("Leicestershire", "Rutland")."""
    if not text or catalogue.known(text) or ORG_NOUN_RE.search(text):
        return False
    if _NEGATIVE_START_RE.match(text):
        return False
    return len(text.split()) == 1 and not ACRONYM_RE.match(text)


_COLON_LIST_END_RE = re.compile(r"\.(?:\s|$)|\n|$")
_RUN_SEPARATOR_RE = re.compile(r",?\s+and\s+|,\s*|;\s*")


def organisations_after(span: Span, pattern: re.Pattern[str], catalogue: OrganisationCatalogue) -> list[OrgMention]:
    """Organisations named right after a cue such as "delivered by" or "referrals made by"."""
    out: list[OrgMention] = []
    for m in pattern.finditer(span.text):
        rest = span.sub(m.end(), len(span.text))
        # The named organisations run until a lowercase word that is not part of a name, or the sentence ends,
        # or the name of what the next cue describes: "delivered by the Hampton Trust, and Drive, delivered by ...".
        end = _name_run_end(rest.text)
        if m.group().rstrip(" \t").endswith(":"):
            # "received referrals from: A; B; and GP practices.": a colon opens a list that runs to the line's end
            list_end = _COLON_LIST_END_RE.search(rest.text)  # it always matches: "$" is one of its ends
            end = max(end, list_end.start() if list_end else len(rest.text))
        following = pattern.search(rest.text)
        if following is not None and not rest.text[end : following.start()].strip(" ,"):
            seps = list(_RUN_SEPARATOR_RE.finditer(rest.text, 0, following.start()))
            end = seps[-2].start() if len(seps) >= 2 else end
        line_start = span.text.rfind("\n", 0, m.start()) + 1
        wrapped = m.end() - line_start + len(rest.text.split("\n", 1)[0]) >= WRAP_WIDTH  # the cue's line is a wrapped one
        for org in split_organisations(rest.sub(0, end), catalogue, lenient=True, wrapped=wrapped):
            if all(org.name != o.name for o in out):
                out.append(org)
    return out


_CONNECTORS = {"of", "and", "for", "the", "&", "upon"}


_NAME_TOKEN_RE = re.compile(r"[^\s,;()]+|\([^)]*\)|[,;)]")
_ABBREVIATION_RE = re.compile(r"(?:Ltd|Co|St|Inc)\.$")


def _name_run_end(text: str) -> int:
    """Where a run of capitalised names (with list commas and connectors) ends."""
    pos = 0
    previous = ""
    for m in _NAME_TOKEN_RE.finditer(text):
        token = m.group()
        if token == ")":
            return m.start()  # "(delivered by Safe Lives) and the ...": the bracket the cue stood in closes
        if token == ";" or token.endswith(":") or (token.endswith(".") and not _ABBREVIATION_RE.match(token)):
            return m.end() if token != ";" else m.start()
        if token == "," or token.startswith("("):
            pos = m.end()
            continue
        word = token.strip("'’\"")
        if word[:1].isupper() or word[:1].isdigit() or word.lower() in _CONNECTORS or word.startswith("+"):
            pos = m.end()
            previous = word.lower()
            continue
        if word.lower() == "by" and previous == "and":
            pos = m.end()  # "funded by the Home Office and by the OPCC"
            previous = "by"
            continue
        if word.lower() in {"partnership", "partners"} and pos == 0:
            pos = m.end()
            continue
        break
    return pos
