"""Model lineage: which SQL built which table in a run, and which columns each column came from.

`record_models(con, run_id, built)` runs right after the transform step. For every model built
it stores the SQL text exactly as run, its sha256, the tables it read (inputs), the table it
wrote (output), its columns, the versions (sha256) of the reference tables it read, its declared
grain and the result of the grain check run after its build (transforms/grain.py), and the
column lineage derived from the SQL with sqlglot's lineage module. Deriving the lineage of a
column may fail (a construct sqlglot cannot follow, e.g. UNPIVOT); that column is recorded with
the error and the run goes on. Unchanged SQL over unchanged input schemas reuses the lineage
recorded earlier, so a run pays for the parse only when a model or its inputs change.

Tables (schema lineage):
  models          one row per model per run
  model_columns   one row per output column per model per run, with its input columns
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from transforms.grain import declared_grain, recorded_checks
from transforms.models import Model, discover_models, upstream
from transforms.warehouse import has_table, records

LINEAGE_DDL = """
create table if not exists lineage.models (
    run_id           varchar,
    model            varchar,      -- schema.table
    path             varchar,      -- the .sql file, relative to the project
    materialized     varchar,      -- view | table
    sql_text         varchar,      -- the SQL as run
    sha256           varchar,      -- of sql_text
    inputs           json,         -- every table it reads: models, raw.*, ref.*, quarantine.*
    depends_on       json,         -- the inputs that are models themselves
    outputs          json,         -- the table it writes (one)
    columns          json,         -- [{name, type}]
    reference_tables json,         -- [{name, sha256}] of the ref.* inputs, as loaded for the run
    row_count        bigint,       -- rows in the output after the build (NULL for views)
    lineage_key      varchar,      -- sha256 of sql_text and the input schemas: equal key, equal lineage
    lineage_errors   integer,      -- columns whose lineage could not be derived
    recorded_at      timestamp default current_timestamp,
    grain            json,         -- the header's `-- grain:` columns: one row per key
    grain_check      json          -- {result, period_column, periods, duplicate_keys} (transforms/grain.py);
                                   -- NULL: not checked in this run
);
-- a warehouse made before grains were declared
alter table lineage.models add column if not exists grain json;
alter table lineage.models add column if not exists grain_check json;
create table if not exists lineage.model_columns (
    run_id          varchar,
    model           varchar,
    column_name     varchar,
    ordinal         integer,
    column_type     varchar,
    inputs          json,          -- [{table, column}] the source columns the value is computed from
    transformation  varchar,       -- IDENTITY | TRANSFORMATION | AGGREGATION (OpenLineage subtypes)
    error           varchar        -- why the lineage could not be derived (inputs then empty)
);
"""

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _cache_dir() -> Path:
    """Derived column lineage, shared by every warehouse on this machine: deriving it with sqlglot
    takes seconds per run of a new warehouse, and it depends only on the SQL and input schemas."""
    base = os.environ.get("PANTAU_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pantau-kinerja"
    )
    return Path(base) / "column-lineage"


def cached_column_lineage(sql: str, schema: dict, key: str) -> dict[str, dict]:
    """column_lineage(sql, schema), from the cache when `key` (sha256 of SQL + schemas) was
    derived before. A cache that cannot be read or written is skipped, never an error."""
    path = _cache_dir() / f"{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    derived = column_lineage(sql, schema)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(derived, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return derived


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(LINEAGE_DDL)


# ---------------------------------------------------------------- schema of the warehouse


def table_columns(con: duckdb.DuckDBPyConnection, tables: set[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """{schema.table: [(column, type), ...]} in column order, for the tables asked (all if None)."""
    rows = con.execute(
        "select table_schema || '.' || table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() order by table_schema, table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        if tables is None or table in tables:
            out.setdefault(table, []).append((column, dtype))
    return out


def _schema_mapping(columns: dict[str, list[tuple[str, str]]]) -> dict:
    mapping: dict = {}
    for table, cols in columns.items():
        db, name = table.split(".", 1)
        mapping.setdefault(db, {})[name] = {c: t for c, t in cols}
    return mapping


def reference_versions(
    con: duckdb.DuckDBPyConnection, run_id: str | None, names: list[str] | None = None
) -> list[dict]:
    """The reference tables as loaded for `run_id` (or, when that run recorded none, the latest load).

    Returns [{name, path, sha256, rows, run_id, loaded_at, for_run}] sorted by name; `for_run` is
    False when the version shown is the latest load rather than one recorded for the run.
    """
    if names is not None and not names:
        return []
    return records(
        con,
        """
        with ranked as (
            select *, run_id is not distinct from $run_id as for_run,
                   row_number() over (partition by name
                                      order by (run_id is not distinct from $run_id) desc, loaded_at desc) as pick
            from lineage.reference_tables
            where $names is null or list_contains($names, name)
        )
        select name, path, sha256, rows, run_id, loaded_at, for_run from ranked where pick = 1 order by name""",
        {"run_id": run_id, "names": None if names is None else list(names)},
    )


# ---------------------------------------------------------------- column lineage


@contextmanager
def _quiet_sqlglot():
    # sqlglot logs a warning for each scope it cannot traverse (e.g. UNPIVOT); the column's
    # error is recorded instead.
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def column_lineage(sql: str, schema: dict) -> dict[str, dict]:
    """{output column: {"inputs": [{table, column}], "transformation": str, "error": str | None}}.

    Qualifies the query once against the schema of its inputs, then follows each output column
    to the table columns it reads. A column that cannot be followed gets an error and no inputs;
    if the query itself cannot be qualified every column gets that error (the caller records it).
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.lineage import lineage
    from sqlglot.optimizer.qualify import qualify
    from sqlglot.optimizer.scope import build_scope
    from sqlglot.schema import MappingSchema

    with _quiet_sqlglot():
        mapping = MappingSchema(schema, dialect="duckdb")
        tree = sqlglot.parse_one(sql, read="duckdb")
        qualified = qualify(tree, dialect="duckdb", schema=mapping, validate_qualify_columns=False, identify=False)
        scope = build_scope(qualified)
        if scope is None:
            raise ValueError("not a SELECT")
        result: dict[str, dict] = {}
        for select in scope.expression.selects:
            name = select.alias_or_name
            try:
                node = lineage(name, qualified, mapping, dialect="duckdb", scope=scope)
                inputs: set[tuple[str, str]] = set()
                kind = "IDENTITY"
                for n in node.walk():
                    if isinstance(n.expression, exp.Table):
                        table = n.expression
                        inputs.add((f"{table.db}.{table.name}" if table.db else table.name, n.name.split(".")[-1]))
                        continue
                    expr = n.expression.unalias() if isinstance(n.expression, exp.Alias) else n.expression
                    if expr.find(exp.AggFunc) is not None:
                        kind = "AGGREGATION"
                    elif not isinstance(expr, exp.Column) and kind == "IDENTITY":
                        kind = "TRANSFORMATION"
                if not inputs and kind == "IDENTITY":
                    kind = "TRANSFORMATION"  # a constant or an expression over no table column
                result[name] = {
                    "inputs": [{"table": t, "column": c} for t, c in sorted(inputs)],
                    "transformation": kind,
                    "error": None,
                }
            except Exception as exc:  # one column's failure never fails the run
                result[name] = {
                    "inputs": [],
                    "transformation": None,
                    "error": f"{type(exc).__name__}: {str(exc)[:300]}",
                }
        return result


