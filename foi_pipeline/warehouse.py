"""The warehouse on disk, published one generation at a time.

Under the root folder (FOI_WAREHOUSE_DIR):

    current -> .generations/<name>      the published generation, switched by one atomic rename
    foi.duckdb -> current/foi.duckdb    the paths the data contract promises: links that never change
    parquet -> current/parquet
    report -> current/report
    .generations/<name>/                foi.duckdb, parquet/<table>.parquet, report/
    .staging/<run_id>/                  a generation a run is building (its .owner file names the process)
    .lock                               held while publishing; names the run that holds it
    cache/, exports/                    kept between runs, never published

A run stages its Parquet files and its report in a folder of its own; publishing builds foi.duckdb there,
moves the folder into .generations and points `current` at it. A reader sees the old generation or the new
one, never a mix, and a run killed at any moment leaves one of them whole. The previous generation is kept
(a reader may still be reading it); older ones, and whatever killed runs left behind, go in later runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from foi_pipeline.metadata import sql_columns
from foi_pipeline.processes import process_alive

DATABASE = "foi.duckdb"
PUBLISHED = (DATABASE, "parquet", "report")  # what a generation holds, each also reachable as <root>/<name>
LEGACY = "0-legacy"  # the generation a warehouse of the old layout becomes (sorts before the timestamped ones)
OWNER = ".owner"
LOCK_TIMEOUT_S = 600
STALE_STAGING_S = 3600  # a staging folder that names no owner (left by older code) goes after this
FAULT_ENV = "FOI_PUBLISH_FAULT"


class WarehouseBusy(RuntimeError):
    """Another run kept the warehouse locked for too long."""


class WarehouseNotWritable(RuntimeError):
    """The warehouse folder cannot be written, so nothing could be published."""


class WarehouseShrinks(RuntimeError):
    """The new generation would lose more of the published documents than allowed."""


@dataclass(frozen=True)
class Published:
    generation: Path
    rows: dict[str, int]


def _fault(point: str) -> None:
    """FOI_PUBLISH_FAULT=<point> kills this process with SIGKILL at that point of publishing, and <point>:pause
    stops it there for an hour: how the fault tests kill a run inside its publishing window, deterministically.
    The points, in order: locked, built, moved, switched."""
    name, _, action = os.environ.get(FAULT_ENV, "").partition(":")
    if name != point:
        return
    if action == "pause":
        time.sleep(3600)
    else:
        os.kill(os.getpid(), signal.SIGKILL)


def _select_typed(table: str) -> str:
    casts = ", ".join(f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in sql_columns(table))
    return f"SELECT {casts} FROM frame"


class Warehouse:
    """Reads and writes the contract tables under one root folder (FOI_WAREHOUSE_DIR).

    Each run stages its files in a folder of its own, so runs at the same time never mix; publishing takes a
    lock, so two runs never switch generations at once (the second waits). `owner_pid` is the process that
    runs the run (by default this one): while it lives, no other run removes the staging folder.
    """

    def __init__(self, root: str | Path, run_id: str | None = None, owner_pid: int | None = None):
        self.root = Path(root)
        self.run_id = run_id or "default"
        self.owner_pid = owner_pid or os.getpid()

    @property
    def database(self) -> Path:
        return self.root / DATABASE

    @property
    def parquet_dir(self) -> Path:
        return self.root / "parquet"

    @property
    def report_dir(self) -> Path:
        return self.root / "report"

    @property
    def current(self) -> Path:
        return self.root / "current"

    @property
    def generations_dir(self) -> Path:
        return self.root / ".generations"

    @property
    def staging_dir(self) -> Path:
        return self.root / ".staging" / self.run_id

    def staged_path(self, table: str) -> Path:
        return self.staging_dir / "parquet" / f"{table}.parquet"

    def check_writable(self) -> None:
        """Fail now, saying why, if nothing could be published here (rather than after ingesting every reply)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for folder in (self.root, *(d for d in (self.root / ".staging", self.generations_dir, self.root / "cache") if d.is_dir())):
                handle, probe = tempfile.mkstemp(dir=folder, prefix=".writable.", suffix=".tmp")
                os.close(handle)
                Path(probe).unlink(missing_ok=True)
        except OSError as err:
            raise WarehouseNotWritable(f"the warehouse folder {self.root} is not writable ({err.strerror or err}); "
                                       "choose another with --warehouse or FOI_WAREHOUSE_DIR") from None

    @contextmanager
    def lock(self, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        """An exclusive lock on the warehouse folder (waits for another run to finish publishing). The kernel
        releases it when the holder dies, however it dies."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a+") as handle:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        handle.seek(0)
                        holder = handle.read().strip() or "unknown"
                        raise WarehouseBusy(f"another run ({holder}) has been publishing to {self.root} for over {timeout_s:.0f} s; "
                                            "try again when it ends") from None
                    time.sleep(0.2)
            handle.truncate(0)
            handle.write(f"run {self.run_id}, pid {os.getpid()}")
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _own_staging(self) -> None:
        """This run's staging folder, naming the process that builds it, so that a later run can tell when it is dead."""
        (self.staging_dir / "parquet").mkdir(parents=True, exist_ok=True)
        owner = self.staging_dir / OWNER
        if not owner.exists():
            tmp = owner.with_name(f".owner.{uuid.uuid4().hex}.tmp")
            tmp.write_text(json.dumps({"pid": self.owner_pid, "at": time.time()}))
            os.replace(tmp, owner)  # read whole or not at all

    def stage(self, table: str, df: pd.DataFrame) -> Path:
        """Write a table's Parquet file, typed as the contract says, into the staging folder (atomically)."""
        self._own_staging()
        target = self.staged_path(table)
        tmp = target.with_name(f".{table}.{uuid.uuid4().hex}.tmp")
        con = duckdb.connect()
        try:
            con.register("frame", _prepare(table, df))
            con.execute(f"COPY ({_select_typed(table)}) TO '{tmp.as_posix()}' (FORMAT parquet)")
        finally:
            con.close()
        os.replace(tmp, target)
        return target

    def stage_report(self) -> Path:
        """This run's report folder, starting as hard links to the published report's files so that only pages
        whose rows changed are rendered again. The report writer replaces files by renaming and never writes
        into one, so the published generation's files stay as they were."""
        self._own_staging()
        folder = self.staging_dir / "report"
        if not folder.exists() and self.report_dir.is_dir():
            try:
                shutil.copytree(self.report_dir, folder, copy_function=_link_or_copy)
            except (OSError, shutil.Error):  # the published report changed meanwhile: render every page afresh
                shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(exist_ok=True)
        return folder

    def read_staged(self, table: str) -> pd.DataFrame:
        return _read_parquet(self.staged_path(table))

    def read(self, table: str) -> pd.DataFrame:
        """A published table."""
        return _read_parquet(self.parquet_dir / f"{table}.parquet")

    def current_path(self, table: str) -> Path:
        staged = self.staged_path(table)
        return staged if staged.exists() else self.parquet_dir / f"{table}.parquet"

    def read_current(self, table: str) -> pd.DataFrame:
        """This run's staged table if there is one, else the published one (checks run before publishing)."""
        return _read_parquet(self.current_path(table))

    def published_at(self) -> float | None:
        """When the published foi.duckdb was built (None when nothing is published)."""
        try:
            return self.database.stat().st_mtime
        except OSError:
            return None

    def publish(self, tables: list[str], *, with_report: bool = False, max_shrink: float | None = None,
                wait_s: float = LOCK_TIMEOUT_S) -> Published:
        """Publish the staged tables (and report) as the new generation, with one rename.

        Refused, leaving the published generation as it was, when a table (or the report) is not staged, or when
        the new generation would lose every published document or more than the share `max_shrink` of them
        (None allows any loss)."""
        missing = [t for t in tables if not self.staged_path(t).exists()]
        if with_report and not (self.staging_dir / "report" / "index.html").exists():
            missing.append("report")
        if missing:
            raise FileNotFoundError(f"not staged yet: {', '.join(missing)}")
        with self.lock(wait_s):
            _fault("locked")
            try:
                self._adopt_old_layout()
                if max_shrink is not None and "documents" in tables:
                    self._refuse_shrink(max_shrink)
                self._build_database(tables)
                rows = {t: row_count(self.staged_path(t)) for t in tables}
                _fault("built")
                previous = self.current_generation()
                generation = self.generations_dir / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
                self.generations_dir.mkdir(exist_ok=True)
                (self.staging_dir / OWNER).unlink()
                os.rename(self.staging_dir, generation)
                _fault("moved")
                self._link_contract_paths()
                self._point_current_at(generation)
            except BaseException:
                shutil.rmtree(self.staging_dir, ignore_errors=True)  # nothing was published; leave nothing behind
                raise
            _fault("switched")
            with suppress(OSError):  # published already; what is left goes next time
                self._remove_old(keep={generation.name, previous})
        return Published(generation, rows)

    def _adopt_old_layout(self) -> None:
        """A warehouse published before generations existed (real foi.duckdb, parquet/, report/) becomes the
        first generation; once this run publishes it is the previous one, kept like any other."""
        real = [name for name in PUBLISHED if (self.root / name).exists() and not (self.root / name).is_symlink()]
        if not real:
            return
        legacy = self.generations_dir / LEGACY
        legacy.mkdir(parents=True, exist_ok=True)
        for name in real:
            os.rename(self.root / name, legacy / name)
        if not self.current.is_symlink():
            self._point_current_at(legacy)

    def _refuse_shrink(self, max_shrink: float) -> None:
        published = self.parquet_dir / "documents.parquet"
        if not published.exists():
            return
        con = duckdb.connect()
        try:
            old, new = (f"read_parquet('{p.as_posix()}')" for p in (published, self.staged_path("documents")))
            before, after = (fetch_value(con, f"SELECT count(DISTINCT source_path) FROM {t}") for t in (old, new))
            lost = [r[0] for r in con.execute(f"SELECT source_path FROM {old} EXCEPT SELECT source_path FROM {new} ORDER BY 1").fetchall()]
        finally:
            con.close()
        if before and (after == 0 or len(lost) / before > max_shrink):
            examples = ", ".join(lost[:3]) + (", ..." if len(lost) > 3 else "")
            raise WarehouseShrinks(
                f"not publishing: this run found {after} document(s) where the published warehouse has {before}; "
                f"{len(lost)} ({len(lost) / before:.0%}) would be lost ({examples}), more than FOI_MAX_SHRINK={max_shrink:g} allows. "
                "Is the raw folder empty, or not mounted? If those replies are really gone, run again with --allow-shrink "
                "(or FOI_ALLOW_SHRINK=1)")

    def _build_database(self, tables: list[str]) -> None:
        """foi.duckdb from the staged Parquet files, inside the staging folder."""
        con = duckdb.connect(str(self.staging_dir / DATABASE))
        try:
            for table in tables:
                con.execute(f"CREATE OR REPLACE TABLE \"{table}\" AS SELECT * FROM read_parquet('{self.staged_path(table).as_posix()}')")
            con.execute("CHECKPOINT")
        finally:
            con.close()

    def current_generation(self) -> str | None:
        """The folder name of the published generation `current` points at, or None before the first publish."""
        try:
            return Path(os.readlink(self.current)).name
        except OSError:
            return None

    def _point_current_at(self, generation: Path) -> None:
        """The switch: one rename replaces the `current` link (relative, so the folder can be moved whole)."""
        tmp = self.root / f".current.{uuid.uuid4().hex}.tmp"
        os.symlink(generation.relative_to(self.root), tmp)
        os.replace(tmp, self.current)

    def _link_contract_paths(self) -> None:
        """<root>/foi.duckdb, parquet and report as links into `current`, made once: readers keep their paths."""
        for name in PUBLISHED:
            path = self.root / name
            if not path.is_symlink():
                tmp = self.root / f".{name}.{uuid.uuid4().hex}.tmp"
                os.symlink(f"current/{name}", tmp)
                os.replace(tmp, path)

    def _remove_old(self, keep: set[str | None]) -> None:
        """Generations but the current and the previous one, and what dead runs left (holding the lock)."""
        for generation in self.generations_dir.iterdir():
            if generation.name not in keep:
                shutil.rmtree(generation, ignore_errors=True)
        for leftover in self.root.glob(".*.tmp*"):  # a dead lock holder's (check_writable's probes may go too)
            leftover.unlink(missing_ok=True)
        self.remove_abandoned()

    def remove_abandoned(self) -> None:
        """Staging folders of runs whose process is gone (their run can never publish them)."""
        for folder in (self.root / ".staging").glob("*"):
            if folder.name != self.run_id and not _staging_live(folder):
                shutil.rmtree(folder, ignore_errors=True)


def _staging_live(folder: Path) -> bool:
    try:
        owner = json.loads((folder / OWNER).read_text())
        return process_alive(int(owner["pid"]), float(owner["at"]))
    except FileNotFoundError:  # being created, or left by older code that named no owner
        try:
            return time.time() - folder.stat().st_mtime < STALE_STAGING_S
        except OSError:
            return False
    except (OSError, ValueError, KeyError, TypeError):  # written atomically, so unreadable means not ours to keep
        return False


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _prepare(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Make values DuckDB can cast: lists stay lists, decimals become strings (exact), dates stay dates."""
    out = df.copy()
    for name, sql_type in sql_columns(table):
        if sql_type.startswith("DECIMAL"):
            out[name] = out[name].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)).astype("object")
        elif sql_type == "VARCHAR[]":
            out[name] = out[name].map(lambda v: list(v) if isinstance(v, (list, tuple)) else ([] if v is None else list(v)))
        elif sql_type == "DATE":
            out[name] = pd.to_datetime(out[name], errors="coerce")
    return out


def _read_parquet(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `foi run` first")
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT * FROM read_parquet('{path.as_posix()}')").df()
    finally:
        con.close()


def fetch_value(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The one value of a query that returns one row (an aggregate such as count(*))."""
    row = con.execute(sql).fetchone()
    if row is None:
        raise ValueError(f"no row from {sql}")
    return row[0]


def row_count(path: Path) -> int:
    """Rows of a Parquet file, from its footer (no data read)."""
    return pq.ParquetFile(path).metadata.num_rows
