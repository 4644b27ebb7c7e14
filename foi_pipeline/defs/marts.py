"""Mart assets (comparison tables for analysts) and the evidence report. They run only after every table's
blocking contract checks pass, are staged beside the tables, and are published with them, as one generation,
by the warehouse asset."""

import dagster as dg
import pandas as pd

from foi_pipeline.contract import MARTS, TABLES
from foi_pipeline.defs.metadata import Metadata, preview, table_schema
from foi_pipeline.defs.resources import FoiSettings
from foi_pipeline.mart_checks import area_totals_not_adding_up, costs_not_adding_up, duplicate_programmes, rates_out_of_range
from foi_pipeline.marts import LINEAGE, UPSTREAM, build_coverage, build_sql_mart, connect
from foi_pipeline.metadata import TABLE_METADATA
from foi_pipeline.report import REPORT_MARTS, chart_markdown, charts, write_report
from foi_pipeline.specs import load_requests

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN


def _lineage(mart: str) -> dg.TableColumnLineage:
    return dg.TableColumnLineage(deps_by_column={
        column: [dg.TableColumnDep(asset_key=dg.AssetKey(table), column_name=source) for table, source in sources]
        for column, sources in LINEAGE[mart].items()
    })




def _mart_spec(mart: str) -> dg.AssetSpec:
    return dg.AssetSpec(mart, group_name="marts", kinds={"duckdb", "parquet"}, code_version="2", deps=UPSTREAM[mart],
                        description=TABLE_METADATA[mart].description, metadata={"dagster/column_schema": table_schema(mart)})


def _check(mart: str, name: str, description: str, blocking: bool, extra: tuple[str, ...] = ()) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name, asset=mart, blocking=blocking, description=description, additional_deps=list(extra))


# What analysts rely on in the marts. A mart that disagrees with itself is not published (blocking, ERROR); a rate
# outside 0-1 comes from figures already in review_queue (accepted above referred), so it warns.
MART_CHECKS = {
    "programme_funnel_one_row_per_programme": (
        _check("programme_funnel", "programme_funnel_one_row_per_programme", "one row per reply, programme and population", True),
        lambda m: duplicate_programmes(m["programme_funnel"]), ERROR),
    "programme_funnel_rates_between_0_and_1": (
        _check("programme_funnel", "programme_funnel_rates_between_0_and_1", "every acceptance and completion rate is between 0 and 1", False),
        lambda m: rates_out_of_range(m["programme_funnel"]), WARN),
    "programme_costs_totals_equal_their_parts": (
        _check("programme_costs", "programme_costs_totals_equal_their_parts",
               "referred, accepted and completed are the two routes added up, one row per programme_funnel row", True),
        lambda m: costs_not_adding_up(m["programme_funnel"], m["programme_costs"]), ERROR),
    "area_summary_totals_equal_their_parts": (
        _check("area_summary", "area_summary_totals_equal_their_parts",
               "total_referred and total_completed are the sums of the area's programme_funnel figures", True,
               extra=("programme_funnel",)),
        lambda m: area_totals_not_adding_up(m["programme_funnel"], m["area_summary"]), ERROR),
}


def _check_result(name: str, built: dict[str, pd.DataFrame]) -> dg.AssetCheckResult:
    spec, failing_rows, severity = MART_CHECKS[name]
    failing = failing_rows(built)
    return dg.AssetCheckResult(asset_key=spec.asset_key, check_name=name, passed=failing.empty, severity=severity,
                               metadata={"failing_rows": len(failing), "sample": dg.MetadataValue.md(preview(failing, 20))})


@dg.multi_asset(name="marts", specs=[_mart_spec(m) for m in MARTS], check_specs=[c[0] for c in MART_CHECKS.values()])
def marts(context: dg.AssetExecutionContext, foi: FoiSettings):
    """The comparison tables, built with DuckDB over this run's staged Parquet files, in one step, and their checks."""
    store = foi.run_warehouse(context)
    built: dict[str, pd.DataFrame] = {}
    for mart in MARTS:  # in dependency order: a mart may read one staged before it
        if mart == "coverage":
            df = build_coverage(store.read_current("documents"), store.read_current("answers"), load_requests())
        else:
            con = connect({t: store.current_path(t) for t in UPSTREAM[mart]})
            try:
                df = build_sql_mart(con, mart)
            finally:
                con.close()
        store.stage(mart, df)
        metadata: Metadata = {"dagster/row_count": len(df), "dagster/column_schema": table_schema(mart),
                    "preview": dg.MetadataValue.md(df.head(10).to_markdown(index=False) if len(df) else "_no rows_"),
                    "dagster/column_lineage": _lineage(mart)}
        built[mart] = df
        yield dg.MaterializeResult(asset_key=mart, metadata=metadata)
    for name in MART_CHECKS:
        yield _check_result(name, built)


mart_assets = [marts]


@dg.asset(group_name="report", kinds={"html"}, code_version="4", deps=[*TABLES, *REPORT_MARTS])
def evidence_report(context: dg.AssetExecutionContext, foi: FoiSettings) -> dg.MaterializeResult:
    """A static HTML report: national charts, and a page per reply with each extracted value highlighted. Built from
    this run's staged tables and published with them in one generation, so it always describes the published warehouse."""
    store = foi.run_warehouse(context)
    folder = store.stage_report()
    chart_list = charts(store.read_current("programme_funnel"), store.read_current("area_summary"), drawn=folder / "charts")
    written = write_report(folder, {t: store.current_path(t) for t in (*TABLES, *REPORT_MARTS)}, chart_list)
    context.log.info(f"report: {written.rendered} of {written.pages} reply pages rendered, {written.removed} removed")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(store.report_dir / "index.html")),
        "reply_pages": written.pages, "rendered": written.rendered, "removed": written.removed,
        **{f"chart/{i + 1}": dg.MetadataValue.md(f"**{c.title}**\n\n{chart_markdown(c)}") for i, c in enumerate(chart_list)},
    })
