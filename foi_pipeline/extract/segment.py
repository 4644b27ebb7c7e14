"""Split a reply into the quoted request, the answer blocks and the boilerplate around them.

Replies quote the request before answering (so question text appears twice), label answers in many
styles ("1.", "1)", "Q1", "Question 1", "a)", bullets, headings), answer inline under each quoted
question, or repeat the question text as a heading. A block is a heading (label and/or repeated
question text) and the answer text under it, up to the next heading.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from foi_pipeline.contract import ROUTES
from foi_pipeline.extract import lexicon
from foi_pipeline.extract.gates import has_any
from foi_pipeline.extract.spans import WRAP_WIDTH, Span, lines
from foi_pipeline.extract.tables import BULLET_MARK
from foi_pipeline.specs import Question, RequestSpec

# One bullet mark at a time, each with the blanks after it: a pattern that could split a run of marks in more
# than one way ("(?:-+ *)*") takes exponential time on a line of 60 dashes before it fails.
_BULLET = r"[^\S\n]*(?:[-•*–·▪◦>#][^\S\n]*)*"
RANGE_LABEL_RE = re.compile(
    _BULLET + r"(?P<label>Q(?:uestion)?s?\.?[^\S\n]*(?P<a>\d{1,2})[^\S\n]*(?:-|–|—|to|and|&)[^\S\n]*(?:Q(?:uestion)?\.?[^\S\n]*)?(?P<b>\d{1,2}))"
    r"(?=[ \t:.)\-–—]|$)",
    re.IGNORECASE,
)
# "2-4." / "5 – 7:" with no "Q": the closing mark after the second number tells it from a range of figures ("2-4 men")
NUMBER_RANGE_LABEL_RE = re.compile(
    _BULLET + r"(?P<label>(?P<a>\d{1,2})\.?[^\S\n]*(?:-|–|—|to|&|and)[^\S\n]*(?P<b>\d{1,2})[^\S\n]*[.):])(?=[^\S\n]|$)", re.IGNORECASE)
Q_LABEL_RE = re.compile(
    _BULLET + r"(?P<label>(?:Q|Question|Request|Part)[^\S\n]*(?:no\.?[^\S\n]*)?(?P<n>\d{1,2})(?:[^\S\n]*[.:)])?)(?=[ \t:.)\-–—]|$)",
    re.IGNORECASE,
)
_NUMBER_WORDS = {w: i for i, w in enumerate(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen"], start=1)}
_NUMBER_WORD = r"(?:" + "|".join(_NUMBER_WORDS) + r")"
# "Question one", "Questions two, three and four": the numbers written as words
WORD_Q_LABEL_RE = re.compile(
    _BULLET + r"(?P<label>(?:Q|Question|Request|Part)s?[^\S\n]+(?P<words>" + _NUMBER_WORD + r"(?:(?:[^\S\n]*,[^\S\n]*|[^\S\n]+(?:and|to|&)[^\S\n]+)"
    + _NUMBER_WORD + r")*)(?:[^\S\n]*[.:)])?)(?=[ \t:.)\-–—]|$)",
    re.IGNORECASE,
)
_WORD_RE = re.compile(_NUMBER_WORD + r"|\bto\b", re.IGNORECASE)
# "8. Financial contributors and 9. Budget", "Q9 Financial contributors and Q10 budget": a second question's number
_SECOND_NUMBER_RE = re.compile(r"[^\S\n]+[^\n:]{2,60}?[^\S\n](?:and|&)[^\S\n]+(?:(?:Q(?:uestion)?[^\S\n]*)?(?P<n>\d{1,2})[.)][^\S\n]+(?-i:[A-Z])"
                               r"|Q(?:uestion)?[^\S\n]*(?P<q>\d{1,2})\b)", re.IGNORECASE)
NUMBER_LABEL_RE = re.compile(_BULLET + r"(?P<label>\(?(?P<n>\d{1,2})[^\S\n]*[.)](?!\d))(?=[^\S\n]|$)")
LETTER_LABEL_RE = re.compile(_BULLET + r"(?P<label>\(?(?P<l>[a-o])[.)])(?=[^\S\n])")
ANSWER_PREFIX_RE = re.compile(
    # "Response:", "A1.", "OPFCC response –", "Our answer:"
    r"[^\S\n]*(?:\*\*)?(?:(?:(?-i:[A-Z]{2,8})|Our|The|Force|Commissioner['’]s)[^\S\n]+)?(?:Answer|Response|Reply|A)(?:[^\S\n]*\d{1,2})?"
    r"[^\S\n]*[:.\-–][^\S\n]*(?:\*\*)?", re.IGNORECASE)

BOILERPLATE_RE = re.compile(
    r"^\W*(?:"
    r"(?:freedom\s+of\s+information\s+)?(?:your\s+|the\s+)?rights?\s+(?:of|to)\s+(?:appeal|complain|request\s+(?:a|an)\s+(?:internal\s+)?review)"
    r"|your\s+rights\W*$"
    r"|internal\s+review\W*$|internal\s+review\s*:"
    r"|(?:if|should)\s+you\s+(?:are|remain|feel|were|have)?\s*(?:still\s+)?(?:not\s+(?:satisfied|happy|content)|unhappy|dissatisfied|any\s+(?:complaint|concern))"
    r"|you\s+(?:may|can|have\s+the\s+right\s+to)\s+(?:ask|request|apply|complain|appeal)\b.*(?:review|commissioner)"
    r"|yours\s+(?:sincerely|faithfully|truly)|(?:kind|best|warm)\s+regards|many\s+thanks"
    r"|copyright|re-?use\s+of\s+(?:the\s+)?information|the\s+information\s+commissioner"
    r")",
    re.IGNORECASE,
)

ECHO_MIN_CHARS = 18
ECHO_THRESHOLD = 86


_DROP = set("*\"“”‘’'`_")


def _norm_map(raw: str) -> tuple[str, list[int]]:
    """Lower-cased text without quotes/markdown and with single spaces, and each kept character's raw offset."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(raw):
        if ch in _DROP:
            continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(i)
            continue
        out.append(ch.lower())
        where.append(i)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


_DROP_RE = re.compile(r"[*\"“”‘’'`_]+")
_SPACE_RE = re.compile(r"\s+")


def _norm(raw: str) -> str:
    return _SPACE_RE.sub(" ", _DROP_RE.sub("", raw)).strip().lower()


@dataclass(frozen=True)
class Label:
    """The reply's own label for an answer, as written, and the question numbers it claims."""

    text: str
    kind: str  # number | q | range | letter
    numbers: tuple[int, ...]
    span: Span


@dataclass
class Block:
    label: Label | None
    heading: Span
    echo: Question | None = None
    echo_score: float = 0.0
    body: Span = field(default_factory=lambda: Span(0, 0, ""))
    titled: Question | None = None  # question named by a short title ("Q6 – Accepted", "Referring organisations:")
    is_quote: bool = False
    questions: list[Question] = field(default_factory=list)
    alignment: str = ""

    @property
    def start(self) -> int:
        return self.heading.start


@dataclass
class Segmentation:
    blocks: list[Block]
    preamble: Span  # text between the quoted request (or letter head) and the first answer
    answers_end: int  # where the boilerplate after the answers starts
    lettered: bool


_BULLET_RE = re.compile(_BULLET)
_LABEL_STARTS = frozenset("qQrRpP(0123456789")  # Q1, Question 1, Request 1, Part 1, (1), 1.
_LETTER_LABEL_STARTS = frozenset("(abcdefghijklmno")  # (a), a)


# "... which also answers questions 2 to 7 and" / "question 10.": a question named in lower case is a sentence's
# words wrapped onto the line, not a heading
_IN_A_SENTENCE_RE = re.compile(r"(?:question|request|part)s?\b")


