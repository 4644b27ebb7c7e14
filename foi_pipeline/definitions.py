"""The Dagster Definitions of foi-pipeline, loaded from the `defs/` folder (DAGSTER_NOTES (b)).

Used by `dagster dev -w workspace.yaml` (`make ui`) and `dagster asset materialize -m foi_pipeline.definitions`.
"""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    """Every asset, check, job, sensor and schedule under defs/, plus the resources defs/resources.py declares.

    Runs execute in one process: the steps are small (milliseconds to seconds), so a process per step
    (the multiprocess default, ~5 s each) would dominate the run, and DuckDB wants one writer anyway.
    """
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(executor=dg.in_process_executor),
    )


def refresh_multiprocess_job() -> dg.JobDefinition:
    """The full refresh on Dagster's multiprocess executor, for `dg.reconstructable` (tests, scripts)."""
    return defs().resolve_job_def("refresh_multiprocess")
