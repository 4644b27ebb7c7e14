"""One reply, end to end: segment, align, find programmes, read facts, and lay them out as contract rows."""

from __future__ import annotations

import re
from decimal import Decimal

from foi_pipeline import contract
from foi_pipeline.extract import lexicon
from foi_pipeline.extract.accounting import (
    UNANSWERED_FIELD,
    UNREAD_FIELD,
    Mark,
    Marks,
    Region,
    answered_unread,
    budget_doubts,
    metadata_doubts,
    missing_programmes,
    organisation_doubts,
    programme_doubts,
    status_doubts,
    unanswered,
    unread_figures,
    unread_names,
)
from foi_pipeline.extract.align import align, disagreement
from foi_pipeline.extract.facts import (
    CAPTION_LINES,
    CountFact,
    Facts,
    MoneyFact,
    captioned,
    one_header_row,
    read_count_block,
    read_funders_of_budget,
    read_money_block,
    read_money_of_sentences,
    read_org_block,
    read_programme_tables,
    read_stage_tables,
)
from foi_pipeline.extract.metadata import read_metadata
from foi_pipeline.extract.organisations import OrganisationCatalogue, looks_like_org
from foi_pipeline.extract.programme_lists import programme_list_sections
from foi_pipeline.extract.programmes import (
    Programme,
    ProgrammeRegistry,
    describe,
    find_programmes_in_prose,
    find_programmes_in_scope,
    find_programmes_in_tables,
    looks_like_name,
)
from foi_pipeline.extract.prose import read_prose, read_prose_counts, request_wording
from foi_pipeline.extract.quantities import CountReading, may_state_status, read_count, reading_once, suppression_bound
from foi_pipeline.extract.sections import Section, caption_name, heading_name, split_sections, table_sections
from foi_pipeline.extract.segment import ANSWER_PREFIX_RE, Block, find_question_table, find_question_tables, segment
from foi_pipeline.extract.spans import EMPTY, Span, evidence
from foi_pipeline.extract.spans import lines as text_lines
from foi_pipeline.extract.tables import BULLET_MARK, find_tables
from foi_pipeline.specs import Catalogue, Question, RequestSpec

ROUTES_STAGES = [(r, s) for r in contract.ROUTES for s in contract.STAGES]


_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def _slug(name: str) -> str:
    return _NON_ALNUM_RE.sub("-", name.lower()).strip("-")[:40] or "programme"


def _programme_ids(doc_id: str, programmes: list[Programme]) -> dict[int, str]:
    ids: dict[int, str] = {}
    used: set[str] = set()
    for programme in programmes:
        base = f"{doc_id}-{_slug(programme.name)}"
        pid, n = base, 2
        while pid in used:
            pid, n = f"{base}-{n}", n + 1
        used.add(pid)
        ids[id(programme)] = pid
    return ids


def _answer_status(block: Block | None, question: Question, facts: Facts, document_status: str | None = None) -> str:
    if block is None or not block.body:
        # "We hold no information for any of questions 1 to 10" answers every question at once.
        return document_status if document_status in {"not_held", "refused"} else "not_stated"
    if question.route:
        route, stage = question.route, question.stage
        stated = [f.reading.status for f in facts.counts if f.route == route and f.stage == stage]
        if "value" in stated or "suppressed" in stated:
            return "value"
        if stated:
            return stated[0]
    if not (question.route or len(block.body.text) < 400) or not may_state_status(block.body.text[:400]):
        return "value"  # (read_count could only say value, suppressed or not_stated)
    reading = read_count(block.body.text[:400])
    if reading.status in {"refused", "not_held", "not_applicable"}:
        return reading.status
    return "value"


_ANSWER_LABEL_RE = re.compile(r"(?m)^[^\S\n]*(?:[-•*–]\s*)?(?P<name>[A-Z+](?:[^\n:;–—]|(?<=\d):(?=\d)){1,60}?)\s*(?::(?!\d)|–|—)\s*(?=[£\d]|fewer|less|under|n/a|not|nil|none|zero)", re.IGNORECASE)
_QUESTION_HEADING_RE = re.compile(r"question|programme|intervention|service", re.I)
_PROGRAMME_HEADING_RE = re.compile(r"programme|intervention|service|project", re.I)
_NOT_A_PROGRAMME_RE = re.compile(r"\b(?:total|answer|response|question|budget|cost|figure)\b", re.I)
_LIST_ITEM_RE = re.compile(r"^[^\S\n]*" + BULLET_MARK + r"[^\S\n]*(?P<item>\S.*)$", re.MULTILINE)


_POINTER_SENTENCE_LEN = 200  # an answer that only points elsewhere says so in its first sentence, and briefly


def points_to_a_table(body: Span) -> bool:
    """Whether an answer only sends the reader to a table elsewhere ("Please see the final column of Table 1."):
    its first sentence points to one and gives no amount of its own, and no table follows in the answer."""
    first = re.split(r"(?<=[.!?])\s", body.text.strip(), maxsplit=1)[0][:_POINTER_SENTENCE_LEN]
    return lexicon.POINTER_RE.search(first) is not None and not re.search(r"£\s*\d", first) and not find_tables(body)


def _describe_from_list_items(preamble: Span, registry: ProgrammeRegistry) -> None:
    """Programmes first named in the figures' tables, described in the letter's own list above them ("• Drive – a
    one-to-one intervention ..., delivered by Safer Lives"): each item that opens with a programme's name."""
    for m in _LIST_ITEM_RE.finditer(preamble.text):
        item = preamble.sub(m.start("item"), m.end("item"))
        for programme in registry.programmes:
            if not programme.providers and any(item.text.lower().startswith(n.lower()) for n in programme.names()):
                describe(programme, item, registry)


_YEAR_BUDGET_TOTAL_RE = re.compile(r"\d{4}|budget|total", re.I)


_ALL_RE = re.compile(r"^\W*(?P<all>all)(?:\s+of\s+them|\s+(?:of\s+those\s+)?(?:were|was|have\s+been)\s+\w+|\s+\w+ed)?\W*$", re.IGNORECASE)
_STAGE_BEFORE = {"accepted": "referred", "completed": "accepted"}


