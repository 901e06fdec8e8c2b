"""OpenLineage events for the steps of a run: ingest, validate, transform, publish.

Each step is an OpenLineage job (`pantau.<step>`) whose run is a child of the run of the whole
flow (`pantau.evaluate_period`, its id the Prefect flow-run id). A step emits START when it
begins and COMPLETE or FAIL when it ends, with the datasets it read and wrote:

  ingest     inbox files and reference CSVs (with their sha256 as dataset version) -> raw.*, ref.*
  validate   raw.* with the Great Expectations results (dataQualityAssertions, from
             lineage.validation_results) -> staging.stg_*, quarantine.rows
  transform  staging.*, ref.*, quarantine.rows -> the marts built, each with its schema, row
             count and column lineage (from lineage.model_columns, see transforms/lineage.py)
  publish    marts.metrics_* -> metrics, lineage.metric_history

Events go through the openlineage-python client: its FileTransport appends them as JSON lines
to `<state_dir>/openlineage/events.jsonl` (or the configured path), and its HttpTransport sends
them to an OpenLineage endpoint such as Marquez when a URL is configured. Sending never fails a
run: a transport error is logged and the run goes on. No Prefect here: the flow calls these
functions (see docs/lineage.md).
"""

from __future__ import annotations

import json
import logging
import os
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.lineage_datasets import STEPS, DatasetSpec, step_datasets, warehouse_namespace
from flows.settings import events_file_off, openlineage_section, truthy
from transforms.warehouse import has_table, records

log = logging.getLogger(__name__)

EVENT_TYPES = ("START", "COMPLETE", "FAIL", "ABORT", "OTHER")
FLOW_JOB = "pantau.evaluate_period"
RUN_NAMESPACE = uuid.UUID("7f1d3a52-5b0c-4e4e-9a55-70616e746175")  # uuid5 namespace for run ids

STEP_DESCRIPTIONS = {
    "run": "Evaluasi satu periode: ingest, validasi, transformasi, terbit metrik, laporan.",
    "ingest": "Membaca ekspor di inbox dan tabel referensi; setiap berkas di-hash (sha256) "
    "dan barisnya dimuat ke raw.*.",
    "validate": "Memeriksa setiap baris dengan suite Great Expectations; baris gagal dikarantina dengan alasannya.",
    "transform": "Membangun mart (SQL di transforms/marts/) dari staging dan tabel referensi.",
    "publish": "Menerbitkan metrik periode ke tabel metrics dalam satu transaksi; "
    "nilai lama tetap di lineage.metric_history.",
}


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("pantau-kinerja")
    except Exception:  # not installed (running from a checkout)
        return "dev"


PRODUCER = f"urn:pantau-kinerja:{_version()}"


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class LineageConfig:
    """Where events go. `path`: a JSON-lines file (None: no file). `url`: an OpenLineage HTTP
    endpoint's base URL, e.g. Marquez at http://localhost:5000 (None: not sent)."""

    path: Path | None
    url: str | None = None
    endpoint: str = "api/v1/lineage"
    api_key: str | None = None
    namespace: str = "pantau-kinerja"
    timeout: float = 5.0
    retries: int = 2
    enabled: bool = True


