"""Validation, asset checks, corrections and `foi review`: each check failing on purpose-built bad rows."""

import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from foi_pipeline import pipeline
from foi_pipeline.cli import main
from foi_pipeline.contract import ALL_TABLES, TABLES
from foi_pipeline.corrections import CorrectionsError, apply_corrections, load_corrections, outcome_summary
from foi_pipeline.defs import assets as asset_module
from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.checks import CHECK_SPECS, check_results
from foi_pipeline.defs.resources import settings_from_env
from foi_pipeline.pipeline import empty_frame, frame, validate_tables
from foi_pipeline.review import corrections_rows, review_items, write_corrections_csv
from foi_pipeline.schemas import validate_table

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
WM = "000_27f258596c947b63.txt"
DOC = "a" * 16


def _prov(**row):
    return {"doc_id": DOC, "char_start": 0, "char_end": 0, "evidence_text": "", "extractor": "test", **row}


def _funnel(rows):
    return frame("funnel_counts", [_prov(**{"programme_id": "p", "population": "male", **r}) for r in rows])


def test_schema_failures_are_errors_and_doubts_are_warnings():
    funnel = _funnel([
        {"route": "agency", "stage": "referred", "status": "value", "count": 10, "count_low": 10, "count_high": 10, "qualifier": "exact"},
        {"route": "agency", "stage": "accepted", "status": "value", "count": 12, "count_low": 12, "count_high": 12, "qualifier": "exact"},
        {"route": "agency", "stage": "completed", "status": "maybe", "count": None},
        {"route": "self", "stage": "referred", "status": "not_held", "count": 3},
    ])
    row = {(r["route"], r["stage"]): i for i, r in funnel.iterrows()}
    failures = {(f.row, f.severity, f.check) for f in validate_table("funnel_counts", funnel)}
    assert (row["agency", "accepted"], "warning", "more accepted than referred for this programme and route") in failures
    assert any(i == row["agency", "completed"] and sev == "error" and check.startswith("isin") for i, sev, check in failures)
    assert (row["self", "referred"], "error", "count must be given exactly when status is 'value'") in failures


def test_budget_and_date_ranges_and_duplicate_keys():
    budgets = frame("budgets", [_prov(programme_id="p", amount_gbp=Decimal("75000000"), status="value")])
    assert [f.severity for f in validate_table("budgets", budgets)] == ["warning"]
    documents = frame("documents", [{"doc_id": DOC, "source_path": "a.txt", "media_type": "text/plain", "byte_size": 1, "parse_status": "ok",
                                     "response_date": pd.Timestamp("2099-01-01").date()},
                                    {"doc_id": DOC, "source_path": "a.txt", "media_type": "text/plain", "byte_size": 1, "parse_status": "unreadable"}])
    checks = {f.check for f in validate_table("documents", documents)}
    assert "response_date is in the future or before 2000" in checks
    assert "a file that was not read has no parse_error saying why" in checks
    assert any("unique" in c or "uniqueness" in c for c in checks)


def test_failing_rows_are_kept_and_listed_in_review_queue():
    tables = {t: empty_frame(t) for t in TABLES}
    tables["budgets"] = frame("budgets", [_prov(programme_id="p", amount_gbp=Decimal("99000000"), status="value", evidence_text="", char_end=0)])
    validated, failures, _ = validate_tables(tables)
    assert len(validated["budgets"]) == 1  # kept
    [item] = validated["review_queue"].to_dict("records")
    assert item["table_name"] == "budgets" and item["severity"] == "warning" and "£50,000,000" in item["reason"]


def _two_replies(accepted: int = 8) -> dict:
    other = "b" * 16
    rows = [{"doc_id": d, "programme_id": f"{d}-p", "population": "male", "route": "agency", "stage": stage, "status": "value",
             "count": n, "count_low": n, "count_high": n, "qualifier": "exact", "char_start": 0, "char_end": 0, "evidence_text": "",
             "extractor": "test"} for d in (DOC, other) for stage, n in (("referred", 10), ("accepted", accepted if d == DOC else 8))]
    return {**{t: empty_frame(t) for t in TABLES}, "funnel_counts": frame("funnel_counts", rows)}


