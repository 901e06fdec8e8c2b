"""Marts built only for the periods a run needs, and rebuilt only when what they read changed.

A monthly run publishes its month and the quarter, semester and year that month closes
(transforms/publish.py), all inside the month's calendar year. What those numbers read reaches
back one year: a run of consecutive TK workdays crosses New Year (22 Dec – 7 Jan counts as one
run, attendance_asn_ytd.sql), so January's longest run counts December's days. The window of a
run is therefore the calendar year of its period and the year before; facts outside it (older
years of an office that has run for a decade, the next year's first exports) are left out by
views in the schema `run_window` that the marts read instead of the staging tables. Surveys reach
further: a complaint theme is tested against the `keluhan_periode_banding` preceding periods of
its kind (data/reference/ikm_parameters.csv; 6), and for the year that is six years back, so the
survey tables (stg_skm, and stg_layanan whose counts size its samples) start that many years
before the period's year.

Each model's cache key is the sha256 of its SQL, the macros, the window and the content of every
table it reads (a sum of row hashes for sources: staging, reference, quarantine and lineage
tables; the key of the model for models), so a roster-only change, a reference change or a
correction rebuilds exactly the models that read it, transitively. Keys are recorded per run in
lineage.build_cache; a table model whose key equals the one recorded at its last build, and whose
row count is unchanged, is not built again.
"""

from __future__ import annotations

import hashlib
import json
import re

import duckdb

from transforms.models import MACROS, Model
from transforms.warehouse import has_table

WINDOW_SCHEMA = "run_window"
# the staging tables that hold facts of a period, and how a row names its time
WINDOWED = {
    "staging.stg_presensi_recap": ("date", "tanggal"),
    "staging.stg_presensi_scan": ("date", "tanggal"),
    "staging.prep_presensi_recap": ("date", "tanggal_date"),
    "staging.prep_presensi_scan": ("date", "tanggal_date"),
    "staging.stg_skm": ("date", "tanggal"),
    "staging.stg_skp": ("periode", "periode"),
    "staging.stg_layanan": ("periode", "periode"),
    "staging.stg_koreksi": ("periode", "periode"),
}
_WINDOWED_RE = re.compile(r"\bstaging\.(" + "|".join(re.escape(n.split(".", 1)[1]) for n in WINDOWED) + r")\b")

CACHE_DDL = """
create table if not exists lineage.build_cache (
    run_id      varchar,
    model       varchar,      -- schema.table
    cache_key   varchar,      -- sha256 of SQL, macros, window and the content of every input
    inputs      json,         -- {table: content hash or model key}
    row_count   bigint,       -- rows in the table after the build (NULL for views)
    rebuilt     boolean,      -- false: the key matched the last build and the table was kept
    run_window  varchar,      -- {table: "first..last" year} of the facts the marts read, or semua
    recorded_at timestamp default current_timestamp
);
"""


# the survey tables: their window starts `keluhan_periode_banding` years back
SURVEY = ("staging.stg_skm", "staging.stg_layanan")


def window_years(con: duckdb.DuckDBPyConnection, period: str | None) -> dict[str, tuple[int, int]] | None:
    """{windowed table: (first, last) calendar year of the facts a run of `period` reads}: the
    period's year and the one before; for the survey tables as many years back as the complaint
    themes compare periods. None: every period (no window)."""
    if period is None:
        return None
    year = int(period[:4])
    back = (
        con.execute(
            "select max(try_cast(nilai as integer)) from ref.ikm_parameters where parameter = 'keluhan_periode_banding'"
        ).fetchall()[0][0]
        if has_table(con, "ref.ikm_parameters")
        else None
    )
    survey_back = max(1, back or 0)
    return {t: (year - (survey_back if t in SURVEY else 1), year) for t in WINDOWED}


def install_window(con: duckdb.DuckDBPyConnection, years: dict[str, tuple[int, int]] | None) -> None:
    """Views run_window.<table> over the windowed staging tables (all rows when years is None)."""
    con.execute(f"create schema if not exists {WINDOW_SCHEMA}")
    for table, (kind, column) in WINDOWED.items():
        if not has_table(con, table):
            continue
        first, last = years[table] if years else (None, None)
        if years is None:
            where = "true"
        elif kind == "date":
            where = f"coalesce({column} >= date '{first}-01-01' and {column} < date '{last + 1}-01-01', true)"
        else:
            where = f"coalesce(left({column}::varchar, 4) between '{first}' and '{last}', true)"
        con.execute(
            f"create or replace view {WINDOW_SCHEMA}.{table.split('.', 1)[1]} as select * from {table} where {where}"
        )