def lineage_config(state_dir: Path | str, section: dict | None = None, environ: dict | None = None) -> LineageConfig:
    """The configuration: defaults, then the `[openlineage]` TOML section, then the environment.

    Keys of the section: enabled, path (relative to state_dir), url, endpoint, api_key, namespace,
    timeout. Environment: OPENLINEAGE_URL, OPENLINEAGE_ENDPOINT, OPENLINEAGE_API_KEY,
    OPENLINEAGE_NAMESPACE, OPENLINEAGE_DISABLED=true, PANTAU_OPENLINEAGE_FILE.
    The section's values are read by flows/settings.py (KEYS["openlineage"]).
    """
    section = openlineage_section(section)
    env = os.environ if environ is None else environ
    path_value = env.get("PANTAU_OPENLINEAGE_FILE") or section.get("path")
    path = Path(path_value) if path_value else Path("openlineage") / "events.jsonl"
    if not path.is_absolute():
        path = Path(state_dir) / path
    if events_file_off(section.get("path", "")):  # no file, whatever the environment says
        path = None
    return LineageConfig(
        path=path,
        url=env.get("OPENLINEAGE_URL") or section.get("url") or None,
        endpoint=env.get("OPENLINEAGE_ENDPOINT") or section.get("endpoint") or "api/v1/lineage",
        api_key=env.get("OPENLINEAGE_API_KEY") or section.get("api_key") or None,
        namespace=env.get("OPENLINEAGE_NAMESPACE") or section.get("namespace") or "pantau-kinerja",
        timeout=section.get("timeout", 5.0),
        retries=section.get("retries", 2),
        enabled=section.get("enabled", True) and not truthy(env.get("OPENLINEAGE_DISABLED", False)),
    )


def config_from_settings(settings) -> LineageConfig:
    """From flows.settings.Settings: state_dir and the `[openlineage]` section of the TOML file."""
    return lineage_config(settings.state_dir, settings.section("openlineage"))


# ---------------------------------------------------------------- ids and names


def step_run_id(run_id: str, step: str) -> str:
    """The OpenLineage run id (a UUID) of one step of a pantau run: stable, so START and
    COMPLETE/FAIL of the step share it."""
    if step == "run":
        return str(uuid.uuid5(RUN_NAMESPACE, f"run/{run_id}"))
    return str(uuid.uuid5(RUN_NAMESPACE, f"run/{run_id}/{step}"))


def parent_run_id(run_id: str, flow_run_id: str | None) -> str:
    """The flow's run id: the Prefect flow-run id when it is a UUID, else derived from run_id."""
    if flow_run_id:
        try:
            return str(uuid.UUID(str(flow_run_id)))
        except ValueError:
            pass
    return step_run_id(run_id, "run")


# ---------------------------------------------------------------- events


def _facet_kwargs() -> dict:
    return {"producer": PRODUCER}


def _dataset_facets(spec: DatasetSpec) -> dict:
    from openlineage.client.generated import (
        column_lineage_dataset,
        dataset_version_dataset,
        datasource_dataset,
        schema_dataset,
    )

    facets: dict[str, Any] = {}
    if spec.kind == "file":
        uri = (
            spec.name if "://" in spec.name else f"file://{spec.name if spec.name.startswith('/') else '/' + spec.name}"
        )
        facets["dataSource"] = datasource_dataset.DatasourceDatasetFacet(name="file", uri=uri, **_facet_kwargs())
    else:
        facets["dataSource"] = datasource_dataset.DatasourceDatasetFacet(
            name=spec.namespace, uri=spec.namespace, **_facet_kwargs()
        )
    if spec.version:
        facets["version"] = dataset_version_dataset.DatasetVersionDatasetFacet(
            datasetVersion=spec.version, **_facet_kwargs()
        )
    if spec.schema:
        facets["schema"] = schema_dataset.SchemaDatasetFacet(
            fields=[schema_dataset.SchemaDatasetFacetFields(name=c, type=t) for c, t in spec.schema], **_facet_kwargs()
        )
    if spec.column_lineage:
        facets["columnLineage"] = column_lineage_dataset.ColumnLineageDatasetFacet(
            fields={
                col: column_lineage_dataset.Fields(
                    inputFields=[
                        column_lineage_dataset.InputField(
                            namespace=ns,
                            name=table,
                            field=column,
                            transformations=[column_lineage_dataset.Transformation(type="DIRECT", subtype=subtype)],
                        )
                        for ns, table, column, subtype in sources
                    ]
                )
                for col, sources in spec.column_lineage.items()
            },
            **_facet_kwargs(),
        )
    return facets


