"""The Prefect flow of one period: ingest -> validate -> transform -> publish -> report.

Thin on purpose: each task opens the warehouse, calls a plain step from flows/steps.py inside
its OpenLineage START/COMPLETE|FAIL events (flows/lineage_events.py) and closes the warehouse
again (DuckDB allows one writer; tasks run one after another).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.runtime import flow_run

from flows import console
from flows.lineage_events import LineageConfig, lineage_config, step_events
from flows.steps import Outcome, build_step, ingest_step, publish_step, validate_step
from transforms.reference import ReferenceTableError
from transforms.runs import close_interrupted_runs, finish_run, start_run
from transforms.warehouse import WarehouseLock, connect


def _events(step: str, con, run_id: str, lineage: LineageConfig, warehouse: Path, period: str, inbox=None):
    return step_events(step, run_id, config=lineage, con=con, warehouse=warehouse, period=period,
                       flow_run_id=str(flow_run.get_id() or "") or None, inbox=inbox)


@task(name="ingest", retries=2, retry_delay_seconds=5,
      retry_condition_fn=lambda task, task_run, state: isinstance(state.result(raise_on_failure=False), OSError))
def ingest(warehouse: Path, inbox: Path, reference: Path, run_id: str, period: str,
           lineage: LineageConfig, withdraw_many: bool = False) -> tuple[list, dict]:
    con = connect(warehouse)
    try:
        with _events("ingest", con, run_id, lineage, warehouse, period, inbox):
            return ingest_step(con, inbox, reference, run_id, progress=get_run_logger().info,
                               withdraw_many=withdraw_many)
    finally:
        con.close()


@task(name="validate")
def validate(warehouse: Path, reports: list, as_of: date, run_id: str, period: str,
             lineage: LineageConfig) -> Outcome:
    con = connect(warehouse)
    try:
        with _events("validate", con, run_id, lineage, warehouse, period) as events:
            outcome = validate_step(con, reports, as_of, run_id, period=period, progress=get_run_logger().info)
            if outcome.blocked:
                events.fail("; ".join(outcome.blocking)[:1000])
            return outcome
    finally:
        con.close()


@task(name="transform")
def transform(warehouse: Path, period: str, run_id: str, lineage: LineageConfig) -> list[str]:
    con = connect(warehouse)
    try:
        with _events("transform", con, run_id, lineage, warehouse, period) as events:
            events.built = build_step(con, run_id, period)
            return events.built
    finally:
        con.close()


@task(name="publish")
def publish(warehouse: Path, period: str, run_id: str, built: list[str], lineage: LineageConfig) -> dict:
    con = connect(warehouse)
    try:
        with _events("publish", con, run_id, lineage, warehouse, period) as events:
            result = publish_step(con, period, run_id, built)
            if result["blocking"]:
                events.fail("; ".join(result["blocking"])[:1000])
            return result
    finally:
        con.close()


@task(name="report")
def report(warehouse: Path, period: str, out: Path, include_internal: bool, run_id: str | None = None,
           internal_root: Path | None = None, timezone: str = "Asia/Jakarta") -> str:
    """Render the period's pages. With run_id, the run is recorded 'success' in a transaction that
    commits only once the pages are written: the Metodologi page shows the run's end and status,
    and a report that fails or is killed never leaves the run recorded 'success'."""
    from reports.render import render_period

    if run_id is None:
        con = connect(warehouse, read_only=True)
        try:
            return str(render_period(con, period, out, include_internal=include_internal,
                                     internal_root=internal_root, timezone=timezone))
        finally:
            con.close()
    con = connect(warehouse)
    try:
        con.execute("begin transaction")
        finish_run(con, run_id, "success")
        written = str(render_period(con, period, out, include_internal=include_internal, internal_root=internal_root,
                                    timezone=timezone))
        con.execute("commit")
        return written
    finally:
        con.close()   # not committed: rolled back, the run is recorded as failed by recorded_run


@flow(name="evaluate_period", flow_run_name="evaluasi-{period}", log_prints=False)
def evaluate_period(period: str, inbox: Path, warehouse: Path, reference: Path, out: Path, as_of: date,
                    include_internal: bool = True, state_dir: Path | None = None,
                    openlineage: dict | None = None, internal_root: Path | None = None,
                    withdraw_many: bool = False, timezone: str = "Asia/Jakarta") -> Outcome:
    """Evaluate one period (YYYY-MM) end to end; returns what was found and whether it blocks.

    include_internal: write the per-ASN pages (settings `[reports] internal`) to internal_root/<period>
    (settings `[paths] internal`; default reports/internal beside out).
    state_dir / openlineage: where OpenLineage events go (default: beside the warehouse) and
    the `[openlineage]` settings section (docs/lineage.md).
    """
    lineage = lineage_config(state_dir or Path(warehouse).parent, openlineage)
    with WarehouseLock(warehouse, f"pantau run --period {period}"):
        return _evaluate(period, inbox, warehouse, reference, out, as_of, include_internal, lineage, internal_root,
                         withdraw_many, timezone)


def _evaluate(period: str, inbox: Path, warehouse: Path, reference: Path, out: Path, as_of: date,
              include_internal: bool, lineage: LineageConfig, internal_root: Path | None = None,
              withdraw_many: bool = False, timezone: str = "Asia/Jakarta") -> Outcome:
    def prepare(run_id: str) -> Outcome:
        reports, versions = ingest(warehouse, inbox, reference, run_id, period, lineage, withdraw_many)
        outcome = validate(warehouse, reports, as_of, run_id, period, lineage)
        outcome.reference_versions = versions
        return outcome

    return recorded_run(warehouse, period, as_of, "run",
                        {"inbox": str(inbox), "warehouse": str(warehouse), "out": str(out)}, lineage, prepare,
                        finish=lambda run_id: report(warehouse, period, out, include_internal, run_id, internal_root,
                                                     timezone))


def recorded_run(warehouse: Path, period: str, as_of: date, command: str, parameters: dict,
                 lineage: LineageConfig, prepare, description: str = "", finish=None) -> Outcome:
    """One run under the warehouse lock, recorded in lineage.runs and as OpenLineage events:
    prepare(run_id) loads and validates (returns the Outcome), then transform and publish unless
    blocked, then finish(run_id) (the report, which records the success itself). The run ends
    'success' (exit 0), 'blocked' (exit 1) or 'failed' (anything else) with its message, whatever
    happens; rows that do not reconcile fail it."""
    con = connect(warehouse)
    try:
        close_interrupted_runs(con)   # we hold the lock: any run still 'running' is dead
        run_id = start_run(con, command, period, as_of, parameters, flow_run_id=str(flow_run.get_id() or ""))
        run_events = _events("run", None, run_id, lineage, warehouse, period)
    finally:
        con.close()
    status, message, recorded = "failed", "internal error", False
    with run_events as events:
        try:
            outcome = prepare(run_id)
            outcome.period, outcome.flow_run_id = period, str(flow_run.get_id() or "") or None
            if outcome.unreconciled:
                raise RuntimeError(f"hitungan baris tidak cocok untuk: {', '.join(outcome.unreconciled)}")
            if not outcome.blocked:
                built = transform(warehouse, period, run_id, lineage)
                outcome.published = publish(warehouse, period, run_id, built, lineage)
                outcome.warnings.extend(outcome.published.get("warnings", []))
                outcome.blocking.extend(f"metrics: {p}" for p in outcome.published.get("blocking", []))
            status = "blocked" if outcome.blocked else "success"
            message = "; ".join(outcome.blocking) or None
            if outcome.blocked:
                events.fail(message[:1000])
            create_markdown_artifact(console.markdown_summary(outcome, period), key="ringkasan-validasi",
                                     description=console.md(f"Validasi ekspor untuk periode {period}{description}"))
            if status == "success" and finish is not None:
                outcome.report = finish(run_id)
                recorded = True
            if status == "success":
                outcome.headline = _headline(warehouse, period)
            run_artifacts(outcome, period, description)
            return outcome
        except ReferenceTableError as exc:   # a broken rule table blocks the run like a broken export (exit 1)
            status, message = "blocked", str(exc)[:1000]
            raise
        except BaseException as exc:   # whatever stage it came from, the command will not exit 0
            status, message = "failed", f"{type(exc).__name__}: {exc}"[:1000]
            raise
        finally:
            if not recorded:
                con = connect(warehouse)
                try:
                    finish_run(con, run_id, status, message)
                finally:
                    con.close()


def _headline(warehouse: Path, period: str) -> list[tuple[str, str]]:
    import duckdb

    con = connect(warehouse)
    try:
        return console.headline(con, period)
    except duckdb.CatalogException:   # a reference folder without headline_metrics.csv: no figures
        return []
    finally:
        con.close()


def run_artifacts(outcome: Outcome, period: str, description: str = "") -> None:
    """The run's artifacts in the Prefect UI: its headline figures, counts and report path
    (markdown, key `evaluasi-<period>`) and a link to the report (key `laporan-<period>`)."""
    key = period.lower()
    create_markdown_artifact(console.run_markdown(outcome, period, description), key=f"evaluasi-{key}",
                             description=console.md(f"Angka utama periode {period}{description}"))
    if outcome.report:
        create_link_artifact(Path(outcome.report).resolve().as_uri(), link_text=f"Laporan periode {period}",
                             key=f"laporan-{key}", description=console.md(f"Laporan periode {period}"))
