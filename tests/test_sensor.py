"""The raw-folder sensor compares the folder with what the published warehouse was built from."""

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd

from foi_pipeline.defs.assets import all_assets
from foi_pipeline.defs.automation import new_replies_sensor
from foi_pipeline.defs.resources import settings_from_env
from foi_pipeline.freshness import folder_fingerprint, published_fingerprint, record_published

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
WEST_MIDLANDS, NORFOLK = "000_27f258596c947b63.txt", "004_8541212a171f8844.txt"


def _tick(instance: dg.DagsterInstance, settings, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    return new_replies_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources={"foi": settings}))


def test_a_folder_back_in_an_earlier_state_is_still_run_when_the_warehouse_differs(tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    shutil.copy(SEEDS / WEST_MIDLANDS, raw / WEST_MIDLANDS)
    settings = settings_from_env(str(raw), str(warehouse), str(tmp_path / "corrections"))
    first_state = folder_fingerprint(raw)
    used_keys: list[str] = []
    cursor = None

    with dg.instance_for_test() as instance:
        def requested() -> None:
            """The sensor asks for a run under a key never used before; the run is made, as the daemon would."""
            nonlocal cursor
            result = _tick(instance, settings, cursor)
            assert isinstance(result, dg.SensorResult), result
            [request] = result.run_requests
            assert request.run_key not in used_keys
            used_keys.append(request.run_key)
            cursor = result.cursor
            assert isinstance(_tick(instance, settings, cursor), dg.SkipReason)  # asked once, while the run is to come
            assert dg.materialize(all_assets, resources={"foi": settings}).success
            skipped = _tick(instance, settings, cursor)
            assert isinstance(skipped, dg.SkipReason) and "up to date" in skipped.skip_message

        requested()  # nothing published yet
        shutil.copy(SEEDS / NORFOLK, raw / NORFOLK)  # a file added,
        requested()
        with (raw / NORFOLK).open("a") as handle:  # changed,
            handle.write("\nA line added later.\n")
        requested()
        (raw / NORFOLK).unlink()  # and removed: the folder is as it was for the first run
        assert folder_fingerprint(raw) == first_state
        requested()

    documents = pd.read_parquet(warehouse / "parquet" / "documents.parquet")
    assert documents["source_path"].tolist() == [WEST_MIDLANDS]  # the removed reply is gone from the warehouse
    assert published_fingerprint(warehouse, settings.raw_dir) == first_state


def test_a_warehouse_built_from_another_folder_or_with_no_record_is_not_up_to_date(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "reply.txt").write_text("1. Safe Steps")
    settings = settings_from_env(str(raw), str(tmp_path / "warehouse"), str(tmp_path / "corrections"))
    with dg.instance_for_test() as instance:
        assert isinstance(_tick(instance, settings, None), dg.SensorResult)  # no record
        record_published(tmp_path / "warehouse", str(tmp_path / "elsewhere"), folder_fingerprint(raw))
        assert isinstance(_tick(instance, settings, None), dg.SensorResult)  # another folder's record
        record_published(tmp_path / "warehouse", settings.raw_dir, folder_fingerprint(raw))
        assert isinstance(_tick(instance, settings, None), dg.SkipReason)
        record_published(tmp_path / "warehouse", settings.raw_dir, None)  # a run that could not tell what it read
        assert isinstance(_tick(instance, settings, None), dg.SensorResult)
