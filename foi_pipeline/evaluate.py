"""`foi evaluate`: score the warehouse against a hand-checked gold file (shared/corpus/GOLD_FORMAT.md).

    evaluate(gold, tables) -> EvaluationReport     pure: a gold dict and the contract tables as frames
    load_tables(warehouse_dir)                      the tables from parquet/<table>.parquet (or foi.duckdb, read-only)
    format_report(report) -> str                    accuracy per field, overall, then every mismatch
    evaluate_cli(gold, warehouse_dir, raw_dir)      prints the report; 0, or 2 with a message when inputs are missing

How slots are matched and scored
- Documents: a gold "file" matches the documents row whose source_path has the same file name (for an
  e-mail attachment "mail.eml#letter.pdf", either name). With --raw, a row whose sha256 equals the
  bytes of raw/<file> is preferred, which tells apart files of the same name in different folders. A
  document's facts include those of its e-mail attachments (documents.parent_doc_id); a duplicate
  (parse_status duplicate) stands for the file it duplicates. A gold file missing from the warehouse
  scores field "document" wrong and every one of its slots wrong.
- Document fields: authority, area, foi_reference (case, whitespace, punctuation, "&"/"and" and a
  leading "the" ignored), response_date (ISO date), financial_year ("2022-23" == "2022/23"),
  information_status, population (gold default "male"; an empty warehouse value also reads as male).
- Programmes: a gold programme (name or any alias) matches a programmes row of its document (name,
  aliases or canonical_name) when they are equal ignoring case and punctuation, or when rapidfuzz
  token_set_ratio >= 90 (names of 4+ characters); each row matches at most one gold programme, best
  match first. Field "programmes" counts gold programmes found, out of gold programmes plus spurious
  rows (rows matching no gold programme); a gold programme not found scores all its slots wrong.
- providers, funders, referrers: sets of organisations; two names match when, ignoring case,
  punctuation, "&"/"and" and a leading "the", they are equal, one contains the other, or token_set_ratio
  >= 85 and they share a word that is not generic (police, constabulary, council...: so Norfolk
  Constabulary is not Suffolk Constabulary). A slot is right when every gold name pairs with a different warehouse name and every warehouse
  name matches some gold name.
- Funnel slots (self_referred .. agency_completed): the status must match; for a value the count must
  match, and the qualifier too when the gold gives one ("exact" equals an empty qualifier); for
  suppressed, the status, and count_high against the gold value when the gold gives one. A missing row
  is not_stated. Rows of the document's population are preferred.
- budget_gbp: the status, and for a value the amount within 0.005. The programme's first value row is
  used (else its first row).
- A budget, funders or referrers given for the whole reply (programme_id empty) counts for the
  programme only when the gold document has exactly one programme and the programme has no rows of
  its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import pandas as pd
from rapidfuzz import fuzz

from foi_pipeline.contract import columns

FUNNEL_SLOTS = ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")
DOCUMENT_FIELDS = ("authority", "area", "foi_reference", "response_date", "financial_year", "information_status", "population")
PROGRAMME_FIELDS = ("providers", *FUNNEL_SLOTS, "budget_gbp", "funders", "referrers")
FIELD_ORDER = ("document", *DOCUMENT_FIELDS, "programmes", *PROGRAMME_FIELDS)
TABLES = ("documents", "programmes", "funnel_counts", "budgets", "funders", "referrers", "review_queue")
# The table a review item must name for a wrong slot to count as flagged rather than missed silently.
SLOT_TABLES = {**dict.fromkeys(FUNNEL_SLOTS, "funnel_counts"), "budget_gbp": "budgets", "funders": "funders", "referrers": "referrers",
               "providers": "programmes", "programmes": "programmes", **dict.fromkeys((*DOCUMENT_FIELDS, "document"), "documents")}
PROGRAMME_NAME_THRESHOLD = 90
ORGANISATION_THRESHOLD = 85
# Words many bodies share; two names must also agree on a word that is not one of these.
GENERIC_ORGANISATION_WORDS = {
    "and", "of", "for", "the", "police", "constabulary", "force", "county", "city", "borough", "district", "council",
    "service", "services", "nhs", "trust", "foundation", "ltd", "limited", "cic", "charity", "office", "commissioner",
    "crime", "pcc", "opcc", "team", "department", "partnership", "probation", "health", "care", "social", "children",
    "childrens", "adult", "adults", "local", "authority", "uk", "england", "wales", "national", "community",
}



class FieldScore(NamedTuple):
    right: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass(frozen=True)
class Mismatch:
    file: str
    programme: str  # "" for document fields
    field: str
    expected: Any
    got: Any
    flagged: bool = False  # a review item names this reply and the slot's table (and its programme, if it names one)


@dataclass
class EvaluationReport:
    per_field: dict[str, FieldScore] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    documents: dict[str, int] = field(default_factory=lambda: {"gold": 0, "found": 0})
    programmes: dict[str, int] = field(default_factory=lambda: {"gold": 0, "found": 0, "missing": 0, "spurious": 0})
    review_items: int = 0  # in the replies scored (and their attachments)
    replies: int = 0

    def score(self, file: str, programme: str, name: str, expected: Any, got: Any, ok: bool, flagged: bool = False) -> None:
        right, total = self.per_field.get(name, FieldScore(0, 0))
        self.per_field[name] = FieldScore(right + bool(ok), total + 1)
        if not ok:
            self.mismatches.append(Mismatch(file, programme, name, expected, got, flagged))

    @property
    def silent(self) -> list[Mismatch]:
        """Wrong or missing slots that no review item points a person to."""
        return [m for m in self.mismatches if not m.flagged]

    @property
    def silent_share(self) -> float:
        return len(self.silent) / self.total if self.total else 0.0

    @property
    def right(self) -> int:
        return sum(s.right for s in self.per_field.values())

    @property
    def total(self) -> int:
        return sum(s.total for s in self.per_field.values())

    @property
    def overall(self) -> float:
        return self.right / self.total if self.total else 0.0


# --- normalisation and matching -------------------------------------------------------------------

def _missing(value: Any) -> bool:
    """None, NaN, NA or NaT (a list, array or string is never missing as a whole)."""
    if value is None or isinstance(value, (str, bytes, list, tuple, dict)) or hasattr(value, "__len__"):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _value(value: Any) -> Any:
    return None if _missing(value) else value


def _names(value: Any) -> list[str]:
    """A list column (list, numpy array, JSON text or one string) as a list of non-empty strings."""
    if _missing(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return [text]
        else:
            return [text] if text else []
    try:
        items = list(value)
    except TypeError:
        return [str(value)]
    return [str(v).strip() for v in items if not _missing(v) and str(v).strip()]


def normalise(text: Any) -> str:
    """Lower case, '&' -> 'and', punctuation to spaces, single spaces, no leading 'the'."""
    s = str(text or "").lower().replace("&", " and ")
    s = re.sub(r"[^\w]+", " ", s).replace("_", " ")
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"^the ", "", s)


def same_text(a: Any, b: Any) -> bool:
    return normalise(a) == normalise(b)


_COMMISSIONER = r"(?:police (?:fire and )?and crime commissioner|police and crime commissioner s office|o?p[fv]?cc|pcvc)"
_COMMISSIONER_RES = (
    re.compile(rf"^(?:office of the )?{_COMMISSIONER} (?:for )?(?P<place>.+)$"),  # "OPCC for Avon and Somerset"
    re.compile(rf"^(?:office of the )?(?P<place>.+?) {_COMMISSIONER}$"),  # "Sussex PCC", "Office of the Sussex PCC"
)


def commissioner_place(name: str) -> str | None:
    """The area of a commissioner's office however it is written ("Sussex PCC", "Office of the Police and Crime
    Commissioner for Sussex", "OPCC for Sussex"), from a normalised name; None for any other body."""
    for pattern in _COMMISSIONER_RES:
        m = pattern.match(name)
        if m:
            return m.group("place")
    return None


