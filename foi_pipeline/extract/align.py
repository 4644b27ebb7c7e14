"""Align answer blocks to the request's questions: by repeated question text, by label, and by content.

Labels lie (misnumbered lists, every item rendered "1.", an extra number for the evaluation line),
so a block's content can overrule its label when the content clearly answers another question.
"""

from __future__ import annotations

import re

from foi_pipeline.extract import lexicon
from foi_pipeline.extract.quantities import read_count
from foi_pipeline.extract.segment import Block
from foi_pipeline.specs import Question, RequestSpec

# Each opens with a lookahead for the characters its matches start with: the alternatives are tried only there.
TOPIC_RES: dict[str, re.Pattern[str]] = {
    "funders": re.compile(r"(?=[fcdgm])(?:\bfunded\b|\bfunder|\bfunding\b|\bcontribut|\bdonation|\bgrant\b|\bmatch[- ]fund)", re.IGNORECASE),
    "budget": re.compile(r"(?=[£\dbc])(?:£\s?\d|\b\d[\d,.]*\s*(?:GBP|pounds)\b|\bbudget\b|\bcontract\s+value\b|\bcosts?\b)", re.IGNORECASE),
    "referrers": re.compile(r"(?=[rm])(?:\breferr(?:ing|als?\s+(?:were\s+|are\s+)?(?:made|received|come|came)|ers?)\b|\breferred\s+by\b|\bmade\s+(?:a\s+)?referrals?\b)", re.IGNORECASE),
    "evaluation_link": re.compile(r"(?=[ehwr])(?:\bevaluat|\befficacy\b|\bhttps?://|\bwww\.|\breport\b)", re.IGNORECASE),
}
_ORG_NOUNS = re.compile(r"\b(?:Police|Constabulary|Council|Service|Services|Trust|Probation|NHS|Cafcass|Agency|Agencies)\b")

def _by_number(spec: RequestSpec, n: int) -> Question | None:
    return next((q for q in spec.questions if q.number == n), None)


def _topic_of(question: Question) -> str | None:
    if question.route:
        return "count"
    if question.key in TOPIC_RES:
        return question.key
    return {"funders": "funders", "budget": "budget", "referrers": "referrers"}.get(question.table)


def _topic_hits(text: str) -> dict[str, int]:
    return {topic: len(pattern.findall(text)) for topic, pattern in TOPIC_RES.items()}


MIN_ANSWER_CHARS = 12
RESTART_DROP = 2  # a label this far below the highest before it starts the list again ("8.", then "1.")


def align(blocks: list[Block], spec: RequestSpec, lettered: bool) -> None:
    """Set block.questions and block.alignment for every answer block."""
    numbered = [q for q in spec.questions if q.number is not None]
    # per style of label ("1." or "Q1"): the questions its labels have answered so far, and the highest number
    labelled: dict[str, set[str]] = {}
    highest: dict[str, int] = {}
    for block in blocks:
        label = block.label
        if block.echo is not None:
            block.questions, block.alignment = [block.echo], "question_text"
        elif block.titled is not None:
            block.questions, block.alignment = [block.titled], "heading"
        elif label is not None and label.kind == "letter":
            index = label.numbers[0] - 1
            block.questions = [numbered[index]] if index < len(numbered) else []
            block.alignment = "label"
        elif label is not None:
            block.questions = [q for q in (_by_number(spec, n) for n in label.numbers) if q is not None]
            block.alignment = "label"
        # "... 8. Make the Change – Humberside Police ...", then "1. Make the Change is funded by ...": a list that
        # starts again is numbered by its own count, and its content says which question each item answers
        style = label.kind if label is not None else ""
        again = block.alignment == "label" and label is not None and style != "letter" and \
            label.numbers[0] <= highest.get(style, 0) - RESTART_DROP and any(q.key in labelled.get(style, ()) for q in block.questions)
        _check_content(block, spec, again)
        if block.alignment == "label" and len(block.body.text.strip()) >= MIN_ANSWER_CHARS:  # a quoted question answers nothing
            labelled.setdefault(style, set()).update(q.key for q in block.questions)
        if label is not None and style != "letter":
            highest[style] = max(highest.get(style, 0), *label.numbers)