def test_rows_that_passed_before_are_not_validated_again_and_a_reply_is_validated_whole(monkeypatch):
    from foi_pipeline import schemas

    validated_rows: list[int] = []
    real = schemas.validate_table
    monkeypatch.setattr(schemas, "validate_table", lambda table, df: validated_rows.append(len(df)) or real(table, df))
    _, failures, passed = validate_tables(_two_replies(), {})
    assert failures["funnel_counts"] == [] and set(passed["funnel_counts"]) == {DOC, "b" * 16}
    validated_rows.clear()
    _, failures, again = validate_tables(_two_replies(), passed)
    assert again == passed and failures["funnel_counts"] == [] and sum(validated_rows) == 0  # no row validated again
    validated_rows.clear()
    # One row of a reply changes (as a correction would): its sibling row, unchanged, is validated with it.
    out, failures, later = validate_tables(_two_replies(accepted=12), passed)
    assert [f.check for f in failures["funnel_counts"]] == ["more accepted than referred for this programme and route"]
    assert DOC not in later["funnel_counts"] and "b" * 16 in later["funnel_counts"]
    _, failures_again, _ = validate_tables(_two_replies(accepted=12), later)  # a failing reply is validated every time
    assert [f.row for f in failures_again["funnel_counts"]] == [f.row for f in failures["funnel_counts"]]
    assert len(out["review_queue"]) == 1


def _checks(**tables) -> dict[str, dg.AssetCheckResult]:
    """Every generated check on these tables (the others empty), by name."""
    tables = {t: tables.get(t, empty_frame(t)) for t in TABLES}
    failures = {t: validate_table(t, df) for t, df in tables.items()}
    return {r.check_name: r for r in check_results(tables, failures)}


def test_every_check_spec_gets_a_result():
    assert sorted(_checks()) == sorted(spec.name for spec in CHECK_SPECS)
    assert len(CHECK_SPECS) == 25 and all(r.passed for r in _checks().values())


def test_reference_and_provenance_checks_fail_on_bad_rows():
    documents = frame("documents", [{"doc_id": DOC, "source_path": "a.txt", "media_type": "text/plain", "byte_size": 1, "parse_status": "ok", "information_status": "held"}])
    text = frame("document_text", [{"doc_id": DOC, "text": "CARA: 203"}])
    programmes = frame("programmes", [_prov(programme_id="p", name="CARA", providers=[], aliases=[], char_end=4, evidence_text="CARA")])
    funnel = _funnel([{"route": "agency", "stage": "referred", "status": "value", "count": 203, "char_start": 6, "char_end": 9, "evidence_text": "204"},
                      {"route": "agency", "stage": "accepted", "status": "not_stated", "programme_id": "ghost"}])
    checks = _checks(documents=documents, document_text=text, programmes=programmes, funnel_counts=funnel)
    provenance, references = checks["funnel_counts_provenance"], checks["funnel_counts_references"]
    assert not provenance.passed and provenance.severity == dg.AssetCheckSeverity.ERROR and provenance.metadata["failing_rows"].value == 1
    assert not references.passed and references.metadata["failing_rows"].value == 1
    assert checks["programmes_provenance"].passed
    assert {c.check_name for c in checks.values() if not c.passed} == {"funnel_counts_provenance", "funnel_counts_references"}


def test_doubt_checks_warn():
    documents = frame("documents", [{"doc_id": DOC, "source_path": "a.txt", "media_type": "text/plain", "byte_size": 1, "parse_status": "ok", "information_status": "held"},
                                    {"doc_id": "b" * 16, "source_path": "b.txt", "media_type": "text/plain", "byte_size": 1, "parse_status": "ok", "information_status": "held"}])
    programmes = frame("programmes", [_prov(programme_id="p", name="CARA", providers=[], aliases=[])])
    checks = _checks(documents=documents, programmes=programmes)
    held, figures = checks["held_documents_have_programmes"], checks["programmes_have_figures"]
    assert not held.passed and held.severity == dg.AssetCheckSeverity.WARN and held.metadata["failing_rows"].value == 1
    assert not figures.passed and figures.severity == dg.AssetCheckSeverity.WARN


