"""Validation: run the Great Expectations suite of each input shape over its staged rows.

The suites in expectations/suites/<shape>.json are the single source of the row rules. Each
expectation's meta names the rule id, the column an analyst should look at and the message
in plain words. Rows that fail a `critical` expectation go to quarantine.rows; `warning`
expectations are reported (quarantine.warnings) and the row goes on.

GX runs on pandas frames of at most CHUNK_ROWS rows pulled from DuckDB, so a province's
month never becomes one frame. A row-wise expectation sees the distinct value tuples of its
columns rather than every row, and DuckDB joins each failing tuple back to its rows
(expectations/plan.py says which expectations qualify and why); that is what keeps GX from
dominating a run (docs/performance.md). GX is imported lazily, once per process: it takes
seconds to import (the bench prints how long).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from expectations.plan import Group, plan_suite
from transforms.koreksi import store_authorised_approvers
from transforms.models import install_macros, run_models
from transforms.warehouse import scalar

SUITES_DIR = Path(__file__).resolve().parent / "suites"
CHUNK_ROWS = 100_000
INDEX_COLUMNS = ["_file_id", "_row"]
# work tables of one validation (temp: private to the connection, dropped afterwards)
ROWS = "_pantau_validating"
TUPLES = "_pantau_tuples"
FAILED = "_pantau_failed"
TUPLE_ID = "_pantau_tuple"
# GX result: the index of each failing row (or tuple) and nothing we do not read (no value
# lists, no pandas query string of every failing index)
RESULT_FORMAT = {"result_format": "COMPLETE", "return_unexpected_index_query": False, "exclude_unexpected_values": True}

# shape -> the staging models that prepare it for its suite and the typed table after it.
# Order matters: the roster is validated first, so the others can be checked against it.
# koreksi last: its rules read the validated roster and SKP rows.
SHAPES = ("pegawai", "pegawai_pin", "presensi_recap", "presensi_scan", "skp", "skm", "layanan", "koreksi")

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
-- the approvers the settings authorise ([koreksi] penyetuju_kepegawaian), read by prep_koreksi
create table if not exists staging.koreksi_penyetuju (nip varchar);
create table if not exists lineage.suites (
    run_id       varchar,
    suite        varchar,      -- input shape, metrics, or ref.<table>
    kind         varchar,      -- masukan (expectations/suites/*.json) or referensi (from reference_tables.csv)
    sha256       varchar,      -- of `definition` as text
    expectations integer,
    source       varchar,      -- the file it is (input) or is generated from (reference)
    definition   varchar,      -- the suite's JSON
    recorded_at  timestamp default current_timestamp
);
"""
RESULT_COLUMNS = [
    "run_id",
    "shape",
    "file_id",
    "expectation_id",
    "expectation",
    "rule",
    "column",
    "severity",
    "element_count",
    "unexpected",
    "success",
]


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
    expectation_index: int = -1  # position in the suite (orders the failures as the suite does)


def load_suite_doc(shape: str) -> dict:
    return json.loads((SUITES_DIR / f"{shape}.json").read_text(encoding="utf-8"))


_GX_LOCK = threading.Lock()
_GX_STARTUP: dict[str, float] = {}


def _gx():
    """One ephemeral GX context per process, with a pandas datasource for our frames.

    Built under a lock: Prefect may run two validations in threads of one process.
    """
    with _GX_LOCK:
        if "context" not in _GX_STARTUP:
            t = time.perf_counter()
            _GX_STARTUP["context"] = _new_context()
            _GX_STARTUP["seconds"] = time.perf_counter() - t
        return _GX_STARTUP["context"]


