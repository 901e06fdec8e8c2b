"""One period evaluated in partitions: (office, period) pieces run concurrently, marts built once.

The unit of work is (office, period) (one warehouse file per office and period; docs/scaling.md).
The flow `evaluate_partitioned`:

1. plans: surveys the inbox once and groups its files into partitions by the office and the
   period their names carry (`rekap_<unit>_<YYYY-MM>.csv`; `skm_<YYYY-MM>.csv` covers every
   unit); the roster (pegawai/) is a partition of its own;
2. validates the roster once, in the flow's process, and runs the other partitions
   concurrently, each in its OWN DuckDB file on local scratch (no writer contention): reference
   tables, its own files and the valid roster rows they name -> ingest -> the Great
   Expectations suites -> staging.stg_* and quarantine rows, written as hive-style Parquet
   `<state>/partitions/<table>/period=<p>/office=<u>/part.parquet`;
3. merges in the main warehouse: the loaded files that left the inbox are withdrawn first, by
   the rule of plain runs (transforms/ingest/withdraw.py), then file identities (lineage.files,
   the rules of transforms/ingest/load.py: unchanged, corrected, duplicate), then the staging and quarantine
   tables from read_parquet(..., hive_partitioning = true) over all partitions, partition-local
   file ids mapped to the warehouse's;
4. transforms, publishes and renders the report with the tasks of flows/tasks.py, inside the
   run record of flows/evaluate.py (recorded_run), so the published metrics are those of the
   single-process flow.

Concurrency is Prefect's: `mode="processes"` runs partitions as tasks on a
ProcessPoolTaskRunner of `workers` processes (one GX import per process, reused across
partitions); `mode="pool"` hands batches of partitions to a deployment of the flow
`evaluate_partitions` on a Prefect work pool, picked up by however many workers serve the
pool, on this machine or others. Threads are not an option: Great Expectations runs validations
of one process through one shared context, and two at once mix their batches up
(docs/scaling.md).

Cross-row rules (exact duplicates and conflicts of an ASN-day or of an ASN's SKP period) are
judged inside one partition; a key found in two partitions blocks publishing and names the
files, rather than publishing numbers the single-process flow would not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task

from expectations.reference import load_reference_tables
from expectations.validate import SHAPES
from flows import console
from flows.evaluate import recorded_run
from flows.lineage_events import lineage_config
from flows.steps import Outcome, judge
from flows.tasks import report, run_step_events
from transforms.ingest import (
    FileReport,
    ensure_raw_tables,
    folder_shapes,
    ingest_file,
    load_column_specs,
    load_personal_columns,
    survey_inbox,
)
from transforms.ingest.withdraw import kept_file_ids, withdraw_vanished
from transforms.models import discover_models, install_macros, run_models
from transforms.warehouse import WarehouseBusy, WarehouseLock, connect, has_table, records, scalar

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ROSTER_FOLDER = "pegawai"
ROSTER_OFFICE = "_pegawai"  # the roster's partition
ALL_OFFICES = "_semua"  # files that cover every unit (skm_<YYYY-MM>.csv, skp_<YYYY-MM>.csv)
NO_PERIOD = "_"  # files whose name carries no period
PERIOD_TOKEN = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4]|-S[12])?$")
PARTITION_FLOW = "evaluate_partitions"
RUN_COMMAND = "run-partitioned"  # lineage.runs.command
DEPLOYMENT = "pantau-partisi"
POOL = "pantau-partisi"
HIVE = "hive_partitioning = true, hive_types_autocast = false"
# the keys of the cross-row rules in transforms/staging/prep_*.sql (copy_number, versions_of_key,
# rating_pairs_in_period): rows sharing one are only judged together inside one partition
CROSS_KEYS = {
    "presensi_recap": ("nip", "strftime(tanggal_date, '%Y-%m-%d')", "tanggal_date is not null"),
    "skp": ("nip", "periode_norm", "periode_norm is not null"),
}


@dataclass
class Partition:
    """The files of one (period, office); whether its staging models read the roster."""

    period: str
    office: str
    files: list[str]  # inbox-relative paths
    needs_roster: bool = False  # presensi, skp: NIP on the roster, PIN of a scan
    bytes: int = 0

    @property
    def key(self) -> str:
        return f"period={self.period}/office={self.office}"

    @property
    def is_roster(self) -> bool:
        return self.office == ROSTER_OFFICE


# ------------------------------------------------------------------------------- planning


def partition_of(rel: str) -> tuple[str, str]:
    """(period, office) from an inbox path: `presensi/rekap_kelurahan-pager_2026-10.csv` ->
    ('2026-10', 'kelurahan-pager'); `skm/skm_2026-10.csv` -> ('2026-10', '_semua'); the roster
    -> ('_', '_pegawai'). The name's last `_` part is the period, the part before it the office."""
    if rel.split("/", 1)[0] == ROSTER_FOLDER:
        return NO_PERIOD, ROSTER_OFFICE
    parts = Path(rel).stem.split("_")
    if not PERIOD_TOKEN.match(parts[-1]):
        return NO_PERIOD, ALL_OFFICES
    office = re.sub(r"[^a-z0-9-]+", "-", parts[-2].lower()).strip("-") if len(parts) >= 3 else ""
    return parts[-1], office or ALL_OFFICES


