"""Settings shared by the assets, read from the environment (FOI_RAW_DIR, FOI_WAREHOUSE_DIR, ...)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg
from upath import UPath

from foi_pipeline.defs.pool import free_dead_runs, run_process
from foi_pipeline.warehouse import LOCK_TIMEOUT_S, Warehouse


def _project_root() -> Path:
    """The folder holding pyproject.toml (defaults such as data/raw live there); the working directory if none."""
    here = Path(__file__).resolve()
    return next((p for p in here.parents if (p / "pyproject.toml").is_file()), Path.cwd())


PROJECT_ROOT = _project_root()


def _path_from_env(name: str, default: str) -> str:
    """An env var path is taken relative to the working directory; the default, relative to the project."""
    value = os.environ.get(name)
    return str(Path(value).resolve()) if value else str(PROJECT_ROOT / default)


def _number_from_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        number = float(value) if value else default
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None
    if number <= 0:
        raise ValueError(f"{name}={value!r} must be more than 0")
    return number


def _share_from_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        share = float(value) if value else default
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None
    if not 0 <= share <= 1:
        raise ValueError(f"{name}={value!r} must be between 0 and 1 (a share of the documents)")
    return share


def _flag_from_env(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


class FoiSettings(dg.ConfigurableResource):
    """Where replies are read from and tables written to, and the limits that apply."""

    raw_dir: str
    warehouse_dir: str
    corrections_dir: str
    max_file_mb: float = 50.0
    default_request: str | None = None
    workers: int = 1  # processes that extract new replies when there are many (FOI_WORKERS; default: every core)
    publish_wait_s: float = LOCK_TIMEOUT_S  # how long to wait for another run that is publishing (FOI_PUBLISH_WAIT_S)
    max_shrink: float = 0.5  # the largest share of the published documents a run may drop (FOI_MAX_SHRINK)
    allow_shrink: bool = False  # publish whatever is lost (FOI_ALLOW_SHRINK=1, `foi run --allow-shrink`)

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    def warehouse(self) -> Warehouse:
        """The published warehouse."""
        return Warehouse(self.warehouse_dir)

    def run_warehouse(self, context: dg.AssetExecutionContext) -> Warehouse:
        """The warehouse as this run stages into it. Its staging folder names the run's process (under the
        multiprocess executor, not the step's, which ends sooner), so no other run removes it while the run lives."""
        found = run_process(context.instance, context.run.run_id)
        return Warehouse(self.warehouse_dir, context.run.run_id, found[0] if found else None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """At the start of every run (not a sensor's tick): a warehouse folder that cannot be written is an error now,
        not after the ingest; runs killed earlier are marked failed, their pool slots and staging folders freed."""
        if context.run is None:
            return
        self.warehouse().check_writable()
        assert context.instance is not None, "a run's resources are set up with its instance"
        assert context.log is not None, "a run's resources are set up with its log"
        free_dead_runs(context.instance, context.log)
        self.warehouse().remove_abandoned()

    @property
    def cache_dir(self) -> Path:
        """Parsed and extracted replies, keyed by their bytes and the code version (see foi_pipeline.cache)."""
        return Path(self.warehouse_dir) / "cache"


def settings_from_env(raw_dir: str | None = None, warehouse_dir: str | None = None, corrections_dir: str | None = None,
                      allow_shrink: bool = False) -> FoiSettings:
    return FoiSettings(
        raw_dir=str(Path(raw_dir).resolve()) if raw_dir else _path_from_env("FOI_RAW_DIR", "data/raw"),
        warehouse_dir=str(Path(warehouse_dir).resolve()) if warehouse_dir else _path_from_env("FOI_WAREHOUSE_DIR", "data/warehouse"),
        corrections_dir=str(Path(corrections_dir).resolve()) if corrections_dir else _path_from_env("FOI_CORRECTIONS_DIR", "data/corrections"),
        max_file_mb=_number_from_env("FOI_MAX_FILE_MB", 50.0),
        default_request=os.environ.get("FOI_DEFAULT_REQUEST") or None,
        workers=int(_number_from_env("FOI_WORKERS", float(os.cpu_count() or 1))),
        publish_wait_s=_number_from_env("FOI_PUBLISH_WAIT_S", LOCK_TIMEOUT_S),
        max_shrink=_share_from_env("FOI_MAX_SHRINK", 0.5),
        allow_shrink=allow_shrink or _flag_from_env("FOI_ALLOW_SHRINK"),
    )


class HandOverIOManager(dg.UPathIOManager):
    """Dagster's default storage (each output pickled under the instance's storage folder, so re-execution and the
    multiprocess executor work as usual), except that within one process the next step gets the object itself
    instead of reading the file back: unpickling 10,000 replies' tables is about a second per step."""

    held: ClassVar[dict[tuple[str, str, str], Any]] = {}  # (run_id, step, output) -> object, for the current run only
    keep_files: bool = True  # off for an ephemeral instance (`foi run`, tests): its storage goes when the run ends

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: UPath) -> None:
        with path.open("wb") as handle:
            pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)

    def load_from_path(self, context: dg.InputContext, path: UPath) -> Any:
        with path.open("rb") as handle:
            return pickle.load(handle)

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        if self.keep_files:
            super().handle_output(context, obj)
        held = HandOverIOManager.held
        for key in [k for k in held if k[0] != context.run_id]:
            del held[key]  # an earlier run's objects
        held[(context.run_id, context.step_key, context.name)] = obj

    def load_input(self, context: dg.InputContext) -> Any:
        upstream = context.upstream_output
        key = (upstream.run_id, upstream.step_key, upstream.name) if upstream is not None else None
        if key in HandOverIOManager.held:
            return HandOverIOManager.held[key]
        return super().load_input(context)


@dg.io_manager
def hand_over_io_manager(init_context: dg.InitResourceContext) -> HandOverIOManager:
    instance = init_context.instance
    assert instance is not None, "an IO manager is built for a run, with its instance"
    manager = HandOverIOManager(base_path=UPath(instance.storage_directory()))
    manager.keep_files = not instance.is_ephemeral  # nothing could re-execute from an ephemeral run's files
    return manager


def run_resources(settings: FoiSettings | None = None) -> dict[str, Any]:
    """What a run needs: the settings (from the environment unless given) and the IO manager."""
    return {"foi": settings or settings_from_env(), "io_manager": hand_over_io_manager}


@dg.definitions
def resources() -> dg.Definitions:
    """The `foi` resource every asset, check and sensor uses, configured from the environment at load time."""
    return dg.Definitions(resources=run_resources())
