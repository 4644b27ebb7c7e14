"""New replies picked up by themselves: a sensor on the raw folder, and a daily full refresh.

Both start RUNNING, so `make ui` (dagster dev, which runs the daemon) is all they need.
"""

import hashlib
import os
from pathlib import Path

import dagster as dg

from foi_pipeline.defs.resources import FoiSettings

refresh_job = dg.define_asset_job("refresh", selection=dg.AssetSelection.all(), description="Ingest, extract, validate and publish everything.")
# The same run with each step in a process of its own (Dagster's multiprocess executor): what a larger
# deployment uses, and the model for the Celery or Kubernetes executors (see the README).
refresh_multiprocess_job = dg.define_asset_job(
    "refresh_multiprocess", selection=dg.AssetSelection.all(), executor_def=dg.multiprocess_executor,
    description="The full refresh with Dagster's multiprocess executor (one process per step).",
)


def folder_fingerprint(raw_dir: Path) -> str:
    """Changes when a file under the folder is added, removed, renamed or rewritten (path, size, mtime)."""
    digest = hashlib.sha256()
    if raw_dir.is_dir():
        for folder, dirs, files in sorted(os.walk(raw_dir)):
            dirs[:] = sorted(d for d in dirs if d not in {".git", ".hg", ".svn"})
            for name in sorted(files):
                path = Path(folder) / name
                try:
                    stat = path.stat()
                except OSError:
                    continue
                digest.update(f"{path.relative_to(raw_dir).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(job=refresh_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a run when a reply is added to, changed in or removed from the raw folder.")
def new_replies_sensor(context: dg.SensorEvaluationContext, foi: FoiSettings) -> dg.SensorResult | dg.SkipReason:
    fingerprint = folder_fingerprint(foi.raw_path)
    if fingerprint == context.cursor:
        return dg.SkipReason(f"no change in {foi.raw_dir}")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)


daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh", job=refresh_job, cron_schedule="0 6 * * *", execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING, description="A full refresh every morning at 06:00.",
)
