"""Faults survived: killed runs, concurrent runs, an empty raw folder, an unwritable warehouse, crashing parsers,
hostile files, files changing mid-run."""

import os
import shutil
import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi_pipeline import ingest as ingest_module
from foi_pipeline.bench.synthetic import write_corpus
from foi_pipeline.cli import main
from foi_pipeline.contract import ALL_TABLES
from foi_pipeline.definitions import refresh_multiprocess_job
from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.pool import POOL
from foi_pipeline.defs.resources import run_resources, settings_from_env
from foi_pipeline.ingest import ingest_directory, ingest_file, parse_bytes
from foi_pipeline.ingest.mail import parse_email
from foi_pipeline.warehouse import FAULT_ENV

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _tables(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse / "foi.duckdb"), read_only=True)
    try:
        return {t: con.execute(f'SELECT * EXCLUDE ({_lists(t)}) FROM "{t}" ORDER BY ALL').fetchall() if _lists(t)
                else con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in ALL_TABLES if t != "document_text"}
    finally:
        con.close()


def _lists(table: str) -> str:
    return ", ".join(c for c, t in ALL_TABLES[table] if t.endswith("[]"))


def _foi(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "foi_pipeline.cli", *args], cwd=PROJECT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    write_corpus(root / "raw", 40, seed=3)
    return root


