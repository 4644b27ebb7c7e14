"""Facts from aligned answer blocks: counts per programme and funnel stage, money, funders, referrers.

An answer often covers several programmes ("CARA: 203 ... EASI: 71 accepted"), so each block is cut
into pieces that belong to one programme before anything is read from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.organisations import (
    OrganisationCatalogue,
    OrgMention,
    looks_like_org,
    organisations_after,
    split_organisations,
)
from foi_pipeline.extract.programmes import Programme, ProgrammeRegistry, mentions
from foi_pipeline.extract.quantities import (
    CountReading,
    MoneyReading,
    find_counts,
    find_money,
    find_statuses,
    may_state_status,
    read_count,
)
from foi_pipeline.extract.spans import WRAP_WIDTH, Span
from foi_pipeline.extract.spans import lines as text_lines
from foi_pipeline.extract.tables import Table, find_tables, outside_tables, spread_merged_headings, stage_groups
from foi_pipeline.specs import Question, RequestSpec

SIDE_REMARK_RE = re.compile(r"\b(?:a\s+further|further|additional|also|another|of\s+(?:these|them|whom)|still)\b", re.IGNORECASE)
_ANY_SEX = (r"|\b(?:break(?:\s+(?:this|these|it|them))?\s+down|broken\s+down|breakdown|split|separate\w*|distinguish)\b[^.;\n]{0,40}\b(?:sex|gender)\b"
            r"|\ball\s+genders\b|\b(?:men\s+and\s+women|women\s+and\s+men|males\s+and\s+females|females\s+and\s+males|male\s+and\s+female)\b")
OTHER_POPULATION_RE = {
    "male": re.compile(r"\b(?:of\s+(?:these|them|whom)\s+(?:were|are)\s+(?:women|female|females))\b|\bincludes?\s+(?:women|females)\b" + _ANY_SEX, re.IGNORECASE),
    "female": re.compile(r"\b(?:of\s+(?:these|them|whom)\s+(?:were|are)\s+(?:men|male|males))\b|\bincludes?\s+(?:men|males)\b" + _ANY_SEX, re.IGNORECASE),
}
# A figure the answer gives for the requested population among others ("Total 120 (115 male, 5 female)"): the words
# for that population right after it, or right before it.
_POPULATION_WORDS = {p: lexicon.population_words(p) for p in lexicon.POPULATION_WORDS}
_OTHER_WORDS = {p: lexicon.other_population_words(p) for p in lexicon.POPULATION_WORDS}
_SEVERAL_POPULATIONS_RE = {
    population: re.compile(r"\b" + _OTHER_WORDS[population] + r"\b|\b(?:of\s+(?:which|whom|these|those)|total|in\s+total|overall|including)\b", re.IGNORECASE)
    for population in _POPULATION_WORDS
}
_POPULATION_AFTER_RE = {p: re.compile(r"[ \t]*(?:were[ \t]+|are[ \t]+)?" + w + r"\b", re.IGNORECASE) for p, w in _POPULATION_WORDS.items()}
_POPULATION_BEFORE_RE = {p: re.compile(r"\b" + w + r"[ \t]*[:=\-–]?[ \t]*$", re.IGNORECASE) for p, w in _POPULATION_WORDS.items()}


def _population_figure(text: str, population: str, reading: CountReading) -> CountReading | None:
    """The figure given for the requested population when the answer also counts others; None when it is the reading."""
    several = _SEVERAL_POPULATIONS_RE.get(population)
    if several is None or not several.search(text):
        return None
    after, before = _POPULATION_AFTER_RE[population], _POPULATION_BEFORE_RE[population]
    for figure in find_counts(text):
        if figure.status == "value" and (after.match(text, figure.end) or before.search(text, max(0, figure.start - 12), figure.start)):
            return figure if figure.start != reading.start else None
    return None
IN_KIND_RE = re.compile(r"\bin[- ]kind\b|\bunfunded\b|\bstaff\s+time\b|\bnon-?financial\b|\bcontract\s+management\b", re.IGNORECASE)
CASH_RE = re.compile(r"£|\bgrant\b|\bfund(?:ed|ing|s)?\b|\bpaid\b|\bcash\b|\bbudget\b|\d\s*%|\d\s*per\s*cent\b", re.IGNORECASE)  # a share of the cost
FUNDER_CUE_RE = re.compile(
    r"\b(?:funded|financed|paid\s+for|grant[- ]funded|met|supported|contributed|provided)(?:\s+(?:jointly|entirely|solely|wholly|in\s+part))?\s+by\s+",
    re.IGNORECASE,
)
PARTNERSHIP_FUNDER_RE = re.compile(
    r"\bby\s+(?P<name>the\s+(?:partnership|partners|delivery\s+partners|provider|providers))\b", re.IGNORECASE
)
# "..., with in-kind support from the NHS", "£40k from the Home Office": a further source, named after what it gives
FUNDING_SOURCE_RE = re.compile(r"(?:\b(?:support|contributions?|funding|grants?|money)|£[\d,.]+(?:\s*(?:k|m|million)\b)?)\s+(?:from|by)\s+", re.IGNORECASE)
REFERRER_CUE_RE = re.compile(
    r"\b(?:referrals?\s+(?:were\s+|are\s+|was\s+|is\s+)?(?:made|received|come|came|sent)?\s*(?:by|from)|referred\s+by|"
    r"(?:referring|named)\s+(?:agency|agencies|organisations?)\s+(?:is|are|was|were)|only\s+referr\w+\s+(?:by|from)|"
    # "X received referrals from: A; B", "All referrals to Drive were made through Bedfordshire MARAC"
    r"received\s+(?:its\s+|their\s+)?(?:\w+\s+)?referrals?\s+from|referrals?\s+(?:are|were|is)\s+(?:only\s+)?(?:accepted|taken)\s+(?:only\s+)?from|referrals?\s+(?:to\s+\S+(?:\s+\S+){0,3}\s+)?(?:were|are|have\s+been)\s+(?:made|received|sent)\s+(?:through|via|by|from))"
    r":?\s+",
    re.IGNORECASE,
)
SELF_REFERENCE_RE = re.compile(
    r"^(?:the\s+)?(?:Office|(?:Office\s+of\s+the\s+)?(?:OPCC|OPFCC|PCC|PFCC|OPCVC|PCVC|Commissioner"
    r"|Police(?:,?\s+Fire(?:\s+and\s+Rescue)?)?,?\s+and\s+Crime\s+Commissioner)(?:['’]s)?(?:\s+(?:office|budget))?)$",
    re.IGNORECASE,
)
EXEMPTION_RE = re.compile(r"\b(?:section|s\.?)\s*(?:12|14|21|22|30|31|36|38|40|41|42|43)\b|\bexempt|\bwithh[eo]ld|\brefus", re.IGNORECASE)
FY_RE_TEMPLATE = r"\b{a}\s*[/-]\s*(?:{b2}|{b4})\b"
MULTI_YEAR_RE = re.compile(r"\bover\s+(?:\w+|\d+)\s+years?\b|\b(?:two|three|four|five|\d)[- ]year\b|\bcontract\s+(?:is\s+)?worth\b|\blifetime\b", re.IGNORECASE)


@dataclass
class CountFact:
    programme: Programme | None
    route: str
    stage: str
    reading: CountReading
    span: Span
    rule: str
    note: str | None = None
    qualifier: str | None = None


@dataclass
class MoneyFact:
    programme: Programme | None
    status: str
    amount: Decimal | None
    period: str | None
    span: Span
    rule: str
    note: str | None = None


@dataclass
class OrgFact:
    programme: Programme | None
    org: OrgMention
    rule: str
    contribution: str = "unknown"


@dataclass
class Review:
    field: str
    reason: str
    span: Span
    severity: str = "warning"
    table: str = "funnel_counts"
    programme: Programme | None = None
    value: str | None = None


@dataclass
class Piece:
    """Part of an answer that speaks about one programme (or about all of them when programme is None)."""

    programme: Programme | None
    span: Span
    label: Span | None = None  # the programme name that opens the piece


@dataclass
class Facts:
    counts: list[CountFact] = field(default_factory=list)
    money: list[MoneyFact] = field(default_factory=list)
    funders: list[OrgFact] = field(default_factory=list)
    referrers: list[OrgFact] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


def _sub(span: Span, start: int, end: int) -> Span:
    return span.sub(start - span.start, end - span.start)


# --- cutting an answer into per-programme pieces -------------------------------------------------

_LABEL_AFTER = re.compile(r"^(?:'s)?\s*(?:\)|\s)*(?::|–|—|-(?=\s)|=)")
_LABEL_BEFORE = re.compile(r"(?:^|[\n;|,]|[.)]\s|\band\s)[\s•*\-–·(a-z)]*$")
# A programme's name alone on its line ("KPRP" over "57 men") heads the lines under it, like "KPRP: 57 men".
_LINE_END = re.compile(r"^[^\S\n]*(?:[:–—-][^\S\n]*)?(?:\n|$)")
_LINE_START = re.compile(r"(?:^|\n)[^\S\n]*(?:[-•*–·▪◦][^\S\n]*)?$")


_SENTENCE_START_RE = re.compile(r"\.[^\S\n]+$")


def is_label(before: str, after: str) -> bool:
    """Whether a programme named between `before` and `after` labels what follows it: "CARA: ...", "COBI – ...",
    or the name as a line of its own."""
    if _LABEL_AFTER.match(after) and (_LABEL_BEFORE.search(before[-40:]) or not before.strip()):
        return True
    return bool(_LINE_END.match(after) and _LINE_START.search(before[-40:]) and after.strip())


def pieces(body: Span, registry: ProgrammeRegistry, anchors: list[int] | Callable[[], list[int]] | None = None) -> list[Piece]:
    """Cut an answer at programme labels ("CARA: ...", "COBI – ..."), else at clause boundaries between figures.

    `anchors` (where the figures start) may be a function: they are found only if the answer has no labels."""
    if registry.letters and (lettered := _lettered_pieces(body, registry)):
        return lettered
    found = mentions(body, registry)
    labelled = []
    for span, programme in found:
        before = body.text[: span.start - body.start]
        after = body.text[span.end - body.start :]
        if is_label(before, after):
            labelled.append((span, programme))
    if labelled:
        # "Make the Change: 38. Project Anchor does not accept self-referrals.": beside labels, a sentence that
        # opens with another programme's name is about that one
        labelled += [(span, programme) for span, programme in found if all(programme is not p for _, p in labelled)
                     and _SENTENCE_START_RE.search(body.text[: span.start - body.start][-3:])]
        labelled.sort(key=lambda named: named[0].start)
    if labelled:
        out = []
        first = labelled[0][0].start
        if body.text[: first - body.start].strip():
            out.append(Piece(None, _sub(body, body.start, first)))
        bounds = [s.start for s, _ in labelled[1:]] + [body.end]
        for (span, programme), end in zip(labelled, bounds):
            out.append(Piece(programme, _sub(body, span.start, end), label=span))
        return out
    distinct = {p.name for _, p in found}
    starts = None
    if len(registry.programmes) >= 2 and distinct:
        starts = anchors() if callable(anchors) else anchors
    if starts and len(starts) >= 2:
        return _clauses(body, registry, starts)
    if len(distinct) == 1 and len(registry.programmes) >= 2:
        return [Piece(found[0][1], body)]
    return [Piece(registry.programmes[0] if len(registry.programmes) == 1 else None, body)]


_LETTER_LINE_RE = re.compile(r"^[^\S\n]*\(?(?P<letter>[a-hA-H])[.)][^\S\n]+", re.MULTILINE)


def _lettered_pieces(body: Span, registry: ProgrammeRegistry) -> list[Piece]:
    """"a) Not applicable / b) 52" where the scope answer listed the programmes as a) and b): each line is the
    answer for the programme listed under its letter."""
    labels = [m for m in _LETTER_LINE_RE.finditer(body.text) if m.group("letter").lower() in registry.letters]
    if not labels:
        return []
    out = [Piece(None, _sub(body, body.start, body.start + labels[0].start()))] if body.text[: labels[0].start()].strip() else []
    for m, following in zip(labels, [*labels[1:], None]):
        end = body.start + (following.start() if following else len(body.text))
        out.append(Piece(registry.letters[m.group("letter").lower()], _sub(body, body.start + m.end(), end)))
    return out


_CLAUSE_CUT_RE = re.compile(r"\.\s|;|\band\b|,(?!\d)|\n")  # not the comma in "£42,500"
_SENTENCE_CUT_RE = re.compile(r"\.\s|\n")


def _clauses(body: Span, registry: ProgrammeRegistry, anchors: list[int]) -> list[Piece]:
    """'82 referrals ... for CARA and 240 for the Change Hub ...': one clause per figure, cut at the last
    'and' / ';' / '.' / ',' between two figures; each clause belongs to the programme it names."""
    cuts, in_sentence = [body.start], [False]
    named_spans = [span for span, _ in mentions(body, registry)]
    for left, right in pairwise(anchors):
        between = body.text[left - body.start : right - body.start]
        # The last sentence end between them, else the last lesser break: a figure's clause runs to its sentence's end
        # ("58 referrals for X. Y does not accept agency referrals, so this does not apply").
        def outside_names(found: list[re.Match[str]], left: int = left) -> list[re.Match[str]]:
            return [m for m in found if not any(s.start < left + m.start() < s.end for s in named_spans)]  # "Choices North\nWales"
        sentences = outside_names(list(_SENTENCE_CUT_RE.finditer(between)))
        seps = sentences or outside_names(list(_CLAUSE_CUT_RE.finditer(between)))
        if seps:
            cut = left + seps[-1].start()
        elif "(" in between:
            cut = left + between.rindex("(")  # "£142,000 for Drive (combined £328,400)": the aside is a clause of its own
        else:
            cut = left + len(between) // 2
            cut = next((s.end for s in named_spans if s.start < cut < s.end), cut)  # never inside a programme's name
        cuts.append(cut)
        in_sentence.append(not sentences)
    cuts.append(body.end)
    out: list[Piece] = []
    for (start, end), continues in zip(pairwise(cuts), in_sentence):
        clause = _sub(body, start, end)
        named = mentions(clause, registry)
        if not named and continues and out and out[-1].programme is not None:
            # "X is run under a contract worth £1.2m, of which £400,000 relates to 2022/23": the sentence's programme
            out.append(Piece(out[-1].programme, clause))
            continue
        out.append(Piece(named[0][1] if named else None, clause, label=named[0][0] if named else None))
    return out


# --- counts --------------------------------------------------------------------------------------


def _after_label(piece: Piece) -> Span:
    """The piece without the programme name that opens it ("CARA: 203" -> "203")."""
    if piece.label is None or piece.span.text[: piece.label.start - piece.span.start].strip(" \t\n-•*–·(").strip():
        return piece.span
    start = piece.label.end - piece.span.start
    rest = piece.span.sub(start, len(piece.span.text))
    m = _LABEL_AFTER.match(rest.text)
    return rest.sub(m.end(), len(rest.text)) if m else rest


def _figure_anchors(body: Span) -> list[int]:
    """Where the answer's figures, and the phrases that stand for one ("STEP does not apply"), start."""
    starts = {r.start for r in find_counts(body.text)} | {start for start, _, _ in find_statuses(body.text)}
    return [body.start + start for start in sorted(starts)]


