"""Synthetic FOI replies, with their gold, in the layouts and formats the pipeline supports.

Generated from templates with varied layouts (numbered answers after the quoted request, Q/Answer pairs,
a table of figures, lettered answers, inline "heading – answer" lines, the request answered once per programme
under headings, the whole reply as one table with a column per programme) and written as text, PDF, DOCX,
HTML, e-mail, Outlook .msg, workbook (.xlsx, a row a line, a cell per table column), CSV, OpenDocument text or
RTF, in the proportions of a real batch. Figures are random; nothing is copied from fixtures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass, field
from email.message import EmailMessage
from html import escape
from pathlib import Path

import openpyxl
from docx import Document
from fpdf import FPDF

from foi_pipeline.specs import RequestSpec, load_catalogue, load_requests

FORMAT_SHARES = {"txt": 0.27, "pdf": 0.33, "docx": 0.18, "html": 0.08, "eml": 0.05, "msg": 0.02, "xlsx": 0.03, "csv": 0.01,
                 "odt": 0.02, "rtf": 0.01}
PROGRAMME_POOL = [
    ("Cautioning and Relationship Abuse", "CARA"), ("Drive Project", None), ("Safer Homes Programme", None),
    ("Turning Point Programme", None), ("Compulsive and Obsessive Behaviour Intervention", "COBI"),
    ("Respectful Relationships Course", None), ("Inspire to Change", None), ("Caring Dads", None),
    ("Healthy Relationships Project", "HRP"), ("Family Safety Service", None), ("Change Pathway Programme", None),
]
PROVIDERS = ["The Hampton Trust", "Cranstoun", "Interventions Alliance", "Safe Lives Partnership", "Hope Partnership CIC", "Foundation"]
FUNDERS = ["the Home Office", "the OPCC", "the County Council"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
STAGE_TITLES = ["Males who self-referred", "Self-referred males accepted", "Self-referred males who completed",
                "Males referred by an agency", "Referred males accepted", "Referred males who completed"]
STAGES = ["self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed"]


@dataclass
class SyntheticProgramme:
    name: str
    short: str
    provider: str
    slots: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # slot -> (written, gold value)
    gold: dict[str, dict] = field(default_factory=dict)
    budget: int = 0
    funders: list[str] = field(default_factory=list)


def _programmes(rng: random.Random, n: int) -> list[SyntheticProgramme]:
    out = []
    for long, acronym in rng.sample(PROGRAMME_POOL, n):
        p = SyntheticProgramme(name=long, short=acronym or long, provider=rng.choice(PROVIDERS))
        self_route = rng.random() < 0.5
        referred = rng.randint(20, 400)
        accepted = rng.randint(referred // 2, referred)
        completed = rng.randint(accepted // 3, accepted)
        s_ref = rng.randint(6, 60)
        s_acc = rng.randint(s_ref // 2, s_ref)
        s_comp = rng.randint(5, max(5, s_acc))
        for slot, value in zip(STAGES, [s_ref, s_acc, min(s_comp, s_acc), referred, accepted, completed]):
            if slot.startswith("self") and not self_route:
                p.slots[slot] = ("N/A", None)
                p.gold[slot] = {"status": "not_applicable"}
            elif rng.random() < 0.05:
                p.slots[slot] = ("fewer than 5", None)
                p.gold[slot] = {"status": "suppressed", "value": 4}
            elif rng.random() < 0.04:
                p.slots[slot] = ("not held", None)
                p.gold[slot] = {"status": "not_held"}
            else:
                p.slots[slot] = (f"{value:,}", value)
                p.gold[slot] = {"status": "value", "value": value}
        p.budget = rng.randint(20, 900) * 1000
        p.funders = sorted(set(rng.sample(FUNDERS, rng.randint(1, 2))))
        out.append(p)
    return out


def _quoted(spec: RequestSpec) -> list[str]:
    lines = ["You asked:"]
    for q in spec.questions:
        lines.append(f"{q.number}. {q.text}" if q.number else q.text + ":")
    return lines


def _label_value(programmes: list[SyntheticProgramme], slot: str) -> str:
    if len(programmes) == 1:
        return programmes[0].slots[slot][0]
    return "; ".join(f"{p.short}: {p.slots[slot][0]}" for p in programmes)


def _scope(programmes: list[SyntheticProgramme]) -> list[str]:
    out = []
    for p in programmes:
        named = f"{p.name} ({p.short})" if p.short != p.name else p.name
        out.append(f"- {named}: a behaviour change intervention delivered by {p.provider}.")
    return out


def _answers(layout: str, spec: RequestSpec, programmes: list[SyntheticProgramme], referrer: str, funders: str, table_rows: list[str]) -> list[str]:
    budgets = "; ".join(f"{p.short}: £{p.budget:,}" for p in programmes) if len(programmes) > 1 else f"£{programmes[0].budget:,}"
    if layout == "numbered":
        lines = ["1. The interventions were:", *_scope(programmes)]
        lines += [f"{n}. {_label_value(programmes, slot)}" for n, slot in zip(range(2, 8), STAGES)]
        return [*lines, f"8. {referrer}.", f"9. {funders}.", f"10. {budgets}"]
    if layout == "qa":
        lines = []
        for q in spec.questions:
            label = f"Q{q.number}: " if q.number else ""
            lines.append(f"{label}{q.text}")
            if q.key == "programme_scope":
                lines += ["Answer:", *_scope(programmes)]
            elif q.key in STAGES:
                lines.append(f"Answer: {_label_value(programmes, q.key)}")
            elif q.key == "referrers":
                lines.append(f"Answer: {referrer}.")
            elif q.key == "funders":
                lines.append(f"Answer: {funders}.")
            elif q.key == "budget":
                lines.append(f"Answer: {budgets}")
            else:
                lines.append("Answer: No evaluation has been published.")
        return lines
    if layout == "table":
        lines = ["Question 1 – Name and scope", *_scope(programmes), "Questions 2 to 7 – figures", *table_rows]
        return [*lines, f"Question 8 – Referring organisations: {referrer}.", f"Question 9 – Financial contributors: {funders}.",
                f"Question 10 – Budget: {budgets}"]
    if layout == "sections":  # the request answered once per programme, each under its own heading
        lines = ["We fund more than one programme, so we have answered for each in turn.", ""]
        for n, p in enumerate(programmes, 1):
            lines += [f"Programme {n}: {p.name}", "", f"1. {p.name}: a behaviour change intervention delivered by {p.provider}."]
            lines += [f"{k}. {p.slots[slot][0]}" for k, slot in zip(range(2, 8), STAGES)]
            lines += [f"8. {referrer}.", f"9. {funders}.", f"10. £{p.budget:,}", ""]
        return lines
    if layout == "question_table":  # one table: a row per question, a column per programme
        rows = [["Question", *[p.short for p in programmes]], ["1. Name and scope", *[f"{p.name}, delivered by {p.provider}" for p in programmes]]]
        rows += [[f"{k}. {title}", *[p.slots[slot][0] for p in programmes]] for k, title, slot in zip(range(2, 8), STAGE_TITLES, STAGES)]
        rows += [["8. Referring organisations", *[referrer] * len(programmes)], ["9. Financial contributors", *[funders] * len(programmes)],
                 ["10. Budget", *[f"£{p.budget:,}" for p in programmes]]]
        return [" | ".join(row) for row in rows]
    if layout == "lettered":
        letters = "abcdefghij"
        lines = ["a) The interventions we fund:", *_scope(programmes)]
        lines += [f"{letters[i + 1]}) {_label_value(programmes, slot)}" for i, slot in enumerate(STAGES)]
        return [*lines, f"h) {referrer}.", f"i) {funders}.", f"j) {budgets}"]
    # inline headings
    lines = ["Name and scope of the programme –", *_scope(programmes)]
    lines += [f"{t} – {_label_value(programmes, slot)}" for t, slot in zip(STAGE_TITLES, STAGES)]
    return [*lines, f"Referring organisations – {referrer}.", f"Financial contributors – {funders}.", f"Budget – {budgets}"]


@dataclass
class SyntheticReply:
    name: str
    lines: list[str]
    table: list[list[str]] | None
    gold: dict


def make_reply(i: int, rng: random.Random, spec: RequestSpec, areas: list) -> SyntheticReply:
    area = rng.choice(areas)
    authority = f"Office of the Police and Crime Commissioner for {area.name}"
    programmes = _programmes(rng, rng.choice([1, 1, 2, 2, 3]))
    force = area.forces[0] if area.forces else f"{area.name} Police"
    referrer = f"{force}; the Probation Service"
    funders_text = " and ".join(programmes[0].funders)
    day, month = rng.randint(1, 28), rng.randint(7, 10)
    reference = f"FOI/{rng.randint(100, 999)}/23"
    layout = rng.choice(["numbered", "qa", "table", "lettered", "inline", "sections" if len(programmes) > 1 else "numbered",
                         "question_table" if len(programmes) <= 2 else "qa"])
    header = ["Programme", *[p.short for p in programmes]]
    table = [header] + [[label, *[p.slots[slot][0] for p in programmes]] for label, slot in zip(
        ["2. Self-referred", "3. Self-referred and accepted", "4. Self-referred and completed",
         "5. Referred by an agency", "6. Agency-referred and accepted", "7. Agency-referred and completed"], STAGES)]
    table_rows = [" | ".join(row) for row in table]
    if layout == "table":
        table_rows = ["| " + " | ".join(row) + " |" for row in table]
        table_rows.insert(1, "|" + "---|" * len(table[0]))
    lines = [authority, f"Our reference: {reference}", f"Date: {day} {MONTHS[month - 1]} 2023", "", "Dear requester,", ""]
    if layout in {"numbered", "lettered"}:
        lines += [*_quoted(spec), "", "We hold the information. Our answers follow.", ""]
    else:
        lines += ["We hold the information you asked for.", ""]
    lines += _answers(layout, spec, programmes, referrer, funders_text, table_rows)
    lines += ["", "If you are unhappy with this response you may ask for an internal review.", "Yours sincerely", "FOI Officer"]
    gold_programmes = []
    for p in programmes:
        gold_programmes.append({
            "name": p.short, "aliases": [p.name], "providers": [p.provider], **p.gold,
            "budget_gbp": {"status": "value", "value": float(p.budget)},
            "funders": ["Home Office" if f == "the Home Office" else authority if f == "the OPCC" else "County Council" for f in programmes[0].funders],
            "referrers": [force, "The Probation Service"],
        })
    gold = {"authority": authority, "area": area.name, "foi_reference": reference, "response_date": f"2023-{month:02d}-{day:02d}",
            "financial_year": spec.financial_year, "population": spec.population, "programmes": gold_programmes,
            # a reply that says of a figure it asked for that it is not held holds the request only in part
            "information_status": "partly_held" if any(g.get("status") == "not_held" for p in programmes for g in p.gold.values()) else "held"}
    return SyntheticReply(name=f"reply_{i:05d}", lines=lines, table=table if layout == "table" else None, gold=gold)


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_auto_page_break(True, 15)
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for line in lines:
        safe = line.replace("–", "-").replace("’", "'").encode("latin-1", "replace").decode("latin-1")
        # a table row is set small enough to stay on one line, as a table's row does on a page
        pdf.set_font("helvetica", size=max(5.0, min(10.0, 900 / max(1, len(safe)))) if " | " in safe else 10)
        pdf.multi_cell(0, 5, safe or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _docx(lines: list[str]) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _html(lines: list[str]) -> bytes:
    body = "".join(f"<p>{escape(line)}</p>" if line else "" for line in lines)
    return f"<html><head><title>FOI</title><style>p{{margin:0}}</style></head><body><main>{body}</main></body></html>".encode()


def _eml(lines: list[str], gold: dict) -> bytes:
    message = EmailMessage()
    message["From"] = "FOI Officer <foi@example.org>"
    message["To"] = "requester@example.org"
    message["Subject"] = f"RE: FOI request {gold['foi_reference']}"
    message["Date"] = "Mon, 14 Aug 2023 10:00:00 +0100"
    message.set_content("\n".join(lines))
    return message.as_bytes()


def _cells(lines: list[str]) -> list[list[str]]:
    """A line a row; a table line's cells a cell each (the text a spreadsheet's user would type); a Markdown
    table's |---| rule is no row."""
    rows = []
    for line in lines:
        if line and set(line) <= set("|-: "):
            continue
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")] if " | " in line else [line])
    return rows


