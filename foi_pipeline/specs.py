"""Request specs and catalogues: the YAML under assets/ that users edit, loaded into plain data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath

import yaml

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"


class SpecError(ValueError):
    """A request spec or catalogue file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Question:
    number: int | None
    key: str
    text: str
    feeds: dict[str, str]
    cues: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # headings that name this question only when they are the whole heading ("Programme")

    @property
    def table(self) -> str:
        return self.feeds.get("table", "answers")

    @property
    def route(self) -> str | None:
        return self.feeds.get("route")

    @property
    def stage(self) -> str | None:
        return self.feeds.get("stage")

    def count_slot(self) -> tuple[str, str]:
        """The route and stage a count question feeds: the loader requires both of a question that names a route,
        and only such questions are read as counts."""
        route, stage = self.route, self.stage
        assert route is not None, f"count question {self.key} without a route"
        assert stage is not None, f"count question {self.key} without a stage"
        return route, stage


@dataclass(frozen=True)
class RequestSpec:
    id: str
    title: str
    financial_year: str
    population: str
    questions: tuple[Question, ...]
    identify: tuple[str, ...] = ()
    default: bool = False
    recipients: tuple[str, ...] = ()

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)

    @cached_property
    def _identify_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(_phrase(p), re.IGNORECASE) for p in self.identify)

    @cached_property
    def _cue_patterns(self) -> tuple[re.Pattern[str], ...]:
        """One pattern per question that has cues: any of them, as whole words."""
        return tuple(re.compile("|".join(map(_phrase, q.cues)), re.IGNORECASE) for q in self.questions if q.cues)

    def cued_questions(self, text: str) -> int:
        """How many of the request's questions the text uses the wording of (any of a question's cues)."""
        return sum(1 for pattern in self._cue_patterns if pattern.search(text))

    @cached_property
    def _identify_first_words(self) -> tuple[str, ...]:
        return tuple((p.split() or [""])[0].lower() for p in self.identify)

    def score(self, text: str, lowered: str | None = None) -> int:
        """How many of the identifying phrases a reply contains (whole words, any case).

        A phrase whose first word is nowhere in the text is not searched for (the common case, and cheap)."""
        lowered = text.lower() if lowered is None else lowered
        return sum(1 for word, pattern in zip(self._identify_first_words, self._identify_patterns)
                   if word in lowered and pattern.search(text))


def _phrase(phrase: str) -> str:
    """A phrase as a whole-word pattern, any whitespace between its words."""
    return r"(?<![\w-])" + re.escape(phrase).replace(r"\ ", r"\s+") + r"(?![\w-])"


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None


@dataclass(frozen=True)
class Area:
    name: str
    aliases: tuple[str, ...] = ()
    forces: tuple[str, ...] = ()
    authority: str | None = None