def _run(raw: Path, warehouse: Path, corrections: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(warehouse), str(corrections))},
                          raise_on_error=False)


@pytest.fixture
def seeds(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS, raw)
    (tmp_path / "corrections").mkdir()
    return raw, tmp_path / "warehouse", tmp_path / "corrections"


def _agency_completed(warehouse: Path, programme: str) -> tuple:
    con = duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT f.count, f.extracted_value, f.extractor FROM funnel_counts f JOIN programmes p USING (programme_id) "
            "WHERE p.name = ? AND f.route = 'agency' AND f.stage = 'completed'", [programme]).fetchone()
    finally:
        con.close()


def test_a_correction_is_applied_on_every_run_and_removing_it_restores_the_extracted_value(seeds):
    raw, warehouse, corrections = seeds
    (corrections / "checked.csv").write_text(
        f"doc,table,programme,field,value,note,author\n{WM},funnel_counts,CARA,agency_completed,150,checked with the provider,A. Analyst\n")
    assert _run(raw, warehouse, corrections).success
    assert _agency_completed(warehouse, "CARA") == (150, "value:151", "correction:checked.csv:2")
    assert _run(raw, warehouse, corrections).success  # survives a re-run
    assert _agency_completed(warehouse, "CARA")[0] == 150
    (corrections / "checked.csv").unlink()
    assert _run(raw, warehouse, corrections).success
    assert _agency_completed(warehouse, "CARA") == (151, None, "count:digits")


def test_a_stale_correction_is_reported_not_ignored(seeds):
    raw, warehouse, corrections = seeds
    (corrections / "old.csv").write_text(
        "doc,table,programme,field,value,note,author\n"
        "0123456789abcdef,funnel_counts,CARA,agency_completed,5,from an older version,B\n"
        f"{WM},funnel_counts,Nonexistent Programme,agency_completed,5,typo,B\n")
    result = _run(raw, warehouse, corrections)
    assert result.success
    reasons = pd.read_parquet(warehouse / "parquet" / "review_queue.parquet")["reason"].tolist()
    assert any("old.csv:2 was not applied" in r and "no document" in r for r in reasons)
    assert any("old.csv:3 was not applied" in r and "no programme" in r for r in reasons)
    [materialisation] = [m for m in result.get_asset_materialization_events() if m.asset_key.to_user_string() == "review_queue"]
    assert materialisation.materialization.metadata["corrections_not_applied"].value == 2


@pytest.mark.parametrize(
    "content, message",
    [
        ("doc,table,value\n", "line 1: the header must be"),
        ("doc,table,programme,field,value,note,author\nx.txt,funnel_counts,CARA,agency_completed,1,n\n", "line 2: expected 7 columns"),
        ("doc,table,programme,field,value,note,author\nx.txt,marts,CARA,agency_completed,1,n,a\n", "line 2: unknown table 'marts'"),
        ("doc,table,programme,field,value,note,author\n\nx.txt,funnel_counts,CARA,agency_finished,1,n,a\n", "line 3: field for funnel_counts must be <route>_<stage>"),
    ],
)
def test_malformed_corrections_files_are_clear_errors(tmp_path, content, message):
    (tmp_path / "bad.csv").write_text(content)
    with pytest.raises(CorrectionsError, match=message) as err:
        load_corrections(tmp_path)
    assert "bad.csv" in str(err.value)


