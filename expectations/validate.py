"""Validation: run the Great Expectations suite of each input shape over its staged rows.

The suites in expectations/suites/<shape>.json are the single source of the row rules. Each
expectation's meta names the rule id, the column an analyst should look at and the message
in plain words. Rows that fail a `critical` expectation go to quarantine.rows; `warning`
expectations are reported (quarantine.warnings) and the row goes on.

GX runs on pandas batches of at most CHUNK_ROWS rows pulled from DuckDB, so a province's
month never becomes one frame. GX is imported lazily: it takes seconds to import.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from transforms.models import install_macros, run_models
from transforms.warehouse import scalar

SUITES_DIR = Path(__file__).resolve().parent / "suites"
CHUNK_ROWS = 100_000
INDEX_COLUMNS = ["_file_id", "_row"]

# shape -> the staging models that prepare it for its suite and the typed table after it.
# Order matters: the roster is validated first, so the others can be checked against it.
SHAPES = ("pegawai", "presensi_recap", "presensi_scan", "skp", "skm", "layanan")

VALIDATION_DDL = """
create table if not exists quarantine.warnings as select * from quarantine.rows limit 0;
create table if not exists lineage.validation_results (
    run_id          varchar,
    shape           varchar,
    file_id         integer,
    expectation_id  varchar,
    expectation     varchar,
    rule            varchar,
    "column"        varchar,
    severity        varchar,
    element_count   bigint,
    unexpected      bigint,
    success         boolean
);
"""


class ValidationError(Exception):
    """The validation itself broke (a suite refers to a missing column, GX raised)."""


@dataclass
class Failure:
    file_id: int
    row: int
    shape: str
    column: str
    value: str | None
    rule: str
    expectation: str
    message: str
    severity: str
    expectation_id: str


def load_suite_doc(shape: str) -> dict:
    return json.loads((SUITES_DIR / f"{shape}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _gx():
    """One ephemeral GX context per process, with a pandas datasource for our batches."""
    import logging
    import warnings

    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # our suites keep pandas row conditions (NIP regex), which GX 1.24 runs but calls deprecated
    warnings.filterwarnings("ignore", message="The condition_parser parameter is deprecated")
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    asset = context.data_sources.add_pandas("pantau").add_dataframe_asset("rows")
    batch_definition = asset.add_batch_definition_whole_dataframe("chunk")
    return gx, context, batch_definition


@lru_cache(maxsize=None)
def _suite(shape: str):
    gx, context, _ = _gx()
    doc = load_suite_doc(shape)
    suite = gx.ExpectationSuite(name=doc["name"], expectations=doc["expectations"], meta=doc.get("meta", {}))
    return context.suites.add_or_update(suite)


def validate_frame(shape: str, frame: pd.DataFrame, parameters: dict) -> tuple[list[Failure], list[dict]]:
    """Run one shape's suite over one batch; return (failures, per-expectation summary)."""
    _, _, batch_definition = _gx()
    suite = _suite(shape)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        suite,
        expectation_parameters=parameters,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS},
    )
    lookup = frame.set_index(INDEX_COLUMNS)
    failures: list[Failure] = []
    summary: list[dict] = []
    for res in result.results:
        config = res.expectation_config
        meta = config.meta or {}
        broken = _exception_message(res.exception_info)
        if broken is not None:
            # an expectation that could not run must never pass silently
            raise ValidationError(
                f"suite {shape}: {config.type} on {config.kwargs.get('column')} failed to run: {broken}"
            )
        unexpected = res.result.get("unexpected_index_list") or []
        column = meta.get("column", config.kwargs.get("column"))
        if not res.success and not unexpected:  # a table-level expectation: no row to point at
            observed = (res.result.get("partial_missing_list") or res.result.get("observed_value")
                        or res.result.get("details"))
            failures.append(Failure(
                0, -1, shape, column, None if observed is None else str(observed)[:300],
                meta.get("rule", config.type), config.type, meta.get("message", config.type),
                str(getattr(config, "severity", "critical") or "critical"), config.id,
            ))
        for hit in unexpected:
            key = (int(hit["_file_id"]), int(hit["_row"]))
            value = None
            if column in lookup.columns:
                raw = lookup.at[key, column]
                value = None if _isna(raw) else str(raw)
            failures.append(Failure(
                key[0], key[1], shape, column, value, meta.get("rule", config.type), config.type,
                meta.get("message", config.type), str(getattr(config, "severity", "critical") or "critical"),
                config.id,
            ))
        summary.append({
            "expectation_id": config.id, "expectation": config.type, "rule": meta.get("rule"),
            "column": column, "severity": str(getattr(config, "severity", "critical") or "critical"),
            "unexpected": len(unexpected),
        })
    return failures, summary


def _exception_message(info) -> str | None:
    """The error of an expectation that raised, also when GX nests it per metric."""
    if not info:
        return None
    if "raised_exception" in info:
        return (info.get("exception_message") or "error") if info.get("raised_exception") else None
    for value in info.values():
        if isinstance(value, dict) and (value.get("raised_exception") or value.get("exception_traceback")):
            lines = (value.get("exception_message") or value.get("exception_traceback") or "error").strip().splitlines()
            return lines[-1] if lines else "error"
    return None


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _severity_name(value: str) -> str:
    return value.split(".")[-1].lower()


