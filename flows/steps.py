"""The steps of a run as plain functions on an open warehouse connection.

The Prefect tasks (flows/tasks.py) wrap them for both flows; `pantau validate` calls them
directly on an in-memory warehouse. No Prefect here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from expectations.reference import load_reference_tables
from expectations.summary import FileCounts, file_counts, quarantine_by_reason, record_counts, reference_suites
from expectations.validate import validate_metrics, validate_warehouse
from transforms.ingest import FileProblem, FileReport, ingest_inbox
from transforms.ingest.withdraw import periods_by_file
from transforms.koreksi import record_corrections
from transforms.lineage import record_models
from transforms.models import discover_models, install_macros, run_models
from transforms.publish import publish, stage_candidates
from transforms.run_window import BuildCache, install_window, window_years, windowed_sql
from transforms.warehouse import has_table, scalar

PERIOD_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


@dataclass
class Outcome:
    """What a run or a validation found; plain data, safe to pass between tasks."""

    files: list[dict] = field(default_factory=list)  # FileReport + counts
    blocking: list[str] = field(default_factory=list)  # why nothing may be published
    warnings: list[str] = field(default_factory=list)
    quarantine: list[tuple] = field(default_factory=list)  # quarantine_by_reason rows
    warning_rows: list[tuple] = field(default_factory=list)  # expectation warnings, same shape
    reference_versions: dict = field(default_factory=dict)
    reference_suites: list[tuple] = field(default_factory=list)  # (ref.<table>, expectations, failed)
    unreconciled: list[str] = field(default_factory=list)
    published: dict = field(default_factory=dict)  # models built, metrics published
    stale_periods: list[str] = field(default_factory=list)  # published earlier, touched by new files
    report: str | None = None  # the reports' index.html, when rendered
    period: str | None = None  # the month run (None: `pantau validate`)
    flow_run_id: str | None = None  # the Prefect flow run that ran it
    flow_run_name: str | None = None  # its name: evaluasi-2026-10, bulanan-2026-10
    headline: list[tuple[str, str]] = field(default_factory=list)  # (judul, nilai) of the published figures

    @property
    def blocked(self) -> bool:
        return bool(self.blocking)

    def to_dict(self) -> dict:
        return asdict(self)


def ingest_step(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    reference: Path,
    run_id: str | None,
    progress=None,
    withdraw_many: bool = False,
    cache=None,
) -> tuple[list[FileReport], dict]:
    """Load the reference tables, then the inbox; `cache` (an IngestCache) replays unchanged files."""
    versions = load_reference_tables(con, reference, run_id)
    if cache is not None:
        cache.use_reference(versions)
    return ingest_inbox(con, inbox, run_id, progress=progress, withdraw_many=withdraw_many, cache=cache), versions


def validate_step(
    con: duckdb.DuckDBPyConnection,
    reports: list[FileReport],
    as_of: date,
    run_id: str | None,
    period: str | None = None,
    progress=None,
) -> Outcome:
    """Validate everything in the warehouse and decide whether the run may publish."""
    validate_warehouse(con, as_of, run_id, progress=progress)
    outcome = judge(con, reports, period)
    outcome.reference_suites = reference_suites(con, run_id)
    return outcome


def judge(con: duckdb.DuckDBPyConnection, reports: list[FileReport], period: str | None = None) -> Outcome:
    """What a validated warehouse says about the run: per-file counts, what blocks, what warns.

    validate_step calls it after Great Expectations; the partitioned flow after merging its
    partitions (whose Great Expectations ran inside them).
    """
    counts = {c.path: c for c in file_counts(con)}
    record_counts(con, list(counts.values()))
    months = periods_by_file(con)
    outcome = Outcome(period=period)
    for report in reports:
        _judge_file(outcome, report, counts.get(report.path), months.get(report.file_id, []))
    outcome.blocking.extend(_missing_inputs(con, period))
    new_files = [r.file_id for r in reports if r.action == "loaded" and r.file_id is not None]
    if period is not None:
        outcome.stale_periods = stale_periods(con, new_files, period)
        outcome.warnings.extend(
            f"periode {p} sudah diterbitkan dan kini memakai data baru atau koreksi; jalankan ulang: "
            f"pantau run --period {p} (atau --cascade)"
            for p in outcome.stale_periods
        )
    outcome.quarantine = quarantine_by_reason(con)
    outcome.warning_rows = quarantine_by_reason(con, "quarantine.warnings")
    return outcome


def _judge_file(outcome: Outcome, report: FileReport, c: FileCounts | None, periods: list[str]) -> None:
    """One file's entry in `outcome.files`, and what it blocks or warns of."""
    entry = {
        "path": report.path,
        "kind": report.kind,
        "action": report.action,
        "shape": report.shape,
        "message": report.message,
        "warnings": report.warnings,
        "rows_empty": report.rows_empty,
        "periods": periods,
    }
    if c is not None:
        entry |= {
            "rows_read": c.rows_read,
            "rows_loaded": c.rows_loaded,
            "rows_quarantined": c.rows_quarantined,
            "reconciled": c.reconciled,
        }
        if not c.reconciled:
            outcome.unreconciled.append(report.path)
    outcome.files.append(entry)
    if report.action == "error":
        outcome.blocking.append(f"{report.path}: {report.message}")
    elif report.action in ("ignored", "duplicate", "withdrawn"):
        outcome.warnings.append(f"{report.path}: {report.message}")
    for w in report.warnings:
        outcome.warnings.append(f"{report.path}: {w}")