@pytest.mark.parametrize(
    "line, message",
    [
        ("x.txt,funnel_counts,CARA,agency_completed,lots,n,a", "line 2: funnel_counts.agency_completed: 'lots' is neither a number nor"),
        ("x.txt,budgets,CARA,amount_gbp,-5,n,a", "line 2: budgets.amount_gbp: '-5' is neither a number nor"),
        ("x.txt,budgets,CARA,status,not_held,n,a", "line 2: budgets field must be one of amount_gbp, period, note"),
        ("x.txt,funders,CARA,contribution,cash,n,a", "line 2: the field for funders is 'funder'"),
        ("x.txt,funders,CARA,funder,-,n,a", "line 2: funders.funder: no organisation named"),
        ("x.txt,documents,,information_status,maybe,n,a", "line 2: documents.information_status: 'maybe' is not one of held"),
        ("x.txt,documents,,response_date,last week,n,a", "line 2: documents.response_date: 'last week' is not a date"),
        ("x.txt,programmes,CARA,programme_id,p2,n,a", "line 2: programmes field must be one of name"),
    ],
)
def test_a_value_or_field_of_the_wrong_form_is_a_clear_error(tmp_path, line, message):
    (tmp_path / "bad.csv").write_text(f"doc,table,programme,field,value,note,author\n{line}\n")
    with pytest.raises(CorrectionsError, match=message):
        load_corrections(tmp_path)


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    (tmp_path / "bad.csv").write_bytes(b"doc,table,programme,field,value,note,author\nx.txt,funders,CARA,funder,Caf\xe9 Trust,n,a\n")
    with pytest.raises(CorrectionsError, match=r"bad\.csv: line 2: not UTF-8"):
        load_corrections(tmp_path)


def test_an_empty_value_is_left_as_extracted_and_counted(tmp_path):
    (tmp_path / "todo.csv").write_text(f"doc,table,programme,field,value,note,author\n{WM},funders,CARA,funder,,n,\n")
    tables = {t: empty_frame(t) for t in TABLES}
    [c] = load_corrections(tmp_path)
    same, outcomes = apply_corrections(tables, [c])
    assert [o.status for o in outcomes] == ["left_as_extracted"] and same["funders"].empty
    counts, not_applied = outcome_summary(outcomes)
    assert counts["corrections_left_as_extracted"] == 1 and counts["corrections_applied"] == 0 and not not_applied


def test_a_broken_contract_blocks_the_warehouse_and_keeps_the_previous_one(seeds, monkeypatch):
    raw, warehouse, corrections = seeds
    assert _run(raw, warehouse, corrections).success
    before = (warehouse / "foi.duckdb").read_bytes()
    original = pipeline.build_tables

    def corrupt(*args):
        tables = original(*args)
        tables["funnel_counts"].loc[0, "status"] = "probably"
        return tables

    monkeypatch.setattr(asset_module, "build_tables", corrupt)
    result = _run(raw, warehouse, corrections)
    assert not result.success
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert any(c.check_name == "funnel_counts_schema" and c.severity == dg.AssetCheckSeverity.ERROR for c in failed)
    assert (warehouse / "foi.duckdb").read_bytes() == before


