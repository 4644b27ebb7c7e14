"""Replies written as prose, with no answer that segmentation can tie to a question: "In 2022/23 there were 16
self-referrals, of which 12 were accepted and 7 completed. Agencies referred 88 men; 64 were accepted ...".

Each clause with a figure is read by the route and stage words it uses; a clause without a route word keeps
the route of the clause before it in the same sentence ("of which 12 were accepted"). Only used when no block
answers a question. A sentence's figures belong to the programme it names, or to the reply's only programme,
or to the one the paragraph was about; a sentence naming two is left alone (its figures cannot be placed).
"""

from __future__ import annotations

import itertools
import re

from foi_pipeline import contract
from foi_pipeline.extract import lexicon
from foi_pipeline.extract.facts import FUNDING_SOURCE_RE, CountFact, Facts, OrgFact, expand_self_reference
from foi_pipeline.extract.organisations import OrganisationCatalogue, organisations_after
from foi_pipeline.extract.programmes import PROVIDER_CUE_RE, Programme, ProgrammeRegistry, mentions, sentences
from foi_pipeline.extract.quantities import CountReading, read_count
from foi_pipeline.extract.spans import Span

# "Referred: 23 Accepted: 14 Completed: *": a capitalised label and its colon start a clause too
_CLAUSE_CUT_RE = re.compile(r";|,|\band\b|\bwhile\b|\bwhilst\b|\bbut\b|(?<=\S)\s+(?=(?-i:[A-Z])[a-z]+(?:\s[a-z]+)?:\s*[\d*<])")
# "referred to CARA by Avon and Somerset Police": referred by a body named, an agency referral
_REFERRED_BY_A_NAME_RE = re.compile(r"\breferred\b[^.;]{0,40}?\bby\s+(?:the\s+)?(?-i:[A-Z])", re.IGNORECASE)
FUNDED_BY_RE = re.compile(
    r"\b(?:funded|paid\s+for|financed)\s+(?:jointly\s+|entirely\s+|solely\s+|wholly\s+)?by\s+|\bfunding\s+(?:comes|came)\s+from\s+|"
    + FUNDING_SOURCE_RE.pattern,  # "with a contribution from X", "£40k from the Home Office"
    re.IGNORECASE,
)
# "jointly funded by the Home Office, through its fund, and by the Commissioner": a further funder, in a sentence
# that has named one
AND_BY_RE = re.compile(r"\band\s+(?:also\s+)?by\s+", re.IGNORECASE)
REFERRED_FROM_RE = re.compile(
    r"\breferrals?\s+(?:to\s+[^.;]{1,60}?\s+)?(?:came|come|were\s+made|are\s+made|were\s+received)\s+(?:from|by)\s+|"
    r"\breferred\s+(?:to\s+[^.;]{1,40}?\s+)?by\s+(?=(?:the\s+)?[A-Z])|\breceived\s+(?:its|their)\s+(?:\w+\s+)?referrals\s+from\s+|"
    r"\b(?:the\s+)?(?:remainder|rest|others|remaining\s+referrals)\s+(?:were\s+(?:made\s+)?|came\s+)(?:by|from)\s+",
    re.IGNORECASE,
)


def _route(text: str) -> str | None:
    return lexicon.route_named(text) or ("agency" if _REFERRED_BY_A_NAME_RE.search(text) else None)


# "of the self-referrals" (some of them) names no stage, like the route words themselves
_OF_THE_REFERRALS_RE = re.compile(r"\bof\s+(?:the|these|those)\s+(?:(?:self|agency)[\s-]?)?referrals\b", re.IGNORECASE)
_AND_RE = re.compile(r"\s*and\b", re.IGNORECASE)
# "Of these, 71 were accepted", "twenty-one of them were accepted": the sentence goes on about the last route
_CONTINUES_RE = re.compile(
    r"^\W*(?:of\s+the\s+\d|the\s+number\s+(?:who|that|of\s+whom))|\b(?:of|out\s+of)\s+(?:these|those|them|whom|which)\b|"
    r"\b(?:its|their)\s+(?:\w+\s+)?referrals\b", re.IGNORECASE)
_ALL_PROGRAMMES_RE = re.compile(
    r"\b(?:the|all|both)\s+(?:(?:two|three|four|five)\s+)?(?:programmes|interventions|services|courses|projects)\b|"
    r"\b(?:neither|none\s+of\s+the)\s+(?:programmes?|interventions?|services?|courses?|projects?)\b", re.IGNORECASE)