# The check runs this with 2,000 replies (FOI_FAULT_TEST_REPLIES=2000, by hand: several minutes).
FAULT_TEST_REPLIES = int(os.environ.get("FOI_FAULT_TEST_REPLIES", "12"))


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> tuple[Path, Path]:
    """Two states of a raw folder: the second rewrites some replies, adds others and renames a third of them."""
    root = tmp_path_factory.mktemp("versions")
    write_corpus(root / "v1", FAULT_TEST_REPLIES, seed=3)
    shutil.copytree(root / "v1", root / "v2")
    write_corpus(root / "v2", FAULT_TEST_REPLIES // 3 + 1, seed=11)
    for path in sorted((root / "v2").iterdir())[: FAULT_TEST_REPLIES // 3]:
        path.rename(path.with_name(f"new_{path.name}"))
    return root / "v1", root / "v2"


def _wait_for(condition, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _slot_holders(instance: dg.DagsterInstance) -> list[str]:
    return [s.run_id for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots]


def test_sigkill_at_any_point_of_publishing_leaves_one_whole_warehouse_and_the_next_run_ends_as_an_uninterrupted_one(
        versions, tmp_path, monkeypatch):
    """Runs killed with SIGKILL one after another inside the warehouse step: at named points (FOI_PUBLISH_FAULT), and
    once from outside while another run waits for it. After each kill the warehouse is whole, the old one before the
    switch and the new one after it; each next run frees the dead run's pool slot (before, it waited for ever), and
    the last one matches a run that was never interrupted."""
    v1, v2 = versions
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    shutil.copytree(v1, raw)
    with monkeypatch.context() as ephemeral:  # quicker, and these two are not under test
        ephemeral.delenv("DAGSTER_HOME")
        assert main(["run", "--raw", str(raw), "--warehouse", str(warehouse)]) == 0
        assert main(["run", "--raw", str(v2), "--warehouse", str(tmp_path / "uninterrupted")]) == 0
    old, new = _tables(warehouse), _tables(tmp_path / "uninterrupted")
    shutil.rmtree(raw)
    shutil.copytree(v2, raw)
    args = ("run", "--raw", str(raw), "--warehouse", str(warehouse))
    instance = dg.DagsterInstance.get()  # the tests' Dagster home, which the runs below share

    holder = _foi(*args, env={FAULT_ENV: "built:pause"})  # holding the pool's slot and the lock, foi.duckdb built
    _wait_for(lambda: any((warehouse / ".staging" / run / "foi.duckdb").exists() for run in _slot_holders(instance)))
    [holder_run] = _slot_holders(instance)
    waiting = _foi(*args, env={"FOI_PUBLISH_WAIT_S": "2"})
    _, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 1, err
    assert f"waiting for the warehouse: run {holder_run} (pid {holder.pid}) holds the 'warehouse' pool" in err
    assert "gave up after waiting 2 s" in err and "nothing was published, the previous warehouse (published" in err
    holder.kill()  # SIGKILL, from outside
    holder.wait()
    assert _tables(warehouse) == old

    killed = _foi(*args, env={FAULT_ENV: "moved"})  # the new generation in place, `current` not yet switched
    assert killed.wait(timeout=300) == -signal.SIGKILL, killed.stderr.read()
    assert _tables(warehouse) == old

    killed = _foi(*args, env={FAULT_ENV: "switched"})
    assert killed.wait(timeout=300) == -signal.SIGKILL, killed.stderr.read()
    assert _tables(warehouse) == new  # switched: the new generation, whole

    last = _foi(*args)
    out, err = last.communicate(timeout=300)
    assert last.returncode == 0, err
    assert "the new warehouse is published" in out and _tables(warehouse) == new
    assert _slot_holders(instance) == [] and instance.event_log_storage.get_concurrency_info(POOL).pending_steps == []
    assert not instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))  # the killed runs: failed
    assert not any((warehouse / ".staging").iterdir()) and not list(warehouse.glob(".*.tmp*"))
    assert len(list((warehouse / ".generations").iterdir())) == 2  # the current one and the previous one


def test_two_runs_at_once_never_corrupt_the_warehouse(corpus, tmp_path):
    warehouse = tmp_path / "warehouse"
    runs = [_foi("run", "--raw", str(corpus / "raw"), "--warehouse", str(warehouse)) for _ in range(2)]
    codes = [r.wait(timeout=600) for r in runs]
    errors = [r.stderr.read() for r in runs]
    assert codes.count(0) >= 1, errors
    for code, error in zip(codes, errors):
        assert code == 0 or "another run" in error  # the second waits, or stops with a clear message
    tables = _tables(warehouse)
    assert len(tables["documents"]) == 40


def test_an_empty_raw_folder_does_not_replace_the_warehouse_unless_asked(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME")  # an ephemeral instance: quicker, and the check does not depend on it
    warehouse, empty = tmp_path / "warehouse", tmp_path / "empty"
    empty.mkdir()
    assert main(["run", "--raw", str(SEEDS), "--warehouse", str(warehouse)]) == 0
    before = _tables(warehouse)
    capsys.readouterr()
    assert main(["run", "--raw", str(empty), "--warehouse", str(warehouse)]) == 1
    reason, closing = capsys.readouterr().err.rstrip().splitlines()[-2:]
    assert reason.startswith("  warehouse: not publishing: this run found 0 document(s) where the published warehouse has 2;")
    assert "--allow-shrink" in reason
    assert closing.startswith("error: the run failed at step(s) warehouse; nothing was published, the previous warehouse (published ")
    assert _tables(warehouse) == before
    assert main(["run", "--raw", str(empty), "--warehouse", str(warehouse), "--allow-shrink"]) == 0
    assert _tables(warehouse)["documents"] == []


def test_an_unwritable_warehouse_stops_the_run_before_any_reply_is_read(tmp_path, capsys):
    (tmp_path / "taken").write_text("a file where the warehouse folder should be")
    unwritable = tmp_path / "taken" / "warehouse"
    assert main(["run", "--raw", str(SEEDS), "--warehouse", str(unwritable)]) == 2
    out, err = capsys.readouterr()
    assert f"error: the warehouse folder {unwritable} is not writable" in err and "reading replies" not in out
    # A run started another way (the UI, the sensor) stops at its start too, saying why.
    result = dg.materialize(all_assets, resources=run_resources(settings_from_env(str(SEEDS), str(unwritable))), raise_on_error=False)
    assert not result.success and not [e for e in result.all_events if e.event_type_value == "STEP_START"]
    failure = next(e for e in result.all_events if e.event_type_value == "RESOURCE_INIT_FAILURE")
    assert "is not writable" in failure.event_specific_data.error.message


def test_a_crashing_parser_makes_the_file_unreadable_not_the_run(tmp_path, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "b.txt").write_bytes(b"fine")

    def explode(data: bytes, ocr: object = None) -> str:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(ingest_module, "read_pdf", explode)
    docs = {d.source_path: d for d in ingest_directory(tmp_path)}
    assert docs["a.pdf"].parse_status == "unreadable" and "RecursionError" in docs["a.pdf"].parse_error
    assert docs["b.txt"].parse_status == "ok"


def test_a_file_removed_or_rewritten_during_a_run(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"reply {name}")

    def meddle(i: int, n: int, path: str) -> None:
        if path == "b.txt":
            (tmp_path / "b.txt").unlink()
        if path == "c.txt":
            (tmp_path / "c.txt").write_text("rewritten while listed")

    docs = {d.source_path: d for d in ingest_directory(tmp_path, progress=meddle)}
    assert docs["b.txt"].parse_status == "unreadable" and "could not read" in docs["b.txt"].parse_error
    assert docs["c.txt"].text == "rewritten while listed"
    assert docs["a.txt"].parse_status == "ok"


@pytest.mark.parametrize("name", ["..reply.txt", "my reply (final) v2.txt", "réponse – ünïcode ✓.txt", "a..b..txt", " leading space.txt"])
def test_odd_file_names(tmp_path, name):
    (tmp_path / "sub dir").mkdir()
    (tmp_path / "sub dir" / name).write_text("1. Safe Steps")
    [doc] = ingest_directory(tmp_path)
    assert doc.source_path == f"sub dir/{name}" and doc.parse_status == "ok"


def test_a_ten_megabyte_single_line_file(catalogue, males_spec, tmp_path):
    (tmp_path / "huge.txt").write_text("1. " + "word 12 " * 1_300_000)
    [doc] = ingest_directory(tmp_path)
    assert doc.parse_status == "ok" and len(doc.text) > 10_000_000
    from foi_pipeline.extract import extract_reply

    extraction = extract_reply(doc.text, doc_id=doc.doc_id, spec=males_spec, catalogue=catalogue)
    assert extraction.tables["programmes"] == []


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".html", ".docx", ".pdf"]))
def test_fuzzed_bytes_never_raise(data, suffix):
    media_type, status, error, text = parse_bytes(data, f"x{suffix}")
    assert status in {"ok", "empty", "unreadable", "needs_ocr"}
    assert (status == "ok") == (text is not None)
    assert status == "ok" or error