def _or_unnamed(programmes: list[Programme]) -> list[Programme | None]:
    """The programmes a fact may be for: the reply's, else one it does not name (None)."""
    return [*programmes] or [None]


def read_count_block(
    body: Span, questions: list[Question], registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts,
    trust_label_only: bool = True, heading: Span | None = None,
) -> None:
    """Counts for the funnel question(s) a block answers, per programme. Its `heading` may be the caption of the
    table it opens with ("Inspire to Change – referrals and outcomes")."""
    tables = find_tables(body)
    if tables:
        since = body.start
        for table in tables:
            read, column_routes = _with_column_routes(body, table)
            own = captioned(body, table, since, registry)
            if own is registry and since == body.start and heading is not None and not body.text[: table.span.start - body.start].strip():
                own = captioned(heading, Table(rows=table.rows, span=heading.sub(len(heading.text), len(heading.text))), heading.start, registry)
            _count_table(read, questions, own, spec, facts, column_routes=column_routes, legend=table_legend(body, tables))
            since = table.span.end
        return
    question = questions[0]
    all_pieces = pieces(body, registry, lambda: _figure_anchors(body))
    texts = [_after_label(p) for p in all_pieces]
    block_stage = question.count_slot()[1]
    # A block labelled for one stage whose figures speak of another ("6." holding completions and
    # "partial completers") answers the other stage.
    own_stages = [lexicon.own_stage(text.text) for p, text in zip(all_pieces, texts) if p.programme is not None]
    stated = [s for s in own_stages if s]
    order = {"referred": 0, "accepted": 1, "completed": 2}
    if trust_label_only and len(questions) == 1 and stated and block_stage not in stated:
        dominant = max(set(stated), key=stated.count)
        # Only towards a later stage: an acceptance answer may speak of referrals, never of completers.
        if order[dominant] > order[block_stage] and stated.count(dominant) * 2 >= max(1, len([p for p in all_pieces if p.programme is not None])):
            block_stage = dominant
    for piece, text_span in zip(all_pieces, texts):
        for q in questions:
            route, stage = q.count_slot()
            _count_piece(piece, text_span, route, block_stage if len(questions) == 1 else stage, len(questions) == 1,
                         registry, spec, facts)


_THREE_LETTERS_RE = re.compile(r"[A-Za-z]{3}")
_SPACES_RE = re.compile(r"\s+")
_CLAUSE_END_RE = re.compile(r"[.;\n]|\band\s+\d")


