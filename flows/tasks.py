"""The Prefect tasks of a run: ingest, validate, transform, publish, report.

Both flows use them: flows/evaluate.py runs all five; flows/partitioned.py ingests and
validates in partitions, then transforms, publishes and reports with these same tasks (through
flows/evaluate.py recorded_run), so the published metrics are those of a plain run.

Thin on purpose: each task opens the warehouse, calls a plain step from flows/steps.py inside
its OpenLineage START/COMPLETE|FAIL events (flows/lineage_events.py) and closes the warehouse
again (DuckDB allows one writer; tasks run one after another).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import get_run_logger, task
from prefect.runtime import flow_run

from flows.lineage_events import LineageConfig, step_events
from flows.steps import Outcome, build_step, ingest_step, publish_step, validate_step
from transforms.runs import finish_run
from transforms.warehouse import connect


def run_step_events(step: str, con, run_id: str, lineage: LineageConfig, warehouse: Path, period: str, inbox=None):
    """The OpenLineage events of one step of the current flow run (`run` for the run itself)."""
    return step_events(
        step,
        run_id,
        config=lineage,
        con=con,
        warehouse=warehouse,
        period=period,
        flow_run_id=str(flow_run.get_id() or "") or None,
        inbox=inbox,
    )


@task(
    name="ingest",
    retries=2,
    retry_delay_seconds=5,
    retry_condition_fn=lambda task, task_run, state: isinstance(state.result(raise_on_failure=False), OSError),
)
def ingest(
    warehouse: Path,
    inbox: Path,
    reference: Path,
    run_id: str,
    period: str,
    lineage: LineageConfig,
    withdraw_many: bool = False,
) -> tuple[list, dict]:
    con = connect(warehouse)
    try:
        with run_step_events("ingest", con, run_id, lineage, warehouse, period, inbox):
            return ingest_step(
                con, inbox, reference, run_id, progress=get_run_logger().info, withdraw_many=withdraw_many
            )
    finally:
        con.close()


@task(name="validate")
def validate(warehouse: Path, reports: list, as_of: date, run_id: str, period: str, lineage: LineageConfig) -> Outcome:
    con = connect(warehouse)
    try:
        with run_step_events("validate", con, run_id, lineage, warehouse, period) as events:
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
        with run_step_events("transform", con, run_id, lineage, warehouse, period) as events:
            events.built = build_step(con, run_id, period)
            return events.built
    finally:
        con.close()


@task(name="publish")
def publish(warehouse: Path, period: str, run_id: str, built: list[str], lineage: LineageConfig) -> dict:
    con = connect(warehouse)
    try:
        with run_step_events("publish", con, run_id, lineage, warehouse, period) as events:
            result = publish_step(con, period, run_id, built)
            if result["blocking"]:
                events.fail("; ".join(result["blocking"])[:1000])
            return result
    finally:
        con.close()


@task(name="report")
def report(
    warehouse: Path,
    period: str,
    out: Path,
    include_internal: bool | str,
    run_id: str | None = None,
    internal_root: Path | None = None,
    timezone: str = "Asia/Jakarta",
) -> str:
    """Render the period's pages. With run_id, the run is recorded 'success' in a transaction that
    commits only once the pages are written: the Metodologi page shows the run's end and status,
    and a report that fails or is killed never leaves the run recorded 'success'."""
    from reports.render import render_period

    if run_id is None:
        con = connect(warehouse, read_only=True)
        try:
            return str(
                render_period(
                    con, period, out, include_internal=include_internal, internal_root=internal_root, timezone=timezone
                )
            )
        finally:
            con.close()
    con = connect(warehouse)
    try:
        con.execute("begin transaction")
        finish_run(con, run_id, "success")
        written = str(
            render_period(
                con, period, out, include_internal=include_internal, internal_root=internal_root, timezone=timezone
            )
        )
        con.execute("commit")
        return written
    finally:
        con.close()  # not committed: rolled back, the run is recorded as failed by recorded_run
