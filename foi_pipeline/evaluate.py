"""Score the warehouse against a hand-checked gold file (GOLD_FORMAT): accuracy per field and every mismatch.

Documents are matched by file name; programmes by name or alias; organisations loosely (case, 'the', '&').
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd
from rapidfuzz import fuzz

from foi_pipeline.warehouse import Warehouse

FUNNEL_SLOTS = ("self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed")
DOCUMENT_FIELDS = ("authority", "area", "foi_reference", "response_date", "financial_year", "information_status", "population")


@dataclass
class Mismatch:
    file: str
    programme: str
    field: str
    expected: object
    got: object


@dataclass
class EvaluationReport:
    per_field: dict[str, list[int]] = field(default_factory=dict)  # field -> [right, total]
    mismatches: list[Mismatch] = field(default_factory=list)

    def score(self, file: str, programme: str, name: str, expected: object, got: object, ok: bool) -> None:
        right_total = self.per_field.setdefault(name, [0, 0])
        right_total[1] += 1
        if ok:
            right_total[0] += 1
        else:
            self.mismatches.append(Mismatch(file, programme, name, expected, got))

    @property
    def right(self) -> int:
        return sum(r for r, _ in self.per_field.values())

    @property
    def total(self) -> int:
        return sum(t for _, t in self.per_field.values())

    @property
    def overall(self) -> float:
        return self.right / self.total if self.total else 0.0


def _norm(s: object) -> str:
    text = str(s or "").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9+]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def same_text(a: object, b: object) -> bool:
    return _norm(a) == _norm(b)


def same_org(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return a == b or (min(len(a), len(b)) > 2 and (a in b or b in a or fuzz.token_set_ratio(a, b) >= 85))


def same_orgs(expected: list[str], got: list[str]) -> bool:
    return len(expected) == len(set(map(_norm, got))) and all(any(same_org(e, g) for g in got) for e in expected)


def _names_match(gold_names: list[str], row: dict) -> bool:
    ours = [row.get("name"), *(list(row.get("aliases")) if row.get("aliases") is not None else []), row.get("canonical_name")]
    for g in gold_names:
        for o in ours:
            if not o:
                continue
            if _norm(g) == _norm(o) or (len(_norm(g)) > 3 and len(_norm(o)) > 3 and fuzz.token_set_ratio(_norm(g), _norm(o)) >= 90):
                return True
    return False


def _count_slot(gold: dict, row: dict | None) -> tuple[bool, object, object]:
    expected_status = gold.get("status")
    if row is None:
        return expected_status == "not_stated", gold, None
    got = {"status": row["status"], "value": row["count"], "qualifier": row["qualifier"]}
    if row["status"] != expected_status:
        return False, gold, got
    if expected_status == "value":
        if row["count"] is None or pd.isna(row["count"]) or int(row["count"]) != int(gold.get("value")):
            return False, gold, got
        want_q = gold.get("qualifier") or "exact"
        have_q = row["qualifier"] or "exact"
        if gold.get("qualifier") and want_q != have_q:
            return False, gold, got
    if expected_status == "suppressed" and gold.get("value") is not None and row.get("count_high") is not None and not pd.isna(row.get("count_high")):
        return int(row["count_high"]) == int(gold["value"]), gold, {**got, "count_high": row["count_high"]}
    return True, gold, got


def evaluate(gold: dict, tables: dict[str, pd.DataFrame], raw_dir: Path | None = None) -> EvaluationReport:
    """Compare every gold slot with the warehouse tables (pure: no I/O)."""
    report = EvaluationReport()
    documents = tables["documents"]
    documents = documents.assign(file=documents["source_path"].map(lambda p: PurePosixPath(p).name))
    if raw_dir is not None:
        # Only the documents of that folder count (a warehouse may hold several folders' replies).
        documents = documents[documents["source_path"].map(lambda p: (raw_dir / p.split("#")[0]).exists())]
    documents = documents[documents["parse_status"] == "ok"]
    by_file = {row["file"]: row for row in documents.to_dict("records")}
    programmes = tables["programmes"].to_dict("records")
    funnel = tables["funnel_counts"].to_dict("records")
    budgets = tables["budgets"].to_dict("records")
    funders = tables["funders"].to_dict("records")
    referrers = tables["referrers"].to_dict("records")

    for gdoc in gold.get("documents", []):
        file = gdoc["file"]
        doc = by_file.get(file)
        if doc is None:
            report.score(file, "", "document_found", "present", "missing", False)
            continue
        for name in DOCUMENT_FIELDS:
            expected = gdoc.get(name, "male" if name == "population" else None)
            got = doc.get(name)
            if name == "response_date" and got is not None and not pd.isna(got):
                got = str(got)[:10]
            got = None if got is None or (not isinstance(got, str) and pd.isna(got)) else got
            ok = (expected is None and got is None) or (expected is not None and got is not None and same_text(expected, got))
            report.score(file, "", name, expected, got, ok)
        ours = [p for p in programmes if p["doc_id"] == doc["doc_id"]]
        used: set[str] = set()
        for gp in gdoc.get("programmes", []):
            names = [gp["name"], *gp.get("aliases", [])]
            row = next((p for p in ours if p["programme_id"] not in used and _names_match(names, p)), None)
            report.score(file, gp["name"], "programme_found", gp["name"], row and row["name"], row is not None)
            if row is None:
                continue
            used.add(row["programme_id"])
            pid = row["programme_id"]
            providers = list(row["providers"]) if row["providers"] is not None else []
            report.score(file, gp["name"], "providers", gp.get("providers", []), providers, same_orgs(gp.get("providers", []), providers))
            for slot in FUNNEL_SLOTS:
                route, stage = slot.split("_")
                frow = next((f for f in funnel if f["programme_id"] == pid and f["route"] == route and f["stage"] == stage), None)
                ok, expected, got = _count_slot(gp.get(slot, {"status": "not_stated"}), frow)
                report.score(file, gp["name"], slot, expected, got, ok)
            gb = gp.get("budget_gbp", {"status": "not_stated"})
            brow = next((b for b in budgets if b["programme_id"] == pid), None)
            got_b = None if brow is None else {"status": brow["status"], "value": None if brow["amount_gbp"] is None or pd.isna(brow["amount_gbp"]) else float(brow["amount_gbp"])}
            ok = (brow is None and gb["status"] == "not_stated") or (
                brow is not None and brow["status"] == gb["status"]
                and (gb["status"] != "value" or (got_b["value"] is not None and abs(got_b["value"] - float(gb["value"])) < 0.005))
            )
            report.score(file, gp["name"], "budget_gbp", gb, got_b, ok)
            for kind, column, rows in (("funders", "funder", funders), ("referrers", "organisation", referrers)):
                got_orgs = sorted({r[column] for r in rows if r["programme_id"] == pid})
                report.score(file, gp["name"], kind, gp.get(kind, []), got_orgs, same_orgs(gp.get(kind, []), got_orgs))
        for p in ours:
            if p["programme_id"] not in used:
                report.score(file, p["name"], "no_spurious_programme", None, p["name"], False)
        if not [p for p in ours if p["programme_id"] not in used]:
            report.score(file, "", "no_spurious_programme", None, None, True)
    return report


def load_tables(warehouse_dir: Path) -> dict[str, pd.DataFrame]:
    store = Warehouse(warehouse_dir)
    return {t: store.read(t) for t in ("documents", "programmes", "funnel_counts", "budgets", "funders", "referrers")}


def format_report(report: EvaluationReport) -> str:
    lines = ["accuracy per field:"]
    for name, (right, total) in report.per_field.items():
        lines.append(f"  {name:24s} {right:4d}/{total:<4d} {100 * right / total:6.1f}%")
    lines.append(f"overall: {report.right}/{report.total} = {100 * report.overall:.1f}%")
    if report.mismatches:
        lines.append("")
        lines.append(f"mismatches ({len(report.mismatches)}): file | programme | field | expected | got")
        for m in report.mismatches:
            lines.append(f"  {m.file} | {m.programme} | {m.field} | {m.expected} | {m.got}")
    return "\n".join(lines)


def evaluate_cli(gold: Path, warehouse_dir: Path, raw_dir: Path | None = None) -> int:
    if not gold.exists():
        print(f"error: gold file {gold} does not exist", file=sys.stderr)
        return 2
    try:
        tables = load_tables(warehouse_dir)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        gold_data = json.loads(gold.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        print(f"error: {gold} is not valid JSON: {err}", file=sys.stderr)
        return 2
    print(format_report(evaluate(gold_data, tables, raw_dir)))
    return 0