def _count_piece(
    piece: Piece, text_span: Span, route: str, stage: str, single: bool, registry: ProgrammeRegistry,
    spec: RequestSpec, facts: Facts,
) -> None:
    text_span = _request_year_part(text_span, _fy_pattern(spec.financial_year))
    reading = read_count(text_span.text)
    if reading.status == "not_stated":
        return
    rule = reading.rule
    for_population = _population_figure(text_span.text, spec.population, reading) if reading.status == "value" else None
    if for_population is not None:
        reading, rule = for_population, for_population.rule + "+population"
    span = text_span.sub(reading.start, reading.end) if reading.end > reading.start else text_span.strip()
    if reading.status == "value" and single:
        clause = text_span.text[reading.end : reading.end + 80]
        clause = _CLAUSE_END_RE.split(clause)[0]
        own = lexicon.own_stage(clause)
        if own and own != stage and not SIDE_REMARK_RE.search(clause):
            stage, rule = own, rule + "+stage_from_clause"
    note_text = (text_span.text[: reading.start] + " " + text_span.text[reading.end :]).strip(" .;,:-–\n")
    note = _SPACES_RE.sub(" ", note_text) if _THREE_LETTERS_RE.search(note_text) else None
    qualifier = reading.qualifier
    other = OTHER_POPULATION_RE.get(spec.population)
    if reading.status == "value" and for_population is None and other and other.search(text_span.text):
        qualifier = "at_most"
        facts.reviews.append(Review(
            field=f"{route}_{stage}",
            reason=f"the figure includes people outside the requested population ({spec.population}); recorded as an upper bound",
            span=span, programme=piece.programme, value=str(reading.count),
        ))
    targets = [piece.programme] if piece.programme else (registry.programmes if reading.status != "value" else [])
    if reading.status == "value" and piece.programme is None:
        if len(registry.programmes) == 1:
            targets = registry.programmes
        else:
            facts.reviews.append(Review(
                field=f"{route}_{stage}", reason="a figure that the reply does not attribute to any one programme",
                span=span, value=str(reading.count),
            ))
    for programme in targets:
        facts.counts.append(CountFact(programme, route, stage, reading, span, rule, note, qualifier))


_ROW_NUMBER_RE = re.compile(r"\s*(?:Q(?:uestion)?\s*)?(\d{1,2})\b", re.IGNORECASE)
# "Accepted onto the programme (Q3)": the row says which question it answers
_ROW_QUESTION_TAG_RE = re.compile(r"[(\[]\s*(?:Q|Question)\s*(\d{1,2})\s*[)\]]", re.IGNORECASE)
def _route_named(heading: str) -> str | None:
    """The route a heading names: "self" for self-referrals, "agency" for agencies, police, partners."""
    return lexicon.route_named(heading, label=True)


def _section_routes(rows: list[list[Span]], route: str | None) -> list[str | None]:
    """The route each row is under: "| Self-referred | | |" is a section row over the stages of that route."""
    out: list[str | None] = []
    for row in rows:
        if len(row) > 1 and not any(c.text.strip() for c in row[1:]) and (named := _route_named(row[0].text)):
            route = named
        out.append(route)
    return out


def _classify_row(text: str, spec: RequestSpec, default_route: str | None = None) -> Question | None:
    """A table row or column heading -> funnel question, by its number ("2.") or its words ("Self-referred and accepted")."""
    m = _ROW_NUMBER_RE.match(text) or _ROW_QUESTION_TAG_RE.search(text)
    if m:
        numbered = [q for q in spec.questions if q.number == int(m.group(1)) and q.route]
        if numbered:
            return numbered[0]
    route = _route_named(text)
    stage = lexicon.stage_named(text)
    if stage is None:
        return None
    route = route or default_route or "agency"  # "Referred | Accepted" under the self-referral questions are self-referrals
    return next((q for q in spec.questions if q.route == route and q.stage == stage), None)


def under_route_groups(table: Table) -> tuple[Table, list[str | None]] | None:
    """"| Programme | Self-referral | | | Agency | referral | |" over "| | Referred | Accepted | Completed | ...": a
    first row that groups the columns by route (merged cells, each spread over the blanks to its right) over a row
    of stages. The table with one header row (a stage's heading, else its group's), and each column's route."""
    if len(table.rows) < 3:
        return None
    top, stages = table.rows[0], table.rows[1]
    if stages[0].text.strip() or sum(lexicon.stage_named(c.text) is not None for c in stages[1:]) < 2:
        return None
    if len(top) < len(stages):
        spread = spread_merged_headings(top, stages)
        if spread is None:
            return None
        top = spread
    routes: list[str | None] = []
    current: str | None = None
    for cell in top:
        text = cell.text.strip()
        named = _route_named(text.lower()) if text else None
        # a blank, or a word of a heading split across cells ("Agency | referral | route"), stays in the group to
        # its left
        current = named or (current if not text or text[0].islower() or lexicon.stage_named(text) else None)
        routes.append(current)
    for group in stage_groups(stages[: len(top)]):
        # a heading centred over its run of stages ("| | Self-referral route | |") names the route of the whole run
        named = _route_named(" ".join(top[i].text for i in group).lower()) if len(group) > 1 else None
        for i in group if named else []:
            routes[i] = named
    if not any(routes):
        return None
    # a stage names its column; over anything else ("Budget" over "2022/23") the first row's heading does
    header = [s if lexicon.stage_named(s.text) or not t.text.strip() else t for t, s in zip(top, stages)] + top[len(stages):]
    header[0] = top[0]
    return Table(rows=[header, *table.rows[2:]], span=table.span), [None, *routes[1:]]


def one_header_row(table: Table) -> Table:
    """The table with its route headings folded into the row of stages under them, if it has them."""
    grouped = under_route_groups(table)
    return grouped[0] if grouped else table


def _with_column_routes(body: Span, table: Table) -> tuple[Table, list[str | None] | None]:
    """The table with one header row, and each column's route: from its own first row, else from the line above."""
    return under_route_groups(table) or (table, _column_routes_above(body, table))


def read_stage_tables(body: Span, registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts) -> None:
    """Tables of counts set under another answer ("Answers to questions 2 to 7 are in the table below"), or before
    the answers: a table whose header names two or more funnel stages is read wherever it stands."""
    since = body.start
    for table in find_tables(body):
        read, column_routes = _with_column_routes(body, table)
        header = read.rows[0]
        if sum(_classify_row(c.text, spec) is not None for c in header[1:]) >= 2 or \
                sum(_classify_row(row[0].text, spec) is not None for row in read.rows[1:]) >= 2:
            own = captioned(body, table, since, registry)
            _count_table(read, [], own, spec, facts, _route_above(body, table), column_routes, table_legend(body, [table]))
            if len(own.programmes) == 1 and own is not registry:
                _budget_rows(read, own, spec, facts)
        since = table.span.end


def _budget_rows(table: Table, registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts) -> None:
    """A table of one programme's stages that goes on with a row for its budget ("| Budget inclusive of running
    costs | £28,500 | |"): the first amount in that row is the programme's."""
    for row in table.rows[1:]:
        label = row[0].text
        if _BUDGET_COLUMN_RE.search(label) and lexicon.stage_named(label) is None:
            for cell in row[1:]:
                if find_money(cell.text) and _money_piece(Piece(registry.programmes[0], cell), cell, registry, spec, facts, "budget:table"):
                    break


CAPTION_LINES = 4  # how far above a table its caption may stand, over a line or two describing the programme


def captioned(body: Span, table: Table, since: int, registry: ProgrammeRegistry) -> ProgrammeRegistry:
    """The programmes a table's cells may belong to. A table per programme ("Table 1: Drive", "Changing Paths
    (Cranstoun) – 1 April 2022 to 31 March 2023" over "| Route | Referred | Accepted |") names none in its cells: its
    caption, the nearest line above it (after the table before) that names one programme, says whose they are."""
    if len(registry.programmes) < 2 or any(registry.resolve(c.text) for c in table.rows[0]) \
            or any(registry.resolve(row[0].text) for row in table.rows[1:]):
        return registry
    above = body.sub(max(since, body.start) - body.start, table.span.start - body.start)
    lines = [above.sub(line.start, line.end) for line in text_lines(above.text) if line.text.strip()][-CAPTION_LINES:]
    for line in reversed(lines):
        named = {id(p): p for _, p in mentions(line, registry)}
        if len(named) == 1:
            return registry.only(next(iter(named.values())))
        if named:
            break  # a line naming two programmes is no caption of one
    return registry


_PERIOD_HEADING_RE = re.compile(r"\s*(?:Q[1-4]\b|Quarter\s*[1-4]\b|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)", re.IGNORECASE)


def _sum_of_periods(row: list[Span], programme: Programme, question: Question, facts: Facts) -> None:
    readings = [read_count(cell.text) for cell in row[1:]]
    counts = [r.count for r in readings if r.status == "value" and r.count is not None]
    if not readings or len(counts) < len(readings):
        return  # a period not given: no total can be made
    count = sum(counts)
    span = row[1]  # evidence: the first period's figure; the note gives them all
    reading = CountReading("value", count, count, count, "exact", 0, len(span.text), "count:sum_of_periods")
    facts.counts.append(CountFact(programme, *question.count_slot(), reading, span, "count:sum_of_periods",
                                  note=f"the sum of {len(readings)} periods ({', '.join(str(r.count) for r in readings)})",
                                  qualifier="exact"))


