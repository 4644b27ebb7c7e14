"""The `warehouse` pool's slot, held while publishing, and what runs that died left in the Dagster instance.

Dagster frees a step's pool slot when the step ends, and sets a run's final status when the run ends. A run
killed by SIGKILL, the OOM killer or a closed terminal never ends: its slot stays claimed, its status stays
"Started", and every later run waits for the slot for ever. Here a run whose process is gone is marked failed
and its slots are freed; a live holder is waited for, with a message naming it, for a limited time.

Processes are judged on this machine, where the instance's storage (DAGSTER_HOME) lives.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from foi_pipeline.processes import process_alive

POOL = "warehouse"
POLL_S = 1.0
ACTIVE = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


class PoolBusy(RuntimeError):
    """A live run held the warehouse pool's slot for longer than this run would wait."""


def run_process(instance: dg.DagsterInstance, run_id: str) -> tuple[int, float] | None:
    """The pid of the process that runs a run (the one that reported its start) and when it did; None before that."""
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_START):
        if entry.dagster_event is not None and entry.dagster_event.pid is not None:
            return entry.dagster_event.pid, entry.timestamp
    return None


def describe_run(instance: dg.DagsterInstance, run_id: str) -> str:
    found = run_process(instance, run_id)
    return f"run {run_id} (pid {found[0] if found else 'unknown'})"


def free_dead_runs(instance: dg.DagsterInstance, log: logging.Logger) -> None:
    """Runs that are marked as running but whose process is gone are marked failed; their pool slots, and those of
    runs that ended or were deleted, are freed."""
    storage = instance.event_log_storage
    holding = storage.get_concurrency_run_ids() if storage.supports_global_concurrency_limits else set()
    active = {record.dagster_run.run_id: record.dagster_run for record in instance.get_run_records(dg.RunsFilter(statuses=ACTIVE))}
    for run_id in holding | active.keys():
        run = active.get(run_id) or instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            found = run_process(instance, run_id)
            if found is None or process_alive(*found):
                continue
            message = f"{describe_run(instance, run_id)} is marked as running, but its process is gone (killed?): marked failed"
            instance.report_run_failed(run, message)
            log.warning(message)
        if run_id in holding:
            storage.free_concurrency_slots_for_run(run_id)


def _limited(instance: dg.DagsterInstance) -> bool:
    """Whether the instance limits the pool, as Dagster's own claim decides it (the default limit of dagster.yaml
    applies to a pool first seen here)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return False
    info = storage.get_concurrency_info(POOL)
    if info.limit is None:
        return False
    if info.using_default_limit and info.slot_count != info.limit:
        storage.initialize_concurrency_limit_to_default(POOL)
    return True


def _holders(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """Other runs that hold the pool's slot, or have been given it and are about to take it."""
    info = instance.event_log_storage.get_concurrency_info(POOL)
    ids = [s.run_id for s in info.claimed_slots] + [s.run_id for s in info.pending_steps if s.assigned_timestamp is not None]
    return [describe_run(instance, other) for other in dict.fromkeys(ids) if other != run_id]


@contextmanager
def pool_slot(instance: dg.DagsterInstance, run_id: str, step_key: str, timeout_s: float, log: logging.Logger) -> Iterator[None]:
    """Hold a slot of the warehouse pool (limit 1 in dagster.yaml) for the block.

    The step takes it itself rather than through Dagster (`pool=` on the asset), because Dagster's wait for a
    slot has no end and cannot be interrupted: here a holder whose process is gone is freed, and a live one is
    waited for at most `timeout_s`, saying who it is."""
    storage = instance.event_log_storage
    if not _limited(instance):
        yield
        return
    deadline = time.monotonic() + timeout_s
    told: set[str] = set()
    try:
        while True:
            free_dead_runs(instance, log)
            if storage.claim_concurrency_slot(POOL, run_id, step_key).is_claimed:
                break
            holders = _holders(instance, run_id)
            for holder in holders:
                if holder not in told:
                    log.warning(f"waiting for the warehouse: {holder} holds the '{POOL}' pool")
            told.update(holders)
            if time.monotonic() > deadline:
                raise PoolBusy(
                    f"gave up after waiting {timeout_s:.0f} s for the warehouse: {', '.join(holders) or 'another run'} holds "
                    f"the '{POOL}' pool. If it is stuck, stop that process or free its slot in the Dagster UI "
                    "(Deployment, Concurrency); FOI_PUBLISH_WAIT_S sets how long to wait")
            time.sleep(POLL_S)
        yield
    finally:
        storage.free_concurrency_slot_for_step(run_id, step_key)
