"""The Dagster Definitions load, and every asset carries what the UI and re-runs rely on."""

import itertools
import os

import dagster as dg
import pytest

from foi_pipeline.contract import MARTS, TABLES
from foi_pipeline.definitions import defs as lazy_defs
from foi_pipeline.extract import EXTRACTOR_VERSION


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return lazy_defs()


def _assets(defs: dg.Definitions) -> dict[str, dg.AssetsDefinition]:
    return {key.to_user_string(): asset for asset in defs.assets for key in asset.keys}


def test_definitions_are_loadable(defs):
    dg.Definitions.validate_loadable(defs)
    assert "foi" in defs.resources
    assert defs.executor is dg.in_process_executor


def test_the_graph_has_every_contract_table_between_ingest_and_the_warehouse(defs):
    assets = _assets(defs)
    assert {"raw_documents", "extraction", "warehouse", *TABLES} <= set(assets)
    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey("warehouse")).parent_keys
    assert {dg.AssetKey(t) for t in TABLES} | {dg.AssetKey("evidence_report")} <= upstream  # the report is published with the tables
    assert dg.AssetKey("raw_documents") in graph.get(dg.AssetKey("extraction")).parent_keys
    groups = {key: asset.group_names_by_key[dg.AssetKey(key)] for key, asset in assets.items()}
    assert groups["raw_documents"] == "ingest" and groups["extraction"] == "extract" and groups["warehouse"] == "publish"
    assert all(groups[t] == "tables" for t in TABLES) and all(groups[m] == "marts" for m in MARTS)
    assert groups["evidence_report"] == "report"