def _column_routes_above(body: Span, table: Table) -> list[str | None] | None:
    """"| Programme | Self-referral | Agency referral |" over "| | Referred | Accepted | Completed | Referred | ...":
    a heading row above the table that groups its columns by route; the route of each column, or None."""
    above = body.text[: table.span.start - body.start].rstrip("\n").rsplit("\n", 1)[-1]
    if "|" not in above:
        return None
    groups = [cell.strip().lower() for cell in above.strip().strip("|").split("|")][1:]
    routes = [_route_named(g) for g in groups]
    width = len(table.rows[0]) - 1
    if len(routes) < 2 or None in routes or width % len(routes):
        return None
    per_group = width // len(routes)
    return [None, *(route for route in routes for _ in range(per_group))]


def _route_above(body: Span, table: Table) -> str | None:
    """"Self-referrals:" on the line above a table of stages: the route its "Referred | Accepted" columns count."""
    above = body.text[: table.span.start - body.start].rstrip().rsplit("\n", 1)[-1].lower()
    return _route_named(above)


def _year_row_programme(label: str, registry: ProgrammeRegistry, spec: RequestSpec) -> Programme | None:
    """A row labelled with the request's financial year ("| 2022/23 | 50 | 35 |") in a reply about one programme:
    that programme's row. Other years' rows are no answer."""
    if len(registry.programmes) == 1 and _fy_pattern(spec.financial_year).search(label) and len(label.split()) <= 3:
        return registry.programmes[0]
    return None


_LEGEND_RE = re.compile(
    r"(?:key\s*[:\-–]?\s*)?(?P<sym>[–—\-*†‡]|n/a|n/r|n/k|<\s?\d{1,2})[^\S\n]*(?:=|:|–|-)?[^\S\n]+(?P<meaning>\S.*)", re.IGNORECASE)
_HIDDEN_RE = re.compile(r"withh|suppress|not\s+(?:shown|given|disclosed)|protect|identif", re.IGNORECASE)
_LEGEND_STATUSES = {"not_applicable", "not_held", "refused", "suppressed"}
_GAP_RE = re.compile(r"[^\S\n]{2,}|\t")


def table_legend(body: Span, tables: list[Table]) -> dict[str, CountReading]:
    """What the symbols in a table's cells stand for, from the key under it ("– Drive has no self-referral route",
    "Key: – not applicable  * a number between 1 and 4"): a status for each symbol."""
    lines = [line.strip() for part in outside_tables(body, tables) for line in part.text.split("\n")]
    # a symbol, a gap and its meaning ("–  Drive has no self-referral route"), or several on one line ("Key: – not
    # applicable  * a number between 1 and 4")
    pieces = [*lines, *(piece.strip() for line in lines for piece in _GAP_RE.split(line))]
    # a key set out with a gap after each symbol reads as a table of two columns of its own
    pieces += [f"{row[0].text} {row[1].text}" for table in tables if len(table.rows[0]) == 2 for row in table.rows]
    legend: dict[str, CountReading] = {}
    for piece in pieces:
        m = _LEGEND_RE.fullmatch(piece)
        if m is None:
            continue
        reading = read_count(m.group("meaning"))
        if reading.status == "value" and reading.high is not None and reading.high <= 10 and _HIDDEN_RE.search(m.group("meaning")):
            # "* a number between 1 and 4, not shown to protect the individuals": a small figure withheld
            reading = CountReading("suppressed", None, reading.low, reading.high, "at_most", reading.start, reading.end, "status:suppressed")
        if reading.status in _LEGEND_STATUSES:
            legend.setdefault(" ".join(m.group("sym").lower().split()), reading)
    return legend


def _count_cell(programme: Programme, cell: Span, route: str, stage: str, legend: dict[str, CountReading] | None,
                registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts) -> None:
    keyed = legend.get(" ".join(cell.text.lower().split())) if legend else None
    if keyed is None or read_count(cell.text).status != "not_stated":  # "N/A", "<5" say what they are themselves
        _count_piece(Piece(programme, cell), cell, route, stage, False, registry, spec, facts)
        return
    reading = CountReading(keyed.status, None, keyed.low, keyed.high, keyed.qualifier, 0, len(cell.text), "count:table_key")
    facts.counts.append(CountFact(programme, route, stage, reading, cell, "count:table_key", note="as the key under the table says",
                                  qualifier=keyed.qualifier))


def _count_table(table: Table, questions: list[Question], registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts,
                 route: str | None = None, column_routes: list[str | None] | None = None,
                 legend: dict[str, CountReading] | None = None) -> None:
    if len(table.rows) > 2 and not any(registry.resolve(c.text) for c in table.rows[0]) and not table.rows[1][0].text.strip() \
            and any(registry.resolve(c.text) for c in table.rows[1][1:]):
        # "| Males, 2022/23 | Programme |" over "| | Drive | CARA |": a merged heading over the programmes' own
        table = Table(rows=table.rows[1:], span=table.span)
    header = table.rows[0]
    routes = {q.route for q in questions}
    route = routes.pop() if len(routes) == 1 else route  # the route the block's questions share, for headings without one
    column_programmes = [registry.resolve(c.text) for c in header]
    if sum(p is not None for p in column_programmes) >= 1:
        # "| Organisation | Drive | CARA |": a row per referrer, each counting its referrals; no row is the answer's
        answer = questions[0] if len(questions) == 1 and not _ORGANISATION_COLUMN_RE.match(header[0].text) else None
        for row in table.rows[1:]:
            question = _classify_row(row[0].text, spec, route) or answer
            if question is None:
                continue
            for cell, programme in zip(row[1:], column_programmes[1:]):
                if programme is not None:
                    _count_cell(programme, cell, *question.count_slot(), legend, registry, spec, facts)
        return
    if _long_table(table, registry, spec, route, legend, facts):
        return
    row_questions = [_classify_row(row[0].text, spec, row_route) for row, row_route in zip(table.rows[1:], _section_routes(table.rows[1:], route))]
    header_routes = [_route_named(c.text.lower()) if i else None for i, c in enumerate(header)]
    if len(registry.programmes) == 1 and len({r for r in header_routes if r}) >= 2 and sum(q is not None for q in row_questions) >= 2:
        # "| Stage | Self-referral | Agency referral | Total |": a row per stage, a column per route (the total
        # column names no route and is left)
        for row in table.rows[1:]:
            for i, column_route in enumerate(header_routes):
                question = _classify_row(row[0].text, spec, column_route) if column_route and i < len(row) else None
                if question is not None and question.route == column_route:
                    _count_cell(registry.programmes[0], row[i], *question.count_slot(), legend, registry, spec, facts)
        return
    if len(registry.programmes) == 1 and len({id(q) for q in row_questions if q is not None}) >= 2:
        # A row per stage and a column per period, in a reply about one programme: the total column
        # ("Measure | Q1 | Q2 | Q3 | Q4 | Total": quarters, not questions 1 to 4), or the only one.
        column = _own_area_column(header, registry)
        if column is None:
            column = next((i for i, c in enumerate(header) if i and _TOTAL_RE.search(c.text)), 1 if len(header) == 2 else None)
        if column is None:
            column = _request_year_column(header, spec)
        if column is None and all(_PERIOD_HEADING_RE.match(c.text) for c in header[1:]):
            # "| Q1 Apr–Jun 2022 | Q2 Jul–Sep 2022 | ... |" with no total column: the periods add up to the year
            for row, question in zip(table.rows[1:], row_questions):
                if question is not None:
                    _sum_of_periods(row, registry.programmes[0], question, facts)
            return
        for row, question in zip(table.rows[1:], row_questions):
            if question is not None and column is not None and column < len(row):
                cell = row[column]
                _count_cell(registry.programmes[0], cell, *question.count_slot(), legend, registry, spec, facts)
        if column is not None:
            return
    # "| Self-referrals | of which accepted | ... | Agency referrals | of which accepted |": a heading without a
    # route has the route of the nearest heading to its left that names one
    column_questions, column_route = [], route
    for i, cell in enumerate(header):
        grouped = column_routes[i] if column_routes and i < len(column_routes) else None
        column_route = _route_named(cell.text.lower()) or grouped or column_route
        column_questions.append(_classify_row(cell.text, spec, column_route))
    if len(questions) == 1 and not any(column_questions[1:]):
        # "| Programme | Number (males, 2022/23) |" under one question: a row per programme, its answer in the
        # only column of figures, else the column of the request's year or population
        value_column = 1 if len(header) == 2 else (_request_year_column(header, spec) or _population_column(header, 1, spec))
        if value_column is not None:
            column_questions = [questions[0] if i == value_column else None for i in range(len(header))]
    # a programme named on a row of its own, over its routes' rows; in a table of one programme's, that programme
    group: Programme | None = registry.programmes[0] if len(registry.programmes) == 1 else None
    for row in table.rows[1:]:
        programme = registry.resolve(row[0].text) or _year_row_programme(row[0].text, registry, spec)
        if programme is not None and not any(c.text.strip() for c in row[1:]):
            group = programme
            continue
        # "| Restart | Self-referral | 50 | 41 | 23 |": a column of routes between the programme and its figures
        row_route = next((r for cell, q in zip(row[1:], column_questions[1:]) if q is None and len(cell.text) <= 40
                          and (r := _route_named(cell.text))), None) if programme is not None else None
        if programme is None and group is not None:
            label = row[0].text
            row_route = _route_named(label) or ("agency" if lexicon.names_stage(label, "referred") else None)
            programme = group if row_route else None
        if programme is None:
            continue
        for cell, question in zip(row[1:], column_questions[1:]):
            if question is not None:
                _count_cell(programme, cell, row_route or question.count_slot()[0], question.count_slot()[1], legend, registry, spec, facts)