def shapes_reading_roster() -> set[str]:
    """Shapes whose staging.prep_* model reads staging.stg_pegawai (from the SQL itself)."""
    models = discover_models()
    return {s for s in SHAPES if s != ROSTER_FOLDER and "staging.stg_pegawai" in models[f"staging.prep_{s}"].reads}


def plan_partitions(con: duckdb.DuckDBPyConnection, inbox: Path) -> tuple[list[Partition], list[FileReport]]:
    """The partitions of the inbox (largest first) and the reports of what is not read at all."""
    specs = load_column_specs(con)
    kinds = folder_shapes(specs)
    reading = shapes_reading_roster()
    groups: dict[tuple[str, str], Partition] = {}
    reports: list[FileReport] = []
    for entry in survey_inbox(inbox):
        folder = entry.rel.split("/")[0] if "/" in entry.rel else ""
        if entry.action is not None:
            reports.append(FileReport(entry.rel, folder, entry.action, message=entry.message))
            continue
        if folder not in kinds:
            reports.append(
                FileReport(
                    entry.rel,
                    folder,
                    "ignored",
                    message=(f"bukan folder jenis data yang dikenal ({', '.join(sorted(kinds))}); berkas dilewati"),
                )
            )
            continue
        period, office = partition_of(entry.rel)
        part = groups.setdefault((period, office), Partition(period, office, []))
        part.files.append(entry.rel)
        part.bytes += entry.path.stat().st_size
        part.needs_roster = part.needs_roster or (folder != ROSTER_FOLDER and bool(reading & set(kinds[folder])))
    return sorted(groups.values(), key=lambda p: (-p.bytes, p.key)), reports


def batches_of(partitions: list[Partition], n: int) -> list[list[Partition]]:
    """Partitions dealt into n batches of about equal bytes (largest first onto the lightest)."""
    loads = [[0, []] for _ in range(max(1, min(n, len(partitions))))]
    for part in sorted(partitions, key=lambda p: -p.bytes):
        lightest = min(loads, key=lambda b: b[0])
        lightest[0] += part.bytes + 1
        lightest[1].append(part)
    return [b[1] for b in loads if b[1]]


# ------------------------------------------------------------------------------- one partition


def evaluate_partition(
    part: Partition,
    inbox: Path,
    reference: Path,
    as_of: date,
    root: Path,
    run_id: str | None,
    threads: int | None = None,
) -> dict:
    """Ingest and validate one partition in its own DuckDB file; write its tables as Parquet.

    Plain function (no Prefect): the task and the work-pool flow below call it. A partition
    that reads the roster gets the roster rows that passed validation in the roster partition
    (run before it), only those its files name by NIP or PIN: the roster is validated once, not
    once per partition. Returns the partition's manifest (also written to
    <root>/_manifest/<key>/manifest.json).
    """
    from expectations.validate import validate_warehouse

    started = time.perf_counter()
    inbox, root = Path(inbox), Path(root)
    scratch = Path(tempfile.mkdtemp(prefix="pantau-partisi-"))
    con = connect(scratch / "partition.duckdb")
    try:
        reports = _ingest_partition(con, part, inbox, reference, run_id, threads)
        roster_rows = _take_roster(con, root) if part.needs_roster else 0
        ingested = time.perf_counter()
        validate_warehouse(con, as_of, run_id)
        validated = time.perf_counter()
        if roster_rows and scalar(con, "select count(*) from staging.stg_pegawai") != roster_rows:
            raise RuntimeError(
                f"partisi {part.key}: baris daftar pegawai yang sah di partisi pegawai "
                "tidak lolos lagi di sini; jalankan tanpa partisi dan laporkan"
            )
        written = _write_partition_tables(con, part, root, reports)
        manifest = {
            "period": part.period,
            "office": part.office,
            "files": part.files,
            "bytes": part.bytes,
            "roster_rows": roster_rows,
            "reports": [asdict(r) for r in reports],
            "tables": written,
            "seconds": {
                "ingest": round(ingested - started, 3),
                "validate": round(validated - ingested, 3),
                "write": round(time.perf_counter() - validated, 3),
            },
            "pid": os.getpid(),
        }
        path = root / "_manifest" / part.key / "manifest.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return manifest
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _ingest_partition(
    con: duckdb.DuckDBPyConnection,
    part: Partition,
    inbox: Path,
    reference: Path,
    run_id: str | None,
    threads: int | None,
) -> list[FileReport]:
    """The partition's warehouse set up (reference tables, raw tables, macros) and its files ingested."""
    if threads:
        con.execute(f"set threads = {int(threads)}")
    load_reference_tables(con, reference, run_id)
    specs = load_column_specs(con)
    personal = load_personal_columns(con)
    ensure_raw_tables(con, specs)
    install_macros(con)
    return [
        ingest_file(con, inbox, inbox / rel, rel, rel.split("/")[0], specs, run_id, personal.get(rel.split("/")[0], []))
        for rel in sorted(part.files)
    ]


