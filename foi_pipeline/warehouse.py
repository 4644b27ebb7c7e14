"""The warehouse on disk: one Parquet file per table and foi.duckdb, both replaced atomically.

Tables are first written to a staging folder; `publish` moves each file into place with one rename and
swaps in a database built from them, so readers never see a half-written table and a run that fails
before publishing leaves the previous warehouse as it was.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from foi_pipeline.contract import ALL_TABLES

DATABASE = "foi.duckdb"
LOCK_TIMEOUT_S = 600
STALE_STAGING_S = 3600


class WarehouseBusy(RuntimeError):
    """Another run kept the warehouse locked for too long."""


def _select_typed(table: str) -> str:
    casts = ", ".join(f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in ALL_TABLES[table])
    return f"SELECT {casts} FROM frame"


class Warehouse:
    """Reads and writes the contract tables under one root folder (FOI_WAREHOUSE_DIR).

    Each run stages its files in a folder of its own, so runs at the same time never mix; publishing
    takes a lock, so two runs never swap files in at once (the second waits).
    """

    def __init__(self, root: str | Path, run_id: str | None = None):
        self.root = Path(root)
        self.run_id = run_id or "default"

    @property
    def parquet_dir(self) -> Path:
        return self.root / "parquet"

    @property
    def staging_dir(self) -> Path:
        return self.root / ".staging" / self.run_id

    @contextmanager
    def lock(self, timeout_s: float = LOCK_TIMEOUT_S):
        """An exclusive lock on the warehouse folder (waits for another run to finish publishing)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as handle:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise WarehouseBusy(f"another run has been publishing to {self.root} for over {timeout_s:.0f} s; try again when it ends") from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def database(self) -> Path:
        return self.root / DATABASE

    def stage(self, table: str, df: pd.DataFrame) -> Path:
        """Write a table's Parquet file, typed as the contract says, into the staging folder (atomically)."""
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        target = self.staging_dir / f"{table}.parquet"
        tmp = self.staging_dir / f".{table}.{uuid.uuid4().hex}.tmp"
        con = duckdb.connect()
        try:
            con.register("frame", _prepare(table, df))
            con.execute(f"COPY ({_select_typed(table)}) TO '{tmp.as_posix()}' (FORMAT parquet)")
        finally:
            con.close()
        os.replace(tmp, target)
        return target

    def read_staged(self, table: str) -> pd.DataFrame:
        return _read_parquet(self.staging_dir / f"{table}.parquet")

    def read(self, table: str) -> pd.DataFrame:
        """A published table."""
        return _read_parquet(self.parquet_dir / f"{table}.parquet")

    def current_path(self, table: str) -> Path:
        staged = self.staging_dir / f"{table}.parquet"
        return staged if staged.exists() else self.parquet_dir / f"{table}.parquet"

    def read_current(self, table: str) -> pd.DataFrame:
        """This run's staged table if there is one, else the published one (checks run before publishing)."""
        staged = self.staging_dir / f"{table}.parquet"
        return _read_parquet(staged) if staged.exists() else self.read(table)

    def publish(self, tables: list[str]) -> None:
        """Build foi.duckdb from the staged files, then move the files and the database into place."""
        missing = [t for t in tables if not (self.staging_dir / f"{t}.parquet").exists()]
        if missing:
            raise FileNotFoundError(f"tables not staged yet: {', '.join(missing)}")
        with self.lock():
            tmp_db = self.root / f".{DATABASE}.{uuid.uuid4().hex}.tmp"
            wal = tmp_db.with_name(tmp_db.name + ".wal")
            try:
                con = duckdb.connect(str(tmp_db))
                try:
                    for table in tables:
                        path = (self.staging_dir / f"{table}.parquet").as_posix()
                        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM read_parquet(\'{path}\')')
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
            except BaseException:
                # The previous warehouse was never touched; drop the half-built database.
                for leftover in (tmp_db, wal):
                    leftover.unlink(missing_ok=True)
                raise
            self.parquet_dir.mkdir(parents=True, exist_ok=True)
            for table in tables:
                os.replace(self.staging_dir / f"{table}.parquet", self.parquet_dir / f"{table}.parquet")
            os.replace(tmp_db, self.database)
            wal.unlink(missing_ok=True)
            shutil.rmtree(self.staging_dir, ignore_errors=True)
            self._remove_abandoned()

    def _remove_abandoned(self) -> None:
        """Staging folders and temp files left by runs that were killed (older than an hour)."""
        cutoff = time.time() - STALE_STAGING_S
        for leftover in [*(self.root / ".staging").glob("*"), *self.root.glob(".*.tmp")]:
            try:
                if leftover.stat().st_mtime < cutoff:
                    shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink()
            except OSError:
                pass


def _prepare(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Make values DuckDB can cast: lists stay lists, decimals become strings (exact), dates stay dates."""
    out = df.copy()
    for name, sql_type in ALL_TABLES[table]:
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


def row_count(path: Path) -> int:
    """Rows of a Parquet file, from its footer (no data read)."""
    return pq.ParquetFile(path).metadata.num_rows