def _new_context():
    import logging

    import great_expectations as gx
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults
    from great_expectations.execution_engine import pandas_execution_engine

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # GX fingerprints every pandas batch (an md5 over pd.util.hash_pandas_object of all its
    # cells) for a batch marker nothing reads; on our frames that was two thirds of GX's time.
    # It skips frames above HASH_THRESHOLD bytes, so 0 skips all. Pinned and checked by
    # tests/expectations/test_gx_contract.py: an upgrade that drops the knob fails there.
    pandas_execution_engine.HASH_THRESHOLD = 0
    # no data docs: GX's default ephemeral context makes (and logs at INFO, on a logger of its own
    # level) a temporary docs folder on every run that nothing ever builds
    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False))
    context = gx.get_context(project_config=config, mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    asset = context.data_sources.add_pandas("pantau").add_dataframe_asset("rows")
    batch_definition = asset.add_batch_definition_whole_dataframe("chunk")
    return gx, context, batch_definition


def gx_startup_seconds() -> float | None:
    """How long importing GX and building its context took in this process (None: not yet)."""
    return _GX_STARTUP.get("seconds")


@cache
def _suite(shape: str, positions: tuple[int, ...] | None = None):
    """The suite of a shape, or the part of it at `positions`, registered in the GX context."""
    gx, context, _ = _gx()
    doc = load_suite_doc(shape)
    expectations = doc["expectations"] if positions is None else [doc["expectations"][i] for i in positions]
    name = doc["name"] if positions is None else f"{doc['name']}#{','.join(map(str, positions))}"
    suite = gx.ExpectationSuite(name=name, expectations=expectations, meta=doc.get("meta", {}))
    return context.suites.add_or_update(suite)


@dataclass
class _Outcome:
    """One expectation's result on one frame."""

    position: int  # in the whole suite
    config: object
    hits: list[dict]  # {index column: value} of each failing row or tuple
    observed: str | None  # a table-level failure's observation (no row to point at)
    failed_table: bool

    @property
    def meta(self) -> dict:
        return self.config.meta or {}

    @property
    def column(self) -> str:
        return self.meta.get("column", self.config.kwargs.get("column"))

    @property
    def severity(self) -> str:
        return str(getattr(self.config, "severity", "critical") or "critical")

    def failure(self, shape: str, file_id: int, row: int, value: str | None) -> Failure:
        return Failure(
            file_id,
            row,
            shape,
            self.column,
            value,
            self.meta.get("rule", self.config.type),
            self.config.type,
            self.meta.get("message", self.config.type),
            self.severity,
            self.config.id,
            self.position,
        )

    def summary(self) -> dict:
        return {
            "expectation_id": self.config.id,
            "expectation": self.config.type,
            "rule": self.meta.get("rule"),
            "column": self.column,
            "severity": self.severity,
            "expectation_index": self.position,
        }


def _run_gx(
    shape: str, frame: pd.DataFrame, parameters: dict, positions: tuple[int, ...] | None, index_columns: list[str]
) -> list[_Outcome]:
    """Run (part of) a shape's suite over one frame; raise if an expectation could not run."""
    _, _, batch_definition = _gx()
    suite = _suite(shape, positions)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        suite,
        expectation_parameters=parameters,
        result_format=RESULT_FORMAT | {"unexpected_index_column_names": index_columns},
    )
    outcomes = []
    for k, res in enumerate(result.results):
        config = res.expectation_config
        broken = _exception_message(res.exception_info)
        if broken is not None:
            # an expectation that could not run must never pass silently
            raise ValidationError(
                f"suite {shape}: {config.type} on {config.kwargs.get('column')} failed to run: {broken}"
            )
        hits = _index_entries(res.result.get("unexpected_index_list") or [], index_columns)
        observed = None
        if not res.success and not hits:  # a table-level expectation: no row to point at
            found = (
                res.result.get("partial_missing_list") or res.result.get("observed_value") or res.result.get("details")
            )
            observed = None if found is None else str(found)[:300]
        outcomes.append(
            _Outcome(k if positions is None else positions[k], config, hits, observed, not res.success and not hits)
        )
    return outcomes


def _index_entries(found: list[dict], index_columns: list[str]) -> list[dict]:
    """GX's unexpected_index_list as one {index column: value} per failing row.

    With `exclude_unexpected_values` GX 1.24 gives the columns of all failing rows at once,
    [{"_file_id": [1, 1], "_row": [4, 9]}]; without it, one dict per row. Both are read; any
    other shape stops the run (tests/expectations/test_gx_contract.py pins it).
    """
    entries: list[dict] = []
    for item in found:
        if not isinstance(item, dict) or not set(index_columns) <= set(item):
            raise ValidationError(f"GX returned failing rows in an unknown form: {str(item)[:200]}")
        values = [item[c] for c in index_columns]
        if all(isinstance(v, (list, tuple)) for v in values):
            if len({len(v) for v in values}) != 1:
                raise ValidationError("GX returned index columns of different lengths")
            entries.extend(dict(zip(index_columns, row, strict=True)) for row in zip(*values, strict=True))
        else:
            entries.append({c: item[c] for c in index_columns})
    return entries