def line_label(line: Span, allow_letters: bool) -> tuple[Label, int] | None:
    """The label at the start of a line and where the rest of the line starts."""
    # Every label starts right after the bullets and blanks (none of its first characters is one), so a
    # line whose first other character cannot start a label has none: most lines are prose.
    bullets = _BULLET_RE.match(line.text)  # bullets and blanks, maybe none: it always matches
    start = bullets.end() if bullets else 0
    first = line.text[start : start + 1]
    if first not in _LABEL_STARTS and not (allow_letters and first in _LETTER_LABEL_STARTS):
        return None
    for kind, pattern in (("range", RANGE_LABEL_RE), ("range", NUMBER_RANGE_LABEL_RE), ("q", Q_LABEL_RE), ("number", NUMBER_LABEL_RE)):
        m = pattern.match(line.text)
        if m:
            if kind == "range":
                a, b = int(m.group("a")), int(m.group("b"))
                numbers = tuple(range(a, b + 1)) if 0 < b - a < 12 else (a, b)
            else:
                numbers = (int(m.group("n")),)
                # "8. Financial contributors and 9. Budget (2022/23):" heads one answer to both questions
                also = _SECOND_NUMBER_RE.match(line.text, m.end())
                if also is not None and int(also.group("n") or also.group("q")) > numbers[0]:
                    kind, numbers = "range", (numbers[0], int(also.group("n") or also.group("q")))
            if not 0 < numbers[0] <= 40 or _IN_A_SENTENCE_RE.match(m.group("label")):
                return None
            span = line.sub(m.start("label"), m.end("label"))
            return Label(span.text, kind, numbers, span), m.end()
    if first in "qQrRpP" and (m := WORD_Q_LABEL_RE.match(line.text)) is not None:
        words = [w.lower() for w in _WORD_RE.findall(m.group("words"))]
        word_numbers = [_NUMBER_WORDS[w] for w in words if w != "to"]
        if "to" in words and len(word_numbers) == 2 and word_numbers[0] < word_numbers[1]:
            word_numbers = list(range(word_numbers[0], word_numbers[1] + 1))
        span = line.sub(m.start("label"), m.end("label"))
        return Label(span.text, "range" if len(word_numbers) > 1 else "q", tuple(word_numbers), span), m.end()
    if allow_letters:
        m = LETTER_LABEL_RE.match(line.text)
        if m:
            span = line.sub(m.start("label"), m.end("label"))
            return Label(span.text, "letter", (ord(m.group("l")) - ord("a") + 1,), span), m.end()
    return None


_MID_ASIDE_RE = re.compile(r"\s*\([^()]*\)(?=\s*\w)")  # an aside the question goes on after, not a closing note


def cannot_reach(needle: str, haystack: str, cutoff: float) -> bool:
    """Whether fuzz.partial_ratio(needle, haystack) (needle the shorter) is surely below `cutoff`.

    Every window w it compares is a substring of haystack no longer than the needle, scored
    200 * LCS(needle, w) / (len(needle) + len(w)). With L = LCS(needle, haystack) >= LCS(needle, w), and
    LCS(needle, w) <= len(w), no window scores above 200 * L / (len(needle) + L). One LCS (bit-parallel,
    cheap) rules out most lines, which are no echo of the question at all.
    """
    common = LCSseq.similarity(needle, haystack)
    return 200 * common < cutoff * (len(needle) + common)


class EchoMatcher:
    """Finds lines that repeat a question of the request (quoted request lists, question-as-heading answers)."""

    def __init__(self, spec: RequestSpec):
        # A reply quoting a question may leave out its asides ("referred by an agency (e.g., police, social
        # service etc.) into the programme"): each question is matched with them and without.
        self.questions = [(q, norm) for q in spec.questions
                          for norm in dict.fromkeys((_norm(q.text), _norm(_MID_ASIDE_RE.sub(" ", q.text)))) if norm]
        self._seen: dict[tuple[str, float], tuple[Question | None, float, int]] = {}

    def match(self, text: str, threshold: float = ECHO_THRESHOLD) -> tuple[Question | None, float, int]:
        """(question, score, end of the repeated text within `text`) for the best match, else (None, 0, 0).

        Replies quote the same request word for word, so results are remembered per line.
        """
        key = (text, threshold)
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) > 50_000:
                self._seen.clear()
            found = self._seen[key] = self._match(text, threshold)
        return found

    def _match(self, text: str, threshold: float) -> tuple[Question | None, float, int]:
        norm = _norm(text)
        if len(norm) < ECHO_MIN_CHARS or len(norm) > 600:
            return None, 0.0, 0
        where: list[int] | None = None
        best: tuple[float, Question | None, int] = (0.0, None, 0)
        # "Agency-referred males who completed" is no echo of the self-referral question, however alike the words
        routes = lexicon.routes_named(text)
        for question, qnorm in self.questions:
            if question.route and len(routes) == 1 and question.route not in routes:
                continue
            if len(norm) <= len(qnorm):
                # A heading that is (part of) the question: "Financial Contributors:", "Budget inclusive of ..."
                # (a score below the threshold cannot match, so rapidfuzz may stop early and report 0)
                score = 0.0 if cannot_reach(norm, qnorm, threshold) else fuzz.partial_ratio(norm, qnorm, score_cutoff=threshold)
                if len(norm) < 0.5 * len(qnorm):
                    score -= 5 if len(norm) >= 20 or score >= 99 else 15
                end = len(text)
            else:
                # The question followed by more text on the same line: "The Financial Contributors (...) are as follows:"
                if cannot_reach(qnorm, norm, threshold - 1):
                    continue
                alignment = fuzz.partial_ratio_alignment(qnorm, norm, score_cutoff=threshold - 1)
                if alignment is None:
                    continue
                score = alignment.score if alignment.dest_start < 12 else alignment.score - 15
                if where is None:
                    where = _norm_map(text)[1]
                end = where[min(alignment.dest_end, len(where)) - 1] + 1 if alignment.dest_end else 0
            if score > best[0]:
                best = (score, question, end)
        if best[0] >= threshold:
            return best[1], best[0], best[2]
        return None, best[0], 0


_FIGURE_START_RE = re.compile(r"\s*[£$€0-9]")
_SENTENCE_TITLE_RE = re.compile(r"((?:[A-Z][\w'’-]*)(?:[^\S\n]+[\w'’-]+){0,3})\.[^\S\n]+(?=[A-Z])")
_TITLE_SEPARATOR_RE = re.compile(r"\s+[–—-]\s+|:\s+|:$|\?\s+|\s+[–—-]$")
# Words saying whom a title counts: a route, referrals, a population or people ("Self-referred males accepted")
_POPULATION_WORDS = re.compile("|".join([*lexicon.ROUTE_WORDS.values(), lexicon.STAGE_WORDS["referred"],
                                         *lexicon.POPULATION_WORDS.values(), lexicon.PEOPLE_WORDS]), re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")
_DASH_OR_COLON_RE = re.compile(r"[–—\-:]")
_COPULA_RE = re.compile(r"\b(?:is|are|was|were|has|have)\b")
_NEGATION_RE = re.compile(r"\b(?:no|not|never|cannot)\b", re.IGNORECASE)


_INTRODUCES_A_LIST_RE = re.compile(r"\b(?:from|by|include|includes|including|were|are|was|follows)[ \t]*:$", re.IGNORECASE)
_ORGANISATIONS_RE = re.compile(r"(?<!partner )\borganisations?\b|\breferrers\b|\bnames\s+of\b", re.IGNORECASE)


def _title_key(title: str) -> str:
    """A whole title as compared: lower case, spaces collapsed, each word singular ("Programmes commissioned" is
    the title "programme commissioned")."""
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in title.lower().split())