def _input(spec: DatasetSpec):
    from openlineage.client.event_v2 import InputDataset
    from openlineage.client.generated import data_quality_assertions_dataset as dq

    input_facets = {}
    if spec.assertions:
        input_facets["dataQualityAssertions"] = dq.DataQualityAssertionsDatasetFacet(
            assertions=[dq.Assertion(**{k: v for k, v in a.items() if v is not None}) for a in spec.assertions],
            **_facet_kwargs(),
        )
    return InputDataset(
        namespace=spec.namespace, name=spec.name, facets=_dataset_facets(spec), inputFacets=input_facets or None
    )


def _output(spec: DatasetSpec):
    from openlineage.client.event_v2 import OutputDataset
    from openlineage.client.generated import output_statistics_output_dataset as stats

    output_facets = {}
    if spec.row_count is not None:
        output_facets["outputStatistics"] = stats.OutputStatisticsOutputDatasetFacet(
            rowCount=int(spec.row_count), **_facet_kwargs()
        )
    return OutputDataset(
        namespace=spec.namespace, name=spec.name, facets=_dataset_facets(spec), outputFacets=output_facets or None
    )


def _nominal_time(period: str | None) -> tuple[str, str] | None:
    if not period:
        return None
    from transforms.trace import period_window

    start, end = period_window(period)
    if start is None:
        return None
    return f"{start.isoformat()}T00:00:00+07:00", f"{end.isoformat()}T00:00:00+07:00"


def build_event(
    step: str,
    event_type: str,
    run_id: str,
    *,
    namespace: str = "pantau-kinerja",
    inputs: list[DatasetSpec] | None = None,
    outputs: list[DatasetSpec] | None = None,
    period: str | None = None,
    flow_run_id: str | None = None,
    code_version: str | None = None,
    error: BaseException | str | None = None,
    event_time: datetime | None = None,
):
    """One OpenLineage RunEvent (the client's object) for a step of a pantau run."""
    from openlineage.client.event_v2 import Job, Run, RunEvent, RunState

    if step not in STEPS:
        raise ValueError(f"langkah '{step}' tidak dikenal; pilih salah satu: {', '.join(STEPS)}")
    if event_type not in EVENT_TYPES:
        raise ValueError(f"eventType '{event_type}' tidak dikenal; pilih salah satu: {', '.join(EVENT_TYPES)}")
    run_facets = _run_facets(
        step,
        run_id,
        namespace=namespace,
        period=period,
        flow_run_id=flow_run_id,
        code_version=code_version,
        error=error,
    )
    when = (event_time or datetime.now(UTC)).astimezone(UTC)
    return RunEvent(
        eventType=RunState[event_type],
        eventTime=when.isoformat().replace("+00:00", "Z"),
        run=Run(
            runId=parent_run_id(run_id, flow_run_id) if step == "run" else step_run_id(run_id, step), facets=run_facets
        ),
        job=Job(namespace=namespace, name=FLOW_JOB if step == "run" else f"pantau.{step}", facets=_job_facets(step)),
        inputs=[_input(s) for s in (inputs or [])],
        outputs=[_output(s) for s in (outputs or [])],
        producer=PRODUCER,
    )