def validate_warehouse(
    con: duckdb.DuckDBPyConnection, as_of: date, run_id: str | None = None, progress=None
) -> dict[str, dict]:
    """Re-validate every current raw row and rebuild quarantine and the staging tables.

    Returns {shape: {"rows": n, "quarantined": n, "warnings": n}}.
    """
    con.execute(VALIDATION_DDL)
    install_macros(con)
    con.execute("delete from quarantine.rows")
    con.execute("delete from quarantine.warnings")
    # lines the CSV reader could not split into the header's columns
    con.execute(
        "insert into quarantine.rows select r._file_id, r._row, f.shape, null, r.line, 'row_malformed', "
        "'csv_reader', 'baris tidak sesuai jumlah kolom judul atau tanda kutip tidak tertutup: ' || r.error, ? "
        "from raw._rejects r join lineage.files f on f.file_id = r._file_id",
        [run_id],
    )
    run_models(con, ["staging.unit_aliases"])
    totals: dict[str, dict] = {}
    parameters = {"as_of": pd.Timestamp(as_of)}
    for shape in SHAPES:
        if scalar(con, f"select count(*) from raw.{shape}") == 0:
            run_models(con, [f"staging.prep_{shape}", f"staging.stg_{shape}"])
            totals[shape] = {"rows": 0, "quarantined": 0, "warnings": 0}
            continue
        if progress:
            progress(f"memeriksa {shape}")
        run_models(con, [f"staging.prep_{shape}"])
        failures, summary = _validate_shape(con, shape, parameters)
        _store(con, shape, failures, summary, run_id)
        run_models(con, [f"staging.stg_{shape}"])
        totals[shape] = {
            "rows": scalar(con, f"select count(*) from raw.{shape}"),
            "quarantined": scalar(con, "select count(distinct (file_id, \"row\")) from quarantine.rows where shape = ?", [shape]),
            "warnings": sum(1 for f in failures if _severity_name(f.severity) != "critical"),
        }
    return totals


def _validate_shape(con, shape: str, parameters: dict, relation: str | None = None) -> tuple[list[Failure], list[dict]]:
    """Validate a relation (default staging.prep_<shape>) in chunks; summarise each expectation per file."""
    failures: list[Failure] = []
    summary: dict[tuple[int, str], dict] = {}
    result = con.execute(f"select * from {relation or 'staging.prep_' + shape} order by _file_id, _row")
    while True:
        frame = result.fetch_df_chunk(max(1, CHUNK_ROWS // 2048))
        if frame is None or frame.empty:
            break
        batch_failures, expectations = validate_frame(shape, frame, parameters)
        failures.extend(batch_failures)
        rows_per_file = frame.groupby("_file_id").size().to_dict()
        for item in expectations:
            for file_id, n in rows_per_file.items():
                entry = summary.setdefault(
                    (int(file_id), item["expectation_id"]),
                    {k: v for k, v in item.items() if k != "unexpected"} | {"file_id": int(file_id), "element_count": 0, "unexpected": 0},
                )
                entry["element_count"] += int(n)
        for f in batch_failures:
            if (f.file_id, f.expectation_id) in summary:
                summary[(f.file_id, f.expectation_id)]["unexpected"] += 1
    return failures, list(summary.values())


def _store(con, shape: str, failures: list[Failure], summary: list[dict], run_id: str | None) -> None:
    rows = [
        (f.file_id, f.row, f.shape, f.column, f.value, f.rule, f.expectation, f.message, run_id, _severity_name(f.severity))
        for f in failures
    ]
    if rows:
        frame = pd.DataFrame(rows, columns=["file_id", "row", "shape", "column", "value", "rule", "expectation",
                                            "message", "run_id", "severity"])
        con.register("_failures", frame)
        cols = 'file_id, "row", shape, "column", value, rule, expectation, message, run_id'
        con.execute(f"insert into quarantine.rows select {cols} from _failures where severity = 'critical'")
        con.execute(f"insert into quarantine.warnings select {cols} from _failures where severity <> 'critical'")
        con.unregister("_failures")
    if summary:
        frame = pd.DataFrame([
            (run_id, shape, s["file_id"], s["expectation_id"], s["expectation"], s["rule"], s["column"],
             _severity_name(s["severity"]), s["element_count"], s["unexpected"], s["unexpected"] == 0)
            for s in summary
        ], columns=["run_id", "shape", "file_id", "expectation_id", "expectation", "rule", "column", "severity",
                    "element_count", "unexpected", "success"])
        con.register("_summary", frame)
        con.execute("insert into lineage.validation_results select * from _summary")
        con.unregister("_summary")


def validate_metrics(con: duckdb.DuckDBPyConnection, relation: str, units_with_inputs: list[str]) -> list[str]:
    """Output checks on the metrics about to be published (expectations/suites/metrics.json).

    `relation` has the metrics columns plus `copies` (rows sharing its metric_id) and
    `_file_id`/`_row` (0 and an ordinal) so the same chunked runner applies. Returns one
    message per failing metric; an empty list means publishable.
    """
    frame_sql = f"select * from {relation}"
    failures, _ = _validate_shape(con, "metrics", {"units_with_inputs": units_with_inputs}, relation=f"({frame_sql})")
    ids = dict(con.execute(f"select _row, metric_id from {relation}").fetchall())
    messages = []
    for f in failures:
        if f.row in ids:
            messages.append(f"{ids[f.row]}: {f.message} (nilai {f.value}) [{f.rule}]")
        else:  # table-level expectation (no row)
            messages.append(f"{f.message}: {f.value} [{f.rule}]")
    return messages