class TitleMatcher:
    """Short headings that name a question in the reply's own words ("Self-referred males accepted", "Budget")."""

    def __init__(self, spec: RequestSpec):
        self.counts = {(q.route, q.stage): q for q in spec.questions if q.route}
        self.whole_titles = {_title_key(t): q for q in spec.questions for t in q.titles}
        self.referrers = next((q for q in spec.questions if q.table == "referrers"), None)
        cues = sorted(((cue.lower(), q) for q in spec.questions if not q.route for cue in q.cues), key=lambda c: -len(c[0]))
        self.cues = [(cue, re.compile(r"(?<!\w)" + re.escape(cue) + r"(?!\w)"), q) for cue, q in cues]
        # Most titles name no cue at all: a cue's pattern can only match where the cue is a substring.
        self._cue_words = tuple(cue for cue, _, _ in self.cues)
        self._long_cue_words = tuple(cue for cue in self._cue_words if len(cue) >= 8)
        # One literal search for any cue or stage word: a title with none of them names no question.
        self._any_word = re.compile("|".join([*(re.escape(w) for w in sorted(self._cue_words, key=len, reverse=True)),
                                              lexicon.STAGE_RE.pattern]), re.IGNORECASE)

    def match(self, title: str, whole_titles: bool = True, max_words: int = 9) -> Question | None:
        """The question a heading names; `whole_titles` off for table cells, where "Programme" heads a column.
        A question asked in the reply's own words ("How many of the referred males completed?") may be longer."""
        title = title.strip(" *#:-–—\t?")
        words = title.split()
        if not words or len(words) > max_words or _DIGIT_RE.search(title):
            return None
        lowered = title.lower()
        if whole_titles and (key := _title_key(lowered)) in self.whole_titles:
            return self.whole_titles[key]
        if self._any_word.search(lowered) is None:
            return None
        named = has_any(lowered, self._cue_words)
        if named and has_any(lowered, self._long_cue_words):
            for cue, pattern, question in self.cues:
                if len(cue) >= 8 and pattern.search(lowered):
                    return question
        stage = lexicon.stage_named(lowered)
        if not named and stage is None:
            return None  # no cue, and no stage word
        if stage == "referred" and self.referrers is not None and _ORGANISATIONS_RE.search(lowered):
            return self.referrers  # "Organisations who made a referral": who referred, not how many
        if stage and _POPULATION_WORDS.search(lowered):
            route = lexicon.route_named(lowered) or "agency"
            return self.counts.get((route, stage))
        if not named:
            return None
        for _, pattern, question in self.cues:
            if pattern.search(lowered):
                return question
        return None

    def _is_whole_title(self, title: str) -> bool:
        return _title_key(title.strip(" *#:-–—\t")) in self.whole_titles

    def split(self, rest: str, whole_titles: bool = True) -> tuple[Question | None, int]:
        """(question, where the answer starts) for "Title – answer" / "Title:" lines, else (None, 0).

        `whole_titles` off where the line may continue the one above ("... Change Pathway\nProgramme: N/A")."""
        m = _TITLE_SEPARATOR_RE.search(rest)
        if m and m.start() <= 70 and not _NEGATION_RE.search(rest, 0, m.start()):  # "Drive has no self-referral route: ..." is a sentence
            question = self.match(rest[: m.start()], whole_titles)
            if question is not None and self._is_whole_title(rest[: m.start()]) and _FIGURE_START_RE.match(rest[m.end():]):
                question = None  # "Programme: £314,000" answers no "Programme:" question: a wrapped line
            if question is not None and question.route and _INTRODUCES_A_LIST_RE.search(rest[: m.start()].rstrip() + ":"):
                return None, 0  # "Safer Choices received referrals from: A; B" introduces a list, it counts nothing
            if question is not None:
                return question, m.end()
        stripped = rest.strip()
        if len(rest.split()) <= 6 and not stripped.endswith((".", "?", "!")) and (
            _DASH_OR_COLON_RE.match(stripped) or stripped.endswith(":") or not _COPULA_RE.search(stripped)
        ):
            question = self.match(rest, whole_titles)
            if question is not None and question.route and _INTRODUCES_A_LIST_RE.search(stripped):
                return None, 0  # "Safer Choices received referrals from:" introduces its answer's list
            if question is not None:
                return question, len(rest)
        return None, 0


_MATCHERS: dict[int, tuple[RequestSpec, EchoMatcher, TitleMatcher, _LineReader]] = {}


def _matchers_entry(spec: RequestSpec) -> tuple[RequestSpec, EchoMatcher, TitleMatcher, _LineReader]:
    """One set of matchers per request spec, kept across replies."""
    entry = _MATCHERS.get(id(spec))
    if entry is None or entry[0] is not spec:
        echo, titles = EchoMatcher(spec), TitleMatcher(spec)
        entry = _MATCHERS[id(spec)] = (spec, echo, titles, _LineReader(echo, titles))
    return entry


def _matchers(spec: RequestSpec) -> tuple[EchoMatcher, TitleMatcher]:
    entry = _matchers_entry(spec)
    return entry[1], entry[2]


def _line_reader(spec: RequestSpec) -> _LineReader:
    return _matchers_entry(spec)[3]


def _is_letter_scheme(text_lines: list[Span]) -> bool:
    """Letters label the answers only when a reply letters a run of them from a) (not a sub-list a., b.)."""
    letters = []
    for line in text_lines:
        m = LETTER_LABEL_RE.match(line.text)
        if m and not NUMBER_LABEL_RE.match(line.text) and not Q_LABEL_RE.match(line.text):
            letters.append(m.group("l"))
    distinct = sorted(set(letters))
    return len(distinct) >= 5 and distinct[0] == "a"


_CELL_SEP_RE = re.compile(r"[^\S\n]*(?:\|(?!-)|\t)[^\S\n]*")
ROMAN_LABEL_RE = re.compile(r"\(?(?P<roman>(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))[.)][^\S\n]*", re.IGNORECASE)
_BARE_NUMBER_RE = re.compile(r"\(?(?P<n>\d{1,2})[.)]?")
_ROMAN = {"i": 1, "v": 5, "x": 10}