def _all_of_the_stage_before(spec: RequestSpec, answers: list[dict], text: str, chosen: dict, programme: int, route: str, stage: str) -> CountFact | None:
    """"Referred males accepted: All": as many as the stage before, when the reply gives that figure."""
    before = chosen.get((programme, route, _STAGE_BEFORE.get(stage, "")))
    question = next((q for q in spec.questions if q.route == route and q.stage == stage), None)
    row = next((a for a in answers if question is not None and a["question_key"] == question.key), None)
    if before is None or before.reading.status != "value" or row is None or not row["answer_text"]:
        return None
    m = _ALL_RE.match(row["answer_text"])
    if m is None:
        return None
    start = row["char_start"] + m.start("all")
    count = before.reading.count
    reading = CountReading("value", count, count, count, "exact", 0, 3, "count:all_of_previous_stage")
    return CountFact(before.programme, route, stage, reading, Span.of(text, start, start + 3), reading.rule,
                     note=f"'all': as many as {route} {_STAGE_BEFORE[stage]}", qualifier="exact")


def _route_not_applicable(chosen: dict, programme: int, route: str, stage: str) -> CountFact | None:
    """A route that does not apply to a programme ("Y does not accept agency referrals") does not apply at its later
    stages either, where the reply says nothing else of them: no one is accepted by a route no one is referred by."""
    before = chosen.get((programme, route, _STAGE_BEFORE.get(stage, "")))
    if before is None or before.reading.status != "not_applicable":
        return None
    return CountFact(before.programme, route, stage, before.reading, before.span, "count:route_not_applicable",
                     note=f"{route} {_STAGE_BEFORE[stage]} does not apply")


_AS_REFERENCED_RE = re.compile(
    r"^\W*(?P<ref>(?:as|same\s+as|see)\s+(?:per\s+)?(?:(?:the\s+|my\s+|our\s+)?(?:answer|response)s?\s+(?:to|for|at|in)\s+)?"
    r"(?:above|q(?:uestion)?\.?\s*(?P<n>\d{1,2})|(?:the\s+)?previous(?:\s+(?:answer|question|response))?))\W*$",
    re.IGNORECASE,
)


def _as_referenced(spec: RequestSpec, blocks: list[Block], chosen: dict, programme: int, route: str, stage: str) -> CountFact | None:
    """"3. As above", "See answer to question 2": the reading of the answer it points to ("N/A" down a route)."""
    question = next((q for q in spec.questions if q.route == route and q.stage == stage), None)
    at = next((i for i, b in enumerate(blocks) if question is not None and question in b.questions), None)
    m = _AS_REFERENCED_RE.match(blocks[at].body.text) if at is not None else None
    if m is None or at is None:
        return None
    if m.group("n"):
        target = next((q for q in spec.questions if q.number == int(m.group("n"))), None)
    else:
        target = next((b.questions[0] for b in reversed(blocks[:at]) if b.questions), None)
    if target is None or not target.route:
        return None
    referenced = chosen.get((programme, target.route, target.stage))
    if referenced is None:
        return None
    span = blocks[at].body.sub(m.start("ref"), m.end("ref"))
    return CountFact(referenced.programme, route, stage, referenced.reading, span, "count:as_referenced",
                     note=f"'{span.text}': as question {target.number or target.key}", qualifier=referenced.qualifier)


def _whole_answer_statuses(spec: RequestSpec, answers: list[dict], facts: Facts, blocks: list[Block]) -> dict[tuple[str, str], CountFact]:
    """Count questions whose whole answer says not applicable, not held or refused while no programme has a
    reading of its own: that status stands for every programme, with the phrase that says it as evidence."""
    out: dict[tuple[str, str], CountFact] = {}
    read = {(f.route, f.stage) for f in facts.counts if f.programme is not None}
    by_key = {a["question_key"]: a for a in answers}
    for question in spec.questions:
        row = by_key.get(question.key)
        if not question.route or (question.route, question.stage) in read or row is None:
            continue
        if row["status"] not in {"not_applicable", "not_held", "refused"} or row["char_end"] <= row["char_start"]:
            continue
        body = next((b.body for b in blocks if b.body.start == row["char_start"] and b.body.end == row["char_end"]), None)
        if body is None:
            continue
        reading = read_count(body.text[:400])
        if reading.status == row["status"]:
            route, stage = question.count_slot()
            out[(route, stage)] = CountFact(None, route, stage, reading, body.sub(reading.start, reading.end), "count:whole_answer")
    return out


_BRACKETED_SHORT_NAME_RE = re.compile(r"\s*\(([^()]{2,40})\)\s*$")


_ROLE_ASIDE_RE = re.compile(r"\s*\((?:[A-Z][\w-]*\s+)?(?=[a-z])[^()]*\)\s*$")


def _section_registries(sections: list[Section], catalogue: Catalogue, orgs: OrganisationCatalogue) -> list[ProgrammeRegistry]:
    """One registry per section: the programme its heading names, and those its own scope answer names or
    describes. [] (read the reply as a whole) unless every section names one."""
    registries = []
    for section in sections:
        own = ProgrammeRegistry(catalogue, orgs)
        headed = None
        if section.heading is not None:
            name = heading_name(section.heading)
            short = _BRACKETED_SHORT_NAME_RE.search(name.text)  # "Building Safer Families (BSF)"
            if short:
                headed = own.add(name.text[: short.start()], name.sub(0, short.start()), short.group(1), "programme:section_heading")
            else:
                headed = own.add(name.text, name, None, "programme:section_heading")
        scope = [b.body for b in section.blocks if b.questions and b.questions[0].table == "programmes" and b.body]
        named = ProgrammeRegistry(catalogue, orgs)
        find_programmes_in_scope(scope, [], named)
        if headed is not None and len(named.programmes) == 1:
            _same_programme(headed, named.programmes[0])  # "CARA" over the column, "Cautioning and Relationship Abuse" in it
        else:
            find_programmes_in_scope(scope, [], own)
        if len(own.programmes) == 1 and not own.programmes[0].description:
            for body in scope:  # "a one-to-one intervention, provided by Hestia": the section's programme
                describe(own.programmes[0], body, own)
        if not own.programmes:
            return []
        if section.provider is not None and len(own.programmes) == 1 and looks_like_name(section.provider.text):
            # "| Inspire to Change | Cranstoun | 27 |"; "Splitz Support Service (Drive licensee)": the body, not its role
            own.programmes[0].add_providers([_ROLE_ASIDE_RE.sub("", section.provider.text).strip()])
        own.refresh_canonical()
        registries.append(own)
    return registries