# ---------------------------------------------------------------- recording


def _relative(model: Model) -> str:
    try:
        return model.path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return model.path.as_posix()


def record_models(con: duckdb.DuckDBPyConnection, run_id: str, built: list[str], reuse: bool = True) -> int:
    """Record the models built in `run_id`: SQL, sha256, inputs, outputs, columns, column lineage.

    Call it right after the models are built (the output tables must exist). Recording again for
    the same run and model replaces the earlier record. With `reuse`, the column lineage of an
    earlier run with the same SQL and input schemas is copied instead of derived again. Returns
    the number of models recorded.
    Without `reuse`, the lineage is derived again (neither the warehouse nor the machine's cache).
    """
    ensure_tables(con)
    models = discover_models()
    names = [n for n in built if n in models]
    if not names:
        return 0
    wanted = set(names)
    for n in names:
        wanted |= models[n].reads
    columns = table_columns(con, wanted)
    refs_needed = sorted({r.split(".", 1)[1] for n in names for r in models[n].reads if r.startswith("ref.")})
    ref_versions = {r["name"]: r["sha256"] for r in reference_versions(con, run_id, refs_needed)}
    context = _RecordContext(
        run_id=run_id, columns=columns, ref_versions=ref_versions, grain_checks=recorded_checks(con, names), reuse=reuse
    )
    for name in names:
        _record_model(con, name, models[name], context)
    return len(names)