def _roman_value(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _cells(line: Span) -> list[Span]:
    """The non-empty cells of a table row ("| a | b |", "a | b", "a<TAB>b")."""
    bounds = [0, *(x for m in _CELL_SEP_RE.finditer(line.text) for x in (m.start(), m.end())), len(line.text)]
    cells = (line.sub(a, b).strip() for a, b in zip(bounds[::2], bounds[1::2]))
    return [c for c in cells if c.text.strip(" -:")]


def _leading_label(cell: Span, lettered: bool) -> tuple[Label | None, int]:
    """A label opening a cell ("5.", "Q5", "(v)") and where the words after it start."""
    found = line_label(cell, lettered)
    if found is not None:
        return found
    m = ROMAN_LABEL_RE.match(cell.text)
    if m:
        return Label(m.group().strip(), "number", (_roman_value(m.group("roman")),), cell.sub(0, m.end()).strip()), m.end()
    return None, 0


def _label_cell(cell: Span, lettered: bool) -> Label | None:
    """A cell that holds only a label ("5", "5.", "Q5", "(v)")."""
    m = _BARE_NUMBER_RE.fullmatch(cell.text)
    if m and 0 < int(m.group("n")) <= 40:
        return Label(cell.text, "number", (int(m.group("n")),), cell)
    label, end = _leading_label(cell, lettered)
    return label if label is not None and not cell.text[end:].strip() else None


_NO_NUMBER_CELLS = {"", "-", "–", "—", "n/a", "*"}


def _question_row(text: str, line: Span, lettered: bool, matcher: EchoMatcher, titles: TitleMatcher) -> Block | None:
    """A question-and-answer table ("| 5. Males referred by an agency | 97 |", or Word's "Question | Response" rows):
    a row of two cells (three with a label cell first) whose question cell names a question is that answer's
    heading, and its last cell the answer. Rows of wider tables (a column per programme) are not answers."""
    cells = _cells(line)
    if len(cells) == 3:
        label, question_cell, words_start = _label_cell(cells[0], lettered), cells[1], 0
        if label is None and cells[0].text.strip() not in _NO_NUMBER_CELLS:
            return None  # "| – | Evaluation | None available. |": the unnumbered question's row has a dash for its number
    elif len(cells) == 2:
        question_cell = cells[0]
        label, words_start = _leading_label(question_cell, lettered)
    else:
        return None
    words = question_cell.text[words_start:]
    funnel = _funnel_heading(question_cell.sub(words_start, len(question_cell.text)), titles)
    if funnel is not None and funnel.label is not None and ("/" in words or "," in words):
        # "| 2 | Self-referrals: number referred / accepted / completed | Referred: 23 Accepted: 14 |": one row
        # answers every stage its question cell names
        return Block(label=funnel.label, heading=Span.of(text, line.start, cells[-1].start))
    question, score, _ = matcher.match(words)
    titled = titles.match(words, whole_titles=False) if question is None else None
    if question is None and titled is None:
        return None
    routes = {lexicon.route_named(c.text, label=True) for c in cells if len(c.text.split()) <= 4}
    if len(cells) == 2 and routes == set(ROUTES):
        return None  # "| Self-referral | Agency referral |": a table's column headings, one per route
    answer_start = cells[-1].start  # the heading runs to the answer cell
    return Block(label=label, heading=Span.of(text, line.start, answer_start), echo=question, echo_score=score, titled=titled)


@dataclass
class QuestionTable:
    """A reply laid out as one table: a row per question, a column per programme ("| Question | Drive | Change Hub |")."""

    columns: list[Span]  # the header cells over the answer columns: the programmes
    rows: list[tuple[Question, Span, list[Span]]]  # question, its cell, the answer cell under each column
    start: int = 0  # where the table (and its continuations on later pages) starts and ends in the text
    end: int = 0
    by_row: bool = False  # read as the transpose of a row per programme: its first column named them
    providers: list[Span] = field(default_factory=list)  # by_row: each programme's cell in a "Provider" column


def find_question_table(text: str, spec: RequestSpec, within: Span | None = None, transposed: bool = False) -> QuestionTable | None:
    """The first table (in `within`, else anywhere) whose rows answer MIN_TABLE_QUESTIONS or more questions of the
    request, one column per programme; `transposed` also a row per programme under the questions as headings
    (for a reply that is that table alone: beside answers of its own, such a table is read with them)."""
    return next(_question_tables(text, spec, within, transposed), None)


def find_question_tables(text: str, spec: RequestSpec, transposed: bool = False) -> list[QuestionTable]:
    """Every such table, in order: a reply may give one per programme ("Programme 1 of 3", "| Q | Drive |")."""
    return list(_question_tables(text, spec, None, transposed))


def _question_tables(text: str, spec: RequestSpec, within: Span | None, transposed: bool) -> Iterator[QuestionTable]:
    from foi_pipeline.extract.tables import find_tables

    matcher, titles = _matchers(spec)
    by_number = {q.number: q for q in spec.questions if q.number}
    tables = find_tables(within if within is not None else Span(0, len(text), text))
    end = -1
    for k, table in enumerate(tables):
        if table.span.start < end:
            continue  # a page of a table already read
        head_row, first_rows = _header_under_a_spanning_heading(table)
        width = len(head_row)
        header = [c.text.strip() for c in head_row]

        def continues(t, width: int = width, header: list[str] = header) -> bool:
            # A table that breaks across pages goes on in the next ones as wide, under its header repeated; one as
            # wide under a header of the same kind that names another programme is a table of its own.
            # A different header of words alone ("| Funder | Programme | Amount | Type |") starts another table.
            head = [c.text.strip() for c in t.rows[0]]
            return len(head) == width and (head == header or any(_FIGURE_CELL_RE.fullmatch(c) for c in head[1:]))

        following = list(itertools.takewhile(continues, tables[k + 1 :]))
        continued = [first_rows, *(t.rows for t in following)]
        # A number column then the question's words ("| Q | Question | Drive | CARA |"), else the question in the
        # first column ("Q5 Agency referred", or its number alone): the programmes' columns follow it.
        for column in (1, 0):
            if width < column + 2:
                continue
            rows: list[tuple[Question, Span, list[Span]]] = []
            providers: list[Span] = []
            for row in itertools.chain.from_iterable(continued):
                if len(row) > column + 1 and lexicon.column_holds(row[column].text.strip(" :")) == "provider" and not providers:
                    providers = row[column + 1 :]  # "| Provider | Cranstoun | Relate |": each programme's provider
                    continue
                if len(row) != width:
                    continue
                label, words_start = _leading_label(row[column], False)
                words = row[column].text[words_start:]
                if label is None and (label := _label_cell(row[column], False)) is not None:
                    words = ""  # "| 5 | 117 |": a bare number
                numbered = _label_cell(row[0], False) if column else None  # "| 7 | Referred males who completed |"
                question = (by_number.get(numbered.numbers[0]) if numbered is not None and len(numbered.numbers) == 1 else None) \
                    or matcher.match(words)[0] or titles.match(words, whole_titles=False)
                if question is None and label is not None and len(label.numbers) == 1 and not words.strip():
                    question = by_number.get(label.numbers[0])  # "| 5. |", "| 5 |": the question by its number
                if question is not None and all(question is not q for q, _, _ in rows):
                    rows.append((question, row[column], row[column + 1 :]))
            if len(rows) >= MIN_TABLE_QUESTIONS:
                columns = head_row[column + 1 :]
                if len(columns) > 1 and _TOTAL_ROW_RE.match(columns[-1].text):
                    columns = columns[:-1]  # "| Question | Drive | CARA | Total |": the sum of the programmes is none of them
                found: QuestionTable | None = QuestionTable(columns=columns, rows=rows, start=table.span.start,
                                                            end=max(t.span.end for t in [table, *following]), providers=providers)
                break
        else:
            found = _programme_rows(table, following, spec, by_number, matcher, titles) if transposed else None
        if found is not None:
            end = found.end
            yield found


_TOTAL_ROW_RE = re.compile(r"^\W*(?:grand\s+)?totals?\b", re.IGNORECASE)
_FIGURE_CELL_RE = re.compile(r"[£<>~*]?\s*\d[\d,.]*\s*[%*†]?|n/?a|nil|-", re.IGNORECASE)  # a data row's cell, no heading


def _header_under_a_spanning_heading(table) -> tuple[list[Span], list[list[Span]]]:
    """The header row and the rows under it. "| Q | Question | Programme |" over "|  |  | DRIVE | Make a Change |":
    a heading merged over the programmes' columns stands in a row of its own, narrower than the table, over the row
    that names each column (blank under the question's own columns); that row is the header."""
    rows = table.rows
    if len(rows) > 2 and len(rows[0]) < len(rows[1]) == len(rows[2]) and not rows[1][0].text.strip() \
            and all(c.text.strip() for c in rows[1][len(rows[1]) - len(rows[0]) + 1 :]):
        return rows[1], rows[2:]
    return rows[0], rows[1:]


def _programme_rows(table, following: list, spec: RequestSpec, by_number: dict, matcher: EchoMatcher,
                    titles: TitleMatcher) -> QuestionTable | None:
    """"| Programme | Provider | Q2 Males self-referred | Q3 ... |": the questions as column headings and a row per
    programme, the first column its name (a workbook's data sheet). Read as its transpose; a total row is no programme."""
    header = table.rows[0]
    if lexicon.column_holds(header[0].text) != "programme":
        return None
    naming = next((q for q in spec.questions if q.table == "programmes"), None)
    columns: list[tuple[Question, Span, int]] = [(naming, header[0], 0)] if naming is not None else []
    for i, cell in enumerate(header[1:], start=1):
        label, words_start = _leading_label(cell, False)
        words = cell.text[words_start:]
        question = (by_number.get(label.numbers[0]) if label is not None and len(label.numbers) == 1 else None) \
            or matcher.match(words)[0] or titles.match(words, whole_titles=False)
        if question is not None and all(question is not q for q, _, _ in columns):
            columns.append((question, cell, i))
    body = [row for row in itertools.chain(table.rows[1:], *(t.rows[1:] for t in following))
            if len(row) == len(header) and row[0].text.strip() and not _TOTAL_ROW_RE.match(row[0].text)]
    if len(columns) < MIN_TABLE_QUESTIONS + 1 or not body:
        return None
    provider = next((i for i, cell in enumerate(header) if i and lexicon.column_holds(cell.text) == "provider"), None)
    return QuestionTable(columns=[row[0] for row in body], rows=[(q, cell, [row[i] for row in body]) for q, cell, i in columns],
                         start=table.span.start, end=max(t.span.end for t in [table, *following]), by_row=True,
                         providers=[row[provider] for row in body] if provider is not None else [])


MIN_TABLE_QUESTIONS = 3


def _is_table_row(text: str) -> bool:
    return text.lstrip().startswith("|") or text.count(" | ") >= 1 or "\t" in _TAB_BULLET_RE.sub("", text).strip()


_TAB_BULLET_RE = re.compile(r"^[^\S\n]*" + BULLET_MARK + r"\t")  # "•<TAB>Scope: ...": a Word list's bullet, not a cell


def _table_lines(text: str) -> list[tuple[int, int]]:
    from foi_pipeline.extract.tables import find_tables

    return [(t.span.start, t.span.end) for t in find_tables(Span(0, len(text), text))]


@dataclass(frozen=True)
class _Head:
    """What one line says as a heading, with offsets within the line: one reading serves every reply quoting it."""

    label: Label | None  # its span relative to the line
    heading_end: int
    echo: Question | None = None
    echo_score: float = 0.0
    titled: Question | None = None


def _placed(label: Label, line: Span) -> Label:
    span = line.sub(label.span.start, label.span.end)
    return Label(label.text, label.kind, label.numbers, span)


LABEL_SLACK = 3  # list numbers may run a little past the request's (an unnumbered question numbered, a note)


class _LineReader:
    """Reads lines as headings. Replies quote the request and its boilerplate word for word, so readings are kept
    across replies (bounded), keyed by the line and the two facts about its surroundings that change the reading."""

    def __init__(self, matcher: EchoMatcher, titles: TitleMatcher):
        self.matcher, self.titles = matcher, titles
        # "22. A further 6 men ..." opens with a figure, not an answer's number: no request has that many questions
        self.highest_label = max((q.number or 0 for q, _ in matcher.questions), default=0) + LABEL_SLACK
        self._seen: dict[tuple[str, bool, bool], _Head | None] = {}

    def read(self, text: str, lettered: bool, whole_titles: bool) -> _Head | None:
        key = (text, lettered, whole_titles)
        if key in self._seen:
            return self._seen[key]
        if len(self._seen) > 100_000:
            self._seen.clear()
        head = self._seen[key] = self._read(Span(0, len(text), text), lettered, whole_titles)
        return head

    def _read(self, line: Span, lettered: bool, whole_titles: bool) -> _Head | None:
        matcher, titles = self.matcher, self.titles
        prefix = ANSWER_PREFIX_RE.match(line.text) if line.text[:1] != " " else None
        if prefix is not None and prefix.end() < len(line.text.rstrip()):
            # "OPCC Response – Questions 2 – 4 (self-referrals)": the reply's own heading after its response prefix
            head = self._read(line.sub(prefix.end(), len(line.text)), lettered, whole_titles)
            if head is not None:
                return head
        found = line_label(line, lettered)
        if found is not None and found[0].kind == "number" and found[0].numbers[0] > self.highest_label:
            found = None
        if found is not None and found[0].kind == "number":
            # "4. Question 8 – referring organisations", "2. Self-referrals – Questions 2 to 4": a list's own number
            # (Word numbers its items itself) before the question's; the question's number says which it answers
            after = line.sub(found[1], len(line.text))
            inner = line_label(after, lettered)
            if inner is not None and inner[0].kind in ("q", "range"):
                found = (inner[0], found[1] + inner[1])
            elif inner is None and (trailing := _trailing_label(after)) is not None:
                return _Head(trailing.label, line.end)
        if found is None and (trailing := _trailing_label(line)) is not None:
            return trailing  # "Self-referrals – Questions 2 to 4": the numbers say more than the words
        if found is None and (leading := _bracketed_label(line)) is not None:
            return leading  # "Budget (question 10): The total budget ...": the heading ends at its colon
        rest = line.sub(found[1], len(line.text)) if found else line
        label = found[0] if found else None
        question, score, echo_end = matcher.match(rest.text)
        if question is None and found is None and (funnel := _funnel_heading(line, titles)) is not None:
            return funnel
        if question is not None:
            # "Self-referred males who completed – 32": the question's words, then the answer on the same line.
            sep = _TITLE_SEPARATOR_RE.search(rest.text)
            if sep and sep.end() < len(rest.text.rstrip()) and matcher.match(rest.text[: sep.start()], threshold=70)[0] is question \
                    and matcher.match(rest.text[sep.end():])[0] is not question:
                echo_end = sep.end()
        if question is None and not (found and len(found[0].numbers) > 1):
            # "Q10 – Budget: £257,000": skip the dash after a label, then read "title: answer".
            lead = len(rest.text) - len(rest.text.lstrip(" \t–—-:")) if found else 0
            titled, answer_start = titles.split(rest.text[lead:], whole_titles=whole_titles)
            if titled is not None:
                return _Head(label, rest.start + lead + answer_start, titled=titled)
            sentence_title = _SENTENCE_TITLE_RE.match(rest.text, lead) if found else None
            if sentence_title and (titled := titles.match(sentence_title.group(1))) is not None and not titled.route:
                # "7. Referring organisations. The provider does not hold ...": a title closed by a full stop
                return _Head(label, rest.start + sentence_title.end(), titled=titled)
            asked = _ASKED_RE.match(rest.text)
            if asked or (_INTERROGATIVE_RE.match(rest.text) and rest.text.rstrip().endswith("?")):
                # "Question: How many males self-referred into the programme?": the reply's own wording of a question
                titled = titles.match(rest.text[asked.end() if asked else 0 :], whole_titles=False, max_words=MAX_ASKED_WORDS)
                if titled is not None:
                    return _Head(label, line.end, titled=titled)
        if found is None and question is None:
            return None
        heading_end = rest.start + echo_end if question is not None else rest.start
        if found is not None and question is None and _is_title(rest.text):
            # "Q6 – Accepted": a short title; the answer follows, on this line after a colon or on the next lines.
            colon = _COLON_RE.search(rest.text)
            heading_end = rest.start + colon.start() + 1 if colon and colon.start() < 70 else line.end
        return _Head(label, heading_end, echo=question, echo_score=score)


_ASIDE_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
MAX_FUNNEL_HEADING_WORDS = 8
# "Agency referrals, starts and ...": referrals as an item of the list (not "Agency referrals accepted")
_REFERRALS_NOUN_RE = re.compile(r"\breferrals\b[^\S\n]*(?:,|:|&|\band\b)", re.IGNORECASE)


def _funnel_heading(line: Span, titles: TitleMatcher) -> _Head | None:
    """"Referrals, acceptances and completions (men only, 2022/23)": a short heading naming two or more funnel
    stages heads the answer to each count question of those stages, for the routes it names (both when none)."""
    words = _ASIDE_RE.sub(" ", line.text).strip(" *#:-–—\t")
    if not words or len(words.split()) > MAX_FUNNEL_HEADING_WORDS or words.endswith((".", "?", "!", ",")) or _DIGIT_RE.search(words):
        return None
    stages = lexicon.stages_named(words)
    if _REFERRALS_NOUN_RE.search(words):  # "Agency referrals, starts and completers": referrals are one of the list
        stages.add("referred")
    if len(stages) < 2:
        return None
    routes = lexicon.routes_named(words) or set(ROUTES)
    numbers = tuple(sorted(q.number for (route, stage), q in titles.counts.items() if route in routes and stage in stages and q.number))
    if len(numbers) < 2:
        return None
    return _Head(Label(line.text.strip(), "range", numbers, line.strip()), len(line.text))


# "Funding and budget (questions 9 and 10)", "Self-referrals – Questions 2 to 4": a heading in the reply's own
# words with the numbers of the questions it answers at its end
_TRAILING_LABEL_RE = re.compile(
    r"[^\S\n]*[(\[–—:-][^\S\n]*(?P<label>Q(?:uestion)?s?\.?[^\S\n]*(?P<a>\d{1,2})"
    r"(?:[^\S\n]*(?P<sep>-|–|—|to|and|&)[^\S\n]*(?:Q(?:uestion)?\.?[^\S\n]*)?(?P<b>\d{1,2}))?)[^\S\n]*[)\]]?[^\S\n]*:?[^\S\n]*$",
    re.IGNORECASE,
)
MAX_TRAILING_LABEL_HEADING = 90
_DIGIT_RE = re.compile(r"\d")


def _trailing_label(line: Span) -> _Head | None:
    text = line.text
    if len(text) > MAX_TRAILING_LABEL_HEADING or not _DIGIT_RE.search(text):
        return None
    m = _TRAILING_LABEL_RE.search(text)
    if m is None or not text[: m.start()].strip(" \t#*") or "." in text[: m.start()]:
        return None
    label = _numbers_label(m, line)
    return _Head(label, len(text)) if label is not None else None


def _numbers_label(m: re.Match[str], line: Span) -> Label | None:
    """The label of a heading that names its questions' numbers ("questions 2 to 7", "Q9 and Q10", "Q3")."""
    a, b = int(m.group("a")), int(m.group("b") or m.group("a"))
    if not 0 < a <= b <= 40:
        return None
    numbers = tuple(range(a, b + 1)) if m.group("sep") not in {"and", "&"} and b - a < 12 else tuple(dict.fromkeys((a, b)))
    span = line.sub(m.start("label"), m.end("label"))
    return Label(span.text, "range" if len(numbers) > 1 else "q", numbers, span)


# "Programme (question 1): The Commissioner commissions ...", "Referrals (questions 2 to 7): ...": a short title,
# the numbers of the questions it answers in brackets, a colon, then the answer on the same line
_BRACKETED_LABEL_RE = re.compile(
    r"[^\S\n]*[#*]*[^\S\n]*[A-Z][^\n():.;]{0,60}?[^\S\n]*[(\[][^\S\n]*(?P<label>Q(?:uestion)?s?\.?[^\S\n]*(?P<a>\d{1,2})"
    r"(?:[^\S\n]*(?P<sep>-|–|—|to|and|&)[^\S\n]*(?:Q(?:uestion)?\.?[^\S\n]*)?(?P<b>\d{1,2}))?)[^\S\n]*[)\]][^\S\n]*[#*]*:",
    re.IGNORECASE,
)


def _bracketed_label(line: Span) -> _Head | None:
    m = _BRACKETED_LABEL_RE.match(line.text)
    label = _numbers_label(m, line) if m is not None else None
    return _Head(label, m.end()) if m is not None and label is not None else None


# A label, a tab or a run of spaces, then words with no such gap: a numbered line aligned as Word and PDFs align them
_ALIGNED_LABEL_RE = re.compile(r"[^\S\n]*(?:\(?\d{1,2}[.)]|\(?[a-o][.)]|Q\d{1,2}[.:]?)(?:\t|[^\S\n]{2,})(?:(?!\S(?:\t|[^\S\n]{2,})\S).)+", re.IGNORECASE)
_ASKED_RE = re.compile(r"[^\S\n]*(?:\*\*)?(?:Question|Q|Request|Your\s+question)(?:\*\*)?[^\S\n]*[:.\-–](?:\*\*)?[^\S\n]*", re.IGNORECASE)
_INTERROGATIVE_RE = re.compile(r"[^\S\n]*(?:\*\*)?(?:how|what|which|who|whom|please|can|could|do|does|did|is|are|was|were)\b", re.IGNORECASE)
MAX_ASKED_WORDS = 24


_STAGE_GROUP_RE = re.compile(
    r"[#*\s]*(?:(?:the\s+)?(?:total\s+)?number\s+(?:of\s+)?)?(?:" + lexicon.PEOPLE_WORDS + r"\s+)?(?P<stage>" + lexicon.STAGE_RE.pattern + r")"
    r"(?:\s+(?:on|onto|on\s+to|to|in|of)\s+the\s+(?:programme|intervention|course))?[\s:*]*",
    re.IGNORECASE,
)


def _stage_group(line: str) -> str | None:
    """A heading that names a funnel stage and nothing else ("Acceptances", "Number of completions:"): the stage
    of the route-only titles under it."""
    m = _STAGE_GROUP_RE.fullmatch(line)
    return lexicon.stage_named(m.group("stage")) if m else None


def _names_a_stage_of_its_own(line: str, title_end: int) -> bool:
    """Whether a count title says its stage beyond its route words ("Self-referred accepted" does; "Self-referred" does not)."""
    return lexicon.own_stage(line[:title_end], verbs=True) is not None


# Under a stage heading, a route alone titles a figure: "Self: 22", "Agency referrals – 171", "Partner agencies: 40"
_ROUTE_ONLY_RE = re.compile(
    r"[-•*·\s]*(?P<route>(?:(?:partner|other)\s+)?(?:" + "|".join(lexicon.ROUTE_LABEL_WORDS.values()) + r")(?:[\s-]*referr\w*)?)"
    r"[ \t]*(?::|–|—|-|=)[ \t]*(?=\S)",
    re.IGNORECASE,
)


def _next_text(text_lines: list[Span], i: int) -> str:
    """The next line with words after line i."""
    return next((line.text for line in islice(text_lines, i + 1, None) if line.text.strip()), "")


def _route_title_follows(following: str, reader: _LineReader, lettered: bool) -> bool:
    head = reader.read(following, lettered, True)
    return (head is not None and head.titled is not None and bool(head.titled.route)) or _ROUTE_ONLY_RE.match(following) is not None


def _route_only(line: Span, stage: str, titles: TitleMatcher) -> Block | None:
    m = _ROUTE_ONLY_RE.match(line.text)
    if m is None:
        return None
    route = lexicon.route_named(m.group("route"), label=True)
    question = titles.counts.get((route, stage)) if route is not None else None
    return Block(label=None, heading=line.sub(0, m.end()), titled=question) if question is not None else None


_FUNDING_HEADING_RE = re.compile(r"[#*\s]*funding[\s*]*(?:(?::|–|—|-)[\s*]*(?P<rest>.*))?", re.IGNORECASE)  # "Funding", "Funding: ..."
_AMOUNT_RE = re.compile(r"£|\d{3}")


def _funding_heading(text_lines: list[Span], i: int, spec: RequestSpec) -> Block | None:
    """"Funding" heads the funders' answer or the budget's: the answer after it says which (an amount, or names)."""
    line = text_lines[i]
    m = _FUNDING_HEADING_RE.fullmatch(line.text)
    if m is None:
        return None
    following = m.group("rest") or _next_text(text_lines, i)
    table = "budgets" if _AMOUNT_RE.search(following) else "funders"
    question = next((q for q in spec.questions if q.table == table), None)
    heading = line.sub(0, m.start("rest")) if m.group("rest") else line
    return Block(label=None, heading=heading, titled=question) if question is not None else None


def segment(text: str, spec: RequestSpec) -> Segmentation:
    text_lines = lines(text)
    lettered = _is_letter_scheme(text_lines)
    matcher, titles = _matchers(spec)
    reader = _line_reader(spec)
    table_spans = _table_lines(text)
    rows_by_table = {span: [_question_row(text, line, lettered, matcher, titles) for line in text_lines if span[0] <= line.start < span[1]]
                     for span in table_spans}

    heads: list[Block] = []
    previous = ""
    group_stage: str | None = None
    group_lines: list[Span] = []
    for i, line in enumerate(text_lines):
        above, previous = previous, line.text
        if not line.text.strip():
            continue
        in_table = next((span for span in table_spans if span[0] <= line.start < span[1]), None) if table_spans else None
        if in_table is not None or _is_table_row(line.text):
            rows = rows_by_table[in_table] if in_table is not None else [_question_row(text, line, lettered, matcher, titles)]
            row = rows[0] if in_table is None else next((r for r in rows if r is not None and r.heading.start == line.start), None)
            if row is not None and (in_table is None or len({id(r.echo or r.titled) for r in rows if r is not None}) >= 2):
                heads.append(row)  # a table answers questions when two or more of its rows name one ("| Referrer | Number |" heads no answer)
                continue
            if not _ALIGNED_LABEL_RE.fullmatch(line.text):
                continue
            # not a column of a table: a label's alignment ("2.<TAB>The total number of males ..."), read as a line
        if heads and heads[-1].echo is not None and _ends_question(heads[-1].echo, line.text) and _adjacent(text, heads[-1], line):
            heads[-1].heading = Span.of(text, heads[-1].heading.start, line.end)  # "... accepted onto the" / "programme"
            continue
        stage = _stage_group(line.text)
        if stage is not None and _route_title_follows(_next_text(text_lines, i), reader, lettered):
            group_stage = stage  # "Acceptances", over "Self-referred: 22" and "Agency-referred: 171"
            group_lines.append(line)
            continue
        if line.text[:1].islower() and _may_continue(above) and line_label(line, lettered) is None:
            continue  # "The annual\nbudget, inclusive of running costs, is ...": a sentence wrapped, not a heading
        head = reader.read(line.text, lettered, not _may_continue(above))
        if head is None:
            if (funding := _funding_heading(text_lines, i, spec)) is not None:
                heads.append(funding)
            elif group_stage and (route_only := _route_only(line, group_stage, titles)) is not None:
                heads.append(route_only)
            continue
        if head.titled is not None and head.titled.route and group_stage and not _names_a_stage_of_its_own(line.text, head.heading_end):
            head = _Head(head.label, head.heading_end, titled=titles.counts.get((head.titled.route, group_stage), head.titled))
        elif head.titled is None or not head.titled.route:
            group_stage = None
        label = _placed(head.label, line) if head.label else None
        if head.titled is None and label is None and heads and heads[-1].echo is head.echo and _adjacent(text, heads[-1], line):
            # A second line of the same question ("(Inclusive of Statutory ...)") extends its heading.
            prev = heads[-1]
            prev.heading = Span.of(text, prev.heading.start, line.end)
            continue
        heads.append(Block(label=label, heading=Span.of(text, line.start, line.start + head.heading_end),
                           echo=head.echo, echo_score=head.echo_score, titled=head.titled))

    heads = _without_repeated_titles(_without_stage_lines_under_a_range(heads))
    # Bodies run to the next heading (or stage heading: "Acceptances" is not part of the answer above it).
    for block, following in zip(heads, [*heads[1:], None]):
        end = following.start if following else len(text)
        end = min([g.start for g in group_lines if block.heading.end <= g.start < end], default=end)
        block.body = Span.of(text, block.heading.end, end)

    _mark_quoted_request(heads, matcher)
    answers = _without_sub_lists(text, _without_numbered_lists_before([b for b in heads if not b.is_quote]))
    answers = _without_introduced_lists(text, answers)
    quote_end = max((b.heading.end for b in heads if b.is_quote), default=0)
    first_answer = answers[0].start if answers else len(text)

    answers = _without_index_entries(answers)
    answers_end = len(text)
    for line in text_lines:
        if line.start >= first_answer and BOILERPLATE_RE.match(line.text) and not _answers_follow(answers, line.start):
            answers_end = line.start
            break
    kept = []
    for block in answers:
        if block.start >= answers_end:
            continue
        body_end = min(block.body.end, answers_end)
        block.body = _strip_answer_prefix(Span.of(text, block.body.start, body_end))
        kept.append(block)
    quote_start = min((b.heading.start for b in heads if b.is_quote), default=0)
    if quote_start > first_answer or (not answers and quote_start > answers_end - quote_end):
        # The request quoted at the end ("Your original request: ..."): the letter's own words come before it.
        preamble = Span.of(text, 0, min(first_answer, quote_start))
    else:
        preamble = Span.of(text, quote_end, first_answer if answers else answers_end)
    return Segmentation(blocks=kept, preamble=preamble, answers_end=answers_end, lettered=lettered)


def _without_repeated_titles(heads: list[Block]) -> list[Block]:
    """"Programme" over "| Programme name | Rebuild |", "| Full title | ... |", "| Scope | ... |": rows titled with
    the question the heading above them answers are that answer's lines, not answers of their own."""
    kept: list[Block] = []
    for head in heads:
        previous = kept[-1] if kept else None
        asked = (previous.titled or previous.echo) if previous is not None else None
        if head.label is None and head.echo is None and head.titled is not None and head.titled is asked and previous is not None \
                and previous.label is None:
            continue
        kept.append(head)
    return kept


def _without_stage_lines_under_a_range(heads: list[Block]) -> list[Block]:
    """"Self-referrals (questions 2–4)" over "Self-referred: Around 30", "Accepted: 21", "Completed: 12": lines
    that title a question of the range just above them, with its figure, are that answer's body, not answers."""
    kept: list[Block] = []
    numbers: tuple[int, ...] = ()
    for head in heads:
        titled = head.titled
        if numbers and head.label is None and head.echo is None and titled is not None and titled.number in numbers:
            continue
        numbers = head.label.numbers if head.label is not None and head.label.kind == "range" else ()
        kept.append(head)
    return kept


MIN_LATER_ANSWERS = 2


def _labelled_numbers(blocks: list[Block]) -> set[int]:
    return {n for b in blocks if b.label is not None and b.label.kind in {"q", "range"} for n in b.label.numbers}


def _answers_follow(answers: list[Block], pos: int) -> bool:
    """A workbook's cover sheet ends in its right of appeal, and the sheets after it answer the questions
    ("Q2-7 Referrals"): the letter's boilerplate ends the answers only when no Q-labelled answers to questions
    not yet answered come after it."""
    answered = _labelled_numbers([b for b in answers if b.start < pos and len(b.body.text.strip()) >= MIN_ANSWER_BODY])
    return len(_labelled_numbers([b for b in answers if b.start > pos]) - answered) >= MIN_LATER_ANSWERS


MIN_ANSWER_BODY = 12


_QUOTED_NAME_RE = re.compile(r"['‘\"“]([A-Z][^'’\"”\n]{1,40})['’\"”]")
_POINTS_ELSEWHERE_RE = re.compile(r"\b(?:sheet|tab|worksheet|annex|appendix|see)\b", re.IGNORECASE)


def _without_index_entries(answers: list[Block]) -> list[Block]:
    """"Q1 - sheet 'Q1 Programmes'", "Q8 - see tab 3": a contents line with nothing under it, whose questions a later
    heading answers, is the index of the answers, not one."""
    kept = []
    for i, block in enumerate(answers):
        later = _labelled_numbers(answers[i + 1 :])
        titles_later = {b.heading.text.strip(" \t*#:").lower() for b in answers[i + 1 :]}
        if any(m.group(1).lower() in titles_later for m in _QUOTED_NAME_RE.finditer(block.heading.text)):
            continue  # "• 'Funding' – Q9 and Q10" on a workbook's cover, and the sheet headed "Funding" further on
        points = _POINTS_ELSEWHERE_RE.search(block.heading.text[len(block.label.text):]) if block.label is not None else None
        if (block.label is not None and block.label.kind in {"q", "range"} and (not block.body.text.strip() or points)
                and set(block.label.numbers) <= later):
            continue
        kept.append(block)
    return kept


_DIGITS_RE = re.compile(r"\d+")
SUB_LIST_MIN_ANSWERS = 3  # answers labelled in one style before another style can be told apart as a sub-list


def _label_style(label: Label) -> str:
    return _DIGITS_RE.sub("#", label.text)  # "1." -> "#.", "(2)" -> "(#)", "Q3" -> "Q#"


def _without_sub_lists(text: str, answers: list[Block]) -> list[Block]:
    """A list numbered from 1 inside an answer ("We fund two programmes:\n1) Drive ...\n2) Change Hub ...") is part
    of that answer, not answers 1 and 2: its labels are in another style than most answers' and start again at 1."""
    styles = [_label_style(b.label) for b in answers if b.label and b.label.kind in {"number", "q"}]
    if not styles:
        return answers
    main = max(set(styles), key=styles.count)
    if styles.count(main) < SUB_LIST_MIN_ANSWERS:
        return answers
    kept: list[Block] = []
    in_sub_list = False
    for block in answers:
        plain = block.label is not None and block.label.kind == "number" and block.echo is None and block.titled is None
        if block.label is not None and _label_style(block.label) == main:
            in_sub_list = False
        elif plain and block.label is not None and kept and (in_sub_list or block.label.numbers[0] == 1):
            in_sub_list = True
            kept[-1].body = Span.of(text, kept[-1].body.start, block.body.end)  # the item stays in the answer it is part of
            continue
        kept.append(block)
    return kept


MAX_LIST_ITEM = 40
MIN_LIST_ITEMS = 3


def _without_numbered_lists_before(answers: list[Block]) -> list[Block]:
    """A page's breadcrumbs or menu ("1. Home / 2. Transparency / 3. Freedom of Information") numbered like the
    answers that follow: a run from 1 of short items with a label only, before answers with the same numbers that
    repeat their questions. They are the page's furniture, not answers."""
    echoed = {n: b.start for b in answers if b.label is not None and (b.echo or b.titled) for n in b.label.numbers}
    if not echoed:
        return answers

    def furniture_number(b: Block) -> int | None:
        """The item's number when the block is a short item with a label only, else None."""
        first_line = b.body.text.strip().split("\n", 1)[0]
        if (b.label is not None and b.echo is None and b.titled is None and len(b.label.numbers) == 1
                and len(first_line) <= MAX_LIST_ITEM):
            return b.label.numbers[0]
        return None

    dropped: set[int] = set()
    i = 0
    while i < len(answers):
        j = i
        while j < len(answers) and furniture_number(answers[j]) == j - i + 1:
            j += 1
        # the run's items are numbered 1, 2, ... in turn
        answered_later = sum(echoed.get(n, -1) > b.start for n, b in enumerate(answers[i:j], start=1))
        if j - i >= MIN_LIST_ITEMS and answered_later >= MIN_LIST_ITEMS - 1:
            dropped.update(range(i, j))
        i = max(j, i + 1)
    return [b for k, b in enumerate(answers) if k not in dropped]


def _without_introduced_lists(text: str, answers: list[Block]) -> list[Block]:
    """A list numbered from 1 after a sentence that introduces it ("... three services which fall within the scope
    of your request:\n1. Restart ...\n2. Safer Choices ...") before labels that claim its numbers again
    ("Questions 2 to 7 are answered in the table below"): the list is the first answer's, not answers 1, 2, 3."""
    kept: list[Block] = []
    i = 0
    while i < len(answers):
        j = i
        while (j < len(answers) and (label := answers[j].label) is not None and label.kind == "number"
               and label.numbers == (j - i + 1,) and answers[j].echo is None and answers[j].titled is None):
            j += 1
        run = answers[i:j]
        claimed_later = {n for b in answers[j:] if b.label is not None for n in b.label.numbers}
        introduced = len(run) >= 2 and text[: run[0].start].rstrip().endswith(":")
        if introduced and claimed_later & set(range(2, len(run) + 1)):
            first = run[0]
            first.body = Span.of(text, first.body.start, run[-1].body.end)
            kept.append(first)
            i = j
            continue
        kept.append(answers[i])
        i += 1
    return kept


_COLON_RE = re.compile(r":\s+\S")
_TITLE_LEAD_RE = re.compile(r"[–—\-:]\s*\S")



MIN_QUESTION_TAIL = 3
_LIST_JOINER_RE = re.compile(r"[\s;,.]*(?:\b(?:and|or)\b)?[\s;,.]*$")


def _ends_question(question: Question, line: str) -> bool:
    """Whether a line is the last words of a question's text: the rest of a quoted question that wrapped."""
    if len(line) > len(question.text):
        return False
    tail = _LIST_JOINER_RE.sub("", _norm(line))  # "the\nprogramme;" / "donations); and": a quoted list's joiners
    return len(tail) >= MIN_QUESTION_TAIL and _normed_question(question.text).endswith(tail) and not tail[0].isdigit()


@lru_cache(maxsize=256)
def _normed_question(text: str) -> str:
    return _norm(text)


def _may_continue(above: str) -> bool:
    """Whether a line may be the rest of the line above, wrapped: that one is long and ends mid-sentence."""
    above = above.rstrip()
    return len(above) >= WRAP_WIDTH and not above.endswith((".", ":", ";", "!", "?", ")"))


def _is_title(rest: str) -> bool:
    stripped = rest.strip()
    return bool(_TITLE_LEAD_RE.match(stripped)) and not stripped.endswith(".") and len(stripped) < 120


def _adjacent(text: str, block: Block, line: Span) -> bool:
    between = text[block.heading.end : line.start]
    return between.strip() == ""


def _strip_answer_prefix(body: Span) -> Span:
    body = body.strip()
    if body.text.endswith("|") and "\n" not in body.text:
        body = body.strip(" \t|")  # the answer cell of a question-and-answer row
    m = ANSWER_PREFIX_RE.match(body.text)
    if m:
        body = body.sub(m.end(), len(body.text)).strip()
    return body


def _mark_quoted_request(heads: list[Block], matcher: EchoMatcher) -> None:
    """A run of question-text headings with nothing under them but more of the request is the request quoted
    back, not answers ("... in your area 2. The total number of males who self-referred into\nthe programme 3.":
    a quote run on in one wrapped paragraph).

    The last quoted question's "body" is the letter's own text before its answers (the preamble).
    """
    i = 0
    while i < len(heads):
        j = i
        while j < len(heads) and ((heads[j].echo is not None and _only_quote_residue(heads[j].body.text))
                                  or ((heads[j].echo or heads[j].titled) is not None
                                  and _opens_with_a_question(heads[j].body.text, matcher))):
            j += 1
        if j < len(heads) and heads[j].echo is not None:
            j += 1  # the last quoted question, followed by the letter's own words
        if j - i >= 3:
            for block in heads[i:j]:
                block.is_quote = True
            return
        i += 1


_QUOTE_RESIDUE_RE = re.compile(r"[\s\"“”*:\-–.;,]+|\band\b")  # what a quoted list puts between questions ("...;", "; and")


def _only_quote_residue(text: str) -> bool:
    return not _QUOTE_RESIDUE_RE.sub("", text)


QUESTION_OPENING_CHARS = 120


def _opens_with_a_question(text: str, matcher: EchoMatcher) -> bool:
    """A body that goes straight on with another numbered question of the request, or is one whole."""
    stripped = text.strip()
    if not stripped:
        return False
    opening = " ".join(stripped[:QUESTION_OPENING_CHARS].split())
    label, words_start = _leading_label(Span(0, len(opening), opening), False)
    if label is not None:
        return matcher.match(opening[words_start:])[0] is not None
    question, _, end = matcher.match(stripped) if len(stripped) <= QUESTION_OPENING_CHARS else (None, 0.0, 0)
    return question is not None and end >= len(stripped) - 2
