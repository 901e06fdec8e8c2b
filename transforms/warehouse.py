"""The DuckDB warehouse: one file, fixed schemas, lineage and quarantine tables.

Schemas: raw (rows as read, all text), ref (reference tables), staging (typed facts),
marts (per-ASN/unit/period facts), lineage (runs, files, reference versions),
quarantine (rows that failed a rule, with the reason).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

SCHEMAS = ("raw", "ref", "staging", "marts", "lineage", "quarantine")

# Canonical raw columns per input kind come from data/reference/column_aliases.csv;
# the raw tables are created from it when the aliases are loaded (see transforms/ingest/load.py).

DDL = """
create sequence if not exists lineage.file_id_seq start 1;

create table if not exists lineage.runs (
    run_id        varchar primary key,
    flow_run_id   varchar,
    command       varchar,
    period        varchar,
    as_of         date,
    parameters    json,
    code_version  varchar,
    started_at    timestamp,
    ended_at      timestamp,
    status        varchar,   -- running | success | blocked | failed
    message       varchar
);

-- One row per version of an input file. A path that comes back with new content is a
-- new row; the old row gets superseded_by and its raw rows are removed.
create table if not exists lineage.files (
    file_id           integer primary key,
    path              varchar not null,   -- relative to the inbox
    kind              varchar,            -- folder: pegawai, presensi, skp, skm, layanan
    shape             varchar,            -- raw table: pegawai, presensi_recap, presensi_scan, ...
    format            varchar,            -- csv | xlsx
    sha256            varchar not null,
    bytes             bigint,
    delimiter         varchar,
    header_row        integer,            -- line (CSV) or sheet row (XLSX) of the header
    sheets            varchar[],          -- XLSX/XLS: the sheets read, in reading order
                                          -- (row keys: transforms/ingest/records.py)
    columns           json,               -- {header as written: canonical column}
    ignored_columns   json,               -- headers that matched no canonical column
    rows_read         bigint,             -- data rows (not header, not empty)
    rows_empty        bigint,             -- empty rows skipped
    rows_loaded       bigint,
    rows_quarantined  bigint,
    status            varchar,            -- loaded | superseded | error
    error             varchar,
    first_run_id      varchar,
    last_run_id       varchar,
    superseded_by     integer,
    registered_at     timestamp default current_timestamp
);
-- a warehouse made before workbooks were read on every sheet
alter table lineage.files add column if not exists sheets varchar[];

create table if not exists lineage.reference_tables (
    name       varchar,
    path       varchar,
    sha256     varchar,
    rows       bigint,
    run_id     varchar,
    loaded_at  timestamp default current_timestamp
);

create table if not exists quarantine.rows (
    file_id      integer,
    "row"        integer,      -- line (CSV) or sheet row (XLSX) as a person sees it; the sheet: lineage.files.sheets
    shape        varchar,
    "column"     varchar,
    value        varchar,
    rule         varchar,      -- rule id from the suite (expectation meta)
    expectation  varchar,      -- GX expectation type
    message      varchar,      -- plain words for the analyst
    run_id       varchar
);
"""


# DuckDB's memory limit and threads for every connection of this process: `[warehouse]
# memory_limit` / `threads` in the settings file, passed on through the environment so Prefect
# tasks and worker processes see the same values (flows/settings.py duckdb_environment). So is
# `writer_wait`: how long a run's connection waits for a reader (`pantau trace` …) to let go.
MEMORY_LIMIT_ENV = "PANTAU_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "PANTAU_DUCKDB_THREADS"
WRITER_WAIT_ENV = "PANTAU_DUCKDB_WRITER_WAIT"
WRITER_WAIT_DEFAULT = 60.0
POLL_SECONDS = 0.5


class WarehouseUnusable(Exception):
    """The warehouse path is not a DuckDB file that can be opened (a folder, other bytes, truncated)."""

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(
            f"gudang data {path} tidak dapat dipakai: {reason}. Periksa --warehouse atau [paths] warehouse; "
            "bila berkas itu memang gudang data yang rusak, pindahkan atau hapus dia lalu jalankan ulang "
            "pantau backfill: run membuat gudang baru dari ekspor di inbox"
        )


def _is_lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "could not set lock" in str(exc).lower()


def _unusable(path: str | Path, exc: BaseException) -> WarehouseUnusable:
    """DuckDB's reason, in the analyst's words: the file is named, DuckDB's text is not shown."""
    text = str(exc).lower()
    if "is a directory" in text:
        reason = "ini folder, bukan berkas DuckDB"
    elif "not a valid duckdb database file" in text:
        reason = "isinya bukan gudang data DuckDB (berkas lain atau data acak)"
    elif "read enough bytes" in text or "corrupt" in text or "checksum" in text:
        reason = "berkas DuckDB rusak atau terpotong"
    elif "permission denied" in text:
        reason = "tidak ada izin membaca/menulis berkas itu"
    else:
        reason = f"tidak dapat dibuka sebagai gudang data DuckDB ({type(exc).__name__})"
    return WarehouseUnusable(path, reason)


