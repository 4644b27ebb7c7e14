"""Replies written as prose, with no answer that segmentation can tie to a question: "In 2022/23 there were 16
self-referrals, of which 12 were accepted and 7 completed. Agencies referred 88 men; 64 were accepted ...".

Each clause with a figure is read by the route and stage words it uses; a clause without a route word keeps
the route of the clause before it in the same sentence ("of which 12 were accepted"). Only used when no block
answers a question. A sentence's figures belong to the programme it names, or to the reply's only programme,
or to the one the paragraph was about; a sentence naming two is left alone (its figures cannot be placed).
"""

from __future__ import annotations

import re

from foi_pipeline.extract.facts import CountFact, Facts, OrgFact, expand_self_reference
from foi_pipeline.extract.organisations import OrganisationCatalogue, organisations_after
from foi_pipeline.extract.programmes import SENTENCE_SPAN_RE, Programme, ProgrammeRegistry, mentions
from foi_pipeline.extract.quantities import read_count
from foi_pipeline.extract.spans import Span

_CLAUSE_CUT_RE = re.compile(r";|,|\band\b|\bwhile\b|\bwhilst\b|\bbut\b")
_SELF_RE = re.compile(r"\bself[\s-]?referr", re.IGNORECASE)
_AGENCY_RE = re.compile(r"\bagenc(?:y|ies)\b|\bprofessionals?\b|\bpartner\s+organisations?\b|\breferred\s+by\s+(?:the\s+)?(?:police|partners)\b", re.IGNORECASE)
_STAGES = (
    ("completed", re.compile(r"\bcomplet(?:ed|ions?|ing)\b|\bfinished\b|\bgraduated\b", re.IGNORECASE)),
    ("accepted", re.compile(r"\baccept(?:ed|ances?)\b|\btook\s+up\b|\bstarted\b|\benrolled\b|\bassessed\s+as\s+suitable\b", re.IGNORECASE)),
    ("referred", re.compile(r"\breferr(?:ed|als?)\b|\bself[\s-]?referrals?\b", re.IGNORECASE)),
)
FUNDED_BY_RE = re.compile(r"\b(?:funded|paid\s+for|financed)\s+(?:jointly\s+|entirely\s+|solely\s+)?by\s+|\bfunding\s+(?:comes|came)\s+from\s+", re.IGNORECASE)
REFERRED_FROM_RE = re.compile(r"\breferrals?\s+(?:came|come|were\s+made|are\s+made|were\s+received)\s+(?:from|by)\s+|\breferred\s+by\s+", re.IGNORECASE)


STAGES = ("referred", "accepted", "completed")


def _stage(text: str) -> str | None:
    return next((stage for stage, pattern in _STAGES if pattern.search(text)), None)


def _route(text: str) -> str | None:
    if _SELF_RE.search(text):
        return "self"
    return "agency" if _AGENCY_RE.search(text) else None


# Words that name a route but not a stage: "agency-referred" (men), and "of the self-referrals" (some of them)
_ROUTE_WORDS_RE = re.compile(r"\b(?:self|agency)[\s-]?referred\b|\bof\s+(?:the|these|those)\s+(?:(?:self|agency)[\s-]?)?referrals\b", re.IGNORECASE)
_AND_RE = re.compile(r"\s*and\b", re.IGNORECASE)
_CONTINUES_RE = re.compile(r"^\W*(?:of\s+(?:these|those|them|whom|which)|of\s+the\s+\d|out\s+of\s+(?:these|those|them))\b", re.IGNORECASE)


def _own_stage(text: str) -> str | None:
    """The stage a clause states beyond its route words ("22 agency-referred" states none; "71 were accepted" does)."""
    return _stage(_ROUTE_WORDS_RE.sub(" ", text))


def _stage_after_and(following: list[Span]) -> str | None:
    for clause in following:
        if not _AND_RE.match(clause.text):
            return None
        if (stage := _own_stage(clause.text)) is not None:
            return stage
    return None


def read_prose(body: Span, registry: ProgrammeRegistry, orgs: OrganisationCatalogue, authority: str | None, facts: Facts) -> None:
    """Funnel figures, funders and referrers stated in sentences, each placed with its sentence's programme.

    A sentence that names no programme goes on about the one the paragraph's sentence before it named, and one
    that opens "Of these" about its route too ("Drive received 96 agency referrals. Of these, 71 were accepted")."""
    if not registry.programmes:
        return
    last: tuple[Programme, str | None, int] | None = None  # programme, route, and where the paragraph ends
    for m in SENTENCE_SPAN_RE.finditer(body.text):
        sentence = body.sub(m.start(), m.end())
        # The sentence's programme: the one it names, else the reply's only one, else the paragraph's last one.
        named = {id(p): p for _, p in mentions(sentence, registry)}
        same_paragraph = last is not None and m.start() < last[2]
        if len(named) == 1:
            programme = next(iter(named.values()))
        elif named:
            programme = None  # two programmes in one sentence: its figures cannot be placed
        elif len(registry.programmes) == 1:
            programme = registry.programmes[0]
        else:
            programme = last[0] if same_paragraph else None
        if programme is None:
            continue
        route = last[1] if same_paragraph and last[0] is programme and _CONTINUES_RE.match(sentence.text) else None
        bounds = [0, *(c.start() for c in _CLAUSE_CUT_RE.finditer(sentence.text)), len(sentence.text)]
        clauses = [sentence.sub(start, end) for start, end in zip(bounds, bounds[1:])]
        for i, clause in enumerate(clauses):
            route = _route(clause.text) or route
            # "22 agency-referred and 9 self-referred men completed": a clause's stage may be stated after the "and"
            stage = _own_stage(clause.text) or _stage_after_and(clauses[i + 1 :]) or _stage(clause.text)
            reading = read_count(clause.text)
            evidence = clause.sub(reading.start, reading.end)
            if route and stage and reading.status == "value":
                facts.counts.append(CountFact(programme, route, stage, reading, evidence, "count:prose", qualifier=reading.qualifier))
            elif route and reading.status == "not_applicable":  # "it does not take self-referrals": the whole route
                for each in STAGES:
                    facts.counts.append(CountFact(programme, route, each, reading, evidence, "count:prose"))
        for kind, cue in (("funders", FUNDED_BY_RE), ("referrers", REFERRED_FROM_RE)):
            for org in organisations_after(sentence, cue, orgs):
                getattr(facts, kind).append(OrgFact(programme, expand_self_reference(org, authority), f"{kind}:prose"))
        paragraph_end = body.text.find("\n\n", m.end())
        last = (programme, route, paragraph_end if paragraph_end >= 0 else len(body.text))