def _write_partition_tables(
    con: duckdb.DuckDBPyConnection, part: Partition, root: Path, reports: list[FileReport]
) -> dict:
    """Each exported table's rows of this partition's own files as <root>/<table>/<key>/part.parquet
    (none for a table without rows); returns the rows written per table."""
    con.execute(
        "create temp table _own as select unnest(?::integer[]) as file_id",
        [[r.file_id for r in reports if r.file_id is not None]],
    )
    written = {}
    for table, sql in _export_queries().items():
        target = root / table / part.key / "part.parquet"
        if target.parent.exists():
            shutil.rmtree(target.parent)
        target.parent.mkdir(parents=True)
        rows = con.execute(f"copy ({sql}) to '{_literal(target)}' (format parquet, compression zstd)").fetchone()[0]
        if rows:
            written[table] = rows
        else:
            shutil.rmtree(target.parent)
    return written


def _take_roster(con: duckdb.DuckDBPyConnection, root: Path) -> int:
    """Copy into raw.pegawai the valid roster rows this partition's files name (NIP or PIN);
    all of them for a partition of corrections (koreksi/).

    They passed every roster rule in the whole roster, so they pass again in any subset of it
    (a subset has no copies or conflicts the whole did not have; a shared PIN comes with every
    holder, as the PIN selects them all). Their file ids are negated: never this partition's own.
    """
    source = root / "roster_valid" / f"period={NO_PERIOD}" / f"office={ROSTER_OFFICE}" / "part.parquet"
    if not source.exists():
        return 0
    # the machine PIN mapping (pegawai/pin_mesin.csv), whole: small, and its NIPs select roster rows below
    mapping = root / "pin_mesin_valid" / f"period={NO_PERIOD}" / f"office={ROSTER_OFFICE}" / "part.parquet"
    if mapping.exists():
        con.execute(f"""insert into raw.pegawai_pin by name
            select r.* exclude (period, office, _file_id), -r._file_id as _file_id
            from read_parquet('{_literal(mapping)}', {HIVE}) r""")
    columns = {s: {r[0] for r in con.execute(f"describe raw.{s}").fetchall()} for s in shapes_reading_roster()}
    nips = " union ".join(f"select clean_nip(nip) from raw.{s}" for s, c in columns.items() if "nip" in c)
    pins = " union ".join(f"select trim(pin) from raw.{s}" for s, c in columns.items() if "pin" in c)
    # a correction is judged against the whole roster: its approver's place in the nip_atasan
    # chain passes through NIPs the file does not name, a unit's correction covers every ASN in it
    whole = "koreksi" in columns and scalar(con, "select count(*) from raw.koreksi") > 0
    named = f"clean_nip(r.nip) in ({nips or 'select null'}) or trim(r.pin) in ({pins or 'select null'})"
    con.execute(f"""insert into raw.pegawai by name
        select r.* exclude (period, office, _file_id), -r._file_id as _file_id
        from read_parquet('{_literal(source)}', {HIVE}) r
        where {"true" if whole else named}""")
    return scalar(con, "select count(*) from raw.pegawai")


def _export_queries() -> dict[str, str]:
    """What a partition hands over, each restricted to its own files (_own; roster rows copied in
    have negative ids). raw_* keeps only the quarantined lines, the evidence marts and `pantau
    trace` join to (through the staging.prep_* tables); roster_valid the raw roster lines that
    passed, for the partitions that read the roster."""
    queries = {}
    for shape in SHAPES:
        queries[f"stg_{shape}"] = f"select t.* from staging.stg_{shape} t semi join _own o on o.file_id = t._file_id"
        queries[f"raw_{shape}"] = (
            f"select r.* from raw.{shape} r semi join _own o on o.file_id = r._file_id "
            f'semi join quarantine.rows q on q.file_id = r._file_id and q."row" = r._row'
        )
    queries["roster_valid"] = (
        "select r.* from raw.pegawai r semi join _own o on o.file_id = r._file_id "
        "semi join staging.stg_pegawai s on s._file_id = r._file_id and s._row = r._row"
    )
    queries["pin_mesin_valid"] = (
        "select r.* from raw.pegawai_pin r semi join _own o on o.file_id = r._file_id "
        "semi join staging.stg_pegawai_pin s on s._file_id = r._file_id and s._row = r._row"
    )
    queries["quarantine_rows"] = "select q.* from quarantine.rows q semi join _own o using (file_id)"
    queries["quarantine_warnings"] = "select q.* from quarantine.warnings q semi join _own o using (file_id)"
    queries["validation_results"] = "select v.* from lineage.validation_results v semi join _own o using (file_id)"
    queries["files"] = "select f.* from lineage.files f semi join _own o using (file_id)"
    queries["cross_keys"] = " union all ".join(
        f"select distinct '{shape}' as shape, p._file_id, p.{nip} as nip, {key} as key "
        f"from staging.prep_{shape} p semi join _own o on o.file_id = p._file_id "
        f"where p.{nip} is not null and {where}"
        for shape, (nip, key, where) in CROSS_KEYS.items()
    )
    return queries


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