def same_org(a: str, b: str) -> bool:
    """Organisation names that refer to the same body, loosely (see the module docstring)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return na == nb
    if na == nb or na.replace(" ", "") == nb.replace(" ", ""):
        return True
    place_a, place_b = commissioner_place(na), commissioner_place(nb)
    if place_a and place_b and place_a == place_b:
        return True
    if min(len(na), len(nb)) >= 3 and (f" {na} " in f" {nb} " or f" {nb} " in f" {na} "):
        return True
    own_a, own_b = set(na.split()) - GENERIC_ORGANISATION_WORDS, set(nb.split()) - GENERIC_ORGANISATION_WORDS
    if own_a and own_b and not any(fuzz.ratio(x, y) >= ORGANISATION_THRESHOLD for x in own_a for y in own_b):
        return False  # "Norfolk Constabulary" is not "Suffolk Constabulary": the words that name the body differ
    return fuzz.token_set_ratio(na, nb) >= ORGANISATION_THRESHOLD


def _pairing(expected: list[str], got: list[str], same) -> int:
    """Size of the largest one-to-one pairing of expected with got names (augmenting paths)."""
    partner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for j, g in enumerate(got):
            if j in seen or not same(expected[i], g):
                continue
            seen.add(j)
            if j not in partner or place(partner[j], seen):
                partner[j] = i
                return True
        return False

    return sum(place(i, set()) for i in range(len(expected)))


def same_orgs(expected: list[str], got: list[str]) -> bool:
    """Both sets match: every gold name pairs with its own warehouse name; no warehouse name is unexplained."""
    expected = list(dict.fromkeys(e for e in expected if normalise(e)))
    unique: dict[str, str] = {}
    for g in got:
        unique.setdefault(normalise(g), g)
    got = [g for k, g in unique.items() if k]
    if _pairing(expected, got, same_org) != len(expected):
        return False
    return all(any(same_org(e, g) for e in expected) for g in got)


def _name_score(gold_names: list[str], row_names: list[str]) -> tuple[int, float]:
    """(exact, best ratio) between a gold programme's names and a row's; (0, 0) when they do not match."""
    best = (0, 0.0)
    for g in map(normalise, gold_names):
        for r in map(normalise, row_names):
            if not g or not r:
                continue
            if g == r or g.replace(" ", "") == r.replace(" ", ""):
                return (1, 100.0)
            if min(len(g), len(r)) >= 4:
                ratio = fuzz.token_set_ratio(g, r)
                if ratio >= PROGRAMME_NAME_THRESHOLD and ratio > best[1]:
                    best = (0, ratio)
    return best


def _match_programmes(gold_programmes: list[dict], rows: list[dict]) -> dict[int, dict]:
    """gold index -> programmes row, best pairs first, each row used once."""
    pairs = []
    for gi, gp in enumerate(gold_programmes):
        gold_names = [gp.get("name") or "", *_names(gp.get("aliases"))]
        for ri, row in enumerate(rows):
            row_names = [row.get("name") or "", *_names(row.get("aliases")), _value(row.get("canonical_name")) or ""]
            exact, ratio = _name_score(gold_names, row_names)
            if exact or ratio:
                pairs.append((-exact, -ratio, gi, ri))
    matched: dict[int, dict] = {}
    used: set[int] = set()
    for _, _, gi, ri in sorted(pairs):
        if gi not in matched and ri not in used:
            matched[gi] = rows[ri]
            used.add(ri)
    return matched


def _iso_date(value: Any) -> str | None:
    value = _value(value)
    if value is None:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    parsed = pd.to_datetime(str(value), errors="coerce")
    return parsed.strftime("%Y-%m-%d") if isinstance(parsed, pd.Timestamp) else None  # else NaT: no date


def _financial_year(value: Any) -> str | None:
    value = _value(value)
    if value is None:
        return None
    m = re.fullmatch(r"\s*(?:FY\s*)?((?:19|20)\d{2})\s*[/\-–]\s*(\d{2}|\d{4})\s*", str(value), re.IGNORECASE)
    return f"{m.group(1)}/{m.group(2)[-2:]}" if m else normalise(value)


def _document_field(name: str, expected: Any, got: Any) -> tuple[bool, Any, Any]:
    if name == "population":
        expected, got = (expected or "male"), (_value(got) or "male")
        return same_text(expected, got), expected, got
    got = _value(got)
    if name == "response_date":
        got = _iso_date(got)
        return _iso_date(expected) == got, expected, got
    if name == "financial_year":
        return _financial_year(expected) == _financial_year(got), expected, got
    if expected is None or got is None:
        return expected is None and got is None, expected, got
    return same_text(expected, got), expected, got


# --- slots ----------------------------------------------------------------------------------------

def _int(value: Any) -> int | None:
    value = _value(value)
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _count_got(row: dict | None) -> dict | None:
    if row is None:
        return None
    got = {"status": _value(row.get("status")), "value": _int(row.get("count"))}
    for key, column in (("qualifier", "qualifier"), ("low", "count_low"), ("high", "count_high"), ("evidence", "evidence_text")):
        value = _value(row.get(column))
        if value is not None:
            got[key] = _int(value) if key in ("low", "high") else value
    return got


def _count_slot(gold: dict, row: dict | None) -> tuple[bool, dict | None]:
    got = _count_got(row)
    want = gold.get("status") or "not_stated"
    if not got:
        return want == "not_stated", got
    if want != got["status"]:
        return False, got
    if want == "value":
        if _int(gold.get("value")) is None or got["value"] != _int(gold.get("value")):
            return False, got
        if gold.get("qualifier") and (gold["qualifier"] or "exact") != (got.get("qualifier") or "exact"):
            return False, got
    if want == "suppressed" and gold.get("value") is not None:
        return got.get("high") == _int(gold["value"]), got
    return True, got


def _money(value: Any) -> float | None:
    value = _value(value)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _budget_slot(gold: dict, rows: list[dict]) -> tuple[bool, dict | None]:
    row = next((r for r in rows if _value(r.get("status")) == "value"), rows[0] if rows else None)
    got = None
    if row is not None:
        got = {"status": _value(row.get("status")), "value": _money(row.get("amount_gbp"))}
        for key in ("period", "evidence_text"):
            if _value(row.get(key)) is not None:
                got["evidence" if key == "evidence_text" else key] = row[key]
        if len(rows) > 1:
            got["rows"] = len(rows)
    want = gold.get("status") or "not_stated"
    if not got:
        return want == "not_stated", got
    if want != got["status"]:
        return False, got
    if want == "value":
        expected = _money(gold.get("value"))
        return expected is not None and got["value"] is not None and abs(got["value"] - expected) < 0.005, got
    return True, got


# --- the evaluation -------------------------------------------------------------------------------

def _records(tables: dict[str, pd.DataFrame], name: str) -> list[dict]:
    frame = tables.get(name)
    return [] if frame is None or frame.empty else frame.to_dict("records")


def _file_names(source_path: Any) -> set[str]:
    path = str(_value(source_path) or "").replace("\\", "/")
    names = {PurePosixPath(part).name for part in path.split("#") if part}
    return names | {PurePosixPath(path).name}


class _Lookup:
    """The warehouse rows indexed once by what evaluation looks them up by (file name, doc_id, programme_id), so
    scoring N replies costs N lookups, not N passes over every table. Lists keep the tables' row order."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self.documents = _records(tables, "documents")
        self.by_name: dict[str, list[int]] = {}
        self.first_by_key: dict[Any, dict] = {}
        self.children: dict[Any, list[dict]] = {}
        for i, d in enumerate(self.documents):
            for key in {*_file_names(d.get("source_path")), _value(d.get("source_path"))}:
                self.by_name.setdefault(key, []).append(i)
            for key in (d.get("doc_id"), d.get("source_path")):
                self.first_by_key.setdefault(key, d)
            self.children.setdefault(_value(d.get("parent_doc_id")), []).append(d)
        programmes = _records(tables, "programmes")
        self.programmes = _group(programmes, "doc_id")
        self.funnel = _group(_records(tables, "funnel_counts"), "programme_id", "route", "stage")
        self.budgets = _records(tables, "budgets")
        self.orgs = {"funders": (_records(tables, "funders"), "funder"), "referrers": (_records(tables, "referrers"), "organisation")}
        self.by_programme = {kind: _group(rows, "programme_id") for kind, (rows, _) in {**self.orgs, "budgets": (self.budgets, "")}.items()}
        self.unassigned = {kind: _group([r for r in rows if _missing(r.get("programme_id"))], "doc_id")
                           for kind, (rows, _) in {**self.orgs, "budgets": (self.budgets, "")}.items()}
        self.place = {id(row): i for rows in (programmes, self.budgets, *(r for r, _ in self.orgs.values())) for i, row in enumerate(rows)}
        self.reviews = _group(_records(tables, "review_queue"), "doc_id", "table_name")

    def flagged(self, doc_ids: set, table: str, programme_id: Any = None) -> bool:
        """A review item of one of the documents names the table, and no other programme than this one."""
        return any(_value(item.get("programme_id")) in (None, programme_id) or programme_id is None
                   for doc_id in doc_ids for item in self.reviews.get((doc_id, table), []))

    def review_count(self, doc_ids: set) -> int:
        return sum(len(items) for (doc_id, _), items in self.reviews.items() if doc_id in doc_ids)

    def in_table_order(self, rows) -> list[dict]:
        return sorted(rows, key=lambda row: self.place[id(row)])

    def pick_document(self, file: str, sha256: str | None) -> dict | None:
        name = PurePosixPath(file.replace("\\", "/")).name
        positions = sorted({*self.by_name.get(name, []), *self.by_name.get(file, [])})
        candidates = [self.documents[i] for i in positions]
        if sha256:
            same_bytes = [d for d in candidates if _value(d.get("sha256")) == sha256]
            candidates = same_bytes or candidates
        # the file itself before an attachment of the same name; readable before unreadable
        candidates.sort(key=lambda d: (PurePosixPath(str(d.get("source_path") or "").split("#")[-1]).name != name,
                                       _value(d.get("parse_status")) not in ("ok", "duplicate")))
        return candidates[0] if candidates else None

    def family(self, doc: dict) -> list[dict]:
        """The document (or the one it duplicates) and its attachments, recursively."""
        if _value(doc.get("parse_status")) == "duplicate" and _value(doc.get("duplicate_of")):
            doc = self.first_by_key.get(doc["duplicate_of"], doc)
        family, seen, frontier = [doc], {doc.get("doc_id")}, [doc.get("doc_id")]
        while frontier:
            for d in self.children.get(frontier.pop(), []):
                if d.get("doc_id") not in seen:
                    family.append(d)
                    seen.add(d.get("doc_id"))
                    frontier.append(d.get("doc_id"))
        return family

    def rows(self, kind: str, pid: Any, doc_ids: set, single: bool) -> list[dict]:
        """A programme's budgets, funders or referrers; a reply with one programme also owns its unassigned ones."""
        own = self.by_programme[kind].get((pid,), [])
        if not own and single:
            own = self.in_table_order(r for doc_id in doc_ids for r in self.unassigned[kind].get((doc_id,), []))
        return own