def _run_facets(
    step: str,
    run_id: str,
    *,
    namespace: str,
    period: str | None,
    flow_run_id: str | None,
    code_version: str | None,
    error: BaseException | str | None,
) -> dict[str, Any]:
    """The run's facets: engine and tags always; the parent flow run for a step; the period's
    nominal time when known; the error of a failed step."""
    from openlineage.client.constants import __version__ as client_version
    from openlineage.client.generated import nominal_time_run, parent_run, processing_engine_run, tags_run

    run_facets: dict[str, Any] = {
        "processing_engine": processing_engine_run.ProcessingEngineRunFacet(
            version=code_version or _version(),
            name="pantau-kinerja",
            openlineageAdapterVersion=client_version,
            **_facet_kwargs(),
        ),
        "tags": tags_run.TagsRunFacet(
            tags=[
                tags_run.TagsRunFacetFields(key=k, value=str(v), source="PANTAU")
                for k, v in (("pantau_run_id", run_id), ("period", period), ("prefect_flow_run_id", flow_run_id))
                if v
            ],
            **_facet_kwargs(),
        ),
    }
    if step != "run":
        run_facets["parent"] = parent_run.ParentRunFacet(
            run=parent_run.Run(runId=parent_run_id(run_id, flow_run_id)),
            job=parent_run.Job(namespace=namespace, name=FLOW_JOB),
            **_facet_kwargs(),
        )
    nominal = _nominal_time(period)
    if nominal:
        run_facets["nominalTime"] = nominal_time_run.NominalTimeRunFacet(
            nominalStartTime=nominal[0], nominalEndTime=nominal[1], **_facet_kwargs()
        )
    if error is not None:
        run_facets["errorMessage"] = _error_facet(error)
    return run_facets


def _error_facet(error: BaseException | str):
    """An exception's type, message and traceback (or a message alone), the message cut at 2000 characters."""
    from openlineage.client.generated import error_message_run

    if isinstance(error, BaseException):
        message = f"{type(error).__name__}: {error}"
        stack = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    else:
        message, stack = str(error), None
    return error_message_run.ErrorMessageRunFacet(
        message=message[:2000], programmingLanguage="python", stackTrace=stack, **_facet_kwargs()
    )


def _job_facets(step: str) -> dict[str, Any]:
    """The job's facets: the flow is a DAG, each step a TASK, with the step's description."""
    from openlineage.client.generated import documentation_job, job_type_job

    return {
        "jobType": job_type_job.JobTypeJobFacet(
            processingType="BATCH", integration="PANTAU", jobType="DAG" if step == "run" else "TASK", **_facet_kwargs()
        ),
        "documentation": documentation_job.DocumentationJobFacet(
            description=STEP_DESCRIPTIONS[step], **_facet_kwargs()
        ),
    }


# ---------------------------------------------------------------- sending

_CLIENTS: dict[LineageConfig, list] = {}


def _clients(config: LineageConfig) -> list:
    """(name, client) pairs for the configured transports, made once per configuration."""
    key = config
    if key in _CLIENTS:
        return _CLIENTS[key]
    from openlineage.client import OpenLineageClient
    from openlineage.client.transport.file import FileConfig, FileTransport

    clients = []
    if config.path is not None:
        Path(config.path).parent.mkdir(parents=True, exist_ok=True)
        transport = FileTransport(FileConfig(log_file_path=str(config.path), append=True))
        clients.append(("file", OpenLineageClient(transport=transport, config={"transport": {"type": "file"}})))
    if config.url:
        from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport, TokenProvider

        http = HttpConfig(
            url=config.url,
            endpoint=config.endpoint,
            timeout=config.timeout,
            auth=ApiKeyTokenProvider({"apiKey": config.api_key}) if config.api_key else TokenProvider({}),
            retry={
                "total": config.retries,
                "connect": config.retries,
                "read": config.retries,
                "backoff_factor": 0.3,
                "status_forcelist": [500, 502, 503, 504],
                "allowed_methods": ["HEAD", "POST"],
            },
        )
        clients.append(
            ("http", OpenLineageClient(transport=HttpTransport(http), config={"transport": {"type": "http"}}))
        )
    _CLIENTS[key] = clients
    return clients


def send(event, config: LineageConfig) -> list[str]:
    """Send one event to every configured transport; returns the problems (empty: all sent)."""
    problems = []
    if not config.enabled:
        return problems
    for name, client in _clients(config):
        try:
            client.emit(event)
        except Exception as exc:  # lineage never breaks a run
            message = f"OpenLineage {name}: {type(exc).__name__}: {str(exc)[:300]}"
            log.warning(message)
            problems.append(message)
    return problems


