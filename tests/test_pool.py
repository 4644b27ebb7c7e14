"""The warehouse pool's slot: runs whose process is gone are marked failed and their slots freed; a live holder is
waited for, named, and given up on after the limit."""

import logging
import os
import subprocess
import uuid

import dagster as dg
import pytest

from foi_pipeline.defs.pool import POOL, PoolBusy, free_dead_runs, pool_slot

LOG = logging.getLogger("test_pool")


@pytest.fixture
def instance():
    with dg.instance_for_test(overrides={"concurrency": {"pools": {"default_limit": 1}}}) as instance:
        yield instance


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _started_run(instance: dg.DagsterInstance, pid: int) -> str:
    """A run as the instance records it once its process (pid) has started it."""
    run = dg.DagsterRun(job_name="refresh", run_id=str(uuid.uuid4()))
    instance.add_run(run)
    instance.report_dagster_event(dg.DagsterEvent(event_type_value=dg.DagsterEventType.RUN_START.value, job_name="refresh", pid=pid),
                                  run_id=run.run_id)
    return run.run_id


def _claim(instance: dg.DagsterInstance, run_id: str) -> None:
    """A run's warehouse step asks for the slot, as Dagster's executor does."""
    instance.event_log_storage.initialize_concurrency_limit_to_default(POOL)
    instance.event_log_storage.claim_concurrency_slot(POOL, run_id, "warehouse")


def _status(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRunStatus:
    return instance.get_run_by_id(run_id).status


def test_a_slot_held_by_a_run_whose_process_is_gone_is_freed_and_the_run_marked_failed(instance, caplog):
    killed = _started_run(instance, _dead_pid())
    _claim(instance, killed)  # and killed while publishing, so never given back
    assert [s.run_id for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots] == [killed]
    later = _started_run(instance, os.getpid())
    with caplog.at_level(logging.WARNING), pool_slot(instance, later, "warehouse", 5, LOG):
        assert [s.run_id for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots] == [later]
    assert instance.event_log_storage.get_concurrency_info(POOL).claimed_slots == []  # freed when the block ends
    assert _status(instance, killed) == dg.DagsterRunStatus.FAILURE
    assert f"run {killed}" in caplog.text and "process is gone" in caplog.text


def test_a_live_holder_is_waited_for_then_named_in_a_clear_error(instance, caplog):
    holder = _started_run(instance, os.getpid())
    waiting = _started_run(instance, os.getpid())
    with pool_slot(instance, holder, "warehouse", 5, LOG):
        with caplog.at_level(logging.WARNING), pytest.raises(PoolBusy) as busy, pool_slot(instance, waiting, "warehouse", 1.5, LOG):
            pytest.fail("the slot is held")
        assert f"run {holder} (pid {os.getpid()})" in str(busy.value) and "FOI_PUBLISH_WAIT_S" in str(busy.value)
        assert f"waiting for the warehouse: run {holder} (pid {os.getpid()}) holds the 'warehouse' pool" in caplog.text
        assert _status(instance, holder) == dg.DagsterRunStatus.STARTED
        pending = instance.event_log_storage.get_concurrency_info(POOL).pending_steps
        assert [p.run_id for p in pending] == [holder]  # the run that gave up left no claim behind
    with pool_slot(instance, waiting, "warehouse", 1.5, LOG):
        pass


def test_a_run_killed_while_waiting_for_the_slot_does_not_take_it_for_ever(instance):
    holder = _started_run(instance, os.getpid())
    killed_waiting = _started_run(instance, _dead_pid())
    with pool_slot(instance, holder, "warehouse", 5, LOG):
        # Queued behind the holder; when the holder ends, Dagster hands it the slot it will never take.
        _claim(instance, killed_waiting)
    later = _started_run(instance, os.getpid())
    with pool_slot(instance, later, "warehouse", 5, LOG):
        assert [s.run_id for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots] == [later]


def test_runs_left_started_by_a_dead_process_are_marked_failed_and_live_ones_left(instance):
    dead, live = _started_run(instance, _dead_pid()), _started_run(instance, os.getpid())
    free_dead_runs(instance, LOG)
    assert _status(instance, dead) == dg.DagsterRunStatus.FAILURE
    assert _status(instance, live) == dg.DagsterRunStatus.STARTED