# ------------------------------------------------------------------------------- merging


def merge_partitions(
    con: duckdb.DuckDBPyConnection, root: Path, manifests: list[dict], run_id: str, keep: list[int] = ()
) -> list[FileReport]:
    """Build the main warehouse's lineage.files, quarantine and staging tables from the partitions.

    File identity follows transforms/ingest/load.py: the same path with the same content keeps its
    file_id ("unchanged"), new content under a path supersedes the earlier version, content equal
    to another loaded file is a "duplicate" whose rows are left out. New file ids are given in
    path order, as a single-process ingest gives them. `keep`: file ids no longer in the inbox
    but not withdrawn (transforms/ingest/withdraw.py), whose rows stay.
    """
    root = Path(root)
    tables = _written(root, manifests)
    reports = {r["path"]: FileReport(**r) for m in manifests for r in m["reports"]}
    con.execute(
        "create or replace temp table _file_map (period varchar, office varchar, local_id integer, file_id integer)"
    )
    if tables.get("files"):
        con.execute(f"create or replace temp table _pfiles as select * from read_parquet(?, {HIVE})", [tables["files"]])
        rows = records(con, "select period, office, file_id, path, sha256, status from _pfiles order by path")
    else:
        rows = []
    loaded_now: dict[str, str] = {}  # sha256 -> path of the files loaded by this merge
    for row in rows:
        report = reports[row["path"]]
        file_id = _merge_file(con, row, report, run_id, loaded_now)
        if file_id is None:
            continue
        report.file_id = file_id
        if row["status"] == "loaded":
            loaded_now[row["sha256"]] = row["path"]
            con.execute(
                "insert into _file_map values (?, ?, ?, ?)", [row["period"], row["office"], row["file_id"], file_id]
            )

    _merge_staging(con, tables, keep)
    return list(reports.values())


def _merge_file(
    con: duckdb.DuckDBPyConnection, row: dict, report: FileReport, run_id: str, loaded_now: dict[str, str]
) -> int | None:
    """One partition's file (a row of _pfiles) in lineage.files: its warehouse file_id, None for a
    duplicate of a loaded file (whose rows are left out). `report` is updated to say which."""
    path, sha, status = row["path"], row["sha256"], row["status"]
    where = [row["period"], row["office"], row["file_id"]]
    found = records(
        con,
        "select file_id, sha256, status from lineage.files where path = ? "
        "and status not in ('superseded', 'withdrawn') order by file_id desc limit 1",
        [path],
    )
    current = found[0] if found else None
    if current and current["sha256"] == sha and current["status"] != "error" and status == "loaded":
        report.action = "unchanged"
        con.execute("update lineage.files set last_run_id = ? where file_id = ?", [run_id, current["file_id"]])
        return current["file_id"]
    if current and current["sha256"] == sha:  # the same content judged again
        con.execute(
            """update lineage.files f set shape = p.shape, delimiter = p.delimiter, header_row = p.header_row,
                           columns = p.columns, ignored_columns = p.ignored_columns, sheets = p.sheets,
                           rows_read = p.rows_read,
                           rows_empty = p.rows_empty, status = p.status, error = p.error, last_run_id = ?
                       from _pfiles p where f.file_id = ? and p.period = ? and p.office = ? and p.file_id = ?""",
            [run_id, current["file_id"], *where],
        )
        return current["file_id"]
    twin = loaded_now.get(sha) or scalar(
        con, "select path from lineage.files where sha256 = ? and status = 'loaded' and path <> ?", [sha, path]
    )
    if twin and status == "loaded":
        report.action, report.file_id = "duplicate", None
        report.message = f"isi sama persis dengan {twin}; tidak dimuat dua kali"
        report.shape, report.rows_read, report.rows_empty, report.warnings = None, 0, 0, []
        return None
    file_id = scalar(con, "select nextval('lineage.file_id_seq')")
    con.execute(
        """insert into lineage.files by name
                   select * exclude (period, office, file_id, first_run_id, last_run_id, superseded_by,
                                     registered_at),
                          ? as file_id, ? as first_run_id, ? as last_run_id
                   from _pfiles where period = ? and office = ? and file_id = ?""",
        [file_id, run_id, run_id, *where],
    )
    if current:
        con.execute(
            "update lineage.files set status = 'superseded', superseded_by = ? where file_id = ?",
            [file_id, current["file_id"]],
        )
        report.superseded = current["file_id"]
    return file_id


def _written(root: Path, manifests: list[dict]) -> dict[str, list[str]]:
    """{table: [its Parquet files]} as the partitions' manifests list them."""
    tables: dict[str, list[str]] = {}
    for m in manifests:
        for table in m["tables"]:
            tables.setdefault(table, []).append(
                str(root / table / f"period={m['period']}" / f"office={m['office']}" / "part.parquet")
            )
    return tables