def _group(rows: list[dict], *columns: str) -> dict[tuple, list[dict]]:
    grouped: dict[tuple, list[dict]] = {}
    for row in rows:
        grouped.setdefault(tuple(row.get(c) for c in columns), []).append(row)
    return grouped


def evaluate(gold: dict, tables: dict[str, pd.DataFrame], *, sha256_by_file: dict[str, str] | None = None) -> EvaluationReport:
    """Compare every gold slot with the warehouse tables (pure: no I/O).

    sha256_by_file: optional gold file -> SHA-256 of its bytes, to pick the right document when several
    have the same file name (evaluate_cli fills it from --raw).
    """
    report = EvaluationReport()
    lookup = _Lookup(tables)

    for gdoc in gold.get("documents", []):
        file = str(gdoc.get("file", ""))
        gold_programmes = list(gdoc.get("programmes") or [])
        report.documents["gold"] += 1
        report.programmes["gold"] += len(gold_programmes)
        doc = lookup.pick_document(file, (sha256_by_file or {}).get(file))
        if doc is None:
            _score_missing_document(report, file, gdoc, gold_programmes, "missing from the warehouse")
            continue
        status = _value(doc.get("parse_status"))
        family = lookup.family(doc)
        if status not in ("ok", "duplicate") and len(family) == 1:
            error = _value(doc.get("parse_error"))
            _score_missing_document(report, file, gdoc, gold_programmes, f"parse_status={status}" + (f": {error}" if error else ""))
            continue
        report.documents["found"] += 1
        report.score(file, "", "document", file, doc.get("source_path"), True)
        doc_ids = {d["doc_id"] for d in family}
        report.replies += 1
        report.review_items += lookup.review_count(doc_ids)
        for name in DOCUMENT_FIELDS:
            got = next((d.get(name) for d in family if not _missing(d.get(name))), None)
            ok, expected, got = _document_field(name, gdoc.get(name), got)
            report.score(file, "", name, expected, got, ok, lookup.flagged(doc_ids, "documents"))

        rows = lookup.in_table_order(p for doc_id in doc_ids for p in lookup.programmes.get((doc_id,), []))
        matched = _match_programmes(gold_programmes, rows)
        population = gdoc.get("population") or "male"
        single = len(gold_programmes) == 1
        for gi, gp in enumerate(gold_programmes):
            pname = str(gp.get("name", ""))
            row = matched.get(gi)
            report.score(file, pname, "programmes", pname, row and row.get("name"), row is not None, lookup.flagged(doc_ids, "programmes"))
            if row is None:
                report.programmes["missing"] += 1
                for slot in PROGRAMME_FIELDS:
                    report.score(file, pname, slot, _gold_slot(gp, slot), "(programme not found)", False, lookup.flagged(doc_ids, SLOT_TABLES[slot]))
                continue
            report.programmes["found"] += 1
            pid = row.get("programme_id")

            def flagged(slot: str, doc_ids: set[str] = doc_ids, pid: Any = pid) -> bool:
                return lookup.flagged(doc_ids, SLOT_TABLES[slot], pid)

            providers = _names(row.get("providers"))
            report.score(file, pname, "providers", _names(gp.get("providers")), providers, same_orgs(_names(gp.get("providers")), providers), flagged("providers"))
            for slot in FUNNEL_SLOTS:
                route, stage = slot.split("_")
                candidates = list(lookup.funnel.get((pid, route, stage), []))
                candidates.sort(key=lambda f: (_value(f.get("population")) or population) != population)
                ok, got = _count_slot(_gold_slot(gp, slot), candidates[0] if candidates else None)
                report.score(file, pname, slot, _gold_slot(gp, slot), got, ok, flagged(slot))
            ok, got = _budget_slot(_gold_slot(gp, "budget_gbp"), lookup.rows("budgets", pid, doc_ids, single))
            report.score(file, pname, "budget_gbp", _gold_slot(gp, "budget_gbp"), got, ok, flagged("budget_gbp"))
            for kind, (_, column) in lookup.orgs.items():
                names = [r.get(column) for r in lookup.rows(kind, pid, doc_ids, single)]
                got_names = sorted({str(n) for n in names if not _missing(n)})
                expected = _names(gp.get(kind))
                report.score(file, pname, kind, expected, got_names, same_orgs(expected, got_names), flagged(kind))
        used = {id(r) for r in matched.values()}
        for row in rows:
            if id(row) not in used:
                report.programmes["spurious"] += 1
                report.score(file, str(row.get("name")), "programmes", None, row.get("name"), False,
                             lookup.flagged(doc_ids, "programmes", row.get("programme_id")))
    return report