_ORGANISATION_COLUMN_RE = re.compile(r"\W*(?:referring\s+)?(?:organisations?|agency|agencies|referrers?|referral\s+sources?|sources?)\W*$", re.IGNORECASE)


def _request_year_column(header: list[Span], spec: RequestSpec) -> int | None:
    """"| Measure | 2021/22 (males) | 2022/23 (males) | 2022/23 (females) |": the column of the request's year, and of
    its population where the year has more than one; None if no one column is both."""
    fy = _fy_pattern(spec.financial_year)
    years = [i for i, c in enumerate(header) if i and fy.search(c.text)]
    if len(years) <= 1:
        return years[0] if years else None
    own = re.compile(lexicon.population_words(spec.population), re.IGNORECASE)
    other = re.compile(lexicon.other_population_words(spec.population), re.IGNORECASE)
    named = [i for i in years if own.search(header[i].text) and not other.search(header[i].text)]
    return named[0] if len(named) == 1 else None


def _own_area_column(header: list[Span], registry: ProgrammeRegistry) -> int | None:
    """"| | Northumbria | Durham | Combined contract |": a contract shared with a neighbour, a column per area; the
    reply's own area's column is the answer, not the combined one."""
    areas = [i for i, c in enumerate(header) if i and c.text.strip().lower() in registry.places]
    if len(areas) < 2 or registry.area is None:
        return None
    return next((i for i in areas if header[i].text.strip().lower() == registry.area.lower()), None)


def _population_column(header: list[Span], first: int, spec: RequestSpec) -> int | None:
    """Which of the figure columns from `first` on counts the requested population: the only one, the one that names
    it ("Of which male"), else none can be told."""
    if len(header) - first == 1:
        return first
    own = re.compile(lexicon.population_words(spec.population), re.IGNORECASE)
    other = re.compile(lexicon.other_population_words(spec.population), re.IGNORECASE)
    named = [i for i in range(first, len(header)) if own.search(header[i].text) and not other.search(header[i].text)]
    return named[0] if len(named) == 1 else None


def _long_table(table: Table, registry: ProgrammeRegistry, spec: RequestSpec, route: str | None,
                legend: dict[str, CountReading] | None, facts: Facts) -> bool:
    """"| Programme | Measure | All participants | Of which male |": a row per programme and stage, the programme
    named on its first row only (the cells under it merged), the figure in the column for the requested population."""
    header = table.rows[0]
    if len(header) < 3 or lexicon.column_holds(header[0].text) != "programme":
        return False
    column = _population_column(header, 2, spec)
    programme: Programme | None = None
    found = []
    for row in table.rows[1:]:
        if len(row) != len(header):
            continue
        programme = registry.resolve(row[0].text) if row[0].text.strip() else programme
        question = _classify_row(row[1].text, spec, route)
        if programme is not None and question is not None and question.route:
            found.append((programme, question, row))
    if len(found) < 2 or column is None:
        return False
    for programme, question, row in found:
        _count_cell(programme, row[column], *question.count_slot(), legend, registry, spec, facts)
    return True


# --- money ---------------------------------------------------------------------------------------


_ANY_FY_RE = re.compile(r"(?<![\d/])(?:FY\s*)?(?:19|20)\d{2}\s*[/\-–]\s*(?:19|20)?\d{2}(?![\d/])")
_DIGIT_RE = re.compile(r"\d")


def _request_year_part(span: Span, fy: re.Pattern[str]) -> Span:
    """Where an answer gives several financial years ("2021/22: 12; 2022/23: 19", "140 (2021/22: 121)", "12 in
    2021/22 and 19 in 2022/23"), the part that speaks of the request's year: after its label, else before it."""
    labels = list(_ANY_FY_RE.finditer(span.text))
    if len(labels) < 2 or len({fy.search(m.group()) is not None for m in labels}) < 2:
        return span
    i = next(i for i, m in enumerate(labels) if fy.search(m.group()))
    after = span.sub(labels[i].end(), labels[i + 1].start() if i + 1 < len(labels) else len(span.text))
    if _DIGIT_RE.search(after.text):
        return after
    before = span.sub(labels[i - 1].end() if i > 0 else 0, labels[i].start())
    return before if _DIGIT_RE.search(before.text) else span


@lru_cache(maxsize=16)
def _fy_pattern(financial_year: str) -> re.Pattern[str]:
    m = re.match(r"(\d{4})\D+(\d{2,4})", financial_year)
    if not m:
        return re.compile(re.escape(financial_year))
    a, b = m.group(1), m.group(2)
    b2, b4 = b[-2:], (a[:2] + b[-2:]) if len(b) == 2 else b
    return re.compile(FY_RE_TEMPLATE.format(a=a, b2=b2, b4=b4))


def _budget_row_per_column(table: Table, registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts) -> bool:
    """"| Contributor | CARA | DABCP |" over the funders' rows and "| Budget incl. running costs | 210000 | 385000 |"
    (else "| Total | ... |" under a funders' heading): a column per programme, the budget row gives each its budget."""
    columns = [registry.resolve(c.text) for c in table.rows[0]]
    if sum(p is not None for p in columns[1:]) < 1 or columns[0] is not None:
        return False
    rows = table.rows[1:]
    budget = [r for r in rows if _BUDGET_COLUMN_RE.search(r[0].text) and lexicon.stage_named(r[0].text) is None]
    if not budget and _FUNDERS_COLUMN_RE.search(table.rows[0][0].text):
        budget = [r for r in rows if lexicon.SUM_ROW_RE.match(r[0].text)]
    if len(budget) != 1:
        return False
    read = False
    for cell, programme in zip(budget[0][1:], columns[1:]):
        if programme is None or not cell.text.strip():
            continue
        read = _bare_amount(programme, cell, spec, facts) or \
            _money_piece(Piece(programme, cell), cell, registry, spec, facts, rule_prefix="budget:table") or read
    return read


_BARE_AMOUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d{3,9}(?:\.\d{2})?")


def read_money_block(body: Span, registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts) -> None:
    tables = find_tables(body)
    rows_read = False
    for table in tables:
        if _budget_row_per_column(table, registry, spec, facts) or _budget_rows_by_programme_column(table, registry, spec, facts):
            rows_read = True
            continue
        for row in table.rows:
            named = registry.resolve(row[0].text)
            programme = named or _year_row_programme(row[0].text, registry, spec)
            if programme is None:  # a "Total" row, a heading or another year: not a programme's budget
                continue
            rows_read = True
            for cell in row[1:]:
                if _money_piece(Piece(programme, cell), cell, registry, spec, facts, rule_prefix="budget:table", of_request_year=named is None):
                    break
    if rows_read:
        return
    # no row names a programme or a year ("| 10. Budget | The contract runs ... |"): the answer's words say
    for piece in pieces(body, registry, lambda: [body.start + m.start for m in find_money(body.text)]):
        _money_piece(piece, _after_label(piece), registry, spec, facts)


def read_money_of_sentences(sentences: list[tuple[Span, Programme | None]], registry: ProgrammeRegistry, spec: RequestSpec,
                            facts: Facts) -> None:
    """A letter in sentences about several programmes: a sentence's amounts are the programme's it, or its paragraph,
    is about ("Inspire to Change is jointly funded ... The annual budget is £318,000"); one naming several is cut
    between them."""
    for sentence, programme in sentences:
        amounts = find_money(sentence.text)
        if not amounts:
            continue
        if programme is not None:
            _money_piece(Piece(programme, sentence), sentence, registry, spec, facts)
            continue
        for piece in pieces(sentence, registry, [sentence.start + m.start for m in amounts]):
            _money_piece(piece, _after_label(piece), registry, spec, facts)