_POINTS_ABOVE_RE = re.compile(r"\b(?:see|as|listed|set\s+out|described|given|named)\b[^.\n]{0,30}?\babove\b", re.IGNORECASE)
_YEAR_OR_REFERENCE_RE = re.compile(r"\d{2,}")


def _providers_of_programme_columns(body: Span, registry: ProgrammeRegistry) -> None:
    """"| Measure | Safer Futures | Drive |" over "| Provider | Somerset Change Partnership | Splitz Support Service
    (Drive licensee) |": a row that says who delivers each programme, a column per programme."""
    for table in find_tables(body):
        columns = [registry.resolve(c.text) for c in table.rows[0]]
        if sum(p is not None for p in columns[1:]) < 2:
            continue
        for row in table.rows[1:]:
            if lexicon.column_holds(row[0].text.strip()) != "provider":
                continue
            for cell, programme in zip(row[1:], columns[1:]):
                if programme is not None and not programme.providers and cell.text.strip():
                    name = _TRAILING_BRACKET_RE.match(cell.text)
                    provider = name.group("name") if name is not None and not looks_like_org(name.group("inner"), registry.orgs) else cell.text
                    if looks_like_org(provider, registry.orgs) or looks_like_name(provider):
                        programme.add_providers([registry.orgs.normalise(provider.strip())])


def _list_above(preamble: Span) -> Span:
    """What "see above" points to: the lines after the letter's last line that introduces a list ("... commissioned two
    programmes:"), else its last paragraph."""
    text = preamble.text.rstrip()
    intro = max((m.end() for m in _INTRODUCING_LINE_RE.finditer(text)), default=-1)
    start = intro if intro >= 0 else text.rfind("\n\n") + 1
    return preamble.sub(start, len(text))


_INTRODUCING_LINE_RE = re.compile(r":[^\S\n]*\n")


def _describe_from_shared_scope(scope: list[Span], preamble: Span, registry: ProgrammeRegistry) -> None:
    """A scope answer before the programmes' own sections ("Question 1" describing each, then a table per
    programme): its descriptions and providers are theirs; it adds no programme of its own."""
    if not scope:
        return
    found = ProgrammeRegistry(registry.catalogue, registry.orgs)
    find_programmes_in_scope(scope, [preamble], found)
    for programme in found.programmes:
        own = registry.resolve(programme.name)
        if own is not None:
            own.add_providers(programme.providers)
            own.description = own.description or programme.description


def _names_a_programme(cell: Span) -> bool:
    """A column heading that names a programme, not a year, a reference or "Response"."""
    name = heading_name(cell).text
    return looks_like_name(name) and not _YEAR_OR_REFERENCE_RE.search(name) and not ANSWER_PREFIX_RE.fullmatch(name + ":") \
        and not lexicon.TABLE_HEADING_RE.match(name)  # "| Question | Number |": the column of figures


def _table_of_programmes(table, blocks: list[Block]) -> bool:
    """A question table whose columns are programmes: each heading names one, or (a row per programme, read as its
    transpose) it stands apart from every answer: a data sheet beside the answers, not a table inside one of them,
    which that answer reads with its own words."""
    if table.by_row:
        return not any(b.body and b.body.start <= table.start < b.body.end for b in blocks)
    return all(_names_a_programme(c) for c in table.columns)


def _same_programme(programme: Programme, other: Programme) -> None:
    """Two names a section gives its one programme: the other's names become aliases, and what it says is kept."""
    for name in other.names():
        if all(name.lower() != n.lower() for n in programme.names()):
            programme.aliases.append(name)
    programme.add_providers(other.providers)
    programme.description = programme.description or other.description


def _extra_programmes(blocks: list[Block], registry: ProgrammeRegistry) -> None:
    """Programmes first named where figures or money are given per programme (table headings, "Name: figure")."""
    for block in blocks:
        question = block.questions[0] if block.questions else None
        if question is None or question.table not in {"funnel_counts", "budgets"}:
            continue
        for table in find_tables(block.body):
            header = table.rows[0]
            named_columns = [c for c in header[1:] if looks_like_name(c.text) and not _YEAR_BUDGET_TOTAL_RE.search(c.text)]
            if len(named_columns) >= 1 and _QUESTION_HEADING_RE.search(header[0].text):
                for cell in named_columns:
                    registry.add(cell.text, cell, None, "programme:table_heading")
            elif _PROGRAMME_HEADING_RE.search(header[0].text) or _stage_columns_under_a_blank(header):
                for row in table.rows[1:]:
                    if looks_like_name(row[0].text) and not _TOTAL_RE.match(row[0].text):
                        registry.add(row[0].text, row[0], None, "programme:table_row")
        for m in _ANSWER_LABEL_RE.finditer(block.body.text):
            name = m.group("name")
            if looks_like_name(name) and not _NOT_A_PROGRAMME_RE.search(name):
                span = block.body.sub(m.start("name"), m.end("name"))
                registry.add(name, span, None, "programme:answer_label")