def _check_content(block: Block, spec: RequestSpec, again: bool = False) -> None:
    """Overrule a label when the content plainly answers another (non-count) question, or none is given, or the
    label is one answered before (`again`) and the content is of another topic."""
    if block.alignment in {"question_text", "heading"}:
        if block.alignment == "heading" and len(block.questions) == 1 and block.questions[0].route:
            _widen_to_the_stages_named(block, spec, block.questions[0])
        return
    if again and len(block.questions) == 1:
        hits = _topic_hits(block.body.text)
        best = max(hits, key=lambda t: hits[t])
        question = next((q for q in spec.questions if _topic_of(q) == best), None) if hits[best] else None
        if question is not None and question is not block.questions[0]:
            block.questions, block.alignment = [question], "content"
            return
    if len(block.questions) > 1:
        _check_heading_topics(block, spec)
        return
    text = block.heading.text + "\n" + block.body.text
    hits = _topic_hits(block.body.text)
    current = block.questions[0] if len(block.questions) == 1 else None
    current_topic = _topic_of(current) if current else None
    best_topic = max(hits, key=lambda t: hits[t]) if any(hits.values()) else None
    if current is None:
        if best_topic:
            question = next((q for q in spec.questions if _topic_of(q) == best_topic), None)
            if question:
                block.questions, block.alignment = [question], "content"
        return
    if current_topic in TOPIC_RES and hits.get(current_topic, 0) == 0 and best_topic and hits[best_topic] >= 1:
        # A label for "funders" on an answer that only talks of evaluation or money answers that question.
        if not (current_topic == "budget" and best_topic == "funders" and "£" in text):
            question = next((q for q in spec.questions if _topic_of(q) == best_topic), None)
            if question:
                block.questions, block.alignment = [question], "content"
        return
    status = read_count(block.body.text).status if current_topic == "count" else None
    if status == "not_stated" or (status == "not_held" and _NAMES_SOURCES_RE.search(block.body.text) and _ORG_NOUNS.search(block.body.text)):
        # A "figure" that is a list of organisations answers who referred ("The named organisations were Lancashire
        # Constabulary and ... The names of the others are not held"); one that is only money, the budget.
        if not (best_topic in {"funders", "referrers", "evaluation_link"} and hits[best_topic] >= 1) and \
                not (best_topic == "budget" and "£" in block.body.text and status == "not_stated"):
            best_topic = "referrers" if _ORG_NOUNS.search(block.body.text) else None
        question = next((q for q in spec.questions if best_topic and _topic_of(q) == best_topic), None)
        if question:
            block.questions, block.alignment = [question], "content"
            return
    if current_topic == "count" and current is not None:
        _widen_to_the_stages_named(block, spec, current)


# "referral source", "named organisations": an answer about who referred, whatever its number
_NAMES_SOURCES_RE = re.compile(r"\breferral\s+sources?\b|\bnamed\s+organisations?\b|\borganisations?\s+(?:were|was|are)\b|\bnames\s+of\s+the\s+organisations\b", re.IGNORECASE)


def _widen_to_the_stages_named(block: Block, spec: RequestSpec, current: Question) -> None:
    """"2. Self-referrals: 57 men self-referred; 40 were accepted on to the programme and 22 completed it": one
    numbered answer for each stage of a route, where the list was numbered by route, not by question."""
    text = block.body.text.strip()
    if current.stage != "referred":
        return  # "6. All 82 referrals were accepted for CARA": a later stage's answer speaks of the referrals before it
    if "|" in text or _LABELLED_FIGURE_RE.search(text) or len(_FIGURE_RE.findall(text)) < 2:
        return  # "Inspire to Change: 163. Engage: 58.": one figure for each programme it labels
    route = lexicon.route_named(block.heading.text + " " + text.split(";", 1)[0]) or current.route
    stages = lexicon.stages_named(text) | ({current.stage} if route == current.route else set())
    widened = [q for q in spec.questions if q.route == route and q.stage in stages]
    if len(widened) >= 2 and len(widened) > len(block.questions) and len(_FIGURE_RE.findall(text)) >= len(widened):
        block.questions, block.alignment = widened, "content"


_LABELLED_FIGURE_RE = re.compile(r"(?:^|[.;\n]\s*)[A-Z][\w'’&() -]{1,60}:[^\S\n]*(?:\d|not\b|n/a|nil|none|fewer|less)", re.IGNORECASE | re.MULTILINE)
_FIGURE_RE = re.compile(r"(?<![\d£,.])\d{1,5}(?![\d,.]\d)")


def _check_heading_topics(block: Block, spec: RequestSpec) -> None:
    """"8. Financial contributors and 9. Budget" where the numbering has drifted: an answer to several questions
    whose own heading names other questions' topics answers those."""
    heading = block.heading.text + " " + block.body.text.split("\n", 1)[0][:120]
    named = [t for t, n in _topic_hits(heading).items() if n]
    labelled = {_topic_of(q) for q in block.questions}
    if len(named) < 2 or labelled == set(named):
        return
    questions = [q for topic in named if (q := next((q for q in spec.questions if _topic_of(q) == topic), None))]
    if len(questions) == len(named):
        block.questions, block.alignment = sorted(questions, key=spec.questions.index), "content"


def disagreement(block: Block) -> str | None:
    """Why a block's own label does not match the question it was aligned to, if it does not."""
    if block.label is None or not block.questions:
        return None
    numbers = {q.number for q in block.questions}
    if block.label.kind == "letter" or numbers & set(block.label.numbers):
        return None
    question = block.questions[0]
    shown = f"question {question.number}" if question.number else f"the unnumbered '{question.text}' line"
    how = {
        "question_text": "it repeats that question's text",
        "heading": "its heading names that question",
        "content": "its content answers that question",
    }.get(block.alignment, block.alignment)
    return f"the answer labelled '{block.label.text}' is read as {shown} ({question.key}) because {how}"