def _gold_slot(gp: dict, slot: str) -> Any:
    if slot in ("providers", "funders", "referrers"):
        return _names(gp.get(slot))
    return gp.get(slot) or {"status": "not_stated"}


def _score_missing_document(report: EvaluationReport, file: str, gdoc: dict, gold_programmes: list[dict], why: str) -> None:
    report.score(file, "", "document", file, why, False)
    for name in DOCUMENT_FIELDS:
        expected = gdoc.get(name, "male" if name == "population" else None)
        report.score(file, "", name, expected, "(document missing)", False)
    for gp in gold_programmes:
        pname = str(gp.get("name", ""))
        report.programmes["missing"] += 1
        report.score(file, pname, "programmes", pname, "(document missing)", False)
        for slot in PROGRAMME_FIELDS:
            report.score(file, pname, slot, _gold_slot(gp, slot), "(document missing)", False)


# --- I/O ------------------------------------------------------------------------------------------

class WarehouseMissing(FileNotFoundError):
    """No readable warehouse tables in the folder."""


def load_tables(warehouse_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables evaluate() reads: parquet/<table>.parquet, else foi.duckdb opened read-only.

    Raises WarehouseMissing when the folder holds neither a documents table in Parquet nor a database.
    A table other than documents that is absent reads as empty.
    """
    warehouse_dir = Path(warehouse_dir)
    parquet = warehouse_dir / "parquet"
    if (parquet / "documents.parquet").exists():
        tables = {}
        for name in TABLES:
            path = parquet / f"{name}.parquet"
            tables[name] = pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=columns(name))
        return tables
    database = warehouse_dir / "foi.duckdb"
    if database.exists():
        import duckdb

        try:
            con = duckdb.connect(str(database), read_only=True)
        except duckdb.Error as err:
            raise WarehouseMissing(f"cannot open {database} read-only ({err}); is a run writing it?") from err
        try:
            present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if "documents" not in present:
                raise WarehouseMissing(f"{database} has no documents table: run `foi run` first")
            return {name: con.execute(f'SELECT * FROM "{name}"').df() if name in present else pd.DataFrame(columns=columns(name)) for name in TABLES}
        finally:
            con.close()
    raise WarehouseMissing(f"no warehouse in {warehouse_dir} (expected parquet/documents.parquet or foi.duckdb): run `foi run` first")


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        parts = [str(value.get("status"))]
        if value.get("status") == "suppressed":
            bound = value.get("high", value.get("value"))
            if bound is not None:
                parts.append(f"<= {bound}")
        elif value.get("value") is not None:
            v = value["value"]
            parts.append(f"{v:,.2f}" if isinstance(v, float) and not float(v).is_integer() else f"{v:,.0f}" if isinstance(v, float) else str(v))
        if value.get("qualifier") and value.get("qualifier") != "exact":
            parts.append(f"({value['qualifier']})")
        if value.get("period"):
            parts.append(f"[{value['period']}]")
        if value.get("rows"):
            parts.append(f"(first of {value['rows']} rows)")
        if value.get("evidence"):
            evidence = re.sub(r"\s+", " ", str(value["evidence"])).strip()
            parts.append(f'from "{evidence[:60]}{"..." if len(evidence) > 60 else ""}"')
        return " ".join(parts)
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value)) if value else "(none)"
    return str(value)


def format_report(report: EvaluationReport) -> str:
    lines = ["accuracy per field:"]
    names = [n for n in FIELD_ORDER if n in report.per_field] + [n for n in report.per_field if n not in FIELD_ORDER]
    for name in names:
        score = report.per_field[name]
        extra = ""
        if name == "programmes":
            p = report.programmes
            extra = f"   found {p['found']} of {p['gold']}, spurious {p['spurious']}"
        elif name == "document":
            extra = f"   found {report.documents['found']} of {report.documents['gold']}"
        lines.append(f"  {name:20s} {score.right:5d}/{score.total:<5d} {100 * score.accuracy:6.1f}%{extra}")
    lines.append(f"overall: {report.right}/{report.total} = {100 * report.overall:.1f}%")
    lines.append(f"silent misses: {len(report.silent)}/{report.total} = {100 * report.silent_share:.1f}% of slots wrong or missing "
                 "with no review item for their reply and table")
    per_reply = report.review_items / report.replies if report.replies else 0.0
    lines.append(f"review items: {report.review_items} in {report.replies} replies = {per_reply:.2f} per reply")
    lines.append("")
    if report.mismatches:
        lines.append(f"mismatches ({len(report.mismatches)}): file | programme | field | expected | got | flagged")
        for m in report.mismatches:
            lines.append(f"  {m.file} | {m.programme or '-'} | {m.field} | {_show(m.expected)} | {_show(m.got)} | {'flagged' if m.flagged else 'SILENT'}")
    else:
        lines.append("mismatches: none")
    return "\n".join(lines)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def evaluate_cli(gold: Path, warehouse_dir: Path, raw_dir: Path | None = None) -> int:
    """`foi evaluate`: print the report and return 0; return 2 with a message when an input is missing."""
    gold, warehouse_dir = Path(gold), Path(warehouse_dir)
    if not gold.is_file():
        print(f"error: gold file {gold} not found", file=sys.stderr)
        return 2
    if raw_dir is not None and not Path(raw_dir).is_dir():
        print(f"error: raw folder {raw_dir} not found", file=sys.stderr)
        return 2
    try:
        gold_data = json.loads(gold.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        print(f"error: cannot read gold file {gold}: {err}", file=sys.stderr)
        return 2
    if not isinstance(gold_data, dict) or not isinstance(gold_data.get("documents"), list) \
            or not all(isinstance(d, dict) and d.get("file") for d in gold_data["documents"]):
        print(f'error: {gold} is not a gold file: expected {{"documents": [{{"file": ..., ...}}]}} (see GOLD_FORMAT.md)', file=sys.stderr)
        return 2
    try:
        tables = load_tables(warehouse_dir)
    except (WarehouseMissing, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    hashes = {}
    if raw_dir is not None:
        for gdoc in gold_data["documents"]:
            path = Path(raw_dir) / str(gdoc.get("file", ""))
            if gdoc.get("file") and path.is_file():
                hashes[gdoc["file"]] = _sha256(path)
    print(format_report(evaluate(gold_data, tables, sha256_by_file=hashes)))
    return 0