def _more_rows_of_programme_tables(blocks: list[Block], registry: ProgrammeRegistry) -> None:
    """"| Programme | Q2 | ... |" over a row for a programme the scope answer named and a row for one it named only
    in passing ("Bedfordshire CARA (The Hampton Trust) | N/A | 64"): every named row of a table of programmes'
    figures is a programme."""
    for block in blocks:
        question = block.questions[0] if block.questions else None
        if question is None or question.table != "funnel_counts":
            continue
        for table in find_tables(block.body):
            if not _PROGRAMME_HEADING_RE.search(table.rows[0][0].text) or len(table.rows[0]) < 3:
                continue
            rows = [row for row in table.rows[1:] if not _TOTAL_RE.match(row[0].text)]
            known = [row for row in rows if registry.resolve(row[0].text) is not None]
            if not known:
                continue
            for row in rows:
                bracket = _TRAILING_BRACKET_RE.match(row[0].text)
                if row in known:
                    if bracket is not None and looks_like_org(bracket.group("inner"), registry.orgs) and \
                            (programme := registry.resolve(row[0].text)) is not None and not programme.providers:
                        programme.add_providers([registry.orgs.normalise(bracket.group("inner"))])
                    continue
                if not looks_like_name(row[0].text) or not any(c.text.strip() for c in row[1:]):
                    continue
                if bracket is None:
                    registry.add(row[0].text, row[0], None, "programme:table_row")
                    continue
                inner = bracket.group("inner")
                provider = looks_like_org(inner, registry.orgs)  # "Bedfordshire CARA (The Hampton Trust)": who runs it
                programme = registry.add(bracket.group("name"), row[0].sub(0, bracket.end("name")), None if provider else inner, "programme:table_row")
                if programme is not None and provider:
                    programme.add_providers([registry.orgs.normalise(inner)])


_TRAILING_BRACKET_RE = re.compile(r"(?P<name>.+?)\s*\((?P<inner>[^()]+)\)\s*$")


# "5. Make the Change: 164. Project Anchor: 58.": a name labelling the figure after it, at a sentence's start
_SENTENCE_LABEL_RE = re.compile(r"(?:^|(?<=[.;])[^\S\n]+)(?P<name>[A-Z][\w'’+&-]*(?:[^\S\n]+[\w'’+&-]+){0,5}?)[^\S\n]*:[^\S\n]*(?=£?\d)", re.MULTILINE)
MIN_LABELLED_ANSWERS = 2


def _programmes_labelling_answers(blocks: list[Block], registry: ProgrammeRegistry) -> None:
    """A programme the scope answer names only in passing ("... Project Anchor – an intensive intervention ...")
    that labels the figures of two or more answers beside the programmes read ("Make the Change: 164. Project
    Anchor: 58."): each such label, when the scope answer writes it too."""
    scope = " ".join(b.body.text for b in blocks if b.questions and b.questions[0].table == "programmes" and b.body)
    seen: dict[str, list[tuple[int, Span]]] = {}
    for index, block in enumerate(blocks):
        question = block.questions[0] if block.questions else None
        if question is None or question.table not in {"funnel_counts", "budgets"} or not block.body:
            continue
        for m in _SENTENCE_LABEL_RE.finditer(block.body.text):
            name = m.group("name")
            if registry.resolve(name) is None and looks_like_name(name) and not _NOT_A_PROGRAMME_RE.search(name):
                seen.setdefault(name.lower(), []).append((index, block.body.sub(m.start("name"), m.end("name"))))
    for labels in seen.values():
        span = labels[0][1]
        if len({index for index, _ in labels}) >= MIN_LABELLED_ANSWERS and re.search(rf"\b{re.escape(span.text)}\b", scope):
            registry.add(span.text, span, None, "programme:answer_label")


_PROVIDER_HEADING_RE = re.compile(r"provider|delivered\s+by|run\s+by", re.IGNORECASE)
_PROVIDERS_SPLIT_RE = re.compile(r"\s*(?:/|;|\band\b|&)\s*")  # "Respect / The You Trust": a cell of partners


def _programmes_of_count_tables(body: Span, registry: ProgrammeRegistry) -> None:
    """"| Programme | Provider | Referred | Accepted | ... |" where no answer named a programme (the letter gives
    its answers in tables): a row per programme, its name in the first column, its providers in the "Provider"
    column."""
    for table in find_tables(body):
        header = (read := one_header_row(table)).rows[0]
        stages = sum(lexicon.stage_named(c.text) is not None for c in header[1:])
        if not _PROGRAMME_HEADING_RE.search(header[0].text) or stages < 2:
            continue
        provider = next((i for i, c in enumerate(header) if i and _PROVIDER_HEADING_RE.search(c.text)), None)
        for row in read.rows[1:]:
            name = heading_name(row[0])  # "CARA – Cautioning and Relationship Abuse": the name before the dash
            if not looks_like_name(name.text) or _TOTAL_RE.match(name.text):
                continue
            programme = registry.add(name.text, name, None, "programme:table_row")
            if programme is not None and name.end < row[0].end:
                programme.description = programme.description or row[0].text
            if programme is not None and provider is not None and provider < len(row) and row[provider].text.strip():
                programme.add_providers([p for p in _PROVIDERS_SPLIT_RE.split(row[provider].text.strip()) if p])


_TOTAL_RE = re.compile(r"\W*(?:grand\s+)?totals?\b", re.IGNORECASE)


def _programmes_of_captions(body: Span, registry: ProgrammeRegistry) -> None:
    """"Table 1: Drive" over a table of stages whose cells name no programme: a table per programme, each named
    by its caption (a description may stand between the two)."""
    since = body.start
    for table in find_tables(body):
        header = one_header_row(table)
        stage_cells = sum(lexicon.stage_named(c.text) is not None for c in [*header.rows[0][1:], *(r[0] for r in header.rows[1:])])
        if stage_cells >= 2 and captioned(body, table, since, registry) is registry:
            above = body.sub(since - body.start, table.span.start - body.start)
            lines = [above.sub(line.start, line.end) for line in text_lines(above.text) if line.text.strip()][-CAPTION_LINES:]
            name = next((n for k, line in enumerate(reversed(lines)) if (n := caption_name(line.strip(), k == 0)) is not None), None)
            if name is not None and not any(registry.resolve(c.text) for row in table.rows for c in row[:1]):
                registry.add(name.text, name, None, "programme:table_caption")
        since = table.span.end


