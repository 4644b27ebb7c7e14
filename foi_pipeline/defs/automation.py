"""New replies picked up by themselves: a sensor on the raw folder, and a daily full refresh.

Both start RUNNING, so `make ui` (dagster dev, which runs the daemon) is all they need.
"""

from pathlib import Path

import dagster as dg

from foi_pipeline.defs.resources import FoiSettings
from foi_pipeline.freshness import folder_fingerprint, published_fingerprint

refresh_job = dg.define_asset_job("refresh", selection=dg.AssetSelection.all(), description="Ingest, extract, validate and publish everything.")
# The same run with each step in a process of its own (Dagster's multiprocess executor): what a larger
# deployment uses, and the model for the Celery or Kubernetes executors (see the README).
refresh_multiprocess_job = dg.define_asset_job(
    "refresh_multiprocess", selection=dg.AssetSelection.all(), executor_def=dg.multiprocess_executor,
    description="The full refresh with Dagster's multiprocess executor (one process per step).",
)


@dg.sensor(job=refresh_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a run when a reply is added to, changed in or removed from the raw folder.")
def new_replies_sensor(context: dg.SensorEvaluationContext, foi: FoiSettings) -> dg.SensorResult | dg.SkipReason:
    """Compares the folder with what the published warehouse was built from. The run key names both states, so a
    folder back in a state it had before, but not the warehouse's, is a new request (Dagster skips a used key)."""
    fingerprint = folder_fingerprint(foi.raw_path)
    published = published_fingerprint(Path(foi.warehouse_dir), foi.raw_dir)
    if fingerprint == published:
        return dg.SkipReason(f"the warehouse is up to date with {foi.raw_dir}")
    key = f"{fingerprint}:{published or 'unpublished'}"
    if key == context.cursor:
        return dg.SkipReason(f"a run was already requested for this state of {foi.raw_dir}")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=key)], cursor=key)


daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh", job=refresh_job, cron_schedule="0 6 * * *", execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING, description="A full refresh every morning at 06:00.",
)
