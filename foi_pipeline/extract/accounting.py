"""Figure accounting: every figure a reply's answers give is read into a fact, or listed for a person to check.

A figure is a count (digits or words), an amount of money, a percentage or a phrase that stands for a figure
("N/A", "not held", "fewer than 5", "*", "withheld under section 40"). The readers in `quantities` already
know what is no figure (dates, years, times, telephone numbers, references, sections of the Act, durations,
ages, page numbers); the rules here add what only shows beside the facts read from the same answer:

- a status phrase is accounted for when its answer read that status (the rest explains it);
- a percentage, or an amount, in the sentence of a fact read is part of that fact ("203 (approx. 10% of these
  were women)", "the council (£30,000)");
- an amount equal to a budget read, or to the sum of several, repeats or totals them;
- a key under a table ("<5 – a figure between 1 and 4") explains symbols, and gives none;
- an item's number ("1.", "(2)") at the start of a line or cell, "question 5", the cost limit (£450) and a
  number of things that are not people ("three strands", "two programmes") are no figures of the request;
- in answers that feed no count, budget or organisation (scope, evaluation), only money and counts of people
  are figures.

Text outside the answers (the quoted request, the letter head, the boilerplate after the answers) is never
looked at.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.organisations import ORG_NOUN_RE
from foi_pipeline.extract.quantities import find_counts, find_money, find_status_phrases, sentence_spans
from foi_pipeline.extract.spans import Span
from foi_pipeline.specs import Question

UNREAD_FIELD = "unread_figure"
UNANSWERED_FIELD = "answered_unread"
FACT_TABLES = ("funnel_counts", "budgets", "funders", "referrers")
ORG_TABLES = {"funders": "funder", "referrers": "organisation"}  # table -> the column naming the organisation

_PERCENT_RE = re.compile(r"(?<![\w.])[0-9]+(?:\.[0-9]+)?[ \t]?(?:%|per[ \t]?cent\b|percent\b)", re.IGNORECASE)
# Things a number may count that are not the people the request asks about.
_NOT_PEOPLE = (
    r"programmes?|programs?|services?|interventions?|courses?|projects?|schemes?|strands?|elements?|components?|"
    r"providers?|organisations?|organizations?|agenc(?:y|ies)|partners?|contracts?|grants?|lots?|areas?|districts?|"
    r"boroughs?|councils?|authorities|forces?|staff|workers?|facilitators?|practitioners?|officers?|posts?|roles?|"
    r"groups?|cohorts?|sessions?|modules?|stages?|phases?|steps?|levels?|tiers?|options?|pathways?|routes?|"
    r"questions?|parts?|pages?|appendi(?:x|ces)|tables?|times|occasions?|years?|months?|weeks?|days?|hours?"
)
_NUMBER_WORD = r"[0-9][0-9,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|both"
_NOT_A_FIGURE_RES = [
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        r"(?:^|(?<=[|\t]))[ \t]*(?:[-•·*][ \t]*)?\(?[0-9]{1,2}[.)](?=[ \t]|$)",  # an item's number: "1. Drive", "| 2. Self-referred"
        r"£[ \t]?450\b(?![,.][0-9])",  # the cost limit of section 12
        r"\b(?:questions?|q)[ \t.]*[0-9]{1,2}(?:[ \t]*(?:-|–|to|and|&|,)[ \t]*(?:q[ \t.]*)?[0-9]{1,2})*\b",  # "question 5", "Q2-Q4"
        r"\b(?:" + _NUMBER_WORD + r")(?:[ \t]+[a-z]+(?:-[a-z]+)?)?[ \t]+(?:" + _NOT_PEOPLE + r")\b",
        # a house number: "5 Church Street", "22-24 Water Lane"
        r"\b[0-9]{1,4}[a-z]?(?:[ \t]*[-–][ \t]*[0-9]{1,4})?,?[ \t]+(?:[A-Z][a-z]+[ \t]+){1,3}(?-i:Street|Road|Lane|Avenue|Way|Place|Square|Close|"
        r"Crescent|Terrace|Gardens|Court|Parade|Row|Walk|Hill|Park|Green|Gate|Quay|Wharf|Yard|Mews)\b",
        # people still on the programme beside those who completed: "a further 9 remained on the programme"
        r"\b(?:a[ \t]+further|another|an[ \t]+additional|a[ \t]+further[ \t]+group[ \t]+of)[ \t]+[0-9]+\b(?=[^.;\n]{0,80}?"
        r"\b(?:still|remain(?:ed|s|ing)?|ongoing|continu(?:e|ed|ing)|not[ \t]+(?:counted|included)|excluded|waiting|on[ \t]+the[ \t]+waiting))",
    )
]
# A line that explains symbols or exemptions: its status words are explanations, not answers.
_NOTE_LINE_RE = re.compile(r"^[ \t]*(?:(?:key|notes?|footnotes?)\b|[*†‡§¹²³])[ \t]*[:.–—-]?[^\n]*$", re.IGNORECASE | re.MULTILINE)
_TOTAL_WORD_RE = re.compile(r"\b(?:total|overall|altogether|combined|in[ \t]+all)\b", re.IGNORECASE)
_PEOPLE_AFTER_RE = re.compile(r"[ \t]+(?:(?:[a-z-]+[ \t]+)?" + lexicon.PEOPLE_WORDS + "|" + "|".join(lexicon.STATED_STAGE_WORDS.values()) + ")",
                              re.IGNORECASE)
# "<5 – a figure between 1 and 4, withheld": a symbol, a dash or colon, what it means.
_KEY_LINE_RE = re.compile(r"^[ \t]*[\"“']?(?P<symbol>[^\s:=–—-][^\n:=–—]{0,14}?)[\"”']?[ \t]*(?:[:=–—]|[ \t]-)[ \t]+\S[^\n]*$", re.MULTILINE)


@dataclass(frozen=True)
class Region:
    """A stretch of the reply that answers: an answer block's body with the questions it was aligned to, or a
    letter read as prose (no questions)."""

    span: Span
    questions: tuple[Question, ...] = ()
    heading: str = ""
    statuses: frozenset[str] = frozenset()  # what the answers table says these questions' answers state
    figures: bool = True  # False for text read for names only
    introduction: bool = False  # the text before the first answer: programmes, and any figure no answer took


@dataclass(frozen=True)
class Figure:
    kind: str  # count | money | percentage | status
    span: Span
    status: str = "value"  # for a status phrase: not_applicable, not_held, refused, suppressed
    amount: Decimal | None = None


@dataclass(frozen=True)
class Mark:
    """Where a fact (or a review item) points: its span, its table and what it says."""

    start: int
    end: int
    table: str
    status: str | None = None
    amount: Decimal | None = None  # a budget's amount, or a count's value
    programme: str | None = None
    review: bool = False  # a review item about the table, not a fact of it


def figures_in(span: Span, whole: str = "") -> list[Figure]:
    """Every figure in the span, in order; a figure inside another (the digits of an amount) counts once.
    `whole` is the reply's text, where a key's symbols are looked for."""
    text = span.text
    found: list[Figure] = []
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for p in _NOT_A_FIGURE_RES for m in p.finditer(text)]
    taken += _key_lines(text, whole or text)
    notes = [(m.start(), m.end()) for m in _NOTE_LINE_RE.finditer(text)]

    def add(figure_kind: str, start: int, end: int, status: str = "value", amount: Decimal | None = None) -> None:
        if end > start and not any(s < end and start < e for s, e in taken):
            taken.append((start, end))
            found.append(Figure(figure_kind, span.sub(start, end), status, amount))

    for money in find_money(text):
        add("money", money.start, money.end, amount=money.amount)
    for m in _PERCENT_RE.finditer(text):
        add("percentage", m.start(), m.end())
    for reading in find_counts(text):
        if reading.status == "value":
            add("count", reading.start, reading.end, amount=Decimal(reading.count) if reading.count is not None else None)
        elif not _inside(notes, reading.start):
            add("status", reading.start, reading.end, reading.status)
    for start, end, status in find_status_phrases(text):
        if not _inside(notes, start):
            add("status", start, end, status)
    return sorted(found, key=lambda f: f.span.start)


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    return any(s <= at < e for s, e in spans)


def _key_lines(text: str, whole: str) -> list[tuple[int, int]]:
    """Lines that explain a symbol the reply uses elsewhere (a table's key)."""
    out = []
    for m in _KEY_LINE_RE.finditer(text):
        symbol = m.group("symbol").strip()
        marker = (symbol and not symbol[0].isalpha()) or symbol.lower() in {"n/a", "n/k", "n/r", "na", "nil"}
        if marker and whole.count(symbol) > 1:
            out.append((m.start(), m.end()))
    return out


class Marks:
    """The spans facts and review items point at, for finding what covers or sits beside a figure."""

    def __init__(self, marks: list[Mark]):
        self.marks = sorted((m for m in marks if m.end > m.start), key=lambda m: m.start)
        self._starts = [m.start for m in self.marks]
        self._longest = max((m.end - m.start for m in self.marks), default=0)
        self.budget_amounts = sorted({m.amount for m in self.marks if m.table == "budgets" and not m.review and m.amount is not None})

    def counts_within(self, start: int, end: int) -> list[Decimal]:
        """The counts read from facts that point into [start, end)."""
        return [m.amount for m in self.within(start, end) if m.table == "funnel_counts" and not m.review and m.amount is not None]

    def within(self, start: int, end: int) -> list[Mark]:
        """Marks that overlap [start, end)."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_left(self._starts, end)
        return [m for m in self.marks[lo:hi] if m.end > start]

    def is_budget_sum(self, amount: Decimal) -> bool:
        """The amount repeats a budget read, or adds up two or three of them (a total over programmes)."""
        amounts = self.budget_amounts
        return amount in amounts or any(sum(c) == amount for n in (2, 3) for c in combinations(amounts[:12], n))


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of the region's text that holds [start, end) (offsets relative to the region)."""
    for s, e in sentence_spans(text):
        if s <= start < e:
            return s, max(e, end)
    return start, end


def accounted_for(figure: Figure, region: Region, marks: Marks) -> bool:
    """Whether a fact, a review item or the answer's own reading already accounts for the figure."""
    if marks.within(figure.span.start, figure.span.end):
        return True
    if figure.kind == "status":
        statuses_read = {m.status for m in marks.within(region.span.start, region.span.end) if m.status and not m.review}
        if not any(q.route for q in region.questions):  # only the answers table holds the status of these answers
            statuses_read |= region.statuses
        return figure.status in statuses_read or (figure.status == "suppressed" and "value" in region.statuses)
    if figure.kind == "money" and figure.amount is not None and marks.is_budget_sum(figure.amount):
        return True
    if figure.kind == "count" and any(q.table in ORG_TABLES for q in region.questions):
        # "| Kent Police | 45 |": how many an organisation referred, beside the organisation read
        line_start, line_end = _line_bounds(region.span.text, figure.span.start - region.span.start)
        if any(m.table in ORG_TABLES and not m.review for m in marks.within(region.span.start + line_start, region.span.start + line_end)):
            return True
    if figure.kind in {"percentage", "money"}:
        start, end = figure.span.start - region.span.start, figure.span.end - region.span.start
        s, e = _sentence_around(region.span.text, start, end)
        beside = marks.within(region.span.start + s, region.span.start + e)
        if figure.kind == "percentage":  # a share of a figure on its line or in its sentence
            line_start = region.span.text.rfind("\n", 0, start) + 1
            beside += marks.within(region.span.start + line_start, figure.span.start)
        if figure.kind == "percentage":
            return any(m.table == "funnel_counts" for m in beside)
        return any(m.table == "funders" and not m.review for m in beside)
    return False


def _line_bounds(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, end if end >= 0 else len(text)


def _breakdowns_and_totals(figures: list[Figure], region: Region, marks: Marks) -> set[Span]:
    """Counts that break down or add up figures read: a line whose counts add up to a count read from the
    answer ("67 in total (Berkshire 28, Buckinghamshire 14, ...)", quarters beside their sum), and counts on a
    total line that add up counts read from the answer (a table's Total row)."""
    text, base = region.span.text, region.span.start
    read = marks.counts_within(base, region.span.end)
    if not read:
        return set()
    accounted: set[Span] = set()
    by_line: dict[int, list[tuple[Figure, Decimal]]] = {}  # each count with its amount, by the line it is on
    for f in figures:
        if f.kind == "count" and f.amount is not None:
            by_line.setdefault(_line_bounds(text, f.span.start - base)[0], []).append((f, f.amount))
    read_set = set(read)
    for line_start, on_line in by_line.items():
        values = [amount for _, amount in on_line]
        total = sum(values, Decimal(0))
        if len(on_line) >= 2 and (total in read_set or any(total - v == v for v in values)):
            accounted.update(f.span for f, _ in on_line)
            continue
        line = text[line_start : _line_bounds(text, line_start)[1]]
        if _TOTAL_WORD_RE.search(line):
            sums = {sum(c) for n in (2, 3, 4, 5, 6) for c in combinations(read[:16], n)} if len(read) >= 2 else set()
            accounted.update(f.span for f, amount in on_line if amount in sums)
    return accounted


def _parts_of_a_budget(figures: list[Figure], marks: Marks) -> set[Span]:
    """Amounts of one answer that add up to a budget read ("£0.25m (Home Office £0.2m; PCC £0.05m)"): the
    parts of a figure already read."""
    money = [(f, f.amount) for f in figures if f.kind == "money" and f.amount is not None
             and not any(m.table == "budgets" for m in marks.within(f.span.start, f.span.end))][:8]
    budgets = set(marks.budget_amounts)
    parts: set[Span] = set()
    for n in (2, 3, 4):
        for combo in combinations(money, n):
            if sum((amount for _, amount in combo), Decimal(0)) in budgets:
                parts.update(f.span for f, _ in combo)
    return parts


def _worth_reading(figure: Figure, region: Region) -> bool:
    """Answers to questions that feed no fact (the evaluation link) hold no figure of the request; in a scope
    answer only money and counts of people are."""
    if region.introduction:  # what the letter says of itself before answering: only figures in digits or money
        return figure.kind in {"count", "money"} and any(c.isdigit() for c in figure.span.text)
    tables = {q.table for q in region.questions}
    if not tables or tables & set(FACT_TABLES):
        return True
    if "programmes" not in tables:
        return False
    if figure.kind == "money":
        return True
    return figure.kind == "count" and bool(_PEOPLE_AFTER_RE.match(region.span.text, figure.span.end - region.span.start))


@dataclass(frozen=True)
class Unread:
    """A figure no fact was read from: the table it most likely belongs to and the best guess at its slot."""

    figure: Figure
    table: str
    field: str | None  # <route>_<stage> or amount_gbp, when the question it answers says
    programme: str | None  # a programme_id, when its line or heading names one (or the reply has one)
    reason: str
    region: Region = dataclasses.field(compare=False)  # by its module: `field` in this body is the attribute above


def _table_and_field(figure: Figure, questions: tuple[Question, ...]) -> tuple[str, str | None]:
    """Money belongs to budgets; anything else to the table of the question it answers (a count when none)."""
    if figure.kind == "money":
        return "budgets", "amount_gbp"
    tables = {q.table for q in questions} & set(FACT_TABLES)
    if len(tables) != 1:
        return "funnel_counts", None
    table = tables.pop()
    if table == "funnel_counts" and len(questions) == 1:
        return table, f"{questions[0].route}_{questions[0].stage}"
    return table, "amount_gbp" if table == "budgets" else None


def describe_questions(questions: tuple[Question, ...]) -> str:
    """'under question 5 (agency referred)', 'under questions 2, 3 and 4', 'in the letter'."""
    if not questions:
        return "in the letter"
    if len(questions) == 1:
        q = questions[0]
        return f"under {'question ' + str(q.number) if q.number else repr(q.text[:40])} ({q.key.replace('_', ' ')})"
    numbers = [str(q.number) for q in questions if q.number]
    if len(numbers) < 2:
        return "under " + (f"question {numbers[0]}" if numbers else "several questions")
    return "under questions " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _line_of(text: str, span: Span) -> str:
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    return text[start : end if end >= 0 else len(text)]


def _clause_of(text: str, span: Span) -> str:
    line_start = text.rfind("\n", 0, span.start) + 1
    line = _line_of(text, span)
    s, e = _sentence_around(line, span.start - line_start, span.end - line_start)
    return line[s:e]


def programme_named(clause: str, line: str, heading: str, names: dict[str, list[str]]) -> str | None:
    """The programme whose name (or alias) the figure's clause, else its line, else its heading gives; the only
    one when there is one."""
    for text in (clause, line, heading):
        lowered = text.lower()
        named = {pid for pid, ns in names.items() if any(re.search(r"(?<!\w)" + re.escape(n.lower()) + r"(?!\w)", lowered) for n in ns if n)}
        if len(named) == 1:
            return named.pop()
    return next(iter(names)) if len(names) == 1 else None


def unread_figures(text: str, regions: list[Region], marks: Marks, names: dict[str, list[str]]) -> list[Unread]:
    """Figures of the answers that nothing accounts for, each with where it most likely belongs.

    `names` maps each programme_id of the reply to its names and aliases."""
    out: list[Unread] = []
    seen: set[tuple[int, int]] = set()
    for region in regions:
        if not region.figures:
            continue
        status_listed = False
        figures = figures_in(region.span, text)
        parts = _parts_of_a_budget(figures, marks) | _breakdowns_and_totals(figures, region, marks)
        for figure in figures:
            key = (figure.span.start, figure.span.end)
            if key in seen or figure.span in parts or not _worth_reading(figure, region) or accounted_for(figure, region, marks):
                continue
            if figure.kind == "status":  # one phrase says what the answer states; the rest explain it
                if status_listed:
                    continue
                status_listed = True
            seen.add(key)
            asked = () if region.introduction else region.questions
            table, slot = _table_and_field(figure, asked)
            programme = programme_named(_clause_of(text, figure.span), _line_of(text, figure.span), region.heading, names)
            where = "before the answers" if region.introduction else describe_questions(region.questions)
            reason = f"'{figure.span.text}' {where} was not read into any programme"
            out.append(Unread(figure, table, slot, programme, reason, region))
    return out


def answered_unread(regions: list[Region], unread: list[Unread], tables: dict[str, list[dict]], names: dict[str, list[str]],
                    marks: Marks) -> list[tuple[Region, str, Question]]:
    """(answer, programme_id, question) for each count or budget question whose answer holds text but left a
    programme with no reading (not_stated), unless the answer gave that programme another figure of the table or
    one of its figures is already listed for it."""
    not_stated = {(r["programme_id"], r["route"], r["stage"]) for r in tables["funnel_counts"] if r["status"] == "not_stated"}
    not_stated |= {(r["programme_id"], None, None) for r in tables["budgets"] if r["status"] == "not_stated" and r["programme_id"]}
    out = []
    for region in regions:
        if not region.figures:
            continue
        for table in ("funnel_counts", "budgets"):
            flagged = {u.programme for u in unread if u.region is region and u.table == table}
            flagged |= {m.programme for m in marks.within(region.span.start, region.span.end) if m.table == table}
            for question in region.questions:
                if question.table != table:
                    continue
                for programme_id in names:
                    if (programme_id, question.route, question.stage) in not_stated and not flagged & {programme_id, None}:
                        out.append((region, programme_id, question))
    return out


# --- names and statuses: what else a reply gives that could vanish silently --------------------------

@dataclass(frozen=True)
class Doubt:
    """A review item accounting raises about names or statuses: the table, field, programme and reason."""

    table: str
    field: str
    reason: str
    span: Span
    programme: str | None = None
    value: str | None = None
    severity: str = "warning"


_ORG_TOPIC_RES = {"funders": re.compile(r"\b(?:fund\w*|contribut\w*|grant)\b", re.IGNORECASE),
                  "referrers": re.compile(r"\breferr\w*\s+(?:\w+\s+){0,3}?(?:from|by|through|via)\b", re.IGNORECASE)}


def organisation_doubts(regions: list[Region], tables: dict[str, list[dict]], names: dict[str, list[str]], looks_like_org) -> list[Doubt]:
    """Organisation answers that read nothing, lists read for the whole of a reply with several programmes, and
    names read that may be no organisation (a heading such as "Your right to complain")."""
    out: list[Doubt] = []
    for table, column in ORG_TABLES.items():
        rows = tables[table]
        for region in regions:
            if not any(q.table == table for q in region.questions) or region.statuses & {"not_held", "refused", "not_applicable"}:
                continue
            inside = [r for r in rows if region.span.start <= r["char_start"] < region.span.end]
            stated = {status for _, _, status in find_status_phrases(region.span.text)}
            if not inside and len(region.span.text.strip()) > 3 and not stated & {"not_held", "refused", "not_applicable"}:
                q = next(q for q in region.questions if q.table == table)
                out.append(Doubt(table, UNANSWERED_FIELD, f"question {q.number or q.key} was answered but no {column.replace('organisation', 'referrer')} was read", region.span))
        answering = [r for r in regions if (any(q.table == table for q in r.questions) or (not r.questions and r.figures))
                     and not r.statuses & {"not_held", "refused", "not_applicable"}
                     and not {s for _, _, s in find_status_phrases(r.span.text)} & {"not_held", "refused"}]
        if answering and rows and not any(r["programme_id"] is None for r in rows):
            for pid, programme_names in names.items():
                named_in = [r for r in answering if any(n.lower() in r.span.text.lower() for n in programme_names)]
                if named_in and not any(r["programme_id"] == pid for r in rows):
                    # "CARA: A; B" read, Drive's own list not, though the answer names Drive: point the analyst at it
                    region = named_in[0]
                    out.append(Doubt(table, UNANSWERED_FIELD, f"no {column.replace('organisation', 'referrer')} was read for "
                                     f"{programme_names[0]}, though the reply names {table} for another programme", region.span, pid))
        elif answering and not rows and not answering[0].questions and _ORG_TOPIC_RES[table].search(answering[0].span.text):
            out.append(Doubt(table, UNANSWERED_FIELD, f"the letter speaks of {table} but none was read", answering[0].span))
        if len(names) > 1 and any(r["programme_id"] is None for r in rows):
            first = next(r for r in rows if r["programme_id"] is None)
            out.append(Doubt(table, column, f"{table} were read for the whole reply, not per programme: say which programme each serves",
                             Span(first["char_start"], first["char_end"], first["evidence_text"])))
        by_programme = {pid: frozenset(r[column] for r in rows if r["programme_id"] == pid) for pid in names}
        sets = set(by_programme.values())
        if len(names) > 1 and len(sets) == 1 and len(next(iter(sets))) > 1:
            first = next(r for r in rows if r["programme_id"] is not None)
            out.append(Doubt(table, column, f"the same {len(next(iter(sets)))} {table} were read for every programme: check which programme each serves",
                             Span(first["char_start"], first["char_end"], first["evidence_text"])))
        for r in rows:
            if not looks_like_org(r[column]) and not ORG_NOUN_RE.search(r[column].title()):
                out.append(Doubt(table, column, f"'{r[column]}' was read as one of the {table} but may be no organisation",
                                 Span(r["char_start"], r["char_end"], r["evidence_text"]), r["programme_id"], r[column]))
            elif _FUND_RE.search(r[column]):
                out.append(Doubt(table, column, f"'{r[column]}' was read as one of the {table} but names a fund: which organisation provides it?",
                                 Span(r["char_start"], r["char_end"], r["evidence_text"]), r["programme_id"], r[column]))
    return out


def programme_doubts(tables: dict[str, list[dict]]) -> list[Doubt]:
    """A programme of a reply naming several with no figure at all read for it may be no programme of the reply
    (a provider, a partner, a place)."""
    programmes = tables["programmes"]
    if len(programmes) < 2:
        return []
    with_figures = {r["programme_id"] for t in ("funnel_counts", "budgets") for r in tables[t] if r["status"] != "not_stated"}
    return [Doubt("programmes", "name", f"no figure was read for '{p['name']}': is it a programme of this reply?",
                  Span(p["char_start"], p["char_end"], p["evidence_text"]), p["programme_id"], p["name"])
            for p in programmes if p["programme_id"] not in with_figures]


def status_doubts(information_status: str | None, answers: list[dict], regions: list[Region]) -> list[Doubt]:
    """A reply read as holding everything while an answer says not held or refused; one read as holding nothing
    while it refuses (section 12 is a refusal, not an absence of information)."""
    gaps = [a for a in answers if a["status"] in {"not_held", "refused"}]
    if information_status == "held" and gaps:
        first = gaps[0]
        which = ", ".join(str(a["question_no"] or a["question_key"]) for a in gaps)
        return [Doubt("documents", "information_status", f"the reply reads as holding all the information, but the answer(s) to question(s) {which} "
                      "say not held or refused: partly held?", Span(first["char_start"], first["char_end"], first["evidence_text"] or ""))]
    wanted = {"held": {"not_held", "refused"}, "not_held": {"refused"}}.get(information_status or "", set())
    for region in regions:
        for figure in figures_in(region.span):  # keys and notes explain symbols: no statement of the reply
            status, phrase = figure.status, figure.span
            if figure.kind == "status" and status in wanted:
                return [Doubt("documents", "information_status", f"the reply reads as {(information_status or '').replace('_', ' ')}, "
                              f"but an answer says '{phrase.text}' ({status.replace('_', ' ')})", phrase)]
    return []


# Names: an organisation noun with the capitalised words around it ("Beacon Behaviour Change Ltd", "Swindon
# Borough Council Domestic Abuse Support Service"), an acronym, or a short name in brackets after a name.
_CAP = r"(?:[A-Z][\w'’&.-]*|&)"
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"  # a name may wrap onto the next line
_JOIN = r"(?:" + _GAP + r"(?:of|and|for|the|on|in|upon|&)(?=" + _GAP + r"[A-Z]))?" + _GAP
_NAME_AROUND_NOUN_RE = re.compile(
    r"(?<![\w'’])(?:" + _CAP + _JOIN + r"){0,6}" + ORG_NOUN_RE.pattern + r"(?:" + _JOIN + _CAP + r"){0,6}(?![\w'’])"
)
_BRACKETED_SHORT_NAME_RE = re.compile(r"\((?P<name>[A-Z][A-Za-z0-9&+]{1,9})\)")
_NOT_A_MENTION_RE = re.compile(
    r"^(?:the[ \t]+)?(?:information[ \t]+commissioner|ico\b|freedom[ \t]+of[ \t]+information|office[ \t]*$|service[ \t]*$|services[ \t]*$|"
    r"team[ \t]*$|project[ \t]*$|partnership[ \t]*$|commissioner[ \t]*$|council[ \t]*$|police[ \t]*$|"
    r"(?-i:O?P(?:F)?CC|O?PCVC|MOPAC|GMCA)[ \t]*$)",  # the office's own short names
    re.IGNORECASE,
)
_NAME_TABLES = {"programmes": "programmes or providers", "funders": "funders", "referrers": "referrers"}


_LAST_WORD_RE = re.compile(r"[\w'’]+$")
_ASIDE_BEFORE_RE = re.compile(r"\([^()]{0,30}$")
_FUND_RE = re.compile(r"\b(?:fund|funding|grant|grants|programme)$", re.IGNORECASE)


def name_mentions(span: Span, asides: bool = True) -> list[Span]:
    """Organisation names a stretch of text gives (capitalised words ending in an organisation noun), and short
    names in brackets after a name ("Choices for Change (CfC)"), each once, in order. Without `asides`, a name
    in brackets ("Cleveland Police (through MATAC)") is left out: it qualifies the name before it."""
    found: dict[str, Span] = {}
    text = span.text
    for m in _NAME_AROUND_NOUN_RE.finditer(text):
        name = span.sub(m.start(), m.end()).strip(" .,;:")
        name = name.sub(len(name.text) - len(re.sub(r"^(?:an?|the)[ \t]+", "", name.text, flags=re.IGNORECASE)), len(name.text))
        last = _LAST_WORD_RE.search(name.text)
        if len(name.text) <= 3 or _NOT_A_MENTION_RE.match(name.text) or not re.search(r"[A-Z]", name.text) \
                or _FUND_RE.search(name.text) or not (last and ORG_NOUN_RE.fullmatch(last.group())) \
                or (" " not in name.text and not name.text.isupper()):  # "Court" alone is no name; "NHS", "MARAC" are
            continue
        if not asides and _ASIDE_BEFORE_RE.search(text, 0, name.start - span.start):
            continue
        found.setdefault(name.text.lower(), name)
    if asides:
        for m in _BRACKETED_SHORT_NAME_RE.finditer(text):
            name = span.sub(m.start("name"), m.end("name"))
            if not _NOT_A_MENTION_RE.match(name.text):
                found.setdefault(name.text.lower(), name)
    return sorted(found.values(), key=lambda s: s.start)


def _normal(name: str) -> str:
    return re.sub(r"^the ", "", re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).strip())


_DESCRIBED_PROGRAMME_RE = re.compile(
    r"^[^\S\n]*(?:\(?\d{1,2}[.)][^\S\n]+)?(?P<name>[A-Z][\w'’&+-]*(?:[^\S\n]+(?:[A-Z&][\w'’+-]*|of|for|to|and)){0,5})"
    r"(?:[^\S\n]*\([^)\n]{1,60}\))?[^\S\n]+[–—-][^\S\n]+an?[^\S\n][^\n]{0,120}?"
    r"\b(?:programme|intervention|course|project|scheme)\b", re.MULTILINE)


def unread_names(regions: list[Region], tables: dict[str, list[dict]], own_office: list[str]) -> list[Doubt]:
    """Names in the answers about programmes, funders and referrers that were read as nothing: one item per
    answer, listing them (a provider, a referrer or a programme the reader did not take in)."""
    programme_names = {_normal(n) for n in own_office if n}
    for p in tables["programmes"]:
        programme_names |= {_normal(n) for n in (p["name"], *p.get("aliases", []), *p["providers"], p.get("canonical_name") or "") if n}
    read = {"programmes": programme_names}
    for table, column in ORG_TABLES.items():
        read[table] = programme_names | {_normal(r[c]) for r in tables[table] for c in (column, f"{column}_as_written") if r.get(c)}

    def is_read(name: str, kinds: list[str]) -> bool:
        n = _normal(name)
        return any(n == k or (len(n) > 3 and (f" {n} " in f" {k} " or f" {k} " in f" {n} ")) for t in kinds for k in read[t] if k)

    out: list[Doubt] = []
    for region in regions:
        kinds = [t for t in _NAME_TABLES if not region.questions or any(q.table == t for q in region.questions)]
        if not kinds:
            # "2. Safer Choices – a stalking intervention delivered by X" under a count question: a programme
            # described where the answers are misnumbered, and read as nothing
            described = [region.span.sub(m.start("name"), m.end("name")) for m in _DESCRIBED_PROGRAMME_RE.finditer(region.span.text)]
            missed = [d for d in described if not is_read(d.text, ["programmes"])]
            if missed:
                listed = "; ".join(d.text for d in missed)
                out.append(Doubt("programmes", "unread_name", f"described as a programme {describe_questions(region.questions)} "
                                 f"but not read as one: {listed}", missed[0], None, listed))
            continue
        if region.statuses & {"not_held", "refused"}:
            continue
        missed = [m for m in name_mentions(region.span, asides="programmes" in kinds) if not is_read(m.text, kinds)]
        if missed:
            table = kinds[0] if len(kinds) == 1 else "programmes"
            listed = "; ".join(m.text for m in missed[:8]) + ("; ..." if len(missed) > 8 else "")
            where = describe_questions(region.questions)
            out.append(Doubt(table, "unread_name", f"named {where} but not read as any of the {_NAME_TABLES[table]}: {listed}",
                             missed[0], None, listed))
    return out


_NOT_A_PROGRAMME_NAME_RE = re.compile(r"[0-9]{1,4}(?:[ \t]+[0-9]{1,4})+|\btotal\b|" + lexicon.ROUTE_PHRASES + "|"
                                      + "|".join(lexicon.STATED_STAGE_WORDS.values()), re.IGNORECASE)


def unanswered(questions: list[Question], answers: list[dict], tables: dict[str, list[dict]], information_status: str | None,
               letter: Span | None) -> list[Doubt]:
    """In a reply that holds information: each question feeding a fact table that no answer was found for (in a
    letter read as prose: each such table that nothing was read into), and programme names that read like a
    row of figures ("Males who self-referred 22 6")."""
    out: list[Doubt] = []
    if information_status in {"held", "partly_held"} and tables["programmes"]:
        given = {a["question_key"] for a in answers if a["answer_text"]}
        for table in ("funders", "referrers", "budgets"):
            asked = [q for q in questions if q.table == table]
            if not asked:
                continue
            if letter is not None:
                if not any(r.get("status", "value") != "not_stated" for r in tables[table]):
                    out.append(Doubt(table, "no_answer", f"no {table} were read from the letter", Span(letter.start, letter.start, "")))
            elif not any(q.key in given for q in asked):
                q = asked[0]
                out.append(Doubt(table, "no_answer", f"no answer to question {q.number or q.key} ({q.key.replace('_', ' ')}) was found in the reply",
                                 Span(0, 0, "")))
    for p in tables["programmes"]:
        if _NOT_A_PROGRAMME_NAME_RE.search(p["name"]):
            out.append(Doubt("programmes", "name", f"'{p['name']}' read as a programme looks like a label or a row of figures",
                             Span(p["char_start"], p["char_end"], p["evidence_text"]), p["programme_id"], p["name"]))
    return out


_LINE_LABEL_RE = re.compile(r"^[ \t]*(?:[-•·*|][ \t]*)?(?:\(?[0-9a-zA-Z]{1,3}[.)][ \t]+)?(?P<label>[A-Z][^:|\n]{1,60}?)[ \t]*(?:[:=–—|]|[ \t]-)[ \t]*$")
# Labels of a figure that name what it counts, not a programme: a stage, a route, a population, a total ...
_STAGE_LABEL_RE = re.compile("|".join([lexicon.ANY_STAGE_OR_ROUTE_RE.pattern, *lexicon.POPULATION_WORDS.values(),
                                       r"total|budget|cost|fund|answer|response|question|number|figure|year|quarter|q[1-4]\b"]),
                             re.IGNORECASE)
_CLAUSE_START_RE = re.compile(r"[.;](?=[ \t])")
MANY_UNATTRIBUTED = 3  # unread counts that no programme could be named for, beyond which programmes may be missing


def missing_programmes(text: str, unread: list[Unread], names: dict[str, list[str]]) -> list[Doubt]:
    """Figures read into nothing that hint a programme was not found: a name labels them on their line
    ("Project Anchor: 58") and is no programme read, or many of them could be tied to no programme."""
    known = {_normal(n) for ns in names.values() for n in ns}
    labels: dict[str, Span] = {}
    for u in unread:
        if u.figure.kind != "count":
            continue
        line_start = text.rfind("\n", 0, u.figure.span.start) + 1
        before = text[line_start : u.figure.span.start]
        if "|" in before or "\t" in before:  # a table row: its first cell heads it
            before = next((c for c in re.split(r"[|\t]", before) if c.strip()), "") + ":"
        before = _CLAUSE_START_RE.split(before)[-1]  # "164. Project Anchor: " -> "Project Anchor: "
        m = _LINE_LABEL_RE.match(before)
        if m and not _STAGE_LABEL_RE.search(m.group("label")) and _normal(m.group("label")) not in known:
            labels.setdefault(m.group("label").strip(), u.figure.span)
    out = [Doubt("programmes", "name", f"'{label}' labels figures but was not read as a programme", span, None, label)
           for label, span in labels.items()]
    unattributed = [u for u in unread if u.figure.kind == "count" and u.table == "funnel_counts" and u.programme is None]
    if not out and len(unattributed) >= MANY_UNATTRIBUTED:
        out.append(Doubt("programmes", "name", f"{len(unattributed)} counts were read into no programme: the reply may name programmes that were not found",
                         unattributed[0].figure.span))
    return out


_REFERENCE_CUE_RE = re.compile(r"\b(?:FOI|FOIA|ref(?:erence)?|request[ \t]+(?:no|number|id))\b[^\n]{0,25}?[0-9]", re.IGNORECASE)


def metadata_doubts(text: str, authority: str | None, foi_reference: str | None) -> list[Doubt]:
    """The letter's own details that were not read as written: a reference the text seems to give, an
    authority named in a form the letter does not use."""
    out: list[Doubt] = []
    if foi_reference is None and (m := _REFERENCE_CUE_RE.search(text)):
        out.append(Doubt("documents", "foi_reference", "the letter seems to give a reference, but none was read", Span(m.start(), m.end(), m.group())))
    if authority and _normal(authority) not in _normal(text):
        out.append(Doubt("documents", "authority", f"the office was recorded as '{authority}', a name the letter does not use as such: check its title",
                         Span(0, 0, ""), None, authority, "info"))
    return out


_SHARED_RE = re.compile(r"\b(?:joint|jointly|shared|combined|pooled|between[ \t]+(?:the[ \t]+)?(?:two|three|both)|both[ \t]+programmes|all[ \t]+(?:two|three|the)?[ \t]*programmes|"
                        r"across[ \t]+(?:the[ \t]+)?(?:two|three|both)[ \t]+programmes|for[ \t]+(?:the[ \t]+)?(?:two|three)[ \t]+programmes)\b", re.IGNORECASE)


def budget_doubts(text: str, tables: dict[str, list[dict]]) -> list[Doubt]:
    """A budget read for one programme whose words say it is shared ("£1.1 million (joint budget for both
    programmes)"): which share is this programme's?"""
    if len(tables["programmes"]) < 2:
        return []
    out = []
    for row in tables["budgets"]:
        if row["status"] != "value" or not row["programme_id"]:
            continue
        after = text[row["char_end"] : row["char_end"] + 80].split("\n\n")[0]
        line_start = text.rfind("\n", 0, row["char_start"]) + 1
        if _SHARED_RE.search(text[line_start : row["char_start"]] + " " + after):
            out.append(Doubt("budgets", "amount_gbp", f"'{row['evidence_text']}' was read as one programme's budget, but the reply says it is shared",
                             Span(row["char_start"], row["char_end"], row["evidence_text"]), row["programme_id"], row["evidence_text"]))
    return out