def _merge_staging(con: duckdb.DuckDBPyConnection, tables: dict[str, list[str]], keep: list[int] = ()) -> None:
    """Staging, quarantine and validation results from the partitions' Parquet.

    The tables are first (re)built by their own models over an empty raw, so their columns and
    types are exactly the single-process ones; the partitions' rows are inserted by name. The
    rows of the files in `keep` (gone from the inbox, not withdrawn) are carried over from the
    previous merge, as a plain run keeps them in raw.*.
    """
    from expectations.validate import VALIDATION_DDL

    ensure_raw_tables(con, load_column_specs(con))
    con.execute(VALIDATION_DDL)
    install_macros(con)
    kept = _set_aside(con, keep)
    for shape in SHAPES:
        con.execute(f"delete from raw.{shape}")
    con.execute("delete from raw._rejects")
    con.execute("delete from quarantine.rows")
    con.execute("delete from quarantine.warnings")
    run_models(con, ["staging.unit_aliases"])
    for shape in SHAPES:
        run_models(con, [f"staging.prep_{shape}", f"staging.stg_{shape}"])
    targets = {
        "quarantine_rows": ("quarantine.rows", "file_id"),
        "quarantine_warnings": ("quarantine.warnings", "file_id"),
        "validation_results": ("lineage.validation_results", "file_id"),
    }
    for shape in SHAPES:
        targets[f"stg_{shape}"] = (f"staging.stg_{shape}", "_file_id")
        targets[f"raw_{shape}"] = (f"raw.{shape}", "_file_id")
    for table, (target, id_column) in targets.items():
        if tables.get(table):
            con.execute(
                f"""insert into {target} by name
                            select p.* exclude (period, office, {id_column}), m.file_id as {id_column}
                            from read_parquet(?, {HIVE}) p
                            join _file_map m on m.period = p.period and m.office = p.office
                                            and m.local_id = p.{id_column}""",
                [tables[table]],
            )
    for table, saved in kept.items():
        con.execute(f"insert into {table} by name select * from {saved}")
        con.execute(f"drop table {saved}")
    # the prep tables over the merged raw lines (the quarantined ones): the evidence marts and
    # `pantau trace` read a quarantined line's parsed NIP and date there
    run_models(con, [f"staging.prep_{shape}" for shape in SHAPES])


def _set_aside(con: duckdb.DuckDBPyConnection, keep: list[int]) -> dict[str, str]:
    """Copy the rows of the files in `keep` out of the tables the merge rebuilds: {table: its copy}."""
    if not keep:
        return {}
    columns = {f"staging.stg_{shape}": "_file_id" for shape in SHAPES} | {
        f"raw.{shape}": "_file_id" for shape in SHAPES
    }
    columns |= {"raw._rejects": "_file_id", "quarantine.rows": "file_id", "quarantine.warnings": "file_id"}
    saved = {}
    for table, column in columns.items():
        if has_table(con, table):
            saved[table] = f"_kept_{table.replace('.', '_')}"
            con.execute(
                f"create or replace temp table {saved[table]} as select * from {table} "
                f"where {column} in (select unnest(?::integer[]))",
                [list(keep)],
            )
    return saved


def cross_partition_keys(con: duckdb.DuckDBPyConnection, tables: dict[str, list[str]], examples: int = 5) -> list[str]:
    """Keys of cross-row rules found in more than one partition: one blocking message per shape."""
    if not tables.get("cross_keys"):
        return []
    found = con.execute(
        f"""
        with keys as (
            select k.shape, k.nip, k.key, k.period, k.office, f.path
            from read_parquet(?, {HIVE}) k
            join _file_map m on m.period = k.period and m.office = k.office and m.local_id = k._file_id
            join lineage.files f on f.file_id = m.file_id
        ),
        shared as (
            select shape, nip, key, list(distinct path order by path) as paths
            from keys group by shape, nip, key having count(distinct (period, office)) > 1
        )
        select shape, count(*),
               list(struct_pack(nip := nip, key := key, paths := paths) order by nip, key)[1:{examples}]
        from shared group by shape order by shape""",
        [tables["cross_keys"]],
    ).fetchall()
    messages = []
    for shape, n, sample in found:
        where = "; ".join(f"NIP {s['nip']} {s['key']} di {', '.join(s['paths'])}" for s in sample)
        messages.append(
            f"{shape}: {n} kunci (NIP dan tanggal/periode) muncul di lebih dari satu partisi, misalnya {where}. "
            "Aturan duplikat hanya diperiksa di dalam satu partisi; satukan berkasnya atau jalankan tanpa partisi: "
            "pantau run --period ..."
        )
    return messages


# ------------------------------------------------------------------------------- a partitioned run, plain