def test_the_groups_flow_one_way_so_the_first_view_shows_the_flow(defs):
    """Between groups every edge goes forward in ingest -> extract -> tables -> marts -> report -> publish: the UI's
    collapsed view of the groups is that chain, with no edge back."""
    order = ["ingest", "extract", "tables", "marts", "report", "publish"]
    graph = defs.resolve_asset_graph()
    group = {key: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert set(group.values()) == set(order)
    edges = {(group[parent], group[key]) for key in group for parent in graph.get(key).parent_keys if group[parent] != group[key]}
    assert all(order.index(a) < order.index(b) for a, b in edges), edges
    assert {(a, b) for a, b in itertools.pairwise(order)} <= edges  # each group feeds the next


def test_every_asset_has_a_description_kinds_and_a_code_version(defs):
    for key, asset in _assets(defs).items():
        spec = next(s for s in asset.specs if s.key.to_user_string() == key)
        assert spec.description, key
        assert spec.kinds, key
        assert spec.code_version, key
    assert _assets(defs)["extraction"].code_versions_by_key[dg.AssetKey("extraction")] == EXTRACTOR_VERSION


def test_table_assets_declare_the_contract_schema(defs):
    assets = _assets(defs)
    for table, columns in TABLES.items():
        schema = assets[table].specs_by_key[dg.AssetKey(table)].metadata["dagster/column_schema"]
        assert [(c.name, c.type) for c in schema.columns] == columns
    # The warehouse step takes the `warehouse` pool's slot itself, with a wait that ends (defs/pool.py, tests/test_pool.py):
    # Dagster's wait for a slot declared with pool= has none.
    assert assets["warehouse"].op.pool is None


def test_settings_resolve_defaults_against_the_project_and_env_paths_against_the_cwd(monkeypatch, tmp_path):
    from foi_pipeline.defs.resources import PROJECT_ROOT, settings_from_env

    for name in ("FOI_RAW_DIR", "FOI_WAREHOUSE_DIR", "FOI_MAX_FILE_MB", "FOI_DEFAULT_REQUEST", "FOI_MAX_SHRINK", "FOI_ALLOW_SHRINK",
                 "FOI_PUBLISH_WAIT_S"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert (PROJECT_ROOT / "pyproject.toml").is_file()
    default = settings_from_env()
    assert (default.raw_dir, default.warehouse_dir) == (str(PROJECT_ROOT / "data/raw"), str(PROJECT_ROOT / "data/warehouse"))
    assert default.max_bytes == 50 * 1024 * 1024 and default.default_request is None
    assert default.workers == (os.cpu_count() or 1)
    monkeypatch.setenv("FOI_RAW_DIR", "replies")
    monkeypatch.setenv("FOI_MAX_FILE_MB", "0.5")
    monkeypatch.setenv("FOI_DEFAULT_REQUEST", "dapp-2022-23-females")
    monkeypatch.setenv("FOI_WORKERS", "1")
    chosen = settings_from_env()
    assert chosen.workers == 1
    assert chosen.raw_dir == str(tmp_path / "replies") and chosen.max_bytes == 512 * 1024
    assert chosen.default_request == "dapp-2022-23-females"
    assert settings_from_env(raw_dir="elsewhere").raw_dir == str(tmp_path / "elsewhere")  # --raw beats the variable
    assert (default.max_shrink, default.allow_shrink, default.publish_wait_s) == (0.5, False, 600)
    monkeypatch.setenv("FOI_MAX_SHRINK", "0.2")
    monkeypatch.setenv("FOI_ALLOW_SHRINK", "1")
    monkeypatch.setenv("FOI_PUBLISH_WAIT_S", "30")
    assert (settings_from_env().max_shrink, settings_from_env().allow_shrink, settings_from_env().publish_wait_s) == (0.2, True, 30)
    monkeypatch.delenv("FOI_ALLOW_SHRINK")
    assert settings_from_env(allow_shrink=True).allow_shrink  # --allow-shrink
    monkeypatch.setenv("FOI_MAX_SHRINK", "50%")
    with pytest.raises(ValueError, match="FOI_MAX_SHRINK='50%' is not a number"):
        settings_from_env()
    monkeypatch.setenv("FOI_MAX_SHRINK", "2")
    with pytest.raises(ValueError, match="between 0 and 1"):
        settings_from_env()
    monkeypatch.delenv("FOI_MAX_SHRINK")
    monkeypatch.setenv("FOI_MAX_FILE_MB", "fifty")
    with pytest.raises(ValueError, match="FOI_MAX_FILE_MB='fifty' is not a number"):
        settings_from_env()


def test_the_io_manager_hands_objects_over_in_process_and_keeps_files_for_later_runs():
    from foi_pipeline.defs.resources import HandOverIOManager, hand_over_io_manager

    received = []

    @dg.asset
    def upstream() -> dict:
        return {"rows": [1, 2, 3]}

    @dg.asset
    def downstream(upstream: dict) -> int:
        received.append(upstream)
        return len(upstream["rows"])

    with dg.instance_for_test() as instance:
        result = dg.materialize([upstream, downstream], instance=instance, resources={"io_manager": hand_over_io_manager})
        assert result.success and received[0] is HandOverIOManager.held[(result.run_id, "upstream", "result")]
        HandOverIOManager.held.clear()  # as in a later run, or another process
        again = dg.materialize([upstream, downstream], instance=instance, selection=["downstream"],
                               resources={"io_manager": hand_over_io_manager})
        assert again.success and received[1] == {"rows": [1, 2, 3]} and received[1] is not received[0]  # read from its file


def test_an_ephemeral_run_writes_no_output_files(monkeypatch):
    from foi_pipeline.defs.resources import HandOverIOManager, hand_over_io_manager

    written = []
    monkeypatch.setattr(HandOverIOManager, "dump_to_path", lambda self, context, obj, path: written.append(path))

    @dg.asset
    def upstream() -> dict:
        return {"rows": [1, 2, 3]}

    @dg.asset
    def downstream(upstream: dict) -> int:
        return len(upstream["rows"])

    result = dg.materialize([upstream, downstream], resources={"io_manager": hand_over_io_manager})  # `foi run`, the bench
    assert result.success and result.output_for_node("downstream") == 3 and written == []
    with dg.instance_for_test() as instance:  # `dagster dev`: files kept for re-execution
        assert dg.materialize([upstream, downstream], instance=instance, resources={"io_manager": hand_over_io_manager}).success
    assert len(written) == 2


def test_foi_ui_runs_dg_dev_with_signals_that_stop_it(monkeypatch):
    """`make ui` is `foi ui`: `dg dev` (no superseded command), with SIGINT and SIGTERM at their defaults even when the
    shell that started it in the background had SIGINT ignored (Dagster then ignores SIGTERM too)."""
    import signal

    from foi_pipeline import cli
    from foi_pipeline.defs.resources import PROJECT_ROOT

    calls = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append((path, argv, os.getcwd())))
    monkeypatch.setattr(os, "chdir", lambda path: calls.append(("chdir", str(path))))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        assert cli.main(["ui", "--port", "3999"]) == 0
        assert signal.getsignal(signal.SIGINT) == signal.SIG_DFL and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    [chdir, (path, argv, _)] = calls
    assert chdir == ("chdir", str(PROJECT_ROOT)) and path.endswith("/dg") and argv[1:] == ["dev", "--port", "3999"]
    assert os.environ["DAGSTER_HOME"] == str(PROJECT_ROOT / "data" / "dagster_home")
    assert "foi ui" in (PROJECT_ROOT / "Makefile").read_text()