def _xlsx(lines: list[str]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]  # a new workbook has one sheet
    for row in _cells(lines):
        sheet.append([int(c) if c.isdigit() else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(lines: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_cells(lines))
    return buffer.getvalue().encode("utf-8")


def _odt(lines: list[str]) -> bytes:
    from odf import teletype
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for line in lines:
        paragraph = P()
        teletype.addTextToElement(paragraph, line)
        document.text.addElement(paragraph)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def rtf_document(text: str) -> bytes:
    """A minimal RTF document, a paragraph a line (non-ASCII as \\u escapes), as WordPad writes one."""
    def escape(line: str) -> str:
        out = []
        for ch in line:
            code = ord(ch)
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ch == "\t":
                out.append("\\tab ")
            elif code > 127:
                out.append(f"\\u{code - 65536 if code > 32767 else code}?")
            else:
                out.append(ch)
        return "".join(out)
    body = "".join(f"{escape(line)}\\par\n" for line in text.split("\n"))
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\\uc1\\pard\\f0\\fs22 " + body + "}").encode("ascii")


def _msg(lines: list[str], gold: dict) -> bytes:
    from foi_pipeline.bench.outlook import MsgMessage, write_msg

    return write_msg(MsgMessage(
        subject=f"RE: FOI request {gold['foi_reference']}", sender_name="FOI Officer", sender_email="foi@example.org",
        to=[("Requester", "requester@example.org")], sent=dt.datetime(2023, 8, 14, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        body="\r\n".join(lines)))


def _render(fmt: str, reply: SyntheticReply) -> bytes:
    """The reply's file in one format: only the chosen format is built (a PDF or a .msg takes a while)."""
    lines = reply.lines
    if fmt == "txt":
        return "\n".join(lines).encode()
    if fmt == "rtf":
        return rtf_document("\n".join(lines))
    if fmt == "eml":
        return _eml(lines, reply.gold)
    if fmt == "msg":
        return _msg(lines, reply.gold)
    return {"pdf": _pdf, "docx": _docx, "html": _html, "xlsx": _xlsx, "csv": _csv, "odt": _odt}[fmt](lines)


def write_corpus(folder: Path, n: int, seed: int = 7) -> dict:
    """Write n replies under folder and return their gold (GOLD_FORMAT)."""
    rng = random.Random(seed)
    spec = next(s for s in load_requests() if s.default)
    areas = list(load_catalogue().areas)
    folder.mkdir(parents=True, exist_ok=True)
    formats = list(FORMAT_SHARES)
    weights = list(FORMAT_SHARES.values())
    documents = []
    for i in range(n):
        reply = make_reply(i, rng, spec, areas)
        fmt = rng.choices(formats, weights)[0]
        data = _render(fmt, reply)
        name = f"{reply.name}.{fmt}"
        (folder / name).write_bytes(data)
        gold = dict(reply.gold, file=name)
        if fmt in ("eml", "msg"):
            gold["response_date"] = "2023-08-14"
        documents.append(gold)
    gold = {"documents": documents}
    return gold


def save_gold(gold: dict, path: Path) -> None:
    path.write_text(json.dumps(gold, indent=1))
