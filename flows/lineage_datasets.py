"""The datasets of each step of a run, read from the warehouse's lineage tables.

`step_datasets(con, step, run_id)` gives (inputs, outputs) as DatasetSpec, the plain form
flows/lineage_events.py turns into OpenLineage Input/OutputDatasets; DATASETS_BY_STEP holds
one reader per step kind (ingest, validate, transform, publish).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from transforms.warehouse import has_table, records, scalar

STEPS = ("run", "ingest", "validate", "transform", "publish")


def warehouse_namespace(warehouse: str | Path | None) -> str:
    if warehouse is None or str(warehouse) == ":memory:":
        return "duckdb:memory"
    return f"duckdb:{Path(warehouse).resolve().as_posix()}"


@dataclass
class DatasetSpec:
    """A dataset before it becomes an OpenLineage Input/OutputDataset."""

    namespace: str
    name: str
    kind: str = "table"  # table | file
    version: str | None = None  # sha256 of a file
    schema: list[tuple[str, str]] | None = None
    row_count: int | None = None
    column_lineage: dict | None = None  # {column: [(namespace, table, column, subtype)]}
    assertions: list[dict] | None = None  # dataQualityAssertions

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


# ---------------------------------------------------------------- reading the warehouse


def _columns(con, qualified: str) -> list[tuple[str, str]]:
    schema, table = qualified.split(".", 1)
    return con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = current_database() "
        "and table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()


def _count(con, sql: str, params: list | None = None) -> int | None:
    try:
        return int(con.execute(sql, params or []).fetchall()[0][0])
    except Exception:
        return None


def _table(con, namespace: str, qualified: str, *, row_count: bool = False) -> DatasetSpec:
    spec = DatasetSpec(namespace, qualified)
    if con is not None and has_table(con, qualified):
        spec.schema = _columns(con, qualified)
        if row_count:
            spec.row_count = _count(con, f"select count(*) from {qualified}")
    return spec


def _inbox_dir(con, run_id: str) -> Path | None:
    if not has_table(con, "lineage.runs"):
        return None
    parameters = scalar(con, "select parameters from lineage.runs where run_id = ?", [run_id])
    if parameters:
        try:
            inbox = json.loads(parameters).get("inbox")
            return Path(inbox).resolve() if inbox else None
        except (ValueError, AttributeError):
            return None
    return None


@dataclass(frozen=True)
class StepQuery:
    """What the datasets of one step are read with. `final` is False for START events."""

    con: object
    run_id: str
    namespace: str
    built: list[str] | None = None
    inbox: str | Path | None = None
    final: bool = True

    def written(self, name: str) -> DatasetSpec:
        """An output the step writes: with its schema and row count once written, else its name."""
        if not self.final:
            return DatasetSpec(self.namespace, name)
        return _table(self.con, self.namespace, name, row_count=True)


Datasets = tuple[list[DatasetSpec], list[DatasetSpec]]


# ---------------------------------------------------------------- one reader per step


def _ingest_datasets(q: StepQuery) -> Datasets:
    """Inbox files and reference CSVs (sha256 as version) -> raw.<shape>, ref.<table>."""
    inbox_dir = Path(q.inbox).resolve() if q.inbox else _inbox_dir(q.con, q.run_id)
    inputs: list[DatasetSpec] = []
    shapes: set[str] = set()
    if has_table(q.con, "lineage.files"):
        for path, sha, shape in q.con.execute(
            "select path, sha256, shape from lineage.files where last_run_id = ? and status = 'loaded' order by path",
            [q.run_id],
        ).fetchall():
            full = (inbox_dir / path).as_posix() if inbox_dir else path
            inputs.append(DatasetSpec("file", full, kind="file", version=sha))
            if shape:
                shapes.add(shape)
    refs = []
    if has_table(q.con, "lineage.reference_tables"):
        refs = q.con.execute(
            "select name, path, sha256 from lineage.reference_tables where run_id = ? order by name", [q.run_id]
        ).fetchall()
    for _name, path, sha in refs:
        inputs.append(DatasetSpec("file", Path(path).resolve().as_posix(), kind="file", version=sha))
    outputs = [q.written(f"raw.{s}") for s in sorted(shapes)] + [q.written(f"ref.{n}") for n, _, _ in refs]
    return inputs, outputs


def _assertions(con, run_id: str) -> dict[str, list[dict]]:
    """{shape: the dataQualityAssertions of its suite}, one per expectation over the run's files."""
    results: dict[str, list[dict]] = {}
    if not has_table(con, "lineage.validation_results"):
        return results
    rows = con.execute(
        """
        select shape, expectation_id, any_value(expectation), any_value(rule), any_value("column"),
               any_value(severity), sum(element_count), sum(unexpected), bool_and(success), count(*)
        from lineage.validation_results where run_id = ?
        group by shape, expectation_id order by shape, any_value(rule), expectation_id""",
        [run_id],
    ).fetchall()
    for shape, eid, expectation, rule, column, severity, elements, unexpected, success, files in rows:
        results.setdefault(shape, []).append(
            {
                "assertion": expectation,
                "name": rule or expectation,
                "success": bool(success),
                "column": column,
                "severity": "error" if severity == "critical" else "warn",
                "expected": "0",
                "actual": str(int(unexpected or 0)),
                "params": {"expectation_id": eid, "rows_checked": int(elements or 0), "files": int(files)},
            }
        )
    return results


