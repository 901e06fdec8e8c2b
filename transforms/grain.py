"""Declared grains: what one row of a model is, as columns, checked right after the model is built.

Every model's header says what one row is in words ("one row per ASN per month") and, on a line
`-- grain: nip, period`, in the columns that make a row unique. transforms/models.py calls
`check_grain` after each model it builds: one query (GROUP BY the grain HAVING count(*) > 1
LIMIT 5), restricted to the run's periods where the model has a period column (`period` or
`periode`: the month run and the quarter, semester and year it closes; rows without a period
too). A duplicate key raises GrainViolation, which blocks the run like a failing output check
(exit 1; the published numbers stay as they were). The result of each check is kept on the
connection (temp table grain_checks) for transforms/lineage.py to record in lineage.models.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import duckdb

# the period columns of the models, in the order they are looked for
PERIOD_COLUMNS = ("period", "periode")
SAMPLE_KEYS = 5

_GRAIN_LINE = re.compile(r"^--\s*grain:\s*(.*?)\s*$")
_COLUMN = re.compile(r"[a-z_][a-z0-9_]*")

CHECKS_DDL = """
create temp table if not exists grain_checks (
    model          varchar primary key,
    grain          varchar[],
    period_column  varchar,     -- NULL: the model has none, every row was checked
    periods        varchar[],   -- the periods checked (NULL: every row)
    duplicate_keys integer      -- keys found more than once (at most SAMPLE_KEYS are looked for)
)"""


class GrainViolation(Exception):
    """A model built with a key that occurs more than once: the run stops before publishing."""

    def __init__(
        self,
        model: str,
        path: str,
        grain: tuple[str, ...],
        keys: list[tuple],
        periods: list[str] | None,
        reads: list[str],
    ):
        self.model, self.path, self.grain, self.keys, self.periods, self.reads = (
            model,
            path,
            grain,
            keys,
            periods,
            reads,
        )
        super().__init__(str(self))

    def __str__(self) -> str:
        cols = ", ".join(self.grain)
        sample = "; ".join(
            ", ".join(f"{c}={'NULL' if v is None else v}" for c, v in zip(self.grain, key[:-1], strict=True))
            + f" ({key[-1]} baris/rows)"
            for key in self.keys
        )
        many = f"{len(self.keys)} atau lebih / or more" if len(self.keys) >= SAMPLE_KEYS else str(len(self.keys))
        where_id = f" pada periode {', '.join(self.periods)}" if self.periods else ""
        where_en = f" in period {', '.join(self.periods)}" if self.periods else ""
        reads = ", ".join(self.reads)
        return (
            f"model {self.model} ({self.path}) melanggar grain ({cols}): {many} kunci muncul lebih dari sekali"
            f"{where_id}, misalnya {sample}. Satu baris harus satu kunci; periksa SQL model itu dan tabel yang "
            f"dibacanya ({reads}; ref.<nama> adalah <nama>.csv di folder referensi, [paths] reference); angka "
            f"yang sudah terbit tidak berubah.\n"
            f"model {self.model} breaks its grain ({cols}): {many} key(s) occur more than once{where_en}, e.g. "
            f"{sample}. Nothing was published."
        )


@lru_cache(maxsize=256)
def declared_grain(sql: str) -> tuple[str, ...]:
    """The columns of the header's `-- grain:` line ((): no such line). Only the leading comment
    block is the header; a column that is not a plain lower-case name raises ValueError."""
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        match = _GRAIN_LINE.match(line)
        if match:
            columns = tuple(c.strip() for c in match.group(1).split(","))
            bad = [c for c in columns if not _COLUMN.fullmatch(c)]
            if bad:
                raise ValueError(f"-- grain: {match.group(1)!r}: bukan nama kolom: {', '.join(bad)}")
            return columns
    return ()


def period_scope(period: str | None) -> list[str] | None:
    """The periods a run of `period` publishes (None: no period, every row)."""
    if period is None:
        return None
    from transforms.publish import periods_published_by

    return periods_published_by(period)


def _period_column(con: duckdb.DuckDBPyConnection, model: str) -> str | None:
    schema, table = model.split(".", 1)
    names = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_catalog = current_database() "
            "and table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }
    return next((c for c in PERIOD_COLUMNS if c in names), None)


def check_grain(con: duckdb.DuckDBPyConnection, model, period: str | None = None) -> dict | None:
    """Check that `model` (a transforms.models.Model, just built) has one row per grain key.

    Returns the result recorded (None when the model declares no grain); raises GrainViolation
    naming the model, its grain and up to SAMPLE_KEYS duplicate keys with their row counts.
    """
    grain = declared_grain(model.sql)
    if not grain:
        return None
    column = _period_column(con, model.name)
    periods = period_scope(period) if column else None
    cols = ", ".join(f'"{c}"' for c in grain)
    # a row without a period belongs to no other run: it is checked too
    where = f'where "{column}" is null or "{column}" in (select unnest($periods::varchar[]))' if periods else ""
    try:
        keys = con.execute(
            f"select {cols}, count(*) from {model.name} {where} group by {cols} having count(*) > 1 "
            f"order by count(*) desc, {cols} limit {SAMPLE_KEYS}",
            {"periods": periods} if periods else {},
        ).fetchall()
    except duckdb.BinderException as exc:  # the header names a column the model has not
        exc.add_note(f"grain ({', '.join(grain)}) dari {model.path.name}")
        raise
    result = {"grain": list(grain), "period_column": column, "periods": periods, "duplicate_keys": len(keys)}
    con.execute(CHECKS_DDL)
    con.execute(
        "insert or replace into grain_checks values ($model, $grain, $period_column, $periods, $duplicate_keys)",
        {"model": model.name, **result},
    )
    if keys:
        path = f"transforms/{model.path.parent.name}/{model.path.name}"
        raise GrainViolation(model.name, path, grain, keys, periods, sorted(model.reads))
    return result


def recorded_checks(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, str]:
    """{model: the JSON recorded in lineage.models.grain_check} for the models checked on this
    connection (a model kept from an earlier build, or without a grain, is absent)."""
    if not names:
        return {}
    con.execute(CHECKS_DDL)
    rows = con.execute(
        "select model, period_column, periods, duplicate_keys from grain_checks where list_contains($names, model)",
        {"names": names},
    ).fetchall()
    return {
        m: json.dumps(
            {"result": "passed" if not d else "failed", "period_column": c, "periods": p, "duplicate_keys": d}
        )
        for m, c, p, d in rows
    }


__all__ = ["GrainViolation", "declared_grain", "check_grain", "recorded_checks", "period_scope", "PERIOD_COLUMNS"]