def validate_frame(shape: str, frame: pd.DataFrame, parameters: dict) -> tuple[list[Failure], list[dict]]:
    """Run one shape's whole suite over one frame of rows; return (failures, per-expectation summary)."""
    outcomes = _run_gx(shape, frame, parameters, None, INDEX_COLUMNS)
    return _row_failures(shape, outcomes, frame), [o.summary() | {"unexpected": len(o.hits)} for o in outcomes]


def _row_failures(shape: str, outcomes: list[_Outcome], frame: pd.DataFrame) -> list[Failure]:
    """Failures of outcomes whose hits are (_file_id, _row) of `frame`, each with its value."""
    lookup = frame.set_index(INDEX_COLUMNS)
    failures = []
    for o in outcomes:
        if o.failed_table:
            failures.append(o.failure(shape, 0, -1, o.observed))
        for hit in o.hits:
            key = (int(hit["_file_id"]), int(hit["_row"]))
            value = None
            if o.column in lookup.columns:
                raw = lookup.at[key, o.column]
                value = None if _isna(raw) else str(raw)
            failures.append(o.failure(shape, key[0], key[1], value))
    return failures


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
    con: duckdb.DuckDBPyConnection, as_of: date, run_id: str | None = None, progress=None, dedupe: bool = True
) -> dict[str, dict]:
    """Re-validate every current raw row and rebuild quarantine and the staging tables.

    Returns {shape: {"rows": n, "quarantined": n, "warnings": n}}. `dedupe=False` shows GX
    every row (slow; the tests compare both).
    """
    con.execute(VALIDATION_DDL)
    install_macros(con)
    record_suites(
        con,
        run_id,
        [
            (
                shape,
                "masukan",
                (SUITES_DIR / f"{shape}.json").read_text(encoding="utf-8"),
                f"expectations/suites/{shape}.json",
            )
            for shape in SHAPES
        ],
    )
    con.execute("delete from quarantine.rows")
    con.execute("delete from quarantine.warnings")
    # lines the CSV reader could not split into the header's columns
    con.execute(
        "insert into quarantine.rows select r._file_id, r._row, f.shape, null, r.line, 'row_malformed', "
        "'csv_reader', case when f.format = 'attlog' "
        "then 'baris log mesin sidik jari harus berisi PIN, tanggal jam (2026-10-01 07:24:11) lalu kode mesin; "
        "perbaiki atau hapus baris itu: ' "
        "else 'baris tidak sesuai jumlah kolom judul atau tanda kutip tidak tertutup: ' end || r.error, ? "
        "from raw._rejects r join lineage.files f on f.file_id = r._file_id",
        [run_id],
    )
    run_models(con, ["staging.unit_aliases"])
    store_authorised_approvers(con)
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
        failures, summary = _validate_shape(con, shape, parameters, dedupe=dedupe)
        _store(con, shape, failures, summary, run_id)
        run_models(con, [f"staging.stg_{shape}"])
        totals[shape] = {
            "rows": scalar(con, f"select count(*) from raw.{shape}"),
            "quarantined": scalar(
                con, 'select count(distinct (file_id, "row")) from quarantine.rows where shape = ?', [shape]
            ),
            "warnings": sum(1 for f in failures if _severity_name(f.severity) != "critical"),
        }
    return totals


def _validate_shape(
    con, shape: str, parameters: dict, relation: str | None = None, dedupe: bool = True
) -> tuple[list[Failure], list[dict]]:
    """Validate a relation (default staging.prep_<shape>); summarise each expectation per file.

    A view (the prep models are views) has the columns the suite reads copied once into a temp
    table, so it is computed once rather than once per frame; a table is read as it is.
    Row-wise expectations run on the distinct value tuples of their columns
    (expectations/plan.py), the rest on the rows, both in frames of at most CHUNK_ROWS.
    `dedupe=False` runs everything on the rows (the reference the tests compare with).
    """

    source = relation or f"staging.prep_{shape}"
    doc = load_suite_doc(shape)
    described = con.execute(f"select * from {source} limit 0").description
    columns = [d[0] for d in described]
    groups = plan_suite(doc["expectations"], columns, dedupe=dedupe, types={d[0]: str(d[1]) for d in described})
    metas = [m for m in dict.fromkeys(_meta_column(e) for e in doc["expectations"]) if m in columns]
    keep = list(dict.fromkeys(INDEX_COLUMNS + [c for g in groups for c in g.columns] + metas))
    copy = not _is_table(con, source)
    rows = ROWS if copy else source
    if copy:
        con.execute(f"create or replace temp table {ROWS} as select {_names(keep)} from {source}")
    try:
        rows_per_file = dict(con.execute(f"select _file_id, count(*) from {rows} group by 1 order by 1").fetchall())
        outcomes: list[_Outcome] = []
        failures: list[Failure] = []
        if rows_per_file:  # GX never sees an empty relation (nothing to check, nothing to report)
            for group in groups:
                group_outcomes, group_failures = _validate_group(con, shape, group, parameters, rows, metas)
                outcomes.extend(group_outcomes)
                failures.extend(group_failures)
    finally:
        for table in (ROWS, TUPLES) if copy else (TUPLES,):
            con.execute(f"drop table if exists {table}")
    # the order of the suite, then of the rows: as GX reports one frame
    failures.sort(key=lambda f: (f.expectation_index, f.file_id, f.row))
    return failures, _per_file_summary(outcomes, failures, rows_per_file)


