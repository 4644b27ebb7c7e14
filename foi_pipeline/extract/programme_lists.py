"""A letter that lists its programmes as bullets, each with its figures as bullets nested under it:

    • DRIVE (Cardiff and Swansea) – one-to-one work with high-harm perpetrators, delivered by Safer Wales.
      – Self-referrals: not applicable – DRIVE does not take self-referrals
      – Referred by agencies: 96
      – Accepted: 70
    • Choices – a group programme, delivered by Atal y Fro.
      – Self-referred: 44, of whom 37 were accepted and 19 completed

Each programme's bullet is a section headed by its name, its own words the scope answer; each nested bullet an
answer to the count question its label names, a stage without a route taking the route of the bullet above it
("Accepted: 70" under "Referred by agencies"). Plain text and PDF keep the marks but not the indentation, so the
nesting is told by the marks: the first mark of the list heads the programmes, another mark under it nests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.programmes import looks_like_name
from foi_pipeline.extract.quantities import find_counts, find_statuses
from foi_pipeline.extract.sections import Section, heading_name
from foi_pipeline.extract.segment import Block
from foi_pipeline.extract.spans import Span
from foi_pipeline.extract.spans import lines as text_lines
from foi_pipeline.specs import Question, RequestSpec

_ITEM_RE = re.compile(r"^(?P<indent>[^\S\n]*)(?P<mark>[•●▪■◦○–—\-o])[^\S\n]+(?=\S)")
_LABEL_END_RE = re.compile(r"[:：]\s*")
_NOTE_RE = re.compile(r"\s*[*†‡§¹²³]")  # "* DRIVE completions are ...": a note under the list, not the item's next line
_NAME_BRACKET_RE = re.compile(r"\s*\([^()]*\)\s*$")  # "DRIVE (Cardiff and Swansea)": where it runs
MIN_COUNT_ITEMS = 2  # a programme's bullet has at least this many nested figure bullets


@dataclass
class Item:
    mark: str
    indent: int
    span: Span  # the item's text without its mark, its wrapped lines joined in


def list_items(text: str) -> list[Item]:
    """The bulleted lines of the text, each with the unmarked lines that continue it (a wrapped PDF line)."""
    items: list[Item] = []
    open_item = False
    for line in text_lines(text):
        m = _ITEM_RE.match(line.text)
        if m:
            items.append(Item(m.group("mark"), len(m.group("indent").expandtabs()), Span.of(text, line.start + m.end(), line.end)))
            open_item = True
        elif open_item and line.text.strip() and items and not items[-1].span.text.rstrip().endswith((".", ":")) \
                and line.start == items[-1].span.end + 1 and not _NOTE_RE.match(line.text):
            items[-1].span = Span.of(text, items[-1].span.start, line.end)
        else:
            open_item = False
    return items


def _nested_under(items: list[Item]) -> list[tuple[Item, list[Item]]]:
    """Top items with the items nested under each: by indentation where the text keeps it, else by mark."""
    if not items:
        return []
    top = items[0]
    groups: list[tuple[Item, list[Item]]] = []
    for item in items:
        nested = item.indent > top.indent or (item.indent == top.indent and item.mark != top.mark)
        if nested and groups and item.span.start > groups[-1][0].span.start:
            groups[-1][1].append(item)
        elif not nested:
            groups.append((item, []))
    return groups


def _figures(span: Span) -> int:
    return len(find_counts(span.text)) + len(find_statuses(span.text))


def _answer(item: Item, spec: RequestSpec, route: str | None) -> tuple[list[Question], Span, Span, str | None] | None:
    """The questions a nested bullet answers, its label, its answer, and the route it leaves for the next."""
    text = item.span.text
    colon = _LABEL_END_RE.search(text)
    if colon is None or colon.start() > 60:
        return None
    label, body = item.span.sub(0, colon.start()), item.span.sub(colon.end(), len(text))
    route = lexicon.route_named(label.text, label=True) or route
    stage = lexicon.stage_named(label.text)
    if route is None or stage is None:
        return None
    stages = [q for q in spec.questions if q.route == route and q.stage]
    first = next((i for i, q in enumerate(stages) if q.stage == stage), None)
    if first is None:
        return None
    return stages[first:], label, body, route


def _answers(label: Span, body: Span, questions: list[Question]) -> list[Block]:
    """"Self-referred: 44, of whom 37 were accepted and 19 completed": the first figure answers the label's stage,
    the sentence after it the later stages of the route; a bullet of one figure answers the label's stage alone."""
    counts = find_counts(body.text)
    if len(questions) > 1 and _figures(body) > 1 and counts and counts[0].start == len(body.text) - len(body.text.lstrip()):
        first, rest = body.sub(0, counts[0].end), body.sub(counts[0].end, len(body.text))
        return [Block(label=None, heading=label, body=first, questions=questions[:1], alignment="heading"),
                Block(label=None, heading=label.sub(0, 0), body=rest, questions=questions[1:], alignment="heading")]
    return [Block(label=None, heading=label, body=body, questions=questions if _figures(body) > 1 else questions[:1], alignment="heading")]


def programme_list_sections(text: str, spec: RequestSpec) -> list[Section]:
    """One section per programme bullet with figure bullets nested under it; [] unless every top bullet that has
    nested figures names a programme and at least one does."""
    scope = next((q for q in spec.questions if q.table == "programmes"), None)
    sections = []
    for head, nested in _nested_under(list_items(text)):
        answers = []
        route: str | None = None
        for item in nested:
            answered = _answer(item, spec, route)
            if answered is not None:
                questions, label, body, route = answered
                answers += _answers(label, body, questions)
        if len(answers) < MIN_COUNT_ITEMS:
            continue
        first_line = head.span.sub(0, len(head.span.text))
        name = heading_name(first_line)
        bracket = _NAME_BRACKET_RE.search(name.text)
        if bracket:
            name = name.sub(0, bracket.start())
        if name.end >= head.span.end or not looks_like_name(name.text):
            return []  # a bullet of figures under a sentence, not under a programme's name
        blocks = [Block(label=None, heading=name, body=head.span, questions=[scope], alignment="heading")] if scope else []
        sections.append(Section(blocks + answers, name))
    return sections