def _stage_columns_under_a_blank(header: list[Span]) -> bool:
    """"|  | Referred | Accepted | Completed |" (the row under merged route headings): a row per programme."""
    return not header[0].text.strip() and sum(lexicon.stage_named(c.text) is not None for c in header[1:]) >= 2


_DISTINCT_QUESTIONS: dict[int, tuple[RequestSpec, bool]] = {}
MIN_COUNT_ANSWERS = 3  # fewer answers tied to count questions than this, in a letter of sentences: read it whole


def _identity_is_equality(spec: RequestSpec, blocks: list[Block]) -> bool:
    """Whether `question in block.questions` may be tested by identity: the blocks hold the spec's own question
    objects (they always do) and no two of those are equal (a spec could repeat a question)."""
    entry = _DISTINCT_QUESTIONS.get(id(spec))
    if entry is None or entry[0] is not spec:
        questions = spec.questions
        distinct = all(a != b for i, a in enumerate(questions) for b in questions[i + 1 :])
        entry = _DISTINCT_QUESTIONS[id(spec)] = (spec, distinct)
    if not entry[1]:
        return False
    own = {id(q) for q in spec.questions}
    return all(id(q) in own for block in blocks for q in block.questions)


_ORGANISATIONS: dict[int, tuple[Catalogue, OrganisationCatalogue]] = {}


def _organisations(catalogue: Catalogue) -> OrganisationCatalogue:
    """The organisation index is built once per catalogue, not once per reply."""
    entry = _ORGANISATIONS.get(id(catalogue))
    if entry is None or entry[0] is not catalogue:
        entry = _ORGANISATIONS[id(catalogue)] = (catalogue, OrganisationCatalogue(catalogue))
    return entry[1]


def read_reply(text: str, *, doc_id: str, spec: RequestSpec, catalogue: Catalogue):
    with reading_once():  # answers read more than once (block, pieces, status) are scanned once per reply
        return _read_reply(text, doc_id=doc_id, spec=spec, catalogue=catalogue)


