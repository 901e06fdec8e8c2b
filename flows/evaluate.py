"""The Prefect flow of one period: ingest -> validate -> transform and publish (later: report).

Thin on purpose: each task opens the warehouse, calls a plain step from flows/steps.py and
closes it again (DuckDB allows one writer; tasks run one after another).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows import console
from flows.steps import Outcome, ingest_step, transform_step, validate_step
from transforms.runs import finish_run, start_run
from transforms.warehouse import WarehouseLock, connect


@task(name="ingest", retries=2, retry_delay_seconds=5,
      retry_condition_fn=lambda task, task_run, state: isinstance(state.result(raise_on_failure=False), OSError))
def ingest(warehouse: Path, inbox: Path, reference: Path, run_id: str) -> tuple[list, dict]:
    con = connect(warehouse)
    try:
        return ingest_step(con, inbox, reference, run_id, progress=get_run_logger().info)
    finally:
        con.close()


@task(name="validate")
def validate(warehouse: Path, reports: list, as_of: date, run_id: str, period: str) -> Outcome:
    con = connect(warehouse)
    try:
        return validate_step(con, reports, as_of, run_id, period=period, progress=get_run_logger().info)
    finally:
        con.close()


@task(name="transform")
def transform(warehouse: Path, period: str, run_id: str) -> dict:
    con = connect(warehouse)
    try:
        return transform_step(con, period, run_id)
    finally:
        con.close()


@flow(name="evaluate_period", log_prints=False)
def evaluate_period(period: str, inbox: Path, warehouse: Path, reference: Path, out: Path, as_of: date) -> Outcome:
    """Evaluate one period (YYYY-MM) end to end; returns what was found and whether it blocks."""
    with WarehouseLock(warehouse, f"pantau run --period {period}"):
        return _evaluate(period, inbox, warehouse, reference, out, as_of)


def _evaluate(period: str, inbox: Path, warehouse: Path, reference: Path, out: Path, as_of: date) -> Outcome:
    con = connect(warehouse)
    try:
        run_id = start_run(con, "run", period, as_of,
                           {"inbox": str(inbox), "warehouse": str(warehouse), "out": str(out)},
                           flow_run_id=str(flow_run.get_id() or ""))
    finally:
        con.close()
    status, message = "failed", "internal error"
    try:
        reports, versions = ingest(warehouse, inbox, reference, run_id)
        outcome = validate(warehouse, reports, as_of, run_id, period)
        outcome.reference_versions = versions
        if not outcome.blocked:
            outcome.published = transform(warehouse, period, run_id)
            outcome.warnings.extend(outcome.published.get("warnings", []))
            outcome.blocking.extend(f"metrics: {p}" for p in outcome.published.get("blocking", []))
        status = "blocked" if outcome.blocked else "success"
        message = "; ".join(outcome.blocking) or None
        create_markdown_artifact(console.markdown_summary(outcome, period), key="ringkasan-validasi",
                                 description=f"Validasi ekspor untuk periode {period}")
        return outcome
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}"[:1000]
        raise
    finally:
        con = connect(warehouse)
        try:
            finish_run(con, run_id, status, message)
        finally:
            con.close()