@dataclass(frozen=True)
class _RecordContext:
    """What every model of one record_models call shares."""

    run_id: str
    columns: dict[str, list[tuple[str, str]]]  # table_columns of the models and all they read
    ref_versions: dict[str, str]  # reference table -> sha256 as loaded for the run
    grain_checks: dict[str, str]  # model -> its grain check (transforms/grain.py)
    reuse: bool


def _record_model(con: duckdb.DuckDBPyConnection, name: str, model: Model, context: _RecordContext) -> None:
    """One model's rows of lineage.models and lineage.model_columns (replacing the run's earlier ones)."""
    run_id = context.run_id
    sql_sha = hashlib.sha256(model.sql.encode("utf-8")).hexdigest()
    input_schema = {t: context.columns.get(t, []) for t in sorted(model.reads)}
    key = hashlib.sha256((model.sql + json.dumps(input_schema, sort_keys=True)).encode("utf-8")).hexdigest()
    out_cols = context.columns.get(name, [])
    cached = (
        con.execute(
            "select run_id from lineage.models where model = ? and lineage_key = ? and run_id <> ? "
            "and lineage_errors = 0 order by recorded_at desc limit 1",
            [name, key, run_id],
        ).fetchall()
        if context.reuse
        else []
    )
    con.execute("delete from lineage.models where run_id = ? and model = ?", [run_id, name])
    con.execute("delete from lineage.model_columns where run_id = ? and model = ?", [run_id, name])
    if cached:
        con.execute(
            "insert into lineage.model_columns select ?, model, column_name, ordinal, column_type, inputs, "
            "transformation, error from lineage.model_columns where run_id = ? and model = ?",
            [run_id, cached[0][0], name],
        )
    else:
        rows = _column_rows(
            model, run_id=run_id, name=name, input_schema=input_schema, key=key, out_cols=out_cols, reuse=context.reuse
        )
        if rows:
            con.executemany("insert into lineage.model_columns values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    errors = con.execute(
        "select count(*) from lineage.model_columns where run_id = ? and model = ? and error is not null",
        [run_id, name],
    ).fetchall()[0][0]
    row_count = None
    if model.materialized == "table" and out_cols:
        row_count = con.execute(f"select count(*) from {name}").fetchall()[0][0]
    refs = [
        {"name": r.split(".", 1)[1], "sha256": context.ref_versions.get(r.split(".", 1)[1])}
        for r in sorted(model.reads)
        if r.startswith("ref.")
    ]
    con.execute(
        "insert into lineage.models (run_id, model, path, materialized, sql_text, sha256, inputs, depends_on, "
        "outputs, columns, reference_tables, row_count, lineage_key, lineage_errors, grain, grain_check) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            name,
            _relative(model),
            model.materialized,
            model.sql,
            sql_sha,
            json.dumps(sorted(model.reads)),
            json.dumps(sorted(model.depends_on)),
            json.dumps([name]),
            json.dumps([{"name": c, "type": t} for c, t in out_cols]),
            json.dumps(refs),
            row_count,
            key,
            errors,
            json.dumps(list(declared_grain(model.sql))),
            context.grain_checks.get(name),
        ],
    )