def ingest_partitioned(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    reference: Path,
    as_of: date,
    root: Path,
    run_id: str,
    execute,
    threads: int | None = None,
    withdraw_many: bool = False,
) -> tuple[list[FileReport], list[dict], dict]:
    """Plan, withdraw the files that left the inbox, run the partitions through `execute`, merge
    into the warehouse `con`.

    `execute(roster, others, common)` runs the roster partition (or None) before the partitions
    that read the roster; `common` holds the other arguments of evaluate_partition. Returns the
    file reports, the partitions' manifests and the reference versions. `withdraw_many`: withdraw
    files of more than one period vanishing at once (`--withdraw`).
    """
    clock = [time.perf_counter()]
    versions = load_reference_tables(con, reference, run_id)
    partitions, unread = plan_partitions(con, inbox)
    # before the merge rebuilds staging from this run's partitions: staging still says which
    # periods a vanished file fed
    present = {rel for p in partitions for rel in p.files} | {r.path for r in unread}
    vanished = withdraw_vanished(con, present, run_id, withdraw_many)
    if root.exists():
        shutil.rmtree(root)  # the layout holds this run's partitions only
    root.mkdir(parents=True)
    roster = next((p for p in partitions if p.is_roster), None)
    others = [p for p in partitions if not p.is_roster]
    clock.append(time.perf_counter())
    execute(
        roster,
        others,
        {"inbox": inbox, "reference": reference, "as_of": as_of, "root": root, "run_id": run_id, "threads": threads},
    )
    clock.append(time.perf_counter())
    manifests = [
        json.loads((root / "_manifest" / p.key / "manifest.json").read_text(encoding="utf-8")) for p in partitions
    ]
    reports = merge_partitions(con, root, manifests, run_id, kept_file_ids(vanished)) + unread + vanished
    clock.append(time.perf_counter())
    (root / "_run.json").write_text(
        json.dumps(
            {
                "run_id": run_id,
                "partitions": len(partitions),
                "processes": len({m["pid"] for m in manifests}),
                "seconds": {
                    "plan": round(clock[1] - clock[0], 3),
                    "partitions": round(clock[2] - clock[1], 3),
                    "merge": round(clock[3] - clock[2], 3),
                },
                "partition_seconds": round(sum(sum(m["seconds"].values()) for m in manifests), 3),
            },
            indent=1,
        )
    )
    return reports, manifests, versions


def assess_partitioned(
    con: duckdb.DuckDBPyConnection, reports: list[FileReport], manifests: list[dict], root: Path, period: str
) -> Outcome:
    """flows.steps.judge (files in path order), and keys of cross-row rules that two partitions
    share block publishing."""
    outcome = judge(con, sorted(reports, key=lambda r: r.path), period)
    outcome.blocking.extend(cross_partition_keys(con, _written(root, manifests)))
    return outcome


def sequentially(roster: Partition | None, others: list[Partition], common: dict) -> None:
    """Every partition in this process, the roster first (tests, debugging)."""
    for part in ([roster] if roster else []) + others:
        evaluate_partition(part, **common)


# ------------------------------------------------------------------------------- Prefect


@task(name="partition", task_run_name="partition {part.period}/{part.office}")
def partition_task(
    part: Partition, inbox: Path, reference: Path, as_of: date, root: Path, run_id: str, threads: int | None
) -> dict:
    manifest = evaluate_partition(part, inbox, reference, as_of, root, run_id, threads)
    get_run_logger().info("partisi %s: %d berkas, %s", part.key, len(part.files), manifest["seconds"])
    return manifest


@flow(name=PARTITION_FLOW, log_prints=False)
def evaluate_partitions(
    partitions: list[dict], inbox: str, reference: str, as_of: str, root: str, run_id: str, threads: int | None = None
) -> list[str]:
    """A batch of partitions, one after another in this process (a flow run on a work pool)."""
    done = []
    for spec in partitions:
        part = Partition(**spec)
        partition_task(part, Path(inbox), Path(reference), date.fromisoformat(as_of), Path(root), run_id, threads)
        done.append(part.key)
    return done


def on_processes(workers: int):
    """An executor: partitions as tasks on a ProcessPoolTaskRunner of `workers` processes.

    Partitions that do not read the roster (surveys, service volumes) start at once; the roster
    partition runs meanwhile in this process (its GX import is reused by the metrics check), and
    the partitions that read it are submitted when it is done.
    """

    def execute(roster: Partition | None, others: list[Partition], common: dict) -> None:
        from prefect.task_runners import ProcessPoolTaskRunner

        free = [p for p in others if not p.needs_roster]
        waiting = [p for p in others if p.needs_roster]
        with ProcessPoolTaskRunner(max_workers=workers) as runner:
            futures = [(p, runner.submit(partition_task, {"part": p, **common})) for p in free]
            if roster is not None:
                partition_task(roster, **common)
            futures += [(p, runner.submit(partition_task, {"part": p, **common})) for p in waiting]
            errors = []
            for part, future in futures:
                try:
                    future.result()
                except Exception as exc:  # every partition is waited for; failures are named
                    errors.append(f"{part.key}: {type(exc).__name__}: {exc}")
            if errors:
                raise RuntimeError(f"{len(errors)} dari {len(others)} partisi gagal: " + "; ".join(errors[:3]))

    return execute