def test_foi_review_lists_items_and_writes_a_corrections_csv(seeds, capsys, tmp_path):
    raw, warehouse, corrections = seeds
    assert _run(raw, warehouse, corrections).success
    assert main(["review", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert out.index("[warning]") < out.rindex(" item") and "labelled '6.'" in out and 'evidence (chars' in out
    csv_path = tmp_path / "todo.csv"
    assert main(["review", "--warehouse", str(warehouse), "--csv", str(csv_path)]) == 0
    rows = pd.read_csv(csv_path, dtype=str).fillna("")
    assert list(rows.columns) == ["doc", "table", "programme", "field", "value", "note", "author"]
    assert not rows.duplicated(["doc", "table", "programme", "field"]).any()  # one line per key
    assert (rows["value"] == "").all()  # left as extracted until an analyst fills it in
    cara = rows[(rows["programme"] == "CARA") & (rows["field"] == "agency_completed")]
    assert len(cara) == 1 and "extracted 151" in cara["note"].item()
    # The CSV is loadable as corrections as it stands.
    shutil.copy(csv_path, corrections / "todo.csv")
    assert len(load_corrections(corrections)) == len(rows)


def _published(warehouse: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(warehouse / "parquet" / f"{t}.parquet") for t in ALL_TABLES}


def test_the_review_loop_changes_nothing_until_a_value_is_filled_in(seeds, monkeypatch):
    raw, warehouse, corrections = seeds
    monkeypatch.setenv("FOI_CORRECTIONS_DIR", str(corrections))
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    uncorrected = _published(warehouse)
    todo = corrections / "todo.csv"
    assert main(["review", "--warehouse", str(warehouse), "--csv", str(todo)]) == 0  # dropped in as it is
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    for table, df in _published(warehouse).items():
        pd.testing.assert_frame_equal(df, uncorrected[table], obj=table)
    rows = pd.read_csv(todo, dtype=str, keep_default_na=False)
    edit = (rows["programme"] == "CARA") & (rows["field"] == "agency_completed")
    rows.loc[edit, ["value", "author"]] = ["150", "A. Analyst"]
    rows.to_csv(todo, index=False)
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
    assert _agency_completed(warehouse, "CARA") == (150, "value:151", f"correction:todo.csv:{rows.index[edit][0] + 2}")
    review = pd.read_parquet(warehouse / "parquet" / "review_queue.parquet")
    assert len(review) == len(uncorrected["review_queue"])  # nothing new to review: the other lines were left as extracted


def test_two_lines_for_one_key_are_reported_and_neither_is_applied(seeds):
    raw, warehouse, corrections = seeds
    header = "doc,table,programme,field,value,note,author\n"
    (corrections / "a.csv").write_text(header + f"{WM},funnel_counts,CARA,agency_completed,150,checked,A\n")
    doc_id = "11ad10a50c16a4b3"  # the same reply by its doc_id, the same programme in other letters
    (corrections / "b.csv").write_text(header + f"{doc_id},funnel_counts,cara,agency_completed,149,checked too,B\n"
                                       f"{WM},funnel_counts,EASI,agency_completed,,,\n")
    result = _run(raw, warehouse, corrections)
    assert result.success
    assert _agency_completed(warehouse, "CARA") == (151, None, "count:digits")  # neither line wins
    reasons = pd.read_parquet(warehouse / "parquet" / "review_queue.parquet")["reason"].tolist()
    assert any("a.csv:2 was not applied" in r and "b.csv:2" in r for r in reasons)
    assert any("b.csv:2 was not applied" in r and "a.csv:2" in r for r in reasons)
    assert not any("b.csv:3" in r for r in reasons)  # an empty value is not a correction
    [materialisation] = [m for m in result.get_asset_materialization_events() if m.asset_key.to_user_string() == "review_queue"]
    metadata = {k: v.value for k, v in materialisation.materialization.metadata.items() if k.startswith("corrections")}
    assert metadata["corrections_applied"] == 0 and metadata["corrections_conflicting"] == 2
    assert metadata["corrections_left_as_extracted"] == 1 and metadata["corrections_not_applied"] == 2


def test_a_malformed_file_is_one_line_and_nothing_is_run(seeds, monkeypatch, capsys):
    raw, warehouse, corrections = seeds
    (corrections / "bad.csv").write_text("doc,table,programme,field,value,note,author\n"
                                         f"{WM},funnel_counts,CARA,agency_completed,lots,n,a\n")
    monkeypatch.setenv("FOI_CORRECTIONS_DIR", str(corrections))
    capsys.readouterr()
    assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 2
    captured = capsys.readouterr()
    [line] = captured.err.strip().splitlines()
    assert "bad.csv: line 2: funnel_counts.agency_completed: 'lots' is neither a number nor" in line
    assert "Traceback" not in captured.out + captured.err and not warehouse.exists()


def test_in_dagster_a_malformed_file_fails_the_step_with_that_line(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "corrections").mkdir()
    (tmp_path / "corrections" / "bad.csv").write_text("doc,table,value\n")
    result = _run(tmp_path / "raw", tmp_path / "warehouse", tmp_path / "corrections")
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "extraction"  # the first step that reads the corrections (a request a line assigns)
    assert "bad.csv: line 1: the header must be" in failure.step_failure_data.user_failure_data.description
    assert not (tmp_path / "warehouse" / "foi.duckdb").exists()


def test_the_review_csv_holds_only_lines_a_run_accepts(tmp_path):
    programmes = frame("programmes", [_prov(programme_id="p", name="=HYPERLINK(\"x\")", providers=[], aliases=[])])
    funnel = _funnel([{"route": r, "stage": s, "status": "not_stated"} for r in ("self", "agency") for s in ("referred", "accepted", "completed")])
    documents = frame("documents", [{"doc_id": DOC, "source_path": "a.txt", "media_type": "text/plain", "byte_size": 1, "parse_status": "ok"}])
    item = {"doc_id": DOC, "severity": "warning", "char_start": 0, "char_end": 0, "evidence_text": "", "extractor": "test", "value": None}
    review = frame("review_queue", [
        {**item, "table_name": "documents", "field": "parse_status", "reason": "not a field a correction sets"},
        {**item, "table_name": "programmes", "field": "char_start", "reason": "nor this"},
        {**item, "table_name": "funnel_counts", "field": "agency_completed", "reason": "correction:old.csv:2 was not applied", "extractor": "correction:old.csv:2"},
        {**item, "table_name": "funnel_counts", "field": "agency_completed", "programme_id": "p", "reason": "one doubt"},
        {**item, "table_name": "answers", "field": "agency_completed", "reason": "another doubt"},
        {**item, "table_name": "answers", "field": "funders", "reason": "=1+1 in the reply"},
    ])
    tables = {"review_queue": review, "documents": documents, "programmes": programmes, "funnel_counts": funnel, "budgets": empty_frame("budgets")}
    rows = corrections_rows(review_items(review, documents, programmes), tables)
    assert [(r["table"], r["field"]) for r in rows] == [("funnel_counts", "agency_completed"), ("funders", "funder")]
    assert rows[0]["note"] == "a.txt: extracted not_stated; one doubt / another doubt"
    (tmp_path / "c").mkdir()
    write_corrections_csv(tmp_path / "c" / "todo.csv", rows)
    written = pd.read_csv(tmp_path / "c" / "todo.csv", dtype=str, keep_default_na=False)
    assert written["programme"][0] == "'=HYPERLINK(\"x\")"  # a live formula in a spreadsheet otherwise
    [c1, c2] = load_corrections(tmp_path / "c")
    assert (c1.value, c2.value) == ("", "")
    tables, outcomes = apply_corrections({t: empty_frame(t) for t in TABLES} | tables, [c1, c2])
    assert [o.status for o in outcomes] == ["left_as_extracted", "left_as_extracted"]


NORFOLK = "004_8541212a171f8844.txt"
SHOPPING = "Shopping list\n\n1. Milk\n4. self completed: 6\n10. Bread £40\n"


def _sql(warehouse: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _marts_of(warehouse: Path, doc_id: str) -> dict[str, int]:
    """Rows of each mart that come from this document."""
    counts = {mart: int(_sql(warehouse, f"SELECT count(*) n FROM {mart} WHERE doc_id = '{doc_id}'")["n"][0])
              for mart in ("programme_funnel", "programme_costs", "coverage")}
    counts["area_summary"] = int(_sql(warehouse, "SELECT count(*) n FROM area_summary WHERE area IS NULL OR area NOT IN ('Norfolk', 'West Midlands')")["n"][0])
    return counts


def test_a_text_that_is_no_reply_reaches_no_mart_until_a_correction_gives_it_a_request(seeds):
    raw, warehouse, corrections = seeds
    (raw / "shopping.txt").write_text(SHOPPING)
    assert _run(raw, warehouse, corrections).success
    [document] = _sql(warehouse, "SELECT * FROM documents WHERE source_path = 'shopping.txt'").to_dict("records")
    assert document["request_match"] == "none" and pd.isna(document["request_id"]) and not document["counted"]
    doc_id = document["doc_id"]
    assert _sql(warehouse, f"SELECT name FROM programmes WHERE doc_id = '{doc_id}'")["name"].tolist() == ["Milk"]  # kept for a person
    [item] = _sql(warehouse, f"SELECT * FROM review_queue WHERE doc_id = '{doc_id}' AND table_name = 'documents'").to_dict("records")
    assert item["severity"] == "error" and item["field"] == "request_id" and "does not read as a reply to any FOI request" in item["reason"]
    assert _marts_of(warehouse, doc_id) == {"programme_funnel": 0, "programme_costs": 0, "coverage": 0, "area_summary": 0}
    assert "Milk" not in " ".join(_sql(warehouse, "SELECT canonical_name FROM programme_types")["canonical_name"].dropna())
    assert "Milk" not in (warehouse / "report" / "index.html").read_text()  # the overview charts and areas

    (corrections / "assign.csv").write_text(
        "doc,table,programme,field,value,note,author\nshopping.txt,documents,,request_id,dapp-2022-23-females,a reply after all,A. Analyst\n")
    assert _run(raw, warehouse, corrections).success
    [document] = _sql(warehouse, "SELECT * FROM documents WHERE source_path = 'shopping.txt'").to_dict("records")
    assert (document["request_id"], document["request_match"], document["counted"]) == ("dapp-2022-23-females", "none", True)
    funnel = _sql(warehouse, f"SELECT programme, population, self_completed FROM programme_funnel WHERE doc_id = '{doc_id}'")
    assert funnel.to_dict("records") == [{"programme": "Milk", "population": "female", "self_completed": 6}]  # read as that request
    assert _sql(warehouse, f"SELECT count(*) n FROM review_queue WHERE doc_id = '{doc_id}' AND field = 'request_id'")["n"][0] == 0


def test_a_second_reply_from_the_same_office_is_counted_once_and_reviewed(seeds):
    raw, warehouse, corrections = seeds
    letter = (raw / NORFOLK).read_text()
    (raw / "norfolk_resent.txt").write_text(letter.replace("Dear Member of public,", "Dear Member of the public,"))
    assert _run(raw, warehouse, corrections).success
    documents = _sql(warehouse, "SELECT source_path, doc_id, counted, superseded_by FROM documents WHERE area = 'Norfolk' ORDER BY 1")
    assert documents[["source_path", "counted", "superseded_by"]].to_dict("records") == [
        {"source_path": NORFOLK, "counted": False, "superseded_by": "norfolk_resent.txt"},
        {"source_path": "norfolk_resent.txt", "counted": True, "superseded_by": None}]
    first, resent = documents["doc_id"].tolist()
    norfolk = _sql(warehouse, "SELECT replies, total_budget_gbp, total_referred FROM area_summary WHERE area = 'Norfolk'").to_dict("records")
    assert norfolk == [{"replies": 1, "total_budget_gbp": Decimal("150000.00"), "total_referred": 322}]  # as with one reply
    for mart in ("programme_funnel", "programme_costs", "coverage"):
        assert set(_sql(warehouse, f"SELECT doc_id FROM {mart} WHERE doc_id IN ('{first}', '{resent}')")["doc_id"]) == {resent}, mart
    assert _sql(warehouse, "SELECT programmes FROM programme_types WHERE canonical_name = 'CARA'")["programmes"].tolist() == [2]
    [item] = _sql(warehouse, "SELECT * FROM review_queue WHERE field = 'counted'").to_dict("records")
    assert item["doc_id"] == first and NORFOLK in item["reason"] and "norfolk_resent.txt" in item["reason"]

    (corrections / "which.csv").write_text(
        f"doc,table,programme,field,value,note,author\n{NORFOLK},documents,,counted,true,the letter we asked about,A. Analyst\n")
    assert _run(raw, warehouse, corrections).success
    documents = _sql(warehouse, "SELECT source_path, counted, superseded_by FROM documents WHERE area = 'Norfolk' ORDER BY 1")
    assert documents.to_dict("records") == [{"source_path": NORFOLK, "counted": True, "superseded_by": None},
                                            {"source_path": "norfolk_resent.txt", "counted": False, "superseded_by": NORFOLK}]
    assert set(_sql(warehouse, "SELECT doc_id FROM programme_funnel WHERE area = 'Norfolk'")["doc_id"]) == {first}
    assert _sql(warehouse, "SELECT count(*) n FROM review_queue WHERE field = 'counted'")["n"][0] == 0