def windowed_sql(sql: str) -> str:
    """The model's SQL reading the run's window instead of every period in staging."""
    return _WINDOWED_RE.sub(lambda m: f"{WINDOW_SCHEMA}.{m.group(1)}", sql)


def content_hash(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Rows and the sum of their hashes: equal for equal contents in any order."""
    if table in WINDOWED:
        table = f"{WINDOW_SCHEMA}.{table.split('.', 1)[1]}"
    if not has_table(con, table):
        return "absent"
    count, total = con.execute(f"select count(*), coalesce(sum(hash(t)), 0)::varchar from {table} t").fetchall()[0]
    return f"{count}:{total}"


class BuildCache:
    """Keys of the models of one build; which tables may be kept."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, models: dict[str, Model], years: dict[str, tuple[int, int]] | None
    ):
        con.execute(CACHE_DDL)
        self.con = con
        self.models = models
        self.window = (
            json.dumps({t.split(".", 1)[1]: f"{a}..{b}" for t, (a, b) in years.items()}, sort_keys=True)
            if years
            else "semua"
        )
        self.macros = hashlib.sha256(MACROS.read_bytes()).hexdigest()
        self.keys: dict[str, str] = {}
        self.inputs: dict[str, dict] = {}
        self._sources: dict[str, str] = {}

    def key(self, name: str) -> str:
        """Call in dependency order: a model's key includes the keys of the models it reads."""
        model = self.models[name]
        inputs = {}
        for table in sorted(model.reads):
            if table in self.keys:
                inputs[table] = self.keys[table]
            elif table not in self._sources:
                self._sources[table] = content_hash(self.con, table) if "." in table else "cte-or-function"
                inputs[table] = self._sources[table]
            else:
                inputs[table] = self._sources[table]
        blob = json.dumps(
            {"sql": model.sql, "macros": self.macros, "window": self.window, "inputs": inputs}, sort_keys=True
        )
        self.inputs[name] = inputs
        self.keys[name] = hashlib.sha256(blob.encode("utf-8")).hexdigest()
        return self.keys[name]

    def can_keep(self, name: str) -> bool:
        """A table built before from the same key, untouched since (same row count)."""
        if self.models[name].materialized != "table" or not has_table(self.con, name):
            return False
        last = self.con.execute(
            "select cache_key, row_count from lineage.build_cache where model = ? order by recorded_at desc limit 1",
            [name],
        ).fetchall()
        if not last or last[0][0] != self.keys[name]:
            return False
        return self.con.execute(f"select count(*) from {name}").fetchall()[0][0] == last[0][1]

    def record(self, run_id: str | None, name: str, rebuilt: bool) -> None:
        model = self.models[name]
        rows = (
            self.con.execute(f"select count(*) from {name}").fetchall()[0][0] if model.materialized == "table" else None
        )
        self.con.execute(
            "insert into lineage.build_cache (run_id, model, cache_key, inputs, row_count, rebuilt, run_window) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [run_id, name, self.keys[name], json.dumps(self.inputs[name], sort_keys=True), rows, rebuilt, self.window],
        )


def window_note(con: duckdb.DuckDBPyConnection, period: str) -> str | None:
    """For `pantau trace`: a sentence when the marts as last built do not hold `period`'s facts
    (its year outside the last run's window), so an empty list of source rows is not read as 'none'."""
    if not has_table(con, "lineage.build_cache") or not re.match(r"\d{4}", period or ""):
        return None
    last = con.execute("select run_window from lineage.build_cache order by recorded_at desc limit 1").fetchall()
    if not last or last[0][0] in (None, "semua"):
        return None
    year = int(period[:4])
    outside = sorted(
        t
        for t, span in json.loads(last[0][0]).items()
        if not int(span.split("..")[0]) <= year <= int(span.split("..")[1])
    )
    if not outside:
        return None
    return (
        f"baris sumber periode {period} tidak ada di marts saat ini: run terakhir membangun marts hanya untuk "
        f"tahun {json.loads(last[0][0])[outside[0]].replace('..', '–')} ({', '.join(outside)}); angka terbitnya "
        f"tetap, untuk menelusuri barisnya jalankan ulang: pantau run --period {period[:7]}"
    )