def _per_file_summary(outcomes: list[_Outcome], failures: list[Failure], rows_per_file: dict) -> list[dict]:
    """One entry per (file, expectation) in suite order: rows checked and rows that failed."""
    summary: dict[tuple[int, str], dict] = {}
    for o in sorted({o.position: o for o in outcomes}.values(), key=lambda o: o.position):
        for file_id, n in rows_per_file.items():
            summary[(int(file_id), o.config.id)] = {
                k: v for k, v in o.summary().items() if k != "expectation_index"
            } | {"file_id": int(file_id), "element_count": int(n), "unexpected": 0}
    for f in failures:
        if (f.file_id, f.expectation_id) in summary:
            summary[(f.file_id, f.expectation_id)]["unexpected"] += 1
    return list(summary.values())


def _validate_group(
    con, shape: str, group: Group, parameters: dict, rows: str, metas: list[str]
) -> tuple[list[_Outcome], list[Failure]]:
    positions = tuple(group.expectations)
    if group.mode == "rows":
        outcomes: list[_Outcome] = []
        failures: list[Failure] = []
        result = con.execute(f"select * from {rows} order by _file_id, _row")
        for frame in _frames(result):
            batch = _run_gx(shape, frame, parameters, positions, INDEX_COLUMNS)
            outcomes.extend(batch)
            failures.extend(_row_failures(shape, batch, frame))
        return outcomes, failures
    # the distinct value tuples; NULL is a value like any other here (GX sees it as NaN/None)
    cols = _names(group.columns)
    con.execute(
        f"create or replace temp table {TUPLES} as "
        f"select (row_number() over () - 1)::bigint as {TUPLE_ID}, * from (select distinct {cols} from {rows})"
    )
    result = con.execute(f"select * from {TUPLES} order by {TUPLE_ID}")
    frames = [result.df()] if group.mode == "set" else _frames(result)
    outcomes, failed = [], []
    for frame in frames:
        for o in _run_gx(shape, frame, parameters, positions, [TUPLE_ID]):
            outcomes.append(o)
            failed.extend((o.position, int(hit[TUPLE_ID])) for hit in o.hits)
    failures = [o.failure(shape, 0, -1, o.observed) for o in outcomes if o.failed_table]
    if failed:
        failures.extend(_trace_to_rows(con, shape, group, outcomes, failed, rows, metas))
    return outcomes, failures


def _trace_to_rows(
    con, shape: str, group: Group, outcomes: list[_Outcome], failed: list[tuple[int, int]], rows: str, metas: list[str]
) -> list[Failure]:
    """Every row of every failing tuple, with the value of the column its rule names."""
    by_position = {o.position: o for o in outcomes}
    con.register(FAILED, pd.DataFrame(failed, columns=["_position", TUPLE_ID]))
    try:
        same = " and ".join(f"r.{c} is not distinct from t.{c}" for c in _quoted(group.columns))
        meta_cols = "".join(f", r.{c}" for c in _quoted(metas))
        frame = con.execute(f"""
            select f._position, r._file_id, r._row{meta_cols}
            from {FAILED} f join {TUPLES} t using ({TUPLE_ID}) join {rows} r on {same}
            order by f._position, r._file_id, r._row""").df()
    finally:
        con.unregister(FAILED)
    failures = []
    for record in frame.itertuples(index=False, name=None):
        position, file_id, row, values = record[0], record[1], record[2], dict(zip(metas, record[3:], strict=True))
        o = by_position[int(position)]
        raw = values.get(o.column)
        value = None if o.column not in values or _isna(raw) else str(raw)
        failures.append(o.failure(shape, int(file_id), int(row), value))
    return failures