_BARE_AMOUNT_RE = re.compile(r"(?P<amount>[1-9]\d{0,2}(?:,\d{3})+(?:\.\d{2})?|[1-9]\d{2,8}(?:\.\d{2})?)\.?")
_YEAR_LIKE_RE = re.compile(r"(?:19|20)\d\d")
_OTHER_YEAR_RE = re.compile(r"\b(?:first|previous|last|prior)[- ]year\b|\b20\d\d\b")
_TOTAL_RE = re.compile(r"\btotal\b|\bcombined\b|\boverall\b", re.IGNORECASE)
_YEAR_WORD_RE = re.compile(r"year")
_ANNUAL_OR_PER_RE = re.compile(r"annual|per")


_CLAUSE_BREAK_RE = re.compile(r"[,;–—]\s|\s\(")


def _clause_of(text: str, start: int, end: int, sentence_start: int, sentence_end: int) -> str:
    """The clause of a sentence an amount stands in: from the comma, semicolon, dash or bracket before it to the one after."""
    before = [m.end() for m in _CLAUSE_BREAK_RE.finditer(text, sentence_start, start)]
    after = _CLAUSE_BREAK_RE.search(text, end, sentence_end)
    return text[before[-1] if before else sentence_start : after.start() if after else sentence_end]


_WRAPPED_LINE_END_RE = re.compile(r"(?<=[^.:;!?\s])\n(?=\S)")


def _unwrapped(text: str) -> str:
    """The text with the line breaks of a wrapped paragraph made spaces (offsets kept): a long line that ends no
    sentence goes on on the next one ("... is £318,000; the three-year contract is worth\n£954,000 in total")."""
    return _WRAPPED_LINE_END_RE.sub(lambda m: " " if m.start() - (text.rfind("\n", 0, m.start()) + 1) >= WRAP_WIDTH else "\n", text)


def _money_piece(piece: Piece, text_span: Span, registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts, rule_prefix: str = "budget",
                 of_request_year: bool = False) -> bool:
    """The amount or status one piece of a budget answer gives; `of_request_year` when it stands in that year's row."""
    fy = _fy_pattern(spec.financial_year)
    whole, text_span = text_span, _request_year_part(text_span, fy)
    amounts = find_money(text_span.text)
    target = piece.programme or (registry.programmes[0] if len(registry.programmes) == 1 else None)
    if amounts:
        flat = _unwrapped(text_span.text)

        def rank(m: MoneyReading) -> tuple:
            sentence_start = max(flat.rfind(". ", 0, m.start), flat.rfind("\n", 0, m.start), 0)
            sentence_end = min([i for i in (flat.find(". ", m.end), flat.find("\n", m.end)) if i >= 0] or [len(flat)])
            sentence = flat[sentence_start:sentence_end]
            # "a contract worth £1.2m over 2021 to 2024, of which £400,000 relates to 2022/23": with two amounts in
            # one sentence, each clause says which is the contract's and which the year's
            in_sentence = [a for a in amounts if sentence_start <= a.start < sentence_end]
            clause = _clause_of(flat, m.start, m.end, sentence_start, sentence_end) if len(in_sentence) > 1 else sentence
            depth = flat[: m.start].count("(") - flat[: m.start].count(")")
            multi_year = bool(MULTI_YEAR_RE.search(clause)) or bool(m.period and _YEAR_WORD_RE.search(m.period) and not _ANNUAL_OR_PER_RE.search(m.period or ""))
            other_year = bool(_OTHER_YEAR_RE.search(sentence)) and not fy.search(sentence)
            total = bool(_TOTAL_RE.search(sentence)) and len(amounts) > 1
            return (depth > 0, multi_year, other_year, total, not fy.search(clause), not fy.search(sentence), m.start)
        chosen = min(amounts, key=rank)
        span = text_span.sub(chosen.start, chosen.end)
        period = chosen.period
        if period is None and (of_request_year or fy.search(whole.text)):
            period = spec.financial_year
        others = [text_span.text[m.start : m.end] for m in amounts if m is not chosen]
        note = f"other amounts in the answer: {', '.join(others)}" if others else None
        facts.money.append(MoneyFact(target, "value", chosen.amount, period, span, f"{rule_prefix}:{chosen.rule}", note))
        if target is None and len(registry.programmes) > 1:
            facts.reviews.append(Review("amount_gbp", "a budget that the reply does not split by programme; recorded for the whole reply", span, table="budgets", value=str(chosen.amount)))
        return True
    bare = _BARE_AMOUNT_RE.fullmatch(text_span.text.strip())
    if bare and not _YEAR_LIKE_RE.fullmatch(bare.group("amount")):
        # "10. Budget\n95,000": the budget question asks for pounds, so a figure alone is an amount in pounds
        span = text_span.strip()
        span = span.sub(0, len(bare.group("amount")))
        amount = Decimal(bare.group("amount").replace(",", "")).quantize(Decimal("0.01"))
        facts.money.append(MoneyFact(target, "value", amount, None, span, f"{rule_prefix}:bare_number", "no currency written; read as pounds"))
        return True
    if not may_state_status(text_span.text):
        return False  # no amount, and no status that stands for one
    reading = read_count(text_span.text)
    if reading.status in {"refused", "not_held", "not_applicable"}:
        span = text_span.sub(reading.start, reading.end) if reading.end > reading.start else text_span.strip()
        for programme in ([target] if target else _or_unnamed(registry.programmes)):
            facts.money.append(MoneyFact(programme, reading.status, None, None, span, f"{rule_prefix}:{reading.rule}"))
        return True
    return False


# --- funders and referrers -----------------------------------------------------------------------


_OFFICE_ACRONYM = r"(?:OPCC|OPFCC|PCC|PFCC|OPCVC|PCVC)"


@lru_cache(maxsize=1024)
def _authority_place(authority: str, places: frozenset[str]) -> str | None:
    """The place in the office's name ("... for Norfolk", "Nottinghamshire Office of ...", "Office of the
    Staffordshire Commissioner"): the longest known place it contains."""
    lowered = authority.lower()
    found = [p for p in places if re.search(rf"\b{re.escape(p)}\b", lowered)]
    if not found:
        return None
    place = max(found, key=len)
    start = lowered.index(place)
    return authority[start : start + len(place)]


def expand_self_reference(org: OrgMention, authority: str | None, places: frozenset[str] = frozenset()) -> OrgMention:
    """The letter's own office however it names itself: "the OPCC", "the OPCC for Cleveland", "Police and Crime
    Commissioner for Suffolk", "the Staffordshire Commissioner's Office", "OPCCN", "NOPCC" (its place's initials)."""
    if not authority:
        return org
    written = org.as_written.strip()
    candidates = [written]
    place = _authority_place(authority, places)
    if place:
        name = re.escape(place).replace(r"\ ", r"\s+")
        candidates.append(re.sub(rf"\s*(?:\bfor\s+(?:the\s+)?)?\b{name}(?:['’]s)?(?=\s|$)\s*", " ", written, flags=re.IGNORECASE).strip())
        initials = "".join(w[0] for w in place.split() if w[:1].isupper())
        if initials and re.fullmatch(rf"(?:{initials}{_OFFICE_ACRONYM}|{_OFFICE_ACRONYM}{initials})", written):
            candidates.append(written[len(initials):] if written.startswith(initials) else written[: -len(initials)])
    if any(c and SELF_REFERENCE_RE.match(c) for c in candidates):
        return OrgMention(name=authority, as_written=org.as_written, span=org.span)
    return org


_ORG_CLAUSE_CUT_RE = re.compile(r";|\.\s+|\n")
_EVERY_PROGRAMME_RE = re.compile(r"\b(?:both|all|each|either|neither|every)\b", re.IGNORECASE)


def _org_pieces(body: Span, registry: ProgrammeRegistry) -> list[Piece]:
    """Per-programme parts of a funders/referrers answer: "CARA: X" labels, else sentences or ';'-clauses
    that each name one programme ("SAI is funded by the Home Office; HRP by the OPCC"). Sentences before the
    first label are cut the same way ("Drive is funded by X. CARA by Y." above "Drive: £140,000")."""
    labelled = pieces(body, registry)
    if len(registry.programmes) < 2:
        return labelled
    if any(p.label is not None for p in labelled):
        lead = labelled[0] if labelled[0].label is None and labelled[0].programme is None else None
        if lead is not None and len({p.name for _, p in mentions(lead.span, registry)}) >= 2:
            return [*_clauses_naming_one(lead.span, registry), *labelled[1:]]
        return labelled
    if len({p.name for _, p in mentions(body, registry)}) < 2:
        return labelled
    return _clauses_naming_one(body, registry)


def _clauses_naming_one(body: Span, registry: ProgrammeRegistry) -> list[Piece]:
    out: list[Piece] = []
    pos = 0
    cut_before = "\n"
    for m in [*_ORG_CLAUSE_CUT_RE.finditer(body.text), None]:
        end = m.start() if m else len(body.text)
        clause = body.sub(pos, end)
        pos = m.end() if m else len(body.text)
        cut, cut_before = cut_before, (m.group() if m else "\n")
        if not clause:
            continue
        if not mentions(clause, registry) and out and out[-1].programme is not None and "\n" not in cut \
                and not _EVERY_PROGRAMME_RE.search(clause.text):
            # "X received referrals from: A; B; and C. The agencies that ... were D and E": the same paragraph
            # goes on about the programme it named
            out.append(Piece(out[-1].programme, clause))
            continue
        found = mentions(clause, registry)
        programmes = {p.name: p for _, p in found}
        if len(programmes) == 1 and found[0][0].start - clause.start < 3:
            out.append(Piece(found[0][1], clause, label=found[0][0]))
        elif len(programmes) == 1 and not _has_parenthetical_programme(clause, registry):
            out.append(Piece(found[0][1], clause))
        else:
            out.append(Piece(None, clause))
    return out