_RESPECTIVELY_RE = re.compile(r"\brespectively\b", re.IGNORECASE)
_ROUTE_MENTION_RE = re.compile("|".join(lexicon.ROUTE_WORDS.values()), re.IGNORECASE)
_STAGE_MENTION_RE = re.compile("|".join(lexicon.STATED_STAGE_WORDS.values()), re.IGNORECASE)
_NUMBER = r"(?:(?!(?:19|20)\d\d\b)\d{1,4}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-[a-z]+)?|[a-z]*teen|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|nil|none)"
# "9 and 23", "64, 41 and 23": figures listed, to be paired with what "respectively" pairs them with
_NUMBER_LIST_RE = re.compile(r"(?<![\w£.,/])" + _NUMBER + r"(?:\s*,\s*" + _NUMBER + r")*\s*,?\s+and\s+" + _NUMBER + r"(?![\w£/])", re.IGNORECASE)
_LISTED_NUMBER_RE = re.compile(_NUMBER, re.IGNORECASE)


def _own_stage(text: str) -> str | None:
    """The stage a clause states beyond its route words ("22 agency-referred" states none; "71 were accepted" does)."""
    return lexicon.own_stage(_OF_THE_REFERRALS_RE.sub(" ", text), verbs=True)


_OF_THESE_RE = re.compile(r"^\W*and\s+\S+\s+of\s+(?:these|them|those|whom)\b", re.IGNORECASE)


def _stage_after_and(following: list[Span]) -> str | None:
    for clause in following:
        if not _AND_RE.match(clause.text) or _OF_THESE_RE.search(clause.text):
            return None  # "118 self-referred and 90 of these were accepted": a later stage of the same men
        if (stage := _own_stage(clause.text)) is not None:
            return stage
    return None


def read_prose(body: Span, registry: ProgrammeRegistry, orgs: OrganisationCatalogue, authority: str | None, facts: Facts,
               questions: tuple[str, ...] = ()) -> list[tuple[Span, Programme | None]]:
    """Funnel figures, providers, funders and referrers stated in sentences, each placed with its sentence's programme.

    A sentence that names no programme goes on about the one the paragraph's sentence before it named, and one
    that opens "Of these" about its route too ("Drive received 96 agency referrals. Of these, 71 were accepted").
    Returns the sentences read, each with its programme (None for one about several)."""
    read: list[tuple[Span, Programme | None]] = []
    for sentence, programme in _read_sentences(body, registry, facts, routes=("self", "agency"), questions=questions):
        read.append((sentence, programme))
        if programme is None:
            continue
        programme.add_providers([o.name for o in organisations_after(sentence, PROVIDER_CUE_RE, orgs)])
        funded = FUNDED_BY_RE.search(sentence.text) is not None
        for kind, cues in (("funders", (FUNDED_BY_RE, AND_BY_RE) if funded else ()), ("referrers", (REFERRED_FROM_RE,))):
            for cue in cues:
                for org in organisations_after(sentence, cue, orgs):
                    getattr(facts, kind).append(OrgFact(programme, expand_self_reference(org, authority, registry.places), f"{kind}:prose"))
    return read


def read_prose_counts(body: Span, registry: ProgrammeRegistry, routes: tuple[str, ...]) -> tuple[list[CountFact], bool]:
    """The figures of an answer to several count questions at once, written in sentences ("Questions 5 to 7:
    Of the 58 men referred by agencies, 40 were referred to Drive and 18 to CARA. ..."); `routes` are the routes
    those questions ask about (the one route when the clause names none). The counts read, with whether any is a
    figure (if none is, a status such as "Not applicable" is better read with its note by the answer's own reader)."""
    read = Facts()
    for _ in _read_sentences(body, registry, read, routes=routes):
        pass
    return read.counts, any(f.reading.status == "value" for f in read.counts)