def _is_table(con, relation: str) -> bool:
    """Whether `relation` names a stored table (not a view, not a subquery)."""
    parts = relation.split(".")
    if len(parts) > 2 or not all(p.replace("_", "").isalnum() for p in parts):
        return False
    schema, name = parts if len(parts) == 2 else (None, parts[0])
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where table_name = ? and (? is null or schema_name = ?)",
            [name, schema, schema],
        ).fetchone()[0]
    )


def _frames(result):
    """Frames of at most ~CHUNK_ROWS rows from a DuckDB result (it fetches in vectors of 2048)."""
    while True:
        frame = result.fetch_df_chunk(max(1, CHUNK_ROWS // 2048))
        if frame is None or frame.empty:
            return
        yield frame


def _meta_column(expectation: dict) -> str | None:
    return (expectation.get("meta") or {}).get("column", expectation.get("kwargs", {}).get("column"))


def _quoted(columns) -> list[str]:
    return ['"' + c.replace('"', '""') + '"' for c in columns]


def _names(columns) -> str:
    return ", ".join(_quoted(columns))


def _store(con, shape: str, failures: list[Failure], summary: list[dict], run_id: str | None) -> None:
    rows = [
        (
            f.file_id,
            f.row,
            f.shape,
            f.column,
            f.value,
            f.rule,
            f.expectation,
            f.message,
            run_id,
            _severity_name(f.severity),
        )
        for f in failures
    ]
    if rows:
        frame = pd.DataFrame(
            rows,
            columns=[
                "file_id",
                "row",
                "shape",
                "column",
                "value",
                "rule",
                "expectation",
                "message",
                "run_id",
                "severity",
            ],
        )
        con.register("_failures", frame)
        cols = 'file_id, "row", shape, "column", value, rule, expectation, message, run_id'
        con.execute(f"insert into quarantine.rows select {cols} from _failures where severity = 'critical'")
        con.execute(f"insert into quarantine.warnings select {cols} from _failures where severity <> 'critical'")
        con.unregister("_failures")
    record_results(
        con,
        [
            (
                run_id,
                shape,
                s["file_id"],
                s["expectation_id"],
                s["expectation"],
                s["rule"],
                s["column"],
                _severity_name(s["severity"]),
                s["element_count"],
                s["unexpected"],
                s["unexpected"] == 0,
            )
            for s in summary
        ],
    )


def record_results(con, results: list[tuple]) -> None:
    """Rows of lineage.validation_results, in RESULT_COLUMNS order (input and reference suites)."""
    if not results:
        return
    con.execute(VALIDATION_DDL)
    con.register("_summary", pd.DataFrame(results, columns=RESULT_COLUMNS).astype({"file_id": "Int64"}))
    try:
        con.execute("insert into lineage.validation_results select * from _summary")
    finally:
        con.unregister("_summary")


def record_suites(con, run_id: str | None, suites: list[tuple[str, str, str, str]]) -> None:
    """Hash the suites a run used into lineage.suites: [(name, kind, JSON text, source)]."""
    con.execute(VALIDATION_DDL)
    for name, kind, text, source in suites:
        con.execute(
            "insert into lineage.suites (run_id, suite, kind, sha256, expectations, source, definition) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                name,
                kind,
                hashlib.sha256(text.encode("utf-8")).hexdigest(),
                len(json.loads(text).get("expectations", [])),
                source,
                text,
            ],
        )


def validate_metrics(con: duckdb.DuckDBPyConnection, relation: str, units_with_inputs: list[str]) -> list[str]:
    """Output checks on the metrics about to be published (expectations/suites/metrics.json).

    `relation` has the metrics columns plus `copies` (rows sharing its metric_id) and
    `_file_id`/`_row` (0 and an ordinal) so the same runner applies. Returns one message per
    failing metric; an empty list means publishable.
    """
    failures, _ = _validate_shape(con, "metrics", {"units_with_inputs": units_with_inputs}, relation=relation)
    rows = sorted({f.row for f in failures if f.row >= 0})
    ids = (
        dict(
            con.execute(
                f"select _row, metric_id from {relation} where _row in (select unnest(?::bigint[]))", [rows]
            ).fetchall()
        )
        if rows
        else {}
    )
    messages = []
    for f in failures:
        if f.row in ids:
            messages.append(f"{ids[f.row]}: {f.message} (nilai {f.value}) [{f.rule}]")
        else:  # table-level expectation (no row)
            messages.append(f"{f.message}: {f.value} [{f.rule}]")
    return messages