def _has_parenthetical_programme(span: Span, registry: ProgrammeRegistry) -> bool:
    return any(span.text[max(0, s.start - span.start - 1) : s.start - span.start] == "(" for s, _ in mentions(span, registry))


_ALL_PROGRAMMES_RE = re.compile(r"^\s*\((?:for\s+)?(?:both|all)(?:\s+(?:programmes|interventions|services|projects))?\)", re.IGNORECASE)


_TRAILING_PARENTHESIS_RE = re.compile(r"\s*\(([^()]{1,80})\)$")
_LEADING_PARENTHESIS_RE = re.compile(r"\s*\(([^)]{1,80})\)")


def _org_targets(text_span: Span, org: OrgMention, default: list, registry: ProgrammeRegistry, orgs: OrganisationCatalogue) -> tuple[OrgMention, list]:
    """An organisation followed by "(Drive)" or "(both programmes)" funds or refers for those programmes only."""
    inside = _TRAILING_PARENTHESIS_RE.search(org.span.text)
    if inside:
        inner = org.span.sub(inside.start(1), inside.end(1))
        named = {p.name: p for _, p in mentions(inner, registry)}
        if named or _ALL_PROGRAMMES_RE.match(org.span.text[inside.start():]):
            trimmed = org.span.sub(0, inside.start())
            org = OrgMention(name=orgs.normalise(trimmed.text), as_written=trimmed.text, span=trimmed)
            return org, list(named.values()) or list(registry.programmes) or default
    after = text_span.text[org.span.end - text_span.start :]
    if _ALL_PROGRAMMES_RE.match(after):
        return org, list(registry.programmes) or default
    m = _LEADING_PARENTHESIS_RE.match(after)
    if m:
        inner = text_span.sub(org.span.end - text_span.start + m.start(1), org.span.end - text_span.start + m.end(1))
        named = {p.name: p for _, p in mentions(inner, registry)}
        if named:
            return org, list(named.values())
    return org, default


_CLAUSE_BEFORE_CUT_RE = re.compile(r"[.;,\n]|\band\b")
_CLAUSE_AFTER_CUT_RE = re.compile(r"[.;,\n]|\band\b|\bwith\b")


def _contribution(text_span: Span, org: OrgMention, found: list[OrgMention]) -> str:
    """Cash or in kind, from the words just before and just after this organisation (not its neighbours')."""
    text = text_span.text
    start, end = org.span.start - text_span.start, org.span.end - text_span.start
    before = _CLAUSE_BEFORE_CUT_RE.split(text[max(0, start - 80) : start])[-1]
    after = _CLAUSE_AFTER_CUT_RE.split(text[end : end + 100])[0]
    window = before + " " + after
    if IN_KIND_RE.search(window):
        return "in_kind"
    if CASH_RE.search(window):
        return "cash"
    # "funded by the PCC and the County Council": the cue that introduces a list speaks for all of it
    before_match = _SENTENCE_BEFORE_RE.search(text[max(0, start - 200) : start])  # may be empty: it always matches
    sentence = before_match.group() if before_match else ""
    cues = list(FUNDER_CUE_RE.finditer(sentence))
    if cues:
        cue = sentence[max(0, cues[-1].start() - 30) : cues[-1].end()]
        return "in_kind" if IN_KIND_RE.search(cue) else "cash" if CASH_RE.search(cue) else "unknown"
    return "unknown"


_SENTENCE_BEFORE_RE = re.compile(r"[^.;\n]*$")


_COST_LIMIT_RE = re.compile(r"section\s*12|cost\s+limit|appropriate\s+limit", re.IGNORECASE)


def read_org_block(
    body: Span, kind: str, registry: ProgrammeRegistry, orgs: OrganisationCatalogue, authority: str | None, facts: Facts
) -> None:
    """Funders or referrers named in an answer, per programme where the answer splits them."""
    if _refuses(body.text):
        labelled = [(p.programme, p.span) for p in _org_pieces(body, registry) if p.programme is not None]
        if len({programme.name for programme, _ in labelled}) < 2:
            return
        # "Project Shift: all referrals were made by Humberside Police. Strength to Change: ... would exceed the
        # cost limit": each programme's part is answered or refused on its own
        for programme, span in labelled:
            if not _refuses(span.text):
                _org_text(span, kind, registry.only(programme), orgs, authority, facts)
        return
    tables = find_tables(body)
    found = facts.funders if kind == "funders" else facts.referrers
    before = len(found)
    for table in tables:
        _org_table(table, kind, registry, orgs, authority, facts, _introduced_programme(body, table, registry))
    # around a table that named them, the sentences ("Table 2 lists each organisation that ...") add only bodies
    # named after a cue
    for part in outside_tables(body, tables) if tables else [body]:
        _org_text(part, kind, registry, orgs, authority, facts, cues_only=len(found) > before and not _LIST_LINE_RE.search(part.text))


_LIST_LINE_RE = re.compile(r"^[^\S\n]*(?:[-•*–·▪]|\(?[a-z0-9]{1,2}[.)])[^\S\n]+\S", re.MULTILINE)  # a bulleted or lettered line


def _refuses(text: str) -> bool:
    refused = may_state_status(text) and read_count(text).status == "refused"
    return refused or bool(EXEMPTION_RE.search(text) and _COST_LIMIT_RE.search(text))


def _introduced_programme(body: Span, table: Table, registry: ProgrammeRegistry) -> Programme | None:
    """The one programme the line above a table names ("Inspire to Change referrals by organisation:"): the
    table's rows are its own."""
    above = body.text[: table.span.start - body.start].rstrip()
    if not above.endswith(":"):
        return None
    line = body.sub(above.rfind("\n") + 1, len(above))
    named = {p.name: p for _, p in mentions(line, registry)}
    return next(iter(named.values())) if len(named) == 1 else None


_FUNDER_HEADING_RE = re.compile(r"fund|contribut|financ|partner|source", re.IGNORECASE)
_REFERRER_HEADING_RE = re.compile(r"refer|agenc|organisation|source", re.IGNORECASE)


def _org_table(table: Table, kind: str, registry: ProgrammeRegistry, orgs: OrganisationCatalogue, authority: str | None, facts: Facts,
               introduced: Programme | None = None) -> None:
    """"| Funder | Contribution |" tables: an organisation per row in the first column; the rest of the row says
    how it contributes and, if it names one, for which programme."""
    header = table.rows[0]
    row_programmes: list[Programme | None] = []
    for row in table.rows[1:]:
        # "| Drive | Home Office | £90,000 |" then "| | OPCC | £40,000 |": a programme's cell merged down its rows
        carried = row_programmes[-1] if row_programmes and not row[0].text.strip() and len(row) > 1 else None
        row_programmes.append(registry.resolve(row[0].text) or carried)
    if sum(p is not None for p in row_programmes) * 2 > len(row_programmes) and len(header) > 1:
        # "| Programme | Funding partners | Budget |": a row per programme, its organisations in the column that
        # names them (else the second)
        heading = _FUNDER_HEADING_RE if kind == "funders" else _REFERRER_HEADING_RE
        column = next((i for i, cell in enumerate(header) if i and heading.search(cell.text)), 1)
        for row, programme in zip(table.rows[1:], row_programmes):
            if programme is None or column >= len(row):
                continue
            for org in split_organisations(row[column], orgs, lenient=True):
                fact = OrgFact(programme, expand_self_reference(org, authority, registry.places), f"{kind}:table", "unknown")
                (facts.funders if kind == "funders" else facts.referrers).append(fact)
        return
    rows = table.rows if split_organisations(header[0], orgs) else table.rows[1:]  # a header names no organisation
    columns = [registry.resolve(cell.text) for cell in header]  # "| Funder | Drive | Change Hub |": a column per programme
    for row in rows:
        if _BUDGET_ROW_RE.search(row[0].text) and not looks_like_org(row[0].text, orgs):
            continue  # "| Q10 Budget incl. running costs | 210000 |": the sum of the funders' rows, no funder
        rest = " ".join(cell.text for cell in row[1:])
        named = [p for cell in row[1:] for _, p in mentions(cell, registry)]
        named += [p for cell, p in zip(row[1:], columns[1:]) if p is not None and cell.text.strip(" -–—0").lower() not in _NOT_A_REFERRAL]
        targets = list({id(p): p for p in named}.values()) or ([introduced] if introduced else _or_unnamed(registry.programmes))
        contribution = "in_kind" if IN_KIND_RE.search(rest) else "cash" if CASH_RE.search(rest) else "unknown"
        for org in _not_programmes(split_organisations(row[0], orgs, lenient=True), registry):
            org = expand_self_reference(org, authority, registry.places)
            for programme in targets:
                fact = OrgFact(programme, org, f"{kind}:table", contribution if kind == "funders" else "unknown")
                (facts.funders if kind == "funders" else facts.referrers).append(fact)