def on_pool(
    batches: int,
    deployment: str = f"{PARTITION_FLOW}/{DEPLOYMENT}",
    poll_seconds: float = 1.0,
    timeout_seconds: float | None = None,
):
    """An executor: the roster partition in this process, then `batches` flow runs of the partition
    deployment on its work pool, each a batch of partitions of about equal bytes; waits for all
    to end, or `timeout_seconds` (a worker killed mid-run leaves its flow run Running)."""

    def execute(roster: Partition | None, others: list[Partition], common: dict) -> None:
        from prefect.client.orchestration import get_client
        from prefect.deployments import run_deployment

        if roster is not None:
            partition_task(roster, **common)
        params = {k: (v if v is None or isinstance(v, int) else str(v)) for k, v in common.items()}
        pending = {}
        for batch in batches_of(others, batches):
            run = run_deployment(
                deployment, parameters={"partitions": [asdict(p) for p in batch], **params}, timeout=0, as_subflow=True
            )
            pending[run.id] = ", ".join(p.key for p in batch)
        failed = []
        deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
        with get_client(sync_client=True) as client:
            while pending:
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError(
                        f"flow run partisi belum selesai setelah {timeout_seconds:.0f} s: "
                        + "; ".join(pending.values())
                    )
                time.sleep(poll_seconds)
                for flow_run_id in list(pending):
                    state = client.read_flow_run(flow_run_id).state
                    if state is not None and state.is_final():
                        keys = pending.pop(flow_run_id)
                        if not state.is_completed():
                            failed.append(f"{keys}: {state.name}: {state.message or ''}")
        if failed:
            raise RuntimeError("flow run partisi gagal: " + "; ".join(failed))

    return execute


@flow(name="evaluate_partitioned", flow_run_name="evaluasi-{period}-berpartisi", log_prints=False)
def evaluate_partitioned(
    period: str,
    inbox: Path,
    warehouse: Path,
    reference: Path,
    out: Path,
    as_of: date,
    workers: int = 2,
    mode: str = "processes",
    batches: int | None = None,
    deployment: str = f"{PARTITION_FLOW}/{DEPLOYMENT}",
    include_internal: bool | str = True,
    state_dir: Path | None = None,
    openlineage: dict | None = None,
    render: bool = True,
    pool_timeout_seconds: float | None = None,
    internal_root: Path | None = None,
    withdraw_many: bool = False,
    timezone: str = "Asia/Jakarta",
) -> Outcome:
    """Evaluate one period (YYYY-MM) with ingest and validation split into (office, period) partitions.

    mode "processes": `workers` processes of a ProcessPoolTaskRunner on this machine; mode "pool":
    `batches` (default `workers`) flow runs of `deployment` on its work pool, waited for at most
    `pool_timeout_seconds` (default: until they end). The Parquet goes to
    <state_dir>/partitions (state_dir defaults to the warehouse's folder). `render=False` skips
    the report pages (timings). `withdraw_many`: as `pantau run --withdraw` (transforms/ingest/withdraw.py).
    """
    if mode not in ("processes", "pool"):
        raise ValueError(f"mode '{mode}' tidak dikenal; pilih processes atau pool")
    state_dir = Path(state_dir or Path(warehouse).parent)
    lineage = lineage_config(state_dir, openlineage)
    root = state_dir / "partitions"
    with WarehouseLock(warehouse, f"evaluate_partitioned --period {period}"):
        con = connect(warehouse)
        try:
            check_partitioned_warehouse(con, warehouse)
        finally:
            con.close()
        execute = (
            on_pool(batches or workers, deployment, timeout_seconds=pool_timeout_seconds)
            if mode == "pool"
            else on_processes(workers)
        )
        outcome = recorded_run(
            warehouse,
            period,
            as_of,
            RUN_COMMAND,
            {"inbox": str(inbox), "warehouse": str(warehouse), "out": str(out), "workers": workers, "mode": mode},
            lineage,
            lambda run_id: _partitioned(
                period,
                Path(inbox),
                Path(warehouse),
                Path(reference),
                as_of,
                workers,
                execute,
                root,
                run_id,
                lineage,
                withdraw_many,
            ),
            description=" (berpartisi)",
            # the report is written inside the run record's transaction: 'success' only with its pages
            finish=(lambda run_id: report(warehouse, period, out, include_internal, run_id, internal_root, timezone))
            if render
            else None,
        )
    return outcome