def _missing_inputs(con: duckdb.DuckDBPyConnection, period: str | None) -> list[str]:
    """Why nothing may be published for want of data: no valid roster; no valid attendance in the month."""
    blocking = []
    if not scalar(con, "select count(*) from staging.stg_pegawai"):
        blocking.append(
            "pegawai/: tidak ada daftar pegawai yang sah; tanpa daftar pegawai semua orang akan tampak absen. "
            "Letakkan ekspor daftar pegawai (nip, nama, jabatan, unit_kerja, jenis_asn) di folder pegawai/"
        )
    if period is not None and PERIOD_MONTH.match(period):
        days = scalar(
            con,
            """
            select count(*) from (
                select tanggal from staging.stg_presensi_recap union all select tanggal from staging.stg_presensi_scan
            ) where strftime(tanggal, '%Y-%m') = ?""",
            [period],
        )
        if not days:
            blocking.append(
                f"presensi/: tidak ada data presensi yang sah untuk periode {period}; "
                "tanpa presensi semua orang akan tampak absen. Letakkan rekap harian atau log mesin periode itu"
            )
    return blocking


def build_step(con: duckdb.DuckDBPyConnection, run_id: str | None, period: str | None = None) -> list[str]:
    """Build every mart from the staging tables and record each model's SQL and column lineage.

    Each mart's grain is checked over the period's rows as it is built (transforms/grain.py): a
    duplicate key raises GrainViolation, which blocks the run.

    With a period, the marts read only the facts of the years that period's numbers need, and a
    table whose cache key (its SQL and the content of all it reads) matches its last build is
    kept (transforms/run_window.py). Marts are intermediate tables: `metrics` changes only in
    publish's one transaction, so a failure here leaves the previous results intact.
    """
    install_macros(con)
    catalog = discover_models()
    models = [name for name in catalog if name.startswith("marts.")]
    years = window_years(con, period)
    install_window(con, years)
    cache = BuildCache(con, catalog, years)
    kept: set[str] = set()

    def keep(name: str) -> bool:
        cache.key(name)
        if cache.can_keep(name):
            kept.add(name)
            return True
        return False

    built = run_models(con, models, period=period, rewrite=windowed_sql, keep=keep)
    for name in built:
        cache.record(run_id, name, name not in kept)
    if run_id is not None:
        record_models(con, run_id, built)
        record_corrections(con, run_id)
    return built