def emit(
    step: str,
    event_type: str,
    run_id: str,
    *,
    config: LineageConfig,
    con=None,
    warehouse: str | Path | None = None,
    inputs: list[DatasetSpec] | None = None,
    outputs: list[DatasetSpec] | None = None,
    built: list[str] | None = None,
    inbox: str | Path | None = None,
    period: str | None = None,
    flow_run_id: str | None = None,
    error: BaseException | str | None = None,
    event_time: datetime | None = None,
) -> dict:
    """Build and send the event of one step; returns it as a dict (what was written).

    With `con` (an open warehouse) and no explicit inputs/outputs, the datasets and their facets
    come from the lineage tables of `run_id` (step_datasets). `built` names the models the
    transform step built (default: those recorded in lineage.models for the run).
    """
    from openlineage.client.serde import Serde

    code_version = None
    try:
        if con is not None and (inputs is None or outputs is None):
            auto_in, auto_out = step_datasets(
                con, step, run_id, warehouse=warehouse, built=built, inbox=inbox, final=event_type != "START"
            )
            inputs = auto_in if inputs is None else inputs
            outputs = auto_out if outputs is None else outputs
        if con is not None and has_table(con, "lineage.runs"):
            for run in records(
                con, "select code_version, flow_run_id, period from lineage.runs where run_id = ?", [run_id]
            )[:1]:
                code_version = run["code_version"]
                flow_run_id = flow_run_id or run["flow_run_id"] or None
                period = period or run["period"]
    except Exception as exc:  # a lineage query that breaks must not break the step
        log.warning("OpenLineage: dataset %s tidak dapat dibaca: %s", step, exc)
        inputs, outputs = inputs or [], outputs or []
    event = build_event(
        step,
        event_type,
        run_id,
        namespace=config.namespace,
        inputs=inputs,
        outputs=outputs,
        period=period,
        flow_run_id=flow_run_id,
        code_version=code_version,
        error=error,
        event_time=event_time,
    )
    send(event, config)
    return Serde.to_dict(event)


class StepEvents:
    """What `step_events` yields: set `built` (transform) or call `fail(message)` (a step that
    ended without an exception but did not do its work, e.g. publishing blocked)."""

    def __init__(self) -> None:
        self.built: list[str] | None = None
        self.failure: str | None = None
        self.events: list[dict] = []

    def fail(self, message: str) -> None:
        self.failure = message


@contextmanager
def step_events(
    step: str,
    run_id: str,
    *,
    config: LineageConfig,
    con=None,
    warehouse: str | Path | None = None,
    period: str | None = None,
    flow_run_id: str | None = None,
    inbox: str | Path | None = None,
) -> Iterator[StepEvents]:
    """START on entry; COMPLETE on a normal exit (datasets read then, when they exist), FAIL on
    an exception (re-raised) or after `fail()`."""
    state = StepEvents()
    common = dict(config=config, con=con, warehouse=warehouse, period=period, flow_run_id=flow_run_id, inbox=inbox)
    state.events.append(emit(step, "START", run_id, **common))
    try:
        yield state
    except BaseException as exc:
        state.events.append(emit(step, "FAIL", run_id, built=state.built, error=exc, **common))
        raise
    if state.failure:
        state.events.append(emit(step, "FAIL", run_id, built=state.built, error=state.failure, **common))
    else:
        state.events.append(emit(step, "COMPLETE", run_id, built=state.built, **common))


def read_events(path: str | Path) -> list[dict]:
    """The events of a JSON-lines file written by the FileTransport."""
    events = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                events.append(json.loads(line))
    return events


__all__ = [
    "LineageConfig",
    "lineage_config",
    "config_from_settings",
    "emit",
    "step_events",
    "build_event",
    "step_datasets",
    "send",
    "read_events",
    "step_run_id",
    "parent_run_id",
    "STEPS",
    "PRODUCER",
    "DatasetSpec",
    "warehouse_namespace",
]
