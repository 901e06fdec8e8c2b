"""The Prefect flow of one period: ingest -> validate -> transform -> publish -> report.

The tasks are in flows/tasks.py. `recorded_run` here is the run both flows share (this one and
flows/partitioned.py): the record in lineage.runs, the run's OpenLineage events, transform and
publish unless blocked, the report and the run's artifacts.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from prefect import flow
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.runtime import flow_run

from flows import console
from flows.lineage_events import LineageConfig, lineage_config
from flows.steps import Outcome
from flows.tasks import ingest, publish, report, run_step_events, transform, validate
from transforms.grain import GrainViolation
from transforms.reference import ReferenceTableError
from transforms.runs import close_interrupted_runs, finish_run, start_run
from transforms.warehouse import WarehouseLock, connect

HEARTBEAT_ENV = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


@contextmanager
def without_heartbeat():
    """Flow runs started inside send no heartbeat, unless PREFECT_FLOWS_HEARTBEAT_FREQUENCY asks for one.

    Prefect's heartbeat thread sleeps in 1 s steps and the flow joins it when it ends: about a
    second at the end of every `pantau run` (py-spy, docs/performance.md). Its heartbeat (one at
    the start, then every 180 s) lets a server automation mark a run whose process died as crashed;
    a `pantau run` holds its terminal and says how it ended, and a run killed mid-way is closed as
    interrupted by the next one (transforms/runs.py). Deployments (`pantau serve`) keep theirs.
    """
    if any(os.environ.get(name) for name in HEARTBEAT_ENV):
        yield
        return
    from prefect.settings import temporary_settings

    with temporary_settings(updates={"flows.heartbeat_frequency": None}):
        yield


@flow(name="evaluate_period", flow_run_name="evaluasi-{period}", log_prints=False)
def evaluate_period(
    period: str,
    inbox: Path,
    warehouse: Path,
    reference: Path,
    out: Path,
    as_of: date,
    include_internal: bool | str = True,
    state_dir: Path | None = None,
    openlineage: dict | None = None,
    internal_root: Path | None = None,
    withdraw_many: bool = False,
    timezone: str = "Asia/Jakarta",
) -> Outcome:
    """Evaluate one period (YYYY-MM) end to end; returns what was found and whether it blocks.

    include_internal: which internal pages to write (settings `[reports] internal_pages`: "temuan",
    "semua", or False; True = every ASN) to internal_root/<period>
    (settings `[paths] internal`; default reports/internal beside out).
    state_dir / openlineage: where OpenLineage events go (default: beside the warehouse) and
    the `[openlineage]` settings section (docs/lineage.md).
    """
    lineage = lineage_config(state_dir or Path(warehouse).parent, openlineage)
    with WarehouseLock(warehouse, f"pantau run --period {period}"):
        return _evaluate(
            period,
            inbox,
            warehouse,
            reference,
            out,
            as_of,
            include_internal,
            lineage,
            internal_root,
            withdraw_many,
            timezone,
        )


def _evaluate(
    period: str,
    inbox: Path,
    warehouse: Path,
    reference: Path,
    out: Path,
    as_of: date,
    include_internal: bool | str,
    lineage: LineageConfig,
    internal_root: Path | None = None,
    withdraw_many: bool = False,
    timezone: str = "Asia/Jakarta",
) -> Outcome:
    def prepare(run_id: str) -> Outcome:
        reports, versions = ingest(warehouse, inbox, reference, run_id, period, lineage, withdraw_many)
        outcome = validate(warehouse, reports, as_of, run_id, period, lineage)
        outcome.reference_versions = versions
        return outcome

    return recorded_run(
        warehouse,
        period,
        as_of,
        "run",
        {"inbox": str(inbox), "warehouse": str(warehouse), "out": str(out)},
        lineage,
        prepare,
        finish=lambda run_id: report(warehouse, period, out, include_internal, run_id, internal_root, timezone),
    )


def recorded_run(
    warehouse: Path,
    period: str,
    as_of: date,
    command: str,
    parameters: dict,
    lineage: LineageConfig,
    prepare,
    description: str = "",
    finish=None,
) -> Outcome:
    """One run under the warehouse lock, recorded in lineage.runs and as OpenLineage events:
    prepare(run_id) loads and validates (returns the Outcome), then transform and publish unless
    blocked, then finish(run_id) (the report, which records the success itself). The run ends
    'success' (exit 0), 'blocked' (exit 1) or 'failed' (anything else) with its message, whatever
    happens; rows that do not reconcile fail it."""
    con = connect(warehouse)
    try:
        close_interrupted_runs(con)  # we hold the lock: any run still 'running' is dead
        run_id = start_run(con, command, period, as_of, parameters, flow_run_id=str(flow_run.get_id() or ""))
    finally:
        con.close()
    run_events = run_step_events("run", None, run_id, lineage, warehouse, period)
    status, message, recorded = "failed", "internal error", False
    with run_events as events:
        try:
            outcome = prepare(run_id)
            outcome.period, outcome.flow_run_id = period, str(flow_run.get_id() or "") or None
            outcome.flow_run_name = flow_run.get_name() or None
            if outcome.unreconciled:
                raise RuntimeError(f"hitungan baris tidak cocok untuk: {', '.join(outcome.unreconciled)}")
            if not outcome.blocked:
                transform_and_publish(outcome, warehouse=warehouse, period=period, run_id=run_id, lineage=lineage)
            status = "blocked" if outcome.blocked else "success"
            message = "; ".join(outcome.blocking) or None
            if outcome.blocked:
                events.fail(message[:1000])
            create_markdown_artifact(
                console.markdown_summary(outcome, period),
                key="ringkasan-validasi",
                description=console.md(f"Validasi ekspor untuk periode {period}{description}"),
            )
            if status == "success" and finish is not None:
                outcome.report = finish(run_id)
                recorded = True
            if status == "success":
                outcome.headline = _headline(warehouse, period)
            run_artifacts(outcome, period, description)
            return outcome
        except (ReferenceTableError, GrainViolation) as exc:  # a broken rule table or a model's duplicate
            # keys block the run like a broken export (exit 1)
            status, message = "blocked", str(exc)[:1000]
            raise
        except BaseException as exc:  # whatever stage it came from, the command will not exit 0
            status, message = "failed", f"{type(exc).__name__}: {exc}"[:1000]
            raise
        finally:
            if not recorded:
                con = connect(warehouse)
                try:
                    finish_run(con, run_id, status, message)
                finally:
                    con.close()


def transform_and_publish(
    outcome: Outcome, *, warehouse: Path, period: str, run_id: str, lineage: LineageConfig
) -> None:
    """The transform and publish tasks; what publishing warns of or blocks on goes into `outcome`."""
    built = transform(warehouse, period, run_id, lineage)
    outcome.published = publish(warehouse, period, run_id, built, lineage)
    outcome.warnings.extend(outcome.published.get("warnings", []))
    outcome.blocking.extend(f"metrics: {p}" for p in outcome.published.get("blocking", []))


def _headline(warehouse: Path, period: str) -> list[tuple[str, str]]:
    import duckdb

    con = connect(warehouse)
    try:
        return console.headline(con, period)
    except duckdb.CatalogException:  # a reference folder without headline_metrics.csv: no figures
        return []
    finally:
        con.close()


def run_artifacts(outcome: Outcome, period: str, description: str = "") -> None:
    """The run's artifacts in the Prefect UI: its headline figures, counts and report path
    (markdown, key `evaluasi-<period>`) and a link to the report (key `laporan-<period>`)."""
    key = period.lower()
    create_markdown_artifact(
        console.run_markdown(outcome, period, description),
        key=f"evaluasi-{key}",
        description=console.md(f"Angka utama periode {period}{description}"),
    )
    if outcome.report:
        create_link_artifact(
            Path(outcome.report).resolve().as_uri(),
            link_text=f"Laporan periode {period}",
            key=f"laporan-{key}",
            description=console.md(f"Laporan periode {period}"),
        )