def connect(path: str | Path = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse and make sure its schemas and lineage tables exist.

    A writer whose file is held by a reader process (DuckDB allows readers or one writer) waits
    up to `[warehouse] writer_wait` seconds for it; readers go through open_for_reading, which
    gives way to runs. A file that is not a usable DuckDB warehouse raises WarehouseUnusable.
    Beyond its memory limit DuckDB spills to `<warehouse>.tmp/` (in-memory: the system's temp
    folder) instead of growing.
    """
    import time

    memory = str(path) == ":memory:"
    if not memory:
        _check_place(path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = {}
    if os.environ.get(MEMORY_LIMIT_ENV):
        config["memory_limit"] = os.environ[MEMORY_LIMIT_ENV]
    if os.environ.get(THREADS_ENV):
        config["threads"] = int(os.environ[THREADS_ENV])
    if memory:  # spill under the system's temp folder, not into the working folder
        import tempfile

        config["temp_directory"] = str(Path(tempfile.gettempdir()) / f"pantau-duckdb-{os.getpid()}")
    deadline = time.monotonic() + (0 if read_only else float(os.environ.get(WRITER_WAIT_ENV) or WRITER_WAIT_DEFAULT))
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            break
        except duckdb.IOException as exc:
            if memory:
                raise
            if not _is_lock_conflict(exc):
                raise _unusable(path, exc) from None
            if time.monotonic() >= deadline:
                raise
            time.sleep(POLL_SECONDS)  # a reader holds the file for a moment: it gives way to runs
        except (duckdb.SerializationException, duckdb.InternalException, duckdb.InvalidInputException) as exc:
            if memory:
                raise
            raise _unusable(path, exc) from None
    con.execute("set enable_progress_bar = false")  # it would be drawn on stdout, among the command's lines
    if not read_only:
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        con.execute(DDL)
    return con


def _check_place(path: str | Path) -> None:
    """The warehouse path is not a folder, and its folder is one (or can be made)."""
    path = Path(path)
    if path.is_dir():
        raise WarehouseUnusable(path, "ini folder, bukan berkas DuckDB")
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise WarehouseUnusable(path, f"{folder} adalah berkas, bukan folder")
            return


def check_warehouse(path: str | Path) -> None:
    """Before a run starts: a warehouse that exists must open as DuckDB (WarehouseUnusable if not).
    A file another process holds is a DuckDB file; the run's lock deals with that holder."""
    _check_place(path)
    if not Path(path).exists():
        return
    try:
        connect(path, read_only=True).close()
    except duckdb.IOException as exc:
        if not _is_lock_conflict(exc):
            raise


def open_for_reading(path: str | Path, wait_seconds: float, say=None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only for a reader (`pantau trace`, `export`, `runs`) without ever
    holding up a run: while a run holds the warehouse, wait (telling `say` once, which run) up to
    wait_seconds, then raise WarehouseBusy. What the reader sees is the last state a run committed.
    """
    import time

    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        holder = WarehouseLock(path, "").live_holder()
        if holder is None:
            try:
                con = connect(path, read_only=True)
            except duckdb.IOException as exc:
                if not _is_lock_conflict(exc):
                    raise
                holder = {"description": "proses lain"}  # a run between its lock file and its connection
            else:
                holder = WarehouseLock(path, "").live_holder()
                if holder is None:
                    return con
                con.close()  # a run took the lock meanwhile: let it have the file
        who = _describe(holder)
        if time.monotonic() >= deadline:
            raise WarehouseBusy(f"{who}; sudah menunggu {wait_seconds:g} detik ([warehouse] reader_wait)")
        if not told and say is not None:
            say(
                f"gudang data {path} sedang ditulis oleh {who}; menunggu sampai selesai "
                f"(paling lama {wait_seconds:g} detik, [warehouse] reader_wait)"
            )
            told = True
        time.sleep(POLL_SECONDS)


def _describe(holder: dict) -> str:
    pid = f" (PID {holder['pid']}, sejak {holder.get('started')})" if holder.get("pid") else ""
    return f"{holder.get('description') or 'proses lain'}{pid}"


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, or None; the result is read to the end (duckdb 2 needs
    a finished result before register() and similar calls)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    row = one(con, sql, params)
    return row[0] if row else None


def has_table(con: duckdb.DuckDBPyConnection, qualified: str, views: bool = True) -> bool:
    """Whether `schema.table` exists in the open database; `views=False` counts base tables only."""
    schema, table = qualified.split(".", 1)
    kinds = ["BASE TABLE", "VIEW"] if views else ["BASE TABLE"]
    return bool(
        scalar(
            con,
            "select count(*) from information_schema.tables where table_catalog = current_database() "
            "and table_schema = ? and table_name = ? and table_type in (select unnest(?))",
            [schema, table, kinds],
        )
    )


def records(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> list[dict]:
    """A query's rows as dicts keyed by column name (for the small results read at the edges)."""
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


class WarehouseBusy(Exception):
    """Another pantau process holds the warehouse (DuckDB allows one writer)."""


class WarehouseLock:
    """A lock file beside the warehouse naming the process that holds it.

    DuckDB's own file lock stops a second writer too, but only says "locked"; this file lets
    the second run say which run holds the warehouse, and a stale file (its process gone) is
    taken over. A PID alone can be reused after the holder died, by the next boot most of all:
    the file also records when the holder started (Linux), so a stranger with the same PID does
    not keep the warehouse locked.
    """

    def __init__(self, warehouse: str | Path, description: str):
        self.path = Path(f"{warehouse}.lock")
        self.description = description
        self.owned = False

    def __enter__(self) -> WarehouseLock:
        import json
        import os
        from datetime import datetime

        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                holder = self._holder()
                if (
                    holder
                    and holder.get("pid") == os.getpid()
                    and holder.get("process") in (None, _process_start(os.getpid()))
                ):
                    return self  # this process holds it already (a backfill's periods)
                if holder and _alive(holder.get("pid"), holder.get("process")):
                    raise WarehouseBusy(
                        f"{holder.get('description')} (PID {holder.get('pid')}, sejak {holder.get('started')})"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its process is gone
                continue
            with os.fdopen(fd, "w") as fh:
                json.dump(
                    {
                        "pid": os.getpid(),
                        "description": self.description,
                        "started": datetime.now().isoformat(timespec="seconds"),
                        "process": _process_start(os.getpid()),
                    },
                    fh,
                )
            self.owned = True
            return self
        raise WarehouseBusy(f"berkas kunci {self.path} tidak dapat dibuat")

    def __exit__(self, *exc) -> None:
        if self.owned:
            self.path.unlink(missing_ok=True)

    def live_holder(self) -> dict | None:
        """The lock file's content when another live process holds it, else None."""
        import os

        holder = self._holder()
        if not holder or (
            holder.get("pid") == os.getpid() and holder.get("process") in (None, _process_start(os.getpid()))
        ):
            return None
        return holder if _alive(holder.get("pid"), holder.get("process")) else None

    def _holder(self) -> dict | None:
        import json

        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None


def _alive(pid, process: str | None = None) -> bool:
    """The process `pid` exists and, when the lock recorded it, is the one that started then."""
    import os

    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, TypeError, ValueError):
        return False
    except PermissionError:
        pass
    now = _process_start(pid) if process else None
    return now is None or now == process


def _process_start(pid) -> str | None:
    """'<boot id>:<start time in clock ticks since boot>' of a process (Linux /proc), or None."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        stat = Path(f"/proc/{int(pid)}/stat").read_text()
        return f"{boot}:{stat.rsplit(')', 1)[1].split()[19]}"
    except (OSError, ValueError, IndexError):
        return None