def _read_reply(text: str, *, doc_id: str, spec: RequestSpec, catalogue: Catalogue):
    from foi_pipeline.extract import Extraction

    orgs = _organisations(catalogue)
    seg = segment(text, spec)
    align(seg.blocks, spec, seg.lettered)
    meta = read_metadata(text, catalogue, answered=any(b.body for b in seg.blocks))

    registry = ProgrammeRegistry(catalogue, orgs)
    # Answers given once per programme, each section under its own heading: a section's answers speak of its programme.
    sections = split_sections(seg.blocks, seg.preamble, {q.key: i for i, q in enumerate(spec.questions)})
    if not any(b.questions for b in seg.blocks):
        # the whole reply as one table, a column or a row per programme; or a table per programme, each under its name
        question_tables = find_question_tables(text, spec, transposed=True)
        if len(question_tables) > 1 and not all(not t.by_row and all(_names_a_programme(c) for c in t.columns) for t in question_tables):
            question_tables = question_tables[:1]
        if question_tables:
            sections = [section for table in question_tables for section in table_sections(table)]
            seg.blocks = [block for section in sections for block in section.blocks]
    elif len(sections) <= 1 and (table := find_question_table(text, spec, transposed=True)) is not None:
        # Questions answered in one table, a column per programme, beside answers outside it ("Questions 1 to 7 are
        # answered in the table below, with each programme in its own column", then "Question 8"): the table's
        # columns are sections for the questions its rows name (its rows are no answers of their own), the answers
        # outside it speak of every programme ("See the Referrers tab"). Unless an answer outside it gives figures
        # for one of its count questions too.
        counts = {q.key for q, _, _ in table.rows if q.route}
        outside = [b for b in seg.blocks if not table.start <= b.start < table.end]
        # (a note under the table headed by a title, "Make a Change agency completions are approximate: ...", is no answer)
        if _table_of_programmes(table, seg.blocks) and not any(counts & {q.key for q in b.questions} for b in outside
                                                               if b.label is not None or b.echo is not None):
            sections = table_sections(table)
            seg.blocks = [block for section in sections for block in section.blocks] + outside
    if len(sections) <= 1 and (listed := programme_list_sections(text, spec)):
        # programmes as bullets, each with its figures as bullets under it: the answers elsewhere speak of them all
        start, end = listed[0].blocks[0].body.start, max(b.body.end for b in listed[-1].blocks)
        outside = [b for b in seg.blocks if not start <= b.start < end]
        sections = listed
        seg.blocks = sorted([block for section in listed for block in section.blocks] + outside, key=lambda b: b.start)
    section_registries = _section_registries(sections, catalogue, orgs)
    for own in [registry, *section_registries]:
        own.area = meta.area
    registry_of = {id(b): own for section, own in zip(sections, section_registries) for b in section.blocks}
    section_of = {id(b): i for i, section in enumerate(sections) for b in section.blocks} if section_registries else {}
    for own in section_registries:
        registry.programmes.extend(own.programmes)
    if section_registries:
        _describe_from_shared_scope([b.body for b in seg.blocks if id(b) not in registry_of and b.questions
                                     and b.questions[0].table == "programmes"], seg.preamble, registry)
    else:
        scope_blocks = [b for b in seg.blocks if b.questions and b.questions[0].table == "programmes"]
        scope = [b.body for b in scope_blocks]
        if any(_POINTS_ABOVE_RE.search(body.text) for body in scope):
            scope = [_list_above(seg.preamble), *scope]  # "Q1. See the list above.": the letter's list of programmes is the answer
        find_programmes_in_scope(scope, [seg.preamble], registry)
        if registry.programmes:
            _programmes_labelling_answers(seg.blocks, registry)
    if not registry.programmes:
        _extra_programmes(seg.blocks, registry)
    else:
        _more_rows_of_programme_tables(seg.blocks, registry)
    if not registry.programmes:
        _programmes_of_count_tables(Span.of(text, 0, len(text)), registry)
    if not registry.programmes:
        find_programmes_in_tables(Span.of(text, 0, len(text)), registry)
    _programmes_of_captions(Span.of(text, 0, len(text)), registry)
    _providers_of_programme_columns(Span.of(text, 0, len(text)), registry)
    _describe_from_list_items(seg.preamble, registry)
    # No answer tied to a question in a reply that holds the information: a letter written in sentences. So is one
    # whose few headings ("Referrals and outcomes") name no programme anywhere the answers were looked for.
    held = meta.information_status in {"held", "partly_held"}
    prose_only = not any(b.questions for b in seg.blocks) and held
    letter = seg.preamble if prose_only else Span.of(text, seg.preamble.start, max(seg.preamble.end, seg.answers_end))
    if held and not registry.programmes:
        find_programmes_in_prose(letter, registry)
        count_answers = sum(1 for b in seg.blocks if b.questions and b.questions[0].route)
        prose_only = prose_only or (bool(registry.programmes) and count_answers < MIN_COUNT_ANSWERS)
    registry.refresh_canonical()

    facts = Facts()
    for block in seg.blocks:
        if not block.questions or prose_only:
            continue  # a letter read as prose is read whole, below
        question = block.questions[0]
        own = registry_of.get(id(block), registry)
        if question.route:
            count_questions = [q for q in block.questions if q.route]
            before = len(facts.counts)
            # One answer to several count questions, in sentences: each figure by the words of its own clause.
            in_prose: list[CountFact] = []
            figures = False
            if len(count_questions) > 1 and not find_tables(block.body):
                in_prose, figures = read_prose_counts(block.body, own, tuple(dict.fromkeys(q.count_slot()[0] for q in count_questions)))
            if figures:
                facts.counts += in_prose
            else:
                read_count_block(block.body, count_questions, own, spec, facts, trust_label_only=block.alignment == "label",
                                 heading=block.heading)
                if len(facts.counts) == before:
                    facts.counts += in_prose  # "Neither programme accepts self-referrals": what the sentences say
            new = facts.counts[before:]
            if len(count_questions) == 1 and new and all(f.stage != question.stage for f in new if "stage_from_clause" not in f.rule):
                stages = {f.stage for f in new if "stage_from_clause" not in f.rule}
                if len(stages) == 1:
                    stage = stages.pop()
                    moved = next((q for q in spec.questions if q.route == question.route and q.stage == stage), None)
                    if moved is not None:
                        block.questions, block.alignment = [moved], "content"
        elif points_to_a_table(block.body):
            continue  # "Please see the final column of Table 1": the table is read as the answer, below
        else:  # "Funding and budget (questions 9 and 10)": one answer may serve a table each
            tables_answered = {q.table for q in block.questions}
            if "budgets" in tables_answered:
                read_money_block(block.body, own, spec, facts)
                read_funders_of_budget(block.body, own, orgs, meta.authority, facts)
            for org_table in ("funders", "referrers"):
                if org_table in tables_answered:
                    read_org_block(block.body, org_table, own, orgs, meta.authority, facts)

    for block in seg.blocks:
        if block.questions and not block.questions[0].route:  # count answers read their own tables above
            read_stage_tables(block.body, registry_of.get(id(block), registry), spec, facts)
    # a table of stages before the answers ("your questions 1 to 7 are answered together in Table 1") is read too;
    # in a letter of sentences, it is read as a table before the sentences are
    read_stage_tables(letter if prose_only else seg.preamble, registry, spec, facts)
    # a sheet of programmes beside the answers gives what no answer did: its referrers, funders and budget columns
    answered = {q.table for b in seg.blocks if b.body and not points_to_a_table(b.body) for q in b.questions}
    read_programme_tables(Span.of(text, 0, len(text)), registry, orgs, meta.authority, spec, facts, answered)
    if prose_only:
        read = read_prose(letter, registry, orgs, meta.authority, facts, request_wording([q.text for q in spec.questions]))
        if len(registry.programmes) > 1 and not find_tables(letter):
            read_money_of_sentences(read, registry, spec, facts)
        else:
            read_money_block(letter, registry, spec, facts)

    tables: dict[str, list[dict]] = {name: [] for name in ("answers", "programmes", "funnel_counts", "budgets", "funders", "referrers", "review_queue")}
    pids = _programme_ids(doc_id, registry.programmes)

    def review(table: str, field: str, reason: str, span: Span, severity: str = "warning", programme: Programme | None = None, value: str | None = None) -> None:
        tables["review_queue"].append({
            "doc_id": doc_id, "table_name": table, "field": field, "reason": reason, "severity": severity,
            **evidence(span, "review"), "programme_id": pids.get(id(programme)) if programme else None, "value": value,
        })

    # answers: one row per question of the request
    held_ids = [{id(q) for q in b.questions} for b in seg.blocks] if _identity_is_equality(spec, seg.blocks) else None
    for question in spec.questions:
        if held_ids is not None:
            answering = [b for b, ids in zip(seg.blocks, held_ids) if id(question) in ids]
        else:
            answering = [b for b in seg.blocks if question in b.questions]
        answer = next((b for b in answering if b.body), answering[0]) if answering else None  # a heading with nothing under it answers nothing
        span = answer.body if answer else EMPTY
        tables["answers"].append({
            "doc_id": doc_id, "question_no": question.number, "question_key": question.key,
            "numbered_as": answer.label.text if answer and answer.label else None,
            "answer_text": span.text if answer else None, "status": _answer_status(answer, question, facts, meta.information_status),
            **evidence(span, f"answer:{answer.alignment}" if answer else "answer:none"),
            "alignment": answer.alignment if answer else None,
        })
        for extra in [b for b in answering if b is not answer and b.body]:
            if section_of.get(id(extra)) != section_of.get(id(answer)):
                continue  # the same question answered again for the next section's programme
            review("answers", question.key, f"more than one answer reads as question {question.number or question.key}; the first is used", extra.body, "info")
    for block in seg.blocks:
        why = disagreement(block)
        if why:
            review("answers", block.questions[0].key, why, block.heading, "warning")
        if not block.questions and block.body:
            review("answers", "answer", f"the answer labelled '{block.label.text if block.label else block.heading.text}' matches no question of the request", block.heading, "info")

    for programme in registry.programmes:
        tables["programmes"].append({
            "programme_id": pids[id(programme)], "doc_id": doc_id, "name": programme.name,
            "canonical_name": programme.canonical_name, "providers": list(programme.providers),
            "description": programme.description or None, **evidence(programme.span, programme.rule),
            "aliases": list(programme.aliases),
        })

    # funnel_counts: every programme x route x stage, the first figure found, else not_stated
    chosen: dict[tuple[int, str, str], CountFact] = {}
    for fact in facts.counts:
        if fact.programme is None:
            continue
        key = (id(fact.programme), fact.route, fact.stage)
        if key not in chosen:
            chosen[key] = fact
        elif chosen[key].reading.count != fact.reading.count or chosen[key].reading.status != fact.reading.status:
            first = chosen[key]
            if _said_of_population(text, first, spec.population) < 0 < _said_of_population(text, fact, spec.population):
                # "112 people were referred ... Of the 103 men referred": the figure for the requested population
                chosen[key] = fact
                review("funnel_counts", f"{fact.route}_{fact.stage}", f"the reply gives two different answers for this "
                       f"figure; the one said of {spec.population}s is used", first.span, programme=fact.programme, value=str(first.reading.count))
            else:
                review("funnel_counts", f"{fact.route}_{fact.stage}", "the reply gives two different answers for this figure; the first is used", fact.span, programme=fact.programme, value=str(fact.reading.count))
    said_of_all = _whole_answer_statuses(spec, tables["answers"], facts, seg.blocks)
    letter_bound: list[int | None] = []  # the letter's suppression note, read once when a marker needs it
    for programme in registry.programmes:
        for route, stage in ROUTES_STAGES:
            slot_fact = chosen.get((id(programme), route, stage))
            if slot_fact is None and (route, stage) in said_of_all:
                slot_fact = said_of_all[(route, stage)]  # "questions 2 to 4 are not applicable": for every programme
            if slot_fact is None and len(registry.programmes) == 1:
                slot_fact = _all_of_the_stage_before(spec, tables["answers"], text, chosen, id(programme), route, stage)
            if slot_fact is None:
                slot_fact = _as_referenced(spec, seg.blocks, chosen, id(programme), route, stage)
            if slot_fact is None:
                slot_fact = _route_not_applicable(chosen, id(programme), route, stage)
            if slot_fact is not None:
                chosen.setdefault((id(programme), route, stage), slot_fact)  # a later "All" or "As above" may rest on this one
            reading = slot_fact.reading if slot_fact else None
            status = reading.status if reading else "not_stated"
            if reading is not None and status == "suppressed" and reading.high is None:
                # "Completed: *" and, under the table, "* Numbers below 10 have been suppressed": the note's bound
                if not letter_bound:
                    letter_bound.append(suppression_bound(text))
                if letter_bound[0] is not None:
                    reading = CountReading(status, None, reading.low, letter_bound[0], reading.qualifier, reading.start, reading.end, reading.rule)
            tables["funnel_counts"].append({
                "doc_id": doc_id, "programme_id": pids[id(programme)], "population": spec.population,
                "route": route, "stage": stage, "count": reading.count if reading and status == "value" else None,
                "count_low": reading.low if reading else None, "count_high": reading.high if reading else None,
                "status": status, "qualifier": (slot_fact.qualifier if slot_fact else None) if status in {"value", "suppressed"} else None,
                "note": slot_fact.note if slot_fact else None,
                **evidence(slot_fact.span if slot_fact else EMPTY, slot_fact.rule if slot_fact else "count:not_stated"),
            })

    # an answer that points to another ("As above") says what that one says
    referenced = {(r["route"], r["stage"]): r["status"] for r in tables["funnel_counts"] if r["extractor"] == "count:as_referenced"}
    for row, question in zip(tables["answers"], spec.questions):
        if (question.route, question.stage) in referenced:
            row["status"] = referenced[(question.route, question.stage)]

    # budgets: one row per programme (first amount or status found), plus any whole-reply amount
    money_by_programme: dict[int | None, MoneyFact] = {}
    for money_fact in facts.money:
        money_key = id(money_fact.programme) if money_fact.programme else None
        earlier = money_by_programme.setdefault(money_key, money_fact)
        if earlier is not money_fact and money_fact.period == spec.financial_year and earlier.period != spec.financial_year \
                and earlier.status == money_fact.status == "value":
            # "a contract worth £1.2m over 2021 to 2024, of which £400,000 relates to 2022/23": the year's amount
            money_by_programme[money_key] = money_fact
            review("budgets", "amount_gbp", f"the reply gives more than one amount; the one said of {spec.financial_year} is used",
                   earlier.span, "info", money_fact.programme, str(earlier.amount))
    for money_fact in money_by_programme.values():
        if money_fact.status == "value" and money_fact.period not in (None, "annual", spec.financial_year):
            # "a three-year grant of £270,000 covering 2022 to 2025": not the year's budget, unless the reply says so
            review("budgets", "amount_gbp", f"the amount is given for {money_fact.period}, not for {spec.financial_year} alone",
                   money_fact.span, "warning", money_fact.programme, str(money_fact.amount))
    for programme in registry.programmes:
        tables["budgets"].append(_budget_row(doc_id, pids[id(programme)], money_by_programme.get(id(programme))))
    if None in money_by_programme:
        tables["budgets"].append(_budget_row(doc_id, None, money_by_programme[None]))

    for kind, column in (("funders", "funder"), ("referrers", "organisation")):
        seen = set()
        for fact in getattr(facts, kind):
            pid = pids.get(id(fact.programme)) if fact.programme else None
            if (pid, fact.org.name) in seen:
                continue
            seen.add((pid, fact.org.name))
            row = {"doc_id": doc_id, "programme_id": pid, column: fact.org.name}
            if kind == "funders":
                row["contribution"] = fact.contribution
            row.update(evidence(fact.org.span, fact.rule))
            row[f"{column}_as_written"] = fact.org.as_written
            tables[kind].append(row)

    for item in facts.reviews:
        review(item.table, item.field, item.reason, item.span, item.severity, item.programme, item.value)
    gaps = [a for a in tables["answers"] if a["status"] in {"not_held", "refused"} and a["question_key"] != "evaluation_link"]
    gaps += [r for t in ("funnel_counts", "budgets") for r in tables[t] if r["status"] in {"not_held", "refused"} and r["char_end"]]
    if meta.information_status == "held" and gaps:
        # answers given, and a figure the request asked for "not held" or withheld: the request is partly held
        meta.information_status = "partly_held"
        which = ", ".join(dict.fromkeys(str(g.get("question_no") or g.get("question_key") or f"{g.get('route', '')} {g.get('stage', 'budget')}".strip())
                                        for g in gaps))
        review("documents", "information_status", f"read as partly held: the letter answers, but it says not held or refused "
               f"for {which}", Span.of(text, gaps[0]["char_start"], gaps[0]["char_end"]))
    if meta.information_status in {"held", "partly_held"} and not registry.programmes:
        review("programmes", "name", "the reply says it holds information but no programme was recognised",
               (seg.blocks[0].body if seg.blocks else EMPTY) or seg.preamble, "error")
    _account(text, doc_id, seg.blocks, seg.preamble, letter if prose_only else None, tables, registry, pids, meta.information_status, orgs,
             [meta.authority or "", meta.area or ""], list(spec.questions), meta.authority, meta.foi_reference)

    metadata = meta.as_dict()
    metadata["financial_year"] = spec.financial_year
    return Extraction(metadata=metadata, tables=tables)