def _read_sentences(body: Span, registry: ProgrammeRegistry, facts: Facts, routes: tuple[str, ...], questions: tuple[str, ...] = ()):
    """Reads each sentence's figures into facts and yields it with its programme: the one it names, else the
    reply's only one, else the one the paragraph was about (None when it names several: its clauses may each
    name one, "40 were referred to Drive and 18 to CARA")."""
    if not registry.programmes:
        return
    default_route = routes[0] if len(routes) == 1 else None
    # the last sentence's programme, route, and where its paragraph ends (before the first sentence: none, -1)
    last: tuple[Programme | None, str | None, int] = (None, None, -1)
    for sentence in sentences(body):
        if questions and _quotes_a_question(sentence.text, questions):
            continue  # the request quoted in a paragraph: "... 3. The total number of self-referred males who ... 4."
        start, end = sentence.start - body.start, sentence.end - body.start
        paragraph_end = body.text.find("\n\n", end)
        paragraph_end = paragraph_end if paragraph_end >= 0 else len(body.text)
        named = {id(p): p for _, p in mentions(sentence, registry)}
        same_paragraph = start < last[2]
        if len(named) == 1:
            programme = next(iter(named.values()))
        elif named:
            programme = None
        elif len(registry.programmes) == 1:
            programme = registry.programmes[0]
        elif _ALL_PROGRAMMES_RE.search(sentence.text):
            # "131 men were referred to the three interventions by agencies": no one programme's figure, but the
            # sentences after it may go on with its route ("Of these, 58 were referred to X"). A route that does
            # not apply ("Neither programme accepts self-referrals") does not apply to any.
            route = _route(sentence.text)
            reading = read_count(sentence.text)
            if route in routes and reading.status == "not_applicable":
                evidence = sentence.sub(reading.start, reading.end)
                facts.counts += [CountFact(p, route, each, reading, evidence, "count:prose") for p in registry.programmes for each in contract.STAGES]
            last = (None, route, paragraph_end)
            continue
        else:
            programme = last[0] if same_paragraph else None
        if programme is None and not named:
            continue
        # "Of these, 58 were referred to X, 61 to Y": the route goes on, for one programme or for each named
        route = last[1] if same_paragraph and (last[0] is programme or programme is None or last[0] is None) and _CONTINUES_RE.search(sentence.text) else None
        if programme is not None and _RESPECTIVELY_RE.search(sentence.text):
            facts.counts += [f for f in _respectively(sentence, programme) if f.route in routes]
        else:
            route = _read_clauses(sentence, programme, route or default_route, routes, registry, facts)
        yield sentence, programme
        last = (programme, route, paragraph_end)  # None: a sentence about several programmes


def _read_clauses(sentence: Span, programme: Programme | None, route: str | None, routes: tuple[str, ...],
                  registry: ProgrammeRegistry, facts: Facts) -> str | None:
    """Each clause's figure by the route and stage words it uses; returns the route the sentence ends on."""
    bounds = [0, *(c.start() for c in _CLAUSE_CUT_RE.finditer(sentence.text)), len(sentence.text)]
    clauses = [sentence.sub(start, end) for start, end in itertools.pairwise(bounds)]
    previous: tuple[Programme, str] | None = None  # the last clause's programme and stage
    for i, clause in enumerate(clauses):
        route = _route(clause.text) or route
        own = programme
        if programme is None:  # a sentence naming several programmes: each clause its own
            named = {id(p): p for _, p in mentions(clause, registry)}
            own = next(iter(named.values())) if len(named) == 1 else None
        # "22 agency-referred and 9 self-referred men completed": a clause's stage may be stated after the "and"
        stage = _own_stage(clause.text) or _stage_after_and(clauses[i + 1 :]) or lexicon.stage_named(clause.text)
        if stage is None and programme is None and own is not None and previous is not None and previous[0] is not own:
            stage = previous[1]  # "40 were referred to Drive and 18 to CARA"
        reading = read_count(clause.text)
        evidence = clause.sub(reading.start, reading.end)
        if own is None or route not in routes:
            continue
        if stage and reading.status == "not_stated" and (every := _ALL_OF_THEM_RE.match(clause.text)) is not None:
            # "Two women referred themselves. Both were accepted": as many as the stage before, in this route
            before = _value_before(facts, own, route, stage)
            if before is not None:
                count = before.reading.count
                evidence = clause.sub(every.start("all"), every.end("all"))
                reading = CountReading("value", count, count, count, "exact", 0, len(evidence.text), "count:all_of_them")
        if stage and reading.status == "value":
            facts.counts.append(CountFact(own, route, stage, reading, evidence, "count:prose", qualifier=reading.qualifier))
            previous = (own, stage)
        elif reading.status == "not_applicable":  # "it does not take self-referrals": the whole route
            for each in contract.STAGES:
                facts.counts.append(CountFact(own, route, each, reading, evidence, "count:prose"))
        elif stage and reading.status == "suppressed":
            facts.counts.append(CountFact(own, route, stage, reading, evidence, "count:prose", qualifier=reading.qualifier))
        elif stage and reading.status in {"not_held", "refused"}:
            # "we do not hold the number who ...", "... separate figures for agency referrals, acceptances or
            # completions": every stage the clause names
            listed = " ".join(c.text for c in [clause, *itertools.takewhile(lambda c: read_count(c.text).status == "not_stated", clauses[i + 1 :])])
            for each in [s for s in contract.STAGES if lexicon.names_stage(listed, s)] or [stage]:
                facts.counts.append(CountFact(own, route, each, reading, evidence, "count:prose"))
    return route


