"""The Dagster Definitions of foi-pipeline: `dagster dev -w workspace.yaml` and `dagster asset materialize -m foi_pipeline.definitions`."""

import dagster as dg

from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.automation import daily_refresh, new_replies_sensor, refresh_job
from foi_pipeline.defs.checks import all_checks
from foi_pipeline.defs.resources import settings_from_env

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=all_checks,
    jobs=[refresh_job],
    sensors=[new_replies_sensor],
    schedules=[daily_refresh],
    resources={"foi": settings_from_env()},
)