@FUZZ
@given(st.binary(max_size=1500))
def test_fuzzed_docx_archives_never_raise(data):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", data[: len(data) // 2])
        archive.writestr("word/document.xml", data[len(data) // 2 :])
    _, status, _, _ = parse_bytes(buffer.getvalue(), "x.docx")
    assert status in {"ok", "empty", "unreadable"}


@FUZZ
@given(st.text(max_size=400), st.text(max_size=60), st.binary(max_size=300))
def test_fuzzed_emails_never_raise(body, subject, attachment):
    message = EmailMessage()
    message["Subject"] = "".join(ch for ch in subject if ch.isprintable())
    message.set_content(body)
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename="a.pdf")
    parsed = parse_email(message.as_bytes())
    assert "\r" not in parsed.text


@FUZZ
@given(st.binary(max_size=1500))
def test_fuzzed_raw_emails_never_raise(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("eml")
    (folder / "x.eml").write_bytes(data)
    docs = ingest_file(folder / "x.eml", folder)
    assert docs and all(d.parse_status in {"ok", "empty", "unreadable", "unsupported", "needs_ocr"} for d in docs)


def test_multiprocess_executor(corpus, tmp_path, monkeypatch):
    """Dagster's multiprocess executor runs the graph with each step in its own process (ingest and extraction
    here: the full graph takes minutes of process start-ups, which is why local runs use one process)."""
    monkeypatch.setenv("FOI_RAW_DIR", str(corpus / "raw"))
    monkeypatch.setenv("FOI_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("FOI_CORRECTIONS_DIR", str(tmp_path / "corrections"))
    with dg.instance_for_test() as instance:
        result = dg.execute_job(dg.reconstructable(refresh_multiprocess_job), instance=instance,
                                asset_selection=[dg.AssetKey("raw_documents"), dg.AssetKey("extraction")],
                                run_config={"execution": {"config": {"max_concurrent": 2}}})
        assert result.success
        steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
        assert steps == {"raw_documents", "extraction"}
        pids = {e.pid for e in result.all_events if e.event_type_value == "STEP_START"}
        assert len(pids) == 2  # one process per step


def test_a_cache_that_cannot_be_written_is_a_logged_warning_not_a_failed_run(tmp_path):
    from foi_pipeline.defs.assets import all_assets
    from foi_pipeline.defs.resources import settings_from_env

    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    shutil.copy(PROJECT / "tests" / "fixtures" / "seeds" / "004_8541212a171f8844.txt", raw)
    warehouse.mkdir()
    (warehouse / "cache").write_text("not a folder")  # every cache write fails, as on a full or read-only disk
    with dg.instance_for_test() as instance:
        result = dg.materialize(all_assets, resources={"foi": settings_from_env(str(raw), str(warehouse), str(tmp_path / "c"))},
                                instance=instance)
        assert result.success
        warnings = [e.message for e in instance.all_logs(result.run_id) if "could not write the cache" in (e.message or "")]
    assert [next(k for k in ("ingest-", "extract-", "validated-") if f"cache/{k}" in w) for w in warnings] == ["ingest-", "extract-", "validated-"]
    assert _tables(warehouse)["documents"]