def _account(text: str, doc_id: str, blocks: list[Block], preamble: Span, letter: Span | None, tables: dict[str, list[dict]],
             registry: ProgrammeRegistry, pids: dict[int, str], information_status: str | None, orgs: OrganisationCatalogue,
             own_office: list[str], questions: list[Question], authority: str | None, foi_reference: str | None) -> None:
    """Figures of the answers that nothing was read from, and count questions answered with no figure read, as
    review items (figure accounting: nothing the office gave vanishes without a trace)."""
    status_of = {a["question_key"]: a["status"] for a in tables["answers"]}
    if letter is not None:
        regions = [Region(letter)]
    else:
        regions = [Region(b.body, tuple(b.questions), b.heading.text, frozenset(s for q in b.questions if (s := status_of.get(q.key)) is not None))
                   for b in blocks if b.body]
        scope = tuple(q for q in questions if q.table == "programmes")
        if preamble and scope:  # programmes are often introduced before the answers ("Q1: see above"), and a
            # table or a sentence there may give figures that no answer took
            regions.append(Region(preamble, scope, introduction=True))
    marks = Marks([Mark(r["char_start"], r["char_end"], t, r.get("status"), _amount(r.get("amount_gbp"), r.get("count")), r.get("programme_id"))
                   for t in ("programmes", "funnel_counts", "budgets", "funders", "referrers") for r in tables[t]]
                  + [Mark(r["char_start"], r["char_end"], r["table_name"], None, None, r["programme_id"], review=True) for r in tables["review_queue"]])
    names = {pids[id(p)]: [p.name, *p.aliases] for p in registry.programmes}
    unread = unread_figures(text, regions, marks, names)
    for item in unread:
        tables["review_queue"].append({
            "doc_id": doc_id, "table_name": item.table, "field": UNREAD_FIELD, "reason": item.reason, "severity": "warning",
            **evidence(item.figure.span, f"accounting:{item.figure.kind}"), "programme_id": item.programme, "value": item.figure.span.text,
            "suggested_field": item.field,
        })
    for region, programme_id, question in answered_unread(regions, unread, tables, names, marks):
        tables["review_queue"].append({
            "doc_id": doc_id, "table_name": question.table, "field": UNANSWERED_FIELD, "severity": "warning",
            "reason": f"question {question.number or question.key} was answered but no figure was read for {names[programme_id][0]}",
            **evidence(region.span, "accounting:answered_unread"), "programme_id": programme_id, "value": None,
            "suggested_field": f"{question.route}_{question.stage}" if question.route else "amount_gbp",
        })
    doubts = [*organisation_doubts(regions, tables, names, lambda name: looks_like_org(name, orgs)), *programme_doubts(tables),
              *status_doubts(information_status, tables["answers"], regions), *unread_names(regions, tables, own_office),
              *unanswered(questions, tables["answers"], tables, information_status, letter),
              *missing_programmes(text, unread, names), *metadata_doubts(text, authority, foi_reference), *budget_doubts(text, tables)]
    for doubt in doubts:
        tables["review_queue"].append({
            "doc_id": doc_id, "table_name": doubt.table, "field": doubt.field, "reason": doubt.reason, "severity": doubt.severity,
            **evidence(doubt.span, "accounting:doubt"), "programme_id": doubt.programme, "value": doubt.value, "suggested_field": None,
        })