def _validate_datasets(q: StepQuery) -> Datasets:
    """raw.* with the Great Expectations results -> staging.stg_*, quarantine.rows."""
    inputs: list[DatasetSpec] = []
    outputs: list[DatasetSpec] = []
    results = _assertions(q.con, q.run_id)
    for shape in sorted(results):
        # reference suites (expectations/reference.py) are recorded as shape ref.<table>
        spec = _table(q.con, q.namespace, shape if shape.startswith("ref.") else f"raw.{shape}")
        spec.assertions = results[shape]
        inputs.append(spec)
        if not shape.startswith("ref."):
            outputs.append(q.written(f"staging.stg_{shape}"))
    outputs += [q.written(name) for name in ("quarantine.rows", "quarantine.warnings", "lineage.validation_results")]
    return inputs, outputs


def _built_models(q: StepQuery, models: dict) -> list[str]:
    """The models the step built: as told, else as recorded for the run, else every mart."""
    names = list(q.built or [])
    if not names and has_table(q.con, "lineage.models"):
        names = [
            r["model"]
            for r in records(q.con, "select model from lineage.models where run_id = ? order by model", [q.run_id])
        ]
    if not names:
        names = [n for n in models if n.startswith("marts.")]
    return [n for n in names if n in models]


def _transform_datasets(q: StepQuery) -> Datasets:
    """What the models read -> the models built, with schema, row count and column lineage."""
    from transforms.models import discover_models

    models = discover_models()
    names = _built_models(q, models)
    reads = sorted({r for n in names for r in models[n].reads} - set(names))
    inputs = [_table(q.con, q.namespace, r) for r in reads]
    if not q.final:
        return inputs, [DatasetSpec(q.namespace, n) for n in names]
    lineage_cols = _recorded_lineage(q.con, q.run_id, names)
    rows = _recorded_rows(q.con, q.run_id, names)
    outputs = []
    for n in names:
        spec = _table(q.con, q.namespace, n)
        spec.row_count = rows.get(n)
        spec.column_lineage = {
            col: [(q.namespace, i["table"], i["column"], subtype) for i in inputs_]
            for col, (inputs_, subtype) in lineage_cols.get(n, {}).items()
            if inputs_
        } or None
        outputs.append(spec)
    return inputs, outputs


def _publish_datasets(q: StepQuery) -> Datasets:
    """marts.metrics_* -> metrics, lineage.metric_history (this run's rows, column by column)."""
    from transforms.publish import metric_models

    con, ns = q.con, q.namespace
    sources = metric_models()
    inputs = [_table(con, ns, m) for m in sources]
    metrics = _table(con, ns, "main.metrics")
    history = _table(con, ns, "lineage.metric_history")
    if q.final:
        metrics.row_count = (
            _count(con, "select count(*) from main.metrics where run_id = ?", [q.run_id])
            if has_table(con, "main.metrics")
            else None
        )
        history.row_count = (
            _count(con, "select count(*) from lineage.metric_history where run_id = ?", [q.run_id])
            if has_table(con, "lineage.metric_history")
            else None
        )
        columns = [c for c, _ in (metrics.schema or [])]
        metrics.column_lineage = {
            c: [(ns, m, c, "IDENTITY") for m in sources] for c in columns if c != "run_id"
        } or None
        history.column_lineage = {c: [(ns, "main.metrics", c, "IDENTITY")] for c in columns} or None
    return inputs, [metrics, history]


DATASETS_BY_STEP: dict[str, Callable[[StepQuery], Datasets]] = {
    "ingest": _ingest_datasets,
    "validate": _validate_datasets,
    "transform": _transform_datasets,
    "publish": _publish_datasets,
}


def step_datasets(
    con,
    step: str,
    run_id: str,
    *,
    warehouse: str | Path | None = None,
    built: list[str] | None = None,
    inbox: str | Path | None = None,
    final: bool = True,
) -> Datasets:
    """(inputs, outputs) of a step, read from the warehouse's lineage tables for the run.

    `final` is False for START events: outputs are named, their facets (schema, counts,
    lineage) left out because they are not written yet.
    """
    ns = warehouse_namespace(warehouse)
    if con is None or step == "run":
        return [], []
    read = DATASETS_BY_STEP.get(step)
    if read is None:
        raise ValueError(f"langkah '{step}' tidak dikenal; pilih salah satu: {', '.join(STEPS)}")
    return read(StepQuery(con, run_id, ns, built=built, inbox=inbox, final=final))


def _recorded_lineage(con, run_id: str, names: list[str]) -> dict[str, dict[str, tuple[list, str]]]:
    if not names or not has_table(con, "lineage.model_columns"):
        return {}
    out: dict[str, dict[str, tuple[list, str]]] = {}
    for model, column, inputs, transformation in con.execute(
        "select model, column_name, inputs, transformation from lineage.model_columns "
        "where run_id = ? and list_contains(?, model) order by model, ordinal",
        [run_id, names],
    ).fetchall():
        parsed = json.loads(inputs) if isinstance(inputs, str) else (inputs or [])
        out.setdefault(model, {})[column] = (parsed, transformation or "TRANSFORMATION")
    return out


def _recorded_rows(con, run_id: str, names: list[str]) -> dict[str, int | None]:
    if not names or not has_table(con, "lineage.models"):
        return {}
    return dict(
        con.execute(
            "select model, row_count from lineage.models where run_id = ? and list_contains(?, model)", [run_id, names]
        ).fetchall()
    )