def check_partitioned_warehouse(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    """Refuse a warehouse `pantau run` writes: the merge replaces raw.*, which holds every line there."""
    others = scalar(
        con, "select string_agg(distinct command, ', ') from lineage.runs where command <> ?", [RUN_COMMAND]
    )
    if others:
        raise ValueError(
            f"gudang data {warehouse} dipakai oleh perintah lain ({others}); run berpartisi memakai "
            "gudang data tersendiri, misalnya --warehouse .pantau/partisi.duckdb"
        )


def _partitioned(
    period, inbox, warehouse, reference, as_of, workers, execute, root, run_id, lineage, withdraw_many=False
) -> Outcome:
    """The ingest and validate steps of a partitioned run, each inside its OpenLineage events."""
    con = connect(warehouse)
    try:
        with run_step_events("ingest", con, run_id, lineage, warehouse, period, inbox):
            reports, manifests, versions = ingest_partitioned(
                con,
                inbox,
                reference,
                as_of,
                root,
                run_id,
                execute,
                threads=max(1, (os.cpu_count() or 1) // max(1, workers)),
                withdraw_many=withdraw_many,
            )
            get_run_logger().info("%d partisi selesai", len(manifests))
        with run_step_events("validate", con, run_id, lineage, warehouse, period) as events:
            outcome = assess_partitioned(con, reports, manifests, root, period)
            outcome.reference_versions = versions
            if outcome.blocked:
                events.fail("; ".join(outcome.blocking)[:1000])
        return outcome
    finally:
        con.close()


# ------------------------------------------------------------------------------- deployment


def deploy(pool: str = POOL, name: str = DEPLOYMENT) -> str:
    """Register the partition flow on a process work pool (created if missing); returns its name.

    Workers run it from this checkout (PANTAU_DIR on other machines: the same project path).
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        except ObjectAlreadyExists:
            pass
    source = os.environ.get("PANTAU_DIR", str(PROJECT_ROOT))
    evaluate_partitions.from_source(source=source, entrypoint="flows/partitioned.py:evaluate_partitions").deploy(
        name=name, work_pool_name=pool, print_next_steps=False, ignore_warnings=True
    )
    return f"{PARTITION_FLOW}/{name}"


def main(argv: list[str] | None = None) -> int:
    """`python -m flows.partitioned run|deploy ...`: `pantau run --partitioned` plus mode pool and deploy."""
    from flows.settings import duckdb_environment, load_settings, prefect_environment
    from transforms.grain import GrainViolation
    from transforms.reference import ReferenceTableError

    parser = argparse.ArgumentParser(prog="python -m flows.partitioned")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="satu periode, ingest dan validasi per partisi (kantor, periode)")
    run.add_argument("--period", required=True)
    run.add_argument("--config", type=Path)
    run.add_argument("--inbox", type=Path)
    run.add_argument("--warehouse", type=Path)
    run.add_argument("--out", type=Path)
    run.add_argument("--as-of", type=date.fromisoformat)
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--mode", choices=("processes", "pool"), default="processes")
    run.add_argument("--batches", type=int)
    run.add_argument("--pool-timeout", type=float, help="detik menunggu flow run partisi (mode pool)")
    run.add_argument("--no-report", action="store_true")
    run.add_argument(
        "--withdraw",
        action="store_true",
        help="tarik juga berkas dari beberapa periode yang hilang bersamaan dari inbox",
    )
    dep = sub.add_parser("deploy", help="daftarkan flow partisi pada work pool (tipe process)")
    dep.add_argument("--pool", default=POOL)
    args = parser.parse_args(argv)
    if args.command == "deploy":
        print(deploy(args.pool))
        return 0
    settings = load_settings(args.config, inbox=args.inbox, warehouse=args.warehouse, out=args.out, as_of=args.as_of)
    if settings.inbox is None or not settings.inbox.is_dir():
        # the exports are never guessed (no default inbox), as in `pantau run`
        print(
            f"folder inbox tidak ada: {settings.inbox}"
            if settings.inbox
            else "tidak ada inbox: sebutkan folder ekspor dengan --inbox FOLDER atau [paths] inbox di berkas "
            "pengaturan (--config); untuk contoh data: --inbox data/samples"
        )
        return 2
    prefect_environment(settings)
    duckdb_environment(settings)
    server = console.prefect_server()  # before the flow: an ephemeral server sets its own URL
    try:
        outcome = _run_from_cli(args, settings)
    except WarehouseBusy as exc:
        print(f"gudang data {settings.warehouse} sedang dipakai oleh run lain: {exc}")
        return 3
    except (ReferenceTableError, GrainViolation) as exc:
        print(exc)
        return 1
    except ValueError as exc:
        print(exc)
        return 2
    print(
        console.text_summary(outcome, f"Periode {args.period} (berpartisi): {settings.inbox} -> {settings.warehouse}")
    )
    if outcome.report:
        print(f"Laporan: {outcome.report}")
    print(console.flow_run_line(outcome.flow_run_id, server, outcome.flow_run_name))
    return 1 if outcome.blocked else 0


def _run_from_cli(args, settings) -> Outcome:
    return evaluate_partitioned(
        period=args.period,
        inbox=settings.inbox,
        warehouse=settings.warehouse,
        reference=settings.reference,
        out=settings.out,
        as_of=settings.today(),
        workers=args.workers,
        mode=args.mode,
        batches=args.batches,
        pool_timeout_seconds=args.pool_timeout,
        include_internal=settings.include_internal,
        internal_root=settings.internal_root,
        render=not args.no_report,
        withdraw_many=args.withdraw,
    )


if __name__ == "__main__":
    raise SystemExit(main())