_BUDGET_ROW_RE = re.compile(r"\bbudget\b|\b(?:running|total)\s+costs?\b", re.IGNORECASE)
_NOT_A_REFERRAL = {"", "n/a", "nil", "none", "no", "✗", "✘"}  # a cell of a Yes/No matrix that says no
_FUNDERS_COLUMN_RE = re.compile(r"fund|contribut|financ", re.IGNORECASE)
_REFERRERS_COLUMN_RE = re.compile(r"refer", re.IGNORECASE)
_BUDGET_COLUMN_RE = re.compile(r"budget|cost|£", re.IGNORECASE)


def read_programme_tables(body: Span, registry: ProgrammeRegistry, orgs: OrganisationCatalogue, authority: str | None,
                          spec: RequestSpec, facts: Facts, answered: set[str]) -> None:
    """A sheet with a row per programme whose columns answer the request ("| Programme | Organisations that made
    referrals (Q8) | Financial contributors (Q9) |", "| ... | Budget 2022/23 |"), standing apart from the answers:
    each row's cells are its programme's referrers, funders and budget. Kinds already `answered` are left."""
    for table in find_tables(body):
        read = one_header_row(table)
        header = read.rows[0]
        rows = read.rows[1:]
        if _funders_by_programme_column(read, registry, orgs, authority, spec, facts, answered):
            continue
        if lexicon.column_holds(header[0].text.strip()) != "programme" or \
                sum(registry.resolve(row[0].text) is not None for row in rows) * 2 <= len(rows):
            continue
        for kind, pattern in (("funders", _FUNDERS_COLUMN_RE), ("referrers", _REFERRERS_COLUMN_RE)):
            if kind not in answered and any(pattern.search(c.text) for c in header[1:]):
                _org_table(read, kind, registry, orgs, authority, facts)
        budget = next((i for i, c in enumerate(header) if i and _BUDGET_COLUMN_RE.search(c.text)), None)
        if "budgets" in answered or budget is None:
            continue
        of_year = bool(_fy_pattern(spec.financial_year).search(header[budget].text))
        for row in rows:
            programme = registry.resolve(row[0].text)
            if programme is not None and budget < len(row) and row[budget].text.strip():
                _money_piece(Piece(programme, row[budget]), row[budget], registry, spec, facts, "budget:table", of_request_year=of_year)


def _programme_column(table: Table, registry: ProgrammeRegistry) -> int | None:
    """The column after the first whose cells name programmes on most rows ("| Funder | Programme | Amount |")."""
    header, rows = table.rows[0], table.rows[1:]
    if not rows:
        return None
    return next((i for i in range(1, len(header)) if sum(registry.resolve(r[i].text) is not None for r in rows if i < len(r)) * 2 > len(rows)), None)


def _budget_cells(programme: Programme, cells: list[Span], registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts) -> bool:
    """The first amount in a budget row's cells, in pounds when the row says it is money ("| Budget | 212500 |")."""
    for cell in cells:
        if _bare_amount(programme, cell, spec, facts):
            return True
        if find_money(cell.text) and _money_piece(Piece(programme, cell), cell, registry, spec, facts, "budget:table"):
            return True
    return False


def _bare_amount(programme: Programme, cell: Span, spec: RequestSpec, facts: Facts) -> bool:
    """A sheet's cell that holds the number where the row says it is money: "| Budget | 210000 |" is £210,000."""
    bare = _BARE_AMOUNT_RE.fullmatch(cell.text.strip())
    if bare is None or find_money(cell.text):
        return False
    facts.money.append(MoneyFact(programme, "value", Decimal(bare.group().replace(",", "")).quantize(Decimal("0.01")),
                                 spec.financial_year, cell, "budget:table:bare_amount", None))
    return True


def _budget_rows_by_programme_column(table: Table, registry: ProgrammeRegistry, spec: RequestSpec, facts: Facts) -> bool:
    """"| Budget inclusive of running costs | Safer Futures | 212500 |", "| | Drive | 176000 |": a budget row for
    each programme its programme column names (the label's cell merged down)."""
    column = _programme_column(table, registry) if len(registry.programmes) >= 2 else None
    if column is None:
        return False
    label, read = "", False
    for row in table.rows[1:]:
        label = row[0].text.strip() or label
        programme = registry.resolve(row[column].text) if column < len(row) else None
        if programme is not None and _BUDGET_ROW_RE.search(label) and not lexicon.SUM_ROW_RE.match(label):
            read = _budget_cells(programme, [c for i, c in enumerate(row) if i not in (0, column)], registry, spec, facts) or read
    return read


def _funders_by_programme_column(table: Table, registry: ProgrammeRegistry, orgs: OrganisationCatalogue, authority: str | None,
                                 spec: RequestSpec, facts: Facts, answered: set[str]) -> bool:
    """"| Funder | Programme | 2022/23 contribution (£) | Type |": a row per funder and programme, then "| Budget
    inclusive of running costs | Safer Futures | 212500 |" and "| | Drive | 176000 |" (the label's cell merged down):
    each row funds, or budgets, the programme its programme column names."""
    header, rows = table.rows[0], table.rows[1:]
    if not _FUNDER_HEADING_RE.search(header[0].text) or len(header) < 3 or len(registry.programmes) < 2:
        return False
    column = _programme_column(table, registry)
    if column is None:
        return False
    if "budgets" not in answered:
        _budget_rows_by_programme_column(table, registry, spec, facts)
    if "funders" in answered:
        return True
    label = ""
    for row in rows:
        if column >= len(row):
            continue
        label = row[0].text.strip() or label
        programme = registry.resolve(row[column].text)
        if programme is None or lexicon.SUM_ROW_RE.match(label) or _BUDGET_ROW_RE.search(label) or not row[0].text.strip():
            continue
        rest = [c for i, c in enumerate(row) if i not in (0, column)]
        words = " ".join(c.text for c in rest)
        contribution = "in_kind" if IN_KIND_RE.search(words) else "cash" if CASH_RE.search(words) else "unknown"
        for org in split_organisations(row[0], orgs, lenient=True):
            facts.funders.append(OrgFact(programme, expand_self_reference(org, authority, registry.places), "funders:table", contribution))
    return True


def _not_programmes(found: list[OrgMention], registry: ProgrammeRegistry) -> list[OrgMention]:
    """A programme's own name heading its list of referrers ("(a) DAPP:") is no organisation."""
    names = {n.lower() for p in registry.programmes for n in p.names()}
    return [o for o in found if o.as_written.strip().lower() not in names]


def read_funders_of_budget(body: Span, registry: ProgrammeRegistry, orgs: OrganisationCatalogue, authority: str | None, facts: Facts) -> None:
    """A budget answer that says where the money came from ("£95,000 from the Home Office"): those funders, named after a cue only."""
    if FUNDER_CUE_RE.search(body.text) or FUNDING_SOURCE_RE.search(body.text):
        _org_text(body, "funders", registry, orgs, authority, facts, cues_only=True)


def _org_text(body: Span, kind: str, registry: ProgrammeRegistry, orgs: OrganisationCatalogue, authority: str | None, facts: Facts,
              cues_only: bool = False) -> None:
    for piece in _org_pieces(body, registry):
        text_span = _after_label(piece)
        cue = FUNDER_CUE_RE if kind == "funders" else REFERRER_CUE_RE
        found = organisations_after(text_span, cue, orgs)
        if kind == "funders" and not cues_only:
            for m in PARTNERSHIP_FUNDER_RE.finditer(text_span.text):
                span = text_span.sub(m.start("name"), m.end("name"))
                found.append(OrgMention(name=span.text, as_written=span.text, span=span))
        if not found and not cues_only:
            found = split_organisations(text_span, orgs)
        if kind == "funders":
            found += [o for o in organisations_after(text_span, FUNDING_SOURCE_RE, orgs) if all(o.name != f.name for f in found)]
        targets: list[Programme | None]
        if piece.programme is not None:
            targets = [piece.programme]
        else:
            named = {p.name: p for _, p in mentions(text_span, registry)}
            targets = list(named.values()) if 0 < len(named) < len(registry.programmes) and not _has_parenthetical_programme(text_span, registry) else _or_unnamed(registry.programmes)
        for org in _not_programmes(found, registry):
            contribution = _contribution(text_span, org, found) if kind == "funders" else "unknown"
            org, org_targets = _org_targets(text_span, org, targets, registry, orgs)
            org = expand_self_reference(org, authority, registry.places)
            for programme in org_targets:
                fact = OrgFact(programme, org, f"{kind}:{'cue' if cue.search(text_span.text) else 'list'}", contribution)
                (facts.funders if kind == "funders" else facts.referrers).append(fact)