def _column_rows(
    model: Model, *, run_id: str, name: str, input_schema: dict, key: str, out_cols: list[tuple[str, str]], reuse: bool
) -> list[list]:
    """Rows of lineage.model_columns for one model, its column lineage derived (or from the machine's cache)."""
    try:
        schema = _schema_mapping({t: c for t, c in input_schema.items() if c})
        derived = cached_column_lineage(model.sql, schema, key) if reuse else column_lineage(model.sql, schema)
    except Exception as exc:
        message = f"{type(exc).__name__}: {str(exc)[:300]}"
        derived = {c: {"inputs": [], "transformation": None, "error": message} for c, _ in out_cols}
    types = dict(out_cols)
    order = [c for c, _ in out_cols] or list(derived)
    rows = []
    for i, col in enumerate(order, start=1):
        d = derived.get(col) or {"inputs": [], "transformation": None, "error": "column not found in the parsed query"}
        rows.append([run_id, name, col, i, types.get(col), json.dumps(d["inputs"]), d["transformation"], d["error"]])
    return rows


# ---------------------------------------------------------------- reading it back


def model_chain(target: str | list[str], models: dict[str, Model] | None = None) -> list[str]:
    """The models `target` is built from, and the targets themselves, sources first."""
    models = models or discover_models()
    targets = [target] if isinstance(target, str) else list(target)
    names = upstream(targets, models)
    graph = {n: models[n].depends_on & names for n in names}
    return list(TopologicalSorter(graph).static_order())


def recorded_models(con: duckdb.DuckDBPyConnection, run_id: str | None, names: list[str]) -> dict[str, dict]:
    """{model: record} for the models of `names` recorded for `run_id` (the latest record when the
    run recorded none; `for_run` says which)."""
    if not names or not has_table(con, "lineage.models"):
        return {}
    marks = ", ".join("?" for _ in names)
    rows = records(
        con,
        f"""
        with ranked as (
            select *, run_id is not distinct from ? as for_run,
                   row_number() over (partition by model order by (run_id is not distinct from ?) desc,
                                      recorded_at desc) as pick
            from lineage.models where model in ({marks})
        )
        select model, run_id, path, materialized, sql_text, sha256, inputs, depends_on, outputs, columns,
               reference_tables, row_count, lineage_errors, recorded_at, grain, grain_check, for_run
        from ranked where pick = 1""",
        [run_id, run_id, *names],
    )
    out = {}
    for rec in rows:
        for k in ("inputs", "depends_on", "outputs", "columns", "reference_tables", "grain", "grain_check"):
            rec[k] = json.loads(rec[k]) if isinstance(rec[k], str) else rec[k]
        out[rec["model"]] = rec
    return out


def recorded_columns(con: duckdb.DuckDBPyConnection, run_id: str, model: str) -> list[dict]:
    """The column lineage recorded for a model in a run: [{column, type, inputs, transformation, error}]."""
    if not has_table(con, "lineage.model_columns"):
        return []
    rows = con.execute(
        "select column_name, column_type, inputs, transformation, error from lineage.model_columns "
        "where run_id = ? and model = ? order by ordinal",
        [run_id, model],
    ).fetchall()
    return [
        {"column": c, "type": t, "inputs": json.loads(i) if isinstance(i, str) else i, "transformation": tr, "error": e}
        for c, t, i, tr, e in rows
    ]


__all__ = [
    "record_models",
    "column_lineage",
    "reference_versions",
    "model_chain",
    "recorded_models",
    "recorded_columns",
    "table_columns",
    "ensure_tables",
]
