"""Replies in the other formats through the whole pipeline: figures only in an attached workbook give the funnel
rows the same table gives in a Word file, and an Outlook message with its PDF is one reply."""

import datetime as dt
import io
from email.message import EmailMessage
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest
from docx import Document
from fpdf import FPDF

from foi_pipeline.bench.outlook import MsgAttachment, MsgMessage, write_msg
from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.resources import settings_from_env

REQUEST = "Domestic Abuse Perpetrator Programme for the 2022/2023 Financial Year"
STAGES = ["self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed"]
# A row per programme, a column per stage
TABLE = [["Programme", "Self-referred", "Self-referred and accepted", "Self-referred and completed",
          "Referred by an agency", "Agency-referred and accepted", "Agency-referred and completed"],
         ["Drive Project", "N/A", "N/A", "N/A", 96, 71, 33],
         ["Change Hub Programme", 21, 17, 9, 54, 40, 22]]
TITLE = "Figures for questions 2 to 7 (males, 2022/23)"


def _covering(area: str) -> list[str]:
    return ["Dear Requester,", "", f"Thank you for your request about the {REQUEST}. We hold the information.", "",
            "1. We commission the Drive Project (delivered by SafeLives) and the Change Hub Programme (delivered by Cranstoun).",
            "2-7. The figures are in the attached file.", "8. Kent Police; Children's Social Care.",
            f"9. Office of the Police and Crime Commissioner for {area}.", "10. Drive Project £210,500; Change Hub Programme £45,000.",
            "", "Kind regards", "FOI Team", f"Office of the Police and Crime Commissioner for {area}"]


def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Questions 2 to 7"
    sheet.append([TITLE])
    for row in TABLE:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _word() -> bytes:
    document = Document()
    document.add_paragraph("Questions 2 to 7")
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _eml(area: str, name: str, attachment: bytes, subtype: str) -> bytes:
    message = EmailMessage()
    message["From"] = "FOI Team <foi@opcc.example>"
    message["To"] = "requester@example.org"
    message["Date"] = "Tue, 15 Aug 2023 10:12:03 +0100"
    message["Subject"] = f"RE: FOI request - {REQUEST}"
    message.set_content("\n".join(_covering(area)))
    message.add_attachment(attachment, maintype="application", subtype=subtype, filename=name)
    return message.as_bytes()


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


LETTER = ["Office of the Police and Crime Commissioner for Essex", "Date: 14 August 2023",
          "RE: Freedom of Information Request FOI/123", REQUEST,
          "1. Safe Steps, a community behaviour change programme for men.", "2. 40", "3. 30", "4. 12", "5. 120", "6. 90", "7. 60",
          "8. Essex Police", "9. Office of the Police and Crime Commissioner for Essex", "10. GBP 85,000"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("formats")
    raw = root / "raw"
    raw.mkdir()
    (raw / "kent.eml").write_bytes(_eml("Kent", "figures.xlsx", _workbook(), "vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    (raw / "surrey.eml").write_bytes(_eml("Surrey", "figures.docx", _word(), "vnd.openxmlformats-officedocument.wordprocessingml.document"))
    (raw / "essex.msg").write_bytes(write_msg(MsgMessage(
        subject=f"RE: FOI request - {REQUEST}", sender_name="FOI Team", sender_email="foi@essex.example",
        to=[("Requester", "requester@example.org")], sent=dt.datetime(2023, 8, 15, 9, 12, tzinfo=dt.UTC),
        body="Dear Requester,\r\n\r\nPlease find our response attached.\r\n\r\nFOI Team\r\n",
        attachments=[MsgAttachment("response.pdf", _pdf(LETTER), "application/pdf")])))
    (root / "corrections").mkdir()
    settings = settings_from_env(str(raw), str(root / "warehouse"), str(root / "corrections"))
    assert dg.materialize(all_assets, resources={"foi": settings}).success
    return root / "warehouse"


def _query(warehouse: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def test_figures_only_in_an_attached_workbook_give_the_funnel_rows_of_the_same_word_table(warehouse):
    docs = _query(warehouse, "SELECT source_path, parse_status, media_type FROM documents ORDER BY 1")
    assert docs.values.tolist()[:2] == [
        ["essex.msg", "ok", "application/vnd.ms-outlook"], ["essex.msg#response.pdf", "ok", "application/pdf"]]
    assert ["kent.eml#figures.xlsx", "ok", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] in docs.values.tolist()

    def funnel(area: str) -> list:
        rows = _query(warehouse, f"SELECT programme, {', '.join(STAGES)} FROM programme_funnel WHERE area = '{area}' ORDER BY 1")
        return rows.astype(object).where(rows.notna(), None).values.tolist()
    kent, surrey = funnel("Kent"), funnel("Surrey")
    assert kent == surrey
    assert ["Drive Project", None, None, None, 96, 71, 33] in kent and ["Change Hub Programme", 21, 17, 9, 54, 40, 22] in kent
    counted = _query(warehouse, "SELECT d.source_path, count(*) AS n FROM funnel_counts f JOIN documents d USING (doc_id) "
                                "WHERE f.counted AND f.status = 'value' AND d.source_path LIKE 'kent.eml%' GROUP BY 1")
    assert counted.values.tolist() == [["kent.eml#figures.xlsx", 9]]  # the figures come from the workbook


def test_an_outlook_message_and_its_pdf_are_one_reply(warehouse):
    docs = _query(warehouse, "SELECT source_path, doc_id, parent_doc_id, reply_id, reply_rank, area, email_subject FROM documents "
                             "WHERE source_path LIKE 'essex.msg%' ORDER BY 1").to_dict("records")
    mail, pdf = docs
    assert pdf["parent_doc_id"] == mail["doc_id"] and pdf["reply_id"] == mail["reply_id"] == mail["doc_id"]
    assert (pdf["reply_rank"], mail["reply_rank"]) == (0, 1)  # the attachment before the message's own text
    assert mail["email_subject"] == f"RE: FOI request - {REQUEST}"
    summary = _query(warehouse, "SELECT replies, programmes, total_referred, total_completed FROM area_summary WHERE area = 'Essex'")
    assert summary.values.tolist() == [[1, 1, 160, 72]]
    [row] = _query(warehouse, f"SELECT {', '.join(STAGES)} FROM programme_funnel WHERE area = 'Essex'").values.tolist()
    assert row == [40, 30, 12, 120, 90, 60]
