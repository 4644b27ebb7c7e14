"""The `foi` command: run the pipeline, and check its output against a hand-checked sample."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg
    from dagster_shared.error import SerializableErrorInfo

    from foi_pipeline.warehouse import Warehouse


def _run(args: argparse.Namespace) -> int:
    import dagster as dg
    import duckdb

    from foi_pipeline.corrections import corrections_problem
    from foi_pipeline.defs.assets import all_assets
    from foi_pipeline.defs.resources import run_resources, settings_from_env
    from foi_pipeline.warehouse import WarehouseNotWritable, fetch_value

    try:
        settings = settings_from_env(args.raw, args.warehouse, allow_shrink=args.allow_shrink)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if problem := _folder_problem(Path(settings.raw_dir), "raw folder", "set FOI_RAW_DIR or pass --raw"):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if problem := corrections_problem(Path(settings.corrections_dir)):
        print(f"error: {problem}; nothing was run, the previous warehouse is unchanged", file=sys.stderr)
        return 2
    store = settings.warehouse()
    try:
        store.check_writable()
    except WarehouseNotWritable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"foi: reading replies from {settings.raw_dir}", flush=True)
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        all_assets,
        resources=run_resources(settings),
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
    )
    if not result.success:
        _print_failure(result, store)
        return 1
    con = duckdb.connect(str(store.database), read_only=True)
    try:
        statuses = con.execute("SELECT parse_status, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        counts = {t: fetch_value(con, f'SELECT count(*) FROM "{t}"') for t in ("programmes", "funnel_counts", "review_queue")}
    finally:
        con.close()
    print("\nfoi: done, the new warehouse is published")
    print("  documents:     " + ", ".join(f"{n} {status}" for status, n in statuses) if statuses else "  documents:     none")
    print(f"  programmes:    {counts['programmes']}")
    print(f"  funnel rows:   {counts['funnel_counts']}")
    print(f"  review items:  {counts['review_queue']}")
    print(f"  DuckDB:        {store.database}")
    print(f"  Parquet:       {store.parquet_dir}/")
    print(f"  Report:        {store.report_dir / 'index.html'}")
    return 0


def _folder_problem(path: Path, what: str, hint: str) -> str | None:
    """Why a path given as a folder is not one: missing, or a file (pass the folder that holds it)."""
    if path.is_dir():
        return None
    if path.exists():
        return f"{what} {path} is a file, not a folder: pass the folder that holds the replies ({hint})"
    return f"{what} {path} does not exist ({hint})"


def _severities(given: str | None) -> list[str] | None:
    """The severities asked for, each one of SEVERITIES; a ValueError names the valid ones."""
    from foi_pipeline.contract import SEVERITIES

    if not given:
        return None
    asked = [s.strip().lower() for s in given.split(",") if s.strip()]
    unknown = [s for s in asked if s not in SEVERITIES]
    if unknown or not asked:
        raise ValueError(f"unknown severity {', '.join(repr(s) for s in unknown) or repr(given)}: "
                         f"use one or more of {', '.join(SEVERITIES)}, separated by commas")
    return asked


def _rows(check: dg.AssetCheckEvaluation) -> int:
    value = check.metadata.get("failing_rows")
    rows = value.value if value is not None else 0
    return int(rows) if isinstance(rows, (int, float)) else 0


def _print_failure(result: dg.ExecuteInProcessResult, store: Warehouse) -> None:
    """Why the run failed, and what is published: nothing, since the warehouse step, the last, publishes all or nothing."""
    import dagster as dg

    from foi_pipeline.wording import plural

    events = result.all_events
    failed = [e.step_key or "start" for e in events if e.event_type_value == "STEP_FAILURE"]
    for event in events:
        error = getattr(event.event_specific_data, "error", None)
        if event.event_type_value in ("STEP_FAILURE", "RESOURCE_INIT_FAILURE") and error:
            print(f"  {event.step_key or 'start'}: {_reason(error)}", file=sys.stderr)
    for check in result.get_asset_check_evaluations():
        if not check.passed and check.severity == dg.AssetCheckSeverity.ERROR:
            print(f"  check {check.check_name} failed: {plural(_rows(check), 'row')}", file=sys.stderr)
    where = f"at step(s) {', '.join(failed)}" if failed else "before its first step"
    published = store.published_at()
    kept = (f"the previous warehouse (published {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(published))}) is kept"
            if published else "there is no earlier warehouse")
    print(f"error: the run failed {where}; nothing was published, {kept}", file=sys.stderr)


def _reason(error: SerializableErrorInfo) -> str:
    """The exception our code raised, under the errors Dagster wraps it in, without its module path."""
    while error.cause is not None:
        error = error.cause
    head, _, rest = error.message.strip().partition(": ")
    return rest if head.endswith(error.cls_name or "?") else error.message.strip()


def _evaluate(args: argparse.Namespace) -> int:
    from foi_pipeline.defs.resources import settings_from_env

    try:
        from foi_pipeline.evaluate import evaluate_cli
    except ModuleNotFoundError as err:
        if err.name != "foi_pipeline.evaluate":
            raise
        print("evaluate is not available yet", file=sys.stderr)
        return 2
    settings = settings_from_env(args.raw, args.warehouse)
    if args.raw and (problem := _folder_problem(Path(args.raw), "raw folder", "--raw names the folder the gold files live in")):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    return evaluate_cli(Path(args.gold), Path(settings.warehouse_dir), Path(args.raw) if args.raw else None)


def _review(args: argparse.Namespace) -> int:
    from foi_pipeline.defs.resources import settings_from_env
    from foi_pipeline.review import corrections_rows, format_items, review_items, write_corrections_csv
    from foi_pipeline.wording import plural

    try:
        severities = _severities(args.severity)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    store = settings_from_env(None, args.warehouse).warehouse()
    try:
        tables = {t: store.read(t) for t in ("review_queue", "documents", "programmes", "funnel_counts", "budgets", "document_text")}
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    items = review_items(tables["review_queue"], tables["documents"], tables["programmes"], tables["document_text"])
    if severities:
        items = items[items["severity"].isin(severities)]
    if args.csv:
        rows = corrections_rows(items, tables)
        write_corrections_csv(Path(args.csv), rows)
        print(f"wrote {plural(len(rows), 'correction line')} to {args.csv}: edit 'value', add 'author', drop it into data/corrections/")
        return 0
    if items.empty and severities and not tables["review_queue"].empty:
        print(f"Nothing to review at severity {', '.join(severities)} ({plural(len(tables['review_queue']), 'item')} at others).")
        return 0
    print(format_items(items))
    return 0


def _export(args: argparse.Namespace) -> int:
    from foi_pipeline.defs.resources import settings_from_env
    from foi_pipeline.exports import export
    from foi_pipeline.wording import plural

    store = settings_from_env(None, args.warehouse).warehouse()
    out = Path(args.out or store.root / "exports" / args.format)
    try:
        written = export(store, args.format, out)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {plural(len(written), 'file')} to {out}")
    return 0


def _query(args: argparse.Namespace) -> int:
    import duckdb

    from foi_pipeline.defs.resources import settings_from_env
    from foi_pipeline.query import WriteRefused, format_table, run_query

    store = settings_from_env(None, args.warehouse).warehouse()
    try:
        df = run_query(store.database, args.sql)
    except (WriteRefused, FileNotFoundError, ValueError, duckdb.Error) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.csv:
        df.to_csv(sys.stdout, index=False)
    else:
        print(format_table(df))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from foi_pipeline.bench.run import report, run_bench

    result = run_bench(args.n, Path(args.workdir) if args.workdir else None)
    print(report(result))
    return 0


def _ui(args: argparse.Namespace) -> int:
    """`dg dev` (the command Dagster recommends), with Ctrl-C and SIGTERM stopping it cleanly wherever it was started.

    A job started in the background by a shell inherits SIGINT as ignored, and Dagster's dev command then ignores
    SIGTERM too (it gives SIGTERM SIGINT's handler): such a UI could only be killed, leaving its processes behind.
    Both go back to their defaults before `dg` replaces this process, so either stops it the way Ctrl-C does."""
    import shutil
    import signal

    from foi_pipeline.defs.resources import PROJECT_ROOT

    dg = shutil.which("dg")
    if dg is None:
        print("error: the `dg` command is not installed (uv sync installs it with dagster-dg-cli)", file=sys.stderr)
        return 2
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / "data" / "dagster_home"))
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    os.chdir(PROJECT_ROOT)  # dg finds the project from pyproject.toml's [tool.dg]
    os.execv(dg, [dg, "dev", "--port", str(args.port), *(["--host", args.host] if args.host else [])])
    return 0  # not reached: exec replaces the process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="foi", description="Turn a folder of FOI replies into validated tables.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="materialise every asset: ingest, extract, and write DuckDB + Parquet")
    run.add_argument("--raw", help="folder of replies (default: $FOI_RAW_DIR or data/raw)")
    run.add_argument("--warehouse", help="output folder (default: $FOI_WAREHOUSE_DIR or data/warehouse)")
    run.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="Dagster log level (default WARNING)")
    run.add_argument("--allow-shrink", action="store_true",
                     help="publish even if the run loses more of the published documents than FOI_MAX_SHRINK allows (or every one)")
    run.set_defaults(func=_run)

    evaluate = commands.add_parser("evaluate", help="score the warehouse against a gold file (see GOLD_FORMAT)")
    evaluate.add_argument("--gold", required=True, help="gold JSON file")
    evaluate.add_argument("--raw", help="raw folder the gold files live in (default: every document)")
    evaluate.add_argument("--warehouse", help="warehouse folder (default: $FOI_WAREHOUSE_DIR or data/warehouse)")
    evaluate.set_defaults(func=_evaluate)

    review = commands.add_parser("review", help="list what needs a person's look, most important first")
    review.add_argument("--csv", help="write the items as a corrections-ready CSV instead")
    review.add_argument("--severity", help="only these severities: error, warning, info (e.g. error,warning)")
    review.add_argument("--warehouse", help="warehouse folder (default: $FOI_WAREHOUSE_DIR or data/warehouse)")
    review.set_defaults(func=_review)

    export = commands.add_parser("export", help="write the tables and marts as CSV, XLSX or Parquet")
    export.add_argument("--format", required=True, choices=["csv", "xlsx", "parquet"])
    export.add_argument("--out", help="output folder (default: <warehouse>/exports/<format>)")
    export.add_argument("--warehouse", help="warehouse folder (default: $FOI_WAREHOUSE_DIR or data/warehouse)")
    export.set_defaults(func=_export)

    query = commands.add_parser("query", help="run read-only SQL against foi.duckdb and print a table")
    query.add_argument("sql", help='e.g. "SELECT area, programme, agency_completion_rate FROM programme_funnel"')
    query.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    query.add_argument("--warehouse", help="warehouse folder (default: $FOI_WAREHOUSE_DIR or data/warehouse)")
    query.set_defaults(func=_query)

    bench = commands.add_parser("bench", help="generate N synthetic replies, run the pipeline, report speed, memory, accuracy")
    bench.add_argument("--n", type=int, default=1000, help="number of replies (default 1000)")
    bench.add_argument("--workdir", help="where to put the replies and the warehouse (default: a temporary folder)")
    bench.set_defaults(func=_bench)

    ui = commands.add_parser("ui", help="serve the Dagster UI (dg dev); Ctrl-C or SIGTERM stops it cleanly")
    ui.add_argument("--port", type=int, default=3000, help="port (default 3000)")
    ui.add_argument("--host", help="host to listen on (default 127.0.0.1)")
    ui.set_defaults(func=_ui)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