def publish_step(con: duckdb.DuckDBPyConnection, period: str, run_id: str, built: list[str]) -> dict:
    """Check the period's metrics with the output suite and publish them in one transaction.

    Failing output checks block publishing: the result carries them under "blocking".
    """
    candidates = stage_candidates(con, period)
    problems = validate_metrics(con, candidates, units_with_inputs(con, period))
    if problems:
        return {"models": built, "metrics": 0, "warnings": [], "blocking": problems}
    published = publish(con, period, run_id, candidates)
    warnings = (
        [
            f"presensi/: unit {unit} tidak mengirim data presensi untuk {period}; hari kerjanya dihitung "
            "'tidak diketahui', bukan TK. Kirim ekspor unit itu dan jalankan ulang periode ini"
            for (unit,) in con.execute(
                "select distinct unit_slug from marts.attendance_asn_day "
                "where period = ? and source = 'unit_tanpa_data' order by 1",
                [period],
            ).fetchall()
        ]
        if "marts.attendance_asn_day" in built
        else []
    )
    return {"models": built, "metrics": published, "warnings": warnings, "blocking": []}


def transform_step(con: duckdb.DuckDBPyConnection, period: str, run_id: str) -> dict:
    """build_step then publish_step, for callers without a flow (bench, tests)."""
    return publish_step(con, period, run_id, build_step(con, run_id, period))


def units_with_inputs(con: duckdb.DuckDBPyConnection, period: str) -> list[str]:
    """Units with attendance or survey rows in the month: each must appear in metrics."""
    return [
        r[0]
        for r in con.execute(
            """
        select distinct p.unit_slug from staging.stg_pegawai p
        join (select nip, tanggal from staging.stg_presensi_recap
              union all select nip, tanggal from staging.stg_presensi_scan) a using (nip)
        where strftime(a.tanggal, '%Y-%m') = ?
        union
        select distinct unit_slug from staging.stg_skm where strftime(tanggal, '%Y-%m') = ?
        order by 1""",
            [period, period],
        ).fetchall()
    ]


def stale_periods(con: duckdb.DuckDBPyConnection, file_ids: list[int], period: str) -> list[str]:
    """Published months other than `period` with facts in a file first loaded after the run that
    last published them: new or corrected files of this run, and those of an earlier run that
    named the month stale when it was not rerun since (so `--cascade` after a plain run still
    finds it). The files in `file_ids` (this run's new ones) count whatever lineage.runs holds."""
    if not has_table(con, "main.metrics"):
        return []
    sql = """
        with published as (      -- a run missing from lineage.runs (tests' helpers) counts as long ago
            select m.period as p, max(r.started_at) as at
            from (select distinct period, run_id from main.metrics) m left join lineage.runs r using (run_id)
            group by 1
        ),
        fresh as (
            select f.file_id, r.started_at as at
            from lineage.files f join lineage.runs r on r.run_id = f.first_run_id
            where f.status = 'loaded'
        ),
        touched as (
            select strftime(tanggal, '%Y-%m') as p, _file_id from staging.stg_presensi_recap
            union select strftime(tanggal, '%Y-%m'), _file_id from staging.stg_presensi_scan
            union select strftime(tanggal, '%Y-%m'), _file_id from staging.stg_skm
            union select periode, _file_id from staging.stg_skp
            union select periode, _file_id from staging.stg_layanan
            union select periode, _file_id from staging.stg_koreksi
        )
        select distinct t.p from touched t
        join published pb on pb.p = t.p
        left join fresh f on f.file_id = t._file_id
        where (f.at > pb.at or t._file_id in (select unnest(?::integer[]))) and t.p <> ? order by 1"""
    return [r[0] for r in con.execute(sql, [file_ids, period]).fetchall()]


# the years a period may name: exports of this office are digital from 2000 on; 9999-12 would
# have no next month to end the period at
PERIOD_YEARS = range(2000, 2100)


def check_period(period: str) -> None:
    """A month written YYYY-MM, nothing before or after it (not even a line break)."""
    if not PERIOD_MONTH.fullmatch(period) or "\n" in period:
        raise ValueError(f"periode {period!r} tidak sah: tulis sebagai YYYY-MM, misalnya 2026-10")
    if int(period[:4]) not in PERIOD_YEARS:
        raise ValueError(
            f"periode {period!r} tidak sah: tahun harus di antara {PERIOD_YEARS.start} dan {PERIOD_YEARS.stop - 1}"
        )


__all__ = [
    "Outcome",
    "ingest_step",
    "validate_step",
    "judge",
    "build_step",
    "publish_step",
    "transform_step",
    "check_period",
    "FileProblem",
]