@dataclass(frozen=True)
class Catalogue:
    programmes: tuple[CatalogueEntry, ...] = ()
    organisations: tuple[CatalogueEntry, ...] = ()
    areas: tuple[Area, ...] = ()


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise SpecError(f"{path}: not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise SpecError(f"{path}: expected a mapping at the top level")
    return data


def _load_request(path: Path) -> RequestSpec:
    data = _read_yaml(path)
    missing = [k for k in ("id", "title", "financial_year", "population", "questions") if k not in data]
    if missing:
        raise SpecError(f"{path}: missing key(s) {', '.join(missing)}")
    questions = []
    for i, q in enumerate(data["questions"], 1):
        if not isinstance(q, dict) or "key" not in q or "text" not in q:
            raise SpecError(f"{path}: question #{i} needs at least 'key' and 'text'")
        feeds = dict(q.get("feeds") or {"table": "answers"})
        if ("route" in feeds or feeds.get("table") == "funnel_counts") and not (feeds.get("route") and feeds.get("stage")):
            # the extractor reads a count for the route and stage a question names: it needs both
            raise SpecError(f"{path}: question #{i} feeds a count, so it needs both a 'route' and a 'stage'")
        questions.append(
            Question(
                number=q.get("number"),
                key=str(q["key"]),
                text=str(q["text"]),
                feeds=feeds,
                cues=tuple(str(c) for c in q.get("cues") or ()),
                titles=tuple(str(t) for t in q.get("titles") or ()),
            )
        )
    return RequestSpec(
        id=str(data["id"]),
        title=str(data["title"]),
        financial_year=str(data["financial_year"]),
        population=str(data["population"]),
        questions=tuple(questions),
        identify=tuple(str(p) for p in data.get("identify") or ()),
        default=bool(data.get("default", False)),
        recipients=tuple(str(r) for r in data.get("recipients") or ()),
    )


_LOADED: dict[tuple, object] = {}


def _unchanged_since_loaded(kind: str, folder: Path, load):
    """The specs as loaded before while none of the folder's YAML files changed: every asset of a run reads them,
    and the same objects keep the per-spec matchers the extractor builds (segment, organisations) from piling up."""
    files = sorted(folder.glob("*.y*ml"))
    key = (kind, str(folder.resolve()), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    if key not in _LOADED:
        for stale in [k for k in _LOADED if k[:2] == key[:2]]:
            del _LOADED[stale]
        _LOADED[key] = load()
    return _LOADED[key]


def load_requests(assets_dir: Path = ASSETS_DIR) -> list[RequestSpec]:
    """Every request spec under assets/requests/, sorted by id."""
    return list(_unchanged_since_loaded("requests", assets_dir / "requests", lambda: _load_requests(assets_dir)))


def _load_requests(assets_dir: Path) -> list[RequestSpec]:
    specs = [_load_request(p) for p in sorted((assets_dir / "requests").glob("*.y*ml"))]
    if not specs:
        raise SpecError(f"no request specs found in {assets_dir / 'requests'}")
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise SpecError(f"duplicate request ids in {assets_dir / 'requests'}: {ids}")
    return sorted(specs, key=lambda s: s.id)


def _entries(path: Path, key: str) -> tuple[CatalogueEntry, ...]:
    if not path.exists():
        return ()
    items = _read_yaml(path).get(key) or []
    entries = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or "name" not in item:
            raise SpecError(f"{path}: entry #{i} under '{key}' needs a 'name'")
        entries.append(
            CatalogueEntry(
                name=str(item["name"]),
                aliases=tuple(str(a) for a in item.get("aliases") or ()),
                kind=item.get("kind"),
            )
        )
    return tuple(entries)


def _areas(path: Path) -> tuple[Area, ...]:
    if not path.exists():
        return ()
    areas = []
    for i, item in enumerate(_read_yaml(path).get("areas") or [], 1):
        if not isinstance(item, dict) or "name" not in item:
            raise SpecError(f"{path}: area #{i} needs a 'name'")
        areas.append(
            Area(
                name=str(item["name"]),
                aliases=tuple(str(a) for a in item.get("aliases") or ()),
                forces=tuple(str(f) for f in item.get("forces") or ()),
                authority=item.get("authority"),
            )
        )
    return tuple(areas)


def load_catalogue(assets_dir: Path = ASSETS_DIR) -> Catalogue:
    """Known programme types, organisations and police force areas, from assets/catalogue/."""
    folder = assets_dir / "catalogue"
    return _unchanged_since_loaded("catalogue", folder, lambda: Catalogue(
        programmes=_entries(folder / "programmes.yaml", "programmes"),
        organisations=_entries(folder / "organisations.yaml", "organisations"),
        areas=_areas(folder / "areas.yaml"),
    ))


# A cue or two is ordinary English ("completed", "cost"); a reply uses the wording of several of the questions.
MIN_CUED_QUESTIONS = 3
FOI_WORDING = re.compile(r"\bfreedom\s+of\s+information\b|\bFOIA?\b|\binformation\s+request\b", re.IGNORECASE)


def reads_as_request_correspondence(text: str, specs: list[RequestSpec]) -> bool:
    """Whether a text that quotes no request still reads as FOI correspondence: it speaks of Freedom of
    Information, or uses the wording of several of a request's questions. (Naming an authority is the other
    sign; the extractor reads that.)"""
    return bool(FOI_WORDING.search(text)) or any(s.cued_questions(text) >= MIN_CUED_QUESTIONS for s in specs)


def match_request(text: str | None, source_path: str, specs: list[RequestSpec]) -> tuple[RequestSpec, str]:
    """Pick the request a reply answers: by the request text it quotes, else its folder, else the default.

    Returns the spec and how it was chosen ("quoted", "folder" or "default").
    """
    if text:
        lowered = text.lower()
        scores = sorted(((s.score(text, lowered), s.id, s) for s in specs), key=lambda t: (-t[0], t[1]))
        best = scores[0]
        runner_up = scores[1][0] if len(scores) > 1 else -1
        if best[0] > 0 and best[0] > runner_up:
            return best[2], "quoted"
    by_id = {s.id: s for s in specs}
    for part in PurePosixPath(source_path).parts[:-1]:
        if part in by_id:
            return by_id[part], "folder"
    defaults = [s for s in specs if s.default] or specs
    return defaults[0], "default"