_WORDS_AFTER_A_FIGURE = 40  # characters after a figure that say whom it counts ("112 people", "103 men referred")


def _said_of_population(text: str, fact: CountFact, population: str) -> int:
    """1 when the words right after a figure name the requested population ("103 men"), -1 when they name other
    people or everyone ("112 people", "41 individuals"), else 0."""
    after = text[fact.span.end : fact.span.end + _WORDS_AFTER_A_FIGURE].split(".")[0]
    return lexicon.said_of(after, population)


def _amount(money: object, count: object) -> Decimal | None:
    """A budget row's amount, or a count row's figure, as a number to compare figures with."""
    if isinstance(money, Decimal):
        return money
    return Decimal(count) if isinstance(count, int) else None


def _budget_row(doc_id: str, programme_id: str | None, fact) -> dict:
    if fact is None:
        return {"doc_id": doc_id, "programme_id": programme_id, "amount_gbp": None, "status": "not_stated", "period": None, **evidence(EMPTY, "budget:not_stated"), "note": None}
    amount = Decimal(fact.amount).quantize(Decimal("0.01")) if fact.amount is not None else None
    return {
        "doc_id": doc_id, "programme_id": programme_id, "amount_gbp": amount, "status": fact.status,
        "period": fact.period, **evidence(fact.span, fact.rule), "note": fact.note,
    }
