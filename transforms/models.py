"""The SQL model runner: each .sql file under transforms/<schema>/ is one model.

A model file is one SELECT; its header comment says what one row is and carries the lines
`-- grain: col, col` (the columns that make a row unique, checked after each build:
transforms/grain.py) and `-- materialized: view|table`. The runner creates `<schema>.<file name>` from it. The order
comes from the SQL itself: table references are parsed with sqlglot, so there is no second
list of dependencies to keep in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from transforms.grain import check_grain

MODELS_DIR = Path(__file__).resolve().parent
MODEL_SCHEMAS = ("staging", "marts")
MACROS = MODELS_DIR / "macros.sql"


@dataclass(frozen=True)
class Model:
    name: str  # schema.table
    path: Path
    sql: str
    materialized: str  # view | table
    depends_on: frozenset[str]  # other models (schema.table)
    reads: frozenset[str]  # every table it reads, models and sources (raw.*, ref.*, ...)


def _references(sql: str) -> set[str]:
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    refs = set()
    for table in tree.find_all(exp.Table):
        if table.db:
            refs.add(f"{table.db}.{table.name}")
        elif table.name not in ctes:
            refs.add(table.name)
    return refs


@lru_cache(maxsize=1)
def discover_models(root: Path = MODELS_DIR) -> dict[str, Model]:
    models: dict[str, Model] = {}
    for schema in MODEL_SCHEMAS:
        for path in sorted((root / schema).glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            match = re.search(r"--\s*materialized:\s*(view|table)", sql)
            reads = _references(sql)
            models[f"{schema}.{path.stem}"] = Model(
                name=f"{schema}.{path.stem}",
                path=path,
                sql=sql,
                materialized=match.group(1) if match else "table",
                depends_on=frozenset(),
                reads=frozenset(reads),
            )
    names = set(models)
    return {
        name: Model(m.name, m.path, m.sql, m.materialized, frozenset(m.reads & names), m.reads)
        for name, m in models.items()
    }


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MACROS.read_text(encoding="utf-8"))


def upstream(names: list[str], models: dict[str, Model]) -> set[str]:
    """The models named and everything they read from, transitively."""
    seen: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        if name not in models:
            raise KeyError(f"no model named {name}")
        seen.add(name)
        stack.extend(models[name].depends_on)
    return seen


def run_models(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    with_upstream: bool = False,
    period: str | None = None,
    rewrite=None,
    keep=None,
) -> list[str]:
    """Build the models named (and, if asked, what they depend on) in dependency order; each
    model's declared grain is checked once it is built (or kept), over `period`'s rows
    (transforms/grain.py).

    `rewrite(sql)` changes the SQL run (transforms/run_window.py: the run's periods only);
    `keep(name)` returns True for a model whose table may stay as it is (its cache key matched).
    """
    models = discover_models()
    wanted = upstream(names, models) if with_upstream else set(names)
    graph = {n: models[n].depends_on & wanted for n in wanted}
    order = list(TopologicalSorter(graph).static_order())
    for name in order:
        model = models[name]
        if keep is not None and keep(name):
            check_grain(con, model, period)
            continue
        body = (rewrite(model.sql) if rewrite else model.sql).rstrip().rstrip(";")
        try:
            con.execute(f"create or replace {model.materialized} {name} as\n{body}")
        except duckdb.Error as exc:  # same error, now naming the model (e.g. out of memory)
            exc.add_note(f"saat membangun model {name} ({model.path.name})")
            raise
        check_grain(con, model, period)
    return order