# "Both were accepted", "All of them completed", "all three were accepted": every one counted at the stage before
_ALL_OF_THEM_RE = re.compile(r"\W*(?:and\s+)?(?P<all>both(?:\s+of\s+them)?|all(?:\s+of\s+(?:them|these|those))?|all\s+(?:two|three|four|five|six|seven|eight|nine|ten))"
                             r"\s+(?:\w+\s+)?(?:were|was|have|had|went\s+on)\b", re.IGNORECASE)


def _value_before(facts: Facts, programme: Programme, route: str, stage: str) -> CountFact | None:
    index = contract.STAGES.index(stage)
    if index == 0:
        return None
    previous = contract.STAGES[index - 1]
    return next((f for f in reversed(facts.counts) if f.programme is programme and f.route == route and f.stage == previous
                 and f.reading.status == "value"), None)


_SPACES_RE = re.compile(r"\s+")


def request_wording(question_texts: list[str]) -> tuple[str, ...]:
    """The questions' words as `_quotes_a_question` compares them (long ones only: a short title says too little)."""
    return tuple(_SPACES_RE.sub(" ", q).strip().lower() for q in question_texts if len(q) >= 30)


def _quotes_a_question(text: str, questions: tuple[str, ...]) -> bool:
    lowered = _SPACES_RE.sub(" ", text).lower()
    return any(q in lowered for q in questions)


def _respectively(sentence: Span, programme: Programme) -> list[CountFact]:
    """"9 and 23 of the self-referred and agency-referred men respectively had completed": the figures listed
    pair in order with the routes (or the stages) listed, when the two lists are as long."""
    listed = _NUMBER_LIST_RE.search(sentence.text)
    if listed is None:
        return []
    numbers = []
    for m in _LISTED_NUMBER_RE.finditer(sentence.text, listed.start(), listed.end()):
        reading = read_count(m.group())
        if reading.status != "value" or reading.count is None:
            return []
        numbers.append((sentence.sub(m.start(), m.end()), reading))
    all_routes = [_route(m.group()) for m in _ROUTE_MENTION_RE.finditer(sentence.text)]
    pairs: list[tuple[str | None, str | None]] | None = None  # route and stage, for each number in turn
    # The list it pairs with usually follows the figures ("12 and 30 were self- and agency-referred
    # respectively"), else precedes them ("the self- and agency-referred numbered 12 and 30 respectively").
    for part in (sentence.text[listed.end() :], sentence.text[: listed.start()]):
        routes = [_route(m.group()) for m in _ROUTE_MENTION_RE.finditer(part)]
        stages = [lexicon.stage_named(m.group()) for m in _STAGE_MENTION_RE.finditer(lexicon.ROUTE_PHRASE_RE.sub(" ", part))]
        if len(routes) == len(numbers) and len(set(routes)) == len(routes) and (stage := _own_stage(sentence.text)):
            pairs = [(route, stage) for route in routes]
        elif len(stages) == len(numbers) and len(set(stages)) == len(stages) and len(set(all_routes)) == 1:
            pairs = [(all_routes[0], stage) for stage in stages]
        if pairs:
            break
    if not pairs:
        return []
    facts = []
    for (span, reading), (route, stage) in zip(numbers, pairs):
        if route is None or stage is None:
            continue  # a mention's own words always name one; the caller keeps only the routes asked
        reading = CountReading(reading.status, reading.count, reading.low, reading.high, reading.qualifier, 0, len(span.text), "count:respectively")
        facts.append(CountFact(programme, route, stage, reading, span, "count:prose_respectively", qualifier=reading.qualifier))
    return facts
